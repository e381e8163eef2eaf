"""Run `modelgw ...` from a test as a user would, for the audit CLI tests."""

from __future__ import annotations

import asyncio

from modelgw.cli import main


async def run_cli(*argv: str) -> int | str | None:
    """`modelgw ARGV` on its own event loop, in a thread; its exit code."""

    def run() -> int | str | None:
        try:
            main(list(argv))
        except SystemExit as exc:
            return exc.code
        return 0

    return await asyncio.to_thread(run)
