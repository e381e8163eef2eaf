"""The services run on uvloop's loop when it is installed (the dev extra installs it)."""

from __future__ import annotations

import asyncio
import sys

import pytest

from modelgw.common import event_loop


async def _loop_module() -> str:
    await asyncio.sleep(0)
    return type(asyncio.get_running_loop()).__module__


def test_services_run_on_uvloop_when_it_is_installed() -> None:
    pytest.importorskip("uvloop")
    assert event_loop.loop_factory()[0] == "uvloop"
    assert event_loop.run(_loop_module()).startswith("uvloop")


def test_without_uvloop_they_run_on_asyncio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as if not installed: import fails
    assert event_loop.loop_factory() == ("asyncio", None)
    assert event_loop.run(_loop_module()).startswith("asyncio")
