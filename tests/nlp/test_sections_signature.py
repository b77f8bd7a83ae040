"""The signature block (落款: the body's name and the date) closes the report; it is not part of section 六."""

from __future__ import annotations

import pytest

from nlp.pipeline import parse_bytes

_BODY = """望湖县人民政府2023年政府信息公开工作年度报告
一、总体情况
本年度主动公开各类信息512条。
二、主动公开政府信息情况
见下表。
三、收到和处理政府信息公开申请情况
本年度收到申请17件。
四、政府信息公开行政复议、行政诉讼情况
未发生行政复议和行政诉讼。
五、存在的主要问题及改进情况
部分栏目更新不够及时，下一步将加强日常巡查。
六、其他需要报告的事项
本年度未收取信息处理费。
"""


def _section_six(text: str) -> str:
    report = parse_bytes(text.encode("utf-8"), "report.txt")
    six = report.section("s6_other")
    assert six is not None
    return report.text[six.start : six.end]


@pytest.mark.parametrize("signature", ["望湖县人民政府\n2024年1月20日\n", "望湖县人民政府  2024年1月20日\n",
                                       "2024年1月20日\n"])
def test_signature_block_is_not_counted_in_section_six(signature: str) -> None:
    six = _section_six(_BODY + signature)
    assert six.endswith("本年度未收取信息处理费。")
    assert "2024" not in six and "望湖县人民政府" not in six


def test_sentences_of_the_signature_belong_to_no_section() -> None:
    report = parse_bytes((_BODY + "望湖县人民政府\n2024年1月20日\n").encode("utf-8"), "report.txt")
    last = [report.text[s.start : s.end] for s in report.sentences if s.section == "s6_other"]
    assert last[-1] == "本年度未收取信息处理费。"


def test_a_last_line_that_is_not_a_dated_signature_stays_in_section_six() -> None:
    # An undated short line could be the section's own last words; without the date it is kept.
    assert _section_six(_BODY + "特此报告市政府办公室\n").endswith("特此报告市政府办公室")
    assert _section_six(_BODY + "详见2024年1月20日发布的专栏。\n").endswith("发布的专栏。")
