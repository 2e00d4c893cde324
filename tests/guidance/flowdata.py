"""A tiny valid flow as data, for tests to break one way at a time, and every path of a flow."""

from typing import Any

import yaml

from jigsaw.guidance import Flow


def tiny() -> dict[str, Any]:
    """A valid sharing flow: a significant-harm screen, then a purpose question."""
    return {
        "id": "tiny",
        "version": 1,
        "title": "Tiny",
        "purpose": "share",
        "start": "harm",
        "questions": {
            "harm": {
                "text": "Might the child be at risk of significant harm?",
                "answers": [
                    {"value": "yes", "label": "Yes", "outcome": "share", "significant_harm": True},
                    {"value": "no", "label": "No", "next": "purpose"},
                ],
            },
            "purpose": {
                "text": "Is there a clear purpose?",
                "answers": [
                    {"value": "yes", "label": "Yes", "outcome": "share"},
                    {"value": "no", "label": "No", "outcome": "keep"},
                ],
            },
        },
        "outcomes": {
            "share": {"title": "Share it", "decision": "share", "explanation": "Share."},
            "keep": {"title": "Do not share", "decision": "do_not_share", "explanation": "Keep."},
        },
    }


def dump(data: dict[str, Any]) -> str:
    """The data as a flow file's text."""
    return yaml.safe_dump(data, sort_keys=False)


def all_paths(flow: Flow) -> list[list[tuple[str, str]]]:
    """Every sequence of answers from the start to an outcome (flows have no loops)."""
    found: list[list[tuple[str, str]]] = []

    def walk(question_id: str, so_far: list[tuple[str, str]]) -> None:
        for answer in flow.questions[question_id].answers:
            path = [*so_far, (question_id, answer.value)]
            if answer.next is None:
                found.append(path)
            else:
                walk(answer.next, path)

    walk(flow.start, [])
    return found
