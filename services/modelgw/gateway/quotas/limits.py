"""A tenant's limits as fixed windows, and the token estimate a reservation holds.

Windows are aligned to the epoch (a minute starts at :00, a day at 00:00 UTC),
so every gateway replica derives the same window, and so the same counter,
from the same clock reading.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from modelgw.common.config.quotas import TenantQuotas
from modelgw.common.messages import ChatMessage

MINUTE = 60
DAY = 24 * 3600
CHARS_PER_TOKEN = 4


@dataclass(frozen=True, slots=True)
class Limit:
    name: str
    """The config key (`tokens_per_minute`): it names the limit in refusals and in keys."""
    value: int
    window_s: int
    counts_tokens: bool
    """True for token limits (reconciled with real usage), False for request counts."""

    def window(self, now: float) -> int:
        """Start (epoch seconds) of the window `now` falls in."""
        return int(now // self.window_s) * self.window_s

    def retry_after_s(self, window: int, now: float) -> int:
        """Whole seconds until `window` ends: when a refused caller may try again."""
        return max(1, math.ceil(window + self.window_s - now))


def tenant_limits(quotas: TenantQuotas) -> tuple[Limit, ...]:
    """The limits a tenant configured; empty means unlimited (and no store is asked)."""
    candidates = (
        ("requests_per_minute", quotas.requests_per_minute, MINUTE, False),
        ("tokens_per_minute", quotas.tokens_per_minute, MINUTE, True),
        ("tokens_per_day", quotas.tokens_per_day, DAY, True),
    )
    return tuple(
        Limit(name, value, window, tokens)
        for name, value, window, tokens in candidates
        if value is not None
    )


def text_tokens(texts: Sequence[str]) -> int:
    """About four characters per token (English prose under BPE tokenizers).

    Deliberately not a tokenizer: the gateway does not know every backend's
    vocabulary, the estimate only has to be close enough to hold a reservation,
    and the real usage replaces it when the answer arrives.
    """
    return sum(math.ceil(len(text) / CHARS_PER_TOKEN) for text in texts)


def estimate_tokens(messages: Sequence[ChatMessage], max_tokens: int) -> int:
    """What a request may cost before it runs: its prompt estimate plus its completion cap."""
    return text_tokens([message.content for message in messages]) + max_tokens
