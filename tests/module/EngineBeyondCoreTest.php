<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Module;

use NativePasswordPolicy\Engine;
use NativePasswordPolicy\EngineException;
use PHPUnit\Framework\Attributes\CoversNothing;
use PHPUnit\Framework\Attributes\DataProvider;
use PHPUnit\Framework\TestCase;

/**
 * The checks beyond core through the module's PHP surface: the breach corpus built by the
 * real npp-breach-corpus tool, the context array, deny lists, word lists, code point length
 * and the strength estimate, with their message keys and parameters.
 *
 * @coversNothing
 */
#[CoversNothing]
class EngineBeyondCoreTest extends TestCase {

	private static string $dir;

	public static function setUpBeforeClass(): void {
		self::$dir = sys_get_temp_dir() . '/npp-module-test-' . getmypid();
		mkdir( self::$dir );
		file_put_contents( self::$dir . '/plain.txt', "hunter2\nTr0ub4dor&3\n" );
		file_put_contents( self::$dir . '/pwned.txt', strtoupper( sha1( 'letmein!' ) ) . ":42\n" );
		file_put_contents( self::$dir . '/words.txt', "Sommerferien\nFußball\n" );
		// The tool cargo built beside the module under test (NPP_MODULE, else target/release).
		$module = getenv( 'NPP_MODULE' );
		$tool = ( is_string( $module ) && is_file( $module ) ? dirname( $module ) : dirname( __DIR__, 2 ) . '/target/release' )
			. '/npp-breach-corpus';
		exec( escapeshellarg( $tool ) . ' build --quiet -o ' . escapeshellarg( self::$dir . '/corpus.npp' )
			. ' ' . escapeshellarg( self::$dir . '/plain.txt' ) . ' ' . escapeshellarg( self::$dir . '/pwned.txt' )
			. ' 2>&1', $output, $status );
		if ( $status !== 0 ) {
			throw new \RuntimeException( "npp-breach-corpus failed: " . implode( "\n", $output ) );
		}
	}

	public static function tearDownAfterClass(): void {
		array_map( 'unlink', glob( self::$dir . '/*' ) );
		rmdir( self::$dir );
	}

	private function engine( array $config = [] ): Engine {
		return new Engine( json_encode( $config + [
			'breachCorpusFile' => self::$dir . '/corpus.npp',
			'wordLists' => [ [ 'path' => self::$dir . '/words.txt', 'caseInsensitive' => true ] ],
			'siteName' => 'Acme Wiki',
			'denyWords' => [ 'contoso' ],
			'denyPatterns' => [ '^\d+$' ],
		] ) );
	}

	private function messages( ?array $failures ): array {
		return array_column( $failures ?? [], 'message' );
	}

	public function testBreachCorpus(): void {
		$engine = $this->engine();
		$this->assertSame( [], $engine->problems() );
		foreach ( [ 'hunter2', 'Tr0ub4dor&3', 'letmein!' ] as $breached ) {
			$this->assertTrue( $engine->inBreachCorpus( $breached ), $breached );
			$this->assertSame(
				[ [ 'message' => 'nativepasswordpolicy-password-in-breach-corpus', 'params' => [], 'fatal' => false ] ],
				$engine->check( 'PasswordNotInBreachCorpus', true, 'Alice', $breached )
			);
		}
		$this->assertFalse( $engine->inBreachCorpus( 'correct horse battery staple' ) );
		$this->assertNull( $engine->check( 'PasswordNotInBreachCorpus', true, 'Alice', "\xff\x00 bytes" ) );
		$this->assertNull( $engine->check( 'PasswordNotInBreachCorpus', false, 'Alice', 'hunter2' ) );
	}

	public function testBrokenCorpusIsAProblemAndTheCheckIsUnavailable(): void {
		$broken = self::$dir . '/broken.npp';
		file_put_contents( $broken, substr( file_get_contents( self::$dir . '/corpus.npp' ), 0, 150 ) );
		$engine = $this->engine( [ 'breachCorpusFile' => $broken ] );
		$this->assertCount( 1, $engine->problems() );
		$this->assertStringContainsString( 'broken.npp', $engine->problems()[0] );
		$this->assertStringContainsString( 'truncated', $engine->problems()[0] );
		try {
			$engine->inBreachCorpus( 'hunter2' );
			$this->fail( 'no exception' );
		} catch ( EngineException $e ) {
			$this->assertSame( EngineException::CODE_UNAVAILABLE, $e->getCode() );
		}
		// Other checks keep working.
		$this->assertNull( $engine->check( 'MinimalPasswordCodePoints', 8, 'Alice', 'long enough' ) );
	}

	public function testContextArray(): void {
		$engine = $this->engine();
		$context = [ 'realName' => 'Jane Doeson', 'email' => 'jane@mailhost.example' ];
		$this->assertSame(
			[ 'nativepasswordpolicy-password-contains-realname', 'nativepasswordpolicy-password-contains-email' ],
			$this->messages( $engine->check( 'PasswordCannotContainContextWords', true, 'Alice', 'J4NE-d03s0n', $context ) )
		);
		$this->assertSame(
			[ 'nativepasswordpolicy-password-contains-sitename' ],
			$this->messages( $engine->check( 'PasswordCannotContainContextWords', true, 'Alice', 'ACME rocks', [ 'email' => null ] ) )
		);
		// Without a context (old callers), only the user name and site name count.
		$this->assertNull( $engine->check( 'PasswordCannotContainContextWords', true, 'Alice', 'doeson' ) );
		$verdict = $engine->evaluate( 'Alice', 'Aliceee1', [
			[ 'check' => 'PasswordCannotContainContextWords', 'value' => true ],
		], $context );
		$this->assertSame( [ 'nativepasswordpolicy-password-contains-username' ], $this->messages( $verdict['failures'] ) );
	}

	public static function provideBadContext(): array {
		return [
			'misspelt key' => [ [ 'realname' => 'x' ], "unknown context key 'realname'" ],
			'not a string' => [ [ 'email' => 42 ], "'email' must be a string" ],
		];
	}

	/**
	 * @dataProvider provideBadContext
	 */
	#[DataProvider( 'provideBadContext' )]
	public function testBadContextIsAnInvalidArgument( array $context, string $mentions ): void {
		try {
			$this->engine()->check( 'MinimalPasswordLength', 1, 'Alice', 'x', $context );
			$this->fail( 'no exception' );
		} catch ( EngineException $e ) {
			$this->assertSame( EngineException::CODE_INVALID_ARGUMENT, $e->getCode() );
			$this->assertStringContainsString( $mentions, $e->getMessage() );
		}
	}

	public function testDenyListsAndWordLists(): void {
		$engine = $this->engine();
		$this->assertSame(
			[ 'nativepasswordpolicy-password-contains-denied-word' ],
			$this->messages( $engine->check( 'PasswordCannotContainDeniedWords', true, 'Alice', 'I work at C0NT0S0' ) )
		);
		$this->assertSame(
			[ 'nativepasswordpolicy-password-matches-denied-pattern' ],
			$this->messages( $engine->check( 'PasswordCannotMatchDeniedPatterns', true, 'Alice', '12345678901' ) )
		);
		$this->assertSame(
			[ 'nativepasswordpolicy-password-in-word-list' ],
			$this->messages( $engine->check( 'PasswordNotInWordLists', true, 'Alice', 'FUßBALL' ) )
		);
		$this->assertNull( $engine->check( 'PasswordNotInWordLists', true, 'Alice', 'Fussball' ) );
	}

	public function testBrokenPatternDisablesOnlyItsCheck(): void {
		$engine = $this->engine( [ 'denyPatterns' => [ '(' ] ] );
		$this->assertStringContainsString( 'denyPatterns[0]', $engine->problems()[0] );
		try {
			$engine->check( 'PasswordCannotMatchDeniedPatterns', true, 'Alice', 'x' );
			$this->fail( 'no exception' );
		} catch ( EngineException $e ) {
			$this->assertSame( EngineException::CODE_UNAVAILABLE, $e->getCode() );
		}
		$this->assertTrue( $engine->inBreachCorpus( 'hunter2' ) );
	}

	public function testCodePointsAndNfkc(): void {
		$engine = $this->engine( [ 'normalizeNfkc' => true ] );
		// 15 code points, 30 bytes.
		$greek = 'αβγδεζηθικλμνξο';
		$this->assertNull( $engine->check( 'MinimalPasswordCodePoints', 15, 'Alice', $greek ) );
		$this->assertSame(
			[ [ 'message' => 'nativepasswordpolicy-password-too-few-characters', 'params' => [ '16' ], 'fatal' => false ] ],
			$engine->check( 'MinimalPasswordCodePoints', '16', 'Alice', $greek )
		);
		$this->assertSame(
			[ 'nativepasswordpolicy-password-too-many-characters' ],
			$this->messages( $engine->check( 'MaximalPasswordCodePoints', 14, 'Alice', $greek ) )
		);
		// With NFKC on, the fullwidth form of a breached password is breached too.
		$this->assertTrue( $engine->inBreachCorpus( 'ｈｕｎｔｅｒ２' ) );
		$this->assertFalse( $this->engine()->inBreachCorpus( 'ｈｕｎｔｅｒ２' ) );
	}

	public function testStrengthFeedback(): void {
		$failures = $this->engine()->check( 'MinimalPasswordStrength', 3, 'Alice', 'password' );
		$this->assertSame( 'nativepasswordpolicy-password-too-weak', $failures[0]['message'] );
		$this->assertSame( [ 3, 0 ], $failures[0]['params'] );
		$this->assertContains( 'nativepasswordpolicy-strength-warning-top10', $this->messages( $failures ) );
		$this->assertNull( $this->engine()->check( 'MinimalPasswordStrength', 4, 'Alice', 'vast-orbit-cobalt-mirror-91' ) );
		// A megabyte of adversarial input is answered (the estimate reads a bounded prefix; its
		// cost is measured by benches/breach-and-strength.sh).
		$failures = $this->engine()->check( 'MinimalPasswordStrength', 4, 'Alice', str_repeat( '0123456789', 100000 ) );
		$this->assertSame( 'nativepasswordpolicy-password-too-weak', $failures[0]['message'] );
	}

	public function testEveryNewMessageKeyIsTranslated(): void {
		$en = json_decode( file_get_contents( dirname( __DIR__, 2 ) . '/i18n/en.json' ), true );
		$engine = $this->engine();
		$keys = array_merge(
			$this->messages( $engine->check( 'MinimalPasswordStrength', 4, 'Alice', 'aaaaaaaa' ) ),
			$this->messages( $engine->check( 'PasswordNotInBreachCorpus', true, 'Alice', 'hunter2' ) )
		);
		foreach ( $keys as $key ) {
			$this->assertArrayHasKey( $key, $en );
		}
	}
}
