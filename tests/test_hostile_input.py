"""Hostile inputs: random bytes, huge files, pathological HTML, mixed encodings, invisible
and control characters, feeds with bad lines. Each gets an Article or a clear error (exit 2,
what went wrong and how to fix it), never a traceback or a hang; in a weekly run, a failure
entry while the other inputs are read.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from conftest import EXAMPLES, local_server
from typer.testing import CliRunner

from briefing.cli import app
from briefing.errors import InputError
from briefing.ingest import decode_bytes, read_source
from briefing.ingest.htmlpage import MAX_ATTRIBUTES, parse_html_text
from briefing.ingest.size import DEFAULT_MAX_BYTES, TooLargeError
from briefing.models import Plan

SHOIGU = EXAMPLES / "shoigu-rare-earths.txt"
ZH = "国务院总理签署国务院令，公布稀土管理条例，自二〇二四年十月一日起施行。"
ZH2 = "条例明确稀土资源属于国家所有，任何组织和个人不得侵占或者破坏稀土资源。"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u202e\u2066\u2069\x00\x07\x7f\x9b"


def run(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(app, list(args), input=stdin)


def assert_clear_error(result, *needles: str) -> None:
    """Exit 2, an `Error:` line and a hint on stderr, the needles in it, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) >= 2
    for needle in needles:
        assert needle in result.stderr
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )


def plan_of(*args: str) -> tuple[Plan, dict[str, str]]:
    """`weekly --dry-run -o -` on the inputs: the plan, and its failures by input."""
    result = run("weekly", *args, "--dry-run", "-o", "-")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    plan = Plan.model_validate_json(result.stdout)
    return plan, {f.input: f.error for f in plan.failures}


def write_config(tmp_path: Path, text: str) -> None:
    (tmp_path / "config.toml").write_text(text, "utf-8")  # conftest points BRIEFING_CONFIG here


@pytest.fixture
def big_article(tmp_path: Path) -> Path:
    """A real article padded to about 40 KB."""
    path = tmp_path / "big.txt"
    path.write_text(SHOIGU.read_text("utf-8") + "\n\n" + (ZH + "\n\n") * 400, "utf-8")
    return path


# --- The size limit: --max-bytes, [input] max_bytes, every way in ---------------------------


def test_file_over_the_flag_limit_is_a_clear_error_naming_both_ways(big_article: Path) -> None:
    size = big_article.stat().st_size
    result = run("ingest", str(big_article), "--max-bytes", "10000")
    assert_clear_error(result, f"{size:,} bytes", "10,000-byte", "--max-bytes", "[input]")
    assert run("ingest", str(big_article), "--max-bytes", str(size)).exit_code == 0


def test_the_config_file_sets_the_limit_and_the_flag_wins(
    tmp_path: Path, big_article: Path
) -> None:
    assert run("ingest", str(big_article)).exit_code == 0  # the 20 MB default
    write_config(tmp_path, "[input]\nmax_bytes = 10_000\n")
    assert_clear_error(run("ingest", str(big_article)), "10,000-byte", "max_bytes")
    assert run("ingest", str(big_article), "--max-bytes", "100000").exit_code == 0


def test_a_bad_limit_is_refused(tmp_path: Path, big_article: Path) -> None:
    result = run("ingest", str(big_article), "--max-bytes", "0")
    assert result.exit_code == 2 and "--max-bytes" in result.stderr
    write_config(tmp_path, "[input]\nmax_bytes = -5\n")
    result = run("ingest", str(big_article))
    assert result.exit_code == 3 and "input.max_bytes" in result.stderr


def test_summarize_refuses_a_huge_input_before_any_model_call(big_article: Path) -> None:
    # No key is set: the size error comes first, so no provider is even resolved.
    result = run("summarize", str(big_article), "--max-bytes", "10000")
    assert_clear_error(result, "input size limit", "--max-bytes")


def test_stdin_over_the_limit(big_article: Path) -> None:
    result = run("ingest", "-", "--max-bytes", "10000", stdin=big_article.read_bytes())
    assert_clear_error(result, "Standard input is larger than the 10,000-byte", "--max-bytes")
    assert run("ingest", "-", stdin=big_article.read_bytes()).exit_code == 0


class _BigPage(BaseHTTPRequestHandler):
    body = b"<html><body>" + f"<p>{ZH}</p>".encode() * 1000 + b"</body></html>"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()  # no Content-Length: the limit is enforced while reading
        try:
            self.wfile.write(self.body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def page_url() -> Iterator[str]:
    with local_server(_BigPage) as base:
        yield f"{base}/page.html"


def test_a_url_respects_the_configured_limit(tmp_path: Path, page_url: str) -> None:
    result = run("ingest", page_url, "--json")  # read whole under the default limit
    assert result.exit_code == 0 and len(json.loads(result.stdout)["paragraphs"]) == 1000
    write_config(tmp_path, "[input]\nmax_bytes = 20000\n")
    assert_clear_error(run("ingest", page_url), "larger than the 20,000-byte", "--max-bytes")


def test_read_source_applies_the_limit_it_is_given(big_article: Path) -> None:
    assert read_source(str(big_article))  # default: 20 MB
    with pytest.raises(TooLargeError):
        read_source(str(big_article), max_bytes=10_000)
    assert DEFAULT_MAX_BYTES == 20_000_000


def test_weekly_lists_a_huge_file_and_briefs_the_others(tmp_path: Path, big_article: Path) -> None:
    plan, failed = plan_of(str(SHOIGU), str(big_article), "--max-bytes", "20000")
    assert [a.input for a in plan.articles] == [str(SHOIGU)]
    assert "20,000-byte input size limit" in failed[str(big_article)]
    assert "--max-bytes" in failed[str(big_article)]  # a failure entry says how to fix it


def test_estimate_applies_the_configured_limit(tmp_path: Path, big_article: Path) -> None:
    write_config(tmp_path, "[input]\nmax_bytes = 20000\n")
    result = run("estimate", str(big_article))
    assert_clear_error(result, "No article to brief", "20,000-byte input size limit")
    assert run("estimate", str(big_article), "--max-bytes", "100000").exit_code == 0


# --- Random bytes -------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".json", ".jsonl"])
def test_random_bytes_are_a_clear_error(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"noise{suffix}"
    path.write_bytes(random.Random(6).randbytes(4096))
    assert_clear_error(run("ingest", str(path)), "noise", "binary")


def test_random_bytes_in_a_weekly_run_are_one_failure(tmp_path: Path) -> None:
    noise = tmp_path / "noise.html"
    noise.write_bytes(random.Random(7).randbytes(4096))
    plan, failed = plan_of(str(SHOIGU), str(noise))
    assert [a.input for a in plan.articles] == [str(SHOIGU)]
    assert "binary" in failed[str(noise)]


def test_a_file_name_that_is_not_utf8_is_shown_not_a_crash(tmp_path: Path) -> None:
    try:
        odd = Path(tmp_path.as_posix() + "/" + b"\xff\xfe.txt".decode("utf-8", "surrogateescape"))
        odd.write_bytes(b"\x00\x01" * 100)
    except (OSError, UnicodeError):
        pytest.skip("this file system wants UTF-8 names")
    plan, failed = plan_of(str(SHOIGU), str(odd))
    assert [a.input for a in plan.articles] == [str(SHOIGU)]
    assert list(failed) == [f"{tmp_path}/\\xff\\xfe.txt"]


# --- Pathological and malformed HTML --------------------------------------------------------


def page(body: str, title: str = "稀土管理条例公布") -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


@pytest.mark.parametrize("depth", [300, 5_000, 100_000])
@pytest.mark.parametrize("tag", ["div", "span", "font"])
def test_deeply_nested_html_is_read(depth: int, tag: str) -> None:
    # libxml2 stops at 256 levels by default and silently drops the rest of the page.
    body = f"<{tag}>" * depth + f"<p>{ZH}</p><p>{ZH2}</p>" + f"</{tag}>" * depth
    article = parse_html_text(page(body))
    assert article.paragraphs == [ZH, ZH2]


def test_html_nested_beyond_repair_is_a_clear_error() -> None:
    body = "<x-box>" * 5_000 + f"<p>{ZH}</p>" + "</x-box>" * 5_000
    with pytest.raises(InputError) as caught:
        parse_html_text(page(body))
    assert "2,048 levels" in caught.value.message and ".txt" in (caught.value.hint or "")


@pytest.mark.parametrize("title", ["", ZH])
def test_headings_nested_in_headings_give_a_bounded_title(title: str) -> None:
    # Without a <title>, the first <h1> is the headline: here, the whole page.
    body = "".join(f"<h1>{ZH}" for _ in range(500)) + f"<p>{ZH2}</p>"
    article = parse_html_text(page(body, title=title))
    assert article.title.startswith(ZH) and len(article.title) <= 300


def test_a_tag_with_thousands_of_attributes_is_read_without_them() -> None:
    # libxml2 compares each attribute with those before it: 100,000 of them take 20 s.
    attributes = " ".join(f'data-a{i}="x"' for i in range(20 * MAX_ATTRIBUTES))
    body = f'<div><p>{ZH}{ZH2}</p><p class="share" {attributes}>{ZH2}</p></div>'
    # The attributes, class="share" with them, are gone: the <p> is no longer a share bar.
    assert parse_html_text(page(body)).paragraphs == [ZH + ZH2, ZH2]
    few = " ".join(f'data-a{i}="x"' for i in range(MAX_ATTRIBUTES // 2))
    body = f'<div><p>{ZH}{ZH2}</p><p class="share" {few}>{ZH2}</p></div>'
    assert parse_html_text(page(body)).paragraphs == [ZH + ZH2]


@pytest.mark.parametrize(
    "body",
    [
        f"<div><p>{ZH}<p>{ZH2}<div><b>",  # nothing closed
        f"<p>{ZH}</p></div></div></span><p>{ZH2}</i></b></p></html></html>",  # stray closes
        f"<<p>>{ZH}</p><p <p>{ZH2}</p>< / >",  # broken tag syntax
        f"<p>{ZH}</p><p>{ZH2}</p><!-- a comment that never ends",
        f"<![CDATA[x]]><p>{ZH}</p><?php echo 1; ?><p>{ZH2}</p>",
    ],
    ids=["unclosed", "stray-closing-tags", "broken-tags", "open-comment", "cdata-and-pi"],
)
def test_malformed_html_still_gives_the_paragraphs(body: str) -> None:
    text = "".join(parse_html_text(page(body)).paragraphs)
    assert ZH in text and ZH2 in text


@pytest.mark.parametrize(
    ("html", "needle"),
    [
        ("<script>document.write('稀土管理条例'.repeat(100))</script>", "No article body"),
        ("<html><body><style>p{color:red}</style></body></html>", "No article body"),
        ("<<<>>> </ </ &&&&#x110000; &#0; <p", "No article body"),
        ("<!-- only a comment -->", "no HTML elements"),
        ("<!DOCTYPE html>", "no HTML elements"),
    ],
    ids=["only-script", "only-style", "garbage", "only-comment", "only-doctype"],
)
def test_html_without_an_article_is_a_clear_error(tmp_path: Path, html: str, needle: str) -> None:
    path = tmp_path / "page.html"
    path.write_text(html, "utf-8")
    assert_clear_error(run("ingest", str(path)), needle)


def test_controls_and_lone_surrogates_in_html_are_dropped() -> None:
    body = f"<p>{ZH[:10]}\x00\x08\ud800&#x1b;[31m&#x202e;{ZH[10:]}</p><p>{ZH2}</p>"
    assert parse_html_text(page(body)).paragraphs == [ZH, ZH2]
    # A control from a character reference next to a removed <script>: lxml raised ValueError.
    body = f"<p>&#x1b;{ZH}<script>x()</script>{ZH2}&#0;</p>"
    assert parse_html_text(page(body)).paragraphs == [ZH + ZH2 + "\ufffd"]


# --- Mixed encodings -----------------------------------------------------------------------


def test_gbk_file_with_a_utf8_line() -> None:
    gbk = "\n\n".join(["稀土管理条例", ZH, ZH2]).encode("gbk")
    data = gbk + "\n\n另据报道，相关细则正在制定。".encode()
    article = read_source("-", stdin=io.BytesIO(data))[0]
    assert article.title == "稀土管理条例"
    assert article.paragraphs == [ZH, ZH2, "另据报道，相关细则正在制定。"]


def test_utf8_file_with_gbk_lines_keeps_a_gbk_line_that_is_also_valid_utf8() -> None:
    # "一" in GBK is D2 BB, which is also valid UTF-8 (Cyrillic һ): read as the Chinese it is.
    data = "\n\n".join(["稀土管理条例", ZH, ZH2]).encode() + "\n\n一\n\n另有两段。".encode("gbk")
    article = read_source("-", stdin=io.BytesIO(data))[0]
    assert article.paragraphs == [ZH, ZH2, "一", "另有两段。"]


def test_a_utf8_phrase_inside_a_gbk_line_keeps_the_gbk_text() -> None:
    data = ("标题\n\n" + ZH + ZH2).encode("gbk") + "（据新华社）".encode() + ZH.encode("gbk")
    body = "".join(read_source("-", stdin=io.BytesIO(data))[0].paragraphs)
    assert body.startswith(ZH + ZH2) and body.endswith(ZH)


def test_a_gbk_phrase_inside_a_utf8_line_keeps_the_utf8_text() -> None:
    data = ("标题\n\n" + ZH * 3).encode() + "据新华社".encode("gbk") + (ZH2 * 3).encode()
    body = "".join(read_source("-", stdin=io.BytesIO(data))[0].paragraphs)
    assert body.startswith(ZH * 3) and body.endswith(ZH2 * 3) and "\ufffd" in body


def test_a_gbk_file_cut_mid_character_is_read() -> None:
    data = ("标题\n\n" + ZH + "\n\n" + ZH2).encode("gbk")[:-1]
    article = read_source("-", stdin=io.BytesIO(data))[0]
    assert article.paragraphs[0] == ZH and article.paragraphs[1].startswith(ZH2[:-1])


def test_too_much_of_another_encoding_is_a_clear_error_saying_where(tmp_path: Path) -> None:
    # Whole lines in another encoding are each read right (above); a line that mixes them,
    # half and half, cannot be read either way.
    path = tmp_path / "mixed.txt"
    path.write_bytes(f"标题\n\n{ZH}".encode() + "另外一段是另一种编码写的".encode("gbk") + b"\n")
    offset = len(f"标题\n\n{ZH}".encode())
    assert_clear_error(run("ingest", str(path)), f"at byte {offset}, line 3", "UTF-8")


# --- Zero-width and control characters ------------------------------------------------------


def test_invisible_and_control_characters_never_reach_the_article(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    title = "稀土\u202etxt.exe\u200b管理条例"
    colour = "\x1b[31m红色\x1b[0m\x1b]0;window title\x07\x1bM"
    only_invisible = "\u200b\u2060\ufeff\u202e \u3000"
    path.write_text(
        f"{title}\n\n{ZH[:5]}{INVISIBLE}{ZH[5:]}\n\n{only_invisible}\n\n{colour}{ZH2}\n"
    )
    result = run("ingest", str(path), "--json")
    assert result.exit_code == 0, result.output
    article = json.loads(result.stdout)
    assert article["title"] == "稀土txt.exe管理条例"
    # The line of invisible characters is no paragraph; an escape sequence goes whole.
    assert article["paragraphs"] == [ZH, "红色" + ZH2]
    assert not any(ch in result.stdout for ch in "\x1b\x9b\u202e\u200b\x00")


def test_json_escapes_of_invisible_characters_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    text = f"{ZH[:5]}{INVISIBLE}{ZH[5:]}\n\n{INVISIBLE}"
    path.write_text(json.dumps({"title": "\u202e标题\x1b[2J", "text": text, "source": "\x00"}))
    article = read_source(str(path))[0]
    assert (article.title, article.paragraphs, article.source) == ("标题", [ZH], None)


def test_a_few_stray_nul_bytes_are_dropped_many_mean_binary() -> None:
    text = decode_bytes(f"标题\n\n{ZH[:5]}\x00{ZH[5:]}".encode())
    assert text == f"标题\n\n{ZH}"
    with pytest.raises(InputError, match="binary"):
        decode_bytes(("稀土\x00" * 100).encode())
    with pytest.raises(InputError, match="binary"):
        decode_bytes(f"标题\n\n{ZH}".encode("utf-16-le"))  # UTF-16 without its BOM


# --- A JSON Lines feed with bad lines --------------------------------------------------------


# Three distinct good articles (the same text with only a trailing number differing would be
# one article, merged as copies: this test is about the feed's lines, not about dedupe).
_GOOD = {1: ZH, 7: ZH2, 10: "海关总署统计，前三季度我国进出口总值同比增长百分之四。"}


def good_line(n: int) -> str:
    return json.dumps({"title": f"第{n}条", "text": f"{_GOOD[n]}", "published": "2025-10-2"})


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    lines = [
        good_line(1).encode(),
        b'{"title": "broken", "text": ',  # 2: invalid JSON
        b"[1, 2, 3]",  # 3: not an object
        b'{"title": "no text"}',  # 4: no text field
        json.dumps({"title": "huge", "text": ZH * 400}).encode(),  # 5: over the limit
        b'{"text": ' + b"9" * 5000 + b"}",  # 6: a number Python will not convert
        "\ufeff".encode() + good_line(7).encode(),  # 7: good, after a BOM (concatenated files)
        random.Random(8).randbytes(300).replace(b"\n", b""),  # 8: binary noise
        b"   ",  # 9: blank: skipped
        good_line(10).encode("gbk"),  # 10: good, in GBK
        b"",  # the file's final newline
    ]
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"\n".join(lines))
    return path


def test_a_feed_with_bad_lines_keeps_its_good_lines(feed: Path) -> None:
    plan, failed = plan_of(str(feed), "--max-bytes", "10000")
    assert [a.input for a in plan.articles] == [f"{feed}:1", f"{feed}:7", f"{feed}:10"]
    assert {int(name.rsplit(":", 1)[1]) for name in failed} == {2, 3, 4, 5, 6, 8}
    expected = {
        2: "not valid JSON",
        3: "JSON list, not an object",
        4: "has no text field (fields found: title)",
        5: "larger than the 10,000-byte input size limit",
        6: "more than 4,300 digits",
        8: "binary",
    }
    for number, needle in expected.items():
        error = failed[f"{feed}:{number}"]
        assert f"line {number} of {feed}" in error and needle in error, error


def test_a_feed_read_as_one_input_names_its_first_bad_line(feed: Path) -> None:
    assert_clear_error(run("ingest", str(feed)), f"line 2 of {feed}", "not valid JSON")
