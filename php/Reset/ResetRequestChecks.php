<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Reset;

use MediaWiki\Config\ServiceOptions;
use MediaWiki\MainConfigNames;
use MediaWiki\Parser\Sanitizer;
use MediaWiki\User\User;
use MediaWiki\User\UserNameUtils;
use Psr\Log\LoggerInterface;
use StatusValue;
use Wikimedia\ObjectCache\BagOStuff;

/**
 * What PasswordReset::execute() checks before it looks at the target, in the order and with
 * the answers of the installed release: the performer's rate limit, the performer's IP address,
 * then the data given (which route, a valid name, a valid address). None of it depends on the
 * account asked for, so its answers tell nothing about accounts.
 *
 * MediaWiki 1.42 changed these checks: before it, "" and "0" selected no route (PHP
 * truthiness) and a malformed address was answered "success"; from it, only "" selects no
 * route, and the name and the address are checked before it asks for data.
 */
class ResetRequestChecks {

	public const CONSTRUCTOR_OPTIONS = [
		MainConfigNames::PasswordResetRoutes,
	];

	/** Routes of PasswordReset::execute() */
	public const ROUTE_USERNAME = 'username';
	public const ROUTE_EMAIL = 'email';

	private bool $checksBeforeData;

	/**
	 * @param ServiceOptions $options
	 * @param UserNameUtils $userNameUtils
	 * @param BagOStuff $rateLimitStore Where core's rate limiter counts (see ResetDeployment)
	 * @param LoggerInterface $logger
	 * @param string $mediaWikiVersion The release whose checks are made (MW_VERSION)
	 */
	public function __construct(
		private readonly ServiceOptions $options,
		private readonly UserNameUtils $userNameUtils,
		private readonly BagOStuff $rateLimitStore,
		private readonly LoggerInterface $logger,
		string $mediaWikiVersion = MW_VERSION
	) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		$this->checksBeforeData = version_compare( $mediaWikiVersion, '1.42', '>=' );
	}

	/**
	 * The checks PasswordReset::execute() makes before the lookup, once it has found the
	 * performer allowed (isAllowed(), the caller's).
	 *
	 * The `mailpassword` attempt is counted here, as core counts it; a limited performer gets
	 * "success" and nothing is done. A rate limit that could not be counted (its cache failed)
	 * lets the request through, as core does, and is logged as an error.
	 *
	 * @param User $performer
	 * @param string|null $username
	 * @param string|null $email
	 * @return StatusValue Fatal when core refuses the request before the lookup; else good, with
	 *   the route the reset takes (ROUTE_USERNAME or ROUTE_EMAIL) as value, or null when core
	 *   answers "success" without a reset (rate limit; on 1.39 a malformed address)
	 */
	public function check( User $performer, ?string $username, ?string $email ): StatusValue {
		$watchPoint = $this->rateLimitStore->watchErrors();
		$limited = $performer->pingLimiter( 'mailpassword' );
		if ( $this->rateLimitStore->getLastError( $watchPoint ) !== BagOStuff::ERR_NONE ) {
			$this->logger->error(
				'The mailpassword rate limit of a password reset could not be counted: its cache ({cache}) '
					. 'failed. The reset is accepted, as MediaWiki does, until the cache is back.',
				[ 'cache' => get_class( $this->rateLimitStore ) ]
			);
		}
		if ( $limited ) {
			return StatusValue::newGood();
		}
		if ( !$performer->getRequest()->getIP() ) {
			return StatusValue::newFatal( 'badipaddress' );
		}
		$route = $this->route( $username, $email );
		if ( $this->checksBeforeData ) {
			$username = $this->given( self::ROUTE_USERNAME, $username );
			$email = $this->given( self::ROUTE_EMAIL, $email );
			if ( $username !== null && !$this->userNameUtils->getCanonical( $username ) ) {
				return StatusValue::newFatal( 'noname' );
			}
			if ( $email !== null && !Sanitizer::validateEmail( $email ) ) {
				return StatusValue::newFatal( 'passwordreset-invalidemail' );
			}
			return $route === null ? StatusValue::newFatal( 'passwordreset-nodata' ) : StatusValue::newGood( $route );
		}
		if ( $route === null ) {
			return StatusValue::newFatal( 'passwordreset-nodata' );
		}
		if ( $route === self::ROUTE_EMAIL && !Sanitizer::validateEmail( (string)$email ) ) {
			// 1.39: "pretend everything's fine".
			return StatusValue::newGood();
		}
		if ( $route === self::ROUTE_USERNAME && !$this->userNameUtils->getCanonical( (string)$username ) ) {
			return StatusValue::newFatal( 'noname' );
		}
		return StatusValue::newGood( $route );
	}

	/**
	 * The route PasswordReset::execute() takes for these data, or null when it has none (a
	 * name wins over an address when both are given). Depends on the data and the settings
	 * only: the job that runs the reset finds the same route again.
	 */
	public function route( ?string $username, ?string $email ): ?string {
		if ( $this->given( self::ROUTE_USERNAME, $username ) !== null ) {
			return self::ROUTE_USERNAME;
		}
		return $this->given( self::ROUTE_EMAIL, $email ) !== null ? self::ROUTE_EMAIL : null;
	}

	/**
	 * The value of a route as PasswordReset::execute() uses it: null when the route is off or
	 * the value selects nothing ("" from 1.42; "", "0" and null before).
	 */
	private function given( string $route, ?string $value ): ?string {
		$routes = $this->options->get( MainConfigNames::PasswordResetRoutes ) + [ $route => false ];
		if ( !$routes[$route] || $value === null ) {
			return null;
		}
		if ( $this->checksBeforeData ) {
			return $value === '' ? null : $value;
		}
		return $value ? $value : null;
	}
}
