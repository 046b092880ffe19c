<?php
/**
 * Timing of action=resetpassword by case, core vs NativePasswordPolicy, on nginx + php8.2-fpm.
 *
 * Does the response time tell whether an account exists? Two throwaway wikis with identical
 * settings (one with the extension) are served by the same kind of stack (nginx in front of a
 * static php-fpm pool, opcache on, tests/harness/ThrowawayWiki.php 'server' => 'fpm'). Each
 * gets the same accounts, and the same anonymous reset requests are sent to both, cases and
 * wikis interleaved in random order:
 *
 *   real-user         an account with a confirmed address, by name (a fresh account each time)
 *   real-email        the same, by address
 *   unconfirmed-user  an account whose address is not confirmed (1.39 still mails it)
 *   throttled-user    an account that was sent a reset less than $wgPasswordReminderResendTime ago
 *   noemail-user      an account without an address
 *   unknown-user      a name nobody has
 *   unknown-email     an address nobody has
 *
 * Requests go in bursts: BURST requests of one case back to back, then a pause long enough for
 * the server to finish its post-send work. "single" is the first request of each burst (what a
 * request alone takes), "back-to-back" the others (they may wait behind the work of the ones
 * before). For each wiki, case and phase the report gives the median, the difference of
 * medians to unknown-user with a 95% bootstrap interval, and the same for the means.
 *
 * Back-to-back times mix unlike requests: the 2nd of a burst finds the other worker free, the
 * 3rd waits behind the 1st's post-send work, and so on, so their pooled median falls between
 * modes and jumps with their proportions. The report therefore also compares requests at the
 * same position in their bursts (what an attacker timing a follow-up request would compare):
 * the difference of medians per position, and averaged over the positions ("same position").
 * It also checks that every answer was success and that exactly the expected mails arrived.
 *
 *   php benches/reset-timing.php [--bursts N] [--burst-size N] [--workers N]
 *                                [--pause-ms N] [--json FILE] [--quick] [--without-equalizer]
 *   php benches/reset-timing.php --report FILE   (the report of a run saved with --json)
 *
 * --without-equalizer adds a third wiki: the extension with
 * $wgNativePasswordPolicyResetEqualizeWork = false (answer before the lookup, but no
 * equalized post-send work), to show what each half of the design does.
 *
 * Needs: cargo build --release; Debian packages nginx php8.2-fpm (scripts/install-deps.sh).
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

use MediaWiki\Extension\NativePasswordPolicy\Benches\Stats;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;

require __DIR__ . '/../tests/harness/autoload.php';
require __DIR__ . '/lib/Stats.php';

const CASES = [
	'real-user', 'real-email', 'unconfirmed-user', 'throttled-user',
	'noemail-user', 'unknown-user', 'unknown-email',
];
const MAILING_CASES = [ 'real-user', 'real-email', 'unconfirmed-user' ];
const BASELINE = 'unknown-user';

$options = getopt( '', [
	'bursts:', 'burst-size:', 'workers:', 'pause-ms:', 'json:', 'quick', 'without-equalizer', 'report:',
] );
if ( isset( $options['report'] ) ) {
	$saved = json_decode( (string)file_get_contents( $options['report'] ), true, 512, JSON_THROW_ON_ERROR );
	echo report( $saved ), "\n";
	exit( 0 );
}
$quick = isset( $options['quick'] );
$bursts = (int)( $options['bursts'] ?? ( $quick ? 10 : 120 ) );
$burstSize = (int)( $options['burst-size'] ?? 5 );
$workers = (int)( $options['workers'] ?? 2 );
$pause = (int)( $options['pause-ms'] ?? 500 ) * 1000;
// A third wiki: the extension with $wgNativePasswordPolicyResetEqualizeWork = false.
$variants = [ 'core' => [ false, '' ], 'extension' => [ true, '' ] ];
if ( isset( $options['without-equalizer'] ) ) {
	$variants['extension, no equalizer'] = [ true, '$wgNativePasswordPolicyResetEqualizeWork = false;' ];
}
$freshNeeded = $bursts * $burstSize;

// Same settings on both wikis: every mail allowed (no per-IP limit: all requests come from
// 127.0.0.1), core's resend throttle (24 h) so that the throttled account stays throttled.
$settings = '$wgRateLimits["mailpassword"] = [];';

$users = [
	[ 'name' => 'Throttled', 'email' => 'throttled@example.org' ],
	[ 'name' => 'Noemail' ],
];
for ( $i = 0; $i < $freshNeeded; $i++ ) {
	$users[] = [ 'name' => "Realuser$i", 'email' => "realuser$i@example.org" ];
	$users[] = [ 'name' => "Realmail$i", 'email' => "realmail$i@example.org" ];
	$users[] = [ 'name' => "Unconfirmed$i", 'email' => "unconfirmed$i@example.org", 'emailConfirmed' => false ];
}

$wikis = [];
$started = microtime( true );
try {
	foreach ( $variants as $label => [ $withExtension, $extraSettings ] ) {
		$wiki = ThrowawayWiki::start( [
			'extension' => $withExtension,
			'server' => 'fpm',
			'workers' => $workers,
			'settings' => $settings . "\n" . $extraSettings,
		] );
		$wikis[$label] = $wiki;
		$wiki->createUsers( $users );
		fprintf( STDERR, "%s wiki at %s with %d accounts (%.0f s)\n", $label, $wiki->url(), count( $users ), microtime( true ) - $started );
	}

	$next = array_fill_keys( array_keys( $wikis ), array_fill_keys( MAILING_CASES, 0 ) );
	$paramsFor = static function ( string $label, string $case ) use ( &$next ): array {
		$params = [ 'action' => 'resetpassword', 'token' => '+\\', 'format' => 'json' ];
		switch ( $case ) {
			case 'real-user':
				return $params + [ 'user' => 'Realuser' . $next[$label][$case]++ ];
			case 'real-email':
				return $params + [ 'email' => 'realmail' . $next[$label][$case]++ . '@example.org' ];
			case 'unconfirmed-user':
				return $params + [ 'user' => 'Unconfirmed' . $next[$label][$case]++ ];
			case 'throttled-user':
				return $params + [ 'user' => 'Throttled' ];
			case 'noemail-user':
				return $params + [ 'user' => 'Noemail' ];
			case 'unknown-user':
				return $params + [ 'user' => 'Nobody' . bin2hex( random_bytes( 4 ) ) ];
			case 'unknown-email':
				return $params + [ 'email' => 'nobody' . bin2hex( random_bytes( 4 ) ) . '@example.org' ];
		}
		throw new LogicException( $case );
	};
	$failures = [];
	$send = static function ( string $label, string $case ) use ( $wikis, $paramsFor, &$failures ): float {
		$response = $wikis[$label]->client()->request( 'POST', $paramsFor( $label, $case ) );
		if ( $response['status'] !== 200 || $response['body'] !== '{"resetpassword":{"status":"success"}}' ) {
			$failures[] = "$label $case: HTTP {$response['status']} {$response['body']}";
		}
		return $response['seconds'] * 1000;
	};

	// The throttled account gets its reset now; warm both stacks up (opcache, APCu, filter file).
	foreach ( $wikis as $label => $wiki ) {
		$wiki->client()->post( [ 'action' => 'resetpassword', 'user' => 'Throttled', 'token' => '+\\' ] );
		$wiki->waitForMails( 1 );
		for ( $i = 0; $i < 30; $i++ ) {
			$wiki->client()->post( [ 'action' => 'resetpassword', 'user' => 'Warmup', 'token' => '+\\' ] );
			$wiki->client()->post( [ 'action' => 'resetpassword', 'email' => 'warm@up.example', 'token' => '+\\' ] );
		}
	}

	$times = [];
	$positions = [];
	fprintf( STDERR, "burst: %d bursts of %d x %d cases x %d wikis\n", $bursts, $burstSize, count( CASES ), count( $wikis ) );
	for ( $burst = 0; $burst < $bursts; $burst++ ) {
		$plan = [];
		foreach ( array_keys( $wikis ) as $label ) {
			foreach ( CASES as $case ) {
				$plan[] = [ $label, $case ];
			}
		}
		shuffle( $plan );
		foreach ( $plan as [ $label, $case ] ) {
			for ( $i = 0; $i < $burstSize; $i++ ) {
				$ms = $send( $label, $case );
				// The first request of a burst follows a pause: only the others may wait behind post-send work.
				$times[$label][$i === 0 ? 'single' : 'back-to-back'][$case][] = $ms;
				if ( $i > 0 ) {
					$positions[$label][$case][] = $i + 1;
				}
			}
			usleep( $pause );
		}
	}

	// Every mailing request must have produced exactly one mail, the others none.
	$mailChecks = [];
	foreach ( $wikis as $label => $wiki ) {
		$expected = 1 + array_sum( $next[$label] );
		try {
			$mails = $wiki->waitForMails( $expected, 30 );
			usleep( 500_000 );
			$count = count( $wiki->mails() );
		} catch ( RuntimeException $e ) {
			$count = count( $wiki->mails() );
		}
		$mailChecks[$label] = [ 'expected' => $expected, 'received' => $count ];
		if ( $count !== $expected ) {
			$failures[] = "$label: expected $expected mails, received $count";
		}
	}
} finally {
	foreach ( $wikis as $wiki ) {
		$wiki->stop();
	}
}

$run = [
	'setup' => sprintf(
		'nginx %s + php-fpm %s (static pool of %d workers per wiki, opcache on), SQLite, MediaWiki 1.39; %d cores, '
			. 'load average at the end %.2f. %d bursts of %d requests per case and wiki, %d ms apart, cases and wikis '
			. 'interleaved at random. Client-side times (curl, new connection per request), in ms.',
		trim( (string)shell_exec( "/usr/sbin/nginx -v 2>&1 | sed 's/.*nginx\\///'" ) ),
		PHP_VERSION, $workers, (int)shell_exec( 'nproc' ), sys_getloadavg()[0], $bursts, $burstSize, $pause / 1000
	),
	'times' => $times,
	'positions' => $positions,
	'mail' => $mailChecks,
	'seconds' => microtime( true ) - $started,
];
echo report( $run ), "\n";

if ( isset( $options['json'] ) ) {
	file_put_contents( $options['json'], json_encode( $run, JSON_PRETTY_PRINT ) );
}
if ( $failures ) {
	fwrite( STDERR, "FAILURES:\n" . implode( "\n", array_slice( $failures, 0, 20 ) ) . "\n" );
	exit( 1 );
}

/**
 * The back-to-back times of some cases of one wiki, by position in the burst.
 *
 * @param array $run
 * @param string $label
 * @param string[] $cases
 * @return array<int,float[]> position => times
 */
function byPosition( array $run, string $label, array $cases ): array {
	$grouped = [];
	foreach ( $cases as $case ) {
		foreach ( $run['times'][$label]['back-to-back'][$case] as $k => $ms ) {
			$grouped[$run['positions'][$label][$case][$k]][] = $ms;
		}
	}
	ksort( $grouped );
	return $grouped;
}

/**
 * Difference of medians of two groups of cases at the same positions, averaged over the
 * positions, with its 95% interval.
 *
 * @param array $run
 * @param string $label
 * @param string[] $a
 * @param string[] $b
 * @return array{0:float,1:float,2:float}
 */
function samePositionDifference( array $run, string $label, array $a, array $b ): array {
	$groupA = byPosition( $run, $label, $a );
	$groupB = byPosition( $run, $label, $b );
	$strata = [];
	foreach ( $groupA as $position => $times ) {
		$strata[] = [ $times, $groupB[$position] ?? [] ];
	}
	return Stats::stratifiedMedianDifference( $strata );
}

/**
 * An estimate and its interval, as the tables print them.
 *
 * @param array{0:float,1:float,2:float} $estimate estimate, lower and upper bound
 */
function interval( array $estimate ): string {
	return sprintf( '%+.2f [%+.2f, %+.2f]', ...$estimate );
}

/**
 * The Markdown report of a run: per wiki, each case's median and mean and their differences to
 * unknown-user, for single and back-to-back requests, and back-to-back requests compared at
 * the same position in their bursts (runs saved before positions were recorded lack those).
 */
function report( array $run ): string {
	$lines = [ $run['setup'], '' ];
	$largest = [];
	$hasPositions = isset( $run['positions'] );
	foreach ( $run['times'] as $label => $phases ) {
		$lines[] = "**$label**";
		$lines[] = '';
		$lines[] = '| case | single median | Δ median [95% CI] | back-to-back median | Δ median [95% CI] | back-to-back mean | Δ mean [95% CI] |'
			. ( $hasPositions ? ' back-to-back Δ median, same position [95% CI] |' : '' );
		$lines[] = '|---|---:|---:|---:|---:|---:|---:|' . ( $hasPositions ? '---:|' : '' );
		foreach ( CASES as $case ) {
			$cells = [ $case ];
			foreach ( [ 'single' => [ 'median' ], 'back-to-back' => [ 'median', 'mean' ] ] as $phase => $statistics ) {
				$sample = $phases[$phase][$case];
				$base = $phases[$phase][BASELINE];
				foreach ( $statistics as $statistic ) {
					$delta = Stats::$statistic( $sample ) - Stats::$statistic( $base );
					[ $low, $high ] = $statistic === 'median'
						? Stats::medianDifferenceInterval( $sample, $base )
						: Stats::meanDifferenceInterval( $sample, $base );
					$cells[] = sprintf( '%.2f', Stats::$statistic( $sample ) );
					$cells[] = $case === BASELINE ? '—' : interval( [ $delta, $low, $high ] );
					$key = "$phase $statistic";
					$largest[$label][$key] = max( $largest[$label][$key] ?? 0.0, abs( $delta ) );
				}
			}
			if ( $hasPositions ) {
				$same = samePositionDifference( $run, $label, [ $case ], [ BASELINE ] );
				$cells[] = $case === BASELINE ? '—' : interval( $same );
				if ( $case !== BASELINE ) {
					$key = 'back-to-back median, same position';
					$largest[$label][$key] = max( $largest[$label][$key] ?? 0.0, abs( $same[0] ) );
				}
			}
			$lines[] = '| ' . implode( ' | ', $cells ) . ' |';
		}
		$lines[] = '';
	}
	// Pooled: the cases that send a mail against those that do not (the question an attacker asks).
	$silent = array_values( array_diff( CASES, MAILING_CASES ) );
	$lines[] = '| wiki | single: Δ median, mail sent vs not [95% CI] | back-to-back: Δ median [95% CI] | back-to-back: Δ mean [95% CI] |'
		. ( $hasPositions ? ' back-to-back: Δ median, same position [95% CI] |' : '' );
	$lines[] = '|---|---:|---:|---:|' . ( $hasPositions ? '---:|' : '' );
	foreach ( $run['times'] as $label => $phases ) {
		$cells = [ $label ];
		foreach ( [ 'single' => [ 'median' ], 'back-to-back' => [ 'median', 'mean' ] ] as $phase => $statistics ) {
			$mail = array_merge( ...array_map( static fn ( $case ) => $phases[$phase][$case], MAILING_CASES ) );
			$none = array_merge( ...array_map( static fn ( $case ) => $phases[$phase][$case], $silent ) );
			foreach ( $statistics as $statistic ) {
				[ $low, $high ] = $statistic === 'median'
					? Stats::medianDifferenceInterval( $mail, $none )
					: Stats::meanDifferenceInterval( $mail, $none );
				$cells[] = interval( [ Stats::$statistic( $mail ) - Stats::$statistic( $none ), $low, $high ] );
			}
		}
		if ( $hasPositions ) {
			$cells[] = interval( samePositionDifference( $run, $label, MAILING_CASES, $silent ) );
		}
		$lines[] = '| ' . implode( ' | ', $cells ) . ' |';
	}
	$lines[] = '';
	if ( $hasPositions ) {
		// Each position on its own: mail sent vs not.
		$positionList = array_keys( byPosition( $run, array_key_first( $run['times'] ), CASES ) );
		$lines[] = '| wiki | ' . implode( ' | ', array_map(
			static fn ( $p ) => "request $p: median mail / not, Δ [95% CI]", $positionList
		) ) . ' |';
		$lines[] = '|---|' . str_repeat( '---:|', count( $positionList ) );
		foreach ( array_keys( $run['times'] ) as $label ) {
			$mail = byPosition( $run, $label, MAILING_CASES );
			$none = byPosition( $run, $label, $silent );
			$cells = [ $label ];
			foreach ( $positionList as $position ) {
				[ $low, $high ] = Stats::medianDifferenceInterval( $mail[$position], $none[$position] );
				$cells[] = sprintf(
					'%.1f / %.1f, %+.2f [%+.2f, %+.2f]',
					Stats::median( $mail[$position] ), Stats::median( $none[$position] ),
					Stats::median( $mail[$position] ) - Stats::median( $none[$position] ), $low, $high
				);
			}
			$lines[] = '| ' . implode( ' | ', $cells ) . ' |';
		}
		$lines[] = '';
	}
	foreach ( $largest as $label => $values ) {
		$parts = [];
		foreach ( $values as $key => $value ) {
			$parts[] = sprintf( '%s %.2f ms', $key, $value );
		}
		$lines[] = "- $label: largest |Δ| to unknown-user: " . implode( ', ', $parts );
	}
	foreach ( $run['mail'] as $label => $check ) {
		$lines[] = sprintf( '- %s: %d mails expected, %d received', $label, $check['expected'], $check['received'] );
	}
	$lines[] = sprintf( '- run time %.0f s', $run['seconds'] );
	return implode( "\n", $lines );
}
