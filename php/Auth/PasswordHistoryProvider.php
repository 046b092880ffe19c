<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Auth;

use MediaWiki\Auth\AbstractSecondaryAuthenticationProvider;
use MediaWiki\Auth\AuthenticationRequest;
use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Auth\AuthManager;
use MediaWiki\Auth\PasswordAuthenticationRequest;
use MediaWiki\Extension\NativePasswordPolicy\History\PasswordHistory;
use MediaWiki\Password\UserPasswordPolicy;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserIdentity;

/**
 * Records each password an account gets into its password history: when the account is
 * created with a password, and whenever AuthManager changes its password (Special:ChangePassword,
 * action=changeauthenticationdata, the change asked for at login, maintenance/changePassword.php),
 * after core's provider has stored it. Only where the account's policy names PasswordNotInHistory,
 * and only its last N are kept.
 *
 * Takes no part in logins or account creation otherwise (always abstains).
 */
class PasswordHistoryProvider extends AbstractSecondaryAuthenticationProvider {

	public function __construct(
		private readonly PasswordHistory $history,
		private readonly UserFactory $userFactory
	) {
	}

	/** @inheritDoc */
	public function getAuthenticationRequests( $action, array $options ) {
		return [];
	}

	/** @inheritDoc */
	public function beginSecondaryAuthentication( $user, array $reqs ) {
		return AuthenticationResponse::newAbstain();
	}

	/** @inheritDoc */
	public function beginSecondaryAccountCreation( $user, $creator, array $reqs ) {
		$req = AuthenticationRequest::getRequestByClass( $reqs, PasswordAuthenticationRequest::class );
		if ( $req instanceof PasswordAuthenticationRequest && is_string( $req->password ) && $req->password !== '' ) {
			$this->history->record( $user, $req->password, $this->keepFor( $user ) );
		}
		return AuthenticationResponse::newAbstain();
	}

	/** @inheritDoc */
	public function providerChangeAuthenticationData( AuthenticationRequest $req ) {
		if ( get_class( $req ) !== PasswordAuthenticationRequest::class || $req->action !== AuthManager::ACTION_CHANGE
			|| !is_string( $req->password ) || $req->password === '' || !is_string( $req->username )
		) {
			return;
		}
		$user = $this->userFactory->newFromName( $req->username );
		if ( $user && $user->getId() !== 0 ) {
			$this->history->record( $user, $req->password, $this->keepFor( $user ) );
		}
	}

	/**
	 * The N of the account's effective policy (the largest of its groups'), 0 without the check.
	 */
	private function keepFor( UserIdentity $user ): int {
		$policy = $this->config->get( 'PasswordPolicy' );
		$policies = ( new UserPasswordPolicy( $policy['policies'], $policy['checks'] ) )
			->getPoliciesForUser( $this->userFactory->newFromUserIdentity( $user ) );
		$entry = $policies[PasswordHistory::CHECK] ?? 0;
		return PasswordHistory::countOf( is_array( $entry ) ? ( $entry['value'] ?? 0 ) : $entry );
	}
}
