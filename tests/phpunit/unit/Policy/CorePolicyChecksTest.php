<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Unit\Policy;

use MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks;
use Closure;
use MediaWiki\MainConfigSchema;
use MediaWikiUnitTestCase;

/**
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks
 */
class CorePolicyChecksTest extends MediaWikiUnitTestCase {

	public function testKnowsEveryCheckOfCoreDefaults(): void {
		// Strings on 1.39, [ class, method ] arrays with the namespaced class on 1.43.
		$coreChecks = MainConfigSchema::PasswordPolicy['default']['checks'];
		$this->assertSameSize( $coreChecks, CorePolicyChecks::METHODS );
		foreach ( $coreChecks as $name => $callable ) {
			$this->assertSame( $name, CorePolicyChecks::nameOf( $callable ) );
			$this->assertTrue( CorePolicyChecks::isCoreClassMethod( $callable ) );
			$fallback = CorePolicyChecks::coreCallable( $name );
			$this->assertIsCallable( $fallback );
			$this->assertSame( $name, CorePolicyChecks::nameOf( $fallback ) );
		}
	}

	public static function provideCallables(): array {
		$namespaced = 'MediaWiki\\Password\\PasswordPolicyChecks';
		return [
			'1.39 string' => [ 'PasswordPolicyChecks::checkMinimalPasswordLength', 'MinimalPasswordLength' ],
			'leading backslash' => [ '\\PasswordPolicyChecks::checkMinimalPasswordLength', 'MinimalPasswordLength' ],
			'namespaced string' => [ "$namespaced::checkPasswordNotInCommonList", 'PasswordNotInCommonList' ],
			'1.43 array' => [ [ $namespaced, 'checkMaximalPasswordLength' ], 'MaximalPasswordLength' ],
			'array, global class' => [ [ 'PasswordPolicyChecks', 'checkMinimalPasswordLength' ], 'MinimalPasswordLength' ],
			'array, leading backslash' => [ [ "\\$namespaced", 'checkPasswordCannotMatchDefaults' ], 'PasswordCannotMatchDefaults' ],
			'other letter case' => [ [ strtolower( $namespaced ), 'CHECKMINIMUMPASSWORDLENGTHTOLOGIN' ], 'MinimumPasswordLengthToLogin' ],
			'other letter case, string' => [ 'passwordpolicychecks::checkpasswordcannotbesubstringinusername',
				'PasswordCannotBeSubstringInUsername' ],
			'unknown method' => [ 'PasswordPolicyChecks::checkPasswordCannotMatchUsername', null ],
			'unknown method, array' => [ [ $namespaced, 'checkPasswordCannotMatchUsername' ], null ],
			'other class' => [ 'MySite\\Checks::checkMinimalPasswordLength', null ],
			'other class, array' => [ [ 'MySite\\Checks', 'checkMinimalPasswordLength' ], null ],
			'parent:: in an array' => [ [ $namespaced, 'parent::checkMinimalPasswordLength' ], null ],
			'associative array' => [ [ 'class' => $namespaced, 'method' => 'checkMinimalPasswordLength' ], null ],
			'three elements' => [ [ $namespaced, 'checkMinimalPasswordLength', 'x' ], null ],
			'three colons' => [ 'PasswordPolicyChecks::checkMinimalPasswordLength::x', null ],
			'not a static call' => [ 'strlen', null ],
			'not a callable' => [ 42, null ],
		];
	}

	/**
	 * @dataProvider provideCallables
	 */
	public function testNameOf( $callable, ?string $expected ): void {
		$this->assertSame( $expected, CorePolicyChecks::nameOf( $callable ) );
	}

	public function testClosuresMadeFromCoreMethods(): void {
		$core = CorePolicyChecks::coreCallable( 'PasswordNotInCommonList' );
		$this->assertSame( 'PasswordNotInCommonList', CorePolicyChecks::nameOf( Closure::fromCallable( $core ) ) );
		$this->assertSame( 'MinimalPasswordLength',
			CorePolicyChecks::nameOf( Closure::fromCallable( CorePolicyChecks::coreCallable( 'MinimalPasswordLength' ) ) ) );
		$literal = static fn ( $value, $user, $password ) => call_user_func( $core, $value, $user, $password );
		$this->assertNull( CorePolicyChecks::nameOf( $literal ) );
		$this->assertFalse( CorePolicyChecks::isCoreClassMethod( $literal ) );
		$this->assertSame( 'a closure', CorePolicyChecks::describe( $literal ) );
	}

	public function testDescribe(): void {
		$this->assertSame( 'MySite\\Checks::length', CorePolicyChecks::describe( [ '\\MySite\\Checks', 'length' ] ) );
		$this->assertSame( 'MySite\\Checks::length', CorePolicyChecks::describe( 'MySite\\Checks::length' ) );
		$this->assertSame( 'strlen', CorePolicyChecks::describe( 'strlen' ) );
		$this->assertSame( 'integer', CorePolicyChecks::describe( 42 ) );
	}

	public function testNativeCallablesRoundTrip(): void {
		foreach ( CorePolicyChecks::METHODS as $name => $method ) {
			$callable = NativePolicyChecks::callableFor( $name );
			$this->assertIsCallable( $callable );
			$this->assertSame( $name, NativePolicyChecks::nameOf( $callable ) );
			$this->assertSame( [ NativePolicyChecks::class, $method ], $callable );
			$this->assertNull( CorePolicyChecks::nameOf( $callable ) );
			// Every other form an operator may write.
			$string = NativePolicyChecks::class . "::$method";
			$this->assertSame( $name, NativePolicyChecks::nameOf( $string ) );
			$this->assertSame( $name, NativePolicyChecks::nameOf( '\\' . $string ) );
			$this->assertSame( $name, NativePolicyChecks::nameOf( strtoupper( $string ) ) );
			$this->assertSame( $name, NativePolicyChecks::nameOf( [ '\\' . NativePolicyChecks::class, strtolower( $method ) ] ) );
		}
		$this->assertNull( NativePolicyChecks::nameOf( NativePolicyChecks::class . '::engine' ) );
	}
}
