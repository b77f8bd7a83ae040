"""Cold commands stay light: spaCy loads without torch, and one command does not import another's machinery."""

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


def test_spacy_matchers_do_not_import_torch_and_torch_still_imports_after():
    body = (
        "from nlp.segment import number_units, cue_matches\n"
        "assert number_units('受理申请21件，满意率为99.25%') == "
        "[(4, 7, 21.0, '件', '受理申请'), (12, 18, 99.25, '%', '满意率')]\n"
        "assert 'spacy.matcher' in sys.modules and 'torch' not in sys.modules\n"
        "import torch\n"
        "assert int(torch.tensor([2, 3]).sum()) == 5\n"
    )
    assert _loaded(body, ["spacy", "torch"]) == {"spacy": True, "torch": True}


def test_spacy_after_torch_sees_torch():
    body = "import torch\nfrom nlp.segment import blank_nlp\nblank_nlp()\nimport thinc.compat\nassert thinc.compat.has_torch\n"
    assert _loaded(body, ["torch"]) == {"torch": True}


def test_the_cli_module_does_not_load_the_batch_runner_or_the_web_app():
    loaded = _loaded("import service.cli", ["service.batch.runner", "scipy", "torch", "fastapi", "spacy",
                                             "typer.rich_utils", "nlp.serialize"])
    assert loaded == {"service.batch.runner": False, "scipy": False, "torch": False, "fastapi": False,
                      "spacy": False, "typer.rich_utils": False, "nlp.serialize": False}


def test_the_batch_workers_preload_spacy_without_torch():
    loaded = _loaded("import service.batch.preload", ["spacy.matcher", "torch"])
    assert loaded == {"spacy.matcher": True, "torch": False}
