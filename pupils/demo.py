"""Demo pupil accounts: every eligible demo pupil gets an account; CE1 B's pupils have cards.

Emma (CE1 B at Jules Ferry) always has the picture password the README gives: sun, tree, fish.
"""

from ent_pages.models import ClassPage

from .accounts import sync_pupil_accounts
from .credentials import issue_card
from .models import PupilAccount

EMMA_REGISTRY_ID = "DEMO-ELV-901"
EMMA_PICTURES = ("soleil", "arbre", "poisson")


def seed_pupil_accounts(stdout=None):
    report = sync_pupil_accounts()
    ce1b = ClassPage.objects.filter(slug="ce1-b", title="CE1 B").first()
    if ce1b is not None:
        accounts = PupilAccount.objects.filter(
            pupil__enrolments__class_page=ce1b, is_active=True).select_related("pupil").distinct()
        for account in accounts:
            if account.pupil.external_id == EMMA_REGISTRY_ID and account.locked_at is None:
                issue_card(account, EMMA_PICTURES)
            elif not account.has_card:
                issue_card(account)
    if stdout:
        for line in report.lines():
            stdout.write(line)
