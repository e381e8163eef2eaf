"""What Bedrock and SageMaker share: SigV4 signing (botocore's signer) and AWS error bodies.

Signing happens on the exact bytes, URL and headers httpx will send, so the
signature covers the masked body and nothing can be altered after signing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from modelgw.common.config.provider_fields import AwsCredentials
from modelgw.common.config.secrets import resolve_secret
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


class SigV4Signer:
    def __init__(self, credentials: AwsCredentials, service: str, region: str) -> None:
        token = resolve_secret(credentials.session_token) if credentials.session_token else None
        self._auth = SigV4Auth(
            Credentials(
                resolve_secret(credentials.access_key_id),
                resolve_secret(credentials.secret_access_key),
                token,
            ),
            service,
            region,
        )

    def sign(self, url: str, body: bytes, headers: dict[str, str]) -> dict[str, str]:
        """Headers to send: the given ones plus `X-Amz-Date`, token and `Authorization`."""
        request = AWSRequest(method="POST", url=url, data=body, headers=headers)
        self._auth.add_auth(request)
        return dict(request.headers.items())


def describe_aws_error(headers: Mapping[str, str], body: Any) -> ErrorDetail:
    """rest-json errors: the type in `x-amzn-ErrorType` (or `__type`), `{"message": ...}`."""
    kind = headers.get("x-amzn-errortype", "").split(":", 1)[0]
    message = ""
    status: int | None = None
    if isinstance(body, dict):
        kind = kind or str(body.get("__type", "")).rsplit("#", 1)[-1]
        message = str(body.get("message") or body.get("Message") or "")
        original = body.get("OriginalStatusCode")  # SageMaker 424: the container's own status
        if isinstance(original, int) and 400 <= original < 600:
            status = original
    return ErrorDetail(kind, message, status)


def raise_exception_frame(backend: str, provider: str, frame: EventFrame) -> None:
    """An `exception`/`error` frame inside an event stream ends the stream with its error."""
    kind = frame.exception_type or "exception"
    message = str(frame.headers.get(":error-message", ""))
    if frame.payload:
        try:
            data = json.loads(frame.payload)
            message = str(data.get("message") or data.get("Message") or message)
        except ValueError:
            pass
    status = _EXCEPTION_STATUS.get(kind.lower(), 500)
    raise stream_error(backend, provider, kind, message, status)
