<?php
/**
 * Entry point used instead of calling core's tests/phpunit/phpunit.php directly.
 *
 * Why it exists: MediaWiki 1.39 expects PHPUnit 8.5 and its composer dev packages
 * in $IP/vendor (loaded by vendor/autoload.php). Debian's MediaWiki has no dev
 * packages in vendor/, and PHPUnit 9.6 comes from Debian's `phpunit` package under
 * /usr/share/php. This file makes both available, then hands over to core's own
 * entry point unchanged, which bootstraps MediaWiki (MW_INSTALL_PATH,
 * MW_CONFIG_FILE) and runs PHPUnit's command line.
 *
 * It must include core's file at file scope (not inside a function): phpunit.php
 * relies on its top-level variables being globals (`global $wrapper`).
 *
 * @license GPL-2.0-or-later
 */

if ( !ini_get( 'date.timezone' ) ) {
	// As Debian's /usr/bin/phpunit does.
	ini_set( 'date.timezone', 'UTC' );
}

// Debian's PHPUnit autoloader, found through include_path (/usr/share/php).
require_once 'PHPUnit/Autoload.php';
require_once __DIR__ . '/autoload.php';

if ( strval( getenv( 'MW_INSTALL_PATH' ) ) === '' ) {
	fwrite( STDERR, "MW_INSTALL_PATH must point at the core tree made by tests/mediawiki/setup.sh\n" );
	exit( 2 );
}
require getenv( 'MW_INSTALL_PATH' ) . '/tests/phpunit/phpunit.php';
