"""What an answer looks like in the text: a person's name, a date, an amount, a place.

Used when candidates are ranked (a who-question wants a passage with a name) and when quotes are chosen.
"""

from __future__ import annotations

import re

# A person's name: two or more capitalised words, the later ones not words that make an institution
# ("Albertslund Kommune", "Teknisk Udvalg").
_INSTITUTION = (
    r"(?:Kommunes?|Byråd\w*|Udvalg\w*|Region\w*|Skole\w*|Forvaltning\w*|Afdeling\w*|Rådhus\w*|Center\w*|Centret|"
    r"Kommunalbestyrelse\w*|Magistrat\w*|Direktion\w*|Chefforum|Havn\w*|Plan\w*|Gruppe\w*|Forening\w*|Råd\w*|"
    r"Bibliotek\w*|Hus\w*|Styrelse\w*|Fond\w*|Selskab\w*)\b"
)
_UPPER = "A-ZÆØÅÉÈÁÜÖÄ"
_LOWER = "a-zæøåéèáüöäí"
_WORD = rf"[{_UPPER}][{_LOWER}]+(?:[{_UPPER}][{_LOWER}]+)?"  # "FrivilligCenter" too
# "Marie Guldborg", "André Buchalska", "Hans-Jørgen Kirstein", "John T. Olsen", and first names joined:
# "Sidsel og Helene"
NAME = re.compile(rf"\b{_WORD}(?:(?:[ -]|\s+og\s+)(?:[{_UPPER}]\.\s+)?(?!{_INSTITUTION}){_WORD})+\b")
# A firm by its legal form: "Siemens A/S", "KLAR Forsyning A/S", "Lind & Risør A/S", "Rambøll Danmark ApS"
FIRM = re.compile(
    rf"\b[{_UPPER}][\w.-]*(?:\s+(?:&\s+)?[{_UPPER}][\w.-]*){{0,3}}\s+(?:A/S|ApS|I/S|P/S|K/S|IVS|a\.m\.b\.a\.)(?!\w)"
)
# who did something: a person or a firm
WHO = re.compile(rf"{NAME.pattern}|{FIRM.pattern}")
MONTH_NAMES = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip
_MONTH = rf"(?:{'|'.join(MONTH_NAMES)})"
DATE = re.compile(
    rf"\b\d{{1,2}}\.\s*{_MONTH}\b|\b{_MONTH}\s+\d{{4}}\b"
    r"|\b\d{1,2}[-./]\d{1,2}[-./]\d{2,4}\b|\buge\s+\d{1,2}\b|\b(?:primo|medio|ultimo|midt)\s+\w+",
    re.IGNORECASE,
)
# A time the minutes name less exactly ("i slutningen af 2026", "i løbet af maj"): what a quote may show for
# "hvornår", but too loose to rank items by (a haystack decoy that says "i løbet af …" beside "starter" then
# outranked dev-14's item at 100k)
PERIOD = re.compile(
    rf"{DATE.pattern}|\b(?:starten|slutningen|udgangen|begyndelsen|løbet)\s+af\s+(?:\d{{4}}|{_MONTH})", re.IGNORECASE
)
AMOUNT = re.compile(
    r"\b\d+(?:[.,]\d+)*\s*(?:mio\.?|mia\.?|kr\.?|%|procent|dage|timer|uger|måneder|årsværk|tons|kroner|meter|km|m2|m²)"
    r"|\b\d+,\d+\b"
    r"|\b(?:to|tre|fire|fem|seks|syv|otte|ni|ti|tolv)\s+(?:dage|uger|måneder|år)\b"  # "seks måneder"
    r"|\b\d{1,3}(?:\.\d{3})+\b"  # 300.000
    r"|\b(?!(?:19|20)\d\d\b)\d{2,}\s+[a-zæøå]{3,}"  # a count: "1149 høringssvar"
)
# money, for a question that asks a price, a cost, a grant ("code of care 2024-2028 pris"): not "fire år"
MONEY = re.compile(r"\b\d+(?:[.,]\d+)*\s*(?:mio\.?|mia\.?|kr\.?|kroner)(?!\w)|\b\d{1,3}(?:\.\d{3})+\b")
PLACE = re.compile(
    r"\b[A-ZÆØÅ][a-zæøå]*(?:vej|gade|plads|allé|alle|vænge|torv|park|stræde|bakke|høj)\s+\d+\b"
    r"|\b(?:placering(?:en)?|beliggende|ved|på)\s+[A-ZÆØÅ][a-zæøå]+",
)
# how often: "én gang årligt", "to gange om året", "hvert kvartal", "kvartalsvis", "hver 14. dag"
FREQUENCY = re.compile(
    r"\b(?:\w+\s+gange?\s+(?:om|pr\.?|per|hver|i)\s+\w+|\w*(?:årlig|månedlig|ugentlig|daglig)[te]?"
    r"|kvartalsvis|\w*årsvis|hver(?:t|e)?\s+(?:\d+\.\s+|andet\s+|tredje\s+|fjerde\s+)?(?:år|kvartal|halvår|måned|uge|dag|møde)\w*)\b",
    re.IGNORECASE,
)
# what each intent's answer looks like
ANSWER_PATTERNS = {"who": WHO, "when": DATE, "amount": AMOUNT, "where": PLACE}
