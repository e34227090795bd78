"""The wheel holds the product and its data files, and none of the test doubles.

The stand-in servers and the fault injection live in tests/support/; this builds the wheel
from the checkout (hatchling, through pip) and reads what is inside it.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

SUPPORT = ROOT / "tests" / "support"
# What only a test double defines: if one of these shows up in the wheel, a double shipped,
# whatever its file is called.
DOUBLE_CLASSES = re.compile(rb"^class (StandIn|SlackStandIn|BatchService|Faulty)\b", re.M)
# Build failures that mean "hatchling could not be fetched", not "the project does not build".
OFFLINE = ("No matching distribution found for hatchling", "Failed to establish", "NewConnection")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out)]
    if importlib.util.find_spec("hatchling") is not None:
        command.append("--no-build-isolation")  # the installed backend, no network
    # else pip fetches hatchling into an isolated build environment (needs PyPI or a mirror)
    done = subprocess.run(
        [*command, str(ROOT)], capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0 and any(sign in done.stderr for sign in OFFLINE):
        pytest.skip(f"hatchling is not installed and could not be fetched: {done.stderr[-300:]}")
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("briefing-*.whl")
    archive = zipfile.ZipFile(built)
    yield archive
    archive.close()


def test_no_test_double_is_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    doubles = sorted(p.stem for p in SUPPORT.glob("*.py") if p.stem != "__init__")
    assert doubles  # the doubles exist where this test looks for them
    assert not [n for n in names if n.startswith(("tests/", "support/"))]
    old = ("standin", "batch_standin", "faults", *doubles)
    shipped = [n for n in names if n.endswith(".py") and Path(n).stem in old]
    assert shipped == []
    defining = [n for n in names if n.endswith(".py") and DOUBLE_CLASSES.search(wheel.read(n))]
    assert defining == []


def test_prompts_and_templates_are_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for folder in ("prompts", "templates"):
        files = sorted(p for p in (ROOT / folder).iterdir() if p.is_file())
        assert files
        for path in files:
            inside = f"briefing/{folder}/{path.name}"
            assert inside in names, inside
            assert wheel.read(inside) == path.read_bytes(), inside


def test_the_wheel_has_the_package_and_the_command(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    assert "briefing/__init__.py" in names
    assert "briefing/cli/__init__.py" in names
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "briefing = briefing.cli:app" in wheel.read(entry_points).decode()


def test_the_starter_glossary_is_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    source = ROOT / "briefing" / "data" / "glossary.toml"
    assert wheel.read("briefing/data/glossary.toml") == source.read_bytes()
