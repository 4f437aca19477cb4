"""Black-box tests of issue 2 (platform foundation): the HTTP conventions,
accounts and lockout, reference data, the women registry with masking,
audited unmasking, If-Match, scope between institutions and districts, the
audit chain and the command line. Runs the real binary ($FUYOU_BIN) on a
free port with a fresh database; see fuyou.py for the harness.

Every 4xx answer is checked by expect_problem(): the problem+json shape,
Chinese and English text, the named fields, and that no row of any table
of the database was added, removed or changed (except for failed logins,
which are recorded on purpose).
"""

import datetime
import os
import re
import sqlite3
import sys
import unittest
import uuid

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuyou  # noqa: E402

DROP = object()  # marks a field to leave out of a request body

# Institutions: A and A2 in 徐汇 (310104), B in 浦东 (310115).
INST_A = fuyou.institution("community_health_center", "310104", 0)
INST_A2 = fuyou.institution("community_health_center", "310104", 1)
INST_B = fuyou.institution("community_health_center", "310115", 0)

USERS = {
    # username: (role, institution, district)
    "city": ("city_admin", None, None),
    "sys": ("sys_admin", None, None),
    "xh_admin": ("district_admin", None, "310104"),
    "pd_admin": ("district_admin", None, "310115"),
    "doc_a": ("community_doctor", INST_A, None),
    "doc_a2": ("community_doctor", INST_A2, None),
    "doc_b": ("community_doctor", INST_B, None),
    "locky": ("community_doctor", INST_A, None),
}

S = None  # the shared server
C = {}  # username -> logged-in Client
W = {}  # fixture women: key -> response body of their creation


def shanghai_today():
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


def woman_body(**over):
    body = {
        "name": "王芳",
        "id_type": "resident_id",
        "id_number": fuyou.resident_id(),
        "phone": fuyou.phone(),
        "residence_district": "310104",
        "address": "徐汇区漕溪北路 100 号",
    }
    body.update(over)
    return {k: v for k, v in body.items() if v is not DROP}


def create_woman(client, **over):
    r = client.post("/api/v1/women", woman_body(**over))
    if r.status != 201:
        raise AssertionError("creating a woman: %r" % (r,))
    return r.body


def setUpModule():
    global S
    S = fuyou.Server()
    S.start()
    # accounts are added while the server runs, as an operator would
    for name, (role, inst, dist) in USERS.items():
        S.add_user(name, role, institution=inst, district=dist)
    for name in USERS:
        if name != "locky":
            C[name] = S.client(name)
    W["a"] = create_woman(C["doc_a"], name="范围甲", residence_district="310104")
    W["b"] = create_woman(C["doc_b"], name="范围乙", residence_district="310115")
    # registered (served) in 徐汇, lives in 浦东
    W["a_pd"] = create_woman(C["doc_a"], name="范围丙", residence_district="310115")


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

    def assert_problem_shape(self, r, status):
        self.assertEqual(r.status, status, r)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("application/problem+json"),
                        r.headers.get("Content-Type"))
        b = r.body
        self.assertIsInstance(b, dict, r)
        for k in ("type", "title", "status", "detail", "errors"):
            self.assertIn(k, b, r)
        self.assertIsInstance(b["type"], str)
        self.assertTrue(b["type"])
        self.assertEqual(b["status"], status)
        self.assertTrue(fuyou.has_zh_en(b["title"]), b["title"])
        self.assertTrue(fuyou.has_zh_en(b["detail"]), b["detail"])
        self.assertIsInstance(b["errors"], list)
        for e in b["errors"]:
            self.assertTrue(set(e) >= {"field", "code", "message"}, e)
            self.assertTrue(fuyou.has_zh_en(e["message"]), e)
        self.assertNotIn("<html", str(b).lower())

    def expect_problem(self, client, method, path, status, fields=(), writes=False, **kw):
        """Sends the request and checks a problem+json answer with `status`
        naming every field in `fields`; the database must not change."""
        before = S.table_digests()
        r = client.request(method, path, **kw)
        self.assert_problem_shape(r, status)
        named = fuyou.problem_errors(r)
        for f in fields:
            self.assertIn(f, named, r)
        if not writes:
            self.assertEqual(S.table_digests(), before, "a %d answer changed the database: %r" % (status, r))
        return r


# --------------------------------------------------------------------------


class T1Http(Base):
    def test_health(self):
        r = C["city"].get("/api/v1/health", auth=False)
        self.assertEqual(r.status, 200)
        self.assertTrue(r.headers["Content-Type"].startswith("application/json"))
        self.assertEqual(r.body["status"], "ok")
        self.assertEqual(r.body["store"], "sqlite")
        self.assertRegex(r.body["version"], r"^\d+\.\d+\.\d+")

    def test_not_found(self):
        anon = S.client()
        self.expect_problem(anon, "GET", "/api/v1/no-such-thing", 404)
        self.expect_problem(anon, "POST", "/nowhere/at/all", 404)
        self.expect_problem(C["city"], "GET", "/api/v1/women/abc", 404)
        self.expect_problem(C["city"], "GET", "/api/v1/women/0", 404)
        self.expect_problem(C["city"], "GET", "/api/v1/women/99999999", 404)
        self.expect_problem(C["city"], "GET", "/api/v1/women/-3", 404)

    def test_method_not_allowed(self):
        r = self.expect_problem(C["city"], "DELETE", "/api/v1/women", 405)
        allow = [m.strip() for m in r.headers.get("Allow", "").split(",")]
        self.assertIn("GET", allow)
        self.assertIn("POST", allow)
        r = self.expect_problem(C["city"], "PUT", "/api/v1/health", 405)
        self.assertEqual(r.headers.get("Allow"), "GET")
        r = self.expect_problem(C["city"], "DELETE", "/api/v1/women/%s" % W["a"]["id"], 405)
        allow = [m.strip() for m in r.headers.get("Allow", "").split(",")]
        self.assertEqual(sorted(allow), ["GET", "PATCH"])

    def test_unauthenticated(self):
        anon = S.client()
        r = self.expect_problem(anon, "GET", "/api/v1/me", 401)
        self.assertTrue(r.headers.get("WWW-Authenticate", "").startswith("Bearer"), r.headers)
        self.expect_problem(anon, "GET", "/api/v1/women", 401)
        self.expect_problem(anon, "POST", "/api/v1/women", 401, json=woman_body())
        bad = "A" * 43  # the right shape, but no such session
        self.expect_problem(anon, "GET", "/api/v1/me", 401, headers={"Authorization": "Bearer " + bad})
        self.expect_problem(anon, "GET", "/api/v1/me", 401, headers={"Authorization": "Bearer short"})
        self.expect_problem(anon, "GET", "/api/v1/me", 401, headers={"Authorization": "Basic Y2l0eTpwdw=="})
        # a real token with one character changed
        tok = C["city"].token
        forged = tok[:-1] + ("A" if tok[-1] != "A" else "B")
        self.expect_problem(anon, "GET", "/api/v1/me", 401, headers={"Authorization": "Bearer " + forged})

    def test_forbidden_by_role(self):
        self.expect_problem(C["doc_a"], "GET", "/api/v1/audit", 403)
        self.expect_problem(C["xh_admin"], "GET", "/api/v1/audit", 403)

    def test_malformed_json(self):
        r = self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 400, raw='{"name": "王芳", ')
        self.assertIn("line", r.body["detail"])
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 400, raw="not json")
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 400, raw="")
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 400, raw='["an", "array"]')
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 400, raw='{"name": "a", "name": "b"}')
        self.expect_problem(S.client(), "POST", "/api/v1/auth/login", 400, raw="{bad")
        etag = C["city"].get("/api/v1/women/%s" % W["a"]["id"]).headers["ETag"]
        self.expect_problem(C["city"], "PATCH", "/api/v1/women/%s" % W["a"]["id"], 400, raw="{",
                            headers={"If-Match": etag})

    def test_body_too_large_announced(self):
        before = S.table_digests()
        head = ("POST /api/v1/women HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (C["doc_a"].token, 1024 * 1024 + 1))
        # the body is never sent: the server must answer from the headers alone
        status, hdrs, text = fuyou.raw_exchange(S.host, S.port, head)
        self.assertEqual(status, 413, text)
        self.assertTrue(hdrs.get("content-type", "").startswith("application/problem+json"))
        self.assertIn('"status":413', text)
        self.assertEqual(S.table_digests(), before)

    def test_body_too_large_chunked(self):
        before = S.table_digests()
        head = ("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        piece = b"a" * 65536
        chunks = [b"%x\r\n%s\r\n" % (len(piece), piece)] * 16 + [b"1\r\na\r\n0\r\n\r\n"]
        status, hdrs, text = fuyou.raw_exchange(S.host, S.port, head, chunks)
        self.assertEqual(status, 413, text)
        self.assertIn('"status":413', text)
        self.assertEqual(S.table_digests(), before)

    def test_body_of_exactly_one_mib_is_read(self):
        body = '{"username":"nobody-%s","password":"x"}' % uuid.uuid4().hex[:8]
        body = body + " " * (1024 * 1024 - len(body))
        self.assertEqual(len(body), 1024 * 1024)
        r = S.client().request("POST", "/api/v1/auth/login", raw=body)
        self.assertEqual(r.status, 401, r)

    def test_bodies_that_are_not_utf8_or_hold_nul(self):
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 400, raw=b'{"name": "\xff\xfe"}')
        # jansson refuses \u0000 in strings: malformed
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 400, json=woman_body(name="王\u0000芳"))
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422, fields=["address"],
                            json=woman_body(address="漕溪北路\t1号"))

    def test_blank_strings_are_empty(self):
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422, fields=["name", "address"],
                            json=woman_body(name="   ", address=" \n "))
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422, fields=["name"],
                            json=woman_body(name="\u3000\u3000"))
        # blanks around a real name are not counted against its length
        r = C["doc_a"].post("/api/v1/women", woman_body(name=" " + "欧" * 50 + " "))
        self.assertEqual(r.status, 201, r)

    def test_paths_with_odd_bytes_answer_json(self):
        # %FF is not UTF-8; a long Chinese path is cut in the detail text:
        # the problem body must stay valid UTF-8 JSON either way
        paths = ["/api/v1/%FF%FE", "/api/v1/women/%FF"]
        paths += ["/api/v1/" + pre + "%E5%A6%87" * 300 for pre in ("", "x", "xx")]  # every cut position
        for path in paths:
            with self.subTest(path[:30]):
                r = self.expect_problem(C["city"], "GET", path, 404)
                self.assertIsInstance(r.body, dict)


class T2Auth(Base):
    def test_login_reply(self):
        r = C["doc_a"].login_response
        self.assertEqual(r.status, 200)
        self.assertRegex(r.body["token"], r"^[A-Za-z0-9_-]{43}$")
        exp = datetime.datetime.strptime(r.body["expires_at"], "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.timezone.utc)
        hours = (exp - datetime.datetime.now(datetime.timezone.utc)).total_seconds() / 3600
        self.assertTrue(11.9 < hours <= 12.0, hours)
        u = r.body["user"]
        self.assertEqual(u["username"], "doc_a")
        self.assertEqual(u["role"], "community_doctor")
        self.assertEqual(u["institution_id"], INST_A)
        self.assertEqual(u["district_code"], "310104")
        self.assertEqual(str(u["id"]), str(S.users["doc_a"]))
        self.assertEqual(C["xh_admin"].user["district_code"], "310104")
        self.assertIsNone(C["xh_admin"].user["institution_id"])
        self.assertEqual(C["city"].user["role"], "city_admin")
        # two logins give two different tokens
        self.assertNotEqual(C["doc_a"].token, C["doc_a2"].token)

    def test_cookie(self):
        cookie = C["doc_b"].login_response.headers.get("Set-Cookie")
        self.assertIsNotNone(cookie)
        parts = [p.strip() for p in cookie.split(";")]
        name, _, value = parts[0].partition("=")
        self.assertEqual(value, C["doc_b"].token)
        lower = [p.lower() for p in parts]
        self.assertIn("httponly", lower)
        self.assertIn("samesite=strict", lower)
        # the cookie alone authenticates
        anon = S.client()
        r = anon.get("/api/v1/me", headers={"Cookie": "%s=%s" % (name, value)})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["user"]["username"], "doc_b")
        self.expect_problem(anon, "GET", "/api/v1/me", 401, headers={"Cookie": "%s=%s" % (name, "B" * 43)})

    def test_wrong_password_and_unknown_user(self):
        anon = S.client()
        r = self.expect_problem(anon, "POST", "/api/v1/auth/login", 401, writes=True,
                                json={"username": "doc_a2", "password": "wrong password"})
        self.assertNotIn("token", r.body)
        r2 = self.expect_problem(anon, "POST", "/api/v1/auth/login", 401, writes=True,
                                 json={"username": "no-such-user", "password": "wrong password"})
        # the answer does not tell which usernames exist
        self.assertEqual(r.body["detail"], r2.body["detail"])
        self.assertNotIn("Set-Cookie", r.headers)

    def test_password_is_taken_as_typed(self):
        blank = " " * 10
        S.add_user("spaces", "community_doctor", institution=INST_B, password=blank)
        c = S.client()
        c.login("spaces", blank)
        self.assertEqual(c.get("/api/v1/me").status, 200)
        self.expect_problem(S.client(), "POST", "/api/v1/auth/login", 401, writes=True,
                            json={"username": "spaces", "password": " " * 9})

    def test_login_fields_checked(self):
        anon = S.client()
        self.expect_problem(anon, "POST", "/api/v1/auth/login", 422, fields=["password"], json={"username": "city"})
        self.expect_problem(anon, "POST", "/api/v1/auth/login", 422, fields=["username", "password"], json={})
        self.expect_problem(anon, "POST", "/api/v1/auth/login", 422, fields=["username"],
                            json={"username": 5, "password": "x"})

    def test_lockout(self):
        anon = S.client()
        for i in range(5):
            self.expect_problem(anon, "POST", "/api/v1/auth/login", 401, writes=True,
                                json={"username": "locky", "password": "wrong %d" % i})
        r = self.expect_problem(anon, "POST", "/api/v1/auth/login", 429, writes=True,
                                json={"username": "locky", "password": fuyou.PASSWORD})
        self.assertNotIn("token", r.body)
        ra = int(r.headers.get("Retry-After"))
        self.assertTrue(800 < ra <= 900, ra)
        r = self.expect_problem(anon, "POST", "/api/v1/auth/login", 429, writes=True,
                                json={"username": "locky", "password": "still wrong"})
        # other usernames are not locked
        other = S.client()
        other.login("doc_a2")
        self.assertEqual(other.get("/api/v1/me").status, 200)

    def test_four_failures_do_not_lock(self):
        S.add_user("four", "community_doctor", institution=INST_B)
        anon = S.client()
        for i in range(4):
            anon.login("four", "bad %d" % i, expect=401)
        anon.login("four")
        # a success clears the count: four more failures still do not lock
        for i in range(4):
            anon.login("four", "bad again %d" % i, expect=401)
        anon.login("four")

    def test_logout_revokes(self):
        c = S.client("doc_b")
        other = S.client("doc_b")  # a second session of the same user
        self.assertEqual(c.get("/api/v1/me").status, 200)
        r = c.logout()
        self.assertEqual(r.status, 200, r)
        cookie = r.headers.get("Set-Cookie", "")
        self.assertIn("Max-Age=0", cookie)
        # the token is dead, on every worker thread: ask several times
        for _ in range(20):
            self.expect_problem(c, "GET", "/api/v1/me", 401)
        self.expect_problem(c, "POST", "/api/v1/auth/logout", 401)
        self.assertEqual(other.get("/api/v1/me").status, 200)

    def test_me(self):
        r = C["doc_a"].get("/api/v1/me")
        self.assertEqual(r.status, 200)
        u = r.body["user"]
        self.assertEqual((u["username"], u["role"], u["institution_id"], u["district_code"]),
                         ("doc_a", "community_doctor", INST_A, "310104"))
        self.assertEqual(r.body["district_name"], "徐汇区")
        inst = [x for x in fuyou.institutions() if x["id"] == INST_A][0]
        self.assertEqual(r.body["institution_name"], inst["name"])
        r = C["pd_admin"].get("/api/v1/me")
        self.assertEqual(r.body["user"]["district_code"], "310115")
        self.assertEqual(r.body["district_name"], "浦东新区")
        r = C["city"].get("/api/v1/me")
        self.assertEqual(r.status, 200, r)
        self.assertIsNone(r.body["user"]["institution_id"])
        self.assertIsNone(r.body["user"]["district_code"])


class T3Reference(Base):
    def test_districts(self):
        r = S.client().get("/api/v1/districts")
        self.assertEqual(r.status, 200)
        codes = [d["code"] for d in r.body["items"]]
        self.assertEqual(len(codes), 16)
        self.assertEqual(sorted(codes), sorted([
            "310101", "310104", "310105", "310106", "310107", "310109", "310110", "310112",
            "310113", "310114", "310115", "310116", "310117", "310118", "310120", "310151"]))
        names = {d["code"]: d["name"] for d in r.body["items"]}
        self.assertEqual(names["310115"], "浦东新区")
        self.assertEqual(names["310151"], "崇明区")

    def test_institutions_filters(self):
        anon = S.client()
        everything = anon.get("/api/v1/institutions")
        self.assertEqual(everything.status, 200)
        self.assertEqual(len(everything.body["items"]), len(fuyou.institutions()))
        for t, want in (("mch_institute", 16), ("maternal_rescue_center", 7), ("newborn_rescue_center", 6)):
            r = anon.get("/api/v1/institutions", query={"type": t})
            self.assertEqual(r.status, 200)
            self.assertEqual(len(r.body["items"]), want, t)
            self.assertTrue(all(t in x["types"] for x in r.body["items"]))
        for t in ("community_health_center", "delivery_hospital"):
            r = anon.get("/api/v1/institutions", query={"type": t})
            self.assertEqual(sorted(x["id"] for x in r.body["items"]), sorted(x["id"] for x in fuyou.institutions(t)))
            self.assertTrue(all(t in x["types"] for x in r.body["items"]))
        r = anon.get("/api/v1/institutions", query={"district": "310104"})
        self.assertEqual(sorted(x["id"] for x in r.body["items"]),
                         sorted(x["id"] for x in fuyou.institutions(district="310104")))
        self.assertTrue(all(x["district"] == "310104" for x in r.body["items"]))
        r = anon.get("/api/v1/institutions", query={"district": "310104", "type": "community_health_center"})
        ids = [x["id"] for x in r.body["items"]]
        self.assertIn(INST_A, ids)
        self.assertIn(INST_A2, ids)
        self.assertNotIn(INST_B, ids)
        self.assertTrue(all("community_health_center" in x["types"] and x["district"] == "310104"
                            for x in r.body["items"]))
        # one district, one MCH institute; delivery hospitals carry level 2 or 3
        for code, _ in fuyou.districts():
            r = anon.get("/api/v1/institutions", query={"district": code, "type": "mch_institute"})
            self.assertEqual(len(r.body["items"]), 1, code)
        r = anon.get("/api/v1/institutions", query={"type": "delivery_hospital"})
        self.assertTrue(all(x["level"] in (2, 3) for x in r.body["items"]))
        # a hospital with two roles is listed under both
        both = [x["id"] for x in fuyou.institutions("maternal_rescue_center") if "delivery_hospital" in x["types"]]
        self.assertTrue(both)
        r = anon.get("/api/v1/institutions", query={"type": "delivery_hospital"})
        self.assertIn(both[0], [x["id"] for x in r.body["items"]])

    def test_institutions_bad_filters(self):
        anon = S.client()
        self.expect_problem(anon, "GET", "/api/v1/institutions?type=hospital", 422, fields=["type"])
        self.expect_problem(anon, "GET", "/api/v1/institutions?district=310100", 422, fields=["district"])
        self.expect_problem(anon, "GET", "/api/v1/institutions?district=x&type=y", 422, fields=["district", "type"])


class T4Women(Base):
    def test_create(self):
        idn = fuyou.resident_id(birth="19920315")
        before = S.table_counts()
        r = C["doc_a"].post("/api/v1/women", woman_body(id_number=idn, household_district="110105"))
        self.assertEqual(r.status, 201, r)
        b = r.body
        self.assertTrue(str(b["id"]).isdigit())
        self.assertEqual(b["id_number"], fuyou.masked(idn))
        self.assertEqual(b["id_number"][:6], idn[:6])
        self.assertEqual(b["id_number"][-4:], idn[-4:])
        self.assertEqual(b["id_number"][6:14], "********")
        self.assertTrue(b["id_number_masked"])
        self.assertNotIn(idn, str(r.body))
        self.assertEqual(b["birth_date"], "1992-03-15")
        self.assertEqual(b["residence_district"], "310104")
        self.assertEqual(b["household_district"], "110105")
        self.assertEqual(r.headers.get("Location"), "/api/v1/women/%s" % b["id"])
        self.assertTrue(r.headers.get("ETag"))
        after = S.table_counts()
        self.assertEqual(after["women"], before["women"] + 1)
        self.assertGreater(after["audit"], before["audit"])
        # stored in full, shown masked
        con = sqlite3.connect(S.db)
        stored = con.execute("SELECT id_number FROM women WHERE id = ?", (int(b["id"]),)).fetchone()[0]
        con.close()
        self.assertEqual(stored, idn)

    def test_create_with_matching_birth_date_and_lower_x(self):
        idn = fuyou.resident_id_ending_x(birth="19880808")
        r = C["doc_a"].post("/api/v1/women", woman_body(id_number=idn.lower(), birth_date="1988-08-08"))
        self.assertEqual(r.status, 201, r)
        self.assertTrue(r.body["id_number"].endswith("X"))
        # found by the lower-case and the upper-case form
        for q in (idn, idn.lower()):
            s = C["doc_a"].get("/api/v1/women", query={"id_number": q})
            self.assertEqual([w["id"] for w in s.body["items"]], [r.body["id"]], q)
        # and the same number again, in either case, is a duplicate
        r2 = self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 409, json=woman_body(id_number=idn))
        self.assertEqual(str(r2.body["existing_id"]), str(r.body["id"]))

    def test_invalid_id_numbers(self):
        future = shanghai_today() + datetime.timedelta(days=3)
        cases = {
            "bad check digit": fuyou.wrong_check(fuyou.resident_id()),
            "impossible date": fuyou.resident_id(birth="19490230"),
            "feb 29 in a common year": fuyou.resident_id(birth="19900229"),
            "month 13": fuyou.resident_id(birth="19901301"),
            "future date": fuyou.resident_id(birth=future),
            "17 characters": fuyou.resident_id()[:17],
            "19 characters": fuyou.resident_id() + "1",
            "male": fuyou.resident_id(female=False),
            "letters": "31010419900101A02X",
            "unknown province": fuyou.resident_id(area="990101"),
        }
        for what, idn in cases.items():
            with self.subTest(what):
                r = self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422, fields=["id_number"],
                                        json=woman_body(id_number=idn))
                self.assertNotIn("birth_date", fuyou.problem_errors(r))
        # Feb 29 of a leap year is a real date
        r = C["doc_a"].post("/api/v1/women", woman_body(id_number=fuyou.resident_id(birth="19920229")))
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.body["birth_date"], "1992-02-29")

    def test_birth_date_mismatch(self):
        idn = fuyou.resident_id(birth="19900101")
        r = self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422, fields=["birth_date"],
                                json=woman_body(id_number=idn, birth_date="1990-01-02"))
        self.assertNotIn("id_number", fuyou.problem_errors(r))
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422, fields=["birth_date"],
                            json=woman_body(id_number=idn, birth_date="1990-02-30"))

    def test_bad_phone(self):
        for p in ("1390000000", "139000000001", "23900000000", "1390000000a", "+8613900000000", "", 13900000000):
            with self.subTest(p):
                self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422, fields=["phone"],
                                    json=woman_body(phone=p))

    def test_lengths_and_other_id_formats(self):
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422, fields=["name"], json=woman_body(name="王" * 51))
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422, fields=["address"],
                            json=woman_body(address="路" * 201))
        for bad in ("E 1234567", "E12", "护照12345", "E" * 31):
            with self.subTest(bad):
                self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422, fields=["id_number"],
                                    json=woman_body(id_type="passport", id_number=bad, birth_date="1990-01-01"))

    def test_bad_district(self):
        for d in ("310100", "110101", "31010", "3101040", "徐汇区", 310104):
            with self.subTest(d):
                self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422, fields=["residence_district"],
                                    json=woman_body(residence_district=d))
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422, fields=["household_district"],
                            json=woman_body(household_district="310199"))

    def test_several_bad_fields_all_named(self):
        r = self.expect_problem(
            C["doc_a"], "POST", "/api/v1/women", 422,
            fields=["name", "id_number", "phone", "residence_district", "address"],
            json=woman_body(name=DROP, id_number=fuyou.wrong_check(fuyou.resident_id()), phone="123",
                            residence_district="999999", address=""))
        self.assertGreaterEqual(len(r.body["errors"]), 5)
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422,
                            fields=["name", "id_type", "id_number", "phone", "residence_district", "address"],
                            json={})
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422, fields=["id_type"],
                            json=woman_body(id_type="driver_licence"))
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422, fields=["nickname"],
                            json=woman_body(nickname="小芳"))

    def test_other_id_types(self):
        long_no, short_no = "EA%09d" % os.getpid(), "E%08d" % os.getpid()
        r = C["doc_a"].post("/api/v1/women", woman_body(id_type="passport", id_number=long_no,
                                                         birth_date="1991-05-06"))
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.body["id_number"], long_no[:6] + "*" + long_no[-4:])
        self.assertEqual(r.body["birth_date"], "1991-05-06")
        # ten characters or fewer: all hidden
        r = C["doc_a"].post("/api/v1/women", woman_body(id_type="hk_macao_permit", id_number=short_no,
                                                         birth_date="1991-05-06"))
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.body["id_number"], "*" * len(short_no))
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422, fields=["birth_date"],
                            json=woman_body(id_type="passport", id_number="E12345999",
                                            birth_date=(shanghai_today() + datetime.timedelta(days=3)).isoformat()))
        self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 422, fields=["birth_date"],
                            json=woman_body(id_type="passport", id_number="E12345999"))

    def test_duplicate(self):
        idn = fuyou.resident_id()
        first = create_woman(C["doc_a"], id_number=idn)
        r = self.expect_problem(C["doc_a"], "POST", "/api/v1/women", 409, json=woman_body(id_number=idn))
        self.assertEqual(str(r.body["existing_id"]), str(first["id"]))
        # a different institution registering the same person gets the same answer
        r = self.expect_problem(C["doc_b"], "POST", "/api/v1/women", 409,
                                json=woman_body(id_number=idn, residence_district="310115"))
        self.assertEqual(str(r.body["existing_id"]), str(first["id"]))

    def test_get(self):
        wid = W["a"]["id"]
        r = C["doc_a"].get("/api/v1/women/%s" % wid)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["id"], wid)
        self.assertEqual(r.body["name"], "范围甲")
        self.assertTrue(r.body["id_number_masked"])
        self.assertIn("*", r.body["id_number"])
        self.assertEqual(r.headers.get("ETag"), '"%s"' % r.body["version"])

    def test_id_spelling_does_not_split_the_trail(self):
        wid = W["a"]["id"]
        r = C["doc_a"].get("/api/v1/women/000%s" % wid)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["id"], wid)
        # the newest row of this woman's trail is that read, under her one id
        a = C["city"].get("/api/v1/audit", query={"resource": "woman", "resource_id": wid})
        self.assertEqual((a.body["items"][0]["action"], a.body["items"][0]["user"]), ("read", "doc_a"))
        a = C["city"].get("/api/v1/audit", query={"resource": "woman", "resource_id": "000" + wid})
        self.assertEqual(a.body["items"], [])

    def test_read_is_audited(self):
        wid = W["b"]["id"]
        # a read is a row of the read log (DB-reads), not of the change log
        before = (S.table_counts()["audit"], fuyou.table_counts(S.db + "-reads")["audit"])
        self.assertEqual(C["doc_b"].get("/api/v1/women/%s" % wid).status, 200)
        self.assertEqual((S.table_counts()["audit"], fuyou.table_counts(S.db + "-reads")["audit"]),
                         (before[0], before[1] + 1))
        r = C["city"].get("/api/v1/audit", query={"resource": "woman", "resource_id": wid, "user": "doc_b"})
        actions = [a["action"] for a in r.body["items"]]
        self.assertIn("read", actions)
        self.assertIn("create", actions)

    def test_search_by_id_number(self):
        idn = fuyou.resident_id()
        w = create_woman(C["doc_a"], id_number=idn)
        r = C["doc_a"].get("/api/v1/women", query={"id_number": idn})
        self.assertEqual(r.status, 200)
        self.assertEqual([x["id"] for x in r.body["items"]], [w["id"]])
        self.assertEqual(r.body["total"], 1)
        self.assertEqual(r.body["items"][0]["id_number"], fuyou.masked(idn))
        # exact, not prefix
        r = C["doc_a"].get("/api/v1/women", query={"id_number": idn[:17]})
        self.assertEqual(r.body["items"], [])
        self.assertEqual(r.body["total"], 0)

    def test_search_by_district(self):
        r = C["city"].get("/api/v1/women", query={"name": "范围", "district": "310115"})
        self.assertEqual({x["id"] for x in r.body["items"]}, {W["b"]["id"], W["a_pd"]["id"]})
        self.expect_problem(C["city"], "GET", "/api/v1/women?district=310100", 422, fields=["district"])

    def test_search_by_name_prefix_with_paging(self):
        tag = "分页" + uuid.uuid4().hex[:4]
        ids = [create_woman(C["doc_a"], name="%s%d" % (tag, i))["id"] for i in range(5)]
        create_woman(C["doc_a"], name="别人" + tag)  # contains the tag, does not start with it
        pages = []
        for page in (1, 2, 3, 4):
            r = C["doc_a"].get("/api/v1/women", query={"name": tag, "page": page, "page_size": 2})
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.body["total"], 5)
            self.assertEqual(r.body["page"], page)
            self.assertEqual(r.body["page_size"], 2)
            pages.append([x["id"] for x in r.body["items"]])
        self.assertEqual([len(p) for p in pages], [2, 2, 1, 0])
        self.assertEqual(sum(pages, []), ids)
        r = C["doc_a"].get("/api/v1/women", query={"name": tag + "3"})
        self.assertEqual([x["id"] for x in r.body["items"]], [ids[3]])
        # wildcards are not wildcards
        for q in ("%", "_", tag[:1] + "%"):
            r = C["doc_a"].get("/api/v1/women", query={"name": q})
            self.assertEqual(r.body["total"], 0, q)
        self.expect_problem(C["doc_a"], "GET", "/api/v1/women?page_size=0", 422, fields=["page_size"])
        self.expect_problem(C["doc_a"], "GET", "/api/v1/women?page_size=101", 422, fields=["page_size"])
        self.expect_problem(C["doc_a"], "GET", "/api/v1/women?page=0", 422, fields=["page"])
        self.expect_problem(C["doc_a"], "GET", "/api/v1/women?page=x", 422, fields=["page"])

    def test_unmask(self):
        idn = fuyou.resident_id()
        w = create_woman(C["doc_a"], id_number=idn)
        path = "/api/v1/women/%s" % w["id"]
        self.expect_problem(C["doc_a"], "GET", path + "?unmask=true", 422, fields=["reason"])
        self.expect_problem(C["doc_a"], "GET", path + "?unmask=true&reason=x", 422, fields=["reason"])
        self.expect_problem(C["doc_a"], "GET", path + "?unmask=maybe&reason=check", 422, fields=["unmask"])
        self.expect_problem(C["sys"], "GET", path, 403, query={"unmask": "true", "reason": "系统维护 maintenance"})
        # out of scope stays out of scope with a reason
        self.expect_problem(C["doc_b"], "GET", path, 403, query={"unmask": "true", "reason": "核对身份 check"})
        reason = "核对身份以建小卡 %s" % uuid.uuid4().hex[:6]
        r = C["doc_a"].get(path, query={"unmask": "true", "reason": reason})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["id_number"], idn)
        self.assertFalse(r.body["id_number_masked"])
        # without unmask, masked again
        self.assertEqual(C["doc_a"].get(path).body["id_number"], fuyou.masked(idn))
        a = C["city"].get("/api/v1/audit", query={"resource": "woman", "resource_id": w["id"]})
        self.assertEqual(a.status, 200, a)
        rows = [x for x in a.body["items"] if x["reason"] == reason]
        self.assertEqual(len(rows), 1, a)
        self.assertEqual(rows[0]["user"], "doc_a")
        self.assertEqual(rows[0]["role"], "community_doctor")
        self.assertIn("unmask", rows[0]["action"])
        self.assertTrue(rows[0]["at"])
        self.assertTrue(rows[0]["client_ip"])
        # the audit trail is for city and system admins only
        self.assertEqual(C["sys"].get("/api/v1/audit").status, 200)
        self.expect_problem(C["doc_a"], "GET", "/api/v1/audit", 403, query={"resource": "woman"})

    def test_audit_query_filters(self):
        a = C["city"].get("/api/v1/audit", query={"user": "doc_b", "page_size": 100})
        self.assertEqual(a.status, 200)
        self.assertTrue(a.body["items"])
        self.assertTrue(all(x["user"] == "doc_b" for x in a.body["items"]))
        self.expect_problem(C["city"], "GET", "/api/v1/audit?from=yesterday", 422, fields=["from"])
        far = C["city"].get("/api/v1/audit", query={"from": "2999-01-01"})
        self.assertEqual(far.body["items"], [])
        past = C["city"].get("/api/v1/audit", query={"to": "2000-01-01"})
        self.assertEqual(past.body["items"], [])

    def test_patch_if_match(self):
        w = create_woman(C["doc_a"])
        path = "/api/v1/women/%s" % w["id"]
        etag = C["doc_a"].get(path).headers["ETag"]
        self.expect_problem(C["doc_a"], "PATCH", path, 428, json={"address": "新地址 1 号"})
        self.expect_problem(C["doc_a"], "PATCH", path, 412, json={"address": "新地址 1 号"},
                            headers={"If-Match": '"99"'})
        self.expect_problem(C["doc_a"], "PATCH", path, 412, json={"address": "新地址 1 号"},
                            headers={"If-Match": "garbage"})
        self.expect_problem(C["doc_a"], "PATCH", path, 422, fields=["phone"], json={"phone": "12"},
                            headers={"If-Match": etag})
        self.expect_problem(C["doc_a"], "PATCH", path, 422, fields=["id_number"],
                            json={"id_number": fuyou.resident_id()}, headers={"If-Match": etag})
        r = C["doc_a"].patch(path, {"address": "新地址 1 号", "phone": "13800000001"}, headers={"If-Match": etag})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["address"], "新地址 1 号")
        new_etag = r.headers.get("ETag")
        self.assertTrue(new_etag)
        self.assertNotEqual(new_etag, etag)
        g = C["doc_a"].get(path)
        self.assertEqual(g.headers["ETag"], new_etag)
        self.assertEqual(g.body["phone"], "13800000001")
        self.assertEqual(g.body["address"], "新地址 1 号")
        self.assertEqual(g.body["name"], w["name"])
        # the old ETag is now stale: a lost update is refused
        self.expect_problem(C["doc_a"], "PATCH", path, 412, json={"address": "旧的"}, headers={"If-Match": etag})
        self.assertEqual(C["doc_a"].get(path).body["address"], "新地址 1 号")
        # out of scope
        self.expect_problem(C["doc_b"], "PATCH", path, 403, json={"address": "x"}, headers={"If-Match": new_etag})
        self.expect_problem(C["doc_a"], "PATCH", "/api/v1/women/99999999", 404, json={"address": "x"},
                            headers={"If-Match": new_etag})


class T5Scope(Base):
    def ids_seen(self, who, name="范围"):
        r = C[who].get("/api/v1/women", query={"name": name, "page_size": 100})
        self.assertEqual(r.status, 200, r)
        return {x["id"] for x in r.body["items"]}

    def check(self, who, visible, hidden):
        for k in visible:
            r = C[who].get("/api/v1/women/%s" % W[k]["id"])
            self.assertEqual(r.status, 200, "%s should see %s: %r" % (who, k, r))
        for k in hidden:
            self.expect_problem(C[who], "GET", "/api/v1/women/%s" % W[k]["id"], 403)
        seen = self.ids_seen(who)
        for k in visible:
            self.assertIn(W[k]["id"], seen, "%s should find %s" % (who, k))
        for k in hidden:
            self.assertNotIn(W[k]["id"], seen, "%s should not find %s" % (who, k))

    def test_institution_staff(self):
        self.check("doc_a", ["a", "a_pd"], ["b"])
        self.check("doc_b", ["b"], ["a", "a_pd"])
        # another institution of the same district sees none of them
        self.check("doc_a2", [], ["a", "b", "a_pd"])

    def test_search_by_id_number_respects_scope(self):
        idn = C["doc_b"].get("/api/v1/women/%s" % W["b"]["id"], query={"unmask": "true", "reason": "测试 test"})
        full = idn.body["id_number"]
        r = C["doc_a"].get("/api/v1/women", query={"id_number": full})
        self.assertEqual(r.body["items"], [])
        self.assertEqual(r.body["total"], 0)
        r = C["doc_b"].get("/api/v1/women", query={"id_number": full})
        self.assertEqual(len(r.body["items"]), 1)

    def test_district_admins(self):
        # 徐汇: lives there (a) or served there (a_pd); not b
        self.check("xh_admin", ["a", "a_pd"], ["b"])
        # 浦东: lives there (b, a_pd); not a
        self.check("pd_admin", ["b", "a_pd"], ["a"])

    def test_city_and_sys_see_all(self):
        self.check("city", ["a", "b", "a_pd"], [])
        self.check("sys", ["a", "b", "a_pd"], [])

    def test_citizen_sees_only_herself(self):
        S.add_user("citizen_a", "citizen", woman=W["a"]["id"])
        c = S.client("citizen_a")
        self.assertEqual(str(c.user["woman_id"]), str(W["a"]["id"]))
        self.check_client(c, ["a"], ["b", "a_pd"])
        self.expect_problem(c, "POST", "/api/v1/women", 403, json=woman_body())
        self.expect_problem(c, "GET", "/api/v1/audit", 403)

    def check_client(self, c, visible, hidden):
        for k in visible:
            self.assertEqual(c.get("/api/v1/women/%s" % W[k]["id"]).status, 200)
        for k in hidden:
            self.expect_problem(c, "GET", "/api/v1/women/%s" % W[k]["id"], 403)
        r = c.get("/api/v1/women", query={"page_size": 100})
        self.assertEqual({x["id"] for x in r.body["items"]}, {W[k]["id"] for k in visible})


class T5bStorage(Base):
    def test_secrets_are_stored_as_hashes(self):
        import hashlib

        con = sqlite3.connect(S.db)
        try:
            self.assertEqual(con.execute("PRAGMA journal_mode").fetchone()[0].lower(), "wal")
            hashes = {bytes(r[0]) for r in con.execute("SELECT token_hash FROM sessions")}
            pw = [r[0] for r in con.execute("SELECT pwhash FROM users")]
        finally:
            con.close()
        self.assertIn(hashlib.sha256(C["doc_a"].token.encode()).digest(), hashes)
        self.assertTrue(pw and all(h.startswith("$argon2id$") for h in pw), pw)
        # neither a password nor a token appears anywhere in the files
        for path in (S.db, S.db + "-wal"):
            if os.path.exists(path):
                with open(path, "rb") as f:
                    data = f.read()
                self.assertNotIn(fuyou.PASSWORD.encode(), data, path)
                for name in ("doc_a", "city"):
                    self.assertNotIn(C[name].token.encode(), data, path)

    def test_writes_and_sign_ins_are_audited(self):
        c = S.client("doc_a2")
        w = create_woman(c)
        path = "/api/v1/women/%s" % w["id"]
        etag = c.get(path).headers["ETag"]
        self.assertEqual(c.patch(path, {"address": "改 1 号"}, headers={"If-Match": etag}).status, 200)
        self.assertEqual(c.logout().status, 200)
        a = C["city"].get("/api/v1/audit", query={"user": "doc_a2", "page_size": 100})
        got = [(x["action"], x["resource"], x["resource_id"]) for x in a.body["items"]]
        uid = str(S.users["doc_a2"])
        for want in (("login", "user", uid), ("create", "woman", w["id"]), ("read", "woman", w["id"]),
                     ("update", "woman", w["id"]), ("logout", "user", uid)):
            self.assertIn(want, got)
        # newest first: by time across the two logs, by seq within each
        self.assertEqual(got[0], ("logout", "user", uid))
        ats = [x["at"] for x in a.body["items"]]
        self.assertEqual(ats, sorted(ats, reverse=True))
        self.assertIn(("read", "woman", w["id"], "reads"),
                      [(x["action"], x["resource"], x["resource_id"], x["log"]) for x in a.body["items"]])
        for log in ("changes", "reads"):
            seqs = [x["seq"] for x in a.body["items"] if x["log"] == log]
            self.assertEqual(seqs, sorted(seqs, reverse=True), log)

    def test_concurrent_writes_share_commits_and_keep_the_chain(self):
        import concurrent.futures

        dup = fuyou.resident_id()
        bodies = [woman_body() for _ in range(24)] + [woman_body(id_number=dup) for _ in range(8)]
        before = S.table_counts()
        with concurrent.futures.ThreadPoolExecutor(16) as ex:
            results = list(ex.map(lambda b: C["doc_a"].post("/api/v1/women", b), bodies))
        statuses = [r.status for r in results]
        self.assertEqual(statuses[:24], [201] * 24)
        self.assertEqual(sorted(statuses[24:]), [201] + [409] * 7)
        ids = [r.body["id"] for r in results if r.status == 201]
        self.assertEqual(len(set(ids)), 25)
        winner = [r.body["id"] for r in results[24:] if r.status == 201][0]
        self.assertTrue(all(str(r.body["existing_id"]) == winner for r in results[24:] if r.status == 409))
        after = S.table_counts()
        self.assertEqual(after["women"], before["women"] + 25)
        self.assertEqual(after["audit"], before["audit"] + 25)
        p = S.cli("audit", "verify")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)


# --------------------------------------------------------------------------
# Tests with their own server: the audit chain on disk, and the clock.


def fake_now(base, **delta):
    return (base + datetime.timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


class T6AuditChain(unittest.TestCase):
    def test_verify_detects_change_and_deletion(self):
        srv = fuyou.Server()
        try:
            srv.start()
            srv.add_user("doc", "community_doctor", institution=INST_A)
            c = srv.client("doc")
            w = create_woman(c)
            reason = "核对身份 verify identity"
            # reads go to the read log (DB-reads), writes to the change log
            # (DB): the unmasked read lands in the middle of the read log
            c.get("/api/v1/women/%s" % w["id"])
            c.get("/api/v1/women/%s" % w["id"])
            r = c.get("/api/v1/women/%s" % w["id"], query={"unmask": "true", "reason": reason})
            self.assertEqual(r.status, 200, r)
            c.get("/api/v1/women/%s" % w["id"])
            c.logout()
            # verify works while the server runs, too
            p = srv.cli("audit", "verify")
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            srv.stop()

            p = srv.cli("audit", "verify")
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertIn("intact", p.stdout)

            reads_db = srv.db + "-reads"
            con = sqlite3.connect(reads_db)
            n = con.execute("SELECT count(*) FROM audit").fetchone()[0]
            seq = con.execute("SELECT seq FROM audit WHERE reason = ?", (reason,)).fetchone()[0]
            con.close()
            self.assertEqual(n, 4)
            self.assertEqual(seq, 3)  # a row in the middle
            con = sqlite3.connect(srv.db)
            changes = [a for a, in con.execute("SELECT action FROM audit ORDER BY seq")]
            con.close()
            self.assertIn("create", changes)
            self.assertNotIn("read", changes)
            self.assertNotIn("read_unmasked", changes)

            def tampered(name, log, *sql):
                """A copy of both files, with sql run on one log's file."""
                path = os.path.join(srv.dir, name)
                for src_path, dst_path in ((srv.db, path), (reads_db, path + "-reads")):
                    src, dst = sqlite3.connect(src_path), sqlite3.connect(dst_path)
                    src.backup(dst)
                    src.close()
                    dst.close()
                dst = sqlite3.connect(path + "-reads" if log == "reads" else path)
                # an attacker drops the append-only triggers first
                dst.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;" + ";".join(sql))
                dst.close()
                return srv.cli("audit", "verify", "--db", path, db=False)

            # the triggers refuse changes while they exist, in both files
            for f in (srv.db, reads_db):
                con = sqlite3.connect(f)
                with self.assertRaises(sqlite3.DatabaseError):
                    con.execute("UPDATE audit SET reason = 'x' WHERE seq = ?", (1,))
                with self.assertRaises(sqlite3.DatabaseError):
                    con.execute("DELETE FROM audit WHERE seq = ?", (1,))
                con.close()

            p = tampered("changed.db", "reads", "UPDATE audit SET reason = '例行查询 routine' WHERE seq = %d" % seq)
            self.assertNotEqual(p.returncode, 0, p.stdout)
            self.assertRegex(p.stdout + p.stderr, r"\brow %d\b.*read log" % seq)

            p = tampered("deleted.db", "reads", "DELETE FROM audit WHERE seq = %d" % seq)
            self.assertNotEqual(p.returncode, 0, p.stdout)
            self.assertRegex(p.stdout + p.stderr, r"\brow %d\b.*read log" % seq)

            p = tampered("time.db", "reads", "UPDATE audit SET at = at + 1 WHERE seq = %d" % (seq - 1))
            self.assertNotEqual(p.returncode, 0, p.stdout)
            self.assertRegex(p.stdout + p.stderr, r"\brow %d\b.*read log" % (seq - 1))

            p = tampered("first.db", "changes", "UPDATE audit SET username = 'someone' WHERE seq = 1")
            self.assertNotEqual(p.returncode, 0, p.stdout)
            self.assertRegex(p.stdout + p.stderr, r"\baudit row 1\b")

            p = tampered("created.db", "changes",
                         "DELETE FROM audit WHERE seq = (SELECT seq FROM audit WHERE action = 'create' LIMIT 1)")
            self.assertNotEqual(p.returncode, 0, p.stdout)
            self.assertRegex(p.stdout + p.stderr, r"\baudit row \d+\b")

            # the original is still intact
            p = srv.cli("audit", "verify")
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        finally:
            srv.cleanup()


class T7Clock(unittest.TestCase):
    """Lockout window and session expiry, with the clock set by FUYOU_NOW."""

    def test_lockout_window_and_token_expiry(self):
        t0 = datetime.datetime(2025, 3, 1, 2, 0, 0)
        srv = fuyou.Server(env={"FUYOU_NOW": fake_now(t0)})
        try:
            srv.start()
            srv.add_user("doc", "community_doctor", institution=INST_A)
            srv.add_user("locked", "community_doctor", institution=INST_A)
            c = srv.client()
            r = c.login("doc")
            self.assertEqual(r.body["expires_at"], fake_now(t0, hours=12))
            token = c.token
            for i in range(5):
                c.login("locked", "nope %d" % i, expect=401)
            r = c.login("locked", expect=429)
            self.assertEqual(r.headers.get("Retry-After"), "900")
            srv.stop()

            def at(**delta):
                srv.env["FUYOU_NOW"] = fake_now(t0, **delta)
                srv.start()

            at(minutes=14, seconds=59)
            c = srv.client()
            r = c.login("locked", expect=429)
            self.assertEqual(r.headers.get("Retry-After"), "1")
            c.token = token
            self.assertEqual(c.get("/api/v1/me").status, 200)
            srv.stop()

            at(minutes=15)  # the window has passed: exactly 15 minutes after
            c = srv.client()
            c.login("locked", expect=200)
            srv.stop()

            at(hours=12, seconds=1)
            c = srv.client()
            c.token = token
            r = c.get("/api/v1/me")
            self.assertEqual(r.status, 401, r)
            srv.stop()
        finally:
            srv.cleanup()


class T8Cli(unittest.TestCase):
    def run_cli(self, *args, **kw):
        import subprocess

        return subprocess.run([fuyou.binary()] + list(args), cwd=fuyou.ROOT, capture_output=True, text=True,
                              timeout=120, **kw)

    def test_help(self):
        p = self.run_cli("--help")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("serve", p.stdout)
        for cmd in ("serve", "migrate", "user", "audit", "demo"):
            with self.subTest(cmd):
                p = self.run_cli(cmd, "--help")
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertIn("usage", p.stdout)
        p = self.run_cli("serve", "--help")
        self.assertIn("--port", p.stdout)
        self.assertIn("--db", p.stdout)
        p = self.run_cli()
        self.assertNotEqual(p.returncode, 0)
        p = self.run_cli("frobnicate")
        self.assertNotEqual(p.returncode, 0)
        p = self.run_cli("serve", "--port")
        self.assertNotEqual(p.returncode, 0)

    def test_serve_refuses_bad_ports(self):
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, "p.db")
            for port in ("70000", "65536", "-1", "4294967297", "http"):
                with self.subTest(port):
                    p = self.run_cli("serve", "--db", db, "--port", port)
                    self.assertNotEqual(p.returncode, 0)
                    self.assertNotIn("listening", p.stdout)
            # a port that is taken: an error, not a hang and not a crash
            p = self.run_cli("serve", "--db", db, "--port", str(S.port))
            self.assertNotEqual(p.returncode, 0)
            self.assertNotIn("listening", p.stdout)
            self.assertTrue(p.stderr.strip())
            self.assertNotRegex(p.stderr, fuyou.CRASH_PATTERNS)

    def test_migrate_new_path(self):
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "sub", "new.db")
            p = self.run_cli("migrate", "--db", path)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertTrue(os.path.exists(path))
            counts = fuyou.table_counts(path)
            for t in ("users", "sessions", "women", "audit", "schema_migrations"):
                self.assertIn(t, counts)
            self.assertEqual(counts["women"], 0)
            p2 = self.run_cli("migrate", "--db", path)
            self.assertEqual(p2.returncode, 0, p2.stderr)
            self.assertEqual(p.stdout, p2.stdout)
            self.assertEqual(fuyou.table_counts(path), counts)
            p = self.run_cli("audit", "verify", "--db", path)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_user_add_refusals(self):
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, "u.db")
            add = ["user", "add", "--db", db, "--password-stdin"]
            p = self.run_cli(*add, "--username", "x", "--role", "community_doctor", input=fuyou.PASSWORD + "\n")
            self.assertNotEqual(p.returncode, 0)  # needs --institution
            p = self.run_cli(*add, "--username", "x", "--role", "pope", input=fuyou.PASSWORD + "\n")
            self.assertNotEqual(p.returncode, 0)
            p = self.run_cli(*add, "--username", "x", "--role", "city_admin", input="short\n")
            self.assertNotEqual(p.returncode, 0)
            for woman in ("abc", "0", "-4", "12x", ""):
                p = self.run_cli(*add, "--username", "c", "--role", "citizen", "--woman", woman,
                                 input=fuyou.PASSWORD + "\n")
                self.assertNotEqual(p.returncode, 0, woman)
            p = self.run_cli(*add, "--username", "c", "--role", "citizen", "--woman", "99",
                             input=fuyou.PASSWORD + "\n")
            self.assertNotEqual(p.returncode, 0)  # no such record
            p = self.run_cli(*add, "--username", "x", "--role", "community_doctor", "--institution", "nowhere",
                             input=fuyou.PASSWORD + "\n")
            self.assertNotEqual(p.returncode, 0)
            p = self.run_cli(*add, "--username", "x", "--role", "city_admin", input=fuyou.PASSWORD + "\n")
            self.assertEqual(p.returncode, 0, p.stderr)
            p = self.run_cli(*add, "--username", "x", "--role", "city_admin", input=fuyou.PASSWORD + "\n")
            self.assertNotEqual(p.returncode, 0)  # taken
            self.assertEqual(fuyou.table_counts(db)["users"], 1)


if __name__ == "__main__":
    prog = unittest.main(exit=False, verbosity=2)
    res = prog.result
    bad = len(res.failures) + len(res.errors) + len(res.unexpectedSuccesses)
    print("test_foundation: %d tests, %d failures, %d errors, %d skipped — %s" % (
        res.testsRun, len(res.failures), len(res.errors), len(res.skipped), "OK" if not bad else "FAILED"))
    sys.exit(1 if bad else 0)
