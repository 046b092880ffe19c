<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Reset;

use Closure;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\MainConfigNames;
use MediaWiki\MediaWikiServices;
use ObjectCache;
use Psr\Log\LoggerInterface;
use Wikimedia\ObjectCache\APCUBagOStuff;
use Wikimedia\ObjectCache\BagOStuff;
use Wikimedia\ObjectCache\EmptyBagOStuff;
use Wikimedia\ObjectCache\HashBagOStuff;

/**
 * What the wiki's setup does to the queued reset path, for Special:Version, the log and
 * maintenance scripts (ModuleStatus):
 *
 * - `$wgJobRunRate` above 0: jobs run at the end of web requests, where the work of a reset
 *   (which depends on the account) shows again in a worker's time;
 * - core's `mailpassword` rate limit counted in a cache that keeps nothing, or only in each
 *   server's (or process's) own memory: MediaWiki's own classes tell it reliably;
 * - a PasswordReset service other than the extension's: some other code replaced it, and
 *   resets do not take the queued path.
 *
 * Each problem: a message key and its plain-text parameters, and the same in English.
 */
class ResetDeployment {

	public const CONSTRUCTOR_OPTIONS = [
		MainConfigNames::JobRunRate,
		MainConfigNames::RateLimits,
	];

	/** @var array[]|null */
	private ?array $problems = null;

	/**
	 * @param ServiceOptions $options
	 * @param Closure():BagOStuff $rateLimitStore Where core's rate limiter counts
	 * @param string $rateLimitStoreSetting The setting that chooses it, e.g. `$wgMicroStashType`
	 * @param Closure():object $passwordReset The PasswordReset service
	 */
	public function __construct(
		private readonly ServiceOptions $options,
		private readonly Closure $rateLimitStore,
		private readonly string $rateLimitStoreSetting,
		private readonly Closure $passwordReset
	) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
	}

	/**
	 * @return array<int,array{key:string,params:string[],english:string}>
	 */
	public function problems(): array {
		if ( $this->problems === null ) {
			$this->problems = array_values( array_filter( [
				self::jobRunRateProblem( $this->options->get( MainConfigNames::JobRunRate ) ),
				self::rateLimitStoreProblem(
					$this->options->get( MainConfigNames::RateLimits )['mailpassword'] ?? [],
					( $this->rateLimitStore )(),
					$this->rateLimitStoreSetting
				),
				self::serviceProblem( ( $this->passwordReset )() ),
			] ) );
		}
		return $this->problems;
	}

	/** Logs each problem as a warning, in English. */
	public function logProblems( LoggerInterface $logger ): void {
		foreach ( $this->problems() as $problem ) {
			$logger->warning( $problem['english'] );
		}
	}

	/**
	 * @param mixed $rate `$wgJobRunRate`
	 * @return array{key:string,params:string[],english:string}|null
	 */
	public static function jobRunRateProblem( $rate ): ?array {
		if ( !is_numeric( $rate ) || $rate <= 0 ) {
			return null;
		}
		return [
			'key' => 'nativepasswordpolicy-status-reset-jobrunrate',
			'params' => [ (string)$rate ],
			'english' => "\$wgJobRunRate is $rate: jobs, password resets among them, run at the end of web requests, "
				. 'where the time a reset takes shows whether its account exists. Set $wgJobRunRate = 0; in '
				. 'LocalSettings.php and run job runners (maintenance/runJobs.php, or a job runner service).',
		];
	}

	/**
	 * @param array $limits `$wgRateLimits['mailpassword']`
	 * @param BagOStuff $store Where the rate limiter counts
	 * @param string $setting The setting that chooses the store
	 * @return array{key:string,params:string[],english:string}|null
	 */
	public static function rateLimitStoreProblem( array $limits, BagOStuff $store, string $setting ): ?array {
		if ( !array_filter( $limits ) ) {
			return null;
		}
		$class = get_class( $store );
		if ( self::isA( $store, EmptyBagOStuff::class ) || self::isA( $store, HashBagOStuff::class ) ) {
			return [
				'key' => 'nativepasswordpolicy-status-reset-ratelimit-none',
				'params' => [ $class, $setting ],
				'english' => "The rate limit of password resets (\$wgRateLimits['mailpassword']) is counted in $class, "
					. "which keeps nothing from one request to the next: the limit never applies. Set $setting "
					. '(or $wgMainCacheType) to a cache every server shares, e.g. memcached, Redis or CACHE_DB.',
			];
		}
		if ( self::isA( $store, APCUBagOStuff::class ) ) {
			return [
				'key' => 'nativepasswordpolicy-status-reset-ratelimit-local',
				'params' => [ $class, $setting ],
				'english' => "The rate limit of password resets (\$wgRateLimits['mailpassword']) is counted in $class, "
					. 'the memory of each server: on a wiki served by several servers each one counts on its own, '
					. "and a restart forgets the counts. On such a wiki, set $setting (or \$wgMainCacheType) to a "
					. 'cache every server shares, e.g. memcached, Redis or CACHE_DB.',
			];
		}
		return null;
	}

	/**
	 * @param object $service The PasswordReset service
	 * @return array{key:string,params:string[],english:string}|null
	 */
	public static function serviceProblem( object $service ): ?array {
		if ( $service instanceof QueuedPasswordReset ) {
			return null;
		}
		$class = get_class( $service );
		return [
			'key' => 'nativepasswordpolicy-status-reset-service',
			'params' => [ $class ],
			'english' => "Password resets do not take the extension's queued path: the PasswordReset service is $class, "
				. 'put in place by other code. Its answers and their timing may tell whether an account exists.',
		];
	}

	/**
	 * The store core's rate limiter counts in (its WRStatsFactory's): the MicroStash where
	 * the release has one (1.43), else `$wgStatsCacheType` (1.39).
	 */
	public static function rateLimitStore( MediaWikiServices $services ): BagOStuff {
		return $services->hasService( 'MicroStash' )
			? $services->getService( 'MicroStash' )
			: ObjectCache::getInstance( $services->getMainConfig()->get( 'StatsCacheType' ) );
	}

	/** The setting that chooses rateLimitStore(), as written in LocalSettings.php. */
	public static function rateLimitStoreSetting( MediaWikiServices $services ): string {
		return $services->hasService( 'MicroStash' ) ? '$wgMicroStashType' : '$wgStatsCacheType';
	}

	/**
	 * instanceof by a name that may be a class alias of this extension's (1.39's classes
	 * have no namespace), which is declared once autoloaded.
	 */
	private static function isA( object $object, string $class ): bool {
		return class_exists( $class ) && $object instanceof $class;
	}
}
