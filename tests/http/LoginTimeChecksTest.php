<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Http;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;
use PHPUnit\Framework\TestCase;
use RuntimeException;

/**
 * Login-time checks, through core's own login flow: a stored password found in the breach
 * corpus at login asks its owner to change it, with the operator's choice per group — a
 * suggestion (the form has a "skip" button) for everyone, a forced change for sysops — and
 * the translated message; a password that passes logs in at once.
 *
 * @coversNothing
 */
class LoginTimeChecksTest extends TestCase {

	private const BUILDER = __DIR__ . '/../../target/release/npp-breach-corpus';
	private const BREACHED = 'Amber-Falcon-Ledger-3390';
	private const GOOD = 'Orbit-Cobalt-Mirror-Velvet-68';

	private static ?ThrowawayWiki $wiki = null;
	private static string $dir;

	public static function setUpBeforeClass(): void {
		self::$dir = sys_get_temp_dir() . '/npp-login-' . bin2hex( random_bytes( 4 ) );
		mkdir( self::$dir );
		$lines = [ self::BREACHED ];
		for ( $i = 0; $i < 5000; $i++ ) {
			$lines[] = bin2hex( random_bytes( 6 ) );
		}
		file_put_contents( self::$dir . '/breach.txt', implode( "\n", $lines ) . "\n" );
		exec( implode( ' ', array_map( 'escapeshellarg', [ self::BUILDER, 'build', '--quiet',
			'--output', self::$dir . '/corpus.npp', self::$dir . '/breach.txt' ] ) ) . ' 2>&1', $output, $status );
		if ( $status !== 0 ) {
			throw new RuntimeException( 'npp-breach-corpus failed: ' . implode( "\n", $output ) );
		}
		self::$wiki = ThrowawayWiki::start( [ 'settings' => implode( "\n", [
			'$wgNativePasswordPolicyBreachCorpusFile = ' . var_export( self::$dir . '/corpus.npp', true ) . ';',
			'$wgPasswordPolicy["policies"]["default"]["PasswordNotInBreachCorpus"] = [ "value" => true, "suggestChangeOnLogin" => true ];',
			'$wgPasswordPolicy["policies"]["sysop"]["PasswordNotInBreachCorpus"] = [ "value" => true, "forceChange" => true ];',
		] ) ] );
		// Passwords stored before the corpus knew them (set directly, as an older wiki has them).
		self::$wiki->createUsers( [
			[ 'name' => 'Plain Reader', 'password' => self::BREACHED ],
			[ 'name' => 'Site Admin', 'password' => self::BREACHED, 'groups' => [ 'sysop' ] ],
			[ 'name' => 'Careful Reader', 'password' => self::GOOD ],
		] );
	}

	public static function tearDownAfterClass(): void {
		self::$wiki?->stop();
		self::$wiki = null;
		array_map( 'unlink', glob( self::$dir . '/*' ) );
		rmdir( self::$dir );
	}

	private static function login( string $user, string $password ): array {
		$client = self::$wiki->client();
		return $client->post( [
			'action' => 'clientlogin', 'username' => $user, 'password' => $password,
			'loginreturnurl' => 'http://127.0.0.1/', 'uselang' => 'en', 'logintoken' => $client->token( 'login' ),
		] )['clientlogin'] ?? [];
	}

	/** @return array<string,mixed> The fields of every request the login form asks for */
	private static function fields( array $answer ): array {
		$fields = [];
		foreach ( $answer['requests'] ?? [] as $request ) {
			$fields += $request['fields'] ?? [];
		}
		return $fields;
	}

	public function testEveryoneIsAskedAndMaySkip(): void {
		$answer = self::login( 'Plain Reader', self::BREACHED );
		$this->assertSame( 'UI', $answer['status'] ?? null, json_encode( $answer ) );
		$this->assertStringContainsString( 'This password has appeared in a known data breach', $answer['message'] );
		$this->assertArrayHasKey( 'skipReset', self::fields( $answer ), 'suggestChangeOnLogin: skippable' );
		$this->assertArrayHasKey( 'password', self::fields( $answer ) );
	}

	public function testSysopsAreForced(): void {
		$answer = self::login( 'Site Admin', self::BREACHED );
		$this->assertSame( 'UI', $answer['status'] ?? null, json_encode( $answer ) );
		$this->assertStringContainsString( 'This password has appeared in a known data breach', $answer['message'] );
		$this->assertArrayNotHasKey( 'skipReset', self::fields( $answer ), 'forceChange: no skip' );
		$this->assertArrayHasKey( 'password', self::fields( $answer ) );
	}

	public function testAPasswordThatPassesLogsInAtOnce(): void {
		$this->assertSame( 'PASS', self::login( 'Careful Reader', self::GOOD )['status'] ?? null );
	}
}
