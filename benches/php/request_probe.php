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

use MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine;
use MediaWiki\MediaWikiServices;

require ( getenv( 'MW_INSTALL_PATH' ) ?: '/usr/share/mediawiki' ) . '/includes/WebStart.php';

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
	$start = hrtime( true );
	class_exists( PolicyEngine::class );
	$answer['autoloadNs'] = hrtime( true ) - $start;
	$start = hrtime( true );
	MediaWikiServices::getInstance()->getService( 'NativePasswordPolicy.PolicyEngine' );
	$answer['serviceNs'] = hrtime( true ) - $start;
	$start = hrtime( true );
	$checks['native']( true, $user, 'password' );
	$answer['callNs'] = hrtime( true ) - $start;
} else {
	if ( ( $_GET['first'] ?? 'core' ) === 'native' ) {
		$checks = array_reverse( $checks, true );
	}
	foreach ( $checks as $side => $check ) {
		$start = hrtime( true );
		$status = $check( true, $user, 'password' );
		$answer[$side . 'Ns'] = hrtime( true ) - $start;
		$answer[$side . 'Common'] = !$status->isGood();
	}
	foreach ( $checks as $side => $check ) {
		$start = hrtime( true );
		$check( true, $user, 'password' );
		$answer[$side . 'SecondNs'] = hrtime( true ) - $start;
	}
}

header( 'Content-Type: application/json' );
echo json_encode( $answer );
