"""Print a new VAPID key pair for production's environment (push notifications, docs/push.md)."""

from django.core.management.base import BaseCommand

from push.vapid import _vapid_for, b64url, new_private_key


class Command(BaseCommand):
    help = "Generate a VAPID key pair: set PREAU_VAPID_PRIVATE_KEY in the environment (keep it secret)."

    def handle(self, *args, **options):
        from cryptography.hazmat.primitives import serialization

        private = new_private_key()
        public = _vapid_for(private).public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.stdout.write(f"PREAU_VAPID_PRIVATE_KEY={private}")
        self.stdout.write(f"# public key (derived, sent to browsers): {b64url(public)}")
