"""Settings shared by every environment.

Everything comes from the environment (a ``.env`` file is read if present).
With nothing set the site runs on the embedded default: SQLite, database-backed
search, Celery tasks run eagerly, e-mail to the console and Stripe disabled.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    # Our own apps before Oscar's so their templates win.
    "shop.apps.ShopConfig",
    "shop.accounts.apps.AccountsConfig",
    "shop.outlets.apps.OutletsConfig",
    "shop.payments.apps.PaymentsConfig",
    "shop.health.apps.HealthConfig",
    "shop.imports.apps.ImportsConfig",
    "shop.stamps.apps.StampsConfig",
    "cms.apps.CmsConfig",
    "fixtures.apps.FixturesConfig",
    # Oscar, with our forks in place of catalogue, partner, checkout and search.
    "shop.oscar_config.OcopShop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "shop.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "oscar.apps.shipping.apps.ShippingConfig",
    "catalog.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "shop.partner.apps.PartnerConfig",
    "oscar.apps.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "shop.order.apps.OrderConfig",
    "shop.customer.apps.CustomerConfig",
    "search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "shop.dashboard.apps.DashboardConfig",
    "shop.dashboard.listings.apps.ListingsDashboardConfig",
    "shop.dashboard.stock.apps.StockDashboardConfig",
    "shop.dashboard.review.apps.ReviewDashboardConfig",
    "shop.dashboard.imports.apps.ImportsDashboardConfig",
    "shop.dashboard.fulfilment.apps.FulfilmentDashboardConfig",
    "shop.dashboard.producer_reports.apps.ProducerReportsDashboardConfig",
    "shop.dashboard.stamps.apps.StampsDashboardConfig",
    "shop.dashboard.payments.apps.PaymentsDashboardConfig",
    "shop.dashboard.delivery.apps.DeliveryDashboardConfig",
    "shop.dashboard.pickups.apps.PickupsDashboardConfig",
    "shop.dashboard.transfers.apps.TransfersDashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "django_tables2",
    "sorl.thumbnail",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shop.middleware.SiteLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shop.accounts.middleware.OfficersStayOutOfShopDashboard",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "shop.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "shop.wsgi.application"

# An empty DATABASE_URL counts as unset, like the other optional services below.
DATABASES = {"default": env.db_url_config(env("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Requests are transactions; take the write lock up front so that two requests
    # writing at once wait for each other instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "shop.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = (
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English second. The language is the visitor's choice
# (cookie), never guessed from the browser: see shop.middleware.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
WAGTAIL_CONTENT_LANGUAGES = WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
# Vietnamese dates read 30/06/2026.
FORMAT_MODULE_PATH = ["shop.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="OCOP <no-reply@ocop.localhost>")

# --- Oscar ---------------------------------------------------------------
OSCAR_SHOP_NAME = "Chợ OCOP"
OSCAR_SHOP_TAGLINE = _("Certified One Commune One Product goods")
OSCAR_DEFAULT_CURRENCY = "VND"
# VND has no minor unit and is written "1.250.000 ₫" whatever the page language.
OSCAR_CURRENCY_FORMAT = {"VND": {"format": "#,##0\xa0¤", "locale": "vi_VN", "currency_digits": False}}
OSCAR_HOMEPAGE = "/"
OSCAR_PRODUCTS_PER_PAGE = 24
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL

# A producer's order line goes new -> confirmed -> packed -> shipped -> delivered, or is cancelled
# before it ships (shop.order.fulfilment).
OSCAR_INITIAL_LINE_STATUS = "new"
OSCAR_LINE_STATUS_PIPELINE = {
    "new": ("confirmed", "cancelled"),
    "confirmed": ("packed", "cancelled"),
    "packed": ("shipped", "cancelled"),
    "shipped": ("delivered",),
    "delivered": (),
    "cancelled": (),
}
OSCAR_DASHBOARD_DEFAULT_ACCESS_FUNCTION = "shop.dashboard.nav.dashboard_access_fn"
# Producers and sales points see their own shop window first; Oscar's menus follow for shop staff,
# who alone may open Oscar's own pages (shop.dashboard.permissions).
OSCAR_DASHBOARD_NAVIGATION = [
    {
        "label": _("My shop"),
        "icon": "fas fa-store",
        "children": [
            {"label": _("Products"), "url_name": "dashboard:producer-product-list"},
            {"label": _("Stock and prices"), "url_name": "dashboard:producer-stock-list"},
            {"label": _("Import from a spreadsheet"), "url_name": "dashboard:producer-import-list"},
            {"label": _("Producer page"), "url_name": "dashboard:producer-profile"},
            {"label": _("Delivery charges"), "url_name": "dashboard:producer-shipping-rate"},
        ],
    },
    {"label": _("My orders"), "icon": "fas fa-shopping-cart", "url_name": "dashboard:producer-order-list"},
    {"label": _("Pickups to prepare"), "icon": "fas fa-box-open", "url_name": "dashboard:pickup-list"},
    {"label": _("Bank transfers to check"), "icon": "fas fa-university", "url_name": "dashboard:transfer-list"},
    {"label": _("Monthly report"), "icon": "fas fa-chart-bar", "url_name": "dashboard:producer-report"},
    {"label": _("Listing review"), "icon": "fas fa-clipboard-check", "url_name": "dashboard:review-list"},
    {"label": _("Card payments"), "icon": "fas fa-credit-card", "url_name": "dashboard:card-payment-list"},
    {
        "label": _("Traceability stamps"),
        "icon": "fas fa-qrcode",
        "children": [
            {"label": _("Stamp batches"), "url_name": "dashboard:stamp-batch-list"},
            {"label": _("Issue stamps"), "url_name": "dashboard:stamp-batch-create"},
            {"label": _("Suspicious batches"), "url_name": "dashboard:stamp-flagged-list"},
            {"label": _("Counterfeit reports"), "url_name": "dashboard:counterfeit-report-list"},
        ],
    },
    *OSCAR_DASHBOARD_NAVIGATION,  # noqa: F405
]

# Oscar imports haystack; our search app does not use it.
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"

# --- Wagtail -------------------------------------------------------------
WAGTAIL_SITE_NAME = "Chợ OCOP"
WAGTAILADMIN_BASE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- OCOP rules ----------------------------------------------------------
OCOP_MIN_STARS_FOR_SALE = 3
OCOP_CERTIFICATE_VALIDITY_MONTHS = 36
OCOP_EXPIRY_REMINDER_DAYS = (60, 14)
SITE_URL = WAGTAILADMIN_BASE_URL

# --- Traceability stamps (shop.stamps) ----------------------------------
OCOP_STAMP_MAX_BATCH = 100_000
# A stamp is suspicious when scanned more than this many times in all, or from more than this
# many distinct networks within a day: one item is not scanned like that.
OCOP_STAMP_SUSPICIOUS_SCANS = env.int("OCOP_STAMP_SUSPICIOUS_SCANS", default=20)
OCOP_STAMP_SUSPICIOUS_NETWORKS_PER_DAY = env.int("OCOP_STAMP_SUSPICIOUS_NETWORKS_PER_DAY", default=5)
# Look-ups of /t/<code> a client may make a minute, and codes that match no stamp an hour.
OCOP_STAMP_LOOKUPS_PER_MINUTE = env.int("OCOP_STAMP_LOOKUPS_PER_MINUTE", default=60)
OCOP_STAMP_UNKNOWN_CODES_PER_HOUR = env.int("OCOP_STAMP_UNKNOWN_CODES_PER_HOUR", default=20)
# Counterfeit reports a client may send an hour (each attempt counts: a photo is costly to check).
OCOP_STAMP_REPORTS_PER_HOUR = env.int("OCOP_STAMP_REPORTS_PER_HOUR", default=5)
OCOP_STAMP_SCAN_RETENTION_DAYS = env.int("OCOP_STAMP_SCAN_RETENTION_DAYS", default=365)
# How many proxies in front of the site append to X-Forwarded-For (deploy/: nginx, 1); 0 trusts
# only the connection's address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Stamp print files and counterfeit-report photos: never under MEDIA_URL (shop.stamps.storage).
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private"))

# --- Search engine -------------------------------------------------------
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", default="ocop")
# Changes reach the search engines once their transaction commits (search.indexing).
SEARCH_INDEX_AFTER_COMMIT = True
ELASTICSEARCH_TIMEOUT = env.float("ELASTICSEARCH_TIMEOUT", default=2.0)  # seconds

# --- Stripe --------------------------------------------------------------
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
# Seconds a webhook's signature stays acceptable (Stripe's own default tolerance).
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)
# Where the card page loads Stripe.js from (the tests: localstripe's stand-in, <localstripe>/js.stripe.com/v3/).
STRIPE_JS_URL = env("STRIPE_JS_URL", default="https://js.stripe.com/v3/")

# --- Payments and delivery -------------------------------------------------
# A VietQR transfer or a card payment not received within this many hours cancels the order.
PAYMENT_DEADLINE_HOURS = env.int("PAYMENT_DEADLINE_HOURS", default=24)
# The account VietQR transfers go to: the bank's NAPAS BIN (6 digits), the account number and holder.
# Without a BIN and account the bank-transfer option is not offered (dev and test settings name a demo account).
VIETQR_BANK_BIN = env("VIETQR_BANK_BIN", default="")
VIETQR_ACCOUNT_NUMBER = env("VIETQR_ACCOUNT_NUMBER", default="")
VIETQR_ACCOUNT_NAME = env("VIETQR_ACCOUNT_NAME", default="")
# What a producer without a shipping rate of their own charges to deliver (đồng).
DEFAULT_SHIPPING_CHARGE = env.int("DEFAULT_SHIPPING_CHARGE", default=30000)

# --- Celery --------------------------------------------------------------
# An empty value counts as unset (a blank line copied from .env.example must not mean amqp://localhost).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker, tasks run in the web process as they are sent.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL.startswith("memory"))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "record-certificate-expiries": {
        "task": "catalog.tasks.record_certificate_expiries",
        "schedule": 60 * 60,
    },
    "remind-producers-of-expiring-certificates": {
        "task": "catalog.tasks.remind_expiring_certificates",
        "schedule": 60 * 60 * 6,
    },
    "flag-suspicious-stamp-batches": {
        "task": "shop.stamps.tasks.flag_suspicious_batches",
        "schedule": 60 * 60,
    },
    "purge-old-stamp-scans": {
        "task": "shop.stamps.tasks.purge_old_scans",
        "schedule": crontab(hour=3, minute=30),
    },
    "repair-search-index": {
        "task": "search.tasks.repair_index",
        "schedule": 60 * 30,
    },
    "send-monthly-producer-reports": {
        "task": "shop.order.tasks.send_monthly_reports",
        "schedule": crontab(day_of_month=1, hour=7, minute=0),  # 07:00 on the 1st, CELERY_TIMEZONE
    },
    "reconcile-card-payments": {
        "task": "shop.payments.tasks.reconcile_card_payments",
        "schedule": 60 * 60,
    },
    # The e-mails an order owes that are still unsent a minute on (the broker was down when it committed).
    "send-pending-order-emails": {
        "task": "shop.order.tasks.send_pending_order_notifications",
        "schedule": 60,
    },
    # Orders whose VietQR transfer or card payment is still awaited after PAYMENT_DEADLINE_HOURS are cancelled.
    "cancel-overdue-payments": {
        "task": "shop.order.tasks.cancel_overdue_payments",
        "schedule": 60 * 15,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
