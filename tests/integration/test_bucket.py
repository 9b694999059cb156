"""Bucket operations against a real coffer: create/head/list/delete, naming
rules, ownership conflicts, location constraints, virtual-hosted style."""
import datetime

import pytest

from conftest import Server
from sigv4_client import SigV4Client, expect_error, unique


@pytest.fixture(scope="module")
def raw(server):
    return SigV4Client.for_server(server)


def _drop(s3, name):
    try:
        s3.delete_bucket(Bucket=name)
    except Exception:
        pass


def test_create_head_list_delete(s3):
    name = unique("bkt")
    try:
        r = s3.create_bucket(Bucket=name)
        assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert r["ResponseMetadata"]["HTTPHeaders"].get("location") == "/" + name
        h = s3.head_bucket(Bucket=name)
        assert h["ResponseMetadata"]["HTTPStatusCode"] == 200

        lst = s3.list_buckets()
        assert lst["Owner"]["ID"], lst["Owner"]
        names = [b["Name"] for b in lst["Buckets"]]
        assert name in names
        assert names == sorted(names), "ListBuckets must be in alphabetical order"
        mine = [b for b in lst["Buckets"] if b["Name"] == name][0]
        now = datetime.datetime.now(datetime.timezone.utc)
        assert abs((now - mine["CreationDate"]).total_seconds()) < 300, mine

        d = s3.delete_bucket(Bucket=name)
        assert d["ResponseMetadata"]["HTTPStatusCode"] == 204
        expect_error(s3.head_bucket, 404, "404", Bucket=name)
        assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    finally:
        _drop(s3, name)


def test_missing_bucket(s3):
    name = unique("nosuch")
    expect_error(s3.head_bucket, 404, "404", Bucket=name)
    expect_error(s3.list_objects_v2, 404, "NoSuchBucket", Bucket=name)
    expect_error(s3.list_objects, 404, "NoSuchBucket", Bucket=name)
    expect_error(s3.delete_bucket, 404, "NoSuchBucket", Bucket=name)
    expect_error(s3.get_bucket_location, 404, "NoSuchBucket", Bucket=name)
    expect_error(s3.put_object, 404, "NoSuchBucket", Bucket=name, Key="k", Body=b"x")
    expect_error(s3.get_object, 404, "NoSuchBucket", Bucket=name, Key="k")


def test_missing_bucket_error_xml(raw):
    name = unique("nosuch")
    r = raw.request("GET", "/" + name)
    assert r.status == 404
    assert r.code == "NoSuchBucket"
    assert r.text("BucketName") == name, r.body
    assert r.text("RequestId") == r.header("x-amz-request-id"), r
    assert r.header("content-type", "").startswith("application/xml"), r.headers


BAD_NAMES = [
    "ab",                       # too short
    "a" * 64,                   # too long
    "Upper-case",               # uppercase
    "under_score",              # underscore
    "192.168.5.4",              # IP address form
    "xn--punycode",             # reserved prefix
    "sthree-bucket",            # reserved prefix
    "name-s3alias",             # reserved suffix
    "name--ol-s3",              # reserved suffix
    "two..dots",                # adjacent periods
    "-leading-dash",            # must begin with letter or digit
    "trailing-dash-",           # must end with letter or digit
    ".leading-dot",
    "trailing-dot.",
    "spa ce",
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_invalid_bucket_name(raw, s3, name):
    r = raw.request("PUT", "/" + name)
    try:
        assert r.status == 400, r
        assert r.code == "InvalidBucketName", r
    finally:
        if r.status == 200:
            _drop(s3, name)


def _edge_name(kind):
    import uuid
    h = uuid.uuid4().hex
    return {"len3": "z" + h[:2],
            "len63": ("edge-" + h + h)[:63],
            "dots": "a.b-c.9." + h[:12],
            "digit-start": "0-numeric-" + h[:12]}[kind]


@pytest.mark.parametrize("kind", ["len3", "len63", "dots", "digit-start"])
def test_valid_bucket_name_edges(s3, kind):
    name = _edge_name(kind)
    try:
        r = s3.create_bucket(Bucket=name)
        assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
        s3.head_bucket(Bucket=name)
        s3.put_object(Bucket=name, Key="k", Body=b"v")
        assert s3.get_object(Bucket=name, Key="k")["Body"].read() == b"v"
        s3.delete_object(Bucket=name, Key="k")
    finally:
        _drop(s3, name)


def test_bucket_already_owned_by_you(s3, bucket):
    # AWS answers 200 in us-east-1 for legacy reasons; coffer deliberately
    # answers 409 BucketAlreadyOwnedByYou everywhere.
    expect_error(s3.create_bucket, 409, "BucketAlreadyOwnedByYou", Bucket=bucket)
    # and the bucket is untouched
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    expect_error(s3.create_bucket, 409, "BucketAlreadyOwnedByYou", Bucket=bucket)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"


def test_location_constraint():
    # coffer serves one region (--region); a bucket is created where it lives.
    srv = Server(args=("--region", "eu-west-1"))
    try:
        srv.region = "eu-west-1"
        s3 = srv.client()
        raw = SigV4Client.for_server(srv)
        name = unique("eu")
        s3.create_bucket(Bucket=name,
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
        r = raw.request("GET", "/" + name, query=[("location", None)])
        assert r.status == 200, r
        assert r.xml.tag == "LocationConstraint"
        assert r.xml.text == "eu-west-1"
        h = raw.request("HEAD", "/" + name)
        assert h.status == 200
        assert h.header("x-amz-bucket-region") == "eu-west-1", h.headers
        # a constraint naming another region is refused like on a regional endpoint
        expect_error(s3.create_bucket, 400, "IllegalLocationConstraintException",
                     Bucket=unique("other"),
                     CreateBucketConfiguration={"LocationConstraint": "ap-south-1"})
        # requests signed for another region are refused
        r = SigV4Client(srv.endpoint, srv.akid, srv.secret, "us-east-1").request(
            "GET", "/" + name)
        assert (r.status, r.code) == (400, "AuthorizationHeaderMalformed"), r
        s3.delete_bucket(Bucket=name)
    finally:
        rc = srv.stop()
        log = srv.read_log()
        srv.cleanup()
        assert rc == 0, log[-4000:]
        assert "ERROR: AddressSanitizer" not in log, log[-8000:]


def test_other_region_constraint_on_us_east_1(s3):
    name = unique("eu")
    try:
        expect_error(s3.create_bucket, 400, "IllegalLocationConstraintException", Bucket=name,
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        expect_error(s3.head_bucket, 404, "404", Bucket=name)
    finally:
        _drop(s3, name)


def test_default_location_is_empty(s3, raw, bucket):
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] is None
    r = raw.request("GET", "/" + bucket, query=[("location", None)])
    assert r.status == 200, r
    assert r.xml.tag == "LocationConstraint"
    assert not (r.xml.text or "").strip(), r.body
    h = raw.request("HEAD", "/" + bucket)
    assert h.header("x-amz-bucket-region") == "us-east-1", h.headers


def test_invalid_location_constraint(s3):
    name = unique("loc")
    try:
        expect_error(s3.create_bucket, 400, "InvalidLocationConstraint", Bucket=name,
                     CreateBucketConfiguration={"LocationConstraint": "moon-central-7"})
        expect_error(s3.head_bucket, 404, "404", Bucket=name)
    finally:
        _drop(s3, name)


def test_create_bucket_malformed_configuration(raw, s3):
    name = unique("badxml")
    try:
        r = raw.request("PUT", "/" + name, body=b"<CreateBucketConfiguration><Location")
        assert r.status == 400, r
        assert r.code == "MalformedXML", r
    finally:
        _drop(s3, name)


def test_delete_non_empty_bucket(s3, bucket):
    s3.put_object(Bucket=bucket, Key="keep/me", Body=b"data")
    expect_error(s3.delete_bucket, 409, "BucketNotEmpty", Bucket=bucket)
    assert s3.get_object(Bucket=bucket, Key="keep/me")["Body"].read() == b"data"
    s3.delete_object(Bucket=bucket, Key="keep/me")
    assert s3.delete_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(s3.head_bucket, 404, "404", Bucket=bucket)


def test_recreate_after_delete(s3):
    name = unique("again")
    try:
        s3.create_bucket(Bucket=name)
        s3.put_object(Bucket=name, Key="old", Body=b"1")
        s3.delete_object(Bucket=name, Key="old")
        s3.delete_bucket(Bucket=name)
        s3.create_bucket(Bucket=name)
        assert s3.list_objects_v2(Bucket=name)["KeyCount"] == 0
    finally:
        try:
            s3.delete_object(Bucket=name, Key="old")
        except Exception:
            pass
        _drop(s3, name)


def test_virtual_hosted_style():
    srv = Server(args=("--domain", "s3.coffer.test"))
    try:
        s3 = srv.client()
        name = unique("vh")
        s3.create_bucket(Bucket=name)
        vh = SigV4Client.for_server(srv)
        vh.host_header = "%s.s3.coffer.test:%d" % (name, srv.port)
        r = vh.request("PUT", "/dir/obj.txt", body=b"virtual", headers={
            "Content-Type": "text/plain"})
        assert r.status == 200, r
        got = s3.get_object(Bucket=name, Key="dir/obj.txt")
        assert got["Body"].read() == b"virtual"
        assert got["ContentType"] == "text/plain"
        r = vh.request("GET", "/dir/obj.txt")
        assert r.status == 200 and r.body == b"virtual", r
        r = vh.request("GET", "/", query=[("list-type", "2")])
        assert r.status == 200, r
        assert r.text("Name") == name
        assert [c.findtext("Key") for c in r.xml.findall("Contents")] == ["dir/obj.txt"]
        # path style keeps working next to it
        assert s3.head_object(Bucket=name, Key="dir/obj.txt")["ContentLength"] == 7
        s3.delete_object(Bucket=name, Key="dir/obj.txt")
        s3.delete_bucket(Bucket=name)
    finally:
        rc = srv.stop()
        log = srv.read_log()
        srv.cleanup()
        assert rc == 0, log[-4000:]
        assert "ERROR: AddressSanitizer" not in log, log[-8000:]
