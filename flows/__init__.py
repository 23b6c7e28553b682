"""Prefect flows. Import :mod:`flows.runtime` and call ``configure`` before importing a flow module."""
