<?php
/**
 * The load run: action=validatepassword and action=resetpassword against MediaWiki core and
 * against NativePasswordPolicy, side by side in one run, on a production-like stack (nginx +
 * php8.2-fpm with opcache, the module loaded by its ini file; LoadStack.php).
 *
 *   php benches/load/run.php [--requests N] [--blocks N] [--concurrency N] [--workers N]
 *                            [--accounts N] [--warmup N] [--seed N] [--json FILE] [--keep]
 *                            [--cases CASE,...]   (a part of the mix only, e.g. one endpoint)
 *                            [--runner paused|active]
 *   php benches/load/run.php --smoke     1,000 requests a wiki (scripts/test.sh stage load)
 *
 * Defaults: 100,000 requests per wiki (200,000 in all), in 10 blocks per wiki of 10,000 that
 * alternate core / extension (core, extension, extension, core, ...: drift of a shared machine
 * falls on both), 4 workers per wiki, 4 requests in flight, 2,000 accounts with an address.
 * Block N is the same list of requests for both wikis (RequestMix: 80% validatepassword, 20%
 * resetpassword of existing, address-less and unknown accounts and addresses). Before the
 * blocks, each wiki gets a warm-up (opcache, APCu), not counted. Between blocks the run waits
 * until php-fpm has no busy worker, so that post-send work of one wiki's block (core's resets)
 * never runs inside the other's. The extension queues its resets as jobs: with `--runner
 * paused` (the default: a farm whose job runners are other hosts) they are run by core's
 * runJobs.php after each of its blocks, outside the block's time; with `--runner active` the
 * wiki's own job runner runs them during the blocks, on the same CPUs. Either way the
 * runner's CPU time is measured and reported beside the workers'.
 *
 * Reported per wiki and endpoint: requests, errors (transport failure, HTTP status other than
 * 200, an API error, a warning other than MediaWiki's own for invalid UTF-8 input, or an
 * answer other than a validity / "success"), throughput
 * (the endpoint's requests over the wiki's measured time), latency p50/p90/p99/max (libcurl's
 * total time: queueing at nginx and php-fpm included); per wiki: VmRSS of every php-fpm worker
 * after the warm-up and at the end (same PIDs: no worker died), mails sent and to whom,
 * validatepassword answers that differ between core and the extension. Prints Markdown tables,
 * writes JSON (default target/load/results.json), exits 1 on any error.
 *
 * Only 127.0.0.1 is ever a target; the run is bounded by its request count.
 * Needs: cargo build --release; Debian packages nginx php8.2-fpm (scripts/install-deps.sh).
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

use MediaWiki\Extension\NativePasswordPolicy\Benches\Load\LoadDriver;
use MediaWiki\Extension\NativePasswordPolicy\Benches\Load\LoadStack;
use MediaWiki\Extension\NativePasswordPolicy\Benches\Load\RequestMix;
use MediaWiki\Extension\NativePasswordPolicy\Benches\Stats;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;

require __DIR__ . '/../../tests/harness/autoload.php';
require __DIR__ . '/../lib/Stats.php';
require __DIR__ . '/LoadStack.php';
require __DIR__ . '/RequestMix.php';
require __DIR__ . '/LoadDriver.php';

$repo = dirname( __DIR__, 2 );
$options = getopt( '', [ 'requests:', 'blocks:', 'concurrency:', 'workers:', 'accounts:', 'warmup:', 'seed:', 'json:', 'cases:', 'runner:', 'keep', 'smoke' ] );
$smoke = isset( $options['smoke'] );
$requestsPerWiki = (int)( $options['requests'] ?? ( $smoke ? 1000 : 100_000 ) );
$blocks = (int)( $options['blocks'] ?? max( 2, (int)ceil( $requestsPerWiki / 10_000 ) ) );
$concurrency = (int)( $options['concurrency'] ?? 4 );
$workers = (int)( $options['workers'] ?? 4 );
$accounts = (int)( $options['accounts'] ?? ( $smoke ? 100 : 2000 ) );
$warmup = (int)( $options['warmup'] ?? ( $smoke ? 60 : 400 ) );
$seed = (int)( $options['seed'] ?? 1 );
$jsonFile = $options['json'] ?? "$repo/target/load/" . ( $smoke ? 'smoke.json' : 'results.json' );
$blockSize = (int)ceil( $requestsPerWiki / $blocks );
$onlyCases = isset( $options['cases'] ) ? explode( ',', $options['cases'] ) : null;
// The extension's job runner: paused while a block runs, its jobs run after the block (a farm
// whose job runners are other hosts), or active throughout (a runner on the web server).
$runnerMode = (string)( $options['runner'] ?? 'paused' );
if ( !in_array( $runnerMode, [ 'paused', 'active' ], true ) ) {
	fwrite( STDERR, "--runner takes paused or active\n" );
	exit( 2 );
}
if ( $requestsPerWiki < 1 || $blocks < 1 || $concurrency < 1 || $workers < 1 || $accounts < 1 ) {
	fwrite( STDERR, "--requests, --blocks, --concurrency, --workers and --accounts must be positive\n" );
	exit( 2 );
}

/**
 * Why an answer is not the one expected, or null when it is.
 */
function answerProblem( string $endpoint, array $result, bool $badUtf8Warning ): ?string {
	if ( $result['error'] !== null ) {
		return 'transport: ' . $result['error'];
	}
	if ( $result['status'] !== 200 ) {
		return "HTTP {$result['status']}";
	}
	$answer = json_decode( $result['body'], true );
	if ( !is_array( $answer ) ) {
		return 'not JSON';
	}
	if ( isset( $answer['error'] ) ) {
		return 'API error ' . ( $answer['error']['code'] ?? '?' );
	}
	if ( isset( $answer['warnings'] ) ) {
		$expected = $badUtf8Warning && count( $answer['warnings'] ) === 1
			&& str_contains( $answer['warnings'][$endpoint]['warnings'] ?? '', 'contains invalid or non-normalized data' );
		if ( !$expected ) {
			return 'API warning';
		}
	} elseif ( $badUtf8Warning ) {
		return 'no warning about the invalid UTF-8';
	}
	if ( $endpoint === RequestMix::VALIDATE ) {
		return in_array( $answer['validatepassword']['validity'] ?? null, [ 'Good', 'Change', 'Invalid' ], true )
			? null : 'no validity';
	}
	return $answer === [ 'resetpassword' => [ 'status' => 'success' ] ] ? null : 'not success';
}

/** @return array<int,int> Worker PID => VmRSS in KiB */
function workerRss( ThrowawayWiki $wiki ): array {
	return array_map( static fn ( $worker ) => $worker['rssKiB'], $wiki->fpmWorkers() );
}

/** CPU seconds used so far by the wiki's php-fpm workers (post-send work included) */
function workerCpu( ThrowawayWiki $wiki ): float {
	return array_sum( array_column( $wiki->fpmWorkers(), 'cpuSeconds' ) );
}

/**
 * Lines of a wiki log that report a problem: php-fpm warnings, PHP errors, exceptions, and
 * anything the extension logged (a reset that failed or waited out its lock).
 */
function problemLines( ThrowawayWiki $wiki ): array {
	$lines = [];
	foreach ( [ 'php-error.log', 'exception.log', 'error.log', 'fatal.log', 'dberror.log', 'nativepasswordpolicy.log' ] as $log ) {
		foreach ( array_filter( explode( "\n", $wiki->log( $log ) ) ) as $line ) {
			$lines[] = "$log: $line";
		}
	}
	foreach ( explode( "\n", $wiki->log( 'php-fpm.log' ) ) as $line ) {
		if ( preg_match( '/WARNING|ERROR|exited/', $line ) ) {
			$lines[] = "php-fpm.log: $line";
		}
	}
	return $lines;
}

function rusageSeconds(): float {
	$usage = getrusage();
	return $usage['ru_utime.tv_sec'] + $usage['ru_utime.tv_usec'] / 1e6 + $usage['ru_stime.tv_sec'] + $usage['ru_stime.tv_usec'] / 1e6;
}

/** CPU seconds of this process's children that have ended (runJobs.php runs) */
function childRusageSeconds(): float {
	$usage = getrusage( 1 );
	return $usage['ru_utime.tv_sec'] + $usage['ru_utime.tv_usec'] / 1e6 + $usage['ru_stime.tv_sec'] + $usage['ru_stime.tv_usec'] / 1e6;
}

/**
 * Runs the extension's queued jobs to the end: core's runJobs.php here (paused runner), or
 * waiting for the wiki's job runner (active). The CPU the runner used is added to $cpu, from
 * $cpuMark on when the runner is active (it may have run jobs during the block).
 *
 * @return int Jobs run (paused runner; 0 when active: its runs are not seen one by one)
 */
function drainJobs( ThrowawayWiki $wiki, string $mode, float &$cpu, ?float $cpuMark = null ): int {
	if ( $mode === 'paused' ) {
		$before = childRusageSeconds();
		$out = $wiki->runJobs();
		$cpu += childRusageSeconds() - $before;
		return substr_count( $out, ' good' );
	}
	$wiki->waitForJobs();
	$cpu += $wiki->jobRunnerCpuSeconds() - ( $cpuMark ?? 0.0 );
	return 0;
}

function milliseconds( array $micros, float $q ): float {
	return Stats::quantile( $micros, $q ) / 1000;
}

$module = "$repo/target/release/libnative_password_policy.so";
if ( !is_file( $module ) ) {
	fwrite( STDERR, "The module is not built: cargo build --release\n" );
	exit( 1 );
}

$labels = LoadStack::LABELS;
$stackDir = "$repo/target/load/run-" . getmypid();
fprintf( STDERR, "load: starting the stack in %s (%d workers per wiki, %d accounts)\n", $stackDir, $workers, $accounts );
$startedAt = microtime( true );
$stack = LoadStack::start( $stackDir, $workers, $accounts, '', $runnerMode === 'active' );
$report = [];
$failed = false;
try {
	$wikis = $stack->wikis();

	// Warm-up, then the starting point of memory and mail.
	$warmupErrors = [];
	$warmupMix = new RequestMix( $seed, $accounts, true );
	$warmupRequests = $warmupMix->block( 0, $warmup );
	foreach ( $wikis as $label => $wiki ) {
		$run = LoadDriver::run( $wiki->apiUrl(), $warmupRequests, $concurrency );
		foreach ( $warmupRequests as $i => [ $case, $endpoint, , $badUtf8 ] ) {
			$problem = answerProblem( $endpoint, $run['results'][$i], $badUtf8 );
			if ( $problem !== null ) {
				$warmupErrors[] = "$label warm-up $case: $problem";
			}
		}
	}
	foreach ( $wikis as $wiki ) {
		$wiki->waitUntilIdle();
	}
	$warmupRunnerCpu = 0.0;
	drainJobs( $wikis['extension'], $runnerMode, $warmupRunnerCpu, $runnerMode === 'active' ? $wikis['extension']->jobRunnerCpuSeconds() : null );
	foreach ( $wikis as $wiki ) {
		$wiki->clearMails();
	}
	$rssStart = array_map( 'workerRss', $wikis );
	$acceptedStart = array_map( static fn ( $wiki ) => $wiki->fpmStatus()['accepted conn'], $wikis );

	// The measured blocks.
	$mix = new RequestMix( $seed, $accounts, false, $onlyCases );
	$latency = [];
	$errors = [];
	$errorSamples = [];
	$seconds = array_fill_keys( $labels, 0.0 );
	$drainSeconds = array_fill_keys( $labels, 0.0 );
	$workerCpu = array_fill_keys( $labels, 0.0 );
	$runnerCpu = 0.0;
	$runnerSeconds = 0.0;
	$jobsRun = 0;
	$blockThroughput = [];
	$differences = 0;
	$differenceSamples = [];
	$mailTargets = [];
	$rssAfterBlock = [];
	$clientCpu = rusageSeconds();
	for ( $block = 0; $block < $blocks; $block++ ) {
		$size = min( $blockSize, $requestsPerWiki - $block * $blockSize );
		if ( $size <= 0 ) {
			break;
		}
		$requests = $mix->block( $block, $size );
		$mailTargets = array_merge( $mailTargets, RequestMix::mailedAddresses( $requests ) );
		$order = $block % 2 === 0 ? $labels : array_reverse( $labels );
		$bodies = [];
		foreach ( $order as $label ) {
			$cpuBefore = workerCpu( $wikis[$label] );
			$runnerMark = $label === 'extension' && $runnerMode === 'active' ? $wikis[$label]->jobRunnerCpuSeconds() : null;
			$run = LoadDriver::run( $wikis[$label]->apiUrl(), $requests, $concurrency );
			$seconds[$label] += $run['seconds'];
			$blockThroughput[$label][] = round( $size / $run['seconds'], 1 );
			foreach ( $requests as $i => [ $case, $endpoint, , $badUtf8 ] ) {
				$result = $run['results'][$i];
				$latency[$label][$endpoint][] = $result['us'];
				$latency[$label][$case][] = $result['us'];
				$problem = answerProblem( $endpoint, $result, $badUtf8 );
				if ( $problem !== null ) {
					$errors[$label][$endpoint] = ( $errors[$label][$endpoint] ?? 0 ) + 1;
					if ( count( $errorSamples ) < 20 ) {
						$errorSamples[] = "$label $case: $problem " . substr( $result['body'], 0, 300 );
					}
				}
				if ( $endpoint === RequestMix::VALIDATE ) {
					$bodies[$label][$i] = $result['body'];
				}
			}
			$drainStart = microtime( true );
			$wikis[$label]->waitUntilIdle();
			$drainSeconds[$label] += microtime( true ) - $drainStart;
			$workerCpu[$label] += workerCpu( $wikis[$label] ) - $cpuBefore;
			if ( $label === 'extension' ) {
				// Its resets are queued: the job runner does them.
				$runnerStart = microtime( true );
				$jobsRun += drainJobs( $wikis[$label], $runnerMode, $runnerCpu, $runnerMark );
				$runnerSeconds += microtime( true ) - $runnerStart;
			}
			$rssAfterBlock[$label][] = array_values( workerRss( $wikis[$label] ) );
			fprintf( STDERR, "load: block %d/%d %-9s %6d requests in %6.1f s (%.1f/s)\n",
				$block + 1, $blocks, $label, $size, $run['seconds'], $size / $run['seconds'] );
		}
		foreach ( $bodies['core'] ?? [] as $i => $body ) {
			if ( $body !== $bodies['extension'][$i] ) {
				$differences++;
				if ( count( $differenceSamples ) < 10 ) {
					$differenceSamples[] = [ 'request' => $requests[$i][2], 'core' => $body, 'extension' => $bodies['extension'][$i] ];
				}
			}
		}
	}
	$clientCpu = rusageSeconds() - $clientCpu;

	// The end point: memory, workers, mail, logs.
	$rssEnd = array_map( 'workerRss', $wikis );
	$expectedAddresses = array_values( array_unique( $mailTargets ) );
	sort( $expectedAddresses );
	$memory = [];
	$mail = [];
	$logProblems = [];
	foreach ( $wikis as $label => $wiki ) {
		$status = $wiki->fpmStatus();
		$memory[$label] = [
			'startKiB' => $rssStart[$label],
			'endKiB' => $rssEnd[$label],
			'sameWorkers' => array_keys( $rssStart[$label] ) === array_keys( $rssEnd[$label] ),
			'peakKiB' => array_map( static fn ( $worker ) => $worker['hwmKiB'], $wiki->fpmWorkers() ),
			// Every request php-fpm accepted, the runner's status-page polls included
			'fpmRequestsAccepted' => $status['accepted conn'] - $acceptedStart[$label],
			'afterEachBlockKiB' => $rssAfterBlock[$label],
			'maxListenQueue' => $status['max listen queue'],
			'slowRequests' => $status['slow requests'],
		];
		$recipients = [];
		foreach ( $wiki->mails() as $caught ) {
			preg_match( '/[^<\s]+@[^>\s]+/', $caught->to(), $match );
			$recipients[] = strtolower( $match[0] ?? $caught->to() );
		}
		$counts = array_count_values( $recipients );
		$mail[$label] = [
			'mails' => count( $recipients ),
			'recipients' => count( $counts ),
			'accountsTargeted' => count( $expectedAddresses ),
			'duplicates' => count( $recipients ) - count( $counts ),
			'unexpected' => array_values( array_diff( array_keys( $counts ), $expectedAddresses ) ),
			'notMailed' => count( array_diff( $expectedAddresses, array_keys( $counts ) ) ),
		];
		$logProblems[$label] = problemLines( $wiki );
	}

	// Figures.
	$endpoints = [ RequestMix::VALIDATE, RequestMix::RESET ];
	$summary = [];
	foreach ( $labels as $label ) {
		foreach ( array_merge( $endpoints, [ 'all' ], array_keys( RequestMix::CASES ) ) as $key ) {
			$micros = $key === 'all'
				? array_merge( $latency[$label][RequestMix::VALIDATE] ?? [], $latency[$label][RequestMix::RESET] ?? [] )
				: $latency[$label][$key] ?? [];
			// Nothing sent (--cases): no latency rather than NaN, which JSON cannot hold
			$summary[$label][$key] = [
				'requests' => count( $micros ),
				'errors' => $key === 'all' ? array_sum( $errors[$label] ?? [] ) : ( $errors[$label][$key] ?? 0 ),
				'perSecond' => round( count( $micros ) / $seconds[$label], 1 ),
				'p50ms' => $micros ? round( milliseconds( $micros, 0.5 ), 2 ) : null,
				'p90ms' => $micros ? round( milliseconds( $micros, 0.9 ), 2 ) : null,
				'p99ms' => $micros ? round( milliseconds( $micros, 0.99 ), 2 ) : null,
				'maxms' => $micros ? round( max( $micros ) / 1000, 2 ) : null,
			];
		}
	}
	$totalErrors = array_sum( array_map( static fn ( $label ) => $summary[$label]['all']['errors'], $labels ) );

	$load = sys_getloadavg();
	preg_match( '/^model name\s*:\s*(.+)$/m', (string)@file_get_contents( '/proc/cpuinfo' ), $cpu );
	$report = [
		'command' => 'php benches/load/' . basename( __FILE__ ) . ' ' . implode( ' ', array_slice( $argv, 1 ) ),
		'date' => gmdate( 'c' ),
		'machine' => [
			'cpus' => (int)trim( (string)shell_exec( 'nproc' ) ),
			'cpu' => $cpu[1] ?? null,
			'loadAverageAtEnd' => $load,
			'nginx' => trim( (string)shell_exec( "/usr/sbin/nginx -v 2>&1 | sed 's/.*nginx\\///'" ) ),
			'php' => PHP_VERSION,
			'mediawiki' => $wikis['core']->mediaWikiVersion(),
		],
		'options' => compact( 'requestsPerWiki', 'blocks', 'blockSize', 'concurrency', 'workers', 'accounts', 'warmup', 'seed', 'onlyCases' ),
		'settings' => LoadStack::SETTINGS,
		'mix' => array_map( static fn ( $case ) => [ 'weight' => $case[0], 'endpoint' => $case[1] ], RequestMix::CASES ),
		'seconds' => array_map( static fn ( $s ) => round( $s, 2 ), $seconds ),
		'drainSeconds' => array_map( static fn ( $s ) => round( $s, 2 ), $drainSeconds ),
		'workerCpuSeconds' => array_map( static fn ( $s ) => round( $s, 2 ), $workerCpu ),
		'workerCpuMsPerRequest' => array_map( static fn ( $s ) => round( $s / $requestsPerWiki * 1000, 2 ), $workerCpu ),
		'workerCpuMsPerReset' => array_map(
			static fn ( $label ) => $summary[$label][RequestMix::RESET]['requests']
				? round( $workerCpu[$label] / $summary[$label][RequestMix::RESET]['requests'] * 1000, 2 ) : null,
			array_combine( $labels, $labels )
		),
		'runner' => [
			'mode' => $runnerMode,
			'cpuSeconds' => round( $runnerCpu, 2 ),
			'seconds' => round( $runnerSeconds, 2 ),
			'jobsRun' => $jobsRun,
			'cpuMsPerReset' => $summary['extension'][RequestMix::RESET]['requests']
				? round( $runnerCpu / $summary['extension'][RequestMix::RESET]['requests'] * 1000, 2 ) : null,
		],
		'blockThroughput' => $blockThroughput,
		'summary' => $summary,
		'errorSamples' => $errorSamples,
		'warmupErrors' => $warmupErrors,
		'validateDifferences' => $differences,
		'validateDifferenceSamples' => $differenceSamples,
		'memory' => $memory,
		'mail' => $mail,
		'logProblems' => $logProblems,
		'clientCpuMicrosPerRequest' => round( $clientCpu / ( 2 * $requestsPerWiki ) * 1e6, 1 ),
		'wallSeconds' => round( microtime( true ) - $startedAt, 1 ),
	];

	// Verdict: everything the run must show.
	$verdict = [];
	if ( $totalErrors ) {
		$verdict[] = "$totalErrors requests failed";
	}
	if ( $warmupErrors ) {
		$verdict[] = count( $warmupErrors ) . ' warm-up requests failed';
	}
	if ( $differences ) {
		$verdict[] = "$differences validatepassword answers differ between core and the extension";
	}
	foreach ( $labels as $label ) {
		if ( !$memory[$label]['sameWorkers'] ) {
			$verdict[] = "php-fpm workers of $label changed during the run (a worker died)";
		}
		if ( $logProblems[$label] ) {
			$verdict[] = count( $logProblems[$label] ) . " problem lines in the logs of $label";
		}
		if ( $mail[$label]['unexpected'] ) {
			$verdict[] = "$label mailed addresses no request targeted";
		}
	}
	if ( $mail['extension']['duplicates'] || $mail['extension']['notMailed'] ) {
		$verdict[] = 'the extension did not send exactly one mail per targeted account';
	}
	$report['failures'] = $verdict;
	$failed = (bool)$verdict;
} finally {
	if ( isset( $options['keep'] ) ) {
		fprintf( STDERR, "load: the stack keeps running; stop it with: php benches/load/stack.php stop --dir %s\n", $stackDir );
	} else {
		$stack->stop();
	}
}

if ( !is_dir( dirname( $jsonFile ) ) ) {
	mkdir( dirname( $jsonFile ), 0777, true );
}
file_put_contents( $jsonFile, json_encode( $report,
	JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE | JSON_THROW_ON_ERROR ) . "\n" );

// Tables.
$out = [];
$out[] = sprintf(
	'%s requests per wiki in %d blocks, %d in flight, php-fpm static pool of %d workers per wiki; %d CPUs (%s), load average at the end %.2f; client CPU %.0f µs a request; %.0f s in all.',
	number_format( $requestsPerWiki ), $blocks, $concurrency, $workers, $report['machine']['cpus'],
	$report['machine']['cpu'] ?? 'unknown CPU', $report['machine']['loadAverageAtEnd'][0],
	$report['clientCpuMicrosPerRequest'], $report['wallSeconds']
);
$out[] = '';
$out[] = '| wiki | endpoint | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms |';
$out[] = '|---|---|---:|---:|---:|---:|---:|---:|---:|';
foreach ( $labels as $label ) {
	foreach ( [ RequestMix::VALIDATE, RequestMix::RESET, 'all' ] as $key ) {
		$row = $summary[$label][$key];
		if ( !$row['requests'] ) {
			continue;
		}
		$out[] = sprintf( '| %s | %s | %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f |', $label, $key,
			number_format( $row['requests'] ), $row['errors'], $row['perSecond'], $row['p50ms'], $row['p90ms'], $row['p99ms'], $row['maxms'] );
	}
}
$out[] = '';
$out[] = '| case | core p50 ms | core p99 ms | extension p50 ms | extension p99 ms |';
$out[] = '|---|---:|---:|---:|---:|';
foreach ( array_keys( RequestMix::CASES ) as $case ) {
	if ( !$summary['core'][$case]['requests'] ) {
		continue;
	}
	$out[] = sprintf( '| %s (%s) | %.1f | %.1f | %.1f | %.1f |', $case, number_format( $summary['core'][$case]['requests'] ),
		$summary['core'][$case]['p50ms'], $summary['core'][$case]['p99ms'],
		$summary['extension'][$case]['p50ms'], $summary['extension'][$case]['p99ms'] );
}
$out[] = '';
$out[] = '| wiki | php-fpm worker VmRSS after warm-up (KiB) | at the end (KiB) | change | same PIDs | mails (accounts targeted) | duplicate mails |';
$out[] = '|---|---|---|---:|---|---|---:|';
foreach ( $labels as $label ) {
	$m = $memory[$label];
	$out[] = sprintf( '| %s | %s | %s | %+d | %s | %d (%d) | %d |', $label,
		implode( ', ', $m['startKiB'] ), implode( ', ', $m['endKiB'] ),
		array_sum( $m['endKiB'] ) - array_sum( $m['startKiB'] ), $m['sameWorkers'] ? 'yes' : 'no',
		$mail[$label]['mails'], $mail[$label]['accountsTargeted'], $mail[$label]['duplicates'] );
}
$out[] = '';
$out[] = sprintf( 'php-fpm worker CPU time per request (post-send work included): core %.2f ms, extension %.2f ms.',
	$report['workerCpuMsPerRequest']['core'], $report['workerCpuMsPerRequest']['extension'] );
$out[] = sprintf( 'The extension\'s job runner (%s): %.1f s of CPU, %.1f s of wall time after the blocks%s, %s ms of CPU per reset request.',
	$runnerMode === 'paused' ? 'paused during the blocks, runJobs.php after each' : 'active throughout',
	$runnerCpu, $runnerSeconds, $runnerMode === 'paused' ? ", $jobsRun jobs" : '',
	$report['runner']['cpuMsPerReset'] === null ? '—' : sprintf( '%.2f', $report['runner']['cpuMsPerReset'] ) );
$out[] = sprintf( 'validatepassword answers differing between core and the extension: %d. Time waiting for post-send work after the blocks: core %.1f s, extension %.1f s.',
	$differences, $drainSeconds['core'], $drainSeconds['extension'] );
echo implode( "\n", $out ), "\n";
foreach ( array_merge( $errorSamples, $warmupErrors ) as $sample ) {
	fwrite( STDERR, "error: $sample\n" );
}
foreach ( $logProblems as $label => $lines ) {
	foreach ( array_slice( $lines, 0, 10 ) as $line ) {
		fwrite( STDERR, "log of $label: $line\n" );
	}
}
foreach ( $report['failures'] as $failure ) {
	fwrite( STDERR, "FAILED: $failure\n" );
}
fprintf( STDERR, "load: results in %s\n", $jsonFile );
exit( $failed ? 1 : 0 );
