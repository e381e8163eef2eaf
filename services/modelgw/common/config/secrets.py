"""Secret references: config holds where a secret lives, never the secret.

A reference is `env:NAME` (an environment variable) or `file:/path` (a file,
e.g. a mounted Kubernetes secret; one trailing newline is stripped). Values
are resolved when a component starts, so a missing secret fails at start with
the reference named, not on the first request.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator

_REFERENCE = re.compile(r"^(env:[A-Za-z_][A-Za-z0-9_]*|file:/.+)$")


class SecretResolutionError(RuntimeError):
    """A secret reference points at nothing."""


def _check_reference(value: str) -> str:
    if not _REFERENCE.match(value):
        raise ValueError(
            "must be a secret reference `env:NAME` or `file:/absolute/path`, "
            "never the secret itself"
        )
    return value


SecretRef = Annotated[str, AfterValidator(_check_reference)]
"""A config field that names a secret (`env:NAME` or `file:/path`)."""


def resolve_secret(reference: str) -> str:
    """Return the secret a reference points to, or raise naming the reference."""
    kind, _, target = reference.partition(":")
    if kind == "env":
        value = os.environ.get(target)
        if value is None:
            raise SecretResolutionError(f"{reference}: environment variable {target} is not set")
        return value
    if kind == "file":
        try:
            return Path(target).read_text(encoding="utf-8").removesuffix("\n")
        except OSError as exc:
            raise SecretResolutionError(f"{reference}: cannot read file: {exc.strerror}") from exc
    raise SecretResolutionError(f"{reference}: not a secret reference")
