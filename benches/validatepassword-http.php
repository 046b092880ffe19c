<?php
/**
 * action=validatepassword over HTTP, core's module vs the extension's, side by side in one run.
 *
 * Two throwaway wikis with identical settings, one with NativePasswordPolicy, are served by
 * the same kind of stack (nginx + a static php8.2-fpm pool, opcache on:
 * tests/harness/ThrowawayWiki.php 'server' => 'fpm'). The same anonymous requests go to both,
 * interleaved in random order:
 *
 *   common      "foobar": in the common-password filter (Change)
 *   good        a 26-character password that passes every check (Good)
 *   new-user    a good password for an account about to be created (user=...)
 *   too-long    4097 characters: MaximalPasswordLength fails (Invalid)
 *   baseline    action=query&meta=userinfo: what any API request costs on this stack
 *
 * Latency: sequential requests, median / p90 / p99 per wiki and case, and the ratio
 * core / extension. Throughput: CONCURRENCY clients keep one wiki's pool busy for SECONDS,
 * core and extension alternately (twice each), for the "good" request.
 *
 *   php benches/validatepassword-http.php [--requests N] [--workers N] [--concurrency N]
 *                                         [--seconds N] [--quick]
 *
 * Needs: cargo build --release; Debian packages nginx php8.2-fpm (scripts/install-deps.sh).
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

$options = getopt( '', [ 'requests:', 'workers:', 'concurrency:', 'seconds:', 'quick' ] );
$quick = isset( $options['quick'] );
$requests = (int)( $options['requests'] ?? ( $quick ? 40 : 300 ) );
$workers = (int)( $options['workers'] ?? 2 );
$concurrency = (int)( $options['concurrency'] ?? 4 );
$seconds = (float)( $options['seconds'] ?? ( $quick ? 3 : 10 ) );

$cases = [
	'common' => [ 'POST', [ 'action' => 'validatepassword', 'password' => 'foobar' ], 'Change' ],
	'good' => [ 'POST', [ 'action' => 'validatepassword', 'password' => 'Correct-Horse-Battery-Staple' ], 'Good' ],
	'new-user' => [ 'POST', [ 'action' => 'validatepassword', 'password' => 'Correct-Horse-Battery-Staple', 'user' => 'Newcomer' ], 'Good' ],
	'too-long' => [ 'POST', [ 'action' => 'validatepassword', 'password' => str_repeat( 'x', 4097 ) ], 'Invalid' ],
	'baseline' => [ 'GET', [ 'action' => 'query', 'meta' => 'userinfo' ], null ],
];

$wikis = [];
$started = microtime( true );
$failures = [];
try {
	foreach ( [ 'core' => false, 'extension' => true ] as $label => $withExtension ) {
		$wikis[$label] = ThrowawayWiki::start( [ 'extension' => $withExtension, 'server' => 'fpm', 'workers' => $workers ] );
	}
	$check = static function ( string $label, string $case, array $response ) use ( $cases, &$failures ): void {
		$expected = $cases[$case][2];
		$body = json_decode( $response['body'], true );
		$ok = $response['status'] === 200 && ( $expected === null
			? isset( $body['query']['userinfo'] )
			: ( $body['validatepassword']['validity'] ?? null ) === $expected );
		if ( !$ok ) {
			$failures[] = "$label $case: HTTP {$response['status']} " . substr( $response['body'], 0, 300 );
		}
	};
	$send = static function ( ApiClient $client, string $case ) use ( $cases ): array {
		[ $method, $params ] = $cases[$case];
		$params += [ 'format' => 'json', 'formatversion' => 2 ];
		return $method === 'GET' ? $client->request( 'GET', [], $params ) : $client->request( 'POST', $params );
	};

	// Warm-up: opcache, APCu, the common-password filter of both.
	foreach ( $wikis as $label => $wiki ) {
		for ( $i = 0; $i < 20; $i++ ) {
			foreach ( array_keys( $cases ) as $case ) {
				$check( $label, $case, $send( $wiki->client(), $case ) );
			}
		}
	}

	// Latency, sequential, interleaved.
	$latency = [];
	$plan = [];
	foreach ( array_keys( $wikis ) as $label ) {
		foreach ( array_keys( $cases ) as $case ) {
			for ( $i = 0; $i < $requests; $i++ ) {
				$plan[] = [ $label, $case ];
			}
		}
	}
	shuffle( $plan );
	fprintf( STDERR, "latency: %d requests\n", count( $plan ) );
	foreach ( $plan as [ $label, $case ] ) {
		$response = $send( $wikis[$label]->client(), $case );
		$check( $label, $case, $response );
		$latency[$label][$case][] = $response['seconds'] * 1000;
	}

	// Throughput: a closed loop of $concurrency clients on one wiki at a time.
	$throughput = [];
	foreach ( [ 'core', 'extension', 'core', 'extension' ] as $label ) {
		fprintf( STDERR, "throughput: %s, %d clients, %.0f s\n", $label, $concurrency, $seconds );
		$done = 0;
		$deadline = microtime( true ) + $seconds;
		$begin = microtime( true );
		while ( microtime( true ) < $deadline ) {
			$batch = [];
			for ( $i = 0; $i < $concurrency * 4; $i++ ) {
				$batch[] = [ $wikis[$label]->client(), 'POST', $cases['good'][1] + [ 'format' => 'json', 'formatversion' => 2 ], [] ];
			}
			foreach ( ApiClient::requestMany( $batch, $concurrency ) as $response ) {
				$check( $label, 'good', $response );
				$done++;
			}
		}
		$throughput[$label][] = $done / ( microtime( true ) - $begin );
	}
} finally {
	foreach ( $wikis as $wiki ) {
		$wiki->stop();
	}
}

$load = sys_getloadavg();
$lines = [];
$lines[] = sprintf(
	'nginx %s + php-fpm %s (static pool of %d workers per wiki, opcache on), SQLite, MediaWiki 1.39, anonymous requests; '
		. '%d cores, load average at the end %.2f. Latency: %d sequential requests per case and wiki, interleaved at random, '
		. 'client-side times in ms (curl, new connection each). Throughput: %d concurrent clients, %.0f s per run, two runs per wiki.',
	trim( (string)shell_exec( "/usr/sbin/nginx -v 2>&1 | sed 's/.*nginx\\///'" ) ),
	PHP_VERSION, $workers, (int)shell_exec( 'nproc' ), $load[0], $requests, $concurrency, $seconds
);
$lines[] = '';
$lines[] = '| case | core p50 | core p90 | core p99 | extension p50 | extension p90 | extension p99 | p50 core/extension |';
$lines[] = '|---|---:|---:|---:|---:|---:|---:|---:|';
foreach ( array_keys( $cases ) as $case ) {
	$core = $latency['core'][$case];
	$extension = $latency['extension'][$case];
	$lines[] = sprintf(
		'| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |',
		$case,
		Stats::quantile( $core, 0.5 ), Stats::quantile( $core, 0.9 ), Stats::quantile( $core, 0.99 ),
		Stats::quantile( $extension, 0.5 ), Stats::quantile( $extension, 0.9 ), Stats::quantile( $extension, 0.99 ),
		Stats::median( $core ) / Stats::median( $extension )
	);
}
$lines[] = '';
$lines[] = sprintf(
	'Throughput ("good"): core %s requests/s, extension %s requests/s; ratio extension/core %.2f.',
	implode( ' / ', array_map( static fn ( $r ) => sprintf( '%.1f', $r ), $throughput['core'] ) ),
	implode( ' / ', array_map( static fn ( $r ) => sprintf( '%.1f', $r ), $throughput['extension'] ) ),
	array_sum( $throughput['extension'] ) / array_sum( $throughput['core'] )
);
$lines[] = sprintf( 'Run time %.0f s.', microtime( true ) - $started );
echo implode( "\n", $lines ), "\n";

if ( $failures ) {
	fwrite( STDERR, "FAILURES:\n" . implode( "\n", array_slice( $failures, 0, 20 ) ) . "\n" );
	exit( 1 );
}
