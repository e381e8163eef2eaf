"""How much the fuzz suite runs: a few dozen examples in `make test`, more under `make fuzz`.

Derandomized (a fixed seed) and without an example database, so CI and a
developer replay the same examples; `FUZZ_EXAMPLES` sets how many per test.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))

FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
