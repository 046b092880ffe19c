<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Unit\Hooks;

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
	}

	public function testKeepsChecksAnOperatorReassigned(): void {
		$custom = 'MySite\\PasswordChecks::minimalLength';
		$GLOBALS['wgPasswordPolicy']['checks']['MinimalPasswordLength'] = $custom;
		$GLOBALS['wgPasswordPolicy']['checks']['SiteSpecific'] = 'MySite\\PasswordChecks::other';
		// Core's callable under another check name is the operator's choice too.
		$GLOBALS['wgPasswordPolicy']['checks']['Alias'] = 'PasswordPolicyChecks::checkMaximalPasswordLength';
		RegistrationCallback::onRegistration();
		$checks = $GLOBALS['wgPasswordPolicy']['checks'];
		$this->assertSame( $custom, $checks['MinimalPasswordLength'] );
		$this->assertSame( 'MySite\\PasswordChecks::other', $checks['SiteSpecific'] );
		$this->assertSame( 'PasswordPolicyChecks::checkMaximalPasswordLength', $checks['Alias'] );
		$this->assertSame( NativePolicyChecks::callableFor( 'MaximalPasswordLength' ), $checks['MaximalPasswordLength'] );
	}

	public function testOneSettingTurnsTheReplacementOff(): void {
		$GLOBALS['wgNativePasswordPolicyReplaceCoreChecks'] = false;
		RegistrationCallback::onRegistration();
		$this->assertSame(
			BeyondCoreChecks::withChecks( MainConfigSchema::PasswordPolicy['default']['checks'] ),
			$GLOBALS['wgPasswordPolicy']['checks'],
			'core\'s callables kept; the checks beyond core registered all the same'
		);
		$this->assertSame( MainConfigSchema::PasswordPolicy['default']['policies'], $GLOBALS['wgPasswordPolicy']['policies'] );
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
		$this->assertSame( MainConfigSchema::PasswordPolicy['default']['policies'], $GLOBALS['wgPasswordPolicy']['policies'] );
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
