"""Cancel an HTTP request's work as soon as its client disconnects.

Starlette cancels a streamed response whose client left, but only once the
response has started; it never cancels an endpoint that is still working: a
unary request, or a stream before its first token (routing happens there).
Left alone, that work runs to the backend's timeout and is then retried,
paid upstream work for nobody. Here a watcher task reads the connection while
the request runs: the client's `http.disconnect` cancels the request, and
cancellation reaches the backend call (the engine neither retries nor falls
back on it), and the pipeline audits the request as CANCELLED because the
client went away.

The request runs in the server's own task, not one started for it: a task
started, awaited and waited on per request was a fifth of the HTTP layer's
CPU (issue 19). So the watcher cancels the server's task, and this middleware
takes that cancellation back (`uncancel`) before it returns, whatever the app
made of it; a disconnect noticed once the answer is complete, or once the app
has returned, cancels nothing.

The server cancels its task itself only at shutdown, once the grace period
is over: a request cut off before its response started then gets 503 (retry
elsewhere), not the 500 uvicorn would send; one cut off mid-answer has its
connection closed.
"""

from __future__ import annotations

import asyncio

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from modelgw.common.errors import Unavailable
from modelgw.gateway.http.errors import describe

_DISCONNECT: Message = {"type": "http.disconnect"}
_CUT_OFF = Unavailable("the gateway shut down before the answer finished; send it again")


async def _disconnected(receive: Receive) -> None:
    """Return once the server says the connection is gone (or, uvicorn, the response done)."""
    while (await receive())["type"] != "http.disconnect":
        pass


class CancelOnDisconnect:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The whole body first: afterwards the next message from the server can only be
        # the disconnect (uvicorn also sends it once the response is complete).
        body: list[Message] = []
        while not body or body[-1].get("more_body", False):
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # gone before its request was whole: nothing was started
            body.append(message)
        gone = asyncio.Event()
        started = answered = ended = cancelled = False
        # The app runs in this task (no task of its own to start and wait for, on every
        # request); a watcher reads the connection and cancels this task if it goes first.
        request = asyncio.current_task()
        assert request is not None, "ASGI apps run in a task"

        async def app_receive() -> Message:
            if body:
                return body.pop(0)
            await gone.wait()
            return _DISCONNECT

        async def app_send(message: Message) -> None:
            nonlocal started, answered
            started = True
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                answered = True  # before the send: a disconnect from now on cancels nothing
            await send(message)

        def client_left(_: asyncio.Future[None]) -> None:
            nonlocal cancelled
            if ended or answered or watch.cancelled():
                return
            gone.set()
            cancelled = request.cancel()

        watch = asyncio.ensure_future(_disconnected(receive))
        watch.add_done_callback(client_left)
        try:
            await self.app(scope, app_receive, app_send)
        except asyncio.CancelledError:
            if cancelled and request.cancelling() == 1:
                return  # the client left: nobody is waiting for the rest
            # The shutdown cut the request off (the server cancelled this task too).
            if started:
                return  # mid-answer: the server closes the connection under it
            status, error = describe(_CUT_OFF)
            await JSONResponse(error, status, headers={"connection": "close"})(scope, receive, send)
        finally:
            ended = True  # a disconnect noticed from now on must not cancel the server's task
            watch.remove_done_callback(client_left)
            watch.cancel()
            if cancelled:
                request.uncancel()  # this middleware's cancel, spent: the server's task goes on
