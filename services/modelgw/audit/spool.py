"""The gateway's durable audit spool: an append-only log of records on local disk.

`append` returns only after the record is written and fsynced, so a request
is never acknowledged as audited on the strength of memory alone. Concurrent
appends share one fsync (group commit). The spool is a directory of segment
files of length-prefixed, CRC-checked frames plus a `cursor` file saying how
far the sender has delivered; fully delivered segments are deleted. A
process holds the directory with an exclusive lock, so two gateways never
interleave in one spool.

Frames: 4-byte big-endian payload length, 4-byte CRC-32 of the payload, payload.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import struct
import time
import zlib
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from modelgw.audit.disk_thread import DiskThread

log = logging.getLogger(__name__)

_HEADER = struct.Struct(">II")
_MAX_FRAME = 64 * 1024 * 1024
_READ_CHUNK = 4 * 1024 * 1024


class SpoolLocked(RuntimeError):
    """Another process holds this spool directory."""


@dataclass(frozen=True, slots=True, order=True)
class Position:
    segment: int
    offset: int


def _segment_name(number: int) -> str:
    return f"seg-{number:012d}.log"


def frame(payload: bytes) -> bytes:
    return _HEADER.pack(len(payload), zlib.crc32(payload)) + payload


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _valid_length(data: bytes) -> int:
    """How many leading bytes of `data` are whole, intact frames."""
    offset = 0
    while offset + _HEADER.size <= len(data):
        length, crc = _HEADER.unpack_from(data, offset)
        end = offset + _HEADER.size + length
        if length > _MAX_FRAME or end > len(data) or zlib.crc32(data[offset + 8 : end]) != crc:
            break
        offset = end
    return offset


class Spool:
    def __init__(self, directory: Path, segment_bytes: int) -> None:
        self.directory = directory
        self._segment_bytes = segment_bytes
        self._lock_fd: int | None = None
        self._fd: int | None = None
        self._active = 0
        self._sizes: dict[int, int] = {}
        """Durable size of every segment on disk, by number."""
        self.cursor = Position(1, 0)
        self._pending: list[tuple[bytes, asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._disk = DiskThread(f"audit-spool-{directory.name}")
        """Where writes and their fsync run, off the event loop."""
        self._pending_since = 0.0
        self.data_ready = asyncio.Event()
        self._written: deque[tuple[Position, float]] = deque()
        """(end of a flushed batch, when its first record was appended), oldest first, for
        every batch not yet delivered: how old the oldest unsent record is."""

    # -- opening ----------------------------------------------------------------------------
    def open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock_fd = os.open(self.directory / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            self._lock_fd = None
            raise SpoolLocked(
                f"audit spool {self.directory} is in use by another process"
            ) from None
        self.cursor = self._read_cursor()
        for path in sorted(self.directory.glob("seg-*.log")):
            number = int(path.stem.removeprefix("seg-"))
            if number < self.cursor.segment:
                path.unlink()
                continue
            self._sizes[number] = path.stat().st_size
        self._active = max(self._sizes, default=self.cursor.segment)
        path = self.directory / _segment_name(self._active)
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        intact = _valid_length(path.read_bytes())
        if intact != os.fstat(self._fd).st_size:
            log.warning("audit spool %s: dropping a torn write at its end", path.name)
            os.ftruncate(self._fd, intact)
            os.fsync(self._fd)
        self._sizes[self._active] = intact
        _fsync_dir(self.directory)
        self._disk.start()
        if self.pending_bytes():
            self._written.append((Position(self._active, intact), time.monotonic()))
            self.data_ready.set()

    def _read_cursor(self) -> Position:
        try:
            segment, offset = (self.directory / "cursor").read_text().split()
            return Position(int(segment), int(offset))
        except FileNotFoundError:
            return Position(1, 0)

    def close(self) -> None:
        """Release the directory; an empty spool removes its files (nothing left to deliver)."""
        self._disk.stop()  # after a write in progress, if any
        if self._fd is not None and self._lock_fd is not None and not self.pending_bytes():
            for path in self.directory.glob("seg-*.log"):
                path.unlink()
            (self.directory / "cursor").unlink(missing_ok=True)
            (self.directory / "lock").unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                self.directory.rmdir()
        for fd in (self._fd, self._lock_fd):
            if fd is not None:
                os.close(fd)
        self._fd = self._lock_fd = None

    # -- writing ----------------------------------------------------------------------------
    def oldest_unsent_age(self) -> float:
        """Seconds since the oldest undelivered record was appended; 0 when all are
        delivered. Records found at start count from the start."""
        if not self._written:
            return 0.0
        return time.monotonic() - self._written[0][1]

    def pending_bytes(self) -> int:
        """Bytes written but not yet delivered."""
        total = sum(size for number, size in self._sizes.items() if number >= self.cursor.segment)
        return total - self.cursor.offset

    async def append(self, payload: bytes) -> None:
        """Write one record durably; returns after fsync. Raises OSError if the disk fails."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if not self._pending:
            self._pending_since = time.monotonic()
        self._pending.append((frame(payload), future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        # A caller that is cancelled must not cancel the write other callers share.
        await asyncio.shield(future)

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            since = self._pending_since
            data = b"".join(f for f, _ in batch)
            try:
                number, size = await self._disk.run(self._write_durable, data)
            except Exception as exc:  # OSError mostly; every waiter gets it, none hangs
                for _, future in batch:
                    future.set_exception(exc)
                continue
            self._sizes[number] = size
            self._written.append((Position(number, size), since))
            for _, future in batch:
                future.set_result(None)
            self.data_ready.set()

    def _write_durable(self, data: bytes) -> tuple[int, int]:
        """Runs on the spool's disk thread, one at a time (only `_flush` calls it)."""
        assert self._fd is not None, "spool is not open"
        size = os.fstat(self._fd).st_size
        if size and size + len(data) > self._segment_bytes:
            os.fsync(self._fd)
            os.close(self._fd)
            self._active += 1
            path = self.directory / _segment_name(self._active)
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            _fsync_dir(self.directory)
            size = 0
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        os.fsync(self._fd)
        return self._active, size + len(data)

    # -- reading (the sender) --------------------------------------------------------------
    def read_batch(self, max_records: int) -> tuple[list[bytes], Position]:
        """Up to `max_records` undelivered payloads from the cursor, and the position after them."""
        payloads: list[bytes] = []
        position = self.cursor
        while len(payloads) < max_records:
            size = self._sizes.get(position.segment)
            if size is None:
                break
            if position.offset >= size:
                if position.segment >= self._active:
                    break
                position = Position(position.segment + 1, 0)
                continue
            path = self.directory / _segment_name(position.segment)
            with path.open("rb") as handle:
                handle.seek(position.offset)
                first = _HEADER.unpack(handle.read(_HEADER.size))[0]
                handle.seek(position.offset)
                want = max(_READ_CHUNK, _HEADER.size + first)
                data = handle.read(min(size - position.offset, want))
            offset = 0
            while len(payloads) < max_records and offset + _HEADER.size <= len(data):
                length, crc = _HEADER.unpack_from(data, offset)
                payload = data[offset + 8 : offset + 8 + length]
                if len(payload) != length or zlib.crc32(payload) != crc:
                    raise RuntimeError(
                        f"audit spool {path.name} is corrupt at byte {position.offset + offset}"
                    )
                payloads.append(payload)
                offset += _HEADER.size + length
            position = Position(position.segment, position.offset + offset)
        return payloads, position

    def ack(self, position: Position) -> None:
        """Everything before `position` is delivered: persist the cursor, drop old segments."""
        tmp = self.directory / "cursor.tmp"
        with tmp.open("w") as handle:
            handle.write(f"{position.segment} {position.offset}\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.directory / "cursor")
        self.cursor = position
        while self._written and self._written[0][0] <= position:
            self._written.popleft()
        for number in [n for n in self._sizes if n < position.segment]:
            (self.directory / _segment_name(number)).unlink(missing_ok=True)
            del self._sizes[number]
        _fsync_dir(self.directory)
        if not self.pending_bytes():
            self.data_ready.clear()
