"""Workload identity: adapters with no keys in config take the platform's credentials.

AWS adapters use botocore's default chain (IRSA's web identity token file, EKS
Pod Identity, instance roles, environment variables); Vertex uses
`google.auth.default()` (GKE Workload Identity, GOOGLE_APPLICATION_CREDENTIALS).
Everything runs against the local fakes: a fake STS answers
AssumeRoleWithWebIdentity with temporary keys, and the fake upstreams verify
the SigV4 signature (and session token) or the OAuth token they issued. No
test reaches a metadata endpoint: the chain is pinned to what each test sets.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from pydantic import TypeAdapter

from modelgw.common.config.providers import ProviderConfig
from modelgw.common.config.secrets import SecretResolutionError
from modelgw.common.messages import ChatMessage, GenerationParams, Role
from modelgw.providers.base import BackendRequest
from modelgw.providers.registry import build_backend
from tests.fakes.base import ProviderFake
from tests.fakes.bedrock import BedrockFake
from tests.fakes.sagemaker import SageMakerFake
from tests.fakes.server import FakeRequest, FakeResponse, RecordingServer
from tests.fakes.vertex import VertexFake, service_account

_PROVIDER = TypeAdapter(ProviderConfig)
REGION = "eu-central-1"
ROLE_ARN = "arn:aws:iam::123456789012:role/modelgw-gateway"
TEMP_KEY, TEMP_SECRET = "ASIATEMPORARYKEY0001", "temporary/secret/key/0001"
TEMP_TOKEN = "FwoG-temporary-session-token"
AWS_ENV = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS",
)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """A clean chain: no files, no metadata endpoint, only what the test sets."""
    for name in AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    yield monkeypatch


class SessionTokenCheck:
    """Wraps an AWS fake: the session token of temporary keys must come with the request."""

    def __init__(self, fake: ProviderFake, token: str) -> None:
        self.fake, self.token = fake, token

    async def __call__(self, request: FakeRequest) -> FakeResponse:
        if request.headers.get("x-amz-security-token") != self.token:
            return FakeResponse(403, {}, b'{"message": "missing or wrong session token"}')
        return await self.fake(request)


class FakeSts:
    """AssumeRoleWithWebIdentity: trades the projected token for temporary keys."""

    def __init__(self, expected_token: str) -> None:
        self.expected_token = expected_token
        self.calls = 0

    async def __call__(self, request: FakeRequest) -> FakeResponse:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        if form.get("Action") != "AssumeRoleWithWebIdentity" or form.get("RoleArn") != ROLE_ARN:
            return FakeResponse(400, {}, b"<Error><Code>InvalidAction</Code></Error>")
        if form.get("WebIdentityToken") != self.expected_token:
            return FakeResponse(403, {}, b"<Error><Code>InvalidIdentityToken</Code></Error>")
        self.calls += 1
        expires = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = f"""<AssumeRoleWithWebIdentityResponse
  xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>{TEMP_KEY}</AccessKeyId>
      <SecretAccessKey>{TEMP_SECRET}</SecretAccessKey>
      <SessionToken>{TEMP_TOKEN}</SessionToken>
      <Expiration>{expires}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <Arn>{ROLE_ARN}/modelgw</Arn><AssumedRoleId>AROA0000:modelgw</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>"""
        return FakeResponse(200, {"content-type": "text/xml"}, body.encode())


def _request(text: str) -> BackendRequest:
    return BackendRequest(
        model="echo",
        messages=[ChatMessage(Role.USER, text)],
        params=GenerationParams(max_tokens=16),
        request_id="workload-identity-1",
    )


def _aws_provider(kind: str, url: str) -> dict[str, object]:
    table: dict[str, object] = {"type": kind, "region": REGION, "endpoint_url": url}
    return table  # no `credentials`: the default chain


def _aws_fake(kind: str, key: str, secret: str) -> ProviderFake:
    if kind == "bedrock":
        return BedrockFake(key, secret, REGION)
    return SageMakerFake(key, secret, REGION, "openai_chat")


@pytest.mark.parametrize("kind", ["bedrock", "sagemaker"])
async def test_aws_adapter_signs_with_keys_from_the_environment(
    kind: str, aws_env: pytest.MonkeyPatch
) -> None:
    aws_env.setenv("AWS_ACCESS_KEY_ID", "AKIAFROMENVIRONMENT1")
    aws_env.setenv("AWS_SECRET_ACCESS_KEY", "secret/from/the/environment/000")
    aws_env.setenv("AWS_SESSION_TOKEN", "env-session-token")
    fake = _aws_fake(kind, "AKIAFROMENVIRONMENT1", "secret/from/the/environment/000")
    async with RecordingServer(SessionTokenCheck(fake, "env-session-token")) as server:
        backend = build_backend(kind, _PROVIDER.validate_python(_aws_provider(kind, server.url)))
        try:
            reply = await backend.generate(_request("signed by the chain"))
        finally:
            await backend.close()
    assert reply.text == "signed by the chain"


@pytest.mark.parametrize("kind", ["bedrock", "sagemaker"])
async def test_aws_adapter_assumes_its_role_with_a_web_identity_token_irsa(
    kind: str, aws_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """EKS IRSA: a projected token file and a role ARN; STS returns temporary keys."""
    token_file = tmp_path / "eks.amazonaws.com/serviceaccount/token"
    token_file.parent.mkdir(parents=True)
    token_file.write_text("eyJhbGciOiJSUzI1NiJ9.projected-service-account-token.sig")
    sts = FakeSts(token_file.read_text())
    fake = _aws_fake(kind, TEMP_KEY, TEMP_SECRET)
    async with (
        RecordingServer(sts) as sts_server,
        RecordingServer(SessionTokenCheck(fake, TEMP_TOKEN)) as upstream,
    ):
        aws_env.setenv("AWS_ROLE_ARN", ROLE_ARN)
        aws_env.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token_file))
        aws_env.setenv("AWS_ENDPOINT_URL_STS", sts_server.url)
        backend = build_backend(kind, _PROVIDER.validate_python(_aws_provider(kind, upstream.url)))
        try:
            first = await backend.generate(_request("first call"))
            second = await backend.generate(_request("second call"))
        finally:
            await backend.close()
    assert (first.text, second.text) == ("first call", "second call")
    assert sts.calls == 1, "temporary keys are reused until they near expiry"


def test_aws_adapter_without_any_credentials_fails_at_start(aws_env: pytest.MonkeyPatch) -> None:
    config = _PROVIDER.validate_python(_aws_provider("bedrock", "http://127.0.0.1:9"))
    with pytest.raises(SecretResolutionError, match="no AWS credentials"):
        build_backend("bedrock", config)


async def test_vertex_uses_application_default_credentials(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No credentials_file in config: google.auth.default() reads GOOGLE_APPLICATION_CREDENTIALS
    (on GKE the metadata server answers instead), and the fake issues the token it accepts."""
    fake = VertexFake("modelgw-test", "europe-west4", None, "")
    async with RecordingServer(fake) as server:
        info, public_key = service_account(f"{server.url}/token")
        fake.public_key, fake.client_email = public_key, info["client_email"]
        adc = tmp_path / "adc.json"
        adc.write_text(json.dumps(info))
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(adc))
        monkeypatch.setenv("NO_GCE_CHECK", "True")  # never probe a metadata server here
        config = {
            "type": "vertex",
            "project": "modelgw-test",
            "region": "europe-west4",
            "endpoint_url": server.url,
        }
        backend = build_backend("vertex", _PROVIDER.validate_python(config))
        try:
            reply = await backend.generate(_request("token from ADC"))
        finally:
            await backend.close()
    assert reply.text == "token from ADC"
    assert fake.token_requests == 1
