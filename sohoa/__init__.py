"""sohoa: turn a Vietnamese party organisation's paper past into a living archive."""

__version__ = "0.1.0"
