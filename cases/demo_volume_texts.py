"""Words for the demo's everyday cases (cases/demo_volume.py), one set per demo organization in
its own language: the kinds of matter each office handles, and what its people write on them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Matter:
    """A kind of case an office sees again and again."""

    title: str
    description: str
    category: str  # Category.key
    task: str  # what someone is asked to do about it
    resolution: str


@dataclass(frozen=True)
class Words:
    matters: tuple[Matter, ...]
    notes: tuple[str, ...]  # "{mention}" marks where a colleague is @mentioned
    waiting: tuple[str, ...]  # why the case waits
    replies: tuple[str, ...]  # to the customer
    answers: tuple[str, ...]  # the customer's e-mail back
    time: tuple[str, ...]  # what the logged time was spent on
    task_done: tuple[str, ...]


NB = Words(
    matters=(
        Matter(
            "Sprekk i maling over dør",
            "Det har kommet sprekker i malingen over døra til soverommet.",
            "warranty_claim",
            "Sparkle og male over dør",
            "Maler har sparklet og malt over døra.",
        ),
        Matter(
            "Vindu dugger mellom glassene",
            "Stuevinduet dugger på innsiden av glasset, mellom rutene.",
            "warranty_claim",
            "Bytt glass i stuevindu",
            "Glasset er byttet av leverandøren.",
        ),
        Matter(
            "Ventilasjon støyer",
            "Ventilasjonsanlegget lager en susende lyd om natta.",
            "fault_report",
            "Juster vifte i ventilasjonsaggregat",
            "Viften er justert og filteret skiftet.",
        ),
        Matter(
            "Lekkasje fra dusjhjørne",
            "Det renner vann ut på gulvet fra dusjhjørnet.",
            "warranty_claim",
            "Tett fuger i dusjhjørne",
            "Fugene er lagt om og dusjen er tett.",
        ),
        Matter(
            "Parkett har løftet seg",
            "Parketten i stua har løftet seg langs vinduet.",
            "warranty_claim",
            "Vurder parkett i stue",
            "Parkettbordene er lagt om.",
        ),
        Matter(
            "Ytterdør trekker",
            "Det trekker kaldt inn rundt ytterdøra.",
            "warranty_claim",
            "Juster tetningslist ytterdør",
            "Tetningslisten er skiftet og døra justert.",
        ),
        Matter(
            "Mangler nøkkel til bod",
            "Kunden fikk ikke nøkkel til boden ved overtakelse.",
            "service",
            "Bestill ekstra nøkkel til bod",
            "Nøkkelen er levert kunden.",
        ),
        Matter(
            "Spørsmål om garantitid",
            "Kunden spør hvor lenge garantien på hvitevarene gjelder.",
            "question",
            "Finn garantibevis",
            "Kunden har fått garantibeviset.",
        ),
        Matter(
            "Tilvalg: ekstra stikkontakt",
            "Kunden ønsker en ekstra dobbel stikkontakt på soverommet.",
            "order",
            "Pristilbud fra elektriker",
            "Stikkontakten er montert etter godkjent tilbud.",
        ),
        Matter(
            "Varmekabel virker ikke",
            "Gulvvarmen på badet blir ikke varm.",
            "fault_report",
            "Feilsøk varmekabel på bad",
            "Termostaten var defekt og er byttet.",
        ),
    ),
    notes=(
        "Ringte kunden og avtalte befaring.",
        "{mention} kan du se på dette før befaringen?",
        "Sjekket overtakelsesprotokollen: forholdet er ikke nevnt der.",
        "Snakket med prosjektleder, dette dekkes av garantien.",
        "{mention} til info: kunden ønsker å bli ringt etter kl. 16.",
        "Bilder fra kunden viser at skaden er overfladisk.",
    ),
    waiting=(
        "Venter på bilder fra kunden.",
        "Venter på pristilbud fra leverandør.",
        "Venter på at kunden bekrefter tidspunkt.",
    ),
    replies=(
        "Takk for henvendelsen. Vi ser på saken og tar kontakt for å avtale befaring.",
        "Vi har sendt saken videre til leverandøren, som tar kontakt med deg direkte.",
        "Kan du sende oss et par bilder, så vurderer vi saken raskere?",
        "Arbeidet er bestilt. Gi oss beskjed om det ikke er i orden etterpå.",
    ),
    answers=(
        "Takk! Jeg er hjemme hele torsdag, bare ring på.",
        "Her er bildene. Det har blitt litt verre siden sist.",
        "Det passer fint. Nøkkel ligger hos naboen i 2. etasje.",
        "Håndverkeren har vært her, og nå fungerer alt som det skal. Takk for hjelpen!",
    ),
    time=(
        "Telefon med kunde",
        "Befaring",
        "Koordinering med leverandør",
        "Gjennomgang av dokumentasjon",
    ),
    task_done=("Utført.", "Ferdig, kunden er fornøyd.", "Gjort ved besøk i dag."),
)

DA = Words(
    matters=(
        Matter(
            "Manglende tømning af madaffald",
            "Madaffaldet blev ikke tømt på den faste tømmedag.",
            "fault_report",
            "Ekstra tømning af madaffald",
            "Beholderen er tømt ved ekstrakørsel.",
        ),
        Matter(
            "Beholder ikke sat tilbage",
            "Skraldespanden blev efterladt midt på fortovet.",
            "fault_report",
            "Påmind chaufføren om placering",
            "Chaufføren er orienteret, og beholderen står på plads.",
        ),
        Matter(
            "Ønsker større beholder",
            "Husstanden ønsker at skifte til en 240 liters beholder til restaffald.",
            "order",
            "Udskift beholder til 240 l",
            "Ny beholder er leveret.",
        ),
        Matter(
            "Ny beholder til papir",
            "Kunden ønsker en ekstra beholder til papir og pap.",
            "order",
            "Lever papirbeholder",
            "Papirbeholderen er leveret.",
        ),
        Matter(
            "Spørgsmål om afgift",
            "Kunden spørger, hvorfor renovationsafgiften er steget.",
            "question",
            "Find takstblad for i år",
            "Kunden har fået takstbladet tilsendt.",
        ),
        Matter(
            "Knækket hjul på beholder",
            "Et hjul på beholderen er knækket af.",
            "fault_report",
            "Skift hjul på beholder",
            "Hjulet er skiftet.",
        ),
        Matter(
            "Flytning af tømmested",
            "Kunden vil have beholderen tømt fra indkørslen i stedet for baghaven.",
            "service",
            "Opdater tømmested i ruten",
            "Tømmestedet er ændret i ruten.",
        ),
        Matter(
            "Storskrald bestilt",
            "Kunden har bestilt afhentning af en sofa og to madrasser.",
            "order",
            "Afhent storskrald",
            "Storskraldet er afhentet.",
        ),
        Matter(
            "Glascontainer er fuld",
            "Glascontaineren ved indkøbscentret er fuld og flyder over.",
            "fault_report",
            "Tøm glascontainer",
            "Containeren er tømt.",
        ),
        Matter(
            "Lugt fra beholder",
            "Madaffaldsbeholderen lugter meget og ønskes vasket.",
            "service",
            "Vask af beholder",
            "Beholderen er vasket.",
        ),
    ),
    notes=(
        "Ringede til kunden og forklarede tømmeplanen.",
        "{mention} kan du tjekke ruten for tirsdag?",
        "Chaufføren bekræfter, at der holdt en bil i vejen.",
        "{mention} til orientering: kunden har klaget før.",
        "Tjekket GPS-loggen: bilen var forbi kl. 7.40.",
        "Aftalt med kunden, at beholderen står ved skellet.",
    ),
    waiting=(
        "Afventer svar fra vognmanden.",
        "Afventer kundens bekræftelse.",
        "Afventer levering fra leverandøren.",
    ),
    replies=(
        "Tak for din henvendelse. Vi har bedt vognmanden om at komme forbi i morgen.",
        "Vi har registreret bestillingen. Du hører fra os, når leveringsdatoen ligger fast.",
        "Kan du bekræfte, hvor beholderen står på tømmedagen?",
        "Opgaven er udført. Skriv endelig, hvis noget ikke er i orden.",
    ),
    answers=(
        "Tak, den står ved skellet som altid.",
        "Perfekt, det passer fint med mig.",
        "Den blev tømt i dag. Tak for hurtig hjælp!",
        "Beholderen står stadig ikke, hvor den skal. Kan I se på det igen?",
    ),
    time=(
        "Opkald til kunde",
        "Koordinering med vognmand",
        "Opdatering af rute",
        "Bestilling af materiel",
    ),
    task_done=("Udført.", "Klaret i dag.", "Gjort, kunden er orienteret."),
)

SV = Words(
    matters=(
        Matter(
            "Droppande kran i badrummet",
            "Handfatsblandaren i badrummet droppar hela tiden.",
            "fault_report",
            "Byt packning i handfatsblandare",
            "Packningen är bytt och kranen är tät.",
        ),
        Matter(
            "Ytterdörren går inte att låsa",
            "Låset i entrédörren kärvar och går inte att vrida om.",
            "fault_report",
            "Smörj och justera låset",
            "Låscylindern är bytt.",
        ),
        Matter(
            "Kallt i lägenheten",
            "Det är bara 18 grader inne trots att elementen står på max.",
            "fault_report",
            "Kontrollera värmesystemet",
            "Systemet är injusterat och värmen fungerar.",
        ),
        Matter(
            "Fläkten i köket fungerar inte",
            "Köksfläkten startar inte.",
            "fault_report",
            "Felsök köksfläkt",
            "Motorn i fläkten är bytt.",
        ),
        Matter(
            "Fråga om andrahandsuthyrning",
            "Hyresgästen vill hyra ut lägenheten i andra hand under ett år.",
            "question",
            "Skicka blankett för andrahandsuthyrning",
            "Blanketten är skickad och ansökan beviljad.",
        ),
        Matter(
            "Byte av kylskåp",
            "Kylskåpet håller inte temperaturen.",
            "fault_report",
            "Beställ nytt kylskåp",
            "Nytt kylskåp är levererat och installerat.",
        ),
        Matter(
            "Klotter i trapphuset",
            "Någon har klottrat på väggen i trapphuset.",
            "service",
            "Sanera klotter",
            "Klottret är borttaget.",
        ),
        Matter(
            "Nyckelbricka till tvättstugan",
            "Hyresgästen har tappat sin nyckelbricka.",
            "order",
            "Programmera ny nyckelbricka",
            "Ny bricka är utlämnad.",
        ),
        Matter(
            "Störande grannar",
            "Hyresgästen klagar på hög musik sent på kvällarna.",
            "question",
            "Skicka brev till grannen",
            "Brev är skickat, inga nya klagomål.",
        ),
        Matter(
            "Fuktfläck i taket",
            "Det har kommit en fuktfläck i taket i badrummet.",
            "fault_report",
            "Undersök fukt från lägenheten ovanför",
            "Läckan i lägenheten ovanför är åtgärdad och taket målat.",
        ),
    ),
    notes=(
        "Ringde hyresgästen och bokade in en tid.",
        "{mention} kan du ta den här på torsdag?",
        "Fastighetsskötaren har tittat på felet.",
        "{mention} för kännedom: hyresgästen har husdjur.",
        "Hyresgästen har huvudnyckel-medgivande.",
        "Felet har förekommit tidigare i samma trapphus.",
    ),
    waiting=(
        "Väntar på reservdelar.",
        "Väntar på att hyresgästen bekräftar tiden.",
        "Väntar på offert från entreprenören.",
    ),
    replies=(
        "Tack för din felanmälan. En tekniker kontaktar dig för att boka en tid.",
        "Vi har beställt reservdelar och återkommer när de har kommit.",
        "Får vi gå in med huvudnyckel om du inte är hemma?",
        "Felet är åtgärdat. Hör av dig om något inte fungerar.",
    ),
    answers=(
        "Tack! Ni får gärna gå in med huvudnyckel.",
        "Jag är hemma efter kl. 15 alla vardagar.",
        "Nu fungerar det, tack för snabb hjälp!",
        "Det droppar fortfarande lite. Kan ni komma tillbaka?",
    ),
    time=(
        "Samtal med hyresgäst",
        "Besiktning på plats",
        "Beställning av material",
        "Kontakt med entreprenör",
    ),
    task_done=("Klart.", "Åtgärdat i dag.", "Utfört, hyresgästen är nöjd."),
)

WORDS = {"nordbygg": NB, "renova": DA, "hyresbo": SV}
