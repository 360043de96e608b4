"""Settings shared by every environment. Environment-specific values live in dev, test and production."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent  # site/preau
BASE_DIR = PROJECT_DIR.parent.parent  # repository root
VAR_DIR = Path(os.environ.get("PREAU_VAR_DIR", BASE_DIR / "var"))

INSTALLED_APPS = [
    "ent_pages",
    "class_blog",
    "periscolaire",
    "resources",
    "search",
    "school_calendar",
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
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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

LOGIN_URL = "ent_pages:login"
LOGIN_REDIRECT_URL = "ent_pages:my_space"
LOGOUT_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = "/connexion/"

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
# Phones send HEIC; it is stored as JPEG (ent_pages.media.uploads). Not in Wagtail's default list.
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "heic", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = int(os.environ.get("PREAU_IMAGE_MAX_BYTES", 25 * 1024 * 1024))
# Decompression bombs: refused before decoding. 50 MP covers every phone camera in JPEG/HEIC.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = int(os.environ.get("PREAU_IMAGE_MAX_PIXELS", 50_000_000))
# Originals are downscaled to this long side before they are stored.
PREAU_IMAGE_MAX_LONG_SIDE = int(os.environ.get("PREAU_IMAGE_MAX_LONG_SIDE", 2560))
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# A "yes" of the access policy for a file is remembered this long per user and collection, under
# an access version bumped by every change of enrolment, role or grant (ent_pages.access.file_access).
# With several workers, use a shared cache (REDIS_URL) so that the bump reaches all of them.
PREAU_MEDIA_ACCESS_CACHE_SECONDS = int(os.environ.get("PREAU_MEDIA_ACCESS_CACHE_SECONDS", 60))
# django-sendfile2: after the access check, the web server sends the file (production: nginx).
SENDFILE_BACKEND = "django_sendfile.backends.simple"
SENDFILE_ROOT = str(PRIVATE_MEDIA_ROOT)
SENDFILE_URL = "/_private/"

WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip", "mp3", "m4a", "ogg"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Préau <ne-pas-repondre@preau.example>")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Workflows: an approved page is published by the approval itself (periscolaire.workflows).
WAGTAIL_FINISH_WORKFLOW_ACTION = "periscolaire.workflows.publish_approved"
