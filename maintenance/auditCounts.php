<?php
/**
 * Prints the audit counts: for each check a group runs in audit mode
 * (`$wgNativePasswordPolicyAudit`), how many passwords would have failed it, by event
 * (login, change, create), from MediaWiki's main stash (the counts of every server).
 *
 *   php extensions/NativePasswordPolicy/maintenance/auditCounts.php [--json]
 *
 * @license GPL-2.0-or-later
 * @file
 */

namespace MediaWiki\Extension\NativePasswordPolicy\Maintenance;

use MediaWiki\Extension\NativePasswordPolicy\Compat\ClassAliases;
use MediaWiki\Maintenance\Maintenance;
use MediaWiki\MediaWikiServices;

$IP = getenv( 'MW_INSTALL_PATH' );
if ( $IP === false ) {
	$IP = __DIR__ . '/../../..';
}
require_once "$IP/maintenance/Maintenance.php";
require_once __DIR__ . '/../php/Compat/ClassAliases.php';
ClassAliases::register();

class AuditCounts extends Maintenance {

	public function __construct() {
		parent::__construct();
		$this->requireExtension( 'NativePasswordPolicy' );
		$this->addDescription( 'Show how many passwords would have failed each check run in audit mode.' );
		$this->addOption( 'json', 'Print JSON instead of a table' );
	}

	public function execute() {
		$rows = MediaWikiServices::getInstance()->getService( 'NativePasswordPolicy.AuditCounter' )->counts();
		if ( $this->hasOption( 'json' ) ) {
			$this->output( json_encode( $rows, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES ) . "\n" );
			return;
		}
		if ( !$rows ) {
			$this->output( "No check runs in audit mode (\$wgNativePasswordPolicyAudit is empty).\n" );
			return;
		}
		$this->output( sprintf( "%-20s %-36s %-8s %s\n", 'group', 'check', 'event', 'would fail' ) );
		foreach ( $rows as $row ) {
			$this->output( sprintf( "%-20s %-36s %-8s %d\n", $row['group'], $row['check'], $row['event'], $row['count'] ) );
		}
	}
}

$maintClass = AuditCounts::class;
require_once RUN_MAINTENANCE_IF_MAIN;
