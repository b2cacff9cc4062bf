"""Test settings: Lantern's own settings, with what makes tests fast and hermetic."""

import os

os.environ.setdefault("LANTERN_SECRET_KEY", "test-secret-key-for-lantern-tests-only-0123456789")
os.environ.setdefault("LANTERN_DATABASE_URL", "sqlite://:memory:")
os.environ.setdefault("LANTERN_HTTPS", "0")
os.environ.setdefault("LANTERN_REQUIRE_2FA", "0")
os.environ.setdefault("LANTERN_VAULT_KEYS", "test1:dGVzdC12YXVsdC1rZXktMDEyMzQ1Njc4OWFiY2RlZmc=")
os.environ.setdefault("LANTERN_VAULT_INDEX_KEY", "dGVzdC1uYW1lLWluZGV4LWtleS0wMTIzNDU2Nzg5YWI=")

from lantern.settings import *  # noqa: F403
from lantern.settings import DATABASES, STORAGES

# A cheap hasher: argon2 is the production choice and costs ~50 ms a password.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Tests serve static files straight from the apps, without `collectstatic`.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = None
