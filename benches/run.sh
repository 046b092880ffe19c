#!/usr/bin/env bash
# Benchmarks NativePasswordPolicy against MediaWiki core's PHP checks, in one command:
#   benches/run.sh            build the module, run the PHP and Rust benchmarks, print the results
#   benches/run.sh --write    ... and refresh the generated part of benches/RESULTS.md
#   benches/run.sh --quick    fewer rounds and samples (a smoke run of about half a minute)
#   benches/run.sh --no-rust  skip the criterion benchmarks of the Rust core
# Needs what scripts/install-deps.sh installs. Not a test stage: scripts/test.sh never runs it.
# Raw results: target/bench/php.json and target/criterion/.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

write=false
rust=true
php_args=()
criterion_args=()
for arg in "$@"; do
	case "$arg" in
	--write) write=true ;;
	--no-rust) rust=false ;;
	--quick)
		php_args=(--rounds 5 --round-ms 3 --processes 4 --server-requests 8)
		criterion_args=(--warm-up-time 0.2 --measurement-time 0.5 --sample-size 10)
		;;
	*)
		echo "unknown option: $arg (known: --write --quick --no-rust)" >&2
		exit 2
		;;
	esac
done

mediawiki=/usr/share/mediawiki
if [[ ! -f $mediawiki/maintenance/runScript.php ]]; then
	echo "MediaWiki is not installed in $mediawiki: run scripts/install-deps.sh" >&2
	exit 1
fi

started=$SECONDS
step() {
	printf '\n==== %s (%ds)\n' "$*" "$((SECONDS - started))"
}

step "cargo build --release"
cargo build --release --locked
module="$repo/target/release/libnative_password_policy.so"
out="$repo/target/bench"
mkdir -p "$out"

step "Throwaway wiki with the extension"
wiki_dir="$(mktemp -d "${TMPDIR:-/tmp}/npp-bench-wiki-XXXXXX")"
stop_wiki() {
	php tests/harness/wiki.php down --dir "$wiki_dir" >/dev/null 2>&1 || rm -rf -- "$wiki_dir"
}
trap stop_wiki EXIT
NPP_MODULE="$module" php tests/harness/wiki.php up --dir "$wiki_dir" >"$out/wiki.json"

step "PHP: core vs extension, side by side in one process"
# opcache on, as on any production server: PHP code runs as optimised as it would there.
MW_CONFIG_FILE="$wiki_dir/LocalSettings.php" php -d "extension=$module" -d opcache.enable_cli=1 \
	"$mediawiki/maintenance/runScript.php" benches/php/policy.php \
	--module "$module" --json "$out/php.json" "${php_args[@]}"

stop_wiki
trap - EXIT

report_args=(--php "$out/php.json" --commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	--rustc "$(rustc --version)")
if $rust; then
	step "Rust core alone (criterion)"
	rm -rf target/criterion
	cargo bench --locked --profile bench-build --bench engine -- "${criterion_args[@]}"
	report_args+=(--criterion target/criterion)
fi

step "Results"
if $write; then
	report_args+=(--write benches/RESULTS.md)
fi
php benches/php/report.php "${report_args[@]}"
step "done"
