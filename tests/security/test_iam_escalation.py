"""Privilege escalation through IAM and STS: a user who may do a little
tries to give itself more. Every attempt is 403 AccessDenied (or what AWS
answers for a key that is not the caller's) and the IAM state afterwards is
exactly what it was.

test_sts.py covers AssumeRole of a role whose trust policy names someone
else, chained sessions over one hour, a session policy that does not grant
iam:ListUsers and GetSessionToken from a session; test_iam_users.py the
self-service key policy for one's own keys."""
import json

import pytest

from conftest import account_id, client_as, new_iam_user
from sigv4_client import expect_error, unique

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


def doc(*stmts):
    return json.dumps({"Version": "2012-10-17", "Statement": list(stmts)})


def allow(action, resource="*"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def denied(fn, action, **kw):
    r = expect_error(fn, 403, "AccessDenied", **kw)
    assert "is not authorized to perform: %s" % action in r["Error"]["Message"], r["Error"]
    return r


def iam_state(server, user):
    """What an escalation would change for `user`."""
    iam = server.client("iam")
    return dict(
        attached=sorted(p["PolicyArn"] for p in
                        iam.list_attached_user_policies(UserName=user)["AttachedPolicies"]),
        inline=sorted(iam.list_user_policies(UserName=user)["PolicyNames"]),
        groups=sorted(g["GroupName"] for g in iam.list_groups_for_user(UserName=user)["Groups"]),
        keys=sorted((k["AccessKeyId"], k["Status"]) for k in
                    iam.list_access_keys(UserName=user)["AccessKeyMetadata"]))


@pytest.fixture
def weak(server):
    """A user who may read its own IAM entry and manage its own keys
    (AWS's documented self-service policy), nothing else."""
    acct = account_id(server)
    return new_iam_user(server, "weak", inline={"Version": "2012-10-17", "Statement": [
        allow(["iam:GetUser", "iam:ListAttachedUserPolicies", "iam:ListUserPolicies",
               "iam:*AccessKey*"], "arn:aws:iam::%s:user/${aws:username}" % acct)]})


def test_attach_administrator_to_self(server, weak):
    before = iam_state(server, weak.name)
    denied(weak.iam.attach_user_policy, "iam:AttachUserPolicy", UserName=weak.name,
           PolicyArn=ADMIN)
    denied(weak.iam.put_user_policy, "iam:PutUserPolicy", UserName=weak.name,
           PolicyName="me-admin", PolicyDocument=doc(allow("*")))
    assert iam_state(server, weak.name) == before
    denied(weak.iam.list_users, "iam:ListUsers")


def test_join_or_extend_a_privileged_group(server, weak):
    iam = server.client("iam")
    admins = unique("admins")
    iam.create_group(GroupName=admins)
    iam.attach_group_policy(GroupName=admins, PolicyArn=ADMIN)
    mine = unique("mine")
    iam.create_group(GroupName=mine)
    iam.add_user_to_group(GroupName=mine, UserName=weak.name)
    before = iam_state(server, weak.name)
    denied(weak.iam.add_user_to_group, "iam:AddUserToGroup", GroupName=admins, UserName=weak.name)
    denied(weak.iam.attach_group_policy, "iam:AttachGroupPolicy", GroupName=mine, PolicyArn=ADMIN)
    denied(weak.iam.put_group_policy, "iam:PutGroupPolicy", GroupName=mine, PolicyName="x",
           PolicyDocument=doc(allow("*")))
    assert iam_state(server, weak.name) == before
    assert iam.list_attached_group_policies(GroupName=mine)["AttachedPolicies"] == []
    assert iam.list_group_policies(GroupName=mine)["PolicyNames"] == []


def test_keys_and_passwords_of_another_user(server, weak):
    other = new_iam_user(server, "other", policies=[ADMIN])
    before = iam_state(server, other.name)
    denied(weak.iam.create_access_key, "iam:CreateAccessKey", UserName=other.name)
    denied(weak.iam.update_access_key, "iam:UpdateAccessKey", UserName=other.name,
           AccessKeyId=other.akid, Status="Inactive")
    denied(weak.iam.delete_access_key, "iam:DeleteAccessKey", UserName=other.name,
           AccessKeyId=other.akid)
    denied(weak.iam.create_login_profile, "iam:CreateLoginProfile", UserName=other.name,
           Password="Take-over-1234!")
    # naming the other user's key without a UserName means "my key": not found
    expect_error(weak.iam.delete_access_key, 404, "NoSuchEntity", AccessKeyId=other.akid)
    expect_error(weak.iam.update_access_key, 404, "NoSuchEntity", AccessKeyId=other.akid,
                 Status="Inactive")
    assert iam_state(server, other.name) == before
    expect_error(server.client("iam").get_login_profile, 404, "NoSuchEntity", UserName=other.name)
    assert other.iam.get_user()["User"]["UserName"] == other.name


def test_root_keys_are_out_of_reach_of_iam_users(server):
    """Even a user with IAMFullAccess cannot see, disable or delete the root
    user's access key: it belongs to no IAM user."""
    admin = new_iam_user(server, "iamadmin", policies=["arn:aws:iam::aws:policy/IAMFullAccess"])
    for fn, kw in ((admin.iam.delete_access_key, {"AccessKeyId": server.akid}),
                   (admin.iam.update_access_key, {"AccessKeyId": server.akid, "Status": "Inactive"})):
        expect_error(fn, 404, "NoSuchEntity", **kw)
    users = [u["UserName"] for u in admin.iam.list_users()["Users"]]
    for name in users:
        for k in admin.iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
            assert k["AccessKeyId"] != server.akid
    assert server.client("sts").get_caller_identity()["Arn"].endswith(":root")
    server.client().list_buckets()


def test_new_version_of_own_policy(server):
    """A customer policy attached to the user: without iam:CreatePolicyVersion
    and iam:SetDefaultPolicyVersion it cannot be rewritten or switched to a
    broader version prepared earlier."""
    iam = server.client("iam")
    pol = iam.create_policy(PolicyName=unique("mine"), PolicyDocument=doc(
        allow(["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"])))["Policy"]
    iam.create_policy_version(PolicyArn=pol["Arn"], PolicyDocument=doc(allow("*")),
                              SetAsDefault=False)
    u = new_iam_user(server, "pv", policies=[pol["Arn"]])
    denied(u.iam.create_policy_version, "iam:CreatePolicyVersion", PolicyArn=pol["Arn"],
           PolicyDocument=doc(allow("*")), SetAsDefault=True)
    denied(u.iam.set_default_policy_version, "iam:SetDefaultPolicyVersion", PolicyArn=pol["Arn"],
           VersionId="v2")
    denied(u.iam.delete_policy_version, "iam:DeletePolicyVersion", PolicyArn=pol["Arn"],
           VersionId="v1")
    versions = iam.list_policy_versions(PolicyArn=pol["Arn"])["Versions"]
    assert sorted((v["VersionId"], v["IsDefaultVersion"]) for v in versions) == [
        ("v1", True), ("v2", False)]
    denied(u.iam.list_users, "iam:ListUsers")
    expect_error(u.s3.list_buckets, 403, "AccessDenied")


def test_rewrite_a_role_trust_policy(server):
    """UpdateAssumeRolePolicy without permission: the trust stays, and the
    would-be assumer is still refused."""
    iam = server.client("iam")
    owner = new_iam_user(server, "owner")
    intruder = new_iam_user(server, "intruder", inline={"Version": "2012-10-17", "Statement": [
        allow(["sts:AssumeRole", "iam:GetRole"])]})
    name = unique("trusted")
    trust = doc({"Effect": "Allow", "Principal": {"AWS": owner.arn}, "Action": "sts:AssumeRole"})
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]
    iam.attach_role_policy(RoleName=name, PolicyArn=ADMIN)
    denied(intruder.iam.update_assume_role_policy, "iam:UpdateAssumeRolePolicy", RoleName=name,
           PolicyDocument=doc({"Effect": "Allow", "Principal": {"AWS": intruder.arn},
                               "Action": "sts:AssumeRole"}))
    got = iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]
    got = json.loads(got) if isinstance(got, str) else got
    assert got == json.loads(trust)
    expect_error(intruder.sts.assume_role, 403, "AccessDenied", RoleArn=role["Arn"],
                 RoleSessionName="xx")


def test_create_a_role_for_oneself(server):
    """iam:PassRole has no service to pass a role to here; its IAM-only
    equivalent is creating a role that trusts oneself: allowed to create it,
    the user still cannot give it permissions, so assuming it gains nothing."""
    u = new_iam_user(server, "rolemaker", inline={"Version": "2012-10-17", "Statement": [
        allow(["iam:CreateRole", "iam:GetRole", "sts:AssumeRole"])]})
    name = unique("selfrole")
    role = u.iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": u.arn}, "Action": "sts:AssumeRole"}))["Role"]
    denied(u.iam.attach_role_policy, "iam:AttachRolePolicy", RoleName=name, PolicyArn=ADMIN)
    denied(u.iam.put_role_policy, "iam:PutRolePolicy", RoleName=name, PolicyName="x",
           PolicyDocument=doc(allow("*")))
    iam = server.client("iam")
    assert iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"] == []
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == []
    c = u.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="ss")["Credentials"]
    sess = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
    expect_error(client_as(server, *sess).list_buckets, 403, "AccessDenied")
    denied(client_as(server, *sess, service="iam").attach_role_policy, "iam:AttachRolePolicy",
           RoleName=name, PolicyArn=ADMIN)
    assert iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"] == []


def test_session_policy_cannot_widen(server, s3, bucket):
    """A read-only role with a session policy granting everything: the
    session can still only read."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    u = new_iam_user(server, "widen")
    iam = server.client("iam")
    name = unique("ro")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": u.arn}, "Action": "sts:AssumeRole"}))["Role"]
    iam.attach_role_policy(RoleName=name, PolicyArn=S3_READ)
    c = u.sts.assume_role(RoleArn=role["Arn"], RoleSessionName="wide",
                          Policy=doc(allow("*")),
                          PolicyArns=[{"arn": ADMIN}])["Credentials"]
    sess = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
    sc = client_as(server, *sess)
    assert sc.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
    expect_error(sc.put_object, 403, "AccessDenied", Bucket=bucket, Key="k", Body=b"w")
    expect_error(sc.delete_object, 403, "AccessDenied", Bucket=bucket, Key="k")
    denied(client_as(server, *sess, service="iam").create_user, "iam:CreateUser",
           UserName=unique("x"))
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"


def test_role_chain_to_a_role_that_trusts_only_the_user(server):
    """Role A's session may call sts:AssumeRole, but role B trusts the user,
    not A's session: a chain cannot launder who is asking."""
    u = new_iam_user(server, "chain")
    iam = server.client("iam")
    b = unique("b")
    rb = iam.create_role(RoleName=b, AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": u.arn}, "Action": "sts:AssumeRole"}))["Role"]
    iam.attach_role_policy(RoleName=b, PolicyArn=ADMIN)
    a = unique("a")
    ra = iam.create_role(RoleName=a, AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": u.arn}, "Action": "sts:AssumeRole"}))["Role"]
    iam.put_role_policy(RoleName=a, PolicyName="assume", PolicyDocument=doc(
        allow("sts:AssumeRole")))
    c = u.sts.assume_role(RoleArn=ra["Arn"], RoleSessionName="one")["Credentials"]
    sts = client_as(server, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"],
                    service="sts")
    expect_error(sts.assume_role, 403, "AccessDenied", RoleArn=rb["Arn"], RoleSessionName="two")
    # a role that does trust the chain (via the account) and allows 12-hour
    # sessions: the chained session is still held to one hour
    cname = unique("c")
    rc = iam.create_role(RoleName=cname, MaxSessionDuration=43200, AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % account_id(server)},
         "Action": "sts:AssumeRole"}))["Role"]
    expect_error(client_as(server, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"],
                           service="sts", parameter_validation=False).assume_role,
                 400, "ValidationError", RoleArn=rc["Arn"], RoleSessionName="again",
                 DurationSeconds=43200)
