"""API views for the endpoints in ``jigsaw.web.routes``."""

from pydantic import BaseModel


class PartnershipSummaryView(BaseModel):
    """What the partnership holds, in figures."""

    organisations: int
    practitioners: int
    children: int
