<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Auth;

use MediaWiki\Auth\AuthenticationRequest;
use MediaWiki\Auth\AuthManager;
use MediaWiki\Auth\TemporaryPasswordAuthenticationRequest;
use MediaWiki\Auth\TemporaryPasswordPrimaryAuthenticationProvider;
use MediaWiki\User\UserRigorOptions;
use StatusValue;
use WeakMap;

/**
 * Core's temporary password provider, with passwords made by the native module for the user
 * they are for (TemporaryPasswordGenerator) instead of core's 10 characters of [0-9a-v].
 *
 * Core draws its password before it knows the user (TemporaryPasswordAuthenticationRequest::
 * newRandom()). This provider replaces it as soon as the user is known: when the change is
 * checked (so the validity check sees the password that will be mailed), when an account
 * creation is tested, and at the latest when the password is stored, so the mail, which reads
 * the same request afterwards, always carries the stored password. Everything else (expiry,
 * resend throttle, mails and their hooks, forced change at login) is core's code.
 *
 * Registered in place of core's class by RegistrationCallback, with the generator service
 * prepended to core's own services, so the rest of core's constructor can change freely.
 */
class NativeTemporaryPasswordProvider extends TemporaryPasswordPrimaryAuthenticationProvider {

	private TemporaryPasswordGenerator $generator;

	/** @var WeakMap Request => [ canonical user name, password ] this provider put there */
	private WeakMap $issued;

	/**
	 * @param TemporaryPasswordGenerator $generator
	 * @param mixed ...$coreArguments The arguments of core's constructor
	 */
	public function __construct( TemporaryPasswordGenerator $generator, ...$coreArguments ) {
		parent::__construct( ...$coreArguments );
		$this->generator = $generator;
		$this->issued = new WeakMap();
	}

	/**
	 * @inheritDoc
	 */
	public function providerAllowsAuthenticationDataChange( AuthenticationRequest $req, $checkData = true ) {
		if ( self::setsPassword( $req ) && !$this->generator->isAvailable() ) {
			return StatusValue::newFatal( 'nativepasswordpolicy-module-unavailable' );
		}
		if ( $checkData ) {
			$this->issuePassword( $req, $req->username );
		}
		return parent::providerAllowsAuthenticationDataChange( $req, $checkData );
	}

	/**
	 * @inheritDoc
	 */
	public function testForAccountCreation( $user, $creator, array $reqs ) {
		$req = AuthenticationRequest::getRequestByClass( $reqs, TemporaryPasswordAuthenticationRequest::class );
		if ( $req && self::setsPassword( $req ) && !$this->generator->isAvailable() ) {
			return StatusValue::newFatal( 'nativepasswordpolicy-module-unavailable' );
		}
		if ( $req ) {
			$this->issuePassword( $req, $user->getName() );
		}
		return parent::testForAccountCreation( $user, $creator, $reqs );
	}

	/**
	 * @inheritDoc
	 */
	public function providerChangeAuthenticationData( AuthenticationRequest $req ) {
		$this->issuePassword( $req, $req->username );
		parent::providerChangeAuthenticationData( $req );
	}

	/**
	 * Puts a password made for the user in a request that sets a temporary password, unless
	 * this provider already did so for this request and user.
	 *
	 * @param AuthenticationRequest $req
	 * @param string|null $username
	 */
	private function issuePassword( AuthenticationRequest $req, ?string $username ): void {
		if ( !self::setsPassword( $req ) || $username === null ) {
			return;
		}
		$username = $this->userNameUtils->getCanonical( $username, UserRigorOptions::RIGOR_USABLE );
		if ( $username === false ) {
			return;
		}
		if ( ( $this->issued[$req] ?? null ) === [ $username, $req->password ] ) {
			return;
		}
		$req->password = $this->generator->generateFor( $username );
		$this->issued[$req] = [ $username, $req->password ];
	}

	/**
	 * Whether the request sets a temporary password (core's own class only: a subclass is
	 * another provider's business).
	 */
	private static function setsPassword( AuthenticationRequest $req ): bool {
		return get_class( $req ) === TemporaryPasswordAuthenticationRequest::class
			&& $req->password !== null
			&& $req->action !== AuthManager::ACTION_REMOVE;
	}
}
