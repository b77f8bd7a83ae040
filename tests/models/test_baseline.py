"""Tests of the TF-IDF baseline and the keyword rules."""

from __future__ import annotations

from models.baseline import TfidfBaseline, keyword_rule, keyword_rules


def test_keyword_rules() -> None:
    assert keyword_rule("政策解读形式还不够丰富。") == "problem"
    assert keyword_rule("下一步将着力解决解读不够丰富的问题。") == "measure"
    assert keyword_rule("建立政务公开联席会议制度。") == "mechanism"
    assert keyword_rule("加强业务培训。") == "measure"
    assert keyword_rule("一、总体情况") == "other"
    assert keyword_rules(["", "全年受理申请21件。"]) == ["other", "other"]


def test_tfidf_fits_and_predicts() -> None:
    texts = ["栏目更新不及时。", "解读形式单一。", "加强培训。", "优化网站。", "建立会商机制。", "落实审核制度。",
             "受理申请21件。", "一、总体情况"]
    labels = ["problem", "problem", "measure", "measure", "mechanism", "mechanism", "other", "other"]
    model = TfidfBaseline().fit(texts, labels)
    assert model.predict(texts) == labels
