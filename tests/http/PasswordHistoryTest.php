<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Http;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ApiClient;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayFarm;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;
use PDO;
use PHPUnit\Framework\TestCase;

/**
 * Password history on a served wiki, end to end: the table update.php made, the account's
 * creation and its password changes over the API recorded as Argon2id hashes (PHP's
 * password_verify() accepts them), a reused password refused with the translated message,
 * the history pruned to N, and logins with the current password not forced to change although
 * the policy entry says forceChange. On SQLite (a single server), on PostgreSQL (the PostgreSQL
 * schema file, through core's installer and update.php) and on MariaDB (a farm of two app
 * servers: the MySQL schema file, a change on one server refused on the other).
 *
 * @coversNothing
 */
class PasswordHistoryTest extends TestCase {

	private const SETTINGS = <<<'PHP'
		$wgPasswordPolicy['policies']['default']['PasswordNotInHistory'] = [ 'value' => 3, 'forceChange' => true ];
		$wgRateLimits['mailpassword'] = [];
		$wgPasswordReminderResendTime = 0;
		PHP;

	private static ?ThrowawayWiki $wiki = null;

	public static function setUpBeforeClass(): void {
		self::$wiki = ThrowawayWiki::start( [ 'settings' => self::SETTINGS ] );
	}

	public static function tearDownAfterClass(): void {
		self::$wiki?->stop();
		self::$wiki = null;
	}

	/** @return string[] An account's history, newest first */
	private static function hashes( string $user = 'Hester' ): array {
		$query = self::$wiki->database()->prepare( 'SELECT nph_hash FROM npp_password_history JOIN user ON nph_user = user_id'
			. ' WHERE user_name = ? ORDER BY nph_id DESC' );
		$query->execute( [ $user ] );
		return $query->fetchAll( PDO::FETCH_COLUMN );
	}

	private static function change( ApiClient $client, string $password ): array {
		return $client->post( [
			'action' => 'changeauthenticationdata', 'changeauthrequest' => 'MediaWiki\\Auth\\PasswordAuthenticationRequest',
			'password' => $password, 'retype' => $password, 'changeauthtoken' => $client->token( 'csrf' ),
			'uselang' => 'en', 'errorformat' => 'plaintext', 'formatversion' => 2,
		] );
	}

	private function assertLoginPasses( string $password ): ApiClient {
		$client = self::$wiki->client();
		$answer = $client->clientLogin( 'Hester', $password );
		$this->assertSame( 'PASS', $answer['clientlogin']['status'] ?? null,
			'no change asked for at login: ' . json_encode( $answer ) );
		return $client;
	}

	public function testTheHistoryRefusesTheLastThreePasswords(): void {
		$client = self::$wiki->client();
		$answer = $client->post( [
			'action' => 'createaccount', 'username' => 'Hester',
			'password' => 'first-Lantern-Quiver-71', 'retype' => 'first-Lantern-Quiver-71',
			'createreturnurl' => 'http://127.0.0.1/', 'createtoken' => $client->token( 'createaccount' ),
		] );
		$this->assertSame( 'PASS', $answer['createaccount']['status'] ?? null, json_encode( $answer ) );
		$table = self::$wiki->database()->query( "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'npp_password_history'" )
			->fetchColumn();
		$this->assertSame( 'npp_password_history', $table, 'update.php created the table' );

		$hashes = self::hashes();
		$this->assertCount( 1, $hashes, 'the password the account was created with' );
		$this->assertMatchesRegularExpression( '/^\$argon2id\$v=19\$m=65536,t=4,p=1\$/', $hashes[0] );
		$this->assertTrue( password_verify( 'first-Lantern-Quiver-71', $hashes[0] ) );

		$client = $this->assertLoginPasses( 'first-Lantern-Quiver-71' );
		$refused = 'This password was one of your last 3 passwords.';
		$answer = self::change( $client, 'first-Lantern-Quiver-71' );
		$this->assertStringContainsString( $refused, json_encode( $answer ), 'the current password' );

		$this->assertSame( 'success', self::change( $client, 'second-Marble-Heron-52' )['changeauthenticationdata']['status'] ?? null );
		$this->assertCount( 2, self::hashes() );
		foreach ( [ 'first-Lantern-Quiver-71', 'second-Marble-Heron-52' ] as $reused ) {
			$answer = self::change( $client, $reused );
			$this->assertStringContainsString( $refused, json_encode( $answer ), $reused );
			$this->assertArrayNotHasKey( 'changeauthenticationdata', $answer, $reused );
		}
		$answer = $client->post( [ 'action' => 'validatepassword', 'password' => 'first-Lantern-Quiver-71',
			'uselang' => 'en', 'formatversion' => 2 ] );
		$this->assertNotSame( 'Good', $answer['validatepassword']['validity'] ?? null, json_encode( $answer ) );
		$this->assertStringContainsString( 'nativepasswordpolicy-password-in-history', json_encode( $answer ) );

		foreach ( [ 'third-Cobalt-Willow-33', 'fourth-Saffron-Anvil-94' ] as $password ) {
			$this->assertSame( 'success', self::change( $client, $password )['changeauthenticationdata']['status'] ?? null );
		}
		$hashes = self::hashes();
		$this->assertCount( 3, $hashes, 'pruned to 3' );
		$this->assertTrue( password_verify( 'fourth-Saffron-Anvil-94', $hashes[0] ) );
		$this->assertTrue( password_verify( 'second-Marble-Heron-52', $hashes[2] ) );

		// The current password logs in without a forced change; the first is out of the history.
		$client = $this->assertLoginPasses( 'fourth-Saffron-Anvil-94' );
		$this->assertSame( 'success', self::change( $client, 'first-Lantern-Quiver-71' )['changeauthenticationdata']['status'] ?? null );
		$this->assertLoginPasses( 'first-Lantern-Quiver-71' );
	}

	public function testTheChangeAskedForAfterAPasswordResetIsRecordedAndRefusesAReuse(): void {
		// A confirmed address (set by the harness), then a password chosen over the API.
		self::$wiki->createUsers( [ [ 'name' => 'Ruth', 'password' => 'ruth-initial-Quokka-27', 'email' => 'ruth@example.org' ] ] );
		$client = self::$wiki->client();
		$this->assertSame( 'PASS', $client->clientLogin( 'Ruth', 'ruth-initial-Quokka-27' )['clientlogin']['status'] ?? null );
		$answer = self::change( $client, 'ruth-Granite-Pelican-18' );
		$this->assertSame( 'success', $answer['changeauthenticationdata']['status'] ?? null, json_encode( $answer ) );

		$before = count( self::$wiki->mails() );
		$reset = self::$wiki->client();
		$answer = $reset->post( [ 'action' => 'resetpassword', 'user' => 'Ruth', 'token' => $reset->token() ] );
		$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ], $answer );
		// The reset is a queued job: run it, as the wiki's job runners would.
		self::$wiki->runJobs();
		$mails = self::$wiki->waitForMails( $before + 1 );
		$temporary = end( $mails )->temporaryPassword();
		$this->assertIsString( $temporary );
		$this->assertCount( 1, self::hashes( 'Ruth' ), 'a temporary password is not history' );

		$client = self::$wiki->client();
		$answer = $client->clientLogin( 'Ruth', $temporary );
		$this->assertSame( 'UI', $answer['clientlogin']['status'] ?? null, json_encode( $answer ) );
		$continue = static fn ( string $password ): array => $client->post( [
			'action' => 'clientlogin', 'logincontinue' => 1, 'password' => $password, 'retype' => $password,
			'logintoken' => $client->token( 'login' ), 'uselang' => 'en', 'errorformat' => 'plaintext',
		] );
		$answer = $continue( 'ruth-Granite-Pelican-18' );
		$this->assertNotSame( 'PASS', $answer['clientlogin']['status'] ?? null, 'the old password again' );
		$this->assertStringContainsString( 'This password was one of your last 3 passwords.', json_encode( $answer ) );
		$answer = $continue( 'ruth-Juniper-Falcon-64' );
		$this->assertSame( 'PASS', $answer['clientlogin']['status'] ?? null, json_encode( $answer ) );
		$hashes = self::hashes( 'Ruth' );
		$this->assertCount( 2, $hashes );
		$this->assertTrue( password_verify( 'ruth-Juniper-Falcon-64', $hashes[0] ) );
	}

	public function testOnPostgreSql(): void {
		$wiki = ThrowawayWiki::start( [ 'database' => 'postgres', 'settings' => self::SETTINGS ] );
		try {
			$db = $wiki->database();
			$columns = $db->query( "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns"
				. " WHERE table_schema = 'mediawiki' AND table_name = 'npp_password_history' ORDER BY ordinal_position" )
				->fetchAll( PDO::FETCH_ASSOC );
			$this->assertSame( [ 'nph_id', 'nph_user', 'nph_hash', 'nph_timestamp' ], array_column( $columns, 'column_name' ),
				'update.php created the table from sql/postgres: ' . json_encode( $columns ) );
			$this->assertSame( [ 'integer', 'integer', 'text', 'timestamp with time zone' ], array_column( $columns, 'data_type' ) );
			$this->assertSame( [ 'NO', 'NO', 'NO', 'NO' ], array_column( $columns, 'is_nullable' ) );
			$this->assertStringStartsWith( 'nextval(', (string)$columns[0]['column_default'] );
			$index = $db->query( "SELECT indexdef FROM pg_indexes WHERE schemaname = 'mediawiki' AND indexname = 'nph_user_id'" )->fetchColumn();
			$this->assertStringContainsString( '(nph_user, nph_id)', (string)$index );
			// A second update.php finds the table and changes nothing.
			$this->assertStringContainsString( 'npp_password_history', $wiki->maintenance( 'update.php', [ '--quick' ] ) );

			$client = $wiki->client();
			$answer = $client->post( [
				'action' => 'createaccount', 'username' => 'Pilar',
				'password' => 'pilar-Harbor-Quill-38', 'retype' => 'pilar-Harbor-Quill-38',
				'createreturnurl' => 'http://127.0.0.1/', 'createtoken' => $client->token( 'createaccount' ),
			] );
			$this->assertSame( 'PASS', $answer['createaccount']['status'] ?? null, json_encode( $answer ) );
			$hashes = static function () use ( $db ): array {
				// "user" is a reserved word in PostgreSQL: quoted, as core's schema names the table.
				$query = $db->prepare( 'SELECT nph_hash FROM npp_password_history JOIN "user" ON nph_user = user_id'
					. ' WHERE user_name = ? ORDER BY nph_id DESC' );
				$query->execute( [ 'Pilar' ] );
				return $query->fetchAll( PDO::FETCH_COLUMN );
			};
			$this->assertCount( 1, $hashes(), 'the creation is recorded' );
			$this->assertSame( 'PASS', $client->clientLogin( 'Pilar', 'pilar-Harbor-Quill-38' )['clientlogin']['status'] ?? null );
			foreach ( [ 'pilar-Cedar-Lark-51', 'pilar-Onyx-Brook-26', 'pilar-Fennel-Kite-73' ] as $password ) {
				$answer = self::change( $client, $password );
				$this->assertSame( 'success', $answer['changeauthenticationdata']['status'] ?? null, json_encode( $answer ) );
			}
			$stored = $hashes();
			$this->assertCount( 3, $stored, 'pruned to 3' );
			$this->assertTrue( password_verify( 'pilar-Fennel-Kite-73', $stored[0] ) );
			$this->assertTrue( password_verify( 'pilar-Cedar-Lark-51', $stored[2] ) );
			$answer = self::change( $client, 'pilar-Onyx-Brook-26' );
			$this->assertStringContainsString( 'This password was one of your last 3 passwords.', json_encode( $answer ) );
			$this->assertArrayNotHasKey( 'changeauthenticationdata', $answer );
			$answer = self::change( $client, 'pilar-Harbor-Quill-38' );
			$this->assertSame( 'success', $answer['changeauthenticationdata']['status'] ?? null, 'out of the history: ' . json_encode( $answer ) );
			$this->assertSame( 'PASS', $wiki->client()->clientLogin( 'Pilar', 'pilar-Harbor-Quill-38' )['clientlogin']['status'] ?? null );

			// The queued reset in PostgreSQL's job table; its temporary password is not history.
			$wiki->createUsers( [ [ 'name' => 'Quinn', 'password' => 'quinn-Basalt-Otter-19', 'email' => 'quinn@example.org' ] ] );
			$reset = $wiki->client();
			$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ],
				$reset->post( [ 'action' => 'resetpassword', 'user' => 'Quinn', 'token' => $reset->token() ] ) );
			$this->assertSame( 1, $wiki->queuedJobs( 'nativePasswordPolicyReset' ) );
			$wiki->runJobs();
			$this->assertSame( 0, $wiki->queuedJobs() );
			$temporary = $wiki->waitForMails( 1 )[0]->temporaryPassword();
			$this->assertIsString( $temporary );
			$this->assertSame( 'UI', $wiki->client()->clientLogin( 'Quinn', $temporary )['clientlogin']['status'] ?? null );
			$this->assertSame( '', $wiki->log( 'exception.log' ) . $wiki->log( 'dberror.log' ) );
		} finally {
			$wiki->stop();
		}
	}

	public function testOnMariaDbAcrossAppServers(): void {
		$farm = ThrowawayFarm::start( [ 'servers' => 2, 'workers' => 1, 'jobRunner' => false, 'settings' => self::SETTINGS ] );
		try {
			$table = $farm->db()->query( "SHOW TABLES LIKE 'npp_password_history'" )->fetch_row();
			$this->assertSame( [ 'npp_password_history' ], $table, 'update.php created the table from sql/mysql' );
			$onA = $farm->client( 'A' );
			$answer = $onA->post( [
				'action' => 'createaccount', 'username' => 'Odile',
				'password' => 'odile-Tundra-Beacon-45', 'retype' => 'odile-Tundra-Beacon-45',
				'createreturnurl' => 'http://127.0.0.1/', 'createtoken' => $onA->token( 'createaccount' ),
			] );
			$this->assertSame( 'PASS', $answer['createaccount']['status'] ?? null, json_encode( $answer ) );
			$this->assertSame( 'PASS', $onA->clientLogin( 'Odile', 'odile-Tundra-Beacon-45' )['clientlogin']['status'] ?? null );
			$answer = self::change( $onA, 'odile-Meadow-Sparrow-12' );
			$this->assertSame( 'success', $answer['changeauthenticationdata']['status'] ?? null, json_encode( $answer ) );
			$onB = $onA->withApiUrl( $farm->apiUrl( 'B' ) );
			$answer = self::change( $onB, 'odile-Tundra-Beacon-45' );
			$this->assertStringContainsString( 'This password was one of your last 3 passwords.', json_encode( $answer ) );
			$hashes = $farm->db()->query( 'SELECT nph_hash FROM npp_password_history JOIN user ON nph_user = user_id'
				. " WHERE user_name = 'Odile' ORDER BY nph_id DESC" )->fetch_all();
			$this->assertCount( 2, $hashes );
			$this->assertTrue( password_verify( 'odile-Meadow-Sparrow-12', $hashes[0][0] ) );
			$this->assertSame( 'PASS', $farm->client( 'B' )->clientLogin( 'Odile', 'odile-Meadow-Sparrow-12' )['clientlogin']['status'] ?? null );
		} finally {
			$farm->stop();
		}
	}
}
