"""What startup built is kept out of later garbage collections (`modelgw serve` and the
services call this once they listen): a full collection over it paused the loop for
tens of milliseconds at random requests."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from modelgw.cli import freeze_startup_heap


@pytest.fixture
def unfrozen_afterwards() -> Iterator[None]:
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen_afterwards")
def test_objects_alive_at_startup_are_frozen() -> None:
    alive = len(gc.get_objects())
    freeze_startup_heap()
    assert gc.get_freeze_count() >= alive * 0.9
    assert len(gc.get_objects()) < alive * 0.1  # what a collection still walks
