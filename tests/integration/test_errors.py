"""Hostile and malformed input against a real coffer: bad XML, path tricks,
oversized headers, lying Content-Length, truncated bodies, raw garbage,
unimplemented subresources. The server must answer (or close) and stay
healthy; nothing may be written outside its data directory."""
import hashlib
import os
import time
import urllib.request

import pytest

from sigv4_client import (SigV4Client, expect_error, md5_b64, parse_raw_response,
                          split_raw_response)


@pytest.fixture(scope="module")
def raw(server):
    return SigV4Client.for_server(server)


def healthy(server):
    assert server.proc.poll() is None, "coffer exited:\n" + server.read_log()[-4000:]
    with urllib.request.urlopen(server.endpoint + "/_coffer/health", timeout=5) as r:
        assert r.status == 200


def absent(s3, bucket, key):
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except Exception as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    return False


# ---------------------------------------------------------------- XML


def _post_delete(raw, bucket, body):
    return raw.request("POST", "/" + bucket, query=[("delete", None)], body=body,
                       headers={"Content-MD5": md5_b64(body)})


BAD_DELETE_BODIES = [
    b"<Delete><Object><Key>a</Key></Object>",                       # truncated
    b"this is not xml",
    b"<Delete><Object><Key>a</Key></Object></Wrong>",               # mismatched tag
    b"<Delete><Object></Object></Delete>",                          # Object without Key
    b"<Delete></Delete>",                                           # no Object
    b"",                                                            # empty body
    b"<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\">"
    b"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
    b"]><Delete><Object><Key>&c;</Key></Object></Delete>",          # entity expansion
]


@pytest.mark.parametrize("body", BAD_DELETE_BODIES)
def test_delete_objects_malformed_xml(raw, s3, bucket, server, body):
    s3.put_object(Bucket=bucket, Key="a", Body=b"keep")
    r = _post_delete(raw, bucket, body)
    assert (r.status, r.code) == (400, "MalformedXML"), r
    assert s3.get_object(Bucket=bucket, Key="a")["Body"].read() == b"keep"
    healthy(server)


def test_delete_objects_too_many_keys(raw, bucket):
    body = ("<Delete>" + "".join("<Object><Key>k%d</Key></Object>" % i for i in range(1001))
            + "</Delete>").encode()
    r = _post_delete(raw, bucket, body)
    assert (r.status, r.code) == (400, "MalformedXML"), r


def test_delete_objects_requires_content_md5(raw, bucket):
    body = b"<Delete><Object><Key>a</Key></Object></Delete>"
    r = raw.request("POST", "/" + bucket, query=[("delete", None)], body=body)
    # AWS: 400 InvalidRequest "Missing required header for this request: Content-MD5"
    assert (r.status, r.code) == (400, "InvalidRequest"), r
    r = raw.request("POST", "/" + bucket, query=[("delete", None)], body=body,
                    headers={"Content-MD5": md5_b64(b"other")})
    assert (r.status, r.code) == (400, "BadDigest"), r


def test_complete_multipart_malformed_xml(raw, s3, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="m")["UploadId"]
    for body in (b"<CompleteMultipartUpload><Part>", b"{json: true}",
                 b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part>"):
        r = raw.request("POST", "/%s/m" % bucket, query=[("uploadId", uid)], body=body)
        assert (r.status, r.code) == (400, "MalformedXML"), (body, r)
    s3.abort_multipart_upload(Bucket=bucket, Key="m", UploadId=uid)


# ---------------------------------------------------------------- paths


def _outside_snapshot(server):
    """Every path under the server's temp dir but outside its data dir."""
    out = set()
    data = os.path.realpath(server.data)
    for root, dirs, files in os.walk(server.tmp):
        if os.path.realpath(root).startswith(data):
            continue
        for n in dirs + files:
            p = os.path.realpath(os.path.join(root, n))
            if not p.startswith(data):
                out.add(p)
    return out


def test_dotdot_request_path_does_not_escape(raw, s3, bucket):
    s3.put_object(Bucket=bucket, Key="x", Body=b"inside")
    for path in ("/%s/../x" % bucket, "/%s/../../../../etc/passwd" % bucket,
                 "/%s/%%2E%%2E/%%2E%%2E/%%2E%%2E/etc/passwd" % bucket,
                 "/%s/..%%2F..%%2F..%%2Fetc%%2Fpasswd" % bucket,
                 "/../../../etc/passwd"):
        r = raw.request("GET", None, raw_path=path)
        assert r.status in (400, 403, 404), (path, r)
        assert b"root:" not in r.body, (path, r.body[:200])


def test_traversal_keys_stay_keys(raw, s3, bucket, server):
    tag = os.urandom(6).hex()
    escape = "/tmp/coffer-escape-" + tag
    keys = ["a/../../etc", "../../../../../../../../../../.." + escape, "./a", "a/./b",
            "../up-" + tag, "..\\..\\win-" + tag, "a//../b"]
    before = _outside_snapshot(server)
    for k in keys:
        # literal dot segments on the wire, exactly as given
        r = raw.request("PUT", None, raw_path="/%s/%s" % (bucket, k.replace("\\", "%5C")),
                        body=k.encode())
        assert r.status == 200, (k, r)
    # percent-encoded dots become the same kind of key
    r = raw.request("PUT", None, raw_path="/%s/%%2E%%2E/%%2E%%2E/enc-%s" % (bucket, tag),
                    body=b"enc")
    assert r.status == 200, r
    keys.append("../../enc-" + tag)
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert sorted(listed) == sorted(keys)
    for k in keys[:-1]:
        assert s3.get_object(Bucket=bucket, Key=k)["Body"].read() == k.encode(), k
    assert not os.path.exists(escape)
    assert not os.path.exists("/tmp/up-" + tag) and not os.path.exists("/up-" + tag)
    assert _outside_snapshot(server) == before
    for k in keys:
        s3.delete_object(Bucket=bucket, Key=k)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_bad_percent_escape(raw, bucket):
    r = raw.request("GET", None, raw_path="/%s/bad%%zzescape" % bucket)
    assert r.status == 400, r
    assert r.code == "InvalidURI", r


# ---------------------------------------------------------------- headers / framing


@pytest.mark.parametrize("size", [64 * 1024, 1024 * 1024])
def test_oversized_header(raw, server, bucket, size):
    req = raw.raw_request_bytes("GET", "/%s" % bucket, headers={"x-amz-meta-big": "v" * size})
    out = raw.raw(req, timeout=10)
    st = parse_raw_response(out)
    assert out == b"" or (st is not None and 400 <= st < 500), out[:300]
    healthy(server)


def test_many_headers(raw, server, bucket):
    hdrs = {"x-h-%05d" % i: "v" for i in range(5000)}
    req = raw.raw_request_bytes("GET", "/%s" % bucket, headers=hdrs)
    out = raw.raw(req, timeout=10)
    st = parse_raw_response(out)
    assert out == b"" or (st is not None and 400 <= st < 500), out[:300]
    healthy(server)


@pytest.mark.parametrize("signed_payload", [True, False])
def test_truncated_body_not_visible(raw, s3, bucket, server, signed_payload):
    s3.put_object(Bucket=bucket, Key="old", Body=b"old content")
    full = os.urandom(100_000)
    for key in ("trunc", "old"):
        req = raw.raw_request_bytes(
            "PUT", "/%s/%s" % (bucket, key), body=full,
            payload_hash=None if signed_payload else "UNSIGNED-PAYLOAD")
        cut = req[:len(req) - len(full) + 5000]           # headers + 5000 of 100000 bytes
        out = raw.raw(cut, timeout=3, shutdown_write=True)
        st = parse_raw_response(out)
        assert st is None or st >= 400, out[:300]
    time.sleep(0.5)
    assert absent(s3, bucket, "trunc")
    assert s3.get_object(Bucket=bucket, Key="old")["Body"].read() == b"old content"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["old"]
    healthy(server)


def test_abrupt_close_mid_body(raw, s3, bucket, server):
    full = os.urandom(1_000_000)
    req = raw.raw_request_bytes("PUT", "/%s/abrupt" % bucket, body=full)
    raw.raw(req[:len(req) - 600_000], close_after_send=True)
    time.sleep(0.5)
    assert absent(s3, bucket, "abrupt")
    healthy(server)


def test_content_length_too_large_for_single_put(raw, s3, bucket):
    req = raw.raw_request_bytes("PUT", "/%s/huge" % bucket, body=b"",
                                payload_hash="UNSIGNED-PAYLOAD",
                                content_length=6 * 1024 ** 3)
    out = raw.raw(req + b"x" * 1000, timeout=5)
    r = split_raw_response(out)
    assert (r.status, r.code) == (400, "EntityTooLarge"), out[:500]
    assert absent(s3, bucket, "huge")


def test_missing_content_length(raw, s3, bucket):
    req = raw.raw_request_bytes("PUT", "/%s/nolen" % bucket, body=b"",
                                payload_hash="UNSIGNED-PAYLOAD")
    req = req.replace(b"Content-Length: 0\r\n", b"")
    assert b"Content-Length" not in req
    out = raw.raw(req, timeout=5)
    r = split_raw_response(out)
    assert (r.status, r.code) == (411, "MissingContentLength"), out[:500]


@pytest.mark.parametrize("cl", [b"abc", b"-1", b"99999999999999999999999"])
def test_bad_content_length(raw, server, bucket, cl):
    req = raw.raw_request_bytes("PUT", "/%s/badlen" % bucket, body=b"xyz",
                                payload_hash="UNSIGNED-PAYLOAD")
    req = req.replace(b"Content-Length: 3\r\n", b"Content-Length: " + cl + b"\r\n")
    out = raw.raw(req, timeout=5)
    st = parse_raw_response(out)
    assert out == b"" or (st is not None and 400 <= st < 500), out[:300]
    healthy(server)


GARBAGE = {
    "bad-request-line": b"FOO BAR BAZ\r\n\r\n",
    "method-only": b"GET\r\n\r\n",
    "binary": b"\x00\x01\x02\x03" * 1000,
    "broken-header": b"GET / HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n",
    "100k-uri": b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "http-9.9": b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
}


@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_garbage_requests(raw, server, name):
    # The client half-closes after the garbage: the server must answer or
    # close, not hold the connection until its idle timeout.
    out = raw.raw(GARBAGE[name], timeout=5, shutdown_write=True)
    st = parse_raw_response(out)
    assert out == b"" or (st is not None and 400 <= st < 600 and st != 500), out[:300]
    assert not raw.last_timed_out, "connection still open 5 s after the client's FIN"
    healthy(server)


def test_half_sent_headers_then_close(raw, server):
    for _ in range(20):
        raw.raw(b"PUT /x/y HTTP/1.1\r\nHost: a\r\nContent-Le", close_after_send=True)
    healthy(server)


# ---------------------------------------------------------------- not implemented


@pytest.mark.parametrize("sub,body", [
    ("website", b"<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix>"
                b"</IndexDocument></WebsiteConfiguration>"),
    ("replication", b"<ReplicationConfiguration><Role>arn:aws:iam::1:role/r</Role><Rule>"
                    b"<Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::d</Bucket>"
                    b"</Destination></Rule></ReplicationConfiguration>"),
])
def test_unimplemented_subresource(raw, s3, bucket, sub, body):
    r = raw.request("PUT", "/" + bucket, query=[(sub, None)], body=body,
                    headers={"Content-MD5": md5_b64(body)})
    assert (r.status, r.code) == (501, "NotImplemented"), r
    assert r.header("x-amz-request-id")
    # the bucket is unaffected
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"


def test_unimplemented_via_boto3(s3, bucket):
    expect_error(s3.put_bucket_website, 501, "NotImplemented", Bucket=bucket,
                 WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})


# ---------------------------------------------------------------- last: still alive


def test_zz_server_still_healthy(server, s3, bucket):
    healthy(server)
    data = hashlib.sha256(b"still alive").digest() * 1000
    s3.put_object(Bucket=bucket, Key="alive", Body=data)
    assert s3.get_object(Bucket=bucket, Key="alive")["Body"].read() == data
    log = server.read_log()
    assert "ERROR: AddressSanitizer" not in log, log[-8000:]
    assert "runtime error:" not in log, log[-8000:]


@pytest.mark.parametrize("reject", ["bad-md5", "bad-signature", "no-such-bucket"])
def test_rejected_body_is_not_parsed_as_requests(raw, server, s3, bucket, reject):
    """A request refused before its body is read must not leave that body to
    be parsed as further requests on the same connection (desync/smuggling)."""
    tag = os.urandom(4).hex()
    smuggled = ("GET /smuggled-%s HTTP/1.1\r\nHost: x\r\n\r\n" % tag).encode()
    body = smuggled * 200
    opts = {}
    path = "/%s/sm-%s" % (bucket, tag)
    if reject == "bad-md5":
        opts["headers"] = {"Content-MD5": "bad"}
    elif reject == "bad-signature":
        opts["secret"] = "wrong"
    else:
        path = "/nosuchbucket-%s/k" % tag
    first = raw.raw_request_bytes("PUT", path, body=body, keep_alive=True, **opts)
    second = raw.raw_request_bytes("GET", "/%s/second-%s" % (bucket, tag))
    out = raw.raw(first + second, timeout=5)
    assert b"smuggled" not in out, out[:2000]
    statuses = [int(m) for m in __import__("re").findall(rb"HTTP/1\.1 (\d{3}) ", out)]
    assert statuses and statuses[0] in (400, 403, 404), out[:1000]
    # either the connection was closed after the refusal, or the next request
    # got its own answer (404 NoSuchKey for second-<tag>)
    assert len(statuses) <= 2, out[:2000]
    if len(statuses) == 2:
        assert statuses[1] == 404 and ("second-" + tag).encode() in out, out[:2000]
    assert absent(s3, bucket, "sm-" + tag)
    healthy(server)


def test_pipelined_requests(raw, s3, bucket):
    s3.put_object(Bucket=bucket, Key="p1", Body=b"one")
    s3.put_object(Bucket=bucket, Key="p2", Body=b"two-two")
    a = raw.raw_request_bytes("GET", "/%s/p1" % bucket, keep_alive=True)
    b = raw.raw_request_bytes("PUT", "/%s/p3" % bucket, body=b"three", keep_alive=True)
    c = raw.raw_request_bytes("GET", "/%s/p2" % bucket)
    out = raw.raw(a + b + c, timeout=5)
    import re
    assert [int(x) for x in re.findall(rb"HTTP/1\.1 (\d{3}) ", out)] == [200, 200, 200], out
    assert out.index(b"one") < out.index(b"two-two")
    assert s3.get_object(Bucket=bucket, Key="p3")["Body"].read() == b"three"
