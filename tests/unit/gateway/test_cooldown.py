"""The `retry-after` pauses of `routing/cooldown.py`: per backend and upstream model, capped,
over when the time has passed (a clock of the test's own)."""

from __future__ import annotations

import grpc

from modelgw.common.config.providers import EchoProvider
from modelgw.gateway.routing.cooldown import Cooldowns, all_cooling
from modelgw.gateway.routing.plan import Candidate
from modelgw.providers.echo import EchoBackend
from modelgw.providers.transport.errors import ProviderError

BACKEND = EchoBackend("upstream", EchoProvider(type="echo"))
GPT, MINI = Candidate(BACKEND, "gpt"), Candidate(BACKEND, "mini")


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


def _429(retry_after_s: float | None) -> ProviderError:
    return ProviderError(
        "429",
        code=grpc.StatusCode.RESOURCE_EXHAUSTED,
        retryable=True,
        upstream_status=429,
        retry_after_s=retry_after_s,
    )


def test_a_pause_holds_for_its_model_only_and_ends_when_the_time_has_passed() -> None:
    clock = Clock()
    cooldowns = Cooldowns(600, clock)
    assert cooldowns.note(GPT, _429(30)) == 30
    clock.now += 10
    assert cooldowns.remaining(GPT) == 20
    assert cooldowns.remaining(MINI) == 0, "the backend's other models are not paused"
    clock.now += 20
    assert cooldowns.remaining(GPT) == 0


def test_a_pause_is_capped_and_can_be_turned_off() -> None:
    clock = Clock()
    assert Cooldowns(60, clock).note(GPT, _429(86_400)) == 60
    off = Cooldowns(0, clock)
    assert off.note(GPT, _429(30)) is None and off.remaining(GPT) == 0


def test_a_failure_without_retry_after_starts_no_pause() -> None:
    cooldowns = Cooldowns(600, Clock())
    assert cooldowns.note(GPT, _429(None)) is None
    assert cooldowns.note(GPT, _429(0)) is None
    assert cooldowns.remaining(GPT) == 0


def test_the_caller_is_told_the_soonest_whole_second() -> None:
    refused = all_cooling("chat", 0.2, ["upstream skipped"])
    assert refused.code is grpc.StatusCode.RESOURCE_EXHAUSTED
    assert refused.retry_after_s == 1
    assert all_cooling("chat", 29.1, []).retry_after_s == 30
