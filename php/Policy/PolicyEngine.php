<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Policy;

use MediaWiki\Status\Status;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserIdentity;
use NativePasswordPolicy\EngineException;
use NativePasswordPolicy\PasswordGenerator;

/**
 * Answers MediaWiki's calls of the extension's check callables (NativePolicyChecks) with the
 * Status core's PasswordPolicyChecks would return.
 *
 * Core calls one callable per check of a user's effective policy (UserPasswordPolicy). Each
 * call crossing into the module would cost more than most checks, so the policy is evaluated
 * natively once: the PasswordPoliciesForUser hook hands the effective policy to capture()
 * (core's orchestration is left to core), the first callable of that user evaluates all its
 * native checks in one call into the module, and the following ones are answered from that
 * verdict, for the same user and password only. Once every check of the verdict has been
 * answered, it is forgotten, and the password with it. A call the verdict does not cover (no
 * hook ran, another user or password, a value of a type the module does not take) runs its
 * check alone.
 *
 * When the module cannot answer, CheckProblems decides (core's PHP check, or a pass for a
 * check beyond core); when it is not loaded at all, checks are refused with a message (fail
 * closed), unless the operator allows core's checks to stand in.
 */
class PolicyEngine {

	/**
	 * @var mixed The effective policy PasswordPoliciesForUser gave last, as a reference to core's
	 *   variable: hook handlers after this extension's may still change it. Never assigned, only
	 *   bound (untyped, so that the reference constrains nothing core's variable may hold).
	 */
	private $capturedPolicy = null;

	/** The user whose policy was captured */
	private ?string $capturedUser = null;

	/**
	 * @var array<string,array<int,array{0:mixed,1:array[]|null}>> The last evaluation: check
	 *   name => [ value, failures or null ] for each native entry of the policy
	 */
	private array $verdict = [];

	private ?string $verdictUser = null;

	/** The password of the verdict; null when there is no verdict */
	private ?string $verdictPassword = null;

	/** Entries of the verdict not asked for yet */
	private int $unanswered = 0;

	/** @var array<string,string|false> Policy name => native check it runs, or false */
	private array $nativeCheckOf = [];

	/** Calls into the module for checks, in this object's life (for tests and benchmarks) */
	private int $nativeCalls = 0;

	/**
	 * @param EngineProvider $engines
	 * @param CheckProblems $problems
	 * @param UserFactory $userFactory
	 * @param array $checks `$wgPasswordPolicy['checks']`
	 */
	public function __construct(
		private readonly EngineProvider $engines,
		private readonly CheckProblems $problems,
		private readonly UserFactory $userFactory,
		private readonly array $checks
	) {
	}

	/**
	 * From the PasswordPoliciesForUser hook: the policy UserPasswordPolicy is about to check.
	 *
	 * @param UserIdentity $user
	 * @param array &$effectivePolicy
	 */
	public function capture( UserIdentity $user, array &$effectivePolicy ): void {
		$this->forget();
		$this->capturedPolicy = &$effectivePolicy;
		$this->capturedUser = $user->getName();
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
		if ( ( $this->verdictPassword !== null || $this->capturedUser !== null ) && is_string( $password ) ) {
			$status = $this->fromVerdict( $check, $policyVal, $user->getName(), $password, $user );
			if ( $status ) {
				return $status;
			}
		}
		return $this->checkAlone( $check, $policyVal, $user, $password );
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
	 * @return string
	 */
	public function generatePassword( PasswordGenerator $generator, UserIdentity $user, array $policies ): string {
		$entries = [];
		$minLength = 0;
		foreach ( $policies as $policy => $settings ) {
			$value = is_array( $settings ) ? ( $settings['value'] ?? null ) : $settings;
			$check = NativePolicyChecks::nameOf( $this->checks[$policy] ?? null )
				?? CorePolicyChecks::nameOf( $this->checks[$policy] ?? null );
			if ( $check === null || !( $value === null || is_scalar( $value ) ) ) {
				continue;
			}
			$entries[] = [ 'check' => $check, 'value' => $value ];
			if ( in_array( $check, [ 'MinimalPasswordLength', 'MinimumPasswordLengthToLogin', 'MinimalPasswordCodePoints' ], true ) ) {
				$minLength = max( $minLength, (int)$value );
			}
		}
		$native = $this->engines->get();
		if ( $native ) {
			try {
				return $native->generatePassword( $generator, $user->getName(), $entries );
			} catch ( EngineException $e ) {
				$this->problems->fallingBack( 'temporary password', $e );
			}
		}
		return $generator->generate( $minLength );
	}

	/**
	 * @internal For tests and benchmarks
	 * @return int Calls into the module for checks so far (evaluations and checks run alone)
	 */
	public function nativeCallCount(): int {
		return $this->nativeCalls;
	}

	/**
	 * @return string[] Problems the native engine met loading its files, and checks beyond
	 *   core that could not run so far (empty when healthy)
	 */
	public function getProblems(): array {
		return array_merge( $this->engines->problems(), $this->problems->unavailableChecks() );
	}

	/**
	 * The answer of the verdict for this check, evaluating the captured policy first when it is
	 * this user's and no verdict covers the password yet.
	 *
	 * @param string $check
	 * @param mixed $policyVal
	 * @param string $username
	 * @param string $password
	 * @param UserIdentity $user
	 * @return Status|null Null when the verdict does not cover the call
	 */
	private function fromVerdict(
		string $check, $policyVal, string $username, string $password, UserIdentity $user
	): ?Status {
		if ( $this->verdictPassword === null || $this->verdictUser !== $username
			|| !hash_equals( $this->verdictPassword, $password )
		) {
			if ( $this->capturedUser !== $username || !$this->evaluateCaptured( $user, $password ) ) {
				return null;
			}
		}
		foreach ( $this->verdict[$check] ?? [] as [ $value, $failures ] ) {
			if ( $value === $policyVal ) {
				if ( --$this->unanswered <= 0 ) {
					$this->forget();
				}
				return $failures === null ? Status::newGood() : FailureStatus::of( $failures );
			}
		}
		return null;
	}

	/**
	 * Evaluates every native check of the captured policy in one call into the module.
	 *
	 * @param UserIdentity $user
	 * @param string $password
	 * @return bool Whether there is a verdict now
	 */
	private function evaluateCaptured( UserIdentity $user, string $password ): bool {
		$policy = $this->capturedPolicy;
		$this->forget();
		$native = $this->engines->get();
		if ( !$native || !is_array( $policy ) || !$policy ) {
			return false;
		}
		$entries = [];
		$needsContext = false;
		foreach ( $policy as $name => $settings ) {
			$check = $this->nativeCheckOf[$name] ??= NativePolicyChecks::nameOf( $this->checks[$name] ?? null ) ?? false;
			$value = is_array( $settings ) ? ( $settings['value'] ?? null ) : $settings;
			// Values of other types stay with core's checks (checkAlone()).
			if ( $check !== false && ( is_scalar( $value ) || $value === null ) ) {
				$entries[] = [ 'check' => $check, 'value' => $value ];
				$needsContext = $needsContext || isset( BeyondCoreChecks::CONTEXT_CHECKS[$check] );
			}
		}
		if ( !$entries ) {
			return false;
		}
		$this->nativeCalls++;
		try {
			$verdict = $native->evaluate( $user->getName(), $password, $entries,
				$needsContext ? $this->contextOf( $user ) : null );
		} catch ( EngineException $e ) {
			// A check that cannot run (a broken file): each check then runs alone and gets its
			// own answer from CheckProblems.
			return false;
		}
		$failures = [];
		foreach ( $verdict['failures'] as $failure ) {
			$failures[$failure['entry']][] = $failure;
		}
		foreach ( $entries as $index => $entry ) {
			$this->verdict[$entry['check']][] = [ $entry['value'], $failures[$index] ?? null ];
		}
		$this->verdictUser = $user->getName();
		$this->verdictPassword = $password;
		$this->unanswered = count( $entries );
		return true;
	}

	/**
	 * One check with one call into the module, or without the module as CheckProblems decides.
	 *
	 * @param string $check
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param mixed $password
	 * @return Status
	 */
	private function checkAlone( string $check, $policyVal, UserIdentity $user, $password ): Status {
		$native = $this->engines->get();
		// Arrays, objects and non-string passwords stay with core's checks.
		if ( $native && is_string( $password ) && ( is_scalar( $policyVal ) || $policyVal === null ) ) {
			$this->nativeCalls++;
			try {
				$failures = $native->check( $check, $policyVal, $user->getName(), $password,
					isset( BeyondCoreChecks::CONTEXT_CHECKS[$check] ) ? $this->contextOf( $user ) : null );
				return $failures === null ? Status::newGood() : FailureStatus::of( $failures );
			} catch ( EngineException $e ) {
				if ( isset( BeyondCoreChecks::METHODS[$check] ) ) {
					return $this->problems->beyondCoreCheckCannotRun( $check, $e->getMessage() );
				}
				$this->problems->fallingBack( $check, $e );
			}
		}
		if ( $this->engines->refuses() ) {
			// Fatal, so that no password is set and no login passes unchecked; the log says why.
			return Status::newFatal( 'nativepasswordpolicy-module-unavailable' );
		}
		if ( isset( BeyondCoreChecks::METHODS[$check] ) ) {
			return $this->problems->beyondCoreCheckCannotRun( $check, $native
				? 'its value or the password is of a type the module does not take'
				: 'the native module is not available' );
		}
		return call_user_func( CorePolicyChecks::coreCallable( $check ), $policyVal, $user, $password );
	}

	/**
	 * Drops the verdict, and with it the password. The captured policy (no secret) is only
	 * marked unused: assigning to it would write into core's variable.
	 */
	private function forget(): void {
		$this->capturedUser = null;
		$this->verdict = [];
		$this->verdictUser = null;
		$this->verdictPassword = null;
		$this->unanswered = 0;
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
}
