"""Bad input (issue 9, item 7): every POST, PUT and PATCH route of the server
gets, from one table (SPECS), valid bodies with one thing broken at a time:
each field of the wrong type, missing when required, out of range, 100 kB
long, SQL-looking ("'; DROP TABLE women; --") and HTML-looking
("<script>alert(1)</script>"); and the body as a whole empty, an array, a
scalar, invalid UTF-8 (raw bytes, overlong forms, surrogates, escaped NUL
and lone surrogates), malformed, with a duplicate or unknown member, deeply
nested, with numbers no machine holds, announced larger than 1 MiB. Route
ids in the path are mangled too.

Each refusal must be a 4xx application/problem+json with a Chinese and an
English text, naming the field when a field is the cause, with no raw "<"
in the reply bytes; nothing may answer 5xx; and a refused request must not
change the database: PRAGMA data_version of a reader is unchanged across
each request, and tests/api/fuyou.py's table_digests() is equal before and
after each route's batch.

Where a SQL- or HTML-looking string is a legal value of a free-text field
(a note, an address, a reason, a name without a character rule) the write
must succeed: the value is stored and returned verbatim (in the reply, or
read back), the reply escapes it (no raw "<" in its bytes), and the
database is otherwise intact (no table lost, no table lost rows).

The list of routes comes from the binary (`fuyou routes`): a POST, PUT or
PATCH route without an entry in SPECS fails the test. Runs the real binary
($FUYOU_BIN) on a fresh database; see fuyou.py.
"""

import datetime
import json
import os
import re
import sqlite3
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuyou  # noqa: E402

SQL = "'; DROP TABLE women; --"
HTML = "<script>alert(1)</script>"
LONG = "长" * 34000  # 102 kB of UTF-8

D1 = "310104"
CHC = "310104-chc-1"
HOSP = "sh6"
RC = "zhongshan"
MCH = "310104-mch"

USERS = {
    "doc": ("community_doctor", CHC, None),
    "ob": ("obstetrician", HOSP, None),
    "rc": ("rescue_center", RC, None),
    "da": ("district_admin", None, D1),
    "city": ("city_admin", None, None),
    "sys": ("sys_admin", None, None),
    "probe": ("community_doctor", CHC, None),
}

SH = datetime.timezone(datetime.timedelta(hours=8))


def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def iso_utc(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def day(offset=0):
    return (datetime.datetime.now(SH).date() + datetime.timedelta(days=offset)).isoformat()


# --------------------------------------------------------------------------
# fixtures


class Fix:
    """Logged-in users and builders of new records in their scope (the
    community doctor's centre, the obstetrician's hospital, 徐汇)."""

    def __init__(self, srv):
        self.s = srv
        self.c = {}
        self.seq = 0

    def setup(self):
        for name, (role, inst, dist) in USERS.items():
            self.s.add_user(name, role, institution=inst, district=dist)
            self.c[name] = self.s.client(name)
        r = self.c["city"].get("/api/v1/rescue-network")  # seeds version 1 (a write) before any check
        assert r.status == 200, r
        for inst, letter in ((HOSP, "A"), (MCH, "E")):
            self.ok(self.c["city"].post("/api/v1/certificate-blocks",
                                        {"institution_id": inst, "letter": letter, "first": 1, "last": 99999}), 201)

    @staticmethod
    def ok(r, status=None):
        if (status and r.status != status) or not 200 <= r.status < 300:
            raise AssertionError("fixture: %r" % (r,))
        return r.body

    def next(self):
        self.seq += 1
        return self.seq

    def woman(self, by="doc"):
        idn = fuyou.resident_id()
        w = self.ok(self.c[by].post("/api/v1/women", {
            "name": "李芳", "id_type": "resident_id", "id_number": idn, "phone": fuyou.phone(),
            "residence_district": D1, "address": "徐汇区示例路1号"}), 201)
        return {"woman": w["id"], "idn": idn, "version": w["version"]}

    def pregnancy(self, lmp_days=60, by="doc"):
        x = self.woman(by)
        p = self.ok(self.c["doc"].post("/api/v1/pregnancies", {
            "woman_id": x["woman"], "lmp": day(-lmp_days), "card": "small", "institution_id": CHC, "gravidity": 1,
            "parity": 0, "height_cm": 160, "weight_kg": 55}), 201)
        x["preg"] = p["id"]
        return x

    def delivered(self):
        x = self.pregnancy(275)
        self.ok(self.c["ob"].post("/api/v1/pregnancies/%s/delivery" % x["preg"], {
            "delivered_at": iso_utc(now() - datetime.timedelta(hours=30)), "institution_id": HOSP,
            "mode": "spontaneous", "babies": [{"sex": 1, "weight_g": 3300, "length_cm": 50, "outcome": "live"}]}),
            201)
        kids = self.ok(self.c["city"].get("/api/v1/children", query={"mother_id": x["woman"]}), 200)
        x["child"] = kids["items"][0]["id"]
        return x

    def mother(self, x):
        return {"name": "李芳", "nationality": "中国", "ethnicity": "汉族", "id_type": "resident_id",
                "id_number": x["idn"], "address": "徐汇区示例路1号"}

    def applied(self):
        x = self.delivered()
        a = self.ok(self.c["ob"].post("/api/v1/birth-certificates", {
            "child_id": x["child"], "child_name": "王小明", "mother": self.mother(x)}), 201)
        x["cert"] = a["id"]
        return x

    def issued(self):
        x = self.applied()
        i = self.ok(self.c["ob"].post("/api/v1/birth-certificates/%s/issue" % x["cert"]), 200)
        x["number"] = i["number"]
        s = self.ok(self.c["city"].get("/api/v1/birth-services", query={"child_id": x["child"]}), 200)
        x["service"] = s["items"][0]["id"]
        return x

    def screening(self):
        x = self.delivered()
        s = self.ok(self.c["doc"].post("/api/v1/children/%s/screenings" % x["child"], {
            "kind": "metabolic", "result": "positive", "sampled_at": day(0)}), 201)
        x["screening"] = s["id"]
        return x

    def referral(self):
        x = self.pregnancy()
        r = self.ok(self.c["doc"].post("/api/v1/referrals", {
            "kind": "maternal", "type": "referral", "pregnancy_id": x["preg"], "reason": "重度子痫前期",
            "urgency": "urgent"}), 201)
        x["referral"] = r["id"]
        return x

    def event(self):
        x = self.woman()
        e = self.ok(self.c["doc"].post("/api/v1/critical-events", {
            "kind": "critical_maternal", "woman_id": x["woman"],
            "occurred_at": iso_utc(now() - datetime.timedelta(days=2)), "cause": "产后出血", "place": "产房"}), 201)
        x["event"] = e["id"]
        return x

    def block(self):
        n = self.next() * 100
        b = self.ok(self.c["city"].post("/api/v1/certificate-blocks", {
            "institution_id": HOSP, "letter": "Z", "first": n, "last": n + 9}), 201)
        return {"block": b["id"]}

    def etag(self, path):
        r = self.c["city"].get(path)
        assert r.status == 200, r
        return r.headers.get("ETag")

    def network(self):
        r = self.c["city"].get("/api/v1/rescue-network")
        assert r.status == 200, r
        return r.body

    def audit(self, **q):
        return self.ok(self.c["city"].get("/api/v1/audit", query=dict(q, page_size="100")), 200)


# --------------------------------------------------------------------------
# the table of routes and fields
#
# A field: (path, kind, options). path names a member ("mother.name",
# "babies[0].weight_g") as the server names it in its errors. kinds:
#   str     a string; min/max characters; free=True when any text is legal
#   int     an integer min..max          num   a number min..max
#   bool    true/false                   date  YYYY-MM-DD
#   instant a date-time                  when  a date or a date-time
#   enum    one of a list                id    a record id (integer or digits)
#   obj     an object                    arr   an array
#   codes   an array of codes            texts a text or an array of texts (free)
#   strs    an array of texts (free)     any   any JSON (only its size is bounded)
#   bound   a certificate number bound   vision  a visual acuity
# req=True: required (a missing-field case).


def F(path, kind, **opts):
    return (path, kind, opts)


ANC = {"weight_kg": (30, 200), "sbp": (60, 260), "dbp": (30, 160), "fundal_height_cm": (5, 50),
       "abdominal_circumference_cm": (50, 160), "fetal_heart_rate": (60, 220), "hb_g_l": (30, 200),
       "plt_10e9_l": (1, 1000), "creatinine_umol_l": (10, 1500), "creatinine_uln_umol_l": (30, 200),
       "spo2_percent": (50, 100), "ef_percent": (10, 90), "pasp_mmhg": (10, 150), "fasting_glucose_mmol_l": (1.5, 35)}
LABS = ("hb_g_l", "plt_10e9_l", "creatinine_umol_l", "creatinine_uln_umol_l", "spo2_percent", "ef_percent",
        "pasp_mmhg", "fasting_glucose_mmol_l")
LAB_RESULTS = [F("labs", "obj"), F("labs.hiv", "enum"), F("labs.syphilis", "enum"), F("labs.hbsag", "enum")]


def parent_fields(prefix, req):
    return [F(prefix, "obj", req=req), F(prefix + ".name", "str", min=1, max=50, free=True, req=True),
            F(prefix + ".nationality", "str", min=1, max=50, free=True, req=True),
            F(prefix + ".ethnicity", "str", min=1, max=20, free=True, req=True),
            F(prefix + ".id_type", "enum", req=True), F(prefix + ".id_number", "str", min=1, max=30, req=True),
            F(prefix + ".address", "str", min=1, max=200, free=True, req=True), F(prefix + ".birth_date", "date"),
            F(prefix + ".phone", "str", min=1, max=20, free=True)]


class Spec:
    """One route: who sends it, on which new record (target), the path, a
    valid body, extra headers, its fields, and where a stored free text can
    be read back when the reply does not show it."""

    def __init__(self, user, target, path, body, fields, headers=None, empty_ok=False, readback=None,
                 credentials=False, id_params=()):
        self.user, self.target, self.path, self.body = user, target, path, body
        self.fields, self.headers, self.empty_ok = fields, headers, empty_ok
        self.readback, self.credentials, self.id_params = readback, credentials, id_params


def audit_of(resource, key):
    return lambda f, t, reply: f.audit(resource=resource, resource_id=str(t[key]))


SPECS = {
    ("POST", "/api/v1/auth/login"): Spec(
        None, lambda f: {}, lambda t: "/api/v1/auth/login",
        lambda f, t: {"username": "probe", "password": fuyou.PASSWORD},
        [F("username", "str", min=1, max=64, req=True), F("password", "str", min=1, max=256, req=True)],
        credentials=True),
    ("POST", "/api/v1/auth/logout"): None,  # takes no body: TestLogout
    ("POST", "/api/v1/women"): Spec(
        "doc", lambda f: {}, lambda t: "/api/v1/women",
        lambda f, t: {"name": "王芳", "id_type": "resident_id", "id_number": fuyou.resident_id(),
                      "phone": fuyou.phone(), "residence_district": D1, "household_district": D1,
                      "address": "徐汇区示例路1号"},
        [F("name", "str", min=1, max=50, free=True, req=True), F("id_type", "enum", req=True),
         F("id_number", "str", min=1, max=30, req=True), F("birth_date", "date"),
         F("phone", "str", min=1, max=20, req=True), F("residence_district", "str", min=1, max=6, req=True),
         F("household_district", "str", min=1, max=6), F("address", "str", min=1, max=200, free=True, req=True)]),
    ("PATCH", "/api/v1/women/{id}"): Spec(
        "doc", lambda f: f.woman(), lambda t: "/api/v1/women/%s" % t["woman"],
        lambda f, t: {"name": "王芳", "phone": fuyou.phone(), "residence_district": D1, "household_district": D1,
                      "address": "徐汇区示例路2号"},
        [F("name", "str", min=1, max=50, free=True), F("phone", "str", min=1, max=20),
         F("residence_district", "str", min=1, max=6), F("household_district", "str", min=1, max=6),
         F("address", "str", min=1, max=200, free=True)],
        headers=lambda f, t: {"If-Match": f.etag("/api/v1/women/%s" % t["woman"])}, id_params=("woman",)),
    ("POST", "/api/v1/pregnancies"): Spec(
        "doc", lambda f: f.woman(), lambda t: "/api/v1/pregnancies",
        lambda f, t: {"woman_id": t["woman"], "lmp": day(-60), "card": "small", "institution_id": CHC,
                      "gravidity": 2, "parity": 1, "previous_caesareans": 0, "other_uterine_operations": 0,
                      "previous_miscarriages": 0, "assisted_reproduction": False, "fetuses": 1, "height_cm": 160,
                      "weight_kg": 55, "dating": "lmp", "declared_factors": []},
        [F("woman_id", "id", req=True), F("lmp", "date", req=True), F("card", "enum", req=True),
         F("institution_id", "str", min=1, max=64, req=True), F("gravidity", "int", min=1, max=20, req=True),
         F("parity", "int", min=0, max=15, req=True), F("previous_caesareans", "int", min=0, max=10),
         F("other_uterine_operations", "int", min=0, max=10), F("last_uterine_surgery_date", "date"),
         F("previous_miscarriages", "int", min=0, max=20), F("assisted_reproduction", "bool"),
         F("fetuses", "int", min=1, max=6), F("height_cm", "num", min=120, max=200, req=True),
         F("weight_kg", "num", min=30, max=200, req=True), F("dating", "enum"), F("ultrasound_edd", "date"),
         F("declared_factors", "codes")]),
    ("POST", "/api/v1/pregnancies/{id}/big-card"): Spec(
        "ob", lambda f: f.pregnancy(), lambda t: "/api/v1/pregnancies/%s/big-card" % t["preg"],
        lambda f, t: {"institution_id": HOSP}, [F("institution_id", "str", min=1, max=64)], empty_ok=True,
        id_params=("preg",)),
    ("POST", "/api/v1/pregnancies/{id}/visits"): Spec(
        "doc", lambda f: f.pregnancy(), lambda t: "/api/v1/pregnancies/%s/visits" % t["preg"],
        lambda f, t: {"date": day(0), "weight_kg": 58, "sbp": 112, "dbp": 72, "fundal_height_cm": 12,
                      "fetal_heart_rate": 140, "presentation": "cephalic", "edema": "none",
                      "urine_protein": "negative", "hb_g_l": 120,
                      "labs": {"hiv": "negative", "syphilis": "negative", "hbsag": "negative"},
                      "declared_factors": [], "notes": "一切正常", "next_appointment": day(14)},
        [F("date", "date", req=True)] + [F(k, "num", min=a, max=b) for k, (a, b) in ANC.items()] +
        [F("presentation", "enum"), F("edema", "enum"), F("urine_protein", "enum")] + LAB_RESULTS +
        [F("declared_factors", "codes"), F("notes", "str", min=0, max=2000, free=True),
         F("next_appointment", "date")], id_params=("preg",)),
    ("POST", "/api/v1/pregnancies/{id}/labs"): Spec(
        "doc", lambda f: f.pregnancy(), lambda t: "/api/v1/pregnancies/%s/labs" % t["preg"],
        lambda f, t: {"date": day(0), "hb_g_l": 118, "plt_10e9_l": 210,
                      "labs": {"hiv": "negative", "syphilis": "negative", "hbsag": "negative"}, "notes": "复查"},
        [F("date", "date", req=True)] + [F(k, "num", min=ANC[k][0], max=ANC[k][1]) for k in LABS] + LAB_RESULTS +
        [F("notes", "str", min=0, max=2000, free=True)], id_params=("preg",)),
    ("POST", "/api/v1/pregnancies/{id}/continuation"): Spec(
        "ob", lambda f: f.pregnancy(by="ob"), lambda t: "/api/v1/pregnancies/%s/continuation" % t["preg"],
        lambda f, t: {"suitable": True, "assessed_by": "张医生", "senior_title": "主任医师", "advice": "加强监测",
                      "woman_decision": "继续妊娠"},
        [F("suitable", "bool", req=True), F("assessed_by", "str", min=1, max=50, free=True, req=True),
         F("senior_title", "str", min=1, max=50, free=True), F("advice", "str", min=1, max=2000, free=True, req=True),
         F("woman_decision", "str", min=1, max=500, free=True, req=True)], id_params=("preg",)),
    ("POST", "/api/v1/pregnancies/{id}/delivery"): Spec(
        "ob", lambda f: f.pregnancy(275), lambda t: "/api/v1/pregnancies/%s/delivery" % t["preg"],
        lambda f, t: {"delivered_at": iso_utc(now() - datetime.timedelta(hours=1)), "institution_id": HOSP,
                      "mode": "spontaneous", "epidural": False, "blood_loss_ml": 300, "complications": ["会阴裂伤"],
                      "babies": [{"sex": 1, "weight_g": 3300, "length_cm": 50, "head_cm": 34, "apgar_1": 9,
                                  "apgar_5": 10, "outcome": "live", "defects": []}]},
        [F("delivered_at", "instant", req=True), F("institution_id", "str", min=1, max=64),
         F("mode", "enum", req=True), F("cs_indication", "str", min=1, max=200), F("epidural", "bool"),
         F("blood_loss_ml", "int", min=0, max=10000), F("complications", "texts"), F("babies", "arr", req=True),
         F("babies[0]", "obj"), F("babies[0].sex", "int", min=1, max=9, req=True),
         F("babies[0].weight_g", "int", min=300, max=7000, req=True), F("babies[0].length_cm", "num", min=20, max=65),
         F("babies[0].head_cm", "num", min=15, max=45), F("babies[0].apgar_1", "int", min=0, max=10),
         F("babies[0].apgar_5", "int", min=0, max=10), F("babies[0].outcome", "enum", req=True),
         F("babies[0].defects", "texts")],
        readback=lambda f, t, reply: f.c["city"].get("/api/v1/children", query={"mother_id": t["woman"]}).body,
        id_params=("preg",)),
    ("POST", "/api/v1/pregnancies/{id}/close"): Spec(
        "doc", lambda f: f.pregnancy(), lambda t: "/api/v1/pregnancies/%s/close" % t["preg"],
        lambda f, t: {"outcome": "moved_out", "date": day(0), "note": "迁出本市"},
        [F("outcome", "enum", req=True), F("date", "date", req=True), F("note", "str", min=0, max=2000, free=True)],
        readback=audit_of("pregnancy", "preg"), id_params=("preg",)),
    ("POST", "/api/v1/pregnancies/{id}/postpartum-visits"): Spec(
        "doc", lambda f: f.delivered(), lambda t: "/api/v1/pregnancies/%s/postpartum-visits" % t["preg"],
        lambda f, t: {"date": day(0), "kind": "home_visit", "sbp": 110, "dbp": 70, "findings": "恢复良好",
                      "epds_score": 5, "declared_factors": []},
        [F("date", "date", req=True), F("kind", "enum", req=True), F("sbp", "num", min=60, max=260),
         F("dbp", "num", min=30, max=160), F("findings", "str", min=0, max=2000, free=True),
         F("epds_score", "int", min=0, max=30), F("declared_factors", "codes")], id_params=("preg",)),
    ("POST", "/api/v1/appointments"): Spec(
        "doc", lambda f: f.pregnancy(), lambda t: "/api/v1/appointments",
        lambda f, t: {"pregnancy_id": t["preg"], "institution_id": CHC, "date": day(7)},
        [F("pregnancy_id", "id", req=True), F("institution_id", "str", min=1, max=64, req=True),
         F("date", "date", req=True)]),
    ("PATCH", "/api/v1/children/{id}"): Spec(
        "doc", lambda f: f.delivered(), lambda t: "/api/v1/children/%s" % t["child"],
        lambda f, t: {"name": "王小明"}, [F("name", "str", min=1, max=29, req=True)],
        headers=lambda f, t: {"If-Match": f.etag("/api/v1/children/%s" % t["child"])}, id_params=("child",)),
    ("POST", "/api/v1/children/{id}/checks"): Spec(
        "doc", lambda f: f.delivered(), lambda t: "/api/v1/children/%s/checks" % t["child"],
        lambda f, t: {"date": day(0), "weight_kg": 3.4, "length_cm": 50, "measured": "recumbent", "head_cm": 34,
                      "hb_g_l": 160, "teeth_erupted": 0, "caries": 0, "vision_left": "normal",
                      "vision_right": "normal", "hearing": "pass", "illnesses": "无", "advice": "母乳喂养",
                      "notes": "一般情况好", "next_date": day(28)},
        [F("date", "date", req=True), F("weight_kg", "num", min=0.5, max=60), F("length_cm", "num", min=30, max=150),
         F("measured", "enum"), F("head_cm", "num", min=20, max=65), F("hb_g_l", "num", min=30, max=250),
         F("teeth_erupted", "int", min=0, max=20), F("caries", "int", min=0, max=20), F("vision_left", "vision"),
         F("vision_right", "vision"), F("hearing", "enum"), F("warning_signs", "obj"),
         F("illnesses", "str", min=0, max=1000, free=True), F("advice", "str", min=0, max=1000, free=True),
         F("notes", "str", min=0, max=2000, free=True), F("next_date", "date")], id_params=("child",)),
    ("POST", "/api/v1/children/{id}/autism"): Spec(
        "doc", lambda f: f.delivered(), lambda t: "/api/v1/children/%s/autism" % t["child"],
        lambda f, t: {"step": "first_screen", "date": day(0), "result": "negative", "detail": "未见异常",
                      "notes": "常规初筛"},
        [F("step", "enum", req=True), F("date", "date", req=True), F("institution_id", "str", min=1, max=64),
         F("instrument", "enum"), F("score", "int", min=0, max=23), F("result", "enum", req=True),
         F("detail", "str", min=1, max=1000, free=True), F("notes", "str", min=0, max=2000, free=True)],
        id_params=("child",)),
    ("POST", "/api/v1/children/{id}/screenings"): Spec(
        "doc", lambda f: f.delivered(), lambda t: "/api/v1/children/%s/screenings" % t["child"],
        lambda f, t: {"kind": "hearing", "panel": "OAE", "sampled_at": day(0), "result": "negative",
                      "details": {"ear": "both"}},
        [F("kind", "enum", req=True), F("result", "enum", req=True), F("panel", "str", min=1, max=100, free=True),
         F("sampled_at", "when"), F("details", "any")], id_params=("child",)),
    ("POST", "/api/v1/children/{id}/screenings/{sid}/diagnosis"): Spec(
        "doc", lambda f: f.screening(),
        lambda t: "/api/v1/children/%s/screenings/%s/diagnosis" % (t["child"], t["screening"]),
        lambda f, t: {"date": day(0), "diagnosis": "先天性甲状腺功能减低症", "confirmed": True},
        [F("date", "date", req=True), F("diagnosis", "str", min=1, max=500, free=True, req=True),
         F("confirmed", "bool", req=True)], id_params=("child", "screening")),
    ("POST", "/api/v1/certificate-blocks"): Spec(
        "city", lambda f: {}, lambda t: "/api/v1/certificate-blocks",
        lambda f, t: (lambda n: {"institution_id": HOSP, "letter": "Q", "first": n, "last": n + 9})(f.next() * 100),
        [F("institution_id", "str", min=1, max=64, req=True), F("letter", "str", min=1, max=1, req=True),
         F("first", "bound", req=True), F("last", "bound", req=True)]),
    ("POST", "/api/v1/certificate-blocks/{id}/void-next"): Spec(
        "city", lambda f: f.block(), lambda t: "/api/v1/certificate-blocks/%s/void-next" % t["block"],
        lambda f, t: {"reason": "空白证污损"}, [F("reason", "str", min=2, max=500, free=True, req=True)],
        readback=lambda f, t, reply: f.audit(resource="certificate_number", resource_id=reply["number"]),
        id_params=("block",)),
    ("POST", "/api/v1/birth-certificates"): Spec(
        "ob", lambda f: f.delivered(), lambda t: "/api/v1/birth-certificates",
        lambda f, t: {"child_id": t["child"], "child_name": "王小明", "mother": f.mother(t),
                      "father": {"name": "王强", "nationality": "中国", "ethnicity": "汉族", "id_type": "resident_id",
                                 "id_number": fuyou.resident_id(female=False, birth="19850305"),
                                 "address": "徐汇区示例路1号"},
                      "applicant": {"name": "李芳", "relation": "母亲"}},
        [F("child_id", "id", req=True), F("child_name", "str", min=1, max=64, req=True)] +
        parent_fields("mother", True) + parent_fields("father", False) + [F("applicant", "texts_or_obj")]),
    ("POST", "/api/v1/birth-certificates/{id}/issue"): Spec(
        "ob", lambda f: f.applied(), lambda t: "/api/v1/birth-certificates/%s/issue" % t["cert"],
        lambda f, t: {}, [], empty_ok=True, id_params=("cert",)),
    ("POST", "/api/v1/birth-certificates/{id}/replace"): Spec(
        "ob", lambda f: f.issued(), lambda t: "/api/v1/birth-certificates/%s/replace" % t["cert"],
        lambda f, t: {"reason": "出生时间有误", "corrections": {"child_name": "王小红"}},
        [F("reason", "str", min=2, max=500, free=True, req=True), F("corrections", "obj"),
         F("corrections.child_name", "str", min=1, max=64), F("corrections.mother", "obj")], id_params=("cert",)),
    ("POST", "/api/v1/birth-certificates/{id}/reissue"): Spec(
        "da", lambda f: f.issued(), lambda t: "/api/v1/birth-certificates/%s/reissue" % t["cert"],
        lambda f, t: {"reason": "原证遗失"}, [F("reason", "str", min=2, max=500, free=True, req=True)],
        id_params=("cert",)),
    ("POST", "/api/v1/birth-certificates/{id}/void"): Spec(
        "ob", lambda f: f.issued(), lambda t: "/api/v1/birth-certificates/%s/void" % t["cert"],
        lambda f, t: {"reason": "信息错误"}, [F("reason", "str", min=2, max=500, free=True, req=True)],
        id_params=("cert",)),
    ("POST", "/api/v1/birth-services/{id}/steps/{step}"): Spec(
        "sys", lambda f: f.issued(), lambda t: "/api/v1/birth-services/%s/steps/household_registration" % t["service"],
        lambda f, t: {"status": "sent", "detail": "已推送公安户籍"},
        [F("status", "enum", req=True), F("detail", "str", min=0, max=1000, free=True)], id_params=("service",)),
    ("PUT", "/api/v1/rescue-network"): Spec(
        "city", lambda f: {}, lambda t: "/api/v1/rescue-network",
        lambda f, t: dict(f.network(), effective=day(0), label="bad-input-%d" % f.next()),
        [F("effective", "date", req=True), F("label", "str", min=1, max=64, free=True),
         F("note", "str", min=0, max=2000, free=True), F("source", "str", min=0, max=2000, free=True),
         F("routing_rule", "str", min=0, max=2000, free=True), F("routing_rule_zh", "str", min=0, max=2000, free=True),
         F("sample", "bool"), F("routing_order", "arr"), F("routing_order[0]", "enum"),
         F("maternal", "arr", req=True), F("newborn", "arr", req=True), F("maternal[0]", "obj"),
         F("maternal[0].center", "str", min=1, max=64), F("maternal[0].districts", "arr"),
         F("newborn[0].districts[0]", "str", min=6, max=6)]),
    ("POST", "/api/v1/referrals"): Spec(
        "doc", lambda f: f.pregnancy(), lambda t: "/api/v1/referrals",
        lambda f, t: {"kind": "maternal", "type": "referral", "pregnancy_id": t["preg"], "reason": "重度子痫前期",
                      "urgency": "urgent", "indications": [], "at": iso_utc(now() - datetime.timedelta(minutes=10)),
                      "from_institution_id": CHC, "note": "请尽快接收"},
        [F("kind", "enum", req=True), F("type", "enum", req=True), F("pregnancy_id", "id", req=True),
         F("reason", "str", min=1, max=2000, free=True, req=True), F("urgency", "enum", req=True),
         F("indications", "codes"), F("at", "instant"), F("requested_at", "instant"),
         F("from_institution_id", "str", min=1, max=64), F("note", "str", min=0, max=2000, free=True)]),
    ("POST", "/api/v1/referrals/{id}/transitions"): Spec(
        "rc", lambda f: f.referral(), lambda t: "/api/v1/referrals/%s/transitions" % t["referral"],
        lambda f, t: {"to": "accepted"},
        [F("to", "enum", req=True), F("note", "str", min=0, max=2000, free=True), F("at", "instant"),
         F("reason", "str", min=1, max=2000, free=True), F("center", "str", min=1, max=64),
         F("outcome", "enum")], id_params=("referral",)),
    ("POST", "/api/v1/critical-events"): Spec(
        "doc", lambda f: f.woman(), lambda t: "/api/v1/critical-events",
        lambda f, t: {"kind": "critical_maternal", "woman_id": t["woman"],
                      "occurred_at": iso_utc(now() - datetime.timedelta(hours=5)),
                      "reported_at": iso_utc(now() - datetime.timedelta(hours=4)), "cause": "产后出血",
                      "place": "产房"},
        [F("kind", "enum", req=True), F("woman_id", "id", req=True), F("child_id", "id"),
         F("occurred_at", "instant", req=True), F("reported_at", "instant"),
         F("cause", "str", min=1, max=1000, free=True, req=True),
         F("place", "str", min=1, max=200, free=True, req=True)]),
    ("POST", "/api/v1/critical-events/{id}/review"): Spec(
        "da", lambda f: f.event(), lambda t: "/api/v1/critical-events/%s/review" % t["event"],
        lambda f, t: {"reviewed_at": iso_utc(now() - datetime.timedelta(minutes=1)), "panel": ["王主任", "李主任"],
                      "conclusion": "处置及时", "preventability": "unpreventable", "factors": ["转诊及时"]},
        [F("reviewed_at", "when", req=True), F("panel", "texts", req=True),
         F("conclusion", "str", min=1, max=4000, free=True, req=True), F("preventability", "enum", req=True),
         F("factors", "strs")], id_params=("event",)),
}

# --------------------------------------------------------------------------
# cases


def wrong_values(kind, o):
    """(label, value) pairs of the wrong type or out of range for a kind."""
    v = []
    if kind in ("str",):
        v += [("integer", 123), ("boolean", True), ("array", ["x"]), ("object", {"a": "b"})]
    elif kind == "int":
        v += [("string digits", "5"), ("text", "abc"), ("boolean", True), ("fraction", 1.5), ("array", [1]),
              ("object", {}), ("below min", o["min"] - 1), ("above max", o["max"] + 1), ("huge", 2 ** 62),
              ("very negative", -2 ** 62)]
    elif kind == "num":
        v += [("string digits", "5"), ("text", "abc"), ("boolean", False), ("array", [1]), ("object", {}),
              ("below min", o["min"] - 1), ("above max", o["max"] + 1), ("huge", 1e300), ("very negative", -1e300)]
    elif kind == "bool":
        v += [("string", "true"), ("integer", 1), ("array", [True]), ("object", {})]
    elif kind == "date":
        v += [("integer", 20240101), ("boolean", True), ("array", ["2024-01-01"]), ("no such day", "2023-02-30"),
              ("slashes", "2024/01/01"), ("words", "昨天"), ("year 0", "0000-01-01")]
    elif kind == "instant":
        v += [("integer", 1700000000000), ("boolean", True), ("array", []), ("month 13", "2024-13-01T00:00:00Z"),
              ("words", "just now")]
    elif kind == "when":
        v += [("integer", 1700000000000), ("boolean", True), ("array", []), ("month 13", "2024-13-01"),
              ("words", "yesterday")]
    elif kind == "enum":
        v += [("integer", 1), ("boolean", True), ("array", []), ("object", {}), ("unknown", "bogus"),
              ("upper case", "NEGATIVE")]
    elif kind == "id":
        v += [("text", "abc"), ("zero", 0), ("negative", -5), ("fraction", 1.5), ("boolean", True), ("array", [1]),
              ("object", {}), ("digits and text", "12abc"), ("too long", "9" * 30)]
    elif kind == "obj":
        v += [("string", "x"), ("integer", 1), ("boolean", True), ("array", [])]
    elif kind == "arr":
        v += [("string", "x"), ("integer", 1), ("object", {})]
    elif kind == "codes":
        v += [("string", "x"), ("integer", 1), ("object", {}), ("unknown code", ["no_such_code"]),
              ("number element", [1]), ("too many", ["x"] * 100)]
    elif kind == "texts":
        v += [("integer", 1), ("boolean", True), ("object", {}), ("number element", [1]), ("too many", ["x"] * 100),
              ("long element", [LONG])]
    elif kind == "strs":
        v += [("string", "x"), ("integer", 1), ("object", {}), ("number element", [1]), ("too many", ["x"] * 100),
              ("long element", [LONG])]
    elif kind == "texts_or_obj":
        v += [("integer", 1), ("boolean", True), ("array", []), ("nested object", {"name": {"x": 1}})]
    elif kind == "bound":
        v += [("text", "abc"), ("boolean", True), ("fraction", 1.5), ("negative", -1), ("ten digits", 1000000000),
              ("eight digits", "12345678"), ("array", [1]), ("object", {})]
    elif kind == "vision":
        v += [("boolean", True), ("array", []), ("text", "bogus"), ("zero", 0), ("too good", 99)]
    elif kind == "any":
        pass
    else:
        raise KeyError(kind)
    return v


def long_value(kind):
    if kind in ("str", "date", "instant", "when", "enum", "id", "bound", "vision"):
        return LONG
    if kind in ("texts", "texts_or_obj"):
        return LONG
    if kind == "any":
        return LONG
    return None




def legal_text(kind, o, value):
    """Whether a SQL- or HTML-looking string is a legal value of the field."""
    if kind in ("texts", "texts_or_obj", "strs", "any"):
        return True
    if kind == "str" and o.get("free"):
        n = len(value.strip())
        return o.get("min", 0) <= n <= o["max"]
    return False


def wrap_text(kind, value):
    """The SQL/HTML text as the field's value (arrays of texts get it as an
    element, codes as a code)."""
    if kind in ("codes", "strs"):
        return [value]
    return value


_SEG = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _parts(path):
    return [int(i) if i else k for k, i in _SEG.findall(path)]


def set_path(body, path, value, delete=False):
    parts = _parts(path)
    cur = body
    for p in parts[:-1]:
        if isinstance(p, int):
            cur = cur[p]
        else:
            if p not in cur or not isinstance(cur[p], (dict, list)):
                cur[p] = {}
            cur = cur[p]
    last = parts[-1]
    if delete:
        if isinstance(cur, dict):
            cur.pop(last, None)
        return body
    if isinstance(last, int):
        while len(cur) <= last:
            cur.append(None)
    cur[last] = value
    return body


def parent_present(body, path):
    """Whether the object holding path exists in the valid body (a nested
    field of an absent optional object is not tested)."""
    parts = _parts(path)
    cur = body
    for p in parts[:-1]:
        try:
            cur = cur[p]
        except (KeyError, IndexError, TypeError):
            return False
        if cur is None:
            return False
    return True


def names(r, path):
    """Whether the problem names the field (or a member of it)."""
    for f in fuyou.problem_errors(r):
        if f == path or (f or "").startswith(path + ".") or (f or "").startswith(path + "["):
            return True
    return False


def contains(tree, value, substring=False):
    if isinstance(tree, str):
        return value in tree if substring else tree == value
    if isinstance(tree, dict):
        return any(contains(v, value, substring) for v in tree.values())
    if isinstance(tree, list):
        return any(contains(v, value, substring) for v in tree)
    return False


def nested(depth):
    v = "x"
    for _ in range(depth):
        v = [v]
    return v


# --------------------------------------------------------------------------


class Reply(fuyou.Response):
    pass


class _Headers(dict):
    def get(self, k, d=None):
        return dict.get(self, k.lower(), d)


def send(token, method, path, body, headers=None):
    """One request over a bare socket: body is bytes (sent as is) or None
    with an announced length (int) in headers. Returns (Response, raw text)."""
    h = {"Host": "%s:%d" % (S.host, S.port), "Connection": "close", "Content-Type": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    h.update(headers or {})
    if "Content-Length" not in h:
        h["Content-Length"] = str(len(body or b""))
    head = "%s %s HTTP/1.1\r\n%s\r\n" % (method, path, "".join("%s: %s\r\n" % kv for kv in h.items()))
    status, hdrs, text = fuyou.raw_exchange(S.host, S.port, head, [body] if body else [])
    parsed = text
    if "json" in hdrs.get("content-type", ""):
        try:
            parsed = json.loads(text)
        except ValueError:
            pass
    return Reply(status, _Headers(hdrs), parsed), text


def jbytes(body):
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


S = None
FX = None


def setUpModule():
    global S, FX
    S = fuyou.Server(serve_args=["--job-interval", "3600"])
    S.start()
    FX = Fix(S)
    FX.setup()


def tearDownModule():
    global S
    if S is None:
        return
    try:
        S.stop()
        p = S.cli("audit", "verify")
        if p.returncode != 0:
            raise AssertionError("audit chain broken: %s %s" % (p.stdout, p.stderr))
    finally:
        S.cleanup()
        S = None


def write_routes():
    p = S.cli("routes", db=False)
    assert p.returncode == 0, p.stderr
    out = []
    for line in p.stdout.splitlines():
        m, path = line.split()[:2]
        if m in ("POST", "PUT", "PATCH"):
            out.append((m, path))
    return out


class Runner:
    def __init__(self, t):
        self.t = t
        self.problems = []
        self.cases = 0
        self.reader = sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(S.db), uri=True, timeout=10,
                                      isolation_level=None)

    def dv(self):
        return self.reader.execute("PRAGMA data_version").fetchone()[0]

    def token(self, spec):
        return FX.c[spec.user].token if spec.user else None

    def refused(self, where, spec, path, body, headers, field=None, statuses=None, changes_ok=()):
        """Sends and checks a refusal."""
        self.cases += 1
        before = self.dv()
        r, raw = send(self.token(spec), spec.method, path, body, headers)
        after = self.dv()
        self.check_refusal(where, r, raw, field, statuses)
        if after != before and not changes_ok:
            self.problems.append("%s: a refused request (%d) changed the database" % (where, r.status))
        return r

    def check_refusal(self, where, r, raw, field=None, statuses=None):
        if r.status >= 500:
            self.problems.append("%s: server error %r" % (where, r))
            return
        if statuses and r.status not in statuses:
            self.problems.append("%s: expected %s, got %r" % (where, "/".join(map(str, statuses)), r))
            return
        if not 400 <= r.status < 500:
            self.problems.append("%s: expected a 4xx refusal, got %r" % (where, r))
            return
        if not (r.headers.get("Content-Type") or "").startswith("application/problem+json"):
            self.problems.append("%s: %d not problem+json: %r" % (where, r.status, r))
            return
        b = r.body if isinstance(r.body, dict) else {}
        if b.get("status") != r.status or not fuyou.has_zh_en(b.get("detail")) or not fuyou.has_zh_en(b.get("title")):
            self.problems.append("%s: problem without status or Chinese and English text: %r" % (where, r))
        for e in b.get("errors", []):
            if not fuyou.has_zh_en(e.get("message")):
                self.problems.append("%s: field message not Chinese and English: %r" % (where, e))
        if field and not names(r, field):
            self.problems.append("%s: the problem does not name %s: %r" % (where, field, r))
        if "<" in raw:
            self.problems.append("%s: raw '<' in the reply" % where)

    def legal(self, where, spec, key, fpath, value):
        """A SQL/HTML text in a free-text field: stored and shown verbatim,
        escaped, and nothing else lost."""
        self.cases += 1
        t = spec.target(FX)
        body = spec.body(FX, t)
        set_path(body, fpath, value)
        headers = spec.headers(FX, t) if spec.headers else None
        counts = S.table_counts()
        r, raw = send(self.token(spec), spec.method, spec.path(t), jbytes(body), headers)
        if not 200 <= r.status < 300:
            self.problems.append("%s: a legal free text was refused: %r" % (where, r))
            return
        if "<" in raw:
            self.problems.append("%s: raw '<' in the reply (not escaped)" % where)
        text = value if isinstance(value, str) else value[0]
        shown = contains(r.body, text)
        if not shown and spec.readback:
            back = spec.readback(FX, t, r.body)
            shown = contains(back, text, substring=True)
        if not shown:
            self.problems.append("%s: the stored text is not shown verbatim: %r" % (where, r))
        after = S.table_counts()
        lost = [n for n in counts if after.get(n, -1) < counts[n]]
        if lost:
            self.problems.append("%s: tables lost rows or vanished: %s" % (where, lost))

    def route(self, key, spec):
        spec.method = key[0]
        # the valid body succeeds (so each refusal below is for what was broken)
        t0 = spec.target(FX)
        h0 = spec.headers(FX, t0) if spec.headers else None
        r, raw = send(self.token(spec), key[0], spec.path(t0), jbytes(spec.body(FX, t0)), h0)
        if not 200 <= r.status < 300:
            self.problems.append("%s: the valid body was refused: %r" % (fmt(key), r))
            return
        t = spec.target(FX)
        headers = spec.headers(FX, t) if spec.headers else None
        path = spec.path(t)
        base = spec.body(FX, t)
        digests = S.table_digests()
        cred_changes = ()
        # ---- one field at a time
        legal_cases = []
        for fpath, kind, o in spec.fields:
            present = parent_present(base, fpath)
            if not present:
                continue
            where = "%s %s" % (fmt(key), fpath)
            for label, v in wrong_values(kind, o):
                b = set_path(json.loads(json.dumps(base)), fpath, v)
                self.refused("%s = %s" % (where, label), spec, path, jbytes(b), headers, field=fpath,
                             statuses=(422,))
            lv = long_value(kind)
            if lv is not None:
                b = set_path(json.loads(json.dumps(base)), fpath, lv)
                self.refused("%s = 100 kB" % where, spec, path, jbytes(b), headers, field=fpath, statuses=(422,))
            if o.get("req"):
                b = set_path(json.loads(json.dumps(base)), fpath, None, delete=True)
                self.refused("%s missing" % where, spec, path, jbytes(b), headers, field=fpath, statuses=(422,))
                b = set_path(json.loads(json.dumps(base)), fpath, None)
                self.refused("%s null" % where, spec, path, jbytes(b), headers, field=fpath, statuses=(422,))
            b = set_path(json.loads(json.dumps(base)), fpath, nested(500))
            if kind not in ("any",):
                self.refused("%s nested 500 deep" % where, spec, path, jbytes(b), headers, field=fpath,
                             statuses=(422,))
            # SQL- and HTML-looking text in every field: legal in free text,
            # a wrong type or value elsewhere
            for tname, text in (("SQL", SQL), ("HTML", HTML)):
                if legal_text(kind, o, text):
                    legal_cases.append(("%s = %s" % (where, tname), fpath, wrap_text(kind, text)))
                elif spec.credentials:
                    # a name or password that is no one's: 401, and the
                    # failure is recorded (audit, lockout) by design
                    cred_changes = ("audit", "login_failures")
                    self.refused("%s = %s" % (where, tname), spec, path,
                                 jbytes(set_path(json.loads(json.dumps(base)), fpath, text)), headers,
                                 statuses=(401,), changes_ok=cred_changes)
                else:
                    b = set_path(json.loads(json.dumps(base)), fpath, wrap_text(kind, text))
                    self.refused("%s = %s" % (where, tname), spec, path, jbytes(b), headers, field=fpath,
                                 statuses=(422,))
        # ---- the body as a whole
        valid = jbytes(base)
        if spec.empty_ok:
            pass  # an empty body is a valid request here (the sanity case covers it)
        else:
            self.refused("%s empty body" % fmt(key), spec, path, b"", headers, statuses=(400,))
        cases = [
            ("array", b"[]"), ("array of the body", b"[" + valid + b"]"), ("null", b"null"), ("number", b"42"),
            ("string", b'"x"'), ("raw invalid UTF-8", valid[:-1] + b',"\xff\xfe":"\xc3\x28"}'),
            ("overlong UTF-8", b'{"a":"\xc0\xaf"}'), ("UTF-8 surrogate", b'{"a":"\xed\xa0\x80"}'),
            ("escaped NUL", b'{"a":"x\\u0000y"}'), ("lone surrogate escape", b'{"a":"\\ud800"}'),
            ("truncated", valid[: len(valid) // 2]), ("missing value", b'{"a":}'), ("trailing garbage", valid + b" x"),
            ("duplicate member", valid[:-1] + b"," + valid[1:] if len(base) else b'{"a":1,"a":2}'),
            ("nested 100000 deep", b"[" * 100000 + b"]" * 100000),
            ("nested objects 5000 deep", b'{"a":' * 5000 + b"1" + b"}" * 5000),
            ("number overflow", valid[:-1] + (b"," if len(base) else b"") + b'"n":1e400}'),
            ("integer overflow", valid[:-1] + (b"," if len(base) else b"") + b'"n":123456789012345678901234567890}'),
            ("NaN", b'{"a":NaN}'), ("single quotes", b"{'a':1}"), ("comment", b'{"a":1 /* x */}'),
        ]
        for label, raw_body in cases:
            self.refused("%s %s" % (fmt(key), label), spec, path, raw_body, headers, statuses=(400,))
        self.refused("%s announced 2 MB" % fmt(key), spec, path, None, dict(headers or {}, **{"Content-Length":
                                                                                              "2000000"}),
                     statuses=(413,))
        b = json.loads(valid)
        b[HTML] = 1
        self.refused("%s unknown member" % fmt(key), spec, path, jbytes(b), headers, field=HTML[:47], statuses=(422,))
        b = json.loads(valid)
        b["zz_" + "x" * 5000] = 1
        self.refused("%s unknown long member" % fmt(key), spec, path, jbytes(b), headers, statuses=(422,))
        b = dict(json.loads(valid), **{"k%d" % i: i for i in range(20000)})
        self.refused("%s 20000 unknown members" % fmt(key), spec, path, jbytes(b), headers, statuses=(422,))
        # ---- headers
        if headers and "If-Match" in headers:
            bare = {k: v for k, v in headers.items() if k != "If-Match"}
            self.refused("%s without If-Match" % fmt(key), spec, path, valid, bare, statuses=(428,))
            for label, etag in (("garbage", HTML), ("stale", '"987654"'), ("unquoted", "1"), ("huge", '"' + "9" * 40
                                                                                                + '"')):
                self.refused("%s If-Match %s" % (fmt(key), label), spec, path, valid, dict(bare, **{"If-Match": etag}),
                             statuses=(412,))
        if key[0] == "POST" and spec.user:
            for label, k in (("too long", "k" * 200), ("control bytes", "a\tb"), ("non-ASCII", "键")):
                self.refused("%s Idempotency-Key %s" % (fmt(key), label), spec, path, valid,
                             dict(headers or {}, **{"Idempotency-Key": k.encode("utf-8").decode("latin-1")}),
                             field="Idempotency-Key", statuses=(422,))
        # ---- ids in the path
        for i, pkey in enumerate(spec.id_params):
            for label, bad in (("text", "abc"), ("zero", "0"), ("negative", "-1"), ("too long", "9" * 25),
                               ("unknown", "987654321"), ("html", "%3Cscript%3E"), ("sql", "1%27%3B%20DROP")):
                tt = dict(t)
                tt[pkey] = bad
                self.refused("%s path %s %s" % (fmt(key), pkey, label), spec, spec.path(tt), valid, headers,
                             statuses=(404,))
        after = S.table_digests()
        changed = sorted(n for n in digests if after.get(n) != digests[n] and n not in cred_changes)
        if changed:
            self.problems.append("%s: refusals changed tables %s" % (fmt(key), changed))
        # ---- legal free texts
        for where, fpath, value in legal_cases:
            self.legal(where, spec, key, fpath, value)


def fmt(key):
    return "%s %s" % key


class BadInput(unittest.TestCase):
    maxDiff = None

    def test_every_write_route_has_a_spec(self):
        missing = sorted(fmt(k) for k in write_routes() if k not in SPECS)
        self.assertEqual(missing, [], "POST/PUT/PATCH routes without a bad-input spec")
        extra = sorted(fmt(k) for k in SPECS if k not in write_routes())
        self.assertEqual(extra, [], "specs for routes the server does not serve")

    def test_bad_input(self):
        run = Runner(self)
        for key in write_routes():
            spec = SPECS.get(key)
            if spec is None:
                continue
            run.route(key, spec)
        print("bad input: %d cases on %d routes" % (run.cases, len([k for k in SPECS if SPECS[k]])))
        self.assertEqual(run.problems, [], "\n" + "\n".join(run.problems))

    def test_logout_takes_no_body(self):
        """Logout reads no body: whatever is sent, the session ends and
        nothing else changes; no 5xx."""
        for label, body in (("empty", b""), ("array", b"[]"), ("invalid UTF-8", b'{"a":"\xff"}'),
                            ("nested", b"[" * 100000 + b"]" * 100000), ("html", jbytes({"x": HTML}))):
            c = S.client("probe")
            r, raw = send(c.token, "POST", "/api/v1/auth/logout", body)
            self.assertEqual(r.status, 200, (label, r))
            self.assertNotIn("<", raw)
            self.assertEqual(c.get("/api/v1/me").status, 401, label)


if __name__ == "__main__":
    prog = unittest.main(exit=False, verbosity=2)
    res = prog.result
    bad = len(res.failures) + len(res.errors) + len(res.unexpectedSuccesses)
    print("test_bad_input: %d tests, %d failures, %d errors — %s" % (
        res.testsRun, len(res.failures), len(res.errors), "OK" if not bad else "FAILED"))
    sys.exit(1 if bad else 0)
