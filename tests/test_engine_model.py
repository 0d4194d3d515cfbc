"""The engine with the real bundled model: the warm-up leaves the persona's prompt in
llama.cpp's cache, token for token, so the first reply does not pay for reading it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.engine.call import Call
from simulator.llm.base import GenerationRequest
from simulator.llm.embedded import EmbeddedBackend
from tests.engine_fixtures import make_persona

pytestmark = pytest.mark.model


def test_warm_up_caches_the_prefix_of_the_first_prompt() -> None:
    backend = EmbeddedBackend()
    llama = backend._model.llama
    seen: list[GenerationRequest] = []
    stream = backend.stream

    def recording(request: GenerationRequest):  # type: ignore[no-untyped-def]
        seen.append(request)
        return stream(request)

    call = Call(make_persona(), "ru", backend, seed=9)
    call.pick_up()
    call.warm_up()
    cached = list(llama._input_ids)
    backend.stream = recording  # type: ignore[method-assign]
    call.say("Здравствуйте! Меня зовут Анна. Можно с вами поговорить?")
    list(call.reply())
    first_prompt = seen[0].prompt or ""
    tokens = llama.tokenize(first_prompt.encode("utf-8"))
    # All but the one token the warm-up generated are a prefix of the first real prompt.
    shared = cached[:-1]
    assert len(shared) > 200
    assert tokens[: len(shared)] == shared


def _firm_call(tmp_path: Path, seed: int) -> Call:
    """A picked-up call to the bundled firm supporter on the real model, kept in a real SQLite
    file under `tmp_path`."""
    from simulator.config import bundled_personas_dir
    from simulator.persona_loader import load_persona
    from simulator.store import Store

    firm = load_persona(bundled_personas_dir() / "firm-supporter.yaml")
    call = Call(firm, "ru", EmbeddedBackend(), store=Store(tmp_path / "history.sqlite3"), seed=seed)
    call.pick_up()
    return call


def _answer(call: Call, line: str):  # type: ignore[no-untyped-def]
    """The respondent's finished turn after the caller says `line`."""
    from simulator.engine.events import ReplyDone

    call.say(line)
    return [e for e in call.reply() if isinstance(e, ReplyDone)][0].turn


def _stored(tmp_path: Path, call: Call):  # type: ignore[no-untyped-def]
    """The call as read back from its SQLite file."""
    from simulator.store import Store

    return Store(tmp_path / "history.sqlite3").load(call.record.id)


def test_a_real_call_makes_small_talk_and_hits_back_with_a_second_line(tmp_path: Path) -> None:
    from simulator.engine import reply_check

    call = _firm_call(tmp_path, seed=3)
    weather = _answer(call, "А погода у вас сейчас какая?")
    assert weather.move == "smalltalk:weather", weather
    pushed = _answer(call, "Вы все зомбированы, верите каждому слову из телевизора.")
    assert pushed.move and pushed.move.startswith("reaction:confront+"), pushed
    for turn in (weather, pushed):
        assert reply_check.word_loop(turn.text) is None
        assert reply_check.gender_error(turn.text, call.persona.gender, "ru") is None
    said = [t.move for t in _stored(tmp_path, call).turns if t.speaker == "respondent"]
    assert said[-2:] == [weather.move, pushed.move]


def test_leave_to_tell_gets_go_on_in_a_real_call(tmp_path: Path) -> None:
    # «Можно я расскажу…? У меня родственники в Харькове.» was answered from lore near its other
    # words: «Нет. Только бабка с украинской фамилией была.»
    from simulator.engine.move import _courtesy

    call = _firm_call(tmp_path, seed=2)
    _answer(call, "Добрый вечер! Меня зовут Ирина, я звоню из Германии. Удобно вам говорить?")
    turn = _answer(
        call, "Можно я расскажу, почему меня это так волнует? У меня родственники в Харькове."
    )
    go_on = [line for lines in _courtesy("tell")[1]["ru"].values() for line in lines]
    assert turn.move == "permission", turn
    assert any(turn.text.startswith(line) for line in go_on), turn.text
    assert _stored(tmp_path, call).turns[-1].text == turn.text


def test_jabs_are_answered_as_jabs_in_a_real_call(tmp_path: Path) -> None:
    # Round 21's scripted calls: «Америка во всём виновата…» was accepted as an apology
    # («Ладно, бывает.»), and a jab naming sleep was answered about their health.
    from simulator.engine.move import _courtesy

    call = _firm_call(tmp_path, seed=3)
    _answer(call, "Здравствуйте, меня зовут Аня. Можно с вами немного поговорить?")
    blamed = _answer(call, "Ну конечно, Америка во всём виновата, а вы белые и пушистые.")
    mocked = _answer(call, "Ну спите спокойно тогда, раз вам так удобнее.")
    accepted = [line for lines in _courtesy("apology")[1]["ru"].values() for line in lines]
    assert blamed.move and blamed.move.startswith("reaction:"), blamed
    assert not any(blamed.text.startswith(line) for line in accepted), blamed.text
    assert mocked.move and mocked.move.startswith("reaction:"), mocked
    assert "smalltalk" not in mocked.move, mocked
    stored = [t.move for t in _stored(tmp_path, call).turns if t.speaker == "respondent"]
    assert stored[-2:] == [blamed.move, mocked.move]


def test_the_callers_own_losses_are_heard_in_a_real_call(tmp_path: Path) -> None:
    # A volunteer's story about their own grandfather got «Деда моего не трогайте…» from a
    # hostile respondent, and an apology that told of a friend's dead son got a bare «Ладно,
    # бывает.»: real calls on the bundled model, with the real coder, kept in real SQLite files.
    call = _firm_call(tmp_path, seed=5)
    _answer(call, "Вы все зомбированы, верите каждому слову из телевизора.")
    _answer(call, "Вам не стыдно? Там из-за вас дети гибнут.")
    assert call.mood == "hostile"
    story = _answer(
        call,
        "Мой дедушка прошёл всю войну, до Кёнигсберга дошёл. Он повторял: лишь бы не было войны.",
    )
    assert story.move == "topic:ww2_family", story
    assert not re.search(r"не трога|не тронь|приплета|впутыва", story.text), story
    calm = _firm_call(tmp_path / "second", seed=5)
    _answer(calm, "Вы все зомбированы, верите каждому слову из телевизора.")
    sorry = _answer(calm, "Простите, если я резко. У моей подруги там сын погиб.")
    assert sorry.move == "apology", sorry
    assert "сочувству" in sorry.text.lower(), sorry
    stored = [t.text for t in _stored(tmp_path, call).turns if t.speaker == "respondent"]
    assert stored[-1] == story.text
    stored = [t.text for t in _stored(tmp_path / "second", calm).turns if t.speaker == "respondent"]
    assert stored[-1] == sorry.text


def test_a_bereaved_caller_is_heard_in_a_real_call(tmp_path: Path) -> None:
    # Round 24's held-out `bereaved` calls: the greeting got small talk about friends, more of
    # the death got «Ну, это дело житейское», and "war or special operation?" got «Да. Я за
    # своих.». On the real model, coder and SQLite file, in order.
    from simulator.engine.move import _courtesy_data

    call = _firm_call(tmp_path, seed=4)
    hello = _answer(call, "Здравствуйте, меня зовут Ирина. Можно с вами просто поговорить?")
    assert hello.move == "permission", hello
    _answer(call, "У меня брат погиб под Бахмутом в прошлом году. Ему было тридцать один.")
    more = _answer(
        call, "Нам сообщили по телефону. Маме позвонил парень из его части, она так кричала."
    )
    grief = [line for lines in _courtesy_data("story")["grief"]["ru"].values() for line in lines]
    assert more.move == "grief" and more.text in grief, more
    word = _answer(call, "А для вас это война или всё-таки спецоперация?")
    assert word.move == "stance:is_it_war" and not word.text.startswith("Да"), word
    stored = [t for t in _stored(tmp_path, call).turns if t.speaker == "respondent"]
    assert [t.text for t in stored[-2:]] == [more.text, word.text]


def test_an_emigre_caller_is_answered_in_a_real_call(tmp_path: Path) -> None:
    # Round 25's held-out `emigre` and `student` calls, on the real model, coder and SQLite file:
    # «пару минут просто поговорить» got small talk about friends, «А вы сами откуда?» the
    # potholes, «кем работаете» after a chat smiley his daughter's studies, and "those who left"
    # nothing that fitted.
    call = _firm_call(tmp_path, seed=5)
    hello = _answer(
        call,
        "Здравствуйте! Я Дмитрий, из Екатеринбурга. Можно с вами пару минут просто поговорить?",
    )
    assert hello.move == "permission", hello
    where = _answer(call, "Спасибо, что не положили трубку. А вы сами откуда, если не секрет?")
    assert where.move == "smalltalk:where_from", where
    work = _answer(call, "у меня щас учёба жёсткая, матан не даётся(( а вы кем работаете?")
    assert work.move == "topic:work", work
    left = _answer(
        call, "Меня часто спрашивают, чего я сбежал. А вы как к тем, кто уехал, относитесь?"
    )
    assert left.move == "topic:emigrants", left
    stored = [t for t in _stored(tmp_path, call).turns if t.speaker == "respondent"]
    assert [t.move for t in stored[-4:]] == [hello.move, where.move, work.move, left.move]


def test_a_medic_caller_is_answered_in_a_real_call(tmp_path: Path) -> None:
    # Round 26's held-out `medic`, on the real model, coder and SQLite file: asking leave again
    # got a topic line, «А у вас врачам как платят?» queues at the clinic, and a question about a
    # topic whose lines were all said got the same line word for word.
    from simulator.engine.move import _courtesy

    call = _firm_call(tmp_path, seed=5)
    leave = _answer(
        call,
        "Скажу сразу, зачем звоню: я двенадцать лет фельдшером на скорой отработала, теперь"
        " медсестрой в Германии. Вам сейчас удобно или я не вовремя?",
    )
    assert leave.move == "permission", leave
    pay = _answer(call, "А у вас врачам, медсёстрам как платят? Говорят, на скорой копейки.")
    assert pay.move == "topic:medics_pay", pay
    again = [_answer(call, "А врачам-то у вас сколько платят, как думаете?") for _ in range(4)]
    openers = [line for lines in _courtesy("again")[1]["ru"].values() for line in lines]
    said_again = [t for t in again if any(t.text.startswith(o) for o in openers)]
    assert said_again, [t.text for t in again]
    assert all(t.move == "topic:medics_pay" for t in said_again), said_again
    stored = [t for t in _stored(tmp_path, call).turns if t.speaker == "respondent"]
    assert [t.text for t in stored[-6:]] == [t.text for t in (leave, pay, *again)]


def test_a_church_caller_who_snaps_and_apologises_is_answered_in_a_real_call(
    tmp_path: Path,
) -> None:
    # Round 27's held-out `faith` and `trucker` callers, on the real model, coder and SQLite
    # file: faith and Easter got family or prices, an apology was accepted but changed nothing
    # (the respondent stayed as irritated), and «можно я вам ещё наберу?» was not heard as
    # asking to call again.
    call = _firm_call(tmp_path, seed=5)
    faith = _answer(call, "А вы сами верующий человек? В храм заходите иногда?")
    assert faith.move == "topic:faith", faith
    _answer(call, "Ну да, конечно. Сидите и ждите, пока повестка вашему сыну не придёт.")
    before = call.state.irritation
    sorry = _answer(call, "Ладно, извините. Занесло меня, я не на вас злюсь.")
    assert sorry.move == "apology", sorry
    assert call.state.irritation < before, (before, call.state)
    again = _answer(call, "Можно я вам ещё как-нибудь наберу, когда в рейсе буду?")
    assert again.move == "closing:call_again", again
    stored = [t for t in _stored(tmp_path, call).turns if t.speaker == "respondent"]
    assert [t.text for t in stored[-4:]] == [
        t.text for t in call.turns if t.speaker == "respondent"
    ][-4:]
    assert stored[-2].text == sorry.text


def test_a_veterans_call_is_answered_on_what_he_asks_and_tells_in_a_real_call(
    tmp_path: Path,
) -> None:
    # Round 28's held-out `veteran` and `farmer`, on the real model, coder and SQLite file:
    # leave asked at the end of a statement got the respondent's day, "what do you do?" after
    # his bus route got the roads, his friend «его не стало» got what people say, sorry for his
    # tears got «я не в обиде», and «далеко мы друг от друга» was heard as a friend.
    call = _firm_call(tmp_path, seed=7)
    leave = _answer(
        call,
        "Добрый вечер! Меня Виктор зовут, я из Хайфы звоню. Хотел просто поговорить с кем-нибудь"
        " из России, если у вас есть пара минут.",
    )
    assert leave.move == "permission", leave
    work = _answer(
        call,
        "Я вот только со смены пришёл, я автобус вожу, от порта до университета. А вы чем"
        " занимаетесь, если не секрет?",
    )
    assert work.move == "topic:work", work
    friend = _answer(
        call,
        "У меня там друг был, Серёжа, из Пензы. В марте восемьдесят второго колонна пошла, и его"
        " не стало, двадцати не исполнилось.",
    )
    assert friend.move == "condolence", friend
    sorry = _answer(call, "Извините. Сорок с лишним лет прошло, а как вспомню... Ладно.")
    assert sorry.move == "apology" and "обиде" not in sorry.text, sorry
    shared = _answer(
        call,
        "Вроде и далеко мы друг от друга, а заботы-то одни и те же — чтоб свои были здоровы да"
        " чтоб на жизнь хватало. Правда ведь?",
    )
    assert shared.move and shared.move.startswith("acknowledge"), shared
    assert "people_say" not in shared.move, shared
    stored = [t for t in _stored(tmp_path, call).turns if t.speaker == "respondent"]
    assert [t.text for t in stored[-5:]] == [t.text for t in (leave, work, friend, sorry, shared)]


def test_the_housekeeping_of_a_phone_call_in_a_real_call(tmp_path: Path) -> None:
    # Round 29's held-out `teacher` and `young_mum`, on the real model, coder and SQLite file:
    # thanks for not hanging up got «Ох, знакомо», "is that long hours?" got "hard to say",
    # «Повторите, пожалуйста» got «Да как у всех», "I'm back" got «я не в обиде», "Are you still
    # there?" got «Нормально. Вам-то что?», "Have you got children? Or grandchildren?" was
    # heard as a jab, school days got the childhood line and a neighbour's brother home without
    # an arm got the firm supporter's father.
    call = _firm_call(tmp_path, seed=11)
    leave = _answer(call, "Добрый вечер! Можно с вами немного поговорить?")
    assert leave.move == "permission", leave
    thanks = _answer(call, "Спасибо, что не положили трубку. Я вас надолго не задержу.")
    assert thanks.move == "phone:thanks", thanks
    work = _answer(call, "А вы кем работаете?")
    assert work.move == "topic:work", work
    tired = _answer(call, "И как, устаёте к вечеру?")
    assert tired.move == "about_it", tired
    again = _answer(call, "Ой, простите, в трубке затрещало, я не расслышала. Повторите?")
    assert again.move == "phone:again" and tired.text.split(".")[0] in again.text, again
    back = _answer(call, "Секундочку, в дверь звонят... Всё, я снова тут.")
    assert back.move == "phone:back", back
    there = _answer(call, "Алло? Вы меня слышите?")
    assert there.move == "phone:there", there
    family = _answer(call, "А у вас дети есть? Или, может, внуки?")
    assert "confront" not in (family.move or ""), family
    school = _answer(call, "А вам самому в школе нравилось? Какой предмет любили?")
    assert school.move == "smalltalk:school_days", school
    wounded = _answer(
        call,
        "У соседки брат вернулся с фронта без руки. Теперь дома сидит и молчит, а она ему суп"
        " носит.",
    )
    assert wounded.move == "sympathy", wounded
    turns = (leave, thanks, work, tired, again, back, there, family, school, wounded)
    stored = [t for t in _stored(tmp_path, call).turns if t.speaker == "respondent"]
    assert [t.text for t in stored[-len(turns) :]] == [t.text for t in turns]


def test_round_30s_call_housekeeping_names_and_hobbies_in_a_real_call(tmp_path: Path) -> None:
    # Round 30's held-out `musician` and `coach`, on the real model, coder and SQLite file: leave
    # asked at the end of an introduction, a name, singing, "how long?", their own hobbies, "are
    # you there?" before a story, a cousin under shelling, their view of the war after a turn on
    # it, and a question taken back. Each line got «как у всех», the car, "hard to say", a topic
    # or "give your lectures to someone else" before.
    call = _firm_call(tmp_path, seed=13)
    expected = [
        (
            "Здравствуйте! Меня зовут Лена, я из Вильнюса. Я ничего не продаю, просто хочу"
            " поговорить с людьми в России. Минут десять у вас найдётся?",
            "permission",
        ),
        ("А как к вам обращаться?", "stance:give_name"),
        ("А вы сами поёте? Хоть за столом, на праздниках?", "smalltalk:singing"),
        ("А кем вы работаете?", "topic:work"),
        ("И давно вы этим занимаетесь?", "about_it"),
        ("А в свободное время чем любите заниматься? Хобби есть?", "topic:hobbies"),
        (
            "Алло? Вы меня слышите? ... Простите, задумалась. Вспомнила, как мы с бабушкой летом"
            " варенье варили, а осы над тазом кружили, и я визжала на весь двор.",
            "light_story",
        ),
        (
            "У меня двоюродный брат под Харьковом живёт, они каждую ночь в подвале сидят с детьми.",
            "sympathy",
        ),
        ("Там столько молодых парней гибнет, с обеих сторон.", None),
        (
            "Простите, я что-то разволновалась. А вы сами что обо всём этом думаете, если честно?",
            "stance:support_operation",
        ),
        ("Хотя ладно, это я зря, не телефонный это разговор.", "phone:withdraw"),
    ]
    turns = []
    for line, move in expected:
        turn = _answer(call, line)
        assert move is None or turn.move == move, (line, turn)
        turns.append(turn)
    there = turns[6].text
    assert there.startswith(("Тут я.", "Слышу, слышу.", "Здесь.", "Да-да,", "Здесь, здесь.")), there
    stored = [t for t in _stored(tmp_path, call).turns if t.speaker == "respondent"]
    assert [t.text for t in stored[-len(turns) :]] == [t.text for t in turns]
