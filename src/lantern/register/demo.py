"""A synthetic 2019–2025 history for demo installations, shaped like the seed statistics.

The identified victims follow, year by year, Table 1 of the GRETA reply (seed 001, Part III:
victims identified by the Main Department for Combating Human Trafficking, all proactively,
by sex, age range, form of exploitation, citizenship and place of exploitation) and the
profile of the 2023 annual report (seed 000: countries of exploitation, residence in the
capital or the regions, when the exploitation happened). Around them are presumed victims
whom the decision did not identify, and a few 2025 cases still waiting for a decision.

Every person is invented: names are drawn from lists of common Azerbaijani (some in Russian
spelling), Central Asian, Russian, Afghan, Iranian and Nigerian names, documents and phone
numbers are made up. Everything comes from ``random.Random(seed)``, so two runs give the
same data; the history is written through the register's services only.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction

from lantern.core.demo import DEMO_PASSWORD
from lantern.core.models import Organisation, Role, User
from lantern.core.services import create_account
from lantern.register.identity import Identity, IdentityDocument
from lantern.register.models import (
    Case,
    CaseStatus,
    IdentificationMethod,
    IdentificationOutcome,
)
from lantern.register.services import (
    DecisionInput,
    Registration,
    record_identification_decision,
    register_presumed_victim,
)

DEFAULT_SEED = 2026
YEARS = tuple(range(2019, 2026))
LAST_DAY = datetime.date(2025, 12, 31)
HOME = "AZ"
DECIDING_ORGANISATION = "mia-ctht"

FEMALE, MALE = "female", "male"
SEXUAL, FORCED = "sexual_exploitation", "forced_labour"

Weighted = Sequence[tuple[str, int]]


# --- The seed statistics ----------------------------------------------------------------------


@dataclass(frozen=True)
class Foreigner:
    """An identified victim who was not a citizen of Azerbaijan (all exploited inside it)."""

    citizenship: str
    sex: str
    form: str
    child: bool = False


@dataclass(frozen=True)
class YearProfile:
    """One row of GRETA Part III Table 1 (seed 001)."""

    year: int
    total: int
    men: int
    children: int
    adult_bands: tuple[int, int, int]  # aged 18-25, 25-35, 35-55 at identification
    forced_labour: int  # the others were exploited sexually
    domestic: int  # exploited inside Azerbaijan; the others abroad
    foreigners: tuple[Foreigner, ...] = ()
    # Exact countries of sexual exploitation abroad, where a seed gives them.
    destinations: tuple[tuple[str, int], ...] = ()


PROFILES = {
    profile.year: profile
    for profile in (
        YearProfile(
            2019,
            91,
            men=6,
            children=1,
            adult_bands=(12, 46, 32),
            forced_labour=6,
            domestic=3,
            foreigners=(Foreigner("TJ", MALE, FORCED), Foreigner("UZ", MALE, FORCED)),
        ),
        YearProfile(
            2020,
            94,
            men=4,
            children=2,
            adult_bands=(8, 42, 42),
            forced_labour=9,
            domestic=9,
            foreigners=(Foreigner("RU", FEMALE, SEXUAL),),
        ),
        YearProfile(
            2021, 95, men=1, children=0, adult_bands=(5, 59, 31), forced_labour=1, domestic=1
        ),
        YearProfile(
            2022,
            94,
            men=1,
            children=6,
            adult_bands=(16, 41, 31),
            forced_labour=2,
            domestic=11,
            foreigners=(Foreigner("NG", FEMALE, SEXUAL, child=True),),
        ),
        # Table 1 prints 59 for sexual exploitation; the annual report (seed 000) gives 89.
        YearProfile(
            2023,
            91,
            men=1,
            children=0,
            adult_bands=(6, 50, 35),
            forced_labour=2,
            domestic=2,
            destinations=(
                ("TR", 28),
                ("RU", 28),
                ("AE", 15),
                ("BH", 10),
                ("QA", 4),
                ("IR", 2),
                ("IQ", 2),
            ),
        ),
        YearProfile(
            2024, 91, men=1, children=1, adult_bands=(12, 49, 29), forced_labour=1, domestic=1
        ),
        YearProfile(
            2025, 46, men=0, children=0, adult_bands=(4, 28, 14), forced_labour=0, domestic=0
        ),
    )
}

# Seed 000 (2023): 28 Türkiye, 28 Russia, 15 UAE, 10 Bahrain, 4 Qatar, 3 Iran and Iraq.
SEXUAL_DESTINATIONS: Weighted = (
    ("TR", 28),
    ("RU", 28),
    ("AE", 15),
    ("BH", 10),
    ("QA", 4),
    ("IR", 2),
    ("IQ", 2),
)
LABOUR_DESTINATIONS: Weighted = (("RU", 6), ("TR", 3), ("KZ", 1))
# Seed 000: 24 of 91 lived in the capital, the others in the towns and regions.
REGIONS: Weighted = (
    ("baku", 26),
    ("absheron-khizi", 12),
    ("ganja-dashkasan", 9),
    ("lankaran-astara", 9),
    ("central-aran", 9),
    ("mil-mughan", 6),
    ("shirvan-salyan", 6),
    ("guba-khachmaz", 5),
    ("shaki-zagatala", 5),
    ("gazakh-tovuz", 5),
    ("highland-shirvan", 4),
    ("karabakh", 2),
    ("nakhchivan", 2),
)
AGE_BANDS = ((18, 24), (25, 34), (35, 54))
PRESUMED_AGE_BANDS = ((18, 24), (25, 34), (35, 54), (55, 62))
PRESUMED_AGE_WEIGHTS: Weighted = (("0", 3), ("1", 4), ("2", 3), ("3", 1))
CHILD_AGES: Weighted = (("13", 1), ("14", 2), ("15", 3), ("16", 4), ("17", 4))

SEXUAL_CONTROL: Weighted = (
    ("false_promises", 6),
    ("withholds_documents", 5),
    ("takes_earnings", 5),
    ("debt_bondage", 4),
    ("restricts_movement", 4),
    ("psychological_abuse", 3),
    ("physical_threats", 2),
    ("threatens_children_family", 2),
    ("physical_abuse", 1),
    ("psychoactive_substance", 1),
    ("threats_law_enforcement", 1),
)
LABOUR_CONTROL: Weighted = (
    ("excessive_working_hours", 6),
    ("withholds_documents", 5),
    ("takes_earnings", 5),
    ("false_promises", 4),
    ("debt_bondage", 3),
    ("restricts_movement", 3),
    ("withholds_necessities", 2),
    ("physical_threats", 1),
)
OFFLINE_RECRUITMENT: Weighted = (
    ("acquaintance_or_friend", 30),
    ("job_advertisement", 8),
    ("employment_agency", 7),
    ("intimate_partner", 6),
    ("family_member", 5),
    ("marriage_broker", 2),
    ("at_place_of_business", 2),
    ("unknown", 3),
)
ONLINE_RECRUITMENT: Weighted = (
    ("online_social_media", 5),
    ("online_messaging", 4),
    ("online_advertisement", 1),
)


def _platforms(year: int) -> Weighted:
    """WhatsApp, TikTok, Instagram and Telegram (seed 000, 2023); TikTok grows, Facebook fades."""
    return (
        ("whatsapp", 30),
        ("instagram", 25),
        ("telegram", 15),
        ("tiktok", max(0, (year - 2019) * 5)),
        ("facebook", max(2, 20 - (year - 2019) * 3)),
        ("other", 2),
    )


def _online_share(year: int) -> float:
    return min(0.15 + 0.07 * (year - 2019), 0.6)


# --- Who registers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Registrar:
    username: str
    organisation_code: str
    role: Role
    first_name: str
    last_name: str
    channels: Weighted


REGISTRARS = {
    registrar.organisation_code: registrar
    for registrar in (
        Registrar(
            "investigator",
            "mia-ctht",
            Role.INVESTIGATOR,
            "",
            "",
            (("police_operation", 12), ("online_monitoring", 4), ("readmission", 3)),
        ),
        Registrar("hotline", "mia-hotline-152", Role.HOTLINE_OPERATOR, "", "", (("hotline", 1),)),
        Registrar(
            "caseworker",
            "ssa-assistance-center",
            Role.CASEWORKER,
            "",
            "",
            (("walk_in", 3), ("health_care", 1)),
        ),
        Registrar(
            "demo-ngo-clean-world",
            "ngo-clean-world",
            Role.CASEWORKER,
            "Mehriban",
            "Rzayeva",
            (("ngo_outreach", 3), ("walk_in", 1)),
        ),
        Registrar(
            "demo-ngo-contact",
            "ngo-contact",
            Role.CASEWORKER,
            "Sevinj",
            "Abbasova",
            (("ngo_outreach", 3), ("walk_in", 1)),
        ),
        Registrar(
            "demo-ngo-azerbaijan-children",
            "ngo-azerbaijan-children",
            Role.CASEWORKER,
            "Gunel",
            "Safarova",
            (("ngo_outreach", 3), ("walk_in", 1), ("health_care", 1)),
        ),
        Registrar(
            "demo-sbs",
            "sbs",
            Role.CASEWORKER,
            "Vugar",
            "Nasirov",
            (("border", 3), ("readmission", 1)),
        ),
        Registrar(
            "demo-sms", "sms", Role.CASEWORKER, "Kamala", "Bagirova", (("migration_asylum", 1),)
        ),
    )
}
ADULT_REGISTRARS: Weighted = (
    ("mia-ctht", 62),
    ("sbs", 10),
    ("mia-hotline-152", 8),
    ("ngo-clean-world", 8),
    ("ngo-contact", 6),
    ("ssa-assistance-center", 4),
)
CHILD_REGISTRARS: Weighted = (
    ("ngo-azerbaijan-children", 45),
    ("mia-ctht", 35),
    ("mia-hotline-152", 20),
)
FOREIGN_REGISTRARS: Weighted = (("sms", 5), ("mia-ctht", 5))
FOREIGN_CHILD_REGISTRARS: Weighted = (("sms", 1), ("ngo-azerbaijan-children", 1))


# --- Names ------------------------------------------------------------------------------------

# (Azerbaijani Latin, Russian spelling)
AZ_FEMALE = (
    ("Leyla", "Лейла"), ("Aysel", "Айсель"), ("Günay", "Гюнай"), ("Nərmin", "Нармин"),
    ("Səbinə", "Сабина"), ("Aynur", "Айнур"), ("Gülnar", "Гюльнар"), ("Könül", "Кёнюль"),
    ("Sevinc", "Севиндж"), ("Nigar", "Нигяр"), ("Lalə", "Лала"), ("Aygün", "Айгюн"),
    ("Nərgiz", "Наргиз"), ("Fidan", "Фидан"), ("Şəbnəm", "Шабнам"), ("Təranə", "Тарана"),
    ("Zəhra", "Захра"), ("Aytən", "Айтен"), ("Vüsalə", "Вюсаля"), ("Elnarə", "Эльнара"),
    ("Samirə", "Самира"), ("Rəna", "Рена"), ("Jalə", "Жаля"), ("İradə", "Ирада"),
    ("Mehriban", "Мехрибан"), ("Kəmalə", "Кямаля"), ("Türkan", "Тюркан"), ("Röya", "Рёя"),
    ("Sevda", "Севда"), ("Pərvin", "Парвин"), ("Gülşən", "Гюльшан"), ("Ülviyyə", "Ульвия"),
    ("Afaq", "Афаг"), ("Xədicə", "Хадиджа"), ("Aidə", "Аида"), ("Günel", "Гюнель"),
)  # fmt: skip
AZ_MALE = (
    ("Elçin", "Эльчин"), ("Rauf", "Рауф"), ("Orxan", "Орхан"), ("Tural", "Турал"),
    ("Elvin", "Эльвин"), ("Rəşad", "Рашад"), ("Vüqar", "Вугар"), ("Anar", "Анар"),
    ("Ramil", "Рамиль"), ("Kamran", "Камран"), ("Nicat", "Ниджат"), ("Fərid", "Фарид"),
    ("Rövşən", "Ровшан"), ("Elnur", "Эльнур"), ("Zaur", "Заур"), ("Namiq", "Намик"),
    ("Elşən", "Эльшан"), ("Murad", "Мурад"), ("Yusif", "Юсиф"), ("Cavid", "Джавид"),
    ("Əli", "Али"), ("Hüseyn", "Гусейн"), ("Vüsal", "Вюсал"), ("Mübariz", "Мубариз"),
    ("Aqil", "Агиль"), ("Şahin", "Шахин"), ("Famil", "Фамиль"), ("İlham", "Ильхам"),
)  # fmt: skip
# Masculine forms; the feminine adds -a. Names in -li and -zadə are the same for both.
AZ_FAMILY = (
    ("Məmmədov", "Мамедов"), ("Əliyev", "Алиев"), ("Hüseynov", "Гусейнов"),
    ("Həsənov", "Гасанов"), ("Quliyev", "Кулиев"), ("İsmayılov", "Исмайлов"),
    ("Abbasov", "Аббасов"), ("Rəhimov", "Рагимов"), ("Kərimov", "Керимов"),
    ("Səfərov", "Сафаров"), ("Cəfərov", "Джафаров"), ("Bağırov", "Багиров"),
    ("Qasımov", "Гасымов"), ("Musayev", "Мусаев"), ("Rzayev", "Рзаев"),
    ("Əhmədov", "Ахмедов"), ("İbrahimov", "Ибрагимов"), ("Sadıqov", "Садыхов"),
    ("Mustafayev", "Мустафаев"), ("Vəliyev", "Велиев"), ("Süleymanov", "Сулейманов"),
    ("Hacıyev", "Гаджиев"), ("Babayev", "Бабаев"), ("Zeynalov", "Зейналов"),
    ("Novruzov", "Новрузов"), ("Nəsirov", "Насиров"), ("Orucov", "Оруджев"),
    ("Hüseynli", "Гусейнли"), ("Məmmədli", "Мамедли"), ("Qasımlı", "Гасымлы"),
    ("Cəfərli", "Джафарли"), ("Abbaslı", "Аббаслы"), ("Səfərli", "Сафарли"),
    ("Əlizadə", "Ализаде"), ("Həsənzadə", "Гасанзаде"),
)  # fmt: skip


@dataclass(frozen=True)
class ForeignNames:
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]  # masculine forms
    feminine_suffix: str  # added to the family name of a woman; '' when it does not change
    cities: tuple[str, ...]
    passport_prefix: str
    passport_digits: int


FOREIGN_NAMES = {
    "UZ": ForeignNames(
        ("Dilnoza", "Gulnora", "Nodira", "Malika", "Madina", "Zarina", "Shahnoza", "Feruza"),
        ("Bekzod", "Jasur", "Sardor", "Otabek", "Farrux", "Rustam", "Sherzod", "Ulug'bek"),
        ("Karimov", "Rahimov", "Yusupov", "Tursunov", "Abdullayev", "Nazarov", "Ergashev"),
        "a",
        ("Toshkent", "Samarqand", "Andijon", "Farg'ona", "Namangan"),
        "FA",
        7,
    ),
    "TJ": ForeignNames(
        ("Mehrangez", "Farzona", "Nigina", "Tahmina", "Gulchehra", "Manizha"),
        ("Firdavs", "Siyovush", "Umed", "Daler", "Bahrom", "Faridun", "Jamshed"),
        ("Rahmonov", "Saidov", "Sharipov", "Davlatov", "Qodirov", "Mirzoev", "Safarov"),
        "a",
        ("Dushanbe", "Khujand", "Kulob", "Bokhtar"),
        "4",
        8,
    ),
    "KG": ForeignNames(
        ("Aigerim", "Aizada", "Nurzhan", "Cholpon", "Begimai"),
        ("Azamat", "Bakyt", "Nurlan", "Ermek", "Talant", "Kanat"),
        ("Asanov", "Toktogulov", "Abdyldaev", "Mamytov", "Sydykov", "Osmonov"),
        "a",
        ("Bishkek", "Osh", "Jalal-Abad", "Karakol"),
        "AC",
        7,
    ),
    "RU": ForeignNames(
        ("Анастасия", "Екатерина", "Ольга", "Наталья", "Светлана", "Елена", "Ирина", "Марина"),
        ("Александр", "Дмитрий", "Сергей", "Андрей", "Иван", "Алексей", "Максим"),
        ("Иванов", "Смирнов", "Кузнецов", "Попов", "Волков", "Морозов", "Соколов", "Лебедев"),
        "а",
        ("Москва", "Санкт-Петербург", "Ростов-на-Дону", "Краснодар", "Дербент"),
        "75",
        7,
    ),
    "NG": ForeignNames(
        ("Blessing", "Joy", "Precious", "Faith", "Chioma", "Ngozi", "Favour", "Adaeze"),
        ("Emeka", "Chinedu", "Oluwaseun", "Tunde", "Ikenna", "Ifeanyi"),
        ("Okafor", "Adeyemi", "Okonkwo", "Eze", "Obi", "Nwosu", "Balogun", "Igbinedion"),
        "",
        ("Benin City", "Lagos", "Edo", "Enugu", "Port Harcourt"),
        "A",
        8,
    ),
    "AF": ForeignNames(
        ("Maryam", "Fatima", "Zainab", "Shabnam"),
        ("Ahmad", "Mohammad", "Ali", "Hamid", "Rahim", "Sami", "Jawad"),
        ("Ahmadi", "Rahimi", "Hakimi", "Karimi", "Sultani", "Noori"),
        "",
        ("Herat", "Mazar-i-Sharif", "Kabul", "Kunduz"),
        "P",
        8,
    ),
    "IR": ForeignNames(
        ("Maryam", "Fatemeh", "Zahra", "Sara", "Narges"),
        ("Reza", "Hossein", "Mehdi", "Amir", "Ali"),
        ("Hosseini", "Mohammadi", "Rezaei", "Jafari", "Ahmadi", "Karimi"),
        "",
        ("Təbriz", "Ərdəbil", "Tehran", "Urmiya"),
        "E",
        8,
    ),
}
RUSSIAN_PATRONYMICS = (
    ("Сергеевич", "Сергеевна"),
    ("Александрович", "Александровна"),
    ("Викторович", "Викторовна"),
    ("Игоревич", "Игоревна"),
    ("Николаевич", "Николаевна"),
    ("Владимирович", "Владимировна"),
)
# Presumed victims from abroad who met Azerbaijani services (mostly labour migrants).
PRESUMED_FOREIGN: Weighted = (
    ("UZ", 5),
    ("TJ", 4),
    ("KG", 2),
    ("RU", 1),
    ("IR", 1),
    ("AF", 1),
    ("NG", 1),
)

CITIES = {
    "baku": ("Bakı",),
    "absheron-khizi": ("Sumqayıt", "Xırdalan", "Xızı"),
    "ganja-dashkasan": ("Gəncə", "Goranboy", "Daşkəsən"),
    "lankaran-astara": ("Lənkəran", "Astara", "Masallı", "Lerik"),
    "central-aran": ("Mingəçevir", "Yevlax", "Ağdaş", "Göyçay"),
    "mil-mughan": ("Beyləqan", "İmişli", "Saatlı", "Sabirabad"),
    "shirvan-salyan": ("Şirvan", "Salyan", "Neftçala"),
    "guba-khachmaz": ("Quba", "Xaçmaz", "Qusar"),
    "shaki-zagatala": ("Şəki", "Zaqatala", "Balakən"),
    "gazakh-tovuz": ("Qazax", "Tovuz", "Ağstafa", "Şəmkir"),
    "highland-shirvan": ("Şamaxı", "İsmayıllı", "Ağsu"),
    "karabakh": ("Bərdə", "Tərtər", "Ağdam"),
    "nakhchivan": ("Naxçıvan", "Şərur"),
}
STREETS = (
    "Nizami küçəsi",
    "Füzuli küçəsi",
    "Səməd Vurğun küçəsi",
    "Azadlıq prospekti",
    "Heydər Əliyev prospekti",
    "Nəsimi küçəsi",
    "Xətai küçəsi",
    "Rəsul Rza küçəsi",
    "Zərifə Əliyeva küçəsi",
    "Cəfər Cabbarlı küçəsi",
    "Natəvan küçəsi",
    "28 May küçəsi",
)
MOBILE_PREFIXES = ("50", "51", "55")


# --- What the generator makes -----------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    cases: int = 0
    identified: int = 0
    not_identified: int = 0
    presumed: int = 0
    accounts_created: int = 0
    years: tuple[int, ...] = ()
    identified_per_year: tuple[tuple[int, int], ...] = ()

    def describe(self) -> str:
        if not self.created:
            return f"Demo history: the register already holds {self.cases} cases; nothing added."
        span = f"{self.years[0]}-{self.years[-1]}" if self.years else "no years"
        return (
            f"Demo history: {self.cases} cases, {self.identified} identified, "
            f"{self.not_identified} not identified, {self.presumed} presumed, {span}."
        )


@dataclass
class _Victim:
    """One person to register, and the decision to record, before dates and names are drawn."""

    sex: str
    citizenship: str = HOME
    form: str = SEXUAL
    child: bool = False
    age: int = 30
    abroad: bool = True
    unaccompanied: bool = False
    outcome: str | None = IdentificationOutcome.IDENTIFIED


@dataclass
class _Planned:
    moment: datetime.datetime
    order: int
    registrar: str
    data: Registration
    decided_on: datetime.date | None
    outcome: str | None


def _choose(rng: random.Random, weighted: Weighted) -> str:
    return rng.choices([value for value, _ in weighted], weights=[w for _, w in weighted])[0]


def _choose_some(rng: random.Random, weighted: Weighted, count: int) -> list[str]:
    pool = list(weighted)
    chosen: list[str] = []
    while pool and len(chosen) < count:
        index = rng.choices(range(len(pool)), weights=[w for _, w in pool])[0]
        chosen.append(pool.pop(index)[0])
    return chosen


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _month_shift(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


# --- Identified victims: Table 1, row by row --------------------------------------------------


def _identified_victims(rng: random.Random, profile: YearProfile) -> list[_Victim]:
    """The year's identified victims, with every marginal of Table 1 met exactly."""
    victims = [_Victim(sex=MALE) for _ in range(profile.men)]
    victims += [_Victim(sex=FEMALE) for _ in range(profile.total - profile.men)]
    rng.shuffle(victims)
    # Foreigners first: they fix some sexes, forms and children.
    for foreigner in profile.foreigners:
        victim = next(
            v for v in victims if v.sex == foreigner.sex and v.citizenship == HOME and not v.child
        )
        victim.citizenship, victim.form, victim.child = (
            foreigner.citizenship,
            foreigner.form,
            foreigner.child,
        )
        victim.abroad = False
        victim.unaccompanied = foreigner.child
    # Forced labour: the men first (Table 1 counts as many men as forced labour, or fewer).
    forced_left = profile.forced_labour - sum(v.form == FORCED for v in victims)
    for victim in sorted(victims, key=lambda v: v.sex != MALE):
        if forced_left <= 0:
            break
        if victim.citizenship == HOME and victim.form != FORCED:
            victim.form = FORCED
            forced_left -= 1
    # Children: girls exploited sexually.
    children_left = profile.children - sum(v.child for v in victims)
    candidates = [v for v in victims if v.citizenship == HOME and v.form == SEXUAL]
    for victim in rng.sample(candidates, children_left):
        victim.child = True
    # Exploited at home: the foreigners (above), then men and women in forced labour, then others.
    domestic_left = profile.domestic - sum(not v.abroad for v in victims)
    others = [v for v in victims if v.abroad and v.form != FORCED]
    rng.shuffle(others)
    at_home = [v for v in victims if v.abroad and v.form == FORCED] + others
    for victim in at_home[: max(domestic_left, 0)]:
        victim.abroad = False
    # Ages at identification: the adults by the table's bands.
    adults = [v for v in victims if not v.child]
    rng.shuffle(adults)
    bands = [
        band
        for band, count in zip(AGE_BANDS, profile.adult_bands, strict=True)
        for _ in range(count)
    ]
    for victim, (low, high) in zip(adults, bands, strict=True):
        victim.age = rng.randint(low, high)
    for victim in victims:
        if victim.child:
            victim.age = int(_choose(rng, CHILD_AGES))
    return victims


def _destinations(rng: random.Random, profile: YearProfile, victims: list[_Victim]) -> list[str]:
    """A country of exploitation for each victim exploited sexually abroad, in order."""
    abroad = [v for v in victims if v.abroad and v.form == SEXUAL]
    exact = [country for country, count in profile.destinations for _ in range(count)]
    if len(exact) == len(abroad):
        rng.shuffle(exact)
        return exact
    return [_choose(rng, SEXUAL_DESTINATIONS) for _ in abroad]


# --- Presumed victims not identified, and 2025's open cases -----------------------------------


def _presumed_victim(rng: random.Random, *, foreign_child: bool = False) -> _Victim:
    if foreign_child:
        return _Victim(
            sex=MALE if rng.random() < 0.75 else FEMALE,
            citizenship=_choose(rng, (("AF", 3), ("UZ", 2), ("TJ", 2), ("IR", 1))),
            form=_choose(rng, (("begging", 3), (FORCED, 2))),
            child=True,
            age=rng.randint(12, 16),
            abroad=False,
            unaccompanied=True,
            outcome=IdentificationOutcome.NOT_IDENTIFIED,
        )
    sex = FEMALE if rng.random() < 0.65 else MALE
    citizenship = HOME if rng.random() < 0.78 else _choose(rng, PRESUMED_FOREIGN)
    if sex == FEMALE:
        form = _choose(rng, ((SEXUAL, 16), (FORCED, 3), ("forced_marriage", 1)))
    else:
        form = _choose(
            rng, ((FORCED, 15), ("begging", 2), ("forced_criminal_activity", 1), (SEXUAL, 2))
        )
    child = citizenship == HOME and rng.random() < 0.08
    if child:
        age = int(_choose(rng, CHILD_AGES))
    else:
        low, high = PRESUMED_AGE_BANDS[int(_choose(rng, PRESUMED_AGE_WEIGHTS))]
        age = rng.randint(low, high)
    abroad = citizenship == HOME and form != "begging" and rng.random() < 0.7
    return _Victim(
        sex=sex,
        citizenship=citizenship,
        form=form,
        child=child,
        age=age,
        abroad=abroad,
        outcome=IdentificationOutcome.NOT_IDENTIFIED,
    )


# --- Dates ------------------------------------------------------------------------------------


def _moment(rng: random.Random, day: datetime.date) -> datetime.datetime:
    """Office hours in Baku (UTC+4), so the local date is ``day``."""
    return datetime.datetime(
        day.year, day.month, day.day, rng.randint(5, 13), rng.randrange(60), tzinfo=datetime.UTC
    )


def _dates_for_decision(rng: random.Random, year: int) -> tuple[datetime.date, datetime.date]:
    """A registration day and a decision 1-60 days later, both inside ``year`` (at most 2025)."""
    first = datetime.date(year, 1, 1)
    end = min(datetime.date(year, 12, 31), LAST_DAY)
    decided_on = first + datetime.timedelta(days=rng.randint(1, (end - first).days))
    delay = rng.randint(1, min(60, (decided_on - first).days))
    return decided_on - datetime.timedelta(days=delay), decided_on


def _birth_date(
    rng: random.Random, age: int, decided_on: datetime.date, registered_on: datetime.date
) -> datetime.date:
    """A birth date giving ``age`` both at registration and at the decision."""
    anniversary = _years_before(decided_on, age)
    earliest_gap = (decided_on - registered_on).days
    return anniversary - datetime.timedelta(days=rng.randint(earliest_gap, 360))


def _exploitation_period(
    rng: random.Random, registered_on: datetime.date, age: int
) -> tuple[datetime.date, datetime.date]:
    """Seed 000 (2023): 74 of 91 exploited in earlier years, 17 in the year of identification.

    The exploitation starts no earlier than at about 15.
    """
    this_month = registered_on.replace(day=1)
    earliest = max(0, min(7, age - 15))
    if earliest == 0 or rng.random() < 0.19:
        start = this_month.replace(month=rng.randint(1, this_month.month))
    else:
        back = rng.randint(1, earliest)
        start = datetime.date(registered_on.year - back, rng.randint(1, 12), 1)
    months = rng.choice((1, 2, 3, 4, 6, 8, 12, 18, 24, 36))
    end = min(_month_shift(start, months), this_month)
    return start, end


# --- Identities -------------------------------------------------------------------------------


def _phone(rng: random.Random) -> str:
    return (
        f"+994 {rng.choice(MOBILE_PREFIXES)} {_digits(rng, 3)} {_digits(rng, 2)} {_digits(rng, 2)}"
    )


def _azerbaijani_identity(
    rng: random.Random, victim: _Victim, region: str, birth_date: datetime.date
) -> Identity:
    female = victim.sex == FEMALE
    given = rng.choice(AZ_FEMALE if female else AZ_MALE)
    family = rng.choice(AZ_FAMILY)
    father = rng.choice(AZ_MALE)
    russian = rng.random() < 0.18
    latin_family, cyrillic_family = family
    if female and not latin_family.endswith(("li", "lı", "zadə")):
        latin_family, cyrillic_family = latin_family + "a", cyrillic_family + "а"
    if russian:
        given_name, family_name = given[1], cyrillic_family
        patronymic = f"{father[1]} {'кызы' if female else 'оглы'}"
        aliases = [f"{given[0]} {latin_family}"] if rng.random() < 0.5 else []
    else:
        given_name, family_name = given[0], latin_family
        patronymic = f"{father[0]} {'qızı' if female else 'oğlu'}"
        aliases = []
    city = rng.choice(CITIES.get(region, CITIES["baku"]))
    documents: list[IdentityDocument] = []
    if victim.child and victim.age < 16:
        documents.append(
            IdentityDocument("birth_certificate", f"II-BK {_digits(rng, 6)}", issuing_country=HOME)
        )
    elif rng.random() < 0.94:
        if rng.random() < 0.75:
            documents.append(IdentityDocument("passport", f"C0{_digits(rng, 7)}", HOME))
        else:
            documents.append(IdentityDocument("national_id_card", f"AA{_digits(rng, 7)}", HOME))
    next_of_kin = ""
    if victim.child:
        mother = rng.choice(AZ_FEMALE)[0]
        mother_family = (
            latin_family if latin_family.endswith(("a", "li", "lı", "zadə")) else latin_family + "a"
        )
        next_of_kin = f"Anası: {mother} {mother_family}, {_phone(rng)}"
    elif rng.random() < 0.25:
        relative = rng.choice(("Anası", "Bacısı", "Qardaşı"))
        next_of_kin = f"{relative}: {rng.choice(AZ_FEMALE if relative != 'Qardaşı' else AZ_MALE)[0]}, {_phone(rng)}"
    address = f"{rng.choice(STREETS)} {rng.randint(1, 180)}"
    if rng.random() < 0.5:
        address += f", mənzil {rng.randint(1, 96)}"
    return Identity(
        given_name=given_name,
        family_name=family_name,
        patronymic=patronymic,
        aliases=aliases,
        birth_date=birth_date,
        birth_place=rng.choice(CITIES.get(region, CITIES["baku"])),
        documents=documents,
        phone=_phone(rng) if (not victim.child or rng.random() < 0.5) else "",
        address=f"{address}, {city}",
        next_of_kin=next_of_kin,
    )


def _foreign_identity(
    rng: random.Random, victim: _Victim, birth_date: datetime.date | None
) -> Identity:
    names = FOREIGN_NAMES[victim.citizenship]
    female = victim.sex == FEMALE
    family = rng.choice(names.family)
    if female:
        family += names.feminine_suffix
    patronymic = ""
    if victim.citizenship == "RU":
        patronymic = rng.choice(RUSSIAN_PATRONYMICS)[1 if female else 0]
    documents: list[IdentityDocument] = []
    if birth_date is not None and rng.random() < 0.85:
        number = names.passport_prefix + _digits(rng, names.passport_digits)
        documents.append(IdentityDocument("passport", number, victim.citizenship))
    return Identity(
        given_name=rng.choice(names.female if female else names.male),
        family_name=family,
        patronymic=patronymic,
        birth_date=birth_date,
        birth_place=rng.choice(names.cities),
        documents=documents,
        phone=_phone(rng) if birth_date is not None and rng.random() < 0.6 else "",
    )


# --- Putting a case together ------------------------------------------------------------------


def _registrar_for(rng: random.Random, victim: _Victim) -> str:
    if victim.citizenship != HOME:
        return _choose(rng, FOREIGN_CHILD_REGISTRARS if victim.child else FOREIGN_REGISTRARS)
    return _choose(rng, CHILD_REGISTRARS if victim.child else ADULT_REGISTRARS)


def _plan(
    rng: random.Random,
    victim: _Victim,
    *,
    year: int,
    order: int,
    country: str | None,
    registered_on: datetime.date,
    decided_on: datetime.date | None,
) -> _Planned:
    registrar = _registrar_for(rng, victim)
    channel = _choose(rng, REGISTRARS[registrar].channels)
    foreign = victim.citizenship != HOME
    region = "" if foreign else _choose(rng, REGIONS)
    if victim.abroad:
        countries = [
            country
            or _choose(rng, LABOUR_DESTINATIONS if victim.form == FORCED else SEXUAL_DESTINATIONS)
        ]
        scope = "transnational"
    else:
        countries = [HOME]
        scope = "transnational" if foreign else "domestic"
    if rng.random() < _online_share(year) and victim.form == SEXUAL:
        recruitment = _choose(rng, ONLINE_RECRUITMENT)
        platform = _choose(rng, _platforms(year))
    else:
        recruitment = _choose(rng, OFFLINE_RECRUITMENT)
        platform = ""
    control = _choose_some(
        rng, LABOUR_CONTROL if victim.form == FORCED else SEXUAL_CONTROL, rng.randint(2, 4)
    )
    start, end = _exploitation_period(rng, registered_on, victim.age)
    estimated = victim.unaccompanied and foreign
    reference_day = decided_on or registered_on
    birth_date = None if estimated else _birth_date(rng, victim.age, reference_day, registered_on)
    if foreign or birth_date is None:
        identity = _foreign_identity(rng, victim, birth_date)
    else:
        identity = _azerbaijani_identity(rng, victim, region, birth_date)
    has_children = None
    if not victim.child:
        has_children = rng.choices((True, False, None), weights=(45, 45, 10))[0]
    data = Registration(
        citizenship=victim.citizenship,
        contact_channel=channel,
        sex=victim.sex,
        identity=identity,
        estimated_age=victim.age if estimated else None,
        is_child=True if estimated else None,
        is_unaccompanied=victim.unaccompanied,
        region=region,
        has_disability=rng.choices((True, False, None), weights=(3, 85, 12))[0],
        has_children=False if victim.child else has_children,
        exploitation_forms=[victim.form],
        exploitation_countries=countries,
        exploitation_scope=scope,
        exploitation_from=start,
        exploitation_to=end,
        recruitment_channel=recruitment,
        online_platform=platform,
        control_means=control,
    )
    return _Planned(
        moment=_moment(rng, registered_on),
        order=order,
        registrar=registrar,
        data=data,
        decided_on=decided_on,
        outcome=victim.outcome,
    )


def _plan_year(rng: random.Random, year: int) -> list[_Planned]:
    plans: list[_Planned] = []
    profile = PROFILES[year]
    identified = _identified_victims(rng, profile)
    destinations = iter(_destinations(rng, profile, identified))
    for victim in identified:
        country = next(destinations) if victim.abroad and victim.form == SEXUAL else None
        registered_on, decided_on = _dates_for_decision(rng, year)
        plans.append(
            _plan(
                rng,
                victim,
                year=year,
                order=len(plans),
                country=country,
                registered_on=registered_on,
                decided_on=decided_on,
            )
        )
    not_identified = [_presumed_victim(rng) for _ in range(rng.randint(15, 30))]
    if rng.random() < 0.6:
        not_identified.append(_presumed_victim(rng, foreign_child=True))
    for victim in not_identified:
        registered_on, decided_on = _dates_for_decision(rng, year)
        plans.append(
            _plan(
                rng,
                victim,
                year=year,
                order=len(plans),
                country=None,
                registered_on=registered_on,
                decided_on=decided_on,
            )
        )
    if year == YEARS[-1]:
        for _ in range(rng.randint(4, 7)):
            victim = _presumed_victim(rng)
            victim.outcome = None
            registered_on = datetime.date(year, 10, 1) + datetime.timedelta(days=rng.randint(0, 80))
            plans.append(
                _plan(
                    rng,
                    victim,
                    year=year,
                    order=len(plans),
                    country=None,
                    registered_on=registered_on,
                    decided_on=None,
                )
            )
    return plans


# --- Accounts ---------------------------------------------------------------------------------


def _registrar_accounts(
    organisations: dict[str, Organisation], *, create_missing: bool
) -> tuple[dict[str, User], int]:
    """The account each registering organisation uses, by username; demo staff made on request.

    An organisation without an account leaves its cases to the specialised police, which
    registers what NGOs and other services refer to it.
    """
    accounts: dict[str, User] = {}
    created = 0
    for code, registrar in REGISTRARS.items():
        if code not in organisations:
            continue
        user = User.objects.filter(username=registrar.username, is_active=True).first()
        if user is None and create_missing and registrar.first_name:
            user = create_account(
                username=registrar.username,
                organisation_code=code,
                roles=[registrar.role],
                password=DEMO_PASSWORD,
                first_name=registrar.first_name,
                last_name=registrar.last_name,
            )
            created += 1
        if user is not None and user.organisation_id == organisations[code].pk:
            accounts[code] = user
    return accounts, created


# --- The generator ----------------------------------------------------------------------------


def generate_demo_history(
    *, seed: int = DEFAULT_SEED, years: Iterable[int] = YEARS, demo_staff: bool = False
) -> DemoSummary:
    """Add the synthetic history to an empty register; do nothing if any case exists.

    The demo accounts (``investigator``, ``hotline``, ``caseworker``) register and decide.
    With ``demo_staff``, accounts such as ``demo-ngo-contact`` are also created so that NGOs
    and the border and migration services register their own cases; without it, those cases
    are registered by the specialised police. Nothing else changes between the two.

    Each year draws from its own generator, derived from ``seed``, so that a run limited to
    some ``years`` (as tests do) gives exactly the same cases for them as a full run.
    """
    chosen = sorted(set(years))
    unknown = [year for year in chosen if year not in PROFILES]
    if unknown:
        raise ValueError(
            f"no seed statistics for {unknown}; the demo covers {YEARS[0]}-{YEARS[-1]}."
        )
    if Case.objects.exists():
        return DemoSummary(created=False, cases=Case.objects.count())
    investigator = User.objects.filter(username="investigator", is_active=True).first()
    if investigator is None or investigator.organisation is None:
        raise LookupError("the demo accounts are missing; `lantern demo` creates them first.")
    codes = sorted(REGISTRARS)
    organisations = {
        organisation.code: organisation
        for organisation in Organisation.objects.filter(code__in=codes, is_active=True)
    }
    deciding = organisations.get(DECIDING_ORGANISATION, investigator.organisation)
    master = random.Random(seed)  # noqa: S311 - invented data, reproducible on purpose
    year_seeds = {year: master.getrandbits(64) for year in YEARS}
    with transaction.atomic():
        accounts, accounts_created = _registrar_accounts(organisations, create_missing=demo_staff)
        plans = [
            plan
            for year in chosen
            for plan in _plan_year(random.Random(year_seeds[year]), year)  # noqa: S311
        ]
        plans.sort(key=lambda plan: (plan.moment, plan.order))
        counts = {CaseStatus.IDENTIFIED: 0, CaseStatus.NOT_IDENTIFIED: 0, CaseStatus.PRESUMED: 0}
        per_year = dict.fromkeys(chosen, 0)
        for plan in plans:
            actor = accounts.get(plan.registrar, investigator)
            case = register_presumed_victim(actor=actor, data=plan.data, now=plan.moment)
            if plan.outcome is not None and plan.decided_on is not None:
                record_identification_decision(
                    actor=investigator,
                    case=case,
                    expected_version=case.version,
                    decision=DecisionInput(
                        decided_on=plan.decided_on,
                        deciding_organisation=deciding,
                        method=IdentificationMethod.PROACTIVE,
                        outcome=plan.outcome,
                    ),
                    now=datetime.datetime.combine(
                        plan.decided_on, datetime.time(12), tzinfo=datetime.UTC
                    ),
                )
                if plan.outcome == IdentificationOutcome.IDENTIFIED:
                    counts[CaseStatus.IDENTIFIED] += 1
                    per_year[plan.decided_on.year] += 1
                else:
                    counts[CaseStatus.NOT_IDENTIFIED] += 1
            else:
                counts[CaseStatus.PRESUMED] += 1
    return DemoSummary(
        created=True,
        cases=len(plans),
        identified=counts[CaseStatus.IDENTIFIED],
        not_identified=counts[CaseStatus.NOT_IDENTIFIED],
        presumed=counts[CaseStatus.PRESUMED],
        accounts_created=accounts_created,
        years=tuple(chosen),
        identified_per_year=tuple(per_year.items()),
    )
