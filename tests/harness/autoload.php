<?php
/**
 * Loads the harness classes (used outside MediaWiki, e.g. by tests/http and wiki.php).
 *
 * @license GPL-2.0-or-later
 * @file
 */

spl_autoload_register( static function ( string $class ): void {
	$prefix = 'MediaWiki\\Extension\\NativePasswordPolicy\\Tests\\Harness\\';
	if ( str_starts_with( $class, $prefix ) ) {
		$file = __DIR__ . '/' . substr( $class, strlen( $prefix ) ) . '.php';
		if ( is_file( $file ) ) {
			require $file;
		}
	}
} );
