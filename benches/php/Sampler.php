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
 * median of the rounds, in nanoseconds per operation.
 */
final class Sampler {

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
	 * @return array<string,array{median:float,min:float,max:float,rounds:int,iterations:int}>
	 *   Nanoseconds per operation
	 */
	public function compare( array $cases, int $opsPerIteration = 1 ): array {
		$iterations = [];
		foreach ( $cases as $label => $case ) {
			$iterations[$label] = $this->calibrate( $case );
		}
		$samples = array_fill_keys( array_keys( $cases ), [] );
		$labels = array_keys( $cases );
		for ( $round = 0; $round < $this->rounds; $round++ ) {
			$shift = $round % count( $labels );
			$order = array_merge( array_slice( $labels, $shift ), array_slice( $labels, 0, $shift ) );
			foreach ( $order as $label ) {
				$samples[$label][] = $this->time( $cases[$label], $iterations[$label] )
					/ ( $iterations[$label] * $opsPerIteration );
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
	 * Warms the case up and finds how many iterations fill one round.
	 */
	private function calibrate( callable $case ): int {
		$this->time( $case, 1 );
		$iterations = 1;
		$target = $this->roundSeconds * 1e9;
		while ( true ) {
			$elapsed = $this->time( $case, $iterations );
			if ( $elapsed >= $target / 8 || $iterations >= 1 << 24 ) {
				return max( 1, (int)round( $iterations * $target / max( $elapsed, 1 ) ) );
			}
			$iterations *= 4;
		}
	}

	/**
	 * @return int Nanoseconds
	 */
	private function time( callable $case, int $iterations ): int {
		gc_collect_cycles();
		$start = hrtime( true );
		$case( $iterations );
		return hrtime( true ) - $start;
	}
}
