"""Fuzz the gRPC doors with whatever the request messages can hold.

Properties, for every generated GenerateRequest (unary and streamed) and
Audit API request: no INTERNAL or UNKNOWN, the gateway stays up, and an
authenticated request leaves exactly one audit record if it was admitted (it
succeeded, or was refused after admission) and none if it was refused as
malformed or for an unknown model. The record is found by the `x-request-id`
initial metadata the gateway sends.
"""

from __future__ import annotations

from typing import Any

import grpc
from hypothesis import event, given
from hypothesis import strategies as st

from modelgw.api.v1 import audit_pb2_grpc, gateway_pb2, gateway_pb2_grpc
from tests.fuzz.conftest import AUTH, NOT_ADMITTED, SERVER_FAULTS, records_of
from tests.fuzz.settings import FUZZ
from tests.fuzz.strategies import audit_calls, generate_requests


def _text_metadata(pairs: Any) -> dict[str, str]:
    """grpc's metadata (a sequence of pairs, or None), its text values only."""
    return {k: v for k, v in (pairs or ()) if isinstance(v, str)}


def _call(
    stub: gateway_pb2_grpc.GatewayStub, request: gateway_pb2.GenerateRequest, streamed: bool
) -> tuple[grpc.StatusCode, str, dict[str, str]]:
    """Status, details and initial metadata of one call."""
    try:
        if streamed:
            events = stub.GenerateStream(request, metadata=AUTH, timeout=60)
            for _ in events:
                pass
            return grpc.StatusCode.OK, "", _text_metadata(events.initial_metadata())
        _, call = stub.Generate.with_call(request, metadata=AUTH, timeout=60)
        return grpc.StatusCode.OK, "", _text_metadata(call.initial_metadata())
    except grpc.RpcError as exc:
        failed: Any = exc  # a failed call is also its grpc.Call: code, details, metadata
        return failed.code(), failed.details() or "", _text_metadata(failed.initial_metadata())


@FUZZ
@given(request=generate_requests(), streamed=st.booleans())
def test_generate_never_fails_inside_and_audits_each_admitted_request_once(
    channel: grpc.Channel, request: gateway_pb2.GenerateRequest, streamed: bool
) -> None:
    code, details, metadata = _call(gateway_pb2_grpc.GatewayStub(channel), request, streamed)
    event(f"{code.name}: {details[:40]}")
    assert code not in SERVER_FAULTS, f"{code.name}: {details}"
    request_id = metadata.get("x-request-id")
    if request_id is None:
        # Refused before the gateway gave the request an id: only a malformed caller id.
        assert code == grpc.StatusCode.INVALID_ARGUMENT, (code, details)
        return
    expected = 0 if code in NOT_ADMITTED else 1
    assert records_of(channel, request_id) == expected, (code.name, details)


@FUZZ
@given(call=audit_calls)
def test_audit_api_answers_every_request_without_an_internal_error(
    channel: grpc.Channel, call: tuple[str, object]
) -> None:
    method, request = call
    stub = audit_pb2_grpc.AuditStub(channel)
    try:
        result = getattr(stub, method)(request, metadata=AUTH, timeout=60)
        if method == "Export":
            for _ in result:
                pass
    except grpc.RpcError as exc:
        assert exc.code() not in SERVER_FAULTS, f"{exc.code().name}: {exc.details()}"
        assert exc.code() in {
            grpc.StatusCode.INVALID_ARGUMENT,
            grpc.StatusCode.NOT_FOUND,
            grpc.StatusCode.PERMISSION_DENIED,
        }, (exc.code().name, exc.details())
