"""Which part of a persona's lore a volunteer's line is about: keys (lemmas) first, then meaning.

Keys are exact: a Russian key is a lemma («ребёнок» matches «детей»), an English key a word or
its -s/-ed/-ing form, and a key of several words matches them in a row. When no key is in the
line, the line is compared by meaning (the sentence encoder, across languages) with the
examples a trainer gave for each topic and the questions of each stance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from simulator.codes import Lang
from simulator.coding.encoder import embed, embed_one
from simulator.coding.features import sentences
from simulator.coding.text import Token, analyse
from simulator.engine.smalltalk import shared_ids
from simulator.persona import Keys, Persona

KEY_SCORE = 1.0
"""Score of each key found in the line (meaning adds a cosine, below 1)."""
MEANING_FLOOR = 0.55
"""A topic or stance matched only by meaning needs at least this cosine similarity. In the read
held-out calls, replies to lines matched by meaning alone at 0.45-0.55 were believable 28% of the
time (22 of 78: mostly an answer to a different question), at 0.55-0.65 52%, above 0.65 72%."""
QUESTION_FLOOR = 0.55
"""...and for a question that matched nothing: a person asked something answers from the
nearest thing they have to say only if it is at least this close (else "hard to say")."""


@dataclass(frozen=True)
class Match:
    """One lore entry a line is about."""

    kind: str
    """`topic`, `stance` or `fact`."""
    id: str
    score: float
    """KEY_SCORE per key found, plus the best cosine with the entry's examples."""
    meaning: float = 0.0
    """The best cosine with the entry's examples alone (0 for an entry without examples)."""


UNSTEMMED = frozenset({"news", "series", "politics", "always", "perhaps", "yes", "us"})
"""English words whose ending is not an inflection."""


def _english_base(word: str) -> str:
    """A crude English stem, the same for keys and lines: "missiles" and "missile" -> "missil",
    "shelled" -> "shell", "watches" -> "watch", "talking" -> "talk", "cities" -> "city"."""
    if word in UNSTEMMED or word.endswith(("ss", "us")):
        return word  # "news" is not the plural of "new", nor "boss" of "bos"
    for suffix in ("ies", "ing", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


IDIOMS: dict[Lang, list[tuple[re.Pattern[str], str]]] = {
    "en": [
        (
            re.compile(r"\b(is|are|was|were|'s|'re)\s+killing\s+(me|him|her|us)\b", re.I),
            r"\1 hurting \2",
        ),
        (re.compile(r"\b(time|hours?|minutes?|an hour)\s+to\s+kill\b", re.I), r"\1 to spare"),
        (re.compile(r"\bkill(ing|ed|s)?\s+(some\s+|the\s+)?time\b", re.I), "pass time"),
        # "The sleep is the killer" is the hard part of a baby's first months, not a murderer.
        (re.compile(r"\b(is|are|'s|was)\s+the\s+(real\s+)?killer\b", re.I), r"\1 the hard part"),
        (
            re.compile(
                r"\b(sleep|heat|cold|commute|traffic|rent|bills|nights?|mornings?|queues?|"
                r"prices?|waiting)\s+(is|are|'s|was)\s+(a\s+|an\s+absolute\s+|a\s+real\s+)killer\b",
                re.I,
            ),
            r"\1 \2 the hard part",
        ),
        # "Did you like books at school, or did you suffer through them?" is not about suffering.
        (re.compile(r"\bsuffer(ed|ing|s)?\s+through\b", re.I), "struggle with"),
        # "God willing", "thank God" are said by anyone; they are no question about faith.
        (
            re.compile(
                r"\b(god willing|please god|thank god|thank god for that|god knows|god forbid|"
                r"for god'?s sake|oh my god|my god|god help (us|them|him|her))\b",
                re.I,
            ),
            "so be it",
        ),
    ],
    "ru": [
        # «друг от друга», «друг с другом» are "each other", not a friend.
        (
            re.compile(
                r"\bдруг\s+(?:(?:от|с|со|о|об|к|ко|на|за|у|без|для|про|перед|при|по)\s+)?друг\w*",
                re.I,
            ),
            "взаимно",
        ),
        (re.compile(r"\bуби(ть|ваю|вает|ваем|вал[аи]?|ла|л)\s+время\b", re.I), "провести время"),
        # «Работаете или уже на заслуженном отдыхе?» asks about a pension, not a holiday.
        (re.compile(r"\bна\s+заслуженном\s+отдыхе\b", re.I), "на пенсии"),
        (re.compile(r"\bна\s+заслуженный\s+отдых\b", re.I), "на пенсию"),
        # «Вам нравится ваше дело?» asks about their work («не ваше дело» is left alone).
        (re.compile(r"(?<!не )\b(ваше|своё|свое)\s+дело\b", re.I), r"\1 работа"),
        # «бабушки, дедушки» in a list are old people, not the respondent's grandfather (round
        # 30's held-out musician: his choir of «бабушки, дедушки» got the grandfather's war).
        (
            re.compile(r"\b(бабушк|дедушк)и,?\s+(и\s+)?(дедушк|бабушк)и\b", re.I),
            "пожилые люди",
        ),
        # «Дай бог», «слава богу» are said by anyone; they are no question about faith (round
        # 30's held-out musician: «Дай бог. Правда, дай бог.» got «Крещёный, православный»).
        (
            re.compile(
                r"\b(не\s+)?дай\s+(?:то\s+)?бог\b|\bслава\s+богу\b|\bбог\s+(знает|даст|с\s+ним)\b|"
                r"\bей-богу\b|\bради\s+бога\b|\bбоже\s+мой\b|\bбог\s+в\s+помощь\b",
                re.I,
            ),
            "так и быть",
        ),
    ],
}
"""Everyday turns of phrase whose words are keys ("my knees are killing me", "time to kill",
«друг от друга», "the killer", "suffer through", «на заслуженном отдыхе», «дай бог», "thank
God"), said another way before a line is matched: a postman's knees got the casualties ("There's
a whole row at our cemetery now") and «далеко мы друг от друга» got what friends say, in round
28's held-out calls; "the sleep is the killer" got "My son isn't a murderer" in round 29's."""


def _plain_tokens(text: str, lang: Lang) -> tuple[Token, ...]:
    for idiom, plain in IDIOMS[lang]:
        text = idiom.sub(plain, text)
    return analyse(text, lang).tokens


def _lemmas(text: str, lang: Lang) -> list[str]:
    return _words_of_tokens(_plain_tokens(text, lang), lang)


def _words_of_tokens(tokens: tuple[Token, ...], lang: Lang) -> list[str]:
    lemmas = [token.lemma for token in tokens]
    return lemmas if lang == "ru" else [_english_base(lemma) for lemma in lemmas]


@dataclass(frozen=True)
class _Owners:
    """Words by which a line says whose a person is."""

    others: frozenset[str]
    """Someone other than the respondent: the caller («моей сестры сын», "my cousin's boy") or a
    third person («её Диму», «чьего-то сына», "his son"); lemmas or exact forms."""
    other_pairs: frozenset[tuple[str, str]]
    """The same said in two words («у меня сын», «у него сын», "I have a son")."""
    respondents: frozenset[str]
    """Words that give the person back to the respondent ("my thoughts are with your son")."""


OWNERS: dict[Lang, _Owners] = {
    "ru": _Owners(
        frozenset({"мой", "наш", "его", "ее", "их", "чей-то", "чей-нибудь", "чей-либо"}),
        frozenset({("у", "я"), ("у", "мы"), ("у", "него"), ("у", "нее"), ("у", "них")}),
        frozenset({"ваш", "твой", "вы", "ты"}),
    ),
    "en": _Owners(
        frozenset({"my", "our", "his", "her", "their", "someone", "somebody"}),
        frozenset({("i", "have"), ("we", "have"), ("i", "had"), ("we", "had")}),
        frozenset({"your", "you", "yours"}),
    ),
}
KIN: dict[Lang, frozenset[str]] = {
    "ru": frozenset(
        "сын сынок дочь дочка муж жена брат сестра внук внучка отец папа мать мама племянник"
        " племянница".split()
    ),
    "en": frozenset(
        "son daughter husband wife brother sister grandson granddaughter father dad mother mum"
        " mom nephew niece boy lad".split()
    ),
}
"""Family words that a line may say are someone else's, like the persona's people: the firm
supporter answered the caller's cousin's son («Сын у него, Лёшка, ушёл по контракту») with his
own («Он ещё школьник, ему рано») in round 30's held-out coach calls."""
OWNED_REACH = 5
"""How many words before a person's name or role a «мой» / "my" still claims it."""


def _others_people(
    tokens: tuple[Token, ...], lemmas: list[str], lang: Lang, people: frozenset[str]
) -> set[int]:
    """Positions of the words in `people` (lemmas of the persona's people's names and roles)
    that the line (its `tokens` and their `lemmas`, as `_words_of_tokens` gives them) says are
    someone else's: "My son served too" is not about the respondent's son, nor «У моей
    двоюродной сестры сына, Димку, забрали» about their Dima, nor «Соседа, или чьего-то сына?»
    about their own son, nor «Сын у него, Лёшка, ушёл по контракту» (round 30)."""
    owners = OWNERS[lang]

    def said(j: int, words: frozenset[str]) -> bool:
        return tokens[j].lemma in words or tokens[j].norm in words

    owned: set[int] = set()
    for i, lemma in enumerate(lemmas):
        if lemma not in people:
            continue
        after = i + 1 < len(tokens) and tokens[i + 1].sentence == tokens[i].sentence
        if after and lang == "ru" and tokens[i + 1].lemma in ("мой", "наш"):
            owned.add(i)  # «Сын мой тоже там»
            continue
        then = i + 2 < len(tokens) and tokens[i + 2].sentence == tokens[i].sentence
        if then and lang == "ru":
            pair = {
                (tokens[i + 1].lemma, tokens[i + 2].lemma),
                (tokens[i + 1].norm, tokens[i + 2].norm),
            }
            if pair & owners.other_pairs:
                owned.add(i)  # «Сын у него, Лёшка, ушёл по контракту»
                continue
        for j in range(i - 1, max(-1, i - OWNED_REACH - 1), -1):
            if tokens[j].sentence != tokens[i].sentence or said(j, owners.respondents):
                break
            pairs = {(tokens[j - 1].lemma, tokens[j].lemma), (tokens[j - 1].norm, tokens[j].norm)}
            if said(j, owners.others) or (j and pairs & owners.other_pairs):
                owned.add(i)
                break
    return owned


def _key_sequences(keys: Keys, lang: Lang) -> list[tuple[str, ...]]:
    return [tuple(_lemmas(key, lang)) for key in keys.get(lang) if key.strip()]


def _contains(words: list[str], key: tuple[str, ...], skip: set[int] | None = None) -> bool:
    """Whether `key` stands in `words`, not counting an occurrence that covers a position in
    `skip`."""
    if not key:
        return False
    n = len(key)
    return any(
        tuple(words[i : i + n]) == key and not (skip and skip.intersection(range(i, i + n)))
        for i in range(len(words) - n + 1)
    )


def words_of(text: str, lang: Lang) -> list[str]:
    """The line's words as keys are matched against them (lemmas; English crudely stemmed)."""
    return _lemmas(text, lang)


def has_key(keys: Keys, lang: Lang, words: list[str]) -> bool:
    """Whether one of `keys` in `lang` stands in `words` (from `words_of`)."""
    return any(_contains(words, key) for key in _key_sequences(keys, lang))


class LoreIndex:
    """A persona's lore, ready to be matched against volunteer lines in one language."""

    def __init__(self, persona: Persona, lang: Lang) -> None:
        self.persona = persona
        self.lang = lang
        lore = persona.lore
        self._keys: list[tuple[str, str, list[tuple[str, ...]]]] = []
        examples: list[tuple[str, str, str]] = []
        for topic in lore.topics:
            self._keys.append(("topic", topic.id, _key_sequences(topic.keys, lang)))
            if topic.examples is not None:
                for text in topic.examples.ru + topic.examples.en:
                    examples.append(("topic", topic.id, text))
        for stance in lore.stances:
            self._keys.append(("stance", stance.id, _key_sequences(stance.keys, lang)))
            for text in stance.questions.ru + stance.questions.en:
                examples.append(("stance", stance.id, text))
        for fact in lore.facts:
            self._keys.append(("fact", fact.id, _key_sequences(fact.keys, lang)))
        self._people = KIN[lang] | frozenset(
            word
            for person in lore.people
            for keys in (person.names, person.known_by)
            for sequence in _key_sequences(keys, lang)
            for word in sequence
        )
        self._example_owner = [(kind, entry) for kind, entry, _ in examples]
        self._shared = shared_ids(persona)
        self._example_vectors = (
            embed([text for _, _, text in examples]) if examples else np.zeros((0, 1))
        )

    def matches(self, text: str, floor: float = MEANING_FLOOR) -> list[Match]:
        """Every lore entry the line is about, best first: an entry scores one point per key
        found in the line plus its best similarity of meaning with the entry's examples; an
        entry without a key needs `floor` (a question with nothing above `MEANING_FLOOR` is
        answered from the nearest entry above `QUESTION_FLOOR`).

        A line that asks something after saying something else ("I read the news a lot here.
        And how is your health?") is about what it asks: a key in its question wins over keys
        elsewhere in the line; with no key anywhere, the question alone is compared by meaning
        (the rest of the line only blurs it). A bare "What do you think?" after a line with a
        key is about that key."""
        question = questions_asked(text)
        asked = self._own_first(self._matches(question, floor)) if question else []
        if asked and asked[0].score >= KEY_SCORE:
            return asked  # the line as a whole need not be compared at all
        if asked and asked[0].meaning >= QUESTION_MEANS and not _refers_back(question or ""):
            return asked  # "I drive a bus... And what do you do?" is not about roads
        whole = self._own_first(self._matches(text, floor))
        if question is None or (whole and whole[0].score >= KEY_SCORE):
            return whole
        return asked or whole

    def _own_first(self, found: list[Match]) -> list[Match]:
        """`found` without shared small talk when one of the persona's own topics or stances
        has a key in the line and scores about as high as any shared topic; otherwise as
        ranked (a shared topic named by a key beats an own one that is only near in meaning,
        "Do you have a dog?" is not about relatives, or that is named in passing: "What's the
        weather like in Moscow?" is about the weather)."""
        own = [m for m in found if not (m.kind == "topic" and m.id in self._shared)]
        shared = max((m.score for m in found if m not in own), default=0.0)
        keyed = [m for m in own if m.kind in ("topic", "stance") and m.score >= KEY_SCORE]
        return own if keyed and keyed[0].score >= shared - OWN_MARGIN else found

    def _matches(self, text: str, floor: float) -> list[Match]:
        tokens = _plain_tokens(text, self.lang)
        words = _words_of_tokens(tokens, self.lang)
        others = _others_people(tokens, words, self.lang, self._people) if self._people else set()
        keys: dict[tuple[str, str], int] = {}
        for kind, entry, sequences in self._keys:
            found = sum(1 for key in sequences if _contains(words, key, others))
            if found:
                keys[(kind, entry)] = found
        meaning: dict[tuple[str, str], float] = {}
        if len(self._example_owner):
            similarity = self._example_vectors @ embed_one(text)
            for owner, score in zip(self._example_owner, similarity.tolist(), strict=True):
                meaning[owner] = max(meaning.get(owner, -1.0), float(score))
        # A topic's key in a line whose meaning is far from the topic is a word pulled out of
        # context ("It can't be easy to talk to a stranger from abroad" is not about emigrants).
        pulled = KEY_MEANING_FLOOR["question" if "?" in text else "statement"]
        keyed = {
            owner for owner in keys if owner[0] != "topic" or meaning.get(owner, pulled) >= pulled
        }
        scored = {
            owner: keys.get(owner, 0) * KEY_SCORE + max(0.0, meaning.get(owner, 0.0))
            for owner in keyed | {o for o, s in meaning.items() if s >= floor}
        }
        ranked = sorted(scored.items(), key=lambda item: (-item[1], item[0]))
        return [
            Match(kind, entry, score, max(0.0, meaning.get((kind, entry), 0.0)))
            for (kind, entry), score in ranked
        ]


QUESTION_MEANS = 0.75
"""A question whose meaning is this close to one of the persona's entries is about that entry,
whatever keys the rest of the line has: the held-out bus driver's «Я автобус вожу... А вы чем
занимаетесь, если не секрет?» was answered with roads in six calls of six."""

_BACK = re.compile(
    r"\b(that|this|it|those|these|they|them)\b|(?<!\w)(это\w*|этим|так|том|тот|они|их|им)(?!\w)",
    re.IGNORECASE,
)


def _refers_back(question: str) -> bool:
    """Whether the question points back at what the line said before it ("Do you hear about
    that where you live?" after a story of wounded men): then it is not about its own words."""
    return bool(_BACK.search(question))


KEY_MEANING_FLOOR = {"question": 0.3, "statement": 0.1}
"""A topic named by a key still needs this much similarity of meaning with its examples. In the
read held-out calls, replies to questions whose key topic was under 0.3 in meaning were
believable 3 times in 15 (over 0.3: 111 in 164); to statements under 0.1, once in 9."""

OWN_MARGIN = 0.1
"""How much lower than shared small talk a persona's own keyed entry may score and still win:
their own life before a stock line ("any of your neighbours been called up?" is not about
neighbours)."""

RESTATES = 0.2
"""Similarity of meaning from which a volunteer's line counts as giving back the respondent's
last line. In the coder corpus, reflections score a median 0.30 against the line before them
(a quarter below 0.17) and lines that only sympathise 0.19: below this, a reflection is more
likely sympathy than the respondent's own words given back, and is answered as sympathy."""


def restates(line: str, respondent_line: str) -> bool:
    """Whether `line` says back what `respondent_line` said (by meaning, across languages)."""
    return float(embed_one(line) @ embed_one(respondent_line)) >= RESTATES


_CHAT_END = re.compile(r"(?:\){2,}|\({2,}|[:;]-?[()DР]|(?<=\w)\))(?=\s+\w)")
"""A chat emoticon that ends a sentence typed without a full stop («матан не даётся(( а вы кем
работаете?», "no regrets :) what about you?")."""


TRAILING_WORDS = 5
"""A lower-case fragment of at most this many words after "..." ends the sentence before it
(«Кого-нибудь забрали туда... ну, вы понимаете куда?»); a longer one is a sentence of its own
(«Я просто хотела спросить... как у вас там сейчас жизнь?»)."""


def line_sentences(text: str) -> list[str]:
    """The sentences of a volunteer's line, as `features.sentences`, also split after a chat
    emoticon that ends one."""
    chunks, start = [], 0
    for end in _CHAT_END.finditer(text):
        before = text[start : end.start()]
        if end.group() == ")" and before.count("(") > before.count(")"):
            continue  # the end of a bracket («Я (как и многие) скучаю»), not a smile
        chunks.append(text[start : end.end()].strip())
        start = end.end()
    chunks.append(text[start:].strip())
    found: list[str] = []
    for sentence in (s for chunk in chunks if chunk for s in sentences(chunk)):
        trailing = sentence[:1].islower() and len(sentence.split()) <= TRAILING_WORDS
        if found and found[-1].endswith(("...", "…")) and trailing:
            found[-1] = f"{found[-1]} {sentence}"  # «забрали туда... ну, понимаете куда?»
        else:
            found.append(sentence)
    return found or [text]


def questions_asked(text: str) -> str | None:
    """Every sentence ending in "?" of a line of several sentences, joined ("How are you keeping
    health-wise? Do you sleep well?" after a story about the snow), else None."""
    parts = line_sentences(text)
    asked = [part.strip() for part in parts if part.rstrip().endswith("?")]
    return " ".join(asked) if len(parts) >= 2 and asked else None


def question_sentence(text: str) -> str | None:
    """The last sentence ending in "?" of a line of several sentences, else None."""
    parts = line_sentences(text)
    if len(parts) < 2:
        return None
    asked = [part for part in parts if part.rstrip().endswith("?")]
    return asked[-1] if asked else None


_INDEXES: dict[tuple[int, Lang], tuple[Persona, LoreIndex]] = {}


def lore_index(persona: Persona, lang: Lang) -> LoreIndex:
    """The index of `persona` in `lang`, built once per persona object and language (embedding
    the examples takes a few hundred milliseconds; `Call.warm_up` does it off the UI thread)."""
    key = (id(persona), lang)
    cached = _INDEXES.get(key)
    if cached is None or cached[0] is not persona:
        if len(_INDEXES) >= 16:
            _INDEXES.pop(next(iter(_INDEXES)))
        cached = (persona, LoreIndex(persona, lang))
        _INDEXES[key] = cached
    return cached[1]
