# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are used by the scripts that source this file
# Shared helpers for the scripts in tests/mediawiki/ (sourced, not executed).
#
# Environment:
#   NPP_MEDIAWIKI  MediaWiki release to run on: 1.43 (default, Debian 13's packages unpacked into the
#                  cache) or 1.39 (Debian 12's package); see setup.sh
#   NPP_CACHE_DIR  cache root (default <repo>/.cache); MediaWiki's files go in its mediawiki/
#   NPP_MODULE     path of the Rust PHP module (default <repo>/target/release/libnative_password_policy.so);
#                  loaded into PHP for runs "with" the extension when the file exists
#   NPP_KEEP_TMP   set to 1 to keep the throwaway wikis, logs and JUnit files
#   PHP            PHP binary (default php8.2 if present, else php)

# Prints $1 as an absolute path (the runs change directory).
npp_abspath() {
	case "$1" in
	/*) echo "$1" ;;
	*) echo "$PWD/$1" ;;
	esac
}

NPP_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NPP_MW_CACHE="$(npp_abspath "${NPP_CACHE_DIR:-$NPP_REPO/.cache}")/mediawiki"
NPP_MEDIAWIKI="${NPP_MEDIAWIKI:-1.43}"
# The core tree with core's tests/ of that release: set by npp_prepare_core.
NPP_CORE=""
NPP_MW_DEBIAN_CORE=/usr/share/mediawiki
NPP_MODULE="$(npp_abspath "${NPP_MODULE:-$NPP_REPO/target/release/libnative_password_policy.so}")"
NPP_COMPAT="$NPP_REPO/tests/mediawiki/compat"
if [[ -z "${PHP:-}" ]]; then
	PHP="$(command -v php8.2 || command -v php || echo php)"
fi

NPP_CLEANUP_DIRS=()
NPP_CLEANUP_PIDS=()

# Prepares (or finds in the cache) the core tree of release $NPP_MEDIAWIKI with core's tests and
# sets NPP_CORE to it.
npp_prepare_core() {
	NPP_CORE="$("$NPP_REPO/tests/mediawiki/setup.sh" "$NPP_MEDIAWIKI" --with-tests | tail -n1)"
	[[ -n "$NPP_CORE" && -f "$NPP_CORE/includes/Defines.php" ]] || {
		echo "tests/mediawiki/setup.sh gave no core tree for MediaWiki $NPP_MEDIAWIKI" >&2
		return 1
	}
}

# The MW_VERSION of the core tree in $NPP_CORE, e.g. 1.43.9.
npp_core_version() {
	sed -n "s/.*define( *'MW_VERSION', *'\([^']*\)'.*/\1/p" "$NPP_CORE/includes/Defines.php"
}

# Kills the processes started in the background and removes the temporary
# directories (kept with NPP_KEEP_TMP=1). Installed by npp_install_cleanup.
npp_cleanup() {
	local pid dir
	for pid in "${NPP_CLEANUP_PIDS[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			kill "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		fi
	done
	for dir in "${NPP_CLEANUP_DIRS[@]}"; do
		[[ -e "$dir" ]] || continue
		if [[ "${NPP_KEEP_TMP:-0}" == 1 ]]; then
			echo "kept $dir" >&2
		else
			rm -rf "$dir"
		fi
	done
}

npp_install_cleanup() {
	trap npp_cleanup EXIT
	# Turn signals into a normal exit so the EXIT trap runs.
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# Makes a temporary directory removed by npp_cleanup and stores its path in the
# variable named by $1.
npp_mktemp() {
	local -n npp_mktemp_out="$1"
	npp_mktemp_out="$(mktemp -d "${TMPDIR:-/tmp}/npp-mw.XXXXXX")"
	NPP_CLEANUP_DIRS+=("$npp_mktemp_out")
}

# Installs a throwaway SQLite wiki into directory $1 (about a second) and writes
# $1/LocalSettings.php. Variant $2: "with" loads the extension from this
# checkout and runs update.php (its tables), "without" does not.
npp_make_wiki() {
	local dir="$1" variant="$2"
	mkdir -p "$dir/cache" "$dir/images" "$dir/logs" "$dir/tmp"
	# MW_CONFIG_FILE would make the installer look for an existing wiki.
	if ! env -u MW_CONFIG_FILE MW_INSTALL_PATH="$NPP_CORE" "$PHP" "$NPP_CORE/maintenance/install.php" \
		--dbtype sqlite --dbpath "$dir/db" --dbname wiki \
		--server http://127.0.0.1 --scriptpath "" \
		--pass 'NppTestAdmin-12345' --confpath "$dir" \
		TestWiki Admin >"$dir/logs/install.log" 2>&1; then
		cat "$dir/logs/install.log" >&2
		echo "install.php failed for the $variant wiki in $dir" >&2
		return 1
	fi
	# shellcheck disable=SC2016 # PHP variables, written literally
	{
		echo ''
		echo '# Added by tests/mediawiki/lib.sh: keep everything inside this throwaway directory,'
		echo '# not in the Debian paths that includes/PlatformSettings.php sets.'
		printf '$wgCacheDirectory = %s;\n' "$(npp_php_string "$dir/cache")"
		printf '$wgUploadDirectory = %s;\n' "$(npp_php_string "$dir/images")"
		printf '$wgTmpDirectory = %s;\n' "$(npp_php_string "$dir/tmp")"
		printf '$wgDBerrorLog = %s;\n' "$(npp_php_string "$dir/logs/dberror.log")"
		echo '$wgDebugLogGroups = [];'
		printf '$wgDebugLogGroups["exception"] = %s;\n' "$(npp_php_string "$dir/logs/exception.log")"
		printf '$wgDebugLogGroups["error"] = %s;\n' "$(npp_php_string "$dir/logs/error.log")"
		printf '$wgDebugLogGroups["fatal"] = %s;\n' "$(npp_php_string "$dir/logs/fatal.log")"
		if [[ "$variant" == with ]]; then
			printf "wfLoadExtension( 'NativePasswordPolicy', %s );\n" "$(npp_php_string "$NPP_REPO/extension.json")"
		fi
	} >>"$dir/LocalSettings.php"
	# The extension's tables, as an operator's update.php makes them: MediaWiki's test framework
	# clones the tables of this database for every test that uses it.
	if [[ "$variant" == with ]]; then
		local php_args=()
		[[ -f "$NPP_MODULE" ]] && php_args+=(-d "extension=$NPP_MODULE")
		if ! (cd "$dir" && MW_INSTALL_PATH="$NPP_CORE" MW_CONFIG_FILE="$dir/LocalSettings.php" \
			"$PHP" "${php_args[@]}" "$NPP_CORE/maintenance/update.php" --quick >"$dir/logs/update.log" 2>&1); then
			cat "$dir/logs/update.log" >&2
			echo "update.php failed for the $variant wiki in $dir" >&2
			return 1
		fi
	fi
}

# Prints $1 as a single-quoted PHP string literal.
npp_php_string() {
	local s="${1//\\/\\\\}"
	printf "'%s'" "${s//\'/\\\'}"
}

# Writes a PHPUnit configuration to $1 for the paths given after "--".
# Settings follow core's tests/phpunit/suite.xml, except:
#  - no printerClass: MediaWikiPHPUnitResultPrinter extends PHPUnit 8's
#    ResultPrinter class, an interface in PHPUnit 9;
#  - no SpeedTrapListener: composer package johnkary/phpunit-speedtrap is not
#    available, and it only reports slow tests;
#  - forceCoversAnnotation is $2 ("true"/"false"), see run-core-suites.sh.
# Paths ending in .php are test files, others are directories searched for *Test.php.
npp_write_phpunit_config() {
	local file="$1" force_covers="$2" path
	shift 2
	[[ "$1" == -- ]] && shift
	{
		cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<phpunit bootstrap="$NPP_CORE/tests/phpunit/bootstrap.maintenance.php"
	colors="false"
	backupGlobals="false"
	convertDeprecationsToExceptions="true"
	convertErrorsToExceptions="true"
	convertNoticesToExceptions="true"
	convertWarningsToExceptions="true"
	forceCoversAnnotation="$force_covers"
	failOnWarning="true"
	stopOnFailure="false"
	failOnRisky="true"
	beStrictAboutTestsThatDoNotTestAnything="true"
	beStrictAboutOutputDuringTests="true"
	verbose="false"
	stderr="true">
	<php>
		<ini name="memory_limit" value="-1" />
		<ini name="max_execution_time" value="0" />
	</php>
	<testsuites>
		<testsuite name="npp">
EOF
		for path in "$@"; do
			path="${path//&/&amp;}"
			path="${path//</&lt;}"
			if [[ "$path" == *.php ]]; then
				echo "			<file>$path</file>"
			else
				echo "			<directory suffix=\"Test.php\">$path</directory>"
			fi
		done
		cat <<EOF
		</testsuite>
	</testsuites>
	<groups>
		<exclude>
			<group>Broken</group>
		</exclude>
	</groups>
	<extensions>
		<extension class="MediaWikiLoggerPHPUnitExtension" />
	</extensions>
</phpunit>
EOF
	} >"$file"
}

# Runs core's PHPUnit entry point (through compat/phpunit.php) for the wiki in
# directory $1, variant $2 ("with" loads the Rust module when it exists); the
# remaining arguments go to PHPUnit. It exec()s PHP, so call it in a subshell
# or in the background (then $! is PHP's own pid, which npp_cleanup can kill).
npp_phpunit() {
	local dir="$1" variant="$2"
	shift 2
	local php_args=()
	if [[ "$variant" == with && -f "$NPP_MODULE" ]]; then
		php_args+=(-d "extension=$NPP_MODULE")
	fi
	# Whatever a test writes relative to the working directory stays in the throwaway wiki.
	cd "$dir" || return
	exec env MW_INSTALL_PATH="$NPP_CORE" MW_CONFIG_FILE="$dir/LocalSettings.php" \
		"$PHP" "${php_args[@]}" "$NPP_COMPAT/phpunit.php" "$@"
}

# Checks that the wiki in $1 really is variant $2: for "with", the extension and
# (when built) the Rust module are loaded; for "without", the extension is not
# (the module may be, if someone installed it system-wide). Guards against
# comparing two identical runs, and explains a wiki that cannot start.
npp_check_variant() {
	local dir="$1" variant="$2" expected got
	local php_args=()
	if [[ "$variant" == with && -f "$NPP_MODULE" ]]; then
		php_args+=(-d "extension=$NPP_MODULE")
		expected='[true,true]'
	elif [[ "$variant" == with ]]; then
		expected='[true,false]'
	else
		expected='[false,'
	fi
	# eval.php runs its input line by line: one line of PHP.
	got="$(cd "$dir" && printf '%s\n' 'echo json_encode( [ ExtensionRegistry::getInstance()->isLoaded( "NativePasswordPolicy" ), extension_loaded( "native_password_policy" ) ] ), "\n";' |
		MW_INSTALL_PATH="$NPP_CORE" MW_CONFIG_FILE="$dir/LocalSettings.php" \
			"$PHP" "${php_args[@]}" "$NPP_CORE/maintenance/eval.php" 2>&1)" || true
	local last
	last="$(tail -n1 <<<"$got")"
	# "without" only fixes the first element: a prefix match.
	if [[ "$last" != "$expected" && ! ("$variant" == without && "$last" == "$expected"*) ]]; then
		echo "The $variant wiki in $dir does not load what it should: expected" \
			"[extension loaded, module loaded] = $expected, got:" >&2
		echo "$got" >&2
		if [[ "$variant" == with && ! -f "$NPP_MODULE" ]]; then
			echo "(The Rust module $NPP_MODULE is not built: cargo build --release, or set NPP_MODULE.)" >&2
		fi
		return 1
	fi
}

# Describes which module a "with" run loads, for the log.
npp_module_note() {
	if [[ -f "$NPP_MODULE" ]]; then
		echo "Rust module: $NPP_MODULE"
	else
		echo "Rust module: not built ($NPP_MODULE missing), running without it"
	fi
}
