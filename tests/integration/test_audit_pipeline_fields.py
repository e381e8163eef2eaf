"""Cost, cache hit and trace id as the pipeline fills them reach Postgres, the API and exports.

Three requests through the real pipeline (trust layer, router, response cache,
tracing) into the audit log on Postgres: one to a priced backend (cost from
its price table), the same prompt again (answered from the cache: cost 0.0,
`cache_hit`), and one to a backend without a price (cost unknown: NULL, not
0). Each field is checked in the table, over `QueryRecords`, in JSONL and CSV
exports, and the chain, which hashes all of them, still verifies.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from modelgw.api.v1 import audit_pb2
from tests.configs import gateway_config
from tests.conftest import sqlalchemy_url
from tests.harness import RunningGateway, generate_request, running_gateway

KEY = "mgw_fields_key_0123456789"
AUTH = (("authorization", f"Bearer {KEY}"),)
PRICE = {"input_per_million": 3.0, "output_per_million": 15.0}
PROMPT = "Customer Ada Lovelace (ada@example.com) asks where order 77 is"


@pytest.fixture
async def gateway(
    pg_database: str, tmp_path: Path, trust_engine, span_exporter
) -> AsyncIterator[RunningGateway]:
    config = gateway_config(
        {
            "providers": {
                "priced": {"type": "echo", "prices": {"*": PRICE}},
                "unpriced": {"type": "echo"},
            },
            "models": {
                "paid": {"route": [{"provider": "priced"}]},
                "free": {"route": [{"provider": "unpriced"}]},
            },
            "cache": {"backend": "memory", "ttl_s": 60},
        },
        audit_url=sqlalchemy_url(pg_database),
        tmp_path=tmp_path,
        keys={"acme": KEY},
    )
    span_exporter.clear()
    async with running_gateway(config, trust_engine=trust_engine) as gw:
        yield gw


def _request(model: str, request_id: str):
    request = generate_request(PROMPT, model=model, request_id=request_id)
    request.params.temperature = 0  # deterministic: the answer may be cached
    return request


async def test_cost_cache_hit_and_trace_id_reach_postgres_api_and_exports(
    gateway: RunningGateway, pg_database: str, span_exporter
) -> None:
    gw = gateway
    paid = await gw.gateway.Generate(_request("paid", "r-paid"), metadata=AUTH)
    await gw.gateway.Generate(_request("paid", "r-cached"), metadata=AUTH)
    await gw.gateway.Generate(_request("free", "r-unknown"), metadata=AUTH)
    usage = paid.usage
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
    expected_cost = (
        usage.prompt_tokens * PRICE["input_per_million"]
        + usage.completion_tokens * PRICE["output_per_million"]
    ) / 1e6

    # Over the API (its read drains this process's spool first).
    page = await gw.audit.QueryRecords(audit_pb2.QueryRecordsRequest(), metadata=AUTH)
    api = {r.client_request_id: r for r in page.records}
    assert set(api) == {"r-paid", "r-cached", "r-unknown"}
    assert api["r-paid"].HasField("cost_usd")
    assert api["r-paid"].cost_usd == pytest.approx(expected_cost)
    assert api["r-cached"].HasField("cost_usd") and api["r-cached"].cost_usd == 0.0
    assert not api["r-unknown"].HasField("cost_usd"), "no price known: unset, not 0"
    assert [api[r].cache_hit for r in ("r-paid", "r-cached", "r-unknown")] == [
        False,
        True,
        False,
    ]

    # The trace id is the id of the request's own trace, different per request.
    traced = {format(s.context.trace_id, "032x") for s in span_exporter.get_finished_spans()}
    trace_ids = {r: api[r].trace_id for r in api}
    assert all(len(t) == 32 and t in traced for t in trace_ids.values()), trace_ids
    assert len(set(trace_ids.values())) == 3

    # In the table itself.
    conn = await asyncpg.connect(pg_database)
    try:
        rows = {
            r["client_request_id"]: r
            for r in await conn.fetch(
                "SELECT client_request_id, cost_usd, cache_hit, trace_id FROM audit_records"
            )
        }
    finally:
        await conn.close()
    assert rows["r-paid"]["cost_usd"] == pytest.approx(expected_cost)
    assert rows["r-cached"]["cost_usd"] == 0.0
    assert rows["r-unknown"]["cost_usd"] is None
    assert {r: rows[r]["cache_hit"] for r in rows} == {
        "r-paid": False,
        "r-cached": True,
        "r-unknown": False,
    }
    assert {r: rows[r]["trace_id"] for r in rows} == trace_ids

    # JSONL export: numbers, null and booleans as JSON types.
    chunks = [c async for c in gw.audit.Export(audit_pb2.ExportRequest(), metadata=AUTH)]
    exported = {
        d["client_request_id"]: d
        for d in (json.loads(x) for x in b"".join(c.data for c in chunks).decode().splitlines())
    }
    assert exported["r-paid"]["cost_usd"] == pytest.approx(expected_cost)
    assert exported["r-cached"]["cost_usd"] == 0.0
    assert exported["r-unknown"]["cost_usd"] is None
    assert exported["r-cached"]["cache_hit"] is True
    assert exported["r-paid"]["cache_hit"] is False
    assert {r: exported[r]["trace_id"] for r in exported} == trace_ids

    # CSV export: unknown cost is an empty cell, never "0" or "None".
    request = audit_pb2.ExportRequest(format=audit_pb2.EXPORT_FORMAT_CSV)
    data = b"".join([c.data async for c in gw.audit.Export(request, metadata=AUTH)]).decode()
    table = {r["client_request_id"]: r for r in csv.DictReader(io.StringIO(data))}
    assert float(table["r-paid"]["cost_usd"]) == pytest.approx(expected_cost)
    assert float(table["r-cached"]["cost_usd"]) == 0.0
    assert table["r-unknown"]["cost_usd"] == ""
    assert {r: table[r]["cache_hit"] for r in table} == {
        "r-paid": "False",
        "r-cached": "True",
        "r-unknown": "False",
    }
    assert {r: table[r]["trace_id"] for r in table} == trace_ids

    verdict = await gw.audit.Verify(audit_pb2.VerifyRequest(), metadata=AUTH)
    assert verdict.ok and verdict.records_checked == 3, verdict
