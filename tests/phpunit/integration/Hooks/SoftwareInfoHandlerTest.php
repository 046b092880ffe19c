<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration\Hooks;

use MediaWiki\Extension\NativePasswordPolicy\Hooks\SoftwareInfoHandler;
use MediaWiki\Extension\NativePasswordPolicy\Setup\ModuleStatus;
use MediaWikiIntegrationTestCase;

/**
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Hooks\SoftwareInfoHandler
 */
class SoftwareInfoHandlerTest extends MediaWikiIntegrationTestCase {

	private const NAME = 'Native password policy module (native_password_policy)';

	protected function setUp(): void {
		parent::setUp();
		$this->setUserLang( 'en' );
	}

	private function software( ModuleStatus $status ): array {
		$software = [ '[https://php.net/ PHP]' => PHP_VERSION ];
		( new SoftwareInfoHandler( $status ) )->onSoftwareInfo( $software );
		return $software;
	}

	public function testHealthyModuleShowsItsBuild(): void {
		$software = $this->software( new ModuleStatus( '0.1.0', '0.1.0', [
			'version' => '0.1.0', 'commit' => 'a4b15886afa1', 'rustc' => 'rustc 1.95.0 (x)',
			'profile' => 'release', 'target' => 'x86_64-unknown-linux-gnu',
		] ) );
		$this->assertSame( PHP_VERSION, $software['[https://php.net/ PHP]'], 'other rows are kept' );
		$this->assertSame( '0.1.0 (commit a4b15886afa1, rustc 1.95.0, release, x86_64-unknown-linux-gnu)',
			$software[self::NAME] );
	}

	public function testMismatchIsShownAsAnError(): void {
		$row = $this->software( new ModuleStatus( '0.0.9', '0.1.0' ) )[self::NAME];
		$this->assertStringStartsWith( '0.0.9<br /><span class="error">', $row );
		$this->assertStringContainsString(
			'The PHP module native_password_policy is version 0.0.9, but the extension\'s files are version 0.1.0.',
			$row
		);
	}

	public function testMissingModuleIsShownAsAnError(): void {
		$row = $this->software( new ModuleStatus( null, '0.1.0' ) )[self::NAME];
		$this->assertStringStartsWith( '<span class="error">The PHP module native_password_policy is not loaded', $row );
	}

	public function testTheMessagesNameTheFix(): void {
		$row = $this->software( new ModuleStatus( null, '0.1.0' ) )[self::NAME];
		$this->assertStringContainsString( '<code>phpenmod native_password_policy</code>', $row );
		$this->assertStringContainsString( '<code>$wgNativePasswordPolicyAllowCoreFallback = true;</code>', $row );
		$this->assertSame( 2, substr_count( $row, '<span class="error">' ) );
	}

	public function testInvalidSettingsAreShownAsPlainText(): void {
		$row = $this->software( new ModuleStatus( '0.1.0', '0.1.0', [], null, false, [
			'$wgPasswordConfig[\'argon2\']' => "\$wgPasswordConfig['argon2']: time_cost must be 1 to 1024, not 0. ''Fix'' it.",
		] ) )[self::NAME];
		$this->assertStringContainsString( 'Invalid setting, left unused until it is fixed in LocalSettings.php: ', $row );
		$this->assertStringContainsString( "time_cost must be 1 to 1024, not 0. &#039;&#039;Fix&#039;&#039; it.", $row,
			'escaped for wikitext' );
	}

	/**
	 * The registered service shows what the wiki's setup does to the queued reset path: here
	 * jobs run in web requests and the rate limit is counted in the test's per-process cache.
	 */
	public function testResetPathProblemsAreShown(): void {
		$this->overrideConfigValues( [
			'JobRunRate' => 1,
			'RateLimits' => [ 'mailpassword' => [ 'ip' => [ 5, 3600 ] ] ],
			'MainCacheType' => CACHE_HASH,
			'StatsCacheType' => CACHE_HASH,
			'MicroStashType' => CACHE_HASH,
		] );
		$software = [];
		( new SoftwareInfoHandler( $this->getServiceContainer()->getService( 'NativePasswordPolicy.ModuleStatus' ) ) )
			->onSoftwareInfo( $software );
		$row = $software[self::NAME];
		$this->assertStringContainsString( 'Password resets are queued as jobs, but <code>$wgJobRunRate</code> is 1', $row );
		$this->assertStringContainsString( '<code>$wgJobRunRate = 0;</code>', $row );
		$this->assertStringContainsString( 'which keeps nothing from one request to the next', $row );

		$this->overrideConfigValues( [ 'JobRunRate' => 0, 'RateLimits' => [ 'mailpassword' => [] ] ] );
		$software = [];
		( new SoftwareInfoHandler( $this->getServiceContainer()->getService( 'NativePasswordPolicy.ModuleStatus' ) ) )
			->onSoftwareInfo( $software );
		$this->assertStringNotContainsString( 'class="error"', $software[self::NAME] );
	}

	public function testRegisteredServiceDescribesThisProcess(): void {
		$status = $this->getServiceContainer()->getService( 'NativePasswordPolicy.ModuleStatus' );
		$this->assertInstanceOf( ModuleStatus::class, $status );
		$this->assertTrue( $status->isHealthy(), 'the tests run with the module of this checkout' );
	}
}
