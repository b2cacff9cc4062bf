from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from django_otp import match_token
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lantern.access import policy
from lantern.access.models import SecurityEventKind
from lantern.access.services import record_security_event
from lantern.core.models import User


class TokenRequestSerializer(serializers.Serializer[None]):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp_token = serializers.CharField(
        required=False,
        help_text=_(
            "Six-digit authenticator code; required for roles that sign in with two factors."
        ),
    )


class TokenResponseSerializer(serializers.Serializer[None]):
    token = serializers.CharField()


class ObtainTokenView(APIView):
    """Exchange an account name and password (and, where required, a second factor) for an API token."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes: list[type] = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request: Request) -> Response:
        given = TokenRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=given.validated_data["username"],
            password=given.validated_data["password"],
        )
        if not isinstance(user, User) or not policy.can_use_api(user):
            return Response(
                {
                    "detail": _(
                        "The account name or password is not right, or the account is locked."
                    )
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        if policy.requires_two_factor(user):
            refusal = self._second_factor_refusal(
                request, user, given.validated_data.get("otp_token", "")
            )
            if refusal is not None:
                return refusal
        token, _created = Token.objects.get_or_create(user=user)
        record_security_event(
            SecurityEventKind.TOKEN_ISSUED,
            username=user.get_username(),
            user=user,
            request=request._request,
        )
        return Response({"token": token.key})

    def _second_factor_refusal(self, request: Request, user: User, code: str) -> Response | None:
        if not code:
            return Response(
                {
                    "detail": _(
                        "This account needs the six-digit code from its authenticator app in 'otp_token'."
                    )
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        if match_token(user, code) is None:
            record_security_event(
                SecurityEventKind.TWO_FACTOR_FAILED,
                username=user.get_username(),
                user=user,
                request=request._request,
                detail="API token",
            )
            return Response(
                {"detail": _("The authenticator code is not right. Try the newest code.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return None
