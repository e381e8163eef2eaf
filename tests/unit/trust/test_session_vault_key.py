"""The session vault's master key: 32 bytes, base64, or the store refuses to start; a vault
whose Redis is down fails the request closed."""

from __future__ import annotations

import base64
import os

import pytest

from modelgw.common.config.trust import SessionVaultConfig
from modelgw.common.errors import TrustLayerUnavailable
from modelgw.trust.session_vault import SessionVaultStore, decode_master_key
from modelgw.trust.vault import VaultOwner
from tests.ports import free_port


def test_master_key_must_be_long_enough() -> None:
    assert len(decode_master_key(base64.b64encode(os.urandom(32)).decode())) == 32
    with pytest.raises(ValueError, match="32"):
        decode_master_key("c2hvcnQ=")


async def test_a_vault_whose_redis_is_down_fails_the_request_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """redis-py is imported only once a vault exists; its errors must still be caught."""
    monkeypatch.setenv("MODELGW_TEST_VAULT_KEY", base64.b64encode(os.urandom(32)).decode())
    config = SessionVaultConfig(
        redis_url=f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        encryption_key="env:MODELGW_TEST_VAULT_KEY",
    )
    store = SessionVaultStore.from_config(config)
    assert store is not None
    owner = VaultOwner("t", "key", "user", "session")
    try:
        with pytest.raises(TrustLayerUnavailable, match=r"unavailable \(ConnectionError\)"):
            await store.load(owner)
    finally:
        await store.close()
