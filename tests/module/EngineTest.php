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
use TypeError;

/**
 * The module's PHP surface on its own: bytes in, compact arrays out, every failure an
 * EngineException with a code, never a crash.
 *
 * @coversNothing
 */
#[CoversNothing]
class EngineTest extends TestCase {

	private function engine( ?array $config = null ): Engine {
		return new Engine( json_encode( $config ?? [ 'commonPasswordsFile' => CommonPasswordsFile::path() ] ) );
	}

	public function testExceptionClassAndCodes(): void {
		$this->assertTrue( is_subclass_of( EngineException::class, \Exception::class ) );
		$this->assertSame( [ 1, 2, 3, 4 ], [ EngineException::CODE_CONFIG, EngineException::CODE_UNAVAILABLE,
			EngineException::CODE_INVALID_ARGUMENT, EngineException::CODE_INTERNAL ] );
		$this->assertSame( '0.1.0', phpversion( 'native_password_policy' ) );
	}

	public static function provideBrokenConfig(): array {
		return [
			'not JSON' => [ '{oops', 'key must be a string' ],
			'unknown key, named' => [ '{"commonPasswordFile": "/x"}', 'commonPasswordFile' ],
			'wrong type' => [ '{"commonPasswordsFile": 42}', 'invalid type' ],
			'not an object' => [ '[1,2]', 'invalid type' ],
			'invalid UTF-8' => [ "{\"commonPasswordsFile\": \"\xff\"}", 'invalid' ],
			'NUL byte' => [ "{\0}", 'invalid configuration' ],
		];
	}

	/**
	 * @dataProvider provideBrokenConfig
	 */
	#[DataProvider( 'provideBrokenConfig' )]
	public function testBrokenConfigIsAClearException( string $json, string $mentions ): void {
		try {
			new Engine( $json );
			$this->fail( 'no exception' );
		} catch ( EngineException $e ) {
			$this->assertSame( EngineException::CODE_CONFIG, $e->getCode() );
			$this->assertStringContainsString( $mentions, $e->getMessage() );
			$this->assertStringStartsWith( 'invalid configuration', $e->getMessage() );
			$this->assertSame( __FILE__, $e->getFile(), 'the exception points at the PHP caller' );
		}
	}

	public function testMissingOrBrokenFilterIsAProblemNotAFatal(): void {
		$brokenJson = tempnam( sys_get_temp_dir(), 'npp-common-' );
		file_put_contents( $brokenJson, '{"bit_array": {"len": 8}}' );
		$files = [
			'/nonexistent/common.json' => 'cannot read file',
			// A PHP file, but not a list of the shape of common.php: the line is named.
			__FILE__ => "not a common-password list (PHP array): line 2: expected 'return', found \"/**\"",
			$brokenJson => 'not a Bloom filter file',
			__DIR__ . '/phpunit.xml' => 'neither a Bloom filter',
		];
		try {
			$this->assertBrokenFilesAreProblems( $files );
		} finally {
			unlink( $brokenJson );
		}
	}

	/** @param array<string,string> $files file => what the problem says */
	private function assertBrokenFilesAreProblems( array $files ): void {
		foreach ( $files as $file => $why ) {
			$engine = $this->engine( [ 'commonPasswordsFile' => $file ] );
			$problems = $engine->problems();
			$this->assertCount( 1, $problems );
			$this->assertStringContainsString( $file, $problems[0] );
			$this->assertStringContainsString( $why, $problems[0] );
			$this->assertNull( $engine->check( 'MinimalPasswordLength', 1, 'A', 'abc' ), 'other checks still run' );
			try {
				$engine->check( 'PasswordNotInCommonList', true, 'A', 'password' );
				$this->fail( 'no exception' );
			} catch ( EngineException $e ) {
				$this->assertSame( EngineException::CODE_UNAVAILABLE, $e->getCode() );
			}
		}
	}

	public function testBytesAreData(): void {
		$engine = $this->engine();
		$this->assertNull( $engine->check( 'PasswordNotInCommonList', true, "\xff", "\xff\xfe\xfd\0\x80" ) );
		$this->assertSame(
			[ [ 'message' => 'password-substring-username-match', 'params' => [], 'fatal' => false ] ],
			$engine->check( 'PasswordCannotBeSubstringInUsername', true, "Na\0me\xff", "A\0ME\xff" )
		);
		$this->assertSame(
			[ [ 'message' => 'passwordtooshort', 'params' => [ "8\0" ], 'fatal' => false ] ],
			$engine->check( 'MinimalPasswordLength', "8\0", 'A', "x" ),
			'a value with a NUL byte is a non-numeric string, compared as PHP does'
		);
	}

	public function testMegabyteInputs(): void {
		$engine = $this->engine();
		$megabyte = str_repeat( "\xe2\x82\xac", 350_000 );
		$this->assertSame(
			[ [ 'message' => 'passwordtoolong', 'params' => [ 4096 ], 'fatal' => true ] ],
			$engine->check( 'MaximalPasswordLength', 4096, str_repeat( 'N', 1 << 20 ), $megabyte )
		);
		$this->assertNull( $engine->check( 'PasswordNotInCommonList', true, 'A', $megabyte ) );
		$this->assertNull( $engine->check( 'PasswordCannotBeSubstringInUsername', true, str_repeat( 'ab', 1 << 19 ), $megabyte ) );
	}

	public function testPolicyValuesKeepTheirPhpType(): void {
		$engine = $this->engine();
		foreach ( [ 10, '10', 10.0, ' 10', true ] as $value ) {
			$failures = $engine->check( 'MinimumPasswordLengthToLogin', $value, 'A', '' );
			$this->assertSame( [ $value ], $failures[0]['params'] );
			$this->assertTrue( $failures[0]['fatal'] );
		}
	}

	public function testWrongArgumentsAreRefused(): void {
		$engine = $this->engine();
		foreach ( [ [ 1 ], new \stdClass() ] as $value ) {
			try {
				$engine->check( 'MinimalPasswordLength', $value, 'A', 'b' );
				$this->fail( 'no exception for ' . gettype( $value ) );
			} catch ( EngineException $e ) {
				$this->assertSame( EngineException::CODE_INVALID_ARGUMENT, $e->getCode() );
				$this->assertStringContainsString( 'scalars', $e->getMessage() );
			}
		}
		try {
			$engine->check( 'NoSuchCheck', 1, 'A', 'b' );
			$this->fail( 'no exception' );
		} catch ( EngineException $e ) {
			$this->assertStringContainsString( "unknown check 'NoSuchCheck'", $e->getMessage() );
		}
		foreach ( [ [ 'not an array' ], [ [ 'check' => 42, 'value' => 1 ] ], [ [ 'check' => 'MinimalPasswordLength' ] ] ] as $entries ) {
			try {
				$engine->evaluate( 'A', 'b', $entries );
				$this->fail( 'no exception for ' . json_encode( $entries ) );
			} catch ( EngineException $e ) {
				$this->assertSame( EngineException::CODE_INVALID_ARGUMENT, $e->getCode() );
			}
		}
		$this->expectException( TypeError::class );
		$engine->check( 'MinimalPasswordLength', 1, 'A', 12345 );
	}

	public function testEvaluateReportsEntriesFlagsAndExternalResults(): void {
		$verdict = $this->engine()->evaluate( 'Useruser', 'Passpass', [
			[ 'check' => 'MinimalPasswordLength', 'value' => 10, 'suggestChangeOnLogin' => true ],
			[ 'good' => true, 'ok' => true, 'forceChange' => true ],
			[ 'check' => 'PasswordCannotMatchDefaults', 'value' => true, 'forceChange' => true ],
			[ 'check' => 'PasswordNotInCommonList', 'value' => true ],
		] );
		$this->assertSame( [
			'failures' => [
				[ 'entry' => 0, 'message' => 'passwordtooshort', 'params' => [ 10 ], 'fatal' => false ],
				[ 'entry' => 2, 'message' => 'password-login-forbidden', 'params' => [], 'fatal' => false ],
			],
			'forceChange' => true,
			'suggestChangeOnLogin' => false,
		], $verdict );
	}

	public function testEvaluatePolicyAnswersByNameAndBuildsNoArrayWhenAllPass(): void {
		$engine = $this->engine();
		$checks = [
			'MinimalPasswordLength' => 'MinimalPasswordLength',
			'SiteMaximum' => 'MaximalPasswordLength',
			'PasswordCannotMatchDefaults' => 'PasswordCannotMatchDefaults',
			'PasswordNotInCommonList' => 'PasswordNotInCommonList',
		];
		$policy = [
			'MinimalPasswordLength' => [ 'value' => '10', 'suggestChangeOnLogin' => true ],
			'SiteMaximum' => 4096,
			'PasswordCannotMatchDefaults' => [ 'value' => true ],
			// Not evaluated: the caller runs it (no native check named), or core does (an array value).
			'NoDigitsOnly' => true,
			'PasswordNotInCommonList' => [ 'value' => [ 'an array' ] ],
		];
		$this->assertSame( 3, $engine->evaluatePolicy( 'Example', 'Correct-Horse-Battery', $policy, $checks ) );
		$this->assertSame( [
			'evaluated' => 3,
			'failures' => [
				// The parameter is the configured value, of its PHP type.
				'MinimalPasswordLength' => [ [ 'message' => 'passwordtooshort', 'params' => [ '10' ], 'fatal' => false ] ],
				'PasswordCannotMatchDefaults' => [ [ 'message' => 'password-login-forbidden', 'params' => [], 'fatal' => false ] ],
			],
			'unavailable' => [],
		], $engine->evaluatePolicy( 'Useruser', 'Passpass', $policy, $checks ) );
		// Each answer is what check() gives for that entry alone.
		$this->assertSame(
			[ [ 'message' => 'passwordtooshort', 'params' => [ '10' ], 'fatal' => false ] ],
			$engine->check( 'MinimalPasswordLength', '10', 'Useruser', 'Passpass' )
		);
	}

	public function testEvaluatePolicyReadsEveryShapeOfPhpArray(): void {
		// The module reads the policy's own storage: deleted elements, integer keys, lists,
		// references and arrays grown past their first size must all read as PHP reads them.
		$engine = $this->engine();
		$checks = [ 'MinimalPasswordLength' => 'MinimalPasswordLength', 'MaximalPasswordLength' => 'MaximalPasswordLength' ];
		$policy = [ 'Gone' => 1, 7 => 'an integer key', 'MinimalPasswordLength' => [ 'x' => 1, 'value' => 30 ] ];
		for ( $i = 0; $i < 40; $i++ ) {
			$policy["Filler$i"] = $i;
		}
		// Unset after the growth, which compacts: these stay as holes in the storage.
		unset( $policy['Gone'], $policy['Filler0'], $policy['Filler39'], $policy['MinimalPasswordLength']['x'] );
		$maximum = 5;
		$policy['MaximalPasswordLength'] = [ 'value' => &$maximum ];
		$maximum = 6;
		$verdict = $engine->evaluatePolicy( 'Example', 'Correct-Horse-Battery', $policy, $checks );
		$this->assertSame( 2, $verdict['evaluated'] );
		$this->assertSame( [ 'MinimalPasswordLength', 'MaximalPasswordLength' ], array_keys( $verdict['failures'] ) );
		$this->assertSame( [ 30 ], $verdict['failures']['MinimalPasswordLength'][0]['params'] );
		$this->assertSame( [ 6 ], $verdict['failures']['MaximalPasswordLength'][0]['params'] );
		// A list has no names: nothing in it is a policy entry, nor is a value's list.
		$this->assertSame( 0, $engine->evaluatePolicy( 'Example', 'x', [ 30, 40 ], $checks ) );
		$this->assertSame( 0, $engine->evaluatePolicy( 'Example', 'x', [ 'MinimalPasswordLength' => [ 30 ] ], $checks ) );
		$this->assertSame( 0, $engine->evaluatePolicy( 'Example', 'x', [], $checks ) );
	}

	public function testEvaluatePolicyReportsAnEntryThatCannotRunAlone(): void {
		$verdict = ( new Engine( '{}' ) )->evaluatePolicy( 'Example', "Zq9\0secret", [
			'MinimalPasswordLength' => 20,
			'PasswordNotInCommonList' => true,
		], [ 'MinimalPasswordLength' => 'MinimalPasswordLength', 'PasswordNotInCommonList' => 'PasswordNotInCommonList' ] );
		$this->assertSame( 2, $verdict['evaluated'] );
		$this->assertSame( [ 'MinimalPasswordLength' ], array_keys( $verdict['failures'] ) );
		$this->assertSame( [ 'PasswordNotInCommonList' ], array_keys( $verdict['unavailable'] ) );
		$this->assertStringContainsString( 'not loaded', $verdict['unavailable']['PasswordNotInCommonList'] );
		$this->assertStringNotContainsString( 'Zq9', $verdict['unavailable']['PasswordNotInCommonList'] );
	}

	public function testEvaluatePolicyRefusesAnUnknownCheckName(): void {
		$this->expectException( EngineException::class );
		$this->expectExceptionCode( EngineException::CODE_INVALID_ARGUMENT );
		$this->engine()->evaluatePolicy( 'Example', 'x', [ 'A' => 1 ], [ 'A' => 'NoSuchCheck' ] );
	}
}
