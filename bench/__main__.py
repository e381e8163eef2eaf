"""`make bench`: list the benchmark suites, from the Makefile's own help lines (one source)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_HELP = re.compile(r'@echo "make ((?:bench|eval)-[\w-]+)\s+(.*)"')


def main() -> None:
    suites = _HELP.findall((ROOT / "Makefile").read_text())
    for target, description in suites:
        print(f"make {target:14s} {description}")
    print(
        "\nResults are recorded beside each suite under bench/<suite>/ (machine, command, numbers)."
    )


if __name__ == "__main__":
    main()
