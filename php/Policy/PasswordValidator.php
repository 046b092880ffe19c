<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Policy;

use InvalidArgumentException;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\HookContainer\HookContainer;
use MediaWiki\MainConfigNames;
use MediaWiki\Password\UserPasswordPolicy;
use MediaWiki\Status\Status;
use MediaWiki\User\User;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserGroupManager;
use MediaWiki\User\UserIdentity;

/**
 * Core's password validation (User::checkPasswordValidity() and UserPasswordPolicy), with the
 * merged policy of the user evaluated in one call into the native module.
 *
 * The hooks run as in core: isValidPassword first (it may decide alone), then
 * PasswordPoliciesForUser on the policy merged from the user's effective groups.
 */
class PasswordValidator {

	public const CONSTRUCTOR_OPTIONS = [
		MainConfigNames::PasswordPolicy,
	];

	/**
	 * @param ServiceOptions $options
	 * @param PolicyEngine $engine
	 * @param UserGroupManager $userGroupManager
	 * @param UserFactory $userFactory
	 * @param HookContainer $hookContainer
	 */
	public function __construct(
		private readonly ServiceOptions $options,
		private readonly PolicyEngine $engine,
		private readonly UserGroupManager $userGroupManager,
		private readonly UserFactory $userFactory,
		private readonly HookContainer $hookContainer
	) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
	}

	/**
	 * What User::checkPasswordValidity() returns for this user and password.
	 *
	 * @param User $user
	 * @param string $password
	 * @return Status Good, not good but OK (the password may log in but should change, see
	 *   the value's `forceChange` / `suggestChangeOnLogin`), or fatal
	 */
	public function checkPasswordValidity( User $user, string $password ): Status {
		// Built first, as core does: a broken $wgPasswordPolicy fails even when a hook decides.
		[ $policies, $checks ] = $this->policyConfig();
		$status = Status::newGood( [] );
		// false: no hook decided, run the policy checks
		$result = false;
		// Core registers this one with a lower-case initial.
		if ( !$this->hookContainer->run( 'isValidPassword', [ $password, &$result, $user ] ) ) {
			$status->error( $result );
			return $status;
		}
		if ( $result === false ) {
			$status->merge( $this->checkUserPassword( $user, $password, $policies, $checks ), true );
			return $status;
		}
		if ( $result !== true ) {
			// The hook set a message and let the request go on.
			$status->error( $result );
		}
		return $status;
	}

	/**
	 * The policy that applies to the user, as UserPasswordPolicy::getPoliciesForUser() merges it.
	 *
	 * @param UserIdentity $user
	 * @return array Check name => value or settings
	 */
	public function getPoliciesForUser( UserIdentity $user ): array {
		[ $policies ] = $this->policyConfig();
		return $this->effectivePolicy( $user, $policies );
	}

	/**
	 * @param UserIdentity $user
	 * @param string $password
	 * @param array $policies `$wgPasswordPolicy['policies']`
	 * @param callable[] $checks `$wgPasswordPolicy['checks']`
	 * @return Status
	 */
	private function checkUserPassword( UserIdentity $user, string $password, array $policies, array $checks ): Status {
		return $this->engine->checkPolicies( $user, $password, $this->effectivePolicy( $user, $policies ), $checks );
	}

	/**
	 * @param UserIdentity $user
	 * @param array $policies
	 * @return array
	 */
	private function effectivePolicy( UserIdentity $user, array $policies ): array {
		$effectivePolicy = UserPasswordPolicy::getPoliciesForGroups(
			$policies,
			$this->userGroupManager->getUserEffectiveGroups( $user ),
			$policies['default']
		);
		$legacyUser = $this->userFactory->newFromUserIdentity( $user );
		$this->hookContainer->run( 'PasswordPoliciesForUser', [ $legacyUser, &$effectivePolicy ] );
		return $effectivePolicy;
	}

	/**
	 * `$wgPasswordPolicy`, validated as UserPasswordPolicy's constructor validates it.
	 *
	 * @return array{0:array,1:callable[]} Policies by group, checks by name
	 */
	private function policyConfig(): array {
		$config = $this->options->get( MainConfigNames::PasswordPolicy );
		$policies = $config['policies'];
		$checks = $config['checks'];
		if ( !isset( $policies['default'] ) ) {
			throw new InvalidArgumentException( 'Must include a \'default\' password policy' );
		}
		foreach ( $checks as $statement => $check ) {
			if ( !is_callable( $check ) ) {
				throw new InvalidArgumentException(
					"Policy check functions must be callable. '$statement' isn't callable."
				);
			}
		}
		return [ $policies, $checks ];
	}
}
