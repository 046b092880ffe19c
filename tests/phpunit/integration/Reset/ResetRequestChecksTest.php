<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration\Reset;

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\NativePasswordPolicy\Reset\ResetRequestChecks;
use MediaWiki\MainConfigNames;
use MediaWiki\Request\FauxRequest;
use MediaWiki\User\PasswordReset;
use MediaWiki\User\User;
use MediaWikiIntegrationTestCase;
use Psr\Log\NullLogger;
use TestLogger;
use Wikimedia\ObjectCache\BagOStuff;
use Wikimedia\ObjectCache\HashBagOStuff;

/**
 * The checks made before a reset is queued give the answers of the release's own
 * PasswordReset::execute() before its lookup, 1.39's and 1.43's, for every shape of data; and
 * the installed release's answers are those of its core class.
 *
 * @group Database
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Reset\ResetRequestChecks
 */
class ResetRequestChecksTest extends MediaWikiIntegrationTestCase {

	private const BOTH = [ 'username' => true, 'email' => true ];
	private const NAME_ONLY = [ 'username' => true, 'email' => false ];
	private const EMAIL_ONLY = [ 'username' => false, 'email' => true ];

	private function checks( string $release, array $routes, ?BagOStuff $store = null, $logger = null ): ResetRequestChecks {
		return new ResetRequestChecks(
			new ServiceOptions( ResetRequestChecks::CONSTRUCTOR_OPTIONS, [ MainConfigNames::PasswordResetRoutes => $routes ] ),
			$this->getServiceContainer()->getUserNameUtils(),
			$store ?? new HashBagOStuff(),
			$logger ?? new NullLogger(),
			$release
		);
	}

	private function performer( bool $limited = false, string $ip = '127.0.0.1', ?callable $onPing = null ): User {
		$request = new FauxRequest();
		$request->setIP( $ip );
		$performer = $this->createMock( User::class );
		$performer->method( 'getRequest' )->willReturn( $request );
		$performer->expects( $this->once() )->method( 'pingLimiter' )->with( 'mailpassword' )
			->willReturnCallback( static function () use ( $limited, $onPing ) {
				if ( $onPing ) {
					$onPing();
				}
				return $limited;
			} );
		return $performer;
	}

	/**
	 * Each: routes, name, address, then the outcome on 1.39 and on 1.43: a route (queued), null
	 * ("success" without a reset) or an error key.
	 */
	public static function provideData(): array {
		return [
			'name' => [ self::BOTH, 'Alice', null, 'username', 'username' ],
			'address' => [ self::BOTH, null, 'alice@example.org', 'email', 'email' ],
			'name and address: the name wins' => [ self::BOTH, 'Alice', 'alice@example.org', 'username', 'username' ],
			'neither' => [ self::BOTH, null, null, 'passwordreset-nodata', 'passwordreset-nodata' ],
			'empty name' => [ self::BOTH, '', null, 'passwordreset-nodata', 'passwordreset-nodata' ],
			'empty address' => [ self::BOTH, null, '', 'passwordreset-nodata', 'passwordreset-nodata' ],
			'name "0": falsy before 1.42, not a name after' => [ self::BOTH, '0', null, 'passwordreset-nodata', 'noname' ],
			'invalid name' => [ self::BOTH, '#1', null, 'noname', 'noname' ],
			'invalid name, valid address' => [ self::BOTH, 'Foo#bar', 'alice@example.org', 'noname', 'noname' ],
			'malformed address' => [ self::BOTH, null, 'not-an-address', null, 'passwordreset-invalidemail' ],
			'name, malformed address' => [ self::BOTH, 'Alice', 'not-an-address', 'username', 'passwordreset-invalidemail' ],
			'invalid name, malformed address' => [ self::BOTH, '#1', 'nope', 'noname', 'noname' ],
			'name route only, address given' => [ self::NAME_ONLY, null, 'alice@example.org', 'passwordreset-nodata', 'passwordreset-nodata' ],
			'name route only, malformed address' => [ self::NAME_ONLY, 'Alice', 'nope', 'username', 'username' ],
			'address route only, name given' => [ self::EMAIL_ONLY, 'Alice', null, 'passwordreset-nodata', 'passwordreset-nodata' ],
			'address route only, both given' => [ self::EMAIL_ONLY, 'Alice', 'alice@example.org', 'email', 'email' ],
			'address route only, invalid name' => [ self::EMAIL_ONLY, '#1', 'alice@example.org', 'email', 'email' ],
		];
	}

	/**
	 * @dataProvider provideData
	 */
	public function testEachRelease( array $routes, ?string $username, ?string $email, ?string $on139, ?string $on143 ): void {
		foreach ( [ '1.39.17' => $on139, '1.43.9' => $on143 ] as $release => $expected ) {
			$status = $this->checks( $release, $routes )->check( $this->performer(), $username, $email );
			if ( $expected === null || in_array( $expected, [ 'username', 'email' ], true ) ) {
				$this->assertStatusGood( $status, $release );
				$this->assertSame( $expected, $status->getValue(), $release );
			} else {
				$this->assertStatusError( $expected, $status, $release );
			}
			if ( $status->isOK() && $status->getValue() !== null ) {
				$this->assertSame( $status->getValue(), $this->checks( $release, $routes )->route( $username, $email ),
					"$release: the job finds the same route" );
			}
		}
	}

	/**
	 * The installed release's core class gives the same errors for the data that core refuses
	 * before its lookup.
	 *
	 * @dataProvider provideData
	 */
	public function testTheInstalledReleaseAnswersAsItsCore(
		array $routes, ?string $username, ?string $email, ?string $on139, ?string $on143
	): void {
		$expected = version_compare( MW_VERSION, '1.42', '>=' ) ? $on143 : $on139;
		if ( $expected === null || in_array( $expected, [ 'username', 'email' ], true ) ) {
			// Core goes on to its lookup: nothing to compare before it.
			$this->addToAssertionCount( 1 );
			return;
		}
		$this->overrideConfigValues( [
			MainConfigNames::EnableEmail => true,
			MainConfigNames::PasswordResetRoutes => $routes,
			MainConfigNames::RateLimits => [ 'mailpassword' => [] ],
		] );
		$performer = $this->getServiceContainer()->getUserFactory()->newAnonymous( '127.0.0.1' );
		$services = $this->getServiceContainer();
		$core = $services->getPasswordReset();
		$this->assertInstanceOf( PasswordReset::class, $core );
		// The extension's service runs core's execute() for its job: runQueued() is core's answer.
		$status = $core->runQueued( $performer, '127.0.0.1', $username, $email );
		$this->assertStatusError( $expected, $status );
	}

	public function testALimitedPerformerGetsSuccessBeforeAnythingElse(): void {
		foreach ( [ '1.39.17', '1.43.9' ] as $release ) {
			$status = $this->checks( $release, self::BOTH )->check( $this->performer( true, '' ), null, null );
			$this->assertStatusGood( $status, $release );
			$this->assertNull( $status->getValue(), $release );
		}
	}

	public function testAPerformerWithoutAddressIsRefused(): void {
		foreach ( [ '1.39.17', '1.43.9' ] as $release ) {
			$this->assertStatusError( 'badipaddress', $this->checks( $release, self::BOTH )
				->check( $this->performer( false, '' ), 'Alice', null ) );
		}
	}

	public function testARateLimitThatCannotBeCountedIsLogged(): void {
		$store = new class extends HashBagOStuff {
			public function fail(): void {
				$this->setLastError( self::ERR_UNREACHABLE );
			}
		};
		$logger = new TestLogger( true );
		$status = $this->checks( MW_VERSION, self::BOTH, $store, $logger )
			->check( $this->performer( false, '127.0.0.1', [ $store, 'fail' ] ), 'Alice', null );
		// Let through, as core does, and said.
		$this->assertStatusGood( $status );
		$this->assertSame( 'username', $status->getValue() );
		$this->assertSame( 'error', $logger->getBuffer()[0][0] );
		$this->assertStringContainsString( 'rate limit of a password reset could not be counted', $logger->getBuffer()[0][1] );

		// An error from before the check is not this check's.
		$logger = new TestLogger( true );
		$store->fail();
		$this->checks( MW_VERSION, self::BOTH, $store, $logger )->check( $this->performer(), 'Alice', null );
		$this->assertSame( [], $logger->getBuffer() );
	}
}
