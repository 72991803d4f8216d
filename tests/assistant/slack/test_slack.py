"""[slack] acceptance: the real Bolt app, mounted in the real API under uvicorn on 127.0.0.1, receives
signed Slack requests; Slack's Web API, response URLs and Socket Mode are a fake on 127.0.0.1
(`tests/fakes_slack.py`) that the app reaches through ASSISTANT_SLACK_API_URL."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import re
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import pytest
import yaml
from pydantic import SecretStr

from tests.conftest import ASSISTANT, REPO, key, run_cli, set_audiences
from tests.fakes_slack import BOT_USER, GOOD_APP_TOKEN, GOOD_BOT_TOKEN, FakeSlack
from tests.servers import running

pytestmark = pytest.mark.integration

SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"
PUBLIC_URL = "https://assistant.somerset.example"
STAFF_KEY = "staff-key-0123456789abcdef"
SECRET = "2016-joint-working-report-ssdc-sdc"  # confidential in this module's manifest
STAFF_DOC = "2018-03-corporate-peer-challenge-somerset-cc"  # staff-only in this module's manifest
_ts = itertools.count(1)


def sign(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 request signature, written from its documentation rather than taken from slack_sdk."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def new_ts() -> str:
    return f"{1_790_000_000 + next(_ts)}.000100"


@dataclass
class Slack:
    base: str
    fake: FakeSlack
    assistant: object

    def post(self, body: str, content_type: str, headers: dict[str, str] | None = None) -> httpx.Response:
        h = {"Content-Type": content_type, **sign(body), **(headers or {})}
        return httpx.post(f"{self.base}/slack/events", content=body, headers=h, timeout=30)

    def event(self, event: dict, event_id: str | None = None, headers: dict | None = None) -> httpx.Response:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": "T0SOMERSET",
                "api_app_id": "A0ASSIST",
                "type": "event_callback",
                "event_id": event_id or f"Ev{next(_ts):08d}",
                "event_time": int(time.time()),
                "event": event,
                "authorizations": [{"team_id": "T0SOMERSET", "user_id": BOT_USER, "is_bot": True}],
            }
        )
        return self.post(body, "application/json", headers)

    def mention(self, text: str, channel: str, ts: str, thread_ts: str | None = None, **kw) -> httpx.Response:
        event = {
            "type": "app_mention",
            "user": "U0OFFICER",
            "text": f"<@{BOT_USER}> {text}",
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return self.event(event, **kw)

    def interact(self, payload: dict) -> httpx.Response:
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def command(self, text: str, channel: str, response_url: str) -> httpx.Response:
        form = {
            "token": "legacy",
            "team_id": "T0SOMERSET",
            "channel_id": channel,
            "channel_name": "programme",
            "user_id": "U0OFFICER",
            "command": "/ask",
            "text": text,
            "response_url": response_url,
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
            "api_app_id": "A0ASSIST",
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded")

    def posts(self, channel: str, thread_ts: str | None = None) -> list[dict]:
        return [
            c
            for c in self.fake.calls_to("chat.postMessage")
            if c.get("channel") == channel and c.get("thread_ts") == thread_ts
        ]

    def wait_posts(
        self, channel: str, thread_ts: str | None, count: int = 1, timeout: float = 60
    ) -> list[dict]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.posts(channel, thread_ts)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(
            f"expected {count} post(s) in {channel}/{thread_ts}, got {self.posts(channel, thread_ts)}"
        )


def button_click(action_id: str, value: str, channel: str, response_url: str, **more) -> dict:
    """A block_actions payload as Slack sends it when a user clicks one of our buttons."""
    return {
        "type": "block_actions",
        "team": {"id": "T0SOMERSET"},
        "user": {"id": "U0OFFICER"},
        "api_app_id": "A0ASSIST",
        "token": "legacy",
        "trigger_id": f"1234.5678.{action_id}",
        "channel": {"id": channel},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "feedback",
                "value": value,
                "action_ts": "1.3",
            }
        ],
        **more,
    }


@pytest.fixture(scope="module")
def fake():
    f = FakeSlack().start()
    yield f
    f.stop()


@pytest.fixture(scope="module")
def slack(index_copy_module, embedder, fake):
    from assistant.api.app import create_app
    from assistant.service import Assistant

    set_audiences(index_copy_module, embedder, {SECRET: "confidential", STAFF_DOC: "staff"})
    settings = index_copy_module.model_copy(
        update={
            "slack_bot_token": SecretStr(GOOD_BOT_TOKEN),
            "slack_signing_secret": SecretStr(SIGNING_SECRET),
            "slack_api_url": fake.api_url,
            "public_url": PUBLIC_URL,
            "slack_channel_roles": {"C0STAFF": "staff"},
            "api_keys": {STAFF_KEY: "staff"},
            "rate_limit_per_minute": 100_000,
        }
    )
    assistant = Assistant.from_settings(settings, embedder=embedder)
    with running(create_app(settings, assistant=assistant)) as base:
        yield Slack(base, fake, assistant)


def _text(message: dict) -> str:
    return json.dumps(message.get("blocks") or [], ensure_ascii=False) + message.get("text", "")


def _settle(seconds: float = 1.5) -> None:
    """Give a wrongly repeated answer time to show up before asserting there is none."""
    time.sleep(seconds)


# -- 1 and 2: one answer, in the thread, with links and buttons; signatures; retries ------------------


def test_a_signed_mention_gets_one_cited_answer_in_its_thread(slack: Slack) -> None:
    ts = new_ts()
    slack.fake.hold_posts()
    try:
        # Slack wants the ack within 3 s: it comes back while the answer's post is still held.
        r = slack.mention("What was Pioneer Somerset's savings target?", "C0PUBLIC", ts)
        assert r.status_code == 200 and not slack.posts("C0PUBLIC", ts)
    finally:
        slack.fake.release_posts()

    [post] = slack.wait_posts("C0PUBLIC", ts)
    blocks = post["blocks"]
    assert "£20" in blocks[0]["text"]["text"]
    links = [
        b["text"]["text"] for b in blocks if b["type"] == "section" and "/view?quote=" in b["text"]["text"]
    ]
    assert links and all(f"<{PUBLIC_URL}/v1/documents/" in t for t in links)
    # "title · p.N · §section"; the quote is in the answer text, so it is not repeated under the link.
    assert "· p." in links[0] and "\n> " not in links[0]
    actions = [b for b in blocks if b["type"] == "actions"]
    # Each quote shows once. (Which quote answers depends on the public channel's documents only:
    # corpus statistics are per audience, issue 16.)
    stored = slack.assistant.conversations.answer(  # type: ignore[attr-defined]
        actions[0]["elements"][0]["value"]
    )
    assert stored is not None and stored.answer.citations
    assert all(blocks[0]["text"]["text"].count(c.quote) <= 1 for c in stored.answer.citations)
    assert [e["action_id"] for e in actions[0]["elements"]] == ["feedback_up", "feedback_down"]
    assert len(blocks) <= 50 and all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks)

    # The citation's link really opens the cited page on the API, with the quote highlighted.
    first = links[0].split("<", 1)[1].split("|", 1)[0].removeprefix(PUBLIC_URL)
    view = httpx.get(slack.base + first.replace("&amp;", "&"), timeout=30)
    assert view.status_code == 200 and 'class="highlight"' in view.text

    _settle()
    assert len(slack.posts("C0PUBLIC", ts)) == 1


def test_a_wrong_signature_is_refused_and_a_retry_is_not_answered_twice(slack: Slack) -> None:
    ts = new_ts()
    body = json.dumps(
        {
            "type": "event_callback",
            "event_id": "EvFORGED",
            "team_id": "T0SOMERSET",
            "event": {
                "type": "app_mention",
                "user": "U0X",
                "text": f"<@{BOT_USER}> Who is the chief executive?",
                "ts": ts,
                "channel": "C0PUBLIC",
                "event_ts": ts,
            },
        }
    )
    forged = {"Content-Type": "application/json", **sign(body, secret="not-the-signing-secret")}
    assert (
        httpx.post(f"{slack.base}/slack/events", content=body, headers=forged, timeout=30).status_code == 401
    )
    stale = {"Content-Type": "application/json", **sign(body, timestamp=int(time.time()) - 3600)}
    assert (
        httpx.post(f"{slack.base}/slack/events", content=body, headers=stale, timeout=30).status_code == 401
    )

    question = "What was Somerset Council's agency spend in 2023/24?"
    assert slack.mention(question, "C0PUBLIC", ts, event_id="EvRETRIED").status_code == 200
    slack.wait_posts("C0PUBLIC", ts)
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert slack.mention(question, "C0PUBLIC", ts, event_id="EvRETRIED", headers=retry).status_code == 200
    assert slack.mention(question, "C0PUBLIC", ts, event_id="EvRETRIED").status_code == 200  # redelivered
    _settle()
    assert len(slack.posts("C0PUBLIC", ts)) == 1
    assert not [c for c in slack.fake.calls_to("chat.postMessage") if "chief executive" in _text(c)]


def test_the_bots_own_messages_and_edits_are_ignored(slack: Slack) -> None:
    ts = new_ts()
    slack.mention("What was Pioneer Somerset's savings target?", "C0PUBLIC", ts)
    slack.wait_posts("C0PUBLIC", ts)
    base = {"type": "message", "channel": "C0PUBLIC", "channel_type": "channel", "thread_ts": ts}
    slack.event({**base, "user": BOT_USER, "text": "By when?", "ts": new_ts()})
    slack.event({**base, "bot_id": "B0ASSIST", "text": "By when?", "ts": new_ts()})
    slack.event({**base, "subtype": "message_changed", "message": {"text": "By when?"}, "ts": new_ts()})
    _settle()
    assert len(slack.posts("C0PUBLIC", ts)) == 1


# -- 3: a follow-up in the thread is the same conversation (a dev-suite conversation) -------------


def test_a_reply_in_the_thread_follows_up_the_earlier_turn(slack: Slack) -> None:
    suite = yaml.safe_load((REPO / "evals" / "suites" / "dev.yaml").read_text())
    conversation = next(c for c in suite["conversations"] if c["id"] == "conv-pp")
    first, second = conversation["turns"]
    ts = new_ts()
    slack.mention(first["q"], "C0PUBLIC", ts)
    [answer1] = slack.wait_posts("C0PUBLIC", ts)
    assert any(alt in _text(answer1) for alt in first["answer_any"][0])

    # A plain reply in the thread (no mention): Slack sends it as a message event.
    reply = {
        "type": "message",
        "channel": "C0PUBLIC",
        "channel_type": "channel",
        "user": "U0OFFICER",
        "text": second["q"],
        "ts": new_ts(),
        "thread_ts": ts,
    }
    assert slack.event(reply).status_code == 200
    answer2 = slack.wait_posts("C0PUBLIC", ts, count=2)[1]
    assert any(alt in answer2["blocks"][0]["text"]["text"] for alt in second["answer_any"][0]), answer2
    assert key(second["evidence"][0]["quote"]) in key(_text(answer2))
    history = slack.assistant.conversations.history(f"slack-C0PUBLIC-{ts}")  # type: ignore[attr-defined]
    assert [t.question for t in history] == [first["q"], second["q"]]

    # A reply in a thread the assistant never answered in is not a question to it.
    stranger = {**reply, "thread_ts": new_ts(), "ts": new_ts()}
    slack.event(stranger)
    _settle()
    assert not slack.posts("C0PUBLIC", stranger["thread_ts"])


def test_direct_messages_are_answered(slack: Slack) -> None:
    dm = {
        "type": "message",
        "channel": "D0OFFICER",
        "channel_type": "im",
        "user": "U0OFFICER",
        "text": "What was Pioneer Somerset's savings target?",
        "ts": new_ts(),
    }
    slack.event(dm)
    [post] = slack.wait_posts("D0OFFICER", dm["ts"])
    assert "£20" in post["blocks"][0]["text"]["text"]


# -- 4: feedback buttons and the comment modal store feedback the API shows ----------------------


def test_a_button_click_stores_feedback_and_the_modal_adds_a_comment(slack: Slack) -> None:
    ts = new_ts()
    slack.mention("What was Pioneer Somerset's savings target?", "C0PUBLIC", ts)
    [post] = slack.wait_posts("C0PUBLIC", ts)
    answer_id = next(b for b in post["blocks"] if b["type"] == "actions")["elements"][1]["value"]
    opened = len(slack.fake.calls_to("views.open"))

    click = button_click(
        "feedback_down",
        answer_id,
        "C0PUBLIC",
        slack.fake.base + "/response/click",
        container={"type": "message", "message_ts": "1.2", "channel_id": "C0PUBLIC"},
        message={"ts": "1.2", "text": post["text"]},
    )
    assert slack.interact(click).status_code == 200
    [modal] = slack.fake.wait_for("views.open", opened + 1)[opened:]
    assert modal["view"]["callback_id"] == "feedback_comment"

    staff = {"Authorization": f"Bearer {STAFF_KEY}"}
    stored = httpx.get(
        f"{slack.base}/v1/feedback", params={"answer_id": answer_id}, headers=staff, timeout=30
    ).json()
    assert [(f["rating"], f["source"], f["comment"]) for f in stored] == [("down", "slack", None)]

    submit = {
        "type": "view_submission",
        "team": {"id": "T0SOMERSET"},
        "user": {"id": "U0OFFICER"},
        "api_app_id": "A0ASSIST",
        "token": "legacy",
        "trigger_id": "1234.5678.efgh",
        "view": {
            "id": "V0COMMENT",
            "type": "modal",
            "callback_id": "feedback_comment",
            "private_metadata": modal["view"]["private_metadata"],
            "state": {
                "values": {
                    "comment": {"text": {"type": "plain_text_input", "value": "It should say the base year."}}
                }
            },
        },
    }
    assert slack.interact(submit).status_code == 200
    stored = httpx.get(
        f"{slack.base}/v1/feedback", params={"answer_id": answer_id}, headers=staff, timeout=30
    ).json()
    assert [f["comment"] for f in stored] == ["It should say the base year."]


# -- 5: the channel role map --------------------------------------------------------------------------


def _distinctive(assistant, doc_id: str) -> list[str]:
    catalog = assistant.retriever.catalog
    others = " ".join(key(c.text) for c in catalog.chunks() if c.doc_id != doc_id)
    units = [c.unit_text(u) for c in catalog.chunks(doc_id) for u in c.units if u.end - u.start >= 40]
    return [u for u in units if key(u) not in others]


def test_a_channel_never_sees_a_document_its_role_may_not(slack: Slack) -> None:
    """Every dev-suite question about the two restricted documents, asked in a public channel, a staff
    channel and a DM: the confidential one never shows; the staff one shows only to staff."""
    suite = yaml.safe_load((REPO / "evals" / "suites" / "dev.yaml").read_text())
    files = {k: v for k, v in suite["documents"].items()}
    restricted = {k for k, v in files.items() if v.startswith((SECRET, STAFF_DOC))}
    questions = [q["q"] for q in suite["questions"] if {e["doc"] for e in q.get("evidence", [])} & restricted]
    assert len(questions) >= 20
    secret_text = _distinctive(slack.assistant, SECRET)
    staff_text = _distinctive(slack.assistant, STAFF_DOC)
    assert len(secret_text) > 30 and len(staff_text) > 30

    asked = {}
    for question in questions:
        for channel in ("C0PUBLIC", "C0STAFF", "D0OFFICER"):
            ts = new_ts()
            slack.mention(question, channel, ts)
            asked[(question, channel)] = ts
    staff_cited = 0
    for (question, channel), ts in asked.items():
        [post] = slack.wait_posts(channel, ts)
        text = key(_text(post))
        assert SECRET not in _text(post) and not [t for t in secret_text if key(t) in text], (
            channel,
            question,
        )
        if channel == "C0PUBLIC":
            assert STAFF_DOC not in _text(post) and not [t for t in staff_text if key(t) in text], question
        elif STAFF_DOC in _text(post):
            staff_cited += 1
    assert staff_cited >= 10  # the staff channel and the DM (staff by default) do see the staff document


def test_a_staff_channel_link_opens_the_staff_document_without_a_key(slack: Slack) -> None:
    """A reader clicking a Slack link has no API key: the link's token stands in for one, for that
    page only."""
    ts = new_ts()
    slack.mention("What savings did Somerset CC need to make by 2019/20?", "C0STAFF", ts)
    [post] = slack.wait_posts("C0STAFF", ts)
    link = next(
        t.split("<", 1)[1].split("|", 1)[0]
        for t in re.findall(r"<[^>]+>", _text(post))
        if f"/v1/documents/{STAFF_DOC}/pages/" in t
    ).removeprefix(PUBLIC_URL)
    assert "token=" in link
    view = httpx.get(slack.base + link, timeout=30)  # no Authorization header
    assert view.status_code == 200 and 'class="highlight"' in view.text
    page = int(link.split("/pages/", 1)[1].split("/", 1)[0])
    assert httpx.get(slack.base + link.replace(f"/pages/{page}/", f"/pages/{page + 1}/")).status_code == 403
    assert httpx.get(slack.base + link.split("?", 1)[0]).status_code == 404  # without it: as before


# -- /ask: ephemeral unless shared ------------------------------------------------------------------


def test_slash_ask_answers_privately_and_can_share_the_answer(slack: Slack) -> None:
    url = f"{slack.fake.base}/response/ask1"
    before = len(slack.fake.responses)
    assert slack.command("What was Pioneer Somerset's savings target?", "C0PUBLIC", url).status_code == 200
    reply = slack.fake.wait_for_response(before + 1)[before]
    assert reply["response_type"] == "ephemeral" and "£20" in reply["blocks"][0]["text"]["text"]
    share = next(b for b in reply["blocks"] if b["type"] == "actions")["elements"][-1]
    assert share["action_id"] == "share_answer"

    click = button_click(
        "share_answer",
        share["value"],
        "C0SHARE",
        url,
        container={"type": "message", "channel_id": "C0SHARE", "is_ephemeral": True},
    )
    assert slack.interact(click).status_code == 200
    [shared] = slack.wait_posts("C0SHARE", None)
    assert shared["blocks"][0] == reply["blocks"][0]

    before = len(slack.fake.responses)
    slack.command(
        "share What was Pioneer Somerset's savings target?", "C0PUBLIC", f"{slack.fake.base}/response/ask2"
    )
    assert slack.fake.wait_for_response(before + 1)[before]["response_type"] == "in_channel"


def test_an_abstention_looks_different_and_cites_nothing(slack: Slack) -> None:
    ts = new_ts()
    slack.mention("What is the population of Bristol?", "C0PUBLIC", ts)
    [post] = slack.wait_posts("C0PUBLIC", ts)
    assert post["blocks"][0]["text"]["text"].startswith(":mag: _I could not find this")
    assert "file#page=" not in _text(post) and "/view?" not in _text(post)


# -- errors: an apology with an error id, and the app keeps running ---------------------------------


def test_a_failure_gets_an_apology_with_an_error_id_and_the_app_keeps_running(slack: Slack, caplog) -> None:
    """A real failure: the conversation store's table disappears under the running app."""
    db = sqlite3.connect(slack.assistant.conversations.path)  # type: ignore[attr-defined]
    db.execute("ALTER TABLE turns RENAME TO turns_moved_away")
    db.commit()
    try:
        ts = new_ts()
        slack.mention("What was Pioneer Somerset's savings target?", "C0PUBLIC", ts)
        [post] = slack.wait_posts("C0PUBLIC", ts)
    finally:
        db.execute("ALTER TABLE turns_moved_away RENAME TO turns")
        db.commit()
        db.close()
    assert post["text"].startswith("<@U0OFFICER> Sorry, something went wrong")
    error_id = post["text"].rsplit("error id ", 1)[1].rstrip(".")
    assert error_id.startswith("e-") and "turns" not in post["text"]  # details go to the log, not the user

    ts = new_ts()
    slack.mention("What was Pioneer Somerset's savings target?", "C0PUBLIC", ts)
    [post] = slack.wait_posts("C0PUBLIC", ts)
    assert "£20" in post["blocks"][0]["text"]["text"]


# -- 6: Socket Mode against a fake Socket Mode server; bad tokens fail clearly ------------------------


def test_socket_mode_answers_a_pushed_event(slack: Slack, fake: FakeSlack, index_copy_module) -> None:
    """`assistant slack --socket`, as deployed: it opens the socket the fake hands out and answers."""
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(index_copy_module.data_dir),
        "ASSISTANT_CORPUS_DIR": str(index_copy_module.corpus_dir),
        "ASSISTANT_SLACK_BOT_TOKEN": GOOD_BOT_TOKEN,
        "ASSISTANT_SLACK_APP_TOKEN": GOOD_APP_TOKEN,
        "ASSISTANT_SLACK_API_URL": fake.api_url,
        "ASSISTANT_PUBLIC_URL": PUBLIC_URL,
    }
    proc = subprocess.Popen(
        [ASSISTANT, "slack", "--socket"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.time() + 180
        while not fake.connected() and time.time() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert fake.connected(), proc.stdout.read() if proc.poll() is not None else "no connection"  # type: ignore[union-attr]
        ts = new_ts()
        envelope = fake.push(
            {
                "type": "event_callback",
                "team_id": "T0SOMERSET",
                "api_app_id": "A0ASSIST",
                "event_id": "EvSOCKET1",
                "event_time": int(time.time()),
                "event": {
                    "type": "app_mention",
                    "user": "U0OFFICER",
                    "channel": "C0PUBLIC",
                    "ts": ts,
                    "event_ts": ts,
                    "text": f"<@{BOT_USER}> What was Pioneer Somerset's savings target?",
                },
                "authorizations": [{"team_id": "T0SOMERSET", "user_id": BOT_USER, "is_bot": True}],
            }
        )
        [post] = slack.wait_posts("C0PUBLIC", ts)
        assert "£20" in post["blocks"][0]["text"]["text"]
        assert envelope in fake.acks
    finally:
        proc.terminate()
        proc.wait(30)


@pytest.mark.parametrize(
    ("overrides", "setting"),
    [
        ({"slack_bot_token": None}, "ASSISTANT_SLACK_BOT_TOKEN"),
        ({"slack_bot_token": "xoxb-test-0000-revoked"}, "ASSISTANT_SLACK_BOT_TOKEN"),
        ({"slack_bot_token": "not-a-bot-token"}, "ASSISTANT_SLACK_BOT_TOKEN"),
        ({"slack_app_token": None}, "ASSISTANT_SLACK_APP_TOKEN"),
        ({"slack_app_token": "xapp-1-test-revoked"}, "ASSISTANT_SLACK_APP_TOKEN"),
    ],
)
def test_bad_tokens_fail_at_start_naming_the_setting(
    fake: FakeSlack, index_copy_module, overrides, setting
) -> None:
    from assistant.slack.server import connect, socket_handler
    from core.errors import ConfigError

    values = {"slack_bot_token": GOOD_BOT_TOKEN, "slack_app_token": GOOD_APP_TOKEN, **overrides}
    settings = index_copy_module.model_copy(
        update={**{k: SecretStr(v) if v else None for k, v in values.items()}, "slack_api_url": fake.api_url}
    )

    class Stub:  # the check happens before any question: nothing of the assistant is used
        conversations = None

    handler = None
    with pytest.raises(ConfigError, match=setting):
        handler = socket_handler(settings, Stub())
        connect(handler)
    if handler is not None:
        handler.close()


def test_the_cli_names_a_missing_setting_at_once(tmp_path) -> None:
    data = tmp_path / "data"  # where the autouse fixture points ASSISTANT_DATA_DIR
    socket = run_cli("slack", "--socket", env={"ASSISTANT_SLACK_BOT_TOKEN": GOOD_BOT_TOKEN})
    http = run_cli("slack", "--http", env={"ASSISTANT_SLACK_BOT_TOKEN": GOOD_BOT_TOKEN})
    assert socket.returncode != 0 and "ASSISTANT_SLACK_APP_TOKEN" in socket.stderr
    assert http.returncode != 0 and "ASSISTANT_SLACK_SIGNING_SECRET" in http.stderr
    assert not data.exists()  # refused before the index (or the model) was opened


def test_the_endpoint_is_absent_without_slack_settings(api: str) -> None:
    assert httpx.post(f"{api}/slack/events", content="{}", timeout=30).status_code in (404, 405)


# -- [security] issue 16, finding 7 ----------------------------------------------------------------


def test_malformed_signature_headers_and_bodies_get_401_and_400_not_500(slack: Slack) -> None:
    url = f"{slack.base}/slack/events"
    body = json.dumps({"type": "event_callback", "event_id": "EvMALFORMED", "event": {}})
    for headers in (
        {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": "1e9", "X-Slack-Signature": "v0=zz"},
        {"X-Slack-Signature": "v0=" + "0" * 64},
        {},
    ):
        r = httpx.post(url, content=body, headers={"Content-Type": "application/json", **headers}, timeout=30)
        assert r.status_code == 401, (headers, r.status_code)
    raw = b"\xff\xfe" + "payload=x".encode("utf-16-le")
    unsigned = httpx.post(url, content=raw, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert unsigned.status_code == 401
    ts = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
    signed = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}
    r = httpx.post(url, content=raw, headers={"Content-Type": "application/x-www-form-urlencoded", **signed})
    assert r.status_code == 400


def test_a_forged_share_click_cannot_post_a_staff_answer_into_a_public_channel(slack: Slack) -> None:
    ts = new_ts()
    question = "What did the corporate peer challenge say about the council's financial planning?"
    slack.mention(question, "C0STAFF", ts)
    [post] = slack.wait_posts("C0STAFF", ts)
    assert STAFF_DOC in _text(post), "the staff channel should be shown the staff-only paper"
    actions = next(b for b in post["blocks"] if b["type"] == "actions")
    answer_id = actions["elements"][0]["value"]
    url = f"{slack.fake.base}/response/forged"
    before = len(slack.fake.responses)
    click = button_click("share_answer", answer_id, "C0PUBLIC", url)
    assert slack.interact(click).status_code == 200
    refusal = slack.fake.wait_for_response(before + 1)[before]
    assert refusal["response_type"] == "ephemeral" and "not shared" in refusal["text"]
    _settle()
    assert not [
        c
        for c in slack.fake.calls_to("chat.postMessage")
        if c.get("channel") == "C0PUBLIC" and STAFF_DOC in _text(c)
    ]


def test_a_replayed_slash_command_is_answered_once(slack: Slack) -> None:
    url = f"{slack.fake.base}/response/replayed"
    form = {
        "token": "legacy",
        "team_id": "T0SOMERSET",
        "channel_id": "C0PUBLIC",
        "channel_name": "programme",
        "user_id": "U0OFFICER",
        "command": "/ask",
        "text": "What was Pioneer Somerset's savings target?",
        "response_url": url,
        "trigger_id": "99999.88888.replayed",
        "api_app_id": "A0ASSIST",
    }
    body = urlencode(form)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
    before = len(slack.fake.responses)
    for _ in range(3):  # the same signed request, as an eavesdropper would resend it
        assert (
            httpx.post(f"{slack.base}/slack/events", content=body, headers=headers, timeout=30).status_code
            == 200
        )
    slack.fake.wait_for_response(before + 1)
    _settle()
    answers = [r for r in slack.fake.responses[before:] if "£20" in json.dumps(r, ensure_ascii=False)]
    assert len(answers) == 1, slack.fake.responses[before:]


def test_an_unreachable_slack_at_start_up_leaves_the_api_serving(index_copy_module, embedder) -> None:
    from assistant.api.app import create_app
    from assistant.service import Assistant
    from tests.servers import free_port

    settings = index_copy_module.model_copy(
        update={
            "slack_bot_token": SecretStr(GOOD_BOT_TOKEN),
            "slack_signing_secret": SecretStr(SIGNING_SECRET),
            "slack_api_url": f"http://127.0.0.1:{free_port()}/api/",  # nothing listens there
            "rate_limit_per_minute": 100_000,
        }
    )
    assistant = Assistant.from_settings(settings, embedder=embedder)
    with running(create_app(settings, assistant=assistant)) as base:
        ready = httpx.get(f"{base}/readyz", timeout=30)
        assert ready.status_code == 200 and ready.json()["slack"] == "down"
        assert "did not answer" in ready.json()["slack_reason"]
        answer = httpx.post(
            f"{base}/v1/ask", json={"question": "What was Pioneer Somerset's savings target?"}
        )
        assert answer.status_code == 200 and "£20" in answer.json()["answer"]
        body = json.dumps({"type": "url_verification", "challenge": "x"})
        events = httpx.post(
            f"{base}/slack/events", content=body, headers={"Content-Type": "application/json", **sign(body)}
        )
        assert events.status_code == 503
