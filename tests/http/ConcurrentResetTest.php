<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Http;

use MediaWiki\Extension\NativePasswordPolicy\Benches\Load\LoadStack;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ApiClient;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\CaughtMail;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\StoredPassword;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;
use PDO;
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/../../benches/load/LoadStack.php';

/**
 * Password resets of one account sent all at once, on nginx + php-fpm (a static pool of several
 * workers, so the requests really run side by side), with the settings of the load run: no
 * mailpassword rate limit, core's resend throttle of 24 hours. The extension's queued resets
 * are then run by several job runners at once, so that they too run side by side.
 *
 * The extension must leave exactly what one reset leaves: one mail, one temporary password
 * (the mailed one, the only hash in user_newpassword, which logs in and forces a change), every
 * answer "success". Core 1.39 does not: it checks the resend throttle in the request and records
 * the reset after the response (SendPasswordResetEmailUpdate, post-send), so the requests that
 * run before the first reset is written all pass the throttle, and each sends a mail with its
 * own password. Only the last one written is valid; the others are dead on arrival. That is
 * asserted as core's behaviour, apart.
 *
 * @coversNothing
 */
class ConcurrentResetTest extends TestCase {

	/** Requests sent at once for one account */
	private const REQUESTS = 20;

	/** php-fpm workers: requests that run truly side by side */
	private const WORKERS = 4;

	/** Accounts each side may use: a reset leaves its account throttled for 24 hours */
	private const ATTEMPTS = 3;

	/** Job runners that run the extension's queued resets at once */
	private const RUNNERS = 4;

	/** @var array<string,ThrowawayWiki> */
	private static array $wikis = [];

	public static function tearDownAfterClass(): void {
		foreach ( self::$wikis as $wiki ) {
			$wiki->stop();
		}
		self::$wikis = [];
	}

	private static function wiki( string $label ): ThrowawayWiki {
		if ( !isset( self::$wikis[$label] ) ) {
			$wiki = ThrowawayWiki::start( [
				'extension' => $label === 'extension',
				'server' => 'fpm',
				'workers' => self::WORKERS,
				'settings' => LoadStack::SETTINGS,
			] );
			self::$wikis[$label] = $wiki;
			$accounts = [];
			for ( $n = 1; $n <= self::ATTEMPTS; $n++ ) {
				$accounts[] = [ 'name' => "Racer $n", 'password' => "Racer-Original-$n-2026", 'email' => "racer$n@example.org" ];
			}
			$wiki->createUsers( $accounts );
		}
		return self::$wikis[$label];
	}

	/**
	 * Sends REQUESTS resets of $user at once, each from its own anonymous client, and returns
	 * the mails sent once every worker is done with its post-send work.
	 *
	 * @param ThrowawayWiki $wiki
	 * @param string $user
	 * @param array[] $targets Targets the requests take in turn (default: user=$user)
	 * @return CaughtMail[]
	 */
	private function resetAtOnce( ThrowawayWiki $wiki, string $user, array $targets = [] ): array {
		$targets = $targets ?: [ [ 'user' => $user ] ];
		$wiki->waitUntilIdle();
		$wiki->clearMails();
		$requests = [];
		for ( $i = 0; $i < self::REQUESTS; $i++ ) {
			$requests[] = [ $wiki->client(), 'POST', $targets[$i % count( $targets )] + [
				'action' => 'resetpassword', 'token' => '+\\', 'format' => 'json',
			], [] ];
		}
		$answers = ApiClient::requestMany( $requests, self::REQUESTS );
		foreach ( $answers as $i => $answer ) {
			$this->assertSame( 200, $answer['status'], "request $i" );
			$this->assertSame( '{"resetpassword":{"status":"success"}}', $answer['body'], "request $i" );
		}
		// Core resets after the answers; a mail is in the sink before its worker goes on. The
		// extension queued the resets: several job runners at once run them.
		$wiki->waitUntilIdle();
		if ( $wiki->hasExtension() ) {
			$this->assertSame( '', $this->mailsSoFar( $wiki ), 'nothing mailed before the jobs run' );
			$wiki->runJobsConcurrently( self::RUNNERS );
		}
		return $wiki->mails();
	}

	private function mailsSoFar( ThrowawayWiki $wiki ): string {
		return implode( ', ', array_map( static fn ( CaughtMail $mail ) => $mail->to(), $wiki->mails() ) );
	}

	/** The hash of the account's temporary password (user_newpassword), or null. */
	private function temporaryPasswordHash( ThrowawayWiki $wiki, string $user ): ?string {
		$db = new PDO( 'sqlite:' . $wiki->dir() . '/db/wiki.sqlite' );
		$db->setAttribute( PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION );
		$query = $db->prepare( 'SELECT user_newpassword FROM user WHERE user_name = ?' );
		$query->execute( [ $user ] );
		$hash = $query->fetchColumn();
		return is_string( $hash ) && $hash !== '' ? $hash : null;
	}

	private function verifies( string $hash, string $password ): bool {
		return StoredPassword::verifies( $hash, $password );
	}

	/**
	 * The temporary password logs in through action=clientlogin, and MediaWiki asks for a new
	 * password before it gives the session.
	 */
	private function assertLogsInAndMustChange( ThrowawayWiki $wiki, string $user, string $password ): void {
		$login = $wiki->client()->clientLogin( $user, $password );
		$this->assertSame( 'UI', $login['clientlogin']['status'] ?? null, json_encode( $login ) );
		$this->assertSame( 'resetpass-temp-emailed', $login['clientlogin']['messagecode'] );
		$this->assertArrayHasKey( 'password', $login['clientlogin']['requests'][0]['fields'] ?? [] );
	}

	public function testExtensionSendsOneMailAndKeepsOneTemporaryPassword(): void {
		$wiki = self::wiki( 'extension' );
		$user = 'Racer 1';
		$mails = $this->resetAtOnce( $wiki, $user );

		$this->assertCount( 1, $mails, 'one mail for ' . self::REQUESTS . ' resets sent at once' );
		$this->assertStringContainsString( 'racer1@example.org', $mails[0]->to() );
		$mailed = $mails[0]->temporaryPassword();
		$this->assertIsString( $mailed, "a temporary password in:\n" . $mails[0]->body );

		$hash = $this->temporaryPasswordHash( $wiki, $user );
		$this->assertNotNull( $hash, 'user_newpassword holds the temporary password' );
		$this->assertTrue( $this->verifies( $hash, $mailed ), 'the stored temporary password is the mailed one' );
		$this->assertLogsInAndMustChange( $wiki, $user, $mailed );
		$this->assertSame( 'PASS', $wiki->client()->clientLogin( $user, 'Racer-Original-1-2026' )['clientlogin']['status'],
			'the password of the account is untouched' );

		// Later resets are throttled: still one mail, still the same temporary password.
		$this->assertCount( 0, $this->resetAtOnce( $wiki, $user ) );
		$this->assertSame( $hash, $this->temporaryPasswordHash( $wiki, $user ) );
	}

	/**
	 * The same account asked for by name, by a non-canonical spelling of the name and by
	 * address, all at once: still one reset (the load run found two mails here once).
	 */
	public function testExtensionSendsOneMailWhateverRouteTheRequestsTake(): void {
		$wiki = self::wiki( 'extension' );
		$user = 'Racer 2';
		$mails = $this->resetAtOnce( $wiki, $user, [
			[ 'user' => 'Racer 2' ],
			[ 'email' => 'racer2@example.org' ],
			[ 'user' => 'racer_2' ],
		] );

		$this->assertCount( 1, $mails, 'one mail for ' . self::REQUESTS . ' resets by name and by address at once' );
		$mailed = (string)$mails[0]->temporaryPassword();
		$hash = $this->temporaryPasswordHash( $wiki, $user );
		$this->assertNotNull( $hash );
		$this->assertTrue( $this->verifies( $hash, $mailed ), 'the stored temporary password is the mailed one' );
		$this->assertLogsInAndMustChange( $wiki, $user, $mailed );
	}

	/**
	 * Core 1.39's behaviour under the same requests: duplicate mails, of which only the last
	 * one written carries a valid password.
	 */
	public function testCoreSendsDuplicateMailsOfWhichOnlyOnePasswordIsValid(): void {
		$wiki = self::wiki( 'core' );
		$mailCounts = [];
		for ( $n = 1; $n <= self::ATTEMPTS; $n++ ) {
			$user = "Racer $n";
			$mails = $this->resetAtOnce( $wiki, $user );
			$mailCounts[] = count( $mails );
			$this->assertGreaterThanOrEqual( 1, count( $mails ), $user );
			$this->assertLessThanOrEqual( self::REQUESTS, count( $mails ), $user );

			$passwords = array_map( static fn ( CaughtMail $mail ) => (string)$mail->temporaryPassword(), $mails );
			$this->assertSame( $passwords, array_unique( $passwords ), 'each mail has a password of its own' );
			$hash = $this->temporaryPasswordHash( $wiki, $user );
			$this->assertNotNull( $hash );
			$valid = array_values( array_filter( $passwords, fn ( $password ) => $this->verifies( $hash, $password ) ) );
			$this->assertCount( 1, $valid, 'exactly one mailed password is the stored one' );
			$this->assertLogsInAndMustChange( $wiki, $user, $valid[0] );
			foreach ( array_diff( $passwords, $valid ) as $dead ) {
				$login = $wiki->client()->clientLogin( $user, $dead );
				$this->assertSame( 'FAIL', $login['clientlogin']['status'] ?? null, 'a mailed password that does not log in' );
			}
			if ( count( $mails ) > 1 ) {
				break;
			}
		}
		$this->assertGreaterThan( 1, max( $mailCounts ),
			'core 1.39 lets resets sent at once pass the resend throttle (mails per attempt: '
				. implode( ', ', $mailCounts ) . ')' );
	}
}
