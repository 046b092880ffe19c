<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Unit\Policy;

use MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks;
use MediaWiki\MainConfigSchema;
use MediaWikiUnitTestCase;

/**
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks
 */
class CorePolicyChecksTest extends MediaWikiUnitTestCase {

	public function testKnowsEveryCheckOfCoreDefaults(): void {
		$coreChecks = MainConfigSchema::PasswordPolicy['default']['checks'];
		$this->assertSameSize( $coreChecks, CorePolicyChecks::METHODS );
		foreach ( $coreChecks as $name => $callable ) {
			$this->assertSame( $name, CorePolicyChecks::nameOf( $callable ) );
			$this->assertSame( $callable, CorePolicyChecks::coreCallable( $name ) );
		}
	}

	public static function provideCallables(): array {
		return [
			'leading backslash' => [ '\\PasswordPolicyChecks::checkMinimalPasswordLength', 'MinimalPasswordLength' ],
			'namespaced class of later releases' => [
				'MediaWiki\\Password\\PasswordPolicyChecks::checkPasswordNotInCommonList', 'PasswordNotInCommonList' ],
			'unknown method' => [ 'PasswordPolicyChecks::checkPasswordCannotMatchUsername', null ],
			'other class' => [ 'MySite\\Checks::checkMinimalPasswordLength', null ],
			'array callable' => [ [ 'PasswordPolicyChecks', 'checkMinimalPasswordLength' ], null ],
			'not a static call' => [ 'strlen', null ],
		];
	}

	/**
	 * @dataProvider provideCallables
	 */
	public function testNameOf( $callable, ?string $expected ): void {
		$this->assertSame( $expected, CorePolicyChecks::nameOf( $callable ) );
	}

	public function testNativeCallablesRoundTrip(): void {
		foreach ( CorePolicyChecks::METHODS as $name => $method ) {
			$callable = NativePolicyChecks::callableFor( $name );
			$this->assertIsCallable( $callable );
			$this->assertSame( $name, NativePolicyChecks::nameOf( $callable ) );
			$this->assertSame( $name, NativePolicyChecks::nameOf( '\\' . $callable ) );
			$this->assertNull( CorePolicyChecks::nameOf( $callable ) );
		}
		$this->assertNull( NativePolicyChecks::nameOf( NativePolicyChecks::class . '::engine' ) );
	}
}
