"""How the gateway reaches the trust layer: in this process, or the `Trust` service."""

from __future__ import annotations

import logging
from typing import Protocol

from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.config.tenants import TenantConfig
from modelgw.common.errors import NotFound, TrustLayerUnavailable
from modelgw.common.messages import ChatMessage, EntityFinding, TrustDecision, TrustSummary
from modelgw.trust.engine import ProtectResult, TrustEngine
from modelgw.trust.remote import RemoteTrust
from modelgw.trust.response import ResponseGuard
from modelgw.trust.session_vault import SessionVaultStore
from modelgw.trust.vault import Vault

log = logging.getLogger(__name__)

__all__ = ["FailOpenTrust", "LocalTrust", "RemoteTrust", "ResponseScanner", "TrustClient"]


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

    async def scan(self, segments: list[str]) -> list[str]: ...


class TrustClient(Protocol):
    async def protect(
        self,
        tenant: str,
        request_id: str,
        session_id: str,
        messages: list[ChatMessage],
        *,
        external: bool,
    ) -> ProtectResult: ...

    def response_scanner(
        self,
        tenant: str,
        request_id: str,
        protected: ProtectResult,
        prompt: list[ChatMessage],
        *,
        external: bool,
    ) -> ResponseScanner: ...


class LocalTrust:
    """The trust engine in this process, applying each tenant's policy from config."""

    def __init__(
        self,
        engine: TrustEngine,
        config: ModelgwConfig,
        sessions: SessionVaultStore | None = None,
    ) -> None:
        self._engine = engine
        self._config = config
        self._sessions = sessions

    def _tenant(self, tenant: str) -> TenantConfig:
        tenant_config = self._config.tenants.get(tenant)
        if tenant_config is None:
            raise NotFound(f"unknown tenant {tenant!r}")
        return tenant_config

    async def protect(
        self,
        tenant: str,
        request_id: str,
        session_id: str,
        messages: list[ChatMessage],
        *,
        external: bool,
    ) -> ProtectResult:
        policy = self._tenant(tenant).entity_policy
        vault: Vault | None = None
        known: set[str] = set()
        if session_id and self._sessions is not None:
            vault = await self._sessions.load(tenant, session_id)
            known = {e.placeholder for e in vault.entries()}
        result = await self._engine.protect(
            messages, policy, external=external, tenant=tenant, vault=vault
        )
        if session_id and self._sessions is not None:
            await self._sessions.save(tenant, session_id, result.vault, known)
        return result

    def response_scanner(
        self,
        tenant: str,
        request_id: str,
        protected: ProtectResult,
        prompt: list[ChatMessage],
        *,
        external: bool,
    ) -> ResponseGuard:
        tenant_config = self._tenant(tenant)
        return ResponseGuard(
            engine=self._engine,
            tenant=tenant,
            policy=tenant_config.entity_policy,
            response=tenant_config.trust.response,
            vault=protected.vault,
            prompt_texts=tuple(m.content for m in prompt),
        )


class FailOpenTrust:
    """Lets a tenant that opted in send *local* requests unmasked when detection fails.

    External routes always fail closed; the audit record says `fail_open`.
    """

    def __init__(self, inner: TrustClient, config: ModelgwConfig) -> None:
        self._inner = inner
        self._config = config

    async def protect(
        self,
        tenant: str,
        request_id: str,
        session_id: str,
        messages: list[ChatMessage],
        *,
        external: bool,
    ) -> ProtectResult:
        try:
            return await self._inner.protect(
                tenant, request_id, session_id, messages, external=external
            )
        except TrustLayerUnavailable:
            tenant_config = self._config.tenants.get(tenant)
            if external or tenant_config is None or not tenant_config.trust.fail_open_local:
                raise
            log.warning(
                "trust layer unavailable; tenant %s opted its local routes into fail-open", tenant
            )
            return ProtectResult(list(messages), Vault(), TrustSummary(TrustDecision.FAIL_OPEN))

    def response_scanner(
        self,
        tenant: str,
        request_id: str,
        protected: ProtectResult,
        prompt: list[ChatMessage],
        *,
        external: bool,
    ) -> ResponseScanner:
        scanner = self._inner.response_scanner(
            tenant, request_id, protected, prompt, external=external
        )
        tenant_config = self._config.tenants.get(tenant)
        if external or tenant_config is None or not tenant_config.trust.fail_open_local:
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

    async def scan(self, segments: list[str]) -> list[str]:
        try:
            return await self._inner.scan(segments)
        except TrustLayerUnavailable:
            log.warning("response scan unavailable; local route of an opted-in tenant fails open")
            self.failed_open = True
            return list(segments)
