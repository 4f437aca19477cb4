"""Black-box tests of issue 5: the critical maternal and newborn rescue
network ("7+6"). The versioned network (the shipped sample as version 1; a
city admin's PUT publishes the next; referrals keep the version they were
routed with), routing from each of the 16 districts for mothers and
newborns, every legal and illegal transition of a referral, centre staff's
scope, response-time metrics on a constructed set of time stamps (median and
90th percentile by linear interpolation), critical events with the 24-hour
late rule on both sides of its edge, reviews and the review work list, and a
maternal death closing the open pregnancy. Runs the real binary
($FUYOU_BIN) on a free port with a fresh database; see fuyou.py.

Every refusal is checked by refused(): problem+json, Chinese and English,
the named fields, and no table of the database changed.
"""

import datetime
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuyou  # noqa: E402

SH = datetime.timezone(datetime.timedelta(hours=8))

CHC_A = fuyou.institution("community_health_center", "310104", 0)
CHC_B = fuyou.institution("community_health_center", "310115", 0)
HOSP = "tongji"  # a delivery hospital in 普陀 (310107) that is no rescue centre
HOSP_DISTRICT = "310107"
HOSP_B = "sfmch"  # a delivery hospital in 浦东 (310115), no rescue centre

with open(os.path.join(fuyou.ROOT, "data", "rescue-network.json"), encoding="utf-8") as _f:
    SAMPLE = json.load(_f)
PAIR = {k: {d: c["center"] for c in SAMPLE[k] for d in c["districts"]} for k in ("maternal", "newborn")}
CENTERS = sorted({c["center"] for k in ("maternal", "newborn") for c in SAMPLE[k]})

USERS = {
    # username: (role, institution, district)
    "city": ("city_admin", None, None),
    "sys": ("sys_admin", None, None),
    "xh_admin": ("district_admin", None, "310104"),
    "pt_admin": ("district_admin", None, "310107"),
    "pd_admin": ("district_admin", None, "310115"),
    "doc_a": ("community_doctor", CHC_A, None),
    "doc_b": ("community_doctor", CHC_B, None),
    "ob": ("obstetrician", HOSP, None),
    "ob_b": ("obstetrician", HOSP_B, None),
}
for _c in CENTERS:
    USERS["rc_" + _c] = ("rescue_center", _c, None)

S = None  # the shared server
C = {}  # username -> logged-in Client


def now():
    return datetime.datetime.now(SH).replace(microsecond=0)


def today():
    return now().date()


def ts(dt):
    """An instant as the API reads it: Shanghai local time with its offset."""
    return dt.astimezone(SH).strftime("%Y-%m-%dT%H:%M:%S+08:00")


def utc(dt):
    """An instant as the API writes it."""
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def start_users(srv, clients):
    for name, (role, inst, dist) in USERS.items():
        srv.add_user(name, role, institution=inst, district=dist)
        clients[name] = srv.client(name)
    # the first read loads the shipped sample as version 1 (the table is empty)
    r = clients["city"].get("/api/v1/rescue-network")
    if r.status != 200 or r.body["version"] != 1:
        raise AssertionError("the sample network did not load: %r" % (r,))


def setUpModule():
    global S
    S = fuyou.Server()
    S.start()
    start_users(S, C)


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
    server = None  # a test class with its own server sets these
    clients = None

    def srv(self):
        return self.server or S

    def c(self, name):
        return (self.clients or C)[name]

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
        self.assertTrue(fuyou.has_zh_en(b.get("title")), r)
        named = fuyou.problem_errors(r)
        for f in fields:
            self.assertIn(f, named, r)
        for e in b.get("errors", []):
            self.assertTrue(fuyou.has_zh_en(e.get("message")), e)
        self.assertEqual(self.srv().table_digests(), before, "a %d answer changed the database: %r" % (status, r))
        return r

    # -- fixtures --

    def woman(self, district, client=None):
        body = {
            "name": "赵敏",
            "id_type": "resident_id",
            "id_number": fuyou.resident_id(birth=datetime.date(1993, 5, 20)),
            "phone": fuyou.phone(),
            "residence_district": district,
            "address": "上海市某区某路 1 号",
        }
        r = (client or self.c("doc_a")).post("/api/v1/women", body)
        self.assertEqual(r.status, 201, r)
        return r.body

    def pregnancy(self, district, lmp_days=120, doc="doc_a"):
        client = self.c(doc)
        w = self.woman(district, client)
        body = {"woman_id": w["id"], "lmp": (today() - datetime.timedelta(days=lmp_days)).isoformat(),
                "card": "small", "institution_id": client.user["institution_id"], "gravidity": 1, "parity": 0,
                "height_cm": 160, "weight_kg": 55}
        r = client.post("/api/v1/pregnancies", body)
        self.assertEqual(r.status, 201, r)
        return w, r.body

    def newborn(self, district, hours_ago=30):
        """A mother living in `district` delivered `hours_ago` hours ago at
        HOSP; returns (woman, pregnancy record, child id, born_at)."""
        w, p = self.pregnancy(district, lmp_days=39 * 7)
        born = now() - datetime.timedelta(hours=hours_ago)
        r = self.c("ob").post("/api/v1/pregnancies/%s/delivery" % p["id"], {
            "delivered_at": ts(born), "institution_id": HOSP, "mode": "spontaneous",
            "babies": [{"sex": 1, "weight_g": 1400, "length_cm": 40, "head_cm": 28, "apgar_1": 5, "apgar_5": 7,
                        "outcome": "live"}]})
        self.assertEqual(r.status, 201, r)
        return w, r.body, r.body["babies"][0]["child_id"], born

    def refer(self, client=None, expect=201, **body):
        r = (client or self.c("ob")).post("/api/v1/referrals", body)
        self.assertEqual(r.status, expect, r)
        return r.body

    def maternal(self, district, client=None, **over):
        w, p = self.pregnancy(district, lmp_days=over.pop("lmp_days", 120))
        body = {"kind": "maternal", "type": "referral", "pregnancy_id": p["id"], "from_institution_id": HOSP,
                "reason": "产后出血，需输血及介入治疗", "urgency": "emergency"}
        body.update(over)
        return w, p, self.refer(client, **body)

    def move(self, rid, to, client, expect=200, **body):
        body["to"] = to
        r = client.post("/api/v1/referrals/%s/transitions" % rid, body)
        self.assertEqual(r.status, expect, r)
        return r.body

    def audit_actions(self, resource, rid):
        r = self.c("city").get("/api/v1/audit", query={"resource": resource, "resource_id": str(rid),
                                                       "page_size": 100})
        self.assertEqual(r.status, 200, r)
        return [a["action"] for a in r.body["items"]]


# --------------------------------------------------------------------------
# the network


class T1Network(Base):
    def test_sample_is_version_1(self):
        r = self.c("ob").get("/api/v1/rescue-network")
        self.assertEqual(r.status, 200, r)
        n = r.body
        self.assertEqual((n["version"], n["label"], n["effective"], n["sample"], n["current"]),
                         (1, SAMPLE["version"], SAMPLE["effective"], True, True))
        self.assertEqual(n["routing_order"], ["patient_residence_district", "referring_institution_district"])
        self.assertEqual(n["routing_rule"], SAMPLE["routing_rule"])
        self.assertTrue(n["routing_rule_zh"])
        self.assertEqual(len(n["maternal"]), 7)
        self.assertEqual(len(n["newborn"]), 6)
        codes = sorted(d for d, _ in fuyou.districts())
        self.assertEqual(len(codes), 16)
        for kind in ("maternal", "newborn"):
            # per centre, its districts, in the published order
            self.assertEqual([(c["center"], c["districts"]) for c in n[kind]],
                             [(c["center"], c["districts"]) for c in SAMPLE[kind]])
            self.assertEqual(sorted(d for c in n[kind] for d in c["districts"]), codes)
            for c in n[kind]:
                self.assertTrue(c["name"], c)
                self.assertEqual(len(c["district_names"]), len(c["districts"]))
                self.assertTrue(all(name.endswith("区") for name in c["district_names"]), c)
        self.assertEqual([v["version"] for v in n["versions"]], [1])
        self.assertEqual(r.headers.get("ETag"), '"1"')
        # anyone signed in reads it; nobody else
        self.assertEqual(self.c("rc_ruijin").get("/api/v1/rescue-network").status, 200)
        self.assertEqual(fuyou.Client(S.url).get("/api/v1/rescue-network").status, 401)
        # an older or unknown version
        self.assertEqual(self.c("city").get("/api/v1/rescue-network", query={"version": "1"}).body["version"], 1)
        self.refused(self.c("city"), "GET", "/api/v1/rescue-network", 404, query={"version": "99"})
        self.refused(self.c("city"), "GET", "/api/v1/rescue-network", 422, ["version"], query={"version": "x"})

    def test_indications_checklist(self):
        r = self.c("ob").get("/api/v1/rescue-network/indications")
        self.assertEqual(r.status, 200, r)
        self.assertIn("preterm_lt32w", [i["code"] for i in r.body["indications"]])

    def network_body(self, **over):
        body = {"label": "test", "effective": today().isoformat(),
                "maternal": [dict(c) for c in SAMPLE["maternal"]],
                "newborn": [dict(c) for c in SAMPLE["newborn"]]}
        body.update(over)
        return body

    def test_put_refusals(self):
        path = "/api/v1/rescue-network"
        self.refused(self.c("xh_admin"), "PUT", path, 403, json=self.network_body())
        self.refused(self.c("sys"), "PUT", path, 403, json=self.network_body())
        self.refused(self.c("rc_ruijin"), "PUT", path, 403, json=self.network_body())
        city = self.c("city")
        # a district left out of the maternal pairing (金山 310116 loses its centre)
        m = [c for c in SAMPLE["maternal"] if c["center"] != "shphc"]
        r = self.refused(city, "PUT", path, 422, ["maternal"], json=self.network_body(maternal=m))
        self.assertIn("310116", json.dumps(r.body, ensure_ascii=False))
        # a district paired twice
        m = [dict(c) for c in SAMPLE["maternal"]]
        m[1] = dict(m[1], districts=m[1]["districts"] + ["310101"])
        self.refused(city, "PUT", path, 422, ["maternal[1].districts[3]"], json=self.network_body(maternal=m))
        # centres of the wrong type, unknown institutions, unknown districts
        m = [dict(c) for c in SAMPLE["maternal"]]
        m[0] = dict(m[0], center="fdch")  # a newborn centre only
        nb = [dict(c) for c in SAMPLE["newborn"]]
        nb[0] = dict(nb[0], center="renji")  # a maternal centre only
        nb[1] = dict(nb[1], center="no-such-place")
        nb[2] = dict(nb[2], districts=["310108"] + nb[2]["districts"][1:])
        self.refused(city, "PUT", path, 422,
                     ["maternal[0].center", "newborn[0].center", "newborn[1].center", "newborn[2].districts[0]",
                      "newborn"],
                     json=self.network_body(maternal=m, newborn=nb))
        # a delivery hospital that is no centre at all
        m = [dict(c) for c in SAMPLE["maternal"]]
        m[2] = dict(m[2], center=HOSP)
        self.refused(city, "PUT", path, 422, ["maternal[2].center"], json=self.network_body(maternal=m))
        # shape
        self.refused(city, "PUT", path, 422, ["effective", "newborn"],
                     json={k: v for k, v in self.network_body().items() if k not in ("effective", "newborn")})
        self.refused(city, "PUT", path, 422, ["maternal"], json=self.network_body(maternal="ruijin"))
        self.refused(city, "PUT", path, 422, ["maternal[0].center"],
                     json=self.network_body(maternal=[{"districts": ["310101"]}] + SAMPLE["maternal"][1:]))
        self.refused(city, "PUT", path, 422, ["colour"], json=self.network_body(colour="red"))
        self.refused(city, "PUT", path, 422, ["routing_order[0]"],
                     json=self.network_body(routing_order=["household_district"]))
        self.refused(city, "PUT", path, 422, ["routing_order"], json=self.network_body(routing_order=[]))
        self.refused(city, "PUT", path, 412, json=self.network_body(), headers={"If-Match": '"7"'})
        self.refused(city, "PUT", path, 400, raw="{")
        # still version 1
        self.assertEqual(self.c("ob").get("/api/v1/rescue-network").body["version"], 1)


# --------------------------------------------------------------------------
# routing


class T2Routing(Base):
    def test_maternal_from_every_district(self):
        seen = set()
        for code, name in fuyou.districts():
            w, p, ref = self.maternal(code)
            want = PAIR["maternal"][code]
            self.assertEqual((ref["center"], ref["center_id"], ref["state"]), (want, want, "requested"), (code, ref))
            self.assertEqual(ref["routing"], {"network_version": 1, "basis": "patient_residence_district",
                                              "district": code, "district_name": name, "center": want})
            self.assertEqual((ref["kind"], ref["type"], ref["pregnancy_id"], ref["woman_id"], ref["from_district"]),
                             ("maternal", "referral", p["id"], w["id"], HOSP_DISTRICT))
            self.assertEqual(ref["patient"]["residence_district"], code)
            self.assertEqual(ref["allowed_transitions"], ["accepted", "redirected"])
            seen.add(want)
        self.assertEqual(len(seen), 7)  # every maternal centre received one

    def test_newborn_from_every_district(self):
        seen = set()
        for code, _ in fuyou.districts():
            w, rec, child, _born = self.newborn(code)
            ref = self.refer(kind="newborn", type="consultation", child_id=child, from_institution_id=HOSP,
                             reason="早产极低出生体重儿，呼吸窘迫", urgency="urgent",
                             indications=["preterm_lt32w", "resp_failure"])
            want = PAIR["newborn"][code]
            self.assertEqual((ref["center"], ref["routing"]["basis"], ref["routing"]["district"]),
                             (want, "patient_residence_district", code), code)
            self.assertEqual((ref["kind"], ref["type"], ref["child_id"], ref["woman_id"], ref["pregnancy_id"]),
                             ("newborn", "consultation", child, w["id"], None))
            self.assertEqual(ref["indications"], ["preterm_lt32w", "resp_failure"])
            seen.add(want)
        self.assertEqual(len(seen), 6)

    def test_referral_refusals(self):
        w, p = self.pregnancy("310104")
        good = {"kind": "maternal", "type": "referral", "pregnancy_id": p["id"], "from_institution_id": HOSP,
                "reason": "重度子痫前期", "urgency": "emergency"}
        ob = self.c("ob")
        path = "/api/v1/referrals"
        self.refused(ob, "POST", path, 422, ["kind", "type", "urgency", "reason"], json={})
        self.refused(ob, "POST", path, 422, ["kind"], json=dict(good, kind="adult"))
        self.refused(ob, "POST", path, 422, ["urgency"], json=dict(good, urgency="soon"))
        self.refused(ob, "POST", path, 422, ["pregnancy_id"], json={k: v for k, v in good.items()
                                                                    if k != "pregnancy_id"})
        self.refused(ob, "POST", path, 422, ["child_id"], json=dict(good, child_id="5"))
        self.refused(ob, "POST", path, 422, ["indications[1]"], json=dict(good, indications=["twins", "nonsense"]))
        self.refused(ob, "POST", path, 422, ["at"], json=dict(good, at=ts(now() + datetime.timedelta(hours=1))))
        self.refused(ob, "POST", path, 422, ["at"], json=dict(good, at=ts(now() - datetime.timedelta(days=200))))
        self.refused(ob, "POST", path, 422, ["colour"], json=dict(good, colour="red"))
        self.refused(ob, "POST", path, 404, json=dict(good, pregnancy_id="999999"))
        # only from one's own institution; admins and citizens do not refer
        self.refused(ob, "POST", path, 403, ["from_institution_id"], json=dict(good, from_institution_id=HOSP_B))
        self.refused(self.c("xh_admin"), "POST", path, 403, json=good)
        # newborns need the child and indications from the checklist
        nb = dict(good, kind="newborn")
        del nb["pregnancy_id"]
        self.refused(ob, "POST", path, 422, ["child_id", "indications"], json=nb)
        _, _, child, _ = self.newborn("310104")
        nb["child_id"] = child
        self.refused(ob, "POST", path, 422, ["indications"], json=nb)
        self.refused(ob, "POST", path, 422, ["indications"], json=dict(nb, indications=[]))
        r = self.refused(ob, "POST", path, 422, ["indications[1]"],
                         json=dict(nb, indications=["seizure", "fever"]))
        self.assertEqual(fuyou.problem_errors(r), ["indications[1]"])
        self.refused(ob, "POST", path, 422, ["indications[1]"], json=dict(nb, indications=["seizure", "seizure"]))
        self.refused(ob, "POST", path, 422, ["pregnancy_id"], json=dict(nb, indications=["seizure"],
                                                                        pregnancy_id=p["id"]))
        self.refused(ob, "POST", path, 404, json=dict(nb, indications=["seizure"], child_id="999999"))
        # a closed pregnancy is not referred
        r = self.c("doc_a").post("/api/v1/pregnancies/%s/close" % p["id"],
                                 {"outcome": "moved_out", "date": today().isoformat()})
        self.assertEqual(r.status, 200, r)
        self.refused(ob, "POST", path, 409, json=good)

    def test_the_referring_hospital_and_centre_serve_her(self):
        # registered at a 徐汇 centre: the 普陀 hospital and the centre do not see her before
        w, p = self.pregnancy("310101")
        self.assertEqual(self.c("rc_ruijin").get("/api/v1/pregnancies/%s" % p["id"]).status, 403)
        _, _, ref = (w, p, self.refer(kind="maternal", type="referral", pregnancy_id=p["id"],
                                      from_institution_id=HOSP, reason="胎盘早剥", urgency="emergency"))
        self.assertEqual(ref["center"], "ruijin")
        self.assertEqual(self.c("ob").get("/api/v1/pregnancies/%s" % p["id"]).status, 200)
        self.assertEqual(self.c("rc_ruijin").get("/api/v1/pregnancies/%s" % p["id"]).status, 200)
        self.assertEqual(self.c("rc_xinhua").get("/api/v1/pregnancies/%s" % p["id"]).status, 403)
        # the request is audited and time-stamped with its user
        self.assertIn("create", self.audit_actions("referral", ref["id"]))
        t = ref["transitions"]
        self.assertEqual(len(t), 1)
        self.assertEqual((t[0]["from"], t[0]["to"], t[0]["user"]["username"], t[0]["center"]),
                         (None, "requested", "ob", "ruijin"))
        self.assertEqual(t[0]["at"], ref["requested_at"])


# --------------------------------------------------------------------------
# the state machine


STATES = ["requested", "accepted", "redirected", "in_transit", "arrived", "closed"]
LEGAL = {("requested", "accepted"), ("requested", "redirected"), ("accepted", "in_transit"),
         ("in_transit", "arrived"), ("arrived", "closed")}
PATH = ["requested", "accepted", "in_transit", "arrived", "closed"]


class T3Transitions(Base):
    def extra(self, to):
        if to == "redirected":
            return {"center": "zhongshan", "reason": "本中心ICU床位已满"}
        if to == "closed":
            return {"outcome": "recovered"}
        return {}

    def referral_in(self, state):
        """A fresh 黄浦 referral (at ruijin) brought to `state`."""
        _, _, ref = self.maternal("310101")
        rc = self.c("rc_ruijin")
        for s in PATH[1:PATH.index(state) + 1]:
            ref = self.move(ref["id"], s, rc, **self.extra(s))
        self.assertEqual(ref["state"], state)
        return ref

    def test_every_legal_and_illegal_transition(self):
        rc = self.c("rc_ruijin")
        for state in PATH:
            ref = self.referral_in(state)
            for to in STATES:
                path = "/api/v1/referrals/%s/transitions" % ref["id"]
                body = dict(self.extra(to), to=to)
                if (state, to) in LEGAL:
                    continue
                r = self.refused(rc, "POST", path, 409, ["to"], json=body)
                self.assertEqual(r.body["state"], state, r)
                self.assertEqual(r.body["allowed"], [t for s, t in sorted(LEGAL, key=lambda x: STATES.index(x[1]))
                                                     if s == state], r)
            # the legal ones, each on a fresh referral in that state
            for to in [t for s, t in LEGAL if s == state]:
                fresh = self.referral_in(state)
                who = self.c("rc_ruijin")
                after = self.move(fresh["id"], to, who, **self.extra(to))
                want = "requested" if to == "redirected" else to
                self.assertEqual(after["state"], want)
                self.assertEqual(after["transitions"][-1]["from"], state)
                self.assertEqual(after["transitions"][-1]["to"], to)
                self.assertEqual(after["transitions"][-1]["user"]["username"], "rc_ruijin")
                self.assertIn("transition", self.audit_actions("referral", fresh["id"]))

    def test_full_path_with_times_and_users(self):
        t0 = now() - datetime.timedelta(hours=5)
        _, _, ref = self.maternal("310106", at=ts(t0))
        self.assertEqual(ref["requested_at"], utc(t0))
        rc = self.c("rc_ruijin")
        ref = self.move(ref["id"], "accepted", rc, at=ts(t0 + datetime.timedelta(minutes=12)), note="同意接收")
        # the referring hospital sends her off
        ref = self.move(ref["id"], "in_transit", self.c("ob"), at=ts(t0 + datetime.timedelta(minutes=20)))
        ref = self.move(ref["id"], "arrived", rc, at=ts(t0 + datetime.timedelta(minutes=65)))
        ref = self.move(ref["id"], "closed", rc, at=ts(t0 + datetime.timedelta(hours=4)), outcome="transferred")
        self.assertEqual((ref["state"], ref["outcome"], ref["minutes_to_accept"], ref["minutes_to_arrive"]),
                         ("closed", "transferred", 12, 65))
        self.assertEqual([(t["to"], t["user"]["username"]) for t in ref["transitions"]],
                         [("requested", "ob"), ("accepted", "rc_ruijin"), ("in_transit", "ob"),
                          ("arrived", "rc_ruijin"), ("closed", "rc_ruijin")])
        self.assertEqual([t["at"] for t in ref["transitions"]],
                         [utc(t0 + datetime.timedelta(minutes=m)) for m in (0, 12, 20, 65, 240)])
        self.assertEqual(ref["transitions"][1]["note"], "同意接收")
        self.assertEqual(ref["allowed_transitions"], [])
        self.assertEqual(self.audit_actions("referral", ref["id"]).count("transition"), 4)

    def test_transition_refusals(self):
        t0 = now() - datetime.timedelta(hours=2)
        _, _, ref = self.maternal("310101", at=ts(t0))
        path = "/api/v1/referrals/%s/transitions" % ref["id"]
        rc = self.c("rc_ruijin")
        self.refused(rc, "POST", path, 422, ["to"], json={})
        self.refused(rc, "POST", path, 422, ["to"], json={"to": "lost"})
        self.refused(rc, "POST", path, 409, ["to"], json={"to": "requested"})
        # time stamps: not in the future, not before the previous step
        self.refused(rc, "POST", path, 422, ["at"], json={"to": "accepted", "at": ts(now() + datetime.timedelta(
            minutes=5))})
        self.refused(rc, "POST", path, 422, ["at"], json={"to": "accepted",
                                                          "at": ts(t0 - datetime.timedelta(minutes=1))})
        self.refused(rc, "POST", path, 422, ["at"], json={"to": "accepted", "at": "yesterday"})
        # what belongs to other steps
        self.refused(rc, "POST", path, 422, ["outcome"], json={"to": "accepted", "outcome": "recovered"})
        self.refused(rc, "POST", path, 422, ["center"], json={"to": "accepted", "center": "xinhua"})
        # a redirect names another centre of the right kind, with a reason
        self.refused(rc, "POST", path, 422, ["center", "reason"], json={"to": "redirected"})
        self.refused(rc, "POST", path, 422, ["center"], json={"to": "redirected", "center": "ruijin",
                                                              "reason": "满床"})
        self.refused(rc, "POST", path, 422, ["center"], json={"to": "redirected", "center": "fdch",
                                                              "reason": "满床"})
        self.refused(rc, "POST", path, 422, ["center"], json={"to": "redirected", "center": "nowhere",
                                                              "reason": "满床"})
        # who may act: the referring hospital only sends her off; other centres and admins nothing
        self.refused(self.c("ob"), "POST", path, 403, ["to"], json={"to": "accepted"})
        self.refused(self.c("rc_xinhua"), "POST", path, 403, json={"to": "accepted"})
        self.refused(self.c("ob_b"), "POST", path, 403, json={"to": "accepted"})
        self.refused(self.c("city"), "POST", path, 403, json={"to": "accepted"})
        self.refused(self.c("rc_ruijin"), "POST", "/api/v1/referrals/999999/transitions", 404,
                     json={"to": "accepted"})
        # the same moment as the previous step is allowed
        ref = self.move(ref["id"], "accepted", rc, at=ts(t0))
        self.assertEqual(ref["minutes_to_accept"], 0)
        # closing needs an outcome of the list
        ref = self.move(ref["id"], "in_transit", rc)
        ref = self.move(ref["id"], "arrived", rc)
        self.refused(rc, "POST", path, 422, ["outcome"], json={"to": "closed"})
        self.refused(rc, "POST", path, 422, ["outcome"], json={"to": "closed", "outcome": "better"})
        ref = self.move(ref["id"], "closed", rc, outcome="died")
        self.assertEqual(ref["outcome"], "died")

    def test_redirect_waits_at_the_new_centre(self):
        t0 = now() - datetime.timedelta(hours=3)
        _, _, ref = self.maternal("310101", at=ts(t0))
        rid = ref["id"]
        ref = self.move(rid, "redirected", self.c("rc_ruijin"), center="xinhua", reason="ICU 满床",
                        at=ts(t0 + datetime.timedelta(minutes=10)))
        self.assertEqual((ref["state"], ref["center"], ref["redirects"], ref["routing"]["center"]),
                         ("requested", "xinhua", 1, "ruijin"))
        self.assertEqual(ref["routing"]["network_version"], 1)
        self.assertEqual(ref["center_requested_at"], utc(t0 + datetime.timedelta(minutes=10)))
        t = ref["transitions"][-1]
        self.assertEqual((t["from"], t["to"], t["center"], t["to_center"], t["note"]),
                         ("requested", "redirected", "ruijin", "xinhua", "ICU 满床"))
        # the old centre lets go; the new one sees and acts
        self.refused(self.c("rc_ruijin"), "GET", "/api/v1/referrals/%s" % rid, 403)
        self.refused(self.c("rc_ruijin"), "POST", "/api/v1/referrals/%s/transitions" % rid, 403,
                     json={"to": "accepted"})
        wl = self.c("rc_xinhua").get("/api/v1/worklists/referrals", query={"state": "requested"})
        self.assertIn(rid, [x["id"] for x in wl.body["items"]])
        # a note alone is taken as the reason
        ref = self.move(rid, "redirected", self.c("rc_xinhua"), center="renji", note="需心外科",
                        at=ts(t0 + datetime.timedelta(minutes=25)))
        self.assertEqual((ref["center"], ref["redirects"]), ("renji", 2))
        ref = self.move(rid, "accepted", self.c("rc_renji"), at=ts(t0 + datetime.timedelta(minutes=40)))
        # response time counts from when the request reached this centre
        self.assertEqual(ref["minutes_to_accept"], 15)
        self.assertEqual(self.c("rc_renji").get("/api/v1/pregnancies/%s" % ref["pregnancy_id"]).status, 200)

    def test_newborn_referral_path(self):
        _, _, child, born = self.newborn("310112", hours_ago=10)
        ref = self.refer(kind="newborn", type="referral", child_id=child, from_institution_id=HOSP,
                         reason="需亚低温治疗", urgency="emergency", indications=["hie_cooling"],
                         at=ts(born + datetime.timedelta(hours=1)))
        self.assertEqual(ref["center"], "fdch")
        rc = self.c("rc_fdch")
        for s in PATH[1:]:
            ref = self.move(ref["id"], s, rc, **self.extra(s))
        self.assertEqual((ref["state"], ref["outcome"]), ("closed", "recovered"))
        self.refused(self.c("ob"), "POST", "/api/v1/referrals", 422, ["at"], json={
            "kind": "newborn", "type": "referral", "child_id": child, "reason": "x", "urgency": "urgent",
            "indications": ["other"], "at": ts(born - datetime.timedelta(minutes=1))})


# --------------------------------------------------------------------------
# scope of centre staff


class T4Scope(Base):
    def test_centre_sees_only_its_own(self):
        _, _, a = self.maternal("310101")  # ruijin
        _, _, b = self.maternal("310110")  # xinhua
        _, _, c = self.maternal("310115", client=self.c("ob_b"), from_institution_id=HOSP_B)  # renji, from 浦东
        wl = self.c("rc_ruijin").get("/api/v1/worklists/referrals")
        self.assertEqual(wl.status, 200, wl)
        ids = [x["id"] for x in wl.body["items"]]
        self.assertIn(a["id"], ids)
        self.assertNotIn(b["id"], ids)
        self.assertTrue(all(x["center"] == "ruijin" for x in wl.body["items"]), wl)
        self.assertTrue(all(x["state"] != "closed" for x in wl.body["items"]), wl)
        self.assertEqual(wl.body["total"], len(wl.body["items"]) if wl.body["total"] <= 20 else wl.body["total"])
        # ?state= filters
        self.move(a["id"], "accepted", self.c("rc_ruijin"))
        acc = self.c("rc_ruijin").get("/api/v1/worklists/referrals", query={"state": "accepted"}).body["items"]
        self.assertEqual({x["state"] for x in acc}, {"accepted"})
        self.assertIn(a["id"], [x["id"] for x in acc])
        req = self.c("rc_ruijin").get("/api/v1/worklists/referrals", query={"state": "requested"}).body["items"]
        self.assertNotIn(a["id"], [x["id"] for x in req])
        self.refused(self.c("rc_ruijin"), "GET", "/api/v1/worklists/referrals", 422, ["state"],
                     query={"state": "lost"})
        self.refused(self.c("rc_ruijin"), "GET", "/api/v1/worklists/referrals", 403, ["center"],
                     query={"center": "xinhua"})
        # one record: the own centre's yes, another's no
        self.assertEqual(self.c("rc_ruijin").get("/api/v1/referrals/%s" % a["id"]).status, 200)
        self.refused(self.c("rc_ruijin"), "GET", "/api/v1/referrals/%s" % b["id"], 403)
        self.refused(self.c("rc_xinhua"), "GET", "/api/v1/referrals/%s" % a["id"], 403)
        self.refused(self.c("rc_xinhua"), "POST", "/api/v1/referrals/%s/transitions" % a["id"], 403,
                     json={"to": "in_transit"})
        # the referring hospitals see what they sent
        mine = [x["id"] for x in self.c("ob").get("/api/v1/referrals", query={"page_size": 100}).body["items"]]
        self.assertIn(a["id"], mine)
        self.assertNotIn(c["id"], mine)
        self.refused(self.c("ob_b"), "GET", "/api/v1/referrals/%s" % a["id"], 403)
        # district admins: by the patient's district or the referring hospital's
        pt = [x["id"] for x in self.c("pt_admin").get("/api/v1/referrals", query={"page_size": 100}).body["items"]]
        self.assertIn(a["id"], pt)  # from 普陀
        self.assertNotIn(c["id"], pt)
        pd = [x["id"] for x in self.c("pd_admin").get("/api/v1/referrals", query={"page_size": 100}).body["items"]]
        self.assertIn(c["id"], pd)
        self.assertNotIn(a["id"], pd)
        self.assertEqual(self.c("city").get("/api/v1/referrals/%s" % c["id"]).status, 200)
        # reads of the record are audited
        self.assertIn("read", self.audit_actions("referral", a["id"]))


# --------------------------------------------------------------------------
# response times


class T5Metrics(Base):
    def test_constructed_set(self):
        day = today() - datetime.timedelta(days=20)
        base = datetime.datetime(day.year, day.month, day.day, 8, 0, tzinfo=SH)
        rc = self.c("rc_shphc")  # 金山 only: nothing else lands there on that day
        accept = [5, 10, 15, 20, 30, 45, 60, 120]
        arrive = [40, 55, 70, 90, 200]
        close = ["recovered", "recovered", "died"]
        for i in range(9):
            t0 = base + datetime.timedelta(minutes=i)
            _, _, ref = self.maternal("310116", at=ts(t0), lmp_days=200)
            self.assertEqual(ref["center"], "shphc")
            if i < len(accept):
                self.move(ref["id"], "accepted", rc, at=ts(t0 + datetime.timedelta(minutes=accept[i])))
            if i < len(arrive):
                self.move(ref["id"], "in_transit", rc, at=ts(t0 + datetime.timedelta(minutes=accept[i] + 1)))
                self.move(ref["id"], "arrived", rc, at=ts(t0 + datetime.timedelta(minutes=arrive[i])))
            if i < len(close):
                self.move(ref["id"], "closed", rc, at=ts(t0 + datetime.timedelta(minutes=arrive[i] + 30)),
                          outcome=close[i])
        # the day before: accepted after 1000 minutes
        t0 = base - datetime.timedelta(days=1)
        _, _, ref = self.maternal("310116", at=ts(t0), lmp_days=200)
        self.move(ref["id"], "accepted", rc, at=ts(t0 + datetime.timedelta(minutes=1000)))

        r = self.c("city").get("/api/v1/rescue-network/metrics",
                               query={"from": day.isoformat(), "to": day.isoformat(), "center": "shphc"})
        self.assertEqual(r.status, 200, r)
        self.assertIn("interpolation", r.body["percentile_method"])
        self.assertEqual(len(r.body["items"]), 1)
        m = r.body["items"][0]
        self.assertEqual((m["center"], m["count"]), ("shphc", 9))
        # linear interpolation: n = 8, median h = 3.5 → 25; p90 h = 6.3 → 60 + 0.3·60 = 78
        self.assertEqual(m["requested_to_accepted"]["n"], 8)
        self.assertEqual(m["requested_to_accepted"]["median"], 25)
        self.assertEqual(m["requested_to_accepted"]["p90"], 78)
        # n = 5: median = 70; p90 h = 3.6 → 90 + 0.6·110 = 156
        self.assertEqual(m["requested_to_arrived"]["n"], 5)
        self.assertEqual(m["requested_to_arrived"]["median"], 70)
        self.assertEqual(m["requested_to_arrived"]["p90"], 156)
        self.assertEqual(m["outcomes"], {"recovered": 2, "transferred": 0, "died": 1})
        self.assertEqual(m["states"], {"requested": 1, "accepted": 3, "in_transit": 0, "arrived": 2, "closed": 3})
        # widen the window by a day: n = 9, median = 30; p90 h = 7.2 → 120 + 0.2·880 = 296
        r = self.c("city").get("/api/v1/rescue-network/metrics",
                               query={"from": (day - datetime.timedelta(days=1)).isoformat(),
                                      "to": day.isoformat(), "center": "shphc"})
        m = r.body["items"][0]
        self.assertEqual((m["count"], m["requested_to_accepted"]["n"]), (10, 9))
        self.assertEqual((m["requested_to_accepted"]["median"], m["requested_to_accepted"]["p90"]), (30, 296))
        # a day with nothing
        r = self.c("rc_shphc").get("/api/v1/rescue-network/metrics",
                                   query={"from": (day - datetime.timedelta(days=5)).isoformat(),
                                          "to": (day - datetime.timedelta(days=5)).isoformat(), "center": "shphc"})
        m = r.body["items"][0]
        self.assertEqual((m["count"], m["requested_to_accepted"]["n"], m["requested_to_accepted"]["median"],
                          m["requested_to_accepted"]["p90"]), (0, 0, None, None))
        # every centre of the network when none is named
        r = self.c("xh_admin").get("/api/v1/rescue-network/metrics")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(set(CENTERS) <= {x["center"] for x in r.body["items"]})

    def test_refusals(self):
        path = "/api/v1/rescue-network/metrics"
        city = self.c("city")
        self.refused(city, "GET", path, 422, ["center"], query={"center": HOSP})
        self.refused(city, "GET", path, 422, ["from"], query={"from": "2024-13-01"})
        self.refused(city, "GET", path, 422, ["to"], query={"from": "2024-03-02", "to": "2024-03-01"})
        self.refused(city, "GET", path, 422, ["kind"], query={"kind": "adult"})
        self.refused(self.c("ob"), "GET", path, 403)


# --------------------------------------------------------------------------
# critical events and reviews


class T6CriticalEvents(Base):
    def report(self, client=None, expect=201, **body):
        r = (client or self.c("ob")).post("/api/v1/critical-events", body)
        self.assertEqual(r.status, expect, r)
        return r.body

    def test_24_hour_rule_at_its_edge(self):
        occurred = now() - datetime.timedelta(days=3)
        w1, p1 = self.pregnancy("310104")
        on_time = self.report(kind="maternal_death", woman_id=w1["id"], occurred_at=ts(occurred),
                              reported_at=ts(occurred + datetime.timedelta(hours=24)), cause="羊水栓塞",
                              place="医院")
        self.assertEqual((on_time["late"], on_time["hours_to_report"], on_time["report_within_hours"]),
                         (False, 24, 24))
        w2, _ = self.pregnancy("310104")
        late = self.report(kind="maternal_death", woman_id=w2["id"], occurred_at=ts(occurred),
                           reported_at=ts(occurred + datetime.timedelta(hours=24, seconds=1)), cause="产后出血",
                           place="医院")
        self.assertIs(late["late"], True)
        w3, _ = self.pregnancy("310104")
        late = self.report(kind="maternal_death", woman_id=w3["id"], occurred_at=ts(occurred),
                           reported_at=ts(occurred + datetime.timedelta(hours=24, minutes=1)), cause="产后出血",
                           place="医院")
        self.assertIs(late["late"], True)
        # reported now: 25 hours after is late, 23 hours after is not
        w4, _ = self.pregnancy("310104")
        r = self.report(kind="maternal_death", woman_id=w4["id"], occurred_at=ts(now() - datetime.timedelta(hours=25)),
                        cause="肺栓塞", place="家中")
        self.assertIs(r["late"], True)
        w5, _ = self.pregnancy("310104")
        r = self.report(kind="maternal_death", woman_id=w5["id"], occurred_at=ts(now() - datetime.timedelta(hours=23)),
                        cause="肺栓塞", place="家中")
        self.assertIs(r["late"], False)
        # other kinds have no deadline here
        w6, _ = self.pregnancy("310104")
        r = self.report(kind="critical_maternal", woman_id=w6["id"], occurred_at=ts(occurred),
                        reported_at=ts(occurred + datetime.timedelta(hours=72)), cause="重度子痫前期", place="医院")
        self.assertEqual((r["late"], r["report_within_hours"]), (False, None))
        # filter by lateness
        lates = self.c("city").get("/api/v1/critical-events", query={"late": "true", "page_size": 100}).body
        self.assertTrue(all(x["late"] for x in lates["items"]))
        self.assertIn(late["id"], [x["id"] for x in lates["items"]])

    def test_maternal_death_closes_the_open_pregnancy(self):
        w, p = self.pregnancy("310104")
        occurred = now() - datetime.timedelta(hours=2)
        ev = self.report(kind="maternal_death", woman_id=w["id"], occurred_at=ts(occurred), cause="羊水栓塞",
                         place="转运途中")
        self.assertEqual((ev["pregnancy_id"], ev["closed_pregnancy"], ev["district"], ev["institution_id"]),
                         (p["id"], True, "310104", HOSP))
        rec = self.c("city").get("/api/v1/pregnancies/%s" % p["id"]).body
        self.assertEqual((rec["status"], rec["outcome"], rec["ended_on"]),
                         ("closed", "maternal_death", occurred.date().isoformat()))
        self.assertIn("close", self.audit_actions("pregnancy", p["id"]))
        self.assertIn("report", self.audit_actions("critical_event", ev["id"]))
        # a woman dies once
        r = self.refused(self.c("ob"), "POST", "/api/v1/critical-events", 409,
                         json={"kind": "maternal_death", "woman_id": w["id"], "occurred_at": ts(occurred),
                               "cause": "x", "place": "y"})
        self.assertEqual(r.body["existing_id"], ev["id"])
        # a critical case does not close it
        w2, p2 = self.pregnancy("310104")
        ev = self.report(kind="critical_maternal", woman_id=w2["id"], occurred_at=ts(occurred),
                         cause="重度子痫前期", place="医院")
        self.assertEqual((ev["pregnancy_id"], ev["closed_pregnancy"]), (p2["id"], False))
        self.assertEqual(self.c("city").get("/api/v1/pregnancies/%s" % p2["id"]).body["status"], "open")
        # a death before this pregnancy began is not its maternal death
        w3, _ = self.pregnancy("310104", lmp_days=30)
        self.refused(self.c("ob"), "POST", "/api/v1/critical-events", 422, ["occurred_at"],
                     json={"kind": "maternal_death", "woman_id": w3["id"],
                           "occurred_at": ts(now() - datetime.timedelta(days=40)), "cause": "x", "place": "y"})

    def test_child_deaths(self):
        _, rec, child, born = self.newborn("310104", hours_ago=50)
        ev = self.report(kind="perinatal_death", child_id=child,
                         occurred_at=ts(born + datetime.timedelta(hours=40)), cause="新生儿窒息", place="医院")
        self.assertEqual((ev["child_id"], ev["pregnancy_id"], ev["late"]), (child, rec["id"], False))
        self.refused(self.c("ob"), "POST", "/api/v1/critical-events", 409,
                     json={"kind": "perinatal_death", "child_id": child,
                           "occurred_at": ts(born + datetime.timedelta(hours=41)), "cause": "x", "place": "y"})
        _, _, child2, born2 = self.newborn("310104", hours_ago=24 * 9)
        self.refused(self.c("ob"), "POST", "/api/v1/critical-events", 422, ["occurred_at"],
                     json={"kind": "perinatal_death", "child_id": child2,
                           "occurred_at": ts(born2 + datetime.timedelta(days=8)), "cause": "x", "place": "y"})
        ev = self.report(kind="under5_death", child_id=child2, occurred_at=ts(born2 + datetime.timedelta(days=8)),
                         cause="肺炎", place="医院")
        self.assertEqual(ev["kind"], "under5_death")
        # a stillbirth has no child record: the mother is named
        w, p = self.pregnancy("310104", lmp_days=36 * 7)
        ev = self.report(kind="perinatal_death", woman_id=w["id"],
                         occurred_at=ts(now() - datetime.timedelta(hours=3)), cause="胎盘早剥致死胎", place="医院")
        self.assertEqual((ev["child_id"], ev["pregnancy_id"], ev["closed_pregnancy"]), (None, p["id"], False))

    def test_report_refusals(self):
        w, _ = self.pregnancy("310104")
        ob = self.c("ob")
        path = "/api/v1/critical-events"
        good = {"kind": "critical_maternal", "woman_id": w["id"], "occurred_at": ts(now()), "cause": "x",
                "place": "y"}
        self.refused(ob, "POST", path, 422, ["kind", "occurred_at", "cause", "place"], json={})
        self.refused(ob, "POST", path, 422, ["kind"], json=dict(good, kind="death"))
        self.refused(ob, "POST", path, 422, ["woman_id"], json={k: v for k, v in good.items() if k != "woman_id"})
        self.refused(ob, "POST", path, 422, ["child_id"], json=dict(good, child_id="3"))
        self.refused(ob, "POST", path, 422, ["child_id"], json=dict(good, kind="under5_death"))
        self.refused(ob, "POST", path, 422, ["woman_id"], json=dict(good, kind="under5_death", child_id="3"))
        self.refused(ob, "POST", path, 422, ["occurred_at"],
                     json=dict(good, occurred_at=ts(now() + datetime.timedelta(hours=1))))
        self.refused(ob, "POST", path, 422, ["reported_at"],
                     json=dict(good, reported_at=ts(now() - datetime.timedelta(hours=1))))
        self.refused(ob, "POST", path, 422, ["reported_at"],
                     json=dict(good, occurred_at=ts(now() - datetime.timedelta(hours=5)),
                               reported_at=ts(now() + datetime.timedelta(hours=1))))
        self.refused(ob, "POST", path, 422, ["occurred_at"], json=dict(good, occurred_at="2024-02-30T10:00"))
        self.refused(ob, "POST", path, 404, json=dict(good, woman_id="999999"))
        self.refused(self.c("doc_a"), "POST", path, 404, json=dict(good, kind="under5_death", woman_id=None,
                                                                   child_id="999999"))

    def test_reviews_and_the_work_list(self):
        occurred = now() - datetime.timedelta(days=2)
        w_xh, _ = self.pregnancy("310104")
        w_pd, _ = self.pregnancy("310115", doc="doc_b")
        a = self.report(kind="critical_maternal", woman_id=w_xh["id"], occurred_at=ts(occurred), cause="DIC",
                        place="医院")
        b = self.report(client=self.c("ob_b"), kind="maternal_death", woman_id=w_pd["id"], occurred_at=ts(occurred),
                        cause="羊水栓塞", place="医院")
        xh = [x["id"] for x in self.c("xh_admin").get("/api/v1/worklists/reviews",
                                                      query={"page_size": 100}).body["items"]]
        self.assertIn(a["id"], xh)
        self.assertNotIn(b["id"], xh)
        pd = [x["id"] for x in self.c("pd_admin").get("/api/v1/worklists/reviews",
                                                      query={"page_size": 100}).body["items"]]
        self.assertIn(b["id"], pd)
        self.assertNotIn(a["id"], pd)
        city = self.c("city").get("/api/v1/worklists/reviews", query={"page_size": 100}).body
        self.assertTrue({a["id"], b["id"]} <= {x["id"] for x in city["items"]})
        self.assertTrue(all(x["reviewed"] is False for x in city["items"]))
        only = self.c("city").get("/api/v1/worklists/reviews", query={"kind": "maternal_death", "page_size": 100})
        self.assertTrue(all(x["kind"] == "maternal_death" for x in only.body["items"]))
        self.refused(self.c("ob"), "GET", "/api/v1/worklists/reviews", 403)
        self.refused(self.c("rc_ruijin"), "GET", "/api/v1/worklists/reviews", 403)
        # the review
        path = "/api/v1/critical-events/%s/review" % a["id"]
        good = {"reviewed_at": today().isoformat(), "panel": ["王主任", "李主任"], "conclusion": "救治及时",
                "preventability": "preventable_with_conditions", "factors": ["转诊延误", "血源不足"]}
        self.refused(self.c("xh_admin"), "POST", path, 422, ["reviewed_at", "panel", "conclusion", "preventability"],
                     json={})
        self.refused(self.c("xh_admin"), "POST", path, 422, ["preventability"],
                     json=dict(good, preventability="maybe"))
        self.refused(self.c("xh_admin"), "POST", path, 422, ["reviewed_at"],
                     json=dict(good, reviewed_at=(today() + datetime.timedelta(days=1)).isoformat()))
        self.refused(self.c("xh_admin"), "POST", path, 422, ["reviewed_at"],
                     json=dict(good, reviewed_at=(today() - datetime.timedelta(days=10)).isoformat()))
        self.refused(self.c("xh_admin"), "POST", path, 422, ["factors[1]"], json=dict(good, factors=["a", 3]))
        self.refused(self.c("pd_admin"), "POST", path, 403, json=good)
        self.refused(self.c("ob"), "POST", path, 403, json=good)
        r = self.c("xh_admin").post(path, good)
        self.assertEqual(r.status, 200, r)
        rv = r.body["review"]
        self.assertEqual((r.body["reviewed"], rv["preventability"], rv["panel"], rv["factors"]),
                         (True, "preventable_with_conditions", ["王主任", "李主任"], ["转诊延误", "血源不足"]))
        self.refused(self.c("xh_admin"), "POST", path, 409, json=good)
        xh = [x["id"] for x in self.c("xh_admin").get("/api/v1/worklists/reviews",
                                                      query={"page_size": 100}).body["items"]]
        self.assertNotIn(a["id"], xh)
        self.assertIn("review", self.audit_actions("critical_event", a["id"]))
        # the city reviews the other one, with a panel named as a text
        r = self.c("city").post("/api/v1/critical-events/%s/review" % b["id"],
                                dict(good, panel="市孕产妇死亡评审专家组", preventability="unpreventable",
                                     reviewed_at=ts(now())))
        self.assertEqual((r.status, r.body["review"]["panel"]), (200, "市孕产妇死亡评审专家组"), r)
        # reading one event: scope as for her record
        self.assertEqual(self.c("xh_admin").get("/api/v1/critical-events/%s" % a["id"]).status, 200)
        self.refused(self.c("pd_admin"), "GET", "/api/v1/critical-events/%s" % a["id"], 403)


# --------------------------------------------------------------------------
# a new version of the network (its own server: it changes the routing)


class T7Versions(Base):
    @classmethod
    def setUpClass(cls):
        cls.server = fuyou.Server()
        cls.server.start()
        cls.clients = {}
        start_users(cls.server, cls.clients)

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
            p = cls.server.cli("audit", "verify")
            if p.returncode != 0:
                raise AssertionError("audit chain broken: %s %s" % (p.stdout, p.stderr))
        finally:
            cls.server.cleanup()

    def test_put_new_version_and_older_referrals_keep_theirs(self):
        city = self.c("city")
        v1 = city.get("/api/v1/rescue-network").body
        self.assertEqual(v1["version"], 1)
        _, _, old = self.maternal("310101")
        self.assertEqual((old["center"], old["routing"]["network_version"]), ("ruijin", 1))
        # the 2023-style re-pairing: 黄浦 moves from 瑞金 to 中山, 徐汇 from 中山 to 瑞金;
        # newborn 黄浦 to 新华
        m = [dict(c) for c in SAMPLE["maternal"]]
        m[0] = {"center": "ruijin", "districts": ["310104", "310106"]}
        m[1] = {"center": "zhongshan", "districts": ["310101", "310107", "310114"]}
        nb = [dict(c) for c in SAMPLE["newborn"]]
        nb[0] = {"center": "ruijin", "districts": ["310106"]}
        nb[3] = {"center": "xinhua", "districts": ["310101", "310109", "310110", "310113", "310151"]}
        body = {"label": "2023", "effective": today().isoformat(), "note": "2023年方案调整",
                "maternal": m, "newborn": nb}
        r = city.request("PUT", "/api/v1/rescue-network", json=body, headers={"If-Match": '"1"'})
        self.assertEqual(r.status, 200, r)
        v2 = r.body
        self.assertEqual((v2["version"], v2["label"], v2["effective"], v2["current"], v2["sample"]),
                         (2, "2023", today().isoformat(), True, False))
        self.assertEqual(v2["routing_order"], v1["routing_order"])  # kept from the version before
        self.assertEqual(r.headers.get("ETag"), '"2"')
        self.assertIn("publish", self.audit_actions("rescue_network", 2))
        got = self.c("ob").get("/api/v1/rescue-network").body
        self.assertEqual((got["version"], got["maternal"][1]["districts"]), (2, ["310101", "310107", "310114"]))
        self.assertEqual([x["version"] for x in got["versions"]], [2, 1])
        # version 1 is still there as it was
        old_net = city.get("/api/v1/rescue-network", query={"version": "1"}).body
        self.assertEqual((old_net["current"], old_net["maternal"][0]["districts"]), (False, ["310101", "310106"]))
        # a new referral is routed by version 2; the older one keeps version 1 and its centre
        _, _, new = self.maternal("310101")
        self.assertEqual((new["center"], new["routing"]["network_version"]), ("zhongshan", 2))
        _, _, child, _ = self.newborn("310101")
        nref = self.refer(kind="newborn", type="referral", child_id=child, reason="惊厥", urgency="emergency",
                          indications=["seizure"])
        self.assertEqual((nref["center"], nref["routing"]["network_version"]), ("xinhua", 2))
        again = city.get("/api/v1/referrals/%s" % old["id"]).body
        self.assertEqual((again["center"], again["routing"]["network_version"]), ("ruijin", 1))
        # the old one still moves at its centre
        self.move(old["id"], "accepted", self.c("rc_ruijin"))
        # a stale If-Match loses
        self.refused(city, "PUT", "/api/v1/rescue-network", 412, json=body, headers={"If-Match": '"1"'})
        # the routing rule is data: version 3 routes by the referring hospital first
        body3 = dict(body, label="by-hospital", routing_order=["referring_institution_district",
                                                               "patient_residence_district"],
                     routing_rule="the referring hospital's district first", routing_rule_zh="按转出医院所在区")
        r = city.request("PUT", "/api/v1/rescue-network", json=body3)
        self.assertEqual((r.status, r.body["version"]), (200, 3), r)
        _, _, by_hosp = self.maternal("310101")  # from 普陀 310107 → zhongshan in v3
        self.assertEqual((by_hosp["center"], by_hosp["routing"]["basis"], by_hosp["routing"]["district"],
                          by_hosp["routing"]["network_version"]),
                         (PAIR["maternal"]["310107"], "referring_institution_district", HOSP_DISTRICT, 3))
        _, _, by_hosp_b = self.maternal("310101", client=self.c("ob_b"), from_institution_id=HOSP_B)
        self.assertEqual((by_hosp_b["center"], by_hosp_b["routing"]["district"]), ("renji", "310115"))
        # a version whose effective date is still ahead does not route yet
        later = (today() + datetime.timedelta(days=30)).isoformat()
        r = city.request("PUT", "/api/v1/rescue-network", json=dict(body, label="next-year", effective=later,
                                                                    maternal=SAMPLE["maternal"]))
        self.assertEqual((r.status, r.body["version"], r.body["current"]), (200, 4, False), r)
        self.assertEqual(city.get("/api/v1/rescue-network").body["version"], 3)
        _, _, still3 = self.maternal("310104", client=self.c("ob_b"), from_institution_id=HOSP_B)
        self.assertEqual(still3["routing"]["network_version"], 3)
        # without a label the version is named by its number
        r = city.request("PUT", "/api/v1/rescue-network", json={k: v for k, v in body.items() if k != "label"})
        self.assertEqual((r.status, r.body["version"], r.body["label"], r.body["current"]), (200, 5, "v5", True), r)


if __name__ == "__main__":
    prog = unittest.main(exit=False, verbosity=2)
    res = prog.result
    bad = len(res.failures) + len(res.errors) + len(res.unexpectedSuccesses)
    print("test_rescue: %d tests, %d failures, %d errors, %d skipped — %s" % (
        res.testsRun, len(res.failures), len(res.errors), len(res.skipped), "OK" if not bad else "FAILED"))
    sys.exit(1 if bad else 0)
