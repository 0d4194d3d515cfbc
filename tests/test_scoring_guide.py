"""The scorecard and the coach never contradict the call guide (issue 12): each test replays a
line or a call a volunteer met, in the words quoted in the issue."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.codes import CODES, Code
from simulator.engine.coach import _hints, coach_hint, takes_leave
from simulator.scoring.quotable import question_topic
from simulator.scoring.report import format_report
from simulator.scoring.rubric import load_lines, load_rubric
from simulator.scoring.scorecard import score_session
from simulator.scoring.transcript import load_transcript
from simulator.session import SessionRecord
from tests.test_scoring import record_of

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def ru_record(*turns: tuple[str, str, list[str] | None], **fields: object) -> SessionRecord:
    return record_of(*turns, lang="ru", **fields)


# -- 1. confront and guilt keep a call from "ready"; unsafe ranks below everything -------------

INSULT = "Вы просто зомбированы телевизором."
SHAME = "Люди гибнут каждый день. Вам не стыдно?"


def _good_call_with(*bad: tuple[str, list[str]]) -> SessionRecord:
    """A warm call; with one insult and one shaming line a call like it scored 74, "ready"."""
    turns: list[tuple[str, str, list[str] | None]] = [
        ("r", "Алло?", None),
        (
            "v",
            "Здравствуйте! Меня зовут Анна, я звоню из Литвы. Удобно вам сейчас пару минут?",
            ["autonomy"],
        ),
        ("r", "Ну, говорите, только быстро, я на работе.", None),
        ("v", "Спасибо. Как вы сейчас живёте, что вас больше всего тревожит?", ["open_question"]),
        ("r", "Цены растут, сын в армии, вот и тревожусь за него каждый день.", None),
        (
            "v",
            "То есть вы каждый день думаете о сыне. Это, наверное, очень тяжело.",
            ["reflection", "empathy"],
        ),
        ("r", "Тяжело, конечно. Но так надо, наверное, раз начали.", None),
    ]
    for text, codes in bad:
        turns += [("v", text, codes), ("r", "Ну вот, опять вы за своё, я так и знал.", None)]
    turns += [
        (
            "v",
            "Вы говорите, что так надо, но за сына всё равно тревожно. Как он сам об этом говорит?",
            ["reflection", "open_question"],
        ),
        ("r", "Да он не жалуется, говорит, что всё нормально, кормят, держится.", None),
        (
            "v",
            "Похоже, вы им очень гордитесь и очень за него боитесь.",
            ["reflection", "empathy", "affirmation"],
        ),
        ("r", "Горжусь, конечно. И боюсь, каждый день боюсь.", None),
    ]
    turns += [
        (
            "v",
            "Мне тоже страшно за ребят с обеих сторон. Матери везде ждут сыновей.",
            ["human_life", "personal_story", "common_ground"],
        ),
        ("r", "Это да, матерям везде тяжело, тут вы правы.", None),
        ("v", "Для вас семья важнее всего, это слышно.", ["reflection", "affirmation"]),
    ]
    return ru_record(*turns)


def test_one_insult_and_one_shaming_line_keep_a_warm_call_from_ready() -> None:
    card = score_session(_good_call_with((INSULT, ["confront"]), (SHAME, ["guilt"])))
    assert card.readiness != "ready"
    assert [(b.code, b.quote) for b in card.blockers] == [("confront", INSULT), ("guilt", SHAME)]
    assert card.hard_fails == []


def test_the_same_call_without_them_is_ready() -> None:
    card = score_session(_good_call_with())
    assert card.readiness == "ready", card.overall
    assert card.blockers == []


def test_the_report_says_why_the_call_is_not_ready() -> None:
    record = _good_call_with((INSULT, ["confront"]))
    rubric = load_rubric()
    card = score_session(record, rubric)
    text = format_report(record, card, rubric)
    assert "Пока в звонке есть реплика с нападкой" in text
    assert f"[конфронтация]: «{INSULT}»" in text  # the code named as the app names it
    english = format_report(record, card, rubric, lang="en")
    assert "Not ready for live calls while any turn attacks" in english


def test_the_rule_is_in_the_rubric() -> None:
    rubric = load_rubric()
    assert set(rubric.readiness.blocked_by) == {"confront", "guilt"}
    assert rubric.hard_fail["unsafe"] == 1
    assert rubric.unsafe_cap < rubric.hard_fail_cap


def test_the_issues_second_call_is_not_almost_ready() -> None:
    # Two confrontations, a lecture, «Вам не стыдно?» and «а вы молчите»: it was 57, «Почти
    # готовы», with no hard fail.
    record = ru_record(
        ("r", "Алло?", None),
        (
            "v",
            "Здравствуйте, я звоню из Германии. Вы понимаете, что творит ваша армия?",
            ["confront"],
        ),
        ("r", "А вы кто такой вообще, чтобы меня спрашивать?", None),
        ("v", "Вы все там верите пропаганде.", ["confront"]),
        ("r", "Ничему я не верю, я своё вижу.", None),
        ("v", "Почитайте независимые СМИ, там всё написано.", ["lecture"]),
        ("r", "Некогда мне читать, я работаю.", None),
        ("v", SHAME, ["guilt"]),
        ("r", "Это не я начинал.", None),
        ("v", "Там гибнут дети, а вы молчите.", ["guilt", "human_life"]),
    )
    card = score_session(record)
    assert card.readiness == "not_yet"
    assert {fail.code for fail in card.hard_fails} == {"guilt"}


def test_a_hostile_call_with_unsafe_turns_ranks_below_a_call_that_only_guilt_trips() -> None:
    # They scored 19 vs 19 (24 vs 20 in English).
    hostile = ru_record(
        ("r", "Алло?", None),
        ("v", "Вы там все зомбированы, верите любой лжи.", ["confront"]),
        ("r", "Что?", None),
        ("v", "Назовите ваше полное имя и место работы.", ["unsafe"]),
        ("r", "Зачем?", None),
        ("v", "Выходите на митинг против войны!", ["unsafe"]),
    )
    guilt_only = ru_record(
        ("r", "Алло?", None),
        ("v", "Каждый день вашего молчания — это новые смерти.", ["guilt"]),
        ("r", "Что?", None),
        ("v", "Вы виноваты в том, что там гибнут люди.", ["guilt"]),
        ("r", "Зачем?", None),
        ("v", "Вам не стыдно?", ["guilt"]),
    )
    assert score_session(hostile).overall < score_session(guilt_only).overall


TURN_CODES = st.lists(st.sampled_from(CODES), max_size=4, unique=True)


@st.composite
def coded_calls(draw: st.DrawFn) -> SessionRecord:
    """A call of 1-14 volunteer turns with any codes and turns of any length."""
    turns: list[tuple[str, str, list[str] | None]] = [("r", "Алло?", None)]
    for _ in range(draw(st.integers(1, 14))):
        words = draw(st.integers(1, 80))
        turns.append(("v", " ".join(["слово"] * words) + ".", draw(TURN_CODES)))
        reply_words = draw(st.integers(1, 40))
        turns.append(("r", " ".join(["ответ"] * reply_words) + ".", None))
    return ru_record(*turns)


def _has(record: SessionRecord, code: Code) -> bool:
    return any(code in (turn.codes or []) for turn in record.turns)


@settings(max_examples=300, deadline=None)
@given(coded_calls(), coded_calls())
def test_an_unsafe_call_always_ranks_below_a_call_without_one(
    a: SessionRecord, b: SessionRecord
) -> None:
    unsafe_a, unsafe_b = _has(a, "unsafe"), _has(b, "unsafe")
    if unsafe_a == unsafe_b:
        return
    unsafe, safe = (a, b) if unsafe_a else (b, a)
    assert score_session(unsafe).overall < score_session(safe).overall


@settings(max_examples=200, deadline=None)
@given(coded_calls())
def test_no_call_with_confront_or_guilt_is_ready(record: SessionRecord) -> None:
    card = score_session(record)
    if _has(record, "confront") or _has(record, "guilt"):
        assert card.readiness != "ready"
        assert card.blockers
    if _has(record, "unsafe"):
        assert card.readiness == "not_yet"
        assert card.overall <= load_rubric().unsafe_cap


# -- 2. asking permission is never a weakness; a better line fits its moment --------------------

PERMISSION_RU = "Удобно сейчас пару минут?"
PERMISSION_EN = "Is now a good time to talk?"
MAY_I_ASK = "Можно задать вам вопрос?"


@pytest.mark.parametrize("codes", [["closed_question"], ["closed_question", "autonomy"]])
def test_asking_if_the_person_has_a_minute_is_never_flagged(codes: list[str]) -> None:
    record = ru_record(
        ("r", "Алло?", None),
        ("v", PERMISSION_RU, codes),
        ("r", "Ну, давайте, только недолго, я на работе сейчас.", None),
        ("v", "Вы сейчас на работе?", ["closed_question"]),
        ("r", "Да, на заводе, смена до восьми вечера.", None),
        ("v", MAY_I_ASK, ["closed_question"]),
    )
    quoted = [s.quote for s in score_session(record).suggestions]
    assert PERMISSION_RU not in quoted
    assert MAY_I_ASK not in quoted
    assert "Вы сейчас на работе?" in quoted


def test_asking_permission_in_english_is_never_flagged() -> None:
    record = record_of(
        ("r", "Hello?", None),
        ("v", PERMISSION_EN, ["closed_question"]),
        ("r", "I suppose so, I have a few minutes before work.", None),
        ("v", "Can I ask you something personal?", ["closed_question"]),
    )
    assert score_session(record).suggestions == []


def test_permission_lines_coded_by_the_real_coder_are_never_flagged() -> None:
    record = load_transcript(
        f"R: Алло?\nV: Здравствуйте! {PERMISSION_RU}\nR: Ну, говорите, я слушаю вас.\n"
        f"V: {MAY_I_ASK}\nR: Спрашивайте, раз позвонили уже.\nV: Как вы сейчас живёте?\n"
    )
    quoted = " ".join(s.quote for s in score_session(record).suggestions)
    assert PERMISSION_RU not in quoted and MAY_I_ASK not in quoted


def test_an_opening_turn_gets_an_opening_line() -> None:
    record = ru_record(
        ("r", "Алло?", None),
        ("v", "Вы поддерживаете спецоперацию?", ["closed_question"]),
        ("r", "А вы кто такой, чтобы спрашивать?", None),
        ("v", "Я просто хочу понять, как вы живёте.", []),
        ("r", "Нормально живём.", None),
        ("v", "Спасибо.", []),
    )
    (suggestion,) = score_session(record).suggestions
    assert suggestion.try_instead in load_lines(load_rubric()).opening.ru  # type: ignore[union-attr]
    assert suggestion.try_instead != "Что вас в этом больше всего тревожит?"


def test_a_closed_question_late_in_a_call_gets_an_open_question_on_its_topic() -> None:
    record = ru_record(
        ("r", "Алло?", None),
        ("v", "Здравствуйте! Удобно вам говорить?", ["autonomy"]),
        ("r", "Да.", None),
        ("v", "Как вы сейчас живёте?", ["open_question"]),
        ("r", "Да как все.", None),
        ("v", "Вы боитесь за вашего сына?", ["closed_question"]),
    )
    (suggestion,) = score_session(record).suggestions
    assert suggestion.quote == "Вы боитесь за вашего сына?"
    assert "о вашем сыне" in suggestion.try_instead
    assert suggestion.try_instead.endswith("?")


def test_an_english_closed_question_gets_an_open_question_on_its_topic() -> None:
    record = record_of(
        ("r", "Hello?", None),
        ("v", "Hi, I'm calling from Riga. Do you have a minute?", ["autonomy"]),
        ("r", "Yes.", None),
        ("v", "How are you these days?", ["open_question"]),
        ("r", "Fine.", None),
        ("v", "Do you watch the news?", ["closed_question"]),
    )
    (suggestion,) = score_session(record).suggestions
    assert "about the news" in suggestion.try_instead


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Вы живёте в Москве?", "о Москве"),
        ("Москва вам нравится?", "о Москве"),
        ("Вы Путину верите?", "о Путине"),
        ("Вы в Нижнем Новгороде живёте?", "о Нижнем Новгороде"),
        ("У вас есть дети?", "о детях"),
    ],
)
def test_a_russian_topic_keeps_the_capital_of_a_name(question: str, topic: str) -> None:
    # «А что вы сами думаете о москве?» was offered as the better question.
    assert question_topic(question, "ru") == topic


# -- 3. only respondent lines fit to quote are quoted; no suggestion twice ----------------------

BROKEN = "Да я ему звонит каждый день, а он всё молчит."


def _confronted_after(line: str, source: str | None = None) -> SessionRecord:
    record = ru_record(
        ("r", "Алло?", None),
        ("v", "Здравствуйте! Удобно вам сейчас пару минут?", ["autonomy"]),
        ("r", line, None),
        ("v", "Да вы просто ничего не понимаете.", ["confront"]),
    )
    record.turns[2].source = source  # type: ignore[assignment]
    return record


def test_a_broken_model_line_is_never_quoted_back() -> None:
    (suggestion,) = score_session(_confronted_after(BROKEN, "model")).suggestions
    assert "я ему звонит" not in suggestion.try_instead
    assert "«" not in suggestion.try_instead


def test_a_sound_line_is_quoted_back() -> None:
    line = "Да я ему звоню каждый день, а он всё молчит."
    (suggestion,) = score_session(_confronted_after(line, "model")).suggestions
    assert "звоню каждый день" in suggestion.try_instead


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("Мне сейчас некогда, давайте в другой раз поговорим.", "fallback"),
        ("Да я вот как раз хотел вам сказать…", "model"),
    ],
)
def test_fallback_and_stopped_lines_are_never_quoted(line: str, source: str) -> None:
    (suggestion,) = score_session(_confronted_after(line, source)).suggestions
    assert "«" not in suggestion.try_instead


def test_a_broken_line_from_the_scripted_backend_is_not_quoted() -> None:
    from simulator.engine.call import Call
    from simulator.llm.fake import FakeBackend
    from tests.engine_fixtures import make_persona

    backend = FakeBackend([BROKEN, "Ну и что вы от меня хотите теперь?"], default="Не знаю.")
    call = Call(make_persona(hangup_irritation=1.0), "ru", backend, seed=1)
    call.pick_up()
    for line in ("Здравствуйте! Удобно вам сейчас пару минут?", "Да вы просто зомби."):
        call.say(line)
        for _ in call.reply():
            pass
    card = call.end()
    assert card.suggestions
    for suggestion in card.suggestions:
        assert "звонит" not in suggestion.try_instead


@settings(max_examples=150, deadline=None)
@given(coded_calls())
def test_a_scorecard_never_repeats_a_suggestion(record: SessionRecord) -> None:
    suggestions = score_session(record).suggestions
    assert len({s.why for s in suggestions}) == len(suggestions)
    assert len({s.try_instead for s in suggestions}) == len(suggestions)


def test_the_same_respondent_line_is_not_offered_twice() -> None:
    turns: list[tuple[str, str, list[str] | None]] = [("r", "Алло?", None)]
    for _ in range(4):
        turns += [
            ("v", "Вы все там зомбированы.", ["confront"]),
            ("r", "Сами вы зомбированы, я своё мнение имею.", None),
        ]
    lines = [s.try_instead for s in score_session(ru_record(*turns)).suggestions]
    assert len(lines) == len(set(lines))


# -- 4. coach hints never contradict the turn -------------------------------------------------


def test_no_open_question_hint_right_after_an_open_question() -> None:
    turn = "Это, наверное, очень тяжело. Что вас сейчас больше всего тревожит?"
    for codes in (["empathy", "open_question"], ["empathy"]):
        hint = coach_hint(codes, "ru", turn)
        assert "задайте открытый вопрос" not in hint.casefold(), codes
    assert "ask an open question" not in coach_hint(["empathy", "open_question"], "en")


def test_a_goodbye_is_not_told_to_ask_a_question() -> None:
    # Seen in a practice call: «Спасибо вам, берегите себя.» (empathy) got "Now ask an open
    # question to let the person talk".
    for codes in (["empathy"], ["affirmation"], []):
        hint = coach_hint(codes, "ru", "Спасибо вам, берегите себя.", leaving=True)
        assert "вопрос" not in hint and "прощание" in hint, codes
        assert "question" not in coach_hint(codes, "en", "Take care.", leaving=True)
    # A jab on the way out is still a jab.
    assert "нападение" in coach_hint(["confront"], "ru", "Ну и сидите там.", leaving=True)
    assert "question" in coach_hint(["empathy"], "en", "That must be hard.")
    # Leave-taking, not thanks that may come mid-call.
    assert takes_leave("Спасибо вам, берегите себя.", "ru")
    assert takes_leave("May I call you again some time?", "en")
    assert not takes_leave("Спасибо, что так честно со мной говорите.", "ru")


def test_no_family_hint_right_after_asking_about_the_family() -> None:
    turn = "Молодых ребят хоронят в обеих странах. Как это касается вашей семьи?"
    for codes in (["human_life", "open_question"], ["human_life"]):
        assert "семь" not in coach_hint(codes, "ru", turn)
        assert "family" not in coach_hint(codes, "en", turn.replace("вашей семьи", "family"))
    assert "семь" not in coach_hint(["human_life", "open_question"], "ru")


def test_the_family_hint_addresses_the_respondent_as_one_person() -> None:
    hint = coach_hint(["human_life"], "ru", "Молодых ребят хоронят в обеих странах.")
    assert "вашей семьи" in hint
    assert "их семьи" not in hint


def test_no_hint_speaks_of_the_respondent_in_the_plural() -> None:
    for key, hint in _hints().hints.items():
        variants = [hint, *(v for v in (hint.asked, hint.about_family) if v is not None)]
        for text in variants:
            assert not re.search(r"(?<!\w)(их|им|ими|они)(?!\w)", text.ru, re.I), (key, text.ru)
            assert not re.search(r"\b(they|them|their|theirs)\b", text.en, re.I), (key, text.en)


# -- 5. the explanation follows the interface language, the better line the call's -------------


def test_english_interface_on_a_russian_call() -> None:
    record = _confronted_after("Я думаю, что наши всё правильно делают.", "model")
    (suggestion,) = score_session(record, ui_lang="en").suggestions
    assert not CYRILLIC.search(suggestion.why)
    assert CYRILLIC.search(suggestion.try_instead)
    (russian,) = score_session(record).suggestions
    assert CYRILLIC.search(russian.why)


def test_callsim_score_takes_the_interface_language(tmp_path: Path) -> None:
    path = tmp_path / "call.txt"
    path.write_text(
        "R: Алло?\nV: Здравствуйте! Удобно вам сейчас пару минут?\n"
        "R: Да, говорите, я слушаю.\nV: Вы там все зомбированы телевизором.\n"
        "R: Сами вы зомбированы.\nV: Вам не стыдно?\n",
        encoding="utf-8",
    )

    def score(*flags: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "simulator", "score", str(path), *flags],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    english = score("--lang", "en")
    whys = [line for line in english.splitlines() if line.strip().startswith("Why:")]
    better = [line for line in english.splitlines() if line.strip().startswith("Try instead:")]
    assert whys and better
    assert not any(CYRILLIC.search(line) for line in whys)
    assert all(CYRILLIC.search(line.split(":", 1)[1]) for line in better)
    assert "Почему:" in score()  # no saved interface language: the call's


def test_a_call_scores_in_the_interface_language_it_was_given() -> None:
    from simulator.engine.call import Call
    from simulator.llm.fake import FakeBackend
    from tests.engine_fixtures import make_persona

    backend = FakeBackend(["Я думаю, что наши всё правильно делают."], default="Не знаю.")
    call = Call(make_persona(hangup_irritation=1.0), "ru", backend, seed=1, ui_lang="en")
    call.pick_up()
    call.say("Да вы просто ничего не понимаете.")
    for _ in call.reply():
        pass
    (suggestion,) = call.end().suggestions
    assert not CYRILLIC.search(suggestion.why)
    assert CYRILLIC.search(suggestion.try_instead)


def test_callsim_play_scores_in_the_saved_interface_language(tmp_path: Path) -> None:
    import argparse

    from simulator.cli.play_cmd import _saved_interface_lang
    from simulator.config import Settings

    args = argparse.Namespace(data_dir=str(tmp_path))
    assert _saved_interface_lang(args) is None  # nothing saved: the call's language
    Settings(ui_lang="en", call_lang="ru").save(tmp_path)
    assert _saved_interface_lang(args) == "en"
