"""Cutting a streamed answer between ordinary words (#19): early, and the same however chunked."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from modelgw.trust.plain_words import load_plain_words
from modelgw.trust.segments import EagerSegmenter

WORDS = load_plain_words()
ANSWER = (
    "Your order was shipped today. Please contact John Smith at john.smith@example.com "
    "or call 415-555-0132 about the invoice, and ship to 12 main street in Berlin soon."
)


def _segments(chunks: list[str]) -> list[str]:
    segmenter = EagerSegmenter(WORDS)
    out = [s for chunk in chunks for s in segmenter.feed(chunk)]
    return out + segmenter.finish()


def test_ordinary_words_are_released_one_by_one_and_values_stay_whole() -> None:
    segments = _segments([ANSWER])
    assert "".join(segments) == ANSWER
    assert segments[:3] == ["Your", " order", " was"]
    assert any("John Smith at john.smith@example.com or call 415-555-0132" in s for s in segments)
    assert any("12 main street in Berlin" in s for s in segments)
    held = [s for s in segments if not EagerSegmenter(WORDS).ordinary(s)]
    assert all(len(s) < 120 for s in held)


def test_a_word_is_released_only_once_the_next_word_is_whole() -> None:
    segmenter = EagerSegmenter(WORDS)
    assert segmenter.feed("the invoice wa") == ["the"]  # `invoice` waits for its neighbour
    assert segmenter.feed("s paid") == [" invoice"]
    assert segmenter.finish() == [" was paid"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=len(ANSWER) - 1), max_size=25))
def test_cut_points_do_not_depend_on_the_chunking(cuts: list[int]) -> None:
    bounds = [0, *sorted(set(cuts)), len(ANSWER)]
    chunks = [ANSWER[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    assert _segments(chunks) == _segments([ANSWER])
