<?php
/**
 * Compares two PHPUnit JUnit logs of the same tests: a run without the extension
 * and a run with it (see run-core-suites.sh).
 *
 * Usage: php junit-compare.php WITHOUT.xml WITH.xml
 *
 * Prints, per test class, the counts of tests, passed, failed, errors and skipped
 * in both runs, then every test that passes without the extension but fails, errors
 * or is missing with it. Exit status: 0 when there is no such test, 1 when there is,
 * 2 when a log is missing, unreadable or holds no tests (a crashed run).
 *
 * Outcomes as PHPUnit 9.6 writes them: <failure> and <warning> (failOnWarning is on)
 * count as failed; <error> as errors (risky tests too, PHPUnit logs them as errors);
 * <skipped> covers skipped and incomplete tests.
 *
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

/**
 * @param string $path
 * @return array<string,array{class:string,outcome:string,message:string}> keyed by "Class::test name"
 */
function nppReadJunit( string $path ): array {
	if ( !is_file( $path ) ) {
		throw new RuntimeException( "$path does not exist (did PHPUnit crash?)" );
	}
	$previous = libxml_use_internal_errors( true );
	$xml = simplexml_load_file( $path );
	libxml_use_internal_errors( $previous );
	if ( $xml === false ) {
		throw new RuntimeException( "$path is empty or not valid XML (did PHPUnit crash?)" );
	}
	$tests = [];
	foreach ( $xml->xpath( '//testcase' ) as $case ) {
		$class = (string)$case['class'];
		$outcome = 'passed';
		$message = '';
		foreach ( [ 'error' => 'errors', 'failure' => 'failed', 'warning' => 'failed', 'skipped' => 'skipped' ]
			as $element => $kind
		) {
			if ( isset( $case->$element ) ) {
				$outcome = $kind;
				// PHPUnit starts the text with "Class::test"; the message follows it.
				$lines = array_values( array_filter( array_map( 'trim', explode( "\n", (string)$case->$element ) ) ) );
				if ( $lines && str_starts_with( $lines[0], "$class::" ) ) {
					array_shift( $lines );
				}
				$message = $lines[0] ?? '';
				break;
			}
		}
		$tests["$class::" . (string)$case['name']] = [
			'class' => $class,
			'outcome' => $outcome,
			'message' => $message,
		];
	}
	if ( !$tests ) {
		throw new RuntimeException( "$path holds no test results" );
	}
	return $tests;
}

/**
 * @param array $tests as returned by nppReadJunit()
 * @return array<string,array<string,int>> class => [ tests, passed, failed, errors, skipped ]
 */
function nppCountByClass( array $tests ): array {
	$counts = [];
	foreach ( $tests as $test ) {
		$counts[$test['class']] ??= [ 'tests' => 0, 'passed' => 0, 'failed' => 0, 'errors' => 0, 'skipped' => 0 ];
		$counts[$test['class']]['tests']++;
		$counts[$test['class']][$test['outcome']]++;
	}
	return $counts;
}

function nppMain( array $argv ): int {
	if ( count( $argv ) !== 3 ) {
		fwrite( STDERR, "Usage: php junit-compare.php WITHOUT.xml WITH.xml\n" );
		return 2;
	}
	try {
		$without = nppReadJunit( $argv[1] );
		$with = nppReadJunit( $argv[2] );
	} catch ( RuntimeException $e ) {
		fwrite( STDERR, 'junit-compare: ' . $e->getMessage() . "\n" );
		return 2;
	}

	$countsWithout = nppCountByClass( $without );
	$countsWith = nppCountByClass( $with );
	$empty = [ 'tests' => 0, 'passed' => 0, 'failed' => 0, 'errors' => 0, 'skipped' => 0 ];
	$format = "%-66s %-7s %5s %6s %6s %6s %7s\n";
	printf( $format, 'suite (test class)', 'run', 'tests', 'passed', 'failed', 'errors', 'skipped' );
	$total = [ 'without' => $empty, 'with' => $empty ];
	// Order of the run without the extension (the configuration's order), then any class only seen with it.
	foreach ( array_keys( $countsWithout + $countsWith ) as $class ) {
		foreach ( [ 'without' => $countsWithout, 'with' => $countsWith ] as $run => $counts ) {
			$c = $counts[$class] ?? $empty;
			printf( $format, $run === 'without' ? $class : '', $run, ...array_values( $c ) );
			foreach ( $c as $key => $n ) {
				$total[$run][$key] += $n;
			}
		}
	}
	foreach ( $total as $run => $c ) {
		printf( $format, $run === 'without' ? 'TOTAL' : '', $run, ...array_values( $c ) );
	}

	$regressions = [];
	$bothFail = [];
	foreach ( $without as $name => $test ) {
		$outcomeWith = $with[$name]['outcome'] ?? 'missing';
		if ( $test['outcome'] === 'passed' && in_array( $outcomeWith, [ 'failed', 'errors', 'missing' ], true ) ) {
			$regressions[$name] = $outcomeWith;
		} elseif ( in_array( $test['outcome'], [ 'failed', 'errors' ], true ) && $outcomeWith !== 'passed' ) {
			$bothFail[] = $name;
		}
	}
	if ( $bothFail ) {
		echo "\nFailing without the extension too (environment, not counted against the extension):\n";
		foreach ( $bothFail as $name ) {
			echo "  $name\n";
		}
	}
	if ( $regressions ) {
		echo "\nFAIL: tests that pass without the extension and fail with it:\n";
		foreach ( $regressions as $name => $outcome ) {
			$message = $with[$name]['message'] ?? '';
			echo "  $name [$outcome]" . ( $message !== '' ? ": $message" : '' ) . "\n";
		}
		return 1;
	}
	echo "\nOK: no test that passes without the extension fails with it.\n";
	return 0;
}

exit( nppMain( $argv ) );
