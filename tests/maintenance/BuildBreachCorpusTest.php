<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Maintenance;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;

/**
 * maintenance/buildBreachCorpus.php builds the corpus of the wiki's configuration with the
 * real npp-breach-corpus, from a plain list and a Pwned-Passwords-style SHA-1:count list with
 * a minimum count; checkPassword.php then finds a breached password in it. The builder's exit
 * codes and messages come through.
 *
 * @coversNothing
 */
class BuildBreachCorpusTest extends MaintenanceTestCase {

	private static ThrowawayWiki $wiki;
	private static string $dir;

	public static function setUpBeforeClass(): void {
		self::$dir = sys_get_temp_dir() . '/npp-corpus-test-' . bin2hex( random_bytes( 4 ) );
		mkdir( self::$dir );
		self::$wiki = ThrowawayWiki::start( [ 'settings' => implode( "\n", [
			'$wgNativePasswordPolicyBreachCorpusFile = ' . var_export( self::$dir . '/corpus.npp', true ) . ';',
			'$wgPasswordPolicy["policies"]["default"]["PasswordNotInBreachCorpus"] = true;',
		] ) ] );
		self::$wiki->createUsers( [ [ 'name' => 'Corpus User', 'password' => 'Corpus-User-Pass-2026' ] ] );
	}

	public static function tearDownAfterClass(): void {
		self::$wiki->stop();
		array_map( 'unlink', glob( self::$dir . '/*' ) );
		rmdir( self::$dir );
	}

	private function build( array $args, ?string $stdin = null ): array {
		return self::runScript( self::$wiki, 'buildBreachCorpus.php', $args, $stdin );
	}

	private function checkPassword( string $password ): array {
		return self::runScript( self::$wiki, 'checkPassword.php', [ '--user', 'Corpus User' ], $password );
	}

	public function testBuildsTheConfiguredCorpusAndCheckPasswordUsesIt(): void {
		// Before the corpus exists, the check cannot run and passes.
		[ $code, $out ] = $this->checkPassword( 'Hunter-Two-Breached-1' );
		$this->assertSame( 0, $code, $out );

		// A generated breach list: plain lines (each seen as often as it is listed) ...
		$plain = [];
		for ( $i = 0; $i < 2000; $i++ ) {
			$plain[] = "generated-$i-" . bin2hex( random_bytes( 3 ) );
		}
		array_push( $plain, 'Hunter-Two-Breached-1', 'Hunter-Two-Breached-1', 'Seen-Once-Only-77' );
		shuffle( $plain );
		file_put_contents( self::$dir . '/plain.txt', implode( "\n", $plain ) . "\n" );
		// ... and SHA-1:COUNT lines as in the Pwned Passwords downloads.
		file_put_contents( self::$dir . '/pwned.txt', implode( "\r\n", [
			strtoupper( sha1( 'Pwned-Many-Times-42' ) ) . ':17',
			strtoupper( sha1( 'Pwned-Once-42' ) ) . ':1',
		] ) . "\r\n" );

		[ $code, $out, $err ] = $this->build( [
			'--input', self::$dir . '/plain.txt', '--input', self::$dir . '/pwned.txt', '--min-count', '2',
		] );
		$this->assertSame( 0, $code, $out . $err );
		$this->assertFileExists( self::$dir . '/corpus.npp' );
		$this->assertMatchesRegularExpression( '/^entries: +2$/m', $out, 'two passwords seen at least twice' );
		$this->assertMatchesRegularExpression( '/^minimum count: +2$/m', $out );
		$this->assertMatchesRegularExpression( '/^input records: +2005$/m', $out );
		$this->assertStringContainsString( 'wrote ' . self::$dir . '/corpus.npp', $err );
		$this->assertStringNotContainsString( 'To use it', $out, 'the configured file was written' );

		foreach ( [ 'Hunter-Two-Breached-1', 'Pwned-Many-Times-42' ] as $breached ) {
			[ $code, $out ] = $this->checkPassword( $breached );
			$this->assertSame( 2, $code, $out );
			$this->assertStringContainsString( '  error   nativepasswordpolicy-password-in-breach-corpus: This password has '
				. 'appeared in a known data breach', $out );
		}
		// Below the minimum count: not in the corpus.
		foreach ( [ 'Seen-Once-Only-77', 'Pwned-Once-42', $plain[0] === 'Hunter-Two-Breached-1' ? $plain[1] : $plain[0] ] as $rare ) {
			[ $code, $out ] = $this->checkPassword( $rare );
			$this->assertSame( 0, $code, $out );
		}
	}

	public function testStandardInputAndAnotherOutput(): void {
		[ $code, $out, $err ] = $this->build(
			[ '--output', self::$dir . '/other.npp', '--format', 'plain', '--quiet' ],
			"one\ntwo\nthree\n"
		);
		$this->assertSame( 0, $code, $out . $err );
		$this->assertSame( '', $out . $err, '--quiet' );
		[ $code, $out ] = $this->build( [ '--input', '-', '--output', self::$dir . '/other.npp' ], "four\n" );
		$this->assertSame( 0, $code );
		$this->assertMatchesRegularExpression( '/^entries: +1$/m', $out );
		$this->assertStringContainsString(
			"To use it: \$wgNativePasswordPolicyBreachCorpusFile = '" . self::$dir . "/other.npp';", $out );
	}

	public static function provideFailures(): array {
		return [
			'unreadable input' => [ [ '--input', '/nonexistent/list.txt' ], 1, 'npp-breach-corpus: ' ],
			'unknown format' => [ [ '--format', 'md5' ], 2, "invalid value 'md5'" ],
			'minimum count not a number' => [ [ '--min-count', 'many' ], 2, "invalid value 'many'" ],
			'no such builder' => [ [ '--binary', '/nonexistent/npp-breach-corpus' ], 1,
				'--binary /nonexistent/npp-breach-corpus is not an executable file.' ],
		];
	}

	/**
	 * @dataProvider provideFailures
	 */
	public function testFailuresKeepTheBuildersExitCodeAndTheOldFile( array $args, int $expected, string $message ): void {
		$before = @file_get_contents( self::$dir . '/corpus.npp' );
		[ $code, $out, $err ] = $this->build( array_merge( $args, [ '--output', self::$dir . '/corpus.npp' ] ), '' );
		$this->assertSame( $expected, $code, $out . $err );
		$this->assertStringContainsString( $message, $out . $err );
		$this->assertSame( $before, @file_get_contents( self::$dir . '/corpus.npp' ), 'the corpus is untouched' );
	}

	public function testAnExplicitBuilder(): void {
		// An explicit --binary works like the default one.
		[ $code, $out, $err ] = $this->build( [
			'--binary', realpath( self::REPO . '/target/release/npp-breach-corpus' ),
			'--output', self::$dir . '/explicit.npp', '--quiet',
		], "alpha\n" );
		$this->assertSame( 0, $code, $out . $err );
		$this->assertFileExists( self::$dir . '/explicit.npp' );
	}
}
