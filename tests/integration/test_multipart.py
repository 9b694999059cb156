"""Multipart uploads against a real coffer: ETag, size and order rules,
NoSuchUpload, abort, ListParts / ListMultipartUploads pagination,
UploadPartCopy with ranges, COMPOSITE and FULL_OBJECT checksums."""
import base64
import hashlib
import os
import zlib

import pytest

from sigv4_client import (SigV4Client, checksum_b64, composite_checksum, expect_error,
                          multipart_etag)

MiB = 1024 * 1024
P5 = os.urandom(5 * MiB)            # a minimum-size non-last part (shared, read-only)


@pytest.fixture(scope="module")
def raw(server):
    return SigV4Client.for_server(server)


def hdrs(resp):
    return resp["ResponseMetadata"]["HTTPHeaders"]


def qetag(data):
    return '"%s"' % hashlib.md5(data).hexdigest()


def upload(s3, bucket, key, parts, **create):
    uid = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    done = []
    for i, p in enumerate(parts, 1):
        r = s3.upload_part(Bucket=bucket, Key=key, UploadId=uid, PartNumber=i, Body=p)
        assert r["ETag"] == qetag(p)
        done.append({"PartNumber": i, "ETag": r["ETag"]})
    return uid, done


def test_multipart_etag_and_content(s3, bucket):
    parts = [P5, os.urandom(5 * MiB), b"last small part"]
    uid, done = upload(s3, bucket, "mp/obj", parts, ContentType="application/x-mp",
                       Metadata={"k": "v"})
    r = s3.complete_multipart_upload(Bucket=bucket, Key="mp/obj", UploadId=uid,
                                     MultipartUpload={"Parts": done})
    want = multipart_etag(parts)
    assert r["ETag"] == want
    assert r["Key"] == "mp/obj" and r["Bucket"] == bucket
    whole = b"".join(parts)
    g = s3.get_object(Bucket=bucket, Key="mp/obj")
    assert g["ETag"] == want
    assert g["ContentLength"] == len(whole)
    assert g["ContentType"] == "application/x-mp"
    assert g["Metadata"] == {"k": "v"}
    assert hashlib.sha256(g["Body"].read()).digest() == hashlib.sha256(whole).digest()
    lst = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert [(o["Key"], o["Size"], o["ETag"]) for o in lst] == [("mp/obj", len(whole), want)]
    # the upload is gone once completed
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads")
    expect_error(s3.list_parts, 404, "NoSuchUpload", Bucket=bucket, Key="mp/obj", UploadId=uid)


def test_get_by_part_number(s3, bucket):
    tail = os.urandom(1000)
    uid, done = upload(s3, bucket, "pn", [P5, tail])
    s3.complete_multipart_upload(Bucket=bucket, Key="pn", UploadId=uid,
                                 MultipartUpload={"Parts": done})
    g = s3.get_object(Bucket=bucket, Key="pn", PartNumber=2)
    assert g["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert g["Body"].read() == tail
    assert g["PartsCount"] == 2
    assert g["ContentRange"] == "bytes %d-%d/%d" % (len(P5), len(P5) + 999, len(P5) + 1000)
    h = s3.head_object(Bucket=bucket, Key="pn", PartNumber=1)
    assert h["ContentLength"] == len(P5) and h["PartsCount"] == 2


def test_single_small_part(s3, bucket):
    uid, done = upload(s3, bucket, "one", [b"tiny"])
    r = s3.complete_multipart_upload(Bucket=bucket, Key="one", UploadId=uid,
                                     MultipartUpload={"Parts": done})
    assert r["ETag"] == multipart_etag([b"tiny"])
    assert s3.get_object(Bucket=bucket, Key="one")["Body"].read() == b"tiny"


def test_entity_too_small(s3, bucket):
    uid, done = upload(s3, bucket, "small", [b"a" * 1024, b"b" * 1024])
    expect_error(s3.complete_multipart_upload, 400, "EntityTooSmall", Bucket=bucket,
                 Key="small", UploadId=uid, MultipartUpload={"Parts": done})
    expect_error(s3.head_object, 404, "404", Bucket=bucket, Key="small")
    s3.abort_multipart_upload(Bucket=bucket, Key="small", UploadId=uid)


def test_invalid_part_order_and_invalid_part(s3, bucket):
    p2 = os.urandom(5 * MiB)
    uid, done = upload(s3, bucket, "ord", [P5, p2])
    expect_error(s3.complete_multipart_upload, 400, "InvalidPartOrder", Bucket=bucket,
                 Key="ord", UploadId=uid, MultipartUpload={"Parts": done[::-1]})
    wrong = [done[0], {"PartNumber": 2, "ETag": '"%s"' % ("0" * 32)}]
    expect_error(s3.complete_multipart_upload, 400, "InvalidPart", Bucket=bucket,
                 Key="ord", UploadId=uid, MultipartUpload={"Parts": wrong})
    missing = done + [{"PartNumber": 3, "ETag": done[0]["ETag"]}]
    expect_error(s3.complete_multipart_upload, 400, "InvalidPart", Bucket=bucket,
                 Key="ord", UploadId=uid, MultipartUpload={"Parts": missing})
    expect_error(s3.head_object, 404, "404", Bucket=bucket, Key="ord")
    # failed completions leave the upload usable
    r = s3.complete_multipart_upload(Bucket=bucket, Key="ord", UploadId=uid,
                                     MultipartUpload={"Parts": done})
    assert r["ETag"] == multipart_etag([P5, p2])
    assert s3.head_object(Bucket=bucket, Key="ord")["ContentLength"] == 10 * MiB


def test_complete_with_subset_of_parts(s3, bucket):
    p3 = b"third"
    uid, done = upload(s3, bucket, "subset", [P5, b"unused second", p3])
    use = [done[0], done[2]]
    r = s3.complete_multipart_upload(Bucket=bucket, Key="subset", UploadId=uid,
                                     MultipartUpload={"Parts": use})
    assert r["ETag"] == multipart_etag([P5, p3])
    assert s3.get_object(Bucket=bucket, Key="subset")["Body"].read() == P5 + p3


def test_part_overwrite(s3, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="re")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="re", UploadId=uid, PartNumber=1, Body=b"first try")
    e = s3.upload_part(Bucket=bucket, Key="re", UploadId=uid, PartNumber=1,
                       Body=b"second")["ETag"]
    parts = s3.list_parts(Bucket=bucket, Key="re", UploadId=uid)["Parts"]
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in parts] == [(1, e, 6)]
    s3.complete_multipart_upload(Bucket=bucket, Key="re", UploadId=uid,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e}]})
    assert s3.get_object(Bucket=bucket, Key="re")["Body"].read() == b"second"


def test_invalid_part_number(s3, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="pnum")["UploadId"]
    for n in (0, 10001):
        expect_error(s3.upload_part, 400, "InvalidArgument", Bucket=bucket, Key="pnum",
                     UploadId=uid, PartNumber=n, Body=b"x")
    s3.abort_multipart_upload(Bucket=bucket, Key="pnum", UploadId=uid)


def test_no_such_upload(s3, bucket):
    bogus = "bogus-upload-id-0000"
    expect_error(s3.upload_part, 404, "NoSuchUpload", Bucket=bucket, Key="k",
                 UploadId=bogus, PartNumber=1, Body=b"x")
    expect_error(s3.complete_multipart_upload, 404, "NoSuchUpload", Bucket=bucket, Key="k",
                 UploadId=bogus,
                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": qetag(b"x")}]})
    expect_error(s3.abort_multipart_upload, 404, "NoSuchUpload", Bucket=bucket, Key="k",
                 UploadId=bogus)
    expect_error(s3.list_parts, 404, "NoSuchUpload", Bucket=bucket, Key="k", UploadId=bogus)
    # an upload id is bound to its key
    uid = s3.create_multipart_upload(Bucket=bucket, Key="right")["UploadId"]
    expect_error(s3.upload_part, 404, "NoSuchUpload", Bucket=bucket, Key="wrong",
                 UploadId=uid, PartNumber=1, Body=b"x")
    s3.abort_multipart_upload(Bucket=bucket, Key="right", UploadId=uid)


def test_abort(s3, bucket):
    uid, done = upload(s3, bucket, "ab", [b"x" * 100, b"y" * 100])
    ups = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in ups] == [("ab", uid)]
    r = s3.abort_multipart_upload(Bucket=bucket, Key="ab", UploadId=uid)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads")
    expect_error(s3.upload_part, 404, "NoSuchUpload", Bucket=bucket, Key="ab", UploadId=uid,
                 PartNumber=3, Body=b"z")
    expect_error(s3.complete_multipart_upload, 404, "NoSuchUpload", Bucket=bucket, Key="ab",
                 UploadId=uid, MultipartUpload={"Parts": done})
    expect_error(s3.head_object, 404, "404", Bucket=bucket, Key="ab")


def test_list_parts_pagination(s3, bucket):
    bodies = [("part-%d-" % i).encode() * (i + 1) for i in range(1, 6)]
    uid, done = upload(s3, bucket, "lp", bodies)
    seen, marker, pages = [], 0, 0
    while True:
        r = s3.list_parts(Bucket=bucket, Key="lp", UploadId=uid, MaxParts=2,
                          PartNumberMarker=marker)
        pages += 1
        assert r["MaxParts"] == 2
        assert r["UploadId"] == uid and r["Key"] == "lp"
        assert r.get("PartNumberMarker", 0) == marker
        seen += [(p["PartNumber"], p["ETag"], p["Size"]) for p in r["Parts"]]
        if not r["IsTruncated"]:
            break
        assert r["NextPartNumberMarker"] == r["Parts"][-1]["PartNumber"]
        marker = r["NextPartNumberMarker"]
        assert pages < 10
    assert pages == 3
    assert seen == [(i, qetag(b), len(b)) for i, b in enumerate(bodies, 1)]
    r = s3.list_parts(Bucket=bucket, Key="lp", UploadId=uid, PartNumberMarker=3)
    assert [p["PartNumber"] for p in r["Parts"]] == [4, 5]
    s3.abort_multipart_upload(Bucket=bucket, Key="lp", UploadId=uid)


def test_list_multipart_uploads(s3, bucket):
    made = []
    for key in ("p/a", "p/b", "p/b", "p/c/d", "q/x"):
        made.append((key, s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]))
    try:
        r = s3.list_multipart_uploads(Bucket=bucket)
        assert sorted((u["Key"], u["UploadId"]) for u in r["Uploads"]) == sorted(made)
        assert [u["Key"] for u in r["Uploads"]] == sorted(u["Key"] for u in r["Uploads"])
        assert all(u.get("Initiated") for u in r["Uploads"])

        r = s3.list_multipart_uploads(Bucket=bucket, Prefix="p/")
        assert sorted(u["Key"] for u in r.get("Uploads", [])) == ["p/a", "p/b", "p/b", "p/c/d"]

        r = s3.list_multipart_uploads(Bucket=bucket, Prefix="p/", Delimiter="/")
        assert sorted(u["Key"] for u in r.get("Uploads", [])) == ["p/a", "p/b", "p/b"]
        assert [c["Prefix"] for c in r.get("CommonPrefixes", [])] == ["p/c/"]

        # key-marker alone: uploads for keys strictly after it
        r = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="p/b")
        assert sorted(u["Key"] for u in r.get("Uploads", [])) == ["p/c/d", "q/x"]

        # walk with max-uploads=1 and key-marker/upload-id-marker
        seen, km, um = [], None, None
        for _ in range(20):
            args = dict(Bucket=bucket, MaxUploads=1)
            if km is not None:
                args.update(KeyMarker=km, UploadIdMarker=um)
            r = s3.list_multipart_uploads(**args)
            ups = r.get("Uploads", [])
            assert len(ups) <= 1
            seen += [(u["Key"], u["UploadId"]) for u in ups]
            if not r["IsTruncated"]:
                break
            km, um = r["NextKeyMarker"], r["NextUploadIdMarker"]
            assert (km, um) == seen[-1]
        assert sorted(seen) == sorted(made) and len(seen) == len(made)
    finally:
        for key, uid in made:
            s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=uid)


def test_upload_part_copy_with_range(s3, bucket):
    src = os.urandom(6 * MiB + 500)
    s3.put_object(Bucket=bucket, Key="src", Body=src)
    uid = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    r1 = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=uid, PartNumber=1,
                             CopySource={"Bucket": bucket, "Key": "src"},
                             CopySourceRange="bytes=%d-%d" % (MiB, 6 * MiB - 1))
    assert r1["CopyPartResult"]["ETag"] == qetag(src[MiB:6 * MiB])
    assert r1["CopyPartResult"].get("LastModified")
    r2 = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=uid, PartNumber=2,
                             CopySource={"Bucket": bucket, "Key": "src"},
                             CopySourceRange="bytes=0-99")
    assert r2["CopyPartResult"]["ETag"] == qetag(src[:100])
    parts = [{"PartNumber": 1, "ETag": r1["CopyPartResult"]["ETag"]},
             {"PartNumber": 2, "ETag": r2["CopyPartResult"]["ETag"]}]
    r = s3.complete_multipart_upload(Bucket=bucket, Key="dst", UploadId=uid,
                                     MultipartUpload={"Parts": parts})
    assert r["ETag"] == multipart_etag([src[MiB:6 * MiB], src[:100]])
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == src[MiB:6 * MiB] + src[:100]


def test_upload_part_copy_bad_range(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789")
    uid = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    # real S3: 400 InvalidArgument "Range specified is not valid for source object of size: 10"
    expect_error(s3.upload_part_copy, 400, "InvalidArgument", Bucket=bucket, Key="dst",
                 UploadId=uid, PartNumber=1, CopySource={"Bucket": bucket, "Key": "src"},
                 CopySourceRange="bytes=5-20")
    # and for a value not of the form bytes=first-last
    expect_error(s3.upload_part_copy, 400, "InvalidArgument", Bucket=bucket, Key="dst",
                 UploadId=uid, PartNumber=1, CopySource={"Bucket": bucket, "Key": "src"},
                 CopySourceRange="0-5")
    expect_error(s3.upload_part_copy, 404, "NoSuchKey", Bucket=bucket, Key="dst",
                 UploadId=uid, PartNumber=1, CopySource={"Bucket": bucket, "Key": "nope"})
    s3.abort_multipart_upload(Bucket=bucket, Key="dst", UploadId=uid)


def test_composite_crc32_checksum(s3, bucket):
    parts = [P5, b"composite tail"]
    r = s3.create_multipart_upload(Bucket=bucket, Key="cc", ChecksumAlgorithm="CRC32")
    assert r.get("ChecksumAlgorithm") == "CRC32"
    uid = r["UploadId"]
    done = []
    for i, p in enumerate(parts, 1):
        u = s3.upload_part(Bucket=bucket, Key="cc", UploadId=uid, PartNumber=i, Body=p,
                           ChecksumAlgorithm="CRC32")
        assert u["ChecksumCRC32"] == checksum_b64("crc32", p)
        done.append({"PartNumber": i, "ETag": u["ETag"], "ChecksumCRC32": u["ChecksumCRC32"]})
    lp = s3.list_parts(Bucket=bucket, Key="cc", UploadId=uid)
    assert [p.get("ChecksumCRC32") for p in lp["Parts"]] == [d["ChecksumCRC32"] for d in done]
    c = s3.complete_multipart_upload(Bucket=bucket, Key="cc", UploadId=uid,
                                     MultipartUpload={"Parts": done})
    want = composite_checksum("crc32", parts)
    assert c.get("ChecksumCRC32") == want, hdrs(c)
    h = s3.head_object(Bucket=bucket, Key="cc", ChecksumMode="ENABLED")
    assert hdrs(h).get("x-amz-checksum-crc32") == want
    assert hdrs(h).get("x-amz-checksum-type") == "COMPOSITE"
    assert s3.get_object(Bucket=bucket, Key="cc")["Body"].read() == b"".join(parts)


def test_composite_part_checksum_mismatch(s3, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="cm", ChecksumAlgorithm="CRC32")[
        "UploadId"]
    expect_error(s3.upload_part, 400, "BadDigest", Bucket=bucket, Key="cm", UploadId=uid,
                 PartNumber=1, Body=b"data", ChecksumCRC32=checksum_b64("crc32", b"other"))
    assert not s3.list_parts(Bucket=bucket, Key="cm", UploadId=uid).get("Parts")
    s3.abort_multipart_upload(Bucket=bucket, Key="cm", UploadId=uid)


def _create_full_object(raw, bucket, key, alg="CRC32"):
    r = raw.request("POST", "/%s/%s" % (bucket, key), query=[("uploads", None)], headers={
        "x-amz-checksum-algorithm": alg, "x-amz-checksum-type": "FULL_OBJECT"})
    assert r.status == 200, r
    assert r.text("ChecksumAlgorithm") in (None, alg)
    assert r.header("x-amz-checksum-algorithm") == alg, r.headers
    assert r.header("x-amz-checksum-type") == "FULL_OBJECT", r.headers
    return r.text("UploadId")


def test_full_object_crc32_checksum(s3, raw, bucket):
    parts = [P5, os.urandom(777)]
    uid = _create_full_object(raw, bucket, "fo")
    done = []
    for i, p in enumerate(parts, 1):
        u = s3.upload_part(Bucket=bucket, Key="fo", UploadId=uid, PartNumber=i, Body=p,
                           ChecksumAlgorithm="CRC32")
        assert u["ChecksumCRC32"] == checksum_b64("crc32", p)
        done.append({"PartNumber": i, "ETag": u["ETag"], "ChecksumCRC32": u["ChecksumCRC32"]})
    whole = b"".join(parts)
    want = base64.b64encode((zlib.crc32(whole) & 0xFFFFFFFF).to_bytes(4, "big")).decode()
    c = s3.complete_multipart_upload(Bucket=bucket, Key="fo", UploadId=uid,
                                     MultipartUpload={"Parts": done}, ChecksumCRC32=want)
    assert c.get("ChecksumCRC32") == want, hdrs(c)
    assert c["ETag"] == multipart_etag(parts)
    h = s3.head_object(Bucket=bucket, Key="fo", ChecksumMode="ENABLED")
    assert hdrs(h).get("x-amz-checksum-crc32") == want
    assert hdrs(h).get("x-amz-checksum-type") == "FULL_OBJECT"


def test_full_object_wrong_final_checksum(s3, raw, bucket):
    parts = [P5, b"xyz"]
    uid = _create_full_object(raw, bucket, "fw")
    done = []
    for i, p in enumerate(parts, 1):
        u = s3.upload_part(Bucket=bucket, Key="fw", UploadId=uid, PartNumber=i, Body=p,
                           ChecksumAlgorithm="CRC32")
        done.append({"PartNumber": i, "ETag": u["ETag"], "ChecksumCRC32": u["ChecksumCRC32"]})
    bad = checksum_b64("crc32", b"".join(parts) + b"!")
    expect_error(s3.complete_multipart_upload, 400, "BadDigest", Bucket=bucket, Key="fw",
                 UploadId=uid, MultipartUpload={"Parts": done}, ChecksumCRC32=bad)
    expect_error(s3.head_object, 404, "404", Bucket=bucket, Key="fw")
    s3.abort_multipart_upload(Bucket=bucket, Key="fw", UploadId=uid)


def test_malformed_complete_xml(raw, s3, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="mx")["UploadId"]
    for body in (b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>",
                 b"not xml at all"):
        r = raw.request("POST", "/%s/mx" % bucket, query=[("uploadId", uid)], body=body)
        assert r.status == 400, r
        assert r.code == "MalformedXML", r
    r = raw.request("POST", "/%s/mx" % bucket, query=[("uploadId", uid)],
                    body=b"<CompleteMultipartUpload></CompleteMultipartUpload>")
    assert (r.status, r.code) == (400, "MalformedXML"), r
    s3.abort_multipart_upload(Bucket=bucket, Key="mx", UploadId=uid)
