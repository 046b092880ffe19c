<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Audit;

use Psr\Log\LoggerInterface;
use Wikimedia\ObjectCache\BagOStuff;

/**
 * Audit mode: checks a group runs without refusing anything (`$wgNativePasswordPolicyAudit`).
 * Each password that would have failed one is counted by check, group and event in
 * MediaWiki's main stash (shared by every server of the wiki) and logged on the
 * `NativePasswordPolicy` channel with the user name, never the password.
 */
class AuditCounter {

	/** The check name the audited entries run under in a user's effective policy */
	public const CHECK = 'NativePasswordPolicyAudit';

	/** When a password is checked */
	public const EVENTS = [ 'login', 'change', 'create' ];

	/**
	 * @param BagOStuff $stash MediaWiki's main stash
	 * @param LoggerInterface $logger
	 * @param array $audit `$wgNativePasswordPolicyAudit`: group => [ check => policy value or settings ]
	 */
	public function __construct(
		private readonly BagOStuff $stash,
		private readonly LoggerInterface $logger,
		private readonly array $audit
	) {
	}

	/**
	 * @return array<string,array<string,mixed>> Group => check => policy value or settings
	 */
	public function audited(): array {
		$audited = [];
		foreach ( $this->audit as $group => $checks ) {
			if ( is_string( $group ) && is_array( $checks ) ) {
				foreach ( $checks as $check => $value ) {
					if ( is_string( $check ) && $check !== self::CHECK ) {
						$audited[$group][$check] = $value;
					}
				}
			}
		}
		return $audited;
	}

	/**
	 * Counts one would-be failure and logs it.
	 */
	public function record( string $check, string $group, string $event, string $username ): void {
		$this->stash->incrWithInit( $this->key( $check, $group, $event ), BagOStuff::TTL_INDEFINITE );
		$this->logger->info(
			'Audit: the password of {user} would fail {check} of group {group} ({event}); nothing was refused.',
			[ 'user' => $username, 'check' => $check, 'group' => $group, 'event' => $event ]
		);
	}

	/**
	 * @return array[] Each [ 'group' =>, 'check' =>, 'event' =>, 'count' => int ], for every
	 *   audited check of every group and every event, in the setting's order
	 */
	public function counts(): array {
		$rows = [];
		foreach ( $this->audited() as $group => $checks ) {
			foreach ( $checks as $check => $value ) {
				foreach ( self::EVENTS as $event ) {
					$count = $this->stash->get( $this->key( $check, $group, $event ) );
					$rows[] = [ 'group' => $group, 'check' => $check, 'event' => $event,
						'count' => is_numeric( $count ) ? (int)$count : 0 ];
				}
			}
		}
		return $rows;
	}

	private function key( string $check, string $group, string $event ): string {
		return $this->stash->makeKey( 'nativepasswordpolicy-audit', $group, $check, $event );
	}
}
