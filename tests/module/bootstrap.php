<?php
/**
 * Bootstrap of the module tests: they need the native module loaded into this PHP, and the
 * common-password file of the MediaWiki core they compare with (NPP_MW_CORE).
 *
 * @license GPL-2.0-or-later
 * @file
 */

if ( !extension_loaded( 'native_password_policy' ) ) {
	fwrite( STDERR, "The native_password_policy module is not loaded: run phpunit as\n"
		. "  php -d extension=\$PWD/target/release/libnative_password_policy.so /usr/bin/phpunit -c tests/module/phpunit.xml\n" );
	exit( 1 );
}

require_once __DIR__ . '/CommonPasswordsFile.php';
// FaultInjectionModule: the test-only fault-injection build FaultInjectionTest loads.
require_once __DIR__ . '/../harness/autoload.php';

try {
	\MediaWiki\Extension\NativePasswordPolicy\Tests\Module\CommonPasswordsFile::path();
} catch ( RuntimeException $e ) {
	fwrite( STDERR, $e->getMessage() . "\n" );
	exit( 1 );
}
