<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Harness;

use PDO;
use RuntimeException;

/**
 * A throwaway MediaWiki on SQLite (or PostgreSQL), served over HTTP on 127.0.0.1, with an SMTP
 * sink that keeps its mail. Installed in about a second, with or without the extension, and
 * torn down by PID.
 * The core is MediaWiki 1.43 (Debian 13's packages, unpacked by tests/mediawiki/setup.sh) or 1.39
 * (Debian 12's package): see core().
 *
 * Two servers: PHP's built-in server (`php -S`, the default: no setup, enough for
 * functional tests) or nginx + php-fpm from Debian's packages (`'server' => 'fpm'`: the
 * production shape, with opcache, for timings and load). The fpm stack runs from
 * private configuration, PID and log files inside the wiki directory, on unprivileged
 * ports, and never touches the system's nginx or php-fpm services.
 *
 * State lives in one directory: LocalSettings.php, the database, logs, caught mail and a
 * `harness.json` describing the running processes, so another process (the CLI in wiki.php)
 * can find and stop the wiki.
 */
final class ThrowawayWiki extends AbstractThrowawayWiki {

	/**
	 * Installs and starts a wiki.
	 *
	 * @param array $options
	 *   - dir (string): directory to use (created; default: a new temporary directory)
	 *   - port (int): HTTP port (default: a free one)
	 *   - extension (bool): load NativePasswordPolicy and its module (default true)
	 *   - module (string|false): path of the module (default: target/release of this checkout);
	 *     false: the extension without its module, as on a server that lost it
	 *   - moduleIni (bool): built-in server and command line load the module through an ini file
	 *     in a private scan directory added to PHP's own (DIR/php.d), as an installed module is
	 *     loaded, instead of `-d extension=` (default false)
	 *   - settings (string): PHP code appended to LocalSettings.php
	 *   - env (array<string,string>): more environment variables of the wiki's PHP processes
	 *     (built-in server and command line), e.g. the module's test-only fault injection
	 *   - server (string): 'builtin' (php -S, default) or 'fpm' (nginx + php8.2-fpm, or the
	 *     php-fpm of NPP_PHP_FPM)
	 *   - workers (int): PHP workers: PHP_CLI_SERVER_WORKERS of the built-in server, or the
	 *     static php-fpm pool size (default 2)
	 *   - opcache (bool): fpm only, opcache on (default true; the built-in server runs the CLI's
	 *     configuration, opcache off)
	 *   - apcu (bool): fpm only, APCu loaded in the pool as on a production server (default false:
	 *     Debian's PHP here runs without it); MediaWiki then caches its extension registry and
	 *     keeps its local server cache there
	 *   - echoMail (bool): the SMTP sink prints each mail to its log (default false)
	 *   - jobRunner (bool): start a job runner (default false: jobs wait for runJobs() or
	 *     startJobRunner(); web requests run none, `$wgJobRunRate = 0`)
	 *   - jobRunnerPause (float): seconds between two runs of the job runner (default 0.2)
	 *   - sitename (string): default "TestWiki"
	 *   - database (string): 'sqlite' (default) or 'postgres': a private PostgreSQL server of
	 *     Debian's postgresql package for this wiki alone (data in DIR/postgres, on a free port of
	 *     127.0.0.1, no durability), installed into by core's installer as an operator does
	 *   - core (string): MediaWiki core directory (default: core())
	 * @return self
	 */
	public static function start( array $options = [] ): self {
		$state = self::initialState( $options, 'npp-wiki-' );
		$port = $options['port'] ?? Processes::freePort();
		$state += [
			'port' => $port,
			'url' => "http://127.0.0.1:$port",
			'moduleIni' => (bool)( $options['moduleIni'] ?? false ),
			'server' => $options['server'] ?? 'builtin',
			'jobRunnerPause' => sprintf( '%.3F', max( 0.05, (float)( $options['jobRunnerPause'] ?? 0.2 ) ) ),
		];
		$wiki = new self( $state );
		$dir = $wiki->dir();
		if ( $state['module'] && $state['moduleIni'] ) {
			mkdir( "$dir/php.d" );
			file_put_contents( "$dir/php.d/native_password_policy.ini", "extension={$state['module']}\n" );
		}
		$database = $options['database'] ?? 'sqlite';
		try {
			if ( $database === 'postgres' ) {
				$databaseOptions = $wiki->startPostgres();
			} elseif ( $database === 'sqlite' ) {
				$databaseOptions = [ '--dbtype', 'sqlite', '--dbpath', "$dir/db", '--dbname', 'wiki' ];
			} else {
				throw new RuntimeException( "Unknown database '$database' (sqlite or postgres)" );
			}
			$wiki->install( $databaseOptions, $wiki->url(), $options['sitename'] ?? 'TestWiki', [], $options['settings'] ?? '' );
		} catch ( RuntimeException $e ) {
			$wiki->stop( true );
			throw $e;
		}
		try {
			$wiki->startSmtpSink( (bool)( $options['echoMail'] ?? false ) );
			if ( $state['server'] === 'fpm' ) {
				$wiki->startFpmStack(
					(int)( $options['workers'] ?? 2 ), (bool)( $options['opcache'] ?? true ), (bool)( $options['apcu'] ?? false )
				);
			} elseif ( $state['server'] === 'builtin' ) {
				$wiki->startServer( (int)( $options['workers'] ?? 2 ) );
			} else {
				throw new RuntimeException( "Unknown server '{$state['server']}' (builtin or fpm)" );
			}
			if ( $options['jobRunner'] ?? false ) {
				$wiki->startJobRunner();
			}
		} catch ( RuntimeException $e ) {
			$wiki->stop( true );
			throw $e;
		}
		$wiki->saveState();
		return $wiki;
	}

	public function url(): string {
		return $this->state['url'];
	}

	public function apiUrl(): string {
		return $this->state['url'] . '/api.php';
	}

	/** 'builtin' or 'fpm' */
	public function server(): string {
		return $this->state['server'] ?? 'builtin';
	}

	/** @return array<string,mixed> What the CLI prints about this wiki. */
	public function describe(): array {
		return $this->state + [
			'api' => $this->apiUrl(),
			'mediawiki' => $this->mediaWikiVersion(),
			'admin' => [ 'user' => self::ADMIN_USER, 'password' => self::ADMIN_PASSWORD ],
			'mailDir' => $this->dir() . '/mail',
		];
	}

	/** A new API client with its own cookies (its own session). */
	public function client(): ApiClient {
		return new ApiClient( $this->apiUrl() );
	}

	/**
	 * The php-fpm pool's workers (fpm server only) and their memory, from /proc.
	 *
	 * @return array<int,array{rssKiB:int,hwmKiB:int,cpuSeconds:float,modules:string[]}> By PID,
	 *   ascending: resident set size now (VmRSS) and its peak (VmHWM) in KiB, CPU time used so
	 *   far (user + system), and which of this project's modules the worker has mapped
	 */
	public function fpmWorkers(): array {
		$master = (int)( $this->state['pids']['fpm'] ?? 0 );
		if ( $this->server() !== 'fpm' || $master <= 0 ) {
			throw new RuntimeException( 'fpmWorkers() needs a running wiki served by php-fpm' );
		}
		return self::workersOf( $master );
	}

	/**
	 * php-fpm's status page of the pool (fpm server only), with one entry per worker.
	 *
	 * @return array Decoded `?json&full` answer: "active processes", "accepted conn",
	 *   "processes" (pid, state, requests, last request cpu/memory)...
	 */
	public function fpmStatus(): array {
		return self::fpmStatusAt( $this->url() );
	}

	/**
	 * Waits until no worker of the php-fpm pool is busy but the one answering the status
	 * request: the post-send work of earlier requests (deferred updates after
	 * fastcgi_finish_request()) is over.
	 */
	public function waitUntilIdle( float $timeoutSeconds = 60.0 ): void {
		self::waitUntilIdleAt( $this->url(), $timeoutSeconds );
	}

	/**
	 * Starts the job runner (runJobs.php in a loop, see spawnJobRunner()), e.g. again after
	 * stopJobRunner(): what a wiki whose job runners are other hosts has.
	 */
	public function startJobRunner(): void {
		if ( $this->isJobRunnerRunning() ) {
			throw new RuntimeException( 'The job runner is running already' );
		}
		$this->state['pids']['jobrunner'] = $this->spawnJobRunner( $this->state['jobRunnerPause'] ?? '0.200' );
		$this->saveState();
	}

	/**
	 * Stops the job runner (its process group: a run in progress ends with it, and JobQueueDB
	 * hands a job claimed by a run that died to a later run).
	 */
	public function stopJobRunner(): void {
		Processes::killGroup( (int)( $this->state['pids']['jobrunner'] ?? 0 ) );
		unset( $this->state['pids']['jobrunner'] );
		$this->saveState();
	}

	/**
	 * CPU seconds the job runner has used so far (user + system): that of every process of its
	 * process group still running (the loop, and a runJobs.php run in progress, which under
	 * steady load may run for minutes) and of every run they have waited for (cutime and
	 * cstime). Each CPU second is counted once: by its process while it lives, then by the
	 * parent that waited for it.
	 */
	public function jobRunnerCpuSeconds(): float {
		if ( !$this->isJobRunnerRunning() ) {
			throw new RuntimeException( 'The job runner is not running' );
		}
		$group = (int)$this->state['pids']['jobrunner'];
		$ticks = 0;
		foreach ( glob( '/proc/[0-9]*', GLOB_ONLYDIR ) ?: [] as $dir ) {
			$fields = Processes::statFields( (int)basename( $dir ) );
			if ( $fields !== null && (int)$fields[2] === $group ) {
				$ticks += (int)$fields[11] + (int)$fields[12] + (int)$fields[13] + (int)$fields[14];
			}
		}
		// Clock ticks: USER_HZ, 100 on Linux
		return $ticks / 100;
	}

	public function isJobRunnerRunning(): bool {
		return Processes::isRunning( (int)( $this->state['pids']['jobrunner'] ?? 0 ) );
	}

	/**
	 * The wiki's database, opened beside MediaWiki (to read what it stored): its SQLite file,
	 * or on PostgreSQL a connection as the wiki's own database user, in MediaWiki's schema.
	 *
	 * @param string $file SQLite: the main database, or (wiki_jobqueue) the installer's own file of the job queue
	 */
	public function database( string $file = 'wiki' ): PDO {
		if ( isset( $this->state['postgres'] ) ) {
			$postgres = $this->state['postgres'];
			$db = new PDO( "pgsql:host=127.0.0.1;port={$postgres['port']};dbname=wiki", $postgres['user'], $postgres['password'] );
			$db->setAttribute( PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION );
			$db->exec( 'SET search_path TO mediawiki' );
			return $db;
		}
		$db = new PDO( 'sqlite:' . $this->dir() . "/db/$file.sqlite" );
		$db->setAttribute( PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION );
		$db->setAttribute( PDO::ATTR_TIMEOUT, 30 );
		return $db;
	}

	/**
	 * Jobs in the queue (JobQueueDB's job table: waiting or being run), by type.
	 *
	 * @return array<string,int>
	 */
	public function jobCounts(): array {
		$db = $this->database( 'wiki_jobqueue' );
		$counts = [];
		foreach ( $db->query( 'SELECT job_cmd, COUNT(*) FROM job GROUP BY job_cmd' )->fetchAll( PDO::FETCH_NUM ) as [ $type, $count ] ) {
			$counts[$type] = (int)$count;
		}
		ksort( $counts );
		return $counts;
	}

	/** Jobs in the queue of one type, or of every type (null). */
	public function queuedJobs( ?string $type = null ): int {
		$counts = $this->jobCounts();
		return $type === null ? array_sum( $counts ) : ( $counts[$type] ?? 0 );
	}

	/**
	 * Waits until the job runner has run every job of $type (of every type: null), after the
	 * fpm server's post-send work (which may push jobs).
	 */
	public function waitForJobs( ?string $type = null, float $timeoutSeconds = 60.0 ): void {
		$deadline = microtime( true ) + $timeoutSeconds;
		if ( $this->server() === 'fpm' ) {
			$this->waitUntilIdle( $timeoutSeconds );
		}
		while ( ( $left = $this->queuedJobs( $type ) ) > 0 ) {
			if ( microtime( true ) > $deadline ) {
				throw new RuntimeException( "$left jobs still queued after {$timeoutSeconds}s"
					. ( $this->isJobRunnerRunning() ? '' : ' (the job runner is stopped)' ) );
			}
			usleep( 20_000 );
		}
	}

	/**
	 * Starts this wiki's own PostgreSQL server: a cluster made by the package's initdb in
	 * DIR/postgres (superuser password authentication, on 127.0.0.1 and a socket there), without
	 * fsync. PostgreSQL refuses to run as root: as root, its files and processes belong to the
	 * package's system user `postgres`.
	 *
	 * @return string[] The installer's options for it (it creates the wiki's database and user)
	 */
	private function startPostgres(): array {
		$binaries = glob( '/usr/lib/postgresql/*/bin/postgres' ) ?: [];
		natsort( $binaries );
		$postgres = end( $binaries );
		if ( !$postgres || !extension_loaded( 'pgsql' ) ) {
			throw new RuntimeException( 'PostgreSQL or PHP\'s pgsql is missing: run scripts/install-deps.sh (postgresql php8.2-pgsql)' );
		}
		$bin = dirname( $postgres );
		$dir = $this->dir();
		$home = "$dir/postgres";
		Processes::makeDirs( "$home/data" );
		$superPassword = bin2hex( random_bytes( 12 ) );
		file_put_contents( "$home/pwfile", $superPassword . "\n" );
		$as = [];
		if ( Processes::isRoot() ) {
			chmod( $dir, 0711 );
			Processes::run( [ '/bin/chown', '-R', 'postgres:postgres', $home ], [ 'PATH' => '/usr/bin:/bin' ] );
			$as = [ '/usr/sbin/runuser', '-u', 'postgres', '--' ];
		}
		[ $code, $out, $err ] = Processes::run( array_merge( $as, [
			"$bin/initdb", '--pgdata', "$home/data", '--username', 'postgres', '--pwfile', "$home/pwfile",
			'--auth', 'scram-sha-256', '--encoding', 'UTF8', '--locale', 'C', '--no-sync',
		] ), [ 'PATH' => '/usr/bin:/bin', 'LC_ALL' => 'C' ] );
		unlink( "$home/pwfile" );
		if ( $code !== 0 ) {
			throw new RuntimeException( "initdb failed ($code): $out $err" );
		}
		$port = Processes::freePort();
		$log = "$dir/logs/postgres.log";
		$this->state['pids']['postgres'] = Processes::spawn( array_merge( $as, [
			$postgres, '-D', "$home/data", '-p', (string)$port, '-k', $home,
			'-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
		] ), [ 'LC_ALL' => 'C' ], $log );
		Processes::waitForPort( $port, $log, $this->state['pids']['postgres'], 30.0 );
		$this->state['postgres'] = [ 'port' => $port, 'user' => 'wikiuser', 'password' => bin2hex( random_bytes( 12 ) ) ];
		return [
			'--dbtype', 'postgres', '--dbserver', '127.0.0.1', '--dbport', (string)$port, '--dbname', 'wiki',
			'--dbuser', $this->state['postgres']['user'], '--dbpass', $this->state['postgres']['password'],
			'--installdbuser', 'postgres', '--installdbpass', $superPassword,
		];
	}

	private function startServer( int $workers ): void {
		$command = array_merge(
			[ PHP_BINARY ],
			$this->phpOptions(),
			// The built-in server runs opcache (it is not the "cli" SAPI): make it look at
			// LocalSettings.php on every request, since tests edit it while the wiki runs.
			[ '-d', 'opcache.revalidate_freq=0' ],
			[ '-S', '127.0.0.1:' . $this->state['port'], '-t', $this->coreDir() ]
		);
		$environment = $this->phpEnvironment();
		if ( $workers > 1 ) {
			$environment['PHP_CLI_SERVER_WORKERS'] = (string)$workers;
		}
		$log = $this->dir() . '/logs/server.log';
		$this->state['pids']['http'] = Processes::spawn( $command, $environment, $log );
		Processes::waitForPort( $this->state['port'], $log, $this->state['pids']['http'] );
	}

	/**
	 * Serves the wiki with nginx in front of a static php-fpm pool, as in production.
	 *
	 * Everything lives in DIR/fpm (configuration, PID files, nginx's temporary files) and
	 * DIR/logs. Both masters run in the foreground of their own session, so stop() ends them
	 * and their workers by process group. The module is loaded as an operator loads it: by the
	 * project's ini file (packaging/native_password_policy.ini) in a private directory that
	 * PHP_INI_SCAN_DIR adds after Debian's own conf.d. MW_CONFIG_FILE is set through `env[]`.
	 * php-fpm's status page answers on /fpm-status, to 127.0.0.1 only.
	 */
	private function startFpmStack( int $workers, bool $opcache, bool $apcu ): void {
		self::requireFpmAndNginx();
		$dir = $this->dir();
		$conf = "$dir/fpm";
		$fpmPort = Processes::freePort();
		$this->state['fpmPort'] = $fpmPort;
		$this->writeFpmPool(
			$conf, 'wiki', $fpmPort, $workers, "$dir/logs/php-fpm.log", "$dir/logs/php-error.log",
			[ 'MW_CONFIG_FILE' => "$dir/LocalSettings.php" ],
			// Only switching it off is allowed per pool; Debian's fpm has it on.
			$opcache ? [] : [ 'php_admin_value[opcache.enable] = 0' ]
		);
		if ( $apcu ) {
			self::loadApcu( $conf );
		}
		$this->writeNginx( $conf, array_merge(
			[ 'server {', "\tlisten 127.0.0.1:{$this->state['port']};" ],
			$this->mediaWikiLocations( "127.0.0.1:$fpmPort" ),
			[ '}' ]
		) );
		$this->state['pids']['fpm'] = $this->startFpm( $conf, $fpmPort, "$dir/logs/php-fpm.log" );
		$this->state['pids']['nginx'] = $this->startNginx( $conf, [ $this->state['port'] ] );
	}
}
