"""A reference payment gateway: a real HTTP server on loopback for the demo and the adapter's tests.

    python -m workflows.gateway.reference_server --port 8765 --db var/gateway.db [--script lost_reply,error,ok]

It records payments by idempotency key in SQLite and answers a repeated key with the first result.
Each ``POST /payments`` consumes one behaviour of its script (then ``ok``), as the scenario
contract's ``gateway:`` list does for the in-process fake:

- ``ok``: record (or find) the payment and answer it;
- ``error``: answer HTTP 500, record nothing;
- ``lost_reply``: record, then hold the answer past the client's timeout and close;
- ``timeout``: record nothing, hold past the client's timeout and close;
- ``drop``: record, then close the connection without an answer.

``GET /payments/{key}`` answers the record (reconciliation), ``POST /admin/script`` replaces the
script (``{"behaviours": [...]}``), ``GET /admin/stats`` counts payments and requests. Bank
accounts are stored for the record and never printed or logged.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import threading
import time
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

BEHAVIOURS = ("ok", "error", "lost_reply", "timeout", "drop")
MAX_BODY = 64 * 1024
MAX_SCRIPT = 1000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS payment (
    idempotency_key TEXT PRIMARY KEY, reference TEXT NOT NULL UNIQUE, case_id INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL, fund_source TEXT NOT NULL, payee_kind TEXT NOT NULL,
    payee_name TEXT NOT NULL, bank_name TEXT NOT NULL, bank_account TEXT NOT NULL, paid_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS script (position INTEGER PRIMARY KEY AUTOINCREMENT, behaviour TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS request_count (id INTEGER PRIMARY KEY CHECK (id = 1), requests INTEGER NOT NULL);
INSERT OR IGNORE INTO request_count VALUES (1, 0);
"""


class Ledger:
    """The gateway's SQLite record: payments by key, the behaviour script, the request count."""

    def __init__(self, path: str) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.executescript(_SCHEMA)

    def set_script(self, behaviours: list[str]) -> None:
        """Replace the script (each entry one of BEHAVIOURS)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM script")
            self._db.executemany("INSERT INTO script (behaviour) VALUES (?)", [(b,) for b in behaviours])
            self._db.execute("COMMIT")

    def next_behaviour(self) -> str:
        """Consume the script's next behaviour (``ok`` once it is spent) and count the request."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("UPDATE request_count SET requests = requests + 1")
            row = self._db.execute(
                "SELECT position, behaviour FROM script ORDER BY position LIMIT 1"
            ).fetchone()
            if row is not None:
                self._db.execute("DELETE FROM script WHERE position = ?", (row[0],))
            self._db.execute("COMMIT")
        return str(row[1]) if row is not None else "ok"

    def record(self, body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """The payment of the body's key, recorded now unless it exists; True when it was new."""
        key = str(body["idempotency_key"])
        payee = body.get("payee") or {}
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            found = self.find(key, locked=True)
            if found is not None:
                self._db.execute("COMMIT")
                return found, False
            count = self._db.execute("SELECT COUNT(*) FROM payment").fetchone()[0]
            paid_at = str(body.get("requested_at") or datetime.now(UTC).isoformat())
            self._db.execute(
                "INSERT INTO payment VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key, f"REF-{count + 1:08d}", int(body["case_id"]), int(body["amount_fen"]),
                    str(body.get("fund_source", "")), str(payee.get("kind", "")), str(payee.get("name", "")),
                    str(payee.get("bank_name", "")), str(payee.get("bank_account", "")), paid_at,
                ),
            )  # fmt: skip
            self._db.execute("COMMIT")
            created = self.find(key, locked=True)
        assert created is not None  # noqa: S101 - just inserted
        return created, True

    def find(self, key: str, *, locked: bool = False) -> dict[str, Any] | None:
        """The recorded payment of a key (what a repeated key is answered with), or None."""
        if not locked:
            with self._lock:
                return self.find(key, locked=True)
        row = self._db.execute(
            "SELECT idempotency_key, reference, case_id, amount_fen, paid_at FROM payment WHERE idempotency_key = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        return {"idempotency_key": row[0], "reference": row[1], "case_id": row[2], "amount_fen": row[3],
                "paid_at": row[4]}  # fmt: skip

    def stats(self) -> dict[str, Any]:
        """Payments recorded (in all and per key) and requests received."""
        with self._lock:
            per_key = dict(self._db.execute("SELECT idempotency_key, COUNT(*) FROM payment GROUP BY 1"))
            requests = self._db.execute("SELECT requests FROM request_count").fetchone()[0]
        return {"payments": sum(per_key.values()), "per_key": per_key, "requests": requests}


class GatewayHandler(BaseHTTPRequestHandler):
    """One request to the reference gateway."""

    server: ReferenceGateway
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Quiet: a request line could carry a key; the ledger is the record."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        """``GET /payments/{key}`` and ``GET /admin/stats``."""
        if self.path == "/admin/stats":
            self._answer(HTTPStatus.OK, self.server.ledger.stats())
        elif self.path.startswith("/payments/"):
            found = self.server.ledger.find(unquote(self.path.removeprefix("/payments/")))
            if found is None:
                self._answer(HTTPStatus.NOT_FOUND, {"error": "no such payment"})
            else:
                self._answer(HTTPStatus.OK, found)
        else:
            self._answer(HTTPStatus.NOT_FOUND, {"error": "no such resource"})

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        """``POST /payments`` (one behaviour of the script) and ``POST /admin/script``."""
        body = self._body()
        if body is None:
            self._answer(HTTPStatus.BAD_REQUEST, {"error": "a JSON object of at most 64 KiB is expected"})
        elif self.path == "/admin/script":
            behaviours = body.get("behaviours")
            if not isinstance(behaviours, list) or not _valid_script(behaviours):
                self._answer(HTTPStatus.BAD_REQUEST, {"error": f"behaviours: a list of {BEHAVIOURS}"})
                return
            self.server.ledger.set_script([str(b) for b in behaviours])
            self._answer(HTTPStatus.OK, {"script": behaviours})
        elif self.path == "/payments":
            self._pay(body)
        else:
            self._answer(HTTPStatus.NOT_FOUND, {"error": "no such resource"})

    def _pay(self, body: dict[str, Any]) -> None:
        key = self.headers.get("Idempotency-Key")
        if not key or body.get("idempotency_key") != key or not _valid_order(body):
            self._answer(HTTPStatus.BAD_REQUEST, {"error": "Idempotency-Key header equal to the body's key, "
                                                           "case_id and amount_fen required"})  # fmt: skip
            return
        behaviour = self.server.ledger.next_behaviour()
        if behaviour == "error":
            self._answer(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "scripted failure"})
            return
        if behaviour == "timeout":
            self._hang()
            return
        found = self.server.ledger.find(key)
        if found is not None and found["amount_fen"] != int(body["amount_fen"]):
            self._answer(HTTPStatus.CONFLICT, {"error": "this key was used for another amount"})
            return
        payment, created = self.server.ledger.record(body)
        if behaviour == "lost_reply":
            self._hang()
        elif behaviour == "drop":
            self.close_connection = True
        else:
            self._answer(HTTPStatus.CREATED if created else HTTPStatus.OK, payment)

    def _hang(self) -> None:
        """Hold the answer past the client's timeout, then close without one."""
        time.sleep(self.server.hang_seconds)
        self.close_connection = True

    def _body(self) -> dict[str, Any] | None:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            return None
        if not 0 < length <= MAX_BODY:
            return None
        try:
            data = json.loads(self.rfile.read(length))
        except (ValueError, UnicodeDecodeError):
            return None
        return data if isinstance(data, dict) else None

    def _answer(self, status: HTTPStatus, data: dict[str, Any]) -> None:
        payload = json.dumps(data, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _valid_script(behaviours: list[Any]) -> bool:
    return len(behaviours) <= MAX_SCRIPT and all(isinstance(b, str) and b in BEHAVIOURS for b in behaviours)


def _valid_order(body: dict[str, Any]) -> bool:
    amount, case_id = body.get("amount_fen"), body.get("case_id")
    return isinstance(amount, int) and amount >= 0 and isinstance(case_id, int)


class ReferenceGateway(ThreadingHTTPServer):
    """The server: its ledger and how long a held answer waits."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], ledger: Ledger, hang_seconds: float) -> None:
        super().__init__(address, GatewayHandler)
        self.ledger = ledger
        self.hang_seconds = hang_seconds


def main(argv: list[str] | None = None) -> None:
    """Run the reference gateway until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m workflows.gateway.reference_server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True, help="the SQLite file that records the payments")
    parser.add_argument("--script", default="", help=f"comma-separated behaviours of {BEHAVIOURS}")
    parser.add_argument(
        "--hang", type=float, default=30.0, help="seconds a held answer waits (timeout, lost_reply)"
    )
    args = parser.parse_args(argv)
    script = [b.strip() for b in args.script.split(",") if b.strip()]
    unknown = sorted(set(script) - set(BEHAVIOURS))
    if unknown:
        parser.error(f"unknown behaviour(s) {unknown}; use {BEHAVIOURS}")
    ledger = Ledger(args.db)
    if script:
        ledger.set_script(script)
    server = ReferenceGateway((args.host, args.port), ledger, args.hang)
    print(f"reference gateway on http://{args.host}:{server.server_port}", flush=True)  # noqa: T201 - a CLI
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
