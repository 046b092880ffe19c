<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Policy;

use MediaWiki\Status\Status;

/**
 * What a check does when the module cannot answer it, and the record of it for the log and
 * Special:Version: the one place that decides both.
 *
 * - A check of core's falls back to core's PHP implementation (logged): users are never
 *   locked out by the engine.
 * - A check beyond core has no PHP implementation: it passes (logged once per check and
 *   request, and listed by all()), so that a broken file locks nobody out.
 *
 * Nothing logged here contains a password: the module formats no input into its messages.
 */
class CheckProblems {

	/** @var array<string,string> Check beyond core => why it could not run, in this object's life */
	private array $unavailable = [];

	public function __construct( private readonly EngineProvider $engines ) {
	}

	/**
	 * The answer of a check beyond core that cannot run: Good, recorded and logged.
	 *
	 * @param string $check
	 * @param string $reason
	 * @return Status
	 */
	public function beyondCoreCheckCannotRun( string $check, string $reason ): Status {
		if ( !isset( $this->unavailable[$check] ) ) {
			$this->unavailable[$check] = "$check cannot run, so it passes every password: $reason";
			$this->engines->logger()->error(
				'Password check {check} cannot run, so it passes every password: {reason}',
				[ 'check' => $check, 'reason' => $reason ]
			);
		}
		return Status::newGood();
	}

	/**
	 * Logs that core's PHP check (or core's temporary password) answers instead of the module.
	 *
	 * @param string $what The check, or the operation
	 * @param string $error The module's message
	 */
	public function fallingBack( string $what, string $error ): void {
		$this->engines->logger()->error(
			'Native password check {check} failed, core\'s PHP check used instead: {message}',
			[ 'check' => $what, 'message' => $error ]
		);
	}

	/**
	 * Logs that a policy's one native evaluation failed (a bug): its checks then run one by one.
	 *
	 * @param string $error The module's message
	 */
	public function evaluationFailed( string $error ): void {
		$this->engines->logger()->error(
			'The native evaluation of a password policy failed, its checks run one by one: {message}',
			[ 'message' => $error ]
		);
	}

	/**
	 * @return string[] Checks beyond core that could not run so far
	 */
	public function unavailableChecks(): array {
		return array_values( $this->unavailable );
	}
}
