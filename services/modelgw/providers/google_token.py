"""Google access tokens, refreshed by google-auth: from a service-account key file in
config, or from Application Default Credentials when the config names none.

A key file named in config must be a service account (google-auth warns
against loading arbitrary credential types from configuration). Without one,
`google.auth.default()` finds what the platform provides: GKE Workload
Identity and other metadata-server identities, or the file an operator put
in GOOGLE_APPLICATION_CREDENTIALS (which may also be an external account for
workload identity federation).

google-auth refreshes through a synchronous transport; this one uses a
private httpx client (no environment proxies, no redirects) and runs in a
worker thread so the event loop never blocks. The token endpoint comes from
the credentials file, i.e. from config. One refresh at a time per backend.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import google.auth
import google.auth.exceptions
import google.auth.transport
import grpc
import httpx
from google.oauth2 import service_account

from modelgw.common.config.secrets import SecretResolutionError, resolve_secret
from modelgw.providers.transport.errors import ProviderError

SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)


class _Response(google.auth.transport.Response):
    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        return self._response.headers

    @property
    def data(self) -> bytes:
        return self._response.content


class HttpxAuthTransport(google.auth.transport.Request):
    """google-auth's transport interface over a synchronous httpx client."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> _Response:
        try:
            response = self._client.request(
                method, url, content=body, headers=dict(headers or {}), timeout=timeout or 30.0
            )
        except httpx.HTTPError as exc:
            raise google.auth.exceptions.TransportError(str(exc)) from exc  # type: ignore[no-untyped-call]  # google-auth leaves it unannotated
        return _Response(response)


class GoogleTokenSource:
    def __init__(self, backend: str, credentials_ref: str | None) -> None:
        self._backend = backend
        self._credentials: Any
        if credentials_ref is None:
            try:
                self._credentials, _ = google.auth.default(scopes=list(SCOPES))
            except google.auth.exceptions.DefaultCredentialsError as exc:
                raise SecretResolutionError(
                    f"backend {backend!r}: no credentials_file in config and no Application "
                    f"Default Credentials ({exc})"
                ) from None
        else:
            info = json.loads(resolve_secret(credentials_ref))
            if info.get("type") != "service_account":
                raise ValueError(f"{credentials_ref}: expected a service-account key file")
            self._credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]  # google-auth leaves it unannotated
                info, scopes=list(SCOPES)
            )
        self._http = httpx.Client(follow_redirects=False, trust_env=False)
        self._transport = HttpxAuthTransport(self._http)
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        async with self._lock:
            if not self._credentials.valid:
                try:
                    await asyncio.to_thread(self._credentials.refresh, self._transport)
                except google.auth.exceptions.GoogleAuthError as exc:
                    raise ProviderError(
                        f"backend {self._backend!r}: could not obtain a Google access token "
                        f"({type(exc).__name__})",
                        code=grpc.StatusCode.UNAVAILABLE,
                        retryable=True,
                    ) from exc
            return str(self._credentials.token)

    def close(self) -> None:
        self._http.close()
