"""How the gateway reaches the trust layer: in this process, or the `Trust` service."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from modelgw.common.config.providers import Locality
from modelgw.common.errors import TrustLayerUnavailable
from modelgw.common.messages import EntityFinding, TrustDecision, TrustSummary
from modelgw.common.tenant import Tenant
from modelgw.trust.engine import MaskedTexts, ProtectResult, TrustEngine
from modelgw.trust.remote import RemoteTrust
from modelgw.trust.response import ResponseGuard
from modelgw.trust.session_vault import SessionVaultStore
from modelgw.trust.vault import Vault, VaultOwner

log = logging.getLogger(__name__)

__all__ = [
    "FailOpenTrust",
    "LocalTrust",
    "RemoteTrust",
    "ResponseScanner",
    "TrustClient",
    "VaultOwner",
]


class ResponseScanner(Protocol):
    """Follows one answer; `scan` takes its segments in order (see `modelgw.trust.segments`)."""

    @property
    def cut(self) -> bool: ...

    @property
    def toxicity(self) -> float | None: ...

    @property
    def findings(self) -> tuple[EntityFinding, ...]: ...

    @property
    def passthrough(self) -> bool:
        """True when scanning cannot change the answer, so it may stream unsegmented."""
        ...

    @property
    def scores_toxicity(self) -> bool:
        """True when every segment must be scanned, ordinary words too (a toxicity model)."""
        ...

    async def scan(self, segments: list[str]) -> list[str]: ...

    def unscanned(self, segment: str) -> None:
        """`segment` left without a scan (ordinary words only): it is still the text
        before the next segment, where a cue (`delivery to`, `Dear`) may stand."""
        ...

    async def close(self) -> None:
        """The answer is over (or abandoned): release what scanning it held."""
        ...


class TrustClient(Protocol):
    async def protect(
        self,
        tenant: Tenant,
        owner: VaultOwner,
        texts: Sequence[str],
        localities: frozenset[Locality],
        *,
        deadline: float | None = None,
    ) -> ProtectResult:
        """Detect personal data in `texts` once; mask them for each locality."""
        ...

    def response_scanner(
        self,
        tenant: Tenant,
        request_id: str,
        vault: Vault,
        prompt_texts: Sequence[str],
        locality: Locality,
    ) -> ResponseScanner:
        """Follows one answer from a backend of `locality`."""
        ...


class LocalTrust:
    """The trust engine in this process, applying the policy of the tenant it is given."""

    def __init__(self, engine: TrustEngine, sessions: SessionVaultStore | None = None) -> None:
        self._engine = engine
        self._sessions = sessions

    async def protect(
        self,
        tenant: Tenant,
        owner: VaultOwner,
        texts: Sequence[str],
        localities: frozenset[Locality],
        *,
        deadline: float | None = None,
    ) -> ProtectResult:
        sessions = self._sessions if owner.session_id else None
        vault: Vault | None = None
        known: set[str] = set()
        if sessions is not None:
            vault = await sessions.load(owner)
            known = {e.placeholder for e in vault.entries()} | set(vault.reserved)
        result = await self._engine.protect(
            texts,
            tenant.entity_policy,
            localities,
            tenant=tenant.name,
            vault=vault,
            deadline=deadline,
        )
        if sessions is not None:
            await sessions.save(owner, result.vault, known)
        return result

    def response_scanner(
        self,
        tenant: Tenant,
        request_id: str,
        vault: Vault,
        prompt_texts: Sequence[str],
        locality: Locality,
    ) -> ResponseGuard:
        return ResponseGuard(
            engine=self._engine,
            tenant=tenant.name,
            policy=tenant.entity_policy,
            response=tenant.trust.response,
            vault=vault,
            prompt_texts=tuple(prompt_texts),
        )


class FailOpenTrust:
    """Lets a tenant that opted in send *local* requests unmasked when detection fails.

    Only an infrastructure fault (`TrustLayerUnavailable`) opens it; the caller's own
    bad input is refused before detection and never reaches here. The result then
    holds only the local version of the texts: external routes stay closed, and the
    audit record says `fail_open`.
    """

    def __init__(self, inner: TrustClient) -> None:
        self._inner = inner

    async def protect(
        self,
        tenant: Tenant,
        owner: VaultOwner,
        texts: Sequence[str],
        localities: frozenset[Locality],
        *,
        deadline: float | None = None,
    ) -> ProtectResult:
        try:
            return await self._inner.protect(tenant, owner, texts, localities, deadline=deadline)
        except TrustLayerUnavailable:
            if Locality.LOCAL not in localities or not tenant.trust.fail_open_local:
                raise
            log.warning(
                "trust layer unavailable; tenant %s opted its local routes into fail-open",
                tenant.name,
            )
            unmasked = MaskedTexts(tuple(texts), TrustSummary(TrustDecision.FAIL_OPEN))
            return ProtectResult(Vault(), {Locality.LOCAL: unmasked}, frozenset())

    def response_scanner(
        self,
        tenant: Tenant,
        request_id: str,
        vault: Vault,
        prompt_texts: Sequence[str],
        locality: Locality,
    ) -> ResponseScanner:
        scanner = self._inner.response_scanner(tenant, request_id, vault, prompt_texts, locality)
        if locality is Locality.EXTERNAL or not tenant.trust.fail_open_local:
            return scanner
        return _FailOpenScanner(scanner)


class _FailOpenScanner:
    """On an opted-in local route, an answer whose scan fails is passed on unscanned."""

    def __init__(self, inner: ResponseScanner) -> None:
        self._inner = inner
        self.failed_open = False

    @property
    def cut(self) -> bool:
        return self._inner.cut

    @property
    def toxicity(self) -> float | None:
        return self._inner.toxicity

    @property
    def findings(self) -> tuple[EntityFinding, ...]:
        return self._inner.findings

    @property
    def passthrough(self) -> bool:
        return self._inner.passthrough

    @property
    def scores_toxicity(self) -> bool:
        return self._inner.scores_toxicity

    async def scan(self, segments: list[str]) -> list[str]:
        try:
            return await self._inner.scan(segments)
        except TrustLayerUnavailable:
            log.warning("response scan unavailable; local route of an opted-in tenant fails open")
            self.failed_open = True
            return list(segments)

    def unscanned(self, segment: str) -> None:
        self._inner.unscanned(segment)

    async def close(self) -> None:
        await self._inner.close()
