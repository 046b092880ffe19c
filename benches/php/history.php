<?php
/**
 * The cost of password history inside a wiki that loads the extension, beside what core
 * already spends on the same password: benches/login-timing.php runs it in its wiki with
 * PasswordNotInHistory, and prints its figures with the HTTP ones.
 *
 *   php maintenance/runScript.php benches/php/history.php [--entries 5] [--rounds 15]
 *
 * For an account with N entries (the wiki's `$wgPasswordConfig['argon2']` costs, PHP's
 * defaults when it sets none), each round times, in milliseconds:
 *   check-miss     PasswordHistory::check() of a password not in the history (N verifications)
 *   check-newest   check() of the newest entry (one verification, then a refusal)
 *   record         record() of a new password (one hash, the insert, the pruning to N)
 *   core-hash      core's PasswordFactory::newFromPlaintext() with `$wgPasswordDefault`
 *                  (what core does to store every new password)
 *   core-verify    core's verification of that hash (what core does at every login)
 * The cases of a round run in a rotating order, so that drift of the machine falls on all of
 * them. Prints JSON: the costs, the settings and every round's times.
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Benches;

use MediaWiki\Extension\NativePasswordPolicy\Compat\ClassAliases;
use MediaWiki\Extension\NativePasswordPolicy\History\PasswordHistory;
use MediaWiki\Maintenance\Maintenance;
use MediaWiki\MediaWikiServices;
use RuntimeException;

require_once getenv( 'MW_INSTALL_PATH' ) . '/maintenance/Maintenance.php';
require_once __DIR__ . '/../../php/Compat/ClassAliases.php';
ClassAliases::register();

class HistoryCost extends Maintenance {

	public function __construct() {
		parent::__construct();
		$this->addDescription( 'Time the password-history check and recording beside core\'s hashing' );
		$this->addOption( 'entries', 'Entries of the account\'s history, N (default 5)', false, true );
		$this->addOption( 'rounds', 'Rounds of every case (default 15)', false, true );
	}

	public function execute() {
		$services = MediaWikiServices::getInstance();
		$entries = max( 1, (int)$this->getOption( 'entries', 5 ) );
		$rounds = max( 1, (int)$this->getOption( 'rounds', 15 ) );
		if ( !extension_loaded( 'native_password_policy' ) ) {
			$this->fatalError( 'The module native_password_policy is not loaded: nothing to measure.' );
		}
		/** @var PasswordHistory $history */
		$history = $services->getService( 'NativePasswordPolicy.PasswordHistory' );
		$user = $services->getUserFactory()->newFromName( 'History bench ' . bin2hex( random_bytes( 4 ) ) );
		$user->addToDatabase();
		$newest = '';
		for ( $i = 0; $i < $entries; $i++ ) {
			$newest = self::password();
			$history->record( $user, $newest, $entries );
		}
		if ( $history->entryCount( $user->getId() ) !== $entries ) {
			throw new RuntimeException( "The history holds {$history->entryCount( $user->getId() )} entries, not $entries" );
		}
		$factory = $services->getPasswordFactory();
		$storedPlain = self::password();
		$stored = $factory->newFromPlaintext( $storedPlain );

		$cases = [
			'check-miss' => static function () use ( $history, $user, $entries ): void {
				if ( !$history->check( $entries, $user, self::password() )->isGood() ) {
					throw new RuntimeException( 'A new password was refused' );
				}
			},
			'check-newest' => static function () use ( $history, $user, $entries, &$newest ): void {
				if ( $history->check( $entries, $user, $newest )->isGood() ) {
					throw new RuntimeException( 'The newest entry was not refused' );
				}
			},
			'record' => static function () use ( $history, $user, $entries, &$newest ): void {
				$newest = self::password();
				$history->record( $user, $newest, $entries );
			},
			'core-hash' => static function () use ( $factory ): void {
				$factory->newFromPlaintext( self::password() );
			},
			'core-verify' => static function () use ( $stored, $storedPlain ): void {
				if ( !$stored->verify( $storedPlain ) ) {
					throw new RuntimeException( 'Core\'s hash did not verify' );
				}
			},
		];
		$names = array_keys( $cases );
		$times = array_fill_keys( $names, [] );
		foreach ( $cases as $run ) {
			$run();
		}
		for ( $round = 0; $round < $rounds; $round++ ) {
			$order = array_merge( array_slice( $names, $round % count( $names ) ), array_slice( $names, 0, $round % count( $names ) ) );
			foreach ( $order as $name ) {
				$start = hrtime( true );
				$cases[$name]();
				$times[$name][] = ( hrtime( true ) - $start ) / 1e6;
			}
		}
		if ( $history->entryCount( $user->getId() ) !== $entries ) {
			throw new RuntimeException( 'The history was not pruned to N' );
		}
		$history->deleteFor( $user->getId() );

		$config = $services->getMainConfig();
		$argon2 = $config->get( 'PasswordConfig' )['argon2'] ?? [];
		$medians = [];
		foreach ( $times as $name => $samples ) {
			sort( $samples );
			$medians[$name] = $samples[intdiv( count( $samples ), 2 )];
		}
		echo json_encode( [
			'entries' => $entries,
			'rounds' => $rounds,
			'argon2' => [
				'memory_cost' => (int)( $argon2['memory_cost'] ?? PASSWORD_ARGON2_DEFAULT_MEMORY_COST ),
				'time_cost' => (int)( $argon2['time_cost'] ?? PASSWORD_ARGON2_DEFAULT_TIME_COST ),
				'threads' => (int)( $argon2['threads'] ?? PASSWORD_ARGON2_DEFAULT_THREADS ),
			],
			'passwordDefault' => $config->get( 'PasswordDefault' ),
			'medians' => $medians,
			'times' => $times,
		], JSON_PRETTY_PRINT ), "\n";
	}

	private static function password(): string {
		return 'History-' . bin2hex( random_bytes( 8 ) );
	}
}

$maintClass = HistoryCost::class;
require_once RUN_MAINTENANCE_IF_MAIN;
