"""Closed items in every form the issue lists, as text, PDF and HTML minutes with a marker word in every
part of the closed text.

Each closed item has a public title and a public decision line (the first line under its decision
heading); everything else — the case number, text before the first heading, the discussion, a
"Punkt 9: …" line inside it and what follows, the decision's second line, the attachments — carries a
marker word that must reach neither the database nor any output. The open items before and after each
closed item must come through whole (the boundaries held).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from tests.test_readers_pdf import make_pdf

PARTS = ("intro", "sag", "nine", "after", "beyond", "bilag")
FORUM = "Chefforum"


def marker(form: int, fmt: str, part: str) -> str:
    """A word the analyser keeps whole and no other text contains: 'zq' + form, format and part letters +
    'vqxjk'. Two markers share at most their first four letters, so FTS5's prefix-compressed leaves
    store word[4:] literally wherever the word is (see leaked())."""
    return f"zq{chr(97 + form)}{fmt[0]}{'abcdef'[PARTS.index(part)]}vqxjk"


def case_number(form: int, fmt: str) -> str:
    return f"77.{form:02d}.0{'tph'.index(fmt[0])}-A00-9-21"


@dataclass(frozen=True)
class Form:
    name: str
    heading: list[str]  # the closed item's heading line(s) as text/PDF print them; {n} is its number
    title: str  # the public title the item must keep
    numbers: tuple[int, int, int] = (1, 2, 3)  # open item before, closed item, open item after
    case: bool = True  # False: the body starts right under the title (no case number line)


FORMS = [
    Form("plain", ["Punkt {n}: Lukket"], "Lukket"),
    Form("dot", ["Punkt {n}. Lukket"], "Lukket"),
    Form("dash", ["Punkt {n} - Lukket"], "Lukket"),
    Form("pkt", ["Pkt. {n}: Lukket"], "Lukket"),
    Form("emphasis", ["*Punkt {n}: Lukket*"], "Lukket"),
    Form("bold", ["**Punkt {n}: Lukket: Ejendomshandel**"], "Ejendomshandel"),
    Form("suffix", ["Punkt {n}: Personalesag (Lukket)"], "Personalesag"),
    Form("forum", ["Punkt {n}: CF - Lukket: Ejendomssalg"], "Ejendomssalg"),
    Form("marker-line", ["Punkt {n}: Personaleforhold", "", "Lukket punkt"], "Personaleforhold"),
    Form("lukket-punkt", ["Punkt {n}: Ejendomshandel (lukket punkt)"], "Ejendomshandel"),
    Form("lower-number", ["Punkt {n}: Lukket: Voldgiftssag"], "Voldgiftssag", numbers=(5, 2, 6)),
    # A title of 55+ characters with body text right under it: a PDF reader used to join that line into
    # the public title, as it joins a wrapped title.
    Form(
        "long-title",
        ["Punkt {n}: Lukket: Erhvervelse af ejendom til kommunens fremtidige materielgård"],
        "Erhvervelse af ejendom til kommunens fremtidige materielgård",
        case=False,
    ),
]

PUBLIC_TITLE = "Lukket afdeling på Egely Plejecenter"
PUBLIC_DECISION = "Udvalget besluttede at genåbne afdelingen for plejebolignyt den 1. marts."


def decision_line(form: int, fmt: str) -> str:
    return f"Indstillingen om sag {form}{fmt[0]} blev godkendt."


def meeting_date(form: int, fmt: str) -> dt.date:
    return dt.date(2019 + "tph".index(fmt[0]), 1, 1) + dt.timedelta(days=7 * form)


MONTHS = ["januar", "februar", "marts"]


def danish(d: dt.date) -> str:
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def meeting_id(form: int, fmt: str) -> str:
    return f"chefforum-{meeting_date(form, fmt).isoformat()}"


def open_before(n: int, form: int, fmt: str) -> list[str]:
    return [
        f"Punkt {n}: Budgetopfølgning {form}{fmt[0]}",
        "",
        "Beslutning",
        "",
        f"Budgettet {form}{fmt[0]} blev taget til efterretning.",
    ]


def open_after(n: int) -> list[str]:
    return [f"Punkt {n}: Eventuelt", "", "Beslutning", "", "Chefforum drøftede sommerens vagtplan."]


def closed_body(form: int, fmt: str) -> list[str]:
    m = lambda part: marker(form, fmt, part)  # noqa: E731
    case = [case_number(form, fmt), ""] if FORMS[form].case else []
    return case + [
        f"Medarbejderen {m('intro')} har klaget.",
        "",
        "Sagsfremstilling",
        "",
        f"Sagen handler om {m('sag')} og hendes leder.",
        "",
        f"Punkt 9: Klagen over {m('nine')}",
        "",
        f"Her fortsætter {m('after')} sagen.",
        "",
        "Beslutning",
        "",
        decision_line(form, fmt),
        "",
        f"Desuden tildeles {m('beyond')} en påtale.",
        "",
        "Bilag",
        "",
        f"Notat om {m('bilag')}",
    ]


def text_lines(k: int, fmt: str) -> list[str]:
    """The lines of form k's minutes (title, header, three items), for text or PDF."""
    form = FORMS[k]
    before, closed, after = form.numbers
    d = meeting_date(k, fmt)
    lines = [f"REFERAT {FORUM} d. {d:%d-%m-%Y}", "", f"Mødedato Tirsdag d. {danish(d)} kl. 09:00", ""]
    lines += open_before(before, k, fmt) + [""]
    lines += [h.format(n=closed) for h in form.heading] + [""] + closed_body(k, fmt) + [""]
    lines += open_after(after)
    return lines


def text_minutes(k: int) -> bytes:
    return ("\n".join(text_lines(k, "text")) + "\n").encode("utf-8")


def pdf_minutes(k: int) -> bytes:
    lines = [line for line in text_lines(k, "pdf") if line]  # a PDF's text layer has no blank lines
    return make_pdf([lines[:30], lines[30:]])


# ---- HTML: First Agenda Publication rows ---------------------------------------------------------

# (name, h2 title, extra markup after the number label, first paragraph, public title)
HTML_FORMS = [
    ("title-prefix", "Lukket: Salg af grund", "", None, "Salg af grund"),
    ("title-suffix", "Ejendomshandel (lukket punkt)", "", None, "Ejendomshandel"),
    ("forum-prefix", "CF - Lukket: Ejendomssalg", "", None, "Ejendomssalg"),
    ("badge", "Personaleforhold", '<span class="badge">Lukket punkt</span>', None, "Personaleforhold"),
    ("label", "Personaleforhold", '<span class="label label-warning">Lukket</span>', None, "Personaleforhold"),
    ("lock-icon", "Personaleforhold", '<i class="fa fa-lock" aria-hidden="true"></i>', None, "Personaleforhold"),
    ("marker-paragraph", "Personaleforhold", "", "Lukket punkt", "Personaleforhold"),
]


def _row(
    number: int, title: str, extra: str, sections: list[tuple[str, list[str]]], bilag: list[str], case: str
) -> str:
    out = [
        f'<tr class="punktrow" id="punktrow_00000000-0000-0000-0000-{number:012d}">',
        f'<td><span class="label label-default">{number}</span>{extra}</td>',
        f'<td><button class="overskrift-btn"><h2 class="overskrift">{html.escape(title)}</h2></button>',
        '<div class="details">' + (f'<span class="sagsnummer">{case}</span>' if case else "") + '<div class="punkt">',
    ]
    for heading, paras in sections:
        divs = "".join(f"<div>{html.escape(p)}</div>" for p in paras)
        out.append(f'<h3>{html.escape(heading)}</h3><span class="resume">{divs}</span>')
    if bilag:
        links = "".join(f'<li><a class="bilag-link" href="/vis/pdf/bilag/x">{html.escape(b)}</a></li>' for b in bilag)
        out.append(f'<h3>Bilag</h3><ul class="list-unstyled">{links}</ul>')
    out.append("</div></div></td></tr>")
    return "\n".join(out)


def html_minutes(k: int) -> bytes:
    name, title, extra, first, _ = HTML_FORMS[k]
    d = meeting_date(k, "html")
    m = lambda part: marker(k, "html", part)  # noqa: E731
    closed_sections = [
        ("", ([first] if first else []) + [f"Medarbejderen {m('intro')} har klaget."]),
        ("Sagsfremstilling", [f"Sagen handler om {m('sag')} og hendes leder.", f"Punkt 9: Klagen over {m('nine')}",
                              f"Her fortsætter {m('after')} sagen."]),
        ("Beslutning", [decision_line(k, "html"), f"Desuden tildeles {m('beyond')} en påtale."]),
    ]  # fmt: skip
    rows = [
        _row(
            1, f"Budgetopfølgning {k}h", "", [("Beslutning", [f"Budgettet {k}h blev taget til efterretning."])], [], ""
        ),
        _row(2, title, extra, closed_sections, [f"Notat om {m('bilag')}"], case_number(k, "html")),
        _row(3, "Eventuelt", "", [("Beslutning", ["Chefforum drøftede sommerens vagtplan."])], [], ""),
    ]
    page = f"""<!DOCTYPE html>
<html lang="da"><head><title>{FORUM} - Mødelokale 1</title></head><body>
<h1 class="green dato">Referat {danish(d)} kl. 9.00</h1>
<table class="dagsordeninfo"><tbody>
<tr><td>Udvalg:</td><td><span class="udvalg">{FORUM}</span></td></tr>
<tr><td>Mødedato:</td><td><span class="dato">{danish(d)} kl. 9.00</span></td></tr>
</tbody></table>
<table class="dagsorden"><tbody>
{chr(10).join(rows)}
</tbody></table></body></html>"""
    return page.encode("utf-8")


def public_item_minutes() -> bytes:
    """A public item whose title begins with the word: it keeps its text and is found."""
    lines = [
        f"REFERAT {FORUM} d. 04-03-2024",
        "",
        f"Punkt 1: {PUBLIC_TITLE}",
        "",
        "27.12.00-A00-5-24",
        "",
        "Sagsfremstilling",
        "",
        "Afdelingen har været lukket siden efteråret på grund af vandskade.",
        "",
        "Beslutning",
        "",
        PUBLIC_DECISION,
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def all_minutes() -> list[tuple[str, bytes, int, str]]:
    """(file name, bytes, form index, format) of every case."""
    out = [(f"form-{k}.txt", text_minutes(k), k, "text") for k in range(len(FORMS))]
    out += [(f"form-{k}.pdf", pdf_minutes(k), k, "pdf") for k in range(len(FORMS))]
    out += [(f"form-{k}.html", html_minutes(k), k, "html") for k in range(len(HTML_FORMS))]
    return out


def secrets(k: int, fmt: str) -> list[str]:
    """What of form k in `fmt` must never be stored or shown."""
    return [marker(k, fmt, part) for part in PARTS] + [case_number(k, fmt)]


def every_secret() -> list[str]:
    return [s for _, _, k, fmt in all_minutes() for s in secrets(k, fmt)]


def leaked(raw: bytes, words: list[str]) -> list[str]:
    """The words found in raw database bytes: each by its tail word[4:], which FTS5's prefix-compressed
    leaves store literally (markers share at most four leading characters); case numbers whole."""
    return [w for w in words if (w[4:] if w.startswith("zq") else w).encode() in raw]
