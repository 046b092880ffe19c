<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Hooks;

use MediaWiki\Extension\NativePasswordPolicy\Reset\QueuedPasswordReset;
use MediaWiki\Hook\MediaWikiServicesHook;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MediaWikiServices;
use MediaWiki\User\PasswordReset;
use Throwable;

/**
 * Makes core's PasswordReset service queue its resets (QueuedPasswordReset), so that every way
 * of asking for a reset takes the queued path.
 *
 * A service manipulator rather than a service of our own: core's wiring builds the instance
 * with the arguments its release's constructor takes, and adopt() takes it over. A service some
 * other code put in place (another class) is left alone; Special:Version reports it
 * (ResetDeployment).
 */
class ServicesHandler implements MediaWikiServicesHook {

	/**
	 * @inheritDoc
	 * @param MediaWikiServices $services
	 */
	public function onMediaWikiServices( $services ) {
		// The container is not ready yet: only register what runs when the service is made.
		$services->addServiceManipulator( 'PasswordReset', [ self::class, 'queueResets' ] );
	}

	/**
	 * @param PasswordReset $reset The instance core's wiring made
	 * @param MediaWikiServices $services
	 * @return PasswordReset|null Its queued replacement, or null to keep it
	 */
	public static function queueResets( PasswordReset $reset, MediaWikiServices $services ): ?PasswordReset {
		// Already ours (the manipulator is registered again for each new container), or
		// another class of some other code's.
		if ( !QueuedPasswordReset::isCoreInstance( $reset ) ) {
			return null;
		}
		try {
			return QueuedPasswordReset::adopt(
				$reset,
				$services->get( 'NativePasswordPolicy.ResetRequestChecks' ),
				$services->getJobQueueGroup(),
				$services->get( 'NativePasswordPolicy.ResetAccountLocks' ),
				$services->get( 'NativePasswordPolicy.ResetAttemptCounter' ),
				$services->get( 'NativePasswordPolicy.EngineProvider' ),
				$services->get( 'NativePasswordPolicy.ResetDeployment' ),
				LoggerFactory::getInstance( 'NativePasswordPolicy' )
			);
		} catch ( Throwable $e ) {
			// A release whose PasswordReset cannot be taken over: core's stays, and
			// Special:Version says that resets do not take the queued path.
			LoggerFactory::getInstance( 'NativePasswordPolicy' )->error(
				'Core\'s PasswordReset could not be made to queue resets: {exception}',
				[ 'exception' => $e ]
			);
			return null;
		}
	}
}
