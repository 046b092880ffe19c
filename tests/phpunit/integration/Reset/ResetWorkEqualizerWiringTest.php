<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration\Reset;

use MediaWiki\Extension\NativePasswordPolicy\Reset\ResetWorkEqualizer;
use MediaWikiIntegrationTestCase;
use ReflectionProperty;

/**
 * The equalizer of the service container is off in a command-line process (MW_ENTRY_POINT
 * 'cli', as PHPUnit is on both releases), whatever the setting, and follows the setting
 * otherwise (ResetWorkEqualizer::isTimedAt() for web requests).
 *
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Reset\ResetWorkEqualizer::isTimedAt
 */
class ResetWorkEqualizerWiringTest extends MediaWikiIntegrationTestCase {

	public static function provideSetting(): array {
		return [ 'on' => [ true ], 'off' => [ false ] ];
	}

	/**
	 * @dataProvider provideSetting
	 */
	public function testOffOnTheCommandLine( bool $setting ): void {
		$this->assertSame( 'cli', MW_ENTRY_POINT, 'PHPUnit runs as a command-line entry point' );
		$this->overrideConfigValue( 'NativePasswordPolicyResetEqualizeWork', $setting );
		$equalizer = $this->getServiceContainer()->get( 'NativePasswordPolicy.ResetWorkEqualizer' );
		$this->assertInstanceOf( ResetWorkEqualizer::class, $equalizer );
		$this->assertFalse( ( new ReflectionProperty( $equalizer, 'enabled' ) )->getValue( $equalizer ) );
	}
}
