<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Reset;

use BagOStuff;
use PasswordFactory;

/**
 * Makes the post-send work of every password reset cost what a real one costs.
 *
 * Answering before the lookup hides the case from the response itself, but not from the next
 * requests: a real reset then hashes a temporary password (tens of ms of CPU with core's
 * PBKDF2), writes it and talks to the mail server, and meanwhile the PHP worker is busy and a
 * core is taken. Requests sent back to back would see it. So every reset that sent no mail
 * burns the CPU time and holds the worker for the wall time a real reset took: one of the last
 * real resets of this server, drawn at random, so that the durations follow the same
 * distribution, not only the same median (kept in the local-server cache, APCu under php-fpm).
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
	/** Real resets remembered as models */
	private const SAMPLES = 32;
	/** A real reset slower than this (s of wall time) is an outlier and not a model */
	private const MAX_MODEL_WALL = 5.0;

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
	 * or spend what a real reset would have spent.
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

		if ( $run['mails'] === 1 ) {
			if ( $wall <= self::MAX_MODEL_WALL ) {
				$samples[] = [ $wall, $cpu ];
				$this->localServerCache->set(
					$key, array_slice( $samples, -self::SAMPLES ), BagOStuff::TTL_DAY
				);
			}
			return;
		}
		if ( $run['mails'] > 1 ) {
			// Several accounts share the address: already more than one reset's work.
			return;
		}

		if ( !$samples ) {
			$this->passwordFactory->newFromPlaintext( PasswordFactory::generateRandomPasswordString( 10 ) );
			return;
		}
		[ $modelWall, $modelCpu ] = $samples[random_int( 0, count( $samples ) - 1 )];
		$this->burnCpuUntil( $run['cpu'] + $modelCpu );
		$remaining = $run['wall'] + $modelWall - hrtime( true ) / 1e9;
		if ( $remaining > 0 ) {
			usleep( (int)( $remaining * 1e6 ) );
		}
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
