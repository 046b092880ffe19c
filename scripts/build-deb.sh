#!/usr/bin/env bash
# Builds a Debian package of NativePasswordPolicy from this checkout with dpkg-deb: the module in
# PHP's extension directory, its ini in /etc/php/X.Y/mods-available (a conffile, enabled with
# phpenmod on install, disabled with phpdismod on removal) and the extension in
# /usr/share/mediawiki/extensions/NativePasswordPolicy (where Debian's mediawiki package looks).
#
#   scripts/build-deb.sh [--out DIR] [--no-build] [--revision N]
#       writes DIR/mediawiki-extension-nativepasswordpolicy_<version>-<N>_<arch>.deb
#       (default DIR: target/debian) and prints its path on the last line.
#
# Install it with `apt install ./file.deb` (pulls in what it depends on), then add
# wfLoadExtension( 'NativePasswordPolicy' ); to LocalSettings.php and restart PHP-FPM.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

out="$repo/target/debian"
build_args=()
revision=1
while (($#)); do
	case "$1" in
	--out) out="$2"; shift 2 ;;
	--no-build) build_args+=(--no-build); shift ;;
	--revision) revision="$2"; shift 2 ;;
	*) echo "usage: scripts/build-deb.sh [--out DIR] [--no-build] [--revision N]" >&2; exit 2 ;;
	esac
done

package=mediawiki-extension-nativepasswordpolicy
php_config="$(command -v php-config8.2 || command -v php-config)"
php_version="$("$php_config" --version | cut -d. -f1,2)"
php_api="$("$php_config" --phpapi)"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)"
arch="$(dpkg --print-architecture)"
ini="/etc/php/$php_version/mods-available/native_password_policy.ini"

root="$(mktemp -d "${TMPDIR:-/tmp}/npp-deb-XXXXXX")"
trap 'rm -rf -- "$root"' EXIT
bash scripts/install.sh install --destdir "$root" --php-config "$php_config" "${build_args[@]}" >&2

so="$root$("$php_config" --extension-dir)/native_password_policy.so"
# As Debian's packages do: no debugging symbols in the shipped module.
strip --strip-unneeded "$so"
# The highest glibc symbol version the module uses is the libc it needs.
glibc="$(objdump -T "$so" |
	grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1)"

mkdir -p "$root/DEBIAN" "$root/usr/share/doc/$package"
cp README.md "$root/usr/share/doc/$package/README.md"
cat >"$root/usr/share/doc/$package/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: NativePasswordPolicy
Files: *
License: GPL-2.0-or-later
 On Debian systems, the full text of the GNU General Public License version 2 can be found in
 /usr/share/common-licenses/GPL-2.
EOF
installed_kib="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
cat >"$root/DEBIAN/control" <<EOF
Package: $package
Version: $version-$revision
Architecture: $arch
Maintainer: NativePasswordPolicy developers <root@localhost>
Installed-Size: $installed_kib
Depends: phpapi-$php_api, php$php_version-common, libc6 (>= $glibc)
Recommends: mediawiki (>= 1:1.39)
Section: web
Priority: optional
Homepage: https://www.mediawiki.org/wiki/Extension:NativePasswordPolicy
Description: MediaWiki password policy, temporary passwords and hashing in a native PHP module
 NativePasswordPolicy evaluates MediaWiki's password policy checks (with results identical to
 core's), generates temporary passwords and hashes with Argon2 in a PHP module written in Rust.
 This package holds the module native_password_policy for PHP $php_version (enabled for every
 PHP SAPI on installation) and the MediaWiki extension. Enable the extension in LocalSettings.php
 with wfLoadExtension( 'NativePasswordPolicy' ).
EOF
echo "$ini" >"$root/DEBIAN/conffiles"
cat >"$root/DEBIAN/postinst" <<EOF
#!/bin/sh
set -e
if [ "\$1" = "configure" ] && command -v phpenmod >/dev/null; then
	phpenmod -v $php_version native_password_policy
fi
EOF
cat >"$root/DEBIAN/prerm" <<EOF
#!/bin/sh
set -e
if [ "\$1" = "remove" ] && command -v phpdismod >/dev/null; then
	phpdismod -v $php_version native_password_policy
fi
EOF
cat >"$root/DEBIAN/postrm" <<EOF
#!/bin/sh
set -e
if [ "\$1" = "purge" ]; then
	rm -f $ini
fi
EOF
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
	>"$root/DEBIAN/md5sums"

mkdir -p "$out"
deb="$out/${package}_$version-${revision}_$arch.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
echo "$deb"
