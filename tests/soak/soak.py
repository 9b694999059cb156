#!/usr/bin/python3
"""soak.py - mixed S3 and IAM traffic from many concurrent clients against
one server for a while, sampling the server's RSS and open file
descriptors every second.

Pass: no growth trend (the median of the last third of the samples against
the first third's, with a small allowance), no error other than the
provoked ones (reads of absent keys, requests refused by policy), every
object verified at the end (listing and GET against each client's model),
and a clean SIGTERM exit. Prints a summary.

    soak.py [--seconds N] [--clients N] [--bin PATH] [--valgrind]

--valgrind runs the server under valgrind memcheck (`make valgrind`): a
memory error or a definite leak makes the server exit non-zero, which
fails the run."""
import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "crash"))

import boto3  # noqa: E402
import botocore.exceptions  # noqa: E402
from botocore.config import Config  # noqa: E402

import store_check  # noqa: E402
from conftest import RELEASE_BIN, Server  # noqa: E402

BUCKET = "soak"
SIZES = [0, 100, 4096, 4096, 65536, 300 * 1024, 1024 * 1024]
KEYS = 20
VALGRIND = ["valgrind", "--tool=memcheck", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite",
            "--num-callers=30", "--quiet"]


class WrappedServer(Server):
    """A Server whose command runs under a wrapper (valgrind)."""

    def __init__(self, wrapper=(), **kw):
        self.wrapper = list(wrapper)
        super().__init__(**kw)

    def start(self):
        if self.wrapper and self.cmd[0] != self.wrapper[0]:
            self.cmd = self.wrapper + self.cmd
            self.env.pop("ASAN_OPTIONS", None)
        super().start()


def client(srv, akid, secret, service="s3"):
    cfg = Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1},
                 signature_version="s3v4" if service == "s3" else "v4",
                 connect_timeout=10, read_timeout=300)
    return boto3.client(service, endpoint_url=srv.endpoint, region_name=srv.region,
                        aws_access_key_id=akid, aws_secret_access_key=secret, config=cfg)


def code_of(e):
    return (getattr(e, "response", None) or {}).get("Error", {}).get("Code")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.ops = {}
        self.provoked = {}
        self.errors = []

    def op(self, name):
        with self.lock:
            self.ops[name] = self.ops.get(name, 0) + 1

    def provoke(self, code):
        with self.lock:
            self.provoked[code] = self.provoked.get(code, 0) + 1

    def error(self, msg):
        with self.lock:
            self.errors.append(msg)
        if len(self.errors) <= 20:
            print("ERROR: " + msg, flush=True)


class S3Client:
    """One client thread on its own keys; model: key -> (MD5 of the body, ETag)."""

    def __init__(self, n, s3, rng, stats):
        self.n, self.s3, self.rng, self.stats = n, s3, rng, stats
        self.keys = ["c%03d/k%02d" % (n, i) for i in range(KEYS)]
        self.model = {}

    def run(self, stop):
        ops = ["put", "get", "head", "list", "delete", "copy", "missing", "mpu"]
        weights = [35, 30, 8, 8, 8, 6, 4, 1]
        while not stop.is_set():
            op = self.rng.choices(ops, weights)[0]
            try:
                getattr(self, op)()
                self.stats.op(op)
            except Exception as e:  # noqa: BLE001
                self.stats.error("client %d %s: %r" % (self.n, op, e))

    def put(self):
        k = self.rng.choice(self.keys)
        data = self.rng.randbytes(self.rng.choice(SIZES))
        r = self.s3.put_object(Bucket=BUCKET, Key=k, Body=data, Metadata={"c": str(self.n)})
        self.model[k] = (hashlib.md5(data).hexdigest(), r["ETag"].strip('"'))

    def get(self, k=None):
        k = k or self.rng.choice(self.keys)
        if k not in self.model:
            return self.missing(k)
        body = self.s3.get_object(Bucket=BUCKET, Key=k)["Body"].read()
        if hashlib.md5(body).hexdigest() != self.model[k][0]:
            self.stats.error("client %d: %s read back different bytes" % (self.n, k))

    def head(self):
        k = self.rng.choice(self.keys)
        if k in self.model:
            h = self.s3.head_object(Bucket=BUCKET, Key=k)
            if h["ETag"].strip('"') != self.model[k][1]:
                self.stats.error("client %d: HEAD %s has ETag %s" % (self.n, k, h["ETag"]))

    def list(self):
        got = {}
        for page in self.s3.get_paginator("list_objects_v2").paginate(
                Bucket=BUCKET, Prefix="c%03d/" % self.n, PaginationConfig={"PageSize": 7}):
            for o in page.get("Contents", []):
                got[o["Key"]] = o["ETag"].strip('"')
        if got != {k: v[1] for k, v in self.model.items()}:
            self.stats.error("client %d: listing disagrees with the model" % self.n)

    def delete(self):
        k = self.rng.choice(self.keys)
        self.s3.delete_object(Bucket=BUCKET, Key=k)
        self.model.pop(k, None)

    def copy(self):
        have = [k for k in self.keys if k in self.model]
        if not have:
            return self.put()
        src = self.rng.choice(have)
        dst = self.rng.choice([k for k in self.keys if k != src])
        r = self.s3.copy_object(Bucket=BUCKET, Key=dst, CopySource={"Bucket": BUCKET, "Key": src})
        self.model[dst] = (self.model[src][0], r["CopyObjectResult"]["ETag"].strip('"'))

    def missing(self, k=None):
        k = k or "c%03d/absent" % self.n
        try:
            self.s3.get_object(Bucket=BUCKET, Key=k)
            self.stats.error("client %d: GET of absent %s succeeded" % (self.n, k))
        except botocore.exceptions.ClientError as e:
            if code_of(e) != "NoSuchKey":
                raise
            self.stats.provoke("NoSuchKey")

    def mpu(self):
        k = self.rng.choice(self.keys)
        uid = self.s3.create_multipart_upload(Bucket=BUCKET, Key=k)["UploadId"]
        p1, p2 = self.rng.randbytes(5 << 20), self.rng.randbytes(4096)
        parts = []
        for i, d in enumerate((p1, p2), 1):
            e = self.s3.upload_part(Bucket=BUCKET, Key=k, UploadId=uid, PartNumber=i, Body=d)
            parts.append({"PartNumber": i, "ETag": e["ETag"]})
        if self.rng.random() < 0.25:
            self.s3.abort_multipart_upload(Bucket=BUCKET, Key=k, UploadId=uid)
            return
        r = self.s3.complete_multipart_upload(Bucket=BUCKET, Key=k, UploadId=uid,
                                              MultipartUpload={"Parts": parts})
        self.model[k] = (hashlib.md5(p1 + p2).hexdigest(), r["ETag"].strip('"'))

    def verify(self):
        self.list()
        for k in self.keys:
            if k in self.model:
                self.get(k)
            else:
                self.missing(k)
        return len(self.model)


class IamClient:
    """Churns IAM: a user with a key and a policy appears, is used (allowed
    and refused requests), and is taken apart again; STS along the way."""

    def __init__(self, srv, rng, stats):
        self.srv, self.rng, self.stats = srv, rng, stats
        self.iam = client(srv, srv.akid, srv.secret, "iam")
        self.n = 0

    def run(self, stop):
        doc = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::" + BUCKET}]})
        while not stop.is_set():
            self.n += 1
            name = "soak-u%d" % self.n
            try:
                self.iam.create_user(UserName=name)
                k = self.iam.create_access_key(UserName=name)["AccessKey"]
                arn = self.iam.create_policy(PolicyName="p-" + name, PolicyDocument=doc)["Policy"]["Arn"]
                self.iam.attach_user_policy(UserName=name, PolicyArn=arn)
                s3 = client(self.srv, k["AccessKeyId"], k["SecretAccessKey"])
                s3.list_objects_v2(Bucket=BUCKET, MaxKeys=2)
                client(self.srv, k["AccessKeyId"], k["SecretAccessKey"], "sts").get_caller_identity()
                try:
                    s3.put_object(Bucket=BUCKET, Key="denied", Body=b"x")
                    self.stats.error("iam: %s could PUT without a policy allowing it" % name)
                except botocore.exceptions.ClientError as e:
                    if code_of(e) != "AccessDenied":
                        raise
                    self.stats.provoke("AccessDenied")
                self.iam.detach_user_policy(UserName=name, PolicyArn=arn)
                self.iam.delete_policy(PolicyArn=arn)
                self.iam.delete_access_key(UserName=name, AccessKeyId=k["AccessKeyId"])
                self.iam.delete_user(UserName=name)
                self.stats.op("iam-cycle")
            except Exception as e:  # noqa: BLE001
                self.stats.error("iam %s: %r" % (name, e))
            time.sleep(0.05)


def sample(pid):
    with open("/proc/%d/status" % pid) as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return rss * 1024, len(os.listdir("/proc/%d/fd" % pid))


def thirds(xs):
    n = len(xs) // 3
    return xs[:n], xs[-n:]


def run(args):
    rng = random.Random(args.seed)
    stats = Stats()
    srv = WrappedServer(wrapper=VALGRIND if args.valgrind else (), binary=args.bin)
    print("soak: %s%s, %d s, %d S3 clients + 1 IAM client, seed %d"
          % ("valgrind " if args.valgrind else "", args.bin, args.seconds, args.clients,
             args.seed), flush=True)
    ok = False
    try:
        root = client(srv, srv.akid, srv.secret)
        root.create_bucket(Bucket=BUCKET)
        stop = threading.Event()
        workers = [S3Client(i, client(srv, srv.akid, srv.secret), random.Random(rng.random()),
                            stats) for i in range(args.clients)]
        iamc = IamClient(srv, random.Random(rng.random()), stats)
        threads = [threading.Thread(target=w.run, args=(stop,)) for w in workers]
        threads.append(threading.Thread(target=iamc.run, args=(stop,)))
        samples = []
        t0 = time.time()
        for t in threads:
            t.start()
        while time.time() - t0 < args.seconds:
            time.sleep(1)
            samples.append(sample(srv.proc.pid))
        stop.set()
        for t in threads:
            t.join()
        elapsed = time.time() - t0
        verified = sum(w.verify() for w in workers)
        leftovers = root.list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])
        if leftovers:
            stats.error("%d multipart uploads left open" % len(leftovers))
        problems = store_check.check(srv.data, gc_pending_ok=True)
        for p in problems:
            stats.error("store: " + p)
        rc = srv.stop(timeout=120)
        if rc != 0:
            stats.error("server exited %s on SIGTERM%s" % (
                rc, " (valgrind found errors, see the log)" if rc == 99 else ""))
        log = srv.read_log()
        if "ERROR: AddressSanitizer" in log or "runtime error:" in log:
            stats.error("sanitizer report in the server log")

        rss = [s[0] for s in samples]
        fds = [s[1] for s in samples]
        r1, r3 = thirds(rss)
        f1, f3 = thirds(fds)
        m1, m3 = statistics.median(r1), statistics.median(r3)
        # Under valgrind the RSS is memcheck's (shadow memory, its queue of
        # freed blocks): memcheck's own leak check judges memory there.
        rss_ok = args.valgrind or m3 <= m1 * 1.10 + 4 * 2**20
        fd_ok = max(f3) <= max(f1) + 4
        if not rss_ok:
            stats.error("RSS grows: median %.1f MiB in the first third, %.1f MiB in the last"
                        % (m1 / 2**20, m3 / 2**20))
        if not fd_ok:
            stats.error("open fds grow: at most %d in the first third, %d in the last"
                        % (max(f1), max(f3)))
        total = sum(stats.ops.values())
        print("\nsoak summary: %.0f s, %d operations (%.0f/s: %s), provoked errors %s, "
              "unexpected errors %d; RSS median %.1f MiB first third, %.1f MiB last third "
              "(max %.1f MiB); open fds max %d first third, %d last third; "
              "%d objects verified at the end; server exit %s"
              % (elapsed, total, total / elapsed,
                 ", ".join("%s %d" % kv for kv in sorted(stats.ops.items())),
                 json.dumps(stats.provoked, sort_keys=True), len(stats.errors),
                 m1 / 2**20, m3 / 2**20, max(rss) / 2**20, max(f1), max(f3), verified, rc),
              flush=True)
        ok = not stats.errors
        if not ok:
            print("server log (tail):\n" + "\n".join(
                ln for ln in log.splitlines() if not ln.startswith("{"))[-4000:])
    finally:
        srv.stop()
        if ok:
            srv.cleanup()
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", 300)))
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--bin", default=os.environ.get("COFFER_BIN", RELEASE_BIN))
    ap.add_argument("--seed", type=int, default=random.randrange(1 << 30))
    ap.add_argument("--valgrind", action="store_true")
    sys.exit(run(ap.parse_args()))


if __name__ == "__main__":
    main()
