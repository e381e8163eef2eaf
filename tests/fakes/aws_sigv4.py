"""Check a received request's SigV4 signature the way AWS does: recompute and compare.

The canonical request is rebuilt from the bytes that arrived (method, path,
query, the signed headers, the body hash) with the credentials the fake was
configured with, so a body altered after signing or a wrong key fails.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote

from tests.fakes.server import FakeRequest


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def verify_sigv4(
    request: FakeRequest, access_key: str, secret_key: str, region: str, service: str
) -> str | None:
    """None when the signature is valid; otherwise what is wrong."""
    auth = request.headers.get("authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "missing SigV4 Authorization header"
    fields = dict(
        part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 ") :].split(",")
    )
    key_id, date, cred_region, cred_service, terminal = fields["Credential"].split("/")
    if key_id != access_key:
        return "The security token included in the request is invalid."
    if (cred_region, cred_service, terminal) != (region, service, "aws4_request"):
        return f"credential scope {cred_region}/{cred_service} does not match"
    amz_date = request.headers.get("x-amz-date", "")
    if not amz_date.startswith(date):
        return "X-Amz-Date does not match the credential date"
    signed = fields["SignedHeaders"].split(";")
    canonical_headers = "".join(f"{h}:{' '.join(request.headers[h].split())}\n" for h in signed)
    path = quote(request.path, safe="/~")  # AWS encodes the (already encoded) path again
    query = request.target.partition("?")[2]
    canonical = "\n".join(
        [
            request.method,
            path,
            query,
            canonical_headers,
            ";".join(signed),
            hashlib.sha256(request.body).hexdigest(),
        ]
    )
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = _hmac(f"AWS4{secret_key}".encode(), date)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields["Signature"]):
        return "The request signature we calculated does not match the signature you provided."
    return None
