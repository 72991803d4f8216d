"""[people] acceptance 3 with Typer's CliRunner: `ask --url` against a real uvicorn on 127.0.0.1,
filter mistakes named by their option, `targets` labelled with quotes at 80 columns, `documents`
with full ids, and targets that are not targets (shortfalls, delivery rates) left out."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from cli.main import app

pytestmark = pytest.mark.integration

QUESTION = "What was Pioneer Somerset's savings target?"


@pytest.fixture()
def env(built_index) -> dict[str, str]:
    return {
        "ASSISTANT_DATA_DIR": str(built_index.data_dir),
        "ASSISTANT_CORPUS_DIR": str(built_index.corpus_dir),
        "COLUMNS": "80",
    }


def test_ask_url_answers_from_the_running_server(api: str, tmp_path) -> None:
    # No index here at all: the answer can only have come from the server.
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "none")}
    result = CliRunner().invoke(app, ["ask", "--url", api, "--json", QUESTION], env=env)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert "£20" in answer["answer"] and answer["citations"] and answer["filters"] is None
    text = CliRunner().invoke(app, ["ask", QUESTION, "--since", "2016", "--until", "2019"], env={
        **env, "ASSISTANT_URL": api,
    })  # fmt: skip
    assert text.exit_code == 0, text.output
    assert text.output.startswith("filters: 2016–2019\n")
    assert "Nothing in the documents dated 2016–2019 answers this" in text.output


def test_documents_targets_and_decisions_over_the_server(api: str, tmp_path) -> None:
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "none"), "ASSISTANT_URL": api, "COLUMNS": "80"}
    docs = CliRunner().invoke(app, ["documents"], env=env)
    assert docs.exit_code == 0, docs.output
    assert "2008-11-14-pioneer-somerset-update-report\n" in docs.output
    targets = CliRunner().invoke(app, ["targets", "--council", "SSDC", "--json"], env=env)
    assert targets.exit_code == 0 and json.loads(targets.output), targets.output
    decisions = CliRunner().invoke(app, ["decisions", "--json"], env=env)
    assert decisions.exit_code == 0 and json.loads(decisions.output) == [], decisions.output


def test_an_unreachable_server_is_named(tmp_path) -> None:
    result = CliRunner().invoke(app, ["ask", "--url", "http://127.0.0.1:9", QUESTION])
    assert result.exit_code == 2
    assert "cannot reach the server at http://127.0.0.1:9" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--council", "Sedgmoor"], "--council: unknown council 'Sedgmoor'; did you mean 'Sedgemoor DC'?"),
        (["--since", "2019", "--until", "2016"], "--since/--until: since 2019 is after until 2016"),
    ],
)
def test_filter_mistakes_name_the_option(env: dict[str, str], args: list[str], message: str) -> None:
    for command in (["ask", *args, QUESTION], ["chat", *args]):
        result = CliRunner().invoke(app, command, env=env)
        assert result.exit_code == 2 and message in result.output, result.output
    targets = CliRunner().invoke(app, ["targets", "--council", "Sedgmoor"], env=env)
    assert targets.exit_code == 2 and "did you mean 'Sedgemoor DC'?" in targets.output


def test_targets_at_80_columns_label_every_figure_and_show_its_quote(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["targets"], env=env)
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    blocks = result.output.strip().split("\n\n")[1:]
    assert blocks
    for block in blocks:
        assert re.match(r"\d+\. (target|requirement|reduction): \S", block), block
        assert "   quote: “" in block and "   source: " in block
    flat = " ".join(result.output.split())
    assert "target: 3% " in flat and "deliver 3% savings (NI 179)" in flat
    assert "target: £2.9m " in flat and "a target of £2.9m savings to be made in 2019-20" in flat


def test_shortfalls_and_delivery_rates_are_not_targets(env: dict[str, str]) -> None:
    found = json.loads(CliRunner().invoke(app, ["targets", "--json"], env=env).output)
    amounts = {t["amount_text"] for t in found}
    assert "£15.6m" not in amounts  # "the £15.6m deficit over the medium term"
    assert "circa 65%" not in amounts  # "has only achieved circa 65% of its planned savings"
    assert {"£20m", "£2.9m", "£8.6m", "£40-50m"} <= amounts  # real targets and requirements stay


def test_documents_shows_full_ids_at_80_columns(env: dict[str, str], built_index) -> None:
    from index.catalog import Catalog

    result = CliRunner().invoke(app, ["documents"], env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for doc in Catalog(built_index.catalog_path).documents():
        assert doc.doc_id in lines
