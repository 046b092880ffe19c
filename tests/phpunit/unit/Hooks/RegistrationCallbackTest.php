<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Unit\Hooks;

use MediaWiki\Extension\NativePasswordPolicy\Audit\AuditCounter;
use MediaWiki\Extension\NativePasswordPolicy\Audit\AuditedChecks;
use MediaWiki\Extension\NativePasswordPolicy\History\PasswordHistory;
use MediaWiki\Extension\NativePasswordPolicy\Hooks\RegistrationCallback;
use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWiki\Extension\NativePasswordPolicy\Policy\BeyondCoreChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Setup\SetupProblems;
use MediaWiki\MainConfigSchema;
use MediaWikiUnitTestCase;

/**
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Hooks\RegistrationCallback
 */
class RegistrationCallbackTest extends MediaWikiUnitTestCase {

	protected function setUp(): void {
		parent::setUp();
		if ( !NativeModule::isLoaded() ) {
			$this->fail( 'The tests run with the native module loaded (tests/mediawiki/run-extension-tests.sh)' );
		}
		$GLOBALS['wgPasswordPolicy'] = MainConfigSchema::PasswordPolicy['default'];
		$GLOBALS['wgNativePasswordPolicyReplaceCoreChecks'] = true;
	}

	protected function tearDown(): void {
		SetupProblems::clear();
		parent::tearDown();
	}

	public function testReplacesEveryCoreCheck(): void {
		RegistrationCallback::onRegistration();
		foreach ( MainConfigSchema::PasswordPolicy['default']['checks'] as $name => $coreCallable ) {
			$this->assertSame( NativePolicyChecks::callableFor( $name ), $GLOBALS['wgPasswordPolicy']['checks'][$name] );
			$this->assertIsCallable( $GLOBALS['wgPasswordPolicy']['checks'][$name] );
		}
		$this->assertSame(
			MainConfigSchema::PasswordPolicy['default']['policies'],
			$GLOBALS['wgPasswordPolicy']['policies'],
			'policies are left as configured'
		);
		$this->assertSame( [], SetupProblems::checksNotNative(), 'nothing left in PHP' );
	}

	public static function provideCoreCallableForms(): array {
		return [
			'1.39 string' => [ 'PasswordPolicyChecks::checkMinimalPasswordLength' ],
			'namespaced string' => [ 'MediaWiki\\Password\\PasswordPolicyChecks::checkMinimalPasswordLength' ],
			'1.43 array' => [ [ 'MediaWiki\\Password\\PasswordPolicyChecks', 'checkMinimalPasswordLength' ] ],
			'array with the global class' => [ [ 'PasswordPolicyChecks', 'checkMinimalPasswordLength' ] ],
			'leading backslash' => [ [ '\\MediaWiki\\Password\\PasswordPolicyChecks', 'checkMinimalPasswordLength' ] ],
			'other letter case' => [ 'passwordPolicyChecks::CheckMinimalPasswordLength' ],
		];
	}

	/**
	 * @dataProvider provideCoreCallableForms
	 */
	public function testTakesOverEveryFormOfCoresCallable( $callable ): void {
		$GLOBALS['wgPasswordPolicy']['checks']['MinimalPasswordLength'] = $callable;
		// Core's check under a name of the operator's is the same check.
		$GLOBALS['wgPasswordPolicy']['checks']['SiteMinimum'] = $callable;
		RegistrationCallback::onRegistration();
		$checks = $GLOBALS['wgPasswordPolicy']['checks'];
		$this->assertSame( NativePolicyChecks::callableFor( 'MinimalPasswordLength' ), $checks['MinimalPasswordLength'] );
		$this->assertSame( NativePolicyChecks::callableFor( 'MinimalPasswordLength' ), $checks['SiteMinimum'] );
		$this->assertSame( [], SetupProblems::checksNotNative() );
	}

	public function testTakesOverClosuresMadeFromCoresMethods(): void {
		$core = MainConfigSchema::PasswordPolicy['default']['checks']['PasswordNotInCommonList'];
		$GLOBALS['wgPasswordPolicy']['checks']['PasswordNotInCommonList'] = \Closure::fromCallable( $core );
		RegistrationCallback::onRegistration();
		$this->assertSame( NativePolicyChecks::callableFor( 'PasswordNotInCommonList' ),
			$GLOBALS['wgPasswordPolicy']['checks']['PasswordNotInCommonList'] );
	}

	public function testKeepsAndReportsChecksAnOperatorReassigned(): void {
		$custom = 'MySite\\PasswordChecks::minimalLength';
		$GLOBALS['wgPasswordPolicy']['checks']['MinimalPasswordLength'] = $custom;
		$GLOBALS['wgPasswordPolicy']['checks']['PasswordNotInCommonList'] = [ 'MySite\\PasswordChecks', 'common' ];
		$GLOBALS['wgPasswordPolicy']['checks']['SiteSpecific'] = 'MySite\\PasswordChecks::other';
		RegistrationCallback::onRegistration();
		$checks = $GLOBALS['wgPasswordPolicy']['checks'];
		$this->assertSame( $custom, $checks['MinimalPasswordLength'] );
		$this->assertSame( [ 'MySite\\PasswordChecks', 'common' ], $checks['PasswordNotInCommonList'] );
		$this->assertSame( 'MySite\\PasswordChecks::other', $checks['SiteSpecific'] );
		$this->assertSame( NativePolicyChecks::callableFor( 'MaximalPasswordLength' ), $checks['MaximalPasswordLength'] );
		$this->assertSame( [
			'MinimalPasswordLength' => [ 'callable' => $custom, 'coreCheck' => false ],
			'PasswordNotInCommonList' => [ 'callable' => 'MySite\\PasswordChecks::common', 'coreCheck' => false ],
		], SetupProblems::checksNotNative(), 'core\'s check names left in PHP are reported; the operator\'s own check is not' );
	}

	public function testReportsACoreCheckTheModuleDoesNotImplement(): void {
		$future = [ 'MediaWiki\\Password\\PasswordPolicyChecks', 'checkPasswordNotPwned' ];
		$GLOBALS['wgPasswordPolicy']['checks']['PasswordNotPwned'] = $future;
		RegistrationCallback::onRegistration();
		$this->assertSame( $future, $GLOBALS['wgPasswordPolicy']['checks']['PasswordNotPwned'] );
		$this->assertSame( [
			'PasswordNotPwned' => [ 'callable' => 'MediaWiki\\Password\\PasswordPolicyChecks::checkPasswordNotPwned', 'coreCheck' => true ],
		], SetupProblems::checksNotNative() );
	}

	public function testOneSettingTurnsTheReplacementOff(): void {
		$GLOBALS['wgNativePasswordPolicyReplaceCoreChecks'] = false;
		RegistrationCallback::onRegistration();
		$this->assertSame(
			BeyondCoreChecks::withChecks( MainConfigSchema::PasswordPolicy['default']['checks'] )
				+ [ PasswordHistory::CHECK => [ PasswordHistory::class, 'checkPasswordNotInHistory' ] ]
				+ [ AuditCounter::CHECK => [ AuditedChecks::class, 'checkAudited' ] ],
			$GLOBALS['wgPasswordPolicy']['checks'],
			'core\'s callables kept; the checks beyond core registered all the same'
		);
		$this->assertSame( MainConfigSchema::PasswordPolicy['default']['policies'], $GLOBALS['wgPasswordPolicy']['policies'] );
		$this->assertSame( [], SetupProblems::checksNotNative(), 'the operator chose core\'s checks: nothing to report' );
	}

	public function testRegistersTheChecksBeyondCoreWithoutEnablingThem(): void {
		$GLOBALS['wgPasswordPolicy']['checks']['PasswordNotInWordLists'] = 'MySite\\PasswordChecks::notInList';
		RegistrationCallback::onRegistration();
		$checks = $GLOBALS['wgPasswordPolicy']['checks'];
		foreach ( BeyondCoreChecks::METHODS as $name => $method ) {
			if ( $name !== 'PasswordNotInWordLists' ) {
				$this->assertSame( NativePolicyChecks::callableFor( $name ), $checks[$name] );
				$this->assertIsCallable( $checks[$name] );
			}
		}
		$this->assertSame( 'MySite\\PasswordChecks::notInList', $checks['PasswordNotInWordLists'], 'the operator\'s callable wins' );
		$this->assertSame( [ PasswordHistory::class, 'checkPasswordNotInHistory' ], $checks[PasswordHistory::CHECK] );
		$this->assertIsCallable( $checks[PasswordHistory::CHECK] );
		$this->assertSame( MainConfigSchema::PasswordPolicy['default']['policies'], $GLOBALS['wgPasswordPolicy']['policies'] );
	}

	public function testTheOperatorsOwnHistoryCheckWins(): void {
		$GLOBALS['wgPasswordPolicy']['checks'][PasswordHistory::CHECK] = 'MySite\\PasswordChecks::notReused';
		RegistrationCallback::onRegistration();
		$this->assertSame( 'MySite\\PasswordChecks::notReused', $GLOBALS['wgPasswordPolicy']['checks'][PasswordHistory::CHECK] );
	}

	public function testInvalidSettingOfTheChecksBeyondCoreIsRecordedNotThrown(): void {
		$GLOBALS['wgNativePasswordPolicyWordLists'] = '/etc/words.txt';
		try {
			// Throwing here would be a blank HTTP 500: MediaWiki's exception handler comes later.
			RegistrationCallback::onRegistration();
			$this->assertSame(
				[ '$wgNativePasswordPolicyWordLists' => '$wgNativePasswordPolicyWordLists must be an array.' ],
				SetupProblems::all()
			);
			$this->assertArrayHasKey( 'PasswordNotInWordLists', $GLOBALS['wgPasswordPolicy']['checks'], 'still registered' );
		} finally {
			unset( $GLOBALS['wgNativePasswordPolicyWordLists'] );
			SetupProblems::clear();
		}
	}
}
