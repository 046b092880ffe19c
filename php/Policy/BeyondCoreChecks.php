<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Policy;

use MediaWiki\Config\Config;
use MediaWiki\Config\ConfigException;
use MediaWiki\Extension\NativePasswordPolicy\Setup\SetupProblems;

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
	 * From the registration callback: checks the settings (recording those of the wrong
	 * shape), then registers the checks.
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
	 * @return array Keys of the module's engine configuration (camelCase); settings of the
	 *   wrong shape are left out
	 */
	public static function engineConfig( Config $config ): array {
		return self::engineConfigFrom( static fn ( string $name ) => $config->get( $name ),
			(string)$config->get( 'Sitename' ) );
	}

	/**
	 * The engine configuration of the settings. A setting of the wrong shape is left out and
	 * recorded (SetupProblems: Special:Version, the log, maintenance scripts), so the checks
	 * that need it cannot run and pass, as when their file is missing; nothing throws, since
	 * this runs in the registration callback and when the engine is built during a login.
	 *
	 * @param callable(string):mixed $setting Value of a setting, by name without `wg`
	 * @param string $siteName
	 * @return array
	 */
	private static function engineConfigFrom( callable $setting, string $siteName ): array {
		$engineConfig = [ 'siteName' => $siteName ];
		$parts = [
			'NativePasswordPolicyBreachCorpusFile' => static function () use ( $setting ): array {
				$corpus = $setting( 'NativePasswordPolicyBreachCorpusFile' );
				if ( $corpus === null || $corpus === '' ) {
					return [];
				}
				if ( !is_string( $corpus ) ) {
					throw self::invalid( 'NativePasswordPolicyBreachCorpusFile', 'a file path or null' );
				}
				return [ 'breachCorpusFile' => $corpus ];
			},
			'NativePasswordPolicyWordLists' => static function () use ( $setting ): array {
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
				return $wordLists ? [ 'wordLists' => $wordLists ] : [];
			},
			'NativePasswordPolicyDenyWords' => static fn (): array => self::stringList( $setting, 'NativePasswordPolicyDenyWords', 'denyWords' ),
			'NativePasswordPolicyDenyPatterns' => static fn (): array => self::stringList( $setting, 'NativePasswordPolicyDenyPatterns', 'denyPatterns' ),
			'NativePasswordPolicyNormalizeNfkc' => static function () use ( $setting ): array {
				$nfkc = $setting( 'NativePasswordPolicyNormalizeNfkc' ) ?? false;
				if ( !is_bool( $nfkc ) ) {
					throw self::invalid( 'NativePasswordPolicyNormalizeNfkc', 'true or false' );
				}
				return $nfkc ? [ 'normalizeNfkc' => true ] : [];
			},
		];
		foreach ( $parts as $name => $part ) {
			try {
				$engineConfig += $part();
			} catch ( ConfigException $e ) {
				SetupProblems::add( "\$wg$name", $e->getMessage() );
			}
		}
		return $engineConfig;
	}

	/**
	 * @param callable(string):mixed $setting
	 * @param string $name Setting
	 * @param string $key Engine configuration key
	 * @return array
	 * @throws ConfigException
	 */
	private static function stringList( callable $setting, string $name, string $key ): array {
		$values = self::listSetting( $setting, $name );
		foreach ( $values as $value ) {
			if ( !is_string( $value ) ) {
				throw self::invalid( $name, 'a list of strings' );
			}
		}
		return $values ? [ $key => array_values( $values ) ] : [];
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
