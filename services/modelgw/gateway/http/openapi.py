"""The OpenAPI document of the HTTP front door, and its committed copy.

The server serves the document FastAPI derives from the code at
`/openapi.json`; `docs/openapi.json` is a committed copy for readers and
client generators. `python -m modelgw.gateway.http.openapi` rewrites the copy,
`--check` fails if it is stale (a test runs the check).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import AsyncGenerator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from modelgw.common.tenant import Caller
from modelgw.gateway.chat import ChatRequest, ChatResult, StreamEvent
from modelgw.gateway.embeddings import EmbedRequest, EmbedResult
from modelgw.gateway.http.app import create_app

COMMITTED = Path(__file__).resolve().parents[4] / "docs" / "openapi.json"


class _DocumentOnly:
    """Stands in for the pipeline and authenticator: building the document calls neither."""

    def _never(self) -> NoReturn:
        raise RuntimeError("the OpenAPI-only app cannot serve requests")

    def list_models(self, caller: Caller) -> list[tuple[str, str]]:
        self._never()

    async def generate(self, caller: Caller, request: ChatRequest) -> ChatResult:
        self._never()

    async def generate_stream(
        self, caller: Caller, request: ChatRequest
    ) -> AsyncGenerator[StreamEvent, None]:
        self._never()

    async def embed(self, caller: Caller, request: EmbedRequest) -> EmbedResult:
        self._never()

    async def authenticate(self, metadata: Sequence[tuple[str, str | bytes]]) -> Caller:
        self._never()


def document() -> dict[str, Any]:
    stand_in = _DocumentOnly()
    return create_app(stand_in, stand_in, max_body_bytes=1024).openapi()


def render() -> str:
    return json.dumps(document(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the copy is stale")
    parser.add_argument("--path", type=Path, default=COMMITTED)
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not args.path.exists() or args.path.read_text() != text:
            sys.exit(f"{args.path} is stale: run `make openapi` and commit it")
        return
    args.path.parent.mkdir(parents=True, exist_ok=True)
    args.path.write_text(text)
    print(f"wrote {args.path}")


if __name__ == "__main__":
    main()
