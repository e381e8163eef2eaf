"""The audit store on the real Postgres: append-only, tenant-confined, chained, idempotent.

Each test migrates a fresh database (`pg_database`), as `modelgw audit
migrate` would, and then acts as the roles a deployment has: the schema owner
(the superuser here), the app role, and per-tenant auditor scope roles.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from modelgw.audit.checkpoints import Verifier
from modelgw.audit.migrate import APP_ROLE, scope_role_name
from modelgw.audit.queries import AuditReader
from modelgw.audit.records import AuditQuery
from modelgw.audit.store import AuditStore
from modelgw.audit.verify import verify_chain
from tests.conftest import sqlalchemy_url
from tests.unit.audit.factory import make_record


@pytest.fixture
async def store(pg_database: str) -> AsyncIterator[AuditStore]:
    store = AuditStore(create_async_engine(sqlalchemy_url(pg_database)))
    await store.open_schema(migrate_now=True, tenants=["acme", "globex"])
    yield store
    await store.close()


@pytest.fixture
async def conn(pg_database: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(pg_database)
    yield connection
    await connection.close()


async def test_app_role_may_insert_and_select_but_never_change_or_remove(store, conn) -> None:
    await store.append([make_record(), make_record()])
    owners = {
        r["tableowner"]
        for r in await conn.fetch("SELECT tableowner FROM pg_tables WHERE tablename LIKE 'audit_%'")
    }
    assert APP_ROLE not in owners
    await conn.execute(f"SET ROLE {APP_ROLE}")
    assert await conn.fetchval("SELECT count(*) FROM audit_records") == 2
    for statement in (
        "UPDATE audit_records SET masked_response = 'x'",
        "DELETE FROM audit_records",
        "TRUNCATE audit_records",
        "UPDATE audit_access_log SET action = 'x'",
    ):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute(statement)
    await conn.execute("RESET ROLE")
    assert await conn.fetchval("SELECT count(*) FROM audit_records") == 2


async def test_even_the_owner_cannot_update_delete_or_truncate(store, conn) -> None:
    await store.append([make_record()])
    for statement in (
        "UPDATE audit_records SET status = 'OK'",
        "DELETE FROM audit_records",
        "TRUNCATE audit_records",
    ):
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
            await conn.execute(statement)
    assert await conn.fetchval("SELECT count(*) FROM audit_records") == 1


async def test_auditor_of_one_tenant_sees_no_row_of_another_even_by_hand(store, conn) -> None:
    await store.append([make_record("acme") for _ in range(3)])
    await store.append([make_record("globex") for _ in range(4)])
    acme_role = scope_role_name("acme")

    # The service's own scoped session, with a hand-written query and no tenant filter.
    reader = AuditReader(store.engine)
    async with reader.scoped("acme") as session:
        assert (await session.execute(text("SELECT count(*) FROM audit_records"))).scalar() == 3
        hidden = "SELECT count(*) FROM audit_records WHERE tenant = 'globex'"
        assert (await session.execute(text(hidden))).scalar() == 0

    # A person's login role holding the acme scope: same answer, in plain SQL.
    person = f"auditor_{uuid.uuid4().hex[:8]}"
    await conn.execute(f'CREATE ROLE "{person}" NOLOGIN')
    try:
        await conn.execute(f'GRANT "{acme_role}" TO "{person}"')
        await conn.execute(f'SET ROLE "{person}"')
        assert await conn.fetchval("SELECT count(*) FROM audit_records") == 3
        assert (
            await conn.fetchval("SELECT count(*) FROM audit_records WHERE tenant = 'globex'") == 0
        )
        await conn.execute("SELECT set_config('modelgw.tenant', 'globex', false)")
        assert await conn.fetchval("SELECT count(*) FROM audit_records WHERE tenant <> 'acme'") == 0
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("INSERT INTO audit_auditor_scopes VALUES ('x', 'globex')")
        await conn.execute("RESET ROLE")
    finally:
        await conn.execute("RESET ROLE")
        await conn.execute(f'DROP ROLE "{person}"')

    page = await reader.query(AuditQuery(tenant="globex"))
    assert {r.tenant for r in page.records} == {"globex"} and len(page.records) == 4


async def test_replayed_batches_store_each_record_once_and_keep_the_chain(store) -> None:
    batch = [make_record() for _ in range(5)]
    first = await store.append(batch)
    again = await store.append([*batch[2:], make_record()])
    assert (first.stored, first.duplicates) == (5, 0)
    assert (again.stored, again.duplicates) == (1, 3)
    async with store.engine.connect() as session:
        report = await verify_chain(session, "acme", Verifier({}))
        seqs = (await session.execute(text("SELECT seq FROM audit_records ORDER BY seq"))).scalars()
        assert list(seqs) == [1, 2, 3, 4, 5, 6]
    assert report.ok and report.records_checked == 6


async def test_a_different_record_under_a_stored_request_id_is_dead_lettered_with_an_alert(
    store, conn, caplog: pytest.LogCaptureFixture
) -> None:
    """#12 finding 2: a reused id used to be skipped as a duplicate, silently."""
    original = make_record()
    await store.append([original])
    impostor = dataclasses.replace(original, masked_response="something else entirely")
    with caplog.at_level(logging.ERROR):
        result = await store.append([original, impostor])
    assert (result.stored, result.duplicates, result.dead_lettered) == (0, 1, 1)
    assert any(r.getMessage().startswith("ALERT audit record") for r in caplog.records)
    letters = await conn.fetch("SELECT request_id, error FROM audit_dead_letters")
    assert [(r["request_id"], "already stored" in r["error"]) for r in letters] == [
        (original.request_id, True)
    ]
    stored = await conn.fetch("SELECT masked_response FROM audit_records")
    assert [r["masked_response"] for r in stored] == [original.masked_response]


async def test_a_record_postgres_rejects_goes_to_dead_letters_not_down_with_its_batch(
    store, conn
) -> None:
    good = [make_record(), make_record()]
    bad = make_record(masked_response="NUL \x00 byte Postgres text refuses")
    result = await store.append([good[0], bad, good[1]])
    assert (result.stored, result.dead_lettered) == (2, 1)
    stored = {r["request_id"] for r in await conn.fetch("SELECT request_id FROM audit_records")}
    assert stored == {good[0].request_id, good[1].request_id}
    letter = await conn.fetchrow("SELECT request_id, error, payload FROM audit_dead_letters")
    assert letter["request_id"] == bad.request_id
    assert "CharacterNotInRepertoire" in letter["error"] or "0x00" in letter["error"]
    assert len(letter["payload"]) > 0
    async with store.engine.connect() as session:
        assert (await verify_chain(session, "acme", Verifier({}))).ok


async def test_query_filters_narrow_by_entity_decision_provider_and_status(store) -> None:
    await store.append(
        [
            make_record(),
            make_record(
                prompt_entities=(),
                policy_decisions=(),
                status="PERMISSION_DENIED",
                backend="openai-eu",
                provider_type="openai",
                locality="external",
            ),
        ]
    )
    reader = AuditReader(store.engine)

    async def count(**filters: Any) -> int:
        return len((await reader.query(AuditQuery(tenant="acme", **filters))).records)

    assert await count() == 2
    assert await count(entity_type="EMAIL_ADDRESS") == 1
    assert await count(entity_type="EMAIL") == 0
    assert await count(decision="routed_local") == 1
    assert await count(decision="masked") == 2  # the trust decision of both is `masked`
    assert await count(provider="openai") == 1 and await count(provider="openai-eu") == 1
    assert await count(status="PERMISSION_DENIED") == 1


async def test_two_audit_services_appending_to_one_tenant_keep_one_chain(
    store, pg_database
) -> None:
    other = AuditStore(create_async_engine(sqlalchemy_url(pg_database)))
    try:
        batches = [[make_record() for _ in range(20)] for _ in range(8)]
        await asyncio.gather(
            *(s.append(b) for s, b in zip([store, other] * 4, batches, strict=True))
        )
    finally:
        await other.close()
    async with store.engine.connect() as session:
        report = await verify_chain(session, "acme", Verifier({}))
    assert report.ok and report.records_checked == 160
