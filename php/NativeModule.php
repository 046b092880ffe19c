<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy;

/**
 * Facts about the native PHP module this extension runs on.
 */
final class NativeModule {

	/** Name of the PHP module, as in `php -m` and `extension_loaded()`. */
	public const NAME = 'native_password_policy';

	/**
	 * The module version these PHP files were released with: extension.json's version, and
	 * the crate version of Cargo.toml (kept equal by ExtensionJsonTest). A loaded module of
	 * another version is reported (ModuleStatus).
	 */
	public const EXPECTED_VERSION = '0.1.0';

	/** Class of every exception the module throws. */
	public const EXCEPTION_CLASS = 'NativePasswordPolicy\\EngineException';

	/**
	 * @return bool Whether the module is loaded into this PHP process
	 */
	public static function isLoaded(): bool {
		return extension_loaded( self::NAME );
	}

	/**
	 * @return string|null The module's version, or null when it is not loaded
	 */
	public static function version(): ?string {
		$version = phpversion( self::NAME );
		return $version === false ? null : $version;
	}
}
