"""The `assistant` command's ask, chat and targets, run in-process with Typer's CliRunner on the real
index (the packaged MiniLM, an embedded Chroma)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.main import app

pytestmark = pytest.mark.integration


@pytest.fixture()
def env(built_index) -> dict[str, str]:
    return {
        "ASSISTANT_DATA_DIR": str(built_index.data_dir),
        "ASSISTANT_CORPUS_DIR": str(built_index.corpus_dir),
    }


def test_ask_prints_the_answer_with_numbered_sources(env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        app, ["ask", "What did Somerset Council spend on agency staff in 2023/24?"], env=env
    )
    assert result.exit_code == 0, result.output
    assert "£13.1m" in result.output and "Sources" in result.output and "[1]" in result.output
    assert "p. 3" in result.output and "conversation: c-" in result.output


def test_ask_json_is_the_answer_contract(env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        app, ["ask", "--json", "What was Pioneer Somerset's savings target?"], env=env
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert {"answer", "citations", "tools", "abstained", "conversation_id"} <= set(answer)
    assert answer["citations"] and all(c["page"] >= 1 and c["quote"] for c in answer["citations"])


def test_ask_refuses_a_bad_year_naming_the_option(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["ask", "--since", "20x9", "Anything?"], env=env)
    assert result.exit_code == 2 and "--since" in result.output


def test_chat_follows_up_within_one_conversation_and_quits(env: dict[str, str]) -> None:
    turns = "What did Somerset Council spend on agency staff in 2023/24?\n" + (
        "And what reduction is it aiming for the following year?\n/quit\n"
    )
    result = CliRunner().invoke(app, ["chat"], input=turns, env=env)
    assert result.exit_code == 0, result.output
    _, _, after_first = result.output.partition("£13.1m")
    assert after_first and "£3m" in after_first  # the follow-up was answered in the same conversation


def test_targets_lists_each_target_with_its_source_and_as_json(env: dict[str, str]) -> None:
    table = CliRunner().invoke(app, ["targets", "--council", "SSDC"], env=env)
    assert table.exit_code == 0, table.output
    assert "targets" in table.output and "p." in table.output
    found = json.loads(
        CliRunner().invoke(app, ["targets", "--json", "--programme", "NI 179a"], env=env).output
    )
    assert found and all(t["programme"] == "NI 179a" and t["page"] >= 1 and t["quote"] for t in found)
