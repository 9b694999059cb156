"""Credentials that must no longer (or never did) work: deactivated, deleted
and invented access keys, keys of deleted users, temporary credentials after
expiry, truncated or foreign session tokens and ASIA keys without theirs.

test_iam_users.py covers a deactivated and a deleted key for S3 reads and
test_sts.py a flipped or garbage token, an ASIA key without token and role
credentials expiring for the AWS CLI; this file adds writes, presigned URLs,
the IAM/STS endpoints, deleted users, foreign tokens and expiry of
GetSessionToken credentials and of presigned URLs made with a session."""
import hashlib
import json
import urllib.parse

import pytest
from botocore.exceptions import ClientError

from conftest import Server, client_as, keys_of, new_iam_user, object_body
from sigv4_client import SigV4Client, amz_date, expect_error
from test_sts import clock_shim  # noqa: F401  (fixture: shifts the server's clock)

S3_FULL = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def refused_everywhere(server, bucket, akid, secret, token=None, s3_code="InvalidAccessKeyId",
                       s3_status=403, query_code="InvalidClientTokenId", query_status=403):
    """The credentials can neither write to S3, read from it, use a presigned
    URL, nor call IAM or STS; each refusal has AWS's status and code."""
    s3c = client_as(server, akid, secret, token)
    expect_error(s3c.put_object, s3_status, s3_code, Bucket=bucket, Key="intruder", Body=b"x")
    expect_error(s3c.delete_object, s3_status, s3_code, Bucket=bucket, Key="victim")
    expect_error(s3c.list_buckets, s3_status, s3_code)
    url = s3c.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "victim"},
                                     ExpiresIn=300)
    c = SigV4Client(server.endpoint, akid, secret)
    r = c.get_url(url[len(server.endpoint):])
    assert (r.status, r.code) == (s3_status, s3_code), r
    iam = client_as(server, akid, secret, token, service="iam")
    expect_error(iam.create_user, query_status, query_code, UserName="intruder")
    sts = client_as(server, akid, secret, token, service="sts")
    expect_error(sts.get_caller_identity, query_status, query_code)
    root = server.client()
    assert object_body(root, bucket, "intruder") is None
    assert object_body(root, bucket, "victim") == b"victim"
    names = [u["UserName"] for u in server.client("iam").list_users()["Users"]]
    assert "intruder" not in names


@pytest.fixture
def victim(s3, bucket):
    s3.put_object(Bucket=bucket, Key="victim", Body=b"victim")
    return bucket


def test_never_existing_keys(server, victim):
    for akid in ("AKIAAAAAAAAAAAAAAAAA", server.akid[:-1] + ("X" if server.akid[-1] != "X" else "Y"),
                 "AKIA", "A" * 128):
        refused_everywhere(server, victim, akid, server.secret)


def test_deactivated_key(server, victim):
    u = new_iam_user(server, "deact", policies=[ADMIN])
    s3u = u.s3
    s3u.put_object(Bucket=victim, Key="mine", Body=b"x")      # warms the signing-key cache
    url = s3u.generate_presigned_url("get_object", Params={"Bucket": victim, "Key": "victim"},
                                     ExpiresIn=600)
    server.client("iam").update_access_key(UserName=u.name, AccessKeyId=u.akid, Status="Inactive")
    refused_everywhere(server, victim, u.akid, u.secret)
    r = SigV4Client(server.endpoint, u.akid, u.secret).get_url(url[len(server.endpoint):])
    assert (r.status, r.code) == (403, "InvalidAccessKeyId"), r
    # an inactive key cannot re-activate itself
    expect_error(u.iam.update_access_key, 403, "InvalidClientTokenId", AccessKeyId=u.akid,
                 Status="Active")
    assert server.client("iam").list_access_keys(UserName=u.name)["AccessKeyMetadata"][0][
        "Status"] == "Inactive"


def test_deleted_key(server, victim):
    u = new_iam_user(server, "delkey", policies=[ADMIN])
    u.s3.list_buckets()
    server.client("iam").delete_access_key(UserName=u.name, AccessKeyId=u.akid)
    refused_everywhere(server, victim, u.akid, u.secret)


def test_key_of_deleted_user_stays_dead_for_a_namesake(server, victim):
    iam = server.client("iam")
    u = new_iam_user(server, "deluser", policies=[S3_FULL])
    u.s3.list_buckets()
    iam.detach_user_policy(UserName=u.name, PolicyArn=S3_FULL)
    iam.delete_access_key(UserName=u.name, AccessKeyId=u.akid)
    iam.delete_user(UserName=u.name)
    refused_everywhere(server, victim, u.akid, u.secret)
    # a new user of the same name does not bring the old key back
    iam.create_user(UserName=u.name)
    iam.attach_user_policy(UserName=u.name, PolicyArn=ADMIN)
    try:
        refused_everywhere(server, victim, u.akid, u.secret)
    finally:
        iam.detach_user_policy(UserName=u.name, PolicyArn=ADMIN)
        iam.delete_user(UserName=u.name)


def test_session_of_deleted_user_can_do_nothing(server, victim):
    iam = server.client("iam")
    u = new_iam_user(server, "gone", policies=[S3_FULL])
    c = u.sts.get_session_token(DurationSeconds=900)["Credentials"]
    creds = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
    assert client_as(server, *creds).get_object(Bucket=victim, Key="victim")["Body"].read() \
        == b"victim"
    iam.detach_user_policy(UserName=u.name, PolicyArn=S3_FULL)
    iam.delete_access_key(UserName=u.name, AccessKeyId=u.akid)
    iam.delete_user(UserName=u.name)
    s3c = client_as(server, *creds)
    for fn, kw in ((s3c.put_object, dict(Bucket=victim, Key="intruder", Body=b"x")),
                   (s3c.get_object, dict(Bucket=victim, Key="victim")),
                   (s3c.delete_object, dict(Bucket=victim, Key="victim"))):
        expect_error(fn, 403, "AccessDenied", **kw)
    assert object_body(server.client(), victim, "victim") == b"victim"
    assert object_body(server.client(), victim, "intruder") is None


# ---------------------------------------------------------------- session tokens


@pytest.fixture
def session(server):
    u = new_iam_user(server, "sess", policies=[S3_FULL])
    c = u.sts.get_session_token(DurationSeconds=900)["Credentials"]
    return c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]


def test_truncated_and_padded_tokens(server, victim, session):
    akid, secret, token = session
    # (blanks around a header value are not part of it, so not tried)
    for bad in (token[:-1], token[:len(token) // 2], token[:16], token + "A", token + "==",
                token.replace("/", "_"), token[1:]):
        if bad == token:
            continue
        refused_everywhere(server, victim, akid, secret, bad, s3_code="InvalidToken",
                           s3_status=400)


def test_foreign_token_from_another_server(server, victim):
    """A session minted by another coffer (same root keys, its own master
    key) is no token here, even with its key id and secret."""
    other = Server()
    try:
        c = other.client("sts").get_session_token(DurationSeconds=900)["Credentials"]
    finally:
        other.cleanup()
    refused_everywhere(server, victim, c["AccessKeyId"], c["SecretAccessKey"],
                       c["SessionToken"], s3_code="InvalidToken", s3_status=400)


def test_token_moved_to_a_long_term_key(server, victim, session):
    """Root's long-term key with a user's session token attached."""
    refused_everywhere(server, victim, server.akid, server.secret, session[2],
                       s3_code="InvalidToken", s3_status=400)


def test_asia_key_without_token_on_every_endpoint(server, victim, session):
    refused_everywhere(server, victim, session[0], session[1])


def test_presigned_session_url_with_tampered_token(server, victim, session):
    akid, secret, token = session
    s3c = client_as(server, akid, secret, token)
    url = s3c.generate_presigned_url("put_object", Params={"Bucket": victim, "Key": "victim"},
                                     ExpiresIn=300)[len(server.endpoint):]
    path, q = url.split("?", 1)
    pairs = [p.split("=", 1) for p in q.split("&")]
    enc = dict(pairs)["X-Amz-Security-Token"]
    c = SigV4Client(server.endpoint, akid, secret)
    flipped = enc[:20] + ("A" if enc[20] != "A" else "B") + enc[21:]
    r = c.get_url(path + "?" + "&".join("%s=%s" % (k, flipped if k == "X-Amz-Security-Token"
                                                   else v) for k, v in pairs), "PUT", body=b"x")
    assert (r.status, r.code) == (400, "InvalidToken"), r
    r = c.get_url(path + "?" + "&".join("%s=%s" % (k, v) for k, v in pairs
                                        if k != "X-Amz-Security-Token"), "PUT", body=b"x")
    assert (r.status, r.code) == (403, "InvalidAccessKeyId"), r
    assert object_body(server.client(), victim, "victim") == b"victim"


# ---------------------------------------------------------------- expiry (shifted clock)


def _query(server_endpoint, creds, service, body, offset):
    c = SigV4Client(server_endpoint, creds[0], creds[1], service=service)
    return c.request("POST", "/", body=body, date=amz_date(offset),
                     headers={"Content-Type": "application/x-www-form-urlencoded",
                              "x-amz-security-token": creds[2]})


def test_expired_session_credentials(clock_shim):  # noqa: F811
    """GetSessionToken and AssumeRole credentials and a 7-day presigned URL
    made with them: all refused with ExpiredToken once the session is over,
    while the long-term key keeps working."""
    env, set_offset = clock_shim
    set_offset(0)
    srv = Server(env=dict(env, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:"
                                            "verify_asan_link_order=0"))
    try:
        root = srv.client()
        root.create_bucket(Bucket="exp-sec")
        root.put_object(Bucket="exp-sec", Key="victim", Body=b"victim")
        u = new_iam_user(srv, "exp", policies=[ADMIN])
        iam = srv.client("iam")
        role = iam.create_role(RoleName="exp-role", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
                "AWS": u.arn}, "Action": "sts:AssumeRole"}]}))["Role"]
        iam.attach_role_policy(RoleName="exp-role", PolicyArn=ADMIN)
        sessions = []
        c = u.sts.get_session_token(DurationSeconds=900)["Credentials"]
        sessions.append((c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]))
        c = u.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="short",
                              DurationSeconds=900)["Credentials"]
        sessions.append((c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]))
        urls = []
        for creds in sessions:
            signer = SigV4Client(srv.endpoint, creds[0], creds[1])
            assert signer.request("GET", "/exp-sec/victim",
                                  headers={"x-amz-security-token": creds[2]}).status == 200
            q = signer.presign("PUT", "/exp-sec/victim", expires=604800)
            urls.append((signer, q + "&X-Amz-Security-Token=" + urllib.parse.quote(creds[2], safe="")))
        set_offset(16 * 60)
        off = 16 * 60
        for creds in sessions:
            signer = SigV4Client(srv.endpoint, creds[0], creds[1])
            for method, body in (("PUT", b"overwritten"), ("DELETE", b""), ("GET", b"")):
                r = signer.request(method, "/exp-sec/victim", body=body, date=amz_date(off),
                                   headers={"x-amz-security-token": creds[2]})
                assert (r.status, r.code) == (400, "ExpiredToken"), (method, r)
                assert r.text("Message") == "The provided token has expired.", r
            for service, body in (("sts", "Action=GetCallerIdentity&Version=2011-06-15"),
                                  ("sts", "Action=AssumeRole&Version=2011-06-15&RoleArn=%s"
                                          "&RoleSessionName=again" % role["Arn"]),
                                  ("iam", "Action=CreateUser&Version=2010-05-08&UserName=late")):
                r = _query(srv.endpoint, creds, service, body, off)
                assert r.status == 400 and b"<Code>ExpiredToken</Code>" in r.body, r
        for signer, url in urls:
            # presigned URLs carry the session: the URL's week does not outlive it
            r = signer.get_url(url, "PUT", body=b"overwritten")
            assert (r.status, r.code) == (400, "ExpiredToken"), r
        # the user's own key still works, and nothing changed
        raw = SigV4Client(srv.endpoint, u.akid, u.secret)
        r = raw.request("GET", "/exp-sec/victim", date=amz_date(off))
        assert (r.status, r.body) == (200, b"victim"), r
        set_offset(0)
        assert [x["Key"] for x in root.list_objects_v2(Bucket="exp-sec")["Contents"]] == ["victim"]
        assert "late" not in [x["UserName"] for x in iam.list_users()["Users"]]
    finally:
        set_offset(0)
        rc = srv.stop()
        log = srv.read_log()
        srv.cleanup()
    assert rc == 0, log[-3000:]
    assert "ERROR: AddressSanitizer" not in log, log[-6000:]
