"""IAM managed and inline policies against a real coffer server with boto3:
validation (MalformedPolicyDocument), the AWS-managed policies with their
real ARNs and documents, versions (at most five), attachment to users, groups
and roles, ListEntitiesForPolicy, inline policies, and that the default
version is what authorisation uses. Checked against the IAM API Reference."""
import json
import re

import pytest
from botocore.exceptions import ClientError

from conftest import S3_FULL, account_id, new_iam_user
from sigv4_client import expect_error, unique

AWS_MANAGED = ["AdministratorAccess", "AmazonS3FullAccess", "AmazonS3ReadOnlyAccess",
               "IAMFullAccess", "IAMReadOnlyAccess", "IAMUserChangePassword"]


def doc(*stmts):
    return json.dumps({"Version": "2012-10-17", "Statement": list(stmts)})


def allow(action, resource="*", **extra):
    s = {"Effect": "Allow", "Action": action, "Resource": resource}
    s.update(extra)
    return s


def _actions(document):
    st = document["Statement"]
    st = st if isinstance(st, list) else [st]
    out = []
    for s in st:
        a = s.get("Action", [])
        out += a if isinstance(a, list) else [a]
    return out


def _trust(principal_arn):
    return doc({"Effect": "Allow", "Principal": {"AWS": principal_arn}, "Action": "sts:AssumeRole"})


# ---------------------------------------------------------------------------
# create / get / validation


def test_create_and_get_policy(server):
    iam = server.client("iam")
    acct = account_id(server)
    name = unique("pol")
    d = doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))
    p = iam.create_policy(PolicyName=name, Path="/app/", PolicyDocument=d,
                          Description="read b")["Policy"]
    assert p["PolicyName"] == name
    assert p["Arn"] == "arn:aws:iam::%s:policy/app/%s" % (acct, name)
    assert p["Path"] == "/app/"
    assert re.fullmatch(r"ANPA[A-Z0-9]{12,124}", p["PolicyId"]), p["PolicyId"]
    assert p["DefaultVersionId"] == "v1"
    assert p["AttachmentCount"] == 0
    assert p["IsAttachable"] is True
    g = iam.get_policy(PolicyArn=p["Arn"])["Policy"]
    assert (g["PolicyName"], g["Arn"], g["PolicyId"], g["DefaultVersionId"]) == (
        name, p["Arn"], p["PolicyId"], "v1")
    assert g["Description"] == "read b"
    v = iam.get_policy_version(PolicyArn=p["Arn"], VersionId="v1")["PolicyVersion"]
    assert v["VersionId"] == "v1" and v["IsDefaultVersion"] is True
    assert v["Document"] == json.loads(d)
    expect_error(iam.create_policy, 409, "EntityAlreadyExists", PolicyName=name, Path="/app/",
                 PolicyDocument=d)
    expect_error(iam.get_policy, 404, "NoSuchEntity",
                 PolicyArn="arn:aws:iam::%s:policy/%s" % (acct, unique("ghost")))
    expect_error(iam.get_policy_version, 404, "NoSuchEntity", PolicyArn=p["Arn"], VersionId="v9")


MALFORMED = [
    ("not json", "{not json"),
    ("principal in identity policy", doc({"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                                          "Resource": "*"})),
    ("missing Effect", doc({"Action": "s3:GetObject", "Resource": "*"})),
    ("bad Effect", doc({"Effect": "Maybe", "Action": "s3:GetObject", "Resource": "*"})),
    ("missing Action", doc({"Effect": "Allow", "Resource": "*"})),
    ("missing Resource", doc({"Effect": "Allow", "Action": "s3:GetObject"})),
    ("Action and NotAction", doc({"Effect": "Allow", "Action": "s3:GetObject",
                                  "NotAction": "s3:PutObject", "Resource": "*"})),
    ("action without vendor", doc({"Effect": "Allow", "Action": "GetObject", "Resource": "*"})),
    ("bad Version", json.dumps({"Version": "2099-01-01", "Statement": [allow("s3:*")]})),
    ("unknown top-level element", json.dumps({"Version": "2012-10-17", "Bogus": 1,
                                              "Statement": [allow("s3:*")]})),
    ("no Statement", json.dumps({"Version": "2012-10-17"})),
    ("array document", json.dumps([allow("s3:*")])),
]


@pytest.mark.parametrize("what,document", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_policy_document(server, what, document):
    iam = server.client("iam")
    r = expect_error(iam.create_policy, 400, "MalformedPolicyDocument", PolicyName=unique("bad"),
                     PolicyDocument=document)
    if what == "principal in identity policy":
        assert "principal" in r["Error"]["Message"].lower(), r["Error"]
    # the same validation applies to inline policies
    user = unique("badinline")
    iam.create_user(UserName=user)
    expect_error(iam.put_user_policy, 400, "MalformedPolicyDocument", UserName=user,
                 PolicyName="p", PolicyDocument=document)
    assert iam.list_user_policies(UserName=user)["PolicyNames"] == []


def test_policy_size_limits(server):
    iam = server.client("iam")
    # managed policies: 6,144 characters (whitespace not counted)
    big = doc(*[allow("s3:GetObject", "arn:aws:s3:::bucket-%04d/*" % i) for i in range(120)])
    assert len(big.replace(" ", "")) > 6144
    expect_error(iam.create_policy, 409, "LimitExceeded", PolicyName=unique("big"), PolicyDocument=big)
    # inline user policies: 2,048 characters in total per user
    user = unique("bigin")
    iam.create_user(UserName=user)
    mid = doc(*[allow("s3:GetObject", "arn:aws:s3:::bucket-%04d/*" % i) for i in range(30)])
    assert len(mid.replace(" ", "")) > 2048
    expect_error(iam.put_user_policy, 409, "LimitExceeded", UserName=user, PolicyName="p",
                 PolicyDocument=mid)


# ---------------------------------------------------------------------------
# AWS-managed policies


def test_aws_managed_policies(server):
    iam = server.client("iam")
    listed = [p for page in iam.get_paginator("list_policies").paginate(Scope="AWS")
              for p in page["Policies"]]
    by_name = {p["PolicyName"]: p for p in listed}
    for name in AWS_MANAGED:
        assert name in by_name, (name, sorted(by_name))
        assert by_name[name]["Arn"] == "arn:aws:iam::aws:policy/" + name
        assert by_name[name]["IsAttachable"] is True
    assert all(p["Arn"].startswith("arn:aws:iam::aws:policy/") for p in listed)
    docs = {}
    for name in AWS_MANAGED:
        arn = "arn:aws:iam::aws:policy/" + name
        p = iam.get_policy(PolicyArn=arn)["Policy"]
        assert p["PolicyName"] == name and p["Arn"] == arn
        assert re.fullmatch(r"v\d+", p["DefaultVersionId"])
        v = iam.get_policy_version(PolicyArn=arn, VersionId=p["DefaultVersionId"])["PolicyVersion"]
        assert v["IsDefaultVersion"] is True
        docs[name] = v["Document"]
        assert docs[name]["Version"] == "2012-10-17"
    admin = docs["AdministratorAccess"]["Statement"]
    admin = admin if isinstance(admin, list) else [admin]
    assert admin == [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
    assert "s3:*" in _actions(docs["AmazonS3FullAccess"])
    ro = _actions(docs["AmazonS3ReadOnlyAccess"])
    assert "s3:Get*" in ro and "s3:List*" in ro and "s3:*" not in ro
    assert "iam:*" in _actions(docs["IAMFullAccess"])
    iro = _actions(docs["IAMReadOnlyAccess"])
    assert "iam:Get*" in iro and "iam:List*" in iro and "iam:*" not in iro
    chg = docs["IAMUserChangePassword"]["Statement"]
    chg = chg if isinstance(chg, list) else [chg]
    def as_list(v):
        return v if isinstance(v, list) else [v]
    assert any(as_list(s.get("Action")) == ["iam:ChangePassword"] and
               "arn:aws:iam::*:user/${aws:username}" in as_list(s.get("Resource")) for s in chg), chg
    # AWS-managed policies cannot be changed or deleted
    for fn, kw in ((iam.delete_policy, {}),
                   (iam.create_policy_version, {"PolicyDocument": doc(allow("s3:*"))})):
        try:
            fn(PolicyArn=S3_FULL, **kw)
            raise AssertionError("%s on an AWS-managed policy succeeded" % fn.__name__)
        except ClientError as e:
            assert 400 <= e.response["ResponseMetadata"]["HTTPStatusCode"] < 500, e.response
    assert iam.get_policy(PolicyArn=S3_FULL)["Policy"]["Arn"] == S3_FULL


def test_list_policies_scope_and_only_attached(server):
    iam = server.client("iam")
    path = "/%s/" % unique("lp")
    names = [unique("lp-a"), unique("lp-b")]
    arns = [iam.create_policy(PolicyName=n, Path=path, PolicyDocument=doc(allow("s3:GetObject")))
            ["Policy"]["Arn"] for n in names]
    local = [p for page in iam.get_paginator("list_policies").paginate(Scope="Local")
             for p in page["Policies"]]
    assert set(arns) <= {p["Arn"] for p in local}
    assert not any(p["Arn"].startswith("arn:aws:iam::aws:") for p in local)
    got = iam.list_policies(Scope="Local", PathPrefix=path)["Policies"]
    assert sorted(p["Arn"] for p in got) == sorted(arns)
    allp = [p["Arn"] for page in iam.get_paginator("list_policies").paginate(Scope="All")
            for p in page["Policies"]]
    assert set(arns) <= set(allp) and S3_FULL in allp
    # pagination
    first = iam.list_policies(Scope="Local", PathPrefix=path, MaxItems=1)
    assert first["IsTruncated"] is True and len(first["Policies"]) == 1
    second = iam.list_policies(Scope="Local", PathPrefix=path, MaxItems=1, Marker=first["Marker"])
    assert second["IsTruncated"] is False
    assert {first["Policies"][0]["Arn"], second["Policies"][0]["Arn"]} == set(arns)
    # OnlyAttached
    user = unique("lpu")
    iam.create_user(UserName=user)
    iam.attach_user_policy(UserName=user, PolicyArn=arns[0])
    att = iam.list_policies(Scope="Local", PathPrefix=path, OnlyAttached=True)["Policies"]
    assert [p["Arn"] for p in att] == [arns[0]]
    assert att[0]["AttachmentCount"] == 1


# ---------------------------------------------------------------------------
# versions


def test_policy_versions(server):
    iam = server.client("iam")
    docs = {i: doc(allow("s3:GetObject", "arn:aws:s3:::v%d/*" % i)) for i in range(1, 10)}
    arn = iam.create_policy(PolicyName=unique("ver"), PolicyDocument=docs[1])["Policy"]["Arn"]
    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=docs[2])["PolicyVersion"]
    assert v2["VersionId"] == "v2" and v2["IsDefaultVersion"] is False
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v1"
    v3 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=docs[3], SetAsDefault=True)["PolicyVersion"]
    assert v3["VersionId"] == "v3" and v3["IsDefaultVersion"] is True
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=docs[4])
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=docs[5])
    vs = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert sorted(v["VersionId"] for v in vs) == ["v1", "v2", "v3", "v4", "v5"]
    assert [v["VersionId"] for v in vs if v["IsDefaultVersion"]] == ["v3"]
    # a sixth version: LimitExceeded (at most five versions)
    r = expect_error(iam.create_policy_version, 409, "LimitExceeded", PolicyArn=arn,
                     PolicyDocument=docs[6])
    assert "5" in r["Error"]["Message"]
    # documents per version
    for i in (1, 2, 3, 4, 5):
        got = iam.get_policy_version(PolicyArn=arn, VersionId="v%d" % i)["PolicyVersion"]
        assert got["Document"] == json.loads(docs[i])
        assert got["IsDefaultVersion"] is (i == 3)
    # set default, delete non-default, the default cannot be deleted
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v2")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v2"
    r = expect_error(iam.delete_policy_version, 409, "DeleteConflict", PolicyArn=arn, VersionId="v2")
    iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
    expect_error(iam.get_policy_version, 404, "NoSuchEntity", PolicyArn=arn, VersionId="v1")
    expect_error(iam.set_default_policy_version, 404, "NoSuchEntity", PolicyArn=arn, VersionId="v1")
    # version ids are never reused
    v6 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=docs[6])["PolicyVersion"]
    assert v6["VersionId"] == "v6"
    assert sorted(v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]) == \
        ["v2", "v3", "v4", "v5", "v6"]
    expect_error(iam.create_policy_version, 400, "MalformedPolicyDocument", PolicyArn=arn,
                 PolicyDocument="{")
    # a policy with several versions cannot be deleted before its versions
    expect_error(iam.delete_policy, 409, "DeleteConflict", PolicyArn=arn)
    for v in ("v3", "v4", "v5", "v6"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=v)
    iam.delete_policy(PolicyArn=arn)
    expect_error(iam.get_policy, 404, "NoSuchEntity", PolicyArn=arn)


def test_default_version_decides_access(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    iam = server.client("iam")
    arn = iam.create_policy(PolicyName=unique("dv"), PolicyDocument=doc(
        allow("s3:GetObject", "arn:aws:s3:::%s/*" % bucket)))["Policy"]["Arn"]
    u = new_iam_user(server, "dv", policies=[arn])
    assert u.s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
    iam.create_policy_version(PolicyArn=arn, SetAsDefault=True, PolicyDocument=doc(
        allow("s3:ListBucket", "arn:aws:s3:::" + bucket)))
    expect_error(u.s3.get_object, 403, "AccessDenied", Bucket=bucket, Key="k")
    assert [o["Key"] for o in u.s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["k"]
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    assert u.s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
    expect_error(u.s3.list_objects_v2, 403, "AccessDenied", Bucket=bucket)


# ---------------------------------------------------------------------------
# attachment


def test_attach_detach_and_entities(server):
    iam = server.client("iam")
    acct = account_id(server)
    arn = iam.create_policy(PolicyName=unique("att"), PolicyDocument=doc(allow("s3:ListBucket")))["Policy"]["Arn"]
    user, group, role = unique("att-u"), unique("att-g"), unique("att-r")
    uid = iam.create_user(UserName=user)["User"]["UserId"]
    gid = iam.create_group(GroupName=group)["Group"]["GroupId"]
    rid = iam.create_role(RoleName=role, AssumeRolePolicyDocument=_trust(
        "arn:aws:iam::%s:root" % acct))["Role"]["RoleId"]
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    iam.attach_user_policy(UserName=user, PolicyArn=arn)       # idempotent
    iam.attach_group_policy(GroupName=group, PolicyArn=arn)
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    iam.attach_role_policy(RoleName=role, PolicyArn=S3_FULL)
    pname = arn.rsplit("/", 1)[1]
    assert iam.list_attached_user_policies(UserName=user)["AttachedPolicies"] == [
        {"PolicyName": pname, "PolicyArn": arn}]
    assert iam.list_attached_group_policies(GroupName=group)["AttachedPolicies"] == [
        {"PolicyName": pname, "PolicyArn": arn}]
    assert sorted(p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]) \
        == sorted([arn, S3_FULL])
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 3
    ents = iam.list_entities_for_policy(PolicyArn=arn)
    assert ents["PolicyUsers"] == [{"UserName": user, "UserId": uid}]
    assert ents["PolicyGroups"] == [{"GroupName": group, "GroupId": gid}]
    assert ents["PolicyRoles"] == [{"RoleName": role, "RoleId": rid}]
    only_users = iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="User")
    assert only_users["PolicyUsers"] == [{"UserName": user, "UserId": uid}]
    assert only_users.get("PolicyGroups", []) == [] and only_users.get("PolicyRoles", []) == []
    # deleting an attached policy is a conflict
    r = expect_error(iam.delete_policy, 409, "DeleteConflict", PolicyArn=arn)
    assert "attached" in r["Error"]["Message"].lower()
    iam.detach_user_policy(UserName=user, PolicyArn=arn)
    iam.detach_group_policy(GroupName=group, PolicyArn=arn)
    expect_error(iam.delete_policy, 409, "DeleteConflict", PolicyArn=arn)
    iam.detach_role_policy(RoleName=role, PolicyArn=arn)
    assert iam.list_attached_user_policies(UserName=user)["AttachedPolicies"] == []
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 0
    e = iam.list_entities_for_policy(PolicyArn=arn)
    assert e.get("PolicyUsers", []) == e.get("PolicyGroups", []) == e.get("PolicyRoles", []) == []
    # detaching what is not attached, attaching what does not exist
    expect_error(iam.detach_user_policy, 404, "NoSuchEntity", UserName=user, PolicyArn=arn)
    ghost = "arn:aws:iam::%s:policy/%s" % (acct, unique("ghost"))
    expect_error(iam.attach_user_policy, 404, "NoSuchEntity", UserName=user, PolicyArn=ghost)
    expect_error(iam.attach_user_policy, 404, "NoSuchEntity", UserName=unique("ghost"), PolicyArn=arn)
    expect_error(iam.attach_group_policy, 404, "NoSuchEntity", GroupName=unique("ghost"), PolicyArn=arn)
    expect_error(iam.attach_role_policy, 404, "NoSuchEntity", RoleName=unique("ghost"), PolicyArn=arn)
    expect_error(iam.attach_user_policy, 400, None, UserName=user, PolicyArn="this-is-not-an-arn-at-all")
    iam.delete_policy(PolicyArn=arn)
    expect_error(iam.get_policy, 404, "NoSuchEntity", PolicyArn=arn)


# ---------------------------------------------------------------------------
# inline policies


@pytest.mark.parametrize("kind", ["user", "group", "role"])
def test_inline_policies(server, kind):
    iam = server.client("iam")
    acct = account_id(server)
    name = unique("inl-" + kind)
    if kind == "user":
        iam.create_user(UserName=name)
    elif kind == "group":
        iam.create_group(GroupName=name)
    else:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust("arn:aws:iam::%s:root" % acct))
    key = {"user": "UserName", "group": "GroupName", "role": "RoleName"}[kind]
    put = getattr(iam, "put_%s_policy" % kind)
    get = getattr(iam, "get_%s_policy" % kind)
    lst = getattr(iam, "list_%s_policies" % kind)
    delete = getattr(iam, "delete_%s_policy" % kind)
    d1 = doc(allow("s3:GetObject", "arn:aws:s3:::a/*"))
    d2 = doc(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::b/*"))
    put(**{key: name}, PolicyName="one", PolicyDocument=d1)
    put(**{key: name}, PolicyName="two", PolicyDocument=d2)
    assert sorted(lst(**{key: name})["PolicyNames"]) == ["one", "two"]
    g = get(**{key: name}, PolicyName="one")
    assert g[key] == name and g["PolicyName"] == "one"
    assert g["PolicyDocument"] == json.loads(d1)
    # Put with an existing name replaces the document
    put(**{key: name}, PolicyName="one", PolicyDocument=d2)
    assert get(**{key: name}, PolicyName="one")["PolicyDocument"] == json.loads(d2)
    # inline policies are not managed attachments
    assert getattr(iam, "list_attached_%s_policies" % kind)(**{key: name})["AttachedPolicies"] == []
    delete(**{key: name}, PolicyName="one")
    assert lst(**{key: name})["PolicyNames"] == ["two"]
    expect_error(get, 404, "NoSuchEntity", **{key: name}, PolicyName="one")
    expect_error(delete, 404, "NoSuchEntity", **{key: name}, PolicyName="one")
    expect_error(put, 404, "NoSuchEntity", **{key: unique("ghost")}, PolicyName="x", PolicyDocument=d1)
    expect_error(put, 400, "ValidationError", **{key: name}, PolicyName="bad name", PolicyDocument=d1)
    # an inline policy blocks deleting its owner
    deleter = getattr(iam, "delete_%s" % kind)
    expect_error(deleter, 409, "DeleteConflict", **{key: name})
    delete(**{key: name}, PolicyName="two")
    deleter(**{key: name})
    expect_error(getattr(iam, "get_%s" % kind), 404, "NoSuchEntity", **{key: name})
