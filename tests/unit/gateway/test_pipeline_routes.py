"""The pipeline between the trust layer, the route and the cache.

The trust layer is asked once per request, for every locality of the route;
each backend gets its own locality's masking; a backend the tenant's entity
policy blocks is passed over (sampled or deterministic alike); the response
cache is keyed by tenant and masked text only.
"""

from __future__ import annotations

import grpc
import pytest

from modelgw.common.config.providers import Locality
from modelgw.common.errors import BackendError, PermissionDenied
from modelgw.gateway.cache import KEY_PREFIX, MemoryCache
from tests.unit.gateway.fakes import (
    KeptCache,
    PipelineUnderTest,
    ScriptedBackend,
    pipeline_under_test,
    streamed_text,
)

EMAIL = "alice@example.com"
PROMPT = f"Forward the statement to {EMAIL} today"
LOCAL_SEES_RAW = {"tenants": {"dev": {"entity_policy": {"local_default": "allow"}}}}
NO_MAIL_OUT = {"tenants": {"dev": {"entity_policy": {"external": {"EMAIL_ADDRESS": "block"}}}}}


def cloud_then_onprem(changes: dict, **kwargs) -> PipelineUnderTest:
    return pipeline_under_test(
        [ScriptedBackend("cloud", Locality.EXTERNAL), ScriptedBackend("onprem")],
        changes,
        values={EMAIL: "EMAIL_ADDRESS"},
        **kwargs,
    )


def sent(backend: ScriptedBackend) -> list[str]:
    return [r.messages[-1].content for r in backend.received]


# -- the trust layer, once ----------------------------------------------------------------
@pytest.mark.parametrize("streamed", [False, True], ids=["unary", "stream"])
async def test_the_trust_layer_is_asked_once_even_when_the_route_fails_over(
    streamed: bool,
) -> None:
    run = cloud_then_onprem(LOCAL_SEES_RAW)
    cloud, onprem = run.backends["cloud"], run.backends["onprem"]
    cloud.fail = BackendError("down", code=grpc.StatusCode.UNAVAILABLE, retryable=True)

    if streamed:
        text = streamed_text(await run.ask_streamed(PROMPT))
    else:
        text = (await run.ask(PROMPT)).text

    assert text == PROMPT
    (call,) = run.trust.calls
    assert call.localities == {Locality.EXTERNAL, Locality.LOCAL}
    # Each backend got what its own locality's policy allows, from that one detection.
    assert sent(cloud) and all(
        t == "Forward the statement to <EMAIL_ADDRESS_1> today" for t in sent(cloud)
    )
    assert sent(onprem) == [PROMPT]
    record = run.audit.only()
    assert record.backend == "onprem" and record.masked_prompt[0].content == PROMPT


async def test_a_one_locality_route_asks_for_that_locality_only() -> None:
    run = pipeline_under_test([ScriptedBackend("onprem")], values={EMAIL: "EMAIL_ADDRESS"})
    await run.ask(PROMPT)
    (call,) = run.trust.calls
    assert call.localities == {Locality.LOCAL}
    assert call.texts == (PROMPT,)


async def test_stop_strings_are_protected_with_the_messages() -> None:
    run = pipeline_under_test([ScriptedBackend("onprem")], values={EMAIL: "EMAIL_ADDRESS"})
    await run.ask("Say hello", stop=(EMAIL,))
    (call,) = run.trust.calls
    assert call.texts == ("Say hello", EMAIL)
    (request,) = run.backends["onprem"].received
    assert request.params.stop == ("<EMAIL_ADDRESS_1>",)


# -- a backend the policy blocks is passed over -------------------------------------------
@pytest.mark.parametrize(
    "params",
    [{"temperature": 0.0}, {"seed": 7}, {"temperature": 0.7}],
    ids=["temperature-0", "seed", "sampled"],
)
@pytest.mark.parametrize("streamed", [False, True], ids=["unary", "stream"])
async def test_a_first_backend_the_policy_blocks_is_passed_over(
    params: dict, streamed: bool
) -> None:
    """Deterministic requests look in the cache first: that must not refuse them."""
    run = cloud_then_onprem(NO_MAIL_OUT, cache=MemoryCache(ttl_s=60))
    if streamed:
        text = streamed_text(await run.ask_streamed(PROMPT, **params))
    else:
        text = (await run.ask(PROMPT, **params)).text

    assert text == PROMPT
    assert run.backends["cloud"].received == []
    assert len(run.backends["onprem"].received) == 1
    record = run.audit.only()
    assert record.status == "OK" and record.backend == "onprem"
    assert "cloud skipped" in record.route_reason


async def test_a_route_the_policy_blocks_everywhere_is_refused() -> None:
    both = {
        "tenants": {
            "dev": {
                "entity_policy": {
                    "external": {"EMAIL_ADDRESS": "block"},
                    "local": {"EMAIL_ADDRESS": "block"},
                }
            }
        }
    }
    run = cloud_then_onprem(both, cache=MemoryCache(ttl_s=60))
    with pytest.raises(PermissionDenied, match="EMAIL_ADDRESS"):
        await run.ask(PROMPT, temperature=0.0)
    assert run.backends["cloud"].received == [] and run.backends["onprem"].received == []
    assert run.audit.only().status == "PERMISSION_DENIED"


# -- the response cache -------------------------------------------------------------------
async def test_a_cached_answer_comes_from_the_allowed_backend_and_is_recorded_as_a_hit() -> None:
    run = cloud_then_onprem(NO_MAIL_OUT, cache=MemoryCache(ttl_s=60))
    await run.ask(PROMPT, temperature=0.0)
    again = await run.ask(PROMPT, temperature=0.0)

    assert again.text == PROMPT
    assert len(run.backends["onprem"].received) == 1 and run.backends["cloud"].received == []
    first, hit = run.audit.records
    assert not first.cache_hit and hit.cache_hit
    assert hit.backend == "onprem" and hit.cost_usd == 0.0
    assert run.quotas.settled[-1] == 0  # a cache hit used no backend tokens


async def test_the_cache_key_holds_the_tenant_and_the_masked_text_only() -> None:
    cache = KeptCache()
    run = pipeline_under_test(
        [ScriptedBackend("cloud", Locality.EXTERNAL)],
        {"tenants": {"other": {}}},
        values={EMAIL: "EMAIL_ADDRESS", "bob@example.com": "EMAIL_ADDRESS"},
        cache=cache,
    )
    first = await run.ask(PROMPT, temperature=0.0)
    # Another address masks to the same text: the same key, one backend call, and each
    # caller gets their own value back.
    second = await run.ask(PROMPT.replace(EMAIL, "bob@example.com"), temperature=0.0)

    assert first.text == PROMPT and second.text == PROMPT.replace(EMAIL, "bob@example.com")
    assert len(run.backends["cloud"].received) == 1
    (key,) = cache.entries
    assert key.startswith(f"{KEY_PREFIX}:dev:")
    (answer,) = cache.entries.values()
    assert answer.masked_text == "Forward the statement to <EMAIL_ADDRESS_1> today"
    assert run.audit.records[1].cache_hit

    await run.ask(PROMPT, tenant="other", temperature=0.0)  # the same text, another tenant
    assert len(run.backends["cloud"].received) == 2
    assert sorted(k.split(":")[3] for k in cache.entries) == ["dev", "other"]


async def test_sampled_requests_neither_read_nor_fill_the_cache() -> None:
    cache = KeptCache()
    run = pipeline_under_test([ScriptedBackend("onprem")], cache=cache)
    for _ in range(2):
        await run.ask("Tell me a story", temperature=0.9)
    assert cache.asked == [] and cache.entries == {}
    assert len(run.backends["onprem"].received) == 2


async def test_an_answer_that_failed_half_way_is_not_cached() -> None:
    cache = KeptCache()
    onprem = ScriptedBackend("onprem")
    onprem.fail_after_first = BackendError("gone", code=grpc.StatusCode.UNAVAILABLE, retryable=True)
    run = pipeline_under_test([onprem], cache=cache)
    with pytest.raises(BackendError):
        await run.ask_streamed("A long enough answer to be cut", temperature=0.0)
    assert cache.entries == {}


async def test_a_deployment_without_a_cache_computes_no_key(monkeypatch) -> None:
    """The key hashes the whole masked prompt: work for nothing when no cache keeps it."""
    keys: list[tuple[object, ...]] = []

    def counted(*args: object) -> str:
        keys.append(args)
        return "key"

    monkeypatch.setattr("modelgw.gateway.response_cache_step.cache_key", counted)
    run = pipeline_under_test([ScriptedBackend("cloud", Locality.EXTERNAL)])  # NoCache
    assert (await run.ask(PROMPT, temperature=0.0)).text == PROMPT
    assert streamed_text(await run.ask_streamed(PROMPT, temperature=0.0)) == PROMPT
    assert keys == []
