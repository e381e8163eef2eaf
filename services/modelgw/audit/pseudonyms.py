"""Pseudonyms for the caller identifiers an audit record keeps: `end_user` and `session_id`.

Callers often send an e-mail address as the end user, and a session id can be
anything the caller chose (a ticket number, a name). The audit log needs them
to group and find a person's records, not to read them, so the gateway stores
a keyed hash instead: `ps1:` + hex HMAC-SHA256 under a key of the tenant's own,
derived (HKDF) from `audit.pseudonym_key`. A keyed hash, not a plain one, so
nobody without the key can confirm a guessed address against the log; per
tenant, so the same address in two tenants gives unrelated pseudonyms.

The value is hashed where the record is made (the gateway's audit sink), so
the spool, the Ingest call, the table, exports and dead letters only ever
hold the pseudonym. Compliance reads hash what an auditor asks for the same
way (`end_user_forms`). Records written before pseudonymisation keep their
clear values (the chain covers them as written), so the forms of an end user
are its pseudonym and its clear value: old and new records are found alike.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import Literal

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from modelgw.audit.records import AuditRecord
from modelgw.common.config.audit import AuditConfig
from modelgw.common.config.loader import ConfigError
from modelgw.common.config.paths import default_pseudonym_key_path
from modelgw.common.config.secrets import resolve_secret

log = logging.getLogger(__name__)

PREFIX = "ps1:"
"""Marks a stored value as a pseudonym (scheme 1: HMAC-SHA256, hex)."""
_INFO = b"modelgw-audit-pseudonym/v1\x1f"
Field = Literal["end_user", "session_id"]


def decode_key(secret: str, where: str) -> bytes:
    """32+ random bytes given as hex or base64."""
    for decode in (bytes.fromhex, base64.b64decode):
        try:
            key = decode(secret.strip())
        except (ValueError, binascii.Error):
            continue
        if len(key) >= 32:
            return key
    raise ConfigError(f"{where}: the pseudonym key must be 32+ random bytes, hex or base64")


class Pseudonyms:
    """Keyed pseudonyms of end users and session ids, one derived key per tenant."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) < 32:
            raise ValueError("the pseudonym key must be at least 32 bytes")
        self._master = master_key
        self._tenant_keys: dict[str, bytes] = {}

    def _key(self, tenant: str) -> bytes:
        key = self._tenant_keys.get(tenant)
        if key is None:
            hkdf = HKDF(
                algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO + tenant.encode()
            )
            key = self._tenant_keys[tenant] = hkdf.derive(self._master)
        return key

    def of(self, tenant: str, field: Field, value: str) -> str:
        """The pseudonym of `value` in `tenant`'s `field`; empty stays empty (no end user)."""
        if not value:
            return ""
        message = f"{field}\x1f{value}".encode()
        return PREFIX + hmac.new(self._key(tenant), message, hashlib.sha256).hexdigest()

    def record(self, record: AuditRecord) -> AuditRecord:
        """The record as the audit log keeps it: its caller identifiers pseudonymised.

        Applied exactly once, where the gateway hands the record on (`audit.sink`). A
        record without either is returned as it is (copying 40 fields for nothing was
        a tenth of the audit path's cost on the request).
        """
        if not record.end_user and not record.session_id:
            return record
        return replace(
            record,
            end_user=self.of(record.tenant, "end_user", record.end_user),
            session_id=self.of(record.tenant, "session_id", record.session_id),
        )

    def end_user_forms(self, tenant: str, end_user: str) -> tuple[str, ...]:
        """Every stored value that denotes this end user: its pseudonym, and the value
        itself (records from before pseudonymisation, or a pseudonym copied from a record)."""
        if not end_user:
            return ()
        pseudonym = self.of(tenant, "end_user", end_user)
        return (pseudonym, end_user)

    @classmethod
    def from_config(cls, config: AuditConfig, *, generate: bool = True) -> Pseudonyms:
        """The configured key, else the state directory's (made on first use if `generate`)."""
        if config.pseudonym_key:
            where = "audit.pseudonym_key"
            return cls(decode_key(resolve_secret(config.pseudonym_key), where))
        return cls(state_dir_key(Path(default_pseudonym_key_path()), generate=generate))


def is_pseudonym(value: str) -> bool:
    return value.startswith(PREFIX)


def state_dir_key(path: Path, *, generate: bool) -> bytes:
    """The key `modelgw serve` keeps in its state directory, created once (mode 0600).

    Created by linking a finished temporary file into place, so two processes starting
    at once agree on one key (the second link fails and it reads the first one's).
    """
    if not path.exists():
        if not generate:
            raise ConfigError(
                f"audit.pseudonym_key is not set and {path} does not exist: set "
                'audit.pseudonym_key (e.g. "file:/run/secrets/modelgw/audit-pseudonym/key") '
                "to the secret the gateway and the audit service use"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(base64.b64encode(os.urandom(32)).decode() + "\n")
            try:
                os.link(temporary, path)
                log.warning(
                    "audit.pseudonym_key is not set: generated one in %s (keep it with the "
                    "audit store: without it, end-user filters miss the records written so far)",
                    path,
                )
            except FileExistsError:
                pass
            finally:
                temporary.unlink(missing_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"audit.pseudonym_key is not set and {path} cannot be created "
                f"({exc.strerror}): set audit.pseudonym_key to a secret reference"
            ) from None
    return decode_key(path.read_text(encoding="utf-8"), str(path))
