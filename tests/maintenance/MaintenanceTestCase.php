<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Maintenance;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;
use PHPUnit\Framework\TestCase;

/**
 * Runs a maintenance script of this checkout against a throwaway wiki, as an operator would
 * (through core's runScript.php, with the wiki's settings and the module).
 */
abstract class MaintenanceTestCase extends TestCase {

	protected const REPO = __DIR__ . '/../..';

	/**
	 * @param ThrowawayWiki $wiki
	 * @param string $script File name in maintenance/
	 * @param string[] $args
	 * @param string|null $stdin
	 * @return array{0:int,1:string,2:string} Exit code, stdout, stderr
	 */
	protected static function runScript( ThrowawayWiki $wiki, string $script, array $args = [], ?string $stdin = null ): array {
		return $wiki->php( array_merge(
			[ $wiki->coreDir() . '/maintenance/runScript.php', realpath( self::REPO . "/maintenance/$script" ) ],
			$args
		), $stdin );
	}
}
