"""The measures as a CSV file, one figure per line, for a spreadsheet or a pilot's report."""

import csv
import io
import uuid
from collections.abc import Iterator

from jigsaw.measures.figures import PartnerLine
from jigsaw.measures.queries import Measures
from jigsaw.measures.rules import Share

HEADER = ("measure", "date", "agency", "value")
ALL = "All agencies"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Line = tuple[str, str, str, str]


def csv_text(found: Measures) -> str:
    """Every measure as CSV text: what was measured, the date and agency if any, the value.

    Durations are in working hours; a share is written three times (count, of, share as a
    fraction). Text that a spreadsheet would run as a formula is quoted with an apostrophe.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(tuple(_safe(cell) for cell in line) for line in _lines(found))
    return out.getvalue()


def file_name(found: Measures) -> str:
    """A name saying which period the file holds (no agency name: it is in the file)."""
    return f"mash-measures-{found.period.start}-to-{found.period.end}.csv"


def _lines(found: Measures) -> Iterator[Line]:
    agency = found.agency.name if found.agency else ALL
    yield from (("period start", "", "", str(found.period.start)),
                ("period end", "", "", str(found.period.end)), ("agency", "", "", agency),
                ("as of", "", "", found.as_of.isoformat(timespec="seconds")))  # fmt: skip
    contacts, names = found.contacts, found.names
    named = sorted((day, names.get(source, ""), n) for (day, source), n in contacts.counts.items())
    for day, name, count in named:
        yield ("contacts received", str(day), name, str(count))
    yield ("contacts received", "", agency, str(contacts.total))
    d = found.decisions
    yield ("contacts decided", "", agency, str(d.decided))
    yield ("time to decision, median working hours", "", agency, _hours(d.median_hours))
    yield ("time to decision, 90th percentile working hours", "", agency, _hours(d.p90_hours))
    yield from _share("decided within one working day", agency, d.within_one_day)
    for source, share in d.within_one_day_by_source.items():
        yield from _share("decided within one working day", names.get(source, ""), share)
    for outcome, count in d.outcomes.items():
        yield (f"outcome: {outcome.label}", "", agency, str(count))
    yield from (("contacts not yet decided", "", agency, str(d.undecided)),
                ("contacts rejected", "", agency, str(d.rejected)),
                ("contacts withdrawn by the sharer", "", agency, str(d.revoked)))  # fmt: skip
    yield from _share("feedback sent to the referrer", agency, found.feedback.sent)
    yield ("time to feedback, median working hours", "", agency,
           _hours(found.feedback.median_hours))  # fmt: skip
    for line in found.partners:
        yield from _partner(line, names.get(line.organisation_id, "") if line.organisation_id
                            else agency)  # fmt: skip
    c = found.consultations
    yield ("consultations", "", agency, str(c.created))
    for consultation_outcome, count in c.outcomes.items():
        yield (f"consultation outcome: {consultation_outcome.label}", "", agency, str(count))
    yield ("consultations waiting for advice", "", agency, str(c.waiting))
    yield ("consultations withdrawn", "", agency, str(c.withdrawn))
    yield ("time to advice, median working hours", "", agency, _hours(c.median_hours))
    yield from _share("consultations advised by their due time", agency, c.advised_by_due)
    yield from _share("repeat contacts", agency, found.repeats)


def _partner(line: PartnerLine[uuid.UUID], agency: str) -> Iterator[Line]:
    yield ("partner checks asked", "", agency, str(line.asked))
    yield ("partner checks answered", "", agency, str(line.answered))
    yield ("partner check answer, median working hours", "", agency, _hours(line.median_hours))
    yield from _share("partner checks answered by their due time", agency, line.answered_by_due)


def _share(measure: str, agency: str, share: Share) -> Iterator[Line]:
    ratio = share.ratio
    yield (f"{measure} (count)", "", agency, str(share.count))
    yield (f"{measure} (of)", "", agency, str(share.of))
    yield (f"{measure} (share)", "", agency, "" if ratio is None else f"{ratio:.4f}")


def _hours(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _safe(cell: str) -> str:
    return f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell
