<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Benches\Load;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;
use RuntimeException;

/**
 * The production-like stack of the load run: two identical throwaway SQLite wikis, "core"
 * (MediaWiki alone) and "extension" (NativePasswordPolicy, its module loaded by the project's
 * ini file), each served by nginx in front of a static php8.2-fpm pool with opcache and APCu
 * (ThrowawayWiki 'server' => 'fpm': private configuration, ports, PIDs and logs; the system's
 * nginx, php-fpm and /etc/php are never touched).
 *
 * Both wikis get the same settings and the same accounts, so the only difference between them
 * is the extension, which queues its password resets as jobs: its wiki gets a job runner, or
 * the caller runs the jobs (benches/load/run.php). State lives in one directory: DIR/core and DIR/extension (each a wiki
 * directory with its harness.json) and DIR/stack.json, so that another process can attach.
 */
final class LoadStack {

	public const LABELS = [ 'core', 'extension' ];

	/**
	 * What the load needs beyond core's defaults, the same on both wikis.
	 *
	 * The mailpassword rate limit is lifted: core's default (5 an hour per IP) would make every
	 * reset from 127.0.0.1 after the fifth a silent no-op that never looks at its target. The
	 * resend throttle stays core's 24 hours (stated here): an account gets one mail, later
	 * resets of it take the throttled path. The failed-login throttle is lifted as well, for
	 * checks that try mailed passwords one by one.
	 */
	public const SETTINGS = <<<'PHP'
		# Load stack (benches/load/LoadStack.php)
		$wgRateLimits['mailpassword'] = [];
		$wgPasswordReminderResendTime = 24;
		$wgPasswordAttemptThrottle = [];
		# Jobs (the extension's queued resets) are never run at the end of web requests
		$wgJobRunRate = 0;
		PHP;

	/** Accounts without an address (resets of them find no one to mail) */
	public const NO_MAIL_ACCOUNTS = 20;

	/** Accounts with an address used only by the warm-up, so the measured ones stay fresh */
	public const WARMUP_ACCOUNTS = 40;

	/** @var array<string,mixed> */
	private array $state;

	/** @var array<string,ThrowawayWiki> By label */
	private array $wikis;

	/**
	 * @param array<string,mixed> $state
	 * @param array<string,ThrowawayWiki> $wikis
	 */
	private function __construct( array $state, array $wikis ) {
		$this->state = $state;
		$this->wikis = $wikis;
	}

	/**
	 * Installs and starts both wikis and creates their accounts.
	 *
	 * @param string $dir Directory of the stack (created; must not hold a running stack)
	 * @param int $workers php-fpm workers of each wiki (static pool)
	 * @param int $accounts Accounts with a confirmed address (see accountName()), besides
	 *   NO_MAIL_ACCOUNTS without one and WARMUP_ACCOUNTS for the warm-up
	 * @param string $extraSettings Appended to both wikis' LocalSettings.php
	 * @param bool $jobRunner Start the extension wiki's job runner (ThrowawayWiki 'jobRunner'),
	 *   which runs its queued resets; else they wait for the caller's runJobs()
	 */
	public static function start(
		string $dir, int $workers, int $accounts, string $extraSettings = '', bool $jobRunner = false
	): self {
		if ( is_file( "$dir/stack.json" ) ) {
			throw new RuntimeException( "A load stack is already in $dir: stop it first" );
		}
		if ( !is_dir( $dir ) && !mkdir( $dir, 0700, true ) ) {
			throw new RuntimeException( "Cannot create $dir" );
		}
		$dir = (string)realpath( $dir );
		$wikis = [];
		try {
			foreach ( self::LABELS as $label ) {
				$wikis[$label] = ThrowawayWiki::start( [
					'dir' => "$dir/$label",
					'extension' => $label === 'extension',
					'server' => 'fpm',
					'workers' => $workers,
					// A production server's local cache (MediaWiki's extension registry among
					// what it keeps); Debian's PHP here runs without APCu unless a pool loads it.
					'apcu' => true,
					'settings' => self::SETTINGS . "\n" . $extraSettings,
					'jobRunner' => $jobRunner && $label === 'extension',
					// A run every second, as the farm's runner: each run of runJobs.php costs
					// about 0.1 s of CPU even when it finds nothing to do.
					'jobRunnerPause' => 1.0,
				] );
				$wikis[$label]->createUsers( self::accountSpecs( $accounts ) );
			}
		} catch ( RuntimeException $e ) {
			foreach ( $wikis as $wiki ) {
				$wiki->stop();
			}
			throw $e;
		}
		$stack = new self( [ 'dir' => $dir, 'workers' => $workers, 'accounts' => $accounts ], $wikis );
		$stack->assertModules();
		file_put_contents( "$dir/stack.json", json_encode( $stack->state, JSON_PRETTY_PRINT ) . "\n" );
		return $stack;
	}

	/** The stack described by DIR/stack.json (started by another process). */
	public static function attach( string $dir ): self {
		$json = @file_get_contents( "$dir/stack.json" );
		if ( $json === false ) {
			throw new RuntimeException( "No load stack in $dir" );
		}
		$state = json_decode( $json, true, 8, JSON_THROW_ON_ERROR );
		$wikis = [];
		foreach ( self::LABELS as $label ) {
			$wikis[$label] = ThrowawayWiki::attach( $state['dir'] . "/$label" );
		}
		return new self( $state, $wikis );
	}

	/** Name of the load's account $n (1-based), which has the address accountAddress( $n ). */
	public static function accountName( int $n ): string {
		return "Load user $n";
	}

	public static function accountAddress( int $n ): string {
		return "load.user.$n@example.org";
	}

	public static function noMailAccountName( int $n ): string {
		return "Load nomail $n";
	}

	public static function warmupAccountName( int $n ): string {
		return "Warmup user $n";
	}

	public static function warmupAccountAddress( int $n ): string {
		return "warmup.user.$n@example.org";
	}

	/** Accounts with an address of the measured run */
	public function accounts(): int {
		return $this->state['accounts'];
	}

	public function dir(): string {
		return $this->state['dir'];
	}

	/** @return array<string,ThrowawayWiki> By label: core, extension */
	public function wikis(): array {
		return $this->wikis;
	}

	public function wiki( string $label ): ThrowawayWiki {
		return $this->wikis[$label];
	}

	/** Stops both wikis and removes the stack's directory. */
	public function stop(): void {
		foreach ( $this->wikis as $wiki ) {
			$wiki->stop();
		}
		@unlink( $this->dir() . '/stack.json' );
		@rmdir( $this->dir() );
	}

	/**
	 * Each wiki: URL, PIDs, and its php-fpm workers with their memory and modules.
	 *
	 * @return array<string,array>
	 */
	public function status(): array {
		$status = [];
		foreach ( $this->wikis as $label => $wiki ) {
			$description = $wiki->describe();
			$fpm = $wiki->fpmStatus();
			$status[$label] = [
				'url' => $wiki->url(),
				'api' => $wiki->apiUrl(),
				'dir' => $wiki->dir(),
				'pids' => $description['pids'],
				'module ini' => is_file( $wiki->dir() . '/fpm/conf.d/native_password_policy.ini' )
					? $wiki->dir() . '/fpm/conf.d/native_password_policy.ini' : null,
				'accepted requests' => $fpm['accepted conn'],
				'active workers' => $fpm['active processes'],
				'workers' => $wiki->fpmWorkers(),
			];
		}
		return $status;
	}

	/**
	 * @param int $accounts
	 * @return array[] For ThrowawayWiki::createUsers(); no password (resets do not need one,
	 *   and hashing thousands would only slow the start down)
	 */
	private static function accountSpecs( int $accounts ): array {
		$specs = [];
		for ( $n = 1; $n <= $accounts; $n++ ) {
			$specs[] = [ 'name' => self::accountName( $n ), 'email' => self::accountAddress( $n ) ];
		}
		for ( $n = 1; $n <= self::NO_MAIL_ACCOUNTS; $n++ ) {
			$specs[] = [ 'name' => self::noMailAccountName( $n ) ];
		}
		for ( $n = 1; $n <= self::WARMUP_ACCOUNTS; $n++ ) {
			$specs[] = [ 'name' => self::warmupAccountName( $n ), 'email' => self::warmupAccountAddress( $n ) ];
		}
		return $specs;
	}

	/**
	 * The module is mapped in every worker of the extension's pool and in none of core's:
	 * both sides run what their label says.
	 */
	public function assertModules(): void {
		foreach ( $this->wikis as $label => $wiki ) {
			$workers = $wiki->fpmWorkers();
			if ( !$workers ) {
				throw new RuntimeException( "The $label wiki has no php-fpm worker" );
			}
			foreach ( $workers as $pid => $worker ) {
				$loaded = in_array( 'native_password_policy', $worker['modules'], true );
				if ( $loaded !== ( $label === 'extension' ) ) {
					throw new RuntimeException( "php-fpm worker $pid of the $label wiki "
						. ( $loaded ? 'has' : 'lacks' ) . ' the native_password_policy module' );
				}
			}
		}
	}
}
