"""Guard internal RPCs (trust, audit ingest, key resolution) with a shared token.

It lives in `common` because every service checks it and every client sends it;
none of them should import another service's package for that.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

from modelgw.common.errors import PermissionDenied

INTERNAL_TOKEN_HEADER = "x-modelgw-internal-token"  # noqa: S105 - a header name

Metadata = Iterable[tuple[str, str | bytes]]


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
