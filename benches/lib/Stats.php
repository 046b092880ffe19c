<?php
/**
 * Small statistics for the HTTP benchmarks: order statistics and a bootstrap confidence
 * interval of a difference of medians.
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
	 * @param callable $statistic
	 * @param float[] $a
	 * @param float[] $b
	 * @param int $rounds
	 * @return array{0:float,1:float}
	 */
	private static function differenceInterval( callable $statistic, array $a, array $b, int $rounds ): array {
		$differences = [];
		$na = count( $a );
		$nb = count( $b );
		for ( $i = 0; $i < $rounds; $i++ ) {
			$sa = [];
			$sb = [];
			for ( $j = 0; $j < $na; $j++ ) {
				$sa[] = $a[mt_rand( 0, $na - 1 )];
			}
			for ( $j = 0; $j < $nb; $j++ ) {
				$sb[] = $b[mt_rand( 0, $nb - 1 )];
			}
			$differences[] = $statistic( $sa ) - $statistic( $sb );
		}
		return [ self::quantile( $differences, 0.025 ), self::quantile( $differences, 0.975 ) ];
	}
}
