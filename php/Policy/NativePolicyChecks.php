<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Policy;

use MediaWiki\MediaWikiServices;
use MediaWiki\User\UserIdentity;
use StatusValue;

/**
 * Callables for `$wgPasswordPolicy['checks']`, with the signature of core's PasswordPolicyChecks:
 * each runs the check in the native module and returns the Status core would return.
 */
final class NativePolicyChecks {

	/**
	 * @param string $check A check name of CorePolicyChecks::METHODS
	 * @return string This class's callable for the check
	 */
	public static function callableFor( string $check ): string {
		return self::class . '::' . CorePolicyChecks::METHODS[$check];
	}

	/**
	 * @param mixed $callable A value of `$wgPasswordPolicy['checks']`
	 * @return string|null The check name when $callable is one of this class's callables
	 */
	public static function nameOf( $callable ): ?string {
		if ( !is_string( $callable ) || !str_starts_with( ltrim( $callable, '\\' ), self::class . '::' ) ) {
			return null;
		}
		$name = array_search( substr( ltrim( $callable, '\\' ), strlen( self::class ) + 2 ), CorePolicyChecks::METHODS, true );
		return $name === false ? null : $name;
	}

	/**
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkMinimalPasswordLength( $policyVal, UserIdentity $user, $password ) {
		return self::engine()->check( 'MinimalPasswordLength', $policyVal, $user, $password );
	}

	/**
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkMinimumPasswordLengthToLogin( $policyVal, UserIdentity $user, $password ) {
		return self::engine()->check( 'MinimumPasswordLengthToLogin', $policyVal, $user, $password );
	}

	/**
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkMaximalPasswordLength( $policyVal, UserIdentity $user, $password ) {
		return self::engine()->check( 'MaximalPasswordLength', $policyVal, $user, $password );
	}

	/**
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkPasswordCannotBeSubstringInUsername( $policyVal, UserIdentity $user, $password ) {
		return self::engine()->check( 'PasswordCannotBeSubstringInUsername', $policyVal, $user, $password );
	}

	/**
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkPasswordCannotMatchDefaults( $policyVal, UserIdentity $user, $password ) {
		return self::engine()->check( 'PasswordCannotMatchDefaults', $policyVal, $user, $password );
	}

	/**
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkPasswordNotInCommonList( $policyVal, UserIdentity $user, $password ) {
		return self::engine()->check( 'PasswordNotInCommonList', $policyVal, $user, $password );
	}

	/** The service container $engine came from; a reset container gets a new engine */
	private static ?MediaWikiServices $services = null;

	private static ?PolicyEngine $engine = null;

	/**
	 * The engine service, cached per service container: MediaWiki calls these callables for every
	 * check of every login, so a container lookup each time would cost more than the check.
	 */
	private static function engine(): PolicyEngine {
		$services = MediaWikiServices::getInstance();
		if ( $services !== self::$services ) {
			self::$engine = $services->getService( 'NativePasswordPolicy.PolicyEngine' );
			self::$services = $services;
		}
		return self::$engine;
	}
}
