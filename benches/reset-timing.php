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
 * Two phases: "single" requests (a pause after each, so the previous request's post-send work
 * is over) and "burst" requests (BURST requests of one case back to back, then a pause). For
 * each wiki, phase and case it prints the median time and the difference of medians to
 * unknown-user with a 95% bootstrap interval, as a Markdown table for benches/RESULTS.md. It
 * also checks that every answer was success and that exactly the expected mails arrived.
 *
 *   php benches/reset-timing.php [--rounds N] [--bursts N] [--burst-size N] [--workers N]
 *                                [--pause-ms N] [--burst-pause-ms N] [--json FILE] [--quick]
 *                                [--without-equalizer]
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

$options = getopt( '', [
	'rounds:', 'bursts:', 'burst-size:', 'workers:', 'pause-ms:', 'burst-pause-ms:', 'json:', 'quick',
	'without-equalizer',
] );
$quick = isset( $options['quick'] );
$rounds = (int)( $options['rounds'] ?? ( $quick ? 20 : 100 ) );
$bursts = (int)( $options['bursts'] ?? ( $quick ? 6 : 40 ) );
$burstSize = (int)( $options['burst-size'] ?? 5 );
$workers = (int)( $options['workers'] ?? 2 );
$pause = (int)( $options['pause-ms'] ?? 200 ) * 1000;
$burstPause = (int)( $options['burst-pause-ms'] ?? 500 ) * 1000;
// A third wiki: the extension with $wgNativePasswordPolicyResetEqualizeWork = false.
$variants = [ 'core' => [ false, '' ], 'extension' => [ true, '' ] ];
if ( isset( $options['without-equalizer'] ) ) {
	$variants['extension, no equalizer'] = [ true, '$wgNativePasswordPolicyResetEqualizeWork = false;' ];
}
$freshNeeded = $rounds + $bursts * $burstSize;

const CASES = [
	'real-user', 'real-email', 'unconfirmed-user', 'throttled-user',
	'noemail-user', 'unknown-user', 'unknown-email',
];
const MAILING_CASES = [ 'real-user', 'real-email', 'unconfirmed-user' ];
const BASELINE = 'unknown-user';

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
	fprintf( STDERR, "single: %d rounds x %d cases x %d wikis\n", $rounds, count( CASES ), count( $wikis ) );
	for ( $round = 0; $round < $rounds; $round++ ) {
		$plan = [];
		foreach ( array_keys( $wikis ) as $label ) {
			foreach ( CASES as $case ) {
				$plan[] = [ $label, $case ];
			}
		}
		shuffle( $plan );
		foreach ( $plan as [ $label, $case ] ) {
			$times[$label]['single'][$case][] = $send( $label, $case );
			usleep( $pause );
		}
	}
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
				// The first request of a burst follows a pause: only the others wait behind post-send work.
				$times[$label][$i === 0 ? 'burst-first' : 'burst'][$case][] = $ms;
			}
			usleep( $burstPause );
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

// Report.
$load = sys_getloadavg();
$lines = [];
$lines[] = sprintf(
	'nginx %s + php-fpm %s (static pool of %d workers, opcache on), SQLite, MediaWiki 1.39; %d cores, load average before the report %.2f. '
		. 'single: %d requests per case and wiki, %d ms apart; burst: %d bursts of %d back-to-back requests per case and wiki ("burst" counts requests 2..%d of each burst). '
		. 'Times are client-side (curl, new connection per request), in ms.',
	trim( (string)shell_exec( "/usr/sbin/nginx -v 2>&1 | sed 's/.*nginx\\///'" ) ),
	PHP_VERSION, $workers, (int)shell_exec( 'nproc' ), $load[0],
	$rounds, $pause / 1000, $bursts, $burstSize, $burstSize
);
$summary = [];
foreach ( [ 'single', 'burst' ] as $phase ) {
	$lines[] = '';
	$lines[] = "**$phase**";
	$lines[] = '';
	$header = '| case |';
	$rule = '|---|';
	foreach ( array_keys( $wikis ) as $label ) {
		$header .= " $label median | $label Δ vs " . BASELINE . ' [95% CI] |';
		$rule .= '---:|---:|';
	}
	$lines[] = $header;
	$lines[] = $rule;
	foreach ( CASES as $case ) {
		$cells = [ $case ];
		foreach ( array_keys( $wikis ) as $label ) {
			$sample = $times[$label][$phase][$case];
			$base = $times[$label][$phase][BASELINE];
			$delta = Stats::median( $sample ) - Stats::median( $base );
			[ $low, $high ] = Stats::medianDifferenceInterval( $sample, $base );
			$cells[] = sprintf( '%.2f', Stats::median( $sample ) );
			$cells[] = $case === BASELINE ? '—' : sprintf( '%+.2f [%+.2f, %+.2f]', $delta, $low, $high );
			$summary[$label][$phase]['maxAbsDelta'] = max( $summary[$label][$phase]['maxAbsDelta'] ?? 0.0, abs( $delta ) );
		}
		$lines[] = '| ' . implode( ' | ', $cells ) . ' |';
	}
}
$lines[] = '';
foreach ( $summary as $label => $phases ) {
	$lines[] = sprintf(
		'- %s: largest |Δ median| single %.2f ms, burst %.2f ms',
		$label, $phases['single']['maxAbsDelta'], $phases['burst']['maxAbsDelta']
	);
}
foreach ( $mailChecks as $label => $check ) {
	$lines[] = sprintf( '- %s: %d mails expected, %d received', $label, $check['expected'], $check['received'] );
}
$lines[] = sprintf( '- run time %.0f s', microtime( true ) - $started );
echo implode( "\n", $lines ), "\n";

if ( isset( $options['json'] ) ) {
	file_put_contents( $options['json'], json_encode( [ 'times' => $times, 'mail' => $mailChecks ], JSON_PRETTY_PRINT ) );
}
if ( $failures ) {
	fwrite( STDERR, "FAILURES:\n" . implode( "\n", array_slice( $failures, 0, 20 ) ) . "\n" );
	exit( 1 );
}
