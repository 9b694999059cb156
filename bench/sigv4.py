"""A small AWS Signature Version 4 presigner (query-string authentication), the
benchmark's only signer. Independent of coffer's code and of botocore: the URLs
it makes are what any S3 client would send, so each request still pays the
server's SigV4 verification. The payload is always UNSIGNED-PAYLOAD, as in
every presigned URL."""
import hashlib
import hmac
import time
from urllib.parse import quote

_keys = {}


def _enc(s, safe="-_.~"):
    return quote(s, safe=safe)


def signing_key(secret, date, region, service):
    k = (secret, date, region, service)
    if k not in _keys:
        h = hmac.new(("AWS4" + secret).encode(), date.encode(), hashlib.sha256).digest()
        for part in (region, service, "aws4_request"):
            h = hmac.new(h, part.encode(), hashlib.sha256).digest()
        _keys[k] = h
    return _keys[k]


def presign(method, host, path, akid, secret, query=None, region="us-east-1",
            service="s3", expires=3600, when=None):
    """Returns path?query for `method` on `path` (a raw, unencoded "/bucket/key")
    at `host` ("127.0.0.1:9000", exactly the Host header the client sends)."""
    t = time.gmtime(when if when is not None else time.time())
    amzdate = time.strftime("%Y%m%dT%H%M%SZ", t)
    date = amzdate[:8]
    scope = "%s/%s/%s/aws4_request" % (date, region, service)
    q = dict(query or {})
    q.update({"X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Credential": "%s/%s" % (akid, scope),
              "X-Amz-Date": amzdate, "X-Amz-Expires": str(expires), "X-Amz-SignedHeaders": "host"})
    cq = "&".join("%s=%s" % kv for kv in sorted((_enc(k), _enc(str(v))) for k, v in q.items()))
    uri = _enc(path, safe="/-_.~")
    creq = "\n".join((method, uri, cq, "host:" + host, "", "host", "UNSIGNED-PAYLOAD"))
    sts = "\n".join(("AWS4-HMAC-SHA256", amzdate, scope,
                     hashlib.sha256(creq.encode()).hexdigest()))
    sig = hmac.new(signing_key(secret, date, region, service), sts.encode(),
                   hashlib.sha256).hexdigest()
    return "%s?%s&X-Amz-Signature=%s" % (uri, cq, sig)
