"""`modelgw tenants ...` and `modelgw control migrate`: the admin API from the command line.

Every command is a call to the `Control` service with an admin API key read
from an environment variable (never from the command line, where it would
land in shell history and process listings). The address comes from
`--address`, else from `--config` (`services.control_address`, else the
public `server.grpc_address`, where `modelgw serve` offers Control too).
`modelgw control migrate --config F` applies the control schema's migrations.
The keys commands (`modelgw keys create|list|rotate|expire|revoke`) are in
`modelgw.control.keys_cli`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from modelgw.api.v1 import control_pb2, control_pb2_grpc
from modelgw.common.config import load_config

API_KEY_ENV = "MODELGW_API_KEY"
DEFAULT_ADDRESS = "127.0.0.1:50051"
Metadata = tuple[tuple[str, str], ...]
if TYPE_CHECKING:
    Stub = control_pb2_grpc.ControlAsyncStub
    Command = Callable[[Stub, argparse.Namespace, Metadata], Awaitable[int]]
_DURATION = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def seconds(text: str) -> int:
    """`90s`, `15m`, `12h`, `30d`, or a plain number of seconds."""
    if text.isdigit():
        return int(text)
    match = _DURATION.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 90s, 15m, 12h, 30d)")
    return int(match.group(1)) * _UNITS[match.group(2)]


def _address(args: argparse.Namespace) -> str:
    if args.address:
        return str(args.address)
    if getattr(args, "config", None):
        config = load_config(*args.config)
        return config.services.control_address or config.server.grpc_address
    return DEFAULT_ADDRESS


def when(stamp: Timestamp) -> str:
    if not stamp.seconds and not stamp.nanos:
        return "-"
    return stamp.ToDatetime(tzinfo=UTC).isoformat(timespec="seconds")


def _run(command: Command) -> Callable[[argparse.Namespace], None]:
    def run(args: argparse.Namespace) -> None:
        key = os.environ.get(args.api_key_env, "").strip()
        if not key:
            raise SystemExit(f"set ${args.api_key_env} to an admin API key")
        metadata = (("authorization", f"Bearer {key}"),)

        async def call() -> int:
            async with grpc.aio.insecure_channel(_address(args)) as channel:
                return await command(control_pb2_grpc.ControlStub(channel), args, metadata)

        try:
            code = asyncio.run(call())
        except grpc.aio.AioRpcError as exc:
            say(f"modelgw: {exc.code().name}: {exc.details()}")
            code = 1
        raise SystemExit(code)

    return run


# -- tenants -----------------------------------------------------------------------------------
async def _apply(stub: Stub, args: argparse.Namespace, md: Metadata) -> int:
    for path in args.file:
        file = Path(path)
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                text = await asyncio.to_thread(file.read_text, encoding="utf-8")
        except OSError as exc:
            raise SystemExit(f"{path}: cannot read: {exc.strerror}") from None
        suffix = file.suffix.lstrip(".")
        reply = await stub.ApplyTenant(
            control_pb2.ApplyTenantRequest(
                document=text,
                format={"yml": "yaml"}.get(
                    suffix, suffix if suffix in {"yaml", "toml", "json"} else ""
                ),
                message=args.message,
                dry_run=args.dry_run,
                expected_version=args.expect_version,
                source_name=path,
            ),
            metadata=md,
        )
        for outcome in reply.outcomes:
            if outcome.diff:
                print(outcome.diff, end="" if outcome.diff.endswith("\n") else "\n")
            if not outcome.changed:
                print(f"{outcome.tenant}: unchanged at version {outcome.version}")
            elif outcome.dry_run:
                print(f"{outcome.tenant}: would become version {outcome.version} (dry run)")
            else:
                print(f"{outcome.tenant}: version {outcome.previous} -> {outcome.version}")
    return 0


async def _get(stub: Stub, args: argparse.Namespace, md: Metadata) -> int:
    found = await stub.GetTenant(
        control_pb2.GetTenantRequest(tenant=args.tenant, version=args.version), metadata=md
    )
    if args.output == "json":
        print(json.dumps({"tenant": found.tenant, **json.loads(found.document_json)}, indent=2))
    else:
        print(f"# version {found.version} by {found.created_by} at {when(found.created_at)}")
        print(found.document_yaml, end="")
    return 0


async def _list(stub: Stub, args: argparse.Namespace, md: Metadata) -> int:
    reply = await stub.ListTenants(control_pb2.ListTenantsRequest(), metadata=md)
    print(f"{'TENANT':<24} {'VERSION':>7} {'KEYS':>4}  {'UPDATED':<25} BY")
    for t in reply.tenants:
        print(
            f"{t.name:<24} {t.version:>7} {t.api_keys:>4}  {when(t.updated_at):<25} {t.updated_by}"
        )
    return 0


async def _history(stub: Stub, args: argparse.Namespace, md: Metadata) -> int:
    reply = await stub.TenantHistory(
        control_pb2.TenantHistoryRequest(tenant=args.tenant, limit=args.limit), metadata=md
    )
    print(f"{'VERSION':>7}  {'SOURCE':<8} {'WHEN':<25} {'BY':<24} MESSAGE")
    for v in reply.versions:
        source = f"{v.source}:{v.based_on}" if v.based_on else v.source
        print(
            f"{v.version:>7}  {source:<8} {when(v.created_at):<25} {v.created_by:<24} {v.message}"
        )
    return 0


async def _diff(stub: Stub, args: argparse.Namespace, md: Metadata) -> int:
    reply = await stub.DiffTenant(
        control_pb2.DiffTenantRequest(
            tenant=args.tenant, from_version=args.from_version, to_version=args.to_version
        ),
        metadata=md,
    )
    print(reply.diff or f"versions {args.from_version} and {args.to_version} are the same", end="")
    return 0


async def _rollback(stub: Stub, args: argparse.Namespace, md: Metadata) -> int:
    reply = await stub.RollbackTenant(
        control_pb2.RollbackTenantRequest(
            tenant=args.tenant, to_version=args.to, message=args.message
        ),
        metadata=md,
    )
    (outcome,) = reply.outcomes
    print(outcome.diff, end="")
    if outcome.changed:
        done = f"version {outcome.previous} -> {outcome.version}"
        print(f"{outcome.tenant}: {done} (the document of version {args.to})")
    else:
        print(f"{outcome.tenant}: version {outcome.version} is the document of {args.to} already")
    return 0


# -- argparse wiring ---------------------------------------------------------------------------
def common_options(parser: argparse.ArgumentParser, command: Command) -> None:
    parser.add_argument(
        "--address",
        help=f"Control service address (default: from --config, else {DEFAULT_ADDRESS})",
    )
    parser.add_argument("--config", action="append", help="config file to take the address from")
    parser.add_argument(
        "--api-key-env", default=API_KEY_ENV, help="env var holding an admin API key"
    )
    parser.set_defaults(func=_run(command))


def add_tenant_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tenants = commands.add_parser(
        "tenants", help="tenant documents: apply, get, list, history, diff, rollback"
    )
    sub = tenants.add_subparsers(dest="tenants_command", required=True)

    apply = sub.add_parser("apply", help="validate, diff and apply tenant documents (idempotent)")
    apply.add_argument(
        "-f", "--file", action="append", required=True, help="YAML/TOML/JSON file, - for stdin"
    )
    apply.add_argument("-m", "--message", default="", help="why (kept with who and when)")
    apply.add_argument("--dry-run", action="store_true", help="validate and show the diff only")
    apply.add_argument(
        "--expect-version", type=int, default=0, help="refuse unless the tenant is at this version"
    )
    common_options(apply, _apply)

    get = sub.add_parser("get", help="print a tenant's document")
    get.add_argument("tenant")
    get.add_argument("--version", type=int, default=0, help="default: the current one")
    get.add_argument(
        "-o", "--output", choices=("yaml", "json"), default="yaml", help="json: every field"
    )
    common_options(get, _get)

    listing = sub.add_parser("list", help="tenants with their current version")
    common_options(listing, _list)

    history = sub.add_parser("history", help="a tenant's versions, newest first")
    history.add_argument("tenant")
    history.add_argument("--limit", type=int, default=100)
    common_options(history, _history)

    diff = sub.add_parser("diff", help="what changed between two versions")
    diff.add_argument("tenant")
    diff.add_argument("from_version", type=int)
    diff.add_argument("to_version", type=int)
    common_options(diff, _diff)

    rollback = sub.add_parser("rollback", help="make an earlier version's document current again")
    rollback.add_argument("tenant")
    rollback.add_argument("--to", type=int, required=True, help="the version to go back to")
    rollback.add_argument("-m", "--message", default="")
    common_options(rollback, _rollback)


def add_control_commands(control: argparse.ArgumentParser) -> None:
    """`modelgw control migrate`: the optional subcommand of the `control` service."""
    commands = control.add_subparsers(dest="control_command", required=False, metavar="COMMAND")
    migrate = commands.add_parser("migrate", help="apply the control schema's migrations")
    migrate.add_argument("--config", action="append", default=argparse.SUPPRESS, help="config file")
    migrate.set_defaults(func=_migrate)


def _migrate(args: argparse.Namespace) -> None:
    from modelgw.control.migrate import current_revision, migrate
    from modelgw.control.store import ControlStore

    if not getattr(args, "config", None):
        raise SystemExit("modelgw control migrate: --config is required")
    store = ControlStore.from_config(load_config(*args.config).control, maintenance=True)

    async def run() -> None:
        try:
            await migrate(store.engine)
            print(f"control schema at revision {await current_revision(store.engine)}")
        finally:
            await store.engine.dispose()

    asyncio.run(run())
