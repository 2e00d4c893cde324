"""Training mode (issue 8): a separate space with synthetic multi-agency scenarios."""
