"""Authentication against a real coffer, with an independent SigV4 signer:
signature failures, unknown keys, clock skew, malformed headers, payload hash
mismatches, anonymous requests, presigned URLs, aws-chunked uploads (signed
chunks, unsigned and signed trailers with checksums), request ids and the
access log."""
import hashlib
import os
import re
import time
import urllib.parse
import urllib.request

import pytest

from conftest import AKID, SECRET
from sigv4_client import (STREAMING_SIGNED, STREAMING_SIGNED_TRAILER,
                          STREAMING_UNSIGNED_TRAILER, SigV4Client, amz_date, checksum_b64,
                          expect_error)


@pytest.fixture(scope="module")
def raw(server):
    return SigV4Client.for_server(server)


@pytest.fixture(scope="module")
def presigner(server):
    """boto3 1.26 presigns with SigV2 unless asked; coffer speaks SigV4 only."""
    import boto3
    from botocore.config import Config
    return boto3.client("s3", endpoint_url=server.endpoint, region_name=server.region,
                        aws_access_key_id=server.akid, aws_secret_access_key=server.secret,
                        config=Config(signature_version="s3v4",
                                      s3={"addressing_style": "path"},
                                      retries={"max_attempts": 1}))


def absent(s3, bucket, key):
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except Exception as e:
        return getattr(e, "response", {}).get("ResponseMetadata", {}).get(
            "HTTPStatusCode") == 404
    return False


# ---------------------------------------------------------------- header auth


def test_raw_signed_round_trip(raw, bucket):
    r = raw.request("PUT", "/%s/raw obj/ü" % bucket, body=b"signed by sigv4_client",
                    headers={"Content-Type": "text/plain", "x-amz-meta-a": "  b   c "})
    assert r.status == 200, r
    g = raw.request("GET", "/%s/raw obj/ü" % bucket, query=[("response-content-type", "x/y")])
    assert g.status == 200 and g.body == b"signed by sigv4_client", g
    assert g.header("x-amz-meta-a") == "b   c" or g.header("x-amz-meta-a") == "b c"
    # UNSIGNED-PAYLOAD is accepted for header auth too
    r = raw.request("PUT", "/%s/unsigned" % bucket, body=b"u", payload_hash="UNSIGNED-PAYLOAD")
    assert r.status == 200, r


def test_wrong_secret(raw, s3, bucket):
    r = raw.request("PUT", "/%s/ws" % bucket, body=b"x", secret="not-the-secret")
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    assert absent(s3, bucket, "ws")
    r = raw.request("GET", "/%s" % bucket, secret="not-the-secret")
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r


def test_body_changed_after_signing(raw, s3, bucket):
    # hash header left as signed: the payload no longer matches it
    r = raw.request("PUT", "/%s/bc" % bucket, body=b"original",
                    tamper=lambda h, b: (h, b"tampered"))
    assert (r.status, r.code) == (400, "XAmzContentSHA256Mismatch"), r
    assert absent(s3, bucket, "bc")

    # hash header updated to the new body: the signature no longer matches
    def tamper(h, b):
        h = dict(h)
        h["x-amz-content-sha256"] = hashlib.sha256(b"tampered").hexdigest()
        return h, b"tampered"
    r = raw.request("PUT", "/%s/bc" % bucket, body=b"original", tamper=tamper)
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    assert absent(s3, bucket, "bc")


def test_declared_hash_differs_from_body(raw, s3, bucket):
    r = raw.request("PUT", "/%s/hm" % bucket, body=b"some body",
                    payload_hash=hashlib.sha256(b"another body").hexdigest())
    assert (r.status, r.code) == (400, "XAmzContentSHA256Mismatch"), r
    assert absent(s3, bucket, "hm")


@pytest.mark.parametrize("what", ["header", "query", "path", "method"])
def test_request_changed_after_signing(raw, s3, bucket, what):
    s3.put_object(Bucket=bucket, Key="obj", Body=b"x")
    if what == "header":
        r = raw.request("PUT", "/%s/obj" % bucket, body=b"y", headers={"x-amz-meta-m": "1"},
                        tamper=lambda h, b: ({**h, "x-amz-meta-m": "2"}, b))
    elif what == "query":
        path = "/%s/obj" % bucket
        h, _ = raw.sign("GET", path, [("response-content-type", "a/b")], {},
                        hashlib.sha256(b"").hexdigest())
        r = raw.send("GET", path + "?response-content-type=a%2Fc", h)
    elif what == "path":
        h, _ = raw.sign("GET", "/%s/obj" % bucket, [], {}, hashlib.sha256(b"").hexdigest())
        r = raw.send("GET", "/%s/obj2" % bucket, h)
    else:
        h, _ = raw.sign("GET", "/%s/obj" % bucket, [], {}, hashlib.sha256(b"").hexdigest())
        r = raw.send("DELETE", "/%s/obj" % bucket, h)
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    assert s3.get_object(Bucket=bucket, Key="obj")["Body"].read() == b"x"


def test_invalid_access_key_id(raw, bucket):
    r = raw.request("GET", "/%s" % bucket, akid="AKIANOSUCHKEY0000000")
    assert (r.status, r.code) == (403, "InvalidAccessKeyId"), r


@pytest.mark.parametrize("offset,ok", [(-20 * 60, False), (20 * 60, False),
                                       (-14 * 60, True), (14 * 60, True)])
def test_clock_skew(raw, bucket, offset, ok):
    r = raw.request("GET", "/%s" % bucket, date=amz_date(offset))
    if ok:
        assert r.status == 200, r
    else:
        assert (r.status, r.code) == (403, "RequestTimeTooSkewed"), r


@pytest.mark.parametrize("auth", [
    "AWS4-HMAC-SHA256 Credential=garbage, SignedHeaders=host;x-amz-date, Signature=" + "0" * 64,
    "AWS4-HMAC-SHA256 Credential=%s/20240101/us-east-1/s3, SignedHeaders=host, Signature=%s"
    % (AKID, "0" * 64),
    "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=" + "0" * 64,
    "AWS4-HMAC-SHA256 Credential=%s/20240101/us-east-1/s3/aws4_request, Signature=%s"
    % (AKID, "0" * 64),
    "AWS4-HMAC-SHA256",
    "AWS4-HMAC-SHA256 Credential=%s/2024XX01/us-east-1/s3/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=%s" % (AKID, "0" * 64),
])
def test_authorization_header_malformed(raw, bucket, auth):
    h, _ = raw.sign("GET", "/" + bucket, [], {}, hashlib.sha256(b"").hexdigest())
    h["Authorization"] = auth
    r = raw.send("GET", "/" + bucket, h)
    assert (r.status, r.code) == (400, "AuthorizationHeaderMalformed"), r


def test_credential_date_differs_from_x_amz_date(raw, bucket):
    r = raw.request("GET", "/" + bucket, date8="20200101")
    assert (r.status, r.code) == (400, "AuthorizationHeaderMalformed"), r


def test_wrong_region_in_scope(raw, bucket):
    r = raw.request("GET", "/" + bucket, region="ap-south-2")
    assert (r.status, r.code) == (400, "AuthorizationHeaderMalformed"), r


def test_sigv2_not_supported(raw, bucket):
    r = raw.send("GET", "/" + bucket, {"Authorization": "AWS %s:c2lnbmF0dXJl" % AKID,
                                       "Date": "Mon, 01 Jan 2024 00:00:00 GMT"})
    assert (r.status, r.code) == (400, "InvalidRequest"), r


def test_anonymous_denied(raw, bucket, s3):
    s3.put_object(Bucket=bucket, Key="pub", Body=b"x")
    for method, path in [("GET", "/"), ("GET", "/" + bucket), ("GET", "/%s/pub" % bucket),
                         ("PUT", "/%s/anon" % bucket), ("DELETE", "/%s/pub" % bucket)]:
        r = raw.request(method, path, sign=False)
        assert (r.status, r.code) == (403, "AccessDenied"), (method, path, r)
    assert absent(s3, bucket, "anon")
    assert s3.get_object(Bucket=bucket, Key="pub")["Body"].read() == b"x"


def test_missing_date(raw, bucket):
    def tamper(h, b):
        h = {k: v for k, v in h.items() if k.lower() != "x-amz-date"}
        return h, b
    r = raw.request("GET", "/" + bucket, tamper=tamper)
    # AWS: "AWS authentication requires a valid Date or x-amz-date header"
    assert (r.status, r.code) == (403, "AccessDenied"), r


# ---------------------------------------------------------------- presigned


def _fetch(url, method="GET", data=None):
    req = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def _code(body):
    m = re.search(rb"<Code>([^<]+)</Code>", body)
    return m.group(1).decode() if m else None


def test_presigned_get_and_put(s3, presigner, bucket):
    s3.put_object(Bucket=bucket, Key="ps/ü x", Body=b"presigned content")
    url = presigner.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "ps/ü x"},
                                    ExpiresIn=300)
    st, h, body = _fetch(url)
    assert (st, body) == (200, b"presigned content"), (st, body)
    url = presigner.generate_presigned_url("get_object", Params={
        "Bucket": bucket, "Key": "ps/ü x", "ResponseContentType": "text/x-presigned"},
        ExpiresIn=300)
    st, h, body = _fetch(url)
    assert st == 200 and h.get("Content-Type") == "text/x-presigned", (st, h)
    url = presigner.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "ps/put"},
                                    ExpiresIn=300)
    st, h, body = _fetch(url, "PUT", b"uploaded via presigned PUT")
    assert st == 200, (st, body)
    assert s3.get_object(Bucket=bucket, Key="ps/put")["Body"].read() == \
        b"uploaded via presigned PUT"


def test_presigned_altered(s3, presigner, bucket):
    s3.put_object(Bucket=bucket, Key="alt", Body=b"x")
    s3.put_object(Bucket=bucket, Key="alt2", Body=b"y")
    url = presigner.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "alt"},
                                    ExpiresIn=300)
    for bad in (url.replace("X-Amz-Expires=300", "X-Amz-Expires=301"),
                url.replace("/alt?", "/alt2?"),
                url + "&response-content-type=evil%2Ftype"):
        assert bad != url
        st, h, body = _fetch(bad)
        assert (st, _code(body)) == (403, "SignatureDoesNotMatch"), (bad, st, body)
    sig = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["X-Amz-Signature"][0]
    flipped = ("0" if sig[0] != "0" else "1") + sig[1:]
    st, h, body = _fetch(url.replace(sig, flipped))
    assert (st, _code(body)) == (403, "SignatureDoesNotMatch"), body


def test_presigned_own_signer_valid_and_expired(raw, s3, bucket):
    s3.put_object(Bucket=bucket, Key="exp", Body=b"x")
    path = "/%s/exp" % bucket
    r = raw.get_url(raw.presign("GET", path, expires=60))
    assert (r.status, r.body) == (200, b"x"), r
    # signed two hours ago for one minute
    r = raw.get_url(raw.presign("GET", path, expires=60, date=amz_date(-7200)))
    assert (r.status, r.code) == (403, "AccessDenied"), r
    # wrong secret
    r = raw.get_url(raw.presign("GET", path, expires=60, secret="nope"))
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r


def test_presigned_boto3_expired(s3, presigner, bucket):
    s3.put_object(Bucket=bucket, Key="exp1", Body=b"x")
    url = presigner.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "exp1"},
                                    ExpiresIn=1)
    time.sleep(2.2)
    st, h, body = _fetch(url)
    assert (st, _code(body)) == (403, "AccessDenied"), body


@pytest.mark.parametrize("expires", ["604801", "-5", "abc"])
def test_presigned_bad_expires(raw, s3, bucket, expires):
    s3.put_object(Bucket=bucket, Key="e", Body=b"x")
    target = raw.presign("GET", "/%s/e" % bucket, expires=60).replace(
        "X-Amz-Expires=60", "X-Amz-Expires=" + expires)
    r = raw.get_url(target)
    assert (r.status, r.code) == (400, "AuthorizationQueryParametersError"), r


def test_presigned_max_expires_ok(raw, s3, bucket):
    s3.put_object(Bucket=bucket, Key="e", Body=b"x")
    r = raw.get_url(raw.presign("GET", "/%s/e" % bucket, expires=604800))
    assert r.status == 200, r


def test_presigned_missing_params(raw, s3, bucket):
    s3.put_object(Bucket=bucket, Key="e", Body=b"x")
    full = raw.presign("GET", "/%s/e" % bucket, expires=60)
    path, q = full.split("?", 1)
    pairs = q.split("&")
    for drop in ("X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature"):
        t = path + "?" + "&".join(p for p in pairs if not p.startswith(drop + "="))
        r = raw.get_url(t)
        assert (r.status, r.code) == (400, "AuthorizationQueryParametersError"), (drop, r)


def test_presigned_unknown_key(raw, s3, bucket):
    s3.put_object(Bucket=bucket, Key="e", Body=b"x")
    other = SigV4Client("http://%s:%d" % (raw.host, raw.port), "AKIANOSUCHKEY0000000", "s")
    r = other.get_url(other.presign("GET", "/%s/e" % bucket, expires=60))
    assert (r.status, r.code) == (403, "InvalidAccessKeyId"), r


# ---------------------------------------------------------------- aws-chunked


def test_streaming_signed_upload(raw, s3, bucket):
    data = os.urandom(200_000)
    r = raw.streaming_put("/%s/chunked" % bucket, data, STREAMING_SIGNED, chunk_size=65536,
                          headers={"Content-Type": "application/x-chunked"})
    assert r.status == 200, r
    assert r.header("etag") == '"%s"' % hashlib.md5(data).hexdigest()
    g = s3.get_object(Bucket=bucket, Key="chunked")
    assert g["Body"].read() == data
    assert g["ContentLength"] == len(data)
    assert g["ContentType"] == "application/x-chunked"
    # aws-chunked is a transfer detail, never the object's Content-Encoding
    assert "aws-chunked" not in g.get("ContentEncoding", "")


def test_streaming_signed_exact_multiple_and_empty(raw, s3, bucket):
    data = os.urandom(65536 * 2)
    assert raw.streaming_put("/%s/c2" % bucket, data, STREAMING_SIGNED).status == 200
    assert s3.get_object(Bucket=bucket, Key="c2")["Body"].read() == data
    r = raw.streaming_put("/%s/c0" % bucket, b"", STREAMING_SIGNED)
    assert r.status == 200, r
    assert s3.get_object(Bucket=bucket, Key="c0")["ContentLength"] == 0


@pytest.mark.parametrize("bad_chunk", [0, 2, 3])
def test_streaming_bad_chunk_signature(raw, s3, bucket, bad_chunk):
    s3.put_object(Bucket=bucket, Key="bc", Body=b"previous version")
    data = os.urandom(3 * 65536 + 100)       # chunks 0..3, final empty chunk is 4
    r = raw.streaming_put("/%s/bc" % bucket, data, STREAMING_SIGNED, tamper_chunk=bad_chunk)
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    assert s3.get_object(Bucket=bucket, Key="bc")["Body"].read() == b"previous version"
    r = raw.streaming_put("/%s/bc-new" % bucket, data, STREAMING_SIGNED, tamper_chunk=4)
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    assert absent(s3, bucket, "bc-new")


def test_streaming_decoded_length_mismatch(raw, s3, bucket):
    data = os.urandom(1000)
    r = raw.streaming_put("/%s/dl" % bucket, data, STREAMING_SIGNED, decoded_length=2000)
    assert r.status == 400, r
    assert r.code in ("IncompleteBody", "InvalidRequest", "BadDigest"), r
    assert absent(s3, bucket, "dl")


@pytest.mark.parametrize("alg", ["crc32", "crc32c", "sha1", "sha256", "crc64nvme"])
def test_unsigned_trailer_upload(raw, s3, bucket, alg):
    data = os.urandom(150_000) if alg != "crc64nvme" else os.urandom(30_000)
    want = checksum_b64(alg, data)
    r = raw.streaming_put("/%s/tr" % bucket, data, STREAMING_UNSIGNED_TRAILER,
                          trailers=[("x-amz-checksum-" + alg, want)])
    assert r.status == 200, r
    assert r.header("x-amz-checksum-" + alg) in (None, want)
    g = s3.get_object(Bucket=bucket, Key="tr")
    assert g["Body"].read() == data
    h = s3.head_object(Bucket=bucket, Key="tr", ChecksumMode="ENABLED")
    assert h["ResponseMetadata"]["HTTPHeaders"].get("x-amz-checksum-" + alg) == want


def test_unsigned_trailer_bad_checksum(raw, s3, bucket):
    s3.put_object(Bucket=bucket, Key="tb", Body=b"old")
    data = os.urandom(100_000)
    r = raw.streaming_put("/%s/tb" % bucket, data, STREAMING_UNSIGNED_TRAILER,
                          trailers=[("x-amz-checksum-crc32", checksum_b64("crc32", data[1:]))])
    assert (r.status, r.code) == (400, "BadDigest"), r
    assert s3.get_object(Bucket=bucket, Key="tb")["Body"].read() == b"old"


def test_checksum_in_header_and_trailer(raw, s3, bucket):
    data = os.urandom(10_000)
    r = raw.streaming_put("/%s/both" % bucket, data, STREAMING_UNSIGNED_TRAILER,
                          headers={"x-amz-checksum-crc32c": checksum_b64("crc32c", data)},
                          trailers=[("x-amz-checksum-crc32", checksum_b64("crc32", data))])
    assert (r.status, r.code) == (400, "InvalidRequest"), r
    assert absent(s3, bucket, "both")


def test_signed_trailer_upload(raw, s3, bucket):
    data = os.urandom(140_000)
    want = checksum_b64("crc32c", data)
    r = raw.streaming_put("/%s/st" % bucket, data, STREAMING_SIGNED_TRAILER,
                          trailers=[("x-amz-checksum-crc32c", want)])
    assert r.status == 200, r
    assert s3.get_object(Bucket=bucket, Key="st")["Body"].read() == data
    h = s3.head_object(Bucket=bucket, Key="st", ChecksumMode="ENABLED")
    assert h["ResponseMetadata"]["HTTPHeaders"].get("x-amz-checksum-crc32c") == want


def test_signed_trailer_bad_signature(raw, s3, bucket):
    data = os.urandom(70_000)
    r = raw.streaming_put("/%s/stb" % bucket, data, STREAMING_SIGNED_TRAILER,
                          trailers=[("x-amz-checksum-crc32", checksum_b64("crc32", data))],
                          tamper_trailer_sig=True)
    assert (r.status, r.code) == (403, "SignatureDoesNotMatch"), r
    assert absent(s3, bucket, "stb")


def test_signed_trailer_bad_checksum(raw, s3, bucket):
    data = os.urandom(70_000)
    r = raw.streaming_put("/%s/stc" % bucket, data, STREAMING_SIGNED_TRAILER,
                          trailers=[("x-amz-checksum-crc32", checksum_b64("crc32", b"x"))])
    assert (r.status, r.code) == (400, "BadDigest"), r
    assert absent(s3, bucket, "stc")


def test_streaming_upload_part(raw, s3, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="smp")["UploadId"]
    data = os.urandom(100_000)
    r = raw.streaming_put("/%s/smp" % bucket, data, STREAMING_SIGNED,
                          query=[("partNumber", "1"), ("uploadId", uid)])
    assert r.status == 200, r
    etag = r.header("etag")
    assert etag == '"%s"' % hashlib.md5(data).hexdigest()
    s3.complete_multipart_upload(Bucket=bucket, Key="smp", UploadId=uid, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert s3.get_object(Bucket=bucket, Key="smp")["Body"].read() == data


# ---------------------------------------------------------------- request ids, log


def test_request_id_on_every_response(raw, s3, bucket):
    s3.put_object(Bucket=bucket, Key="rid", Body=b"0123456789")
    etag = s3.head_object(Bucket=bucket, Key="rid")["ETag"]
    rs = [
        raw.request("GET", "/%s/rid" % bucket),                                  # 200
        raw.request("HEAD", "/%s/rid" % bucket),                                 # 200
        raw.request("GET", "/%s/rid" % bucket, headers={"Range": "bytes=0-1"}),  # 206
        raw.request("GET", "/%s/rid" % bucket, headers={"If-None-Match": etag}),  # 304
        raw.request("GET", "/%s/rid" % bucket, headers={"If-Match": '"x"'}),      # 412
        raw.request("GET", "/%s/rid" % bucket, headers={"Range": "bytes=50-"}),  # 416
        raw.request("GET", "/%s/nokey" % bucket),                                # 404
        raw.request("HEAD", "/%s/nokey" % bucket),                               # 404 no body
        raw.request("GET", "/%s/rid" % bucket, sign=False),                      # 403
        raw.request("GET", "/%s/rid" % bucket, secret="bad"),                    # 403
        raw.request("PUT", "/%s/x" % bucket, headers={"Content-MD5": "bad"}),    # 400
        raw.request("DELETE", "/%s/gone" % bucket),                              # 204
        raw.request("GET", "/"),                                                 # 200 list
    ]
    ids = []
    for r in rs:
        rid = r.header("x-amz-request-id")
        assert rid, r
        assert r.header_count("x-amz-request-id") == 1, r
        if r.body and r.code:
            assert r.text("RequestId") == rid, r
        ids.append(rid)
    assert len(set(ids)) == len(ids), ids
    assert [r.status for r in rs] == [200, 200, 206, 304, 412, 416, 404, 404, 403, 403, 400,
                                      204, 200]


def _log_lines_with(server, needle, deadline=3.0):
    end = time.time() + deadline
    while True:
        lines = [ln for ln in server.read_log().splitlines() if needle in ln]
        if lines or time.time() > end:
            return lines
        time.sleep(0.1)


def test_access_log(server, raw, s3, presigner, bucket):
    key = "logged-" + os.urandom(6).hex()
    sigs_before = len(raw.signatures)
    put = raw.request("PUT", "/%s/%s" % (bucket, key), body=b"log me")
    get = raw.request("GET", "/%s/%s" % (bucket, key))
    miss = raw.request("GET", "/%s/%s-missing" % (bucket, key))
    bad = raw.request("GET", "/%s/%s" % (bucket, key), secret="wrong-secret-value")
    url = presigner.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key},
                                    ExpiresIn=300)
    presig = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["X-Amz-Signature"][0]
    pst = urllib.request.urlopen(url, timeout=10)
    pres_id = pst.headers.get("x-amz-request-id")
    pst.read()
    assert [put.status, get.status, miss.status, bad.status] == [200, 200, 404, 403]

    for resp, status, op in ((put, 200, "PutObject"), (get, 200, "GetObject"),
                             (miss, 404, "GetObject"), (bad, 403, None)):
        rid = resp.header("x-amz-request-id")
        lines = _log_lines_with(server, rid)
        assert len(lines) == 1, "request %s: %d log lines: %r" % (rid, len(lines), lines)
        ln = lines[0]
        assert re.search(r"(^|[^0-9.])%d([^0-9.]|$)" % status, ln), ln
        assert AKID in ln, ln
        assert key in ln, ln
        assert "127.0.0.1" in ln, ln
        assert bucket in ln, ln
        if op:
            assert op in ln, ln
    lines = _log_lines_with(server, pres_id)
    assert len(lines) == 1, lines
    assert AKID in lines[0] and key in lines[0]

    log = server.read_log()
    assert SECRET not in log
    assert "wrong-secret-value" not in log
    assert presig not in log
    for sig in raw.signatures[sigs_before:]:
        assert sig not in log, "signature %s appears in the log" % sig


def test_streaming_truncated_body(raw, s3, bucket):
    s3.put_object(Bucket=bucket, Key="trunc", Body=b"old")
    data = os.urandom(200_000)
    for mode in (STREAMING_SIGNED, STREAMING_UNSIGNED_TRAILER):
        trailers = [("x-amz-checksum-crc32", checksum_b64("crc32", data))] \
            if mode == STREAMING_UNSIGNED_TRAILER else None
        for cut in (100, 70_000, 200_000):
            r = raw.streaming_put("/%s/trunc" % bucket, data, mode, trailers=trailers,
                                  truncate_to=cut)
            assert r.status == 0 or r.status >= 400, (mode, cut, r)
    time.sleep(0.3)
    assert s3.get_object(Bucket=bucket, Key="trunc")["Body"].read() == b"old"


@pytest.mark.parametrize("how", ["bad-hex", "size-too-big", "missing-crlf", "no-final-chunk",
                                 "data-after-end"])
def test_streaming_bad_framing(raw, s3, bucket, how):
    data = os.urandom(100_000)
    ck = [("x-amz-checksum-crc32", checksum_b64("crc32", data))]

    def mangle(body):
        if how == "bad-hex":
            return body.replace(b"10000\r\n", b"1zz00\r\n", 1)
        if how == "size-too-big":
            return body.replace(b"10000\r\n", b"10010\r\n", 1)
        if how == "missing-crlf":
            i = body.index(b"\r\n") + 2 + 65536
            return body[:i] + body[i + 2:]
        if how == "no-final-chunk":
            return body[:body.rindex(b"0\r\n")]
        return body + b"5\r\nextra\r\n"
    r = raw.streaming_put("/%s/frame" % bucket, data, STREAMING_UNSIGNED_TRAILER,
                          trailers=ck, mangle=mangle)
    assert r.status == 400, r
    assert absent(s3, bucket, "frame")
