<?php
/**
 * Shows the effective password policy of each user group: the merged settings core applies
 * (default policy combined with the group's, most restrictive value wins) and which
 * implementation runs each check (the native module, core's PHP, or another callable).
 *
 *   php extensions/NativePasswordPolicy/maintenance/showPolicy.php [--group sysop] [--json]
 *
 * @license GPL-2.0-or-later
 * @file
 */

namespace MediaWiki\Extension\NativePasswordPolicy\Maintenance;

use MediaWiki\Extension\NativePasswordPolicy\Compat\ClassAliases;
use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks;
use MediaWiki\Maintenance\Maintenance;
use MediaWiki\Password\UserPasswordPolicy;

$IP = getenv( 'MW_INSTALL_PATH' );
if ( $IP === false ) {
	$IP = __DIR__ . '/../../..';
}
require_once "$IP/maintenance/Maintenance.php";
// Core's namespaced class names on MediaWiki 1.39 too, before this file declares its class.
require_once __DIR__ . '/../php/Compat/ClassAliases.php';
ClassAliases::register();

class ShowPolicy extends Maintenance {

	public function __construct() {
		parent::__construct();
		$this->requireExtension( 'NativePasswordPolicy' );
		$this->addDescription( 'Show the effective password policy of each user group and which '
			. 'implementation runs each check.' );
		$this->addOption( 'group', 'Only this group (repeatable)', false, true, false, true );
		$this->addOption( 'json', 'Print JSON instead of a table' );
	}

	public function execute() {
		$config = $this->getConfig()->get( 'PasswordPolicy' );
		$policies = $config['policies'];
		$groups = $this->getOption( 'group' ) ?: array_keys( $policies );
		$report = [];
		foreach ( $groups as $group ) {
			$effective = $group === 'default'
				? $policies['default']
				: UserPasswordPolicy::getPoliciesForGroups( $policies, [ $group ], $policies['default'] );
			foreach ( $effective as $check => $settings ) {
				$settings = is_array( $settings ) ? $settings : [ 'value' => $settings ];
				$report[$group][$check] = [
					'value' => $settings['value'] ?? null,
					'forceChange' => !empty( $settings['forceChange'] ),
					'suggestChangeOnLogin' => !empty( $settings['suggestChangeOnLogin'] ),
					'implementation' => $this->implementation( $config['checks'][$check] ?? null ),
				];
			}
		}
		if ( $this->hasOption( 'json' ) ) {
			$this->output( json_encode( $report, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES ) . "\n" );
			return;
		}
		$this->output( sprintf( "Native module: %s\n", NativeModule::version() ?? 'not loaded' ) );
		foreach ( $report as $group => $checks ) {
			$this->output( "\n$group\n" );
			foreach ( $checks as $check => $row ) {
				$flags = array_keys( array_filter( [
					'forceChange' => $row['forceChange'],
					'suggestChangeOnLogin' => $row['suggestChangeOnLogin'],
				] ) );
				$this->output( sprintf( "  %-38s %-10s %-34s %s\n", $check,
					var_export( $row['value'], true ), implode( ',', $flags ) ?: '-', $row['implementation'] ) );
			}
		}
	}

	/**
	 * @param mixed $callable
	 * @return string
	 */
	private function implementation( $callable ): string {
		if ( $callable === null ) {
			return 'missing: no check defined (MediaWiki will throw)';
		}
		if ( NativePolicyChecks::nameOf( $callable ) !== null ) {
			return 'native';
		}
		if ( CorePolicyChecks::nameOf( $callable ) !== null ) {
			return 'core PHP';
		}
		return 'PHP: ' . CorePolicyChecks::describe( $callable );
	}
}

$maintClass = ShowPolicy::class;
require_once RUN_MAINTENANCE_IF_MAIN;
