<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration;

use MediaWikiIntegrationTestCase;

/**
 * Every service of php/ServiceWiring.php can be built.
 *
 * @coversNothing
 */
class ServiceWiringTest extends MediaWikiIntegrationTestCase {

	public static function provideServices(): array {
		$services = [];
		foreach ( array_keys( require __DIR__ . '/../../../php/ServiceWiring.php' ) as $name ) {
			$services[$name] = [ $name ];
		}
		return $services;
	}

	/**
	 * @dataProvider provideServices
	 */
	public function testService( string $name ): void {
		$this->assertIsObject( $this->getServiceContainer()->get( $name ) );
	}
}
