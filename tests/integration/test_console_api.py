"""The web console's server side over real HTTP on the console port: sign-in
(root and IAM users), throttling, cookies, CSRF and Origin checks, the IAM /
STS / S3 APIs through a session (same answers and policy checks as the API
port), the password-reset flow, the audit log and /api/events, and secrets
that must never come back. The browser app itself is tested in tests/browser."""
import glob
import http.client
import json
import os
import re
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

import pytest
from botocore.exceptions import ClientError

from conftest import ROOT_PASSWORD, Server, account_id, new_iam_user

NS = {"iam": "https://iam.amazonaws.com/doc/2010-05-08/"}
USER_PW = "User-Passw0rd!"
CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
       "script-src 'self'; frame-ancestors 'none'")


class Console:
    """A browser-like client of the console: keeps the cookie and CSRF token."""

    def __init__(self, server):
        self.server = server
        self.cookie = None
        self.csrf = None
        self.session = None

    def req(self, method, path, body=None, headers=None, cookie=True, csrf=True):
        h = {}
        if cookie and self.cookie:
            h["Cookie"] = "coffer_console=" + self.cookie
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        if isinstance(body, dict):
            body = json.dumps(body)
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        c = http.client.HTTPConnection("127.0.0.1", self.server.console_port, timeout=60)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, r.headers, data

    def json(self, method, path, body=None, **kw):
        st, hd, data = self.req(method, path, body, **kw)
        return st, hd, (json.loads(data) if data else None)

    def signin(self, user, password, account=None):
        body = {"kind": "iam" if account else "root", "user": user, "password": password}
        if account:
            body["account"] = account
        st, hd, j = self.json("POST", "/api/signin", body, cookie=False)
        if st == 200:
            m = re.match(r"coffer_console=([0-9a-f]{64});", hd["Set-Cookie"])
            self.cookie, self.csrf, self.session = m.group(1), j["csrf"], j
        return st, hd, j

    def query(self, service, action, **params):
        form = {"Action": action, "Version": "2010-05-08" if service == "iam" else "2011-06-15"}
        form.update(params)
        return self.req("POST", "/api/" + service, urllib.parse.urlencode(form),
                        {"Content-Type": "application/x-www-form-urlencoded"})


def xml_text(data, path):
    el = ET.fromstring(data).find(path, NS)
    return None if el is None else el.text


def iam_error(data):
    root = ET.fromstring(data)
    return root.find("iam:Error/iam:Code", NS).text, root.find("iam:Error/iam:Message", NS).text


def user_names(server):
    return {u["UserName"] for u in server.client("iam").list_users()["Users"]}


def signed_in_root(server):
    c = Console(server)
    st, _, j = c.signin("root", ROOT_PASSWORD)
    assert st == 200, j
    return c


def login_user(server, policies=(), reset=False, inline=None):
    """An IAM user with a login profile (and the given policies): its name."""
    u = new_iam_user(server, prefix="con", policies=policies, inline=inline)
    server.client("iam").create_login_profile(UserName=u.name, Password=USER_PW,
                                              PasswordResetRequired=reset)
    return u


def audit_lines(server):
    with open(os.path.join(server.data, "audit.log"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def eventually(fetch, ok, timeout=10):
    """fetch() until ok(result): audit records are written when a request
    completes, just after its answer went out (CloudTrail is not
    synchronous either)."""
    deadline = time.time() + timeout
    while True:
        got = fetch()
        if ok(got) or time.time() > deadline:
            return got
        time.sleep(0.05)


def audited(server, pred):
    return [e for e in eventually(lambda: audit_lines(server),
                                  lambda lines: any(pred(e) for e in lines)) if pred(e)]


def events(console, query, want=1):
    """/api/events?query once at least `want` events match."""
    st, _, j = eventually(lambda: console.json("GET", "/api/events?" + query),
                          lambda r: r[0] != 200 or len(r[2]["events"]) >= want)
    assert st == 200, j
    return j


@pytest.fixture(scope="module")
def root_console(server):
    return signed_in_root(server)


# ---- static files and headers ----

def test_index_assets_and_security_headers(server):
    c = Console(server)
    for path in ("/", "/some/client/route"):
        st, hd, data = c.req("GET", path)
        assert st == 200 and b"<html" in data.lower()
        assert hd["Content-Type"].startswith("text/html")
        assert hd["Cache-Control"] == "no-cache" and hd["ETag"]
        assert hd["Content-Security-Policy"] == CSP
        assert hd["X-Content-Type-Options"] == "nosniff"
        assert hd["Referrer-Policy"] == "no-referrer"
    st, hd, _ = c.req("GET", "/assets/index.html", headers={"If-None-Match": hd["ETag"]})
    assert st == 304
    st, hd, j = c.json("GET", "/assets/no-such-file.js")
    assert st == 404 and j["error"]["code"] == "NotFound"
    assert hd["Content-Security-Policy"] == CSP
    st, _, _ = c.req("POST", "/", "x")
    assert st == 405
    st, hd, data = c.req("HEAD", "/assets/index.html")
    assert st == 200 and data == b"" and int(hd["Content-Length"]) > 0
    st, _, j = c.json("GET", "/api/nothing-here")
    assert st == 404 and j["error"]["code"] == "NotFound"


# ---- sign-in ----

def test_signin_root_session_and_cookie_flags(server):
    c = Console(server)
    st, hd, j = c.signin("root", ROOT_PASSWORD)
    assert st == 200
    acct = account_id(server)
    assert j["principal"] == {"arn": "arn:aws:iam::%s:root" % acct, "type": "Root",
                              "name": "root", "account": acct, "userId": acct}
    assert j["passwordResetRequired"] is False and len(j["csrf"]) == 64
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", j["expires"])
    cookie = hd["Set-Cookie"]
    for flag in ("Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=43200"):
        assert flag in cookie
    assert "Secure" not in cookie          # plain HTTP
    assert hd["Content-Security-Policy"] == CSP
    st, _, s = c.json("GET", "/api/session")
    assert st == 200 and s["principal"] == j["principal"] and s["csrf"] == j["csrf"]
    st, _, info = c.json("GET", "/api/info")
    assert st == 200 and info["account"] == acct and info["region"] == server.region
    assert info["s3Endpoint"] == server.endpoint and info["consoleVersion"]
    # Behind a TLS proxy the cookie is Secure.
    st, hd, _ = c.json("POST", "/api/signin", {"kind": "root", "user": "root",
                                               "password": ROOT_PASSWORD},
                       headers={"X-Forwarded-Proto": "https"}, cookie=False)
    assert st == 200 and "; Secure" in hd["Set-Cookie"]


def test_signin_iam_user_and_wrong_passwords(server):
    u = login_user(server)
    acct = account_id(server)
    c = Console(server)
    st, _, j = c.signin(u.name, USER_PW, account=acct)
    assert st == 200
    assert j["principal"]["type"] == "IAMUser" and j["principal"]["arn"] == u.arn
    assert j["principal"]["name"] == u.name and j["principal"]["userId"].startswith("AIDA")
    # PasswordLastUsed is recorded, as AWS's GetUser shows it.
    assert "PasswordLastUsed" in server.client("iam").get_user(UserName=u.name)["User"]
    wrong = [
        (u.name, "Not-The-Passw0rd", acct),         # wrong password
        ("nobody-" + uuid.uuid4().hex[:6], USER_PW, acct),  # unknown user
        (u.name, USER_PW, "111122223333"),          # wrong account
        ("root", ROOT_PASSWORD, acct),              # root is not an IAM user
    ]
    msgs = set()
    for name, pw, account in wrong:
        st, hd, j = Console(server).signin(name, pw, account=account)
        assert st == 401 and j["error"]["code"] == "InvalidCredentials", j
        assert "Set-Cookie" not in hd
        msgs.add(j["error"]["message"])
    assert len(msgs) == 1                           # nothing tells users apart
    # A user without a login profile cannot sign in.
    plain = new_iam_user(server, prefix="nologin")
    st, _, j = Console(server).signin(plain.name, USER_PW, account=acct)
    assert st == 401 and j["error"]["code"] == "InvalidCredentials"
    st, _, j = Console(server).json("POST", "/api/signin", {"kind": "root"}, cookie=False)
    assert st == 400
    st, _, j = Console(server).json("POST", "/api/signin", "{" + " " * 20000 + "}",
                                    headers={"Content-Type": "application/json"}, cookie=False)
    assert st == 413 and j["error"]["code"] == "RequestTooLarge"
    # Login CSRF: a sign-in posted from another site is refused.
    st, hd, j = Console(server).json("POST", "/api/signin", {"kind": "root", "user": "root",
                                                             "password": ROOT_PASSWORD},
                                     headers={"Origin": "http://evil.example"}, cookie=False)
    assert st == 403 and j["error"]["code"] == "InvalidOrigin" and "Set-Cookie" not in hd


def test_throttling_after_five_failures(server):
    u = login_user(server)
    acct = account_id(server)
    for _ in range(5):
        st, _, j = Console(server).signin(u.name, "Wrong-Passw0rd", account=acct)
        assert st == 401
    st, hd, j = Console(server).signin(u.name, USER_PW, account=acct)   # even the right one
    assert st == 429 and j["error"]["code"] == "Throttling"
    assert 0 < int(hd["Retry-After"]) <= 900
    # Another user is not affected.
    st, _, _ = Console(server).signin("root", ROOT_PASSWORD)
    assert st == 200


def test_signout_and_bad_cookies(server):
    c = signed_in_root(server)
    old = c.cookie
    st, hd, _ = c.req("POST", "/api/signout")
    assert st == 204 and "Max-Age=0" in hd["Set-Cookie"]
    st, _, j = c.json("GET", "/api/session")
    assert st == 401 and j["error"]["code"] == "NotSignedIn"
    for cookie in (old, "0" * 64, "zz", old[:-1]):
        c.cookie = cookie
        st, _, j = c.json("GET", "/api/info")
        assert st == 401 and j["error"]["code"] == "NotSignedIn"


# ---- refusals that change nothing ----

def test_csrf_cookie_and_origin_refusals_change_nothing(server, root_console):
    c = root_console
    cases = [
        dict(csrf=False, want=(403, "InvalidCsrfToken")),
        dict(cookie=False, want=(401, "NotSignedIn")),
        dict(headers={"X-CSRF-Token": "0" * 64}, want=(403, "InvalidCsrfToken")),
        dict(headers={"Origin": "http://evil.example"}, want=(403, "InvalidOrigin")),
        dict(headers={"Origin": "null"}, want=(403, "InvalidOrigin")),
    ]
    for case in cases:
        name = "csrf-" + uuid.uuid4().hex[:8]
        want = case.pop("want")
        st, hd, data = c.req("POST", "/api/iam",
                             urllib.parse.urlencode({"Action": "CreateUser", "UserName": name,
                                                     "Version": "2010-05-08"}),
                             {"Content-Type": "application/x-www-form-urlencoded",
                              **case.pop("headers", {})}, **case)
        j = json.loads(data)
        assert (st, j["error"]["code"]) == want, (case, j)
        assert hd["Content-Type"] == "application/json"
        assert name not in user_names(server)
    # S3 too: no bucket made, no object written.
    bucket = "csrf-" + uuid.uuid4().hex[:8]
    st, _, _ = c.req("PUT", "/api/s3/" + bucket, csrf=False)
    assert st == 403
    st, _, _ = c.req("PUT", "/api/s3/" + bucket, cookie=False)
    assert st == 401
    names = [b["Name"] for b in server.client().list_buckets()["Buckets"]]
    assert bucket not in names
    # The right Origin is fine.
    st, _, _ = c.query("sts", "GetCallerIdentity")
    assert st == 200
    st, _, data = c.req("POST", "/api/sts", "Action=GetCallerIdentity&Version=2011-06-15",
                        {"Content-Type": "application/x-www-form-urlencoded",
                         "Origin": server.console})
    assert st == 200


# ---- the AWS APIs through the session ----

def test_iam_as_root_and_read_only_refusal(server, root_console):
    name = "console-" + uuid.uuid4().hex[:8]
    st, hd, data = root_console.query("iam", "CreateUser", UserName=name)
    assert st == 200, data
    assert hd["Content-Type"] == "text/xml" and hd["Content-Security-Policy"] == CSP
    assert xml_text(data, ".//iam:User/iam:UserName") == name
    assert name in user_names(server)               # seen through the API port
    # Same error as the API port for a duplicate.
    st, _, data = root_console.query("iam", "CreateUser", UserName=name)
    assert st == 409 and iam_error(data)[0] == "EntityAlreadyExists"

    ro = login_user(server, policies=["arn:aws:iam::aws:policy/IAMReadOnlyAccess"])
    c = Console(server)
    assert c.signin(ro.name, USER_PW, account=account_id(server))[0] == 200
    st, _, data = c.query("iam", "ListUsers")
    assert st == 200 and name in data.decode()
    other = "ro-made-" + uuid.uuid4().hex[:8]
    st, _, data = c.query("iam", "CreateUser", UserName=other)
    code, msg = iam_error(data)
    assert st == 403 and code == "AccessDenied"
    # Word for word what the API port says to this user's own key.
    with pytest.raises(ClientError) as ei:
        ro.iam.create_user(UserName=other)
    assert msg == ei.value.response["Error"]["Message"]
    assert msg.startswith("User: %s is not authorized to perform: iam:CreateUser" % ro.arn)
    assert other not in user_names(server)
    # GetCallerIdentity says who the session is.
    st, _, data = c.query("sts", "GetCallerIdentity")
    assert st == 200 and ro.arn in data.decode()


def test_s3_through_the_session(server, root_console):
    c = root_console
    bucket = "con-" + uuid.uuid4().hex[:8]
    st, hd, _ = c.req("PUT", "/api/s3/" + bucket)
    assert st == 200 and hd["Content-Security-Policy"] == CSP
    body = os.urandom(300 * 1024)
    st, hd, _ = c.req("PUT", "/api/s3/%s/dir/f%%20one.bin" % bucket, body,
                      {"Content-Type": "application/x-demo", "x-amz-meta-colour": "blue"})
    assert st == 200 and hd["ETag"]
    st, _, data = c.req("GET", "/api/s3/%s?list-type=2&prefix=dir/&delimiter=/" % bucket)
    assert st == 200 and b"<Key>dir/f one.bin</Key>" in data
    st, _, data = c.req("GET", "/api/s3/")
    assert st == 200 and ("<Name>%s</Name>" % bucket).encode() in data
    st, hd, data = c.req("GET", "/api/s3/%s/dir/f%%20one.bin?response-content-disposition="
                         "attachment%%3B%%20filename%%3Df.bin" % bucket)
    assert st == 200 and data == body
    assert hd["Content-Disposition"] == "attachment; filename=f.bin"
    assert hd["x-amz-meta-colour"] == "blue" and hd["Content-Type"] == "application/x-demo"
    st, hd, _ = c.req("HEAD", "/api/s3/%s/dir/f%%20one.bin" % bucket)
    assert st == 200 and int(hd["Content-Length"]) == len(body)
    got = server.client().get_object(Bucket=bucket, Key="dir/f one.bin")["Body"].read()
    assert got == body                              # the API port sees the same object
    st, _, data = c.req("GET", "/api/s3/%s/missing" % bucket)
    assert st == 404 and b"<Code>NoSuchKey</Code>" in data
    assert c.req("DELETE", "/api/s3/%s/dir/f%%20one.bin" % bucket)[0] == 204
    assert c.req("DELETE", "/api/s3/" + bucket)[0] == 204
    assert bucket not in [b["Name"] for b in server.client().list_buckets()["Buckets"]]
    # An Authorization header cannot make a console request someone else.
    st, _, data = c.req("GET", "/api/s3/", headers={"Authorization": "AWS4-HMAC-SHA256 junk"})
    assert st == 200


def test_s3_refusal_for_a_user_without_s3(server):
    u = login_user(server, policies=["arn:aws:iam::aws:policy/IAMReadOnlyAccess"])
    c = Console(server)
    assert c.signin(u.name, USER_PW, account=account_id(server))[0] == 200
    bucket = "ro-" + uuid.uuid4().hex[:8]
    st, _, data = c.req("PUT", "/api/s3/" + bucket)
    assert st == 403 and b"<Code>AccessDenied</Code>" in data
    assert ("User: %s is not authorized to perform: s3:CreateBucket" % u.arn).encode() in data
    assert bucket not in [b["Name"] for b in server.client().list_buckets()["Buckets"]]


# ---- passwords ----

def test_password_reset_required_flow(server):
    u = login_user(server, reset=True,
                   policies=["arn:aws:iam::aws:policy/IAMUserChangePassword",
                             "arn:aws:iam::aws:policy/IAMReadOnlyAccess"])
    acct = account_id(server)
    c = Console(server)
    st, _, j = c.signin(u.name, USER_PW, account=acct)
    assert st == 200 and j["passwordResetRequired"] is True
    st, _, j = c.json("GET", "/api/session")
    assert st == 200 and j["passwordResetRequired"] is True
    for method, path in (("POST", "/api/iam"), ("GET", "/api/info"), ("GET", "/api/s3/")):
        st, _, data = c.req(method, path, "Action=ListUsers" if method == "POST" else None,
                            {"Content-Type": "application/x-www-form-urlencoded"})
        assert st == 403 and json.loads(data)["error"]["code"] == "PasswordResetRequired"
    # IAM's own rules: wrong old password, then a weak new one.
    st, _, j = c.json("POST", "/api/change-password", {"old": "Wrong-Passw0rd", "new": "N3w-Password!"})
    assert st == 403 and j["error"]["code"] == "AccessDenied"
    st, _, j = c.json("POST", "/api/change-password", {"old": USER_PW, "new": "short"})
    assert st == 400 and j["error"]["code"] == "PasswordPolicyViolation"
    st, _, j = c.json("POST", "/api/change-password", {"old": USER_PW, "new": "N3w-Password!"},
                      csrf=False)
    assert st == 403 and j["error"]["code"] == "InvalidCsrfToken"
    st, _, _ = c.json("POST", "/api/change-password", {"old": USER_PW, "new": "N3w-Password!"})
    assert st == 204
    st, _, j = c.json("GET", "/api/session")
    assert st == 200 and j["passwordResetRequired"] is False
    st, _, _ = c.query("iam", "ListUsers")
    assert st == 200
    lp = server.client("iam").get_login_profile(UserName=u.name)["LoginProfile"]
    assert lp["PasswordResetRequired"] is False
    assert Console(server).signin(u.name, USER_PW, account=acct)[0] == 401
    assert Console(server).signin(u.name, "N3w-Password!", account=acct)[0] == 200
    # No password, old or new, reached a log or the audit trail.
    logs = server.read_log() + open(os.path.join(server.data, "audit.log")).read()
    assert USER_PW not in logs and "N3w-Password!" not in logs
    assert audited(server, lambda e: e["eventName"] == "ChangePassword"
                   and e["userAgent"] == "coffer-console")


def test_sessions_end_with_the_password(server):
    u = login_user(server, policies=["arn:aws:iam::aws:policy/IAMReadOnlyAccess"])
    acct = account_id(server)
    iam = server.client("iam")
    a, b = Console(server), Console(server)
    assert a.signin(u.name, USER_PW, account=acct)[0] == 200
    assert b.signin(u.name, USER_PW, account=acct)[0] == 200
    iam.update_login_profile(UserName=u.name, Password="Other-Passw0rd")   # admin resets it
    assert a.json("GET", "/api/session")[0] == 401
    assert b.signin(u.name, "Other-Passw0rd", account=acct)[0] == 200
    iam.delete_login_profile(UserName=u.name)
    assert b.json("GET", "/api/info")[0] == 401


def test_root_password_change_and_restart_signs_out(server):
    srv = Server()
    try:
        c = signed_in_root(srv)
        st, _, j = c.json("POST", "/api/change-password", {"old": ROOT_PASSWORD, "new": "password"})
        assert st == 400 and j["error"]["code"] == "PasswordPolicyViolation"
        st, _, j = c.json("POST", "/api/change-password", {"old": "nope", "new": "Root-N3w-Pass"})
        assert st == 403
        st, _, _ = c.json("POST", "/api/change-password",
                          {"old": ROOT_PASSWORD, "new": "Root-N3w-Pass"})
        assert st == 204
        assert c.json("GET", "/api/session")[0] == 200     # this session goes on
        assert Console(srv).signin("root", ROOT_PASSWORD)[0] == 401
        # A restart signs everyone out; the new password survives it (and
        # COFFER_ROOT_PASSWORD no longer applies once a password is set).
        srv.restart()
        assert c.json("GET", "/api/session")[0] == 401
        assert Console(srv).signin("root", "Root-N3w-Pass")[0] == 200
        assert "Root-N3w-Pass" not in srv.read_log()
    finally:
        srv.cleanup()


def test_generated_root_password_is_printed_once():
    srv = Server(root_keys=False, args=("--console-listen", "off"))
    try:
        m = re.search(r"console password, shown only now: (\S+)", srv.read_log())
        assert m, srv.read_log()
        srv.stop()
        srv.cmd[srv.cmd.index("off")] = "127.0.0.1:%d" % srv.console_port
        srv.start()
        assert srv.read_log().count(m.group(1)) == 1
        assert Console(srv).signin("root", m.group(1))[0] == 200
    finally:
        srv.cleanup()


# ---- audit and event history ----

def test_audit_and_events(server, root_console):
    acct = account_id(server)
    name = "evt-" + uuid.uuid4().hex[:8]
    assert root_console.query("iam", "CreateUser", UserName=name)[0] == 200
    rec = audited(server, lambda e: e["eventName"] == "CreateUser"
                  and e["requestParameters"].get("userName") == name)
    assert len(rec) == 1
    assert rec[0]["userIdentity"]["arn"] == "arn:aws:iam::%s:root" % acct
    assert rec[0]["userAgent"] == "coffer-console"

    # A user refused by an explicit deny: the event names the statement.
    deny = {"Version": "2012-10-17", "Statement": [
        {"Sid": "NoNewUsers", "Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}]}
    u = login_user(server, policies=["arn:aws:iam::aws:policy/IAMFullAccess"], inline=deny)
    c = Console(server)
    assert c.signin(u.name, USER_PW, account=acct)[0] == 200
    assert c.query("iam", "CreateUser", UserName=name + "-x")[0] == 403
    # Without cloudtrail:LookupEvents the history is refused.
    st, _, j = c.json("GET", "/api/events")
    assert st == 403 and j["error"]["code"] == "AccessDeniedException"
    assert "cloudtrail:LookupEvents" in j["error"]["message"]

    j = events(root_console, "outcome=denied&event=CreateUser&principal="
               + urllib.parse.quote(u.name))
    ev = j["events"][0]
    assert ev["eventName"] == "CreateUser" and ev["errorCode"] == "AccessDenied"
    assert ev["decidedBy"].endswith("#NoNewUsers") and ev["userAgent"] == "coffer-console"
    st, _, j = root_console.json("GET", "/api/events?outcome=allowed&event=CreateUser")
    assert all("errorCode" not in e for e in j["events"])
    assert any(e["requestParameters"].get("userName") == name for e in j["events"])
    # Newest first, a page at a time, pages do not overlap.
    st, _, p1 = root_console.json("GET", "/api/events?limit=2")
    assert st == 200 and len(p1["events"]) == 2 and p1["next"]
    assert p1["events"][0]["eventTime"] >= p1["events"][1]["eventTime"]
    st, _, p2 = root_console.json("GET", "/api/events?limit=2&next=" + p1["next"])
    ids = {e["eventID"] for e in p1["events"]}
    assert st == 200 and p2["events"] and not ids & {e["eventID"] for e in p2["events"]}
    # Time range: nothing before 2001; bad parameters are refused.
    st, _, j = root_console.json("GET", "/api/events?end=2001-01-01T00:00:00Z")
    assert st == 200 and j["events"] == [] and j["next"] is None
    st, _, j = root_console.json("GET", "/api/events?outcome=maybe")
    assert st == 400
    # Bucket filter: an S3 refusal recorded with its bucket.
    bucket = "evb-" + uuid.uuid4().hex[:8]
    assert c.req("PUT", "/api/s3/" + bucket)[0] == 403
    j = events(root_console, "bucket=" + bucket)
    assert len(j["events"]) == 1
    assert j["events"][0]["eventName"] == "CreateBucket"
    # A failed sign-in is a ConsoleLogin event too.
    q = "event=ConsoleLogin&outcome=error&limit=1000"
    before = len(events(root_console, q, want=0)["events"])
    Console(server).signin(u.name, "Wrong-Passw0rd", account=acct)
    j = events(root_console, q, want=before + 1)
    assert len(j["events"]) == before + 1
    assert j["events"][0]["errorCode"] == "InvalidCredentials"
    assert j["events"][0]["eventSource"] == "signin.amazonaws.com"


def test_access_key_secret_is_never_seen_again(server, root_console):
    c = root_console
    name = "keys-" + uuid.uuid4().hex[:8]
    assert c.query("iam", "CreateUser", UserName=name)[0] == 200
    st, _, data = c.query("iam", "CreateAccessKey", UserName=name)
    assert st == 200
    akid = xml_text(data, ".//iam:AccessKey/iam:AccessKeyId")
    secret = xml_text(data, ".//iam:AccessKey/iam:SecretAccessKey")
    assert akid and secret and len(secret) == 40
    # The key works (with the API port), which proves it is the real secret.
    from conftest import client_as
    client_as(server, akid, secret, service="sts").get_caller_identity()
    later = [c.query("iam", "ListAccessKeys", UserName=name),
             c.query("iam", "GetUser", UserName=name),
             c.query("iam", "GetAccessKeyLastUsed", AccessKeyId=akid),
             c.req("GET", "/api/events?limit=1000"),
             c.req("GET", "/api/session")]
    for st, _, data in later:
        assert st == 200 and secret.encode() not in data
    for path in glob.glob(os.path.join(server.data, "*.log")) + [server.log_path]:
        with open(path, "rb") as f:
            assert secret.encode() not in f.read(), path
