"""Authenticate callers from gRPC metadata, and guard internal RPCs."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import Protocol

from modelgw.common.errors import PermissionDenied, Unauthenticated
from modelgw.control.directory import Principal, hash_api_key

INTERNAL_TOKEN_HEADER = "x-modelgw-internal-token"  # noqa: S105 - a header name

# What grpc.aio hands a servicer (`invocation_metadata()`), or a plain sequence of pairs.
Metadata = Iterable[tuple[str, str | bytes]]


class PrincipalResolver(Protocol):
    async def resolve(self, key_sha256: str) -> Principal | None: ...


def api_key_from_metadata(metadata: Metadata) -> str | None:
    for key, value in metadata:
        text = value.decode() if isinstance(value, bytes) else value
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


class InternalAuth:
    """Shared-token check for service-to-service RPCs (ingest, protect, key lookup)."""

    def __init__(self, token: str) -> None:
        if len(token) < 16:
            raise ValueError("the internal token must be at least 16 characters")
        self._token = token.encode()

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        return ((INTERNAL_TOKEN_HEADER, self._token.decode()),)

    def check(self, metadata: Metadata) -> None:
        for key, value in metadata:
            if key == INTERNAL_TOKEN_HEADER:
                given = value if isinstance(value, bytes) else value.encode()
                if hmac.compare_digest(given, self._token):
                    return
        raise PermissionDenied("internal RPC: missing or wrong internal token")
