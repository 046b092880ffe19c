<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Password;

use MediaWiki\Config\ConfigException;
use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWiki\Password\Password;
use NativePasswordPolicy\Argon2Hasher;
use NativePasswordPolicy\EngineException;

/**
 * The `argon2` password type, hashed and verified in the native module.
 *
 * A drop-in for core's Argon2Password: the same configuration keys ('algo', 'memory_cost',
 * 'time_cost', 'threads'), the same defaults (PHP's), the same stored form
 * (`:argon2:$argon2id$v=19$m=…,t=…,p=…$salt$hash`) and the same needsUpdate() answers, so
 * hashes either class wrote verify with the other and nothing is re-hashed for nothing.
 */
class NativeArgon2Password extends Password {

	/** PHP's `password_hash()` defaults, used when PHP itself has no Argon2. */
	private const PHP_DEFAULTS = [
		'memory_cost' => 65536,
		'time_cost' => 4,
		'threads' => 1,
	];

	/**
	 * @inheritDoc
	 */
	protected function isSupported(): bool {
		return NativeModule::isLoaded();
	}

	/**
	 * @inheritDoc
	 */
	public function crypt( string $password ): void {
		$this->hash = self::hasherFor( $this->config )->hash( $password );
	}

	/**
	 * @inheritDoc
	 */
	public function verify( string $password ): bool {
		return is_string( $this->hash ) && Argon2Hasher::verify( $password, $this->hash );
	}

	/**
	 * @inheritDoc
	 */
	public function needsUpdate(): bool {
		if ( !is_string( $this->hash ) ) {
			return true;
		}
		try {
			return self::hasherFor( $this->config )->needsRehash( $this->hash );
		} catch ( ConfigException $e ) {
			// Invalid parameters (reported at startup): keep the hash, which still verifies,
			// rather than fail the login that asked.
			return false;
		}
	}

	/**
	 * The hasher for a password type's configuration, as core's Argon2Password reads it.
	 *
	 * @param array $config An entry of `$wgPasswordConfig` ('type' names it in messages)
	 * @return Argon2Hasher
	 * @throws ConfigException Naming the setting, the refused value and what is accepted
	 */
	public static function hasherFor( array $config ): Argon2Hasher {
		$setting = '$wgPasswordConfig[\'' . ( $config['type'] ?? 'argon2' ) . '\']';
		$algo = $config['algo'] ?? 'auto';
		if ( !is_string( $algo ) ) {
			throw new ConfigException( "$setting: 'algo' must be 'argon2id', 'argon2i' or 'auto'." );
		}
		$costs = [];
		foreach ( self::PHP_DEFAULTS as $key => $fallback ) {
			$constant = 'PASSWORD_ARGON2_DEFAULT_' . strtoupper( $key );
			$value = $config[$key] ?? ( defined( $constant ) ? constant( $constant ) : $fallback );
			if ( is_string( $value ) && preg_match( '/^\s*[+-]?\d+\s*$/', $value ) ) {
				$value = (int)$value;
			}
			if ( !is_int( $value ) ) {
				throw new ConfigException(
					"$setting: '$key' must be an integer, not " . var_export( $value, true ) . '.'
				);
			}
			$costs[] = $value;
		}
		try {
			return new Argon2Hasher( $algo, ...$costs );
		} catch ( EngineException $e ) {
			throw new ConfigException(
				"$setting: " . preg_replace( '/^invalid configuration: /', '', $e->getMessage() )
				. ". Fix it in LocalSettings.php, or remove the key to use PHP's default."
			);
		}
	}
}
