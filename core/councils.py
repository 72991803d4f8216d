"""Council names and their aliases, so "Sedgemoor", "SDC" and "Sedgemoor DC" are one council."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

import yaml

# A "did you mean" offers at most this many councils, each at least this similar (difflib's ratio)
# to the name given: 0.6 is difflib's own default and catches a dropped or swapped letter.
SUGGESTIONS = 3
SIMILAR = 0.6


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

    def suggest(self, name: str, n: int = SUGGESTIONS) -> list[str]:
        """The councils whose spellings are closest to a name that is none of them ("Sedgmoor"),
        best first, for a "did you mean" that names the council as the manifest does."""
        spellings = list(self._by_spelling)
        out: list[str] = []
        for close in difflib.get_close_matches(_norm(name), spellings, n=len(spellings), cutoff=SIMILAR):
            canon = self._by_spelling[close]
            if canon not in out:
                out.append(canon)
        return out[:n]

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        """Every spelling in one pattern, longest first so "South Somerset" is not "Somerset";
        all-capital abbreviations ("SDC") match only as capitals."""
        spellings = sorted(
            (alias for names in self.aliases.values() for alias in names), key=lambda a: -len(a)
        )
        parts = [f"(?-i:{re.escape(a)})" if a.isupper() else re.escape(a) for a in spellings]
        return re.compile(rf"(?<![\w&])(?:{'|'.join(parts)})(?![\w])", re.IGNORECASE)

    @cached_property
    def _by_spelling(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for canon, names in self.aliases.items():
            for alias in names:
                out.setdefault(_norm(alias), canon)
        return out

    def mentioned(self, text: str) -> list[str]:
        """Councils named in `text`, in order of first mention, each once."""
        found: list[str] = []
        for m in self._pattern.finditer(text):
            canon = self._by_spelling.get(_norm(m.group(0)))
            if canon and canon not in found:
                found.append(canon)
        return found

    def group(self, text: str) -> tuple[str, tuple[str, ...]] | None:
        for name, members in self.groups.items():
            # "per district council" names the group "district councils"; "South Somerset District
            # Council" does not.
            each = rf"\b(?:per|each|every)\s+{re.escape(name.removesuffix('s'))}\b"
            if re.search(rf"\b{re.escape(name)}\b|{each}", text, re.IGNORECASE):
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
