"""Council names and their aliases, so "Sedgemoor", "SDC" and "Sedgemoor DC" are one council."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Gazetteer:
    aliases: dict[str, tuple[str, ...]]  # canonical name -> aliases (canonical first)
    groups: dict[str, tuple[str, ...]]

    def canonical(self, name: str) -> str | None:
        """The manifest name for any spelling of a council, or None."""
        wanted = _norm(name)
        for canon, names in self.aliases.items():
            if any(_norm(n) == wanted for n in names):
                return canon
        return None

    def mentioned(self, text: str) -> list[str]:
        """Councils named in `text`, longest spellings first so "South Somerset" is not "Somerset"."""
        found: list[str] = []
        spans: list[tuple[int, int]] = []
        candidates = sorted(
            ((alias, canon) for canon, names in self.aliases.items() for alias in names),
            key=lambda p: -len(p[0]),
        )
        for alias, canon in candidates:
            flags = 0 if alias.isupper() else re.IGNORECASE  # "SDC" only as capitals
            for m in re.finditer(rf"(?<![\w&]){re.escape(alias)}(?![\w])", text, flags):
                if any(a < m.end() and m.start() < b for a, b in spans):
                    continue
                spans.append((m.start(), m.end()))
                if canon not in found:
                    found.append(canon)
        return found

    def group(self, text: str) -> tuple[str, tuple[str, ...]] | None:
        for name, members in self.groups.items():
            if re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE):
                return name, members
        return None

    def abbreviations(self, canon: str) -> list[str]:
        return [a for a in self.aliases.get(canon, ()) if a.isupper()]


def _norm(s: str) -> str:
    return " ".join(s.lower().replace("&", "and").split())


@cache
def gazetteer() -> Gazetteer:
    data = yaml.safe_load(resources.files("core.data").joinpath("councils.yaml").read_text())
    aliases = {canon: (canon, *names) for canon, names in data["councils"].items()}
    groups = {name: tuple(members) for name, members in data.get("groups", {}).items()}
    return Gazetteer(aliases, groups)
