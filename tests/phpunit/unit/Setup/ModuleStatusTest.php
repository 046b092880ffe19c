<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Unit\Setup;

use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWiki\Extension\NativePasswordPolicy\Setup\ModuleStatus;
use MediaWikiUnitTestCase;
use Psr\Log\AbstractLogger;

/**
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Setup\ModuleStatus
 */
class ModuleStatusTest extends MediaWikiUnitTestCase {

	private const BUILD = [
		'version' => '0.1.0',
		'commit' => 'a4b15886afa1',
		'rustc' => 'rustc 1.95.0 (59807616e 2026-04-14)',
		'profile' => 'release',
		'target' => 'x86_64-unknown-linux-gnu',
		'phpApi' => '20220829',
	];

	public function testHealthy(): void {
		$status = new ModuleStatus( '0.1.0', '0.1.0', self::BUILD );
		$this->assertTrue( $status->isLoaded() );
		$this->assertTrue( $status->versionMatches() );
		$this->assertTrue( $status->isHealthy() );
		$this->assertSame( [], $status->problems() );
		$this->assertSame( '0.1.0 (commit a4b15886afa1, rustc 1.95.0, release, x86_64-unknown-linux-gnu)',
			$status->describeBuild() );
		$logger = $this->logger();
		$status->logProblems( $logger );
		$this->assertSame( [], $logger->records );
	}

	public function testNotLoaded(): void {
		$status = new ModuleStatus( null, '0.1.0' );
		$this->assertFalse( $status->isLoaded() );
		$this->assertFalse( $status->isHealthy() );
		$this->assertNull( $status->describeBuild() );
		$problems = $status->problems();
		$this->assertCount( 1, $problems );
		$this->assertSame( 'nativepasswordpolicy-status-not-loaded', $problems[0]->getKey() );
		$this->assertSame( NativeModule::NAME, $problems[0]->getParams()[0]->getValue() );
		$logger = $this->logger();
		$status->logProblems( $logger );
		$this->assertSame( [ [ 'warning', 'The PHP module {module} is not loaded.' ] ],
			array_map( static fn ( $r ) => [ $r[0], $r[1] ], $logger->records ) );
	}

	public static function provideMismatches(): array {
		return [
			'older module' => [ '0.0.9', '0.1.0' ],
			'newer module' => [ '0.2.0', '0.1.0' ],
			'patch release differs' => [ '0.1.1', '0.1.0' ],
		];
	}

	/**
	 * @dataProvider provideMismatches
	 */
	public function testVersionMismatch( string $module, string $expected ): void {
		$status = new ModuleStatus( $module, $expected, [ 'version' => $module ] );
		$this->assertTrue( $status->isLoaded() );
		$this->assertFalse( $status->versionMatches() );
		$this->assertFalse( $status->isHealthy() );
		$this->assertSame( $module, $status->describeBuild() );
		[ $problem ] = $status->problems();
		$this->assertSame( 'nativepasswordpolicy-status-version-mismatch', $problem->getKey() );
		$this->assertSame( [ NativeModule::NAME, $module, $expected ],
			array_map( static fn ( $p ) => $p->getValue(), $problem->getParams() ) );
		$logger = $this->logger();
		$status->logProblems( $logger );
		$this->assertCount( 1, $logger->records );
		$this->assertSame( 'warning', $logger->records[0][0] );
		$this->assertSame( [ 'module' => NativeModule::NAME, 'moduleVersion' => $module, 'expectedVersion' => $expected ],
			$logger->records[0][2] );
	}

	public function testDetectReadsThisProcess(): void {
		$status = ModuleStatus::detect();
		$this->assertSame( NativeModule::EXPECTED_VERSION, $status->expectedVersion() );
		$this->assertSame( NativeModule::version(), $status->moduleVersion() );
		if ( $status->isLoaded() ) {
			$this->assertSame( $status->moduleVersion(), $status->buildInfo()['version'] );
		} else {
			$this->assertSame( [], $status->buildInfo() );
		}
	}

	private function logger(): AbstractLogger {
		return new class extends AbstractLogger {
			/** @var array[] */
			public array $records = [];

			public function log( $level, $message, array $context = [] ): void {
				$this->records[] = [ $level, (string)$message, $context ];
			}
		};
	}
}
