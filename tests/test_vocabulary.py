"""The domain's words live in nlp/vocabulary.py (and display names in nlp/labels.py): no second copy elsewhere."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from nlp.labels import (
    T3_COLUMN_LABELS,
    T4_CELL_LABELS,
    T4_GROUP_LABELS,
    TABLE_NAMES,
    TABLE_TITLES,
    TOPIC_NAMES,
    t3_row_label,
)
from nlp.schema import TABLE4_CELLS
from nlp.vocabulary import (
    CUE_PHRASES,
    LABEL_SET_VERSION,
    LABEL_SETS,
    LABELS,
    LABELS_V1,
    LABELS_V2,
    MEASURE_OPENERS,
    PRACTICE_COUNT,
    PRACTICE_WORDS,
    REACH_WORDS,
    SETUP_VERBS,
    SHORT_HEADING,
    alternation,
)

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("nlp", "models", "training", "eval", "service")
HOMES = {ROOT / "nlp" / "vocabulary.py", ROOT / "nlp" / "labels.py"}
# training/synthetic_sentences.py writes sentences rather than matching them: its fragments are the text of the shipped
# model's synthetic training set and stay fixed so that set can be rebuilt.
WRITERS = {ROOT / "training" / "synthetic_sentences.py"}
# Word lists by what they signal; a literal holding three words of one list is a copy of that list.
WORD_LISTS: dict[str, frozenset[str]] = {
    **{kind: frozenset(phrases) for kind, phrases in CUE_PHRASES.items()},
    "measure openers": frozenset(MEASURE_OPENERS),
    "setup verbs": frozenset(SETUP_VERBS),
    "practice": frozenset(PRACTICE_WORDS),
    "reach": frozenset(REACH_WORDS),
}
_REGEX_SYNTAX = re.compile(r"[|()\[\]{}?*+^$\\.:,，、；;\s]+")


def _docstrings(tree: ast.AST) -> set[int]:
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}


def _string_items(node: ast.AST) -> list[set[str]] | None:
    """The word groups a literal holds: the alternatives of a string (a regex), or a collection's strings."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [set(_REGEX_SYNTAX.split(node.value))]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [{e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}]
    if isinstance(node, ast.Dict):
        return [{k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}]
    return None


def copies_in(path: Path) -> list[str]:
    """Literals in a module that repeat a vocabulary word list or the topic label set."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    # A Literal[...] type must spell its values; it is checked against LABELS by the type checker, not here.
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and getattr(node.value, "id", "") == "Literal":
            skip |= {id(n) for n in ast.walk(node.slice)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        for words in _string_items(node) or []:
            where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}:{node.lineno}"
            # Every label set, not only the one in use: a copy of v1's labels outlives the flip to v2.
            if not isinstance(node, ast.Constant) and any(set(labels) <= words for labels in LABEL_SETS.values()):
                found.append(f"{where} repeats the topic labels")
            for name, listed in WORD_LISTS.items():
                shared = words & listed
                if len(shared) >= 3:
                    found.append(f"{where} repeats {len(shared)} {name} words: {sorted(shared)}")
    return found


def _modules() -> list[Path]:
    return [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py")) if p not in HOMES | WRITERS]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_second_copy_of_the_vocabulary(package: str) -> None:
    paths = [p for p in _modules() if p.relative_to(ROOT).parts[0] == package]
    assert paths
    found = [c for p in paths for c in copies_in(p)]
    assert not found, "\n".join(found)


def test_the_scan_finds_a_copy(tmp_path: Path) -> None:
    # The scan has to be able to fail: a retyped cue regex, a word tuple and the label set are all caught.
    copy = tmp_path / "_copy_probe.py"
    copy.write_text(
        'import re\n'
        '_P = re.compile(r"有待|仍需|不够")\n'
        'WORDS = ("加强", "推进", "提升")\n'
        'LABELS = ("problem", "measure", "mechanism", "other")\n'
        'NAMES = {"problem": "问题", "measure": "措施", "mechanism": "机制", "other": "其他"}\n'
        'V2 = ["problem", "measure", "mechanism", "practice", "other"]\n'
        'WORK = ("召开", "上线", "刊登")\n'
        'def f() -> None:\n'
        '    """Words like 有待, 仍需, 不够 in a docstring are prose, not a list."""\n',
        encoding="utf-8",
    )
    assert sorted(copies_in(copy)) == [
        "_copy_probe.py:2 repeats 3 problem words: ['不够', '仍需', '有待']",
        "_copy_probe.py:3 repeats 3 measure words: ['加强', '推进', '提升']",
        "_copy_probe.py:4 repeats the topic labels",
        "_copy_probe.py:5 repeats the topic labels",
        "_copy_probe.py:6 repeats the topic labels",
        "_copy_probe.py:7 repeats 3 practice words: ['上线', '刊登', '召开']",
    ]


def test_cue_phrases_cover_the_keyword_rule_words_once_each() -> None:
    for kind, phrases in CUE_PHRASES.items():
        assert len(phrases) == len(set(phrases)), kind
    assert {"偏低", "较少", "不完善", "问题"} <= set(CUE_PHRASES["problem"])
    assert {"下一步", "发布", "将"} <= set(CUE_PHRASES["measure"])
    assert {"办法》", "清单"} <= set(CUE_PHRASES["mechanism"])
    # Longest first: 不到位 is tried before 不到 could be.
    assert re.search(alternation(["不到", "不到位"]), "落实不到位").group() == "不到位"


def test_numbered_heading_pattern() -> None:
    assert SHORT_HEADING.match("一、总体情况")
    assert SHORT_HEADING.match("（十二）其他")
    assert not SHORT_HEADING.match("一是加强培训")
    assert not SHORT_HEADING.match("一、总体情况 本年度共受理申请二十件以上并且全部按时办结答复完毕没有逾期")


def test_display_names_come_from_the_template() -> None:
    assert TABLE_NAMES == {"table2": "表二", "table3": "表三", "table4": "表四"}
    assert TABLE_TITLES["table4"] == "表四 政府信息公开行政复议、行政诉讼情况"
    assert dict(TABLE4_CELLS)["maintain"] == "结果维持"
    assert T4_CELL_LABELS == {"maintain": "维持", "correct": "纠正", "other": "其他", "pending": "未审结", "total": "总计"}
    assert T4_GROUP_LABELS["lit_direct"] == "行政诉讼（未经复议直接起诉）"
    assert T3_COLUMN_LABELS["other_org"] == "其他组织"
    assert [t3_row_label(r) for r in ("r1_new", "r3_2_partial", "r4_carry_out", "r3_7_total", "r3_3_1")] == [
        "本年新收", "部分公开", "结转下年度", "办理结果总计", "不予公开·1.属于国家秘密",
    ]


def test_label_sets() -> None:
    assert LABEL_SETS[LABEL_SET_VERSION] == LABELS
    assert LABEL_SETS == {1: LABELS_V1, 2: LABELS_V2}
    # v2 adds practice and keeps every v1 label; every label has a Chinese name.
    assert set(LABELS_V2) - set(LABELS_V1) == {"practice"} and len(LABELS_V2) == 5
    assert set(TOPIC_NAMES) == set(LABELS_V2)
    assert TOPIC_NAMES["practice"] == "年度工作"


def test_practice_cues() -> None:
    assert len(PRACTICE_WORDS) == len(set(PRACTICE_WORDS))
    assert not set(PRACTICE_WORDS) & set(CUE_PHRASES["measure"])
    count = re.compile(PRACTICE_COUNT)
    assert count.search("全年召开新闻发布会12场，回应社会关切。").group() == "召开新闻发布会12场"
    assert count.search("编发公报6期。").group() == "编发公报6期"
    assert count.search("受理申请21件，予以公开8件。") is None  # outcomes are counts, not work
    assert count.search("下一步将组织一次专项检查。") is None
