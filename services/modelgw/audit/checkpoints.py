"""Signed checkpoints of each tenant's chain head, kept outside the chain table.

A checkpoint says "record `seq` of tenant T had hash H at time S", signed with
the Ed25519 key from `audit.signing_key`. Someone who can write the database
can recompute every hash of an edited chain, but cannot forge the signature,
so `verify` catches a rewritten or truncated chain at the next checkpoint.
A `purge` checkpoint anchors the chain after retention removed its start.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from modelgw.audit.tables import audit_checkpoints, audit_records
from modelgw.common.config.secrets import resolve_secret

log = logging.getLogger(__name__)

CHECKPOINT = "checkpoint"
PURGE = "purge"


def key_id_of(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def message(tenant: str, kind: str, seq: int, record_hash: str, signed_at: datetime) -> bytes:
    stamp = signed_at.astimezone(UTC).isoformat(timespec="microseconds")
    return f"modelgw-audit-checkpoint/v1\n{tenant}\n{kind}\n{seq}\n{record_hash}\n{stamp}".encode()


class Signer:
    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self.public = private.public_key()
        self.key_id = key_id_of(self.public)

    @classmethod
    def from_reference(cls, reference: str) -> Signer:
        """Load a PEM private key, or a base64 32-byte seed, from a secret reference."""
        secret = resolve_secret(reference).strip()
        if secret.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(secret.encode(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{reference}: not an Ed25519 private key")
            return cls(key)
        seed = base64.b64decode(secret, validate=True)
        if len(seed) != 32:
            raise ValueError(f"{reference}: an Ed25519 seed is 32 bytes, base64 encoded")
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    def sign(self, tenant: str, kind: str, seq: int, record_hash: str, at: datetime) -> bytes:
        return self._private.sign(message(tenant, kind, seq, record_hash, at))

    async def write(
        self, conn: AsyncConnection, tenant: str, kind: str, seq: int, record_hash: str
    ) -> None:
        now = datetime.now(UTC)
        await conn.execute(
            insert(audit_checkpoints).values(
                tenant=tenant,
                kind=kind,
                seq=seq,
                record_hash=record_hash,
                signed_at=now,
                key_id=self.key_id,
                signature=self.sign(tenant, kind, seq, record_hash, now),
            )
        )


def load_public_key(text: str) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM or from its 32 raw bytes in base64."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    raw = base64.b64decode(text, validate=True)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes, base64 encoded")
    return Ed25519PublicKey.from_public_bytes(raw)


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


@dataclass(frozen=True, slots=True)
class Verifier:
    """Public keys by key id; checks checkpoint signatures."""

    keys: dict[str, Ed25519PublicKey]

    @classmethod
    def of(cls, signer: Signer | None, earlier: list[str]) -> Verifier:
        """The current signing key's public half plus earlier (rotated-out) public keys."""
        keys: dict[str, Ed25519PublicKey] = {}
        for i, text in enumerate(earlier):
            try:
                public = load_public_key(text)
            except ValueError as exc:
                raise ValueError(f"audit.checkpoint_public_keys[{i}]: {exc}") from None
            keys[key_id_of(public)] = public
        if signer is not None:
            keys[signer.key_id] = signer.public
        return cls(keys)

    def valid(
        self, key_id: str, signature: bytes, tenant: str, kind: str, seq: int, h: str, at: datetime
    ) -> bool | None:
        """True/False, or None when the key is unknown here (cannot tell)."""
        public = self.keys.get(key_id)
        if public is None:
            return None
        try:
            public.verify(signature, message(tenant, kind, seq, h, at))
        except InvalidSignature:
            return False
        return True


async def checkpoint_heads(engine: AsyncEngine, signer: Signer) -> int:
    """Sign the head of every tenant chain that moved since its last checkpoint."""
    c, k = audit_records.c, audit_checkpoints.c
    written = 0
    async with engine.begin() as conn:
        heads = (await conn.execute(select(c.tenant, func.max(c.seq)).group_by(c.tenant))).all()
        signed = dict(
            (await conn.execute(select(k.tenant, func.max(k.seq)).group_by(k.tenant))).all()
        )
        for tenant, seq in heads:
            if signed.get(tenant) is not None and signed[tenant] >= seq:
                continue
            head_hash = (
                await conn.execute(select(c.record_hash).where(c.tenant == tenant, c.seq == seq))
            ).scalar_one()
            await signer.write(conn, tenant, CHECKPOINT, seq, head_hash)
            written += 1
    return written


async def run_checkpointer(engine: AsyncEngine, signer: Signer, interval_s: float) -> None:
    """The audit service's background task; a failed round is logged and retried next interval."""
    while True:
        await asyncio.sleep(interval_s)
        try:
            count = await checkpoint_heads(engine, signer)
            if count:
                log.info("signed %d audit chain checkpoints", count)
        except Exception:
            log.exception("audit checkpoint round failed; retrying in %.0fs", interval_s)
