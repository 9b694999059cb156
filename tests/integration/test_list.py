"""ListObjectsV2 and ListObjects (v1) against a real coffer: prefix, delimiter,
common prefixes, max-keys, continuation tokens, start-after, markers,
encoding-type=url, fetch-owner, and a 2,500-key pagination run."""
import concurrent.futures
import re
import urllib.parse

import pytest

from sigv4_client import SigV4Client, expect_error

KEYS = ["a/1.txt", "a/2.txt", "a/b/3.txt", "a/b/4.txt", "b/5.txt", "c.txt",
        "d/7.txt", "d/e/f/6.txt", "e.txt"]


@pytest.fixture(scope="module")
def raw(server):
    return SigV4Client.for_server(server)


@pytest.fixture
def filled(s3, bucket):
    for k in KEYS:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    return bucket


def keys_of(page):
    return [o["Key"] for o in page.get("Contents", [])]


def prefixes_of(page):
    return [p["Prefix"] for p in page.get("CommonPrefixes", [])]


# ---------------------------------------------------------------- v2


def test_v2_all(s3, filled):
    r = s3.list_objects_v2(Bucket=filled)
    assert keys_of(r) == KEYS
    assert r["KeyCount"] == len(KEYS)
    assert r["IsTruncated"] is False
    assert r["Name"] == filled
    assert r["MaxKeys"] == 1000
    assert "NextContinuationToken" not in r
    for o in r["Contents"]:
        assert o["Size"] == len(o["Key"])
        assert o["ETag"].startswith('"') and len(o["ETag"]) == 34
        assert o["StorageClass"] == "STANDARD"
        assert "Owner" not in o, "v2 returns Owner only with fetch-owner=true"


def test_v2_raw_xml_shape(raw, filled):
    r = raw.request("GET", "/" + filled, query=[("list-type", "2"), ("prefix", "a/"),
                                                ("delimiter", "/")])
    assert r.status == 200, r
    x = r.xml
    assert x.tag == "ListBucketResult"
    assert x.findtext("Name") == filled
    assert x.findtext("Prefix") == "a/"
    assert x.findtext("Delimiter") == "/"
    assert x.findtext("KeyCount") == "3"
    assert x.findtext("MaxKeys") == "1000"
    assert x.findtext("IsTruncated") == "false"
    assert [c.findtext("Key") for c in x.findall("Contents")] == ["a/1.txt", "a/2.txt"]
    assert [c.findtext("Prefix") for c in x.findall("CommonPrefixes")] == ["a/b/"]
    lm = x.find("Contents").findtext("LastModified")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z", lm), lm


@pytest.mark.parametrize("prefix,want", [
    ("a/", ["a/1.txt", "a/2.txt", "a/b/3.txt", "a/b/4.txt"]),
    ("a/b", ["a/b/3.txt", "a/b/4.txt"]),
    ("d/e/f/6.txt", ["d/e/f/6.txt"]),
    ("zzz", []),
    ("", KEYS),
])
def test_v2_prefix(s3, filled, prefix, want):
    r = s3.list_objects_v2(Bucket=filled, Prefix=prefix)
    assert keys_of(r) == want
    assert r["KeyCount"] == len(want)
    assert r.get("Prefix", "") == prefix


@pytest.mark.parametrize("prefix,delim,keys,prefixes", [
    ("", "/", ["c.txt", "e.txt"], ["a/", "b/", "d/"]),
    ("a/", "/", ["a/1.txt", "a/2.txt"], ["a/b/"]),
    ("d/", "/", ["d/7.txt"], ["d/e/"]),
    ("d/e/", "/", [], ["d/e/f/"]),
    ("", ".", [], ["a/1.", "a/2.", "a/b/3.", "a/b/4.", "b/5.", "c.", "d/7.", "d/e/f/6.", "e."]),
    ("a/", "b/", ["a/1.txt", "a/2.txt"], ["a/b/"]),
])
def test_v2_delimiter(s3, filled, prefix, delim, keys, prefixes):
    r = s3.list_objects_v2(Bucket=filled, Prefix=prefix, Delimiter=delim)
    assert keys_of(r) == keys
    assert prefixes_of(r) == prefixes
    assert r["KeyCount"] == len(keys) + len(prefixes)


def _walk_v2(s3, bucket, **kw):
    pages, token = [], None
    while True:
        args = dict(kw)
        if token:
            args["ContinuationToken"] = token
        r = s3.list_objects_v2(Bucket=bucket, **args)
        pages.append(r)
        if token:
            assert r["ContinuationToken"] == token
        if not r["IsTruncated"]:
            assert "NextContinuationToken" not in r
            return pages
        token = r["NextContinuationToken"]
        assert token
        assert len(pages) < 100


def test_v2_pagination_with_delimiter(s3, filled):
    pages = _walk_v2(s3, filled, Delimiter="/", MaxKeys=2)
    seq = [sorted(keys_of(p) + prefixes_of(p)) for p in pages]
    assert seq == [["a/", "b/"], ["c.txt", "d/"], ["e.txt"]]
    assert [p["KeyCount"] for p in pages] == [2, 2, 1]
    assert [p["IsTruncated"] for p in pages] == [True, True, False]


def test_v2_pagination_plain(s3, filled):
    pages = _walk_v2(s3, filled, MaxKeys=4)
    assert [keys_of(p) for p in pages] == [KEYS[0:4], KEYS[4:8], KEYS[8:]]
    assert all(p["MaxKeys"] == 4 for p in pages)


def test_v2_start_after(s3, filled):
    r = s3.list_objects_v2(Bucket=filled, StartAfter="a/b/4.txt")
    assert keys_of(r) == KEYS[4:]
    assert r["StartAfter"] == "a/b/4.txt"
    r = s3.list_objects_v2(Bucket=filled, StartAfter="c")       # not itself a key
    assert keys_of(r) == ["c.txt", "d/7.txt", "d/e/f/6.txt", "e.txt"]
    r = s3.list_objects_v2(Bucket=filled, StartAfter="zzz")
    assert keys_of(r) == [] and r["KeyCount"] == 0
    # start-after with a delimiter: the prefix "a/" group is skipped entirely
    r = s3.list_objects_v2(Bucket=filled, StartAfter="a/zzz", Delimiter="/")
    assert keys_of(r) == ["c.txt", "e.txt"] and prefixes_of(r) == ["b/", "d/"]


def test_v2_fetch_owner(s3, filled):
    r = s3.list_objects_v2(Bucket=filled, FetchOwner=True)
    owner_id = s3.list_buckets()["Owner"]["ID"]
    for o in r["Contents"]:
        assert o["Owner"]["ID"] == owner_id


def test_v2_bad_arguments(raw, filled):
    for q, code in [([("list-type", "2"), ("max-keys", "-1")], "InvalidArgument"),
                    ([("list-type", "2"), ("max-keys", "abc")], "InvalidArgument"),
                    ([("list-type", "2"), ("encoding-type", "bogus")], "InvalidArgument"),
                    ([("list-type", "2"), ("continuation-token", "!!garbage!!")],
                     "InvalidArgument")]:
        r = raw.request("GET", "/" + filled, query=q)
        assert (r.status, r.code) == (400, code), (q, r)


# ---------------------------------------------------------------- v1


def test_v1_all_and_owner(s3, filled):
    r = s3.list_objects(Bucket=filled)
    assert keys_of(r) == KEYS
    assert r["IsTruncated"] is False
    assert r.get("Marker", "") == ""
    owner_id = s3.list_buckets()["Owner"]["ID"]
    assert all(o["Owner"]["ID"] == owner_id for o in r["Contents"])


def test_v1_marker(s3, filled):
    r = s3.list_objects(Bucket=filled, Marker="b/5.txt")
    assert keys_of(r) == ["c.txt", "d/7.txt", "d/e/f/6.txt", "e.txt"]
    assert r["Marker"] == "b/5.txt"


def test_v1_next_marker_only_with_delimiter(raw, filled):
    # without a delimiter: truncated, but no NextMarker (client uses last Key)
    r = raw.request("GET", "/" + filled, query=[("max-keys", "3")])
    assert r.status == 200, r
    assert r.text("IsTruncated") == "true"
    assert r.xml.find("NextMarker") is None, r.body
    assert [c.findtext("Key") for c in r.xml.findall("Contents")] == KEYS[:3]
    # with a delimiter: NextMarker is the last key or common prefix returned
    r = raw.request("GET", "/" + filled, query=[("max-keys", "2"), ("delimiter", "/")])
    assert r.text("IsTruncated") == "true"
    assert r.text("NextMarker") == "b/", r.body


def test_v1_pagination(s3, filled):
    seq, marker = [], ""
    for _ in range(20):
        r = s3.list_objects(Bucket=filled, Delimiter="/", MaxKeys=2, Marker=marker)
        seq += keys_of(r) + prefixes_of(r)
        if not r["IsTruncated"]:
            break
        marker = r["NextMarker"]
    assert seq == ["a/", "b/", "c.txt", "d/", "e.txt"]
    seq, marker = [], ""
    for _ in range(20):
        r = s3.list_objects(Bucket=filled, MaxKeys=4, Marker=marker)
        seq += keys_of(r)
        if not r["IsTruncated"]:
            break
        marker = r["Contents"][-1]["Key"]
    assert seq == KEYS


# ---------------------------------------------------------------- encoding-type=url

ODD_KEYS = ["sp ace/one two", "uni/ü€😀", "plus/a+b", "pct/100%", "ctl/\x01bell\x07",
            "amp/&<>", "sp ace/zz"]


def _dec(s):
    return urllib.parse.unquote_plus(s) if s is not None else None


def test_encoding_type_url_v2(s3, raw, bucket):
    for k in ODD_KEYS:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    r = raw.request("GET", "/" + bucket, query=[("list-type", "2"), ("encoding-type", "url")])
    assert r.status == 200, r
    assert r.text("EncodingType") == "url"
    got = [c.findtext("Key") for c in r.xml.findall("Contents")]
    assert [_dec(k) for k in got] == sorted(ODD_KEYS, key=lambda k: k.encode())
    for k in got:
        assert re.fullmatch(r"[\x21-\x7e]+", k), "not URL-encoded: %r" % k
    # Prefix, Delimiter and StartAfter are encoded as well
    r = raw.request("GET", "/" + bucket, query=[
        ("list-type", "2"), ("encoding-type", "url"), ("prefix", "sp ace/"),
        ("delimiter", " "), ("start-after", "sp ace/a b")])
    assert r.status == 200, r
    assert r.text("Prefix") != "sp ace/" and _dec(r.text("Prefix")) == "sp ace/"
    assert _dec(r.text("Delimiter")) == " " and r.text("Delimiter") != " "
    assert _dec(r.text("StartAfter")) == "sp ace/a b"
    assert [_dec(c.findtext("Key")) for c in r.xml.findall("Contents")] == ["sp ace/zz"]
    assert [_dec(c.findtext("Prefix")) for c in r.xml.findall("CommonPrefixes")] == [
        "sp ace/one "]


def test_encoding_type_url_v1(s3, raw, bucket):
    for k in ODD_KEYS:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    r = raw.request("GET", "/" + bucket, query=[
        ("encoding-type", "url"), ("marker", "amp/&<>"), ("max-keys", "2"),
        ("delimiter", "/")])
    assert r.status == 200, r
    assert r.text("EncodingType") == "url"
    assert _dec(r.text("Marker")) == "amp/&<>"
    items = [c.findtext("Key") for c in r.xml.findall("Contents")] + \
            [c.findtext("Prefix") for c in r.xml.findall("CommonPrefixes")]
    assert sorted(_dec(i) for i in items) == ["ctl/", "pct/"]
    assert r.text("IsTruncated") == "true"
    assert _dec(r.text("NextMarker")) == "pct/"
    # boto3 asks for url encoding itself and decodes: round trip must be exact
    assert keys_of(s3.list_objects(Bucket=bucket)) == sorted(ODD_KEYS, key=lambda k: k.encode())
    assert keys_of(s3.list_objects_v2(Bucket=bucket)) == sorted(ODD_KEYS,
                                                                key=lambda k: k.encode())


# ---------------------------------------------------------------- 2,500 keys

N = 2500


def _bigkey(i):
    return "d%02d/k%05d" % (i % 25, i)


def test_pagination_2500_keys(s3, bucket):
    want = sorted(_bigkey(i) for i in range(N))
    with concurrent.futures.ThreadPoolExecutor(16) as ex:
        list(ex.map(lambda i: s3.put_object(Bucket=bucket, Key=_bigkey(i), Body=b"%d" % i),
                    range(N)))
    try:
        pages = _walk_v2(s3, bucket)
        assert [len(keys_of(p)) for p in pages] == [1000, 1000, 500]
        got = [k for p in pages for k in keys_of(p)]
        assert got == want, "v2 default pagination: %d keys, %d unique" % (len(got),
                                                                          len(set(got)))
        pages = _walk_v2(s3, bucket, MaxKeys=333)
        got = [k for p in pages for k in keys_of(p)]
        assert len(pages) == 8
        assert got == want

        # max-keys above 1000 is capped at 1000
        r = s3.list_objects_v2(Bucket=bucket, MaxKeys=5000)
        assert len(keys_of(r)) == 1000 and r["IsTruncated"] is True

        # v1 by marker
        got, marker = [], ""
        for _ in range(10):
            r = s3.list_objects(Bucket=bucket, Marker=marker)
            got += keys_of(r)
            if not r["IsTruncated"]:
                break
            marker = keys_of(r)[-1]
        assert got == want

        # delimiter: 25 groups, paged 10 at a time
        pages = _walk_v2(s3, bucket, Delimiter="/", MaxKeys=10)
        assert [prefixes_of(p) for p in pages] == [
            ["d%02d/" % i for i in range(j, min(j + 10, 25))] for j in (0, 10, 20)]
        assert all(not keys_of(p) for p in pages)

        # prefix inside the big set
        r = s3.list_objects_v2(Bucket=bucket, Prefix="d07/")
        assert keys_of(r) == [k for k in want if k.startswith("d07/")]
        assert r["KeyCount"] == 100
    finally:
        for i in range(0, N, 1000):
            chunk = want[i:i + 1000]
            s3.delete_objects(Bucket=bucket, Delete={
                "Objects": [{"Key": k} for k in chunk], "Quiet": True})
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_v2_continuation_across_changes(s3, bucket):
    keys = ["k%02d" % i for i in range(20)]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    p1 = s3.list_objects_v2(Bucket=bucket, MaxKeys=5)
    assert keys_of(p1) == keys[:5]
    # between pages: the last key returned and a later key vanish, keys appear
    # on both sides of the resume point
    s3.delete_object(Bucket=bucket, Key="k04")
    s3.delete_object(Bucket=bucket, Key="k06")
    s3.put_object(Bucket=bucket, Key="k03a", Body=b"x")      # before the resume point
    s3.put_object(Bucket=bucket, Key="k10a", Body=b"x")      # after it
    got, token = [], p1["NextContinuationToken"]
    while token:
        r = s3.list_objects_v2(Bucket=bucket, MaxKeys=5, ContinuationToken=token)
        got += keys_of(r)
        token = r.get("NextContinuationToken")
    want = sorted(k for k in keys + ["k03a", "k10a"] if k > "k04" and k != "k06")
    assert got == want


def test_v1_marker_is_exclusive_and_need_not_exist(s3, filled):
    r = s3.list_objects(Bucket=filled, Marker="a/b/3.txt")
    assert keys_of(r)[0] == "a/b/4.txt"
    r = s3.list_objects(Bucket=filled, Marker="a/b/3.txz")
    assert keys_of(r)[0] == "a/b/4.txt"
    r = s3.list_objects(Bucket=filled, Marker="\U0010ffff")
    assert keys_of(r) == []
