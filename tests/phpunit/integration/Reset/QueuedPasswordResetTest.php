<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration\Reset;

use JobQueueError;
use JobQueueGroup;
use LogicException;
use MediaWiki\Context\RequestContext;
use MediaWiki\Deferred\DeferredUpdates;
use MediaWiki\Extension\NativePasswordPolicy\Hooks\ServicesHandler;
use MediaWiki\Extension\NativePasswordPolicy\Reset\PasswordResetJob;
use MediaWiki\Extension\NativePasswordPolicy\Reset\QueuedPasswordReset;
use MediaWiki\Extension\NativePasswordPolicy\Reset\ResetAccountLocks;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MainConfigNames;
use MediaWiki\Request\FauxRequest;
use MediaWiki\User\PasswordReset;
use MediaWiki\User\User;
use MediaWikiIntegrationTestCase;
use Psr\Log\LoggerInterface;
use Psr\Log\NullLogger;
use ReflectionClass;
use ReflectionNamedType;
use TestLogger;

/**
 * The PasswordReset service of a wiki with the extension: core's instance taken over by the
 * service manipulator, queuing one job of the same shape for every request, and the job doing
 * core's reset as the performer.
 *
 * @group Database
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Reset\QueuedPasswordReset
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Reset\PasswordResetJob
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Reset\ResetAccountLocks
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Hooks\ServicesHandler
 */
class QueuedPasswordResetTest extends MediaWikiIntegrationTestCase {

	/** @var array[] Mail sent: to, body */
	private array $mails = [];

	protected function setUp(): void {
		parent::setUp();
		$this->overrideConfigValues( [
			MainConfigNames::EnableEmail => true,
			MainConfigNames::PasswordResetRoutes => [ 'username' => true, 'email' => true ],
			MainConfigNames::PasswordReminderResendTime => 0,
			MainConfigNames::RateLimits => [ 'mailpassword' => [] ],
		] );
		$this->setTemporaryHook( 'AlternateUserMailer', function ( $headers, $to, $from, $subject, $body ) {
			$this->mails[] = [ 'to' => $to[0]->address, 'body' => is_array( $body ) ? $body['text'] : $body ];
			return false;
		} );
	}

	private function service(): QueuedPasswordReset {
		$service = $this->getServiceContainer()->getPasswordReset();
		$this->assertInstanceOf( QueuedPasswordReset::class, $service );
		return $service;
	}

	/**
	 * An instance of core's class built as core's wiring builds it, whatever the release's
	 * constructor takes: each argument found by its type.
	 */
	private function coreInstance(): PasswordReset {
		$services = $this->getServiceContainer();
		$byType = [
			'MediaWiki\\Config\\ServiceOptions' => new \MediaWiki\Config\ServiceOptions(
				PasswordReset::CONSTRUCTOR_OPTIONS, $services->getMainConfig()
			),
			LoggerInterface::class => new NullLogger(),
			'MediaWiki\\Auth\\AuthManager' => $services->getAuthManager(),
			'MediaWiki\\HookContainer\\HookContainer' => $services->getHookContainer(),
			'Wikimedia\\Rdbms\\ILoadBalancer' => $services->getDBLoadBalancer(),
			'MediaWiki\\User\\UserIdentityLookup' => $services->getUserIdentityLookup(),
			'MediaWiki\\User\\UserFactory' => $services->getUserFactory(),
			'MediaWiki\\User\\UserNameUtils' => $services->getUserNameUtils(),
			'MediaWiki\\User\\Options\\UserOptionsLookup' => $services->getUserOptionsLookup(),
			'MediaWiki\\User\\UserOptionsLookup' => $services->getUserOptionsLookup(),
		];
		$class = new ReflectionClass( PasswordReset::class );
		$arguments = [];
		foreach ( $class->getConstructor()->getParameters() as $parameter ) {
			$type = $parameter->getType();
			$this->assertInstanceOf( ReflectionNamedType::class, $type, $parameter->getName() );
			$name = ( new ReflectionClass( $type->getName() ) )->getName();
			$match = null;
			foreach ( $byType as $typeName => $value ) {
				if ( class_exists( $typeName ) || interface_exists( $typeName ) ) {
					if ( ( new ReflectionClass( $typeName ) )->getName() === $name ) {
						$match = $value;
					}
				}
			}
			$this->assertNotNull( $match, "an argument for \${$parameter->getName()} of type $name" );
			$arguments[] = $match;
		}
		return $class->newInstanceArgs( $arguments );
	}

	private function adopt(
		PasswordReset $core, ?JobQueueGroup $jobs = null, ?LoggerInterface $logger = null, ?ResetAccountLocks $locks = null
	): QueuedPasswordReset {
		$services = $this->getServiceContainer();
		return QueuedPasswordReset::adopt(
			$core,
			$services->get( 'NativePasswordPolicy.ResetRequestChecks' ),
			$jobs ?? $services->getJobQueueGroup(),
			$locks ?? $services->get( 'NativePasswordPolicy.ResetAccountLocks' ),
			$services->get( 'NativePasswordPolicy.ResetAttemptCounter' ),
			$services->get( 'NativePasswordPolicy.EngineProvider' ),
			$services->get( 'NativePasswordPolicy.ResetDeployment' ),
			$logger ?? new NullLogger()
		);
	}

	private function anonymous( string $ip = '127.0.0.1' ): User {
		return $this->getServiceContainer()->getUserFactory()->newAnonymous( $ip );
	}

	private function userWithAddress(): User {
		$user = $this->getMutableTestUser()->getUser();
		$user->setEmail( 'queued-' . $user->getId() . '-' . bin2hex( random_bytes( 4 ) ) . '@example.org' );
		$user->confirmEmail();
		$user->saveSettings();
		return $user;
	}

	/** @return array[] Params of the reset jobs queued, in order (taken off the queue) */
	private function takeQueuedJobs(): array {
		$queue = $this->getServiceContainer()->getJobQueueGroup()->get( PasswordResetJob::TYPE );
		$params = [];
		while ( ( $job = $queue->pop() ) !== false ) {
			$params[] = $job->getParams();
			$queue->ack( $job );
		}
		return $params;
	}

	public function testTheServiceIsCoresInstanceTakenOver(): void {
		$service = $this->service();
		$this->assertTrue( $service->isAllowed( $this->anonymous() )->isGood() );

		// Every property core's class declares holds what core's constructor put there.
		$core = $this->coreInstance();
		$adopted = $this->adopt( $core );
		$properties = ( new ReflectionClass( PasswordReset::class ) )->getProperties();
		$this->assertNotEmpty( $properties );
		foreach ( $properties as $property ) {
			if ( !$property->isStatic() ) {
				$this->assertSame( $property->getValue( $core ), $property->getValue( $adopted ), $property->getName() );
			}
		}
	}

	public function testOnlyCoresOwnClassIsTakenOver(): void {
		$services = $this->getServiceContainer();
		$other = $this->getMockBuilder( PasswordReset::class )->disableOriginalConstructor()->getMock();
		$this->assertNull( ServicesHandler::queueResets( $other, $services ), 'another class is left alone' );
		$this->assertNull( ServicesHandler::queueResets( $this->service(), $services ), 'ours is not taken over twice' );
		$this->assertInstanceOf( QueuedPasswordReset::class, ServicesHandler::queueResets( $this->coreInstance(), $services ) );
		$this->expectException( LogicException::class );
		$this->adopt( $other );
	}

	public function testEveryTargetQueuesTheSameJobAndNothingIsLookedUp(): void {
		$looked = 0;
		$this->setTemporaryHook( 'SpecialPasswordResetOnSubmit', static function () use ( &$looked ) {
			$looked++;
		} );
		$real = $this->userWithAddress();
		$withoutAddress = $this->getMutableTestUser()->getUser();
		$targets = [
			'real by name' => [ $real->getName(), null ],
			'real by address' => [ null, $real->getEmail() ],
			'no address' => [ $withoutAddress->getName(), null ],
			'unknown name' => [ 'Nobody by that name', null ],
			'unknown address' => [ null, 'nobody@example.org' ],
		];
		$performer = $this->anonymous();
		foreach ( $targets as $label => [ $username, $email ] ) {
			$this->assertStatusGood( $this->service()->execute( $performer, $username, $email ), $label );
		}
		DeferredUpdates::doUpdates();
		$this->assertSame( 0, $looked, 'no lookup in the request' );
		$this->assertSame( [], $this->mails, 'no mail before the job runs' );

		$jobs = $this->takeQueuedJobs();
		$this->assertCount( count( $targets ), $jobs );
		foreach ( array_values( $targets ) as $i => [ $username, $email ] ) {
			$params = $jobs[$i];
			unset( $params['requestId'] );
			$this->assertSame( [
				'performerId' => 0,
				'performerName' => '127.0.0.1',
				'performerIp' => '127.0.0.1',
				'username' => $username,
				'email' => $email,
			], $params );
		}
	}

	public function testTheJobResetsAsThePerformerFromItsAddress(): void {
		$user = $this->userWithAddress();
		$mailedFrom = null;
		$this->setTemporaryHook( 'User::mailPasswordInternal', static function ( $performer, $ip, $target ) use ( &$mailedFrom ) {
			$mailedFrom = [ $performer->getName(), $ip, $target->getName() ];
		} );
		$request = new FauxRequest( [], true );
		$request->setIP( '203.0.113.5' );
		RequestContext::getMain()->setRequest( $request );
		$this->assertStatusGood( $this->service()->execute( $this->anonymous( '203.0.113.5' ), $user->getName() ) );

		// The job runs in another process, whose request comes from elsewhere.
		$runner = new FauxRequest();
		$runner->setIP( '127.0.0.1' );
		RequestContext::getMain()->setRequest( $runner );
		$this->runJobs();

		$this->assertSame( [ '203.0.113.5', '203.0.113.5', $user->getName() ], $mailedFrom );
		$this->assertCount( 1, $this->mails );
		$this->assertSame( $user->getEmail(), $this->mails[0]['to'] );
		$this->assertStringContainsString( 'from IP address 203.0.113.5', $this->mails[0]['body'] );
		$this->assertSame( $runner, RequestContext::getMain()->getRequest(), 'the context is restored' );
	}

	public function testARegisteredPerformerIsNamedInTheMail(): void {
		$user = $this->userWithAddress();
		$performer = $this->getTestSysop()->getUser();
		$this->assertStatusGood( $this->service()->execute( $performer, $user->getName() ) );
		[ $params ] = $this->takeQueuedJobs();
		$this->assertSame( [ $performer->getId(), $performer->getName() ], [ $params['performerId'], $params['performerName'] ] );

		$this->assertStatusGood( $this->service()->execute( $performer, $user->getName() ) );
		$this->runJobs();
		$this->assertCount( 1, $this->mails );
		$this->assertStringContainsString( $performer->getName(), $this->mails[0]['body'] );
	}

	public function testRefusalsAfterTheLookupAreLogged(): void {
		$logger = new TestLogger( true );
		$this->setLogger( 'NativePasswordPolicy', $logger );
		$this->setTemporaryHook( 'SpecialPasswordResetOnSubmit', static function ( &$users, $data, &$error ) {
			$error = 'captcha-veto';
			return false;
		} );
		$user = $this->userWithAddress();
		$reset = $this->adopt( $this->coreInstance(), null, LoggerFactory::getInstance( 'NativePasswordPolicy' ) );
		$status = $reset->runQueued( $this->anonymous(), '127.0.0.1', $user->getName(), null );
		DeferredUpdates::doUpdates();
		$this->assertStatusError( 'captcha-veto', $status );
		$this->assertSame( [], $this->mails );
		$logged = array_column( $logger->getBuffer(), 1 );
		$this->assertContains( 'Password reset requested by {performer} was not done: {errors}', $logged );
	}

	public function testAQueueThatRefusesTheJobGivesOneAnswerForEveryTarget(): void {
		$logger = new TestLogger( true );
		$jobs = $this->createMock( JobQueueGroup::class );
		$jobs->method( 'push' )->willThrowException( new JobQueueError( 'Redis server went away' ) );
		$reset = $this->adopt( $this->coreInstance(), $jobs, $logger );
		$real = $this->userWithAddress();
		foreach ( [ [ $real->getName(), null ], [ 'Nobody by that name', null ], [ null, 'nobody@example.org' ] ] as [ $username, $email ] ) {
			$this->assertStatusError( 'nativepasswordpolicy-reset-unavailable', $reset->execute( $this->anonymous(), $username, $email ) );
		}
		$errors = array_values( array_filter( $logger->getBuffer(), static fn ( $entry ) => $entry[0] === 'error' ) );
		$this->assertCount( 3, $errors );
		$this->assertStringContainsString( 'could not be queued', $errors[0][1] );
	}

	public function testAPerformerNotAllowedIsTheCallersMistake(): void {
		$this->overrideConfigValue( MainConfigNames::EnableEmail, false );
		$this->expectException( LogicException::class );
		$this->service()->execute( $this->anonymous(), 'Anyone' );
	}

	public function testOneLockPerAccountWhateverTheRouteAndSpelling(): void {
		$user = $this->userWithAddress();
		$locks = $this->getServiceContainer()->get( 'NativePasswordPolicy.ResetAccountLocks' );
		$byName = $locks->acquire( $user->getName(), null );
		$this->assertCount( 1, $byName );
		$locks->release( $byName );
		$this->assertSame( $byName, $locks->acquire( null, $user->getEmail() ), 'by address: the same lock' );
		$locks->release( $byName );
		$this->assertSame( $byName, $locks->acquire( lcfirst( str_replace( ' ', '_', $user->getName() ) ), null ),
			'another spelling of the name: the same lock' );
		$locks->release( $byName );
		$this->assertSame( [], $locks->acquire( null, 'nobody@example.org' ), 'no account, no lock' );
		$this->assertSame( [], $locks->acquire( null, null ) );
	}

	/**
	 * The account is locked before the reset looks at it, and released once its mail went
	 * (the resend throttle is written with the mail).
	 */
	public function testTheLockSpansTheLookupAndTheMail(): void {
		$events = [];
		$services = $this->getServiceContainer();
		$locks = new class( $services->getDBLoadBalancer(), $services->getUserNameUtils(), new NullLogger(), $events )
			extends ResetAccountLocks {
			private array $events;

			public function __construct( $loadBalancer, $userNameUtils, $logger, array &$events ) {
				parent::__construct( $loadBalancer, $userNameUtils, $logger );
				$this->events = &$events;
			}

			public function acquire( ?string $username, ?string $email ): array {
				$held = parent::acquire( $username, $email );
				$this->events[] = 'locked ' . count( $held );
				return $held;
			}

			public function release( array $held ): void {
				$this->events[] = 'released ' . count( $held );
				parent::release( $held );
			}
		};
		$this->setTemporaryHook( 'SpecialPasswordResetOnSubmit', static function () use ( &$events ) {
			$events[] = 'lookup';
		} );
		$this->setTemporaryHook( 'AlternateUserMailer', static function () use ( &$events ) {
			$events[] = 'mail';
			return false;
		} );
		$user = $this->userWithAddress();
		$reset = $this->adopt( $this->coreInstance(), null, null, $locks );
		$this->assertStatusGood( $reset->runQueued( $this->anonymous(), '127.0.0.1', null, $user->getEmail() ) );
		DeferredUpdates::doUpdates();
		$this->assertSame( [ 'locked 1', 'lookup', 'mail', 'released 1' ], $events );
	}
}
