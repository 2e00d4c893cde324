"""What the training pages post and the training API answers."""

from pydantic import BaseModel, Field


class AdvanceForm(BaseModel):
    """The step the facilitator saw when they pressed the button (so it applies once)."""

    step: int = Field(ge=0)


class TrainingStateView(BaseModel):
    """A training space's state: which space, which scenario, how far its timeline has got.

    Only a training space answers: on live data this address is not found. Systems connected
    to a training space read it to know they are not talking to live Jigsaw.
    """

    training: bool = Field(default=True, description="Always true: this is a training space")
    name: str = Field(description="The training space's name")
    scenario: str | None = Field(description="The scenario's key, once one is loaded")
    title: str | None = Field(description="The scenario's title")
    step: int = Field(description="Steps of the timeline applied so far")
    steps: int = Field(description="Steps in the scenario's timeline")
