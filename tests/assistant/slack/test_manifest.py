"""The README's Slack app manifest is valid YAML and asks for what the app listens to."""

from __future__ import annotations

import re

import yaml

from tests.conftest import REPO


def test_the_readme_manifest_matches_the_app() -> None:
    readme = (REPO / "README.md").read_text()
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "oauth_config" in b)
    manifest = yaml.safe_load(block)
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_mention", "message.im", "message.channels"} <= events
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "commands", "im:history", "channels:history"} <= scopes
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/ask"]
    urls = {
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
        manifest["features"]["slash_commands"][0]["url"],
    }
    assert {u.rsplit("/", 2)[-2:] == ["slack", "events"] for u in urls} == {True}
    source = (REPO / "assistant" / "slack" / "app.py").read_text()
    for listener in ('app.event("app_mention")', 'app.event("message")', 'app.command("/ask")'):
        assert listener in source
