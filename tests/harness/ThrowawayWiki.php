<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Harness;

use RuntimeException;

/**
 * A throwaway MediaWiki on SQLite, served over HTTP on 127.0.0.1, with an SMTP sink that keeps
 * its mail. Installed in about a second, with or without the extension, and torn down by PID.
 * The core is MediaWiki 1.43 (Debian 13's packages, unpacked by tests/mediawiki/setup.sh) or 1.39
 * (Debian 12's package): see core().
 *
 * Two servers: PHP's built-in server (`php -S`, the default: no setup, enough for
 * functional tests) or nginx + php-fpm from Debian's packages (`'server' => 'fpm'`: the
 * production shape, with opcache and APCu, for timings and load). The fpm stack runs from
 * private configuration, PID and log files inside the wiki directory, on unprivileged
 * ports, and never touches the system's nginx or php-fpm services.
 *
 * State lives in one directory: LocalSettings.php, the database, logs, caught mail and a
 * `harness.json` describing the running processes, so another process (the CLI in wiki.php)
 * can find and stop the wiki.
 */
final class ThrowawayWiki {

	public const ADMIN_USER = 'Admin';
	public const ADMIN_PASSWORD = 'Throwaway-Admin-Pass-2026';
	private const PYTHON = '/usr/bin/python3';
	/** php-fpm of the 'fpm' server unless NPP_PHP_FPM names another (see fpmBinary()). */
	private const FPM_BINARY = '/usr/sbin/php-fpm8.2';
	private const NGINX_BINARY = '/usr/sbin/nginx';
	private const FPM_STATUS_PATH = '/fpm-status';

	/** @var array<string,mixed> */
	private array $state;

	/** @var string|null The default core directory, once found */
	private static ?string $defaultCore = null;

	private function __construct( array $state ) {
		$this->state = $state;
	}

	/** The php-fpm binary of the 'fpm' server: NPP_PHP_FPM, else Debian 12's. */
	public static function fpmBinary(): string {
		return getenv( 'NPP_PHP_FPM' ) ?: self::FPM_BINARY;
	}

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
	 *   - echoMail (bool): the SMTP sink prints each mail to its log (default false)
	 *   - sitename (string): default "TestWiki"
	 *   - core (string): MediaWiki core directory (default: core())
	 * @return self
	 */
	public static function start( array $options = [] ): self {
		$repo = dirname( __DIR__, 2 );
		$dir = $options['dir'] ?? self::makeTempDir();
		foreach ( [ '', '/logs', '/mail', '/cache', '/images', '/tmp' ] as $sub ) {
			if ( !is_dir( $dir . $sub ) && !mkdir( $dir . $sub, 0777, true ) ) {
				throw new RuntimeException( "Cannot create $dir$sub" );
			}
		}
		$dir = realpath( $dir );
		$port = $options['port'] ?? self::freePort();
		$smtpPort = self::freePort();
		$withExtension = $options['extension'] ?? true;
		$module = array_key_exists( 'module', $options ) ? $options['module']
			: ( getenv( 'NPP_MODULE' ) ?: "$repo/target/release/libnative_password_policy.so" );
		if ( $withExtension && $module !== false && !is_file( $module ) ) {
			throw new RuntimeException( "The module $module is not built: run cargo build --release" );
		}
		$state = [
			'dir' => $dir,
			'port' => $port,
			'url' => "http://127.0.0.1:$port",
			'smtpPort' => $smtpPort,
			'extension' => $withExtension,
			'module' => $withExtension && $module !== false ? $module : null,
			'moduleIni' => (bool)( $options['moduleIni'] ?? false ),
			'env' => $options['env'] ?? [],
			'server' => $options['server'] ?? 'builtin',
			'repo' => $repo,
			'core' => $options['core'] ?? self::core(),
			'pids' => [],
		];
		$wiki = new self( $state );
		if ( $state['module'] && $state['moduleIni'] ) {
			mkdir( "$dir/php.d" );
			file_put_contents( "$dir/php.d/native_password_policy.ini", "extension={$state['module']}\n" );
		}
		$wiki->install( $options['sitename'] ?? 'TestWiki', $options['settings'] ?? '' );
		$wiki->startSmtpSink( (bool)( $options['echoMail'] ?? false ) );
		try {
			if ( $state['server'] === 'fpm' ) {
				$wiki->startFpmStack( (int)( $options['workers'] ?? 2 ), (bool)( $options['opcache'] ?? true ) );
			} elseif ( $state['server'] === 'builtin' ) {
				$wiki->startServer( (int)( $options['workers'] ?? 2 ) );
			} else {
				throw new RuntimeException( "Unknown server '{$state['server']}' (builtin or fpm)" );
			}
		} catch ( RuntimeException $e ) {
			$wiki->stop( true );
			throw $e;
		}
		$wiki->saveState();
		return $wiki;
	}

	/**
	 * The wiki described by DIR/harness.json (started by another process).
	 */
	public static function attach( string $dir ): self {
		$json = @file_get_contents( "$dir/harness.json" );
		if ( $json === false ) {
			throw new RuntimeException( "No throwaway wiki in $dir" );
		}
		return new self( json_decode( $json, true, 16, JSON_THROW_ON_ERROR ) );
	}

	/**
	 * The MediaWiki core wikis run on by default: `$NPP_MW_CORE` when set, else the tree of
	 * release `$NPP_MEDIAWIKI` (1.43 by default, or 1.39) that tests/mediawiki/setup.sh prepares
	 * (cached: a second call costs a stamp comparison).
	 */
	public static function core(): string {
		if ( self::$defaultCore === null ) {
			$core = (string)getenv( 'NPP_MW_CORE' );
			if ( $core === '' ) {
				$release = (string)( getenv( 'NPP_MEDIAWIKI' ) ?: '1.43' );
				[ $code, $out, $err ] = self::run(
					[ 'bash', dirname( __DIR__ ) . '/mediawiki/setup.sh', $release ],
					array_filter( [
						'PATH' => getenv( 'PATH' ) ?: '/usr/bin:/bin',
						'HOME' => getenv( 'HOME' ),
						'NPP_CACHE_DIR' => getenv( 'NPP_CACHE_DIR' ),
					], 'is_string' )
				);
				$lines = explode( "\n", trim( $out ) );
				$core = (string)end( $lines );
				if ( $code !== 0 || !is_file( "$core/includes/Defines.php" ) ) {
					throw new RuntimeException( "tests/mediawiki/setup.sh $release failed ($code): $err" );
				}
			}
			if ( !is_file( "$core/includes/Defines.php" ) ) {
				throw new RuntimeException( "NPP_MW_CORE=$core is not a MediaWiki core directory" );
			}
			self::$defaultCore = $core;
		}
		return self::$defaultCore;
	}

	/**
	 * MW_VERSION of a core directory, e.g. "1.43.9".
	 */
	public static function versionOf( string $core ): string {
		$defines = (string)@file_get_contents( "$core/includes/Defines.php" );
		if ( !preg_match( "/define\\(\\s*'MW_VERSION',\\s*'([^']+)'/", $defines, $m ) ) {
			throw new RuntimeException( "No MW_VERSION in $core/includes/Defines.php" );
		}
		return $m[1];
	}

	/**
	 * The path of one of core's maintenance scripts, by its 1.39 file name (e.g. "version.php"):
	 * 1.43 spells some with a capital letter ("Version.php").
	 */
	public function coreScript( string $name ): string {
		$path = $this->coreDir() . "/maintenance/$name";
		return is_file( $path ) ? $path : $this->coreDir() . '/maintenance/' . ucfirst( $name );
	}

	/** The MediaWiki core directory this wiki runs on. */
	public function coreDir(): string {
		return $this->state['core'];
	}

	/** MW_VERSION of this wiki's core, e.g. "1.43.9". */
	public function mediaWikiVersion(): string {
		return self::versionOf( $this->coreDir() );
	}

	/** Whether this wiki's MediaWiki is at least $version (e.g. "1.43"). */
	public function mediaWikiAtLeast( string $version ): bool {
		return version_compare( $this->mediaWikiVersion(), $version, '>=' );
	}

	public function dir(): string {
		return $this->state['dir'];
	}

	public function url(): string {
		return $this->state['url'];
	}

	public function apiUrl(): string {
		return $this->state['url'] . '/api.php';
	}

	public function smtpPort(): int {
		return $this->state['smtpPort'];
	}

	public function hasExtension(): bool {
		return $this->state['extension'];
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
	 * Stops every process of this wiki (by process group) and, unless $keepFiles, removes its directory.
	 */
	public function stop( bool $keepFiles = false ): void {
		foreach ( $this->state['pids'] as $pid ) {
			self::killGroup( (int)$pid );
		}
		$this->state['pids'] = [];
		if ( $keepFiles ) {
			$this->saveState();
		} else {
			self::removeTree( $this->dir() );
		}
	}

	/**
	 * Runs a PHP command line against this wiki (MW_CONFIG_FILE set, the module loaded when the
	 * wiki has the extension).
	 *
	 * @param string[] $args Arguments after `php`, e.g. a maintenance script and its options
	 * @param string|null $stdin
	 * @return array{0:int,1:string,2:string} Exit code, stdout, stderr
	 */
	public function php( array $args, ?string $stdin = null ): array {
		$command = array_merge( [ PHP_BINARY ], $this->phpOptions(), $args );
		return self::run( $command, $this->phpEnvironment(), $stdin );
	}

	/**
	 * Runs a maintenance script of core (name relative to maintenance/) or of this checkout
	 * (absolute path, through runScript.php), failing loudly on a non-zero exit.
	 *
	 * @param string $script
	 * @param string[] $args
	 * @param string|null $stdin
	 * @return string stdout
	 */
	public function maintenance( string $script, array $args = [], ?string $stdin = null ): string {
		$path = str_starts_with( $script, '/' )
			? [ $this->coreDir() . '/maintenance/runScript.php', $script ]
			: [ $this->coreDir() . "/maintenance/$script" ];
		[ $code, $out, $err ] = $this->php( array_merge( $path, $args ), $stdin );
		if ( $code !== 0 ) {
			throw new RuntimeException( "$script failed ($code): $out $err" );
		}
		return $out;
	}

	/**
	 * Creates accounts through MediaWiki (AuthManager), optionally with a confirmed address and groups.
	 *
	 * @param array[] $users Each: name, password (optional), email (optional; confirmed unless
	 *   emailConfirmed is false), realName (optional), groups (optional)
	 */
	public function createUsers( array $users ): void {
		$this->maintenance( __DIR__ . '/CreateTestUsers.php', [], json_encode( $users, JSON_THROW_ON_ERROR ) );
	}

	/**
	 * Mail caught so far, oldest first.
	 *
	 * @return CaughtMail[]
	 */
	public function mails(): array {
		$files = glob( $this->dir() . '/mail/*.eml' ) ?: [];
		sort( $files );
		return array_map( static fn ( $file ) => CaughtMail::fromFile( $file ), $files );
	}

	/**
	 * Waits until at least $count mails have arrived.
	 *
	 * @return CaughtMail[]
	 */
	public function waitForMails( int $count, float $timeoutSeconds = 10.0 ): array {
		$deadline = microtime( true ) + $timeoutSeconds;
		do {
			$mails = $this->mails();
			if ( count( $mails ) >= $count ) {
				return $mails;
			}
			usleep( 50_000 );
		} while ( microtime( true ) < $deadline );
		throw new RuntimeException( "Expected $count mails, got " . count( $mails ) . " within {$timeoutSeconds}s" );
	}

	public function clearMails(): void {
		array_map( 'unlink', glob( $this->dir() . '/mail/*.eml' ) ?: [] );
	}

	/** Contents of a log file of the wiki (logs/NAME), empty when absent. */
	public function log( string $name ): string {
		return (string)@file_get_contents( $this->dir() . "/logs/$name" );
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
		$workers = [];
		foreach ( glob( '/proc/[0-9]*/stat' ) ?: [] as $statFile ) {
			$stat = @file_get_contents( $statFile );
			// The command name (field 2) may hold spaces: the fields after it start at ") ".
			$fields = $stat === false ? [] : explode( ' ', substr( $stat, strrpos( $stat, ')' ) + 2 ) );
			if ( (int)( $fields[1] ?? 0 ) !== $master ) {
				continue;
			}
			$pid = (int)$stat;
			$status = (string)@file_get_contents( "/proc/$pid/status" );
			preg_match( '/^VmRSS:\s+(\d+) kB/m', $status, $rss );
			preg_match( '/^VmHWM:\s+(\d+) kB/m', $status, $hwm );
			$maps = (string)@file_get_contents( "/proc/$pid/maps" );
			$workers[$pid] = [
				'rssKiB' => (int)( $rss[1] ?? 0 ),
				'hwmKiB' => (int)( $hwm[1] ?? 0 ),
				// utime and stime, fields 14 and 15 of stat, in clock ticks (USER_HZ, 100 on Linux)
				'cpuSeconds' => ( (int)$fields[11] + (int)$fields[12] ) / 100,
				'modules' => str_contains( $maps, '/libnative_password_policy.so' ) ? [ 'native_password_policy' ] : [],
			];
		}
		ksort( $workers );
		return $workers;
	}

	/**
	 * php-fpm's status page of the pool (fpm server only), with one entry per worker.
	 *
	 * @return array Decoded `?json&full` answer: "active processes", "accepted conn",
	 *   "processes" (pid, state, requests, last request cpu/memory)...
	 */
	public function fpmStatus(): array {
		$json = @file_get_contents( $this->url() . self::FPM_STATUS_PATH . '?json&full' );
		$status = is_string( $json ) ? json_decode( $json, true ) : null;
		if ( !is_array( $status ) ) {
			throw new RuntimeException( 'No php-fpm status at ' . $this->url() . self::FPM_STATUS_PATH );
		}
		return $status;
	}

	/**
	 * Waits until no worker of the php-fpm pool is busy but the one answering the status
	 * request: the post-send work of earlier requests (deferred updates after
	 * fastcgi_finish_request()) is over.
	 */
	public function waitUntilIdle( float $timeoutSeconds = 60.0 ): void {
		$deadline = microtime( true ) + $timeoutSeconds;
		do {
			$status = $this->fpmStatus();
			if ( $status['active processes'] <= 1 ) {
				return;
			}
			usleep( 20_000 );
		} while ( microtime( true ) < $deadline );
		throw new RuntimeException( "php-fpm still has {$status['active processes']} busy workers after {$timeoutSeconds}s" );
	}

	/** @return string[] */
	private function phpOptions(): array {
		$options = [ '-d', 'display_errors=stderr', '-d', 'error_reporting=E_ALL' ];
		if ( $this->state['module'] && empty( $this->state['moduleIni'] ) ) {
			$options[] = '-d';
			$options[] = 'extension=' . $this->state['module'];
		}
		return $options;
	}

	/** @return array<string,string> */
	private function phpEnvironment(): array {
		$environment = [];
		if ( $this->state['module'] && !empty( $this->state['moduleIni'] ) ) {
			// A leading ':' keeps PHP's own scan directory (the distribution's modules) first.
			$environment['PHP_INI_SCAN_DIR'] = ':' . $this->dir() . '/php.d';
		}
		return $environment + ( $this->state['env'] ?? [] ) + [
			'MW_CONFIG_FILE' => $this->dir() . '/LocalSettings.php',
			// Extension maintenance scripts find core through it when not under extensions/.
			'MW_INSTALL_PATH' => $this->coreDir(),
			'PATH' => getenv( 'PATH' ) ?: '/usr/bin:/bin',
			'HOME' => $this->dir(),
		];
	}

	private function install( string $sitename, string $extraSettings ): void {
		$dir = $this->dir();
		// MW_CONFIG_FILE must not be set for the installer, or it looks for an existing wiki.
		[ $code, $out, $err ] = self::run( [
			PHP_BINARY, $this->coreDir() . '/maintenance/install.php',
			'--dbtype', 'sqlite', '--dbpath', "$dir/db", '--dbname', 'wiki',
			'--server', $this->url(), '--scriptpath', '',
			'--pass', self::ADMIN_PASSWORD, '--confpath', $dir,
			'--lang', 'en', $sitename, self::ADMIN_USER,
		], [ 'PATH' => getenv( 'PATH' ) ?: '/usr/bin:/bin', 'HOME' => $dir ] );
		if ( $code !== 0 ) {
			throw new RuntimeException( "install.php failed ($code): $out $err" );
		}
		$settings = [
			'',
			'# Added by tests/harness/ThrowawayWiki.php',
			// Debian's PlatformSettings.php points these at /var; keep everything in this directory.
			'$wgCacheDirectory = ' . var_export( "$dir/cache", true ) . ';',
			'$wgUploadDirectory = ' . var_export( "$dir/images", true ) . ';',
			'$wgTmpDirectory = ' . var_export( "$dir/tmp", true ) . ';',
			'$wgDBerrorLog = ' . var_export( "$dir/logs/dberror.log", true ) . ';',
			'$wgDebugLogGroups = [',
			"\t'exception' => " . var_export( "$dir/logs/exception.log", true ) . ',',
			"\t'error' => " . var_export( "$dir/logs/error.log", true ) . ',',
			"\t'fatal' => " . var_export( "$dir/logs/fatal.log", true ) . ',',
			"\t'NativePasswordPolicy' => " . var_export( "$dir/logs/nativepasswordpolicy.log", true ) . ',',
			'];',
			'$wgShowExceptionDetails = true;',
			'$wgEnableEmail = true;',
			'$wgEnableUserEmail = true;',
			'$wgEmailAuthentication = true;',
			'$wgPasswordSender = "wiki@localhost";',
			'$wgSMTP = [ "host" => "127.0.0.1", "port" => ' . $this->smtpPort()
				. ', "IDHost" => "localhost", "localhost" => "localhost", "auth" => false ];',
		];
		if ( $this->hasExtension() ) {
			$settings[] = 'wfLoadExtension( "NativePasswordPolicy", '
				. var_export( $this->state['repo'] . '/extension.json', true ) . ' );';
		}
		$settings[] = $extraSettings;
		file_put_contents( "$dir/LocalSettings.php", implode( "\n", $settings ) . "\n", FILE_APPEND );
	}

	private function startSmtpSink( bool $echo ): void {
		$command = [ self::PYTHON, __DIR__ . '/smtp_sink.py', '--port', (string)$this->smtpPort(),
			'--maildir', $this->dir() . '/mail' ];
		if ( $echo ) {
			$command[] = '--echo';
		}
		$this->state['pids']['smtp'] = self::spawn( $command, [], $this->dir() . '/logs/smtp.log' );
		self::waitForPort( $this->smtpPort(), $this->dir() . '/logs/smtp.log' );
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
		$this->state['pids']['http'] = self::spawn( $command, $environment, $this->dir() . '/logs/server.log' );
		self::waitForPort( $this->state['port'], $this->dir() . '/logs/server.log' );
	}

	/**
	 * Serves the wiki with nginx in front of a static php-fpm pool, as in production.
	 *
	 * Everything lives in DIR/fpm (configuration, PID files, nginx's temporary files) and
	 * DIR/logs. Both masters run in the foreground of their own session, so stop() ends them
	 * and their workers by process group. The module is loaded as an operator loads it: by the
	 * project's ini file (packaging/native_password_policy.ini) in a private directory that
	 * PHP_INI_SCAN_DIR adds after Debian's own conf.d (the leading ':' keeps the compiled-in
	 * directory, so opcache, APCu and the rest load as on a Debian server). MW_CONFIG_FILE is
	 * set through `env[]`. php-fpm's status page answers on /fpm-status, to 127.0.0.1 only.
	 * Run as root, the pool keeps root (`--allow-to-run-as-root`) so that it can write the
	 * wiki's SQLite files.
	 */
	private function startFpmStack( int $workers, bool $opcache ): void {
		foreach ( [ self::fpmBinary(), self::NGINX_BINARY ] as $binary ) {
			if ( !is_executable( $binary ) ) {
				throw new RuntimeException( "$binary is missing: run scripts/install-deps.sh (packages nginx php8.2-fpm), or set NPP_PHP_FPM" );
			}
		}
		$dir = $this->dir();
		$conf = "$dir/fpm";
		foreach ( [ $conf, "$conf/temp", "$conf/conf.d" ] as $sub ) {
			if ( !is_dir( $sub ) && !mkdir( $sub, 0777, true ) ) {
				throw new RuntimeException( "Cannot create $sub" );
			}
		}
		$fpmPort = self::freePort();
		$this->state['fpmPort'] = $fpmPort;
		$isRoot = function_exists( 'posix_geteuid' ) && posix_geteuid() === 0;

		$pool = [
			'[global]',
			"pid = $conf/php-fpm.pid",
			"error_log = $dir/logs/php-fpm.log",
			'daemonize = no',
			'',
			'[wiki]',
			"listen = 127.0.0.1:$fpmPort",
			'listen.allowed_clients = 127.0.0.1',
			'listen.backlog = 511',
			'pm = static',
			'pm.max_children = ' . max( 1, $workers ),
			'catch_workers_output = yes',
			'decorate_workers_output = no',
			'clear_env = yes',
			"env[MW_CONFIG_FILE] = $dir/LocalSettings.php",
			'env[PATH] = /usr/bin:/bin',
			"env[HOME] = $dir",
			'php_admin_flag[log_errors] = on',
			"php_admin_value[error_log] = $dir/logs/php-error.log",
			'php_admin_value[display_errors] = 0',
			'php_admin_value[error_reporting] = ' . E_ALL,
			'pm.status_path = ' . self::FPM_STATUS_PATH,
		];
		if ( !$opcache ) {
			// Only switching it off is allowed per pool; Debian's fpm has it on.
			$pool[] = 'php_admin_value[opcache.enable] = 0';
		}
		file_put_contents( "$conf/php-fpm.conf", implode( "\n", $pool ) . "\n" );
		if ( $this->state['module'] ) {
			$this->writeModuleIni( "$conf/conf.d" );
		}

		$temp = "$conf/temp";
		$nginx = [
			$isRoot ? 'user root;' : '',
			'worker_processes 1;',
			'daemon off;',
			"pid $conf/nginx.pid;",
			"error_log $dir/logs/nginx-error.log warn;",
			'events { worker_connections 1024; }',
			'http {',
			"\taccess_log $dir/logs/nginx-access.log;",
			"\tclient_body_temp_path $temp/client_body;",
			"\tfastcgi_temp_path $temp/fastcgi;",
			"\tproxy_temp_path $temp/proxy;",
			"\tuwsgi_temp_path $temp/uwsgi;",
			"\tscgi_temp_path $temp/scgi;",
			"\tinclude /etc/nginx/mime.types;",
			"\tclient_max_body_size 16m;",
			"\tkeepalive_timeout 65;",
			"\tserver {",
			"\t\tlisten 127.0.0.1:{$this->state['port']};",
			"\t\troot " . $this->coreDir() . ';',
			"\t\tindex index.php;",
			"\t\tlocation = " . self::FPM_STATUS_PATH . " {",
			"\t\t\tallow 127.0.0.1;",
			"\t\t\tdeny all;",
			"\t\t\tinclude /etc/nginx/fastcgi_params;",
			"\t\t\tfastcgi_param SCRIPT_NAME " . self::FPM_STATUS_PATH . ';',
			"\t\t\tfastcgi_param SCRIPT_FILENAME " . self::FPM_STATUS_PATH . ';',
			"\t\t\tfastcgi_pass 127.0.0.1:$fpmPort;",
			"\t\t}",
			"\t\tlocation ~ \\.php$ {",
			"\t\t\tinclude /etc/nginx/fastcgi_params;",
			"\t\t\tfastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;",
			"\t\t\tfastcgi_pass 127.0.0.1:$fpmPort;",
			"\t\t}",
			"\t}",
			'}',
		];
		file_put_contents( "$conf/nginx.conf", implode( "\n", $nginx ) . "\n" );

		$fpmCommand = [ self::fpmBinary(), '--nodaemonize', '--fpm-config', "$conf/php-fpm.conf" ];
		if ( $isRoot ) {
			$fpmCommand[] = '--allow-to-run-as-root';
		}
		$this->state['pids']['fpm'] = self::spawn(
			$fpmCommand,
			[ 'PATH' => '/usr/bin:/bin', 'PHP_INI_SCAN_DIR' => ":$conf/conf.d" ],
			"$dir/logs/php-fpm.log"
		);
		self::waitForPort( $fpmPort, "$dir/logs/php-fpm.log" );
		$this->state['pids']['nginx'] = self::spawn(
			[ self::NGINX_BINARY, '-p', "$conf/", '-c', "$conf/nginx.conf", '-e', "$dir/logs/nginx-error.log" ],
			[ 'PATH' => '/usr/bin:/bin' ],
			"$dir/logs/nginx-error.log"
		);
		self::waitForPort( $this->state['port'], "$dir/logs/nginx-error.log" );
	}

	/**
	 * The module's ini file as the project ships it (packaging/), its placeholder replaced by
	 * this wiki's module, as scripts/install.sh writes it.
	 */
	private function writeModuleIni( string $scanDir ): void {
		$template = $this->state['repo'] . '/packaging/native_password_policy.ini';
		$ini = @file_get_contents( $template );
		if ( $ini === false || !str_contains( $ini, '@MODULE@' ) ) {
			throw new RuntimeException( "$template is missing or has no @MODULE@ placeholder" );
		}
		file_put_contents( "$scanDir/native_password_policy.ini", str_replace( '@MODULE@', $this->state['module'], $ini ) );
	}

	private function saveState(): void {
		file_put_contents( $this->dir() . '/harness.json', json_encode( $this->state, JSON_PRETTY_PRINT ) );
	}

	/**
	 * Starts a command in its own session (so its whole process group can be stopped), detached
	 * from this process, with output to $log.
	 */
	private static function spawn( array $command, array $environment, string $log ): int {
		$env = '';
		foreach ( $environment as $name => $value ) {
			$env .= $name . '=' . escapeshellarg( $value ) . ' ';
		}
		$shell = 'env ' . $env . 'setsid ' . implode( ' ', array_map( 'escapeshellarg', $command ) )
			. ' >>' . escapeshellarg( $log ) . ' 2>&1 </dev/null & echo $!';
		$pid = (int)trim( (string)shell_exec( $shell ) );
		if ( $pid <= 0 ) {
			throw new RuntimeException( 'Could not start ' . $command[0] );
		}
		return $pid;
	}

	private static function killGroup( int $pid ): void {
		if ( $pid <= 0 || !posix_kill( $pid, 0 ) ) {
			return;
		}
		posix_kill( -$pid, SIGTERM );
		for ( $i = 0; $i < 50 && posix_kill( $pid, 0 ); $i++ ) {
			usleep( 100_000 );
			// Reap it if it is our child, so it does not linger as a zombie.
			pcntl_waitpid( $pid, $status, WNOHANG );
		}
		if ( posix_kill( $pid, 0 ) ) {
			posix_kill( -$pid, SIGKILL );
		}
	}

	private static function waitForPort( int $port, string $log ): void {
		$deadline = microtime( true ) + 15;
		while ( microtime( true ) < $deadline ) {
			$socket = @stream_socket_client( "tcp://127.0.0.1:$port", $errno, $errstr, 0.2 );
			if ( $socket ) {
				fclose( $socket );
				return;
			}
			usleep( 50_000 );
		}
		throw new RuntimeException( "Nothing listens on port $port after 15s; log:\n" . @file_get_contents( $log ) );
	}

	private static function freePort(): int {
		$server = stream_socket_server( 'tcp://127.0.0.1:0', $errno, $errstr );
		if ( !$server ) {
			throw new RuntimeException( "Cannot find a free port: $errstr" );
		}
		$name = stream_socket_get_name( $server, false );
		fclose( $server );
		return (int)substr( $name, strrpos( $name, ':' ) + 1 );
	}

	private static function makeTempDir(): string {
		$dir = sys_get_temp_dir() . '/npp-wiki-' . bin2hex( random_bytes( 6 ) );
		mkdir( $dir, 0700 );
		return $dir;
	}

	/**
	 * @return array{0:int,1:string,2:string}
	 */
	private static function run( array $command, array $environment, ?string $stdin = null ): array {
		// Output goes to files, not pipes: a chatty command can never block on a full pipe.
		$out = tmpfile();
		$err = tmpfile();
		$process = proc_open(
			$command,
			[ 0 => [ 'pipe', 'r' ], 1 => $out, 2 => $err ],
			$pipes,
			null,
			$environment
		);
		if ( !is_resource( $process ) ) {
			throw new RuntimeException( 'Cannot run ' . $command[0] );
		}
		fwrite( $pipes[0], $stdin ?? '' );
		fclose( $pipes[0] );
		$code = proc_close( $process );
		rewind( $out );
		rewind( $err );
		return [ $code, (string)stream_get_contents( $out ), (string)stream_get_contents( $err ) ];
	}

	private static function removeTree( string $dir ): void {
		if ( $dir === '' || $dir === '/' || !is_dir( $dir ) ) {
			return;
		}
		self::run( [ 'rm', '-rf', '--', $dir ], [ 'PATH' => '/usr/bin:/bin' ] );
	}
}
