"""STS against a real coffer server with the AWS CLI (/usr/bin/aws) and boto3:
GetCallerIdentity for root, users and role sessions; AssumeRole (trust
policy, DurationSeconds bounded by the role, session policies, RoleSessionName,
SourceIdentity); GetSessionToken; temporary credentials through
x-amz-security-token for S3, IAM and STS; tampered and expired tokens.

Expiry is tested for real without waiting 15 minutes: a tiny LD_PRELOAD shim
(compiled here) shifts CLOCK_REALTIME of both the server and the AWS CLI by
an offset read from a shared file, so both agree on a time 16 minutes ahead."""
import datetime
import json
import os
import struct
import subprocess
import tempfile
import textwrap

import pytest
from botocore.exceptions import ClientError

from conftest import S3_FULL, Server, account_id, aws_cli, client_as, new_iam_user
from sigv4_client import expect_error, unique


def doc(*stmts):
    return json.dumps({"Version": "2012-10-17", "Statement": list(stmts)})


def trust(principal):
    return doc({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"})


def read_bucket(bucket):
    return doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % bucket},
               {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::" + bucket})


def make_role(server, principal, inline=None, managed=(), max_session=None, prefix="role"):
    iam = server.client("iam")
    name = unique(prefix)
    kw = {"MaxSessionDuration": max_session} if max_session else {}
    r = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust(principal), **kw)["Role"]
    if inline:
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=inline)
    for arn in managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    return r


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _creds(c):
    return (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])


def _check_temp_creds(c, duration):
    assert c["AccessKeyId"].startswith("ASIA") and len(c["AccessKeyId"]) == 20, c
    assert len(c["SecretAccessKey"]) == 40
    assert len(c["SessionToken"]) > 20
    exp = c["Expiration"]
    if isinstance(exp, str):
        exp = datetime.datetime.fromisoformat(exp.replace("Z", "+00:00"))
    left = (exp - _now()).total_seconds()
    assert duration - 90 < left <= duration + 5, (left, duration)


# ---------------------------------------------------------------------------
# GetCallerIdentity


def test_get_caller_identity_root_and_user(server, tmp_path):
    acct = account_id(server)
    root = server.client("sts").get_caller_identity()
    assert root["Arn"] == "arn:aws:iam::%s:root" % acct
    assert root["UserId"] == acct and root["Account"] == acct
    _, out, _ = aws_cli(server, tmp_path, "sts", "get-caller-identity")
    assert json.loads(out) == {"UserId": acct, "Account": acct, "Arn": "arn:aws:iam::%s:root" % acct}
    u = new_iam_user(server, "whoami")
    uid = server.client("iam").get_user(UserName=u.name)["User"]["UserId"]
    # GetCallerIdentity needs no permission
    _, out, _ = aws_cli(server, tmp_path, "sts", "get-caller-identity", creds=(u.akid, u.secret))
    assert json.loads(out) == {"UserId": uid, "Account": acct,
                               "Arn": "arn:aws:iam::%s:user/%s" % (acct, u.name)}


# ---------------------------------------------------------------------------
# AssumeRole


def test_assume_role_with_cli(server, s3, bucket, tmp_path):
    s3.put_object(Bucket=bucket, Key="data.txt", Body=b"role data\n")
    acct = account_id(server)
    u = new_iam_user(server, "assumer")             # no permissions of its own
    role = make_role(server, u.arn, inline=read_bucket(bucket))
    _, out, _ = aws_cli(server, tmp_path, "sts", "assume-role", "--role-arn", role["Arn"],
                        "--role-session-name", "app-session", "--duration-seconds", "900",
                        creds=(u.akid, u.secret))
    a = json.loads(out)
    _check_temp_creds(a["Credentials"], 900)
    sess_arn = "arn:aws:sts::%s:assumed-role/%s/app-session" % (acct, role["RoleName"])
    assert a["AssumedRoleUser"]["Arn"] == sess_arn
    assert a["AssumedRoleUser"]["AssumedRoleId"] == role["RoleId"] + ":app-session"
    creds = _creds(a["Credentials"])
    _, out, _ = aws_cli(server, tmp_path, "sts", "get-caller-identity", creds=creds)
    assert json.loads(out) == {"UserId": role["RoleId"] + ":app-session", "Account": acct,
                               "Arn": sess_arn}
    # the role's policies apply: read works ...
    _, out, _ = aws_cli(server, tmp_path, "s3", "cp", "s3://%s/data.txt" % bucket, "-", creds=creds)
    assert out == "role data\n"
    _, out, _ = aws_cli(server, tmp_path, "s3", "ls", "s3://%s/" % bucket, creds=creds)
    assert "data.txt" in out
    # ... write does not, with the session's ARN in the message
    src = tmp_path / "up.txt"
    src.write_bytes(b"nope")
    rc, out, err = aws_cli(server, tmp_path, "s3", "cp", str(src), "s3://%s/up.txt" % bucket,
                           creds=creds, check=False)
    assert rc != 0
    assert "AccessDenied" in err, err
    assert ('User: %s is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::%s/up.txt" '
            'because no identity-based policy allows the s3:PutObject action' % (sess_arn, bucket)) in err, err
    # the user itself still has no access
    expect_error(u.s3.get_object, 403, "AccessDenied", Bucket=bucket, Key="data.txt")
    # boto3 with x-amz-security-token
    sc = client_as(server, *creds)
    assert sc.get_object(Bucket=bucket, Key="data.txt")["Body"].read() == b"role data\n"
    expect_error(sc.delete_object, 403, "AccessDenied", Bucket=bucket, Key="data.txt")


def test_assume_role_duration_bounds(server):
    u = new_iam_user(server, "dur")
    role = make_role(server, u.arn, inline=read_bucket("whatever"))
    sts = u.client("sts", parameter_validation=False)    # out-of-range values reach the server
    r = expect_error(sts.assume_role, 400, "ValidationError", RoleArn=role["Arn"],
                     RoleSessionName="s0", DurationSeconds=3601)
    assert "MaxSessionDuration" in r["Error"]["Message"], r["Error"]
    expect_error(sts.assume_role, 400, "ValidationError", RoleArn=role["Arn"],
                 RoleSessionName="s1", DurationSeconds=899)
    _check_temp_creds(sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s2",
                                      DurationSeconds=3600)["Credentials"], 3600)
    # no DurationSeconds: one hour
    _check_temp_creds(sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s3")["Credentials"], 3600)
    long_role = make_role(server, u.arn, inline=read_bucket("whatever"), max_session=7200)
    _check_temp_creds(sts.assume_role(RoleArn=long_role["Arn"], RoleSessionName="s4",
                                      DurationSeconds=7200)["Credentials"], 7200)
    expect_error(sts.assume_role, 400, "ValidationError", RoleArn=long_role["Arn"],
                 RoleSessionName="s5", DurationSeconds=7201)
    # RoleSessionName: 2-64 of [\w+=,.@-]
    for bad in ("has space", "x", "a" * 65, "semi;colon"):
        expect_error(sts.assume_role, 400, "ValidationError", RoleArn=role["Arn"], RoleSessionName=bad)


def test_assume_role_not_trusted(server, tmp_path):
    acct = account_id(server)
    trusted = new_iam_user(server, "trusted")
    stranger = new_iam_user(server, "stranger", policies=["arn:aws:iam::aws:policy/AdministratorAccess"])
    role = make_role(server, trusted.arn, inline=read_bucket("x"))
    # not in the trust policy: AccessDenied even with AdministratorAccess
    r = expect_error(stranger.sts.assume_role, 403, "AccessDenied", RoleArn=role["Arn"],
                     RoleSessionName="s0")
    assert r["Error"]["Message"].startswith(
        "User: %s is not authorized to perform: sts:AssumeRole on resource: %s" % (stranger.arn, role["Arn"])), r
    rc, _, err = aws_cli(server, tmp_path, "sts", "assume-role", "--role-arn", role["Arn"],
                         "--role-session-name", "s0", creds=(stranger.akid, stranger.secret), check=False)
    assert rc != 0 and "AccessDenied" in err, err
    # a role that does not exist: AccessDenied too (STS does not reveal which)
    ghost = "arn:aws:iam::%s:role/%s" % (acct, unique("ghost"))
    expect_error(trusted.sts.assume_role, 403, "AccessDenied", RoleArn=ghost, RoleSessionName="s0")
    # the root user cannot assume roles
    expect_error(server.client("sts").assume_role, 403, "AccessDenied", RoleArn=role["Arn"],
                 RoleSessionName="s0")
    # changing the trust policy takes effect at once
    server.client("iam").update_assume_role_policy(RoleName=role["RoleName"], PolicyDocument=trust(stranger.arn))
    stranger.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="now-ok")
    expect_error(trusted.sts.assume_role, 403, "AccessDenied", RoleArn=role["Arn"], RoleSessionName="s0")


def test_trust_in_account_needs_identity_permission(server):
    """A trust policy naming the account (arn:aws:iam::ACCT:root) delegates to
    the account's identity policies: the user needs sts:AssumeRole itself."""
    acct = account_id(server)
    role = make_role(server, "arn:aws:iam::%s:root" % acct, inline=read_bucket("x"))
    u = new_iam_user(server, "delegated")
    r = expect_error(u.sts.assume_role, 403, "AccessDenied", RoleArn=role["Arn"], RoleSessionName="s0")
    assert "sts:AssumeRole" in r["Error"]["Message"]
    server.client("iam").put_user_policy(UserName=u.name, PolicyName="assume", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role["Arn"]}))
    a = u.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="delegated")
    assert a["AssumedRoleUser"]["Arn"] == "arn:aws:sts::%s:assumed-role/%s/delegated" % (
        acct, role["RoleName"])


def test_session_policy_narrows(server, s3, bucket, tmp_path):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    acct = account_id(server)
    u = new_iam_user(server, "narrow")
    role = make_role(server, u.arn, managed=[S3_FULL])
    sess_policy = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % bucket},
                      {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"})
    _, out, _ = aws_cli(server, tmp_path, "sts", "assume-role", "--role-arn", role["Arn"],
                        "--role-session-name", "narrowed", "--policy", sess_policy,
                        "--duration-seconds", "900", creds=(u.akid, u.secret))
    a = json.loads(out)
    creds = _creds(a["Credentials"])
    sc = client_as(server, *creds)
    assert sc.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
    r = expect_error(sc.put_object, 403, "AccessDenied", Bucket=bucket, Key="new", Body=b"x")
    sess_arn = "arn:aws:sts::%s:assumed-role/%s/narrowed" % (acct, role["RoleName"])
    assert r["Error"]["Message"] == (
        'User: %s is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::%s/new" '
        'because no session policy allows the s3:PutObject action' % (sess_arn, bucket)), r["Error"]
    expect_error(sc.list_objects_v2, 403, "AccessDenied", Bucket=bucket)
    # the session policy cannot grant what the role does not have
    expect_error(client_as(server, *creds, service="iam").list_users, 403, "AccessDenied")
    # without a session policy the same role can write
    full = u.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="full")["Credentials"]
    client_as(server, *_creds(full)).put_object(Bucket=bucket, Key="new", Body=b"x")
    # managed session policies (PolicyArns) intersect too
    ro = u.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="ro", PolicyArns=[
        {"arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}])["Credentials"]
    rc = client_as(server, *_creds(ro))
    assert rc.get_object(Bucket=bucket, Key="new")["Body"].read() == b"x"
    expect_error(rc.delete_object, 403, "AccessDenied", Bucket=bucket, Key="new")
    # a malformed session policy
    expect_error(u.sts.assume_role, 400, "MalformedPolicyDocument", RoleArn=role["Arn"],
                 RoleSessionName="bad", Policy="{oops")


def test_role_policy_changes_apply_to_live_sessions(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    u = new_iam_user(server, "live")
    role = make_role(server, u.arn, managed=[S3_FULL])
    sc = client_as(server, *_creds(u.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="live")["Credentials"]))
    assert sc.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
    server.client("iam").detach_role_policy(RoleName=role["RoleName"], PolicyArn=S3_FULL)
    expect_error(sc.get_object, 403, "AccessDenied", Bucket=bucket, Key="k")


def test_session_credentials_for_iam_and_sts(server):
    acct = account_id(server)
    u = new_iam_user(server, "iamro")
    role = make_role(server, u.arn, managed=["arn:aws:iam::aws:policy/IAMReadOnlyAccess"])
    creds = _creds(u.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="reader")["Credentials"])
    iam = client_as(server, *creds, service="iam")
    assert u.name in [x["UserName"] for p in iam.get_paginator("list_users").paginate() for x in p["Users"]]
    r = expect_error(iam.create_user, 403, "AccessDenied", UserName=unique("no"))
    assert r["Error"]["Message"].startswith(
        "User: arn:aws:sts::%s:assumed-role/%s/reader is not authorized to perform: iam:CreateUser" % (
            acct, role["RoleName"])), r["Error"]
    sts = client_as(server, *creds, service="sts")
    assert sts.get_caller_identity()["Arn"] == "arn:aws:sts::%s:assumed-role/%s/reader" % (acct, role["RoleName"])
    # GetSessionToken cannot be called with session credentials
    expect_error(sts.get_session_token, 403, "AccessDenied")


def test_source_identity(server):
    """Setting SourceIdentity needs sts:SetSourceIdentity in the trust policy."""
    u = new_iam_user(server, "srcid")
    plain = make_role(server, u.arn, inline=read_bucket("x"))
    r = expect_error(u.sts.assume_role, 403, "AccessDenied", RoleArn=plain["Arn"], RoleSessionName="s0",
                     SourceIdentity="alice@example.com")
    assert "sts:SetSourceIdentity" in r["Error"]["Message"], r["Error"]
    iam = server.client("iam")
    name = unique("srcid")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": u.arn},
         "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}))["Role"]["Arn"]
    a = u.sts.assume_role(RoleArn=arn, RoleSessionName="s0", SourceIdentity="alice@example.com")
    assert a["SourceIdentity"] == "alice@example.com"


def test_role_chaining(server):
    acct = account_id(server)
    u = new_iam_user(server, "chain")
    second = make_role(server, "arn:aws:iam::%s:root" % acct, inline=read_bucket("x"), prefix="second",
                       max_session=7200)
    first = make_role(server, u.arn, inline=doc(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": second["Arn"]}), prefix="first")
    a = u.sts.assume_role(RoleArn=first["Arn"], RoleSessionName="one")
    s1 = client_as(server, *_creds(a["Credentials"]), service="sts")
    # chained sessions are limited to one hour
    expect_error(s1.assume_role, 400, "ValidationError", RoleArn=second["Arn"], RoleSessionName="two",
                 DurationSeconds=3601)
    b = s1.assume_role(RoleArn=second["Arn"], RoleSessionName="two")
    assert b["AssumedRoleUser"]["Arn"] == "arn:aws:sts::%s:assumed-role/%s/two" % (acct, second["RoleName"])
    s2 = client_as(server, *_creds(b["Credentials"]), service="sts")
    assert s2.get_caller_identity()["UserId"] == second["RoleId"] + ":two"


# ---------------------------------------------------------------------------
# GetSessionToken


def test_get_session_token(server, s3, bucket, tmp_path):
    s3.put_object(Bucket=bucket, Key="k", Body=b"gst")
    acct = account_id(server)
    u = new_iam_user(server, "gst", policies=[S3_FULL])
    _, out, _ = aws_cli(server, tmp_path, "sts", "get-session-token", "--duration-seconds", "900",
                        creds=(u.akid, u.secret))
    c = json.loads(out)["Credentials"]
    _check_temp_creds(c, 900)
    creds = _creds(c)
    # the session acts as the user itself
    ident = client_as(server, *creds, service="sts").get_caller_identity()
    assert ident["Arn"] == "arn:aws:iam::%s:user/%s" % (acct, u.name)
    sc = client_as(server, *creds)
    assert sc.get_object(Bucket=bucket, Key="k")["Body"].read() == b"gst"
    # ... with the user's current permissions
    server.client("iam").detach_user_policy(UserName=u.name, PolicyArn=S3_FULL)
    r = expect_error(sc.get_object, 403, "AccessDenied", Bucket=bucket, Key="k")
    assert u.arn in r["Error"]["Message"]
    # bounds: 900..129600 seconds for IAM users
    unchecked = u.client("sts", parameter_validation=False)
    expect_error(unchecked.get_session_token, 400, "ValidationError", DurationSeconds=899)
    expect_error(unchecked.get_session_token, 400, "ValidationError", DurationSeconds=129601)
    _check_temp_creds(u.sts.get_session_token(DurationSeconds=129600)["Credentials"], 129600)
    _check_temp_creds(u.sts.get_session_token()["Credentials"], 43200)     # default 12 hours
    # the root user's sessions last at most one hour
    _check_temp_creds(server.client("sts").get_session_token(DurationSeconds=7200)["Credentials"], 3600)


# ---------------------------------------------------------------------------
# broken tokens


def test_tampered_and_missing_tokens(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    u = new_iam_user(server, "tamper")
    role = make_role(server, u.arn, managed=[S3_FULL])
    akid, secret, token = _creds(u.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="t0")["Credentials"])
    client_as(server, akid, secret, token).head_object(Bucket=bucket, Key="k")
    mid = len(token) // 2
    flipped = token[:mid] + ("A" if token[mid] != "A" else "B") + token[mid + 1:]
    # S3: 400 InvalidToken; STS/IAM: 403 InvalidClientTokenId
    expect_error(client_as(server, akid, secret, flipped).get_object, 400, "InvalidToken",
                 Bucket=bucket, Key="k")
    expect_error(client_as(server, akid, secret, flipped, service="sts").get_caller_identity,
                 403, "InvalidClientTokenId")
    expect_error(client_as(server, akid, secret, flipped, service="iam").get_user,
                 403, "InvalidClientTokenId")
    expect_error(client_as(server, akid, secret, "garbage").get_object, 400, "InvalidToken",
                 Bucket=bucket, Key="k")
    # a temporary key without its token is unknown
    expect_error(client_as(server, akid, secret).get_object, 403, "InvalidAccessKeyId",
                 Bucket=bucket, Key="k")
    expect_error(client_as(server, akid, secret, service="sts").get_caller_identity,
                 403, "InvalidClientTokenId")
    # the right token with a wrong secret: the signature does not match
    expect_error(client_as(server, akid, secret[:-1] + ("x" if secret[-1] != "x" else "y"), token).get_object,
                 403, "SignatureDoesNotMatch", Bucket=bucket, Key="k")
    # another session's token with this key id
    other = _creds(u.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="t2")["Credentials"])
    try:
        client_as(server, akid, secret, other[2]).get_object(Bucket=bucket, Key="k")
        raise AssertionError("a token of another session was accepted")
    except ClientError as e:
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 403), e.response
    # a long-term key with a session token attached is refused too
    try:
        client_as(server, u.akid, u.secret, token).list_buckets()
        raise AssertionError("a long-term key with a foreign session token was accepted")
    except ClientError as e:
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 403), e.response


# ---------------------------------------------------------------------------
# expiry, with a shifted clock


SHIM_C = textwrap.dedent(r"""
    #define _GNU_SOURCE
    #include <fcntl.h>
    #include <stdint.h>
    #include <stdlib.h>
    #include <sys/mman.h>
    #include <sys/syscall.h>
    #include <sys/time.h>
    #include <time.h>
    #include <unistd.h>

    static volatile int64_t *off_p;
    static int state; /* 0 unknown, 1 mapped, 2 none */

    static int64_t offset(void)
    {
        if (__atomic_load_n(&state, __ATOMIC_ACQUIRE) == 0) {
            const char *f = getenv("COFFER_TEST_CLOCK_FILE");
            int fd = f ? open(f, O_RDONLY | O_CLOEXEC) : -1;
            void *p = fd >= 0 ? mmap(0, 4096, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
            if (fd >= 0)
                close(fd);
            if (p != MAP_FAILED)
                off_p = p;
            __atomic_store_n(&state, p != MAP_FAILED ? 1 : 2, __ATOMIC_RELEASE);
        }
        return __atomic_load_n(&state, __ATOMIC_ACQUIRE) == 1 ? *off_p : 0;
    }

    int clock_gettime(clockid_t id, struct timespec *ts)
    {
        long r = syscall(SYS_clock_gettime, id, ts);
        if (r == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE))
            ts->tv_sec += offset();
        return (int)r;
    }

    int gettimeofday(struct timeval *restrict tv, void *restrict tz)
    {
        struct timespec ts;
        (void)tz;
        clock_gettime(CLOCK_REALTIME, &ts);
        if (tv) {
            tv->tv_sec = ts.tv_sec;
            tv->tv_usec = ts.tv_nsec / 1000;
        }
        return 0;
    }

    time_t time(time_t *t)
    {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        if (t)
            *t = ts.tv_sec;
        return ts.tv_sec;
    }
""")


@pytest.fixture(scope="module")
def clock_shim():
    d = tempfile.mkdtemp(prefix="coffer-clock-")
    src, so, f = os.path.join(d, "shim.c"), os.path.join(d, "shim.so"), os.path.join(d, "offset")
    with open(src, "w") as fh:
        fh.write(SHIM_C)
    subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", so, src], check=True)
    with open(f, "wb") as fh:
        fh.write(b"\0" * 4096)

    def set_offset(seconds):
        with open(f, "r+b") as fh:
            fh.write(struct.pack("<q", int(seconds)))
            fh.flush()
            os.fsync(fh.fileno())

    env = {"LD_PRELOAD": so, "COFFER_TEST_CLOCK_FILE": f}
    yield env, set_offset
    set_offset(0)


def test_role_credentials_work_until_they_expire(clock_shim, tmp_path):
    env, set_offset = clock_shim
    set_offset(0)
    srv = Server(env=dict(env, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:verify_asan_link_order=0"))
    try:
        s3 = srv.client()
        bkt = unique("exp")
        s3.create_bucket(Bucket=bkt)
        s3.put_object(Bucket=bkt, Key="k.txt", Body=b"fresh\n")
        u = new_iam_user(srv, "expiry")
        role = make_role(srv, u.arn, inline=read_bucket(bkt))
        ucreds = (u.akid, u.secret)
        # the shim really moves the server's clock: a real-time request is then skewed
        set_offset(3600)
        expect_error(s3.list_buckets, 403, "RequestTimeTooSkewed")
        set_offset(0)
        _, out, _ = aws_cli(srv, tmp_path, "sts", "assume-role", "--role-arn", role["Arn"],
                            "--role-session-name", "short", "--duration-seconds", "900",
                            creds=ucreds, env=env)
        creds = _creds(json.loads(out)["Credentials"])
        _, out, _ = aws_cli(srv, tmp_path, "s3", "cp", "s3://%s/k.txt" % bkt, "-", creds=creds, env=env)
        assert out == "fresh\n"
        _, out, _ = aws_cli(srv, tmp_path, "s3", "ls", "s3://%s/" % bkt, creds=creds, env=env)
        assert "k.txt" in out
        # 14 minutes later (server and CLI alike): still valid
        set_offset(14 * 60)
        _, out, _ = aws_cli(srv, tmp_path, "s3", "cp", "s3://%s/k.txt" % bkt, "-", creds=creds, env=env)
        assert out == "fresh\n"
        # 16 minutes later: expired for S3 and STS; the user's own key still works
        set_offset(16 * 60)
        _, out, _ = aws_cli(srv, tmp_path, "sts", "get-caller-identity", creds=ucreds, env=env)
        assert json.loads(out)["Arn"] == u.arn
        rc, _, err = aws_cli(srv, tmp_path, "s3", "ls", "s3://%s/" % bkt, creds=creds, env=env, check=False)
        assert rc != 0 and "(ExpiredToken)" in err, err
        assert "The provided token has expired." in err, err
        rc, _, err = aws_cli(srv, tmp_path, "sts", "get-caller-identity", creds=creds, env=env, check=False)
        assert rc != 0 and "(ExpiredToken)" in err, err
        rc, _, err = aws_cli(srv, tmp_path, "iam", "list-users", creds=creds, env=env, check=False)
        assert rc != 0 and "(ExpiredToken)" in err, err
    finally:
        set_offset(0)
        rc = srv.stop()
        log = srv.read_log()
        srv.cleanup()
    assert rc == 0, log[-3000:]
    assert "ERROR: AddressSanitizer" not in log, log[-6000:]
