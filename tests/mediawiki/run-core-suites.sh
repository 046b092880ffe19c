#!/usr/bin/env bash
# Runs MediaWiki core's own PHPUnit tests of passwords, password policies, password reset,
# every authentication provider and request, the login API, the account creation and reset
# forms, and the structure of every API module (help messages, parameter definitions: the extension's modules with it) twice, on two
# throwaway SQLite wikis: without the extension and with it (plus the Rust
# module when built). Prints per-suite counts of both runs from their JUnit
# logs and fails if any test passes without the extension but fails, errors or
# is missing with it. The two runs go in parallel (each is one PHP process).
#
# Usage: tests/mediawiki/run-core-suites.sh             (NPP_MEDIAWIKI=1.39 for MediaWiki 1.39)
# Environment: see lib.sh (NPP_MEDIAWIKI, NPP_CACHE_DIR, NPP_MODULE, NPP_KEEP_TMP, PHP), and
#   NPP_JUNIT_DIR  if set, the two JUnit logs are copied there (core-without.xml, core-with.xml)
#
# What a clean run proves: the extension breaks nothing in core. Not that its own checks
# match core's: these tests call PasswordPolicyChecks::* by name or set $wgPasswordPolicy
# themselves, and core's TestSetup::applyInitialConfig() sets $wgAuthManagerConfig for
# every PHPUnit run, which AuthManager prefers to $wgAuthManagerAutoConfig (so a provider
# swapped in there is not used by core's tests). Parity is the extension's tests' job.
#
# Without the extension, on Debian 12's PHP 8.2: of MediaWiki 1.39.17 (Debian 12) 2,851 tests,
# 2 fail (AuthManager tests that need DNS); of MediaWiki 1.43.9 (Debian 13's packages) 1,258
# tests, 3 error (they create temporary accounts, whose configuration core's own CI completes
# with its development settings). Such tests fail in both runs and are listed separately;
# they do not fail this script.
set -euo pipefail

start=$SECONDS
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

npp_install_cleanup
npp_prepare_core

tests="$NPP_CORE/tests/phpunit"
# The same paths on both releases: every password and authentication test, the user and reset
# services, the login API and the account creation and reset forms, and the structure of every
# API module.
suites=(
	"$tests/structure/PasswordPolicyStructureTest.php"
	"$tests/structure/ApiStructureTest.php"
	"$tests/unit/includes/password"
	"$tests/includes/password"
	"$tests/unit/includes/auth"
	"$tests/includes/auth"
	"$tests/includes/user/PasswordResetTest.php"
	"$tests/includes/user/UserTest.php"
	"$tests/includes/api/ApiLoginTest.php"
	"$tests/includes/specials/SpecialPasswordResetTest.php"
	"$tests/includes/specials/SpecialCreateAccountTest.php"
)
for suite in "${suites[@]}"; do
	if [[ ! -e "$suite" ]]; then
		echo "MediaWiki $(npp_core_version) has no $suite: the list of core suites must be updated" >&2
		exit 1
	fi
done
# Of UserTest only the password-validity test (User::checkPasswordValidity and
# isValidPassword); every test of the other classes. PHPUnit matches the filter
# against "Class::method".
filter='/^(?!UserTest::)|^UserTest::testCheckPasswordValidity\b/'

work=""
npp_mktemp work
# forceCoversAnnotation off: core's structure tests and the inherited testValidCovers
# carry no @covers, and PHPUnit 9 logs them as risky, i.e. errors, in both runs. It is
# a check of core's test metadata, not of behaviour.
npp_write_phpunit_config "$work/phpunit.xml" false -- "${suites[@]}"

echo "MediaWiki $(npp_core_version) core tree: $NPP_CORE"
echo "With the extension: $NPP_REPO/extension.json; $(npp_module_note)"

declare -A pids
for variant in without with; do
	npp_make_wiki "$work/$variant" "$variant"
	npp_check_variant "$work/$variant" "$variant"
	npp_phpunit "$work/$variant" "$variant" \
		--configuration "$work/phpunit.xml" \
		--filter "$filter" \
		--log-junit "$work/junit-$variant.xml" \
		>"$work/$variant.log" 2>&1 &
	pids[$variant]=$!
	NPP_CLEANUP_PIDS+=("$!")
done

declare -A status
for variant in without with; do
	status[$variant]=0
	wait "${pids[$variant]}" || status[$variant]=$?
done

for variant in without with; do
	echo
	echo "=== PHPUnit output, $variant the extension (exit status ${status[$variant]}) ==="
	cat "$work/$variant.log"
done

if [[ -n "${NPP_JUNIT_DIR:-}" ]]; then
	mkdir -p "$NPP_JUNIT_DIR"
	for variant in without with; do
		[[ -f "$work/junit-$variant.xml" ]] && cp "$work/junit-$variant.xml" "$NPP_JUNIT_DIR/core-$variant.xml"
	done
fi

echo
echo "=== MediaWiki $(npp_core_version): core suites without / with the extension (UserTest: testCheckPasswordValidity only) ==="
result=0
"$PHP" "$here/junit-compare.php" "$work/junit-without.xml" "$work/junit-with.xml" || result=$?

# PHP dying (exit 255: fatal error, segfault of the module) can leave a complete-looking log
# of the tests run so far; PHPUnit's own exit status 1/2 only means failures, compared above.
for variant in without with; do
	if ((status[$variant] > 2)); then
		echo "FAIL: the run $variant the extension ended abnormally (exit status ${status[$variant]})"
		result=1
	fi
done

echo "Total time: $((SECONDS - start)) s"
exit "$result"
