"""Slack delivery: briefs and digests as Block Kit messages within Slack's limits, posted
through a webhook or the Web API (slack_sdk). Modules are imported where used, so that
`briefing --help` does not load slack_sdk."""
