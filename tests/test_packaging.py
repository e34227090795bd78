"""What `pip install .` installs is what briefing imports.

Every third-party package a module of briefing/ imports must be declared in pyproject's
[project] dependencies (or, for an optional integration such as langchain_core, in an extra
other than `dev`), not only pulled in by another package. And a requirement made through an
extra deep in the tree (justext's `lxml[html_clean]`) is declared directly too: the pip a
new virtualenv brings (23.x) does not resolve that extra, so without `lxml_html_clean` in
the dependencies every HTML ingest failed on import.
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "briefing"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
TEST_ONLY_EXTRAS = {"dev"}


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them: `Jinja2`, `lxml_html_clean` -> lower, `-`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, f"unreadable requirement {requirement!r} in pyproject.toml"
    return normalize(match[1])


DECLARED = {requirement_name(r) for r in PROJECT["dependencies"]}
OPTIONAL = {
    requirement_name(r)
    for extra, requirements in PROJECT.get("optional-dependencies", {}).items()
    if extra not in TEST_ONLY_EXTRAS
    for r in requirements
}


def third_party_imports() -> dict[str, list[str]]:
    """Top-level module -> the files of briefing/ that import it (stdlib and briefing left out)."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "briefing":
                    found.setdefault(top, []).append(str(path.relative_to(ROOT)))
    return found


IMPORTS = third_party_imports()


@cache
def distributions() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def test_the_scan_sees_the_imports() -> None:
    assert {"pydantic", "typer", "lxml", "trafilatura", "httpx"} <= set(IMPORTS)


@pytest.mark.parametrize("module", sorted(IMPORTS))
def test_every_imported_package_is_declared(module: str) -> None:
    where = ", ".join(sorted(set(IMPORTS[module])))
    provided_by = {normalize(d) for d in distributions().get(module, [])}
    assert provided_by, f"{module} (imported in {where}) is not installed: no distribution has it"
    assert provided_by & (DECLARED | OPTIONAL), (
        f"{module} is imported in {where} but its distribution ({', '.join(sorted(provided_by))})"
        " is not in [project] dependencies of pyproject.toml (nor in an extra)"
    )


def test_what_an_extra_deep_in_the_tree_brings_is_declared_directly() -> None:
    packaging = pytest.importorskip("packaging.requirements")

    missing: dict[str, str] = {}
    seen: set[str] = set()
    todo = [packaging.Requirement(r) for r in PROJECT["dependencies"]]
    while todo:
        requirement = todo.pop()
        name = normalize(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(requirement.name) or []
        except metadata.PackageNotFoundError:
            continue  # not installed here (a marker excluded it); nothing to follow
        for text in requires:
            needed = packaging.Requirement(text)
            if needed.marker is None or needed.marker.evaluate({"extra": ""}):
                todo.append(needed)
                for extra in needed.extras:
                    for brought in _brought_by(needed.name, extra, packaging):
                        if normalize(brought.name) not in DECLARED:
                            missing[brought.name] = f"{requirement.name} needs {text}"
    assert not missing, (
        "declare these in [project] dependencies; pip 23 does not resolve them through the "
        f"extra: {missing}"
    )


def _brought_by(dist: str, extra: str, packaging: Any) -> list[Any]:
    """The requirements `dist[extra]` adds."""
    try:
        requires = metadata.requires(dist) or []
    except metadata.PackageNotFoundError:
        return []
    out = []
    for text in requires:
        requirement = packaging.Requirement(text)
        marker = requirement.marker
        if marker is not None and not marker.evaluate({"extra": ""}):
            if marker.evaluate({"extra": extra}) or marker.evaluate({"extra": normalize(extra)}):
                out.append(requirement)
    return out
