"""The user guide (../shared/seed/access-keys-guide.md) end to end with the
AWS CLI (/usr/bin/aws) against a real coffer server: create the user
`s3-access-user`, attach AmazonS3FullAccess, create an access key (its secret
shown only then), use it with `aws s3` through environment variables and a
credentials file, detach the policy and get AccessDenied on the very next
request; the guide's alternative (a custom policy with s3:ListBucket and
s3:GetObject only); and its advice to rotate keys."""
import json
import re

from conftest import S3_FULL, account_id, aws_cli
from sigv4_client import unique


def cli_json(server, home, *args, **kw):
    _, out, _ = aws_cli(server, home, *args, **kw)
    return json.loads(out) if out.strip() else None


def test_guide_flow(server, tmp_path):
    acct = account_id(server)
    admin = tmp_path / "admin"
    user_home = tmp_path / "user"
    name = "s3-access-user"
    arn = "arn:aws:iam::%s:user/%s" % (acct, name)

    # 3. Create a user
    u = cli_json(server, admin, "iam", "create-user", "--user-name", name)["User"]
    assert u["UserName"] == name and u["Arn"] == arn and u["Path"] == "/"
    # 4. Assign permissions: AmazonS3FullAccess
    aws_cli(server, admin, "iam", "attach-user-policy", "--user-name", name, "--policy-arn", S3_FULL)
    att = cli_json(server, admin, "iam", "list-attached-user-policies", "--user-name", name)
    assert att["AttachedPolicies"] == [{"PolicyName": "AmazonS3FullAccess", "PolicyArn": S3_FULL}]
    # 5. Generate access keys: the secret is in this response only
    k = cli_json(server, admin, "iam", "create-access-key", "--user-name", name)["AccessKey"]
    assert k["UserName"] == name and k["Status"] == "Active"
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}", k["AccessKeyId"]) and len(k["SecretAccessKey"]) == 40
    _, listed, _ = aws_cli(server, admin, "iam", "list-access-keys", "--user-name", name)
    meta = json.loads(listed)["AccessKeyMetadata"]
    assert [m["AccessKeyId"] for m in meta] == [k["AccessKeyId"]]
    assert k["SecretAccessKey"] not in listed and "SecretAccessKey" not in listed
    _, got_user, _ = aws_cli(server, admin, "iam", "get-user", "--user-name", name)
    assert k["SecretAccessKey"] not in got_user
    creds = (k["AccessKeyId"], k["SecretAccessKey"])

    # use it with `aws s3` through environment variables
    ident = cli_json(server, user_home, "sts", "get-caller-identity", creds=creds)
    assert ident["Arn"] == arn and ident["Account"] == acct
    bkt = unique("guide")
    _, out, _ = aws_cli(server, user_home, "s3", "mb", "s3://" + bkt, creds=creds)
    assert "make_bucket: %s" % bkt in out
    src = tmp_path / "hello.txt"
    src.write_bytes(b"hello from the guide\n")
    aws_cli(server, user_home, "s3", "cp", "--no-progress", str(src), "s3://%s/hello.txt" % bkt, creds=creds)
    _, out, _ = aws_cli(server, user_home, "s3", "ls", creds=creds)
    assert bkt in out.split()
    _, out, _ = aws_cli(server, user_home, "s3", "ls", "s3://%s/" % bkt, creds=creds)
    assert re.search(r"\s21 hello\.txt$", out.strip()), out
    _, out, _ = aws_cli(server, user_home, "s3", "cp", "s3://%s/hello.txt" % bkt, "-", creds=creds)
    assert out == "hello from the guide\n"

    # ... and through a credentials file ("Use environment variables or credential files")
    cred_file = tmp_path / "user" / "aws-credentials"
    cred_file.write_text("[guide]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % creds)
    _, out, _ = aws_cli(server, user_home, "--profile", "guide", "s3", "ls", "s3://%s/" % bkt,
                        env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""})
    assert "hello.txt" in out

    # detach the policy: the very next request is refused
    aws_cli(server, admin, "iam", "detach-user-policy", "--user-name", name, "--policy-arn", S3_FULL)
    assert cli_json(server, admin, "iam", "list-attached-user-policies",
                    "--user-name", name)["AttachedPolicies"] == []
    rc, out, err = aws_cli(server, user_home, "s3", "ls", creds=creds, check=False)
    assert rc != 0
    assert "An error occurred (AccessDenied) when calling the ListBuckets operation: " in err, err
    assert "User: %s is not authorized to perform: s3:ListAllMyBuckets" % arn in err, err
    assert "because no identity-based policy allows the s3:ListAllMyBuckets action" in err, err
    rc, out, err = aws_cli(server, user_home, "s3", "ls", "s3://%s/" % bkt, creds=creds, check=False)
    assert rc != 0
    assert ('User: %s is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::%s" '
            'because no identity-based policy allows the s3:ListBucket action' % (arn, bkt)) in err, err
    rc, out, err = aws_cli(server, user_home, "s3", "cp", "s3://%s/hello.txt" % bkt, "-", creds=creds,
                           check=False)
    assert rc != 0 and out == "" and ("403" in err or "AccessDenied" in err), err
    # the bucket and object are untouched (root still sees them)
    _, out, _ = aws_cli(server, admin, "s3", "cp", "s3://%s/hello.txt" % bkt, "-")
    assert out == "hello from the guide\n"


def test_guide_custom_policy(server, tmp_path):
    """Step 4's alternative: a custom policy with s3:ListBucket and s3:GetObject."""
    acct = account_id(server)
    admin, user_home = tmp_path / "admin", tmp_path / "user"
    bkt, other = unique("custom"), unique("other")
    for b in (bkt, other):
        aws_cli(server, admin, "s3", "mb", "s3://" + b)
    src = tmp_path / "doc.txt"
    src.write_bytes(b"readable\n")
    aws_cli(server, admin, "s3", "cp", "--no-progress", str(src), "s3://%s/doc.txt" % bkt)
    aws_cli(server, admin, "s3", "cp", "--no-progress", str(src), "s3://%s/doc.txt" % other)
    name = unique("reader")
    arn = "arn:aws:iam::%s:user/%s" % (acct, name)
    aws_cli(server, admin, "iam", "create-user", "--user-name", name)
    pol = tmp_path / "policy.json"
    pol.write_text(json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::" + bkt},
            {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % bkt},
        ]}))
    p = cli_json(server, admin, "iam", "create-policy", "--policy-name", unique("ReadOneBucket"),
                 "--policy-document", "file://" + str(pol))["Policy"]
    assert p["Arn"] == "arn:aws:iam::%s:policy/%s" % (acct, p["PolicyName"])
    aws_cli(server, admin, "iam", "attach-user-policy", "--user-name", name, "--policy-arn", p["Arn"])
    k = cli_json(server, admin, "iam", "create-access-key", "--user-name", name)["AccessKey"]
    creds = (k["AccessKeyId"], k["SecretAccessKey"])

    _, out, _ = aws_cli(server, user_home, "s3", "ls", "s3://%s/" % bkt, creds=creds)
    assert "doc.txt" in out
    _, out, _ = aws_cli(server, user_home, "s3", "cp", "s3://%s/doc.txt" % bkt, "-", creds=creds)
    assert out == "readable\n"

    def denied(args, action, resource, op):
        rc, out, err = aws_cli(server, user_home, *args, creds=creds, check=False)
        assert rc != 0, (args, out)
        want = ('An error occurred (AccessDenied) when calling the %s operation: User: %s is not '
                'authorized to perform: %s on resource: "%s" because no identity-based policy '
                'allows the %s action' % (op, arn, action, resource, action))
        assert want in err, (want, err)

    denied(["s3", "cp", "--no-progress", str(src), "s3://%s/new.txt" % bkt], "s3:PutObject",
           "arn:aws:s3:::%s/new.txt" % bkt, "PutObject")
    denied(["s3api", "delete-object", "--bucket", bkt, "--key", "doc.txt"], "s3:DeleteObject",
           "arn:aws:s3:::%s/doc.txt" % bkt, "DeleteObject")
    denied(["s3api", "list-objects-v2", "--bucket", other], "s3:ListBucket",
           "arn:aws:s3:::" + other, "ListObjectsV2")
    denied(["s3api", "get-object", "--bucket", other, "--key", "doc.txt", str(tmp_path / "o")],
           "s3:GetObject", "arn:aws:s3:::%s/doc.txt" % other, "GetObject")
    rc, _, err = aws_cli(server, user_home, "s3", "ls", creds=creds, check=False)
    assert rc != 0 and "s3:ListAllMyBuckets" in err, err
    # nothing was written or deleted
    _, out, _ = aws_cli(server, admin, "s3", "ls", "s3://%s/" % bkt)
    assert "doc.txt" in out and "new.txt" not in out


def test_guide_key_rotation(server, tmp_path):
    """"Rotate keys regularly: delete and regenerate access keys" with the CLI."""
    admin, user_home = tmp_path / "admin", tmp_path / "user"
    name = unique("rotating")
    aws_cli(server, admin, "iam", "create-user", "--user-name", name)
    aws_cli(server, admin, "iam", "attach-user-policy", "--user-name", name, "--policy-arn", S3_FULL)
    bkt = unique("rotb")
    aws_cli(server, admin, "s3", "mb", "s3://" + bkt)
    old = cli_json(server, admin, "iam", "create-access-key", "--user-name", name)["AccessKey"]
    new = cli_json(server, admin, "iam", "create-access-key", "--user-name", name)["AccessKey"]
    for k in (old, new):
        aws_cli(server, user_home, "s3", "ls", "s3://%s/" % bkt, creds=(k["AccessKeyId"], k["SecretAccessKey"]))
    aws_cli(server, admin, "iam", "update-access-key", "--user-name", name, "--access-key-id",
            old["AccessKeyId"], "--status", "Inactive")
    rc, _, err = aws_cli(server, user_home, "s3", "ls", "s3://%s/" % bkt,
                         creds=(old["AccessKeyId"], old["SecretAccessKey"]), check=False)
    assert rc != 0 and "(InvalidAccessKeyId)" in err, err
    rc, _, err = aws_cli(server, user_home, "sts", "get-caller-identity",
                         creds=(old["AccessKeyId"], old["SecretAccessKey"]), check=False)
    assert rc != 0 and "(InvalidClientTokenId)" in err, err
    aws_cli(server, user_home, "s3", "ls", "s3://%s/" % bkt, creds=(new["AccessKeyId"], new["SecretAccessKey"]))
    rc, _, err = aws_cli(server, admin, "iam", "create-access-key", "--user-name", name, check=False)
    assert rc != 0 and "(LimitExceeded)" in err, err
    aws_cli(server, admin, "iam", "delete-access-key", "--user-name", name, "--access-key-id", old["AccessKeyId"])
    keys = cli_json(server, admin, "iam", "list-access-keys", "--user-name", name)["AccessKeyMetadata"]
    assert [x["AccessKeyId"] for x in keys] == [new["AccessKeyId"]]
    third = cli_json(server, admin, "iam", "create-access-key", "--user-name", name)["AccessKey"]
    aws_cli(server, user_home, "s3", "ls", "s3://%s/" % bkt,
            creds=(third["AccessKeyId"], third["SecretAccessKey"]))
    rc, _, err = aws_cli(server, admin, "iam", "create-access-key", "--user-name", name, check=False)
    assert rc != 0 and "(LimitExceeded)" in err, err
