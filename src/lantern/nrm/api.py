"""The referral mechanism's API. Cases are named by reference and reached only through the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lantern.access import policy
from lantern.core.models import Organisation, User
from lantern.nrm.models import (
    ChildHearing,
    Consent,
    ConsentGiver,
    Deadline,
    DeadlineStatus,
    GuardianshipNotification,
    HearingOccasion,
    LegalRepresentative,
    MigrationSystemEntry,
    Referral,
    ReferralStatus,
    ReflectionPeriod,
    RepresentativeType,
    Transfer,
    TransferOutcome,
)
from lantern.nrm.selectors import watched_deadlines
from lantern.nrm.services import (
    acknowledge_transfer,
    end_reflection_period,
    extend_reflection_period,
    grant_reflection_period,
    move_referral,
    record_child_hearing,
    record_consent,
    record_guardianship_notification,
    record_legal_representative,
    record_migration_system_entry,
    record_transfer_outcome,
    refer_case,
    transfer_case,
)
from lantern.register.models import Case, Disclosure
from lantern.register.selectors import visible_case_or_404
from lantern.register.services import RegisterError

ORGANISATION = serializers.SlugRelatedField(
    slug_field="code", queryset=Organisation.objects.filter(is_active=True)
)


def _actor(request: Request) -> User:
    return policy.acting_user(request.user)


def _case(request: Request, reference: str) -> Case:
    return visible_case_or_404(request.user, reference)


def _refused(error: RegisterError) -> Response:
    return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)


# --- Deadlines ----------------------------------------------------------------------------------


class DeadlineSerializer(serializers.ModelSerializer[Deadline]):
    case = serializers.CharField(source="case.reference", read_only=True)
    responsible_organisation = serializers.CharField(
        source="responsible_organisation.code", read_only=True
    )
    legal_basis = serializers.CharField(source="rule.legal_basis", read_only=True)

    class Meta:
        model = Deadline
        fields = [
            "case",
            "kind",
            "responsible_organisation",
            "trigger",
            "triggered_at",
            "due_at",
            "status",
            "fulfilled_at",
            "breached_at",
            "legal_basis",
        ]


class DeadlineViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Deadline]):
    """The caller's organisation's deadlines (work queue): open and breached first by due time."""

    serializer_class = DeadlineSerializer

    def get_queryset(self) -> QuerySet[Deadline]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Deadline.objects.none()
        actor = _actor(self.request)
        if not policy.can_see_deadline_queue(actor):
            raise Http404
        deadlines = watched_deadlines(actor)
        wanted = self.request.query_params.get("status")
        if wanted in DeadlineStatus.values:
            deadlines = deadlines.filter(status=wanted)
        return deadlines.select_related("case", "rule", "responsible_organisation").order_by(
            "due_at", "pk"
        )


class DeadlineCountsView(APIView):
    """Met, breached and open deadlines per organisation and kind: counts only, for the coordinator."""

    @extend_schema(responses={200: serializers.ListSerializer(child=serializers.DictField())})
    def get(self, request: Request) -> Response:
        if not policy.can_see_deadline_counts(request.user):
            raise Http404
        rows = (
            Deadline.objects.values("responsible_organisation__code", "kind")
            .annotate(
                met=Count("pk", filter=Q(status=DeadlineStatus.MET)),
                breached=Count("pk", filter=Q(status=DeadlineStatus.BREACHED)),
                open=Count("pk", filter=Q(status=DeadlineStatus.OPEN)),
            )
            .order_by("responsible_organisation__code", "kind")
        )
        return Response(
            [
                {
                    "organisation": row["responsible_organisation__code"],
                    "kind": row["kind"],
                    "met": row["met"],
                    "breached": row["breached"],
                    "open": row["open"],
                }
                for row in rows
            ]
        )


# --- Transfers ----------------------------------------------------------------------------------


class TransferSerializer(serializers.ModelSerializer[Transfer]):
    case = serializers.CharField(source="case.reference")
    sender = serializers.CharField(source="sender.code", read_only=True)
    receiver = ORGANISATION
    rights_explained = serializers.ListField(
        child=serializers.CharField(), write_only=True, required=False, default=list
    )

    class Meta:
        model = Transfer
        fields = [
            "id",
            "case",
            "sender",
            "receiver",
            "sent_at",
            "documents",
            "rights_explained",
            "acknowledged_at",
            "outcome",
            "outcome_on",
            "outcome_note",
        ]
        read_only_fields = ["sent_at", "acknowledged_at", "outcome", "outcome_on", "outcome_note"]


class TransferOutcomeSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=TransferOutcome.choices)
    outcome_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TransferViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Transfer]
):
    """Transfers to the specialised police authority on cases the caller may know of."""

    serializer_class = TransferSerializer

    def get_queryset(self) -> QuerySet[Transfer]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Transfer.objects.none()
        if not policy.can_see_any_case(self.request.user):
            raise Http404
        cases = policy.visible_cases(self.request.user, Case.objects.all())
        return Transfer.objects.filter(case__in=cases).select_related("case", "sender", "receiver")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = TransferSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        case = _case(request, given.validated_data["case"]["reference"])
        actor = _actor(request)
        if not policy.can_refer_case(actor, case):
            raise Http404
        try:
            transfer = transfer_case(
                actor=actor,
                case=case,
                receiver=given.validated_data["receiver"],
                documents=given.validated_data.get("documents", ""),
                rights_explained=given.validated_data["rights_explained"],
            )
        except RegisterError as error:
            return _refused(error)
        return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        """The specialised police confirm receipt: this meets the 24-hour deadline."""
        transfer = self.get_object()
        try:
            acknowledge_transfer(actor=_actor(request), transfer=transfer)
        except RegisterError as error:
            return _refused(error)
        return Response(TransferSerializer(transfer).data)

    @extend_schema(request=TransferOutcomeSerializer, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str) -> Response:
        """Tell the sender what came of the transfer."""
        transfer = self.get_object()
        given = TransferOutcomeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            record_transfer_outcome(
                actor=_actor(request),
                transfer=transfer,
                outcome=given.validated_data["outcome"],
                outcome_on=given.validated_data["outcome_on"],
                note=given.validated_data["note"],
            )
        except RegisterError as error:
            return _refused(error)
        return Response(TransferSerializer(transfer).data)


# --- Consent and referrals ----------------------------------------------------------------------


class ConsentSerializer(serializers.ModelSerializer[Consent]):
    case = serializers.CharField(source="case.reference")
    given_by = serializers.ChoiceField(choices=ConsentGiver.choices)
    disclosure = serializers.ChoiceField(choices=Disclosure.choices)

    class Meta:
        model = Consent
        fields = ["id", "case", "given_by", "given_at", "disclosure"]


class ReferralSerializer(serializers.ModelSerializer[Referral]):
    case = serializers.CharField(source="case.reference")
    sender = serializers.CharField(source="sender.code", read_only=True)
    provider = ORGANISATION
    consent = serializers.PrimaryKeyRelatedField(
        queryset=Consent.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "sender",
            "provider",
            "service_type",
            "consent",
            "override_reason",
            "status",
            "status_reason",
            "outcome",
            "sent_at",
        ]
        read_only_fields = ["status", "status_reason", "outcome", "sent_at"]


class ReferralMoveSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


class ConsentViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet[Consent]):
    """Record a person's consent to be referred, and what a provider may see."""

    serializer_class = ConsentSerializer
    queryset = Consent.objects.none()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = ConsentSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        case = _case(request, given.validated_data["case"]["reference"])
        actor = _actor(request)
        if not policy.can_refer_case(actor, case):
            raise Http404
        try:
            consent = record_consent(
                actor=actor,
                case=case,
                given_by=given.validated_data["given_by"],
                given_at=given.validated_data["given_at"],
                disclosure=given.validated_data["disclosure"],
            )
        except RegisterError as error:
            return _refused(error)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class ReferralViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Referral]
):
    """Referrals the caller's organisation sent or received."""

    serializer_class = ReferralSerializer

    def get_queryset(self) -> QuerySet[Referral]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Referral.objects.none()
        actor = _actor(self.request)
        if not policy.can_see_any_case(actor):
            raise Http404
        return Referral.objects.filter(
            Q(sender_id=actor.organisation_id) | Q(provider_id=actor.organisation_id)
        ).select_related("case", "sender", "provider")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = ReferralSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        case = _case(request, given.validated_data["case"]["reference"])
        actor = _actor(request)
        if not policy.can_refer_case(actor, case):
            raise Http404
        try:
            referral = refer_case(
                actor=actor,
                case=case,
                provider=given.validated_data["provider"],
                service_type=given.validated_data["service_type"],
                consent=given.validated_data.get("consent"),
                override_reason=given.validated_data.get("override_reason", ""),
                may_override=policy.can_override_consent(actor, case),
            )
        except RegisterError as error:
            return _refused(error)
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReferralMoveSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str) -> Response:
        """Accept, decline, start, complete or withdraw; the provider's access follows."""
        referral = self.get_object()
        actor = _actor(request)
        if not policy.can_handle_referral(actor, referral):
            raise Http404
        given = ReferralMoveSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            move_referral(
                actor=actor,
                referral=referral,
                status=given.validated_data["status"],
                reason=given.validated_data["reason"],
                outcome=given.validated_data["outcome"],
            )
        except RegisterError as error:
            return _refused(error)
        return Response(ReferralSerializer(referral).data)


# --- Child safeguards and the reflection period ------------------------------------------------


class GuardianshipNotificationSerializer(serializers.ModelSerializer[GuardianshipNotification]):
    case = serializers.CharField(source="case.reference")
    notified_organisation = ORGANISATION

    class Meta:
        model = GuardianshipNotification
        fields = ["id", "case", "notified_organisation", "notified_at", "method"]


class MigrationSystemEntrySerializer(serializers.ModelSerializer[MigrationSystemEntry]):
    case = serializers.CharField(source="case.reference")

    class Meta:
        model = MigrationSystemEntry
        fields = ["id", "case", "entered_on", "system_reference"]


class LegalRepresentativeSerializer(serializers.ModelSerializer[LegalRepresentative]):
    case = serializers.CharField(source="case.reference")
    representative_type = serializers.ChoiceField(choices=RepresentativeType.choices)

    class Meta:
        model = LegalRepresentative
        fields = ["id", "case", "representative_type", "appointed_by", "appointed_on"]


class ChildHearingSerializer(serializers.ModelSerializer[ChildHearing]):
    case = serializers.CharField(source="case.reference")
    occasion = serializers.ChoiceField(choices=HearingOccasion.choices)

    class Meta:
        model = ChildHearing
        fields = ["id", "case", "occasion", "heard_on", "note"]


class ReflectionPeriodSerializer(serializers.ModelSerializer[ReflectionPeriod]):
    case = serializers.CharField(source="case.reference")

    class Meta:
        model = ReflectionPeriod
        fields = [
            "id",
            "case",
            "decided_on",
            "legal_basis",
            "starts_at",
            "ends_at",
            "extension_reason",
            "ended_at",
            "end_reason",
        ]
        read_only_fields = ["starts_at", "ends_at", "extension_reason", "ended_at", "end_reason"]


class ReflectionEndSerializer(serializers.Serializer[Any]):
    ended_at = serializers.DateTimeField()
    reason = serializers.CharField()


class ReflectionExtendSerializer(serializers.Serializer[Any]):
    new_end_on = serializers.DateField()
    reason = serializers.CharField()


class CaseRecordViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Any]
):
    """Records about cases: listed for the cases the caller may know of, created by those who may change the case."""

    def get_queryset(self) -> QuerySet[Any]:
        serializer: Any = self.get_serializer_class()
        records: QuerySet[Any] = serializer.Meta.model._default_manager.all()
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return records.none()
        if not policy.can_see_any_case(self.request.user):
            raise Http404
        cases = policy.visible_cases(self.request.user, Case.objects.all())
        return records.filter(case__in=cases).select_related("case").order_by("pk")

    def editable(self, actor: User, case: Case) -> bool:
        return policy.can_edit_case(actor, case)

    def perform_record(self, actor: User, case: Case, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        case = _case(request, data.pop("case")["reference"])
        actor = _actor(request)
        if not self.editable(actor, case):
            raise Http404
        try:
            record = self.perform_record(actor, case, data)
        except RegisterError as error:
            return _refused(error)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)


class GuardianshipNotificationViewSet(CaseRecordViewSet):
    """Record that the guardianship authority was told about a child victim (meets that deadline)."""

    serializer_class = GuardianshipNotificationSerializer
    queryset = GuardianshipNotification.objects.none()

    def perform_record(self, actor: User, case: Case, data: dict[str, Any]) -> Any:
        return record_guardianship_notification(actor=actor, case=case, **data)


class MigrationSystemEntryViewSet(CaseRecordViewSet):
    """Record an unaccompanied foreign minor's entry in the migration information system."""

    serializer_class = MigrationSystemEntrySerializer
    queryset = MigrationSystemEntry.objects.none()

    def perform_record(self, actor: User, case: Case, data: dict[str, Any]) -> Any:
        return record_migration_system_entry(actor=actor, case=case, **data)


class LegalRepresentativeViewSet(CaseRecordViewSet):
    """Record a child's legal representative."""

    serializer_class = LegalRepresentativeSerializer
    queryset = LegalRepresentative.objects.none()

    def perform_record(self, actor: User, case: Case, data: dict[str, Any]) -> Any:
        return record_legal_representative(actor=actor, case=case, **data)


class ChildHearingViewSet(CaseRecordViewSet):
    """Record that a child over 10 was heard on placement or on an extension of the stay."""

    serializer_class = ChildHearingSerializer
    queryset = ChildHearing.objects.none()

    def perform_record(self, actor: User, case: Case, data: dict[str, Any]) -> Any:
        return record_child_hearing(actor=actor, case=case, **data)


class ReflectionPeriodViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet[ReflectionPeriod]):
    """Recovery and reflection periods: granted, extended and ended by an investigator of the specialised police."""

    serializer_class = ReflectionPeriodSerializer

    def get_queryset(self) -> QuerySet[ReflectionPeriod]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return ReflectionPeriod.objects.none()
        return ReflectionPeriod.objects.filter(
            case__in=policy.visible_cases(self.request.user, Case.objects.all())
        ).select_related("case")

    def _period_for_investigator(self, request: Request) -> ReflectionPeriod:
        period = self.get_object()
        if not policy.can_grant_reflection_period(request.user, period.case):
            raise Http404
        return period

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = ReflectionPeriodSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        case = _case(request, given.validated_data["case"]["reference"])
        actor = _actor(request)
        if not policy.can_grant_reflection_period(actor, case):
            raise Http404
        try:
            period = grant_reflection_period(
                actor=actor,
                case=case,
                decided_on=given.validated_data["decided_on"],
                legal_basis=given.validated_data["legal_basis"],
            )
        except RegisterError as error:
            return _refused(error)
        return Response(ReflectionPeriodSerializer(period).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReflectionEndSerializer, responses={200: ReflectionPeriodSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        period = self._period_for_investigator(request)
        given = ReflectionEndSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            end_reflection_period(
                actor=_actor(request),
                period=period,
                ended_at=given.validated_data["ended_at"],
                reason=given.validated_data["reason"],
            )
        except RegisterError as error:
            return _refused(error)
        return Response(ReflectionPeriodSerializer(period).data)

    @extend_schema(request=ReflectionExtendSerializer, responses={200: ReflectionPeriodSerializer})
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str) -> Response:
        period = self._period_for_investigator(request)
        given = ReflectionExtendSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            extend_reflection_period(
                actor=_actor(request),
                period=period,
                new_end_on=given.validated_data["new_end_on"],
                reason=given.validated_data["reason"],
            )
        except RegisterError as error:
            return _refused(error)
        return Response(ReflectionPeriodSerializer(period).data)
