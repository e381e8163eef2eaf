"""Cutting a streamed answer between ordinary words (#19): early, and the same however chunked."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from modelgw.trust.plain_words import load_plain_words
from modelgw.trust.segments import EagerSegmenter, Segmenter

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
    # `was` is a lead word: it leaves as soon as `paid` has begun
    assert segmenter.feed("s paid") == [" invoice", " was"]
    assert segmenter.finish() == [" paid"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=len(ANSWER) - 1), max_size=25))
def test_cut_points_do_not_depend_on_the_chunking(cuts: list[int]) -> None:
    bounds = [0, *sorted(set(cuts)), len(ANSWER)]
    chunks = [ANSWER[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    assert _segments(chunks) == _segments([ANSWER])


def _sentence_cuts_by_the_rule(text: str, max_segment: int) -> list[str]:
    """The rule, spelled out character by character: a cut after `.`, `!`, `?` or a newline
    followed by whitespace, else after the last space of a full window."""
    segments: list[str] = []
    while True:
        cut = 0
        for i in range(min(len(text) - 1, max_segment - 1)):
            if text[i] in ".!?\n" and text[i + 1].isspace():
                cut = i + 2
                break
        if not cut and len(text) >= max_segment:
            window = text[:max_segment]
            space = max(window.rfind(" "), window.rfind("\t"))
            cut = space + 1 if space > 0 else max_segment
        if not cut:
            return [*segments, text] if text else segments
        segments.append(text[:cut])
        text = text[cut:]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab .!?\n\t", max_size=120), st.integers(min_value=2, max_value=30))
def test_sentence_cuts_follow_the_rule(text: str, max_segment: int) -> None:
    segmenter = Segmenter(max_segment)
    assert segmenter.feed(text) + segmenter.finish() == _sentence_cuts_by_the_rule(
        text, max_segment
    )


def test_a_lead_word_leaves_once_the_next_word_begins_in_lower_case() -> None:
    """`numbers` is no plain word, yet `The` is released as soon as it has begun."""
    segmenter = EagerSegmenter(WORDS)
    assert segmenter.feed("The") == []
    assert segmenter.feed(" n") == ["The"]
    assert segmenter.feed("umbers look") == []
    assert segmenter.feed(" steady: yes") == [" numbers look"]  # `yes` may still grow


def test_a_lead_word_waits_before_a_capital_and_when_bound_to_its_left() -> None:
    segmenter = EagerSegmenter(WORDS)
    assert segmenter.feed("The Hag") == []  # `The Hague`: a capital may go on a place
    assert segmenter.finish() == ["The Hag"]
    # `of` is bound to `isle` (a word that begins place names): no cut after it
    assert _segments(["Isle of wight is lovely"])[0].startswith("Isle of wight")
    # street heads are no lead words: `front street` stays together
    assert _segments(["front street"]) == ["front street"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=40), max_size=12))
def test_lead_cuts_do_not_depend_on_the_chunking(cuts: list[int]) -> None:
    text = "The numbers look steady and the team expects your order to ship from isle of wight"
    bounds = [0, *sorted({c for c in cuts if c < len(text)}), len(text)]
    chunks = [text[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    assert _segments(chunks) == _segments([text])


def _one_cut_at_a_time(segmenter: EagerSegmenter, chunk: str) -> list[str]:
    """`EagerSegmenter.feed` by its general path, which looks for one cut at a time (`_cut`)
    and which the segmenter takes when a `MAX_SEGMENT` cut may come."""
    return Segmenter.feed(segmenter, chunk)


_TOKENS = st.sampled_from(
    [
        *("the", "The", "your", "team", "revenue", "grew", "and", "of", "isle", "front"),
        *("Smith", "John", "Berlin", "hague", "a", "I", "x", "12", "415-555-0132", "-"),
        *("john@example.com", "...", "(", ")", "steady:", "planned.", "yes!", "Why?"),
    ]
)
_GAPS = st.sampled_from([" ", " ", " ", "  ", "\n", "\t", ". ", "\n\n", ", ", ""])


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(_TOKENS, _GAPS), max_size=40),
    st.lists(st.integers(min_value=1, max_value=300), max_size=12),
    st.integers(min_value=8, max_value=400),
)
def test_the_one_pass_cuts_are_the_cuts_made_one_at_a_time(
    pieces: list[tuple[str, str]], cuts: list[int], max_segment: int
) -> None:
    """The pass over a short text's words (`_cuts`) makes every cut the general path makes,
    fed in any chunks, with any `MAX_SEGMENT` (so that both paths take turns)."""
    text = "".join(token + gap for token, gap in pieces)
    bounds = [0, *sorted({c for c in cuts if c < len(text)}), len(text)]
    chunks = [text[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    fast, general = EagerSegmenter(WORDS, max_segment), EagerSegmenter(WORDS, max_segment)
    assert [s for c in chunks for s in fast.feed(c)] + fast.finish() == [
        s for c in chunks for s in _one_cut_at_a_time(general, c)
    ] + general.finish()
