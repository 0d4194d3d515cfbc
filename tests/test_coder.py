"""The behaviour coder: lemmas, negation, questions, reflection, evidence, lexicon errors.

Tests through `code_utterance` check what a volunteer sees (lexicon and learned heads together);
tests through `cue_coder` check the lexicon layer itself (the cue files that feed the heads and
give evidence spans)."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.codes import CODES
from simulator.coding import Coder, LexiconError, code_utterance, detect_lang, load_lexicon
from simulator.coding.coder import bundled_coder as cue_coder
from simulator.coding.lexicon import DATA_DIR
from simulator.coding.patterns import PatternError, compile_pattern
from simulator.coding.text import analyse

# The examples of SPEC section 2: (code, English, Russian).
SPEC_EXAMPLES = [
    ("open_question", "What worries you most about it?", "Что вас в этом больше всего тревожит?"),
    ("closed_question", "Are you at work now?", "Вы сейчас на работе?"),
    (
        "reflection",
        "So you feel nobody asked people like you.",
        "То есть вам кажется, что таких, как вы, никто не спрашивал.",
    ),
    ("empathy", "That sounds really hard.", "Это, наверное, очень тяжело."),
    (
        "affirmation",
        "You obviously care a great deal about your family.",
        "Сразу слышно, как вы дорожите семьёй.",
    ),
    (
        "human_life",
        "Young men from both countries are being buried.",
        "Молодых ребят хоронят в обеих странах.",
    ),
    (
        "personal_story",
        "My uncle in Odesa lost his flat last spring.",
        "Мой дядя в Одессе прошлой весной остался без квартиры.",
    ),
    (
        "common_ground",
        "We both want our parents to grow old in peace.",
        "Мы оба хотим, чтобы наши родители спокойно дожили свой век.",
    ),
    (
        "autonomy",
        "Is it all right if I ask you something personal?",
        "Ничего, если я спрошу о личном?",
    ),
    (
        "confront",
        "You people believe anything the TV says.",
        "Вы там всему верите, что по телевизору скажут.",
    ),
    (
        "lecture",
        "Look up the casualty figures, they're public.",
        "Поищите данные о потерях, они открыты.",
    ),
    (
        "guilt",
        "Every day you keep quiet, more people die.",
        "Каждый день вашего молчания — это новые смерти.",
    ),
    (
        "unsafe",
        "Tell me your address so I can send you materials.",
        "Продиктуйте адрес, я пришлю вам материалы.",
    ),
]


@pytest.mark.parametrize(
    ("code", "english", "russian"), SPEC_EXAMPLES, ids=[e[0] for e in SPEC_EXAMPLES]
)
def test_every_spec_example_gets_its_code_in_both_languages(
    code: str, english: str, russian: str
) -> None:
    assert code in code_utterance(english, "en").codes
    assert code in code_utterance(russian, "ru").codes


@pytest.mark.parametrize("text", ["Okay.", "Ясно.", "Алло?", "Mm-hmm.", "Угу."])
def test_greetings_and_fillers_have_no_code(text: str) -> None:
    assert code_utterance(text).codes == ()


def test_detect_lang_follows_the_script() -> None:
    assert detect_lang("Здравствуйте, это Анна.") == "ru"
    assert detect_lang("Hello, this is Anna.") == "en"
    assert detect_lang("Я смотрю BBC и CNN каждый день") == "ru"
    assert code_utterance("Вы сейчас на работе?").lang == "ru"


def test_russian_cues_match_every_inflected_form() -> None:
    lemmas = {analyse(word, "ru").tokens[0].lemma for word in ["детей", "дети", "ребёнка"]}
    assert lemmas == {"ребенок"}
    pattern = compile_pattern("хоронить ребенок", "ru")
    for text in ["хоронят детей", "хоронили ребёнка", "похоронить"]:
        tokens = analyse(text, "ru").tokens
        matched = pattern.match_at(tokens, 0, len(tokens)) is not None
        assert matched == (text != "похоронить"), text


def test_exact_form_pattern_does_not_match_other_forms() -> None:
    pattern = compile_pattern("=поймите", "ru")
    assert pattern.match_at(analyse("Поймите", "ru").tokens, 0, 1) is not None
    assert pattern.match_at(analyse("понял", "ru").tokens, 0, 1) is None


def test_english_contractions_match_cues_written_in_full() -> None:
    assert "confront" in code_utterance("You're wrong about this.", "en").codes
    assert "confront" in code_utterance("You are wrong about this.", "en").codes


@pytest.mark.parametrize(
    ("negated", "plain", "code"),
    [
        ("I'm not blaming you.", "I blame you for this.", "confront"),
        ("I'm not saying you're wrong.", "You're wrong.", "confront"),
        ("Я не прошу вас выходить на митинг.", "Выходите на митинг в воскресенье.", "unsafe"),
        ("Я не говорю, что вы неправы.", "Вы неправы.", "confront"),
        ("I don't understand you at all.", "I understand.", "empathy"),
    ],
)
def test_negation_cancels_a_cue(negated: str, plain: str, code: str) -> None:
    assert code not in code_utterance(negated).codes
    assert code in code_utterance(plain).codes


def test_a_cue_that_spells_out_negation_is_not_cancelled() -> None:
    assert "autonomy" in cue_coder("en").code("You don't have to answer that.").codes
    assert "common_ground" in cue_coder("ru").code("Никто не хочет войны.").codes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How do you feel about it?", "open_question"),
        ("Why did you decide that?", "open_question"),
        ("Tell me more about your son.", "open_question"),
        ("Do you have children?", "closed_question"),
        ("Where do you live?", "unsafe"),
        ("How many children do you have?", "closed_question"),
        ("A respirologist said so, and how are you feeling right now?", "open_question"),
        ("Почему вы так думаете?", "open_question"),
        ("Расскажите про вашего сына.", "open_question"),
        ("А мама ваша как всё это переживает?", "open_question"),
        ("Правда ли, что вы учитель?", "closed_question"),
        ("Вы уже на пенсии?", "closed_question"),
        ("Сколько вам лет?", "closed_question"),
    ],
)
def test_questions_open_and_closed(text: str, expected: str) -> None:
    codes = code_utterance(text).codes
    assert expected in codes
    if expected in ("open_question", "closed_question"):
        other = "closed_question" if expected == "open_question" else "open_question"
        assert other not in codes


@pytest.mark.parametrize(
    "text", ["How can you be so blind?", "Как можно быть таким слепым?", "Вы что, не видите?"]
)
def test_an_attack_phrased_as_a_question_is_confront_not_a_question(text: str) -> None:
    codes = cue_coder(detect_lang(text)).code(text).codes
    assert "confront" in codes
    assert not {"open_question", "closed_question"} & set(codes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Did you know that a glass of juice has as much sugar as a can of cola?",
            "closed_question",
        ),
        ("So what would you say you need to change first?", "open_question"),
    ],
)
def test_a_question_with_a_lecture_in_it_still_asks(text: str, expected: str) -> None:
    assert expected in code_utterance(text, "en").codes


def test_asking_what_they_think_they_need_to_do_is_no_lecture() -> None:
    assert code_utterance("What do you think you need to do next?", "en").codes == (
        "open_question",
    )
    assert code_utterance("You need to read the news.", "en").codes == ("lecture",)


def test_a_negative_question_telling_them_what_they_fail_to_see_is_confront() -> None:
    codes = code_utterance("Don't you see they're lying to you?", "en").codes
    assert "confront" in codes
    assert not {"open_question", "closed_question"} & set(codes)


@pytest.mark.parametrize(
    ("text", "lang", "asks"),
    [
        ("You're at work now?", "en", True),
        ("It adds up, yeah? Yeah.", "en", False),  # talked on past: a check-in
        ("So you feel alone? I can hear that.", "en", False),
        ("Are you at work now? I can call back later.", "en", True),  # an opener asks anywhere
        ("А дочка у вас одна? Как ей сейчас живётся?", "ru", True),  # Russian yes/no form
    ],
)
def test_a_statement_with_a_question_mark_asks_only_at_the_end_of_an_english_turn(
    text: str, lang: str, asks: bool
) -> None:
    codes = set(code_utterance(text, lang).codes)
    assert ("closed_question" in codes) is asks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You know, tell me about the part of you that wants to change.", "open_question"),
        ("If you could just give me a sense of how long ago that was.", "open_question"),
        ("And any other relationship, if you don't mind me asking.", "closed_question"),
    ],
)
def test_requests_for_information_inside_a_turn_are_questions(text: str, expected: str) -> None:
    assert expected in code_utterance(text, "en").codes


def test_a_dare_is_not_a_request_for_information() -> None:
    codes = code_utterance("Read about it, and then tell me it's fake.", "en").codes
    assert "open_question" not in codes


def test_transcriber_notes_are_not_words() -> None:
    assert code_utterance("[unintelligible 00:04:45]?", "en").codes == ()
    assert code_utterance("[laughs] How did that go?", "en").codes == ("open_question",)
    assert [t.norm for t in analyse("So [crosstalk] you", "en").tokens] == ["so", "you"]


@pytest.mark.parametrize(
    ("typed", "full"),
    [
        ("youre worried about him", "you're worried about him"),
        ("dont you think so", "don't you think so"),
        ("i cant say", "I can't say"),
        ("thats what matters", "that's what matters"),
    ],
)
def test_contractions_typed_without_the_apostrophe_read_like_the_full_ones(
    typed: str, full: str
) -> None:
    def words(text: str) -> list[str]:
        return [t.norm for t in analyse(text, "en").tokens]

    assert words(typed) == words(full)
    # The lexicon reads them alike; the learned heads also see characters, so the apostrophe
    # may move a borderline probability a little.
    assert cue_coder("en").code(typed).codes == cue_coder("en").code(full).codes


def test_words_that_look_like_bare_contractions_stay_words() -> None:
    assert [t.norm for t in analyse("Its owner was ill, well, we were", "en").tokens] == [
        "its",
        "owner",
        "was",
        "ill",
        "well",
        "we",
        "were",
    ]


def test_reflection_by_cue_and_by_echoing_the_respondent() -> None:
    assert "reflection" in code_utterance("It sounds like you're exhausted.", "en").codes
    assert "reflection" in code_utterance("Похоже, вы просто устали от политики.", "ru").codes
    previous = "Мой сын служит, и я каждую ночь не сплю, всё жду звонка."
    echo = "Вы каждую ночь ждёте звонка от сына."
    assert "reflection" in code_utterance(echo, "ru", previous).codes
    assert "reflection" not in code_utterance("Вы сейчас дома?", "ru", previous).codes


@pytest.mark.parametrize(
    ("text", "lang", "previous"),
    [
        (
            "You have been carrying all of this on your own for years.",
            "en",
            "Mum was ill for ten years. I looked after her; my brother never came once.",
        ),
        (
            "Вы все эти годы несли это в одиночку.",
            "ru",
            "Мама болела десять лет, я за ней ухаживала, брат ни разу не приехал.",
        ),
    ],
)
def test_a_plain_statement_restating_the_respondent_is_a_reflection(
    text: str, lang: str, previous: str
) -> None:
    # In a call the respondent's line is always there; without it the Russian line is only
    # half heard as a reflection (0.39: «несли это в одиночку» alone could also be a reproach).
    assert code_utterance(text, lang, previous).codes == ("reflection",)


@pytest.mark.parametrize(
    "text",
    [
        "Sorry to bother you so late.",  # courtesy, not a restatement
        "Извините, что беспокою вас так поздно.",
        # ("I think you have been carrying this alone." was listed here as the volunteer's view;
        # by SPEC it infers the respondent's feeling, a reflection in MI coding too.)
        "Are you carrying all of this on your own?",  # a question
        "You should read what the independent media report.",  # advice, a lecture ...
        "Get a VPN and read the BBC. It'll open your eyes.",  # ... even a sentence later
    ],
)
def test_statements_to_the_respondent_that_are_not_reflections(text: str) -> None:
    assert "reflection" not in code_utterance(text).codes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How would you describe your week", "open_question"),  # spoken, no '?'
        ("I'm wondering if you have thought about it.", "closed_question"),
        ("Maybe you could tell me how it started.", "open_question"),
        ("Friends?", "closed_question"),  # one word picked up from the respondent
    ],
)
def test_questions_without_a_question_mark_or_with_one_word(text: str, expected: str) -> None:
    assert cue_coder("en").code(text).codes == (expected,)


@pytest.mark.parametrize("text", ["Okay?", "Sorry?", "Да?", "Алло?", "Нацисты? Серьёзно?"])
def test_backchannels_with_a_question_mark_are_not_questions(text: str) -> None:
    assert not {"open_question", "closed_question"} & set(code_utterance(text).codes)


def test_family_words_alone_are_not_human_life() -> None:
    assert "human_life" not in code_utterance("Tell me about your son.", "en").codes
    assert "human_life" in code_utterance("Mothers are burying their sons.", "en").codes
    assert "human_life" not in code_utterance("Дети у вас есть?", "ru").codes


def test_guilt_is_also_confront() -> None:
    codes = code_utterance("На вашей совести эти смерти.", "ru").codes
    assert "guilt" in codes and "confront" in codes


def test_codes_are_ordered_unique_and_every_one_has_evidence_from_the_text() -> None:
    text = "Спасибо, что говорите со мной. Мой брат погиб под Бахмутом. Как вы это видите?"
    coding = code_utterance(text)
    assert list(coding.codes) == [code for code in CODES if code in coding.codes]
    assert len(set(coding.codes)) == len(coding.codes)
    assert set(coding.evidence) == set(coding.codes)
    assert {"affirmation", "personal_story", "human_life", "open_question"} <= set(coding.codes)
    for spans in coding.evidence.values():
        assert spans
        for span in spans:
            assert span and span in text
    assert "погиб" in coding.evidence["human_life"]
    assert coding.evidence["open_question"] == ("Как вы это видите?",)


def test_bundled_lexicons_load() -> None:
    for lang in ("ru", "en"):
        lexicon = load_lexicon(DATA_DIR / f"{lang}.yaml")
        assert lexicon.lang == lang
        Coder(lexicon)


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = (DATA_DIR / "en.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "en.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_unknown_field_in_a_lexicon_names_file_line_and_field(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "  threshold: 0.6\n", "  treshold: 0.6\n")
    with pytest.raises(LexiconError) as info:
        load_lexicon(path)
    line = _line_of(path, "treshold")
    assert str(info.value).startswith(f"{path}:{line}: reflection.treshold: ")


def test_bad_pattern_in_a_lexicon_names_its_line(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, '- "you people"', '- "you ... "')
    with pytest.raises(LexiconError) as info:
        load_lexicon(path)
    line = _line_of(path, '"you ... "')
    assert str(info.value).startswith(f"{path}:{line}: codes.confront.cues.")
    assert "'...'" in str(info.value)


def test_bare_yes_no_words_in_yaml_are_reported_not_crashed(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, '"no", nobody', "no, nobody")
    with pytest.raises(LexiconError, match=r"en\.yaml:\d+: negation\.words\.2: "):
        load_lexicon(path)


@pytest.mark.parametrize("bad", ["...", "a ... ... b", "_", "x*|", "c*"])
def test_pattern_syntax_errors(bad: str) -> None:
    with pytest.raises(PatternError):
        compile_pattern(bad, "en")


@pytest.mark.parametrize("bad", ["it is|that is your choice", "you have to|need to read"])
def test_phrases_written_as_alternatives_are_refused(bad: str) -> None:
    with pytest.raises(PatternError, match="alternatives are single words"):
        compile_pattern(bad, "en")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("It's completely your decision.", "autonomy"),
        ("That is your choice.", "autonomy"),
        ("That's understandable.", "empathy"),
        ("You need to read the independent news.", "lecture"),
        ("You have to speak out.", "unsafe"),
    ],
)
def test_cues_once_hidden_by_phrase_alternatives_now_match(text: str, code: str) -> None:
    assert code in code_utterance(text, "en").codes


@pytest.mark.parametrize(
    ("text", "lang"),
    [("That is your choice.", "en"), ("Your choice, of course.", "en"), ("Это ваш выбор.", "ru")],
)
def test_leaving_the_choice_to_them_is_never_heard_as_blame(text: str, lang: str) -> None:
    # Heads retrained with standardised features heard "guilt" here; blame is a kind of
    # confrontation (SPEC), so guilt the heads alone hear without it is dropped.
    assert "guilt" not in code_utterance(text, lang).codes


@pytest.mark.parametrize(
    ("text", "lang", "code"),
    [
        # Cues once written as "a|b c|d" for phrases of different lengths, which no
        # utterance could match.
        ("Everyone wants their children to be safe.", "en", "common_ground"),
        ("We are the same, you and I.", "en", "common_ground"),
        ("You are to blame for this.", "en", "guilt"),
        ("You do nothing while they die.", "en", "guilt"),
        ("Refuse to fight.", "en", "unsafe"),
        ("Do you know that the figures are much higher?", "en", "lecture"),
        ("How could you support this war?", "en", "confront"),
        ("We are alike in that.", "en", "common_ground"),
        ("You can stop at any time.", "en", "autonomy"),
        ("You did well to call them.", "en", "affirmation"),
        ("You could stop this.", "en", "guilt"),
        ("Вы знаете, что там гибнут люди?", "ru", "lecture"),
        ("Нормально переживать за сына.", "ru", "empathy"),
    ],
)
def test_cues_once_written_as_phrase_alternatives_of_different_lengths_match(
    text: str, lang: str, code: str
) -> None:
    assert code in cue_coder(lang).code(text).codes


@pytest.mark.parametrize(
    "text", ["How can you fit a walk into your week?", "How could you make that happen?"]
)
def test_a_how_can_you_question_is_a_question_not_an_attack(text: str) -> None:
    assert code_utterance(text, "en").codes == ("open_question",)


@pytest.mark.parametrize(
    "text",
    [
        "Say a bit more about that.",
        "Talk to me about what happened.",
        "Walk me through a typical day.",
        "Share with me what that was like.",
        "Let me know what you think.",
        "I want to understand what that means to you.",
        "Curious what you make of that.",
    ],
)
def test_imperative_invitations_to_talk_are_open_questions(text: str) -> None:
    assert cue_coder("en").code(text).codes == ("open_question",)


def test_interesno_kak_without_mne_asks_but_interesno_chto_remarks() -> None:
    assert code_utterance("Интересно, как вы это видите.", "ru").codes == ("open_question",)
    assert "open_question" not in code_utterance("Интересно, что вы так сказали.", "ru").codes


def test_leaving_the_decision_to_the_respondent_in_two_words_is_autonomy() -> None:
    # "Your choice, of course." once got no code: the cue list knew only "it is your choice".
    coding = code_utterance("Your choice, of course.", "en", "I don't want to talk about it.")
    assert coding.codes == ("autonomy",)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Вы, я так понимаю, в стороне от всего этого держитесь."),
        ("ru", "Как я понимаю, вы просто устали от новостей."),
        ("ru", "Вы — как я поняла — против, но молчите."),
        ("en", "I take it you keep out of all this."),
    ],
)
def test_checking_an_understanding_is_a_reflection_cue_not_empathy(lang: str, text: str) -> None:
    # «я так понимаю» ("as I take it") was read as the empathy cue «понимаю».
    found = cue_coder(lang).code(text)
    assert "reflection" in found.codes and "empathy" not in found.codes, found.codes


@pytest.mark.parametrize(
    "text", ["Я вас так понимаю, у меня тоже сын.", "Как я вас понимаю! Это очень тяжело."]
)
def test_understanding_them_is_still_empathy(text: str) -> None:
    found = cue_coder("ru").code(text)
    assert "empathy" in found.codes and "reflection" not in found.codes, found.codes


@pytest.mark.parametrize(
    ("lang", "text", "code", "fires"),
    [
        # Round 28's held-out veteran: why he rings is no lecture, what they must think is.
        ("ru", "Я вам скажу, почему звоню, чтоб честно было.", "lecture", False),
        ("ru", "Я вам скажу: вы ничего не понимаете.", "lecture", True),
        # His dead friend "grinning like an idiot" insults nobody; "you idiot" does.
        ("en", "He'd shown me the scan of his baby, grinning like an idiot.", "confront", False),
        ("en", "I felt such a fool when I got home.", "confront", False),
        ("en", "You idiot.", "confront", True),
        # "Have you always lived there?" asks; "You always defend them" blames.
        ("en", "Have you always lived round there, or did you end up there?", "confront", False),
        ("en", "You always defend them.", "confront", True),
        ("en", "You never listen to anyone.", "confront", True),
        # Round 29's held-out young mother: her baby's fists "как будто сдаётся" urge nobody to
        # surrender (the respondent hung up on it); telling a soldier to is `unsafe`.
        ("ru", "Он спит, кулачки над головой, как будто сдаётся.", "unsafe", False),
        ("ru", "Скажите сыну, пусть сдаётся.", "unsafe", True),
        ("ru", "Сдавайтесь, пока не поздно.", "unsafe", True),
        ("en", "She sleeps with her fists up like she's surrendering.", "unsafe", False),
        ("en", "Tell your son to surrender.", "unsafe", True),
        ("en", "He should surrender.", "unsafe", True),
    ],
)
def test_cues_that_blamed_a_callers_own_words(lang: str, text: str, code: str, fires: bool) -> None:
    assert (code in cue_coder(lang).code(text).codes) is fires
