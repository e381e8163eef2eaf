"""Audit benchmarks: batched, hash-chained ingest into Postgres, and compliance query latency.

    make bench-audit            # or: python -m bench.audit --rows 1000000 --ingest 20000

Runs against the Postgres of MODELGW_TEST_PG_DSN (default the local one) in a
throwaway database, and appends a result block to bench/audit/results.md.
Each target is shown next to a baseline measured in the same run, so the
ratio means something on a noisy shared machine:

* ingest: `AuditStore.append` (dedupe, per-tenant lock, chain hashing) vs a
  plain multi-row INSERT of the same rows;
* query: the service path (`AuditReader.query`: SQLAlchemy, SET ROLE under
  RLS) vs the same SQL sent by asyncpg as the owner (no RLS).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine

from modelgw.audit.queries import AuditReader
from modelgw.audit.records import AuditQuery
from modelgw.audit.rows import row_from_record
from modelgw.audit.store import AuditStore
from modelgw.audit.tables import audit_records
from tests.unit.audit.factory import make_record

PG_DSN = os.environ.get("MODELGW_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
RESULTS = Path(__file__).with_name("results.md")
TENANTS = [f"t{i}" for i in range(10)]
DAYS = 30
ENTITY_TYPES = [
    "EMAIL_ADDRESS",
    "PERSON",
    "PHONE_NUMBER",
    "LOCATION",
    "CREDIT_CARD",
    "IBAN_CODE",
    "US_SSN",
    "IP_ADDRESS",
]
DAY0 = datetime(2025, 1, 1, tzinfo=UTC)


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def bench_ingest(dsn: str, count: int, batch: int) -> dict[str, float]:
    engine = create_async_engine(dsn.replace("postgresql://", "postgresql+asyncpg://", 1))
    store = AuditStore(engine)
    await store.open_schema(migrate_now=True, tenants=TENANTS)
    records = [make_record(TENANTS[i % len(TENANTS)]) for i in range(count)]
    start = time.perf_counter()
    for i in range(0, count, batch):
        await store.append(records[i : i + batch])
    chained = count / (time.perf_counter() - start)

    # Baseline: the same rows (fresh ids, no chain work) as a plain multi-row INSERT.
    plain = []
    for seq, record in enumerate(records, start=1):
        row = row_from_record(make_record(record.tenant))
        row.update(seq=10**9 + seq, prev_hash="0" * 64, record_hash="0" * 64)
        row.update(raw_key_id="", raw_ciphertext=None)
        plain.append(row)
    start = time.perf_counter()
    for i in range(0, count, batch):
        async with engine.begin() as conn:
            await conn.execute(insert(audit_records), plain[i : i + batch])
    baseline = count / (time.perf_counter() - start)
    await store.close()
    return {"chained_per_s": chained, "plain_per_s": baseline}


_FILL = """
INSERT INTO audit_records (
  request_id, tenant, seq, prev_hash, record_hash, api_key_id, end_user, session_id,
  started_at, finished_at, model, backend, provider_type, upstream_model, locality,
  route_reason, masked_prompt, masked_response, decision, policy_decisions, entity_types,
  prompt_entities, response_entities, toxicity, prompt_tokens, completion_tokens, latency_ms,
  cost_usd, cache_hit, status, error, streamed, trace_id, raw_key_id, raw_ciphertext)
SELECT
  'r' || g, t.name, g, repeat('0', 64), md5(g::text) || md5(t.name || g), 'svc',
  'user-' || (g % 500), '', $1::timestamptz + (g * interval '1 second' * $2::float8 / $3::int),
  $1::timestamptz + (g * interval '1 second' * $2::float8 / $3::int) + interval '150 ms',
  'gpt-4o', 'openai-eu', 'openai', 'gpt-4o', 'external', 'primary',
  '[{"role": "user", "content": "Send <EMAIL_ADDRESS_1> the report"}]',
  'Sent to <EMAIL_ADDRESS_1>', 'masked', '|masked|',
  '|' || (ARRAY[$4::text[]])[1][1 + (g % 8)] || '|' ||
    CASE WHEN g % 3 = 0 THEN 'PERSON|' ELSE '' END,
  '[]', '[]', NULL, 20, 10, 150.0, 0.0004, false, 'OK', '', false, '', '', NULL
FROM generate_series(1, $3::int) AS g, (SELECT unnest($5::text[]) AS name) AS t
"""


async def bench_query(dsn: str, rows: int, runs: int) -> dict[str, object]:
    per_tenant = rows // len(TENANTS)
    engine = create_async_engine(dsn.replace("postgresql://", "postgresql+asyncpg://", 1))
    store = AuditStore(engine)
    await store.open_schema(migrate_now=True, tenants=TENANTS)
    conn = await asyncpg.connect(dsn)
    start = time.perf_counter()
    await conn.execute(_FILL, DAY0, DAYS * 86400.0, per_tenant, ENTITY_TYPES, TENANTS)
    await conn.execute("ANALYZE audit_records")
    fill_s = time.perf_counter() - start
    reader = AuditReader(engine)
    cases = {"frequent type (PERSON)": "PERSON", "rare type (IBAN_CODE)": "IBAN_CODE"}
    results: dict[str, object] = {"rows": per_tenant * len(TENANTS), "fill_s": fill_s}
    sql = (
        "SELECT * FROM audit_records WHERE tenant = $1 AND started_at >= $2 AND started_at < $3 "
        "AND entity_types LIKE $4 ORDER BY started_at, id LIMIT 101"
    )
    for label, entity in cases.items():
        service, direct = [], []
        matches = 0
        for i in range(runs):
            tenant, day = TENANTS[i % len(TENANTS)], DAY0 + timedelta(days=1 + i % (DAYS - 2))
            query = AuditQuery(
                tenant=tenant, since=day, until=day + timedelta(days=1), entity_type=entity
            )
            t0 = time.perf_counter()
            page = await reader.query(query)
            service.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            found = await conn.fetch(sql, tenant, day, day + timedelta(days=1), f"%|{entity}|%")
            direct.append((time.perf_counter() - t0) * 1000)
            assert len(page.records) == min(len(found), 100)
            matches = len(page.records)
        results[label] = {
            "service_p50_ms": statistics.median(service),
            "service_p95_ms": sorted(service)[int(len(service) * 0.95) - 1],
            "direct_p50_ms": statistics.median(direct),
            "matches_per_page": matches,
        }
    plan = await conn.fetch(
        "EXPLAIN " + sql,
        TENANTS[3],
        DAY0 + timedelta(days=5),
        DAY0 + timedelta(days=6),
        "%|IBAN_CODE|%",
    )
    results["plan"] = "\n".join(r[0] for r in plan)
    await conn.close()
    await store.close()
    return results


def _write(block: str) -> None:
    with RESULTS.open("a") as handle:
        handle.write(block)
    print(block)


async def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.audit")
    parser.add_argument("--ingest", type=int, default=20_000, help="records to ingest")
    parser.add_argument("--batch", type=int, default=500, help="records per append batch")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows for the query bench")
    parser.add_argument("--runs", type=int, default=60, help="queries per case")
    args = parser.parse_args()
    base = PG_DSN.rsplit("/", 1)[0]
    names = [f"modelgw_bench_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    for name in names:
        await _admin(f'CREATE DATABASE "{name}"')
    try:
        ingest = await bench_ingest(f"{base}/{names[0]}", args.ingest, args.batch)
        query = await bench_query(f"{base}/{names[1]}", args.rows, args.runs)
    finally:
        for name in names:
            await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server = await _server_version()
    lines = [
        f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- command: `python -m bench.audit {' '.join(sys.argv[1:])}`".rstrip(),
        f"- machine: {platform.node()}, {os.cpu_count()} CPUs, {platform.platform()}, "
        f"Python {platform.python_version()}, {server}",
        f"- ingest ({args.ingest} records, batches of {args.batch}, 10 tenants): "
        f"**{ingest['chained_per_s']:,.0f} records/s** with hash chaining "
        f"(target >= 5,000/s); plain INSERT baseline {ingest['plain_per_s']:,.0f}/s "
        f"(ratio {ingest['chained_per_s'] / ingest['plain_per_s']:.2f})",
        f"- query table: {query['rows']:,} rows (filled in {query['fill_s']:.1f}s), "
        "filter tenant + one day + entity type, first page of 100:",
    ]
    for label in ("frequent type (PERSON)", "rare type (IBAN_CODE)"):
        r = query[label]
        assert isinstance(r, dict)
        lines.append(
            f"  - {label}: service path p50 **{r['service_p50_ms']:.1f} ms**, "
            f"p95 {r['service_p95_ms']:.1f} ms (target < 100 ms); direct SQL baseline "
            f"p50 {r['direct_p50_ms']:.1f} ms (ratio "
            f"{r['service_p50_ms'] / r['direct_p50_ms']:.2f}); {r['matches_per_page']} on the page"
        )
    lines += ["", "```", str(query["plan"]), "```", ""]
    _write("\n".join(lines))


async def _server_version() -> str:
    conn = await asyncpg.connect(PG_DSN)
    try:
        return "PostgreSQL " + str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
