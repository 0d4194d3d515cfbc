"""The learned coder (lexicon cues + heads over the sentence encoder): the lines a new volunteer
typed that the old lexicon rewarded, evidence spans, context, and the heads file itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.codes import Lang
from simulator.coding import code_utterance
from simulator.coding.corpus import split_of, training_hash
from simulator.coding.heads import HEADS_PATH, HeadsError, load_heads

REPO = Path(__file__).resolve().parent.parent


def codes(text: str, previous: str | None = None) -> set[str]:
    return set(code_utterance(text, None, previous).codes)


def test_an_accusing_question_with_a_shaming_tag_is_blame_not_a_reflection() -> None:
    found = codes("А вы вообще понимаете, что ваша армия убивает мирных людей? Вам не стыдно?")
    assert {"confront", "guilt"} <= found
    assert not {"closed_question", "reflection", "empathy"} & found


def test_are_you_not_ashamed_shames() -> None:
    found = codes("Вам не стыдно?")
    assert "guilt" in found and "reflection" not in found


def test_do_you_believe_what_they_say_there_is_not_a_reflection() -> None:
    found = codes("Вы верите тому, что там говорят?")
    assert "reflection" not in found and "closed_question" in found


def test_urging_mothers_to_organise_is_unsafe() -> None:
    found = codes(
        "Мне кажется, матери должны объединяться и требовать вернуть сыновей домой… "
        "Вы бы пошли на такое?"
    )
    assert "unsafe" in found


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("You're as guilty as the soldiers firing the missiles.", "guilt"),
        ("Go on then, stay in your swamp.", "confront"),
    ],
)
def test_statements_that_blame_or_mock_are_not_reflections(text: str, code: str) -> None:
    found = codes(text)
    assert code in found and "reflection" not in found


JAB = ("confront", "reflection")
PLAIN = ("reflection", "confront")


@pytest.mark.parametrize(
    ("text", "previous", "given", "not_given"),
    [
        (
            "So you'd happily look away while they bomb kids, as long as your pension comes on "
            "time.",
            "I don't care about politics, I just want my pension on time.",
            *JAB,
        ),
        (
            "So basically you're fine with it because it's not your son. Nice.",
            "My son is too young, thank God, they won't take him.",
            *JAB,
        ),
        (
            "Понятно, то есть вы верите всему, что скажет телевизор. Удобно.",
            "По телевизору всё объясняют, я им верю.",
            *JAB,
        ),
        (
            "Значит, пока не ваш сын, вас всё устраивает. Ясно.",
            "Мой сын ещё маленький, слава богу, его не заберут.",
            *JAB,
        ),
        (
            "So as long as it's not your son, you're fine with all of it. Got it.",
            "My son is too young, thank God, they won't take him.",
            *JAB,
        ),
        (
            "So you trust what they explain on TV, it gives you some calm.",
            "On TV they explain everything, I trust them.",
            *PLAIN,
        ),
        (
            "То есть телевизору вы доверяете, он вам всё объясняет.",
            "По телевизору всё объясняют, я им верю.",
            *PLAIN,
        ),
    ],
)
def test_a_restatement_that_mocks_is_confrontation_and_a_plain_one_a_reflection(
    text: str, previous: str, given: str, not_given: str
) -> None:
    # The first three jabs were coded `confront` and `reflection`, the next two `reflection`
    # alone: the coach praised the listening in a jab. The plain restatements of the same lines
    # must stay reflections.
    found = codes(text, previous)
    assert given in found and not_given not in found, found


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        (
            "So you keep quiet to keep the peace in the family.",
            "In the family chat some send pictures with flags, others stay quiet. I stay quiet "
            "too, you understand, I don't want a row.",
        ),
        (
            "То есть вы молчите, чтобы не ссориться с родными.",
            "В семейном чате одни шлют картинки с флагами, другие молчат. Я тоже молчу, не хочу "
            "ругаться.",
        ),
    ],
)
def test_reflecting_their_silence_is_not_blaming_it(text: str, previous: str) -> None:
    # Found in a practice call: the coder heard guilt in the reflection, and the respondent
    # turned hostile at a textbook reflection.
    found = codes(text, previous)
    assert "reflection" in found and not {"confront", "guilt"} & found, found


def test_recalling_what_they_said_about_the_phone_asks_for_nothing() -> None:
    # Found in a practice call: «сказали» matched the cue for «скажите ... телефон» (any form of
    # the verb), and a reflection was flagged `unsafe`, which fails the whole call.
    found = codes(
        "Вы сказали, что телефон всегда рядом кладёте. Ждёте звонка?",
        "Сейчас на кухне сижу, телефон рядом положила. Всегда кладу рядом, вдруг сын позвонит.",
    )
    assert "unsafe" not in found and "reflection" in found, found
    assert "unsafe" in codes("Скажите ваш номер телефона, я перезвоню.")


@pytest.mark.parametrize(
    "text",
    ["You keep quiet while bombs fall on children.", "Вы молчите, а там бомбят детей."],
)
def test_blaming_their_silence_for_deaths_is_guilt(text: str) -> None:
    assert {"confront", "guilt"} <= codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "Кого-нибудь с вашей улицы мобилизовали?",  # asks about neighbours, not an address
        "What do you pay for milk?",  # the price of milk, not "you pay for the bombs"
        "Is there propaganda in schools?",
        "Would you send your kids to a Russian school?",
        "Do you know anyone who's gone to the front? A neighbour, a colleague?",
        "Знаете кого-нибудь, кто ушёл на фронт? Сосед, коллега?",
        # Round 29's held-out teacher: the turn's head heard a jab at 0.56, each question at
        # most 0.28 (`QUESTIONS_CONFRONT`).
        "Have you got children yourself? Or grandchildren?",
    ],
)
def test_everyday_questions_are_neither_risky_nor_blame(text: str) -> None:
    found = codes(text)
    assert not {"unsafe", "confront", "guilt"} & found, found
    assert {"open_question", "closed_question"} & found


@pytest.mark.parametrize(
    "text",
    [
        "And you call that defending? Are you blind?",
        "Вам не стыдно? Вы вообще понимаете, что происходит?",
        "Do you even care? Or is it easier not to think?",
    ],
)
def test_a_jab_made_of_questions_is_still_confrontation(text: str) -> None:
    assert "confront" in codes(text)


def test_asking_for_the_street_itself_is_still_unsafe() -> None:
    assert "unsafe" in codes("Назовите вашу улицу и номер дома.")
    assert {"confront", "guilt"} <= codes("You pay for those missiles with your taxes.")


def test_the_respondents_previous_line_helps_hear_a_reflection() -> None:
    prev = "Меня никто никогда не спрашивал, хочу я этого или нет."
    assert "reflection" in codes("Вас никто не спросил, чего вы хотите.", prev)


_REFLECTION_THEN_STORY = {
    "en": [
        (
            "Every day without a call must feel endless for you. My mum waited like that for my "
            "dad when he was away at sea, and I still remember her by the phone.",
            "My son has been out there six months, he hardly calls.",
        ),
        (
            "So you lie awake waiting for news. When my brother was in hospital I did the same, "
            "I slept with the phone on my pillow.",
            "I can't sleep. I keep waiting for the phone to ring.",
        ),
        (
            "You're tired of being told what to think by everyone. I felt that way at "
            "university, everyone pulling me to their side.",
            "The TV says one thing, my daughter says another. I'm sick of all of them.",
        ),
        (
            "It sounds like the prices are wearing you down. My parents are pensioners too, and "
            "my dad counts every coin at the shop now.",
            "Everything costs twice what it did. My pension is gone by the twentieth.",
        ),
        (
            "So the village feels empty since the young men left. My grandmother's village in "
            "Poland went the same way after the factory closed.",
            "Half the young men from our village are gone. It's so quiet now.",
        ),
        (
            "You're proud of him and scared for him at the same time. My uncle served too, and "
            "my aunt used to say exactly that.",
            "My grandson signed a contract. I'm proud, but I can't eat.",
        ),
    ],
    "ru": [
        (
            "Вам очень его не хватает. Моя мама тоже так ждала отца из командировок, по полгода, "
            "и я помню этот телефон на кухне.",
            "Сын уже полгода там, звонит редко.",
        ),
        (
            "То есть вы ночами не спите, ждёте звонка. Я так же не спала, когда брат лежал в "
            "больнице, телефон держала под подушкой.",
            "Не сплю. Всё жду, что позвонит.",
        ),
        (
            "Вы устали, что вам все говорят, что думать. У меня так было в институте, каждый "
            "тянул на свою сторону.",
            "По телевизору одно, дочка другое. Надоели все.",
        ),
        (
            "Похоже, цены вас совсем вымотали. У меня родители тоже пенсионеры, папа теперь в "
            "магазине каждую копейку считает.",
            "Всё в два раза дороже стало. Пенсии до двадцатого хватает.",
        ),
        (
            "Деревня, значит, опустела, как мужики ушли. У бабушки моей в Польше так же было, "
            "когда завод закрыли.",
            "У нас полдеревни мужиков забрали. Тихо стало.",
        ),
        (
            "Вы и гордитесь им, и боитесь за него одновременно. Мой дядя тоже служил, и тётя "
            "говорила ровно так же.",
            "Внук контракт подписал. Горжусь, а кусок в горло не лезет.",
        ),
    ],
}


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_reflection_followed_by_a_story_is_still_heard(lang: Lang) -> None:
    # A restatement followed by the volunteer's own story: the story dilutes the turn as a
    # whole, and the reflection must still be heard, its sentence the evidence. The first
    # English turn is the one seen in round 20 (heads 0.20 for the turn, 0.99 for its first
    # sentence); since round 22 its first sentence, scored with the turn's cues, is at 0.696,
    # just under `SENTENCE_REFLECTION`, so it is one of the misses allowed here.
    heard = 0
    for text, previous in _REFLECTION_THEN_STORY[lang]:
        coding = code_utterance(text, lang, previous)
        first = text.split(". ")[0]
        spans = coding.evidence.get("reflection", ())
        heard += any(first in span or span in first for span in spans)
    assert heard >= len(_REFLECTION_THEN_STORY[lang]) - 1, heard


@pytest.mark.parametrize(
    ("text", "previous"),
    [_REFLECTION_THEN_STORY["ru"][0], _REFLECTION_THEN_STORY["ru"][5]],
    ids=["missing-him", "proud-and-scared"],
)
def test_one_reflecting_sentence_makes_a_turn_a_reflection(text: str, previous: str) -> None:
    # Heard by `SENTENCE_REFLECTION` (without it, the second is not a reflection): the
    # sentence is scored alone, and the story after it is still heard.
    coding = code_utterance(text, "ru", previous)
    assert {"reflection", "personal_story"} <= set(coding.codes)
    first = text.split(". ")[0]
    assert any(first in span or span in first for span in coding.evidence["reflection"])


def test_every_code_comes_with_evidence_from_the_text() -> None:
    text = (
        "Я вас понимаю, правда. Мой брат тоже служил. Но вы должны знать, что там гибнут "
        "дети. Как вы думаете, что можно сделать?"
    )
    coding = code_utterance(text, "ru")
    assert coding.codes
    for code in coding.codes:
        spans = coding.evidence[code]
        assert spans and all(span and span in text for span in spans), (code, spans)


def test_the_committed_heads_match_the_corpus_and_lexicons_they_were_trained_on() -> None:
    meta = load_heads().meta
    assert meta["training_hash"] == training_hash(), (
        "the corpus, the lexicons or the trainer changed since the heads were trained: "
        "run .venv/bin/python scripts/train_coder.py and commit simulator/coding/data/heads.npz"
    )


def test_the_split_is_fixed_by_id() -> None:
    assert [split_of(f"ru-calls-{n:04d}") for n in range(1, 11)] == [
        split_of(f"ru-calls-{n:04d}") for n in range(1, 11)
    ]
    shares = [split_of(f"x-{n}") for n in range(5000)]
    assert 0.67 < shares.count("train") / 5000 < 0.73
    assert 0.17 < shares.count("test") / 5000 < 0.23


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "missing"),
        (b"not a zip file", "corrupt"),
        (HEADS_PATH.read_bytes()[:5000], "corrupt"),
    ],
)
def test_a_missing_or_corrupt_heads_file_names_the_file_and_the_fix(
    tmp_path: Path, content: bytes | None, says: str
) -> None:
    path = tmp_path / "heads.npz"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(HeadsError) as caught:
        load_heads(path)
    message = str(caught.value)
    assert str(path) in message and says in message and "scripts/train_coder.py" in message
    assert "\n" not in message
    env = {**os.environ, "CALLSIM_CODER_HEADS": str(path)}
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "code"],
        input="Вам не стыдно?\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=REPO,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr and "train_coder.py" in result.stderr


# -- coding a file: the encoder in a worker process ------------------------------------------


def test_a_file_coded_with_the_encoder_in_a_worker_gets_the_same_codes() -> None:
    from simulator.coding import code_many, finish_batch, start_batch
    from simulator.coding.encoder import stop_worker_process, use_worker_process

    items: list[tuple[str, Lang | None, str | None]] = [
        ("Вам не стыдно? Ваша армия убивает мирных людей.", "ru", None),
        ("So you feel safer with him in charge.", "en", "I trust the president, he protects us."),
        ("Как у вас сегодня день прошёл?", None, None),
        ("Okay.", None, None),
    ] * 3
    here = code_many(items)
    use_worker_process()
    try:
        first = start_batch(items[:6])
        second = start_batch(items[6:])  # started before the first is finished
        there = finish_batch(first) + finish_batch(second)
    finally:
        stop_worker_process()
    assert [c.codes for c in there] == [c.codes for c in here]
    assert "confront" in there[0].codes and "reflection" in there[1].codes


def test_a_worker_that_dies_loses_no_line() -> None:
    from simulator.coding import code_many, encoder, finish_batch, start_batch

    items: list[tuple[str, Lang | None, str | None]] = [
        ("What worries you most about it?", "en", None),
        ("Вы правда в это верите?", "ru", None),
    ] * 5
    here = code_many(items)
    encoder.use_worker_process()
    try:
        pool = encoder._process_pool
        assert pool is not None
        pool.submit(int).result()  # the worker is up
        for process in list(pool._processes.values()):
            process.kill()
            process.join()
        there = finish_batch(start_batch(items))
    finally:
        encoder.stop_worker_process()
    assert [c.codes for c in there] == [c.codes for c in here]


@pytest.mark.parametrize(
    ("text", "previous", "lang"),
    [
        ("Wow.", "I've been sober for three months now.", "en"),
        ("Oh wow. Okay.", "My daughter got into medical school.", "en"),
        ("Ну да, ну да.", "Я тридцать лет на заводе отработал.", "ru"),
    ],
)
def test_a_bare_filler_is_no_attack(text: str, previous: str, lang: Lang) -> None:
    # A turn made only of fillers has no code (SPEC): the heads heard a sincere "Wow." after
    # "I've been sober for three months now." as `confront`, and the coach called it an attack.
    assert code_utterance(text, lang, previous).codes == ()


def test_a_jab_that_starts_with_a_filler_is_still_heard() -> None:
    assert "confront" in code_utterance("Wow, so smart.", "en", "I read different things.").codes


def test_a_russian_what_question_after_its_topic_is_open() -> None:
    # Round 30's Russian app call: «А в свободное время что любите делать?» was a yes/no
    # question, and the scorecard counted no open question in the call. (The heads still hear
    # «А по выходным чем занимаетесь?» as closed, 0.74, though the lexicon now says open.)
    codes = code_utterance("А в свободное время что любите делать?", "ru").codes
    assert "open_question" in codes and "closed_question" not in codes, codes
