<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration\Auth;

use MediaWiki\Auth\AuthenticationRequest;
use MediaWiki\Auth\AuthManager;
use MediaWiki\Auth\TemporaryPasswordAuthenticationRequest;
use MediaWiki\Auth\TemporaryPasswordPrimaryAuthenticationProvider;
use MediaWiki\Deferred\DeferredUpdates;
use MediaWiki\Extension\NativePasswordPolicy\Auth\NativeTemporaryPasswordProvider;
use MediaWiki\User\User;
use MediaWikiIntegrationTestCase;

/**
 * The provider inside MediaWiki's real AuthManager and PasswordReset (queued, as the extension
 * makes it, and run by the job runner): the password stored in
 * `user_newpassword`, the one checked by the policy and the one mailed (through core's mail
 * hooks) are the same, made for the user, for resets and for accounts created by mail.
 *
 * Core's test setup pins `$wgAuthManagerConfig`; these tests set it to the auto-configuration
 * the extension's registration callback produced, as a wiki without that pin uses it.
 *
 * @group Database
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Auth\NativeTemporaryPasswordProvider
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Hooks\RegistrationCallback
 */
class NativeTemporaryPasswordProviderTest extends MediaWikiIntegrationTestCase {

	/** @var string[] Bodies of the mails sent, caught by core's AlternateUserMailer hook */
	private array $mails = [];

	protected function setUp(): void {
		parent::setUp();
		$autoConfig = $this->getServiceContainer()->getMainConfig()->get( 'AuthManagerAutoConfig' );
		$this->overrideConfigValues( [
			'AuthManagerConfig' => $autoConfig,
			'EnableEmail' => true,
			'PasswordReminderResendTime' => 0,
			'RateLimits' => [ 'mailpassword' => [] ],
		] );
		$this->setTemporaryHook( 'AlternateUserMailer', function ( $headers, $to, $from, $subject, $body ) {
			$this->mails[] = is_array( $body ) ? $body['text'] : $body;
			return false;
		} );
	}

	/**
	 * What the job runner does after the requests: the queued resets (QueuedPasswordReset) run,
	 * then what they deferred (their mail).
	 */
	private function runResets(): void {
		DeferredUpdates::doUpdates();
		$this->runJobs( [ 'minJobs' => 0 ] );
	}

	private function provider(): NativeTemporaryPasswordProvider {
		$provider = $this->getServiceContainer()->getAuthManager()
			->getAuthenticationProvider( NativeTemporaryPasswordProvider::class );
		$this->assertInstanceOf( NativeTemporaryPasswordProvider::class, $provider );
		return $provider;
	}

	private function userWithMail( array $groups = [] ): User {
		$user = $this->getMutableTestUser( $groups )->getUser();
		$user->setEmail( 'someone@example.org' );
		$user->confirmEmail();
		$user->saveSettings();
		return $user;
	}

	private function storedTemporaryPassword( User $user ): string {
		// The test database ($this->db is deprecated in 1.43, getDb() not in 1.39)
		$db = $this->getServiceContainer()->getDBLoadBalancer()->getConnection( DB_PRIMARY );
		return (string)$db->selectField( 'user', 'user_newpassword', [ 'user_id' => $user->getId() ], __METHOD__ );
	}

	private function mailedPassword( string $body ): string {
		$this->assertSame( 1, preg_match( '/Temporary password:\s*(\S+)/', $body, $match ), $body );
		return $match[1];
	}

	public function testRegistrationSwappedTheProviderInTheAutoConfig(): void {
		$spec = $this->getServiceContainer()->getMainConfig()->get( 'AuthManagerAutoConfig' )
			['primaryauth'][TemporaryPasswordPrimaryAuthenticationProvider::class];
		$this->assertSame( NativeTemporaryPasswordProvider::class, $spec['class'] );
		$this->assertSame( 'NativePasswordPolicy.TemporaryPasswordGenerator', $spec['services'][0] );
		$this->assertSame( [ [ 'authoritative' => false ] ], $spec['args'], "core's arguments are kept" );
	}

	public static function provideGroups(): array {
		return [
			'no group' => [ [] ],
			'sysop' => [ [ 'sysop' ] ],
			'bureaucrat' => [ [ 'bureaucrat' ] ],
			'interface-admin' => [ [ 'interface-admin' ] ],
			'bot' => [ [ 'bot' ] ],
		];
	}

	/**
	 * @dataProvider provideGroups
	 */
	public function testPasswordResetMailsTheStoredPassword( array $groups ): void {
		$user = $this->userWithMail( $groups );
		$performer = $this->getTestSysop()->getUser();
		$status = $this->getServiceContainer()->getPasswordReset()->execute( $performer, $user->getName() );
		$this->assertStatusGood( $status );
		$this->runResets();

		$this->assertCount( 1, $this->mails );
		$password = $this->mailedPassword( $this->mails[0] );
		$this->assertMatchesRegularExpression( '/^[2-9a-hjkmnp-zA-HJ-NP-Z]{23}$/', $password );
		$this->assertStatusGood( $user->checkPasswordValidity( $password ) );
		$stored = $this->getServiceContainer()->getPasswordFactory()
			->newFromCiphertext( $this->storedTemporaryPassword( $user ) );
		$this->assertTrue( $stored->verify( $password ), 'the mailed password is the stored one' );
	}

	public function testEachResetMakesANewPassword(): void {
		$user = $this->userWithMail();
		$reset = $this->getServiceContainer()->getPasswordReset();
		$performer = $this->getTestSysop()->getUser();
		$reset->execute( $performer, $user->getName() );
		$this->runResets();
		$reset->execute( $performer, $user->getName() );
		$this->runResets();
		$this->assertCount( 2, $this->mails );
		$first = $this->mailedPassword( $this->mails[0] );
		$second = $this->mailedPassword( $this->mails[1] );
		$this->assertNotSame( $first, $second );
		$stored = $this->getServiceContainer()->getPasswordFactory()
			->newFromCiphertext( $this->storedTemporaryPassword( $user ) );
		$this->assertTrue( $stored->verify( $second ) );
		$this->assertFalse( $stored->verify( $first ) );
	}

	public function testResendThrottleStillApplies(): void {
		$this->overrideConfigValue( 'PasswordReminderResendTime', 24 );
		$user = $this->userWithMail();
		$reset = $this->getServiceContainer()->getPasswordReset();
		$performer = $this->getTestSysop()->getUser();
		$reset->execute( $performer, $user->getName() );
		$this->runResets();
		$stored = $this->storedTemporaryPassword( $user );
		$this->assertStatusGood( $reset->execute( $performer, $user->getName() ) );
		$this->runResets();
		$this->assertCount( 1, $this->mails, 'the second reset is throttled silently' );
		$this->assertSame( $stored, $this->storedTemporaryPassword( $user ) );
	}

	public function testMailTransformHooksStillRun(): void {
		$this->setTemporaryHook( 'UserMailerTransformContent', static function ( $to, $from, &$body, &$error ) {
			if ( is_array( $body ) ) {
				$body['text'] .= "\nTransformed by a hook";
			} else {
				$body .= "\nTransformed by a hook";
			}
			return true;
		} );
		$user = $this->userWithMail();
		$this->getServiceContainer()->getPasswordReset()->execute( $this->getTestSysop()->getUser(), $user->getName() );
		$this->runResets();
		$this->assertCount( 1, $this->mails );
		$this->assertStringEndsWith( 'Transformed by a hook', $this->mails[0] );
	}

	public function testThePasswordCheckedIsTheOneStored(): void {
		$user = $this->userWithMail( [ 'sysop' ] );
		$req = TemporaryPasswordAuthenticationRequest::newRandom();
		$corePassword = $req->password;
		$req->username = $user->getName();
		$req->mailpassword = true;
		$req->caller = '127.0.0.1';
		$manager = $this->getServiceContainer()->getAuthManager();

		$this->assertStatusGood( $manager->allowsAuthenticationDataChange( $req, true ) );
		$checked = $req->password;
		$this->assertNotSame( $corePassword, $checked, "core's password is replaced" );
		$this->assertSame( 23, strlen( $checked ) );

		$manager->changeAuthenticationData( $req );
		$this->assertSame( $checked, $req->password, 'not replaced a second time' );
		$stored = $this->getServiceContainer()->getPasswordFactory()
			->newFromCiphertext( $this->storedTemporaryPassword( $user ) );
		$this->assertTrue( $stored->verify( $checked ) );
		$this->assertCount( 1, $this->mails );
		$this->assertSame( $checked, $this->mailedPassword( $this->mails[0] ) );
	}

	public function testRemovalStillInvalidates(): void {
		$user = $this->userWithMail();
		$this->getServiceContainer()->getPasswordReset()->execute( $this->getTestSysop()->getUser(), $user->getName() );
		$this->runResets();
		$password = $this->mailedPassword( $this->mails[0] );

		$remove = new TemporaryPasswordAuthenticationRequest();
		$remove->action = AuthManager::ACTION_REMOVE;
		$remove->username = $user->getName();
		$this->provider()->providerChangeAuthenticationData( $remove );
		$stored = $this->getServiceContainer()->getPasswordFactory()
			->newFromCiphertext( $this->storedTemporaryPassword( $user ) );
		$this->assertFalse( $stored->verify( $password ) );
		$this->assertNull( $remove->password );
	}

	public function testAccountCreatedByMailGetsAStoredPasswordMadeForIt(): void {
		$creator = $this->getTestSysop()->getUser();
		$user = $this->getServiceContainer()->getUserFactory()->newFromName( 'NativeTempPassNewUser' );
		$user->setEmail( 'new@example.org' );
		$req = TemporaryPasswordAuthenticationRequest::newRandom();
		$req->username = $user->getName();
		$req->mailpassword = true;
		$provider = $this->provider();

		$this->assertStatusGood( $provider->testForAccountCreation( $user, $creator, [ $req ] ) );
		$password = $req->password;
		$this->assertSame( 23, strlen( $password ) );
		$response = $provider->beginPrimaryAccountCreation( $user, $creator, [ $req ] );
		$this->assertSame( 'PASS', $response->status );

		$user->addToDatabase();
		$this->assertSame( 'byemail', $provider->finishAccountCreation( $user, $creator, $response ) );
		$this->assertSame( $password, $response->createRequest->password );
		$stored = $this->getServiceContainer()->getPasswordFactory()
			->newFromCiphertext( $this->storedTemporaryPassword( $user ) );
		$this->assertTrue( $stored->verify( $password ) );
		$this->assertCount( 1, $this->mails );
		$this->assertStringContainsString( $password, $this->mails[0] );
	}

	public function testOtherRequestsAreLeftAlone(): void {
		$req = $this->getMockBuilder( AuthenticationRequest::class )->getMockForAbstractClass();
		$req->username = $this->getTestUser()->getUser()->getName();
		$this->assertSame( 'ignored', $this->provider()->providerAllowsAuthenticationDataChange( $req )->getValue() );
		$empty = new TemporaryPasswordAuthenticationRequest();
		$empty->username = $req->username;
		$this->provider()->providerAllowsAuthenticationDataChange( $empty );
		$this->assertNull( $empty->password, 'a request without a password gets none' );
	}
}
