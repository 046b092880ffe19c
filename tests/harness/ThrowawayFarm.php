<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Harness;

use mysqli;
use RuntimeException;

/**
 * A throwaway MediaWiki shaped like a wiki that outgrew one server, on 127.0.0.1:
 *
 * - one MariaDB (Debian's mariadb-server, a private instance: its own datadir, socket, port)
 *   holding the wiki's database and its job queue (JobQueueDB, core's default);
 * - one Redis (no persistence), MediaWiki's main object cache and session store
 *   (RedisBagOStuff through phpredis);
 * - two app servers or more, "A", "B"...: each a php-fpm master of its own (its own opcache
 *   and APCu, so nothing a request leaves in one server's memory is seen by the other);
 * - one nginx in front: an upstream of every app server, round robin, on url(), and one port
 *   per app server (serverUrl()) to reach it on purpose; every answer names the app server
 *   that made it in the X-Farm-Server header;
 * - one job runner (core's runJobs.php, run again a second after each run ends) and no job run
 *   by web requests ($wgJobRunRate = 0);
 * - the harness's SMTP sink.
 *
 * Every service runs in its own session and is stopped by PID (stop(), stopService()), and
 * lives in the farm's directory with its configuration, data, socket, PID and log files;
 * nothing of the system's MariaDB, Redis, nginx or php-fpm is used or changed. Tests see inside
 * the app servers through action=farmprobe (tests/harness/probe).
 */
final class ThrowawayFarm extends AbstractThrowawayWiki {

	public const SERVICES = [ 'smtp', 'redis', 'mariadb', 'nginx', 'jobrunner' ];
	private const MARIADB_INSTALL_DB = '/usr/bin/mariadb-install-db';
	private const MARIADBD = '/usr/sbin/mariadbd';
	private const MARIADB_CLIENT = '/usr/bin/mariadb';
	private const REDIS_SERVER = '/usr/bin/redis-server';
	private const EATMYDATA = '/usr/bin/eatmydata';
	private const DATABASE = 'wiki';
	private const DATABASE_USER = 'wiki';
	private const PROBE_API = 'MediaWiki\\Extension\\NativePasswordPolicy\\Tests\\Harness\\Probe\\ApiFarmProbe';
	private const PROBE_JOB = 'MediaWiki\\Extension\\NativePasswordPolicy\\Tests\\Harness\\Probe\\FarmProbeJob';

	/**
	 * Installs and starts a farm.
	 *
	 * @param array $options
	 *   - dir (string): directory to use (created; default: a new temporary directory)
	 *   - port (int): HTTP port of the load balancer (default: a free one)
	 *   - extension (bool): load NativePasswordPolicy and its module (default true)
	 *   - module (string|false): path of the module (default: target/release of this checkout);
	 *     false: the extension without its module
	 *   - settings (string): PHP code appended to LocalSettings.php
	 *   - servers (int): app servers, named A, B, C... (default 2)
	 *   - workers (int): workers of each app server's static php-fpm pool (default 2)
	 *   - jobRunner (bool): start the job runner (default true; startService( 'jobrunner' ) later)
	 *   - jobRunnerPause (float): seconds between two runs of the job runner (default 1)
	 *   - echoMail (bool): the SMTP sink prints each mail to its log (default false)
	 *   - sitename (string): default "TestFarm"
	 *   - core (string): MediaWiki core directory (default: core())
	 * @return self
	 */
	public static function start( array $options = [] ): self {
		$started = microtime( true );
		foreach ( [ self::MARIADB_INSTALL_DB, self::MARIADBD, self::MARIADB_CLIENT, self::REDIS_SERVER, self::EATMYDATA ] as $binary ) {
			if ( !is_executable( $binary ) ) {
				throw new RuntimeException( "$binary is missing: run scripts/install-deps.sh (mariadb-server redis-server eatmydata)" );
			}
		}
		foreach ( [ 'mysqli', 'redis' ] as $extension ) {
			if ( !extension_loaded( $extension ) ) {
				throw new RuntimeException( "PHP's $extension is not loaded: run scripts/install-deps.sh (php8.2-mysql php8.2-redis)" );
			}
		}
		self::requireFpmAndNginx();
		$state = self::initialState( $options, 'npp-farm-' );
		$coreSeconds = microtime( true ) - $started;
		$port = $options['port'] ?? Processes::freePort();
		$servers = [];
		for ( $i = 0; $i < max( 1, (int)( $options['servers'] ?? 2 ) ); $i++ ) {
			$name = chr( ord( 'A' ) + $i );
			$serverPort = Processes::freePort();
			$servers[$name] = [ 'port' => $serverPort, 'url' => "http://127.0.0.1:$serverPort", 'fpmPort' => Processes::freePort() ];
		}
		$state += [
			'port' => $port,
			'url' => "http://127.0.0.1:$port",
			'servers' => $servers,
			'workers' => max( 1, (int)( $options['workers'] ?? 2 ) ),
			'echoMail' => (bool)( $options['echoMail'] ?? false ),
			'jobRunnerPause' => sprintf( '%.3F', max( 0.05, (float)( $options['jobRunnerPause'] ?? 1.0 ) ) ),
			'mariadb' => [
				'port' => Processes::freePort(),
				'database' => self::DATABASE,
				'user' => self::DATABASE_USER,
				'password' => bin2hex( random_bytes( 12 ) ),
			],
			'redis' => [ 'port' => Processes::freePort() ],
			'timings' => [ 'core' => round( $coreSeconds, 2 ) ],
		];
		$farm = new self( $state );
		try {
			$farm->setUp( $options );
			$farm->state['timings']['total'] = round( microtime( true ) - $started, 2 );
		} catch ( RuntimeException $e ) {
			$farm->stop( true );
			throw new RuntimeException( $e->getMessage() . "\n(the farm's files are kept in {$farm->dir()})", 0, $e );
		}
		$farm->saveState();
		return $farm;
	}

	/** URL of the load balancer (nginx's upstream of every app server). */
	public function url(): string {
		return $this->state['url'];
	}

	/** URL of one app server (nginx straight to its php-fpm pool). */
	public function serverUrl( string $server ): string {
		return $this->serverState( $server )['url'];
	}

	/** api.php through the load balancer, or of one app server. */
	public function apiUrl( ?string $server = null ): string {
		return ( $server === null ? $this->url() : $this->serverUrl( $server ) ) . '/api.php';
	}

	/** A new API client (its own session) of the load balancer or of one app server. */
	public function client( ?string $server = null ): ApiClient {
		return new ApiClient( $this->apiUrl( $server ) );
	}

	/** @return string[] Names of the app servers: A, B... */
	public function servers(): array {
		return array_keys( $this->state['servers'] );
	}

	/** @return array<string,mixed> What the CLI prints about this farm. */
	public function describe(): array {
		return $this->state + [
			'api' => $this->apiUrl(),
			'mediawiki' => $this->mediaWikiVersion(),
			'admin' => [ 'user' => self::ADMIN_USER, 'password' => self::ADMIN_PASSWORD ],
			'mailDir' => $this->dir() . '/mail',
		];
	}

	/**
	 * Seconds each step of start() took: core (finding the core directory, see core()), mariadb
	 * (its datadir made, the server up, with SMTP sink and Redis), install (core's installer on
	 * it), servers (app servers, nginx, job runner), and total.
	 *
	 * @return array<string,float>
	 */
	public function timings(): array {
		return $this->state['timings'];
	}

	/**
	 * The services that can be stopped and started again: smtp, redis, mariadb, nginx,
	 * jobrunner and one fpm-NAME per app server.
	 *
	 * @return string[]
	 */
	public function services(): array {
		return array_merge( self::SERVICES, array_map( static fn ( $name ) => "fpm-$name", $this->servers() ) );
	}

	/** Whether a service of services() runs. */
	public function isRunning( string $service ): bool {
		$this->checkService( $service );
		return Processes::isRunning( (int)( $this->state['pids'][$service] ?? 0 ) );
	}

	/**
	 * Stops one service (by its process group), e.g. to see what MediaWiki does without its
	 * cache or its job runner. Redis keeps nothing: what it held is gone when it starts again.
	 */
	public function stopService( string $service ): void {
		$this->checkService( $service );
		Processes::killGroup( (int)( $this->state['pids'][$service] ?? 0 ) );
		unset( $this->state['pids'][$service] );
		$this->saveState();
	}

	/** Starts a service stopped by stopService() again (with the configuration it had). */
	public function startService( string $service ): void {
		$this->checkService( $service );
		if ( $this->isRunning( $service ) ) {
			throw new RuntimeException( "$service is running already" );
		}
		$this->spawnService( $service );
		$this->saveState();
	}

	/**
	 * A connection to the wiki's database as the wiki's own user (over TCP, as the app servers
	 * connect), for looking at what MediaWiki wrote.
	 */
	public function db(): mysqli {
		$db = new mysqli(
			'127.0.0.1', $this->state['mariadb']['user'], $this->state['mariadb']['password'],
			$this->state['mariadb']['database'], $this->state['mariadb']['port']
		);
		$db->set_charset( 'binary' );
		return $db;
	}

	/**
	 * Jobs in the queue (JobQueueDB's job table: waiting or being run), by type.
	 *
	 * @return array<string,int>
	 */
	public function jobCounts(): array {
		$db = $this->db();
		$counts = [];
		foreach ( $db->query( 'SELECT job_cmd, COUNT(*) FROM job GROUP BY job_cmd' )->fetch_all() as [ $type, $count ] ) {
			$counts[$type] = (int)$count;
		}
		$db->close();
		ksort( $counts );
		return $counts;
	}

	/** Jobs in the queue of one type, or of every type (null). */
	public function queuedJobs( ?string $type = null ): int {
		$counts = $this->jobCounts();
		return $type === null ? array_sum( $counts ) : ( $counts[$type] ?? 0 );
	}

	/**
	 * Waits until the job queue is empty: first until no app server is busy (jobs are often
	 * pushed after the answer, by deferred updates), then until the runner has run every job.
	 */
	public function waitForJobs( float $timeoutSeconds = 30.0 ): void {
		$deadline = microtime( true ) + $timeoutSeconds;
		$this->waitUntilIdle( $timeoutSeconds );
		while ( ( $left = $this->jobCounts() ) !== [] ) {
			if ( microtime( true ) > $deadline ) {
				throw new RuntimeException( "Jobs still queued after {$timeoutSeconds}s: " . json_encode( $left )
					. ( $this->isRunning( 'jobrunner' ) ? '' : ' (the job runner is stopped)' ) );
			}
			usleep( 50_000 );
		}
	}

	/**
	 * The farmProbe jobs run so far (tests/harness/probe/FarmProbeJob.php), oldest first: each
	 * its tag, the process that ran it ("ranBy": server, pid, sapi) and the one that pushed it.
	 *
	 * @return array[]
	 */
	public function probeJobRuns(): array {
		$lines = array_filter( explode( "\n", $this->log( 'farm-jobs.log' ) ) );
		return array_map( static fn ( $line ) => json_decode( $line, true, 8, JSON_THROW_ON_ERROR ), array_values( $lines ) );
	}

	/**
	 * php-fpm's status page of one app server's pool (`?json&full`).
	 */
	public function fpmStatus( string $server ): array {
		return self::fpmStatusAt( $this->serverUrl( $server ) );
	}

	/**
	 * The workers of one app server's pool, from /proc (see ThrowawayWiki::fpmWorkers()).
	 *
	 * @return array<int,array{rssKiB:int,hwmKiB:int,cpuSeconds:float,modules:string[]}>
	 */
	public function fpmWorkers( string $server ): array {
		$master = (int)( $this->state['pids']["fpm-$server"] ?? 0 );
		if ( !Processes::isRunning( $master ) ) {
			throw new RuntimeException( "App server $server is not running" );
		}
		return self::workersOf( $master );
	}

	/** Waits until no worker of any running app server is busy (post-send work done). */
	public function waitUntilIdle( float $timeoutSeconds = 60.0 ): void {
		foreach ( $this->servers() as $server ) {
			if ( $this->isRunning( "fpm-$server" ) && $this->isRunning( 'nginx' ) ) {
				self::waitUntilIdleAt( $this->serverUrl( $server ), $timeoutSeconds );
			}
		}
	}

	private function setUp( array $options ): void {
		$dir = $this->dir();
		$t = microtime( true );
		Processes::makeDirs( "$dir/redis", "$dir/nginx" );
		$this->spawnService( 'smtp' );
		$this->writeRedisConf();
		$this->spawnService( 'redis' );
		$this->initMariaDb();
		$this->state['timings']['mariadb'] = round( microtime( true ) - $t, 2 );

		$t = microtime( true );
		$mariadb = $this->state['mariadb'];
		$this->install(
			[
				'--dbtype', 'mysql', '--dbserver', "127.0.0.1:{$mariadb['port']}",
				'--dbname', $mariadb['database'], '--dbuser', $mariadb['user'], '--dbpass', $mariadb['password'],
				// The wiki's user made the tables: it has every right on its database and no other.
				'--installdbuser', $mariadb['user'], '--installdbpass', $mariadb['password'],
			],
			$this->url(),
			$options['sitename'] ?? 'TestFarm',
			$this->farmSettings(),
			$options['settings'] ?? ''
		);
		$this->state['timings']['install'] = round( microtime( true ) - $t, 2 );

		$t = microtime( true );
		$this->writeAppServers();
		foreach ( $this->servers() as $server ) {
			$this->spawnService( "fpm-$server" );
		}
		$this->spawnService( 'nginx' );
		if ( $options['jobRunner'] ?? true ) {
			$this->spawnService( 'jobrunner' );
		}
		$this->state['timings']['servers'] = round( microtime( true ) - $t, 2 );
	}

	/**
	 * Settings of every farm, after the harness's own: the shared cache and sessions in Redis,
	 * jobs left to the runner, the probe of the tests.
	 *
	 * @return string[]
	 */
	private function farmSettings(): array {
		$dir = $this->dir();
		$probe = __DIR__ . '/probe';
		return [
			'$wgObjectCaches["farm-redis"] = [',
			// 1.43 namespaces the class (the old name is an alias).
			'	"class" => class_exists( "Wikimedia\\ObjectCache\\RedisBagOStuff" )'
				. ' ? "Wikimedia\\ObjectCache\\RedisBagOStuff" : "RedisBagOStuff",',
			'	"servers" => [ "127.0.0.1:' . $this->state['redis']['port'] . '" ],',
			'	"loggroup" => "redis",',
			'];',
			'$wgMainCacheType = "farm-redis";',
			'$wgSessionCacheType = "farm-redis";',
			// Every job waits for the runner: none is run at the end of a web request.
			'$wgJobRunRate = 0;',
			// What goes wrong with the shared services (not every cache hit).
			'foreach ( [ "redis", "objectcache", "session", "DBConnection", "DBQuery", "JobQueue" ] as $group ) {',
			'	$wgDebugLogGroups[$group] = [ "destination" => ' . var_export( "$dir/logs/", true )
				. ' . strtolower( $group ) . ".log", "level" => "info" ];',
			'}',
			'$wgAutoloadClasses[' . var_export( self::PROBE_API, true ) . '] = ' . var_export( "$probe/ApiFarmProbe.php", true ) . ';',
			'$wgAutoloadClasses[' . var_export( self::PROBE_JOB, true ) . '] = ' . var_export( "$probe/FarmProbeJob.php", true ) . ';',
			'$wgAPIModules["farmprobe"] = ' . var_export( self::PROBE_API, true ) . ';',
			'$wgJobClasses["farmProbe"] = ' . var_export( self::PROBE_JOB, true ) . ';',
			'$wgNppFarmJobLog = ' . var_export( "$dir/logs/farm-jobs.log", true ) . ';',
		];
	}

	/**
	 * A datadir of its own made by mariadb-install-db, the server started on it, and the wiki's
	 * database and user created. The OS user running the harness is MariaDB's administrator
	 * (unix_socket authentication through the private socket); the wiki connects over TCP
	 * with a password. MariaDB runs under eatmydata: a throwaway database needs no fsync, and
	 * without them the datadir and core's tables take about as long on a busy disk as on an
	 * idle one (1.3-2.5 s here, against 2.5-8.7 s with every fsync).
	 */
	private function initMariaDb(): void {
		$dir = $this->dir();
		$conf = "$dir/mariadb";
		Processes::makeDirs( $conf );
		$user = $this->osUser();
		$cnf = [
			'[client]',
			"socket = $conf/mariadbd.sock",
			"user = $user",
			'',
			'[mariadbd]',
			"datadir = $conf/data",
			"socket = $conf/mariadbd.sock",
			'port = ' . $this->state['mariadb']['port'],
			'bind-address = 127.0.0.1',
			"pid-file = $conf/mariadbd.pid",
			"log-error = $dir/logs/mariadb.log",
			"tmpdir = $dir/tmp",
			// mariadbd refuses to run as root unless told to.
			"user = $user",
			'skip-name-resolve',
			'skip-log-bin',
			// Small and fast: a test database, lost with its directory.
			'innodb-buffer-pool-size = 64M',
			'innodb-log-file-size = 16M',
			'innodb-flush-log-at-trx-commit = 0',
			'innodb-doublewrite = 0',
			// Linux AIO contexts are a machine-wide limit that many instances could exhaust.
			'innodb-use-native-aio = 0',
			'character-set-server = utf8mb4',
		];
		file_put_contents( "$conf/my.cnf", implode( "\n", $cnf ) . "\n" );
		// --defaults-file must come first; it keeps /etc/mysql's configuration out.
		[ $code, $out, $err ] = Processes::run( [
			self::EATMYDATA, self::MARIADB_INSTALL_DB, "--defaults-file=$conf/my.cnf",
			'--skip-test-db', '--auth-root-authentication-method=socket',
		], [ 'PATH' => '/usr/sbin:/usr/bin:/sbin:/bin', 'HOME' => $dir ] );
		if ( $code !== 0 ) {
			throw new RuntimeException( "mariadb-install-db failed ($code): $out $err" );
		}
		$this->spawnService( 'mariadb' );
		$mariadb = $this->state['mariadb'];
		$this->mariadbAdmin( implode( ' ', [
			"CREATE DATABASE `{$mariadb['database']}`;",
			"CREATE USER '{$mariadb['user']}'@'127.0.0.1' IDENTIFIED BY '{$mariadb['password']}';",
			"GRANT ALL PRIVILEGES ON `{$mariadb['database']}`.* TO '{$mariadb['user']}'@'127.0.0.1';",
		] ) );
	}

	/** Runs SQL as MariaDB's administrator (the OS user, through the socket). */
	private function mariadbAdmin( string $sql ): string {
		[ $code, $out, $err ] = Processes::run(
			[ self::MARIADB_CLIENT, '--defaults-file=' . $this->dir() . '/mariadb/my.cnf', '--batch', '-e', $sql ],
			[ 'PATH' => '/usr/bin:/bin', 'HOME' => $this->dir() ]
		);
		if ( $code !== 0 ) {
			throw new RuntimeException( "mariadb -e '$sql' failed ($code): $out $err" );
		}
		return $out;
	}

	private function writeRedisConf(): void {
		$dir = $this->dir();
		$conf = [
			'bind 127.0.0.1',
			'port ' . $this->state['redis']['port'],
			'protected-mode yes',
			'daemonize no',
			"pidfile $dir/redis/redis.pid",
			// The log goes to standard output, which spawn() sends to logs/redis-server.log.
			'logfile ""',
			"dir $dir/redis",
			// No persistence: a cache, lost when Redis stops.
			'save ""',
			'appendonly no',
			'maxmemory 128mb',
			'maxmemory-policy allkeys-lru',
		];
		file_put_contents( "$dir/redis/redis.conf", implode( "\n", $conf ) . "\n" );
	}

	/**
	 * Each app server's php-fpm configuration (DIR/fpm-NAME), with APCu (loadApcu()), and
	 * nginx's (DIR/nginx).
	 */
	private function writeAppServers(): void {
		$dir = $this->dir();
		$upstream = [ 'upstream farm_app_servers {' ];
		// The app server that answered, from the address nginx passed the request to (the last
		// one when it had to retry on another).
		$names = [ 'map $upstream_addr $farm_server {', "\tdefault \"\";" ];
		$direct = [];
		foreach ( $this->state['servers'] as $name => $server ) {
			$this->writeFpmPool(
				"$dir/fpm-$name", "app-$name", $server['fpmPort'], $this->state['workers'],
				"$dir/logs/php-fpm-$name.log", "$dir/logs/php-error-$name.log",
				[ 'MW_CONFIG_FILE' => "$dir/LocalSettings.php", 'NPP_FARM_SERVER' => $name ]
			);
			self::loadApcu( "$dir/fpm-$name" );
			$upstream[] = "\tserver 127.0.0.1:{$server['fpmPort']};";
			$names[] = "\t\"~127\\.0\\.0\\.1:{$server['fpmPort']}\$\" $name;";
			$direct = array_merge(
				$direct,
				[ 'server {', "\tlisten 127.0.0.1:{$server['port']};", "\tadd_header X-Farm-Server $name always;" ],
				$this->mediaWikiLocations( "127.0.0.1:{$server['fpmPort']}" ),
				[ '}' ]
			);
		}
		$upstream[] = '}';
		$names[] = '}';
		$this->writeNginx( "$dir/nginx", array_merge(
			$upstream,
			$names,
			[ 'server {', "\tlisten 127.0.0.1:{$this->state['port']};", "\tadd_header X-Farm-Server \$farm_server always;" ],
			$this->mediaWikiLocations( 'farm_app_servers' ),
			[ '}' ],
			$direct
		) );
	}

	private function spawnService( string $service ): void {
		$dir = $this->dir();
		switch ( $service ) {
			case 'smtp':
				$this->startSmtpSink( $this->state['echoMail'] );
				$pid = $this->state['pids']['smtp'];
				break;
			case 'redis':
				$log = "$dir/logs/redis-server.log";
				$pid = Processes::spawn( [ self::REDIS_SERVER, "$dir/redis/redis.conf" ], [], $log );
				Processes::waitForPort( $this->state['redis']['port'], $log, $pid );
				break;
			case 'mariadb':
				$pid = Processes::spawn(
					[ self::EATMYDATA, self::MARIADBD, "--defaults-file=$dir/mariadb/my.cnf" ],
					[ 'PATH' => '/usr/sbin:/usr/bin:/sbin:/bin' ],
					"$dir/logs/mariadb.log"
				);
				Processes::waitForPort( $this->state['mariadb']['port'], "$dir/logs/mariadb.log", $pid, 30.0 );
				break;
			case 'nginx':
				$ports = [ $this->state['port'] ];
				foreach ( $this->state['servers'] as $server ) {
					$ports[] = $server['port'];
				}
				$pid = $this->startNginx( "$dir/nginx", $ports );
				break;
			case 'jobrunner':
				$pid = $this->spawnJobRunner( $this->state['jobRunnerPause'], [ 'NPP_FARM_SERVER' => 'jobrunner' ] );
				break;
			default:
				$server = substr( $service, strlen( 'fpm-' ) );
				$pid = $this->startFpm( "$dir/fpm-$server", $this->serverState( $server )['fpmPort'], "$dir/logs/php-fpm-$server.log" );
		}
		$this->state['pids'][$service] = $pid;
		// At once: a process that dies while starting the farm leaves what `wiki.php farm down` stops.
		$this->saveState();
	}

	private function checkService( string $service ): void {
		if ( !in_array( $service, $this->services(), true ) ) {
			throw new RuntimeException( "Unknown service '$service' (" . implode( ', ', $this->services() ) . ')' );
		}
	}

	/** @return array{port:int,url:string,fpmPort:int} */
	private function serverState( string $server ): array {
		if ( !isset( $this->state['servers'][$server] ) ) {
			throw new RuntimeException( "No app server '$server' (" . implode( ', ', $this->servers() ) . ')' );
		}
		return $this->state['servers'][$server];
	}

	private function osUser(): string {
		$user = function_exists( 'posix_getpwuid' ) ? posix_getpwuid( posix_geteuid() ) : false;
		return $user ? $user['name'] : (string)getenv( 'USER' );
	}
}
