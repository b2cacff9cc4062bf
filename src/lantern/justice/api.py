"""Criminal proceedings through the API, read-only, for the specialised police and the prosecution.

Accused persons appear by reference with their analytic attributes; their identity is revealed
only on the page, after a stated reason.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lantern.access import policy
from lantern.access.services import client_address
from lantern.core.models import Organisation, OrganisationKind, User
from lantern.justice.models import (
    AccusedPerson,
    Conviction,
    CriminalCase,
    CriminalCaseAccused,
    CriminalCaseVictim,
    DetectedFact,
    Judgment,
    WantedNotice,
)
from lantern.justice.selectors import accused_by_reference, criminal_case_numbered, linkable_case
from lantern.justice.services import (
    AccusedInput,
    ConvictionInput,
    CriminalCaseInput,
    FactInput,
    JudgmentInput,
    WantedInput,
    change_status,
    link_accused,
    link_victim,
    open_criminal_case,
    put_on_wanted_list,
    record_accused,
    record_fact,
    record_judgment,
    record_refused_accused_reveal,
    reveal_accused_identity,
)
from lantern.register.api import IdentitySerializer
from lantern.register.identity import Identity
from lantern.register.services import RegisterError


def _readable(user: policy.AnyUser) -> None:
    if not policy.can_see_proceedings(user):
        raise Http404


def _recorder(request: Request) -> User:
    actor = policy.acting_user(request.user)
    if not policy.can_record_proceedings(actor):
        raise Http404
    return actor


def _bad_request(error: RegisterError) -> Response:
    return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)


class CriminalCaseInputSerializer(serializers.Serializer[Any]):
    number = serializers.CharField(max_length=64)
    initiated_on = serializers.DateField()
    articles = serializers.ListField(child=serializers.CharField())
    forms_of_exploitation = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )


class StatusInputSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    to_status = serializers.CharField()
    on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class VictimInputSerializer(serializers.Serializer[Any]):
    case = serializers.CharField(help_text="The register case's reference.")
    role = serializers.CharField(required=False, default="victim")


class AccusedInputSerializer(serializers.Serializer[Any]):
    """Either ``reference`` of a recorded person, or the new person's identity and attributes."""

    reference = serializers.CharField(required=False, allow_blank=True, default="")
    family_name = serializers.CharField(required=False, allow_blank=True, default="")
    given_name = serializers.CharField(required=False, allow_blank=True, default="")
    patronymic = serializers.CharField(required=False, allow_blank=True, default="")
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    birth_year = serializers.IntegerField(required=False, allow_null=True, default=None)
    sex = serializers.CharField(required=False, allow_blank=True, default="")
    citizenship = serializers.CharField(required=False, allow_blank=True, default="")
    role = serializers.CharField(required=False, default="accused")


class ConvictionInputSerializer(serializers.Serializer[Any]):
    accused = serializers.CharField(help_text="The accused person's reference.")
    articles = serializers.ListField(child=serializers.CharField())
    form_of_exploitation = serializers.CharField()
    sentence_type = serializers.CharField()
    duration_months = serializers.IntegerField(required=False, allow_null=True, default=None)
    child_victim = serializers.BooleanField(required=False, default=False)
    property_confiscated = serializers.BooleanField(required=False, default=False)
    legal_person_liable = serializers.BooleanField(required=False, default=False)


class JudgmentInputSerializer(serializers.Serializer[Any]):
    court = serializers.SlugRelatedField[Organisation](
        slug_field="code", queryset=Organisation.objects.filter(kind=OrganisationKind.COURT)
    )
    number = serializers.CharField(max_length=64)
    delivered_on = serializers.DateField()
    instance = serializers.CharField(required=False, default="first")
    is_final = serializers.BooleanField(required=False, default=False)
    aggravating_circumstances = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )
    convictions = ConvictionInputSerializer(many=True, required=False, default=list)


class RevealInputSerializer(serializers.Serializer[Any]):
    reason_code = serializers.CharField()
    reason_text = serializers.CharField(required=False, allow_blank=True, default="")


class WantedInputSerializer(serializers.Serializer[Any]):
    scope = serializers.CharField()
    offence = serializers.CharField()
    listed_on = serializers.DateField()
    believed_country = serializers.CharField(required=False, allow_blank=True, default="")
    interpol_notice = serializers.CharField(required=False, allow_blank=True, default="")


class FactInputSerializer(serializers.Serializer[Any]):
    fact_type = serializers.CharField()
    detected_on = serializers.DateField()
    through_ict = serializers.BooleanField(required=False, default=False)
    platforms = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    victims = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="Case references."
    )
    criminal_case = serializers.CharField(required=False, allow_blank=True, default="")


class ConvictionSerializer(serializers.ModelSerializer[Conviction]):
    accused = serializers.CharField(source="accused.reference")
    articles = serializers.SlugRelatedField[Any](slug_field="code", many=True, read_only=True)

    class Meta:
        model = Conviction
        fields = [
            "accused",
            "articles",
            "form_of_exploitation",
            "child_victim",
            "sentence_type",
            "duration_months",
            "property_confiscated",
            "legal_person_liable",
        ]


class JudgmentSerializer(serializers.ModelSerializer[Judgment]):
    court = serializers.CharField(source="court.code")
    aggravating_circumstances = serializers.SlugRelatedField[Any](
        slug_field="code", many=True, read_only=True
    )
    convictions = ConvictionSerializer(many=True, read_only=True)

    class Meta:
        model = Judgment
        fields = [
            "number",
            "court",
            "delivered_on",
            "instance",
            "is_final",
            "aggravating_circumstances",
            "convictions",
        ]


class VictimLinkSerializer(serializers.ModelSerializer[CriminalCaseVictim]):
    case = serializers.CharField(source="case.reference")

    class Meta:
        model = CriminalCaseVictim
        fields = ["case", "role"]


class AccusedLinkSerializer(serializers.ModelSerializer[CriminalCaseAccused]):
    accused = serializers.CharField(source="accused.reference")

    class Meta:
        model = CriminalCaseAccused
        fields = ["accused", "role", "sent_to_court"]


class CriminalCaseSerializer(serializers.ModelSerializer[CriminalCase]):
    initiating_organisation = serializers.CharField(source="initiating_organisation.code")
    articles = serializers.SlugRelatedField[Any](slug_field="code", many=True, read_only=True)
    forms_of_exploitation = serializers.SlugRelatedField[Any](
        source="exploitation_forms", slug_field="code", many=True, read_only=True
    )
    victims = VictimLinkSerializer(many=True, read_only=True)
    accused = AccusedLinkSerializer(many=True, read_only=True)
    judgments = JudgmentSerializer(many=True, read_only=True)

    class Meta:
        model = CriminalCase
        fields = [
            "id",
            "number",
            "initiating_organisation",
            "initiated_on",
            "status",
            "status_reason",
            "sent_to_court_on",
            "articles",
            "forms_of_exploitation",
            "victims",
            "accused",
            "judgments",
        ]


class CriminalCaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[CriminalCase],
):
    """Criminal cases; investigators and supervisors of the police and prosecution record them."""

    serializer_class = CriminalCaseSerializer

    def get_queryset(self) -> QuerySet[CriminalCase]:
        if getattr(self, "swagger_fake_view", False):
            return CriminalCase.objects.none()
        _readable(self.request.user)
        return CriminalCase.objects.select_related("initiating_organisation").prefetch_related(
            "articles",
            "exploitation_forms",
            "victims__case",
            "accused__accused",
            "judgments__court",
            "judgments__aggravating_circumstances",
            "judgments__convictions__accused",
            "judgments__convictions__articles",
        )

    def _answer(self, criminal_case: CriminalCase, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=criminal_case.pk)
        return Response(CriminalCaseSerializer(fresh).data, status=code)

    @extend_schema(request=CriminalCaseInputSerializer, responses=CriminalCaseSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = _recorder(request)
        given = CriminalCaseInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            criminal_case = open_criminal_case(
                actor=actor,
                data=CriminalCaseInput(
                    number=data["number"],
                    initiated_on=data["initiated_on"],
                    articles=data["articles"],
                    forms=data["forms_of_exploitation"],
                ),
            )
        except RegisterError as error:
            return _bad_request(error)
        return self._answer(criminal_case, status.HTTP_201_CREATED)

    @extend_schema(request=StatusInputSerializer, responses=CriminalCaseSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def move(self, request: Request, pk: str) -> Response:
        """Move the case on (sent to court, appeal, final) or suspend or terminate it, with the reason."""
        criminal_case = self.get_object()
        actor = _recorder(request)
        given = StatusInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            change_status(
                actor=actor,
                criminal_case=criminal_case,
                expected_version=data["version"],
                to_status=data["to_status"],
                on=data["on"],
                reason=data["reason"],
            )
        except RegisterError as error:
            return _bad_request(error)
        return self._answer(criminal_case)

    @extend_schema(request=VictimInputSerializer, responses=CriminalCaseSerializer)
    @action(detail=True, methods=["post"])
    def victims(self, request: Request, pk: str) -> Response:
        """Link a register case as a victim or witness."""
        criminal_case = self.get_object()
        actor = _recorder(request)
        given = VictimInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            case = linkable_case(actor, given.validated_data["case"], field="case")
            link_victim(
                actor=actor,
                criminal_case=criminal_case,
                case=case,
                role=given.validated_data["role"],
            )
        except RegisterError as error:
            return _bad_request(error)
        return self._answer(criminal_case)

    @extend_schema(request=AccusedInputSerializer, responses=CriminalCaseSerializer)
    @action(detail=True, methods=["post"])
    def accused(self, request: Request, pk: str) -> Response:
        """Link a recorded accused person by reference, or record a new one with their identity."""
        criminal_case = self.get_object()
        actor = _recorder(request)
        given = AccusedInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            if data["reference"]:
                accused = accused_by_reference(data["reference"], field="reference")
            else:
                accused = record_accused(
                    actor=actor,
                    data=AccusedInput(
                        identity=Identity(
                            family_name=data["family_name"],
                            given_name=data["given_name"],
                            patronymic=data["patronymic"],
                            birth_date=data["birth_date"],
                        ),
                        citizenship=data["citizenship"],
                        sex=data["sex"],
                        birth_year=data["birth_year"],
                    ),
                )
            link_accused(
                actor=actor, criminal_case=criminal_case, accused=accused, role=data["role"]
            )
        except RegisterError as error:
            return _bad_request(error)
        return self._answer(criminal_case)

    @extend_schema(request=JudgmentInputSerializer, responses=CriminalCaseSerializer)
    @action(detail=True, methods=["post"])
    def judgments(self, request: Request, pk: str) -> Response:
        """Record a judgment with each convicted person's sentence; the case's status follows."""
        criminal_case = self.get_object()
        actor = _recorder(request)
        given = JudgmentInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            convictions = [
                ConvictionInput(
                    accused=accused_by_reference(item["accused"], field="convictions"),
                    articles=item["articles"],
                    form_of_exploitation=item["form_of_exploitation"],
                    sentence_type=item["sentence_type"],
                    duration_months=item["duration_months"],
                    child_victim=item["child_victim"],
                    property_confiscated=item["property_confiscated"],
                    legal_person_liable=item["legal_person_liable"],
                )
                for item in data["convictions"]
            ]
            record_judgment(
                actor=actor,
                criminal_case=criminal_case,
                data=JudgmentInput(
                    court=data["court"],
                    number=data["number"],
                    delivered_on=data["delivered_on"],
                    instance=data["instance"],
                    is_final=data["is_final"],
                    aggravating_circumstances=data["aggravating_circumstances"],
                    convictions=convictions,
                ),
            )
        except RegisterError as error:
            return _bad_request(error)
        return self._answer(criminal_case, status.HTTP_201_CREATED)


class WantedNoticeSerializer(serializers.ModelSerializer[WantedNotice]):
    extradition_requests = serializers.SerializerMethodField()

    class Meta:
        model = WantedNotice
        fields = [
            "scope",
            "offence",
            "interpol_notice",
            "believed_country",
            "listed_on",
            "detained_on",
            "handed_to_prosecution",
            "extradition_requests",
        ]

    def get_extradition_requests(self, notice: WantedNotice) -> list[dict[str, str]]:
        return [
            {"requested_country": request.requested_country, "sent_on": request.sent_on.isoformat()}
            for request in notice.extradition_requests.all()
        ]


class AccusedSerializer(serializers.ModelSerializer[AccusedPerson]):
    wanted = WantedNoticeSerializer(many=True, read_only=True)

    class Meta:
        model = AccusedPerson
        fields = ["reference", "sex", "birth_year", "citizenship", "wanted"]


class AccusedViewSet(viewsets.ReadOnlyModelViewSet[AccusedPerson]):
    """Accused and wanted persons by reference: never a name."""

    serializer_class = AccusedSerializer
    lookup_field = "reference"

    def get_queryset(self) -> QuerySet[AccusedPerson]:
        if getattr(self, "swagger_fake_view", False):
            return AccusedPerson.objects.none()
        _readable(self.request.user)
        return AccusedPerson.objects.prefetch_related("wanted__extradition_requests")

    @extend_schema(request=RevealInputSerializer, responses=IdentitySerializer)
    @action(detail=True, methods=["post"])
    def identity(self, request: Request, reference: str) -> Response:
        """The name and identity, for a stated reason: the specialised police only; every attempt is logged."""
        accused = self.get_object()
        actor = policy.acting_user(request.user)
        address = client_address(request._request)
        verified = bool(getattr(request.user, "is_verified", lambda: False)())
        if not policy.can_reveal_accused_identity(actor, second_factor_verified=verified):
            record_refused_accused_reveal(actor=actor, accused=accused, client_address=address)
            return Response(
                {"detail": _("The identity is not available to you.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        given = RevealInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            identity = reveal_accused_identity(
                actor=actor,
                accused=accused,
                reason_code=given.validated_data["reason_code"],
                reason_text=given.validated_data["reason_text"],
                client_address=address,
            )
        except RegisterError as error:
            return _bad_request(error)
        return Response(identity.as_payload())

    @extend_schema(request=WantedInputSerializer, responses=AccusedSerializer)
    @action(detail=True, methods=["post"])
    def wanted(self, request: Request, reference: str) -> Response:
        """Put the person on the local or international (Interpol) wanted list."""
        accused = self.get_object()
        actor = _recorder(request)
        given = WantedInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            put_on_wanted_list(
                actor=actor, accused=accused, data=WantedInput(**given.validated_data)
            )
        except RegisterError as error:
            return _bad_request(error)
        return Response(AccusedSerializer(self.get_queryset().get(pk=accused.pk)).data)


class DetectedFactSerializer(serializers.ModelSerializer[DetectedFact]):
    detecting_organisation = serializers.CharField(source="detecting_organisation.code")
    platforms = serializers.SlugRelatedField[Any](slug_field="code", many=True, read_only=True)
    victims = serializers.SerializerMethodField()
    criminal_case = serializers.CharField(source="criminal_case.number", default=None)

    def get_victims(self, fact: DetectedFact) -> list[str]:
        return [link.case.reference for link in fact.victims.all()]

    class Meta:
        model = DetectedFact
        fields = [
            "reference",
            "fact_type",
            "detected_on",
            "detecting_organisation",
            "through_ict",
            "platforms",
            "victims",
            "criminal_case",
        ]


class DetectedFactViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[DetectedFact],
):
    serializer_class = DetectedFactSerializer
    lookup_field = "reference"

    @extend_schema(request=FactInputSerializer, responses=DetectedFactSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = _recorder(request)
        given = FactInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            criminal_case = criminal_case_numbered(data["criminal_case"], field="criminal_case")
            fact = record_fact(
                actor=actor,
                data=FactInput(
                    fact_type=data["fact_type"],
                    detected_on=data["detected_on"],
                    through_ict=data["through_ict"],
                    platforms=data["platforms"],
                    victim_cases=[
                        linkable_case(actor, reference, field="victims")
                        for reference in data["victims"]
                    ],
                    criminal_case=criminal_case,
                ),
            )
        except RegisterError as error:
            return _bad_request(error)
        fresh = self.get_queryset().get(pk=fact.pk)
        return Response(DetectedFactSerializer(fresh).data, status=status.HTTP_201_CREATED)

    def get_queryset(self) -> QuerySet[DetectedFact]:
        if getattr(self, "swagger_fake_view", False):
            return DetectedFact.objects.none()
        _readable(self.request.user)
        return DetectedFact.objects.select_related(
            "detecting_organisation", "criminal_case"
        ).prefetch_related("platforms", "victims__case")
