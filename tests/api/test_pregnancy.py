"""Black-box tests of issue 3 (pregnancy care): registration with the small
and big card, gestational age and EDD, the guidance, the record, antenatal
visits and lab results with their ranges, the five-colour grading at every
edge of domain.md §5.1, high-risk cases and the continuation assessment,
booking against capacity, reminders and overdue (with FUYOU_NOW and the
background job), delivery with children and postpartum tasks, postpartum
visits, other endings, and the child's name.

Runs the real binary ($FUYOU_BIN) on a free port with a fresh database; see
fuyou.py for the harness. Every refusal goes through refused(): the
problem+json shape, the named fields, and no table of the database changed.
"""

import datetime
import os
import sqlite3
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuyou  # noqa: E402

CHC_A = fuyou.institution("community_health_center", "310104", 0)
CHC_A2 = fuyou.institution("community_health_center", "310104", 1)
CHC_A3 = fuyou.institution("community_health_center", "310104", 2)
CHC_B = fuyou.institution("community_health_center", "310115", 0)
MCH_A = fuyou.institution("mch_institute", "310104", 0)
HOSP_A = "sh6"  # delivery hospital in 310104
HOSP_B = "renji"  # delivery hospital in 310115

USERS = {
    # username: (role, institution, district)
    "city": ("city_admin", None, None),
    "xh_admin": ("district_admin", None, "310104"),
    "pd_admin": ("district_admin", None, "310115"),
    "doc_a": ("community_doctor", CHC_A, None),
    "doc_a2": ("community_doctor", CHC_A2, None),
    "doc_b": ("community_doctor", CHC_B, None),
    "ob_a": ("obstetrician", HOSP_A, None),
    "ob_b": ("obstetrician", HOSP_B, None),
}

S = None  # the shared server (real time)
C = {}  # username -> logged-in Client

MEASURES = ["weight_kg", "sbp", "dbp", "fundal_height_cm", "abdominal_circumference_cm", "fetal_heart_rate",
            "hb_g_l", "plt_10e9_l", "creatinine_umol_l", "creatinine_uln_umol_l", "spo2_percent", "ef_percent",
            "pasp_mmhg", "fasting_glucose_mmol_l"]
LAB_MEASURES = MEASURES[6:]


def today():
    """Today in Asia/Shanghai (the server's care date)."""
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


def iso(d):
    return d.isoformat()


def days_ago(n, base=None):
    return (base or today()) - datetime.timedelta(days=n)


def add_months(d, months):
    """Calendar months, a missing day clamped to the month's end."""
    y, m = divmod(d.year * 12 + (d.month - 1) + months, 12)
    m += 1
    last = (datetime.date(y + (m == 12), m % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(y, m, min(d.day, last))


def years_ago(n, plus_days=0):
    """The birth date of a woman who turns n today (plus_days later: still n-1)."""
    return add_months(today(), -12 * n) + datetime.timedelta(days=plus_days)


def ga_text(days):
    return "%d+%d" % (days // 7, days % 7)


def woman_body(**over):
    body = {
        "name": "李娜",
        "id_type": "resident_id",
        "id_number": fuyou.resident_id(birth=over.pop("birth", None) or datetime.date(1994, 3, 12)),
        "phone": fuyou.phone(),
        "residence_district": "310104",
        "address": "徐汇区漕溪北路 100 号",
    }
    body.update(over)
    return body


def create_woman(client=None, **over):
    """Creates a woman; the reply with "_id_number", the number sent."""
    body = woman_body(**over)
    r = (client or C["doc_a"]).post("/api/v1/women", body)
    if r.status != 201:
        raise AssertionError("creating a woman: %r" % (r,))
    return dict(r.body, _id_number=body["id_number"], phone=body["phone"])


def preg_body(woman_id, **over):
    body = {
        "woman_id": woman_id,
        "lmp": iso(days_ago(70)),
        "card": "small",
        "institution_id": CHC_A,
        "gravidity": 1,
        "parity": 0,
        "previous_caesareans": 0,
        "previous_miscarriages": 0,
        "assisted_reproduction": False,
        "fetuses": 1,
        "height_cm": 160,
        "weight_kg": 55,
        "dating": "lmp",
    }
    body.update(over)
    return {k: v for k, v in body.items() if v is not None}


def register(client=None, woman=None, expect=201, **over):
    """Creates a woman (unless given) and registers her pregnancy; returns
    (woman, record)."""
    client = client or C["doc_a"]
    woman = woman or create_woman(client)
    r = client.post("/api/v1/pregnancies", preg_body(woman["id"], **over))
    if r.status != expect:
        raise AssertionError("registering: expected %d, got %r" % (expect, r))
    return woman, r.body


def codes(rec):
    return {f["code"] for f in rec["risk"]["factors"]}


def db_rows(db, sql, *args):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def setUpModule():
    global S
    S = fuyou.Server()
    S.start()
    for name, (role, inst, dist) in USERS.items():
        S.add_user(name, role, institution=inst, district=dist)
        C[name] = S.client(name)


def tearDownModule():
    global S
    if S is None:
        return
    try:
        S.stop()
        err = S.stderr()
        if "sqlite error" in err or "prepare failed" in err:
            raise AssertionError("the server logged store errors:\n" + err)
        p = S.cli("audit", "verify")
        if p.returncode != 0:
            raise AssertionError("audit chain broken after the suite: %s %s" % (p.stdout, p.stderr))
    finally:
        S.cleanup()
        S = None


class Base(unittest.TestCase):
    maxDiff = None
    server = None  # S unless a class runs its own

    def srv(self):
        return self.server or S

    def refused(self, client, method, path, status, fields=(), **kw):
        """Sends the request, checks a problem+json answer with `status`
        naming every field in `fields`, and that the database did not change."""
        before = self.srv().table_digests()
        r = client.request(method, path, **kw)
        self.assertEqual(r.status, status, r)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("application/problem+json"), r)
        b = r.body
        self.assertIsInstance(b, dict, r)
        self.assertEqual(b.get("status"), status, r)
        self.assertTrue(fuyou.has_zh_en(b.get("detail")), r)
        named = fuyou.problem_errors(r)
        for f in fields:
            self.assertIn(f, named, r)
        for e in b.get("errors", []):
            self.assertTrue(fuyou.has_zh_en(e.get("message")), e)
        self.assertEqual(self.srv().table_digests(), before, "a %d answer changed the database: %r" % (status, r))
        return r

    def record(self, pid, client=None):
        r = (client or C["city"]).get("/api/v1/pregnancies/%s" % pid)
        self.assertEqual(r.status, 200, r)
        return r.body

    def visit(self, pid, client=None, expect=201, path="visits", **body):
        body.setdefault("date", iso(today()))
        r = (client or C["doc_a"]).post("/api/v1/pregnancies/%s/%s" % (pid, path), body)
        self.assertEqual(r.status, expect, r)
        return r.body

    def labs(self, pid, **body):
        return self.visit(pid, path="labs", **body)

    def assert_grade(self, rec, color, purple=False, has=(), lacks=()):
        risk = rec["risk"]
        got = codes(rec)
        self.assertEqual((risk["color"], risk["purple"]), (color, purple), sorted(got))
        for c in has:
            self.assertIn(c, got)
        for c in lacks:
            self.assertNotIn(c, got)


# --------------------------------------------------------------------------
# registration


class T1Registration(Base):
    def test_small_card(self):
        lmp = days_ago(87)
        w, rec = register(lmp=iso(lmp))
        self.assertEqual(rec["status"], "open")
        self.assertEqual(rec["edd"], iso(lmp + datetime.timedelta(days=280)))
        self.assertEqual(rec["ga"]["weeks"], 12)
        self.assertEqual(rec["ga"]["days"], 3)
        self.assertEqual(rec["ga"]["text"], "12+3")
        self.assertIs(rec["early_registration"], True)
        self.assertEqual(rec["dating"], "lmp")
        self.assertEqual(rec["lmp"], iso(lmp))
        self.assertEqual(rec["registered_on"], iso(today()))
        self.assertEqual(rec["institution_id"], CHC_A)
        self.assertEqual(rec["woman"]["id"], w["id"])
        self.assertEqual(rec["woman"]["id_number"], fuyou.masked(w["_id_number"]))
        self.assertNotIn(w["_id_number"], str(rec))
        self.assertEqual(rec["risk"]["color"], "green")
        self.assertIs(rec["risk"]["purple"], False)
        self.assertEqual(rec["risk"]["factors"], [])
        self.assertEqual(rec["small_card_deadline"], iso(lmp + datetime.timedelta(days=90)))
        # cards: the small card with date and GA
        self.assertEqual(len(rec["cards"]), 1)
        card = rec["cards"][0]
        self.assertEqual((card["card"], card["institution_id"], card["date"]), ("small", CHC_A, iso(today())))
        self.assertEqual(card["ga"]["text"], "12+3")
        # the registration is the early check: the next visit is the 16–20 week window
        nv = rec["next_visit"]
        self.assertIsNotNone(nv)
        self.assertEqual(nv["opens"], iso(lmp + datetime.timedelta(days=112)))
        self.assertEqual(nv["closes"], iso(lmp + datetime.timedelta(days=146)))
        self.assertEqual(nv["ga_from"]["text"], "16+0")
        self.assertEqual(nv["ga_to"]["text"], "20+6")
        self.assertTrue(nv["tests"] and all(t["code"] and t["name"] for t in nv["tests"]), nv)
        self.assertIs(rec["overdue"], False)
        self.assertEqual(rec["case"]["state"], "none")
        self.assertEqual(rec["risk_history"][0]["trigger"], "registration")
        self.assertEqual(len(rec["risk_history"]), 1)

    def test_early_registration_edge(self):
        for ga, early in ((90, True), (91, False), (0, True), (44 * 7, False)):
            with self.subTest(ga=ga):
                _, rec = register(lmp=iso(days_ago(ga)))
                self.assertIs(rec["early_registration"], early)
                self.assertEqual(rec["ga"]["text"], ga_text(ga))
                self.assertEqual(rec["registered_ga"]["text"], ga_text(ga))
                self.assertEqual(rec["ga"]["weeks"] * 7 + rec["ga"]["days"], ga)

    def test_lmp_refused(self):
        w = create_woman()
        p = "/api/v1/pregnancies"
        self.refused(C["doc_a"], "POST", p, 422, ["lmp"], json=preg_body(w["id"], lmp=iso(days_ago(-1))))
        self.refused(C["doc_a"], "POST", p, 422, ["lmp"], json=preg_body(w["id"], lmp=iso(days_ago(44 * 7 + 1))))
        self.refused(C["doc_a"], "POST", p, 422, ["lmp"], json=preg_body(w["id"], lmp="2024-02-30"))
        # every missing field is named in one answer
        r = self.refused(C["doc_a"], "POST", p, 422,
                         ["lmp", "card", "institution_id", "gravidity", "parity", "height_cm", "weight_kg"],
                         json={"woman_id": w["id"]})
        self.assertNotIn("woman_id", fuyou.problem_errors(r))
        self.refused(C["doc_a"], "POST", p, 422, ["height_cm", "weight_kg", "fetuses", "card"],
                     json=preg_body(w["id"], height_cm=90, weight_kg=500, fetuses=0, card="medium"))
        self.refused(C["doc_a"], "POST", p, 422, ["parity"], json=preg_body(w["id"], gravidity=1, parity=1))
        self.refused(C["doc_a"], "POST", p, 422, ["previous_miscarriages"],
                     json=preg_body(w["id"], gravidity=2, parity=0, previous_miscarriages=2))
        self.refused(C["doc_a"], "POST", p, 422, ["declared_factors[1]"],
                     json=preg_body(w["id"], declared_factors=["asthma", "no_such_code"]))
        self.refused(C["doc_a"], "POST", p, 422, ["surprise"], json=preg_body(w["id"], surprise=1))
        self.refused(C["doc_a"], "POST", p, 404, json=preg_body("99999999"))
        # 44+0 is still accepted
        register(woman=w, lmp=iso(days_ago(44 * 7)))

    def test_second_open_pregnancy(self):
        w, rec = register()
        r = self.refused(C["doc_a"], "POST", "/api/v1/pregnancies", 409, json=preg_body(w["id"]))
        self.assertIn(rec["id"], str(r.body))
        # also at another centre and with a big card
        self.refused(C["doc_a2"], "POST", "/api/v1/pregnancies", 409,
                     json=preg_body(w["id"], institution_id=CHC_A2))
        self.refused(C["ob_a"], "POST", "/api/v1/pregnancies", 409,
                     json=preg_body(w["id"], card="big", institution_id=HOSP_A))

    def test_ultrasound_dating(self):
        lmp = days_ago(80)
        us_edd = lmp + datetime.timedelta(days=280 + 10)  # the scan says 10 days younger
        w, rec = register(lmp=iso(lmp), dating="ultrasound", ultrasound_edd=iso(us_edd))
        self.assertEqual(rec["dating"], "ultrasound")
        self.assertEqual(rec["edd"], iso(us_edd))
        self.assertEqual(rec["ga"]["text"], ga_text(70))
        w2 = create_woman()
        p = "/api/v1/pregnancies"
        self.refused(C["doc_a"], "POST", p, 422, ["ultrasound_edd"], json=preg_body(w2["id"], dating="ultrasound"))
        self.refused(C["doc_a"], "POST", p, 422, ["ultrasound_edd"],
                     json=preg_body(w2["id"], lmp=iso(lmp), dating="ultrasound",
                                    ultrasound_edd=iso(lmp + datetime.timedelta(days=280 + 43))))
        self.refused(C["doc_a"], "POST", p, 422, ["dating"], json=preg_body(w2["id"], dating="guess"))
        # the scan dates her: an EDD that puts her dating LMP in the future (or more
        # than 44 weeks back) is refused like such an LMP
        self.refused(C["doc_a"], "POST", p, 422, ["ultrasound_edd"],
                     json=preg_body(w2["id"], lmp=iso(days_ago(5)), dating="ultrasound",
                                    ultrasound_edd=iso(days_ago(5) + datetime.timedelta(days=280 + 20))))
        self.refused(C["doc_a"], "POST", p, 422, ["ultrasound_edd"],
                     json=preg_body(w2["id"], lmp=iso(days_ago(44 * 7 - 3)), dating="ultrasound",
                                    ultrasound_edd=iso(days_ago(44 * 7 - 3) + datetime.timedelta(days=280 - 10))))
        # the scan on the day of registration: GA 0+0 is fine
        _, rec = register(woman=w2, lmp=iso(days_ago(5)), dating="ultrasound",
                          ultrasound_edd=iso(days_ago(5) + datetime.timedelta(days=285)))
        self.assertEqual((rec["ga"]["text"], rec["registered_ga"]["text"]), ("0+0", "0+0"))

    def test_institution_type_and_scope(self):
        w = create_woman()
        p = "/api/v1/pregnancies"
        # a small card at a hospital, a big card at a centre, an unknown institution
        self.refused(C["ob_a"], "POST", p, 422, ["institution_id"], json=preg_body(w["id"], institution_id=HOSP_A))
        self.refused(C["doc_a"], "POST", p, 422, ["institution_id"],
                     json=preg_body(w["id"], card="big", institution_id=CHC_A))
        self.refused(C["doc_a"], "POST", p, 422, ["institution_id"], json=preg_body(w["id"], institution_id=MCH_A))
        self.refused(C["doc_a"], "POST", p, 422, ["institution_id"], json=preg_body(w["id"], institution_id="nope"))
        # staff register at their own institution only
        self.refused(C["doc_a"], "POST", p, 403, json=preg_body(w["id"], institution_id=CHC_A2))
        self.refused(C["ob_a"], "POST", p, 403, json=preg_body(w["id"], card="big", institution_id=HOSP_B))
        # roles that do not register
        self.refused(C["xh_admin"], "POST", p, 403, json=preg_body(w["id"]))
        # a big card straight away at a delivery hospital is fine
        _, rec = register(C["ob_a"], woman=w, card="big", institution_id=HOSP_A)
        self.assertEqual(rec["delivery_institution_id"], HOSP_A)
        self.assertEqual([c["card"] for c in rec["cards"]], ["big"])
        # another institution's staff do not see the record
        self.refused(C["doc_b"], "GET", "/api/v1/pregnancies/%s" % rec["id"], 403)
        self.refused(C["doc_b"], "POST", "/api/v1/pregnancies/%s/visits" % rec["id"], 403,
                     json={"date": iso(today()), "hb_g_l": 120})
        r = C["doc_b"].get("/api/v1/pregnancies", query={"woman_id": w["id"]})
        self.assertEqual((r.status, r.body["total"]), (200, 0), r)
        r = C["ob_a"].get("/api/v1/pregnancies", query={"woman_id": w["id"]})
        self.assertEqual([x["id"] for x in r.body["items"]], [rec["id"]])

    def test_citizen_registers_herself(self):
        w = create_woman()
        other = create_woman()
        name = "citizen_%s" % w["id"]
        S.add_user(name, "citizen", woman=w["id"])
        c = S.client(name)
        self.refused(c, "POST", "/api/v1/pregnancies", 403, json=preg_body(other["id"], institution_id=CHC_A3))
        r = c.post("/api/v1/pregnancies", preg_body(w["id"], institution_id=CHC_A3))
        self.assertEqual(r.status, 201, r)
        rec = r.body
        self.assertEqual(rec["institution_id"], CHC_A3)
        self.assertEqual(self.record(rec["id"], c)["id"], rec["id"])
        _, orec = register(woman=other)
        self.refused(c, "GET", "/api/v1/pregnancies/%s" % orec["id"], 403)
        r = c.get("/api/v1/pregnancies")
        self.assertEqual([x["id"] for x in r.body["items"]], [rec["id"]])
        # she books her own visit, not another woman's
        day = iso(today() + datetime.timedelta(days=3))
        r = c.post("/api/v1/appointments", {"pregnancy_id": rec["id"], "institution_id": CHC_A3, "date": day})
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.body["date"], r.body["status"]), (day, "booked"))
        self.refused(c, "POST", "/api/v1/appointments", 403,
                     json={"pregnancy_id": orec["id"], "institution_id": CHC_A3, "date": day})
        # she cannot record visits
        self.refused(c, "POST", "/api/v1/pregnancies/%s/visits" % rec["id"], 403, json={"date": iso(today())})
        self.assertEqual(self.record(rec["id"])["appointments"][0]["date"], day)


class T2Guidance(Base):
    def test_guidance(self):
        lmp = days_ago(50)
        anon = S.client()
        r = anon.get("/api/v1/guidance/registration", query={"district": "310104", "lmp": iso(lmp)})
        self.assertEqual(r.status, 200, r)
        g = r.body
        want = {x["id"] for x in fuyou.institutions("community_health_center", "310104")}
        self.assertEqual({x["id"] for x in g["centres"]}, want)
        self.assertTrue(all(x["name"] for x in g["centres"]))
        self.assertEqual(g["small_card_deadline"], iso(lmp + datetime.timedelta(days=12 * 7 + 6)))
        self.assertEqual(g["edd"], iso(lmp + datetime.timedelta(days=280)))
        self.assertEqual(g["ga"]["text"], "7+1")
        self.assertIs(g["in_time"], True)
        self.assertEqual(g["days_left"], 90 - 50)
        self.assertTrue(len(g["documents"]) >= 3 and all(d["text"] for d in g["documents"]), g["documents"])
        self.assertTrue(g["steps"])
        # the last day is still in time; the day after is not
        r = anon.get("/api/v1/guidance/registration", query={"district": "310115", "lmp": iso(days_ago(90))})
        self.assertEqual((r.body["in_time"], r.body["days_left"], r.body["small_card_deadline"]),
                         (True, 0, iso(today())))
        self.assertEqual({x["id"] for x in r.body["centres"]},
                         {x["id"] for x in fuyou.institutions("community_health_center", "310115")})
        r = anon.get("/api/v1/guidance/registration", query={"district": "310104", "lmp": iso(days_ago(91))})
        self.assertEqual((r.body["in_time"], r.body["days_left"]), (False, -1))

    def test_guidance_refused(self):
        anon = S.client()
        path = "/api/v1/guidance/registration"
        self.refused(anon, "GET", path, 422, ["district"], query={"district": "999999", "lmp": iso(days_ago(10))})
        self.refused(anon, "GET", path, 422, ["district"], query={"lmp": iso(days_ago(10))})
        self.refused(anon, "GET", path, 422, ["lmp"], query={"district": "310104"})
        self.refused(anon, "GET", path, 422, ["lmp"], query={"district": "310104", "lmp": iso(days_ago(-2))})
        self.refused(anon, "GET", path, 422, ["lmp"], query={"district": "310104", "lmp": iso(days_ago(44 * 7 + 1))})
        # both wrong: both named, once each
        r = self.refused(anon, "GET", path, 422, ["district", "lmp"], query={"district": "x", "lmp": "2025-13-01"})
        self.assertEqual(sorted(fuyou.problem_errors(r)), ["district", "lmp"])
        r = self.refused(anon, "GET", path, 422, ["district", "lmp"], query={"district": "x"})


# --------------------------------------------------------------------------
# visits, the record, grading


class T3Visits(Base):
    def test_every_measure_out_of_range(self):
        _, rec = register()
        pid = rec["id"]
        low = {m: -1 for m in MEASURES}
        r = self.refused(C["doc_a"], "POST", "/api/v1/pregnancies/%s/visits" % pid, 422, MEASURES,
                         json=dict(low, date=iso(today())))
        high = {m: 100000 for m in MEASURES}
        self.refused(C["doc_a"], "POST", "/api/v1/pregnancies/%s/visits" % pid, 422, MEASURES,
                     json=dict(high, date=iso(today())))
        # one at a time, each named alone
        for m in MEASURES:
            with self.subTest(measure=m):
                r = self.refused(C["doc_a"], "POST", "/api/v1/pregnancies/%s/visits" % pid, 422, [m],
                                 json={"date": iso(today()), m: 100000})
                self.assertEqual(fuyou.problem_errors(r), [m])
        self.refused(C["doc_a"], "POST", "/api/v1/pregnancies/%s/labs" % pid, 422, LAB_MEASURES,
                     json=dict({m: 100000 for m in LAB_MEASURES}, date=iso(today())))
        # bedside measurements do not come through /labs
        self.refused(C["doc_a"], "POST", "/api/v1/pregnancies/%s/labs" % pid, 422, ["weight_kg"],
                     json={"date": iso(today()), "weight_kg": 60, "hb_g_l": 120})
        self.refused(C["doc_a"], "POST", "/api/v1/pregnancies/%s/labs" % pid, 422, ["labs"],
                     json={"date": iso(today())})

    def test_other_refusals(self):
        w, rec = register(lmp=iso(days_ago(70)))
        p = "/api/v1/pregnancies/%s/visits" % rec["id"]
        self.refused(C["doc_a"], "POST", p, 422, ["declared_factors[1]"],
                     json={"date": iso(today()), "declared_factors": ["asthma", "made_up", "icp"]})
        self.refused(C["doc_a"], "POST", p, 422, ["declared_factors[0]", "declared_factors[2]"],
                     json={"date": iso(today()), "declared_factors": ["x", "icp", "y"]})
        self.refused(C["doc_a"], "POST", p, 422, ["labs.hiv", "labs.hbsag"],
                     json={"date": iso(today()), "labs": {"hiv": "maybe", "syphilis": "negative", "hbsag": 1}})
        self.refused(C["doc_a"], "POST", p, 422, ["date"], json={"date": iso(days_ago(-1))})
        self.refused(C["doc_a"], "POST", p, 422, ["date"], json={"date": iso(days_ago(71))})
        self.refused(C["doc_a"], "POST", p, 422, ["date"], json={"hb_g_l": 120})
        self.refused(C["doc_a"], "POST", p, 422, ["dbp"], json={"date": iso(today()), "sbp": 100, "dbp": 100})
        self.refused(C["doc_a"], "POST", p, 422, ["presentation", "edema", "urine_protein"],
                     json={"date": iso(today()), "presentation": "up", "edema": "lots", "urine_protein": "5+"})
        self.refused(C["doc_a"], "POST", "/api/v1/pregnancies/99999999/visits", 404, json={"date": iso(today())})
        self.refused(C["xh_admin"], "POST", p, 403, json={"date": iso(today())})

    def test_record(self):
        w, rec = register(lmp=iso(days_ago(100)))
        pid = rec["id"]
        v = self.visit(pid, weight_kg=58.5, sbp=118, dbp=76, fundal_height_cm=14, abdominal_circumference_cm=82,
                       fetal_heart_rate=146, presentation="cephalic", edema="none", urine_protein="negative",
                       hb_g_l=118, plt_10e9_l=210, labs={"hiv": "negative", "syphilis": "negative",
                                                         "hbsag": "negative"},
                       notes="一般情况好", next_appointment=iso(today() + datetime.timedelta(days=14)))
        self.assertEqual(v["risk"]["color"], "green")
        rec = self.record(pid)
        self.assertEqual(len(rec["visits"]), 1)
        vis = rec["visits"][0]
        self.assertEqual(vis["hb_g_l"], 118)
        self.assertEqual((vis["ga"]["text"], vis["kind"], vis["date"]), ("14+2", "visit", iso(today())))
        self.assertEqual((vis["presentation"], vis["urine_protein"], vis["notes"]), ("cephalic", "negative",
                                                                                      "一般情况好"))
        self.assertEqual(vis["labs"], {"hiv": "negative", "syphilis": "negative", "hbsag": "negative"})
        self.assertEqual(len(rec["risk_history"]), 2)
        self.assertEqual(rec["risk_history"][0]["trigger"], "visit")
        for h in rec["risk_history"]:
            self.assertTrue(h["at"] and h["on_date"] and h["criteria_version"] == "2017", h)
            self.assertEqual(h["user_id"], str(S.users["doc_a"]), h)
        self.assertEqual((vis["user_id"], vis["institution_id"]), (str(S.users["doc_a"]), CHC_A))
        self.assertIsNone(vis["window_seq"])  # 14+2 lies between the early and the 16–20 week windows
        # a visit at 12+0 entered late fills the early window
        rec = self.visit(pid, date=iso(days_ago(100 - 84)))
        self.assertEqual([x["window_seq"] for x in rec["visits"] if x["ga"]["text"] == "12+0"], [1])
        self.assertIs([x for x in rec["schedule"]["windows"] if x["seq"] == 1][0]["filled"], True)
        self.assertIn("reminders", rec)
        self.assertIn("notices", rec)
        self.assertEqual(rec["case"]["state"], "none")
        self.assertIs(rec["overdue"], False)
        self.assertEqual(rec["woman"]["name"], w["name"])
        # a later visit with a declared factor: listed with its table entry
        rec = self.visit(pid, declared_factors=["asthma"])
        f = [x for x in rec["risk"]["factors"] if x["code"] == "asthma"][0]
        self.assertEqual((f["color"], f["derived"], f["declared"]), ("orange", False, True))
        self.assertTrue(f["text"] and f["source"], f)
        self.assert_grade(rec, "orange", has=["asthma"])
        # a derived one says so
        rec = self.labs(pid, hb_g_l=100)
        f = [x for x in rec["risk"]["factors"] if x["code"] == "hb_60_110"][0]
        self.assertEqual((f["color"], f["derived"], f["declared"]), ("yellow", True, False))
        self.assertIn("2017", f["source"])
        # the declared set is replaced by the next visit that sends one
        rec = self.visit(pid, declared_factors=[])
        self.assert_grade(rec, "yellow", has=["hb_60_110"], lacks=["asthma"])
        # a visit without declared_factors keeps them
        rec = self.visit(pid, declared_factors=["icp"])
        rec = self.visit(pid, sbp=110, dbp=70)
        self.assert_grade(rec, "yellow", has=["icp", "hb_60_110"])
        self.assertEqual(len(rec["risk_history"]), 8)

    def test_list_filters(self):
        _, rec = register(C["doc_a2"], institution_id=CHC_A2)
        r = C["doc_a2"].post("/api/v1/pregnancies/%s/labs" % rec["id"], {"date": iso(today()), "plt_10e9_l": 40})
        self.assertEqual(r.status, 201, r)
        r = C["doc_a2"].get("/api/v1/pregnancies", query={"color": "orange", "page_size": 100})
        self.assertIn(rec["id"], [x["id"] for x in r.body["items"]])
        self.assertTrue(all(x["color"] == "orange" for x in r.body["items"]), r)
        r = C["doc_a2"].get("/api/v1/pregnancies", query={"color": "red", "page_size": 100})
        self.assertNotIn(rec["id"], [x["id"] for x in r.body["items"]])
        r = C["city"].get("/api/v1/pregnancies", query={"institution": CHC_A2, "status": "open", "page_size": 100})
        self.assertIn(rec["id"], [x["id"] for x in r.body["items"]])
        r = C["city"].get("/api/v1/pregnancies", query={"district": "310115", "page_size": 100})
        self.assertNotIn(rec["id"], [x["id"] for x in r.body["items"]])
        r = C["doc_a2"].get("/api/v1/pregnancies", query={"purple": "false", "overdue": "false", "page_size": 100})
        self.assertIn(rec["id"], [x["id"] for x in r.body["items"]])
        r = C["doc_a2"].get("/api/v1/pregnancies", query={"purple": "true", "page_size": 100})
        self.assertNotIn(rec["id"], [x["id"] for x in r.body["items"]])
        self.refused(C["city"], "GET", "/api/v1/pregnancies", 422, ["purple"], query={"purple": "maybe"})
        self.refused(C["city"], "GET", "/api/v1/pregnancies", 422, ["color"], query={"color": "blue"})
        self.refused(C["city"], "GET", "/api/v1/pregnancies", 422, ["district"], query={"district": "1"})


def lab_sequence(test, steps, **reg):
    """Registers a pregnancy and sends each step's labs; checks colour and codes."""
    _, rec = register(**reg)
    for body, color, code in steps:
        rec = test.labs(rec["id"], **body)
        with test.subTest(body=body):
            test.assertEqual(rec["risk"]["color"], color, (body, sorted(codes(rec))))
            derived = {f["code"] for f in rec["risk"]["factors"] if f["derived"]}
            if code:
                test.assertIn(code, derived)
            else:
                test.assertEqual(derived, set(), body)
    return rec


class T4Colours(Base):
    """The edges of domain.md §5.1, through the API."""

    def test_criteria_table(self):
        r = S.client().get("/api/v1/risk/criteria")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["version"], "2017")
        rows = {f["code"]: f for f in r.body["factors"]}
        self.assertTrue(len(rows) >= 100)
        for code, color in (("hb_40_minus", "red"), ("age_40_plus", "orange"), ("twins", "yellow"),
                            ("hiv_positive", "purple"), ("asthma", "orange")):
            self.assertEqual(rows[code]["color"], color)
            self.assertTrue(rows[code]["text"] and rows[code]["source"])
        self.assertIs(rows["hb_40_minus"]["derivable"], True)
        self.assertIs(rows["asthma"]["derivable"], False)

    def test_age(self):
        for birth, color, code in ((years_ago(35), "yellow", "age_35_plus_or_18_minus"),
                                   (years_ago(35, 1), "green", None),
                                   (years_ago(40), "orange", "age_40_plus"),
                                   (years_ago(40, 1), "yellow", "age_35_plus_or_18_minus"),
                                   (years_ago(18), "yellow", "age_35_plus_or_18_minus"),
                                   (years_ago(19), "green", None)):
            with self.subTest(birth=birth):
                _, rec = register(woman=create_woman(birth=birth))
                self.assertEqual(rec["risk"]["color"], color, sorted(codes(rec)))
                if code:
                    self.assertEqual(codes(rec), {code})
                else:
                    self.assertEqual(codes(rec), set())

    def test_bmi(self):
        # height 160 cm: BMI = weight / 2.56
        for weight, color, code in ((64.0, "green", None), (64.26, "yellow", "bmi_over_25_or_under_18_5"),
                                    (71.42, "yellow", "bmi_over_25_or_under_18_5"), (71.68, "orange", "bmi_28_plus"),
                                    (47.36, "green", None), (47.1, "yellow", "bmi_over_25_or_under_18_5")):
            with self.subTest(weight=weight):
                _, rec = register(height_cm=160, weight_kg=weight)
                self.assertEqual(rec["risk"]["color"], color, sorted(codes(rec)))
                self.assertEqual(codes(rec), {code} if code else set())

    def test_history(self):
        surgery17 = add_months(today(), -17)
        surgery18 = add_months(today(), -18)
        cases = [
            (dict(fetuses=2), "yellow", {"twins"}),
            (dict(fetuses=3), "orange", {"triplets_plus"}),
            (dict(gravidity=2, parity=1, previous_caesareans=1), "yellow", {"scarred_uterus"}),
            (dict(gravidity=3, parity=2, previous_caesareans=2), "orange", {"uterine_surgery_2_plus"}),
            (dict(gravidity=2, parity=1, previous_caesareans=1, other_uterine_operations=1), "orange",
             {"uterine_surgery_2_plus"}),
            (dict(gravidity=2, parity=1, previous_caesareans=1, last_uterine_surgery_date=iso(surgery17)), "orange",
             {"scar_lt_18m"}),
            (dict(gravidity=2, parity=1, previous_caesareans=1, last_uterine_surgery_date=iso(surgery18)), "yellow",
             {"scarred_uterus"}),
            (dict(gravidity=4, previous_miscarriages=3), "yellow", {"miscarriages_3_plus"}),
            (dict(gravidity=3, previous_miscarriages=2), "green", set()),
            (dict(assisted_reproduction=True), "yellow", {"assisted_reproduction"}),
            (dict(fetuses=2, assisted_reproduction=True, gravidity=4, previous_miscarriages=3), "yellow",
             {"twins", "assisted_reproduction", "miscarriages_3_plus"}),
        ]
        for over, color, want in cases:
            with self.subTest(**{k: str(v) for k, v in over.items()}):
                _, rec = register(**over)
                self.assertEqual(rec["risk"]["color"], color, sorted(codes(rec)))
                self.assertEqual(codes(rec), want)
                self.assertTrue(all(f["derived"] for f in rec["risk"]["factors"]))
        w = create_woman()
        self.refused(C["doc_a"], "POST", "/api/v1/pregnancies", 422, ["last_uterine_surgery_date"],
                     json=preg_body(w["id"], last_uterine_surgery_date=iso(surgery17)))
        self.refused(C["doc_a"], "POST", "/api/v1/pregnancies", 422, ["previous_caesareans"],
                     json=preg_body(w["id"], gravidity=2, parity=0, previous_caesareans=1))

    def test_hb(self):
        rec = lab_sequence(self, [({"hb_g_l": 110}, "green", None), ({"hb_g_l": 109}, "yellow", "hb_60_110"),
                                  ({"hb_g_l": 60}, "yellow", "hb_60_110"), ({"hb_g_l": 59}, "orange", "hb_40_60"),
                                  ({"hb_g_l": 41}, "orange", "hb_40_60"), ({"hb_g_l": 40}, "red", "hb_40_minus"),
                                  ({"hb_g_l": 39}, "red", "hb_40_minus")])
        # only the highest row of the group is listed
        self.assertEqual(codes(rec), {"hb_40_minus"})
        # a later normal Hb brings the colour down; the case and its history stay
        rec = self.labs(rec["id"], hb_g_l=125)
        self.assert_grade(rec, "green")
        self.assertEqual(rec["case"]["state"], "open")
        self.assertEqual(rec["case"]["opened_color"], "orange")
        self.assertEqual(rec["case"]["max_color"], "red")
        colors = [h["color"] for h in rec["risk_history"]]
        self.assertEqual(colors, ["green", "red", "red", "orange", "orange", "yellow", "yellow", "green", "green"])
        self.assertEqual(rec["risk_history"][0]["trigger"], "labs")

    def test_backdated_result_keeps_the_latest(self):
        # Hb 55 today; a normal Hb of last week entered afterwards does not
        # replace it: the latest by date counts
        _, rec = register(lmp=iso(days_ago(80)))
        rec = self.labs(rec["id"], hb_g_l=55)
        self.assert_grade(rec, "orange", has=["hb_40_60"])
        rec = self.labs(rec["id"], hb_g_l=125, date=iso(days_ago(7)))
        self.assert_grade(rec, "orange", has=["hb_40_60"])
        # a declared factor sent with a backdated visit still counts from now on
        rec = self.visit(rec["id"], date=iso(days_ago(3)), declared_factors=["asthma"])
        self.assert_grade(rec, "orange", has=["hb_40_60", "asthma"])
        rec = self.labs(rec["id"], hb_g_l=120)
        self.assert_grade(rec, "orange", has=["asthma"], lacks=["hb_40_60"])

    def test_platelets(self):
        lab_sequence(self, [({"plt_10e9_l": 101}, "green", None), ({"plt_10e9_l": 100}, "yellow", "plt_50_100"),
                            ({"plt_10e9_l": 50}, "yellow", "plt_50_100"), ({"plt_10e9_l": 49}, "orange", "plt_30_50"),
                            ({"plt_10e9_l": 30}, "orange", "plt_30_50"), ({"plt_10e9_l": 29}, "red", "plt_under_30")])

    def test_heart_and_lungs(self):
        lab_sequence(self, [({"pasp_mmhg": 29}, "green", None), ({"pasp_mmhg": 30}, "orange", "pasp_30_50"),
                            ({"pasp_mmhg": 49}, "orange", "pasp_30_50"), ({"pasp_mmhg": 50}, "red", "pasp_50_plus")])
        lab_sequence(self, [({"ef_percent": 50}, "green", None), ({"ef_percent": 49}, "orange", "ef_40_50"),
                            ({"ef_percent": 40}, "orange", "ef_40_50"), ({"ef_percent": 39}, "red", "ef_under_40")])
        lab_sequence(self, [({"spo2_percent": 90}, "green", None),
                            ({"spo2_percent": 89}, "red", "cyanotic_spo2_under_90")])

    def test_creatinine(self):
        lab_sequence(self, [({"creatinine_umol_l": 200}, "green", None),  # no upper normal: unknown
                            ({"creatinine_uln_umol_l": 80, "creatinine_umol_l": 80}, "green", None),
                            ({"creatinine_umol_l": 81}, "orange", "creatinine_above_uln"),
                            ({"creatinine_umol_l": 120}, "orange", "creatinine_above_uln"),
                            ({"creatinine_umol_l": 121}, "red", "creatinine_over_1_5_uln"),
                            ({"creatinine_uln_umol_l": 90}, "orange", "creatinine_above_uln")])

    def test_glucose_and_bp(self):
        lab_sequence(self, [({"fasting_glucose_mmol_l": 5.1}, "green", None),
                            ({"fasting_glucose_mmol_l": 6.9}, "green", None),
                            ({"fasting_glucose_mmol_l": 7.0}, "yellow", "fasting_glucose_high")])
        lab_sequence(self, [({"fasting_glucose_mmol_l": 5.0}, "green", None),
                            ({"fasting_glucose_mmol_l": 5.1}, "yellow", "fasting_glucose_high")],
                     lmp=iso(days_ago(24 * 7)))
        _, rec = register()
        for sbp, dbp, color, code in ((139, 89, "green", None), (140, 80, "yellow", "gestational_hypertension"),
                                      (120, 90, "yellow", "gestational_hypertension"),
                                      (160, 100, "orange", "severe_hypertension_bp"),
                                      (150, 110, "orange", "severe_hypertension_bp"), (118, 70, "green", None)):
            with self.subTest(sbp=sbp, dbp=dbp):
                rec = self.visit(rec["id"], sbp=sbp, dbp=dbp)
                self.assertEqual(rec["risk"]["color"], color)
                self.assertEqual(codes(rec), {code} if code else set())

    def test_purple_beside_another_colour(self):
        for lab in ("hiv", "syphilis", "hbsag"):
            with self.subTest(lab=lab):
                _, rec = register(woman=create_woman(birth=years_ago(41)))
                self.assert_grade(rec, "orange", has=["age_40_plus"])
                rec = self.labs(rec["id"], labs={lab: "negative"})
                self.assert_grade(rec, "orange", purple=False)
                rec = self.labs(rec["id"], labs={lab: "positive"})
                self.assert_grade(rec, "orange", purple=True, has=["age_40_plus", lab + "_positive"])
                f = [x for x in rec["risk"]["factors"] if x["code"] == lab + "_positive"][0]
                self.assertEqual((f["color"], f["derived"]), ("purple", True))
                self.assertEqual(rec["case"]["opened_purple"], False)  # opened when orange at registration
        # purple alone beside green opens a case too
        _, rec = register()
        rec = self.labs(rec["id"], labs={"hiv": "positive", "syphilis": "negative", "hbsag": "negative"})
        self.assert_grade(rec, "green", purple=True, has=["hiv_positive"])
        self.assertEqual((rec["case"]["state"], rec["case"]["opened_purple"]), ("open", True))
        r = C["xh_admin"].get("/api/v1/worklists/high-risk", query={"color": "purple", "page_size": 100})
        self.assertIn(rec["id"], [x["id"] for x in r.body["items"]])


# --------------------------------------------------------------------------
# high-risk management


class T5HighRisk(Base):
    def test_case_notice_and_worklist(self):
        w, rec = register(C["doc_a2"], institution_id=CHC_A2)
        pid = rec["id"]
        self.assertEqual(rec["case"]["state"], "none")
        self.assertEqual(rec["notices"], [])
        r = C["doc_a2"].post("/api/v1/pregnancies/%s/labs" % pid, {"date": iso(today()), "hb_g_l": 55})
        self.assertEqual(r.status, 201, r)
        rec = r.body
        self.assertEqual(rec["risk"]["color"], "orange")
        case = rec["case"]
        self.assertEqual((case["state"], case["opened_color"], case["owner_institution"], case["district"]),
                         ("open", "orange", CHC_A2, "310104"))
        # the district MCH institute hears at once
        self.assertEqual(len(rec["notices"]), 1, rec["notices"])
        n = rec["notices"][0]
        self.assertEqual((n["kind"], n["recipient"], n["status"]), ("high_risk_notice", MCH_A, "queued"))
        self.assertIn("橙色", n["text"])
        self.assertNotIn(w["_id_number"], n["text"])  # masked
        rows = db_rows(S.db, "SELECT channel, recipient FROM outbox WHERE ref_type='pregnancy' AND ref_id=?",
                       int(pid))
        self.assertEqual(rows, [("institution", MCH_A)])
        # worklist: the district admin sees it by district and colour; another district does not
        q = {"district": "310104", "color": "orange", "page_size": 100}
        r = C["xh_admin"].get("/api/v1/worklists/high-risk", query=q)
        self.assertEqual(r.status, 200, r)
        row = [x for x in r.body["items"] if x["id"] == pid]
        self.assertEqual(len(row), 1, r)
        self.assertEqual(row[0]["case_owner"], CHC_A2)
        self.assertIs(row[0]["continuation_missing"], False)
        self.assertNotIn(w["_id_number"], str(r.body))
        r = C["xh_admin"].get("/api/v1/worklists/high-risk", query={"color": "red", "page_size": 100})
        self.assertNotIn(pid, [x["id"] for x in r.body["items"]])
        r = C["xh_admin"].get("/api/v1/worklists/high-risk", query={"district": "310115", "page_size": 100})
        self.assertNotIn(pid, [x["id"] for x in r.body["items"]])
        r = C["pd_admin"].get("/api/v1/worklists/high-risk", query={"page_size": 100})
        self.assertEqual(r.status, 200, r)
        self.assertNotIn(pid, [x["id"] for x in r.body["items"]])
        r = C["doc_b"].get("/api/v1/worklists/high-risk", query={"page_size": 100})
        self.assertNotIn(pid, [x["id"] for x in r.body["items"]])
        r = C["doc_a2"].get("/api/v1/worklists/high-risk", query={"page_size": 100})
        self.assertIn(pid, [x["id"] for x in r.body["items"]])
        self.refused(C["xh_admin"], "GET", "/api/v1/worklists/high-risk", 422, ["color"], query={"color": "pink"})
        self.refused(C["xh_admin"], "GET", "/api/v1/worklists/high-risk", 422, ["district"],
                     query={"district": "12"})
        # a second warning grading does not notify twice
        r = C["doc_a2"].post("/api/v1/pregnancies/%s/labs" % pid, {"date": iso(today()), "hb_g_l": 35})
        self.assertEqual(r.body["risk"]["color"], "red")
        self.assertEqual(len(r.body["notices"]), 1)
        self.assertEqual(r.body["case"]["max_color"], "red")
        # the big card moves the case to the delivery hospital
        r = C["ob_a"].post("/api/v1/pregnancies/%s/big-card" % pid, {"institution_id": HOSP_A})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.body["case"]["owner_institution"], HOSP_A)

    def test_red_needs_continuation(self):
        _, rec = register(C["ob_b"], card="big", institution_id=HOSP_B)
        pid = rec["id"]
        r = C["ob_b"].post("/api/v1/pregnancies/%s/labs" % pid, {"date": iso(today()), "pasp_mmhg": 60})
        self.assertEqual(r.status, 201, r)
        rec = r.body
        self.assertEqual(rec["risk"]["color"], "red")
        self.assertEqual(rec["case"]["owner_institution"], HOSP_B)
        self.assertIs(rec["case"]["continuation_required"], True)
        self.assertIs(rec["case"]["continuation_missing"], True)
        # the notice goes to the MCH institute of her residence district (徐汇), not the hospital's
        self.assertEqual([n["recipient"] for n in rec["notices"]], [MCH_A])
        r = C["xh_admin"].get("/api/v1/worklists/high-risk", query={"color": "red", "page_size": 100})
        row = [x for x in r.body["items"] if x["id"] == pid]
        self.assertEqual(len(row), 1, r)
        self.assertIs(row[0]["continuation_missing"], True)
        # served in 浦东 too: the 浦东 admin sees the case as well
        r = C["pd_admin"].get("/api/v1/worklists/high-risk", query={"page_size": 100})
        self.assertIn(pid, [x["id"] for x in r.body["items"]])
        path = "/api/v1/pregnancies/%s/continuation" % pid
        body = {"suitable": False, "assessed_by": "张医生", "advice": "建议终止妊娠", "woman_decision": "同意"}
        self.refused(C["ob_b"], "POST", path, 422, ["senior_title"], json=body)
        self.refused(C["ob_b"], "POST", path, 422, ["senior_title"], json=dict(body, senior_title="主治医师"))
        self.refused(C["ob_b"], "POST", path, 422, ["suitable", "assessed_by", "advice", "woman_decision"], json={})
        self.refused(C["doc_a"], "POST", path, 403, json=dict(body, senior_title="主任医师"))
        self.refused(C["ob_a"], "POST", path, 403, json=dict(body, senior_title="主任医师"))
        r = C["ob_b"].post(path, dict(body, senior_title="副主任医师"))
        self.assertEqual(r.status, 201, r)
        rec = r.body
        self.assertIs(rec["case"]["continuation_missing"], False)
        ca = rec["continuation_assessments"]
        self.assertEqual(len(ca), 1)
        self.assertEqual((ca[0]["suitable"], ca[0]["senior_title"], ca[0]["woman_decision"]),
                         (False, "副主任医师", "同意"))
        r = C["xh_admin"].get("/api/v1/worklists/high-risk", query={"color": "red", "page_size": 100})
        row = [x for x in r.body["items"] if x["id"] == pid]
        self.assertIs(row[0]["continuation_missing"], False)
        # suitable=true needs no senior title
        r = C["ob_b"].post(path, {"suitable": True, "assessed_by": "李医生", "advice": "继续妊娠，三级医院分娩",
                                  "woman_decision": "继续妊娠"})
        self.assertEqual(r.status, 201, r)


class T6BigCard(Base):
    def test_big_card(self):
        lmp = days_ago(95)
        w, rec = register(lmp=iso(lmp))
        pid = rec["id"]
        path = "/api/v1/pregnancies/%s/big-card" % pid
        self.refused(C["ob_a"], "POST", path, 422, ["institution_id"], json={"institution_id": CHC_A})
        self.refused(C["ob_a"], "POST", path, 403, json={"institution_id": HOSP_B})
        self.refused(C["doc_a"], "POST", path, 403, json={"institution_id": HOSP_A})
        r = C["ob_a"].post(path, {"institution_id": HOSP_A})
        self.assertEqual(r.status, 201, r)
        rec = r.body
        self.assertEqual(rec["delivery_institution_id"], HOSP_A)
        self.assertEqual([c["card"] for c in rec["cards"]], ["small", "big"])
        big = rec["cards"][1]
        self.assertEqual((big["institution_id"], big["date"], big["ga"]["text"]), (HOSP_A, iso(today()), "13+4"))
        # the hospital now serves her
        self.assertEqual(self.record(pid, C["ob_a"])["id"], pid)
        self.refused(C["ob_a"], "POST", path, 409, json={"institution_id": HOSP_A})
        # without a body: the user's own hospital
        _, rec2 = register()
        r = C["ob_a"].post("/api/v1/pregnancies/%s/big-card" % rec2["id"])
        self.assertEqual((r.status, r.body.get("delivery_institution_id")), (201, HOSP_A), r)
        self.refused(C["ob_a"], "POST", "/api/v1/pregnancies/99999999/big-card", 404, json={"institution_id": HOSP_A})


# --------------------------------------------------------------------------
# booking


class T7Appointments(Base):
    def test_capacity(self):
        inst = fuyou.institutions("community_health_center", "310104")[3]
        cap = inst["daily_capacity"]
        self.assertTrue(0 < cap <= 100, inst)
        day = iso(today() + datetime.timedelta(days=20))
        pids = []
        for _ in range(cap + 1):
            _, rec = register()
            pids.append(rec["id"])
        for pid in pids[:cap]:
            r = C["doc_a"].post("/api/v1/appointments", {"pregnancy_id": pid, "institution_id": inst["id"],
                                                         "date": day})
            self.assertEqual(r.status, 201, r)
        r = self.refused(C["doc_a"], "POST", "/api/v1/appointments", 409,
                         json={"pregnancy_id": pids[cap], "institution_id": inst["id"], "date": day})
        self.assertIn("fully_booked", r.body["type"])
        # another day still has room; the same pregnancy twice on one day does not
        other = iso(today() + datetime.timedelta(days=21))
        r = C["doc_a"].post("/api/v1/appointments", {"pregnancy_id": pids[cap], "institution_id": inst["id"],
                                                     "date": other})
        self.assertEqual(r.status, 201, r)
        self.refused(C["doc_a"], "POST", "/api/v1/appointments", 409,
                     json={"pregnancy_id": pids[cap], "institution_id": CHC_A, "date": other})
        self.assertEqual(db_rows(S.db, "SELECT count(*) FROM appointments WHERE institution_id=? AND date=?",
                                 inst["id"], (today() + datetime.timedelta(days=20) - datetime.date(1970, 1, 1)).days),
                         [(cap,)])

    def test_refusals(self):
        _, rec = register()
        pid = rec["id"]
        p = "/api/v1/appointments"
        self.refused(C["doc_a"], "POST", p, 422, ["date"],
                     json={"pregnancy_id": pid, "institution_id": CHC_A, "date": iso(days_ago(1))})
        self.refused(C["doc_a"], "POST", p, 422, ["date"],
                     json={"pregnancy_id": pid, "institution_id": CHC_A, "date": iso(days_ago(-91))})
        self.refused(C["doc_a"], "POST", p, 422, ["institution_id"],
                     json={"pregnancy_id": pid, "institution_id": MCH_A, "date": iso(today())})
        self.refused(C["doc_a"], "POST", p, 422, ["pregnancy_id", "institution_id", "date"], json={})
        self.refused(C["doc_a"], "POST", p, 404,
                     json={"pregnancy_id": "99999999", "institution_id": CHC_A, "date": iso(today())})
        self.refused(C["doc_b"], "POST", p, 403,
                     json={"pregnancy_id": pid, "institution_id": CHC_B, "date": iso(today())})
        r = C["doc_a"].post(p, {"pregnancy_id": pid, "institution_id": CHC_A, "date": iso(today())})
        self.assertEqual(r.status, 201, r)


# --------------------------------------------------------------------------
# delivery, postpartum, other endings, children


def delivered_at(day, hour=10):
    return "%sT%02d:00:00+08:00" % (iso(day), hour)


def baby(**over):
    b = {"sex": 2, "weight_g": 3200, "length_cm": 50, "head_cm": 34, "apgar_1": 9, "apgar_5": 10, "outcome": "live"}
    b.update(over)
    return b


class T8Delivery(Base):
    def test_delivery_refusals(self):
        yesterday = days_ago(1)
        _, rec = register(lmp=iso(days_ago(27 * 7 + 5)))
        pid = rec["id"]
        path = "/api/v1/pregnancies/%s/delivery" % pid
        good = {"delivered_at": delivered_at(yesterday), "institution_id": HOSP_A, "mode": "spontaneous",
                "babies": [baby()]}
        # 27+4 at birth: a loss before 28 weeks is not a delivery
        self.refused(C["ob_a"], "POST", path, 422, ["delivered_at"], json=good)
        _, rec = register(lmp=iso(days_ago(39 * 7)))
        pid = rec["id"]
        path = "/api/v1/pregnancies/%s/delivery" % pid
        self.refused(C["ob_a"], "POST", path, 422, ["cs_indication"], json=dict(good, mode="caesarean"))
        self.refused(C["ob_a"], "POST", path, 422, ["cs_indication"],
                     json=dict(good, mode="caesarean", cs_indication=None))
        self.refused(C["ob_a"], "POST", path, 422, ["cs_indication"],
                     json=dict(good, mode="caesarean", cs_indication=""))
        self.refused(C["ob_a"], "POST", path, 422, ["cs_indication"], json=dict(good, cs_indication="胎位异常"))
        self.refused(C["ob_a"], "POST", path, 422, ["delivered_at"],
                     json=dict(good, delivered_at=delivered_at(today() + datetime.timedelta(days=1))))
        self.refused(C["ob_a"], "POST", path, 422, ["babies"], json=dict(good, babies=[]))
        self.refused(C["ob_a"], "POST", path, 422, ["babies[0].weight_g", "babies[0].outcome", "babies[1].sex"],
                     json=dict(good, babies=[baby(weight_g=10, outcome="alive"), baby(sex=3)]))
        self.refused(C["ob_a"], "POST", path, 422, ["mode"], json=dict(good, mode="magic"))
        self.refused(C["ob_a"], "POST", path, 422, ["institution_id"], json=dict(good, institution_id=CHC_A))
        self.refused(C["ob_a"], "POST", path, 403, json=dict(good, institution_id=HOSP_B))
        self.refused(C["doc_a"], "POST", path, 403, json=good)
        # a caesarean without a medical indication says "none"
        r = C["ob_a"].post(path, dict(good, mode="caesarean", cs_indication="none", epidural=True,
                                      blood_loss_ml=400))
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.body["delivery"]["mode"], r.body["delivery"]["cs_indication"]), ("caesarean", "none"))
        self.refused(C["ob_a"], "POST", path, 409, json=good)

    def test_28_weeks_is_a_birth(self):
        yesterday = days_ago(1)
        _, rec = register(lmp=iso(days_ago(28 * 7 + 1)))
        r = C["ob_a"].post("/api/v1/pregnancies/%s/delivery" % rec["id"],
                           {"delivered_at": delivered_at(yesterday), "institution_id": HOSP_A, "mode": "spontaneous",
                            "babies": [baby(weight_g=1200)]})
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.body["delivery"]["ga"]["text"], r.body["delivery"]["term"]), ("28+0", "preterm"))

    def test_twins_one_stillbirth_and_postpartum(self):
        lmp = days_ago(38 * 7)
        w, rec = register(C["doc_a2"], institution_id=CHC_A2, lmp=iso(lmp), fetuses=2)
        pid = rec["id"]
        self.assert_grade(rec, "yellow", has=["twins"])
        before_children = C["city"].get("/api/v1/children", query={"mother_id": w["id"]})
        self.assertEqual(before_children.body["total"], 0)
        yesterday = days_ago(1)
        r = C["ob_a"].post("/api/v1/pregnancies/%s/delivery" % pid,
                           {"delivered_at": delivered_at(yesterday), "institution_id": HOSP_A, "mode": "assisted",
                            "epidural": True, "blood_loss_ml": 350, "complications": ["会阴裂伤"],
                            "babies": [baby(sex=1, weight_g=2400), baby(outcome="stillbirth", weight_g=1900,
                                                                          apgar_1=0, apgar_5=0)]})
        self.assertEqual(r.status, 201, r)
        rec = r.body
        self.assertEqual((rec["status"], rec["outcome"], rec["ended_on"]), ("delivered", "delivery", iso(yesterday)))
        d = rec["delivery"]
        self.assertEqual((d["ga"]["text"], d["term"], d["babies"], d["institution_id"]),
                         ("37+6", "term", 2, HOSP_A))
        self.assertEqual(len(rec["babies"]), 2)
        self.assertEqual([b["outcome"] for b in rec["babies"]], ["live", "stillbirth"])
        self.assertIsNone(rec["babies"][1]["child_id"])
        # one child record, linked to mother and pregnancy
        r = C["city"].get("/api/v1/children", query={"mother_id": w["id"]})
        self.assertEqual((r.status, r.body["total"]), (200, 1), r)
        child = r.body["items"][0]
        self.assertEqual((child["pregnancy_id"], child["mother"]["id"], child["birth_date"], child["sex"]),
                         (pid, w["id"], iso(yesterday), 1))
        self.assertEqual(child["ga_at_birth"]["text"], "37+6")
        self.assertIs(child["low_birth_weight"], True)
        self.assertEqual(child["id"], rec["babies"][0]["child_id"])
        r = C["doc_b"].get("/api/v1/children", query={"mother_id": w["id"]})
        self.assertEqual(r.body["total"], 0)
        # three postpartum tasks at the centre of her residence that serves her
        tasks = rec["postpartum"]["tasks"]
        self.assertEqual([t["kind"] for t in tasks], ["home_visit_1", "home_visit_2", "day42"])
        self.assertTrue(all(t["institution_id"] == CHC_A2 and t["status"] == "open" for t in tasks), tasks)
        self.assertEqual(tasks[0]["due_from"], iso(yesterday + datetime.timedelta(days=3)))
        self.assertEqual(tasks[2]["due_from"], iso(yesterday + datetime.timedelta(days=42)))
        r = C["doc_a2"].get("/api/v1/worklists/postpartum", query={"page_size": 100})
        self.assertEqual(r.status, 200, r)
        mine = [x["task"]["kind"] for x in r.body["items"] if x["id"] == pid]
        self.assertEqual(sorted(mine), ["day42", "home_visit_1", "home_visit_2"])
        row = [x for x in r.body["items"] if x["id"] == pid and x["task"]["kind"] == "home_visit_1"][0]
        self.assertEqual((row["task"]["institution_id"], row["task"]["due"], row["task"]["late"]),
                         (CHC_A2, False, False))
        self.assertNotIn(w["_id_number"], str(r.body))
        # ?due=true: only tasks whose window has opened (none yet, delivered yesterday)
        r = C["doc_a2"].get("/api/v1/worklists/postpartum", query={"page_size": 100, "due": "true"})
        self.assertNotIn(pid, [x["id"] for x in r.body["items"]])
        self.refused(C["doc_a2"], "GET", "/api/v1/worklists/postpartum", 422, ["due"], query={"due": "soon"})
        r = C["doc_b"].get("/api/v1/worklists/postpartum", query={"page_size": 100})
        self.assertNotIn(pid, [x["id"] for x in r.body["items"]])
        # an ended pregnancy takes no more antenatal visits, labs, cards or endings
        for path, body in (("visits", {"date": iso(today())}), ("labs", {"date": iso(today()), "hb_g_l": 110})):
            self.refused(C["doc_a2"], "POST", "/api/v1/pregnancies/%s/%s" % (pid, path), 409, json=body)
        self.refused(C["ob_a"], "POST", "/api/v1/pregnancies/%s/big-card" % pid, 409, json={"institution_id": HOSP_A})
        self.refused(C["doc_a2"], "POST", "/api/v1/pregnancies/%s/close" % pid, 409,
                     json={"outcome": "moved_out", "date": iso(today())})
        self.refused(C["doc_a2"], "POST", "/api/v1/appointments", 409,
                     json={"pregnancy_id": pid, "institution_id": CHC_A2, "date": iso(today())})
        # postpartum visits
        pp = "/api/v1/pregnancies/%s/postpartum-visits" % pid
        self.refused(C["doc_a2"], "POST", pp, 422, ["date"],
                     json={"date": iso(days_ago(2)), "kind": "home_visit"})
        self.refused(C["doc_a2"], "POST", pp, 422, ["kind", "epds_score"],
                     json={"date": iso(today()), "kind": "phone_call", "epds_score": 31})
        self.refused(C["doc_a2"], "POST", pp, 422, ["declared_factors[0]"],
                     json={"date": iso(today()), "kind": "home_visit", "declared_factors": ["nope"]})
        r = C["doc_a2"].post(pp, {"date": iso(today()), "kind": "home_visit", "sbp": 120, "dbp": 80,
                                  "epds_score": 12, "findings": "恢复良好"})
        self.assertEqual(r.status, 201, r)
        rec = r.body
        self.assertEqual([t["status"] for t in rec["postpartum"]["tasks"]], ["done", "open", "open"])
        self.assert_grade(rec, "green")  # twins no longer count after delivery
        self.assertEqual(rec["risk_history"][0]["trigger"], "postpartum")
        r = C["doc_a2"].post(pp, {"date": iso(today()), "kind": "home_visit", "epds_score": 13})
        self.assertEqual(r.status, 201, r)
        rec = r.body
        self.assertEqual([t["status"] for t in rec["postpartum"]["tasks"]], ["done", "done", "open"])
        self.assert_grade(rec, "orange", has=["postpartum_depression"])
        self.assertEqual(rec["case"]["state"], "open")
        r = C["xh_admin"].get("/api/v1/worklists/high-risk", query={"color": "orange", "page_size": 100})
        self.assertIn(pid, [x["id"] for x in r.body["items"]])
        r = C["doc_a2"].get("/api/v1/worklists/postpartum", query={"page_size": 100})
        self.assertEqual([x["task"]["kind"] for x in r.body["items"] if x["id"] == pid], ["day42"])
        r = C["doc_a2"].post(pp, {"date": iso(today()), "kind": "day42", "epds_score": 5})
        self.assertEqual(r.status, 201, r)
        rec = r.body
        self.assertEqual([t["status"] for t in rec["postpartum"]["tasks"]], ["done", "done", "done"])
        self.assert_grade(rec, "green")
        self.assertEqual((rec["case"]["state"], rec["case"]["max_color"]), ("closed", "orange"))
        self.assertEqual(len(rec["postpartum"]["visits"]), 3)
        r = C["doc_a2"].get("/api/v1/worklists/postpartum", query={"page_size": 100})
        self.assertNotIn(pid, [x["id"] for x in r.body["items"]])

    def test_tasks_at_the_residence_district(self):
        # lives in 浦东, registered in 徐汇: the 浦东 centre visits her after delivery
        w = create_woman(residence_district="310115")
        _, rec = register(woman=w, lmp=iso(days_ago(39 * 7)))
        r = C["ob_a"].post("/api/v1/pregnancies/%s/delivery" % rec["id"],
                           {"delivered_at": delivered_at(days_ago(1)), "institution_id": HOSP_A,
                            "mode": "spontaneous", "babies": [baby()]})
        self.assertEqual(r.status, 201, r)
        self.assertEqual({t["institution_id"] for t in r.body["postpartum"]["tasks"]}, {CHC_B})
        r = C["doc_b"].get("/api/v1/worklists/postpartum", query={"page_size": 100})
        self.assertEqual(len([x for x in r.body["items"] if x["id"] == rec["id"]]), 3, r)
        self.refused(C["doc_b"], "POST", "/api/v1/pregnancies/%s/visits" % rec["id"], 409,
                     json={"date": iso(today())})
        # the postpartum visit on an open pregnancy is refused
        _, open_rec = register()
        self.refused(C["doc_a"], "POST", "/api/v1/pregnancies/%s/postpartum-visits" % open_rec["id"], 409,
                     json={"date": iso(today()), "kind": "home_visit"})

    def test_close_with_miscarriage(self):
        w, rec = register(lmp=iso(days_ago(70)))
        pid = rec["id"]
        path = "/api/v1/pregnancies/%s/close" % pid
        self.refused(C["doc_a"], "POST", path, 422, ["outcome", "date"], json={})
        self.refused(C["doc_a"], "POST", path, 422, ["outcome"], json={"outcome": "delivery", "date": iso(today())})
        self.refused(C["doc_a"], "POST", path, 422, ["date"], json={"outcome": "miscarriage",
                                                                   "date": iso(days_ago(71))})
        self.refused(C["doc_a"], "POST", path, 422, ["date"], json={"outcome": "miscarriage",
                                                                   "date": iso(days_ago(-1))})
        self.refused(C["doc_b"], "POST", path, 403, json={"outcome": "miscarriage", "date": iso(today())})
        r = C["doc_a"].post(path, {"outcome": "miscarriage", "date": iso(today()), "note": "孕10周自然流产"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.body["status"], r.body["outcome"], r.body["ended_on"]),
                         ("closed", "miscarriage", iso(today())))
        self.assertIsNone(r.body["next_visit"])
        self.refused(C["doc_a"], "POST", "/api/v1/pregnancies/%s/visits" % pid, 409, json={"date": iso(today())})
        self.refused(C["doc_a"], "POST", "/api/v1/pregnancies/%s/labs" % pid, 409,
                     json={"date": iso(today()), "hb_g_l": 100})
        self.refused(C["doc_a"], "POST", path, 409, json={"outcome": "miscarriage", "date": iso(today())})
        self.refused(C["ob_a"], "POST", "/api/v1/pregnancies/%s/delivery" % pid, 409,
                     json={"delivered_at": delivered_at(today(), 0), "institution_id": HOSP_A,
                           "mode": "spontaneous", "babies": [baby()]})
        # a new pregnancy may now be registered
        register(woman=w, lmp=iso(days_ago(1)))
        # from 28 weeks on, a loss is recorded as a delivery (stillbirth)
        _, late = register(lmp=iso(days_ago(28 * 7)))
        self.refused(C["doc_a"], "POST", "/api/v1/pregnancies/%s/close" % late["id"], 422, ["outcome"],
                     json={"outcome": "miscarriage", "date": iso(today())})
        r = C["doc_a"].post("/api/v1/pregnancies/%s/close" % late["id"], {"outcome": "moved_out",
                                                                          "date": iso(today())})
        self.assertEqual((r.status, r.body["status"]), (200, "closed"), r)


class T9ChildName(Base):
    def test_name_with_if_match(self):
        w, rec = register(lmp=iso(days_ago(39 * 7)))
        r = C["ob_a"].post("/api/v1/pregnancies/%s/delivery" % rec["id"],
                           {"delivered_at": delivered_at(days_ago(1)), "institution_id": HOSP_A,
                            "mode": "spontaneous", "babies": [baby()]})
        self.assertEqual(r.status, 201, r)
        cid = r.body["babies"][0]["child_id"]
        path = "/api/v1/children/%s" % cid
        r = C["doc_a"].get(path)
        self.assertEqual(r.status, 200, r)
        etag = r.headers.get("ETag")
        self.assertEqual(etag, '"1"')
        self.assertIsNone(r.body["name"])
        self.refused(C["doc_a"], "PATCH", path, 428, json={"name": "王小明"})
        self.refused(C["doc_a"], "PATCH", path, 412, json={"name": "王小明"}, headers={"If-Match": '"7"'})
        self.refused(C["doc_a"], "PATCH", path, 412, json={"name": "王小明"}, headers={"If-Match": "junk"})
        for bad in ("Tom", "王Tom", "王小明2", "王 小明", "wáng", "·王", "张" * 16):
            with self.subTest(name=bad):
                self.refused(C["doc_a"], "PATCH", path, 422, ["name"], json={"name": bad},
                             headers={"If-Match": etag})
        self.refused(C["doc_a"], "PATCH", path, 422, ["surname"], json={"name": "王小明", "surname": "王"},
                     headers={"If-Match": etag})
        self.refused(C["doc_b"], "PATCH", path, 403, json={"name": "王小明"}, headers={"If-Match": etag})
        r = C["doc_a"].patch(path, {"name": "阿依古丽·买买提"}, headers={"If-Match": etag})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.body["name"], r.headers.get("ETag")), ("阿依古丽·买买提", '"2"'))
        self.refused(C["doc_a"], "PATCH", path, 412, json={"name": "王小明"}, headers={"If-Match": etag})
        r = C["doc_a"].patch(path, {"name": "张" * 15}, headers={"If-Match": '"2"'})
        self.assertEqual((r.status, r.body.get("name")), (200, "张" * 15), r)
        # a minority name of 15 characters with its dot fits as well
        r = C["doc_a"].patch(path, {"name": "张" * 7 + "·" + "张" * 8}, headers={"If-Match": '"3"'})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(C["city"].get(path).body["name"], "张" * 7 + "·" + "张" * 8)
        # a stillbirth is no child record
        self.refused(C["city"], "GET", "/api/v1/children/99999999", 404)


# --------------------------------------------------------------------------
# reminders and overdue: a server whose clock is set with FUYOU_NOW; the
# background job runs at start-up, so each restart is one scan.


class T10Schedule(Base):
    @classmethod
    def setUpClass(cls):
        cls.t0 = datetime.date(2031, 3, 3)
        cls.server = fuyou.Server(env={"FUYOU_NOW": cls.at(cls.t0)})
        cls.server.start()
        cls.server.add_user("sched_doc", "community_doctor", institution=CHC_A)
        cls.server.add_user("sched_admin", "district_admin", district="310104")

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
        finally:
            cls.server.cleanup()

    @staticmethod
    def at(day):
        return "%sT02:00:00Z" % iso(day)  # 10:00 in Shanghai

    def restart(self, day):
        self.server.stop()
        self.server.env["FUYOU_NOW"] = self.at(day)
        self.server.start()
        return self.server.client("sched_doc"), self.server.client("sched_admin")

    def wait_for(self, fn, what, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            v = fn()
            if v:
                return v
            if time.monotonic() > deadline:
                self.fail("timed out waiting for " + what)
            time.sleep(0.1)

    def reminders(self, pid):
        return db_rows(self.server.db, "SELECT kind, channel, recipient, due_on, status, text FROM outbox"
                                       " WHERE ref_type='pregnancy' AND ref_id=? AND channel='sms'", int(pid))

    def test_reminders_and_overdue(self):
        t0 = self.t0
        doc = self.server.client("sched_doc")
        # registered at 10+0: the early window is filled by the registration
        lmp = t0 - datetime.timedelta(days=70)
        w = create_woman(doc)
        r = doc.post("/api/v1/pregnancies", preg_body(w["id"], lmp=iso(lmp)))
        self.assertEqual(r.status, 201, r)
        pid = r.body["id"]
        self.assertEqual(r.body["ga"]["text"], "10+0")
        nv = r.body["next_visit"]
        opens = lmp + datetime.timedelta(days=112)
        closes = lmp + datetime.timedelta(days=146)
        self.assertEqual((nv["seq"], nv["opens"], nv["closes"]), (2, iso(opens), iso(closes)))
        # a second woman whose reminder is due one day earlier shows when the job has run
        lmp2 = lmp - datetime.timedelta(days=1)
        w2 = create_woman(doc)
        r = doc.post("/api/v1/pregnancies", preg_body(w2["id"], lmp=iso(lmp2)))
        self.assertEqual(r.status, 201, r)
        pid2 = r.body["id"]
        self.assertEqual(self.reminders(pid) + self.reminders(pid2), [])

        # four days before the window opens: the second woman is reminded, not the first
        doc, _ = self.restart(opens - datetime.timedelta(days=4))
        self.wait_for(lambda: self.reminders(pid2), "the reminder job")
        self.assertEqual(self.reminders(pid), [])
        # three days before: reminded, by SMS to her phone, in Chinese
        doc, admin = self.restart(opens - datetime.timedelta(days=3))
        rem = self.wait_for(lambda: self.reminders(pid), "the reminder of the 16–20 week window")
        self.assertEqual(len(rem), 1)
        kind, channel, recipient, due_on, status, text = rem[0]
        self.assertEqual((kind, channel, recipient, status), ("anc_reminder", "sms", w["phone"], "queued"))
        self.assertEqual(due_on, ((opens - datetime.timedelta(days=3)) - datetime.date(1970, 1, 1)).days)
        self.assertIn(iso(opens), text)
        self.assertRegex(text, r"[\u4e00-\u9fff]")
        rec = self.record(pid, doc)
        self.assertEqual([(x["kind"], x["due_on"]) for x in rec["reminders"]],
                         [("anc_reminder", iso(opens - datetime.timedelta(days=3)))])
        self.assertIs(rec["overdue"], False)

        # the window closes without a visit; the last day of grace is not overdue yet
        doc, admin = self.restart(closes + datetime.timedelta(days=7))
        # the job has run once the next window's reminder is queued
        self.wait_for(lambda: len(self.reminders(pid)) == 2, "the reminder of the 21–24 week window")
        rec = self.record(pid, doc)
        self.assertIs(rec["overdue"], False)
        r = admin.get("/api/v1/worklists/overdue", query={"page_size": 100})
        self.assertNotIn(pid, [x["id"] for x in r.body["items"]])
        # seven days after the close: overdue, in the work list
        doc, admin = self.restart(closes + datetime.timedelta(days=8))
        self.wait_for(lambda: pid in [x["id"] for x in admin.get("/api/v1/worklists/overdue",
                                                                 query={"page_size": 100}).body["items"]],
                      "the overdue work list")
        rec = self.record(pid, doc)
        self.assertIs(rec["overdue"], True)
        win = [x for x in rec["schedule"]["windows"] if x["seq"] == 2][0]
        self.assertIs(win["overdue"], True)
        r = doc.get("/api/v1/pregnancies", query={"overdue": "true", "page_size": 100})
        self.assertIn(pid, [x["id"] for x in r.body["items"]])
        # she comes back: a visit after the missed window clears the flag
        rec = self.visit(pid, client=doc, date=iso(closes + datetime.timedelta(days=8)), weight_kg=62)
        self.assertIs(rec["overdue"], False)
        r = admin.get("/api/v1/worklists/overdue", query={"page_size": 100})
        self.assertNotIn(pid, [x["id"] for x in r.body["items"]])


if __name__ == "__main__":
    unittest.main(verbosity=2)
