"""The provider config example in services/modelgw/providers/README.md is valid config."""

from __future__ import annotations

import re
import tomllib

from modelgw.common.config.schema import ModelgwConfig
from tests.conftest import ROOT


def test_readme_example_validates() -> None:
    text = (ROOT / "services" / "modelgw" / "providers" / "README.md").read_text()
    block = re.search(r"```toml\n(.*?)```", text, re.S)
    assert block is not None
    config = ModelgwConfig.model_validate(tomllib.loads(block.group(1)))
    assert {p.type for p in config.providers.values()} == {
        "openai",
        "azure_openai",
        "anthropic",
        "bedrock",
        "vertex",
        "sagemaker",
        "openai_compatible",
        "cohere",
    }
