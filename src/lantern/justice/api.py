"""Criminal proceedings through the API, read-only, for the specialised police and the prosecution.

Accused persons appear by reference with their analytic attributes; their identity is revealed
only on the page, after a stated reason.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from rest_framework import serializers, viewsets

from lantern.access import policy
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


def _readable(user: policy.AnyUser) -> None:
    if not policy.can_see_proceedings(user):
        raise Http404


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


class CriminalCaseViewSet(viewsets.ReadOnlyModelViewSet[CriminalCase]):
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


class DetectedFactViewSet(viewsets.ReadOnlyModelViewSet[DetectedFact]):
    serializer_class = DetectedFactSerializer
    lookup_field = "reference"

    def get_queryset(self) -> QuerySet[DetectedFact]:
        if getattr(self, "swagger_fake_view", False):
            return DetectedFact.objects.none()
        _readable(self.request.user)
        return DetectedFact.objects.select_related(
            "detecting_organisation", "criminal_case"
        ).prefetch_related("platforms", "victims__case")
