<?php
/**
 * Benchmarks the native engine against core's PHP password checks on this host, in this
 * wiki's configuration: each check, whole policies, common-password lookups and the first
 * check of a request, side by side in one process, with the ratio. A quick run (seconds) of
 * the project's benchmark (benches/php/PolicyBenchmark.php), which first makes sure both
 * sides give the same results.
 *
 *   php extensions/NativePasswordPolicy/maintenance/benchmarkEngine.php [--rounds 7] [--round-ms 2]
 *       [--processes 4] [--json FILE]
 *
 * Exit code 0 when the benchmark ran; 1 when it could not (module not loaded, the engine not
 * healthy, core and the extension disagreeing).
 *
 * @license GPL-2.0-or-later
 * @file
 */

namespace MediaWiki\Extension\NativePasswordPolicy\Maintenance;

use MediaWiki\Extension\NativePasswordPolicy\Benches\PolicyBenchmark;

$IP = getenv( 'MW_INSTALL_PATH' );
if ( $IP === false ) {
	$IP = __DIR__ . '/../../..';
}
require_once "$IP/maintenance/Maintenance.php";
require_once __DIR__ . '/../benches/php/PolicyBenchmark.php';

class BenchmarkEngine extends PolicyBenchmark {

	/** Fewer and shorter rounds than the project's benchmark, and no extra web server. */
	private const QUICK_DEFAULTS = [
		'rounds' => 7,
		'round-ms' => 2,
		'processes' => 4,
		'server-requests' => 0,
	];

	public function __construct() {
		parent::__construct();
		$this->addDescription( "Benchmark the native password policy engine against core's PHP checks on this "
			. 'host (a quick run: '
			. implode( ', ', array_map( static fn ( $k, $v ) => "--$k $v", array_keys( self::QUICK_DEFAULTS ),
				self::QUICK_DEFAULTS ) )
			. ' unless given)' );
	}

	/** @inheritDoc */
	public function getOption( $name, $default = null ) {
		if ( !$this->hasOption( $name ) && isset( self::QUICK_DEFAULTS[$name] ) ) {
			return self::QUICK_DEFAULTS[$name];
		}
		return parent::getOption( $name, $default );
	}
}

$maintClass = BenchmarkEngine::class;
require_once RUN_MAINTENANCE_IF_MAIN;
