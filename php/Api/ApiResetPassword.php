<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Api;

use MediaWiki\Api\ApiBase;
use MediaWiki\Api\ApiMain;
use MediaWiki\Extension\NativePasswordPolicy\Setup\ModuleStatus;
use MediaWiki\MainConfigNames;
use MediaWiki\ParamValidator\TypeDef\UserDef;
use MediaWiki\Parser\Sanitizer;
use MediaWiki\Status\Status;
use MediaWiki\User\PasswordReset;
use Wikimedia\ParamValidator\ParamValidator;

/**
 * action=resetpassword, a drop-in for core's module: like core's, it asks the PasswordReset
 * service, which queues the reset (QueuedPasswordReset), so the answer is the same, and takes
 * the same time, for an unknown user or address, an account without an address, a throttled
 * account and a real reset.
 *
 * Parameters, rights, token and errors are core's, except for malformed requests, answered as
 * the API documentation describes: `user` and `email` together → invalidparammix, neither →
 * missingparam, a malformed address → passwordreset-invalidemail (core 1.39 picks the username,
 * answers passwordreset-nodata, and answers success, respectively).
 */
class ApiResetPassword extends ApiBase {

	/**
	 * @param ApiMain $main
	 * @param string $action
	 * @param PasswordReset $passwordReset
	 * @param ModuleStatus $moduleStatus
	 */
	public function __construct(
		ApiMain $main,
		string $action,
		private readonly PasswordReset $passwordReset,
		private readonly ModuleStatus $moduleStatus
	) {
		parent::__construct( $main, $action );
	}

	/** @inheritDoc */
	protected function getExtendedDescription() {
		if ( !$this->hasAnyRoutes() ) {
			return 'apihelp-resetpassword-extended-description-noroutes';
		}
		return 'apihelp-nativepasswordpolicy-resetpassword-extended-description';
	}

	/** @inheritDoc */
	public function execute() {
		if ( !$this->hasAnyRoutes() ) {
			$this->dieWithError( 'apihelp-resetpassword-description-noroutes', 'moduledisabled' );
		}

		$params = $this->extractRequestParams() + [
			// The parameter of a disabled route is not defined
			'user' => null,
			'email' => null,
		];

		$status = $this->passwordReset->isAllowed( $this->getUser() );
		if ( !$status->isOK() ) {
			$this->dieStatus( Status::wrap( $status ) );
		}

		// The documented answers to malformed requests.
		$this->requireOnlyOneParameter( $params, ...array_keys( $this->getAllowedParams() ) );
		if ( $params['email'] && !Sanitizer::validateEmail( $params['email'] ) ) {
			// Core's own message where core gives this answer itself (1.42 and later), so that
			// the answer is core's; the extension's before.
			$this->dieWithError( $this->msg( 'passwordreset-invalidemail' )->inLanguage( 'en' )->exists()
				? 'passwordreset-invalidemail' : 'apierror-passwordreset-invalidemail' );
		}

		// The same answer for every target: it tells nothing about accounts.
		if ( $this->moduleStatus->refusesPasswordOperations() ) {
			$this->dieWithError( 'nativepasswordpolicy-module-unavailable', 'nativepasswordpolicy-unavailable' );
		}

		$status = $this->passwordReset->execute( $this->getUser(), $params['user'], $params['email'] );
		if ( !$status->isOK() ) {
			$status->value = null;
			$this->dieStatus( Status::wrap( $status ) );
		}

		$this->getResult()->addValue( [ 'resetpassword' ], 'status', 'success' );
	}

	/** @inheritDoc */
	public function isWriteMode() {
		return $this->hasAnyRoutes();
	}

	/** @inheritDoc */
	public function needsToken() {
		return $this->hasAnyRoutes() ? 'csrf' : false;
	}

	/** @inheritDoc */
	public function getAllowedParams() {
		if ( !$this->hasAnyRoutes() ) {
			return [];
		}
		$routes = $this->resetRoutes();
		$params = [];
		if ( !empty( $routes['username'] ) ) {
			$params['user'] = [
				ParamValidator::PARAM_TYPE => 'user',
				UserDef::PARAM_ALLOWED_USER_TYPES => [ 'name' ],
			];
		}
		if ( !empty( $routes['email'] ) ) {
			$params['email'] = [
				ParamValidator::PARAM_TYPE => 'string',
			];
		}
		return $params;
	}

	/** @inheritDoc */
	protected function getExamplesMessages() {
		$routes = $this->resetRoutes();
		$examples = [];
		if ( !empty( $routes['username'] ) ) {
			$examples['action=resetpassword&user=Example&token=123ABC'] = 'apihelp-resetpassword-example-user';
		}
		if ( !empty( $routes['email'] ) ) {
			$examples['action=resetpassword&user=user@example.com&token=123ABC'] =
				'apihelp-resetpassword-example-email';
		}
		return $examples;
	}

	/** @inheritDoc */
	public function getHelpUrls() {
		return 'https://www.mediawiki.org/wiki/Special:MyLanguage/API:Manage_authentication_data';
	}

	private function hasAnyRoutes(): bool {
		$routes = $this->resetRoutes();
		return !empty( $routes['username'] ) || !empty( $routes['email'] );
	}

	private function resetRoutes(): array {
		return (array)$this->getConfig()->get( MainConfigNames::PasswordResetRoutes );
	}
}
