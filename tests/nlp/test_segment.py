"""Tests of jieba segmentation with our dictionary, the sentence splitter, spaCy Docs and the rule matchers."""

from __future__ import annotations

import jieba

from nlp.report import Report, Section
from nlp.segment import USERDICT_VERSION, cue_matches, number_units, token_spans, tokenizer, word_spans, words
from nlp.sentences import sentence_spans, split_sentences


def test_tokenizer_is_our_own_instance_with_the_user_dictionary() -> None:
    tok = tokenizer()
    assert isinstance(tok, jieba.Tokenizer)
    assert tok is not jieba.dt
    assert tokenizer() is tok
    assert USERDICT_VERSION == "v1"
    assert "政府信息公开" in words("本机关受理政府信息公开申请")
    assert "依申请公开" in words("规范依申请公开办理流程")
    assert "政务新媒体" in words("关停政务新媒体账号")


def test_word_spans_point_into_the_text() -> None:
    text = "第一段。然后加强政策解读工作"
    for start, end, word in word_spans(text, offset=100):
        assert text[start - 100 : end - 100] == word


def test_split_on_end_punctuation_and_enumerations() -> None:
    text = "工作有三点：一是加强培训，二是完善制度；三是有待提高。满意率为99.25%，较上年提高1.5个百分点。"
    got = [text[a:b] for a, b in sentence_spans(text)]
    assert got == ["工作有三点：", "一是加强培训，", "二是完善制度；", "三是有待提高。", "满意率为99.25%，较上年提高1.5个百分点。"]


def test_split_numbered_items_inline_but_not_decimals() -> None:
    text = "措施如下：1.加强培训，2.完善制度，（3）强化考核。"
    got = [text[a:b] for a, b in sentence_spans(text, offset=0)]
    assert got == ["措施如下：", "1.加强培训，", "2.完善制度，", "（3）强化考核。"]


def test_split_sentences_keeps_sections_and_offsets() -> None:
    text = "一、总体情况\n本年度加强培训。建立制度。\n六、其他需要报告的事项\n无。"
    report = Report(text=text, sections=(Section("s1_overall", "一、总体情况", 0, 20), Section("s6_other", "六", 20, len(text))))
    out = split_sentences(report)
    assert [(report.span(s.start, s.end), s.section) for s in out.sentences] == [
        ("一、总体情况", "s1_overall"), ("本年度加强培训。", "s1_overall"), ("建立制度。", "s1_overall"),
        ("六、其他需要报告的事项", "s6_other"), ("无。", "s6_other"),
    ]


def test_tokens_are_jieba_words_with_numbers_and_units_cut_apart() -> None:
    text = "一是加强培训。受理申请3,940件行政诉讼2起"
    tokens = [w for _, _, w in token_spans(text)]
    assert tokens[:3] == ["一是", "加强", "培训"]
    assert "3,940" in tokens and tokens[tokens.index("3,940") + 1] == "件"
    assert "".join(tokens) == text


def test_number_units_with_cues_and_offsets() -> None:
    text = "全年受理申请21件，公众参与2921人次，满意率为99.25%，收取费用3,940元。"
    got = number_units(text, offset=10)
    assert [(n, u, c) for _, _, n, u, c in got] == [
        (21.0, "件", "全年受理申请"), (2921.0, "人次", "公众参与"), (99.25, "%", "满意率"), (3940.0, "元", "收取费用"),
    ]
    for start, end, _, unit, _ in got:
        assert text[start - 10 : end - 10].endswith(unit)


def test_cue_matches_find_each_kind() -> None:
    text = "政策解读形式不够丰富，下一步将建立健全工作机制。"
    kinds = {(text[a:b], kind) for a, b, _, kind in cue_matches(text)}
    assert ("不够", "problem") in kinds
    assert ("下一步", "measure") in kinds
    assert ("机制", "mechanism") in kinds


def test_doc_keeps_whitespace_so_offsets_stay_true() -> None:
    text = "受理申请 21 件，\n行政诉讼3起。"
    assert "".join(w for _, _, w in token_spans(text)) == text
    got = number_units(text)
    assert [(n, u) for _, _, n, u, _ in got] == [(21.0, "件"), (3.0, "起")]
    assert [text[a:b] for a, b, _, _, _ in got] == ["21 件", "3起"]


def test_a_unit_glued_to_the_next_word_is_still_read() -> None:
    # jieba may join a unit with the word after it; the number's unit is cut out as its own token.
    text = "行政复议4件行政诉讼2件"
    assert [(n, u) for _, _, n, u, _ in number_units(text)] == [(4.0, "件"), (2.0, "件")]


def test_a_cue_matches_whole_tokens_only_unless_jieba_glued_it() -> None:
    # "公开" is no cue of its own; "机制" inside "机制化" (one jieba word) is still found by characters.
    text = "推进政务公开工作机制化。"
    found = [(text[a:b], kind) for a, b, _, kind in cue_matches(text)]
    assert ("机制", "mechanism") in found
    assert all(text[a:b] == phrase for a, b, phrase, _ in cue_matches(text))


def test_cue_matches_use_the_merged_vocabulary() -> None:
    text = "考核机制不完善，公开比例偏低。"
    kinds = {(text[a:b], kind) for a, b, _, kind in cue_matches(text)}
    assert {("不完善", "problem"), ("偏低", "problem"), ("考核", "mechanism")} <= kinds
