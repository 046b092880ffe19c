#!/usr/bin/env bash
# The install test: runs the documented install steps (scripts/install.sh, the Debian package of
# scripts/build-deb.sh, an install into a prefix) into a fresh PHP configuration and a fresh wiki,
# then checks the wiki end to end (tests/install/InstallTest.php).
#
# The system's directories are never changed: the test runs in a private mount namespace
# (unshare) where /etc/php, /usr/lib/php, /var/lib/php, /var/lib/mediawiki, /var/lib/dpkg,
# /usr/share/doc and /var/log are overlays whose writes land in a temporary directory, removed
# at the end. Needs root (mount namespaces) and a built module (cargo build --release).
#   tests/install/run.sh [PHPUnit options]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if [[ "${NPP_INSTALL_SANDBOX:-}" != 1 ]]; then
	if [[ $(id -u) -ne 0 ]]; then
		echo "tests/install/run.sh needs root (a private mount namespace)" >&2
		exit 1
	fi
	scratch="$(mktemp -d "${TMPDIR:-/tmp}/npp-install-sandbox-XXXXXX")"
	trap 'rm -rf -- "$scratch"' EXIT
	result=0
	NPP_INSTALL_SANDBOX=1 NPP_INSTALL_SCRATCH="$scratch" \
		unshare --mount --propagation private -- bash "${BASH_SOURCE[0]}" "$@" || result=$?
	exit "$result"
fi

# Inside the namespace: overlay every directory the installs write to.
for dir in /etc/php /usr/lib/php /var/lib/php /var/lib/mediawiki /var/lib/dpkg /usr/share/doc /var/log; do
	[[ -d "$dir" ]] || continue
	name="${dir//\//_}"
	mkdir -p "$NPP_INSTALL_SCRATCH/upper$name" "$NPP_INSTALL_SCRATCH/work$name"
	mount -t overlay overlay \
		-o "lowerdir=$dir,upperdir=$NPP_INSTALL_SCRATCH/upper$name,workdir=$NPP_INSTALL_SCRATCH/work$name" "$dir"
done
cd "$repo"
exec phpunit -c tests/install/phpunit.xml "$@"
