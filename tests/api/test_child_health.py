"""Black-box tests of issue 6 (child health 0–6): the check schedule of a
child born on a given date, reminders to the mother through the outbox (once
per window, 3 days before it opens), the child-overdue work list kept by the
background job, health checks with WHO z-scores (equal to WHO's own values to
two decimals, across the 731-day boundary), corrected age for a preterm
child, plausible ranges, development warning signs turning into a work-list
item, the autism pipeline in order, alerts and special-case enrolment on the
child, scope through the mother, and the audit of every read and write.

The server runs with its clock set by FUYOU_NOW and `--job-interval 1`; it is
restarted at later dates on the same database:
  phase 1  2024-02-01  deliveries: twins born 2024-01-31 (girl A, boy D), a
                       preterm boy B born 2024-01-20 at 32+0 weeks, 1800 g,
                       and boy E born 2024-01-15, who is never checked
  phase 2  2024-02-24 / 2024-02-25  the 满月 reminder, 3 days before 2024-02-28
  phase 3  2026-03-01  checks, growth, warning signs, autism, overdue, alerts
Run from the repository root with $FUYOU_BIN set (ctest does both).
"""

import datetime
import os
import sqlite3
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuyou  # noqa: E402

CHC_A = fuyou.institution("community_health_center", "310104", 0)
CHC_B = fuyou.institution("community_health_center", "310115", 0)
HOSP_A = "sh6"  # delivery hospital in 310104

USERS = {
    "doc_a": ("community_doctor", CHC_A, None),
    "doc_b": ("community_doctor", CHC_B, None),
    "ob_a": ("obstetrician", HOSP_A, None),
    "xh_admin": ("district_admin", None, "310104"),
    "pd_admin": ("district_admin", None, "310115"),
    "city": ("city_admin", None, None),
}

TWINS_BORN = datetime.date(2024, 1, 31)
PRETERM_BORN = datetime.date(2024, 1, 20)
PRETERM_GA = 32 * 7
LATE_BORN = datetime.date(2024, 1, 15)  # E: never checked
PHASE1 = datetime.date(2024, 2, 1)
PHASE3 = datetime.date(2026, 3, 1)

S = None  # the server
C = {}  # username -> Client
K = {}  # fixture ids: "A", "D", "B" children; "mother_twins", "mother_b"; "citizen"


def iso(d):
    return d.isoformat()


def at(day):
    return "%sT02:00:00Z" % iso(day)  # 10:00 in Shanghai


def add_months(d, months):
    """Calendar months, a missing day clamped to the month's end."""
    y, m = divmod(d.year * 12 + (d.month - 1) + months, 12)
    m += 1
    last = (datetime.date(y + (m == 12), m % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(y, m, min(d.day, last))


def days(n):
    return datetime.timedelta(days=n)


# The national schedule (基本公卫服务规范 第三版) as data/schedules/child-national.json
# sets it: (seq, age in months of the anchor, from_days, to_days, due codes).
SCHEDULE = [
    (1, 0, 0, 12, {"growth", "eye", "jaundice", "umbilical", "nbs_check"}),
    (2, 0, 28, 30, {"growth", "eye"}),
    (3, 3, -15, 15, {"growth", "eye", "warning_signs"}),
    (4, 6, -15, 15, {"growth", "eye", "warning_signs", "hb", "hearing", "teeth"}),
    (5, 8, -15, 15, {"growth", "eye", "warning_signs", "hb", "teeth"}),
    (6, 12, -15, 15, {"growth", "eye", "warning_signs", "hearing", "teeth"}),
    (7, 18, -30, 30, {"growth", "eye", "warning_signs", "hb", "teeth"}),
    (8, 24, -30, 30, {"growth", "eye", "warning_signs", "hearing", "teeth"}),
    (9, 30, -30, 30, {"growth", "eye", "warning_signs", "hb", "teeth"}),
    (10, 36, -30, 30, {"growth", "eye", "warning_signs", "hearing", "teeth"}),
    (11, 48, -60, 60, {"growth", "eye", "visual_acuity", "warning_signs", "teeth"}),
    (12, 60, -60, 60, {"growth", "eye", "visual_acuity", "warning_signs", "teeth"}),
    (13, 72, -60, 60, {"growth", "eye", "visual_acuity", "warning_signs", "teeth"}),
]


def expected_windows(birth):
    out = []
    for seq, months, lo, hi, due in SCHEDULE:
        anchor = add_months(birth, months)
        out.append((seq, iso(anchor + days(lo)), iso(anchor + days(hi)), due))
    return out


# WHO z-scores (anthro / anthroplus arithmetic), from tests/unit/test_growth.c:
# (sex, age_days, weight_kg, length_cm, measured, head_cm) -> wfa, lhfa, wflh, bmi, hcfa.
SPREAD = [
    ((1, 45, 4.8, 55.0, "recumbent", 37.8), (-0.37810708094198003, -0.8132077054521674, 0.6250006592116074, 0.08505823004430141, -0.3812546120885154)),
    ((2, 100, 5.2, 58.3, "recumbent", 38.9), (-1.168798108257248, -1.0343897021757675, -0.47876898948085195, -0.7963360697297169, -0.7623894604539562)),
    ((1, 365, 9.6, 75.7, "recumbent", 46.1), (-0.04374815852644292, -0.01645667523272109, -0.05511917637976944, -0.034782261571113, 0.028255258940217617)),
    ((2, 500, 8.1, 73.0, "recumbent", 44.2), (-1.674781285527459, -2.1520677519220484, -0.8884626258024596, -0.49545627798662667, -1.2706967455508766)),
    ((2, 730, 11.5, 86.0, "standing", 47.0), (0.018193290234503653, 0.09276536026755713, -0.14062092916932398, -0.08121541426509594, -0.1289068445494586)),
    ((1, 731, 12.2, 87.1, "standing", 48.4), (0.03248187509139014, -0.009913199229260225, 0.011051086183884739, 0.049949847572133305, 0.10754946906794491)),
    ((2, 731, 10.2, 84.3, "recumbent", 46.5), (-0.9715875813828332, -0.6600506782318094, -0.9120388668337033, -0.8725567735765752, -0.49059460793952636)),
    ((1, 600, 12.9, 80.25, "recumbent", 47.7), (1.193162741856716, -1.3143854244611115, 2.397714971140236, 2.689576895585327, 0.03905663150963858)),
    ((2, 1522, 17.0, 104.2, "standing", 50.2), (0.24003779455375895, 0.06739236191162676, 0.3128496688113915, 0.2800154757606224, 0.5335552190893463)),
    ((1, 1826, 13.1, 118.0, "standing", 53.9), (-2.5513627136291235, 1.7352712085643691, -5.307709298386101, -5.706074864446334, 2.1167030450742206)),
    ((1, 1827, 18.3, 109.6, "standing", None), (-0.01562790584683484, -0.030642748653604293, None, -0.02607359032691553, None)),
    ((2, 2500, 24.0, 122.0, "standing", None), (0.5485207366481295, 0.382514966184764, None, 0.4344627790761653, None)),
    ((1, 6000, 80.0, 172.0, "standing", None), (None, -0.2661602742991712, None, 1.7669188683886923, None)),
]
Z_KEYS = ("wfa", "lhfa", "wflh", "bmi", "hcfa")


def r2(z):
    return None if z is None else round(z, 2)


def db_rows(sql, *args, attach_reads=False):
    con = sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(S.db), uri=True, timeout=10)
    try:
        if attach_reads:  # the read log, as the server attaches it
            con.execute("ATTACH ? AS reads", ("file:%s?mode=ro" % urllib.parse.quote(S.db + "-reads"),))
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def wait_for(fn, what, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.1)


def restart(day):
    S.stop()
    S.env["FUYOU_NOW"] = at(day)
    S.start()
    for name in USERS:
        C[name] = S.client(name)
    if "citizen" in S.users:
        C["citizen"] = S.client("citizen")
    # let the job's first pass finish, so that refusals see a quiet database
    today = (day - datetime.date(1970, 1, 1)).days
    wait_for(lambda: db_rows("SELECT count(*) FROM child_states WHERE next_check_on <= ?", today)[0][0] == 0,
             "the job's first pass")


def create_mother(name):
    body = {
        "name": name,
        "id_type": "resident_id",
        "id_number": fuyou.resident_id(birth=datetime.date(1993, 5, 6)),
        "phone": fuyou.phone(),
        "residence_district": "310104",
        "address": "徐汇区漕溪北路 100 号",
    }
    r = C["doc_a"].post("/api/v1/women", body)
    assert r.status == 201, r
    return r.body["id"], body["phone"]


def deliver(mother_id, born, ga_days, babies):
    lmp = born - days(ga_days)
    r = C["doc_a"].post("/api/v1/pregnancies", {
        "woman_id": mother_id, "lmp": iso(lmp), "card": "small", "institution_id": CHC_A, "gravidity": 1,
        "parity": 0, "height_cm": 162, "weight_kg": 56})
    assert r.status == 201, r
    pid = r.body["id"]
    r = C["ob_a"].post("/api/v1/pregnancies/%s/delivery" % pid, {
        "delivered_at": "%sT08:30:00+08:00" % iso(born), "institution_id": HOSP_A, "mode": "spontaneous",
        "babies": babies})
    assert r.status == 201, r
    return [b["child_id"] for b in r.body["babies"]]


def setUpModule():
    global S
    S = fuyou.Server(env={"FUYOU_NOW": at(PHASE1)}, serve_args=["--job-interval", "1"])
    S.start()
    for name, (role, inst, dist) in USERS.items():
        S.add_user(name, role, institution=inst, district=dist)
        C[name] = S.client(name)
    K["mother_twins"], K["phone_twins"] = create_mother("张丽")
    K["A"], K["D"] = deliver(K["mother_twins"], TWINS_BORN, 39 * 7, [
        {"sex": 2, "weight_g": 2900, "outcome": "live"}, {"sex": 1, "weight_g": 3100, "outcome": "live"}])
    K["mother_b"], K["phone_b"] = create_mother("陈静")
    (K["B"],) = deliver(K["mother_b"], PRETERM_BORN, PRETERM_GA, [{"sex": 1, "weight_g": 1800, "outcome": "live"}])
    K["mother_e"], K["phone_e"] = create_mother("刘敏")
    (K["E"],) = deliver(K["mother_e"], LATE_BORN, 39 * 7, [{"sex": 1, "weight_g": 3300, "outcome": "live"}])
    S.add_user("citizen", "citizen", woman=K["mother_twins"])
    C["citizen"] = S.client("citizen")
    # the job enrols the four children and finishes its pass
    today = (PHASE1 - datetime.date(1970, 1, 1)).days
    wait_for(lambda: db_rows("SELECT count(*), sum(next_check_on <= ?) FROM child_states", today)[0] == (4, 0),
             "the job to enrol the children")


def tearDownModule():
    if S is None:
        return
    try:
        S.stop()
    finally:
        S.cleanup()


def check(child, expect=201, client=None, **body):
    r = (client or C["doc_a"]).post("/api/v1/children/%s/checks" % child, body)
    if r.status != expect:
        raise AssertionError("check: expected %d, got %r" % (expect, r))
    return r.body


def reminders(child):
    r = C["city"].get("/api/v1/children/%s/schedule" % child)
    assert r.status == 200, r
    return r.body["reminders"]


class Base(unittest.TestCase):
    def refused(self, client, method, path, status, fields=(), **kw):
        """A problem+json answer with `status` naming every field in
        `fields`, Chinese and English, and no table of the database changed."""
        before = S.table_digests()
        r = client.request(method, path, **kw)
        self.assertEqual(r.status, status, r)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("application/problem+json"), r)
        self.assertEqual(r.body.get("status"), status, r)
        self.assertTrue(fuyou.has_zh_en(r.body.get("detail")), r)
        named = fuyou.problem_errors(r)
        for f in fields:
            self.assertIn(f, named, r)
        for e in r.body.get("errors", []):
            self.assertTrue(fuyou.has_zh_en(e.get("message")), e)
        self.assertEqual(S.table_digests(), before, "a %d answer changed the database: %r" % (status, r))
        return r


# --------------------------------------------------------------------------
# phase 1: 2024-02-01, the newborns


class T1Newborn(Base):
    def test_schedule_of_a_child_born_on_a_given_date(self):
        r = C["doc_a"].get("/api/v1/children/%s/schedule" % K["A"])
        self.assertEqual(r.status, 200, r)
        got = [(w["seq"], w["opens"], w["closes"], {d["code"] for d in w["due"]}) for w in r.body["windows"]]
        self.assertEqual(got, expected_windows(TWINS_BORN))
        # 31 January: the 3-month anchor is 30 April, 8 months 30 September
        w = {x["seq"]: x for x in r.body["windows"]}
        self.assertEqual((w[3]["anchor"], w[5]["anchor"], w[7]["anchor"]), ("2024-04-30", "2024-09-30", "2025-07-31"))
        self.assertEqual((w[2]["opens"], w[2]["closes"]), ("2024-02-28", "2024-03-01"))  # 28–30 days, leap year
        self.assertEqual(w[1]["status"], "due")
        self.assertEqual(w[2]["status"], "upcoming")
        self.assertEqual(w[3]["warning_signs_band"], "m3")
        self.assertIsNone(w[1]["warning_signs_band"])
        self.assertEqual((r.body["next"]["seq"], r.body["overdue"]), (1, False))
        # the same windows without a record, for any birth date
        r2 = fuyou.Client(S.url).get("/api/v1/child-schedule?birth_date=2024-01-31")
        self.assertEqual(r2.status, 200, r2)
        self.assertEqual([(x["seq"], x["opens"], x["closes"]) for x in r2.body["windows"]],
                         [(s, o, c) for s, o, c, _ in expected_windows(TWINS_BORN)])
        for birth in (datetime.date(2023, 2, 28), datetime.date(2024, 2, 29), datetime.date(2023, 8, 31)):
            r2 = fuyou.Client(S.url).get("/api/v1/child-schedule?birth_date=%s" % iso(birth))
            self.assertEqual([(x["seq"], x["opens"], x["closes"]) for x in r2.body["windows"]],
                             [(s, o, c) for s, o, c, _ in expected_windows(birth)], birth)
        self.refused(fuyou.Client(S.url), "GET", "/api/v1/child-schedule?birth_date=2024-02-30", 422, ["birth_date"])
        self.refused(fuyou.Client(S.url), "GET", "/api/v1/child-schedule", 422, ["birth_date"])

    def test_newborn_reminder_to_the_mother(self):
        # the job enrols the new children and reminds their mothers of the
        # newborn visit (window 0–12 days, open today), once
        for child, phone in ((K["A"], K["phone_twins"]), (K["D"], K["phone_twins"]), (K["B"], K["phone_b"])):
            rs = wait_for(lambda: reminders(child), "the newborn reminder of %s" % child)
            self.assertEqual(len(rs), 1, rs)
            m = rs[0]
            self.assertEqual((m["kind"], m["channel"], m["recipient"], m["status"]),
                             ("child_check_reminder", "sms", phone, "queued"))
            self.assertIn("新生儿家庭访视", m["text"])
        self.assertEqual(reminders(K["A"])[0]["due_on"], "2024-01-28")  # 3 days before it opened
        rows = db_rows("SELECT count(*) FROM outbox WHERE ref_type = 'child'")
        self.assertEqual(rows[0][0], 3)

    def test_special_case_enrolment(self):
        r = C["doc_a"].get("/api/v1/children/%s" % K["B"])
        self.assertEqual(r.status, 200, r)
        sc = r.body["special_case"]
        self.assertTrue(sc["enrolled"])
        self.assertEqual({x["code"] for x in sc["reasons"]}, {"preterm", "low_birth_weight"})
        self.assertEqual(sc["corrected_age_until"], iso(PRETERM_BORN + days(730)))
        self.assertEqual(sc["correction_days"], 280 - PRETERM_GA)
        self.assertEqual(r.body["alerts"], [])
        r = C["doc_a"].get("/api/v1/children/%s" % K["A"])
        self.assertEqual((r.body["special_case"]["enrolled"], r.body["special_case"]["reasons"]), (False, []))


# --------------------------------------------------------------------------
# phase 2: the 满月 window opens on 2024-02-28; its reminder is due 3 days before


class T2Reminders(Base):
    def test_reminder_three_days_before_once_per_window(self):
        restart(datetime.date(2024, 2, 24))
        time.sleep(2.5)  # a few passes of the job
        self.assertEqual([m["due_on"] for m in reminders(K["A"])], ["2024-01-28"])
        restart(datetime.date(2024, 2, 25))
        rs = wait_for(lambda: len(reminders(K["A"])) == 2 and reminders(K["A"]), "the 满月 reminder")
        self.assertEqual(sorted(m["due_on"] for m in rs), ["2024-01-28", "2024-02-25"])
        self.assertTrue(any("满月" in m["text"] for m in rs), rs)
        time.sleep(2.5)  # more passes, and a restart: still one message per window
        restart(datetime.date(2024, 2, 26))
        time.sleep(2.5)
        self.assertEqual(len(reminders(K["A"])), 2)
        self.assertEqual(len(reminders(K["D"])), 2)


# --------------------------------------------------------------------------
# phase 3: 2026-03-01


class T3Checks(Base):
    @classmethod
    def setUpClass(cls):
        restart(PHASE3)

    def test_a_zscores_equal_whos(self):
        pub = fuyou.Client(S.url)
        for (sex, day, w, l, m, hc), want in SPREAD:
            q = {"sex": sex, "age_days": day, "weight_kg": w, "length_cm": l, "measured": m}
            if hc is not None:
                q["head_cm"] = hc
            r = pub.get("/api/v1/growth/zscores", query=q)
            self.assertEqual(r.status, 200, r)
            self.assertEqual([r.body["zscores"][k] for k in Z_KEYS], [r2(z) for z in want], (sex, day))
        # WHO's published examples
        r = pub.get("/api/v1/growth/zscores", query={"sex": 2, "age_days": 1522, "weight_kg": 17})
        self.assertEqual(r.body["zscores"]["wfa"], 0.24)
        r = pub.get("/api/v1/growth/zscores", query={"sex": 1, "age_days": 987, "length_cm": 72.86,
                                                      "measured": "recumbent"})
        self.assertEqual((r.body["zscores"]["lhfa"], r.body["implausible"]["lhfa"], r.body["length_used_cm"]),
                         (-6.09, True, 72.16))
        r = pub.get("/api/v1/growth/zscores", query={"sex": 2, "age_days": 731, "length_cm": 77.5,
                                                      "measured": "standing"})
        self.assertEqual((r.body["zscores"]["lhfa"], r.body["classification"]["stunting"]), (-2.55, True))
        r = pub.get("/api/v1/growth/zscores", query={"sex": 2, "age_days": 1854, "weight_kg": 20.5,
                                                      "length_cm": 113.6, "measured": "standing"})
        self.assertEqual((r.body["zscores"]["wfa"], r.body["zscores"]["bmi"], r.body["zscores"]["lhfa"],
                          r.body["reference"]), (0.79, 0.42, 0.85, "who2007"))

    def test_b_zscores_refusals(self):
        pub = fuyou.Client(S.url)
        for q, field in (({"age_days": 10, "weight_kg": 3}, "sex"), ({"sex": 3, "age_days": 10, "weight_kg": 3}, "sex"),
                         ({"sex": 1, "weight_kg": 3}, "age_days"), ({"sex": 1, "age_days": -1, "weight_kg": 3}, "age_days"),
                         ({"sex": 1, "age_days": 7000, "weight_kg": 3}, "age_days"),
                         ({"sex": 1, "age_days": "x", "weight_kg": 3}, "age_days"),
                         ({"sex": 1, "age_days": 10, "weight_kg": "abc"}, "weight_kg"),
                         ({"sex": 1, "age_days": 10, "weight_kg": 0}, "weight_kg"),
                         ({"sex": 1, "age_days": 10, "length_cm": "nan"}, "length_cm"),
                         ({"sex": 1, "age_days": 10, "length_cm": 50, "measured": "sitting"}, "measured"),
                         ({"sex": 1, "age_days": 10}, "weight_kg")):
            self.refused(pub, "GET", "/api/v1/growth/zscores", 422, [field], query=q)

    def test_c_checks_store_whos_zscores_across_731_days(self):
        # girl A and boy D, born 2024-01-31 at 39 weeks: chronological age
        for (sex, day, w, l, m, hc), want in SPREAD:
            if day > 800:
                continue
            child = K["A"] if sex == 2 else K["D"]
            body = check(child, date=iso(TWINS_BORN + days(day)), weight_kg=w, length_cm=l, measured=m, head_cm=hc)
            self.assertEqual(body["age_days"], day)
            self.assertFalse(body["corrected"])
            self.assertEqual([body["zscores"][k] for k in Z_KEYS], [r2(z) for z in want], (sex, day))
            self.assertEqual(body["growth"]["zscores"], body["zscores"])
        # the 0.7 cm rule on either side of the boundary
        r = C["doc_a"].get("/api/v1/children/%s/checks" % K["A"])
        by_day = {c["age_days"]: c for c in r.body["items"]}
        self.assertEqual(by_day[730]["growth"]["length_used_cm"], 86.7)  # standing before 731: +0.7
        self.assertEqual(by_day[731]["growth"]["length_used_cm"], 83.6)  # lying from 731: −0.7
        self.assertEqual(by_day[730]["window"]["seq"], 8)  # the 24-month window opened 2026-01-01
        # the growth series for charts
        g = C["doc_a"].get("/api/v1/children/%s/growth" % K["A"])
        self.assertEqual(g.status, 200, g)
        self.assertEqual([p["age_days"] for p in g.body["points"]], [100, 500, 730, 731])
        self.assertEqual([p[2] for p in g.body["series"]["wfa"]["data"]], [r2(z[1][0]) for z in SPREAD
                                                                     if z[0][0] == 2 and z[0][1] <= 731])
        self.assertEqual(g.body["series"]["wflh"]["data"][2][0], 86.7)  # x = the length used

    def test_d_corrected_age_for_the_preterm_child(self):
        born, corr = PRETERM_BORN, 280 - PRETERM_GA  # 56 days
        pub = fuyou.Client(S.url)
        for day in (146, 400, 730):
            body = check(K["B"], date=iso(born + days(day)), weight_kg=6.5, length_cm=64.0, head_cm=41.0)
            self.assertEqual((body["age_days"], body["age_used_days"], body["corrected"]), (day, day - corr, True))
            want = pub.get("/api/v1/growth/zscores", query={"sex": 1, "age_days": day - corr, "weight_kg": 6.5,
                                                             "length_cm": 64.0, "head_cm": 41.0}).body
            self.assertEqual(body["zscores"], want["zscores"])
        # from 731 days the chronological age
        body = check(K["B"], date=iso(born + days(731)), weight_kg=12.2, length_cm=87.1, measured="standing",
                     head_cm=48.4)
        self.assertEqual((body["age_used_days"], body["corrected"]), (731, False))
        self.assertEqual([body["zscores"][k] for k in Z_KEYS], [r2(z) for z in SPREAD[5][1]])
        # before term-equivalent age the WHO standards do not apply
        body = check(K["B"], date=iso(born + days(30)), weight_kg=2.2)
        self.assertEqual((body["age_used_days"], body["growth"]["scored"]), (30 - corr, False))
        self.assertEqual(body["zscores"]["wfa"], None)

    def test_e_plausible_ranges(self):
        path = "/api/v1/children/%s/checks" % K["D"]
        r = self.refused(C["doc_a"], "POST", path, 422,
                         ["weight_kg", "length_cm", "head_cm", "hb_g_l", "teeth_erupted", "measured", "hearing",
                          "vision_left", "caries", "warning_signs", "surprise"],
                         json={"date": "2025-02-01", "weight_kg": 80, "length_cm": 10, "head_cm": 100, "hb_g_l": 5,
                               "teeth_erupted": 30, "caries": -1, "measured": "sitting", "hearing": "maybe",
                               "vision_left": 9, "warning_signs": [1], "surprise": 1})
        self.assertIn("体重", [e["message"] for e in r.body["errors"] if e["field"] == "weight_kg"][0])
        self.refused(C["doc_a"], "POST", path, 422, ["date"], json={"weight_kg": 9})
        self.refused(C["doc_a"], "POST", path, 422, ["date"], json={"date": "2026-03-02", "weight_kg": 9})
        self.refused(C["doc_a"], "POST", path, 422, ["date"], json={"date": "2024-01-30", "weight_kg": 3})
        self.refused(C["doc_a"], "POST", path, 422, ["caries"], json={"date": "2025-02-01", "teeth_erupted": 4,
                                                                      "caries": 5})
        self.refused(C["doc_a"], "POST", path, 422, ["next_date"], json={"date": "2025-02-01",
                                                                         "next_date": "2025-01-01"})
        self.refused(C["doc_a"], "POST", "/api/v1/children/999999/checks", 404, json={"date": "2025-02-01"})
        self.refused(C["citizen"], "POST", path, 403, json={"date": "2025-02-01"})

    def test_f_warning_signs_become_a_worklist_item(self):
        path = "/api/v1/children/%s/checks" % K["A"]
        three_months = add_months(TWINS_BORN, 3)  # 2024-04-30
        # an item of another band, an unknown item, and none before the first band
        r = self.refused(C["doc_a"], "POST", path, 422, ["warning_signs.m6_1"],
                         json={"date": iso(three_months), "warning_signs": {"m3_1": False, "m6_1": True}})
        self.assertEqual([e["code"] for e in r.body["errors"]], ["other_band"])
        self.refused(C["doc_a"], "POST", path, 422, ["warning_signs.zz_9"],
                     json={"date": iso(three_months), "warning_signs": {"zz_9": True}})
        self.refused(C["doc_a"], "POST", path, 422, ["warning_signs.m3_1"],
                     json={"date": iso(three_months), "warning_signs": {"m3_1": "yes"}})
        # the 3-month window opens 15 days before the anchor: the day before, no band yet
        self.refused(C["doc_a"], "POST", path, 422, ["warning_signs.m3_1"],
                     json={"date": iso(three_months - days(16)), "warning_signs": {"m3_1": False}})
        body = check(K["A"], date=iso(three_months - days(15)), warning_signs={"m3_1": False})
        self.assertEqual((body["development"]["band"], body["development"]["suspected_deviation"]), ("m3", False))
        # between windows the band just passed: 3 months + 20 days is still m3
        check(K["A"], date=iso(three_months + days(20)), warning_signs={"m3_4": False})
        self.assertEqual(self.development_items(), [])
        # one positive item of four: suspected deviation and a referral
        body = check(K["A"], date=iso(three_months), weight_kg=5.6, length_cm=59.0,
                     warning_signs={"m3_1": False, "m3_2": True, "m3_3": False, "m3_4": False})
        dev = body["development"]
        self.assertTrue(dev["suspected_deviation"])
        self.assertEqual([i["positive"] for i in dev["items"]], [False, True, False, False])
        items = self.development_items()
        self.assertEqual(len(items), 1, items)
        it = items[0]
        self.assertEqual((it["child_id"], it["referral"]["band"], it["referral"]["date"]),
                         (str(K["A"]), "m3", iso(three_months)))
        self.assertEqual([p["code"] for p in it["referral"]["positive"]], ["m3_2"])
        self.assertEqual(it["referral"]["positive"][0]["text"], "逗引时不发音或不会微笑")
        self.assertEqual(it["mother"]["name"], "张丽")
        # out of scope for the other district
        r = C["pd_admin"].get("/api/v1/worklists/development")
        self.assertEqual((r.status, r.body["total"]), (200, 0))
        # the child shows the alert
        r = C["doc_a"].get("/api/v1/children/%s" % K["A"])
        self.assertIn("development", [a["code"] for a in r.body["alerts"]])

        # the autism pipeline: in order, each step after its predecessor
        apath = "/api/v1/children/%s/autism" % K["A"]
        later = iso(three_months + days(30))
        self.refused(C["doc_a"], "POST", apath, 409, ["step"],
                     json={"step": "diagnosis", "date": later, "result": "excluded"})
        self.refused(C["doc_a"], "POST", apath, 409, ["date"],
                     json={"step": "rescreen", "date": iso(three_months - days(1)), "instrument": "CHAT-23",
                           "score": 3, "result": "negative"})
        self.refused(C["doc_a"], "POST", apath, 422, ["instrument", "score", "result"],
                     json={"step": "rescreen", "date": later, "instrument": "ABC", "score": 99})
        self.refused(C["doc_a"], "POST", apath, 422, ["score"],
                     json={"step": "rescreen", "date": later, "instrument": "M-CHAT-R/F", "score": 21,
                           "result": "positive"})
        r = C["doc_a"].post(apath, {"step": "rescreen", "date": later, "instrument": "CHAT-23", "score": 2,
                                    "result": "negative"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.body["referrals_closed"], 1)
        self.assertEqual(self.development_items(), [])
        r = C["doc_a"].post(apath, {"step": "diagnosis", "date": later, "result": "excluded", "detail": "未见孤独症"})
        self.assertEqual(r.status, 201, r)
        self.refused(C["doc_a"], "POST", apath, 409, ["date"],
                     json={"step": "intervention", "date": iso(three_months + days(29)), "detail": "随访"})
        r = C["doc_a"].post(apath, {"step": "intervention", "date": later, "detail": "家庭干预指导"})
        self.assertEqual(r.status, 201, r)
        r = C["citizen"].get(apath)
        self.assertEqual(r.status, 200, r)
        self.assertEqual([x["step"] for x in r.body["records"]],
                         ["first_screen", "rescreen", "diagnosis", "intervention"])
        self.assertEqual(r.body["records"][0]["instrument"], "warning_signs")
        self.assertEqual(r.body["referrals"][0]["status"], "rescreened")
        r = C["doc_a"].get("/api/v1/children/%s" % K["A"])
        self.assertNotIn("development", [a["code"] for a in r.body["alerts"]])

    def development_items(self):
        r = C["doc_a"].get("/api/v1/worklists/development")
        self.assertEqual(r.status, 200, r)
        return r.body["items"]

    def test_g_overdue_worklist_and_catching_up(self):
        # E (born 2024-01-15) was never checked; his 24-month window
        # (2025-12-16 … 2026-02-14, grace to 2026-02-21) is the latest passed
        def listed():
            r = C["xh_admin"].get("/api/v1/worklists/child-overdue")
            self.assertEqual(r.status, 200, r)
            return {x["child_id"]: x for x in r.body["items"]}
        row = wait_for(lambda: listed().get(str(K["E"])), "E on the overdue list")
        self.assertEqual((row["overdue_window"]["seq"], row["overdue_window"]["overdue_from"], row["days_overdue"]),
                         (8, "2026-02-22", 8))
        self.assertEqual((row["overdue_window"]["opens"], row["overdue_window"]["closes"]), ("2025-12-16", "2026-02-14"))
        self.assertEqual((row["mother"]["name"], row["mother"]["phone"]), ("刘敏", K["phone_e"]))
        # A, D and B were checked in their 24-month windows
        for k in ("A", "D", "B"):
            self.assertNotIn(str(K[k]), listed())
        r = C["doc_a"].get("/api/v1/children/%s/schedule" % K["E"])
        self.assertEqual((r.body["overdue"], r.body["overdue_window"]["seq"]), (True, 8))
        self.assertEqual(C["pd_admin"].get("/api/v1/worklists/child-overdue").body["total"], 0)
        self.assertEqual(db_rows("SELECT overdue, overdue_seq FROM child_states WHERE child_id = ?", K["E"]), [(1, 8)])
        # a late check catches up at once
        check(K["E"], date=iso(PHASE3), weight_kg=12.0, length_cm=88.0)
        self.assertNotIn(str(K["E"]), listed())
        self.assertEqual(C["doc_a"].get("/api/v1/children/%s/schedule" % K["E"]).body["overdue"], False)

    def test_h_alerts_on_the_child(self):
        # D's latest check so far is 2026-01-31 (day 731); these come after it
        d = K["D"]
        pub = fuyou.Client(S.url)
        day1 = datetime.date(2026, 2, 10)
        w = pub.get("/api/v1/growth/zscores", query={"sex": 1, "age_days": (day1 - TWINS_BORN).days,
                                                      "weight_kg": 9.6, "length_cm": 86.0, "measured": "standing"}).body
        self.assertTrue(w["classification"]["wasting"], w)
        check(d, date=iso(day1), weight_kg=9.6, length_cm=86.0, measured="standing", hb_g_l=104, caries=1,
              teeth_erupted=16)
        alerts = {a["code"]: a for a in C["doc_a"].get("/api/v1/children/%s" % d).body["alerts"]}
        self.assertIn("wasting", alerts)
        self.assertEqual((alerts["anaemia"]["grade"], alerts["anaemia"]["hb_g_l"]), ("mild", 104))
        self.assertIn("caries", alerts)
        # 110 g/L is not anaemia; a normal weight clears wasting
        check(d, date=iso(day1 + days(5)), hb_g_l=110, weight_kg=12.0, length_cm=86.0, measured="standing",
              caries=0, teeth_erupted=16)
        alerts = {a["code"] for a in C["doc_a"].get("/api/v1/children/%s" % d).body["alerts"]}
        self.assertEqual(alerts & {"anaemia", "wasting", "caries"}, set())
        body = check(d, date=iso(day1 + days(6)), hb_g_l=109.9)
        self.assertEqual((body["anaemia"]["anaemia"], body["anaemia"]["grade"]), (True, "mild"))
        self.assertIn("anaemia", {a["code"] for a in C["citizen"].get("/api/v1/children/%s" % d).body["alerts"]})
        # an obese child (weight-for-height > +3) also counts as overweight
        body = check(d, date=iso(PHASE3), weight_kg=18.5, length_cm=88.0, measured="standing")
        self.assertTrue(body["classification"]["obesity"] and body["classification"]["overweight"], body)
        codes = {a["code"] for a in C["doc_a"].get("/api/v1/children/%s" % d).body["alerts"]}
        self.assertTrue({"obesity", "overweight", "anaemia"} <= codes, codes)
        self.assertNotIn("wasting", codes)

    def test_i_scope_through_the_mother(self):
        # a centre of another district does not see the child until it checks it
        self.refused(C["doc_b"], "GET", "/api/v1/children/%s/schedule" % K["D"], 403)
        self.refused(C["doc_b"], "GET", "/api/v1/children/%s/growth" % K["D"], 403)
        self.refused(C["pd_admin"], "GET", "/api/v1/children/%s/checks" % K["D"], 403)
        check(K["D"], client=C["doc_b"], date=iso(PHASE3), head_cm=49.0)
        for c in ("doc_b", "pd_admin"):
            r = C[c].get("/api/v1/children/%s/checks" % K["D"])
            self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["items"][-1]["institution_id"], CHC_B)
        # the mother sees her children, not another's
        self.assertEqual(C["citizen"].get("/api/v1/children/%s/growth" % K["A"]).status, 200)
        self.refused(C["citizen"], "GET", "/api/v1/children/%s/growth" % K["B"], 403)
        self.refused(C["citizen"], "GET", "/api/v1/worklists/child-overdue", 403)

    def test_j_every_read_and_write_audited(self):
        # reads go to the read log (DB-reads), writes to the change log
        def counts():
            return (db_rows("SELECT count(*) FROM audit")[0][0],
                    db_rows("SELECT count(*) FROM reads.audit", attach_reads=True)[0][0])
        changes0, reads0 = counts()
        for sub in ("schedule", "checks", "growth", "autism"):
            self.assertEqual(C["doc_a"].get("/api/v1/children/%s/%s" % (K["A"], sub)).status, 200)
        check(K["A"], date=iso(PHASE3), weight_kg=12.0)
        self.assertEqual(counts(), (changes0 + 1, reads0 + 4))
        reads = db_rows("SELECT action, resource, resource_id FROM reads.audit ORDER BY seq DESC LIMIT 4",
                        attach_reads=True)
        self.assertEqual([r[:2] for r in reversed(reads)],
                         [("read", "child_schedule"), ("read", "child_checks"), ("read", "child_growth"),
                          ("read", "child_autism")])
        self.assertEqual(reads[2][2], str(K["A"]))
        change = db_rows("SELECT action, resource FROM audit ORDER BY seq DESC LIMIT 1")[0]
        self.assertEqual(tuple(change), ("create", "child_check"))


if __name__ == "__main__":
    prog = unittest.main(exit=False, verbosity=2)
    res = prog.result
    bad = len(res.failures) + len(res.errors) + len(res.unexpectedSuccesses)
    print("test_child_health: %d tests, %d failures, %d errors, %d skipped — %s" % (
        res.testsRun, len(res.failures), len(res.errors), len(res.skipped), "OK" if not bad else "FAILED"))
    sys.exit(1 if bad else 0)
