<?php
/**
 * Small statistics for the HTTP benchmarks: order statistics and bootstrap confidence
 * intervals of differences of medians and means, pooled or within strata.
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Benches;

final class Stats {

	/**
	 * @param float[] $values
	 * @param float $q Quantile in [0, 1] (linear interpolation between order statistics)
	 */
	public static function quantile( array $values, float $q ): float {
		if ( !$values ) {
			return NAN;
		}
		sort( $values );
		$position = ( count( $values ) - 1 ) * $q;
		$lower = (int)floor( $position );
		$upper = (int)ceil( $position );
		return $values[$lower] + ( $values[$upper] - $values[$lower] ) * ( $position - $lower );
	}

	/** @param float[] $values */
	public static function median( array $values ): float {
		return self::quantile( $values, 0.5 );
	}

	/** @param float[] $values */
	public static function mean( array $values ): float {
		return $values ? array_sum( $values ) / count( $values ) : NAN;
	}

	/**
	 * 95% bootstrap interval of median( $a ) - median( $b ), resampling both samples.
	 *
	 * @param float[] $a
	 * @param float[] $b
	 * @param int $rounds
	 * @return array{0:float,1:float}
	 */
	public static function medianDifferenceInterval( array $a, array $b, int $rounds = 2000 ): array {
		return self::differenceInterval( [ self::class, 'median' ], $a, $b, $rounds );
	}

	/**
	 * 95% bootstrap interval of mean( $a ) - mean( $b ).
	 *
	 * @param float[] $a
	 * @param float[] $b
	 * @param int $rounds
	 * @return array{0:float,1:float}
	 */
	public static function meanDifferenceInterval( array $a, array $b, int $rounds = 2000 ): array {
		return self::differenceInterval( [ self::class, 'mean' ], $a, $b, $rounds );
	}

	/**
	 * The difference of medians within strata, averaged over the strata, with its 95% bootstrap
	 * interval (each stratum's two samples resampled on their own). For samples that mix
	 * unlike groups, such as requests at different positions in a burst, where a pooled
	 * median falls between modes and jumps with their proportions.
	 *
	 * @param array<array{0:float[],1:float[]}> $strata [ a, b ] samples of each stratum
	 * @param int $rounds
	 * @return array{0:float,1:float,2:float} estimate, lower and upper bound
	 */
	public static function stratifiedMedianDifference( array $strata, int $rounds = 2000 ): array {
		$strata = array_values( array_filter( $strata, static fn ( $s ) => $s[0] && $s[1] ) );
		if ( !$strata ) {
			return [ NAN, NAN, NAN ];
		}
		$estimate = self::mean( array_map(
			static fn ( $s ) => self::median( $s[0] ) - self::median( $s[1] ), $strata
		) );
		$averages = [];
		for ( $i = 0; $i < $rounds; $i++ ) {
			$sum = 0.0;
			foreach ( $strata as [ $a, $b ] ) {
				$sum += self::median( self::resample( $a ) ) - self::median( self::resample( $b ) );
			}
			$averages[] = $sum / count( $strata );
		}
		return [ $estimate, self::quantile( $averages, 0.025 ), self::quantile( $averages, 0.975 ) ];
	}

	/**
	 * A sample of the same size drawn with replacement.
	 *
	 * @param float[] $values
	 * @return float[]
	 */
	private static function resample( array $values ): array {
		$n = count( $values );
		$drawn = [];
		for ( $j = 0; $j < $n; $j++ ) {
			$drawn[] = $values[mt_rand( 0, $n - 1 )];
		}
		return $drawn;
	}

	/**
	 * @param callable $statistic
	 * @param float[] $a
	 * @param float[] $b
	 * @param int $rounds
	 * @return array{0:float,1:float}
	 */
	private static function differenceInterval( callable $statistic, array $a, array $b, int $rounds ): array {
		$differences = [];
		for ( $i = 0; $i < $rounds; $i++ ) {
			$differences[] = $statistic( self::resample( $a ) ) - $statistic( self::resample( $b ) );
		}
		return [ self::quantile( $differences, 0.025 ), self::quantile( $differences, 0.975 ) ];
	}
}
