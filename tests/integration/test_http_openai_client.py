"""The `openai` SDK's round trip of personal data (tests/unit/gateway/test_http_openai_client.py)
with the audit store on the real Postgres."""

from __future__ import annotations

from pathlib import Path

from tests.unit.gateway.test_http_openai_client import personal_data_round_trip


async def test_personal_data_never_reaches_the_backend_and_comes_back_on_postgres(
    pg_sqlalchemy_url: str, tmp_path: Path, trust_engine
) -> None:
    await personal_data_round_trip(pg_sqlalchemy_url, tmp_path, trust_engine)
