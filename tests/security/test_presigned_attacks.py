"""Presigned URLs stretched past what they were signed for: after expiry,
before their date, for longer than seven days, with parameters altered, with
another method or with extra unsigned headers. test_auth.py covers a key or
expiry changed in a boto3 URL, an added response-* parameter, missing
parameters and a one-minute URL signed two hours ago; this file adds the rest
and checks that the store is unchanged after each."""
import urllib.parse

import pytest

from conftest import keys_of, new_iam_user, object_body
from sigv4_client import SigV4Client, amz_date


def replace_param(url, name, value):
    path, q = url.split("?", 1)
    pairs = [p.split("=", 1) for p in q.split("&")]
    return path + "?" + "&".join("%s=%s" % (k, value if k == name else v) for k, v in pairs)


def param(url, name):
    return urllib.parse.parse_qs(url.split("?", 1)[1])[name][0]


def test_expired_url_refused_for_every_method(raw, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"before")
    old = amz_date(-3600)
    for method, body in (("GET", b""), ("PUT", b"after"), ("DELETE", b""), ("HEAD", b"")):
        r = raw.get_url(raw.presign(method, "/%s/k" % bucket, expires=60, date=old),
                        method=method, body=body)
        assert r.status == 403, (method, r)
        if method != "HEAD":
            assert (r.code, r.text("Message")) == ("AccessDenied", "Request has expired"), r
            assert b"before" not in r.body
    assert object_body(s3, bucket, "k") == b"before"


def test_expired_url_with_date_moved_forward(raw, s3, bucket):
    """Moving X-Amz-Date to now revives nothing: the date is signed."""
    url = raw.presign("PUT", "/%s/k" % bucket, expires=60, date=amz_date(-3600))
    r = raw.get_url(replace_param(url, "X-Amz-Date", amz_date()), method="PUT", body=b"x")
    # the credential scope day still says when it was signed; either check refuses
    assert r.status in (400, 403) and r.code in ("SignatureDoesNotMatch",
                                                 "AuthorizationQueryParametersError"), r
    same_day = amz_date(-3600)
    url = raw.presign("PUT", "/%s/k" % bucket, expires=60, date=same_day)
    now = amz_date()
    if now[:8] == same_day[:8]:
        r = raw.get_url(replace_param(url, "X-Amz-Date", now), method="PUT", body=b"x")
        assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    assert keys_of(s3, bucket) == []


@pytest.mark.parametrize("ahead", [16 * 60, 86400])
def test_url_dated_in_the_future(raw, s3, bucket, ahead):
    """S3: 403 AccessDenied 'Request is not yet valid'."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"before")
    for method, body in (("GET", b""), ("PUT", b"after")):
        r = raw.get_url(raw.presign(method, "/%s/k" % bucket, expires=604800,
                                    date=amz_date(ahead)), method=method, body=body)
        assert (r.status, r.code, r.text("Message")) == (
            403, "AccessDenied", "Request is not yet valid"), r
    assert object_body(s3, bucket, "k") == b"before"


def test_within_skew_ahead_is_accepted(raw, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    r = raw.get_url(raw.presign("GET", "/%s/k" % bucket, expires=60, date=amz_date(10 * 60)))
    assert (r.status, r.body) == (200, b"v"), r


@pytest.mark.parametrize("expires", ["604801", "31536000", "99999999999", "6e5", "+60"])
def test_expiry_beyond_seven_days_or_bad(raw, s3, bucket, expires):
    url = replace_param(raw.presign("PUT", "/%s/k" % bucket, expires=60), "X-Amz-Expires", expires)
    r = raw.get_url(url, method="PUT", body=b"x")
    assert (r.status, r.code) == (400, "AuthorizationQueryParametersError"), r
    # signed honestly with more than seven days: refused the same way
    r = raw.get_url(raw.presign("PUT", "/%s/k" % bucket, expires=expires), method="PUT", body=b"x")
    assert (r.status, r.code) == (400, "AuthorizationQueryParametersError"), r
    assert keys_of(s3, bucket) == []


@pytest.mark.parametrize("name,value", [
    ("X-Amz-SignedHeaders", "host%3Bx-amz-meta-a"),
    ("X-Amz-Date", None),                         # one second later
    ("X-Amz-Expires", "61"),
    ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),      # unchanged: control
])
def test_altered_parameter(raw, s3, bucket, name, value):
    url = raw.presign("PUT", "/%s/k" % bucket, expires=60)
    if value is None:
        d = param(url, "X-Amz-Date")
        value = d[:-3] + "%02dZ" % ((int(d[-3:-1]) + 1) % 60)
    bad = replace_param(url, name, value)
    r = raw.get_url(bad, method="PUT", body=b"x", headers={"x-amz-meta-a": "1"}
                    if "meta" in value else None)
    if bad == url:
        assert r.status == 200, r
        s3.delete_object(Bucket=bucket, Key="k")
        return
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), (name, r)
    assert keys_of(s3, bucket) == []


def test_credential_swapped_to_another_key(server, raw, s3, bucket):
    u = new_iam_user(server, "presign-swap",
                     policies=["arn:aws:iam::aws:policy/AmazonS3FullAccess"])
    url = raw.presign("PUT", "/%s/k" % bucket, expires=60)
    cred = param(url, "X-Amz-Credential")
    bad = replace_param(url, "X-Amz-Credential",
                        urllib.parse.quote(cred.replace(server.akid, u.akid), safe=""))
    r = raw.get_url(bad, method="PUT", body=b"x")
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    assert keys_of(s3, bucket) == []


@pytest.mark.parametrize("method", ["PUT", "DELETE", "POST", "HEAD"])
def test_get_url_used_with_another_method(raw, s3, bucket, method):
    s3.put_object(Bucket=bucket, Key="k", Body=b"before")
    url = raw.presign("GET", "/%s/k" % bucket, expires=300)
    r = raw.get_url(url, method=method, body=b"after" if method in ("PUT", "POST") else b"")
    assert r.status == 403, r
    if method != "HEAD":
        assert r.code == "SignatureDoesNotMatch", r
    assert object_body(s3, bucket, "k") == b"before"
    assert keys_of(s3, bucket) == ["k"]


@pytest.mark.parametrize("extra", ["&uploads=", "&partNumber=1&uploadId=x", "&tagging=",
                                   "&x-amz-meta-a=1", "&X-Amz-Security-Token=abc"])
def test_query_parameter_appended(raw, s3, bucket, extra):
    url = raw.presign("PUT", "/%s/k" % bucket, expires=300)
    r = raw.get_url(url + extra, method="PUT" if "uploadId" in extra or "tagging" in extra
                    else "POST" if "uploads" in extra else "PUT", body=b"x")
    assert r.status in (400, 403), r
    assert r.code in ("SignatureDoesNotMatch", "InvalidToken"), r
    assert keys_of(s3, bucket) == []
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_unsigned_amz_header_on_presigned_put(raw, s3, bucket):
    s3.put_object(Bucket=bucket, Key="secret", Body=b"s")
    url = raw.presign("PUT", "/%s/k" % bucket, expires=300)
    for extra in ({"x-amz-meta-owner": "attacker"},
                  {"x-amz-copy-source": "/%s/secret" % bucket}):
        r = raw.get_url(url, method="PUT", body=b"x", headers=extra)
        assert (r.status, r.code) == (403, "AccessDenied"), r
        assert r.text("HeadersNotSigned") == list(extra)[0], r
    assert keys_of(s3, bucket) == ["secret"]
    # signed into the URL, the same header is fine
    url = raw.presign("PUT", "/%s/k" % bucket, expires=300,
                      extra_signed_headers={"x-amz-meta-owner": "me"})
    r = raw.get_url(url, method="PUT", body=b"x", headers={"x-amz-meta-owner": "me"})
    assert r.status == 200, r
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == {"owner": "me"}


def test_presigned_by_other_secret_or_unknown_key(server, s3, bucket):
    for akid, secret, code in ((server.akid, "guessed", "SignatureDoesNotMatch"),
                               ("AKIAAAAAAAAAAAAAAAAA", server.secret, "InvalidAccessKeyId")):
        c = SigV4Client(server.endpoint, akid, secret)
        r = c.get_url(c.presign("PUT", "/%s/k" % bucket, expires=60), method="PUT", body=b"x")
        assert (r.status, r.code) == (403, code), r
    assert keys_of(s3, bucket) == []
