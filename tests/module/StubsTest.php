<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Module;

use PHPUnit\Framework\Attributes\CoversNothing;
use PHPUnit\Framework\TestCase;
use ReflectionExtension;

/**
 * stubs/native_password_policy.stubs.php declares exactly the classes, methods and constants
 * of the loaded module. (scripts/stubs.sh --check, the `stubs` stage of scripts/test.sh,
 * regenerates the file from the Rust code and compares it whole.)
 *
 * @coversNothing
 */
#[CoversNothing]
class StubsTest extends TestCase {

	private const STUBS = __DIR__ . '/../../stubs/native_password_policy.stubs.php';

	public function testStubsMatchTheModule(): void {
		$stubs = file_get_contents( self::STUBS );
		$this->assertIsString( $stubs );
		$declared = [];
		$class = null;
		foreach ( explode( "\n", $stubs ) as $line ) {
			if ( preg_match( '/^\s*class (\w+)/', $line, $m ) ) {
				$class = "NativePasswordPolicy\\{$m[1]}";
				$declared[$class] = [];
			} elseif ( $class && preg_match( '/^\s*public (?:static )?function (\w+)\(/', $line, $m ) ) {
				$declared[$class][] = strtolower( $m[1] );
			} elseif ( $class && preg_match( '/^\s*public const (\w+) = (\d+);/', $line, $m ) ) {
				$declared[$class][] = "const {$m[1]} = {$m[2]}";
			}
		}

		$actual = [];
		foreach ( ( new ReflectionExtension( 'native_password_policy' ) )->getClasses() as $name => $reflection ) {
			$actual[$name] = [];
			foreach ( $reflection->getMethods() as $method ) {
				if ( $method->getDeclaringClass()->getName() === $name ) {
					$actual[$name][] = strtolower( $method->getName() );
				}
			}
			foreach ( $reflection->getReflectionConstants() as $constant ) {
				if ( $constant->getDeclaringClass()->getName() === $name ) {
					$actual[$name][] = "const {$constant->getName()} = {$constant->getValue()}";
				}
			}
		}
		$normalise = static function ( array $classes ): array {
			ksort( $classes );
			return array_map( static function ( array $members ): array {
				sort( $members );
				return $members;
			}, $classes );
		};
		$this->assertSame( $normalise( $actual ), $normalise( $declared ), 'run scripts/stubs.sh' );
	}
}
