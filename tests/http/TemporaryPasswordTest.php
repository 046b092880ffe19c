<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Http;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ApiClient;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;
use PDO;
use PHPUnit\Framework\TestCase;

/**
 * Temporary passwords and Argon2id hashes on a real wiki, end to end: password reset through
 * the API, the mail caught by the SMTP sink, login with the mailed password, the forced change,
 * the database.
 *
 * @coversNothing
 */
class TemporaryPasswordTest extends TestCase {

	private const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';

	/** OWASP's minimum for Argon2id, configured as an operator would. */
	private const ARGON2_SETTINGS = <<<'PHP'
		$wgRateLimits['mailpassword'] = [];
		$wgPasswordReminderResendTime = 0;
		$wgPasswordDefault = 'argon2';
		$wgPasswordConfig['argon2']['memory_cost'] = 19456;
		$wgPasswordConfig['argon2']['time_cost'] = 2;
		$wgPasswordConfig['argon2']['threads'] = 1;
		PHP;

	private static ?ThrowawayWiki $wiki = null;

	public static function setUpBeforeClass(): void {
		self::$wiki = ThrowawayWiki::start( [ 'settings' => self::ARGON2_SETTINGS ] );
	}

	public static function tearDownAfterClass(): void {
		self::$wiki?->stop();
		self::$wiki = null;
	}

	private static function userRow( string $name ): array {
		$query = self::$wiki->database()->prepare( 'SELECT user_password, user_newpassword FROM user WHERE user_name = ?' );
		$query->execute( [ $name ] );
		return $query->fetch( PDO::FETCH_ASSOC );
	}

	/**
	 * Resets $user's password through action=resetpassword and returns the mailed password.
	 */
	private function resetAndReadMail( ThrowawayWiki $wiki, string $user ): string {
		$before = count( $wiki->mails() );
		$client = $wiki->client();
		$answer = $client->post( [ 'action' => 'resetpassword', 'user' => $user, 'token' => $client->token() ] );
		$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ], $answer );
		// The extension queues the reset: the job runner does it.
		$wiki->runJobs();
		$mails = $wiki->waitForMails( $before + 1 );
		$password = end( $mails )->temporaryPassword();
		$this->assertIsString( $password, 'the mail carries a temporary password' );
		return $password;
	}

	/**
	 * Entropy by the alphabet's measure: every character is one of the alphabet's symbols, drawn
	 * uniformly, so a password carries length × log2(alphabet size) bits.
	 */
	private function assertAtLeast128Bits( string $password ): void {
		$this->assertSame( strlen( $password ), strspn( $password, self::ALPHABET ), "only alphabet symbols: $password" );
		$this->assertGreaterThanOrEqual( 128.0, strlen( $password ) * log( strlen( self::ALPHABET ), 2 ) );
	}

	private function assertLoginFails( ApiClient $client, string $user, string $password ): void {
		$answer = $client->clientLogin( $user, $password );
		$this->assertSame( 'FAIL', $answer['clientlogin']['status'] ?? null, json_encode( $answer ) );
	}

	public function testResetMailsAStrongPasswordThatLogsInOnceAndMustBeChanged(): void {
		$user = 'Reset User';
		self::$wiki->createUsers( [ [ 'name' => $user, 'password' => 'Old-Password-Of-Reset-1', 'email' => 'reset@example.org' ] ] );

		$temporary = $this->resetAndReadMail( self::$wiki, $user );
		$this->assertSame( 23, strlen( $temporary ) );
		$this->assertAtLeast128Bits( $temporary );
		$this->assertStringStartsWith( ':argon2:$argon2id$v=19$m=19456,t=2,p=1$', self::userRow( $user )['user_newpassword'] );

		// The temporary password logs in, and the change is forced before the session is given.
		$client = self::$wiki->client();
		$answer = $client->clientLogin( $user, $temporary );
		$this->assertSame( 'UI', $answer['clientlogin']['status'], json_encode( $answer ) );
		$this->assertSame( 'resetpass-temp-emailed', $answer['clientlogin']['messagecode'] );
		$fields = $answer['clientlogin']['requests'][0]['fields'] ?? [];
		$this->assertArrayHasKey( 'password', $fields );
		$this->assertArrayHasKey( 'retype', $fields );
		$answer = $client->post( [
			'action' => 'clientlogin',
			'logincontinue' => 1,
			'password' => 'New-Password-Of-Reset-2',
			'retype' => 'New-Password-Of-Reset-2',
			'logintoken' => $client->token( 'login' ),
		] );
		$this->assertSame( 'PASS', $answer['clientlogin']['status'], json_encode( $answer ) );
		$whoami = $client->get( [ 'action' => 'query', 'meta' => 'userinfo' ] );
		$this->assertSame( $user, $whoami['query']['userinfo']['name'] );

		// After the change, only the new password works.
		$this->assertLoginFails( self::$wiki->client(), $user, $temporary );
		$this->assertLoginFails( self::$wiki->client(), $user, 'Old-Password-Of-Reset-1' );
		$this->assertSame( 'PASS', self::$wiki->client()->clientLogin( $user, 'New-Password-Of-Reset-2' )['clientlogin']['status'] );
		$row = self::userRow( $user );
		$this->assertStringStartsWith( ':argon2:$argon2id$v=19$m=19456,t=2,p=1$', $row['user_password'] );
		$this->assertStringNotContainsString( '$argon2', (string)$row['user_newpassword'], 'the temporary password is gone' );
	}

	public function testEveryDefaultGroupGetsAPasswordItsPolicyAccepts(): void {
		$users = [];
		foreach ( [ 'sysop', 'bureaucrat', 'interface-admin', 'bot', null ] as $group ) {
			$name = 'Group ' . ( $group ?? 'none' );
			$users[$name] = [
				'name' => $name,
				'password' => "Old-Password-$name",
				'email' => 'group@example.org',
				'groups' => $group === null ? [] : [ $group ],
			];
		}
		self::$wiki->createUsers( array_values( $users ) );
		foreach ( array_keys( $users ) as $name ) {
			$temporary = $this->resetAndReadMail( self::$wiki, $name );
			$this->assertAtLeast128Bits( $temporary );
			$answer = self::$wiki->client()->clientLogin( $name, $temporary );
			$this->assertSame( 'UI', $answer['clientlogin']['status'], "$name: " . json_encode( $answer ) );
			$this->assertSame( 'resetpass-temp-emailed', $answer['clientlogin']['messagecode'], $name );
		}
	}

	public function testPbkdf2HashIsUpgradedToArgon2idAtLogin(): void {
		$user = 'Legacy User';
		$password = 'Legacy-Password-3';
		self::$wiki->createUsers( [ [ 'name' => $user, 'password' => 'Replaced-Below-4' ] ] );
		// A hash written before the switch to Argon2: core's PBKDF2 format and parameters.
		$salt = random_bytes( 16 );
		$pbkdf2 = ':pbkdf2:sha512:30000:64:' . base64_encode( $salt ) . ':'
			. base64_encode( hash_pbkdf2( 'sha512', $password, $salt, 30000, 64, true ) );
		self::$wiki->database()->prepare( 'UPDATE user SET user_password = ? WHERE user_name = ?' )->execute( [ $pbkdf2, $user ] );

		$this->assertSame( 'PASS', self::$wiki->client()->clientLogin( $user, $password )['clientlogin']['status'] );
		$upgraded = self::userRow( $user )['user_password'];
		$this->assertStringStartsWith( ':argon2:$argon2id$v=19$m=19456,t=2,p=1$', $upgraded );
		$this->assertTrue( password_verify( $password, substr( $upgraded, strlen( ':argon2:' ) ) ),
			"PHP's password_verify accepts the native hash" );

		$this->assertSame( 'PASS', self::$wiki->client()->clientLogin( $user, $password )['clientlogin']['status'] );
		$this->assertSame( $upgraded, self::userRow( $user )['user_password'], 'no re-hash at the next login' );
	}

	public function testHashesWrittenByPhpVerify(): void {
		$user = 'Php Hash User';
		$password = 'Php-Hashed-Password-5';
		self::$wiki->createUsers( [ [ 'name' => $user, 'password' => 'Replaced-Below-6' ] ] );
		$phc = password_hash( $password, PASSWORD_ARGON2ID, [ 'memory_cost' => 19456, 'time_cost' => 2, 'threads' => 1 ] );
		self::$wiki->database()->prepare( 'UPDATE user SET user_password = ? WHERE user_name = ?' )->execute( [ ":argon2:$phc", $user ] );

		$this->assertLoginFails( self::$wiki->client(), $user, $password . 'x' );
		$this->assertSame( 'PASS', self::$wiki->client()->clientLogin( $user, $password )['clientlogin']['status'] );
		$this->assertSame( ":argon2:$phc", self::userRow( $user )['user_password'], 'same parameters: kept as is' );
	}

	public function testTemporaryPasswordExpires(): void {
		// Its own wiki: the built-in server caches compiled files for two seconds, so a change
		// of LocalSettings.php is not seen at once.
		$wiki = ThrowawayWiki::start( [ 'settings' => self::ARGON2_SETTINGS . "\n\$wgNewPasswordExpiry = 2;\n" ] );
		try {
			$wiki->createUsers( [
				[ 'name' => 'Early User', 'password' => 'Early-Old-Password-7', 'email' => 'early@example.org' ],
				[ 'name' => 'Late User', 'password' => 'Late-Old-Password-8', 'email' => 'late@example.org' ],
			] );
			$early = $this->resetAndReadMail( $wiki, 'Early User' );
			$late = $this->resetAndReadMail( $wiki, 'Late User' );
			$answer = $wiki->client()->clientLogin( 'Early User', $early );
			$this->assertSame( 'UI', $answer['clientlogin']['status'], 'valid before expiry' );

			// user_newpass_time has a resolution of one second: wait past the expiry with margin.
			sleep( 3 );
			$this->assertLoginFails( $wiki->client(), 'Late User', $late );
			$answer = $wiki->client()->clientLogin( 'Late User', 'Late-Old-Password-8' );
			$this->assertSame( 'PASS', $answer['clientlogin']['status'], 'the old password still works' );
		} finally {
			$wiki->stop();
		}
	}
}
