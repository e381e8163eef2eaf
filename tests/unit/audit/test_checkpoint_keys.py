"""Checkpoint signing keys as configured: a seed by reference signs, a bad public key is named."""

from __future__ import annotations

import base64
import os

import pytest

from modelgw.audit.checkpoints import Signer, Verifier
from tests.unit.audit.factory import BASE_TIME


def test_signing_key_loads_from_a_seed_reference(monkeypatch) -> None:
    seed = os.urandom(32)
    monkeypatch.setenv("AUDIT_SIGNING_SEED", base64.b64encode(seed).decode())
    signer = Signer.from_reference("env:AUDIT_SIGNING_SEED")
    at = BASE_TIME
    signature = signer.sign("acme", "checkpoint", 3, "ab" * 32, at)
    verifier = Verifier({signer.key_id: signer.public})
    assert verifier.valid(signer.key_id, signature, "acme", "checkpoint", 3, "ab" * 32, at)
    assert not verifier.valid(signer.key_id, signature, "acme", "checkpoint", 4, "ab" * 32, at)


def test_a_malformed_public_key_is_named() -> None:
    with pytest.raises(ValueError, match=r"checkpoint_public_keys\[1\]"):
        Verifier.of(None, [base64.b64encode(b"\x01" * 32).decode(), "not base64 !"])
