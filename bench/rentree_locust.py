"""Locust scenario of bench/rentree.py: one user = one family arriving on a rentrée morning.

Login (GET the form, POST the password), /mon-espace/, the child's class page, the class gallery
page, then its 10 photos by the signed links that page gave (served by nginx). Each arrival is a
different family (rentree.NNNNN, one password for all). A family that meets the waiting page (503)
stops there, as a parent would wait for the page to reload itself.

Production cookies are Secure and this stack is plain HTTP on the loopback, so an HTTP client's
cookie jar would not send them back: the family keeps its cookies by hand and sends a Cookie header.

Run by bench/rentree.py (one locust process per step), configured by the environment:
RENTREE_PLAN (JSON written by the bench), RENTREE_RATE (arrivals per minute), RENTREE_USERS,
RENTREE_OFFSET (first family number), RENTREE_RECORDS (where every response is written at the end).
"""

import html
import itertools
import json
import os
import re
import time

from locust import HttpUser, constant_pacing, events, task

PLAN = json.loads(open(os.environ["RENTREE_PLAN"], encoding="utf-8").read())  # noqa: SIM115
RATE = float(os.environ["RENTREE_RATE"])
USERS = int(os.environ["RENTREE_USERS"])
FAMILIES = itertools.count(int(os.environ.get("RENTREE_OFFSET", "0")))
WAITING_TITLE = "Préau est très sollicité"
RECORDS = []  # (name, status, seconds, waiting page)


class Stop(Exception):
    """The visit ends here (waiting page or error): the family does not go on."""


class Family(HttpUser):
    # Each user starts a visit every USERS / rate seconds: together they arrive at RATE per minute
    # (spawned at that rate, so arrivals are spread from the first second).
    wait_time = constant_pacing(USERS * 60 / RATE)

    def call(self, name, method, path, cookies, **kwargs):
        self.client.cookies.clear()
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), **kwargs.pop("headers", {})}
        start = time.perf_counter()
        with self.client.request(method, path, name=name, headers=headers, allow_redirects=False, timeout=30,
                                 catch_response=True, **kwargs) as response:
            seconds = time.perf_counter() - start
            text = (response.content or b"").decode("utf-8", "replace")  # the waiting page names no charset
            waiting = response.status_code == 503 and WAITING_TITLE in text
            RECORDS.append((name, response.status_code, seconds, waiting))
            for cookie in response.cookies:
                cookies[cookie.name] = cookie.value
            if waiting:
                response.failure("waiting page (503)")
                raise Stop
            if not response.status_code or response.status_code >= 400:
                response.failure(f"HTTP {response.status_code}")
                raise Stop
            response.success()
            return text, response

    @task
    def arrive(self):
        number = PLAN["families"][next(FAMILIES) % len(PLAN["families"])]
        places = PLAN["classes"][PLAN["family_class"][number]]
        cookies = {}
        try:
            form, _ = self.call("login form", "GET", "/connexion/", cookies)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
            _, response = self.call("login", "POST", "/connexion/", cookies, headers={"Referer": self.host + "/connexion/"},
                                    data={"csrfmiddlewaretoken": token, "username": f"{PLAN['prefix']}{number:05d}",
                                          "password": PLAN["password"]})
            if response.status_code != 302:
                RECORDS.append(("login refused", response.status_code, 0.0, False))
                return
            self.call("/mon-espace/", "GET", "/mon-espace/", cookies)
            self.call("class page", "GET", places["class"], cookies)
            gallery, _ = self.call("gallery page", "GET", places["gallery"], cookies)
            photos = [html.unescape(src) for src in re.findall(r'src="(/fichiers/images/[^"]+)"', gallery)][:10]
            if len(photos) != 10:
                RECORDS.append(("photos missing", 0, 0.0, False))
            for link in photos:
                self.call("photo", "GET", link, cookies)
        except Stop:
            return


@events.quitting.add_listener
def write_records(environment, **_kwargs):
    with open(os.environ["RENTREE_RECORDS"], "w", encoding="utf-8") as f:
        json.dump(RECORDS, f)
