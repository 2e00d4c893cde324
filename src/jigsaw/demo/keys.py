"""Stable UUIDs for generated records, so loading a partnership twice finds it already there."""

import uuid

NAMESPACE = uuid.UUID("6a3c1f0e-1d8b-4f51-9a55-2f7f3c8d0b11")


def demo_id(seed: int, key: str) -> uuid.UUID:
    """The stable UUID of a generated record."""
    return uuid.uuid5(NAMESPACE, f"{seed}:{key}")


class Ids:
    """Turns one partnership's generator keys into their UUIDs."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def __call__(self, key: str) -> uuid.UUID:
        """The UUID of a key."""
        return demo_id(self.seed, key)

    def optional(self, key: str | None) -> uuid.UUID | None:
        """The UUID of a key that may be missing."""
        return None if key is None else demo_id(self.seed, key)
