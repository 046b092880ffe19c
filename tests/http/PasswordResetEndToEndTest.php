<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Http;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ApiClient;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;
use PHPUnit\Framework\TestCase;

/**
 * A password reset end to end, through action=resetpassword and through Special:PasswordReset:
 * the mail reaches the SMTP sink through MediaWiki's mailer and every hook of the path, its
 * temporary password logs in through action=clientlogin, and MediaWiki makes the user choose a
 * new password.
 *
 * Run with the extension on PHP's built-in server and on nginx + php-fpm, and on core as the
 * reference. With the extension every request queues a job whatever its target (nothing is
 * mailed until a job runner runs it: the tests run core's runJobs.php, as a job runner would);
 * core resets in the request.
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

	/** The extension's job (PasswordResetJob::TYPE) */
	private const JOB = 'nativePasswordPolicyReset';

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

	public static function provideExtensionWikis(): array {
		return array_filter( self::provideWikis(), static fn ( $name ) => str_starts_with( $name, 'extension' ), ARRAY_FILTER_USE_KEY );
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

		$wiki->runJobs();
		$mails = $wiki->waitForMails( 1 );
		$this->assertCount( 1, $mails );
		$mail = $mails[0];
		$this->assertStringContainsString( 'dora@example.org', $mail->to() );
		$this->assertSame( 'Account details on TestWiki', $mail->subject() );
		$this->assertStringContainsString( 'from IP address 127.0.0.1', $mail->body, 'the requester\'s address' );
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
		$wiki->runJobs();
		$mail = $wiki->waitForMails( 1 )[0];
		$this->assertStringContainsString( 'erin@example.org', $mail->to() );
		$login = $wiki->client()->clientLogin( 'Erin', (string)$mail->temporaryPassword() );
		$this->assertSame( 'UI', $login['clientlogin']['status'], json_encode( $login ) );
	}

	/**
	 * Whoever is asked for, the answer is the same, and only a real account with an address
	 * gets mail; with the extension, each request queued one job and nothing was mailed before
	 * the job ran.
	 *
	 * @dataProvider provideWikis
	 */
	public function testSameAnswerForEveryTarget( string $wikiName ): void {
		$wiki = self::wiki( $wikiName );
		$wiki->createUsers( [
			[ 'name' => 'Frank', 'email' => 'frank@example.org' ],
			[ 'name' => 'Nomail' ],
		] );
		$wiki->runJobs();
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
		if ( $wiki->hasExtension() ) {
			$this->settle( $wiki );
			$this->assertSame( 4, $wiki->queuedJobs( self::JOB ), 'one job per request' );
			$this->assertSame( [], $wiki->mails(), 'nothing mailed before the job runner runs' );
		}
		$wiki->runJobs();
		$mails = $wiki->waitForMails( 1 );
		usleep( 500_000 );
		$this->assertCount( 1, $wiki->mails() );
		$this->assertStringContainsString( 'frank@example.org', $mails[0]->to() );
	}

	/**
	 * Special:PasswordReset, the form, answers every target with the same page, and the mail of
	 * a real account arrives, by name and by address.
	 *
	 * @dataProvider provideWikis
	 */
	public function testTheFormGivesOnePageForEveryTarget( string $wikiName ): void {
		$wiki = self::wiki( $wikiName );
		$wiki->createUsers( [
			[ 'name' => 'Gina', 'password' => 'Gina-Original-2026', 'email' => 'gina@example.org' ],
			[ 'name' => 'Gina Nomail' ],
		] );
		$wiki->runJobs();
		$wiki->clearMails();
		$this->clearHookLog( $wiki );
		$pages = [];
		foreach ( [
			'real, by name' => [ 'Gina', null ],
			'no address' => [ 'Gina Nomail', null ],
			'unknown name' => [ 'Nobody at all', null ],
			'real, by address' => [ null, 'gina@example.org' ],
			'unknown address' => [ null, 'nobody@example.org' ],
		] as $label => [ $user, $email ] ) {
			$pages[$label] = $this->resetThroughTheForm( $wiki, $user, $email );
		}
		$byName = array_slice( $pages, 0, 3 );
		$this->assertSame( array_fill_keys( array_keys( $byName ), reset( $byName ) ), $byName );
		$this->assertSame( $pages['real, by address'], $pages['unknown address'] );
		$this->assertStringContainsString( 'You have requested a password reset.', $pages['real, by name'] );
		if ( $wiki->hasExtension() ) {
			$this->settle( $wiki );
			$this->assertSame( 5, $wiki->queuedJobs( self::JOB ), 'one job per request' );
			$this->assertSame( [], $wiki->mails() );
			$this->assertSame( [], $this->hookLog( $wiki ), 'nothing looked up in the requests' );
		}

		$wiki->runJobs();
		$mails = $wiki->waitForMails( 2 );
		usleep( 500_000 );
		$this->assertCount( 2, $wiki->mails(), 'one mail by name, one by address' );
		foreach ( $mails as $mail ) {
			$this->assertStringContainsString( 'gina@example.org', $mail->to() );
		}
		$this->assertContains( 'SpecialPasswordResetOnSubmit', $this->hookLog( $wiki ) );
		$login = $wiki->client()->clientLogin( 'Gina', (string)end( $mails )->temporaryPassword() );
		$this->assertSame( 'UI', $login['clientlogin']['status'], json_encode( $login ) );
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
		$wiki->runJobs();
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
		// The job runner of a wiki whose settings are those of the requests.
		$wiki->runJobs( [], [ 'NPP_VARIANT' => 'throttled' ] );
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
		$wiki->runJobs( [], [ 'NPP_VARIANT' => 'ratelimit-one' ] );
		$mails = $wiki->waitForMails( 2 );
		usleep( 800_000 );
		$this->assertCount( 2, $wiki->mails(), 'one mail for Grace, one for Heidi, none for Ivan' );
		$this->assertStringContainsString( 'heidi@example.org', $mails[1]->to() );
	}

	/**
	 * With $wgJobRunRate above 0 (MediaWiki's default), the reset's job runs at the end of a
	 * web request (a page view: the API runs none), so the mail still comes without a job
	 * runner; and the wiki says that this puts the reset's cost back into web requests.
	 */
	public function testAJobRunRateAboveZeroWorksAndIsReported(): void {
		$wiki = self::wiki( 'extension-builtin' );
		$wiki->createUsers( [ [ 'name' => 'Judy', 'email' => 'judy@example.org' ] ] );
		$wiki->runJobs();
		$wiki->clearMails();
		$client = $wiki->client();
		$client->setHeader( WikiPair::VARIANT_HEADER, 'jobrunrate' );
		$this->assertSame(
			[ 'resetpassword' => [ 'status' => 'success' ] ],
			$client->post( [ 'action' => 'resetpassword', 'user' => 'Judy', 'token' => '+\\' ] )
		);
		$this->assertSame( 1, $wiki->queuedJobs( self::JOB ) );
		// A page view runs a job after its answer (post-send).
		$pages = new ApiClient( $wiki->url() . '/index.php' );
		$pages->setHeader( WikiPair::VARIANT_HEADER, 'jobrunrate' );
		$mails = [];
		for ( $i = 0; $i < 10 && !$mails; $i++ ) {
			$this->assertSame( 200, $pages->request( 'GET', [], [ 'title' => 'Main_Page' ] )['status'] );
			usleep( 200_000 );
			$mails = $wiki->mails();
		}
		$this->assertCount( 1, $mails, 'mailed by a job run in a web request' );
		$this->assertSame( 0, $wiki->queuedJobs( self::JOB ) );

		$page = html_entity_decode( strip_tags( $pages->request( 'GET', [], [ 'title' => 'Special:Version' ] )['body'] ) );
		$this->assertStringContainsString( 'Password resets are queued as jobs, but $wgJobRunRate is 1', $page );
		$this->assertStringContainsString( 'Set $wgJobRunRate = 0; in LocalSettings.php and run job runners', $page );
		$this->assertStringContainsString( '$wgJobRunRate is 1: jobs, password resets among them, run at the end of web requests',
			$wiki->log( 'nativepasswordpolicy.log' ) );
		[ , , $stderr ] = $wiki->php( [ $wiki->coreScript( 'version.php' ) ], null, [ 'NPP_VARIANT' => 'jobrunrate' ] );
		$this->assertStringContainsString( 'NativePasswordPolicy: $wgJobRunRate is 1:', $stderr, 'maintenance scripts say it too' );
	}

	/**
	 * Sends Special:PasswordReset's form as an anonymous user (a new session) and returns the
	 * page's content, the target it echoes replaced by TARGET.
	 */
	private function resetThroughTheForm( ThrowawayWiki $wiki, ?string $user, ?string $email ): string {
		$client = new ApiClient( $wiki->url() . '/index.php' );
		$form = $client->request( 'GET', [], [ 'title' => 'Special:PasswordReset' ] );
		$this->assertSame( 200, $form['status'] );
		$this->assertStringContainsString( 'name="wpEditToken"', $form['body'] );
		$fields = [ 'title' => 'Special:PasswordReset', 'wpEditToken' => '+\\' ];
		if ( $user !== null ) {
			$fields['wpUsername'] = $user;
		}
		if ( $email !== null ) {
			$fields['wpEmail'] = $email;
		}
		$response = $client->request( 'POST', $fields );
		$this->assertSame( 200, $response['status'], substr( $response['body'], 0, 2000 ) );
		$this->assertSame( 1, preg_match( '~<div id="mw-content-text".*?<div class="printfooter"~s', $response['body'], $content ),
			substr( $response['body'], 0, 2000 ) );
		$this->assertStringNotContainsString( 'class="error"', $content[0], 'no error for any target' );
		return str_replace( htmlspecialchars( (string)( $user ?? $email ) ), 'TARGET', $content[0] );
	}

	/** Waits for the fpm server's post-send work (the built-in server has none left by now). */
	private function settle( ThrowawayWiki $wiki ): void {
		if ( $wiki->server() === 'fpm' ) {
			$wiki->waitUntilIdle();
		}
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
			// A variant per request (header), or for a command line (NPP_VARIANT): a job
			// runner sees the settings the request saw.
			$settings = [
				'$wgRateLimits["mailpassword"] = [];',
				'$wgPasswordReminderResendTime = 0;',
				'switch ( $_SERVER["HTTP_X_NPP_VARIANT"] ?? getenv( "NPP_VARIANT" ) ?: "" ) {',
				'	case "throttled": $wgPasswordReminderResendTime = 24; break;',
				'	case "ratelimit-one": $wgRateLimits["mailpassword"] = [ "ip" => [ 1, 3600 ] ]; break;',
				'	case "jobrunrate": $wgJobRunRate = 1; break;',
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
		return array_values( array_filter( explode( "\n", $wiki->log( 'hooks.log' ) ) ) );
	}

	private function clearHookLog( ThrowawayWiki $wiki ): void {
		@unlink( $wiki->dir() . '/logs/hooks.log' );
	}
}
