<?php
/**
 * Bootstrap of the HTTP-level tests: plain PHPUnit tests that drive throwaway wikis served
 * over HTTP (tests/harness), for what MediaWiki's own test framework cannot show: real mail,
 * a real server, core and extension side by side.
 *
 * @license GPL-2.0-or-later
 * @file
 */

require_once __DIR__ . '/../harness/autoload.php';

spl_autoload_register( static function ( string $class ): void {
	$prefix = 'MediaWiki\\Extension\\NativePasswordPolicy\\Tests\\Http\\';
	if ( str_starts_with( $class, $prefix ) ) {
		$file = __DIR__ . '/' . str_replace( '\\', '/', substr( $class, strlen( $prefix ) ) ) . '.php';
		if ( is_file( $file ) ) {
			require $file;
		}
	}
} );
