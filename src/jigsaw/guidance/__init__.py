"""Guided decisions: versioned flows, written as YAML data, that walk a practitioner to a decision.

Pure: no database and no web. ``FlowLibrary`` holds the packaged flows ("Should I share this
information?", "What level of need is this?") as replaced or added to by a deployment's own
files; ``advance`` runs a flow; ``decision_record`` is what a finished flow leaves on the
concern, with the lawful basis and consent position pre-filled.
"""

from jigsaw.guidance.engine import (
    Finished,
    InvalidAnswers,
    NextQuestion,
    Step,
    advance,
    decision_record,
    rationale,
)
from jigsaw.guidance.flows import (
    Answer,
    Flow,
    FlowError,
    Outcome,
    OutcomePrefill,
    Question,
    load_flow,
    parse_flow,
)
from jigsaw.guidance.library import FlowLibrary, LoadedFlow, Origin, UnknownFlow
from jigsaw.guidance.records import (
    AnsweredQuestion,
    DecisionRecord,
    InvalidDecisionRecord,
    Prefill,
)
from jigsaw.guidance.vocabulary import Decision, Purpose

__all__ = [
    "Answer",
    "AnsweredQuestion",
    "Decision",
    "DecisionRecord",
    "Finished",
    "Flow",
    "FlowError",
    "FlowLibrary",
    "InvalidAnswers",
    "InvalidDecisionRecord",
    "LoadedFlow",
    "NextQuestion",
    "Origin",
    "Outcome",
    "OutcomePrefill",
    "Prefill",
    "Purpose",
    "Question",
    "Step",
    "UnknownFlow",
    "advance",
    "decision_record",
    "load_flow",
    "parse_flow",
    "rationale",
]
