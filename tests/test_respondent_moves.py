"""The persona engine decides what the respondent says (lore, stance, mood) and every reply is
checked: the failures seen in real calls with the bundled model are refused."""

from __future__ import annotations

import random
import re

import pytest

from simulator.config import bundled_personas_dir
from simulator.engine import reply_check
from simulator.engine.call import Call
from simulator.engine.lore import KEY_SCORE, line_sentences, lore_index
from simulator.engine.move import (
    MoveMemory,
    asks_either_or,
    choose_move,
    goodbye_kind,
    is_goodbye,
    phone_kind,
)
from simulator.engine.smalltalk import with_small_talk
from simulator.llm.fake import FakeBackend
from simulator.persona_loader import load_persona
from simulator.session import RespondentState

FIRM = load_persona(bundled_personas_dir() / "firm-supporter.yaml")
PATRIOT = load_persona(bundled_personas_dir() / "doubtful-patriot.yaml")
GUARDED = RespondentState(trust=0.15, openness=0.05, irritation=0.3)
OPEN = RespondentState(trust=0.8, openness=0.7, irritation=0.05)


def _move(
    persona, lang, text, codes, mood="guarded", state=GUARDED, memory=None, seed=1, goodbye=None
):
    matches = lore_index(persona, lang).matches(text)
    return choose_move(
        persona,
        lang,
        codes,
        matches,
        mood,
        state,
        memory or MoveMemory.empty(),
        random.Random(seed),
        goodbye=goodbye,
        line=text,
    )


# -- reply checks: the failures quoted in issue 10 ---------------------------------------------


@pytest.mark.parametrize(
    ("reply", "gender", "reason"),
    [
        ("Одно, я в Германии, в Германии, в Германии, в Германии.", "female", "word loop"),
        (
            "люди в этом году были очень гибнут, люди в этом году были очень гибнут, люди в "
            "этом году были очень гибнут, люди в этом году были очень гибнут",
            "male",
            "word loop",
        ),
        ("Да, я звоню из-за границы.", "female", "speaks as the caller"),
        ("Ну, у нас в Штатах так не принято.", "male", "speaks as the caller"),
        ("Да, я согласен.", "female", "wrong gender"),
        ("Я думала, вы из банка.", "male", "wrong gender"),
    ],
)
def test_reply_check_refuses_what_real_calls_produced(reply: str, gender: str, reason: str) -> None:
    found = reply_check.problem(reply, "ru", "Алло, здравствуйте.", (), gender=gender)
    assert found is not None and found.startswith(reason)


@pytest.mark.parametrize(
    ("reply", "gender"),
    [
        ("Да, я согласна.", "female"),
        ("Я думал, вы из банка.", "male"),
        ("Муж сказал, что устал.", "female"),
        ("Сын мне вчера звонил, я рада была.", "female"),
        ("Я в Москве живу, у нас тут пробки.", "male"),
    ],
)
def test_reply_check_accepts_ordinary_lines(reply: str, gender: str) -> None:
    assert reply_check.problem(reply, "ru", "Алло, здравствуйте.", (), gender=gender) is None


def test_a_reply_repeating_any_earlier_volunteer_line_is_refused() -> None:
    earlier = ("Я звоню, потому что мне не всё равно, что гибнут люди.", "Как у вас дела?")
    reply = "Я звоню, потому что мне не всё равно, что гибнут люди."
    assert reply_check.problem(reply, "ru", "Понятно.", (), volunteer_lines=earlier) == (
        "repeats the volunteer"
    )


# -- moves --------------------------------------------------------------------------------------


@pytest.mark.parametrize("mood", ["hostile", "guarded", "neutral", "open"])
def test_firm_supporter_never_says_no_to_supporting_the_operation(mood: str) -> None:
    for lang, text in (
        ("ru", "Вы поддерживаете специальную военную операцию?"),
        ("en", "Do you support the special operation?"),
    ):
        move = _move(FIRM, lang, text, ("closed_question",), mood=mood)
        assert move.kind == "stance", move
        stance = next(s for s in FIRM.lore.stances if f"stance:{s.id}" == move.source)
        assert move.line in stance.answers.get(mood).get(lang)
        assert not move.line.lower().startswith(("нет", "no"))


def test_a_risky_request_makes_the_respondent_suspicious_whatever_else_it_says() -> None:
    move = _move(FIRM, "ru", "Назовите вашу фамилию и место работы, про НАТО потом.", ("unsafe",))
    assert move.source == "reaction:unsafe"


def test_lore_is_matched_by_keys_and_by_meaning() -> None:
    # Two entries have a key here ("alliance", "scared"); meaning ranks NATO first.
    matches = lore_index(FIRM, "en").matches("Why are you so scared of the Atlantic alliance?")
    assert matches and matches[0].id == "nato"
    # "mobilisation" has no key in this line ("send men", not "call up"): found by meaning alone.
    found = lore_index(FIRM, "en").matches("Are you afraid they will send more men to fight?")
    assert any(m.id == "mobilisation" and m.score < 1 for m in found), found


def test_a_line_that_asks_is_about_its_question_not_what_came_before() -> None:
    patriot_en = lore_index(PATRIOT, "en")
    line = "I watch the TV news a lot here too. And prices, have they gone up where you are?"
    assert patriot_en.matches(line)[0].id == "prices"
    assert patriot_en.matches("I watch the TV news a lot here too.")[0].id != "prices"
    firm_ru = lore_index(FIRM, "ru")
    line = "Да, про санкции все говорят. А вы как думаете?"  # the question names nothing
    assert firm_ru.matches(line)[0].id == "sanctions_prices"


def test_english_keys_match_plurals_and_other_forms() -> None:
    found = lore_index(FIRM, "en").matches(
        "Do the missiles near your borders worry you, and the Nazis you mention?"
    )
    assert {"nato", "nazis"} <= {m.id for m in found}


def test_a_key_pulled_out_of_context_does_not_raise_its_topic() -> None:
    # Read in held-out calls: asked whether he has children, the firm supporter spoke of
    # children killed in the shelling (his `children` topic, raised by the key «ребёнок»).
    firm_ru = lore_index(FIRM, "ru")
    assert "children" not in {m.id for m in firm_ru.matches("А дети у вас есть? Или внуки?")}
    assert firm_ru.matches("А как же дети, которые гибнут под обстрелами?")[0].id == "children"
    # "New Year" is not "news".
    found = lore_index(FIRM, "en").matches("How do you celebrate New Year with your family?")
    assert not {"news_source", "tv_news"} & {m.id for m in found}


def test_personal_facts_come_out_only_with_trust_and_only_once() -> None:
    fact_keys = {f.id for f in PATRIOT.lore.facts}
    guarded = [
        _move(PATRIOT, "ru", "Расскажите о себе.", ("open_question",), seed=s) for s in range(20)
    ]
    assert not any(m.kind == "fact" for m in guarded)
    memory = MoveMemory.empty()
    told = []
    for seed in range(40):
        move = _move(
            PATRIOT, "ru", "Спасибо, что делитесь.", ("empathy",), "open", OPEN, memory, seed
        )
        if move.kind == "fact":
            told.append(move.source)
        memory.said.append(move.line)
    assert told and len(told) == len(set(told)) <= len(fact_keys)


def test_lines_are_not_repeated_while_fresh_ones_remain() -> None:
    memory = MoveMemory.empty()
    lines = []
    for seed in range(3):
        move = _move(
            FIRM,
            "ru",
            "А что вы думаете про НАТО?",
            ("open_question",),
            "neutral",
            GUARDED,
            memory,
            seed,
        )
        lines.append(move.line)
        memory.said.append(move.line)
    assert len(set(lines)) == 3


def test_a_call_says_the_chosen_line_when_guarded_and_records_the_move() -> None:
    backend = FakeBackend()
    call = Call(FIRM, "ru", backend, seed=5)
    call.pick_up()
    call.say("Вы поддерживаете специальную военную операцию?")
    turn = [e for e in call.reply()][-1].turn  # type: ignore[attr-defined]
    assert turn.move and turn.move.startswith("stance:")
    assert turn.source == "authored"
    assert turn.text in {
        line for s in FIRM.lore.stances for line in s.answers.get(turn.mood).get("ru")
    }
    assert backend.requests == []  # guarded: the model is not asked to add anything


def _open_call(continuation: str) -> tuple[Call, FakeBackend]:
    backend = FakeBackend([continuation])
    call = Call(FIRM, "ru", backend, seed=5)
    call.pick_up()
    call.say("А что вы думаете про НАТО?")
    call.state = OPEN
    return call, backend


def test_when_open_the_model_adds_a_sentence_after_the_chosen_line() -> None:
    added = "НАТО для меня всё равно угроза, как ни крути."
    call, backend = _open_call(f"{added} И ещё что-то")
    turn = [e for e in call.reply()][-1].turn  # type: ignore[attr-defined]
    assert turn.move == "topic:nato" and turn.source == "model"
    assert turn.text.endswith(f" {added}")
    # The model continued the chosen line: it is the end of the prompt it was given.
    chosen = turn.text[: -len(added) - 1]
    assert backend.requests[0].prompt.endswith(f" {chosen}")


def test_a_model_that_may_not_add_sentences_is_not_asked_and_the_line_stands() -> None:
    backend = FakeBackend(["НАТО для меня всё равно угроза, как ни крути."], adds_sentences=False)
    call = Call(FIRM, "ru", backend, seed=5)
    call.pick_up()
    call.say("А что вы думаете про НАТО?")
    call.state = OPEN
    turn = [e for e in call.reply()][-1].turn  # type: ignore[attr-defined]
    assert turn.move == "topic:nato" and turn.source == "authored"
    assert turn.text in next(t for t in FIRM.lore.topics if t.id == "nato").lines.open.ru
    assert backend.requests == []


@pytest.mark.parametrize(
    "continuation",
    [
        "в Германии, в Германии, в Германии, в Германии.",
        "Я звоню из-за границы, кстати.",
        "НАТО я всегда боялась, как ни крути.",
        "Погода сегодня отличная, солнце светит.",
        "Волонтёр: а вы?",
    ],
)
def test_a_bad_continuation_is_dropped_and_the_chosen_line_stands(continuation: str) -> None:
    call, _ = _open_call(continuation)
    turn = [e for e in call.reply()][-1].turn  # type: ignore[attr-defined]
    assert turn.source == "authored"
    topic = next(t for t in FIRM.lore.topics if t.id == "nato")
    assert turn.text in topic.lines.open.ru


def _chat_call(answer: str) -> tuple[Call, FakeBackend]:
    backend = FakeBackend([answer], prompt_style="chat")
    call = Call(FIRM, "en", backend, seed=5)
    call.pick_up()
    call.say("Do you support the special operation?")
    return call, backend


def test_an_instruct_model_voices_the_chosen_line_in_its_own_words() -> None:
    call, backend = _chat_call("x")
    line = call.choose_move().line
    call, backend = _chat_call(f"Well, {line[0].lower()}{line[1:]}")
    turn = [e for e in call.reply()][-1].turn  # type: ignore[attr-defined]
    assert turn.source == "model" and turn.text.startswith("Well, ")
    note = backend.requests[0].messages[-1].content  # type: ignore[index]
    assert line in note  # the engine's choice went into the instruction


def test_an_instruct_model_that_drifts_gets_the_chosen_line_said_instead() -> None:
    call, _ = _chat_call("The weather is lovely today, I went fishing with my grandson.")
    turn = [e for e in call.reply()][-1].turn  # type: ignore[attr-defined]
    assert turn.source == "authored"
    assert turn.move and turn.move.startswith("stance:")


def test_a_question_the_lore_has_nothing_for_gets_an_honest_dont_know_not_go_on() -> None:
    trusting = RespondentState(trust=0.45, openness=0.6, irritation=0.05)  # no facts yet
    move = _move(
        FIRM,
        "en",
        "What colour would you paint the sky on Mars?",
        ("open_question",),
        "open",
        trusting,
    )
    assert move.kind == "unanswered"
    assert "know" in move.line.lower() or "hard to say" in move.line.lower()
    # A guarded respondent deflects instead, in their own words.
    guarded = _move(FIRM, "en", "What colour would you paint the sky on Mars?", ("open_question",))
    assert guarded.kind == "deflect"


def test_a_question_about_their_own_life_is_answered_vaguely_not_with_hard_to_say() -> None:
    trusting = RespondentState(trust=0.45, openness=0.6, irritation=0.05)
    for lang, text in (
        ("en", "And do you get to the seaside in the summer at all?"),
        ("ru", "А летом на море выбираетесь когда-нибудь?"),
    ):
        move = _move(FIRM, lang, text, ("closed_question",), "open", trusting)
        assert move.kind == "unanswered", move
        assert "everyone" in move.line or "как у всех" in move.line or "как все" in move.line, move
    asked = _move(FIRM, "ru", "А что вы думаете о космосе?", ("open_question",), "open", trusting)
    assert asked.kind == "unanswered", asked
    assert "знаю" in asked.line.lower() or "сказать" in asked.line, asked


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Спасибо, что поговорили со мной. Можно я вам ещё когда-нибудь позвоню?"),
        ("en", "Thank you for talking with me. May I call you again some time?"),
    ],
)
def test_a_goodbye_gets_a_goodbye_not_a_story(lang: str, text: str) -> None:
    matches = lore_index(PATRIOT, lang).matches(text)
    move = choose_move(
        PATRIOT,
        lang,
        ("affirmation", "autonomy"),
        matches,
        "open",
        OPEN,
        MoveMemory.empty(),
        random.Random(3),
        goodbye=goodbye_kind(text, lang),
    )
    assert move.source == "closing:call_again"


def test_leave_taking_is_told_apart_from_plain_thanks() -> None:
    assert goodbye_kind("Можно я вам ещё как-нибудь позвоню?", "ru") == "call_again"
    assert goodbye_kind("Спасибо, что так честно со мной говорите.", "ru") == "thanks"
    assert goodbye_kind("Thank you for talking to me so honestly.", "en") == "thanks"
    assert goodbye_kind("Всего доброго!", "ru") == "bye"
    # Round 27's held-out lorry driver signed off «Ну всё, давайте. Удачи вам, здоровья. Пока.»
    assert goodbye_kind("Ну всё, давайте. Удачи вам, здоровья. Пока.", "ru") == "bye"
    assert goodbye_kind("Я пока не знаю.", "ru") is None
    assert goodbye_kind("Пока живы, можно ещё что-то поправить.", "ru") is None
    assert not is_goodbye("Спасибо, я поняла.", "ru")
    assert not is_goodbye("Thanks, that helps me understand.", "en")


def test_leave_taking_is_heard_however_warmly_it_is_put() -> None:
    # Read in held-out calls: these were answered "Well, thanks. What next?"
    line = "Thank you so much for talking with me, really. Would it be ok if I called you again?"
    assert goodbye_kind(line, "en") == "call_again"
    assert goodbye_kind("Thank you so much for this talk, I really enjoyed it.", "en") == "thanks"
    assert goodbye_kind("Спасибо вам большое за этот разговор.", "ru") == "thanks"
    assert goodbye_kind("Спасибо большое, что поговорили со мной.", "ru") == "thanks"
    # A scripted call: a week's time between "may I" and "call" was answered «Да живём
    # потихоньку, как все.»
    line = "Спасибо вам огромное. Можно я вам через недельку ещё позвоню?"
    assert goodbye_kind(line, "ru") == "call_again"
    assert goodbye_kind("Можно я вам на следующей неделе позвоню?", "ru") == "call_again"
    assert goodbye_kind("Could I call you next week?", "en") == "call_again"
    # Round 25's held-out `student` (answered «Нормально. Вам-то что?»):
    line = "спасибо вам большое что поговорили, правда. можно я вам ещё как нибудь позвоню?"
    assert goodbye_kind(line, "ru") == "call_again"
    line = (
        "thank you so much for talking to me, seriously. would it be ok if i called again sometime?"
    )
    assert goodbye_kind(line, "en") == "call_again"
    # ...and asking leave to say why one called is no leave-taking.
    assert goodbye_kind("Можно я вам объясню, почему позвонила?", "ru") is None


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # Round 27's held-out callers, answered "I don't know, honestly." and «Не ваше дело.»:
        ("en", "Would you mind if I gave you a ring again sometime? Next time I'm on a ferry."),
        ("en", "Would it be alright if I rang you again sometime? Maybe after Easter."),
        ("ru", "Можно я вам ещё как-нибудь наберу, когда в рейсе буду?"),
        ("en", "Mind if I give you a call next week?"),
        ("ru", "Можно я вас через недельку ещё наберу?"),
    ],
)
def test_asking_to_ring_again_in_other_words_is_asking_to_call_again(lang: str, text: str) -> None:
    assert goodbye_kind(text, lang) == "call_again"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Thank you for telling me that. I really appreciate you trusting me with it."),
        ("en", "Thanks for sharing that with me. I appreciate it."),
        ("ru", "Спасибо за доверие. Я правда ценю, что вы со мной этим поделились."),
        ("ru", "Спасибо, что рассказали. Я очень ценю вашу откровенность."),
        # Saying the talk did them good, round 28's held-out farmer: «Не надо меня хвалить, я не
        # ребёнок» (the IT worker) and "Third year at uni, she's smart" (on "my daughter").
        ("ru", "Вот поговорила с вами — и прямо легче стало. Хорошо, что вы трубку взяли."),
        (
            "en",
            "My daughter says I'd talk to a gatepost if it stood still long enough. Well, you've"
            " been a lot better company than a gatepost.",
        ),
        ("en", "It was really nice talking to you."),
    ],
)
def test_thanks_for_what_they_told_is_answered_as_thanks(lang: str, text: str) -> None:
    # A practice call of round 25: "Thank you for telling me that. I really appreciate you
    # trusting me with it." was heard as praise and got "All right. And what next?".
    assert goodbye_kind(text, lang) == "thanks"
    move = _move(PATRIOT, lang, text, ("affirmation",), "neutral", NEUTRAL, goodbye="thanks")
    assert move.source == "closing:thanks", move


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Спасибо, что рассказали. А с кем из семьи вы больше всего общаетесь?"),
        ("en", "Thank you for talking about it. And who in your family do you talk to most?"),
    ],
)
def test_thanks_followed_by_a_question_is_not_a_goodbye(lang: str, text: str) -> None:
    assert goodbye_kind(text, lang) is None
    # Nor is feeling better after talking to someone else.
    assert goodbye_kind("I talked to my neighbour and felt better.", "en") is None
    assert goodbye_kind("Я поговорила с мамой, и легче стало. А вы с мамой говорите?", "ru") is None
    move = _move(PATRIOT, lang, text, ("open_question", "affirmation"), "neutral", OPEN)
    assert move.kind != "closing" and move.source != "reaction:affirmation", move


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Здравствуйте! Меня зовут Ингрид, я звоню из Норвегии. У вас найдётся пара минут?"),
        ("ru", "Можно задать вам несколько вопросов?"),
        ("ru", "Вам сейчас удобно говорить?"),
        ("en", "Hi, I'm Jonas, from Copenhagen. Would it be ok if I asked you a few questions?"),
        ("en", "Do you have a few minutes to chat?"),
        ("en", "Is this a good time?"),
        # Held-out set 11: a topic line (medicines, "I go and vote like everyone") answered these.
        ("en", "I'm a paramedic here, my mum is from Tver. Is now okay, or shall I let you go?"),
        ("en", "I like talking to ordinary people. Is it okay now, or should I call back later?"),
        ("ru", "Я фельдшером работала, теперь медсестрой. Вам сейчас удобно или я не вовремя?"),
    ],
)
@pytest.mark.parametrize("persona", [FIRM, PATRIOT])
def test_asking_leave_to_talk_gets_go_ahead_not_praise_for_asking(
    lang: str, text: str, persona: object
) -> None:
    for mood, state in (("guarded", GUARDED), ("open", OPEN)):
        move = _move(persona, lang, text, ("closed_question", "autonomy"), mood, state)
        assert move.kind == "permission", (mood, move)
        # Worded for either question, and gender-neutral.
        assert not re.search(r"\b(вы )?правильно|спасибо|согласн|рад\b", move.line, re.I)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Можно я расскажу, почему меня это так волнует? У меня родственники в Харькове."),
        ("ru", "Вы не против, если я тоже поделюсь? Мой отец служил в Чечне."),
        ("en", "Can I tell you why this matters to me? My cousins live in Kharkiv."),
        ("en", "Would you mind if I shared something about my own family?"),
    ],
)
@pytest.mark.parametrize("persona", [FIRM, PATRIOT])
def test_asking_leave_to_tell_something_gets_go_on(lang: str, text: str, persona: object) -> None:
    # «Можно я расскажу…? У меня родственники в Харькове.» was answered from the lore the
    # other words are near: «Нет. Только бабка с украинской фамилией была.»
    from simulator.engine.move import asks_leave_to_tell

    assert asks_leave_to_tell(text, lang)
    for mood, state in (("guarded", GUARDED), ("open", OPEN)):
        codes = ("closed_question", "personal_story", "autonomy")
        move = _move(persona, lang, text, codes, mood, state)
        assert move.kind == "permission", (mood, move)
        assert not re.search(r"^(нет|no)\b", move.line, re.I), move.line


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Можно я вам объясню, что происходит на самом деле? Почитайте независимые СМИ."),
        ("en", "Can I tell you what's really going on? You should read independent media."),
    ],
)
def test_leave_to_tell_that_lectures_is_answered_on_the_lecture(lang: str, text: str) -> None:
    move = _move(FIRM, lang, text, ("closed_question", "lecture", "autonomy"), "guarded", GUARDED)
    assert move.kind != "permission", move


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("ru", "Можно спросить про вашего сына?", "son"),
        ("en", "May I ask you about NATO?", "nato"),
        ("en", "Can I ask, what do you think about NATO?", "nato"),
    ],
)
def test_leave_to_ask_about_something_is_answered_on_it(
    lang: str, text: str, expected: str
) -> None:
    move = _move(FIRM, lang, text, ("closed_question", "autonomy"), "neutral", OPEN)
    assert move.kind != "permission" and expected in move.source, move


@pytest.mark.parametrize(
    ("lang", "text", "codes"),
    [
        ("ru", "Простите. Я неудачно выразился.", ()),
        ("ru", "Извините, я не хотел вас обидеть.", ()),
        ("en", "Sorry. That came out wrong.", ()),
        ("en", "I'm really sorry, that came out wrong.", ("empathy",)),
        ("en", "I'm very sorry for what I said.", ()),
        # An apology the coder heard as blame is still an apology.
        ("en", "I'm sorry, I didn't mean to lecture you.", ("empathy", "confront")),
        ("ru", "Виновата, погорячилась.", ()),
        ("ru", "Я тут сама виновата, простите.", ()),
        ("en", "Sorry — that came out wrong.", ()),
        ("ru", "Простите — я не хотел вас обидеть.", ()),
    ],
)
def test_an_apology_is_accepted_not_met_with_who_are_you(lang: str, text: str, codes) -> None:  # type: ignore[no-untyped-def]
    for mood, state in (("guarded", GUARDED), ("open", OPEN)):
        move = _move(FIRM, lang, text, codes, mood, state)
        assert move.kind == "apology", (mood, move)


@pytest.mark.parametrize(
    ("lang", "text", "codes", "expected"),
    [
        ("en", "Sorry, but you are all brainwashed.", ("confront",), "reaction:confront"),
        ("ru", "Простите, но вы все там зомбированы.", ("confront",), "reaction:confront"),
        # «виновата» about someone else is no apology: a practice call answered this jab
        # «Ладно, бывает.», as if the caller had said sorry.
        (
            "ru",
            "Ну конечно, Америка во всём виновата, а вы белые и пушистые.",
            ("confront",),
            "reaction:confront",
        ),
        ("en", "I'm so sorry about your son.", ("empathy",), "topic:son"),
        # A scripted call: "Oh, it's fine, really." as if the caller had apologised.
        (
            "en",
            "I'm so sorry. Not knowing if they're alive must be awful.",
            ("empathy", "human_life"),
            "reaction:empathy",
        ),
    ],
)
def test_blame_after_sorry_and_sympathy_are_not_apologies(
    lang: str, text: str, codes: tuple[str, ...], expected: str
) -> None:
    move = _move(FIRM, lang, text, codes, "guarded", GUARDED)
    assert move.source == expected, move


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # Held-out set 11: «Хорошо, забудем.» from four respondents, as if the caller had said
        # sorry; the sorry only ushers in what follows.
        (
            "ru",
            "Я вот иногда думаю, вы уж простите: деды наши шли освобождать свои и чужие города"
            " от захватчиков, а теперь наши ребята заходят в чужие города, и там люди сидят по"
            " подвалам.",
        ),
        ("ru", "Простите за прямоту, но молодых ребят хоронят каждый день."),
        (
            "en",
            "Forgive me for saying so, but it reminds me of 1941, just the other way round:"
            " young men sent into someone else's towns.",
        ),
        ("en", "Excuse me: young men are being buried every day, on both sides."),
    ],
)
def test_a_sorry_that_ushers_in_a_point_is_not_an_apology(lang: str, text: str) -> None:
    move = _move(PATRIOT, lang, text, ("human_life",), "guarded", GUARDED)
    assert move.kind != "apology", move


def test_an_open_respondent_tells_a_story_only_when_invited() -> None:
    plain = [
        _move(PATRIOT, "en", "Okay, I see.", ("affirmation",), "open", OPEN, seed=s).kind
        for s in range(20)
    ]
    assert "fact" not in plain


def test_blame_is_answered_as_blame_even_when_it_names_a_topic() -> None:
    move = _move(
        FIRM,
        "ru",
        "Ваша армия убивает мирных людей, а вы молчите. Вам не стыдно?",
        ("human_life", "confront", "guilt"),
    )
    assert move.source == "reaction:guilt"


# -- a reaction carries a second line -----------------------------------------------------------


def test_an_attacked_firm_supporter_hits_back_with_his_own_view() -> None:
    memory = MoveMemory.empty()
    replies = []
    for seed in range(3):
        move = _move(
            FIRM, "en", "You people are brainwashed.", ("confront",), memory=memory, seed=seed
        )
        assert move.source == "reaction:confront" and move.follow in ("talking_point",), move
        point = move.line.removeprefix(
            next(r for r in _reactions(FIRM, "confront", "en") if move.line.startswith(r))
        ).strip()
        assert point in FIRM.talking_points.en, move.line
        replies.append(point)
        memory.said.append(move.line)
    assert len(set(replies)) == 3, "a talking point is not repeated while fresh ones remain"


def test_understanding_draws_more_on_what_the_respondent_was_talking_about() -> None:
    worries = next(t for t in PATRIOT.lore.topics if t.id == "worries")
    said = worries.lines.neutral.ru[0]
    memory = MoveMemory.of([said], ["topic:worries"])
    move = _move(PATRIOT, "ru", "Это, наверное, непросто.", ("empathy",), "neutral", OPEN, memory)
    assert move.source == "reaction:empathy" and move.follow == "topic:worries", move
    follow = move.line.split(" ", 1)[1]
    assert said not in move.line and any(line in follow for line in worries.lines.neutral.ru)


def test_no_second_line_after_a_question_or_in_a_guarded_mood_after_kindness() -> None:
    memory = MoveMemory.of(["Цены растут."], ["topic:worries"])
    asked = _move(
        PATRIOT,
        "ru",
        "Это тяжело, правда?",
        ("closed_question", "empathy"),
        "neutral",
        OPEN,
        memory,
    )
    assert asked.follow is None
    guarded = _move(PATRIOT, "ru", "Это, наверное, непросто.", ("empathy",), memory=memory)
    assert guarded.follow is None


def _reactions(persona, code, lang):
    lines = persona.lore.reactions[code]
    return [
        line
        for mood in ("hostile", "guarded", "neutral", "open")
        for line in lines.get(mood).get(lang)
    ]


def test_a_reflection_of_something_never_said_is_taken_or_left_not_thanked_for() -> None:
    from simulator.engine.lore import restates

    said = "Цены растут, зарплата та же. Крутимся как можем."
    assert restates("То есть денег становится всё меньше, и приходится выкручиваться.", said)
    assert not restates("Чувствуется, что вы много повидали.", said)
    memory = MoveMemory.of([said], ["topic:prices"])
    memory.restated = False
    move = _move(
        PATRIOT, "ru", "Чувствуется, что вы много повидали.", ("reflection",), memory=memory
    )
    # Read in held-out calls: "Sounds like you've found your own way to catch your breath"
    # was answered "Yes, it's hard, thank you" (sympathy that was never offered).
    assert move.source == "acknowledge" and move.line in ("Ну, допустим.", "Может, и так.",
        "Ну, можно и так сказать."), move  # fmt: skip
    warm = _move(
        PATRIOT,
        "ru",
        "Чувствуется, что вы много повидали.",
        ("reflection",),
        "neutral",
        OPEN,
        memory,
    )
    assert warm.follow != "topic:prices", (
        "no going on about prices after a line about something else"
    )


# -- small talk every respondent can make ------------------------------------------------------


def test_small_talk_the_persona_has_no_lore_for_comes_from_the_shared_topics() -> None:
    from simulator.engine.smalltalk import with_small_talk

    firm = with_small_talk(FIRM)
    assert "weather" not in {t.id for t in FIRM.lore.topics}
    for lang, line in (
        ("en", "So what's the weather doing where you are today?"),
        ("ru", "А погода у вас сейчас какая?"),
    ):
        move = _move(firm, lang, line, ("open_question",), "neutral", OPEN)
        assert move.source == "smalltalk:weather", move
        weather = next(t for t in firm.lore.topics if t.id == "weather")
        assert move.line in weather.lines.neutral.get(lang)


def test_the_personas_own_topic_comes_before_shared_small_talk() -> None:
    from simulator.engine.smalltalk import shared_topics, with_small_talk

    pensioner = load_persona(bundled_personas_dir() / "village-pensioner.yaml")
    talkative = with_small_talk(pensioner)
    own_health = next(t for t in pensioner.lore.topics if t.id == "health")
    assert next(t for t in talkative.lore.topics if t.id == "health") is own_health
    assert len(talkative.lore.topics) < len(pensioner.lore.topics) + len(shared_topics())
    firm = with_small_talk(FIRM)
    move = _move(
        firm, "en", "Awful weather here. And how are things at work?", ("open_question",), "neutral"
    )
    assert move.source == "topic:work", move


def test_shared_small_talk_fits_every_bundled_persona() -> None:
    from simulator.engine.smalltalk import with_small_talk
    from simulator.persona_checks import persona_findings

    for path in sorted(bundled_personas_dir().glob("*.yaml")):
        persona = with_small_talk(load_persona(path))
        assert persona_findings(persona) == [], path.name


def test_a_place_named_in_passing_does_not_take_the_small_talk_away() -> None:
    from simulator.engine.smalltalk import with_small_talk

    patriot = with_small_talk(PATRIOT)
    weather = _move(patriot, "ru", "А погода сейчас какая в Москве?", ("open_question",), "neutral")
    assert weather.source == "smalltalk:weather", weather
    moscow = _move(patriot, "ru", "Как вам вообще живётся в Москве?", ("open_question",), "neutral")
    assert moscow.source == "topic:moscow_life", moscow


def test_small_talk_answers_a_question_not_a_story_that_mentions_it() -> None:
    from simulator.engine.smalltalk import with_small_talk

    patriot = with_small_talk(PATRIOT)
    story = "Понимаю. У меня брат тоже читает новости по ночам и совсем не спит."
    move = _move(patriot, "ru", story, ("empathy", "personal_story"), "neutral", OPEN)
    assert not move.source.startswith("smalltalk:"), move
    asked = _move(patriot, "ru", "А вы сами как спите, нормально?", ("closed_question",), "neutral")
    assert asked.source == "smalltalk:health", asked


# -- people named in a reply are introduced the first time -------------------------------------


def _with_seryozha(persona):  # type: ignore[no-untyped-def]
    from simulator.persona import Person

    seryozha = Person.model_validate(
        {
            "id": "seryozha",
            "names": {"ru": ["Серёжа", "Серёже", "Серёжу"], "en": ["Seryozha"]},
            "intro": {"ru": "Серёжа — это сын мой.", "en": "Seryozha's my son."},
            "known_by": {"ru": ["сын"], "en": ["son"]},
        }
    )
    lore = persona.lore.model_copy(update={"people": [seryozha]})
    return persona.model_copy(update={"lore": lore})


def test_a_person_named_for_the_first_time_is_introduced_once() -> None:
    from simulator.engine.people import introduce

    persona = _with_seryozha(PATRIOT)
    line = "Боюсь слечь и Серёже обузой стать."
    first = introduce(persona, "ru", line, [])
    assert first == "Боюсь слечь и Серёже обузой стать. Серёжа — это сын мой."
    # Named before in the call, or said who he is in the same reply: no introduction.
    assert introduce(persona, "ru", "Серёжу жалко.", [first]) == "Серёжу жалко."
    assert introduce(persona, "ru", "Сын мой, Серёжа, звонит.", []) == "Сын мой, Серёжа, звонит."
    assert introduce(persona, "en", "Seryozha rings on Sundays.", []).endswith("my son.")
    # Nor when the caller just asked about him: "My Seryozha…" answers "your son".
    asked = "Does your son tell you much about how he is?"
    assert introduce(persona, "en", "Seryozha rings on Sundays.", [], asked) == (
        "Seryozha rings on Sundays."
    )
    asked = "А сын вам звонит?"
    assert introduce(persona, "ru", "Серёжа звонит по воскресеньям.", [], asked) == (
        "Серёжа звонит по воскресеньям."
    )
    assert introduce(persona, "ru", "Серёжа звонит по воскресеньям.", [], "Как погода?") != (
        "Серёжа звонит по воскресеньям."
    )


def test_an_introduction_does_not_say_again_that_he_was_killed() -> None:
    from simulator.engine.people import introduce

    worker = load_persona(bundled_personas_dir() / "it-worker.yaml")
    line = "Из близких никого, слава богу. А из знакомых был Дима. Погиб."
    said = introduce(worker, "ru", line, [])
    assert said.startswith(line) and said.count("огиб") == 1, said
    # Where the reply does not say it, the introduction still does.
    alive = introduce(worker, "en", "Dima and I shared a room in halls.", [])
    assert "killed" in alive, alive


def test_a_chosen_line_that_names_someone_carries_the_introduction() -> None:
    persona = _with_seryozha(PATRIOT)
    topic = next(t for t in persona.lore.topics if t.id == "family")
    named = topic.lines.neutral.model_copy(update={"ru": ["Серёже я ничего не говорю."]})
    lines = topic.lines.model_copy(update={"neutral": named})
    topics = [
        t.model_copy(update={"lines": lines}) if t is topic else t for t in persona.lore.topics
    ]
    persona = persona.model_copy(
        update={"lore": persona.lore.model_copy(update={"topics": topics})}
    )
    move = _move(persona, "ru", "А как ваша семья?", ("open_question",), "neutral", OPEN)
    assert move.source == "topic:family"
    assert move.line == "Серёже я ничего не говорю. Серёжа — это сын мой."


def _talking_about_prices() -> tuple[list[str], MoveMemory]:
    """A call whose respondent last spoke about prices."""
    said = ["Алло.", "Ну, слушаю.", "Цены растут, зарплата та же. Крутимся как можем."]
    return said, MoveMemory.of(said, [None, "permission", "topic:prices"])


# -- backchannels and questions nothing answers, later in a call -------------------------------


def test_a_backchannel_lets_a_talkative_respondent_go_on_and_a_guarded_one_nod() -> None:
    said, memory = _talking_about_prices()
    going_on = _move(PATRIOT, "ru", "Хм, понятно.", (), "neutral", OPEN, memory)
    assert going_on.source == "topic:prices" and going_on.line not in said
    nod = _move(PATRIOT, "en", "Mm, I see.", (), "guarded", GUARDED, MoveMemory.empty())
    assert nod.source == "backchannel", nod  # not "And who are you, anyway?"


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "Oh really? I wouldn't have guessed that."),
        ("en", "Wow. I didn't know that."),
        ("ru", "Правда? Никогда бы не подумала."),
        ("ru", "Ого, ничего себе!"),
    ],
)
def test_surprise_is_met_like_a_nod_not_as_a_question_or_sympathy(lang: str, line: str) -> None:
    said, memory = _talking_about_prices()
    going_on = _move(PATRIOT, lang, line, ("closed_question",), "neutral", OPEN, memory)
    assert going_on.source == "topic:prices" and going_on.line not in said, going_on
    # With nothing to go on with: "That's how things are", not "Hard to say" or "Thank you".
    nod = _move(PATRIOT, lang, line, ("closed_question",), "guarded", GUARDED)
    assert nod.source == "backchannel", nod


@pytest.mark.parametrize(
    ("lang", "line", "surprise"),
    [
        ("en", "Really? Why?", False),
        ("en", "Ohio is nice this time of year.", False),
        ("ru", "Правда, что вы поддерживаете операцию?", False),
        ("ru", "Интересно, а вы что думаете?", False),
        ("en", "Is that so? How interesting.", True),
        ("ru", "Серьёзно? Вот уж не думал.", True),
        ("en", "oh " * 3000 + "x", False),  # answered at once, not after minutes of backtracking
    ],
)
def test_only_a_line_of_surprise_alone_is_surprise(lang: str, line: str, surprise: bool) -> None:
    from simulator.engine.move import surprised

    assert surprised(line, lang) is surprise


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "I'm listening, take your time."),
        ("en", "Go on, please, there's no rush."),
        ("ru", "Я вас слушаю, не торопитесь."),
        ("ru", "Продолжайте, пожалуйста."),
    ],
)
def test_im_listening_take_your_time_lets_them_go_on(lang: str, line: str) -> None:
    said, memory = _talking_about_prices()
    going_on = _move(PATRIOT, lang, line, (), "open", OPEN, memory)
    assert going_on.source == "topic:prices" and going_on.line not in said, going_on
    # A guarded respondent has nothing to add; neither mirrors it ("Well, I'm listening")
    # nor asks who is calling.
    guarded = _move(FIRM, lang, line, (), "guarded", GUARDED)
    assert guarded.source == "backchannel", guarded
    assert not re.search(r"listening|слушаю|number|номер", guarded.line, re.IGNORECASE)


def test_how_are_you_now_is_not_answered_with_support_for_the_war() -> None:
    line = "Мне хотелось просто узнать, как вы поживаете. Как вы сейчас?"
    engineer = load_persona(bundled_personas_dir() / "suspicious-respondent.yaml")
    move = _move(engineer, "ru", line, ("open_question",), "guarded", GUARDED)
    assert move.kind != "stance", move  # not «Поддерживаю. Как положено.»


def test_thanks_for_sympathy_is_not_said_twice_in_a_call() -> None:
    lines = list(PATRIOT.lore.reactions["empathy"].get("neutral").get("en"))
    said = ["Hello?", *lines]
    memory = MoveMemory.of(said, [None] + ["reaction:empathy"] * len(lines))
    move = _move(PATRIOT, "en", "That sounds really hard.", ("empathy",), "neutral", OPEN, memory)
    assert move.line not in said, move


def test_later_in_a_call_a_guarded_respondent_answers_an_unknown_question_not_who_are_you() -> None:
    line = "Как вы думаете, люди когда-нибудь полетят на Марс?"
    early = _move(FIRM, "ru", line, ("closed_question",), "guarded", GUARDED, MoveMemory.empty())
    assert early.kind == "deflect"
    memory = MoveMemory.of(["Да?", "Ну.", "Обычная, по сезону.", "Вот так."], [None] * 4)
    later = _move(FIRM, "ru", line, ("closed_question",), "guarded", GUARDED, memory)
    assert later.kind == "unanswered", later
    # Asked what they think, not "like everyone".
    assert later.line in ("Не знаю.", "Сложно сказать. А вам зачем?", "Не берусь судить.")


def test_thanks_that_go_on_to_something_else_are_not_a_goodbye() -> None:
    line = "Thank you for being open with me. I ask because I keep thinking about the mothers."
    assert goodbye_kind(line, "en") is None
    assert goodbye_kind("Thank you for talking to me. Really.", "en") == "thanks"


def test_a_question_mark_asks_even_when_the_coder_heard_only_a_reflection() -> None:
    line = "Sounds like you've thought about this a lot. Has anyone you know gone to the front?"
    move = _move(FIRM, "en", line, ("reflection",), "neutral", OPEN)
    assert move.source == "stance:know_at_front", move


def test_a_line_asking_two_things_is_matched_on_both_questions() -> None:
    line = (
        "I always go north to my sister for the holidays, you can hear the snow there. "
        "How are you keeping health-wise? Do you sleep well?"
    )
    from simulator.engine.smalltalk import with_small_talk

    persona = with_small_talk(PATRIOT)
    assert lore_index(persona, "en").matches(line)[0].id == "health"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "У меня дочке семь лет, только пошла в школу и задаёт сто вопросов в день."),
        ("en", "Our cat is fourteen now and sleeps right on my keyboard."),
    ],
)
def test_a_light_story_of_the_callers_gets_a_light_word_not_grief_or_a_keyword_topic(
    lang: str, text: str
) -> None:
    move = _move(PATRIOT, lang, text, ("personal_story",), "neutral", OPEN)
    assert move.source == "light_story", move


@pytest.mark.parametrize(
    ("lang", "text", "light"),
    [
        (
            "ru",
            "Я вот на рыбалку, летом. Встаёшь в четыре, туман над водой, тишина. Жена говорит,"
            " я не рыбу ловлю, а от людей прячусь. Может, и так.",
            True,
        ),
        (
            "en",
            "Me, I go fishing in winter. A little shack on the ice, a thermos, the radio. My wife"
            " says I'm not after fish, I'm hiding from people. Maybe she's right.",
            True,
        ),
        (
            "ru",
            "Соседка с детьми неделю в подвале сидела, пока обстреливали. Дети теперь от каждого"
            " хлопка прячутся.",
            False,
        ),
    ],
)
def test_a_light_story_heard_as_lives_at_stake_is_still_light(
    lang: str, text: str, light: bool
) -> None:
    # Round 30's held-out coach: his fishing story was coded `human_life` (the lexicon heard «жена»
    # and «прячусь» together) and got «Ой, батюшки, как же вы это пережили?».
    move = _move(PATRIOT, lang, text, ("human_life", "personal_story"), "neutral", NEUTRAL)
    assert (move.source == "light_story") is light, move


def test_a_story_of_loss_still_gets_the_personas_own_reaction() -> None:
    from simulator.engine.move import light_story

    assert not light_story(
        "My grandfather was killed at Stalingrad, grandma raised three alone.", "en"
    )
    assert not light_story("У подруги сын погиб под Бахмутом, она до сих пор не верит.", "ru")


def test_later_in_a_call_a_guarded_respondent_does_not_ask_who_is_calling() -> None:
    memory = MoveMemory.of(["Да?", "Ну.", "Обычная, по сезону.", "Вот так."], [None] * 4)
    line = "I'm not making it up, I'm just telling you what I read."
    move = _move(FIRM, "en", line, (), "guarded", GUARDED, memory)
    assert move.source == "backchannel", move


def test_a_long_question_with_no_you_asks_an_opinion_a_short_one_about_their_life() -> None:
    from simulator.engine.move import _unanswered_lines

    opinion = _unanswered_lines(
        "А от обычных людей что-то зависит, или всё решают наверху?", "ru", "neutral"
    )
    assert "Сложный вопрос. Не знаю." in opinion
    life = _unanswered_lines("А летом на море выбираетесь когда-нибудь?", "ru", "neutral")
    assert "Да как у всех, ничего особенного." in life
    assert "Same as everyone, really. Nothing special." in _unanswered_lines(
        "Got any pets?", "en", "neutral"
    )


def test_a_stance_that_fits_worse_than_a_topic_does_not_answer() -> None:
    line = "Thank you. I'm a volunteer, I'd like to hear how ordinary people in Russia are doing."
    move = _move(PATRIOT, "en", line, ("open_question",), "guarded", GUARDED)
    assert move.kind != "stance", move


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Я сама из России, просто сейчас живу не там. Вам удобно пару минут?"),
        ("ru", "Здравствуйте, я, наверное, не вовремя? Меня Аня зовут."),
        ("en", "I know it's strange, a stranger phoning you. Would you be ok to talk for a bit?"),
    ],
)
def test_more_ways_of_asking_leave_to_talk(lang: str, text: str) -> None:
    from simulator.engine.move import asks_permission

    assert asks_permission(text, lang)
    assert not asks_permission("Are you ok?", "en")


def test_reassurance_and_shared_values_are_not_light_stories() -> None:
    from simulator.engine.move import light_story

    assert not light_story("Спасибо большое. Вы не подумайте, я ничего не продаю, честно)", "ru")
    assert not light_story(
        "Whatever we think about politics, I believe we love our families the same way", "en"
    )


@pytest.mark.parametrize(
    ("lang", "text", "light"),
    [
        ("en", "My son's learning to ride a bike, he's got more bruises than sense.", True),
        ("ru", "Мы вчера с детьми пироги пекли, вся кухня в муке.", True),
        ("en", "I read a lot these days, the evenings are long and the telly's rubbish.", True),
        # Round 29's held-out calls: the war named in an everyday story, and a death.
        ("en", "My neighbour's girl comes round to borrow books. Her dad's at the front.", False),
        ("ru", "Подруга с детьми в подвале сидит, читает им сказки при фонарике.", False),
        ("en", "My wife passed away two years ago, so I read a great deal now.", False),
        # Round 30: long stories, near no example as a whole (a lost match in the rain came out
        # 0.25 from the nearest light example), and a refugee in the caller's choir.
        (
            "en",
            "Last Sunday our allotment society had its autumn show. My marrow came third out of"
            " three, and the judge, a retired vicar, patted it like a dog and said it had"
            " character. My wife hasn't stopped laughing since, and the marrow is still sitting"
            " on the kitchen table.",
            True,
        ),
        (
            "ru",
            "В субботу ездили с внуком на рыбалку, на озеро. Встали в пять, туман, комары, ни одной"
            " поклёвки до обеда. А потом он вытащил окуня с ладошку и так кричал, что вся округа"
            " слышала. Теперь только про это и рассказывает.",
            True,
        ),
        (
            "en",
            "A woman in our knitting circle came from Mariupol with her two boys. For weeks she"
            " said nothing at all, just knitted. Then she showed us a scarf her mother taught her.",
            False,
        ),
    ],
)
def test_an_everyday_story_is_light_one_naming_the_war_or_a_death_is_not(
    lang: str, text: str, light: bool
) -> None:
    from simulator.engine.move import light_story

    assert light_story(text, lang) is light


# -- a reflection that checks itself, and leave to talk in the persona's own words -------------


@pytest.mark.parametrize(
    ("lang", "text", "coded_reflection", "checks"),
    [
        ("ru", "Звучит так, будто забот хватает. Я правильно поняла?", False, True),
        ("ru", "Если я правильно понимаю, для вас главное — семья?", False, True),
        ("ru", "Получается, вам сейчас тяжело, так?", True, True),
        ("ru", "Получается, вам сейчас тяжело, так?", False, False),  # a bare tag needs the code
        ("ru", "Вам сейчас тяжело?", True, False),
        ("ru", "Звучит так, будто забот хватает. Я правильно поняла.", True, False),
        ("en", "So work takes most of your energy. Have I got that right?", False, True),
        ("en", "If I'm hearing you right, family comes first. Is that fair?", False, True),
        ("en", "So it's been a hard year, right?", True, True),
        ("en", "Do you get the news from TV?", True, False),
        # Round 30's held-out calls: "about right" and a bare "Fair?" got "hard to say".
        (
            "en",
            "So music goes with home and family for you. Have I got that about right?",
            False,
            True,
        ),
        ("en", "So you've got your own way of seeing this, from your own life. Fair?", True, True),
    ],
)
def test_a_reflection_that_checks_itself_is_recognised(
    lang: str, text: str, coded_reflection: bool, checks: bool
) -> None:
    from simulator.engine.move import checks_reflection

    assert checks_reflection(text, lang, coded_reflection) is checks


def test_a_checked_reflection_is_taken_and_followed_by_more_not_hard_to_say() -> None:
    # Read in round 12: "So it sounds like you've got a lot on your plate... Have I got that
    # right?" was answered "We get by, like everyone." and a summary "Нормально. Как у всех."
    worries = next(t for t in PATRIOT.lore.topics if t.id == "worries")
    said = worries.lines.neutral.ru[0]
    memory = MoveMemory.of(["Алло?", said], [None, "topic:worries"])
    memory.restated = False
    line = "Давайте я проверю, правильно ли я вас слышу: вам главное, чтобы было спокойно. Так?"
    move = _move(PATRIOT, "ru", line, ("closed_question",), "neutral", OPEN, memory)
    acknowledged = ("Ну да, можно и так сказать.", "Пожалуй, что так.", "Ну, наверное, да.")
    assert move.source == "acknowledge" and move.follow == "topic:worries", move
    assert move.line.startswith(acknowledged) and said not in move.line
    assert any(more in move.line for more in worries.lines.neutral.ru)
    hostile = _move(PATRIOT, "ru", line, ("closed_question",), "hostile", GUARDED, memory)
    assert hostile.follow is None and hostile.line in ("Вам-то откуда знать.",
        "Не надо за меня додумывать.")  # fmt: skip


def test_a_checked_reflection_that_lectures_is_answered_as_a_lecture() -> None:
    line = "Ukraine never attacked anyone, is that fair?"
    move = _move(FIRM, "en", line, ("closed_question", "reflection", "lecture"))
    assert move.source != "acknowledge" and not move.source.startswith("reaction:reflection")


def test_leave_to_talk_is_given_in_the_personas_own_words_once_at_the_start() -> None:
    assert PATRIOT.lore.permission is not None
    own = list(PATRIOT.lore.permission.neutral.ru)
    asked = "Здравствуйте! Меня зовут Оля. У вас есть пара минут?"
    first = _move(PATRIOT, "ru", asked, ("closed_question",), "neutral", OPEN,
        MoveMemory.of(["Алло?"], [None]))  # fmt: skip
    assert first.source == "permission" and first.line in own
    again = _move(PATRIOT, "ru", "Я сама из Перми. Просто поговорить хотела. Можно?",
        ("closed_question",), "neutral", OPEN, MoveMemory.of(["Алло?", first.line],
        [None, "permission"]))  # fmt: skip
    assert again.source == "permission" and again.line not in own
    late = MoveMemory.of(["Алло?", "a", "b", "c", "d"], [None] * 5)
    later = _move(PATRIOT, "ru", "Можно задать вам вопрос?", ("closed_question",),
        "neutral", OPEN, late)  # fmt: skip
    assert later.source == "permission" and later.line not in own


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Просто хочется узнать, как вы там живёте. Можно?"),
        ("en", "I'd just like to hear how people are doing there. Is that ok?"),
        # Round 25's held-out `emigre` call: answered «Друзья есть, как у всех. А что?».
        ("ru", "Я Дмитрий, из Екатеринбурга. Можно с вами пару минут просто поговорить?"),
        ("en", "I'm Anna, I'm from Yekaterinburg. Could we just talk for five minutes?"),
        # ...and the `student`'s, answered «Сложно сказать. А вам зачем?» by four personas.
        ("ru", "слушайте, можно спрошу немного про серьёзное? если не хотите, скажите, я пойму"),
        ("en", "can i ask something a bit more serious? totally ok if you'd rather not"),
    ],
)
def test_a_bare_may_i_after_saying_why_asks_leave(lang: str, text: str) -> None:
    from simulator.engine.move import asks_permission

    assert asks_permission(text, lang)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Ясно. А чем занимаетесь, если можно спросить?"),
        ("ru", "А где вы работаете, если позволите спросить?"),
        ("en", "And what do you do for a living, if I may ask?"),
        ("en", "What do you do for work, if you don't mind me asking?"),
    ],
)
def test_if_i_may_ask_wraps_a_question_and_does_not_ask_leave(lang: str, text: str) -> None:
    # A practice call of round 25: «А чем занимаетесь, если можно спросить?» got «Смотря о чём.
    # Ну, говорите.», as if the caller had only asked leave to ask.
    from simulator.engine.move import asks_permission

    assert not asks_permission(text, lang)
    engineer = with_small_talk(load_persona(bundled_personas_dir() / "suspicious-respondent.yaml"))
    move = _move(engineer, lang, text, ("open_question",), "guarded", GUARDED)
    assert move.source != "permission", move
    assert move.source.startswith(("topic:", "fact:", "smalltalk:")), move


@pytest.mark.parametrize(
    ("persona_id", "lang", "text", "codes", "passing"),
    [
        ("firm-supporter", "en", "I see it differently, but I'm not calling to argue. So many "
         "young men are dying on both sides, Russian and Ukrainian. That's what breaks my heart.",
         ("human_life",), "ukrainians"),
        ("suspicious-respondent", "ru", "Я вот иногда думаю, что матери везде одинаково плачут — "
         "и в России, и в Украине.", ("common_ground",), "ukraine"),
    ],
)  # fmt: skip
def test_lives_named_beside_a_country_are_about_lives(
    persona_id: str, lang: str, text: str, codes: tuple[str, ...], passing: str
) -> None:
    # Practice calls of round 25: the first got "Well, brotherly, it used to be.", the second
    # «Завод наш с Запорожьем работал, до четырнадцатого.»: a topic named in passing.
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    assert lore_index(persona, lang).matches(text)[0].id == passing
    for seed in range(6):
        move = _move(persona, lang, text, codes, "guarded", GUARDED, seed=seed)
        assert move.source == f"reaction:{codes[0]}", move
    # A topic such a line is about is still answered.
    mother = with_small_talk(load_persona(bundled_personas_dir() / "mobilised-son-mother.yaml"))
    about = "I keep thinking about the mothers on both sides. Every one of them just wants her son "
    about += "to walk back through the door."
    move = _move(mother, "en", about, ("human_life",), "guarded", GUARDED)
    assert move.source == "topic:other_mothers", move


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "А дети, внуки у вас есть? Часто навещают?"),
        ("ru", "А внуки часто к вам приезжают?"),
    ],
)
def test_a_secret_named_by_one_word_does_not_answer_a_question_about_something_else(
    lang: str, text: str
) -> None:
    # A practice call of round 25: the pensioner answered «А дети, внуки у вас есть?» with the
    # money she hides for her grandson's escape («Я, милок, никому не говорила...»), a fact keyed
    # by «внук», ahead of her grandchildren, which the question is about.
    pensioner = with_small_talk(load_persona(bundled_personas_dir() / "village-pensioner.yaml"))
    found = lore_index(pensioner, lang).matches(text)
    assert found[0].id == "grandchildren" and "vanya_coward" in [m.id for m in found], found
    for seed in range(6):
        move = _move(pensioner, lang, text, ("closed_question",), "open", OPEN, seed=seed)
        assert move.source == "topic:grandchildren", move
    # Asked about the grandson's courage itself, she tells it.
    about = "А внук ваш что говорит, пойдёт, если позовут? Он не трус?"
    move = _move(pensioner, lang, about, ("closed_question",), "open", OPEN)
    assert move.source == "fact:vanya_coward", move


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Спасибо, что не положили трубку. А вы сами откуда, если не секрет?"),
        ("en", "Thank you, really. Whereabouts are you, if you don't mind me asking?"),
    ],
)
def test_where_are_you_from_is_answered_about_their_place(lang: str, text: str) -> None:
    # Round 25's held-out `emigre`: answered «Мама всегда говорила: лишь бы не было войны»,
    # "Hm. Hard to say, honestly." and potholes.
    for path in sorted(bundled_personas_dir().glob("*.yaml")):
        persona = with_small_talk(load_persona(path))
        move = _move(persona, lang, text, ("closed_question",), "guarded", GUARDED)
        assert move.source not in ("unanswered", "topic:mother"), (path.stem, move)
        assert move.source.startswith(("smalltalk:", "topic:")), (path.stem, move)


def test_roughly_where_you_are_is_asking_where_they_are_from() -> None:
    # Round 26's held-out `history`: three personas answered with the roads.
    text = "May I ask roughly where you are? Just the town or the region is plenty."
    for path in sorted(bundled_personas_dir().glob("*.yaml")):
        persona = with_small_talk(load_persona(path))
        move = _move(persona, "en", text, ("closed_question",), "guarded", GUARDED)
        # The pensioner has her own (round 29): her village near Tambov.
        assert move.source in ("smalltalk:where_from", "topic:where_from"), (path.stem, move)


def test_mm_after_where_are_you_from_does_not_answer_it_again() -> None:
    # The second reading of round 25's `emigre`: "Mm." got "From here, from Russia. An ordinary
    # place, like hundreds of others." after "From Russia, where else. I won't name the town."
    persona = with_small_talk(PATRIOT)
    asked = _move(persona, "en", "Whereabouts are you?", ("closed_question",), "neutral", NEUTRAL)
    assert asked.source == "smalltalk:where_from", asked
    memory = MoveMemory.of(["Hello?", asked.line], [None, asked.source])
    for seed in range(4):
        move = _move(persona, "en", "Mm.", (), "neutral", NEUTRAL, memory, seed=seed)
        assert move.source != "smalltalk:where_from", move
    # ...while after the weather a talkative respondent still goes on with it.
    weather = _move(persona, "en", "What's the weather like there?", ("open_question",),
                    "neutral", NEUTRAL)  # fmt: skip
    memory = MoveMemory.of(["Hello?", weather.line], [None, weather.source])
    assert _move(persona, "en", "Mm.", (), "neutral", NEUTRAL, memory).source == weather.source


WORK_TOPICS = {
    "doubtful-patriot": "work_clinic",
    "firm-supporter": "work",
    "it-worker": "work",
    "mobilised-son-mother": "work_shop",
    "suspicious-respondent": "job",
    "village-pensioner": "school",
}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "А вы кем работаете, если не секрет?"),
        ("en", "so what do you do for work, if you dont mind me asking?"),
    ],
)
def test_what_do_you_do_for_work_reaches_their_work(lang: str, text: str) -> None:
    _reaches_work(text, lang)


def test_a_question_after_a_chat_smiley_is_what_the_line_asks() -> None:
    # Round 25's held-out `student` typed «((» for a full stop: the firm supporter heard his
    # studies and answered about his daughter's («Учится. Всё у неё нормально.»).
    text = "у меня щас учёба жёсткая, матан вообще не даётся(( а вы кем работаете, если не секрет?"
    _reaches_work(text, "ru")
    from simulator.engine.lore import line_sentences

    assert line_sentences("Я (как и многие) скучаю. А вы?") == ["Я (как и многие) скучаю.", "А вы?"]
    assert line_sentences("im rewatching the office lol :) do you watch any shows?")[-1] == (
        "do you watch any shows?"
    )


def _reaches_work(text: str, lang: str) -> None:
    # Round 25's held-out `student`: the soldier's mother answered «Не берусь судить.», the
    # doubtful patriot and the firm supporter talked about the roads.
    for persona_id, topic in WORK_TOPICS.items():
        persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
        assert lore_index(persona, lang).matches(text)[0].id == topic, persona_id


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "ru",
            "Меня часто спрашивают: «Ну и чего ты сбежал?» А вы как к тем, кто уехал, относитесь?",
        ),
        ("ru", "А вы сами никогда не думали уехать? Или для вас это вообще не вариант?"),
        ("en", 'People ask me, "So why did you run away?" How do you feel about people who left?'),
        ("en", "Have you ever thought about leaving? Or is that not something you'd consider?"),
    ],
)
def test_those_who_left_and_leaving_are_answered_by_every_persona(lang: str, text: str) -> None:
    # Round 25's held-out `emigre` (a Russian who left in 2022): every persona answered "Hard to
    # say", «Не ваше дело» or nothing that fitted.
    for path in sorted(bundled_personas_dir().glob("*.yaml")):
        persona = with_small_talk(load_persona(path))
        found = lore_index(persona, lang).matches(text)
        assert found and found[0].id in ("emigrants", "relocation", "would_leave"), (path, found)


@pytest.mark.parametrize(
    ("lang", "line", "nod"),
    [
        ("ru", "Угу, понимаю вас.", True),
        ("ru", "Да, ясно.", True),
        ("en", "Mm, I see.", True),
        ("en", "Yeah, I get it.", True),
        # Round 25's held-out calls: thanked for as sympathy ("Yes, it's hard, you're right.").
        ("en", "Yeah. I get that.", True),
        ("en", "haha fair", True),
        ("en", "That makes sense.", True),
        ("ru", "а, понятно", True),
        ("en", "That makes sense, it must be hard for you.", False),
        ("ru", "Понимаю, как вам тяжело.", False),
        ("en", "I see. And your son?", False),
        ("en", "I understand how hard that must be for you.", False),
    ],
)
def test_a_nod_is_a_nod_even_when_the_coder_hears_sympathy(lang: str, line: str, nod: bool) -> None:
    from simulator.engine.move import nods

    assert nods(line, lang) is nod


def test_a_nod_lets_them_go_on_not_thank_the_caller_for_asking() -> None:
    # Read in round 12: «Угу, понимаю вас.» was answered «Ой, спасибо. Меня мало кто спрашивает,
    # как я.» (the coder heard empathy in it).
    worries = next(t for t in PATRIOT.lore.topics if t.id == "worries")
    said = worries.lines.neutral.ru[0]
    memory = MoveMemory.of(["Алло?", said], [None, "topic:worries"])
    move = _move(PATRIOT, "ru", "Угу, понимаю вас.", ("empathy",), "neutral", OPEN, memory)
    assert move.source == "topic:worries" and move.line in worries.lines.neutral.ru, move


def test_an_open_question_is_not_answered_with_a_bare_yes_first() -> None:
    # Read in round 12: "How do you feel about the war?" answered «Да. Я верю своему президенту.»
    stance = next(s for s in PATRIOT.lore.stances if s.id == "support_operation")
    assert any(line.startswith("Да. ") for line in stance.answers.neutral.ru)
    for seed in range(12):
        asked = _move(PATRIOT, "ru", "А как вы вообще относитесь к войне в Украине?",
            ("open_question",), "neutral", OPEN, seed=seed)  # fmt: skip
        assert asked.source == "stance:support_operation" and not asked.line.startswith("Да")
        assert any(asked.line in line for line in stance.answers.neutral.ru)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Whatever helps you sleep at night."),
        ("ru", "Ну спите спокойно тогда, раз вам так удобнее."),
    ],
)
def test_a_jab_that_names_small_talk_is_not_answered_as_small_talk(lang: str, text: str) -> None:
    # A practice call answered "Whatever helps you sleep at night." with "Don't tell me what to
    # think. Are you my doctor or something, asking about my health?": the word "sleep" picked
    # the shared small talk about health after the reaction to the jab.
    persona = with_small_talk(FIRM)
    named = [m.id for m in lore_index(persona, lang).matches(text)]
    assert "health" in named, "the line should name the small talk it is tested on"
    for seed in range(12):
        move = _move(persona, lang, text, ("confront",), "guarded", GUARDED, seed=seed)
        assert move.kind == "react" and move.source == "reaction:confront", move
        assert "smalltalk" not in (move.follow or ""), move


def test_a_reaction_and_its_follow_on_do_not_open_with_the_same_word() -> None:
    # "Oh sure. You know it all better. Oh sure, they were just passing by." read as a stammer.
    text = "Right, and I suppose NATO forced you to invade too."
    for seed in range(30):
        move = _move(FIRM, "en", text, ("confront",), "guarded", GUARDED, seed=seed)
        first_words = [re.findall(r"\w+", part.lower())[0] for part in _parts(move.line)]
        assert len(first_words) < 2 or first_words[0] != first_words[-1], move.line


def _parts(line: str) -> list[str]:
    """The reaction and what follows it: the authored lines are joined with one space, and
    each reaction line of the firm supporter ends a sentence."""
    reactions = _mood_lines_of(FIRM, "confront", "guarded", "en")
    for reaction in reactions:
        if line.startswith(reaction):
            rest = line[len(reaction) :].strip()
            return [reaction, rest] if rest else [reaction]
    return [line]


def _mood_lines_of(persona, code: str, mood: str, lang: str) -> list[str]:  # type: ignore[no-untyped-def]
    return list(persona.lore.reactions[code].get(mood).get(lang))


@pytest.mark.parametrize(
    ("lang", "text", "about_the_place"),
    [
        ("ru", "Как вам вообще сейчас живётся в Новосибирске?", True),
        ("en", "How's life there in Novosibirsk these days?", True),
        # A key «житься в» (and "life like in") for the questions above also took «живётся в
        # последнее время» to "An ordinary place, nothing interesting."
        ("ru", "Как вы сейчас, как вам живётся в последнее время?", False),
        ("en", "What's life like in these hard times?", False),
    ],
)
def test_how_life_is_in_their_city_is_small_talk_about_the_place(
    lang: str, text: str, about_the_place: bool
) -> None:
    # A practice call with the IT worker answered «Как вам вообще сейчас живётся в
    # Новосибирске?» with a line about school lessons: the city's name made the question most
    # like the persona's example «Хорошие в Новосибирске школы?».
    persona = with_small_talk(load_persona(bundled_personas_dir() / "it-worker.yaml"))
    move = _move(persona, lang, text, ("open_question",), "guarded", GUARDED)
    assert (move.source == "smalltalk:hometown") == about_the_place, move


_TOUCHED = re.compile(
    r"не трога|не тронь|не приплета|приплетать|не впутыва|leave (him|her|my|them)|out of (it|this)"
    r"|drag (him|her|them|my)",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    "persona_id", sorted(p.stem for p in bundled_personas_dir().glob("*.yaml"))
)
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "ru",
            "Мой дедушка прошёл всю войну, до Кёнигсберга дошёл. Он повторял: лишь бы не было "
            "войны.",
        ),
        ("en", "My grandad sailed on the Arctic convoys in the war. It'd break his heart now."),
    ],
)
def test_the_callers_own_grandfather_is_not_heard_as_theirs(
    persona_id: str, lang: str, text: str
) -> None:
    # Seen in scripted calls (and in the rated replies of round 17): a volunteer's story about
    # their own grandfather got «Деда моего не трогайте…» / "Leave my grandfather out of it".
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    hostile = RespondentState(trust=0.05, openness=0.0, irritation=0.8)
    for mood, state in (("hostile", hostile), ("guarded", GUARDED)):
        for seed in range(6):
            move = _move(persona, lang, text, ("personal_story",), mood, state, seed=seed)
            assert not _TOUCHED.search(move.line), (persona_id, mood, move.source, move.line)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Sorry, that came out harsh. I get upset because my friend's son died there."),
        ("ru", "Простите, я резко сказала. Просто у подруги сын там погиб."),
    ],
)
def test_an_apology_that_tells_a_loss_is_not_met_with_a_bare_forget_it(
    lang: str, text: str
) -> None:
    # Seen in a scripted call: the apology and the friend's dead son got "Fine. Let's leave it."
    codes = ("human_life", "personal_story")
    for mood, state in (("guarded", GUARDED), ("open", OPEN)):
        move = _move(PATRIOT, lang, text, codes, mood, state)
        assert move.kind == "apology", (mood, move)
        assert re.search(r"sorry|сочувству", move.line, re.IGNORECASE), (mood, move.line)
    # An apology alone is still just accepted.
    plain = "Sorry, that came out harsh." if lang == "en" else "Простите, я резко сказала."
    move = _move(PATRIOT, lang, plain, (), "guarded", GUARDED)
    assert move.kind == "apology" and not re.search(r"сочувству|sorry", move.line, re.I), move


_PERSONAS = sorted(p.stem for p in bundled_personas_dir().glob("*.yaml"))
NEUTRAL = RespondentState(trust=0.3, openness=0.3, irritation=0.15)
HOSTILE = RespondentState(trust=0.05, openness=0.05, irritation=0.75)


@pytest.mark.parametrize("persona_id", _PERSONAS)
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "My friend's son was killed at the front last spring."),
        ("ru", "У подруги сын погиб на фронте прошлой весной."),
        ("en", "My cousin died near Bakhmut. His mum still keeps his room as it was."),
        (
            "ru",
            "У меня двоюродный брат погиб под Бахмутом. Тётя до сих пор его комнату не трогает.",
        ),
    ],
)
def test_a_callers_story_of_a_death_gets_sympathy_not_a_topic_it_names_in_passing(
    persona_id: str, lang: str, text: str
) -> None:
    # Seen in scripted calls: "My friend's son was killed at the front" was answered by the
    # mobilised soldier's mother with her lines about "murderers" ("I don't ask about that")
    # and by the firm supporter with his own schoolboy son ("He's still at school"). A hostile
    # respondent is curt, but still does not answer a friend's son killed near Bakhmut with «Придёт
    # его время, отслужит, как я» (round 27's Russian call in the app).
    from simulator.engine.move import STORY_TOPIC

    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    about = {m.id for m in lore_index(persona, lang).matches(text) if m.meaning >= STORY_TOPIC}
    codes = ("human_life", "personal_story")
    moods = (("hostile", HOSTILE), ("guarded", GUARDED), ("neutral", NEUTRAL), ("open", OPEN))
    for mood, state in moods:
        for seed in range(3):
            move = _move(persona, lang, text, codes, mood, state, seed=seed)
            if move.kind == "fact":
                continue  # an open respondent's own story of a loss answers it well
            if move.kind == "topic":
                # a topic the story is about by meaning ("Nearly everyone has someone now")
                assert move.source.partition(":")[2] in about, (persona_id, mood, move)
                continue
            assert move.source == "condolence", (persona_id, mood, move)
            assert re.search(r"sorry|сочувству", move.line, re.IGNORECASE), (mood, move.line)


def test_a_story_without_a_death_in_the_war_gets_no_condolence() -> None:
    # A brother who served and came home is no loss; nor is a grandmother remembered "until the
    # day she died" (the held-out storyteller's lines: a condolence there read as mockery).
    mother = load_persona(bundled_personas_dir() / "mobilised-son-mother.yaml")
    for lang, text in (
        (
            "en",
            "My brother served too, years ago. Our mum couldn't sleep the whole time he was away.",
        ),
        ("ru", "Мой брат тоже служил когда-то. Мама всё время не спала, пока он был там."),
        ("ru", "Бабушка моя до самой смерти повторяла: лишь бы не было войны."),
        ("en", "Until the day she died my grandmother never threw away a single crust of bread."),
        ("en", "My dad nearly died of covid, he was in hospital for a month."),
        ("ru", "Папа чуть не умер от ковида, месяц в больнице лежал."),
        ("en", "I light a candle every Sunday for the ones who've died on both sides."),
    ):
        for mood, state in (("guarded", GUARDED), ("neutral", NEUTRAL)):
            move = _move(mother, lang, text, ("personal_story", "human_life"), mood, state)
            assert move.source != "condolence", (lang, mood, move)


@pytest.mark.parametrize("persona_id", _PERSONAS)
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "en",
            "I wasn't much of a churchgoer for years. Then my husband Tom died, and the priest sat"
            " with me in the hospital at three in the morning.",
        ),
        ("ru", "Я ведь в храм пришла, когда мама умерла, лет пятнадцать назад."),
        ("en", "This was my father's farm. Dad passed away six years back."),
        ("ru", "Отец мой умер, когда мне было десять, мать нас троих одна тянула."),
    ],
)
def test_a_callers_bereavement_outside_the_war_gets_sympathy(
    persona_id: str, lang: str, text: str
) -> None:
    # Round 27's held-out church volunteer: "Then my husband Tom died" was answered by the
    # soldier's mother with her own husband ("In the evenings he goes out to the garage").
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    for mood, state in (("guarded", GUARDED), ("neutral", NEUTRAL), ("open", OPEN)):
        move = _move(persona, lang, text, ("human_life", "personal_story"), mood, state)
        if move.kind == "fact":
            continue  # an open respondent's own story of a loss answers it well
        assert move.source == "condolence", (persona_id, mood, move)


def test_time_to_kill_is_no_death_and_a_later_story_gets_no_grief() -> None:
    # Round 27's held-out lorry driver: "I've got time to kill" was heard as a death told, so
    # every persona met his joke about his old van with grief ("Lord... Hold on.").
    from simulator.engine.move import tells_of_loss

    assert not tells_of_loss("I'm at a truck stop, so I've got time to kill.", "en")
    assert not tells_of_loss("This heat is killing me.", "en")
    assert tells_of_loss("They killed my cousin.", "en")
    assert tells_of_loss("Has anyone you know been killed there?", "en")
    call = Call(with_small_talk(PATRIOT), "en", FakeBackend([]), seed=3)
    call.pick_up()
    for text in (
        "I'm at a truck stop waiting on the ferry, so I've got time to kill.",
        "I've got an old van at home I keep patching up. My wife says I love it more than her.",
    ):
        call.say(text)
        list(call.reply())
    assert call.turns[-1].move != "grief", call.turns[-1]


def test_grief_for_a_death_told_earlier_does_not_assume_it_was_the_callers_family() -> None:
    # Round 27's held-out church singer told of the funerals she sings at for refugees' sons;
    # her candles for every mother's boys were answered «Бедная ваша семья. Дай бог вам сил.»
    from simulator.engine.move import _courtesy_data

    for moods in _courtesy_data("story")["grief"].values():
        for mood, lines in moods.items():
            for line in lines:
                assert not re.search(r"your (poor )?family|ваш\w* семь", line, re.I), (mood, line)


def test_a_story_about_one_of_their_topics_is_still_answered_on_it() -> None:
    # A story that is about their topic by meaning, not a word in passing, keeps its answer.
    text = "My grandfather fought at Stalingrad. He never talked about it."
    move = _move(FIRM, "en", text, ("personal_story",), "neutral", NEUTRAL)
    assert move.source.startswith("topic:ww2"), move
    # And a death told before a question is answered as a question.
    text = "My friend's son was killed there. Do you know anyone at the front?"
    codes = ("closed_question", "human_life", "personal_story")
    move = _move(FIRM, "en", text, codes, "neutral", NEUTRAL)
    assert move.source != "condolence", move


def test_a_reply_does_not_open_like_the_last_two_when_another_line_fits() -> None:
    # A scripted call gave the doubtful patriot «Понимаете, ...» in three of six replies.
    said = [
        "Понимаете, я вообще-то обед готовлю.",
        "Тихо у нас, спокойно.",
        "Понимаете, так было надо.",
    ]
    memory = MoveMemory.of(said, [None] * len(said))
    text = "Вы правда думаете, что там фашисты? Это же пропаганда!"
    lines = set()
    for seed in range(8):
        move = _move(PATRIOT, "ru", text, ("confront",), "neutral", NEUTRAL, memory, seed)
        assert move.source == "reaction:confront", move
        lines.add(move.line)
    assert lines == {"Зачем вы так резко? Я же с вами нормально."}
    # With no such reply before it, either of her two lines may come.
    lines = {
        _move(PATRIOT, "ru", text, ("confront",), "neutral", NEUTRAL, seed=seed).line
        for seed in range(8)
    }
    assert "Понимаете, так вы меня не убедите." in lines


def test_an_open_question_is_not_answered_with_a_bare_of_course_they_do() -> None:
    # A scripted call: "I read that Russia is bombing civilians in Ukraine. What do you think
    # about that?" got the firm supporter's "Of course they do. Everyone suffers.", an answer
    # to "Do Ukrainians suffer?" that here agrees Russia bombs civilians.
    text = "I read that Russia is bombing civilians in Ukraine. What do you think about that?"
    codes = ("open_question", "human_life", "lecture")
    lines = {_move(FIRM, "en", text, codes, "guarded", GUARDED, seed=s).line for s in range(12)}
    assert "Everyone suffers." in lines
    assert not any(line.startswith("Of course they do") for line in lines), lines


@pytest.mark.parametrize(
    ("persona_id", "lang", "text", "entry"),
    [
        # Scripted calls this round: each was answered from the entry in the comment.
        ("suspicious-respondent", "ru", "А вам самому не страшно, что могут призвать?",
         "fear_mobilisation"),  # «не страшно» of "is it safe to talk": «Все звонки пишутся»
        ("suspicious-respondent", "en", "Aren't you afraid you could be called up yourself?",
         "fear_mobilisation"),
        ("suspicious-respondent", "ru", "Слушайте, а у вас на работе кого-нибудь мобилизовали?",
         "families_at_front"),  # his job: «Инженер. Больше ничего не скажу.»
        ("it-worker", "ru", "Слушайте, а у вас на работе кого-нибудь мобилизовали?",
         "families_at_front"),  # his job: «Ну, за компьютером сижу, как все.»
        ("suspicious-respondent", "en", "Has anyone at your work been mobilised?",
         "families_at_front"),
        ("suspicious-respondent", "ru", "а вы как думаете, зачем это всё вообще?",
         "the_war"),  # how he copes: «Держусь, как все. Куда деваться.»
        ("village-pensioner", "ru", "А что для вас самое главное сейчас?",
         "hopes"),  # her day: «Автолавка нынче приезжала, я за хлебом сходила...»
        ("firm-supporter", "en", "What matters most to you right now?", "hopes"),
        ("it-worker", "ru", "А что для вас сейчас важнее всего?", "hopes"),
        ("mobilised-son-mother", "ru", "Что для вас сейчас самое главное?", "hopes"),
        ("mobilised-son-mother", "ru", "Вы, наверное, каждый день ждёте его звонка.",
         "phone_calls"),  # «звонок» of "who are you": «Я со смены только пришла. А вы кто будете?»
        ("mobilised-son-mother", "en", "You must wait for his call every day.", "phone_calls"),
        ("it-worker", "en", "What would need to change for you to feel safe speaking openly?",
         "phone_safety"),  # how life has changed: "Everything's fine, nothing's changed."
        ("it-worker", "ru", "Вы можете говорить открыто о войне?", "phone_safety"),
        # ...and asking whether it is safe to talk is still that.
        ("doubtful-patriot", "ru", "Вам не страшно со мной по телефону разговаривать?",
         "safe_to_talk"),
        ("suspicious-respondent", "ru", "Вам не страшно со мной по телефону разговаривать?",
         "recording_fsb"),
        ("mobilised-son-mother", "ru", "А вообще не страшно так говорить, по телефону?",
         "safe_to_talk"),
        # Asking how they feel about the war is asking where they stand, not why it began:
        # the IT worker answered «Президент есть президент» from his politics small talk.
        ("it-worker", "ru", "А как вы относитесь к войне?", "support_operation"),
        ("it-worker", "en", "How do you feel about the war?", "support_operation"),
        ("firm-supporter", "ru", "Что вы думаете о войне?", "support_operation"),
        ("mobilised-son-mother", "en", "What's your view on the war?", "support_operation"),
        ("village-pensioner", "ru", "Как вы относитесь к тому, что происходит?",
         "support_operation"),
        ("doubtful-patriot", "en", "What do you think about the war in Ukraine?",
         "support_operation"),
        # ...while why it began is still their own account of it.
        ("it-worker", "en", "What do you think the war is really about?", "politics"),
        ("firm-supporter", "ru", "Из-за чего, по-вашему, на самом деле эта война?", "nato"),
        # Being called up is not a phone call ("call you"): round 24's held-out `direct` calls.
        ("it-worker", "en", "Would you go yourself if they called you up?",
         "mobilisation"),  # was the call itself: "Fine, you've got the right to call"
        ("village-pensioner", "en", "Would you go yourself if they called you up?",
         "fear_mobilisation"),  # was "Well, since you've rung, go on"
        ("mobilised-son-mother", "en", "Would you go yourself if they called you up?",
         "mobilisation"),  # was her son's phone calls
        ("suspicious-respondent", "en", "Would you go yourself if they called you up?",
         "mobilisation"),
    ],
)  # fmt: skip
def test_a_question_is_answered_from_the_entry_it_asks_about(
    persona_id: str, lang: str, text: str, entry: str
) -> None:
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    assert lore_index(persona, lang).matches(text)[0].id == entry


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Вы знаете, что ваша армия бомбит мирные города?"),
        ("en", "Do you know your army is bombing peaceful cities?"),
    ],
)
def test_an_accusation_about_the_army_is_not_hit_back_with_mobilisation(
    lang: str, text: str
) -> None:
    # A scripted call: «Спорить не буду. Я новости каждый день смотрю. Надо будет, призовут.»
    for seed in range(6):
        move = _move(FIRM, lang, text, ("human_life", "confront"), "guarded", GUARDED, seed=seed)
        assert move.source == "reaction:confront", move
        assert "mobilisation" not in repr(move), move


def test_family_or_friends_in_ukraine_asks_about_their_relatives_there() -> None:
    # A scripted call: answered with her daughter who does not like to talk politics.
    for lang, text in (
        ("en", "Do you have family or friends in Ukraine?"),
        ("ru", "У вас есть родные или друзья в Украине?"),
    ):
        assert lore_index(PATRIOT, lang).matches(text)[0].id == "relatives_ukraine"


@pytest.mark.parametrize("persona_id", _PERSONAS)
def test_a_worrying_grandmother_is_not_the_war_their_grandfather_fought(persona_id: str) -> None:
    # A scripted call: "I think every grandparent worries. My own grandmother used to worry
    # about me all the time." got "My father got as far as Königsberg..." ("grandparent" was
    # a key of the Great Patriotic War).
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    text = (
        "I think every grandparent worries. My own grandmother used to worry about me all the time."
    )
    found = lore_index(persona, "en").matches(text)
    assert not found or not found[0].id.startswith("ww2"), found[:2]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "For you, is it a war or a special operation?"),
        ("ru", "А для вас это война или всё-таки спецоперация?"),
    ],
)
def test_war_or_special_operation_is_asked_about_the_word_and_not_answered_yes(
    lang: str, text: str
) -> None:
    # Round 24's held-out `direct` calls: this was matched to the firm supporter's stance on
    # the operation and answered "Yes. I'm on our side." / «Да. Я за своих.».
    persona = with_small_talk(FIRM)
    assert lore_index(persona, lang).matches(text)[0].id == "is_it_war"
    for seed in range(8):
        move = _move(persona, lang, text, ("closed_question",), "guarded", GUARDED, seed=seed)
        assert move.source == "stance:is_it_war", move
        assert not re.match(r"(Yes|No|Да|Нет)\b", move.line), move.line


def test_a_choice_is_not_answered_with_a_bare_yes_first() -> None:
    # An either-or question is closed, yet "Yes." answers neither half.
    stance = next(s for s in FIRM.lore.stances if s.id == "support_operation")
    assert "Yes. I'm on our side." in stance.answers.guarded.en
    persona = with_small_talk(FIRM)
    text = "Are you for or against what's happening?"
    lines = set()
    for seed in range(12):
        move = _move(persona, "en", text, ("closed_question",), "guarded", GUARDED, seed=seed)
        assert move.source == "stance:support_operation", move
        lines.add(move.line)
    assert "I'm on our side." in lines and not any(re.match(r"Yes\.", x) for x in lines), lines
    # "...or not?" is still a yes-or-no question.
    assert not asks_either_or("Do you support it or not?")
    assert not asks_either_or("Вы им верите или нет?")
    assert asks_either_or("Вы за или против?")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "What do you think about the war, honestly?"),
        ("ru", "А что вы вообще думаете про войну, честно?"),
    ],
)
def test_an_open_question_about_the_war_is_not_answered_yes_comma(lang: str, text: str) -> None:
    # A practice call of round 25: "What do you think about the war, honestly?" got "Yes, I
    # support it. We didn't start this, we're finishing it." A yes answers nothing that was asked.
    persona = with_small_talk(FIRM)
    lines = set()
    for mood, state in (("neutral", NEUTRAL), ("hostile", GUARDED), ("open", OPEN)):
        for seed in range(12):
            move = _move(persona, lang, text, ("open_question",), mood, state, seed=seed)
            assert move.source == "stance:support_operation", move
            lines.add(move.line)
    assert not any(re.match(r"(Yes|No|Да|Нет)\b", x) for x in lines), lines
    said = "I support it. We didn't start this" if lang == "en" else "Поддерживаю. Не мы это начали"
    assert any(x.startswith(said) for x in lines), lines


@pytest.mark.parametrize(
    ("lang", "where", "trust"),
    [
        ("en", "Where do you get your news from? TV, internet, Telegram?",
         "Do you trust it? Like, do you think they tell you the whole truth?"),
        ("ru", "А новости вы откуда узнаёте? Телевизор, интернет, телеграм?",
         "И вы им доверяете? Как думаете, вам там всю правду говорят?"),
    ],
)  # fmt: skip
def test_a_topic_answers_with_the_line_that_fits_the_question(
    lang: str, where: str, trust: str
) -> None:
    # Round 24's held-out calls: the doubtful patriot answered "Where do you get your news?"
    # with "the truth is somewhere in between" and then "Do you trust it?" with where her news
    # comes from. Each of her news lines says something of its own; the one asked for comes.
    topic = next(t for t in PATRIOT.lore.topics if t.id == "news_chat")
    lines = topic.lines.neutral.get(lang)
    sources, in_between = lines[1], lines[2]  # "I watch the news in the evening, ..."
    assert ("чат" in sources or "chat" in sources) and (
        "посередине" in in_between or "between" in in_between
    )
    codes = ("closed_question",)
    for seed in range(8):
        asked_where = _move(PATRIOT, lang, where, codes, "neutral", OPEN, seed=seed)
        assert asked_where.source == "topic:news_chat" and asked_where.line != in_between
        asked_trust = _move(PATRIOT, lang, trust, codes, "neutral", OPEN, seed=seed)
        assert asked_trust.source == "topic:news_chat" and asked_trust.line != sources


@pytest.mark.parametrize(
    ("lang", "loss", "more"),
    [
        ("ru", "Её убило в ноябре. Пошла за водой к колонке, и прилетело.",
         "Мне дочка позвонила, говорит: мам, тёти Вали больше нет. А я стою на работе с "
         "подносом и не понимаю, что она говорит."),
        ("en", "My little brother Taras was killed near Bakhmut last year.",
         "Taras had a daughter, she's four. She still asks when papa's coming back from work."),
    ],
)  # fmt: skip
def test_more_of_a_death_told_earlier_is_met_with_sympathy(lang: str, loss: str, more: str) -> None:
    # Round 24's held-out `bereaved` calls: after the caller told of a death, how they learned
    # of it got «Ну, это дело житейское» (the reply to an everyday story) and the dead man's
    # daughter got the respondent's own family ("My parents live nearby, they're retired.").
    codes = ("personal_story",)
    for persona_id in ("doubtful-patriot", "it-worker", "mobilised-son-mother"):
        persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
        for mood, state in (("guarded", GUARDED), ("neutral", NEUTRAL), ("open", OPEN)):
            memory = MoveMemory.empty()
            memory.loss_told = True
            move = _move(persona, lang, more, codes, mood, state, memory)
            # (an open respondent may answer with a loss of their own instead)
            shares_own = mood == "open" and move.source.startswith("fact:")
            assert move.source == "grief" or shares_own, (persona_id, mood, move)
            # ...and without the death told before, the story is not grief.
            assert _move(persona, lang, more, codes, mood, state).source != "grief"
            # The coder may hear only lives in it: still more of the story.
            memory = MoveMemory.empty()
            memory.loss_told = True
            lives = _move(persona, lang, more, ("human_life",), mood, state, memory)
            assert lives.source == "grief" or lives.source.startswith("fact:"), lives
    # A call remembers the death told in an earlier turn.
    call = Call(with_small_talk(PATRIOT), lang, FakeBackend([]), seed=3)
    call.pick_up()
    for text in (loss, more):
        call.say(text)
        list(call.reply())
    assert call.turns[-1].move == "grief", call.turns[-1]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Алло, здравствуйте. Меня зовут Ирина, я из Херсона. Вы только не бросайте "
               "трубку, пожалуйста. Можно с вами просто поговорить?"),
        ("en", "Hello, I'm Andriy, from Kharkiv. Please don't hang up. Can I just talk to you "
               "for a bit?"),
    ],
)  # fmt: skip
def test_asking_just_to_talk_is_asking_permission(lang: str, text: str) -> None:
    # «Можно с вами просто поговорить?» got five personas' small talk about friends ("Есть
    # рядом с кем поговорить?"): «просто» was not in the permission patterns.
    for persona_id in ("doubtful-patriot", "firm-supporter", "village-pensioner"):
        persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
        move = _move(persona, lang, text, ("closed_question", "autonomy"), "guarded")
        assert move.kind == "permission", (persona_id, move)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "How do people grieve over there? Do they talk about it, or keep it inside?"),
        ("ru", "А у вас кто-нибудь из знакомых погиб? Или, может, раненые вернулись?"),
    ],
)
def test_a_question_about_lives_is_not_agreed_with(lang: str, text: str) -> None:
    # "Yes, you're right. Every boy is somebody's son" / «Ох, деточка, правду говорите» are the
    # reactions to a caller who says lives matter, not answers to a question about them.
    codes = ("open_question", "closed_question", "human_life")
    for persona_id in ("mobilised-son-mother", "village-pensioner"):
        persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
        for seed in range(4):
            move = _move(persona, lang, text, codes, "open", OPEN, seed=seed)
            assert move.source != "reaction:human_life", (persona_id, move)


def test_the_dead_of_a_lecture_are_not_the_callers_own_loss() -> None:
    # The held-out `rookie` lectured about "tens of thousands of Russian soldiers killed" and
    # later told of his boy who loves dinosaurs: that is no grief to console.
    call = Call(with_small_talk(PATRIOT), "en", FakeBackend([]), seed=3)
    call.pick_up()
    for text in (
        "Independent journalists have counted tens of thousands of Russian soldiers killed, by "
        "name, and that's only the ones they could confirm.",
        "I've got a little boy, Alfie, he's five and completely obsessed with dinosaurs.",
    ):
        call.say(text)
        list(call.reply())
    assert "personal_story" not in (call.turns[1].codes or ())
    assert call.turns[-1].move != "grief", call.turns[-1]


@pytest.mark.parametrize(
    ("lang", "text", "kind"),
    [
        ("en", "Anyway, thank you for talking to me, really. I know it's a strange call to get "
               "from some foreigner.", "thanks"),
        ("ru", "Спасибо вам большое, что поговорили, правда. Я понимаю, что странно, когда вот "
               "так незнакомые звонят.", "thanks"),
        ("en", "Thank you for not hanging up on me. Really.", "thanks"),
        ("ru", "Спасибо вам, что выслушали. Правда, спасибо. Мне легче стало.", "thanks"),
        ("ru", "Дай бог, чтобы больше никто никого не терял. Берегите своих.", "bye"),
    ],
)  # fmt: skip
def test_thanks_with_a_word_about_the_call_takes_leave(lang: str, text: str, kind: str) -> None:
    # Round 24's held-out calls: a sentence after the thanks saying the call was strange made
    # them not a goodbye, and the respondent answered from the lore ("Oh, I thought it was my
    # son. Who are you?" at the end of the call).
    assert goodbye_kind(text, lang) == kind


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "How do people grieve over there? Do they talk about it, or keep it inside?"),
        ("ru", "А как у вас люди горе переживают? Говорят об этом или всё в себе держат?"),
    ],
)
def test_how_people_grieve_is_answered(lang: str, text: str) -> None:
    # Round 24's held-out `bereaved` calls: this got how life has changed («Работаю, как
    # работал. До пенсии год...») or "Hard to say"; it is shared small talk now (`grieving`).
    for persona_id in ("doubtful-patriot", "it-worker", "village-pensioner"):
        persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
        move = _move(persona, lang, text, ("open_question", "closed_question"), "neutral", NEUTRAL)
        assert move.source == "smalltalk:grieving", (persona_id, move)


@pytest.mark.parametrize("persona", [FIRM, PATRIOT])
def test_still_working_after_a_story_is_about_their_work(persona: object) -> None:
    # Held-out set 11: "a man with a heart attack" outweighed the question, and five of six
    # respondents answered with whether Ukraine would attack, or with their son at the front.
    text = (
        "I'm a bit half-asleep myself, sorry. I've just finished four nights in a row: two old"
        " ladies who fell, a man with a heart attack at four in the morning, and a drunk lad who"
        " wanted to fight me in the back of the ambulance. What do you do yourself, if it's not a"
        " secret? Still working, or retired?"
    )
    move = _move(persona, "en", text, ("open_question", "closed_question", "personal_story"))
    assert move.source.startswith("topic:work"), move


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_asked_again_about_a_topic_all_told_they_say_it_is_a_repeat(lang: str) -> None:
    # Held-out set 11: «А Девятое мая у вас как проходит?» got the grandfather's photo on the
    # table word for word, three turns after it was said (five of six respondents).
    from simulator.engine.move import _courtesy

    topic = next(t for t in PATRIOT.lore.topics if t.id == "ww2_family")
    told = list(topic.lines.get("guarded").get(lang))
    memory = MoveMemory(said=[*told, "Ну, да." if lang == "ru" else "Well, yes."], facts_told=set())
    text = {
        "ru": "А Девятое мая у вас как проходит? С Бессмертным полком ходите или больше дома?",
        "en": "And how does your family spend the ninth of May? Do you join the Immortal Regiment?",
    }[lang]
    move = _move(PATRIOT, lang, text, ("open_question", "closed_question"), memory=memory)
    assert move.source == "topic:ww2_family", move
    again = _courtesy("again")[1][lang]["guarded"]
    assert any(move.line.startswith(prefix + " ") for prefix in again), move.line
    assert move.line not in told


@pytest.mark.parametrize(
    "persona_id", ["mobilised-son-mother", "suspicious-respondent", "village-pensioner"]
)
@pytest.mark.parametrize(
    ("lang", "text", "topic"),
    [
        # Held-out set 11: «Женат, дети взрослые» and "I've never really thought about it" (from
        # a pensioner of 74) answered these; the old people's memories got the living family.
        ("ru", "А родители у вас живы? Как они?", "topic:parents"),
        (
            "en",
            "Are your parents still with you, if I may ask? How are they getting on?",
            "topic:parents",
        ),
        ("ru", "А старики ваши что вспоминали? Голод, похоронки?", "topic:ww2_"),
        ("en", "What did the old people in your family remember from that time?", "topic:ww2_"),
    ],
)
def test_parents_and_the_old_peoples_memories_are_answered(
    persona_id: str, lang: str, text: str, topic: str
) -> None:
    persona = load_persona(bundled_personas_dir() / f"{persona_id}.yaml")
    move = _move(persona, lang, text, ("open_question", "closed_question"), "neutral", OPEN)
    assert move.source.startswith(topic), move


@pytest.mark.parametrize("persona", [FIRM, PATRIOT])
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # Held-out set 11: "I've no time to go round doctors." answered this.
        (
            "en",
            "I've read that hospitals in Russia are full of young men brought back wounded from"
            " the front, some without arms or legs. Do you hear about that where you live?",
        ),
        ("en", "Has anyone you know been killed there? Or come back wounded?"),
    ],
)
def test_wounded_young_men_are_not_a_question_about_doctors(
    persona: object, lang: str, text: str
) -> None:
    move = _move(persona, lang, text, ("closed_question", "human_life"), "neutral", OPEN)
    assert move.source in ("topic:casualties", "stance:know_at_front"), move


@pytest.mark.parametrize("persona_id", ["doubtful-patriot", "it-worker", "village-pensioner"])
def test_how_medics_are_paid_gets_a_line_about_their_pay(persona_id: str) -> None:
    # Held-out set 11: «Некогда мне по врачам ходить» and queues at the clinic answered it.
    persona = load_persona(bundled_personas_dir() / f"{persona_id}.yaml")
    text = "А у вас врачам, медсёстрам как платят? Говорят, на скорой совсем копейки."
    move = _move(persona, "ru", text, ("open_question",), "neutral", OPEN)
    assert re.search(r"плат|зарплат|получа|ведомост", move.line), move


def test_is_that_so_after_hearsay_asks_a_fact_not_a_check_of_a_reflection() -> None:
    # Held-out set 11: "Yes, exactly. You're a good listener." answered this (six of six).
    from simulator.engine.move import checks_reflection

    text = (
        "Here we had strikes because the pay didn't keep up with prices, and I've heard"
        " ambulance crews in Russia get very little too. Is that so, do you know?"
    )
    assert not checks_reflection(text, "en", reflection=False)
    assert checks_reflection("So you feel nobody asks you, is that so?", "en", reflection=True)
    move = _move(PATRIOT, "en", text, ("closed_question",), "neutral", OPEN)
    assert "reaction:reflection" not in move.source and "listener" not in move.line, move


@pytest.mark.parametrize(
    ("persona_id", "job"),
    [
        ("doubtful-patriot", r"accountant|the books|бухгалтер"),
        ("it-worker", r"developer|programmer|backend|разработчик|программист|бэкенд"),
        ("mobilised-son-mother", r"till|cashier|касс"),
        ("village-pensioner", r"teach|taught|учил|учительниц"),
    ],
)
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "What do you do for work, if you don't mind me asking?"),
        ("ru", "А вы сами чем занимаетесь, работаете?"),
    ],
)
def test_asked_what_they_do_the_respondent_names_the_job(
    persona_id: str, job: str, lang: str, text: str
) -> None:
    # Round 27's held-out lorry driver asked what they do for work and heard «На работе об этом
    # не говорят.», "Honestly, there's more work than ever" or the village school's closing:
    # lines of the work topic that never say the job.
    persona = load_persona(bundled_personas_dir() / f"{persona_id}.yaml")
    # (A guarded respondent may dodge it: "I work. In the public sector.")
    for seed in range(6):
        move = _move(persona, lang, text, ("closed_question",), "neutral", NEUTRAL, seed=seed)
        assert move.kind == "topic", (seed, move)
        assert re.search(job, move.line, re.IGNORECASE), (seed, move)


@pytest.mark.parametrize(
    ("lang", "jab", "apology"),
    [
        (
            "ru",
            "Ну да, конечно. Сидите и ждите, пока повестка самому не придёт.",
            "Ладно, извините. Занесло меня, я не на вас злюсь.",
        ),
        (
            "en",
            "How convenient. You keep your head down and let other people's sons do the dying.",
            "Sorry. That was out of order. I'm not having a go at you.",
        ),
    ],
)
def test_an_accepted_apology_takes_back_most_of_a_jabs_irritation(
    lang: str, jab: str, apology: str
) -> None:
    # Round 27's held-out lorry driver apologised and heard «Ну, ладно. Проехали.», but the
    # respondent stayed as irritated as before and turned hostile two turns later at «Угу.».
    call = Call(with_small_talk(PATRIOT), lang, FakeBackend([]), seed=3)
    call.pick_up()
    call.say(jab)
    list(call.reply())
    after_jab = call.state
    assert "confront" in call.turns[-2].codes, call.turns[-2]
    call.say(apology)
    list(call.reply())
    assert call.turns[-1].move == "apology", call.turns[-1]
    assert call.state.irritation <= after_jab.irritation - 0.05, (after_jab, call.state)
    assert call.state.trust <= after_jab.trust + 0.01  # the trust the jab cost stays lost
    # A nod is no apology: it eases nothing.
    call.say("Угу." if lang == "ru" else "Mm.")
    list(call.reply())
    assert call.state.irritation >= after_jab.irritation - 0.08


# -- round 28's held-out farmer and veteran ---------------------------------------------------


FAITH = {"faith", "church"}
MONEY = {"pay_enough", "pension_prices", "money"}  # the mother may hear her son's contract pay
DAY = {"everyday_day"}


@pytest.mark.parametrize("persona_id", _PERSONAS)
@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # Round 27's held-out church singer: four personas had no topic for faith, and "Are you
        # a believer? Or does someone in your family go to church?" got "A wife, two kids",
        # Easter got butter prices or "Right, I'm listening, but not for long."
        ("ru", "А вы сами в Бога верите? В храм ходите иногда?", FAITH),
        ("ru", "А Пасху у вас празднуют? Куличи, крашеные яйца?", FAITH),
        ("en", "Are you religious at all? Does anyone in your house go to church?", FAITH),
        ("en", "Do you celebrate Easter over there?", FAITH),
        # Round 27's held-out lorry driver: "And does it pay alright? ... diesel's daft money"
        # got the price of petrol from five of six personas; the question is what they earn.
        ("en", "And does it pay all right? Here everything's gone up, petrol most of all.", MONEY),
        ("ru", "А хорошо платят? У нас всё подорожало, бензин особенно.", MONEY),
        # The church singer said where she helps out and asked "How are things with you these
        # days?": with the new faith topics every persona answered about Easter or icons, the
        # question having no key of its own.
        ("en", "I sing in the choir at our church, every Sunday. How are things with you?", DAY),
        ("ru", "Я в церковном хоре пою, по воскресеньям. А вы сами как поживаете?", DAY),
        # Round 28's held-out farmer and veteran.
        # A question that means "what's your job" is about their work, not the bus route the
        # caller told of first.
        (
            "ru",
            "Я вот только со смены пришёл, я автобус вожу. С шести утра туда-сюда по горе, от"
            " порта до университета. А вы чем занимаетесь, если не секрет?",
            {"work", "work_clinic", "work_shop", "job", "school", "typical_day", "everyday_day"},
        ),
        # "Anybody" as well as "anyone": who they know at the front.
        (
            "en",
            "Do you know anybody who's gone over there? A son, a neighbour, somebody from work?",
            {"know_at_front"},
        ),
        # Where they come from, asked as "have you always lived there".
        (
            "en",
            "Fair enough. And have you always lived round there, or did you end up there?",
            {"where_from"},
        ),
        ("ru", "А вы всю жизнь там живёте?", {"where_from"}),
        # Food asked after a word about the season is food, not the weather.
        (
            "ru",
            "В такую погоду мне хочется только горячего супа. А вы что больше всего любите"
            " поесть в это время года?",
            {"food"},
        ),
        # A garden or dacha is asked about, not everybody's hobbies.
        (
            "ru",
            "А огород у вас есть? Или дача? Я без огорода вообще не представляю, как жить. Что"
            " сажаете-то?",
            {"garden"},
        ),
        # What is outside their window is the weather, not their worries.
        (
            "en",
            "Tell me about where you live instead. What's it like of an evening this time of"
            " year? What can you see out of your window?",
            {"weather"},
        ),
        ("ru", "А расскажите лучше, что у вас сейчас за окном, во дворе?", {"weather"}),
        # Pensions after a word about medicines are pensions, not the doctors.
        (
            "ru",
            "А пенсии у вас сейчас какие, хватает? У нас мама получает — ну, на лекарства да на"
            " коммуналку.",
            {"pensions", "pension_prices"},
        ),
        ("ru", "А молодёжь у вас остаётся? У нас все разъезжаются.", {"young_people"}),
        # "Or are you retired already?" asks what they do.
        (
            "ru",
            "А работаете кем? Или уже на пенсии?",
            {"work", "work_clinic", "work_shop", "job", "school", "pension_prices"},
        ),
        # Round 29's held-out teacher and young mother. Who they know at the front, asked with a
        # "..." inside the question and «из ваших знакомых» first.
        (
            "ru",
            "Из ваших знакомых кого-нибудь забрали туда... ну, вы понимаете куда? Соседа,"
            " может быть?",
            {"know_at_front"},
        ),
        ("en", "Has anyone you know been sent to the fighting?", {"know_at_front"}),
        # «На заслуженном отдыхе» is a pension, not a holiday; «ваше дело» is their work.
        (
            "ru",
            "Вы работаете или уже на заслуженном отдыхе?",
            {"work", "work_clinic", "work_shop", "job", "school"},
        ),
        ("ru", "А вам нравится ваше дело?", {"work", "work_clinic", "work_shop", "job", "school"}),
        # "Suffer through" school books is not Ukrainians suffering.
        (
            "en",
            "Did you like reading at school, or did you suffer through it?",
            {"school", "school_days"},
        ),
        # What things cost is prices.
        (
            "en",
            "Can I ask what things cost over there now? Nappies here are a fortune.",
            {"prices", "sanctions_prices", "pension_prices"},
        ),
        ("ru", "А почём у вас сейчас хлеб?", {"prices", "sanctions_prices", "pension_prices"}),
        # Their own school days are not their childhood in general nor the films they like.
        ("ru", "А вам самим в школе нравилось? Какой предмет любили?", {"school_days", "school"}),
        ("en", "Were you good at school? Favourite subject?", {"school_days", "school"}),
        # What they were like as a baby is not their childhood in general.
        ("ru", "А вы в детстве хорошо спали? У меня сын не спит совсем.", {"as_a_baby"}),
        (
            "en",
            "Were you a good sleeper when you were a baby? Mine is up all night!",
            {"as_a_baby"},
        ),
        # What makes them happy is what keeps them going, not "fine, like everyone".
        ("ru", "А что вас в жизни радует, ну вот сейчас?", {"coping"}),
        ("en", "What's the best part of your week these days?", {"coping"}),
        # Round 30's held-out musician: singing got petrol (the car), the garage or the family.
        ("ru", "А вы сами-то поёте? Ну хоть за столом, под настроение?", {"singing"}),
        ("ru", "А дома, в семье, что пели? На свадьбах, на праздниках?", {"singing"}),
        ("ru", "А слушаете что? Что у вас в машине играет?", {"films_music"}),
        ("en", "Do you sing at all yourself? Even just in the car?", {"singing"}),
        ("en", "And when you were little, what did your family sing at weddings?", {"singing"}),
        # Round 30: "touched you and yours... who's had to go" is who they know at the front.
        (
            "en",
            "Has any of it touched you and yours? Someone from work who's had to go?",
            {"know_at_front"},
        ),
        ("ru", "А вас это как-то коснулось? Может, кого-то призвали?", {"know_at_front"}),
        # How long they have lived there is where they live (round 30's app call: «А давно вы
        # там живёте?» got the shared "shop nearby, the bus runs" from the village pensioner).
        ("ru", "Угу. А давно вы там живёте?", {"where_from"}),
        ("en", "How long have you lived there?", {"where_from"}),
        # Their name is their name, not where they are nor this call.
        ("ru", "Ой, спасибо. А как вас зовут, как к вам обращаться?", {"give_name"}),
        ("en", "Oh, lovely. Thank you. What shall I call you?", {"give_name"}),
    ],
)
def test_a_question_is_answered_on_what_it_asks(
    persona_id: str, lang: str, text: str, expected: set[str]
) -> None:
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    found = lore_index(persona, lang).matches(text)
    assert found and found[0].id in expected, (persona_id, found[:2])
    codes = ("open_question",) if "?" in text else ()
    move = _move(persona, lang, text, codes, "neutral", NEUTRAL)
    assert move.source.partition(":")[2] in expected, (persona_id, move)


@pytest.mark.parametrize(
    ("persona_id", "names"),
    [
        ("it-worker", {"ru": "Артём", "en": "Artyom"}),
        ("mobilised-son-mother", {"ru": "Галин", "en": "Galina"}),
        ("village-pensioner", {"ru": "Валентина Петровна", "en": "Valentina Petrovna"}),
        ("doubtful-patriot", None),
        ("firm-supporter", None),
        ("suspicious-respondent", None),
    ],
)
@pytest.mark.parametrize("mood", ["guarded", "neutral", "open"])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_asked_their_name_they_give_it_or_say_they_will_not(
    persona_id: str, names: dict[str, str] | None, mood: str, lang: str
) -> None:
    # Round 30's held-out musician asked «А как вас зовут, как к вам обращаться?» and got «Да
    # живём потихоньку, как все» in three calls of six; "What shall I call you?" got this call.
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    text = {"ru": "А как вас зовут?", "en": "What shall I call you?"}[lang]
    move = _move(persona, lang, text, ("closed_question",), mood, NEUTRAL)
    assert move.source == "stance:give_name", move
    if names:
        assert names[lang] in move.line, move
    else:
        assert not re.search(r"\b(Артём|Галин|Валентин|Artyom|Galina|Valentina)", move.line)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "en",
            "Hello there. Good evening, or is it late with you? My name's Gareth, I farm cows and"
            " sheep in Wales. I only wanted a bit of a chat with somebody in Russia, if you can"
            " spare a few minutes.",
        ),
        (
            "ru",
            "Добрый вечер! У вас там уже поздно, наверное? Меня Ольга зовут, я из Казахстана."
            " Хотела просто поговорить с кем-нибудь из России, если у вас есть пара минут.",
        ),
    ],
)
def test_leave_asked_in_a_closing_statement_is_a_permission(lang: str, text: str) -> None:
    # Round 28's held-out farmer asked leave after a question about the hour; every persona
    # answered the hour instead ("Up at six, home by nine.").
    for persona in (FIRM, PATRIOT):
        call = Call(with_small_talk(persona), lang, FakeBackend([]), seed=2)
        call.pick_up()
        call.say(text)
        list(call.reply())
        assert call.turns[-1].move == "permission", call.turns[-1]


@pytest.mark.parametrize(
    ("lang", "story", "sorry", "offended"),
    [
        (
            "ru",
            "У меня там друг был, Серёжа, из Пензы. Ещё в учебке сдружились. В марте восемьдесят"
            " второго колонна пошла, и его не стало, двадцати не исполнилось.",
            "Извините. Сорок с лишним лет прошло, а как вспомню... Ладно.",
            r"не в обиде|проехали|забудем",
        ),
        (
            "en",
            "My mate Jonno got killed on the second tour. Roadside bomb. He was twenty-three. The"
            " week before, he'd shown me the scan of his baby on his phone, grinning like an idiot."
            " He never got to meet her.",
            "Sorry. Still gets me, that.",
            r"offended|let's leave it|forget it",
        ),
    ],
)
def test_sorry_for_ones_own_tears_is_met_kindly_not_forgiven(
    lang: str, story: str, sorry: str, offended: str
) -> None:
    # Round 28's held-out veteran told of his friend's death and said sorry for his tears; the
    # respondents answered "No harm done, I'm not offended", as if he had insulted them, and
    # the Russian friend who «не стало» got the doubtful patriot's family chat.
    for persona in (PATRIOT, FIRM):
        call = Call(with_small_talk(persona), lang, FakeBackend([]), seed=5)
        call.pick_up()
        call.say(story)
        list(call.reply())
        assert call.turns[-1].move in ("condolence", "grief"), call.turns[-1]
        call.say(sorry)
        list(call.reply())
        assert call.turns[-1].move == "apology", call.turns[-1]
        assert not re.search(offended, call.turns[-1].text, re.I), call.turns[-1].text


@pytest.mark.parametrize("persona_id", _PERSONAS)
@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "Duw. Same everywhere, I expect."), ("ru", "Ну вот. Везде, наверное, одно и то же.")],
)
def test_a_bare_same_everywhere_is_agreed_with(persona_id: str, lang: str, text: str) -> None:
    # Round 28's held-out farmer said it after the price of bread; the IT worker answered "IT
    # people are the same everywhere. Coffee, deadlines and bugs", the mother "all mums are the
    # same", words written for a caller who had spoken of children or work.
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    for mood, state in (("guarded", GUARDED), ("neutral", NEUTRAL), ("open", OPEN)):
        move = _move(persona, lang, text, ("common_ground",), mood, state)
        assert move.source == "acknowledge", (persona_id, mood, move)


@pytest.mark.parametrize("persona_id", _PERSONAS)
def test_everyday_idioms_and_like_are_not_keys_of_death_or_a_neighbour(persona_id: str) -> None:
    # Round 28's held-out postman: "my knees are killing me" got the soldier's mother's row of
    # graves at the cemetery, and "What's it like your end?" (the weather) got the suspicious
    # man's story of his neighbour's "like" on a post (keyed on "like").
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    index = lore_index(persona, "en")
    heavy = {"casualties", "son_fighting", "murderer", "neighbour_son", "families_at_front"}
    heavy |= {"know_at_front"}
    for text in (
        "I'm a postman. Up at half four, done by one, and my knees are killing me.",
        "I'm at the truck stop with an hour to kill.",
        # Round 29's young mother: "The sleep is the killer" got "My son isn't a murderer".
        "The sleep is the killer though. She's up three, four times a night.",
    ):
        assert not {m.id for m in index.matches(text)} & heavy, (persona_id, text)
    text = "It's been raining here all week. What's it like your end?"
    assert "petrovich_like" not in {m.id for m in index.matches(text)}
    # A death in the war still matches, and so does a killer.
    assert {m.id for m in index.matches("They killed my cousin at the front.")} & heavy
    if "murderer" in {t.id for t in persona.lore.topics}:
        assert "murderer" in {m.id for m in index.matches("Your son is a killer.")}


def test_an_old_bereavement_gets_a_condolence_but_no_grief_at_every_later_worry() -> None:
    # Round 28's held-out farmer told of his father, who died six years ago; every later remark
    # ("I suppose everybody's got somebody they worry about") got "Lord, how do you all bear
    # it...".
    call = Call(with_small_talk(PATRIOT), "en", FakeBackend([]), seed=4)
    call.pick_up()
    call.say("This was my father's farm. Dad died six years back. I still miss him at lambing.")
    list(call.reply())
    assert call.turns[-1].move == "condolence", call.turns[-1]
    call.say("I suppose everybody's got somebody they worry about.")
    list(call.reply())
    assert call.turns[-1].move != "grief", call.turns[-1]


@pytest.mark.parametrize("persona_id", _PERSONAS)
def test_shared_worries_with_a_tag_are_agreed_with_not_heard_as_friends(persona_id: str) -> None:
    # Round 28's held-out farmer: «далеко мы друг от друга» met the key «друг» (a friend), and
    # five personas answered what people say about the war.
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    text = (
        "Слушаю вас и думаю: вроде и далеко мы друг от друга, а заботы-то одни и те же — чтоб"
        " свои были здоровы да чтоб на жизнь хватало. Правда ведь?"
    )
    assert "people_say" not in {m.id for m in lore_index(persona, "ru").matches(text)}
    move = _move(persona, "ru", text, ("closed_question", "common_ground"), "neutral", NEUTRAL)
    assert move.kind == "acknowledge" or move.source.startswith("acknowledge"), move
    assert "people_say" not in move.source, move


def test_waiting_for_every_call_is_the_mothers_sons_calls() -> None:
    # Round 28's Russian call in the app: «каждый звонок ждёте» met the key «звонок» of "who are
    # you and why this call", and she answered «Ну, спрашивайте, что хотели.».
    mother = with_small_talk(load_persona(bundled_personas_dir() / "mobilised-son-mother.yaml"))
    found = lore_index(mother, "ru").matches("Вы, наверное, тоже каждый звонок ждёте, да?")
    assert found[0].id == "phone_calls", found[:3]
    found = lore_index(mother, "en").matches("I bet you wait for every call too, don't you?")
    assert found[0].id == "phone_calls", found[:3]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Мой сын тоже служил, слава богу, вернулся."),
        ("ru", "У моей двоюродной сестры сына, Димку, осенью забрали."),
        ("ru", "У меня у самой сын, ему девятнадцать."),
        ("ru", "Сын мой тоже там."),
        ("en", "My son served as well, thank God he came back."),
        ("en", "I have a son too, he's nineteen."),
    ],
)
def test_the_callers_own_son_or_dima_is_not_the_mothers(lang: str, text: str) -> None:
    # Round 28's farmer told of her cousin's son «Димку», and the soldier's mother answered
    # «Дима у меня хороший, добрый» about her own; "My son served as well" got her Dima at school.
    mother = load_persona(bundled_personas_dir() / "mobilised-son-mother.yaml")
    keyed = {m.id for m in lore_index(mother, lang).matches(text) if m.score >= KEY_SCORE}
    assert "son" not in keyed, keyed


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "А ваш сын как, звонит?"),
        ("ru", "Мне очень жаль вашего сына."),
        ("ru", "Мои мысли с вашим сыном."),
        ("en", "My heart goes out to your son."),
        ("en", "How is your son doing?"),
    ],
)
def test_the_respondents_son_is_still_theirs_beside_the_callers_my(lang: str, text: str) -> None:
    mother = load_persona(bundled_personas_dir() / "mobilised-son-mother.yaml")
    keyed = {m.id for m in lore_index(mother, lang).matches(text) if m.score >= KEY_SCORE}
    assert "son" in keyed, keyed


BACKCHANNELS = {"ru": ("Угу.", "Понятно."), "en": ("Mm.", "I see.")}
PHONE_CALLS = {
    "ru": (
        "Добрый вечер! Можно с вами немного поговорить?",
        "Ой, спасибо, что взяли трубку. Я вас долго не задержу.",
        "А вы в городе живёте или за городом?",
        "Извините, плохо слышно было. Что вы сказали?",
        "Алло? Вы меня слышите?",
        "Извините, отвлеклась, в дверь звонили. Всё, я снова тут.",
    ),
    "en": (
        "Good evening! Could I talk with you for a bit?",
        "Oh, thanks for picking up. I won't take much of your time.",
        "Do you live in a town or out in the country?",
        "Sorry, you cut out there. Could you say that again?",
        "Hello? Can you hear me?",
        "Sorry about that, someone at the door. I'm back.",
    ),
}


@pytest.mark.parametrize("persona_id", _PERSONAS)
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_housekeeping_of_a_phone_call_is_answered_as_on_the_phone(
    persona_id: str, lang: str
) -> None:
    # Round 29's held-out teacher asked «Повторите, пожалуйста, я не расслышала» and got «Да
    # обыкновенно, как у людей»; "Hello? Are you still there?" got "Fine. What's it to you?"; a
    # mother back from her waking baby was told «Ничего страшного, я не в обиде»; "Thank you, I
    # won't keep you long" got «А дальше что?» or "Where did you get my number?".
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    call = Call(persona, lang, FakeBackend([]), seed=3)
    call.pick_up()
    asked, thanks, question, again, there, back = PHONE_CALLS[lang]
    call.say(asked)
    list(call.reply())
    call.say(thanks)
    list(call.reply())
    assert call.turns[-1].move == "phone:thanks", call.turns[-1]
    call.say(question)
    list(call.reply())
    answer = call.turns[-1].text
    call.say(again)
    list(call.reply())
    assert call.turns[-1].move == "phone:again", call.turns[-1]
    assert line_sentences(answer)[0] in call.turns[-1].text, (answer, call.turns[-1].text)
    for line, kind in ((there, "phone:there"), (back, "phone:back")):
        call.say(line)
        list(call.reply())
        assert call.turns[-1].move == kind, (line, call.turns[-1])


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Как вы там?"),
        ("ru", "Я не слышала, чтобы кто-то у нас возмущался."),
        ("ru", "Я здесь, в Риге, много читаю."),
        ("ru", "Я вернулась домой поздно, все уже спали."),
        ("ru", "Спасибо, что рассказали про сына."),
        ("en", "I didn't hear that the factory closed."),
        ("en", "I'm back home after a long shift and my feet are killing me."),
        ("en", "Thank you for telling me about your son."),
        ("en", "Hello, is that Maria?"),
        ("ru", "Я недолго работала там, года два."),
    ],
)
def test_lines_that_only_sound_like_phone_housekeeping(lang: str, text: str) -> None:
    assert phone_kind(text, lang, replies=5) is None


@pytest.mark.parametrize(
    ("lang", "text", "kind"),
    [
        (
            "en",
            "Mm. Actually, maybe that's not a fair thing to ask somebody on the phone. Let's leave"
            " it, shall we.",
            "withdraw",
        ),
        ("en", "Sorry, never mind. Forget I asked.", "withdraw"),
        (
            "ru",
            "Хотя ладно, это я зря, не телефонный это разговор. Не обращайте внимания.",
            "withdraw",
        ),
        ("ru", "Не обращайте внимания на пропаганду.", None),
        ("ru", "Забудьте всё, что вам говорят по телевизору.", None),
        ("en", "Never mind the politics, how is your garden?", None),
        ("en", "Let's leave it to the politicians.", None),
    ],
)
def test_taking_a_question_back_is_agreed_to(lang: str, text: str, kind: str | None) -> None:
    # Round 30's held-out musician took back a question about a banned singer and got "Give your
    # lectures to someone else" (the coder heard a lecture) or «Ну, слушаю вас».
    assert phone_kind(text, lang, replies=6) == kind


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Okay, great. Thanks. I won't eat your whole evening, promise."),
        ("en", "Lovely. I'll be quick, I promise."),
        ("ru", "Я долго не буду. Ну, постараюсь."),
        ("ru", "Спасибо. Я ненадолго, честно."),
    ],
)
def test_a_promise_to_be_quick_is_phone_housekeeping(lang: str, text: str) -> None:
    # Round 30's held-out coach: "I won't eat your whole evening, promise" got "Well, it
    # happens"; «Я долго не буду. Ну, постараюсь.» got «А дальше что?».
    assert phone_kind(text, lang, replies=2) == "thanks"


@pytest.mark.parametrize("persona_id", _PERSONAS)
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "en",
            "Hello? Are you still there? ... Sorry, I drifted off. I was remembering a summer"
            " at my aunt's farm when I was nine, the goat ate my straw hat and I cried all the"
            " way home.",
        ),
        (
            "ru",
            "Алло? Вы тут? ... Ой, простите, задумалась. Вспомнила, как мы летом у тётки в"
            " деревне гусей пасли, и гусак меня до самого дома гнал, а я ревела на всю улицу.",
        ),
    ],
)
def test_are_you_there_before_a_story_is_answered_here_and_then_the_story(
    persona_id: str, lang: str, text: str
) -> None:
    # Round 30's held-out musician: the check and a concert memory after it got "Same as
    # everyone, really. Nothing special." (a question about their life) or "Don't apologise".
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    call = Call(persona, lang, FakeBackend([]), seed=3)
    call.pick_up()
    for line in (*PHONE_CALLS[lang][:1], PHONE_CALLS[lang][2], *BACKCHANNELS[lang]):
        call.say(line)
        list(call.reply())
    call.say(text)
    list(call.reply())
    turn = call.turns[-1]
    if turn.mood == "hostile":
        return  # a hostile respondent may only growl; nothing here made them hostile so far
    from simulator.engine.move import _courtesy_data

    there = _courtesy_data("phone")["there"]["lines"][lang][turn.mood]
    assert any(turn.text.startswith(line_sentences(line)[0]) for line in there), turn
    assert not turn.text.startswith(("Тут я. Говорите.", "Yes, I'm still here. Go on.")), turn
    assert turn.move not in ("unanswered", "apology", "phone:there"), turn


def test_minutes_asked_for_at_the_end_of_a_long_introduction_ask_permission() -> None:
    # Round 30's held-out musician ended a long introduction with «Минут десять у вас
    # найдётся?» and got «По-разному бывает. Как у всех, в общем.» in three calls of six.
    from simulator.engine.move import asks_permission

    text = (
        "Алло! Здравствуйте! Меня зовут Гриша, я из Самары, а живу теперь в Израиле. Я ничего"
        " не продаю. Просто хочется поговорить с людьми. Минут десять у вас найдётся?"
    )
    assert asks_permission(text, "ru")
    assert asks_permission("Пара минут у вас есть?", "ru")
    assert not asks_permission("А время у вас на хобби есть?", "ru")


@pytest.mark.parametrize("persona_id", _PERSONAS)
@pytest.mark.parametrize(
    ("lang", "question", "about_it"),
    [
        ("en", "And what do you do for a living?", "And do you like it?"),
        ("en", "What do you do for work, if you don't mind me asking?", "Is that tiring?"),
        ("ru", "А кем вы работаете, если не секрет?", "А вам это нравится?"),
        ("ru", "А кем вы работаете, если не секрет?", "И как, устаёте к вечеру?"),
        ("ru", "А вы работаете или уже на пенсии?", "И как, нравилось вам?"),
        # Round 30's held-out coach: «как у всех» in six calls of six.
        ("en", "What do you do for work?", "Oh yeah? How long you been at that?"),
        ("ru", "А кем вы работаете, если не секрет?", "Ого. А давно вы там работаете?"),
        ("ru", "А вы где живёте, чем занимаетесь?", "О как. И давно вы этим?"),
    ],
)
def test_a_short_question_about_what_they_just_said_is_answered_on_how_it_feels(
    persona_id: str, lang: str, question: str, about_it: str
) -> None:
    # Round 29's held-out young mother asked "Oh right. And is that long hours?" after their
    # work and got "hard to say" in six calls of six; the teacher's "Do you enjoy it?" got their
    # favourite food, and then the next line of the work topic restated the job.
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    call = Call(persona, lang, FakeBackend([]), seed=5)
    call.pick_up()
    for line in (PHONE_CALLS[lang][0], question, about_it):
        call.say(line)
        list(call.reply())
    asked, answered = call.turns[-3], call.turns[-1]
    assert asked.move.startswith(("topic:", "smalltalk:")), asked
    assert answered.move == "about_it", (asked, answered)


def test_a_question_about_it_with_nothing_said_before_is_not_about_it() -> None:
    memory = MoveMemory.of(["Алло?", "Ну, говорите."], [None, "permission"])
    move = _move(
        PATRIOT, "en", "Do you enjoy it?", ("closed_question",), "neutral", NEUTRAL, memory
    )
    assert move.source != "about_it", move


def test_the_person_named_first_in_a_line_is_the_one_introduced() -> None:
    # Round 29: «Даша мне по видео тетрадки показывает... оценки Серёжа смотрит» said who
    # Seryozha is, and Dasha stayed a stranger for three more replies.
    from simulator.engine.people import introduce

    pensioner = load_persona(bundled_personas_dir() / "village-pensioner.yaml")
    said = introduce(pensioner, "ru", "Даша мне звонит, а Серёжа в телефоне оценки смотрит.", [])
    assert said.endswith("Даша — это внученька моя, младшенькая."), said
    said = introduce(pensioner, "ru", "Серёжа звонит, а Даша рисует.", [])
    assert said.endswith("Серёжа — это сын мой."), said


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("ru", "Я вас слышу. У каждого свои причины думать так, как он думает."),
        ("en", "I hear you. Everybody has their reasons for seeing it the way they do."),
    ],
)
def test_a_word_to_them_after_a_loss_is_not_more_of_the_loss(lang: str, line: str) -> None:
    # Round 29's held-out teacher told of a pupil's grandfather killed in the war; later «Я вас
    # слышу. У каждого свои причины...» (no code) got «Такое горе.» as if more of that story.
    memory = MoveMemory.of(["Алло?", "Ну, говорите."], [None, None])
    memory.loss_told = True
    move = _move(PATRIOT, lang, line, (), "neutral", NEUTRAL, memory)
    assert move.source != "grief", move
    # Round 9's bereaved caller: a word to them that speaks of losing someone still is.
    line = "I just wish nobody else has to lose anyone. Not us, not you. Nobody."
    move = _move(PATRIOT, "en", line, (), "neutral", NEUTRAL, memory)
    assert move.source == "grief", move


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "Were you a quiet child, do you know? My gran says I never stopped crying."),
        ("ru", "А вы в детстве тихим ребёнком были? Бабушка говорит, я без конца плакала."),
    ],
)
def test_a_question_with_a_story_of_the_callers_is_not_answered_as_a_story(
    lang: str, line: str
) -> None:
    # Round 29: "were you a good sleeper as a baby? My mam swears I slept through..." got "Oh
    # my. It's not easy for you either." from the soldier's mother, a line for hard stories.
    memory = MoveMemory.of(["Алло?", "Ну, говорите.", "Да.", "Ну."], [None] * 4)
    for persona in (PATRIOT, FIRM):
        move = _move(
            with_small_talk(persona),
            lang,
            line,
            ("closed_question", "personal_story"),
            "neutral",
            NEUTRAL,
            memory,
        )
        assert move.source != "reaction:personal_story", move


def test_a_callers_own_story_does_not_draw_out_a_secret_of_theirs() -> None:
    # Round 29's young mother told of her mother's knitting and the soldier's mother answered
    # with the loan for her son's drone; in the read held-out calls of rounds 25-29 such replies
    # were believable 4 times in 15. A warm word about them may still draw one out.
    line = "My mam knits the baby a cardigan every month, in colours nobody would choose."
    mother = load_persona(bundled_personas_dir() / "mobilised-son-mother.yaml")
    for seed in range(12):
        move = _move(mother, "en", line, ("personal_story", "empathy"), "open", OPEN, seed=seed)
        assert move.kind != "fact" and "fact:" not in move.sources, move
    moves = [
        _move(mother, "en", "That sounds so hard.", ("empathy",), "open", OPEN, seed=seed)
        for seed in range(12)
    ]
    assert any(m.kind == "fact" for m in moves), moves


@pytest.mark.parametrize("persona_id", _PERSONAS)
def test_someone_elses_phone_calls_are_not_about_this_call(persona_id: str) -> None:
    # Round 29's young mother: «Мама каждый вечер звонит и поёт ему» got «Интересная у вас
    # затея...» from the IT worker (the key «звонить» alone was this call).
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    index = lore_index(persona, "ru")
    line = "Мама в Нижнем осталась. Каждый вечер звонит и поёт ему колыбельную."
    assert "the_call" not in {m.id for m in index.matches(line)}
    line = "Вы не волнуйтесь, я вам звоню из Грузии, я волонтёр."
    if "the_call" in {t.id for t in persona.lore.topics}:
        assert "the_call" in {m.id for m in index.matches(line)}


@pytest.mark.parametrize(
    ("lang", "line"),
    [("ru", "Спасибо, что не положили трубку."), ("en", "Thanks for not hanging up on me.")],
)
def test_thanks_for_not_hanging_up_opens_a_call_early_and_closes_it_late(
    lang: str, line: str
) -> None:
    early = MoveMemory.of(["Алло?", "Ну, говорите."], [None, "permission"])
    move = _move(
        PATRIOT, lang, line, (), "neutral", NEUTRAL, early, goodbye=goodbye_kind(line, lang)
    )
    assert move.source == "phone:thanks", move
    late = MoveMemory.of(["Алло?"] + [f"Ответ {i}." for i in range(8)], [None] * 9)
    move = _move(
        PATRIOT, lang, line, (), "neutral", NEUTRAL, late, goodbye=goodbye_kind(line, lang)
    )
    assert move.source == "closing:thanks", move


@pytest.mark.parametrize("persona_id", _PERSONAS)
@pytest.mark.parametrize(
    ("lang", "line"),
    [
        (
            "ru",
            "У соседки брат вернулся с фронта без руки. Они с детства с ним на одной улице,"
            " теперь он дома сидит и молчит, а она ему суп носит.",
        ),
        (
            "en",
            "My cousin's husband came back wounded last spring, shrapnel in both legs. Their"
            " little boy still won't sit on his lap.",
        ),
    ],
)
def test_someone_close_to_the_caller_wounded_gets_sympathy_not_a_topic_in_passing(
    persona_id: str, lang: str, line: str
) -> None:
    # Round 29's held-out young mother told of her friend's husband home without a leg: the
    # firm supporter answered with his father, the suspicious man with schools.
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    codes = ("human_life", "personal_story")
    move = _move(persona, lang, line, codes, "neutral", NEUTRAL)
    assert move.source == "sympathy", move


@pytest.mark.parametrize(
    ("lang", "line", "place"),
    [
        ("ru", "А вы сами откуда? Город у вас большой или посёлок?", "Тамбов"),
        ("en", "Whereabouts are you? A big city, or somewhere smaller?", "Tambov"),
    ],
)
def test_the_pensioner_says_where_she_lives(lang: str, line: str, place: str) -> None:
    # Rounds 28 and 29: the warm pensioner answered with the shared dodge «Отсюда, из России...
    # место как место», which the readers failed as out of her voice.
    pensioner = with_small_talk(load_persona(bundled_personas_dir() / "village-pensioner.yaml"))
    for mood, state in (("neutral", NEUTRAL), ("open", OPEN), ("guarded", GUARDED)):
        move = _move(pensioner, lang, line, ("open_question",), mood, state)
        assert move.source == "topic:where_from" and place in move.line, (mood, move)


@pytest.mark.parametrize(
    ("lang", "line", "war"),
    [
        ("ru", "А вы чем занимаетесь, если не секрет? Кем работаете?", r"СВО|войн|муж там|погиб"),
        ("en", "And what do you do for a living?", r"war|out there|killed"),
    ],
)
def test_what_the_doubtful_patriot_does_is_not_how_her_work_talks_of_the_war(
    lang: str, line: str, war: str
) -> None:
    # Rounds 28 and 29: "what do you do?" got «про СВО стараются не говорить», read as raising
    # the war unasked; that is her answer to whether people talk about it at work.
    patriot = with_small_talk(PATRIOT)
    for mood, state in (("guarded", GUARDED), ("neutral", NEUTRAL), ("open", OPEN)):
        for seed in range(4):
            move = _move(patriot, lang, line, ("open_question",), mood, state, seed=seed)
            assert move.source == "topic:work_clinic", move
            assert not re.search(war, move.line), (mood, move.line)
    talk = "Do people talk about it at work?" if lang == "en" else "А на работе об этом говорят?"
    move = _move(patriot, lang, talk, ("closed_question",), "neutral", NEUTRAL)
    assert move.source == "topic:work_talk", move


@pytest.mark.parametrize("persona_id", _PERSONAS)
@pytest.mark.parametrize(
    ("lang", "war", "asked"),
    [
        (
            "en",
            "Tens of thousands of young men have been killed on both sides, and for what?",
            "Sorry, I got carried away. What do you make of it, honestly?",
        ),
        (
            "ru",
            "Там десятки тысяч парней погибли, с обеих сторон. И ради чего?",
            "Простите, понесло меня. Вы-то сами как думаете, если честно?",
        ),
    ],
)
def test_asked_what_they_make_of_it_after_the_war_they_give_their_view_of_the_war(
    persona_id: str, lang: str, war: str, asked: str
) -> None:
    # Round 30's held-out coach apologised for a team talk of casualty figures and asked "What
    # do you make of it, honestly?": the firm supporter answered with his job; «Вы-то сами как
    # думаете, если честно?» got "hard to say" in five calls of six.
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    call = Call(persona, lang, FakeBackend([]), seed=3)
    call.pick_up()
    for line in (PHONE_CALLS[lang][0], PHONE_CALLS[lang][2], war, asked):
        call.say(line)
        list(call.reply())
        if call.ended:
            return  # the suspicious man may hang up on the casualty figures
    assert call.turns[-1].move == "stance:support_operation", call.turns[-1]


@pytest.mark.parametrize(
    ("lang", "text", "view"),
    [
        ("en", "What do you make of it, honestly?", True),
        ("en", "So what do you think?", True),
        ("en", "What do you make of the new bridge?", False),
        ("ru", "Вы-то сами как думаете, если честно?", True),
        ("ru", "А вы что об этом думаете?", True),
        ("ru", "А что вы думаете про новую дорогу?", False),
    ],
)
def test_a_question_asking_their_view_with_no_subject_of_its_own(
    lang: str, text: str, view: bool
) -> None:
    from simulator.engine.move import asks_their_view

    assert asks_their_view(text, lang) is view


@pytest.mark.parametrize("persona_id", _PERSONAS)
@pytest.mark.parametrize(
    ("lang", "said", "asked"),
    [
        ("ru", "Дай бог. Правда, дай бог. Слава богу, хоть живы все.", "А вы в бога верите?"),
        ("en", "God willing. Thank God they're all alive.", "Do you believe in God?"),
    ],
)
def test_god_willing_is_no_question_about_faith(
    persona_id: str, lang: str, said: str, asked: str
) -> None:
    # Round 30's held-out musician said «Дай бог. Правда, дай бог.» after their hopes; the firm
    # supporter answered «Крещёный, православный. Вам-то что?».
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    index = lore_index(persona, lang)
    faith = {t.id for t in persona.lore.topics if t.id == "faith"}
    assert not {m.id for m in index.matches(said)} & faith
    assert {m.id for m in index.matches(asked)} >= faith


@pytest.mark.parametrize(
    ("lang", "text", "theirs"),
    [
        (
            "ru",
            "У меня двоюродный брат в Барнауле. Сын у него, Лёшка, прошлой осенью ушёл по"
            " контракту.",
            False,
        ),
        ("en", "My brother's boy, his son Danny, signed up last autumn.", False),
        ("ru", "А сын у вас есть?", True),
        ("en", "How's your boy doing?", True),
    ],
)
def test_someone_elses_son_is_not_the_respondents_own(lang: str, text: str, theirs: bool) -> None:
    # Round 30's held-out coach told of his cousin's son gone to the front «по контракту»; the
    # firm supporter answered with his own fifteen-year-old («Он ещё школьник, ему рано»).
    keyed = {m.id for m in lore_index(FIRM, lang).matches(text) if m.score >= KEY_SCORE}
    assert ("son" in keyed) is theirs, keyed


@pytest.mark.parametrize("persona_id", _PERSONAS)
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "And you yourself, outside of work, what do you do for fun? Got a hobby?"),
        ("ru", "А сами вы, кроме работы, чем живёте? Хобби какое-нибудь есть?"),
    ],
)
def test_their_free_time_is_their_own(persona_id: str, lang: str, text: str) -> None:
    # Round 30's readers: "There isn't much free time... go for a walk, read something" was
    # said alike by four personas, the pensioner with her garden and hens among them.
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    move = _move(persona, lang, text, ("open_question",), "neutral", NEUTRAL)
    assert move.source == "topic:hobbies", move


@pytest.mark.parametrize("persona_id", _PERSONAS)
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "ru",
            "Вот как. И как оно сейчас, тянете? Всё ведь дорожает, у нас тоже — скоро за кочан"
            " капусты кредит брать придётся.",
        ),
        ("en", "Right. And how are you getting by these days? Everything costs more here too."),
    ],
)
def test_a_question_before_the_callers_own_grumble_is_not_taken_for_shared_ground(
    persona_id: str, lang: str, text: str
) -> None:
    # Round 30's held-out musician: coded `common_ground` only, «И как оно сейчас, тянете?»
    # got "all mums are the same" / "IT people are the same everywhere" in six calls of six,
    # in all three readings.
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    move = _move(persona, lang, text, ("common_ground",), "neutral", NEUTRAL)
    assert move.source != "reaction:common_ground", move


@pytest.mark.parametrize("persona_id", _PERSONAS)
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "ru",
            "Как страшно. Мне очень жаль, правда. У меня двоюродный брат под Харьковом живёт, они"
            " каждую ночь в подвале сидят с детьми.",
        ),
        ("en", "My cousin lives near Kharkiv. They spend every night in the basement."),
    ],
)
def test_the_callers_people_under_shelling_get_sympathy(
    persona_id: str, lang: str, text: str
) -> None:
    # Round 30's Russian app call: a cousin near Kharkiv in the basement every night with the
    # children got the village pensioner's «Народ там простой, как мы, работящий».
    persona = with_small_talk(load_persona(bundled_personas_dir() / f"{persona_id}.yaml"))
    codes = ("human_life", "personal_story")
    move = _move(persona, lang, text, codes, "neutral", NEUTRAL)
    assert move.source == "sympathy", move


@pytest.mark.parametrize(
    ("lang", "text", "war"),
    [
        (
            "en",
            "You know, it's funny what you call a special operation, it's been years now.",
            True,
        ),
        ("ru", "Смешно, как вы это называете: специальная операция. Который год уже.", True),
        ("ru", "Мне мениск оперировали, операция час шла.", False),
        ("en", "My knee operation took an hour.", False),
    ],
)
def test_the_war_by_its_official_name_is_the_war(lang: str, text: str, war: bool) -> None:
    # An English app call of round 30: after "it's funny what you call a special operation" and
    # an apology, "What do you make of it all, honestly?" got the firm supporter's suppliers.
    from simulator.engine.move import on_the_war

    assert on_the_war(text, (), lang) is war
