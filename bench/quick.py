#!/usr/bin/python3
"""Quick side-by-side measurement: 4 KiB GET and PUT requests per second under
wrk, coffer (presigned URLs, so every request pays SigV4 verification) beside
nginx serving and accepting (DAV) the same bytes, on this machine, in one run.

    /usr/bin/python3 bench/quick.py [--duration 10] [--connections 64]

The full benchmark suite (issue 4) grows from here."""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import boto3
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AKID, SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, deadline=15):
    end = time.time() + deadline
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except Exception:
            time.sleep(0.05)
    raise RuntimeError("not ready: " + url)


def wrk(url, script, duration, conns, threads=2):
    cmd = ["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % duration, "--latency"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=duration + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, float(p99.group(1)) * scale[p99.group(2)], int(errors.group(1)) if errors else 0


def lua_rotating(path, method, urls, body_len):
    """A wrk script cycling through request paths (each a presigned URL)."""
    with open(path, "w") as f:
        f.write("local paths = {\n")
        for u in urls:
            f.write('  "%s",\n' % u)
        f.write("}\nlocal i = 0\nlocal body = string.rep('x', %d)\n" % body_len)
        f.write("request = function()\n  i = i %% #paths + 1\n"
                "  return wrk.format('%s', paths[i], nil, %s)\nend\n"
                % (method, "body" if method == "PUT" else "nil"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=64)
    a = ap.parse_args()
    for v in ("AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE"):
        os.environ.pop(v, None)
    tmp = tempfile.mkdtemp(prefix="coffer-bench-")
    procs = []
    try:
        port = free_port()
        env = dict(os.environ, COFFER_ROOT_ACCESS_KEY_ID=AKID, COFFER_ROOT_SECRET_ACCESS_KEY=SECRET)
        log = open(os.path.join(tmp, "coffer.log"), "w")
        procs.append(subprocess.Popen([os.path.join(ROOT, "build", "coffer"), "server", "--data",
                                       os.path.join(tmp, "data"), "--listen", "127.0.0.1:%d" % port,
                                       "--console-listen", "off"],
                                      env=env, stdout=log, stderr=subprocess.DEVNULL))
        ep = "http://127.0.0.1:%d" % port
        wait_http(ep + "/_coffer/health")
        s3 = boto3.client("s3", endpoint_url=ep, region_name="us-east-1", aws_access_key_id=AKID,
                          aws_secret_access_key=SECRET,
                          config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
        s3.create_bucket(Bucket="bench")
        body = os.urandom(4096)
        s3.put_object(Bucket="bench", Key="obj4k", Body=body)
        get_urls = [s3.generate_presigned_url("get_object", Params={"Bucket": "bench", "Key": "obj4k"},
                                              ExpiresIn=3600).split(str(port), 1)[1]]
        put_urls = [s3.generate_presigned_url("put_object", Params={"Bucket": "bench", "Key": "p/%d" % i},
                                              ExpiresIn=3600).split(str(port), 1)[1] for i in range(1000)]
        lua_rotating(os.path.join(tmp, "get.lua"), "GET", get_urls, 0)
        lua_rotating(os.path.join(tmp, "put.lua"), "PUT", put_urls, 4096)

        # nginx on the same bytes: GET of a 4 KiB file, DAV PUT to rotating names.
        www = os.path.join(tmp, "www")
        os.makedirs(os.path.join(www, "p"))
        with open(os.path.join(www, "obj4k"), "wb") as f:
            f.write(body)
        nport = free_port()
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write("""worker_processes 2; daemon off; pid %(t)s/nginx.pid; error_log %(t)s/error.log;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path %(t)s/body; proxy_temp_path %(t)s/p;
  fastcgi_temp_path %(t)s/f; uwsgi_temp_path %(t)s/u; scgi_temp_path %(t)s/s;
  server { listen 127.0.0.1:%(p)d; root %(w)s; location / { dav_methods PUT; client_max_body_size 1g; } } }
""" % {"t": tmp, "p": nport, "w": www})
        procs.append(subprocess.Popen(["nginx", "-c", conf, "-p", tmp], stderr=subprocess.DEVNULL))
        nep = "http://127.0.0.1:%d" % nport
        wait_http(nep + "/obj4k")
        lua_rotating(os.path.join(tmp, "nput.lua"), "PUT", ["/p/%d" % i for i in range(1000)], 4096)

        rows = []
        for name, url, script in (("GET 4 KiB", None, "get.lua"), ("PUT 4 KiB", None, "put.lua")):
            c = wrk(ep + "/", os.path.join(tmp, script), a.duration, a.connections)
            n = wrk(nep + ("/obj4k" if name.startswith("GET") else "/"),
                    None if name.startswith("GET") else os.path.join(tmp, "nput.lua"),
                    a.duration, a.connections)
            rows.append((name, c, n))
        print("| scenario | coffer req/s | coffer p99 ms | nginx req/s | nginx p99 ms | ratio | coffer errors |")
        print("|---|---|---|---|---|---|---|")
        for name, c, n in rows:
            print("| %s | %.0f | %.2f | %.0f | %.2f | %.2f | %d |" % (name, c[0], c[1], n[0], n[1], c[0] / n[0], c[2]))
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
            p.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
