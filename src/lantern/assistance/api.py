"""Payments and residence permits through the API; cases by reference, reached only through the policy."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lantern.access import policy
from lantern.assistance.models import (
    CompensationClaim,
    CompensationReceipt,
    FamilyMember,
    LegalAid,
    Payment,
    PlanItem,
    PlanItemStatus,
    RehabilitationPlan,
    Repatriation,
    ResidencePermit,
    ServiceDelivered,
    ShelterStay,
    WorkPermitExemption,
)
from lantern.assistance.services import (
    add_plan_item,
    admit_to_shelter,
    chain_gaps,
    create_plan,
    discharge,
    payment_totals,
    protection_from_expulsion,
    record_compensation_claim,
    record_compensation_receipt,
    record_family_member,
    record_legal_aid,
    record_payment,
    record_repatriation,
    record_residence_permit,
    record_service,
    record_work_permit_exemption,
    set_plan_item_status,
)
from lantern.core.models import BenefitType, Organisation, User
from lantern.nrm.api import CaseRecordViewSet
from lantern.nrm.models import Referral
from lantern.register.models import Case
from lantern.register.selectors import visible_case_or_404
from lantern.register.services import RegisterError


def _case(request: Request, reference: str) -> Case:
    return visible_case_or_404(request.user, reference)


class PaymentSerializer(serializers.ModelSerializer[Payment]):
    case = serializers.CharField(source="case.reference")
    benefit = serializers.SlugRelatedField(
        slug_field="code", queryset=BenefitType.objects.filter(is_active=True)
    )
    payer = serializers.CharField(source="payer.code", read_only=True)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )

    class Meta:
        model = Payment
        fields = [
            "id",
            "case",
            "benefit",
            "paid_on",
            "amount",
            "currency",
            "payer",
            "legal_basis",
            "amount_reason",
        ]
        read_only_fields = ["currency", "legal_basis"]


class PaymentViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Payment]
):
    """Benefits paid on cases the caller may know of. The payer is the caller's organisation."""

    serializer_class = PaymentSerializer

    def get_queryset(self) -> QuerySet[Payment]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Payment.objects.none()
        if not policy.can_see_any_case(self.request.user):
            raise Http404
        cases = policy.visible_cases(self.request.user, Case.objects.all())
        return Payment.objects.filter(case__in=cases).select_related("case", "benefit", "payer")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = PaymentSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        case = _case(request, given.validated_data["case"]["reference"])
        actor = policy.acting_user(request.user)
        if not policy.can_record_assistance(actor, case):
            raise Http404
        data = given.validated_data
        try:
            payment = record_payment(
                actor=actor,
                case=case,
                benefit=data["benefit"],
                paid_on=data.get("paid_on"),
                amount=data.get("amount"),
                amount_reason=data.get("amount_reason", ""),
            )
        except RegisterError as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: serializers.ListSerializer(child=serializers.DictField())})
    @action(detail=False, methods=["get"], url_path="totals")
    def totals(self, request: Request) -> Response:
        """Persons, payments and amounts by benefit, year and payer: totals only, for statisticians."""
        if not policy.can_see_aggregate_totals(request.user):
            raise Http404
        return Response(payment_totals(Payment.objects.all()))


class ResidencePermitSerializer(serializers.ModelSerializer[ResidencePermit]):
    case = serializers.CharField(source="case.reference")
    renews = serializers.PrimaryKeyRelatedField(
        queryset=ResidencePermit.objects.all(), required=False, allow_null=True
    )
    gap_before_days = serializers.SerializerMethodField()

    class Meta:
        model = ResidencePermit
        fields = [
            "id",
            "case",
            "permit_type",
            "legal_basis",
            "valid_from",
            "valid_to",
            "renews",
            "gap_before_days",
        ]

    def get_gap_before_days(self, permit: ResidencePermit) -> int | None:
        """Days without a permit between the permit this one renews and this one."""
        if permit.renews is None:
            return None
        gaps = chain_gaps([permit.renews, permit])
        return gaps[0].days if gaps else 0


class ResidencePermitViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[ResidencePermit]
):
    """Temporary residence permits of foreign victims, with their renewal chains and gaps."""

    serializer_class = ResidencePermitSerializer

    def get_queryset(self) -> QuerySet[ResidencePermit]:
        if getattr(self, "swagger_fake_view", False):
            return ResidencePermit.objects.none()
        if not policy.can_see_any_case(self.request.user):
            raise Http404
        cases = policy.visible_cases(self.request.user, Case.objects.all())
        return ResidencePermit.objects.filter(case__in=cases).select_related("case", "renews")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = ResidencePermitSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        case = _case(request, given.validated_data["case"]["reference"])
        actor = policy.acting_user(request.user)
        if not policy.can_record_assistance(actor, case):
            raise Http404
        data = given.validated_data
        try:
            permit = record_residence_permit(
                actor=actor,
                case=case,
                permit_type=data["permit_type"],
                legal_basis=data["legal_basis"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                renews=data.get("renews"),
            )
        except RegisterError as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(ResidencePermitSerializer(permit).data, status=status.HTTP_201_CREATED)


class RehabilitationPlanSerializer(serializers.ModelSerializer[RehabilitationPlan]):
    case = serializers.CharField(source="case.reference")
    requested_on = serializers.DateField(required=False, allow_null=True, default=None)
    drawn_up_by = serializers.CharField(source="drawn_up_by.code", read_only=True)

    class Meta:
        model = RehabilitationPlan
        fields = ["id", "case", "requested_on", "drawn_up_by", "created_at"]
        read_only_fields = ["created_at"]


class PlanItemSerializer(serializers.ModelSerializer[PlanItem]):
    provider = serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.filter(is_active=True)
    )

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "plan",
            "direction",
            "provider",
            "target_date",
            "status",
            "victim_agreed_on",
            "representative_agreed_on",
        ]
        read_only_fields = ["status"]


class PlanItemStatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=PlanItemStatus.choices)


class RehabilitationPlanViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[RehabilitationPlan]
):
    """Individual social rehabilitation plans, drawn up by an assistance centre at the victim's request."""

    serializer_class = RehabilitationPlanSerializer

    def get_queryset(self) -> QuerySet[RehabilitationPlan]:
        if getattr(self, "swagger_fake_view", False):
            return RehabilitationPlan.objects.none()
        if not policy.can_see_any_case(self.request.user):
            raise Http404
        return RehabilitationPlan.objects.filter(
            case__in=policy.visible_cases(self.request.user, Case.objects.all())
        ).select_related("case", "drawn_up_by")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = RehabilitationPlanSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        case = _case(request, given.validated_data["case"]["reference"])
        actor = policy.acting_user(request.user)
        if not policy.can_record_assistance(actor, case):
            raise Http404
        try:
            plan = create_plan(
                actor=actor, case=case, requested_on=given.validated_data["requested_on"]
            )
        except RegisterError as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(RehabilitationPlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanItemViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet[PlanItem]):
    """Items of a plan; an item starts only once the person (and for a child the representative) agreed."""

    serializer_class = PlanItemSerializer

    def get_queryset(self) -> QuerySet[PlanItem]:
        if getattr(self, "swagger_fake_view", False):
            return PlanItem.objects.none()
        cases = policy.visible_cases(self.request.user, Case.objects.all())
        return PlanItem.objects.filter(plan__case__in=cases).select_related("plan__case")

    def _editable(self, request: Request, plan: RehabilitationPlan) -> None:
        if not policy.can_record_assistance(request.user, plan.case):
            raise Http404

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = PlanItemSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        plan = given.validated_data["plan"]
        _case(request, plan.case.reference)
        self._editable(request, plan)
        data = given.validated_data
        try:
            item = add_plan_item(
                actor=policy.acting_user(request.user),
                plan=plan,
                direction=data["direction"],
                provider=data["provider"],
                target_date=data.get("target_date"),
                victim_agreed_on=data.get("victim_agreed_on"),
                representative_agreed_on=data.get("representative_agreed_on"),
            )
        except RegisterError as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(PlanItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlanItemStatusSerializer, responses={200: PlanItemSerializer})
    @action(detail=True, methods=["post"])
    def status(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        self._editable(request, item.plan)
        given = PlanItemStatusSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            set_plan_item_status(
                actor=policy.acting_user(request.user),
                item=item,
                status=given.validated_data["status"],
            )
        except RegisterError as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(PlanItemSerializer(item).data)


class ShelterStaySerializer(serializers.ModelSerializer[ShelterStay]):
    case = serializers.CharField(source="case.reference")
    shelter = serializers.CharField(source="shelter.code", read_only=True)
    admitted_on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(
        source="admission_reason", required=False, allow_blank=True, default=""
    )

    class Meta:
        model = ShelterStay
        fields = [
            "id",
            "case",
            "shelter",
            "is_child",
            "admitted_on",
            "reason",
            "capacity_override_reason",
            "staying_until",
            "discharged_on",
            "discharge_reason",
            "destination",
        ]
        read_only_fields = [
            "is_child",
            "staying_until",
            "discharged_on",
            "discharge_reason",
            "destination",
        ]


class DischargeSerializer(serializers.Serializer[Any]):
    discharged_on = serializers.DateField()
    reason = serializers.CharField()
    destination = serializers.CharField(required=False, allow_blank=True, default="")


class ShelterStayViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[ShelterStay]
):
    """Stays in the caller's own shelter."""

    serializer_class = ShelterStaySerializer

    def get_queryset(self) -> QuerySet[ShelterStay]:
        if getattr(self, "swagger_fake_view", False):
            return ShelterStay.objects.none()
        actor = policy.acting_user(self.request.user)
        if not policy.can_see_occupancy(actor):
            raise Http404
        return ShelterStay.objects.filter(shelter_id=actor.organisation_id).select_related(
            "case", "shelter"
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = ShelterStaySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        case = _case(request, given.validated_data["case"]["reference"])
        actor = policy.acting_user(request.user)
        if not policy.can_record_shelter_stay(actor, case):
            raise Http404
        data = given.validated_data
        try:
            stay = admit_to_shelter(
                actor=actor,
                case=case,
                admitted_on=data["admitted_on"],
                reason=data["admission_reason"],
                capacity_override_reason=data.get("capacity_override_reason", ""),
                may_override=policy.can_override_shelter_capacity(actor),
            )
        except RegisterError as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(ShelterStaySerializer(stay).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DischargeSerializer, responses={200: ShelterStaySerializer})
    @action(detail=True, methods=["post"])
    def discharge(self, request: Request, pk: str) -> Response:
        stay = self.get_object()
        given = DischargeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            discharge(
                actor=policy.acting_user(request.user),
                stay=stay,
                discharged_on=given.validated_data["discharged_on"],
                reason=given.validated_data["reason"],
                destination=given.validated_data["destination"],
            )
        except RegisterError as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(ShelterStaySerializer(stay).data)


class FamilyMemberSerializer(serializers.ModelSerializer[FamilyMember]):
    case = serializers.CharField(source="case.reference")

    class Meta:
        model = FamilyMember
        fields = ["id", "case", "birth_year", "sex"]


class ServiceDeliveredSerializer(serializers.ModelSerializer[ServiceDelivered]):
    case = serializers.CharField(source="case.reference")
    provider = serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.filter(is_active=True)
    )
    family_member = serializers.PrimaryKeyRelatedField(
        queryset=FamilyMember.objects.all(), required=False, allow_null=True
    )
    plan_item = serializers.PrimaryKeyRelatedField(
        queryset=PlanItem.objects.all(), required=False, allow_null=True
    )
    referral = serializers.PrimaryKeyRelatedField(
        queryset=Referral.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = ServiceDelivered
        fields = [
            "id",
            "case",
            "family_member",
            "service_type",
            "provider",
            "delivered_on",
            "plan_item",
            "referral",
            "outcome",
        ]


class CompensationClaimSerializer(serializers.ModelSerializer[CompensationClaim]):
    case = serializers.CharField(source="case.reference")
    received_total = serializers.SerializerMethodField()

    class Meta:
        model = CompensationClaim
        fields = [
            "id",
            "case",
            "against",
            "body",
            "submitted_on",
            "awarded_amount",
            "awarded_on",
            "currency",
            "received_total",
        ]

    def get_received_total(self, claim: CompensationClaim) -> str:
        return str(sum((receipt.amount for receipt in claim.receipts.all()), Decimal("0.00")))


class CompensationReceiptSerializer(serializers.ModelSerializer[CompensationReceipt]):
    class Meta:
        model = CompensationReceipt
        fields = ["id", "claim", "received_on", "amount"]


class LegalAidSerializer(serializers.ModelSerializer[LegalAid]):
    case = serializers.CharField(source="case.reference")

    class Meta:
        model = LegalAid
        fields = ["id", "case", "provider_kind", "stage", "started_on", "ended_on"]


class RepatriationSerializer(serializers.ModelSerializer[Repatriation]):
    case = serializers.CharField(source="case.reference")

    class Meta:
        model = Repatriation
        fields = [
            "id",
            "case",
            "destination",
            "repatriated_on",
            "documents_obtained",
            "escorted",
            "costs_borne_by",
            "is_readmission",
        ]


class AssistanceRecordViewSet(CaseRecordViewSet):
    """Records about a case's assistance, listed for the cases the caller may know of."""

    def editable(self, actor: User, case: Case) -> bool:
        return policy.can_record_assistance(actor, case)


class FamilyMemberViewSet(AssistanceRecordViewSet):
    """A victim's child, recorded as family so that services to the child are not counted as to a victim."""

    serializer_class = FamilyMemberSerializer
    queryset = FamilyMember.objects.none()

    def perform_record(self, actor: User, case: Case, data: dict[str, Any]) -> Any:
        return record_family_member(
            actor=actor, case=case, birth_year=data.get("birth_year"), sex=data.get("sex", "")
        )


class ServiceDeliveredViewSet(AssistanceRecordViewSet):
    """A service given, to the victim or to a family member."""

    serializer_class = ServiceDeliveredSerializer
    queryset = ServiceDelivered.objects.none()

    def perform_record(self, actor: User, case: Case, data: dict[str, Any]) -> Any:
        return record_service(actor=actor, case=case, **data)


class CompensationClaimViewSet(AssistanceRecordViewSet):
    """Compensation claims: submitted, awarded and received (GRETA Table 5)."""

    serializer_class = CompensationClaimSerializer
    queryset = CompensationClaim.objects.none()

    def perform_record(self, actor: User, case: Case, data: dict[str, Any]) -> Any:
        return record_compensation_claim(actor=actor, case=case, **data)

    @extend_schema(
        request=CompensationReceiptSerializer, responses={201: CompensationReceiptSerializer}
    )
    @action(detail=True, methods=["post"])
    def receipts(self, request: Request, pk: str) -> Response:
        """Record an instalment received."""
        claim = CompensationClaim.objects.filter(
            pk=pk, case__in=policy.visible_cases(request.user, Case.objects.all())
        ).first()
        if claim is None or not policy.can_record_assistance(request.user, claim.case):
            raise Http404
        sent: Any = request.data
        given = CompensationReceiptSerializer(
            data={
                "received_on": sent.get("received_on"),
                "amount": sent.get("amount"),
                "claim": claim.pk,
            }
        )
        given.is_valid(raise_exception=True)
        try:
            receipt = record_compensation_receipt(
                actor=policy.acting_user(request.user),
                claim=claim,
                received_on=given.validated_data["received_on"],
                amount=given.validated_data["amount"],
            )
        except RegisterError as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(CompensationReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)


class LegalAidViewSet(AssistanceRecordViewSet):
    """Free legal aid assignments."""

    serializer_class = LegalAidSerializer
    queryset = LegalAid.objects.none()

    def perform_record(self, actor: User, case: Case, data: dict[str, Any]) -> Any:
        return record_legal_aid(actor=actor, case=case, **data)


class RepatriationViewSet(AssistanceRecordViewSet):
    """Repatriations of victims, and readmissions of victims identified abroad."""

    serializer_class = RepatriationSerializer
    queryset = Repatriation.objects.none()

    def perform_record(self, actor: User, case: Case, data: dict[str, Any]) -> Any:
        return record_repatriation(actor=actor, case=case, **data)


class WorkPermitExemptionSerializer(serializers.ModelSerializer[WorkPermitExemption]):
    case = serializers.CharField(source="case.reference")

    class Meta:
        model = WorkPermitExemption
        fields = ["id", "case", "recorded_on", "legal_basis"]


class WorkPermitExemptionViewSet(AssistanceRecordViewSet):
    """A foreign victim working without a work permit (Migration Code Art. 64.0.15-1)."""

    serializer_class = WorkPermitExemptionSerializer
    queryset = WorkPermitExemption.objects.none()

    def perform_record(self, actor: User, case: Case, data: dict[str, Any]) -> Any:
        return record_work_permit_exemption(actor=actor, case=case, **data)


class ExpulsionProtectionView(APIView):
    """Why a case's foreign victim may not be removed today (``?case=REFERENCE``); empty if no protection is known."""

    @extend_schema(
        parameters=[OpenApiParameter("case", str, required=True)],
        responses={200: serializers.ListSerializer(child=serializers.CharField())},
    )
    def get(self, request: Request) -> Response:
        case = _case(request, request.query_params.get("case", ""))
        return Response(protection_from_expulsion(case, timezone.localdate()))
