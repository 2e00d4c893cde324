"""A child's chronology taken away for a strategy discussion or a case review: CSV and PDF.

Every event the reader may see that matches their filter, oldest first, with who exported
it, when and with what filter. Each export is audited (``chronology:exported``, the format
as the subject type) in the transaction that reads it. File names carry the child's id,
never their name: a name in a download folder or a mail attachment is a disclosure.
"""

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.accounts import Organisation, User
from jigsaw.core import clock
from jigsaw.core.errors import Invalid, PermissionDenied
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import LONDON
from jigsaw.events.queries import EventLine, every_event, hidden_from, open_chronology
from jigsaw.events.rules import ChronologyFilter
from jigsaw.taxonomy.events import GROUP_LABELS

HEADER = ("date", "time", "agency", "category", "category code", "group", "source system",
          "source code", "what happened", "significant", "event id")  # fmt: skip
# WeasyPrint lays out about a hundred table rows a second: a longer PDF is asked to be narrowed
# (to significant events, a period, an agency); the CSV holds any number.
PDF_MOST = 1000
TOO_LONG = (
    f"A PDF holds up to {PDF_MOST:,} events: narrow the filter (for example to significant "
    "events, or a period), or download the CSV"
)
# A cell a spreadsheet would run as a formula is quoted with an apostrophe (measures/export.py).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(StrEnum):
    """What a chronology is exported as."""

    CSV = "csv"
    PDF = "pdf"


@dataclass(frozen=True, slots=True)
class ChronologyExport:
    """What an export holds: the child, who took it and when, the filter, the events."""

    child_id: uuid.UUID
    name: str
    born_on: date | None
    exported_by: str
    organisation: str
    exported_at: datetime
    filter_words: list[str]
    events: list[EventLine]
    hidden: bool
    fmt: ExportFormat

    @property
    def file_name(self) -> str:
        """The download's name: the child's id and the date, never the child's name."""
        day = self.exported_at.astimezone(LONDON).date()
        return f"chronology-{self.child_id}-{day}.{self.fmt.value}"


def export_chronology(
    uow: UnitOfWork,
    actor: Actor,
    child_id: uuid.UUID,
    filters: ChronologyFilter,
    *,
    fmt: ExportFormat,
) -> ChronologyExport:
    """The chronology the actor may see, filtered, oldest first, for a file; audited.

    Raises:
        NotFound: no such child, or the actor may not reach them (the same answer).
        MergedRecord: the record was merged into one the actor may reach.
        PermissionDenied: the actor may read the chronology but not take it away.
        Invalid: a PDF of more than ``PDF_MOST`` events (nothing is exported).
    """
    now = clock.now()
    with uow:
        opened = open_chronology(uow, actor, child_id)
        if not policy.may_export_chronology(actor):
            raise PermissionDenied
        events = every_event(uow, actor, opened, filters)
        if fmt is ExportFormat.PDF and len(events) > PDF_MOST:
            raise Invalid({"events": TOO_LONG})
        who, organisation = _exporter(uow, actor)
        audit.record(uow, actor, "chronology:exported", subject_type=f"chronology_{fmt}",
                     subject_id=child_id, child_id=child_id, basis=opened.access.basis,
                     basis_id=opened.access.basis_id)  # fmt: skip
        hidden = hidden_from(uow, opened)
        names = {event.organisation_id: event.agency for event in events}
        uow.commit()
    return ChronologyExport(
        child_id=child_id, name=opened.name, born_on=opened.born_on, exported_by=who,
        organisation=organisation, exported_at=now, filter_words=describe(filters, names),
        events=events, hidden=hidden, fmt=fmt,
    )  # fmt: skip


def describe(filters: ChronologyFilter, names: dict[uuid.UUID, str]) -> list[str]:
    """The filter in words, one line per part; agencies by name where the export shows them."""
    if not filters.narrowed:
        return ["None: every event the reader may see"]
    words = []
    if filters.agencies:
        shown = sorted(names.get(a, "an agency with no events shown") for a in filters.agencies)
        words.append("Agencies: " + ", ".join(shown))
    if filters.groups:
        words.append("Categories: " + ", ".join(GROUP_LABELS[g] for g in sorted(filters.groups)))
    if filters.start or filters.end:
        start = filters.start.strftime("%-d %B %Y") if filters.start else "the first event"
        end = filters.end.strftime("%-d %B %Y") if filters.end else "today"
        words.append(f"From {start} to {end}")
    if filters.significant_only:
        words.append("Significant events only")
    return words


def csv_bytes(exported: ChronologyExport) -> bytes:
    """The events as CSV (UTF-8 with a byte order mark, for spreadsheets), one row each.

    Times are London time. Text a spreadsheet would run as a formula is quoted.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for event in exported.events:
        local = event.occurred_at.astimezone(LONDON)
        writer.writerow(_safe(cell) for cell in (
            local.date().isoformat(), local.strftime("%H:%M"), event.agency, event.label,
            event.category, GROUP_LABELS[event.group], event.source_system,
            event.source_code or "", event.text, "yes" if event.significant else "",
            str(event.id),
        ))  # fmt: skip
    return out.getvalue().encode("utf-8-sig")


def pdf_bytes(html: str) -> bytes:
    """The printable page (``events/print.html``, rendered by the route) as a PDF."""
    # Imported here: WeasyPrint takes most of a second to load, and only exports need it.
    from weasyprint import HTML  # type: ignore[import-untyped]  # noqa: PLC0415

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def _exporter(uow: UnitOfWork, actor: Actor) -> tuple[str, str]:
    """Who is exporting, and for which organisation, as the document names them."""
    name = organisation = ""
    if actor.id is not None:
        name = uow.session.scalar(select(User.display_name).where(User.id == actor.id)) or ""
    if actor.organisation_id is not None:
        organisation = (
            uow.session.scalar(
                select(Organisation.name).where(Organisation.id == actor.organisation_id)
            )
            or ""
        )
    return name, organisation


def _safe(cell: str) -> str:
    return f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell
