"""The committed independent evaluation set is exactly what its seeded generator writes.

Both parts are committed so `make eval-trust` needs no generator run; this test
catches a generator edited without regenerating, or a hand-edited part. The
second test holds the split honest: the sealed test part is seeded apart, draws
from locales the dev part never uses, and at least a third of its shapes (and of
its texts) are phrasing the dev part never writes.
"""

from __future__ import annotations

import json

import pytest

from bench.trust.independent_set import build


@pytest.mark.parametrize("part", build.PARTS, ids=lambda p: p.name)
def test_committed_part_matches_its_generator(part: build.Part) -> None:
    committed = part.path.read_text(encoding="utf-8")
    assert committed == build.dumps(build.build(part)), (
        f"{part.path.name} is stale: run `python -m bench.trust.independent_set.build`"
    )


def test_test_part_is_apart_from_dev() -> None:
    dev, test = build.DEV, build.TEST
    assert dev.seed != test.seed
    assert test.locale_set - dev.locale_set
    unseen = test.shapes - dev.shapes
    assert len(unseen) * 3 >= len(test.shapes)
    texts = [json.loads(line) for line in test.path.open(encoding="utf-8")]
    assert sum(t["shape"] in unseen for t in texts) * 3 >= len(texts)


@pytest.mark.parametrize("part", build.PARTS, ids=lambda p: p.name)
def test_labels_are_exact_spans(part: build.Part) -> None:
    for line in part.path.open(encoding="utf-8"):
        sample = json.loads(line)
        for span in sample["spans"]:
            covered = sample["text"][span["start"] : span["end"]]
            assert covered and covered == covered.strip(), (sample["id"], span)
