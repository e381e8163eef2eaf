"""One cell of the rate benchmark (rate x concurrency x path) and the markdown table of all."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from dataclasses import dataclass

from bench.vllm_rate.clients import Window


@dataclass
class Cell:
    rate: int
    concurrency: int
    prompts: str
    path: str
    windows: list[Window]
    seconds: float
    gateway_cpu_s: float
    chars_per_token: float = 4.0

    def tokens(self) -> float:
        return sum(w.chars for w in self.windows) / self.chars_per_token

    def tokens_per_s(self) -> float:
        return self.tokens() / (self.seconds * len(self.windows))

    def stream_rate(self) -> float:
        """Characters/s within the answers (first text to last), over all the cell's windows."""
        seconds = sum(w.stream_s for w in self.windows)
        return sum(w.stream_chars for w in self.windows) / seconds if seconds else float("nan")

    def ttft_p50_ms(self) -> float:
        ttfts = [t for w in self.windows for t in w.ttfts]
        return statistics.median(ttfts) * 1000 if ttfts else float("nan")

    def cpu_ms_per_1k(self) -> float:
        tokens = self.tokens()
        return self.gateway_cpu_s * 1e6 / tokens if tokens else float("nan")

    def errors(self) -> list[str]:
        return [e for w in self.windows for e in w.errors]

    def brief(self, direct: Cell) -> str:
        return (
            f"{self.rate:>6} tok/s c={self.concurrency:<3} {self.prompts:<8} {self.path:<10}"
            f" {self.tokens_per_s():8.0f} tok/s ({self.tokens_per_s() / direct.tokens_per_s():.3f})"
            f" in-stream {self.stream_rate() / direct.stream_rate():.3f}"
            f"  TTFT p50 {self.ttft_p50_ms():7.2f} ms"
            f" ({self.ttft_p50_ms() - direct.ttft_p50_ms():+.2f})"
            f"  gateway CPU {self.cpu_ms_per_1k():6.1f} ms/1k tok  errors {len(self.errors())}"
        )


def table(cells: list[Cell]) -> list[str]:
    lines = [
        "| rate tok/s | callers | prompts | direct tok/s | direct TTFT p50 ms "
        "| scanned: rate ratio | in-stream ratio | added TTFT p50 ms | CPU ms/1k tok "
        "| unscanned: rate ratio | in-stream ratio | added TTFT p50 ms | CPU ms/1k tok "
        "| errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    groups: dict[tuple[int, int, str], dict[str, Cell]] = {}
    for cell in cells:
        groups.setdefault((cell.rate, cell.concurrency, cell.prompts), {})[cell.path] = cell
    for (rate, concurrency, prompts), by_path in groups.items():
        direct = by_path["direct"]
        row = [
            f"{rate:,}",
            str(concurrency),
            prompts,
            f"{direct.tokens_per_s():,.0f}",
            f"{direct.ttft_p50_ms():.2f}",
        ]
        for name in ("scanned", "unscanned"):
            cell = by_path[name]
            row += [
                f"**{cell.tokens_per_s() / direct.tokens_per_s():.3f}**",
                f"{cell.stream_rate() / direct.stream_rate():.3f}",
                f"**{cell.ttft_p50_ms() - direct.ttft_p50_ms():+.2f}**",
                f"{cell.cpu_ms_per_1k():.1f}",
            ]
        errors = sum(len(c.errors()) for c in by_path.values())
        row.append(str(errors))
        lines.append("| " + " | ".join(row) + " |")
    seen = sorted({e for c in cells for e in c.errors()})
    if seen:
        lines += ["", "Errors seen: " + "; ".join(seen[:5])]
    return lines


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"
