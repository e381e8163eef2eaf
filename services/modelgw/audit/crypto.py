"""Envelope encryption of raw content, and crypto-shredding.

Three layers of keys:

* the tenant key (KEK) comes from a secret reference in config and never
  touches the database;
* a subject key per (tenant, end user) is random, stored only wrapped by the
  tenant key in `audit_subject_keys`;
* raw content is sealed by the gateway under the tenant key (so the spool
  never holds clear text) and re-encrypted by the store under the subject key.

Deleting a subject key row makes that subject's raw content unreadable;
deleting all of a tenant's rows and destroying its KEK does the same for the
tenant. The ciphertext stays in the chained record, so the chain still verifies.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from modelgw.common.config.audit import RawContentConfig
from modelgw.common.config.secrets import resolve_secret
from modelgw.common.errors import FailedPrecondition
from modelgw.common.message_json import (
    message_from_dict,
    message_to_dict,
    tool_call_from_dict,
    tool_call_to_dict,
)
from modelgw.common.messages import ChatMessage
from modelgw.common.tools import ToolCall

_VERSION = b"\x01"
_NONCE = 12
TENANT_SUBJECT = "*"
"""Subject of records without an end user: shredded only with the whole tenant."""


class RawContentUnreadable(FailedPrecondition):
    """The key that protected this raw content was destroyed (or never existed)."""


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(_NONCE)
    return _VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    if not sealed.startswith(_VERSION) or len(sealed) < 1 + _NONCE + 16:
        raise RawContentUnreadable("raw content is not in a format this version can read")
    try:
        return AESGCM(key).decrypt(sealed[1 : 1 + _NONCE], sealed[1 + _NONCE :], aad)
    except InvalidTag:
        raise RawContentUnreadable("raw content does not decrypt under this key") from None


def _aad(*parts: str) -> bytes:
    return "\x1f".join(parts).encode()


def load_kek(reference: str) -> bytes:
    key = base64.b64decode(resolve_secret(reference), validate=True)
    if len(key) != 32:
        raise ValueError(f"{reference}: the tenant key must be 32 bytes, base64 encoded")
    return key


def subject_of(end_user: str) -> str:
    return end_user or TENANT_SUBJECT


@dataclass(frozen=True, slots=True)
class RawContent:
    prompt: tuple[ChatMessage, ...]
    response: str
    tool_calls: tuple[ToolCall, ...] = ()
    """The answer's tool calls as the caller got them."""

    def to_bytes(self) -> bytes:
        """Images are kept as digests (`ImagePart.digest`): raw content is text."""
        messages = [
            message_to_dict(
                ChatMessage(
                    m.role,
                    m.content,
                    m.tool_calls,
                    m.tool_call_id,
                    tuple(i.digest() for i in m.images),
                )
            )
            for m in self.prompt
        ]
        data: dict[str, object] = {"prompt": messages, "response": self.response}
        if self.tool_calls:
            data["tool_calls"] = [tool_call_to_dict(c) for c in self.tool_calls]
        return json.dumps(data).encode()


class TenantKeys:
    """The tenant keys from config; a tenant without one keeps no raw content."""

    def __init__(self, keys: Mapping[str, bytes]) -> None:
        self._keys = dict(keys)

    @classmethod
    def from_config(cls, raw_content: Mapping[str, RawContentConfig]) -> TenantKeys:
        return cls({tenant: load_kek(c.key) for tenant, c in raw_content.items()})

    def keeps_raw(self, tenant: str) -> bool:
        return tenant in self._keys

    def _key(self, tenant: str) -> bytes:
        try:
            return self._keys[tenant]
        except KeyError:
            raise RawContentUnreadable(f"no raw-content key configured for {tenant!r}") from None

    # -- gateway side: seal for transport and the spool --------------------------------
    def seal_for_transport(self, tenant: str, request_id: str, raw: RawContent) -> bytes:
        return _seal(self._key(tenant), raw.to_bytes(), _aad("transport", tenant, request_id))

    def open_transport(self, tenant: str, request_id: str, sealed: bytes) -> bytes:
        return _open(self._key(tenant), sealed, _aad("transport", tenant, request_id))

    # -- store side: subject keys ------------------------------------------------------
    def new_subject_key(self, tenant: str, subject: str, key_id: str) -> tuple[bytes, bytes]:
        """A fresh subject key and its wrapped form (the only form that is stored)."""
        key = AESGCM.generate_key(bit_length=256)
        return key, _seal(self._key(tenant), key, _aad("subject", tenant, subject, key_id))

    def unwrap_subject_key(self, tenant: str, subject: str, key_id: str, wrapped: bytes) -> bytes:
        return _open(self._key(tenant), wrapped, _aad("subject", tenant, subject, key_id))


def encrypt_raw(subject_key: bytes, tenant: str, request_id: str, plaintext: bytes) -> bytes:
    return _seal(subject_key, plaintext, _aad("record", tenant, request_id))


def decrypt_raw(subject_key: bytes, tenant: str, request_id: str, ciphertext: bytes) -> RawContent:
    data = json.loads(_open(subject_key, ciphertext, _aad("record", tenant, request_id)))
    prompt: Sequence[dict[str, object]] = data["prompt"]
    return RawContent(
        tuple(message_from_dict(m) for m in prompt),
        data["response"],
        tuple(tool_call_from_dict(c) for c in data.get("tool_calls") or ()),
    )
