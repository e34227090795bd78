"""Ingest: read articles from files, URLs or standard input into Article objects."""

from briefing.ingest.article import make_article
from briefing.ingest.encoding import decode_bytes
from briefing.ingest.source import read_source

__all__ = ["decode_bytes", "make_article", "read_source"]
