"""[tools] acceptance 1: the totals of Tables 3, 4 and 5 of the Pioneer report, read from the real PDF."""

from __future__ import annotations

import pytest

from assistant.tools.arithmetic import LabelledRow, table_totals_check
from ingest.manifest import load_manifest
from ingest.parse import parse_document
from tests.conftest import CORPUS

pytestmark = pytest.mark.integration

PIONEER = "2008-11-14-pioneer-somerset-update-report.pdf"


@pytest.fixture(scope="module")
def tables() -> dict[str, list[LabelledRow]]:
    meta = load_manifest(CORPUS / "manifest.yaml")[PIONEER]
    doc = parse_document(CORPUS / PIONEER, meta, 120, 180)
    out: dict[str, dict[int, LabelledRow]] = {}
    for unit in doc.units:
        t = unit.table
        if t is None or t.is_header or not t.row_label or t.row is None or unit.kind != "table_row":
            continue
        out.setdefault(t.table_id, {})[t.row] = LabelledRow(t.row_label, {c.header: c.value for c in t.cells})
    return {tid: [rows[k] for k in sorted(rows)] for tid, rows in out.items()}


def _checks(rows: list[LabelledRow]) -> dict[str, dict]:
    return {c["total"]: c for c in table_totals_check(rows).output}


TABLE_5 = {
    # column totals: the "Total Efficiency Target" row adds the NI 179 and NI 179a rows
    "Total Efficiency Target by 2010-11 · SCC £000": (42_710, 0),
    "Total Efficiency Target by 2010-11 · MDC £000": (2_235, 1),
    "Total Efficiency Target by 2010-11 · SDC £000": (2_224, 0),
    "Total Efficiency Target by 2010-11 · SSDC £000": (2_959, 0),
    "Total Efficiency Target by 2010-11 · TDBC £000": (2_204, 0),
    "Total Efficiency Target by 2010-11 · WSDC £000": (1_098, -1),
    "Total Efficiency Target by 2010-11 · TOTAL £ 000": (53_430, 0),
    # row totals: the TOTAL column adds the six councils
    "Total eligible spend · TOTAL £ 000": (492_445, 0),
    "Efficiency Target by 2010-11 (NI 179) · TOTAL £ 000": (45_797, 0),
    "Efficiency Target by 2010-11 (NI 179a) · TOTAL £ 000": (7_633, 0),
}


@pytest.mark.parametrize(("total", "expected"), sorted(TABLE_5.items()))
def test_table_5_each_total(tables, total: str, expected: tuple[int, int]) -> None:
    check = _checks(tables["table-5"])[total]
    assert (check["computed"], check["discrepancy"]) == expected


def test_table_3_totals_row_reports_the_programme_team_discrepancy_exactly(tables) -> None:
    checks = _checks(tables["table-3"])
    assert (
        checks["Total · Programme Team"]["computed"] == 57
        and checks["Total · Programme Team"]["discrepancy"] == 2
    )
    assert checks["Total · Lead Officers"]["discrepancy"] == 0  # "2.0 8.0" cells added
    assert checks["Total · Service Officers"]["discrepancy"] == 0  # "GM 8 SO up to 4" read as 8 + 4
    assert checks["Total · Specialist Advice"]["discrepancy"] == 0  # "20 (for 4 months) 5 thereafter" is 20
    wrong = {k for k, c in checks.items() if c["discrepancy"] != 0}
    assert wrong == {"Total · Programme Team", "Total · Total"}  # the grand total inherits the 2-day gap
    assert checks["Total · Total"]["discrepancy"] == -2


def test_table_4_totals_row_adds_up_with_riep_funding_subtracted(tables) -> None:
    checks = _checks(tables["table-4"])
    assert checks["Total · Total £'000"]["computed"] == 739.7
    assert checks["Total · Lead officers £'000"]["computed"] == 274.6
    assert all(c["discrepancy"] == 0 for c in checks.values())
    assert "− Less RIEP (LIFT) funding" in checks["Shared Services · Total £'000"]["parts"]
