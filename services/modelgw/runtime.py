"""Assemble the components of one process from config.

`modelgw serve` asks for every component and they share one trust engine,
audit store and tenant directory; `modelgw gateway` etc. ask for one and
reach the others over gRPC at the configured addresses. Nothing here is a
module-level singleton: an `Assembly` owns what it built and closes it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping

import grpc
from fastapi import FastAPI
from google.protobuf.descriptor import FileDescriptor

from modelgw.api.v1 import (
    audit_pb2,
    audit_pb2_grpc,
    control_pb2,
    control_pb2_grpc,
    gateway_pb2,
    gateway_pb2_grpc,
    trust_pb2,
    trust_pb2_grpc,
)
from modelgw.audit.assembly import AuditParts
from modelgw.audit.handlers import AuditService
from modelgw.audit.metrics import AuditMetrics
from modelgw.audit.pseudonyms import Pseudonyms
from modelgw.audit.sink import AuditSink, RemoteAuditSink, StoreAuditSink
from modelgw.audit.store import AuditStore
from modelgw.common.channels import open_channel
from modelgw.common.config.quotas import QuotaStoreBackend
from modelgw.common.config.schema import CacheBackend, ModelgwConfig
from modelgw.common.config.secrets import resolve_secret
from modelgw.common.grpc_server import ServiceBinding
from modelgw.common.internal_auth import InternalAuth
from modelgw.common.metrics import Metrics
from modelgw.common.readiness import Readiness
from modelgw.common.redis_client import redis_client
from modelgw.common.telemetry import internal_client_interceptors
from modelgw.common.tenant import Tenants
from modelgw.control.admin import AdminAuthenticator
from modelgw.control.assembly import ControlParts
from modelgw.control.auth import Authenticator, CallerAuthenticator
from modelgw.control.directory import TenantDirectory
from modelgw.control.handlers import ControlService
from modelgw.control.key_admin import KeyAdmin
from modelgw.control.keys import CachedResolver
from modelgw.control.plane import TenantPlane
from modelgw.control.store import ControlStore
from modelgw.control.sync import LiveTenants, SyncStatus
from modelgw.gateway.cache import MemoryCache, NoCache, ResponseCache
from modelgw.gateway.handlers import GatewayService
from modelgw.gateway.http import create_app
from modelgw.gateway.in_flight import InFlight
from modelgw.gateway.pipeline import Pipeline
from modelgw.gateway.quotas import MemoryQuotaStore, Quotas, QuotaStore
from modelgw.gateway.redis_cache import RedisCache
from modelgw.gateway.routing import Router
from modelgw.gateway.routing.engine import RoutingEngine
from modelgw.gateway.telemetry import GatewayTelemetry
from modelgw.providers.base import Backend
from modelgw.providers.instrumented import BackendInstruments, instrument
from modelgw.providers.registry import build_backends
from modelgw.trust.client import FailOpenTrust, LocalTrust, RemoteTrust, TrustClient
from modelgw.trust.engine import TrustEngine
from modelgw.trust.handlers import TrustService
from modelgw.trust.metrics import TrustMetrics
from modelgw.trust.session_vault import SessionVaultStore

log = logging.getLogger(__name__)


def _full_name(file: FileDescriptor, service: str) -> str:
    return file.services_by_name[service].full_name


INTERNAL_CHANNEL_OPTIONS = (
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2000),
)


class Assembly:
    def __init__(
        self,
        config: ModelgwConfig,
        *,
        trust_engine: TrustEngine | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        """`trust_engine` shares an already-built engine (its owner closes it); `metrics` is
        the process's meter provider (none: every instrument is a no-op)."""
        self.config = config
        self.metrics = metrics or Metrics.off()
        self.readiness = Readiness()
        """What `/healthz` reports; turned at SIGTERM (`serve_until_signalled`)."""
        token = config.services.internal_token
        # In one process nobody else needs the token: a random one shuts internal RPCs
        # (e.g. Audit.Ingest on the public port) to everyone outside.
        self.internal = InternalAuth(resolve_secret(token) if token else secrets.token_urlsafe(32))
        self._closers: list[Callable[[], Awaitable[None]]] = []
        self._channels: dict[str, grpc.aio.Channel] = {}
        self._trust_engine: TrustEngine | None = trust_engine
        self._audit = AuditParts(config, self._closers, AuditMetrics(self.metrics.meter()))
        self._tenants = Tenants.from_config(config)
        self._sink: AuditSink | None = None
        self._control = ControlParts(
            config, self._closers, self.channel, self.internal, self._change_sink
        )
        self._pipeline: Pipeline | None = None
        self._session_vaults: SessionVaultStore | None = None
        self._session_vaults_built = False
        self._telemetry: GatewayTelemetry | None = None
        self._trust_observed = False
        self._trust_metrics = TrustMetrics(self.metrics.meter())

    # -- shared pieces ----------------------------------------------------------------
    def channel(self, address: str) -> grpc.aio.Channel:
        if address not in self._channels:
            # Client interceptors carry the trace context to the other services. Reconnect
            # backoff is capped low (gRPC's default grows to 120 s): after an outage of
            # the audit or trust service, traffic resumes within seconds of its return.
            # With services.client_tls the channel is TLS and follows its certificate files.
            channel = open_channel(
                address,
                self.config.services.client_tls,
                interceptors=internal_client_interceptors(),
                options=INTERNAL_CHANNEL_OPTIONS,
            )
            self._channels[address] = channel
            self._closers.append(channel.close)
        return self._channels[address]

    def trust_engine(self) -> TrustEngine:
        if self._trust_engine is None:
            engine = TrustEngine(self.config.trust, metrics=self._trust_metrics)
            self._trust_engine = engine

            async def close() -> None:
                engine.close()

            self._closers.append(close)
        if not self._trust_observed:
            # A shared engine too: its queue is this process's queue.
            self._trust_observed = True
            engine = self._trust_engine
            self._trust_metrics.observe_queue(lambda: engine.pending)
        return self._trust_engine

    def telemetry(self) -> GatewayTelemetry:
        """The gateway's request metrics, shared by the pipeline, quotas and routing."""
        if self._telemetry is None:
            self._telemetry = GatewayTelemetry(self.metrics.meter())
        return self._telemetry

    async def audit_store(self) -> AuditStore:
        return await self._audit.store()

    def audit_pseudonyms(self) -> Pseudonyms:
        """How this process pseudonymises end users in audit records (and finds them again)."""
        return self._audit.pseudonyms()

    def directory(self) -> TenantDirectory:
        """The keys declared in the config file."""
        return self._control.declared_keys()

    def response_cache(self) -> ResponseCache:
        config = self.config.cache
        cache: ResponseCache
        if config.backend is CacheBackend.REDIS:
            cache = RedisCache.from_config(config)
        elif config.backend is CacheBackend.MEMORY:
            cache = MemoryCache(config.ttl_s)
        else:
            cache = NoCache()
        self._closers.append(cache.close)
        return cache

    def quotas(self) -> Quotas:
        """The quota step over the configured store (in-process unless `quotas.store` is redis)."""
        config = self.config.quotas
        store: QuotaStore
        if config.store is QuotaStoreBackend.REDIS:
            from modelgw.gateway.quotas.redis_store import RedisQuotaStore

            timeout_s = config.timeout_ms / 1000
            store = RedisQuotaStore(
                redis_client(config, timeout_s=timeout_s),
                key_prefix=config.key_prefix,
                timeout_s=timeout_s,
            )
        else:
            store = MemoryQuotaStore()
        quotas = Quotas(self.config, store, telemetry=self.telemetry())
        self._closers.append(quotas.close)
        return quotas

    def resolver(self) -> CachedResolver:
        """One per process: the gRPC and HTTP doors and the Audit service share its key cache,
        which the change feed empties key by key (`live_tenants`)."""
        return self._control.resolver()

    # -- the control plane ------------------------------------------------------------------
    def control_store(self) -> ControlStore:
        """The store of tenant versions and issued keys (opened by `control_plane`)."""
        return self._control.store()

    async def control_plane(self) -> tuple[TenantPlane, KeyAdmin]:
        """Open the control store (migrating it if allowed) and load the config file's tenants."""
        return await self._control.plane()

    async def _change_sink(self) -> AuditSink:
        """Where admin changes are audited: the gateway's own sink in one process, else a
        direct (unspooled) write: changes are rare and kept in the change log anyway."""
        if self._sink is not None:
            return self._sink
        address = self.config.services.audit_address
        if address:
            return RemoteAuditSink(
                self.channel(address), self.internal, timeout_s=5.0, guard=self._audit.guard()
            )
        return StoreAuditSink(await self.audit_store(), self._audit.guard())

    async def live_tenants(self) -> LiveTenants:
        """The tenants this process serves, following the control plane (started once)."""
        return await self._control.live(self._tenants)

    def tenant_status(self) -> SyncStatus | None:
        """What this process serves: tenant versions, feed position, staleness (for health
        and metrics); None before it started following."""
        return self._control.status()

    def session_vaults(self) -> SessionVaultStore | None:
        if not self._session_vaults_built:
            store = SessionVaultStore.from_config(self.config.trust.session_vault)
            if store is not None:
                self._closers.append(store.close)
            self._session_vaults = store
            self._session_vaults_built = True
        return self._session_vaults

    def tenants(self) -> Tenants:
        """The tenants this process serves now (one snapshot per request): the control
        plane's current versions once `live_tenants` runs, the config file's before."""
        live = self._control.following()
        return live.current() if live is not None else self._tenants

    def callers(self) -> CallerAuthenticator:
        """API key → principal → the caller with its tenant resolved, for both front doors."""
        return CallerAuthenticator(Authenticator(self.resolver()), self.tenants)

    def local_trust(self) -> LocalTrust:
        return LocalTrust(self.trust_engine(), self.session_vaults())

    def trust_client(self) -> TrustClient:
        address = self.config.services.trust_address
        if address:
            # The gateway owns the detection deadline; the trust service works within it.
            deadline_s = self.config.trust.deadline_ms / 1000
            return FailOpenTrust(RemoteTrust(self.channel(address), self.internal, deadline_s))
        return FailOpenTrust(self.local_trust())

    async def audit_sink(self) -> AuditSink:
        """One per process (it owns the spool directory)."""
        if self._sink is None:
            address = self.config.services.audit_address
            channel = self.channel(address) if address else None
            self._sink = await self._audit.sink(channel, self.internal)
        return self._sink

    # -- services -------------------------------------------------------------------
    async def pipeline(self, backends: Mapping[str, Backend] | None = None) -> Pipeline:
        """The one pipeline of this process, shared by the gRPC and HTTP front doors.

        `backends` replaces those built from config (tests, embedding); it only
        counts on the first call, which builds the pipeline.
        """
        if self._pipeline is None:
            backends = backends if backends is not None else build_backends(self.config.providers)
            sink = await self.audit_sink()
            await self.live_tenants()
            instruments = BackendInstruments(self.metrics.meter())
            measured: dict[str, Backend] = {}
            for name, backend in backends.items():
                self._closers.append(backend.close)
                measured[name] = instrument(backend, instruments)
            telemetry = self.telemetry()
            engine = RoutingEngine(self.config.routing, telemetry=telemetry)
            telemetry.observe_breakers(engine.breaker_states)
            pipeline = Pipeline(
                self.config,
                Router(self.config, measured, engine=engine),
                self.trust_client(),
                sink,
                self.response_cache(),
                self.quotas(),
                telemetry,
            )
            # Closed before the audit sink (closers run in reverse): requests still in
            # flight get their record while the spool can still take it.
            self._closers.append(pipeline.close)
            self._pipeline = pipeline
        return self._pipeline

    def in_flight(self) -> InFlight | None:
        """The gateway's requests in flight, for the shutdown; None without a gateway."""
        return self._pipeline.in_flight if self._pipeline is not None else None

    async def gateway(self, backends: Mapping[str, Backend] | None = None) -> ServiceBinding:
        """The Gateway service; `backends` replaces those built from config (tests, embedding)."""
        return ServiceBinding(
            _full_name(gateway_pb2.DESCRIPTOR, "Gateway"),
            gateway_pb2_grpc.add_GatewayServicer_to_server,
            GatewayService(await self.pipeline(backends), self.callers()),
        )

    async def http_app(self, backends: Mapping[str, Backend] | None = None) -> FastAPI:
        """The OpenAI-compatible HTTP front door over the same pipeline as `gateway`."""
        exposition = self.metrics.exposition if self.config.metrics.on_http_port else None
        return create_app(
            await self.pipeline(backends),
            self.callers(),
            max_body_bytes=self.config.server.max_message_bytes,
            metrics=exposition,
            health=self.health_detail,
            readiness=self.readiness,
        )

    def health_detail(self) -> dict[str, object]:
        """What `/healthz` adds: the feed position and staleness (no tenant names: the
        endpoint is unauthenticated)."""
        status = self.tenant_status()
        if status is None:
            return {}
        since = status.unreachable_since
        return {
            "control_change": status.change,
            "tenants": len(status.versions),
            "control_unreachable_since": since.isoformat() if since else None,
        }

    def trust(self) -> ServiceBinding:
        return ServiceBinding(
            _full_name(trust_pb2.DESCRIPTOR, "Trust"),
            trust_pb2_grpc.add_TrustServicer_to_server,
            TrustService(self.local_trust(), self.internal),
        )

    async def audit(self) -> ServiceBinding:
        self._audit.start_checkpointer(await self.audit_store())
        # Follow the change feed here too: it opens the store issued keys resolve from (in
        # one process) and drops revoked auditor keys from this service's key cache.
        await self.live_tenants()
        return ServiceBinding(
            _full_name(audit_pb2.DESCRIPTOR, "Audit"),
            audit_pb2_grpc.add_AuditServicer_to_server,
            AuditService(
                await self.audit_store(),
                Authenticator(self.resolver()),
                self.internal,
                self._audit.verifier(),
                self.audit_pseudonyms(),
                drain=self._audit.local_drain(),
            ),
        )

    async def control(self) -> ServiceBinding:
        """The Control service over this process's control store: key resolution and the
        change feed for other services, the admin API for admin keys."""
        plane, keys = await self.control_plane()
        directory = self._control.key_directory()
        return ServiceBinding(
            _full_name(control_pb2.DESCRIPTOR, "Control"),
            control_pb2_grpc.add_ControlServicer_to_server,
            ControlService(
                self.control_store(),
                plane,
                keys,
                directory,
                AdminAuthenticator(self.config.control.platform_admin_keys, directory),
                self.internal,
            ),
        )

    async def close(self) -> None:
        for closer in reversed(self._closers):
            try:
                await closer()
            except Exception:
                log.exception("error while closing")
        self._closers.clear()
