"""CPU per pattern recognizer on the benchmark's 1 KB texts: the figures of `pattern_parts`.

    PYTHONPATH=services:. python -m bench.trust.recognizer_cost [--texts 120]

Loads the detector in this process (NER window memo off), wraps each
recognizer's `analyze` with `time.process_time`, reads `--texts` unique 1 KB
texts of `bench.trust.corpus` once to warm up and once to measure, and prints
each recognizer's CPU ms per text, costliest first, with the part `pattern_parts`
assigns it when cut in two and each part's total. Not a test: the table in
`pattern_parts.COST_MS` only balances the parts, so refresh it when a
recognizer's share moves a lot.
"""

from __future__ import annotations

import argparse
import collections
import time
from collections.abc import Callable
from typing import Any

from bench.trust.corpus import messages
from modelgw.common.config.trust import TrustConfig
from modelgw.trust import pattern_parts
from modelgw.trust.detector import Detector


def _timed(analyze: Callable[..., Any], name: str, spent: dict[str, float]) -> Callable[..., Any]:
    def timed(*args: object, **kwargs: object) -> Any:
        started = time.process_time()
        try:
            return analyze(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - started

    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=120)
    args = parser.parse_args()
    detector = Detector(TrustConfig(ner_window_memo_entries=0))
    texts = messages(3, 1024, args.texts)
    for text in texts:
        detector.analyze_many([text])
    spent: dict[str, float] = collections.defaultdict(float)
    for recognizer in detector._analyzer.registry.recognizers:
        name = str(recognizer.name)  # type: ignore[has-type]  # Presidio sets it in __init__ unannotated
        recognizer.analyze = _timed(recognizer.analyze, name, spent)  # type: ignore[method-assign]  # timing wrapper, same signature
    started = time.process_time()
    for text in texts:
        detector.analyze_many([text])
    whole = (time.process_time() - started) / len(texts) * 1000
    cut = pattern_parts.assign(spent, 2)
    print(f"detection CPU per text {whole:.2f} ms, of it recognizers:")
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {name:36s} {seconds / len(texts) * 1000:6.3f} ms  part {cut[name]}")
    parts = [sum(s for n, s in spent.items() if cut[n] == p) / len(texts) * 1000 for p in (0, 1)]
    print(f"parts: {parts[0]:.2f} ms and {parts[1]:.2f} ms")


if __name__ == "__main__":
    main()
