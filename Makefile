# Conveniences over the project's scripts; each target is one documented command, and every
# script also works without make (a fresh machine may not have it).
#   make                  build the module (cargo build --release)
#   make install          install it for the system's PHP and MediaWiki (scripts/install.sh; as root)
#   make uninstall        remove what install put there
#   make deb              build a Debian package into target/debian/ (scripts/build-deb.sh)
#   make test             every test stage (scripts/test.sh)
#   make stubs            regenerate stubs/native_password_policy.stubs.php (scripts/stubs.sh)
# Variables: DESTDIR (stage for packaging), INSTALL_ARGS (more scripts/install.sh options).

INSTALL_ARGS ?=

.PHONY: all build install uninstall deb test stubs

all: build

build:
	cargo build --release --locked

install: build
	DESTDIR="$(DESTDIR)" bash scripts/install.sh install --no-build $(INSTALL_ARGS)

uninstall:
	DESTDIR="$(DESTDIR)" bash scripts/install.sh uninstall $(INSTALL_ARGS)

deb:
	bash scripts/build-deb.sh

test:
	bash scripts/test.sh

stubs:
	bash scripts/stubs.sh
