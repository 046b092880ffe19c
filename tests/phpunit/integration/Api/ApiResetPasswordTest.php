<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration\Api;

use MediaWiki\Api\ApiMain;
use MediaWiki\Api\ApiUsageException;
use MediaWiki\Block\DatabaseBlock;
use MediaWiki\Deferred\DeferredUpdates;
use MediaWiki\Extension\NativePasswordPolicy\Api\ApiResetPassword;
use MediaWiki\MainConfigNames;
use MediaWiki\Tests\Api\ApiTestCase;
use MediaWiki\User\User;
use Wikimedia\TestingAccessWrapper;

/**
 * action=resetpassword as the API documentation describes it, run against the extension's
 * module and, with $wgNativePasswordPolicyApiModules off, against core's. Either asks the
 * PasswordReset service, which queues the reset (QueuedPasswordReset), and the job does it.
 * Both must give the same answers and send the same mail once the jobs ran, except where the
 * documentation and core 1.39 differ on malformed requests (asserted explicitly). A veto of
 * the SpecialPasswordResetOnSubmit hook comes in the job, after the answer: neither module can
 * report it without telling whether the account exists.
 *
 * @group API
 * @group Database
 * @group medium
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Api\ApiResetPassword
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Reset\QueuedPasswordReset
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Reset\PasswordResetJob
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Reset\ResetRequestChecks
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Hooks\ApiModuleHandler
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Hooks\RateLimitHandler
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Reset\ResetAttemptCounter
 */
class ApiResetPasswordTest extends ApiTestCase {

	/** @var array[] Mail sent: to, subject, body */
	private array $mails = [];

	protected function setUp(): void {
		parent::setUp();
		$this->overrideConfigValues( [
			MainConfigNames::EnableEmail => true,
			MainConfigNames::PasswordResetRoutes => [ 'username' => true, 'email' => true ],
			MainConfigNames::PasswordReminderResendTime => 0,
			MainConfigNames::RateLimits => [ 'mailpassword' => [] ],
		] );
		$this->setTemporaryHook( 'AlternateUserMailer', function ( $headers, $to, $from, $subject, $body ) {
			$this->mails[] = [ 'to' => $to[0]->address, 'subject' => $subject, 'body' => $body ];
			return false;
		} );
	}

	public static function provideImplementations(): array {
		return [ 'extension' => [ true ], 'core' => [ false ] ];
	}

	private function useImplementation( bool $extension ): void {
		$this->overrideConfigValue( 'NativePasswordPolicyApiModules', $extension );
	}

	/**
	 * Sends the request as an anonymous user (or $performer) with a CSRF token, then runs what
	 * was deferred to after the response and the jobs queued, as the job runner would.
	 */
	private function reset( array $params, ?User $performer = null ): array {
		$performer ??= $this->getServiceContainer()->getUserFactory()->newAnonymous( '127.0.0.1' );
		try {
			[ $result ] = $this->doApiRequestWithToken( [ 'action' => 'resetpassword' ] + $params, null, $performer );
		} finally {
			DeferredUpdates::doUpdates();
			$this->runJobs( [ 'minJobs' => 0 ] );
		}
		return $result;
	}

	private function assertApiError( string $code, callable $request ): void {
		try {
			$request();
		} catch ( ApiUsageException $e ) {
			$this->assertTrue( self::apiExceptionHasCode( $e, $code ), "expected $code, got: " . $e->getMessage() );
			return;
		}
		$this->fail( "expected the error $code" );
	}

	/**
	 * A new account with an address of its own (accounts of earlier tests stay in the database).
	 */
	private function userWithAddress( bool $confirmed = true ): User {
		$user = $this->getMutableTestUser()->getUser();
		$user->setEmail( 'reset-' . $user->getId() . '-' . bin2hex( random_bytes( 4 ) ) . '@example.org' );
		if ( $confirmed ) {
			$user->confirmEmail();
		}
		$user->saveSettings();
		return $user;
	}

	/**
	 * The mail's temporary password is the one AuthManager stored.
	 */
	private function assertResetMailFor( User $user, array $mail ): void {
		$this->assertSame( $user->getEmail(), $mail['to'] );
		$this->assertMatchesRegularExpression( '/Temporary password:\s*(\S+)/', $mail['body'] );
		preg_match( '/Temporary password:\s*(\S+)/', $mail['body'], $match );
		// The test database ($this->db is deprecated in 1.43, getDb() not in 1.39)
		$db = $this->getServiceContainer()->getDBLoadBalancer()->getConnection( DB_PRIMARY );
		$stored = $db->selectField( 'user', 'user_newpassword', [ 'user_id' => $user->getId() ], __METHOD__ );
		$this->assertTrue(
			$this->getServiceContainer()->getPasswordFactory()->newFromCiphertext( $stored )->verify( $match[1] ),
			'the mailed password is the stored temporary password'
		);
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testTheSwitchPicksTheModule( bool $extension ): void {
		$this->useImplementation( $extension );
		[ , , , $main ] = $this->doApiRequest( [ 'action' => 'resetpassword', 'user' => 'Nobody' ], null, true, null, 'csrf' );
		$this->assertSame(
			// Core's class as core's module map spells it (global in 1.39, namespaced in 1.43)
			$extension ? ApiResetPassword::class
				: TestingAccessWrapper::constant( ApiMain::class, 'MODULES' )['resetpassword']['class'],
			$main->getModuleManager()->getClassName( 'resetpassword' )
		);
	}

	/**
	 * POST only, read and write rights, a CSRF token.
	 *
	 * @dataProvider provideImplementations
	 */
	public function testModuleFlags( bool $extension ): void {
		$this->useImplementation( $extension );
		[ , , , $main ] = $this->doApiRequest( [ 'action' => 'resetpassword', 'user' => 'Nobody' ], null, true, null, 'csrf' );
		$module = $main->getModuleManager()->getModule( 'resetpassword' );
		$this->assertTrue( $module->mustBePosted() );
		$this->assertTrue( $module->isReadMode() );
		$this->assertTrue( $module->isWriteMode() );
		$this->assertSame( 'csrf', $module->needsToken() );
		$this->assertSame( [ 'user', 'email' ], array_keys( $module->getAllowedParams() ) );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testResetByNameAndByAddress( bool $extension ): void {
		$this->useImplementation( $extension );
		$user = $this->userWithAddress();

		$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ], $this->reset( [ 'user' => $user->getName() ] ) );
		$this->assertCount( 1, $this->mails );
		$this->assertResetMailFor( $user, $this->mails[0] );

		$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ], $this->reset( [ 'email' => $user->getEmail() ] ) );
		$this->assertCount( 2, $this->mails );
		$this->assertResetMailFor( $user, $this->mails[1] );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testSameAnswerWhateverTheTarget( bool $extension ): void {
		$this->useImplementation( $extension );
		$withoutAddress = $this->getMutableTestUser()->getUser();
		$withoutAddress->setEmail( '' );
		$withoutAddress->saveSettings();
		$unconfirmed = $this->userWithAddress( false );
		foreach ( [
			[ 'user' => 'Nobody by that name' ],
			[ 'email' => 'nobody@example.org' ],
			[ 'user' => $withoutAddress->getName() ],
		] as $params ) {
			$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ], $this->reset( $params ), json_encode( $params ) );
		}
		$this->assertSame( [], $this->mails );
		// Core 1.39 mails an unconfirmed address too.
		$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ], $this->reset( [ 'user' => $unconfirmed->getName() ] ) );
		$this->assertCount( 1, $this->mails );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testUserAndEmailTogether( bool $extension ): void {
		$this->useImplementation( $extension );
		$user = $this->userWithAddress();
		$params = [ 'user' => $user->getName(), 'email' => $user->getEmail() ];
		if ( $extension ) {
			// Documented: the parameters cannot be used together.
			$this->assertApiError( 'invalidparammix', fn () => $this->reset( $params ) );
			$this->assertSame( [], $this->mails );
		} else {
			// Core 1.39 takes the name.
			$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ], $this->reset( $params ) );
			$this->assertCount( 1, $this->mails );
		}
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testNeitherUserNorEmail( bool $extension ): void {
		$this->useImplementation( $extension );
		// Documented: one of the parameters is required; core 1.39 lets PasswordReset answer.
		$this->assertApiError( $extension ? 'missingparam' : 'passwordreset-nodata', fn () => $this->reset( [] ) );
		// An empty value does reach PasswordReset, in both.
		$this->assertApiError( 'passwordreset-nodata', fn () => $this->reset( [ 'email' => '' ] ) );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testMalformedAddress( bool $extension ): void {
		$this->useImplementation( $extension );
		if ( $extension || $this->coreRefusesMalformedAddresses() ) {
			// Documented; core's PasswordReset answers so itself in 1.43.
			$this->assertApiError( 'passwordreset-invalidemail', fn () => $this->reset( [ 'email' => 'not-an-address' ] ) );
		} else {
			// Core 1.39 pretends it is fine.
			$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ], $this->reset( [ 'email' => 'not-an-address' ] ) );
		}
		$this->assertSame( [], $this->mails );
	}

	/**
	 * Whether the installed core's PasswordReset::execute() refuses a malformed address (1.43)
	 * rather than pretending the reset went fine (1.39).
	 */
	private function coreRefusesMalformedAddresses(): bool {
		$services = $this->getServiceContainer();
		return $services->getPasswordReset()
			->execute( $services->getUserFactory()->newAnonymous( '127.0.0.1' ), null, 'not-an-address' )
			->hasMessage( 'passwordreset-invalidemail' );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testInvalidName( bool $extension ): void {
		$this->useImplementation( $extension );
		$this->assertApiError( 'baduser', fn () => $this->reset( [ 'user' => '' ] ) );
		$this->assertApiError( 'baduser', fn () => $this->reset( [ 'user' => '#1' ] ) );
		$this->assertApiError( 'baduser', fn () => $this->reset( [ 'user' => '127.0.0.1' ] ) );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testTokenIsRequired( bool $extension ): void {
		$this->useImplementation( $extension );
		$anon = $this->getServiceContainer()->getUserFactory()->newAnonymous( '127.0.0.1' );
		$this->assertApiError( 'missingparam', fn () => $this->doApiRequest( [ 'action' => 'resetpassword', 'user' => 'X' ], null, false, $anon ) );
		$this->assertApiError( 'badtoken', fn () => $this->doApiRequest(
			[ 'action' => 'resetpassword', 'user' => 'X', 'token' => 'bad' ], null, false, $anon
		) );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testEmailDisabled( bool $extension ): void {
		$this->useImplementation( $extension );
		$this->overrideConfigValue( MainConfigNames::EnableEmail, false );
		$this->assertApiError( 'passwordreset-emaildisabled', fn () => $this->reset( [ 'user' => 'Nobody' ] ) );
		// Checked before the parameters, as in core.
		$this->assertApiError( 'passwordreset-emaildisabled', fn () => $this->reset( [] ) );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testRoutes( bool $extension ): void {
		$this->useImplementation( $extension );
		$this->overrideConfigValue( MainConfigNames::PasswordResetRoutes, [ 'username' => false, 'email' => false ] );
		$this->assertApiError( 'moduledisabled', fn () => $this->reset( [ 'user' => 'Nobody' ] ) );

		$user = $this->userWithAddress();
		$this->overrideConfigValue( MainConfigNames::PasswordResetRoutes, [ 'username' => false, 'email' => true ] );
		$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ], $this->reset( [ 'email' => $user->getEmail() ] ) );
		$this->assertCount( 1, $this->mails );
		$this->assertResetMailFor( $user, $this->mails[0] );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testPerformerWithoutRight( bool $extension ): void {
		$this->useImplementation( $extension );
		$this->setGroupPermissions( '*', 'editmyprivateinfo', false );
		$this->assertApiError( 'badaccess', fn () => $this->reset( [ 'user' => 'Nobody' ] ) );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testBlockedPerformer( bool $extension ): void {
		$this->useImplementation( $extension );
		$performer = $this->getMutableTestUser()->getUser();
		$this->getServiceContainer()->getDatabaseBlockStore()->insertBlock( new DatabaseBlock( [
			'address' => $performer,
			'by' => $this->getTestSysop()->getUser(),
			'createAccount' => true,
		] ) );
		$this->assertApiError( 'blocked-mailpassword', fn () => $this->reset( [ 'user' => 'Nobody' ], $performer ) );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testRateLimitCountsEachRequestOnce( bool $extension ): void {
		$this->useImplementation( $extension );
		$this->overrideConfigValue( MainConfigNames::RateLimits, [ 'mailpassword' => [ 'ip' => [ 2, 3600 ] ] ] );
		$users = [
			$this->userWithAddress(),
			$this->userWithAddress(),
			$this->userWithAddress(),
		];
		foreach ( $users as $user ) {
			$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ], $this->reset( [ 'user' => $user->getName() ] ) );
		}
		$this->assertSame( [ $users[0]->getEmail(), $users[1]->getEmail() ], array_column( $this->mails, 'to' ) );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testResendThrottle( bool $extension ): void {
		$this->useImplementation( $extension );
		$this->overrideConfigValue( MainConfigNames::PasswordReminderResendTime, 24 );
		$user = $this->userWithAddress();
		foreach ( [ 1, 2 ] as $attempt ) {
			$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ], $this->reset( [ 'user' => $user->getName() ] ) );
		}
		$this->assertCount( 1, $this->mails );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testHooksOfTheResetPath( bool $extension ): void {
		$this->useImplementation( $extension );
		$ran = [];
		foreach ( [ 'SpecialPasswordResetOnSubmit', 'User::mailPasswordInternal', 'UserMailerTransformContent' ] as $hook ) {
			$this->setTemporaryHook( $hook, static function () use ( $hook, &$ran ) {
				$ran[] = $hook;
			}, false );
		}
		$user = $this->userWithAddress();
		$this->reset( [ 'user' => $user->getName() ] );
		$this->assertSame( [ 'SpecialPasswordResetOnSubmit', 'User::mailPasswordInternal', 'UserMailerTransformContent' ], $ran );
		$this->assertCount( 1, $this->mails );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testVetoOfSpecialPasswordResetOnSubmit( bool $extension ): void {
		$this->useImplementation( $extension );
		$this->setTemporaryHook( 'SpecialPasswordResetOnSubmit', static function ( &$users, $data, &$error ) {
			$error = 'captcha-veto';
			return false;
		} );
		$user = $this->userWithAddress();
		// The veto comes after the lookup, in the job: reporting it would tell that the account exists.
		$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ], $this->reset( [ 'user' => $user->getName() ] ) );
		$this->assertSame( [], $this->mails );
	}
}
