<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Setup;

/**
 * Invalid settings the registration callback found, and checks it could not take over, kept
 * for Special:Version, the log and maintenance scripts to report.
 *
 * Static because the registration callback runs before services exist, and because throwing
 * there would give a blank HTTP 500: MediaWiki installs its exception handler later. Each
 * feature whose setting is invalid is left off (or refuses its work with the message), and
 * everything else keeps running.
 */
final class SetupProblems {

	/** @var array<string,string> Setting (e.g. `$wgPasswordConfig['argon2']`) => what is wrong, in English */
	private static array $problems = [];

	/**
	 * @var array<string,array{callable:string,coreCheck:bool}> Check name of
	 *   `$wgPasswordPolicy['checks']` => the callable that runs it in PHP instead of the module,
	 *   and whether that callable is a check of core the module does not implement (else a
	 *   callable the operator configured for one of core's check names)
	 */
	private static array $checksNotNative = [];

	/**
	 * @param string $setting The setting at fault, as written in LocalSettings.php
	 * @param string $problem What is wrong and how to fix it, in English (the setting first)
	 */
	public static function add( string $setting, string $problem ): void {
		self::$problems[$setting] = $problem;
	}

	/**
	 * @return array<string,string> Setting => problem
	 */
	public static function all(): array {
		return self::$problems;
	}

	/**
	 * Whether a setting was found invalid.
	 */
	public static function has( string $setting ): bool {
		return isset( self::$problems[$setting] );
	}

	/**
	 * Records a check the extension could not take over from PHP.
	 *
	 * @param string $check Its name in `$wgPasswordPolicy['checks']`
	 * @param string $callable The callable that runs it, as CorePolicyChecks::describe() gives it
	 * @param bool $coreCheck A check of MediaWiki core the module does not implement (else a
	 *   callable of the operator's for one of core's check names)
	 */
	public static function addCheckNotNative( string $check, string $callable, bool $coreCheck ): void {
		self::$checksNotNative[$check] = [ 'callable' => $callable, 'coreCheck' => $coreCheck ];
	}

	/**
	 * @return array<string,array{callable:string,coreCheck:bool}> See addCheckNotNative()
	 */
	public static function checksNotNative(): array {
		return self::$checksNotNative;
	}

	/** Whether anything was recorded. */
	public static function any(): bool {
		return self::$problems !== [] || self::$checksNotNative !== [];
	}

	/**
	 * Forgets every problem: the registration callback starts each run from nothing.
	 */
	public static function clear(): void {
		self::$problems = [];
		self::$checksNotNative = [];
	}
}
