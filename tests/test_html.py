"""HTML digest: one self-contained file, every citation a working link, all text inert."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from digests import example_digest

from briefing.models import ArticleCite, Claim, Digest, Failure, Finding, StoryClaim
from briefing.render.html import render_brief_html, render_digest_html

SCRIPT = "<script>alert(1)</script>"


class Page(HTMLParser):
    """The tags, ids and links of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.sources: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if values.get("id"):
            assert values["id"] not in self.ids, f"duplicate id {values['id']}"
            self.ids.add(values["id"] or "")
        if tag == "a" and "href" in values:
            self.hrefs.append(values["href"] or "")
        if "src" in values:
            self.sources.append(values["src"] or "")


@pytest.fixture
def digest() -> Digest:
    return example_digest()


def test_every_citation_links_to_an_anchor_that_exists(digest: Digest) -> None:
    page = Page(render_digest_html(digest, "both"))
    internal = [h for h in page.hrefs if h.startswith("#")]
    assert len(internal) > 40
    missing = [h for h in internal if h[1:] not in page.ids]
    assert missing == []


def test_each_cited_paragraph_is_quoted_with_its_anchor(digest: Digest) -> None:
    html = render_digest_html(digest, "en")
    page = Page(html)
    for brief in digest.briefs:
        for _, claim in brief.claims_with_paths():
            for n in claim.cites:
                assert f"#a-{brief.article.id}-p{n}" in page.hrefs
    # The story cites paragraph 1 of the Sohu article through its brief's cites, and
    # the regulation's paragraph 6 is quoted with its text.
    regulation = digest.briefs[1].article
    anchor = f'id="a-{regulation.id}-p6"'
    assert anchor in html
    assert html.index(regulation.paragraphs[5], html.index(anchor)) > 0


def test_cite_out_of_range_or_to_unknown_article_is_not_a_link(digest: Digest) -> None:
    digest.briefs[0].groups[0].claims[0] = Claim(en="Out of range.", zh="越界。", cites=[99])
    digest.stories[0].claims.append(
        StoryClaim(
            en="Elsewhere.",
            zh="别处。",
            cites=[ArticleCite(article="ffffffffffff", paragraphs=[2])],
        )
    )
    page = Page(render_digest_html(digest, "en"))
    assert all(h[1:] in page.ids for h in page.hrefs if h.startswith("#"))
    assert not any(h.endswith("-p99") or "ffffffffffff" in h for h in page.hrefs)


def test_script_in_model_and_article_text_is_escaped(digest: Digest) -> None:
    digest.briefs[0].groups[0].claims[0].en = SCRIPT
    digest.briefs[0].article.paragraphs[1] = SCRIPT + "</style><img src=x onerror=alert(2)>"
    digest.stories[0].summary.zh = SCRIPT
    digest.failures = [Failure(input=SCRIPT, error="<iframe src=//evil>")]
    digest.briefs[1].findings = [
        Finding(where="core_viewpoint", kind="empty-text", severity="error", detail=SCRIPT)
    ]
    html = render_digest_html(digest, "both")
    page = Page(html)
    assert not {"script", "img", "iframe"} & set(page.tags)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("</style>") == 1


def test_only_http_urls_become_links(digest: Digest) -> None:
    digest.briefs[0].article.url = "javascript:alert(1)"
    digest.briefs[1].article.url = 'https://tv.cctv.com/2024/06/29/a.shtml?x="><b>'
    html = render_digest_html(digest, "en")
    page = Page(html)
    assert [h for h in page.hrefs if not h.startswith("#")] == []
    assert "javascript:alert(1)" in html  # still shown, as text
    assert "a.shtml?x=&#34;&gt;&lt;b&gt;" in html

    digest.briefs[1].article.url = "https://tv.cctv.com/2024/06/29/a.shtml"
    page = Page(render_digest_html(digest, "en"))
    assert "https://tv.cctv.com/2024/06/29/a.shtml" in page.hrefs


def test_no_remote_assets(digest: Digest) -> None:
    digest.briefs[0].article.url = "https://www.sohu.com/a/1"
    html = render_digest_html(digest, "both")
    page = Page(html)
    assert not {"link", "script", "img", "iframe", "object", "embed"} & set(page.tags)
    assert page.sources == []
    assert "@import" not in html
    # The one url() is the embedded Chinese font, a data URI (briefing/render/fonts.py).
    assert re.findall(r"url\((.{0,23})", html) == ["data:font/woff2;base64,"]
    assert "default-src 'none'" in html  # the CSP would block any that slipped in
    assert "font-src data:;" in html or 'font-src data:"' in html


def test_chinese_present_and_language_marked(digest: Digest) -> None:
    html = render_digest_html(digest, "zh")
    assert '<html lang="zh-Hans">' in html
    assert "<h1>每周简报</h1>" in html
    assert "稀土：俄罗斯谋求自主产业链，中国强化全链条管理" in html
    assert "俄罗斯将投资7000亿卢布" in html
    assert "Core Viewpoint" not in html


def test_remaining_findings_are_marked(digest: Digest) -> None:
    digest.briefs[1].findings = [
        Finding(
            where="groups[0].claims[1]",
            kind="number-not-in-cited",
            severity="error",
            detail="32 not found in paragraph 1",
        ),
        Finding(where="title", kind="bilingual-mismatch", severity="error", detail="titles differ"),
    ]
    html = render_digest_html(digest, "en")
    assert '<li class="flagged"><p class="en">The regulation has 32 articles.' in html
    # In a reader's words, not the re-ask's.
    assert "unverified: the cited paragraph does not contain 32</p>" in html
    assert "32 not found" not in html
    # A flag on no claim is still shown.
    assert "unverified: the English and Chinese give different figures</p>" in html


def test_single_brief_page(digest: Digest) -> None:
    brief = digest.briefs[0]
    html = render_brief_html(brief, "en")
    page = Page(html)
    assert f"<title>{brief.title.en}</title>" in html
    assert "Weekly brief" not in html and "<h2>" not in html
    internal = [h for h in page.hrefs if h.startswith("#")]
    assert internal and all(h[1:] in page.ids for h in internal)
