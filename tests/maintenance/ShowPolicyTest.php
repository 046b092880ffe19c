<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Maintenance;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;

/**
 * maintenance/showPolicy.php: the merged policy of each group and which implementation runs
 * each check, as a table and as JSON.
 *
 * @coversNothing
 */
class ShowPolicyTest extends MaintenanceTestCase {

	private static ThrowawayWiki $native;
	private static ThrowawayWiki $coreChecks;

	public static function setUpBeforeClass(): void {
		self::$native = ThrowawayWiki::start( [
			'settings' => '$wgPasswordPolicy["policies"]["editor"] = [ "MinimalPasswordLength" => '
				. '[ "value" => 12, "forceChange" => true ] ];',
		] );
		self::$coreChecks = ThrowawayWiki::start( [
			'settings' => '$wgNativePasswordPolicyReplaceCoreChecks = false;'
				. '$wgPasswordPolicy["checks"]["PasswordCannotMatchDefaults"] = "strlen";',
		] );
	}

	public static function tearDownAfterClass(): void {
		self::$native->stop();
		self::$coreChecks->stop();
	}

	public function testTableOfEveryGroup(): void {
		[ $code, $out, $err ] = self::runScript( self::$native, 'showPolicy.php' );
		$this->assertSame( 0, $code, $err );
		$this->assertStringStartsWith( "Native module: 0.1.0\n", $out );
		// Every group of $wgPasswordPolicy['policies'], core's and the wiki's own.
		foreach ( [ 'bureaucrat', 'sysop', 'interface-admin', 'bot', 'default', 'editor' ] as $group ) {
			$this->assertMatchesRegularExpression( "/^$group$/m", $out );
		}
		$this->assertMatchesRegularExpression(
			'/^  PasswordNotInCommonList +true +suggestChangeOnLogin +native$/m', $out );
		// The editor group: its own value merged with the default policy, its flag kept.
		$editor = substr( $out, strpos( $out, "\neditor\n" ) );
		$this->assertMatchesRegularExpression( '/^  MinimalPasswordLength +12 +forceChange,suggestChangeOnLogin +native$/m', $editor );
		$this->assertMatchesRegularExpression( '/^  MaximalPasswordLength +4096 +suggestChangeOnLogin +native$/m', $editor );
	}

	public function testJsonOfOneGroup(): void {
		[ $code, $out ] = self::runScript( self::$native, 'showPolicy.php', [ '--group', 'sysop', '--json' ] );
		$this->assertSame( 0, $code );
		$report = json_decode( $out, true, 8, JSON_THROW_ON_ERROR );
		$this->assertSame( [ 'sysop' ], array_keys( $report ) );
		$this->assertSame( [
			'value' => 10, 'forceChange' => false, 'suggestChangeOnLogin' => true, 'implementation' => 'native',
		], $report['sysop']['MinimalPasswordLength'] );
		$this->assertSame( 1, $report['sysop']['MinimumPasswordLengthToLogin']['value'] );
		$this->assertCount( 6, $report['sysop'] );
	}

	public function testImplementationsWhenCoreChecksAreKept(): void {
		[ $code, $out ] = self::runScript( self::$coreChecks, 'showPolicy.php', [ '--group', 'default', '--json' ] );
		$this->assertSame( 0, $code );
		$report = json_decode( $out, true, 8, JSON_THROW_ON_ERROR )['default'];
		$this->assertSame( 'core PHP', $report['PasswordNotInCommonList']['implementation'] );
		$this->assertSame( 'PHP: strlen', $report['PasswordCannotMatchDefaults']['implementation'] );
	}
}
