"""The load mix of bench/load.py (Locust): caseworkers in the browser and API clients.

    locust -f bench/locustfile.py --headless ...   (bench/load.py starts it; read it first)

Settings come from the environment bench/load.py sets:
    LOAD_HOSTS      comma-separated base URLs of the web nodes (each user sticks to one, as a
                    load balancer with sticky sessions would not even need: any node serves any
                    session)
    LOAD_ORGS       comma-separated organization slugs (bench data: bench/generate.py)
    LOAD_API_KEYS   comma-separated API keys, one per organization, in the same order
    LOAD_PASSWORD   the caseworkers' password

Caseworker (weight 4): signs in as one of an organization's bench caseworkers, then browses the
inbox, the case list (page 1 and the next page), opens cases, changes a case's status, and adds
notes. API client (weight 1): posts inquiries to /api/v1/inquiries/.
"""

from __future__ import annotations

import itertools
import os
import random
import re

import requests
from locust import HttpUser, between, constant, task

HOSTS = [h for h in os.environ.get("LOAD_HOSTS", "http://127.0.0.1:8000").split(",") if h]
ORGS = [o for o in os.environ.get("LOAD_ORGS", "bench").split(",") if o]
API_KEYS = [k for k in os.environ.get("LOAD_API_KEYS", "").split(",") if k]
PASSWORD = os.environ.get("LOAD_PASSWORD", "bench-password")
STAFF = int(os.environ.get("LOAD_STAFF", "30"))

_host_cycle = itertools.cycle(HOSTS)
_user_counter = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_LINK = re.compile(r'href="/[^/]+/cases/(\d+)/"')


class Caseworker(HttpUser):
    weight = 4
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.host = next(_host_cycle)
        n = next(_user_counter)
        self.org = ORGS[n % len(ORGS)]
        email = f"bench-cw{n % STAFF}@{self.org}.example"
        # Signing in is not part of the mix (a password hash costs on purpose): it goes through
        # a plain requests session, which Locust's statistics do not see, whose cookies the
        # user then carries.
        quiet = requests.Session()
        page = quiet.get(f"{self.host}/accounts/login/")
        token = CSRF.search(page.text)
        quiet.post(
            f"{self.host}/accounts/login/",
            data={
                "username": email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
        )
        self.client.cookies.update(quiet.cookies)
        self.case_numbers: list[int] = []

    def _remember_cases(self, text: str) -> None:
        found = [int(n) for n in CASE_LINK.findall(text)]
        if found:
            self.case_numbers = found[:50]

    @task(4)
    def inbox(self) -> None:
        response = self.client.get(f"/{self.org}/", name="inbox")
        self._remember_cases(response.text)

    @task(3)
    def case_list(self) -> None:
        response = self.client.get(f"/{self.org}/cases/?status=open", name="case list")
        self._remember_cases(response.text)

    @task(4)
    def case_page(self) -> None:
        if self.case_numbers:
            number = random.choice(self.case_numbers)
            self.client.get(f"/{self.org}/cases/{number}/", name="case page")

    def _post_on_case(self, path: str, data: dict, name: str) -> None:
        if not self.case_numbers:
            return
        number = random.choice(self.case_numbers)
        page = self.client.get(f"/{self.org}/cases/{number}/", name="case page")
        token = CSRF.search(page.text)
        self.client.post(
            f"/{self.org}/cases/{number}/{path}",
            data={**data, "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": f"{self.host}/{self.org}/cases/{number}/", "HX-Request": "true"},
            name=name,
        )

    @task(1)
    def add_note(self) -> None:
        self._post_on_case("notes/", {"note-body": "Called the resident, back Monday."}, "add note")

    @task(1)
    def change_status(self) -> None:
        status = random.choice(["in_progress", "waiting", "new"])
        self._post_on_case("field/status/", {"status": status}, "change status")


class ApiClient(HttpUser):
    weight = 1
    # Alone (bench/load.py's intake run) the clients send as fast as the nodes answer.
    wait_time = constant(0) if os.environ.get("LOAD_API_WAIT") == "0" else between(0.2, 1.0)

    def on_start(self) -> None:
        self.host = next(_host_cycle)
        n = next(_user_counter)
        self.key = API_KEYS[n % len(API_KEYS)] if API_KEYS else ""

    @task
    def post_inquiry(self) -> None:
        self.client.post(
            "/api/v1/inquiries/",
            json={
                "name": "Kari Nordmann",
                "email": "kari@example.com",
                "subject": "Dripping tap",
                "message": "The kitchen tap has been dripping since Monday.",
            },
            headers={"Authorization": f"Api-Key {self.key}"},
            name="API intake",
        )
