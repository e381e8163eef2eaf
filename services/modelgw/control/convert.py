"""Control domain types ⇄ their protobuf messages."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from modelgw.api.v1 import control_pb2
from modelgw.common.config.tenants import ApiKeyConfig
from modelgw.control.documents import stored_document
from modelgw.control.key_store import StoredKey
from modelgw.control.plane import ApplyOutcome
from modelgw.control.store import FeedUpdate, TenantVersion, aware


def stamp(moment: datetime | None) -> Timestamp | None:
    if moment is None:
        return None
    found = Timestamp()
    found.FromDatetime(moment)
    return found


def instant(value: Timestamp) -> datetime:
    return value.ToDatetime(tzinfo=UTC)


def version_to_pb(version: TenantVersion, *, document: bool = True) -> control_pb2.TenantVersion:
    return control_pb2.TenantVersion(
        tenant=version.tenant,
        version=version.version,
        document_json=version.document.canonical_json() if document else "",
        document_yaml=version.document.to_yaml() if document else "",
        digest=version.digest,
        source=version.source,
        based_on=version.based_on or 0,
        created_at=stamp(version.created_at),
        created_by=version.created_by,
        message=version.message,
    )


def version_from_pb(message: control_pb2.TenantVersion) -> TenantVersion:
    return TenantVersion(
        tenant=message.tenant,
        version=message.version,
        document=stored_document(message.tenant, json.loads(message.document_json)),
        source=message.source,
        created_at=aware(instant(message.created_at)),
        created_by=message.created_by,
        message=message.message,
        based_on=message.based_on or None,
    )


def feed_to_pb(update: FeedUpdate) -> control_pb2.SyncTenantsResponse:
    return control_pb2.SyncTenantsResponse(
        epoch=update.epoch,
        change=update.change,
        tenants=[version_to_pb(v) for v in update.tenants],
        key_sha256=list(update.key_hashes),
        full=update.full,
    )


def feed_from_pb(message: control_pb2.SyncTenantsResponse) -> FeedUpdate:
    return FeedUpdate(
        epoch=message.epoch,
        change=message.change,
        tenants=tuple(version_from_pb(v) for v in message.tenants),
        key_hashes=tuple(message.key_sha256),
        full=message.full,
    )


def outcome_to_pb(outcome: ApplyOutcome) -> control_pb2.ApplyOutcome:
    return control_pb2.ApplyOutcome(
        tenant=outcome.tenant,
        version=outcome.version,
        previous=outcome.previous,
        changed=outcome.changed,
        diff=outcome.diff,
        dry_run=outcome.dry_run,
    )


def stored_key_to_pb(key: StoredKey, now: datetime) -> control_pb2.ApiKeyInfo:
    return control_pb2.ApiKeyInfo(
        tenant=key.tenant,
        key_id=key.key_id,
        generation=key.generation,
        roles=sorted(key.roles),
        state=key.state(now),
        sha256_prefix=key.sha256[:12],
        created_at=stamp(key.created_at),
        created_by=key.created_by,
        expires_at=stamp(key.expires_at),
        revoked_at=stamp(key.revoked_at),
    )


def declared_key_to_pb(tenant: str, key: ApiKeyConfig) -> control_pb2.ApiKeyInfo:
    return control_pb2.ApiKeyInfo(
        tenant=tenant,
        key_id=key.id,
        generation=1,
        roles=sorted(r.value for r in key.roles),
        state="declared",
        sha256_prefix=key.sha256[:12],
        created_by="config",
    )
