"""Load a citation-accuracy suite: YAML checked against the shipped JSON Schema, with errors that
name the file and line, then flattened into cases (conversation turns keep their order)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml


class SuiteError(ValueError):
    pass


@dataclass(frozen=True)
class Evidence:
    file: str
    quote: str
    line: int = 0  # of the quote in the suite file, for messages about it


@dataclass
class Case:
    id: str
    q: str
    answer_any: list[list[str]] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    need_all: bool = False
    abstain: bool = False
    tool: bool = False
    conversation: str | None = None
    turn: int = 0
    suite: str = ""
    paraphrase_of: str | None = None  # the id of the case this one rewords (conversation turns: "conv#2")
    line: int = 0  # of the question in the suite file


@dataclass
class Suite:
    path: Path
    documents: dict[str, str]
    cases: list[Case]
    sha256: str
    document_lines: dict[str, int] = field(default_factory=dict)  # short name -> its line in the file


def schema() -> dict:
    return json.loads(resources.files("evals").joinpath("schema/suite.schema.json").read_text())


def _line_of(node: yaml.Node, path: list) -> int:
    """The 1-based line of the YAML node at a JSON path (as jsonschema reports it)."""
    for part in path:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            nxt = node.value[part]
        else:
            nxt = None
        if nxt is None:
            break
        node = nxt
    return node.start_mark.line + 1


def load_suite(path: Path) -> Suite:
    import jsonschema

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
        tree = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise SuiteError(f"{path}: not valid YAML: {exc}") from exc
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{path}:{_line_of(tree, list(e.absolute_path))}: {e.message}" for e in errors[:20]]
        raise SuiteError("suite does not match the schema:\n" + "\n".join(lines))
    documents = data["documents"]
    cases: list[Case] = []
    seen: set[str] = set()

    def case(entry: dict, cid: str, conversation: str | None, turn: int, where: list, of: str | None) -> Case:
        evidence = []
        for i, ev in enumerate(entry.get("evidence", [])):
            if ev["doc"] not in documents:
                line = _line_of(tree, [*where, "evidence", i, "doc"])
                raise SuiteError(
                    f"{path}:{line}: evidence names document {ev['doc']!r}, which `documents` does not list"
                )
            line = _line_of(tree, [*where, "evidence", i, "quote"])
            evidence.append(Evidence(documents[ev["doc"]], ev["quote"], line))
        if cid in seen:
            raise SuiteError(f"{path}:{_line_of(tree, where)}: duplicate id {cid!r}")
        seen.add(cid)
        return Case(
            id=cid,
            q=entry["q"],
            answer_any=entry.get("answer_any", []),
            evidence=evidence,
            need_all=entry.get("need_all", False),
            abstain=entry.get("abstain", False),
            tool=entry.get("tool", False),
            conversation=conversation,
            turn=turn,
            suite=path.stem,
            paraphrase_of=of,
            line=_line_of(tree, where),
        )

    for i, q in enumerate(data.get("questions", [])):
        cases.append(case(q, q["id"], None, 0, ["questions", i], q.get("paraphrase_of")))
    for i, conv in enumerate(data.get("conversations", [])):
        original = conv.get("paraphrase_of")
        for t, turn in enumerate(conv["turns"]):
            where = ["conversations", i, "turns", t]
            of = f"{original}#{t + 1}" if original else None
            cases.append(case(turn, f"{conv['id']}#{t + 1}", conv["id"], t + 1, where, of))
    document_lines = {name: _line_of(tree, ["documents", name]) for name in documents}
    return Suite(path, documents, cases, hashlib.sha256(text.encode()).hexdigest(), document_lines)
