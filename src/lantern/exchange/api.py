"""Imports into an organisation's register through the API: send a file, follow its run, fetch
its report. Only those who may import into their organisation's register reach these
endpoints; for anyone else they do not exist (404)."""

from __future__ import annotations

import io
from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from lantern.access import policy
from lantern.core.models import User
from lantern.exchange.forms import importable_kinds, start_import, upload_problem
from lantern.exchange.models import ImportProblem, ImportRun
from lantern.exchange.native.engine import ImportNotAllowed, write_report
from lantern.exchange.native.registry import KINDS
from lantern.exchange.views import organisation_runs, visible_run

# A run's first reasons come with the run; all of them from its problems or its report.
PROBLEMS_WITH_RUN = 100


class ImportProblemSerializer(serializers.ModelSerializer[ImportProblem]):
    class Meta:
        model = ImportProblem
        fields = ["row", "column", "value", "message"]


class ImportRunSerializer(serializers.ModelSerializer[ImportRun]):
    imported_by = serializers.CharField(source="imported_by.username", read_only=True)
    organisation = serializers.CharField(source="organisation.code", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    problem_count = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "kind",
            "file_name",
            "file_sha256",
            "imported_by",
            "organisation",
            "started_at",
            "finished_at",
            "dry_run",
            "atomic",
            "file_format",
            "encoding",
            "separator",
            "status",
            "status_label",
            "rows",
            "created",
            "updated",
            "unchanged",
            "rejected",
            "problem_count",
            "problems",
            "report",
        ]
        read_only_fields = fields

    def get_problem_count(self, run: ImportRun) -> int:
        return run.problems.count()

    @extend_schema_field(ImportProblemSerializer(many=True))
    def get_problems(self, run: ImportRun) -> list[dict[str, Any]]:
        problems = run.problems.all()[:PROBLEMS_WITH_RUN]
        return list(ImportProblemSerializer(problems, many=True).data)

    def get_report(self, run: ImportRun) -> str:
        return reverse("api-import-report", kwargs={"pk": run.pk})


class ImportRequestSerializer(serializers.Serializer[None]):
    kind = serializers.ChoiceField(choices=sorted(KINDS))
    file = serializers.FileField(help_text="CSV (UTF-8 or Windows-1251) or XLSX")
    dry_run = serializers.BooleanField(default=False, help_text="check every row, write nothing")
    atomic = serializers.BooleanField(
        default=False, help_text="write every row or, if any row is rejected, none"
    )

    def __init__(self, *args: Any, actor: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if actor is not None:
            field = cast(serializers.ChoiceField, self.fields["kind"])
            field.choices = [kind.name for kind in importable_kinds(actor)]

    def validate_file(self, upload: Any) -> Any:
        problem = upload_problem(upload)
        if problem:
            raise serializers.ValidationError(problem)
        return upload


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        detail = data.get("detail", "") if isinstance(data, dict) else data
        return str(detail).encode(self.charset)


class ImportRunViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ImportRun]
):
    """Imports of cases and events into the caller's organisation's register (Lantern's own
    CSV/XLSX format). A small file (up to 256 KB of CSV or 64 KB of XLSX) is imported before
    the answer; a larger one goes on in the background: follow its ``status`` until it is no
    longer ``running``."""

    serializer_class = ImportRunSerializer
    parser_classes = [MultiPartParser, FormParser]

    def _actor(self) -> User:
        actor = policy.acting_user(self.request.user)
        if not policy.can_import_register_data(actor):
            raise Http404
        return actor

    def get_queryset(self) -> QuerySet[ImportRun]:
        if getattr(self, "swagger_fake_view", False):
            return ImportRun.objects.none()
        return organisation_runs(self._actor())

    def get_object(self) -> ImportRun:
        return visible_run(self._actor(), int(self.kwargs["pk"]))

    @extend_schema(request=ImportRequestSerializer, responses={201: ImportRunSerializer})
    def create(self, request: Request) -> Response:
        actor = self._actor()
        given = ImportRequestSerializer(data=request.data, actor=actor)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            run_id = start_import(
                KINDS[data["kind"]],
                data["file"],
                actor,
                dry_run=data["dry_run"],
                atomic=data["atomic"],
            )
        except ImportNotAllowed:
            raise Http404 from None
        if run_id is None:
            return Response(
                {"detail": _("The file is being imported; list the imports to follow it.")},
                status=status.HTTP_202_ACCEPTED,
            )
        run = visible_run(actor, run_id)
        headers = {"Location": reverse("api-import-detail", kwargs={"pk": run.pk})}
        return Response(
            ImportRunSerializer(run).data, status=status.HTTP_201_CREATED, headers=headers
        )

    @extend_schema(responses={200: ImportProblemSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def problems(self, request: Request, pk: str) -> Response:
        """Every reason the run stored, by row, a page at a time."""
        run = self.get_object()
        page = self.paginate_queryset(cast(Any, run.problems.all()))
        return self.get_paginated_response(ImportProblemSerializer(page, many=True).data)

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(description="the report")})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, CSVRenderer])
    def report(self, request: Request, pk: str) -> HttpResponse:
        """The run's report as CSV: what was imported, how it ended, every reason."""
        run = self.get_object()
        buffer = io.StringIO()
        write_report(run, buffer)
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-report.csv"'
        return response
