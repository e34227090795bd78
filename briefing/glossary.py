"""The glossary: preferred English for Chinese terms and names (稀土 → rare earths).

A TOML file, `glossary.toml` in the config folder (next to config.toml) or `--glossary FILE`:

    [terms]
    "稀土" = "rare earths"
    "商务部" = { en = "MOFCOM", accept = ["Ministry of Commerce (MOFCOM)"],
                 avoid = ["Ministry of Commerce", "Commerce Ministry"] }

`en` is the preferred rendering; `accept` other renderings that are as good (a singular,
an adjective); `avoid` known other renderings, named in findings and in the digest's
consistency report. The brief prompt is given only the entries whose Chinese occurs in the
article (briefing/brief/request.py), a story synthesis's and the week in brief's only those
whose Chinese occurs in the paragraphs they are shown cited (briefing/digest/synthesis.py,
week.py), all by one block (prompts/glossary.j2); briefing/grounding/glossary.py checks the
output against the same paragraphs.
A starter glossary of economics and trade terms ships in the package (STARTER).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints, ValidationError

from briefing.errors import InputError
from briefing.models import Article, Model

GLOSSARY_NAME = "glossary.toml"
_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
_FOLD = re.compile(r"[\s\-‐-―]+")


def fold(text: str) -> str:
    """English for matching: lower case, hyphens and runs of white space made one space."""
    return _FOLD.sub(" ", text.casefold()).strip()


class Term(Model):
    """One entry: a Chinese term or name and its English."""

    zh: _Text
    en: _Text
    accept: list[_Text] = []
    avoid: list[_Text] = []

    def rendering(self, english: str) -> str | None:
        """How `english` renders the term: `en` (or an accepted form, counted as `en`), an
        `avoid` form, or None when none of them is in it."""
        text = f" {fold(english)} "
        for form in (self.en, *self.accept):
            if _contains(text, form):
                return self.en
        for form in self.avoid:
            if _contains(text, form):
                return form
        return None


def _contains(folded: str, form: str) -> bool:
    """`form` in the folded text as whole words (MOFCOM, not MOFCOMs' inside another word)."""
    return re.search(rf"(?<![a-z0-9]){re.escape(fold(form))}(?![a-z0-9])", folded) is not None


class Glossary(Model):
    """The terms of one glossary file, in the file's order."""

    path: str
    terms: list[Term] = Field(min_length=1)

    @cached_property
    def _longest_first(self) -> list[Term]:
        return sorted(self.terms, key=lambda t: -len(t.zh))

    def terms_in(self, texts: Iterable[str]) -> list[Term]:
        """The terms that occur in `texts`, in the file's order. A term inside a longer one
        that occurs (商务 inside 商务部) counts only where it stands on its own."""
        text = "\n".join(texts)
        found: set[str] = set()
        for term in self._longest_first:
            if term.zh in text:
                found.add(term.zh)
                text = text.replace(term.zh, "\0")
        return [t for t in self.terms if t.zh in found]

    def for_article(self, article: Article) -> list[Term]:
        """The terms the article's title or paragraphs hold: what its prompt is given."""
        return self.terms_in([article.title, *article.paragraphs])

    def for_cited(
        self, articles: Mapping[str, Article], cites: Iterable[tuple[str, Iterable[int]]]
    ) -> list[Term]:
        """The terms the cited paragraphs hold, each cite an article id and paragraph numbers
        (ids not in `articles` and numbers out of range left out): what a story's or the week
        in brief's prompt is given, the paragraphs its statements are checked against."""
        texts = []
        for aid, numbers in cites:
            if (article := articles.get(aid)) is not None:
                count = len(article.paragraphs)
                texts += [article.paragraphs[n - 1] for n in numbers if 1 <= n <= count]
        return self.terms_in(texts)


def prompt_terms(terms: list[Term]) -> dict[str, object]:
    """The prompt variables of the entries a prompt is given: none when there are none, so
    the prompt renders as without a glossary (prompts/glossary.j2)."""
    return {"glossary": terms} if terms else {}


def starter_glossary_path() -> Path:
    """The starter glossary shipped inside the package (economics and trade terms)."""
    from briefing.resources import data_dir

    return Path(str(data_dir("data") / GLOSSARY_NAME))


def default_glossary_path() -> Path:
    """`glossary.toml` next to the config file (see briefing.settings.config_file)."""
    from briefing.settings.config_file import default_config_path

    return default_config_path().parent / GLOSSARY_NAME


def resolve_glossary(flag: str | Path | None) -> Glossary | None:
    """The glossary in use: `--glossary FILE`, else glossary.toml in the config folder if it
    exists, else none."""
    if flag is not None:
        return load_glossary(Path(flag).expanduser())
    path = default_glossary_path()
    return load_glossary(path) if path.is_file() else None


def load_glossary(path: Path) -> Glossary:
    """The glossary in `path`; InputError saying what is wrong with the file."""
    fix = 'See README, The glossary: a [terms] table of "中文" = "English" entries.'
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InputError(f"The glossary {path} does not exist.", fix) from None
    except (OSError, UnicodeDecodeError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise InputError(f"The glossary {path} cannot be read: {detail}.", fix) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"The glossary {path} is not valid TOML: {exc}.", fix) from None
    table = data.get("terms")
    if not isinstance(table, dict) or not table:
        raise InputError(f"The glossary {path} has no [terms] table.", fix)
    terms = []
    for zh, value in table.items():
        entry = {"en": value} if isinstance(value, str) else value
        try:
            terms.append(Term.model_validate({"zh": zh, **entry}))
        except (ValidationError, TypeError) as exc:
            problem = (
                "; ".join(e["msg"] for e in exc.errors())
                if isinstance(exc, ValidationError)
                else "give a string or a table with `en`"
            )
            raise InputError(
                f"The glossary {path}: the entry {zh!r} is wrong: {problem}.", fix
            ) from None
    return Glossary(path=str(path), terms=terms)
