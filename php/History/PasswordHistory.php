<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\History;

use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWiki\Extension\NativePasswordPolicy\Password\NativeArgon2Password;
use MediaWiki\MediaWikiServices;
use MediaWiki\User\UserIdentity;
use NativePasswordPolicy\Argon2Hasher;
use StatusValue;
use Wikimedia\Rdbms\ILoadBalancer;

/**
 * Password history: Argon2id hashes (made by the native module) of the passwords an account
 * set, newest last, in the extension's table `npp_password_history`, and the policy check
 * PasswordNotInHistory (value N) that refuses the last N of them, the current one included.
 *
 * The hashes never leave this class: no API module, special page or log reads the table.
 * At login the check passes without reading the table: the password is the account's
 * current one, which history does not forbid (LoginPasswordProvider marks the attempt); a
 * temporary password drawn at random is not looked up either.
 */
class PasswordHistory {

	/** The check's name in `$wgPasswordPolicy['checks']` and its policies */
	public const CHECK = 'PasswordNotInHistory';

	public const TABLE = 'npp_password_history';

	/** exempt() kinds */
	public const EXEMPT_LOGIN = 'login';
	public const EXEMPT_TEMPORARY = 'temporary';

	/** Most entries kept per account, whatever a policy asks */
	public const MAX_ENTRIES = 64;

	/** @var string Key of the login marks (random per request: the marks are this request's) */
	private string $markKey;

	/** @var array<string,string> Keyed hashes of the (user name, password) pairs exempt() was given => kind */
	private array $exempt = [];

	/**
	 * @param ILoadBalancer $loadBalancer
	 * @param array $argon2Config `$wgPasswordConfig['argon2']`: its costs are the history's
	 */
	public function __construct(
		private readonly ILoadBalancer $loadBalancer,
		private readonly array $argon2Config
	) {
		$this->markKey = random_bytes( 32 );
	}

	/**
	 * The callable of `$wgPasswordPolicy['checks']['PasswordNotInHistory']`.
	 *
	 * @param mixed $policyVal N: how many of the account's last passwords are refused
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue
	 */
	public static function checkPasswordNotInHistory( $policyVal, UserIdentity $user, $password ) {
		$history = MediaWikiServices::getInstance()->getService( 'NativePasswordPolicy.PasswordHistory' );
		return $history->check( $policyVal, $user, (string)$password );
	}

	/**
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue Good, or an error `nativepasswordpolicy-password-in-history` (N)
	 */
	public function check( $policyVal, UserIdentity $user, string $password ): StatusValue {
		$status = StatusValue::newGood();
		$count = self::countOf( $policyVal );
		if ( $count === 0 || $user->getId() === 0 || $this->isExempt( $user->getName(), $password ) ) {
			return $status;
		}
		if ( $this->contains( $user, $password, $count ) ) {
			$status->error( 'nativepasswordpolicy-password-in-history', $count );
		}
		return $status;
	}

	/**
	 * @param mixed $policyVal A policy value of the check (or its merged value)
	 * @return int The number of passwords it refuses (0: the check is off)
	 */
	public static function countOf( $policyVal ): int {
		if ( is_bool( $policyVal ) || !is_numeric( $policyVal ) ) {
			return 0;
		}
		return max( 0, min( self::MAX_ENTRIES, (int)$policyVal ) );
	}

	/**
	 * The checks of this user and password that core runs in this request are not of a
	 * password the account is about to get from its owner, so the history passes them
	 * without a lookup: a login with the current password (LoginPasswordProvider), or a
	 * temporary password just drawn at random (TemporaryPasswordGenerator).
	 */
	public function exempt( string $username, string $password, string $kind = self::EXEMPT_LOGIN ): void {
		$this->exempt[$this->mark( $username, $password )] = $kind;
	}

	/**
	 * @return string|null EXEMPT_LOGIN or EXEMPT_TEMPORARY when exempt() was given the pair
	 */
	public function exemptionOf( string $username, string $password ): ?string {
		return $this->exempt === [] ? null : ( $this->exempt[$this->mark( $username, $password )] ?? null );
	}

	private function isExempt( string $username, string $password ): bool {
		return $this->exemptionOf( $username, $password ) !== null;
	}

	private function mark( string $username, string $password ): string {
		return hash_hmac( 'sha256', $username . "\0" . $password, $this->markKey );
	}

	/**
	 * Whether the password is one of the account's last $count passwords.
	 */
	public function contains( UserIdentity $user, string $password, int $count ): bool {
		if ( $count <= 0 || !NativeModule::isLoaded() ) {
			return false;
		}
		$hashes = $this->loadBalancer->getConnection( DB_PRIMARY )->selectFieldValues(
			self::TABLE,
			'nph_hash',
			[ 'nph_user' => $user->getId() ],
			__METHOD__,
			[ 'ORDER BY' => 'nph_id DESC', 'LIMIT' => $count ]
		);
		foreach ( $hashes as $hash ) {
			if ( Argon2Hasher::verify( $password, (string)$hash ) ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Adds the password the account now has, then keeps only its last $keep entries.
	 *
	 * @param UserIdentity $user A registered account
	 * @param string $password
	 * @param int $keep Entries kept (the user's effective N); 0 records nothing
	 */
	public function record( UserIdentity $user, string $password, int $keep ): void {
		$keep = min( self::MAX_ENTRIES, $keep );
		if ( $keep <= 0 || $user->getId() === 0 || !NativeModule::isLoaded() ) {
			return;
		}
		$dbw = $this->loadBalancer->getConnection( DB_PRIMARY );
		$dbw->insert( self::TABLE, [
			'nph_user' => $user->getId(),
			'nph_hash' => $this->hasher()->hash( $password ),
			'nph_timestamp' => $dbw->timestamp(),
		], __METHOD__ );
		$this->prune( $user, $keep );
	}

	/**
	 * Keeps only the account's last $keep entries.
	 */
	public function prune( UserIdentity $user, int $keep ): void {
		$dbw = $this->loadBalancer->getConnection( DB_PRIMARY );
		$ids = $dbw->selectFieldValues(
			self::TABLE,
			'nph_id',
			[ 'nph_user' => $user->getId() ],
			__METHOD__,
			[ 'ORDER BY' => 'nph_id DESC' ]
		);
		$old = array_slice( $ids, max( 0, $keep ) );
		if ( $old ) {
			$dbw->delete( self::TABLE, [ 'nph_id' => array_map( 'intval', $old ) ], __METHOD__ );
		}
	}

	/**
	 * Removes the whole history of an account.
	 */
	public function deleteFor( int $userId ): void {
		$this->loadBalancer->getConnection( DB_PRIMARY )
			->delete( self::TABLE, [ 'nph_user' => $userId ], __METHOD__ );
	}

	/**
	 * @internal For tests: the number of entries an account has
	 */
	public function entryCount( int $userId ): int {
		return (int)$this->loadBalancer->getConnection( DB_PRIMARY )
			->selectRowCount( self::TABLE, '*', [ 'nph_user' => $userId ], __METHOD__ );
	}

	/**
	 * Argon2id with the costs of `$wgPasswordConfig['argon2']` (PHP's defaults when absent),
	 * whatever its 'algo'.
	 */
	private function hasher(): Argon2Hasher {
		return NativeArgon2Password::hasherFor( [ 'type' => 'argon2' ] + [ 'algo' => 'argon2id' ] + $this->argon2Config );
	}
}
