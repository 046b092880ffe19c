<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\Probe;

use GenericParameterJob;
use Job;
use RuntimeException;

/**
 * A job of a ThrowawayFarm test ("farmProbe"): when run, appends one JSON line to
 * $wgNppFarmJobLog naming the process that ran it (server, PID, SAPI) beside its tag and
 * what pushed it, so a test can tell whether the job runner ran it or a web request did.
 */
class FarmProbeJob extends Job implements GenericParameterJob {

	public function __construct( array $params ) {
		parent::__construct( 'farmProbe', $params );
	}

	/**
	 * The process this code runs in: the app server (NPP_FARM_SERVER, set by the farm for its
	 * php-fpm pools and job runner), PID, SAPI, and whether APCu is on.
	 *
	 * @return array{server:?string,pid:int,sapi:string,apcu:bool}
	 */
	public static function whereAmI(): array {
		return [
			'server' => getenv( 'NPP_FARM_SERVER' ) ?: null,
			'pid' => getmypid(),
			'sapi' => PHP_SAPI,
			'apcu' => function_exists( 'apcu_enabled' ) && apcu_enabled(),
		];
	}

	public function run() {
		$log = $GLOBALS['wgNppFarmJobLog'] ?? null;
		if ( !is_string( $log ) ) {
			throw new RuntimeException( '$wgNppFarmJobLog is not set: FarmProbeJob runs in a ThrowawayFarm only' );
		}
		$line = json_encode( [
			'tag' => $this->params['tag'] ?? null,
			'ranBy' => self::whereAmI(),
			'pushedBy' => $this->params['pushedBy'] ?? null,
		] );
		file_put_contents( $log, "$line\n", FILE_APPEND | LOCK_EX );
		return true;
	}
}
