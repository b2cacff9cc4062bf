"""Payments and residence permits through the API; cases by reference, reached only through the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lantern.access import policy
from lantern.assistance.models import Payment, ResidencePermit
from lantern.assistance.services import (
    chain_gaps,
    payment_totals,
    record_payment,
    record_residence_permit,
)
from lantern.core.models import BenefitType
from lantern.register.models import Case
from lantern.register.services import RegisterError


def _case(request: Request, reference: str) -> Case:
    case = (
        policy.visible_cases(request.user, Case.objects.select_related("person"))
        .filter(reference=str(reference).upper())
        .first()
    )
    if not isinstance(case, Case):
        raise Http404
    return case


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
