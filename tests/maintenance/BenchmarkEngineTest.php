<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Maintenance;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;

/**
 * maintenance/benchmarkEngine.php: a quick side-by-side run of core's PHP checks and the
 * native engine on this host. Only that it runs and reports is tested here, never a speed:
 * the numbers are the benchmarks' business (benches/RESULTS.md).
 *
 * @coversNothing
 */
class BenchmarkEngineTest extends MaintenanceTestCase {

	public function testQuickRunReportsEverySection(): void {
		$wiki = ThrowawayWiki::start();
		$json = $wiki->dir() . '/bench.json';
		try {
			[ $code, $out, $err ] = self::runScript( $wiki, 'benchmarkEngine.php',
				[ '--rounds', '1', '--round-ms', '1', '--processes', '1', '--json', $json ] );
			$results = json_decode( (string)@file_get_contents( $json ), true );
		} finally {
			$wiki->stop();
		}
		$this->assertSame( 0, $code, $out . $err );
		foreach ( [
			'Each check, over the mix (ns per check)',
			"A policy's checks through their callables, in order (ns per password)",
			'Whole policy through UserPasswordPolicy (ns per password)',
			"PasswordPoliciesForUser dispatch to the extension's handler",
			'Common-password lookup, filter loaded (ns per lookup)',
			'Common-password check, first call of a request (µs)',
		] as $section ) {
			$this->assertStringContainsString( $section, $out );
		}
		$this->assertMatchesRegularExpression( '/^PasswordNotInCommonList \(true\) +[\d,]+ +[\d,]+ +[\d.]+×/m', $out );
		$this->assertStringContainsString( 'native_password_policy 0.1.0', $out );
		$this->assertIsArray( $results );
		$this->assertSame( [ 'MinimalPasswordLength', 'MinimumPasswordLengthToLogin', 'PasswordCannotBeSubstringInUsername',
			'PasswordCannotMatchDefaults', 'MaximalPasswordLength', 'PasswordNotInCommonList' ],
			array_keys( $results['checks'] ) );
		foreach ( $results['checks'] as $check => $result ) {
			$this->assertGreaterThan( 0, $result['core']['median'], $check );
			$this->assertGreaterThan( 0, $result['native']['median'], $check );
		}
		$this->assertSame( [ 'default', 'sysop', 'bot' ], array_keys( $results['policies'] ) );
		$this->assertSame( [ 'default', 'sysop', 'bot' ], array_keys( $results['wholePolicies'] ) );
		foreach ( $results['policies'] as $label => $result ) {
			$this->assertGreaterThan( 0, $result['raw']['median'], $label );
		}
	}

	public function testRefusesToCompareWhenTheExtensionDoesNotRunTheChecks(): void {
		$wiki = ThrowawayWiki::start( [ 'settings' => '$wgNativePasswordPolicyReplaceCoreChecks = false;' ] );
		try {
			[ $code, $out, $err ] = self::runScript( $wiki, 'benchmarkEngine.php', [ '--rounds', '1' ] );
		} finally {
			$wiki->stop();
		}
		$this->assertSame( 1, $code );
		$this->assertStringContainsString( "\$wgPasswordPolicy['checks']['MinimalPasswordLength'] is not the extension's callable",
			$out . $err );
	}
}
