from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = str(BASE_DIR / "var" / "test-media")  # noqa: F405
PRIVATE_MEDIA_ROOT = str(BASE_DIR / "var" / "test-private")  # noqa: F405
STORAGES = {  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run where they are sent, even when a broker is configured (CI sets one):
# the tests that need a real worker start one on a queue of their own
# (tests/integration/celery/).
CELERY_TASK_ALWAYS_EAGER = True
# Static files are not collected for the tests; WhiteNoise would warn on every request.
MIDDLEWARE = [entry for entry in MIDDLEWARE if not entry.startswith("whitenoise.")]  # noqa: F405

# A test's transaction never commits: changes reach the search engines at once, inside it
# (tests/unit/search/test_indexing.py turns the production behaviour back on).
SEARCH_INDEX_AFTER_COMMIT = False
# The site under test searches its database. ELASTICSEARCH_URL in the environment points the
# Elasticsearch tests at a real cluster (tests/integration/search/conftest.py), in indices of each
# test's own prefix; every other test leaves that cluster alone.
ELASTICSEARCH_URL = ""

# A demo account for VietQR transfers (Vietcombank's BIN), so that the option can be tried; production names its own.
VIETQR_BANK_BIN = env("VIETQR_BANK_BIN", default="970436")  # noqa: F405
VIETQR_ACCOUNT_NUMBER = env("VIETQR_ACCOUNT_NUMBER", default="0011004396666")  # noqa: F405
VIETQR_ACCOUNT_NAME = env("VIETQR_ACCOUNT_NAME", default="CHO OCOP DEMO")  # noqa: F405
