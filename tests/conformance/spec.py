"""What an adapter declares to run the shared conformance suite.

Each adapter file in this folder says only: how to build its fake upstream
and its provider config, the usage its recorded fixtures report, which
recorded errors map to which gRPC status, and where its generation
parameters land on the wire. The tests in `test_conformance.py` are shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc

from modelgw.common.messages import Usage
from tests.fakes.base import ProviderFake
from tests.fakes.server import FakeRequest

RECORDED_TEXT = "Hello! How can I help you today?"


@dataclass(frozen=True)
class ErrorCase:
    fixture: str
    """`errors/<fixture>.json` of the adapter's fixture folder."""
    code: grpc.StatusCode
    retryable: bool
    retry_after_s: float | None = None


@dataclass(frozen=True)
class SentParams:
    """Generation parameters as the upstream received them."""

    max_tokens: Any
    temperature: Any
    stop: Any


@dataclass
class Upstream:
    """An adapter's fake and the config that points the adapter at it."""

    fake: ProviderFake
    config: Callable[[str], dict[str, Any]]
    """base URL of the running fake -> the `[providers.NAME]` table."""


@dataclass(frozen=True)
class AdapterSpec:
    id: str
    make: Callable[[Path], Upstream]
    """Build fake + config, writing any secret files under the given folder."""
    recorded_usage: Usage
    errors: list[ErrorCase]
    stream_error: ErrorCase
    sent_params: Callable[[FakeRequest], SentParams]
    credential_header: tuple[str, str] = ("", "")
    """A header (name, value prefix) that must carry the configured credential."""
    provider_type_name: str = ""
    """The provider `type` in config; the id when empty."""
    recorded_tool_calls: tuple[tuple[str, dict[str, Any]], ...] = ()
    """(name, arguments) of the calls in the recorded tool-call answer; empty for adapters
    whose provider has no function calling (they skip the tool tests)."""
    recorded_tool_usage: Usage | None = None
    tool_arguments_stream: bool = True
    tool_call_ids: bool = True
    recorded_embeddings: tuple[int, int, int] | None = None
    """(vectors, dimensions, prompt tokens) of the recorded embeddings answer; None for
    adapters without embeddings (they skip the embedding tests)."""
    embedding_error: ErrorCase | None = None
    """A recorded error the embeddings endpoint answers with, and its mapping."""
    """Calls carry ids on the wire (Gemini answers a call by its function's name instead)."""
    """The provider streams a call's arguments in pieces (Gemini sends each call whole)."""

    def __post_init__(self) -> None:
        if not self.provider_type_name:
            object.__setattr__(self, "provider_type_name", self.id)


def secret_file(folder: Path, name: str, value: str) -> str:
    """Write a secret to a file and return its `file:` reference."""
    path = folder / name
    path.write_text(value + "\n")
    return f"file:{path}"
