"""The measures' charts as shapes for server-rendered SVG: pure geometry, no drawing library.

The contacts chart is drawn in a fixed coordinate box (``viewBox``) that the page scales to
its width, with its figures in a table beside it; the other bars are drawn in the cells of
the tables that hold their figures. Colours are GOV.UK Frontend's palette, and never the
only way to read a figure.
"""

import math
import uuid
from dataclasses import dataclass
from datetime import date

from jigsaw.measures.figures import DailyContacts

WIDTH = 960
# Blue, orange, green, purple, pink, turquoise, brown: GOV.UK colours far apart in hue.
PALETTE = ("#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d53880", "#28a197", "#b58840")
OTHERS_COLOUR = "#505a5f"
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 12, 16, 40  # room for the axes' labels
_MOST_TICKS = 14


@dataclass(frozen=True, slots=True)
class Rect:
    """A bar or a piece of a stacked bar, with what it stands for (its tooltip)."""

    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True, slots=True)
class Tick:
    """A labelled position on an axis."""

    at: float
    label: str


@dataclass(frozen=True, slots=True)
class StackedBars:
    """Contacts per day, one bar a day, stacked by source agency."""

    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    rects: list[Rect]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    legend: list[tuple[str, str]]  # (agency, colour), in stacking order from the bottom


@dataclass(frozen=True, slots=True)
class Bar:
    """A row of a table that draws its figure as a bar (the table holds the figures)."""

    label: str
    count: int
    length: float  # 0 to 100: the share of the bar's full width


def contacts_per_day(
    contacts: DailyContacts[uuid.UUID], names: dict[uuid.UUID, str], *, height: int = 320
) -> StackedBars:
    """A stacked bar a day: the seven busiest agencies in colour, the rest as one."""
    shown = contacts.sources[: len(PALETTE)]
    colours = {source: PALETTE[n] for n, source in enumerate(shown)}
    others = [s for s in contacts.sources if s not in colours]
    top = nice_ceiling(max(contacts.by_day.values(), default=0))
    right, bottom = WIDTH - _RIGHT, height - _BOTTOM
    slot = (right - _LEFT) / max(1, len(contacts.days))
    scale = (bottom - _TOP) / top
    rects = []
    named = [(names.get(s, "Unknown"), colours[s], s) for s in shown]
    for n, day in enumerate(contacts.days):
        stack = [(name, colour, contacts.counts.get((day, s), 0)) for name, colour, s in named]
        stack.append(("Other agencies", OTHERS_COLOUR,
                      sum(contacts.counts.get((day, s), 0) for s in others)))  # fmt: skip
        base: float = bottom
        label = _day(day)
        for name, colour, count in stack:
            if count:
                rects.append(Rect(_LEFT + n * slot + slot * 0.15, base - count * scale,
                                  slot * 0.7, count * scale, colour,
                                  f"{name}, {label}: {count}"))  # fmt: skip
                base -= count * scale
    legend = [(names.get(s, "Unknown"), colours[s]) for s in shown]
    if others:
        legend.append(("Other agencies", OTHERS_COLOUR))
    return StackedBars(
        width=WIDTH, height=height, left=_LEFT, right=right, top=_TOP, bottom=bottom,
        rects=rects, legend=legend,
        y_ticks=[Tick(bottom - value * scale, f"{value:,}") for value in _steps(top)],
        x_ticks=[Tick(_LEFT + (n + 0.5) * slot, _day(day))
                 for n, day in enumerate(contacts.days) if n % _every(len(contacts.days)) == 0],
    )  # fmt: skip


def bars(items: list[tuple[str, int]]) -> list[Bar]:
    """A bar per item, as long as its count (the largest count fills the width)."""
    most = max((count for _label, count in items), default=0) or 1
    return [Bar(label, count, 100 * count / most) for label, count in items]


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... at or above ``value`` (1 for nothing)."""
    if value <= 1:
        return 1
    power = int(10 ** math.floor(math.log10(value)))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _steps(top: int) -> list[int]:
    """Gridlines from 0 to ``top`` (a nice ceiling): six of them from 5 up, at whole numbers."""
    return list(range(0, top + 1, top // 5 if top >= 5 else 1))  # noqa: PLR2004


def _every(days: int) -> int:
    """Label every day up to a fortnight, then every week, then every four weeks."""
    if days <= _MOST_TICKS:
        return 1
    return 7 if days <= 7 * _MOST_TICKS else 28


def _day(day: date) -> str:
    return day.strftime("%-d %b")
