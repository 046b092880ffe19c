<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Auth;

use MediaWiki\Auth\AbstractPreAuthenticationProvider;
use MediaWiki\Auth\AuthenticationRequest;
use MediaWiki\Auth\PasswordAuthenticationRequest;
use MediaWiki\Extension\NativePasswordPolicy\History\PasswordHistory;
use MediaWiki\User\UserNameUtils;
use StatusValue;

/**
 * Tells the password history that a login begins, before core's providers check the
 * password: the policy checks core then runs at login (User::checkPasswordValidity(), for
 * `forceChange` / `suggestChangeOnLogin`) see the account's current password, which the
 * history check must not refuse and need not look up. Never refuses anything.
 */
class LoginPasswordProvider extends AbstractPreAuthenticationProvider {

	public function __construct( private readonly PasswordHistory $history ) {
	}

	/** @inheritDoc */
	public function testForAuthentication( array $reqs ) {
		$req = AuthenticationRequest::getRequestByClass( $reqs, PasswordAuthenticationRequest::class, true );
		if ( $req instanceof PasswordAuthenticationRequest && is_string( $req->username ) && is_string( $req->password ) ) {
			// The name as core's providers canonicalise it before they check the password
			// (UserNameUtils from AuthManager's init()).
			$username = $this->userNameUtils->getCanonical( $req->username, UserNameUtils::RIGOR_USABLE );
			if ( $username !== false ) {
				$this->history->exempt( $username, $req->password );
			}
		}
		return StatusValue::newGood();
	}
}
