"""Session vaults in the real Redis: same value, same placeholder across turns; tenants apart."""

from __future__ import annotations

import base64
import os

import pytest
import redis.asyncio as aioredis

from modelgw.common.config.defaults import embedded_config
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.errors import TrustLayerUnavailable
from modelgw.common.messages import ChatMessage, Role
from modelgw.trust.client import LocalTrust
from modelgw.trust.session_vault import SessionVaultStore
from tests.conftest import REDIS_URL

NAME, EMAIL = "John Smith", "john.smith@example.com"


def _config() -> ModelgwConfig:
    data = embedded_config("mgw_test_key_vault_0123").model_dump(mode="json")
    data["tenants"]["other"] = {"display_name": "Other tenant"}
    return ModelgwConfig.model_validate(data)


@pytest.fixture
async def store(redis_prefix: str):
    client = aioredis.Redis.from_url(REDIS_URL)
    vaults = SessionVaultStore(client, os.urandom(32), ttl_s=120, prefix=redis_prefix)
    yield vaults
    await vaults.close()


def _user(text: str) -> list[ChatMessage]:
    return [ChatMessage(Role.USER, text)]


async def test_placeholders_hold_across_turns_and_are_stored_encrypted(
    trust_engine, store: SessionVaultStore
) -> None:
    trust = LocalTrust(trust_engine, _config(), store)
    first = await trust.protect("dev", "r1", "chat-1", _user(f"I am {NAME}."), external=True)
    second = await trust.protect(
        "dev", "r2", "chat-1", _user(f"Mail {EMAIL} please, {NAME} here."), external=True
    )
    assert first.messages[0].content == "I am <PERSON_1>."
    assert second.messages[0].content == "Mail <EMAIL_ADDRESS_1> please, <PERSON_1> here."

    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        key = store.redis_key("dev", "chat-1")
        stored = await client.hgetall(key)
        assert set(stored) == {b"<PERSON_1>", b"<EMAIL_ADDRESS_1>"}
        assert all(NAME.encode() not in v and b"john.smith" not in v for v in stored.values())
        assert b"chat-1" not in key.encode()
        assert 0 < await client.ttl(key) <= 120
    finally:
        await client.aclose()

    other_session = await trust.protect(
        "dev", "r3", "chat-2", _user(f"Mail {EMAIL}"), external=True
    )
    assert other_session.messages[0].content == "Mail <EMAIL_ADDRESS_1>"
    assert {e.value for e in other_session.vault.entries()} == {EMAIL}


async def test_another_tenant_never_sees_the_session(
    trust_engine, store: SessionVaultStore
) -> None:
    trust = LocalTrust(trust_engine, _config(), store)
    await trust.protect("dev", "r1", "shared-id", _user(f"I am {NAME}."), external=True)
    theirs = await trust.protect("other", "r2", "shared-id", _user("Hello"), external=True)
    assert len(theirs.vault) == 0
    assert store.redis_key("dev", "shared-id") != store.redis_key("other", "shared-id")

    # An entry copied under another tenant's key does not decrypt there.
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        blob = await client.hget(store.redis_key("dev", "shared-id"), "<PERSON_1>")
        await client.hset(store.redis_key("other", "shared-id"), "<PERSON_1>", blob)
    finally:
        await client.aclose()
    with pytest.raises(TrustLayerUnavailable, match="authentication"):
        await store.load("other", "shared-id")


def test_master_key_must_be_long_enough() -> None:
    from modelgw.trust.session_vault import decode_master_key

    assert len(decode_master_key(base64.b64encode(os.urandom(32)).decode())) == 32
    with pytest.raises(ValueError, match="32"):
        decode_master_key("c2hvcnQ=")
