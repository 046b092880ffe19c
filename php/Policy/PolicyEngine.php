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
	private ?UserIdentity $capturedSubject = null;

	/** @var array|null The policy of the last evaluation */
	private ?array $verdictPolicy = null;

	/** @var array<string,array[]> Policy name => failures, for the entries of the verdict that failed */
	private array $verdictFailures = [];

	/** @var array<string,string> Policy name => why its check cannot run, for such entries of the verdict */
	private array $verdictUnavailable = [];

	/** The user of the verdict, and its name */
	private ?UserIdentity $verdictSubject = null;

	private ?string $verdictUser = null;

	/** The password of the verdict; null when there is no verdict */
	private ?string $verdictPassword = null;

	/** Entries of the verdict not asked for yet */
	private int $unanswered = 0;

	/**
	 * @var array<string,string>|null Policy name => the native check `$wgPasswordPolicy['checks']`
	 *   has it run, once worked out (per request)
	 */
	private ?array $nativeNames = null;

	/** @var array<string,string[]> Native check => the policy names that run it */
	private array $namesOfCheck = [];

	/** Whether `$wgPasswordPolicy['checks']` names a check reading the account's name and address */
	private bool $contextNamed = false;

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
		$this->capturedSubject = $user;
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
		// The verdict's user and password: the path of every check after the first. Core passes
		// the same user object to every check of its loop, so that is compared before the name.
		// The password is compared with ===: both strings come from this request's caller, and
		// a caller learns nothing from the time it takes.
		$hasVerdict = ( $password === $this->verdictPassword && $this->verdictPassword !== null
				&& ( $user === $this->verdictSubject || $user->getName() === $this->verdictUser ) )
			|| ( $this->capturedSubject !== null && is_string( $password )
				&& ( $user === $this->capturedSubject || $user->getName() === $this->capturedSubject->getName() )
				&& $this->evaluateCaptured( $user, $password ) );
		return ( $hasVerdict ? $this->fromVerdict( $check, $policyVal, $user, $password ) : null )
			?? $this->checkAlone( $check, $policyVal, $user, $password );
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
				$this->problems->fallingBack( 'temporary password', $e->getMessage() );
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
	 * The answer of the verdict (the user's and this password's) for this check.
	 *
	 * @param string $check
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param string $password
	 * @return Status|null Null when the verdict does not cover the call
	 */
	private function fromVerdict( string $check, $policyVal, UserIdentity $user, string $password ): ?Status {
		foreach ( $this->namesOfCheck[$check] ?? [] as $name ) {
			if ( !array_key_exists( $name, $this->verdictPolicy ) ) {
				continue;
			}
			$settings = $this->verdictPolicy[$name];
			if ( is_array( $settings ) ) {
				if ( !array_key_exists( 'value', $settings ) ) {
					continue;
				}
				$settings = $settings['value'];
			}
			// The module evaluated values of these types only (and so the same entry's value).
			if ( $settings !== $policyVal || !( is_scalar( $settings ) || $settings === null ) ) {
				continue;
			}
			$failures = $this->verdictFailures[$name] ?? null;
			$unavailable = $this->verdictUnavailable[$name] ?? null;
			if ( --$this->unanswered <= 0 ) {
				$this->forget();
			}
			if ( $unavailable !== null ) {
				return $this->withoutModule( $check, $policyVal, $user, $password, $unavailable );
			}
			// new Status(): what Status::newGood() makes, without a call (this path runs for every check).
			return $failures === null ? new Status() : FailureStatus::of( $failures );
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
		$names = $this->nativeNames ?? $this->nativeNames();
		$this->nativeCalls++;
		try {
			$verdict = $native->evaluatePolicy( $user->getName(), $password, $policy, $names,
				$this->needsContext( $policy ) ? $this->contextOf( $user ) : null );
		} catch ( EngineException $e ) {
			// Each check runs alone then, and gets its own answer.
			$this->problems->evaluationFailed( $e->getMessage() );
			return false;
		}
		if ( is_int( $verdict ) ) {
			$this->unanswered = $verdict;
		} else {
			$this->unanswered = $verdict['evaluated'];
			$this->verdictFailures = $verdict['failures'];
			$this->verdictUnavailable = $verdict['unavailable'];
		}
		$this->verdictPolicy = $policy;
		$this->verdictSubject = $user;
		$this->verdictUser = $user->getName();
		$this->verdictPassword = $password;
		return true;
	}

	/**
	 * The native check of every policy name of `$wgPasswordPolicy['checks']` that names one of
	 * the extension's callables, worked out once per request (the common form, the exact
	 * string the registration callback writes, is a plain lookup).
	 *
	 * @return array<string,string>
	 */
	private function nativeNames(): array {
		$this->nativeNames = [];
		foreach ( $this->checks as $name => $callable ) {
			$check = NativePolicyChecks::nameOf( $callable );
			if ( $check !== null ) {
				$this->nativeNames[$name] = $check;
				$this->namesOfCheck[$check][] = (string)$name;
				$this->contextNamed = $this->contextNamed || isset( BeyondCoreChecks::CONTEXT_CHECKS[$check] );
			}
		}
		return $this->nativeNames;
	}

	/**
	 * @param array $policy
	 * @return bool Whether a check of the policy reads the account's real name and address
	 */
	private function needsContext( array $policy ): bool {
		if ( !$this->contextNamed ) {
			return false;
		}
		foreach ( BeyondCoreChecks::CONTEXT_CHECKS as $check => $_ ) {
			foreach ( $this->namesOfCheck[$check] ?? [] as $name ) {
				if ( isset( $policy[$name] ) ) {
					return true;
				}
			}
		}
		return false;
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
				return $failures === null ? new Status() : FailureStatus::of( $failures );
			} catch ( EngineException $e ) {
				return $this->withoutModule( $check, $policyVal, $user, $password, $e->getMessage() );
			}
		}
		return $this->withoutModule( $check, $policyVal, $user, $password, null );
	}

	/**
	 * The answer to a check the module cannot give: refused while the module is missing (fail
	 * closed), a pass for a check beyond core, else core's own PHP check; logged.
	 *
	 * @param string $check
	 * @param mixed $policyVal
	 * @param UserIdentity $user
	 * @param mixed $password
	 * @param string|null $error Why the module could not answer, when it was asked
	 * @return Status
	 */
	private function withoutModule( string $check, $policyVal, UserIdentity $user, $password, ?string $error ): Status {
		if ( $error !== null ) {
			if ( isset( BeyondCoreChecks::METHODS[$check] ) ) {
				return $this->problems->beyondCoreCheckCannotRun( $check, $error );
			}
			$this->problems->fallingBack( $check, $error );
		}
		if ( $this->engines->refuses() ) {
			// Fatal, so that no password is set and no login passes unchecked; the log says why.
			return Status::newFatal( 'nativepasswordpolicy-module-unavailable' );
		}
		if ( isset( BeyondCoreChecks::METHODS[$check] ) ) {
			return $this->problems->beyondCoreCheckCannotRun( $check, $this->engines->get()
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
		$this->capturedSubject = null;
		$this->verdictPolicy = null;
		$this->verdictFailures = [];
		$this->verdictUnavailable = [];
		$this->verdictSubject = null;
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
