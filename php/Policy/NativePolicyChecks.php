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
 * each runs the check in the native module and returns the Status core would return. Core's
 * six checks come first, then the checks beyond core (BeyondCoreChecks).
 */
final class NativePolicyChecks {

	/**
	 * @param string $check A check name of CorePolicyChecks::METHODS or BeyondCoreChecks::METHODS
	 * @return array{0:string,1:string} This class's callable for the check, in the form core's
	 *   own have since 1.41 (PHP calls it faster than a "Class::method" string)
	 */
	public static function callableFor( string $check ): array {
		return [ self::class, CorePolicyChecks::METHODS[$check] ?? BeyondCoreChecks::METHODS[$check] ];
	}

	/**
	 * @param mixed $callable A value of `$wgPasswordPolicy['checks']`, in any form of a static
	 *   method callable (see CorePolicyChecks)
	 * @return string|null The check name when $callable is one of this class's callables
	 */
	public static function nameOf( $callable ): ?string {
		// The form the registration callback writes, first: a lookup.
		if ( is_array( $callable ) && count( $callable ) === 2 && ( $callable[0] ?? null ) === self::class
			&& is_string( $callable[1] ?? null )
		) {
			self::$checkOfMethod ??= array_flip( CorePolicyChecks::METHODS + BeyondCoreChecks::METHODS );
			if ( isset( self::$checkOfMethod[$callable[1]] ) ) {
				return self::$checkOfMethod[$callable[1]];
			}
		}
		$method = CorePolicyChecks::methodOf( $callable, [ self::class ] );
		return $method === null ? null
			: CorePolicyChecks::checkOfMethod( $method, CorePolicyChecks::METHODS + BeyondCoreChecks::METHODS );
	}

	/**
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkMinimalPasswordLength( $policyVal, UserIdentity $user, $password ) {
		return ( self::$services === MediaWikiServices::getInstance() ? self::$engine : self::engine() )->check( 'MinimalPasswordLength', $policyVal, $user, $password );
	}

	/**
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkMinimumPasswordLengthToLogin( $policyVal, UserIdentity $user, $password ) {
		return ( self::$services === MediaWikiServices::getInstance() ? self::$engine : self::engine() )->check( 'MinimumPasswordLengthToLogin', $policyVal, $user, $password );
	}

	/**
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkMaximalPasswordLength( $policyVal, UserIdentity $user, $password ) {
		return ( self::$services === MediaWikiServices::getInstance() ? self::$engine : self::engine() )->check( 'MaximalPasswordLength', $policyVal, $user, $password );
	}

	/**
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkPasswordCannotBeSubstringInUsername( $policyVal, UserIdentity $user, $password ) {
		return ( self::$services === MediaWikiServices::getInstance() ? self::$engine : self::engine() )->check( 'PasswordCannotBeSubstringInUsername', $policyVal, $user, $password );
	}

	/**
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkPasswordCannotMatchDefaults( $policyVal, UserIdentity $user, $password ) {
		return ( self::$services === MediaWikiServices::getInstance() ? self::$engine : self::engine() )->check( 'PasswordCannotMatchDefaults', $policyVal, $user, $password );
	}

	/**
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkPasswordNotInCommonList( $policyVal, UserIdentity $user, $password ) {
		return ( self::$services === MediaWikiServices::getInstance() ? self::$engine : self::engine() )->check( 'PasswordNotInCommonList', $policyVal, $user, $password );
	}

	/**
	 * Fewer Unicode code points (after NFKC) than the value: error.
	 *
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkMinimalPasswordCodePoints( $policyVal, UserIdentity $user, $password ) {
		return ( self::$services === MediaWikiServices::getInstance() ? self::$engine : self::engine() )->check( 'MinimalPasswordCodePoints', $policyVal, $user, $password );
	}

	/**
	 * More Unicode code points (after NFKC) than the value: error.
	 *
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkMaximalPasswordCodePoints( $policyVal, UserIdentity $user, $password ) {
		return ( self::$services === MediaWikiServices::getInstance() ? self::$engine : self::engine() )->check( 'MaximalPasswordCodePoints', $policyVal, $user, $password );
	}

	/**
	 * In the breach corpus file ($wgNativePasswordPolicyBreachCorpusFile).
	 *
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkPasswordNotInBreachCorpus( $policyVal, UserIdentity $user, $password ) {
		return ( self::$services === MediaWikiServices::getInstance() ? self::$engine : self::engine() )->check( 'PasswordNotInBreachCorpus', $policyVal, $user, $password );
	}

	/**
	 * Contains the user name, real name, e-mail local part or domain, or the site name.
	 *
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkPasswordCannotContainContextWords( $policyVal, UserIdentity $user, $password ) {
		return ( self::$services === MediaWikiServices::getInstance() ? self::$engine : self::engine() )->check( 'PasswordCannotContainContextWords', $policyVal, $user, $password );
	}

	/**
	 * Contains one of $wgNativePasswordPolicyDenyWords.
	 *
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkPasswordCannotContainDeniedWords( $policyVal, UserIdentity $user, $password ) {
		return ( self::$services === MediaWikiServices::getInstance() ? self::$engine : self::engine() )->check( 'PasswordCannotContainDeniedWords', $policyVal, $user, $password );
	}

	/**
	 * Matches one of $wgNativePasswordPolicyDenyPatterns.
	 *
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkPasswordCannotMatchDeniedPatterns( $policyVal, UserIdentity $user, $password ) {
		return ( self::$services === MediaWikiServices::getInstance() ? self::$engine : self::engine() )->check( 'PasswordCannotMatchDeniedPatterns', $policyVal, $user, $password );
	}

	/**
	 * Is a word of one of $wgNativePasswordPolicyWordLists.
	 *
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkPasswordNotInWordLists( $policyVal, UserIdentity $user, $password ) {
		return ( self::$services === MediaWikiServices::getInstance() ? self::$engine : self::engine() )->check( 'PasswordNotInWordLists', $policyVal, $user, $password );
	}

	/**
	 * Estimated strength (zxcvbn's score, 0 to 4) below the value: error, with the estimator's feedback.
	 *
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkMinimalPasswordStrength( $policyVal, UserIdentity $user, $password ) {
		return ( self::$services === MediaWikiServices::getInstance() ? self::$engine : self::engine() )->check( 'MinimalPasswordStrength', $policyVal, $user, $password );
	}

	/** @var array<string,string>|null Method of this class => its check name */
	private static ?array $checkOfMethod = null;

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
