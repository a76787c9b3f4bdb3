"""The load bench/loadtest.py puts on a running Sasar: officers, liaisons and managers as they use it.

Read by locust (`locust -f bench/locustfile.py`); the people, their session cookies and their tokens come
from the JSON file named by SASAR_LOADTEST_PEOPLE, which bench/loadtest.py writes (it signs them in).
Officers open Today and their prospect list, search it, and log visits through the API with their token;
liaisons send small lead lists through the API; managers open the dashboard (this year, their branch).
`HealthUser`, run alone (bench/loadtest.py names the classes of each run), is the baseline: GET /health on
the same server.
"""

import json
import os
import random
import uuid
from itertools import count
from pathlib import Path

from locust import FastHttpUser, between, task

PEOPLE_FILE = os.environ.get("SASAR_LOADTEST_PEOPLE")
PEOPLE = json.loads(Path(PEOPLE_FILE).read_text(encoding="utf-8")) if PEOPLE_FILE else {}
OUTCOMES = ("interested", "not_at_home", "not_at_home", "interested", "not_interested")
FIRST = ("Siti", "Ahmad", "Nur", "Slamet", "Dewi", "Hasan", "Sri", "Imam", "Aminah", "Rudi")
FAMILY = ("Hidayat", "Rahman", "Santoso", "Hasanah", "Fauziah", "Sholeh", "Maulana", "Efendi")
_serial = count(1)


def _take(kind: str) -> dict:
    people = PEOPLE[kind]
    return people[next(_serial) % len(people)]


class SignedIn(FastHttpUser):
    abstract = True
    wait_time = between(0.1, 0.5)
    kind = ""

    def on_start(self):
        self.person = _take(self.kind)
        self.session = {"Cookie": f"session={self.person['cookie']}"}

    def page(self, path: str, name: str, **params):
        response = self.client.get(path, params=params or None, headers=self.session, name=name)
        return response


class OfficerUser(SignedIn):
    weight = 8
    kind = "officers"

    @task(4)
    def today(self):
        self.page("/today", "officer: GET /today")

    @task(3)
    def prospects(self):
        self.page("/prospects", "officer: GET /prospects")

    @task(2)
    def search(self):
        self.page("/prospects", "officer: GET /prospects?q=", q=random.choice(self.person["searches"]))

    @task(3)
    def log_visit(self):
        outcome = random.choice(OUTCOMES)
        body = {"id": str(uuid.uuid4()), "prospect_id": random.choice(self.person["prospects"]), "outcome": outcome,
                "latitude": -7.70 + random.uniform(-0.05, 0.05), "longitude": 113.97 + random.uniform(-0.05, 0.05),
                "accuracy_m": 15}
        if outcome == "not_interested":
            body["decline_reason"] = "cannot_afford"
        self.client.post("/api/v1/visits", json=body, headers={"Authorization": f"Bearer {self.person['token']}"},
                         name="officer: POST /api/v1/visits")


class LiaisonUser(FastHttpUser):
    weight = 1
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.person = _take("liaisons")

    @task
    def send_leads(self):
        leads = []
        for _ in range(5):
            n = random.randrange(10**8)
            desa, kecamatan = random.choice(self.person["places"])
            nik = f"351206{random.randint(1, 28):02d}{random.randint(1, 12):02d}{random.randint(60, 99)}{n % 10000:04d}"
            leads.append({"reference": f"load-{uuid.uuid4().hex[:20]}",
                          "name": f"{random.choice(FIRST)} {random.choice(FAMILY)}", "nik": nik,
                          "phone": f"0812{n:08d}", "desa": desa, "kecamatan": kecamatan, "occupation": "Nelayan"})
        self.client.post("/api/v1/leads", json=leads, headers={"Authorization": f"Bearer {self.person['token']}"},
                         name="liaison: POST /api/v1/leads (5)")


class ManagerUser(SignedIn):
    weight = 1
    kind = "managers"
    wait_time = between(1, 3)

    @task
    def dashboard(self):
        self.page("/dashboard", "manager: GET /dashboard")


class HealthUser(FastHttpUser):
    """The baseline: the cheapest request that still reaches the database."""

    wait_time = between(0.1, 0.5)

    @task
    def health(self):
        self.client.get("/health", name="GET /health")
