"""A detector process that loads the model once and forks the workers that use it.

Started by `process_pool` as `python -m modelgw.trust.detector_zygote FD`, a
fresh interpreter like a spawned worker (the gateway's own process runs asyncio
and gRPC threads and must never fork). It builds the detector, hands the C
heap's free pages back, freezes what it built out of the garbage collector's
reach, and then does nothing but fork: each ("fork",) on its socket makes a
child that serves the worker protocol (`detector_worker.answer`) on a socket
of its own, whose other end comes back to the pool with the child's pid.

Why: a detector process is ~200 MiB, nearly all of it the spaCy model, the
name and place lists and the interpreter's imports, read and never written.
Forked children share those pages with this process and each other; a child
owns only what it writes (its requests, spaCy's vocabulary growing with new
words: ~20 MiB after 200 texts). So a second worker costs ~40 MiB instead of
~200, and a replacement (a deadline kill, a recycle) is ready in milliseconds
instead of the seconds a model load takes. `gc.freeze` matters: without it the
collector's passes write to every object's header and unshare the pages.

Children are reaped by the kernel (SIGCHLD ignored): the pool watches each
one through a pidfd (`forked_process`), not as its parent.
"""

from __future__ import annotations

import gc
import os
import signal
import socket
import sys
from multiprocessing.connection import Connection
from multiprocessing.reduction import send_handle

from modelgw.trust.detector_worker import (
    UnitRunner,
    answer,
    build,
    exit_quietly,
    release_freed_heap,
)


def serve(conn: Connection) -> None:
    """Protocol: as a worker's start (`detector_worker.build`), then ("ready", pid); then
    each ("fork",) is answered ("forked", pid) followed by the child's socket (a passed
    descriptor), until ("stop",) or a closed socket."""
    runner = build(conn)
    if runner is None:
        return
    release_freed_heap()
    gc.collect()
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the children
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the pool is gone; the children see their own sockets close
        if message[0] != "fork":
            return
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            _child(conn, ours, theirs, runner)
        theirs.close()
        try:
            conn.send(("forked", pid))
            send_handle(conn, ours.fileno(), 0)
        except OSError:
            return
        finally:
            ours.close()


def _child(
    zygote: Connection, ours: socket.socket, theirs: socket.socket, runner: UnitRunner
) -> None:
    """In the forked child: drop the zygote's descriptors, serve the pool on `theirs`, exit."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        zygote.close()  # the zygote must see EOF when the pool closes its socket
        ours.close()
        answer(Connection(theirs.detach()), runner)
    finally:
        exit_quietly()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as `detector_worker.main`
    serve(Connection(int(sys.argv[1])))
    exit_quietly()


if __name__ == "__main__":
    main()
