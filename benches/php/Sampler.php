<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Benches;

/**
 * Times competing implementations of one operation in the same process, round by round.
 *
 * Each case is a closure that runs its own loop (so a closure call is paid once a round, not
 * once an operation). Every case is warmed up and calibrated to run about $roundSeconds a
 * round; the rounds then alternate the cases, rotating their order, so that machine noise
 * (other processes, frequency changes) hits all of them alike. The result per case is the
 * median of the rounds, in nanoseconds per operation, timed with hrtime().
 *
 * On a shared machine the process may lose the CPU in the middle of a round; the round's
 * wall time then says more about the other processes than about the code. A round whose wall
 * time exceeds the CPU time the process used is therefore run again (up to ATTEMPTS times in
 * all, keeping the fastest attempt if none ran undisturbed), and the count of rounds that
 * stayed disturbed is reported.
 */
final class Sampler {

	/** Attempts per round before a disturbed round is kept. */
	public const ATTEMPTS = 5;

	/**
	 * @param int $rounds Timed rounds per case
	 * @param float $roundSeconds Target duration of one round of one case
	 */
	public function __construct(
		private readonly int $rounds,
		private readonly float $roundSeconds
	) {
	}

	/**
	 * @param array<string,callable(int):void> $cases Label => closure running the operation
	 *   $iterations times; one iteration performs $opsPerIteration operations
	 * @param int $opsPerIteration
	 * @return array<string,array{median:float,min:float,max:float,rounds:int,disturbed:int,iterations:int}>
	 *   Nanoseconds per operation; `disturbed` counts rounds that never ran undisturbed
	 */
	public function compare( array $cases, int $opsPerIteration = 1 ): array {
		$iterations = [];
		foreach ( $cases as $label => $case ) {
			$iterations[$label] = $this->calibrate( $case );
		}
		$samples = array_fill_keys( array_keys( $cases ), [] );
		$disturbed = array_fill_keys( array_keys( $cases ), 0 );
		$labels = array_keys( $cases );
		for ( $round = 0; $round < $this->rounds; $round++ ) {
			$shift = $round % count( $labels );
			$order = array_merge( array_slice( $labels, $shift ), array_slice( $labels, 0, $shift ) );
			foreach ( $order as $label ) {
				$best = PHP_INT_MAX;
				for ( $attempt = 0; $attempt < self::ATTEMPTS; $attempt++ ) {
					[ $wall, $cpu ] = $this->time( $cases[$label], $iterations[$label] );
					$best = min( $best, $wall );
					if ( !self::disturbed( $wall, $cpu ) ) {
						break;
					}
				}
				if ( $attempt === self::ATTEMPTS ) {
					$disturbed[$label]++;
				}
				$samples[$label][] = $best / ( $iterations[$label] * $opsPerIteration );
			}
		}
		$results = [];
		foreach ( $samples as $label => $values ) {
			sort( $values );
			$results[$label] = [
				'median' => self::median( $values ),
				'min' => $values[0],
				'max' => $values[count( $values ) - 1],
				'rounds' => count( $values ),
				'disturbed' => $disturbed[$label],
				'iterations' => $iterations[$label],
			];
		}
		return $results;
	}

	/**
	 * @param float[] $values Sorted
	 * @return float
	 */
	public static function median( array $values ): float {
		$count = count( $values );
		$middle = intdiv( $count, 2 );
		return $count % 2 ? (float)$values[$middle] : ( $values[$middle - 1] + $values[$middle] ) / 2;
	}

	/**
	 * @return int Nanoseconds of CPU time this process has used so far (user and system)
	 */
	public static function cpuNs(): int {
		$usage = getrusage();
		return ( $usage['ru_utime.tv_sec'] + $usage['ru_stime.tv_sec'] ) * 1_000_000_000
			+ ( $usage['ru_utime.tv_usec'] + $usage['ru_stime.tv_usec'] ) * 1_000;
	}

	/**
	 * Whether the process lost the CPU during a timed section: its wall time exceeds the CPU
	 * time it used by more than timer granularity explains.
	 */
	public static function disturbed( int $wallNs, int $cpuNs ): bool {
		return $wallNs - $cpuNs > 0.1 * $cpuNs + 50_000;
	}

	/**
	 * Warms the case up and finds how many iterations fill one round.
	 */
	private function calibrate( callable $case ): int {
		$this->time( $case, 1 );
		$iterations = 1;
		$target = $this->roundSeconds * 1e9;
		while ( true ) {
			$elapsed = min( array_map( fn () => $this->time( $case, $iterations )[0], [ 1, 2, 3 ] ) );
			if ( $elapsed >= $target / 8 || $iterations >= 1 << 24 ) {
				return max( 1, (int)round( $iterations * $target / max( $elapsed, 1 ) ) );
			}
			$iterations *= 4;
		}
	}

	/**
	 * @return int[] Wall time (hrtime) and CPU time, in nanoseconds
	 */
	private function time( callable $case, int $iterations ): array {
		gc_collect_cycles();
		$cpu = self::cpuNs();
		$start = hrtime( true );
		$case( $iterations );
		$wall = hrtime( true ) - $start;
		return [ $wall, self::cpuNs() - $cpu ];
	}
}
