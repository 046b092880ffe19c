<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Policy;

use Config;
use ConfigException;

/**
 * The password policy checks the native module adds to core's six (NIST SP 800-63B rev. 4,
 * OWASP ASVS 5): their names and callables, the settings that give them their files and
 * lists, and their registration in `$wgPasswordPolicy['checks']`.
 *
 * Every one is off until a policy of `$wgPasswordPolicy['policies']` names it: registering a
 * check only makes the name usable.
 */
final class BeyondCoreChecks {

	/** Check name => static method of NativePolicyChecks. */
	public const METHODS = [
		'MinimalPasswordCodePoints' => 'checkMinimalPasswordCodePoints',
		'MaximalPasswordCodePoints' => 'checkMaximalPasswordCodePoints',
		'PasswordNotInBreachCorpus' => 'checkPasswordNotInBreachCorpus',
		'PasswordCannotContainContextWords' => 'checkPasswordCannotContainContextWords',
		'PasswordCannotContainDeniedWords' => 'checkPasswordCannotContainDeniedWords',
		'PasswordCannotMatchDeniedPatterns' => 'checkPasswordCannotMatchDeniedPatterns',
		'PasswordNotInWordLists' => 'checkPasswordNotInWordLists',
		'MinimalPasswordStrength' => 'checkMinimalPasswordStrength',
	];

	/**
	 * Checks that read the account's real name and e-mail address (as keys, for isset()):
	 * only a policy naming one of them makes the engine load those from the user.
	 */
	public const CONTEXT_CHECKS = [
		'PasswordCannotContainContextWords' => true,
		'MinimalPasswordStrength' => true,
	];

	/** The extension's settings of these checks (without the `wg` prefix). */
	public const CONFIG_NAMES = [
		'NativePasswordPolicyBreachCorpusFile',
		'NativePasswordPolicyWordLists',
		'NativePasswordPolicyDenyWords',
		'NativePasswordPolicyDenyPatterns',
		'NativePasswordPolicyNormalizeNfkc',
	];

	/**
	 * From the registration callback: checks the settings, then registers the checks.
	 *
	 * @throws ConfigException When a setting has the wrong shape: reported at startup,
	 *   naming the setting, rather than at a user's login
	 */
	public static function onRegistration(): void {
		global $wgPasswordPolicy;

		self::engineConfigFrom( static fn ( string $name ) => $GLOBALS["wg$name"] ?? null, '' );
		$wgPasswordPolicy['checks'] = self::withChecks( $wgPasswordPolicy['checks'] ?? [] );
	}

	/**
	 * `$wgPasswordPolicy['checks']` with a callable for each check beyond core whose name the
	 * operator has not given a callable of their own (done here rather than in extension.json,
	 * whose attribute merging would turn a replaced callable into an array).
	 *
	 * @param array $checks
	 * @return array
	 */
	public static function withChecks( array $checks ): array {
		foreach ( self::METHODS as $name => $method ) {
			$checks[$name] ??= NativePolicyChecks::callableFor( $name );
		}
		return $checks;
	}

	/**
	 * The part of the native engine's configuration these checks read, from the wiki's
	 * configuration.
	 *
	 * @param Config $config
	 * @return array Keys of the module's engine configuration (camelCase)
	 * @throws ConfigException When a setting has the wrong shape
	 */
	public static function engineConfig( Config $config ): array {
		return self::engineConfigFrom( static fn ( string $name ) => $config->get( $name ),
			(string)$config->get( 'Sitename' ) );
	}

	/**
	 * @param callable(string):mixed $setting Value of a setting, by name without `wg`
	 * @param string $siteName
	 * @return array
	 * @throws ConfigException
	 */
	private static function engineConfigFrom( callable $setting, string $siteName ): array {
		$engineConfig = [ 'siteName' => $siteName ];

		$corpus = $setting( 'NativePasswordPolicyBreachCorpusFile' );
		if ( $corpus !== null && $corpus !== '' ) {
			if ( !is_string( $corpus ) ) {
				throw self::invalid( 'NativePasswordPolicyBreachCorpusFile', 'a file path or null' );
			}
			$engineConfig['breachCorpusFile'] = $corpus;
		}

		$wordLists = [];
		foreach ( self::listSetting( $setting, 'NativePasswordPolicyWordLists' ) as $list ) {
			if ( is_string( $list ) && $list !== '' ) {
				$list = [ 'path' => $list ];
			}
			if ( !is_array( $list ) || !is_string( $list['path'] ?? null ) || $list['path'] === ''
				|| !is_bool( $list['caseInsensitive'] ?? false )
				|| array_diff( array_keys( $list ), [ 'path', 'caseInsensitive' ] )
			) {
				throw self::invalid( 'NativePasswordPolicyWordLists',
					"a list of file paths or of [ 'path' => string, 'caseInsensitive' => bool ]" );
			}
			$wordLists[] = [ 'path' => $list['path'], 'caseInsensitive' => $list['caseInsensitive'] ?? false ];
		}
		if ( $wordLists ) {
			$engineConfig['wordLists'] = $wordLists;
		}

		foreach ( [ 'denyWords' => 'NativePasswordPolicyDenyWords', 'denyPatterns' => 'NativePasswordPolicyDenyPatterns' ]
			as $key => $name
		) {
			$values = self::listSetting( $setting, $name );
			foreach ( $values as $value ) {
				if ( !is_string( $value ) ) {
					throw self::invalid( $name, 'a list of strings' );
				}
			}
			if ( $values ) {
				$engineConfig[$key] = array_values( $values );
			}
		}

		$nfkc = $setting( 'NativePasswordPolicyNormalizeNfkc' ) ?? false;
		if ( !is_bool( $nfkc ) ) {
			throw self::invalid( 'NativePasswordPolicyNormalizeNfkc', 'true or false' );
		}
		if ( $nfkc ) {
			$engineConfig['normalizeNfkc'] = true;
		}
		return $engineConfig;
	}

	/**
	 * @param callable(string):mixed $setting
	 * @param string $name
	 * @return array
	 * @throws ConfigException
	 */
	private static function listSetting( callable $setting, string $name ): array {
		$value = $setting( $name ) ?? [];
		if ( !is_array( $value ) ) {
			throw self::invalid( $name, 'an array' );
		}
		return $value;
	}

	private static function invalid( string $name, string $expected ): ConfigException {
		return new ConfigException( "\$wg$name must be $expected." );
	}
}
