<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration;

use MediaWiki\Registration\ExtensionRegistry;
use MediaWikiIntegrationTestCase;

/**
 * Smoke test of the test pipeline (tests/mediawiki/run-extension-tests.sh): MediaWiki
 * has registered the extension and its messages in the test wiki.
 *
 * @coversNothing
 */
class ExtensionRegistrationTest extends MediaWikiIntegrationTestCase {

	public function testExtensionIsLoaded(): void {
		$this->assertTrue( ExtensionRegistry::getInstance()->isLoaded( 'NativePasswordPolicy' ) );
	}

	public function testDescriptionMessageExists(): void {
		$message = wfMessage( 'nativepasswordpolicy-desc' )->inLanguage( 'en' );
		$this->assertTrue( $message->exists(), 'nativepasswordpolicy-desc is registered' );
		$this->assertNotSame( '', $message->plain() );
	}
}
