#!/bin/sh
# deps.sh [build|test|bench] - install the Debian packages (and, for tests, the npm
# packages) that coffer needs and that are missing. Safe to run repeatedly: it
# does nothing when everything is present.
set -eu
what=${1:-build}

build_pkgs="build-essential pkg-config libmicrohttpd-dev libsqlite3-dev libssl-dev libexpat1-dev libisal-dev libjansson-dev libargon2-dev"
# wrk and nginx-light: the benchmark harness's smoke test runs in `make test`;
# chromium: the console's browser tests.
test_pkgs="clang libclang-rt-14-dev libcmocka-dev python3-pytest python3-boto3 awscli s3cmd rclone curl nodejs npm wrk nginx-light chromium"
bench_pkgs=""
valgrind_pkgs="valgrind"

pkgs=$build_pkgs
case $what in
test) pkgs="$pkgs $test_pkgs" ;;
bench) pkgs="$pkgs $test_pkgs $bench_pkgs" ;;
valgrind) pkgs="$pkgs $test_pkgs $valgrind_pkgs" ;;
esac

missing=""
for p in $pkgs; do
	# A tool that is already on PATH from elsewhere (node, npm) counts as present.
	case $p in
	nodejs) command -v node >/dev/null 2>&1 && continue ;;
	npm) command -v npm >/dev/null 2>&1 && continue ;;
	esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done

if [ -n "$missing" ]; then
	echo "deps: installing Debian packages:$missing"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi

# npm packages: tests/js (the AWS SDK for JavaScript) and tests/browser
# (playwright-core, which drives Debian's chromium; it downloads no browser).
if [ "$what" != build ]; then
	for d in tests/js tests/browser; do
		[ -f "$d/package.json" ] || continue
		if [ ! -d "$d/node_modules" ] || [ "$d/package.json" -nt "$d/node_modules" ]; then
			echo "deps: installing npm packages for $d"
			(cd "$d" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error >/dev/null)
			touch "$d/node_modules"
		fi
	done
fi
