<?php
/**
 * Creates accounts for tests, reading a JSON list from stdin:
 * [{"name": "...", "password": "...", "email": "...", "emailConfirmed": false, "realName": "...",
 * "groups": ["sysop"]}, ...]. An address given is stored as confirmed unless "emailConfirmed" is false.
 *
 * @license GPL-2.0-or-later
 * @file
 */

use MediaWiki\MediaWikiServices;

require_once getenv( 'MW_INSTALL_PATH' ) !== false
	? getenv( 'MW_INSTALL_PATH' ) . '/maintenance/Maintenance.php'
	: '/usr/share/mediawiki/maintenance/Maintenance.php';

class CreateTestUsers extends Maintenance {

	public function __construct() {
		parent::__construct();
		$this->addDescription( 'Create test accounts described by JSON on stdin' );
	}

	public function execute() {
		$users = json_decode( stream_get_contents( STDIN ), true, 8, JSON_THROW_ON_ERROR );
		$services = MediaWikiServices::getInstance();
		$dbw = $this->getDB( DB_PRIMARY );
		if ( $dbw->getType() === 'sqlite' ) {
			// Fixtures of a throwaway wiki: no fsync per write for this process's connection
			// (a few ms each; thousands of accounts would take minutes). The wiki's own
			// requests keep SQLite's default.
			$dbw->query( 'PRAGMA synchronous = OFF', __METHOD__ );
		}
		foreach ( $users as $spec ) {
			$user = $services->getUserFactory()->newFromName( $spec['name'], 'creatable' );
			if ( !$user ) {
				$this->fatalError( "Invalid user name: {$spec['name']}" );
			}
			// Password set directly: a test account may deliberately hold a weak password.
			$status = $services->getAuthManager()->autoCreateUser( $user, \MediaWiki\Auth\AuthManager::AUTOCREATE_SOURCE_MAINT, false );
			if ( !$status->isGood() ) {
				$this->fatalError( "Cannot create {$spec['name']}: " . $status->getWikiText( false, false, 'en' ) );
			}
			if ( isset( $spec['password'] ) ) {
				$this->setPassword( $user, $spec['password'] );
			}
			if ( isset( $spec['email'] ) ) {
				$user->setEmail( $spec['email'] );
				if ( $spec['emailConfirmed'] ?? true ) {
					$user->confirmEmail();
				}
			}
			if ( isset( $spec['realName'] ) ) {
				$user->setRealName( $spec['realName'] );
			}
			if ( isset( $spec['email'] ) || isset( $spec['realName'] ) ) {
				$user->saveSettings();
			}
			foreach ( $spec['groups'] ?? [] as $group ) {
				$services->getUserGroupManager()->addUserToGroup( $user, $group );
			}
			$this->output( "{$spec['name']}\n" );
		}
	}

	private function setPassword( User $user, string $password ): void {
		$hash = MediaWikiServices::getInstance()->getPasswordFactory()->newFromPlaintext( $password );
		$dbw = $this->getDB( DB_PRIMARY );
		$dbw->update( 'user', [ 'user_password' => $hash->toString() ], [ 'user_id' => $user->getId() ], __METHOD__ );
	}
}

$maintClass = CreateTestUsers::class;
require_once RUN_MAINTENANCE_IF_MAIN;
