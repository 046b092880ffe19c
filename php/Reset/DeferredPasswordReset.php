<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Reset;

use DeferredUpdates;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\MainConfigNames;
use MediaWiki\User\UserNameUtils;
use PasswordReset;
use Psr\Log\LoggerInterface;
use StatusValue;
use Throwable;
use User;
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
	 * the target, in the same order and with the same errors.
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
		// PHP truthiness on purpose, as in core: "" and "0" select no route.
		$byUsername = $routes['username'] && $username;
		if ( !$byUsername && !( $routes['email'] && $email ) ) {
			return StatusValue::newFatal( 'passwordreset-nodata' );
		}
		if ( $byUsername && !$this->userNameUtils->getCanonical( $username ) ) {
			return StatusValue::newFatal( 'noname' );
		}

		$target = $byUsername ? "user:$username" : "email:$email";
		DeferredUpdates::addCallableUpdate(
			function () use ( $performer, $username, $email, $target ) {
				$this->run( $performer, $username, $email, $target );
			},
			DeferredUpdates::POSTSEND
		);
		return StatusValue::newGood();
	}

	/**
	 * The reset itself, after the response.
	 *
	 * Resets of one target run one after the other: the resend throttle is checked when a
	 * reset starts and recorded when its mail goes, so two resets running side by side (two
	 * requests sent back to back) would both pass it. The lock is taken before the reset reads
	 * anything, and released once the reset's mail update has committed.
	 *
	 * @param User $performer
	 * @param string|null $username
	 * @param string|null $email
	 * @param string $target The route and the name or address it uses
	 */
	private function run( User $performer, ?string $username, ?string $email, string $target ): void {
		$this->equalizer->begin();
		$dbw = $this->loadBalancer->getConnection( DB_PRIMARY );
		$lock = 'nativepasswordpolicy-reset:' . sha1( $target );
		$locked = $dbw->lock( $lock, __METHOD__, self::LOCK_TIMEOUT );
		if ( !$locked ) {
			$this->logger->warning( 'Password reset of a target ran while another one was still running' );
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
		DeferredUpdates::addCallableUpdate( function () use ( $dbw, $lock, $locked ) {
			if ( $locked ) {
				$dbw->unlock( $lock, __METHOD__ );
			}
			$this->equalizer->finish();
		}, DeferredUpdates::POSTSEND );
	}
}
