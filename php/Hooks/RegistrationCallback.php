<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Hooks;

use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks;

/**
 * The extension's only static entry point: adjusts global settings once they are all loaded
 * (it runs after LocalSettings.php), and nothing else.
 */
final class RegistrationCallback {

	/**
	 * Points the core checks of `$wgPasswordPolicy['checks']` at the native module.
	 *
	 * Only entries that still hold core's own callable are replaced, so a check an operator
	 * reassigned in LocalSettings.php keeps its callable. This must be a plain assignment here:
	 * declaring the names in extension.json would merge arrays and break the callables.
	 */
	public static function onRegistration(): void {
		global $wgPasswordPolicy, $wgNativePasswordPolicyReplaceCoreChecks;

		if ( !$wgNativePasswordPolicyReplaceCoreChecks || !NativeModule::isLoaded() ) {
			return;
		}
		foreach ( $wgPasswordPolicy['checks'] ?? [] as $name => $callable ) {
			$check = CorePolicyChecks::nameOf( $callable );
			if ( $check !== null && $check === $name ) {
				$wgPasswordPolicy['checks'][$name] = NativePolicyChecks::callableFor( $check );
			}
		}
	}
}
