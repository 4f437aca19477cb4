"""Black-box tests of issue 4 (birth): newborn screening and the recall work
list, certificate number blocks, the birth medical certificate (application,
issue, concurrent issue, replacement, reissue, void, PDF), the public
verification and its rate limit, and the birth one-stop. Runs the real
binary ($FUYOU_BIN) on a free port with a fresh database; see fuyou.py.

Institutions: H (sh6) issues in most tests; H2 (zhongshan) only in the
concurrency test; H3 (ipmch) holds the block-rule tests; MCH (徐汇区妇幼保健所)
reissues. Every mother lives in 徐汇 (310104), the district of xh_admin.
"""

import datetime
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuyou  # noqa: E402

H, H2, H3 = [x["id"] for x in fuyou.institutions("delivery_hospital", "310104")[:3]]
MCH = fuyou.institution("mch_institute", "310104", 0)
CHC = fuyou.institution("community_health_center", "310104", 0)

USERS = {
    "city": ("city_admin", None, None),
    "svc": ("sys_admin", None, None),  # the downstream one-stop service account
    "xh_admin": ("district_admin", None, "310104"),
    "obs": ("obstetrician", H, None),
    "obs2": ("obstetrician", H2, None),
    "obs3": ("obstetrician", H3, None),
    "mch": ("community_doctor", MCH, None),  # staff of the district MCH institute
    "doc": ("community_doctor", CHC, None),
}

S = None
C = {}
VERIFY = "/api/v1/public/birth-certificates/verify"


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc)


def shanghai_today():
    return (now_utc() + datetime.timedelta(hours=8)).date()


def expect_problem(t, r, status, field=None):
    """A problem+json refusal with Chinese and English text naming `field`."""
    t.assertEqual(r.status, status, r)
    t.assertIn("problem+json", r.headers.get("Content-Type", ""), r)
    t.assertTrue(fuyou.has_zh_en(r.body.get("detail")), r)
    if field:
        t.assertIn(field, fuyou.problem_errors(r), r)
    for e in r.body.get("errors", []):
        t.assertTrue(fuyou.has_zh_en(e.get("message")), e)


def birth(babies=1, days_ago=1, hospital=H, client=None, sexes=None):
    """A woman, her pregnancy and its delivery `days_ago` days ago at
    `hospital`: returns {woman, idn, pregnancy, children}."""
    if client is None:
        client = C[{H: "obs", H2: "obs2", H3: "obs3"}[hospital]]
    idn = fuyou.resident_id()
    w = client.post("/api/v1/women", {"name": "李芳", "id_type": "resident_id", "id_number": idn,
                                      "phone": fuyou.phone(), "residence_district": "310104",
                                      "address": "徐汇区漕溪北路100号"})
    assert w.status == 201, w
    lmp = shanghai_today() - datetime.timedelta(days=days_ago + 275)
    p = client.post("/api/v1/pregnancies", {"woman_id": w.body["id"], "lmp": lmp.isoformat(), "card": "big",
                                            "institution_id": hospital, "gravidity": 1, "parity": 0,
                                            "height_cm": 160, "weight_kg": 55})
    assert p.status == 201, p
    at = (now_utc() - datetime.timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    kids = [{"sex": (sexes or [1] * babies)[i], "weight_g": 3200 - 100 * i, "length_cm": 50, "outcome": "live"}
            for i in range(babies)]
    d = client.post("/api/v1/pregnancies/%s/delivery" % p.body["id"],
                    {"delivered_at": at, "institution_id": hospital, "mode": "spontaneous", "babies": kids})
    assert d.status == 201, d
    ch = client.get("/api/v1/children", query={"mother_id": w.body["id"]})
    assert ch.status == 200 and len(ch.body["items"]) == babies, ch
    return {"woman": w.body["id"], "idn": idn, "pregnancy": p.body["id"],
            "children": [x["id"] for x in ch.body["items"]]}


def mother_of(b, **over):
    m = {"name": "李芳", "nationality": "中国", "ethnicity": "汉族", "id_type": "resident_id",
         "id_number": b["idn"], "address": "徐汇区漕溪北路100号"}
    m.update(over)
    return m


FATHER = {"name": "王强", "nationality": "中国", "ethnicity": "汉族", "id_type": "resident_id",
          "address": "徐汇区漕溪北路100号"}


def father():
    f = dict(FATHER)
    f["id_number"] = fuyou.resident_id(female=False, birth="19850305")
    return f


def apply(client, b, child=None, name="王小明", **over):
    body = {"child_id": child or b["children"][0], "child_name": name, "mother": mother_of(b), "father": None,
            "applicant": {"name": "李芳", "relation": "母亲"}}
    body.update(over)
    return client.post("/api/v1/birth-certificates", body)


def issued(b, client=None, name="王小明", child=None):
    """Applies and issues; returns the certificate body."""
    client = client or C["obs"]
    a = apply(client, b, child=child, name=name)
    assert a.status == 201, a
    r = client.post("/api/v1/birth-certificates/%s/issue" % a.body["id"])
    assert r.status == 200, r
    return r.body


def db():
    return sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(S.db), uri=True, timeout=10)


def setUpModule():
    global S
    S = fuyou.Server(env={"FUYOU_VERIFY_PER_MINUTE": "100000"})
    S.start()
    for name, (role, inst, dist) in USERS.items():
        S.add_user(name, role, institution=inst, district=dist)
        C[name] = S.client(name)
    assert C["city"].post("/api/v1/certificate-blocks",
                          {"institution_id": H, "letter": "X", "first": 320101001, "last": 320109999}).status == 201
    assert C["city"].post("/api/v1/certificate-blocks",
                          {"institution_id": MCH, "letter": "R", "first": 1, "last": 1000}).status == 201


def tearDownModule():
    if S:
        try:
            S.stop()
        finally:
            S.cleanup()


class Blocks(unittest.TestCase):
    def test_block_rules(self):
        city = C["city"]
        r = city.post("/api/v1/certificate-blocks", {"institution_id": H3, "letter": "A", "first": 1, "last": 100})
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.body["first"], r.body["last"], r.body["next"]), ("A000000001", "A000000100", "A000000001"))
        self.assertEqual(r.body["remaining"], 100)
        # sharing one number at either end, inside, around: 409 naming the field
        for first, last in ((100, 150), (0, 1), (50, 60), (0, 200)):
            r = city.post("/api/v1/certificate-blocks", {"institution_id": H3, "letter": "A", "first": first,
                                                          "last": last})
            expect_problem(self, r, 409, "first")
            self.assertTrue(r.body["type"].endswith("block_overlap"), r)
        # overlapping another institution's block is refused too
        r = city.post("/api/v1/certificate-blocks", {"institution_id": H2, "letter": "A", "first": 90, "last": 95})
        expect_problem(self, r, 409, "first")
        # adjacent blocks and the same numbers under another letter are fine
        r = city.post("/api/v1/certificate-blocks", {"institution_id": H3, "letter": "A", "first": "000000101",
                                                      "last": "A000000200"})
        self.assertEqual(r.status, 201, r)
        r = city.post("/api/v1/certificate-blocks", {"institution_id": H3, "letter": "B", "first": 1, "last": 100})
        self.assertEqual(r.status, 201, r)
        r = city.post("/api/v1/certificate-blocks", {"institution_id": H3, "letter": "A", "first": 999999999,
                                                      "last": 999999999})
        self.assertEqual(r.status, 201, r)
        # malformed input: each rule named
        for body, field in (({"institution_id": H3, "letter": "a", "first": 1000, "last": 1001}, "letter"),
                            ({"institution_id": H3, "letter": "AB", "first": 1000, "last": 1001}, "letter"),
                            ({"institution_id": H3, "letter": "C", "first": 1000000000, "last": 1000000001}, "first"),
                            ({"institution_id": H3, "letter": "C", "first": -1, "last": 5}, "first"),
                            ({"institution_id": H3, "letter": "C", "first": 10, "last": 9}, "last"),
                            ({"institution_id": H3, "letter": "C", "first": "12345678", "last": 9}, "first"),
                            ({"institution_id": CHC, "letter": "C", "first": 1, "last": 9}, "institution_id"),
                            ({"letter": "C", "first": 1, "last": 9}, "institution_id")):
            expect_problem(self, city.post("/api/v1/certificate-blocks", body), 422, field)
        # only the city hands out blocks
        r = C["obs3"].post("/api/v1/certificate-blocks", {"institution_id": H3, "letter": "D", "first": 1, "last": 9})
        expect_problem(self, r, 403)
        # an institution sees its own blocks
        r = C["obs3"].get("/api/v1/certificate-blocks")
        self.assertEqual(r.status, 200, r)
        self.assertEqual({x["institution_id"] for x in r.body["items"]}, {H3})
        self.assertEqual(len(r.body["items"]), 4)


class ConcurrentIssue(unittest.TestCase):
    def test_20_concurrent_issues_get_20_consecutive_numbers(self):
        r = C["city"].post("/api/v1/certificate-blocks", {"institution_id": H2, "letter": "C", "first": 500,
                                                          "last": 520})
        self.assertEqual(r.status, 201, r)
        births = [birth(babies=5, hospital=H2, client=C["obs2"]) for _ in range(4)]
        apps = []
        for b in births:
            for k in b["children"]:
                a = apply(C["obs2"], b, child=k)
                self.assertEqual(a.status, 201, a)
                apps.append(a.body["id"])
        self.assertEqual(len(apps), 20)
        out = [None] * 20

        def go(i):
            c = fuyou.Client(S.url)
            c.token = C["obs2"].token
            out[i] = c.post("/api/v1/birth-certificates/%s/issue" % apps[i])

        threads = [threading.Thread(target=go, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for r in out:
            self.assertEqual(r.status, 200, r)
        numbers = sorted(r.body["number"] for r in out)
        self.assertEqual(numbers, ["C%09d" % n for n in range(500, 520)])
        # the same application issued five times at once: one wins
        b = birth(hospital=H2, client=C["obs2"])
        a = apply(C["obs2"], b)
        self.assertEqual(a.status, 201, a)
        same = [None] * 5

        def again(i):
            c = fuyou.Client(S.url)
            c.token = C["obs2"].token
            same[i] = c.post("/api/v1/birth-certificates/%s/issue" % a.body["id"])

        threads = [threading.Thread(target=again, args=(i,)) for i in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ok = [r for r in same if r.status == 200]
        self.assertEqual(len(ok), 1, same)
        self.assertEqual(ok[0].body["number"], "C000000520")
        for r in same:
            if r.status != 200:
                expect_problem(self, r, 409, "status")
        # the block is used up: the next issue is refused, naming the number
        b = birth(hospital=H2, client=C["obs2"])
        a = apply(C["obs2"], b)
        r = C["obs2"].post("/api/v1/birth-certificates/%s/issue" % a.body["id"])
        expect_problem(self, r, 409, "number")
        self.assertEqual(C["obs2"].get("/api/v1/birth-certificates/%s" % a.body["id"]).body["status"], "applied")
        with db() as con:
            rows = con.execute("SELECT number, status FROM certificate_numbers WHERE number LIKE 'C%'").fetchall()
        self.assertEqual(len(rows), 21)
        self.assertTrue(all(s == "issued" for _, s in rows))


class Application(unittest.TestCase):
    def test_name_rules_at_their_edges(self):
        b = birth()
        before = S.table_counts()["birth_certificates"]
        bad = ["Wang", "王小明2", "王 小明", " 王小明", "wáng", "王xiao明", "", "王一二三四五六七八九十一二三四五",
               "·王", "王·", "王小明\u3000"]
        for name in bad:
            r = apply(C["obs"], b, name=name)
            expect_problem(self, r, 422, "child_name")
        self.assertEqual(S.table_counts()["birth_certificates"], before)
        # 15 characters are accepted; withdrawn; one character is accepted
        r = apply(C["obs"], b, name="王一二三四五六七八九十一二三四")
        self.assertEqual(r.status, 201, r)
        w = C["obs"].post("/api/v1/birth-certificates/%s/void" % r.body["id"], {"reason": "撤回申请"})
        self.assertEqual(w.status, 200, w)
        self.assertEqual(w.body["status"], "voided")
        self.assertIsNone(w.body["number"])
        r = apply(C["obs"], b, name="王")
        self.assertEqual(r.status, 201, r)
        # one person, one certificate
        r2 = apply(C["obs"], b, name="王二")
        expect_problem(self, r2, 409, "child_id")
        b2 = birth()
        r = apply(C["obs"], b2, name="阿依·买买提")
        self.assertEqual(r.status, 201, r)

    def test_mother_must_be_the_delivery_mother(self):
        b = birth()
        other = fuyou.resident_id()
        r = apply(C["obs"], b, mother=mother_of(b, id_number=other))
        expect_problem(self, r, 422, "mother.id_number")
        r = apply(C["obs"], b, mother=mother_of(b, id_type="passport", id_number="E12345678"))
        expect_problem(self, r, 422, "mother.id_number")
        r = apply(C["obs"], b, mother=mother_of(b, id_number=fuyou.wrong_check(b["idn"])))
        expect_problem(self, r, 422, "mother.id_number")
        r = apply(C["obs"], b, mother={"name": "李芳"})
        expect_problem(self, r, 422, "mother.id_number")
        for f in ("mother.nationality", "mother.id_type", "mother.address"):
            self.assertIn(f, fuyou.problem_errors(r))
        r = apply(C["obs"], b, mother=None)
        expect_problem(self, r, 422, "mother")
        bad_father = father()
        bad_father["id_number"] = fuyou.wrong_check(bad_father["id_number"])
        r = apply(C["obs"], b, father=bad_father)
        expect_problem(self, r, 422, "father.id_number")
        r = apply(C["obs"], b, child_id="abc")
        expect_problem(self, r, 422, "child_id")
        r = apply(C["obs"], b, unknown=1)
        expect_problem(self, r, 422, "unknown")
        # a foreign mother needs no ethnicity, but still the delivery mother's ID
        r = apply(C["obs"], b, mother=mother_of(b, nationality="日本", ethnicity=None))
        self.assertEqual(r.status, 201, r)
        # the mother applies online for her own child only
        S.add_user("mom_%s" % b["woman"], "citizen", woman=b["woman"])
        mom = S.client("mom_%s" % b["woman"])
        b2 = birth()
        r = apply(mom, b2)
        expect_problem(self, r, 403)
        S.add_user("mom_%s" % b2["woman"], "citizen", woman=b2["woman"])
        mom2 = S.client("mom_%s" % b2["woman"])
        r = apply(mom2, b2, father=father(), applicant="李芳")
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.body["applicant"]["channel"], "online")
        self.assertEqual(r.body["status"], "applied")
        # the hospital sees the online application among those awaiting issue
        pend = C["obs"].get("/api/v1/birth-certificates", query={"status": "applied", "page_size": 100})
        self.assertEqual(pend.status, 200, pend)
        self.assertIn(r.body["id"], [x["id"] for x in pend.body["items"]])
        pend2 = C["obs2"].get("/api/v1/birth-certificates", query={"status": "applied", "page_size": 100})
        self.assertNotIn(r.body["id"], [x["id"] for x in pend2.body["items"]])
        expect_problem(self, C["obs"].get("/api/v1/birth-certificates"), 422, "child_id")
        # ID numbers are masked unless unmasked with a reason
        self.assertEqual(r.body["mother"]["id_number"], fuyou.masked(b2["idn"]))
        self.assertNotIn(b2["idn"], str(r.body))
        g = C["obs"].get("/api/v1/birth-certificates/%s" % r.body["id"], query={"unmask": "true"})
        expect_problem(self, g, 422, "reason")
        g = C["obs"].get("/api/v1/birth-certificates/%s" % r.body["id"],
                         query={"unmask": "true", "reason": "核对出生医学证明申请"})
        self.assertEqual(g.status, 200, g)
        self.assertEqual(g.body["mother"]["id_number"], b2["idn"])
        # the mother cannot issue
        expect_problem(self, mom2.post("/api/v1/birth-certificates/%s/issue" % r.body["id"]), 403)

    def test_issue_rules_and_name_freeze(self):
        b = birth()
        a = apply(C["obs"], b)
        cid = a.body["id"]
        # not the delivery hospital: refused
        expect_problem(self, C["obs2"].post("/api/v1/birth-certificates/%s/issue" % cid), 403)
        expect_problem(self, C["doc"].post("/api/v1/birth-certificates/%s/issue" % cid), 403)
        # the pdf of an application does not exist yet
        expect_problem(self, C["obs"].get("/api/v1/birth-certificates/%s/pdf" % cid), 409, "status")
        # before issue the name can be changed on the child
        child = C["obs"].get("/api/v1/children/%s" % b["children"][0])
        p = C["obs"].patch("/api/v1/children/%s" % b["children"][0], {"name": "王小红"},
                           headers={"If-Match": child.headers.get("ETag")})
        self.assertEqual(p.status, 200, p)
        r = C["obs"].post("/api/v1/birth-certificates/%s/issue" % cid)
        self.assertEqual(r.status, 200, r)
        self.assertRegex(r.body["number"], r"^X\d{9}$")
        self.assertEqual(r.body["status"], "issued")
        self.assertEqual(r.body["printed"]["child"]["name"], "王小明")
        self.assertIsNone(r.body["printed"]["father"])
        # issued once only
        expect_problem(self, C["obs"].post("/api/v1/birth-certificates/%s/issue" % cid), 409, "status")
        # the child's record follows the printed name, and it is frozen now
        child = C["obs"].get("/api/v1/children/%s" % b["children"][0])
        self.assertEqual(child.body["name"], "王小明")
        p = C["obs"].patch("/api/v1/children/%s" % b["children"][0], {"name": "王大明"},
                           headers={"If-Match": child.headers.get("ETag")})
        expect_problem(self, p, 409, "name")
        # every write left an audit row
        au = C["city"].get("/api/v1/audit", query={"resource": "birth_certificate", "resource_id": cid})
        self.assertEqual(au.status, 200, au)
        actions = {x["action"] for x in au.body["items"]}
        self.assertTrue({"apply", "issue"} <= actions, actions)


class Chain(unittest.TestCase):
    def test_void_replace_reissue_never_reuse_a_number(self):
        b = birth()
        first = issued(b)
        n1 = first["number"]
        # replacement (换发): original voided, new number, both linked
        expect_problem(self, C["obs"].post("/api/v1/birth-certificates/%s/replace" % first["id"], {}), 422, "reason")
        expect_problem(self, C["obs"].post("/api/v1/birth-certificates/%s/replace" % first["id"],
                                           {"reason": "姓名更正", "corrections": {"child_name": "Wang"}}),
                       422, "corrections.child_name")
        expect_problem(self, C["obs2"].post("/api/v1/birth-certificates/%s/replace" % first["id"],
                                            {"reason": "姓名更正"}), 403)
        r = C["obs"].post("/api/v1/birth-certificates/%s/replace" % first["id"],
                          {"reason": "姓名更正", "corrections": {"child_name": "王小华", "father": father()}})
        self.assertEqual(r.status, 201, r)
        second = r.body
        self.assertEqual(second["kind"], "replacement")
        self.assertEqual(second["previous_id"], first["id"])
        self.assertEqual(second["child_name"], "王小华")
        self.assertEqual(second["printed"]["father"]["name"], "王强")
        self.assertEqual(second["printed"]["father"]["age"] >= 0, True)
        n2 = second["number"]
        self.assertNotEqual(n1, n2)
        old = C["obs"].get("/api/v1/birth-certificates/%s" % first["id"]).body
        self.assertEqual(old["status"], "voided")
        self.assertEqual(old["next_id"], second["id"])
        self.assertEqual(old["links"]["next"], "/api/v1/birth-certificates/%s" % second["id"])
        self.assertEqual([x["number"] for x in old["chain"]], [n1, n2])
        # the replaced one cannot be replaced or reissued again
        expect_problem(self, C["obs"].post("/api/v1/birth-certificates/%s/replace" % first["id"],
                                           {"reason": "再次更正"}), 409, "status")
        # reissue (补发) is the district MCH institute's, not the hospital's
        expect_problem(self, C["obs"].post("/api/v1/birth-certificates/%s/reissue" % second["id"],
                                           {"reason": "遗失"}), 403)
        r = C["xh_admin"].post("/api/v1/birth-certificates/%s/reissue" % second["id"], {"reason": "遗失补发"})
        self.assertEqual(r.status, 201, r)
        third = r.body
        n3 = third["number"]
        self.assertEqual(third["kind"], "reissue")
        self.assertEqual(third["previous_id"], second["id"])
        self.assertTrue(n3.startswith("R"), n3)  # from the MCH institute's block
        self.assertEqual(third["issuing_institution_id"], MCH)
        self.assertEqual(third["child_name"], "王小华")  # same content
        self.assertEqual(third["printed"]["mother"], second["printed"]["mother"])
        self.assertEqual(third["printed"]["child"], second["printed"]["child"])
        # the city may reissue too
        r = C["city"].post("/api/v1/birth-certificates/%s/reissue" % third["id"], {"reason": "再次遗失"})
        self.assertEqual(r.status, 201, r)
        fourth = r.body
        n4 = fourth["number"]
        # void (a misprint): voided, its number never reused
        expect_problem(self, C["obs"].post("/api/v1/birth-certificates/%s/void" % fourth["id"], {}), 422, "reason")
        r = C["xh_admin"].post("/api/v1/birth-certificates/%s/void" % fourth["id"], {"reason": "打印错误"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["status"], "voided")
        expect_problem(self, C["xh_admin"].post("/api/v1/birth-certificates/%s/void" % fourth["id"],
                                                {"reason": "打印错误"}), 409, "status")
        # a new application after the void gets a new number
        fifth = issued(b, name="王小华")
        n5 = fifth["number"]
        numbers = [n1, n2, n3, n4, n5]
        self.assertEqual(len(set(numbers)), 5, numbers)
        chain = C["obs"].get("/api/v1/birth-certificates/%s" % fifth["id"]).body["chain"]
        self.assertEqual([x["number"] for x in chain if x["number"]], numbers)
        self.assertEqual([x["status"] for x in chain if x["number"]], ["voided"] * 4 + ["issued"])
        # each number ended issued or voided, none twice
        with db() as con:
            st = dict(con.execute("SELECT number, status FROM certificate_numbers WHERE number IN (?,?,?,?,?)",
                                  numbers).fetchall())
        self.assertEqual(st, {n1: "voided", n2: "voided", n3: "voided", n4: "voided", n5: "issued"})
        # only the last one verifies
        pub = fuyou.Client(S.url)
        bd = fifth["birth_date"]
        for n in numbers[:4]:
            self.assertEqual(pub.get(VERIFY, query={"number": n, "child_name": "王小华", "birth_date": bd}).body,
                             {"valid": False})
        self.assertEqual(pub.get(VERIFY, query={"number": n5, "child_name": "王小华", "birth_date": bd}).body,
                         {"valid": True})
        # the spoiled blank: the block's next number ends voided
        blocks = C["obs"].get("/api/v1/certificate-blocks").body["items"]
        blk = [x for x in blocks if x["letter"] == "X"][0]
        nxt = blk["next"]
        r = C["obs"].post("/api/v1/certificate-blocks/%s/void-next" % blk["id"], {"reason": "空白证损坏"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["number"], nxt)
        again = issued(birth())
        self.assertNotEqual(again["number"], nxt)
        self.assertGreater(again["number"], nxt)


class Pdf(unittest.TestCase):
    def test_pdf_holds_every_printed_field(self):
        b = birth()
        cert = issued(b)
        r = C["obs"].get("/api/v1/birth-certificates/%s/pdf" % cert["id"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("Content-Type"), "application/pdf")
        data = r.body if isinstance(r.body, bytes) else r.body.encode("latin-1")
        self.assertTrue(data.startswith(b"%PDF"), data[:20])
        self.assertIn(cert["number"].encode(), data)
        # the mother reads her child's certificate; an unrelated citizen cannot
        S.add_user("pdfmom_%s" % b["woman"], "citizen", woman=b["woman"])
        mom = S.client("pdfmom_%s" % b["woman"])
        self.assertEqual(mom.get("/api/v1/birth-certificates/%s/pdf" % cert["id"]).status, 200)
        other = birth()
        S.add_user("pdfother_%s" % other["woman"], "citizen", woman=other["woman"])
        expect_problem(self, S.client("pdfother_%s" % other["woman"]).get(
            "/api/v1/birth-certificates/%s/pdf" % cert["id"]), 403)
        if not shutil.which("pdftotext"):
            self.skipTest("pdftotext (poppler-utils) is not installed")
        p = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, timeout=60)
        text = p.stdout.decode("utf-8", "replace")
        self.assertIn(cert["number"], text)
        for s in ("出生医学证明", "王小明", "李芳", "汉族", "居民身份证", b["idn"], "上海市", "徐汇区",
                  "上海市第六人民医院", "3200", "39", "Medical Certificate of Birth", "/"):
            self.assertIn(s, text, s)


class Verification(unittest.TestCase):
    def test_true_false_and_nothing_else(self):
        b = birth()
        cert = issued(b)
        pub = fuyou.Client(S.url)  # no login
        q = {"number": cert["number"], "child_name": "王小明", "birth_date": cert["birth_date"]}
        r = pub.get(VERIFY, query=q)
        self.assertEqual((r.status, r.body), (200, {"valid": True}))
        wrong_day = (datetime.date.fromisoformat(cert["birth_date"]) - datetime.timedelta(days=1)).isoformat()
        for over in ({"child_name": "王小红"}, {"birth_date": wrong_day}, {"number": "X999999999"},
                     {"number": "x" + cert["number"][1:]}, {"number": "not-a-number"}, {"birth_date": "2025-13-01"}):
            qq = dict(q)
            qq.update(over)
            r = pub.get(VERIFY, query=qq)
            self.assertEqual((r.status, r.body), (200, {"valid": False}), over)
        for missing in ("number", "child_name", "birth_date"):
            qq = {k: v for k, v in q.items() if k != missing}
            expect_problem(self, pub.get(VERIFY, query=qq), 422, missing)
        # an application has no number; a voided certificate is not valid
        C["obs"].post("/api/v1/birth-certificates/%s/void" % cert["id"], {"reason": "打印错误"})
        self.assertEqual(pub.get(VERIFY, query=q).body, {"valid": False})

    def test_rate_limit_per_client_address(self):
        with fuyou.Server(env={"FUYOU_VERIFY_PER_MINUTE": "5"}) as s:
            pub = s.client()
            q = {"number": "X000000001", "child_name": "王小明", "birth_date": "2025-01-01"}
            for _ in range(5):
                self.assertEqual(pub.get(VERIFY, query=q).status, 200)
            r = pub.get(VERIFY, query=q)
            expect_problem(self, r, 429, "number")
            self.assertGreater(int(r.headers.get("Retry-After")), 0)


class Restart(unittest.TestCase):
    def test_numbers_continue_across_restarts(self):
        s = fuyou.Server()
        try:
            s.start()
            s.add_user("c", "city_admin")
            s.add_user("o", "obstetrician", institution=H)
            c = s.client("c")
            self.assertEqual(c.post("/api/v1/certificate-blocks",
                                    {"institution_id": H, "letter": "K", "first": 1, "last": 9}).status, 201)
            global S, C
            saved = (S, dict(C))
            try:
                S, C = s, {"obs": s.client("o")}
                n = [issued(birth())["number"] for _ in range(2)]
                last = issued(birth())
                C["obs"].post("/api/v1/birth-certificates/%s/void" % last["id"], {"reason": "打印错误"})
                s.stop()
                s.start()
                C["obs"] = s.client("o")
                after = issued(birth())["number"]
            finally:
                S, C = saved[0], saved[1]
            self.assertEqual(n + [last["number"], after], ["K000000001", "K000000002", "K000000003", "K000000004"])
        finally:
            s.stop()
            s.cleanup()


class OneStop(unittest.TestCase):
    def test_issue_starts_the_one_stop(self):
        b = birth()
        cert = issued(b)
        with db() as con:
            ev = con.execute("SELECT kind, channel, text FROM outbox WHERE ref_type = 'birth_certificate'"
                             " AND ref_id = ?", (int(cert["id"]),)).fetchall()
        self.assertEqual([(k, ch) for k, ch, _ in ev], [("birth_certificate_issued", "event")])
        self.assertIn(cert["number"], ev[0][2])
        S.add_user("bsmom_%s" % b["woman"], "citizen", woman=b["woman"])
        mom = S.client("bsmom_%s" % b["woman"])
        r = mom.get("/api/v1/birth-services", query={"child_id": b["children"][0]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.body["items"]), 1)
        svc = r.body["items"][0]
        self.assertEqual(svc["certificate_number"], cert["number"])
        self.assertEqual([(x["step"], x["status"]) for x in svc["steps"]],
                         [("household_registration", "pending"), ("medical_insurance", "pending"),
                          ("social_security_card", "pending")])
        base = "/api/v1/birth-services/%s/steps/" % svc["id"]
        # the downstream service account reports; nobody else
        expect_problem(self, C["obs"].post(base + "household_registration", {"status": "sent"}), 403)
        expect_problem(self, mom.post(base + "household_registration", {"status": "done"}), 403)
        expect_problem(self, C["svc"].post(base + "passport", {"status": "sent"}), 404, "step")
        expect_problem(self, C["svc"].post(base + "household_registration", {"status": "finished"}), 422, "status")
        expect_problem(self, C["svc"].post(base + "household_registration", {}), 422, "status")
        r = C["svc"].post(base + "household_registration", {"status": "sent", "detail": "已推送公安户籍系统"})
        self.assertEqual(r.status, 200, r)
        r = C["svc"].post(base + "household_registration", {"status": "done", "detail": "户口已登记"})
        self.assertEqual(r.status, 200, r)
        r = C["svc"].post(base + "medical_insurance", {"status": "failed", "detail": "参保信息不全"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["overall"], "attention")
        expect_problem(self, C["svc"].post(base + "household_registration", {"status": "failed"}), 409, "status")
        r = C["svc"].post(base + "medical_insurance", {"status": "pending", "detail": "重试"})
        self.assertEqual(r.status, 200, r)
        r = mom.get("/api/v1/birth-services", query={"child_id": b["children"][0]})
        steps = {x["step"]: (x["status"], x["detail"]) for x in r.body["items"][0]["steps"]}
        self.assertEqual(steps["household_registration"], ("done", "户口已登记"))
        self.assertEqual(steps["medical_insurance"], ("pending", "重试"))
        self.assertEqual(steps["social_security_card"][0], "pending")
        # another mother cannot follow it
        other = birth()
        S.add_user("bsother_%s" % other["woman"], "citizen", woman=other["woman"])
        o = S.client("bsother_%s" % other["woman"])
        expect_problem(self, o.get("/api/v1/birth-services", query={"child_id": b["children"][0]}), 403)
        # a replacement points the record at the new certificate and tells downstream
        r = C["obs"].post("/api/v1/birth-certificates/%s/replace" % cert["id"], {"reason": "信息更正"})
        self.assertEqual(r.status, 201, r)
        svc2 = mom.get("/api/v1/birth-services", query={"child_id": b["children"][0]}).body["items"][0]
        self.assertEqual(svc2["id"], svc["id"])
        self.assertEqual(svc2["certificate_number"], r.body["number"])
        with db() as con:
            kinds = [k for (k,) in con.execute("SELECT kind FROM outbox WHERE channel = 'event' AND ref_id = ?",
                                               (int(r.body["id"]),))]
        self.assertEqual(kinds, ["birth_certificate_replaced"])


class Screening(unittest.TestCase):
    def recall(self, client=None, **q):
        r = (client or C["obs"]).get("/api/v1/worklists/screening-recall", query=dict(q, page_size=100))
        self.assertEqual(r.status, 200, r)
        return r.body["items"]

    def test_screening_and_recall_list(self):
        obs = C["obs"]
        old = birth(days_ago=10)["children"][0]          # nothing recorded
        young = birth(days_ago=3)["children"][0]         # too young to be listed
        done = birth(days_ago=10)["children"][0]         # both screened
        half = birth(days_ago=10)["children"][0]         # metabolic only
        mixed = birth(days_ago=10)["children"][0]        # not_done + refused
        edge6 = birth(days_ago=6)["children"][0]
        edge7 = birth(days_ago=7)["children"][0]
        day = lambda n: (shanghai_today() - datetime.timedelta(days=n)).isoformat()  # noqa: E731

        def screen(child, **body):
            return obs.post("/api/v1/children/%s/screenings" % child, body)

        for kind in ("metabolic", "hearing"):
            self.assertEqual(screen(done, kind=kind, sampled_at=day(7), result="negative").status, 201)
        self.assertEqual(screen(half, kind="metabolic", panel="basic", sampled_at=day(7), result="negative",
                                details={"tsh": 3.1}).status, 201)
        self.assertEqual(screen(mixed, kind="metabolic", result="not_done").status, 201)
        r = screen(mixed, kind="hearing", result="refused", details="家长拒绝")
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.body["recall"], "none")
        items = self.recall(type="unscreened")
        listed = {x["child"]["id"]: x for x in items}
        self.assertEqual(sorted(listed[old]["missing"]), ["hearing", "metabolic"])
        self.assertEqual(listed[half]["missing"], ["hearing"])
        self.assertEqual(listed[mixed]["missing"], ["metabolic"])
        self.assertIn(edge7, listed)      # 7 days after birth: listed
        self.assertNotIn(edge6, listed)   # 6 days: not yet
        self.assertNotIn(young, listed)
        self.assertNotIn(done, listed)
        self.assertEqual(listed[old]["mother"]["id_number"].count("*"), 8)  # masked
        # a refer result opens a recall, listed until the diagnosis
        r = screen(young, kind="hearing", panel="oae", sampled_at=day(1), result="refer")
        self.assertEqual(r.status, 201, r)
        sid = r.body["id"]
        self.assertEqual(r.body["recall"], "open")
        recalls = {x["screening"]["id"]: x for x in self.recall(type="recall")}
        self.assertIn(sid, recalls)
        self.assertEqual(recalls[sid]["child"]["id"], young)
        both = self.recall()
        self.assertTrue(any(x["type"] == "recall" for x in both) and any(x["type"] == "unscreened" for x in both))
        # a positive metabolic result too
        r = screen(old, kind="metabolic", panel="basic", sampled_at=day(6), result="positive", details={"phe": 900})
        psid = r.body["id"]
        self.assertIn(psid, {x["screening"]["id"] for x in self.recall(type="recall")})
        # diagnosis closes the recall
        dx = "/api/v1/children/%s/screenings/%s/diagnosis"
        expect_problem(self, obs.post(dx % (young, sid), {"date": day(0), "diagnosis": "双耳听力正常"}), 422,
                       "confirmed")
        expect_problem(self, obs.post(dx % (young, sid), {"date": day(2), "diagnosis": "x", "confirmed": False}),
                       422, "date")
        expect_problem(self, obs.post(dx % (old, sid), {"date": day(0), "diagnosis": "x", "confirmed": False}), 404)
        r = obs.post(dx % (young, sid), {"date": day(0), "diagnosis": "复筛通过，听力正常", "confirmed": False})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["recall"], "closed")
        expect_problem(self, obs.post(dx % (young, sid), {"date": day(0), "diagnosis": "x", "confirmed": True}),
                       409, "diagnosis")
        ids = {x["screening"]["id"] for x in self.recall(type="recall")}
        self.assertNotIn(sid, ids)
        self.assertIn(psid, ids)
        # a negative result has nothing to confirm
        neg = obs.get("/api/v1/children/%s/screenings" % done).body["items"][0]["id"]
        expect_problem(self, obs.post(dx % (done, neg), {"date": day(0), "diagnosis": "x", "confirmed": True}),
                       409, "result")
        # the old child's positive metabolic result counts as screened for the unscreened list
        listed = {x["child"]["id"]: x for x in self.recall(type="unscreened")}
        self.assertEqual(listed[old]["missing"], ["hearing"])
        # refusals name their fields
        for body, field in (({"kind": "vision", "result": "negative", "sampled_at": day(1)}, "kind"),
                            ({"kind": "hearing", "result": "pass", "sampled_at": day(1)}, "result"),
                            ({"kind": "hearing", "result": "negative"}, "sampled_at"),
                            ({"kind": "hearing", "result": "negative", "sampled_at": day(20)}, "sampled_at"),
                            ({"kind": "hearing", "result": "negative", "sampled_at": day(-2)}, "sampled_at"),
                            ({"kind": "hearing", "result": "negative", "sampled_at": "soon"}, "sampled_at"),
                            ({"kind": "hearing", "result": "negative", "sampled_at": day(1), "x": 1}, "x")):
            expect_problem(self, screen(young, **body), 422, field)
        # the list of a child; a citizen may not record or see the work list
        lst = obs.get("/api/v1/children/%s/screenings" % half)
        self.assertEqual(lst.status, 200, lst)
        self.assertEqual(lst.body["missing"], ["hearing"])
        self.assertEqual(lst.body["items"][0]["details"], {"tsh": 3.1})
        b = birth()
        S.add_user("scrmom_%s" % b["woman"], "citizen", woman=b["woman"])
        mom = S.client("scrmom_%s" % b["woman"])
        expect_problem(self, mom.get("/api/v1/worklists/screening-recall"), 403)
        expect_problem(self, mom.post("/api/v1/children/%s/screenings" % b["children"][0],
                                      {"kind": "hearing", "result": "refused"}), 403)
        # another institution does not see these children
        other = self.recall(client=C["obs3"])
        self.assertNotIn(old, {x["child"]["id"] for x in other})
        # the district sees them
        self.assertIn(old, {x["child"]["id"] for x in self.recall(client=C["xh_admin"], type="unscreened")})
        # the rule table is public
        r = fuyou.Client(S.url).get("/api/v1/screening/panels")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["unscreened_after_days"], 7)


if __name__ == "__main__":
    unittest.main(verbosity=2)
