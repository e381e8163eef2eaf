"""Put one conformance adapter behind a real in-process gateway (trust engine, audit store)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from modelgw.common.config.schema import ModelgwConfig
from tests import configs
from tests.conformance.conftest import Harness

KEY = "mgw_test_key_providers_0123456789"
AUTH = (("authorization", f"Bearer {KEY}"),)
PRICE = {"input_per_million": 3.0, "output_per_million": 15.0}


def gateway_config(harness: Harness, tmp_path: Path, **provider: Any) -> ModelgwConfig:
    """The test config plus this adapter as provider and a model `byom` routed to it."""
    return configs.gateway_config(
        {
            "providers": {
                harness.spec.id: harness.provider_table(prices={"echo": PRICE}, **provider)
            },
            "models": {
                "byom": {
                    "description": "bring-your-own-model test route",
                    "route": [{"provider": harness.spec.id, "model": "echo"}],
                }
            },
        },
        tmp_path=tmp_path,
        keys={"dev": KEY},
    )
