<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Hooks;

use MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine;
use MediaWiki\Hook\PasswordPoliciesForUserHook;

/**
 * Hands the effective policy UserPasswordPolicy is about to check to the policy engine, which
 * then evaluates it natively in one call (see PolicyEngine). Changes nothing. The engine keeps
 * a reference, so that handlers running later and changing the policy are seen too.
 */
class PolicyCaptureHandler implements PasswordPoliciesForUserHook {

	public function __construct( private readonly PolicyEngine $policyEngine ) {
	}

	/** @inheritDoc */
	public function onPasswordPoliciesForUser( $user, &$effectivePolicy ) {
		if ( is_array( $effectivePolicy ) ) {
			$this->policyEngine->capture( $user, $effectivePolicy );
		}
	}
}
