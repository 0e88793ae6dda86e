"""A small Language Server Protocol client over a subprocess's stdio: JSON-RPC with Content-Length frames.

What an editor does, and no more: requests wait for their response, notifications are queued and
waited for by method. Used by tests/test_language_server.py, tests/test_yaml_language_server.py and
benchmarks/lsp.py.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable


class LspClient:
    def __init__(self, command: list[str], cwd: Path | None = None, env: dict | None = None) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, cwd=cwd, env=env)  # unread: never a full pipe
        self.next_id = 0
        self.responses: dict[int, Any] = {}
        self.notifications: queue.Queue = queue.Queue()
        self.arrived = threading.Condition()
        self.settings: dict[str, Any] = {}  # answers to the server's workspace/configuration, by section
        self.sending = threading.Lock()  # the reader thread answers the server's requests too
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            message = json.loads(stream.read(length))
            if "id" in message and "method" not in message:
                with self.arrived:
                    self.responses[message["id"]] = message
                    self.arrived.notify_all()
            elif "method" in message and "id" in message:  # a request from the server
                result = None
                if message["method"] == "workspace/configuration":
                    result = [self.settings.get(item.get("section"), {}) for item in message["params"]["items"]]
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            else:
                self.notifications.put((time.perf_counter(), message))

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        with self.sending:
            self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            self.process.stdin.flush()

    def request(self, method: str, params: Any, timeout: float = 30) -> Any:
        self.next_id += 1
        number = self.next_id
        self._send({"jsonrpc": "2.0", "id": number, "method": method, "params": params})
        with self.arrived:
            if not self.arrived.wait_for(lambda: number in self.responses, timeout):
                raise TimeoutError(f"no response to {method}")
            response = self.responses.pop(number)
        if "error" in response:
            raise RuntimeError(response["error"])
        return response.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_for(self, method: str, matches: Callable[[dict], bool] = lambda params: True,
                 timeout: float = 30) -> tuple[float, dict]:
        """The next notification of `method` whose params match, and when it arrived (perf_counter)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {method}")
            try:
                arrived, message = self.notifications.get(timeout=remaining)
            except queue.Empty:
                raise TimeoutError(f"no {method}") from None
            if message.get("method") == method and matches(message.get("params")):
                return arrived, message["params"]

    def initialize(self, root: Path, options: dict | None = None) -> dict:
        result = self.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {},
                                             "initializationOptions": options or {}})
        self.notify("initialized", {})
        return result

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            for stream in (self.process.stdin, self.process.stdout):
                stream.close()
