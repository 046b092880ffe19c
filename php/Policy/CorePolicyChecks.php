<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Policy;

/**
 * The checks of core's `$wgPasswordPolicy['checks']` that the native module implements, with
 * the callables core registers for them.
 */
final class CorePolicyChecks {

	/** Check name => core's static method on PasswordPolicyChecks. */
	public const METHODS = [
		'MinimalPasswordLength' => 'checkMinimalPasswordLength',
		'MinimumPasswordLengthToLogin' => 'checkMinimumPasswordLengthToLogin',
		'PasswordCannotBeSubstringInUsername' => 'checkPasswordCannotBeSubstringInUsername',
		'PasswordCannotMatchDefaults' => 'checkPasswordCannotMatchDefaults',
		'MaximalPasswordLength' => 'checkMaximalPasswordLength',
		'PasswordNotInCommonList' => 'checkPasswordNotInCommonList',
	];

	/**
	 * Class names core's callables use: global in 1.39, namespaced in later releases.
	 */
	private const CLASSES = [
		'PasswordPolicyChecks',
		'MediaWiki\\Password\\PasswordPolicyChecks',
	];

	/**
	 * @param mixed $callable A value of `$wgPasswordPolicy['checks']`
	 * @return string|null The check name when $callable is core's own callable for it
	 */
	public static function nameOf( $callable ): ?string {
		if ( !is_string( $callable ) || !str_contains( $callable, '::' ) ) {
			return null;
		}
		[ $class, $method ] = explode( '::', ltrim( $callable, '\\' ), 2 );
		if ( !in_array( $class, self::CLASSES, true ) ) {
			return null;
		}
		$name = array_search( $method, self::METHODS, true );
		return $name === false ? null : $name;
	}

	/**
	 * @param string $check A key of METHODS
	 * @return callable Core's implementation of the check, for fallback
	 */
	public static function coreCallable( string $check ): callable {
		foreach ( self::CLASSES as $class ) {
			$callable = $class . '::' . self::METHODS[$check];
			if ( is_callable( $callable ) ) {
				return $callable;
			}
		}
		throw new \LogicException( "MediaWiki core has no implementation of password check '$check'" );
	}
}
