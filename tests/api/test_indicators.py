"""Black-box tests of the annual report indicators (issue 7, domain.md §12):
GET /api/v1/indicators and its CSV and XLSX exports on a small hand-built
city whose every numerator and denominator is known by hand.

The server's clock is set with FUYOU_NOW and the server is restarted at
later dates on the same database, so that every record is made through the
API at a plausible time:

  phase 1  2025-03-01  early registrations (W0 W1 W3 W4 W6 W7)
  phase 2  2025-06-01  late registrations (W2 at 18+6 weeks, W5 at 13+0)
  phase 3  2026-01-15  visits, deliveries (30 Sep 2025 to 20 Nov 2025),
                       screenings, postpartum visits, deaths, referrals, the
                       first child checks
  phase 4  2026-08-01  the later child checks; every query

District A = 徐汇 310104 (hospital sh6), B = 浦东 310115 (hospital renji).

  woman  lives  registered        delivered                 at     mode                        babies
  W0     A      early             2025-09-30 23:00 (2025)   sh6    spontaneous                 K0 live
  W1     A      early, 5 visits   2025-10-01 00:30          sh6    spontaneous + epidural      K1 live
  W6     A      early             2025-10-05                sh6    spontaneous                 stillbirth 39+6
  W7     A      early             2025-10-12                sh6    caesarean (placenta_previa) K7 live
  W2     A      late, 35 y, big   2025-10-20                renji  caesarean (fetal_distress)  K2 live 2300 g
  W5     B      13+0 (late), 36 y 2025-11-07                renji  spontaneous + epidural      K5 live 2450 g 35+5
  W3     B      early             2025-11-10                renji  spontaneous                 K3a 2400 g, K3b (twins)
  W4     B      early             2025-11-20                renji  caesarean (none)            K4 live

Deaths: W7 on 2025-10-20 (maternal, 8 days after her delivery at sh6);
K3a 70 hours after birth (perinatal); K7 at 69 days (under 5).
"""

import csv
import datetime
import io
import os
import re
import sys
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuyou  # noqa: E402

A, B = "310104", "310115"
HOSP_A, HOSP_B = "sh6", "renji"
CHC_A = fuyou.institution("community_health_center", A, 0)
CHC_B = fuyou.institution("community_health_center", B, 0)

USERS = {
    "city": ("city_admin", None, None),
    "xh_admin": ("district_admin", None, A),
    "pd_admin": ("district_admin", None, B),
    "doc_a": ("community_doctor", CHC_A, None),
    "doc_b": ("community_doctor", CHC_B, None),
    "ob_a": ("obstetrician", HOSP_A, None),
    "ob_b": ("obstetrician", HOSP_B, None),
    "rc_zhongshan": ("rescue_center", "zhongshan", None),  # the maternal centre of 310104
    "rc_renji": ("rescue_center", "renji", None),  # ... of 310115
    "rc_ruijin": ("rescue_center", "ruijin", None),
}

S = None
C = {}
K = {}  # names -> ids

PATH = "/api/v1/indicators"


def d(s):
    return datetime.date.fromisoformat(s)


def at(s):
    """A Shanghai local time "YYYY-MM-DD HH:MM" as the API reads it."""
    return s.replace(" ", "T") + ":00+08:00"


def restart(when):
    """Restarts the server with its clock at `when` (Shanghai local time)."""
    if S.alive():
        S.stop()
    S.env["FUYOU_NOW"] = at(when)
    S.start()
    for name in USERS:
        C[name] = S.client(name)


def ok(r, status=201):
    if r.status != status:
        raise AssertionError("expected %d, got %r" % (status, r))
    return r.body


def woman(name, district, birth="1995-04-12", client="doc_a"):
    body = {"name": name, "id_type": "resident_id", "id_number": fuyou.resident_id(birth=d(birth)),
            "phone": fuyou.phone(), "residence_district": district, "address": "上海市某路 1 号"}
    return ok(C[client].post("/api/v1/women", body))["id"]


def register(w, lmp, client, card="small", inst=None):
    inst = inst or C[client].user["institution_id"]
    body = {"woman_id": K[w], "lmp": lmp, "card": card, "institution_id": inst, "gravidity": 1, "parity": 0,
            "previous_caesareans": 0, "previous_miscarriages": 0, "fetuses": 1, "height_cm": 160, "weight_kg": 55}
    K["P" + w[1:]] = ok(C[client].post("/api/v1/pregnancies", body))["id"]


def visit(p, date, client, **body):
    body["date"] = date
    ok(C[client].post("/api/v1/pregnancies/%s/visits" % K[p], body))


def deliver(p, when, client, mode, babies, cs_indication=None, epidural=False):
    inst = C[client].user["institution_id"]
    body = {"delivered_at": at(when), "institution_id": inst, "mode": mode, "epidural": epidural,
            "babies": [{"sex": sex, "weight_g": g, "length_cm": 50, "outcome": outcome} for sex, g, outcome in babies]}
    if cs_indication:
        body["cs_indication"] = cs_indication
    r = ok(C[client].post("/api/v1/pregnancies/%s/delivery" % K[p], body))
    return [b["child_id"] for b in r["babies"]]


def screen(child, kind, result, client, sampled=None):
    body = {"kind": kind, "result": result}
    if sampled:
        body["sampled_at"] = sampled
    ok(C[client].post("/api/v1/children/%s/screenings" % K[child], body))


def pp_visit(p, date, kind, client):
    ok(C[client].post("/api/v1/pregnancies/%s/postpartum-visits" % K[p], {"date": date, "kind": kind}))


def check(child, date, client, **body):
    body["date"] = date
    return ok(C[client].post("/api/v1/children/%s/checks" % K[child], body))


def refer(p, requested, client, steps):
    """A maternal referral requested at `requested`; steps: (to, time, user, extra)."""
    r = ok(C[client].post("/api/v1/referrals", {
        "kind": "maternal", "type": "referral", "pregnancy_id": K[p], "reason": "产后出血，需介入治疗",
        "urgency": "emergency", "at": at(requested)}))
    for to, when, user, extra in steps:
        body = {"to": to, "at": at(when)}
        body.update(extra)
        ok(C[user].post("/api/v1/referrals/%s/transitions" % r["id"], body), 200)
    return r


def build_city():
    # ---- phase 1: early registrations
    for name, (role, inst, dist) in USERS.items():
        S.add_user(name, role, institution=inst, district=dist)
    restart("2025-03-01 10:00")
    ok(C["city"].get("/api/v1/rescue-network"), 200)  # loads the sample network
    for w, dist in (("W0", A), ("W1", A), ("W6", A), ("W7", A), ("W3", B), ("W4", B)):
        K[w] = woman("产妇" + w, dist, client="doc_a" if dist == A else "doc_b")
    register("W0", "2024-12-24", "doc_a")  # 9+4 weeks
    register("W1", "2024-12-25", "doc_a")
    register("W6", "2024-12-30", "doc_a")
    register("W7", "2025-01-05", "doc_a")
    register("W3", "2025-02-03", "doc_b")
    register("W4", "2025-02-13", "doc_b")

    # ---- phase 2: late registrations; W2 and W5 are 35 or older (yellow)
    restart("2025-06-01 10:00")
    K["W2"] = woman("产妇W2", A, birth="1988-05-01", client="ob_b")
    K["W5"] = woman("产妇W5", B, birth="1989-01-10", client="doc_b")
    register("W2", "2025-01-20", "ob_b", card="big", inst=HOSP_B)  # 18+6 weeks, big card at a level-3 hospital
    register("W5", "2025-03-02", "doc_b")  # exactly 13+0 weeks: not early

    # ---- phase 3
    restart("2026-01-15 10:00")
    # antenatal visits: W1 five (6 contacts with the registration) and both tests
    visit("P1", "2025-03-20", "doc_a", sbp=110, dbp=70, labs={"hiv": "negative", "syphilis": "negative"})
    for day in ("2025-04-20", "2025-05-20", "2025-06-20", "2025-07-20"):
        visit("P1", day, "doc_a", sbp=112, dbp=72)
    visit("P2", "2025-07-01", "ob_b", sbp=115, dbp=75, labs={"hiv": "negative"})
    visit("P3", "2025-04-01", "doc_b", sbp=110, dbp=70, labs={"hiv": "negative", "syphilis": "negative"})
    # a referral of W0 before the year (30 minutes to accept)
    refer("P0", "2025-09-25 10:00", "doc_a", [("accepted", "2025-09-25 10:30", "rc_zhongshan", {})])
    # W6: accepted after 12 minutes, arrived after 60
    refer("P6", "2025-10-03 09:00", "doc_a", [("accepted", "2025-10-03 09:12", "rc_zhongshan", {}),
                                              ("in_transit", "2025-10-03 09:20", "rc_zhongshan", {}),
                                              ("arrived", "2025-10-03 10:00", "rc_zhongshan", {})])
    # W2 (lives in A, referred by renji): 20 and 90 minutes
    refer("P2", "2025-10-15 08:00", "ob_b", [("accepted", "2025-10-15 08:20", "rc_zhongshan", {}),
                                             ("in_transit", "2025-10-15 08:30", "rc_zhongshan", {}),
                                             ("arrived", "2025-10-15 09:30", "rc_zhongshan", {})])
    # W4: 5 minutes, never arrived; W5: redirected after 10 minutes, accepted 40 after the request
    refer("P4", "2025-11-01 14:00", "doc_b", [("accepted", "2025-11-01 14:05", "rc_renji", {})])
    refer("P5", "2025-11-02 14:00", "doc_b", [("redirected", "2025-11-02 14:10", "rc_renji",
                                               {"center": "ruijin", "reason": "床位已满"}),
                                              ("accepted", "2025-11-02 14:40", "rc_ruijin", {})])

    K["K0"], = deliver("P0", "2025-09-30 23:00", "ob_a", "spontaneous", [(2, 3300, "live")])
    K["K1"], = deliver("P1", "2025-10-01 00:30", "ob_a", "spontaneous", [(1, 3400, "live")], epidural=True)
    deliver("P6", "2025-10-05 10:00", "ob_a", "spontaneous", [(1, 2900, "stillbirth")])
    K["K7"], = deliver("P7", "2025-10-12 10:00", "ob_a", "caesarean", [(1, 3100, "live")],
                       cs_indication="placenta_previa")
    K["K2"], = deliver("P2", "2025-10-20 10:00", "ob_b", "caesarean", [(2, 2300, "live")],
                       cs_indication="fetal_distress")
    K["K5"], = deliver("P5", "2025-11-07 09:00", "ob_b", "spontaneous", [(1, 2450, "live")], epidural=True)
    K["K3a"], K["K3b"] = deliver("P3", "2025-11-10 08:00", "ob_b", "spontaneous",
                                 [(1, 2400, "live"), (1, 2600, "live")])
    K["K4"], = deliver("P4", "2025-11-20 09:00", "ob_b", "caesarean", [(2, 3000, "live")], cs_indication="none")

    # newborn screening: metabolic with a result for K1 K3a K3b K4 K5 (K2 refused);
    # hearing for K1 K2 (refer) K3b (K7 not done)
    for child, kind, result in (("K1", "metabolic", "negative"), ("K1", "hearing", "negative"),
                                ("K2", "metabolic", "refused"), ("K2", "hearing", "refer"),
                                ("K3a", "metabolic", "negative"), ("K3b", "metabolic", "negative"),
                                ("K3b", "hearing", "negative"), ("K4", "metabolic", "positive"),
                                ("K5", "metabolic", "negative"), ("K7", "hearing", "not_done")):
        client = "ob_a" if child in ("K1", "K7") else "ob_b"
        screen(child, kind, result, client, sampled=None if result in ("refused", "not_done") else "2025-11-25")

    # postpartum: W1 and W3 visited at home within 28 days, W2 after 36, W4 only at 42 days
    pp_visit("P1", "2025-10-08", "home_visit", "doc_a")
    pp_visit("P2", "2025-11-25", "home_visit", "doc_a")
    pp_visit("P3", "2025-11-20", "home_visit", "doc_b")
    pp_visit("P4", "2026-01-01", "day42", "doc_b")

    # deaths
    ok(C["city"].post("/api/v1/critical-events", {"kind": "maternal_death", "woman_id": K["W7"],
                                                  "occurred_at": at("2025-10-20 03:00"), "cause": "羊水栓塞",
                                                  "place": "hospital"}))
    ok(C["city"].post("/api/v1/critical-events", {"kind": "perinatal_death", "child_id": K["K3a"],
                                                  "occurred_at": at("2025-11-13 06:00"), "cause": "新生儿窒息",
                                                  "place": "hospital"}))
    ok(C["city"].post("/api/v1/critical-events", {"kind": "under5_death", "child_id": K["K7"],
                                                  "occurred_at": at("2025-12-20 12:00"), "cause": "肺炎",
                                                  "place": "hospital"}))

    # child checks so far (newborn visits and the first 3-month checks)
    check("K0", "2025-10-05", "doc_a", weight_kg=3.3, length_cm=50)
    check("K1", "2025-10-08", "doc_a", weight_kg=3.5, length_cm=51)
    check("K0", "2025-12-30", "doc_a", weight_kg=5.8, length_cm=59.5)
    check("K1", "2026-01-01", "doc_a", weight_kg=6.4, length_cm=61)

    # ---- phase 4
    restart("2026-08-01 10:00")
    check("K0", "2026-03-30", "doc_a", weight_kg=5.9, length_cm=65.7)  # wasting; the 8-month check is missed
    check("K1", "2026-04-01", "doc_a", weight_kg=7.9, length_cm=67.6)
    check("K1", "2026-06-01", "doc_a", weight_kg=8.6, length_cm=70.6)
    check("K2", "2026-02-01", "doc_a", weight_kg=4.3, length_cm=55.5)  # underweight and stunted; nothing after
    check("K3b", "2026-02-10", "doc_b", weight_kg=6.4, length_cm=61)
    check("K3b", "2026-05-10", "doc_b", weight_kg=10.6, length_cm=66)  # obese
    check("K3b", "2026-07-10", "doc_b", weight_kg=10.8, length_cm=70)  # overweight (latest)
    check("K4", "2026-02-20", "doc_b", weight_kg=5.6)  # weighed, not measured for length


# Every indicator of the year 2026, city-wide: (numerator, denominator).
TOTAL_2026 = {
    "maternal_mortality": (1, 7),
    "infant_mortality": (2, 7),
    "neonatal_mortality": (1, 7),
    "early_neonatal_mortality": (1, 7),
    "perinatal_mortality": (2, 8),
    "under5_mortality": (2, 7),
    "early_registration": (5, 7),
    "antenatal_check": (7, 7),
    "early_check": (5, 7),
    "system_management": (1, 7),
    "postpartum_visit": (2, 7),
    "hospital_delivery": (7, 7),
    "caesarean_rate": (3, 7),
    "high_risk_share": (2, 7),
    "high_risk_management": (1, 2),
    "prenatal_screening": None,
    "hiv_syphilis_testing": (2, 7),
    "metabolic_screening": (5, 7),
    "hearing_screening": (3, 7),
    "newborn_visit": (3, 7),
    "low_birth_weight": (3, 7),
    "preterm_birth": (1, 7),
    "under3_system_management": (2, 6),
    "under7_health_management": (5, 6),
    "under5_underweight": (1, 4),
    "under5_stunting": (1, 4),
    "under5_wasting": (1, 4),
    "under5_overweight": (1, 4),
    "under5_obesity": (0, 4),
    "premarital_exam": None,
    "cs_no_indication": (1, 3),
    "epidural_rate": (2, 4),
}


def setUpModule():
    global S
    S = fuyou.Server()
    try:
        build_city()
    except BaseException:
        S.cleanup()
        S = None
        raise


def tearDownModule():
    global S
    if S is None:
        return
    try:
        S.stop()
        err = S.stderr()
        if "sqlite error" in err or "prepare failed" in err:
            raise AssertionError("the server logged store errors:\n" + err)
    finally:
        S.cleanup()
        S = None


def by_id(items):
    return {i["id"]: i for i in items}


class Base(unittest.TestCase):
    maxDiff = None

    def get(self, client="city", status=200, **query):
        r = C[client].get(PATH, query=query)
        self.assertEqual(r.status, status, r)
        return r.body

    def assert_counts(self, items, expected, where=""):
        got = by_id(items)
        for ind, nd in expected.items():
            x = got[ind]
            if nd is None:
                self.assertEqual((x["collected"], x["numerator"], x["denominator"], x["value"]),
                                 (False, None, None, None), "%s %s" % (where, ind))
                continue
            self.assertEqual((x["numerator"], x["denominator"]), nd, "%s %s" % (where, ind))
            self.assertTrue(x["collected"], ind)
            self.assertEqual(x["small"], nd[0] < 5, "%s %s small" % (where, ind))

    def group(self, body, key):
        for g in body["groups"]:
            if g["key"] == key:
                return g
        self.fail("no group %r in %r" % (key, [g["key"] for g in body["groups"]]))


class T1Totals(Base):
    def test_every_indicator_of_the_year(self):
        b = self.get(year=2026)
        self.assertEqual(b["period"], {"from": "2025-10-01", "to": "2026-09-30"})
        self.assertEqual(len(b["indicators"]), len(TOTAL_2026))
        self.assert_counts(b["indicators"], TOTAL_2026)
        x = by_id(b["indicators"])
        # rates with their multipliers, two decimals
        self.assertEqual(x["maternal_mortality"]["value"], round(1 / 7 * 100000, 2))
        self.assertEqual(x["perinatal_mortality"]["value"], 250.0)
        self.assertEqual(x["caesarean_rate"]["value"], round(3 / 7 * 100, 2))
        self.assertEqual(x["under3_system_management"]["value"], round(2 / 6 * 100, 2))
        self.assertEqual(x["hospital_delivery"]["value"], 100.0)
        # small cells are marked, the others are not
        self.assertTrue(x["maternal_mortality"]["small"])
        self.assertFalse(x["antenatal_check"]["small"])
        self.assertFalse(x["metabolic_screening"]["small"])

    def test_report_year_boundary(self):
        """W0 delivered on 30 September 2025 at 23:00: report year 2025; W1 on
        1 October at 00:30: report year 2026."""
        old = by_id(self.get(year=2025)["indicators"])
        self.assertEqual((old["hospital_delivery"]["numerator"], old["hospital_delivery"]["denominator"]), (1, 1))
        self.assertEqual(old["early_registration"]["denominator"], 1)
        self.assertEqual(old["epidural_rate"]["numerator"], 0)  # W1's epidural is 2026's
        # K0 was born on the last day of 2025: under 3 at its end, never checked by then
        self.assertEqual((old["under3_system_management"]["numerator"],
                          old["under3_system_management"]["denominator"]), (0, 1))
        self.assertEqual((old["under7_health_management"]["numerator"],
                          old["under7_health_management"]["denominator"]), (0, 1))
        self.assertEqual(old["infant_mortality"]["numerator"], 0)
        new = by_id(self.get(year=2026)["indicators"])
        self.assertEqual(new["hospital_delivery"]["denominator"], 7)
        self.assertEqual(new["epidural_rate"]["numerator"], 2)
        # months of the report year: October 2025 is 2026's, September 2025 is 2025's
        oct_ = by_id(self.get(year=2026, month="2025-10")["indicators"])
        self.assertEqual(oct_["early_registration"]["denominator"], 4)  # W1 W6 W7 W2
        self.assertEqual(self.get(year=2026, month="2025-09", status=422)["errors"][0]["field"], "month")
        sep = by_id(self.get(year=2025, month="2025-09")["indicators"])
        self.assertEqual(sep["early_registration"]["denominator"], 1)

    def test_referral_medians(self):
        b = self.get(year=2026)
        m = by_id(b["medians"])["maternal_referral_response"]
        self.assertEqual(m["unit"], "分钟")
        # accepted after 12, 20, 5 and 40 minutes (the redirect does not restart the clock)
        self.assertEqual(m["requested_to_accepted"], {"n": 4, "median": 16, "small": True})
        self.assertEqual(m["requested_to_arrived"], {"n": 2, "median": 75, "small": True})
        old = by_id(self.get(year=2025)["medians"])["maternal_referral_response"]
        self.assertEqual(old["requested_to_accepted"], {"n": 1, "median": 30, "small": True})
        self.assertEqual(old["requested_to_arrived"], {"n": 0, "median": None, "small": True})
        g = self.get(year=2026, by="district")
        med = {k: by_id(self.group(g, k)["medians"])["maternal_referral_response"] for k in (A, B)}
        self.assertEqual(med[A]["requested_to_accepted"]["median"], 16)
        self.assertEqual(med[A]["requested_to_arrived"]["median"], 75)
        self.assertEqual(med[B]["requested_to_accepted"]["median"], 22.5)
        self.assertEqual(med[B]["requested_to_arrived"], {"n": 0, "median": None, "small": True})


class T2Groups(Base):
    def test_residence_and_delivery_district(self):
        """W2 lives in A and delivered in B: A's by residence, B's by delivery."""
        res = self.get(year=2026, by="district")
        self.assertEqual([g["key"] for g in res["groups"]], [A, B])
        self.assert_counts(self.group(res, A)["indicators"], {
            "early_registration": (3, 4),  # W1 W6 W7 early, W2 late
            "maternal_mortality": (1, 3),  # W7 / K1 K2 K7
            "infant_mortality": (1, 3),  # K7
            "neonatal_mortality": (0, 3),
            "perinatal_mortality": (1, 4),  # W6's stillbirth
            "caesarean_rate": (2, 3),
            "low_birth_weight": (1, 3),
            "under7_health_management": (3, 3),  # K0 K1 K2
            "under3_system_management": (1, 3),  # K1
            "under5_underweight": (1, 3),
            "under5_wasting": (1, 3),
        }, A)
        self.assert_counts(self.group(res, B)["indicators"], {
            "early_registration": (2, 3),
            "maternal_mortality": (0, 4),
            "early_neonatal_mortality": (1, 4),  # K3a
            "perinatal_mortality": (1, 4),  # K3a; W6's stillbirth is A's
            "preterm_birth": (1, 4),
            "under7_health_management": (2, 3),  # K3b K4 checked, K5 not
            "under3_system_management": (1, 3),  # K3b
            "under5_overweight": (1, 1),
        }, B)
        dl = self.get(year=2026, by="delivery_district")
        self.assertEqual([g["key"] for g in dl["groups"]], [A, B])
        self.assert_counts(self.group(dl, A)["indicators"], {
            "early_registration": (3, 3),  # W1 W6 W7
            "maternal_mortality": (1, 2),  # W7 delivered at sh6 eight days before
            "infant_mortality": (1, 2),
            "under7_health_management": (2, 2),  # K0 K1 born at sh6
        }, "delivery " + A)
        self.assert_counts(self.group(dl, B)["indicators"], {
            "early_registration": (2, 4),  # W3 W4 early, W2 W5 late
            "caesarean_rate": (2, 5),
            "under7_health_management": (3, 4),  # K2 K3b K4 / K2 K3b K4 K5
        }, "delivery " + B)
        # the totals are the same whichever way the year is cut
        for by in ("district", "delivery_district", "institution", "month", "district_month"):
            self.assert_counts(self.get(year=2026, by=by)["indicators"], TOTAL_2026, by)
        # filters: the residence district, the delivery district
        self.assert_counts(self.get(year=2026, district=A)["indicators"],
                           {"early_registration": (3, 4), "infant_mortality": (1, 3)}, "district=A")
        self.assert_counts(self.get(year=2026, delivery_district=B)["indicators"],
                           {"early_registration": (2, 4), "maternal_mortality": (0, 5)}, "delivery_district=B")

    def test_by_institution(self):
        b = self.get(year=2026, by="institution")
        # the referring community centres have referrals only (their medians)
        self.assertEqual(sorted(g["key"] for g in b["groups"]), sorted([HOSP_A, HOSP_B, CHC_A, CHC_B]))
        chc = self.group(b, CHC_A)
        self.assert_counts(chc["indicators"], {"hospital_delivery": (0, 0), "under7_health_management": (0, 0)})
        self.assertEqual(by_id(chc["medians"])["maternal_referral_response"]["requested_to_accepted"],
                         {"n": 1, "median": 12, "small": True})
        self.assertIn("医院", self.group(b, HOSP_A)["label"])
        self.assert_counts(self.group(b, HOSP_A)["indicators"], {
            "hospital_delivery": (2, 2), "epidural_rate": (1, 2), "cs_no_indication": (0, 1),
            "maternal_mortality": (1, 2), "perinatal_mortality": (1, 3)}, HOSP_A)
        self.assert_counts(self.group(b, HOSP_B)["indicators"], {
            "hospital_delivery": (5, 5), "epidural_rate": (1, 2), "cs_no_indication": (1, 2),
            "metabolic_screening": (4, 5), "hearing_screening": (2, 5)}, HOSP_B)
        self.assert_counts(self.get(year=2026, institution=HOSP_B)["indicators"],
                           {"hospital_delivery": (5, 5), "newborn_visit": (2, 5)}, "institution=renji")

    def test_by_month(self):
        b = self.get(year=2026, by="month")
        self.assertEqual([g["key"] for g in b["groups"]],
                         ["2025-%02d" % m for m in (10, 11, 12)] + ["2026-%02d" % m for m in range(1, 10)])
        self.assert_counts(self.group(b, "2025-10")["indicators"], {
            "early_registration": (3, 4), "hospital_delivery": (3, 3), "perinatal_mortality": (1, 4),
            "maternal_mortality": (1, 3),
            # children of the month's end (K0 K1 K7 K2), checked in October (K0 K1)
            "under7_health_management": (2, 4),
            "under3_system_management": (2, 4),  # no window due yet: seen at least once
            "under5_wasting": (0, 2),  # the newborn visits of K0 and K1
        }, "2025-10")
        self.assert_counts(self.group(b, "2025-11")["indicators"], {
            "early_registration": (2, 3), "hospital_delivery": (4, 4), "early_neonatal_mortality": (1, 4),
            "under7_health_management": (0, 7),  # K3a died on 13 November
        }, "2025-11")
        self.assert_counts(self.group(b, "2025-12")["indicators"], {
            "hospital_delivery": (0, 0), "infant_mortality": (1, 0), "neonatal_mortality": (0, 0),
            "under7_health_management": (1, 6),  # K7 died on 20 December; K0 checked on the 30th
        }, "2025-12")
        self.assertIsNone(by_id(self.group(b, "2025-12")["indicators"])["infant_mortality"]["value"])
        # a month of the grouping is that month on its own
        self.assert_counts(self.get(year=2026, month="2025-12")["indicators"],
                           {"under7_health_management": (1, 6), "infant_mortality": (1, 0)}, "month=2025-12")
        dm = self.get(year=2026, by="district_month")
        self.assert_counts(self.group(dm, A + "|2025-10")["indicators"],
                           {"early_registration": (3, 4), "maternal_mortality": (1, 3)}, "A|2025-10")
        self.assertTrue(self.group(dm, A + "|2025-10")["label"].endswith("2025-10"))

    def test_small_cells(self):
        b = self.get(year=2026, by="district")
        for g in b["groups"]:
            for x in g["indicators"]:
                if x["collected"]:
                    self.assertEqual(x["small"], x["numerator"] < 5, (g["key"], x))
                else:
                    self.assertFalse(x["small"])


class T3Scope(Base):
    def test_district_admin_sees_her_district(self):
        mine = self.get("xh_admin", year=2026)
        self.assertEqual(mine["filters"]["district"], A)
        self.assert_counts(mine["indicators"], {"early_registration": (3, 4), "infant_mortality": (1, 3),
                                                "under7_health_management": (3, 3)}, "xh_admin")
        self.assertEqual(self.get("xh_admin", year=2026, district=A)["indicators"], mine["indicators"])
        for q in ({"district": B}, {"delivery_district": B}):
            r = C["xh_admin"].get(PATH, query=dict(q, year=2026))
            self.assertEqual(r.status, 403, r)
            self.assertTrue(fuyou.has_zh_en(r.body["detail"]), r)
            r = C["xh_admin"].get(PATH + "/export.csv", query=dict(q, year=2026))
            self.assertEqual(r.status, 403, r)
        # her own district as the delivery district: the deliveries there
        self.assert_counts(self.get("xh_admin", year=2026, delivery_district=A)["indicators"],
                           {"early_registration": (3, 3)}, "xh_admin delivery A")

    def test_hospital_sees_its_deliveries(self):
        b = self.get("ob_a", year=2026)
        self.assertEqual(b["filters"]["institution"], HOSP_A)
        self.assert_counts(b["indicators"], {"early_registration": (3, 3), "hospital_delivery": (2, 2)}, "ob_a")
        r = C["ob_a"].get(PATH, query={"year": 2026, "institution": HOSP_B})
        self.assertEqual(r.status, 403, r)

    def test_refusals(self):
        for q, field in (({"year": "1999"}, "year"), ({"year": "20x6"}, "year"), ({"by": "county"}, "by"),
                         ({"district": "999999"}, "district"), ({"month": "2026-13"}, "month"),
                         ({"institution": "nowhere"}, "institution")):
            r = C["city"].get(PATH, query=q)
            self.assertEqual(r.status, 422, (q, r))
            self.assertIn(field, fuyou.problem_errors(r), r)


class T4Exports(Base):
    def test_csv(self):
        r = C["city"].get(PATH + "/export.csv", query={"year": 2026})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["Content-Type"].startswith("text/csv"), r.headers)
        self.assertIn("fuyou-indicators-2026.csv", r.headers["Content-Disposition"])
        text = r.body
        self.assertTrue(text.startswith("\ufeff"), text[:20])
        rows = list(csv.reader(io.StringIO(text[1:])))
        self.assertEqual(rows[0], ["统计年度", "分组", "分组代码", "分组名称", "指标代码", "指标名称", "分子", "分母", "率",
                                   "单位", "备注"])
        sheets = []
        for row in rows[1:]:
            if row[1] not in sheets:
                sheets.append(row[1])
        self.assertEqual(sheets, ["全市合计", "按居住区", "按分娩区", "按月份", "按分娩机构", "按区和月份"])
        total = {row[4]: row for row in rows[1:] if row[1] == "全市合计"}
        # small cells suppressed: the count hidden, no rate
        self.assertEqual(total["maternal_mortality"][6:9], ["<5", "7", ""])
        self.assertIn("小数值已隐去", total["maternal_mortality"][10])
        self.assertEqual(total["hospital_delivery"][6:9], ["7", "7", "100.00"])
        self.assertEqual(total["early_registration"][6:9], ["5", "7", "71.43"])
        self.assertEqual(total["prenatal_screening"][6:9], ["", "", ""])
        med = total["maternal_referral_response.requested_to_accepted"]
        self.assertEqual(med[6], "<5")
        self.assertEqual(med[8], "")
        # no small numerator anywhere in the file
        for row in rows[1:]:
            if row[6] not in ("", "<5"):
                self.assertGreaterEqual(int(row[6]), 5, row)
        resid = {(row[2], row[4]): row for row in rows[1:] if row[1] == "按居住区"}
        self.assertEqual(resid[(A, "early_registration")][3], "徐汇区")
        self.assertEqual(resid[(A, "early_registration")][6:8], ["<5", "4"])

    def test_xlsx(self):
        r = C["city"].request("GET", PATH + "/export.xlsx", query={"year": 2026})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        data = r.body if isinstance(r.body, bytes) else r.body.encode("latin-1")
        self.assertTrue(data.startswith(b"PK"))
        z = zipfile.ZipFile(io.BytesIO(data))
        self.assertIsNone(z.testzip())
        wb = z.read("xl/workbook.xml").decode("utf-8")
        names = re.findall(r'<sheet name="([^"]+)"', wb)
        self.assertEqual(names, ["全市合计", "按居住区", "按分娩区", "按月份", "按分娩机构", "按区和月份"])
        sheets = [n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        self.assertEqual(len(sheets), 6)
        strings = re.findall(r"<t[^>]*>([^<]*)</t>", z.read("xl/sharedStrings.xml").decode("utf-8"))
        for s in ("分组代码", "指标名称", "分子", "分母", "&lt;5", "maternal_mortality", "310104|2025-10"):
            self.assertIn(s, strings)
        self.assertTrue(any(s.startswith("小数值已隐去") for s in strings))
        # the city sheet: maternal mortality's numerator is "<5", its denominator 7
        sheet1 = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
        idx = {s: i for i, s in enumerate(strings)}
        row = None
        for m in re.finditer(r"<row [^>]*>(.*?)</row>", sheet1):
            if re.search(r'<c r="C\d+"[^>]*t="s"[^>]*><v>%d</v>' % idx["maternal_mortality"], m.group(1)):
                row = m.group(1)
        self.assertIsNotNone(row)
        self.assertRegex(row, r'<c r="E\d+"[^>]*t="s"[^>]*><v>%d</v>' % idx["&lt;5"])
        self.assertRegex(row, r'<c r="F\d+"[^>]*><v>7</v>')
        self.assertNotRegex(row, r'<c r="G\d+"')


if __name__ == "__main__":
    unittest.main()
