"""Every Danish sentence Referent says to its users, in one place: notices, card labels, digest lines.

Web, Slack, Teams and the terminal all say the same thing in the same words, and the secretariat (or a
translator) finds them here instead of in five adapters. Templates read them as the Jinja global `T`.
Texts from the minutes are never here; the answering core's own messages live in index/messages.py and
the ones shared with it are taken from there.
"""

from __future__ import annotations

from index.messages import EMPTY_QUESTION
from index.messages import TOO_LONG as TOO_LONG  # re-exported: the core's own words

MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip

# ---- notices instead of an answer (bot.asker) -------------------------------------------------------

EMPTY = EMPTY_QUESTION  # the core's own words (index/messages.py), so every channel refuses alike
RATE_LIMITED = "Du har stillet mange spørgsmål på kort tid. Vent et øjeblik, og prøv så igen."
ERROR = "Beklager, noget gik galt, da jeg ledte i referaterne. Prøv igen om lidt."
ENGLISH = "Jeg svarer på dansk, fordi referaterne er på dansk. Prøv fx: hvad blev besluttet om adgangskontrol?"
NO_ANSWER = "Jeg fandt ikke noget svar i referaterne."
NO_ANSWER_HINT = "Prøv med andre ord, et årstal eller navnet på udvalget."

# ---- votes ------------------------------------------------------------------------------------------

THANKS = "Tak for din vurdering!"
VOTE_FAILED = "Tak! Din vurdering kunne desværre ikke gemmes lige nu."
UNKNOWN_ACTION = "Den handling kender jeg ikke."
VOTE_UP_LABEL = "Godt svar"
VOTE_DOWN_LABEL = "Dårligt svar"

# ---- answer cards (bot.render.card and every renderer of it) ---------------------------------------

READ_AS = "Læst som"  # "Læst som: Hvad blev besluttet om skateparken i 2024?" above a follow-up's answer
ITEM = "punkt"
CASE = "sag"
CLOSED = "lukket punkt"
EXCERPT = "Uddrag"  # a quote whose section has no heading
TIMELINE = "Sagens forløb"
THIS_ITEM = "dette punkt"
MORE = "Andre resultater"
SUGGESTIONS = "Måske er et af disse punkter relevant:"
OPEN_ITEM = "Åbn punktet"
WHOLE_MINUTES = "Hele referatet"
OWN_PAGE = "Punktet hos Referent"
AND_MORE = "+ {n} flere"


def treatments(n: int) -> str:
    """The line above a precedent answer: one card per treatment follows."""
    return f"Sagen er behandlet på {n} {'møde' if n == 1 else 'møder'}, nyeste først:"


# ---- the web ------------------------------------------------------------------------------------

INTRO = (
    "Hej! Spørg mig om, hvad der er besluttet på møderne, så svarer jeg med citater fra referaterne og "
    "links til punkterne. Du kan spørge videre, fx »og i 2024?« eller »hvem foreslog det?«."
)
PENDING = "Leder i referaterne …"
EXAMPLES = "Prøv fx"
NO_MINUTES = "Der er endnu ingen referater i databasen. Indlæs dem med"
NOT_FOUND_MEETING = "Mødet findes ikke, eller du har ikke adgang til det."
LOGIN_FAILED = "Forkert adgangskode. Prøv igen."
LOGIN_THROTTLED = "Der har været for mange forsøg på at logge ind. Vent et minut, og prøv så igen."
NEED_LOGIN = "Log ind for at bruge Referent."
STATUS_TEXT = {404: "Siden findes ikke.", 405: "Det kan man ikke her.", 422: "Forespørgslen kunne ikke læses."}
GENERIC_ERROR = "Der skete en fejl."
EXAMPLE_QUESTION = "Hvad blev besluttet om {topic}?"


def items_found(n: int) -> str:
    return f"{n} {'punkt' if n == 1 else 'punkter'}"


# ---- Slack's assistant panel ------------------------------------------------------------------------

ASSISTANT_GREETING = "Hej! Spørg mig om beslutninger i referaterne. Her er nogle forslag:"
ASSISTANT_STATUS = "leder i referaterne …"

# ---- the digest ---------------------------------------------------------------------------------------

DIGEST_TITLE = "Nye beslutninger fra referaterne"
CORRECTED = "rettet"
CONTINUED = "fortsat"
ADOPTED = "Indstillingen blev vedtaget:"  # over the proposal a decision adopted by reference ("Godkendt.")
STANDING = {
    "agenda": ("godkendelse af dagsorden", "godkendelser af dagsorden"),
    "minutes": ("godkendelse af referat", "godkendelser af referat"),
    "misc": ("eventuelt", "eventuelt"),
    "announcements": ("meddelelse eller orientering", "meddelelser og orienteringer"),
    "signatures": ("underskriftsark", "underskriftsark"),
    "calendar": ("mødekalender", "mødekalendere"),
    "noted": ("orientering taget til efterretning", "orienteringer taget til efterretning"),
    "blank": ("punkt uden beslutningstekst", "punkter uden beslutningstekst"),
}


def since_line(date: str) -> str:
    return f"Referater modtaget siden {date}"


def empty_digest(date: str) -> str:
    return f"Ingen nye beslutninger i referater modtaget siden {date}."


def digest_counts(meetings: int, items: int) -> str:
    return (
        f"{meetings} {'møde' if meetings == 1 else 'møder'}, {items} {'beslutning' if items == 1 else 'beslutninger'}"
    )


def standing_line(counts: dict[str, int]) -> str:
    """'Desuden 5 godkendelser af dagsorden, 3 eventuelt og 2 orienteringer taget til efterretning.'"""
    parts = [f"{n} {STANDING[kind][0 if n == 1 else 1]}" for kind, n in counts.items() if n]
    if not parts:
        return ""
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]
    return f"Desuden {joined} (ikke vist)."


def part_of(i: int, total: int) -> str:
    return f"Del {i} af {total}"


# ---- "Følg sagen" (bot.follow, bot.notify, bot.render.follow) ----------------------------------------

FOLLOW_BUTTON = "Følg sagen"
STOP_BUTTON = "Stop"
FOLLOW_USAGE = "Skriv, hvad du vil følge: et sagsnummer eller et emne, fx »følg 23-011668« eller »følg lokalplan 1221«."
FOLLOW_GONE = "Punktet findes ikke længere, eller det kan ikke ses her."
FOLLOW_CLOSED = "Et lukket punkt kan ikke følges."
STOP_USAGE = "Skriv nummeret på det, du vil stoppe, fx »stop 3«. Numrene står i »mine«."
YOU_FOLLOW_CASE = "Du følger denne sag"
NOTICE_CASE = "Ny behandling af en sag, du følger"
NOTICE_CORRECTED = "Rettet referat i en sag, du følger"
OPEN_CASE = "Sagens forløb"
FEED = "Abonnér (Atom-feed)"
FEED_TITLE_CASE = "Sag {case} – Referent"
FOLLOW_PAGE_TITLE = "Du følger"
STOPPED_PAGE = "Du følger ikke længere denne sag eller dette emne."
CASE_PAGE_TITLE = "Sag {case}"
CASE_PAGE_EMPTY = "Ingen punkter med sagsnummer {case} kan ses her."
CASE_PAGE_SEVERAL = "Nummeret bruges til {n} forskellige sager; hver har sit eget forløb herunder."
CASE_PAGE_OTHER_BODIES = "Sagsforløbet nævner også"
AGENDA = "dagsorden"


def _where(platform: str, direct: bool) -> str:
    if platform == "web":
        return "i feedet"
    return "her" if direct else "her i kanalen"


def stop_hint(platform: str, n: int | str) -> str:
    """How to stop follow number `n` on this platform."""
    if platform == "slack":
        return f"/referat stop {n}"
    if platform == "teams":
        return f"stop {n}"
    return "knappen Stop"


def case_label(title: str, case_number: str | None) -> str:
    return f"sagen »{title}«" + (f" (sag {case_number})" if case_number else "")


def topic_label(topic: str) -> str:
    return f"emnet »{topic}«"


def following(label: str, platform: str, direct: bool, n: int, *, topic: bool) -> str:
    when = "nye referater svarer på det" if topic else "et udvalg eller byrådet behandler den igen"
    member = " (Referent skal være medlem af kanalen.)" if platform == "slack" and not direct else ""
    return (
        f"Du følger nu {label}. Jeg skriver {_where(platform, direct)}, når {when}, med beslutningen citeret og "
        f"et link.{member} Stop med {stop_hint(platform, n)}."
    )


def already_following(label: str, n: int, direct: bool) -> str:
    return f"{'Du' if direct else 'Kanalen'} følger allerede {label} (nr. {n})."


def follow_limit(n: int) -> str:
    return f"Her følges allerede {n} sager og emner; stop nogle, før du følger flere."


def unknown_case(case_number: str) -> str:
    return (
        f"Jeg kan ikke finde sag {case_number} i de referater, der kan ses her. Følg den fra et svar, når den har "
        "været behandlet, eller følg et emne."
    )


MAX_LISTED = 10  # cases listed when a number is reused


def ambiguous_case(case_number: str, titles: list[str]) -> str:
    lines = [f"Sagsnummeret {case_number} bruges til flere forskellige sager. Skriv nummeret og et ord fra titlen:"]
    lines += [f"• følg {case_number} {title}" for title in titles[:MAX_LISTED]]
    if len(titles) > MAX_LISTED:
        lines.append(AND_MORE.format(n=len(titles) - MAX_LISTED))
    return "\n".join(lines)


def mine(lines: list[str], platform: str) -> str:
    if not lines:
        return (
            "Du følger ingen sager eller emner her. Tryk »Følg sagen« under et svar, eller skriv »følg« og et "
            "sagsnummer eller et emne."
        )
    return "\n".join(["Du følger:", *lines, f"Stop med {stop_hint(platform, '<nr>')}."])


def mine_line(n: int, label: str, since: str) -> str:
    return f"{n}. {label}, siden {since}"


def stopped(label: str) -> str:
    return f"Du følger ikke længere {label}."


def stop_unknown(n: int) -> str:
    return f"Der er intet nr. {n} at stoppe her. Skriv »mine« for at se, hvad du følger."


def you_follow_topic(topic: str) -> str:
    return f"Du følger emnet »{topic}«"


def notice_topic(topic: str) -> str:
    return f"Nyt om »{topic}«, som du følger"


# ---- the terminal and the server's start line ------------------------------------------------------

RUNNING_AT = "Referent kører på {url}/"
PROCESSES = " ({n} processer)"
TRY_ASKING = "Prøv fx at spørge: {question}"
SLACK_CONNECTED = "Referent er forbundet til Slack (Socket Mode). Stop med Ctrl+C."
ABSENT = "Fravær"
CASE_NUMBER = "Sagsnr."
ATTACHMENTS = "Bilag"
