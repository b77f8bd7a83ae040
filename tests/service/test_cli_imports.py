"""Cold commands stay light: the rule matchers need neither spaCy nor torch, and one command does not import
another's machinery."""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = """
import json, sys
{body}
print(json.dumps({{m: m in sys.modules and sys.modules[m] is not None for m in {modules!r}}}))
"""


def _loaded(body: str, modules: list[str]) -> dict[str, bool]:
    code = _PROBE.format(body=body, modules=modules)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_number_and_cue_matching_import_neither_spacy_nor_torch():
    body = (
        "from nlp.segment import number_units, cue_matches\n"
        "assert number_units('受理申请21件，满意率为99.25%') == "
        "[(4, 7, 21.0, '件', '受理申请'), (12, 18, 99.25, '%', '满意率')]\n"
        "assert ('机制', 'mechanism') in [m[2:] for m in cue_matches('下一步将建立健全工作机制')]\n"
    )
    assert _loaded(body, ["spacy", "torch", "sklearn"]) == {"spacy": False, "torch": False, "sklearn": False}


def test_the_cli_module_does_not_load_the_batch_runner_or_the_web_app():
    loaded = _loaded("import service.cli", ["service.batch.runner", "scipy", "torch", "fastapi", "spacy",
                                             "typer.rich_utils", "nlp.serialize"])
    assert loaded == {"service.batch.runner": False, "scipy": False, "torch": False, "fastapi": False,
                      "spacy": False, "typer.rich_utils": False, "nlp.serialize": False}


def test_the_batch_workers_preload_the_jieba_dictionary_without_torch():
    body = "import service.batch.preload\nfrom nlp.segment import tokenizer\nassert tokenizer.cache_info().currsize == 1\n"
    assert _loaded(body, ["torch"]) == {"torch": False}
