"""IAM groups and roles against a real coffer server with boto3: group
membership grants (and stops granting, at once) the group's policies, deletes
conflict while members or policies remain; roles keep their trust policy and
MaxSessionDuration. Checked against the IAM API Reference."""
import json
import re

import pytest

from conftest import S3_FULL, account_id, new_iam_user
from sigv4_client import expect_error, unique


def doc(*stmts):
    return json.dumps({"Version": "2012-10-17", "Statement": list(stmts)})


def trust(principal):
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal},
                           "Action": "sts:AssumeRole"}]}


# ---------------------------------------------------------------------------
# groups


def test_group_crud_and_membership(server):
    iam = server.client("iam")
    acct = account_id(server)
    g = unique("grp")
    created = iam.create_group(GroupName=g, Path="/teams/")["Group"]
    assert created["GroupName"] == g and created["Path"] == "/teams/"
    assert created["Arn"] == "arn:aws:iam::%s:group/teams/%s" % (acct, g)
    assert re.fullmatch(r"AGPA[A-Z0-9]{12,124}", created["GroupId"]), created
    expect_error(iam.create_group, 409, "EntityAlreadyExists", GroupName=g)
    expect_error(iam.create_group, 400, "ValidationError", GroupName="bad name")
    users = sorted(unique("gm") for _ in range(3))
    for u in users:
        iam.create_user(UserName=u)
        iam.add_user_to_group(GroupName=g, UserName=u)
    iam.add_user_to_group(GroupName=g, UserName=users[0])     # idempotent
    got = iam.get_group(GroupName=g)
    assert got["Group"]["Arn"] == created["Arn"] and got["Group"]["GroupId"] == created["GroupId"]
    assert sorted(u["UserName"] for u in got["Users"]) == users
    assert got["IsTruncated"] is False
    # ListGroupsForUser
    second = unique("grp2")
    iam.create_group(GroupName=second)
    iam.add_user_to_group(GroupName=second, UserName=users[1])
    assert [x["GroupName"] for x in iam.list_groups_for_user(UserName=users[0])["Groups"]] == [g]
    assert sorted(x["GroupName"] for x in iam.list_groups_for_user(UserName=users[1])["Groups"]) == \
        sorted([g, second])
    # ListGroups with a path prefix
    assert [x["GroupName"] for x in iam.list_groups(PathPrefix="/teams/")["Groups"] if x["GroupName"] == g] == [g]
    assert second not in [x["GroupName"] for x in iam.list_groups(PathPrefix="/teams/")["Groups"]]
    # RemoveUserFromGroup
    iam.remove_user_from_group(GroupName=g, UserName=users[2])
    assert sorted(u["UserName"] for u in iam.get_group(GroupName=g)["Users"]) == users[:2]
    assert iam.list_groups_for_user(UserName=users[2])["Groups"] == []
    expect_error(iam.remove_user_from_group, 404, "NoSuchEntity", GroupName=g, UserName=users[2])
    expect_error(iam.add_user_to_group, 404, "NoSuchEntity", GroupName=unique("ghost"), UserName=users[0])
    expect_error(iam.add_user_to_group, 404, "NoSuchEntity", GroupName=g, UserName=unique("ghost"))
    expect_error(iam.get_group, 404, "NoSuchEntity", GroupName=unique("ghost"))


def test_delete_group_conflicts(server):
    iam = server.client("iam")
    g, u = unique("dg"), unique("dgu")
    iam.create_group(GroupName=g)
    iam.create_user(UserName=u)
    iam.add_user_to_group(GroupName=g, UserName=u)
    r = expect_error(iam.delete_group, 409, "DeleteConflict", GroupName=g)
    assert "users" in r["Error"]["Message"].lower(), r["Error"]
    iam.remove_user_from_group(GroupName=g, UserName=u)
    iam.attach_group_policy(GroupName=g, PolicyArn=S3_FULL)
    r = expect_error(iam.delete_group, 409, "DeleteConflict", GroupName=g)
    assert "polic" in r["Error"]["Message"].lower(), r["Error"]
    iam.detach_group_policy(GroupName=g, PolicyArn=S3_FULL)
    iam.put_group_policy(GroupName=g, PolicyName="p", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}))
    expect_error(iam.delete_group, 409, "DeleteConflict", GroupName=g)
    iam.delete_group_policy(GroupName=g, PolicyName="p")
    iam.delete_group(GroupName=g)
    expect_error(iam.get_group, 404, "NoSuchEntity", GroupName=g)
    # the former member is unaffected
    assert iam.get_user(UserName=u)["User"]["UserName"] == u
    assert iam.list_groups_for_user(UserName=u)["Groups"] == []


def test_group_membership_grants_access(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="report.csv", Body=b"a,b\n")
    iam = server.client("iam")
    g = unique("readers")
    iam.create_group(GroupName=g)
    iam.put_group_policy(GroupName=g, PolicyName="read", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % bucket},
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::" + bucket}))
    u = new_iam_user(server, "member")
    r = expect_error(u.s3.get_object, 403, "AccessDenied", Bucket=bucket, Key="report.csv")
    assert r["Error"]["Message"] == (
        'User: %s is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::%s/report.csv" '
        'because no identity-based policy allows the s3:GetObject action' % (u.arn, bucket))
    iam.add_user_to_group(GroupName=g, UserName=u.name)
    assert u.s3.get_object(Bucket=bucket, Key="report.csv")["Body"].read() == b"a,b\n"
    assert [o["Key"] for o in u.s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["report.csv"]
    expect_error(u.s3.put_object, 403, "AccessDenied", Bucket=bucket, Key="x", Body=b"x")
    # a managed policy on the group counts as well
    iam.attach_group_policy(GroupName=g, PolicyArn=S3_FULL)
    u.s3.put_object(Bucket=bucket, Key="x", Body=b"x")
    iam.detach_group_policy(GroupName=g, PolicyArn=S3_FULL)
    expect_error(u.s3.put_object, 403, "AccessDenied", Bucket=bucket, Key="y", Body=b"y")
    # leaving the group takes the access away on the next request
    iam.remove_user_from_group(GroupName=g, UserName=u.name)
    expect_error(u.s3.get_object, 403, "AccessDenied", Bucket=bucket, Key="report.csv")
    expect_error(u.s3.list_objects_v2, 403, "AccessDenied", Bucket=bucket)


def test_group_deny_overrides_user_allow(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="secret/plan.txt", Body=b"p")
    s3.put_object(Bucket=bucket, Key="public/readme", Body=b"r")
    iam = server.client("iam")
    g = unique("nosecret")
    iam.create_group(GroupName=g)
    iam.put_group_policy(GroupName=g, PolicyName="deny-secret", PolicyDocument=doc(
        {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*",
         "Resource": "arn:aws:s3:::%s/secret/*" % bucket}))
    u = new_iam_user(server, "denied", policies=[S3_FULL])
    assert u.s3.get_object(Bucket=bucket, Key="secret/plan.txt")["Body"].read() == b"p"
    iam.add_user_to_group(GroupName=g, UserName=u.name)
    r = expect_error(u.s3.get_object, 403, "AccessDenied", Bucket=bucket, Key="secret/plan.txt")
    assert r["Error"]["Message"].startswith(
        'User: %s is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::%s/secret/plan.txt" '
        'with an explicit deny in an identity-based policy' % (u.arn, bucket)), r["Error"]
    assert u.s3.get_object(Bucket=bucket, Key="public/readme")["Body"].read() == b"r"


# ---------------------------------------------------------------------------
# roles


def test_role_crud(server):
    iam = server.client("iam")
    acct = account_id(server)
    name = unique("role")
    t = trust("arn:aws:iam::%s:root" % acct)
    r = iam.create_role(RoleName=name, Path="/svc/", AssumeRolePolicyDocument=json.dumps(t),
                        Description="test role")["Role"]
    assert r["RoleName"] == name and r["Path"] == "/svc/"
    assert r["Arn"] == "arn:aws:iam::%s:role/svc/%s" % (acct, name)
    assert re.fullmatch(r"AROA[A-Z0-9]{12,124}", r["RoleId"]), r
    g = iam.get_role(RoleName=name)["Role"]
    assert g["Arn"] == r["Arn"] and g["RoleId"] == r["RoleId"]
    assert g["MaxSessionDuration"] == 3600           # the default
    assert g["AssumeRolePolicyDocument"] == t
    assert g["Description"] == "test role"
    expect_error(iam.create_role, 409, "EntityAlreadyExists", RoleName=name,
                 AssumeRolePolicyDocument=json.dumps(t))
    expect_error(iam.get_role, 404, "NoSuchEntity", RoleName=unique("ghost"))
    # MaxSessionDuration: 3600..43200 seconds
    long_role = unique("long")
    iam.create_role(RoleName=long_role, AssumeRolePolicyDocument=json.dumps(t), MaxSessionDuration=43200)
    assert iam.get_role(RoleName=long_role)["Role"]["MaxSessionDuration"] == 43200
    unchecked = server.client("iam", parameter_validation=False)   # let the server judge
    for bad in (3599, 43201):
        expect_error(unchecked.create_role, 400, "ValidationError", RoleName=unique("bad"),
                     AssumeRolePolicyDocument=json.dumps(t), MaxSessionDuration=bad)
    # ListRoles with a path prefix
    listed = [x["RoleName"] for x in iam.list_roles(PathPrefix="/svc/")["Roles"]]
    assert name in listed and long_role not in listed
    # UpdateAssumeRolePolicy
    u = new_iam_user(server, "trusted")
    t2 = trust(u.arn)
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(t2))
    assert iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"] == t2
    expect_error(iam.update_assume_role_policy, 400, "MalformedPolicyDocument", RoleName=name,
                 PolicyDocument="{")
    # DeleteRole conflicts while policies remain
    iam.attach_role_policy(RoleName=name, PolicyArn=S3_FULL)
    expect_error(iam.delete_role, 409, "DeleteConflict", RoleName=name)
    iam.detach_role_policy(RoleName=name, PolicyArn=S3_FULL)
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}))
    expect_error(iam.delete_role, 409, "DeleteConflict", RoleName=name)
    iam.delete_role_policy(RoleName=name, PolicyName="p")
    iam.delete_role(RoleName=name)
    expect_error(iam.get_role, 404, "NoSuchEntity", RoleName=name)


BAD_TRUST = [
    ("no principal", doc({"Effect": "Allow", "Action": "sts:AssumeRole"})),
    ("not json", "{nope"),
    ("non-sts action", doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject"})),
    ("missing effect", doc({"Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"})),
]


@pytest.mark.parametrize("what,document", BAD_TRUST, ids=[b[0] for b in BAD_TRUST])
def test_create_role_malformed_trust(server, what, document):
    iam = server.client("iam")
    name = unique("badtrust")
    expect_error(iam.create_role, 400, "MalformedPolicyDocument", RoleName=name,
                 AssumeRolePolicyDocument=document)
    expect_error(iam.get_role, 404, "NoSuchEntity", RoleName=name)
