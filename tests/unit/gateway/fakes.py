"""In-process fakes of the pipeline's ports, and a pipeline built on them.

No gRPC, no SQLite, no spaCy: the pipeline's own logic (one audit record per
request, quota settled, the trust layer asked once, routing around a blocked
backend, the cache) is tested in milliseconds, and each fake keeps what it was
asked so a test can say what happened at every port.

`FakeTrust` "detects" exactly the values it is told about and applies the
tenant's real entity policy per locality, as the trust engine does; the
backends echo the (masked) prompt they received unless scripted otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc

from modelgw.audit.crypto import RawContent
from modelgw.audit.records import AuditRecord
from modelgw.common.config.providers import Locality
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.config.tenants import EntityAction
from modelgw.common.errors import BackendError
from modelgw.common.messages import (
    ChatMessage,
    EntityFinding,
    FinishReason,
    GenerationParams,
    Role,
    TrustDecision,
    TrustSummary,
    Usage,
)
from modelgw.common.tenant import Caller, Tenant, Tenants
from modelgw.gateway.cache import CachedAnswer, NoCache, ResponseCache
from modelgw.gateway.chat import ChatRequest, ChatResult, StreamDelta, StreamEvent
from modelgw.gateway.pipeline import Pipeline
from modelgw.gateway.quotas import MemoryQuotaStore, Quotas, Reservation
from modelgw.gateway.routing import Router
from modelgw.gateway.routing.engine import RoutingEngine
from modelgw.gateway.validation import new_request_id
from modelgw.providers.base import BackendRequest, BackendResponse, StreamChunk
from modelgw.providers.features import Feature
from modelgw.trust.engine import MaskedTexts, ProtectResult
from modelgw.trust.vault import Vault, VaultOwner
from tests.configs import gateway_config, merged

NOW = 1_700_000_030.0
"""The quota clock: mid-minute, so every window a test counts in is the same one."""


# -- the trust layer ----------------------------------------------------------------------
class PassScanner:
    """Scans nothing out of an answer; remembers that it was closed."""

    cut = False
    toxicity: float | None = None
    findings: tuple[EntityFinding, ...] = ()
    passthrough = True
    scores_toxicity = False

    def __init__(self) -> None:
        self.closed = False

    async def scan(self, segments: list[str]) -> list[str]:
        return list(segments)

    def unscanned(self, segment: str) -> None:
        return None

    async def close(self) -> None:
        self.closed = True


@dataclass(frozen=True, slots=True)
class ProtectCall:
    tenant: str
    owner: VaultOwner
    texts: tuple[str, ...]
    localities: frozenset[Locality]


class FakeTrust:
    """Finds the values in `values` (value → entity type), masks per locality by the
    tenant's entity policy; `fail` is raised instead when set."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self.values = dict(values or {})
        self.fail: BaseException | None = None
        self.calls: list[ProtectCall] = []
        self.scanners: list[PassScanner] = []

    async def protect(
        self,
        tenant: Tenant,
        owner: VaultOwner,
        texts: Sequence[str],
        localities: frozenset[Locality],
        *,
        deadline: float | None = None,
    ) -> ProtectResult:
        self.calls.append(ProtectCall(tenant.name, owner, tuple(texts), localities))
        if self.fail is not None:
            raise self.fail
        vault = Vault()
        found = {v: kind for v, kind in self.values.items() if any(v in t for t in texts)}
        by_locality = {
            locality: self._masked(tenant, vault, texts, found, locality) for locality in localities
        }
        return ProtectResult(vault, by_locality, frozenset(found.values()))

    @staticmethod
    def _masked(
        tenant: Tenant,
        vault: Vault,
        texts: Sequence[str],
        found: Mapping[str, str],
        locality: Locality,
    ) -> MaskedTexts:
        out = list(texts)
        counts: dict[tuple[str, EntityAction], int] = {}
        for value, kind in found.items():
            action = tenant.entity_policy.action_for(kind, external=locality is Locality.EXTERNAL)
            key = (kind, action)
            counts[key] = counts.get(key, 0) + sum(t.count(value) for t in texts)
            if action is EntityAction.MASK:
                placeholder = vault.placeholder_for(kind, value)
                out = [t.replace(value, placeholder) for t in out]
            elif action is EntityAction.REDACT:
                out = [t.replace(value, f"<{kind}>") for t in out]
        actions = {action for _, action in counts}
        if EntityAction.BLOCK in actions:
            decision = TrustDecision.BLOCKED
        elif actions & {EntityAction.MASK, EntityAction.REDACT}:
            decision = TrustDecision.MASKED
        else:
            decision = TrustDecision.ALLOWED if counts else TrustDecision.CLEAN
        findings = tuple(EntityFinding(k, n, a.value) for (k, a), n in sorted(counts.items()))
        return MaskedTexts(tuple(out), TrustSummary(decision, findings))

    def response_scanner(
        self,
        tenant: Tenant,
        request_id: str,
        vault: Vault,
        prompt_texts: Sequence[str],
        locality: Locality,
    ) -> PassScanner:
        scanner = PassScanner()
        self.scanners.append(scanner)
        return scanner


# -- the audit log ------------------------------------------------------------------------
class KeptRecords:
    """An audit sink that keeps every record it is given, in order."""

    def __init__(self) -> None:
        self.records: list[AuditRecord] = []
        self.refuse: BaseException | None = None

    def admit(self, tenant: Tenant) -> None:
        if self.refuse is not None:
            raise self.refuse

    async def record(self, record: AuditRecord, raw: RawContent | None = None) -> None:
        self.records.append(record)

    def only(self) -> AuditRecord:
        """The one record there must be."""
        assert len(self.records) == 1, f"{len(self.records)} audit records: {self.records}"
        return self.records[0]


# -- backends -----------------------------------------------------------------------------
class ScriptedBackend:
    """Answers with the last message it received (the masked prompt), 8 characters a chunk.

    `fail` is raised instead of any answer; `fail_after_first` after the first chunk of
    a stream; `hold_after_first` makes a stream wait after its first chunk until set (or
    the caller's deadline passes: then it fails with DEADLINE_EXCEEDED, as real ones do).
    """

    provider_type = "fake"
    features = frozenset({Feature.SEED})  # it honours a seed: it answers the same anyway

    def __init__(self, name: str, locality: Locality = Locality.LOCAL) -> None:
        self.name = name
        self.locality = locality
        self.fail: BaseException | None = None
        self.fail_after_first: BaseException | None = None
        self.hold_after_first: asyncio.Event | None = None
        self.received: list[BackendRequest] = []
        self.streams_closed = 0

    @staticmethod
    def _usage(request: BackendRequest, answer: str) -> Usage:
        prompt = sum(len(m.content.split()) for m in request.messages)
        return Usage(prompt, len(answer.split()))

    async def generate(self, request: BackendRequest) -> BackendResponse:
        self.received.append(request)
        if self.fail is not None:
            raise self.fail
        answer = request.messages[-1].content
        return BackendResponse(answer, FinishReason.STOP, self._usage(request, answer))

    async def stream(self, request: BackendRequest) -> AsyncIterator[StreamChunk]:
        self.received.append(request)
        try:
            if self.fail is not None:
                raise self.fail
            answer = request.messages[-1].content
            for start in range(0, len(answer), 8):
                yield StreamChunk(answer[start : start + 8])
                if start == 0 and self.fail_after_first is not None:
                    raise self.fail_after_first
                if start == 0 and self.hold_after_first is not None:
                    await self._held(request, self.hold_after_first)
            yield StreamChunk("", FinishReason.STOP, self._usage(request, answer))
        finally:
            self.streams_closed += 1

    async def _held(self, request: BackendRequest, release: asyncio.Event) -> None:
        """Wait for `release`, within the caller's deadline (backends own a call's time)."""
        try:
            async with asyncio.timeout(request.remaining(3600)):
                await release.wait()
        except TimeoutError:
            raise BackendError(
                f"{self.name} did not answer within the caller's deadline",
                code=grpc.StatusCode.DEADLINE_EXCEEDED,
                retryable=False,
            ) from None

    async def close(self) -> None:
        return None


# -- quotas -------------------------------------------------------------------------------
class KeptQuotas(Quotas):
    """The real quota step over the in-process store, keeping what each request settled."""

    def __init__(self, config: ModelgwConfig) -> None:
        self.store = MemoryQuotaStore()
        super().__init__(config, self.store, clock=lambda: NOW)
        self.settled: list[int | None] = []

    async def settle(
        self, reservation: Reservation, used_tokens: int | None, cost_usd: float | None = None
    ) -> None:
        self.settled.append(used_tokens)
        await super().settle(reservation, used_tokens, cost_usd)

    def used(self, limit: str, tenant: str = "dev") -> int:
        """What the tenant's counter of `limit` holds now."""
        return self.store.used(tenant, limit)


# -- the pipeline over them ---------------------------------------------------------------
@dataclass
class PipelineUnderTest:
    pipeline: Pipeline
    config: ModelgwConfig
    trust: FakeTrust
    audit: KeptRecords
    quotas: KeptQuotas
    backends: dict[str, ScriptedBackend]
    tenants: Tenants = field(init=False)

    def __post_init__(self) -> None:
        self.tenants = Tenants.from_config(self.config)

    def caller(self, tenant: str = "dev", roles: Sequence[str] = ("user",)) -> Caller:
        return Caller(self.tenants.get(tenant), "k", frozenset(roles))

    async def ask(self, text: str, tenant: str = "dev", **params: Any) -> ChatResult:
        return await self.pipeline.generate(self.caller(tenant), chat(text, **params))

    async def ask_streamed(
        self, text: str, tenant: str = "dev", **params: Any
    ) -> list[StreamEvent]:
        stream = await self.pipeline.generate_stream(self.caller(tenant), chat(text, **params))
        async with contextlib.aclosing(stream):
            return [event async for event in stream]


def streamed_text(events: Sequence[StreamEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, StreamDelta))


def chat(text: str, model: str = "chat", **params: Any) -> ChatRequest:
    return ChatRequest(
        model, [ChatMessage(Role.USER, text)], GenerationParams(**params), new_request_id()
    )


def pipeline_under_test(
    backends: Sequence[ScriptedBackend],
    changes: Mapping[str, Any] | None = None,
    *,
    values: Mapping[str, str] | None = None,
    cache: ResponseCache | None = None,
) -> PipelineUnderTest:
    """Model `chat` routed over `backends` in their order, tenant `dev` (plus `changes`)."""
    base = {
        "providers": {b.name: {"type": "echo", "locality": b.locality.value} for b in backends},
        "models": {"chat": {"route": [{"provider": b.name} for b in backends]}},
    }
    config = gateway_config(merged(base, changes or {}))
    by_name = {b.name: b for b in backends}

    async def no_wait(_: float) -> None:
        return None

    router = Router(config, by_name, engine=RoutingEngine(config.routing, sleep=no_wait))
    trust, audit, quotas = FakeTrust(values), KeptRecords(), KeptQuotas(config)
    pipeline = Pipeline(config, router, trust, audit, cache or NoCache(), quotas)
    return PipelineUnderTest(pipeline, config, trust, audit, quotas, by_name)


class KeptCache:
    """An in-process cache that keeps every key and answer it was given."""

    stores = True

    def __init__(self) -> None:
        self.entries: dict[str, CachedAnswer] = {}
        self.asked: list[str] = []

    async def get(self, key: str) -> CachedAnswer | None:
        self.asked.append(key)
        return self.entries.get(key)

    async def put(self, key: str, answer: CachedAnswer) -> None:
        self.entries[key] = answer

    async def close(self) -> None:
        self.entries.clear()
