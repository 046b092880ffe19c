<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Hooks;

use MediaWiki\Installer\Hook\LoadExtensionSchemaUpdatesHook;

/**
 * Creates the extension's table when update.php runs: the password history
 * (`npp_password_history`), from its schema file for the wiki's database type (sql/mysql,
 * sql/sqlite, sql/postgres).
 *
 * Without services: MediaWiki runs this hook before its services may be used.
 */
class SchemaUpdatesHandler implements LoadExtensionSchemaUpdatesHook {

	/** The schema files' directory */
	public const SQL_DIR = __DIR__ . '/../../sql';

	/** The tables update.php creates */
	public const TABLES = [ 'npp_password_history' ];

	/**
	 * @inheritDoc
	 * @param \MediaWiki\Installer\DatabaseUpdater $updater
	 */
	public function onLoadExtensionSchemaUpdates( $updater ) {
		$dbType = $updater->getDB()->getType();
		foreach ( self::TABLES as $table ) {
			$updater->addExtensionTable( $table, self::schemaFile( $dbType, $table ) );
		}
	}

	/**
	 * @param string $dbType 'mysql', 'sqlite' or 'postgres'
	 * @param string $table One of TABLES
	 * @return string The file that creates the table in a database of that type
	 */
	public static function schemaFile( string $dbType, string $table ): string {
		return self::SQL_DIR . "/$dbType/$table.sql";
	}
}
