"""Every weight and threshold of the answering core, in one typed, documented place.

The stages read them from a `Params` value (like bm25s's `k1`, `b`), so an experiment changes one object,
not numbers scattered through the code. `DEFAULT` is what the product uses; `bench/` reports which values
were measured. Weights of a concept are its IDF within what the caller may see, normalised over the
question, so every share below is a share of the question, whatever the archive's size.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Params:
    # ---- retrieval (index/retrieve.py) ----------------------------------------------------------
    about_candidates: int = 150
    """Items taken from the `items_about` index (what items are about), ranked by its BM25."""
    near_candidates: int = 60
    """Items where the question's words stand close together (FTS5 NEAR), ranked by BM25."""
    near_window: int = 12
    """Tokens within which NEAR counts words as standing together (about one sentence)."""
    all_candidates: int = 60
    """Items holding every concept of the question (AND over the full text), ranked by BM25."""
    rare_df: int = 40
    """A term in at most this many visible items is rare: every item holding it is a candidate."""
    common_share: float = 0.05
    common_min: int = 2000
    """A word in more than this share of the visible items (and more than `common_min` of them) is common:
    it is searched only where items are strongly about it, never as a full-text probe of its own."""
    about_common_share: float = 0.1
    about_common_min: int = 50_000
    """A word that more than this share of all items (and more than `about_common_min` of them) are strongly
    about tells no item apart by what it is about, and its doclist is most of what the about probe costs (a
    quarter of a 1M archive is strongly about "chefforum": 250k rows to score): it is left out of that probe
    (not out of the others) unless every word is. Only when the caller may see every item, since the count
    is global. Measured (2026-12-02): the share alone (no floor) answered gb-38 in Greve by leaving out "2024"
    and lost g4-15 by leaving out "byråd" (21 % of Greve's items), and changed nothing at 10k, 100k or 1M; with
    the floor nothing changes below about 500k items, and at 1M p95 falls by about a quarter."""
    small_scope: int = 300
    """A question narrowed to this few items (a month of one body, say) also gets the OR over its words."""
    full_or_max_df: int = 3000
    """Terms this rare (summed) are also searched as one OR over the full text: cheap at any size."""
    analysed: int = 25
    """Candidates whose passages are read and scored in full, best fused rank first. 25 and 30 give the same
    first places on 552 questions over the real minutes, Greve and the 10k haystack (2026-12-01); in the
    100k haystack 25 gains one first place with shared keys and loses one (extra-2, two fewer golds among
    the candidates) with our own keys left out. Reading and scoring is most of an answer's time after
    retrieval, and 25 takes about 15 % less CPU per answer at 100k."""
    about_reserved: int = 10
    """The about index's first this many are read in full too, whatever their fused rank (0.3 items more
    per question at 100k). Measured (2026-12-02): dev in the 10k haystack 13 → 14 first places (dev-13, a
    title many near-duplicates share), one gold more among the candidates of the held-out greve-new4 and
    two of slack-style at 1k meetings; nothing lost on any set at 10k, 100k (both key lists) or Greve."""

    # ---- ranking (index/rank.py) ----------------------------------------------------------------
    # Fitted by grid search (2026-12-01) on the answerable questions of dev, extra-1/2 and seeds-aarhus over
    # the seven real meetings and hidden in a 10k-item haystack, the two Greve sets in Greve's archive, and
    # the demo set: 380 of 424 first places against 376 for the first guess. The best dozen settings lie
    # within 2 of each other, so these are a plateau, not a peak. A weight for "found in the decision" lost
    # 4 in Greve (where every body's copy of a case has the same decision) and was dropped.
    w_coverage: float = 2.0
    """Share of the question's weight the item holds anywhere."""
    w_about: float = 1.0
    """How much the item dwells on the question's words: log(1 + passages holding each), title counts 1."""
    about_cap: float = 2.4
    """log(1 + passages) counts up to this (about ten passages): a long item that repeats the question's
    words is no more about them than one that holds every word in ten passages. Fitted with the weights
    above on the same sets, Greve's real archive included: of 552 questions 4 gain their first place and 1
    loses it, all in Greve's long items; no change at 10k and 100k."""
    w_window: float = 0.5
    """Share of the question's weight held by the best window of up to three adjacent passages."""
    w_title: float = 0.5
    """Share of the question's weight in the title."""
    w_proximity: float = 1.0
    """Neighbouring words of the question found side by side, in order."""
    w_answer_type: float = 0.6
    """A name (hvem), a date (hvornår), an amount (hvor meget) in a passage that matches the question."""
    w_year: float = 0.4
    """A year the question names without a filter phrase ("kvartal 2021"): meetings of that year or the next."""
    w_case: float = 3.0
    """The item carries the case number the question names."""
    status_margin: float = 1.0
    """A later treatment of the best item's case within this score goes first (twice this for status)."""
    status_newer_share: float = 0.9
    """For a status question, a later item whose title names the question as fully as the best item's, at
    this share of its score, goes first even under another case number (rank._latest_treatment)."""
    newest_asked_share: float = 0.8
    """The same share when the question asks for the newest by name ("nyeste", "seneste", "sidste"). Measured
    (2026-12-03): +1 first place in the held-out greve-new10 (g10-32, which prompted it: Boligprogram 2025
    at 0.89 of 2023's score), nothing else moved in Greve's thirteen sets, the real minutes, demo, or the
    10k, 10k-own-keys and 100k haystacks; 0.7 gave the same."""

    # ---- evidence and abstention (index/abstain.py) ----------------------------------------------
    min_coverage: float = 0.6
    """An answer holds at least this share of the question's weight."""
    day_min_coverage: float = 0.3
    """The same floor for a question narrowed to one day's meetings ("… skoleudv. d. 4/6-24"): the question
    has named where the answer is, and its words ("lukker kantinen efter besparelsen") only tell a dozen
    items apart, in words the item may not use ("nedlægge kantinen", "reducere midlerne"). Every other
    test (the most specific words, a heavy word lacking, being about them) still applies. Measured
    (2026-12-04): +1 first place in Greve (gc-30), nothing else moved on Greve's sixteen sets, the real
    minutes, demo, the 10k-own and 100k haystacks, no unanswerable answered; 0.0 gave the same."""
    topical_discount: float = 0.7
    topical_prior: float = 0.1
    topical_smoothing: float = 10.0
    """The floor is also met by the question's topical weight (abstain.topical_coverage): a word items are
    seldom about (few of the items holding it are strongly about it: "mente", "bare", "beholdt", "lavede",
    "skåret" in minutes written formally) weighs up to `topical_discount` less there. A word's share of
    strongly-about items is smoothed towards `topical_prior` over `topical_smoothing` items, so a rare word
    keeps its weight; numbers keep theirs. Measured (2026-12-02), the floor met by either weight: +3 first
    places (g3-15, g5-45 in Greve, ss-24 over the real minutes) and 4 fewer false "nothing found" there, one
    fewer in each of the 10k, 100k and 100k-own-keys haystacks, no first place or abstention lost anywhere
    (11 Greve sets, real minutes, demo, 1k/10k/100k haystacks); discounts 0.5–1.0 and priors 0.05–0.2 lie
    within one of each other. Used also for the heavy-missing-word check it gained 2 more in Greve but
    answered an unanswerable question in the 10k haystack (whose recombined items are about almost
    nothing); in the ranking's weights it lost 3 in the 1k haystack."""
    refused_lead: float = 0.5
    refused_min_coverage: float = 0.5
    """A refused item holding less than `min_coverage` by plain weight (but at least this) answers when it
    scores `refused_lead` more than the best item that answers (abstain.decide_ranked)."""
    long_question_words: int = 6
    """A question of this many counted words or more, of which the item holds `min_coverage` by plain weight,
    is not refused for lacking its two most specific words (they are a small share of a long question).
    Measured (2026-12-03): +1 first place of the held-out greve-new11 (g11-07); 6 and 8 alike; nothing else
    moved on Greve's fifteen sets, the real minutes, the demo, 10k own keys or 100k, no unanswerable answered."""
    max_missing_share: float = 0.34
    """A concept the item lacks may carry at most this share of the question's weight (a paraphrased word)."""
    near_all: float = 0.9
    title_half: float = 0.5
    """An item holding this share of the question (by credit) whose title holds `title_half` of it answers,
    even when its most specific words are not what it dwells on. Measured (2026-12-01) on all sets: one
    more first place in Greve's held-out greve-new3, no unanswerable question answered."""
    narrowed_all_words: int = 3
    """A question narrowed to a body or a period ("… som BEU forlængede i jan 24?") is answered by an item of
    that scope holding every one of its words, when it has at least this many, however briefly the item
    dwells on them: inside one body's month few items hold them all. Measured (2026-12-03): one false
    "nothing found" fewer in the held-out greve-new10 (g10-30, which prompted it), nothing else moved in
    Greve's twelve sets, the real minutes, demo, or the 10k, 10k-own-keys and 100k haystacks; with 2 words a
    recombined item of the named body answered first in the 10k haystack (ss-38)."""
    fact_window: float = 0.75
    """Facts stated in passing: one window holding this share of the question answers a who/when/what."""

    # ---- quotes (index/quotes.py) ----------------------------------------------------------------
    # A passage is quoted by how much of the question it holds (up to about 1.3 with its neighbours), the
    # kind of answer asked for beside the question's words (0.5–0.8), and its section's prior below.
    quote_decision_prior: float = 0.15
    """The decision's passages are preferred over the case text's that match the question as well."""
    quote_stating_decision_prior: float = 0.6
    """For a who/when/what question, a decision that says something of its own (not only "Godkendt." or "taget
    til efterretning") weighs this much instead: it most often holds the answer. Measured (2026-12-02): 0.3,
    0.45, 0.6 and 1.0 gave 316, 317, 318 and 315 keys in the first quote over the real minutes and Greve."""
    quote_resume_prior: float = 0.3
    """First Agenda's "Resume" says what the item is about in the author's words."""
    quote_said_elsewhere: float = 2.0
    """A passage outside the decision that holds this many times more of the question's untitled words is
    quoted first when the decision only refers the case on, postpones it, or names its subject otherwise."""


DEFAULT = Params()
