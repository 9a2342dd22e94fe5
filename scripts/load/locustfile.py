"""Mixed load of the demo county office: people of every demo role sign in through the login
form, browse pages, JSON lists and the dashboard, record ledger entries (the form and the API)
and step findings through the API, with think time between clicks.

Run by scripts/load.sh. Settings from the environment:
  QF_HOSTS     comma-separated base URLs of the replicas; each request goes to one of them at
               random, like a load balancer without sticky sessions (the session cookie is
               host-only, 127.0.0.1, so it rides along to every port)
  QF_PASSWORD  the demo accounts' password (the admin password the demo was seeded with)
  QF_THINK     "MIN,MAX" seconds of think time between clicks (default "3,12")
  QF_FAILURES  file that gets one line per failed request (method, name, status, body start)

Every request is named by its route template ("GET /ledger/{id}"), so the statistics are per
page. A request fails when its status is not the one the step expects (a form that saved
answers 303, an API write 200 or 201, a page 200): locust counts it in its failures.
"""

import json
import os
import random
import re
from datetime import datetime, timedelta, timezone

from locust import HttpUser, between, events, task

HOSTS = [h.strip() for h in os.environ.get("QF_HOSTS", "http://127.0.0.1:8080").split(",") if h.strip()]
PASSWORD = os.environ.get("QF_PASSWORD", "Admin#2026")
THINK_MIN, THINK_MAX = (float(x) for x in os.environ.get("QF_THINK", "3,12").split(","))
FAILURES = os.environ.get("QF_FAILURES")

# findings a simulated person is working on: one person handles a finding at a time, as in an
# office (two people stepping the same finding at once would be refused, and rightly so)
CLAIMED = set()

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
DATA_SRC = re.compile(r'data-src="([^"]+)"')
OPTION = re.compile(r'<option value="([^"]*)"[^>]*?(selected)?>')
SELECT = re.compile(r'<select name="(\w+)"[^>]*>(.*?)</select>', re.S)
LEDGER_ID = re.compile(r"^/ledger/(\d+)$")

ENTRY_TEXTS = [
    "传达学习上级关于全面从严治党的部署要求，研究本单位贯彻落实措施",
    "围绕廉政风险点开展谈心谈话，提醒严守纪律规矩",
    "组织观看警示教育片并开展讨论，对照检查自身问题",
    "督促科室落实主体责任清单，检查台账登记情况",
    "专题学习党纪学习教育读本，交流心得体会",
]
FINDING_TEXTS = [
    "部分科室履职台账登记不及时，会议记录要素不全",
    "公务接待审批单填写不规范，个别事项事后补签",
    "谈心谈话覆盖面不够，未做到班子成员全覆盖",
    "廉政风险点排查不够深入，防控措施针对性不强",
]


def office_today():
    """The offices' date (China Standard Time), as the server counts it."""
    return datetime.now(timezone(timedelta(hours=8))).date()


@events.request.add_listener
def log_failure(request_type, name, response, exception, **_):
    """One line per failed request, to find out afterwards what failed and why."""
    if exception is None or not FAILURES:
        return
    status = getattr(response, "status_code", "-")
    body = (getattr(response, "text", "") or "")[:300].replace("\n", " ")
    with open(FAILURES, "a", encoding="utf-8") as f:
        f.write(f"{datetime.now(timezone.utc).isoformat()}\t{request_type} {name}\t{status}\t{exception}\t{body}\n")


class OfficeUser(HttpUser):
    """Someone of the office with one demo account: signs in, then clicks around."""

    abstract = True
    username = ""
    wait_time = between(THINK_MIN, THINK_MAX)

    host = HOSTS[0]

    def __init__(self, environment):
        super().__init__(environment)
        self.csrf = ""
        self.person_id = None

    # -------------------------------------------------------------- requests

    @staticmethod
    def at(path):
        """The URL of `path` on one of the replicas, chosen per request."""
        return random.choice(HOSTS) + path

    def get_page(self, path, name):
        """A server-rendered page, with the header's notification badge that htmx loads after it.
        A redirect (the dashboard sends someone who sees only their own records to their items)
        is followed as a browser does, as a request of its own."""
        with self.client.get(self.at(path), name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code == 303 and r.headers.get("Location", "").startswith("/"):
                location = r.headers["Location"]
                r.success()
                return self.get_page(location, "GET " + location.split("?")[0])
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
                return ""
            m = CSRF_FIELD.search(r.text)
            if m:
                self.csrf = m.group(1)
        self.client.get(self.at("/notifications/badge"), name="GET /notifications/badge")
        return r.text

    def get_json(self, path, name):
        with self.client.get(self.at(path), name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
                return None
            return r.json()

    def send_json(self, path, name, body, ok=(200, 201)):
        headers = {"X-CSRF-Token": self.csrf, "Content-Type": "application/json"}
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        with self.client.post(self.at(path), name=name, data=data, headers=headers, catch_response=True) as r:
            if r.status_code not in ok:
                r.failure(f"status {r.status_code}: {r.text[:200]}")
                return None
            return r.json()

    def post_form(self, path, name, fields):
        """A form post that answers 303 (saved); follows the redirect as a browser does."""
        with self.client.post(self.at(path), name=name, data=fields, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 303:
                r.failure(f"status {r.status_code}: {r.text[:200]}")
                return None
            return r.headers.get("Location", "")

    # -------------------------------------------------------------- signing in and out

    def on_start(self):
        self.sign_in(first=True)

    def sign_in(self, first=False):
        self.client.get(self.at("/login"), name="GET /login")
        if first:  # a new browser fetches the assets once, then has them cached
            for asset in ("app.css", "htmx.min.js", "app.js"):
                self.client.get(self.at(f"/assets/{asset}"), name="GET /assets/{file}")
        form = {"username": self.username, "password": PASSWORD}
        if self.post_form("/login", "POST /login", form) is None:
            return
        self.get_page("/", "GET /")
        me = self.get_json("/api/v1/me", "GET /api/v1/me")
        if me:
            self.person_id = me.get("person_id")

    @task(1)
    def sign_out_and_in(self):
        if self.post_form("/logout", "POST /logout", {"csrf_token": self.csrf}) is not None:
            self.client.cookies.clear()
            self.sign_in()

    # -------------------------------------------------------------- browsing

    @task(6)
    def home(self):
        self.get_page("/", "GET /")
        self.get_json("/api/v1/home", "GET /api/v1/home")

    @task(4)
    def dashboard(self):
        html = self.get_page("/dashboard", "GET /dashboard")
        for src in dict.fromkeys(DATA_SRC.findall(html)):  # app.js fetches each URL once
            self.get_json(src.replace("&amp;", "&"), "GET /api/v1/fulfilment")

    @task(5)
    def ledger(self):
        self.get_page(random.choice(["/ledger", "/ledger?page=2", "/ledger?q=学习"]), "GET /ledger")
        page = self.get_json(f"/api/v1/ledger-entries?per_page=20&page={random.randint(1, 3)}",
                             "GET /api/v1/ledger-entries")
        if page and page["items"]:
            entry = random.choice(page["items"])
            self.get_page(f"/ledger/{entry['id']}", "GET /ledger/{id}")

    @task(4)
    def findings(self):
        self.get_page(random.choice(["/findings", "/findings?state=rectifying"]), "GET /findings")
        state = random.choice(["", "&state=rectifying", "&overdue=true"])
        page = self.get_json(f"/api/v1/findings?per_page=20{state}", "GET /api/v1/findings")
        if page and page["items"]:
            finding = random.choice(page["items"])
            self.get_page(f"/findings/{finding['id']}", "GET /findings/{id}")

    @task(2)
    def findings_stats(self):
        html = self.get_page("/findings/dashboard", "GET /findings/dashboard")
        for src in dict.fromkeys(DATA_SRC.findall(html)):
            self.get_json(src.replace("&amp;", "&"), "GET /api/v1/findings/stats")

    @task(3)
    def responsibility(self):
        self.get_page("/responsibility", "GET /responsibility")
        self.get_json("/api/v1/responsibility-items?per_page=20", "GET /api/v1/responsibility-items")

    @task(2)
    def people(self):
        self.get_page("/org", "GET /org")
        self.get_json("/api/v1/people?per_page=20", "GET /api/v1/people")

    @task(2)
    def notifications(self):
        self.get_page("/notifications", "GET /notifications")
        self.get_json("/api/v1/notifications?per_page=20", "GET /api/v1/notifications")


class Recorder(OfficeUser):
    """A role that keeps a ledger and rectifies its unit's findings."""

    abstract = True

    @task(3)
    def record_entry_form(self):
        html = self.get_page("/ledger/new", "GET /ledger/new")
        selects = {name: OPTION.findall(body) for name, body in SELECT.findall(html)}
        kinds = [v for v, _ in selects.get("kind", []) if v and v != "meeting"]
        units = [v for v, sel in selects.get("unit_id", []) if v and sel] or [v for v, _ in selects.get("unit_id", []) if v]
        people = [v for v, _ in selects.get("participants", []) if v]
        if not kinds or not units:
            return
        chosen = [v for v, sel in selects.get("participants", []) if sel] + random.sample(people, min(3, len(people)))
        fields = [("csrf_token", self.csrf), ("kind", random.choice(kinds)), ("meeting_type", ""),
                  ("date", office_today().isoformat()), ("place", "本单位会议室"),
                  ("unit_id", units[0]), ("content", random.choice(ENTRY_TEXTS))]
        fields += [("participants", p) for p in dict.fromkeys(chosen)]
        location = self.post_form("/ledger/new", "POST /ledger/new", fields)
        if location and LEDGER_ID.match(location):
            self.get_page(location, "GET /ledger/{id}")

    @task(1)
    def record_entry_api(self):
        if not self.person_id:
            return
        me = self.get_json(f"/api/v1/people/{self.person_id}", "GET /api/v1/people/{id}")
        if not me:
            return
        body = {"kind": "meeting", "meeting_type": "division", "date": office_today().isoformat(),
                "place": "会议室", "content": random.choice(ENTRY_TEXTS), "unit_id": me["unit_id"],
                "participants": [self.person_id]}
        self.send_json("/api/v1/ledger-entries", "POST /api/v1/ledger-entries", body)

    @task(3)
    def rectify(self):
        """The next step of a finding in the unit's hands: a measure, its completion, the request."""
        finding = self.pick_finding(random.choice(["fed_back", "rectifying"]))
        if finding is None:
            return
        try:
            self.step_finding(finding)
        finally:
            CLAIMED.discard(finding)

    def pick_finding(self, state):
        page = self.get_json(f"/api/v1/findings?per_page=50&state={state}", "GET /api/v1/findings")
        free = [f["id"] for f in (page or {}).get("items", []) if f["id"] not in CLAIMED]
        if not free:
            return None
        finding = random.choice(free)
        CLAIMED.add(finding)
        return finding

    def step_finding(self, fid):
        detail = self.get_json(f"/api/v1/findings/{fid}", "GET /api/v1/findings/{id}")
        if not detail:
            return
        actions = detail.get("actions", [])
        today = office_today().isoformat()
        open_measures = [m for m in detail["measures"] if m.get("completed_on") is None]
        if "request_sign_off" in actions:
            body = {"evidence": "整改报告及相关制度文件已归档", "note": "整改措施已全部完成"}
            self.send_json(f"/api/v1/findings/{fid}/sign-off-request", "POST /api/v1/findings/{id}/sign-off-request", body)
        elif open_measures and "report_progress" in actions:
            body = {"update_date": today, "text": "已按整改措施完成整改", "evidence": "会议记录", "completes": True}
            self.send_json(f"/api/v1/rectifications/{open_measures[0]['id']}/updates",
                           "POST /api/v1/rectifications/{id}/updates", body)
        elif "add_measure" in actions and self.person_id:
            deadline = (office_today() + timedelta(days=30)).isoformat()
            body = {"text": "建立健全相关制度，开展专项检查", "responsible_person_id": self.person_id, "deadline": deadline}
            self.send_json(f"/api/v1/findings/{fid}/measures", "POST /api/v1/findings/{id}/measures", body)


class Cadre(Recorder):
    """一般干部: sees only their own items, entries and reminders."""

    weight = 8
    username = "ganbu"


class BranchSecretary(Recorder):
    """支部书记: the branch and its members."""

    weight = 3
    username = "zhibu"


class Leader(Recorder):
    """分管领导: the departments in the leader's charge."""

    weight = 3
    username = "fenguan"


class Principal(Recorder):
    """主要负责人: the whole office."""

    weight = 3
    username = "zhuren"


class Supervisor(OfficeUser):
    """纪检监察组: records findings, feeds them back, signs off or returns them."""

    weight = 3
    username = "jijian"
    units = []

    @task(2)
    def record_finding(self):
        if not Supervisor.units:
            page = self.get_json("/api/v1/units?per_page=100", "GET /api/v1/units")
            Supervisor.units = [u["id"] for u in (page or {}).get("items", []) if u.get("parent_id")]
        if not Supervisor.units:
            return
        body = {"unit_id": random.choice(Supervisor.units), "source": "inspection", "category": "formalism",
                "description": random.choice(FINDING_TEXTS), "severity": "general",
                "found_on": office_today().isoformat()}
        created = self.send_json("/api/v1/findings", "POST /api/v1/findings", body)
        if created:
            self.send_json(f"/api/v1/findings/{created['id']}/feedback", "POST /api/v1/findings/{id}/feedback",
                           {"note": "请于30日内完成整改"})

    @task(3)
    def verify(self):
        """验收: sign off a finding waiting for it, or return it (one in five)."""
        page = self.get_json("/api/v1/findings?per_page=50&state=sign_off_requested", "GET /api/v1/findings")
        free = [f["id"] for f in (page or {}).get("items", []) if f["id"] not in CLAIMED]
        if not free:
            return
        fid = random.choice(free)
        CLAIMED.add(fid)
        try:
            detail = self.get_json(f"/api/v1/findings/{fid}", "GET /api/v1/findings/{id}")
            actions = (detail or {}).get("actions", [])
            if "return" in actions and (random.random() < 0.2 or "sign_off" not in actions):
                self.send_json(f"/api/v1/findings/{fid}/return", "POST /api/v1/findings/{id}/return",
                               {"reason": "佐证材料不充分，请补充"})
            elif "sign_off" in actions:
                self.send_json(f"/api/v1/findings/{fid}/sign-off", "POST /api/v1/findings/{id}/sign-off",
                               {"note": "经核查，整改到位"})
        finally:
            CLAIMED.discard(fid)
