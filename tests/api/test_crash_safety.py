"""Crash safety (issue 9, item 5): acknowledged writes survive SIGKILL, and a
retry with the same Idempotency-Key never applies a write twice.

The world: a certificate number block for one delivery hospital, women with
open pregnancies (for antenatal visits) and delivered children with
certificate applications (for issues). Then, for ROUNDS rounds, on the same
database file:

  1. start the server (SQLite recovers the WAL the last kill left) and check
     the file: every write acknowledged so far is there exactly once;
  2. client threads (one obstetrician each) first retry every request of
     theirs that had no answer (same key, same body), then send new visits
     and certificate issues continuously, each POST with a fresh key — but
     a third of the visits without one: those take the server's path that
     does not hold a thread while the visit commits (pregnancies.c
     add_visit_async), and one that got no answer is not retried (nothing
     could tell a retry from a second visit);
  3. after a random delay the server gets SIGKILL.

A reply is sorted as: 2xx = acknowledged (possibly `Idempotent-Replayed`);
409 `idempotency_in_progress` = the effect committed before the kill but its
answer was not recorded (the effect is then checked in the file); no reply
(connection refused/reset) = pending, retried after the restart; anything
else is a failure. After the last round the server restarts, every pending
request is retried until answered, the server stops cleanly (sanitizers
speak then), and the file is checked directly:

  - every acknowledged visit is present exactly once (each visit carries a
    unique note), no visit at all is stored twice, none is unknown, and the
    audit has one add_visit row per visit; a keyless visit without an answer
    is there once or not at all;
  - each key has one idempotency row: the recorded answer for acknowledged
    requests, the bare claim (status 0) for the in-progress ones;
  - certificate numbers of the block are exactly first..next-1 (consecutive,
    none skipped), each taken once, all issued, each on exactly one
    certificate which carries it; every acknowledged issue has the number
    its reply named; one issue audit row per number; applications never
    sent are still awaiting issue;
  - `fuyou audit verify` exits 0.

FUYOU_CRASH_ROUNDS (default 24) and FUYOU_CRASH_SEED (default: random,
printed) tune a run. Runs the real binary ($FUYOU_BIN); see fuyou.py.
"""

import datetime
import http.client
import math
import os
import random
import signal
import sqlite3
import sys
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuyou  # noqa: E402

ROUNDS = int(os.environ.get("FUYOU_CRASH_ROUNDS", "24"))
SEED = int(os.environ.get("FUYOU_CRASH_SEED") or random.SystemRandom().randrange(1 << 30))
THREADS = 4
N_PREGNANCIES = 120  # open pregnancies receiving visits
N_BIRTHS = 100  # deliveries of quintuplets: 500 certificate applications
KEYLESS_SHARE = 1 / 3  # visits sent without an Idempotency-Key
BABIES = 5
ISSUE_SHARE = 0.25  # of the new requests, until the round's quota of issues is sent
LETTER, FIRST, LAST = "K", 1, 999999

H = fuyou.institutions("delivery_hospital", "310104")[0]["id"]
NET_ERRORS = (OSError, http.client.HTTPException)


def today():
    """Today in Asia/Shanghai (the server's care date)."""
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


def number_of(seq):
    return "%s%09d" % (LETTER, seq)


class Op:
    """One POST, retried with the same key and body until answered."""

    __slots__ = ("kind", "user", "key", "path", "body", "note", "cert", "state", "status", "reply", "replayed",
                 "tries", "ok_round")

    def __init__(self, kind, user, key, path, body, note=None, cert=None):
        self.kind, self.user, self.key, self.path, self.body = kind, user, key, path, body
        self.note, self.cert = note, cert
        # pending | ack | effect (409 idempotency_in_progress) | lost (no answer,
        # no key: never retried) | failed
        self.state = "pending"
        self.status = None
        self.reply = None
        self.replayed = False
        self.tries = 0

    def __repr__(self):
        return "<%s %s %s try %d: %s %s>" % (self.kind, self.key, self.path, self.tries, self.state, self.status)


class World:
    """What the clients did: every Op, and the applications not yet issued."""

    def __init__(self, rng):
        self.rng = rng
        self.lock = threading.Lock()
        self.ops = []
        self.pending = [[] for _ in range(THREADS)]
        self.failures = []
        self.pregnancies = []
        self.apps = []  # certificate application ids not yet sent to issue
        self.all_apps = []
        self.visit_date = None
        self.tokens = []
        self.user_ids = []
        self.seq = 0
        self.stats = {"sent": 0, "ack": 0, "replayed": 0, "effect": 0, "no_reply": 0, "retried": 0}

    def count(self, what, n=1):
        with self.lock:
            self.stats[what] += n

    def new_op(self, t, rnd, rng, want_issue):
        with self.lock:
            self.seq += 1
            key = "cs-%d-r%d-t%d-%d-%08x" % (SEED, rnd, t, self.seq, rng.getrandbits(32))
            app = self.apps.pop() if want_issue and self.apps else None
        if app is not None:
            op = Op("issue", t, key, "/api/v1/birth-certificates/%s/issue" % app, None, cert=app)
        else:
            note = "crash-visit " + key
            if rng.random() < KEYLESS_SHARE:
                key = None
            body = {"date": self.visit_date.isoformat(), "weight_kg": round(rng.uniform(58, 66), 1),
                    "sbp": rng.randint(105, 125), "dbp": rng.randint(65, 80),
                    "fetal_heart_rate": rng.randint(130, 150), "notes": note}
            op = Op("visit", t, key, "/api/v1/pregnancies/%s/visits" % rng.choice(self.pregnancies), body,
                    note=note)
        with self.lock:
            self.ops.append(op)
        return op


def send(world, client, op):
    """Sends op once and sorts the answer. Returns False when no answer came."""
    op.tries += 1
    world.count("sent")
    if op.tries > 1:
        world.count("retried")
    try:
        r = client.request("POST", op.path, json=op.body, headers={"Idempotency-Key": op.key} if op.key else {})
    except NET_ERRORS:
        world.count("no_reply")
        if op.key is None:
            op.state = "lost"
        elif op not in world.pending[op.user]:
            world.pending[op.user].append(op)
        return False
    if op in world.pending[op.user]:
        world.pending[op.user].remove(op)
    op.status = r.status
    if 200 <= r.status < 300:
        op.state = "ack"
        op.reply = r.body
        op.replayed = r.headers.get("Idempotent-Replayed") == "true"
        world.count("ack")
        if op.replayed:
            world.count("replayed")
        if not isinstance(r.body, dict) or (op.kind == "issue" and not r.body.get("number")):
            op.state = "failed"
            world.failures.append("%r: a 2xx without the expected body: %r" % (op, r))
    elif r.status == 409 and isinstance(r.body, dict) and str(r.body.get("type", "")).endswith(
            "idempotency_in_progress"):
        op.state = "effect"
        world.count("effect")
        if op.tries == 1:
            op.state = "failed"
            world.failures.append("%r: in progress on its first try: %r" % (op, r))
    else:
        op.state = "failed"
        world.failures.append("%r: answered %r" % (op, r))
    return True


def worker(world, t, url, rnd, quota, stop, rng, errors):
    try:
        c = fuyou.Client(url, timeout=30)
        c.token = world.tokens[t]
        # first the requests of earlier rounds that had no answer
        for op in list(world.pending[t]):
            if stop.is_set():
                return
            if not send(world, c, op):
                time.sleep(0.005)
        while not stop.is_set():
            want_issue = False
            if rng.random() < ISSUE_SHARE:
                with world.lock:
                    if quota[0] > 0:
                        quota[0] -= 1
                        want_issue = True
            op = world.new_op(t, rnd, rng, want_issue)
            if not send(world, c, op):
                time.sleep(0.005)  # the server is gone: do not spin
    except Exception as ex:  # noqa: BLE001 - reported by the main thread
        errors.append("worker %d: %r" % (t, ex))
        raise


def ro_connect(path):
    return sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(path), uri=True, timeout=30)


def check_file(world, db, final):
    """Everything the file must show; returns the problems found."""
    problems = []
    con = ro_connect(db)
    try:
        with world.lock:
            ops = list(world.ops)
        visits = [op for op in ops if op.kind == "visit"]
        issues = [op for op in ops if op.kind == "issue"]
        # ---- visits
        stored = dict(con.execute("SELECT notes, count(*) FROM visits WHERE notes LIKE 'crash-visit %'"
                                  " GROUP BY notes"))
        total_visits = con.execute("SELECT count(*) FROM visits").fetchone()[0]
        known = {op.note for op in visits}
        for note, n in stored.items():
            if n != 1:
                problems.append("visit %r stored %d times" % (note, n))
            if note not in known:
                problems.append("visit %r stored but never sent" % note)
        if total_visits != sum(stored.values()):
            problems.append("%d visits in the file, %d of them from this test" % (total_visits,
                                                                                 sum(stored.values())))
        for op in visits:
            if op.state == "lost" and stored.get(op.note, 0) > 1:
                problems.append("%r: sent once without a key, stored %d times" % (op, stored.get(op.note)))
            if op.state in ("ack", "effect") and stored.get(op.note) != 1:
                problems.append("%r: acknowledged (or said to be in effect) but stored %d times"
                                % (op, stored.get(op.note, 0)))
            elif final and op.state == "pending":
                problems.append("%r: never answered" % op)
        # ---- certificates
        certs = {str(i): (s, n) for i, s, n in con.execute("SELECT id, status, number FROM birth_certificates")}
        (block_id, first, last, nxt), = con.execute(
            "SELECT id, first, last, next FROM certificate_blocks WHERE institution_id = ? AND letter = ?",
            (H, LETTER)).fetchall()
        taken = con.execute("SELECT number, status, certificate_id FROM certificate_numbers WHERE block_id = ?",
                            (block_id,)).fetchall()
        want = [number_of(s) for s in range(first, nxt)]
        got = sorted(n for n, _, _ in taken)
        if got != want:
            missing = sorted(set(want) - set(got))[:5]
            extra = sorted(set(got) - set(want))[:5]
            problems.append("block %s: taken numbers are not exactly %s..%s (next %d): missing %s, extra %s, "
                            "%d rows for %d numbers" % (block_id, number_of(first), number_of(nxt - 1), nxt,
                                                        missing, extra, len(got), len(want)))
        other = con.execute("SELECT count(*) FROM certificate_numbers WHERE block_id != ?", (block_id,)).fetchone()[0]
        if other:
            problems.append("%d numbers taken outside the test's block" % other)
        per_cert = {}
        for number, status, cert_id in taken:
            if status != "issued":
                problems.append("number %s is %s (the test voids nothing)" % (number, status))
            per_cert.setdefault(str(cert_id), []).append(number)
            if certs.get(str(cert_id), (None, None))[1] != number:
                problems.append("number %s taken for certificate %s, which carries %r" % (
                    number, cert_id, certs.get(str(cert_id))))
        for cert_id, numbers in per_cert.items():
            if len(numbers) > 1:
                problems.append("certificate %s took %d numbers: %s (issued twice)" % (cert_id, len(numbers),
                                                                                      numbers))
        on_certs = [n for s, n in certs.values() if n]
        if len(on_certs) != len(set(on_certs)):
            problems.append("a number is on two certificates")
        for cid, (status, number) in certs.items():
            if status == "issued" and (not number or number not in per_cert.get(cid, [])):
                problems.append("certificate %s issued with number %r that its block did not give it" % (cid, number))
            if status not in ("issued", "applied"):
                problems.append("certificate %s is %s" % (cid, status))
        sent = {op.cert for op in issues}
        for op in issues:
            status, number = certs.get(str(op.cert), (None, None))
            if op.state == "ack":
                if status != "issued" or number != op.reply.get("number"):
                    problems.append("%r: acknowledged with number %s, the file has %s %r" % (
                        op, op.reply.get("number"), status, number))
            elif op.state == "effect":
                if status != "issued" or not number:
                    problems.append("%r: said to be in effect, the file has %s %r" % (op, status, number))
            elif final and op.state == "pending":
                problems.append("%r: never answered" % op)
        if final:
            for app in world.all_apps:
                if app not in sent and certs.get(str(app), (None,))[0] != "applied":
                    problems.append("application %s was never issued by the test but is %r" % (app, certs.get(app)))
        # ---- the audit trail of the writes
        n_add = con.execute("SELECT count(*) FROM audit WHERE action = 'add_visit'").fetchone()[0]
        if n_add != total_visits:
            problems.append("%d add_visit audit rows for %d visits" % (n_add, total_visits))
        reasons = [r for r, in con.execute("SELECT reason FROM audit WHERE action = 'issue'"
                                           " AND resource = 'birth_certificate'")]
        audited = {}
        for r in reasons:
            n = (r or "").split(" ")[0]
            audited[n] = audited.get(n, 0) + 1
        for number in got:
            if audited.get(number) != 1:
                problems.append("number %s has %d issue audit rows" % (number, audited.get(number, 0)))
        if len(reasons) != len(got):
            problems.append("%d issue audit rows for %d numbers" % (len(reasons), len(got)))
        # ---- one idempotency row per key, holding the answer when one was given
        if final:
            rows = {(u, k): s for u, k, s in con.execute(
                "SELECT user_id, key, status FROM idempotency WHERE key LIKE 'cs-%'")}
            for op in ops:
                if op.key is None:
                    continue
                s = rows.pop((world.user_ids[op.user], op.key), None)
                if s is None:
                    problems.append("%r: no idempotency row" % op)
                elif op.state == "ack" and s != op.status:
                    problems.append("%r: acknowledged %s, its idempotency row says %s" % (op, op.status, s))
                elif op.state == "effect" and s != 0:
                    problems.append("%r: answered in progress, its idempotency row says %s" % (op, s))
            if rows:
                problems.append("%d idempotency rows of unknown requests" % len(rows))
    finally:
        con.close()
    return problems


def stored_notes(db):
    con = ro_connect(db)
    try:
        return {n for n, in con.execute("SELECT notes FROM visits WHERE notes LIKE 'crash-visit %'")}
    finally:
        con.close()


def kill9(srv):
    """SIGKILL, then the harness's bookkeeping. Returns the run's stderr."""
    os.kill(srv.proc.pid, signal.SIGKILL)
    srv.proc.wait()
    srv._kill()
    return srv.stderr()


class CrashSafety(unittest.TestCase):
    def setUp(self):
        self.srv = fuyou.Server()
        self.addCleanup(self.srv.cleanup)
        self.rng = random.Random(SEED)
        self.world = World(self.rng)
        print("crash safety: seed %d (FUYOU_CRASH_SEED), %d rounds, binary %s" % (SEED, ROUNDS, self.srv.bin),
              flush=True)

    def build_world(self):
        srv, w = self.srv, self.world
        srv.start()
        srv.add_user("city", "city_admin")
        city = srv.client("city")
        for t in range(THREADS):
            w.user_ids.append(srv.add_user("obs%d" % t, "obstetrician", institution=H))
            w.tokens.append(srv.client("obs%d" % t).token)
        r = city.post("/api/v1/certificate-blocks", {"institution_id": H, "letter": LETTER, "first": FIRST,
                                                     "last": LAST})
        self.assertEqual(r.status, 201, r)
        day = today()
        w.visit_date = day - datetime.timedelta(days=1)
        errors = []

        def client(t):
            c = fuyou.Client(srv.url)
            c.token = w.tokens[t]
            return c

        def woman(c):
            idn = fuyou.resident_id()
            r = c.post("/api/v1/women", {"name": "李芳", "id_type": "resident_id", "id_number": idn,
                                         "phone": fuyou.phone(), "residence_district": "310104",
                                         "address": "徐汇区漕溪北路100号"})
            assert r.status == 201, r
            return r.body["id"], idn

        def pregnancy(c, wid, lmp):
            r = c.post("/api/v1/pregnancies", {"woman_id": wid, "lmp": lmp.isoformat(), "card": "big",
                                               "institution_id": H, "gravidity": 1, "parity": 0,
                                               "height_cm": 160, "weight_kg": 55})
            assert r.status == 201, r
            return r.body["id"]

        def open_pregnancies(t, n):
            c = client(t)
            for _ in range(n):
                wid, _ = woman(c)
                pid = pregnancy(c, wid, day - datetime.timedelta(days=150))
                with w.lock:
                    w.pregnancies.append(pid)

        def births(t, n):
            c = client(t)
            at = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=2)).strftime(
                "%Y-%m-%dT%H:%M:%SZ")
            for _ in range(n):
                wid, idn = woman(c)
                pid = pregnancy(c, wid, day - datetime.timedelta(days=277))
                kids = [{"sex": 1 + i % 2, "weight_g": 2400 - 50 * i, "length_cm": 46, "outcome": "live"}
                        for i in range(BABIES)]
                r = c.post("/api/v1/pregnancies/%s/delivery" % pid, {"delivered_at": at, "institution_id": H,
                                                                     "mode": "spontaneous", "babies": kids})
                assert r.status == 201, r
                r = c.get("/api/v1/children", query={"mother_id": wid})
                assert r.status == 200 and len(r.body["items"]) == BABIES, r
                for k in r.body["items"]:
                    a = c.post("/api/v1/birth-certificates", {
                        "child_id": k["id"], "child_name": "王小明", "father": None,
                        "mother": {"name": "李芳", "nationality": "中国", "ethnicity": "汉族",
                                   "id_type": "resident_id", "id_number": idn, "address": "徐汇区漕溪北路100号"},
                        "applicant": {"name": "李芳", "relation": "母亲"}})
                    assert a.status == 201, a
                    with w.lock:
                        w.apps.append(a.body["id"])

        def run(fn, t, n):
            try:
                fn(t, n)
            except BaseException as ex:  # noqa: BLE001
                errors.append("setup: %r" % ex)

        started = time.monotonic()
        threads = [threading.Thread(target=run, args=(open_pregnancies, t, N_PREGNANCIES // THREADS))
                   for t in range(THREADS)]
        threads += [threading.Thread(target=run, args=(births, t, N_BIRTHS // THREADS)) for t in range(THREADS)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(errors, [])
        w.apps.sort()
        self.rng.shuffle(w.apps)
        w.all_apps = list(w.apps)
        print("world: %d open pregnancies, %d certificate applications in %.1f s" % (
            len(w.pregnancies), len(w.apps), time.monotonic() - started), flush=True)
        srv.stop()

    def test_sigkill_rounds(self):
        srv, w, rng = self.srv, self.world, self.rng
        self.build_world()
        began = time.monotonic()
        kills = 0
        for rnd in range(ROUNDS):
            srv.start()
            problems = check_file(w, srv.db, final=False)
            self.assertEqual(problems, [], "after restart %d (seed %d)" % (rnd, SEED))
            quota = [math.ceil(len(w.apps) / (ROUNDS - rnd))]
            stop = threading.Event()
            errors = []
            threads = [threading.Thread(target=worker, args=(w, t, srv.url, rnd, quota, stop,
                                                             random.Random(rng.getrandbits(64)), errors))
                       for t in range(THREADS)]
            before = dict(w.stats)
            for th in threads:
                th.start()
            # mostly mid-traffic; sometimes right after the start (recovery, retries)
            delay = rng.uniform(0.0, 0.15) if rng.random() < 0.15 else rng.uniform(0.3, 2.0)
            time.sleep(delay)
            err = kill9(srv)
            kills += 1
            stop.set()
            for th in threads:
                th.join(60)
                self.assertFalse(th.is_alive(), "a client thread hangs")
            self.assertEqual(errors, [])
            self.assertFalse(fuyou.CRASH_PATTERNS.search(err), "round %d: server stderr:\n%s" % (rnd, err))
            self.assertEqual(w.failures, [], "round %d (seed %d)" % (rnd, SEED))
            print("round %2d: killed after %.2f s; %d sent, %d acknowledged (%d replayed), %d in progress, "
                  "%d without answer; %d pending" % (
                      rnd, delay, w.stats["sent"] - before["sent"], w.stats["ack"] - before["ack"],
                      w.stats["replayed"] - before["replayed"], w.stats["effect"] - before["effect"],
                      w.stats["no_reply"] - before["no_reply"], sum(len(p) for p in w.pending)), flush=True)

        # the last restart: every request without an answer is retried until answered
        srv.start()
        self.assertEqual(check_file(w, srv.db, final=False), [], "after the last restart (seed %d)" % SEED)
        for attempt in range(5):
            if not any(w.pending):
                break
            for t in range(THREADS):
                c = fuyou.Client(srv.url)
                c.token = w.tokens[t]
                for op in list(w.pending[t]):
                    send(w, c, op)
        self.assertEqual(w.failures, [], "seed %d" % SEED)
        self.assertFalse(any(w.pending), "requests never answered: %r" % [p for p in w.pending if p])
        srv.stop()  # clean stop: a sanitizer report fails here

        problems = check_file(w, srv.db, final=True)
        self.assertEqual(problems, [], "seed %d" % SEED)
        p = srv.cli("audit", "verify")
        self.assertEqual(p.returncode, 0, "fuyou audit verify: %s%s" % (p.stdout, p.stderr))

        by = {}
        for op in w.ops:
            by[(op.kind, op.state)] = by.get((op.kind, op.state), 0) + 1
        keyless = [op for op in w.ops if op.kind == "visit" and op.key is None]
        notes = stored_notes(srv.db)
        print("keyless visits: %d sent, %d acknowledged, %d without answer (%d of those stored)" % (
            len(keyless), sum(op.state == "ack" for op in keyless), sum(op.state == "lost" for op in keyless),
            sum(op.state == "lost" and op.note in notes for op in keyless)), flush=True)
        self.assertGreater(sum(op.state == "ack" for op in keyless), 0)
        s = w.stats
        print("%d kills in %.1f s: %d requests sent (%d retries), %d without answer at a kill, %d acknowledged "
              "(%d replayed), %d answered in progress; visits %d acknowledged + %d in progress, issues %d + %d; "
              "%s" % (kills, time.monotonic() - began, s["sent"], s["retried"], s["no_reply"], s["ack"],
                      s["replayed"], s["effect"], by.get(("visit", "ack"), 0), by.get(("visit", "effect"), 0),
                      by.get(("issue", "ack"), 0), by.get(("issue", "effect"), 0), p.stdout.strip()), flush=True)
        self.assertGreaterEqual(kills, 20 if ROUNDS >= 20 else ROUNDS)


if __name__ == "__main__":
    unittest.main(verbosity=2)
