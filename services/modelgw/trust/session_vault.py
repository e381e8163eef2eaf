"""Session vaults in Redis: the same value keeps its placeholder across a chat's turns.

Each entry is encrypted with AES-GCM under a key derived for the tenant
(HKDF from the configured master key), with the Redis key and field as
associated data, so an entry copied to another tenant's or session's key does
not decrypt. Redis keys hold the tenant and a hash of the session id, never
the id itself; entries expire `ttl_s` after the session's last turn.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from typing import cast

import redis.asyncio as aioredis
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from modelgw.common.config.secrets import resolve_secret
from modelgw.common.config.trust import SessionVaultConfig
from modelgw.common.errors import TrustLayerUnavailable
from modelgw.trust.vault import Vault, VaultEntry

_NONCE = 12


def decode_master_key(secret: str) -> bytes:
    """Accept hex or base64 for 32+ random bytes; refuse anything shorter."""
    for decode in (bytes.fromhex, base64.b64decode):
        try:
            key = decode(secret.strip())
        except (ValueError, binascii.Error):
            continue
        if len(key) >= 32:
            return key
    raise ValueError("the session vault encryption key must be 32+ random bytes, hex or base64")


class SessionVaultStore:
    def __init__(
        self, client: aioredis.Redis, master_key: bytes, *, ttl_s: int, prefix: str
    ) -> None:
        self._redis = client
        self._master = master_key
        self._ttl_s = ttl_s
        self._prefix = prefix
        self._ciphers: dict[str, AESGCM] = {}

    @classmethod
    def from_config(cls, config: SessionVaultConfig) -> SessionVaultStore | None:
        if not config.redis_url or not config.encryption_key:
            return None
        password = resolve_secret(config.redis_password) if config.redis_password else None
        client = aioredis.Redis.from_url(config.redis_url, password=password)
        key = decode_master_key(resolve_secret(config.encryption_key))
        return cls(client, key, ttl_s=config.ttl_s, prefix=config.key_prefix)

    def redis_key(self, tenant: str, session_id: str) -> str:
        digest = hashlib.sha256(f"{tenant}\x00{session_id}".encode()).hexdigest()[:40]
        return f"{self._prefix}{tenant}:{digest}"

    def _cipher(self, tenant: str) -> AESGCM:
        cipher = self._ciphers.get(tenant)
        if cipher is None:
            derived = HKDF(
                algorithm=hashes.SHA256(),
                length=32,
                salt=None,
                info=b"modelgw session vault\x00" + tenant.encode(),
            ).derive(self._master)
            cipher = self._ciphers[tenant] = AESGCM(derived)
        return cipher

    async def load(self, tenant: str, session_id: str) -> Vault:
        key = self.redis_key(tenant, session_id)
        try:
            # A client without decode_responses (see from_config) answers bytes; redis-py's
            # types cannot tell, and say bytes | str.
            stored = cast("dict[bytes, bytes]", await self._redis.hgetall(key))
        except aioredis.RedisError as exc:
            raise TrustLayerUnavailable(
                f"session vault unavailable ({type(exc).__name__}); the request was not sent"
            ) from None
        cipher = self._cipher(tenant)
        entries = []
        for field, blob in stored.items():
            placeholder = field.decode()
            try:
                plain = cipher.decrypt(
                    blob[:_NONCE], blob[_NONCE:], f"{key}\x00{placeholder}".encode()
                )
            except InvalidTag:
                raise TrustLayerUnavailable(
                    "a session vault entry failed authentication (tampered or wrong key); "
                    "the request was not sent"
                ) from None
            data = json.loads(plain)
            entries.append(VaultEntry(placeholder, data["v"], data["t"]))
        return Vault(entries)

    async def save(self, tenant: str, session_id: str, vault: Vault, known: set[str]) -> None:
        """Store entries not in `known` (those loaded at the start of the turn)."""
        new = [e for e in vault.entries() if e.placeholder not in known]
        if not new:
            return
        key = self.redis_key(tenant, session_id)
        cipher = self._cipher(tenant)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                for entry in new:
                    nonce = os.urandom(_NONCE)
                    plain = json.dumps({"v": entry.value, "t": entry.entity_type}).encode()
                    aad = f"{key}\x00{entry.placeholder}".encode()
                    # HSETNX: a concurrent turn that took the number first keeps it.
                    pipe.hsetnx(key, entry.placeholder, nonce + cipher.encrypt(nonce, plain, aad))
                pipe.expire(key, self._ttl_s)
                await pipe.execute()
        except aioredis.RedisError as exc:
            raise TrustLayerUnavailable(
                f"session vault unavailable ({type(exc).__name__}); the request was not sent"
            ) from None

    async def close(self) -> None:
        await self._redis.aclose()
