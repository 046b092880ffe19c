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
	 * Where PHP's configuration asks for the module: the ini file and the line's value, or null.
	 *
	 * PHP does not say why a module it was told to load is missing (the startup warning goes to
	 * its error log only), but the ini files that ask for it are readable: a module that is
	 * configured yet not loaded failed to load (built for another PHP, file missing).
	 *
	 * @return array{iniFile:string,module:string}|null
	 */
	public static function configuredIn(): ?array {
		$files = [];
		$main = php_ini_loaded_file();
		if ( $main !== false ) {
			$files[] = $main;
		}
		$scanned = php_ini_scanned_files();
		if ( $scanned !== false ) {
			$files = array_merge( $files, array_filter( array_map( 'trim', explode( ',', $scanned ) ) ) );
		}
		foreach ( $files as $file ) {
			$lines = @file( $file, FILE_IGNORE_NEW_LINES ) ?: [];
			foreach ( $lines as $line ) {
				if ( preg_match( '/^\s*extension\s*=\s*["\']?([^"\'\s;]*' . self::NAME . '[^"\'\s;]*)/', $line, $m ) ) {
					return [ 'iniFile' => $file, 'module' => $m[1] ];
				}
			}
		}
		return null;
	}

	/**
	 * @return string|null The module's version, or null when it is not loaded
	 */
	public static function version(): ?string {
		$version = phpversion( self::NAME );
		return $version === false ? null : $version;
	}
}
