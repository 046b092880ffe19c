<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Harness;

use RuntimeException;

/**
 * The module built with the test-only fault injection (cargo feature fault-injection), which the
 * tests that force panics load instead of the release module: the release module has no fault
 * injection at all. scripts/test.sh builds it and names it in NPP_FAULT_INJECTION_MODULE.
 */
final class FaultInjectionModule {

	/** The environment variable naming the build */
	public const VARIABLE = 'NPP_FAULT_INJECTION_MODULE';

	/** How the build is made (what scripts/test.sh runs) */
	public const BUILD = 'cargo build --release --locked --features fault-injection --target-dir target/fault-injection';

	/** The `php --ri` row of a build with fault injection starts so */
	private const COMPILED_IN = 'compiled in';

	/**
	 * The fault-injection build: NPP_FAULT_INJECTION_MODULE, else target/fault-injection/release/
	 * of this checkout. Fails loudly (never skips) when it is missing, is not a fault-injection
	 * build, or comes from another commit than $sameBuildAs (a stale build would test old code).
	 *
	 * @param string $sameBuildAs The module under test, whose commit and version it must have
	 * @throws RuntimeException
	 */
	public static function path( string $sameBuildAs ): string {
		$named = getenv( self::VARIABLE );
		$module = is_string( $named ) && $named !== ''
			? $named
			: dirname( __DIR__, 2 ) . '/target/fault-injection/release/libnative_password_policy.so';
		if ( !is_file( $module ) ) {
			throw new RuntimeException( "No fault-injection build of the module at $module: build it with\n  "
				. self::BUILD . "\n(scripts/test.sh does), or name one in " . self::VARIABLE );
		}
		$info = self::info( $module );
		if ( !str_starts_with( $info['fault injection'] ?? '', self::COMPILED_IN ) ) {
			throw new RuntimeException( "$module is not a fault-injection build (php --ri: fault injection => "
				. ( $info['fault injection'] ?? 'no such row; does this PHP load it?' ) . '): build it with ' . self::BUILD );
		}
		$expected = self::info( $sameBuildAs );
		foreach ( [ 'version', 'commit' ] as $field ) {
			if ( ( $info[$field] ?? null ) !== ( $expected[$field] ?? null ) ) {
				throw new RuntimeException( "$module has $field " . ( $info[$field] ?? '?' ) . ", the module under test "
					. "$sameBuildAs has " . ( $expected[$field] ?? '?' ) . ': rebuild it with ' . self::BUILD );
			}
		}
		return $module;
	}

	/** True when `php --ri` of the module says it has the fault injection. */
	public static function isCompiledIn( string $module ): bool {
		return str_starts_with( self::info( $module )['fault injection'] ?? '', self::COMPILED_IN );
	}

	/**
	 * What `php --ri native_password_policy` shows for a module, loaded alone into this PHP
	 * (no php.ini), as name => value.
	 *
	 * @return array<string,string> Empty when this PHP cannot load it
	 */
	public static function info( string $module ): array {
		exec( escapeshellarg( PHP_BINARY ) . ' -n -d ' . escapeshellarg( "extension=$module" )
			. ' --ri native_password_policy 2>/dev/null', $lines, $code );
		$rows = [];
		foreach ( $code === 0 ? $lines : [] as $line ) {
			$parts = explode( ' => ', $line, 2 );
			if ( count( $parts ) === 2 ) {
				$rows[$parts[0]] = $parts[1];
			}
		}
		return $rows;
	}
}
