"""``Authorization: Bearer preau_…``: the device's token, checked against its digest and the access policy."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from ent_pages.access import policy

from . import tokens


class TokenAuthentication(authentication.BaseAuthentication):
    """A request with a token is the token's user; a wrong, revoked or refused token answers 401.

    ``request.auth`` is the token's row (wagtail.models.APIToken) (its media key signs the file links of the answer).
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header: expected “Bearer <token>”."))
        try:
            token = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        row = tokens.find(token)
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if row.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token was revoked: log in again."))
        if not policy.may_use_api(row.user):
            raise exceptions.AuthenticationFailed(_("This account may not use the application."))
        tokens.touch(row)
        return row.user, row

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
