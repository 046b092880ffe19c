<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Module;

use RuntimeException;

/**
 * The common-password file of the MediaWiki core the module tests compare with: core's
 * directory from the environment variable NPP_MW_CORE (default /usr/share/mediawiki, Debian's
 * 1.39). wikimedia/common-passwords 0.5 (MediaWiki 1.43) ships an exact list, src/common.php;
 * earlier releases a Bloom filter, src/CommonPasswords/common-x64.json.
 */
final class CommonPasswordsFile {

	public static function coreDir(): string {
		$dir = getenv( 'NPP_MW_CORE' );
		return rtrim( is_string( $dir ) && $dir !== '' ? $dir : '/usr/share/mediawiki', '/' );
	}

	/** The file core's CommonPasswords::isCommon() reads. */
	public static function path(): string {
		$src = self::coreDir() . '/vendor/wikimedia/common-passwords/src';
		foreach ( [ "$src/common.php", "$src/CommonPasswords/common-x64.json" ] as $file ) {
			if ( is_file( $file ) ) {
				return $file;
			}
		}
		throw new RuntimeException( "no common-password file under $src (set NPP_MW_CORE to a MediaWiki core directory)" );
	}

	/** True for 0.5's exact list, false for the Bloom filter of earlier releases. */
	public static function isExactList(): bool {
		return basename( self::path() ) === 'common.php';
	}

	/** Loads core's Wikimedia\CommonPasswords\CommonPasswords (and what it needs) from that core. */
	public static function loadCoreLibrary(): void {
		require_once self::coreDir() . '/vendor/autoload.php';
	}
}
