"""[tools] acceptance 3: the targets store lists the corpus's targets, each with page and quote."""

from __future__ import annotations

import pytest

from assistant.tools.targets import list_targets
from index.catalog import Catalog

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def targets(built_index) -> list[dict]:
    return [t.to_dict() for t in list_targets(Catalog(built_index.catalog_path))]


def _one(targets: list[dict], **want) -> dict:
    found = [t for t in targets if all(t.get(k) == v for k, v in want.items())]
    assert len(found) >= 1, want
    t = found[0]
    assert t["page"] >= 1 and t["quote"]
    return t


def test_pioneer_20m_target(targets) -> None:
    t = _one(targets, amount=20_000_000.0, per_year=True)
    assert (t["deadline"], t["base_year"], t["page"]) == ("2012/13", "2007/08", 1)
    assert "£20m, by 2012/13 (Base year: 2007/08)" in t["quote"]


@pytest.mark.parametrize(
    ("council", "ni179", "ni179a"),
    [
        ("Somerset CC", 36_609_000, 6_101_000),
        ("Mendip DC", 1_916_000, 319_000),
        ("Sedgemoor DC", 1_906_000, 318_000),
        ("South Somerset DC", 2_536_000, 423_000),
        ("Taunton Deane BC", 1_889_000, 315_000),
        ("West Somerset Council", 941_000, 157_000),
    ],
)
def test_ni179_and_ni179a_per_council(targets, council: str, ni179: int, ni179a: int) -> None:
    a = _one(targets, programme="NI 179", councils=[council])
    b = _one(targets, programme="NI 179a", councils=[council])
    assert (a["amount"], b["amount"], a["page"], a["deadline"]) == (ni179, ni179a, 14, "2010-11")


def test_ssdc_4_1m_by_2020(targets) -> None:
    t = _one(targets, amount=4_100_000.0, deadline="2020")
    assert t["councils"] == ["South Somerset DC"] and t["kind"] == "requirement"


def test_unitary_18_5m_a_year_against_20_3m_projected(targets) -> None:
    t = _one(targets, amount=18_500_000.0, per_year=True)
    assert t["progress"]["actual"] == 20_300_000.0 and t["progress"]["difference_text"] == "+£1.8m"
    assert t["progress"]["percent_of_target"] == 109.7


def test_workforce_cut_with_40_50m_savings(targets) -> None:
    cut = _one(targets, kind="reduction", amount=20.0, unit="%")
    assert cut["amount_high"] == 26.0
    money = _one(targets, amount=40_000_000.0)
    assert money["amount_high"] == 50_000_000.0 and money["deadline"] == "1 April 2025"


def test_agency_spend_cut_of_about_3m(targets) -> None:
    t = _one(targets, amount=3_000_000.0)
    assert t["approx"] and t["deadline"] == "24/25" and "circa £3m" in t["quote"]


def test_filters_by_council_and_programme(built_index) -> None:
    catalog = Catalog(built_index.catalog_path)
    sdc = list_targets(catalog, council="SDC")
    assert sdc and all("Sedgemoor DC" in t.target.councils for t in sdc)
    assert all(t.target.programme == "NI 179a" for t in list_targets(catalog, programme="NI 179a"))
    assert list_targets(catalog, audiences={"staff"}) == []  # every corpus document is public
