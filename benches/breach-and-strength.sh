#!/usr/bin/env bash
# Breach corpus and strength benchmark: Rust side (build, memory, size, accuracy, lookup cost,
# zxcvbn worst case) and PHP side (lookups through the module next to a PHP-only search).
#   bash benches/breach-and-strength.sh [ENTRIES...]     (default: 1000000 10000000)
# Needs about 60 bytes of free disk per entry in $TMPDIR (default /tmp) while it runs.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
sizes=("$@")
if ((${#sizes[@]} == 0)); then
	sizes=(1000000 10000000)
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/npp-breach-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cargo build --release --locked --quiet
cargo bench --locked --quiet --bench breach_and_strength -- --keep "$work" "${sizes[@]}"

echo
echo "Lookups called from PHP, one call per password (half members, half outsiders): Engine::inBreachCorpus() (bool)"
echo "and Engine::check('PasswordNotInBreachCorpus', ...) (failure array), both hashing included,"
echo "next to PHP alone: sha1() and a binary search (fseek/fread) in a sorted file of 8-byte SHA-1 prefixes."
echo
echo "| entries | probes | inBreachCorpus() | check() | PHP only | new Engine() per request | PHP only / inBreachCorpus() | members missed | native extra (false positives) |"
echo "|---|---|---|---|---|---|---|---|---|"
for size in "${sizes[@]}"; do
	php -d extension="$repo/target/release/libnative_password_policy.so" benches/breach_lookup.php "$work/$size"
done
