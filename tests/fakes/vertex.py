"""Vertex AI Gemini plus the OAuth token endpoint a service account refreshes against.

The token endpoint checks the JWT assertion google-auth signs with the
service account's private key (RS256, issuer, audience, scope) before it
issues an access token; the Gemini endpoints accept only tokens it issued.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import Any
from urllib.parse import parse_qs, unquote

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.fakes.base import Call, EmbedCall, ProviderFake, WireError, json_response, split_bytes
from tests.fakes.server import FakeRequest, FakeResponse


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _google_error(status: int, state: str, message: str) -> WireError:
    return WireError(
        json_response({"error": {"code": status, "message": message, "status": state}}, status)
    )


def _sse(data: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(data)}\r\n\r\n".encode()


def _text(parts: list[dict[str, Any]]) -> str:
    return "\n".join(p["text"] for p in parts if "text" in p)


def _check_parts(contents: list[dict[str, Any]]) -> None:
    """What Gemini checks: function responses answer, one for one, the calls of the model
    turn just before them, by name; arguments and responses are objects."""
    for position, content in enumerate(contents):
        for part in content["parts"]:
            if len(part) != 1:
                raise _google_error(400, "INVALID_ARGUMENT", "a part holds exactly one field")
            if "functionCall" in part and not isinstance(part["functionCall"].get("args"), dict):
                raise _google_error(400, "INVALID_ARGUMENT", "functionCall.args: an object")
        responses = [p["functionResponse"] for p in content["parts"] if "functionResponse" in p]
        if not responses:
            continue
        previous = contents[position - 1]["parts"] if position else []
        calls = [p["functionCall"]["name"] for p in previous if "functionCall" in p]
        if content["role"] != "user" or sorted(calls) != sorted(r["name"] for r in responses):
            raise _google_error(
                400,
                "INVALID_ARGUMENT",
                "Please ensure that the number of function response parts is equal to the "
                "number of function call parts of the function call turn.",
            )
        if not all(isinstance(r.get("response"), dict) for r in responses):
            raise _google_error(400, "INVALID_ARGUMENT", "functionResponse.response: an object")


class VertexFake(ProviderFake):
    fixture_dir = "vertex"

    def __init__(
        self, project: str, region: str, public_key: rsa.RSAPublicKey | None, client_email: str
    ) -> None:
        self.project, self.region = project, region
        self.public_key, self.client_email = public_key, client_email
        self.issued: set[str] = set()
        self.token_requests = 0

    def token_uri(self, base_url: str) -> str:
        return f"{base_url}/token"

    async def __call__(self, request: FakeRequest) -> FakeResponse:
        if request.path == "/token":
            return self._token(request)
        return await super().__call__(request)

    def _token(self, request: FakeRequest) -> FakeResponse:
        self.token_requests += 1
        form = parse_qs(request.body.decode())
        if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
            return json_response({"error": "unsupported_grant_type"}, 400)
        header, claims, signature = form["assertion"][0].split(".")
        try:
            if self.public_key is None:  # not set yet: no token can be valid
                raise ValueError("no public key")
            self.public_key.verify(
                _b64(signature), f"{header}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except Exception:
            return json_response(
                {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}, 400
            )
        payload = json.loads(_b64(claims))
        if payload.get("iss") != self.client_email or "cloud-platform" not in payload.get(
            "scope", ""
        ):
            return json_response({"error": "invalid_grant", "error_description": "bad claims"}, 400)
        if payload.get("exp", 0) < time.time():
            return json_response({"error": "invalid_grant", "error_description": "expired"}, 400)
        token = "ya29.fake-" + secrets.token_urlsafe(16)
        self.issued.add(token)
        return json_response({"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    def read_embed_call(self, request: FakeRequest) -> EmbedCall | None:
        prefix = f"/v1/projects/{self.project}/locations/{self.region}/publishers/google/models/"
        model, _, method = unquote(request.path.removeprefix(prefix)).partition(":")
        if not request.path.startswith(prefix) or method != "predict":
            return None
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.issued:
            raise _google_error(401, "UNAUTHENTICATED", "invalid authentication credentials")
        body = json.loads(request.body)
        instances = body.get("instances") or []
        if not instances or not all(isinstance(i.get("content"), str) for i in instances):
            raise _google_error(400, "INVALID_ARGUMENT", "instances[].content is required")
        dimensions = (body.get("parameters") or {}).get("outputDimensionality")
        return EmbedCall(model, [i["content"] for i in instances], dimensions)

    def embedding_body(
        self, call: EmbedCall, vectors: list[list[float]], prompt_tokens: int
    ) -> Any:
        return {
            "predictions": [
                {
                    "embeddings": {
                        "values": v,
                        "statistics": {"token_count": len(t.split()), "truncated": False},
                    }
                }
                for v, t in zip(vectors, call.inputs, strict=True)
            ]
        }

    def read_call(self, request: FakeRequest) -> Call:
        prefix = f"/v1/projects/{self.project}/locations/{self.region}/publishers/google/models/"
        if not request.path.startswith(prefix):
            raise _google_error(404, "NOT_FOUND", f"unknown path {request.path}")
        model, _, method = unquote(request.path.removeprefix(prefix)).partition(":")
        if method not in {"generateContent", "streamGenerateContent"}:
            raise _google_error(404, "NOT_FOUND", f"unknown method {method}")
        if method == "streamGenerateContent" and request.query.get("alt") != ["sse"]:
            raise _google_error(400, "INVALID_ARGUMENT", "this fake only speaks alt=sse")
        auth = request.headers.get("authorization", "")
        if auth.removeprefix("Bearer ") not in self.issued:
            raise _google_error(
                401, "UNAUTHENTICATED", "Request had invalid authentication credentials."
            )
        body = json.loads(request.body)
        contents = body.get("contents") or []
        if any(c.get("role") not in {"user", "model"} for c in contents):
            raise _google_error(400, "INVALID_ARGUMENT", "Please use a valid role: user, model.")
        _check_parts(contents)
        users = [_text(c["parts"]) for c in contents if c["role"] == "user"]
        words = sum(len(_text(c["parts"]).split()) for c in contents)
        system = body.get("systemInstruction", {}).get("parts", [])
        words += sum(len(p["text"].split()) for p in system)
        last = contents[-1]["parts"]
        results = [p["functionResponse"] for p in last if "functionResponse" in p]
        ends_with_result = bool(results) and not _text(last)
        text = json.dumps(results[-1]["response"]) if ends_with_result else users[-1]
        tools = tuple(
            d["name"] for t in body.get("tools") or () for d in t.get("functionDeclarations", ())
        )
        stream = method == "streamGenerateContent"
        return Call(model, stream, text, words, tools, ends_with_result)

    def tool_call_unary(
        self, name: str, arguments: str, prompt_tokens: int, completion_tokens: int
    ) -> Any:
        body = self.unary_body("", prompt_tokens, completion_tokens)
        call = {"functionCall": {"name": name, "args": json.loads(arguments)}}
        body["candidates"][0]["content"]["parts"] = [call]
        return body

    def tool_call_stream(
        self, name: str, pieces: list[str], prompt_tokens: int, completion_tokens: int
    ) -> list[bytes]:
        """Gemini sends each call whole, in one event."""
        return [_sse(self.tool_call_unary(name, "".join(pieces), prompt_tokens, completion_tokens))]

    def recorded_tool_stream(self) -> list[bytes]:
        return split_bytes(self.fixture("tool_call_stream.sse"))

    def _response(
        self, text: str, finish: str | None, usage: dict[str, int] | None
    ) -> dict[str, Any]:
        candidate: dict[str, Any] = {"content": {"role": "model", "parts": [{"text": text}]}}
        if finish:
            candidate["finishReason"] = finish
        out: dict[str, Any] = {"candidates": [candidate], "modelVersion": "gemini-2.0-flash-001"}
        if usage:
            out["usageMetadata"] = usage
        return out

    def unary_body(self, text: str, prompt_tokens: int, completion_tokens: int) -> Any:
        usage = {
            "promptTokenCount": prompt_tokens,
            "candidatesTokenCount": completion_tokens,
            "totalTokenCount": prompt_tokens + completion_tokens,
        }
        return self._response(text, "STOP", usage)

    def stream_bytes(
        self, pieces: list[str], prompt_tokens: int, completion_tokens: int
    ) -> list[bytes]:
        out = [_sse(self._response(p, None, None)) for p in pieces[:-1]]
        out.append(_sse(self.unary_body(pieces[-1], prompt_tokens, completion_tokens)))
        return out

    def recorded_unary(self) -> Any:
        return self.fixture_json("generate_content.json")

    def recorded_stream(self) -> list[bytes]:
        return split_bytes(self.fixture("stream_generate_content.sse"))

    def midstream_error(self) -> list[bytes]:
        return split_bytes(self.fixture("stream_error.sse"))


def service_account(token_uri: str) -> tuple[dict[str, str], rsa.RSAPublicKey]:
    """A freshly generated service-account key file (content) and its public key."""
    from cryptography.hazmat.primitives import serialization

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "modelgw-test",
        "private_key_id": "fake-key-1",
        "private_key": pem,
        "client_email": "modelgw@modelgw-test.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "token_uri": token_uri,
    }
    return info, key.public_key()
