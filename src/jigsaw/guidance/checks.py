"""The checks a flow's logic must pass once its fields are right, each problem with its place.

Every question must be asked on some path and every outcome reached; every path must end in
an outcome; and no path through an answer that says a child may be at risk of significant
harm may end in "do not share" (Information sharing advice 2024, rule 1: protecting a child
from harm takes priority over privacy).
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from jigsaw.guidance.vocabulary import Decision, Purpose

if TYPE_CHECKING:
    from jigsaw.guidance.flows import Answer, Flow


def check_flow(flow: "Flow") -> list[str]:
    """Every problem with the flow's logic, as ``place: what is wrong`` (none when it is sound)."""
    return [
        *_start(flow),
        *_answers(flow),
        *_loops(flow),
        *_unreachable(flow),
        *_levels(flow),
        *_significant_harm(flow),
    ]


def _start(flow: "Flow") -> list[str]:
    if flow.start in flow.questions:
        return []
    also = (
        " (it is an outcome; a flow starts with a question)" if flow.start in flow.outcomes else ""
    )
    return [f'start: "{flow.start}" is not a question in this flow{also}']


def _answers(flow: "Flow") -> list[str]:
    problems: list[str] = []
    for question_id, question in flow.questions.items():
        values: set[str] = set()
        for index, answer in enumerate(question.answers):
            where = f"questions.{question_id}.answers[{index}]"
            if answer.value in values:
                problems.append(
                    f'{where}: the value "{answer.value}" is already used by another answer to '
                    "this question; each answer needs its own"
                )
            values.add(answer.value)
            problems.extend(f"{where}: {problem}" for problem in _targets(flow, answer))
    return problems


def _targets(flow: "Flow", answer: "Answer") -> list[str]:
    if answer.next is not None and answer.outcome is not None:
        return ['has both "next" and "outcome"; give one (the next question or the outcome)']
    if answer.next is None and answer.outcome is None:
        return ['has neither "next" nor "outcome"; give the next question or the outcome']
    if answer.next is not None and answer.next not in flow.questions:
        hint = ' (it is an outcome: use "outcome")' if answer.next in flow.outcomes else ""
        return [f'"next" names "{answer.next}", which is not a question in this flow{hint}']
    if answer.outcome is not None and answer.outcome not in flow.outcomes:
        hint = ' (it is a question: use "next")' if answer.outcome in flow.questions else ""
        return [f'"outcome" names "{answer.outcome}", which is not an outcome in this flow{hint}']
    return []


def _next_question(flow: "Flow", answer: "Answer") -> str | None:
    """The question the answer leads to, if it names one that exists."""
    return answer.next if answer.next is not None and answer.next in flow.questions else None


def _outcome(flow: "Flow", answer: "Answer") -> str | None:
    """The outcome the answer ends in, if it names one that exists."""
    return (
        answer.outcome if answer.outcome is not None and answer.outcome in flow.outcomes else None
    )


def _next_questions(flow: "Flow", question_id: str) -> list[tuple[int, str]]:
    """(answer index, question) for each answer of the question that leads to a real question."""
    answers = flow.questions[question_id].answers
    return [
        (index, target)
        for index, answer in enumerate(answers)
        if (target := _next_question(flow, answer)) is not None
    ]


def _loops(flow: "Flow") -> list[str]:
    problems: list[str] = []
    done: set[str] = set()
    path: list[str] = []

    def visit(question_id: str) -> None:
        path.append(question_id)
        for index, target in _next_questions(flow, question_id):
            if target in path:
                loop = " → ".join([*path[path.index(target) :], target])
                problems.append(
                    f'questions.{question_id}.answers[{index}]: "next" goes back to "{target}", '
                    f"which makes a loop ({loop}); every answer must move the flow on"
                )
            elif target not in done:
                visit(target)
        path.pop()
        done.add(question_id)

    for question_id in flow.questions:
        if question_id not in done:
            visit(question_id)
    return problems


def _reach(flow: "Flow", questions: Iterable[str]) -> tuple[set[str], set[str]]:
    """The questions and outcomes reachable from ``questions`` (which count as reached)."""
    seen = set(questions)
    outcomes: set[str] = set()
    waiting = list(seen)
    while waiting:
        for answer in flow.questions[waiting.pop()].answers:
            if (outcome := _outcome(flow, answer)) is not None:
                outcomes.add(outcome)
            if (target := _next_question(flow, answer)) is not None and target not in seen:
                seen.add(target)
                waiting.append(target)
    return seen, outcomes


def _unreachable(flow: "Flow") -> list[str]:
    if flow.start not in flow.questions:
        return []  # everything would be unreachable: the start problem says it all
    questions, outcomes = _reach(flow, [flow.start])
    return [
        *(
            f"questions.{question_id}: no answer leads to this question, so it is never asked"
            for question_id in flow.questions
            if question_id not in questions
        ),
        *(
            f"outcomes.{outcome_id}: no answer leads to this outcome, so it is never reached"
            for outcome_id in flow.outcomes
            if outcome_id not in outcomes
        ),
    ]


def _levels(flow: "Flow") -> list[str]:
    return [
        f'outcomes.{outcome_id}: the decision is "level" but prefill.level_of_need is missing; '
        "say which level (1 to 4)"
        for outcome_id, outcome in flow.outcomes.items()
        if outcome.decision is Decision.LEVEL and outcome.prefill.level_of_need is None
    ]


def _significant_harm(flow: "Flow") -> list[str]:
    flagged = [
        (f"questions.{question_id}.answers[{index}]", answer)
        for question_id, question in flow.questions.items()
        for index, answer in enumerate(question.answers)
        if answer.significant_harm
    ]
    problems: list[str] = []
    if flow.purpose is Purpose.SHARE and not flagged:
        problems.append(
            "questions: a sharing flow must ask whether a child may be at risk of significant "
            'harm; mark the answer that says so with "significant_harm: true"'
        )
    for where, answer in flagged:
        target, outcome = _next_question(flow, answer), _outcome(flow, answer)
        _, outcomes = _reach(flow, [] if target is None else [target])
        outcomes |= set() if outcome is None else {outcome}
        problems.extend(
            f"{where}: this answer says a child may be at risk of significant harm, but it can "
            f'lead to "{outcome_id}", which says do not share; guidance must never stop a '
            "practitioner sharing when a child may be at risk of significant harm"
            for outcome_id in sorted(outcomes)
            if flow.outcomes[outcome_id].decision is Decision.DO_NOT_SHARE
        )
    return problems
