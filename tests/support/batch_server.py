"""The Files and Batches endpoints of the OpenAI API, as a stand-in for tests.

Plugs into `StandIn` as its routes; each line of a batch is answered by a responder (the
same kind `StandIn` takes, e.g. `answer_book`) when the batch completes, after `polls`
retrievals:

    service = BatchService(answer_book(book), polls=2)
    with StandIn(answer_book(book), routes=service.route) as server:
        ...  # POST /v1/files, POST /v1/batches, GET /v1/batches[/{id}], GET /v1/files/{id}/content

Output and error files have the shape OpenAI documents: one JSON object a line with
`id`, `custom_id`, `response` {status_code, request_id, body} and `error`.
"""

from __future__ import annotations

import json
import threading
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, Literal
from urllib.parse import urlsplit

from .llm_server import CREATED, Reply, Responder, answer, completion_json, error, raw

ENDPOINT = "/v1/chat/completions"
Final = Literal["completed", "failed", "expired"]


class BatchService:
    """Uploaded files and batches in memory; a batch finishes on its `polls`-th retrieval.

    `final` is how it finishes: "completed" answers every line, "expired" answers only the
    first `answered` lines (the rest get a `batch_expired` error line, as OpenAI does), and
    "failed" answers none and reports `errors`. The first `lose_creates` batches are created
    but answered with HTTP 500, as when the connection drops after the server acted.
    """

    def __init__(
        self,
        responder: Responder,
        *,
        polls: int = 1,
        final: Final = "completed",
        answered: int = 0,
        lose_creates: int = 0,
    ) -> None:
        self.responder = responder
        self.polls = max(1, polls)
        self.final: Final = final
        self.answered = answered
        self.lose_creates = lose_creates
        self.files: dict[str, tuple[str, bytes]] = {}  # id -> (purpose, content)
        self.batches: dict[str, dict[str, Any]] = {}
        self.created: list[str] = []  # batch ids, in the order they were created
        self.retrievals: dict[str, int] = {}
        self._lock = threading.Lock()

    def route(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply | None:
        """The reply for a Files or Batches request; None for any other path."""
        parts = urlsplit(path).path.rstrip("/").split("/")[1:]  # "", "v1", ... dropped
        if parts[:1] != ["v1"] or len(parts) < 2 or parts[1] not in ("files", "batches"):
            return None
        with self._lock:
            return self._route(method, parts[1:], headers, body)

    def _route(self, method: str, parts: list[str], headers: dict[str, str], body: bytes) -> Reply:
        match method, parts:
            case "POST", ["files"]:
                return self._upload(headers.get("content-type", ""), body)
            case "GET", ["files", file_id, "content"] if file_id in self.files:
                return raw(200, self.files[file_id][1].decode("utf-8"))
            case "POST", ["batches"]:
                return self._create(json.loads(body or b"{}"))
            case "GET", ["batches"]:
                data = [self.batches[i] for i in reversed(self.created)]
                return _json(
                    {
                        "object": "list",
                        "data": data,
                        "has_more": False,
                        "first_id": data[0]["id"] if data else None,
                        "last_id": data[-1]["id"] if data else None,
                    }
                )
            case "GET", ["batches", batch_id] if batch_id in self.batches:
                return _json(self._poll(batch_id))
        return error(404, f"stand-in: no {method} /v1/{'/'.join(parts)}")

    def _upload(self, content_type: str, body: bytes) -> Reply:
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        fields: dict[str, tuple[str | None, bytes]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            content = payload if isinstance(payload, bytes) else b""
            fields[str(name)] = (part.get_filename(), content)
        if "file" not in fields or "purpose" not in fields:
            return error(400, "stand-in: a file upload needs the fields file and purpose")
        filename, content = fields["file"]
        purpose = fields["purpose"][1].decode()
        file_id = f"file-standin{len(self.files) + 1}"
        self.files[file_id] = (purpose, content)
        return _json(_file(file_id, purpose, content, filename or "upload"))

    def _create(self, request: dict[str, Any]) -> Reply:
        input_id = request.get("input_file_id")
        if input_id not in self.files:
            return error(404, f"No such File object: {input_id}")
        if self.files[input_id][0] != "batch":
            return error(400, "The input file must be uploaded with purpose 'batch'.")
        if request.get("endpoint") != ENDPOINT or request.get("completion_window") != "24h":
            return error(400, "stand-in: only /v1/chat/completions batches within 24h")
        batch_id = f"batch_standin{len(self.created) + 1}"
        lines = self.files[input_id][1].decode("utf-8").splitlines()
        self.batches[batch_id] = {
            "id": batch_id,
            "object": "batch",
            "endpoint": ENDPOINT,
            "errors": None,
            "input_file_id": input_id,
            "completion_window": "24h",
            "status": "validating",
            "output_file_id": None,
            "error_file_id": None,
            "created_at": CREATED,
            "metadata": request.get("metadata"),
            "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
        }
        self.created.append(batch_id)
        self.retrievals[batch_id] = 0
        if self.lose_creates > 0:
            self.lose_creates -= 1
            return error(500, "stand-in: the answer was lost", type="server_error")
        return _json(self.batches[batch_id])

    def _poll(self, batch_id: str) -> dict[str, Any]:
        batch = self.batches[batch_id]
        if batch["status"] not in ("validating", "in_progress"):
            return batch
        self.retrievals[batch_id] += 1
        seen = self.retrievals[batch_id]
        counts = batch["request_counts"]
        if seen < self.polls:
            batch["status"] = "in_progress"
            counts["completed"] = counts["total"] * seen // self.polls
            return batch
        if self.final == "failed":
            batch["status"] = "failed"
            batch["errors"] = {
                "object": "list",
                "data": [
                    {
                        "code": "invalid_request",
                        "message": "stand-in: the batch failed",
                        "param": None,
                        "line": None,
                    }
                ],
            }
            counts["completed"] = 0
            return batch
        self._finish(batch)
        return batch

    def _finish(self, batch: dict[str, Any]) -> None:
        lines = self.files[batch["input_file_id"]][1].decode("utf-8").splitlines()
        limit = self.answered if self.final == "expired" else len(lines)
        output, errors = [], []
        for n, line in enumerate(lines):
            item = json.loads(line)
            out = {
                "id": f"batch_req_{n + 1}",
                "custom_id": item["custom_id"],
                "response": None,
                "error": None,
            }
            if n >= limit:
                out["error"] = {
                    "code": "batch_expired",
                    "message": "This request could not be executed before the "
                    "completion window expired.",
                }
                errors.append(out)
                continue
            request = item["body"]
            reply = self.responder(request)
            reply = answer(reply) if isinstance(reply, str) else reply
            text = reply.body if reply.body is not None else completion_json(request, reply)
            out["response"] = {
                "status_code": reply.status,
                "request_id": f"req_{n + 1}",
                "body": json.loads(text),
            }
            (output if reply.status == 200 else errors).append(out)
        counts = batch["request_counts"]
        counts["completed"], counts["failed"] = len(output), len(errors)
        batch["status"] = self.final
        for kind, items in (("output_file_id", output), ("error_file_id", errors)):
            if items:
                file_id = f"file-standin{len(self.files) + 1}"
                content = "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items)
                self.files[file_id] = ("batch_output", content.encode("utf-8"))
                batch[kind] = file_id


def _file(file_id: str, purpose: str, content: bytes, filename: str) -> dict[str, Any]:
    return {
        "id": file_id,
        "object": "file",
        "bytes": len(content),
        "created_at": CREATED,
        "filename": filename,
        "purpose": purpose,
        "status": "processed",
    }


def _json(body: dict[str, Any]) -> Reply:
    return raw(200, json.dumps(body, ensure_ascii=False))
