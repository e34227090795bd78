"""Ingest: files, URLs and stdin to Articles; decoding; normalisation; every input error.

Inputs live in tests/data/ingest/ (see its README.md); the four real news pages and their
expected extraction are read from tests/data/html/ (copied from the shared data).
"""

from __future__ import annotations

import io
import json
import re
import time
import unicodedata
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from conftest import local_server
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.errors import InputError
from briefing.ingest import decode_bytes, make_article, read_source
from briefing.ingest.article import ANSI_ESCAPE
from briefing.ingest.dates import normalise_published
from briefing.ingest.htmlmeta import printed_date, strip_site_suffix
from briefing.models import Article

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "ingest"
SHARED_HTML = ROOT / "tests" / "data" / "html"
SHARED_ARTICLES = ROOT / "tests" / "data" / "articles"


def one(source: str | Path, **kwargs: Any) -> Article:
    articles = read_source(str(source), **kwargs)
    assert len(articles) == 1
    return articles[0]


def input_error(source: str | Path, **kwargs: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        read_source(str(source), **kwargs)
    assert caught.value.hint, "every input error says how to fix it"
    return caught.value


# --- The four real pages against shared/data/html/expected.jsonl --------------------------


def _expected_rows() -> list[dict[str, Any]]:
    path = SHARED_HTML / "expected.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize("row", _expected_rows(), ids=lambda row: row["file"])
def test_real_page_matches_expected(row: dict[str, Any]) -> None:
    article = one(SHARED_HTML / row["file"])
    assert article.title == row["title"]
    assert article.published == normalise_published(row["published"])
    assert article.paragraphs[0].startswith(row["body_first_sentence"])
    assert article.paragraphs[-1].endswith(row["body_last_sentence"])
    approx = row["n_paragraphs_approx"]
    assert abs(len(article.paragraphs) - approx) <= 0.3 * approx
    assert article.language == "zh"
    body = "\n".join(article.paragraphs)
    for trap in ("原标题", "本文来源", "责任编辑", "【文/", "最后更新", "跟贴"):
        assert trap not in body


def test_real_page_published_is_printed_time_not_meta_or_update_time() -> None:
    # 06 carries article:published_time 06:52:51 in <meta> but prints 04:04 under the title;
    # 04 prints an update time ("最后更新") after the publication time.
    assert one(SHARED_HTML / "06.html").published == "2019-09-07T04:04:00"
    assert one(SHARED_HTML / "04.html").published == "2019-09-07T09:25:09"


def test_real_page_captions_and_site_names() -> None:
    guancha = one(SHARED_HTML / "04.html")
    assert "华坚鞋业生产车间" not in guancha.paragraphs
    assert guancha.source == "观察者网"
    netease = one(SHARED_HTML / "02.html")
    assert "运营商某次活动上展示的5G芯片" not in "\n".join(netease.paragraphs)
    assert "图片来源：摄图网" not in netease.paragraphs
    assert netease.source == "网易新闻"
    sina = one(SHARED_HTML / "06.html")
    assert sina.url == "https://news.sina.com.cn/c/2019-09-07/doc-iicezzrq4076655.shtml"


# --- Synthetic pages -------------------------------------------------------------------


def test_same_body_gets_same_id_from_txt_json_and_html() -> None:
    txt, js, page = (one(DATA / f"same_body.{ext}") for ext in ("txt", "json", "html"))
    assert txt.id == js.id == page.id
    assert txt.paragraphs == js.paragraphs == page.paragraphs
    assert len(txt.paragraphs) == 3
    assert txt.title == js.title == page.title == "示例市发布稀土新材料产业扶持政策"
    assert txt.published == js.published == page.published == "2025-10-21T08:30:00"
    assert txt.source == js.source == page.source == "示例日报"
    assert page.url == "https://news.example.com/2025/10/21/rare-earth.html"


def test_html_drops_caption_share_bar_trailer_comments_and_keeps_link_text() -> None:
    page = one(DATA / "same_body.html")
    body = "\n".join(page.paragraphs)
    for junk in (
        "示例市稀土产业园区",
        "分享到",
        "责任编辑",
        "网友评论",
        "原标题",
        "相关新闻",
        "脚本",
    ):
        assert junk not in body
    assert "若干措施》" in page.paragraphs[0]  # text inside an inline <a> stays in place


def test_gbk_page_decoded_with_its_declared_charset() -> None:
    raw = (DATA / "gbk_page.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    page = one(DATA / "gbk_page.html")
    assert page.title == "国内成品油价格迎来年内第十次下调"
    assert page.source == "示例财经网"
    assert page.published == "2025-10-24T17:05:00"
    assert page.paragraphs == [
        "国家发展改革委10月24日发布消息，自当日24时起，国内汽、柴油价格每吨分别降低55元和50元。",
        "业内人士测算，此次调价后，加满一箱50升的汽油将少花约2元。",
    ]


def test_script_and_style_inside_body_are_not_text() -> None:
    page = one(DATA / "script_in_body.html")
    assert page.paragraphs == [
        "示例港务集团10月23日公布，前三季度港口集装箱吞吐量同比增长7.2%，创历史同期新高。",
        "集团负责人介绍，新开通的三条国际航线贡献了主要增量。",
        "业内预计，全年吞吐量有望保持稳定增长态势。",
    ]
    assert page.title == "示例：港口集装箱吞吐量创新高"


def test_page_of_br_separated_text() -> None:
    page = one(DATA / "br_body.html")
    assert len(page.paragraphs) == 3
    assert page.paragraphs[0].startswith("截至10月25日")
    assert page.title == "示例：秋粮收购进度过半"


def test_page_without_paragraph_elements_falls_back_to_trafilatura() -> None:
    page = one(DATA / "bare_body.html")
    assert len(page.paragraphs) == 3
    assert page.paragraphs[0].startswith("城市公交线网优化方案10月22日起公示")
    assert page.paragraphs[-1].endswith("并在公示期内提出意见建议。")


def test_headline_and_dateline_inside_the_body_container_are_not_paragraphs() -> None:
    page = one(DATA / "article_tag.html")
    assert page.title == "示例：新能源汽车下乡活动启动"
    assert page.paragraphs[0].startswith("新一轮新能源汽车下乡活动")
    assert len(page.paragraphs) == 2
    # The time printed under the headline wins over the UTC time in <meta>.
    assert page.published == "2025-10-20T10:00:00"
    assert page.source == "示例汽车网"


def test_printed_date_skips_update_times() -> None:
    zone = "最后更新：2025-10-22 09:00 发布时间：2025-10-21 08:30 来源：示例"
    assert printed_date(zone) == "2025-10-21T08:30:00"
    assert printed_date("更新于 2025年10月22日") is None


@pytest.mark.parametrize(
    ("title", "headline"),
    [
        ("多地项目连环爆雷_网易财经", "多地项目连环爆雷"),
        ("最强“中国芯”本月商用|中国芯|芯片_新浪新闻", "最强“中国芯”本月商用"),
        ("王文：中美贸易“持久战”|观察者网", "王文：中美贸易“持久战”"),
        ("Rare earths - Example News", "Rare earths"),
        ("COVID-19 cases fall", "COVID-19 cases fall"),
    ],
)
def test_site_suffix_removed_from_title(title: str, headline: str) -> None:
    assert strip_site_suffix(title) == headline


def test_html_without_body_is_an_input_error() -> None:
    err = input_error(DATA / "no_body.html")
    assert "No article body" in err.message
    assert "no_body.html" in err.message


# --- Text files --------------------------------------------------------------------------


def test_reference_export_style_text() -> None:
    article = one(DATA / "export_style.txt")
    assert article.title == "中美“斗法”把俄罗斯打醒,绍伊古:稀土产业必须独立自主!"
    assert article.source == "Sou Hu Cai Jing"
    assert article.published == "2025-10-25T12:49:00"
    # One long line in the export, split at the spaces after sentence ends; the trailing
    # "声明:个人原创…" disclaimer is dropped.
    assert len(article.paragraphs) == 6
    assert article.paragraphs[0].startswith("虽然绍伊古这番未雨绸缪颇有远见")
    assert article.paragraphs[0].endswith("愿意在稀土方面合作。")  # "稀土方 面" rejoined
    assert article.paragraphs[1].startswith("据俄卫星网报道")
    assert "完全独立于中美" in article.paragraphs[1]
    assert article.paragraphs[-1].endswith("牢牢掌握在中国人手中。")
    assert not any("声明" in p for p in article.paragraphs)


def test_text_without_blank_lines_has_a_paragraph_per_line(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("标题在这里\n第一段内容。\n第二段内容。\n", encoding="utf-8")
    article = one(path)
    assert article.title == "标题在这里"
    assert article.paragraphs == ["第一段内容。", "第二段内容。"]


def test_text_whose_first_line_is_a_sentence_has_no_title_line(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("这是第一段，它以句号结尾。\n\n这是第二段。\n", encoding="utf-8")
    article = one(path)
    assert article.paragraphs == ["这是第一段，它以句号结尾。", "这是第二段。"]
    assert article.title == "这是第一段，它以句号结尾。"  # derived from the body


def test_markdown_heading_title_and_markup(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "# 示例标题\n\n第一段有**加粗**和[链接](https://x.cn)。\n\n## 小标题\n\n第二段。\n",
        encoding="utf-8",
    )
    article = one(path)
    assert article.title == "示例标题"
    assert article.paragraphs == ["第一段有加粗和链接。", "小标题", "第二段。"]


def test_english_text_is_en(tmp_path: Path) -> None:
    path = tmp_path / "en.txt"
    path.write_text("Rare earths: a new rule\n\nChina published a rule on rare earths.\n")
    article = one(path)
    assert article.language == "en"
    assert article.title == "Rare earths: a new rule"


# --- Encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoded", "utf8"),
    [
        ("zh_simplified.gbk.txt", "zh_simplified.txt"),
        ("zh_simplified.bom.txt", "zh_simplified.txt"),
        ("zh_gb18030.gb18030.txt", "zh_gb18030.txt"),
        ("zh_traditional.big5.txt", "zh_traditional.txt"),
    ],
)
def test_encoded_files_read_like_their_utf8_twin(encoded: str, utf8: str) -> None:
    expected = (DATA / utf8).read_text(encoding="utf-8")
    assert decode_bytes((DATA / encoded).read_bytes()) == expected
    assert one(DATA / encoded) == one(DATA / utf8)


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("稀土", "gbk"),
        ("国务院总理李强", "gbk"),
        ("據俄羅斯衛星", "big5"),
        ("稀土管理條例", "big5"),
        ("央视网消息（新闻联播）：国务院总理李强日前签署国务院令。", "gb18030"),
    ],
)
def test_short_chinese_bytes_decode(text: str, codec: str) -> None:
    # Statistical detectors guess Korean or Latin for a few bytes; these must still be right.
    assert decode_bytes(text.encode(codec)) == text


def test_utf8_bom_and_utf16_bom() -> None:
    assert decode_bytes("\ufeff稀土".encode()) == "稀土"
    assert decode_bytes("稀土产业".encode("utf-16")) == "稀土产业"


@given(st.binary(max_size=2000))
@settings(max_examples=300, deadline=None)
def test_decode_bytes_never_raises_anything_but_input_error(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except InputError:
        return
    assert isinstance(text, str)


# --- make_article -------------------------------------------------------------------------


def test_make_article_normalises_text_and_keeps_fullwidth_punctuation() -> None:
    article = make_article(
        title="  标题\u200b ",
        paragraphs=[
            "  第一段，\u200b有零宽字符\x07。 ",
            "",
            "   ",
            "第二段：  多个   空格！\n换行",
        ],
    )
    assert article.title == "标题"
    assert article.paragraphs == ["第一段，有零宽字符。", "第二段： 多个 空格！ 换行"]
    assert article.id == make_article(title="other", paragraphs=article.paragraphs).id
    assert re.fullmatch(r"[0-9a-f]{12}", article.id)


def test_make_article_without_body_is_an_input_error() -> None:
    with pytest.raises(InputError):
        make_article(title="标题", paragraphs=["", " \u200b "])


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2025-10-25 12:49", "2025-10-25T12:49:00"),
        ("2025年10月25日 12:49", "2025-10-25T12:49:00"),
        ("2025年10月25日12时49分", "2025-10-25T12:49:00"),
        ("2025/10/25", "2025-10-25"),
        ("2024-06-29", "2024-06-29"),
        ("2019-09-07T13:43:45+08:00", "2019-09-07T13:43:45"),
        ("2019-09-07T13:43:45.123Z", "2019-09-07T13:43:45"),
        ("2019-09-07 13:43:45", "2019-09-07T13:43:45"),
        ("２０２５年１０月２５日", "2025-10-25"),
        ("Sou Hu Cai Jing· 2025-10-25 12:49", "2025-10-25T12:49:00"),
        ("2025-13-40", None),
        ("2025-10-25 25:61", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_published_normalisation(value: str | None, iso: str | None) -> None:
    assert normalise_published(value) == iso
    article = make_article(title="t", paragraphs=["正文。"], published=value)
    assert article.published == iso


text_with_junk = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(["\u200b", "\ufeff", "\u3000", "\n", "\t", "。", "，", "稀", "土", " "]),
    ),
    max_size=60,
)


@given(
    title=text_with_junk,
    paragraphs=st.lists(text_with_junk, max_size=6),
    source=st.one_of(st.none(), text_with_junk),
    published=st.one_of(st.none(), text_with_junk),
    url=st.one_of(st.none(), text_with_junk),
)
@settings(max_examples=300, deadline=None)
def test_make_article_on_arbitrary_input(
    title: str, paragraphs: list[str], source: str | None, published: str | None, url: str | None
) -> None:
    try:
        article = make_article(
            title=title, paragraphs=paragraphs, source=source, published=published, url=url
        )
    except InputError:
        # Refused only when no paragraph has a visible character (letter, digit, mark) once
        # terminal escape sequences, which are removed whole ("\x1b@" is one), are gone.
        texts = [ANSI_ESCAPE.sub("", p) for p in paragraphs]
        visible = [ch for p in texts for ch in p if unicodedata.category(ch)[0] in "LNPS"]
        assert not visible
        return
    assert article.paragraphs and all(p and p == p.strip() for p in article.paragraphs)
    assert not any("\u200b" in p or "\n" in p for p in article.paragraphs)
    again = make_article(title=article.title, paragraphs=article.paragraphs)
    assert again.id == article.id and again.paragraphs == article.paragraphs
    assert again.title == article.title


# --- JSON and JSON Lines -------------------------------------------------------------------


def test_shared_article_json_with_extra_fields() -> None:
    article = one(SHARED_ARTICLES / "01.json")
    raw = json.loads((SHARED_ARTICLES / "01.json").read_text(encoding="utf-8"))
    assert article.title == raw["title"]
    assert article.published == "2024-06-29"
    assert len(article.paragraphs) == raw["n_paragraphs"]


def test_article_json_round_trip(tmp_path: Path) -> None:
    article = one(DATA / "same_body.txt")
    path = tmp_path / "article.json"
    path.write_text(article.model_dump_json(), encoding="utf-8")
    assert one(path) == article


def test_json_array_and_jsonl_give_several_articles(tmp_path: Path) -> None:
    objs = [{"title": f"标题{i}", "content": f"第{i}篇的正文。\n第二行。"} for i in range(3)]
    array = tmp_path / "a.json"
    array.write_text(json.dumps(objs, ensure_ascii=False), encoding="utf-8")
    lines = tmp_path / "a.jsonl"
    lines.write_text(
        "\n".join(json.dumps(o, ensure_ascii=False) for o in objs) + "\n\n", encoding="utf-8"
    )
    for path in (array, lines):
        articles = read_source(str(path))
        assert [a.title for a in articles] == ["标题0", "标题1", "标题2"]
        assert articles[1].paragraphs == ["第1篇的正文。", "第二行。"]
        assert len({a.id for a in articles}) == 3


def test_jsonl_bad_line_names_its_number(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    good = json.dumps({"title": "t", "text": "正文。"}, ensure_ascii=False)
    path.write_text(f"{good}\n{good}\n{{not json\n{good}\n", encoding="utf-8")
    err = input_error(path)
    assert "line 3" in err.message


def test_jsonl_line_without_text_names_its_number(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"title": "t", "text": "正文。"}\n{"title": "only"}\n', encoding="utf-8")
    err = input_error(path)
    assert "line 2" in err.message and "no text field" in err.message


def test_bad_json_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"title": "t", "text": ', encoding="utf-8")
    assert "not valid JSON" in input_error(path).message


def test_json_without_text_field_lists_what_it_found(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"title": "t", "summary": "x"}', encoding="utf-8")
    err = input_error(path)
    assert "no text field" in err.message and "summary" in err.message
    assert "text" in (err.hint or "")


# --- Path errors -----------------------------------------------------------------------------


def test_nonexistent_path() -> None:
    err = input_error(DATA / "missing.txt")
    assert "does not exist" in err.message


def test_host_without_scheme_suggests_url() -> None:
    err = input_error("www.example.com/news/1.html")
    assert "https://www.example.com/news/1.html" in (err.hint or "")


def test_directory() -> None:
    assert "is a directory" in input_error(DATA).message


def test_unknown_extension_lists_supported(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    path.write_text("x")
    err = input_error(path)
    assert ".docx" in err.message
    for ext in (".txt", ".md", ".html", ".htm", ".json", ".jsonl"):
        assert ext in (err.hint or "")


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert "empty" in input_error(empty).message
    blank = tmp_path / "blank.html"
    blank.write_text(" \n\t\n")
    assert "empty" in input_error(blank).message


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
        bytes(range(256)) * 4,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    ],
    ids=["png", "random", "pdf"],
)
@pytest.mark.parametrize("suffix", [".txt", ".html", ".json"])
def test_binary_file_is_refused(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"photo{suffix}"
    path.write_bytes(data)
    err = input_error(path)
    assert "binary" in err.message and path.name in err.message


def test_utf8_page_mislabelled_gb2312_is_read_as_utf8(tmp_path: Path) -> None:
    body = "国家 管理 条例 总理 签署 公布 施行 原则 资源 保护 创新 绿色 产业 政策 支持 企业 发展"
    page = f'<html><head><meta charset="gb2312"><title>T</title></head><p>{body}</p></html>'
    data = page.encode("utf-8")
    assert data.decode("gb18030") != page  # these UTF-8 bytes are also valid (wrong) GB18030
    path = tmp_path / "a.html"
    path.write_bytes(data)
    assert one(path).paragraphs == [body]


def test_oversized_file(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("标题\n\n" + "很长的正文。" * 100, encoding="utf-8")
    err = input_error(path, max_bytes=100)
    assert "limit" in err.message and "100" in err.message


# --- Standard input -------------------------------------------------------------------------


@pytest.mark.parametrize("ext", ["txt", "json", "html"])
def test_stdin_is_sniffed(ext: str) -> None:
    data = (DATA / f"same_body.{ext}").read_bytes()
    article = one("-", stdin=io.BytesIO(data))
    assert article == one(DATA / f"same_body.{ext}")


def test_stdin_jsonl_and_limits() -> None:
    lines = b'{"title": "a", "text": "x1."}\n{"title": "b", "text": "x2."}\n'
    assert len(read_source("-", stdin=io.BytesIO(lines))) == 2
    assert "empty" in input_error("-", stdin=io.BytesIO(b"")).message
    assert "limit" in input_error("-", stdin=io.BytesIO(b"x" * 101), max_bytes=100).message


# --- URLs against a local server --------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(1.5)
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if "Content-Length" not in headers and self.path != "/big-unsized":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading at its size limit

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    page = (DATA / "same_body.html").read_bytes()
    no_canonical = re.sub(rb"<link rel=\"canonical\"[^>]*>", b"", page)
    html = {"Content-Type": "text/html; charset=utf-8"}
    _Handler.routes = {
        "/article.html": (200, html, page),
        "/plain.html": (200, html, no_canonical),
        "/moved": (302, {"Location": "/plain.html"}, b""),
        "/gbk": (200, {"Content-Type": "text/html"}, (DATA / "gbk_page.html").read_bytes()),
        "/article.json": (
            200,
            {"Content-Type": "application/json"},
            (DATA / "same_body.json").read_bytes(),
        ),
        "/big": (200, html, b"<p>" + b"x" * 50_000 + b"</p>"),
        "/big-unsized": (200, {**html, "Connection": "close"}, b"<p>" + b"y" * 50_000),
        "/slow": (200, html, page),
        "/error": (500, html, b"oops"),
    }
    with local_server(_Handler) as base:
        yield base


def test_url_200_html(server: str) -> None:
    article = one(f"{server}/article.html")
    assert article.id == one(DATA / "same_body.html").id
    assert article.url == "https://news.example.com/2025/10/21/rare-earth.html"  # canonical


def test_url_after_redirect_is_the_final_url(server: str) -> None:
    assert one(f"{server}/moved").url == f"{server}/plain.html"


def test_url_gbk_page_without_header_charset(server: str) -> None:
    assert one(f"{server}/gbk").title == "国内成品油价格迎来年内第十次下调"


def test_url_json(server: str) -> None:
    assert one(f"{server}/article.json").id == one(DATA / "same_body.json").id


@pytest.mark.parametrize(("path", "status"), [("/missing", "404"), ("/error", "500")])
def test_url_http_error(server: str, path: str, status: str) -> None:
    err = input_error(f"{server}{path}")
    assert status in err.message and path in err.message


@pytest.mark.parametrize("path", ["/big", "/big-unsized"])
def test_url_too_big(server: str, path: str) -> None:
    assert "limit" in input_error(f"{server}{path}", max_bytes=10_000).message


def test_url_timeout(server: str) -> None:
    assert "timed out" in input_error(f"{server}/slow", timeout=0.3).message


def test_url_connection_refused() -> None:
    err = input_error("http://127.0.0.1:9/")
    assert "failed" in err.message
