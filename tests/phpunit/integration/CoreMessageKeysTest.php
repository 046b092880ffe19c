<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Unit\MessageKeysTest;
use MediaWiki\MainConfigNames;
use MediaWikiIntegrationTestCase;

/**
 * The keys the module returns for core's six checks are core's own English messages, so the
 * extension does not ship them: they are in one of the directories core's LocalisationCache
 * reads for core itself (languages/i18n in 1.39, languages/i18n/preferences in 1.43).
 *
 * @coversNothing
 */
class CoreMessageKeysTest extends MediaWikiIntegrationTestCase {

	public function testCoreKeysAreCoreMessages(): void {
		$services = $this->getServiceContainer();
		// Core's directories: what LocalisationCache adds to $wgMessagesDirs (the extensions').
		$coreDirs = array_diff_key(
			$services->getLocalisationCache()->getMessagesDirs(),
			$services->getMainConfig()->get( MainConfigNames::MessagesDirs )
		);
		$this->assertArrayHasKey( 'core', $coreDirs );
		$english = [];
		foreach ( $coreDirs as $dirs ) {
			foreach ( (array)$dirs as $dir ) {
				if ( is_file( "$dir/en.json" ) ) {
					$english += json_decode( file_get_contents( "$dir/en.json" ), true, 8, JSON_THROW_ON_ERROR );
				}
			}
		}
		foreach ( MessageKeysTest::CORE_KEYS as $key ) {
			$this->assertArrayHasKey( $key, $english, "$key is a message of core" );
		}
	}
}
