"""`modelgw tenants ...` and `modelgw keys create|list|rotate|expire|revoke`: the admin API.

Every command is a call to the `Control` service with an admin API key read
from an environment variable (never from the command line, where it would
land in shell history and process listings). The address comes from
`--address`, else from `--config` (`services.control_address`, else the
public `server.grpc_address`, where `modelgw serve` offers Control too).
`modelgw control migrate --config F` applies the control schema's migrations.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from modelgw.api.v1 import control_pb2, control_pb2_grpc
from modelgw.common.config import load_config

API_KEY_ENV = "MODELGW_API_KEY"
DEFAULT_ADDRESS = "127.0.0.1:50051"
_Metadata = tuple[tuple[str, str], ...]
if TYPE_CHECKING:
    Stub = control_pb2_grpc.ControlAsyncStub
    Command = Callable[[Stub, argparse.Namespace, _Metadata], Awaitable[int]]
_DURATION = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _say(text: str) -> None:
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


def _when(stamp: Timestamp) -> str:
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
            _say(f"modelgw: {exc.code().name}: {exc.details()}")
            code = 1
        raise SystemExit(code)

    return run


# -- tenants -----------------------------------------------------------------------------------
async def _apply(stub: Stub, args: argparse.Namespace, md: _Metadata) -> int:
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


async def _get(stub: Stub, args: argparse.Namespace, md: _Metadata) -> int:
    found = await stub.GetTenant(
        control_pb2.GetTenantRequest(tenant=args.tenant, version=args.version), metadata=md
    )
    if args.output == "json":
        print(json.dumps({"tenant": found.tenant, **json.loads(found.document_json)}, indent=2))
    else:
        print(f"# version {found.version} by {found.created_by} at {_when(found.created_at)}")
        print(found.document_yaml, end="")
    return 0


async def _list(stub: Stub, args: argparse.Namespace, md: _Metadata) -> int:
    reply = await stub.ListTenants(control_pb2.ListTenantsRequest(), metadata=md)
    print(f"{'TENANT':<24} {'VERSION':>7} {'KEYS':>4}  {'UPDATED':<25} BY")
    for t in reply.tenants:
        print(
            f"{t.name:<24} {t.version:>7} {t.api_keys:>4}  {_when(t.updated_at):<25} {t.updated_by}"
        )
    return 0


async def _history(stub: Stub, args: argparse.Namespace, md: _Metadata) -> int:
    reply = await stub.TenantHistory(
        control_pb2.TenantHistoryRequest(tenant=args.tenant, limit=args.limit), metadata=md
    )
    print(f"{'VERSION':>7}  {'SOURCE':<8} {'WHEN':<25} {'BY':<24} MESSAGE")
    for v in reply.versions:
        source = f"{v.source}:{v.based_on}" if v.based_on else v.source
        print(
            f"{v.version:>7}  {source:<8} {_when(v.created_at):<25} {v.created_by:<24} {v.message}"
        )
    return 0


async def _diff(stub: Stub, args: argparse.Namespace, md: _Metadata) -> int:
    reply = await stub.DiffTenant(
        control_pb2.DiffTenantRequest(
            tenant=args.tenant, from_version=args.from_version, to_version=args.to_version
        ),
        metadata=md,
    )
    print(reply.diff or f"versions {args.from_version} and {args.to_version} are the same", end="")
    return 0


async def _rollback(stub: Stub, args: argparse.Namespace, md: _Metadata) -> int:
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


# -- keys --------------------------------------------------------------------------------------
def _print_keys(keys: list[control_pb2.ApiKeyInfo]) -> None:
    print(f"{'KEY':<20} {'GEN':>3} {'STATE':<9} {'ROLES':<20} {'SHA256':<13} {'EXPIRES':<25} BY")
    for k in keys:
        roles = ",".join(k.roles)
        print(
            f"{k.key_id:<20} {k.generation:>3} {k.state:<9} {roles:<20} {k.sha256_prefix:<13} "
            f"{_when(k.expires_at):<25} {k.created_by}"
        )


def _print_secret(issued: control_pb2.IssuedApiKey) -> None:
    info = issued.info
    print(f"key:    {issued.key}")
    roles = ",".join(info.roles)
    print(f"id:     {info.tenant}/{info.key_id} (generation {info.generation}), roles {roles}")
    if info.HasField("expires_at"):
        print(f"expires {_when(info.expires_at)}")
    _say("This is the only time the key is shown; only its SHA-256 is stored.")


async def _key_create(stub: Stub, args: argparse.Namespace, md: _Metadata) -> int:
    issued = await stub.CreateApiKey(
        control_pb2.CreateApiKeyRequest(
            tenant=args.tenant,
            key_id=args.key_id,
            roles=args.role or [],
            expires_in_s=args.expires_in or 0,
            message=args.message,
        ),
        metadata=md,
    )
    _print_secret(issued)
    return 0


async def _key_list(stub: Stub, args: argparse.Namespace, md: _Metadata) -> int:
    reply = await stub.ListApiKeys(control_pb2.ListApiKeysRequest(tenant=args.tenant), metadata=md)
    _print_keys(list(reply.keys))
    return 0


async def _key_rotate(stub: Stub, args: argparse.Namespace, md: _Metadata) -> int:
    request = control_pb2.RotateApiKeyRequest(
        tenant=args.tenant, key_id=args.key_id, message=args.message
    )
    if args.grace is not None:
        request.grace_s = args.grace
    issued = await stub.RotateApiKey(request, metadata=md)
    _print_secret(issued)
    return 0


async def _key_expire(stub: Stub, args: argparse.Namespace, md: _Metadata) -> int:
    request = control_pb2.ExpireApiKeyRequest(
        tenant=args.tenant, key_id=args.key_id, message=args.message
    )
    if args.at or args.expire_in is not None:
        at = Timestamp()
        when = (
            datetime.fromisoformat(args.at)
            if args.at
            else datetime.now(UTC) + timedelta(seconds=args.expire_in)
        )
        at.FromDatetime(when if when.tzinfo else when.replace(tzinfo=UTC))
        request.at.CopyFrom(at)
    reply = await stub.ExpireApiKey(request, metadata=md)
    _print_keys(list(reply.keys))
    return 0


async def _key_revoke(stub: Stub, args: argparse.Namespace, md: _Metadata) -> int:
    reply = await stub.RevokeApiKey(
        control_pb2.RevokeApiKeyRequest(
            tenant=args.tenant, key_id=args.key_id, message=args.message
        ),
        metadata=md,
    )
    _print_keys(list(reply.keys))
    return 0


# -- argparse wiring ---------------------------------------------------------------------------
def _common(parser: argparse.ArgumentParser, command: Command) -> None:
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
    _common(apply, _apply)

    get = sub.add_parser("get", help="print a tenant's document")
    get.add_argument("tenant")
    get.add_argument("--version", type=int, default=0, help="default: the current one")
    get.add_argument(
        "-o", "--output", choices=("yaml", "json"), default="yaml", help="json: every field"
    )
    _common(get, _get)

    listing = sub.add_parser("list", help="tenants with their current version")
    _common(listing, _list)

    history = sub.add_parser("history", help="a tenant's versions, newest first")
    history.add_argument("tenant")
    history.add_argument("--limit", type=int, default=100)
    _common(history, _history)

    diff = sub.add_parser("diff", help="what changed between two versions")
    diff.add_argument("tenant")
    diff.add_argument("from_version", type=int)
    diff.add_argument("to_version", type=int)
    _common(diff, _diff)

    rollback = sub.add_parser("rollback", help="make an earlier version's document current again")
    rollback.add_argument("tenant")
    rollback.add_argument("--to", type=int, required=True, help="the version to go back to")
    rollback.add_argument("-m", "--message", default="")
    _common(rollback, _rollback)


def add_key_commands(keys: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`modelgw keys create|list|rotate|expire|revoke` beside the offline `keys new`."""
    create = keys.add_parser("create", help="issue a key (shown once)")
    create.add_argument("tenant")
    create.add_argument("key_id", help="stable, non-secret name; appears in audit records")
    create.add_argument(
        "--role", action="append", choices=("user", "auditor", "admin"), help="repeat; default user"
    )
    create.add_argument("--expires-in", type=seconds, help="e.g. 90d; default: no expiry")
    create.add_argument("-m", "--message", default="")
    _common(create, _key_create)

    listing = keys.add_parser(
        "list", help="a tenant's keys (declared in the config file, and issued)"
    )
    listing.add_argument("tenant")
    _common(listing, _key_list)

    rotate = keys.add_parser(
        "rotate", help="a new secret for a key; the old one works for the grace period"
    )
    rotate.add_argument("tenant")
    rotate.add_argument("key_id")
    rotate.add_argument("--grace", type=seconds, help="default: [control] rotation_grace_s")
    rotate.add_argument("-m", "--message", default="")
    _common(rotate, _key_rotate)

    expire = keys.add_parser("expire", help="set when a key stops working (default: now)")
    expire.add_argument("tenant")
    expire.add_argument("key_id")
    when = expire.add_mutually_exclusive_group()
    when.add_argument("--at", help="ISO 8601 time (UTC if no offset)")
    when.add_argument("--in", dest="expire_in", type=seconds, help="e.g. 7d")
    expire.add_argument("-m", "--message", default="")
    _common(expire, _key_expire)

    revoke = keys.add_parser("revoke", help="stop a key (every generation) now")
    revoke.add_argument("tenant")
    revoke.add_argument("key_id")
    revoke.add_argument("-m", "--message", default="")
    _common(revoke, _key_revoke)


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
    store = ControlStore.from_config(load_config(*args.config).control)

    async def run() -> None:
        try:
            await migrate(store.engine)
            print(f"control schema at revision {await current_revision(store.engine)}")
        finally:
            await store.engine.dispose()

    asyncio.run(run())
