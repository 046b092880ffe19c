<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Unit\Reset;

use MediaWiki\Extension\NativePasswordPolicy\Reset\ResetWorkEqualizer;
use MediaWiki\Password\Password;
use MediaWiki\Password\PasswordFactory;
use MediaWikiUnitTestCase;
use Wikimedia\ObjectCache\HashBagOStuff;

/**
 * A reset that sends no mail spends at least the CPU and wall time of the real resets seen, and
 * every reset holds its worker at least the 90th percentile of the real resets' wall times.
 *
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Reset\ResetWorkEqualizer
 */
class ResetWorkEqualizerTest extends MediaWikiUnitTestCase {

	private const REAL_WALL = 0.06;
	private const REAL_CPU = 0.02;

	private static function cpu(): float {
		$usage = getrusage();
		return $usage['ru_utime.tv_sec'] + $usage['ru_utime.tv_usec'] / 1e6
			+ $usage['ru_stime.tv_sec'] + $usage['ru_stime.tv_usec'] / 1e6;
	}

	private static function now(): float {
		return hrtime( true ) / 1e9;
	}

	/**
	 * A real reset: a mail, REAL_CPU seconds of CPU, $wall seconds of work in all.
	 */
	private static function realReset( ResetWorkEqualizer $equalizer, float $wall = self::REAL_WALL ): void {
		$start = self::now();
		$cpu = self::cpu();
		$equalizer->begin();
		$block = 'x';
		while ( self::cpu() - $cpu < self::REAL_CPU ) {
			$block = hash( 'sha256', $block );
		}
		$equalizer->noteMail();
		usleep( (int)max( 0, ( $wall - ( self::now() - $start ) ) * 1e6 ) );
		$equalizer->finish();
	}

	private function hasher( int $hashes ): PasswordFactory {
		CountingPassword::$hashed = 0;
		$this->expectedHashes = $hashes;
		return new PasswordFactory( [ 'counting' => [ 'class' => CountingPassword::class ] ], 'counting' );
	}

	private ?int $expectedHashes = null;

	protected function assertPostConditions(): void {
		if ( $this->expectedHashes !== null ) {
			$this->assertSame( $this->expectedHashes, CountingPassword::$hashed, 'passwords hashed' );
		}
	}

	public function testResetWithoutMailCostsWhatRealOnesCost(): void {
		$equalizer = new ResetWorkEqualizer( new HashBagOStuff(), $this->hasher( 0 ), true );
		for ( $i = 0; $i < 3; $i++ ) {
			self::realReset( $equalizer );
		}

		$start = self::now();
		$cpu = self::cpu();
		$equalizer->begin();
		$equalizer->finish();
		$this->assertGreaterThanOrEqual( self::REAL_CPU * 0.95, self::cpu() - $cpu, 'CPU time' );
		$this->assertGreaterThanOrEqual( self::REAL_WALL * 0.95, self::now() - $start, 'wall time' );
	}

	public function testEveryResetIsHeldToTheNinetiethPercentile(): void {
		$equalizer = new ResetWorkEqualizer( new HashBagOStuff(), $this->hasher( 0 ), true );
		// Nine quick real resets and a slow one: the floor is the 9th wall of 10, the quick one.
		for ( $i = 0; $i < 9; $i++ ) {
			self::realReset( $equalizer, 0.03 );
		}
		self::realReset( $equalizer, 0.2 );

		// A real reset that took no time, and resets without mail, whatever model they draw.
		foreach ( [ 1, 0, 0, 0, 0, 0 ] as $mails ) {
			$start = self::now();
			$equalizer->begin();
			if ( $mails ) {
				$equalizer->noteMail();
			}
			$equalizer->finish();
			$this->assertGreaterThanOrEqual( 0.03 * 0.95, self::now() - $start, "held ($mails mail)" );
		}
	}

	public function testFloorIsNotAddedToASlowerReset(): void {
		$equalizer = new ResetWorkEqualizer( new HashBagOStuff(), $this->hasher( 0 ), true );
		self::realReset( $equalizer );
		$start = self::now();
		self::realReset( $equalizer, 2 * self::REAL_WALL );
		$this->assertLessThan( 2.8 * self::REAL_WALL, self::now() - $start );
	}

	public function testUntilARealResetIsSeenOnePasswordIsHashed(): void {
		$equalizer = new ResetWorkEqualizer( new HashBagOStuff(), $this->hasher( 1 ), true );
		$equalizer->begin();
		$equalizer->finish();
	}

	public function testSeveralMailsAreNotAModel(): void {
		$equalizer = new ResetWorkEqualizer( new HashBagOStuff(), $this->hasher( 1 ), true );
		$equalizer->begin();
		$equalizer->noteMail();
		$equalizer->noteMail();
		$equalizer->finish();
		// Still no model: the next reset without mail hashes one password.
		$equalizer->begin();
		$equalizer->finish();
	}

	public function testMailOutsideAResetIsIgnored(): void {
		$equalizer = new ResetWorkEqualizer( new HashBagOStuff(), $this->hasher( 1 ), true );
		$equalizer->noteMail();
		$equalizer->begin();
		$equalizer->finish();
	}

	public function testDisabledDoesNothing(): void {
		$cache = new HashBagOStuff();
		$equalizer = new ResetWorkEqualizer( $cache, $this->hasher( 0 ), false );
		self::realReset( $equalizer );
		foreach ( [ 1, 0 ] as $mails ) {
			$start = self::now();
			$equalizer->begin();
			if ( $mails ) {
				$equalizer->noteMail();
			}
			$equalizer->finish();
			$this->assertLessThan( self::REAL_WALL / 2, self::now() - $start );
		}
	}

	public static function provideEntryPoints(): array {
		return [
			'maintenance script or PHPUnit' => [ 'cli', false ],
			'api.php' => [ 'api', true ],
			'index.php' => [ 'index', true ],
			'rest.php' => [ 'rest', true ],
			'an entry point that does not say' => [ 'unknown', true ],
		];
	}

	/**
	 * @dataProvider provideEntryPoints
	 */
	public function testOnlyWebRequestsAreTimed( string $entryPoint, bool $timed ): void {
		$this->assertSame( $timed, ResetWorkEqualizer::isTimedAt( $entryPoint ) );
	}
}

/**
 * A hasher that counts the passwords it hashes.
 */
class CountingPassword extends Password {

	public static int $hashed = 0;

	public function needsUpdate(): bool {
		return false;
	}

	public function crypt( string $password ): void {
		self::$hashed++;
		$this->hash = hash( 'sha256', $password );
	}
}
