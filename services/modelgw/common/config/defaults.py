"""Embedded defaults: what `modelgw serve` runs with when given no config.

A loopback-only gateway with the `echo` backend, SQLite audit store, an
in-process cache, two detector processes (forked from one that loaded the model, so
they share its memory) and one `dev` tenant, so a new user sees
the whole flow (masking, restoring, auditing) with one command and no
infrastructure.
"""

from __future__ import annotations

import os
import secrets

from modelgw.common.api_keys import hash_api_key
from modelgw.common.config.paths import STATE_DIR_ENV, state_dir
from modelgw.common.config.schema import ModelgwConfig

__all__ = [
    "DEV_KEY_ENV",
    "DEV_TENANT",
    "STATE_DIR_ENV",
    "dev_api_key",
    "embedded_config",
    "embedded_control_url",
    "state_dir",
]

DEV_KEY_ENV = "MODELGW_DEV_API_KEY"
DEV_TENANT = "dev"


def dev_api_key() -> tuple[str, bool]:
    """The dev key and whether it came from the environment (else freshly generated)."""
    fixed = os.environ.get(DEV_KEY_ENV, "").strip()
    if fixed:
        return fixed, True
    return "mgw_dev_" + secrets.token_urlsafe(24), False


def embedded_control_url() -> str:
    """Where `modelgw serve` without a config keeps tenant versions: beside the audit store,
    so what a developer applied survives a restart."""
    return f"sqlite+aiosqlite:///{state_dir()}/control.db"


def embedded_config(dev_key: str) -> ModelgwConfig:
    return ModelgwConfig.model_validate(
        {
            "providers": {
                "echo": {
                    "type": "echo",
                    "description": "Answers with the prompt it received (shows the masking).",
                }
            },
            "models": {
                "echo": {
                    "description": "Demo model: echoes the masked prompt; modelgw restores it.",
                    "route": [{"provider": "echo"}],
                }
            },
            "tenants": {
                DEV_TENANT: {
                    "display_name": "Local development",
                    "api_keys": [
                        {
                            "id": "dev",
                            "sha256": hash_api_key(dev_key),
                            "roles": ["user", "auditor", "admin"],
                        }
                    ],
                }
            },
            # The audit store and spool take their defaults under state_dir().
            # Loopback only, no load balancer to tell: Ctrl-C stops at once.
            "server": {"drain_s": 0},
        }
    )
