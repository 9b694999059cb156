#!/usr/bin/python3
"""crash.py - crash consistency of coffer under SIGKILL.

Each cycle runs concurrent S3 traffic (PUT of 0 B to 2.5 MiB, overwrites,
DELETE, CopyObject, multipart uploads, reads) and IAM changes (CreateUser,
CreateAccessKey, CreatePolicy, AttachUserPolicy) against a real server,
kills it with SIGKILL at a random moment, restarts it on the same data
directory and checks what a client may rely on:

- every acknowledged write reads back byte-identical, with the ETag it was
  acknowledged with and its Content-Type and x-amz-meta-* headers;
- a key with a write in flight at the kill holds the old or the new value,
  never a mix (the body's MD5 must be one of the candidates');
- an acknowledged delete stays deleted; acknowledged multipart completions
  are whole; acknowledged parts of open uploads are listed as acknowledged;
- listings agree with GETs (keys, sizes, ETags);
- after recovery no blob file is orphaned and none a row names is missing
  (store_check.py), and SQLite's integrity check passes;
- acknowledged IAM changes are there: the user, a working key, the policy,
  the attachment (the key can list the bucket only through that policy).

Every key belongs to one worker thread, so the candidates of a key are
exact: its last acknowledged state plus whatever was in flight on it.

    crash.py [--cycles N] [--bin PATH] [--seed S] [--workers W]

Prints one line per cycle and a summary; exits 1 on any violation."""
import argparse
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
sys.path.insert(0, HERE)

import botocore.exceptions  # noqa: E402
from botocore.config import Config  # noqa: E402
import boto3  # noqa: E402

import store_check  # noqa: E402
from conftest import BIN, Server  # noqa: E402

BUCKET = "crash"
SIZES = [0, 1, 17, 4096, 65536, 300 * 1024, 1024 * 1024 + 7, 2560 * 1024]
CTYPES = ["application/octet-stream", "text/plain; charset=utf-8", "image/png",
          "application/x-crash-test"]
KEYS_PER_WORKER = 6
PART = 5 * 1024 * 1024  # S3's minimum size of a part that is not the last

# Errors that mean "the server went away": the request is in flight, its
# outcome unknown. Anything else during traffic is a real failure.
GONE = (botocore.exceptions.EndpointConnectionError,
        botocore.exceptions.ConnectionClosedError,
        botocore.exceptions.ReadTimeoutError,
        botocore.exceptions.ConnectTimeoutError)
try:
    import urllib3.exceptions
    GONE = GONE + (urllib3.exceptions.ProtocolError,)
except ImportError:  # pragma: no cover
    pass


def gone(exc):
    if isinstance(exc, GONE):
        return True
    # botocore wraps some socket failures in its HTTPClientError
    return isinstance(exc, botocore.exceptions.HTTPClientError)


class Version:
    """One value a key can hold: what a GET must return for it."""
    __slots__ = ("md5", "size", "ctype", "meta", "etag")

    def __init__(self, md5, size, ctype, meta, etag=None):
        self.md5, self.size, self.ctype, self.meta, self.etag = md5, size, ctype, meta, etag

    def __repr__(self):
        return "Version(md5=%s size=%d etag=%s)" % (self.md5, self.size, self.etag)


def client(endpoint, akid, secret, service="s3"):
    cfg = Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1},
                 signature_version="s3v4" if service == "s3" else "v4",
                 connect_timeout=5, read_timeout=120, max_pool_connections=4)
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=akid, aws_secret_access_key=secret, config=cfg)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.acked = {}
        self.inflight = 0
        self.verified = 0
        self.early_kills = 0
        self.resolved = {"old": 0, "new": 0}
        self.violations = []

    def ack(self, op):
        with self.lock:
            self.acked[op] = self.acked.get(op, 0) + 1

    def violation(self, msg):
        with self.lock:
            self.violations.append(msg)
        print("VIOLATION: " + msg, flush=True)


class Worker:
    """Owns KEYS_PER_WORKER keys; runs one request at a time on them."""

    def __init__(self, n, rng, stats):
        self.n, self.rng, self.stats = n, rng, stats
        self.keys = ["w%02d/k%d" % (n, i) for i in range(KEYS_PER_WORKER)]
        # key -> list of candidate Versions (None = absent); the first is
        # the acknowledged state, later ones were in flight at a kill.
        self.state = {k: [None] for k in self.keys}
        self.uploads = {}  # upload id -> (key, {part number: etag}) still open
        self.counter = 0
        self.pending = None  # (key, version) a request in progress added

    # -- traffic --

    def body(self, size):
        return self.rng.randbytes(size)

    def new_meta(self):
        self.counter += 1
        return {"worker": str(self.n), "seq": str(self.counter)}

    def known(self, key):
        c = self.state[key]
        return c[0] if len(c) == 1 else "?"

    def settle(self, key, version):
        self.state[key] = [version]
        self.pending = None

    def in_flight(self, key, version):
        self.pending = None
        if version not in self.state[key]:
            self.state[key].append(version)
            self.pending = (key, version)

    def never_sent(self):
        """The connection was refused: the request never reached the
        server, so the key keeps its candidates of before."""
        if self.pending:
            key, version = self.pending
            self.state[key].remove(version)
            self.pending = None

    def run(self, s3, stop):
        while not stop.is_set():
            op = self.rng.choices(["put", "delete", "delete_many", "copy", "mpu", "get"],
                                  weights=[45, 9, 4, 15, 3, 24])[0]
            try:
                getattr(self, "op_" + op)(s3)
            except Exception as e:  # noqa: BLE001
                if isinstance(e, botocore.exceptions.EndpointConnectionError):
                    self.never_sent()
                if gone(e):
                    return
                self.stats.violation("worker %d: %s failed: %r" % (self.n, op, e))
                return

    def op_put(self, s3):
        key = self.rng.choice(self.keys)
        size = self.rng.choice(SIZES)
        data = self.body(size)
        ctype, meta = self.rng.choice(CTYPES), self.new_meta()
        v = Version(hashlib.md5(data).hexdigest(), size, ctype, meta)
        self.in_flight(key, v)
        r = s3.put_object(Bucket=BUCKET, Key=key, Body=data, ContentType=ctype, Metadata=meta)
        v.etag = r["ETag"].strip('"')
        if v.etag != v.md5:
            self.stats.violation("PUT %s: ETag %s is not the MD5 %s" % (key, v.etag, v.md5))
        self.settle(key, v)
        self.stats.ack("put")

    def op_delete(self, s3):
        key = self.rng.choice(self.keys)
        self.in_flight(key, None)
        s3.delete_object(Bucket=BUCKET, Key=key)
        self.settle(key, None)
        self.stats.ack("delete")

    def op_delete_many(self, s3):
        """DeleteObjects of two keys: one transaction each, so at a kill
        each key is old or deleted on its own."""
        keys = self.rng.sample(self.keys, 2)
        added = [k for k in keys if None not in self.state[k]]
        for k in added:
            self.state[k].append(None)
        self.pending = None
        try:
            r = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": k} for k in keys]})
        except botocore.exceptions.EndpointConnectionError:
            for k in added:
                self.state[k].remove(None)
            raise
        if r.get("Errors"):
            self.stats.violation("DeleteObjects: %r" % r["Errors"])
        for k in keys:
            self.settle(k, None)
        self.stats.ack("delete-objects")

    def op_copy(self, s3):
        srcs = [k for k in self.keys if isinstance(self.known(k), Version)]
        if not srcs:
            return self.op_put(s3)
        src = self.rng.choice(srcs)
        dst = self.rng.choice([k for k in self.keys if k != src])
        sv = self.known(src)
        v = Version(sv.md5, sv.size, sv.ctype, sv.meta)
        self.in_flight(dst, v)
        r = s3.copy_object(Bucket=BUCKET, Key=dst, CopySource={"Bucket": BUCKET, "Key": src})
        v.etag = r["CopyObjectResult"]["ETag"].strip('"')
        self.settle(dst, v)
        self.stats.ack("copy")

    def op_get(self, s3):
        key = self.rng.choice(self.keys)
        want = self.known(key)
        if want == "?":
            return
        self.check_key(s3, key, [want], during_traffic=True)

    def op_mpu(self, s3):
        key = self.rng.choice(self.keys)
        ctype, meta = self.rng.choice(CTYPES), self.new_meta()
        up = s3.create_multipart_upload(Bucket=BUCKET, Key=key, ContentType=ctype, Metadata=meta)
        uid = up["UploadId"]
        parts = {}
        self.uploads[uid] = (key, parts)
        self.stats.ack("create-upload")
        datas = [self.body(PART), self.body(self.rng.choice([1, 100 * 1024, 700 * 1024]))]
        done = []
        for i, data in enumerate(datas, 1):
            r = s3.upload_part(Bucket=BUCKET, Key=key, UploadId=uid, PartNumber=i, Body=data)
            parts[i] = (r["ETag"].strip('"'), len(data))
            done.append({"PartNumber": i, "ETag": r["ETag"]})
            self.stats.ack("upload-part")
        whole = b"".join(datas)
        v = Version(hashlib.md5(whole).hexdigest(), len(whole), ctype, meta)
        self.in_flight(key, v)
        r = s3.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=uid,
                                         MultipartUpload={"Parts": done})
        v.etag = r["ETag"].strip('"')
        del self.uploads[uid]
        self.settle(key, v)
        self.stats.ack("complete-upload")

    # -- verification --

    def check_key(self, s3, key, candidates, during_traffic=False):
        """GETs key; returns (the candidate it matches or "bad", what was read)."""
        try:
            r = s3.get_object(Bucket=BUCKET, Key=key)
            data = r["Body"].read()
            got = Version(hashlib.md5(data).hexdigest(), len(data), r.get("ContentType"),
                          r.get("Metadata", {}), r["ETag"].strip('"'))
        except Exception as e:  # noqa: BLE001
            code = (getattr(e, "response", None) or {}).get("Error", {}).get("Code")
            if code != "NoSuchKey":
                if during_traffic:
                    raise
                self.stats.violation("%s: GET failed: %r" % (key, e))
                return "bad", None
            got = None
        for c in candidates:
            if c is None and got is None:
                return c, got
            if c is None or got is None:
                continue
            if (c.md5 == got.md5 and c.size == got.size and c.ctype == got.ctype and
                    c.meta == got.meta and (c.etag is None or c.etag == got.etag)):
                if c.etag is None and "-" not in got.etag and got.etag != got.md5:
                    self.stats.violation("%s: ETag %s is not the body's MD5 %s"
                                         % (key, got.etag, got.md5))
                return c, got
        self.stats.violation("%s%s: read %r, expected one of %r"
                             % (key, " (during traffic)" if during_traffic else "", got,
                                candidates))
        return "bad", got

    def verify(self, s3):
        """After a restart: every key against its candidates; collapses the
        state to what is stored. Returns {key: Version} of present keys."""
        present = {}
        for key in self.keys:
            cands = self.state[key]
            match, got = self.check_key(s3, key, cands)
            self.stats.verified += 1
            # Later cycles go on from what is stored, even after a violation.
            if match != "bad" and len(cands) > 1:
                self.stats.resolved["old" if match is cands[0] else "new"] += 1
            self.state[key] = [got]
            if got is not None:
                present[key] = got
        return present

    def verify_uploads(self, s3, listed):
        """Open uploads keep their acknowledged parts; then they are aborted."""
        for uid, (key, parts) in list(self.uploads.items()):
            if uid not in listed:
                # Completed at the kill (the key's candidates cover it) or never created.
                del self.uploads[uid]
                continue
            got = {p["PartNumber"]: (p["ETag"].strip('"'), p["Size"])
                   for p in s3.list_parts(Bucket=BUCKET, Key=key, UploadId=uid).get("Parts", [])}
            for n, want in parts.items():
                if got.get(n) != want:
                    self.stats.violation("upload %s part %d: listed %r, acknowledged %r"
                                         % (key, n, got.get(n), want))
            s3.abort_multipart_upload(Bucket=BUCKET, Key=key, UploadId=uid)
            self.stats.ack("abort-upload")
            del self.uploads[uid]


class IamWorker:
    """Creates users with a key and a policy attached; remembers what was
    acknowledged."""

    def __init__(self, rng, stats):
        self.rng, self.stats = rng, stats
        self.users = {}  # name -> {"key": (akid, secret) | None, "policy": arn | None, "attached": bool}
        self.n = 0

    def run(self, iam, stop, cycle):
        doc = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::" + BUCKET}]})
        while not stop.is_set():
            self.n += 1
            name = "crash-c%d-u%d" % (cycle, self.n)
            try:
                iam.create_user(UserName=name)
                u = self.users[name] = {"key": None, "policy": None, "attached": False}
                self.stats.ack("iam-create-user")
                k = iam.create_access_key(UserName=name)["AccessKey"]
                u["key"] = (k["AccessKeyId"], k["SecretAccessKey"])
                self.stats.ack("iam-create-access-key")
                arn = iam.create_policy(PolicyName="p-" + name, PolicyDocument=doc)["Policy"]["Arn"]
                u["policy"] = arn
                self.stats.ack("iam-create-policy")
                iam.attach_user_policy(UserName=name, PolicyArn=arn)
                u["attached"] = True
                self.stats.ack("iam-attach-user-policy")
            except Exception as e:  # noqa: BLE001
                if gone(e):
                    return
                self.stats.violation("iam: %r" % e)
                return

    def verify(self, endpoint, iam, names):
        for name in names:
            u = self.users[name]
            try:
                iam.get_user(UserName=name)
                if u["key"]:
                    keys = [k["AccessKeyId"] for k in
                            iam.list_access_keys(UserName=name)["AccessKeyMetadata"]]
                    if u["key"][0] not in keys:
                        self.stats.violation("iam: key of %s lost" % name)
                    sts = client(endpoint, *u["key"], service="sts")
                    who = sts.get_caller_identity()["Arn"]
                    if not who.endswith(":user/" + name):
                        self.stats.violation("iam: key of %s is %s" % (name, who))
                if u["policy"]:
                    iam.get_policy(PolicyArn=u["policy"])
                if u["attached"]:
                    arns = [p["PolicyArn"] for p in
                            iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]]
                    if u["policy"] not in arns:
                        self.stats.violation("iam: attachment of %s lost" % name)
                    # The key works for S3 only through the attached policy.
                    client(endpoint, *u["key"]).list_objects_v2(Bucket=BUCKET, MaxKeys=1)
                self.stats.verified += 1
            except botocore.exceptions.ClientError as e:
                self.stats.violation("iam: acknowledged %s: %r" % (name, e))


def list_all(s3):
    out = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for o in page.get("Contents", []):
            out[o["Key"]] = (o["Size"], o["ETag"].strip('"'))
    return out


def run(args):
    rng = random.Random(args.seed)
    stats = Stats()
    srv = Server(binary=args.bin)
    print("crash: %s, data %s, seed %d, %d cycles, %d workers"
          % (args.bin, srv.data, args.seed, args.cycles, args.workers), flush=True)
    s3 = srv.client()
    s3.create_bucket(Bucket=BUCKET)
    workers = [Worker(i, random.Random(rng.random()), stats) for i in range(args.workers)]
    iamw = IamWorker(random.Random(rng.random()), stats)
    t0 = time.time()
    try:
        for cycle in range(1, args.cycles + 1):
            stop = threading.Event()
            threads = []
            for w in workers:
                c = client(srv.endpoint, srv.akid, srv.secret)
                threads.append(threading.Thread(target=w.run, args=(c, stop)))
            iam = client(srv.endpoint, srv.akid, srv.secret, service="iam")
            before = set(iamw.users)
            threads.append(threading.Thread(target=iamw.run, args=(iam, stop, cycle)))
            for t in threads:
                t.start()
            time.sleep(rng.uniform(args.min_run, args.max_run))
            srv.proc.send_signal(signal.SIGKILL)
            srv.proc.wait()
            stop.set()
            for t in threads:
                t.join()
            srv.stop()
            if args.sabotage:
                sabotage(srv.data, rng)
            if rng.random() < 0.3:
                # A crash during recovery: recovery must be repeatable.
                kill_early(srv, rng.uniform(0.0, 0.2))
                stats.early_kills += 1
            srv.start()  # recovery runs before the first request is answered
            for p in store_check.check(srv.data):
                stats.violation("cycle %d after recovery: %s" % (cycle, p))
            s3 = srv.client()
            present = {}
            for w in workers:
                present.update(w.verify(s3))
            listed = list_all(s3)
            for key in set(listed) | set(present):
                g, li = present.get(key), listed.get(key)
                if g is None or li is None or li != (g.size, g.etag):
                    stats.violation("cycle %d: listing %r disagrees with GET %r for %s"
                                    % (cycle, li, g, key))
            uploads = {u["UploadId"] for u in
                       s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])}
            for w in workers:
                w.verify_uploads(s3, uploads)
            # Uploads whose creation was in flight: nobody knows their id.
            for u in s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []):
                s3.abort_multipart_upload(Bucket=BUCKET, Key=u["Key"], UploadId=u["UploadId"])
            new = [n for n in iamw.users if n not in before]
            old = [n for n in before]
            iamw.verify(srv.endpoint, iam_client(srv), new + rng.sample(old, min(3, len(old))))
            print("cycle %d: %d objects present, acknowledged so far %d, violations %d"
                  % (cycle, len(present), sum(stats.acked.values()), len(stats.violations)),
                  flush=True)
        # A clean stop must leave a consistent store too.
        rc = srv.stop()
        if rc != 0:
            stats.violation("server exited %s on SIGTERM" % rc)
        for p in store_check.check(srv.data):
            stats.violation("after the final clean stop: %s" % p)
        counts = store_check.counts(srv.data)
        log = srv.read_log()
        for marker in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"):
            if marker in log:
                stats.violation("sanitizer report in the server log: %s" % marker)
    finally:
        srv.stop()
    elapsed = time.time() - t0
    acked = sum(stats.acked.values())
    print("\ncrash summary: %d cycles (%d of them also killed during the restart) in %.0f s, "
          "%d operations acknowledged (%s), "
          "%d objects/users verified, in-flight writes resolved to old %d / new %d, "
          "store at the end: %d blob files for %d rows; violations: %d"
          % (args.cycles, stats.early_kills, elapsed, acked,
             ", ".join("%s %d" % kv for kv in sorted(stats.acked.items())),
             stats.verified, stats.resolved["old"], stats.resolved["new"],
             counts["files"], counts["rows"], len(stats.violations)), flush=True)
    if args.sabotage:
        caught = len(stats.violations) > 0
        print("sabotage self-test: the damage was %s" % ("detected" if caught else "NOT detected"))
        srv.cleanup()
        return 0 if caught else 1
    if stats.violations:
        if args.keep:
            print("data directory kept: %s" % srv.data)
        else:
            print("server log (tail):\n" + srv.read_log()[-3000:])
        return 1
    if not args.keep:
        srv.cleanup()
    return 0


def kill_early(srv, after):
    """Starts the server on its data directory and SIGKILLs it `after`
    seconds later, most likely while it opens the store and recovers."""
    with open(srv.log_path, "ab") as log:
        p = subprocess.Popen(srv.cmd, env=srv.env, stdout=log, stderr=subprocess.STDOUT)
        time.sleep(after)
        p.kill()
        p.wait()


def sabotage(data, rng):
    """Self-test of the checks: damages the store as a durability bug
    would (a lost blob, two torn ones, an orphan, an inline object's lost
    bytes), so that a run with --sabotage must report violations."""
    def path(i):
        return os.path.join(data, "objects", i[:2], i[2:4], i)

    published, _, _ = store_check.blob_files(data)
    ids = sorted(published)
    rng.shuffle(ids)
    for i in ids[:1]:
        os.unlink(path(i))
    for i in ids[1:3]:
        os.truncate(path(i), os.path.getsize(path(i)) // 2)
    orphan = "abcd" + "0" * 28
    os.makedirs(os.path.dirname(path(orphan)), exist_ok=True)
    with open(path(orphan), "wb") as f:
        f.write(b"orphan")
    # An inline object (schema v3) that lost its bytes.
    db = sqlite3.connect(os.path.join(data, "meta.db"))
    try:
        if "inl" in {r[1] for r in db.execute("PRAGMA table_info(objects)")}:
            db.execute("DELETE FROM inline_blobs WHERE id ="
                       " (SELECT blob FROM objects WHERE inl <> 0 LIMIT 1)")
            db.commit()
    finally:
        db.close()


def iam_client(srv):
    return client(srv.endpoint, srv.akid, srv.secret, service="iam")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cycles", type=int, default=int(os.environ.get("CRASH_CYCLES", 50)))
    ap.add_argument("--bin", default=os.environ.get("COFFER_BIN", BIN))
    ap.add_argument("--seed", type=int, default=int(os.environ.get("CRASH_SEED",
                                                                    random.randrange(1 << 30))))
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--min-run", type=float, default=0.3, help="seconds of traffic before a kill (min)")
    ap.add_argument("--max-run", type=float, default=3.0, help="seconds of traffic before a kill (max)")
    ap.add_argument("--keep", action="store_true", help="keep the data directory")
    ap.add_argument("--sabotage", action="store_true",
                    help="self-test: damage the store before each restart; succeed only if caught")
    args = ap.parse_args()
    sys.exit(run(args))


if __name__ == "__main__":
    main()
