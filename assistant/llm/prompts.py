"""Prompt templates from `prompts/`, each opening with a `version:` line that answers and eval
reports record, so that a change of wording is visible wherever its effect is measured."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.errors import ConfigError

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    text: str


def load_prompt(name: str, folder: Path = PROMPTS) -> Prompt:
    path = folder / f"{name}.md"
    try:
        first, _, body = path.read_text(encoding="utf-8").partition("\n")
    except OSError as exc:
        raise ConfigError(f"prompt template {path} cannot be read ({exc.strerror})") from exc
    if not first.startswith("version:") or not first.partition(":")[2].strip():
        raise ConfigError(f"prompt template {path} must open with a 'version: …' line")
    return Prompt(name, first.partition(":")[2].strip(), body.strip() + "\n")


@dataclass(frozen=True)
class AnswerPrompts:
    system: Prompt
    user: Prompt

    @property
    def version(self) -> str:
        versions = {self.system.version, self.user.version}
        return self.system.version if len(versions) == 1 else "+".join(sorted(versions))


def answer_prompts(folder: Path = PROMPTS) -> AnswerPrompts:
    return AnswerPrompts(load_prompt("answer.system", folder), load_prompt("answer.user", folder))
