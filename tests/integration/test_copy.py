"""CopyObject against a real coffer: within and across buckets, metadata
directives, x-amz-copy-source-if-* conditions, copy onto itself, missing
sources, and the CopyObjectResult document."""
import datetime
import email.utils
import hashlib
import os
import re

import pytest

from sigv4_client import SigV4Client, expect_error, uri_encode, unique


@pytest.fixture(scope="module")
def raw(server):
    return SigV4Client.for_server(server)


def qetag(data):
    return '"%s"' % hashlib.md5(data).hexdigest()


def httpdate(dt):
    return email.utils.format_datetime(dt.astimezone(datetime.timezone.utc), usegmt=True)


@pytest.fixture
def src(s3, bucket):
    data = os.urandom(50_000)
    s3.put_object(Bucket=bucket, Key="src/obj", Body=data, ContentType="image/x-test",
                  Metadata={"origin": "source", "n": "1"}, CacheControl="max-age=60")
    h = s3.head_object(Bucket=bucket, Key="src/obj")
    return dict(bucket=bucket, key="src/obj", data=data, etag=h["ETag"],
                lm=h["LastModified"])


def test_copy_within_bucket(s3, src):
    b = src["bucket"]
    r = s3.copy_object(Bucket=b, Key="dst/copy", CopySource={"Bucket": b, "Key": src["key"]})
    assert r["CopyObjectResult"]["ETag"] == src["etag"]
    g = s3.get_object(Bucket=b, Key="dst/copy")
    assert g["Body"].read() == src["data"]
    assert g["ETag"] == src["etag"]
    # MetadataDirective COPY (the default) keeps metadata and content headers
    assert g["Metadata"] == {"origin": "source", "n": "1"}
    assert g["ContentType"] == "image/x-test"
    assert g["CacheControl"] == "max-age=60"
    # the source is untouched
    assert s3.get_object(Bucket=b, Key=src["key"])["Body"].read() == src["data"]


def test_copy_across_buckets(s3, src):
    other = unique("copydst")
    s3.create_bucket(Bucket=other)
    try:
        r = s3.copy_object(Bucket=other, Key="x/y z",
                           CopySource={"Bucket": src["bucket"], "Key": src["key"]})
        assert r["CopyObjectResult"]["ETag"] == src["etag"]
        g = s3.get_object(Bucket=other, Key="x/y z")
        assert g["Body"].read() == src["data"]
        assert g["Metadata"] == {"origin": "source", "n": "1"}
        # and back, with a unicode key name in x-amz-copy-source
        s3.copy_object(Bucket=src["bucket"], Key="back/ünï cødé+%",
                       CopySource={"Bucket": other, "Key": "x/y z"})
        assert s3.get_object(Bucket=src["bucket"],
                             Key="back/ünï cødé+%")["Body"].read() == src["data"]
    finally:
        try:
            s3.delete_object(Bucket=other, Key="x/y z")
            s3.delete_bucket(Bucket=other)
        except Exception:
            pass


def test_copy_metadata_replace(s3, src):
    b = src["bucket"]
    s3.copy_object(Bucket=b, Key="rep", CopySource={"Bucket": b, "Key": src["key"]},
                   MetadataDirective="REPLACE", Metadata={"fresh": "yes"},
                   ContentType="text/plain")
    h = s3.head_object(Bucket=b, Key="rep")
    assert h["Metadata"] == {"fresh": "yes"}
    assert h["ContentType"] == "text/plain"
    assert "CacheControl" not in h
    assert h["ETag"] == src["etag"]


def test_copy_metadata_copy_ignores_new_metadata(s3, src):
    b = src["bucket"]
    s3.copy_object(Bucket=b, Key="cp", CopySource={"Bucket": b, "Key": src["key"]},
                   MetadataDirective="COPY", Metadata={"ignored": "yes"})
    assert s3.head_object(Bucket=b, Key="cp")["Metadata"] == {"origin": "source", "n": "1"}


def test_copy_invalid_metadata_directive(raw, src):
    b = src["bucket"]
    r = raw.request("PUT", "/%s/bad" % b, headers={
        "x-amz-copy-source": "/%s/%s" % (b, src["key"]),
        "x-amz-metadata-directive": "MERGE"})
    assert (r.status, r.code) == (400, "InvalidArgument"), r


def _copy_case(raw, src, headers):
    b = src["bucket"]
    h = {"x-amz-copy-source": "/%s/%s" % (b, uri_encode(src["key"], keep_slash=True))}
    h.update(headers)
    return raw.request("PUT", "/%s/cond-dst" % b, headers=h)


def test_copy_source_conditions(raw, s3, src):
    e, lm = src["etag"], src["lm"]
    day = datetime.timedelta(days=1)
    other = '"0123456789abcdef0123456789abcdef"'
    cases = [
        ({"x-amz-copy-source-if-match": e}, 200),
        ({"x-amz-copy-source-if-match": other}, 412),
        ({"x-amz-copy-source-if-none-match": e}, 412),
        ({"x-amz-copy-source-if-none-match": other}, 200),
        ({"x-amz-copy-source-if-modified-since": httpdate(lm - day)}, 200),
        ({"x-amz-copy-source-if-modified-since": httpdate(lm)}, 412),
        ({"x-amz-copy-source-if-unmodified-since": httpdate(lm)}, 200),
        ({"x-amz-copy-source-if-unmodified-since": httpdate(lm - day)}, 412),
        # documented precedence: if-match true + if-unmodified-since false -> copy
        ({"x-amz-copy-source-if-match": e,
          "x-amz-copy-source-if-unmodified-since": httpdate(lm - day)}, 200),
        # if-none-match false + if-modified-since true -> 412
        ({"x-amz-copy-source-if-none-match": e,
          "x-amz-copy-source-if-modified-since": httpdate(lm - day)}, 412),
    ]
    failures = []
    for headers, want in cases:
        s3.delete_object(Bucket=src["bucket"], Key="cond-dst")
        r = _copy_case(raw, src, headers)
        exists = True
        try:
            s3.head_object(Bucket=src["bucket"], Key="cond-dst")
        except Exception:
            exists = False
        ok = r.status == want and exists == (want == 200)
        if want == 412:
            ok = ok and r.code == "PreconditionFailed"
        if not ok:
            failures.append("%s -> %s %s, dst exists=%s (want %s)" % (headers, r.status,
                                                                       r.code, exists, want))
    assert not failures, "\n".join(failures)


def test_copy_to_itself(s3, src):
    b, k = src["bucket"], src["key"]
    expect_error(s3.copy_object, 400, "InvalidRequest", Bucket=b, Key=k,
                 CopySource={"Bucket": b, "Key": k})
    r = s3.copy_object(Bucket=b, Key=k, CopySource={"Bucket": b, "Key": k},
                       MetadataDirective="REPLACE", Metadata={"updated": "1"},
                       ContentType="text/x-new")
    assert r["CopyObjectResult"]["ETag"] == src["etag"]
    h = s3.head_object(Bucket=b, Key=k)
    assert h["Metadata"] == {"updated": "1"}
    assert h["ContentType"] == "text/x-new"
    assert s3.get_object(Bucket=b, Key=k)["Body"].read() == src["data"]


def test_copy_missing_source(s3, bucket):
    expect_error(s3.copy_object, 404, "NoSuchKey", Bucket=bucket, Key="d",
                 CopySource={"Bucket": bucket, "Key": "does/not/exist"})
    expect_error(s3.copy_object, 404, "NoSuchBucket", Bucket=bucket, Key="d",
                 CopySource={"Bucket": unique("nobucket"), "Key": "k"})
    expect_error(s3.head_object, 404, "404", Bucket=bucket, Key="d")


def test_copy_source_malformed(raw, bucket):
    r = raw.request("PUT", "/%s/d" % bucket, headers={"x-amz-copy-source": "no-slash-here"})
    assert (r.status, r.code) == (400, "InvalidArgument"), r


def test_copy_object_result_xml(raw, src):
    b = src["bucket"]
    r = raw.request("PUT", "/%s/xmlcopy" % b,
                    headers={"x-amz-copy-source": "/%s/%s" % (b, src["key"])})
    assert r.status == 200, r
    assert r.xml.tag == "CopyObjectResult", r.body
    assert r.text("ETag") == src["etag"]
    lm = r.text("LastModified")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z", lm), lm
    assert r.body.lstrip().startswith(b"<?xml"), r.body[:100]
    # the new object's LastModified is the copy's, not the source's
    h = raw.request("HEAD", "/%s/xmlcopy" % b)
    t = email.utils.parsedate_to_datetime(h.header("last-modified"))
    x = datetime.datetime.strptime(lm[:19], "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc)
    assert abs((t - x).total_seconds()) < 2
    assert t >= src["lm"]


def test_copy_source_with_leading_slash_and_encoding(raw, s3, bucket):
    s3.put_object(Bucket=bucket, Key="a b/ü+c", Body=b"payload")
    for cs in ("/%s/%s" % (bucket, uri_encode("a b/ü+c", keep_slash=True)),
               "%s/%s" % (bucket, uri_encode("a b/ü+c", keep_slash=True))):
        r = raw.request("PUT", "/%s/target" % bucket, headers={"x-amz-copy-source": cs})
        assert r.status == 200, (cs, r)
        assert s3.get_object(Bucket=bucket, Key="target")["Body"].read() == b"payload"
        s3.delete_object(Bucket=bucket, Key="target")


def test_copy_multipart_source(s3, bucket):
    part = os.urandom(5 * 1024 * 1024)
    uid = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    e1 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=uid, PartNumber=1, Body=part)["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=uid, PartNumber=2, Body=b"t")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=uid, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
    r = s3.copy_object(Bucket=bucket, Key="mp-copy", CopySource={"Bucket": bucket, "Key": "mp"})
    # a single CopyObject produces a single-part object whose ETag is its MD5
    assert r["CopyObjectResult"]["ETag"] == qetag(part + b"t")
    assert s3.get_object(Bucket=bucket, Key="mp-copy")["Body"].read() == part + b"t"
