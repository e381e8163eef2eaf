"""`modelgw audit drain-spool` and `modelgw audit wait-schema`: the deployment's helpers.

`drain-spool` delivers a gateway's audit spool while no gateway holds it: a
scaled-down StatefulSet pod's claim that still holds records (its gateway
could not reach the audit service during the whole termination grace), or a
volume recovered from a dead node. It delivers to the destination the config
names, exactly as the gateway would (ingest is idempotent, so a record the
gateway already delivered is counted as a duplicate, never stored twice),
and exits 0 only when the spool is empty.

`wait-schema` blocks until the audit schema is at the revision this build
expects, so a service whose database user may not migrate can start after
the migration Job (an init container) instead of failing in a restart loop.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import Callable

import grpc

from modelgw.audit.assembly import open_spool, spool_directory
from modelgw.audit.migrate import current_revision
from modelgw.audit.sender import BatchTarget, RemoteTarget, SpoolSender, StoreTarget
from modelgw.audit.spool import SpoolLocked
from modelgw.audit.store import HEAD_REVISION, AuditStore
from modelgw.common.channels import open_channel
from modelgw.common.config import ModelgwConfig
from modelgw.common.config.secrets import resolve_secret
from modelgw.common.internal_auth import InternalAuth

log = logging.getLogger(__name__)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def add_spool_commands(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """`command(name, help)` makes an operator subcommand of `modelgw audit`."""
    drain = command("drain-spool", "deliver a stopped gateway's audit spool; exit 0 when empty")
    drain.add_argument(
        "--directory",
        help="spool parent directory (default: audit.spool.directory of the config)",
    )
    drain.add_argument(
        "--timeout-s", type=float, default=300.0, help="give up (exit 1) after this long"
    )
    wait = command("wait-schema", "wait until `modelgw audit migrate` has run (exit 0)")
    wait.add_argument(
        "--timeout-s", type=float, default=600.0, help="give up (exit 1) after this long"
    )


async def drain_spool(config: ModelgwConfig, args: argparse.Namespace) -> int:
    directory = spool_directory(config, args.directory)
    if not directory.is_dir():
        print(f"no audit spool at {directory}: nothing to deliver")
        return 0
    try:
        spool = open_spool(config, args.directory)
    except SpoolLocked as exc:
        _say(f"modelgw audit drain-spool: {exc}; a running gateway delivers it itself")
        return 1
    channel: grpc.aio.Channel | None = None
    store: AuditStore | None = None
    target: BatchTarget
    try:
        pending = spool.pending_bytes()
        if config.services.audit_address:
            token = config.services.internal_token
            assert token is not None  # the schema requires it with a remote service
            channel = open_channel(config.services.audit_address, config.services.client_tls)
            target = RemoteTarget(
                channel,
                InternalAuth(resolve_secret(token)),
                timeout_s=30.0,
                max_request_bytes=config.server.max_message_bytes,
            )
        else:
            store = AuditStore.from_config(config.audit)
            await store.open_schema(
                migrate_now=config.audit.migrate_on_start, tenants=list(config.tenants)
            )
            target = StoreTarget(store)
        audit = config.audit.spool
        sender = SpoolSender(spool, target, audit.batch_size, audit.retry_max_s)
        task = asyncio.ensure_future(sender.run())
        try:
            done = await sender.drain(args.timeout_s)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        left = spool.pending_bytes()
        print(f"{directory}: delivered {pending - left} bytes, {left} left")
        return 0 if done else 1
    finally:
        spool.close()
        if channel is not None:
            await channel.close()
        if store is not None:
            await store.close()


async def wait_schema(config: ModelgwConfig, timeout_s: float) -> int:
    store = AuditStore.from_config(config.audit)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    revision: str | None = None
    try:
        while True:
            try:
                revision = await current_revision(store.engine)
            except Exception as exc:  # the database may not be up yet
                log.info("audit store not reachable yet: %s", type(exc).__name__)
                revision = None
            if revision == HEAD_REVISION:
                print(f"audit schema at revision {revision}")
                return 0
            if loop.time() >= deadline:
                _say(
                    f"modelgw audit wait-schema: schema at {revision or 'nothing'}, expected "
                    f"{HEAD_REVISION} after {timeout_s:.0f}s: has `modelgw audit migrate` run?"
                )
                return 1
            await asyncio.sleep(2.0)
    finally:
        await store.close()
