"""Reading flow YAML safely, and saying what is wrong with it in words a flow author follows."""

import re
from collections.abc import Hashable
from typing import Any

import yaml
from pydantic import ValidationError

_BOOL = "tag:yaml.org,2002:bool"


class YamlProblem(Exception):
    """The text is not YAML, or is YAML a flow author cannot have meant."""


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader (plain data only), changed in two ways for hand-written files.

    Only true and false are booleans: YAML 1.1 also reads yes, no, on and off as booleans,
    which would turn ``value: yes`` into True. And a key given twice in one mapping is an
    error rather than the second silently replacing the first (two questions with one id).
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:  # noqa: FBT001, FBT002 (PyYAML's signature)
        seen: set[Hashable] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable):
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f'"{key}" is given twice in the same place', key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_yaml(text: str) -> object:
    """Parse YAML into plain data (no tags that build Python objects).

    Raises:
        YamlProblem: not YAML, or a key given twice; the message gives the line.
    """
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        raise YamlProblem(f"{where}: {error.problem or 'not valid YAML'}") from None
    except yaml.YAMLError:
        raise YamlProblem("the file is not valid YAML") from None


def place(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as a flow author writes it: ``questions.purpose.answers[1]``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def describe(error: ValidationError) -> list[str]:
    """Every problem pydantic found, each as ``place: what is wrong``."""
    return [_describe_one(detail) for detail in error.errors(include_url=False)]


def _describe_one(detail: Any) -> str:
    loc: tuple[int | str, ...] = tuple(detail["loc"])
    kind: str = detail["type"]
    value = detail.get("input")
    is_name = bool(loc) and loc[-1] == "[key]"
    field = ""
    if is_name:  # pydantic places a bad key at (..., key, "[key]")
        loc = loc[:-2]
    elif kind in {"missing", "extra_forbidden"}:
        field, loc = str(loc[-1]), loc[:-1]
    where = place(loc)
    prefix = f"{where}: " if where else ""
    if kind == "missing":
        message = f'"{field}" is missing'
    elif kind == "extra_forbidden":
        message = f'"{field}" is not a field that can go here (check the spelling)'
    elif kind == "string_pattern_mismatch":
        subject = f'the name "{value}"' if is_name else f'"{value}"'
        message = f'{subject} must be lower-case letters, digits and hyphens, like "seek-advice"'
    elif kind == "value_error":
        message = str(detail["ctx"]["error"])
    elif kind == "enum":
        message = f'"{value}" is not one of {detail["ctx"]["expected"]}'
    elif kind == "too_short":
        message = "needs at least one entry"
    else:
        message = str(detail["msg"]).replace("Input should", "should")
    return prefix + message
