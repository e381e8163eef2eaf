"""The committed business evaluation set is exactly what its seeded generator writes.

Both parts are committed so `make eval-trust` needs no generator run and the
figures in `bench/trust/results` describe files anyone can diff; this test
catches a generator edited without regenerating (or a hand-edited part).
"""

from __future__ import annotations

import pytest

from bench.trust.business_set import build


@pytest.mark.parametrize("part", build.PARTS, ids=lambda p: p.name)
def test_committed_part_matches_its_generator(part: build.Part) -> None:
    committed = part.path.read_text(encoding="utf-8")
    assert committed == build.dumps(build.build(part)), (
        f"{part.path.name} is stale: run `python -m bench.trust.business_set.build`"
    )


def test_parts_are_seeded_apart_and_test_has_unseen_locales() -> None:
    assert build.DEV.seed != build.TEST.seed
    assert set(build.TEST.locales) - set(build.DEV.locales)
