"""The bisecting token lookup finds the token Presidio's own scan finds (#13 speed)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

from modelgw.trust.context_enhancer import BisectingContextEnhancer


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(1, 6)), min_size=1, max_size=30),
    st.integers(0, 200),
)
def test_the_same_token_as_presidios_scan(layout: list[tuple[int, int]], start: int) -> None:
    """Tokens laid out as (gap before, length); any match start inside the text."""
    tokens: list[str] = []
    indices: list[int] = []
    position = 0
    for gap, length in layout:
        position += gap
        indices.append(position)
        tokens.append("x" * length)
        position += length
    start %= position
    expected = LemmaContextAwareEnhancer._find_index_of_match_token("w", start, tokens, indices)
    assert (
        BisectingContextEnhancer._find_index_of_match_token("w", start, tokens, indices) == expected
    )
