<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Hooks;

use MediaWiki\Extension\NativePasswordPolicy\Audit\AuditedChecks;
use MediaWiki\Hook\PasswordPoliciesForUserHook;

/**
 * Adds the checks the user's groups run in audit mode (`$wgNativePasswordPolicyAudit`) to the
 * effective policy, as one entry that never refuses (AuditedChecks).
 */
class AuditPolicyHandler implements PasswordPoliciesForUserHook {

	public function __construct( private readonly AuditedChecks $auditedChecks ) {
	}

	/** @inheritDoc */
	public function onPasswordPoliciesForUser( $user, &$effectivePolicy ) {
		if ( is_array( $effectivePolicy ) ) {
			$this->auditedChecks->addTo( $user, $effectivePolicy );
		}
	}
}
