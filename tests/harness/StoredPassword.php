<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Harness;

use RuntimeException;

/**
 * Checks a password against a hash MediaWiki stored (user_password, user_newpassword) with
 * PHP's own primitives, outside MediaWiki: `:pbkdf2:ALGO:ITERATIONS:LENGTH:SALT:HASH` (core's
 * default) or `:argon2:` followed by a PHC string.
 */
final class StoredPassword {

	public static function verifies( string $hash, string $password ): bool {
		if ( str_starts_with( $hash, ':argon2:' ) ) {
			return password_verify( $password, substr( $hash, strlen( ':argon2:' ) ) );
		}
		$parts = explode( ':', $hash );
		if ( count( $parts ) !== 7 || $parts[1] !== 'pbkdf2' ) {
			throw new RuntimeException( "Not a PBKDF2 or Argon2 hash of MediaWiki: $hash" );
		}
		[ , , $algorithm, $iterations, $length, $salt, $digest ] = $parts;
		return hash_equals(
			(string)base64_decode( $digest, true ),
			hash_pbkdf2( $algorithm, $password, (string)base64_decode( $salt, true ), (int)$iterations, (int)$length, true )
		);
	}
}
