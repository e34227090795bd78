"""briefing: Chinese articles in, verified bilingual briefs out."""

__version__ = "0.1.0"
