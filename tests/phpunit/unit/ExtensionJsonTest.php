<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Unit;

use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWikiUnitTestCase;

/**
 * Smoke test of the unit-test pipeline (tests/mediawiki/run-extension-tests.sh), on the
 * manifest itself: no MediaWiki services, only the file.
 *
 * @coversNothing
 */
class ExtensionJsonTest extends MediaWikiUnitTestCase {

	private const EXTENSION_JSON = __DIR__ . '/../../../extension.json';

	private function readManifest(): array {
		$json = file_get_contents( self::EXTENSION_JSON );
		$this->assertIsString( $json, 'extension.json is readable' );
		$manifest = json_decode( $json, true, 512, JSON_THROW_ON_ERROR );
		$this->assertIsArray( $manifest );
		return $manifest;
	}

	public function testManifestVersion(): void {
		$this->assertSame( 2, $this->readManifest()['manifest_version'] ?? null );
	}

	public function testPsr4Namespace(): void {
		$namespaces = $this->readManifest()['AutoloadNamespaces'] ?? [];
		$this->assertSame( 'php/', $namespaces['MediaWiki\\Extension\\NativePasswordPolicy\\'] ?? null );
		$this->assertDirectoryExists( dirname( self::EXTENSION_JSON ) . '/php' );
	}

	/**
	 * The extension's version, the module version its PHP files expect and the crate version
	 * (the module's phpversion()) are one number: a release changes all three.
	 */
	public function testVersionsAgree(): void {
		$version = $this->readManifest()['version'] ?? null;
		$this->assertSame( NativeModule::EXPECTED_VERSION, $version );
		$cargo = file_get_contents( dirname( self::EXTENSION_JSON ) . '/Cargo.toml' );
		$this->assertMatchesRegularExpression( '/^\[package\][^\[]*^version = "' . preg_quote( $version, '/' ) . '"$/m', $cargo );
	}
}
