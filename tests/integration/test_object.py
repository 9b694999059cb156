"""Object operations against a real coffer: put/get/head/delete, metadata and
standard headers, Content-MD5 and flexible checksums (incl. the default
CRC64NVME), ranges, conditional requests, response overrides, key rules."""
import base64
import datetime
import email.utils
import hashlib
import os
import re

import pytest

from sigv4_client import (SigV4Client, checksum_b64, expect_error, md5_b64, unique)


@pytest.fixture(scope="module")
def raw(server):
    return SigV4Client.for_server(server)


def hdrs(resp):
    return resp["ResponseMetadata"]["HTTPHeaders"]


def qetag(data):
    return '"%s"' % hashlib.md5(data).hexdigest()


def httpdate(dt):
    return email.utils.format_datetime(dt.astimezone(datetime.timezone.utc), usegmt=True)


def checksum_headers(h):
    """x-amz-checksum-<alg> value headers (not x-amz-checksum-type/-mode)."""
    return {k: v for k, v in h.items()
            if k.lower().startswith("x-amz-checksum-")
            and k.lower() not in ("x-amz-checksum-type", "x-amz-checksum-mode",
                                  "x-amz-checksum-algorithm")}


# ---------------------------------------------------------------- basics


def test_put_get_head_delete(s3, bucket):
    data = os.urandom(100_000)
    r = s3.put_object(Bucket=bucket, Key="obj", Body=data)
    assert r["ETag"] == qetag(data)
    assert hdrs(r).get("x-amz-request-id")

    g = s3.get_object(Bucket=bucket, Key="obj")
    assert g["Body"].read() == data
    assert g["ContentLength"] == len(data)
    assert g["ETag"] == qetag(data)
    assert g["AcceptRanges"] == "bytes"
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - g["LastModified"]).total_seconds()) < 300

    h = s3.head_object(Bucket=bucket, Key="obj")
    assert h["ContentLength"] == len(data)
    assert h["ETag"] == g["ETag"]
    assert h["LastModified"] == g["LastModified"]
    assert hdrs(h)["last-modified"] == hdrs(g)["last-modified"]
    assert re.match(r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$",
                    hdrs(h)["last-modified"]), hdrs(h)["last-modified"]

    d = s3.delete_object(Bucket=bucket, Key="obj")
    assert d["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(s3.get_object, 404, "NoSuchKey", Bucket=bucket, Key="obj")
    expect_error(s3.head_object, 404, "404", Bucket=bucket, Key="obj")


def test_no_such_key_error_body(raw, bucket):
    r = raw.request("GET", "/%s/missing/key.txt" % bucket)
    assert r.status == 404
    assert r.code == "NoSuchKey"
    assert r.text("Key") == "missing/key.txt", r.body
    assert r.text("RequestId") == r.header("x-amz-request-id")
    h = raw.request("HEAD", "/%s/missing/key.txt" % bucket)
    assert h.status == 404 and h.body == b""
    assert h.header("x-amz-request-id")


def test_default_content_type(raw, bucket):
    r = raw.request("PUT", "/%s/noct" % bucket, body=b"abc")
    assert r.status == 200, r
    g = raw.request("GET", "/%s/noct" % bucket)
    assert g.status == 200 and g.body == b"abc"
    assert g.header("content-type") == "binary/octet-stream", g.headers
    assert g.header("content-length") == "3"
    assert g.header("etag") == qetag(b"abc")


def test_user_metadata_round_trip(s3, bucket):
    meta = {"color": "blue", "multi-word": "Hello World", "MixedCase": "Value",
            "empty-ish": "x"}
    s3.put_object(Bucket=bucket, Key="m", Body=b"x", Metadata=meta)
    want = {k.lower(): v for k, v in meta.items()}
    assert s3.head_object(Bucket=bucket, Key="m")["Metadata"] == want
    g = s3.get_object(Bucket=bucket, Key="m")
    assert g["Metadata"] == want
    assert hdrs(g)["x-amz-meta-multi-word"] == "Hello World"


def test_metadata_too_large(s3, bucket):
    expect_error(s3.put_object, 400, "MetadataTooLarge", Bucket=bucket, Key="big-meta",
                 Body=b"x", Metadata={"big": "v" * 2100})
    expect_error(s3.head_object, 404, "404", Bucket=bucket, Key="big-meta")


def test_standard_headers_stored(s3, raw, bucket):
    expires = datetime.datetime(2030, 1, 1, 12, 30, 0, tzinfo=datetime.timezone.utc)
    data = b"\x1f\x8b not really gzip"
    s3.put_object(Bucket=bucket, Key="h", Body=data, ContentType="text/html; charset=utf-8",
                  ContentEncoding="gzip", ContentDisposition='attachment; filename="r.txt"',
                  CacheControl="max-age=3600, public", Expires=expires,
                  ContentLanguage="de-DE")
    for method in ("HEAD", "GET"):
        r = raw.request(method, "/%s/h" % bucket)
        assert r.status == 200, r
        assert r.header("content-type") == "text/html; charset=utf-8"
        assert r.header("content-encoding") == "gzip"
        assert r.header("content-disposition") == 'attachment; filename="r.txt"'
        assert r.header("cache-control") == "max-age=3600, public"
        assert r.header("content-language") == "de-DE"
        assert r.header("expires") == "Tue, 01 Jan 2030 12:30:00 GMT", r.headers
        assert r.header("content-length") == str(len(data))
        if method == "GET":
            assert r.body == data   # stored as given, never decoded


def test_response_overrides(raw, bucket):
    raw.request("PUT", "/%s/o" % bucket, body=b"body", headers={"Content-Type": "text/plain"})
    q = [("response-content-type", "application/x-over"),
         ("response-content-language", "fr"),
         ("response-expires", "Thu, 01 Dec 1994 16:00:00 GMT"),
         ("response-cache-control", "no-store"),
         ("response-content-disposition", 'attachment; filename="x y.bin"'),
         ("response-content-encoding", "identity")]
    r = raw.request("GET", "/%s/o" % bucket, query=q)
    assert r.status == 200, r
    assert r.body == b"body"
    assert r.header("content-type") == "application/x-over"
    assert r.header("content-language") == "fr"
    assert r.header("expires") == "Thu, 01 Dec 1994 16:00:00 GMT"
    assert r.header("cache-control") == "no-store"
    assert r.header("content-disposition") == 'attachment; filename="x y.bin"'
    assert r.header("content-encoding") == "identity"
    # the stored object is unchanged
    r = raw.request("HEAD", "/%s/o" % bucket)
    assert r.header("content-type") == "text/plain"
    assert r.header("cache-control") is None


def test_empty_object(s3, bucket):
    r = s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    assert r["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    g = s3.get_object(Bucket=bucket, Key="empty")
    assert g["ContentLength"] == 0
    assert g["Body"].read() == b""
    assert s3.list_objects_v2(Bucket=bucket)["Contents"][0]["Size"] == 0


def test_overwrite_read_after_write(s3, bucket):
    for i in range(5):
        data = ("version-%d-" % i).encode() * (i * 1000 + 1)
        assert s3.put_object(Bucket=bucket, Key="ow", Body=data)["ETag"] == qetag(data)
        g = s3.get_object(Bucket=bucket, Key="ow")
        assert g["Body"].read() == data
        assert g["ETag"] == qetag(data)
        lst = s3.list_objects_v2(Bucket=bucket)["Contents"]
        assert [(o["Key"], o["Size"], o["ETag"]) for o in lst] == [("ow", len(data), qetag(data))]


def test_delete_missing_key_is_204(s3, bucket):
    r = s3.delete_object(Bucket=bucket, Key="never-existed")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_objects(s3, bucket):
    for k in ("a", "b/c", "d"):
        s3.put_object(Bucket=bucket, Key=k, Body=b"1")
    r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "a"}, {"Key": "b/c"}, {"Key": "missing"}]})
    assert sorted(d["Key"] for d in r.get("Deleted", [])) == ["a", "b/c", "missing"]
    assert not r.get("Errors")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["d"]
    r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "d"}], "Quiet": True})
    assert not r.get("Deleted") and not r.get("Errors")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_large_single_put(s3, bucket):
    data = os.urandom(8 * 1024 * 1024 + 17)
    r = s3.put_object(Bucket=bucket, Key="large", Body=data)
    assert r["ETag"] == qetag(data)
    assert s3.get_object(Bucket=bucket, Key="large")["Body"].read() == data


# ---------------------------------------------------------------- keys

TRICKY_KEYS = [
    "ünïcødé/файл.txt",
    "with space",
    "plus+sign",
    "percent%20literal",
    "question?mark",
    "hash#tag",
    "amp&eq=semi;",
    "tilde~star*paren()",
    "emoji-😀",
    "/leading-slash",
    "double//slash",
    "trailing/",
    "quote\"apos'",
    "back\\slash",
    "ctl\ttab",
    "<xml>&amp;",
]


def test_tricky_keys(s3, bucket):
    for k in TRICKY_KEYS:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode("utf-8"))
    for k in TRICKY_KEYS:
        g = s3.get_object(Bucket=bucket, Key=k)
        assert g["Body"].read() == k.encode("utf-8"), k
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert sorted(listed) == sorted(TRICKY_KEYS)
    # S3 lists in UTF-8 byte order
    assert listed == sorted(TRICKY_KEYS, key=lambda k: k.encode("utf-8"))
    for k in TRICKY_KEYS:
        s3.delete_object(Bucket=bucket, Key=k)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_plus_in_path_is_literal(raw, s3, bucket):
    # In an S3 path '+' is a plus, not a space.
    r = raw.request("PUT", "/%s/a+b" % bucket, raw_path="/%s/a+b" % bucket, body=b"plus")
    assert r.status == 200, r
    assert s3.get_object(Bucket=bucket, Key="a+b")["Body"].read() == b"plus"
    expect_error(s3.head_object, 404, "404", Bucket=bucket, Key="a b")


@pytest.mark.parametrize("key,ok", [
    ("k" * 1024, True),
    ("k" * 1025, False),
    ("é" * 512, True),           # 1024 bytes of UTF-8
    ("é" * 512 + "a", False),    # 1025 bytes
])
def test_key_length_limit(s3, bucket, key, ok):
    if ok:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"x"
        assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [key]
    else:
        expect_error(s3.put_object, 400, "KeyTooLongError", Bucket=bucket, Key=key, Body=b"x")
        assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


# ---------------------------------------------------------------- Content-MD5


def test_content_md5_good(s3, bucket):
    data = b"md5 checked body"
    r = s3.put_object(Bucket=bucket, Key="md5", Body=data, ContentMD5=md5_b64(data))
    assert r["ETag"] == qetag(data)


def test_content_md5_mismatch_bad_digest(s3, bucket):
    expect_error(s3.put_object, 400, "BadDigest", Bucket=bucket, Key="md5bad",
                 Body=b"actual body", ContentMD5=md5_b64(b"another body"))
    expect_error(s3.head_object, 404, "404", Bucket=bucket, Key="md5bad")


@pytest.mark.parametrize("value", ["not-base64!!", base64.b64encode(b"short").decode()])
def test_content_md5_malformed_invalid_digest(raw, s3, bucket, value):
    r = raw.request("PUT", "/%s/md5mal" % bucket, body=b"body",
                    headers={"Content-MD5": value})
    assert r.status == 400, r
    assert r.code == "InvalidDigest", r
    expect_error(s3.head_object, 404, "404", Bucket=bucket, Key="md5mal")


# ---------------------------------------------------------------- checksums

DATA = bytes(range(256)) * 97 + b"tail"


@pytest.mark.parametrize("alg", ["CRC32", "SHA1", "SHA256"])
def test_checksum_algorithm_sdk_computed(s3, bucket, alg):
    want = checksum_b64(alg, DATA)
    r = s3.put_object(Bucket=bucket, Key="ck", Body=DATA, ChecksumAlgorithm=alg)
    assert r.get("Checksum" + alg) == want, hdrs(r)
    h = s3.head_object(Bucket=bucket, Key="ck", ChecksumMode="ENABLED")
    assert h.get("Checksum" + alg) == want
    assert checksum_headers(hdrs(h)) == {"x-amz-checksum-" + alg.lower(): want}
    if "x-amz-checksum-type" in hdrs(h):
        assert hdrs(h)["x-amz-checksum-type"] == "FULL_OBJECT"
    g = s3.get_object(Bucket=bucket, Key="ck", ChecksumMode="ENABLED")
    assert g["Body"].read() == DATA
    assert hdrs(g)["x-amz-checksum-" + alg.lower()] == want


def test_checksum_crc32c(s3, bucket):
    want = checksum_b64("crc32c", DATA)
    r = s3.put_object(Bucket=bucket, Key="c", Body=DATA, ChecksumCRC32C=want)
    assert hdrs(r).get("x-amz-checksum-crc32c") == want
    h = s3.head_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert checksum_headers(hdrs(h)) == {"x-amz-checksum-crc32c": want}
    expect_error(s3.put_object, 400, "BadDigest", Bucket=bucket, Key="c2", Body=DATA,
                 ChecksumCRC32C=checksum_b64("crc32c", DATA + b"!"))


def test_checksums_not_returned_without_mode(s3, bucket):
    s3.put_object(Bucket=bucket, Key="ck", Body=DATA, ChecksumAlgorithm="SHA256")
    assert checksum_headers(hdrs(s3.head_object(Bucket=bucket, Key="ck"))) == {}
    assert checksum_headers(hdrs(s3.get_object(Bucket=bucket, Key="ck"))) == {}


@pytest.mark.parametrize("alg", ["crc32", "crc32c", "sha1", "sha256", "crc64nvme"])
def test_wrong_checksum_header_bad_digest(raw, s3, bucket, alg):
    key = "bad-" + alg
    s3.put_object(Bucket=bucket, Key=key, Body=b"original")
    r = raw.request("PUT", "/%s/%s" % (bucket, key), body=DATA,
                    headers={"x-amz-checksum-" + alg: checksum_b64(alg, DATA[:-1])})
    assert r.status == 400, r
    assert r.code == "BadDigest", r
    # the failed write changed nothing
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"original"


@pytest.mark.parametrize("alg", ["crc32", "crc32c", "sha1", "sha256", "crc64nvme"])
def test_right_checksum_header_raw(raw, bucket, alg):
    want = checksum_b64(alg, DATA)
    r = raw.request("PUT", "/%s/ok-%s" % (bucket, alg), body=DATA,
                    headers={"x-amz-checksum-" + alg: want})
    assert r.status == 200, r
    assert r.header("x-amz-checksum-" + alg) == want
    h = raw.request("HEAD", "/%s/ok-%s" % (bucket, alg),
                    headers={"x-amz-checksum-mode": "ENABLED"})
    assert checksum_headers(h.headers) == {"x-amz-checksum-" + alg: want}


@pytest.mark.parametrize("value", ["!!!!", "AAAA", base64.b64encode(b"12345").decode()])
def test_malformed_checksum_value(raw, s3, bucket, value):
    r = raw.request("PUT", "/%s/mal" % bucket, body=DATA,
                    headers={"x-amz-checksum-crc32": value})
    assert r.status == 400, r
    assert r.code == "InvalidRequest", r
    expect_error(s3.head_object, 404, "404", Bucket=bucket, Key="mal")


def test_two_checksum_headers_rejected(raw, s3, bucket):
    r = raw.request("PUT", "/%s/two" % bucket, body=DATA, headers={
        "x-amz-checksum-crc32": checksum_b64("crc32", DATA),
        "x-amz-checksum-sha256": checksum_b64("sha256", DATA)})
    assert r.status == 400, r
    assert r.code == "InvalidRequest", r
    expect_error(s3.head_object, 404, "404", Bucket=bucket, Key="two")


def test_default_crc64nvme(raw, s3, bucket):
    data = os.urandom(40_000)
    r = raw.request("PUT", "/%s/dflt" % bucket, body=data)
    assert r.status == 200, r
    want = checksum_b64("crc64nvme", data)
    h = s3.head_object(Bucket=bucket, Key="dflt", ChecksumMode="ENABLED")
    assert checksum_headers(hdrs(h)) == {"x-amz-checksum-crc64nvme": want}
    if "x-amz-checksum-type" in hdrs(h):
        assert hdrs(h)["x-amz-checksum-type"] == "FULL_OBJECT"
    g = raw.request("GET", "/%s/dflt" % bucket, headers={"x-amz-checksum-mode": "ENABLED"})
    assert g.body == data
    assert g.header("x-amz-checksum-crc64nvme") == want
    # via boto3 (which sends no checksum for put_object by default) too
    s3.put_object(Bucket=bucket, Key="dflt2", Body=b"")
    h = s3.head_object(Bucket=bucket, Key="dflt2", ChecksumMode="ENABLED")
    assert hdrs(h).get("x-amz-checksum-crc64nvme") == checksum_b64("crc64nvme", b"")


# ---------------------------------------------------------------- ranges

RDATA = os.urandom(1000)


@pytest.mark.parametrize("rng,start,end", [
    ("bytes=0-9", 0, 9),
    ("bytes=5-", 5, 999),
    ("bytes=-3", 997, 999),
    ("bytes=990-5000", 990, 999),
    ("bytes=999-999", 999, 999),
    ("bytes=-5000", 0, 999),
])
def test_range_get(s3, bucket, rng, start, end):
    s3.put_object(Bucket=bucket, Key="r", Body=RDATA)
    g = s3.get_object(Bucket=bucket, Key="r", Range=rng)
    assert g["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert g["ContentRange"] == "bytes %d-%d/1000" % (start, end)
    assert g["ContentLength"] == end - start + 1
    assert g["Body"].read() == RDATA[start:end + 1]
    assert g["ETag"] == qetag(RDATA)


@pytest.mark.parametrize("rng", ["bytes=1000-", "bytes=1500-1600"])
def test_range_not_satisfiable(raw, bucket, rng):
    raw.request("PUT", "/%s/r" % bucket, body=RDATA)
    r = raw.request("GET", "/%s/r" % bucket, headers={"Range": rng})
    assert r.status == 416, r
    assert r.code == "InvalidRange", r


def test_range_unparseable_is_ignored(raw, bucket):
    raw.request("PUT", "/%s/r" % bucket, body=RDATA)
    r = raw.request("GET", "/%s/r" % bucket, headers={"Range": "bytes=abc"})
    assert r.status == 200, r
    assert r.body == RDATA


def test_range_head(raw, bucket):
    raw.request("PUT", "/%s/r" % bucket, body=RDATA)
    r = raw.request("HEAD", "/%s/r" % bucket, headers={"Range": "bytes=0-9"})
    assert r.status == 206, r
    assert r.header("content-length") == "10"
    assert r.header("content-range") == "bytes 0-9/1000"


# ---------------------------------------------------------------- conditionals


@pytest.fixture
def cond_obj(raw, bucket):
    r = raw.request("PUT", "/%s/c" % bucket, body=b"conditional body")
    assert r.status == 200, r
    h = raw.request("HEAD", "/%s/c" % bucket)
    lm = email.utils.parsedate_to_datetime(h.header("last-modified"))
    return dict(path="/%s/c" % bucket, etag=h.header("etag"), lm=lm)


DAY = datetime.timedelta(days=1)


def _cases(o):
    e, lm = o["etag"], o["lm"]
    return [
        ({"If-Match": e}, 200),
        ({"If-Match": '"0123456789abcdef0123456789abcdef"'}, 412),
        ({"If-Match": "*"}, 200),
        ({"If-None-Match": e}, 304),
        ({"If-None-Match": '"0123456789abcdef0123456789abcdef"'}, 200),
        ({"If-Modified-Since": httpdate(lm)}, 304),
        ({"If-Modified-Since": httpdate(lm - DAY)}, 200),
        ({"If-Unmodified-Since": httpdate(lm)}, 200),
        ({"If-Unmodified-Since": httpdate(lm - DAY)}, 412),
        # precedence (RFC 7232 section 6, as documented for S3):
        ({"If-Match": e, "If-Unmodified-Since": httpdate(lm - DAY)}, 200),
        ({"If-None-Match": e, "If-Modified-Since": httpdate(lm - DAY)}, 304),
        ({"If-None-Match": '"other"', "If-Modified-Since": httpdate(lm)}, 200),
        ({"If-Match": '"other"', "If-None-Match": '"other"'}, 412),
        ({"If-Match": e, "If-None-Match": e}, 304),
        ({"If-Unmodified-Since": httpdate(lm - DAY), "If-None-Match": '"other"'}, 412),
    ]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_conditional_requests(raw, cond_obj, method):
    failures = []
    for headers, want in _cases(cond_obj):
        r = raw.request(method, cond_obj["path"], headers=headers)
        ok = r.status == want
        if want == 412 and method == "GET":
            ok = ok and r.code == "PreconditionFailed"
        if want == 304:
            ok = ok and r.body == b"" and r.header("etag") == cond_obj["etag"]
        if want == 200 and method == "GET":
            ok = ok and r.body == b"conditional body"
        if not ok:
            failures.append("%s %s -> %s %s (want %s; ETag header %r)" % (
                method, headers, r.status, r.code, want, r.header("etag")))
    assert not failures, "\n".join(failures)


def test_conditional_boto3(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="cb", Body=b"x")["ETag"]
    expect_error(s3.get_object, 412, "PreconditionFailed", Bucket=bucket, Key="cb",
                 IfMatch='"nope"')
    expect_error(s3.get_object, 304, "304", Bucket=bucket, Key="cb", IfNoneMatch=etag)
    expect_error(s3.head_object, 412, "412", Bucket=bucket, Key="cb", IfMatch='"nope"')
    assert s3.get_object(Bucket=bucket, Key="cb", IfMatch=etag)["Body"].read() == b"x"


# ---------------------------------------------------------------- conditional writes


def test_put_if_none_match_star(raw, s3, bucket):
    r = raw.request("PUT", "/%s/cw" % bucket, body=b"first", headers={"If-None-Match": "*"})
    assert r.status == 200, r
    r = raw.request("PUT", "/%s/cw" % bucket, body=b"second", headers={"If-None-Match": "*"})
    assert (r.status, r.code) == (412, "PreconditionFailed"), r
    assert s3.get_object(Bucket=bucket, Key="cw")["Body"].read() == b"first"


def test_put_if_match(raw, s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="cm", Body=b"v1")["ETag"]
    r = raw.request("PUT", "/%s/cm" % bucket, body=b"v2", headers={"If-Match": '"%s"' % ("0" * 32)})
    assert (r.status, r.code) == (412, "PreconditionFailed"), r
    assert s3.get_object(Bucket=bucket, Key="cm")["Body"].read() == b"v1"
    r = raw.request("PUT", "/%s/cm" % bucket, body=b"v2", headers={"If-Match": etag})
    assert r.status == 200, r
    assert s3.get_object(Bucket=bucket, Key="cm")["Body"].read() == b"v2"
    r = raw.request("PUT", "/%s/cm-missing" % bucket, body=b"v", headers={"If-Match": etag})
    assert (r.status, r.code) == (404, "NoSuchKey"), r
    expect_error(s3.head_object, 404, "404", Bucket=bucket, Key="cm-missing")


# ---------------------------------------------------------------- atomicity


def test_concurrent_overwrites_are_atomic(s3, bucket):
    import concurrent.futures
    import threading
    versions = [bytes([65 + i]) * (1000 + 100 * i) for i in range(8)]
    by_etag = {qetag(v): v for v in versions}
    s3.put_object(Bucket=bucket, Key="hot", Body=versions[0])
    stop = threading.Event()
    problems = []

    def reader():
        n = 0
        from botocore.exceptions import ClientError
        while not stop.is_set() or n < 3:
            n += 1
            try:
                g = s3.get_object(Bucket=bucket, Key="hot")
            except ClientError as e:
                # the key exists throughout: an overwrite never makes it vanish
                problems.append(("GET failed during overwrite", e.response["Error"]["Code"]))
                continue
            body = g["Body"].read()
            if by_etag.get(g["ETag"]) != body or g["ContentLength"] != len(body):
                problems.append((g["ETag"], len(body), body[:1], body[-1:]))

    def writer(i):
        for _ in range(8):
            s3.put_object(Bucket=bucket, Key="hot", Body=versions[i])

    with concurrent.futures.ThreadPoolExecutor(10) as ex:
        readers = [ex.submit(reader) for _ in range(4)]
        list(ex.map(writer, range(len(versions))))
        stop.set()
        for f in readers:
            f.result()
    assert not problems, problems[:5]
    g = s3.get_object(Bucket=bucket, Key="hot")
    assert by_etag[g["ETag"]] == g["Body"].read()
    o = s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    assert by_etag[o["ETag"]] and o["Size"] == len(by_etag[o["ETag"]])


def test_read_in_progress_survives_overwrite_and_delete(server, s3, bucket):
    old = os.urandom(16 * 1024 * 1024)
    s3.put_object(Bucket=bucket, Key="long-read", Body=old)
    g = s3.get_object(Bucket=bucket, Key="long-read")
    first = g["Body"].read(1024 * 1024)
    s3.put_object(Bucket=bucket, Key="long-read", Body=b"new small content")
    s3.delete_object(Bucket=bucket, Key="long-read")
    rest = g["Body"].read()
    assert first + rest == old, "a GET in progress must deliver the object it started with"
    expect_error(s3.get_object, 404, "NoSuchKey", Bucket=bucket, Key="long-read")


# ---------------------------------------------------------------- restart


def test_data_survives_restart():
    from conftest import Server
    srv = Server()
    try:
        s3 = srv.client()
        s3.create_bucket(Bucket="persist")
        s3.put_object(Bucket="persist", Key="a/b", Body=b"kept", ContentType="text/x-kept",
                      Metadata={"m": "1"}, ChecksumAlgorithm="SHA256")
        part = os.urandom(5 * 1024 * 1024)
        uid = s3.create_multipart_upload(Bucket="persist", Key="mpu")["UploadId"]
        e1 = s3.upload_part(Bucket="persist", Key="mpu", UploadId=uid, PartNumber=1,
                            Body=part)["ETag"]
        srv.restart()
        g = s3.get_object(Bucket="persist", Key="a/b", ChecksumMode="ENABLED")
        assert g["Body"].read() == b"kept"
        assert g["ContentType"] == "text/x-kept" and g["Metadata"] == {"m": "1"}
        assert hdrs(g).get("x-amz-checksum-sha256") == checksum_b64("sha256", b"kept")
        parts = s3.list_parts(Bucket="persist", Key="mpu", UploadId=uid)["Parts"]
        assert [(p["PartNumber"], p["ETag"]) for p in parts] == [(1, e1)]
        e2 = s3.upload_part(Bucket="persist", Key="mpu", UploadId=uid, PartNumber=2,
                            Body=b"tail")["ETag"]
        s3.complete_multipart_upload(Bucket="persist", Key="mpu", UploadId=uid,
                                     MultipartUpload={"Parts": [
                                         {"PartNumber": 1, "ETag": e1},
                                         {"PartNumber": 2, "ETag": e2}]})
        assert s3.get_object(Bucket="persist", Key="mpu")["Body"].read() == part + b"tail"
        srv.restart()
        assert s3.get_object(Bucket="persist", Key="mpu")["Body"].read() == part + b"tail"
        assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket="persist")["Contents"]) == [
            "a/b", "mpu"]
    finally:
        rc = srv.stop()
        log = srv.read_log()
        srv.cleanup()
        assert rc == 0, log[-4000:]
        assert "ERROR: AddressSanitizer" not in log, log[-8000:]
