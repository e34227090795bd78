"""Language: the English of a statement is English and its Chinese is Chinese.

- In the English, any Chinese or Japanese character outside quotes, 《》 and brackets is a
  finding ("the 稀土 industry"); a quoted or bracketed name (the "一带一路" initiative,
  Hanguang (含光) 800) is not.
- In the Chinese, English words are a finding unless they are names, acronyms, units or
  model and product names: a capitalised word (TikTok, Tesla), letters in capitals or mixed
  with digits (WTO, CT, 5G, F-35, ResNet-50), a unit (kg, nm, ms) or a word in quotes or
  brackets. A lower-case English word of two letters or more ("中国的rare earth产业"), or
  three capitalised words in a row ("Rare Earth Management"), is English left in.
- A Chinese text with no Chinese character at all, or an English one with no Latin letter,
  is in the wrong language altogether.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[A-Za-z]")
# Quoted or bracketed spans, whose content may be in the other language.
_QUOTED = re.compile(
    r'"[^"]*"|“[^”]*”|‘[^’]*’|「[^」]*」|『[^』]*』|《[^》]*》|\([^)]*\)|（[^）]*）|\[[^\]]*\]|【[^】]*】'
)
_EN_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z'’-]*(?![A-Za-z])")
_UNITS = frozenset(
    "kg g mg t km m cm mm nm um μm ms s min h kw kwh mw gw gwh tw twh w v mah hz khz mhz ghz "
    "gb mb kb tb pb bit bps kbps mbps gbps ppm ppb pp bp dpi fps rpm psi mpa kpa pa db ml l "
    "ha sq ft in lb oz mi vs am pm".split()
)
_CAPITALISED_RUN = re.compile(r"(?:[A-Z][a-z'’-]+\s+){2,}[A-Z][a-z'’-]+")
SHOWN = 24  # characters of the offending text quoted in a detail


def _unquoted(text: str) -> str:
    return _QUOTED.sub(" ", text)


def chinese_in_english(en: str) -> str | None:
    """The detail when the English holds Chinese outside quotes and brackets."""
    if not en.strip():
        return None
    if not _LATIN.search(en) and _CJK.search(en):
        return f"the English is written in Chinese ({_show(en)}): write it in English"
    runs = _CJK.findall(_unquoted(en))
    if not runs:
        return None
    return (
        f"the English contains Chinese ({_show('…'.join(runs))}): translate it, or quote it "
        "if it is a name"
    )


def english_in_chinese(zh: str) -> str | None:
    """The detail when the Chinese holds English words other than names, acronyms, units."""
    if not zh.strip():
        return None
    if not _CJK.search(zh) and _LATIN.search(zh):
        return f"the Chinese is written in English ({_show(zh)}): write it in Chinese"
    plain = _unquoted(zh)
    words = [w for w in _EN_WORD.findall(plain) if _is_english(w)]
    words += [m.group() for m in _CAPITALISED_RUN.finditer(plain)]
    if not words:
        return None
    shown = _show(", ".join(dict.fromkeys(words)))
    return f"the Chinese contains English ({shown}): write it in Chinese"


def _is_english(word: str) -> bool:
    """A lower-case word of two letters or more that is no unit: English, not a name (a name
    has a capital somewhere: TikTok, iPhone)."""
    return len(word) >= 2 and word.islower() and word not in _UNITS


def _show(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text}”" if len(text) <= SHOWN else f"“{text[:SHOWN]}…”"
