<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Setup;

/**
 * Invalid settings the registration callback found, kept for Special:Version, the API and
 * maintenance scripts to report.
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
	 * Forgets every problem: the registration callback starts each run from nothing.
	 */
	public static function clear(): void {
		self::$problems = [];
	}
}
