"""Second factor for staff (TOTP authenticator apps through django-otp), recovery codes, new-device emails.

Who must use a second factor is the access policy's decision (``policy.needs_second_factor``): every
member of staff (teachers, directors, CLAE staff, city editors, administrators). Families may enrol one.

A password alone never opens a session for them: ``/connexion/`` (and ``/admin/login/``, which leads
there) keeps the account *pending* in the session until a code from the authenticator (or a recovery
code) is given — or, for a member of staff without one yet, until they enrol one. Only then is
``django.contrib.auth.login`` called (``complete_login``), the session marked verified for django-otp,
and the browser checked against the account's known devices (a new one: an email, without content).
"""
