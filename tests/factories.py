"""Factories for the rows tests need; reference data comes from the real pack where it matters."""

from __future__ import annotations

from typing import Any

import factory

from lantern.core.models import Organisation, OrganisationKind, User, UserRole

TEST_PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org-{n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    name_az = factory.Sequence(lambda n: f"Təşkilat {n}")
    name_ru = factory.Sequence(lambda n: f"Организация {n}")
    kind = OrganisationKind.STATE_BODY


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for role in extracted or []:
            UserRole.objects.create(user=self, role=role)
        self.forget_cached_roles()
