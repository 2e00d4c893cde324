"""The measures page's repeated markup, made once in Python rather than cell by cell in Jinja.

The contacts chart has a bar piece per agency per day (hundreds in a month) and the table
of contacts per day a name per agency per day: as template loops each value was escaped
and each attribute formatted through Jinja's runtime, the slowest part of the page. Here
they are joined as strings, each piece of text escaped, and handed to the template whole.
"""

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from jigsaw.measures.charts import StackedBars
from jigsaw.measures.figures import DailyContacts, K

# As measures/_charts.html drew each piece: its tooltip is the agency, the day and the count.
_RECT = (
    '\n  <rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{colour}"'
    ' stroke="#ffffff" stroke-width="1"><title>{title}</title></rect>'
)


@dataclass(frozen=True, slots=True)
class DayLine:
    """A row of the table of contacts per day: the day, its count, and who sent them."""

    day: date
    count: int
    sources: str  # "Moorshire Police 3, Oakfield Primary School 1", busiest agency first


def rects_svg(chart: StackedBars) -> Markup:
    """Every piece of the stacked bars as SVG ``rect`` elements, each with its tooltip."""
    return Markup("".join(  # noqa: S704 - the colour and the tooltip are escaped; the rest is ours
        _RECT.format(x=r.x, y=r.y, width=r.width, height=r.height, colour=escape(r.colour),
                     title=escape(r.title))
        for r in chart.rects
    ))  # fmt: skip


def day_lines(contacts: DailyContacts[K], names: dict[K, str]) -> list[DayLine]:
    """Each day of the period with its contacts, per agency in the order of the busiest."""
    counts = contacts.counts
    return [
        DayLine(day, contacts.by_day.get(day, 0),
                ", ".join(f"{names.get(s, 'Unknown')} {counts[(day, s)]}"
                          for s in contacts.sources if counts.get((day, s))))
        for day in contacts.days
    ]  # fmt: skip
