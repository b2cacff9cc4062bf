from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

from lantern.access import policy
from lantern.core.models import CodeEntry, Organisation, OrganisationKind


class CanViewDirectory(permissions.BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return policy.can_view_directory(request.user)


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    # DRF's metaclass takes declared fields off the class, so `parent` does not shadow Field.parent.
    parent: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True
    )
    region: serializers.SlugRelatedField[CodeEntry] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Organisation
        fields = [
            "code",
            "name_en",
            "name_az",
            "name_ru",
            "aliases",
            "kind",
            "parent",
            "region",
            "phone",
            "website",
        ]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet[Organisation]):
    """The organisations of the jurisdiction: who can register, receive and assist."""

    serializer_class = OrganisationSerializer
    permission_classes = [CanViewDirectory]
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Organisation]:
        queryset = (
            Organisation.objects.filter(is_active=True)
            .select_related("parent", "region")
            .order_by("code")
        )
        kind: Any = self.request.query_params.get("kind")
        if kind:
            if kind not in OrganisationKind.values:
                raise ValidationError(
                    {
                        "kind": [
                            f"unknown kind '{kind}'; use one of: {', '.join(OrganisationKind.values)}."
                        ]
                    }
                )
            queryset = queryset.filter(kind=kind)
        return queryset
