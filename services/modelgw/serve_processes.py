"""`modelgw serve` on several cores: N gateway processes on one port, one trust process.

One gateway process is one event loop, and that loop is the bottleneck of the request
path (issue 19's profile: ~100% of one core while the other idles). So `server.processes`
above 1 starts N gateway processes that all listen on the configured gRPC and HTTP ports
(SO_REUSEPORT: the kernel spreads new connections over them), each with its own pipeline,
audit sink and Audit/Control services, as `modelgw serve` has in one process.

They share one trust process, reached over a Unix socket in a private directory: the
detector pool holds spaCy and the gazetteers (about 220 MiB per detector process), and N
pools would multiply that, and the detection memo would be split N ways.

The state the gateways share must live outside them: audit and control stores on
Postgres (each SQLite file has one writer) and quota counters in Redis (in-process
counters would give every process a whole budget). `process_count` refuses the rest.

The supervisor (this module, in the process the user started) restarts nothing: when a
child dies it stops the others and exits non-zero, so the service manager or Kubernetes
restarts the whole set and the failure is seen, not hidden by a loop of restarts.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import secrets
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from multiprocessing.context import SpawnContext, SpawnProcess
from multiprocessing.synchronize import Event
from pathlib import Path

from modelgw.common.config import ConfigError, ModelgwConfig
from modelgw.common.config.quotas import QuotaStoreBackend

log = logging.getLogger(__name__)

TOKEN_ENV = "MODELGW_SERVE_INTERNAL_TOKEN"  # noqa: S105  # the variable's name, not a secret
"""Where the gateway processes and the trust process find their shared internal token: a
random one per `modelgw serve`, set in the supervisor's environment, which they inherit."""

STARTUP_TIMEOUT_S = 300.0
"""Longest a child may take to listen (the trust process loads spaCy and the gazetteers)."""

Plan = list[tuple[str, str]]


def usable_cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's count)."""
    return len(os.sched_getaffinity(0))


def shared_state_problems(config: ModelgwConfig) -> list[str]:
    """What keeps several gateway processes from sharing this config's state, if anything."""
    problems = []
    if not config.audit.url.startswith("postgresql"):
        problems.append("audit.url must be a Postgres database (a SQLite file has one writer)")
    if not config.control.url.startswith("postgresql"):
        problems.append("control.url must be a Postgres database (a SQLite file has one writer)")
    if config.quotas.store != QuotaStoreBackend.REDIS:
        problems.append(
            'quotas.store must be "redis" (in-process counters would give every gateway '
            "process a whole budget of its own)"
        )
    return problems


def process_count(config: ModelgwConfig) -> int:
    """How many gateway processes `modelgw serve` runs for `server.processes`."""
    wanted = config.server.processes
    problems = shared_state_problems(config)
    if wanted == "auto":
        if problems:
            log.info("server.processes = auto: one gateway process, as %s", "; ".join(problems))
            return 1
        return usable_cores()
    if wanted > 1 and problems:
        raise ConfigError(
            f"server.processes = {wanted} needs state the processes can share:\n  - "
            + "\n  - ".join(problems)
        )
    return wanted


def _offset_port(address: str | None, offset: int) -> str | None:
    """`host:port` moved up by `offset` ports: each process's own metrics listener."""
    if not address:
        return address
    host, _, port = address.rpartition(":")
    return f"{host}:{int(port) + offset}"


@dataclass(frozen=True)
class Layout:
    """The configs of the trust process (None with `server.process_trust = "own"`) and of
    each gateway process, and the trust socket."""

    trust_address: str
    trust: ModelgwConfig | None
    gateways: list[ModelgwConfig]


def layout(config: ModelgwConfig, processes: int, socket_dir: Path) -> Layout:
    """Split `config` into one trust process and `processes` gateway processes (with
    `server.process_trust = "own"`, gateway processes only, each with its trust layer).

    Each gateway spools audit records in a directory of its own (a spool has one owner):
    the first keeps `audit.spool.directory`, so a change from one process to several
    leaves nothing behind; the others take `<directory>.<n>`. Each process serves
    `/metrics` on `metrics.listen` moved up by its index (the gateways 0..N-1, the trust
    process N), since one shared port would show a different process at every scrape.
    """
    trust_address = f"unix:{socket_dir / 'trust.sock'}"
    token = f"env:{TOKEN_ENV}"
    trust_services = config.services.model_copy(
        update={"internal_token": token, "tls": None, "client_tls": None}
    )
    trust = config.model_copy(
        update={
            "services": trust_services,
            "server": config.server.model_copy(update={"health_address": None}),
            "metrics": config.metrics.model_copy(
                update={"listen": _offset_port(config.metrics.listen, processes)}
            ),
        }
    )
    shared = config.server.process_trust == "shared"
    gateway_services = config.services
    if shared:
        gateway_services = config.services.model_copy(
            update={"trust_address": trust_address, "internal_token": token, "client_tls": None}
        )
    gateways = []
    for index in range(processes):
        spool = config.audit.spool
        directory = spool.directory if index == 0 else f"{spool.directory}.{index}"
        audit = config.audit.model_copy(
            update={"spool": spool.model_copy(update={"directory": directory})}
        )
        metrics = config.metrics.model_copy(
            update={"listen": _offset_port(config.metrics.listen, index)}
        )
        gateways.append(
            config.model_copy(
                update={"services": gateway_services, "audit": audit, "metrics": metrics}
            )
        )
    return Layout(trust_address, trust if shared else None, gateways)


def _die_with(supervisor: int) -> None:
    """Have the kernel send this process SIGTERM when the supervisor dies, even by SIGKILL.

    Otherwise a killed supervisor (kill -9, the OOM killer) leaves its children serving,
    still bound to the shared ports, where a restarted set would share them with the stale
    processes. Linux only (PR_SET_PDEATHSIG); elsewhere the children outlive it.
    """
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(pr_set_pdeathsig, signal.SIGTERM) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != supervisor:  # it died before the line above took effect
        os.kill(os.getpid(), signal.SIGTERM)


def _child(
    config: ModelgwConfig,
    plan: Plan,
    http_address: str | None,
    log_level: int,
    ready: Event,
    supervisor: int,
) -> None:
    """A child's main: serve its plan until the supervisor's SIGTERM (or its death)."""
    # A group of its own: a terminal's Ctrl-C reaches the supervisor alone, which stops the
    # gateways before the trust process they still need for answers in flight.
    os.setpgrp()
    _die_with(supervisor)
    from modelgw.cli import serve_plan
    from modelgw.common import event_loop
    from modelgw.common.logs import configure_logging

    configure_logging(logging.getLevelName(log_level))
    event_loop.run(serve_plan(config, plan, http_address, reuse_port=True, ready=ready.set))


@dataclass
class _Child:
    name: str
    process: SpawnProcess
    ready: Event


def _start(
    context: SpawnContext, name: str, config: ModelgwConfig, plan: Plan, http: str | None
) -> _Child:
    ready = context.Event()
    level = logging.getLogger().level
    process = context.Process(
        target=_child,
        args=(config, plan, http, level, ready, os.getpid()),
        name=f"modelgw-{name}",
    )
    process.start()
    return _Child(name, process, ready)


class _Signals:
    """SIGTERM and SIGINT, noted and routed to a pipe that `wait` can watch with children."""

    def __init__(self) -> None:
        self.fd, write = os.pipe()
        os.set_blocking(write, False)
        signal.set_wakeup_fd(write)
        self.received: list[int] = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._note)

    def _note(self, number: int, _frame: object) -> None:
        self.received.append(number)

    def __bool__(self) -> bool:
        return bool(self.received)


class _StartAborted(Exception):
    """The start did not complete: a child died or hung, or a signal asked to stop."""


def _await_ready(children: list[_Child], signalled: _Signals) -> None:
    """Until every child listens; a child that dies or hangs on the way fails the start,
    and SIGTERM ends the wait (a slow start must not make the process unstoppable)."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    for child in children:
        while not child.ready.wait(0.2):
            if signalled:
                raise _StartAborted(f"stopped by a signal while {child.name} was starting")
            if not child.process.is_alive():
                raise _StartAborted(
                    f"{child.name} exited during startup (exit code {child.process.exitcode})"
                )
            if time.monotonic() > deadline:
                raise _StartAborted(f"{child.name} did not listen within {STARTUP_TIMEOUT_S:.0f} s")


def _stop(children: list[_Child], timeout_s: float) -> bool:
    """SIGTERM to each, then wait; True if all ended cleanly (the rest are killed)."""
    for child in children:
        if child.process.is_alive():
            child.process.terminate()
    clean = True
    for child in children:
        child.process.join(timeout_s)
        if child.process.is_alive():
            log.error("%s did not stop within %.0f s; killing it", child.name, timeout_s)
            child.process.kill()
            child.process.join()
            clean = False
        elif child.process.exitcode != 0:
            clean = False
    return clean


def supervise(
    config: ModelgwConfig, address: str, http_address: str | None, processes: int
) -> None:
    """Run the trust process and `processes` gateway processes until SIGTERM or a death."""
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads
    os.environ[TOKEN_ENV] = secrets.token_urlsafe(32)
    grace_s = config.server.drain_s + config.server.shutdown_grace_s + 30
    signalled = _Signals()
    with tempfile.TemporaryDirectory(prefix="modelgw-serve-") as sockets:
        parts = layout(config, processes, Path(sockets))
        trust: list[_Child] = []
        if parts.trust is not None:
            plan = [("trust", parts.trust_address)]
            trust.append(_start(context, "trust", parts.trust, plan, None))
        gateways: list[_Child] = []
        failed = False
        try:
            _await_ready(trust, signalled)
            plan = [("gateway", address), ("audit", address), ("control", address)]
            # The first alone, then the rest: it migrates the stores and, without
            # `audit.pseudonym_key`, generates the key in the state directory; processes
            # racing to do that would each write a key of their own.
            for n, gateway in enumerate(parts.gateways):
                gateways.append(_start(context, f"gateway-{n}", gateway, plan, http_address))
                if n == 0:
                    _await_ready(gateways, signalled)
            _await_ready(gateways, signalled)
            print(
                f"modelgw: {processes} gateway processes share {address}"
                f"{' and ' + http_address if http_address else ''}; "
                + ("one trust process" if trust else "each with its own trust layer"),
                file=sys.stderr,
                flush=True,
            )
            children = [*trust, *gateways]
            watched = [signalled.fd, *(c.process.sentinel for c in children)]
            while not signalled:
                wait(watched)
                dead = [c for c in children if not c.process.is_alive()]
                if dead and not signalled:
                    names = ", ".join(f"{c.name} (exit {c.process.exitcode})" for c in dead)
                    log.error("%s ended; stopping the others", names)
                    failed = True
                    break
        except _StartAborted as exc:
            log.error("%s", exc)
            failed = not signalled
        finally:
            # Gateways first: their requests in flight still need the trust process.
            clean = _stop(gateways, grace_s)
            clean = _stop(trust, grace_s) and clean
    if failed or not clean:
        raise SystemExit(1)
