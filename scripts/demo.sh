#!/usr/bin/env bash
# Sets everything up on a Debian 12 machine and runs the demo: installs what is missing, builds
# the module, installs a throwaway SQLite wiki with the extension loaded, serves it on 127.0.0.1
# with an SMTP sink that prints every mail, creates a user with a confirmed address (so that
# Special:PasswordReset sends a mail at once), and prints the URL, the admin login and that user.
# Stops (and removes the wiki) on Ctrl-C.
#   scripts/demo.sh [--port 8080] [--mediawiki 1.43|1.39] [--keep]
# --mediawiki: MediaWiki 1.43 LTS (the default: Debian 13's packages, unpacked into .cache/ by
# tests/mediawiki/setup.sh without changing the system) or 1.39 (Debian 12's package).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
port=8080
keep=""
mediawiki=1.43
while (($#)); do
	case "$1" in
	--port) port="$2"; shift 2 ;;
	--keep) keep="--keep"; shift ;;
	--mediawiki)
		case "${2:-}" in
		1.39 | 1.43) mediawiki="$2" ;;
		*) echo "--mediawiki takes 1.43 or 1.39" >&2; exit 2 ;;
		esac
		shift 2
		;;
	*) echo "usage: scripts/demo.sh [--port PORT] [--mediawiki 1.43|1.39] [--keep]" >&2; exit 2 ;;
	esac
done
# A user with a confirmed address: a reset for it is mailed (and printed below) at once.
demo_user=Demo
demo_email=demo@example.org

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
# With a job runner: the extension queues password resets, and the runner mails them.
php tests/harness/wiki.php up --dir "$dir" --port "$port" --settings "$settings" --echo-mail --job-runner \
	--mediawiki "$mediawiki" >"$dir.json"
rm -f "$settings"
stop() {
	php tests/harness/wiki.php down --dir "$dir" $keep || true
	rm -f "$dir.json"
}
trap stop EXIT
trap 'exit 130' INT TERM
field() {
	php -r 'echo json_decode(file_get_contents($argv[1]), true)[$argv[2]];' "$dir.json" "$1"
}
# A strong random password nobody needs to know: the user's way in is the reset mail.
printf '[{"name":"%s","email":"%s","password":"%s"}]' "$demo_user" "$demo_email" "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" |
	php tests/harness/wiki.php users --dir "$dir"

cat <<INFO

NativePasswordPolicy demo wiki is running.
  Wiki:          http://127.0.0.1:$port/index.php
  API:           http://127.0.0.1:$port/api.php
  MediaWiki:     $(field mediawiki) ($(field core))
  Admin login:   $(php -r 'echo json_decode(file_get_contents($argv[1]), true)["admin"]["user"];' "$dir.json") / $(php -r 'echo json_decode(file_get_contents($argv[1]), true)["admin"]["password"];' "$dir.json")
  Reset user:    $demo_user ($demo_email, confirmed): Special:PasswordReset for it mails a temporary password
  Module:        $(php -d extension="$repo/target/release/libnative_password_policy.so" -r 'echo phpversion("native_password_policy");')
  Try:           Special:CreateAccount with the password "password" (refused as common);
                 Special:PasswordReset for $demo_user (the mail is printed below), then log in with it.
  Wiki files:    $dir (logs in $dir/logs)

Mail caught by the SMTP sink is printed here. Press Ctrl-C to stop.
INFO
tail -n +1 -F "$dir/logs/smtp.log" 2>/dev/null
