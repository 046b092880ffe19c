<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Audit;

use MediaWiki\Extension\NativePasswordPolicy\History\PasswordHistory;
use MediaWiki\MediaWikiServices;
use MediaWiki\User\UserGroupManager;
use MediaWiki\User\UserIdentity;
use StatusValue;

/**
 * Runs the audited checks of a user's groups as one entry of the effective policy
 * (AuditCounter::CHECK, added by AuditPolicyHandler): each check runs through its own callable
 * of `$wgPasswordPolicy['checks']`, a failure is counted, and the entry always passes.
 */
class AuditedChecks {

	/** @var string Key of $counted (random per request) */
	private string $key;

	/**
	 * @var array<string,true> Keyed hashes of what this request counted: core checks one
	 *   password more than once in a login or an account creation, which counts once
	 */
	private array $counted = [];

	public function __construct(
		private readonly AuditCounter $counter,
		private readonly UserGroupManager $userGroupManager,
		private readonly PasswordHistory $history,
		private readonly array $checks
	) {
		$this->key = random_bytes( 32 );
	}

	/**
	 * From the PasswordPoliciesForUser hook: adds the audited checks of the user's groups.
	 *
	 * @param UserIdentity $user
	 * @param array &$effectivePolicy
	 */
	public function addTo( UserIdentity $user, array &$effectivePolicy ): void {
		$audited = $this->counter->audited();
		if ( !$audited ) {
			return;
		}
		$entries = [];
		// 'default' is everyone, as in $wgPasswordPolicy['policies'].
		$groups = array_merge( [ 'default' ], $this->userGroupManager->getUserEffectiveGroups( $user ) );
		foreach ( array_unique( $groups ) as $group ) {
			foreach ( $audited[$group] ?? [] as $check => $value ) {
				if ( isset( $this->checks[$check] ) ) {
					$entries[] = [ 'group' => $group, 'check' => $check,
						'value' => is_array( $value ) ? ( $value['value'] ?? null ) : $value ];
				}
			}
		}
		if ( $entries ) {
			$effectivePolicy[AuditCounter::CHECK] = [ 'value' => $entries ];
		}
	}

	/**
	 * The callable of `$wgPasswordPolicy['checks']['NativePasswordPolicyAudit']`.
	 *
	 * @param mixed $policyVal The entries addTo() made
	 * @param UserIdentity $user
	 * @param string $password
	 * @return StatusValue Always good
	 */
	public static function checkAudited( $policyVal, UserIdentity $user, $password ) {
		MediaWikiServices::getInstance()->getService( 'NativePasswordPolicy.AuditedChecks' )
			->run( is_array( $policyVal ) ? $policyVal : [], $user, (string)$password );
		return StatusValue::newGood();
	}

	/**
	 * @param array[] $entries
	 * @param UserIdentity $user
	 * @param string $password
	 */
	public function run( array $entries, UserIdentity $user, string $password ): void {
		$exemption = $this->history->exemptionOf( $user->getName(), $password );
		if ( $exemption === PasswordHistory::EXEMPT_TEMPORARY ) {
			// A password drawn at random, not one a user chose.
			return;
		}
		$event = $exemption === PasswordHistory::EXEMPT_LOGIN ? 'login' : ( $user->getId() === 0 ? 'create' : 'change' );
		foreach ( $entries as $entry ) {
			$callable = $this->checks[$entry['check'] ?? ''] ?? null;
			if ( !is_callable( $callable ) ) {
				continue;
			}
			$status = $callable( $entry['value'] ?? null, $user, $password );
			if ( !( $status instanceof StatusValue ) || $status->isGood() ) {
				continue;
			}
			$seen = hash_hmac( 'sha256', implode( "\0", [ $event, $entry['group'], $entry['check'], $user->getName(), $password ] ),
				$this->key );
			if ( !isset( $this->counted[$seen] ) ) {
				$this->counted[$seen] = true;
				$this->counter->record( $entry['check'], (string)$entry['group'], $event, $user->getName() );
			}
		}
	}
}
