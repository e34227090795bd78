"""briefing.models is one import for every contract, whichever of its modules defines it."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import briefing.models


def _defined(path: Path) -> list[str]:
    """The public names a module defines at its top level: classes, aliases, constants."""
    names: list[str] = []
    for node in ast.parse(path.read_text("utf-8")).body:
        if isinstance(node, ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return [n for n in names if not n.startswith("_")]


def test_every_contract_of_every_module_is_importable_from_briefing_models() -> None:
    folder = Path(briefing.models.__file__).parent
    modules = [m.name for m in pkgutil.iter_modules([str(folder)])]
    assert {"base", "answers", "brief", "digest"} <= set(modules)
    for name in modules:
        module = importlib.import_module(f"briefing.models.{name}")
        defined = _defined(folder / f"{name}.py")
        assert defined, name
        for attr in defined:
            assert attr in briefing.models.__all__, f"briefing.models does not export {attr}"
            assert getattr(briefing.models, attr) is getattr(module, attr)
    assert len(set(briefing.models.__all__)) == len(briefing.models.__all__)


def test_the_names_callers_import_are_still_there() -> None:
    from briefing.models import (  # noqa: F401 - the import is the test
        BRIEF_FORMAT,
        DIGEST_FORMAT,
        PLAN_FORMAT,
        Article,
        ArticleCiteAnswer,
        ArticleId,
        Brief,
        BriefAnswer,
        Cites,
        ClaimText,
        Digest,
        Estimate,
        FindingKind,
        Model,
        ShortText,
        StoryAnswer,
        Usage,
        WeekAnswer,
    )

    assert issubclass(Brief, Model) and issubclass(WeekAnswer, Model)
    assert (BRIEF_FORMAT, DIGEST_FORMAT, PLAN_FORMAT) == (
        "briefing.brief/1",
        "briefing.digest/1",
        "briefing.plan/1",
    )
