"""The detection memo: what it gives back is what it was given, it forgets the least recently
used entries first, and a full memo's memory per entry stays small (issue 19: it grew the
gateway's RSS by 0.36 KiB a request while filling)."""

from __future__ import annotations

import gc
import pickle
import tracemalloc

from modelgw.trust.detection import Detection
from modelgw.trust.memo import AnalysisMemo, memo_key, pack, unpack

SPANS = [
    Detection("PERSON", 0, 8, 0.85),
    Detection("EMAIL_ADDRESS", 10, 30, 1.0),
    Detection("PHONE_NUMBER", 2**40, 2**40 + 15, 0.1 + 0.2),
]


def test_spans_come_back_exactly_as_they_were_put() -> None:
    memo = AnalysisMemo(4)
    memo.put(b"a", SPANS)
    memo.put(b"b", [])
    assert memo.get(b"a") == tuple(SPANS)
    assert memo.get(b"b") == ()
    assert unpack(pack([Detection("EMPLOYEE_ID_Ü", 3, 9, 0.5)])) == (
        Detection("EMPLOYEE_ID_Ü", 3, 9, 0.5),
    )


def test_a_text_without_spans_shares_the_empty_value() -> None:
    assert pack([]) == b"" and pack([]) is pack(())  # one object, not one per entry


def test_the_least_recently_used_entry_goes_first() -> None:
    memo = AnalysisMemo(3)
    for key in (b"a", b"b", b"c"):
        memo.put(key, [])
    assert memo.get(b"a") == ()  # used: now the most recent
    memo.put(b"d", [])
    assert len(memo) == 3
    assert memo.get(b"b") is None
    assert all(memo.get(key) == () for key in (b"a", b"c", b"d"))
    assert (memo.hits, memo.misses) == (4, 1)


def test_a_full_memo_never_holds_more_than_its_capacity() -> None:
    memo = AnalysisMemo(1000)
    for n in range(5000):
        memo.put(n.to_bytes(32, "big"), [])
        assert len(memo) <= 1000
    assert memo.get((4999).to_bytes(32, "big")) == ()


def test_a_full_memo_costs_under_250_bytes_an_entry() -> None:
    """The soak's mix: one text in three with three spans, fresh objects from the detector's
    pipe each time; measured once full and turned over, as a gateway runs for days."""
    capacity = 20_000
    from_pipe = pickle.dumps(SPANS)
    texts = [f"Summarise the delivery terms of order 1-{n} in one sentence." for n in range(40_000)]
    gc.collect()
    tracemalloc.start()
    try:
        memo = AnalysisMemo(capacity)
        for n, text in enumerate(texts):
            memo.put(memo_key("tenant", text), pickle.loads(from_pipe) if n % 3 == 0 else [])
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    per_entry = held / len(memo)
    assert per_entry < 250, f"{per_entry:.0f} bytes an entry"
