<?php
/**
 * Timing of a password reset by case, core vs NativePasswordPolicy, on nginx + php-fpm, through
 * action=resetpassword and through Special:PasswordReset (the form).
 *
 * Does the response time tell whether an account exists? Two throwaway wikis with identical
 * settings (one with the extension) are served by the same kind of stack (nginx in front of a
 * static php-fpm pool, opcache on, tests/harness/ThrowawayWiki.php 'server' => 'fpm'). Each
 * gets the same accounts, and the same anonymous reset requests are sent to both, by both
 * routes, cases, routes and wikis interleaved in random order:
 *
 *   real-user         an account with a confirmed address, by name (a fresh account each time)
 *   real-email        the same, by address
 *   unconfirmed-user  an account whose address is not confirmed (core mails it too)
 *   throttled-user    an account that was sent a reset less than $wgPasswordReminderResendTime ago
 *   noemail-user      an account without an address
 *   unknown-user      a name nobody has
 *   unknown-email     an address nobody has
 *
 * The extension queues every reset as a job. Its job runner is paused while requests are
 * timed (`--runner paused`, the default: a farm whose job runners are other hosts) and run
 * between rounds of bursts (every `--drain-every` rounds, and at the end), so that its work
 * never competes with the timed requests for this machine's CPUs; `--runner active` keeps it
 * running throughout instead (a job runner on the web server itself).
 *
 * Requests go in bursts: BURST requests of one case and route back to back, then a pause long
 * enough for the server to finish its post-send work. "single" is the first request of each
 * burst (what a request alone takes), "back-to-back" the others (they may wait behind the work
 * of the ones before). For each wiki, route, case and phase the report gives the median, the
 * difference of medians to unknown-user with a 95% bootstrap interval, and the same for the
 * means.
 *
 * Back-to-back times mix unlike requests: the 2nd of a burst finds the other worker free, the
 * 3rd waits behind the 1st's post-send work, and so on, so their pooled median falls between
 * modes and jumps with their proportions. The report therefore also compares requests at the
 * same position in their bursts (what an attacker timing a follow-up request would compare):
 * the difference of medians per position, and averaged over the positions ("same position").
 * It also checks that every answer was success (the API's exact answer, the form's success
 * page without error) and that exactly the expected mails arrived, once every job ran.
 *
 *   php benches/reset-timing.php [--bursts N] [--burst-size N] [--workers N] [--pause-ms N]
 *                                [--routes api,form] [--runner paused|active] [--drain-every N]
 *                                [--json FILE] [--quick]
 *   php benches/reset-timing.php --report FILE   (the report of a run saved with --json)
 *
 * Needs: cargo build --release; Debian packages nginx php8.2-fpm (scripts/install-deps.sh).
 * The MediaWiki release is NPP_MEDIAWIKI's (1.43 by default; tests/harness/README.md).
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

use MediaWiki\Extension\NativePasswordPolicy\Benches\Stats;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ApiClient;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;

require __DIR__ . '/../tests/harness/autoload.php';
require __DIR__ . '/lib/Stats.php';

const CASES = [
	'real-user', 'real-email', 'unconfirmed-user', 'throttled-user',
	'noemail-user', 'unknown-user', 'unknown-email',
];
const MAILING_CASES = [ 'real-user', 'real-email', 'unconfirmed-user' ];
const BASELINE = 'unknown-user';
const ROUTES = [ 'api' => 'API', 'form' => 'form' ];
/** What Special:PasswordReset says once it has taken a request (English) */
const FORM_SUCCESS = 'You have requested a password reset.';
const API_SUCCESS = '{"resetpassword":{"status":"success"}}';

$options = getopt( '', [
	'bursts:', 'burst-size:', 'workers:', 'pause-ms:', 'json:', 'quick', 'report:', 'routes:', 'runner:', 'drain-every:',
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
$routes = explode( ',', (string)( $options['routes'] ?? 'api,form' ) );
$runnerMode = (string)( $options['runner'] ?? 'paused' );
$drainEvery = max( 1, (int)( $options['drain-every'] ?? 10 ) );
if ( array_diff( $routes, array_keys( ROUTES ) ) || !in_array( $runnerMode, [ 'paused', 'active' ], true ) ) {
	fwrite( STDERR, "--routes takes api and/or form, --runner paused or active\n" );
	exit( 2 );
}
$variants = [ 'core' => false, 'extension' => true ];
$freshNeeded = $bursts * $burstSize;

// Same settings on both wikis: every mail allowed (no per-IP limit: all requests come from
// 127.0.0.1), core's resend throttle (24 h) so that the throttled account stays throttled.
$settings = '$wgRateLimits["mailpassword"] = [];';

$users = [
	[ 'name' => 'Throttled', 'email' => 'throttled@example.org' ],
	[ 'name' => 'Noemail' ],
];
foreach ( $routes as $route ) {
	for ( $i = 0; $i < $freshNeeded; $i++ ) {
		$users[] = [ 'name' => "Realuser $route $i", 'email' => "realuser.$route.$i@example.org" ];
		$users[] = [ 'name' => "Realmail $route $i", 'email' => "realmail.$route.$i@example.org" ];
		$users[] = [ 'name' => "Unconfirmed $route $i", 'email' => "unconfirmed.$route.$i@example.org", 'emailConfirmed' => false ];
	}
}

$wikis = [];
$started = microtime( true );
$drainSeconds = 0.0;
try {
	foreach ( $variants as $label => $withExtension ) {
		$wiki = ThrowawayWiki::start( [
			'extension' => $withExtension,
			'server' => 'fpm',
			'workers' => $workers,
			'settings' => $settings,
			'jobRunner' => $withExtension && $runnerMode === 'active',
			'jobRunnerPause' => 1.0,
		] );
		$wikis[$label] = $wiki;
		$wiki->createUsers( $users );
		fprintf( STDERR, "%s wiki at %s with %d accounts (%.0f s)\n", $label, $wiki->url(), count( $users ), microtime( true ) - $started );
	}
	$mediaWiki = $wikis['core']->mediaWikiVersion();

	/** Every job of the extension done (the paused runner run, or the active one waited for) */
	$drain = static function () use ( $wikis, $runnerMode, &$drainSeconds ): void {
		$t = microtime( true );
		$wiki = $wikis['extension'];
		if ( $runnerMode === 'paused' ) {
			$wiki->waitUntilIdle();
			$wiki->runJobs();
		} else {
			$wiki->waitForJobs();
		}
		$drainSeconds += microtime( true ) - $t;
	};

	$next = [];
	$target = static function ( string $label, string $route, string $case ) use ( &$next ): array {
		$n = static function () use ( &$next, $label, $route, $case ): int {
			$next[$label][$route][$case] ??= 0;
			return $next[$label][$route][$case]++;
		};
		switch ( $case ) {
			case 'real-user':
				return [ 'Realuser ' . $route . ' ' . $n(), null ];
			case 'real-email':
				return [ null, "realmail.$route." . $n() . '@example.org' ];
			case 'unconfirmed-user':
				return [ 'Unconfirmed ' . $route . ' ' . $n(), null ];
			case 'throttled-user':
				return [ 'Throttled', null ];
			case 'noemail-user':
				return [ 'Noemail', null ];
			case 'unknown-user':
				return [ 'Nobody' . bin2hex( random_bytes( 4 ) ), null ];
			case 'unknown-email':
				return [ null, 'nobody' . bin2hex( random_bytes( 4 ) ) . '@example.org' ];
		}
		throw new LogicException( $case );
	};
	$failures = [];
	$send = static function ( string $label, string $route, string $case ) use ( $wikis, $target, &$failures ): float {
		[ $user, $email ] = $target( $label, $route, $case );
		$wiki = $wikis[$label];
		if ( $route === 'api' ) {
			$params = [ 'action' => 'resetpassword', 'token' => '+\\', 'format' => 'json' ]
				+ array_filter( [ 'user' => $user, 'email' => $email ], 'is_string' );
			$response = $wiki->client()->request( 'POST', $params );
			$ok = $response['status'] === 200 && $response['body'] === API_SUCCESS;
		} else {
			$fields = [ 'title' => 'Special:PasswordReset', 'wpEditToken' => '+\\' ]
				+ array_filter( [ 'wpUsername' => $user, 'wpEmail' => $email ], 'is_string' );
			$response = ( new ApiClient( $wiki->url() . '/index.php' ) )->request( 'POST', $fields );
			$ok = $response['status'] === 200 && str_contains( $response['body'], FORM_SUCCESS )
				&& !str_contains( $response['body'], 'class="error"' );
		}
		if ( !$ok ) {
			$failures[] = "$label $route $case: HTTP {$response['status']} " . substr( $response['body'], 0, 300 );
		}
		return $response['seconds'] * 1000;
	};

	// The throttled account gets its reset now; warm both stacks up (opcache, the filter file).
	foreach ( $wikis as $label => $wiki ) {
		$wiki->client()->post( [ 'action' => 'resetpassword', 'user' => 'Throttled', 'token' => '+\\' ] );
		for ( $i = 0; $i < 30; $i++ ) {
			foreach ( $routes as $route ) {
				$send( $label, $route, 'unknown-user' );
				$send( $label, $route, 'unknown-email' );
			}
		}
	}
	$drain();
	foreach ( $wikis as $wiki ) {
		$wiki->waitForMails( 1 );
	}

	$times = [];
	$positions = [];
	fprintf( STDERR, "burst: %d bursts of %d x %d cases x %d routes x %d wikis, job runner %s\n",
		$bursts, $burstSize, count( CASES ), count( $routes ), count( $wikis ), $runnerMode );
	for ( $burst = 0; $burst < $bursts; $burst++ ) {
		$plan = [];
		foreach ( array_keys( $wikis ) as $label ) {
			foreach ( $routes as $route ) {
				foreach ( CASES as $case ) {
					$plan[] = [ $label, $route, $case ];
				}
			}
		}
		shuffle( $plan );
		foreach ( $plan as [ $label, $route, $case ] ) {
			$series = "$label, " . ROUTES[$route];
			for ( $i = 0; $i < $burstSize; $i++ ) {
				$ms = $send( $label, $route, $case );
				// The first request of a burst follows a pause: only the others may wait behind post-send work.
				$times[$series][$i === 0 ? 'single' : 'back-to-back'][$case][] = $ms;
				if ( $i > 0 ) {
					$positions[$series][$case][] = $i + 1;
				}
			}
			usleep( $pause );
		}
		if ( ( $burst + 1 ) % $drainEvery === 0 ) {
			$drain();
		}
	}
	$drain();

	// Every mailing request must have produced exactly one mail, the others none.
	$mailChecks = [];
	foreach ( $wikis as $label => $wiki ) {
		// The throttled account's own reset, then every mailing request.
		$expected = 1;
		foreach ( $next[$label] ?? [] as $byCase ) {
			foreach ( MAILING_CASES as $case ) {
				$expected += $byCase[$case] ?? 0;
			}
		}
		try {
			$wiki->waitForMails( $expected, 60 );
			usleep( 500_000 );
		} catch ( RuntimeException $e ) {
			// Counted below.
		}
		$count = count( $wiki->mails() );
		$mailChecks[$label] = [ 'expected' => $expected, 'received' => $count ];
		if ( $count !== $expected ) {
			$failures[] = "$label: expected $expected mails, received $count";
		}
	}
	$load = sys_getloadavg();
} finally {
	foreach ( $wikis as $wiki ) {
		$wiki->stop();
	}
}

$run = [
	'setup' => sprintf(
		'nginx %s + php-fpm %s (static pool of %d workers per wiki, opcache on), SQLite, MediaWiki %s; %d cores, '
			. 'load average at the end %.2f %.2f %.2f. %d bursts of %d requests per case, route and wiki, %d ms apart, '
			. 'cases, routes and wikis interleaved at random; the extension\'s job runner %s (%.0f s of draining). '
			. 'Client-side times (curl, new connection per request), in ms.',
		trim( (string)shell_exec( "/usr/sbin/nginx -v 2>&1 | sed 's/.*nginx\\///'" ) ),
		PHP_VERSION, $workers, $mediaWiki, (int)shell_exec( 'nproc' ), $load[0], $load[1], $load[2], $bursts, $burstSize,
		$pause / 1000, $runnerMode === 'paused' ? "paused while requests were timed, run every $drainEvery rounds" : 'running throughout',
		$drainSeconds
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
