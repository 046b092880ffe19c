<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration\History;

use MediaWiki\Extension\NativePasswordPolicy\History\PasswordHistory;
use MediaWiki\Extension\NativePasswordPolicy\Hooks\SchemaUpdatesHandler;
use MediaWiki\MainConfigNames;
use MediaWiki\User\User;
use MediaWikiIntegrationTestCase;

/**
 * Password history in a real wiki database: the table update.php created, AuthManager's own
 * password changes and account creation recording into it, core's policy evaluation refusing
 * a reused password, the stored hashes Argon2id PHC strings PHP's password_verify() accepts,
 * and the rows deleted with an account through UserMerge's hook.
 *
 * Core's test setup pins `$wgAuthManagerConfig`; these tests set it to the auto-configuration
 * (with the extension's providers), as a wiki without that pin uses it.
 *
 * @group Database
 * @covers \MediaWiki\Extension\NativePasswordPolicy\History\PasswordHistory
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Auth\PasswordHistoryProvider
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Hooks\SchemaUpdatesHandler
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Hooks\UserMergeHandler
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Hooks\RegistrationCallback
 */
class PasswordHistoryTest extends MediaWikiIntegrationTestCase {

	/** @var string[] For MediaWiki 1.39, which resets only the tables named here */
	protected $tablesUsed = [ PasswordHistory::TABLE, 'user', 'actor' ];

	protected function setUp(): void {
		parent::setUp();
		if ( !extension_loaded( 'native_password_policy' ) ) {
			$this->fail( 'These tests need the module native_password_policy loaded' );
		}
		$config = $this->getServiceContainer()->getMainConfig();
		$policy = $config->get( MainConfigNames::PasswordPolicy );
		$policy['policies']['default'][PasswordHistory::CHECK] = 3;
		// Cheap hashes for the test's many password changes (the costs come from here).
		$this->overrideConfigValues( [
			'AuthManagerConfig' => $config->get( 'AuthManagerAutoConfig' ),
			MainConfigNames::PasswordPolicy => $policy,
			MainConfigNames::PasswordConfig => [ 'argon2' => [ 'memory_cost' => 1024, 'time_cost' => 1, 'threads' => 1 ] ]
				+ $config->get( MainConfigNames::PasswordConfig ),
		] );
	}

	private function history(): PasswordHistory {
		return $this->getServiceContainer()->getService( 'NativePasswordPolicy.PasswordHistory' );
	}

	/** @return string[] The account's stored hashes, newest first */
	private function hashesOf( User $user ): array {
		return $this->db->selectFieldValues( PasswordHistory::TABLE, 'nph_hash',
			[ 'nph_user' => $user->getId() ], __METHOD__, [ 'ORDER BY' => 'nph_id DESC' ] );
	}

	/** Core's validity status of a policy error (not fatal): OK, not good, with the message */
	private function assertRefusedByHistory( \StatusValue $validity, string $message ): void {
		$this->assertFalse( $validity->isGood(), $message );
		$this->assertTrue( $validity->hasMessage( 'nativepasswordpolicy-password-in-history' ), $message );
	}

	private function change( User $user, string $password ): \StatusValue {
		return $user->changeAuthenticationData( [ 'password' => $password, 'retype' => $password ] );
	}

	public function testUpdatePhpCreatedTheTableFromItsSchemaFiles(): void {
		$this->assertTrue( $this->db->tableExists( PasswordHistory::TABLE, __METHOD__ ) );
		foreach ( [ 'sqlite', 'mysql', 'postgres' ] as $type ) {
			$file = SchemaUpdatesHandler::schemaFile( $type, PasswordHistory::TABLE );
			$this->assertFileExists( $file );
			$this->assertStringContainsString( 'CREATE TABLE', (string)file_get_contents( $file ) );
		}
	}

	public function testTheCheckIsRegisteredForPolicies(): void {
		$checks = $this->getServiceContainer()->getMainConfig()->get( MainConfigNames::PasswordPolicy )['checks'];
		$this->assertSame( [ PasswordHistory::class, 'checkPasswordNotInHistory' ], $checks[PasswordHistory::CHECK] );
	}

	public function testPasswordChangesAreRecordedAsArgon2idAndPrunedToN(): void {
		$user = $this->getMutableTestUser()->getUser();
		$passwords = [ 'first-Kq3vLp9x', 'second-Wm4tRz8y', 'third-Hb6nJc2w', 'fourth-Dx7sFg5e' ];
		foreach ( $passwords as $password ) {
			$status = $this->change( $user, $password );
			$this->assertStatusGood( $status, $password );
		}
		$hashes = $this->hashesOf( $user );
		$this->assertCount( 3, $hashes, 'pruned to the policy value' );
		foreach ( $hashes as $i => $hash ) {
			$this->assertStringStartsWith( '$argon2id$v=19$m=1024,t=1,p=1$', $hash );
			$this->assertTrue( password_verify( $passwords[3 - $i], $hash ), "PHP verifies entry $i" );
		}
		$this->assertFalse( password_verify( $passwords[0], $hashes[2] ) );
		// The account's password really is the last one (core stored it, not this extension).
		$this->assertTrue( $user->checkPasswordValidity( 'another-Tz9qWe4r' )->isGood() );
	}

	public function testAReusedPasswordIsRefusedWithTheMessageAndAnOlderOneIsAccepted(): void {
		$user = $this->getMutableTestUser()->getUser();
		foreach ( [ 'alpha-Kq3vLp9x', 'beta-Wm4tRz8y', 'gamma-Hb6nJc2w', 'delta-Dx7sFg5e' ] as $password ) {
			$this->assertStatusGood( $this->change( $user, $password ) );
		}
		foreach ( [ 'delta-Dx7sFg5e', 'gamma-Hb6nJc2w', 'beta-Wm4tRz8y' ] as $reused ) {
			$validity = $user->checkPasswordValidity( $reused );
			$this->assertRefusedByHistory( $validity, $reused );
			$this->assertSame( [ 3 ], $validity->getErrors()[0]['params'] );
			$this->assertStatusNotGood( $this->change( $user, $reused ), "change to $reused" );
		}
		// Four passwords ago: out of the history of 3.
		$this->assertStatusGood( $this->change( $user, 'alpha-Kq3vLp9x' ) );
		$this->assertCount( 3, $this->hashesOf( $user ) );
	}

	public function testNothingIsRecordedWhereThePolicyDoesNotNameTheCheck(): void {
		$config = $this->getServiceContainer()->getMainConfig();
		$policy = $config->get( MainConfigNames::PasswordPolicy );
		unset( $policy['policies']['default'][PasswordHistory::CHECK] );
		$this->overrideConfigValue( MainConfigNames::PasswordPolicy, $policy );
		$user = $this->getMutableTestUser()->getUser();
		$this->assertStatusGood( $this->change( $user, 'epsilon-Kq3vLp9x' ) );
		$this->assertSame( [], $this->hashesOf( $user ) );
	}

	public function testAGroupPolicyMergesToTheLargestN(): void {
		$policy = $this->getServiceContainer()->getMainConfig()->get( MainConfigNames::PasswordPolicy );
		$policy['policies']['sysop'][PasswordHistory::CHECK] = [ 'value' => 5 ];
		$this->overrideConfigValue( MainConfigNames::PasswordPolicy, $policy );
		$user = $this->getMutableTestUser( [ 'sysop' ] )->getUser();
		for ( $i = 1; $i <= 6; $i++ ) {
			$this->assertStatusGood( $this->change( $user, "sysop-password-$i-Kq3vLp9x" ) );
		}
		$this->assertCount( 5, $this->hashesOf( $user ) );
		$this->assertStatusNotGood( $this->change( $user, 'sysop-password-2-Kq3vLp9x' ) );
	}

	public function testTheHistoryIsDeletedWithTheAccountByUserMerge(): void {
		$user = $this->getMutableTestUser()->getUser();
		$other = $this->getMutableTestUser()->getUser();
		$this->assertStatusGood( $this->change( $user, 'zeta-Kq3vLp9x' ) );
		$this->assertStatusGood( $this->change( $other, 'eta-Wm4tRz8y' ) );
		// What UserMerge does when it deletes the merged account.
		$tables = [ 'user_groups' => 'ug_user' ];
		$this->getServiceContainer()->getHookContainer()->run( 'UserMergeAccountDeleteTables', [ &$tables ] );
		$this->assertSame( 'nph_user', $tables[PasswordHistory::TABLE] ?? null );
		foreach ( $tables as $table => $field ) {
			$this->db->delete( $table, [ $field => $user->getId() ], __METHOD__ );
		}
		$this->assertSame( 0, $this->history()->entryCount( $user->getId() ) );
		$this->assertSame( 1, $this->history()->entryCount( $other->getId() ) );
	}

	/**
	 * A rename keeps the account's ID, and the history is keyed by it: the renamed account's
	 * old passwords are still refused. Core renames since 1.40 (RenameuserSQL, the code behind
	 * Special:RenameUser); 1.39's core has no rename (the Renameuser extension does it there,
	 * through the same user ID), so on 1.39 the test shows that core has none.
	 */
	public function testTheHistoryStaysWithARenamedAccount(): void {
		$renamer = 'MediaWiki\\RenameUser\\RenameuserSQL';
		if ( version_compare( MW_VERSION, '1.40', '<' ) ) {
			$this->assertFalse( class_exists( $renamer ), 'core 1.39 renames no account' );
			return;
		}
		$user = $this->getMutableTestUser()->getUser();
		$this->assertStatusGood( $this->change( $user, 'theta-Kq3vLp9x' ) );
		$this->assertStatusGood( $this->change( $user, 'iota-Wm4tRz8y' ) );
		$newName = 'Renamed ' . $user->getId() . ' ' . wfRandomString( 6 );
		$rename = new $renamer( $user->getName(), $newName, $user->getId(), $this->getTestSysop()->getUser(),
			[ 'reason' => 'test' ] );
		$this->assertTrue( $rename->rename() );
		$renamed = $this->getServiceContainer()->getUserFactory()->newFromName( $newName );
		$this->assertSame( $user->getId(), $renamed->getId() );
		$this->assertSame( 2, $this->history()->entryCount( $renamed->getId() ) );
		$this->assertRefusedByHistory( $renamed->checkPasswordValidity( 'theta-Kq3vLp9x' ), 'after the rename' );
	}

	public function testAtLoginTheCurrentPasswordPasses(): void {
		$user = $this->getMutableTestUser()->getUser();
		$this->assertStatusGood( $this->change( $user, 'kappa-Wm4tRz8y' ) );
		$this->assertStatusGood( $this->change( $user, 'theta-Kq3vLp9x' ) );
		$this->assertRefusedByHistory( $user->checkPasswordValidity( 'theta-Kq3vLp9x' ), 'as a new password' );
		// What LoginPasswordProvider does when a login begins.
		$this->history()->exempt( $user->getName(), 'theta-Kq3vLp9x' );
		$this->assertStatusGood( $user->checkPasswordValidity( 'theta-Kq3vLp9x' ), 'at its login' );
		// The mark covers that user's login with that password only.
		$this->assertRefusedByHistory( $user->checkPasswordValidity( 'kappa-Wm4tRz8y' ), 'the previous one' );
	}
}
