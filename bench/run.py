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

from harness import Benchmark, Figure, Measurement  # noqa: E402 - after the path is set


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


def discover() -> list[Benchmark | Measurement]:
    only = os.environ.get("JIGSAW_BENCH_ONLY", "")
    found: list[Benchmark | Measurement] = []
    for path in sorted(HERE.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        if spec is None or spec.loader is None:
            raise ImportError(path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found.extend(module.BENCHMARKS)
    # JIGSAW_BENCH_ONLY=lookup,febrl runs the benchmarks whose names contain one of the words.
    words = [word.strip().lower() for word in only.split(",") if word.strip()]
    return [b for b in found if not words or any(w in b.name.lower() for w in words)]


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


def _mark(figure: Figure) -> str:
    return {True: "met", False: "**not met**", None: ""}[figure.met]


_MIN_CELLS = 3
_OLD_TIMING_CELLS = 7


def _earlier_rows(path: Path) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Rows of the last BENCHMARKS.md, keyed by name, kept when a partial run skips them."""
    timings: dict[str, str] = {}
    figures: dict[str, str] = {}
    notes: dict[str, str] = {}
    if not path.exists():
        return timings, figures, notes
    # Files written before the two tables had one table of timings, dated in the header.
    section = "## Timings"
    undated = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("- Date: "):
            undated = line.removeprefix("- Date: ")[:10]
        if line.startswith("## "):
            section = line
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if line.startswith("|") and not line.startswith("|---") and len(cells) >= _MIN_CELLS:
            if section == "## Timings" and cells[0] != "Benchmark":
                timings[cells[0]] = (
                    line if len(cells) > _OLD_TIMING_CELLS else f"{line} {undated} |"
                )
            elif section == "## Measurements" and cells[0] != "Measurement":
                figures[f"{cells[0]} / {cells[1]}"] = line
        elif line.startswith("- **") and "**:" in line:
            notes[line[4 : line.index("**:")]] = line
    return timings, figures, notes


def main() -> None:
    target = HERE.parent / "BENCHMARKS.md"
    timings, figures, notes = _earlier_rows(target)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    for benchmark in discover():
        print(f"running {benchmark.name} ...", flush=True)
        if isinstance(benchmark, Measurement):
            for key in [k for k in figures if k.startswith(f"{benchmark.name} / ")]:
                del figures[key]
            for figure in benchmark.measure():
                figures[f"{benchmark.name} / {figure.name}"] = (
                    f"| {benchmark.name} | {figure.name} | {figure.value} | {figure.target} "
                    f"| {_mark(figure)} | {stamp} |"
                )
                print(figures[f"{benchmark.name} / {figure.name}"], flush=True)
            if benchmark.how:
                notes[benchmark.name] = f"- **{benchmark.name}**: {benchmark.how}"
            continue
        measured = run(benchmark)
        median = statistics.median(measured)
        rate = f"{benchmark.ops / median:,.0f}/s" if benchmark.ops else ""
        timings[benchmark.name] = (
            f"| {benchmark.name} | {benchmark.repeat} | {format_ms(median)} "
            f"| {format_ms(min(measured))} | {format_ms(max(measured))} | {rate} "
            f"| {benchmark.target} | {stamp} |"
        )
        print(timings[benchmark.name], flush=True)
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py); do not edit by hand. A run limited with",
        "`JIGSAW_BENCH_ONLY=word,...` replaces only the rows it measured; each row has its date.",
        "",
        f"- Machine: {machine()}",
        "",
        "## Timings",
        "",
        "| Benchmark | Runs | Median | Fastest | Slowest | Rate (median) | Target | Date |",
        "|---|---|---|---|---|---|---|---|",
        *timings.values(),
        "",
        "## Measurements",
        "",
        "| Measurement | Figure | Value | Target | | Date |",
        "|---|---|---|---|---|---|",
        *figures.values(),
        "",
        *notes.values(),
        "",
    ]
    target.write_text("\n".join(lines), encoding="utf-8")
    print("BENCHMARKS.md updated")


if __name__ == "__main__":
    main()
