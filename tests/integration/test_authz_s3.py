"""Authorisation of S3 requests against a real coffer server with boto3 and
curl: each S3 operation maps to its IAM action and resource ARN, custom
identity policies, condition keys filled from the request, bucket policies
(including anonymous read with Principal "*"), explicit denies, AWS's
explanatory AccessDenied messages, and the audit log (CloudTrail-shaped JSON
lines naming the deciding policy and statement)."""
import datetime
import json
import os
import subprocess
import time

import pytest
from botocore.exceptions import ClientError

from conftest import S3_FULL, account_id, client_as, new_iam_user
from sigv4_client import expect_error, unique


def doc(*stmts):
    return json.dumps({"Version": "2012-10-17", "Statement": list(stmts)})


def allow(action, resource, **extra):
    s = {"Effect": "Allow", "Action": action, "Resource": resource}
    s.update(extra)
    return s


def implicit(arn, action, resource, kind="identity-based"):
    return ('User: %s is not authorized to perform: %s on resource: "%s" because no %s policy '
            'allows the %s action' % (arn, action, resource, kind, action))


def explicit_prefix(arn, action, resource, kind):
    # AWS may append ": <policy ARN>" after the policy type for explicit denies
    return ('User: %s is not authorized to perform: %s on resource: "%s" with an explicit deny in %s' %
            (arn, action, resource, kind))


def curl(server, method, path, data=None):
    """An unauthenticated request: (status, body)."""
    cmd = ["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-X", method, server.endpoint + path]
    if method == "HEAD":
        cmd[cmd.index("-X"):cmd.index("-X") + 2] = ["-I"]
    if data is not None:
        cmd += ["--data-binary", data, "-H", "Content-Type: application/octet-stream"]
    p = subprocess.run(cmd, capture_output=True, timeout=30)
    body, _, code = p.stdout.rpartition(b"\n")
    return int(code), body


# ---------------------------------------------------------------------------
# a custom identity policy: s3:ListBucket on B and s3:GetObject on B/*


def test_custom_policy_list_and_get_only(server, s3, bucket):
    other = unique("other")
    s3.create_bucket(Bucket=other)
    for b in (bucket, other):
        s3.put_object(Bucket=b, Key="a.txt", Body=b"alpha")
        s3.put_object(Bucket=b, Key="dir/b.txt", Body=b"beta")
    u = new_iam_user(server, "custom", inline={"Version": "2012-10-17", "Statement": [
        allow("s3:ListBucket", "arn:aws:s3:::" + bucket),
        allow("s3:GetObject", "arn:aws:s3:::%s/*" % bucket)]})
    c = u.s3
    assert sorted(o["Key"] for o in c.list_objects_v2(Bucket=bucket)["Contents"]) == ["a.txt", "dir/b.txt"]
    assert [o["Key"] for o in c.list_objects(Bucket=bucket)["Contents"]] == ["a.txt", "dir/b.txt"]
    assert c.get_object(Bucket=bucket, Key="dir/b.txt")["Body"].read() == b"beta"
    assert c.head_object(Bucket=bucket, Key="a.txt")["ContentLength"] == 5
    c.head_bucket(Bucket=bucket)                      # HeadBucket needs s3:ListBucket
    # with s3:ListBucket a missing key is 404 NoSuchKey
    expect_error(c.get_object, 404, "NoSuchKey", Bucket=bucket, Key="missing")

    r = expect_error(c.put_object, 403, "AccessDenied", Bucket=bucket, Key="new", Body=b"x")
    assert r["Error"]["Message"] == implicit(u.arn, "s3:PutObject", "arn:aws:s3:::%s/new" % bucket)
    r = expect_error(c.delete_object, 403, "AccessDenied", Bucket=bucket, Key="a.txt")
    assert r["Error"]["Message"] == implicit(u.arn, "s3:DeleteObject", "arn:aws:s3:::%s/a.txt" % bucket)
    r = expect_error(c.list_objects_v2, 403, "AccessDenied", Bucket=other)
    assert r["Error"]["Message"] == implicit(u.arn, "s3:ListBucket", "arn:aws:s3:::" + other)
    r = expect_error(c.get_object, 403, "AccessDenied", Bucket=other, Key="a.txt")
    assert r["Error"]["Message"] == implicit(u.arn, "s3:GetObject", "arn:aws:s3:::%s/a.txt" % other)
    r = expect_error(c.list_buckets, 403, "AccessDenied")
    assert r["Error"]["Message"].startswith(
        "User: %s is not authorized to perform: s3:ListAllMyBuckets on resource: " % u.arn), r["Error"]
    expect_error(c.head_object, 403, None, Bucket=other, Key="a.txt")
    expect_error(c.create_bucket, 403, "AccessDenied", Bucket=unique("nope"))
    expect_error(c.delete_bucket, 403, "AccessDenied", Bucket=bucket)
    expect_error(c.copy_object, 403, "AccessDenied", Bucket=bucket, Key="copy",
                 CopySource={"Bucket": bucket, "Key": "a.txt"})
    expect_error(c.create_multipart_upload, 403, "AccessDenied", Bucket=bucket, Key="mp")
    # DeleteObjects: 200 with a per-key AccessDenied
    res = c.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a.txt"}, {"Key": "dir/b.txt"}]})
    assert sorted((e["Key"], e["Code"]) for e in res.get("Errors", [])) == [
        ("a.txt", "AccessDenied"), ("dir/b.txt", "AccessDenied")], res
    assert res.get("Deleted", []) == []
    # nothing changed
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]) == ["a.txt", "dir/b.txt"]
    for k in ("a.txt", "dir/b.txt"):
        s3.delete_object(Bucket=other, Key=k)
    s3.delete_bucket(Bucket=other)


def test_missing_key_without_list_permission_is_403(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="there", Body=b"1")
    u = new_iam_user(server, "nolist", inline={"Version": "2012-10-17", "Statement": [
        allow("s3:GetObject", "arn:aws:s3:::%s/*" % bucket)]})
    assert u.s3.get_object(Bucket=bucket, Key="there")["Body"].read() == b"1"
    # without s3:ListBucket, a missing key is 403 AccessDenied (not 404)
    expect_error(u.s3.get_object, 403, "AccessDenied", Bucket=bucket, Key="not-there")


# ---------------------------------------------------------------------------
# operation -> action mapping


def _mp_upload(s3, bucket, key="mp"):
    return s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]


def _ops(bucket):
    b = "arn:aws:s3:::" + bucket
    o = b + "/obj"
    return [
        # (name, action, resource ARN, setup(root s3) -> ctx, call(user s3, ctx))
        ("ListObjectsV2", "s3:ListBucket", b, None, lambda c, x: c.list_objects_v2(Bucket=bucket)),
        ("ListObjects", "s3:ListBucket", b, None, lambda c, x: c.list_objects(Bucket=bucket)),
        ("HeadBucket", "s3:ListBucket", b, None, lambda c, x: c.head_bucket(Bucket=bucket)),
        ("GetObject", "s3:GetObject", o, None, lambda c, x: c.get_object(Bucket=bucket, Key="obj")),
        ("HeadObject", "s3:GetObject", o, None, lambda c, x: c.head_object(Bucket=bucket, Key="obj")),
        ("PutObject", "s3:PutObject", o, None,
         lambda c, x: c.put_object(Bucket=bucket, Key="obj", Body=b"obj")),
        ("CopyObject", "s3:PutObject", o, None,
         lambda c, x: c.copy_object(Bucket=bucket, Key="obj", CopySource={"Bucket": bucket, "Key": "src"},
                                    MetadataDirective="COPY")),
        ("CreateMultipartUpload", "s3:PutObject", o, None,
         lambda c, x: c.create_multipart_upload(Bucket=bucket, Key="obj")),
        ("ListMultipartUploads", "s3:ListBucketMultipartUploads", b, None,
         lambda c, x: c.list_multipart_uploads(Bucket=bucket)),
        ("ListParts", "s3:ListMultipartUploadParts", b + "/mp",
         lambda s3: _mp_upload(s3, bucket), lambda c, x: c.list_parts(Bucket=bucket, Key="mp", UploadId=x)),
        ("AbortMultipartUpload", "s3:AbortMultipartUpload", b + "/mp",
         lambda s3: _mp_upload(s3, bucket),
         lambda c, x: c.abort_multipart_upload(Bucket=bucket, Key="mp", UploadId=x)),
        ("GetBucketLocation", "s3:GetBucketLocation", b, None,
         lambda c, x: c.get_bucket_location(Bucket=bucket)),
        ("DeleteObject", "s3:DeleteObject", o, None, lambda c, x: c.delete_object(Bucket=bucket, Key="obj")),
        # last: the bucket policy it needs stays
        ("GetBucketPolicy", "s3:GetBucketPolicy", b,
         lambda s3: s3.put_bucket_policy(Bucket=bucket, Policy=doc(
             {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": b + "/nothing"})),
         lambda c, x: c.get_bucket_policy(Bucket=bucket)),
    ]


def test_operation_to_action_mapping(server, s3, bucket):
    """Each S3 operation needs exactly its documented action on its resource:
    allowed with only that action, refused (naming it) with all others."""
    s3.put_object(Bucket=bucket, Key="obj", Body=b"obj")
    s3.put_object(Bucket=bucket, Key="src", Body=b"src")
    iam = server.client("iam")
    u = new_iam_user(server, "mapping")
    c = u.s3
    failures = []
    for name, action, res, setup, call in _ops(bucket):
        ctx = setup(s3) if setup else None
        if name == "CopyObject":   # the source needs s3:GetObject as well
            only = doc(allow(action, res), allow("s3:GetObject", "arn:aws:s3:::%s/src" % bucket))
        else:
            only = doc(allow(action, res))
        iam.put_user_policy(UserName=u.name, PolicyName="p", PolicyDocument=only)
        try:
            call(c, ctx)
        except ClientError as e:
            failures.append("%s with only %s on %s: %s" % (name, action, res, e.response["Error"]))
        ctx = setup(s3) if setup else ctx
        iam.put_user_policy(UserName=u.name, PolicyName="p", PolicyDocument=doc(
            {"Effect": "Allow", "NotAction": action, "Resource": "*"}))
        try:
            call(c, ctx)
            failures.append("%s succeeded without %s" % (name, action))
        except ClientError as e:
            st = e.response["ResponseMetadata"]["HTTPStatusCode"]
            msg = e.response["Error"].get("Message", "")
            if st != 403:
                failures.append("%s without %s: status %s %s" % (name, action, st, e.response["Error"]))
            elif name not in ("HeadBucket", "HeadObject", "GetBucketPolicy") and \
                    msg != implicit(u.arn, action, res):
                failures.append("%s: message %r" % (name, msg))
    for up in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
        s3.abort_multipart_upload(Bucket=bucket, Key=up["Key"], UploadId=up["UploadId"])
    assert not failures, "\n".join(failures)


def test_list_all_my_buckets_and_create_bucket(server, s3):
    u = new_iam_user(server, "lamb", inline={"Version": "2012-10-17", "Statement": [
        allow("s3:ListAllMyBuckets", "*"), allow("s3:CreateBucket", "arn:aws:s3:::mine-*")]})
    mine = "mine-" + unique("b")
    u.s3.create_bucket(Bucket=mine)
    assert mine in [b["Name"] for b in u.s3.list_buckets()["Buckets"]]
    r = expect_error(u.s3.create_bucket, 403, "AccessDenied", Bucket=unique("notmine"))
    assert "s3:CreateBucket" in r["Error"]["Message"]
    r = expect_error(u.s3.delete_bucket, 403, "AccessDenied", Bucket=mine)
    assert r["Error"]["Message"] == implicit(u.arn, "s3:DeleteBucket", "arn:aws:s3:::" + mine)
    s3.delete_bucket(Bucket=mine)


# ---------------------------------------------------------------------------
# explicit deny and condition keys on live requests


def test_explicit_deny_in_identity_policy(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    iam = server.client("iam")
    parn = iam.create_policy(PolicyName=unique("deny"), PolicyDocument=doc(
        {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}))["Policy"]["Arn"]
    u = new_iam_user(server, "xdeny", policies=[S3_FULL, parn])
    u.s3.put_object(Bucket=bucket, Key="k2", Body=b"v2")
    r = expect_error(u.s3.delete_object, 403, "AccessDenied", Bucket=bucket, Key="k")
    assert r["Error"]["Message"].startswith(explicit_prefix(
        u.arn, "s3:DeleteObject", "arn:aws:s3:::%s/k" % bucket, "an identity-based policy")), r["Error"]
    iam.detach_user_policy(UserName=u.name, PolicyArn=parn)
    u.s3.delete_object(Bucket=bucket, Key="k")


def test_condition_keys_from_requests(server, s3, bucket):
    for k in ("home/other/b", "pub/c"):
        s3.put_object(Bucket=bucket, Key=k, Body=b"1")
    iam = server.client("iam")
    u = new_iam_user(server, "cond")
    s3.put_object(Bucket=bucket, Key="home/%s/mine.txt" % u.name, Body=b"mine")
    # s3:prefix with ${aws:username} (the documented home-folder policy)
    iam.put_user_policy(UserName=u.name, PolicyName="p", PolicyDocument=doc(
        allow("s3:ListBucket", "arn:aws:s3:::" + bucket,
              Condition={"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}),
        allow("s3:GetObject", "arn:aws:s3:::%s/home/${aws:username}/*" % bucket)))
    got = u.s3.list_objects_v2(Bucket=bucket, Prefix="home/%s/" % u.name)
    assert [o["Key"] for o in got["Contents"]] == ["home/%s/mine.txt" % u.name]
    expect_error(u.s3.list_objects_v2, 403, "AccessDenied", Bucket=bucket)
    expect_error(u.s3.list_objects_v2, 403, "AccessDenied", Bucket=bucket, Prefix="home/other/")
    assert u.s3.get_object(Bucket=bucket, Key="home/%s/mine.txt" % u.name)["Body"].read() == b"mine"
    expect_error(u.s3.get_object, 403, "AccessDenied", Bucket=bucket, Key="home/other/b")
    # s3:max-keys
    iam.put_user_policy(UserName=u.name, PolicyName="p", PolicyDocument=doc(
        allow("s3:ListBucket", "arn:aws:s3:::" + bucket,
              Condition={"NumericLessThanEquals": {"s3:max-keys": "10"}})))
    u.s3.list_objects_v2(Bucket=bucket, MaxKeys=5)
    expect_error(u.s3.list_objects_v2, 403, "AccessDenied", Bucket=bucket, MaxKeys=500)
    # aws:SourceIp: the request comes from 127.0.0.1
    iam.put_user_policy(UserName=u.name, PolicyName="p", PolicyDocument=doc(
        allow("s3:GetObject", "arn:aws:s3:::%s/*" % bucket,
              Condition={"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}),
        allow("s3:PutObject", "arn:aws:s3:::%s/*" % bucket,
              Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})))
    u.s3.get_object(Bucket=bucket, Key="pub/c")
    expect_error(u.s3.put_object, 403, "AccessDenied", Bucket=bucket, Key="pub/d", Body=b"x")
    # aws:SecureTransport is false over plain HTTP: the usual "deny insecure" statement bites
    iam.put_user_policy(UserName=u.name, PolicyName="p", PolicyDocument=doc(
        allow("s3:*", "*"),
        {"Sid": "DenyInsecure", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}))
    u.s3.get_object(Bucket=bucket, Key="pub/c")
    expect_error(u.s3.put_object, 403, "AccessDenied", Bucket=bucket, Key="pub/e", Body=b"x")


def test_principal_tag_variable(server, s3, bucket):
    iam = server.client("iam")
    u = new_iam_user(server, "ptag")
    iam.tag_user(UserName=u.name, Tags=[{"Key": "team", "Value": "blue"}])
    s3.put_object(Bucket=bucket, Key="blue/x", Body=b"b")
    s3.put_object(Bucket=bucket, Key="red/x", Body=b"r")
    iam.put_user_policy(UserName=u.name, PolicyName="p", PolicyDocument=doc(
        allow("s3:GetObject", "arn:aws:s3:::%s/${aws:PrincipalTag/team}/*" % bucket)))
    assert u.s3.get_object(Bucket=bucket, Key="blue/x")["Body"].read() == b"b"
    expect_error(u.s3.get_object, 403, "AccessDenied", Bucket=bucket, Key="red/x")


# ---------------------------------------------------------------------------
# bucket policies


def public_read(bucket, **extra):
    s = {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::%s/*" % bucket}
    s.update(extra)
    return doc(s)


def test_bucket_policy_anonymous_read(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="index.html", Body=b"<h1>hi</h1>")
    st, body = curl(server, "GET", "/%s/index.html" % bucket)
    assert st == 403 and b"<Code>AccessDenied</Code>" in body, (st, body)
    expect_error(s3.get_bucket_policy, 404, "NoSuchBucketPolicy", Bucket=bucket)
    pol = public_read(bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=pol)
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == json.loads(pol)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True
    st, body = curl(server, "GET", "/%s/index.html" % bucket)
    assert (st, body) == (200, b"<h1>hi</h1>")
    st, _ = curl(server, "HEAD", "/%s/index.html" % bucket)
    assert st == 200
    # only what the policy grants: no listing, no writes, no deletes
    st, body = curl(server, "GET", "/%s/" % bucket)
    assert st == 403 and b"AccessDenied" in body, (st, body)
    st, _ = curl(server, "PUT", "/%s/evil.html" % bucket, data=b"x")
    assert st == 403
    st, _ = curl(server, "DELETE", "/%s/index.html" % bucket)
    assert st == 403
    assert s3.get_object(Bucket=bucket, Key="index.html")["Body"].read() == b"<h1>hi</h1>"
    expect_error(s3.head_object, 404, None, Bucket=bucket, Key="evil.html")
    # delete the policy: anonymous access ends
    r = s3.delete_bucket_policy(Bucket=bucket)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    st, _ = curl(server, "GET", "/%s/index.html" % bucket)
    assert st == 403
    expect_error(s3.get_bucket_policy, 404, "NoSuchBucketPolicy", Bucket=bucket)
    expect_error(s3.get_bucket_policy_status, 404, "NoSuchBucketPolicy", Bucket=bucket)


def test_bucket_policy_status_not_public(server, s3, bucket):
    u = new_iam_user(server, "bps")
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(
        {"Effect": "Allow", "Principal": {"AWS": u.arn}, "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::%s/*" % bucket}))
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is False
    # "*" restricted to fixed source addresses is not public either
    s3.put_bucket_policy(Bucket=bucket, Policy=public_read(
        bucket, Condition={"IpAddress": {"aws:SourceIp": "127.0.0.1/32"}}))
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is False
    s3.put_object(Bucket=bucket, Key="k", Body=b"local")
    assert curl(server, "GET", "/%s/k" % bucket) == (200, b"local")
    s3.put_bucket_policy(Bucket=bucket, Policy=public_read(
        bucket, Condition={"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}))
    assert curl(server, "GET", "/%s/k" % bucket)[0] == 403


BAD_BUCKET_POLICIES = [
    ("not json", lambda b: "{nope"),
    ("no principal", lambda b: doc({"Effect": "Allow", "Action": "s3:GetObject",
                                    "Resource": "arn:aws:s3:::%s/*" % b})),
    ("other bucket", lambda b: doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                    "Resource": "arn:aws:s3:::some-other-bucket/*"})),
    ("non-s3 action", lambda b: doc({"Effect": "Allow", "Principal": "*", "Action": "iam:CreateUser",
                                     "Resource": "arn:aws:s3:::%s/*" % b})),
    ("missing effect", lambda b: doc({"Principal": "*", "Action": "s3:GetObject",
                                      "Resource": "arn:aws:s3:::%s/*" % b})),
]


@pytest.mark.parametrize("what,make", BAD_BUCKET_POLICIES, ids=[x[0] for x in BAD_BUCKET_POLICIES])
def test_bucket_policy_malformed(server, s3, bucket, what, make):
    expect_error(s3.put_bucket_policy, 400, "MalformedPolicy", Bucket=bucket, Policy=make(bucket))
    expect_error(s3.get_bucket_policy, 404, "NoSuchBucketPolicy", Bucket=bucket)


def test_bucket_policy_explicit_deny_beats_full_access(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="keep.txt", Body=b"keep")
    u = new_iam_user(server, "bpdeny", policies=[S3_FULL])
    u.s3.put_object(Bucket=bucket, Key="before.txt", Body=b"ok")
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(
        {"Sid": "NoWritesForUser", "Effect": "Deny", "Principal": {"AWS": u.arn},
         "Action": ["s3:PutObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::%s/*" % bucket}))
    r = expect_error(u.s3.put_object, 403, "AccessDenied", Bucket=bucket, Key="after.txt", Body=b"no")
    assert r["Error"]["Message"].startswith(explicit_prefix(
        u.arn, "s3:PutObject", "arn:aws:s3:::%s/after.txt" % bucket, "a resource-based policy")), r["Error"]
    expect_error(u.s3.delete_object, 403, "AccessDenied", Bucket=bucket, Key="keep.txt")
    assert u.s3.get_object(Bucket=bucket, Key="keep.txt")["Body"].read() == b"keep"
    # the deny names this user only: another full-access user may write
    v = new_iam_user(server, "bpok", policies=[S3_FULL])
    v.s3.put_object(Bucket=bucket, Key="by-v.txt", Body=b"v")
    s3.delete_bucket_policy(Bucket=bucket)
    u.s3.put_object(Bucket=bucket, Key="after.txt", Body=b"now")


def test_bucket_policy_grants_user_without_identity_policy(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="shared.txt", Body=b"shared")
    u = new_iam_user(server, "bpgrant")
    expect_error(u.s3.get_object, 403, "AccessDenied", Bucket=bucket, Key="shared.txt")
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(
        {"Effect": "Allow", "Principal": {"AWS": u.arn}, "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": ["arn:aws:s3:::%s/*" % bucket, "arn:aws:s3:::" + bucket]}))
    # within one account a resource policy naming the user is enough
    assert u.s3.get_object(Bucket=bucket, Key="shared.txt")["Body"].read() == b"shared"
    assert [o["Key"] for o in u.s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["shared.txt"]
    r = expect_error(u.s3.put_object, 403, "AccessDenied", Bucket=bucket, Key="x", Body=b"x")
    assert "s3:PutObject" in r["Error"]["Message"]
    # the anonymous public is not included
    assert curl(server, "GET", "/%s/shared.txt" % bucket)[0] == 403
    s3.delete_bucket_policy(Bucket=bucket)
    expect_error(u.s3.get_object, 403, "AccessDenied", Bucket=bucket, Key="shared.txt")


def test_bucket_policy_needs_permission(server, s3, bucket):
    u = new_iam_user(server, "bpperm", inline={"Version": "2012-10-17", "Statement": [
        allow(["s3:GetObject", "s3:PutObject"], "*")]})
    r = expect_error(u.s3.put_bucket_policy, 403, "AccessDenied", Bucket=bucket, Policy=public_read(bucket))
    assert r["Error"]["Message"] == implicit(u.arn, "s3:PutBucketPolicy", "arn:aws:s3:::" + bucket)
    expect_error(s3.get_bucket_policy, 404, "NoSuchBucketPolicy", Bucket=bucket)


# ---------------------------------------------------------------------------
# the audit log


def _audit(server, pred, timeout=8.0):
    path = os.path.join(server.data, "audit.log")
    deadline = time.time() + timeout
    while True:
        found = []
        if os.path.exists(path):
            with open(path, "rb") as f:
                for line in f.read().decode("utf-8").splitlines():
                    if line.strip():
                        ev = json.loads(line)       # every line is one JSON object
                        if pred(ev, line):
                            found.append((ev, line))
        if found or time.time() > deadline:
            return found
        time.sleep(0.2)


def _check_time(ev):
    t = datetime.datetime.fromisoformat(ev["eventTime"].replace("Z", "+00:00"))
    assert abs((datetime.datetime.now(datetime.timezone.utc) - t).total_seconds()) < 300, ev


def test_audit_log(server, s3, bucket):
    acct = account_id(server)
    iam = server.client("iam")
    parn = iam.create_policy(PolicyName=unique("auditdeny"), PolicyDocument=doc(
        {"Sid": "DenyPutsHere", "Effect": "Deny", "Action": "s3:PutObject",
         "Resource": "arn:aws:s3:::%s/locked/*" % bucket}))["Policy"]["Arn"]
    name = unique("audited")
    iam.create_user(UserName=name)
    iam.attach_user_policy(UserName=name, PolicyArn=S3_FULL)
    k = iam.create_access_key(UserName=name)["AccessKey"]
    user_arn = "arn:aws:iam::%s:user/%s" % (acct, name)
    root_arn = "arn:aws:iam::%s:root" % acct

    def iam_event(event):
        return lambda ev, line: (ev.get("eventName") == event and
                                 ev.get("eventSource") == "iam.amazonaws.com" and name in line)

    for event in ("CreateUser", "AttachUserPolicy", "CreateAccessKey"):
        got = _audit(server, iam_event(event))
        assert len(got) == 1, (event, got)
        ev, line = got[0]
        _check_time(ev)
        assert ev["userIdentity"]["arn"] == root_arn, ev
        assert ev["sourceIPAddress"] == "127.0.0.1", ev
        assert ev["requestParameters"]["userName"] == name, ev
        assert not ev.get("errorCode"), ev
        assert k["SecretAccessKey"] not in line
    att = _audit(server, iam_event("AttachUserPolicy"))[0][0]
    assert att["requestParameters"]["policyArn"] == S3_FULL, att

    # a failed IAM mutation is recorded with its error code
    expect_error(iam.create_user, 409, "EntityAlreadyExists", UserName=name)
    dup = _audit(server, lambda ev, line: ev.get("eventName") == "CreateUser" and name in line
                 and ev.get("errorCode") == "EntityAlreadyExists")
    assert len(dup) == 1, dup

    # a denied S3 request: implicit deny
    c = client_as(server, k["AccessKeyId"], k["SecretAccessKey"])
    iam.detach_user_policy(UserName=name, PolicyArn=S3_FULL)
    expect_error(c.put_object, 403, "AccessDenied", Bucket=bucket, Key="free/x", Body=b"x")
    got = _audit(server, lambda ev, line: ev.get("eventSource") == "s3.amazonaws.com"
                 and ev.get("eventName") == "PutObject" and ev.get("errorCode") == "AccessDenied"
                 and "free/x" in line)
    assert len(got) == 1, got
    ev, line = got[0]
    _check_time(ev)
    assert ev["userIdentity"]["arn"] == user_arn, ev
    assert ev["sourceIPAddress"] == "127.0.0.1"
    assert bucket in line

    # an explicit deny names the deciding policy and statement
    iam.attach_user_policy(UserName=name, PolicyArn=S3_FULL)
    iam.attach_user_policy(UserName=name, PolicyArn=parn)
    c.put_object(Bucket=bucket, Key="open/x", Body=b"x")
    expect_error(c.put_object, 403, "AccessDenied", Bucket=bucket, Key="locked/x", Body=b"x")
    got = _audit(server, lambda ev, line: ev.get("eventName") == "PutObject"
                 and ev.get("errorCode") == "AccessDenied" and "locked/x" in line)
    assert len(got) == 1, got
    ev, line = got[0]
    assert parn in line and "DenyPutsHere" in line, line

    # an anonymous denied request
    curl(server, "GET", "/%s/anon-probe" % bucket)
    got = _audit(server, lambda ev, line: ev.get("errorCode") == "AccessDenied" and "anon-probe" in line)
    assert len(got) == 1, got

    # STS mutations: AssumeRole
    role = unique("auditrole")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}))
    a = client_as(server, k["AccessKeyId"], k["SecretAccessKey"], service="sts").assume_role(
        RoleArn="arn:aws:iam::%s:role/%s" % (acct, role), RoleSessionName="audited-session")
    got = _audit(server, lambda ev, line: ev.get("eventSource") == "sts.amazonaws.com"
                 and ev.get("eventName") == "AssumeRole" and role in line)
    assert len(got) == 1, got
    assert got[0][0]["userIdentity"]["arn"] == user_arn
    assert a["Credentials"]["SecretAccessKey"] not in got[0][1]
    assert a["Credentials"]["SessionToken"] not in got[0][1]


# ---------------------------------------------------------------------------
# more bucket-policy grammar and presigned URLs


def test_bucket_policy_anonymous_list(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="listed.txt", Body=b"1")
    assert curl(server, "GET", "/%s/" % bucket)[0] == 403
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:ListBucket",
         "Resource": "arn:aws:s3:::" + bucket}))
    st, body = curl(server, "GET", "/%s/?list-type=2" % bucket)
    assert st == 200 and b"<Key>listed.txt</Key>" in body, (st, body)
    # listing is not reading
    assert curl(server, "GET", "/%s/listed.txt" % bucket)[0] == 403
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True


def test_bucket_policy_not_principal(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"only-a")
    a = new_iam_user(server, "np-a", policies=[S3_FULL])
    b = new_iam_user(server, "np-b", policies=[S3_FULL])
    # as in the NotPrincipal reference: the user and its account are both listed
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(
        {"Sid": "OnlyA", "Effect": "Deny",
         "NotPrincipal": {"AWS": [a.arn, "arn:aws:iam::%s:root" % account_id(server)]},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % bucket}))
    assert a.s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"only-a"
    r = expect_error(b.s3.get_object, 403, "AccessDenied", Bucket=bucket, Key="k")
    assert r["Error"]["Message"].startswith(explicit_prefix(
        b.arn, "s3:GetObject", "arn:aws:s3:::%s/k" % bucket, "a resource-based policy")), r["Error"]
    # other actions are unaffected
    b.s3.put_object(Bucket=bucket, Key="k2", Body=b"b")
    s3.delete_bucket_policy(Bucket=bucket)


def test_presigned_urls_follow_policies(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="signed.txt", Body=b"presigned")
    iam = server.client("iam")
    u = new_iam_user(server, "presign", policies=[S3_FULL])
    url = u.s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "signed.txt"},
                                      ExpiresIn=300)
    path = url[len(server.endpoint):]
    assert curl(server, "GET", path) == (200, b"presigned")
    iam.detach_user_policy(UserName=u.name, PolicyArn=S3_FULL)
    st, body = curl(server, "GET", path)
    assert st == 403 and b"<Code>AccessDenied</Code>" in body, (st, body)
    assert ("is not authorized to perform: s3:GetObject").encode() in body, body
    # a URL presigned with temporary credentials carries the session token
    role = server.client("iam").create_role(RoleName=unique("presign"), AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": u.arn}, "Action": "sts:AssumeRole"}))["Role"]
    iam.attach_role_policy(RoleName=role["RoleName"], PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    c = u.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="presign")["Credentials"]
    sc = client_as(server, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
    surl = sc.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "signed.txt"},
                                     ExpiresIn=300)
    assert "X-Amz-Security-Token=" in surl
    assert curl(server, "GET", surl[len(server.endpoint):]) == (200, b"presigned")
    purl = sc.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "nope.txt"}, ExpiresIn=300)
    assert curl(server, "PUT", purl[len(server.endpoint):], data=b"x")[0] == 403
