"""`modelgw audit ...`: operator and compliance commands of the audit log.

Without a subcommand, `modelgw audit --config F` runs the audit service (see
`modelgw.cli`). Operator commands (`migrate`, `verify`, `checkpoint`,
`public-key`, `purge`, `hold`, `release`, `shred`, `dead-letters`) talk to
the database named in the config as the schema owner; `drain-spool` and
`wait-schema` serve the deployments (`spool_cli.py`). Compliance commands
(`query`, `get`, `export`) go through the `Audit` gRPC service with an
auditor API key read from an environment variable, never from the command
line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
from google.protobuf.json_format import MessageToDict
from sqlalchemy import select

from modelgw.api.v1 import audit_pb2, audit_pb2_grpc
from modelgw.audit.checkpoints import Signer, Verifier, checkpoint_heads, public_pem
from modelgw.audit.dead_letters_cli import add_dead_letter_commands, run_dead_letters
from modelgw.audit.migrate import current_revision, migrate
from modelgw.audit.pseudonyms import Pseudonyms
from modelgw.audit.raw import shred
from modelgw.audit.retention import HoldScope, place_hold, purge, release_hold
from modelgw.audit.spool_cli import add_spool_commands, drain_spool, wait_schema
from modelgw.audit.store import AuditStore
from modelgw.audit.tables import audit_records
from modelgw.audit.verify import verify_chain
from modelgw.common.channels import open_channel
from modelgw.common.config import ModelgwConfig, load_config
from modelgw.common.config.tls import ClientTls
from modelgw.common.errors import ModelgwError
from modelgw.common.tls_cli import add_client_tls_arguments, client_tls_from_args

if TYPE_CHECKING:
    from google.protobuf.timestamp_pb2 import Timestamp

API_KEY_ENV = "MODELGW_API_KEY"
_Metadata = tuple[tuple[str, str], ...]


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _config(args: argparse.Namespace) -> ModelgwConfig:
    if not getattr(args, "config", None):
        raise SystemExit(f"modelgw audit {args.audit_command}: --config is required")
    return load_config(*args.config)


async def _with_store(config: ModelgwConfig, work: Callable[[AuditStore], Awaitable[int]]) -> int:
    store = AuditStore.from_config(config.audit, maintenance=True)
    try:
        return await work(store)
    finally:
        await store.close()


def _pseudonyms(config: ModelgwConfig) -> Pseudonyms:
    """The key the gateway pseudonymised end users with (never a new one: it would match
    nothing)."""
    return Pseudonyms.from_config(config.audit, generate=False)


def _signer(config: ModelgwConfig) -> Signer | None:
    reference = config.audit.signing_key
    return Signer.from_reference(reference) if reference else None


# -- operator commands (database) ----------------------------------------------------------
async def _migrate(config: ModelgwConfig, store: AuditStore) -> int:
    await migrate(store.engine, list(config.tenants))
    print(f"audit schema at revision {await current_revision(store.engine)}")
    return 0


async def _tenants(store: AuditStore, only: str | None) -> list[str]:
    if only:
        return [only]
    async with store.engine.connect() as conn:
        rows = await conn.execute(select(audit_records.c.tenant).distinct())
        return sorted(r[0] for r in rows)


async def _verify(config: ModelgwConfig, store: AuditStore, args: argparse.Namespace) -> int:
    signer = _signer(config)
    verifier = Verifier.of(signer, config.audit.checkpoint_public_keys)
    failed = 0
    for tenant in await _tenants(store, args.tenant):
        async with store.engine.connect() as conn:
            report = await verify_chain(conn, tenant, verifier, args.from_seq, args.to_seq)
        state = "OK" if report.ok else "TAMPERED"
        print(
            f"{tenant}: {state} ({report.records_checked} records, "
            f"{report.checkpoints_checked} checkpoints)"
        )
        for note in report.notes:
            print(f"  note: {note}")
        for problem in report.problems:
            print(f"  {problem.kind}: {problem.detail}")
        failed += not report.ok
    if not verifier.keys:
        _say("modelgw: audit.signing_key is not set: checkpoint signatures were not checked")
    return 1 if failed else 0


async def _checkpoint(config: ModelgwConfig, store: AuditStore) -> int:
    signer = _signer(config)
    if signer is None:
        raise SystemExit("modelgw audit checkpoint: set audit.signing_key in the config")
    print(f"signed {await checkpoint_heads(store.engine, signer)} checkpoints")
    return 0


def _public_key(config: ModelgwConfig) -> int:
    signer = _signer(config)
    if signer is None:
        raise SystemExit("modelgw audit public-key: set audit.signing_key in the config")
    _say(f"key id {signer.key_id}; after a rotation, list it in audit.checkpoint_public_keys")
    print(public_pem(signer.public), end="")
    return 0


async def _purge(config: ModelgwConfig, store: AuditStore, args: argparse.Namespace) -> int:
    for tenant in await _tenants(store, args.tenant):
        days = config.audit.retention_for(tenant)
        if days is None:
            print(f"{tenant}: no retention configured, kept")
            continue
        result = await purge(
            store.engine, tenant, days, _signer(config), pseudonyms=_pseudonyms(config)
        )
        if result.held:
            print(f"{tenant}: under legal hold, nothing purged")
            continue
        print(f"{tenant}: purged {result.purged} records (through seq {result.through_seq})")
        if result.held_from_seq is not None:
            print(f"  stopped before seq {result.held_from_seq}: a legal hold covers it")
    return 0


def run_audit_command(args: argparse.Namespace) -> None:
    """Entry point of every `modelgw audit SUBCOMMAND`."""
    command = args.audit_command
    try:
        if command in {"query", "get", "export"}:
            code = asyncio.run(_compliance(args))
        elif command == "drain-spool":
            code = asyncio.run(drain_spool(_config(args), args))
        elif command == "wait-schema":
            code = asyncio.run(wait_schema(_config(args), args.timeout_s))
        else:
            config = _config(args)
            code = asyncio.run(_with_store(config, lambda store: _operator(config, store, args)))
    except ModelgwError as exc:
        _say(f"modelgw audit {command}: {exc.message}")
        code = 1
    raise SystemExit(code)


async def _operator(config: ModelgwConfig, store: AuditStore, args: argparse.Namespace) -> int:
    command = args.audit_command
    if command == "migrate":
        return await _migrate(config, store)
    if command == "verify":
        return await _verify(config, store, args)
    if command == "checkpoint":
        return await _checkpoint(config, store)
    if command == "public-key":
        return _public_key(config)
    if command == "purge":
        return await _purge(config, store, args)
    if command == "hold":
        scope = HoldScope(args.end_user, _instant(args.since), _instant(args.until))
        pseudonyms = _pseudonyms(config) if args.end_user else None
        hold_id = await place_hold(store.engine, args.tenant, args.reason, scope, pseudonyms)
        print(f"legal hold {hold_id} placed")
        return 0
    if command == "release":
        released = await release_hold(store.engine, args.hold_id)
        print(f"legal hold {args.hold_id} {'released' if released else 'not active'}")
        return 0 if released else 1
    if command == "dead-letters":
        return await run_dead_letters(store, args)
    if command == "shred":
        pseudonyms = _pseudonyms(config) if args.subject else None
        destroyed = await shred(store.engine, args.tenant, args.subject, pseudonyms)
        print(f"destroyed {destroyed} subject keys; their raw content is unreadable")
        return 0
    raise SystemExit(f"unknown audit command {command}")


# -- compliance commands (gRPC) -----------------------------------------------------------
def _instant(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _stamp(value: str | None) -> Timestamp | None:
    from google.protobuf.timestamp_pb2 import Timestamp

    instant = _instant(value)
    if instant is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(instant)
    return stamp


def _filter(args: argparse.Namespace) -> audit_pb2.QueryRecordsRequest:
    return audit_pb2.QueryRecordsRequest(
        since=_stamp(args.since),
        until=_stamp(args.until),
        end_user=args.end_user or "",
        model=args.model or "",
        provider=args.provider or "",
        entity_type=args.entity_type or "",
        decision=args.decision or "",
        status=args.status or "",
    )


def _target(args: argparse.Namespace) -> tuple[str, ClientTls | None]:
    """The Audit service's address and TLS: the options', else the config's.

    From the config, the audit service alone is reached like the services reach it
    (`services.client_tls`); the gateway's public port takes the `--tls-*` options.
    """
    tls = client_tls_from_args(args)
    if args.address:
        return str(args.address), tls
    config = _config(args)
    if config.services.audit_address:
        return config.services.audit_address, tls or config.services.client_tls
    return config.server.grpc_address, tls


async def _compliance(args: argparse.Namespace) -> int:
    key = os.environ.get(args.api_key_env, "")
    if not key:
        raise SystemExit(f"set ${args.api_key_env} to an API key with the auditor role")
    metadata = (("authorization", f"Bearer {key}"),)
    async with open_channel(*_target(args)) as channel:
        stub = audit_pb2_grpc.AuditStub(channel)
        try:
            if args.audit_command == "get":
                record = await stub.GetRecord(
                    audit_pb2.GetRecordRequest(request_id=args.request_id), metadata=metadata
                )
                print(json.dumps(MessageToDict(record), indent=2))
                return 0
            if args.audit_command == "query":
                return await _query(stub, args, metadata)
            return await _export(stub, args, metadata)
        except grpc.aio.AioRpcError as exc:
            _say(f"modelgw audit {args.audit_command}: {exc.code().name}: {exc.details()}")
            return 1


async def _query(
    stub: audit_pb2_grpc.AuditAsyncStub, args: argparse.Namespace, metadata: _Metadata
) -> int:
    request = _filter(args)
    request.page_size = min(args.limit, 1000)
    shown = 0
    while shown < args.limit:
        page = await stub.QueryRecords(request, metadata=metadata)
        for record in page.records[: args.limit - shown]:
            entities = ",".join(sorted({f.entity_type for f in record.trust.prompt_entities}))
            print(
                f"{record.started_at.ToDatetime(tzinfo=UTC).isoformat()}  {record.request_id}  "
                f"{record.end_user or '-'}  {record.model}  {record.route.backend or '-'}  "
                f"{record.status}  {','.join(record.policy_decisions) or '-'}  {entities or '-'}"
            )
            shown += 1
        if not page.next_page_token:
            break
        request.page_token = page.next_page_token
    _say(f"{shown} records")
    return 0


async def _export(
    stub: audit_pb2_grpc.AuditAsyncStub, args: argparse.Namespace, metadata: _Metadata
) -> int:
    formats = {"jsonl": audit_pb2.EXPORT_FORMAT_JSONL, "csv": audit_pb2.EXPORT_FORMAT_CSV}
    request = audit_pb2.ExportRequest(filter=_filter(args), format=formats[args.format])
    output = Path(args.output)
    partial = output.with_name(output.name + ".partial")
    done = total = 0
    with partial.open("wb") as handle:
        async for chunk in stub.Export(request, metadata=metadata):
            handle.write(chunk.data)
            done, total = chunk.records_done, chunk.records_total
            if sys.stderr.isatty() or args.progress:
                _progress(done, total)
    partial.replace(output)  # only a complete export gets the requested name
    _say(f"\nexported {done} of {total} records to {output}")
    return 0


def _progress(done: int, total: int, width: int = 30) -> None:
    share = done / total if total else 1.0
    bar = "#" * int(share * width)
    print(f"\r[{bar:<{width}}] {done}/{total} records", end="", file=sys.stderr, flush=True)


# -- argparse wiring ------------------------------------------------------------------------
def add_audit_commands(audit: argparse.ArgumentParser) -> None:
    """Add the optional subcommands to the `modelgw audit` parser."""
    commands = audit.add_subparsers(dest="audit_command", required=False, metavar="COMMAND")

    def command(name: str, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text)
        sub.add_argument(
            "--config",
            action="append",
            default=argparse.SUPPRESS,
            help="config file (TOML/YAML); repeat to layer files",
        )
        sub.set_defaults(func=run_audit_command)
        return sub

    command("migrate", "apply migrations; give every configured tenant an auditor scope role")
    verify = command("verify", "check hash chains and signed checkpoints; names broken records")
    verify.add_argument("--tenant", help="only this tenant (default: every tenant)")
    verify.add_argument("--from-seq", type=int)
    verify.add_argument("--to-seq", type=int)
    command("checkpoint", "sign the head of every tenant chain now")
    command("public-key", "print the public key of audit.signing_key (PEM)")
    purge_cmd = command("purge", "delete records past their tenant's retention (not if held)")
    purge_cmd.add_argument("--tenant")
    hold = command("hold", "place a legal hold: purges stop before the records it covers")
    hold.add_argument("--tenant", required=True)
    hold.add_argument("--reason", required=True)
    hold.add_argument("--end-user", help="only this end user's records (default: everyone's)")
    hold.add_argument("--since", help="only records started at or after (ISO 8601, UTC default)")
    hold.add_argument("--until", help="only records started before (ISO 8601, UTC default)")
    release = command("release", "release a legal hold")
    release.add_argument("hold_id", type=int)
    shred_cmd = command("shred", "destroy raw-content keys of one end user or a whole tenant")
    shred_cmd.add_argument("--tenant", required=True)
    shred_cmd.add_argument("--subject", help="end user id; omit to shred the whole tenant")
    add_dead_letter_commands(command)
    add_spool_commands(command)

    for name, text in (
        ("query", "list records matching filters"),
        ("get", "show one record"),
        ("export", "export matching records as JSONL or CSV"),
    ):
        sub = command(name, text)
        sub.add_argument("--address", help="Audit service address (default: from --config)")
        add_client_tls_arguments(sub)
        sub.add_argument(
            "--api-key-env", default=API_KEY_ENV, help="env var holding an auditor API key"
        )
        if name == "get":
            sub.add_argument("request_id")
            continue
        for flag in ("since", "until"):
            sub.add_argument(f"--{flag}", help="ISO 8601 time (UTC if no offset)")
        for flag in ("end-user", "model", "provider", "entity-type", "decision", "status"):
            sub.add_argument(f"--{flag}")
        if name == "query":
            sub.add_argument("--limit", type=int, default=100)
        else:
            sub.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
            sub.add_argument("--output", "-o", required=True)
            sub.add_argument("--progress", action="store_true", help="show progress when piped")
