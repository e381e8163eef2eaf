"""`make bench`: list the benchmark suites, their make targets and where results are recorded."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    suites = sorted(p for p in HERE.iterdir() if p.is_dir() and (p / "README.md").exists())
    if not suites:
        print("no benchmark suites yet")
        return
    for suite in suites:
        first = (suite / "README.md").read_text().splitlines()[0].lstrip("# ")
        print(f"make bench-{suite.name:10s} {first}   (results: bench/{suite.name}/RESULTS.md)")


if __name__ == "__main__":
    main()
