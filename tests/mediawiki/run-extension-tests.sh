#!/usr/bin/env bash
# Runs the extension's PHPUnit tests (tests/phpunit/unit and tests/phpunit/integration)
# the way MediaWiki runs an extension's tests: core's tests/phpunit/phpunit.php on a
# throwaway SQLite wiki that loads the extension from this checkout, plus the Rust
# module when it is built. Exits non-zero on any failure, error, warning or risky test
# (tests without @covers/@coversNothing included), or when no test ran.
#
# Usage: tests/mediawiki/run-extension-tests.sh [PHPUnit options] [test file or directory]
#   e.g. --filter Registration, or tests/phpunit/unit/ExtensionJsonTest.php (runs only it).
#   PHPUnit runs in a temporary directory: give other file options (--log-junit ...) absolute paths.
# Environment: see lib.sh (NPP_MEDIAWIKI, NPP_CACHE_DIR, NPP_MODULE, NPP_KEEP_TMP, PHP), and
#   NPP_JUNIT_DIR  if set, the JUnit log is copied there as extension.xml
set -euo pipefail

start=$SECONDS
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

npp_install_cleanup
npp_prepare_core

paths=()
for dir in "$NPP_REPO/tests/phpunit/unit" "$NPP_REPO/tests/phpunit/integration"; do
	[[ -d "$dir" ]] && paths+=("$dir")
done
if [[ ${#paths[@]} -eq 0 ]]; then
	echo "No tests/phpunit/unit or tests/phpunit/integration in $NPP_REPO" >&2
	exit 1
fi

work=""
npp_mktemp work
# forceCoversAnnotation on, as in core's suite.xml: every test of ours names what it covers.
npp_write_phpunit_config "$work/phpunit.xml" true -- "${paths[@]}"
npp_make_wiki "$work/wiki" with
npp_check_variant "$work/wiki" with
echo "MediaWiki $(npp_core_version) ($NPP_CORE)"
echo "Extension: $NPP_REPO/extension.json; $(npp_module_note)"

# A test file or directory given relative to the caller's directory.
args=()
for arg in "$@"; do
	if [[ "$arg" != /* && ( "$arg" == *.php && -f "$arg" || -d "$arg" ) ]]; then
		arg="$PWD/$arg"
	fi
	args+=("$arg")
done

result=0
(npp_phpunit "$work/wiki" with --configuration "$work/phpunit.xml" \
	--log-junit "$work/junit.xml" "${args[@]}" 2>&1) || result=$?

if [[ -n "${NPP_JUNIT_DIR:-}" && -f "$work/junit.xml" ]]; then
	mkdir -p "$NPP_JUNIT_DIR"
	cp "$work/junit.xml" "$NPP_JUNIT_DIR/extension.xml"
fi
# PHPUnit exits 0 when a filter or an empty directory selects nothing.
if ((result == 0)) && ! grep -q '<testcase ' "$work/junit.xml" 2>/dev/null; then
	echo "FAIL: no test ran" >&2
	result=1
fi
echo "Total time: $((SECONDS - start)) s"
exit "$result"
