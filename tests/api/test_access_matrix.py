"""The access-control matrix (issue 9, item 6): every endpoint × every role ×
relation → the expected status, in ONE table (MATRIX below), exercised
against the real binary ($FUYOU_BIN) on a fresh database; see fuyou.py.

Routes. The list of endpoints comes from the binary itself: `fuyou routes`
prints the route table the server serves (METHOD PATTERN ROLES PUBLIC, from
api_routes()). The test fails when a route is missing from MATRIX or from
REQUESTS (how each endpoint is exercised), or when either names a route the
binary does not serve. The table must also agree with each route's role
mask: a role outside the mask is 403 in every relation; a public route
answers without a token and every other one 401.

Relations. For a record (a woman and what hangs on her: pregnancies,
children, certificates, referrals, critical events):
  own                the record is the user's: her own (citizen), served by
                     the user's institution (staff), living in the user's
                     district (district admin); any record for city/sys admin;
  other_institution  a woman of the same district (徐汇 310104) served only by
                     other institutions of that district;
  other_district     a woman of 浦东 (310115) served only by its institutions.
Where the record is an institution's (certificate number blocks, indicators
by institution, a rescue centre's work list) "own" names the user's
institution (or district), the others one of the same district and one of
the other district. Routes that take no record answer alike in every
relation: their row has one status per role and they are sent once.

Fixtures. Reads run on a shared world per (role, relation): a woman with a
delivered pregnancy, a child, an issued birth certificate and its birth
one-stop record, a positive screening, a referral and a critical event.
Every write that the role may attempt runs on records built for that cell
alone (a fresh woman, pregnancy, child, certificate, referral …), so a write
cannot change what another cell sees (several writes make the acting
institution one that serves the woman: registration, big card, delivery,
child checks, autism records, referrals, critical events) and a 2xx cell is
a write that really succeeds with valid input. A 403 cell must be an
authorization refusal (its problem type is one of AUTHZ_TYPES), every
refusal is problem+json in Chinese and English, and a refused request must
not commit anything (PRAGMA data_version of a reader is unchanged). Lists
filtered to one record (women by ID number, pregnancies, children,
referrals and critical events by person) must show it exactly when the
record itself may be read.
"""

import datetime
import os
import re
import sqlite3
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuyou  # noqa: E402

ROLES = ("citizen", "community_doctor", "obstetrician", "rescue_center", "district_admin", "city_admin", "sys_admin")
RELS = ("own", "other_institution", "other_district")

# The one table. Columns: anonymous (no token), then the seven roles. A cell
# is one status for every relation or own/other_institution/other_district.
MATRIX = """
# method path                                            anon citizen     comm_doctor obstetrician rescue_ctr  distr_admin city sys
GET    /api/v1/health                                     200 200         200         200         200         200         200  200
GET    /api/v1/districts                                  200 200         200         200         200         200         200  200
GET    /api/v1/institutions                               200 200         200         200         200         200         200  200
POST   /api/v1/auth/login                                 200 200         200         200         200         200         200  200
POST   /api/v1/auth/logout                                401 200         200         200         200         200         200  200
GET    /api/v1/me                                         401 200         200         200         200         200         200  200
POST   /api/v1/women                                      401 403         201         201         201         201         201  201
GET    /api/v1/women                                      401 200         200         200         200         200         200  200
GET    /api/v1/women/{id}                                 401 200/403/403 200/403/403 200/403/403 200/403/403 200/200/403 200  200
PATCH  /api/v1/women/{id}                                 401 200/403/403 200/403/403 200/403/403 200/403/403 200/200/403 200  200
GET    /api/v1/audit                                      401 403         403         403         403         403         200  200
POST   /api/v1/pregnancies                                401 201/403/403 201         201         403         403         403  403
GET    /api/v1/pregnancies                                401 200         200         200         200         200         200  200
GET    /api/v1/pregnancies/{id}                           401 200/403/403 200/403/403 200/403/403 200/403/403 200/200/403 200  200
POST   /api/v1/pregnancies/{id}/big-card                  401 403         403         201         403         403         403  403
POST   /api/v1/pregnancies/{id}/visits                    401 403         201/403/403 201/403/403 201/403/403 403         403  403
POST   /api/v1/pregnancies/{id}/labs                      401 403         201/403/403 201/403/403 201/403/403 403         403  403
POST   /api/v1/pregnancies/{id}/continuation              401 403         403         201/403/403 201/403/403 403         403  403
GET    /api/v1/risk/criteria                              200 200         200         200         200         200         200  200
POST   /api/v1/pregnancies/{id}/delivery                  401 403         403         201         403         403         403  403
POST   /api/v1/pregnancies/{id}/close                     401 403         200/403/403 200/403/403 200/403/403 200/200/403 403  403
POST   /api/v1/pregnancies/{id}/postpartum-visits         401 403         201/403/403 201/403/403 403         403         403  403
GET    /api/v1/guidance/registration                      200 200         200         200         200         200         200  200
GET    /api/v1/appointments                               401 403         200/403/403 200/403/403 200/403/403 200/200/403 200  200
POST   /api/v1/appointments                               401 201/403/403 201/403/403 201/403/403 403         403         403  403
GET    /api/v1/worklists/high-risk                        401 403         200         200         200         200         200  200
GET    /api/v1/worklists/overdue                          401 403         200         200         200         200         200  200
GET    /api/v1/worklists/postpartum                       401 403         200         200         200         200         200  200
GET    /api/v1/children                                   401 200         200         200         200         200         200  200
GET    /api/v1/children/{id}                              401 200/403/403 200/403/403 200/403/403 200/403/403 200/200/403 200  200
PATCH  /api/v1/children/{id}                              401 200/403/403 200/403/403 200/403/403 403         403         403  403
GET    /api/v1/children/{id}/schedule                     401 200/403/403 200/403/403 200/403/403 200/403/403 200/200/403 200  200
POST   /api/v1/children/{id}/checks                       401 403         201         201         201         403         403  403
GET    /api/v1/children/{id}/checks                       401 200/403/403 200/403/403 200/403/403 200/403/403 200/200/403 200  200
GET    /api/v1/children/{id}/growth                       401 200/403/403 200/403/403 200/403/403 200/403/403 200/200/403 200  200
POST   /api/v1/children/{id}/autism                       401 403         201         201         201         201/201/403 403  403
GET    /api/v1/children/{id}/autism                       401 200/403/403 200/403/403 200/403/403 200/403/403 200/200/403 200  200
GET    /api/v1/worklists/child-overdue                    401 403         200         200         200         200         200  200
GET    /api/v1/worklists/development                      401 403         200         200         200         200         200  200
GET    /api/v1/growth/zscores                             200 200         200         200         200         200         200  200
GET    /api/v1/child-schedule                             200 200         200         200         200         200         200  200
GET    /api/v1/development/warning-signs                  200 200         200         200         200         200         200  200
POST   /api/v1/children/{id}/screenings                   401 403         201/403/403 201/403/403 201/403/403 403         403  403
GET    /api/v1/children/{id}/screenings                   401 200/403/403 200/403/403 200/403/403 200/403/403 200/200/403 200  200
POST   /api/v1/children/{id}/screenings/{sid}/diagnosis   401 403         200/403/403 200/403/403 200/403/403 200/200/403 403  403
GET    /api/v1/worklists/screening-recall                 401 403         200         200         200         200         200  403
GET    /api/v1/screening/panels                           200 200         200         200         200         200         200  200
POST   /api/v1/certificate-blocks                         401 403         403         403         403         403         201  403
GET    /api/v1/certificate-blocks                         401 403         200/403/403 200/403/403 200/403/403 200         200  200
POST   /api/v1/certificate-blocks/{id}/void-next          401 403         403         200/403/403 200/403/403 403         200  403
POST   /api/v1/birth-certificates                         401 201/403/403 201/403/403 201/403/403 201/403/403 403         403  403
GET    /api/v1/birth-certificates                         401 200/403/403 200/403/403 200/403/403 200/403/403 200/200/403 200  403
GET    /api/v1/birth-certificates/{id}                    401 200/403/403 200/403/403 200/403/403 200/403/403 200/200/403 200  403
GET    /api/v1/birth-certificates/{id}/pdf                401 200/403/403 200/403/403 200/403/403 200/403/403 200/200/403 200  403
POST   /api/v1/birth-certificates/{id}/issue              401 403         403         200/403/403 200/403/403 403         403  403
POST   /api/v1/birth-certificates/{id}/replace            401 403         403         201/403/403 201/403/403 201/201/403 201  403
POST   /api/v1/birth-certificates/{id}/reissue            401 403         403         403         403         201/201/403 201  403
POST   /api/v1/birth-certificates/{id}/void               401 200/403/403 403         200/403/403 200/403/403 200/200/403 200  403
GET    /api/v1/public/birth-certificates/verify           200 200         200         200         200         200         200  200
GET    /api/v1/birth-services                             401 200/403/403 200/403/403 200/403/403 200/403/403 200/200/403 200  200
GET    /api/v1/birth-services/{id}                        401 200/403/403 200/403/403 200/403/403 200/403/403 200/200/403 200  200
POST   /api/v1/birth-services/{id}/steps/{step}           401 403         403         403         403         403         403  200
GET    /api/v1/indicators                                 401 403         200/403/403 200/403/403 200/403/403 200/200/403 200  200
GET    /api/v1/indicators/export.csv                      401 403         200/403/403 200/403/403 200/403/403 200/200/403 200  200
GET    /api/v1/indicators/export.xlsx                     401 403         200/403/403 200/403/403 200/403/403 200/200/403 200  200
GET    /api/v1/rescue-network                             401 200         200         200         200         200         200  200
PUT    /api/v1/rescue-network                             401 403         403         403         403         403         200  403
GET    /api/v1/rescue-network/indications                 401 200         200         200         200         200         200  200
GET    /api/v1/rescue-network/metrics                     401 403         403         403         200         200         200  200
POST   /api/v1/referrals                                  401 403         201         201         201         403         403  403
GET    /api/v1/referrals                                  401 403         200         200         200         200         200  200
GET    /api/v1/referrals/{id}                             401 403         200/403/403 200/403/403 200/403/403 200/200/403 200  200
POST   /api/v1/referrals/{id}/transitions                 401 403         200/403/403 200/403/403 200/403/403 403         403  403
GET    /api/v1/worklists/referrals                        401 403         200         200         200/403/403 200         200  200
POST   /api/v1/critical-events                            401 403         201         201         201         201/201/403 201  201
GET    /api/v1/critical-events                            401 403         200         200         200         200         200  200
GET    /api/v1/critical-events/{id}                       401 403         200/403/403 200/403/403 200/403/403 200/200/403 200  200
POST   /api/v1/critical-events/{id}/review                401 403         403         403         403         200/200/403 200  200
GET    /api/v1/worklists/reviews                          401 403         403         403         403         200         200  200
"""

# Where a refusal is an authorization refusal: the problem types that a 403
# cell may carry (a 403 for any other reason, or a 422, means the request was
# refused for its input, and the cell proves nothing).
AUTHZ_TYPES = {
    "forbidden", "out_of_scope", "other_institution", "not_self", "not_issuer", "not_delivery_hospital",
    "not_mch_institute", "other_center", "not_your_step", "no_institution",
}

# Why some cells read as they do (the rules live in src/api and domain.md §1):
# - registration, big card, delivery, child checks, autism records (staff),
#   referrals and critical event reports make the acting institution one
#   that serves the woman before the scope check, so staff get 201 in every
#   relation there (a woman may walk into any clinic); visits, labs,
#   continuation, close, screenings and postpartum visits need her served.
# - certificate actions follow the institution on the certificate: issue
#   and void by the delivery hospital, replace by the issuer, reissue by a
#   district MCH institute or an admin; a community health centre delivers
#   nothing and holds no number block, so its doctor's "own" cells are 403.
# - sys_admin is the birth one-stop's service account: steps yes,
#   certificates and their ID numbers no.

D1, D2 = "310104", "310115"  # 徐汇 (the users' district), 浦东 (the other)
CHC_OWN = "310104-chc-1"  # the community doctor's centre
CHC_OI = "310104-chc-2"  # another centre of 徐汇
CHC_D2 = "310115-chc-1"
H_OWN = "sh6"  # the obstetrician's hospital (徐汇); maternal rescue for no district of the sample
RC_OWN = "zhongshan"  # the rescue-centre user's centre: maternal centre of 徐汇, also a delivery hospital
H_OI = "ipmch"  # another delivery hospital of 徐汇 (and its newborn centre)
H_D2 = "sfmch"  # a delivery hospital of 浦东
RC_D2 = "renji"  # the maternal centre of 浦东
MCH_D1, MCH_D2 = "310104-mch", "310115-mch"

# username -> (role, institution, district): the matrix users, then helpers
# that build fixtures in the other institutions.
USERS = {
    "m_citizen": None,  # created with her woman record (world("citizen", "own"))
    "m_doc": ("community_doctor", CHC_OWN, None),
    "m_ob": ("obstetrician", H_OWN, None),
    "m_rc": ("rescue_center", RC_OWN, None),
    "m_da": ("district_admin", None, D1),
    "m_city": ("city_admin", None, None),
    "m_sys": ("sys_admin", None, None),
    "h_doc_oi": ("community_doctor", CHC_OI, None),
    "h_ob_oi": ("obstetrician", H_OI, None),
    "h_doc_d2": ("community_doctor", CHC_D2, None),
    "h_ob_d2": ("obstetrician", H_D2, None),
    "h_ob_zs": ("obstetrician", RC_OWN, None),
    "probe": ("community_doctor", CHC_OWN, None),  # logs in for the login row
}
ROLE_USER = dict(zip(ROLES, ("m_citizen", "m_doc", "m_ob", "m_rc", "m_da", "m_city", "m_sys")))
INSTITUTION = {"community_doctor": CHC_OWN, "obstetrician": H_OWN, "rescue_center": RC_OWN}
STAFF = ("community_doctor", "obstetrician", "rescue_center")

SH = datetime.timezone(datetime.timedelta(hours=8))


def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def today():
    return datetime.datetime.now(SH).date()


def iso_utc(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def day(offset=0):
    return (today() + datetime.timedelta(days=offset)).isoformat()


# --------------------------------------------------------------------------
# the table


def parse_matrix(text):
    """{(method, pattern): {"anon": int, role: (own, oi, od)}}; raises on a
    malformed row."""
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 3 + len(ROLES):
            raise ValueError("matrix row needs method, path, anon and %d roles: %r" % (len(ROLES), line))
        key = (parts[0], parts[1])
        if key in out:
            raise ValueError("matrix row twice: %s %s" % key)
        row = {"anon": int(parts[2])}
        for role, cell in zip(ROLES, parts[3:]):
            st = [int(x) for x in cell.split("/")]
            if len(st) == 1:
                st = st * 3
            if len(st) != 3:
                raise ValueError("cell %r of %s %s: one status or own/other_institution/other_district" %
                                 (cell, key[0], key[1]))
            row[role] = tuple(st)
        out[key] = row
    return out


# --------------------------------------------------------------------------
# the world


class World:
    """Users, logged-in clients and fixtures. world() is the shared, read-only
    record set of a (role, relation); the other builders make new records."""

    def __init__(self, srv):
        self.s = srv
        self.c = {}
        self.worlds = {}
        self.block_seq = 0
        self.reader = None

    # -- users --

    def setup(self):
        for name, spec in USERS.items():
            if spec:
                role, inst, dist = spec
                self.s.add_user(name, role, institution=inst, district=dist)
                self.c[name] = self.s.client(name)
        self.city = self.c["m_city"]
        # the first read seeds the rescue network (a write): before any check
        r = self.city.get("/api/v1/rescue-network")
        assert r.status == 200, r
        for inst, letter in ((H_OWN, "A"), (RC_OWN, "B"), (H_OI, "C"), (H_D2, "D"), (MCH_D1, "E"), (MCH_D2, "F")):
            r = self.city.post("/api/v1/certificate-blocks",
                               {"institution_id": inst, "letter": letter, "first": 1, "last": 99999})
            assert r.status == 201, r
        own = self.world("citizen", "own")
        self.c["m_citizen"] = own["client"]
        self.reader = sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(self.s.db), uri=True, timeout=10,
                                      isolation_level=None)

    def client(self, role):
        return self.c[ROLE_USER[role]]

    def data_version(self):
        return self.reader.execute("PRAGMA data_version").fetchone()[0]

    def citizen(self, woman_id):
        """A citizen account for a woman record, logged in."""
        name = "cit%s" % woman_id
        self.s.add_user(name, "citizen", woman=woman_id)
        return self.s.client(name)

    # -- builders (each makes new records) --

    @staticmethod
    def ok(r, status, what):
        if r.status != status:
            raise AssertionError("fixture %s: expected %d, got %r" % (what, status, r))
        return r.body

    def woman(self, role, rel, citizen=False):
        """A woman of the relation, created by an institution that then serves
        her: for "own" the role's institution (the community centre for the
        others); a citizen account for her when citizen."""
        if rel == "own":
            creator = {"obstetrician": "m_ob", "rescue_center": "m_rc"}.get(role, "m_doc")
        else:
            creator = "h_doc_oi" if rel == "other_institution" else "h_doc_d2"
        idn = fuyou.resident_id(area=D2 if rel == "other_district" else D1)
        w = self.ok(self.c[creator].post("/api/v1/women", {
            "name": "李芳", "id_type": "resident_id", "id_number": idn, "phone": fuyou.phone(),
            "residence_district": D2 if rel == "other_district" else D1, "address": "示例路1号"}), 201, "woman")
        out = {"woman": w["id"], "idn": idn, "name": "李芳"}
        if citizen:
            out["client"] = self.citizen(w["id"])
        return out

    def chc_of(self, rel):
        return {"own": ("m_doc", CHC_OWN), "other_institution": ("h_doc_oi", CHC_OI),
                "other_district": ("h_doc_d2", CHC_D2)}[rel]

    def hospital_of(self, role, rel):
        if rel == "own":
            return ("h_ob_zs", RC_OWN) if role == "rescue_center" else ("m_ob", H_OWN)
        return ("h_ob_oi", H_OI) if rel == "other_institution" else ("h_ob_d2", H_D2)

    def pregnancy(self, role, rel, lmp_days=60, citizen=False):
        x = self.woman(role, rel, citizen)
        user, chc = self.chc_of(rel)
        p = self.ok(self.c[user].post("/api/v1/pregnancies", {
            "woman_id": x["woman"], "lmp": day(-lmp_days), "card": "small", "institution_id": chc,
            "gravidity": 1, "parity": 0, "height_cm": 160, "weight_kg": 55}), 201, "pregnancy")
        x["preg"] = p["id"]
        return x

    def delivered(self, role, rel, citizen=False):
        x = self.pregnancy(role, rel, lmp_days=275, citizen=citizen)
        user, hosp = self.hospital_of(role, rel)
        self.ok(self.c[user].post("/api/v1/pregnancies/%s/delivery" % x["preg"], {
            "delivered_at": iso_utc(now() - datetime.timedelta(hours=30)), "institution_id": hosp,
            "mode": "spontaneous", "babies": [{"sex": 1, "weight_g": 3300, "length_cm": 50, "outcome": "live"}]}),
            201, "delivery")
        kids = self.ok(self.city.get("/api/v1/children", query={"mother_id": x["woman"]}), 200, "children")
        x["child"] = kids["items"][0]["id"]
        x["birth_date"] = kids["items"][0]["birth_date"]
        x["hospital_user"], x["hospital"] = user, hosp
        return x

    def mother(self, x):
        return {"name": x["name"], "nationality": "中国", "ethnicity": "汉族", "id_type": "resident_id",
                "id_number": x["idn"], "address": "示例路1号"}

    def certificate(self, role, rel, issued=True, citizen=False):
        x = self.delivered(role, rel, citizen)
        hc = self.c[x["hospital_user"]]
        a = self.ok(hc.post("/api/v1/birth-certificates", {"child_id": x["child"], "child_name": "王小明",
                                                           "mother": self.mother(x)}), 201, "apply")
        x["cert"] = a["id"]
        if issued:
            i = self.ok(hc.post("/api/v1/birth-certificates/%s/issue" % a["id"]), 200, "issue")
            x["number"] = i["number"]
            s = self.ok(self.city.get("/api/v1/birth-services", query={"child_id": x["child"]}), 200, "service")
            x["service"] = s["items"][0]["id"]
        return x

    def screening(self, role, rel):
        x = self.delivered(role, rel)
        user, _ = self.chc_of(rel)
        s = self.ok(self.c[user].post("/api/v1/children/%s/screenings" % x["child"], {
            "kind": "metabolic", "result": "positive", "sampled_at": day(0)}), 201, "screening")
        x["screening"] = s["id"]
        return x

    def referral(self, role, rel, accepted=False, x=None):
        """own: maternal, from the obstetrician's hospital for her, else from
        the community centre, routed to the 徐汇 maternal centre (the
        rescue-centre user's); other_institution: newborn, from and at ipmch;
        other_district: maternal from a 浦东 hospital to renji."""
        if rel == "other_institution":
            x = x or self.delivered(role, rel)
            body = {"kind": "newborn", "type": "referral", "child_id": x["child"], "reason": "呼吸衰竭",
                    "urgency": "emergency", "indications": ["resp_failure"]}
            user = "h_ob_oi"
            x["ref_query"] = {"child_id": x["child"]}
        else:
            x = x or self.pregnancy(role, rel)
            body = {"kind": "maternal", "type": "referral", "pregnancy_id": x["preg"], "reason": "重度子痫前期",
                    "urgency": "urgent"}
            user = "h_ob_d2" if rel == "other_district" else ("m_ob" if role == "obstetrician" else "m_doc")
            x["ref_query"] = {"pregnancy_id": x["preg"]}
        r = self.ok(self.c[user].post("/api/v1/referrals", body), 201, "referral")
        x["referral"] = r["id"]
        if accepted:
            if rel != "own":
                raise AssertionError("accepted referrals are built for own only")
            self.ok(self.c["m_rc"].post("/api/v1/referrals/%s/transitions" % r["id"], {"to": "accepted"}), 200,
                    "accept")
        return x

    def event(self, role, rel, x=None):
        x = x or self.woman(role, rel)
        user, _ = self.chc_of(rel)
        e = self.ok(self.c[user].post("/api/v1/critical-events", {
            "kind": "critical_maternal", "woman_id": x["woman"],
            "occurred_at": iso_utc(now() - datetime.timedelta(days=2)), "cause": "产后出血", "place": "医院"}),
            201, "critical event")
        x["event"] = e["id"]
        return x

    def block(self, role, rel):
        """A new number block (letter Z) of the relation's institution."""
        if rel == "own":
            inst = RC_OWN if role == "rescue_center" else H_OWN
        else:
            inst = H_OI if rel == "other_institution" else H_D2
        first = self.next_range()
        b = self.ok(self.city.post("/api/v1/certificate-blocks", {
            "institution_id": inst, "letter": "Z", "first": first, "last": first + 9}), 201, "block")
        return {"block": b["id"]}

    def next_range(self):
        """The first of ten numbers no block has used yet."""
        self.block_seq += 1
        return self.block_seq * 100

    # -- the shared worlds --

    def world(self, role, rel):
        """The read-only records of a (role, relation), built once."""
        if rel == "own":
            key = role if role in ("citizen",) + STAFF else "admin"
        else:
            key = rel
        if key not in self.worlds:
            x = self.certificate(role, rel, issued=True, citizen=(key == "citizen"))
            s = self.ok(self.c[self.chc_of(rel)[0]].post("/api/v1/children/%s/screenings" % x["child"], {
                "kind": "metabolic", "result": "positive", "sampled_at": day(0)}), 201, "screening")
            x["screening"] = s["id"]
            self.referral(role, rel, x=x)
            self.event(role, rel, x=x)
            x["block"] = self.block(role, rel)["block"]
            self.worlds[key] = x
        return self.worlds[key]


# --------------------------------------------------------------------------
# how each endpoint is exercised


class Cell:
    """One request of the matrix: role, relation, whether writes get new
    records (fresh) and the world to build them in."""

    def __init__(self, w, role, rel, fresh):
        self.w, self.role, self.rel, self.fresh = w, role, rel, fresh
        self.client = None  # set by a fixture that brings its own citizen

    def fix(self, kind, **kw):
        """The records a request acts on: new ones when fresh, else the
        shared world of the role and relation."""
        if not self.fresh:
            return self.w.world(self.role, self.rel)
        citizen = self.role == "citizen" and self.rel == "own"
        if kind == "woman":
            x = self.w.woman(self.role, self.rel, citizen=citizen)
        elif kind == "pregnancy":
            x = self.w.pregnancy(self.role, self.rel, citizen=citizen, **kw)
        elif kind == "delivered":
            x = self.w.delivered(self.role, self.rel, citizen=citizen)
        elif kind == "applied":
            x = self.w.certificate(self.role, self.rel, issued=False, citizen=citizen)
        elif kind == "issued":
            x = self.w.certificate(self.role, self.rel, issued=True, citizen=citizen)
        elif kind == "screening":
            x = self.w.screening(self.role, self.rel)
        elif kind == "referral":
            x = self.w.referral(self.role, self.rel, **kw)
        elif kind == "event":
            x = self.w.event(self.role, self.rel)
        elif kind == "block":
            x = self.w.block(self.role, self.rel)
        else:
            raise KeyError(kind)
        if "client" in x:
            self.client = x["client"]
        return x

    def shared(self):
        return self.w.world(self.role, self.rel)

    def etag(self, path):
        r = self.w.city.get(path)
        assert r.status == 200, r
        return r.headers.get("ETag")


def req(method, path, json=None, query=None, headers=None, client=None, visible=None):
    return {"method": method, "path": path, "json": json, "query": query, "headers": headers, "client": client,
            "visible": visible}


def woman_body(cell):
    return {"name": "张敏", "id_type": "resident_id", "id_number": fuyou.resident_id(), "phone": fuyou.phone(),
            "residence_district": D2 if cell.rel == "other_district" else D1, "address": "示例路2号"}


def inst_query(cell):
    """An institution (staff) or district (admins) of the relation."""
    if cell.role in STAFF:
        own = INSTITUTION[cell.role]
        oi = CHC_OI if cell.role == "community_doctor" else H_OI
        return {"institution": {"own": own, "other_institution": oi, "other_district": H_D2}[cell.rel]}
    return {"own": {"district": D1}, "other_institution": {"district": D1, "institution": H_OI},
            "other_district": {"district": D2}}[cell.rel]


def booking_institution(cell):
    """The institution whose day of bookings is read: the user's own (a
    centre of 徐汇 for admins), another of 徐汇, one of 浦东."""
    own = INSTITUTION.get(cell.role, CHC_OWN)
    oi = CHC_OI if own == CHC_OWN else H_OI
    od = CHC_D2 if own == CHC_OWN else H_D2
    return {"own": own, "other_institution": oi, "other_district": od}[cell.rel]


def block_query(cell):
    own = INSTITUTION.get(cell.role, H_OWN)
    oi = CHC_OI if cell.role == "community_doctor" else H_OI
    return {"institution_id": {"own": own, "other_institution": oi, "other_district": H_D2}[cell.rel]}


def network_body(cell):
    r = cell.w.city.get("/api/v1/rescue-network")
    assert r.status == 200, r
    b = r.body
    b["label"] = "matrix-%d" % cell.w.next_range()
    b["effective"] = day(0)
    return b


def transition(cell):
    if cell.role in ("community_doctor", "obstetrician"):
        # the referring institution records only in_transit, after the centre accepted
        x = cell.fix("referral", accepted=cell.fresh and cell.rel == "own")
        return req("POST", "/api/v1/referrals/%s/transitions" % x["referral"], {"to": "in_transit"})
    x = cell.fix("referral")
    return req("POST", "/api/v1/referrals/%s/transitions" % x["referral"], {"to": "accepted"})


def autism(cell):
    x = cell.fix("delivered")
    body = {"step": "first_screen", "date": day(0), "result": "negative"}
    if cell.role not in STAFF:
        body["institution_id"] = MCH_D1  # an admin names where it was recorded
    return req("POST", "/api/v1/children/%s/autism" % x["child"], body)


def apply_body(cell, x):
    return {"child_id": x["child"], "child_name": "王小明", "mother": cell.w.mother(x),
            "applicant": {"name": x["name"], "relation": "母亲"}}


def verify_query(cell):
    x = cell.w.world("community_doctor", "own")
    return {"number": x["number"], "child_name": "王小明", "birth_date": x["birth_date"]}


REL_FREE = set()


def rel_free(key):
    REL_FREE.add(key)
    return key


# (method, pattern) -> cell -> request. Each builds valid input for a 2xx.
REQUESTS = {
    rel_free(("GET", "/api/v1/health")): lambda c: req("GET", "/api/v1/health"),
    rel_free(("GET", "/api/v1/districts")): lambda c: req("GET", "/api/v1/districts"),
    rel_free(("GET", "/api/v1/institutions")): lambda c: req("GET", "/api/v1/institutions", query={"district": D1}),
    rel_free(("POST", "/api/v1/auth/login")): lambda c: req(
        "POST", "/api/v1/auth/login", {"username": "probe", "password": fuyou.PASSWORD}),
    rel_free(("POST", "/api/v1/auth/logout")): lambda c: req(
        "POST", "/api/v1/auth/logout", client=c.w.s.client(c.w.client(c.role).user["username"]) if c.fresh else None),
    rel_free(("GET", "/api/v1/me")): lambda c: req("GET", "/api/v1/me"),
    ("POST", "/api/v1/women"): lambda c: req("POST", "/api/v1/women", woman_body(c)),
    ("GET", "/api/v1/women"): lambda c: req("GET", "/api/v1/women", query={"id_number": c.shared()["idn"]},
                                            visible=("GET", "/api/v1/women/{id}", c.shared()["woman"])),
    ("GET", "/api/v1/women/{id}"): lambda c: req("GET", "/api/v1/women/%s" % c.shared()["woman"]),
    ("PATCH", "/api/v1/women/{id}"): lambda c: (lambda x: req(
        "PATCH", "/api/v1/women/%s" % x["woman"], {"address": "示例路3号"},
        headers={"If-Match": c.etag("/api/v1/women/%s" % x["woman"])}))(c.fix("woman")),
    rel_free(("GET", "/api/v1/audit")): lambda c: req("GET", "/api/v1/audit"),
    ("POST", "/api/v1/pregnancies"): lambda c: (lambda x: req("POST", "/api/v1/pregnancies", {
        "woman_id": x["woman"], "lmp": day(-60), "card": "big" if c.role == "obstetrician" else "small",
        "institution_id": H_OWN if c.role == "obstetrician" else CHC_OWN, "gravidity": 2, "parity": 1,
        "height_cm": 162, "weight_kg": 56}))(c.fix("woman")),
    ("GET", "/api/v1/pregnancies"): lambda c: req(
        "GET", "/api/v1/pregnancies", query={"woman_id": c.shared()["woman"]},
        visible=("GET", "/api/v1/pregnancies/{id}", c.shared()["preg"])),
    ("GET", "/api/v1/pregnancies/{id}"): lambda c: req("GET", "/api/v1/pregnancies/%s" % c.shared()["preg"]),
    ("POST", "/api/v1/pregnancies/{id}/big-card"): lambda c: req(
        "POST", "/api/v1/pregnancies/%s/big-card" % c.fix("pregnancy")["preg"], {}),
    ("POST", "/api/v1/pregnancies/{id}/visits"): lambda c: req(
        "POST", "/api/v1/pregnancies/%s/visits" % c.fix("pregnancy")["preg"],
        {"date": day(0), "weight_kg": 58, "sbp": 112, "dbp": 72, "notes": "正常"}),
    ("POST", "/api/v1/pregnancies/{id}/labs"): lambda c: req(
        "POST", "/api/v1/pregnancies/%s/labs" % c.fix("pregnancy")["preg"], {"date": day(0), "hb_g_l": 118}),
    ("POST", "/api/v1/pregnancies/{id}/continuation"): lambda c: req(
        "POST", "/api/v1/pregnancies/%s/continuation" % c.fix("pregnancy")["preg"],
        {"suitable": True, "assessed_by": "张医生", "advice": "可继续妊娠，加强监测", "woman_decision": "继续妊娠"}),
    rel_free(("GET", "/api/v1/risk/criteria")): lambda c: req("GET", "/api/v1/risk/criteria"),
    ("POST", "/api/v1/pregnancies/{id}/delivery"): lambda c: req(
        "POST", "/api/v1/pregnancies/%s/delivery" % c.fix("pregnancy", lmp_days=275)["preg"],
        {"delivered_at": iso_utc(now() - datetime.timedelta(hours=1)), "institution_id": H_OWN, "mode": "spontaneous",
         "babies": [{"sex": 2, "weight_g": 3100, "outcome": "live"}]}),
    ("POST", "/api/v1/pregnancies/{id}/close"): lambda c: req(
        "POST", "/api/v1/pregnancies/%s/close" % c.fix("pregnancy")["preg"], {"outcome": "moved_out", "date": day(0)}),
    ("POST", "/api/v1/pregnancies/{id}/postpartum-visits"): lambda c: req(
        "POST", "/api/v1/pregnancies/%s/postpartum-visits" % c.fix("delivered")["preg"],
        {"date": day(0), "kind": "home_visit", "sbp": 110, "dbp": 70}),
    rel_free(("GET", "/api/v1/guidance/registration")): lambda c: req(
        "GET", "/api/v1/guidance/registration", query={"district": D1, "lmp": day(-50)}),
    ("GET", "/api/v1/appointments"): lambda c: req("GET", "/api/v1/appointments", query={
        "institution": booking_institution(c), "date": day(7)}),
    ("POST", "/api/v1/appointments"): lambda c: req(
        "POST", "/api/v1/appointments",
        {"pregnancy_id": c.fix("pregnancy")["preg"], "institution_id": CHC_OWN, "date": day(7)}),
    rel_free(("GET", "/api/v1/worklists/high-risk")): lambda c: req("GET", "/api/v1/worklists/high-risk"),
    rel_free(("GET", "/api/v1/worklists/overdue")): lambda c: req("GET", "/api/v1/worklists/overdue"),
    rel_free(("GET", "/api/v1/worklists/postpartum")): lambda c: req("GET", "/api/v1/worklists/postpartum"),
    ("GET", "/api/v1/children"): lambda c: req(
        "GET", "/api/v1/children", query={"mother_id": c.shared()["woman"]},
        visible=("GET", "/api/v1/children/{id}", c.shared()["child"])),
    ("GET", "/api/v1/children/{id}"): lambda c: req("GET", "/api/v1/children/%s" % c.shared()["child"]),
    ("PATCH", "/api/v1/children/{id}"): lambda c: (lambda x: req(
        "PATCH", "/api/v1/children/%s" % x["child"], {"name": "王小红"},
        headers={"If-Match": c.etag("/api/v1/children/%s" % x["child"])}))(c.fix("delivered")),
    ("GET", "/api/v1/children/{id}/schedule"): lambda c: req(
        "GET", "/api/v1/children/%s/schedule" % c.shared()["child"]),
    ("POST", "/api/v1/children/{id}/checks"): lambda c: req(
        "POST", "/api/v1/children/%s/checks" % c.fix("delivered")["child"],
        {"date": day(0), "weight_kg": 3.4, "notes": "吃奶好"}),
    ("GET", "/api/v1/children/{id}/checks"): lambda c: req("GET", "/api/v1/children/%s/checks" % c.shared()["child"]),
    ("GET", "/api/v1/children/{id}/growth"): lambda c: req("GET", "/api/v1/children/%s/growth" % c.shared()["child"]),
    ("POST", "/api/v1/children/{id}/autism"): autism,
    ("GET", "/api/v1/children/{id}/autism"): lambda c: req("GET", "/api/v1/children/%s/autism" % c.shared()["child"]),
    rel_free(("GET", "/api/v1/worklists/child-overdue")): lambda c: req("GET", "/api/v1/worklists/child-overdue"),
    rel_free(("GET", "/api/v1/worklists/development")): lambda c: req("GET", "/api/v1/worklists/development"),
    rel_free(("GET", "/api/v1/growth/zscores")): lambda c: req(
        "GET", "/api/v1/growth/zscores", query={"sex": "1", "age_days": "100", "weight_kg": "6"}),
    rel_free(("GET", "/api/v1/child-schedule")): lambda c: req(
        "GET", "/api/v1/child-schedule", query={"birth_date": day(-100)}),
    rel_free(("GET", "/api/v1/development/warning-signs")): lambda c: req("GET", "/api/v1/development/warning-signs"),
    ("POST", "/api/v1/children/{id}/screenings"): lambda c: req(
        "POST", "/api/v1/children/%s/screenings" % c.fix("delivered")["child"],
        {"kind": "hearing", "result": "negative", "sampled_at": day(0)}),
    ("GET", "/api/v1/children/{id}/screenings"): lambda c: req(
        "GET", "/api/v1/children/%s/screenings" % c.shared()["child"]),
    ("POST", "/api/v1/children/{id}/screenings/{sid}/diagnosis"): lambda c: (lambda x: req(
        "POST", "/api/v1/children/%s/screenings/%s/diagnosis" % (x["child"], x["screening"]),
        {"date": day(0), "diagnosis": "先天性甲状腺功能减低症", "confirmed": True}))(c.fix("screening")),
    rel_free(("GET", "/api/v1/worklists/screening-recall")): lambda c: req("GET", "/api/v1/worklists/screening-recall"),
    rel_free(("GET", "/api/v1/screening/panels")): lambda c: req("GET", "/api/v1/screening/panels"),
    ("POST", "/api/v1/certificate-blocks"): lambda c: (lambda n: req("POST", "/api/v1/certificate-blocks", {
        "institution_id": {"own": H_OWN, "other_institution": H_OI, "other_district": H_D2}[c.rel],
        "letter": "Y", "first": n, "last": n + 9}))(c.w.next_range()),
    ("GET", "/api/v1/certificate-blocks"): lambda c: req("GET", "/api/v1/certificate-blocks", query=block_query(c)),
    ("POST", "/api/v1/certificate-blocks/{id}/void-next"): lambda c: req(
        "POST", "/api/v1/certificate-blocks/%s/void-next" % c.fix("block")["block"], {"reason": "空白证污损"}),
    ("POST", "/api/v1/birth-certificates"): lambda c: (lambda x: req(
        "POST", "/api/v1/birth-certificates", apply_body(c, x)))(c.fix("delivered")),
    ("GET", "/api/v1/birth-certificates"): lambda c: req(
        "GET", "/api/v1/birth-certificates", query={"child_id": c.shared()["child"]}),
    ("GET", "/api/v1/birth-certificates/{id}"): lambda c: req(
        "GET", "/api/v1/birth-certificates/%s" % c.shared()["cert"]),
    ("GET", "/api/v1/birth-certificates/{id}/pdf"): lambda c: req(
        "GET", "/api/v1/birth-certificates/%s/pdf" % c.shared()["cert"]),
    ("POST", "/api/v1/birth-certificates/{id}/issue"): lambda c: req(
        "POST", "/api/v1/birth-certificates/%s/issue" % c.fix("applied")["cert"]),
    ("POST", "/api/v1/birth-certificates/{id}/replace"): lambda c: req(
        "POST", "/api/v1/birth-certificates/%s/replace" % c.fix("issued")["cert"], {"reason": "出生时间录入有误"}),
    ("POST", "/api/v1/birth-certificates/{id}/reissue"): lambda c: req(
        "POST", "/api/v1/birth-certificates/%s/reissue" % c.fix("issued")["cert"], {"reason": "原证遗失"}),
    ("POST", "/api/v1/birth-certificates/{id}/void"): lambda c: req(
        "POST", "/api/v1/birth-certificates/%s/void" % c.fix("applied" if c.role == "citizen" else "issued")["cert"],
        {"reason": "信息错误作废"}),
    rel_free(("GET", "/api/v1/public/birth-certificates/verify")): lambda c: req(
        "GET", "/api/v1/public/birth-certificates/verify", query=verify_query(c)),
    ("GET", "/api/v1/birth-services"): lambda c: req(
        "GET", "/api/v1/birth-services", query={"child_id": c.shared()["child"]}),
    ("GET", "/api/v1/birth-services/{id}"): lambda c: req("GET", "/api/v1/birth-services/%s" % c.shared()["service"]),
    ("POST", "/api/v1/birth-services/{id}/steps/{step}"): lambda c: req(
        "POST", "/api/v1/birth-services/%s/steps/household_registration" % c.fix("issued")["service"],
        {"status": "sent", "detail": "已推送公安户籍"}),
    ("GET", "/api/v1/indicators"): lambda c: req("GET", "/api/v1/indicators", query=inst_query(c)),
    ("GET", "/api/v1/indicators/export.csv"): lambda c: req("GET", "/api/v1/indicators/export.csv",
                                                            query=inst_query(c)),
    ("GET", "/api/v1/indicators/export.xlsx"): lambda c: req("GET", "/api/v1/indicators/export.xlsx",
                                                             query=inst_query(c)),
    rel_free(("GET", "/api/v1/rescue-network")): lambda c: req("GET", "/api/v1/rescue-network"),
    rel_free(("PUT", "/api/v1/rescue-network")): lambda c: req("PUT", "/api/v1/rescue-network", network_body(c)),
    rel_free(("GET", "/api/v1/rescue-network/indications")): lambda c: req("GET", "/api/v1/rescue-network/indications"),
    rel_free(("GET", "/api/v1/rescue-network/metrics")): lambda c: req(
        "GET", "/api/v1/rescue-network/metrics", query={"from": day(-30), "to": day(0)}),
    ("POST", "/api/v1/referrals"): lambda c: req("POST", "/api/v1/referrals", {
        "kind": "maternal", "type": "consultation", "pregnancy_id": c.fix("pregnancy")["preg"],
        "reason": "妊娠合并心脏病", "urgency": "routine"}),
    ("GET", "/api/v1/referrals"): lambda c: req(
        "GET", "/api/v1/referrals", query=c.shared()["ref_query"],
        visible=("GET", "/api/v1/referrals/{id}", c.shared()["referral"])),
    ("GET", "/api/v1/referrals/{id}"): lambda c: req("GET", "/api/v1/referrals/%s" % c.shared()["referral"]),
    ("POST", "/api/v1/referrals/{id}/transitions"): transition,
    ("GET", "/api/v1/worklists/referrals"): lambda c: req(
        "GET", "/api/v1/worklists/referrals",
        query={"center": {"own": RC_OWN, "other_institution": H_OI, "other_district": RC_D2}[c.rel]}),
    ("POST", "/api/v1/critical-events"): lambda c: req("POST", "/api/v1/critical-events", {
        "kind": "critical_maternal", "woman_id": c.fix("woman")["woman"],
        "occurred_at": iso_utc(now() - datetime.timedelta(hours=5)), "cause": "羊水栓塞", "place": "产房"}),
    ("GET", "/api/v1/critical-events"): lambda c: req(
        "GET", "/api/v1/critical-events", query={"woman_id": c.shared()["woman"]},
        visible=("GET", "/api/v1/critical-events/{id}", c.shared()["event"])),
    ("GET", "/api/v1/critical-events/{id}"): lambda c: req("GET", "/api/v1/critical-events/%s" % c.shared()["event"]),
    ("POST", "/api/v1/critical-events/{id}/review"): lambda c: req(
        "POST", "/api/v1/critical-events/%s/review" % c.fix("event")["event"],
        {"reviewed_at": iso_utc(now() - datetime.timedelta(minutes=1)), "panel": ["王主任", "李主任"],
         "conclusion": "处置及时", "preventability": "unpreventable", "factors": []}),
    rel_free(("GET", "/api/v1/worklists/reviews")): lambda c: req("GET", "/api/v1/worklists/reviews"),
}


# --------------------------------------------------------------------------


def binary_routes(srv):
    """{(method, pattern): (roles set, public)} from `fuyou routes`."""
    p = srv.cli("routes", db=False)
    if p.returncode != 0:
        raise AssertionError("fuyou routes failed: %s" % p.stderr)
    out = {}
    for line in p.stdout.splitlines():
        m = re.fullmatch(r"(GET|POST|PUT|PATCH|DELETE) (/\S+) (\S+) ([01])", line)
        if not m:
            raise AssertionError("fuyou routes: unexpected line %r" % line)
        roles = set() if m.group(3) == "-" else set(m.group(3).split(","))
        out[(m.group(1), m.group(2))] = (roles, m.group(4) == "1")
    return out


S = None
W = None
MX = parse_matrix(MATRIX)


def setUpModule():
    global S, W
    S = fuyou.Server(env={"FUYOU_VERIFY_PER_MINUTE": "1000000"}, serve_args=["--job-interval", "3600"])
    S.start()
    W = World(S)
    W.setup()


def tearDownModule():
    global S
    if S is None:
        return
    try:
        if W and W.reader:
            W.reader.close()
        S.stop()
        p = S.cli("audit", "verify")
        if p.returncode != 0:
            raise AssertionError("audit chain broken after the matrix: %s %s" % (p.stdout, p.stderr))
    finally:
        S.cleanup()
        S = None


def fmt(key):
    return "%s %s" % key


class Coverage(unittest.TestCase):
    """The table against the binary's own route list, both ways."""

    def test_every_route_in_the_table_and_nothing_else(self):
        routes = binary_routes(S)
        self.assertGreater(len(routes), 50)
        missing = sorted(fmt(k) for k in routes if k not in MX)
        extra = sorted(fmt(k) for k in MX if k not in routes)
        self.assertEqual(missing, [], "routes the server serves that MATRIX does not list")
        self.assertEqual(extra, [], "MATRIX rows for routes the server does not serve")
        self.assertEqual(sorted(fmt(k) for k in routes if k not in REQUESTS), [], "routes without a request builder")
        self.assertEqual(sorted(fmt(k) for k in REQUESTS if k not in routes), [], "builders for unknown routes")

    def test_table_agrees_with_role_masks(self):
        routes = binary_routes(S)
        bad = []
        for key, (roles, public) in routes.items():
            row = MX.get(key)
            if not row:
                continue
            if public and not 200 <= row["anon"] < 300:
                bad.append("%s: public, so anonymous must be 2xx" % fmt(key))
            if not public and row["anon"] != 401:
                bad.append("%s: needs sign-in, so anonymous must be 401" % fmt(key))
            for role in ROLES:
                if not public and role not in roles and row[role] != (403, 403, 403):
                    bad.append("%s: %s is outside the role mask, so 403 everywhere" % (fmt(key), role))
                if (public or role in roles) and 403 not in row[role] and 401 in row[role]:
                    bad.append("%s: %s holds a token: no 401" % (fmt(key), role))
            if key in REL_FREE:
                for role in ROLES:
                    if len(set(row[role])) != 1:
                        bad.append("%s takes no record: one status per role" % fmt(key))
        self.assertEqual(bad, [])


class Matrix(unittest.TestCase):
    maxDiff = None

    def check_refusal(self, r, status, where, problems):
        ctype = r.headers.get("Content-Type", "")
        b = r.body if isinstance(r.body, dict) else {}
        if not ctype.startswith("application/problem+json"):
            problems.append("%s: %d without problem+json: %r" % (where, status, r))
            return
        if b.get("status") != status or not fuyou.has_zh_en(b.get("detail")) or not fuyou.has_zh_en(b.get("title")):
            problems.append("%s: problem body lacks status or Chinese and English text: %r" % (where, r))
        for e in b.get("errors", []):
            if not fuyou.has_zh_en(e.get("message")):
                problems.append("%s: field message not in Chinese and English: %r" % (where, e))
        code = (b.get("type") or "").rpartition(":")[2]
        if status == 403 and code not in AUTHZ_TYPES:
            problems.append("%s: 403 for a reason that is not authorization (%s): %r" % (where, code, r))
        if status == 401 and not r.headers.get("WWW-Authenticate"):
            problems.append("%s: 401 without WWW-Authenticate" % where)

    def run_cell(self, key, role, rel, fresh, anon=False):
        cell = Cell(W, role, rel, fresh)
        q = REQUESTS[key](cell)
        client = q["client"] or cell.client or (W.client(role) if not anon else fuyou.Client(S.url))
        dv = W.data_version()
        r = client.request(q["method"], q["path"], json=q["json"], query=q["query"], headers=q["headers"],
                           auth=not anon)
        return r, q, dv

    def test_matrix(self):
        routes = binary_routes(S)
        problems = []
        cells = lists = 0
        for key, row in MX.items():
            if key not in REQUESTS or key not in routes:
                continue  # Coverage names it
            roles_allowed, public = routes[key]
            write = key[0] != "GET"
            # without a token
            r, q, dv = self.run_cell(key, "city_admin", "own", fresh=False, anon=True)
            cells += 1
            where = "%s [anonymous]" % fmt(key)
            if r.status != row["anon"]:
                problems.append("%s: expected %d, got %r" % (where, row["anon"], r))
            elif r.status >= 400:
                self.check_refusal(r, r.status, where, problems)
                if W.data_version() != dv:
                    problems.append("%s: a refused request committed a change" % where)
            for role in ROLES:
                may = public or role in roles_allowed
                for i, rel in enumerate(RELS):
                    if key in REL_FREE and i > 0:
                        continue
                    expected = row[role][i]
                    r, q, dv = self.run_cell(key, role, rel, fresh=write and may)
                    cells += 1
                    where = "%s [%s, %s]" % (fmt(key), role, rel if key not in REL_FREE else "any")
                    if r.status != expected:
                        problems.append("%s: expected %d, got %r" % (where, expected, r))
                        continue
                    if r.status >= 400:
                        self.check_refusal(r, r.status, where, problems)
                        if W.data_version() != dv:
                            problems.append("%s: a refused request committed a change" % where)
                    elif write and W.data_version() == dv:
                        problems.append("%s: %d, but nothing was written" % (where, r.status))
                    elif q["visible"]:
                        lists += 1
                        rkey, rid = q["visible"][:2], q["visible"][2]
                        should = MX[rkey][role][i] == 200
                        items = r.body.get("items", []) if isinstance(r.body, dict) else []
                        seen = any(str(x.get("id")) == str(rid) for x in items)
                        if seen != should:
                            problems.append("%s: record %s %s in the list, but its read is %d" % (
                                where, rid, "shown" if seen else "not shown", MX[rkey][role][i]))
        print("access matrix: %d routes, %d requests, %d list visibility checks" % (len(MX), cells, lists))
        self.assertEqual(problems, [], "\n" + "\n".join(problems))


if __name__ == "__main__":
    prog = unittest.main(exit=False, verbosity=2)
    res = prog.result
    bad = len(res.failures) + len(res.errors) + len(res.unexpectedSuccesses)
    print("test_access_matrix: %d tests, %d failures, %d errors — %s" % (
        res.testsRun, len(res.failures), len(res.errors), "OK" if not bad else "FAILED"))
    sys.exit(1 if bad else 0)
