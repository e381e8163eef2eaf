"""Detection on a pool of detector processes.

spaCy's NER holds the GIL for most of its work, so detector threads share about one core.
Here each worker is a process that answers units of work (`detection_plan`): texts in,
offsets back. A batch takes every idle worker and is split across them, so a lone long
message is read by several cores at once; under load each batch gets one worker. On Linux
the workers are forked from one process that loaded the model and does nothing else
(`detector_zygote`; never this one, whose gRPC and asyncio threads do not survive a fork):
they share its pages (a worker costs ~40 MiB instead of ~200) and a replacement starts in
milliseconds; if it dies, the next replacement starts another. Elsewhere each worker is a
fresh interpreter with its own copy (`detector_processes`).

Fail closed, and heal: a worker that misses the deadline is killed and a fresh one is
started in the background; one that dies mid-job is replaced the same way. Either way the
batch raises, and the engine refuses the request. Requests wait for a free worker only
until their deadline.

Recycle: a process whose memory only grows (spaCy's vocabulary keeps every new word) is
replaced after `recycle_after_texts` texts or above `recycle_above_rss_mib`. It keeps
serving while its successor starts; then the successor joins the idle workers and the old
one leaves once it is idle, so its batch in flight finishes. One at a time.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import queue
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection, wait

from modelgw.common.config.trust import TrustConfig
from modelgw.trust import detector_processes, forked_process
from modelgw.trust.detection import Detection
from modelgw.trust.detection_plan import (
    AnalysisItem,
    NerUnit,
    PatternUnit,
    RawSpan,
    Unit,
    finish,
    in_parts,
    joined,
    make_plan,
    shard,
    worth_cutting,
)
from modelgw.trust.detector_processes import DetectorStartError, WorkerProcess, ZygoteLost
from modelgw.trust.detector_worker import UnitRunnerFactory, build_detector
from modelgw.trust.ner import load_word_lists
from modelgw.trust.window_memo import NerWindowMemo

log = logging.getLogger(__name__)


class DetectorProcessLost(RuntimeError):
    """A detector process died or broke the protocol while working on a batch."""


class DetectionFailed(RuntimeError):
    """The detector raised inside its process (only the exception type comes back)."""


class DetectorPool:
    """`analyze_items` like `Detector`, on `config.workers` processes. Thread-safe."""

    def __init__(self, config: TrustConfig, *, factory: UnitRunnerFactory = build_detector) -> None:
        self._config = config
        self._config_json = config.model_dump_json()
        self._factory = factory
        self._deadline_s = config.deadline_ms / 1000
        self._idle: queue.Queue[WorkerProcess] = queue.Queue()
        self._live: set[WorkerProcess] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._job_ids = itertools.count(1)
        self.replaced = 0
        """Workers killed (missed the deadline) or found dead, and replaced."""
        self.recycled = 0
        """Workers retired for their count of texts or their memory, and replaced."""
        self._recycling = False
        self._recycle_after = config.recycle_after_texts
        self._recycle_above = config.recycle_above_rss_mib * 1024 * 1024
        self.windows = NerWindowMemo(config.ner_window_memo_entries)
        self._zygote: WorkerProcess | None = None
        """The process the workers are forked from (None: each worker is spawned)."""
        self._zygote_lock = threading.Lock()
        self._forking = config.fork_workers and forked_process.supported()
        try:  # no other thread yet: no lock
            if self._forking:  # the workers are forked once it is ready
                self._zygote = self._start_process("detector_zygote")
            starting = [] if self._forking else [self._spawn() for _ in range(config.workers)]
            load_word_lists()  # this process plans the work: read them while they start
            if self._zygote is not None:
                self._await_ready(self._zygote)
                starting = [self._spawn() for _ in range(config.workers)]
            for worker in starting:
                self._await_ready(worker)
        except BaseException:
            self.close()
            raise
        for worker in starting:
            self._idle.put(worker)

    # -- workers ----------------------------------------------------------------------
    def _spawn(self) -> WorkerProcess:
        """A new worker, started (`_await_ready` waits for it to serve)."""
        worker = self._fork() if self._forking else self._start_process("detector_worker")
        with self._lock:
            self._live.add(worker)
        return worker

    def _start_process(self, module: str) -> WorkerProcess:
        return detector_processes.start(module, self._config_json, self._factory)

    def _fork(self) -> WorkerProcess:
        """A worker forked by the zygote; a zygote that is gone is started again first."""
        with self._zygote_lock:
            if self._closed.is_set():
                raise DetectorStartError("the detector pool is closed")
            zygote = self._zygote
            if zygote is None or not zygote.alive():
                if zygote is not None:
                    log.warning("the detector zygote %s is gone; starting another", zygote.pid)
                    self._stop(zygote)
                    self._zygote = None
                zygote = self._zygote = self._start_process("detector_zygote")
                self._await_ready(zygote)  # `close` meanwhile stops it: this raises
            try:
                return detector_processes.fork(zygote, self._config.worker_start_timeout_s)
            except ZygoteLost:
                self._stop(zygote)
                self._zygote = None
                raise

    def _await_ready(self, worker: WorkerProcess) -> None:
        try:
            detector_processes.await_ready(worker, self._config.worker_start_timeout_s)
        except DetectorStartError:
            self._stop(worker)
            raise

    def _stop(self, worker: WorkerProcess) -> None:
        with self._lock:
            self._live.discard(worker)
            first = not worker.stopped
            worker.stopped = True
        if worker.alive():
            worker.process.kill()
        worker.join(5)
        if first:
            worker.close_handles()

    def _replace(self, worker: WorkerProcess, why: str) -> None:
        """Kill `worker` (it may be stuck in a detector) and start another in the background."""
        log.warning("replacing detector process %s: %s", worker.pid, why)
        with self._lock:
            self.replaced += 1
            worker.lost = True
        if worker.alive():
            worker.process.kill()
        if worker.retired:  # its successor already serves
            self._stop(worker)
            return
        threading.Thread(
            target=self._respawn, args=(worker,), name="trust-detector-respawn", daemon=True
        ).start()

    def _respawn(self, old: WorkerProcess) -> None:
        self._stop(old)
        delay = 0.5
        while not self._closed.is_set():
            try:
                worker = self._spawn()
                self._await_ready(worker)
            except DetectorStartError:
                if self._closed.is_set():
                    return  # closed while it started: `close` stopped it
                log.exception("a replacement detector process failed to start; retrying")
                self._closed.wait(delay)
                delay = min(delay * 2, 30.0)
                continue
            if self._closed.is_set():
                self._stop(worker)
                return
            self._idle.put(worker)
            return

    # -- recycling --------------------------------------------------------------------
    def _release(self, worker: WorkerProcess) -> None:
        """A worker finished its batch: idle again, recycled first if due, or gone."""
        due = (self._recycle_after and worker.texts >= self._recycle_after) or (
            self._recycle_above and worker.rss_bytes >= self._recycle_above
        )
        if due and not worker.retired:
            with self._lock:
                start = not self._recycling and not self._closed.is_set()
                self._recycling = self._recycling or start
            if start:
                threading.Thread(
                    target=self._recycle, args=(worker,), name="trust-detector-recycle", daemon=True
                ).start()
        # Under the lock `_recycle` retires under: once retired, a worker never goes back
        # idle, where `_retire_idle` may already have looked for it.
        with self._lock:
            retired = worker.retired
            if not retired:
                self._idle.put(worker)
        if retired:
            self._stop(worker)

    def _recycle(self, old: WorkerProcess) -> None:
        """Start `old`'s successor while `old` serves on, then take `old` out of service."""
        rss_mib = old.rss_bytes / 1024 / 1024
        try:
            try:
                worker = self._spawn()
                self._await_ready(worker)
            except DetectorStartError:
                if not self._closed.is_set():
                    log.exception("a detector process's successor failed to start")
                    self._closed.wait(5.0)  # the old one serves on; try again later
                return
            with self._lock:
                keep = not self._closed.is_set() and not old.lost
                old.retired = keep
                if keep:
                    self.recycled += 1
            if not keep:  # closing, or `old` died and `_respawn` replaces it
                self._stop(worker)
                return
            log.info(
                "detector process %s recycled after %d texts at %.0f MiB; %s serves instead",
                old.pid,
                old.texts,
                rss_mib,
                worker.pid,
            )
            self._idle.put(worker)
            self._retire_idle(old)
        finally:
            with self._lock:
                self._recycling = False

    def _retire_idle(self, old: WorkerProcess) -> None:
        """Stop `old` now if it is idle (if busy, `_release` stops it after its batch)."""
        idle = self._take_idle()
        for worker in idle:
            if worker is not old:
                self._idle.put(worker)
        if old in idle:
            with contextlib.suppress(OSError, ValueError):
                old.conn.send(("stop",))
            old.join(2.0)
            self._stop(old)

    def worker_pids(self) -> list[int]:
        with self._lock:
            return sorted(w.pid for w in self._live if w.pid)

    def zygote_pid(self) -> int | None:
        """The process the workers are forked from (it holds the shared pages), if any."""
        zygote = self._zygote
        return zygote.process.pid if zygote is not None else None

    # -- work -------------------------------------------------------------------------
    def analyze_items(self, items: Sequence[AnalysisItem]) -> list[list[Detection]]:
        """Detections per text; blocking. Raises on a dead, failing or late worker."""
        plan = make_plan(items, self._config.ner_scope)
        if not plan.units:
            return finish(plan, [], self._config.score_threshold)
        deadline = time.monotonic() + self._deadline_s

        def run_units(units: Sequence[Unit]) -> list[list[RawSpan]]:
            others = self._config.workers - 1  # processes a pattern unit may be cut over, besides
            patterns = sum(isinstance(u, PatternUnit) for u in units)
            workers = self._acquire(deadline, most=len(units) + patterns * others)
            if worth_cutting(units, len(workers)):  # idle processes to spare
                todo, origin = in_parts(units, len(workers))
            else:
                todo, origin = list(units), list(range(len(units)))
            groups = shard(todo, len(workers))
            for spare in workers[len(groups) :]:
                self._release(spare)
            found = self._run(workers[: len(groups)], groups, todo, deadline)
            return joined(found, origin, len(units))

        results = self.windows.run(plan, run_units)
        return finish(plan, results, self._config.score_threshold)

    def _acquire(self, deadline: float, most: int) -> list[WorkerProcess]:
        if self._closed.is_set():
            raise DetectionFailed("the detector pool is closed")
        try:
            workers = [self._idle.get(timeout=max(0.0, deadline - time.monotonic()))]
        except queue.Empty:
            raise TimeoutError("no detector process was free before the deadline") from None
        while len(workers) < most:
            try:
                workers.append(self._idle.get_nowait())
            except queue.Empty:
                break
        return workers

    def _run(
        self,
        workers: list[WorkerProcess],
        groups: list[list[int]],
        units: Sequence[Unit],
        deadline: float,
    ) -> list[list[RawSpan]]:
        job = next(self._job_ids)
        results: list[list[RawSpan]] = [[] for _ in units]
        pending: dict[Connection, tuple[WorkerProcess, list[int]]] = {}
        failure: Exception | None = None
        for worker, group in zip(workers, groups, strict=True):
            try:
                worker.conn.send(("run", job, [units[i] for i in group]))
            except (OSError, ValueError):
                self._replace(worker, "its pipe is closed")
                failure = failure or DetectorProcessLost("a detector process is gone")
                continue
            pending[worker.conn] = (worker, group)
        while pending:
            ready = wait(list(pending), timeout=max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            for conn in ready:
                worker, group = pending.pop(conn)  # type: ignore[call-overload]  # typeshed: wait() gives back what it was given, typed as any waitable
                read = sum(isinstance(units[i], NerUnit) for i in group)
                failure = self._collect(worker, job, group, read, results) or failure
        for worker, _ in pending.values():
            self._replace(worker, f"no answer within {self._config.deadline_ms} ms")
        if pending:
            raise TimeoutError("a detector process missed the deadline; it was replaced")
        if failure is not None:
            raise failure
        return results

    def _collect(
        self,
        worker: WorkerProcess,
        job: int,
        group: list[int],
        read: int,
        results: list[list[RawSpan]],
    ) -> Exception | None:
        """`read`: the group's texts (or windows) for the model, what recycling counts."""
        try:
            reply = worker.conn.recv()
        except (EOFError, OSError):
            worker.join(1)
            self._replace(worker, f"it {worker.exit_text()}")
            return DetectorProcessLost("a detector process died while analysing")
        if reply[0] == "ok" and reply[1] == job:
            for index, spans in zip(group, reply[2], strict=True):
                results[index] = spans
            worker.jobs += 1
            worker.texts += read
            worker.rss_bytes = reply[3]
            self._release(worker)
            return None
        if reply[0] == "error" and reply[1] == job:
            self._release(worker)
            return DetectionFailed(f"the detector raised {reply[2]}")
        self._replace(worker, "it answered out of protocol")
        return DetectorProcessLost("a detector process answered out of protocol")

    def _take_idle(self) -> list[WorkerProcess]:
        """Every idle worker, taken out of the idle queue."""
        idle: list[WorkerProcess] = []
        while True:
            try:
                idle.append(self._idle.get_nowait())
            except queue.Empty:
                return idle

    def close(self) -> None:
        """Stop every worker: idle ones are asked to exit, busy or starting ones are killed."""
        self._closed.set()
        idle = self._take_idle()
        with self._lock:
            busy = [w for w in self._live if w not in idle]
        zygote = self._zygote  # not under its lock: a zygote may be loading the model
        asked = [*idle, zygote] if zygote is not None else idle
        for worker in asked:
            with contextlib.suppress(OSError, ValueError):  # already gone: nothing to stop
                worker.conn.send(("stop",))
        for worker in busy:  # killed only: the thread that owns it sees EOF and stops it
            if worker.alive():
                worker.process.kill()
        for worker in busy:
            worker.join(5)
        give_up = time.monotonic() + 2.0
        for worker in asked:
            worker.join(max(0.0, give_up - time.monotonic()))
            self._stop(worker)
