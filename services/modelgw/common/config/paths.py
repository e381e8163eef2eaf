"""Where modelgw keeps local state when the config does not say.

Every path a service writes (the audit spool, the embedded SQLite audit
store) defaults to a directory under the state directory. The images set
`MODELGW_STATE_DIR=/var/lib/modelgw`, an absolute path the manifests mount a
volume on, so a container never writes relative to its working directory
(read-only in the shipped stacks). Unset, it is `.modelgw` in the working
directory: what `make run` and a developer's checkout expect.
"""

from __future__ import annotations

import os

STATE_DIR_ENV = "MODELGW_STATE_DIR"
DEVELOPER_STATE_DIR = ".modelgw"


def state_dir() -> str:
    """`$MODELGW_STATE_DIR`, or `.modelgw` (relative to the working directory) when unset."""
    return os.environ.get(STATE_DIR_ENV, "").strip() or DEVELOPER_STATE_DIR


def default_spool_directory() -> str:
    return f"{state_dir()}/audit-spool"


def default_audit_url() -> str:
    """The embedded SQLite store; an absolute state dir gives `sqlite+aiosqlite:////abs/...`."""
    return f"sqlite+aiosqlite:///{state_dir()}/audit.db"


def default_pseudonym_key_path() -> str:
    """Where `modelgw serve` keeps the audit pseudonym key it generated (when none is set)."""
    return f"{state_dir()}/audit-pseudonym.key"
