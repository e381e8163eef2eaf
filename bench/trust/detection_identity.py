"""Whether two versions of the detector find exactly the same things: a dump, then a diff.

    python -m bench.trust.detection_identity dump before.json     (on the old code)
    python -m bench.trust.detection_identity dump after.json      (on the new code)
    python -m bench.trust.detection_identity compare before.json after.json
    python -m bench.trust.detection_identity dump --parts 2 cut.json  (recognizers in parts)

For work that must not change a single detection (speed work): the detector
reads every text of the dev parts, eval_set, the identifier sweep, the
locale and name probes' tuning frames and the speed benchmark's texts, and
the dump keeps, per text, its final detections (type, offsets, score, in
order) and the raw spans of its units (sorted; a pattern unit's after its
duplicates are removed, `detection_plan.pattern_findings`). The sealed parts (the
business and independent test sets, the probes' held-out frames) are read
too, but only for identity: their dump holds a digest per text (of the text
and of what was found in it), never a text or a detection, and `compare`
reports only how many of their digests differ. `--parts N` runs each text's
pattern recognizers in N parts (`detection_plan.in_parts`, as the pool does
for a lone text) and puts them together: compared with a dump without it, the
final detections must be the same (raw spans differ: they are the parts').
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from bench.trust.corpus import chat, messages
from modelgw.common.config.trust import TrustConfig
from modelgw.trust.detection_plan import finish, in_parts, joined, make_plan, pattern_findings
from modelgw.trust.detector import Detector

BATCH = 16
Texts = Callable[[], list[str]]


def _jsonl(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.open(encoding="utf-8")]


def _dev_business() -> list[str]:
    from bench.trust.business_set.build import DEV

    return _jsonl(DEV.path)


def _dev_independent() -> list[str]:
    from bench.trust.independent_set.build import DEV

    return _jsonl(DEV.path)


def _eval_set() -> list[str]:
    return _jsonl(Path(__file__).parent / "eval_set.jsonl")


def _sweep() -> list[str]:
    from tests.unit.trust.identifier_variants import variants

    return [v.text for v in variants(13, 200, 30, None, None)]


def _locale_frames() -> list[str]:
    from bench.trust import locale_probe

    return [p.text for p, _ in locale_probe.probes(locale_probe.LATIN, 96, 29)]


def _name_frames() -> list[str]:
    from bench.trust import name_probe

    warnings.filterwarnings("ignore", module="faker")
    sample = name_probe.probes(name_probe.LOCALES, 48, 31, name_probe.FRAMES)
    return [t for _, _, t, _ in sample]


def _bench() -> list[str]:
    texts = [t for size in (200, 1024, 4096) for t in messages(1, size, 100)]
    return texts + [t for seed in range(6) for t in chat(100 + seed)]


def _sealed_business() -> list[str]:
    from bench.trust.business_set.build import TEST

    return _jsonl(TEST.path)


def _sealed_independent() -> list[str]:
    from bench.trust.independent_set.build import TEST

    return _jsonl(TEST.path)


def _sealed_locale_frames() -> list[str]:
    from bench.trust import locale_probe
    from bench.trust.locale_probe_held import HELD_FRAMES

    return [p.text for p, _ in locale_probe.probes(locale_probe.LATIN, 96, 30, HELD_FRAMES)]


def _sealed_name_frames() -> list[str]:
    from bench.trust import name_probe
    from bench.trust.name_probe_held import HELD_FRAMES

    warnings.filterwarnings("ignore", module="faker")
    return [t for _, _, t, _ in name_probe.probes(name_probe.LOCALES, 48, 32, HELD_FRAMES)]


OPEN: dict[str, Texts] = {
    "business dev": _dev_business,
    "independent dev": _dev_independent,
    "eval_set": _eval_set,
    "identifier sweep": _sweep,
    "locale probe tuning frames": _locale_frames,
    "name probe tuning frames": _name_frames,
    "speed bench texts": _bench,
}
SEALED: dict[str, Texts] = {
    "business test (sealed)": _sealed_business,
    "independent test (sealed)": _sealed_independent,
    "locale probe held-out frames (sealed)": _sealed_locale_frames,
    "name probe held-out frames (sealed)": _sealed_name_frames,
}


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def _found(
    detector: Detector, texts: list[str], parts: int = 1
) -> list[tuple[list[object], list[object]]]:
    """Per text: the final detections in order, and the raw spans of its units, sorted."""
    out: list[tuple[list[object], list[object]]] = []
    for i in range(0, len(texts), BATCH):
        items = [(t, (), "t") for t in texts[i : i + BATCH]]
        plan = make_plan(items, detector._scope)
        cut, origin = in_parts(plan.units, parts)
        raw = joined(detector.run_units(cut), origin, len(plan.units))
        final = finish(plan, raw, detector._threshold)
        for text_plan, detections in zip(plan.texts, final, strict=True):
            found = {n: raw[n] for n, _ in text_plan.ner}
            if text_plan.pattern is not None:  # as one pass of all recognizers leaves them
                n = text_plan.pattern
                found[n] = pattern_findings(text_plan.norm.text, raw[n])
            spans: list[object] = [[n, *sorted(found[n])] for n in sorted(found)]
            out.append(([[d.entity_type, d.start, d.end, d.score] for d in detections], spans))
    return out


def dump(path: Path, parts: int = 1) -> None:
    detector = Detector(TrustConfig(ner_window_memo_entries=0))
    result: dict[str, object] = {}
    for name, texts_of in {**OPEN, **SEALED}.items():
        texts = texts_of()
        started = time.perf_counter()
        found = _found(detector, texts, parts)
        if name in SEALED:
            result[name] = [_digest(t, f, r) for t, (f, r) in zip(texts, found, strict=True)]
        else:
            result[name] = [
                {"text": t, "final": f, "raw": r} for t, (f, r) in zip(texts, found, strict=True)
            ]
        print(f"{name}: {len(texts)} texts in {time.perf_counter() - started:.0f} s")
    path.write_text(json.dumps(result, ensure_ascii=False) + "\n", encoding="utf-8")


def compare(before: Path, after: Path) -> int:
    a = json.loads(before.read_text(encoding="utf-8"))
    b = json.loads(after.read_text(encoding="utf-8"))
    differing = 0
    total = 0
    for name in [*OPEN, *SEALED]:
        left, right = a[name], b[name]
        if len(left) != len(right):
            print(f"{name}: {len(left)} texts before, {len(right)} after")
            differing += 1
            continue
        diffs = [i for i, (x, y) in enumerate(zip(left, right, strict=True)) if x != y]
        total += len(left)
        differing += len(diffs)
        print(f"{name}: {len(left)} texts, {len(diffs)} differ")
        if name in OPEN:
            for i in diffs[:3]:
                print(f"  {left[i]['text']!r}\n    before {left[i]}\n    after  {right[i]}")
    print(f"all: {total} texts, {differing} differ")
    return 1 if differing else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    dumping = sub.add_parser("dump")
    dumping.add_argument("path", type=Path)
    dumping.add_argument("--parts", type=int, default=1, help="pattern recognizers in N parts")
    both = sub.add_parser("compare")
    both.add_argument("before", type=Path)
    both.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.path, args.parts)
    else:
        sys.exit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
