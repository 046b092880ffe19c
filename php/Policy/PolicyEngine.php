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
use MediaWiki\Extension\NativePasswordPolicy\Setup\SetupProblems;
use MediaWiki\Password\UserPasswordPolicy;
use MediaWiki\Status\Status;
use MediaWiki\User\User;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserIdentity;
use NativePasswordPolicy\Engine;
use NativePasswordPolicy\EngineException;
use NativePasswordPolicy\PasswordGenerator;
use Psr\Log\LoggerInterface;
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
 *
 * The checks beyond core (BeyondCoreChecks) have no PHP implementation: when one cannot run,
 * it passes (see beyondCoreCheckCannotRun()). Those reading the account's real name and
 * address get them from the user only when a policy names them.
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

	/** @var array<string,string> Check beyond core => why it could not run, in this object's life */
	private array $unavailableChecks = [];

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
	 * @param string $check Check name (a key of CorePolicyChecks::METHODS or BeyondCoreChecks::METHODS)
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
				$failures = $native->check( $check, $policyVal, $user->getName(), $password,
					isset( BeyondCoreChecks::CONTEXT_CHECKS[$check] ) ? $this->contextOf( $user ) : null );
				return $failures === null ? Status::newGood() : $this->statusOf( $failures );
			} catch ( EngineException $e ) {
				if ( isset( BeyondCoreChecks::METHODS[$check] ) ) {
					return $this->beyondCoreCheckCannotRun( $check, $e->getMessage() );
				}
				$this->logFallback( $check, $e );
			}
		}
		if ( $this->refuse ) {
			return $this->refusal();
		}
		if ( isset( BeyondCoreChecks::METHODS[$check] ) ) {
			return $this->beyondCoreCheckCannotRun( $check, $native
				? 'its value or the password is of a type the module does not take'
				: 'the native module is not available' );
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
		$usesContext = false;
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
				$usesContext = $usesContext || isset( BeyondCoreChecks::CONTEXT_CHECKS[$nativeCheck] );
			} else {
				$status = call_user_func( $checks[$policy], $settings['value'], $legacyUser, $password );
				$externalStatuses[count( $entries )] = $status;
				$entries[] = [ 'good' => $status->isGood(), 'ok' => $status->isOK() ] + $flags;
			}
		}

		$native = $this->native();
		$verdict = $native ? $this->verdictOf(
			$native, $legacyUser, $password, $entries, $externalStatuses,
			$usesContext ? $this->contextOf( $legacyUser ) : null
		) : null;
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
			if ( in_array( $check, [ 'MinimalPasswordLength', 'MinimumPasswordLengthToLogin', 'MinimalPasswordCodePoints' ], true ) ) {
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
	 * @return string[] Problems the native engine met loading its files, and checks beyond
	 *   core that could not run so far (empty when healthy)
	 */
	public function getProblems(): array {
		$native = $this->native();
		// A missing module is ModuleStatus's to report.
		$problems = $native ? $native->problems()
			: ( $this->startError !== null ? [ "the engine could not start: {$this->startError}" ] : [] );
		return array_merge( $problems, array_values( $this->unavailableChecks ) );
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
			if ( !NativeModule::isLoaded() || NativeModule::version() !== NativeModule::EXPECTED_VERSION
				|| SetupProblems::any()
			) {
				// What is wrong with the setup, what it means for checks, and how to fix it.
				ModuleStatus::detect( !$this->refuse )->logProblems( $this->logger() );
			}
			if ( NativeModule::isLoaded() ) {
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
				$checks[$name] = isset( BeyondCoreChecks::METHODS[$nativeCheck] )
					? fn ( $value, $user, $password ) => $this->check( $nativeCheck, $value, $user, $password )
					: CorePolicyChecks::coreCallable( $nativeCheck );
			}
		}
		$upp = new UserPasswordPolicy( [ 'default' => $policies ], $checks );
		return $upp->checkUserPasswordForGroups( $user, $password, [] );
	}

	/**
	 * The module's verdict on a policy. When it cannot give one and the policy has checks
	 * beyond core, those run one by one (passing if they cannot run) and the rest is
	 * evaluated again: a broken breach corpus must not send core's checks to PHP.
	 *
	 * @param Engine $native
	 * @param User $user
	 * @param string $password
	 * @param array[] &$entries As for Engine::evaluate(); checks run alone become PHP entries
	 * @param Status[] &$externalStatuses Statuses of PHP entries, by entry index
	 * @param array|null $context
	 * @return array|null The verdict, null when core's PHP evaluation must answer
	 */
	private function verdictOf(
		Engine $native, User $user, string $password, array &$entries, array &$externalStatuses, ?array $context
	): ?array {
		try {
			return $native->evaluate( $user->getName(), $password, $entries, $context );
		} catch ( EngineException $e ) {
			$ranAlone = false;
			foreach ( $entries as $index => $entry ) {
				if ( isset( $entry['check'] ) && isset( BeyondCoreChecks::METHODS[$entry['check']] ) ) {
					$status = $this->check( $entry['check'], $entry['value'], $user, $password );
					$externalStatuses[$index] = $status;
					$entries[$index] = [ 'good' => $status->isGood(), 'ok' => $status->isOK(),
						'forceChange' => $entry['forceChange'], 'suggestChangeOnLogin' => $entry['suggestChangeOnLogin'] ];
					$ranAlone = true;
				}
			}
			if ( $ranAlone ) {
				try {
					return $native->evaluate( $user->getName(), $password, $entries );
				} catch ( EngineException $e ) {
				}
			}
			$this->logFallback( 'policy', $e );
			return null;
		}
	}

	/**
	 * What the context checks know of the account besides its name (the site name is in the
	 * engine's configuration). Only asked for when a policy names such a check: a user's real
	 * name and address may cost a database query.
	 *
	 * @param UserIdentity $user
	 * @return array{realName:string,email:string}
	 */
	private function contextOf( UserIdentity $user ): array {
		$user = $this->userFactory->newFromUserIdentity( $user );
		return [ 'realName' => $user->getRealName(), 'email' => $user->getEmail() ];
	}

	/**
	 * What a check beyond core gives when it cannot run (its file missing, corrupt or
	 * unreadable, its list broken, the module not loaded): it passes, so that no user is locked
	 * out by a broken file, and the problem is logged (once per check and request, never the
	 * password) and reported by getProblems(). The one place that decides this.
	 *
	 * @param string $check
	 * @param string $reason
	 * @return Status
	 */
	private function beyondCoreCheckCannotRun( string $check, string $reason ): Status {
		if ( !isset( $this->unavailableChecks[$check] ) ) {
			$this->unavailableChecks[$check] = "$check cannot run, so it passes every password: $reason";
			$this->logger()->error(
				'Password check {check} cannot run, so it passes every password: {reason}',
				[ 'check' => $check, 'reason' => $reason ]
			);
		}
		return Status::newGood();
	}

	private function logFallback( string $check, EngineException $e ): void {
		// The message never contains the password: the module formats no input into it.
		$this->logger()->error(
			'Native password check {check} failed, core\'s PHP check used instead: {message}',
			[ 'check' => $check, 'message' => $e->getMessage(), 'code' => $e->getCode() ]
		);
	}
}
