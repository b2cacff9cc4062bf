"""Hotline contacts through the API; counts for statisticians."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lantern.access import policy
from lantern.core.models import Jurisdiction, Organisation
from lantern.hotline.models import Contact
from lantern.hotline.services import ContactInput, contact_counts, log_contact
from lantern.register.identity import Identity
from lantern.register.services import RegisterError, Registration


class PossibleVictimSerializer(serializers.Serializer[Any]):
    citizenship = serializers.CharField(required=False, allow_blank=True, default="")
    sex = serializers.CharField(required=False, allow_blank=True, default="")
    family_name = serializers.CharField(required=False, allow_blank=True, default="")
    given_name = serializers.CharField(required=False, allow_blank=True, default="")


class ContactSerializer(serializers.ModelSerializer[Contact]):
    contacted_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Defaults to now."
    )
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    referred_to = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    case = serializers.CharField(source="case.reference", read_only=True, default=None)
    possible_victim = PossibleVictimSerializer(
        required=False,
        write_only=True,
        help_text="Give this to open a presumed-victim case from the contact in one step.",
    )

    class Meta:
        model = Contact
        fields = [
            "reference",
            "line",
            "contacted_at",
            "language",
            "caller_type",
            "topic",
            "outcome",
            "referred_to",
            "summary",
            "case",
            "possible_victim",
        ]
        read_only_fields = ["reference"]


class ContactViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Contact]
):
    """The caller's hotline's contacts; logging one may open a presumed-victim case."""

    serializer_class = ContactSerializer

    def get_queryset(self) -> QuerySet[Contact]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Contact.objects.none()
        if not policy.can_log_contact(self.request.user):
            raise Http404
        return policy.visible_contacts(
            self.request.user, Contact.objects.select_related("case", "referred_to")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = policy.acting_user(request.user)
        if not policy.can_log_contact(actor):
            raise Http404
        given = ContactSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        registration = None
        victim = data.get("possible_victim")
        if victim is not None:
            home = Jurisdiction.objects.values_list("country", flat=True).first() or ""
            registration = Registration(
                citizenship=victim["citizenship"] or home,
                contact_channel="hotline",
                sex=victim["sex"],
                identity=Identity(
                    given_name=victim["given_name"], family_name=victim["family_name"]
                ),
            )
        try:
            contact = log_contact(
                actor=actor,
                data=ContactInput(
                    line=data["line"],
                    caller_type=data["caller_type"],
                    topic=data["topic"],
                    outcome=data.get("outcome", ""),
                    language=data.get("language", ""),
                    referred_to=data.get("referred_to"),
                    summary=data.get("summary", ""),
                    contacted_at=data.get("contacted_at"),
                ),
                registration=registration,
            )
        except RegisterError as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class ContactCountsView(APIView):
    """Contacts per day, month or year, by line, topic and outcome. Counts only."""

    @extend_schema(
        parameters=[OpenApiParameter("period", str, enum=["day", "month", "year"])],
        responses={200: serializers.ListSerializer(child=serializers.DictField())},
    )
    def get(self, request: Request) -> Response:
        if not policy.can_see_hotline_counts(request.user):
            raise Http404
        return Response(
            contact_counts(Contact.objects.all(), request.query_params.get("period", "month"))
        )
