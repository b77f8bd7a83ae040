"""Ranking: stable tie-breaks, percentiles, groups by province, year and level."""

from __future__ import annotations

import pytest

from eval.ranking import Entry, city_of, entry_from_report, group_key, province_of, rank, rank_groups
from eval.scoring import evaluate
from nlp.report import Meta, Scorecard
from tests.eval.builders import set_cell, v2021_report


def card(total: float) -> Scorecard:
    return Scorecard(total, {}, "2021.1")


JS = Meta(region="江苏省淮安市", level="city", year=2024)
SH = Meta(region="上海市", level="province", year=2024)


def test_score_then_errors_then_id() -> None:
    ranked = rank([
        Entry("c", card(90.0), JS, errors=1),
        Entry("b", card(90.0), JS, errors=0),
        Entry("a", card(90.0), JS, errors=1),
        Entry("d", card(95.0), JS, errors=3),
    ])
    assert [(r.id, r.rank) for r in ranked] == [("d", 1), ("b", 2), ("a", 3), ("c", 3)]


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    ranked = rank([Entry("x", card(100.0), JS), Entry("y", card(100.0), JS), Entry("z", card(97.5), JS),
                   Entry("w", card(97.5), JS, errors=2)])
    assert [(r.id, r.rank) for r in ranked] == [("x", 1), ("y", 1), ("z", 3), ("w", 4)]
    assert {r.percentile for r in ranked if r.rank == 1} == {83.3}


def test_ranking_is_independent_of_input_order() -> None:
    entries = [Entry(i, card(t), JS) for i, t in (("x", 80.0), ("y", 80.0), ("z", 70.0))]
    assert rank(entries) == rank(list(reversed(entries)))


def test_percentiles() -> None:
    ranked = {r.id: r.percentile for r in rank([
        Entry("top", card(99.0), JS), Entry("mid1", card(80.0), JS), Entry("mid2", card(80.0), JS),
        Entry("low", card(50.0), JS),
    ])}
    assert ranked == {"top": 100.0, "mid1": 50.0, "mid2": 50.0, "low": 0.0}
    (alone,) = rank([Entry("only", card(10.0), JS)])
    assert alone.percentile == 100.0 and alone.size == 1


def test_groups() -> None:
    entries = [("a", card(90.0), JS), ("b", card(80.0), SH), ("c", card(85.0), JS),
               ("d", card(70.0), Meta(region="上海市", level="province", year=2023))]
    groups = rank_groups(entries, by=("province", "year"))
    assert [r.id for r in groups[("江苏省", "2024")]] == ["a", "c"]
    assert [r.id for r in groups[("上海市", "2024")]] == ["b"]
    assert [r.id for r in groups[("上海市", "2023")]] == ["d"]
    by_level = rank_groups(entries, by=("level",))
    assert set(by_level) == {("city",), ("province",)}


def test_group_keys() -> None:
    assert province_of(Meta(region="江苏省淮安市洪泽区")) == "江苏省"
    assert province_of(Meta(agency="上海市人民政府办公厅")) == "上海市"
    assert province_of(Meta(region="淮安市洪泽区")) == "未知"
    assert city_of(Meta(region="淮安市洪泽区")) == "淮安市"
    assert city_of(Meta(region="广西壮族自治区南宁市")) == "南宁市"
    assert group_key(Meta(year=2024, level="county"), ("year", "level")) == ("2024", "county")
    with pytest.raises(ValueError, match="unknown grouping"):
        group_key(Meta(), ("planet",))


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="unique"):
        rank([("a", card(1.0), JS), ("a", card(2.0), JS)])


def test_entries_from_scored_reports() -> None:
    good = entry_from_report("good", evaluate(v2021_report()))
    bad = entry_from_report("bad", evaluate(set_cell(v2021_report(), "table4", "review", "maintain", 3)))
    assert (good.errors, bad.errors) == (0, 1)
    assert [r.id for r in rank([bad, good])] == ["good", "bad"]
    with pytest.raises(ValueError, match="no score"):
        entry_from_report("raw", v2021_report())
