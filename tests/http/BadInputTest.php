<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Http;

use PHPUnit\Framework\TestCase;

/**
 * Hostile and broken input through every HTTP entry point the extension takes part in
 * (validatepassword, resetpassword, clientlogin, changeauthenticationdata): invalid UTF-8, NUL
 * bytes, empty strings, 1 KB / 64 KB / 1 MB passwords and user names, arrays where strings
 * belong. Each answer is a regular API answer — the extension's equal to core's on an
 * identical wiki, or the documented error — and a refused change stores nothing.
 *
 * @coversNothing
 */
class BadInputTest extends TestCase {

	private static WikiPair $pair;

	public static function setUpBeforeClass(): void {
		self::$pair = WikiPair::start();
	}

	public static function tearDownAfterClass(): void {
		self::$pair->stop();
	}

	/**
	 * @return array<string,string>
	 */
	private static function badStrings(): array {
		return [
			'invalid UTF-8' => "Orchard\xff\xfe\xc3(Lantern-42",
			'NUL bytes' => "Orchard\0Lantern\0Copper-42",
			'empty' => '',
			'1 KB' => str_repeat( 'Kq7!', 256 ),
			'64 KB' => str_repeat( 'Kq7!', 16384 ),
			'1 MB' => str_repeat( 'Kq7!', 262144 ),
			'1 MB of invalid UTF-8' => str_repeat( "\xff", 1 << 20 ),
		];
	}

	/**
	 * Sends the same request to both wikis; returns the decoded answers by wiki label,
	 * asserting that each is an HTTP 200 JSON answer without an internal error.
	 */
	private function both( array $params, array $clients = [] ): array {
		$answers = [];
		foreach ( self::$pair->wikis as $label => $wiki ) {
			$client = $clients[$label] ?? $wiki->client();
			$request = $params;
			foreach ( [ 'token', 'logintoken' ] as $tokenParam ) {
				if ( isset( $params[$tokenParam] ) ) {
					$request[$tokenParam] = $client->token( $params[$tokenParam] );
				}
			}
			$raw = $client->request( 'POST', $request + [ 'format' => 'json', 'formatversion' => 2, 'errorformat' => 'plaintext' ] );
			$this->assertSame( 200, $raw['status'], "$label: " . substr( $raw['body'], 0, 300 ) );
			$answer = json_decode( $raw['body'], true );
			$this->assertIsArray( $answer, "$label answers JSON: " . substr( $raw['body'], 0, 300 ) );
			foreach ( $answer['errors'] ?? [] as $error ) {
				$this->assertStringNotContainsString( 'internal_api_error', $error['code'], "$label: " . json_encode( $error ) );
			}
			// The only part that differs between two identical wikis: their URL (docref, and the
			// reset link of 1.43's fatalpassworderror).
			unset( $answer['docref'] );
			$url = substr( json_encode( $wiki->url() ), 1, -1 );
			$answers[$label] = json_decode( str_replace( $url, 'http:\\/\\/WIKI', json_encode( $answer ) ), true );
		}
		return $answers;
	}

	public function testValidatePasswordAnswersAsCoreDoes(): void {
		foreach ( self::badStrings() as $name => $password ) {
			foreach ( [ null, 'New user', str_repeat( 'U', 1 << 20 ), "Bad\xffName" ] as $user ) {
				$params = [ 'action' => 'validatepassword', 'password' => $password ];
				if ( $user !== null ) {
					$params['user'] = $user;
				}
				$answers = $this->both( $params );
				$label = "$name, user " . ( $user === null ? '(none)' : substr( $user, 0, 12 ) );
				$this->assertSame( $answers['core'], $answers['extension'], $label );
			}
		}
		// A known result, so the comparison above is not of two identical failures.
		$answers = $this->both( [ 'action' => 'validatepassword', 'password' => self::badStrings()['1 MB'] ] );
		$this->assertSame( 'Invalid', $answers['extension']['validatepassword']['validity'] );
		$this->assertSame( 'passwordtoolong', $answers['extension']['validatepassword']['validitymessages'][0]['code'] );
	}

	public function testArraysWhereStringsBelong(): void {
		foreach ( [ 'password' => [ 'a', 'b' ], 'user' => [ 'Alice' ] ] as $param => $value ) {
			$params = [ 'action' => 'validatepassword', 'password' => 'Orchard-Lantern-42' ];
			$params[$param] = $value;
			$answers = $this->both( $params );
			$this->assertSame( $answers['core'], $answers['extension'], $param );
		}
	}

	public function testResetPasswordAnswersWithTheDocumentedResults(): void {
		foreach ( self::badStrings() as $name => $value ) {
			$answers = $this->both( [ 'action' => 'resetpassword', 'user' => $value, 'token' => 'csrf' ] );
			$this->assertSame( $answers['core'], $answers['extension'], "user: $name" );

			$answers = $this->both( [ 'action' => 'resetpassword', 'email' => $value, 'token' => 'csrf' ] );
			if ( $value === '' ) {
				// An empty address is given but names nobody: core's passwordreset-nodata.
				$this->assertSame( $answers['core'], $answers['extension'], 'email: empty' );
				$this->assertSame( 'passwordreset-nodata', $answers['extension']['errors'][0]['code'] ?? null );
			} else {
				// Documented: a malformed address is passwordreset-invalidemail (core 1.39 says success).
				$this->assertSame( 'passwordreset-invalidemail', $answers['extension']['errors'][0]['code'] ?? null, "email: $name" );
			}
		}
		self::$pair->wikis['extension']->runJobs();
		$this->assertSame( [], self::$pair->wikis['extension']->mails(), 'no reset was sent' );
	}

	public function testLoginAndPasswordChangeRefuseBadPasswordsAndStoreNothing(): void {
		$clients = self::$pair->loggedIn( 'Alice', 'Alice-Secret-2026' );
		// The ones every policy refuses (empty, longer than MaximalPasswordLength's 4096 bytes).
		$refused = array_intersect_key( self::badStrings(), array_flip( [ 'empty', '64 KB', '1 MB', '1 MB of invalid UTF-8' ] ) );
		foreach ( $refused as $name => $password ) {
			$answers = $this->both( [
				'action' => 'changeauthenticationdata',
				'changeauthrequest' => 'MediaWiki\\Auth\\PasswordAuthenticationRequest',
				'password' => $password,
				'retype' => $password,
				'token' => 'csrf',
			], $clients );
			$this->assertSame( $answers['core'], $answers['extension'], "change to $name" );
			$this->assertArrayHasKey( 'errors', $answers['extension'], "change to $name is refused" );

			$answers = $this->both( [ 'action' => 'clientlogin', 'username' => 'Alice', 'password' => $password,
				'loginreturnurl' => 'http://127.0.0.1/', 'logintoken' => 'login' ] );
			$this->assertSame( $answers['core'], $answers['extension'], "login with $name" );
			$this->assertSame( 'FAIL', $answers['extension']['clientlogin']['status'], "login with $name" );
		}
		// Every change was refused: the old password still logs in, on both wikis.
		self::$pair->loggedIn( 'Alice', 'Alice-Secret-2026' );
	}
}
