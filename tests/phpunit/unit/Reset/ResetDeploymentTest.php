<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Unit\Reset;

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\NativePasswordPolicy\Reset\QueuedPasswordReset;
use MediaWiki\Extension\NativePasswordPolicy\Reset\ResetDeployment;
use MediaWiki\User\PasswordReset;
use MediaWikiUnitTestCase;
use Psr\Log\AbstractLogger;
use ReflectionClass;
use Wikimedia\ObjectCache\APCUBagOStuff;
use Wikimedia\ObjectCache\BagOStuff;
use Wikimedia\ObjectCache\EmptyBagOStuff;
use Wikimedia\ObjectCache\HashBagOStuff;

/**
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Reset\ResetDeployment
 */
class ResetDeploymentTest extends MediaWikiUnitTestCase {

	private const LIMITS = [ 'ip' => [ 5, 3600 ], 'newbie' => [ 5, 3600 ] ];

	public static function provideJobRunRates(): array {
		return [
			'default, 1' => [ 1, '1' ],
			'a fraction' => [ 0.01, '0.01' ],
			'several a request' => [ 5, '5' ],
			'none: job runners' => [ 0, null ],
			'negative' => [ -1, null ],
			'not a number' => [ 'often', null ],
		];
	}

	/**
	 * @dataProvider provideJobRunRates
	 */
	public function testJobRunRate( $rate, ?string $shown ): void {
		$problem = ResetDeployment::jobRunRateProblem( $rate );
		if ( $shown === null ) {
			$this->assertNull( $problem );
			return;
		}
		$this->assertSame( 'nativepasswordpolicy-status-reset-jobrunrate', $problem['key'] );
		$this->assertSame( [ $shown ], $problem['params'] );
		$this->assertStringStartsWith(
			"\$wgJobRunRate is $shown: jobs, password resets among them, run at the end of web requests",
			$problem['english']
		);
		$this->assertStringContainsString( 'Set $wgJobRunRate = 0; in LocalSettings.php and run job runners', $problem['english'] );
	}

	public static function provideStores(): array {
		return [
			'nothing kept' => [ EmptyBagOStuff::class, 'nativepasswordpolicy-status-reset-ratelimit-none' ],
			'one process' => [ HashBagOStuff::class, 'nativepasswordpolicy-status-reset-ratelimit-none' ],
			'each server' => [ APCUBagOStuff::class, 'nativepasswordpolicy-status-reset-ratelimit-local' ],
			'shared (any other)' => [ BagOStuff::class, null ],
		];
	}

	/**
	 * @dataProvider provideStores
	 */
	public function testRateLimitStore( string $class, ?string $key ): void {
		$store = $this->getMockBuilder( $class )->disableOriginalConstructor()->getMockForAbstractClass();
		$problem = ResetDeployment::rateLimitStoreProblem( self::LIMITS, $store, '$wgMicroStashType' );
		if ( $key === null ) {
			$this->assertNull( $problem );
			return;
		}
		$this->assertSame( $key, $problem['key'] );
		$this->assertSame( [ get_class( $store ), '$wgMicroStashType' ], $problem['params'] );
		$this->assertStringContainsString(
			"(\$wgRateLimits['mailpassword']) is counted in " . get_class( $store ),
			$problem['english']
		);
		$this->assertStringContainsString( '$wgMicroStashType (or $wgMainCacheType) to a cache every server shares', $problem['english'] );
		// No limit, nothing to count.
		$this->assertNull( ResetDeployment::rateLimitStoreProblem( [], $store, '$wgMicroStashType' ) );
		$this->assertNull( ResetDeployment::rateLimitStoreProblem( [ 'ip' => null ], $store, '$wgMicroStashType' ) );
	}

	public function testService(): void {
		$queued = ( new ReflectionClass( QueuedPasswordReset::class ) )->newInstanceWithoutConstructor();
		$this->assertNull( ResetDeployment::serviceProblem( $queued ) );
		$other = $this->getMockBuilder( PasswordReset::class )->disableOriginalConstructor()->getMock();
		$problem = ResetDeployment::serviceProblem( $other );
		$this->assertSame( 'nativepasswordpolicy-status-reset-service', $problem['key'] );
		$this->assertSame( [ get_class( $other ) ], $problem['params'] );
		$this->assertStringStartsWith( "Password resets do not take the extension's queued path", $problem['english'] );
	}

	public function testProblemsOfAWikiAreFoundOnceAndLogged(): void {
		$asked = 0;
		$deployment = new ResetDeployment(
			new ServiceOptions( ResetDeployment::CONSTRUCTOR_OPTIONS, [
				'JobRunRate' => 1,
				'RateLimits' => [ 'mailpassword' => self::LIMITS ],
			] ),
			static function () use ( &$asked ) {
				$asked++;
				return new HashBagOStuff();
			},
			'$wgStatsCacheType',
			fn () => $this->getMockBuilder( PasswordReset::class )->disableOriginalConstructor()->getMock()
		);
		$this->assertSame( [
			'nativepasswordpolicy-status-reset-jobrunrate',
			'nativepasswordpolicy-status-reset-ratelimit-none',
			'nativepasswordpolicy-status-reset-service',
		], array_column( $deployment->problems(), 'key' ) );
		$deployment->problems();
		$this->assertSame( 1, $asked, 'looked at once' );

		$logger = new class extends AbstractLogger {
			/** @var array[] */
			public array $records = [];

			public function log( $level, $message, array $context = [] ): void {
				$this->records[] = [ $level, (string)$message ];
			}
		};
		$deployment->logProblems( $logger );
		$this->assertSame( array_fill( 0, 3, 'warning' ), array_column( $logger->records, 0 ) );
		$this->assertSame( array_column( $deployment->problems(), 'english' ), array_column( $logger->records, 1 ) );
	}

	public function testAHealthyWikiHasNone(): void {
		$deployment = new ResetDeployment(
			new ServiceOptions( ResetDeployment::CONSTRUCTOR_OPTIONS, [
				'JobRunRate' => 0,
				'RateLimits' => [ 'mailpassword' => self::LIMITS ],
			] ),
			fn () => $this->getMockBuilder( BagOStuff::class )->disableOriginalConstructor()->getMockForAbstractClass(),
			'$wgMicroStashType',
			static fn () => ( new ReflectionClass( QueuedPasswordReset::class ) )->newInstanceWithoutConstructor()
		);
		$this->assertSame( [], $deployment->problems() );
	}
}
