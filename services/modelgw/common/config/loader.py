"""Load config files and turn validation failures into messages an operator can act on."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from modelgw.common.config.schema import ModelgwConfig


class ConfigError(ValueError):
    """A config file cannot be used. The message names the file, the key and the reason."""


def _dotted(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def describe(source: str, error: ValidationError) -> str:
    """One line per problem: `source: key.path: reason` (also used for tenant documents)."""
    lines = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        # The provider union adds the type tag to the location (`providers.x.echo.foo`);
        # operators never wrote that tag as a key, so leave it out.
        if len(loc) >= 3 and loc[0] == "providers":
            loc = loc[:2] + loc[3:]
        key = _dotted(loc) or "(top level)"
        reason = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            reason = "unknown key (check the spelling against the documented schema)"
        for part in reason.split("; ") if key == "(top level)" else [reason]:
            lines.append(
                f"{source}: {part}" if key == "(top level)" else f"{source}: {key}: {part}"
            )
    return "\n".join(lines)


def parse_config(data: Mapping[str, Any], source: str = "<config>") -> ModelgwConfig:
    """Validate already-parsed config data; `source` names it in error messages."""
    try:
        return ModelgwConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe(source, exc)) from None


def _read(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif path.suffix in {".yaml", ".yml"}:
            data = yaml.safe_load(text) or {}
        else:
            raise ConfigError(f"{path}: unknown format, use .toml, .yaml or .yml")
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: not valid {path.suffix[1:].upper()}: {exc}") from None
    if not isinstance(data, Mapping):
        raise ConfigError(f"{path}: top level must be a table of sections")
    return data


def merge_layers(base: Mapping[str, Any], layer: Mapping[str, Any]) -> dict[str, Any]:
    """`layer` over `base`: tables merge key by key, anything else (values, arrays) replaces."""
    merged = dict(base)
    for key, value in layer.items():
        below = merged.get(key)
        if isinstance(below, Mapping) and isinstance(value, Mapping):
            merged[key] = merge_layers(below, value)
        else:
            merged[key] = value
    return merged


def load_config(path: str | Path, *layers: str | Path) -> ModelgwConfig:
    """Read a TOML (`.toml`) or YAML (`.yaml`/`.yml`) config file and validate it.

    Further files are layered over the first in order (`--config base.toml --config
    tenants.toml`): a deployment keeps one shared file and lets each environment add its
    own tenants or secret references without copying the rest.
    """
    paths = [Path(path), *(Path(p) for p in layers)]
    data: dict[str, Any] = {}
    for each in paths:
        data = merge_layers(data, _read(each))
    return parse_config(data, " + ".join(str(p) for p in paths))
