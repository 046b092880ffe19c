#!/usr/bin/env bash
# The php84 stage of scripts/test.sh: the module built against Debian 13's PHP 8.4 and tested
# there with MediaWiki 1.43 LTS, inside a Debian 13 (trixie) root made with debootstrap.
#
# The root is made once and kept in ${NPP_CACHE_DIR:-<repo>/.cache}/trixie-root; its stamp
# file records the package list, so a changed list makes a new root. Everything runs in a
# private mount and PID namespace: the bind mounts (the checkout, the Rust toolchain, /proc,
# /dev) and every process started in the root end with the stage. The host's apt sources
# and packages are never changed; the root uses the same Debian archive as the host.
#   tests/php84/run.sh                 make or reuse the root, then build and test in it
#   tests/php84/run.sh COMMAND [ARG]...  run COMMAND in the root instead (e.g. bash, to look around)
# Environment:
#   NPP_CACHE_DIR               cache root (default <repo>/.cache)
#   NPP_TRIXIE_REBUILD=1        make the root anew even when its stamp matches
#   NPP_DEBIAN_MIRROR           Debian archive for the root (default: the host's)
#   NPP_DEBIAN_SECURITY_MIRROR  its security archive (default: the host's)
# Needs root, debootstrap (scripts/install-deps.sh) and the host's Rust toolchain, which the
# root uses through bind mounts (RUSTUP_HOME, CARGO_HOME).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="$(realpath -m "${NPP_CACHE_DIR:-$repo/.cache}")"
root="$cache/trixie-root"
suite=trixie

# Installed in the root with apt, without recommends. Changing this list makes a new root.
packages=(
	# Build the module: php-config and headers of PHP 8.4; bindgen needs libclang.
	php8.4-cli php8.4-dev gcc libc6-dev clang libclang-dev ca-certificates
	# MediaWiki 1.43 on SQLite, and the PHP extensions it and the tests use.
	mediawiki php8.4-sqlite3 php8.4-mbstring php8.4-xml php8.4-intl php8.4-curl php8.4-gmp
	# The tests: PHPUnit, the harness's SMTP sink and its production-shaped server.
	phpunit python3-aiosmtpd php8.4-fpm nginx
)
# Bumped when the way the root is made changes.
recipe=1

die() {
	echo "tests/php84/run.sh: $*" >&2
	exit 1
}

# The first URI of the host's Debian sources for its security archive ($1 = security) or for
# the main one ($1 = main).
host_mirror() {
	local kind="$1"
	if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
		awk -v kind="$kind" '
			# (awk runs END after exit: found keeps it from printing twice)
			function pick() { if (!found && uri != "" && ((suites ~ /-security/) == (kind == "security"))) { print uri; found = 1; exit } }
			/^[ \t]*$/ { pick(); uri = ""; suites = "" }
			/^URIs:/ { uri = $2 }
			/^Suites:/ { suites = $0 }
			END { pick() }
		' /etc/apt/sources.list.d/debian.sources
	elif [[ -f /etc/apt/sources.list ]]; then
		awk -v kind="$kind" '$1 == "deb" && (($3 ~ /-security/) == (kind == "security")) { print $2; exit }' /etc/apt/sources.list
	fi
}

stamp_text() {
	printf 'recipe %s\nsuite %s\nvariant minbase\npackages %s\n' "$recipe" "$suite" "${packages[*]}"
}

# Makes the root in a new directory and puts it in place only when complete, so an interrupted
# run never leaves a root that looks usable.
make_root() {
	local mirror security new="$root.new"
	mirror="${NPP_DEBIAN_MIRROR:-$(host_mirror main)}"
	security="${NPP_DEBIAN_SECURITY_MIRROR:-$(host_mirror security)}"
	[[ -n "$mirror" && -n "$security" ]] ||
		die "cannot find the host's Debian archive in its apt sources: set NPP_DEBIAN_MIRROR and NPP_DEBIAN_SECURITY_MIRROR"
	echo "php84: making a Debian $suite root in $root (${packages[*]})"
	rm -rf --one-file-system -- "$new"
	mkdir -p "$new"
	debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
		"$suite" "$new" "$mirror" >"$cache/trixie-debootstrap.log" 2>&1 ||
		{ tail -n 30 "$cache/trixie-debootstrap.log" "$new/debootstrap/debootstrap.log" >&2 || true; die "debootstrap failed"; }
	rm -f "$new/etc/apt/sources.list"
	cat >"$new/etc/apt/sources.list.d/debian.sources" <<-EOF
		Types: deb
		URIs: $mirror
		Suites: $suite $suite-updates
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

		Types: deb
		URIs: $security
		Suites: $suite-security
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	# No service starts inside the root (nginx and php-fpm are run by the harness only).
	printf '#!/bin/sh\nexit 101\n' >"$new/usr/sbin/policy-rc.d"
	chmod 755 "$new/usr/sbin/policy-rc.d"
	# Documentation is never read in the root: a smaller root, a faster install.
	printf 'path-exclude=/usr/share/doc/*\npath-include=/usr/share/doc/*/copyright\npath-exclude=/usr/share/man/*\n' \
		>"$new/etc/dpkg/dpkg.cfg.d/npp-nodoc"
	mount -t proc proc "$new/proc"
	mount --rbind /dev "$new/dev"
	cp /etc/resolv.conf "$new/etc/resolv.conf"
	local apt=(chroot "$new" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 apt-get -q)
	if ! { "${apt[@]}" update && "${apt[@]}" install -y --no-install-recommends "${packages[@]}" &&
		"${apt[@]}" clean; } >"$cache/trixie-apt.log" 2>&1; then
		tail -n 40 "$cache/trixie-apt.log" >&2
		die "apt-get in the root failed (log: $cache/trixie-apt.log)"
	fi
	umount -R "$new/dev"
	umount "$new/proc"
	stamp_text >"$new/.npp-stamp"
	rm -rf --one-file-system -- "$root"
	mv "$new" "$root"
}

# Runs the tests inside the root, with the checkout and the Rust toolchain bound at the paths
# they have on the host (cargo's registry cache included, so crates are not fetched again).
run_in_root() {
	local rustup_home cargo_home commit
	rustup_home="$(realpath "${RUSTUP_HOME:-${HOME:-/root}/.rustup}")"
	cargo_home="$(realpath "${CARGO_HOME:-${HOME:-/root}/.cargo}")"
	[[ -x "$cargo_home/bin/cargo" ]] || die "no Rust toolchain in $cargo_home (set CARGO_HOME and RUSTUP_HOME)"
	# The root has no git: the build records the host's view of the commit.
	commit="$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"

	mount -t proc proc "$root/proc"
	mount --rbind /dev "$root/dev"
	mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
	mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
	local dir
	for dir in "$repo" "$rustup_home" "$cargo_home"; do
		mkdir -p "$root$dir"
		mount --bind "$dir" "$root$dir"
	done
	# The toolchain is only run; cargo's home stays writable for its registry cache.
	mount -o remount,bind,ro "$root$rustup_home"
	chroot "$root" env -i --chdir="$repo" \
		PATH="$cargo_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}" \
		RUSTUP_HOME="$rustup_home" CARGO_HOME="$cargo_home" \
		NPP_BUILD_COMMIT="$commit" \
		"$@"
}

# Ends the namespace started below (unshare's PID in $namespace) and exits with $1. unshare
# ignores SIGINT and SIGTERM while it waits, so its child, the namespace's first process, is
# ended instead: the kernel then ends every process in the namespace.
end_namespace() {
	local first
	first="$(pgrep -P "$namespace" || true)"
	if [[ -n "$first" ]]; then kill -KILL "$first" 2>/dev/null || true; fi
	wait "$namespace" || true
	exit "$1"
}

if [[ "${NPP_PHP84_NAMESPACE:-}" != 1 ]]; then
	[[ $(id -u) -eq 0 ]] || die "needs root (debootstrap, chroot, a private mount namespace)"
	command -v debootstrap >/dev/null || die "debootstrap is missing: run scripts/install-deps.sh"
	# The namespace's first process is this script again; when it ends, the kernel ends every
	# process left in the namespace. --kill-child ends it if unshare is killed. (<&0: a
	# background command's input would be /dev/null, and `run.sh bash` wants the terminal.)
	NPP_PHP84_NAMESPACE=1 unshare --mount --pid --fork --kill-child --propagation private -- \
		bash "${BASH_SOURCE[0]}" "$@" <&0 &
	namespace=$!
	trap 'end_namespace 130' INT
	trap 'end_namespace 143' TERM
	status=0
	wait "$namespace" || status=$?
	exit "$status"
fi

# Inside the namespace: nothing mounted here is seen by the host or outlives the stage.
mkdir -p "$cache"
# One run at a time: another would remake the root under this one's feet.
exec 9>"$cache/trixie-root.lock"
flock 9
if [[ "${NPP_TRIXIE_REBUILD:-}" == 1 || ! -f "$root/.npp-stamp" || "$(cat "$root/.npp-stamp")" != "$(stamp_text)" ]]; then
	started=$SECONDS
	make_root
	echo "php84: root ready in $((SECONDS - started))s ($(du -sh --one-file-system "$root" | cut -f1))"
else
	echo "php84: reusing the Debian $suite root in $root"
fi
if (($#)); then
	run_in_root "$@"
else
	run_in_root bash "$repo/tests/php84/in-root.sh"
fi
