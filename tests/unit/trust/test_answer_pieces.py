"""A streamed answer leaves in the backend's own chunks wherever scanning changed nothing (#19).

Segments that span several chunks (words held back together) used to leave as
one piece, so a caller got half as many chunks as the model sent; now only a
segment that was changed (a value masked) leaves as one piece.
"""

from __future__ import annotations

from modelgw.common.config.tenants import EntityAction, EntityPolicy, ResponseScanPolicy
from modelgw.trust.answer import AnswerFilter
from modelgw.trust.engine import TrustEngine
from modelgw.trust.plain_words import load_plain_words
from modelgw.trust.response import ResponseGuard
from modelgw.trust.vault import Vault

ANSWER = (
    "The refund was approved and the parcel will look held up for a day, then our "
    "colleague Jan Kowalski in Gdańsk will send it, as the invoice says."
)


def _filter(engine: TrustEngine) -> AnswerFilter:
    guard = ResponseGuard(
        engine=engine,
        tenant="t",
        policy=EntityPolicy(),
        response=ResponseScanPolicy(new_entity_action=EntityAction.REDACT),
        vault=Vault(),
        prompt_texts=(),
    )
    return AnswerFilter(guard, guard.vault, load_plain_words())


async def test_unchanged_text_keeps_the_backend_chunks_and_a_masked_value_leaves_whole(
    trust_engine: TrustEngine,
) -> None:
    answer = _filter(trust_engine)
    words = ANSWER.split(" ")
    chunks = [words[0], *(f" {w}" for w in words[1:])]
    pieces: list[str] = []
    for chunk in chunks:
        pieces.extend(await answer.feed(chunk))
    tail = "".join(await answer.finish())
    text = "".join(pieces) + tail
    assert "Kowalski" not in text and "Gdańsk" not in text
    changed = [p for p in pieces if p not in chunks]
    # Everything before the name leaves chunk by chunk, exactly as sent.
    sent_before = chunks[: chunks.index(" colleague")]
    assert pieces[: len(sent_before)] == sent_before
    # Only the pieces holding a redaction marker differ from what the backend sent.
    assert changed and all("[" in p for p in changed), changed


async def test_a_cue_in_text_released_unscanned_still_counts_for_the_next_segment(
    trust_engine: TrustEngine,
) -> None:
    """`delivery` leaves unscanned (ordinary words), yet it is the cue that makes the small
    town after `to` a place: the scan of the next segment must read it."""
    answer = _filter(trust_engine)
    text = "Subject: Re: delivery to Pełczyce\nDate: today\n\nThanks for the note."
    pieces: list[str] = []
    for index, word in enumerate(text.split(" ")):
        pieces.extend(await answer.feed(f" {word}" if index else word))
    out = "".join(pieces) + "".join(await answer.finish())
    assert "Pełczyce" not in out, out


async def test_a_whole_answer_of_ordinary_words_leaves_as_the_one_piece_it_came_in(
    trust_engine: TrustEngine,
) -> None:
    """A non-streamed answer is one chunk: what its feed releases unscanned leaves as one
    piece (one event through the pipeline, not one per pair of words); the words still
    held back (they may go on) leave at the finish."""
    answer = _filter(trust_engine)
    text = "the refund was approved and the parcel will be sent to you soon, as agreed"
    released = await answer.feed(text)
    assert len(released) == 1 and len(released[0].split()) >= 10, released
    assert "".join(released + await answer.finish()) == text
