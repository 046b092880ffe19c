<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Policy;

use Closure;
use ReflectionFunction;

/**
 * The checks of core's `$wgPasswordPolicy['checks']` that the native module implements, and
 * how to recognise core's callables for them in every form a release or an operator writes
 * them: `'PasswordPolicyChecks::check…'` strings (1.39), `[ PasswordPolicyChecks::class,
 * 'check…' ]` arrays with the namespaced class (1.41 and later), either class name, a leading
 * backslash, any letter case (PHP resolves class and method names case-insensitively), and
 * closures made from them (`Closure::fromCallable()`, `PasswordPolicyChecks::check…(...)`).
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
	 * Names of core's class of checks: global in 1.39, namespaced from 1.41 (with the global
	 * name kept as a deprecated alias).
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
		$method = self::methodOf( $callable, self::CLASSES );
		return $method === null ? null : self::checkOfMethod( $method, self::METHODS );
	}

	/**
	 * Whether $callable is a static method of core's class of checks, known here or not: a
	 * check a later release adds that the module does not implement.
	 *
	 * @param mixed $callable
	 * @return bool
	 */
	public static function isCoreClassMethod( $callable ): bool {
		return self::methodOf( $callable, self::CLASSES ) !== null;
	}

	/**
	 * @param string $check A key of METHODS
	 * @return callable Core's implementation of the check, for fallback
	 */
	public static function coreCallable( string $check ): callable {
		foreach ( array_reverse( self::CLASSES ) as $class ) {
			if ( class_exists( $class ) ) {
				return [ $class, self::METHODS[$check] ];
			}
		}
		throw new \LogicException( "MediaWiki core has no implementation of password check '$check'" );
	}

	/**
	 * The method of a static-method callable when its class is one of $classes.
	 *
	 * @param mixed $callable
	 * @param string[] $classes Class names without a leading backslash
	 * @return string|null The method name as written
	 */
	public static function methodOf( $callable, array $classes ): ?string {
		$target = self::staticMethodOf( $callable );
		if ( $target === null ) {
			return null;
		}
		foreach ( $classes as $class ) {
			if ( strcasecmp( $target[0], $class ) === 0 ) {
				return $target[1];
			}
		}
		return null;
	}

	/**
	 * The check whose method is $method (compared as PHP compares method names).
	 *
	 * @param string $method
	 * @param array<string,string> $methods Check name => method
	 * @return string|null
	 */
	public static function checkOfMethod( string $method, array $methods ): ?string {
		foreach ( $methods as $check => $candidate ) {
			if ( strcasecmp( $method, $candidate ) === 0 ) {
				return $check;
			}
		}
		return null;
	}

	/**
	 * A callable as an operator reads it in LocalSettings.php, e.g. "MySite\Checks::length".
	 *
	 * @param mixed $callable
	 * @return string
	 */
	public static function describe( $callable ): string {
		$target = self::staticMethodOf( $callable );
		if ( $target !== null ) {
			return $target[0] . '::' . $target[1] . ( $callable instanceof Closure ? ' (closure)' : '' );
		}
		if ( is_string( $callable ) ) {
			return $callable;
		}
		if ( $callable instanceof Closure ) {
			return 'a closure';
		}
		return is_object( $callable ) ? get_class( $callable ) . '::__invoke' : gettype( $callable );
	}

	/**
	 * The class (without a leading backslash) and method a callable names, when it names a
	 * static method: "Class::method", [ "Class", "method" ], or a closure made from one.
	 *
	 * @param mixed $callable
	 * @return array{0:string,1:string}|null
	 */
	private static function staticMethodOf( $callable ): ?array {
		if ( is_string( $callable ) ) {
			$parts = explode( '::', $callable );
		} elseif ( is_array( $callable ) && array_is_list( $callable ) && count( $callable ) === 2
			&& is_string( $callable[0] ) && is_string( $callable[1] )
			// [ 'Class', 'parent::method' ] calls another method than it names
			&& !str_contains( $callable[1], '::' )
		) {
			$parts = $callable;
		} elseif ( $callable instanceof Closure ) {
			$function = new ReflectionFunction( $callable );
			$scope = $function->getClosureScopeClass();
			// A closure made from a static method keeps its name; a function literal has none.
			if ( $scope === null || $function->getClosureThis() !== null || str_contains( $function->getName(), '{closure' ) ) {
				return null;
			}
			$parts = [ $scope->getName(), $function->getName() ];
		} else {
			return null;
		}
		if ( count( $parts ) !== 2 || $parts[0] === '' || $parts[1] === '' ) {
			return null;
		}
		return [ ltrim( $parts[0], '\\' ), $parts[1] ];
	}
}
