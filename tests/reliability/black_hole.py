"""A TCP listener that accepts connections and never answers: a hung Redis or Postgres.

A killed server refuses connections and every client notices at once; a server
that accepts and then says nothing (frozen, behind a broken proxy, a full
network path) is what only a client's own timeouts survive. The listener runs
in a thread, so it holds its connections whatever the test's event loop does.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType


class BlackHole:
    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=512)
        self.port: int = self._listener.getsockname()[1]
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="black-hole", daemon=True)

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self) -> BlackHole:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _accept(self) -> None:
        self._listener.settimeout(0.1)
        while not self._closed.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._held.append(conn)  # kept open, never read, never written
            self.accepted += 1

    def close(self) -> None:
        self._closed.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._listener.close()
        for conn in self._held:
            conn.close()
