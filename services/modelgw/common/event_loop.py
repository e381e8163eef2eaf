"""The event loop the services run on: uvloop's when it is installed, else asyncio's own.

Every service is one event loop, and on a busy gateway that loop's own overhead
(selector, callbacks, transports) is a share of every request. uvloop (libuv)
cuts it: the bare HTTP path took 8% less server CPU per request and its p50
went down 7-13% with the same code (bench/http/before_after.py, docs/benchmarks.md).
gRPC's asyncio API and uvicorn both run on it. It is optional (the `uvloop`
extra) so a platform without its wheels still runs, on asyncio's loop.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, cast

log = logging.getLogger(__name__)
T = TypeVar("T")


def loop_factory() -> tuple[str, Callable[[], asyncio.AbstractEventLoop] | None]:
    """The loop's name and its factory (None: asyncio's default)."""
    try:
        uvloop = importlib.import_module("uvloop")
    except ImportError:
        return "asyncio", None
    return "uvloop", cast(Callable[[], asyncio.AbstractEventLoop], uvloop.new_event_loop)


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)` on the best loop installed."""
    name, factory = loop_factory()
    log.info("event loop: %s", name)
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)
