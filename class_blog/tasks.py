"""Background tasks of class life, through Wagtail's own task dependency (django-tasks).

With the default ImmediateBackend they run at once; a database or queue backend moves them out of
the cron job without changing the callers.
"""

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_digest_email(to, subject, body):
    send_mail(subject, body, None, [to])
    return to
