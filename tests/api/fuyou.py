"""Shared harness for fuyou's black-box API tests (python3 standard library only).

A test starts the real binary on a free port with a fresh database, creates
accounts with the command line, talks HTTP to it, and stops it at the end:

    import fuyou

    srv = fuyou.Server()                 # $FUYOU_BIN, else build/fuyou
    srv.start()
    srv.add_user("doc", "community_doctor", institution="310104-chc-1")
    c = srv.client()
    c.login("doc")                       # password defaults to fuyou.PASSWORD
    r = c.request("POST", "/api/v1/women", json={...})
    assert r.status == 201, r            # r is (status, headers, body)
    srv.stop()                           # raises ServerFailure on a crash or
                                         # a sanitizer report on stderr

`Server` is also a context manager (start on enter, stop on exit). Run the
tests from the repository root (ctest does); data/ is read from there.

What lives here:
  Server         the fuyou process, its temp dir and database, the CLI
  Client         one HTTP user: login() keeps the bearer token
  Response       (status, headers, body) with body parsed when it is JSON
  raw_exchange() a request over a bare socket (bodies announced, not sent)
  resident_id()  valid GB 11643 resident ID numbers, unique per call
  institution()  institution ids from data/institutions.json
  table_counts(), table_digests()  rows per table of a SQLite file, and a
                 digest of their contents (to prove "nothing written")
  problem_errors(), has_zh_en()  helpers for problem+json assertions
"""

import datetime
import http.client
import itertools
import json as jsonlib
import os
import re
import select
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PASSWORD = "correct horse battery 9"

# What a sanitizer or a crash leaves on stderr.
CRASH_PATTERNS = re.compile(
    r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer"
    r"|ThreadSanitizer|Segmentation fault|\bAborted\b|stack-overflow|SUMMARY: \w+Sanitizer"
)


def binary():
    """Path of the fuyou binary: $FUYOU_BIN, else build/fuyou."""
    return os.path.abspath(os.environ.get("FUYOU_BIN") or os.path.join(ROOT, "build", "fuyou"))


class ServerFailure(AssertionError):
    """The server crashed, did not start or stop, or a sanitizer spoke."""


# --------------------------------------------------------------------------
# HTTP


class Response(tuple):
    """(status, headers, body). headers is case-insensitive (.get("ETag"));
    body is the parsed JSON when the reply is JSON, else the text (bytes
    when the reply is not valid UTF-8)."""

    __slots__ = ()

    def __new__(cls, status, headers, body):
        return tuple.__new__(cls, (status, headers, body))

    status = property(lambda self: self[0])
    headers = property(lambda self: self[1])
    body = property(lambda self: self[2])

    def __repr__(self):
        if isinstance(self.body, (str, bytes)):
            text = str(self.body)
        else:
            text = jsonlib.dumps(self.body, ensure_ascii=False)
        if len(text) > 600:
            text = text[:600] + "…"
        return "<%d %s>" % (self.status, text)


def _parse_body(headers, data):
    ctype = headers.get("Content-Type", "") or ""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data  # not UTF-8: left as bytes so that a test sees it
    if "json" in ctype and data:
        try:
            return jsonlib.loads(text)
        except ValueError:
            return text
    return text


class Client:
    """One user of the API. After login() every request carries
    `Authorization: Bearer <token>` unless auth=False."""

    def __init__(self, base_url, timeout=30):
        u = urllib.parse.urlsplit(base_url)
        self.base_url = base_url
        self.host, self.port = u.hostname, u.port
        self.timeout = timeout
        self.token = None
        self.user = None  # the "user" object of the login reply
        self.login_response = None

    def login(self, username, password=PASSWORD, expect=200):
        """POST /api/v1/auth/login. Keeps the token on success; asserts the
        status when expect is not None. Returns the Response."""
        r = self.request("POST", "/api/v1/auth/login", json={"username": username, "password": password}, auth=False)
        if expect is not None and r.status != expect:
            raise AssertionError("login %s: expected %s, got %r" % (username, expect, r))
        if r.status == 200:
            self.token = r.body["token"]
            self.user = r.body["user"]
            self.login_response = r
        return r

    def logout(self):
        r = self.request("POST", "/api/v1/auth/logout")
        return r

    def request(self, method, path, json=None, raw=None, headers=None, auth=True, query=None):
        """Sends one request. json: an object to send as JSON; raw: bytes or
        str sent as is; query: dict appended as ?k=v. Returns a Response."""
        hdrs = {}
        body = None
        if json is not None:
            body = jsonlib.dumps(json, ensure_ascii=False).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        elif raw is not None:
            body = raw.encode("utf-8") if isinstance(raw, str) else raw
            hdrs["Content-Type"] = "application/json"
        if auth and self.token:
            hdrs["Authorization"] = "Bearer " + self.token
        if headers:
            hdrs.update(headers)
        if query:
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode(query)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            return Response(resp.status, resp.headers, _parse_body(resp.headers, data))
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.request("PATCH", path, json=json, **kw)


def raw_exchange(host, port, head, body_chunks=(), timeout=15):
    """Writes `head` (the request line and headers, CRLF-terminated, blank
    line included) and then each chunk of body bytes to a raw socket, and
    reads until the server closes or a full reply arrived. For cases
    http.client cannot express (an announced body that is never sent,
    chunked uploads). Returns (status, headers dict lower-cased, body text)."""
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        s.sendall(head.encode("latin-1"))
        for chunk in body_chunks:
            try:
                s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        data = b""
        while True:
            try:
                part = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not part:
                break
            data += part
            m = re.search(rb"\r\n\r\n", data)
            if m:
                hl = re.search(rb"(?im)^content-length:\s*(\d+)", data[: m.end()])
                if hl and len(data) >= m.end() + int(hl.group(1)):
                    break
    finally:
        s.close()
    # skip interim 1xx replies
    while data.startswith(b"HTTP/1.1 1"):
        data = data[data.index(b"\r\n\r\n") + 4:]
    head_b, _, body_b = data.partition(b"\r\n\r\n")
    lines = head_b.decode("latin-1").split("\r\n")
    if not lines or not lines[0].startswith("HTTP/"):
        raise AssertionError("no HTTP reply: %r" % data[:200])
    status = int(lines[0].split()[1])
    hdrs = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return status, hdrs, body_b.decode("utf-8", errors="replace")


# --------------------------------------------------------------------------
# The server process


class Server:
    """The fuyou binary serving a fresh database in its own temp dir.

    db: path of the SQLite file (in the temp dir unless given);
    env: extra environment (e.g. {"FUYOU_NOW": "2025-01-01T00:00:00Z"});
    serve_args: extra options for `fuyou serve`."""

    def __init__(self, db=None, env=None, bin=None, serve_args=()):
        self.bin = os.path.abspath(bin) if bin else binary()
        if not os.path.exists(self.bin):
            raise ServerFailure("fuyou binary not found at %s (set FUYOU_BIN)" % self.bin)
        self.tmp = tempfile.TemporaryDirectory(prefix="fuyou-test-")
        self.dir = self.tmp.name
        self.db = db or os.path.join(self.dir, "f.db")
        self.env = dict(os.environ)
        if env:
            self.env.update(env)
        self.serve_args = list(serve_args)
        self.proc = None
        self.url = None
        self.host = self.port = None
        self._stderr_path = None
        self._stderr = None
        self._runs = 0
        self.users = {}  # username -> id

    # -- life cycle --

    def start(self, timeout=30):
        """Starts `fuyou serve --db DB --port 0` and waits for its one line
        `listening on http://ADDR:PORT`."""
        if self.proc:
            raise ServerFailure("already started")
        self._runs += 1
        self._stderr_path = os.path.join(self.dir, "serve-%d.stderr" % self._runs)
        self._stderr = open(self._stderr_path, "wb")
        self.proc = subprocess.Popen(
            [self.bin, "serve", "--db", self.db, "--port", "0"] + self.serve_args,
            cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr,
        )
        deadline = time.monotonic() + timeout
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                break
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                ch = os.read(self.proc.stdout.fileno(), 1)
                if not ch:
                    break
                line += ch
        m = re.fullmatch(r"listening on (http://([0-9.]+):(\d+))\n", line.decode("utf-8", "replace"))
        if not m:
            self._kill()
            raise ServerFailure("server did not start: stdout %r\nstderr:\n%s" % (line, self.stderr()))
        self.url, self.host, self.port = m.group(1), m.group(2), int(m.group(3))
        if self.port == 0:
            self._kill()
            raise ServerFailure("server reported port 0")
        return self

    def stop(self, timeout=30):
        """SIGTERM, then wait. Raises ServerFailure when the server does not
        exit, exits non-zero, printed more than its one line on stdout, or
        wrote a crash/sanitizer report on stderr."""
        if not self.proc:
            return
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            self._close_stderr()
            raise ServerFailure("server did not stop within %ss of SIGTERM\nstderr:\n%s" % (timeout, self.stderr()))
        else:
            extra = proc.stdout.read()
        finally:
            proc.stdout.close()
        self._close_stderr()
        err = self.stderr()
        if rc != 0:
            raise ServerFailure("server exited with status %s\nstderr:\n%s" % (rc, err))
        if extra:
            raise ServerFailure("the server printed more than its one line on stdout: %r" % extra[:500])
        if CRASH_PATTERNS.search(err):
            raise ServerFailure("server stderr has a crash or sanitizer report:\n%s" % err)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def cleanup(self):
        """Removes the temp dir (stop() first)."""
        self._kill()
        self.tmp.cleanup()

    def _kill(self):
        if self.proc:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            self.proc.stdout.close()
            self.proc = None
        self._close_stderr()

    def _close_stderr(self):
        if self._stderr:
            self._stderr.close()
            self._stderr = None

    def stderr(self):
        """Everything the server wrote on stderr in its latest run."""
        if not self._stderr_path or not os.path.exists(self._stderr_path):
            return ""
        with open(self._stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        try:
            self.stop()
        finally:
            self.cleanup()
        return False

    # -- command line --

    def cli(self, *args, input=None, db=True, timeout=120):
        """Runs `fuyou ARGS… [--db DB]` from the repo root; returns the
        CompletedProcess (text). Fails on a sanitizer report."""
        argv = [self.bin] + list(args)
        if db:
            argv += ["--db", self.db]
        p = subprocess.run(argv, cwd=ROOT, env=self.env, input=input, capture_output=True, text=True, timeout=timeout)
        if CRASH_PATTERNS.search(p.stderr):
            raise ServerFailure("%s: sanitizer or crash report:\n%s" % (" ".join(args), p.stderr))
        return p

    def add_user(self, username, role, password=PASSWORD, institution=None, district=None, woman=None):
        """`fuyou user add … --password-stdin`; returns the new user's id."""
        args = ["user", "add", "--username", username, "--role", role, "--password-stdin"]
        if institution:
            args += ["--institution", institution]
        if district:
            args += ["--district", district]
        if woman:
            args += ["--woman", str(woman)]
        p = self.cli(*args, input=password + "\n")
        if p.returncode != 0:
            raise AssertionError("user add %s failed (%d): %s" % (username, p.returncode, p.stderr))
        m = re.search(r"with id (\d+)", p.stdout)
        uid = int(m.group(1)) if m else None
        self.users[username] = uid
        return uid

    def client(self, username=None, password=PASSWORD):
        """A Client for this server, logged in when username is given."""
        c = Client(self.url)
        if username:
            c.login(username, password)
        return c

    def table_counts(self):
        return table_counts(self.db)

    def table_digests(self):
        return table_digests(self.db)


# --------------------------------------------------------------------------
# Database


def table_counts(db_path):
    """{table: row count} for every table of a SQLite file. Opened read-only;
    safe while the server runs (WAL)."""
    con = sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(db_path), uri=True, timeout=10)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {n: con.execute('SELECT count(*) FROM "%s"' % n.replace('"', '""')).fetchone()[0] for n in names}
    finally:
        con.close()


def table_digests(db_path):
    """{table: (row count, SHA-256 of every row)} for every table: equal
    digests mean no row was added, removed or changed."""
    import hashlib

    con = sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(db_path), uri=True, timeout=10)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        out = {}
        for n in names:
            h = hashlib.sha256()
            count = 0
            for row in con.execute('SELECT * FROM "%s" ORDER BY 1' % n.replace('"', '""')):
                h.update(repr(row).encode())
                count += 1
            out[n] = (count, h.hexdigest()[:16])
        return out
    finally:
        con.close()


# --------------------------------------------------------------------------
# Resident ID numbers (GB 11643-1999)

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_char(first17):
    """The check character for 17 digits."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


_id_counter = itertools.count(1)


def resident_id(birth=None, area="310104", female=True, check_char=None):
    """A resident ID number with a correct check character (or the given one).
    birth: "YYYYMMDD" (any 8 digits, real date or not) or a datetime.date;
    by default a distinct date between 1975 and 2005 per call. Each call
    uses a new sequence number, so numbers do not repeat within a run."""
    n = next(_id_counter)
    if birth is None:
        birth = datetime.date(1975, 1, 1) + datetime.timedelta(days=(n * 37) % 10950)
    if isinstance(birth, datetime.date):
        birth = birth.strftime("%Y%m%d")
    seq = (n * 2) % 1000 + (0 if female else 1)
    first17 = "%s%s%03d" % (area, birth, seq)
    return first17 + (check_char if check_char is not None else id_check_char(first17))


def resident_id_ending_x(**kw):
    """A valid resident ID number whose check character is X."""
    while True:
        s = resident_id(**kw)
        if s.endswith("X"):
            return s


def wrong_check(idn):
    """The same number with a wrong check character."""
    right = id_check_char(idn[:17])
    return idn[:17] + ("0" if right != "0" else "1")


def birth_of(idn):
    """"YYYY-MM-DD" from an 18-character resident ID number."""
    return "%s-%s-%s" % (idn[6:10], idn[10:12], idn[12:14])


def masked(idn):
    """The masking rule: first 6 and last 4 shown, the rest '*'; numbers of
    10 characters or fewer are hidden entirely."""
    if len(idn) <= 10:
        return "*" * len(idn)
    return idn[:6] + "*" * (len(idn) - 10) + idn[-4:]


_phone_counter = itertools.count(1)


def phone():
    """A distinct valid mobile number."""
    return "139%08d" % next(_phone_counter)


# --------------------------------------------------------------------------
# Reference data


def _load(name):
    with open(os.path.join(ROOT, "data", name), encoding="utf-8") as f:
        return jsonlib.load(f)


def institutions(type=None, district=None):
    """Institutions of data/institutions.json, filtered by type and district."""
    out = []
    for x in _load("institutions.json")["institutions"]:
        if type and type not in x["types"]:
            continue
        if district and x["district"] != district:
            continue
        out.append(x)
    return out


def institution(type, district, n=0):
    """The id of the n-th institution of that type in that district."""
    found = institutions(type, district)
    if len(found) <= n:
        raise LookupError("no institution #%d of type %s in %s" % (n, type, district))
    return found[n]["id"]


def districts():
    """[(code, name)] of data/districts.json."""
    return [(d["code"], d["name"]) for d in _load("districts.json")["districts"]]


# --------------------------------------------------------------------------
# problem+json


_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{3,}")


def has_zh_en(text):
    """True when text has Chinese characters and an English word."""
    return isinstance(text, str) and bool(_CJK.search(text)) and bool(_LATIN.search(text))


def problem_errors(r):
    """The field names of a problem body's errors."""
    body = r.body if isinstance(r.body, dict) else {}
    return [e.get("field") for e in body.get("errors", [])]
