"""`modelgw keys create|list|rotate|expire|revoke`: the keys lifecycle through the admin API.

`modelgw keys new` (in `modelgw.cli`) only makes a key and its hash offline,
for the config file; these commands go through the `Control` service like
`modelgw tenants` (same key variable, same address rules).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from google.protobuf.timestamp_pb2 import Timestamp

from modelgw.api.v1 import control_pb2
from modelgw.control.cli import Metadata, common_options, say, seconds, when

if TYPE_CHECKING:
    from modelgw.control.cli import Stub


def _print_keys(keys: list[control_pb2.ApiKeyInfo]) -> None:
    print(f"{'KEY':<20} {'GEN':>3} {'STATE':<9} {'ROLES':<20} {'SHA256':<13} {'EXPIRES':<25} BY")
    for k in keys:
        roles = ",".join(k.roles)
        print(
            f"{k.key_id:<20} {k.generation:>3} {k.state:<9} {roles:<20} {k.sha256_prefix:<13} "
            f"{when(k.expires_at):<25} {k.created_by}"
        )


def _print_secret(issued: control_pb2.IssuedApiKey) -> None:
    info = issued.info
    print(f"key:    {issued.key}")
    roles = ",".join(info.roles)
    print(f"id:     {info.tenant}/{info.key_id} (generation {info.generation}), roles {roles}")
    if info.HasField("expires_at"):
        print(f"expires {when(info.expires_at)}")
    say("This is the only time the key is shown; only its SHA-256 is stored.")


async def _key_create(stub: Stub, args: argparse.Namespace, md: Metadata) -> int:
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


async def _key_list(stub: Stub, args: argparse.Namespace, md: Metadata) -> int:
    reply = await stub.ListApiKeys(control_pb2.ListApiKeysRequest(tenant=args.tenant), metadata=md)
    _print_keys(list(reply.keys))
    return 0


async def _key_rotate(stub: Stub, args: argparse.Namespace, md: Metadata) -> int:
    request = control_pb2.RotateApiKeyRequest(
        tenant=args.tenant, key_id=args.key_id, message=args.message
    )
    if args.grace is not None:
        request.grace_s = args.grace
    issued = await stub.RotateApiKey(request, metadata=md)
    _print_secret(issued)
    return 0


async def _key_expire(stub: Stub, args: argparse.Namespace, md: Metadata) -> int:
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


async def _key_revoke(stub: Stub, args: argparse.Namespace, md: Metadata) -> int:
    reply = await stub.RevokeApiKey(
        control_pb2.RevokeApiKeyRequest(
            tenant=args.tenant, key_id=args.key_id, message=args.message
        ),
        metadata=md,
    )
    _print_keys(list(reply.keys))
    return 0


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
    common_options(create, _key_create)

    listing = keys.add_parser(
        "list", help="a tenant's keys (declared in the config file, and issued)"
    )
    listing.add_argument("tenant")
    common_options(listing, _key_list)

    rotate = keys.add_parser(
        "rotate", help="a new secret for a key; the old one works for the grace period"
    )
    rotate.add_argument("tenant")
    rotate.add_argument("key_id")
    rotate.add_argument("--grace", type=seconds, help="default: [control] rotation_grace_s")
    rotate.add_argument("-m", "--message", default="")
    common_options(rotate, _key_rotate)

    expire = keys.add_parser("expire", help="set when a key stops working (default: now)")
    expire.add_argument("tenant")
    expire.add_argument("key_id")
    when = expire.add_mutually_exclusive_group()
    when.add_argument("--at", help="ISO 8601 time (UTC if no offset)")
    when.add_argument("--in", dest="expire_in", type=seconds, help="e.g. 7d")
    expire.add_argument("-m", "--message", default="")
    common_options(expire, _key_expire)

    revoke = keys.add_parser("revoke", help="stop a key (every generation) now")
    revoke.add_argument("tenant")
    revoke.add_argument("key_id")
    revoke.add_argument("-m", "--message", default="")
    common_options(revoke, _key_revoke)
