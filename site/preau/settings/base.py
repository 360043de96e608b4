"""Settings shared by every environment. Environment-specific values live in dev, test and production."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from ent_pages.media.formats import IMAGE_EXTENSIONS

PROJECT_DIR = Path(__file__).resolve().parent.parent  # site/preau
BASE_DIR = PROJECT_DIR.parent.parent  # repository root
VAR_DIR = Path(os.environ.get("PREAU_VAR_DIR", BASE_DIR / "var"))

INSTALLED_APPS = [
    "ent_pages",
    "class_blog",
    "periscolaire",
    "resources",
    "search",
    "conversations",
    "pupils",
    "school_calendar",
    "push",
    # The phone app's JSON API (issue 16): DRF (Wagtail's dependency) and its OpenAPI schema.
    "api",  # no models: tokens are Wagtail's APIToken
    "rest_framework",
    "drf_spectacular",
    # Background tasks (notifications, digests) stored in the database and run by `db_worker`.
    "django_tasks_db",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
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
    "guardian",
    "axes",
    # Second factor for staff (ent_pages.second_factor): TOTP apps and single-use recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy and Content-Security-Policy on every answer (ent_pages.security).
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "ent_pages.security.PreauCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # One access version per request: scope, page content and permissions read it once (ent_pages.access).
    "ent_pages.access.AccessVersionMiddleware",
    # The Wagtail Site from the shared cache rather than a query per request (ent_pages.serving).
    "ent_pages.serving.CachedSiteMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether the session was opened with a second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # File links signed for the viewer's browser while the page is built (ent_pages.media.links).
    "ent_pages.media.links.MediaLinkMiddleware",
    # Every answer to a logged-in user is "private, no-store" unless its view declares it public.
    "ent_pages.caching.PrivateResponsesMiddleware",
    # A logout's response clears the browser's caches, storage and service worker (ent_pages.webapp).
    "ent_pages.webapp.ClearSiteDataAtLogoutMiddleware",
    # Pupil sessions: 20 minutes idle, confined to what the access policy opens to pupils, never stored.
    "pupils.middleware.PupilSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "preau.urls"
WSGI_APPLICATION = "preau.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "csp.context_processors.nonce",
                "conversations.context_processors.unread_messages",
            ],
        },
    },
]

# SQLite by default (the embedded default of `make run`); PostgreSQL when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "ent_pages.User"
# django-axes' standalone backend comes first, as axes requires: it only refuses logins from a
# locked-out address or username and answers no permission question, so ModelBackend is still the
# first backend that decides permissions (Wagtail's page permissions and Django's groups);
# guardian's backend answers object permissions (explicit grants), which the access policy consults.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous visitors get public pages only.
GUARDIAN_MONKEY_PATCH_USER = False

PASSWORD_HASHERS = [
    "ent_pages.passwords.PreauArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # verifies hashes made before, upgraded at login
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# The CNIL recommends at least 12 characters mixing 3 kinds of character.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ent_pages.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]

# Login throttling (django-axes): 10 failures lock the client address, and separately the username,
# for 15 minutes. Wrong activation codes count as failures too (ent_pages.activation).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_TEMPLATE = "ent_pages/accounts/locked_out.html"
# Behind the production reverse proxy, set AXES_IPWARE_PROXY_COUNT so the client address is the real one.
AXES_IPWARE_PROXY_COUNT = int(os.environ["AXES_IPWARE_PROXY_COUNT"]) if os.environ.get("AXES_IPWARE_PROXY_COUNT") else None

# Activation codes printed on the families' letters (ent_pages.activation).
PREAU_ACTIVATION_CODE_DAYS = int(os.environ.get("PREAU_ACTIVATION_CODE_DAYS", "90"))
# Year rollover (ent_pages.rollover): archived classes stay visible to their families this many days;
# deactivated accounts are deleted this many days later (the CNIL's three months for ENTs).
PREAU_ARCHIVED_CLASS_FAMILY_DAYS = int(os.environ.get("PREAU_ARCHIVED_CLASS_FAMILY_DAYS", "60"))
PREAU_DEACTIVATED_ACCOUNT_DAYS = int(os.environ.get("PREAU_DEACTIVATED_ACCOUNT_DAYS", "92"))
# Where the accessibility statement (/accessibilite/, ent_pages.accessibility) sends families who cannot reach a content.
PREAU_ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("PREAU_ACCESSIBILITY_CONTACT_EMAIL", "accessibilite@preau.example")

# Second factor (ent_pages.second_factor): the name authenticator apps show; the emails about new devices.
OTP_TOTP_ISSUER = "Préau"

LOGIN_URL = "ent_pages:login"
LOGIN_REDIRECT_URL = "ent_pages:my_space"
LOGOUT_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = "/connexion/"

# The JSON API (api/, docs/api.md): each view sets its authentication, throttle, pagination and errors;
# only the schema generator is global. PREAU_API_RATE: requests per token (DRF throttle syntax).
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
PREAU_API_RATE = os.environ.get("PREAU_API_RATE", "120/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Préau API",
    "DESCRIPTION": "The JSON API of Préau's phone app (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["api.schema.only_api_v1"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français"), ("en", "English")]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_URL = "/static/"

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Private media (docs/private-media.md): originals, renditions and documents of schools and classes.
# This folder is never served by the web server: files leave only through ent_pages.media.views,
# after the access policy said yes (nginx X-Accel-Redirect in production, streamed in dev/tests).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # A str, not a Path: Wagtail's file-deletion task serialises the storage's arguments as JSON.
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": "/_private-media-is-never-public/"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Préau"
# No Gravatar: the admin shows Wagtail's built-in avatar instead of an external image (offline, CSP, privacy).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# ASCII slugs (the admin's slug field folds accents); pages of non-specialists get French-safe ones (ent_pages.promotion).
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILADMIN_BASE_URL = os.environ.get("PREAU_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
DATABASE_SEARCH_BACKEND = {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "french"}
WAGTAILSEARCH_BACKENDS = {"default": DATABASE_SEARCH_BACKEND}
# Elasticsearch when configured: the site search uses search.elastic (elasticsearch.dsl documents),
# the admin uses Wagtail's Elasticsearch 8 backend; the database index stays as the "database" backend.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
PREAU_SEARCH_INDEX = os.environ.get("PREAU_SEARCH_INDEX", "preau-pages")
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch8",
            "URLS": [ELASTICSEARCH_URL],
            "INDEX": "preau-wagtail",
            "TIMEOUT": 10,
        },
        "database": DATABASE_SEARCH_BACKEND,
    }
# Media models (ent_pages.media.models): every file on the private storage, served after an access check.
WAGTAILIMAGES_IMAGE_MODEL = "ent_pages.PrivateImage"
WAGTAILDOCS_DOCUMENT_MODEL = "ent_pages.PrivateDocument"
WAGTAILIMAGES_IMAGE_FORM_BASE = "ent_pages.forms.PrivateImageForm"
WAGTAILIMAGES_RENDITION_STORAGE = "private"
# Phones send HEIC/HEIF; stored as JPEG (ent_pages.media.uploads). The one list of accepted formats.
WAGTAILIMAGES_EXTENSIONS = IMAGE_EXTENSIONS
WAGTAILIMAGES_MAX_UPLOAD_SIZE = int(os.environ.get("PREAU_IMAGE_MAX_BYTES", 25 * 1024 * 1024))
# Decompression bombs: refused before decoding. 50 MP covers every phone camera in JPEG/HEIC.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = int(os.environ.get("PREAU_IMAGE_MAX_PIXELS", 50_000_000))
# Originals are downscaled to this long side before they are stored.
PREAU_IMAGE_MAX_LONG_SIDE = int(os.environ.get("PREAU_IMAGE_MAX_LONG_SIDE", 2560))
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Links to private files are signed for one browser and expire after this long (ent_pages.media.links):
# the bound on revocation for links already handed out.
PREAU_MEDIA_LINK_SECONDS = int(os.environ.get("PREAU_MEDIA_LINK_SECONDS", 60 * 60))

WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip", "mp3", "m4a", "ogg"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Préau <ne-pas-repondre@preau.example>")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "preau.cache.PersistentRedisCache", "LOCATION": os.environ["REDIS_URL"]}}

# Tasks (django-tasks; Django 5.2 has no tasks framework of its own). "default" stays immediate: Wagtail 8
# enqueues its own tasks there (search index, references) and expects them done when the request ends.
# "background" holds what must not slow a request or may wait: new-message notifications (deferred to
# the end of quiet hours with run_after) and email digests. `manage.py db_worker --backend background`
# runs them (deploy/serve.py and `make run` start one); `send_message_notifications` stays as a cron
# catch-up for anything a stopped worker missed.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Content-Security-Policy (django-csp 4, ent_pages.security; docs/security.md). The site runs only
# Préau's own static scripts and styles: no inline script without {{ CSP_NONCE }}, no inline event
# handler, no style attribute. Class videos play in iframes of the allowed providers (class_blog.blocks).
PREAU_VIDEO_FRAME_SOURCES = [
    "https://www.youtube-nocookie.com", "https://www.youtube.com", "https://player.vimeo.com",
    "https://www.dailymotion.com", "https://geo.dailymotion.com",
    "https://tube-numerique-educatif.apps.education.fr", "https://podeduc.apps.education.fr",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        # The installable app (ent_pages.webapp): its manifest and service worker, from the site itself.
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "frame-src": PREAU_VIDEO_FRAME_SOURCES,
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Wagtail 8's admin writes inline scripts (inline panels, choosers, date widgets) and style
# attributes, previews pages in an iframe of its own and shows uploads as blob: images.
PREAU_ADMIN_PATH_PREFIX = "/admin/"
PREAU_ADMIN_CSP_OVERRIDES = {
    "default-src": [SELF],
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "font-src": [SELF, "data:"],
    "connect-src": [SELF],
    "media-src": [SELF, "blob:"],
    "frame-src": [SELF, *PREAU_VIDEO_FRAME_SOURCES],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [SELF],
}
# The admin dashboard does not ask releases.wagtail.org for new versions (connect-src 'self'; upgrades
# are planned by the city's team, not prompted to editors).
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatar fetched from Gravatar (it would leak staff email hashes and needs a third-party image source).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Powerful browser features nobody on Préau needs are switched off (django-permissions-policy).
PERMISSIONS_POLICY = {
    "accelerometer": [], "autoplay": [], "camera": [], "display-capture": [], "geolocation": [], "gyroscope": [],
    "magnetometer": [], "microphone": [], "midi": [], "payment": [], "usb": [], "browsing-topics": [],
    "fullscreen": ["self", *PREAU_VIDEO_FRAME_SOURCES],
}

# Workflows: an approved page is published by the approval itself (periscolaire.workflows).
WAGTAIL_FINISH_WORKFLOW_ACTION = "periscolaire.workflows.publish_approved"

# Pupil accounts (pupils app): the levels that get one (maternelle off), the tablet session's idle
# limit, and picture-password throttling (per pupil, and per class within a window).
PREAU_PUPIL_ACCOUNT_LEVELS = [
    level.strip() for level in os.environ.get("PREAU_PUPIL_ACCOUNT_LEVELS", "CP,CE1,CE2,CM1,CM2").split(",") if level.strip()
]
PREAU_PUPIL_IDLE_SECONDS = 20 * 60
PREAU_PUPIL_LOCK_AFTER = 5
PREAU_CLASS_LOCK_AFTER = 15
PREAU_CLASS_LOCK_WINDOW = 15 * 60

# Web Push notifications (push app, docs/push.md). Production sets PREAU_VAPID_PRIVATE_KEY (from
# `manage.py generate_vapid_keys`); development and tests keep a key of their own under var/.
PREAU_VAPID_PRIVATE_KEY = os.environ.get("PREAU_VAPID_PRIVATE_KEY", "")
PREAU_VAPID_KEY_FILE = VAR_DIR / "vapid-private-key.txt"
PREAU_VAPID_SUBJECT = os.environ.get("PREAU_VAPID_SUBJECT", "")
#: The push services Préau posts to (a leading dot: any sub-domain), over HTTPS only: the browsers' own.
PREAU_PUSH_SERVICE_HOSTS = [
    host.strip() for host in os.environ.get(
        "PREAU_PUSH_SERVICE_HOSTS", "fcm.googleapis.com,.push.services.mozilla.com,.push.apple.com,.notify.windows.com"
    ).split(",") if host.strip()
]
PREAU_PUSH_ALLOW_HTTP = False
