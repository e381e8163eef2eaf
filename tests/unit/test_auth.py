"""API keys from metadata, internal-token checks and request validation."""

from __future__ import annotations

import pytest

from modelgw.common.api_keys import hash_api_key
from modelgw.common.errors import InvalidArgument, PermissionDenied, Unauthenticated
from modelgw.common.internal_auth import InternalAuth
from modelgw.common.messages import ChatMessage, GenerationParams, Role
from modelgw.control.auth import Authenticator, api_key_from_metadata
from modelgw.control.directory import Principal
from modelgw.gateway.validation import check_chat, client_request_id, new_request_id


class _Directory:
    def __init__(self, principal: Principal) -> None:
        self.principal = principal

    async def resolve(self, key_sha256: str) -> Principal | None:
        return self.principal if key_sha256 == hash_api_key("good-key") else None


@pytest.mark.parametrize(
    ("metadata", "key"),
    [
        ((("authorization", "Bearer abc"),), "abc"),
        ((("authorization", "bearer  abc "),), "abc"),
        ((("x-api-key", "xyz"),), "xyz"),
        ((("authorization", "Basic abc"),), None),
        ((), None),
    ],
)
def test_api_key_from_metadata(metadata, key) -> None:
    assert api_key_from_metadata(metadata) == key


async def test_authenticator_resolves_by_hash_only() -> None:
    principal = Principal("acme", "k1", frozenset({"user"}))
    auth = Authenticator(_Directory(principal))
    assert await auth.authenticate((("authorization", "Bearer good-key"),)) == principal
    with pytest.raises(Unauthenticated, match="unknown API key"):
        await auth.authenticate((("authorization", "Bearer bad-key"),))
    with pytest.raises(Unauthenticated, match="missing API key"):
        await auth.authenticate(())


def test_internal_auth_accepts_only_the_exact_token() -> None:
    internal = InternalAuth("a-long-internal-token")
    internal.check(internal.metadata)
    with pytest.raises(PermissionDenied):
        internal.check((("x-modelgw-internal-token", "a-long-internal-tokeN"),))
    with pytest.raises(PermissionDenied):
        internal.check(())
    with pytest.raises(ValueError):
        InternalAuth("short")


def test_request_ids_are_the_gateways_and_the_callers_is_only_checked() -> None:
    first, second = new_request_id(), new_request_id()
    assert len(first) == 32 and first != second
    assert client_request_id("") == ""
    assert client_request_id("crm:42-a.b") == "crm:42-a.b"
    with pytest.raises(InvalidArgument):
        client_request_id("has space")


@pytest.mark.parametrize(
    ("messages", "params", "fragment"),
    [
        ([], GenerationParams(), "at least one message"),
        ([ChatMessage(Role.USER, "  ")], GenerationParams(), "all empty"),
        ([ChatMessage(Role.USER, "x")], GenerationParams(top_p=0), "top_p"),
        ([ChatMessage(Role.USER, "x")], GenerationParams(max_tokens=0), "max_tokens"),
        ([ChatMessage(Role.USER, "x")], GenerationParams(stop=("a",) * 5), "stop"),
    ],
)
def test_check_chat_says_what_to_fix(messages, params, fragment) -> None:
    with pytest.raises(InvalidArgument, match=fragment):
        check_chat("echo", messages, params)
