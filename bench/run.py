#!/usr/bin/python3
"""coffer's benchmark suite (issue 4): every scenario on loopback against coffer
(build/coffer, fresh data directory), nginx serving and accepting (DAV PUT) the
same bytes from disk (the ceiling for plain HTTP file serving on this machine),
and optionally another S3 endpoint; results as JSON lines and a Markdown table
with the targets' verdicts. See docs/performance.md.

    make bench                  # full run (3 repeats, 10 s per load run)
    make bench-quick            # BENCH_QUICK=1: 1 repeat, 3 s runs, no 1 GiB / 1M
    BENCH_FULL=1 make bench     # adds the 1,000,000-key listing and start-up cases

    BENCH_SMOKE=1 ...           # the harness end to end in about a minute, tiny
                                # sizes, numbers meaningless (tests/integration)

Environment: BENCH_QUICK, BENCH_FULL, BENCH_SMOKE, BENCH_RESULTS (directory), BENCH_REPEAT, BENCH_DURATION (seconds),
BENCH_LARGE_MIB (S3 object size, default 1024), BENCH_TMPDIR, BENCH_S3_URL,
BENCH_S3_KEY, BENCH_S3_SECRET, BENCH_S3_REGION, COFFER_BIN.

Clients: wrk (Lua scripts of presigned URLs), bench/headload (HEAD, which
Debian's wrk cannot time), curl --aws-sigv4 (large objects), and raw
http.client signed by bench/sigv4.py (listing, population); boto3 only for IAM
set-up, which is not timed."""
import concurrent.futures as cf
import hashlib
import html
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from urllib.parse import urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from sigv4 import presign  # noqa: E402

for _v in ("AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE",
           "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
    os.environ.pop(_v, None)

# SMOKE runs every scenario, S3 and the big store included, at toy sizes so
# that `make test` notices when the harness rots; its figures mean nothing.
SMOKE = os.environ.get("BENCH_SMOKE") == "1"
QUICK = os.environ.get("BENCH_QUICK") == "1" and not SMOKE
FULL = (os.environ.get("BENCH_FULL") == "1" and not QUICK) or SMOKE
REPEAT = int(os.environ.get("BENCH_REPEAT") or (1 if QUICK or SMOKE else 3))
DUR = float(os.environ.get("BENCH_DURATION") or (1 if SMOKE else 3 if QUICK else 10))
LARGE_MIB = int(os.environ.get("BENCH_LARGE_MIB") or (40 if SMOKE else 1024))
BIN = os.environ.get("COFFER_BIN") or os.path.join(ROOT, "build", "coffer")
HEADLOAD = os.path.join(ROOT, "build", "bench", "headload")
AKID, SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
N4K = 100          # distinct 4 KiB objects read by S1/S5/S6
NPUTKEYS = 300 if SMOKE else 10000    # rotating PUT keys (S2, S6)
LIST_KEYS = 2000 if SMOKE else 10000  # S4
S5_USERS = 10 if SMOKE else 500       # two access keys each
BIG_KEYS = int(os.environ.get("BENCH_BIG_KEYS") or (3000 if SMOKE else 1000000))  # S4, S8 (FULL)

# ---- CPUs: servers on the first half, clients (and this script) on the rest ----
CPUS = sorted(os.sched_getaffinity(0))
if len(CPUS) >= 2:
    SERVER_CPUS, CLIENT_CPUS = CPUS[:len(CPUS) // 2], CPUS[len(CPUS) // 2:]
else:
    SERVER_CPUS, CLIENT_CPUS = [], []


def pin(cmd, cpus):
    return (["taskset", "-c", ",".join(map(str, cpus))] + cmd) if cpus else cmd


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- /proc sampling ----
def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return out


def status_kb(pid, field):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            v = f.read().rsplit(")", 1)[1].split()
        return (int(v[11]) + int(v[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


class RssSampler(threading.Thread):
    """Samples the summed VmRSS of a server's processes every 50 ms."""

    def __init__(self, target):
        super().__init__(daemon=True)
        self.t, self.max_kb, self.stop_ev = target, 0, threading.Event()

    def run(self):
        while not self.stop_ev.wait(0.05):
            self.max_kb = max(self.max_kb, sum(status_kb(p, "VmRSS") for p in self.t.pids()))

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *a):
        self.stop_ev.set()
        self.join()


# ---- HTTP through raw http.client, one persistent connection per thread ----
_tl = threading.local()


def request(t, method, path, body=None, headers=None, timeout=120):
    conns = getattr(_tl, "conns", None)
    if conns is None:
        conns = _tl.conns = {}
    for attempt in (0, 1):
        c = conns.get(t.hostport)
        if c is None:
            c = conns[t.hostport] = http.client.HTTPConnection(t.host, t.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, r, data
        except (OSError, http.client.HTTPException):
            c.close()
            conns.pop(t.hostport, None)
            if attempt:
                raise


# ---- servers ----
class Target:
    name = kind = ""
    proc = None
    host, port = "127.0.0.1", 0

    @property
    def hostport(self):
        return "%s:%d" % (self.host, self.port)

    @property
    def base(self):
        return "http://" + self.hostport

    def pids(self):
        return []

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
            except ProcessLookupError:
                pass


class S3Target(Target):
    """An S3 endpoint; every request path is a presigned URL."""
    kind = "s3"

    def __init__(self, name, url, akid, secret, region=REGION):
        u = urlparse(url)
        if u.scheme != "http":
            raise SystemExit("BENCH_S3_URL: only http:// endpoints are supported")
        self.name, self.host, self.port = name, u.hostname, u.port or 80
        self._hp = u.netloc
        self.akid, self.secret, self.region = akid, secret, region
        self.bucket = "coffer-bench-%d-%d" % (os.getpid(), int(time.time()))
        self.list_bucket = self.bucket + "-list"

    @property
    def hostport(self):
        return self._hp

    def sign(self, method, path, query=None, akid=None, secret=None):
        return presign(method, self.hostport, path, akid or self.akid, secret or self.secret,
                       query=query, region=self.region, expires=7 * 3600)

    def path(self, method, key, bucket=None, **kw):
        return self.sign(method, "/%s/%s" % (bucket or self.bucket, key), **kw)

    def create_bucket(self, bucket):
        st, _, data = request(self, "PUT", self.sign("PUT", "/" + bucket))
        if st not in (200, 409):
            raise RuntimeError("%s: create bucket %s: %d %s" % (self.name, bucket, st, data[:300]))

    def curl_auth(self):
        return ["--aws-sigv4", "aws:amz:%s:s3" % self.region, "--user", "%s:%s" % (self.akid, self.secret),
                "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"]


class Coffer(S3Target):
    def __init__(self, tmp, data=None):
        super().__init__("coffer", "http://127.0.0.1:%d" % free_port(), AKID, SECRET)
        self.data = data or os.path.join(tmp, "coffer-data")
        self.logf = os.path.join(tmp, "coffer-%d.log" % self.port)
        self.bucket, self.list_bucket = "bench", "list10k"

    def spawn(self):
        env = dict(os.environ, COFFER_ROOT_ACCESS_KEY_ID=AKID, COFFER_ROOT_SECRET_ACCESS_KEY=SECRET)
        with open(self.logf, "ab") as lf:
            self.proc = subprocess.Popen(
                pin([BIN, "server", "--data", self.data, "--listen", self.hostport,
                     "--console-listen", "off"], SERVER_CPUS),
                env=env, stdout=lf, stderr=lf, start_new_session=True)

    def start(self):
        self.spawn()
        wait_health(self, 30)

    def pids(self):
        return [self.proc.pid] if self.proc and self.proc.poll() is None else []


class Nginx(Target):
    kind = "nginx"

    def __init__(self, tmp):
        self.name, self.port, self.tmp = "nginx", free_port(), tmp
        self.www = os.path.join(tmp, "www")
        self.bucket = "bench"
        os.makedirs(os.path.join(self.www, self.bucket), exist_ok=True)

    def start(self):
        t = os.path.join(self.tmp, "nginx")
        os.makedirs(t, exist_ok=True)
        conf = os.path.join(t, "nginx.conf")
        with open(conf, "w") as f:
            # as root, workers would run as nobody and could not reach the 0700 temp dir
            if os.geteuid() == 0:
                f.write("user root root;\n")
            f.write("""worker_processes %(w)d; daemon off; pid %(t)s/nginx.pid; error_log %(t)s/error.log;
events { worker_connections 8192; }
worker_rlimit_nofile 20000;
http { access_log off; sendfile on; tcp_nopush on; tcp_nodelay on; keepalive_requests 100000000;
  client_body_temp_path %(t)s/body; proxy_temp_path %(t)s/p; fastcgi_temp_path %(t)s/f;
  uwsgi_temp_path %(t)s/u; scgi_temp_path %(t)s/s;
  server { listen 127.0.0.1:%(p)d backlog=4096; root %(www)s;
    location / { dav_methods PUT; create_full_put_path on; client_max_body_size 4g; } } }
""" % {"w": max(1, len(SERVER_CPUS)), "t": t, "p": self.port, "www": self.www})
        self.proc = subprocess.Popen(pin(["nginx", "-c", conf, "-p", t], SERVER_CPUS),
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        wait_health(self, 15, "/")

    def pids(self):
        if not self.proc or self.proc.poll() is not None:
            return []
        if not getattr(self, "_pids", None):
            self._pids = [self.proc.pid] + children(self.proc.pid)
        return self._pids

    def path(self, method, key, bucket=None, **kw):
        return "/%s/%s" % (bucket or self.bucket, key)

    def create_bucket(self, bucket):
        os.makedirs(os.path.join(self.www, bucket), exist_ok=True)

    def curl_auth(self):
        return []


def wait_health(t, deadline, path="/_coffer/health"):
    end = time.time() + deadline
    while time.time() < end:
        if t.proc and t.proc.poll() is not None:
            raise RuntimeError("%s exited at start (rc %s)" % (t.name, t.proc.returncode))
        try:
            c = http.client.HTTPConnection(t.host, t.port, timeout=2)
            c.request("GET", path)
            st = c.getresponse().status
            c.close()
            if st < 500:
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("%s did not become ready" % t.name)


# ---- load generators ----
def lua_script(path, paths, method="GET", body_len=0, mix_put_paths=None):
    """A wrk script cycling through request paths; each thread starts at its
    own offset. With mix_put_paths, every tenth request is a PUT of one of
    those (S6's 90/10 mix)."""
    def arr(name, ps):
        return "local %s = {\n%s}\n" % (name, "".join("[[%s]],\n" % p for p in ps))
    with open(path, "w") as f:
        f.write(arr("paths", paths))
        f.write(arr("puts", mix_put_paths or []))
        f.write("""local body = string.rep("x", %d)
local method = "%s"
local tcount = 0
function setup(thread) thread:set("tid", tcount); tcount = tcount + 1 end
local i, j = 0, 0
function init(args) i = (tid or 0) * 7919; j = (tid or 0) * 7919 end
function request()
  i = i + 1
  if #puts > 0 and i %% 10 == 0 then
    j = j + 1
    return wrk.format("PUT", puts[j %% #puts + 1], nil, body)
  end
  if method == "PUT" then return wrk.format("PUT", paths[i %% #paths + 1], nil, body) end
  return wrk.format(method, paths[i %% #paths + 1])
end
""" % (body_len, method))


def wrk(t, script, conns, dur, timeout="5s"):
    threads = max(1, min(len(CLIENT_CPUS) or 1, conns))
    cmd = pin(["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % max(1, int(dur)), "--latency",
               "--timeout", timeout, "-s", script, t.base + "/"], CLIENT_CPUS)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=dur + 120).stdout

    def lat(pct):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\b" % pct, out, re.M)
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)] if m else None
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m:
        raise RuntimeError("wrk output not understood:\n" + out)
    n = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"rps": float(m.group(1)), "requests": int(n.group(1)), "p50_ms": lat(50), "p99_ms": lat(99),
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": sum(map(int, sock.groups())) if sock else 0}


def loaded(t, fn):
    """Runs fn() while sampling t's RSS and CPU: returns (fn's dict, max RSS
    KiB, server CPU seconds)."""
    pids = t.pids()
    c0 = sum(cpu_seconds(p) for p in pids)
    with RssSampler(t) as s:
        r = fn()
    return r, s.max_kb, sum(cpu_seconds(p) for p in pids) - c0


# ---- results ----
class Results:
    def __init__(self):
        self.rows = {}     # (scenario, metric) -> {server: [values]}
        self.order = []
        self.meta = {}     # (scenario, metric) -> (unit, better)
        self.notes = []

    def add(self, scen, metric, server, value, unit, better="higher"):
        k = (scen, metric)
        if k not in self.rows:
            self.rows[k] = {}
            self.order.append(k)
            self.meta[k] = (unit, better)
        if value is not None:
            self.rows[k].setdefault(server, []).append(value)

    def med(self, scen, metric, server):
        v = self.rows.get((scen, metric), {}).get(server)
        return statistics.median(v) if v else None


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 1:
        return "%.2f" % v
    return "%.3g" % v


def cell(vals):
    if not vals:
        return "-"
    if len(vals) == 1:
        return fmt(vals[0])
    return "%s (%s–%s)" % (fmt(statistics.median(vals)), fmt(min(vals)), fmt(max(vals)))


# ---- scenarios ----
def put_many(t, bucket, keys, body, threads=32):
    def work(chunk):
        bad = 0
        for k in chunk:
            st, _, _ = request(t, "PUT", t.path("PUT", k, bucket=bucket), body=body)
            bad += st != 200 and st != 201 and st != 204
        return bad
    chunks = [keys[i::threads] for i in range(threads)]
    with cf.ThreadPoolExecutor(threads) as ex:
        bad = sum(ex.map(work, chunks))
    if bad:
        raise RuntimeError("%s: %d of %d PUTs failed" % (t.name, bad, len(keys)))


def s1_s2_s7(R, servers, tmp):
    for rep in range(REPEAT):
        for t in servers:
            script = os.path.join(tmp, "%s-get.lua" % t.name)
            lua_script(script, [t.path("GET", "obj/%03d" % i) for i in range(N4K)])
            r, rss, cpu = loaded(t, lambda: wrk(t, script, 64, DUR))
            log("  S1 %s: %.0f req/s p99 %.2f ms" % (t.name, r["rps"], r["p99_ms"] or -1))
            R.add("S1 GET 4 KiB, 64 conns", "req/s", t.name, r["rps"], "req/s")
            R.add("S1 GET 4 KiB, 64 conns", "p99 latency", t.name, r["p99_ms"], "ms", "lower")
            R.add("S1 GET 4 KiB, 64 conns", "p50 latency", t.name, r["p50_ms"], "ms", "lower")
            R.add("S1 GET 4 KiB, 64 conns", "errors", t.name, r["non2xx"] + r["socket_errors"], "", "lower")
            if t.pids():
                R.add("S1 GET 4 KiB, 64 conns", "server CPU per GET", t.name, cpu / max(1, r["requests"]) * 1e6,
                      "µs", "lower")
                R.add("S7 memory", "RSS under S1", t.name, rss / 1024, "MiB", "lower")
        for t in servers:
            script = os.path.join(tmp, "%s-put.lua" % t.name)
            lua_script(script, [t.path("PUT", "put/%05d" % i) for i in range(NPUTKEYS)], "PUT", 4096)
            r, rss, cpu = loaded(t, lambda: wrk(t, script, 64, DUR))
            log("  S2 %s: %.0f req/s p99 %.2f ms, errors %d" % (t.name, r["rps"], r["p99_ms"] or -1,
                                                             r["non2xx"] + r["socket_errors"]))
            R.add("S2 PUT 4 KiB, 64 conns", "req/s", t.name, r["rps"], "req/s")
            R.add("S2 PUT 4 KiB, 64 conns", "p99 latency", t.name, r["p99_ms"], "ms", "lower")
            R.add("S2 PUT 4 KiB, 64 conns", "p50 latency", t.name, r["p50_ms"], "ms", "lower")
            R.add("S2 PUT 4 KiB, 64 conns", "errors", t.name, r["non2xx"] + r["socket_errors"], "", "lower")


def probe_nodelay(R, servers, tmp):
    """One connection, one request at a time: a missing TCP_NODELAY shows as
    ~40 ms stalls (Nagle against delayed ACK) in p99."""
    for t in servers:
        for method in ("GET", "PUT"):
            script = os.path.join(tmp, "%s-probe-%s.lua" % (t.name, method))
            keys = ["obj/%03d" % i for i in range(N4K)] if method == "GET" else \
                ["probe/%03d" % i for i in range(100)]
            lua_script(script, [t.path(method, k) for k in keys], method, 4096 if method == "PUT" else 0)
            r = wrk(t, script, 1, 2)
            R.add("TCP_NODELAY probe, 1 conn", "%s 4 KiB p99" % method, t.name, r["p99_ms"], "ms", "lower")


def s5(R, coffer, nginx, tmp):
    import boto3
    from botocore.config import Config
    iam = boto3.client("iam", endpoint_url=coffer.base, region_name=REGION, aws_access_key_id=AKID,
                       aws_secret_access_key=SECRET, config=Config(retries={"max_attempts": 3}))
    t0 = time.time()
    iam.create_group(GroupName="bench-readers")
    iam.attach_group_policy(GroupName="bench-readers",
                            PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")

    def mk(i):
        u = "bench-user-%03d" % i
        iam.create_user(UserName=u)
        iam.add_user_to_group(GroupName="bench-readers", UserName=u)
        return [(k["AccessKey"]["AccessKeyId"], k["AccessKey"]["SecretAccessKey"])
                for k in (iam.create_access_key(UserName=u), iam.create_access_key(UserName=u))]
    with cf.ThreadPoolExecutor(8) as ex:
        keys = [k for pair in ex.map(mk, range(S5_USERS)) for k in pair]
    log("  S5 set-up: %d users, %d access keys in %.1f s" % (S5_USERS, len(keys), time.time() - t0))
    # the policy may take effect only once the IAM change is visible: wait for the last key
    last = keys[-1]
    for _ in range(200):
        st, _, _ = request(coffer, "HEAD", coffer.sign("HEAD", "/bench/obj/000", akid=last[0], secret=last[1]))
        if st == 200:
            break
        time.sleep(0.05)
    files = {}
    for label, t, paths in (
            ("coffer", coffer, [coffer.sign("HEAD", "/bench/obj/%03d" % (i % N4K), akid=a, secret=s)
                                for i, (a, s) in enumerate(keys)]),
            ("coffer-1key", coffer, [coffer.path("HEAD", "obj/%03d" % (i % N4K)) for i in range(len(keys))]),
            ("nginx", nginx, [nginx.path("HEAD", "obj/%03d" % (i % N4K)) for i in range(len(keys))])):
        files[label] = (t, os.path.join(tmp, "head-%s.txt" % label))
        with open(files[label][1], "w") as f:
            f.write("\n".join(paths) + "\n")
    for rep in range(REPEAT):
        for label, (t, pf) in files.items():
            out = subprocess.run(pin([HEADLOAD, "-c", "64", "-d", str(DUR), "-n", "50000000", "-p", str(t.port),
                                      "-f", pf], CLIENT_CPUS), capture_output=True, text=True,
                                 timeout=DUR + 60)
            r = json.loads(out.stdout)
            name = "coffer" if label.startswith("coffer") else "nginx"
            metric = "req/s, root key only" if label == "coffer-1key" else "req/s"
            if label != "coffer-1key":
                R.add("S5 HEAD 4 KiB, 1,000 keys, 64 conns", "p99 latency", name, r["p99_ms"], "ms", "lower")
                R.add("S5 HEAD 4 KiB, 1,000 keys, 64 conns", "errors", name, r["non2xx"] + r["socket_errors"],
                      "", "lower")
            R.add("S5 HEAD 4 KiB, 1,000 keys, 64 conns", metric, name, r["rps"], "req/s")
            log("  S5 %s: %.0f req/s, p99 %.2f ms, errors %d" % (label, r["rps"], r["p99_ms"],
                                                              r["non2xx"] + r["socket_errors"]))


def s6(R, servers, tmp):
    for rep in range(REPEAT):
        for t in servers:
            script = os.path.join(tmp, "%s-mix.lua" % t.name)
            lua_script(script, [t.path("GET", "obj/%03d" % i) for i in range(N4K)], "GET", 4096,
                       mix_put_paths=[t.path("PUT", "mix/%05d" % i) for i in range(NPUTKEYS)])
            r, rss, cpu = loaded(t, lambda: wrk(t, script, 1000, DUR, timeout="10s"))
            err = r["non2xx"] + r["socket_errors"]
            log("  S6 %s: %.0f req/s, errors %d, RSS max %.1f MiB" % (t.name, r["rps"], err, rss / 1024))
            R.add("S6 90/10 GET/PUT, 1,000 conns", "req/s", t.name, r["rps"], "req/s")
            R.add("S6 90/10 GET/PUT, 1,000 conns", "p99 latency", t.name, r["p99_ms"], "ms", "lower")
            R.add("S6 90/10 GET/PUT, 1,000 conns", "errors", t.name, err, "", "lower")
            if t.pids():
                R.add("S6 90/10 GET/PUT, 1,000 conns", "server RSS max", t.name, rss / 1024, "MiB", "lower")
                R.add("S7 memory", "RSS under S6", t.name, rss / 1024, "MiB", "lower")


def curl(t, args, timeout=600):
    cmd = pin(["curl", "-sS", "-o", "/dev/null", "-H", "Expect:", "-w", "%{http_code} %{size_download}"]
              + t.curl_auth() + args, CLIENT_CPUS)
    return cmd


def run_parallel(cmds, timeout=900):
    t0 = time.perf_counter()
    ps = [subprocess.Popen(c, stdout=subprocess.PIPE, text=True) for c in cmds]
    outs = []
    try:
        for p in ps:
            outs.append(p.communicate(timeout=timeout)[0])
    finally:
        for p in ps:
            if p.poll() is None:
                p.kill()
                p.wait()
    return time.perf_counter() - t0, outs


def s3_large(R, servers, tmp):
    size = LARGE_MIB << 20
    label = "%d MiB" % LARGE_MIB if LARGE_MIB != 1024 else "1 GiB"
    scen1, scen8 = "S3 %s, single stream" % label, "S3 %s, 8 streams" % label
    big = os.path.join(tmp, "big.bin")
    part = size // 8
    with open(big, "wb") as f:
        chunk = os.urandom(1 << 20)
        for i in range(LARGE_MIB):
            f.write(chunk[i % 7:] + chunk[:i % 7])  # distinct MiBs, cheap to make
    parts = []
    with open(big, "rb") as f:
        for i in range(8):
            parts.append(os.path.join(tmp, "part%d.bin" % i))
            with open(parts[-1], "wb") as o:
                o.write(f.read(part))
    for rep in range(REPEAT):
        for t in servers:
            # single-stream PUT and GET, curl
            if t.kind == "nginx":
                url = t.base + "/big/one"
            else:
                url = t.base + "/%s/big-one" % t.bucket
            el, outs = run_parallel([curl(t, ["-T", big, url])])
            check(outs, ("200", "201", "204"), t, "PUT")
            R.add(scen1, "PUT MiB/s", t.name, LARGE_MIB / el, "MiB/s")
            el, outs = run_parallel([curl(t, [url])])
            check(outs, ("200",), t, "GET", size)
            R.add(scen1, "GET MiB/s", t.name, LARGE_MIB / el, "MiB/s")
            # 8 parallel ranged GETs of the same object
            el, outs = run_parallel([curl(t, ["-r", "%d-%d" % (i * part, (i + 1) * part - 1), url])
                                     for i in range(8)])
            check(outs, ("206",), t, "ranged GET", part)
            R.add(scen8, "GET MiB/s (8 ranged GETs)", t.name, LARGE_MIB / el, "MiB/s")
            # 8 parallel part uploads
            el = put8(t, parts)
            R.add(scen8, "PUT MiB/s (multipart, 8 parts)", t.name, LARGE_MIB / el, "MiB/s")
            log("  S3 %s: done repeat %d" % (t.name, rep + 1))
    for p in parts + [big]:
        os.unlink(p)


def check(outs, ok, t, what, size=None):
    for o in outs:
        code, got = o.split()
        if code not in ok or (size is not None and int(got) != size):
            raise RuntimeError("%s: %s answered %s with %s bytes" % (t.name, what, code, got))


def put8(t, parts):
    t0 = time.perf_counter()
    if t.kind == "nginx":
        _, outs = run_parallel([curl(t, ["-T", p, t.base + "/big/part%d" % i]) for i, p in enumerate(parts)])
        check(outs, ("200", "201", "204"), t, "PUT")
        return time.perf_counter() - t0
    key = "/%s/big-mpu" % t.bucket
    st, _, data = request(t, "POST", t.sign("POST", key, query={"uploads": ""}))
    m = re.search(rb"<UploadId>([^<]+)</UploadId>", data)
    if st != 200 or not m:
        raise RuntimeError("%s: CreateMultipartUpload: %d %s" % (t.name, st, data[:300]))
    uid = html.unescape(m.group(1).decode())
    cmds = []
    for i, p in enumerate(parts):
        u = t.sign("PUT", key, query={"partNumber": str(i + 1), "uploadId": uid})
        cmds.append(pin(["curl", "-sS", "-o", "/dev/null", "-H", "Expect:", "-w", "%{http_code} %header{etag}\n",
                         "-T", p, t.base + u], CLIENT_CPUS))
    _, outs = run_parallel(cmds)
    etags = []
    for o in outs:
        code, etag = o.split(None, 1)
        if code != "200":
            raise RuntimeError("%s: UploadPart answered %s" % (t.name, code))
        etags.append(etag.strip())
    body = "<CompleteMultipartUpload>%s</CompleteMultipartUpload>" % "".join(
        "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>" % (i + 1, html.escape(e))
        for i, e in enumerate(etags))
    st, _, data = request(t, "POST", t.sign("POST", key, query={"uploadId": uid}), body=body.encode(),
                          timeout=600)
    if st != 200 or b"<Error>" in data:
        raise RuntimeError("%s: CompleteMultipartUpload: %d %s" % (t.name, st, data[:300]))
    return time.perf_counter() - t0


def list_all(t, bucket, prefix=None, delimiter=None, max_pages=2000):
    """ListObjectsV2, 1,000 keys a page, to the end; returns (seconds, keys,
    common prefixes, pages). A byte scan, not an XML parser."""
    token, keys, cps, pages = None, 0, 0, 0
    c = http.client.HTTPConnection(t.host, t.port, timeout=120)
    t0 = time.perf_counter()
    try:
        while pages < max_pages:
            q = {"list-type": "2", "max-keys": "1000"}
            if prefix:
                q["prefix"] = prefix
            if delimiter:
                q["delimiter"] = delimiter
            if token:
                q["continuation-token"] = token
            c.request("GET", t.sign("GET", "/" + bucket, query=q))
            r = c.getresponse()
            data = r.read()
            if r.status != 200:
                raise RuntimeError("%s: list %s: %d %s" % (t.name, bucket, r.status, data[:300]))
            pages += 1
            keys += data.count(b"<Key>")
            cps += data.count(b"<CommonPrefixes>")
            i = data.find(b"<NextContinuationToken>")
            if i < 0 or b"<IsTruncated>true</IsTruncated>" not in data:
                break
            token = html.unescape(data[i + 23:data.index(b"</NextContinuationToken>", i)].decode())
    finally:
        c.close()
    return time.perf_counter() - t0, keys, cps, pages


def s4(R, s3s, bucket=None, nkeys=LIST_KEYS, populate=True, label="10,000 keys"):
    for t in s3s:
        b = bucket or t.list_bucket
        if populate:
            t.create_bucket(b)
            t0 = time.time()
            put_many(t, b, ["dir%03d/obj%05d" % (i // 100, i) for i in range(nkeys)], b"x" * 16, 64)
            log("  S4 %s: %d keys populated in %.1f s (%.0f PUT/s, 64 concurrent)" % (
                t.name, nkeys, time.time() - t0, nkeys / (time.time() - t0)))
        runs = max(REPEAT, 3 if QUICK else 5) if nkeys <= 100000 else REPEAT
        for _ in range(runs):
            el, keys, _, pages = list_all(t, b)
            if keys != nkeys:
                raise RuntimeError("%s: listing found %d keys, expected %d" % (t.name, keys, nkeys))
            R.add("S4 ListObjectsV2, %s" % label, "full listing (%d pages)" % pages, t.name, el, "s", "lower")
            R.add("S4 ListObjectsV2, %s" % label, "per 1,000 keys", t.name, el / nkeys * 1000 * 1000,
                  "ms", "lower")
            el, _, cps, _ = list_all(t, b, delimiter="/")
            R.add("S4 ListObjectsV2, %s" % label, "delimiter / (%d prefixes)" % cps, t.name, el * 1000,
                  "ms", "lower")
            el, keys, _, _ = list_all(t, b, prefix="dir042/", delimiter="/")
            R.add("S4 ListObjectsV2, %s" % label, "prefix dir042/ + delimiter (%d keys)" % keys, t.name,
                  el * 1000, "ms", "lower")


def startup(R, coffer, nobjects, label):
    """S8: exec to first 200 on /_coffer/health and to the first authenticated GET."""
    get = coffer.path("GET", "dir000/obj%05d" % 0, bucket="list10k") if nobjects <= LIST_KEYS else \
        coffer.path("GET", "dir000/obj0000000", bucket="big")
    for _ in range(REPEAT):
        coffer.stop()
        if label is None:
            db = sqlite3.connect("file:%s?mode=ro" % os.path.join(coffer.data, "meta.db"), uri=True)
            label = "{:,} objects".format(db.execute("SELECT count(*) FROM objects").fetchone()[0])
            db.close()
        t0 = time.perf_counter()
        coffer.spawn()
        th = tg = None
        end = t0 + 60
        while time.perf_counter() < end:
            try:
                c = http.client.HTTPConnection(coffer.host, coffer.port, timeout=5)
                if th is None:
                    c.request("GET", "/_coffer/health")
                    r = c.getresponse()
                    r.read()
                    if r.status == 200:
                        th = time.perf_counter() - t0
                if th is not None:
                    c.request("GET", get)
                    r = c.getresponse()
                    r.read()
                    if r.status == 200:
                        tg = time.perf_counter() - t0
                        break
                c.close()
            except OSError:
                time.sleep(0.001)
        if tg is None:
            raise RuntimeError("coffer did not answer after start with %s" % label)
        R.add("S8 cold start, %s" % label, "exec to health 200", "coffer", th * 1000, "ms", "lower")
        R.add("S8 cold start, %s" % label, "exec to first authenticated GET", "coffer", tg * 1000, "ms", "lower")
        R.add("S7 memory", "RSS after start, %s" % label, "coffer", status_kb(coffer.proc.pid, "VmRSS") / 1024,
              "MiB", "lower")


def build_big_store(tmp):
    """BENCH_FULL: a store with 1,000,000 objects in one bucket, written
    straight into meta.db (the same row as one real PUT, 999,999 times more
    with new keys and blob ids): populating it through the API would take
    most of an hour. The 16-byte object is inline (its bytes in meta.db's
    inline_blobs, as coffer keeps every object up to 32 KiB), so each copy
    gets its own inline_blobs row; a store of file-backed objects would get
    a hard link per blob file instead."""
    c = Coffer(tmp, data=os.path.join(tmp, "big-data"))
    c.start()
    c.create_bucket("big")
    st, _, _ = request(c, "PUT", c.path("PUT", "dir000/obj0000000", bucket="big"), body=b"y" * 16)
    assert st == 200
    c.stop()
    db = sqlite3.connect(os.path.join(c.data, "meta.db"))
    db.row_factory = sqlite3.Row
    row = dict(db.execute("SELECT * FROM objects WHERE key = ?", (b"dir000/obj0000000",)).fetchone())
    cols = list(row)
    inline = bool(row.get("inl"))
    if inline:
        data = db.execute("SELECT data FROM inline_blobs WHERE id = ?", (row["blob"],)).fetchone()[0]
        src = None
    else:
        src = os.path.join(c.data, "objects", row["blob"][:2], row["blob"][2:4], row["blob"])
        with open(src, "rb") as f:
            blob = f.read()
        src = [src]
    t0 = time.time()
    dirs = set()
    ids = []

    def link_file(b):
        d = os.path.join(c.data, "objects", b[:2], b[2:4])
        if d not in dirs:
            os.makedirs(d, exist_ok=True)
            dirs.add(d)
        try:
            os.link(src[0], os.path.join(d, b))
        except OSError as e:  # EMLINK: ext4 allows 65,000 links to a file
            if e.errno != 31:
                raise
            with open(os.path.join(d, b), "wb") as f:
                f.write(blob)
            src[:] = [os.path.join(d, b)]

    def rows():
        for i in range(1, BIG_KEYS):
            r = dict(row)
            r["key"] = b"dir%03d/obj%07d" % (i // 1000, i)
            r["blob"] = b = uuid.uuid4().hex
            if inline:
                ids.append(b)
            else:
                link_file(b)
            yield tuple(r[k] for k in cols)
    with db:
        db.executemany("INSERT INTO objects (%s) VALUES (%s)" % (",".join(cols), ",".join("?" * len(cols))),
                       rows())
        if inline:
            db.executemany("INSERT INTO inline_blobs (id, data) VALUES (?, ?)", ((b, data) for b in ids))
    db.close()
    log("  1M store written in %.0f s" % (time.time() - t0))
    c.start()
    return c


def machine(tmpdir):
    def cpuinfo():
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
        return platform.processor()

    def mem():
        with open("/proc/meminfo") as f:
            return "%.1f GiB" % (int(f.readline().split()[1]) / 1048576)

    def fs():
        best = ("", "?", "?")
        with open("/proc/mounts") as f:
            for line in f:
                dev, mnt, typ = line.split()[:3]
                if (tmpdir + "/").startswith(mnt.rstrip("/") + "/") and len(mnt) >= len(best[0]):
                    best = (mnt, typ, dev)
        return "%s (%s on %s)" % (best[1], best[2], best[0])

    def ver(cmd):
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            return (p.stdout + p.stderr).strip().splitlines()[0]
        except Exception:
            return "?"
    commit = ver(["git", "-C", ROOT, "describe", "--always", "--dirty"])
    return {"nproc": os.cpu_count(), "cpu": cpuinfo(), "memory": mem(), "kernel": platform.release(),
            "tmp_fs": fs(), "server_cpus": SERVER_CPUS, "client_cpus": CLIENT_CPUS,
            "coffer": commit, "nginx": ver(["nginx", "-v"]), "wrk": ver(["wrk", "-v"]),
            "curl": ver(["curl", "--version"]), "mode": "smoke" if SMOKE else "quick" if QUICK else ("full" if FULL else "default"),
            "repeat": REPEAT, "duration_s": DUR}


# ---- targets (issue 4, section 3) ----
def targets(R):
    out = {}

    def ratio(scen, metric, need, what):
        c, n = R.med(scen, metric, "coffer"), R.med(scen, metric, "nginx")
        if c is not None and n:
            out[(scen, metric)] = ("≥ %.1f × nginx" % need, "%s (%.2f)" % ("PASS" if c / n >= need else "FAIL", c / n))

    def below(scen, metric, limit, unit, server="coffer"):
        v = R.med(scen, metric, server)
        if v is not None:
            out[(scen, metric)] = ("< %g %s" % (limit, unit), "PASS" if v < limit else "FAIL")
    ratio("S1 GET 4 KiB, 64 conns", "req/s", 0.5, "")
    below("S1 GET 4 KiB, 64 conns", "p99 latency", 5, "ms")
    below("S1 GET 4 KiB, 64 conns", "server CPU per GET", 20, "µs")
    ratio("S2 PUT 4 KiB, 64 conns", "req/s", 0.5, "")
    for scen, metric in R.order:
        if scen.startswith("S3"):
            ratio(scen, metric, 0.9 if metric.startswith("GET") else 0.8, "")
        if scen.startswith("S4") and metric.startswith("full listing") and "10,000" in scen:
            below(scen, metric, 0.05, "s")
        if scen.startswith("S8") and metric == "exec to health 200":
            below(scen, metric, 200, "ms")
        if scen.startswith("TCP_NODELAY"):
            below(scen, metric, 30, "ms (no 40 ms stalls)")
    below("S7 memory", "idle RSS (fresh start)", 20, "MiB")
    below("S6 90/10 GET/PUT, 1,000 conns", "server RSS max", 100, "MiB")
    e = R.rows.get(("S6 90/10 GET/PUT, 1,000 conns", "errors"), {}).get("coffer")
    if e is not None:
        out[("S6 90/10 GET/PUT, 1,000 conns", "errors")] = ("0", "PASS" if max(e) == 0 else "FAIL")
    a = R.med("S4 ListObjectsV2, 10,000 keys", "per 1,000 keys", "coffer")
    big = "S4 ListObjectsV2, {:,} keys".format(BIG_KEYS)
    b = R.med(big, "per 1,000 keys", "coffer")
    if a and b:
        out[(big, "per 1,000 keys")] = (
            "linear: ≤ 1.5 × the 10k cost", "%s (%.2f)" % ("PASS" if b / a <= 1.5 else "FAIL", b / a))
    return out


def report(R, mach, servers, verdicts):
    names = [s for s in ("coffer", "nginx") if any(s in v for v in R.rows.values())]
    names += sorted({n for v in R.rows.values() for n in v} - set(names))
    lines = ["## Machine", ""]
    lines += ["- %s: %s" % (k, v) for k, v in mach.items()]
    lines += ["", "## Results (median (min–max) of %d repeat%s)" % (REPEAT, "s" if REPEAT > 1 else ""), "",
              "| scenario | metric | unit | " + " | ".join(names) + " | coffer/nginx | target | verdict |",
              "|---" * (len(names) + 6) + "|"]
    for k in R.order:
        unit, _ = R.meta[k]
        c, n = R.med(k[0], k[1], "coffer"), R.med(k[0], k[1], "nginx")
        ratio = "%.2f" % (c / n) if c is not None and n else "-"
        tgt, verdict = verdicts.get(k, ("", ""))
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            k[0], k[1], unit, " | ".join(cell(R.rows[k].get(s)) for s in names), ratio, tgt, verdict))
    if R.notes:
        lines += ["", "Notes:", ""] + ["- " + n for n in R.notes]
    return "\n".join(lines) + "\n"


def main():
    if CLIENT_CPUS:
        os.sched_setaffinity(0, CLIENT_CPUS)
    for tool in ("wrk", "nginx", "curl"):
        if not shutil.which(tool):
            raise SystemExit("bench: %s is missing (run: sh scripts/deps.sh bench)" % tool)
    for f in (BIN, HEADLOAD):
        if not os.access(f, os.X_OK):
            raise SystemExit("bench: %s is missing (run: make bench)" % f)

    def on_term(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
    tmp = tempfile.mkdtemp(prefix="coffer-bench-", dir=os.environ.get("BENCH_TMPDIR"))
    R = Results()
    mach = machine(tmp)
    servers = []
    t_start = time.time()
    ok = False
    try:
        coffer, nginx = Coffer(tmp), Nginx(tmp)
        servers = [coffer, nginx]
        coffer.start()
        nginx.start()
        time.sleep(1)
        for t in servers:
            R.add("S7 memory", "idle RSS (fresh start)", t.name, sum(status_kb(p, "VmRSS") for p in t.pids()) / 1024,
                  "MiB", "lower")
        if os.environ.get("BENCH_S3_URL"):
            ext = S3Target("other-s3", os.environ["BENCH_S3_URL"], os.environ.get("BENCH_S3_KEY", ""),
                           os.environ.get("BENCH_S3_SECRET", ""), os.environ.get("BENCH_S3_REGION", REGION))
            servers.append(ext)
        s3s = [t for t in servers if t.kind == "s3"]
        body = {i: os.urandom(4096) for i in range(N4K)}
        for t in servers:
            t.create_bucket(t.bucket)
            if t.kind == "nginx":
                for i, b in body.items():
                    os.makedirs(os.path.join(t.www, t.bucket, "obj"), exist_ok=True)
                    with open(os.path.join(t.www, t.bucket, "obj", "%03d" % i), "wb") as f:
                        f.write(b)
            else:
                for i, b in body.items():
                    st, _, data = request(t, "PUT", t.path("PUT", "obj/%03d" % i), body=b)
                    if st != 200:
                        raise RuntimeError("%s: PUT: %d %s" % (t.name, st, data[:300]))
        log("== TCP_NODELAY probe")
        probe_nodelay(R, servers, tmp)
        log("== S1, S2 (%d s runs, %d repeats)" % (DUR, REPEAT))
        s1_s2_s7(R, servers, tmp)
        log("== S5")
        s5(R, coffer, nginx, tmp)
        log("== S6")
        s6(R, servers, tmp)
        R.add("S7 memory", "VmHWM after S1–S6", "coffer", status_kb(coffer.proc.pid, "VmHWM") / 1024, "MiB", "lower")
        R.add("S7 memory", "VmHWM after S1–S6", "nginx", sum(status_kb(p, "VmHWM") for p in nginx.pids()) / 1024,
              "MiB", "lower")
        if QUICK:
            R.notes.append("quick mode: S3 (large objects) and the 1,000,000-key cases skipped.")
        else:
            log("== S3 (%d MiB)" % LARGE_MIB)
            s3_large(R, servers, tmp)
        log("== S4")
        s4(R, s3s)
        log("== S8")
        startup(R, coffer, LIST_KEYS, None)
        if FULL:
            log("== S4, S8 with 1,000,000 objects (store written directly into meta.db)")
            coffer.stop()
            big = build_big_store(tmp)
            servers.append(big)
            big.name = "coffer"
            startup(R, big, BIG_KEYS, "{:,} objects".format(BIG_KEYS))
            s4(R, [big], bucket="big", nkeys=BIG_KEYS, populate=False, label="{:,} keys".format(BIG_KEYS))
            R.notes.append("{:,}-key store written straight into meta.db (one real PUT's row, new keys "
                           "and blob ids, inline bytes as coffer stores them), not through the API.".format(BIG_KEYS))
        else:
            R.notes.append("1,000,000-key listing and start-up skipped: set BENCH_FULL=1.")
        ok = True
    except KeyboardInterrupt:
        log("bench: interrupted; cleaning up")
    except Exception:
        import traceback
        traceback.print_exc()
        R.notes.append("the run stopped early on an error (see stderr); partial results.")
    finally:
        for t in servers:
            if t.kind == "s3" and t.proc is None and ok:
                try:
                    cleanup_remote(t)
                except Exception as e:
                    log("bench: could not clean up %s: %s" % (t.name, e))
            t.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    R.notes.append("nginx's DAV PUT does not fsync; coffer acknowledges a PUT only once it is durable.")
    R.notes.append("S5 nginx: plain HEAD of the same files (no authentication); 'root key only' is coffer "
                   "with one access key, for the cost of 1,000 keys.")
    R.notes.append("total time %.0f s" % (time.time() - t_start))
    rank = lambda k: ("S0" if k[0].startswith("TCP") else k[0][:2])
    R.order.sort(key=rank)  # stable: each scenario's rows stay in the order measured
    verdicts = targets(R)
    md = report(R, mach, servers, verdicts)
    resdir = os.environ.get("BENCH_RESULTS") or os.path.join(HERE, "results")
    os.makedirs(resdir, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    with open(os.path.join(resdir, stamp + ".jsonl"), "w") as f:
        f.write(json.dumps({"machine": mach, "complete": ok}) + "\n")
        for k in R.order:
            for server, vals in R.rows[k].items():
                f.write(json.dumps({"scenario": k[0], "metric": k[1], "server": server, "unit": R.meta[k][0],
                                    "values": vals, "median": statistics.median(vals), "min": min(vals),
                                    "max": max(vals), "target": verdicts.get(k, ("", ""))[0],
                                    "verdict": verdicts.get(k, ("", ""))[1] if server == "coffer" else ""})
                        + "\n")
    with open(os.path.join(resdir, stamp + ".md"), "w") as f:
        f.write("# coffer benchmark %s\n\n" % stamp + md)
    print(md)
    log("bench: results in %s/%s.{jsonl,md}" % (resdir, stamp))
    return 0 if ok else 1


def cleanup_remote(t):
    """Removes what the run wrote to an external S3 endpoint."""
    for bucket in (t.bucket, t.list_bucket):
        while True:
            c = http.client.HTTPConnection(t.host, t.port, timeout=60)
            c.request("GET", t.sign("GET", "/" + bucket, query={"list-type": "2", "max-keys": "1000"}))
            data = c.getresponse().read()
            c.close()
            keys = [html.unescape(k.decode()) for k in re.findall(rb"<Key>([^<]*)</Key>", data)]
            if not keys:
                break
            with cf.ThreadPoolExecutor(16) as ex:
                list(ex.map(lambda k: request(t, "DELETE", t.sign("DELETE", "/%s/%s" % (bucket, k))), keys))
        request(t, "DELETE", t.sign("DELETE", "/" + bucket))


if __name__ == "__main__":
    sys.exit(main())
