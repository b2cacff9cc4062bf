"""Assistance and protection on the demo history: payments, shelters, plans, services, permits.

``generate_demo_assistance`` works on the cases ``register.demo`` and ``nrm.demo`` created,
following the 2023 annual report (seed 000:148-166) and the GRETA reply (seed 001):

- about nine in ten identified victims receive the one-time allowance a few weeks after the
  identification (90 of 91 in 2023), at the rate in force on the day, paid by the assistance
  centre; the Human Trafficking Victims Aid Fund pays many of them and a few potential victims
  (98 actual and potential victims in 2023);
- about four in ten stay in a shelter: the MIA shelter or an NGO shelter. A completed or running
  referral to a shelter (``nrm.demo``) becomes the stay it describes; the others stay 10-60
  days. Every admission fits the shelter's places on its day, and a child over 10 is heard first;
- about half ask for an individual rehabilitation plan, drawn up by the assistance centre, with
  two to four measures, most agreed (for a child, by the representative too), and one review;
- every assisted victim receives one to four services (the completed referrals among them),
  and a few victims' children get school supplies or preschool places, as family, not victims;
- about one in five get free legal aid, a few claim compensation (none received, as GRETA
  Table 5 says every year, and one award);
- the two known residence-permit chains (seed 001:1247, one with a gap) go to the foreign
  victims closest to the seed's description, with a work-permit exemption; the other foreign
  victims are repatriated, the permit holders after their permits end; and one readmission
  from Greece on 29 June 2024 (seed 001:1305).

Everything is written through the assistance services from ``random.Random(seed)``: the same
seed and the same history make the same records. The services stamp their records with the
real clock; since the story is in the past, those stamps are set back to the day the record
describes.
"""

from __future__ import annotations

import datetime
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone

from lantern.access import policy
from lantern.assistance.models import (
    CompensationAgainst,
    FamilyMember,
    LegalAidProvider,
    LegalAidStage,
    Payment,
    PlanItem,
    PlanItemStatus,
    RehabilitationPlan,
    ResidencePermit,
    ServiceDelivered,
    ShelterProfile,
    ShelterStay,
)
from lantern.assistance.services import (
    add_plan_item,
    admit_to_shelter,
    create_plan,
    discharge,
    occupancy,
    record_compensation_claim,
    record_family_member,
    record_legal_aid,
    record_payment,
    record_repatriation,
    record_residence_permit,
    record_service,
    record_work_permit_exemption,
    review_plan,
    set_plan_item_status,
)
from lantern.core.demo import DEMO_PASSWORD
from lantern.core.models import BenefitType, Organisation, OrganisationKind, Role, User
from lantern.core.services import create_account
from lantern.nrm.deadlines import WorkingCalendar, current_calendar
from lantern.nrm.models import ChildHearing, HearingOccasion, Referral, ReferralStatus
from lantern.nrm.services import (
    PROVIDER_KINDS,
    child_must_be_heard,
    move_referral,
    record_child_hearing,
    record_consent,
    refer_case,
)
from lantern.register.demo import (
    DEFAULT_SEED,
    FEMALE,
    FORCED,
    HOME,
    MALE,
    SEXUAL,
    Weighted,
    _choose,
    _choose_some,
)
from lantern.register.identity import open_identity
from lantern.register.models import Case, CaseStatus, IdentificationDecision
from lantern.register.services import ADULT_AGE, age_on, latest_possible_birth_date

ALLOWANCE = "one_time_allowance"
FUND_PAYMENT = "assistance_fund_payment"
CENTRE = "ssa-assistance-center"
FUND = "mia-victims-aid-fund"
ALLOWANCE_SHARE = 0.92  # seed 000:148: 90 of 91 identified victims in 2023
FUND_SHARE = 0.6  # seed 000:160: 98 actual and potential victims in 2023
POTENTIAL_FUND_SHARE = 0.2
SHELTER_SHARE = 0.4
PLAN_SHARE = 0.5
LEGAL_AID_SHARE = 0.2
FAMILY_SHARE = 0.2
READMITTED_ON = datetime.date(2024, 6, 29)  # seed 001:1305, from Greece
READMITTED_BORN = 1976
PERMIT_BASIS = "Migration Code Art. 45.1.10-1"
EXEMPTION_BASIS = "Migration Code Art. 64.0.15-1"
REPATRIATION_COSTS = "State budget (Cabinet of Ministers Resolution No. 252 of 10 Sep 2013)"
LEISURE_FROM = datetime.date(2025, 12, 4)  # CabMin Decision No. 377 (seed 001:1147)


# --- Shelters and the staff who record ----------------------------------------------------------


@dataclass(frozen=True)
class ShelterPlaces:
    code: str
    adult_places: int
    child_places: int
    has_interpreter: bool = False


SHELTERS = (
    ShelterPlaces("mia-shelter", 30, 10, has_interpreter=True),  # seed 001:451
    ShelterPlaces("ngo-clean-world-shelter", 15, 10),
    ShelterPlaces("ngo-azerbaijan-children", 5, 20),
    ShelterPlaces("ngo-contact-shelter", 15, 10),
)


@dataclass(frozen=True)
class Staff:
    """A demo member of staff who records for an organisation; made if the organisation has none."""

    username: str
    organisation_code: str
    first_name: str
    last_name: str


SHELTER_STAFF = (
    Staff("demo-mia-shelter", "mia-shelter", "Aynur", "Musayeva"),
    Staff("demo-ngo-clean-world-shelter", "ngo-clean-world-shelter", "Fidan", "Mustafayeva"),
    Staff("demo-ngo-azerbaijan-children", "ngo-azerbaijan-children", "Gunel", "Safarova"),
    Staff("demo-ngo-contact-shelter", "ngo-contact-shelter", "Sevda", "Hajiyeva"),
)
FUND_STAFF = Staff("demo-mia-victims-aid-fund", FUND, "Ilaha", "Nuriyeva")
MIGRATION_STAFF = Staff("demo-sms", "sms", "Kamala", "Bagirova")

WOMEN_SHELTERS: Weighted = (
    ("mia-shelter", 6),
    ("ngo-clean-world-shelter", 2),
    ("ngo-contact-shelter", 1),
)
CHILD_SHELTERS = ("ngo-azerbaijan-children", "mia-shelter")
MEN_SHELTERS = ("mia-shelter",)
ADMISSION_REASONS = (
    "Identified victim with no safe place to stay.",
    "Referred by the specialised police after the identification.",
    "Needs safety and care while recovering.",
)
DESTINATIONS: Weighted = (
    ("returned to family", 6),
    ("rented flat", 2),
    ("moved in with relatives", 2),
    ("own home", 1),
)
CHILD_DESTINATIONS: Weighted = (("returned to family", 5), ("moved in with relatives", 1))
DISCHARGE_REASONS = {
    "returned to family": "Rehabilitation completed; returned to the family at own wish.",
    "rented flat": "Rehabilitation completed; moved to rented housing with the centre's help.",
    "moved in with relatives": "Rehabilitation completed; moved in with relatives.",
    "own home": "Rehabilitation completed; went home.",
    "repatriated": "Repatriated to the country of citizenship.",
}
# How nrm.demo words a shelter referral's outcome, and the destination it names.
STAYED = re.compile(r"Stayed (\d+) days in the shelter; (.+)\.")
REFERRAL_DESTINATIONS = {
    "returned to the family": "returned to family",
    "moved to rented housing": "rented flat",
    "moved in with relatives": "moved in with relatives",
}


# --- Services ------------------------------------------------------------------------------------

PROVIDER_OF_SERVICE = {
    "medical_hiv_test": "medical-institutions",
    "medical_gynaecological": "medical-institutions",
    "medical_therapeutic": "medical-institutions",
    "medical_treatment": "medical-institutions",
    "medical_surgery": "medical-institutions",
    "vocational_training": "sea",
    "employment": "sea",
    "targeted_social_aid": "ssa",
    "education": "schools",
    "housing": "local-executive-authorities",
    "temporary_residence_permit": "sms",
    "child_preschool": "schools",
    "child_birth_certificate": "moj-registry-offices",
}  # the others: the assistance centre
ADULT_SERVICES: Weighted = (
    ("psychological", 8),
    ("legal", 5),
    ("social", 5),
    ("medical_therapeutic", 4),
    ("medical_hiv_test", 3),
    ("vocational_training", 4),
    ("employment", 3),
    ("id_documents", 2),
    ("targeted_social_aid", 3),
    ("medical_treatment", 1),
    ("medical_surgery", 1),
)
WOMEN_ONLY_SERVICES = {"medical_gynaecological"}
CHILD_SERVICES: Weighted = (
    ("psychological", 6),
    ("education", 4),
    ("medical_therapeutic", 3),
    ("legal", 2),
    ("social", 2),
    ("id_documents", 1),
)
SHELTER_SERVICES = ("medical_hiv_test", "medical_gynaecological", "medical_therapeutic")
OUTCOMES: dict[str, tuple[str, ...]] = {
    "medical_hiv_test": ("Tested; the result was given to the person in confidence.",),
    "medical_gynaecological": ("Examined; treatment prescribed and completed.",),
    "medical_therapeutic": ("Examined; no further treatment needed.",),
    "medical_treatment": ("Treated in hospital; discharged in good health.",),
    "medical_surgery": ("The required operation was carried out; recovered well.",),
    "psychological": ("{n} counselling sessions; the person feels safer and more confident.",),
    "legal": ("Legal counselling given; helped to restore documents and rights.",),
    "social": ("One-off social allowance paid; household items provided.",),
    "vocational_training": (
        "Completed a sewing course.",
        "Completed a hairdressing course.",
        "Completed a computer literacy course.",
        "Completed a cooking course.",
    ),
    "vocational_rehabilitation": ("Completed the vocational rehabilitation programme.",),
    "employment": (
        "Placed in a job as a seamstress.",
        "Placed in a job as a cook's assistant.",
        "Placed in a job with a cleaning company.",
        "Placed in a job as a shop assistant.",
    ),
    "id_documents": ("A new identity card was issued.",),
    "targeted_social_aid": ("Targeted state social assistance granted for six months.",),
    "return_to_family": ("Returned to the family; the family was visited a month later.",),
    "education": ("Returned to school; the school year was completed.",),
    "housing": ("A room in social housing was provided.",),
    "leisure_culture": ("Took part in cultural and leisure activities.",),
    "temporary_residence_permit": ("Temporary residence permit issued for one year.",),
    "child_school_supplies": ("School bag, uniform and supplies for the school year.",),
    "child_preschool": ("Enrolled in a preschool education programme.",),
    "child_birth_certificate": ("A birth certificate was issued.",),
    "child_alimony": ("Alimony payments were arranged through the court.",),
}

# --- Rehabilitation plans --------------------------------------------------------------------------

ADULT_DIRECTIONS: Weighted = (
    ("psychological", 6),
    ("legal", 5),
    ("vocational_training_employment", 5),
    ("medical", 4),
    ("vocational_rehabilitation", 2),
    ("housing", 2),
    ("education", 1),
)
CHILD_DIRECTIONS: Weighted = (
    ("psychological", 6),
    ("education", 6),
    ("legal", 3),
    ("medical", 3),
    ("housing", 1),
)
PROVIDER_OF_DIRECTION = {
    "medical": "medical-institutions",
    "vocational_training_employment": "sea",
    "education": "schools",
    "housing": "local-executive-authorities",
}  # the others: the assistance centre
SERVICES_OF_DIRECTION: dict[str, tuple[str, ...]] = {
    "legal": ("legal",),
    "psychological": ("psychological",),
    "medical": ("medical_therapeutic", "medical_treatment"),
    "vocational_rehabilitation": ("vocational_rehabilitation",),
    "vocational_training_employment": ("vocational_training", "employment"),
    "education": ("education",),
    "housing": ("housing",),
    "leisure_culture": ("leisure_culture",),
}

# --- Residence permits -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PermitChain:
    """A known chain of temporary residence permits (seed 001:1247) and whom it belongs to."""

    citizenship: str
    sex: str
    form: str
    born: int
    periods: tuple[tuple[datetime.date, datetime.date], ...]
    permit_type: str = "other"  # the seed does not give the type


# The Nigerian chain comes first: it has the gap, and a short history may hold one foreigner only.
PERMIT_CHAINS = (
    PermitChain(
        "NG",
        FEMALE,
        SEXUAL,
        2005,
        (
            (datetime.date(2022, 7, 25), datetime.date(2023, 7, 25)),
            (datetime.date(2023, 10, 9), datetime.date(2024, 10, 9)),
        ),
    ),
    PermitChain(
        "RU",
        FEMALE,
        FORCED,
        1973,
        (
            (datetime.date(2021, 1, 20), datetime.date(2022, 1, 20)),
            (datetime.date(2022, 1, 21), datetime.date(2023, 1, 21)),
        ),
    ),
)
REPATRIATION_DOCUMENTS = (
    "Certificate of return issued by the consulate",
    "Passport renewed by the embassy",
    "Travel document issued by the embassy",
)
COURTS = (
    "baku-serious-crimes-court",
    "ganja-serious-crimes-court",
    "lankaran-serious-crimes-court",
)


# --- What the generator makes ------------------------------------------------------------------------


@dataclass(frozen=True)
class AssistanceDemoSummary:
    created: bool
    payments: int = 0
    allowances: int = 0
    fund_payments: int = 0
    shelter_profiles: int = 0
    shelter_stays: int = 0
    still_staying: int = 0
    child_hearings: int = 0
    plans: int = 0
    plan_items: int = 0
    plan_reviews: int = 0
    services: int = 0
    family_members: int = 0
    legal_aid: int = 0
    compensation_claims: int = 0
    compensation_awards: int = 0
    residence_permits: int = 0
    work_permit_exemptions: int = 0
    repatriations: int = 0
    readmissions: int = 0
    accounts_created: int = 0

    def describe(self) -> str:
        if not self.created:
            return f"Demo assistance: {self.payments} payments are already recorded; nothing added."
        return (
            f"Demo assistance: {self.payments} payments ({self.allowances} one-time allowances, "
            f"{self.fund_payments} from the Fund), {self.shelter_stays} shelter stays, "
            f"{self.plans} rehabilitation plans, {self.services} services, "
            f"{self.legal_aid} legal aid, {self.compensation_claims} compensation claims, "
            f"{self.residence_permits} residence permits, {self.repatriations} repatriations "
            f"and {self.readmissions} readmission."
        )


@dataclass
class _Context:
    calendar: WorkingCalendar
    now: datetime.datetime
    caseworker: User
    centre: Organisation
    counts: Counter[str] = field(default_factory=Counter)
    organisations: dict[str, Organisation | None] = field(default_factory=dict)
    staff: dict[str, User] = field(default_factory=dict)

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    def organisation(self, code: str) -> Organisation:
        """The organisation of ``code``, or the assistance centre if the pack has none."""
        if code not in self.organisations:
            self.organisations[code] = Organisation.objects.filter(
                code=code, is_active=True
            ).first()
        return self.organisations[code] or self.centre

    def stamp(
        self,
        rng: random.Random,
        model: type[models.Model],
        pk: int,
        day: datetime.date,
        name: str = "recorded_at",
    ) -> None:
        """Set the record's time stamp back to the working day of the story, never past now."""
        moment = datetime.datetime.combine(
            day,
            datetime.time(rng.randint(9, 17), rng.randrange(60)),
            tzinfo=self.calendar.time_zone,
        )
        moment = min(moment, self.now - datetime.timedelta(minutes=1))
        model._default_manager.filter(pk=pk).update(**{name: moment})


def _days(rng: random.Random, day: datetime.date, low: int, high: int) -> datetime.date:
    return day + datetime.timedelta(days=rng.randint(low, high))


def _identified(case: Case) -> datetime.date:
    if case.identified_on is None:
        raise ValueError(f"case {case.reference} has no identification date")
    return case.identified_on


def _outcome(rng: random.Random, service: str) -> str:
    text = rng.choice(OUTCOMES.get(service, ("The service was delivered.",)))
    return text.format(n=rng.randint(3, 12))


def _is_child(case: Case) -> bool:
    if case.child_at_identification is not None:
        return case.child_at_identification
    return case.child_at_registration


def _child_on(case: Case, day: datetime.date) -> bool:
    """As the shelter services count a person: a child on ``day`` by the youngest possible age."""
    youngest = latest_possible_birth_date(case.person, open_identity(case.person))
    if youngest is None:
        return case.child_at_registration
    return age_on(youngest, day) < ADULT_AGE


def _forms(case: Case) -> set[str]:
    return {form.code for form in case.exploitation_forms.all()}


def _staff(ctx: _Context, staff: Staff) -> User | None:
    """The demo account of ``staff``, another caseworker of the organisation, or a new account."""
    if staff.organisation_code in ctx.staff:
        return ctx.staff[staff.organisation_code]
    organisation = Organisation.objects.filter(code=staff.organisation_code, is_active=True).first()
    if organisation is None:
        return None
    user = User.objects.filter(
        username=staff.username, is_active=True, organisation=organisation
    ).first()
    if user is None:
        user = (
            User.objects.filter(
                is_active=True, organisation=organisation, roles__role=Role.CASEWORKER
            )
            .order_by("pk")
            .first()
        )
    if user is None:
        if User.objects.filter(username=staff.username).exists():
            return None  # the name is taken by someone elsewhere; leave that account alone
        user = create_account(
            username=staff.username,
            organisation_code=organisation.code,
            roles=[Role.CASEWORKER],
            password=DEMO_PASSWORD,
            first_name=staff.first_name,
            last_name=staff.last_name,
        )
        ctx.counts["accounts_created"] += 1
    ctx.staff[staff.organisation_code] = user
    return user


def _service(
    ctx: _Context,
    rng: random.Random,
    case: Case,
    service: str,
    day: datetime.date,
    *,
    provider: Organisation | None = None,
    actor: User | None = None,
    outcome: str | None = None,
    plan_item: PlanItem | None = None,
    family_member: FamilyMember | None = None,
) -> ServiceDelivered | None:
    if day > ctx.today:
        return None
    delivered = record_service(
        actor=actor or ctx.caseworker,
        case=case,
        service_type=service,
        provider=provider or ctx.organisation(PROVIDER_OF_SERVICE.get(service, CENTRE)),
        delivered_on=day,
        outcome=_outcome(rng, service) if outcome is None else outcome,
        family_member=family_member,
        plan_item=plan_item,
    )
    ctx.stamp(rng, ServiceDelivered, delivered.pk, day)
    ctx.counts["services"] += 1
    return delivered


# --- Payments ------------------------------------------------------------------------------------------


def _payments(
    ctx: _Context, rng: random.Random, identified: list[Case], potential: list[Case]
) -> None:
    allowance = BenefitType.objects.filter(code=ALLOWANCE).first()
    fund = BenefitType.objects.filter(code=FUND_PAYMENT).first()
    fund_staff = _staff(ctx, FUND_STAFF)
    paid: set[int] = set()
    decided = dict(
        IdentificationDecision.objects.filter(case__in=potential).values_list(
            "case_id", "decided_on"
        )
    )

    def pay(benefit: BenefitType, actor: User, case: Case, day: datetime.date, kind: str) -> None:
        if day > ctx.today or benefit.rate_on(day) is None:
            return
        _open_to(actor, case)
        payment = record_payment(actor=actor, case=case, benefit=benefit, paid_on=day)
        ctx.stamp(rng, Payment, payment.pk, day)
        ctx.counts[kind] += 1

    for case in identified:
        identified_on = _identified(case)
        if allowance is not None and case.person_id not in paid and rng.random() < ALLOWANCE_SHARE:
            pay(
                allowance,
                ctx.caseworker,
                case,
                _days(rng, identified_on, 14, 42),
                "allowances",
            )
            paid.add(case.person_id)
        if fund is not None and fund_staff is not None and rng.random() < FUND_SHARE:
            pay(fund, fund_staff, case, _days(rng, identified_on, 10, 90), "fund_payments")
    if fund is None or fund_staff is None:
        return
    for case in potential:
        day = decided.get(case.pk)
        if day is not None and rng.random() < POTENTIAL_FUND_SHARE:
            pay(fund, fund_staff, case, _days(rng, day, 7, 60), "fund_payments")


# --- Residence permits and work-permit exemptions ------------------------------------------------------


def _birth_year(case: Case) -> int | None:
    youngest = latest_possible_birth_date(case.person, None)
    return youngest.year if youngest is not None else None


def _holder_for(chain: PermitChain, candidates: list[Case]) -> Case | None:
    """The foreign victim closest to the seed's description of the permit holder."""

    def distance(case: Case) -> tuple[int, int, int, int, int]:
        born = _birth_year(case)
        return (
            case.person.citizenship != chain.citizenship,
            case.person.sex != chain.sex,
            chain.form not in _forms(case),
            bool(case.identified_on and case.identified_on > chain.periods[0][0]),
            abs(born - chain.born) if born is not None else 100,
        )

    return min(candidates, key=distance, default=None)


def _permits(ctx: _Context, rng: random.Random, identified: list[Case]) -> dict[int, datetime.date]:
    """Attach the known chains; return when each holder's last permit ends."""
    foreigners = [case for case in identified if case.person.citizenship != HOME]
    actor = _staff(ctx, MIGRATION_STAFF) or ctx.caseworker
    ends: dict[int, datetime.date] = {}
    for chain in PERMIT_CHAINS:
        holder = _holder_for(chain, [case for case in foreigners if case.pk not in ends])
        if holder is None:
            continue
        previous: ResidencePermit | None = None
        for valid_from, valid_to in chain.periods:
            if valid_from > ctx.today:
                break
            previous = record_residence_permit(
                actor=actor,
                case=holder,
                permit_type=chain.permit_type,
                legal_basis=PERMIT_BASIS,
                valid_from=valid_from,
                valid_to=valid_to,
                renews=previous,
            )
            ctx.stamp(rng, ResidencePermit, previous.pk, valid_from)
            ctx.counts["residence_permits"] += 1
        if previous is None:
            continue
        ends[holder.pk] = previous.valid_to
        first = chain.periods[0][0]
        _service(ctx, rng, holder, "temporary_residence_permit", first, actor=actor)
        # Free to work without a work permit, from the first permit as an adult.
        adult_from = next(
            (start for start, _ in chain.periods if not _child_on(holder, start)),
            previous.valid_from,
        )
        if adult_from <= ctx.today:
            record_work_permit_exemption(
                actor=actor, case=holder, recorded_on=adult_from, legal_basis=EXEMPTION_BASIS
            )
            ctx.counts["work_permit_exemptions"] += 1
    return ends


def _repatriation_days(
    ctx: _Context, rng: random.Random, identified: list[Case], permit_ends: dict[int, datetime.date]
) -> dict[int, datetime.date]:
    """When each foreign victim goes home: weeks after identification, or after the last permit."""
    days: dict[int, datetime.date] = {}
    for case in identified:
        if case.person.citizenship == HOME:
            continue
        identified_on = _identified(case)
        if case.pk in permit_ends:
            day = _days(rng, permit_ends[case.pk], 3, 30)
        else:
            day = _days(rng, identified_on, 20, 60)
        if day <= ctx.today:
            days[case.pk] = day
    return days


def _repatriations(
    ctx: _Context, rng: random.Random, identified: list[Case], days: dict[int, datetime.date]
) -> None:
    actor = _staff(ctx, MIGRATION_STAFF) or ctx.caseworker
    for case in identified:
        day = days.get(case.pk)
        if day is None:
            continue
        record_repatriation(
            actor=actor,
            case=case,
            destination=case.person.citizenship,
            repatriated_on=day,
            documents_obtained=rng.choice(REPATRIATION_DOCUMENTS),
            escorted=_child_on(case, day) or rng.random() < 0.3,
            costs_borne_by=REPATRIATION_COSTS,
        )
        ctx.counts["repatriations"] += 1
    # The one readmission (seed 001:1305): a woman born in 1976, returned from Greece.
    if ctx.today < READMITTED_ON:
        return

    def distance(case: Case) -> tuple[int, int, int, int]:
        # Screened on return: registered on the day of the readmission or soon after.
        registered_on = ctx.calendar.local_date(case.registered_at)
        born = _birth_year(case)
        return (
            case.contact_channel != "readmission",
            registered_on < READMITTED_ON,
            abs((registered_on - READMITTED_ON).days) // 30,
            abs(born - READMITTED_BORN) if born is not None else 100,
        )

    women = [
        case
        for case in identified
        if case.person.citizenship == HOME and case.person.sex == FEMALE and not _is_child(case)
    ]
    readmitted = min(women, key=distance, default=None)
    if readmitted is None:
        return
    record_repatriation(
        actor=ctx.staff.get(MIGRATION_STAFF.organisation_code, ctx.caseworker),
        case=readmitted,
        destination=HOME,
        repatriated_on=READMITTED_ON,
        documents_obtained=(
            "Readmitted from Greece (GR); certificate of return issued by the embassy in Athens"
        ),
        escorted=False,
        costs_borne_by="Readmission agreement",
        is_readmission=True,
    )
    ctx.counts["readmissions"] += 1


# --- Shelters -------------------------------------------------------------------------------------------


@dataclass
class _StayPlan:
    case: Case
    shelters: tuple[str, ...]  # in order of preference
    admitted_on: datetime.date
    days: int | None  # None: still staying
    destination: str
    reason: str


def _shelter_profiles(ctx: _Context) -> None:
    for places in SHELTERS:
        shelter = Organisation.objects.filter(
            code=places.code, is_active=True, kind=OrganisationKind.SHELTER
        ).first()
        if shelter is None:
            continue
        _, created = ShelterProfile.objects.get_or_create(
            shelter=shelter,
            defaults={
                "adult_places": places.adult_places,
                "child_places": places.child_places,
                "has_interpreter": places.has_interpreter,
            },
        )
        ctx.counts["shelter_profiles"] += created


def _shelters_for(rng: random.Random, case: Case, first: str | None = None) -> tuple[str, ...]:
    if _is_child(case):
        order = list(CHILD_SHELTERS)
    elif case.person.sex == MALE:
        order = list(MEN_SHELTERS)
    else:
        order = _choose_some(rng, WOMEN_SHELTERS, len(WOMEN_SHELTERS))
    if first is not None:
        order = [first, *(code for code in order if code != first)]
    return tuple(order)


def _referred_stays(identified: list[Case]) -> list[tuple[Case, Referral]]:
    """The first shelter referral of each case that the shelter accepted and ran."""
    cases = {case.pk: case for case in identified}
    referrals = (
        Referral.objects.filter(
            service_type="shelter_accommodation",
            provider__kind=OrganisationKind.SHELTER,
            status__in=(ReferralStatus.COMPLETED, ReferralStatus.IN_PROGRESS),
        )
        .select_related("case", "case__person", "provider")
        .order_by("sent_at", "pk")
    )
    found: dict[int, tuple[Case, Referral]] = {}
    for referral in referrals:
        if referral.case_id in found:
            continue
        # Running referrals of presumed victims met in the last days stay too (still there).
        if referral.case_id in cases or referral.status == ReferralStatus.IN_PROGRESS:
            found[referral.case_id] = (cases.get(referral.case_id, referral.case), referral)
    return list(found.values())


def _plan_stays(
    ctx: _Context,
    rng: random.Random,
    identified: list[Case],
    repatriations: dict[int, datetime.date],
) -> list[_StayPlan]:
    plans: list[_StayPlan] = []
    referred = _referred_stays(identified)
    for case, referral in referred:
        started = referral.events.filter(status=ReferralStatus.IN_PROGRESS).first()
        if started is None:
            continue
        admitted_on = ctx.calendar.local_date(started.at)
        match = STAYED.match(referral.outcome)
        days: int | None = None
        destination = _choose(rng, CHILD_DESTINATIONS if _is_child(case) else DESTINATIONS)
        if referral.status == ReferralStatus.COMPLETED:
            days = int(match.group(1)) if match else rng.randint(10, 60)
            if match:
                destination = REFERRAL_DESTINATIONS.get(match.group(2), match.group(2))
        plans.append(
            _StayPlan(
                case,
                _shelters_for(rng, case, referral.provider.code),
                admitted_on,
                days,
                destination,
                "Referred with the person's consent. " + rng.choice(ADMISSION_REASONS),
            )
        )
    taken = {plan.case.pk for plan in plans}
    others = [case for case in identified if case.pk not in taken]
    share = max(0.0, (SHELTER_SHARE * len(identified) - len(taken)) / max(len(others), 1))
    for case in others:
        if rng.random() >= share:
            continue
        identified_on = _identified(case)
        registered_on = ctx.calendar.local_date(case.registered_at)
        admitted_on = max(registered_on, _days(rng, identified_on, -3, 7))
        days = rng.randint(10, 60)
        destination = _choose(rng, CHILD_DESTINATIONS if _is_child(case) else DESTINATIONS)
        plans.append(
            _StayPlan(
                case,
                _shelters_for(rng, case),
                admitted_on,
                days,
                destination,
                rng.choice(ADMISSION_REASONS),
            )
        )
    for plan in plans:
        home_on = repatriations.get(plan.case.pk)
        if home_on is not None and plan.days is not None:
            span = (home_on - plan.admitted_on).days
            if 1 <= span <= 120:
                plan.days, plan.destination = span, "repatriated"
    plans.sort(key=lambda plan: (plan.admitted_on, plan.case.registered_at, plan.case.pk))
    return plans


def _free_place(shelter: Organisation, day: datetime.date, child: bool) -> bool:
    places = occupancy(shelter, day)
    return (places.free_child_places if child else places.free_adult_places) > 0


def _stays(
    ctx: _Context,
    rng: random.Random,
    identified: list[Case],
    repatriations: dict[int, datetime.date],
) -> dict[int, ShelterStay]:
    """Admissions in date order, each within the places of its day; discharges as planned."""
    staff = {
        member.organisation_code: user
        for member in SHELTER_STAFF
        if (user := _staff(ctx, member)) is not None
    }
    stays: dict[int, ShelterStay] = {}
    for plan in _plan_stays(ctx, rng, identified, repatriations):
        if plan.admitted_on > ctx.today:
            continue
        child = _child_on(plan.case, plan.admitted_on)
        chosen: User | None = None
        for code in plan.shelters:
            user = staff.get(code)
            if (
                user is not None
                and user.organisation is not None
                and _free_place(user.organisation, plan.admitted_on, child)
            ):
                chosen = user
                break
        if chosen is None:
            continue
        if child and child_must_be_heard(plan.case, plan.admitted_on):
            hearing = record_child_hearing(
                actor=chosen,
                case=plan.case,
                occasion=HearingOccasion.PLACEMENT,
                heard_on=plan.admitted_on,
                note="Heard with the legal representative; agrees to stay in the shelter.",
            )
            ctx.stamp(rng, ChildHearing, hearing.pk, plan.admitted_on)
            ctx.counts["child_hearings"] += 1
        stay = admit_to_shelter(
            actor=chosen, case=plan.case, admitted_on=plan.admitted_on, reason=plan.reason
        )
        ctx.stamp(rng, ShelterStay, stay.pk, plan.admitted_on)
        ctx.counts["shelter_stays"] += 1
        stays[plan.case.pk] = stay
        leaves_on = (
            plan.admitted_on + datetime.timedelta(days=plan.days) if plan.days is not None else None
        )
        if leaves_on is None or leaves_on > ctx.today:
            ctx.counts["still_staying"] += 1
            continue
        discharge(
            actor=chosen,
            stay=stay,
            discharged_on=leaves_on,
            reason=DISCHARGE_REASONS.get(plan.destination, "Rehabilitation completed."),
            destination=plan.destination,
        )
    return stays


# --- Rehabilitation plans ---------------------------------------------------------------------------------


def _open_to(actor: User, case: Case) -> None:
    """Refer the case to ``actor``'s organisation first, as in real work, so it may see and change it."""
    if actor.organisation is None or actor.organisation.kind not in PROVIDER_KINDS:
        return
    if policy.can_edit_case(actor, case):
        return
    holder = User.objects.get(username="investigator")
    consent = record_consent(
        actor=holder,
        case=case,
        given_by="legal_representative" if case.child_at_registration else "person",
        given_at=timezone.now(),
        disclosure="summary",
    )
    referral = refer_case(
        actor=holder, case=case, provider=actor.organisation, service_type="social", consent=consent
    )
    move_referral(actor=actor, referral=referral, status=ReferralStatus.ACCEPTED)
    move_referral(actor=actor, referral=referral, status=ReferralStatus.IN_PROGRESS)


def _plans(ctx: _Context, rng: random.Random, identified: list[Case]) -> set[int]:
    """Plans drawn up by the assistance centre at the person's request; returns the cases."""
    planned: set[int] = set()
    if ctx.caseworker.organisation is None or (
        ctx.caseworker.organisation.kind != OrganisationKind.ASSISTANCE_CENTRE
    ):
        return planned
    for case in identified:
        if rng.random() >= PLAN_SHARE:
            continue
        identified_on = _identified(case)
        requested_on = _days(rng, identified_on, 1, 10)
        if requested_on > ctx.today:
            continue
        _open_to(ctx.caseworker, case)
        plan = create_plan(actor=ctx.caseworker, case=case, requested_on=requested_on)
        ctx.stamp(rng, RehabilitationPlan, plan.pk, requested_on, "created_at")
        ctx.counts["plans"] += 1
        planned.add(case.pk)
        child = _is_child(case)
        weighted = list(CHILD_DIRECTIONS if child else ADULT_DIRECTIONS)
        if requested_on >= LEISURE_FROM:
            weighted.append(("leisure_culture", 2))
        done = going = 0
        directions = _choose_some(rng, weighted, rng.randint(2, 4))
        for direction in directions:
            agreed = rng.random() < 0.9
            agreed_on = _days(rng, requested_on, 0, 3) if agreed else None
            agreed_on = min(agreed_on, ctx.today) if agreed_on else None
            target = _days(rng, requested_on, 30, 180)
            item = add_plan_item(
                actor=ctx.caseworker,
                plan=plan,
                direction=direction,
                provider=ctx.organisation(PROVIDER_OF_DIRECTION.get(direction, CENTRE)),
                target_date=target,
                victim_agreed_on=agreed_on,
                representative_agreed_on=agreed_on if child else None,
            )
            ctx.counts["plan_items"] += 1
            if agreed_on is None:
                continue
            draw = rng.random()
            status = PlanItemStatus.DONE if draw < 0.6 else PlanItemStatus.IN_PROGRESS
            if draw > 0.95:
                status = PlanItemStatus.CANCELLED
            if status == PlanItemStatus.DONE and target > ctx.today:
                status = PlanItemStatus.IN_PROGRESS
            set_plan_item_status(actor=ctx.caseworker, item=item, status=status)
            done += status == PlanItemStatus.DONE
            going += status == PlanItemStatus.IN_PROGRESS
            if status == PlanItemStatus.DONE:
                span = max(1, (target - agreed_on).days)
                service = rng.choice(SERVICES_OF_DIRECTION[direction])
                _service(
                    ctx,
                    rng,
                    case,
                    service,
                    _days(rng, agreed_on, 1, span),
                    provider=item.provider,
                    plan_item=item,
                )
        reviewed_on = _days(rng, requested_on, 30, 120)
        if reviewed_on <= ctx.today:
            note = (
                f"Reviewed with the person: {done} of {len(directions)} measures done, "
                f"{going} under way."
            )
            if child:
                note += " The legal representative took part."
            review_plan(actor=ctx.caseworker, plan=plan, reviewed_on=reviewed_on, note=note)
            ctx.counts["plan_reviews"] += 1
    return planned


# --- Services -----------------------------------------------------------------------------------------------


def _referred_services(ctx: _Context, rng: random.Random, identified: list[Case]) -> set[int]:
    """Each completed referral (other than a shelter place) is a service delivered."""
    cases = {case.pk: case for case in identified}
    referrals = (
        Referral.objects.filter(case__in=identified, status=ReferralStatus.COMPLETED)
        .exclude(service_type="shelter_accommodation")
        .select_related("provider")
        .order_by("sent_at", "pk")
    )
    served: set[int] = set()
    for referral in referrals:
        completed = referral.events.filter(status=ReferralStatus.COMPLETED).first()
        if completed is None:
            continue
        staff = User.objects.filter(pk=completed.by_id).first()
        _service(
            ctx,
            rng,
            cases[referral.case_id],
            referral.service_type,
            ctx.calendar.local_date(completed.at),
            provider=referral.provider,
            actor=staff,
            outcome=referral.outcome,
        )
        served.add(referral.case_id)
    return served


def _more_services(
    ctx: _Context,
    rng: random.Random,
    identified: list[Case],
    assisted: set[int],
    stays: dict[int, ShelterStay],
) -> None:
    """One to four services for every assisted victim, counting those already delivered."""
    delivered: dict[int, set[str]] = {}
    for case_id, service in ServiceDelivered.objects.filter(
        case__in=identified, family_member__isnull=True
    ).values_list("case_id", "service_type"):
        delivered.setdefault(case_id, set()).add(service)
    counts = dict(
        ServiceDelivered.objects.filter(case__in=identified, family_member__isnull=True)
        .values("case_id")
        .annotate(n=Count("pk"))
        .values_list("case_id", "n")
    )
    for case in identified:
        if case.pk not in assisted:
            continue
        identified_on = _identified(case)
        target = rng.randint(1, 4)
        have = counts.get(case.pk, 0)
        types = delivered.get(case.pk, set())
        stay = stays.get(case.pk)
        if stay is not None and have < target:
            shelter = stay.shelter
            last_day = stay.discharged_on or min(
                ctx.today, stay.admitted_on + datetime.timedelta(days=30)
            )
            span = max(0, (last_day - stay.admitted_on).days)
            services = [
                service
                for service in SHELTER_SERVICES
                if case.person.sex == FEMALE or service not in WOMEN_ONLY_SERVICES
            ]
            for service in rng.sample(services, rng.randint(1, len(services))):
                if have >= target or service in types:
                    continue
                day = _days(rng, stay.admitted_on, 0, min(span, 10))
                if _service(ctx, rng, case, service, day, provider=shelter, actor=stay.recorded_by):
                    have += 1
                    types.add(service)
            if (
                have < target
                and stay.destination == "returned to family"
                and stay.discharged_on is not None
                and _service(
                    ctx,
                    rng,
                    case,
                    "return_to_family",
                    stay.discharged_on,
                    provider=shelter,
                    actor=stay.recorded_by,
                )
            ):
                have += 1
        if have >= target:
            continue
        weighted: Weighted = CHILD_SERVICES if _is_child(case) else ADULT_SERVICES
        if case.person.sex == FEMALE and not _is_child(case):
            weighted = (*weighted, ("medical_gynaecological", 4))
        pool = [(service, weight) for service, weight in weighted if service not in types]
        for service in _choose_some(rng, pool, target - have):
            _service(ctx, rng, case, service, _days(rng, identified_on, 3, 150))


def _families(
    ctx: _Context, rng: random.Random, identified: list[Case], assisted: set[int]
) -> None:
    """A few victims' children, recorded as family, with school supplies or a preschool place."""
    for case in identified:
        if (
            case.pk not in assisted
            or _is_child(case)
            or not case.person.has_children
            or rng.random() >= FAMILY_SHARE
        ):
            continue
        identified_on = _identified(case)
        for _ in range(1 if rng.random() < 0.75 else 2):
            age = rng.randint(1, 14)
            member = record_family_member(
                actor=ctx.caseworker,
                case=case,
                birth_year=identified_on.year - age,
                sex=rng.choice((FEMALE, MALE)),
            )
            ctx.counts["family_members"] += 1
            services: list[tuple[str, datetime.date]] = []
            if age >= 6:
                school_starts = datetime.date(identified_on.year, 9, 1)
                if school_starts < identified_on:
                    school_starts = school_starts.replace(year=school_starts.year + 1)
                services.append(("child_school_supplies", _days(rng, school_starts, -20, -1)))
            elif age >= 3:
                services.append(("child_preschool", _days(rng, identified_on, 14, 60)))
            if rng.random() < 0.3:
                services.append(("child_birth_certificate", _days(rng, identified_on, 7, 90)))
            if rng.random() < 0.15:
                services.append(("child_alimony", _days(rng, identified_on, 30, 180)))
            for service, day in services:
                _service(ctx, rng, case, service, max(day, identified_on), family_member=member)


# --- Legal aid and compensation --------------------------------------------------------------------------


def _legal_aid(ctx: _Context, rng: random.Random, identified: list[Case]) -> None:
    at_court: dict[int, list[tuple[Case, datetime.date]]] = {}
    for case in identified:
        if rng.random() >= LEGAL_AID_SHARE:
            continue
        identified_on = _identified(case)
        if _is_child(case) and SEXUAL in _forms(case):
            kind = LegalAidProvider.STATE_PAID_CHILD_LAWYER
        elif rng.random() < 0.15:
            kind = LegalAidProvider.NGO
        else:
            kind = LegalAidProvider.BAR_MEMBER
        started = _days(rng, identified_on, 0, 14)
        if started > ctx.today:
            continue
        ended: datetime.date | None = _days(rng, started, 60, 200)
        if ended is not None and ended > ctx.today:
            ended = None
        record_legal_aid(
            actor=ctx.caseworker,
            case=case,
            provider_kind=kind,
            stage=LegalAidStage.INVESTIGATION,
            started_on=started,
            ended_on=ended,
        )
        ctx.counts["legal_aid"] += 1
        if ended is None or rng.random() >= 0.6:
            continue
        court_from = _days(rng, ended, 5, 40)
        if court_from > ctx.today:
            continue
        court_to: datetime.date | None = _days(rng, court_from, 30, 150)
        if court_to is not None and court_to > ctx.today:
            court_to = None
        record_legal_aid(
            actor=ctx.caseworker,
            case=case,
            provider_kind=kind,
            stage=LegalAidStage.COURT,
            started_on=court_from,
            ended_on=court_to,
        )
        ctx.counts["legal_aid"] += 1
        at_court.setdefault(identified_on.year, []).append((case, court_from))
    # One or two claims a year against the offender; nothing received (GRETA Table 5), one award.
    claims = [
        (case, court_from)
        for year in sorted(at_court)
        for case, court_from in rng.sample(
            at_court[year], min(len(at_court[year]), rng.randint(1, 2))
        )
    ]
    awarded = rng.randrange(len(claims)) if claims else -1
    for index, (case, court_from) in enumerate(claims):
        submitted = _days(rng, court_from, 0, 30)
        if submitted > ctx.today:
            continue
        award_on: datetime.date | None = None
        amount = None
        if index == awarded:
            award_on = _days(rng, submitted, 60, 200)
            if award_on <= ctx.today:
                amount = rng.choice((2000, 3000, 5000))
            else:
                award_on = None
        record_compensation_claim(
            actor=ctx.caseworker,
            case=case,
            against=CompensationAgainst.OFFENDER,
            body=ctx.organisation(rng.choice(COURTS)).name_en,
            submitted_on=submitted,
            awarded_amount=None if amount is None else _decimal(amount),
            awarded_on=award_on,
        )
        ctx.counts["compensation_claims"] += 1
        ctx.counts["compensation_awards"] += amount is not None


def _decimal(amount: int) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))


# --- The generator ---------------------------------------------------------------------------------------


def generate_demo_assistance(*, seed: int = DEFAULT_SEED) -> AssistanceDemoSummary:
    """Add assistance records to the demo history; do nothing if any payment exists."""
    if Payment.objects.exists():
        return AssistanceDemoSummary(created=False, payments=Payment.objects.count())
    caseworker = User.objects.filter(username="caseworker", is_active=True).first()
    if caseworker is None or caseworker.organisation is None:
        raise LookupError("the demo accounts are missing; `lantern demo` creates them first.")
    master = random.Random(seed)  # noqa: S311 - invented data, reproducible on purpose
    parts = ("payments", "permits", "stays", "plans", "services", "families", "legal", "homes")
    seeds = {part: master.getrandbits(64) for part in parts}

    def rng(part: str) -> random.Random:
        return random.Random(seeds[part])  # noqa: S311 - invented data, reproducible on purpose

    with transaction.atomic():
        ctx = _Context(
            calendar=current_calendar(),
            now=timezone.now(),
            caseworker=caseworker,
            centre=caseworker.organisation,
        )
        identified = list(
            Case.objects.filter(status=CaseStatus.IDENTIFIED, identified_on__isnull=False)
            .select_related("person")
            .prefetch_related("exploitation_forms")
            .order_by("registered_at", "pk")
        )
        potential = list(
            Case.objects.filter(status=CaseStatus.NOT_IDENTIFIED)
            .select_related("person")
            .order_by("registered_at", "pk")
        )
        _shelter_profiles(ctx)
        _payments(ctx, rng("payments"), identified, potential)
        permit_ends = _permits(ctx, rng("permits"), identified)
        homes = rng("homes")
        repatriations = _repatriation_days(ctx, homes, identified, permit_ends)
        stays = _stays(ctx, rng("stays"), identified, repatriations)
        planned = _plans(ctx, rng("plans"), identified)
        services = rng("services")
        assisted = set(stays) | planned | _referred_services(ctx, services, identified)
        _more_services(ctx, services, identified, assisted, stays)
        _families(ctx, rng("families"), identified, assisted)
        _legal_aid(ctx, rng("legal"), identified)
        _repatriations(ctx, homes, identified, repatriations)
    counts = ctx.counts
    return AssistanceDemoSummary(
        created=True,
        payments=counts["allowances"] + counts["fund_payments"],
        allowances=counts["allowances"],
        fund_payments=counts["fund_payments"],
        shelter_profiles=counts["shelter_profiles"],
        shelter_stays=counts["shelter_stays"],
        still_staying=counts["still_staying"],
        child_hearings=counts["child_hearings"],
        plans=counts["plans"],
        plan_items=counts["plan_items"],
        plan_reviews=counts["plan_reviews"],
        services=counts["services"],
        family_members=counts["family_members"],
        legal_aid=counts["legal_aid"],
        compensation_claims=counts["compensation_claims"],
        compensation_awards=counts["compensation_awards"],
        residence_permits=counts["residence_permits"],
        work_permit_exemptions=counts["work_permit_exemptions"],
        repatriations=counts["repatriations"],
        readmissions=counts["readmissions"],
        accounts_created=counts["accounts_created"],
    )
