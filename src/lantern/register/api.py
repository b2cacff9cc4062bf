"""The register's API: persons, cases, identity reveal, screenings, decisions and the access log.

Every request is answered by ``access.policy``: a case a user may not know of
answers 404, so references cannot be probed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import TokenAuthentication
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lantern.access import policy
from lantern.access.models import AccessAction, AccessLogEntry
from lantern.access.services import client_address, record_access
from lantern.core.models import Organisation, Questionnaire, User
from lantern.register.identity import Identity, IdentityDocument
from lantern.register.models import (
    Case,
    CaseStatus,
    IdentificationDecision,
    IdentificationMethod,
    IdentificationOutcome,
    Person,
    Screening,
    ScreeningAnswerValue,
)
from lantern.register.selectors import SORTS, CaseFilters, filter_cases, with_summary
from lantern.register.services import (
    DecisionInput,
    EditConflict,
    RegisterError,
    Registration,
    record_identification_decision,
    record_refused_reveal,
    record_screening,
    register_presumed_victim,
    reveal_identity,
    update_case,
)

# --- Serializers ------------------------------------------------------------------------------


class IdentityDocumentSerializer(serializers.Serializer[Any]):
    type = serializers.CharField()
    number = serializers.CharField()
    issuing_country = serializers.CharField(required=False, allow_blank=True, default="")


class IdentitySerializer(serializers.Serializer[Any]):
    given_name = serializers.CharField(required=False, allow_blank=True, default="")
    family_name = serializers.CharField(required=False, allow_blank=True, default="")
    patronymic = serializers.CharField(required=False, allow_blank=True, default="")
    aliases = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    birth_place = serializers.CharField(required=False, allow_blank=True, default="")
    documents = IdentityDocumentSerializer(many=True, required=False, default=list)
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")
    next_of_kin = serializers.CharField(required=False, allow_blank=True, default="")

    @staticmethod
    def to_identity(data: dict[str, Any]) -> Identity:
        return Identity(
            given_name=data["given_name"],
            family_name=data["family_name"],
            patronymic=data["patronymic"],
            aliases=data["aliases"],
            birth_date=data["birth_date"],
            birth_place=data["birth_place"],
            documents=[IdentityDocument(**document) for document in data["documents"]],
            phone=data["phone"],
            address=data["address"],
            next_of_kin=data["next_of_kin"],
        )


class CaseSummarySerializer(serializers.ModelSerializer[Case]):
    person = serializers.CharField(source="person.reference", read_only=True)
    registering_organisation = serializers.CharField(
        source="registering_organisation.code", read_only=True
    )
    sex = serializers.CharField(source="person.sex", read_only=True)
    citizenship = serializers.CharField(source="person.citizenship", read_only=True)
    exploitation_forms = serializers.SerializerMethodField()
    exploitation_countries = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "reference", "person", "status", "registering_organisation", "registered_at", "contact_channel",
            "sex", "citizenship", "exploitation_forms", "exploitation_countries", "exploitation_scope",
            "identified_on", "child_at_registration", "child_at_identification", "age_at_identification",
            "unaccompanied_foreign_minor", "version",
        ]  # fmt: skip

    def get_exploitation_forms(self, case: Case) -> list[str]:
        return sorted(form.code for form in case.exploitation_forms.all())

    def get_exploitation_countries(self, case: Case) -> list[str]:
        return sorted(country.country for country in case.exploitation_countries.all())


class CaseDetailSerializer(CaseSummarySerializer):
    control_means = serializers.SerializerMethodField()
    identifying_organisation = serializers.CharField(
        source="identifying_organisation.code", read_only=True, default=None
    )
    status_history = serializers.SerializerMethodField()

    class Meta(CaseSummarySerializer.Meta):
        fields = [
            *CaseSummarySerializer.Meta.fields,
            "exploitation_from", "exploitation_to", "recruitment_channel", "online_platform", "control_means",
            "is_unaccompanied", "identifying_organisation", "identification_method", "status_history",
        ]  # fmt: skip

    def get_control_means(self, case: Case) -> list[str]:
        return sorted(case.control_means.values_list("code", flat=True))

    def get_status_history(self, case: Case) -> list[dict[str, Any]]:
        return [
            {
                "from": change.from_status,
                "to": change.to_status,
                "at": change.changed_at,
                "organisation": change.organisation.code,
                "reason": change.reason,
            }
            for change in case.status_changes.select_related("organisation")
        ]


class CaseCreateSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=[CaseStatus.POTENTIAL, CaseStatus.PRESUMED], default=CaseStatus.PRESUMED
    )
    citizenship = serializers.CharField(
        help_text=_("ISO 3166 alpha-2 code; XX stateless, ZZ unknown.")
    )
    contact_channel = serializers.CharField()
    sex = serializers.CharField(required=False, allow_blank=True, default="")
    birth_year = serializers.IntegerField(required=False, allow_null=True, default=None)
    birth_month = serializers.IntegerField(required=False, allow_null=True, default=None)
    estimated_age = serializers.IntegerField(required=False, allow_null=True, default=None)
    is_child = serializers.BooleanField(required=False, allow_null=True, default=None)
    is_unaccompanied = serializers.BooleanField(required=False, default=False)
    region = serializers.CharField(required=False, allow_blank=True, default="")
    has_disability = serializers.BooleanField(required=False, allow_null=True, default=None)
    has_children = serializers.BooleanField(required=False, allow_null=True, default=None)
    exploitation_forms = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )
    exploitation_countries = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )
    exploitation_scope = serializers.CharField(required=False, allow_blank=True, default="")
    exploitation_from = serializers.DateField(required=False, allow_null=True, default=None)
    exploitation_to = serializers.DateField(required=False, allow_null=True, default=None)
    recruitment_channel = serializers.CharField(required=False, allow_blank=True, default="")
    online_platform = serializers.CharField(required=False, allow_blank=True, default="")
    control_means = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )
    identity = IdentitySerializer(required=False)
    person = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Reference of a person already in the register, met again: the new case is theirs "
            "and no identity is given."
        ),
    )

    def to_registration(self) -> Registration:
        data = dict(self.validated_data)
        data.pop("person", None)
        identity_data = data.pop("identity", None)
        identity = IdentitySerializer.to_identity(
            IdentitySerializer(data=identity_data or {}).run_validation(identity_data or {})
        )
        return Registration(identity=identity, **data)


def _returning_person(actor: User, data: dict[str, Any]) -> Person:
    """A person the caller may know of; an identity given with them is refused, not ignored."""
    if data.get("identity"):
        raise serializers.ValidationError(
            {"identity": [_("A returning person keeps their recorded identity; give no identity.")]}
        )
    person: Person | None = (
        policy.visible_persons(actor, Person.objects.all())
        .filter(reference=data["person"].strip().upper())
        .first()
    )
    if person is None:
        raise serializers.ValidationError(
            {"person": [_("No person with this reference that you may know of.")]}
        )
    return person


class CaseUpdateSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        help_text=_("The version you read; a newer one on the server refuses the change.")
    )
    sex = serializers.CharField(required=False, allow_blank=True)
    citizenship = serializers.CharField(required=False)
    region = serializers.CharField(required=False, allow_blank=True)
    has_disability = serializers.BooleanField(required=False, allow_null=True)
    has_children = serializers.BooleanField(required=False, allow_null=True)
    contact_channel = serializers.CharField(required=False)
    exploitation_scope = serializers.CharField(required=False, allow_blank=True)
    exploitation_from = serializers.DateField(required=False, allow_null=True)
    exploitation_to = serializers.DateField(required=False, allow_null=True)
    recruitment_channel = serializers.CharField(required=False, allow_blank=True)
    online_platform = serializers.CharField(required=False, allow_blank=True)
    is_unaccompanied = serializers.BooleanField(required=False)
    exploitation_forms = serializers.ListField(child=serializers.CharField(), required=False)
    exploitation_countries = serializers.ListField(child=serializers.CharField(), required=False)
    control_means = serializers.ListField(child=serializers.CharField(), required=False)


class RevealRequestSerializer(serializers.Serializer[Any]):
    reason_code = serializers.CharField(help_text=_("A code of the pack's reveal_reasons list."))
    reason_text = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.ModelSerializer[IdentificationDecision]):
    deciding_organisation = serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.filter(is_active=True)
    )
    decided_by = serializers.CharField(source="decided_by.username", read_only=True)
    method = serializers.ChoiceField(choices=IdentificationMethod.choices)
    outcome = serializers.ChoiceField(choices=IdentificationOutcome.choices)
    version = serializers.IntegerField(write_only=True)

    class Meta:
        model = IdentificationDecision
        fields = [
            "decided_on",
            "deciding_organisation",
            "decided_by",
            "method",
            "outcome",
            "note",
            "recorded_at",
            "version",
        ]
        read_only_fields = ["recorded_at"]


class ScreeningSerializer(serializers.ModelSerializer[Screening]):
    questionnaire = serializers.SlugRelatedField(
        slug_field="code", queryset=Questionnaire.objects.filter(is_active=True)
    )
    answers = serializers.DictField(
        child=serializers.ChoiceField(choices=ScreeningAnswerValue.choices), write_only=True
    )
    screened_by = serializers.CharField(source="screened_by.username", read_only=True)

    class Meta:
        model = Screening
        fields = [
            "questionnaire",
            "answers",
            "screened_by",
            "screened_at",
            "result",
            "rule",
            "strong_yes",
            "medium_yes",
            "weak_yes",
            "categories_yes",
        ]
        read_only_fields = [
            "screened_at",
            "result",
            "rule",
            "strong_yes",
            "medium_yes",
            "weak_yes",
            "categories_yes",
        ]


class PersonSerializer(serializers.ModelSerializer[Person]):
    cases = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "reference",
            "sex",
            "birth_year",
            "birth_date_precision",
            "citizenship",
            "region",
            "has_disability",
            "has_children",
            "cases",
        ]

    def get_cases(self, person: Person) -> list[str]:
        return [case.reference for case in person.cases.all()]


class AccessLogSerializer(serializers.ModelSerializer[AccessLogEntry]):
    user = serializers.CharField(source="user.username", read_only=True)
    organisation = serializers.CharField(source="organisation.code", read_only=True)

    class Meta:
        model = AccessLogEntry
        fields = [
            "at",
            "user",
            "organisation",
            "action",
            "person_reference",
            "case_reference",
            "fields",
            "reason_code",
            "reason_text",
            "detail",
            "client_address",
        ]


# --- Helpers ----------------------------------------------------------------------------------


def _bad_request(error: RegisterError) -> Response:
    return Response(
        error.errors,
        status=status.HTTP_409_CONFLICT
        if isinstance(error, EditConflict)
        else status.HTTP_400_BAD_REQUEST,
    )


def _second_factor_verified(request: Request) -> bool:
    """A token is issued only after the second factor, so token requests count as verified."""
    if isinstance(request.successful_authenticator, TokenAuthentication):
        return True
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def _parse_date(value: str | None, name: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise serializers.ValidationError({name: [_("Write the date as YYYY-MM-DD.")]}) from None


def case_filters_from(params: Any) -> CaseFilters:
    child = params.get("child")
    sort = params.get("sort", "")
    if sort and sort not in SORTS:
        raise serializers.ValidationError(
            {"sort": [_("Sort by one of: %(sorts)s.") % {"sorts": ", ".join(SORTS)}]}
        )
    return CaseFilters(
        status=params.get("status", ""),
        registered_from=_parse_date(params.get("registered_from"), "registered_from"),
        registered_to=_parse_date(params.get("registered_to"), "registered_to"),
        form=params.get("form", ""),
        sex=params.get("sex", ""),
        child={"true": True, "false": False}.get(str(child).lower()) if child else None,
        search=params.get("q", "")[:100],
        sort=sort or "-registered",
    )


CASE_FILTER_PARAMETERS = [
    OpenApiParameter("status", str, enum=CaseStatus.values),
    OpenApiParameter("registered_from", datetime.date),
    OpenApiParameter("registered_to", datetime.date),
    OpenApiParameter("form", str, description="A code of the forms_of_exploitation list."),
    OpenApiParameter("sex", str),
    OpenApiParameter("child", bool, description="Child at registration."),
    OpenApiParameter(
        "q", str, description="A case or person reference, or a name in any alphabet."
    ),
    OpenApiParameter("sort", str, enum=list(SORTS)),
]


# --- Cases ------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(parameters=CASE_FILTER_PARAMETERS))
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Case]):
    """Cases of the confidential register that the caller needs to know. Identity is never included."""

    lookup_field = "reference"
    lookup_value_regex = r"[A-Za-z]{2,8}-\d{4}-\d{1,6}"
    serializer_class = CaseSummarySerializer

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "retrieve":
            return CaseDetailSerializer
        return CaseSummarySerializer

    def get_queryset(self) -> QuerySet[Case]:
        if not policy.can_see_any_case(self.request.user):
            raise Http404
        return with_summary(policy.visible_cases(self.request.user, Case.objects.all()))

    def actor(self) -> User:
        return policy.acting_user(self.request.user)

    def _log_view(self, request: Request, case: Case) -> None:
        record_access(
            actor=self.actor(),
            action=AccessAction.VIEW_CASE,
            person_reference=case.person.reference,
            case_reference=case.reference,
            detail=f"API {request.path.rstrip('/').rsplit('/', 1)[-1]}",
            client_address=client_address(request._request),
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = self.actor()
        filters = case_filters_from(request.query_params)
        cases = filter_cases(self.get_queryset(), filters, organisation_id=actor.organisation_id)
        page = self.paginate_queryset(cases)
        rows = page if page is not None else list(cases)
        record_access(
            actor=actor,
            action=AccessAction.SEARCH_NAME
            if filters.searches_by_name
            else AccessAction.LIST_CASES,
            detail=f"API list, {len(rows)} row(s)",
            client_address=client_address(request._request),
        )
        data = CaseSummarySerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        self._log_view(request, case)
        return Response(CaseDetailSerializer(case).data)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer})
    def create(self, request: Request) -> Response:
        actor = self.actor()
        if not policy.can_register_case(actor):
            raise Http404
        given = CaseCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        registration = given.to_registration()
        if given.validated_data["person"]:
            registration.returning_person = _returning_person(actor, given.validated_data)
        try:
            case = register_presumed_victim(actor=actor, data=registration)
        except RegisterError as error:
            return _bad_request(error)
        return Response(CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CaseUpdateSerializer, responses={200: CaseDetailSerializer})
    def partial_update(self, request: Request, reference: str) -> Response:
        case = self.get_object()
        actor = self.actor()
        if not policy.can_edit_case(actor, case):
            raise Http404
        given = CaseUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        changes = dict(given.validated_data)
        version = changes.pop("version")
        try:
            updated = update_case(actor=actor, case=case, expected_version=version, changes=changes)
        except RegisterError as error:
            return _bad_request(error)
        return Response(
            CaseDetailSerializer(with_summary(Case.objects.filter(pk=updated.pk)).get()).data
        )

    @extend_schema(request=RevealRequestSerializer, responses={200: IdentitySerializer})
    @action(detail=True, methods=["post"])
    def identity(self, request: Request, reference: str) -> Response:
        """Reveal the person's identity for a stated reason. Every reveal and every refusal is logged."""
        case = self.get_object()
        actor = self.actor()
        address = client_address(request._request)
        if not policy.can_reveal_identity(
            actor, case, second_factor_verified=_second_factor_verified(request)
        ):
            record_refused_reveal(
                actor=actor, case=case, why="refused by the access policy", client_address=address
            )
            return Response(
                {"detail": _("The identity is not available to you for this case.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        given = RevealRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            identity = reveal_identity(
                actor=actor,
                case=case,
                reason_code=given.validated_data["reason_code"],
                reason_text=given.validated_data["reason_text"],
                client_address=address,
            )
        except RegisterError as error:
            return _bad_request(error)
        payload = identity.as_payload()
        return Response(payload)

    @extend_schema(methods=["get"], responses={200: DecisionSerializer(many=True)})
    @extend_schema(
        methods=["post"], request=DecisionSerializer, responses={201: DecisionSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def decisions(self, request: Request, reference: str) -> Response:
        """Identification decisions on this case; POST records one (supervisors and investigators)."""
        case = self.get_object()
        actor = self.actor()
        if request.method == "GET":
            self._log_view(request, case)
            return Response(
                DecisionSerializer(
                    case.decisions.select_related("deciding_organisation", "decided_by"), many=True
                ).data
            )
        if not policy.can_decide_identification(actor, case):
            raise Http404
        given = DecisionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            decision = record_identification_decision(
                actor=actor,
                case=case,
                expected_version=data["version"],
                decision=DecisionInput(
                    decided_on=data["decided_on"],
                    deciding_organisation=data["deciding_organisation"],
                    method=data["method"],
                    outcome=data["outcome"],
                    note=data.get("note", ""),
                ),
            )
        except RegisterError as error:
            return _bad_request(error)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses={200: ScreeningSerializer(many=True)})
    @extend_schema(
        methods=["post"], request=ScreeningSerializer, responses={201: ScreeningSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def screenings(self, request: Request, reference: str) -> Response:
        """Indicator screenings of this case; POST records one. A screening never decides identification."""
        case = self.get_object()
        actor = self.actor()
        if request.method == "GET":
            self._log_view(request, case)
            return Response(
                ScreeningSerializer(
                    case.screenings.select_related("questionnaire", "screened_by"), many=True
                ).data
            )
        if not policy.can_edit_case(actor, case):
            raise Http404
        given = ScreeningSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            screening = record_screening(
                actor=actor,
                case=case,
                questionnaire=given.validated_data["questionnaire"],
                answers=given.validated_data["answers"],
            )
        except RegisterError as error:
            return _bad_request(error)
        return Response(ScreeningSerializer(screening).data, status=status.HTTP_201_CREATED)


# --- Persons ----------------------------------------------------------------------------------


class PersonViewSet(viewsets.ReadOnlyModelViewSet[Person]):
    """Persons the caller needs to know, by reference; never their identity."""

    serializer_class = PersonSerializer
    lookup_field = "reference"
    lookup_value_regex = r"[A-Za-z]{2,8}-\d{4}-\d{1,6}"

    def get_queryset(self) -> QuerySet[Person]:
        if not policy.can_see_any_case(self.request.user):
            raise Http404
        persons = policy.visible_persons(self.request.user, Person.objects.all())
        return persons.order_by("-registered_at", "-pk").prefetch_related("cases")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        record_access(
            actor=policy.acting_user(request.user),
            action=AccessAction.LIST_CASES,
            detail="API persons list",
            client_address=client_address(request._request),
        )
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        record_access(
            actor=policy.acting_user(request.user),
            action=AccessAction.VIEW_CASE,
            person_reference=person.reference,
            detail="API person",
            client_address=client_address(request._request),
        )
        return Response(PersonSerializer(person).data)


# --- Access log -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("user", str),
            OpenApiParameter("action", str, enum=AccessAction.values),
            OpenApiParameter("person", str, description="A person reference."),
            OpenApiParameter("since", datetime.date),
            OpenApiParameter("until", datetime.date),
        ]
    )
)
class AccessLogViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[AccessLogEntry]):
    """Who saw what and why: auditors read all of it, supervisors their organisation's."""

    serializer_class = AccessLogSerializer

    def get_queryset(self) -> QuerySet[AccessLogEntry]:
        allowed = policy.access_log_filter(self.request.user)
        if allowed is None:
            raise Http404
        entries = AccessLogEntry.objects.filter(allowed).select_related("user", "organisation")
        params = self.request.query_params
        if params.get("user"):
            entries = entries.filter(user__username=params["user"])
        if params.get("action"):
            entries = entries.filter(action=params["action"])
        if params.get("person"):
            entries = entries.filter(person_reference=params["person"].upper())
        since = _parse_date(params.get("since"), "since")
        until = _parse_date(params.get("until"), "until")
        if since:
            entries = entries.filter(at__date__gte=since)
        if until:
            entries = entries.filter(at__date__lte=until)
        return entries
