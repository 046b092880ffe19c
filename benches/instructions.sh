#!/usr/bin/env bash
# Instructions per password check (valgrind's callgrind counts them: the same for the same code,
# inputs and environment, whatever else the machine does), core against the extension, on each
# MediaWiki release: a user's effective policy checked through core's callables, through the
# extension's (one native evaluation, then its verdict), and the bare native evaluation.
# Each count is the difference of two runs (1,200 and 200 checks) divided by 1,000, so that
# start-up is left out.
#   benches/instructions.sh [--mediawiki 1.43|1.39|all] [--groups sysop]
# Needs valgrind (Debian's package; installed when missing) and a release build of the module.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
releases=(1.43 1.39)
groups=""
while (($#)); do
	case "$1" in
	--mediawiki)
		case "${2:-}" in
		1.39 | 1.43) releases=("$2") ;;
		all) ;;
		*) echo "--mediawiki takes 1.43, 1.39 or all" >&2; exit 2 ;;
		esac
		shift 2
		;;
	--groups) groups="$2"; shift 2 ;;
	*) echo "usage: benches/instructions.sh [--mediawiki 1.43|1.39|all] [--groups G,...]" >&2; exit 2 ;;
	esac
done
bash scripts/install-deps.sh valgrind >/dev/null
cargo build --release --locked --quiet
module="$repo/target/release/libnative_password_policy.so"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/npp-instructions-XXXXXX")"
trap 'php tests/harness/wiki.php down --dir "$scratch/wiki" >/dev/null 2>&1 || true; rm -rf -- "$scratch"' EXIT

# Instructions of one run of the given way with N checks of the policy.
count() {
	local way="$1" iterations="$2"
	MW_INSTALL_PATH="$core" MW_CONFIG_FILE="$scratch/wiki/LocalSettings.php" \
		valgrind --tool=callgrind --callgrind-out-file=/dev/null php -d "extension=$module" -d opcache.enable_cli=1 \
		"$core/maintenance/runScript.php" "$repo/benches/php/instructions.php" --way "$way" \
		--iterations "$iterations" ${groups:+--groups "$groups"} 2>&1 >/dev/null |
		sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}

printf '| MediaWiki | groups | core callables | extension callables | core/ext | native evaluation | core/evaluation |\n'
printf '|---|---|--:|--:|--:|--:|--:|\n'
for release in "${releases[@]}"; do
	NPP_MODULE="$module" php tests/harness/wiki.php up --dir "$scratch/wiki" --mediawiki "$release" >"$scratch/wiki.json"
	core="$(php -r 'echo json_decode(file_get_contents($argv[1]), true)["core"];' "$scratch/wiki.json")"
	version="$(php -r 'echo json_decode(file_get_contents($argv[1]), true)["mediawiki"];' "$scratch/wiki.json")"
	declare -A per
	for way in core extension evaluation; do
		per[$way]=$((($(count "$way" 1200) - $(count "$way" 200)) / 1000))
	done
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$version" "${groups:-none}" \
		"${per[core]}" "${per[extension]}" "$(awk "BEGIN { printf \"%.2f×\", ${per[core]} / ${per[extension]} }")" \
		"${per[evaluation]}" "$(awk "BEGIN { printf \"%.2f×\", ${per[core]} / ${per[evaluation]} }")"
	php tests/harness/wiki.php down --dir "$scratch/wiki" >/dev/null
done
