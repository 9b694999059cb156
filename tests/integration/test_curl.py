"""curl 7.88 --aws-sigv4 against a real coffer server: raw S3 REST calls.

curl 7.88 signs every header given with -H and uses the x-amz-content-sha256
value we pass as the payload hash, but it does not add that header itself (S3
requires it) and it does not sort the query string: queries below are written
already sorted and percent-encoded the way SigV4 canonicalises them."""
import hashlib
import os
import re
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

CURL = "/usr/bin/curl"
NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
UNSIGNED = "UNSIGNED-PAYLOAD"
EMPTY_SHA = hashlib.sha256(b"").hexdigest()


class Resp:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def xml(self):
        assert self.body, "expected an XML body, got nothing (status %d)" % self.status
        return ET.fromstring(self.body)

    def __repr__(self):
        return "<%d %r %r>" % (self.status, self.headers, self.body[:2000])


def enc(key):
    """SigV4 URI encoding of an object key (slashes kept)."""
    return urllib.parse.quote(key, safe="-_.~/")


def qenc(v):
    return urllib.parse.quote(v, safe="-_.~")


@pytest.fixture
def curl(server, tmp_path):
    """curl(method, path, *extra, sha=..., user=..., region=..., auth=True) -> Resp."""
    if not (os.path.isfile(CURL) and os.access(CURL, os.X_OK)):
        pytest.fail("curl is missing at %s (make test installs it via scripts/deps.sh)" % CURL)
    n = [0]

    def run(method, path, *extra, sha=UNSIGNED, user=None, region=None, auth=True, timeout=60):
        n[0] += 1
        body_f = tmp_path / ("curl-body-%d" % n[0])
        cmd = [CURL, "-sS", "-o", str(body_f), "-D", "-"]
        cmd += ["-I"] if method == "HEAD" else ["-X", method]
        if auth:
            cmd += ["--aws-sigv4", "aws:amz:%s:s3" % (region or server.region),
                    "--user", user or "%s:%s" % (server.akid, server.secret)]
        if sha is not None:
            cmd += ["-H", "x-amz-content-sha256: " + sha]
        cmd += [*extra, server.endpoint + path]
        p = subprocess.run(cmd, capture_output=True, timeout=timeout)
        assert p.returncode == 0, "curl failed (%d): %s" % (p.returncode, p.stderr.decode("utf-8", "replace"))
        # the last header block is the final response (skips "100 Continue")
        blocks = [b for b in re.split(r"\r?\n\r?\n", p.stdout.decode("iso-8859-1")) if b.startswith("HTTP/")]
        lines = blocks[-1].splitlines()
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        # with -I curl writes the headers to -o: a HEAD response has no body to show
        body = body_f.read_bytes() if body_f.exists() and method != "HEAD" else b""
        return Resp(status, headers, body)

    return run


def assert_error(r, status, code, message=None):
    assert r.status == status, r
    root = r.xml()
    assert root.tag == "Error", r
    assert root.findtext("Code") == code, r
    if message is not None:
        assert root.findtext("Message") == message, r
    # every S3 error carries a request id, in the body and in x-amz-request-id
    rid = r.headers.get("x-amz-request-id")
    assert rid, "missing x-amz-request-id header: %r" % r
    assert root.findtext("RequestId") == rid, r
    assert "xml" in r.headers.get("content-type", ""), r
    return root


def test_curl_put_get_head_delete(curl, s3, bucket, tmp_path):
    data = os.urandom(3000) + b"tail"
    f = tmp_path / "up.bin"
    f.write_bytes(data)
    key = "dir/up load.bin"
    r = curl("PUT", "/%s/%s" % (bucket, enc(key)), "-T", str(f),
             "-H", "Content-Type: application/x-curl", "-H", "x-amz-meta-note: hi there",
             sha=hashlib.sha256(data).hexdigest())
    assert r.status == 200, r
    assert r.headers["etag"] == '"%s"' % hashlib.md5(data).hexdigest()
    assert r.headers.get("x-amz-request-id")

    o = s3.get_object(Bucket=bucket, Key=key)
    assert o["Body"].read() == data
    assert o["ContentType"] == "application/x-curl"
    assert o["Metadata"] == {"note": "hi there"}

    r = curl("GET", "/%s/%s" % (bucket, enc(key)))
    assert r.status == 200, r
    assert r.body == data
    assert r.headers["content-length"] == str(len(data))
    assert r.headers["content-type"] == "application/x-curl"
    assert r.headers["x-amz-meta-note"] == "hi there"

    r = curl("HEAD", "/%s/%s" % (bucket, enc(key)))
    assert r.status == 200, r
    assert r.headers["content-length"] == str(len(data))
    assert r.headers["etag"] == '"%s"' % hashlib.md5(data).hexdigest()
    assert re.match(r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$",
                    r.headers["last-modified"]), r.headers
    assert r.headers["x-amz-meta-note"] == "hi there"

    # UNSIGNED-PAYLOAD upload also works
    r = curl("PUT", "/%s/unsigned.txt" % bucket, "-T", str(f))
    assert r.status == 200, r
    assert s3.get_object(Bucket=bucket, Key="unsigned.txt")["Body"].read() == data

    r = curl("DELETE", "/%s/%s" % (bucket, enc(key)))
    assert r.status == 204, r
    assert r.body == b""
    r = curl("DELETE", "/%s/%s" % (bucket, enc(key)))
    assert r.status == 204, r  # deleting a missing key is not an error
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])] == ["unsigned.txt"]


def test_curl_range_and_response_overrides(curl, s3, bucket):
    data = b"0123456789abcdefghij"
    s3.put_object(Bucket=bucket, Key="r.txt", Body=data, ContentType="application/octet-stream")

    r = curl("GET", "/%s/r.txt" % bucket, "-H", "Range: bytes=2-5")
    assert r.status == 206, r
    assert r.body == data[2:6]
    assert r.headers["content-range"] == "bytes 2-5/20"
    assert r.headers["content-length"] == "4"

    etag = '"%s"' % hashlib.md5(data).hexdigest()
    r = curl("GET", "/%s/r.txt" % bucket, "-H", "If-None-Match: " + etag)
    assert r.status == 304 and r.body == b"", r
    assert r.headers["etag"] == etag
    r = curl("GET", "/%s/r.txt" % bucket, "-H", 'If-Match: "00000000000000000000000000000000"')
    assert_error(r, 412, "PreconditionFailed")

    r = curl("GET", "/%s/r.txt" % bucket, "-H", "Range: bytes=30-40")
    root = assert_error(r, 416, "InvalidRange")

    q = "&".join([
        "response-cache-control=" + qenc("no-cache"),
        "response-content-disposition=" + qenc('attachment; filename="x.txt"'),
        "response-content-type=" + qenc("text/plain"),
    ])
    r = curl("GET", "/%s/r.txt?%s" % (bucket, q))
    assert r.status == 200, r
    assert r.body == data
    assert r.headers["content-type"] == "text/plain"
    assert r.headers["cache-control"] == "no-cache"
    assert r.headers["content-disposition"] == 'attachment; filename="x.txt"'


def test_curl_list_buckets_and_objects_v2(curl, s3, bucket):
    keys = ["a.txt", "b/1.txt", "b/2.txt", "c d.txt", "e\u00e9.txt"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())

    r = curl("GET", "/", sha=EMPTY_SHA)
    assert r.status == 200, r
    root = r.xml()
    assert root.tag == NS + "ListAllMyBucketsResult", r
    assert bucket in [b.findtext(NS + "Name") for b in root.iter(NS + "Bucket")]
    assert root.find(NS + "Owner/" + NS + "ID") is not None

    r = curl("GET", "/%s?list-type=2" % bucket)
    assert r.status == 200, r
    root = r.xml()
    assert root.tag == NS + "ListBucketResult", r
    assert root.findtext(NS + "Name") == bucket
    assert root.findtext(NS + "KeyCount") == "5"
    assert root.findtext(NS + "MaxKeys") == "1000"
    assert root.findtext(NS + "IsTruncated") == "false"
    contents = root.findall(NS + "Contents")
    assert [c.findtext(NS + "Key") for c in contents] == keys
    for c in contents:
        k = c.findtext(NS + "Key")
        assert c.findtext(NS + "Size") == str(len(k.encode()))
        assert c.findtext(NS + "ETag") == '"%s"' % hashlib.md5(k.encode()).hexdigest()
        assert c.findtext(NS + "StorageClass") == "STANDARD"
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$", c.findtext(NS + "LastModified"))

    # pagination with continuation tokens
    got, token = [], None
    for _ in range(5):
        q = "list-type=2&max-keys=2"
        if token:
            q = "continuation-token=%s&%s" % (qenc(token), q)
        r = curl("GET", "/%s?%s" % (bucket, q))
        assert r.status == 200, r
        root = r.xml()
        got += [c.findtext(NS + "Key") for c in root.findall(NS + "Contents")]
        assert root.findtext(NS + "MaxKeys") == "2"
        if root.findtext(NS + "IsTruncated") == "false":
            assert root.find(NS + "NextContinuationToken") is None
            break
        token = root.findtext(NS + "NextContinuationToken")
        assert token
    assert got == keys

    r = curl("GET", "/%s?delimiter=%s&list-type=2&prefix=%s" % (bucket, qenc("/"), qenc("b/")))
    assert r.status == 200, r
    root = r.xml()
    assert [c.findtext(NS + "Key") for c in root.findall(NS + "Contents")] == ["b/1.txt", "b/2.txt"]
    assert root.findtext(NS + "Prefix") == "b/"
    assert root.findtext(NS + "Delimiter") == "/"

    r = curl("GET", "/%s?delimiter=%s&list-type=2" % (bucket, qenc("/")))
    root = r.xml()
    assert [p.findtext(NS + "Prefix") for p in root.findall(NS + "CommonPrefixes")] == ["b/"]
    assert root.findtext(NS + "KeyCount") == "4"


def test_curl_bucket_create_location_delete(curl, s3):
    name = "curl-bucket-%d" % os.getpid()
    r = curl("PUT", "/" + name, sha=EMPTY_SHA)
    assert r.status == 200, r
    assert r.headers.get("location") == "/" + name
    s3.head_bucket(Bucket=name)

    r = curl("HEAD", "/" + name, sha=EMPTY_SHA)
    assert r.status == 200, r
    assert r.headers.get("x-amz-bucket-region") == "us-east-1"

    # us-east-1 is reported as an empty LocationConstraint
    r = curl("GET", "/%s?location=" % name, sha=EMPTY_SHA)
    assert r.status == 200, r
    root = r.xml()
    assert root.tag == NS + "LocationConstraint" and not (root.text or "").strip(), r

    r = curl("PUT", "/" + name, sha=EMPTY_SHA)
    # re-creating a bucket you own: 200 in us-east-1 (legacy) or BucketAlreadyOwnedByYou
    if r.status != 200:
        assert_error(r, 409, "BucketAlreadyOwnedByYou")

    s3.put_object(Bucket=name, Key="k", Body=b"x")
    r = curl("DELETE", "/" + name, sha=EMPTY_SHA)
    assert_error(r, 409, "BucketNotEmpty")
    s3.delete_object(Bucket=name, Key="k")
    r = curl("DELETE", "/" + name, sha=EMPTY_SHA)
    assert r.status == 204, r
    r = curl("HEAD", "/" + name, sha=EMPTY_SHA)
    assert r.status == 404, r

    r = curl("PUT", "/Bad_Bucket_Name", sha=EMPTY_SHA)
    assert_error(r, 400, "InvalidBucketName")


def test_curl_error_no_such_key_and_bucket(curl, bucket):
    r = curl("GET", "/%s/missing/key.txt" % bucket)
    root = assert_error(r, 404, "NoSuchKey", "The specified key does not exist.")
    assert root.findtext("Key") == "missing/key.txt"

    r = curl("HEAD", "/%s/missing/key.txt" % bucket)
    assert r.status == 404, r
    assert r.headers.get("x-amz-request-id")

    r = curl("GET", "/no-such-bucket-coffer-xyz/k")
    root = assert_error(r, 404, "NoSuchBucket", "The specified bucket does not exist")
    assert root.findtext("BucketName") == "no-such-bucket-coffer-xyz"

    r = curl("GET", "/no-such-bucket-coffer-xyz?list-type=2")
    assert_error(r, 404, "NoSuchBucket")


def test_curl_wrong_secret_is_signature_mismatch(curl, server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"secret stuff")
    r = curl("GET", "/%s/k" % bucket, user="%s:%s" % (server.akid, "x" * 40))
    root = assert_error(r, 403, "SignatureDoesNotMatch")
    assert root.findtext("Message").startswith("The request signature we calculated does not match")
    assert b"secret stuff" not in r.body

    r = curl("PUT", "/%s/k" % bucket, "--data-binary", "overwrite", user="%s:%s" % (server.akid, "x" * 40))
    assert_error(r, 403, "SignatureDoesNotMatch")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"secret stuff"


def test_curl_unknown_access_key(curl, bucket):
    r = curl("GET", "/%s?list-type=2" % bucket, user="AKIANOTAREALKEY00000:whatever")
    root = assert_error(r, 403, "InvalidAccessKeyId",
                        "The AWS Access Key Id you provided does not exist in our records.")
    assert root.findtext("AWSAccessKeyId") == "AKIANOTAREALKEY00000"


def test_curl_no_auth_is_access_denied(curl, s3, bucket):
    s3.put_object(Bucket=bucket, Key="private.txt", Body=b"private")
    r = curl("GET", "/%s/private.txt" % bucket, auth=False, sha=None)
    assert_error(r, 403, "AccessDenied")

    r = curl("GET", "/%s?list-type=2" % bucket, auth=False, sha=None)
    assert_error(r, 403, "AccessDenied")
    r = curl("PUT", "/%s/anon.txt" % bucket, "--data-binary", "anon", auth=False, sha=None)
    assert_error(r, 403, "AccessDenied")
    r = curl("DELETE", "/%s/private.txt" % bucket, auth=False, sha=None)
    assert_error(r, 403, "AccessDenied")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["private.txt"]


def test_curl_wrong_region_in_scope(curl, bucket):
    r = curl("GET", "/%s?list-type=2" % bucket, region="eu-west-1")
    root = assert_error(r, 400, "AuthorizationHeaderMalformed")
    assert root.findtext("Region") == "us-east-1"


def test_curl_missing_content_sha256_header(curl, bucket):
    # S3 requires x-amz-content-sha256 on every header-signed SigV4 request
    r = curl("GET", "/%s?list-type=2" % bucket, sha=None)
    root = assert_error(r, 400, "InvalidRequest")
    assert "x-amz-content-sha256" in root.findtext("Message")


def test_curl_payload_integrity_errors(curl, s3, bucket, tmp_path):
    f = tmp_path / "p.txt"
    f.write_bytes(b"payload that will be checked\n")

    r = curl("PUT", "/%s/sha.txt" % bucket, "-T", str(f), sha=hashlib.sha256(b"other").hexdigest())
    assert_error(r, 400, "XAmzContentSHA256Mismatch")

    r = curl("PUT", "/%s/md5.txt" % bucket, "-T", str(f),
             "-H", "Content-MD5: " + "1B2M2Y8AsgTpgAmY7PhCfg==")  # md5 of the empty string
    assert_error(r, 400, "BadDigest")

    r = curl("PUT", "/%s/md5bad.txt" % bucket, "-T", str(f), "-H", "Content-MD5: not-base64!")
    assert_error(r, 400, "InvalidDigest")

    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0, "failed uploads must not create objects"


def test_curl_put_with_http_chunked_transfer_encoding(curl, s3, bucket, tmp_path):
    # HTTP/1.1 chunked framing without Content-Length (not aws-chunked): S3 accepts it
    # (ceph s3-tests test_object_write_with_chunked_transfer_encoding expects 200 too)
    data = b"streamed with chunked framing\n" * 5000
    f = tmp_path / "chunked.bin"
    f.write_bytes(data)
    r = curl("PUT", "/%s/chunked.bin" % bucket, "-H", "Transfer-Encoding: chunked",
             "--data-binary", "@" + str(f), sha=hashlib.sha256(data).hexdigest())
    assert r.status == 200, r
    assert r.headers["etag"] == '"%s"' % hashlib.md5(data).hexdigest()
    o = s3.get_object(Bucket=bucket, Key="chunked.bin")
    assert o["ContentLength"] == len(data)
    assert o["Body"].read() == data


def test_curl_put_acl_subresource_never_writes_the_object(curl, s3, bucket):
    # PUT /bucket/key?acl is PutObjectAcl, not PutObject: whether the server applies it or
    # refuses it (e.g. 501 NotImplemented), the object's bytes must stay as they were.
    # (s3cmd cp/mv/modify send exactly this request after copying.)
    s3.put_object(Bucket=bucket, Key="acl.txt", Body=b"original bytes")
    acl = ('<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>x</ID></Owner>'
           '<AccessControlList/></AccessControlPolicy>')
    r = curl("PUT", "/%s/acl.txt?acl=" % bucket, "--data-binary", acl)
    o = s3.get_object(Bucket=bucket, Key="acl.txt")
    assert o["Body"].read() == b"original bytes", "PUT ?acl replaced the object (response %r)" % r
    assert r.status in (200, 400, 403, 501), r
    if r.status != 200:
        assert r.xml().findtext("Code"), r

    r = curl("PUT", "/%s?acl=" % bucket, "--data-binary", acl)
    assert r.status in (200, 400, 403, 501), r
    assert s3.get_object(Bucket=bucket, Key="acl.txt")["Body"].read() == b"original bytes"


def test_server_log_has_no_secret(server):
    log = server.read_log()
    assert "PUT" in log, "no access log lines on the server's stderr"
    assert server.secret not in log
    assert server.secret.replace("/", "%2F") not in log
