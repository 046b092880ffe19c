<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Reset;

use JobQueueError;
use JobQueueGroup;
use LogicException;
use MediaWiki\Context\RequestContext;
use MediaWiki\Deferred\DeferredUpdates;
use MediaWiki\Extension\NativePasswordPolicy\Policy\EngineProvider;
use MediaWiki\Request\FauxRequest;
use MediaWiki\User\PasswordReset;
use MediaWiki\User\User;
use Psr\Log\LoggerInterface;
use ReflectionClass;
use StatusValue;
use Throwable;

/**
 * Core's PasswordReset service, whose execute() queues the reset instead of doing it: every
 * way of asking for a reset (action=resetpassword, core's or the extension's, and
 * Special:PasswordReset) calls execute(), so every one takes this path.
 *
 * The request makes the checks core makes before it looks at the target (ResetRequestChecks:
 * rights, rate limit, IP address, the data given) and pushes the same job for every target
 * (PasswordResetJob: who asked, from where, the name or address as given). The same answer
 * and the same work, whatever account is asked for: neither tells whether it exists. The job
 * runs core's own execute() (runQueued()): lookup, hooks, throttle, temporary password, mail.
 * What core would have reported after the lookup (a hook's veto, a provider's refusal) cannot
 * reach the requester any more; it is logged.
 *
 * PasswordReset's constructor differs between releases (1.39 takes a load balancer, 1.43 a
 * user identity lookup), so this class is never constructed: adopt() turns core's own
 * instance, built by core's wiring, into one (ServicesHandler, a service manipulator).
 */
class QueuedPasswordReset extends PasswordReset {

	private ResetRequestChecks $checks;
	private JobQueueGroup $jobQueueGroup;
	private ResetAccountLocks $locks;
	private ResetAttemptCounter $attemptCounter;
	private EngineProvider $engines;
	private ResetDeployment $deployment;
	private LoggerInterface $resetLogger;

	/**
	 * A QueuedPasswordReset holding the state of core's instance: every property PasswordReset
	 * declares (its configuration, services, hook runner, logger, cache) is copied, so that
	 * core's methods (isAllowed(), isEnabled(), the execute() the job runs) work as on core's
	 * instance, whatever the release's constructor made of its arguments.
	 *
	 * @param PasswordReset $core Core's instance, of core's class exactly
	 * @param ResetRequestChecks $checks
	 * @param JobQueueGroup $jobQueueGroup
	 * @param ResetAccountLocks $locks
	 * @param ResetAttemptCounter $attemptCounter
	 * @param EngineProvider $engines Whether password operations are refused (module missing)
	 * @param ResetDeployment $deployment
	 * @param LoggerInterface $logger
	 * @return self
	 */
	public static function adopt(
		PasswordReset $core,
		ResetRequestChecks $checks,
		JobQueueGroup $jobQueueGroup,
		ResetAccountLocks $locks,
		ResetAttemptCounter $attemptCounter,
		EngineProvider $engines,
		ResetDeployment $deployment,
		LoggerInterface $logger
	): self {
		if ( !self::isCoreInstance( $core ) ) {
			throw new LogicException( 'Only an instance of core\'s PasswordReset can be adopted, not ' . get_class( $core ) );
		}
		$instance = ( new ReflectionClass( self::class ) )->newInstanceWithoutConstructor();
		foreach ( ( new ReflectionClass( PasswordReset::class ) )->getProperties() as $property ) {
			if ( !$property->isStatic() && $property->isInitialized( $core ) ) {
				$property->setValue( $instance, $property->getValue( $core ) );
			}
		}
		$instance->checks = $checks;
		$instance->jobQueueGroup = $jobQueueGroup;
		$instance->locks = $locks;
		$instance->attemptCounter = $attemptCounter;
		$instance->engines = $engines;
		$instance->deployment = $deployment;
		$instance->resetLogger = $logger;
		return $instance;
	}

	/**
	 * Whether an object is of core's PasswordReset class itself (not a subclass), by the name
	 * the release declares it under (1.39's has no namespace: PasswordReset::class is an alias).
	 */
	public static function isCoreInstance( object $reset ): bool {
		return get_class( $reset ) === ( new ReflectionClass( PasswordReset::class ) )->getName();
	}

	/**
	 * Queues a password reset, after the checks core makes before it looks at the target.
	 *
	 * @param User $performingUser Must pass isAllowed() (the caller checks it)
	 * @param string|null $username
	 * @param string|null $email
	 * @return StatusValue Good when queued (or when core answers "success" without a reset);
	 *   fatal for a request no target could make succeed, or when the queue refused the job
	 */
	public function execute( User $performingUser, $username = null, $email = null ) {
		if ( !$this->isAllowed( $performingUser )->isGood() ) {
			throw new LogicException( 'User ' . $performingUser->getName() . ' is not allowed to reset passwords' );
		}
		$this->deployment->logProblems( $this->resetLogger );
		if ( $this->engines->refuses() ) {
			// The same for every target; the reset could not make a temporary password anyway.
			return StatusValue::newFatal( 'nativepasswordpolicy-module-unavailable' );
		}
		$username = $username === null ? null : (string)$username;
		$email = $email === null ? null : (string)$email;
		$status = $this->checks->check( $performingUser, $username, $email );
		if ( !$status->isOK() || $status->getValue() === null ) {
			$status->setResult( $status->isOK(), null );
			return $status;
		}
		$ip = (string)$performingUser->getRequest()->getIP();
		try {
			$this->jobQueueGroup->push( PasswordResetJob::newFor( $performingUser, $ip, $username, $email ) );
		} catch ( JobQueueError $e ) {
			// The queue's state does not depend on the target: saying so tells nothing.
			$this->resetLogger->error(
				'A password reset requested by {performer} could not be queued, and was refused: {exception}',
				[ 'performer' => $performingUser->getName(), 'exception' => $e ]
			);
			return StatusValue::newFatal( 'nativepasswordpolicy-reset-unavailable' );
		}
		return StatusValue::newGood();
	}

	/**
	 * The reset itself, as core does it, for the job: PasswordReset::execute() as the
	 * performer, from the performer's IP address (which core's hook User::mailPasswordInternal
	 * and the reset mail show), with the accounts it may touch locked.
	 *
	 * The main request context holds the performer and a request from its address while the
	 * reset and the updates it defers (its mail) run; the context is restored and the locks
	 * released by an update queued after those.
	 *
	 * @param User $performer
	 * @param string $ip The performer's IP address when the reset was requested
	 * @param string|null $username
	 * @param string|null $email
	 * @return StatusValue What core's execute() returned (fatal when it threw)
	 */
	public function runQueued( User $performer, string $ip, ?string $username, ?string $email ): StatusValue {
		$context = RequestContext::getMain();
		$saved = [ $context->getRequest(), $context->getUser() ];
		$request = new FauxRequest( [], true );
		$request->setIP( $ip );
		$context->setRequest( $request );
		$context->setUser( $performer );
		$route = $this->checks->route( $username, $email );
		$held = [];
		try {
			$held = $this->locks->acquire(
				$route === ResetRequestChecks::ROUTE_USERNAME ? $username : null,
				$route === ResetRequestChecks::ROUTE_EMAIL ? $email : null
			);
			// Counted when it was requested: the rate limit check of execute() passes uncounted.
			$this->attemptCounter->startReset( $performer );
			$status = parent::execute( $performer, $username, $email );
			if ( !$status->isGood() ) {
				$this->resetLogger->info(
					'Password reset requested by {performer} was not done: {errors}',
					[ 'performer' => $performer->getName(), 'errors' => $status->getErrors() ]
				);
			}
		} catch ( Throwable $e ) {
			$this->resetLogger->error(
				'Password reset requested by {performer} failed: {exception}',
				[ 'performer' => $performer->getName(), 'exception' => $e ]
			);
			$status = StatusValue::newFatal( 'internalerror' );
		} finally {
			$this->attemptCounter->endReset();
			DeferredUpdates::addCallableUpdate( function () use ( $held, $context, $saved ) {
				$this->locks->release( $held );
				[ $request, $user ] = $saved;
				$context->setRequest( $request );
				$context->setUser( $user );
			}, DeferredUpdates::POSTSEND );
		}
		return $status;
	}
}
