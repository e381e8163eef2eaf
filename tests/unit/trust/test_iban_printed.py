"""`printed` answers what `_PRINTED.fullmatch` answers, without its backtracking (#13 speed)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from modelgw.trust.recognizers.iban import _PRINTED, CheckedIbanRecognizer, printed

_EDGES = st.sampled_from(["", " ", "x", "1", "_", "-", ".", "\u00e9", "\u0663"])
_GROUP = st.tuples(
    st.sampled_from(["", "", " ", "-", ".", "  ", "_"]),
    st.text(alphabet="ABC0123456789ol", min_size=1, max_size=6),
)


@settings(max_examples=2000, deadline=None)
@given(
    _EDGES,
    st.sampled_from(["DE", "gb", "Xy", "D1"]),
    st.text(alphabet="0123456789OoIil\u0663x", min_size=2, max_size=2),
    st.lists(_GROUP, max_size=11),
    _EDGES,
    st.integers(min_value=0, max_value=60),
)
def test_printed_is_the_patterns_fullmatch(
    before: str, country: str, check: str, groups: list[tuple[str, str]], after: str, cut: int
) -> None:
    text = before + country + check + "".join(sep + run for sep, run in groups) + after
    start = len(before)
    for end in {len(text), len(text) - len(after), min(len(text), start + cut)}:
        assert printed(text, start, end) == (_PRINTED.fullmatch(text, start, end) is not None)


def test_ibans_in_prose_are_still_found() -> None:
    text = "Pay DE89 3704 0044 0532 0130 00 or gb82 west 1234 5698 7654 32 by friday, please"
    found = CheckedIbanRecognizer().find(text)
    assert [text[a:b] for a, b in found] == [
        "DE89 3704 0044 0532 0130 00",
        "gb82 west 1234 5698 7654 32",
    ]
