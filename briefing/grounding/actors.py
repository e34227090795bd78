"""Who: the countries, regions and major organisations a claim names (China, the US, the EU,
MOFCOM, the central bank, the WTO…) must be named in both its languages and in the
paragraphs it cites, so a claim cannot move an act to the wrong party unnoticed.

The names come from a small bilingual gazetteer, data/actors.toml, documented there.
A name outside the gazetteer is not judged.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class _Gazetteer:
    zh: re.Pattern[str]  # every Chinese alias and compound, longest first
    en: re.Pattern[str]  # every English alias, case-sensitive, at word boundaries
    exclude: re.Pattern[str] | None
    names: dict[str, tuple[str, ...]]  # alias or compound -> the actors it names
    patterns: list[tuple[re.Pattern[str], str]]  # zh_patterns, each with its actor
    implied: re.Pattern[str] | None  # every `implied` word


@cache
def _gazetteer() -> _Gazetteer:
    text = files("briefing.grounding").joinpath("data/actors.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    names: dict[str, tuple[str, ...]] = {}
    zh: list[str] = []
    en: list[str] = []
    exclude: list[str] = []
    patterns: list[tuple[re.Pattern[str], str]] = []
    implied: list[str] = []
    for actor in data["actor"]:
        for word in actor.get("implied", []):
            names[word] = (actor["name"],)
            implied.append(word)
        patterns += [(re.compile(p), actor["name"]) for p in actor.get("zh_patterns", [])]
        for alias in actor["zh"]:
            names[alias] = (actor["name"],)
            zh.append(alias)
        for alias in actor["en"]:
            names[alias] = (actor["name"],)
            en.append(alias)
        exclude += actor.get("exclude", [])
    for compound, actors in data.get("compounds", {}).items():
        names[compound] = tuple(actors)
        zh.append(compound)
    return _Gazetteer(
        zh=re.compile(
            "|".join(
                [
                    *map(re.escape, sorted(zh, key=len, reverse=True)),
                    *(p.pattern for p, _ in patterns),
                ]
            )
        ),
        en=re.compile(
            r"(?<![A-Za-z.])(?:"
            + "|".join(map(re.escape, sorted(en, key=len, reverse=True)))
            + r")(?![A-Za-z])"
        ),
        exclude=(
            re.compile("|".join(map(re.escape, sorted(exclude, key=len, reverse=True))))
            if exclude
            else None
        ),
        names=names,
        patterns=patterns,
        implied=re.compile("|".join(map(re.escape, implied))) if implied else None,
    )


def named(text: str, side: str | None = None, implied: bool = False) -> dict[str, str]:
    """The actors `text` names, each with the first way it writes them; only the Chinese or
    the English aliases when `side` is "zh" or "en"; with `implied`, also the actors it
    names only in context (境内 for China)."""
    g = _gazetteer()
    excluded = [m.span() for m in g.exclude.finditer(text)] if g.exclude else []
    # A Chinese text may name an organisation by its Latin acronym (WTO初步裁定, IMF): the
    # English aliases count there too; an English text is read by its English aliases only.
    patterns = [g.en] if side == "en" else [g.zh, g.en]
    found: dict[str, str] = {}
    for pattern in patterns:
        for m in pattern.finditer(text):
            if any(start <= m.start() and m.end() <= end for start, end in excluded):
                continue
            for actor in g.names.get(m.group()) or _patterned(g, m.group()):
                found.setdefault(actor, m.group())
    if implied and g.implied and side != "en":
        for m in g.implied.finditer(text):
            for actor in g.names[m.group()]:
                found.setdefault(actor, m.group())
    return found


def _patterned(g: _Gazetteer, word: str) -> tuple[str, ...]:
    return tuple(actor for pattern, actor in g.patterns if pattern.fullmatch(word))


def bilingual(en: str, zh: str) -> list[str]:
    """Details for each actor the English names and the Chinese does not, when the Chinese
    names another in its place (the English says the US, the Chinese 日本).

    Only then: a faithful English is shorter and drops what the Chinese repeats (国务院副总理
    何立峰 is "Vice Premier He Lifeng", 英国伦敦 is "London"), and a faithful Chinese drops a
    subject the context gives (自4月10日起加征34%关税 for "China adds a 34% tariff"). An actor
    named on one side only is still looked for in the cited paragraphs."""
    en_names, zh_names = named(en, "en"), named(zh, "zh", implied=True)
    instead = [w for a, w in zh_names.items() if a not in en_names]
    if not instead:
        return []
    return [
        f"the English names {actor} ({word}); the Chinese does not, it names {', '.join(instead)}"
        for actor, word in en_names.items()
        if actor not in zh_names
    ]


def against_source(
    en: str,
    zh: str,
    cited: Iterable[tuple[str, str]],
    others: Iterable[tuple[str, str]],
    frame: Iterable[str] = (),
    side: str = "zh",
) -> list[str]:
    """Details for each actor the claim names that no cited text names (in either language).

    The claim in the article's language (`side`) is held to its cited paragraphs; `frame`
    are the texts that set the scene for every paragraph (the article's title and first
    paragraph: who speaks, where), so an actor named there may be named in any claim ("the
    Commerce Ministry spokesperson said…" citing paragraph 4). The other language may make
    explicit what the source implies ("China's regulation" for 《稀土管理条例》): an actor it
    alone names is flagged only when the whole article never names it. `others` are the
    article's other texts (labelled), to say where a missing actor does appear."""
    cited, others = list(cited), list(others)
    if not cited:
        return []
    in_cited: set[str] = set()
    for text in [*(t for _, t in cited), *frame]:
        in_cited |= set(named(text, implied=True))
    own = named(en if side == "en" else zh, side)
    other = named(zh if side == "en" else en, "zh" if side == "en" else "en")
    details = []
    for actor, word in {**own, **{a: w for a, w in other.items() if a not in own}}.items():
        if actor in in_cited:
            continue
        where = [label for label, text in others if actor in named(text, implied=True)]
        if where and actor not in own:
            continue
        elsewhere = f"it appears in {', '.join(where[:3])}" if where else "nor does the article"
        verb = "does" if len(cited) == 1 else "do"
        details.append(
            f"the claim names {actor} ({word}); the cited {labels(cited)} {verb} not ({elsewhere})"
        )
    return details


def labels(texts: list[tuple[str, str]]) -> str:
    """ "paragraph 3", "paragraphs 3 and 4": the labels of `texts`, joined."""
    names = [label for label, _ in texts]
    if len(names) > 1 and all(n.startswith("paragraph ") for n in names):
        numbers = [n.removeprefix("paragraph ") for n in names]
        return f"paragraphs {', '.join(numbers[:-1])} and {numbers[-1]}"
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
