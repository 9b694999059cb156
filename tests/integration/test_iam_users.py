"""IAM users, access keys, login profiles, the account summary and the
credential report against a real coffer server with boto3, checked against
AWS's documented behaviour (IAM API Reference: CreateUser, GetUser, ListUsers,
UpdateUser, DeleteUser, TagUser, CreateAccessKey, UpdateAccessKey,
GetAccessKeyLastUsed, CreateLoginProfile, ChangePassword, GetAccountSummary,
GetCredentialReport)."""
import csv
import datetime
import io
import json
import re
import time


from conftest import S3_FULL, Server, account_id, client_as, new_iam_user
from sigv4_client import SigV4Client, expect_error, unique

AKID_RE = re.compile(r"AKIA[A-Z0-9]{16}")


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _recent(dt, slack=120):
    assert dt.tzinfo is not None, dt
    assert abs((_now() - dt).total_seconds()) < slack, dt


# ---------------------------------------------------------------------------
# users


def test_create_get_user(server):
    iam = server.client("iam")
    acct = account_id(server)
    name = unique("alice")
    u = iam.create_user(UserName=name, Path="/eng/team/")["User"]
    assert u["UserName"] == name
    assert u["Path"] == "/eng/team/"
    assert u["Arn"] == "arn:aws:iam::%s:user/eng/team/%s" % (acct, name)
    # Unique ids of users start with AIDA (IAM identifiers reference).
    assert re.fullmatch(r"AIDA[A-Z0-9]{12,124}", u["UserId"]), u["UserId"]
    _recent(u["CreateDate"])
    g = iam.get_user(UserName=name)["User"]
    assert (g["UserName"], g["Path"], g["Arn"], g["UserId"]) == (name, "/eng/team/", u["Arn"],
                                                                    u["UserId"])
    # a second user gets a different id
    other = iam.create_user(UserName=unique("alice2"))["User"]
    assert other["UserId"] != u["UserId"]
    assert other["Path"] == "/"
    assert other["Arn"] == "arn:aws:iam::%s:user/%s" % (acct, other["UserName"])


def test_get_user_without_name_is_the_caller(server):
    iam = server.client("iam")
    acct = account_id(server)
    assert re.fullmatch(r"\d{12}", acct)
    me = iam.get_user()["User"]
    assert me["Arn"] == "arn:aws:iam::%s:root" % acct
    assert me["Arn"].endswith(":root")
    assert me["UserId"] == acct
    # an IAM user allowed iam:GetUser on itself (policy variable ${aws:username})
    u = new_iam_user(server, "self", inline={
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:GetUser",
                       "Resource": "arn:aws:iam::*:user/${aws:username}"}]})
    got = u.iam.get_user()["User"]
    assert got["UserName"] == u.name
    assert got["Arn"] == u.arn == "arn:aws:iam::%s:user/%s" % (acct, u.name)
    # ... but not on another user
    other = new_iam_user(server, "other")
    r = expect_error(u.iam.get_user, 403, "AccessDenied", UserName=other.name)
    msg = r["Error"]["Message"]
    assert msg.startswith("User: %s is not authorized to perform: iam:GetUser on resource: " % u.arn), msg
    assert other.name in msg
    assert msg.endswith("because no identity-based policy allows the iam:GetUser action"), msg


def test_user_without_policies_is_denied_iam(server):
    u = new_iam_user(server, "nopol")
    r = expect_error(u.iam.list_users, 403, "AccessDenied")
    msg = r["Error"]["Message"]
    assert msg.startswith("User: %s is not authorized to perform: iam:ListUsers on resource: " % u.arn), msg
    assert msg.endswith("because no identity-based policy allows the iam:ListUsers action"), msg
    expect_error(u.iam.create_user, 403, "AccessDenied", UserName=unique("x"))


def test_create_user_errors(server):
    iam = server.client("iam")
    name = unique("dup")
    iam.create_user(UserName=name)
    r = expect_error(iam.create_user, 409, "EntityAlreadyExists", UserName=name)
    assert name in r["Error"]["Message"]
    # user names are unique regardless of case (IAM identifiers: "names are not
    # distinguished by case")
    expect_error(iam.create_user, 409, "EntityAlreadyExists", UserName=name.upper())
    r = expect_error(iam.get_user, 404, "NoSuchEntity", UserName=unique("ghost"))
    assert "cannot be found" in r["Error"]["Message"]
    for bad in ("has space", "slash/inside", "x" * 65, "semi;colon", "ünicode"):
        expect_error(iam.create_user, 400, "ValidationError", UserName=bad)
    # paths must begin and end with '/'
    expect_error(iam.create_user, 400, "ValidationError", UserName=unique("p"), Path="noslash")
    # every allowed character class: letters, digits and +=,.@_-
    ok = "a+b=c,d.e@f_g-" + unique("")[1:8]
    assert iam.create_user(UserName=ok)["User"]["UserName"] == ok
    long_ok = ("L" + unique("")[1:])[:64].ljust(64, "z")
    assert iam.create_user(UserName=long_ok)["User"]["UserName"] == long_ok


def test_list_users_path_prefix_and_pagination(server):
    iam = server.client("iam")
    tag = unique("pg")
    path = "/%s/" % tag
    names = sorted("%s-u%d" % (tag, i) for i in range(5))
    for n in names:
        iam.create_user(UserName=n, Path=path)
    iam.create_user(UserName=tag + "-elsewhere", Path="/%s-other/" % tag)
    got = iam.list_users(PathPrefix=path)
    assert got["IsTruncated"] is False
    assert sorted(u["UserName"] for u in got["Users"]) == names
    assert all(u["Path"] == path for u in got["Users"])
    # manual pagination with MaxItems/Marker
    seen, marker, pages = [], None, 0
    while True:
        kw = dict(PathPrefix=path, MaxItems=2)
        if marker:
            kw["Marker"] = marker
        page = iam.list_users(**kw)
        pages += 1
        assert len(page["Users"]) <= 2
        seen += [u["UserName"] for u in page["Users"]]
        if not page["IsTruncated"]:
            assert "Marker" not in page
            break
        assert page["Marker"]
        marker = page["Marker"]
        assert pages < 10
    assert pages == 3
    assert sorted(seen) == names and len(seen) == len(set(seen))
    # boto3's paginator agrees
    pag = [u["UserName"] for p in iam.get_paginator("list_users").paginate(
        PathPrefix=path, PaginationConfig={"PageSize": 3}) for u in p["Users"]]
    assert sorted(pag) == names
    # a path prefix is a prefix of the path: "/tag" matches both paths
    both = iam.list_users(PathPrefix="/" + tag)["Users"]
    assert len(both) == 6
    # the unfiltered listing includes them too
    everyone = [u["UserName"] for p in iam.get_paginator("list_users").paginate() for u in p["Users"]]
    assert set(names) <= set(everyone)


def test_update_user_rename_and_path(server):
    iam = server.client("iam")
    acct = account_id(server)
    u = new_iam_user(server, "ren", policies=[S3_FULL])
    old_id = iam.get_user(UserName=u.name)["User"]["UserId"]
    new = unique("renamed")
    iam.update_user(UserName=u.name, NewUserName=new, NewPath="/moved/")
    expect_error(iam.get_user, 404, "NoSuchEntity", UserName=u.name)
    g = iam.get_user(UserName=new)["User"]
    assert g["UserName"] == new and g["Path"] == "/moved/"
    assert g["Arn"] == "arn:aws:iam::%s:user/moved/%s" % (acct, new)
    assert g["UserId"] == old_id                    # same principal
    # keys and attached policies follow the user
    assert [k["AccessKeyId"] for k in iam.list_access_keys(UserName=new)["AccessKeyMetadata"]] == [u.akid]
    assert [p["PolicyArn"] for p in iam.list_attached_user_policies(UserName=new)["AttachedPolicies"]] == [S3_FULL]
    ident = u.sts.get_caller_identity()
    assert ident["Arn"] == g["Arn"] and ident["UserId"] == old_id
    u.s3.list_buckets()
    # renaming onto an existing name fails
    taken = new_iam_user(server, "taken")
    expect_error(iam.update_user, 409, "EntityAlreadyExists", UserName=new, NewUserName=taken.name)
    expect_error(iam.update_user, 404, "NoSuchEntity", UserName=unique("ghost"), NewUserName=unique("x"))


def test_user_tags(server):
    iam = server.client("iam")
    name = unique("tagged")
    iam.create_user(UserName=name, Tags=[{"Key": "team", "Value": "storage"}])
    assert iam.list_user_tags(UserName=name)["Tags"] == [{"Key": "team", "Value": "storage"}]
    iam.tag_user(UserName=name, Tags=[{"Key": "cost", "Value": "42"}, {"Key": "team", "Value": "infra"}])
    tags = {t["Key"]: t["Value"] for t in iam.list_user_tags(UserName=name)["Tags"]}
    assert tags == {"team": "infra", "cost": "42"}     # TagUser overwrites an existing key
    assert {t["Key"]: t["Value"] for t in iam.get_user(UserName=name)["User"]["Tags"]} == tags
    iam.untag_user(UserName=name, TagKeys=["team"])
    assert iam.list_user_tags(UserName=name)["Tags"] == [{"Key": "cost", "Value": "42"}]
    expect_error(iam.tag_user, 404, "NoSuchEntity", UserName=unique("ghost"),
                 Tags=[{"Key": "a", "Value": "b"}])
    # at most 50 tags per user
    many = [{"Key": "k%d" % i, "Value": "v"} for i in range(50)]
    expect_error(iam.tag_user, 409, "LimitExceeded", UserName=name, Tags=many)


def test_delete_user_conflicts(server):
    iam = server.client("iam")
    name = unique("del")
    grp = unique("delgrp")
    iam.create_user(UserName=name)
    iam.create_group(GroupName=grp)

    def conflict():
        r = expect_error(iam.delete_user, 409, "DeleteConflict", UserName=name)
        return r["Error"]["Message"]

    key = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    assert "access keys" in conflict()
    iam.delete_access_key(UserName=name, AccessKeyId=key)
    iam.attach_user_policy(UserName=name, PolicyArn=S3_FULL)
    assert "policies" in conflict()
    iam.detach_user_policy(UserName=name, PolicyArn=S3_FULL)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
    assert "policies" in conflict()
    iam.delete_user_policy(UserName=name, PolicyName="p")
    iam.add_user_to_group(GroupName=grp, UserName=name)
    assert "group" in conflict()
    iam.remove_user_from_group(GroupName=grp, UserName=name)
    iam.create_login_profile(UserName=name, Password="Corr3ct-Horse-Battery!")
    assert "login profile" in conflict()
    iam.delete_login_profile(UserName=name)
    iam.delete_user(UserName=name)
    expect_error(iam.get_user, 404, "NoSuchEntity", UserName=name)
    expect_error(iam.delete_user, 404, "NoSuchEntity", UserName=name)
    assert name not in [u["UserName"] for u in iam.list_users()["Users"]]
    # the name is free again
    iam.create_user(UserName=name)


# ---------------------------------------------------------------------------
# access keys


def test_access_key_create_list(server):
    iam = server.client("iam")
    name = unique("keys")
    iam.create_user(UserName=name)
    k = iam.create_access_key(UserName=name)["AccessKey"]
    assert k["UserName"] == name and k["Status"] == "Active"
    assert AKID_RE.fullmatch(k["AccessKeyId"]), k
    assert len(k["SecretAccessKey"]) == 40
    _recent(k["CreateDate"])
    meta = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert len(meta) == 1
    assert meta[0]["AccessKeyId"] == k["AccessKeyId"] and meta[0]["Status"] == "Active"
    assert meta[0]["UserName"] == name
    assert "SecretAccessKey" not in meta[0]
    # the secret is never returned again: not in the raw XML of ListAccessKeys or GetUser
    raw = SigV4Client(server.endpoint, server.akid, server.secret, service="iam").request(
        "POST", "/", body="Action=ListAccessKeys&Version=2010-05-08&UserName=" + name,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    assert raw.status == 200, raw
    assert k["AccessKeyId"].encode() in raw.body
    assert k["SecretAccessKey"].encode() not in raw.body
    # the key authenticates as the user
    ident = client_as(server, k["AccessKeyId"], k["SecretAccessKey"], service="sts").get_caller_identity()
    assert ident["Arn"].endswith(":user/" + name)
    # a wrong secret with the right id is refused
    bad = client_as(server, k["AccessKeyId"], k["SecretAccessKey"][:-1] + "x", service="sts")
    expect_error(bad.get_caller_identity, 403, "SignatureDoesNotMatch")
    expect_error(iam.list_access_keys, 404, "NoSuchEntity", UserName=unique("ghost"))


def test_key_rotation(server, bucket, s3):
    """The issue's rotation story: a second key, deactivate the first and see it
    refused at once, delete it, a third key refused with LimitExceeded."""
    s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"rotation")
    iam = server.client("iam")
    u = new_iam_user(server, "rot", policies=[S3_FULL])
    k1 = (u.akid, u.secret)
    assert client_as(server, *k1).get_object(Bucket=bucket, Key="doc.txt")["Body"].read() == b"rotation"
    k2new = iam.create_access_key(UserName=u.name)["AccessKey"]
    k2 = (k2new["AccessKeyId"], k2new["SecretAccessKey"])
    assert k2[0] != k1[0]
    assert client_as(server, *k2).get_object(Bucket=bucket, Key="doc.txt")["Body"].read() == b"rotation"
    # two keys is the limit
    r = expect_error(iam.create_access_key, 409, "LimitExceeded", UserName=u.name)
    assert "AccessKeysPerUser" in r["Error"]["Message"]
    # deactivate the first: refused on the very next request
    iam.update_access_key(UserName=u.name, AccessKeyId=k1[0], Status="Inactive")
    st = {m["AccessKeyId"]: m["Status"] for m in iam.list_access_keys(UserName=u.name)["AccessKeyMetadata"]}
    assert st == {k1[0]: "Inactive", k2[0]: "Active"}
    # S3 answers an inactive key with 403 InvalidAccessKeyId; IAM and STS with
    # 403 InvalidClientTokenId.
    expect_error(client_as(server, *k1).get_object, 403, "InvalidAccessKeyId", Bucket=bucket, Key="doc.txt")
    expect_error(client_as(server, *k1).list_buckets, 403, "InvalidAccessKeyId")
    expect_error(client_as(server, *k1, service="sts").get_caller_identity, 403, "InvalidClientTokenId")
    expect_error(client_as(server, *k1, service="iam").get_user, 403, "InvalidClientTokenId")
    # the second key is unaffected
    client_as(server, *k2).head_object(Bucket=bucket, Key="doc.txt")
    # reactivating works at once too
    iam.update_access_key(UserName=u.name, AccessKeyId=k1[0], Status="Active")
    client_as(server, *k1).head_object(Bucket=bucket, Key="doc.txt")
    iam.update_access_key(UserName=u.name, AccessKeyId=k1[0], Status="Inactive")
    expect_error(client_as(server, *k1).head_object, 403, None, Bucket=bucket, Key="doc.txt")
    # delete it
    iam.delete_access_key(UserName=u.name, AccessKeyId=k1[0])
    assert [m["AccessKeyId"] for m in iam.list_access_keys(UserName=u.name)["AccessKeyMetadata"]] == [k2[0]]
    expect_error(client_as(server, *k1).list_buckets, 403, "InvalidAccessKeyId")
    expect_error(client_as(server, *k1, service="sts").get_caller_identity, 403, "InvalidClientTokenId")
    expect_error(iam.delete_access_key, 404, "NoSuchEntity", UserName=u.name, AccessKeyId=k1[0])
    # room for one more, then LimitExceeded again
    k3 = iam.create_access_key(UserName=u.name)["AccessKey"]
    client_as(server, k3["AccessKeyId"], k3["SecretAccessKey"]).head_object(Bucket=bucket, Key="doc.txt")
    expect_error(iam.create_access_key, 409, "LimitExceeded", UserName=u.name)
    # an inactive key still counts towards the limit
    iam.update_access_key(UserName=u.name, AccessKeyId=k3["AccessKeyId"], Status="Inactive")
    expect_error(iam.create_access_key, 409, "LimitExceeded", UserName=u.name)
    # bad status value
    expect_error(iam.update_access_key, 400, "ValidationError", UserName=u.name,
                 AccessKeyId=k2[0], Status="Paused")
    # a key of another user cannot be managed through this user name
    other = new_iam_user(server, "rot-other")
    expect_error(iam.update_access_key, 404, "NoSuchEntity", UserName=u.name,
                 AccessKeyId=other.akid, Status="Inactive")
    other.sts.get_caller_identity()


def test_access_key_last_used(server, bucket):
    iam = server.client("iam")
    u = new_iam_user(server, "lastused", policies=[S3_FULL])
    r = iam.get_access_key_last_used(AccessKeyId=u.akid)
    assert r["UserName"] == u.name
    lu = r["AccessKeyLastUsed"]
    # never used: N/A for service and region, no date (GetAccessKeyLastUsed reference)
    assert lu["ServiceName"] == "N/A" and lu["Region"] == "N/A", lu
    assert "LastUsedDate" not in lu
    u.s3.list_objects_v2(Bucket=bucket)
    # recorded in batches: allow a little time
    deadline = time.time() + 15
    while True:
        lu = iam.get_access_key_last_used(AccessKeyId=u.akid)["AccessKeyLastUsed"]
        if lu.get("ServiceName") == "s3" or time.time() > deadline:
            break
        time.sleep(0.5)
    assert lu["ServiceName"] == "s3", lu
    assert lu["Region"] == server.region, lu
    _recent(lu["LastUsedDate"])


def test_user_manages_own_keys_with_policy_variable(server):
    """The documented self-service policy: iam:*AccessKey* on
    arn:aws:iam::*:user/${aws:username}; without UserName the caller is meant."""
    u = new_iam_user(server, "selfkeys", inline={
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow",
                       "Action": ["iam:CreateAccessKey", "iam:ListAccessKeys",
                                  "iam:UpdateAccessKey", "iam:DeleteAccessKey"],
                       "Resource": "arn:aws:iam::*:user/${aws:username}"}]})
    mine = u.iam.list_access_keys()["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in mine] == [u.akid]
    assert mine[0]["UserName"] == u.name
    k2 = u.iam.create_access_key()["AccessKey"]
    assert k2["UserName"] == u.name
    assert client_as(server, k2["AccessKeyId"], k2["SecretAccessKey"], service="sts") \
        .get_caller_identity()["Arn"] == u.arn
    other = new_iam_user(server, "notmine")
    r = expect_error(u.iam.create_access_key, 403, "AccessDenied", UserName=other.name)
    assert "iam:CreateAccessKey" in r["Error"]["Message"]
    expect_error(u.iam.list_access_keys, 403, "AccessDenied", UserName=other.name)
    # retire the old key with the new one
    newiam = client_as(server, k2["AccessKeyId"], k2["SecretAccessKey"], service="iam")
    newiam.update_access_key(AccessKeyId=u.akid, Status="Inactive")
    newiam.delete_access_key(AccessKeyId=u.akid)
    assert [k["AccessKeyId"] for k in newiam.list_access_keys()["AccessKeyMetadata"]] == [k2["AccessKeyId"]]


def test_iam_accepts_any_region_in_scope(server):
    for region in ("eu-west-3", "ap-southeast-2", "us-east-1"):
        c = client_as(server, server.akid, server.secret, service="iam", region=region)
        assert c.get_user()["User"]["Arn"].endswith(":root")
        sts = client_as(server, server.akid, server.secret, service="sts", region=region)
        assert sts.get_caller_identity()["Arn"].endswith(":root")
    # an empty region in the credential scope
    for svc, action, version in (("iam", "GetUser", "2010-05-08"),
                                 ("sts", "GetCallerIdentity", "2011-06-15")):
        c = SigV4Client(server.endpoint, server.akid, server.secret, region="", service=svc)
        r = c.request("POST", "/", body="Action=%s&Version=%s" % (action, version),
                      headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        assert r.status == 200, r
        assert b":root</Arn>" in r.body, r


# ---------------------------------------------------------------------------
# login profiles (console passwords)


def test_login_profile_lifecycle(server):
    iam = server.client("iam")
    u = new_iam_user(server, "console", policies=["arn:aws:iam::aws:policy/IAMUserChangePassword"])
    expect_error(iam.get_login_profile, 404, "NoSuchEntity", UserName=u.name)
    lp = iam.create_login_profile(UserName=u.name, Password="Initial-Pass-123!",
                                  PasswordResetRequired=True)["LoginProfile"]
    assert lp["UserName"] == u.name and lp["PasswordResetRequired"] is True
    _recent(lp["CreateDate"])
    g = iam.get_login_profile(UserName=u.name)["LoginProfile"]
    assert g["UserName"] == u.name and g["PasswordResetRequired"] is True
    assert "Password" not in g
    expect_error(iam.create_login_profile, 409, "EntityAlreadyExists", UserName=u.name,
                 Password="Another-Pass-456!")
    iam.update_login_profile(UserName=u.name, Password="Updated-Pass-789!", PasswordResetRequired=False)
    assert iam.get_login_profile(UserName=u.name)["LoginProfile"]["PasswordResetRequired"] is False
    # the user changes its own password (IAMUserChangePassword): the old one must match
    u.iam.change_password(OldPassword="Updated-Pass-789!", NewPassword="Changed-Pass-000!")
    try:
        u.iam.change_password(OldPassword="Updated-Pass-789!", NewPassword="Changed-Pass-111!")
        raise AssertionError("ChangePassword accepted a stale old password")
    except Exception as e:  # botocore ClientError
        assert getattr(e, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode", 0) in range(400, 500), e
    u.iam.change_password(OldPassword="Changed-Pass-000!", NewPassword="Changed-Pass-111!")
    # a password that violates the (default) password policy
    expect_error(iam.update_login_profile, 400, "PasswordPolicyViolation", UserName=u.name, Password="a")
    # the default policy also wants three of: upper case, lower case, digits, symbols
    expect_error(iam.update_login_profile, 400, "PasswordPolicyViolation", UserName=u.name,
                 Password="onlylowercaseletters")
    expect_error(iam.create_login_profile, 400, "PasswordPolicyViolation", UserName=new_iam_user(
        server, "console2").name, Password="Sh0rt!")
    iam.delete_login_profile(UserName=u.name)
    expect_error(iam.get_login_profile, 404, "NoSuchEntity", UserName=u.name)
    expect_error(iam.delete_login_profile, 404, "NoSuchEntity", UserName=u.name)
    expect_error(iam.create_login_profile, 404, "NoSuchEntity", UserName=unique("ghost"),
                 Password="Whatever-Pass-1!")


# ---------------------------------------------------------------------------
# account summary and credential report


def test_account_summary(server):
    iam = server.client("iam")
    before = iam.get_account_summary()["SummaryMap"]
    assert before["AccessKeysPerUserQuota"] == 2
    for k in ("Users", "Groups", "Roles", "Policies", "UsersQuota", "GroupsQuota", "RolesQuota"):
        assert isinstance(before[k], int), (k, before)
    iam.create_user(UserName=unique("sum"))
    iam.create_group(GroupName=unique("sumg"))
    after = iam.get_account_summary()["SummaryMap"]
    assert after["Users"] >= before["Users"] + 1
    assert after["Groups"] >= before["Groups"] + 1


CREDENTIAL_REPORT_COLUMNS = [
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used",
    "password_last_changed", "password_next_rotation", "mfa_active", "access_key_1_active",
    "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region",
    "access_key_1_last_used_service", "access_key_2_active", "access_key_2_last_rotated",
    "access_key_2_last_used_date", "access_key_2_last_used_region",
    "access_key_2_last_used_service", "cert_1_active", "cert_1_last_rotated", "cert_2_active",
    "cert_2_last_rotated"]


def test_credential_report():
    srv = Server()
    try:
        iam = srv.client("iam")
        expect_error(iam.get_credential_report, 410, "ReportNotPresent")
        acct = account_id(srv)
        u = new_iam_user(srv, "report", policies=[S3_FULL])
        iam.create_login_profile(UserName=u.name, Password="Report-Pass-123!")
        u.s3.list_buckets()
        time.sleep(1.5)  # let the batched last-used record land
        state = iam.generate_credential_report()["State"]
        assert state in ("STARTED", "INPROGRESS", "COMPLETE")
        deadline = time.time() + 15
        while state != "COMPLETE" and time.time() < deadline:
            time.sleep(0.3)
            state = iam.generate_credential_report()["State"]
        assert state == "COMPLETE"
        rep = iam.get_credential_report()
        assert rep["ReportFormat"] == "text/csv"
        _recent(rep["GeneratedTime"])
        rows = list(csv.reader(io.StringIO(rep["Content"].decode("utf-8"))))
        assert rows[0] == CREDENTIAL_REPORT_COLUMNS
        by_user = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
        root = by_user["<root_account>"]
        assert root["arn"] == "arn:aws:iam::%s:root" % acct
        row = by_user[u.name]
        assert row["arn"] == u.arn
        assert row["password_enabled"] == "true"
        assert row["password_last_used"] == "no_information" or row["password_last_used"] == "N/A"
        assert row["mfa_active"] == "false"
        assert row["access_key_1_active"] == "true"
        assert row["access_key_2_active"] == "false"
        assert row["access_key_1_last_used_service"] == "s3", row
        assert row["access_key_1_last_used_region"] == srv.region, row
        assert row["access_key_2_last_rotated"] == "N/A"
        datetime.datetime.fromisoformat(row["user_creation_time"].replace("Z", "+00:00"))
        datetime.datetime.fromisoformat(row["access_key_1_last_rotated"].replace("Z", "+00:00"))
        # no secret in the report
        assert u.secret not in rep["Content"].decode("utf-8")
    finally:
        srv.cleanup()


def test_unknown_action_and_version(server):
    c = SigV4Client(server.endpoint, server.akid, server.secret, service="iam")
    hdr = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    r = c.request("POST", "/", body="Action=FlyToTheMoon&Version=2010-05-08", headers=hdr)
    assert r.status == 400 and b"<Code>InvalidAction</Code>" in r.body, r
    r = c.request("POST", "/", body="Action=ListUsers&Version=1999-01-01", headers=hdr)
    assert r.status == 400, r
    r = c.request("POST", "/", body="Version=2010-05-08", headers=hdr)
    assert r.status == 400 and b"<Code>MissingAction</Code>" in r.body, r
    # an IAM error document is AWS's ErrorResponse envelope
    r = c.request("POST", "/", body="Action=GetUser&Version=2010-05-08&UserName=" + unique("ghost"),
                  headers=hdr)
    assert r.status == 404, r
    assert r.xml.tag == "ErrorResponse", r
    assert r.xml.findtext("Error/Type") == "Sender"
    assert r.xml.findtext("Error/Code") == "NoSuchEntity"
    assert r.xml.findtext("RequestId")


def test_delegated_iam_admin(server):
    """A user with IAMFullAccess administers IAM but has no S3 access; one with
    IAMReadOnlyAccess can look but not change."""
    admin = new_iam_user(server, "iamadmin", policies=["arn:aws:iam::aws:policy/IAMFullAccess"])
    name = unique("made-by-admin")
    made = admin.iam.create_user(UserName=name)["User"]
    assert made["Arn"].endswith(":user/" + name)
    k = admin.iam.create_access_key(UserName=name)["AccessKey"]
    admin.iam.attach_user_policy(UserName=name, PolicyArn=S3_FULL)
    client_as(server, k["AccessKeyId"], k["SecretAccessKey"]).list_buckets()
    r = expect_error(admin.s3.list_buckets, 403, "AccessDenied")
    assert "s3:ListAllMyBuckets" in r["Error"]["Message"]
    ro = new_iam_user(server, "iamro", policies=["arn:aws:iam::aws:policy/IAMReadOnlyAccess"])
    assert ro.iam.get_user(UserName=name)["User"]["UserName"] == name
    assert [p["PolicyArn"] for p in ro.iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]] == [S3_FULL]
    r = expect_error(ro.iam.delete_access_key, 403, "AccessDenied", UserName=name, AccessKeyId=k["AccessKeyId"])
    assert r["Error"]["Message"].startswith(
        "User: %s is not authorized to perform: iam:DeleteAccessKey on resource: " % ro.arn), r["Error"]
    # nor may it raise its own permissions
    expect_error(ro.iam.attach_user_policy, 403, "AccessDenied", UserName=ro.name,
                 PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
