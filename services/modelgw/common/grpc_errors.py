"""Turn domain errors into gRPC statuses at the edge of every servicer."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any, NoReturn, TypeVar, cast

import grpc

from modelgw.common.db_errors import is_connection_error
from modelgw.common.errors import ModelgwError, ResourceExhausted

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


def trailers(exc: ModelgwError) -> tuple[tuple[str, str], ...]:
    """Trailing metadata a client can act on: `retry-after` (seconds) on a refusal for now."""
    if isinstance(exc, ResourceExhausted) and exc.retry_after_s is not None:
        return (("retry-after", str(exc.retry_after_s)),)
    return ()


async def _abort(context: grpc.aio.ServicerContext[Any, Any], exc: BaseException) -> NoReturn:
    if isinstance(exc, ModelgwError):
        await context.abort(exc.code, exc.message, trailing_metadata=trailers(exc))
    if is_connection_error(exc):  # an outage, not a bug: the caller should retry later
        log.warning("database unreachable: %s", type(exc).__name__)
        await context.abort(
            grpc.StatusCode.UNAVAILABLE, "the database is unreachable or busy; retry later"
        )
    log.exception("unexpected error in %s", type(exc).__name__, exc_info=exc)
    await context.abort(grpc.StatusCode.INTERNAL, "internal error; see the server log")


def abort_on_error(method: F) -> F:
    """Decorate a servicer method (unary or server-streaming) to map `ModelgwError`s to statuses.

    Unexpected exceptions become INTERNAL with a generic message: their text
    could contain request content, so it goes only to the server log.
    """
    if inspect.isasyncgenfunction(method):

        @functools.wraps(method)
        async def stream_wrapper(
            self: Any, request: Any, context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[Any]:
            try:
                async for item in method(self, request, context):
                    yield item
            except grpc.aio.AbortError:
                raise
            except Exception as exc:
                await _abort(context, exc)

        return cast(F, stream_wrapper)

    @functools.wraps(method)
    async def unary_wrapper(
        self: Any, request: Any, context: grpc.aio.ServicerContext[Any, Any]
    ) -> Any:
        try:
            return await method(self, request, context)
        except grpc.aio.AbortError:
            raise
        except Exception as exc:
            await _abort(context, exc)

    return cast(F, unary_wrapper)
