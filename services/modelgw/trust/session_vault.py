"""Session vaults in Redis: the same value keeps its placeholder across a chat's turns.

A vault belongs to its owner: tenant, API key, end user and session id
(`VaultOwner`). The owner is bound twice. The Redis key is a hash of all four,
so another user (or another key of the same tenant) who sends the same session
id reaches a different, empty vault. Each entry is encrypted with AES-GCM
under a key derived for the (tenant, API key, end user) from the configured
master key by HKDF, with the Redis key and the field as associated data, so an
entry copied to any other owner's or session's key does not decrypt. Redis
keys hold the tenant and a hash, never the session id or the end user; entries
expire `ttl_s` after the session's last turn. Placeholders the caller typed as
text are kept too (as `!`-prefixed fields), so a later turn never issues them.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import json
import os
from typing import TYPE_CHECKING, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from modelgw.common.config.redis import RedisConnection
from modelgw.common.config.secrets import resolve_secret
from modelgw.common.config.trust import SessionVaultConfig
from modelgw.common.errors import TrustLayerUnavailable
from modelgw.common.redis_client import redis_client
from modelgw.trust.vault import Vault, VaultEntry, VaultOwner

if TYPE_CHECKING:
    from redis.asyncio import Redis

_NONCE = 12
_RESERVED = "!"
_CIPHER_CACHE = 4096


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
        self,
        client: Redis,
        master_key: bytes,
        *,
        ttl_s: int,
        prefix: str,
        timeout_s: float | None = None,
    ) -> None:
        """`timeout_s` bounds each load and save in all (a hung Redis fails the request
        closed within it instead of holding it past the trust deadline)."""
        # Imported here, where a client exists, not with the module: a gateway without
        # session vaults has no use for redis-py's 7 MiB (issue 19).
        from redis.exceptions import RedisError

        self._redis = client
        self._failures = (RedisError, TimeoutError)
        self._timeout_s = timeout_s
        self._master = master_key
        self._ttl_s = ttl_s
        self._prefix = prefix
        self._ciphers: dict[tuple[str, str, str], AESGCM] = {}

    @classmethod
    def from_config(cls, config: SessionVaultConfig) -> SessionVaultStore | None:
        if not config.redis_url or not config.encryption_key:
            return None
        timeout_s = config.timeout_ms / 1000
        # The blocking pool every Redis client here uses, sized by config (`redis_client`).
        connection = RedisConnection(
            redis_url=config.redis_url,
            redis_password=config.redis_password,
            max_connections=config.max_connections,
        )
        client = redis_client(connection, timeout_s=timeout_s)
        key = decode_master_key(resolve_secret(config.encryption_key))
        return cls(client, key, ttl_s=config.ttl_s, prefix=config.key_prefix, timeout_s=timeout_s)

    def redis_key(self, owner: VaultOwner) -> str:
        material = "\x00".join((owner.tenant, owner.key_id, owner.end_user, owner.session_id))
        digest = hashlib.sha256(material.encode()).hexdigest()[:40]
        return f"{self._prefix}{owner.tenant}:{digest}"

    def _cipher(self, owner: VaultOwner) -> AESGCM:
        """The owner's own key: a vault's entries decrypt for nobody else."""
        identity = (owner.tenant, owner.key_id, owner.end_user)
        cipher = self._ciphers.get(identity)
        if cipher is None:
            info = b"modelgw session vault v2\x00" + "\x00".join(identity).encode()
            derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
                self._master
            )
            if len(self._ciphers) >= _CIPHER_CACHE:
                self._ciphers.pop(next(iter(self._ciphers)))
            cipher = self._ciphers[identity] = AESGCM(derived)
        return cipher

    async def load(self, owner: VaultOwner) -> Vault:
        key = self.redis_key(owner)
        try:
            # A client without decode_responses (see from_config) answers bytes; redis-py's
            # types cannot tell, and say bytes | str.
            async with asyncio.timeout(self._timeout_s):
                stored = cast("dict[bytes, bytes]", await self._redis.hgetall(key))
        except self._failures as exc:
            raise TrustLayerUnavailable(
                f"session vault unavailable ({type(exc).__name__}); the request was not sent"
            ) from None
        cipher = self._cipher(owner)
        entries = []
        reserved = []
        for field, blob in stored.items():
            name = field.decode()
            try:
                plain = cipher.decrypt(blob[:_NONCE], blob[_NONCE:], f"{key}\x00{name}".encode())
            except InvalidTag:
                raise TrustLayerUnavailable(
                    "a session vault entry failed authentication (tampered or wrong key); "
                    "the request was not sent"
                ) from None
            if name.startswith(_RESERVED):
                reserved.append(name[len(_RESERVED) :])
                continue
            data = json.loads(plain)
            entries.append(VaultEntry(name, data["v"], data["t"]))
        vault = Vault(entries)
        vault.reserve(reserved)
        return vault

    async def save(self, owner: VaultOwner, vault: Vault, known: set[str]) -> None:
        """Store entries and reservations not in `known` (those loaded at the turn's start)."""
        new = [e for e in vault.entries() if e.placeholder not in known]
        reserved = [p for p in vault.reserved if p not in known]
        if not new and not reserved:
            return
        key = self.redis_key(owner)
        cipher = self._cipher(owner)
        fields = [(e.placeholder, {"v": e.value, "t": e.entity_type}) for e in new]
        fields += [(_RESERVED + p, {}) for p in reserved]
        try:
            async with (
                asyncio.timeout(self._timeout_s),
                self._redis.pipeline(transaction=True) as pipe,
            ):
                for name, data in fields:
                    nonce = os.urandom(_NONCE)
                    plain = json.dumps(data).encode()
                    aad = f"{key}\x00{name}".encode()
                    # HSETNX: a concurrent turn that took the number first keeps it.
                    pipe.hsetnx(key, name, nonce + cipher.encrypt(nonce, plain, aad))
                pipe.expire(key, self._ttl_s)
                await pipe.execute()
        except self._failures as exc:
            raise TrustLayerUnavailable(
                f"session vault unavailable ({type(exc).__name__}); the request was not sent"
            ) from None

    async def close(self) -> None:
        await self._redis.aclose()
