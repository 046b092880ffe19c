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
	# The multi-server wiki of the harness (ThrowawayFarm): a private MariaDB and Redis, PHP's
	# drivers for them, and APCu for each php-fpm pool's own memory. The servers are installed
	# only (never started or enabled, see below); APCu is loaded by the farm's pools only.
	mariadb-server redis-server php8.2-mysql php8.2-redis php8.2-apcu
	# MariaDB of a throwaway wiki needs no durability: its fsyncs are skipped (LD_PRELOAD).
	eatmydata
	# A throwaway wiki on PostgreSQL (ThrowawayWiki 'database' => 'postgres'): the server, run as
	# a private instance like MariaDB, and PHP's driver.
	postgresql php8.2-pgsql
	"$@"
)

missing=()
for package in "${packages[@]}"; do
	if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]]; then
		missing+=("$package")
	fi
done

# Services of the packages the harness runs as private instances (package: service name).
declare -A services=([mariadb-server]=mariadb [redis-server]=redis-server [postgresql]=postgresql)
newly_installed() {
	local package
	for package in "${missing[@]}"; do
		[[ "$package" == "$1" ]] && return 0
	done
	return 1
}

if ((${#missing[@]})); then
	if [[ $(id -u) -ne 0 ]]; then
		echo "Missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
		exit 1
	fi
	echo "Installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# invoke-rc.d and deb-systemd-invoke ask policy-rc.d before starting a service: without one
	# (a machine that is not a container), the install would start the system MariaDB and Redis.
	# A temporary one forbids that (exit 101, "action forbidden") for this install only.
	policy=/usr/sbin/policy-rc.d
	if [[ ! -e "$policy" ]]; then
		printf '#!/bin/sh\n# Left by scripts/install-deps.sh while it runs.\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		trap 'rm -f "$policy"' EXIT
	fi
	apt-get update -q
	# No recommends: mediawiki recommends a MySQL server and Apache, which the tests do not use.
	apt-get install -y -q --no-install-recommends "${missing[@]}"
	# The harness runs its own instances: the system services stay off at boot as well
	# (update-rc.d disables the init script and, where systemctl exists, the unit).
	for package in "${!services[@]}"; do
		if newly_installed "$package"; then
			update-rc.d "${services[$package]}" disable
		fi
	done
	# APCu enabled for every PHP would change other wikis (MediaWiki's installer picks
	# CACHE_ACCEL when it finds APCu): the farm's pools load it from their own scan directory.
	if newly_installed php8.2-apcu; then
		phpdismod -v 8.2 -s ALL apcu
	fi
fi

if ! command -v cargo >/dev/null; then
	echo "cargo is not on PATH: install a Rust toolchain (rustup, stable >= 1.85) first." >&2
	exit 1
fi
