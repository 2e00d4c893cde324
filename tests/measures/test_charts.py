"""The contacts chart's geometry: scales that read well, stacks as tall as each day's count."""

import uuid
from datetime import date

from jigsaw.mash.rules import ContactState
from jigsaw.measures.charts import PALETTE, bars, contacts_per_day, nice_ceiling
from jigsaw.measures.figures import ContactRow, count_per_day
from jigsaw.measures.rules import Period, instant
from tests.measures.helpers import at


def test_the_scale_tops_out_at_a_round_number() -> None:
    tops = [nice_ceiling(n) for n in (0, 1, 3, 7, 10, 11, 37, 120)]
    assert tops == [1, 1, 5, 10, 10, 20, 50, 200]


def test_each_day_is_a_stack_as_tall_as_its_contacts_the_quiet_agencies_as_one() -> None:
    agencies = [uuid.UUID(int=n) for n in range(9)]
    period = Period(date(2025, 8, 18), date(2025, 8, 19))
    received = ContactState.RECEIVED
    # Monday: one contact from each of the nine agencies; Tuesday: three from the first.
    rows: list[ContactRow[uuid.UUID]] = [
        (instant(at(f"2025-08-18 1{n // 5}:0{n % 5}")), None, received, None, agency, None)
        for n, agency in enumerate(agencies)
    ]
    rows += [(instant(at("2025-08-19 09:00")), None, received, None, agencies[0], None)] * 3
    names = {agency: f"Agency {n}" for n, agency in enumerate(agencies)}

    chart = contacts_per_day(count_per_day(rows, period), names)

    scale = (chart.bottom - chart.top) / 10  # nine on the busiest day: the scale tops at 10
    monday = [r for r in chart.rects if "18 Aug" in r.title]
    tuesday = [r for r in chart.rects if "19 Aug" in r.title]
    assert round(sum(r.height for r in monday) / scale) == 9
    assert [round(r.height / scale) for r in tuesday] == [3]
    assert len(chart.legend) == len(PALETTE) + 1
    assert chart.legend[-1][0] == "Other agencies"
    assert monday[-1].title == "Other agencies, 18 Aug: 2"
    assert [t.label for t in chart.x_ticks] == ["18 Aug", "19 Aug"]


def test_bars_are_drawn_against_the_largest() -> None:
    drawn = bars([("A", 4), ("B", 1), ("C", 0)])
    assert [(b.count, b.length) for b in drawn] == [(4, 100), (1, 25), (0, 0)]
    assert bars([("A", 0)])[0].length == 0
