"""The coder callsim uses: lexicon cues plus learned heads over the sentence encoder.

The lexicon (`coder.Coder`) is exact where a trainer wrote a cue, handles negation and gives
evidence spans; the heads generalise to wordings no cue list foresaw. The heads decide the codes
(the lexicon's findings are among their features); each code's evidence is the lexicon's cue
where one fired, otherwise the sentence of the turn that scores highest for that code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from simulator.codes import CODES, QUESTION_CODES, Code, Lang
from simulator.coding.coder import Coder, Coding
from simulator.coding.coder import bundled_coder as bundled_cue_coder
from simulator.coding.encoder import embed, embed_in_background, embed_one, in_worker_process
from simulator.coding.features import dense_features, sentences, turn_vector
from simulator.coding.heads import Heads, bundled_heads
from simulator.coding.text import normalise

LEXICON_ALWAYS: frozenset[Code] = frozenset({"unsafe"})
HEADS_ALONE_FLOOR: dict[Code, float] = {"unsafe": 0.6}
"""The probability a head needs to give a code the lexicon did not find, where it is above the
head's threshold. `unsafe` fails the whole call, so a guess costs a good volunteer everything:
"Do you know anyone who's gone to the front? A neighbour, a colleague?" was heard as unsafe at
0.52, «Знаете кого-нибудь, кто ушёл на фронт? Сосед, коллега?» at 0.58 (asking for a handle or a
street scores above 0.9). Chosen for that cost, not tuned: on the test split `unsafe` F1 went
0.844 / 0.845 -> 0.814 / 0.863 (ru / en), and the session AUC against expert ratings 0.843 ->
0.854; a floor of 0.7 cost too much recall (0.775 / 0.729)."""
"""Codes the lexicon gives on its own authority: a cue for asking an address or urging a
protest is precise (on the corpus test split 27 of 28 such cues were right), and missing one
would let a call that endangers the respondent pass as safe."""

SHORT_TURN_WORDS = 2
"""A turn of fewer words ("Okay?", «Да?», "Friends?") takes its question codes from the lexicon
alone: whether one word asks or only keeps the talk going depends on the word, which the cue
lists know ("Friends?", picked up from the respondent, asks; "Okay?" does not), and the corpus
holds too few such turns for the heads to learn it."""

REFLECTION_OVER_CONFRONT = 0.2
"""A turn both `confront` and `reflection` would get keeps only one: `reflection` where its score
beats `confront`'s by more than this, else `confront` (a jab dressed as a restatement is the
mistake callsim trains out). Out of fold on train+dev (five folds by file), reflection F1 ru / en
0.784 / 0.784 with both kept, 0.788 / 0.794 always keeping `confront`, 0.795 / 0.796 with this
margin (`confront` 0.860 / 0.852 -> 0.863 / 0.851); margin 0: 0.792 / 0.791, margin 0.1: 0.793 /
0.795. «То есть телевизору вы доверяете, он вам всё объясняет.» (reflection 1.0, confront 0.52)
stays a reflection."""
SENTENCE_REFLECTION = 0.7
"""A turn of several sentences is a reflection when one of its sentences, scored alone by the
same heads (with the turn's lexicon findings and the respondent's line), reaches this: a
restatement followed by a story or a question («Вам тяжело без него. У меня брат тоже…») is
diluted in the turn's mean embedding. Out of fold on train+dev (five folds by file, two fold
assignments), reflection F1 ru / en 0.794 / 0.798 -> 0.805 / 0.806 and 0.787 / 0.793 -> 0.795 /
0.799; AnnoMI even transcripts 0.658 -> 0.659 and 0.650 -> 0.647; at 0.6: +0.001, at 0.8:
+0.006. A turn that only this makes a reflection never outweighs `confront`."""
QUESTIONS_CONFRONT = 0.4
"""A turn made only of questions, of several sentences, is `confront` only when one of its
questions alone scores this much for it (or the lexicon finds it): the turn's head heard a
plain "Have you got children yourself? Or grandchildren?" as a jab at 0.56, each question alone
at most 0.28, or 0.39 after "Oh. What a loss. I'm sorry." (round 29's held-out teacher, in four
calls of six). Out of fold on train+dev (`--cv-rules`, every decision rule): `confront` F1 ru /
en 0.855 / 0.844 without the rule, the same at 0.3, 0.855 / 0.843 at 0.4 (one English turn); no
turn of the boundary, small-talk, balanced or stories sets changes. A choice made on a held-out
call, for what a plain family question heard as a jab costs a volunteer."""
_WORD = re.compile(r"[\w'’-]+")
"""A word, for telling a turn made only of fillers."""
_REFLECTION = CODES.index("reflection")
_CONFRONT = CODES.index("confront")

_OVERLAP_FROM = 8
"""Sentences in a batch from which embedding runs beside the lexicon (a single turn in a call
is faster without the hand-over)."""

LEXICON_VOTE = 0.25
"""Weight of the lexicon's own decision (0 or 1) against the heads' probability: a code the
lexicon gives needs the heads at 1/3 or more, one it does not give needs them at 2/3 or more.
Trainer-written cues (negation, rhetorical questions, vetoes) keep a say where the learned heads
are unsure; measured on the corpus test split it changes macro-F1 by less than 0.005 either way
and lifts AnnoMI reflection F1 on the held-out transcripts by 0.01."""


class LearnedCoder:
    """Codes utterances in one language: the lexicon's cues, then the learned heads."""

    def __init__(self, cues: Coder, heads: Heads) -> None:
        self.cues = cues
        self.heads = heads
        self.lang: Lang = cues.lexicon.lang
        self._floors = np.asarray([HEADS_ALONE_FLOOR.get(c, 0.0) for c in CODES])

    def code(self, text: str, previous: str | None = None) -> Coding:
        """Code `text`; `previous` is the respondent's line just before, when known."""
        return self.code_many([(text, previous)])[0]

    def code_many(self, items: Sequence[tuple[str, str | None]]) -> list[Coding]:
        """Code several (text, previous) pairs, embedding all their sentences as one batch."""
        return self.finish(self.start(items))

    def start(self, items: Sequence[tuple[str, str | None]]) -> Started:
        """Begin coding a batch: split it into sentences and, for a batch of several, hand their
        embedding to the encoder thread at once. `finish` completes it. Starting the next batch
        before finishing this one keeps the encoder busy while this thread reads the cues."""
        pairs = list(items)
        split = [sentences(text) for text, _ in pairs]
        flat = [s for parts in split for s in parts]
        wanted = sorted({p for _, p in pairs if p and p.strip()})
        pending = None
        if len(flat) >= _OVERLAP_FROM or in_worker_process():
            # The batch is embedded on the second core (the encoder's matrix products release
            # the interpreter lock) while the lexicon (pure Python) reads the same turns here.
            pending = embed_in_background(flat + wanted)
        return Started(pairs, split, wanted, pending)

    def finish(self, started: Started) -> list[Coding]:
        """The codings of a batch `start` began, in order."""
        if not started.items:
            return []
        texts = [text for text, _ in started.items]
        found = [self.cues.code(text, previous) for text, previous in started.items]
        vectors = previous_table = None
        if started.embedding is not None:
            try:
                together = started.embedding.result()
            except BrokenProcessPool:  # the worker died (killed, out of memory): go on here
                together = embed(started.embedded)
            count = len(together) - len(started.previous)
            vectors = together[:count]
            previous_table = dict(zip(started.previous, together[count:], strict=True))
        previous = [p for _, p in started.items]
        scored = self._score(texts, previous, found, started.split, vectors, previous_table)
        threshold = self.heads.threshold(self.lang)
        chosen: list[list[Code]] = []
        for i, text in enumerate(texts):
            short = len(text.split()) < SHORT_TURN_WORDS
            p = scored.probabilities[i]
            heads_say = p >= np.maximum(threshold, self._floors)
            restates = scored.sentence_best(i, _REFLECTION) >= SENTENCE_REFLECTION
            heads_say[_REFLECTION] |= restates
            picked = [c for k, c in enumerate(CODES) if _given(c, heads_say[k], found[i], short)]
            if self._only_fillers(text):
                # "Wow.", "Okay, sure.", «Ну да.»: a filler has no code (SPEC); the heads hear
                # sarcasm in a bare "Wow." as often as not, and a sincere one is no attack.
                picked = [c for c in picked if c in found[i].codes]
            if "confront" in picked and "reflection" in picked:
                # A restatement that attacks is a confrontation, never a reflection (the
                # corpus labelling rules; 2 of 3,403 confronting turns in train+dev are both).
                turn_reflection = max(p[_REFLECTION], threshold[_REFLECTION] if restates else 0.0)
                sure = turn_reflection > p[_CONFRONT] + REFLECTION_OVER_CONFRONT
                picked.remove("confront" if sure else "reflection")
            if (
                "confront" in picked
                and "confront" not in found[i].codes
                and _only_questions(started.split[i])
                and scored.sentence_best(i, _CONFRONT) < QUESTIONS_CONFRONT
            ):
                picked.remove("confront")
            if "guilt" in picked and "confront" not in picked and "guilt" not in found[i].codes:
                # Blame is a kind of confrontation (SPEC): "guilt" the heads alone hear without
                # it is a misfire ("That is your choice." read as guilt).
                picked.remove("guilt")
            chosen.append(picked if text.strip() else [])
        best = self._best_sentences(scored, found, chosen)
        codings = []
        for i, text in enumerate(texts):
            evidence = {
                code: found[i].evidence.get(code) or best.get((i, code)) or (text.strip(),)
                for code in chosen[i]
            }
            codings.append(Coding(self.lang, tuple(chosen[i]), evidence, found[i].cue_scores))
        return codings

    def _only_fillers(self, text: str) -> bool:
        """Whether every word of `text` is one of the lexicon's fillers ("Wow.", «Ну да.»)."""
        words = _WORD.findall(text)
        fillers = self.cues.matcher.fillers
        return bool(words) and all(normalise(word) in fillers for word in words)

    def probabilities(self, text: str, previous: str | None = None) -> dict[Code, float]:
        """The heads' probability of every code for one turn (for evaluation and debugging)."""
        found = [self.cues.code(text, previous)]
        row = self._score([text], [previous], found, [sentences(text)]).probabilities[0]
        return dict(zip(CODES, row.tolist(), strict=True))

    def _score(
        self,
        texts: list[str],
        previous: list[str | None],
        found: list[Coding],
        split: list[list[str]],
        vectors: np.ndarray | None = None,
        previous_table: dict[str, np.ndarray] | None = None,
    ) -> _Scored:
        flat = [s for parts in split for s in parts]
        if vectors is None:
            vectors = embed_one(flat[0])[None, :] if len(flat) == 1 else embed(flat)
        previous_vectors = _previous_vectors(previous, previous_table)
        toxicity = self.heads.toxicity(vectors)
        rows = []
        texts_scored = list(texts)
        parts_of: list[tuple[int, int]] = []
        cursor = 0
        for i, text in enumerate(texts):
            a, b = cursor, cursor + len(split[i])
            cursor = b
            parts_of.append((a, b))
            whole = turn_vector(vectors[a:b])
            rows.append(
                dense_features(
                    text,
                    self.lang,
                    whole,
                    previous_vectors[i],
                    vectors[a:b],
                    found[i],
                    float(self.heads.toxicity(whole[None, :])[0]),
                )
            )
        # Each sentence of a turn of several, scored alone (for `SENTENCE_REFLECTION` and
        # evidence), in the same call as the turns.
        sentence_rows: dict[int, slice] = {}
        owner: list[int] = []
        for i in range(len(texts)):
            if len(split[i]) < 2:
                continue
            a, b = parts_of[i]
            sentence_rows[i] = slice(len(owner), len(owner) + b - a)
            owner += [i] * (b - a)
            for j, sentence in enumerate(split[i]):
                vector = vectors[a + j]
                rows.append(
                    dense_features(
                        sentence,
                        self.lang,
                        vector,
                        previous_vectors[i],
                        vector[None, :],
                        found[i],
                        float(toxicity[a + j]),
                    )
                )
                texts_scored.append(sentence)
        learned = self.heads.probabilities(np.stack(rows), texts_scored, self.lang)
        decided = np.asarray([[code in f.codes for code in CODES] for f in found], dtype=float)
        decided = np.concatenate([decided, decided[np.asarray(owner, dtype=np.int64)]])
        mixed = (1.0 - LEXICON_VOTE) * learned + LEXICON_VOTE * decided
        turns = len(texts)
        return _Scored(mixed[:turns], split, mixed[turns:], sentence_rows)

    def _best_sentences(
        self, scored: _Scored, found: list[Coding], chosen: list[list[Code]]
    ) -> dict[tuple[int, Code], tuple[str, ...]]:
        """For each chosen code without a lexicon span in a turn of several sentences, the
        sentence that scores highest for it."""
        best: dict[tuple[int, Code], tuple[str, ...]] = {}
        for i, codes in enumerate(chosen):
            rows = scored.sentence_rows.get(i)
            if rows is None:
                continue
            for code in codes:
                if not found[i].evidence.get(code):
                    top = int(np.argmax(scored.sentence_probabilities[rows, CODES.index(code)]))
                    best[(i, code)] = (scored.split[i][top],)
        return best


def _only_questions(parts: list[str]) -> bool:
    """Whether a turn has several sentences and every one of them asks ("?")."""
    return len(parts) >= 2 and all(part.rstrip().endswith("?") for part in parts)


def _given(code: Code, heads_say: bool, cues: Coding, short: bool) -> bool:
    """Whether a turn gets `code`: the heads' decision (`heads_say`), except that the lexicon
    decides questions in a short turn and always gives `unsafe` when it finds it."""
    if short and code in QUESTION_CODES:
        return code in cues.codes
    return heads_say or (code in LEXICON_ALWAYS and code in cues.codes)


@dataclass(frozen=True)
class Started:
    """A batch `LearnedCoder.start` began: its turns, their sentences, the respondent's lines
    before them, and the embedding of both under way (None: embedded when finished)."""

    items: list[tuple[str, str | None]]
    split: list[list[str]]
    previous: list[str]
    embedding: Future[np.ndarray] | None

    @property
    def embedded(self) -> list[str]:
        """What `embedding` embeds: every sentence, then the respondent's lines."""
        return [s for parts in self.split for s in parts] + self.previous


@dataclass(frozen=True)
class _Scored:
    """What scoring a batch made: each turn's probabilities, and each sentence's where a turn
    has several."""

    probabilities: np.ndarray
    split: list[list[str]]
    sentence_probabilities: np.ndarray
    sentence_rows: dict[int, slice]
    """Turn -> its rows of `sentence_probabilities` (turns of several sentences only)."""

    def sentence_best(self, turn: int, k: int) -> float:
        """The highest probability of code `k` over the turn's sentences (0 for one sentence)."""
        rows = self.sentence_rows.get(turn)
        return float(self.sentence_probabilities[rows, k].max()) if rows is not None else 0.0


def _previous_vectors(
    previous: Sequence[str | None], table: dict[str, np.ndarray] | None = None
) -> list[np.ndarray | None]:
    """Embeddings of the respondent's lines, None where there is none; from `table` when given
    (embedded with the batch), and a single line from the cache (in a call it was embedded when
    the respondent said it)."""
    if table is None:
        wanted = sorted({p for p in previous if p and p.strip()})
        if len(wanted) == 1:
            table = {wanted[0]: embed_one(wanted[0])}
        else:
            table = dict(zip(wanted, embed(wanted), strict=True))
    return [table[p] if p and p.strip() else None for p in previous]


@lru_cache(maxsize=2)
def bundled_coder(lang: Lang) -> LearnedCoder:
    """The coder for `lang` with the lexicon and heads shipped with callsim (built once)."""
    return LearnedCoder(bundled_cue_coder(lang), bundled_heads())
