"""The reference payment gateway as a real subprocess on a free loopback port (tests of the HTTP adapter)."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

START_TIMEOUT = 20.0  # seconds for the process to print its address


@dataclass(frozen=True, slots=True)
class RunningGateway:
    """A reference gateway process: its base URL, and the admin calls tests use."""

    url: str

    def script(self, *behaviours: str) -> None:
        """Replace the server's behaviour script."""
        body = json.dumps({"behaviours": list(behaviours)}).encode()
        request = Request(f"{self.url}/admin/script", body, {"Content-Type": "application/json"})  # noqa: S310
        with urlopen(request, timeout=5) as answer:  # noqa: S310 - loopback http only
            assert answer.status == 200

    def stats(self) -> dict[str, Any]:
        """Payments recorded (in all and per key) and requests received."""
        with urlopen(f"{self.url}/admin/stats", timeout=5) as answer:  # noqa: S310 - loopback http only
            data: dict[str, Any] = json.load(answer)
            return data


@contextmanager
def reference_gateway(db: Path, *script: str, hang: float = 2.0) -> Iterator[RunningGateway]:
    """Start ``python -m workflows.gateway.reference_server`` on 127.0.0.1 and a free port; stop it after."""
    args = [sys.executable, "-m", "workflows.gateway.reference_server", "--port", "0", "--db", str(db)]
    args += ["--hang", str(hang), "--script", ",".join(script)]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)  # noqa: S603 - our own module
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    threading.Thread(
        target=lambda: lines.put(process.stdout.readline() if process.stdout else ""), daemon=True
    ).start()
    try:
        first = lines.get(timeout=START_TIMEOUT)
        assert first.startswith("reference gateway on http://127.0.0.1:"), first
        yield RunningGateway(first.split(" on ", 1)[1].strip())
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
