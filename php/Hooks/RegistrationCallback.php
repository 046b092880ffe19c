<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Hooks;

use MediaWiki\Auth\TemporaryPasswordPrimaryAuthenticationProvider;
use MediaWiki\Config\ConfigException;
use MediaWiki\Extension\NativePasswordPolicy\Audit\AuditCounter;
use MediaWiki\Extension\NativePasswordPolicy\Audit\AuditedChecks;
use MediaWiki\Extension\NativePasswordPolicy\Auth\NativeTemporaryPasswordProvider;
use MediaWiki\Extension\NativePasswordPolicy\Auth\TemporaryPasswordGenerator;
use MediaWiki\Extension\NativePasswordPolicy\Compat\ClassAliases;
use MediaWiki\Extension\NativePasswordPolicy\History\PasswordHistory;
use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWiki\Extension\NativePasswordPolicy\Password\NativeArgon2Password;
use MediaWiki\Extension\NativePasswordPolicy\Policy\BeyondCoreChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Reset\ResetDeployment;
use MediaWiki\Extension\NativePasswordPolicy\Setup\ModuleStatus;
use MediaWiki\Extension\NativePasswordPolicy\Setup\SetupProblems;

/**
 * The extension's only static entry point: adjusts global settings once they are all loaded
 * (it runs after LocalSettings.php), and nothing else.
 *
 * Each replacement is a plain assignment here, and only where the setting still holds core's
 * value, so an operator's own choice in LocalSettings.php wins: declaring these in
 * extension.json would merge arrays (breaking the policy callables) or be ignored
 * (`$wgAuthManagerAutoConfig` keeps core's provider).
 */
final class RegistrationCallback {

	/** Core's Argon2Password: global in 1.39, namespaced (with an alias) from 1.41. */
	private const CORE_ARGON2_CLASSES = [ 'Argon2Password', 'MediaWiki\\Password\\Argon2Password' ];

	/** Service prepended to the temporary password provider's constructor arguments. */
	private const GENERATOR_SERVICE = 'NativePasswordPolicy.TemporaryPasswordGenerator';

	public static function onRegistration(): void {
		global $wgNativePasswordPolicyAllowCoreFallback;

		// Before any of the extension's code names a core class (MediaWiki 1.39 needs it).
		ClassAliases::register();
		SetupProblems::clear();
		// With or without the module: a policy naming these checks must not break the wiki.
		BeyondCoreChecks::onRegistration();
		self::registerHistoryCheck();
		if ( NativeModule::isLoaded() ) {
			self::replaceCoreChecks();
			self::installArgon2();
			self::installTemporaryPasswords();
		} elseif ( !$wgNativePasswordPolicyAllowCoreFallback ) {
			// Without the module the extension's check callables and temporary password
			// provider refuse their work with a message (fail closed); MediaWiki's own PHP
			// checks only stand in when the operator allows it.
			self::replaceCoreChecks();
			self::installTemporaryPasswords();
		}
		self::reportOnCommandLine();
	}

	/**
	 * Makes PasswordNotInHistory usable in policies (off until a policy names it), and registers
	 * the entry audited checks run under, unless the operator gave a name a callable of their own.
	 */
	private static function registerHistoryCheck(): void {
		global $wgPasswordPolicy;

		$wgPasswordPolicy['checks'][PasswordHistory::CHECK] ??= [ PasswordHistory::class, 'checkPasswordNotInHistory' ];
		// The entry the audited checks run under (AuditPolicyHandler adds it); never refuses.
		$wgPasswordPolicy['checks'][AuditCounter::CHECK] ??= [ AuditedChecks::class, 'checkAudited' ];
	}

	/**
	 * A maintenance script starts: print what is wrong with the setup before it runs, since
	 * nobody looks at Special:Version from a terminal.
	 */
	private static function reportOnCommandLine(): void {
		global $wgNativePasswordPolicyAllowCoreFallback, $wgJobRunRate;

		if ( PHP_SAPI !== 'cli' || defined( 'MW_PHPUNIT_TEST' ) ) {
			return;
		}
		// Of the reset path's problems, the one settings alone tell (the others need services).
		$status = ModuleStatus::detect(
			(bool)$wgNativePasswordPolicyAllowCoreFallback,
			array_filter( [ ResetDeployment::jobRunRateProblem( $wgJobRunRate ?? null ) ] )
		);
		foreach ( $status->englishProblems() as $line ) {
			fwrite( STDERR, "NativePasswordPolicy: $line\n" );
		}
	}

	/**
	 * Points the entries of `$wgPasswordPolicy['checks']` holding core's callables at the native
	 * module, whatever their form or name (CorePolicyChecks), and records each one of core's
	 * checks left in PHP: a callable of the operator's for one of core's check names, or a check
	 * of core the module does not implement. Nothing is left in PHP silently.
	 */
	private static function replaceCoreChecks(): void {
		global $wgPasswordPolicy, $wgNativePasswordPolicyReplaceCoreChecks;

		if ( !$wgNativePasswordPolicyReplaceCoreChecks ) {
			return;
		}
		foreach ( $wgPasswordPolicy['checks'] ?? [] as $name => $callable ) {
			$check = CorePolicyChecks::nameOf( $callable );
			if ( $check !== null ) {
				$wgPasswordPolicy['checks'][$name] = NativePolicyChecks::callableFor( $check );
			} elseif ( NativePolicyChecks::nameOf( $callable ) !== null ) {
				continue;
			} elseif ( CorePolicyChecks::isCoreClassMethod( $callable ) ) {
				SetupProblems::addCheckNotNative( (string)$name, CorePolicyChecks::describe( $callable ), true );
			} elseif ( isset( CorePolicyChecks::METHODS[$name] ) ) {
				SetupProblems::addCheckNotNative( (string)$name, CorePolicyChecks::describe( $callable ), false );
			}
		}
	}

	/**
	 * Makes every password type of core's Argon2Password class hash and verify natively, and
	 * checks the parameters of every type that does.
	 */
	private static function installArgon2(): void {
		global $wgPasswordConfig, $wgNativePasswordPolicyArgon2;

		foreach ( $wgPasswordConfig ?? [] as $type => $config ) {
			if ( !is_array( $config ) ) {
				continue;
			}
			$class = ltrim( (string)( $config['class'] ?? '' ), '\\' );
			if ( $wgNativePasswordPolicyArgon2 && in_array( $class, self::CORE_ARGON2_CLASSES, true ) ) {
				$wgPasswordConfig[$type]['class'] = NativeArgon2Password::class;
				$class = NativeArgon2Password::class;
			}
			if ( $class === NativeArgon2Password::class ) {
				try {
					NativeArgon2Password::hasherFor( [ 'type' => $type ] + $config );
				} catch ( ConfigException $e ) {
					// Hashes of the type still verify; new ones are refused with this message.
					SetupProblems::add( "\$wgPasswordConfig['$type']", $e->getMessage() );
				}
			}
		}
	}

	/**
	 * Swaps core's temporary password provider for the native one, and checks its settings.
	 */
	private static function installTemporaryPasswords(): void {
		global $wgAuthManagerAutoConfig, $wgNativePasswordPolicyTemporaryPasswords,
			$wgNativePasswordPolicyTemporaryPasswordAlphabet, $wgNativePasswordPolicyTemporaryPasswordLength;

		if ( !$wgNativePasswordPolicyTemporaryPasswords ) {
			return;
		}
		if ( NativeModule::isLoaded() ) {
			try {
				TemporaryPasswordGenerator::newNative(
					$wgNativePasswordPolicyTemporaryPasswordAlphabet,
					$wgNativePasswordPolicyTemporaryPasswordLength
				);
			} catch ( ConfigException $e ) {
				// Core's temporary passwords are used until the setting is fixed.
				SetupProblems::add( TemporaryPasswordGenerator::settingOf( $e ), $e->getMessage() );
				return;
			}
		}
		$core = TemporaryPasswordPrimaryAuthenticationProvider::class;
		$spec = $wgAuthManagerAutoConfig['primaryauth'][$core] ?? null;
		if ( !is_array( $spec ) || ltrim( (string)( $spec['class'] ?? '' ), '\\' ) !== $core ) {
			return;
		}
		$spec['class'] = NativeTemporaryPasswordProvider::class;
		$spec['services'] = array_merge( [ self::GENERATOR_SERVICE ], $spec['services'] ?? [] );
		$wgAuthManagerAutoConfig['primaryauth'][$core] = $spec;
	}
}
