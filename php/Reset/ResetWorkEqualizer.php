<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Reset;

use MediaWiki\Password\PasswordFactory;
use Wikimedia\ObjectCache\BagOStuff;

/**
 * Makes the post-send work of every password reset hold the worker as a real one does.
 *
 * Answering before the lookup hides the case from the response itself, but not from the next
 * requests: a real reset then hashes a temporary password (tens of ms of CPU with core's
 * PBKDF2), writes it and talks to the mail server, and meanwhile the PHP worker is busy and a
 * core is taken. Requests sent back to back would see it. So:
 *
 * - a reset that sent no mail burns the CPU time of one of the last real resets of this
 *   server, drawn at random (kept in the local-server cache, APCu under php-fpm);
 * - every reset, real or not, then holds the worker until a floor has passed since it began:
 *   the 90th percentile of the recent real resets' wall times, or longer when this reset (or
 *   the real one drawn) took longer.
 *
 * Every reset thus holds its worker for max( floor, X ), X the wall time of a real reset, so
 * the hold times of all cases follow one distribution; and nine times in ten that is the
 * floor itself, so a request that waits behind a reset waits the same few milliseconds
 * whatever the reset was, instead of a spread of tens of them (a spread that follows the same
 * distribution for every case leaks nothing, but it hides a small leak from any measurement).
 * Until a real reset has been measured, a reset that sent no mail hashes one password with
 * the configured hasher, the dominant cost of a real one.
 *
 * A real reset is recognised by its mail: core sends it through UserMailer, whose
 * UserMailerTransformContent hook tells this class (ResetMailHandler).
 *
 * Not covered: what the mail server itself spends on the mail. A mail server on the same
 * machine takes some CPU for each real reset that nothing here can see (about 3.5 ms a mail
 * for the test suite's SMTP sink); a relay on another machine costs this one nothing.
 */
class ResetWorkEqualizer {

	private const PROFILE_KEY = 'reset-work-profile';
	/**
	 * Real resets remembered as models: enough that the floor, a quantile of them, barely
	 * moves from one reset to the next (with 32 it moved by tens of ms)
	 */
	private const SAMPLES = 256;
	/** A real reset slower than this (s of wall time) is an outlier and not a model */
	private const MAX_MODEL_WALL = 5.0;
	/** Every reset holds its worker at least this quantile of the real resets' wall times */
	private const FLOOR_QUANTILE = 0.9;

	/** @var array{wall:float,cpu:float,mails:int}|null The reset running in this request */
	private ?array $run = null;

	/**
	 * @param BagOStuff $localServerCache Where measurements of real resets are kept
	 * @param PasswordFactory $passwordFactory The hasher of temporary passwords
	 * @param bool $enabled False where timing cannot be observed (command line, tests)
	 */
	public function __construct(
		private readonly BagOStuff $localServerCache,
		private readonly PasswordFactory $passwordFactory,
		private readonly bool $enabled
	) {
	}

	/**
	 * Whether a client can time the resets of requests through an entry point: web requests
	 * answer before the work; nobody times a maintenance script (or a test run).
	 *
	 * @param string $entryPoint MW_ENTRY_POINT: 'cli' for maintenance scripts and PHPUnit in
	 *   1.39 and 1.43 alike (unlike `$wgCommandLineMode`, deprecated in 1.42), 'api', 'index',
	 *   ... for web requests, 'unknown' for an entry point that does not say
	 * @return bool
	 */
	public static function isTimedAt( string $entryPoint ): bool {
		return $entryPoint !== 'cli';
	}

	/**
	 * The post-send work of a reset starts.
	 */
	public function begin(): void {
		$this->run = [ 'wall' => hrtime( true ) / 1e9, 'cpu' => self::cpuSeconds(), 'mails' => 0 ];
	}

	/**
	 * A mail leaves through UserMailer while a reset runs.
	 */
	public function noteMail(): void {
		if ( $this->run !== null ) {
			$this->run['mails']++;
		}
	}

	/**
	 * The reset's work is over (its own deferred updates included): learn from a real reset,
	 * spend what a real reset would have spent, and hold the worker until the floor.
	 */
	public function finish(): void {
		if ( $this->run === null ) {
			return;
		}
		$run = $this->run;
		$this->run = null;
		if ( !$this->enabled ) {
			return;
		}
		$wall = hrtime( true ) / 1e9 - $run['wall'];
		$cpu = self::cpuSeconds() - $run['cpu'];
		$key = $this->localServerCache->makeKey( 'nativepasswordpolicy', self::PROFILE_KEY );
		$samples = $this->localServerCache->get( $key ) ?: [];
		// From the real resets seen before this one, so that every case computes it alike.
		$floor = self::floorOf( $samples );

		if ( $run['mails'] === 1 && $wall <= self::MAX_MODEL_WALL ) {
			$samples[] = [ $wall, $cpu ];
			$this->localServerCache->set(
				$key, array_slice( $samples, -self::SAMPLES ), BagOStuff::TTL_DAY
			);
		}
		if ( $run['mails'] === 0 ) {
			if ( !$samples ) {
				$this->passwordFactory->newFromPlaintext( PasswordFactory::generateRandomPasswordString( 10 ) );
				return;
			}
			[ $modelWall, $modelCpu ] = $samples[random_int( 0, count( $samples ) - 1 )];
			$this->burnCpuUntil( $run['cpu'] + $modelCpu );
			$floor = max( $floor, $modelWall );
		}
		// Several mails (accounts sharing the address) are held to the floor too: already
		// more than one reset's work, but never less than any reset's.
		$remaining = $run['wall'] + $floor - hrtime( true ) / 1e9;
		if ( $remaining > 0 ) {
			usleep( (int)( $remaining * 1e6 ) );
		}
	}

	/**
	 * The wall time every reset holds its worker at least: a high quantile (nearest rank) of
	 * the remembered real resets, 0 while there are none.
	 *
	 * @param array<array{0:float,1:float}> $samples [ wall, cpu ] of real resets
	 * @return float Seconds
	 */
	private static function floorOf( array $samples ): float {
		if ( !$samples ) {
			return 0.0;
		}
		$walls = array_column( $samples, 0 );
		sort( $walls );
		return $walls[(int)ceil( self::FLOOR_QUANTILE * count( $walls ) ) - 1];
	}

	/**
	 * Hashing in small steps until the process has used $target seconds of CPU.
	 */
	private function burnCpuUntil( float $target ): void {
		$block = random_bytes( 64 );
		while ( self::cpuSeconds() < $target ) {
			for ( $i = 0; $i < 32; $i++ ) {
				$block = hash( 'sha512', $block, true );
			}
		}
	}

	/**
	 * User and system CPU time of this process and of its children that ended (the sendmail
	 * of PHP's mail()), in seconds.
	 */
	private static function cpuSeconds(): float {
		$seconds = 0.0;
		foreach ( [ 0, 1 ] as $who ) {
			$usage = getrusage( $who );
			$seconds += $usage['ru_utime.tv_sec'] + $usage['ru_utime.tv_usec'] / 1e6
				+ $usage['ru_stime.tv_sec'] + $usage['ru_stime.tv_usec'] / 1e6;
		}
		return $seconds;
	}
}
