"""The committed evaluation set is exactly what its (seeded) generator writes.

`make eval-trust` reads `bench/trust/eval_set.jsonl`; if someone edits the
generator and forgets to regenerate (or edits the file by hand), the
numbers in `bench/trust/results` would describe a set nobody can rebuild.
"""

from __future__ import annotations

from bench.trust import build_eval_set


def test_committed_eval_set_matches_its_generator() -> None:
    committed = build_eval_set.OUT.read_text(encoding="utf-8")
    generated = build_eval_set.dumps(build_eval_set.build())
    assert committed == generated, (
        "bench/trust/eval_set.jsonl is stale: run `python -m bench.trust.build_eval_set`"
    )
