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
 * Two identical throwaway wikis, one with the extension and one without: account creation and
 * password validation through api.php must answer exactly alike.
 *
 * @coversNothing
 */
class AccountCreationParityTest extends TestCase {

	private static ThrowawayWiki $core;
	private static ThrowawayWiki $native;

	public static function setUpBeforeClass(): void {
		self::$core = ThrowawayWiki::start( [ 'extension' => false ] );
		self::$native = ThrowawayWiki::start( [ 'extension' => true ] );
	}

	public static function tearDownAfterClass(): void {
		self::$core->stop();
		self::$native->stop();
	}

	public static function provideAccounts(): array {
		return [
			'good password' => [ 'Parity Good', 'Correct-Horse-Battery-7' ],
			'common password' => [ 'Parity Common', 'password' ],
			'common, other case' => [ 'Parity Common Case', 'PASSWORD' ],
			'substring of the name' => [ 'Parity Substring Name', 'substring' ],
			'the whole name, other case' => [ 'Parity Whole', 'PARITY WHOLE' ],
			'default example password' => [ 'Parity Example', 'ExamplePassword' ],
			'empty password' => [ 'Parity Empty', '' ],
			'one character' => [ 'Parity One', 'Q' ],
			'4096 bytes' => [ 'Parity Max', str_repeat( 'Zq9', 1365 ) . 'Z' ],
			'4097 bytes' => [ 'Parity Too Long', str_repeat( 'Zq9', 1365 ) . 'Zq' ],
			'unicode' => [ 'Parity Unicode', 'Pässwörd-Ünïcödé-42' ],
			'nul byte' => [ 'Parity Nul', "abc\0defghij" ],
			'password differs from retype' => [ 'Parity Retype', 'Correct-Horse-Battery-7', 'Different-8' ],
		];
	}

	/**
	 * @dataProvider provideAccounts
	 */
	public function testCreateAccountAnswersAlike( string $name, string $password, ?string $retype = null ): void {
		$answers = [];
		foreach ( [ 'core' => self::$core, 'native' => self::$native ] as $side => $wiki ) {
			$client = $wiki->client();
			$answers[$side] = $client->post( [
				'action' => 'createaccount',
				'username' => $name,
				'password' => $password,
				'retype' => $retype ?? $password,
				'createreturnurl' => 'http://127.0.0.1/',
				'createtoken' => $client->token( 'createaccount' ),
			] );
		}
		$this->assertArrayHasKey( 'createaccount', $answers['core'], json_encode( $answers['core'] ) );
		$this->assertSame( $answers['core'], $answers['native'] );
	}

	public function testCreatedAccountsLogInAlike(): void {
		foreach ( [ self::$core, self::$native ] as $wiki ) {
			$client = $wiki->client();
			$created = $client->post( [
				'action' => 'createaccount', 'username' => 'Parity Login', 'password' => 'Login-Pass-2026-x',
				'retype' => 'Login-Pass-2026-x', 'createreturnurl' => 'http://127.0.0.1/',
				'createtoken' => $client->token( 'createaccount' ),
			] );
			$this->assertSame( 'PASS', $created['createaccount']['status'], json_encode( $created ) );
			$login = $wiki->client()->clientLogin( 'Parity Login', 'Login-Pass-2026-x' );
			$this->assertSame( 'PASS', $login['clientlogin']['status'], json_encode( $login ) );
		}
	}

	public static function provideValidations(): array {
		$cases = [];
		foreach ( [ '1', '2' ] as $formatversion ) {
			foreach ( [ 'password', 'ExamplePassword', 'short', str_repeat( 'x', 4097 ), 'Fine-Password-99', "\xff\xfe" ] as $password ) {
				$cases["fv$formatversion " . bin2hex( substr( $password, 0, 8 ) )] = [
					[ 'password' => $password, 'formatversion' => $formatversion ],
				];
				$cases["fv$formatversion as new user " . bin2hex( substr( $password, 0, 8 ) )] = [
					[ 'password' => $password, 'user' => 'Example Newcomer', 'formatversion' => $formatversion ],
				];
			}
		}
		$cases['logged-in sysop, short'] = [ [ 'password' => 'shortpass' ], true ];
		return $cases;
	}

	/**
	 * @dataProvider provideValidations
	 */
	public function testValidatePasswordAnswersAlike( array $params, bool $asAdmin = false ): void {
		$answers = [];
		foreach ( [ 'core' => self::$core, 'native' => self::$native ] as $side => $wiki ) {
			$client = $wiki->client();
			if ( $asAdmin ) {
				$this->assertSame( 'PASS', $client->clientLogin( ThrowawayWiki::ADMIN_USER, ThrowawayWiki::ADMIN_PASSWORD )['clientlogin']['status'] );
			}
			$answers[$side] = $client->post( [ 'action' => 'validatepassword' ] + $params );
		}
		$this->assertArrayHasKey( 'validatepassword', $answers['core'], json_encode( $answers['core'] ) );
		$this->assertSame( $answers['core'], $answers['native'] );
	}
}
