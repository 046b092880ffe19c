#!/usr/bin/env bash
# Sets everything up on a Debian 12 machine and runs the demo: installs what is missing, builds
# the module, installs a throwaway SQLite wiki with the extension loaded, serves it on 127.0.0.1
# with an SMTP sink that prints every mail, and prints the URL and the admin login.
# Stops (and removes the wiki) on Ctrl-C.
#   scripts/demo.sh [--port 8080] [--keep]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
port=8080
keep=""
while (($#)); do
	case "$1" in
	--port) port="$2"; shift 2 ;;
	--keep) keep="--keep"; shift ;;
	*) echo "usage: scripts/demo.sh [--port PORT] [--keep]" >&2; exit 2 ;;
	esac
done

bash scripts/install-deps.sh
cargo build --release --locked

dir="$(mktemp -d /tmp/npp-demo.XXXXXX)"
settings="$dir.settings.php"
# Demo settings: mail goes to the sink at once, and resets are not throttled, so a visitor can
# try the password-reset path repeatedly.
cat >"$settings" <<'PHP'
$wgPasswordReminderResendTime = 0;
$wgRateLimits['mailpassword'] = [];
$wgSitename = 'NativePasswordPolicy demo';
PHP
php tests/harness/wiki.php up --dir "$dir" --port "$port" --settings "$settings" --echo-mail >"$dir.json"
rm -f "$settings"
stop() {
	php tests/harness/wiki.php down --dir "$dir" $keep || true
	rm -f "$dir.json"
}
trap stop EXIT
trap 'exit 130' INT TERM

cat <<INFO

NativePasswordPolicy demo wiki is running.
  Wiki:          http://127.0.0.1:$port/index.php
  API:           http://127.0.0.1:$port/api.php
  Admin login:   $(php -r 'echo json_decode(file_get_contents($argv[1]), true)["admin"]["user"];' "$dir.json") / $(php -r 'echo json_decode(file_get_contents($argv[1]), true)["admin"]["password"];' "$dir.json")
  Module:        $(php -d extension="$repo/target/release/libnative_password_policy.so" -r 'echo phpversion("native_password_policy");')
  Try:           Special:CreateAccount with the password "password" (refused as common);
                 Special:PasswordReset for a user with a confirmed address (the mail is printed below).
  Wiki files:    $dir (logs in $dir/logs)

Mail caught by the SMTP sink is printed here. Press Ctrl-C to stop.
INFO
tail -n +1 -F "$dir/logs/smtp.log" 2>/dev/null
