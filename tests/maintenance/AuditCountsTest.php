<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Maintenance;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;

/**
 * maintenance/auditCounts.php: the audit mode counts as a table and as JSON, counted by
 * core's own password checks in another process (checkPassword.php), read from the main stash;
 * and what it says when no check runs in audit mode.
 *
 * @coversNothing
 */
class AuditCountsTest extends MaintenanceTestCase {

	private static ThrowawayWiki $audited;
	private static ThrowawayWiki $plain;

	public static function setUpBeforeClass(): void {
		self::$audited = ThrowawayWiki::start( [
			'settings' => '$wgNativePasswordPolicyAudit = [ "sysop" => [ "MinimalPasswordCodePoints" => 30 ] ];',
		] );
		self::$audited->createUsers( [ [ 'name' => 'Audited Admin', 'password' => 'Kq3vLp9x-Wm4tRz8y', 'groups' => [ 'sysop' ] ] ] );
		self::$plain = ThrowawayWiki::start();
	}

	public static function tearDownAfterClass(): void {
		self::$audited->stop();
		self::$plain->stop();
	}

	public function testCountsOfAnotherProcessAsJsonAndTable(): void {
		[ $code, $out ] = self::runScript( self::$audited, 'auditCounts.php', [ '--json' ] );
		$this->assertSame( 0, $code );
		$this->assertSame( [
			[ 'group' => 'sysop', 'check' => 'MinimalPasswordCodePoints', 'event' => 'login', 'count' => 0 ],
			[ 'group' => 'sysop', 'check' => 'MinimalPasswordCodePoints', 'event' => 'change', 'count' => 0 ],
			[ 'group' => 'sysop', 'check' => 'MinimalPasswordCodePoints', 'event' => 'create', 'count' => 0 ],
		], json_decode( $out, true, 8, JSON_THROW_ON_ERROR ) );

		// 17 characters: refused by nothing enforced, would fail the audited 30.
		[ $code, $out, $err ] = self::runScript( self::$audited, 'checkPassword.php', [ '--user', 'Audited Admin' ], "Kq3vLp9x-Wm4tRz8y\n" );
		$this->assertSame( 0, $code, "Good: audit refuses nothing. $out $err" );

		[ $code, $out ] = self::runScript( self::$audited, 'auditCounts.php' );
		$this->assertSame( 0, $code );
		$this->assertMatchesRegularExpression( '/^group +check +event +would fail$/m', $out );
		$this->assertMatchesRegularExpression( '/^sysop +MinimalPasswordCodePoints +change +1$/m', $out );
		$this->assertMatchesRegularExpression( '/^sysop +MinimalPasswordCodePoints +login +0$/m', $out );
	}

	public function testWithoutAuditedChecks(): void {
		[ $code, $out ] = self::runScript( self::$plain, 'auditCounts.php' );
		$this->assertSame( 0, $code );
		$this->assertSame( "No check runs in audit mode (\$wgNativePasswordPolicyAudit is empty).\n", $out );
		[ , $out ] = self::runScript( self::$plain, 'auditCounts.php', [ '--json' ] );
		$this->assertSame( [], json_decode( $out, true ) );
	}
}
