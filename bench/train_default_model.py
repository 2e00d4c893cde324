"""Train the packaged default model (src/jigsaw/matching/data/default_model.json), reproducibly.

    .venv/bin/python bench/train_default_model.py

The training set is synthetic (bench/synthetic_people.py): 20,000 children of an English town,
each held by one to three agencies whose records carry the usual slips, about 40,000 records in
all. Training is ``jigsaw matching train``'s, with no labels; the same seed gives the same file.
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from jigsaw.matching.training import TrainingOptions, train  # noqa: E402
from synthetic_people import agency_records  # noqa: E402 - after the path is set

CHILDREN = 20_000
SEED = 2026
OUTPUT = HERE.parent / "src" / "jigsaw" / "matching" / "data" / "default_model.json"


def main() -> None:
    records = agency_records(CHILDREN, seed=SEED)
    model = train(
        [records.drop(columns=["child"])],
        options=TrainingOptions(u_pairs=2e7, seed=SEED),
        status=lambda message: print(message, flush=True),
    )
    model["description"] = (
        f"Default model: {model['description']}. Training set: {len(records):,} synthetic "
        f"records of {CHILDREN:,} children (seed {SEED}), one to three agencies' records each, "
        "with nicknames, typos, changed and double-barrelled family names, swapped or mistyped "
        "dates of birth, moves of house and missing NHS numbers (bench/train_default_model.py)."
    )
    OUTPUT.write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
