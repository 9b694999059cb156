"""Secrets never appear in plaintext: every secret a test creates (the root
secret, created access keys' secrets, session secrets and tokens, console
passwords given to CreateLoginProfile/UpdateLoginProfile/ChangePassword, even
rejected ones) is searched for in every file of the data directory (SQLite
database, WAL, audit log, objects, ...) and in the server's log, as raw bytes
and in base64 (every alignment, standard and URL-safe), hex, URL-encoded,
JSON-escaped and UTF-16 forms. Also: `coffer admin rotate-master-key`
re-seals stored secrets without breaking keys."""
import base64
import binascii
import json
import os
import subprocess
import urllib.parse
import uuid

from botocore.exceptions import ClientError

from conftest import BIN, S3_FULL, SECRET, Server, client_as, new_iam_user
from sigv4_client import expect_error, unique


def forms(value):
    """Encodings under which a secret could hide in a file."""
    raw = value.encode("utf-8")
    out = {"raw": raw,
           "hex": binascii.hexlify(raw), "HEX": binascii.hexlify(raw).upper(),
           "url": urllib.parse.quote(value, safe="").encode(),
           "json": value.replace("/", "\\/").encode(),
           "utf16": value.encode("utf-16-le")}
    for shift in range(3):
        enc = base64.b64encode(b"\0" * shift + raw)
        start = (shift * 8 + 5) // 6
        end = ((shift + len(raw)) * 8) // 6
        core = enc[start:end]
        out["b64+%d" % shift] = core
        out["b64url+%d" % shift] = core.replace(b"+", b"-").replace(b"/", b"_")
    return out


def files_under(root):
    for dirpath, _, names in os.walk(root):
        for n in names:
            p = os.path.join(dirpath, n)
            if os.path.isfile(p):
                yield p


def scan(paths, secrets):
    """[(secret label, form, file)] for every occurrence."""
    found = []
    blobs = {}
    for p in paths:
        try:
            with open(p, "rb") as f:
                blobs[p] = f.read()
        except FileNotFoundError:
            continue
    for label, value in secrets:
        for fname, needle in forms(value).items():
            for p, data in blobs.items():
                if needle in data:
                    found.append((label, fname, p))
    return found


def test_no_secret_in_data_dir_or_logs(tmp_path):
    srv = Server()
    try:
        s3, iam = srv.client(), srv.client("iam")
        bkt = unique("sec")
        s3.create_bucket(Bucket=bkt)
        s3.put_object(Bucket=bkt, Key="k", Body=b"payload")
        secrets = [("root secret", SECRET)]
        u = new_iam_user(srv, "sec", policies=[S3_FULL, "arn:aws:iam::aws:policy/IAMUserChangePassword"])
        secrets.append(("user key 1", u.secret))
        k2 = iam.create_access_key(UserName=u.name)["AccessKey"]
        secrets.append(("user key 2", k2["SecretAccessKey"]))
        for akid, sec in ((u.akid, u.secret), (k2["AccessKeyId"], k2["SecretAccessKey"])):
            c = client_as(srv, akid, sec)
            assert c.get_object(Bucket=bkt, Key="k")["Body"].read() == b"payload"
            c.put_object(Bucket=bkt, Key="by-" + akid, Body=b"x")
            client_as(srv, akid, sec, service="sts").get_caller_identity()
        # a key created, used, then deleted
        iam.update_access_key(UserName=u.name, AccessKeyId=k2["AccessKeyId"], Status="Inactive")
        iam.delete_access_key(UserName=u.name, AccessKeyId=k2["AccessKeyId"])
        k3 = iam.create_access_key(UserName=u.name)["AccessKey"]
        secrets.append(("user key 3", k3["SecretAccessKey"]))
        client_as(srv, k3["AccessKeyId"], k3["SecretAccessKey"]).list_buckets()
        # console passwords: created, updated, changed, and one rejected by the policy
        pw = ["Pw-" + uuid.uuid4().hex + "-A1!" for _ in range(3)]
        rejected = "onlylowercaseletters" + "".join(c for c in uuid.uuid4().hex if c.isalpha())
        iam.create_login_profile(UserName=u.name, Password=pw[0])
        iam.update_login_profile(UserName=u.name, Password=pw[1])
        u.iam.change_password(OldPassword=pw[1], NewPassword=pw[2])
        try:   # (test_iam_users checks the rejection itself)
            iam.update_login_profile(UserName=u.name, Password=rejected)
        except ClientError as e:
            assert e.response["Error"]["Code"] == "PasswordPolicyViolation", e.response
        secrets += [("password 1", pw[0]), ("password 2", pw[1]), ("password 3", pw[2]),
                    ("rejected password", rejected)]
        # temporary credentials: AssumeRole and GetSessionToken (user and root)
        role = unique("secrole")
        role_arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": u.arn},
                                                    "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
        iam.attach_role_policy(RoleName=role, PolicyArn=S3_FULL)
        sessions = [u.sts.assume_role(RoleArn=role_arn, RoleSessionName="sec")["Credentials"],
                    u.sts.get_session_token(DurationSeconds=900)["Credentials"],
                    srv.client("sts").get_session_token(DurationSeconds=900)["Credentials"]]
        for i, c in enumerate(sessions):
            sc = client_as(srv, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
            sc.get_object(Bucket=bkt, Key="k")
            sc.put_object(Bucket=bkt, Key="sess-%d" % i, Body=b"s")
            client_as(srv, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"],
                      service="sts").get_caller_identity()
            secrets += [("session %d secret" % i, c["SecretAccessKey"]),
                        ("session %d token" % i, c["SessionToken"])]
        # some refused requests too (they are audited)
        iam.detach_user_policy(UserName=u.name, PolicyArn=S3_FULL)
        expect_error(u.s3.put_object, 403, "AccessDenied", Bucket=bkt, Key="denied", Body=b"d")
        expect_error(client_as(srv, u.akid, u.secret[::-1]).list_buckets, 403, "SignatureDoesNotMatch")

        audit = os.path.join(srv.data, "audit.log")
        assert os.path.getsize(audit) > 0
        with open(audit, "rb") as f:
            assert b"CreateAccessKey" in f.read()
        master = open(os.path.join(srv.data, "master.key")).read().strip() \
            if os.path.exists(os.path.join(srv.data, "master.key")) else None

        def check(when):
            paths = list(files_under(srv.data)) + [srv.log_path]
            leaks = scan(paths, secrets)
            assert not leaks, "%s: secrets found in files: %r" % (when, leaks)
            if master:
                others = [p for p in paths if os.path.basename(p) != "master.key"]
                leaks = scan(others, [("master key", master)])
                assert not leaks, "%s: master key found in %r" % (when, leaks)

        check("while running")
        assert srv.stop() == 0
        check("after shutdown")
        assert len(srv.read_log()) > 0
    finally:
        srv.cleanup()


def test_generated_root_secret_shown_once():
    """Without configured root keys, the first start prints the new root key
    once (by design, on stdout); it is never written to the data directory and
    not shown again at the next start."""
    srv = Server(root_keys=False)
    try:
        first = srv.read_log()
        lines = [l for l in first.splitlines() if "AWS_SECRET_ACCESS_KEY=" in l]
        assert len(lines) == 1, first[-2000:]
        secret = lines[0].split("AWS_SECRET_ACCESS_KEY=", 1)[1].strip()
        akid = [l for l in first.splitlines() if "AWS_ACCESS_KEY_ID=" in l][0].split("=", 1)[1].strip()
        assert len(secret) == 40 and akid.startswith("AKIA")
        c = client_as(srv, akid, secret, service="sts")
        assert c.get_caller_identity()["Arn"].endswith(":root")
        srv.restart()
        assert srv.read_log().count(secret) == 1
        assert client_as(srv, akid, secret, service="sts").get_caller_identity()["Arn"].endswith(":root")
        leaks = scan(list(files_under(srv.data)), [("generated root secret", secret)])
        assert not leaks, leaks
    finally:
        srv.cleanup()


def test_rotate_master_key(tmp_path):
    srv = Server()
    try:
        s3 = srv.client()
        bkt = unique("rot")
        s3.create_bucket(Bucket=bkt)
        s3.put_object(Bucket=bkt, Key="k", Body=b"kept")
        u = new_iam_user(srv, "rotm", policies=[S3_FULL])
        sess = u.sts.get_session_token(DurationSeconds=900)["Credentials"]
        client_as(srv, sess["AccessKeyId"], sess["SecretAccessKey"], sess["SessionToken"]).head_object(
            Bucket=bkt, Key="k")
        mk = os.path.join(srv.data, "master.key")
        before = open(mk).read()
        assert srv.stop() == 0
        p = subprocess.run([BIN, "admin", "rotate-master-key", "--data", srv.data],
                           capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, ASAN_OPTIONS="detect_leaks=1"))
        assert p.returncode == 0, (p.stdout, p.stderr)
        n = int(p.stdout.split("master key rotated: ", 1)[1].split()[0])
        assert n >= 2, p.stdout          # the root key and the user's key at least
        after = open(mk).read()
        assert after != before and len(after.strip()) == 64
        assert oct(os.stat(mk).st_mode & 0o777) == "0o600"
        srv.start()
        assert client_as(srv, srv.akid, srv.secret).get_object(Bucket=bkt, Key="k")["Body"].read() == b"kept"
        assert u.s3.get_object(Bucket=bkt, Key="k")["Body"].read() == b"kept"
        # sessions sealed under the old master key stop working
        old = client_as(srv, sess["AccessKeyId"], sess["SecretAccessKey"], sess["SessionToken"])
        expect_error(old.head_object, 400, None, Bucket=bkt, Key="k")
        expect_error(client_as(srv, sess["AccessKeyId"], sess["SecretAccessKey"], sess["SessionToken"],
                               service="sts").get_caller_identity, 403, "InvalidClientTokenId")
        leaks = scan(list(files_under(srv.data)) + [srv.log_path],
                     [("root", SECRET), ("user", u.secret), ("old master", before.strip())])
        assert not leaks, leaks
    finally:
        srv.cleanup()
