"""Koordinace: a coordination dashboard for Prague's district participation coordinators."""

__version__ = "0.1.0"
