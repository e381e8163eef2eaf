"""Session vaults in the real Redis: same value, same placeholder across one owner's turns;
another tenant, API key or end user who sends the same session id reads nothing of it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from modelgw.common.config.providers import Locality
from modelgw.common.errors import TrustLayerUnavailable
from modelgw.common.tenant import Tenant
from modelgw.trust.client import LocalTrust
from modelgw.trust.engine import TrustEngine
from modelgw.trust.session_vault import SessionVaultStore
from modelgw.trust.vault import VaultOwner
from tests.configs import tenant
from tests.conftest import REDIS_URL

NAME, EMAIL = "John Smith", "john.smith@example.com"
EXTERNAL = frozenset({Locality.EXTERNAL})
DEV, OTHER = tenant("dev"), tenant("other")


def owner(
    session: str, tenant: str = "dev", key_id: str = "app", end_user: str = "agent-7"
) -> VaultOwner:
    return VaultOwner(tenant, key_id, end_user, session)


@pytest.fixture
async def store(redis_prefix: str) -> AsyncIterator[SessionVaultStore]:
    client = aioredis.Redis.from_url(REDIS_URL)
    vaults = SessionVaultStore(client, os.urandom(32), ttl_s=120, prefix=redis_prefix)
    yield vaults
    await vaults.close()


async def _masked(trust: LocalTrust, who: VaultOwner, text: str, as_tenant: Tenant = DEV) -> str:
    result = await trust.protect(as_tenant, who, [text], EXTERNAL)
    return result.by_locality[Locality.EXTERNAL].texts[0]


async def test_placeholders_hold_across_turns_and_are_stored_encrypted(
    trust_engine: TrustEngine, store: SessionVaultStore
) -> None:
    trust = LocalTrust(trust_engine, store)
    assert await _masked(trust, owner("chat-1"), f"I am {NAME}.") == "I am <PERSON_1>."
    second = await _masked(trust, owner("chat-1"), f"Mail {EMAIL} please, {NAME} here.")
    assert second == "Mail <EMAIL_ADDRESS_1> please, <PERSON_1> here."

    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        key = store.redis_key(owner("chat-1"))
        stored = await client.hgetall(key)
        assert set(stored) == {b"<PERSON_1>", b"<EMAIL_ADDRESS_1>"}
        assert all(NAME.encode() not in v and b"john.smith" not in v for v in stored.values())
        assert b"chat-1" not in key.encode() and b"agent-7" not in key.encode()
        assert 0 < await client.ttl(key) <= 120
    finally:
        await client.aclose()

    assert await _masked(trust, owner("chat-2"), f"Mail {EMAIL}") == "Mail <EMAIL_ADDRESS_1>"


@pytest.mark.parametrize(
    "intruder",
    [
        owner("shared-id", tenant="other"),
        owner("shared-id", key_id="another-key"),
        owner("shared-id", end_user="someone-else"),
    ],
    ids=["other-tenant", "other-api-key", "other-end-user"],
)
async def test_a_session_id_alone_reads_nothing_of_another_owners_vault(
    trust_engine: TrustEngine, store: SessionVaultStore, intruder: VaultOwner
) -> None:
    """Guards #12 finding 1: the vault was keyed by tenant and session id only."""
    trust = LocalTrust(trust_engine, store)
    victim = owner("shared-id")
    await _masked(trust, victim, f"I am {NAME}, {EMAIL}.")
    as_tenant = OTHER if intruder.tenant == "other" else DEV
    theirs = await trust.protect(as_tenant, intruder, ["Who is <PERSON_1>?"], EXTERNAL)
    assert {e.value for e in theirs.vault.entries()} == set()
    assert store.redis_key(victim) != store.redis_key(intruder)

    # An entry copied under the intruder's key does not decrypt there either: the owner is
    # bound into the encryption key and the associated data, not only into the Redis key.
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        blob = await client.hget(store.redis_key(victim), "<PERSON_1>")
        assert blob is not None
        await client.hset(store.redis_key(intruder), "<PERSON_1>", blob)
    finally:
        await client.aclose()
    with pytest.raises(TrustLayerUnavailable, match="authentication"):
        await store.load(intruder)


async def test_placeholders_a_user_types_are_never_issued_in_the_session(
    trust_engine: TrustEngine, store: SessionVaultStore
) -> None:
    """Guards #12 finding 1 (second half): typed placeholder text stays text."""
    trust = LocalTrust(trust_engine, store)
    who = owner("typed")
    first = await _masked(trust, who, f"Literally <PERSON_1> here; I am {NAME}.")
    assert first == "Literally <PERSON_1> here; I am <PERSON_2>."
    vault = await store.load(who)
    assert vault.value_of("<PERSON_1>") is None and vault.value_of("<PERSON_2>") == NAME
    # A later turn still never issues the typed one.
    later = await _masked(trust, who, "Also Maria Garcia.")
    assert later == "Also <PERSON_3>."


async def test_the_vault_pool_is_sized_by_config_and_a_burst_waits_for_it(
    redis_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A burst of 4x `max_connections` loads and saves is all served: the pool blocks (within
    `timeout_ms`) instead of refusing as redis-py's default pool does past its size."""
    import asyncio
    import base64

    from redis.asyncio import BlockingConnectionPool

    from modelgw.common.config.trust import SessionVaultConfig
    from modelgw.trust.vault import Vault, VaultEntry

    monkeypatch.setenv("MODELGW_TEST_VAULT_KEY", base64.b64encode(os.urandom(32)).decode())
    config = SessionVaultConfig(
        redis_url=REDIS_URL,
        encryption_key="env:MODELGW_TEST_VAULT_KEY",
        key_prefix=redis_prefix,
        max_connections=2,
        timeout_ms=5000,  # a loaded CI machine
    )
    store = SessionVaultStore.from_config(config)
    assert store is not None
    try:
        pool = store._redis.connection_pool
        assert isinstance(pool, BlockingConnectionPool) and pool.max_connections == 2

        async def turn(n: int) -> Vault:
            who = owner(f"burst-{n}")
            vault = Vault([VaultEntry("<PERSON_1>", f"Person {n}", "PERSON")])
            await store.save(who, vault, set())
            return await store.load(who)

        loaded = await asyncio.gather(*(turn(n) for n in range(8)))
        assert [v.entries()[0].value for v in loaded] == [f"Person {n}" for n in range(8)]
    finally:
        await store.close()
