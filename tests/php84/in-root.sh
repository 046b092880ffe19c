#!/usr/bin/env bash
# The php84 stage inside the Debian 13 root (started by tests/php84/run.sh, never by hand):
# builds the module against PHP 8.4 into target/php84, checks what it records, and runs the
# module tests and the HTTP smoke test under PHP 8.4 with MediaWiki 1.43.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
[[ -f /etc/debian_version && "$(cat /etc/debian_version)" == 13* ]] ||
	{ echo "in-root.sh runs inside the Debian 13 root of tests/php84/run.sh" >&2; exit 1; }

php=/usr/bin/php8.4
export PHP="$php" PHP_CONFIG=/usr/bin/php-config8.4
# A target directory of its own: the host's PHP 8.2 build in target/release stays as it is.
export CARGO_TARGET_DIR="$repo/target/php84"
module="$CARGO_TARGET_DIR/release/libnative_password_policy.so"
# The test-only fault-injection build FaultInjectionTest loads, in a directory of its own (see
# scripts/test.sh): built against PHP 8.4 too.
fault_injection_dir="$CARGO_TARGET_DIR/fault-injection"
export NPP_FAULT_INJECTION_MODULE="$fault_injection_dir/release/libnative_password_policy.so"
# PHP 8.4's module API; a module recording another is refused by this PHP.
module_api=20240924
export NPP_MODULE="$module" NPP_MW_CORE=/usr/share/mediawiki NPP_PHP_FPM=/usr/sbin/php-fpm8.4

started=$SECONDS
step() {
	printf '\n---- php84: %s (%ds)\n' "$*" "$((SECONDS - started))"
}

step "$("$php" -r 'echo "PHP ", PHP_VERSION;'), MediaWiki $(sed -n "s/.*MW_VERSION', '\([^']*\)'.*/\1/p" "$NPP_MW_CORE/includes/Defines.php"), $(cargo --version)"

step "cargo build --release --locked against PHP 8.4 (into target/php84)"
cargo build --release --locked
step "cargo build --release --locked --features fault-injection against PHP 8.4 (tests only; into target/php84/fault-injection)"
cargo build --release --locked --features fault-injection --target-dir "$fault_injection_dir"

step "the module records PHP 8.4's module API ($module_api) and loads"
[[ "$("$PHP_CONFIG" --phpapi)" == "$module_api" ]] ||
	{ echo "php-config8.4 --phpapi is $("$PHP_CONFIG" --phpapi), not $module_api" >&2; exit 1; }
grep -aq "API$module_api,NTS" "$module" ||
	{ echo "$module does not record API$module_api,NTS" >&2; exit 1; }
loaded="$("$php" -n -d "extension=$module" -m)"
grep -qx native_password_policy <<<"$loaded" ||
	{ echo "PHP 8.4 did not load $module:" >&2; "$php" -n -d "extension=$module" -m >&2; exit 1; }
api="$("$php" -n -d "extension=$module" -r 'echo NativePasswordPolicy\Engine::buildInfo()["phpApi"];')"
[[ "$api" == "$module_api" ]] || { echo "Engine::buildInfo() says phpApi $api, not $module_api" >&2; exit 1; }
echo "$module: API$module_api,NTS, loaded by PHP 8.4"

step "php8.4 -l: no file of the extension or its tests is refused or deprecated under PHP 8.4"
# Compile-time deprecations (implicitly nullable parameters, ...) are printed by -l.
lint="$(for dir in php tests maintenance benches stubs; do find "$dir" -name '*.php' -print0; done |
	{ xargs -0 -n1 -P2 "$php" -n -d error_reporting=E_ALL -d display_errors=stderr -l 2>&1 || true; } |
	grep -E '(Deprecated|Warning|Notice|Fatal error|Parse error|Errors parsing)' || true)"
if [[ -n "$lint" ]]; then
	echo "$lint" >&2
	exit 1
fi

# PHPUnit 11 (Debian 13's): fail on any deprecation, PHP's or PHPUnit's, and show it.
phpunit=(/usr/bin/phpunit --fail-on-deprecation --fail-on-phpunit-deprecation --fail-on-notice --fail-on-warning
	--display-deprecations --display-phpunit-deprecations --display-notices --display-warnings)
# Both suites run whatever the first gives, so one run tells everything; the stage fails at the end.
failed=()

step "module tests (tests/module) under PHP 8.4, $("${phpunit[0]}" --version | awk 'NR == 1 { print $1, $2 }')"
"$php" -d "extension=$module" "${phpunit[@]}" -c tests/module/phpunit.xml || failed+=(tests/module)

step "HTTP smoke test (tests/php84): MediaWiki 1.43 on PHP 8.4, built-in server and nginx + php-fpm, real mail"
"$php" "${phpunit[@]}" -c tests/php84/phpunit.xml || failed+=(tests/php84)

if ((${#failed[@]})); then
	step "FAILED under PHP 8.4: ${failed[*]}"
	exit 1
fi
step "passed under PHP 8.4 with MediaWiki 1.43"
