"""A real local chat-completions server for the LLM backend tests.

It listens on 127.0.0.1 (a free port), speaks the OpenAI chat-completions wire
format, and records every request body it receives. Its "model" is a keyword
labeler applied to each row of the JSON array on the last line of the user
message: 'posto'/'estacionamento' -> TRABALHO, 'padaria'/'mercado' ->
NECESSIDADE, anything else -> LAZER. Each test sets :class:`Behaviour` to make it
misbehave (rate limits, a rejected response format, malformed answers, slowness,
server errors).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PROMPT_TOKENS = 100  # per request
COMPLETION_TOKENS = 20  # per request


def keyword_label(row: str) -> str:
    text = row.lower()
    if "posto" in text or "estacionamento" in text:
        return "TRABALHO"
    if "padaria" in text or "mercado" in text:
        return "NECESSIDADE"
    return "LAZER"


def rows_of(body: dict[str, Any]) -> list[dict[str, str]]:
    """The ``[{"id", "row"}]`` array a request carried (the user message's last line)."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    rows = json.loads(user.rsplit("\n", 1)[1])
    assert isinstance(rows, list)
    return rows


@dataclass
class Behaviour:
    """How the server misbehaves; counters count chat requests, not batches."""

    rate_limit: int = 0  # answer 429 (Retry-After: 0) to the first N requests
    reject_schema: bool = False  # 400 to response_format json_schema
    reject_json_object: bool = False  # 400 to response_format json_object too
    reject_temperature: bool = False  # 400 to any temperature, as reasoning models answer
    malformed: int = 0  # the first K answers are malformed...
    malformed_kind: str = "not_json"  # ...as: not_json, bad_label, missing_id
    delay: float = 0.0  # sleep this long before answering
    status: int = 0  # answer this HTTP status to every request (e.g. 500)
    web_page: bool = False  # answer 200 with HTML, as a URL that is no chat endpoint does
    error_200: bool = False  # answer 200 with {"error": ...}, as some proxies do


@dataclass
class Recorder:
    behaviour: Behaviour = field(default_factory=Behaviour)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    raw_headers: list[bytes] = field(default_factory=list)
    answered: int = 0
    in_flight: int = 0  # chat requests being answered now...
    most_in_flight: int = 0  # ...and the most there ever were at once
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.bodies)


class LLMServer:
    """A started server: ``base_url`` for the client, ``recorder`` for the assertions."""

    def __init__(self, httpd: ThreadingHTTPServer, recorder: Recorder) -> None:
        self.httpd = httpd
        self.recorder = recorder
        self.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"

    @property
    def behaviour(self) -> Behaviour:
        return self.recorder.behaviour

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return self.recorder.bodies

    @property
    def count(self) -> int:
        return self.recorder.count


def _handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, payload: dict[str, Any],
                  headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def _error(self, status: int, message: str, param: str | None = None,
                   headers: dict[str, str] | None = None) -> None:
            self._send(status, {"error": {"message": message, "type": "invalid_request_error",
                                          "param": param, "code": None}}, headers)

        def do_POST(self) -> None:
            with recorder.lock:
                recorder.in_flight += 1
                recorder.most_in_flight = max(recorder.most_in_flight, recorder.in_flight)
            try:
                self._answer()
            finally:
                with recorder.lock:
                    recorder.in_flight -= 1

        def _answer(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = json.loads(raw)
            with recorder.lock:
                recorder.bodies.append(body)
                recorder.raw.append(raw)
                recorder.raw_headers.append(str(self.headers).encode("utf-8"))
                n = len(recorder.bodies)
            b = recorder.behaviour
            if not self.path.endswith("/chat/completions"):
                self._error(404, f"no route {self.path}")
                return
            if b.delay:
                recorder.stopping.wait(b.delay)
            if b.status:
                self._error(b.status, "the model crashed")
                return
            if b.error_200:
                self._send(200, {"error": {"message": "model 'fake-model' not found"}})
                return
            if b.web_page:
                page = b"<html><body><h1>Welcome to nginx!</h1></body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)
                return
            if n <= b.rate_limit:
                self._error(429, "Rate limit reached", headers={"Retry-After": "0",
                                                                "retry-after-ms": "5"})
                return
            if "temperature" in body and b.reject_temperature:
                self._error(400, "Unsupported value: 'temperature' does not support 0 with "
                            "this model. Only the default (1) value is supported.",
                            param="temperature")
                return
            fmt = (body.get("response_format") or {}).get("type")
            if fmt == "json_schema" and b.reject_schema:
                self._error(400, "response_format of type 'json_schema' is not supported "
                            "with this model", param="response_format")
                return
            if fmt == "json_object" and b.reject_json_object:
                self._error(400, "Invalid parameter: response_format json_object",
                            param="response_format")
                return
            rows = rows_of(body)
            labels = [{"id": r["id"], "label": keyword_label(r["row"])} for r in rows]
            with recorder.lock:
                recorder.answered += 1
                spoil = recorder.answered <= b.malformed
            content = json.dumps({"labels": labels}, ensure_ascii=False)
            if spoil and b.malformed_kind == "not_json":
                content = "Claro! Aqui estão os rótulos: LAZER, LAZER"
            elif spoil and b.malformed_kind == "bad_label":
                labels[0]["label"] = "COMIDA"
                content = json.dumps({"labels": labels})
            elif spoil and b.malformed_kind == "missing_id":
                content = json.dumps({"labels": labels[:-1]})
            self._send(200, {
                "id": f"chatcmpl-{n}", "object": "chat.completion", "created": int(time.time()),
                "model": body.get("model", "fake"),
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": content}}],
                "usage": {"prompt_tokens": PROMPT_TOKENS, "completion_tokens": COMPLETION_TOKENS,
                          "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS},
            })

    return Handler


@contextmanager
def serve() -> Iterator[LLMServer]:
    """Run the server on 127.0.0.1 (a free port) for the duration of the block."""
    recorder = Recorder()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(recorder))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02},
                              name="llm-server", daemon=True)
    thread.start()
    try:
        yield LLMServer(httpd, recorder)
    finally:
        recorder.stopping.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
