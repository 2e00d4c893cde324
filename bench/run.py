"""Run every benchmark in bench/ and write BENCHMARKS.md with the machine and date.

A benchmark module is ``bench/bench_*.py`` exposing ``BENCHMARKS``: a list of
``Benchmark``. Each is timed ``repeat`` times after one warm-up; we report the median,
the fastest and the slowest run, so one noisy run does not decide the figure.
"""

import importlib.util
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from harness import Benchmark  # noqa: E402 - after the path is set


def machine() -> str:
    """One line naming the machine the figures come from."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def discover() -> list[Benchmark]:
    found: list[Benchmark] = []
    for path in sorted(HERE.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        if spec is None or spec.loader is None:
            raise ImportError(path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found.extend(module.BENCHMARKS)
    return found


def run(benchmark: Benchmark) -> list[float]:
    state = benchmark.setup() if benchmark.setup else None
    benchmark.run(state)  # warm-up
    timings = []
    for _ in range(benchmark.repeat):
        started = time.perf_counter()
        benchmark.run(state)
        timings.append(time.perf_counter() - started)
    return timings


def format_ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def main() -> None:
    rows = []
    for benchmark in discover():
        print(f"running {benchmark.name} ...", flush=True)
        timings = run(benchmark)
        median = statistics.median(timings)
        rate = f"{benchmark.ops / median:,.0f}/s" if benchmark.ops else ""
        rows.append(
            f"| {benchmark.name} | {benchmark.repeat} | {format_ms(median)} "
            f"| {format_ms(min(timings))} | {format_ms(max(timings))} | {rate} "
            f"| {benchmark.target} |"
        )
        print(rows[-1])
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py); do not edit by hand.",
        "",
        f"- Date: {stamp}",
        f"- Machine: {machine()}",
        "",
        "| Benchmark | Runs | Median | Fastest | Slowest | Rate (median) | Target |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
    ]
    (HERE.parent / "BENCHMARKS.md").write_text("\n".join(lines), encoding="utf-8")
    print("BENCHMARKS.md updated")


if __name__ == "__main__":
    main()
