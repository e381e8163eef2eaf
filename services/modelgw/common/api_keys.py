"""The one form in which API keys are stored and compared."""

from __future__ import annotations

import hashlib
import secrets


def hash_api_key(key: str) -> str:
    """Lowercase hex SHA-256 of an API key.

    API keys are long random strings, so a fast unsalted hash is enough: there
    is nothing to brute-force, and a lookup must cost microseconds per request.
    """
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_api_key() -> str:
    """A fresh API key: 256 random bits, with a prefix that tells what it is when it leaks."""
    return f"mgw_{secrets.token_urlsafe(32)}"
