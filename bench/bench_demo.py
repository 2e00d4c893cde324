"""How long `make demo` takes to build and load the default partnership (2,000 children)."""

import tempfile
from datetime import date
from pathlib import Path

from harness import Benchmark
from jigsaw import migrations
from jigsaw.access.actor import Actor
from jigsaw.core.db import make_engine, make_session_factory
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo import DemoPartnership, generate_partnership
from jigsaw.demo.loader import load_partnership

TODAY = date(2026, 11, 1)


def generate(_state: None) -> DemoPartnership:
    return generate_partnership(seed=2026, children=2000, today=TODAY)


def load_into_fresh_sqlite(partnership: DemoPartnership) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        migrations.upgrade(engine)
        load_partnership(
            UnitOfWork(make_session_factory(engine)),
            Actor.system("bench:demo"),
            partnership=partnership,
            password="benchmark persona password",
            secret_key="benchmark secret key",
        )
        engine.dispose()


BENCHMARKS = [
    Benchmark("demo: generate 2,000 children", generate, repeat=5, target="< 1 s"),
    Benchmark(
        "demo: migrate a new SQLite database and load 2,000 children",
        load_into_fresh_sqlite,
        setup=lambda: generate(None),
        repeat=3,
        target="< 10 s",
    ),
]
