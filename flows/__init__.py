"""Prefect flows. Commands import them through :func:`sohoa.runtime.load_flows`, which configures Prefect first."""
