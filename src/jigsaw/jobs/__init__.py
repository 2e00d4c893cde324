"""Background work: periodic jobs run by a worker loop, in the server process or on their own."""

from jigsaw.jobs.registry import JOBS, Job
from jigsaw.jobs.worker import Worker

__all__ = ["JOBS", "Job", "Worker"]
