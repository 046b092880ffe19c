#!/usr/bin/env bash
# Runs every test of NativePasswordPolicy on a Debian 12 machine, installing what is missing:
#   scripts/test.sh                          all stages, on MediaWiki 1.43 and 1.39
#   scripts/test.sh rust http                only the named stages
#   scripts/test.sh --mediawiki 1.39 http    the MediaWiki stages on one release only
# Stages (all by default): deps rust stubs lint module mediawiki http load maintenance install
# php84 screenshot (installs Chromium and drives the demo wiki in it; see tests/screenshot/run.sh)
# module, mediawiki, http, load and maintenance run once per MediaWiki release: 1.43 LTS (Debian 13's
# packages, unpacked into .cache/ by tests/mediawiki/setup.sh; no system change) and 1.39 (Debian
# 12's package). install runs on Debian 12's system MediaWiki, which the install steps target.
# load is the smoke version of the load run (benches/load/run.php --smoke: 2,000 requests on
# nginx + php-fpm, core and extension, zero errors); the full run is a benchmark, run by hand.
# php84 builds and tests the module with Debian 13's PHP 8.4 and MediaWiki 1.43 in a Debian 13
# root made with debootstrap and cached in .cache/trixie-root (see tests/php84/run.sh).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

releases=(1.43 1.39)
stages=()
while (($#)); do
	case "$1" in
	--mediawiki)
		case "${2:-}" in
		1.39 | 1.43) releases=("$2") ;;
		all) releases=(1.43 1.39) ;;
		*) echo "--mediawiki takes 1.43, 1.39 or all" >&2; exit 2 ;;
		esac
		shift 2
		;;
	*) stages+=("$1"); shift ;;
	esac
done
if ((${#stages[@]} == 0)); then
	stages=(deps rust stubs lint module mediawiki http load maintenance install php84 screenshot)
fi

started=$SECONDS
step() {
	printf '\n==== %s (%ds)\n' "$*" "$((SECONDS - started))"
}

# Runs "$@" once per release, with NPP_MEDIAWIKI and NPP_MW_CORE (the core directory) set for it.
# The step title is $1.
per_release() {
	local title="$1" release core
	shift
	for release in "${releases[@]}"; do
		step "$title (MediaWiki $release)"
		core="$(bash tests/mediawiki/setup.sh "$release" | tail -n1)"
		NPP_MEDIAWIKI="$release" NPP_MW_CORE="$core" "$@"
	done
}

# The module with the test-only fault injection (cargo feature fault-injection), for the tests
# that force panics (tests/module/FaultInjectionTest.php, tests/http/InternalErrorFallbackTest.php),
# named to them in NPP_FAULT_INJECTION_MODULE. A target directory of its own, so target/release,
# which install.sh installs, never holds it. Built once per run, before the first stage needing it.
fault_injection_built=false
fault_injection_module() {
	if ! $fault_injection_built; then
		step "cargo build --release --features fault-injection (tests only; into target/fault-injection)"
		cargo build --release --locked --features fault-injection --target-dir "$repo/target/fault-injection"
		fault_injection_built=true
	fi
	export NPP_FAULT_INJECTION_MODULE="$repo/target/fault-injection/release/libnative_password_policy.so"
}

# cargo with no PHP reachable (see the rust stage), in target/no-php.
without_php() {
	env PATH=/usr/bin:/bin PHP=/nonexistent PHP_CONFIG=/nonexistent CARGO_TARGET_DIR="$repo/target/no-php" \
		"$(command -v cargo)" "$@"
}

for stage in "${stages[@]}"; do
	case "$stage" in
	deps)
		step "Debian packages"
		bash scripts/install-deps.sh
		;;
	rust)
		step "cargo fmt --check"
		cargo fmt --all -- --check
		step "cargo clippy -- -D warnings"
		cargo clippy --all-targets --locked -- -D warnings
		step "cargo test"
		cargo test --locked
		step "cargo build --release"
		cargo build --release --locked
		# The same without the feature php (the binding): no ext-php-rs in the graph, so no PHP
		# headers or php-config; PHP and PHP_CONFIG name nothing, so ext-php-rs's build script
		# would fail if it ran. A target directory of its own: shared crates get other features
		# and the crate's cdylib and rlib have fixed names, so target/ would rebuild each time.
		step "without the feature php: ext-php-rs is not in the build graph"
		# Read whole first: grep -q quitting early would fail the pipe under pipefail.
		graph="$(cargo tree --locked --no-default-features -e all --target all --prefix none)"
		if grep -q '^ext-php-rs ' <<<"$graph"; then
			echo "ext-php-rs is still a dependency without the feature php" >&2
			exit 1
		fi
		step "without php: cargo clippy --no-default-features -- -D warnings"
		without_php clippy --all-targets --locked --no-default-features -- -D warnings
		step "without php: cargo test --no-default-features"
		without_php test --locked --no-default-features
		step "without php: cargo build --no-default-features --release --bin npp-breach-corpus"
		without_php build --locked --no-default-features --release --bin npp-breach-corpus
		;;
	stubs)
		step "PHP stubs are current (scripts/stubs.sh --check)"
		bash scripts/stubs.sh --check
		;;
	lint)
		step "php -l"
		for dir in php tests maintenance benches stubs; do
			if [[ -d "$dir" ]]; then find "$dir" -name '*.php' -print0; fi
		done | xargs -0 -n1 -P2 php -l >/dev/null
		;;
	module)
		fault_injection_module
		# The module alone; the release only decides which core's common-password file it reads.
		per_release "PHP module tests (no MediaWiki; its common-password file)" \
			php -d extension="$repo/target/release/libnative_password_policy.so" "$(command -v phpunit)" \
			-c tests/module/phpunit.xml
		;;
	mediawiki)
		per_release "Extension PHPUnit tests inside MediaWiki's framework" \
			bash tests/mediawiki/run-extension-tests.sh
		per_release "Core's password, auth and reset suites, with and without the extension" \
			bash tests/mediawiki/run-core-suites.sh
		;;
	http)
		fault_injection_module
		per_release "HTTP tests against throwaway wikis" phpunit -c tests/http/phpunit.xml
		;;
	load)
		per_release "Load smoke run on nginx + php-fpm, core and extension (benches/load/run.php --smoke)" \
			php benches/load/run.php --smoke
		;;
	maintenance)
		per_release "Maintenance scripts against throwaway wikis" phpunit -c tests/maintenance/phpunit.xml
		;;
	install)
		step "Documented install steps into a fresh PHP configuration and wiki"
		bash tests/install/run.sh
		;;
	php84)
		step "PHP 8.4 and MediaWiki 1.43 in a Debian 13 root (tests/php84/run.sh)"
		bash tests/php84/run.sh
		;;
	screenshot)
		step "Demo wiki in headless Chromium (screenshots in target/screenshots)"
		bash tests/screenshot/run.sh
		;;
	*)
		echo "unknown stage: $stage (known: deps rust stubs lint module mediawiki http load maintenance install php84 screenshot)" >&2
		exit 2
		;;
	esac
done

step "all stages passed: ${stages[*]} (MediaWiki ${releases[*]})"
