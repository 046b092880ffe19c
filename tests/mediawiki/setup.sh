#!/usr/bin/env bash
# Prepares a MediaWiki core tree that can run core's PHPUnit entry point
# (tests/phpunit/phpunit.php) against Debian's installed MediaWiki 1.39.
#
# Debian's `mediawiki` package ships no tests/, so this fetches Debian's source
# package of the installed version with a private apt state (the system's apt
# sources and lists are left untouched), unpacks only tests/, and builds a tree
# of symlinks to /usr/share/mediawiki plus that tests/ directory.
#
# Idempotent: everything lives under ${NPP_CACHE_DIR:-<repo>/.cache}/mediawiki and
# a second run only checks a stamp file. Must run as root on Debian 12 when
# packages are missing. Prints the path of the core tree on the last line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

# Set by main: the installed version's source files, and the tree's stamp.
src_dir=""
stamp=""

# Installs what the test runs need, only if missing. php8.2-xml brings dom,
# simplexml and xmlwriter (PHPUnit, JUnit logs); xz-utils unpacks the Debian
# diff; patch applies Debian's patches to tests/ if there ever are any.
ensure_packages() {
	local missing=() pkg
	for pkg in mediawiki phpunit php8.2-cli php8.2-sqlite3 php8.2-mbstring php8.2-xml php8.2-intl xz-utils patch; do
		[[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" == installed ]] || missing+=("$pkg")
	done
	[[ ${#missing[@]} -eq 0 ]] && return 0
	echo "setup: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	# A fresh image may have no package lists yet; update only if needed.
	apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
		{ apt-get update >&2 && apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
}

# Downloads the source package of exactly the installed version into $src_dir,
# using a private copy of the system's Debian sources turned into deb-src.
download_source() {
	local version="$1" apt_dir="$NPP_MW_CACHE/apt"
	mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$src_dir"
	rm -f "$apt_dir/parts/"*
	# Only Debian's own archive: third-party repositories may have no sources.
	if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
		sed -E 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$apt_dir/parts/debian.sources"
	elif grep -qE '^deb .*debian' /etc/apt/sources.list 2>/dev/null; then
		# Older images use the one-line format.
		sed -nE 's/^deb (.*debian.*)/deb-src \1/p' /etc/apt/sources.list >"$apt_dir/parts/debian.list"
	else
		echo "setup: found neither /etc/apt/sources.list.d/debian.sources nor Debian entries in /etc/apt/sources.list" >&2
		exit 1
	fi
	local opts=(
		-o "Dir::Etc::SourceParts=$apt_dir/parts"
		-o Dir::Etc::SourceList=/dev/null
		-o "Dir::State::Lists=$apt_dir/lists"
		-o "Dir::Cache=$apt_dir/cache"
		-o APT::Sandbox::User=root
	)
	apt-get update -qq "${opts[@]}" >&2
	# Download into a scratch dir first so an interrupted download never looks complete.
	local tmp
	tmp="$(mktemp -d "$NPP_MW_CACHE/download.XXXXXX")"
	NPP_CLEANUP_DIRS+=("$tmp")
	(cd "$tmp" && apt-get source -qq --download-only "${opts[@]}" "mediawiki=$version" >&2)
	mv "$tmp"/* "$src_dir/"
	rmdir "$tmp"
}

# Applies the parts of Debian's patches that touch tests/ (none in 1:1.39.17-1+deb12u2,
# but a later security update could patch a test together with the code it tests).
apply_debian_test_patches() {
	local tree="$1" patch_name section debian_tar=("$src_dir"/*.debian.tar.*)
	[[ -f "${debian_tar[0]}" ]] || return 0
	local tmp
	npp_mktemp tmp
	tar -xf "${debian_tar[0]}" -C "$tmp" debian/patches 2>/dev/null || return 0
	if [[ -f "$tmp/debian/patches/series" ]]; then
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
	fi
}

# Builds $NPP_CORE: symlinks to every top-level entry of Debian's core, except
#  - tests/: the real directory unpacked from the source package;
#  - LocalSettings.php: left out, each run points MW_CONFIG_FILE at its own;
#  - extensions/: an empty directory, so whatever is installed system-wide
#    (/var/lib/mediawiki/extensions) cannot leak into the test wiki.
# $IP is this tree, so paths like "$IP/tests/..." and "__DIR__/../../.." used by
# tests resolve, while includes/, vendor/ etc. are Debian's files, unmodified.
build_tree() {
	local version="$1" upstream tree orig entry name
	upstream="${version#*:}"
	upstream="${upstream%%-*}"
	orig="$src_dir/mediawiki_${upstream}.orig.tar.gz"
	if [[ ! -f "$orig" ]]; then
		echo "setup: $orig not found after download" >&2
		exit 1
	fi
	# Built beside its final place and renamed at the end: an interrupted run
	# never leaves a half-made tree with a valid stamp.
	tree="$(mktemp -d "$NPP_MW_CACHE/core.XXXXXX")"
	NPP_CLEANUP_DIRS+=("$tree")
	tar -xzf "$orig" -C "$tree" --strip-components=1 "mediawiki-${upstream}/tests"
	apply_debian_test_patches "$tree"
	for entry in "$NPP_MW_DEBIAN_CORE"/* "$NPP_MW_DEBIAN_CORE"/.[!.]*; do
		[[ -e "$entry" || -L "$entry" ]] || continue
		name="$(basename "$entry")"
		case "$name" in
		tests | LocalSettings.php | extensions) ;;
		*) ln -s "$entry" "$tree/$name" ;;
		esac
	done
	mkdir "$tree/extensions"
	chmod 755 "$tree"
	echo "$stamp" >"$tree/.npp-version"
	rm -rf "$NPP_CORE"
	mv "$tree" "$NPP_CORE"
}

main() {
	npp_install_cleanup
	ensure_packages
	local version
	version="$(dpkg-query -W -f='${Version}' mediawiki)"
	# The layout number changes when build_tree changes, so old trees get rebuilt.
	stamp="$version layout-1"
	if [[ -f "$NPP_CORE/.npp-version" && "$(cat "$NPP_CORE/.npp-version")" == "$stamp" ]]; then
		echo "$NPP_CORE"
		return 0
	fi
	src_dir="$NPP_MW_CACHE/src/$version"
	mkdir -p "$NPP_MW_CACHE"
	if ! ls "$src_dir"/*.orig.tar.gz >/dev/null 2>&1; then
		echo "setup: downloading Debian source package mediawiki=$version" >&2
		download_source "$version"
	fi
	build_tree "$version"
	# Sources of other versions are no longer needed once the tree is rebuilt.
	find "$NPP_MW_CACHE/src" -mindepth 1 -maxdepth 1 ! -path "$src_dir" -exec rm -rf {} +
	echo "setup: core tree ready at $NPP_CORE (MediaWiki $version)" >&2
	echo "$NPP_CORE"
}

main "$@"
