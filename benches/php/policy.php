<?php
/**
 * Entry point of the PHP benchmark (the class is in PolicyBenchmark.php):
 *
 *   MW_CONFIG_FILE=.../LocalSettings.php php -d extension=.../libnative_password_policy.so \
 *     /usr/share/mediawiki/maintenance/runScript.php benches/php/policy.php [--json FILE]
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

use MediaWiki\Extension\NativePasswordPolicy\Benches\PolicyBenchmark;

require_once __DIR__ . '/PolicyBenchmark.php';

$maintClass = PolicyBenchmark::class;
require_once RUN_MAINTENANCE_IF_MAIN;
