<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Reset;

use MediaWiki\User\UserIdentity;

/**
 * Remembers, while a queued password reset runs, that its `mailpassword` attempt was already
 * counted against the rate limit when it was requested.
 *
 * The attempt is counted in the request, not in the job: otherwise requests sent back to back
 * would all pass the limiter before the first one is counted. PasswordReset::execute() checks
 * the limit again when the job runs it; RateLimitHandler lets that one check pass uncounted.
 * Kept apart from QueuedPasswordReset so that the hook, which runs on every rate-limited
 * action of the wiki, needs nothing heavier.
 */
class ResetAttemptCounter {

	/** Name of the performer whose reset runs now */
	private ?string $performer = null;

	public function startReset( UserIdentity $performer ): void {
		$this->performer = $performer->getName();
	}

	public function endReset(): void {
		$this->performer = null;
	}

	/**
	 * Whether this rate-limit check is the one the running reset makes for an attempt that
	 * was counted already. True once per reset.
	 */
	public function consume( UserIdentity $user, string $action ): bool {
		if ( $action !== 'mailpassword' || $this->performer === null || $this->performer !== $user->getName() ) {
			return false;
		}
		$this->performer = null;
		return true;
	}
}
