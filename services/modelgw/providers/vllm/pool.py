"""The workers serving one model: discovery, load, choice, ejection and probing.

Choice is least-load from each worker's GetLoads (running + waiting requests,
with KV-cache use breaking ties), corrected by the requests this gateway sent
since the last poll. Among workers whose load is close to the least, a
rendezvous hash of the conversation's shared part (all but the last message)
picks one, so requests sharing a long prefix (a system prompt, earlier turns)
land where that prefix is already in the KV cache.
A worker whose load is unknown (no answer yet, its last poll failed, or its
figures are old) counts as busier than every worker with a fresh report: an
unanswered poll is no evidence of an idle worker, and is often a swamped one.
When no worker has a fresh report (every poll timed out on a swamped host), the
last figures each worker gave, with our own requests in flight, still rank them:
zeros in their place would read a busy worker as idle.
A worker that fails repeatedly is ejected and probed until it answers again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import socket
import time
from dataclasses import dataclass, field

import grpc
from smg_grpc_proto.generated import vllm_engine_pb2

from modelgw.common.channels import open_channel
from modelgw.common.config.providers import VllmProvider
from modelgw.providers.vllm.engine_stub import VllmEngine, engine_stub

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Worker:
    address: str
    channel: grpc.aio.Channel
    stub: VllmEngine
    running: int = 0
    waiting: int = 0
    kv_usage: float = 0.0
    in_flight: int = 0
    """Requests from this gateway not finished yet."""
    in_flight_at_poll: int = 0
    reported_at: float | None = None
    """When `running`, `waiting` and `kv_usage` were read (`time.monotonic()`); None before
    the first GetLoads answer."""
    poll_failed: bool = False
    """The last poll got no answer: the figures above are only the last known ones."""
    failures: int = 0
    ejected: bool = False

    @property
    def load(self) -> float:
        """Reported queue plus what we sent since the report; KV use in [0, 1) breaks ties.

        Never less than our own requests in flight there: the engine reports the figures of
        its last step, which may predate requests it has not admitted yet.
        """
        unseen = max(0, self.in_flight - self.in_flight_at_poll)
        queued = max(self.running + self.waiting + unseen, self.in_flight)
        return queued + self.kv_usage

    def report(self, running: int, waiting: int, kv_usage: float, in_flight: int) -> None:
        """Figures from a GetLoads answer; `in_flight` is ours as the poll was sent."""
        self.running, self.waiting, self.kv_usage = running, waiting, kv_usage
        self.in_flight_at_poll = in_flight
        self.reported_at = time.monotonic()
        self.poll_failed = False

    def fresh(self, now: float, stale_after_s: float) -> bool:
        """Whether the figures are the worker's load now, not only the last ones it gave."""
        return (
            not self.poll_failed
            and self.reported_at is not None
            and now - self.reported_at <= stale_after_s
        )


def _close_later(channel: grpc.aio.Channel) -> asyncio.Future[None]:
    return asyncio.ensure_future(channel.close())


def _affinity(key: str, address: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{key}|{address}".encode(), digest_size=8).digest())


@dataclass
class WorkerPool:
    provider: str
    config: VllmProvider
    workers: dict[str, Worker] = field(default_factory=dict)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _informed: asyncio.Event = field(default_factory=asyncio.Event)

    def start(self) -> None:
        """Start discovery, load polling and probing; idempotent, needs a running loop."""
        if self._tasks:
            return
        for address in self.config.workers:
            self._add(address)
        if self.config.dns:
            self._tasks.append(asyncio.create_task(self._discover_loop()))
        self._tasks.append(asyncio.create_task(self._poll_loop()))

    @property
    def stale_after_s(self) -> float:
        """Age at which a load report counts as unknown: a round of polls ends within the
        slowest poll's timeout, so older figures mean the polls stopped or fell far behind."""
        return self.config.load_interval_s + 2 * self.config.connect_timeout_s

    async def wait_informed(self) -> None:
        """Until every worker has reported its load (or is ejected), at most connect_timeout_s.

        The first choice is informed then: a worker that missed the first round (a slow
        start, a stalled gateway) would count as busy, and one that is down is ejected
        after `eject_after_failures` rounds.
        """
        self.start()
        try:
            await asyncio.wait_for(self._informed.wait(), self.config.connect_timeout_s)
        except TimeoutError:
            unknown = [w.address for w in self.healthy() if w.reported_at is None]
            log.warning("%s: no load figures yet from %s", self.provider, ", ".join(unknown))

    def _add(self, address: str) -> None:
        if address in self.workers:
            return
        channel = open_channel(address, self.config.tls)
        self.workers[address] = Worker(address, channel, engine_stub(channel))
        log.info("%s: worker %s added", self.provider, address)

    async def _resolve(self) -> set[str]:
        assert self.config.dns is not None
        host, _, port = self.config.dns.rpartition(":")
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, int(port), type=socket.SOCK_STREAM
        )
        found = set()
        for family, _, _, _, sockaddr in infos:
            ip, ip_port = sockaddr[0], sockaddr[1]
            # (host, port, ...) for IPv4 and IPv6, all a host name resolves to.
            if isinstance(ip, str) and isinstance(ip_port, int):
                found.add(f"[{ip}]:{ip_port}" if family == socket.AF_INET6 else f"{ip}:{port}")
        return found

    async def _discover_loop(self) -> None:
        static = set(self.config.workers)
        while True:
            try:
                found = await self._resolve()
            except (OSError, ValueError) as exc:
                # Keep the workers we know: a DNS hiccup must not empty the pool.
                log.warning("%s: cannot resolve %s: %s", self.provider, self.config.dns, exc)
            else:
                for address in found:
                    self._add(address)
                for address in set(self.workers) - found - static:
                    worker = self.workers.pop(address)
                    log.info("%s: worker %s left the DNS answer", self.provider, address)
                    # In-flight calls keep the channel; close it once they are done.
                    asyncio.get_running_loop().call_later(60, _close_later, worker.channel)
            await asyncio.sleep(self.config.discovery_interval_s)

    async def _poll_one(self, worker: Worker) -> None:
        # Not tied to load_interval_s: a loaded gateway can take seconds to read an answer,
        # and a late answer is still a better figure than none.
        timeout = self.config.connect_timeout_s
        try:
            if worker.ejected:
                reply = await worker.stub.HealthCheck(
                    vllm_engine_pb2.HealthCheckRequest(), timeout=timeout
                )
                if not reply.healthy:
                    return
            in_flight = worker.in_flight
            loads = await worker.stub.GetLoads(vllm_engine_pb2.GetLoadsRequest(), timeout=timeout)
        except grpc.aio.AioRpcError as exc:
            worker.poll_failed = True
            self.record_failure(worker, f"poll failed: {exc.code().name}")
            return
        worker.report(
            running=sum(load.num_running_reqs for load in loads.loads),
            waiting=sum(load.num_waiting_reqs for load in loads.loads),
            kv_usage=max((load.token_usage for load in loads.loads), default=0.0),
            in_flight=in_flight,
        )
        if worker.ejected:
            log.info("%s: worker %s answers again; taking it back", self.provider, worker.address)
        worker.ejected = False
        worker.failures = 0

    async def _poll_loop(self) -> None:
        if self.config.dns:  # the first DNS answer, so the first poll sees those workers too
            for _ in range(50):
                if self.workers:
                    break
                await asyncio.sleep(0.1)
        while True:
            workers = list(self.workers.values())
            await asyncio.gather(*(self._poll_one(w) for w in workers))
            if all(w.ejected or w.reported_at is not None for w in workers):
                self._informed.set()
            interval = self.config.load_interval_s
            if any(w.ejected for w in workers):
                interval = min(interval, self.config.probe_interval_s)
            await asyncio.sleep(interval)

    def record_failure(self, worker: Worker, reason: str) -> None:
        worker.failures += 1
        if not worker.ejected and worker.failures >= self.config.eject_after_failures:
            worker.ejected = True
            log.warning(
                "%s: worker %s ejected after %d failures (%s)",
                self.provider,
                worker.address,
                worker.failures,
                reason,
            )

    def record_success(self, worker: Worker) -> None:
        worker.failures = 0

    def healthy(self) -> list[Worker]:
        return [w for w in self.workers.values() if not w.ejected]

    def choose(self, affinity_key: str) -> Worker | None:
        """The worker for a request sharing `affinity_key`; None when every worker is out."""
        candidates = self.healthy()
        if not candidates:
            return None
        now = time.monotonic()
        known = [w for w in candidates if w.fresh(now, self.stale_after_s)]
        # Unknown loads count as busy: they get traffic only when no load is known at all,
        # and then the last figures and our own requests in flight are all there is to go by.
        candidates = known or candidates
        least = min(w.load for w in candidates)
        close = [w for w in candidates if w.load <= least + self.config.load_tolerance]
        if self.config.affinity_prefix_chars and affinity_key:
            key = affinity_key[: self.config.affinity_prefix_chars]
            return max(close, key=lambda w: _affinity(key, w.address))
        return min(close, key=lambda w: (w.load, w.address))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        for worker in self.workers.values():
            await worker.channel.close()
        self.workers.clear()
