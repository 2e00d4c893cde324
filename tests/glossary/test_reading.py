"""Reading in your own words: the author's text kept exactly, each term explained for the reader.

The HTML (``views.annotated_html``) is what every page shows: escaped, and a disclosure per term.
"""

import re

from jigsaw.glossary.reading import Reader
from jigsaw.glossary.rules import AgencyGroup
from jigsaw.glossary.terms import packaged_terms
from jigsaw.glossary.views import annotated_html

P, S = AgencyGroup.POLICE, AgencyGroup.SOCIAL_CARE
NARRATIVE = (
    "Strategy discussion held; a s.47 enquiry started.\n"
    "The family were CIN before, and an ICPC is booked. Mum's <partner> & the CINEMA."
)
READER = Reader(packaged_terms(), version=0)


def test_the_pieces_join_back_to_exactly_what_the_author_wrote() -> None:
    pieces = READER.explain(NARRATIVE, P)
    assert "".join(p.text for p in pieces) == NARRATIVE
    found = [(p.text, p.explanation.key) for p in pieces if p.explanation]
    assert found == [
        ("Strategy discussion", "strategy-discussion"),
        ("s.47 enquiry", "section-47"),
        ("CIN", "child-in-need"),
        ("ICPC", "icpc"),
    ]


def test_a_police_officer_reads_social_care_terms_in_police_words() -> None:
    explained = {p.text: p.explanation for p in READER.explain(NARRATIVE, P) if p.explanation}
    s47 = explained["s.47 enquiry"]
    assert s47 is not None
    enquiry = "In police terms: the council\u2019s child protection enquiry"
    assert s47.in_your_terms.startswith(enquiry)
    assert explained["CIN"].in_your_terms.startswith("In police terms:")
    assert explained["ICPC"].in_your_terms.startswith("In police terms:")


def test_a_social_worker_reads_their_own_terms_defined_without_translation() -> None:
    explained = [p.explanation for p in READER.explain(NARRATIVE, S) if p.explanation]
    assert all(e.in_your_terms == "" for e in explained)
    assert all(e.definition for e in explained)


def test_the_page_shows_the_authors_words_escaped_with_a_disclosure_for_each_term() -> None:
    html = str(annotated_html(READER, NARRATIVE, P))
    assert html.count('<details class="app-term">') == 4
    assert "Mum&#39;s &lt;partner&gt; &amp; the CINEMA." in html
    assert "<partner>" not in html
    hidden = '<span class="govuk-visually-hidden"> (glossary)</span>'
    assert f'<summary class="app-term__word">s.47 enquiry{hidden}</summary>' in html
    assert 'href="/glossary/section-47"' in html
    assert "<strong>In police terms:</strong> the council\u2019s child protection enquiry" in html
    # Taking the markup out leaves the author's text, word for word (line break included).
    words = re.sub(r'<span class="app-term__note">.*?</span></details>', "", html)
    words = re.sub(r"<[^>]+>", "", words.replace(" (glossary)", ""))
    assert (
        words.replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        == NARRATIVE
    )


def test_a_text_with_no_terms_is_only_escaped() -> None:
    assert str(annotated_html(READER, "Seen at <home>", P)) == "Seen at &lt;home&gt;"
