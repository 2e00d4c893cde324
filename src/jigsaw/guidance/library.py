"""The flows in use: the packaged ones, replaced or added to by a deployment's own files.

A local authority puts ``*.yaml`` flow files in ``<data_dir>/guidance/``. A file whose id is a
packaged flow's replaces it; a new id adds a flow. A broken local file never takes the app
down: the packaged flow stays, and the problem is kept in ``problems`` to show an admin.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from jigsaw.core.errors import NotFound
from jigsaw.guidance.flows import Flow, FlowError, load_flow
from jigsaw.guidance.vocabulary import Purpose

PACKAGED_DIR = Path(__file__).parent / "flows"


class UnknownFlow(NotFound, KeyError):
    """No flow has this id (a 404 on the pages; a KeyError to code that looks one up)."""

    def __init__(self) -> None:
        super().__init__("guidance flow")

    def __str__(self) -> str:
        return "guidance flow not found"


class Origin(StrEnum):
    """Where a flow in use came from."""

    PACKAGED = "packaged"
    LOCAL = "local"


@dataclass(frozen=True)
class LoadedFlow:
    """A flow in use, with the file it came from."""

    flow: Flow
    origin: Origin
    path: Path
    replaces_packaged: bool = False


@dataclass(frozen=True)
class FlowLibrary:
    """The flows in use, by id, and the local files that were refused."""

    entries: dict[str, LoadedFlow]
    problems: list[FlowError] = field(default_factory=list)

    @classmethod
    def load(
        cls, local_dir: Path | None = None, *, packaged_dir: Path = PACKAGED_DIR
    ) -> "FlowLibrary":
        """Load the packaged flows, then every ``*.yaml`` in ``local_dir`` (if given).

        Raises:
            FlowError: a packaged flow is broken (a bug in Jigsaw, never a deployment's fault).
        """
        entries: dict[str, LoadedFlow] = {}
        for path in sorted(packaged_dir.glob("*.yaml")):
            flow = load_flow(path)
            entries[flow.id] = LoadedFlow(flow, Origin.PACKAGED, path)
        problems: list[FlowError] = []
        if local_dir is not None and local_dir.exists():
            _add_local(entries, problems, local_dir)
        return cls(entries, problems)

    def get(self, flow_id: str) -> Flow:
        """The flow in use with this id.

        Raises:
            UnknownFlow: no flow has this id.
        """
        return self.loaded(flow_id).flow

    def loaded(self, flow_id: str) -> LoadedFlow:
        """The flow in use with this id, with where it came from.

        Raises:
            UnknownFlow: no flow has this id.
        """
        try:
            return self.entries[flow_id]
        except KeyError:
            raise UnknownFlow from None

    def flows(self) -> list[Flow]:
        """Every flow in use, by title."""
        return sorted((entry.flow for entry in self.entries.values()), key=lambda f: f.title)

    def for_purpose(self, purpose: Purpose) -> list[Flow]:
        """The flows in use for a purpose (the sharing flow, the level-of-need flow), by title."""
        return [flow for flow in self.flows() if flow.purpose is purpose]


def _add_local(entries: dict[str, LoadedFlow], problems: list[FlowError], folder: Path) -> None:
    if not folder.is_dir():
        problems.append(FlowError(str(folder), ["is not a folder of flow files"]))
        return
    local: dict[str, Path] = {}
    for path in flow_files(folder):
        try:
            flow = load_flow(path)
        except FlowError as error:
            problems.append(error)
            continue
        if flow.id in local:
            other = local[flow.id].name
            problems.append(
                FlowError(path.name, [f'id: "{flow.id}" is also the id of {other}; file ignored'])
            )
            continue
        local[flow.id] = path
        replaces = flow.id in entries and entries[flow.id].origin is Origin.PACKAGED
        entries[flow.id] = LoadedFlow(flow, Origin.LOCAL, path, replaces_packaged=replaces)


def flow_files(folder: Path) -> list[Path]:
    """The flow files in a folder, in name order."""
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
