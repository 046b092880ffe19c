<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Http;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;
use PHPUnit\Framework\TestCase;

/**
 * A password reset through action=resetpassword, end to end: the mail reaches the SMTP sink
 * through MediaWiki's mailer and every hook of the path, its temporary password logs in
 * through action=clientlogin, and MediaWiki makes the user choose a new password.
 *
 * Run with the extension on PHP's built-in server and on nginx + php-fpm (the reset runs after
 * the response: both must still do it), and on core as the reference.
 *
 * @coversNothing
 */
class PasswordResetEndToEndTest extends TestCase {

	/** Hooks of the reset path, each logged to logs/hooks.log by the wiki's settings. */
	private const HOOKS = [
		'SpecialPasswordResetOnSubmit',
		'User::mailPasswordInternal',
		'UserMailerTransformContent',
		'UserMailerChangeReturnPath',
		'UserMailerTransformMessage',
		'AlternateUserMailer',
	];

	private const PASSWORD = 'Dora-Original-2026';

	/** @var array<string,ThrowawayWiki> */
	private static array $wikis = [];

	public static function tearDownAfterClass(): void {
		foreach ( self::$wikis as $wiki ) {
			$wiki->stop();
		}
		self::$wikis = [];
	}

	public static function provideWikis(): array {
		$wikis = [
			'extension, built-in server' => [ 'extension-builtin' ],
			'core, built-in server' => [ 'core-builtin' ],
		];
		if ( ApiModulesDifferentialTest::server() === 'fpm' ) {
			$wikis['extension, nginx + php-fpm'] = [ 'extension-fpm' ];
		}
		return $wikis;
	}

	/**
	 * @dataProvider provideWikis
	 */
	public function testResetMailLogsInAndForcesANewPassword( string $wikiName ): void {
		$wiki = self::wiki( $wikiName );
		$wiki->createUsers( [ [ 'name' => 'Dora', 'password' => self::PASSWORD, 'email' => 'dora@example.org' ] ] );
		$wiki->clearMails();
		$this->clearHookLog( $wiki );

		$answer = $wiki->client()->post( [ 'action' => 'resetpassword', 'user' => 'Dora', 'token' => '+\\' ] );
		$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ], $answer );

		$mails = $wiki->waitForMails( 1 );
		$this->assertCount( 1, $mails );
		$mail = $mails[0];
		$this->assertStringContainsString( 'dora@example.org', $mail->to() );
		$this->assertSame( 'Account details on TestWiki', $mail->subject() );
		$temporary = $mail->temporaryPassword();
		$this->assertNotNull( $temporary, "No temporary password in:\n" . $mail->body );
		$this->assertNotSame( self::PASSWORD, $temporary );
		foreach ( self::HOOKS as $hook ) {
			$this->assertContains( $hook, $this->hookLog( $wiki ), "hook $hook ran" );
		}

		// The temporary password logs in, and MediaWiki asks for a new one.
		$client = $wiki->client();
		$login = $client->clientLogin( 'Dora', $temporary );
		$this->assertSame( 'UI', $login['clientlogin']['status'], json_encode( $login ) );
		$this->assertSame( 'resetpass-temp-emailed', $login['clientlogin']['messagecode'] );
		$this->assertArrayHasKey( 'password', $login['clientlogin']['requests'][0]['fields'] ?? [], json_encode( $login ) );
		$this->assertArrayHasKey( 'retype', $login['clientlogin']['requests'][0]['fields'] );

		$newPassword = 'Dora-Chosen-After-Reset-2026';
		$continued = $client->post( [
			'action' => 'clientlogin',
			'logincontinue' => 1,
			'password' => $newPassword,
			'retype' => $newPassword,
			'logintoken' => $client->token( 'login' ),
		] );
		$this->assertSame( 'PASS', $continued['clientlogin']['status'], json_encode( $continued ) );
		$this->assertSame( 'Dora', $continued['clientlogin']['username'] );

		// The new password is the password now; the temporary one is spent.
		$this->assertSame( 'PASS', $wiki->client()->clientLogin( 'Dora', $newPassword )['clientlogin']['status'] );
		$this->assertSame( 'FAIL', $wiki->client()->clientLogin( 'Dora', $temporary )['clientlogin']['status'] );
	}

	/**
	 * @dataProvider provideWikis
	 */
	public function testResetByAddress( string $wikiName ): void {
		$wiki = self::wiki( $wikiName );
		$wiki->createUsers( [ [ 'name' => 'Erin', 'email' => 'erin@example.org' ] ] );
		$wiki->clearMails();

		$answer = $wiki->client()->post( [ 'action' => 'resetpassword', 'email' => 'erin@example.org', 'token' => '+\\' ] );
		$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ], $answer );
		$mail = $wiki->waitForMails( 1 )[0];
		$this->assertStringContainsString( 'erin@example.org', $mail->to() );
		$login = $wiki->client()->clientLogin( 'Erin', (string)$mail->temporaryPassword() );
		$this->assertSame( 'UI', $login['clientlogin']['status'], json_encode( $login ) );
	}

	/**
	 * Whoever is asked for, the answer is the same, and only a real account with an address
	 * gets mail.
	 *
	 * @dataProvider provideWikis
	 */
	public function testSameAnswerForEveryTarget( string $wikiName ): void {
		$wiki = self::wiki( $wikiName );
		$wiki->createUsers( [
			[ 'name' => 'Frank', 'email' => 'frank@example.org' ],
			[ 'name' => 'Nomail' ],
		] );
		$wiki->clearMails();
		$bodies = [];
		foreach ( [
			[ 'user' => 'Frank' ],
			[ 'user' => 'Nomail' ],
			[ 'user' => 'Nobody at all' ],
			[ 'email' => 'nobody@example.org' ],
		] as $target ) {
			$response = $wiki->client()->request( 'POST', $target + [
				'action' => 'resetpassword', 'token' => '+\\', 'format' => 'json',
			] );
			$bodies[] = $response['status'] . ' ' . $response['body'];
		}
		$this->assertSame( array_fill( 0, 4, '200 {"resetpassword":{"status":"success"}}' ), $bodies );
		$mails = $wiki->waitForMails( 1 );
		usleep( 500_000 );
		$this->assertCount( 1, $wiki->mails() );
		$this->assertStringContainsString( 'frank@example.org', $mails[0]->to() );
	}

	public static function provideExtensionWikis(): array {
		return array_filter( self::provideWikis(), static fn ( $name ) => str_starts_with( $name, 'extension' ), ARRAY_FILTER_USE_KEY );
	}

	/**
	 * The resend throttle ($wgPasswordReminderResendTime) and the mailpassword rate limit hold,
	 * also for requests sent back to back: answered "success", nothing sent.
	 *
	 * Not run on core: 1.39 checks the throttle in the request and records it after the
	 * response, so a second request sent at once passes it too (two mails on nginx + php-fpm).
	 *
	 * @dataProvider provideExtensionWikis
	 */
	public function testThrottleAndRateLimitSendNothing( string $wikiName ): void {
		$wiki = self::wiki( $wikiName );
		$wiki->createUsers( [
			[ 'name' => 'Grace', 'email' => 'grace@example.org' ],
			[ 'name' => 'Heidi', 'email' => 'heidi@example.org' ],
			[ 'name' => 'Ivan', 'email' => 'ivan@example.org' ],
		] );
		$wiki->clearMails();

		$throttled = $wiki->client();
		$throttled->setHeader( WikiPair::VARIANT_HEADER, 'throttled' );
		foreach ( [ 1, 2 ] as $attempt ) {
			$this->assertSame(
				[ 'resetpassword' => [ 'status' => 'success' ] ],
				$throttled->post( [ 'action' => 'resetpassword', 'user' => 'Grace', 'token' => '+\\' ] ),
				"attempt $attempt"
			);
		}
		$this->assertCount( 1, $wiki->waitForMails( 1 ) );

		$limited = $wiki->client();
		$limited->setHeader( WikiPair::VARIANT_HEADER, 'ratelimit-one' );
		foreach ( [ 'Heidi', 'Ivan' ] as $user ) {
			$this->assertSame(
				[ 'resetpassword' => [ 'status' => 'success' ] ],
				$limited->post( [ 'action' => 'resetpassword', 'user' => $user, 'token' => '+\\' ] ),
				$user
			);
		}
		$mails = $wiki->waitForMails( 2 );
		usleep( 800_000 );
		$this->assertCount( 2, $wiki->mails(), 'one mail for Grace, one for Heidi, none for Ivan' );
		$this->assertStringContainsString( 'heidi@example.org', $mails[1]->to() );
	}

	private static function wiki( string $name ): ThrowawayWiki {
		if ( !isset( self::$wikis[$name] ) ) {
			[ $variant, $server ] = explode( '-', $name );
			// LocalSettings.php lives in the wiki's directory.
			$log = static function ( string $hook ): string {
				return '$wgHooks[' . var_export( $hook, true ) . '][] = static function () {'
					. ' file_put_contents( __DIR__ . "/logs/hooks.log", '
					. var_export( $hook, true ) . ' . "\n", FILE_APPEND ); };';
			};
			$settings = [
				'$wgRateLimits["mailpassword"] = [];',
				'$wgPasswordReminderResendTime = 0;',
				'switch ( $_SERVER["HTTP_X_NPP_VARIANT"] ?? "" ) {',
				'	case "throttled": $wgPasswordReminderResendTime = 24; break;',
				'	case "ratelimit-one": $wgRateLimits["mailpassword"] = [ "ip" => [ 1, 3600 ] ]; break;',
				'}',
			];
			foreach ( self::HOOKS as $hook ) {
				$settings[] = $log( $hook );
			}
			self::$wikis[$name] = ThrowawayWiki::start( [
				'extension' => $variant === 'extension',
				'server' => $server,
				'settings' => implode( "\n", $settings ),
			] );
		}
		return self::$wikis[$name];
	}

	/** @return string[] Hooks run since the log was cleared */
	private function hookLog( ThrowawayWiki $wiki ): array {
		return array_filter( explode( "\n", $wiki->log( 'hooks.log' ) ) );
	}

	private function clearHookLog( ThrowawayWiki $wiki ): void {
		@unlink( $wiki->dir() . '/logs/hooks.log' );
	}
}
