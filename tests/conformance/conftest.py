"""Fixtures of the conformance suite: one running fake upstream + adapter per spec."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from modelgw.common.config.providers import ProviderConfig
from modelgw.providers.base import Backend
from modelgw.providers.registry import build_backend
from tests.conformance.adapters import ALL
from tests.conformance.spec import AdapterSpec
from tests.fakes.base import ProviderFake
from tests.fakes.server import RecordingServer

_PROVIDER = TypeAdapter(ProviderConfig)


@dataclass
class Harness:
    spec: AdapterSpec
    fake: ProviderFake
    server: RecordingServer
    config: Callable[[str], dict[str, Any]]

    def provider_table(self, **overrides: Any) -> dict[str, Any]:
        return {**self.config(self.server.url), **overrides}

    @contextlib.asynccontextmanager
    async def backend(self, **overrides: Any) -> AsyncIterator[Backend]:
        backend = build_backend(
            self.spec.id, _PROVIDER.validate_python(self.provider_table(**overrides))
        )
        try:
            yield backend
        finally:
            await backend.close()

    def model_requests(self) -> list[Any]:
        """Requests that reached the model API (not e.g. an OAuth token endpoint)."""
        return [r for r in self.server.requests if r.path != "/token"]


@pytest.fixture(params=ALL, ids=[spec.id for spec in ALL])
async def harness(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    spec: AdapterSpec = request.param
    upstream = spec.make(tmp_path)
    async with RecordingServer(upstream.fake) as server:
        yield Harness(spec, upstream.fake, server, upstream.config)
