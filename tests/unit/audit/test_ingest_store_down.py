"""The Audit service's Ingest while its store cannot be reached (no database at all)."""

from __future__ import annotations

import os

import grpc
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from modelgw.api.v1 import audit_pb2, audit_pb2_grpc
from modelgw.audit.checkpoints import Verifier
from modelgw.audit.convert import record_to_pb
from modelgw.audit.handlers import AuditService
from modelgw.audit.pseudonyms import Pseudonyms
from modelgw.audit.store import AuditStore
from modelgw.common.grpc_server import ServiceBinding, start_server
from modelgw.common.internal_auth import INTERNAL_TOKEN_HEADER, InternalAuth
from modelgw.control.auth import Authenticator
from modelgw.control.directory import TenantDirectory
from tests.configs import gateway_config
from tests.ports import free_port
from tests.unit.audit.factory import make_record

TOKEN = "remote-ingest-internal-token-01234"


async def test_ingest_while_its_postgres_is_unreachable_answers_unavailable() -> None:
    """An outage is UNAVAILABLE (retry), not INTERNAL: the sender keeps the batch and retries."""
    nowhere = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/audit"
    store = AuditStore(create_async_engine(nowhere))
    service = AuditService(
        store,
        Authenticator(TenantDirectory(gateway_config())),
        InternalAuth(TOKEN),
        Verifier({}),
        Pseudonyms(os.urandom(32)),
    )
    name = audit_pb2.DESCRIPTOR.services_by_name["Audit"].full_name
    server = await start_server(
        [ServiceBinding(name, audit_pb2_grpc.add_AuditServicer_to_server, service)], "127.0.0.1:0"
    )
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
            stub = audit_pb2_grpc.AuditStub(channel)
            request = audit_pb2.IngestRequest(records=[record_to_pb(make_record())])
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await stub.Ingest(request, metadata=((INTERNAL_TOKEN_HEADER, TOKEN),), timeout=30)
    finally:
        await server.stop(0)
        await store.close()
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE, refused.value.details()
    assert "audit store is unreachable" in (refused.value.details() or "")
