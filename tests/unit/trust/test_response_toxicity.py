"""Toxicity from the model shipped in `alt-profanity-check`: recorded, and acted on by policy.

The same answer streamed in any chunking and non-streamed is cut at the same
sentence when the tenant's policy blocks toxic content.
"""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from modelgw.common.config.tenants import EntityAction, EntityPolicy, ResponseScanPolicy
from modelgw.common.config.trust import ToxicityModel, TrustConfig
from modelgw.common.messages import TrustDecision, TrustSummary
from modelgw.trust.answer import AnswerFilter
from modelgw.trust.engine import TrustEngine
from modelgw.trust.response import TOXIC_MARKER, ResponseGuard
from modelgw.trust.vault import Vault

ANSWER = (
    "Thanks for your patience with the refund. "
    "You are a stupid worthless idiot and I hate you. "
    "The refund ships on Monday."
)


@pytest.fixture(scope="module")
def toxic_engine(trust_engine):
    engine = TrustEngine(
        TrustConfig(toxicity_model=ToxicityModel.PROFANITY_CHECK), detector=trust_engine.detector
    )
    yield engine
    engine.close()


def _filter(engine: TrustEngine, action: EntityAction) -> AnswerFilter:
    guard = ResponseGuard(
        engine=engine,
        tenant="t",
        policy=EntityPolicy(),
        response=ResponseScanPolicy(toxicity_action=action, toxicity_threshold=0.8),
        vault=Vault(),
        prompt_texts=(),
    )
    return AnswerFilter(guard, guard.vault)


async def _run(engine: TrustEngine, action: EntityAction, cuts: list[int]) -> tuple[str, bool]:
    answer = _filter(engine, action)
    bounds = [0, *sorted(set(cuts)), len(ANSWER)]
    out = ""
    for a, b in pairwise(bounds):
        out += "".join(await answer.feed(ANSWER[a:b]))
        if answer.cut:
            break
    out += "".join(await answer.finish())
    return out, answer.cut


async def test_score_is_recorded_and_allow_keeps_the_answer(toxic_engine: TrustEngine) -> None:
    answer = _filter(toxic_engine, EntityAction.ALLOW)
    text = "".join(await answer.feed(ANSWER)) + "".join(await answer.finish())
    assert text == ANSWER
    summary = answer.summary(TrustSummary(TrustDecision.CLEAN))
    assert summary.toxicity is not None and summary.toxicity >= 0.8


async def test_block_cuts_at_the_same_sentence_streamed_or_not(toxic_engine: TrustEngine) -> None:
    whole, cut = await _run(toxic_engine, EntityAction.BLOCK, [])
    assert cut and whole == "Thanks for your patience with the refund. "
    rng = random.Random(7)
    for _ in range(15):
        cuts = [rng.randrange(len(ANSWER)) for _ in range(rng.randrange(1, 12))]
        assert await _run(toxic_engine, EntityAction.BLOCK, cuts) == (whole, True)


async def test_redact_replaces_only_the_toxic_sentence(toxic_engine: TrustEngine) -> None:
    text, cut = await _run(toxic_engine, EntityAction.REDACT, [5, 60])
    assert not cut
    assert text == (
        f"Thanks for your patience with the refund. {TOXIC_MARKER} The refund ships on Monday."
    )
