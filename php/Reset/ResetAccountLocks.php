<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Reset;

use MediaWiki\User\UserNameUtils;
use Psr\Log\LoggerInterface;
use Wikimedia\Rdbms\IDatabase;
use Wikimedia\Rdbms\ILoadBalancer;

/**
 * One lock per account a password reset may touch, whatever route and spelling the request
 * used: by name and by address are the same account, "Racer 2" and "racer_2" the same name.
 *
 * Resets of one account must run one after the other: core checks the resend throttle when a
 * reset starts and records it when its mail goes, so two resets running side by side (two job
 * runners, or a job runner and a web request) would both pass it. The locks are the primary
 * database's named locks (GET_LOCK on MySQL and MariaDB), which every server of a wiki shares.
 */
class ResetAccountLocks {

	/** Seconds a reset waits for another reset of the same account to finish */
	private const TIMEOUT = 15;

	public function __construct(
		private readonly ILoadBalancer $loadBalancer,
		private readonly UserNameUtils $userNameUtils,
		private readonly LoggerInterface $logger
	) {
	}

	/**
	 * Locks the accounts of a reset before it reads anything about them.
	 *
	 * @param string|null $username The name, for a reset by name
	 * @param string|null $email The address, for a reset by address
	 * @return string[] The locks held, for release()
	 */
	public function acquire( ?string $username, ?string $email ): array {
		if ( $username === null && $email === null ) {
			return [];
		}
		$dbw = $this->loadBalancer->getConnection( DB_PRIMARY );
		$names = $this->lockNames( $dbw, $username, $email );
		// Looking the address up opened a read transaction: end it before waiting, so that the
		// reset reads what the holder of the lock wrote, and (SQLite) holds no database lock
		// that the holder needs to commit.
		$dbw->flushSnapshot( __METHOD__, IDatabase::FLUSHING_ALL_PEERS );
		$held = [];
		foreach ( $names as $name ) {
			if ( $dbw->lock( $name, __METHOD__, self::TIMEOUT ) ) {
				$held[] = $name;
			} else {
				$this->logger->warning( 'Password reset of an account ran while another one was still running' );
			}
		}
		return $held;
	}

	/**
	 * @param string[] $held What acquire() returned
	 */
	public function release( array $held ): void {
		if ( !$held ) {
			return;
		}
		$dbw = $this->loadBalancer->getConnection( DB_PRIMARY );
		foreach ( $held as $name ) {
			$dbw->unlock( $name, __METHOD__ );
		}
	}

	/**
	 * Lock names of the accounts, in one order for every reset (no deadlock): the canonical
	 * name, or the accounts that have the address (none for an unknown one: there is nothing
	 * to protect).
	 *
	 * @return string[]
	 */
	private function lockNames( IDatabase $dbw, ?string $username, ?string $email ): array {
		if ( $username !== null ) {
			$canonical = $this->userNameUtils->getCanonical( $username );
			$names = $canonical === false ? [] : [ $canonical ];
		} else {
			$names = $dbw->newSelectQueryBuilder()
				->select( 'user_name' )
				->from( 'user' )
				->where( [ 'user_email' => (string)$email ] )
				->caller( __METHOD__ )
				->fetchFieldValues();
		}
		$locks = array_map( static fn ( $name ) => 'nativepasswordpolicy-reset:' . sha1( (string)$name ), $names );
		sort( $locks );
		return array_values( array_unique( $locks ) );
	}
}
