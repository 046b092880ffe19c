<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Unit\Policy;

use MediaWiki\Config\HashConfig;
use MediaWiki\Extension\NativePasswordPolicy\Policy\BeyondCoreChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Setup\SetupProblems;
use MediaWikiUnitTestCase;

/**
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Policy\BeyondCoreChecks
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks
 */
class BeyondCoreChecksTest extends MediaWikiUnitTestCase {

	private const MANIFEST = __DIR__ . '/../../../../extension.json';

	/** The defaults of extension.json, as MediaWiki would set them. */
	private static function defaults(): array {
		$manifest = json_decode( file_get_contents( self::MANIFEST ), true, 512, JSON_THROW_ON_ERROR );
		$settings = [ 'Sitename' => 'Acme Wiki' ];
		foreach ( BeyondCoreChecks::CONFIG_NAMES as $name ) {
			$settings[$name] = $manifest['config'][$name]['value'];
		}
		return $settings;
	}

	private static function engineConfig( array $settings ): array {
		return BeyondCoreChecks::engineConfig( new HashConfig( $settings + self::defaults() ) );
	}

	public function testEveryCallableIsThereAndRoundTrips(): void {
		$this->assertSame( [], array_intersect_key( BeyondCoreChecks::METHODS, CorePolicyChecks::METHODS ) );
		foreach ( BeyondCoreChecks::METHODS as $name => $method ) {
			$callable = NativePolicyChecks::callableFor( $name );
			$this->assertSame( [ NativePolicyChecks::class, $method ], $callable );
			$this->assertIsCallable( $callable );
			$this->assertSame( $name, NativePolicyChecks::nameOf( $callable ) );
			$this->assertSame( $name, NativePolicyChecks::nameOf( '\\' . NativePolicyChecks::class . "::$method" ) );
			$this->assertNull( CorePolicyChecks::nameOf( $callable ) );
		}
		$this->assertSame( [], array_diff_key( BeyondCoreChecks::CONTEXT_CHECKS, BeyondCoreChecks::METHODS ) );
	}

	public function testRegistrationOnlyFillsNamesTheOperatorLeftFree(): void {
		$operator = [
			'MinimalPasswordLength' => 'PasswordPolicyChecks::checkMinimalPasswordLength',
			'MinimalPasswordStrength' => 'MySite\\Strength::check',
		];
		$checks = BeyondCoreChecks::withChecks( $operator );
		$this->assertSame( $operator['MinimalPasswordLength'], $checks['MinimalPasswordLength'] );
		$this->assertSame( 'MySite\\Strength::check', $checks['MinimalPasswordStrength'] );
		$this->assertSame( NativePolicyChecks::callableFor( 'PasswordNotInBreachCorpus' ), $checks['PasswordNotInBreachCorpus'] );
		$this->assertCount( 2 + count( BeyondCoreChecks::METHODS ) - 1, $checks );
		$this->assertSame( $checks, BeyondCoreChecks::withChecks( $checks ), 'registering twice changes nothing' );
	}

	public function testDefaultsGiveOnlyTheSiteName(): void {
		$this->assertSame( [ 'siteName' => 'Acme Wiki' ], self::engineConfig( [] ) );
	}

	public function testEverySettingReachesTheEngineConfiguration(): void {
		$this->assertSame( [
			'siteName' => 'Acme Wiki',
			'breachCorpusFile' => '/srv/corpus.npp',
			'wordLists' => [
				[ 'path' => '/srv/de.txt', 'caseInsensitive' => false ],
				[ 'path' => '/srv/site.txt', 'caseInsensitive' => true ],
			],
			'denyWords' => [ 'acme', 'contoso' ],
			'denyPatterns' => [ '^\d+$' ],
			'normalizeNfkc' => true,
		], self::engineConfig( [
			'NativePasswordPolicyBreachCorpusFile' => '/srv/corpus.npp',
			'NativePasswordPolicyWordLists' => [ '/srv/de.txt', [ 'path' => '/srv/site.txt', 'caseInsensitive' => true ] ],
			'NativePasswordPolicyDenyWords' => [ 'a' => 'acme', 'c' => 'contoso' ],
			'NativePasswordPolicyDenyPatterns' => [ '^\d+$' ],
			'NativePasswordPolicyNormalizeNfkc' => true,
		] ) );
	}

	public static function provideInvalidSettings(): array {
		return [
			'corpus not a string' => [ 'NativePasswordPolicyBreachCorpusFile', [ '/srv/a' ], 'a file path or null' ],
			'word lists a string' => [ 'NativePasswordPolicyWordLists', '/srv/de.txt', 'an array' ],
			'word list without path' => [ 'NativePasswordPolicyWordLists', [ [ 'caseInsensitive' => true ] ], 'a list of file paths' ],
			'word list, misspelt key' => [ 'NativePasswordPolicyWordLists', [ [ 'path' => '/a', 'caseinsensitive' => true ] ],
				'a list of file paths' ],
			'word list, option not a bool' => [ 'NativePasswordPolicyWordLists', [ [ 'path' => '/a', 'caseInsensitive' => 'yes' ] ],
				'a list of file paths' ],
			'empty word list path' => [ 'NativePasswordPolicyWordLists', [ '' ], 'a list of file paths' ],
			'deny word not a string' => [ 'NativePasswordPolicyDenyWords', [ 'acme', 7 ], 'a list of strings' ],
			'deny patterns a string' => [ 'NativePasswordPolicyDenyPatterns', '^x', 'an array' ],
			'nfkc not a bool' => [ 'NativePasswordPolicyNormalizeNfkc', 1, 'true or false' ],
		];
	}

	/**
	 * @dataProvider provideInvalidSettings
	 */
	public function testInvalidSettingsAreLeftOutAndNamed( string $name, $value, string $expected ): void {
		SetupProblems::clear();
		$config = self::engineConfig( [ $name => $value ] + [ 'NativePasswordPolicyDenyWords' => [ 'acme' ] ] );
		$problems = SetupProblems::all();
		SetupProblems::clear();
		$this->assertStringStartsWith( "\$wg$name must be $expected", $problems["\$wg$name"] ?? '', 'recorded, not thrown' );
		if ( $name !== 'NativePasswordPolicyDenyWords' ) {
			$this->assertSame( [ 'acme' ], $config['denyWords'] ?? null, 'the other settings are kept' );
		}
	}

	public function testManifestDocumentsEverySetting(): void {
		$manifest = json_decode( file_get_contents( self::MANIFEST ), true, 512, JSON_THROW_ON_ERROR );
		$readme = file_get_contents( dirname( self::MANIFEST ) . '/README.md' );
		foreach ( BeyondCoreChecks::CONFIG_NAMES as $name ) {
			$this->assertArrayHasKey( $name, $manifest['config'] );
			$this->assertGreaterThan( 100, strlen( $manifest['config'][$name]['description'] ), $name );
			$this->assertStringContainsString( "| `\$wg$name` |", $readme, "README configuration row of $name" );
		}
		foreach ( array_keys( BeyondCoreChecks::METHODS ) as $check ) {
			$this->assertStringContainsString( "`$check`", $readme, "README documents $check" );
		}
	}
}
