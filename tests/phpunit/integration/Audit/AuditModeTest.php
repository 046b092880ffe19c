<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration\Audit;

use MediaWiki\Extension\NativePasswordPolicy\Audit\AuditCounter;
use MediaWiki\Extension\NativePasswordPolicy\Hooks\SoftwareInfoHandler;
use MediaWiki\Extension\NativePasswordPolicy\Setup\ModuleStatus;
use MediaWiki\MainConfigNames;
use MediaWikiIntegrationTestCase;

/**
 * Audit mode inside MediaWiki: core's own policy evaluation (User::checkPasswordValidity())
 * with checks of `$wgNativePasswordPolicyAudit`, which refuse nothing and are counted per
 * group and event in the main stash, then shown on Special:Version.
 *
 * @group Database
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Audit\AuditCounter
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Audit\AuditedChecks
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Hooks\AuditPolicyHandler
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Hooks\SoftwareInfoHandler
 */
class AuditModeTest extends MediaWikiIntegrationTestCase {

	protected function setUp(): void {
		parent::setUp();
		$this->overrideConfigValue( 'NativePasswordPolicyAudit', [
			'default' => [ 'MinimalPasswordCodePoints' => 20 ],
			'sysop' => [ 'MinimalPasswordLength' => [ 'value' => 30 ], 'NoSuchCheck' => true ],
		] );
	}

	private function counter(): AuditCounter {
		return $this->getServiceContainer()->getService( 'NativePasswordPolicy.AuditCounter' );
	}

	/** @return array<string,int> "group check event" => count */
	private function counts(): array {
		$counts = [];
		foreach ( $this->counter()->counts() as $row ) {
			$counts["{$row['group']} {$row['check']} {$row['event']}"] = $row['count'];
		}
		return $counts;
	}

	public function testNothingIsRefusedAndEachWouldBeFailureIsCounted(): void {
		$before = $this->counts();
		$this->assertSame( [
			'default MinimalPasswordCodePoints login', 'default MinimalPasswordCodePoints change',
			'default MinimalPasswordCodePoints create', 'sysop MinimalPasswordLength login',
			'sysop MinimalPasswordLength change', 'sysop MinimalPasswordLength create',
			'sysop NoSuchCheck login', 'sysop NoSuchCheck change', 'sysop NoSuchCheck create',
		], array_keys( $before ) );
		$sysop = $this->getMutableTestUser( [ 'sysop' ] )->getUser();
		$reader = $this->getMutableTestUser()->getUser();

		// 17 characters: under both audited minimums, above every enforced one.
		$this->assertStatusGood( $sysop->checkPasswordValidity( 'Kq3vLp9x-Wm4tRz8y' ) );
		$this->assertStatusGood( $reader->checkPasswordValidity( 'Kq3vLp9x-Wm4tRz8y' ) );
		// 25 characters: passes the minimum of everyone, not the sysops' 30 bytes.
		$this->assertStatusGood( $sysop->checkPasswordValidity( 'Kq3vLp9x-Wm4tRz8y-Hb6nJc2w' ) );

		$after = $this->counts();
		$this->assertSame( $before['default MinimalPasswordCodePoints change'] + 2, $after['default MinimalPasswordCodePoints change'] );
		$this->assertSame( $before['sysop MinimalPasswordLength change'] + 2, $after['sysop MinimalPasswordLength change'] );
		$this->assertSame( $before['sysop MinimalPasswordLength login'], $after['sysop MinimalPasswordLength login'] );
		$this->assertSame( 0, $after['sysop NoSuchCheck change'], 'a name no check has is never counted' );

		// At login (LoginPasswordProvider's mark) and for an account about to be created.
		$this->getServiceContainer()->getService( 'NativePasswordPolicy.PasswordHistory' )
			->exempt( $sysop->getName(), 'Kq3vLp9x-Wm4tRz8y' );
		$this->assertStatusGood( $sysop->checkPasswordValidity( 'Kq3vLp9x-Wm4tRz8y' ) );
		$newcomer = $this->getServiceContainer()->getUserFactory()->newFromName( 'Audit Newcomer' );
		$this->assertStatusGood( $newcomer->checkPasswordValidity( 'Kq3vLp9x-Wm4tRz8y' ) );
		$final = $this->counts();
		$this->assertSame( $after['sysop MinimalPasswordLength login'] + 1, $final['sysop MinimalPasswordLength login'] );
		$this->assertSame( $after['default MinimalPasswordCodePoints create'] + 1, $final['default MinimalPasswordCodePoints create'] );
	}

	public function testAnEnforcedCheckStillRefuses(): void {
		$policy = $this->getServiceContainer()->getMainConfig()->get( MainConfigNames::PasswordPolicy );
		$policy['policies']['default']['MinimalPasswordCodePoints'] = 12;
		$this->overrideConfigValue( MainConfigNames::PasswordPolicy, $policy );
		$reader = $this->getMutableTestUser()->getUser();
		$before = $this->counts()['default MinimalPasswordCodePoints change'];
		$validity = $reader->checkPasswordValidity( 'Kq3vLp9x-W' );
		$this->assertFalse( $validity->isGood() );
		$this->assertTrue( $validity->hasMessage( 'nativepasswordpolicy-password-too-few-characters' ) );
		$this->assertSame( $before + 1, $this->counts()['default MinimalPasswordCodePoints change'], 'and is audited at 20' );
	}

	public function testSpecialVersionShowsTheCounts(): void {
		$this->getMutableTestUser()->getUser()->checkPasswordValidity( 'Kq3vLp9x-Wm4tRz8y' );
		$software = [];
		( new SoftwareInfoHandler( ModuleStatus::detect( false ), null, $this->counter() ) )->onSoftwareInfo( $software );
		$text = implode( "\n", $software );
		$count = $this->counts()['default MinimalPasswordCodePoints change'];
		$this->assertGreaterThanOrEqual( 1, $count );
		$this->assertStringContainsString( "Audit mode: <code>MinimalPasswordCodePoints</code> of group <code>default</code> "
			. "would have refused 0 passwords at login, $count on a password change and", $text );
	}
}
