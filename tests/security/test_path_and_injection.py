"""Path traversal and NUL bytes in keys and bucket names; CR/LF injection
into response headers through keys, metadata, copy sources and response-*
overrides.

test_errors.py covers literal and %2E dot segments in keys and request
paths; this file adds bucket names, NUL bytes, absolute paths, backslashes
and encoded slashes across PUT/COPY/multipart/DELETE, with the data dir
checked afterwards, and header injection."""
import os

import pytest

from conftest import data_files, keys_of, object_body, outside_snapshot
from sigv4_client import split_raw_response

TRAVERSAL_KEYS = [
    "../../../../../../../../tmp/coffer-escape",
    "/etc/passwd",
    "//etc/passwd",
    "..%2F..%2Fobjects%2Fescape",
    "objects/../../meta.db",
    "..\\..\\..\\windows",
    "../meta.db",
    "../../master.key",
    "tmp/../../x",
    "\u2024\u2024/\u2024\u2024/unicode-dots",
]


def test_traversal_keys_are_opaque(raw, s3, bucket, server):
    """Every key is stored as given (never as a path): the same bytes come
    back, the listing names exactly these keys, the data dir's own files are
    intact and nothing appeared outside it."""
    before_outside = outside_snapshot(server)
    meta = os.path.join(server.data, "meta.db")
    master = os.path.join(server.data, "master.key")
    meta_size, master_bytes = os.path.getsize(meta), open(master, "rb").read()
    for k in TRAVERSAL_KEYS:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    # multipart and copy name their targets through the same key path
    up = s3.create_multipart_upload(Bucket=bucket, Key="../../mp-escape")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="../../mp-escape", UploadId=up, PartNumber=1,
                          Body=b"mp")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="../../mp-escape", UploadId=up,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    s3.copy_object(Bucket=bucket, Key="../../copy-escape",
                   CopySource={"Bucket": bucket, "Key": "../meta.db"})
    want = sorted(TRAVERSAL_KEYS + ["../../mp-escape", "../../copy-escape"])
    assert keys_of(s3, bucket) == want
    for k in TRAVERSAL_KEYS:
        assert object_body(s3, bucket, k) == k.encode(), k
    assert object_body(s3, bucket, "../../copy-escape") == b"../meta.db"
    assert outside_snapshot(server) == before_outside
    assert not os.path.exists("/tmp/coffer-escape")
    assert os.path.getsize(meta) >= meta_size and open(master, "rb").read() == master_bytes
    # object files are named by id, never by key
    for f in data_files(server):
        assert "escape" not in f and "passwd" not in f, f
    for k in want:
        s3.delete_object(Bucket=bucket, Key=k)
    assert keys_of(s3, bucket) == []
    assert os.path.exists(meta) and open(master, "rb").read() == master_bytes


@pytest.mark.parametrize("raw_path", [
    "/{b}/a%00b", "/{b}/%00", "/{b}/a%00/../../x", "/{b}/%c0%ae%c0%ae/x",
])
def test_nul_and_overlong_utf8_in_keys_refused(raw, s3, bucket, server, raw_path):
    before = outside_snapshot(server)
    r = raw.request("PUT", None, raw_path=raw_path.format(b=bucket), body=b"x")
    assert (r.status, r.code) == (400, "InvalidArgument") or (r.status, r.code) == (
        400, "InvalidURI"), r
    # a verified request's error carries no signature-mismatch details
    assert r.xml.find("SignatureProvided") is None and r.xml.find("StringToSign") is None, r
    assert keys_of(s3, bucket) == []
    assert outside_snapshot(server) == before


@pytest.mark.parametrize("raw_path", [
    "/..", "/%2e%2e", "/.", "/%2E", "/../{b}", "/b%00x", "/%00", "/a..b", "/x/../..",
    "/UPPER", "/-dash", "/a_b", "/{b}%2F..%2F..%2Fx", "/192.168.1.1", "/%c0%ae%c0%ae",
    "/b\\..\\x",
])
def test_bad_bucket_names_refused(raw, s3, server, bucket, raw_path):
    """CreateBucket with a name that is a path trick: 400 InvalidBucketName
    (or, where the path has an extra segment, no bucket at all)."""
    before_buckets = sorted(b["Name"] for b in s3.list_buckets()["Buckets"])
    before = outside_snapshot(server)
    before_data = data_files(server)
    r = raw.request("PUT", None, raw_path=raw_path.format(b=bucket))
    assert r.status >= 400, r
    assert (r.status, r.code) in ((400, "InvalidBucketName"), (400, "InvalidURI"),
                                  (404, "NoSuchBucket"), (405, "MethodNotAllowed")), r
    assert sorted(b["Name"] for b in s3.list_buckets()["Buckets"]) == before_buckets
    assert outside_snapshot(server) == before
    assert {f for f in data_files(server) - before_data if not f.startswith("meta.db")} == set()


# ---------------------------------------------------------------- header injection


INJECT = "x\r\nX-Injected: yes\r\nSet-Cookie: evil=1"


def assert_no_injection(r):
    names = [k.lower() for k, _ in r.header_list]
    assert "x-injected" not in names and "set-cookie" not in names, r.header_list
    for _, v in r.header_list:
        assert "\r" not in v and "\n" not in v, r.header_list


def test_crlf_in_key_is_never_echoed_as_a_header(raw, s3, bucket):
    key = "k" + INJECT
    s3.put_object(Bucket=bucket, Key=key, Body=b"v")
    for method, path, q in (("GET", "/%s/%s" % (bucket, key), None),
                            ("HEAD", "/%s/%s" % (bucket, key), None),
                            ("GET", "/%s/%s-missing" % (bucket, key), None),
                            ("GET", "/%s" % bucket, [("prefix", "k")]),
                            ("GET", "/%s" % bucket, [("list-type", "2"), ("encoding-type", "url")]),
                            ("POST", "/%s/%s" % (bucket, key), [("uploads", "")])):
        r = raw.request(method, path, query=q)
        assert r.status < 500, r
        assert_no_injection(r)
    r = raw.request("PUT", "/%s/copy" % bucket,
                    headers={"x-amz-copy-source": "/%s/%s" % (bucket, key.replace(
                        "\r", "%0D").replace("\n", "%0A").replace(" ", "%20"))})
    assert r.status == 200, r
    assert_no_injection(r)
    assert object_body(s3, bucket, "copy") == b"v"


@pytest.mark.parametrize("param", ["response-content-disposition", "response-content-type",
                                   "response-cache-control", "response-expires",
                                   "response-content-language", "response-content-encoding"])
def test_crlf_in_response_overrides(raw, s3, bucket, param):
    s3.put_object(Bucket=bucket, Key="o", Body=b"v")
    r = raw.request("GET", "/%s/o" % bucket, query=[(param, "attachment" + INJECT)])
    assert_no_injection(r)
    assert r.status in (200, 400), r
    if r.status == 400:
        assert r.code == "InvalidArgument", r


def test_crlf_smuggled_in_metadata_values(raw, s3, bucket):
    """A header value cannot carry CR/LF on the wire; obs-fold continuation
    lines and encoded forms are stored (or refused), never replayed as headers."""
    head = raw.raw_request_bytes("PUT", "/%s/m" % bucket, body=b"v",
                                 headers={"x-amz-meta-a": "one"})
    folded = head.replace(b"x-amz-meta-a: one\r\n", b"x-amz-meta-a: one\r\n X-Injected: yes\r\n")
    r = split_raw_response(raw.raw(folded))
    assert r.status in (400, 403), r
    assert_no_injection(r)
    r = raw.request("PUT", "/%s/m2" % bucket, body=b"v",
                    headers={"x-amz-meta-a": "one%0D%0AX-Injected: yes"})
    assert r.status == 200, r
    g = raw.request("GET", "/%s/m2" % bucket)
    assert_no_injection(g)
    assert g.header("x-amz-meta-a") == "one%0D%0AX-Injected: yes"
    # bare CR inside a value
    bare = raw.raw_request_bytes("PUT", "/%s/m3" % bucket, body=b"v",
                                 headers={"x-amz-meta-a": "one"})
    bare = bare.replace(b"x-amz-meta-a: one", b"x-amz-meta-a: one\rX-Injected: yes")
    r = split_raw_response(raw.raw(bare))
    assert r.status == 0 or r.status >= 400, r
    assert_no_injection(r)
    assert object_body(s3, bucket, "m") is None and object_body(s3, bucket, "m3") is None
