<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Benches;

use RuntimeException;

/**
 * The password mix of benches/passwords.json, shared with the Rust benchmarks.
 */
final class PasswordMix {

	/**
	 * @return array<int,array{user:string,password:string,note:string}>
	 */
	public static function load(): array {
		$file = dirname( __DIR__ ) . '/passwords.json';
		$data = json_decode( (string)file_get_contents( $file ), true, 8, JSON_THROW_ON_ERROR );
		$mix = [];
		foreach ( $data['entries'] as $entry ) {
			if ( isset( $entry['passwordHex'] ) === isset( $entry['password'] ) ) {
				throw new RuntimeException( "$file: give exactly one of password and passwordHex" );
			}
			$once = isset( $entry['passwordHex'] ) ? hex2bin( $entry['passwordHex'] ) : $entry['password'];
			$mix[] = [
				'user' => $entry['user'],
				'password' => str_repeat( $once, $entry['repeat'] ?? 1 ),
				'note' => $entry['note'] ?? '',
			];
		}
		return $mix;
	}
}
