"""The demo cases' texts, one list per demo organization, each in its own language."""

from __future__ import annotations

from dataclasses import dataclass, field

from cases.models import Case

# Steps of a case's history, in order:
#   ("status", value)  ("note", text with {colleague} / {caseworker} for @mentions)
#   ("task", title, "supplier" | "colleague", due in days)  ("task_done", completion note)
#   ("time", minutes, note)  ("tag", name)  ("close", resolution)  ("photo", file name)
#   ("reply", text: an e-mail to the customer, the case's first response)


@dataclass
class Spec:
    ref: str
    title: str
    description: str
    days_ago: int
    creator: str = "caseworker"  # key of the DemoOrg user who typed it in
    customer: str = ""  # e-mail
    property: str = ""  # property number
    containers: tuple[str, ...] = ()
    category: str = "warranty_claim"
    priority: str = Case.Priority.NORMAL
    source: str = Case.Source.PORTAL
    deadline_in: int | None = 14  # days after creation
    assignee: str = "caseworker"  # "", "caseworker", "colleague", "admin"
    team: str = ""
    supplier: str = ""
    visible: bool = True
    steps: list[tuple] = field(default_factory=list)


NORDBYGG = [
    Spec(
        "DEMO-NB-001",
        "Sprekk i flis på bad",
        "Det har kommet en sprekk i flisene rundt sluket på badet. Den ble oppdaget etter "
        "første vask, og det ser ut til at den blir lengre.",
        days_ago=21,
        customer="ingrid.solberg@epost.example",
        property="ST-A-H0101",
        priority=Case.Priority.HIGH,
        team="Reklamasjon",
        supplier="Rørlegger Hansen AS",
        steps=[
            ("status", Case.Status.IN_PROGRESS),
            (
                "reply",
                "Takk for bildene. Vi sender en rørlegger på befaring i løpet av neste uke og "
                "tar kontakt for å avtale tidspunkt.",
            ),
            ("photo", "sprekk-bad.png"),
            (
                "note",
                "Ringte kunden, sprekken går fra sluket mot døra. {colleague} kan du sjekke "
                "om flisleggeren fra prosjektet fortsatt har garanti?",
            ),
            ("task", "Befaring av sluk og membran", "supplier", 5),
            ("time", 45, "Telefon med kunde og befaring avtalt"),
            ("tag", "Bad"),
            ("tag", "Befaring"),
        ],
    ),
    Spec(
        "DEMO-NB-002",
        "Dør som ikke lukker",
        "Balkongdøra i stua lukker seg ikke helt. Den må løftes for at den skal gå i lås.",
        days_ago=9,
        customer="jonas.lie@epost.example",
        property="ST-A-H0201",
        assignee="colleague",
        team="Reklamasjon",
        steps=[
            ("status", Case.Status.WAITING),
            ("note", "Venter på at kunden sender bilde av hengslene. {caseworker} til info."),
            ("tag", "Dør"),
        ],
    ),
    Spec(
        "DEMO-NB-003",
        "Fukt i kjeller",
        "Det lukter fukt i boden i kjelleren, og det er mørke flekker nederst på veggen.",
        days_ago=30,
        customer="emil.andersen@epost.example",
        property="ST-B-H0101",
        priority=Case.Priority.CRITICAL,
        deadline_in=7,  # long past: shows as overdue
        supplier="Rørlegger Hansen AS",
        steps=[
            ("status", Case.Status.IN_PROGRESS),
            ("task", "Mål fuktighet i kjellerveggen", "supplier", 3),
            ("note", "Fuktmåling viser høye verdier. {colleague} vi må varsle styret i sameiet."),
            ("time", 90, "Befaring med fuktmåler"),
            ("tag", "Fukt"),
        ],
    ),
    Spec(
        "DEMO-NB-004",
        "Kjøkkenskuff henger",
        "Den øverste skuffen ved komfyren henger og tar borti skuffen under.",
        days_ago=40,
        customer="henrik.dahl@epost.example",
        property="ST-B-H0102",
        priority=Case.Priority.LOW,
        assignee="caseworker",
        steps=[
            ("status", Case.Status.IN_PROGRESS),
            ("note", "Justert skinnene ved besøk."),
            ("time", 30, "Justering av skuffeskinner"),
            ("status", Case.Status.RESOLVED),
        ],
    ),
    Spec(
        "DEMO-NB-005",
        "Lekkasje under kjøkkenvask",
        "Det drypper fra avløpet under kjøkkenvasken når oppvaskmaskinen tømmer seg.",
        days_ago=60,
        customer="nora.bakken@epost.example",
        property="ST-A-H0102",
        priority=Case.Priority.HIGH,
        supplier="Rørlegger Hansen AS",
        steps=[
            ("status", Case.Status.IN_PROGRESS),
            ("task", "Skift pakning på vannlås", "supplier", 2),
            ("task_done", "Pakning skiftet, tett nå."),
            ("time", 20, "Oppfølging"),
            ("close", "Rørlegger skiftet pakningen på vannlåsen. Kunden bekrefter at det er tett."),
        ],
    ),
    Spec(
        "DEMO-NB-006",
        "Riper i parkett i gangen",
        "Kunden ringte: det er dype riper i parketten innenfor inngangsdøra, trolig fra "
        "innflyttingen.",
        days_ago=2,
        creator="colleague",
        customer="sindre.moen@epost.example",
        property="ST-B-H0202",
        source=Case.Source.PHONE,
        assignee="",
        team="Reklamasjon",
        steps=[],
    ),
]

RENOVA = [
    Spec(
        "DEMO-DK-001",
        "Manglende tømning af restaffald",
        "Restaffaldsbeholderen blev ikke tømt i tirsdags. Den står ved skellet som den plejer.",
        days_ago=3,
        customer="lars.pedersen@mail.example",
        property="751-000123",
        containers=("100234",),
        category="fault_report",
        priority=Case.Priority.HIGH,
        deadline_in=2,
        supplier="Vognmand Jensen ApS",
        steps=[
            ("status", Case.Status.IN_PROGRESS),
            ("reply", "Tak for beskeden. Vognmanden kommer forbi og tømmer beholderen i morgen."),
            ("task", "Ekstra tømning af 100234", "supplier", 1),
            (
                "note",
                "Chaufføren meldte om en parkeret bil foran skuret. {colleague} kan du "
                "ringe til kunden?",
            ),
            ("tag", "Manglende tømning"),
        ],
    ),
    Spec(
        "DEMO-DK-002",
        "Beskadiget beholder",
        "Låget på madaffaldsbeholderen er knækket, og hjulet sidder løst.",
        days_ago=12,
        customer="hanne.kristensen@mail.example",
        property="751-000456",
        containers=("100311",),
        category="fault_report",
        supplier="Vognmand Jensen ApS",
        steps=[
            ("status", Case.Status.IN_PROGRESS),
            ("photo", "beholder-laag.png"),
            ("task", "Udskift låg og hjul på 100311", "supplier", 7),
            ("task_done", "Låg og hjul skiftet."),
            ("time", 15, "Bestilling af reservedele"),
            ("status", Case.Status.RESOLVED),
        ],
    ),
    Spec(
        "DEMO-DK-003",
        "Bestilling af ny beholder til plast",
        "Boligforeningen ønsker en ekstra 660 liters container til plast i gården.",
        days_ago=6,
        customer="administration@sondergaarden.example",
        property="751-000789",
        category="order",
        source=Case.Source.EMAIL,
        assignee="colleague",
        team="Drift",
        steps=[
            ("status", Case.Status.WAITING),
            ("note", "Afventer bestyrelsens godkendelse af prisen. {caseworker} til orientering."),
            ("tag", "Bestilling"),
        ],
    ),
    Spec(
        "DEMO-DK-004",
        "Storskrald afhentes ikke",
        "Der blev bestilt afhentning af storskrald, men intet er hentet.",
        days_ago=25,
        customer="jens.thomsen@mail.example",
        property="751-000912",
        category="fault_report",
        deadline_in=5,
        steps=[
            ("status", Case.Status.IN_PROGRESS),
            ("time", 10, "Opkald til vognmand"),
            ("close", "Storskrald hentet ved ekstrakørsel. Kunden er orienteret."),
        ],
    ),
    Spec(
        "DEMO-DK-005",
        "Spørgsmål om tømningskalender",
        "Kunden spørger, om tømning flyttes i påskeugen.",
        days_ago=1,
        creator="colleague",
        customer="birgitte.moller@mail.example",
        property="751-000457",
        category="question",
        source=Case.Source.PHONE,
        assignee="",
        team="Kundeservice",
        steps=[],
    ),
]

HYRESBO = [
    Spec(
        "DEMO-SE-001",
        "Läckande kran i köket",
        "Köksblandaren droppar hela tiden, även när den är helt avstängd.",
        days_ago=4,
        customer="elsa.nilsson@post.example",
        property="FN-1014-1101",
        category="fault_report",
        supplier="Fastighetsservice Norr AB",
        team="Felanmälan",
        steps=[
            ("status", Case.Status.IN_PROGRESS),
            ("reply", "Tack för din felanmälan. En tekniker kontaktar dig för att boka en tid."),
            ("photo", "kran.png"),
            ("task", "Byt packning i köksblandare", "supplier", 3),
            ("note", "Hyresgästen är hemma efter kl. 15. {colleague} kan du boka in tiden?"),
            ("tag", "VVS"),
        ],
    ),
    Spec(
        "DEMO-SE-002",
        "Trasig tvättmaskin i tvättstugan",
        "Tvättmaskin nr 2 i tvättstugan startar inte och visar felkod E21.",
        days_ago=8,
        customer="oskar.berg@post.example",
        property="FN-1014",
        category="fault_report",
        priority=Case.Priority.HIGH,
        deadline_in=3,
        supplier="Fastighetsservice Norr AB",
        steps=[
            ("status", Case.Status.IN_PROGRESS),
            ("task", "Felsök tvättmaskin 2 (E21)", "supplier", 2),
            ("time", 30, "Kontakt med serviceföretaget"),
            ("tag", "Tvättstuga"),
        ],
    ),
    Spec(
        "DEMO-SE-003",
        "Element kallt i sovrummet",
        "Elementet i sovrummet är kallt trots att termostaten står på max.",
        days_ago=15,
        customer="lucas.ek@post.example",
        property="FN-1052-1101",
        category="fault_report",
        assignee="colleague",
        steps=[
            ("status", Case.Status.IN_PROGRESS),
            (
                "note",
                "Luftat elementet, väntar på att se om det hjälper. {caseworker} för kännedom.",
            ),
            ("status", Case.Status.WAITING),
        ],
    ),
    Spec(
        "DEMO-SE-004",
        "Stopp i avloppet i badrummet",
        "Vattnet rinner långsamt undan i duschen.",
        days_ago=35,
        customer="alice.sandberg@post.example",
        property="FN-1052-1102",
        category="fault_report",
        supplier="Fastighetsservice Norr AB",
        steps=[
            ("status", Case.Status.IN_PROGRESS),
            ("task", "Rensa golvbrunn", "supplier", 2),
            ("task_done", "Golvbrunnen rensad."),
            ("close", "Golvbrunnen rensades av fastighetsskötaren. Avloppet fungerar normalt."),
        ],
    ),
    Spec(
        "DEMO-SE-005",
        "Trasig belysning i trapphuset",
        "Lampan på plan 2 i trapphuset blinkar och slocknar.",
        days_ago=1,
        creator="colleague",
        property="FN-1052",
        category="fault_report",
        source=Case.Source.PHONE,
        assignee="",
        team="Felanmälan",
        visible=False,
        steps=[],
    ),
]

DEMO_CASES = {"nordbygg": NORDBYGG, "renova": RENOVA, "hyresbo": HYRESBO}
