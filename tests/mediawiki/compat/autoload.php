<?php
/**
 * Class map for the stand-ins in this directory.
 *
 * Why it exists: the real classes would come from composer's vendor/autoload.php,
 * which Debian's MediaWiki builds without dev packages. Registered before
 * MediaWiki's autoloader; each class is only loaded when something asks for it.
 *
 * @license GPL-2.0-or-later
 */

spl_autoload_register( static function ( string $class ): void {
	static $map = [
		'Wikimedia\\TestingAccessWrapper' => 'TestingAccessWrapper.php',
	];
	if ( isset( $map[$class] ) ) {
		require_once __DIR__ . '/' . $map[$class];
	}
} );
