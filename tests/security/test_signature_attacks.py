"""Forged, truncated, replayed and stretched SigV4 header signatures.

Every attack is answered with AWS's error (status and code in the XML or
Query error body) and leaves the store as it was. test_auth.py already
covers a wrong secret, a body or query changed after signing, wrong region,
date mismatch and most malformed Authorization headers; this file adds what
an attacker who holds one valid request (but not the secret) would try."""
import hashlib
import urllib.parse

import pytest

from conftest import keys_of, new_iam_user, object_body
from sigv4_client import SigV4Client, amz_date


def flip_bit(sig, pos):
    """The hex signature with the low bit of hex digit `pos` flipped."""
    return sig[:pos] + "%x" % (int(sig[pos], 16) ^ 1) + sig[pos + 1:]


def with_signature(headers, fn):
    """headers with the Signature= value replaced by fn(old)."""
    h = dict(headers)
    a = h["Authorization"]
    i = a.index("Signature=") + len("Signature=")
    h["Authorization"] = a[:i] + fn(a[i:])
    return h


def put_target(bucket, key):
    return "/%s/%s" % (bucket, key)


# ---------------------------------------------------------------- forged signatures


@pytest.mark.parametrize("pos", [0, 31, 63])
def test_one_bit_flipped(raw, s3, bucket, pos):
    s3.put_object(Bucket=bucket, Key="kept", Body=b"original")
    r = raw.request("PUT", put_target(bucket, "kept"), body=b"overwrite",
                    tamper=lambda h, b: (with_signature(h, lambda s: flip_bit(s, pos)), b))
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    r = raw.request("GET", put_target(bucket, "kept"),
                    tamper=lambda h, b: (with_signature(h, lambda s: flip_bit(s, pos)), b))
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    assert b"original" not in r.body
    r = raw.request("DELETE", put_target(bucket, "kept"),
                    tamper=lambda h, b: (with_signature(h, lambda s: flip_bit(s, pos)), b))
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    assert object_body(s3, bucket, "kept") == b"original"


@pytest.mark.parametrize("cut", [63, 40, 1])
def test_truncated_signature(raw, s3, bucket, cut):
    """S3 compares signatures as strings: a short one is a mismatch."""
    r = raw.request("PUT", put_target(bucket, "t"), body=b"x",
                    tamper=lambda h, b: (with_signature(h, lambda s: s[:cut]), b))
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    assert keys_of(s3, bucket) == []


def test_signature_padded_or_upper_case(raw, s3, bucket):
    # (trailing blanks are not part of an HTTP field value, so not tried)
    for fn in (lambda s: s + "0", lambda s: s.upper(), lambda s: s[:-1] + "g",
               lambda s: "0x" + s[2:]):
        r = raw.request("PUT", put_target(bucket, "t"), body=b"x",
                        tamper=lambda h, b: (with_signature(h, fn), b))
        assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), (fn(64 * "a"), r)
    # an empty signature is no signature: the header is malformed
    r = raw.request("PUT", put_target(bucket, "t"), body=b"x",
                    tamper=lambda h, b: (with_signature(h, lambda s: ""), b))
    assert (r.status, r.code) == (400, "AuthorizationHeaderMalformed"), r
    assert keys_of(s3, bucket) == []


# ---------------------------------------------------------------- replayed signatures


def test_signature_replayed_on_other_key_bucket_and_method(raw, s3, bucket):
    s3.create_bucket(Bucket=bucket + "-other")
    try:
        s3.put_object(Bucket=bucket, Key="victim", Body=b"keep me")
        h, _ = raw.sign("PUT", put_target(bucket, "allowed"), [], {},
                        hashlib.sha256(b"payload").hexdigest())
        for method, target in (("PUT", put_target(bucket, "other")),
                               ("PUT", put_target(bucket + "-other", "allowed")),
                               ("PUT", put_target(bucket, "victim")),
                               ("POST", put_target(bucket, "allowed")),
                               ("PUT", put_target(bucket, "allowed") + "?uploads"),
                               ("PUT", put_target(bucket, "allowed") + "?tagging")):
            r = raw.send(method, target, h, b"payload")
            assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), (method, target, r)
        # the request itself, unchanged, is valid (S3 allows replays inside the
        # 15-minute window; that is what the clock checks bound)
        assert raw.send("PUT", put_target(bucket, "allowed"), h, b"payload").status == 200
        assert keys_of(s3, bucket) == ["allowed", "victim"]
        assert object_body(s3, bucket, "victim") == b"keep me"
        assert keys_of(s3, bucket + "-other") == []
    finally:
        s3.delete_bucket(Bucket=bucket + "-other")


def test_signature_replayed_under_another_access_key(server, raw, s3, bucket):
    """Root's signature presented with a user's key id (the user has full S3
    access): the server checks it with that user's secret, so it fails."""
    u = new_iam_user(server, "replay", policies=["arn:aws:iam::aws:policy/AmazonS3FullAccess"])
    h, _ = raw.sign("PUT", put_target(bucket, "r"), [], {}, hashlib.sha256(b"x").hexdigest())
    h["Authorization"] = h["Authorization"].replace(server.akid, u.akid)
    r = raw.send("PUT", put_target(bucket, "r"), h, b"x")
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    # and a user's signature under root's key id
    uc = SigV4Client(server.endpoint, u.akid, u.secret)
    h, _ = uc.sign("DELETE", put_target(bucket, "r"), [], {}, hashlib.sha256(b"").hexdigest())
    s3.put_object(Bucket=bucket, Key="r", Body=b"root's")
    h["Authorization"] = h["Authorization"].replace(u.akid, server.akid)
    r = raw.send("DELETE", put_target(bucket, "r"), h)
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    assert object_body(s3, bucket, "r") == b"root's"


# ---------------------------------------------------------------- headers after signing


def test_signed_header_added_after_signing(raw, s3, bucket):
    """Content-Type listed in SignedHeaders but absent when signed, then added."""
    sh = ["content-type", "host", "x-amz-content-sha256", "x-amz-date"]
    r = raw.request("PUT", put_target(bucket, "ct"), body=b"x", signed_headers=sh,
                    tamper=lambda h, b: ({**h, "Content-Type": "text/html"}, b))
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    assert keys_of(s3, bucket) == []


def test_signed_header_duplicated_after_signing(raw, s3, bucket):
    """A second line of a signed header: the canonical form joins both values
    (AWS's rule), so the signature no longer matches and neither value is stored."""
    req = raw.raw_request_bytes("PUT", put_target(bucket, "dup"), body=b"x",
                                headers={"x-amz-meta-role": "reader"})
    req = req.replace(b"x-amz-meta-role: reader\r\n",
                      b"x-amz-meta-role: reader\r\nx-amz-meta-role: admin\r\n", 1)
    from sigv4_client import split_raw_response
    r = split_raw_response(raw.raw(req))
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    assert keys_of(s3, bucket) == []


@pytest.mark.parametrize("extra", [
    {"x-amz-meta-injected": "1"},
    {"x-amz-copy-source": "/{bucket}/secret"},          # would turn the PUT into a copy
    {"x-amz-storage-class": "STANDARD", "X-Amz-Meta-Two": "2"},
])
def test_unsigned_amz_header_refused(raw, s3, bucket, extra):
    """S3: every x-amz-* header must be signed, else 403 AccessDenied naming them."""
    s3.put_object(Bucket=bucket, Key="secret", Body=b"secret bytes")
    extra = {k: v.format(bucket=bucket) for k, v in extra.items()}
    r = raw.request("PUT", put_target(bucket, "target"), body=b"x",
                    tamper=lambda h, b: ({**h, **extra}, b))
    assert (r.status, r.code) == (403, "AccessDenied"), r
    assert r.text("Message") == "There were headers present in the request which were not signed"
    named = {n.strip() for n in r.text("HeadersNotSigned").split(",")}
    assert named == {k.lower() for k in extra}, r
    assert keys_of(s3, bucket) == ["secret"]


def test_unsigned_standard_header_accepted_as_aws_does(raw, s3, bucket):
    """Headers outside x-amz-* need not be signed (AWS accepts an unsigned
    Content-Type); they cannot change what the signature covers."""
    r = raw.request("PUT", put_target(bucket, "plain"), body=b"x",
                    tamper=lambda h, b: ({**h, "Content-Type": "text/plain"}, b))
    assert r.status == 200, r
    assert s3.head_object(Bucket=bucket, Key="plain")["ContentType"] == "text/plain"


# ---------------------------------------------------------------- credential scope


@pytest.mark.parametrize("service", ["ec2", "s3x", "S3"])
def test_wrong_service_in_scope(raw, s3, bucket, service):
    r = raw.request("PUT", put_target(bucket, "svc"), body=b"x", service=service)
    assert (r.status, r.code) == (400, "AuthorizationHeaderMalformed"), r
    assert keys_of(s3, bucket) == []


def test_iam_scope_on_an_s3_path_writes_nothing(raw, s3, bucket):
    """A signature scoped to IAM is routed to IAM (as AWS's endpoints are by
    host), which takes only GET and POST: nothing reaches the bucket."""
    r = raw.request("PUT", put_target(bucket, "svc"), body=b"x", service="iam")
    assert r.status == 405 and b"<Code>MethodNotAllowed</Code>" in r.body, r
    r = raw.request("POST", put_target(bucket, "svc"), body=b"x", service="iam")
    assert r.status == 400 and b"<Code>MissingAction</Code>" in r.body, r
    assert keys_of(s3, bucket) == []


@pytest.mark.parametrize("auth", [
    "AWS4-HMAC-SHA512 Credential={akid}/{d}/us-east-1/s3/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64,
    "aws4-hmac-sha256 Credential={akid}/{d}/us-east-1/s3/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64,
])
def test_other_algorithm(raw, s3, bucket, auth):
    h, _ = raw.sign("PUT", put_target(bucket, "alg"), [], {}, hashlib.sha256(b"x").hexdigest())
    h["Authorization"] = auth.format(akid=raw.akid, d=h["x-amz-date"][:8])
    r = raw.send("PUT", put_target(bucket, "alg"), h, b"x")
    assert (r.status, r.code) == (400, "InvalidRequest"), r
    assert keys_of(s3, bucket) == []


@pytest.mark.parametrize("auth", [
    "AWS4-HMAC-SHA256 Credential={cred}, Credential={cred}, SignedHeaders=host, Signature={sig}",
    "AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders=host, Signature={sig}, Foo=bar",
    "AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders=host, Signature={sig}, Signature={sig}",
    "AWS4-HMAC-SHA256 credential={cred}, signedheaders=host, signature={sig}",
    "AWS4-HMAC-SHA256 Credential={cred} SignedHeaders=host Signature={sig}",
    "AWS4-HMAC-SHA256 Credential=" + "A" * 10000 + "/{d}/us-east-1/s3/aws4_request, "
    "SignedHeaders=host, Signature={sig}",
    "AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders=" + ";".join(
        "h%d" % i for i in range(2000)) + ", Signature={sig}",
    "AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders=host;X-Amz-Date, Signature={sig}",
    "AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders=x-amz-date, Signature={sig}",
])
def test_malformed_authorization(raw, s3, bucket, auth):
    h, _ = raw.sign("PUT", put_target(bucket, "mal"), [], {}, hashlib.sha256(b"x").hexdigest())
    d = h["x-amz-date"][:8]
    h["Authorization"] = auth.format(cred="%s/%s/us-east-1/s3/aws4_request" % (raw.akid, d),
                                     sig="0" * 64, d=d)
    r = raw.send("PUT", put_target(bucket, "mal"), h, b"x")
    assert (r.status, r.code) == (400, "AuthorizationHeaderMalformed"), r
    assert keys_of(s3, bucket) == []


# ---------------------------------------------------------------- clocks


@pytest.mark.parametrize("offset", [-16 * 60, 16 * 60, -86400 * 400, 86400 * 400])
def test_skewed_write_changes_nothing(raw, s3, bucket, offset):
    s3.put_object(Bucket=bucket, Key="k", Body=b"before")
    r = raw.request("PUT", put_target(bucket, "k"), body=b"after", date=amz_date(offset))
    assert (r.status, r.code) == (403, "RequestTimeTooSkewed"), r
    r = raw.request("DELETE", put_target(bucket, "k"), date=amz_date(offset))
    assert (r.status, r.code) == (403, "RequestTimeTooSkewed"), r
    assert object_body(s3, bucket, "k") == b"before"


def query_request(server, service, action, date=None, **params):
    c = SigV4Client(server.endpoint, server.akid, server.secret, service=service)
    body = urllib.parse.urlencode(dict(Action=action, Version="2011-06-15" if service == "sts"
                                       else "2010-05-08", **params))
    kw = {"date": date} if date else {}
    return c.request("POST", "/", body=body, **kw,
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})


def query_error(r):
    import re
    code = re.search(rb"<Code>([^<]*)</Code>", r.body)
    msg = re.search(rb"<Message>([^<]*)</Message>", r.body)
    return (r.status, code and code.group(1).decode(), msg and msg.group(1).decode())


@pytest.mark.parametrize("service,action,params", [
    ("iam", "CreateUser", {"UserName": "skewed-user"}),
    ("sts", "GetSessionToken", {}),
])
def test_iam_sts_clock_skew(server, service, action, params):
    """IAM and STS answer 403 SignatureDoesNotMatch 'Signature expired' (past)
    or 'Signature not yet current' (future), as AWS does."""
    for offset, words in ((-20 * 60, "Signature expired: "), (20 * 60, "Signature not yet current: ")):
        date = amz_date(offset)
        st, code, msg = query_error(query_request(server, service, action, date=date, **params))
        assert (st, code) == (403, "SignatureDoesNotMatch"), (st, code, msg)
        assert msg.startswith(words + date), msg
        assert msg.endswith(" - 15 min.)" if offset < 0 else " + 15 min.)"), msg
    names = [u["UserName"] for u in server.client("iam").list_users()["Users"]]
    assert "skewed-user" not in names


def test_iam_forged_signature_creates_nothing(server):
    c = SigV4Client(server.endpoint, server.akid, server.secret, service="iam")
    body = "Action=CreateUser&Version=2010-05-08&UserName=forged-user"
    r = c.request("POST", "/", body=body,
                  headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
                  tamper=lambda h, b: (with_signature(h, lambda s: flip_bit(s, 10)), b))
    assert query_error(r)[:2] == (403, "SignatureDoesNotMatch"), r
    # the body is signed too: the same signature with another user name
    h, _ = c.sign("POST", "/", [], {"Content-Type": "application/x-www-form-urlencoded"},
                  hashlib.sha256(body.encode()).hexdigest())
    r = c.send("POST", "/", h, body.replace("forged-user", "forged-admin").encode())
    assert query_error(r)[:2] == (400, "XAmzContentSHA256Mismatch") or \
        query_error(r)[:2] == (403, "SignatureDoesNotMatch"), r
    names = [u["UserName"] for u in server.client("iam").list_users()["Users"]]
    assert "forged-user" not in names and "forged-admin" not in names
