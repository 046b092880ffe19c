<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Policy;

use DomainException;
use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWiki\Extension\NativePasswordPolicy\Setup\ModuleStatus;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserIdentity;
use NativePasswordPolicy\Engine;
use NativePasswordPolicy\EngineException;
use NativePasswordPolicy\PasswordGenerator;
use Psr\Log\LoggerInterface;
use Status;
use Throwable;

/**
 * Runs password policy checks in the native module and turns its verdicts into the
 * Status objects core's PasswordPolicyChecks and UserPasswordPolicy produce.
 *
 * When the module cannot answer (a file it needs is broken, an internal error), the check
 * falls back to core's PHP implementation and the problem is logged: users are never locked
 * out by the engine. When the module is not loaded at all, checks are refused with a message
 * (fail closed), unless the operator allows core's checks to stand in
 * (`$wgNativePasswordPolicyAllowCoreFallback`).
 */
class PolicyEngine {

	/** @var Engine|null The native engine, once resolved; null when it could not be built */
	private ?Engine $native = null;

	/** Whether $native has been resolved (built or found unavailable) in this object's life */
	private bool $nativeResolved = false;

	private ?LoggerInterface $logger = null;

	/** Why the native engine could not be built, when it could not */
	private ?string $startError = null;

	/** The module is missing and core's checks may not stand in: every check is refused */
	private readonly bool $refuse;

	/**
	 * @param array $engineConfig Configuration of the native engine (see ServiceWiring.php)
	 * @param UserFactory $userFactory
	 * @param callable():LoggerInterface $loggerFactory Called when there is something to log,
	 *   so that a request with a healthy engine pays nothing for logging
	 * @param bool $allowCoreFallback `$wgNativePasswordPolicyAllowCoreFallback`
	 */
	public function __construct(
		private readonly array $engineConfig,
		private readonly UserFactory $userFactory,
		private readonly mixed $loggerFactory,
		bool $allowCoreFallback = false
	) {
		$this->refuse = !$allowCoreFallback && !NativeModule::isLoaded();
	}

	/**
	 * Runs one check, as core's PasswordPolicyChecks::check{Name}() would. This is the path
	 * MediaWiki takes for every check at login and account creation, so it is kept lean.
	 *
	 * @param string $check Check name (a key of CorePolicyChecks::METHODS)
	 * @param mixed $policyVal The configured value
	 * @param UserIdentity $user
	 * @param mixed $password
	 * @return Status
	 */
	public function check( string $check, $policyVal, UserIdentity $user, $password ): Status {
		$native = $this->nativeResolved ? $this->native : $this->native();
		// Arrays, objects and non-string passwords stay with core's checks.
		if ( $native && is_string( $password ) && ( is_scalar( $policyVal ) || $policyVal === null ) ) {
			try {
				$failures = $native->check( $check, $policyVal, $user->getName(), $password );
				return $failures === null ? Status::newGood() : $this->statusOf( $failures );
			} catch ( EngineException $e ) {
				$this->logFallback( $check, $e );
			}
		}
		if ( $this->refuse ) {
			return $this->refusal();
		}
		return call_user_func( CorePolicyChecks::coreCallable( $check ), $policyVal, $user, $password );
	}

	/**
	 * Evaluates an effective policy with one call into the native module: the same result as
	 * core's UserPasswordPolicy::checkUserPassword() for that policy, including its errors for
	 * broken configuration. Checks the module does not implement run as PHP callables.
	 *
	 * @param UserIdentity $user
	 * @param string $password
	 * @param array $policies Effective policy: check name => value or settings array
	 * @param callable[] $checks `$wgPasswordPolicy['checks']`
	 * @return Status
	 */
	public function checkPolicies( UserIdentity $user, string $password, array $policies, array $checks ): Status {
		$legacyUser = $this->userFactory->newFromUserIdentity( $user );
		$entries = [];
		$externalStatuses = [];
		foreach ( $policies as $policy => $settings ) {
			if ( !isset( $checks[$policy] ) ) {
				throw new DomainException( "Invalid password policy config. No check defined for '$policy'." );
			}
			if ( !is_array( $settings ) ) {
				// legacy format
				$settings = [ 'value' => $settings ];
			}
			if ( !array_key_exists( 'value', $settings ) ) {
				throw new DomainException( "Invalid password policy config. No value defined for '$policy'." );
			}
			$flags = [
				'forceChange' => !empty( $settings['forceChange'] ),
				'suggestChangeOnLogin' => !empty( $settings['suggestChangeOnLogin'] ),
			];
			$nativeCheck = NativePolicyChecks::nameOf( $checks[$policy] );
			if ( $nativeCheck !== null && $this->nativeCanTake( $settings['value'], $password ) ) {
				$entries[] = [ 'check' => $nativeCheck, 'value' => $settings['value'] ] + $flags;
			} else {
				$status = call_user_func( $checks[$policy], $settings['value'], $legacyUser, $password );
				$externalStatuses[count( $entries )] = $status;
				$entries[] = [ 'good' => $status->isGood(), 'ok' => $status->isOK() ] + $flags;
			}
		}

		$native = $this->native();
		try {
			$verdict = $native ? $native->evaluate( $user->getName(), $password, $entries ) : null;
		} catch ( EngineException $e ) {
			$this->logFallback( 'policy', $e );
			$verdict = null;
		}
		if ( $verdict === null ) {
			return $this->refuse ? $this->refusal() : $this->checkPoliciesInPhp( $legacyUser, $password, $policies, $checks );
		}

		$failuresByEntry = [];
		foreach ( $verdict['failures'] as $failure ) {
			$failuresByEntry[$failure['entry']][] = $failure;
		}
		$status = Status::newGood( [] );
		foreach ( $entries as $index => $entry ) {
			if ( isset( $externalStatuses[$index] ) ) {
				$status->merge( $externalStatuses[$index] );
			} else {
				$status->merge( $this->statusOf( $failuresByEntry[$index] ?? [] ) );
			}
		}
		if ( $verdict['forceChange'] ) {
			$status->value['forceChange'] = true;
		} elseif ( $verdict['suggestChangeOnLogin'] ) {
			$status->value['suggestChangeOnLogin'] = true;
		}
		return $status;
	}

	/**
	 * A temporary password that passes every check of an effective policy the native module
	 * runs (core's six, whether `$wgPasswordPolicy['checks']` points at core's or this
	 * extension's callables), at least as long as the policy's length checks require.
	 * Other checks are left to the caller. When the module cannot evaluate the policy, the
	 * password only gets the length the policy asks for, and the problem is logged.
	 *
	 * @param PasswordGenerator $generator
	 * @param UserIdentity $user
	 * @param array $policies Effective policy: check name => value or settings array
	 * @param callable[] $checks `$wgPasswordPolicy['checks']`
	 * @return string
	 */
	public function generatePassword(
		PasswordGenerator $generator, UserIdentity $user, array $policies, array $checks
	): string {
		$entries = [];
		$minLength = 0;
		foreach ( $policies as $policy => $settings ) {
			$value = is_array( $settings ) ? ( $settings['value'] ?? null ) : $settings;
			$check = NativePolicyChecks::nameOf( $checks[$policy] ?? null )
				?? CorePolicyChecks::nameOf( $checks[$policy] ?? null );
			if ( $check === null || !( $value === null || is_scalar( $value ) ) ) {
				continue;
			}
			$entries[] = [ 'check' => $check, 'value' => $value ];
			if ( in_array( $check, [ 'MinimalPasswordLength', 'MinimumPasswordLengthToLogin' ], true ) ) {
				$minLength = max( $minLength, (int)$value );
			}
		}
		$native = $this->native();
		if ( $native ) {
			try {
				return $native->generatePassword( $generator, $user->getName(), $entries );
			} catch ( EngineException $e ) {
				$this->logFallback( 'temporary password', $e );
			}
		}
		return $generator->generate( $minLength );
	}

	/**
	 * @return string[] Problems the native engine met loading its files (empty when healthy)
	 */
	public function getProblems(): array {
		$native = $this->native();
		if ( $native ) {
			return $native->problems();
		}
		// A missing module is ModuleStatus's to report.
		return $this->startError !== null ? [ "the engine could not start: {$this->startError}" ] : [];
	}

	/**
	 * Whether the native engine can take this value and password: arrays, objects and
	 * non-string passwords stay with core's checks.
	 *
	 * @param mixed $policyVal
	 * @param mixed $password
	 * @return bool
	 */
	private function nativeCanTake( $policyVal, $password ): bool {
		return is_string( $password ) && ( $policyVal === null || is_scalar( $policyVal ) ) && $this->native();
	}

	private function native(): ?Engine {
		if ( !$this->nativeResolved ) {
			$this->nativeResolved = true;
			if ( !NativeModule::isLoaded() ) {
				// Says whether checks are refused or run in PHP, and how to fix it.
				ModuleStatus::detect( !$this->refuse )->logProblems( $this->logger() );
			} else {
				if ( NativeModule::version() !== NativeModule::EXPECTED_VERSION ) {
					ModuleStatus::detect()->logProblems( $this->logger() );
				}
				try {
					$this->native = new Engine( json_encode( $this->engineConfig, JSON_THROW_ON_ERROR ) );
					foreach ( $this->native->problems() as $problem ) {
						$this->logger()->error( 'Native password policy engine: {problem}', [ 'problem' => $problem ] );
					}
				} catch ( Throwable $e ) {
					$this->startError = $e->getMessage();
					$this->logger()->error(
						'Native password policy engine could not start: {message}. Checks run in PHP.',
						[ 'message' => $e->getMessage() ]
					);
				}
			}
		}
		return $this->native;
	}

	/**
	 * The answer to every check while the module is missing and core may not stand in: fatal,
	 * so that no password is set and no login passes unchecked. The log says why.
	 */
	private function refusal(): Status {
		$this->native();
		return Status::newFatal( 'nativepasswordpolicy-module-unavailable' );
	}

	private function logger(): LoggerInterface {
		$this->logger ??= ( $this->loggerFactory )();
		return $this->logger;
	}

	/**
	 * @param array[] $failures Failures as the module returns them
	 * @return Status
	 */
	private function statusOf( array $failures ): Status {
		$status = Status::newGood();
		foreach ( $failures as $failure ) {
			if ( $failure['fatal'] ) {
				$status->fatal( $failure['message'], ...$failure['params'] );
			} else {
				$status->error( $failure['message'], ...$failure['params'] );
			}
		}
		return $status;
	}

	/**
	 * Core's evaluation, for when the native engine cannot answer.
	 *
	 * @param UserIdentity $user
	 * @param string $password
	 * @param array $policies
	 * @param callable[] $checks
	 * @return Status
	 */
	private function checkPoliciesInPhp( UserIdentity $user, string $password, array $policies, array $checks ): Status {
		foreach ( $checks as $name => $callable ) {
			$nativeCheck = NativePolicyChecks::nameOf( $callable );
			if ( $nativeCheck !== null ) {
				$checks[$name] = CorePolicyChecks::coreCallable( $nativeCheck );
			}
		}
		$upp = new \UserPasswordPolicy( [ 'default' => $policies ], $checks );
		return $upp->checkUserPasswordForGroups( $user, $password, [] );
	}

	private function logFallback( string $check, EngineException $e ): void {
		// The message never contains the password: the module formats no input into it.
		$this->logger()->error(
			'Native password check {check} failed, core\'s PHP check used instead: {message}',
			[ 'check' => $check, 'message' => $e->getMessage(), 'code' => $e->getCode() ]
		);
	}
}
