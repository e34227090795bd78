"""Locate the packaged data folders (prompts/, templates/) in a wheel or a checkout."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path


def data_dir(name: str) -> Traversable:
    """Return the folder `name` shipped inside the package, or the checkout's top-level one.

    The wheel force-includes prompts/ and templates/ into the package; an editable install
    or a plain checkout keeps them next to the package instead.
    """
    packaged = files("briefing") / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name
