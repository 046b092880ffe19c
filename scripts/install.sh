#!/usr/bin/env bash
# Installs NativePasswordPolicy on this machine: the PHP module where PHP finds it, its ini file,
# the module enabled for every PHP (CLI, FPM) with phpenmod, and the extension's files where
# MediaWiki finds them. Then add `wfLoadExtension( 'NativePasswordPolicy' );` to LocalSettings.php
# and restart PHP-FPM.
#
#   scripts/install.sh [install] [options]     (as root for the system's directories)
#   scripts/install.sh uninstall [options]     (the same options as the install)
#
# Options (defaults in brackets):
#   --php-config PATH       php-config of the PHP that serves the wiki [php-config8.2, else php-config]
#   --extension-dir DIR     where the module goes [php-config --extension-dir]
#   --ini-dir DIR           where native_password_policy.ini goes [/etc/php/X.Y/mods-available]
#   --mediawiki DIR         the wiki's installation ($IP): the extension goes to DIR/extensions/
#                           [/usr/share/mediawiki]
#   --prefix DIR            everything under DIR: DIR/lib/php/<API>, DIR/etc/php/X.Y/mods-available,
#                           DIR/share/mediawiki/extensions (explicit options still win); nothing enabled
#   --destdir DIR           stage the files under DIR for packaging (also $DESTDIR): paths written into
#                           the ini are the final ones, nothing is enabled
#   --module FILE           install this module [target/release/libnative_password_policy.so]
#   --no-build              do not run `cargo build --release` (use the module as it is)
#   --no-enable             do not run phpenmod / phpdismod
#
# The module is only installed after a PHP of the target configuration has loaded it: PHP refuses
# a module built for another PHP version or thread-safety mode.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module_name=native_password_policy

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}
die() {
	echo "install.sh: $*" >&2
	exit 1
}
say() {
	echo "install.sh: $*"
}

action=install
php_config=""
extension_dir=""
ini_dir=""
mediawiki=""
prefix=""
destdir="${DESTDIR:-}"
module=""
build=true
enable=true
while (($#)); do
	case "$1" in
	install | uninstall) action="$1"; shift ;;
	--php-config) php_config="$2"; shift 2 ;;
	--extension-dir) extension_dir="$2"; shift 2 ;;
	--ini-dir) ini_dir="$2"; shift 2 ;;
	--mediawiki) mediawiki="$2"; shift 2 ;;
	--prefix) prefix="$2"; shift 2 ;;
	--destdir) destdir="$2"; shift 2 ;;
	--module) module="$2"; build=false; shift 2 ;;
	--no-build) build=false; shift ;;
	--no-enable) enable=false; shift ;;
	-h | --help) usage ;;
	*) echo "install.sh: unknown argument $1" >&2; usage ;;
	esac
done

if [[ -z "$php_config" ]]; then
	php_config="$(command -v php-config8.2 || command -v php-config || true)"
	[[ -n "$php_config" ]] || die "php-config not found: install php8.2-dev, or give --php-config"
fi
[[ -x "$php_config" ]] || die "$php_config is not executable"
php_binary="$("$php_config" --php-binary)"
php_version="$("$php_config" --version | cut -d. -f1,2)"
php_api="$("$php_config" --phpapi)"

if [[ -n "$prefix" ]]; then
	prefix="$(realpath -m "$prefix")"
	: "${extension_dir:=$prefix/lib/php/$php_api}"
	: "${ini_dir:=$prefix/etc/php/$php_version/mods-available}"
	: "${mediawiki:=$prefix/share/mediawiki}"
	# phpenmod only knows /etc/php: a private prefix is enabled by pointing PHP_INI_SCAN_DIR at it.
	enable=false
fi
: "${extension_dir:=$("$php_config" --extension-dir)}"
: "${ini_dir:=/etc/php/$php_version/mods-available}"
: "${mediawiki:=/usr/share/mediawiki}"
: "${module:=$repo/target/release/lib$module_name.so}"
if [[ -n "$destdir" ]]; then
	destdir="$(realpath -m "$destdir")"
	enable=false
fi

# The final paths (in the ini file) and where they are written (under DESTDIR when staging).
module_path="$extension_dir/$module_name.so"
ini_path="$ini_dir/$module_name.ini"
extension_path="$mediawiki/extensions/NativePasswordPolicy"
# The ini names the module by name when it is in PHP's own extension directory, else by path.
if [[ "$(realpath -m "$extension_dir")" == "$(realpath -m "$("$php_config" --extension-dir)")" ]]; then
	ini_module="$module_name"
else
	ini_module="$module_path"
fi
# What goes into MediaWiki's extension directory: what the wiki runs, and the tools operators use.
extension_files=(extension.json README.md php i18n sql maintenance stubs benches/php benches/passwords.json)

can_enable() {
	$enable && command -v phpenmod >/dev/null && [[ "$ini_dir" == /etc/php/*/mods-available ]]
}

install_files() {
	if $build; then
		command -v cargo >/dev/null || die "cargo is not on PATH: build first (cargo build --release), then run with --no-build"
		say "building the module (cargo build --release --locked)"
		(cd "$repo" && cargo build --release --locked)
	fi
	[[ -f "$module" ]] || die "no module at $module: run cargo build --release first"

	# PHP refuses a module built for another PHP API or thread-safety mode, with only a warning:
	# find out before anything is installed.
	local complaint
	if ! complaint="$("$php_binary" -n -d "extension=$(realpath "$module")" -r \
		"exit(extension_loaded('$module_name') ? 0 : 1);" 2>&1)"; then
		echo "$complaint" >&2
		die "$php_binary cannot load $module: build the module against this PHP ($("$php_config" --version), API $php_api)"
	fi
	# A test build (cargo feature fault-injection) can be made to panic from its environment:
	# never install one. Read whole first: grep -q quitting early would fail the pipe.
	local info
	info="$("$php_binary" -n -d "extension=$(realpath "$module")" --ri "$module_name" 2>/dev/null || true)"
	if grep -q '^fault injection => compiled in' <<<"$info"; then
		die "$module is a test build (fault injection compiled in): build the module with cargo build --release --locked"
	fi

	say "module    -> $destdir$module_path"
	install -D -m 0644 "$module" "$destdir$module_path"
	say "ini       -> $destdir$ini_path (extension=$ini_module)"
	install -d -m 0755 "$destdir$ini_dir"
	sed "s|@MODULE@|$ini_module|" "$repo/packaging/$module_name.ini" >"$destdir$ini_path.tmp"
	chmod 0644 "$destdir$ini_path.tmp"
	mv -f "$destdir$ini_path.tmp" "$destdir$ini_path"

	say "extension -> $destdir$extension_path"
	rm -rf -- "$destdir$extension_path"
	install -d -m 0755 "$destdir$extension_path"
	for item in "${extension_files[@]}"; do
		if [[ -e "$repo/$item" ]]; then
			mkdir -p "$destdir$extension_path/$(dirname "$item")"
			cp -R --no-preserve=ownership "$repo/$item" "$destdir$extension_path/$item"
		fi
	done
	find "$destdir$extension_path" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
	# The breach corpus builder, where maintenance/buildBreachCorpus.php looks first.
	local builder="$(dirname "$module")/npp-breach-corpus"
	if [[ -x "$builder" ]]; then
		say "builder   -> $destdir$extension_path/bin/npp-breach-corpus"
		install -D -m 0755 "$builder" "$destdir$extension_path/bin/npp-breach-corpus"
	else
		say "no $builder: buildBreachCorpus.php will need --binary (cargo build --release builds it)"
	fi

	if can_enable; then
		say "enabling for every PHP SAPI: phpenmod -v $php_version $module_name"
		phpenmod -v "$php_version" "$module_name"
		# The list is read whole first: `php -m | grep -q` under pipefail fails when grep quits
		# early and php gets SIGPIPE on its next line.
		local modules
		modules="$("$php_binary" -m)"
		grep -qx "$module_name" <<<"$modules" || die "phpenmod ran, but $php_binary does not load $module_name"
	fi
	cat <<DONE
install.sh: done. Next:
  1. Add to LocalSettings.php:   wfLoadExtension( 'NativePasswordPolicy' );
  2. Restart PHP-FPM (e.g. systemctl restart php$php_version-fpm) or Apache.
  3. Check: php --ri $module_name; Special:Version lists the extension and the module.
DONE
	if [[ -n "$prefix" && -z "$destdir" ]]; then
		echo "  PHP loads the module from this prefix with: PHP_INI_SCAN_DIR=:$ini_dir"
	fi
}

uninstall_files() {
	if can_enable && [[ -e "$ini_path" ]]; then
		say "disabling: phpdismod -v $php_version $module_name"
		phpdismod -v "$php_version" "$module_name"
	fi
	for path in "$destdir$ini_path" "$destdir$module_path"; do
		if [[ -e "$path" ]]; then
			say "removing $path"
			rm -f -- "$path"
		fi
	done
	if [[ -d "$destdir$extension_path" ]]; then
		say "removing $destdir$extension_path"
		rm -rf -- "$destdir$extension_path"
	fi
	say "done. Remove wfLoadExtension( 'NativePasswordPolicy' ) from LocalSettings.php first, or the wiki stops."
}

case "$action" in
install) install_files ;;
uninstall) uninstall_files ;;
esac
