"""Accuracy floors of the coder, a little under the measured figures, so a regression fails.

The AnnoMI calibration set lives outside the repository (`../shared/data/`); where it is
absent these tests skip and the project's own labelled set keeps the floor asserted.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
ANNOMI = REPO.parent / "shared" / "data" / "annomi_calibration.jsonl"
TESTSET = REPO / "tests" / "data" / "coder_testset.jsonl"


@cache
def _eval_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_coder", REPO / "scripts" / "eval_coder.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_coder"] = module  # dataclasses look their module up while defined
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not ANNOMI.exists(), reason=f"AnnoMI calibration data not present at {ANNOMI}")
def test_annomi_question_and_reflection_floors() -> None:
    figures = _eval_module().evaluate_annomi(ANNOMI)
    assert figures["question"]["f1"] >= 0.895
    assert figures["open_closed_accuracy"] >= 0.815
    # Round 14's corpus (+0.03 macro-F1 on the corpus test split) cost AnnoMI reflection 0.006:
    # 0.710 -> 0.704 here, 0.662 -> 0.656 on the odd half; the floors follow, one step down.
    assert figures["reflection"]["f1"] >= 0.70


@pytest.mark.skipif(not ANNOMI.exists(), reason=f"AnnoMI calibration data not present at {ANNOMI}")
def test_annomi_held_out_half_keeps_up_with_the_tuned_half() -> None:
    # Cues were tuned and the heads trained on even transcripts; the odd ones are held out.
    odd = _eval_module().evaluate_annomi(ANNOMI, "odd")
    assert odd["question"]["f1"] >= 0.875
    assert odd["open_closed_accuracy"] >= 0.79
    assert odd["reflection"]["f1"] >= 0.65


@pytest.mark.parametrize(("lang", "floor"), [("ru", 0.88), ("en", 0.88)])
def test_corpus_test_split_macro_f1_floor(lang: str, floor: float) -> None:
    # The held-out split of corpus/coder/: never trained or tuned on.
    figures = _eval_module().evaluate_corpus("test")[lang]
    assert figures["macro_f1"] >= floor, figures["codes"]


@pytest.mark.parametrize(("lang", "floor"), [("ru", 0.83), ("en", 0.80)])
def test_boundary_sets_macro_f1_floor(lang: str, floor: float) -> None:
    # corpus/boundaries/: turns written on the hardest boundaries, never trained on.
    module = _eval_module()
    rows = module.read_set(module.BOUNDARIES)
    figures = module.evaluate_rows(rows)[lang]
    assert figures["macro_f1"] >= floor, figures["codes"]


@pytest.mark.parametrize(("lang", "floor"), [("ru", 0.78), ("en", 0.77)])
def test_smalltalk_set_macro_f1_floor(lang: str, floor: float) -> None:
    # corpus/smalltalk/: small talk in a chat register by a writer who never saw the corpus,
    # never trained on (0.806 / 0.797 when it was written): a floor against regressions.
    module = _eval_module()
    rows = module.read_set(module.SMALLTALK)
    assert len(rows) == 300
    figures = module.evaluate_rows(rows)[lang]
    assert figures["macro_f1"] >= floor, figures["codes"]


@pytest.mark.parametrize(("lang", "floor"), [("ru", 0.90), ("en", 0.88)])
def test_balanced_set_macro_f1_floor(lang: str, floor: float) -> None:
    # corpus/balanced/: turns balanced across the 13 codes by two writers who never saw the
    # corpus, never trained on (0.952 / 0.932 on round 24's heads when it was written).
    module = _eval_module()
    rows = module.read_set(module.BALANCED)
    assert len(rows) == 275
    figures = module.evaluate_rows(rows)[lang]
    assert figures["macro_f1"] >= floor, figures["codes"]


@pytest.mark.skipif(not TESTSET.exists(), reason=f"labelled test set not present at {TESTSET}")
@pytest.mark.parametrize(("lang", "floor"), [("ru", 0.96), ("en", 0.96)])
def test_own_testset_macro_f1_floor(lang: str, floor: float) -> None:
    # The hand-tuned set is training data for the heads now: a regression floor, not a measure.
    figures = _eval_module().evaluate_testset(TESTSET)[lang]
    assert figures["macro_f1"] >= floor, figures["codes"]


@pytest.mark.parametrize(("lang", "floor"), [("ru", 0.83), ("en", 0.79)])
def test_stories_set_macro_f1_floor(lang: str, floor: float) -> None:
    # corpus/stories/: volunteers' own stories next to lectures dressed as memory, by two writers
    # who never saw the corpus, never trained on (0.854 / 0.814 on round 24's heads when it was
    # written, 0.859 / 0.821 after the ownstory files were trained on).
    module = _eval_module()
    rows = module.read_set(module.STORIES)
    assert len(rows) == 258
    figures = module.evaluate_rows(rows)[lang]
    assert figures["macro_f1"] >= floor, figures["codes"]
