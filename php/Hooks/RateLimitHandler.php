<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Hooks;

use MediaWiki\Extension\NativePasswordPolicy\Reset\ResetAttemptCounter;
use MediaWiki\User\Hook\PingLimiterHook;

/**
 * Keeps a queued password reset from counting its attempt twice against the `mailpassword`
 * rate limit: the request counted it already, the job does not.
 */
class RateLimitHandler implements PingLimiterHook {

	public function __construct( private readonly ResetAttemptCounter $attemptCounter ) {
	}

	/** @inheritDoc */
	public function onPingLimiter( $user, $action, &$result, $incrBy ) {
		if ( $this->attemptCounter->consume( $user, $action ) ) {
			$result = false;
			return false;
		}
	}
}
