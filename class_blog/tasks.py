"""Background tasks of class life, through Wagtail's own task dependency (django-tasks).

With the default ImmediateBackend they run at once; a database or queue backend moves them out of
the cron job without changing the callers.
"""

from django.core.mail import send_mass_mail
from django_tasks import task


@task(backend="background")
def send_digest_emails(messages):
    """Send a batch of digests over one connection: `messages` is a list of [to, subject, body]."""
    return send_mass_mail([(subject, body, None, [to]) for to, subject, body in messages])
