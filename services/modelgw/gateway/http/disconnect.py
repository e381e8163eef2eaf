"""Cancel an HTTP request's work as soon as its client disconnects.

Starlette cancels a streamed response whose client left, but only once the
response has started; it never cancels an endpoint that is still working: a
unary request, or a stream before its first token (routing happens there).
Left alone, that work runs to the backend's timeout and is then retried,
paid upstream work for nobody. Here the request runs in a task of its own
while the connection is watched: the client's `http.disconnect` cancels the
task, and cancellation reaches the backend call (the engine neither retries
nor falls back on it), and the pipeline audits the request as CANCELLED
because the client went away.

The server cancels this task itself only at shutdown, once the grace period
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
        started = answered = False

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

        work = asyncio.ensure_future(self.app(scope, app_receive, app_send))
        watch = asyncio.ensure_future(_disconnected(receive))
        try:
            await asyncio.wait({work, watch}, return_when=asyncio.FIRST_COMPLETED)
            if not work.done() and not answered:
                gone.set()
                work.cancel()
            await asyncio.wait({work})
        except asyncio.CancelledError:  # the shutdown cuts the request off: pass it on
            work.cancel()
            await asyncio.wait({work})
            if started:
                return  # mid-answer: the server closes the connection under it
            status, error = describe(_CUT_OFF)
            await JSONResponse(error, status, headers={"connection": "close"})(scope, receive, send)
            return
        finally:
            watch.cancel()
        if not gone.is_set() or not work.cancelled():
            work.result()  # the app's own outcome, its errors included
