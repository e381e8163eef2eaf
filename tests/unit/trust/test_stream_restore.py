"""Streaming restore: any chunking gives the non-streamed text, never a partial placeholder."""

from __future__ import annotations

import re
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from modelgw.trust.restore import (
    StreamRestorer,
    _hold_from,
    _partial_patterns,
    placeholder_pattern,
    restore_text,
)
from modelgw.trust.segments import Segmenter, split_segments
from modelgw.trust.vault import Vault

VALUES = {
    "PERSON": "John Smith",
    "EMAIL_ADDRESS": "john.smith@example.com",
    "PHONE_NUMBER": "+1 415-555-0132",
    "CREDIT_CARD": "4111 1111 1111 1111",
}


def _vault() -> Vault:
    vault = Vault()
    for entity_type, value in VALUES.items():
        vault.placeholder_for(entity_type, value)
    vault.placeholder_for("PERSON", "Anna Kowalska")  # <PERSON_2>
    return vault


VAULT = _vault()
MASKED = (
    "Dear <PERSON_1>, we wrote to <EMAIL_ADDRESS_1> and called <PHONE_NUMBER_1>. "
    "Your card <CREDIT_CARD_1> is fine.\n<PERSON_2> (PERSON_1) says hi; <person_2> and "
    "< EMAIL ADDRESS 1 > too. Unknown <PERSON_9> stays, PERSON_12 stays."
)
EXPECTED = (
    "Dear John Smith, we wrote to john.smith@example.com and called +1 415-555-0132. "
    "Your card 4111 1111 1111 1111 is fine.\nAnna Kowalska (John Smith) says hi; Anna Kowalska "
    "and john.smith@example.com too. Unknown <PERSON_9> stays, PERSON_12 stays."
)
PARTIAL = re.compile(r"<[A-Z_]*\Z|<[A-Z_]+_\d*\Z")


def _stream(text: str, cuts: list[int]) -> list[str]:
    restorer = StreamRestorer(VAULT)
    bounds = [0, *sorted(set(cuts)), len(text)]
    out = [restorer.feed(text[a:b]) for a, b in pairwise(bounds)]
    out.append(restorer.finish())
    return out


def _assert_clean(pieces: list[str]) -> None:
    emitted = ""
    for piece in pieces:
        emitted += piece
        # Everything emitted so far is a prefix of the right answer: nothing partial or wrong.
        assert EXPECTED.startswith(emitted), (emitted, pieces)
    assert emitted == EXPECTED


def test_restore_text_is_tolerant_of_what_models_do_to_placeholders() -> None:
    assert restore_text(MASKED, VAULT) == EXPECTED


def test_every_placeholder_and_value_split_at_every_offset() -> None:
    for index in range(len(MASKED) + 1):
        _assert_clean(_stream(MASKED, [index]))
    # Two cuts inside every placeholder: every pair of offsets within it.
    for match in re.finditer(r"<[^>]*>", MASKED):
        for a in range(match.start(), match.end() + 1):
            for b in range(a, match.end() + 1):
                _assert_clean(_stream(MASKED, [a, b]))


def test_character_by_character_stream() -> None:
    _assert_clean(_stream(MASKED, list(range(len(MASKED)))))


def test_hold_back_is_bounded() -> None:
    restorer = StreamRestorer(VAULT)
    longest_hold = 0
    for ch in MASKED * 3:
        restorer.feed(ch)
        longest_hold = max(longest_hold, restorer.held)
    assert longest_hold < 60


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(MASKED)), max_size=40))
def test_random_chunkings_equal_the_whole(cuts: list[int]) -> None:
    _assert_clean(_stream(MASKED, cuts))


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab .!?\n<>_PERSON1")), max_size=300),
    st.lists(st.integers(min_value=0, max_value=300), max_size=20),
)
def test_segments_do_not_depend_on_chunking(text: str, cuts: list[int]) -> None:
    segmenter = Segmenter(max_segment=40)
    bounds = [0, *sorted({c for c in cuts if c <= len(text)}), len(text)]
    pieces: list[str] = []
    for a, b in pairwise(bounds):
        pieces.extend(segmenter.feed(text[a:b]))
    pieces.extend(segmenter.finish())
    assert pieces == split_segments(text, max_segment=40)
    assert "".join(pieces) == text
    assert all(len(p) <= 40 for p in pieces)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab <>_-[]PERSONEMAIL12 ")), max_size=120),
    st.lists(st.integers(min_value=0, max_value=120), max_size=15),
)
def test_arbitrary_text_streams_like_the_whole(text: str, cuts: list[int]) -> None:
    restorer = StreamRestorer(VAULT)
    bounds = [0, *sorted({c for c in cuts if c <= len(text)}), len(text)]
    out = "".join(restorer.feed(text[a:b]) for a, b in pairwise(bounds))
    assert out + restorer.finish() == restore_text(text, VAULT)


def _hold_from_every_position(text: str, types: frozenset[str], start: int) -> int:
    """`_hold_from` as it was: both partial patterns tried at every position of the tail."""
    patterns = _partial_patterns(types)
    _, longest = placeholder_pattern(types)
    for position in range(max(start, len(text) - longest), len(text)):
        for pattern in patterns:
            match = pattern.match(text, pos=position, partial=True)
            if match is not None and match.end() == len(text):
                return position
    return len(text)


_PIECES = ["<", "[", "{", ">", "]", " ", "_", "-", "1", "42", "PERSON", "person", "Per",
           "EMAIL", "Email-Add", "address", "US_SSN", "us ss", "x", "é", "Ünal", "9a"]  # fmt: skip


@given(st.lists(st.sampled_from(_PIECES), max_size=14), st.integers(0, 40))
@settings(max_examples=600, deadline=None)
def test_hold_back_starts_where_trying_every_position_says(pieces: list[str], start: int) -> None:
    """The tail is found trying only the positions a placeholder can begin at."""
    text = "".join(pieces)
    types = frozenset({"PERSON", "EMAIL_ADDRESS", "US_SSN"})
    assert _hold_from(text, types, start) == _hold_from_every_position(text, types, start)
