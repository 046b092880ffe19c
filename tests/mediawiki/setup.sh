#!/usr/bin/env bash
# Prepares a MediaWiki core of one release for the tests and prints its directory on the last line.
#
#   tests/mediawiki/setup.sh [RELEASE] [--with-tests]
#
# RELEASE (default $NPP_MEDIAWIKI, else 1.43):
#   1.43  MediaWiki 1.43 LTS as Debian 13 (trixie) ships it: the `mediawiki` and `mediawiki-classes`
#         packages, downloaded with a private apt state for the trixie suites and unpacked with
#         `dpkg -x` into the cache. Nothing is installed and the system's apt sources, lists and
#         package database are left untouched.
#   1.39  Debian 12's installed `mediawiki` package (/usr/share/mediawiki), installed when missing.
# --with-tests: the tree can also run core's PHPUnit tests. Debian's packages ship no tests/, so it
#   comes from Debian's source package of exactly that version (same private apt state). For 1.43
#   the cached tree always has it (the one tree serves every test); for 1.39 a tree of symlinks to
#   /usr/share/mediawiki plus that tests/ directory is built in the cache.
#
# Idempotent: everything lives under ${NPP_CACHE_DIR:-<repo>/.cache}/mediawiki/RELEASE, and a second
# run only compares stamp files (no network). Must run as root when Debian 12 packages are missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

release="${NPP_MEDIAWIKI:-1.43}"
with_tests=0
while (($#)); do
	case "$1" in
	--with-tests) with_tests=1 ;;
	1.39 | 1.43) release="$1" ;;
	*)
		echo "usage: tests/mediawiki/setup.sh [1.39|1.43] [--with-tests]" >&2
		exit 2
		;;
	esac
	shift
done

# The layout number changes whenever this script builds trees differently, so old trees are rebuilt.
layout=2
release_cache="$NPP_MW_CACHE/$release"

# Installs Debian 12 packages the trees and the test runs need, only if missing. php8.2-xml brings
# dom, simplexml and xmlwriter (PHPUnit, JUnit logs); php8.2-gmp is a dependency of MediaWiki 1.43;
# xz-utils unpacks Debian's diffs; patch applies Debian's patches to tests/.
ensure_packages() {
	local missing=() pkg
	for pkg in "$@"; do
		[[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" == installed ]] || missing+=("$pkg")
	done
	[[ ${#missing[@]} -eq 0 ]] && return 0
	echo "setup: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	# A fresh image may have no package lists yet; update only if needed.
	apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
		{ apt-get update -q >&2 && apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; }
}

# The mirror of Debian's archive the system uses ($1: "debian" or "debian-security"), so that
# the private apt state reaches the same archive as apt itself.
debian_mirror() {
	local kind="$1" uri
	uri="$(grep -hoE "https?://[^ ]+/$kind/?( |$)" /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
		head -n1 | tr -d ' ')" || true
	echo "${uri:-http://deb.debian.org/$kind}"
}

# Options making apt-get work on a private state under $1 (sources, lists, cache, no dpkg status).
apt_state_options() {
	local dir="$1"
	printf '%s\n' \
		-o "Dir::Etc::SourceParts=$dir/parts" \
		-o Dir::Etc::SourceList=/dev/null \
		-o "Dir::State::Lists=$dir/lists" \
		-o "Dir::State::status=$dir/status" \
		-o "Dir::Cache=$dir/cache" \
		-o APT::Sandbox::User=root
}

# Writes a private apt state in $1 for the suites $2... of Debian's archive, binaries and sources,
# and updates its lists.
make_apt_state() {
	local dir="$1" suite
	shift
	mkdir -p "$dir/parts" "$dir/lists/partial" "$dir/cache/archives/partial"
	touch "$dir/status"
	rm -f "$dir/parts/"*
	for suite in "$@"; do
		local uri
		if [[ "$suite" == *-security ]]; then uri="$(debian_mirror debian-security)"; else uri="$(debian_mirror debian)"; fi
		cat >>"$dir/parts/debian.sources" <<EOF
Types: deb deb-src
URIs: $uri
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

EOF
	done
	local opts
	mapfile -t opts < <(apt_state_options "$dir")
	apt-get update -qq "${opts[@]}" >&2
}

# Downloads into $3 the files apt-get $2 fetches for package specs $4..., with the private state in
# $1, into a scratch directory first so that an interrupted download never looks complete.
apt_fetch() {
	local dir="$1" command="$2" dest="$3" opts tmp
	shift 3
	mapfile -t opts < <(apt_state_options "$dir")
	tmp="$(mktemp -d "$NPP_MW_CACHE/download.XXXXXX")"
	NPP_CLEANUP_DIRS+=("$tmp")
	if [[ "$command" == source ]]; then
		(cd "$tmp" && apt-get source -qq --download-only "${opts[@]}" "$@" >&2) || return 1
	else
		(cd "$tmp" && apt-get download -qq "${opts[@]}" "$@" >&2) || return 1
	fi
	mkdir -p "$dest"
	mv "$tmp"/* "$dest/"
}

# Applies the parts of Debian's patches (in the debian tarball $2) that touch tests/ to tree $1:
# a security update may patch a test together with the code it tests.
apply_debian_test_patches() {
	local tree="$1" debian_tar="$2" patch_name section tmp
	[[ -f "$debian_tar" ]] || return 0
	npp_mktemp tmp
	tar -xf "$debian_tar" -C "$tmp" debian/patches 2>/dev/null || return 0
	[[ -f "$tmp/debian/patches/series" ]] || return 0
	while read -r patch_name _; do
		[[ -z "$patch_name" || "$patch_name" == \#* ]] && continue
		# Keep only the per-file sections of the patch whose target is under tests/.
		section="$(awk '
			/^diff --git / { keep = ($3 ~ /^a\/tests\//) }
			keep { print }
		' "$tmp/debian/patches/$patch_name")"
		if [[ -z "$section" ]] && grep -qE '^\+\+\+ (b/)?tests/' "$tmp/debian/patches/$patch_name"; then
			echo "setup: $patch_name changes tests/ but is not in git format; cannot split it" >&2
			exit 1
		fi
		if [[ -n "$section" ]]; then
			echo "setup: applying tests/ part of $patch_name" >&2
			patch -s -p1 -d "$tree" <<<"$section"
		fi
	done <"$tmp/debian/patches/series"
}

# Unpacks tests/ of source package files in $2 (version $3) into directory $1.
unpack_tests() {
	local tree="$1" src_dir="$2" version="$3" upstream orig debian_tar
	upstream="${version#*:}"
	upstream="${upstream%-*}"
	orig="$src_dir/mediawiki_${upstream}.orig.tar.gz"
	if [[ ! -f "$orig" ]]; then
		echo "setup: $orig not found after download" >&2
		exit 1
	fi
	# The tarball's top directory has no +dfsg suffix: matched by pattern, within one level only.
	tar -xzf "$orig" -C "$tree" --strip-components=1 --wildcards --no-wildcards-match-slash 'mediawiki-*/tests'
	debian_tar=("$src_dir"/*.debian.tar.*)
	apply_debian_test_patches "$tree" "${debian_tar[0]}"
}

# MediaWiki 1.39: Debian 12's package. With tests, a tree of symlinks to every top-level entry of
# /usr/share/mediawiki, except
#  - tests/: the real directory unpacked from the source package;
#  - LocalSettings.php: left out, each run points MW_CONFIG_FILE at its own;
#  - extensions/: an empty directory, so whatever is installed system-wide
#    (/var/lib/mediawiki/extensions) cannot leak into the test wiki.
# $IP is this tree, so paths like "$IP/tests/..." resolve, while includes/, vendor/ etc. are
# Debian's files, unmodified.
setup_139() {
	ensure_packages mediawiki phpunit php8.2-cli php8.2-sqlite3 php8.2-mbstring php8.2-xml php8.2-intl xz-utils patch
	if ((!with_tests)); then
		echo "$NPP_MW_DEBIAN_CORE"
		return 0
	fi
	local version tree stamp src_dir entry name
	version="$(dpkg-query -W -f='${Version}' mediawiki)"
	stamp="$version layout-$layout"
	tree="$release_cache/core"
	if [[ "$(cat "$tree/.npp-version" 2>/dev/null)" == "$stamp" ]]; then
		echo "$tree"
		return 0
	fi
	src_dir="$release_cache/src/$version"
	if ! ls "$src_dir"/*.orig.tar.gz >/dev/null 2>&1; then
		echo "setup: downloading Debian source package mediawiki=$version" >&2
		make_apt_state "$release_cache/apt" bookworm bookworm-updates bookworm-security
		apt_fetch "$release_cache/apt" source "$src_dir" "mediawiki=$version"
	fi
	local new
	new="$(mktemp -d "$release_cache/core.XXXXXX")"
	NPP_CLEANUP_DIRS+=("$new")
	unpack_tests "$new" "$src_dir" "$version"
	for entry in "$NPP_MW_DEBIAN_CORE"/* "$NPP_MW_DEBIAN_CORE"/.[!.]*; do
		[[ -e "$entry" || -L "$entry" ]] || continue
		name="$(basename "$entry")"
		case "$name" in
		tests | LocalSettings.php | extensions) ;;
		*) ln -s "$entry" "$new/$name" ;;
		esac
	done
	mkdir "$new/extensions"
	finish_tree "$new" "$tree" "$stamp"
	prune_sources "$src_dir"
	echo "setup: MediaWiki $version with tests ready at $tree" >&2
	echo "$tree"
}

# MediaWiki 1.43: Debian 13's packages, unpacked. The version is the newest one of the trixie
# suites whose binary and source packages can both be fetched (a security update's source may
# not be mirrored), so that core's tests always match the code they test.
setup_143() {
	# The test runs use Debian 12's PHP 8.2 and PHPUnit 9.6; MediaWiki 1.43 needs gmp too.
	ensure_packages phpunit php8.2-cli php8.2-sqlite3 php8.2-mbstring php8.2-xml php8.2-intl php8.2-gmp xz-utils patch
	local tree="$release_cache/core" stamp_file version
	stamp_file="$tree/.npp-version"
	if [[ -f "$stamp_file" ]]; then
		version="$(awk '{print $1}' "$stamp_file")"
		if [[ "$(cat "$stamp_file")" == "$version layout-$layout" ]]; then
			echo "$tree"
			return 0
		fi
	fi
	local apt_dir="$release_cache/apt" candidates candidate src_dir debs
	make_apt_state "$apt_dir" trixie trixie-updates trixie-security
	local opts
	mapfile -t opts < <(apt_state_options "$apt_dir")
	# Source versions first: a binary without its source could not run core's tests.
	mapfile -t candidates < <(apt-cache "${opts[@]}" showsrc mediawiki 2>/dev/null |
		awk '/^Version:/ {print $2}' | sort -u | sort -rV)
	version=""
	for candidate in "${candidates[@]}"; do
		debs="$release_cache/debs/$candidate"
		src_dir="$release_cache/src/$candidate"
		if ! ls "$src_dir"/*.orig.tar.gz >/dev/null 2>&1 &&
			! apt_fetch "$apt_dir" source "$src_dir" "mediawiki=$candidate"; then
			echo "setup: MediaWiki $candidate: source package not available, trying an older one" >&2
			continue
		fi
		if ! ls "$debs"/mediawiki-classes_*.deb >/dev/null 2>&1 &&
			! apt_fetch "$apt_dir" download "$debs" "mediawiki=$candidate" "mediawiki-classes=$candidate"; then
			echo "setup: MediaWiki $candidate: binary packages not available, trying an older one" >&2
			continue
		fi
		version="$candidate"
		break
	done
	if [[ -z "$version" ]]; then
		echo "setup: no MediaWiki 1.43 of Debian 13 could be downloaded (tried: ${candidates[*]:-none})" >&2
		exit 1
	fi
	local new deb root
	new="$(mktemp -d "$release_cache/unpack.XXXXXX")"
	NPP_CLEANUP_DIRS+=("$new")
	for deb in "$debs"/mediawiki_*.deb "$debs"/mediawiki-classes_*.deb; do
		dpkg -x "$deb" "$new"
	done
	root="$new/usr/share/mediawiki"
	# The package points these at /var/lib/mediawiki, which belongs to the system (or to 1.39):
	# each test wiki names its own settings file, upload directory and extensions.
	rm -f "$root/LocalSettings.php" "$root/extensions" "$root/config" "$root/images"
	mkdir "$root/extensions" "$root/images"
	unpack_tests "$root" "$src_dir" "$version"
	finish_tree "$root" "$tree" "$version layout-$layout"
	prune_sources "$src_dir"
	find "$release_cache/debs" -mindepth 1 -maxdepth 1 ! -path "$debs" -exec rm -rf {} +
	echo "setup: MediaWiki $version with tests ready at $tree" >&2
	echo "$tree"
}

# Moves a finished tree $1 to its place $2 with stamp $3: an interrupted run never leaves a
# half-made tree with a valid stamp.
finish_tree() {
	local new="$1" tree="$2" stamp="$3"
	chmod 755 "$new"
	echo "$stamp" >"$new/.npp-version"
	rm -rf "$tree"
	mv "$new" "$tree"
}

# Sources of other versions are no longer needed once the tree is rebuilt.
prune_sources() {
	local keep="$1"
	[[ -d "$release_cache/src" ]] || return 0
	find "$release_cache/src" -mindepth 1 -maxdepth 1 ! -path "$keep" -exec rm -rf {} +
}

main() {
	npp_install_cleanup
	mkdir -p "$release_cache"
	case "$release" in
	1.39) setup_139 ;;
	1.43) setup_143 ;;
	esac
}

main
