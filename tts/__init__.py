"""Bulletins into audiobooks: normalise → segment → synthesise → assemble → publish.

Each stage is a plain module callable without Prefect; ``flows/audiobook.py`` composes them.
"""
