// AWS SDK for JavaScript v3 against a real coffer server.
// Run by tests/integration/test_js_sdk.py with:
//   COFFER_ENDPOINT, COFFER_ACCESS_KEY_ID, COFFER_SECRET_ACCESS_KEY, COFFER_REGION,
//   COFFER_BUCKET (an existing empty bucket), COFFER_STREAM_FILE (a 6 MiB file).
// Prints "ok - <step>" / "not ok - <step>: <why>" and exits 1 if any step failed.
// Checksums are recomputed here independently of the SDK.
import {
  S3Client, PutObjectCommand, GetObjectCommand, HeadObjectCommand, DeleteObjectsCommand,
  ListObjectsV2Command, CopyObjectCommand, DeleteObjectCommand, CreateBucketCommand,
  DeleteBucketCommand, HeadBucketCommand, GetBucketLocationCommand, ListBucketsCommand,
  CreateMultipartUploadCommand, UploadPartCopyCommand, CompleteMultipartUploadCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { createReadStream, readFileSync, statSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";

function need(k) {
  const v = process.env[k];
  if (!v) { console.error(`missing environment variable ${k}`); process.exit(2); }
  return v;
}
const endpoint = need("COFFER_ENDPOINT");
const Bucket = need("COFFER_BUCKET");
const streamFile = need("COFFER_STREAM_FILE");
const baseConfig = {
  endpoint,
  region: need("COFFER_REGION"),
  forcePathStyle: true,
  maxAttempts: 1,
  credentials: {
    accessKeyId: need("COFFER_ACCESS_KEY_ID"),
    secretAccessKey: need("COFFER_SECRET_ACCESS_KEY"),
  },
};
const s3 = new S3Client(baseConfig);
// a client that only sends checksums when an operation requires them
const plain = new S3Client({ ...baseConfig, requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED" });

const MiB = 1024 * 1024;

// ------------------------------------------------------------------ checksums
function crcTable32(poly) {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
}
const T32 = crcTable32(0xedb88320), T32C = crcTable32(0x82f63b78);
function crc32With(t, buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = t[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
const T64 = (() => {
  const poly = 0x9a6c9329ac4bc9b5n, t = new Array(256);
  for (let i = 0n; i < 256n; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
    t[Number(i)] = c;
  }
  return t;
})();
function crc64nvme(buf) {
  const M = 0xffffffffffffffffn;
  let c = M;
  for (let i = 0; i < buf.length; i++) c = T64[Number((c ^ BigInt(buf[i])) & 0xffn)] ^ (c >> 8n);
  return (c ^ M) & M;
}
const be32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
const be64 = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(n); return b; };
const raw = {
  CRC32: (b) => be32(crc32With(T32, b)),
  CRC32C: (b) => be32(crc32With(T32C, b)),
  CRC64NVME: (b) => be64(crc64nvme(b)),
  SHA1: (b) => createHash("sha1").update(b).digest(),
  SHA256: (b) => createHash("sha256").update(b).digest(),
};
const b64 = (algo, b) => raw[algo](b).toString("base64");
const md5 = (b) => createHash("md5").update(b).digest("hex");
const sha256hex = (b) => createHash("sha256").update(b).digest("hex");

// self-check against the published check values for "123456789"
{
  const v = Buffer.from("123456789");
  const want = { CRC32: "cbf43926", CRC32C: "e3069283", CRC64NVME: "ae8b14860a799888" };
  for (const [a, hex] of Object.entries(want)) {
    if (raw[a](v).toString("hex") !== hex) { console.error(`self-test of ${a} failed`); process.exit(2); }
  }
}

// ------------------------------------------------------------------ harness
function assert(cond, msg) { if (!cond) throw new Error(msg); }
function eq(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}
function bufEq(actual, expected, what) {
  if (!Buffer.from(actual).equals(Buffer.from(expected))) {
    throw new Error(`${what}: bytes differ (got ${actual.length} bytes, expected ${expected.length};` +
      ` sha256 ${sha256hex(Buffer.from(actual))} vs ${sha256hex(Buffer.from(expected))})`);
  }
}
async function bodyBytes(resp) { return Buffer.from(await resp.Body.transformToByteArray()); }
async function expectError(promise, name, status, what) {
  try {
    await promise;
  } catch (e) {
    eq(e.name, name, `${what}: error name`);
    eq(e.$metadata?.httpStatusCode, status, `${what}: HTTP status`);
    return e;
  }
  throw new Error(`${what}: expected ${name} (${status}) but the call succeeded`);
}
// records the headers of the last request each client sent
const lastHeaders = new Map();
for (const [name, c] of [["s3", s3], ["plain", plain]]) {
  c.middlewareStack.add((next) => async (args) => {
    lastHeaders.set(name, { ...args.request.headers });
    return next(args);
  }, { step: "finalizeRequest", name: `capture-${name}`, priority: "low" });
}
const steps = [];
const step = (name, fn) => steps.push([name, fn]);

// ------------------------------------------------------------------ steps
step("PutObject string body (x-amz-checksum-crc32 header) / GetObject", async () => {
  const text = "hello from the JS SDK \u2713 \u65e5\u672c";
  const bytes = Buffer.from(text, "utf8");
  const put = await s3.send(new PutObjectCommand({ Bucket, Key: "js/string.txt", Body: text,
    ContentType: "text/plain; charset=utf-8", Metadata: { origin: "js-sdk" } }));
  eq(lastHeaders.get("s3")["x-amz-checksum-crc32"], b64("CRC32", bytes), "test premise: CRC32 header sent");
  eq(put.ETag, `"${md5(bytes)}"`, "PutObject ETag");
  eq(put.ChecksumCRC32, b64("CRC32", bytes), "PutObject echoes ChecksumCRC32");
  const get = await s3.send(new GetObjectCommand({ Bucket, Key: "js/string.txt" }));
  bufEq(await bodyBytes(get), bytes, "GetObject body");
  eq(get.ContentLength, bytes.length, "ContentLength");
  eq(get.ContentType, "text/plain; charset=utf-8", "ContentType");
  eq(get.Metadata?.origin, "js-sdk", "user metadata");
  eq(get.ETag, put.ETag, "GetObject ETag");
});

step("PutObject Buffer body / GetObject", async () => {
  const data = randomBytes(256 * 1024 + 7);
  const put = await s3.send(new PutObjectCommand({ Bucket, Key: "js/buffer.bin", Body: data }));
  eq(put.ETag, `"${md5(data)}"`, "ETag");
  const get = await s3.send(new GetObjectCommand({ Bucket, Key: "js/buffer.bin" }));
  bufEq(await bodyBytes(get), data, "GetObject body");
});

step("PutObject 6 MiB stream body (STREAMING-UNSIGNED-PAYLOAD-TRAILER, CRC32 trailer) / GetObject", async () => {
  const size = statSync(streamFile).size;
  const data = readFileSync(streamFile);
  const put = await s3.send(new PutObjectCommand({ Bucket, Key: "js/stream.bin",
    Body: createReadStream(streamFile), ContentLength: size }));
  const h = lastHeaders.get("s3");
  eq(h["x-amz-content-sha256"], "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "test premise: x-amz-content-sha256");
  eq(h["x-amz-trailer"], "x-amz-checksum-crc32", "test premise: x-amz-trailer");
  eq(h["content-encoding"], "aws-chunked", "test premise: content-encoding");
  eq(put.ETag, `"${md5(data)}"`, "ETag");
  eq(put.ChecksumCRC32, b64("CRC32", data), "ChecksumCRC32");
  const get = await s3.send(new GetObjectCommand({ Bucket, Key: "js/stream.bin" }));
  eq(get.ContentLength, size, "ContentLength");
  bufEq(await bodyBytes(get), data, "GetObject body");
});

step("GetObject/HeadObject ChecksumMode ENABLED returns the stored CRC32", async () => {
  const bytes = Buffer.from("checksum mode body\n".repeat(100));
  await s3.send(new PutObjectCommand({ Bucket, Key: "js/cmode.txt", Body: bytes }));
  const get = await s3.send(new GetObjectCommand({ Bucket, Key: "js/cmode.txt", ChecksumMode: "ENABLED" }));
  bufEq(await bodyBytes(get), bytes, "body");
  eq(get.ChecksumCRC32, b64("CRC32", bytes), "GetObject ChecksumCRC32");
  eq(get.ChecksumType, "FULL_OBJECT", "GetObject ChecksumType");
  const head = await s3.send(new HeadObjectCommand({ Bucket, Key: "js/cmode.txt", ChecksumMode: "ENABLED" }));
  eq(head.ChecksumCRC32, b64("CRC32", bytes), "HeadObject ChecksumCRC32");
  // without checksum mode no checksum header is returned
  const head2 = await s3.send(new HeadObjectCommand({ Bucket, Key: "js/cmode.txt" }));
  eq(head2.ChecksumCRC32, undefined, "HeadObject without ChecksumMode");
});

for (const [algo, mode] of [["CRC32C", "header"], ["CRC32C", "trailer"], ["SHA256", "header"],
  ["SHA256", "trailer"], ["CRC64NVME", "header"], ["CRC64NVME", "trailer"], ["SHA1", "trailer"]]) {
  step(`PutObject ChecksumAlgorithm ${algo} (${mode}) / GetObject ChecksumMode`, async () => {
    const data = randomBytes(100 * 1024 + 3);
    const Key = `js/algo-${algo}-${mode}.bin`;
    const Body = mode === "header" ? data : Readable.from([data.subarray(0, 50000), data.subarray(50000)]);
    const put = await s3.send(new PutObjectCommand({ Bucket, Key, Body, ChecksumAlgorithm: algo,
      ContentLength: data.length }));
    const h = lastHeaders.get("s3");
    if (mode === "header") eq(h[`x-amz-checksum-${algo.toLowerCase()}`], b64(algo, data), "test premise: header");
    else eq(h["x-amz-trailer"], `x-amz-checksum-${algo.toLowerCase()}`, "test premise: trailer");
    eq(put[`Checksum${algo}`], b64(algo, data), `PutObject Checksum${algo}`);
    const get = await s3.send(new GetObjectCommand({ Bucket, Key, ChecksumMode: "ENABLED" }));
    bufEq(await bodyBytes(get), data, "body");
    eq(get[`Checksum${algo}`], b64(algo, data), `GetObject Checksum${algo}`);
    eq(get.ChecksumCRC32, undefined, "only the stored algorithm is returned");
  });
}

step("object stored without any checksum gets the default CRC64NVME", async () => {
  const data = Buffer.from("no checksum was sent with this body");
  await plain.send(new PutObjectCommand({ Bucket, Key: "js/nochecksum.txt", Body: data }));
  const h = lastHeaders.get("plain");
  assert(!Object.keys(h).some((k) => k.startsWith("x-amz-checksum-")),
    `test premise: no checksum header expected, sent ${Object.keys(h)}`);
  const get = await s3.send(new GetObjectCommand({ Bucket, Key: "js/nochecksum.txt", ChecksumMode: "ENABLED" }));
  bufEq(await bodyBytes(get), data, "body");
  eq(get.ChecksumCRC64NVME, b64("CRC64NVME", data), "GetObject ChecksumCRC64NVME");
});

step("PutObject with a wrong x-amz-checksum-crc32 is rejected (BadDigest)", async () => {
  const data = Buffer.from("the checksum below is not of this body");
  const wrong = b64("CRC32", Buffer.from("something else"));
  await expectError(s3.send(new PutObjectCommand({ Bucket, Key: "js/bad-checksum.txt", Body: data,
    ChecksumCRC32: wrong })), "BadDigest", 400, "PutObject");
  await expectError(s3.send(new HeadObjectCommand({ Bucket, Key: "js/bad-checksum.txt" })),
    "NotFound", 404, "HeadObject after rejected put");
});

step("GetObject Range", async () => {
  const data = Buffer.from("0123456789".repeat(10));
  await s3.send(new PutObjectCommand({ Bucket, Key: "js/range.txt", Body: data }));
  const get = await s3.send(new GetObjectCommand({ Bucket, Key: "js/range.txt", Range: "bytes=10-24" }));
  eq(get.$metadata.httpStatusCode, 206, "status");
  eq(get.ContentRange, "bytes 10-24/100", "ContentRange");
  bufEq(await bodyBytes(get), data.subarray(10, 25), "range body");
});

step("lib-storage Upload: 12 MiB multipart with CRC32 (composite) checksums", async () => {
  const data = randomBytes(12 * MiB);
  const partSize = 5 * MiB;
  const up = new Upload({ client: s3, params: { Bucket, Key: "js/mpu-crc32.bin", Body: data,
    ChecksumAlgorithm: "CRC32" }, partSize, queueSize: 2, leavePartsOnError: false });
  const res = await up.done();
  const parts = [];
  for (let o = 0; o < data.length; o += partSize) parts.push(data.subarray(o, o + partSize));
  eq(parts.length, 3, "part count");
  const etag = `"${md5(Buffer.concat(parts.map((p) => createHash("md5").update(p).digest())))}-3"`;
  eq(res.ETag, etag, "CompleteMultipartUpload ETag");
  const composite = `${b64("CRC32", Buffer.concat(parts.map((p) => raw.CRC32(p))))}-3`;
  eq(res.ChecksumCRC32, composite, "CompleteMultipartUpload ChecksumCRC32 (composite)");
  const head = await s3.send(new HeadObjectCommand({ Bucket, Key: "js/mpu-crc32.bin", ChecksumMode: "ENABLED" }));
  eq(head.ContentLength, data.length, "ContentLength");
  eq(head.ETag, etag, "HeadObject ETag");
  eq(head.ChecksumCRC32, composite, "HeadObject ChecksumCRC32");
  eq(head.ChecksumType, "COMPOSITE", "HeadObject ChecksumType");
  const get = await s3.send(new GetObjectCommand({ Bucket, Key: "js/mpu-crc32.bin" }));
  bufEq(await bodyBytes(get), data, "GetObject body");
});

step("lib-storage Upload: 11 MiB multipart with CRC64NVME (full object) checksum", async () => {
  const data = randomBytes(11 * MiB + 12345);
  const up = new Upload({ client: s3, params: { Bucket, Key: "js/mpu-crc64.bin", Body: data,
    ChecksumAlgorithm: "CRC64NVME" }, partSize: 5 * MiB, queueSize: 3 });
  const res = await up.done();
  eq(res.ChecksumCRC64NVME, b64("CRC64NVME", data), "CompleteMultipartUpload ChecksumCRC64NVME");
  eq(res.ChecksumType, "FULL_OBJECT", "CompleteMultipartUpload ChecksumType");
  const get = await s3.send(new GetObjectCommand({ Bucket, Key: "js/mpu-crc64.bin", ChecksumMode: "ENABLED" }));
  bufEq(await bodyBytes(get), data, "GetObject body");
  eq(get.ChecksumCRC64NVME, b64("CRC64NVME", data), "GetObject ChecksumCRC64NVME");
});

step("lib-storage Upload: stream of unknown length (default checksum)", async () => {
  const chunks = [];
  for (let i = 0; i < 176; i++) chunks.push(createHash("sha512").update(`c${i}`).digest().toString("hex").repeat(512));
  const data = Buffer.from(chunks.join(""));  // 176 * 64 KiB = 11 MiB
  async function* gen() { for (let o = 0; o < data.length; o += 65536) yield data.subarray(o, o + 65536); }
  const up = new Upload({ client: s3, params: { Bucket, Key: "js/mpu-stream.bin", Body: Readable.from(gen()) },
    partSize: 5 * MiB, queueSize: 2 });
  const res = await up.done();
  assert(/-3"$/.test(res.ETag), `expected a 3-part ETag, got ${res.ETag}`);
  const get = await s3.send(new GetObjectCommand({ Bucket, Key: "js/mpu-stream.bin" }));
  eq(get.ContentLength, data.length, "ContentLength");
  bufEq(await bodyBytes(get), data, "GetObject body");
});

step("PutObject Content-MD5 (right and wrong)", async () => {
  const data = Buffer.from("content-md5 checked body");
  const ContentMD5 = createHash("md5").update(data).digest("base64");
  const put = await s3.send(new PutObjectCommand({ Bucket, Key: "js/md5.txt", Body: data, ContentMD5 }));
  eq(put.ETag, `"${md5(data)}"`, "ETag");
  const wrong = createHash("md5").update("other").digest("base64");
  await expectError(s3.send(new PutObjectCommand({ Bucket, Key: "js/md5-bad.txt", Body: data, ContentMD5: wrong })),
    "BadDigest", 400, "PutObject with wrong Content-MD5");
});

step("GetObject response-* overrides", async () => {
  const get = await s3.send(new GetObjectCommand({ Bucket, Key: "js/md5.txt",
    ResponseContentType: "text/x-override", ResponseContentDisposition: 'attachment; filename="o.txt"',
    ResponseCacheControl: "max-age=5", ResponseContentLanguage: "de", ResponseExpires: new Date("2030-01-01T00:00:00Z") }));
  await bodyBytes(get);
  eq(get.ContentType, "text/x-override", "ContentType");
  eq(get.ContentDisposition, 'attachment; filename="o.txt"', "ContentDisposition");
  eq(get.CacheControl, "max-age=5", "CacheControl");
  eq(get.ContentLanguage, "de", "ContentLanguage");
  eq(get.Expires?.toISOString(), "2030-01-01T00:00:00.000Z", "Expires");
});

step("bucket operations: Create/Head/GetBucketLocation/ListBuckets/Delete", async () => {
  const b = `${Bucket}-js`;
  const c = await s3.send(new CreateBucketCommand({ Bucket: b }));
  eq(c.Location, `/${b}`, "CreateBucket Location");
  const h = await s3.send(new HeadBucketCommand({ Bucket: b }));
  eq(h.BucketRegion, "us-east-1", "HeadBucket BucketRegion");
  const loc = await s3.send(new GetBucketLocationCommand({ Bucket: b }));
  assert(!loc.LocationConstraint, `us-east-1 has an empty LocationConstraint, got ${loc.LocationConstraint}`);
  const l = await s3.send(new ListBucketsCommand({}));
  assert((l.Buckets || []).some((x) => x.Name === b && x.CreationDate instanceof Date), "ListBuckets misses the new bucket");
  await s3.send(new DeleteBucketCommand({ Bucket: b }));
  await expectError(s3.send(new HeadBucketCommand({ Bucket: b })), "NotFound", 404, "HeadBucket after delete");
});

step("UploadPartCopy with CopySourceRange", async () => {
  const data = readFileSync(streamFile);
  const Key = "js/partcopy.bin";
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
  const cut = 5 * MiB;
  const p1 = await s3.send(new UploadPartCopyCommand({ Bucket, Key, UploadId, PartNumber: 1,
    CopySource: `${Bucket}/js/stream.bin`, CopySourceRange: `bytes=0-${cut - 1}` }));
  const p2 = await s3.send(new UploadPartCopyCommand({ Bucket, Key, UploadId, PartNumber: 2,
    CopySource: `${Bucket}/js/stream.bin`, CopySourceRange: `bytes=${cut}-${data.length - 1}` }));
  eq(p1.CopyPartResult?.ETag, `"${md5(data.subarray(0, cut))}"`, "part 1 ETag");
  eq(p2.CopyPartResult?.ETag, `"${md5(data.subarray(cut))}"`, "part 2 ETag");
  await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [
    { PartNumber: 1, ETag: p1.CopyPartResult.ETag }, { PartNumber: 2, ETag: p2.CopyPartResult.ETag }] } }));
  const get = await s3.send(new GetObjectCommand({ Bucket, Key }));
  bufEq(await bodyBytes(get), data, "assembled object");
});

step("CopyObject", async () => {
  const data = readFileSync(streamFile);
  const res = await s3.send(new CopyObjectCommand({ Bucket, Key: "js/copy of stream.bin",
    CopySource: `${Bucket}/js/stream.bin` }));
  eq(res.CopyObjectResult?.ETag, `"${md5(data)}"`, "CopyObjectResult ETag");
  const get = await s3.send(new GetObjectCommand({ Bucket, Key: "js/copy of stream.bin" }));
  bufEq(await bodyBytes(get), data, "copied body");
});

step("ListObjectsV2 with prefix, delimiter and continuation", async () => {
  const keys = ["list/a", "list/b/1", "list/b/2", "list/c", "list/d e"];
  for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
  const r = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "list/", Delimiter: "/" }));
  eq(JSON.stringify((r.Contents || []).map((o) => o.Key)), JSON.stringify(["list/a", "list/c", "list/d e"]), "Contents");
  eq(JSON.stringify((r.CommonPrefixes || []).map((p) => p.Prefix)), JSON.stringify(["list/b/"]), "CommonPrefixes");
  eq(r.KeyCount, 4, "KeyCount");
  eq(r.IsTruncated, false, "IsTruncated");
  const got = [];
  let ContinuationToken, pages = 0;
  do {
    const p = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "list/", MaxKeys: 2, ContinuationToken }));
    got.push(...(p.Contents || []).map((o) => o.Key));
    eq(p.MaxKeys, 2, "MaxKeys");
    ContinuationToken = p.IsTruncated ? p.NextContinuationToken : undefined;
    assert(!p.IsTruncated || ContinuationToken, "IsTruncated without NextContinuationToken");
    assert(++pages < 10, "pagination does not end");
  } while (ContinuationToken);
  eq(JSON.stringify(got), JSON.stringify(keys), "paginated keys");
  eq(pages, 3, "pages");
});

step("DeleteObjects (checksum header instead of Content-MD5)", async () => {
  const keys = ["del/1", "del/2", "del/3", "del/keep"];
  for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket, Key, Body: "x" }));
  const res = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: {
    Objects: [{ Key: "del/1" }, { Key: "del/2" }, { Key: "del/3" }, { Key: "del/never-existed" }] } }));
  const h = lastHeaders.get("s3");
  assert(!("content-md5" in h) && Object.keys(h).some((k) => k.startsWith("x-amz-checksum-")),
    `test premise: DeleteObjects should carry an x-amz-checksum-* header and no Content-MD5: ${Object.keys(h)}`);
  eq(JSON.stringify((res.Deleted || []).map((d) => d.Key).sort()),
    JSON.stringify(["del/1", "del/2", "del/3", "del/never-existed"]), "Deleted");
  eq((res.Errors || []).length, 0, "Errors");
  const l = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "del/" }));
  eq(JSON.stringify((l.Contents || []).map((o) => o.Key)), JSON.stringify(["del/keep"]), "left after delete");
});

step("errors: NoSuchKey, NotFound, NoSuchBucket", async () => {
  await expectError(s3.send(new GetObjectCommand({ Bucket, Key: "js/absent" })), "NoSuchKey", 404, "GetObject");
  await expectError(s3.send(new HeadObjectCommand({ Bucket, Key: "js/absent" })), "NotFound", 404, "HeadObject");
  await expectError(s3.send(new ListObjectsV2Command({ Bucket: "coffer-no-such-bucket-js" })),
    "NoSuchBucket", 404, "ListObjectsV2");
  // deleting a missing key succeeds
  const d = await s3.send(new DeleteObjectCommand({ Bucket, Key: "js/absent" }));
  eq(d.$metadata.httpStatusCode, 204, "DeleteObject status");
});

step("presigned GET and PUT URLs", async () => {
  const data = Buffer.from("presigned via the JS SDK");
  await s3.send(new PutObjectCommand({ Bucket, Key: "js/presigned.txt", Body: data }));
  const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: "js/presigned.txt" }), { expiresIn: 120 });
  assert(getUrl.includes("X-Amz-Signature="), `not a presigned URL: ${getUrl}`);
  let r = await fetch(getUrl);
  eq(r.status, 200, "presigned GET status");
  bufEq(Buffer.from(await r.arrayBuffer()), data, "presigned GET body");

  const up = Buffer.from("uploaded through a presigned PUT");
  const putUrl = await getSignedUrl(plain, new PutObjectCommand({ Bucket, Key: "js/presigned-put.txt" }), { expiresIn: 120 });
  r = await fetch(putUrl, { method: "PUT", body: up });
  eq(r.status, 200, `presigned PUT status (${await r.text()})`);
  const get = await s3.send(new GetObjectCommand({ Bucket, Key: "js/presigned-put.txt" }));
  bufEq(await bodyBytes(get), up, "object written by presigned PUT");
});

// ------------------------------------------------------------------ run
let failed = 0;
for (const [name, fn] of steps) {
  const t0 = Date.now();
  try {
    await fn();
    console.log(`ok - ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    const meta = e.$metadata ? ` [HTTP ${e.$metadata.httpStatusCode}, ${e.name}${e.Code ? "/" + e.Code : ""}]` : "";
    console.log(`not ok - ${name}: ${e.message}${meta}`);
    if (!e.$metadata && e.stack) console.log(e.stack.split("\n").slice(1, 4).join("\n"));
  }
}
console.log(failed ? `${failed} of ${steps.length} steps FAILED` : `ALL ${steps.length} STEPS OK`);
process.exit(failed ? 1 : 0);
