"""A fake of Slack's Web API, response URLs and Socket Mode, on 127.0.0.1, recording every call.

The assistant's Slack app talks to it through slack_sdk's WebClient `base_url`
(ASSISTANT_SLACK_API_URL), exactly as it would talk to slack.com.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from urllib.parse import parse_qs

from aiohttp import WSMsgType, web

from tests.servers import free_port

GOOD_BOT_TOKEN = "xoxb-test-0000-good"
GOOD_APP_TOKEN = "xapp-1-test-good"
BOT_USER = "UBOTASSIST"


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.responses: list[dict] = []  # posts to response_url
        self.acks: list[str] = []  # Socket Mode envelope ids the app acknowledged
        self.port = free_port()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self._posts_open = threading.Event()  # cleared: chat.postMessage waits until it is set
        self._posts_open.set()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            app = web.Application()
            app.router.add_post("/api/{method}", self._api)
            app.router.add_post("/response/{rid}", self._response)
            app.router.add_get("/socket", self._socket)
            self._runner = web.AppRunner(app)
            self._loop.run_until_complete(self._runner.setup())
            self._loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.port).start())
            ready.set()
            self._loop.run_forever()

        threading.Thread(target=run, daemon=True).start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is not None:

            async def shutdown() -> None:
                for ws in list(self._sockets):
                    await ws.close()
                if self._runner is not None:
                    await self._runner.cleanup()

            asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)

    # -- Web API -------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.text()
        if request.content_type == "application/json":
            data = json.loads(raw or "{}")
        else:
            data = {k: v[0] for k, v in parse_qs(raw).items()}
        for key in ("blocks", "view"):
            if isinstance(data.get(key), str):
                data[key] = json.loads(data[key])
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or data.get("token", "")
        if method == "chat.postMessage" and not self._posts_open.is_set():
            await asyncio.get_running_loop().run_in_executor(None, self._posts_open.wait, 120)
        with self._lock:
            self.calls.append((method, data))
        return web.json_response(self._reply(method, data, token))

    def _reply(self, method: str, data: dict, token: str) -> dict:
        if method == "auth.test":
            if token != GOOD_BOT_TOKEN:
                return {"ok": False, "error": "invalid_auth"}
            return {
                "ok": True,
                "url": "https://fake.slack.test/",
                "team": "Somerset",
                "user": "assistant",
                "team_id": "T0SOMERSET",
                "user_id": BOT_USER,
                "bot_id": "B0ASSIST",
                "is_enterprise_install": False,
            }
        if method == "apps.connections.open":
            if token != GOOD_APP_TOKEN:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
        if method in ("chat.postMessage", "chat.postEphemeral"):
            ts = f"{time.time():.6f}"
            return {"ok": True, "channel": data.get("channel"), "ts": ts, "message": {**data, "ts": ts}}
        if method == "views.open":
            return {
                "ok": True,
                "view": {"id": "V" + uuid.uuid4().hex[:8].upper(), **(data.get("view") or {})},
            }
        return {"ok": True}

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        with self._lock:
            self.responses.append(body)
        return web.Response(text="ok")

    # -- Socket Mode ---------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "fake"},
                    "connection_info": {"app_id": "A0ASSIST"},
                }
            )
        )
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                body = json.loads(msg.data)
                if "envelope_id" in body:
                    with self._lock:
                        self.acks.append(body["envelope_id"])
        self._sockets.remove(ws)
        return ws

    def connected(self) -> bool:
        return bool(self._sockets)

    def push(self, payload: dict, kind: str = "events_api") -> str:
        """Deliver an envelope over every open socket; returns its envelope id."""
        envelope_id = uuid.uuid4().hex
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "accepts_response_payload": False,
            "payload": payload,
        }
        assert self._loop is not None

        async def send() -> None:
            for ws in self._sockets:
                await ws.send_str(json.dumps(envelope))

        asyncio.run_coroutine_threadsafe(send(), self._loop).result(10)
        return envelope_id

    # -- assertions ----------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[dict]:
        with self._lock:
            return [d for m, d in self.calls if m == method]

    def hold_posts(self) -> None:
        """Make chat.postMessage wait (unrecorded) until `release_posts`: shows what answers
        before the app's answer is posted."""
        self._posts_open.clear()

    def release_posts(self) -> None:
        self._posts_open.set()

    def wait_for(self, method: str, count: int = 1, timeout: float = 60.0) -> list[dict]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"expected {count} {method} call(s), got {len(self.calls_to(method))}")

    def wait_for_response(self, count: int = 1, timeout: float = 60.0) -> list[dict]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self._lock:
                if len(self.responses) >= count:
                    return list(self.responses)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} response_url post(s), got {len(self.responses)}")
