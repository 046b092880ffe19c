<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Policy;

use ReflectionClass;
use Wikimedia\CommonPasswords\CommonPasswords;

/**
 * The file core's own CommonPasswords class reads, so that the native check answers as the
 * installed core does: the exact list `common.php` beside the class (wikimedia/common-passwords
 * 0.5, MediaWiki 1.43) or the Bloom filter `common-x64.json` beside it (0.4 and older,
 * MediaWiki 1.39). The module tells the two apart by their content.
 */
final class CommonPasswordsFile {

	/**
	 * Looked for where Composer installs the package first (one or two stat() calls): finding
	 * the class by reflection would load core's class on every request just for its directory.
	 *
	 * @return string
	 */
	public static function locate(): string {
		$bloom = PHP_INT_SIZE === 8 ? 'common-x64.json' : 'common-x86.json';
		$package = MW_INSTALL_PATH . '/vendor/wikimedia/common-passwords/src';
		foreach ( [ "$package/common.php", "$package/CommonPasswords/$bloom" ] as $candidate ) {
			if ( is_file( $candidate ) ) {
				return $candidate;
			}
		}
		$dir = dirname( (string)( new ReflectionClass( CommonPasswords::class ) )->getFileName() );
		return is_file( "$dir/common.php" ) ? "$dir/common.php" : "$dir/$bloom";
	}
}
