"""Pupil sessions: sliding 20-minute idle expiry, confined to what pupils may use, never cached."""

import time

from django.shortcuts import redirect
from django.utils.cache import patch_cache_control

from ent_pages.access import policy
from ent_pages.media.links import is_file_request

from .session import is_pupil_session

SEEN_KEY = "preau_pupil_seen"
TOUCH_EVERY = 60  # seconds


class PupilSessionMiddleware:
    """After AuthenticationMiddleware. A pupil request refreshes the idle expiry; a path the access
    policy does not open to pupils (the family home, consent, class life views, the admin...) sends
    the pupil back to their space; every answer is private and not stored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_file_request(request):
            return self.get_response(request)  # signature-only serving: no session read
        pupil = is_pupil_session(request)
        if pupil:
            # The idle delay starts again with activity; the session is written at most once a minute.
            now = int(time.time())
            if now - request.session.get(SEEN_KEY, 0) >= TOUCH_EVERY:
                request.session[SEEN_KEY] = now
        response = self.get_response(request)
        if pupil:
            patch_cache_control(response, private=True, no_store=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_file_request(request) and is_pupil_session(request) and not policy.pupil_may_use(request.resolver_match):
            return redirect("pupils:space")
        return None
