"""spaCy, jieba and rjieba imported without what the pipeline never uses (pipeline.nlp.libraries):
the pipeline built from them is the same, and the real modules are there for later imports."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO

PROBE = r"""
import json, sys
had = {name: name in sys.modules for name in ("pkg_resources", "spacy", "jieba", "rjieba")}
from pipeline.nlp.libraries import import_jieba, import_rjieba, import_spacy
spacy = import_spacy()
jieba = import_jieba()
rjieba_extension = import_rjieba()
seen = {"had": had,
        "spacy.cli": "spacy.cli" in sys.modules, "spacy.cli.info": "spacy.cli.info" in sys.modules,
        "pkg_resources": "pkg_resources" in sys.modules, "rjieba": "rjieba" in sys.modules,
        "same": import_spacy() is spacy and import_jieba() is jieba and import_rjieba() is rjieba_extension}
from pipeline.nlp.language import get_nlp, segment
text = "该项目计划总投资21.9亿元，1-4月增长12.9%。\n第二段 结尾"
nlp = get_nlp()
seen["tokens"] = segment(text, nlp)
seen["jieba_tokens"] = [t for t in jieba.lcut(text) if t.strip()]
reference = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
seen["doc_equal"] = ([(t.text, t.whitespace_) for t in nlp.make_doc(text)]
                     == [(t.text, t.whitespace_) for t in reference.make_doc(text)])
seen["lang"] = nlp.lang
# later imports get the real modules
import spacy.cli
seen["real_cli"] = hasattr(spacy.cli, "setup_cli") and callable(spacy.info)
import rjieba
seen["rjieba_class"] = rjieba.Jieba is rjieba_extension.Jieba
seen["rjieba_cut"] = rjieba.cut("该项目计划总投资")
print(json.dumps(seen, ensure_ascii=False))
"""


def test_the_pipeline_from_the_lighter_imports_is_the_same_and_the_real_modules_follow():
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["had"] == {"pkg_resources": False, "spacy": False, "jieba": False, "rjieba": False}
    # while the pipeline was built: no spaCy command line, no pkg_resources, no rjieba package
    assert seen["spacy.cli"] is seen["spacy.cli.info"] is seen["pkg_resources"] is seen["rjieba"] is False
    assert seen["same"]
    assert seen["tokens"] == seen["jieba_tokens"] and "计划总投资" in seen["tokens"]  # the user dictionary too
    assert seen["doc_equal"] and seen["lang"] == "zh"
    assert seen["real_cli"] and seen["rjieba_class"]
    assert seen["rjieba_cut"] == ["该", "项目", "计划", "总", "投资"]


def test_an_already_imported_library_is_used_as_it_is():
    code = ("import sys, spacy, jieba\n"
            "from pipeline.nlp.libraries import import_jieba, import_spacy\n"
            "print(import_spacy() is spacy, import_jieba() is jieba, 'spacy.cli' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.stdout.split() == ["True", "True", "True"], done.stderr[-2000:]


def test_spacy_info_still_answers():
    code = ("from pipeline.nlp.libraries import import_spacy\n"
            "import json; info = import_spacy().info(silent=True)\n"
            "print(json.dumps(sorted(info)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "spacy_version" in json.loads(done.stdout.strip().splitlines()[-1])


def test_a_spacy_that_wants_more_of_its_command_line_is_imported_whole():
    code = ("import sys, types\n"
            "from pipeline.nlp import libraries\n"
            "libraries._cli_stand_ins = lambda: {'spacy.cli': types.ModuleType('spacy.cli'),\n"
            "                                    'spacy.cli.info': types.ModuleType('spacy.cli.info')}  # no info\n"
            "spacy = libraries.import_spacy()\n"
            "import spacy.cli\n"
            "print(hasattr(spacy.cli, 'setup_cli'), spacy.info is spacy.cli.info, spacy.blank('zh').lang)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.stdout.split() == ["True", "True", "zh"], done.stderr[-2000:]
