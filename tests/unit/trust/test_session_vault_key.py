"""The session vault's master key: 32 bytes, base64, or the store refuses to start."""

from __future__ import annotations

import base64
import os

import pytest

from modelgw.trust.session_vault import decode_master_key


def test_master_key_must_be_long_enough() -> None:
    assert len(decode_master_key(base64.b64encode(os.urandom(32)).decode())) == 32
    with pytest.raises(ValueError, match="32"):
        decode_master_key("c2hvcnQ=")
