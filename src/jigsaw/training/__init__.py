"""Training mode (issue 8): a separate space with synthetic multi-agency scenarios."""

from jigsaw.training.queries import TrainingMark, get_training_mark

__all__ = ["TrainingMark", "get_training_mark"]
