"""`CancelOnDisconnect` alone, with a scripted connection: who gets cancelled, and when.

The app runs in the server's own task; the middleware cancels that task when
the client leaves before the answer is complete, and must leave it exactly as
it found it afterwards (no cancellation pending, no error), whatever the app
did with the cancellation. A cancellation by the server (shutdown) is
answered with a 503 if nothing was sent yet.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from starlette.types import Message, Receive, Scope, Send

from modelgw.gateway.http.disconnect import CancelOnDisconnect

SCOPE: Scope = {"type": "http", "method": "POST", "path": "/", "headers": []}
START: Message = {"type": "http.response.start", "status": 200, "headers": []}
END: Message = {"type": "http.response.body", "body": b"done", "more_body": False}


class Connection:
    """The server's side: the request body, then `http.disconnect` once `leave()` is called."""

    def __init__(self) -> None:
        self.pending: list[Message] = [
            {"type": "http.request", "body": b"{", "more_body": True},
            {"type": "http.request", "body": b"}", "more_body": False},
        ]
        self.left = asyncio.Event()
        self.sent: list[Message] = []

    def leave(self) -> None:
        self.left.set()

    async def receive(self) -> Message:
        if self.pending:
            return self.pending.pop(0)
        await self.left.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        self.sent.append(message)


async def _served(connection: Connection, app: CancelOnDisconnect) -> None:
    """The middleware in a task of its own, as a server runs a request; asserts the task is
    left with no cancellation pending."""
    await app(SCOPE, connection.receive, connection.send)
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0


async def test_a_client_leaving_cancels_the_app_and_the_request_ends_quietly() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert (await receive())["body"] == b"{" and (await receive())["body"] == b"}"
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            seen.append("cancelled")
            assert (await receive())["type"] == "http.disconnect"  # what it reads from now on
            raise

    connection = Connection()
    request = asyncio.ensure_future(_served(connection, CancelOnDisconnect(app)))
    await asyncio.sleep(0.01)
    connection.leave()
    await asyncio.wait_for(request, 5)
    assert seen == ["cancelled"] and connection.sent == []


async def test_an_app_that_answers_despite_the_cancel_keeps_its_outcome() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            await send(START)  # e.g. a last word; nobody reads it
            await send(END)

    connection = Connection()
    request = asyncio.ensure_future(_served(connection, CancelOnDisconnect(app)))
    await asyncio.sleep(0.01)
    connection.leave()
    await asyncio.wait_for(request, 5)
    assert connection.sent == [START, END]


async def test_a_disconnect_after_the_answer_cancels_nothing() -> None:
    finished: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(START)
        await send(END)
        connection.leave()  # the server reports the end of the exchange, as uvicorn does
        await asyncio.sleep(0.05)  # work after the answer (an audit record) goes on
        finished.append("after the answer")

    connection = Connection()
    await asyncio.wait_for(_served(connection, CancelOnDisconnect(app)), 5)
    assert finished == ["after the answer"]


async def test_a_disconnect_noticed_after_the_app_returned_cancels_nothing() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(START)
        await send(END)

    connection = Connection()

    async def request() -> None:
        await _served(connection, CancelOnDisconnect(app))
        connection.leave()
        await asyncio.sleep(0.05)  # the server's own work after the app: not cancelled

    await asyncio.wait_for(request(), 5)


async def test_a_disconnect_landing_as_the_app_returns_cancels_nothing_after_it() -> None:
    """The watcher finishes in the same turn of the loop as the app (which sent nothing):
    its callback, already scheduled, runs after the middleware returned."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        connection.leave()
        await asyncio.sleep(0)  # the watcher reads the disconnect and finishes here

    connection = Connection()

    async def request() -> None:
        await _served(connection, CancelOnDisconnect(app))
        await asyncio.sleep(0.05)  # the server's own work after the app: not cancelled

    await asyncio.wait_for(request(), 5)


async def test_the_app_errors_pass_through() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise LookupError("a bug")

    with pytest.raises(LookupError):
        await _served(Connection(), CancelOnDisconnect(app))


@pytest.mark.parametrize("answering", [False, True], ids=["before", "mid-answer"])
async def test_a_shutdown_before_the_answer_is_a_503_and_mid_answer_just_ends(
    answering: bool,
) -> None:
    reached = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if answering:
            await send(START)
        reached.set()
        await asyncio.Event().wait()

    connection = Connection()
    request = asyncio.ensure_future(
        CancelOnDisconnect(app)(SCOPE, connection.receive, connection.send)
    )
    await reached.wait()
    request.cancel()  # the server, past its grace period
    await asyncio.wait_for(request, 5)  # the middleware answers; it does not re-raise
    if answering:
        assert connection.sent == [START]
        return
    start, body = connection.sent
    assert start["status"] == 503 and (b"connection", b"close") in start["headers"]
    assert json.loads(body["body"])["error"]["code"] == "service_unavailable"


async def test_a_client_gone_before_the_body_is_whole_starts_nothing() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("started without a whole body")

    connection = Connection()
    connection.pending = connection.pending[:1]
    connection.leave()
    await _served(connection, CancelOnDisconnect(app))
