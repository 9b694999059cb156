"""The IAM policy simulator against a real coffer server (boto3 and the AWS
CLI): SimulateCustomPolicy and SimulatePrincipalPolicy return, for every
action and resource, AWS's decision (allowed / explicitDeny / implicitDeny),
the statements that decided (SourcePolicyId, positions), and the context
keys that were missing. Checked against the IAM API Reference."""
import json


from conftest import account_id, aws_cli, new_iam_user
from sigv4_client import expect_error, unique


def doc(*stmts):
    return json.dumps({"Version": "2012-10-17", "Statement": list(stmts)}, indent=2)


def results(resp):
    return {(r["EvalActionName"], r["EvalResourceName"]): r for r in resp["EvaluationResults"]}


def _pos(p):
    return (p["Line"], p["Column"])


def test_simulate_custom_policy_decisions(server):
    iam = server.client("iam")
    p1 = doc({"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject"],
              "Resource": "arn:aws:s3:::sim/*"})
    p2 = doc({"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"})
    r = iam.simulate_custom_policy(PolicyInputList=[p1, p2],
                                   ActionNames=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                                   ResourceArns=["arn:aws:s3:::sim/k", "arn:aws:s3:::other/k"])
    assert r["IsTruncated"] is False
    res = results(r)
    assert len(res) == 6
    dec = {k: v["EvalDecision"] for k, v in res.items()}
    assert dec == {
        ("s3:GetObject", "arn:aws:s3:::sim/k"): "allowed",
        ("s3:GetObject", "arn:aws:s3:::other/k"): "implicitDeny",
        ("s3:PutObject", "arn:aws:s3:::sim/k"): "implicitDeny",
        ("s3:PutObject", "arn:aws:s3:::other/k"): "implicitDeny",
        ("s3:DeleteObject", "arn:aws:s3:::sim/k"): "explicitDeny",
        ("s3:DeleteObject", "arn:aws:s3:::other/k"): "explicitDeny",
    }
    allowed = res[("s3:GetObject", "arn:aws:s3:::sim/k")]["MatchedStatements"]
    assert [m["SourcePolicyId"] for m in allowed] == ["PolicyInputList.1"]
    assert _pos(allowed[0]["StartPosition"]) < _pos(allowed[0]["EndPosition"])
    # the "Read" statement starts on line 4 of the pretty-printed document
    assert allowed[0]["StartPosition"]["Line"] == 4, allowed
    denied = res[("s3:DeleteObject", "arn:aws:s3:::sim/k")]["MatchedStatements"]
    assert "PolicyInputList.2" in [m["SourcePolicyId"] for m in denied]
    assert res[("s3:PutObject", "arn:aws:s3:::sim/k")]["MatchedStatements"] == []
    # no ResourceArns: the resource is "*"
    r = iam.simulate_custom_policy(PolicyInputList=[p1], ActionNames=["s3:GetObject"])
    assert [(x["EvalResourceName"], x["EvalDecision"]) for x in r["EvaluationResults"]] == [("*", "implicitDeny")]
    # wildcards in actions are case-insensitive, resources are not
    r = iam.simulate_custom_policy(
        PolicyInputList=[doc({"Effect": "Allow", "Action": "S3:get*", "Resource": "arn:aws:s3:::Sim/*"})],
        ActionNames=["s3:GetObject"], ResourceArns=["arn:aws:s3:::Sim/x", "arn:aws:s3:::sim/x"])
    assert {k[1]: v["EvalDecision"] for k, v in results(r).items()} == {
        "arn:aws:s3:::Sim/x": "allowed", "arn:aws:s3:::sim/x": "implicitDeny"}


def test_simulate_custom_policy_context(server):
    iam = server.client("iam")
    p = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}})

    def sim(ctx):
        kw = {"ContextEntries": ctx} if ctx else {}
        return iam.simulate_custom_policy(PolicyInputList=[p], ActionNames=["s3:GetObject"],
                                          **kw)["EvaluationResults"][0]

    inside = sim([{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.2.3"], "ContextKeyType": "ip"}])
    assert inside["EvalDecision"] == "allowed"
    outside = sim([{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["192.168.1.1"],
                    "ContextKeyType": "ip"}])
    assert outside["EvalDecision"] == "implicitDeny"
    missing = sim(None)
    assert missing["EvalDecision"] == "implicitDeny"
    assert [k.lower() for k in missing["MissingContextValues"]] == ["aws:sourceip"]
    # ...IfExists: a missing key satisfies the condition
    p2 = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
              "Condition": {"StringEqualsIfExists": {"s3:x-amz-acl": "private"}}})
    r = iam.simulate_custom_policy(PolicyInputList=[p2], ActionNames=["s3:GetObject"])
    assert r["EvaluationResults"][0]["EvalDecision"] == "allowed"


def test_simulate_custom_policy_errors(server):
    iam = server.client("iam")
    expect_error(iam.simulate_custom_policy, 400, None, PolicyInputList=["{nope"], ActionNames=["s3:GetObject"])


def test_simulate_principal_policy(server):
    iam = server.client("iam")
    acct = account_id(server)
    u = new_iam_user(server, "simu", policies=["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])
    g = unique("simg")
    iam.create_group(GroupName=g)
    iam.put_group_policy(GroupName=g, PolicyName="NoSecretReads", PolicyDocument=doc(
        {"Sid": "DenySecret", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/secret/*"}))
    iam.add_user_to_group(GroupName=g, UserName=u.name)
    iam.put_user_policy(UserName=u.name, PolicyName="MayPut", PolicyDocument=doc(
        {"Sid": "PutLogs", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/logs/*"}))
    r = iam.simulate_principal_policy(
        PolicySourceArn=u.arn, ActionNames=["s3:GetObject", "s3:PutObject", "iam:CreateUser"],
        ResourceArns=["arn:aws:s3:::b/secret/x", "arn:aws:s3:::b/logs/x"])
    res = results(r)
    dec = {k: v["EvalDecision"] for k, v in res.items()}
    assert dec == {
        ("s3:GetObject", "arn:aws:s3:::b/secret/x"): "explicitDeny",
        ("s3:GetObject", "arn:aws:s3:::b/logs/x"): "allowed",
        ("s3:PutObject", "arn:aws:s3:::b/secret/x"): "implicitDeny",
        ("s3:PutObject", "arn:aws:s3:::b/logs/x"): "allowed",
        ("iam:CreateUser", "arn:aws:s3:::b/secret/x"): "implicitDeny",
        ("iam:CreateUser", "arn:aws:s3:::b/logs/x"): "implicitDeny",
    }

    def ids(key):
        return " ".join(m["SourcePolicyId"] for m in res[key]["MatchedStatements"])

    assert "NoSecretReads" in ids(("s3:GetObject", "arn:aws:s3:::b/secret/x"))
    assert "AmazonS3ReadOnlyAccess" in ids(("s3:GetObject", "arn:aws:s3:::b/logs/x"))
    assert "MayPut" in ids(("s3:PutObject", "arn:aws:s3:::b/logs/x"))
    # extra policies through PolicyInputList are added to the principal's
    r = iam.simulate_principal_policy(PolicySourceArn=u.arn, ActionNames=["iam:CreateUser"],
                                      PolicyInputList=[doc({"Effect": "Allow", "Action": "iam:CreateUser",
                                                            "Resource": "*"})])
    assert r["EvaluationResults"][0]["EvalDecision"] == "allowed"
    # roles and groups as the source
    role = unique("simr")
    role_arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": u.arn},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    iam.attach_role_policy(RoleName=role, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    r = iam.simulate_principal_policy(PolicySourceArn=role_arn, ActionNames=["iam:ListUsers", "iam:CreateUser"])
    assert {x["EvalActionName"]: x["EvalDecision"] for x in r["EvaluationResults"]} == {
        "iam:ListUsers": "allowed", "iam:CreateUser": "implicitDeny"}
    r = iam.simulate_principal_policy(PolicySourceArn="arn:aws:iam::%s:group/%s" % (acct, g),
                                      ActionNames=["s3:GetObject"], ResourceArns=["arn:aws:s3:::b/secret/x"])
    assert r["EvaluationResults"][0]["EvalDecision"] == "explicitDeny"
    expect_error(iam.simulate_principal_policy, 404, "NoSuchEntity",
                 PolicySourceArn="arn:aws:iam::%s:user/%s" % (acct, unique("ghost")), ActionNames=["s3:GetObject"])
    # pagination
    first = iam.simulate_principal_policy(PolicySourceArn=u.arn, ActionNames=["s3:GetObject", "s3:PutObject"],
                                          MaxItems=1)
    assert first["IsTruncated"] is True and len(first["EvaluationResults"]) == 1
    rest = iam.simulate_principal_policy(PolicySourceArn=u.arn, ActionNames=["s3:GetObject", "s3:PutObject"],
                                         MaxItems=1, Marker=first["Marker"])
    assert {first["EvaluationResults"][0]["EvalActionName"], rest["EvaluationResults"][0]["EvalActionName"]} == \
        {"s3:GetObject", "s3:PutObject"}


def test_simulate_with_resource_policy(server):
    iam = server.client("iam")
    u = new_iam_user(server, "simres")
    rp = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": u.arn}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::rp/*"}]})
    r = iam.simulate_principal_policy(PolicySourceArn=u.arn, ActionNames=["s3:GetObject", "s3:PutObject"],
                                      ResourceArns=["arn:aws:s3:::rp/k"], ResourcePolicy=rp)
    assert {x["EvalActionName"]: x["EvalDecision"] for x in r["EvaluationResults"]} == {
        "s3:GetObject": "allowed", "s3:PutObject": "implicitDeny"}


def test_simulator_needs_permission(server):
    u = new_iam_user(server, "simperm")
    expect_error(u.iam.simulate_principal_policy, 403, "AccessDenied", PolicySourceArn=u.arn,
                 ActionNames=["s3:GetObject"])
    server.client("iam").attach_user_policy(UserName=u.name,
                                            PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    r = u.iam.simulate_principal_policy(PolicySourceArn=u.arn, ActionNames=["iam:GetUser"])
    assert r["EvaluationResults"][0]["EvalDecision"] == "allowed"


def test_simulate_custom_policy_cli(server, tmp_path):
    # (a file:// value for this list parameter would be split into characters by the CLI)
    pol = doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::cli"})
    _, out, _ = aws_cli(server, tmp_path / "home", "iam", "simulate-custom-policy",
                        "--policy-input-list", pol,
                        "--action-names", "s3:ListBucket", "s3:GetObject",
                        "--resource-arns", "arn:aws:s3:::cli")
    got = {x["EvalActionName"]: x["EvalDecision"] for x in json.loads(out)["EvaluationResults"]}
    assert got == {"s3:ListBucket": "allowed", "s3:GetObject": "implicitDeny"}
