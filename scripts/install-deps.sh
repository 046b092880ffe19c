#!/usr/bin/env bash
# Installs the Debian packages NativePasswordPolicy needs to build, run and test, when missing.
# Idempotent: a machine that has everything is left untouched (no apt-get update).
#   scripts/install-deps.sh [extra-package ...]
set -euo pipefail

packages=(
	# Build the module against Debian's PHP 8.2 (php-config, headers; bindgen needs libclang).
	php8.2-cli php8.2-dev libclang-dev clang
	# MediaWiki 1.39 and what a SQLite wiki and its tests need.
	mediawiki php8.2-sqlite3 php8.2-mbstring php8.2-xml php8.2-intl php8.2-curl sqlite3
	# MediaWiki 1.43 (Debian 13's packages, unpacked by tests/mediawiki/setup.sh) needs gmp as well.
	php8.2-gmp
	# Tests: PHPUnit 9.6, the SMTP sink of the harness.
	phpunit python3-aiosmtpd
	# The Debian package (strip, objdump) and the install test (unshare, overlays).
	binutils util-linux
	# The production-shaped server of the harness (ThrowawayWiki 'server' => 'fpm'): HTTP tests
	# and benchmarks. Installed only; the harness runs private instances, never the services.
	nginx php8.2-fpm
	# The php84 stage: a Debian 13 root for PHP 8.4 and MediaWiki 1.43 (tests/php84/run.sh).
	debootstrap
	"$@"
)

missing=()
for package in "${packages[@]}"; do
	if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]]; then
		missing+=("$package")
	fi
done

if ((${#missing[@]})); then
	if [[ $(id -u) -ne 0 ]]; then
		echo "Missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
		exit 1
	fi
	echo "Installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# No recommends: mediawiki recommends a MySQL server and Apache, which the tests do not use.
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
	echo "cargo is not on PATH: install a Rust toolchain (rustup, stable >= 1.85) first." >&2
	exit 1
fi
