<?php
/**
 * Web entry point of the per-request benchmark, served by one long-lived `php -S` process
 * (see PolicyBenchmark::benchmarkServer()). Each request boots MediaWiki (MW_CONFIG_FILE from
 * the environment) and times the first common-password check of the request, core's and the
 * extension's, then a second one of each. Answers JSON.
 *
 *   ?first=core|native   which side runs first
 *   ?breakdown=1         instead, splits the extension's first call into its parts
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

use MediaWiki\Extension\NativePasswordPolicy\Benches\Sampler;
use MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine;
use MediaWiki\MediaWikiServices;

require ( getenv( 'MW_INSTALL_PATH' ) ?: '/usr/share/mediawiki' ) . '/includes/WebStart.php';
require_once __DIR__ . '/Sampler.php';

/**
 * @param callable $code
 * @return array{0:int,1:bool,2:mixed,3:int} Wall time in ns, whether the process lost the CPU
 *   meanwhile, the result, CPU time in ns
 */
function timed( callable $code ): array {
	$cpu = Sampler::cpuNs();
	$start = hrtime( true );
	$result = $code();
	$wall = hrtime( true ) - $start;
	$cpu = Sampler::cpuNs() - $cpu;
	return [ $wall, Sampler::disturbed( $wall, $cpu ), $result, $cpu ];
}

$user = MediaWikiServices::getInstance()->getUserFactory()->newFromName( 'Example User' );
$user->getName();
$checks = [
	'core' => CorePolicyChecks::coreCallable( 'PasswordNotInCommonList' ),
	'native' => NativePolicyChecks::callableFor( 'PasswordNotInCommonList' ),
];
$answer = [
	'pid' => getmypid(),
	'opcache' => function_exists( 'opcache_get_status' ) && ( opcache_get_status( false )['opcache_enabled'] ?? false ),
];

if ( isset( $_GET['breakdown'] ) ) {
	// The extension's first call, step by step: loading its service class, building the
	// service (ServiceWiring.php), then the call (engine construction, module call, Status).
	[ $answer['autoloadNs'] ] = timed( static fn () => class_exists( PolicyEngine::class ) );
	[ $answer['serviceNs'] ] = timed( static fn () => MediaWikiServices::getInstance()
		->getService( 'NativePasswordPolicy.PolicyEngine' ) );
	[ $answer['callNs'] ] = timed( static fn () => $checks['native']( true, $user, 'password' ) );
} else {
	if ( ( $_GET['first'] ?? 'core' ) === 'native' ) {
		$checks = array_reverse( $checks, true );
	}
	foreach ( $checks as $side => $check ) {
		[ $answer[$side . 'Ns'], $answer[$side . 'Disturbed'], $status, $answer[$side . 'CpuNs'] ] =
			timed( static fn () => $check( true, $user, 'password' ) );
		$answer[$side . 'Common'] = !$status->isGood();
	}
	foreach ( $checks as $side => $check ) {
		[ $answer[$side . 'SecondNs'] ] = timed( static fn () => $check( true, $user, 'password' ) );
	}
}

header( 'Content-Type: application/json' );
echo json_encode( $answer );
