"""Deterministic synthetic minutes in the First Agenda text format, plus questions about them.

`generate(out, items)` writes one meeting per .txt file (5-15 items each) under `out/haystack/<year>/`,
spread over twenty years and about thirty bodies per municipality (more municipalities when more items are
asked for), with recurring cases (same case number, near-duplicate titles at later stages), sentences from
the templates in `bench.topics` and filler words drawn from the vocabulary of the demo minutes and, when
present, the real seed minutes (words only, never their sentences). `questions.jsonl` holds questions
paraphrased from the generated items with templates, some typed without æøå or with a typo.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench import topics as T
from index.store import slug

VERSION = 2
FIRST_YEAR, LAST_DATE = 2005, dt.date(2025, 6, 30)
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november",
          "december")  # fmt: skip
WEEKDAYS = ("Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag")
SUBJECT_SLOTS = {
    "place": T.PLACES, "system": T.SYSTEMS, "area": T.AREAS, "theme": T.THEMES, "profession": T.PROFESSIONS,
    "strategy": T.STRATEGIES, "group": T.GROUPS, "epidemic": T.EPIDEMICS, "pass": T.PASSES, "role": T.ROLES,
    "policy": T.POLICIES, "district": T.DISTRICTS, "schooltopic": T.SCHOOLTOPICS, "school": T.SCHOOLS,
    "care": T.CARE, "association": T.ASSOCIATIONS, "cybertopic": T.CYBER, "badge": T.BADGES, "dept": T.DEPTS,
    "street": T.STREETS, "budgetstep": T.BUDGETSTEPS, "season": T.SEASONS, "procurement": T.PROCUREMENT,
    "target": T.TARGETS, "facility": T.FACILITIES,
}  # fmt: skip


@dataclass
class Case:
    topic: T.Topic
    number: str
    slots: dict[str, str]
    title: int  # index of the title template
    stage: int = 0
    last: dt.date = dt.date.min


@dataclass
class Municipality:
    name: str
    suffix: str  # appended to forum names beyond the first municipality, so meeting ids stay unique
    scheme: str  # case-number scheme: kle, emn, old
    seq: Counter = field(default_factory=Counter)
    open: dict[str, list[Case]] = field(default_factory=dict)


NOUN_ENDINGS = ("ing", "hed", "else", "tion", "plan", "politik", "område", "strategi", "aftale", "system", "indsats",
                "måling", "ordning", "rapport", "projekt", "model", "proces", "arbejde", "samarbejde", "opfølgning")  # fmt: skip


class Vocabulary:
    """Content words used in at least two of the given minutes (general vocabulary, not one meeting's own
    terms), drawn by frequency; `nouns` (by their endings) name the long tail of topics."""

    def __init__(self, texts: list[str], stopwords: set[str]):
        counts: Counter = Counter()
        docs: Counter = Counter()
        for text in texts:
            words = [w for w in re.findall(r"\b[a-zæøå]{6,}\b", text) if w not in stopwords]
            counts.update(words)
            docs.update(set(words))
        common = sorted((w, c) for w, c in counts.items() if docs[w] >= 2) or [("arbejdet", 1), ("kommunen", 1)]
        self.words = [w for w, _ in common]
        self.nouns = [w for w in self.words if w.endswith(NOUN_ENDINGS)] or ["arbejdet"]
        self.cum: list[int] = []
        total = 0
        for _, c in common:
            total += c
            self.cum.append(total)

    def draw(self, rng: random.Random) -> str:
        return self.words[bisect.bisect_left(self.cum, rng.random() * self.cum[-1])]


class Fill(dict):
    """format_map mapping: fixed slots from the dict; {w} and {n} are drawn anew at each use."""

    def __init__(self, fixed: dict[str, str], rng: random.Random, vocab: Vocabulary):
        super().__init__(fixed)
        self.rng, self.vocab = rng, vocab

    def __missing__(self, key: str) -> str:
        if key == "w":
            return self.vocab.draw(self.rng)
        if key == "n":
            return str(self.rng.randint(2, 9))
        raise KeyError(key)


def danish_date(d: dt.date) -> str:
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def _amount(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.randint(1, 40)},{rng.randint(0, 9)} mio. kr."
    return f"{rng.randint(20, 990)}.000 kr."


def _person(rng: random.Random) -> str:
    return f"{rng.choice(T.FIRST)} {rng.choice(T.LAST)}"


def schedule(munis: list[Municipality], reserved: set[tuple[str, str]]) -> list[tuple[dt.date, str, Municipality]]:
    """Every meeting date of every body of every municipality (before sampling)."""
    out = []
    for m in munis:
        for group, fora in T.FORA.items():
            for forum in fora:
                name = forum + m.suffix
                per_year = T.MEETINGS_A_YEAR.get(forum, 10)
                weekday = (hash_str(name) % 4) if per_year < 20 else hash_str(name) % 5
                for year in range(FIRST_YEAR, LAST_DATE.year + 1):
                    for i in range(per_year):
                        day = dt.date(year, 1, 1) + dt.timedelta(days=int((i + 0.5) * 365 / per_year))
                        if day.month == 7 and per_year < 20:
                            day = day.replace(day=28)
                        day += dt.timedelta(days=(weekday - day.weekday()) % 7)
                        if day <= LAST_DATE and (name, day.isoformat()) not in reserved:
                            out.append((day, group, forum, m))
    out.sort(key=lambda x: (x[0], x[2] + x[3].suffix))
    return [(d, f"{g}|{f}", m) for d, g, f, m in out]


def hash_str(text: str) -> int:
    return sum((i + 1) * ord(c) for i, c in enumerate(text))


class Generator:
    def __init__(self, seed: int, vocab: Vocabulary):
        self.rng = random.Random(seed)
        self.vocab = vocab
        self.questions: list[dict] = []
        self.question_rate = 0.05

    # ---- one item ---------------------------------------------------------------------------

    def _case_number(self, m: Municipality, topic: T.Topic, day: dt.date) -> str:
        rng = self.rng
        if m.scheme == "emn":
            return f"EMN-{day.year}-{rng.randint(1, 999_999):06d}"
        if m.scheme == "old" or day.year < 2010:
            return f"{day.year % 100:02d}/{rng.randint(100, 99_999)}"
        m.seq[(topic.kle, day.year)] += 1
        return f"{topic.kle}-{m.seq[(topic.kle, day.year)]}-{day.year % 100:02d}"

    def _case(self, m: Municipality, group: str, forum: str, day: dt.date) -> Case:
        rng = self.rng
        open_cases = [c for c in m.open.get(group, []) if 0 < (day - c.last).days < 900]
        m.open[group] = open_cases[-40:]
        if open_cases and rng.random() < 0.35:
            case = rng.choice(open_cases)
            case.stage += 1
            return case
        choices = [
            t
            for t in T.TOPICS
            if group in t.groups
            and T.TOPIC_YEARS.get(t.key, (0, 9999))[0] <= day.year <= T.TOPIC_YEARS.get(t.key, (0, 9999))[1]
        ]
        topic = rng.choices(choices, weights=[T.TOPIC_WEIGHT.get(t.key, 1) for t in choices])[0]
        slots = {k: rng.choice(v) for k, v in SUBJECT_SLOTS.items()}
        slots["noun"], slots["noun2"] = rng.choice(self.vocab.nouns), rng.choice(self.vocab.nouns)
        slots["Noun"] = slots["noun"].capitalize()
        case = Case(topic, self._case_number(m, topic, day), slots, rng.randrange(len(topic.titles)))
        m.open[group].append(case)
        return case

    def _slots(self, m: Municipality, forum: str, day: dt.date, case: Case) -> dict[str, str]:
        rng = self.rng
        later = day + dt.timedelta(days=rng.randint(14, 200))
        q = (day.month - 1) // 3 or 4  # the quarter reported on: the one before the meeting
        week = rng.randint(1, 50)
        s = dict(case.slots)
        s.update(
            forum=forum, muni=m.name, year=str(day.year), next_year=str(day.year + 1), plus4=str(day.year + 4),
            yy1=f"{(day.year + 1) % 100:02d}", q=str(q), qyear=str(day.year if q != 4 else day.year - 1),
            bmonth=rng.choice(("marts", "juni", "september")), month=MONTHS[later.month - 1], myear=str(later.year),
            date=danish_date(later), week=str(week), week2=str(week + 1), name=_person(rng), name2=_person(rng),
            dept2=rng.choice(T.DEPTS), amount=_amount(rng), amount2=_amount(rng), pct=f"{rng.randint(2, 9)},{rng.randint(0, 9)}",
            pct2=f"{rng.randint(2, 9)},{rng.randint(0, 9)}", pct3=str(rng.randint(5, 95)),
        )  # fmt: skip
        return s

    def item(self, m: Municipality, group: str, forum: str, day: dt.date, number: int) -> str:
        rng = self.rng
        case = self._case(m, group, forum, day)
        topic = case.topic
        slots = self._slots(m, forum, day, case)
        fill = Fill(slots, rng, self.vocab)
        stage = topic.stages[min(case.stage, len(topic.stages) - 1)]
        title = topic.titles[case.title].format_map(fill) + stage.format_map(fill)
        title = title[0].upper() + title[1:]
        case.last = day

        def pick(options: tuple[str, ...], k: int) -> list[str]:
            return [o.format_map(fill) for o in rng.sample(options, min(k, len(options)))]

        raw = T.PREFIX.get(forum.split(" (")[0], "") + title
        if rng.random() < 0.25:
            raw += f" v. {rng.choice(T.FIRST)}"
            if rng.random() < 0.5:
                h = rng.randint(9, 14)
                raw += f" ({h}:00-{h}:30)"
        lines = [f"Punkt {number}: {raw}", case.number]
        lines += [rng.choice(("Anledning", "Anledning", "Baggrund", "Resume")), " ".join(pick(topic.background, 1))]
        body = [" ".join(pick(topic.facts, rng.randint(1, 3)))]
        for _ in range(rng.randint(2, 5)):
            body.append(" ".join(pick(T.GENERIC_FACTS, rng.randint(2, 3))))
        lines += ["Sagsfremstilling", *body]
        if rng.random() < 0.3:
            lines += ["Økonomi", f"Udgiften på {slots['amount2']} afholdes inden for rammen for {slots['dept2']}."]
        proposals = pick(topic.proposals, rng.randint(1, 2))
        proposer = rng.choice(("Kommunaldirektøren", f"Chefen for {slots['dept2']}", "Direktionen", "Administrationen"))
        lines += ["Indstilling", f"{proposer} indstiller,", "\n".join(f"{i}. {p}" for i, p in enumerate(proposals, 1))]
        decision = pick(topic.decisions, rng.randint(1, len(topic.decisions)))
        if rng.random() < 0.4:
            decision += pick(T.GENERIC_DECISIONS, 1)
        lines += [rng.choice(("Beslutning", "Beslutning", "Beslutninger")), *decision]
        attachments = pick(topic.attachments, rng.randint(0, len(topic.attachments)))
        if attachments:
            lines += ["Bilag", *attachments]
        self._question(topic, fill, slots, title, stage, forum, day, number)
        return "\n\n".join(lines)

    def _question(self, topic, fill, slots, title, stage, forum, day, number) -> None:
        rng = self.rng
        if rng.random() > self.question_rate:
            return
        subject = title[: len(title) - len(stage.format_map(fill))] if stage else title
        fill["subject"] = subject[0].lower() + subject[1:] if not subject[:2].isupper() else subject
        template = rng.choice(topic.asks + T.GENERIC_ASKS)
        q = template.format_map(fill)
        roll = rng.random()
        if roll < 0.15:
            q = q.replace("æ", "ae").replace("ø", "oe").replace("å", "aa").replace("Æ", "Ae").replace("Ø", "Oe")
        elif roll < 0.25:
            words = q.split()
            i = max(range(len(words)), key=lambda j: len(words[j]))
            if len(words[i]) > 6:
                k = rng.randrange(2, len(words[i]) - 1)
                words[i] = words[i][:k] + words[i][k + 1 :]
            q = " ".join(words)
        item_id = f"{slug(forum)}-{day.isoformat()}#{number}"
        self.questions.append({"q": q, "gold_ids": [item_id], "topic": topic.key})

    # ---- one meeting ------------------------------------------------------------------------

    def meeting(self, m: Municipality, group: str, forum: str, day: dt.date, n_items: int) -> str:
        rng = self.rng
        items: list[str] = []
        titles: list[str] = []
        committee = group not in ("admin",)
        first = "Godkendelse af dagsorden" + ("" if committee else " og referat")
        items.append(
            f"Punkt 1: {T.PREFIX.get(forum.split(' (')[0], '')}{first}\n\n"
            + ("Beslutning\n\nGodkendt." if committee else f"Indstilling\n\nKommunaldirektøren indstiller,\n\n1. at dagsordenen godkendes\n\nBeslutning\n\n{forum} godkendte dagsordenen og referatet.")
        )  # fmt: skip
        titles.append(first)
        for number in range(2, n_items + 1):
            if number == n_items and rng.random() < 0.6:
                items.append(f"Punkt {number}: {'Eventuelt' if committee else 'Evt.'}\n\nBeslutning\n\nIntet.")
                titles.append("Eventuelt" if committee else "Evt.")
            elif rng.random() < 0.06:
                items.append(f"Punkt {number}: Lukket\n\n{self._case_number(m, T.TOPICS[0], day)}")
                titles.append("Lukket")
            else:
                text = self.item(m, group, forum, day, number)
                items.append(text)
                titles.append(text.split("\n", 1)[0].split(": ", 1)[1])
        head = [
            "", f"REFERAT {forum} d. {day:%d-%m-%Y}", f"Mødedato {WEEKDAYS[day.weekday() % 5]} d. {day.day}. "
            f"{MONTHS[day.month - 1]} {day.year} kl. {rng.choice(('08:30', '09:00', '13:00', '16:00', '17:00'))}",
            f"Mødested {rng.choice(('Mødelokale 1', 'Mødelokale 2', 'Byrådssalen', 'Udvalgsværelset'))}, {m.name} Rådhus",
            "Mødedeltagere " + ", ".join(_person(rng) + (" (Fravær)" if rng.random() < 0.1 else "") for _ in range(rng.randint(4, 9))),
            "Indholdsfortegnelse", "\n".join(f"{t}.....\t{i + 3}" for i, t in enumerate(titles)),
        ]  # fmt: skip
        return "\n\n".join(head + items) + "\n"


def municipalities(count: int) -> list[Municipality]:
    out = []
    for i in range(count):
        name = T.MUNICIPALITIES[i % len(T.MUNICIPALITIES)] + ("" if i < len(T.MUNICIPALITIES) else f" {i // 16 + 1}")
        out.append(Municipality(name, "" if i == 0 else f" ({name})", ("kle", "emn", "old")[i % 3]))
    return out


def generate(
    out: Path,
    items: int,
    *,
    seed: int = 1,
    vocab_texts: list[str] | None = None,
    stopwords: set[str] | None = None,
    reserved: set[tuple[str, str]] | None = None,
) -> dict:
    """Write `items` agenda items as minutes under out/haystack and questions to out/questions.jsonl.

    `reserved` holds (forum, ISO date) pairs of real meetings that will be mixed in: no synthetic meeting
    takes their place. Returns the manifest (also written to out/manifest.json)."""
    rng = random.Random(seed)
    vocab = Vocabulary(vocab_texts or [], stopwords or set())
    gen = Generator(seed, vocab)
    gen.question_rate = min(1.0, 1500 / max(items, 1))  # about 1,500 candidate questions whatever the size
    meetings_needed = math.ceil(items / 9)
    one = len(schedule(municipalities(1), set()))
    munis = municipalities(max(1, math.ceil(meetings_needed * 1.3 / one)))
    slots = schedule(munis, reserved or set())
    chosen = sorted(rng.sample(range(len(slots)), min(len(slots), math.ceil(meetings_needed * 1.2))))
    hay = out / "haystack"
    hay.mkdir(parents=True, exist_ok=True)
    written = raw_bytes = files = 0
    for idx in chosen:
        if written >= items:
            break
        day, key, m = slots[idx]
        group, forum = key.split("|")
        n = min(rng.randint(5, 15), items - written)
        if n < 2:
            n = 2 if items - written >= 2 else 1
        name = forum + m.suffix
        text = gen.meeting(m, group, name, day, n) if n > 1 else _single(gen, m, group, name, day)
        folder = hay / str(day.year)
        folder.mkdir(exist_ok=True)
        data = text.encode("utf-8")
        (folder / f"{slug(name)}-{day.isoformat()}.txt").write_bytes(data)
        written += n
        raw_bytes += len(data)
        files += 1
    with (out / "questions.jsonl").open("w", encoding="utf-8") as fh:
        for q in gen.questions:
            fh.write(json.dumps(q, ensure_ascii=False) + "\n")
    manifest = {"version": VERSION, "seed": seed, "items": written, "files": files, "raw_bytes": raw_bytes,
                "questions": len(gen.questions), "municipalities": len(munis)}  # fmt: skip
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def _single(gen: Generator, m: Municipality, group: str, forum: str, day: dt.date) -> str:
    """A one-item meeting (only to hit an exact item count)."""
    text = gen.meeting(m, group, forum, day, 2)
    head, rest = text.split("Punkt 1:", 1)
    return head + "Punkt 1:" + rest.split("Punkt 2:", 1)[0].rstrip() + "\n"
