<?php
/**
 * Bootstrap of the maintenance script tests: plain PHPUnit tests that run the extension's
 * maintenance scripts against throwaway wikis (tests/harness) and check output and exit codes.
 *
 * @license GPL-2.0-or-later
 * @file
 */

require_once __DIR__ . '/../harness/autoload.php';
require_once __DIR__ . '/MaintenanceTestCase.php';
