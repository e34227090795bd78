"""The article body of a news page: find the element holding the prose, read its paragraphs.

Chinese news pages keep the body as a run of <p> elements in one container, surrounded by
navigation, comments and related links that also contain text. The container is the
element whose paragraphs carry the most prose (readability's scoring, with Chinese
punctuation counted); its paragraphs are then read in order, dropping image captions,
link lists and the bylines and trailers in `boilerplate`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement

from briefing.ingest.article import clean_text
from briefing.ingest.boilerplate import ends_sentence, is_boilerplate, strip_edges

# Removed before anything is read: never article text.
DROP_TAGS = (
    "script", "style", "noscript", "iframe", "template", "svg", "canvas", "object", "embed",
    "textarea", "select", "button", "input", "video", "audio", "map",
)  # fmt: skip
BLOCK_TAGS = frozenset(
    "p div section article main header footer aside nav h1 h2 h3 h4 h5 h6 li ul ol dl dt dd "
    "blockquote pre table tr td th tbody thead tfoot figure center hr address details "
    "summary form".split()
)
# Containers of this kind inside the body hold page furniture, not prose.
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:share|comments?|recommend\w*|related|qrcode|advert\w*|ads?|"
    r"gg\d+x\d+|breadcrumbs?|keywords?|tags?|toolbar|page-tools)(?:$|[\s_-])",
    re.I,
)
_PROSE_PUNCTUATION = re.compile(r"[，。、；！？,;]")
_NEWLINE_RUN = re.compile(r"\s*\n\s*")
_CJK = r"\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_NEWLINE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\n(?=[{_CJK}])")
# A paragraph shorter than this does not vote for its container.
MIN_VOTING_CHARS = 20
# Captions are short and do not end like a sentence.
CAPTION_MAX_CHARS = 40
LINK_HEAVY_SHARE = 0.6


def prepare_tree(root: HtmlElement) -> None:
    """Remove scripts, styles, form controls and comments, keeping the text that follows them."""
    doomed = list(root.iter(*DROP_TAGS, etree.Comment, etree.ProcessingInstruction))
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()  # drop_tree keeps el.tail in the parent


def _is_furniture(el: HtmlElement) -> bool:
    attrs = f"{el.get('class', '')} {el.get('id', '')}"
    return bool(attrs.strip()) and bool(_FURNITURE.search(attrs))


def _has_block_child(el: HtmlElement) -> bool:
    return any(isinstance(child.tag, str) and child.tag in BLOCK_TAGS for child in el)


def _link_chars(el: HtmlElement) -> int:
    return sum(len(clean_text(a.text_content())) for a in el.iter("a"))


def _paragraph_score(el: HtmlElement) -> float:
    text = clean_text(el.text_content())
    if len(text) < MIN_VOTING_CHARS:
        return 0.0
    links = _link_chars(el)
    if links / len(text) > 0.5:
        return 0.0
    return 1 + len(_PROSE_PUNCTUATION.findall(text)) + min(len(text) // 100, 3)


def _visible(text: str | None) -> int:
    return len("".join(text.split())) if text else 0


def _text_sizes(root: HtmlElement) -> dict[HtmlElement, tuple[int, int]]:
    """For each element, the characters of its text and of the links in it, whitespace not
    counted. One pass from the leaves up, so weighing every candidate container stays linear
    in the size of the page even when the containers nest thousands deep."""
    sizes: dict[HtmlElement, tuple[int, int]] = {}
    for _, el in etree.iterwalk(root, events=("end",)):
        chars, links = _visible(el.text), 0
        for child in el:
            child_chars, child_links = sizes.get(child, (0, 0))
            chars += child_chars + _visible(child.tail)
            links += child_links
        sizes[el] = (chars, chars if el.tag == "a" else links)
    return sizes


def find_container(root: HtmlElement) -> HtmlElement | None:
    """The element whose child paragraphs hold the most prose, or None if there is none."""
    scores: dict[HtmlElement, float] = defaultdict(float)
    for el in root.iter("p", "pre", "div", "td", "section"):
        if el.tag not in ("p", "pre") and _has_block_child(el):
            continue  # only <div>s used as paragraphs vote, not layout <div>s
        score = _paragraph_score(el)
        parent = el.getparent()
        if not score or parent is None:
            continue
        scores[parent] += score
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] += score / 2
    best, best_score = None, 0.0
    sizes = _text_sizes(root) if scores else {}
    for el, score in scores.items():
        chars, link_chars = sizes.get(el, (0, 0))
        adjusted = score * (1 - min(link_chars / (chars or 1), 1.0))
        if adjusted > best_score:
            best, best_score = el, adjusted
    return best


@dataclass
class _Block:
    """One block-level run of text as it appears in the page."""

    # Pieces joined once at the end: a block of 100,000 inline elements stays linear.
    parts: list[str] = field(default_factory=list)
    visible: bool = False  # some piece is not whitespace
    link_chars: int = 0
    image: bool = False

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _read_blocks(container: HtmlElement) -> list[_Block]:
    blocks = [_Block()]
    link_depth = 0
    skipped: set[HtmlElement] = set()

    def open_block() -> None:
        if blocks[-1].visible or blocks[-1].image:
            blocks.append(_Block())

    def add(text: str | None) -> None:
        if text:
            blocks[-1].parts.append(text)
            blocks[-1].visible = blocks[-1].visible or not text.isspace()
            if link_depth:
                blocks[-1].link_chars += len(text.strip())

    walker = etree.iterwalk(container, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if el is not container and (_is_furniture(el) or tag == "figcaption"):
                walker.skip_subtree()
                skipped.add(el)
                continue
            if tag in BLOCK_TAGS or tag == "br":
                open_block()
            if tag == "img":
                blocks[-1].image = True
            link_depth += tag == "a"
            add(el.text)
        else:
            if el not in skipped:
                link_depth -= tag == "a"
                if tag in BLOCK_TAGS:
                    open_block()
            if el is not container:
                add(el.tail)
    return blocks


def _collapse(text: str) -> str:
    # Newlines in HTML source are layout; between Chinese characters they are not even a space.
    text = _NEWLINE_RUN.sub("\n", text)
    text = _NEWLINE_BETWEEN_CJK.sub("", text)
    return clean_text(text)


def read_paragraphs(container: HtmlElement) -> list[str]:
    """The paragraphs of a body container, without captions, link lists and boilerplate."""
    paragraphs: list[str] = []
    after_image = False
    for block in _read_blocks(container):
        text = _collapse(block.text)
        if not text:
            after_image = after_image or block.image
            continue
        is_caption = (
            (block.image or after_image)
            and len(text) <= CAPTION_MAX_CHARS
            and not ends_sentence(text)
        )
        after_image = False
        if is_caption or is_boilerplate(text):
            continue
        if block.link_chars / len(text) > LINK_HEAVY_SHARE:
            continue
        paragraphs.append(text)
    return strip_edges(paragraphs)
