"""Loaded by pytest before Django's settings (-p in pyproject): tests run in development mode."""

import os

os.environ.setdefault("DEBUG", "1")
