"""How a servicer's exceptions become gRPC statuses: the caller's errors, outages, bugs."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from modelgw.common.errors import InvalidArgument
from modelgw.common.grpc_errors import abort_on_error


class Aborted(Exception):
    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        self.code, self.message = code, message


class Context:
    """The part of grpc.aio.ServicerContext that `abort_on_error` uses."""

    async def abort(self, code: grpc.StatusCode, message: str, **_: Any) -> None:
        raise Aborted(code, message)


class Servicer:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    @abort_on_error
    async def Unary(self, request: object, context: Any) -> object:
        raise self.exc


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (InvalidArgument("messages is empty"), grpc.StatusCode.INVALID_ARGUMENT),
        # The database is down, or the pool stayed full past pool_timeout_s: retry later.
        (OperationalError("SELECT 1", {}, ConnectionError("refused")), grpc.StatusCode.UNAVAILABLE),
        (PoolTimeout("QueuePool limit of size 2 overflow 0 reached"), grpc.StatusCode.UNAVAILABLE),
        # A bug: INTERNAL, and no text of the exception (it may quote request content).
        (KeyError("secret prompt text"), grpc.StatusCode.INTERNAL),
    ],
)
async def test_exceptions_become_the_status_the_caller_can_act_on(
    exc: BaseException, code: grpc.StatusCode
) -> None:
    with pytest.raises(Aborted) as aborted:
        await Servicer(exc).Unary(object(), Context())
    assert aborted.value.code == code
    assert "secret prompt text" not in aborted.value.message
