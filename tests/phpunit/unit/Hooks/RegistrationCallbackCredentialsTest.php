<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Unit\Hooks;

use MediaWiki\Auth\TemporaryPasswordPrimaryAuthenticationProvider;
use MediaWiki\Extension\NativePasswordPolicy\Auth\NativeTemporaryPasswordProvider;
use MediaWiki\Extension\NativePasswordPolicy\Hooks\RegistrationCallback;
use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWiki\Extension\NativePasswordPolicy\Password\NativeArgon2Password;
use MediaWiki\Extension\NativePasswordPolicy\Setup\SetupProblems;
use MediaWiki\MainConfigSchema;
use MediaWikiUnitTestCase;

/**
 * What the registration callback does to `$wgPasswordConfig` and `$wgAuthManagerAutoConfig`:
 * core's classes are replaced, an operator's own choices are kept, and invalid settings are
 * recorded with a message naming them, without stopping the wiki.
 *
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Hooks\RegistrationCallback
 */
class RegistrationCallbackCredentialsTest extends MediaWikiUnitTestCase {

	private const PROVIDER_KEY = TemporaryPasswordPrimaryAuthenticationProvider::class;

	protected function tearDown(): void {
		SetupProblems::clear();
		parent::tearDown();
	}

	protected function setUp(): void {
		parent::setUp();
		if ( !NativeModule::isLoaded() ) {
			$this->fail( 'The tests run with the native module loaded (tests/mediawiki/run-extension-tests.sh)' );
		}
		$GLOBALS['wgPasswordPolicy'] = MainConfigSchema::PasswordPolicy['default'];
		$GLOBALS['wgNativePasswordPolicyReplaceCoreChecks'] = true;
		$GLOBALS['wgPasswordConfig'] = MainConfigSchema::PasswordConfig['default'];
		$GLOBALS['wgAuthManagerAutoConfig'] = MainConfigSchema::AuthManagerAutoConfig['default'];
		$GLOBALS['wgNativePasswordPolicyArgon2'] = true;
		$GLOBALS['wgNativePasswordPolicyTemporaryPasswords'] = true;
		$GLOBALS['wgNativePasswordPolicyTemporaryPasswordAlphabet'] = null;
		$GLOBALS['wgNativePasswordPolicyTemporaryPasswordLength'] = null;
	}

	public function testReplacesCoreClasses(): void {
		RegistrationCallback::onRegistration();

		$expected = MainConfigSchema::PasswordConfig['default'];
		$expected['argon2']['class'] = NativeArgon2Password::class;
		$this->assertSame( $expected, $GLOBALS['wgPasswordConfig'], 'only the class of argon2 changes' );

		$expected = MainConfigSchema::AuthManagerAutoConfig['default'];
		$expected['primaryauth'][self::PROVIDER_KEY]['class'] = NativeTemporaryPasswordProvider::class;
		array_unshift( $expected['primaryauth'][self::PROVIDER_KEY]['services'], 'NativePasswordPolicy.TemporaryPasswordGenerator' );
		$this->assertSame( $expected, $GLOBALS['wgAuthManagerAutoConfig'], 'same key, sort and arguments' );
	}

	public function testEveryTypeOfCoresArgon2ClassIsReplaced(): void {
		$GLOBALS['wgPasswordConfig']['argon2-strong'] = [
			'class' => 'Argon2Password', 'algo' => 'argon2id', 'memory_cost' => 131072, 'time_cost' => 3,
		];
		RegistrationCallback::onRegistration();
		$this->assertSame( NativeArgon2Password::class, $GLOBALS['wgPasswordConfig']['argon2-strong']['class'] );
		$this->assertSame( 131072, $GLOBALS['wgPasswordConfig']['argon2-strong']['memory_cost'] );
	}

	public function testKeepsAnOperatorsOwnClasses(): void {
		$GLOBALS['wgPasswordConfig']['argon2']['class'] = 'MySite\\Argon2Password';
		$GLOBALS['wgAuthManagerAutoConfig']['primaryauth'][self::PROVIDER_KEY]['class'] = 'MySite\\TemporaryPasswords';
		RegistrationCallback::onRegistration();
		$this->assertSame( 'MySite\\Argon2Password', $GLOBALS['wgPasswordConfig']['argon2']['class'] );
		$this->assertSame( 'MySite\\TemporaryPasswords', $GLOBALS['wgAuthManagerAutoConfig']['primaryauth'][self::PROVIDER_KEY]['class'] );
		$this->assertSame(
			MainConfigSchema::AuthManagerAutoConfig['default']['primaryauth'][self::PROVIDER_KEY]['services'],
			$GLOBALS['wgAuthManagerAutoConfig']['primaryauth'][self::PROVIDER_KEY]['services'],
			'core\'s services, no generator added'
		);
	}

	public function testSettingsTurnEachReplacementOff(): void {
		$GLOBALS['wgNativePasswordPolicyArgon2'] = false;
		$GLOBALS['wgNativePasswordPolicyTemporaryPasswords'] = false;
		// Not checked when not used.
		$GLOBALS['wgPasswordConfig']['argon2']['memory_cost'] = 1;
		$GLOBALS['wgNativePasswordPolicyTemporaryPasswordAlphabet'] = 'aa';
		RegistrationCallback::onRegistration();
		$expected = MainConfigSchema::PasswordConfig['default'];
		$expected['argon2']['memory_cost'] = 1;
		$this->assertSame( $expected, $GLOBALS['wgPasswordConfig'] );
		$this->assertSame( MainConfigSchema::AuthManagerAutoConfig['default'], $GLOBALS['wgAuthManagerAutoConfig'] );
	}

	public function testRunningTwiceChangesNothingMore(): void {
		RegistrationCallback::onRegistration();
		$once = [ $GLOBALS['wgPasswordConfig'], $GLOBALS['wgAuthManagerAutoConfig'] ];
		RegistrationCallback::onRegistration();
		$this->assertSame( $once, [ $GLOBALS['wgPasswordConfig'], $GLOBALS['wgAuthManagerAutoConfig'] ] );
	}

	public static function provideInvalidSettings(): array {
		return [
			'argon2 memory' => [ 'wgPasswordConfig', [ 'argon2' => [ 'class' => 'Argon2Password', 'algo' => 'auto', 'memory_cost' => 7 ] ],
				"\$wgPasswordConfig['argon2']: memory_cost must be at least 8 KiB per thread (8 KiB with 1 thread), not 7" ],
			'argon2 algo' => [ 'wgPasswordConfig', [ 'argon2' => [ 'class' => 'Argon2Password', 'algo' => 'bcrypt' ] ],
				"\$wgPasswordConfig['argon2']: algo must be 'argon2id', 'argon2i' or 'auto', not 'bcrypt'" ],
			'argon2 class named by the operator' => [ 'wgPasswordConfig', [ 'mine' => [ 'class' => NativeArgon2Password::class, 'time_cost' => 0 ] ],
				"\$wgPasswordConfig['mine']: time_cost must be 1 to 1024, not 0" ],
			'alphabet' => [ 'wgNativePasswordPolicyTemporaryPasswordAlphabet', 'ab1b',
				"\$wgNativePasswordPolicyTemporaryPasswordAlphabet: the alphabet holds 'b' more than once" ],
			'length' => [ 'wgNativePasswordPolicyTemporaryPasswordLength', 3,
				'$wgNativePasswordPolicyTemporaryPasswordLength: 3 characters of a 55-character alphabet give 17.3 bits' ],
		];
	}

	/**
	 * @dataProvider provideInvalidSettings
	 */
	public function testInvalidSettingsAreNamedWithoutStoppingTheWiki( string $global, $value, string $message ): void {
		$GLOBALS[$global] = $value;
		// Throwing here would be a blank HTTP 500: MediaWiki's exception handler comes later.
		RegistrationCallback::onRegistration();
		$problems = SetupProblems::all();
		$this->assertCount( 1, $problems );
		$this->assertStringStartsWith( (string)array_key_first( $problems ), $message, 'keyed by the setting' );
		$this->assertStringContainsString( $message, reset( $problems ) );
		if ( str_starts_with( $global, 'wgNativePasswordPolicyTemporaryPassword' ) ) {
			$this->assertSame( MainConfigSchema::AuthManagerAutoConfig['default'], $GLOBALS['wgAuthManagerAutoConfig'],
				'core\'s temporary passwords until the setting is fixed' );
		}
	}

	public function testProblemsOfAnEarlierRunAreForgotten(): void {
		$GLOBALS['wgNativePasswordPolicyTemporaryPasswordLength'] = 3;
		RegistrationCallback::onRegistration();
		$this->assertNotSame( [], SetupProblems::all() );
		$GLOBALS['wgNativePasswordPolicyTemporaryPasswordLength'] = null;
		RegistrationCallback::onRegistration();
		$this->assertSame( [], SetupProblems::all() );
	}
}
