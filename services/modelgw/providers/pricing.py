"""Cost of one request from the provider's price table in config.

Prices are per million tokens, keyed by the provider's own model name, with
`*` as the fallback; no entry means the cost is unknown (None), which the
audit record keeps apart from a real zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from modelgw.common.config.providers import ProviderBase
from modelgw.common.messages import Usage


def request_cost(provider: ProviderBase | None, upstream_model: str, usage: Usage) -> float | None:
    if provider is None:
        return None
    price = provider.prices.get(upstream_model) or provider.prices.get("*")
    if price is None:
        return None
    return (
        usage.prompt_tokens * price.input_per_million
        + usage.completion_tokens * price.output_per_million
    ) / 1_000_000


def highest_cost(
    providers: Mapping[str, ProviderBase],
    targets: Iterable[tuple[str, str]],
    prompt_tokens: int,
    completion_tokens: int,
) -> float | None:
    """The most `usage` would cost on any of the (provider, upstream model) targets: what a
    spend budget holds for a request before it knows which backend will answer."""
    usage = Usage(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
    costs = [request_cost(providers.get(name), model, usage) for name, model in targets]
    known = [c for c in costs if c is not None]
    return max(known) if known else None
