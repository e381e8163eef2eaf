"""What Bedrock and SageMaker share: SigV4 signing (botocore's signer) and AWS error bodies.

Signing happens on the exact bytes, URL and headers httpx will send, so the
signature covers the masked body and nothing can be altered after signing.

Credentials are either static (secret references in config) or, when the
config names none, botocore's default chain: environment variables, a web
identity token file (EKS IRSA), the container credentials endpoint (EKS Pod
Identity, ECS), shared config files, the instance role. Temporary
credentials from the chain are refreshed before they expire; a refresh may
call STS or a metadata endpoint, so it runs in a worker thread, never on the
event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials, RefreshableCredentials

from modelgw.common.config.provider_fields import AwsCredentials
from modelgw.common.config.secrets import SecretResolutionError, resolve_secret
from modelgw.providers.transport.errors import ErrorDetail, stream_error
from modelgw.providers.transport.eventstream import EventFrame

# `:exception-type` of an event-stream exception frame -> the HTTP status it stands for
_EXCEPTION_STATUS = {
    "throttlingexception": 429,
    "validationexception": 400,
    "accessdeniedexception": 403,
    "resourcenotfoundexception": 404,
    "modeltimeoutexception": 408,
    "modelstreamerrorexception": 503,
    "internalserverexception": 500,
    "serviceunavailableexception": 503,
    "modelstreamerror": 503,  # SageMaker
    "internalstreamfailure": 500,  # SageMaker
}


class AwsCredentialsMissing(SecretResolutionError):
    """Neither static credentials in config nor anything on botocore's default chain."""


def _chain_credentials(region: str) -> Credentials:
    """botocore's default credential chain, as the AWS SDKs and CLI resolve it."""
    session = botocore.session.get_session()
    session.set_config_variable("region", region)  # STS calls of the chain use it
    credentials = session.get_credentials()
    if credentials is None:
        raise AwsCredentialsMissing(
            "no AWS credentials: set `credentials` in the provider config, or give the "
            "process a role (IRSA: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE; EKS Pod "
            "Identity; an instance role) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
        )
    return credentials


class SigV4Signer:
    def __init__(self, credentials: AwsCredentials | None, service: str, region: str) -> None:
        if credentials is None:
            self._credentials = _chain_credentials(region)
        else:
            token = resolve_secret(credentials.session_token) if credentials.session_token else None
            self._credentials = Credentials(
                resolve_secret(credentials.access_key_id),
                resolve_secret(credentials.secret_access_key),
                token,
            )
        self._service = service
        self._region = region
        self._refresh = asyncio.Lock()

    async def sign(self, url: str, body: bytes, headers: dict[str, str]) -> dict[str, str]:
        """Headers to send: the given ones plus `X-Amz-Date`, token and `Authorization`."""
        credentials = self._credentials
        if isinstance(credentials, RefreshableCredentials) and credentials.refresh_needed():
            async with self._refresh:  # one refresh at a time; the others wait for it
                frozen = await asyncio.to_thread(credentials.get_frozen_credentials)
        else:
            frozen = credentials.get_frozen_credentials()
        if frozen.access_key is None or frozen.secret_key is None:
            raise AwsCredentialsMissing("the AWS credential chain returned no keys")
        request = AWSRequest(method="POST", url=url, data=body, headers=headers)
        SigV4Auth(
            Credentials(frozen.access_key, frozen.secret_key, frozen.token),
            self._service,
            self._region,
        ).add_auth(request)
        return dict(request.headers.items())


def describe_aws_error(headers: Mapping[str, str], body: Any) -> ErrorDetail:
    """rest-json errors: the type in `x-amzn-ErrorType` (or `__type`); the message is not read."""
    kind = headers.get("x-amzn-errortype", "").split(":", 1)[0]
    status: int | None = None
    if isinstance(body, dict):
        kind = kind or str(body.get("__type", "")).rsplit("#", 1)[-1]
        original = body.get("OriginalStatusCode")  # SageMaker 424: the container's own status
        if isinstance(original, int) and 400 <= original < 600:
            status = original
    return ErrorDetail(kind, status)


def raise_exception_frame(backend: str, provider: str, frame: EventFrame) -> None:
    """An `exception`/`error` frame inside an event stream ends the stream with its error."""
    kind = frame.exception_type or "exception"
    status = _EXCEPTION_STATUS.get(kind.lower(), 500)
    raise stream_error(backend, provider, kind, status)
