"""Recurring agenda topics of a Danish municipality, as templates for the synthetic haystack.

Each topic has title templates (near-duplicates by design: the same case returns with another stage),
sentences for Anledning / Sagsfremstilling, "at ..." clauses for Indstilling, decision sentences, attachment
titles and question templates. Slots in braces are filled by `bench.generate.Slots`. The topics follow the
kinds of items the real minutes hold (sick leave, budget, IT, access control, networks, recruitment ...),
so the real items and their questions meet competition of the same kind; no sentence is taken from them.
"""

from __future__ import annotations

from dataclasses import dataclass

# Forum groups: which bodies treat which topics.
FORA: dict[str, tuple[str, ...]] = {
    "admin": (
        "Chefforum",
        "Direktionen",
        "Hoved-MED",
        "Tværgående chefgruppe",
        "IT-styregruppen",
        "Kommunikationsgruppen",
    ),
    "politics": ("Byrådet", "Økonomiudvalget"),
    "tech": (
        "Teknik- og Miljøudvalget",
        "Klima- og Miljøudvalget",
        "Plan- og Boligudvalget",
        "Trafiksikkerhedsrådet",
        "Grønt Råd",
    ),
    "child": ("Børne- og Skoleudvalget", "Børne- og Ungeudvalget", "Fælles-MED Skole", "Ungdomsskolebestyrelsen"),
    "social": ("Social- og Sundhedsudvalget", "Ældrerådet", "Handicaprådet", "Sundhedsudvalget", "Seniorrådet"),
    "culture": ("Kultur- og Fritidsudvalget", "Folkeoplysningsudvalget"),
    "work": ("Beskæftigelsesudvalget", "Erhvervsudvalget", "Integrationsrådet"),
    "safety": ("Beredskabskommissionen",),
}
# Meetings a year (the rest meet ten times: monthly but July and one more).
MEETINGS_A_YEAR = {"Chefforum": 20, "Direktionen": 22, "Hoved-MED": 5, "Byrådet": 11, "Ældrerådet": 6,
                   "Handicaprådet": 5, "Seniorrådet": 4, "Grønt Råd": 4, "Beredskabskommissionen": 4}  # fmt: skip
PREFIX = {"Chefforum": "CF - ", "Tværgående chefgruppe": "TCG - ", "Direktionen": "DIR - ", "IT-styregruppen": "ITS - "}

MUNICIPALITIES = ("Vesterå", "Ravnsholt", "Søndermark", "Hedeby", "Nørrekær", "Bakkely", "Fjordby", "Skovlund",
                  "Stenhøj", "Møllerup", "Klintholm", "Rosendal", "Lindby", "Højmark", "Strandby", "Kærgård")  # fmt: skip
FIRST = ("Anne", "Peter", "Mette", "Søren", "Jette", "Lars", "Hanne", "Jens", "Kirsten", "Morten", "Louise", "Henrik",
         "Camilla", "Rasmus", "Sofie", "Thomas", "Lene", "Mikkel", "Birgitte", "Kasper", "Trine", "Niels", "Pia",
         "Anders", "Malene", "Jakob", "Susanne", "Christian", "Helle", "Martin", "Dorthe", "Ole", "Tina", "Bo", "Karina",
         "Frederik", "Ida", "Simon", "Marianne", "Jesper", "Rikke", "Michael", "Gitte", "Nikolaj", "Charlotte", "Ulla")  # fmt: skip
LAST = ("Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen",
        "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen", "Johansen", "Møller", "Mortensen",
        "Holm", "Bech", "Dalsgaard", "Kjærsgaard", "Toft", "Vinther", "Lund", "Thygesen", "Holmgaard", "Bak", "Krag",
        "Skov", "Friis", "Lauridsen", "Bang", "Hald", "Kirkegaard", "Brandt", "Juhl", "Lindberg", "Steffensen")  # fmt: skip
DEPTS = ("Økonomi & HR", "Skole & Dagtilbud", "Sundhed & Omsorg", "Børn & Familie", "Vej, Park & Ejendomme", "IT",
         "Borgerservice", "Byggesag", "Plan & Miljø", "Kultur & Fritid", "Jobcenter", "Social & Handicap", "Stab",
         "Kommunikation", "Digitalisering", "Beredskab")  # fmt: skip
PLACES = ("Rådhuset", "Jobcentret", "Materielgården", "Kulturhuset", "Biblioteket", "Sundhedshuset", "Borgerservice",
          "Tandplejen", "Ungdomsskolen", "Genbrugspladsen", "Plejecenter Solbakken", "Plejecenter Egely",
          "Vestskolen", "Søndre Skole", "Idrætscentret", "Musikskolen", "Vandværket", "Brandstationen")  # fmt: skip
STREETS = ("Lindevej", "Ahornvej", "Banegårdsvej", "Møllevej", "Strandvejen", "Bygaden", "Industrivej", "Parkvej",
           "Engvej", "Søndergade", "Nørregade", "Vestervang", "Østerled", "Skovbrynet", "Toftevej", "Hovedgaden")  # fmt: skip
SYSTEMS = ("journalsystemet", "økonomisystemet", "lønsystemet", "intranettet", "vagtplanssystemet", "omsorgssystemet",
           "bookingsystemet", "borgerportalen", "Aula", "Office 365", "telefoniplatformen", "sagsbehandlingssystemet")  # fmt: skip
AREAS = ("dagtilbudsområdet", "ældreområdet", "skoleområdet", "handicapområdet", "beskæftigelsesområdet",
         "det administrative område", "vej- og parkområdet", "det specialiserede børneområde")  # fmt: skip


@dataclass(frozen=True)
class Topic:
    key: str
    kle: str  # KLE group and facet, e.g. "81.28.00-P05"
    groups: tuple[str, ...]
    titles: tuple[str, ...]
    stages: tuple[str, ...]  # suffixes that turn a title into a near-duplicate at a later stage of the case
    background: tuple[str, ...]
    facts: tuple[str, ...]
    proposals: tuple[str, ...]
    decisions: tuple[str, ...]
    attachments: tuple[str, ...]
    asks: tuple[str, ...]


def _t(key, kle, groups, titles, stages, background, facts, proposals, decisions, attachments, asks) -> Topic:
    return Topic(key, kle, tuple(groups.split()), *(tuple(x) for x in (titles, stages, background, facts, proposals,
                                                                          decisions, attachments, asks)))  # fmt: skip


GENERIC_FACTS = (
    "Sagen har været drøftet med {dept}, som peger på behovet for {w} og {w}.",
    "Administrationen vurderer, at {w} kan håndteres inden for den eksisterende ramme.",
    "Der er i den forbindelse lagt særlig vægt på {w} og på {w}.",
    "Det forventes, at arbejdet med {w} afsluttes i {month} {myear}.",
    "Erfaringerne fra nabokommunerne viser, at {w} kræver en tæt opfølgning.",
    "Arbejdsgruppen har holdt {n} møder og inddraget {dept} og {dept2}.",
    "Forslaget er udarbejdet i samarbejde med {dept} og bygger på {w}.",
    "Der udestår fortsat en afklaring af {w}, som forventes at ligge klar inden {date}.",
    "{name} orienterer på mødet om den seneste udvikling og om {w}.",
    "Det bemærkes, at {w} ikke tidligere har været behandlet i {forum}.",
    "Administrationen anbefaler, at {w} indgår i den videre planlægning.",
    "Tidsplanen er fastlagt, så {w} kan indgå i budgetlægningen for {next_year}.",
    "Høringssvarene peger især på {w} og {w}, som er indarbejdet i materialet.",
    "Udgiften til {w} er opgjort til {amount}.",
)
GENERIC_DECISIONS = (
    "{forum} godkendte indstillingen.",
    "Godkendt.",
    "{forum} tog orienteringen til efterretning.",
    "Udsat til næste møde.",
    "{forum} godkendte indstillingen med den bemærkning, at {w} skal belyses nærmere.",
    "Tiltrådt. {name} følger op til mødet i {month}.",
    "{forum} drøftede sagen og bad administrationen om at vende tilbage med {w}.",
)
GENERIC_ASKS = ("hvad blev besluttet om {subject}", "Hvad besluttede {forum} om {subject}?", "{subject}",
                "status på {subject}", "hvad skete der med {subject} i {year}")  # fmt: skip

TOPICS: tuple[Topic, ...] = (
    _t(
        "sickleave",
        "81.28.00-P05",
        "admin politics",
        [
            "Sygefravær {q}. kvartal {qyear}",
            "Orientering om sygefravær {q}. kvartal {qyear}",
            "Sygefraværsstatistik {q}. kvartal {qyear}",
        ],
        ["", " - opfølgning"],
        [
            "{forum} får hvert kvartal en orientering om sygefraværet i {muni} Kommune. Denne gang gælder det {q}. kvartal {qyear}."
        ],
        [
            "Sygefraværet var i {q}. kvartal {qyear} på {pct} % for hele organisationen mod {pct2} % i samme kvartal året før.",
            "Fraværet er højest på {area}, hvor det ligger på {pct3} %.",
            "Langtidsfraværet udgør {n}0 % af det samlede fravær, og HR har holdt {n} sygefraværssamtaler i kvartalet.",
            "Målsætningen er et sygefravær på under {pct2} % ved udgangen af {next_year}.",
        ],
        [
            "at {forum} tager sygefraværsstatistikken for {q}. kvartal {qyear} til efterretning",
            "at der igangsættes en målrettet indsats på {area}",
        ],
        [
            "{forum} tog sygefraværsstatistikken for {q}. kvartal {qyear} til efterretning.",
            "{forum} besluttede en målrettet indsats på {area}, som {name} er ansvarlig for.",
        ],
        ["Kvartalsstatistik sygefravær {q}. kvartal {qyear}", "Notat om fraværsindsats"],
        [
            "Hvad var sygefraværet i {q}. kvartal {qyear}?",
            "sygefravær {area} {qyear}",
            "hvor højt var sygefravaeret i {qyear}",
        ],
    ),
    _t(
        "budget",
        "00.30.00-Ø00",
        "admin politics tech child social culture work safety",
        [
            "Budgetopfølgning pr. 30. {bmonth} {year}",
            "Budget {next_year}-{plus4}: {budgetstep}",
            "Status på budgetaftalen for {year}",
            "Økonomirapport nr. {n} pr. 30. {bmonth}",
        ],
        ["", " - 2. behandling", " - tillægsbevilling"],
        [
            "Budgetopfølgningen viser forventet forbrug pr. 30. {bmonth} {year} på serviceudgifterne.",
            "Byrådets partier har indgået budgetaftale for {next_year}-{plus4}, og aftalen skal udmøntes.",
        ],
        [
            "Der forventes et samlet merforbrug på {amount}, især på {area}.",
            "Effektiviseringskravet udgør {pct} % af serviceudgifterne svarende til {amount} årligt.",
            "{dept} forventer et mindreforbrug på {amount2}, som søges overført til {next_year}.",
            "Kassebeholdningen forventes at udgøre {amount} ved årets udgang.",
        ],
        [
            "at budgetopfølgningen tages til efterretning",
            "at der gives en tillægsbevilling på {amount2} til {area}",
            "at fordelingen af effektiviseringskravet godkendes",
        ],
        [
            "{forum} tog budgetopfølgningen til efterretning.",
            "{forum} godkendte en tillægsbevilling på {amount2} til {area}.",
            "Fordelingen af effektiviseringskravet blev godkendt, dog sådan at {dept} bærer {amount2}.",
        ],
        ["Budgetopfølgning {year}", "Fordelingsnøgle effektiviseringskrav {next_year}"],
        [
            "hvor stort er merforbruget på {area} i {year}",
            "Hvad blev besluttet om budget {next_year}?",
            "effektiviseringskrav {next_year}",
        ],
    ),
    _t(
        "esdh",
        "85.02.00-G01",
        "admin",
        [
            "Valg af leverandør til {system}",
            "Status på implementering af {system}",
            "Oprydning i {system} før arkivering",
            "Arkivering af data fra {system}",
        ],
        ["", " - status", " - ny tidsplan"],
        [
            "Kontrakten på det nuværende {system} udløber den {date}.",
            "{system} skal ryddes op, før data afleveres til arkivet.",
        ],
        [
            "IT har gennemført et miniudbud, og der er kommet {n} tilbud.",
            "Go-live for {system} er planlagt til {date}, og hver afdeling stiller med {n} superbrugere.",
            "Der er {n}00 åbne sager i {system}, som skal lukkes eller journaliseres inden {date}.",
            "Den samlede implementeringsudgift er opgjort til {amount}.",
        ],
        [
            "at valget af løsning godkendes",
            "at tidsplanen med go-live den {date} godkendes",
            "at åbne sager lukkes inden {date}",
        ],
        [
            "{forum} godkendte valget af løsning og tidsplanen med go-live den {date}.",
            "Afdelingerne melder navne på superbrugere til {name} senest den {date}.",
            "{forum} besluttede, at åbne sager i {system} lukkes samlet den {date}.",
        ],
        ["Evalueringsnotat miniudbud", "Tidsplan implementering", "Vejledning til oprydning"],
        ["hvornår går {system} i drift", "Hvem er ansvarlig for {system}?", "oprydning i {system}"],
    ),
    _t(
        "access",
        "00.01.10-G01",
        "admin politics tech",
        ["Ny adgangskontrol på {place}", "Adgangskontrol og nøglekort på {place}", "Sikring af {place}"],
        ["", " - valg af løsning", " - evaluering"],
        ["Den nuværende adgangskontrol på {place} er forældet og kan ikke længere vedligeholdes."],
        [
            "Det nye system koster {amount} og kan bruges med {badge} eller app på telefonen.",
            "Vagten har registreret {n} tilfælde af uvedkommende adgang til {place} i det seneste år.",
            "Medarbejderne skal fremover bære synligt {badge} i bygningen.",
        ],
        ["at der indføres ny adgangskontrol på {place}", "at der benyttes {badge}"],
        [
            "{forum} besluttede, at der benyttes {badge} i forbindelse med den nye adgangskontrol på {place}.",
            "Adgangskontrollen på {place} udskiftes i {month} {myear}; {name} koordinerer.",
        ],
        ["Tilbud på adgangskontrol", "Sikringsplan {place}"],
        ["Hvad blev besluttet om adgangskontrol på {place}?", "adgangskontrol {place}", "adgangskort eller brik"],
    ),
    _t(
        "network",
        "00.16.00-A26",
        "admin",
        ["Opstart af netværk om {theme}", "Status på netværk om {theme}", "Valg af nye temaer for netværkene {year}"],
        ["", " - evaluering", " - beslutning om temaer"],
        ["To gange årligt igangsætter {forum} tværgående netværk. Temaet er denne gang {theme}."],
        [
            "Netværket har samlet {n} ledere fra {dept} og {dept2}.",
            "Læringen fra netværket om {theme} samles i en rapport til {forum}.",
            "Forslag til nye temaer sendes til {name} senest den {date}.",
        ],
        ["at netværket om {theme} igangsættes", "at status tages til efterretning"],
        [
            "{forum} besluttede at igangsætte netværket om {theme} med {name} som referenceleder.",
            "{forum} tog status på netværket om {theme} til efterretning.",
        ],
        ["Temaskabelon", "Overblik over netværk {year}"],
        ["Hvad blev besluttet om netværket om {theme}?", "netvaerk om {theme}"],
    ),
    _t(
        "recruit",
        "81.07.02-A00",
        "admin social child work",
        [
            "Rekruttering af {profession}",
            "Rekrutteringsindsats for {profession} {year}",
            "Fastholdelse og rekruttering af {profession}",
        ],
        ["", " - status"],
        ["{muni} Kommune har svært ved at besætte stillinger som {profession}."],
        [
            "I {year} blev {pct3} % af stillingerne genopslået.",
            "Der er i gennemsnit {n} ubesatte stillinger på {area}.",
            "Indsatsen omfatter en kampagne, en bonusordning på {amount2} og flere elevpladser.",
        ],
        ["at rekrutteringsindsatsen for {profession} godkendes"],
        [
            "{forum} godkendte rekrutteringsindsatsen for {profession}, som {name} står for.",
            "Indsatsen evalueres i {month} {next_year}.",
        ],
        ["Oplæg til rekrutteringsindsats"],
        ["rekruttering af {profession}", "Hvem står for rekrutteringen af {profession}?"],
    ),
    _t(
        "wellbeing",
        "81.18.00-A00",
        "admin",
        ["Trivselsmåling {year}", "Resultater af trivselsmålingen {year}", "Arbejdspladsvurdering (APV) {next_year}"],
        ["", " - tidsplan", " - opfølgning"],
        ["Trivselsmålingen gennemføres hvert andet år i hele organisationen."],
        [
            "Svarprocenten var {pct3} %, og den samlede trivsel ligger på {n},{n} på en skala fra 1 til 10.",
            "Målingen gennemføres i {month} {next_year} med et nyt spørgeskema.",
            "Lederne følger op med handleplaner inden {date}.",
        ],
        ["at tidsplanen for målingen godkendes", "at der bindes aftale med leverandøren frem til {plus4}"],
        [
            "{forum} godkendte tidsplanen for trivselsmålingen i {next_year}.",
            "{forum} besluttede at binde aftalen frem til {plus4}.",
        ],
        ["Resultater trivselsmåling", "Tidsplan APV"],
        ["Hvornår er næste trivselsmåling?", "Hvad blev besluttet om APV i {year}?"],
    ),
    _t(
        "dutyplan",
        "00.01.00-A00",
        "admin",
        ["Vagtplan {forum}, {season} {year}", "Bagvagt og vagtplan {season} {year}", "Vagtplan i ferieperioden {year}"],
        [""],
        ["Der skal aftales en vagtplan for {season}, så der altid er en chef på bagvagt."],
        [
            "Planen dækker ugerne {week} til {week2}.",
            "{name} har bagvagten i uge {week}, og {name2} tager uge {week2}.",
        ],
        ["at vagtplanen godkendes"],
        ["Vagtplanen blev godkendt. {name} tager bagvagten i uge {week}, og {name2} har uge {week2}."],
        ["Vagtplan {season} {year}"],
        ["Hvem tager bagvagten i uge {week}?", "hvem har bagvagt i uge {week2} {year}"],
    ),
    _t(
        "continuity",
        "15.00.00-A00",
        "admin safety politics",
        ["Beredskabsplan {year}", "Kriseberedskab i {dept}", "Revision af den generelle beredskabsplan"],
        ["", " - delplaner", " - status"],
        ["Kommunen skal have en opdateret beredskabsplan for større hændelser."],
        [
            "Hver afdeling udarbejder en delplan, og deadline for delplanerne er {date}.",
            "Planen er afprøvet ved en øvelse med {n} deltagere.",
            "{dept} koordinerer arbejdet med delplanerne.",
        ],
        ["at beredskabsplanen godkendes", "at afdelingerne udarbejder delplaner inden {date}"],
        [
            "{forum} godkendte planen; delplanerne afleveres til {name} senest {date}.",
            "Øvelsen gentages i {month} {next_year}.",
        ],
        ["Beredskabsplan", "Skabelon til delplaner"],
        ["Hvornår er deadline for delplanerne?", "beredskabsplan {year}"],
    ),
    _t(
        "director",
        "81.03.00-G01",
        "admin politics",
        ["Ansættelse af ny direktør for {dept}", "Ny chef for {dept}", "Konstitution i stillingen som chef for {dept}"],
        [""],
        ["Stillingen som chef for {dept} har været slået op, og ansættelsesudvalget har afsluttet forløbet."],
        [
            "Der var {n}0 ansøgere til stillingen.",
            "{name} tiltræder den {date} og kommer fra en stilling i en nabokommune.",
        ],
        ["at orienteringen tages til efterretning"],
        ["{forum} tog til efterretning, at {name} er ansat som chef for {dept} fra den {date}."],
        ["Stillingsopslag"],
        ["Hvem er ansat som ny chef for {dept}?", "ny direktør for {dept}"],
    ),
    _t(
        "strategy",
        "17.00.00-P15",
        "admin politics child social tech culture work",
        ["{strategy} for {area}", "Udkast til {strategy}", "Høring om {strategy} {year}-{plus4}"],
        ["", " - godkendelse", " - høringssvar"],
        ["Byrådet har bedt om en {strategy}, der skal gælde fra {next_year}."],
        [
            "Strategien har fire spor og er udarbejdet sammen med {dept}.",
            "Der er modtaget {n} høringssvar, især om {w}.",
            "Strategien indeholder mål for {area} frem mod {plus4}.",
        ],
        ["at udkastet til {strategy} sendes i høring", "at {strategy} godkendes"],
        [
            "{forum} godkendte, at udkastet til {strategy} sendes i høring til den {date}.",
            "{strategy} blev godkendt med de foreslåede ændringer.",
        ],
        ["Udkast til strategi", "Høringsnotat"],
        ["{strategy}", "Hvad blev besluttet om {strategy} for {area}?"],
    ),
    _t(
        "comms",
        "00.07.00-A00",
        "admin",
        ["Udpegning af medlemmer til {group}", "Kommissorium for {group}", "Status fra {group}"],
        [""],
        ["{group} skal have nye medlemmer fra afdelingerne."],
        [
            "Hver afdeling udpeger et medlem, og navnene meldes ind til {name} senest den {date}.",
            "Gruppen mødes {n} gange årligt.",
        ],
        ["at afdelingerne udpeger medlemmer til {group}"],
        ["{forum} besluttede, at medlemmer til {group} meldes ind senest den {date}."],
        ["Kommissorium"],
        ["Hvornår skal medlemmer til {group} meldes ind?"],
    ),
    _t(
        "covid",
        "29.30.00-G01",
        "admin politics social child",
        ["Status på {epidemic}", "Retningslinjer for medarbejdere under {epidemic}", "Genåbning efter {epidemic}"],
        ["", " - nye retningslinjer"],
        ["Myndighederne har ændret retningslinjerne om {epidemic}."],
        [
            "Medarbejdere skal fremvise {pass} ved arbejde på {area}.",
            "Smittetallet i kommunen er {n}0 pr. 100.000 indbyggere.",
            "Der er indført hjemmearbejde for {pct3} % af medarbejderne på {place}.",
        ],
        ["at retningslinjerne godkendes"],
        [
            "{forum} godkendte retningslinjerne; krav om {pass} gælder fra den {date}.",
            "{forum} tog status på {epidemic} til efterretning.",
        ],
        ["Retningslinjer"],
        ["{pass} for medarbejdere", "status på {epidemic}"],
    ),
    _t(
        "advisor",
        "00.01.00-G01",
        "admin politics social",
        ["Ny {role}", "Arbejdsgange for {role}", "Årsberetning fra {role}"],
        [""],
        ["Byrådet har besluttet at ansætte en {role}."],
        [
            "{name} starter som {role} den {date}.",
            "Henvendelser til {role} journaliseres i {system}.",
            "Der kom {n}0 henvendelser i {year}.",
        ],
        ["at arbejdsgangene for {role} godkendes"],
        ["{forum} godkendte arbejdsgangene. {name} starter som {role} den {date}."],
        ["Arbejdsgangsbeskrivelse"],
        ["hvornår starter den nye {role}", "Hvem er {role}?"],
    ),
    _t(
        "policy",
        "81.00.00-A00",
        "admin politics",
        ["{policy}", "Revision af {policy}", "Nye anbefalinger om {policy}"],
        ["", " - drøftelse"],
        ["{policy} skal revideres, og KL har udsendt nye anbefalinger."],
        ["Udkastet lægger vægt på {w}, produktivitet og {w}.", "Hoved-MED behandler udkastet den {date}."],
        ["at udkastet til {policy} drøftes", "at {policy} sendes til Hoved-MED"],
        [
            "{forum} drøftede {policy} og sender udkastet til Hoved-MED.",
            "{policy} blev godkendt og træder i kraft den {date}.",
        ],
        ["Udkast til politik"],
        ["{policy}", "hvad blev besluttet om {policy}"],
    ),
    _t(
        "daycare",
        "28.03.00-G01",
        "child politics",
        ["Ny daginstitution i {district}", "Kapacitet i dagtilbud i {district}", "Lukkedage i dagtilbud {year}"],
        ["", " - anlægsbevilling", " - placering"],
        ["Der er behov for flere pladser i dagtilbud i {district}."],
        [
            "Institutionen får plads til {n}0 børn og placeres ved {street}.",
            "Anlægsudgiften er anslået til {amount}.",
            "Lukkedagene ligger i uge {week} og {week2}.",
        ],
        ["at placeringen ved {street} godkendes", "at der gives anlægsbevilling på {amount}"],
        [
            "{forum} godkendte placeringen ved {street} og en anlægsbevilling på {amount}.",
            "Sommerlukningen blev fastlagt til uge {week}.",
        ],
        ["Byggeprogram", "Kapacitetsprognose"],
        ["Hvor skal den nye daginstitution i {district} ligge?", "anlægsbevilling daginstitution {district}"],
    ),
    _t(
        "school",
        "17.01.00-G01",
        "child politics",
        [
            "{schooltopic} i skoleåret {year}/{yy1}",
            "Retningslinjer for {schooltopic} i folkeskolerne",
            "Evaluering af {schooltopic}",
        ],
        ["", " - høring"],
        ["Børne- og Skoleudvalget har bedt om en sag om {schooltopic}."],
        [
            "Fraværet er på {pct} % i gennemsnit og højest på {school}.",
            "Skolebestyrelserne har afgivet {n} høringssvar.",
            "Ordningen træder i kraft fra {date}.",
        ],
        ["at retningslinjerne for {schooltopic} godkendes"],
        [
            "{forum} godkendte retningslinjerne for {schooltopic} med virkning fra {date}.",
            "{forum} tog evalueringen til efterretning.",
        ],
        ["Notat", "Høringssvar"],
        ["Hvad blev besluttet om {schooltopic}?", "{schooltopic} {school}"],
    ),
    _t(
        "roads",
        "05.01.00-P20",
        "tech politics",
        [
            "Renovering af {street}, etape {n}",
            "Trafiksikkerhed på {street}",
            "Asfaltprogram {year}",
            "Vintertjeneste {year}/{yy1}",
        ],
        ["", " - udbud", " - status"],
        ["Borgerne på {street} har klaget over trafikken og vejens stand."],
        [
            "Der er målt en gennemsnitshastighed på {n}5 km/t på {street}.",
            "Arbejdet udføres fra {month} {myear} og koster {amount}.",
            "Der udlægges {n}0 km ny asfalt i {year}.",
        ],
        ["at projektet på {street} igangsættes", "at asfaltprogrammet godkendes"],
        [
            "{forum} godkendte projektet på {street}; arbejdet starter {date}.",
            "Asfaltprogrammet for {year} blev godkendt.",
        ],
        ["Projektforslag", "Trafiktælling {street}"],
        ["hvornår renoveres {street}", "trafiksikkerhed {street}", "Hvad koster renoveringen af {street}?"],
    ),
    _t(
        "waste",
        "07.00.00-G01",
        "tech politics admin",
        [
            "Affaldssortering på {place}",
            "Ny ordning for indsamling af affald",
            "Flytning af containerpladsen ved {street}",
        ],
        ["", " - resultat", " - nye gebyrer"],
        ["Kommunen skal sortere affald i {n} fraktioner."],
        [
            "Sorteringsgraden er steget til {pct3} %.",
            "Det nye gebyr er {amount2} pr. husstand om året.",
            "Containerpladsen ved {street} flyttes den {date}.",
        ],
        ["at udbudsstrategien godkendes", "at gebyrerne for {next_year} godkendes"],
        ["{forum} godkendte udbudsstrategien og de nye gebyrer.", "Containerpladsen ved {street} flyttes den {date}."],
        ["Udbudsstrategi", "Gebyrberegning"],
        ["affaldssortering {place}", "Hvad bliver gebyret for affald i {next_year}?"],
    ),
    _t(
        "climate",
        "13.00.00-P15",
        "tech politics safety",
        ["Regnvandsplan for {district}", "Klimaplan {year}-{plus4}", "Status på klimatilpasning i {district}"],
        ["", " - høring", " - status"],
        ["{district} er udsat for oversvømmelse ved skybrud."],
        [
            "Projektet koster {amount} og finansieres delvist af forsyningen.",
            "CO2-udledningen skal reduceres med {pct3} % frem mod {plus4}.",
        ],
        ["at regnvandsplanen sendes i høring", "at klimaplanen godkendes"],
        ["{forum} godkendte, at regnvandsplanen for {district} sendes i høring.", "Klimaplanen blev godkendt."],
        ["Regnvandsplan", "Klimaregnskab"],
        ["regnvandsplan {district}", "Hvad blev besluttet om klimaplanen?"],
    ),
    _t(
        "elderly",
        "27.00.00-A00",
        "social politics",
        ["Kvalitetsstandard for {care} {year}", "Tilsyn på {place}", "Visitation til {care}"],
        ["", " - revision"],
        ["Kvalitetsstandarden for {care} skal revideres hvert år."],
        ["Tilsynet på {place} fandt {n} mindre fejl i medicinhåndteringen.", "Ventetiden til {care} er {n} uger."],
        ["at kvalitetsstandarden godkendes"],
        [
            "{forum} godkendte kvalitetsstandarden for {care}.",
            "{forum} tog tilsynsrapporten fra {place} til efterretning.",
        ],
        ["Kvalitetsstandard", "Tilsynsrapport"],
        ["tilsyn {place}", "Hvor lang er ventetiden til {care}?"],
    ),
    _t(
        "culture",
        "18.00.00-G01",
        "culture politics",
        ["Tilskud til {association} {year}", "Lokalefordeling i {place}", "Renovering af {place}"],
        ["", " - ansøgning"],
        ["{association} har søgt om tilskud til aktiviteter i {year}."],
        [
            "Der er søgt om {amount2}, og puljen har {amount} til rådighed.",
            "Lokalerne i {place} fordeles mellem {n}0 foreninger.",
        ],
        ["at der bevilges {amount2} til {association}"],
        ["{forum} bevilgede {amount2} til {association}.", "Lokalefordelingen i {place} blev godkendt."],
        ["Ansøgning"],
        ["Hvor meget fik {association} i tilskud?", "lokaler {place}"],
    ),
    _t(
        "jobs",
        "15.20.00-P20",
        "work politics",
        [
            "Beskæftigelsesplan {next_year}",
            "Ledighed og jobcentrets resultater {year}",
            "Virksomhedsservice og rekruttering",
        ],
        ["", " - status"],
        ["Beskæftigelsesplanen fastlægger målene for jobcentret."],
        ["Ledigheden var {pct} % i {month} {myear}.", "Jobcentret har haft {n}00 virksomhedskontakter."],
        ["at beskæftigelsesplanen godkendes"],
        ["{forum} godkendte beskæftigelsesplanen for {next_year}.", "{forum} tog resultaterne til efterretning."],
        ["Beskæftigelsesplan"],
        ["ledighed {year}", "Hvad var ledigheden i {month} {myear}?"],
    ),
    _t(
        "cyber",
        "85.00.00-G01",
        "admin",
        ["Cybersikkerhed: {cybertopic}", "Informationssikkerhed og {cybertopic}", "Status på {cybertopic}"],
        ["", " - implementering"],
        ["Kommunen skal leve op til kravene i informationssikkerhedsstandarden."],
        [
            "Alle medarbejdere skal gennemføre {cybertopic} inden {date}.",
            "Der er registreret {n} sikkerhedshændelser i {year}.",
        ],
        ["at {cybertopic} gøres obligatorisk"],
        [
            "{forum} besluttede, at {cybertopic} er obligatorisk med frist {date}.",
            "{name} følger op på gennemførelsen.",
        ],
        ["Sikkerhedsrapport"],
        ["Hvornår er fristen for {cybertopic}?", "cybersikkerhed {year}"],
    ),
    _t(
        "hybrid",
        "81.00.00-A00",
        "admin",
        ["Politik for hjemmearbejde", "Retningslinjer for fleksibelt arbejde", "Evaluering af hjemmearbejdsordningen"],
        ["", " - drøftelse"],
        ["Der er behov for fælles retningslinjer for hjemmearbejde."],
        [
            "Medarbejdere kan arbejde hjemme op til {n} dage om ugen.",
            "{pct3} % af medarbejderne ønsker mere fleksibilitet.",
        ],
        ["at retningslinjerne godkendes"],
        ["{forum} godkendte, at der kan arbejdes hjemme op til {n} dage om ugen.", "Ordningen evalueres den {date}."],
        ["Retningslinjer"],
        ["hvor mange dage må man arbejde hjemme", "politik for hjemmearbejde"],
    ),
)
TOPICS += (
    _t(
        "procurement",
        "02.00.00-G01",
        "admin politics tech child social culture work safety",
        ["Udbud af {procurement}", "Fælleskommunalt udbud af {procurement}", "Kontrakt om {procurement}"],
        ["", " - udbudsstrategi", " - resultat"],
        ["Kontrakten om {procurement} udløber den {date} og skal i udbud."],
        [
            "Der er indkommet {n} tilbud, og det vindende tilbud er {pct3} % billigere end i dag.",
            "Udbuddet gennemføres sammen med {n} nabokommuner.",
            "Den årlige kontraktsum er {amount}.",
        ],
        [
            "at udbudsstrategien for {procurement} godkendes",
            "at kontrakten tildeles det økonomisk mest fordelagtige tilbud",
        ],
        ["{forum} godkendte udbudsstrategien for {procurement}.", "Kontrakten om {procurement} starter den {date}."],
        ["Udbudsstrategi", "Evalueringsnotat"],
        ["udbud af {procurement}", "Hvornår starter den nye kontrakt om {procurement}?"],
    ),
    _t(
        "integration",
        "27.15.00-G01",
        "work social politics",
        ["Integrationsindsats for {target}", "Status på {target} i job og uddannelse", "Handleplan for {target}"],
        ["", " - status"],
        ["Der er behov for en styrket indsats for {target}."],
        ["{pct3} % af {target} er i job eller uddannelse efter et år.", "Indsatsen koster {amount} over {n} år."],
        ["at handleplanen for {target} godkendes"],
        ["{forum} godkendte handleplanen for {target}.", "{name} afrapporterer til udvalget i {month} {next_year}."],
        ["Handleplan"],
        ["hvor mange {target} er i job", "handleplan for {target}"],
    ),
    _t(
        "facilities",
        "20.00.00-G01",
        "culture tech politics child",
        ["Renovering af {facility}", "Driftsaftale for {facility}", "Åbningstider i {facility}"],
        ["", " - anlægsbevilling", " - status"],
        ["{facility} trænger til renovering, og brugerne har ønsket længere åbningstid."],
        [
            "Renoveringen koster {amount} og udføres fra {month} {myear}.",
            "Der er {n}00 besøgende om ugen i {facility}.",
        ],
        ["at der gives anlægsbevilling på {amount} til {facility}"],
        [
            "{forum} bevilgede {amount} til renovering af {facility}.",
            "Åbningstiden i {facility} udvides fra den {date}.",
        ],
        ["Tilstandsrapport"],
        ["renovering af {facility}", "Hvad koster renoveringen af {facility}?"],
    ),
)
PROCUREMENT = ("vejbelysning", "skolebuskørsel", "vintertjeneste", "kontorartikler", "fødevarer til plejecentre",
               "IT-udstyr", "tolkeydelser", "vinduespudsning", "flextrafik")  # fmt: skip
TARGETS = ("flygtninge", "unge ledige", "nytilkomne familier", "kvinder uden for arbejdsmarkedet", "seniorer på kanten")
FACILITIES = ("Idrætscentret", "Kulturhuset", "Biblioteket", "Musikskolen", "Rideskolen", "Medborgerhuset",
              "Sportshallen", "Spejderhytten")  # fmt: skip
TOPICS += (
    # The long tail: most agenda items are about something that comes up once or twice.
    _t(
        "misc",
        "00.00.00-A00",
        "admin politics tech child social culture work safety",
        [
            "Orientering om {noun} i {dept}",
            "Status på {noun} og {noun2}",
            "Drøftelse af {noun} på {area}",
            "{Noun} i {district}",
            "Ny model for {noun} på {place}",
            "Principper for {noun} og {noun2}",
        ],
        ["", " - opfølgning"],
        ["{dept} har bedt om en drøftelse af {noun} og {noun2}."],
        [
            "Administrationen har undersøgt mulighederne for {noun} og anbefaler {w}.",
            "Der er afsat {amount} til arbejdet med {noun2} i {year}.",
        ],
        ["at orienteringen om {noun} tages til efterretning", "at modellen for {noun} godkendes"],
        [
            "{forum} tog orienteringen om {noun} til efterretning.",
            "{forum} godkendte modellen for {noun} med virkning fra {date}.",
        ],
        ["Notat om {noun}"],
        ["{noun} {dept}", "hvad blev besluttet om {noun} og {noun2}"],
    ),
)
# Periodic business weighs more; the long tail most.
TOPIC_WEIGHT = {"sickleave": 2, "budget": 4, "roads": 3, "daycare": 2, "school": 2, "misc": 12}
# Topics that belong to a period (an epidemic, a law): (first year, last year).
TOPIC_YEARS = {"covid": (2020, 2022)}
BADGES = ("brik", "nøglekort", "adgangskort", "personligt ID-kort", "chipkort")
THEMES = ("udsatte borgere", "unge uden uddannelse", "familier på kanten", "sundhed på tværs", "digital velfærd",
          "misbrug", "sygedagpenge", "borgerinddragelse", "grøn omstilling", "ensomhed blandt ældre")  # fmt: skip
PROFESSIONS = ("dagplejere", "fysioterapeuter", "sygeplejersker", "lærere", "ingeniører", "socialrådgivere",
               "tandlæger", "jurister")  # fmt: skip
STRATEGIES = ("Digitaliseringsstrategi", "Sundhedsstrategi", "Boligstrategi", "Erhvervsstrategi",
              "Ledelsesgrundlag", "Kommunikationsstrategi", "Fastholdelsesstrategi")  # fmt: skip
GROUPS = ("Redaktionsgruppen for intranettet", "Styregruppen for digitalisering", "Arbejdsgruppen for arbejdsmiljø",
          "Følgegruppen for byudvikling", "Projektgruppen for velfærdsteknologi", "Koordinationsgruppen for beredskab")  # fmt: skip
EPIDEMICS = ("covid-19", "influenzaepidemien", "coronaepidemien")
PASSES = ("negativ test", "vaccinationsbevis", "mundbind")
ROLES = ("whistleblowerenhed", "klimakoordinator", "tillidsrepræsentant", "databeskyttelsesrådgiver",
         "handicapkonsulent")  # fmt: skip
POLICIES = ("Personalepolitik", "Seniorpolitik", "Lønpolitik", "Rusmiddelpolitik",
            "Rejsepolitik", "Indkøbspolitik")  # fmt: skip
DISTRICTS = ("Vestbyen", "Sydhavnen", "Kirkebyen", "Vestervang", "Østerbyen", "Møllekvarteret", "Stationsbyen")
SCHOOLTOPICS = (
    "Trivsel i udskolingen",
    "Madordning",
    "Understøttende undervisning",
    "Inklusion",
    "Skolestart",
    "Lektiecafé",
)
SCHOOLS = ("Vestskolen", "Søndre Skole", "Vestervangskolen", "Lyngbakkeskolen", "Bakkeskolen")
CARE = ("hjemmehjælp", "madservice", "genoptræning", "plejebolig", "rehabilitering", "hjælpemidler")
ASSOCIATIONS = ("Vesterå Boldklub", "Musikforeningen", "Spejderne", "Teaterforeningen", "Roklubben",
                "Seniorklubben", "Skakklubben", "Kunstforeningen")  # fmt: skip
CYBER = ("sikkerhedskursus", "logning", "phishing-test", "kryptering af mails", "adgangsstyring")
BUDGETSTEPS = ("Fordeling af besparelser", "Tekniske korrektioner", "Første behandling", "Budgetforslag")
SEASONS = ("sommeren", "vinterferien", "efterårsferien", "julen", "påsken")
