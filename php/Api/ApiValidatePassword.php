<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Api;

use MediaWiki\Api\ApiBase;
use MediaWiki\Api\ApiMain;
use MediaWiki\Auth\AuthManager;
use MediaWiki\Extension\NativePasswordPolicy\Setup\ModuleStatus;
use MediaWiki\ParamValidator\TypeDef\UserDef;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserRigorOptions;
use Wikimedia\ParamValidator\ParamValidator;

/**
 * action=validatepassword, a drop-in for core's module: same parameters, rights, errors and
 * answer, from core's own validity check (User::checkPasswordValidity(), which evaluates the
 * user's policy natively in one call through the extension's checks), and a translated refusal
 * while the module is missing.
 */
class ApiValidatePassword extends ApiBase {

	/**
	 * @param ApiMain $mainModule
	 * @param string $moduleName
	 * @param AuthManager $authManager
	 * @param UserFactory $userFactory
	 * @param ModuleStatus $moduleStatus
	 */
	public function __construct(
		ApiMain $mainModule,
		string $moduleName,
		private readonly AuthManager $authManager,
		private readonly UserFactory $userFactory,
		private readonly ModuleStatus $moduleStatus
	) {
		parent::__construct( $mainModule, $moduleName );
	}

	/** @inheritDoc */
	public function execute() {
		$params = $this->extractRequestParams();

		$this->requirePostedParameters( [ 'password' ] );
		if ( $this->moduleStatus->refusesPasswordOperations() ) {
			$this->dieWithError( 'nativepasswordpolicy-module-unavailable', 'nativepasswordpolicy-unavailable' );
		}

		if ( $params['user'] !== null ) {
			// An account about to be created: the name must be free.
			$user = $this->userFactory->newFromName( $params['user'], UserRigorOptions::RIGOR_CREATABLE );
			if ( !$user ) {
				$encParamName = $this->encodeParamName( 'user' );
				$this->dieWithError(
					[ 'apierror-baduser', $encParamName, wfEscapeWikiText( $params['user'] ) ],
					"baduser_{$encParamName}"
				);
			}
			if ( $user->isRegistered() || $this->authManager->userExists( $user->getName() ) ) {
				$this->dieWithError( 'userexists' );
			}
			$user->setEmail( (string)$params['email'] );
			$user->setRealName( (string)$params['realname'] );
		} else {
			$user = $this->getUser();
		}

		$validity = $user->checkPasswordValidity( $params['password'] );
		$result = [
			'validity' => $validity->isGood() ? 'Good' : ( $validity->isOK() ? 'Change' : 'Invalid' ),
		];
		$messages = array_merge(
			$this->getErrorFormatter()->arrayFromStatus( $validity, 'error' ),
			$this->getErrorFormatter()->arrayFromStatus( $validity, 'warning' )
		);
		if ( $messages ) {
			$result['validitymessages'] = $messages;
		}

		$this->getHookRunner()->onApiValidatePassword( $this, $result );

		$this->getResult()->addValue( null, $this->getModuleName(), $result );
	}

	/** @inheritDoc */
	public function mustBePosted() {
		return true;
	}

	/** @inheritDoc */
	public function getAllowedParams() {
		return [
			'password' => [
				ParamValidator::PARAM_TYPE => 'password',
				ParamValidator::PARAM_REQUIRED => true,
			],
			'user' => [
				ParamValidator::PARAM_TYPE => 'user',
				UserDef::PARAM_ALLOWED_USER_TYPES => [ 'name', 'id' ],
			],
			'email' => null,
			'realname' => null,
		];
	}

	/** @inheritDoc */
	protected function getExamplesMessages() {
		return [
			'action=validatepassword&password=foobar'
				=> 'apihelp-validatepassword-example-1',
			'action=validatepassword&password=querty&user=Example'
				=> 'apihelp-validatepassword-example-2',
		];
	}

	/** @inheritDoc */
	public function getHelpUrls() {
		return 'https://www.mediawiki.org/wiki/Special:MyLanguage/API:Validatepassword';
	}
}
