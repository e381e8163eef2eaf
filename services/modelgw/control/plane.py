"""Tenant documents as versioned data: apply, roll back, read, compare.

What counts as a change is decided here: a document is validated by the
config schema, checked against this deployment (its routes' providers, its
allowed models) and compared by digest with the tenant's current version, so
applying the same document again creates nothing (a GitOps pipeline may
apply on every merge). A rollback writes the old document as a new version:
history only grows, and every gateway moves forward to it like any apply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from modelgw.common.config.loader import ConfigError
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.errors import FailedPrecondition, InvalidArgument, NotFound
from modelgw.control.admin import Admin
from modelgw.control.change_audit import ChangeAudit
from modelgw.control.documents import (
    TenantDocument,
    check_against_deployment,
    document_diff,
    parse_documents,
)
from modelgw.control.store import ControlStore, TenantVersion

log = logging.getLogger(__name__)

CONFIG_ACTOR = "config"


@dataclass(frozen=True, slots=True)
class ApplyOutcome:
    tenant: str
    version: int
    """The version now in force (or, for a dry run, the one the apply would create)."""
    previous: int
    """The version before (0: the tenant is new)."""
    changed: bool
    diff: str
    dry_run: bool = False


class TenantPlane:
    def __init__(
        self,
        config: ModelgwConfig,
        store: ControlStore,
        audit: ChangeAudit,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._config = config
        self._store = store
        self._audit = audit
        self._clock = clock

    # -- the config file ---------------------------------------------------------------------
    async def seed(self) -> None:
        """The config file's tenants: version 1 of a new store, and a new version whenever
        the file's document differs from what the file last contributed (so a restart with
        an unchanged file never undoes what admins applied since).

        Audited like any change, except into a store kept in memory: that one starts from
        the file at every start, and the file, not the audit log, is its record.
        """
        for name, tenant in sorted(self._config.tenants.items()):
            document = TenantDocument(name, tenant)
            async with self._store.writing() as conn:
                last = await self._store.last_from(name, "config", conn)
                current = await self._store.current(name, conn)
                if (last and last.digest == document.digest) or (
                    current and current.digest == document.digest
                ):
                    continue
                made, change = await self._store.add_version(
                    conn,
                    document,
                    source="config",
                    actor=CONFIG_ACTOR,
                    message="the config file at start",
                    at=self._clock(),
                )
            log.info("tenant %s: version %d from the config file", name, made.version)
            if not self._store.ephemeral:
                await self._audit.record(change, made.version, _detail(current, made))

    # -- changes ---------------------------------------------------------------------------
    async def apply(
        self,
        admin: Admin,
        text: str,
        fmt: str = "",
        message: str = "",
        *,
        dry_run: bool = False,
        expected_version: int = 0,
        source: str = "<document>",
    ) -> list[ApplyOutcome]:
        """Validate every document first (nothing is applied if one is bad), then apply each."""
        try:
            documents = parse_documents(text, fmt, source)
            for document in documents:
                admin.check(document.tenant)
                check_against_deployment(
                    document, self._config.providers, self._config.models, source
                )
        except ConfigError as exc:
            raise InvalidArgument(str(exc)) from None
        if expected_version and len(documents) != 1:
            raise InvalidArgument("expected_version needs exactly one document")
        return [
            await self._apply_one(admin, d, message, dry_run, expected_version) for d in documents
        ]

    async def _apply_one(
        self, admin: Admin, document: TenantDocument, message: str, dry_run: bool, expected: int
    ) -> ApplyOutcome:
        name = document.tenant
        if dry_run:
            current = await self._store.current(name)
            return self._outcome(admin, current, document, expected, dry_run=True)
        async with self._store.writing() as conn:
            current = await self._store.current(name, conn)
            outcome = self._outcome(admin, current, document, expected, dry_run=False)
            if not outcome.changed:
                return outcome
            made, change = await self._store.add_version(
                conn, document, source="apply", actor=admin.actor, message=message, at=self._clock()
            )
        await self._audit.record(change, made.version, _detail(current, made))
        return outcome

    def _outcome(
        self,
        admin: Admin,
        current: TenantVersion | None,
        document: TenantDocument,
        expected: int,
        *,
        dry_run: bool,
    ) -> ApplyOutcome:
        name = document.tenant
        before = current.version if current else 0
        if expected and expected != before:
            raise FailedPrecondition(
                f"tenant {name!r} is at version {before}, not {expected}: someone applied "
                "in between; review `modelgw tenants diff` and apply again"
            )
        admin.check_fields(name, current.document.config if current else None, document.config)
        old_label = f"{name} v{before}" if current else f"{name} (new)"
        diff = document_diff(current.document if current else None, document, old_label, "applied")
        if current is not None and current.digest == document.digest:
            return ApplyOutcome(name, before, before, False, "", dry_run)
        return ApplyOutcome(name, before + 1, before, True, diff, dry_run)

    async def rollback(self, admin: Admin, tenant: str, to: int, message: str = "") -> ApplyOutcome:
        admin.check(tenant)
        target = await self._existing(tenant, to)
        try:
            check_against_deployment(
                target.document, self._config.providers, self._config.models, f"{tenant} v{to}"
            )
        except ConfigError as exc:
            raise FailedPrecondition(
                f"version {to} no longer fits this deployment: {exc}"
            ) from None
        async with self._store.writing() as conn:
            current = await self._store.current(tenant, conn)
            assert current is not None  # the target version exists
            admin.check_fields(tenant, current.document.config, target.document.config)
            if current.digest == target.digest:
                return ApplyOutcome(tenant, current.version, current.version, False, "")
            diff = document_diff(
                current.document, target.document, f"{tenant} v{current.version}", f"v{to}"
            )
            made, change = await self._store.add_version(
                conn,
                target.document,
                source="rollback",
                actor=admin.actor,
                message=message or f"rollback to version {to}",
                at=self._clock(),
                based_on=to,
            )
        await self._audit.record(change, made.version, _detail(current, made))
        return ApplyOutcome(tenant, made.version, current.version, True, diff)

    # -- reading ---------------------------------------------------------------------------
    async def get(self, admin: Admin, tenant: str, version: int | None = None) -> TenantVersion:
        admin.check(tenant)
        if version:
            return await self._existing(tenant, version)
        found = await self._store.current(tenant)
        if found is None:
            raise NotFound(f"no tenant {tenant!r}")
        return found

    async def current_versions(self, admin: Admin) -> list[TenantVersion]:
        return [
            v for v in await self._store.heads() if admin.tenant is None or v.tenant == admin.tenant
        ]

    async def history(self, admin: Admin, tenant: str, limit: int = 100) -> list[TenantVersion]:
        admin.check(tenant)
        found = await self._store.history(tenant, limit)
        if not found:
            raise NotFound(f"no tenant {tenant!r}")
        return found

    async def diff(self, admin: Admin, tenant: str, old: int, new: int) -> str:
        admin.check(tenant)
        before, after = await self._existing(tenant, old), await self._existing(tenant, new)
        return document_diff(before.document, after.document, f"{tenant} v{old}", f"v{new}")

    async def _existing(self, tenant: str, version: int) -> TenantVersion:
        found = await self._store.version(tenant, version)
        if found is None:
            raise NotFound(f"tenant {tenant!r} has no version {version}")
        return found


def _detail(before: TenantVersion | None, made: TenantVersion) -> str:
    start = f"version {before.version}" if before else "new tenant"
    based = f" (the document of version {made.based_on})" if made.based_on else ""
    return f"{start} -> {made.version}{based}, digest {made.digest[:16]}"
