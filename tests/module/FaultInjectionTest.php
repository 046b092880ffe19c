<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Module;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\FaultInjectionModule;
use NativePasswordPolicy\EngineException;
use PHPUnit\Framework\Attributes\CoversNothing;
use PHPUnit\Framework\Attributes\DataProvider;
use PHPUnit\Framework\TestCase;
use ReflectionExtension;

/**
 * A panic in the module never reaches PHP: in the fault-injection build (cargo feature
 * fault-injection, named by NPP_FAULT_INJECTION_MODULE; see FaultInjectionModule), the test-only
 * variable NATIVE_PASSWORD_POLICY_FAULT_INJECTION=panic:<method> makes each exported method panic
 * on purpose, and a PHP process calling it gets an EngineException with CODE_INTERNAL (no
 * password in it, nothing on stderr) and goes on running. The module under test (the release
 * build this PHP loaded) has no fault injection: the variable changes nothing there.
 *
 * @coversNothing
 */
#[CoversNothing]
class FaultInjectionTest extends TestCase {

	private const VARIABLE = 'NATIVE_PASSWORD_POLICY_FAULT_INJECTION';
	private const CHILD = __DIR__ . '/fixtures/call-module.php';
	private const PASSWORD = 'Fault-Injection-Secret-7Qx9';

	/** The module this PHP process loaded (the one under test), from its memory map. */
	private static function module(): string {
		foreach ( file( '/proc/self/maps', FILE_IGNORE_NEW_LINES ) ?: [] as $line ) {
			if ( preg_match( '~(/\S*native_password_policy\S*\.so)$~', $line, $m ) ) {
				return $m[1];
			}
		}
		self::fail( 'the native_password_policy module is not mapped into this process' );
	}

	/** The fault-injection build of the same commit; fails the test when there is none. */
	private static function faultInjectionModule(): string {
		return FaultInjectionModule::path( self::module() );
	}

	/**
	 * Runs the child with a fresh PHP (no php.ini) that loads $module.
	 *
	 * @return array{0:int,1:string,2:string} exit code, stdout, stderr
	 */
	private static function child( string $module, array $args, ?string $faults ): array {
		$env = getenv();
		unset( $env[self::VARIABLE] );
		if ( $faults !== null ) {
			$env[self::VARIABLE] = $faults;
		}
		$command = array_merge( [ PHP_BINARY, '-n', '-d', "extension=$module", self::CHILD ], $args );
		$process = proc_open( $command, [ 1 => [ 'pipe', 'w' ], 2 => [ 'pipe', 'w' ] ], $pipes, null, $env );
		self::assertIsResource( $process );
		$stdout = stream_get_contents( $pipes[1] );
		$stderr = stream_get_contents( $pipes[2] );
		fclose( $pipes[1] );
		fclose( $pipes[2] );
		return [ proc_close( $process ), $stdout, $stderr ];
	}

	/** @return array{outcomes:array,other:bool} */
	private static function report( string $stdout ): array {
		$lines = explode( "\n", trim( $stdout ) );
		self::assertCount( 2, $lines, $stdout );
		self::assertSame( 'after', $lines[1], 'the statement after the calls ran' );
		return json_decode( $lines[0], true, 8, JSON_THROW_ON_ERROR );
	}

	public static function provideMethods(): array {
		$methods = [];
		foreach ( ( new ReflectionExtension( 'native_password_policy' ) )->getClasses() as $class ) {
			if ( $class->getName() === EngineException::class ) {
				continue;
			}
			foreach ( $class->getMethods() as $method ) {
				$name = $class->getShortName() . '::' . $method->getName();
				$methods[$name] = [ $name ];
			}
		}
		return $methods;
	}

	public function testTheChildCallsEveryExportedMethod(): void {
		[ $code, $stdout ] = self::child( self::module(), [ '--list', '' ], null );
		$this->assertSame( 0, $code );
		$listed = json_decode( $stdout, true );
		$exported = array_keys( self::provideMethods() );
		sort( $listed );
		sort( $exported );
		$this->assertSame( $exported, $listed );
		$this->assertGreaterThanOrEqual( 21, count( $exported ) );
	}

	/**
	 * @dataProvider provideMethods
	 */
	#[DataProvider( 'provideMethods' )]
	public function testAPanicBecomesAnInternalEngineException( string $method ): void {
		[ $code, $stdout, $stderr ] = self::child( self::faultInjectionModule(), [ $method, self::PASSWORD ], "panic:$method" );
		$this->assertSame( 0, $code, "exit code; stderr: $stderr" );
		$this->assertSame( '', $stderr, 'the panic hook prints nothing' );
		$report = self::report( $stdout );
		$this->assertCount( 2, $report['outcomes'] );
		foreach ( $report['outcomes'] as $outcome ) {
			$this->assertSame( EngineException::class, $outcome['class'] ?? null, $stdout );
			$this->assertSame( EngineException::CODE_INTERNAL, $outcome['code'] );
			$this->assertStringStartsWith( "internal error in native_password_policy: $method panicked at src/php/exception.rs:",
				$outcome['message'] );
			$this->assertStringContainsString( 'fault injected', $outcome['message'] );
			$this->assertStringNotContainsString( self::PASSWORD, $outcome['message'] );
		}
		$this->assertTrue( $report['other'], 'another method of the module still answers' );
	}

	public static function provideControls(): array {
		return [
			'not set' => [ null ],
			'another method' => [ 'panic:Engine::evaluate' ],
			'not a panic specification' => [ 'Engine::check' ],
		];
	}

	/**
	 * @dataProvider provideControls
	 */
	#[DataProvider( 'provideControls' )]
	public function testMethodsNotNamedRunNormally( ?string $faults ): void {
		[ $code, $stdout, $stderr ] = self::child( self::faultInjectionModule(), [ 'Engine::check', self::PASSWORD ], $faults );
		$this->assertSame( 0, $code, $stderr );
		$this->assertSame( [ [ 'returned' => true ], [ 'returned' => true ] ], self::report( $stdout )['outcomes'] );
	}

	public function testAScriptCannotSwitchItOn(): void {
		// The variable is read once, at module startup; putenv() in a request comes too late.
		[ $code, $stdout, $stderr ] = self::child( self::faultInjectionModule(), [ 'Engine::check', self::PASSWORD, 'putenv' ], null );
		$this->assertSame( 0, $code, $stderr );
		$this->assertSame( [ [ 'returned' => true ], [ 'returned' => true ] ], self::report( $stdout )['outcomes'] );
	}

	public function testPhpRiTellsTheBuildsApart(): void {
		$this->assertSame( 'not compiled in', FaultInjectionModule::info( self::module() )['fault injection'] ?? null,
			'the module under test is a build without fault injection' );
		$this->assertTrue( FaultInjectionModule::isCompiledIn( self::faultInjectionModule() ) );
	}

	/**
	 * The module operators install: with the variable set for every method, each method answers
	 * exactly as without it (nothing reads the variable in this build), never CODE_INTERNAL.
	 *
	 * @dataProvider provideMethods
	 */
	#[DataProvider( 'provideMethods' )]
	public function testTheModuleUnderTestIgnoresTheVariable( string $method ): void {
		[ $code, $stdout, $stderr ] = self::child( self::module(), [ $method, self::PASSWORD ], 'panic:*' );
		$this->assertSame( 0, $code, "exit code; stderr: $stderr" );
		$this->assertSame( '', $stderr );
		$report = self::report( $stdout );
		[ , $unset ] = self::child( self::module(), [ $method, self::PASSWORD ], null );
		$this->assertSame( self::report( $unset ), $report );
		foreach ( $report['outcomes'] as $outcome ) {
			$this->assertNotSame( EngineException::CODE_INTERNAL, $outcome['code'] ?? null, $stdout );
		}
		$this->assertTrue( $report['other'] );
	}
}
