"""Detectors for process-pool tests: they start in milliseconds (no model) and misbehave on cue.

They run inside real detector processes (`modelgw.trust.detector_worker`), which
import them from here by name; so they live in a module, not in a test.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence

from modelgw.common.config.trust import TrustConfig
from modelgw.trust.detection_plan import RawSpan, Unit

HANG = "hang-forever"
CRASH = "crash-now"
RAISE = "raise-please"
_NAME = re.compile(r"\bAlice\b")


class ScriptedRunner:
    """Every `Alice` is a PERSON; a text with HANG sleeps, CRASH exits, RAISE raises."""

    def run_units(self, units: Sequence[Unit]) -> list[list[RawSpan]]:
        out: list[list[RawSpan]] = []
        for unit in units:
            if HANG in unit.text:
                time.sleep(3600)
            if CRASH in unit.text:
                os._exit(3)
            if RAISE in unit.text:
                raise ValueError(f"choked on {unit.text}")
            out.append([("PERSON", m.start(), m.end(), 0.9) for m in _NAME.finditer(unit.text)])
        return out


def scripted(config: TrustConfig) -> ScriptedRunner:
    return ScriptedRunner()


def slow_start(config: TrustConfig) -> ScriptedRunner:
    """Ready only after a second: long enough to close a pool while a successor starts."""
    time.sleep(1.0)
    return ScriptedRunner()


def failing_start(config: TrustConfig) -> ScriptedRunner:
    raise RuntimeError("model files are missing")


class HangingRunner:
    """Never answers: a detector stuck in a pathological regex or a wedged model."""

    def run_units(self, units: Sequence[Unit]) -> list[list[RawSpan]]:
        time.sleep(3600)
        return []


def hanging(config: TrustConfig) -> HangingRunner:
    return HangingRunner()
