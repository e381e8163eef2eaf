"""Raw content at rest: subject keys in the database, wrapped by the tenant key from config.

See `modelgw.audit.crypto` for the key hierarchy. Shredding deletes subject
key rows; it runs as the schema owner (the app role may only insert keys).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from modelgw.audit.crypto import (
    RawContent,
    RawContentUnreadable,
    TenantKeys,
    decrypt_raw,
    encrypt_raw,
    subject_of,
)
from modelgw.audit.pseudonyms import Pseudonyms
from modelgw.audit.records import AuditRecord
from modelgw.audit.tables import audit_records, audit_subject_keys
from modelgw.common.errors import NotFound


class RawVault:
    def __init__(self, keys: TenantKeys) -> None:
        self.keys = keys

    async def _subject_key(
        self, conn: AsyncConnection, tenant: str, subject: str, *, create: bool
    ) -> tuple[str, bytes] | None:
        k = audit_subject_keys.c
        row = (
            await conn.execute(
                select(k.key_id, k.wrapped_key).where(k.tenant == tenant, k.subject == subject)
            )
        ).first()
        if row is not None:
            return row[0], self.keys.unwrap_subject_key(tenant, subject, row[0], row[1])
        if not create:
            return None
        key_id = uuid.uuid4().hex
        key, wrapped = self.keys.new_subject_key(tenant, subject, key_id)
        await conn.execute(
            insert(audit_subject_keys).values(
                key_id=key_id,
                tenant=tenant,
                subject=subject,
                wrapped_key=wrapped,
                created_at=datetime.now(UTC),
            )
        )
        return key_id, key

    async def encrypt_for_store(
        self, conn: AsyncConnection, record: AuditRecord
    ) -> tuple[str, bytes]:
        """Open the gateway's transport seal and re-encrypt under the subject's key."""
        plaintext = self.keys.open_transport(record.tenant, record.request_id, record.sealed_raw)
        found = await self._subject_key(
            conn, record.tenant, subject_of(record.end_user), create=True
        )
        assert found is not None
        key_id, key = found
        return key_id, encrypt_raw(key, record.tenant, record.request_id, plaintext)

    async def read(self, engine: AsyncEngine, tenant: str, request_id: str) -> RawContent:
        """The original content of one record, or `RawContentUnreadable` once shredded."""
        c, k = audit_records.c, audit_subject_keys.c
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    select(c.raw_key_id, c.raw_ciphertext, c.end_user).where(
                        c.tenant == tenant, c.request_id == request_id
                    )
                )
            ).first()
            if row is None:
                raise NotFound(f"no audit record {request_id!r} for tenant {tenant!r}")
            if not row.raw_ciphertext:
                raise NotFound(f"record {request_id!r} has no raw content")
            key_row = (
                await conn.execute(
                    select(k.wrapped_key, k.subject).where(k.key_id == row.raw_key_id)
                )
            ).first()
        if key_row is None:
            raise RawContentUnreadable(
                f"the key of record {request_id!r} was destroyed: its raw content is shredded"
            )
        key = self.keys.unwrap_subject_key(
            tenant, key_row.subject, row.raw_key_id, key_row.wrapped_key
        )
        return decrypt_raw(key, tenant, request_id, bytes(row.raw_ciphertext))


async def shred(
    engine: AsyncEngine,
    tenant: str,
    subject: str | None = None,
    pseudonyms: Pseudonyms | None = None,
) -> int:
    """Destroy the subject keys of one end user (or of the whole tenant); returns keys destroyed.

    Records carry the end user's pseudonym, so its subject key is filed under that; keys
    made before pseudonymisation are filed under the clear value. With `pseudonyms`, both
    are destroyed. For a tenant, also destroy its key encryption key where the secret lives.
    """
    k = audit_subject_keys.c
    statement = delete(audit_subject_keys).where(k.tenant == tenant)
    if subject is not None:
        forms = pseudonyms.end_user_forms(tenant, subject) if pseudonyms and subject else ()
        statement = statement.where(k.subject.in_(forms or (subject_of(subject),)))
    async with engine.begin() as conn:
        return (await conn.execute(statement)).rowcount
