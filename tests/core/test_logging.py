import json
import logging

import pytest
import structlog

from jigsaw.core.logging import REDACTED, configure_logging

PERSONAL_VALUE = "Okafor-2014"


@pytest.fixture
def restore_logging() -> object:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield None
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


@pytest.mark.usefixtures("restore_logging")
def test_json_lines_carry_the_request_id_and_never_personal_data(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(json=True)
    structlog.contextvars.bind_contextvars(request_id="req-1234abcd")
    try:
        structlog.get_logger("test").info(
            "child.viewed", child_id="c0ffee", nhs_number="9990000018", family_name="Okafor"
        )
    finally:
        structlog.contextvars.clear_contextvars()
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["event"] == "child.viewed"
    assert line["request_id"] == "req-1234abcd"
    assert line["child_id"] == "c0ffee"
    assert line["nhs_number"] == REDACTED
    assert line["family_name"] == REDACTED


@pytest.mark.usefixtures("restore_logging")
def test_development_lines_are_readable_text(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json=False)
    logging.getLogger("stdlib").warning("plain %s", "message")
    err = capsys.readouterr().err
    assert "plain message" in err
    assert not err.lstrip().startswith("{")


@pytest.mark.usefixtures("restore_logging")
def test_exceptions_are_logged_with_their_stack_but_never_their_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(json=True)
    value = PERSONAL_VALUE  # the stack shows source lines; the value must not appear
    try:
        try:
            raise KeyError(f"Key (identifier)=({value}) already exists")
        except KeyError as error:
            raise RuntimeError(f"while saving {value}") from error
    except RuntimeError:
        structlog.get_logger("test").exception("request.failed")
        logging.getLogger("stdlib").exception("library failure")
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    for raw in lines:
        line = json.loads(raw)
        assert PERSONAL_VALUE not in raw
        assert line["exception"].startswith("builtins.RuntimeError <- builtins.KeyError")
        assert "test_logging.py" in line["exception"]


@pytest.mark.usefixtures("restore_logging")
def test_lines_without_an_exception_carry_none(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json=True)
    structlog.get_logger("test").info("nothing.wrong", exc_info=False)
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert "exception" not in line
