"""Test doubles: local stand-in servers and fault injection, kept out of the installed package.

- `llm_server`: a local OpenAI-compatible HTTP server (`StandIn`) and its responders.
- `batch_server`: the Files and Batches endpoints, plugged into `StandIn` as routes.
- `faults`: a responder that fails like real providers do (`Faulty`).
- `slack_server`: a local Slack stand-in, incoming webhook and chat.postMessage.

The tests import it as `support` (pytest puts `tests/` on sys.path, as for `fakes`);
bench/ and scripts/ put `tests/` on sys.path at their top to do the same.
"""
