"""Events in a child's life from every agency: the chronology, posted events, their matching."""
