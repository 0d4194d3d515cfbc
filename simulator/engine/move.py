"""The respondent's move each turn: what they say, chosen by the engine from the persona's lore.

The bundled model cannot carry a persona, so the engine decides the content from the
volunteer's codes, the lore entry their line is about, the respondent's mood and trust, and what
was already said; the model only voices it (see `Call`). Deterministic for a given random
generator, and testable without a model.

Order of preference:
0. the caller says goodbye (thanks for the talk, may I call again): a goodbye in the mood
   (`closing.yaml`).
1. `unsafe` in the turn: suspicion (the persona's reaction to `unsafe`).
2. a blaming or shaming turn (even as a question): their reaction to it.
2a. a question asking leave to talk or ask ("May I ask you a few questions?"), naming no topic
   of theirs: go ahead, as the mood allows (`permission.yaml`); leave to tell something of the
   caller's own, in a turn that lectures no one: go on (`tell.yaml`); an apology that asks nothing
   and lectures no one: accepted (`apology.yaml`).
3. a question about one of their stances: the stance's answer in the current mood.
4. trust high enough and a personal fact not yet told: they open up with it (when the line
   invites it by a key, or when they are open and the line asked about them or met them with
   empathy, a reflection or a story of the caller's own, and raised no topic).
5. a topic raised: what they say about it in this mood (a push-back when hostile or guarded).
6. a lecture (or blame with no reaction written): their reaction, else a talking point.
7. a warm turn (empathy, reflection, a story...): their reaction to it; a question is not
   thanked for its politeness (no reaction to its affirmation, autonomy or reflection).
8. a question nothing in the lore answers, when neutral or open: "hard to say" to one asking
   what they think or would do, "like everyone" to one about their own life
   (`unanswered.yaml`); otherwise, or for a line with nothing to answer, a deflection (who is
   this? / go on).

A reaction rarely stands alone in a real call, so one may carry a second line (`follow_on`):
pushed by an attack or a lecture, a guarded or hostile respondent hits back with what they think
about the topic raised, else one of their talking points; met with understanding (empathy, a
reflection, a shared value), a neutral or open respondent goes on about what they were just
talking about, or, when open, tells something of their own.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np

from simulator.codes import QUESTION_CODES, Code, Lang
from simulator.coding.features import sentences
from simulator.coding.text import analyse
from simulator.engine.lore import (
    KEY_SCORE,
    Match,
    has_key,
    line_sentences,
    lore_index,
    question_sentence,
    words_of,
)
from simulator.engine.people import introduce
from simulator.engine.smalltalk import PREFIX as SMALLTALK
from simulator.engine.smalltalk import answered_once, shared_ids
from simulator.persona import Effect, Keys, Lines, Mood, MoodLines, Persona, Topic
from simulator.session import RespondentState
from simulator.yaml_data import load_yaml

MoveKind = Literal[
    "closing",
    "permission",
    "apology",
    "stance",
    "fact",
    "topic",
    "react",
    "push_back",
    "unanswered",
    "deflect",
    "phone",
]
INVITING: frozenset[Code] = frozenset({"reflection", "empathy"})
"""Codes of a turn that may draw a personal story out of an open respondent unprompted. Not the
caller's own story (`personal_story`): after one, a secret of theirs read as blurted out (in the
read held-out calls of rounds 25-29, 4 of 15 such replies were believable: the loan for a drone
after the caller's mother's knitting, Tolik's grave after a retracted suggestion)."""

PROVOKING: frozenset[Code] = frozenset({"guilt", "confront", "lecture", "unsafe"})
"""Codes an apology may be taking back."""
PROVOKED_WITHIN = 3
"""How many of the caller's turns before an apology it may be taking back."""
NEGATIVE_ORDER: tuple[Code, ...] = ("guilt", "confront", "lecture")
"""Which negative code the respondent reacts to first when a turn has several."""
PERSONAL_ATTACKS: tuple[Code, ...] = ("guilt", "confront")
"""Codes answered with the persona's reaction before any topic the line raises."""
POSITIVE_ORDER: tuple[Code, ...] = (
    "personal_story",
    "empathy",
    "human_life",
    "reflection",
    "affirmation",
    "common_ground",
    "autonomy",
    "open_question",
)
"""Which warm code the respondent reacts to first."""
ANSWERED_NOT_THANKED: frozenset[Code] = frozenset(
    {
        "reflection",
        "affirmation",
        "autonomy",
        "open_question",
        "human_life",
        "common_ground",
        "personal_story",
    }
)
"""Warm codes of a question that get no reaction: "Thank you for telling me. Who do you talk to
most?" is not answered "Well, I try", nor "Has anyone you know been killed there?" with
agreement ("Yes, you're right. Every boy is somebody's son"), nor "Were you a good sleeper as a
baby? My mam swears I slept through" with "Oh my. It's not easy for you either" (round 29)."""
TOLD_CODES: frozenset[Code] = frozenset(
    {"personal_story", "common_ground", "affirmation", "human_life", "empathy"}
)
"""Codes of a caller's story told for its own sake: one with any other code asks, lectures or
blames, and is answered on that."""
GRIEF_CODES: frozenset[Code] = frozenset({"personal_story", "human_life", "common_ground"})
"""Codes of a statement that, after the caller told of a death, tells more of it (not sympathy
for the respondent, which is answered as such)."""
PUSHED: frozenset[str] = frozenset({"guilt", "confront", "lecture"})
"""Reactions a guarded or hostile respondent follows with their own view (a push-back)."""
WARMED: frozenset[str] = frozenset(
    {"empathy", "reflection", "affirmation", "common_ground", "human_life", "personal_story"}
)
"""Reactions a neutral or open respondent follows by going on about their own life."""


@dataclass(frozen=True)
class Move:
    """What the respondent will say this turn."""

    kind: MoveKind
    source: str
    """Where the line comes from, e.g. `topic:nato`, `stance:support_war`, `reaction:guilt`."""
    line: str
    """The authored line in the call's language (with the follow-on line, when there is one)."""
    follow: str | None = None
    """Where the follow-on line comes from, e.g. `talking_point` or `topic:prices`."""

    @property
    def sources(self) -> str:
        """`source`, and the follow-on's after a `+` (what a turn records as its move)."""
        return f"{self.source}+{self.follow}" if self.follow else self.source


@dataclass
class MoveMemory:
    """What the respondent has said in this call, so lines and facts are not repeated."""

    said: list[str]
    facts_told: set[str]
    recent_topic: str | None = None
    """The topic the respondent spoke about in their last line, if any."""
    restated: bool = True
    """Whether the volunteer's line restates the respondent's last line (by meaning): a
    reflection of something never said is not answered as one ("That's what I said")."""
    topics_said: list[tuple[str, str]] = field(default_factory=list)
    """(topic id, the reply that spoke of it) for every topic the respondent spoke about."""
    loss_told: bool = False
    """Whether the caller told of a death in the war as their own story earlier in this call
    (`personal_story` and `tells_of_war_loss`): more of that story is met with sympathy
    (`story.yaml` `grief`)."""
    provoked: bool = True
    """Whether one of the caller's last few turns blamed, jabbed, lectured or put them at risk
    (`PROVOKING`): an apology then takes that back ("I'm not offended"); an apology with nothing
    to take back ("Sorry. Still gets me, that.") is met kindly (`apology.yaml` `unprovoked`)."""

    @classmethod
    def empty(cls) -> MoveMemory:
        """Nothing said yet."""
        return cls([], set())

    @classmethod
    def of(cls, said: list[str], moves: list[str | None]) -> MoveMemory:
        """What the respondent said (`said`) with the moves recorded for those lines."""
        parts = [[p for p in (m or "").split("+") if p] for m in moves]
        facts = {p[5:] for found in parts for p in found if p.startswith("fact:")}
        spoken = [
            (i, p.partition(":")[2])
            for i, found in enumerate(parts)
            for p in found
            if p.startswith(("topic:", f"{SMALLTALK}:"))
        ]
        recent = [topic for i, topic in spoken if i == len(parts) - 1]
        topics_said = [(topic, said[i]) for i, topic in spoken]
        return cls(said, facts, recent[-1] if recent else None, topics_said=topics_said)


SECOND_PERSON = {
    "ru": frozenset({"вы", "ты", "ваш", "твой"}),
    "en": frozenset({"you", "your", "yours", "yourself", "ya"}),
}
"""Words (lemmas and forms) of a question about the person asked."""
YOU_VERB = re.compile(r"(ете|ёте|ите)(сь)?$")
"""A Russian verb addressed to "вы" without the pronoun («А летом на море выбираетесь?»)."""

STORY_WORDS = 6
"""A statement of at least this many words with no behaviour code may be a caller's story."""

STANCE_MARGIN = 0.2
"""How much lower than the best topic a stance may score and still answer the question."""
MEANING_STANCE_MARGIN = 0.05
"""...when neither matched by a key: likeness of meaning alone is too blunt to let a stance
outrank a closer topic ("Как вы сейчас?" is nearer "how is your day" than "do you support it")."""

FACT_MARGIN = STANCE_MARGIN
"""How much lower than the best topic a fact may score and still be told: a fact keyed by one
word in passing («А дети, внуки у вас есть?» and the pensioner's secret about her grandson) is
not what the line is about. In the replay of every held-out script (3,752 replies) 58 moves
changed, read one by one: about 30 secrets or stories blurted on a keyword now give way to the
topic asked about; about 12 fitting stories («что вы чувствуете, когда слышите о погибших» and
the firm supporter's dead neighbour) gave way to a plainer topic line."""

LIGHT_FLOOR = 0.3
"""A light story must be at least this like one of the light examples: "I'm not selling anything,
honestly" and "we love our families the same way" are not stories of the caller's day."""

STORY_TOPIC = 0.4
"""Likeness of meaning to one of a topic's examples from which a caller's story is about that
topic (not a light story that names it in passing)."""

PASSING_TOPIC = 0.45
"""Likeness of meaning to one of a topic's examples below which a statement about lives or what
both sides share names the topic only in passing ("...young men dying on both sides, Russian and
Ukrainian" and the firm supporter's Ukrainians, 0.42; "we all want our sons and husbands home
alive" and the IT worker's parents). Set from two practice calls of round 25; in the replay of
every held-out script (3,752 replies) 58 moves changed, read one by one: about half were a topic
named in passing (work, parents, politics, Ukraine) and now get the reaction to lives; the rest
were casualties lines that now get the equally fitting reaction (the mother's other mothers, at
0.45 and above, still answer)."""
PASSING_TOPIC_CODES: frozenset[Code] = frozenset({"human_life", "common_ground"})
"""Codes of a statement whose whole point is lives or common ground (with no other code)."""
EARLY_REPLIES = 3
"""Replies (the greeting included) during which a guarded respondent answers a question the lore
has nothing for by asking who is calling; later they say "I don't know" or "what's it to you"."""

BUT = re.compile(r"\b(but|though|however|но|однако|только вот)\b", re.IGNORECASE)
"""A turn that goes on after its apology ("Sorry, but you are all brainwashed")."""

INVITE_CODES: frozenset[Code] = frozenset({"affirmation", "autonomy", "empathy", "reflection"})
"""Codes an invitation to go on may carry ("Take your time, it's not easy to talk about")."""
INVITE_WORDS = 14
"""A longer line that says "I'm listening" says something else too."""

CLOSINGS = ("call_again", "bye", "thanks")
"""Kinds of leave-taking, in the order they are recognised."""


@cache
def _closing() -> tuple[dict[str, dict[str, re.Pattern[str]]], dict[str, Any]]:
    text = resources.files(__package__).joinpath("closing.yaml").read_text("utf-8")
    data = load_yaml(text)
    patterns = {kind: _compiled(data["patterns"][kind]) for kind in (*CLOSINGS, "thanks_tail")}
    return patterns, data["lines"]


def _compiled(patterns: dict[str, list[str]]) -> dict[str, re.Pattern[str]]:
    """Per language, one case-insensitive pattern matching any of the language's patterns."""
    return {
        lang: re.compile("|".join(f"(?:{p})" for p in found), re.IGNORECASE)
        for lang, found in patterns.items()
    }


def goodbye_kind(text: str, lang: Lang) -> str | None:
    """`call_again`, `bye` or `thanks` when the volunteer's line takes leave, else None.

    Thanks followed by a question or by more to say ("Thank you for telling me. And who do you
    talk to most?") does not take leave: the rest is answered."""
    patterns = _closing()[0]
    kind = next((kind for kind in CLOSINGS if patterns[kind][lang].search(text)), None)
    if kind == "thanks":
        # Thanks that go on to something else ("Thank you for being open with me. I ask
        # because I keep thinking about the mothers...") are not a goodbye.
        parts = sentences(text)
        found = (i for i, part in enumerate(parts) if patterns["thanks"][lang].search(part))
        first = next(found, len(parts))
        tail = patterns["thanks_tail"][lang]
        thanks = patterns["thanks"][lang]
        rest = [
            part
            for part in parts[first + 1 :]
            if not tail.search(part.strip()) and not thanks.search(part)
        ]
        thanked = parts[first] if first < len(parts) else ""
        if "?" in thanked or any(len(part.split()) > 5 or "?" in part for part in rest):
            return None
    return kind


@cache
def _courtesy_data(name: str) -> dict[str, Any]:
    """`name`.yaml of this package, read once."""
    text = resources.files(__package__).joinpath(f"{name}.yaml").read_text("utf-8")
    data: dict[str, Any] = load_yaml(text)
    return data


@cache
def _courtesy(name: str) -> tuple[dict[str, re.Pattern[str]], dict[str, Any]]:
    """The patterns per language and the lines per language and mood of `name`.yaml
    (`permission`, `tell`, `apology`, `invite`; `acknowledge`, `backchannel` and `story` have
    lines only)."""
    data = _courtesy_data(name)
    return _compiled(data.get("patterns", {})), data["lines"]


PHONE_KINDS = ("again", "there", "back", "thanks", "withdraw")
"""The kinds of `phone.yaml`, in the order they are tried."""


def phone_kind(line: str, lang: Lang, replies: int) -> str | None:
    """The housekeeping of a phone call the line is (`phone.yaml`): "again" (say that again),
    "there" (are you still there?), "back" (I'm back), "thanks" (thanks for picking up, I won't
    keep you long) or "withdraw" (let's leave it); None for anything else. `replies`: how many
    replies the respondent has given (the greeting included); "thanks" is heard only in the
    first `EARLY_REPLIES`, the others only after the first exchange."""
    words = len(line.split())
    for kind in PHONE_KINDS:
        data = _courtesy_data("phone")[kind]
        if words > data["max_words"]:
            continue
        if (kind == "thanks") != (replies <= EARLY_REPLIES) or (kind != "thanks" and replies < 2):
            continue
        if kind in ("thanks", "withdraw") and "?" in line:
            continue  # «Спасибо, что не положили трубку. А вы откуда?» is answered on its question
        if _phone_patterns(kind)[lang].search(line.strip()):
            return kind
    return None


def _after_check(line: str, lang: Lang, replies: int) -> str:
    """What follows when a line opens by asking whether they are still there ("Hello? Are you
    still there?") and goes on to something else that asks nothing: the rest, without an
    apology for drifting off when a story follows it; "" for any other line. Round 30's held-out
    musician got "Same as everyone, really" (the check taken for a question about their life)
    or "Don't apologise" to the concert story after it."""
    if phone_kind(line, lang, replies):
        return ""
    parts = line_sentences(line)
    opening = 0
    while opening < len(parts) and phone_kind(parts[opening], lang, replies) == "there":
        opening += 1
    rest = parts[opening:]
    if not opening or not rest or any("?" in part for part in rest):
        return ""
    while len(rest) > 1 and apologises(rest[0], lang):
        rest = rest[1:]
    return " ".join(rest)


@cache
def _phone_patterns(kind: str) -> dict[str, re.Pattern[str]]:
    return _compiled(_courtesy_data("phone")[kind]["patterns"])


def _phone_move(situation: _Situation, kind: str) -> Move:
    """The answer to a line of phone housekeeping of `kind` (`phone_kind`)."""
    lang, mood, memory, rng = situation.lang, situation.mood, situation.memory, situation.rng
    lines = _courtesy_data("phone")[kind]["lines"][lang][mood]
    if kind == "again":
        last = _short(memory.said[-1])
        return Move("phone", "phone:again", rng.choice(lines).replace("{last}", last))
    return Move("phone", f"phone:{kind}", _pick(lines, memory, rng))


REPEATED_SENTENCES = 2
"""How much of their last reply a respondent says again when asked to: its first sentences."""


def _short(reply: str) -> str:
    return " ".join(line_sentences(reply)[:REPEATED_SENTENCES])


def asks_permission(text: str, lang: Lang) -> bool:
    """Whether the line's (last) question asks leave to talk or to ask ("May I ask you a few
    questions?", «У вас найдётся пара минут?»), rather than asking something itself."""
    asked = _permission_wrappers()[lang].sub("", _last_question(text))
    if _courtesy("permission")[0][lang].search(asked):
        return True
    last = line_sentences(text)[-1] if text.strip() else ""
    return not last.rstrip().endswith("?") and bool(_permission_closings()[lang].search(last))


@cache
def _permission_closings() -> dict[str, re.Pattern[str]]:
    return _compiled(_courtesy_data("permission")["closing"])


@cache
def _permission_wrappers() -> dict[str, re.Pattern[str]]:
    return _compiled(_courtesy_data("permission")["wrappers"])


def asks_leave_to_tell(text: str, lang: Lang) -> bool:
    """Whether the line's (last) question asks leave to tell something of the caller's own
    («Можно я расскажу, почему меня это волнует?», "Can I tell you why this matters to me?")."""
    return _last_question_matches("tell", text, lang)


def _last_question_matches(name: str, text: str, lang: Lang) -> bool:
    """Whether the line's last question (its last sentence when it asks none) matches the
    patterns of `name`.yaml."""
    return bool(_courtesy(name)[0][lang].search(_last_question(text)))


def _last_question(text: str) -> str:
    """The line's last question, or its last sentence when it asks none."""
    asked = question_sentence(text) or line_sentences(text)[-1] if text.strip() else ""
    return asked.strip()


def checks_reflection(text: str, lang: Lang, reflection: bool) -> bool:
    """Whether the line ends by checking what it reflects ("..., have I got that right?",
    «..., я правильно понимаю?»), or, when the coder heard a `reflection`, by a bare tag
    ("..., right?", «..., так?»)."""
    text = text.strip()
    if not text.endswith("?"):
        return False
    if _courtesy("acknowledge")[0][lang].search(text):
        return True
    return reflection and bool(_check_tags()[lang].search(text))


@cache
def _check_tags() -> dict[str, re.Pattern[str]]:
    return _compiled(_courtesy_data("acknowledge")["tags"])


def apologises(text: str, lang: Lang) -> bool:
    """Whether the line says sorry ("Sorry, that came out wrong", «Простите, я не хотел вас
    обидеть»), not only to usher in its point («вы уж простите: ...», "Forgive me for saying so,
    but...")."""
    unushered = _apology_prefaces()[lang].sub(" ", text)
    return bool(_courtesy("apology")[0][lang].search(unushered))


def asks_something(line: str, codes: Sequence[Code]) -> bool:
    """Whether the line asks: a question code, or a question mark even where the coder heard
    only the reflection before it."""
    return bool(QUESTION_CODES & set(codes)) or line.rstrip().endswith("?")


def _asks_then_shares(line: str, codes: Sequence[Code]) -> bool:
    """Whether a line the coder heard only as shared ground asks about their life before the
    caller's own grumble («И как оно сейчас, тянете? Всё ведь дорожает, у нас тоже...»: "all mums
    are the same" in six calls of six, in all three readings of round 30's held-out musician)."""
    if set(codes) != {"common_ground"}:
        return False
    asked = [part for part in line_sentences(line)[:-1] if part.rstrip().endswith("?")]
    return any(len(part.split()) >= ASKS_WORDS for part in asked)


ASKS_WORDS = 3
"""A question before the caller's own remark asks when it has at least this many words
("Really?" or «Да?» only react)."""


def accepts_apology(line: str, codes: Sequence[Code], lang: Lang) -> bool:
    """Whether the line is an apology the respondent accepts: it says sorry, asks nothing and
    does not lecture, nor blame after a "but" (an apology that does is answered on that)."""
    if asks_something(line, codes) or "lecture" in codes or not apologises(line, lang):
        return False
    return not (set(PERSONAL_ATTACKS) & set(codes) and BUT.search(line))


@cache
def apology_eases() -> Effect:
    """What an accepted apology does to the respondent's state (`eases` in apology.yaml)."""
    return Effect.model_validate(_courtesy_data("apology")["eases"])


@cache
def _apology_prefaces() -> dict[str, re.Pattern[str]]:
    return _compiled(_courtesy_data("apology")["prefaces"])


def is_goodbye(text: str, lang: Lang) -> bool:
    """Whether the volunteer's line takes leave (thanks for the talk, may I call again, bye)."""
    return goodbye_kind(text, lang) is not None


@cache
def _unanswered() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("unanswered.yaml").read_text("utf-8")
    data: dict[str, Any] = load_yaml(text)
    return data


def asks_their_view(line: str, lang: Lang) -> bool:
    """Whether the line is a short question asking what they think with no subject of its own
    ("What do you make of it, honestly?"; `their_view` in unanswered.yaml)."""
    data = _unanswered()["their_view"]
    asked = question_sentence(line) or (line if line.rstrip().endswith("?") else "")
    if not asked or len(asked.split()) > data["max_words"]:
        return False
    return bool(_their_view_patterns()[lang].search(asked.strip()))


@cache
def _their_view_patterns() -> dict[str, re.Pattern[str]]:
    return _compiled(_unanswered()["their_view"]["patterns"])


def on_the_war(line: str, codes: Sequence[Code], lang: Lang) -> bool:
    """Whether a caller's turn was on the war: lives at stake, a lecture, or the war named
    (`story.yaml` `war_keys`)."""
    if {"human_life", "lecture"} & set(codes):
        return True
    return has_key(_war_keys(), lang, words_of(line, lang))


def _unanswered_lines(line: str, lang: Lang, mood: Mood) -> list[str]:
    """What a talkative respondent says to a question the lore has nothing for: "hard to say"
    to one asking what they think, a vague "like everyone" to one about their own life."""
    data = _unanswered()
    if _asks_opinion(line, lang, data["opinion_words"][lang]):
        return list(data[lang][mood])
    return list(data["everyday"][lang][mood])


def _addresses(line: str, lang: Lang) -> bool:
    """Whether the line speaks to the respondent ("you", «вы», «ваш»)."""
    return bool(_forms(line, lang) & SECOND_PERSON[lang])


def _forms(line: str, lang: Lang) -> set[str]:
    """The line's words, as lemmas and as typed."""
    tokens = analyse(line, lang).tokens
    return {t.lemma for t in tokens} | {t.norm for t in tokens}


def _asks_opinion(line: str, lang: Lang, words: list[str]) -> bool:
    """Whether the question asks what they think: an opinion word, or no "you" in a question of
    some length ("Does anything depend on ordinary people, or is it all decided at the top?" is
    not about their own life; "Got any pets?" is)."""
    tokens = analyse(line, lang).tokens
    found = _forms(line, lang)
    text = " ".join(t.norm for t in tokens)
    about_you = bool(found & SECOND_PERSON[lang]) or (
        lang == "ru" and any(YOU_VERB.search(t.norm) for t in tokens)
    )
    if len(tokens) >= 6 and not about_you:
        return True
    return any((w in found) if " " not in w else (w in text) for w in words)


RECENT_OPENERS = 2
"""A line is picked, where a fresh one allows, that does not open with the first word of any of
the respondent's last this many replies."""


def _pick(lines: list[str], memory: MoveMemory, rng: random.Random) -> str:
    """A line not said yet in this call when there is one, else the one said longest ago."""
    fresh = _fresh(lines, memory)
    if fresh:
        # «Понимаете, ...» three replies running reads as a recording, not a speech habit.
        recent = {_opener(said) for said in memory.said[-RECENT_OPENERS:]}
        return rng.choice([line for line in fresh if _opener(line) not in recent] or fresh)
    return min(lines, key=lambda line: max(i for i, s in enumerate(memory.said) if line in s))


FIT_MARGIN = 0.1
"""An answer is picked among the fresh lines whose meaning (cosine with the question asked) is
within this of the best-fitting one: a topic's lines each say something of their own, and "Do
you trust it?" is not answered with where the news comes from when the line about trust is
there. Lines about as near as each other are still picked at random."""


def _pick_answer(lines: list[str], memory: MoveMemory, rng: random.Random, asked: str) -> str:
    """`_pick` for an answer to the question `asked`: a fresh line among those that fit the
    question best (`FIT_MARGIN`), then, among those, one that does not open like the last
    replies (an answer that fits matters more than a varied opening)."""
    fresh = _fresh(lines, memory)
    if not asked or len(fresh) < 2:
        return _pick(lines, memory, rng)
    from simulator.coding.encoder import embed_one

    question = embed_one(_question_part(asked))
    fit = [float(embed_one(line) @ question) for line in fresh]
    best = max(fit)
    fitting = [line for line, f in zip(fresh, fit, strict=True) if f >= best - FIT_MARGIN]
    recent = {_opener(said) for said in memory.said[-RECENT_OPENERS:]}
    return rng.choice([line for line in fitting if _opener(line) not in recent] or fitting)


def _question_part(line: str) -> str:
    """The sentences of `line` that ask (all of it when none ends in "?")."""
    return " ".join(_asking_sentences(line)) or line


def _asking_sentences(line: str) -> list[str]:
    """The sentences of `line` that end in "?"."""
    return [part for part in line_sentences(line) if part.rstrip().endswith("?")] if line else []


def _fresh(lines: list[str], memory: MoveMemory) -> list[str]:
    """The lines not said yet in this call (alone or as part of a longer reply)."""
    return [line for line in lines if not any(line in s for s in memory.said)]


def _mood_lines(lines: MoodLines | None, mood: Mood, lang: Lang) -> list[str]:
    if lines is None:
        return []
    return list(lines.get(mood).get(lang))


def choose_move(
    persona: Persona,
    lang: Lang,
    codes: tuple[Code, ...] | list[Code],
    matches: list[Match],
    mood: Mood,
    state: RespondentState,
    memory: MoveMemory,
    rng: random.Random,
    goodbye: str | None = None,
    line: str = "",
) -> Move:
    """The respondent's move for a volunteer turn with `codes` about `matches`; `goodbye` is the
    kind of leave-taking when the turn takes leave (`goodbye_kind`); `line` is what the
    volunteer said (it tells a question asking an opinion from one about their life)."""
    situation = _Situation(persona, lang, tuple(codes), matches, mood, state, memory, rng)
    checked = ""
    if line and (rest := _after_check(line, lang, len(memory.said))):
        # "Hello? Are you still there? ... Sorry, I drifted off. I was thinking of that concert
        # in Yaroslavl...": the first sentence of "I'm here" (the whole «Тут я. Говорите.»
        # before a reaction to a story already told reads as two replies), then whatever the
        # rest of the line asks for.
        checked = line_sentences(_phone_move(situation, "there").line)[0]
        asked = tuple(code for code in codes if code not in QUESTION_CODES)
        situation, line = replace(situation, codes=asked), rest
    move = _first_move(situation, goodbye, line)
    said = introduce(persona, lang, move.line, memory.said, line)
    if checked:
        said = f"{checked} {said}"
    follow = follow_on(situation, move) if move.kind == "react" and not move.follow else None
    if follow is None:
        return Move(move.kind, move.source, said, move.follow)
    then = introduce(persona, lang, follow.line, [*memory.said, said], line)
    return Move(move.kind, move.source, f"{said} {then}", follow.source)


@dataclass(frozen=True)
class _Situation:
    """What a move is chosen from: the persona and language, the volunteer turn's codes and the
    lore it matched, the respondent's mood and state, what they said so far, the randomness."""

    persona: Persona
    lang: Lang
    codes: tuple[Code, ...]
    matches: list[Match]
    mood: Mood
    state: RespondentState
    memory: MoveMemory
    rng: random.Random

    def parts(
        self,
    ) -> tuple[
        Persona,
        Lang,
        tuple[Code, ...],
        list[Match],
        Mood,
        RespondentState,
        MoveMemory,
        random.Random,
    ]:
        """The fields in order (the memory itself, not a copy)."""
        return (
            self.persona, self.lang, self.codes, self.matches,
            self.mood, self.state, self.memory, self.rng,
        )  # fmt: skip


def _opener(line: str) -> str:
    """The first word of a line, lower-cased ("Oh sure. You know it all better." -> "oh")."""
    words = re.findall(r"\w+", line.lower())
    return words[0] if words else ""


def _other_opener(lines: list[str], before: str) -> list[str]:
    """`lines` that do not open with the first word of `before`, the line they would follow
    ("Oh sure. You know it all better. Oh sure, they were just passing by." reads as a stammer);
    all of them when every one does."""
    other = [line for line in lines if _opener(line) != _opener(before)]
    return other or lines


def follow_on(situation: _Situation, move: Move) -> Move | None:
    """A second line after the reaction `move`, or None: only lines not said yet in the call."""
    persona, lang, codes, matches, mood, state, memory, rng = situation.parts()
    lore = persona.lore
    code = move.source.partition(":")[2]
    topics = {t.id: t for t in lore.topics}
    if code in PUSHED and mood in ("guarded", "hostile"):
        # A jab that happens to name small talk ("Whatever helps you sleep at night") is not
        # a question about their health: only the persona's own topics follow a reaction.
        small_talk = shared_ids(persona)
        for match in matches:
            if match.kind == "topic" and match.id in topics and match.id not in small_talk:
                lines = _fresh(_mood_lines(topics[match.id].lines, mood, lang), memory)
                if lines := _other_opener(lines, move.line):
                    return Move("topic", _topic_source(persona, match.id), rng.choice(lines))
        points = _other_opener(_fresh(_lines(persona.talking_points, lang), memory), move.line)
        return Move("push_back", "talking_point", rng.choice(points)) if points else None
    if code not in WARMED or mood not in ("neutral", "open") or QUESTION_CODES & set(codes):
        return None
    topic = topics.get(memory.recent_topic or "") if memory.restated else None
    if topic is not None and code != "personal_story":
        lines = _other_opener(_fresh(_mood_lines(topic.lines, mood, lang), memory), move.line)
        if lines:
            return Move("topic", _topic_source(persona, topic.id), rng.choice(lines))
    if mood == "open" and code != "personal_story":
        # Not after the caller's own story: a secret of theirs reads as blurted out (`INVITING`).
        for fact in lore.facts:
            if fact.id not in memory.facts_told and state.trust >= fact.min_trust:
                lines = _fresh(list(fact.lines.get(lang)), memory)
                if lines:
                    memory.facts_told.add(fact.id)
                    return Move("fact", f"fact:{fact.id}", rng.choice(lines))
    return None


def _first_move(situation: _Situation, goodbye: str | None, line: str) -> Move:
    persona, lang, codes, matches, mood, state, memory, rng = situation.parts()
    lore = persona.lore
    housekeeping = phone_kind(line, lang, len(memory.said)) if line else None
    # "Thanks for not hanging up" as the call begins is no thanks for the talk.
    early_thanks = goodbye == "thanks" and housekeeping == "thanks"
    if goodbye in CLOSINGS and "unsafe" not in codes and not early_thanks:
        lines = _closing()[1][goodbye][lang][mood]
        return Move("closing", f"closing:{goodbye}", _pick(lines, memory, rng))

    def move(kind: MoveKind, source: str, lines: list[str], asked: str = "") -> Move | None:
        if not lines:
            return None
        return Move(kind, source, _pick_answer(lines, memory, rng, asked))

    def reaction(code: Code, fresh_only: bool = False) -> Move | None:
        lines = _mood_lines(lore.reactions.get(code), mood, lang)
        return move("react", f"reaction:{code}", _fresh(lines, memory) if fresh_only else lines)

    if "unsafe" in codes and (found := reaction("unsafe")):
        return found
    # "Let's leave it. You're all brainwashed anyway." blames; "Sorry, that wasn't fair of me.
    # You don't have to answer that." is an apology, accepted as one.
    withdrawn = housekeeping == "withdraw"
    if withdrawn and ({"confront", "guilt"} & set(codes) or apologises(line, lang)):
        housekeeping = None
    if housekeeping:
        return _phone_move(situation, housekeeping)
    asks = asks_something(line, codes) or _asks_then_shares(line, codes)
    # "May I ask you a few questions?" is answered "go ahead", not thanked for its politeness,
    # unless it already names what it is about.
    if line and asks_permission(line, lang) and not _names_subject(persona, lang, line):
        # Their own words ("I've just put the kettle on, go ahead") once, at the start.
        own = _mood_lines(lore.permission, mood, lang) if len(memory.said) <= EARLY_REPLIES else []
        if any(line in said for line in _permission_lines(persona, lang) for said in memory.said):
            own = []
        lines = own or _courtesy("permission")[1][lang][mood]
        return Move("permission", "permission", _pick(lines, memory, rng))
    # "Can I tell you why this matters to me?" is answered "go on" (not from the lore its
    # other words are near), unless the turn lectures: then the lecture is what they hear.
    if line and "lecture" not in codes and asks_leave_to_tell(line, lang):
        lines = _courtesy("tell")[1][lang][mood]
        return Move("permission", "permission", _pick(lines, memory, rng))
    # "Sorry, that came out wrong" is accepted, not met with "Who are you?" or a story; an
    # apology that lectures or asks something is answered on that, and so is one that blames
    # after a "but" (an apology alone is sometimes coded as blame: "I didn't mean to lecture").
    if line and accepts_apology(line, codes, lang):
        kind = "lines" if memory.provoked else "unprovoked"
        accepted = _pick(_courtesy_data("apology")[kind][lang][mood], memory, rng)
        # "Sorry, that came out harsh. My friend's son died there.": the loss is not passed
        # over with a bare "Fine. Let's leave it."
        told_loss = "personal_story" in codes and tells_of_loss(line, lang)
        condolences = _courtesy_data("apology")["loss"][lang].get(mood, [])
        if told_loss and condolences:
            return Move("apology", "apology", f"{accepted} {_pick(condolences, memory, rng)}")
        return Move("apology", "apology", accepted)
    stances = {s.id: s for s in lore.stances}
    topics = {t.id: t for t in lore.topics}
    facts = {f.id: f for f in lore.facts}
    # "Oh right. And is that long hours?" after their work asks how they find it: answered on
    # how it feels, not with "hard to say" (six calls of six in round 29's held-out set) nor
    # with the topic again ("Do you enjoy it?" had got their favourite food, then the job).
    if line and asks and not set(codes) & {*NEGATIVE_ORDER, "unsafe"}:
        if found := _about_it(situation, topics, line):
            return found
    # "Oh really? I wouldn't have guessed." asks nothing; "I'm listening, take your time" asks
    # them to go on. Neither is a question to answer nor a line to deflect.
    if line and (surprised(line, lang) or nods(line, lang)):
        return _go_on(situation, topics)
    if line and not asks and invites(line, lang) and not set(codes) - INVITE_CODES:
        return _go_on(situation, topics, invited=True)
    # Blame and shaming are answered as such, even when phrased as a question (a stance or topic
    # line would talk past them); a lecture gets the persona's push-back on its topic.
    for code in PERSONAL_ATTACKS:
        if code in codes and (found := reaction(code)):
            return found
    # A stance answers the question when it fits at least about as well as any topic: "I'm a
    # volunteer, I'd like to hear how ordinary people live" is about the call, not about
    # whether they feel for ordinary Ukrainians.
    best_topic = max((m.score for m in matches if m.kind == "topic"), default=0.0)
    for match in matches:
        margin = (
            STANCE_MARGIN if max(match.score, best_topic) >= KEY_SCORE else MEANING_STANCE_MARGIN
        )
        if match.score < best_topic - margin:
            break
        if match.kind == "stance" and asks and match.id in stances:
            stance = stances[match.id]
            if found := move(
                "stance", f"stance:{stance.id}", _mood_lines(stance.answers, mood, lang), line
            ):
                open_only = "open_question" in codes and "closed_question" not in codes
                if open_only or asks_either_or(line):
                    return Move(found.kind, found.source, _without_yes_or_no(found.line))
                return found
    for match in matches:
        fact = facts.get(match.id) if match.kind == "fact" else None
        if fact and match.score < best_topic - FACT_MARGIN:
            continue  # «А дети, внуки у вас есть?» asks about the grandchildren, not a secret
        if fact and fact.id not in memory.facts_told and state.trust >= fact.min_trust:
            memory.facts_told.add(fact.id)
            return Move("fact", f"fact:{fact.id}", _pick(fact.lines.get(lang), memory, rng))
    # Shared small talk answers a question about it; a caller's own story that mentions sleep
    # or the weather does not set the respondent talking about theirs.
    small_talk = shared_ids(persona)
    raised = [
        m
        for m in matches
        if m.kind == "topic" and m.id in topics and (asks or m.id not in small_talk)
    ]
    # "So work takes most of your energy, is that right?" checks a reflection; it is not a
    # question nobody can answer ("Hard to say"): the respondent takes it and says more.
    # «...заботы-то одни и те же — чтоб свои были здоровы. Правда ведь?» asks them to agree with
    # what both sides share, the same way: not "what people say" about the war.
    if line and checks_reflection(line, lang, bool({"reflection", "common_ground"} & set(codes))):
        if not set(codes) & {*NEGATIVE_ORDER, "unsafe"}:
            return _confirm(situation, raised, topics, line)
    # A light story of the caller's own ("our cat sleeps all day") gets a light word back, not
    # a reaction written for stories of loss nor a topic the story names in passing; a topic it
    # is really about ("I'm a volunteer, I'd like to hear how people live") is answered.
    # `human_life` on a story that names nothing of the war, no death and no one hurt is the
    # coder hearing lives in a basement rehearsal room or a wife's "you hide from people" (round
    # 30's held-out musician and coach): still a story to take lightly, if it reads light.
    beyond_story = set(codes) - {"personal_story", "common_ground", "affirmation"}
    own_story = "personal_story" in codes
    if own_story and beyond_story == {"human_life"} and not _names_war_or_harm(line, lang):
        beyond_story = set()
    storytelling = not beyond_story and (
        bool({"personal_story", "common_ground"} & set(codes)) or len(line.split()) >= STORY_WORDS
    )
    about = any(m.meaning >= STORY_TOPIC for m in raised)
    tells_loss = bool(line) and tells_of_loss(line, lang)
    grieving = memory.loss_told or tells_loss
    light = not asks and storytelling and not about and bool(line) and not grieving
    if light and light_story(line, lang):
        lines = _courtesy("story")[1][lang][mood]
        return Move("react", "light_story", _pick(lines, memory, rng))
    inviting = INVITING & set(codes) and "personal_story" not in codes
    if mood == "open" and not raised and inviting and rng.random() < 0.5:
        if found := _untold_fact(situation):
            return found
    # A caller's story of a death in the war ("My friend's son was killed at the front") is
    # met with sympathy (`story.yaml`), not with a topic it names in passing (their own son,
    # "murderers"); a topic it is really about is answered as before. (Any heavy story's topic
    # named in passing giving way to their reaction to a story was tried: on the held-out
    # scripts it took the grandfather's war from stories about a grandfather's war.)
    # A close person's death outside the war ("Dad passed away six years back") is met with
    # sympathy even where the story is about a topic of theirs: the firm supporter answered it
    # with his own father ("He was an officer. That says it all.").
    tells_own = "personal_story" in codes and not set(codes) - TOLD_CODES
    if not asks and tells_own and line and (not about or tells_of_bereavement(line, lang)):
        condolences = _courtesy_data("story")["loss"][lang].get(mood, [])
        if tells_loss and _fresh(condolences, memory):
            return Move("react", "condolence", _pick(_fresh(condolences, memory), memory, rng))
        # Someone close maimed or wounded («вернулся без ноги») gets sympathy too, not a topic
        # the story names in passing (the firm supporter's father, the suspicious man's schools).
        hurt = _fresh(_courtesy_data("story")["harm"][lang].get(mood, []), memory)
        if not tells_loss and not about and tells_of_harm(line, lang) and hurt:
            return Move("react", "sympathy", _pick(hurt, memory, rng))
    # More of a death the caller told of earlier in the call ("She still asks when papa's
    # coming back", «мам, тёти Вали больше нет», "My mum goes to the cemetery every Sunday") is
    # met with sympathy, not with a shrug meant for an everyday story ("Happens.") nor with
    # their own family, which the story names in passing. A statement the coder heard only
    # lives in («Нам сообщили по телефону. Маме позвонил парень из его части, она так
    # кричала.»), or gave no code, is such a story too, unless a topic of theirs is what it is
    # about («матери везде одинаково плачут» to the soldier's mother).
    # An uncoded line that speaks to them («Я вас слышу. У каждого свои причины...») is not more
    # of the story unless it speaks of losing someone (round 29's held-out teacher got «Такое
    # горе.»; "I just wish nobody else has to lose anyone. Not us, not you." still gets grief).
    grief_words = has_key(_grief_keys(), lang, words_of(line, lang))
    untold = not codes and _addresses(line, lang) and not grief_words
    more_of_it = not set(codes) - GRIEF_CODES and (bool(codes) or storytelling) and not untold
    more_of_it = more_of_it and ("personal_story" in codes or not about)
    if not asks and more_of_it and line and memory.loss_told:
        grief = _fresh(_courtesy_data("story")["grief"][lang].get(mood, []), memory)
        if grief:
            return Move("react", "grief", _pick(grief, memory, rng))
    # "So many young men are dying on both sides, Russian and Ukrainian" is about lives, not
    # about Ukrainians: a statement whose point is lives or what both sides share gets the
    # respondent's reaction to that, not a topic it names in passing.
    if not asks and codes and set(codes) <= PASSING_TOPIC_CODES:
        raised = [m for m in raised if m.meaning >= PASSING_TOPIC]
    told: tuple[str, list[str]] | None = None
    for match in raised:
        topic = topics[match.id]
        source = _topic_source(persona, topic.id)
        topic_lines = _mood_lines(topic.lines, mood, lang)
        if topic_lines and not _fresh(topic_lines, memory):
            # Every line of it said: a question about it gets one again, said as a repeat (the
            # next topic it names is what it asks less: «А Девятое мая у вас как проходит?»
            # after the grandfather's photo is not about their daughter); a statement that
            # names it may still raise another.
            if asks:
                told = (source, topic_lines)
                break
            continue
        if found := move("topic", source, topic_lines, line if asks else ""):
            return found
    if told:
        source, topic_lines = told
        again = _pick(_courtesy("again")[1][lang][mood], memory, rng)
        return Move("topic", source, f"{again} {_pick(topic_lines, memory, rng)}")
    for code in NEGATIVE_ORDER:
        if code in codes:
            if found := reaction(code):
                return found
            return Move(
                "push_back",
                "talking_point",
                _pick(_lines(persona.talking_points, lang), memory, rng),
            )
    for code in POSITIVE_ORDER:
        if code in ANSWERED_NOT_THANKED and asks:
            continue  # a question is answered, not thanked for its politeness or understanding
        if code == "reflection" and not memory.restated:
            # "Sounds like you've found your own way to catch your breath" about nothing they
            # said in so many words: taken or left ("I suppose so"), neither thanked for as
            # sympathy nor "That's what I said".
            if code in codes:
                lines = _courtesy("acknowledge")[1][lang][mood]
                return Move("react", "acknowledge", _pick(lines, memory, rng))
            continue
        if code == "common_ground" and set(codes) == {code} and _bare(line) and not raised:
            # "Same everywhere, I expect." after their prices is agreed with, not answered with
            # what the persona shares with everyone ("IT people are the same everywhere").
            lines = _courtesy("acknowledge")[1][lang][mood]
            return Move("react", "acknowledge", _pick(lines, memory, rng))
        if code in codes and _mood_lines(lore.reactions.get(code), mood, lang):
            # Thanks for sympathy said twice in a call reads as a recording: once the warm
            # reaction's lines are all said, the respondent goes on or just agrees.
            return reaction(code, fresh_only=True) or _go_on(situation, topics)
    if asks and (mood in ("neutral", "open") or len(memory.said) > EARLY_REPLIES):
        lines = _unanswered_lines(line, lang, mood)
        return Move("unanswered", "unanswered", _pick(lines, memory, rng))
    late = len(memory.said) > EARLY_REPLIES and mood in ("guarded", "hostile")
    if not asks and line and ((not codes and _is_backchannel(line)) or late):
        # Past the first replies "Where did you get my number?" answers nothing either.
        return _go_on(situation, topics)
    if found := move("deflect", "deflection", _mood_lines(lore.deflections, mood, lang)):
        return found
    return Move(
        "deflect", "fallback", _pick(_mood_lines(persona.fallback_lines, mood, lang), memory, rng)
    )


def _about_it(situation: _Situation, topics: dict[str, Topic], line: str) -> Move | None:
    """How they find what they just talked about (`about_it.yaml`), when the line's question is
    short and asks how it feels ("Do you enjoy it?", "Is that long hours?", «Вам нравится ваше
    дело?») or how long they have been at it ("How long you been at that?"), and the
    respondent spoke of a topic in one of their last `ABOUT_IT_BACK` replies;
    None otherwise. (Any short question pointing back with "it" was tried: "How has life been
    since it all started?" is about the war, not how they find their last topic.)"""
    _persona, lang, codes, _matches, mood, _state, memory, rng = situation.parts()
    if checks_reflection(line, lang, bool({"reflection", "common_ground"} & set(codes))):
        return None  # "..., is that right?" checks a reflection (`_confirm`)
    data = _courtesy_data("about_it")
    asked = " ".join(s for s in line_sentences(line) if s.rstrip().endswith("?"))
    if not asked or len(asked.split()) > data["max_words"]:
        return None
    patterns = _about_it_patterns()
    kind = next((k for k in data["kinds"] if patterns[k["id"]][lang].search(asked)), None)
    if kind is None:
        return None
    recent = [topic for topic, reply in memory.topics_said if reply in memory.said[-ABOUT_IT_BACK:]]
    if not recent or recent[-1] not in topics:
        return None
    if recent[-1] in answered_once() and kind["id"] != "how_long":
        return None  # "Do you like it?" after where they live; "how long?" fits it too
    return Move("react", "about_it", _pick(kind["lines"][lang][mood], memory, rng))


ABOUT_IT_BACK = 3
"""How many of the respondent's last replies a question about "it" may reach back to (a topic,
then "Yeah." to "I see.", then "Do you enjoy it?")."""


@cache
def _about_it_patterns() -> dict[str, dict[str, re.Pattern[str]]]:
    """Each kind's compiled patterns per language, by kind id."""
    return {kind["id"]: _compiled(kind["patterns"]) for kind in _courtesy_data("about_it")["kinds"]}


def _confirm(
    situation: _Situation, raised: list[Match], topics: dict[str, Topic], line: str
) -> Move:
    """A reflection or a shared worry that checks itself ("..., have I got that right?"): taken
    or left as the mood says (their reaction to `reflection` when it gives back their last line,
    else a plain yes or no), and, unless hostile, followed by more: what they think of a topic
    the line names by a key, else more of what they were just saying, else (open) something of
    their own."""
    persona, lang, codes, _matches, mood, _state, memory, rng = situation.parts()
    own = _mood_lines(persona.lore.reactions.get("reflection"), mood, lang)
    # What both sides share, checked ("..., правда ведь?"), is agreed with plainly, not thanked
    # for as being understood ("Вы правильно поняли").
    first = (
        Move("react", "reaction:reflection", _pick(own, memory, rng))
        if memory.restated and _fresh(own, memory) and "reflection" in codes
        else Move(
            "react", "acknowledge", _pick(_courtesy("acknowledge")[1][lang][mood], memory, rng)
        )
    )
    if mood == "hostile":
        return first
    more: Move | None = None
    named = [topics[m.id] for m in raised if m.score >= KEY_SCORE]
    recent = topics.get(memory.recent_topic or "")
    if not memory.restated:
        recent = None  # no going on about prices after a reflection of something else
    # A summary of the call ("what matters most to you is that people live in peace") is about
    # what they said before: they say more on the topic of theirs it is most like.
    said_before = (
        []
        if mood == "guarded"
        else _most_like(line, memory.topics_said, topics, shared_ids(persona))
    )
    for topic in [*named, *([recent] if recent else []), *said_before]:
        fresh = _other_opener(_fresh(_mood_lines(topic.lines, mood, lang), memory), first.line)
        if fresh:
            more = Move("topic", _topic_source(persona, topic.id), rng.choice(fresh))
            break
    if more is None and mood == "open":
        more = _untold_fact(situation)
    if more is None:
        return first
    return Move(first.kind, first.source, f"{first.line} {more.line}", more.source)


def _most_like(
    line: str,
    topics_said: list[tuple[str, str]],
    topics: dict[str, Topic],
    small_talk: frozenset[str],
) -> list[Topic]:
    """The topics (not small talk) the respondent spoke about, the one whose reply is most like
    `line` first."""
    from simulator.coding.encoder import embed_one

    if not topics_said:
        return []
    vector = embed_one(line)
    likeness: dict[str, float] = {}
    for topic_id, reply in topics_said:
        if topic_id in topics and topic_id not in small_talk:
            score = float(embed_one(reply) @ vector)
            likeness[topic_id] = max(score, likeness.get(topic_id, -1.0))
    return [topics[t] for t in sorted(likeness, key=lambda t: -likeness[t])]


YES_OR_NO = frozenset(
    "да нет конечно наверное думаю пожалуй ну так yes no i think so don't of course probably sure "
    "yeah not really they do does it is are we".split()
)
"""Words of a bare yes or no ("Да.", "I think so.", "Of course they do."): no answer to "what
do you think of it?" ("I read that Russia is bombing civilians. What do you think?" answered
"Of course they do. Everyone suffers." agrees to what was never asked)."""


_EITHER_OR = re.compile(r"\b(?:or|или|либо)\b(?!\s+(?:not|no|нет)\b)", re.IGNORECASE)


def asks_either_or(line: str) -> bool:
    """Whether the question in `line` offers a choice ("Is it a war or a special operation?",
    «Вы за или против?»): not answered with a bare yes or no ("Yes. I'm on our side." to "war or
    special operation?" answered what was not asked). "...or not?" is still a yes-or-no."""
    return any(_EITHER_OR.search(part) for part in _asking_sentences(line))


def _without_yes_or_no(line: str) -> str:
    """`line` without a first sentence that only says yes or no, when more follows: a stance's
    answer to an open question ("How do you feel about the war?" is not answered "Да. ...")."""
    parts = sentences(line)
    first = re.findall(r"[\w']+", parts[0].lower()) if parts else []
    if len(parts) > 1 and first and len(first) <= 4 and set(first) <= YES_OR_NO:
        return line[line.index(parts[1]) :].strip()
    # "Yes, I support it. We didn't start this" to "What do you think about the war?": the
    # answer without its yes.
    if lead := _LEADING_YES_OR_NO.match(line):
        rest = line[lead.end() :]
        return rest[:1].upper() + rest[1:]
    return line


_LEADING_YES_OR_NO = re.compile(r"(?:yes|yeah|no|да|нет|ага),\s+(?=\w)", re.IGNORECASE)
"""A yes or no set off by a comma at the start of an answer."""


def _permission_lines(persona: Persona, lang: Lang) -> list[str]:
    """Every line of the persona's own `lore.permission`, in all moods."""
    found = persona.lore.permission
    moods: tuple[Mood, ...] = ("hostile", "guarded", "neutral", "open")
    return [line for mood in moods for line in _mood_lines(found, mood, lang)] if found else []


def _go_on(situation: _Situation, topics: dict[str, Topic], invited: bool = False) -> Move:
    """After "Mm." or, when `invited`, "I'm listening": a talkative respondent goes on with what
    they were saying (a line of that topic not said yet), or, invited and open, tells something
    of their own; otherwise a line of backchannel.yaml (invite.yaml when invited)."""
    persona, lang, _codes, _matches, mood, _state, memory, rng = situation.parts()
    if mood in ("neutral", "open"):
        recent = topics.get(memory.recent_topic or "")
        if recent is not None and recent.id not in answered_once():
            fresh = _fresh(_mood_lines(recent.lines, mood, lang), memory)
            if fresh:
                return Move("topic", _topic_source(persona, recent.id), rng.choice(fresh))
        if invited and mood == "open" and (found := _untold_fact(situation)):
            return found
    lines = _courtesy("invite" if invited else "backchannel")[1][lang][mood]
    return Move("react", "backchannel", _pick(lines, memory, rng))


def _untold_fact(situation: _Situation) -> Move | None:
    """Something of their own the respondent trusts the caller enough to tell, not told yet."""
    persona, lang, _codes, _matches, _mood, state, memory, rng = situation.parts()
    for fact in persona.lore.facts:
        if fact.id not in memory.facts_told and state.trust >= fact.min_trust:
            memory.facts_told.add(fact.id)
            return Move("fact", f"fact:{fact.id}", _pick(fact.lines.get(lang), memory, rng))
    return None


@cache
def _surprise() -> dict[str, tuple[re.Pattern[str], re.Pattern[str]]]:
    """Per language: the surprise words at the start of a line, and what may follow them."""
    data = _courtesy_data("backchannel")["surprise"]
    return {
        lang: (
            re.compile("(?:" + "|".join(re.escape(w) for w in words) + r")\b ?"),
            re.compile(data["after"][lang]),
        )
        for lang, words in data["words"].items()
    }


def surprised(line: str, lang: Lang) -> bool:
    """Whether the line only shows surprise ("Oh really? I wouldn't have guessed.", «Надо же!»)."""
    words, after = _surprise()[lang]
    rest = " ".join(re.sub(r"[^\w']+", " ", line.lower().replace("’", "'")).split())
    seen = False
    while found := words.match(rest):
        rest, seen = rest[found.end() :], True
    return bool(after.fullmatch(rest)) if rest else seen


def nods(line: str, lang: Lang) -> bool:
    """Whether the line only nods ("Mm, I see.", «Угу, понимаю вас.»): a few words, all of
    `nod_words`, asking nothing."""
    data = _courtesy_data("backchannel")
    words = re.findall(r"[\w-]+", line.lower())
    allowed = set(data["nod_words"][lang])
    return "?" not in line and 0 < len(words) <= int(data["max_words"]) and set(words) <= allowed


def invites(line: str, lang: Lang) -> bool:
    """Whether the line asks them to go on ("I'm listening, take your time", «Не торопитесь»)."""
    return len(line.split()) <= INVITE_WORDS and bool(_courtesy("invite")[0][lang].search(line))


@cache
def _story_examples() -> tuple[Any, Any]:
    from simulator.coding.encoder import embed

    return embed(_courtesy_data("story")["light"]), embed(_courtesy_data("story")["heavy"])


@cache
def _loss_keys() -> Keys:
    return Keys.model_validate(_courtesy_data("story")["loss_keys"])


@cache
def _bereavement_keys() -> tuple[Keys, Keys, Keys, Keys]:
    """`story.yaml`'s `bereavement`: its death words, close people, pronouns and exceptions."""
    data = _courtesy_data("story")["bereavement"]
    died, people, pronouns, unless = (
        Keys.model_validate(data[part]) for part in ("died", "people", "pronouns", "not")
    )
    return died, people, pronouns, unless


def tells_of_loss(line: str, lang: Lang) -> bool:
    """Whether the caller's line tells of a death ("my friend's son was killed", «у подруги сын
    погиб»): one of `story.yaml`'s `loss_keys`, or a sentence that names a close person and a
    death outside the war (its `bereavement`: "then my husband Tom died")."""
    return tells_of_war_loss(line, lang) or tells_of_bereavement(line, lang)


@cache
def _harm_keys() -> Keys:
    return Keys.model_validate(_courtesy_data("story")["harm_keys"])


def tells_of_harm(line: str, lang: Lang) -> bool:
    """Whether the caller's line tells of someone maimed or wounded (`story.yaml`'s
    `harm_keys`)."""
    return has_key(_harm_keys(), lang, words_of(line, lang))


def tells_of_war_loss(line: str, lang: Lang) -> bool:
    """Whether the caller's line tells of a death in the war (`story.yaml`'s `loss_keys`): more
    of that story later in the call is met with grief. A father who died six years ago gets a
    condolence when told of, not grief at every later worry (round 28's held-out farmer)."""
    return has_key(_loss_keys(), lang, words_of(line, lang))


def tells_of_bereavement(line: str, lang: Lang) -> bool:
    """Whether a sentence of the caller's line tells of the death of a close person outside the
    war, named in that sentence ("Dad died six years back") or earlier in the line and then
    called "he" or "she" («друг был, Серёжа... и его не стало»): `story.yaml`'s
    `bereavement`."""
    died, people, him, unless = _bereavement_keys()
    said = [words_of(sentence, lang) for sentence in sentences(line)]
    named = has_key(people, lang, [word for words in said for word in words])
    for words in said:
        # The person may be named earlier in the line and the death told of them as "he" («У
        # меня там друг был, Серёжа... В марте колонна пошла, и его не стало»).
        whose = has_key(people, lang, words) or (named and has_key(him, lang, words))
        if whose and has_key(died, lang, words) and not has_key(unless, lang, words):
            return True
    return False


@cache
def _grief_keys() -> Keys:
    return Keys.model_validate(_courtesy_data("story")["grief_keys"])


@cache
def _war_keys() -> Keys:
    return Keys.model_validate(_courtesy_data("story")["war_keys"])


def _names_war_or_harm(line: str, lang: Lang) -> bool:
    """Whether a line names the war (`war_keys`), a death or someone hurt."""
    if has_key(_war_keys(), lang, words_of(line, lang)):
        return True
    return tells_of_loss(line, lang) or tells_of_harm(line, lang)


def light_story(line: str, lang: Lang) -> bool:
    """Whether the caller's story is an everyday one (a cat, cooking, the weekend) rather than
    one of loss or war: nearer in meaning to `story.yaml`'s light examples than to its heavy
    ones, naming nothing of the war (`war_keys`), no death of a close person and no one hurt."""
    from simulator.coding.encoder import embed, embed_one

    if _names_war_or_harm(line, lang):
        return False
    light, heavy = _story_examples()
    # The whole story (its embedding is already cached by the lore match) and each of its
    # sentences, in one batch: a long story's meaning is spread over its sentences, and the whole
    # of it came out near no example (round 30's held-out coach: a lost match in the rain, 0.25
    # from the nearest light example, under `LIGHT_FLOOR`).
    vectors = embed_one(line)[np.newaxis]
    if len(line.split()) > LIGHT_SENTENCES_FROM:
        parts = [part for part in dict.fromkeys(line_sentences(line)) if part != line]
        if parts:
            vectors = np.vstack([vectors, embed(parts)])
    nearest = float((vectors @ light.T).max())
    return nearest >= LIGHT_FLOOR and nearest > float((vectors @ heavy.T).max())


LIGHT_SENTENCES_FROM = 20
"""A story of more words than this is also compared sentence by sentence (`light_story`)."""


BARE_WORDS = 8
"""A remark of at most this many words names nothing to answer on its own."""


def _bare(line: str) -> bool:
    """Whether the line is a short remark ("Same everywhere, I expect.")."""
    return len(re.findall(r"\w+", line)) <= BARE_WORDS


def _is_backchannel(line: str) -> bool:
    """A short line that asks nothing ("Mm.", "I see.", «Хм, интересно.»)."""
    limit = int(_courtesy_data("backchannel")["max_words"])
    return "?" not in line and len(re.findall(r"\w+", line)) <= limit


def _names_subject(persona: Persona, lang: Lang, line: str) -> bool:
    """Whether the question that asks permission names a topic or stance of the persona's own
    by a key («Можно спросить про сына?»); what came before it («Я звоню из Норвегии») does
    not count."""
    asked = question_sentence(line) or line
    shared = shared_ids(persona)
    return any(
        m.kind in ("topic", "stance") and m.score >= KEY_SCORE and m.id not in shared
        for m in lore_index(persona, lang).matches(asked)
    )


def _topic_source(persona: Persona, topic_id: str) -> str:
    """How a move from a topic is recorded: `topic:<id>`, or `smalltalk:<id>` for shared small
    talk."""
    prefix = SMALLTALK if topic_id in shared_ids(persona) else "topic"
    return f"{prefix}:{topic_id}"


def _lines(lines: Lines, lang: Lang) -> list[str]:
    return list(lines.get(lang))
