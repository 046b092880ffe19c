<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Unit\Setup;

use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWiki\Extension\NativePasswordPolicy\Reset\ResetDeployment;
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

	public function testNotLoadedRefusesByDefault(): void {
		$status = new ModuleStatus( null, '0.1.0' );
		$this->assertFalse( $status->isLoaded() );
		$this->assertFalse( $status->isHealthy() );
		$this->assertTrue( $status->refusesPasswordOperations() );
		$this->assertNull( $status->describeBuild() );
		$problems = $status->problems();
		$this->assertSame( [ 'nativepasswordpolicy-status-not-loaded', 'nativepasswordpolicy-status-refusing' ],
			array_map( static fn ( $p ) => $p->getKey(), $problems ) );
		$this->assertSame( NativeModule::NAME, $problems[0]->getParams()[0]->getValue() );
		$lines = $status->englishProblems();
		$this->assertCount( 2, $lines );
		$this->assertStringStartsWith( 'The PHP module native_password_policy is not loaded. Install it', $lines[0] );
		$this->assertStringContainsString( 'phpenmod native_password_policy', $lines[0] );
		$this->assertStringContainsString( 'are refused', $lines[1] );
		$this->assertStringContainsString( '$wgNativePasswordPolicyAllowCoreFallback = true', $lines[1] );
		$logger = $this->logger();
		$status->logProblems( $logger );
		$this->assertSame( [ [ 'warning', $lines[0] ], [ 'warning', $lines[1] ] ],
			array_map( static fn ( $r ) => [ $r[0], $r[1] ], $logger->records ) );
	}

	public function testNotLoadedWithCoreFallbackAllowed(): void {
		$status = new ModuleStatus( null, '0.1.0', [], null, true );
		$this->assertFalse( $status->refusesPasswordOperations() );
		$this->assertSame( [ 'nativepasswordpolicy-status-not-loaded', 'nativepasswordpolicy-status-core-fallback' ],
			array_map( static fn ( $p ) => $p->getKey(), $status->problems() ) );
		$this->assertStringContainsString( 'checks beyond core are skipped', $status->englishProblems()[1] );
	}

	public function testConfiguredButNotLoadedNamesTheIniFile(): void {
		$status = new ModuleStatus( null, '0.1.0', [], [
			'iniFile' => '/etc/php/8.2/fpm/conf.d/20-native_password_policy.ini',
			'module' => 'native_password_policy.so',
		] );
		[ $problem ] = $status->problems();
		$this->assertSame( 'nativepasswordpolicy-status-load-failed', $problem->getKey() );
		$this->assertSame(
			[ NativeModule::NAME, 'native_password_policy.so', '/etc/php/8.2/fpm/conf.d/20-native_password_policy.ini',
				PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION ],
			array_map( static fn ( $p ) => $p->getValue(), $problem->getParams() )
		);
		$this->assertStringContainsString(
			'is configured (native_password_policy.so in /etc/php/8.2/fpm/conf.d/20-native_password_policy.ini) '
				. 'but PHP could not load it: it was built for another PHP version',
			$status->englishProblems()[0]
		);
	}

	public function testInvalidSettingsAreProblemsEvenWhenLoaded(): void {
		$status = new ModuleStatus( '0.1.0', '0.1.0', self::BUILD, null, false, [
			'$wgNativePasswordPolicyTemporaryPasswordLength' => '$wgNativePasswordPolicyTemporaryPasswordLength: too short.',
		] );
		$this->assertTrue( $status->isHealthy(), 'the module itself is fine' );
		[ $problem ] = $status->problems();
		$this->assertSame( 'nativepasswordpolicy-status-setting', $problem->getKey() );
		$this->assertSame( '$wgNativePasswordPolicyTemporaryPasswordLength: too short.', $problem->getParams()[0]->getValue() );
		$this->assertSame( [ 'Invalid setting: $wgNativePasswordPolicyTemporaryPasswordLength: too short.' ],
			$status->englishProblems() );
	}

	public function testProblemsOfTheResetPathAreReported(): void {
		$problem = ResetDeployment::jobRunRateProblem( 1 );
		$status = new ModuleStatus( '0.1.0', '0.1.0', self::BUILD, null, false, [], [], [ $problem ] );
		$this->assertTrue( $status->isHealthy(), 'the module itself is fine' );
		[ $message ] = $status->problems();
		$this->assertSame( 'nativepasswordpolicy-status-reset-jobrunrate', $message->getKey() );
		$this->assertSame( [ '1' ], array_map( static fn ( $p ) => $p->getValue(), $message->getParams() ) );
		$this->assertSame( [ $problem['english'] ], $status->englishProblems() );
		$logger = $this->logger();
		$status->logProblems( $logger );
		$this->assertSame( [ [ 'warning', $problem['english'], [] ] ], $logger->records );
		$this->assertContains( $problem['english'], ModuleStatus::detect( false, [ $problem ] )->englishProblems(),
			'detect() passes them on' );
	}

	public function testChecksLeftInPhpAreReported(): void {
		$status = new ModuleStatus( '0.1.0', '0.1.0', self::BUILD, null, false, [], [
			'MinimalPasswordLength' => [ 'callable' => 'MySite\\Checks::length', 'coreCheck' => false ],
			'PasswordNotPwned' => [ 'callable' => 'MediaWiki\\Password\\PasswordPolicyChecks::checkPasswordNotPwned', 'coreCheck' => true ],
		] );
		$this->assertTrue( $status->isHealthy(), 'the module itself is fine' );
		[ $custom, $notImplemented ] = $status->problems();
		$this->assertSame( 'nativepasswordpolicy-status-check-custom', $custom->getKey() );
		$this->assertSame( [ 'MinimalPasswordLength', 'MySite\\Checks::length' ],
			array_map( static fn ( $param ) => $param->getValue(), $custom->getParams() ) );
		$this->assertSame( 'nativepasswordpolicy-status-check-not-implemented', $notImplemented->getKey() );
		$this->assertSame( 'PasswordNotPwned', $notImplemented->getParams()[0]->getValue() );
		[ $customLine, $notImplementedLine ] = $status->englishProblems();
		$this->assertStringStartsWith( 'The password check MinimalPasswordLength runs MySite\\Checks::length in PHP', $customLine );
		$this->assertStringContainsString( "\$wgPasswordPolicy['checks']['MinimalPasswordLength']", $customLine );
		$this->assertStringStartsWith( "The password check PasswordNotPwned runs MediaWiki's "
			. 'MediaWiki\\Password\\PasswordPolicyChecks::checkPasswordNotPwned in PHP', $notImplementedLine );
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
		$this->assertSame( "The PHP module native_password_policy is version $module, but the extension files are "
			. "version $expected: install the module and the extension of the same release.", $logger->records[0][1] );
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
