"""The Slack app (slack-bolt): it only translates between Slack and `Assistant.ask()`.

- `app_mention` in channels and `message.im` in direct messages are questions; a reply in a thread
  the assistant has answered in is a follow-up in the same conversation (its id is channel + thread).
- `/ask` answers ephemerally, with a button to share the answer in the channel; `/ask share …`
  answers in the channel straight away.
- Answers go in the thread of the question, with numbered citations linking to the PDF at the page,
  tool formulas, and 👍 / 👎 buttons that store feedback (with an optional comment) in the store the
  HTTP API uses.
- Each channel has a role (settings), and a channel never receives text from a document its role
  may not read.
- Events are acknowledged at once (Bolt runs listeners after the ack); Slack retries
  (`X-Slack-Retry-Num`) and repeated event ids are ignored, so a question is answered once; the
  bot's own messages and edits are ignored.
- When the assistant fails, the user gets a short apology with an error id; the details are logged.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections import OrderedDict

from assistant.conversations import Owner
from assistant.feedback import FeedbackStore
from assistant.links import Links
from assistant.models import Answer
from assistant.slack.blocks import answer_blocks, escape, fallback_text
from assistant.visibility import cites_only_readable
from core.errors import AssistantError, ConfigError, QuestionError, ServiceUnreachable
from core.settings import ROLE_AUDIENCES, Settings, secret_value

log = logging.getLogger("assistant.slack")
MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
SKIPPED_SUBTYPES = {
    "message_changed",
    "message_deleted",
    "bot_message",
    "channel_join",
    "channel_leave",
    "thread_broadcast",
    "message_replied",
}


class SeenEvents:
    """Event ids already handled, so a redelivered event is not answered twice."""

    def __init__(self, size: int = 10_000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def first_time(self, event_id: str | None) -> bool:
        if not event_id:
            return True
        with self._lock:
            if event_id in self._ids:
                return False
            self._ids[event_id] = None
            if len(self._ids) > self._size:
                self._ids.popitem(last=False)
            return True


def conversation_id(channel: str, thread_ts: str) -> str:
    return f"slack-{channel}-{thread_ts}"


def role_for(settings: Settings, channel: str, channel_type: str | None) -> str:
    if channel_type == "im" or channel.startswith("D"):
        return settings.slack_dm_role
    return settings.slack_channel_roles.get(channel, settings.slack_default_role)


def check_settings(settings: Settings, mode: str) -> None:
    """Fail at start-up, naming the setting, rather than at the first question."""
    token = secret_value(settings.slack_bot_token)
    if not token:
        raise ConfigError(
            "ASSISTANT_SLACK_BOT_TOKEN is not set: give the bot token (xoxb-…) of the Slack app"
        )
    if not token.startswith("xoxb-"):
        raise ConfigError("ASSISTANT_SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
    if mode == "http" and not secret_value(settings.slack_signing_secret):
        raise ConfigError(
            "ASSISTANT_SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it"
        )
    if mode == "socket":
        app_token = secret_value(settings.slack_app_token)
        if not app_token:
            raise ConfigError(
                "ASSISTANT_SLACK_APP_TOKEN is not set: Socket Mode needs the app-level token (xapp-…)"
            )
        if not app_token.startswith("xapp-"):
            raise ConfigError("ASSISTANT_SLACK_APP_TOKEN must be an app-level token starting with xapp-")


def build_app(settings: Settings, assistant, feedback: FeedbackStore, mode: str = "http"):
    """The Bolt app. `mode` is "http" (needs the signing secret) or "socket" (needs the app token)."""
    from slack_bolt import App, BoltResponse
    from slack_bolt.error import BoltError
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    check_settings(settings, mode)
    client = WebClient(token=secret_value(settings.slack_bot_token), base_url=settings.slack_api_url)
    signing_secret = secret_value(settings.slack_signing_secret)
    if not settings.public_url:
        log.warning("ASSISTANT_PUBLIC_URL is not set: citations in Slack will not link to the PDFs")
    try:
        app = App(
            client=client,
            signing_secret=signing_secret or "socket-mode-does-not-sign",
            token_verification_enabled=True,  # auth.test at start-up: a bad token fails now, clearly
            request_verification_enabled=mode == "http",
            ignoring_self_events_enabled=True,
            process_before_response=False,  # acknowledge first, answer after
        )
    except (BoltError, SlackApiError) as exc:
        raise ConfigError(f"Slack rejected ASSISTANT_SLACK_BOT_TOKEN ({_reason(exc)})") from exc
    except OSError as exc:  # URLError, refused, timed out: Slack (or the way to it) is down, not wrong
        raise ServiceUnreachable(
            f"Slack's Web API at {settings.slack_api_url} did not answer ({exc})"
        ) from exc

    seen = SeenEvents()
    public_url = settings.public_url
    # Citation links carry a token where the channel's readers' browsers would otherwise be refused.
    signed = Links.of(settings, lambda doc_id: _audience(assistant, doc_id)).answer

    @app.middleware
    def ignore_retries(req, resp, next):
        # Bolt has already acknowledged the first delivery; a retry must not be answered again.
        if req.headers.get("x-slack-retry-num"):
            return BoltResponse(status=200, body="")
        return next()

    @app.event("app_mention")
    def on_mention(event, body, client):
        if not seen.first_time(body.get("event_id")) or event.get("bot_id"):
            return
        question = MENTION.sub("", event.get("text", "")).strip()
        channel = event["channel"]
        thread_ts = event.get("thread_ts") or event["ts"]
        if not question:
            client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                text="Ask me about the council documents, e.g. “What was Pioneer Somerset's savings target?”",
            )
            return
        _answer_in(
            client,
            channel,
            thread_ts,
            thread_ts,
            question,
            role_for(settings, channel, event.get("channel_type")),
            event.get("user"),
        )

    @app.event("message")
    def on_message(event, body, client, context):
        if event.get("subtype") in SKIPPED_SUBTYPES or event.get("bot_id") or event.get("edited"):
            return
        if event.get("user") and event.get("user") == context.get("bot_user_id"):
            return
        text = event.get("text", "")
        channel = event["channel"]
        channel_type = event.get("channel_type")
        if channel_type != "im" and MENTION.search(text):
            return  # the app_mention listener answers mentions
        if channel_type == "im":
            thread_ts = event.get("thread_ts") or "dm"
        elif event.get("thread_ts") and assistant.conversations.exists(
            conversation_id(channel, event["thread_ts"])
        ):
            thread_ts = event["thread_ts"]  # a reply in a thread the assistant answered in
        else:
            return
        if not seen.first_time(body.get("event_id")):
            return
        question = MENTION.sub("", text).strip()
        if question:
            reply_ts = event.get("thread_ts") or event["ts"]
            _answer_in(
                client,
                channel,
                thread_ts,
                reply_ts,
                question,
                role_for(settings, channel, channel_type),
                event.get("user"),
            )

    def _answer_in(say_client, channel, conversation_ts, reply_ts, question, role, user) -> None:
        """Answer in the thread; the conversation is the channel and thread the question belongs to."""
        try:
            answer: Answer = assistant.ask(
                question,
                conversation_id(channel, conversation_ts),
                None,
                role,
                create=True,
                owner=Owner(f"slack:{channel}", role),
            )
            say_client.chat_postMessage(
                channel=channel,
                thread_ts=reply_ts,
                text=fallback_text(answer),
                blocks=answer_blocks(signed(answer), public_url),
                unfurl_links=False,
            )
        except QuestionError as exc:  # the user can fix these: say how
            say_client.chat_postMessage(channel=channel, thread_ts=reply_ts, text=exc.message)
        except Exception as exc:
            _apologise(say_client, channel, reply_ts, user, exc)

    @app.command("/ask")
    def on_ask(ack, command, respond, client, request):
        ack()
        # A replayed request (the same signed body, resent within Bolt's five minutes) carries the
        # same signature; Socket Mode has none, and its trigger id is as unique.
        replay_key = request.headers.get("x-slack-signature", [None])[0] or command.get("trigger_id")
        if not seen.first_time(f"command:{replay_key}" if replay_key else None):
            return
        text = (command.get("text") or "").strip()
        share = text.lower().startswith("share ")
        question = text[6:].strip() if share else text
        if not question:
            respond(
                response_type="ephemeral",
                text="Usage: /ask your question   (or /ask share your question to answer in the channel)",
            )
            return
        channel = command.get("channel_id", "")
        role = role_for(settings, channel, command.get("channel_name"))
        try:
            answer: Answer = assistant.ask(question, None, None, role, owner=Owner(f"slack:{channel}", role))
        except QuestionError as exc:
            respond(response_type="ephemeral", text=exc.message)
            return
        except Exception as exc:
            respond(response_type="ephemeral", text=apology(exc, _log_failure()))
            return
        respond(
            response_type="in_channel" if share else "ephemeral",
            text=fallback_text(answer),
            blocks=answer_blocks(signed(answer), public_url, share_button=not share),
        )

    def _rate(ack, body, client, rating: str) -> None:
        ack()
        action = body["actions"][0]
        user = body.get("user", {}).get("id")
        try:
            fb = feedback.add(action["value"], rating, source="slack", user=user)
        except AssistantError as exc:
            log.warning("feedback not stored: %s", exc.message)
            return
        if body.get("trigger_id"):
            try:
                client.views_open(trigger_id=body["trigger_id"], view=_comment_view(fb.id, rating))
            except SlackApiError as exc:  # the rating is stored; the comment is optional
                log.info("could not open the comment modal: %s", _reason(exc))

    @app.action("feedback_up")
    def on_up(ack, body, client):
        _rate(ack, body, client, "up")

    @app.action("feedback_down")
    def on_down(ack, body, client):
        _rate(ack, body, client, "down")

    @app.view("feedback_comment")
    def on_comment(ack, view):
        ack()
        comment = view["state"]["values"].get("comment", {}).get("text", {}).get("value") or ""
        if comment.strip():
            feedback.comment(view["private_metadata"], comment)

    @app.action("share_answer")
    def on_share(ack, body, client, respond):
        ack()
        stored = assistant.conversations.answer(body["actions"][0]["value"])
        channel = (body.get("channel") or {}).get("id")
        if stored is None or stored.answer is None or not channel:
            return
        answer = stored.answer
        audiences = ROLE_AUDIENCES[role_for(settings, channel, None)]
        if not cites_only_readable(answer, assistant.retriever.state.docs, audiences):
            # The button's value is only an answer id: anyone can forge a click naming another's.
            log.warning(
                "refused to share answer %s into %s: it cites documents the channel may not read",
                stored.answer_id,
                channel,
            )
            respond(
                response_type="ephemeral",
                replace_original=False,
                text="This answer cites documents this channel may not see, so it was not shared.",
            )
            return
        client.chat_postMessage(
            channel=channel,
            text=fallback_text(answer),
            blocks=answer_blocks(signed(answer), public_url),
            unfurl_links=False,
        )

    @app.error
    def on_error(error, body):
        log.error("Slack listener failed: %s", error, exc_info=error)

    return app


def _audience(assistant, doc_id: str) -> str | None:
    doc = assistant.retriever.catalog.document(doc_id)
    return doc.audience if doc else None


def _comment_view(feedback_id: str, rating: str) -> dict:
    return {
        "type": "modal",
        "callback_id": "feedback_comment",
        "private_metadata": feedback_id,
        "title": {"type": "plain_text", "text": "Thanks for the feedback"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Skip"},
        "blocks": [
            {
                "type": "input",
                "block_id": "comment",
                "optional": True,
                "label": {
                    "type": "plain_text",
                    "text": "What was wrong?" if rating == "down" else "Anything to add?",
                },
                "element": {
                    "type": "plain_text_input",
                    "action_id": "text",
                    "multiline": True,
                    "max_length": 2000,
                },
            }
        ],
    }


def _log_failure() -> str:
    error_id = f"e-{uuid.uuid4().hex[:10]}"
    log.exception("answering failed (error id %s)", error_id)
    return error_id


def apology(exc: Exception, error_id: str) -> str:
    """Short, with the id the team can find in the log; an expected failure also says what it was."""
    reason = f" ({exc.message})" if isinstance(exc, AssistantError) else ""
    return f"Sorry, something went wrong answering this{reason}. Please try again later; error id {error_id}."


def _apologise(client, channel: str, thread_ts: str, user: str | None, exc: Exception) -> None:
    error_id = _log_failure()
    who = f"<@{escape(user)}> " if user else ""
    try:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=who + apology(exc, error_id))
    except Exception:  # Slack itself is failing: the log has the details
        log.exception("could not post the apology for %s", error_id)


def _reason(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if response is not None:
        try:
            return str(response["error"])
        except (KeyError, TypeError):
            pass
    return str(exc)
