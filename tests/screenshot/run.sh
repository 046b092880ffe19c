#!/usr/bin/env bash
# The screenshot-checked demo: starts the demo wiki with scripts/demo.sh, drives it in Debian's
# headless Chromium (demo.mjs, with playwright-core from npm) and saves the screenshots in
# target/screenshots/: Special:Version with the extension and the module's version, and
# Special:ChangePassword refusing the common password "password" with the translated message
# (English and German), and a password reset of the demo's user whose mail (printed by the demo)
# logs in. Installs Chromium and playwright-core when missing.
#   tests/screenshot/run.sh [--port 8089] [--mediawiki 1.43|1.39]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
port=8089
mediawiki="${NPP_MEDIAWIKI:-1.43}"
while (($#)); do
	case "$1" in
	--port) port="$2"; shift 2 ;;
	--mediawiki) mediawiki="$2"; shift 2 ;;
	*) echo "usage: tests/screenshot/run.sh [--port PORT] [--mediawiki 1.43|1.39]" >&2; exit 2 ;;
	esac
done
shots="$repo/target/screenshots"

bash "$repo/scripts/install-deps.sh" chromium
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	# Debian's Node.js only where there is none (another one may be installed outside Debian's packages).
	bash "$repo/scripts/install-deps.sh" nodejs npm
fi
if [[ ! -d "$here/node_modules/playwright-core" ]]; then
	# The version is pinned in package.json; no lock file is kept (it would only name the registry).
	(cd "$here" && npm install --no-audit --no-fund --no-package-lock --loglevel=error)
fi

log="$(mktemp "${TMPDIR:-/tmp}/npp-demo-log-XXXXXX")"
# The demo in its own process group, so that stopping it also stops its `tail -F`; its exit trap
# then takes the wiki down.
setsid bash "$repo/scripts/demo.sh" --port "$port" --mediawiki "$mediawiki" >"$log" 2>&1 &
demo=$!
stop_demo() {
	kill -TERM -- "-$demo" 2>/dev/null || true
	wait "$demo" 2>/dev/null || true
	rm -f -- "$log"
}
trap stop_demo EXIT

for _ in $(seq 1 600); do
	grep -q 'Admin login:' "$log" && break
	kill -0 "$demo" 2>/dev/null || { cat "$log" >&2; echo "scripts/demo.sh stopped early" >&2; exit 1; }
	sleep 0.5
done
read -r user password < <(sed -n 's/^ *Admin login: *\(.*\) \/ \(.*\)$/\1 \2/p' "$log")
url="$(sed -n 's/^ *Wiki: *\(http[^ ]*\)\/index.php$/\1/p' "$log")"
reset_user="$(sed -n 's/^ *Reset user: *\([^ ]*\) .*$/\1/p' "$log")"
[[ -n "$url" && -n "$user" && -n "$reset_user" ]] || { cat "$log" >&2; echo "no URL or login in the demo's output" >&2; exit 1; }
version="$(php -r 'echo json_decode(file_get_contents($argv[1]), true)["version"];' "$repo/extension.json")"

rm -rf -- "$shots"
if ! node "$here/demo.mjs" "$url" "$user" "$password" "$version" "$shots" "$reset_user" "$log"; then
	# What the wiki's processes logged, for a failure seen only in CI.
	wiki_dir="$(sed -n 's/^ *Wiki files: *\([^ ]*\) .*$/\1/p' "$log")"
	for file in "$wiki_dir"/logs/*.log; do
		[[ -s "$file" ]] || continue
		echo "---- $file (last 40 lines, idle job runs left out)"
		{ grep -v -x 'Job queue is empty.' -- "$file" || true; } | tail -n 40
	done
	echo "---- the demo's output (last 40 lines)"
	tail -n 40 -- "$log"
	exit 1
fi
echo "Screenshots: $(ls "$shots" | tr '\n' ' ')in $shots"
