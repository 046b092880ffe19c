<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Maintenance;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;

/**
 * maintenance/checkPassword.php: every message of the user's effective policy, translated,
 * and the exit code of the validity (0 Good, 2 Change, 3 Invalid, 1 could not check).
 *
 * @coversNothing
 */
class CheckPasswordTest extends MaintenanceTestCase {

	private static ThrowawayWiki $wiki;

	public static function setUpBeforeClass(): void {
		self::$wiki = ThrowawayWiki::start();
		self::$wiki->createUsers( [
			[ 'name' => 'Plain User', 'password' => 'Plain-User-Pass-2026' ],
			[ 'name' => 'Sysop User', 'password' => 'Sysop-User-Pass-2026', 'groups' => [ 'sysop' ] ],
		] );
	}

	public static function tearDownAfterClass(): void {
		self::$wiki->stop();
	}

	private function check( array $args, ?string $stdin ): array {
		return self::runScript( self::$wiki, 'checkPassword.php', $args, $stdin );
	}

	public function testGoodPassword(): void {
		[ $code, $out, $err ] = $this->check( [ '--user', 'Plain User' ], "Correct-Horse-Battery-77\n" );
		$this->assertSame( 0, $code, $err );
		$this->assertSame( "User: Plain User (groups: *, user, autoconfirmed)\nValidity: Good\n", $out );
		$this->assertStringNotContainsString( 'Correct-Horse', $out . $err, 'the password is never printed' );
	}

	public function testCommonPasswordAsksForAChange(): void {
		[ $code, $out, $err ] = $this->check( [ '--user', 'Plain User' ], "password\n" );
		$this->assertSame( 2, $code, $out . $err );
		$this->assertSame( implode( "\n", [
			'User: Plain User (groups: *, user, autoconfirmed)',
			'Validity: Change',
			'  error   passwordincommonlist: The password entered is in a list of very commonly used passwords. '
				. 'Please choose a more unique password.',
			'At login: the user is asked to change this password (suggestChangeOnLogin).',
			'',
		] ), $out );
	}

	public function testEveryMessageOfTheGroupPolicy(): void {
		// The sysop policy asks for 10 bytes: "password" fails it and the common list.
		[ $code, $out ] = $this->check( [ '--user', 'Sysop User' ], "password\n" );
		$this->assertSame( 2, $code );
		$this->assertStringContainsString( 'User: Sysop User (groups: sysop, *, user, autoconfirmed)', $out );
		$this->assertStringContainsString( '  error   passwordtooshort: Passwords must be at least 10 characters.', $out );
		$this->assertStringContainsString( '  error   passwordincommonlist: ', $out );
		// The same password is fine for a user outside the group as far as length goes.
		[ , $plain ] = $this->check( [ '--user', 'Plain User' ], "password\n" );
		$this->assertStringNotContainsString( 'passwordtooshort', $plain );
	}

	public static function provideInvalid(): array {
		return [
			// MinimumPasswordLengthToLogin 1 for sysops: a fatal failure.
			'empty password of a sysop' => [ 'Sysop User', "\n", 'passwordtooshort' ],
			// MaximalPasswordLength 4096 bytes for everyone: fatal.
			'4097 bytes' => [ 'Plain User', str_repeat( 'Zq9', 1365 ) . 'Zq', 'passwordtoolong' ],
		];
	}

	/**
	 * @dataProvider provideInvalid
	 */
	public function testFatalFailureIsInvalid( string $user, string $password, string $key ): void {
		[ $code, $out ] = $this->check( [ '--user', $user ], $password );
		$this->assertSame( 3, $code, $out );
		$this->assertStringContainsString( "Validity: Invalid\n", $out );
		$this->assertMatchesRegularExpression( "/^  error   $key: /m", $out );
	}

	public function testPasswordFileJsonAndLanguage(): void {
		$file = tempnam( sys_get_temp_dir(), 'npp-pw' );
		// Only one trailing line break is removed; bytes are bytes (NUL, invalid UTF-8).
		file_put_contents( $file, "password\r\n" );
		try {
			[ $code, $out, $err ] = $this->check(
				[ '--user', 'Sysop User', '--password-file', $file, '--json', '--lang', 'de' ], null );
		} finally {
			unlink( $file );
		}
		$this->assertSame( 2, $code, $err );
		$report = json_decode( $out, true, 8, JSON_THROW_ON_ERROR );
		$this->assertSame( 'Sysop User', $report['user'] );
		$this->assertSame( 'Change', $report['validity'] );
		$this->assertTrue( $report['suggestChangeOnLogin'] );
		$this->assertFalse( $report['forceChange'] );
		$this->assertSame( [
			[ 'type' => 'error', 'key' => 'passwordtooshort', 'params' => [ 10 ],
				'text' => 'Passwörter müssen mindestens 10 Zeichen lang sein.' ],
			[ 'type' => 'error', 'key' => 'passwordincommonlist', 'params' => [],
				'text' => 'Das eingegebene Passwort befindet sich in einer Liste sehr häufig verwendeter Passwörter. '
					. 'Bitte suche dir ein individuelleres Passwort aus.' ],
		], $report['messages'] );
	}

	public function testBytesAreChecked(): void {
		// Ten bytes with a NUL and invalid UTF-8: long enough for sysops, not common.
		[ $code, $out ] = $this->check( [ '--user', 'Sysop User' ], "ab\0cd\xffef-Xy9" );
		$this->assertSame( 0, $code, $out );
		[ $code ] = $this->check( [ '--user', 'Sysop User' ], "ab\0\xff" );
		$this->assertSame( 2, $code, 'four bytes are too short for a sysop' );
	}

	public static function provideErrors(): array {
		return [
			'no --user' => [ [], "password\n", 'Give the user with --user NAME.' ],
			'unknown user' => [ [ '--user', 'Nobody Here' ], "password\n", 'No such user: Nobody Here' ],
			'invalid user name' => [ [ '--user', 'Bad#Name' ], "password\n", 'No such user: Bad#Name' ],
			'nothing on standard input' => [ [ '--user', 'Plain User' ], '', 'No password given' ],
			'unreadable password file' => [ [ '--user', 'Plain User', '--password-file', '/nonexistent/pw' ], null,
				'Cannot read the password file /nonexistent/pw' ],
			'invalid language' => [ [ '--user', 'Plain User', '--lang', '../x' ], "password\n", 'Invalid language code' ],
		];
	}

	/**
	 * @dataProvider provideErrors
	 */
	public function testErrorsExitWithOne( array $args, ?string $stdin, string $message ): void {
		[ $code, $out, $err ] = $this->check( $args, $stdin );
		$this->assertSame( 1, $code, $out . $err );
		$this->assertStringContainsString( $message, $out . $err );
		$this->assertStringNotContainsString( 'Validity:', $out );
	}
}
