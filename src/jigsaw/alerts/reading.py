"""Alert rules read from YAML: every problem at once, each named by its place.

A deployment's own file (``JIGSAW_ALERT_RULES``) replaces the packaged ``data/rules.yaml``.
"""

import re
from dataclasses import replace
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from jigsaw.alerts.rules import (
    AlertRule,
    Deadline,
    Owner,
    PlanFlag,
    RuleKind,
)
from jigsaw.core.errors import Invalid
from jigsaw.core.working_time import Timescale, Unit
from jigsaw.guidance.reading import YamlProblem, load_yaml


@cache
def default_rules() -> tuple[AlertRule, ...]:
    """The packaged rules (``data/rules.yaml``), read once."""
    source = resources.files("jigsaw.alerts").joinpath("data", "rules.yaml")
    return load_rules(source.read_text(encoding="utf-8"))


def rules_from(path: Path | None) -> tuple[AlertRule, ...]:
    """A deployment's own rules file, which replaces the defaults; no file, the defaults.

    Raises:
        Invalid: the file cannot be read or is not valid (see ``load_rules``).
    """
    if path is None or not path.exists():
        return default_rules()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = "it is not UTF-8 text" if isinstance(error, UnicodeDecodeError) else "unreadable"
        raise Invalid({"file": f"cannot read the rules file: {reason}"}) from None
    return load_rules(text)


def load_rules(text: str) -> tuple[AlertRule, ...]:
    """Read rules from YAML text, checking everything at once.

    Raises:
        Invalid: every problem, by place (``rules[2].window_days``) or ``file``.
    """
    try:
        data = load_yaml(text)
    except YamlProblem as problem:
        raise Invalid({"file": str(problem)}) from None
    problems: dict[str, str] = {}
    entries = _rule_entries(data, problems)
    rules: list[AlertRule] = []
    first_place: dict[str, str] = {}
    for index, entry in enumerate(entries):
        place = f"rules[{index}]"
        if not isinstance(entry, dict):
            problems[place] = "should be a rule: a mapping of key, kind, title, owner_role, ..."
            continue
        reader = _Reader(entry, place, problems)
        rule = reader.rule()
        if reader.key in first_place:
            problems[f"{place}.key"] = f'"{reader.key}" is the key of {first_place[reader.key]} too'
        elif reader.key is not None:
            first_place[reader.key] = place
        if rule is not None:
            rules.append(rule)
    if problems:
        raise Invalid(problems)
    return tuple(rules)


_Choice = TypeVar("_Choice", bound=StrEnum)
_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_KEY_MAX = 60  # the length of alerts.rule_key
_TITLE_MAX = 200
_LONG_TIMESCALE = re.compile(r"\s*(\d{1,3})\s+working\s+(hour|day)s?\s*", re.IGNORECASE)
_COMMON = ("key", "kind", "title", "owner_role", "timescale", "escalate_after", "enabled")
_OWN_FIELDS = {
    RuleKind.ADDING_UP: ("concerns", "agencies", "window_days"),
    RuleKind.FLAGGED_CHILD_EVENT: ("flags",),
    RuleKind.DOMESTIC_ABUSE_SCHOOL: (),
    RuleKind.TIMESCALE_MISSED: ("timescales",),
}
_ALL_FIELDS = set(_COMMON).union(*_OWN_FIELDS.values())


def read_timescale(text: str) -> Timescale:
    """Read a timescale as "4h" or "1d", or in words: "4 working hours", "1 working day".

    Raises:
        ValueError: none of those, or no time at all.
    """
    match = _LONG_TIMESCALE.fullmatch(text)
    if match is None:
        timescale = Timescale.parse(text)
    else:
        unit = Unit.WORKING_HOURS if match[2].lower() == "hour" else Unit.WORKING_DAYS
        timescale = Timescale(int(match[1]), unit)
    if timescale.amount < 1:
        raise ValueError("a timescale must be at least 1 working hour or day")
    return timescale


def _rule_entries(data: object, problems: dict[str, str]) -> list[object]:
    """The list under ``rules:``, or nothing (with the problem recorded)."""
    if not isinstance(data, dict):
        found = "is empty" if data is None else "is not a mapping"
        problems["file"] = f"the file {found}; list the deployment's rules under rules:"
        return []
    for name in data:
        if name != "rules":
            problems[str(name)] = f'"{name}" is not a field that can go here (check the spelling)'
    entries = data.get("rules")
    if "rules" not in data:
        problems["rules"] = "is missing: list the deployment's rules under rules:"
    elif not isinstance(entries, list):
        problems["rules"] = "should be a list of rules"
    elif not entries:
        problems["rules"] = "list at least one rule; to turn a rule off, set enabled: false"
    else:
        return entries
    return []


class _Reader:
    """One rule's fields, each read with any problem recorded at its place."""

    def __init__(self, raw: dict[object, object], place: str, problems: dict[str, str]) -> None:
        self.raw, self.place, self.problems = raw, place, problems
        self.key: str | None = None
        self.ok = True

    def rule(self) -> AlertRule | None:
        kind = self.choice("kind", RuleKind)
        self.unknown_fields(kind)
        self.key = self.rule_key()
        title, owner = self.text("title", _TITLE_MAX), self.choice("owner_role", Owner)
        timescale = self.action_timescale(kind)
        escalate_after, enabled = self.timescale("escalate_after"), self.enabled()
        own = self.own_fields(kind)
        if not self.ok or kind is None or self.key is None or title is None or owner is None:
            return None
        assert escalate_after is not None  # noqa: S101 - a missing one is a problem
        rule = AlertRule(self.key, kind, title, owner, timescale, escalate_after, enabled)
        return replace(rule, **own)

    def action_timescale(self, kind: RuleKind | None) -> Timescale | None:
        if kind is not RuleKind.DOMESTIC_ABUSE_SCHOOL:
            return self.timescale("timescale")
        if "timescale" in self.raw:
            self.problem("timescale", "a domestic abuse alert is due when the next school day "
                         "starts; leave timescale out")  # fmt: skip
        return None

    def own_fields(self, kind: RuleKind | None) -> dict[str, Any]:
        """The kind's own parameters that the rule gives, checked."""
        if kind is RuleKind.ADDING_UP:
            numbers = {name: self.number(name) for name in _OWN_FIELDS[kind] if name in self.raw}
            concerns, agencies = numbers.get("concerns", 3), numbers.get("agencies", 2)
            if concerns is not None and agencies is not None and agencies > concerns:
                self.problem("agencies", "cannot be more than the number of concerns")
            return numbers
        if kind is RuleKind.FLAGGED_CHILD_EVENT and "flags" in self.raw:
            return {"flags": self.names("flags", PlanFlag)}
        if kind is RuleKind.TIMESCALE_MISSED and "timescales" in self.raw:
            return {"timescales": self.names("timescales", Deadline)}
        return {}

    def problem(self, name: str, message: str) -> None:
        self.problems.setdefault(f"{self.place}.{name}", message)
        self.ok = False

    def unknown_fields(self, kind: RuleKind | None) -> None:
        allowed = _ALL_FIELDS if kind is None else {*_COMMON, *_OWN_FIELDS[kind]}
        for name in self.raw:
            if name in allowed:
                continue
            if name in _ALL_FIELDS:
                self.problem(str(name), f'"{name}" is not a field of a {kind} rule')
            else:
                self.problem(str(name), f'"{name}" is not a field of a rule (check the spelling)')

    def present(self, name: str) -> object:
        value = self.raw.get(name)
        if value is None:
            self.problem(name, "is empty" if name in self.raw else "is missing")
        return value

    def text(self, name: str, longest: int) -> str | None:
        value = self.present(name)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip() or len(value) > longest:
            self.problem(name, f"should be text of 1 to {longest} characters")
            return None
        return value.strip()

    def rule_key(self) -> str | None:
        key = self.text("key", _KEY_MAX)
        if key is not None and _KEY.fullmatch(key) is None:
            self.problem("key", 'should be lower-case letters, digits and hyphens: "adding-up"')
            return None
        return key

    def choice(self, name: str, kind: type[_Choice]) -> _Choice | None:
        value = self.present(name)
        return None if value is None else self.member(name, kind, value)

    def timescale(self, name: str) -> Timescale | None:
        value = self.present(name)
        if value is None:
            return None
        try:
            return read_timescale(str(value))
        except ValueError:
            self.problem(name, f'"{value}" is not a timescale; write "4h", "1d" or "1 working day"')
            return None

    def enabled(self) -> bool:
        value = self.raw.get("enabled", True)
        if not isinstance(value, bool):
            self.problem("enabled", "should be true or false")
            return False
        return value

    def number(self, name: str) -> int | None:
        value = self.raw[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problem(name, "should be a whole number of 1 or more")
            return None
        return value

    def names(self, name: str, kind: type[_Choice]) -> tuple[_Choice, ...]:
        values = self.raw[name]
        if not isinstance(values, list) or not values:
            self.problem(name, f"should be a list of one or more of {_known(kind)}")
            return ()
        found: list[_Choice] = []
        for index, value in enumerate(values):
            member = self.member(f"{name}[{index}]", kind, value)
            if member in found:
                self.problem(f"{name}[{index}]", f'"{value}" is given twice')
            elif member is not None:
                found.append(member)
        return tuple(found)

    def member(self, place: str, kind: type[_Choice], value: object) -> _Choice | None:
        try:
            return kind(str(value))
        except ValueError:
            self.problem(place, f'"{value}" is not one of {_known(kind)}')
            return None


def _known(kind: type[StrEnum]) -> str:
    return ", ".join(f'"{member.value}"' for member in kind)
