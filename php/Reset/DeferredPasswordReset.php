<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Reset;

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Deferred\DeferredUpdates;
use MediaWiki\MainConfigNames;
use MediaWiki\Parser\Sanitizer;
use MediaWiki\User\PasswordReset;
use MediaWiki\User\User;
use MediaWiki\User\UserNameUtils;
use Psr\Log\LoggerInterface;
use StatusValue;
use Throwable;
use Wikimedia\Rdbms\IDatabase;
use Wikimedia\Rdbms\ILoadBalancer;

/**
 * A password reset whose answer does not depend on the account it targets.
 *
 * Core's PasswordReset::execute() looks the target up, runs its hooks, asks AuthManager and
 * generates a temporary password before it answers, and all of that only for an account that
 * exists with an address: the time of the answer tells whether it does. Here the request is
 * answered from what the request alone decides (the same for every target: routes, data given,
 * rate limit of the performer), and PasswordReset::execute() itself runs after the answer has
 * been sent (a post-send deferred update: php-fpm's fastcgi_finish_request(), or MediaWiki's
 * flush with Content-Length elsewhere). Every hook, throttle and the mail are core's own.
 *
 * What core would have reported after the lookup (a hook's veto, a provider refusing the
 * change) can no longer reach the client; it is logged to the `NativePasswordPolicy` channel.
 * The work after the response is made to cost the same in every case (ResetWorkEqualizer),
 * so that requests sent right after this one cannot tell either.
 */
class DeferredPasswordReset {

	public const CONSTRUCTOR_OPTIONS = [
		MainConfigNames::PasswordResetRoutes,
	];

	/** Seconds a reset waits for another reset of the same target to finish */
	private const LOCK_TIMEOUT = 15;

	/**
	 * @param ServiceOptions $options
	 * @param PasswordReset $passwordReset
	 * @param UserNameUtils $userNameUtils
	 * @param ILoadBalancer $loadBalancer
	 * @param ResetAttemptCounter $attemptCounter
	 * @param ResetWorkEqualizer $equalizer
	 * @param LoggerInterface $logger
	 */
	public function __construct(
		private readonly ServiceOptions $options,
		private readonly PasswordReset $passwordReset,
		private readonly UserNameUtils $userNameUtils,
		private readonly ILoadBalancer $loadBalancer,
		private readonly ResetAttemptCounter $attemptCounter,
		private readonly ResetWorkEqualizer $equalizer,
		private readonly LoggerInterface $logger
	) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
	}

	/**
	 * Answers a reset request as PasswordReset::execute() would for an account that does not
	 * exist, and schedules the real reset to run after the response.
	 *
	 * The checks made here are those of PasswordReset::execute() that come before it looks at
	 * the target, in the same order and with the same errors, as the installed release makes them.
	 *
	 * @param User $performer Must pass PasswordReset::isAllowed() (the caller checks it)
	 * @param string|null $username
	 * @param string|null $email
	 * @return StatusValue Good, or fatal for a request no target could make succeed
	 */
	public function request( User $performer, ?string $username, ?string $email ): StatusValue {
		// Counted now, as core counts it: a limited performer gets "success" and nothing is
		// done. PasswordReset::execute() will not count it again (see ResetAttemptCounter).
		if ( $performer->pingLimiter( 'mailpassword' ) ) {
			return StatusValue::newGood();
		}
		if ( !$performer->getRequest()->getIP() ) {
			return StatusValue::newFatal( 'badipaddress' );
		}
		$routes = $this->options->get( MainConfigNames::PasswordResetRoutes )
			+ [ 'username' => false, 'email' => false ];
		if ( version_compare( MW_VERSION, '1.42', '>=' ) ) {
			// PasswordReset::execute() of 1.42 and later drops only empty strings, then checks
			// the name and the address before it asks for data.
			$username = $routes['username'] && $username !== '' ? $username : null;
			$email = $routes['email'] && $email !== '' ? $email : null;
			if ( $username !== null && !$this->userNameUtils->getCanonical( $username ) ) {
				return StatusValue::newFatal( 'noname' );
			}
			if ( $email !== null && !Sanitizer::validateEmail( $email ) ) {
				return StatusValue::newFatal( 'passwordreset-invalidemail' );
			}
			if ( $username === null && $email === null ) {
				return StatusValue::newFatal( 'passwordreset-nodata' );
			}
			$byUsername = $username !== null;
		} else {
			// 1.39: PHP truthiness, so that "" and "0" select no route.
			$byUsername = $routes['username'] && $username;
			if ( !$byUsername && !( $routes['email'] && $email ) ) {
				return StatusValue::newFatal( 'passwordreset-nodata' );
			}
			if ( $byUsername && !$this->userNameUtils->getCanonical( $username ) ) {
				return StatusValue::newFatal( 'noname' );
			}
		}

		DeferredUpdates::addCallableUpdate(
			function () use ( $performer, $username, $email, $byUsername ) {
				$this->run( $performer, $username, $email, (bool)$byUsername );
			},
			DeferredUpdates::POSTSEND
		);
		return StatusValue::newGood();
	}

	/**
	 * The reset itself, after the response.
	 *
	 * Resets of one account run one after the other: the resend throttle is checked when a
	 * reset starts and recorded when its mail goes, so two resets running side by side (two
	 * requests sent back to back) would both pass it. Each account the reset may touch is
	 * locked, whatever route and spelling the request used (by name and by address are the
	 * same account), before the reset reads anything, and released once the reset's mail
	 * update has committed.
	 *
	 * @param User $performer
	 * @param string|null $username
	 * @param string|null $email
	 * @param bool $byUsername Whether the username route is taken (else the email route)
	 */
	private function run( User $performer, ?string $username, ?string $email, bool $byUsername ): void {
		$this->equalizer->begin();
		$dbw = $this->loadBalancer->getConnection( DB_PRIMARY );
		$lockNames = $this->accountLockNames( $dbw, $byUsername ? $username : null, $byUsername ? null : $email );
		// Looking the address up opened a read transaction: end it before waiting, so that the
		// reset reads what the holder of the lock wrote, and (SQLite) holds no database lock
		// that the holder needs to commit.
		$dbw->flushSnapshot( __METHOD__, IDatabase::FLUSHING_ALL_PEERS );
		$locks = [];
		foreach ( $lockNames as $lock ) {
			if ( $dbw->lock( $lock, __METHOD__, self::LOCK_TIMEOUT ) ) {
				$locks[] = $lock;
			} else {
				$this->logger->warning( 'Password reset of an account ran while another one was still running' );
			}
		}
		$this->attemptCounter->startReset( $performer );
		try {
			$status = $this->passwordReset->execute( $performer, $username, $email );
			if ( !$status->isGood() ) {
				$this->logger->info(
					'Password reset requested by {performer} was not done: {errors}',
					[ 'performer' => $performer->getName(), 'errors' => $status->getErrors() ]
				);
			}
		} catch ( Throwable $e ) {
			$this->logger->error(
				'Password reset requested by {performer} failed: {exception}',
				[ 'performer' => $performer->getName(), 'exception' => $e ]
			);
		} finally {
			$this->attemptCounter->endReset();
		}
		// Queued behind the updates execute() added (the mail), so it sees the whole reset.
		DeferredUpdates::addCallableUpdate( function () use ( $dbw, $locks ) {
			foreach ( $locks as $lock ) {
				$dbw->unlock( $lock, __METHOD__ );
			}
			$this->equalizer->finish();
		}, DeferredUpdates::POSTSEND );
	}

	/**
	 * Lock names of the accounts a reset may touch, in one order for every reset (no
	 * deadlock): the canonical name, or the accounts that have the address (none for an
	 * unknown one: there is nothing to protect).
	 *
	 * @param IDatabase $dbw
	 * @param string|null $username
	 * @param string|null $email
	 * @return string[]
	 */
	private function accountLockNames( IDatabase $dbw, ?string $username, ?string $email ): array {
		$names = $username !== null
			? [ (string)$this->userNameUtils->getCanonical( $username ) ]
			: $dbw->newSelectQueryBuilder()
				->select( 'user_name' )
				->from( 'user' )
				->where( [ 'user_email' => (string)$email ] )
				->caller( __METHOD__ )
				->fetchFieldValues();
		$locks = array_map( static fn ( $name ) => 'nativepasswordpolicy-reset:' . sha1( (string)$name ), $names );
		sort( $locks );
		return array_values( array_unique( $locks ) );
	}
}
