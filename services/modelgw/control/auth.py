"""Authenticate callers from gRPC metadata (or HTTP headers) by their API key."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from modelgw.common.api_keys import hash_api_key
from modelgw.common.errors import Unauthenticated
from modelgw.common.tenant import Caller, Tenants
from modelgw.control.directory import Principal

# What grpc.aio hands a servicer (`invocation_metadata()`), or a plain sequence of pairs.
Metadata = Iterable[tuple[str, str | bytes]]


class PrincipalResolver(Protocol):
    async def resolve(self, key_sha256: str) -> Principal | None: ...


_KEY_HEADERS = frozenset({"authorization", "x-api-key"})


def _header_text(key: str, value: str | bytes) -> str:
    """A credential header as text. Only the two key headers are read at all: any other
    metadata (a `-bin` key carries arbitrary bytes) is never decoded here."""
    if isinstance(value, str):
        return value
    try:
        return value.decode("ascii")
    except UnicodeDecodeError:
        raise Unauthenticated(f"the `{key}` metadata must be ASCII text: `Bearer <key>`") from None


def api_key_from_metadata(metadata: Metadata) -> str | None:
    for key, value in metadata:
        if key not in _KEY_HEADERS:
            continue
        text = _header_text(key, value)
        if key == "authorization":
            scheme, _, credential = text.partition(" ")
            if scheme.lower() == "bearer" and credential.strip():
                return credential.strip()
        elif key == "x-api-key" and text.strip():
            return text.strip()
    return None


class Authenticator:
    """Turns a caller's API key into a `Principal`, or refuses with UNAUTHENTICATED."""

    def __init__(self, resolver: PrincipalResolver) -> None:
        self._resolver = resolver

    async def authenticate(self, metadata: Metadata) -> Principal:
        key = api_key_from_metadata(metadata)
        if key is None:
            raise Unauthenticated(
                "missing API key: send metadata `authorization: Bearer <key>` or `x-api-key: <key>`"
            )
        principal = await self._resolver.resolve(hash_api_key(key))
        if principal is None:
            raise Unauthenticated("unknown API key")
        return principal


class CallerAuthenticator:
    """The gateway's doors: the API key's principal, its tenant resolved into a `Caller`.

    The tenant is resolved here, once per request; an unknown one is refused here the
    same way for the gRPC and the HTTP door (see `Tenants.get`).
    """

    def __init__(self, keys: Authenticator, tenants: Callable[[], Tenants]) -> None:
        self._keys = keys
        self._tenants = tenants

    async def authenticate(self, metadata: Metadata) -> Caller:
        principal = await self._keys.authenticate(metadata)
        tenant = self._tenants().get(principal.tenant)
        return Caller(tenant=tenant, key_id=principal.key_id, roles=principal.roles)
