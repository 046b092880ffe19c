<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Reset;

use GenericParameterJob;
use Job;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MediaWikiServices;
use MediaWiki\User\User;

/**
 * A password reset queued by QueuedPasswordReset::execute(), run by a job runner: the lookup,
 * the hooks, the resend throttle, the temporary password and the mail, as core does them.
 *
 * Every request pushes a job of the same shape, whatever it asks for: who asked (performerId,
 * performerName), from where (performerIp), and the name and the address as given (username,
 * email, either may be null). Never a password or a token.
 */
class PasswordResetJob extends Job implements GenericParameterJob {

	public const TYPE = 'nativePasswordPolicyReset';

	/**
	 * @param array $params See the class comment
	 */
	public function __construct( array $params ) {
		parent::__construct( self::TYPE, $params );
		// Each request is a reset of its own (and counts as one against the rate limit).
		$this->removeDuplicates = false;
	}

	/**
	 * The job of a request.
	 *
	 * @param User $performer Who asks
	 * @param string $ip The performer's IP address
	 * @param string|null $username
	 * @param string|null $email
	 */
	public static function newFor( User $performer, string $ip, ?string $username, ?string $email ): self {
		return new self( [
			'performerId' => $performer->getId(),
			'performerName' => $performer->getName(),
			'performerIp' => $ip,
			'username' => $username,
			'email' => $email,
		] );
	}

	/**
	 * @return bool False only when the reset could not be run at all (logged); a reset core
	 *   did not do (throttled, vetoed, unknown account) is a job done
	 */
	public function run() {
		$services = MediaWikiServices::getInstance();
		$reset = $services->getPasswordReset();
		if ( !$reset instanceof QueuedPasswordReset ) {
			$this->setLastError( 'The PasswordReset service is ' . get_class( $reset ) . ', not the extension\'s' );
			LoggerFactory::getInstance( 'NativePasswordPolicy' )->error(
				'A queued password reset was not run: the PasswordReset service is {class}, not the extension\'s',
				[ 'class' => get_class( $reset ) ]
			);
			return false;
		}
		$userFactory = $services->getUserFactory();
		$performer = $this->params['performerId'] > 0
			? $userFactory->newFromId( (int)$this->params['performerId'] )
			: $userFactory->newAnonymous( (string)$this->params['performerIp'] );
		$reset->runQueued(
			$performer,
			(string)$this->params['performerIp'],
			$this->params['username'],
			$this->params['email']
		);
		return true;
	}

	/**
	 * Run once: a reset run again after it got part of the way (its mail sent) would mail
	 * another temporary password, unless the resend throttle stops it.
	 */
	public function allowRetries() {
		return false;
	}

	/**
	 * What job runners log: the type, the performer and the route, not the address or name
	 * asked for (the account may not exist: no need to keep what someone typed).
	 */
	public function toString() {
		$route = $this->params['username'] !== null ? 'by name' : ( $this->params['email'] !== null ? 'by address' : 'without data' );
		return self::TYPE . " requested by {$this->params['performerName']} ($route)";
	}
}
