<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Harness;

use RuntimeException;

/**
 * What the throwaway wikis share: the MediaWiki core they run on, the installer and the
 * harness's own settings, command lines against the wiki, the SMTP sink and its mail, the
 * php-fpm and nginx configurations, and the processes (by PID, in harness.json).
 *
 * ThrowawayWiki is one server (SQLite); ThrowawayFarm is several (MariaDB, Redis, a job runner).
 */
abstract class AbstractThrowawayWiki {

	public const ADMIN_USER = 'Admin';
	public const ADMIN_PASSWORD = 'Throwaway-Admin-Pass-2026';
	protected const PYTHON = '/usr/bin/python3';
	/** php-fpm of the 'fpm' server unless NPP_PHP_FPM names another (see fpmBinary()). */
	protected const FPM_BINARY = '/usr/sbin/php-fpm8.2';
	protected const NGINX_BINARY = '/usr/sbin/nginx';
	protected const FPM_STATUS_PATH = '/fpm-status';

	/** @var array<string,mixed> What harness.json holds: directory, ports, PIDs, options */
	protected array $state;

	/** @var string|null The default core directory, once found */
	private static ?string $defaultCore = null;

	final protected function __construct( array $state ) {
		$this->state = $state;
	}

	/**
	 * The wiki described by DIR/harness.json (started by another process).
	 */
	public static function attach( string $dir ): static {
		$json = @file_get_contents( "$dir/harness.json" );
		if ( $json === false ) {
			throw new RuntimeException( "No throwaway wiki in $dir" );
		}
		$state = json_decode( $json, true, 16, JSON_THROW_ON_ERROR );
		if ( ( $state['kind'] ?? ThrowawayWiki::class ) !== static::class ) {
			throw new RuntimeException( "$dir holds a {$state['kind']}, not a " . static::class );
		}
		return new static( $state );
	}

	/** The php-fpm binary of the 'fpm' server: NPP_PHP_FPM, else Debian 12's. */
	public static function fpmBinary(): string {
		return getenv( 'NPP_PHP_FPM' ) ?: self::FPM_BINARY;
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
				[ $code, $out, $err ] = Processes::run(
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

	public function smtpPort(): int {
		return $this->state['smtpPort'];
	}

	public function hasExtension(): bool {
		return $this->state['extension'];
	}

	/**
	 * Stops every process of this wiki (by process group) and, unless $keepFiles, removes its directory.
	 */
	public function stop( bool $keepFiles = false ): void {
		// Last started, first stopped: the front ends before what they depend on.
		foreach ( array_reverse( $this->state['pids'], true ) as $pid ) {
			Processes::killGroup( (int)$pid );
		}
		$this->state['pids'] = [];
		if ( $keepFiles ) {
			$this->saveState();
		} else {
			Processes::removeTree( $this->dir() );
		}
	}

	/**
	 * Runs a PHP command line against this wiki (MW_CONFIG_FILE set, the module loaded when the
	 * wiki has the extension).
	 *
	 * @param string[] $args Arguments after `php`, e.g. a maintenance script and its options
	 * @param string|null $stdin
	 * @param array<string,string> $environment More environment variables
	 * @return array{0:int,1:string,2:string} Exit code, stdout, stderr
	 */
	public function php( array $args, ?string $stdin = null, array $environment = [] ): array {
		$command = array_merge( [ PHP_BINARY ], $this->phpOptions(), $args );
		return Processes::run( $command, $environment + $this->phpEnvironment(), $stdin );
	}

	/**
	 * Runs a maintenance script of core (name relative to maintenance/) or of this checkout
	 * (absolute path, through runScript.php), failing loudly on a non-zero exit.
	 *
	 * @param string $script
	 * @param string[] $args
	 * @param string|null $stdin
	 * @param array<string,string> $environment More environment variables
	 * @return string stdout
	 */
	public function maintenance( string $script, array $args = [], ?string $stdin = null, array $environment = [] ): string {
		$path = str_starts_with( $script, '/' )
			? [ $this->coreDir() . '/maintenance/runScript.php', $script ]
			: [ $this->coreDir() . "/maintenance/$script" ];
		[ $code, $out, $err ] = $this->php( array_merge( $path, $args ), $stdin, $environment );
		if ( $code !== 0 ) {
			throw new RuntimeException( "$script failed ($code): $out $err" );
		}
		return $out;
	}

	/**
	 * Runs every job queued, once, with core's runJobs.php (what a job runner does), e.g. the
	 * extension's queued password resets; their mail is in the sink when it returns.
	 *
	 * @param string[] $args More options of runJobs.php (--type ..., --maxjobs N)
	 * @param array<string,string> $environment More environment variables (e.g. one that the
	 *   wiki's settings read, as web requests' settings may read a header)
	 * @return string What runJobs.php printed: one line per job
	 */
	public function runJobs( array $args = [], array $environment = [] ): string {
		return $this->maintenance( basename( $this->coreScript( 'runJobs.php' ) ), $args, null, $environment );
	}

	/**
	 * Runs the queued jobs with several runJobs.php at once, as a wiki with several job runners
	 * does, and waits until every one of them has exited (each runs jobs until none is ready).
	 *
	 * @param int $runners
	 * @param float $timeoutSeconds
	 * @return string What the runners printed (logs/jobrunners-at-once.log)
	 */
	public function runJobsConcurrently( int $runners, float $timeoutSeconds = 120.0 ): string {
		$log = $this->dir() . '/logs/jobrunners-at-once.log';
		@unlink( $log );
		$command = array_merge( [ PHP_BINARY ], $this->phpOptions(), [ $this->coreScript( 'runJobs.php' ) ] );
		$pids = [];
		for ( $i = 0; $i < $runners; $i++ ) {
			$pids[] = Processes::spawn( $command, $this->phpEnvironment(), $log );
		}
		$deadline = microtime( true ) + $timeoutSeconds;
		foreach ( $pids as $pid ) {
			while ( Processes::isRunning( $pid ) ) {
				if ( microtime( true ) > $deadline ) {
					array_map( [ Processes::class, 'killGroup' ], $pids );
					throw new RuntimeException( "Job runners still running after {$timeoutSeconds}s" );
				}
				usleep( 20_000 );
			}
		}
		return (string)@file_get_contents( $log );
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

	/** @return string[] */
	protected function phpOptions(): array {
		$options = [ '-d', 'display_errors=stderr', '-d', 'error_reporting=E_ALL' ];
		if ( $this->state['module'] && empty( $this->state['moduleIni'] ) ) {
			$options[] = '-d';
			$options[] = 'extension=' . $this->state['module'];
		}
		return $options;
	}

	/** @return array<string,string> */
	protected function phpEnvironment(): array {
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

	/**
	 * The state of a wiki about to be installed: directory (created, with the subdirectories
	 * every wiki has), SMTP port, extension and module, core.
	 *
	 * @param array $options Those of start(): dir, extension, module, env, core
	 * @param string $tempPrefix Name of a new temporary directory when no dir is given
	 * @return array<string,mixed>
	 */
	protected static function initialState( array $options, string $tempPrefix ): array {
		$repo = dirname( __DIR__, 2 );
		$dir = $options['dir'] ?? Processes::makeTempDir( $tempPrefix );
		foreach ( [ '', '/logs', '/mail', '/cache', '/images', '/tmp' ] as $sub ) {
			Processes::makeDirs( $dir . $sub );
		}
		$withExtension = $options['extension'] ?? true;
		$module = array_key_exists( 'module', $options ) ? $options['module']
			: ( getenv( 'NPP_MODULE' ) ?: "$repo/target/release/libnative_password_policy.so" );
		if ( $withExtension && $module !== false && !is_file( $module ) ) {
			throw new RuntimeException( "The module $module is not built: run cargo build --release" );
		}
		return [
			'kind' => static::class,
			'dir' => realpath( $dir ),
			'smtpPort' => Processes::freePort(),
			'extension' => $withExtension,
			'module' => $withExtension && $module !== false ? $module : null,
			'env' => $options['env'] ?? [],
			'repo' => $repo,
			'core' => $options['core'] ?? self::core(),
			'pids' => [],
		];
	}

	/**
	 * Runs core's installer into this wiki's directory (LocalSettings.php there), then appends
	 * the harness's settings and $extraSettings.
	 *
	 * @param string[] $databaseOptions --dbtype and what that database needs
	 * @param string $server $wgServer
	 * @param string $sitename
	 * @param string[] $moreSettings Lines of PHP after the harness's own, before $extraSettings
	 * @param string $extraSettings
	 */
	protected function install(
		array $databaseOptions, string $server, string $sitename, array $moreSettings, string $extraSettings
	): void {
		$dir = $this->dir();
		// MW_CONFIG_FILE must not be set for the installer, or it looks for an existing wiki.
		[ $code, $out, $err ] = Processes::run( array_merge(
			[ PHP_BINARY, $this->coreDir() . '/maintenance/install.php' ],
			$databaseOptions,
			[
				'--server', $server, '--scriptpath', '',
				'--pass', self::ADMIN_PASSWORD, '--confpath', $dir,
				'--lang', 'en', $sitename, self::ADMIN_USER,
			]
		), [ 'PATH' => getenv( 'PATH' ) ?: '/usr/bin:/bin', 'HOME' => $dir ] );
		if ( $code !== 0 ) {
			throw new RuntimeException( "install.php failed ($code): $out $err" );
		}
		$settings = [
			'',
			'# Added by tests/harness (' . substr( static::class, strrpos( static::class, '\\' ) + 1 ) . ')',
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
			// Jobs are run by runJobs() or a job runner, never at the end of web requests: where
			// the extension's queued password resets are run is the test's to choose (and the
			// extension reports a rate above 0 as a problem).
			'$wgJobRunRate = 0;',
		];
		if ( $this->hasExtension() ) {
			$settings[] = 'wfLoadExtension( "NativePasswordPolicy", '
				. var_export( $this->state['repo'] . '/extension.json', true ) . ' );';
		}
		$settings = array_merge( $settings, $moreSettings, [ $extraSettings ] );
		file_put_contents( "$dir/LocalSettings.php", implode( "\n", $settings ) . "\n", FILE_APPEND );
		if ( $this->hasExtension() ) {
			// The extension's table (password history), as an operator's update.php makes it.
			$this->maintenance( 'update.php', [ '--quick' ] );
		}
	}

	/**
	 * Starts a job runner: core's runJobs.php in a loop, each run doing every job ready, the
	 * next one $pause seconds after it ends. Not `runJobs.php --wait`: its JobQueueGroup keeps
	 * the list of queues with jobs for 15 s (PROC_CACHE_TTL), so a job pushed to a queue that
	 * was empty waits up to 16 s; a run costs about 0.1 s of CPU.
	 *
	 * @param string $pause Seconds between two runs, as sleep(1) takes them
	 * @param array<string,string> $environment More environment of the runner's processes
	 * @return int PID of the loop (in a process group of its own); its log is logs/jobrunner.log
	 */
	protected function spawnJobRunner( string $pause, array $environment = [] ): int {
		$command = array_merge(
			[ 'bash', '-c', 'while :; do "$@"; sleep ' . $pause . '; done', 'jobrunner', PHP_BINARY ],
			$this->phpOptions(),
			[ $this->coreScript( 'runJobs.php' ) ]
		);
		return Processes::spawn( $command, $environment + $this->phpEnvironment(), $this->dir() . '/logs/jobrunner.log' );
	}

	/** Starts the SMTP sink on smtpPort(), keeping mail in DIR/mail (its PID as 'smtp'). */
	protected function startSmtpSink( bool $echo ): void {
		$command = [ self::PYTHON, __DIR__ . '/smtp_sink.py', '--port', (string)$this->smtpPort(),
			'--maildir', $this->dir() . '/mail' ];
		if ( $echo ) {
			$command[] = '--echo';
		}
		$this->state['pids']['smtp'] = Processes::spawn( $command, [], $this->dir() . '/logs/smtp.log' );
		Processes::waitForPort( $this->smtpPort(), $this->dir() . '/logs/smtp.log', $this->state['pids']['smtp'] );
	}

	protected static function requireFpmAndNginx(): void {
		foreach ( [ self::fpmBinary(), self::NGINX_BINARY ] as $binary ) {
			if ( !is_executable( $binary ) ) {
				throw new RuntimeException( "$binary is missing: run scripts/install-deps.sh (packages nginx php8.2-fpm), or set NPP_PHP_FPM" );
			}
		}
	}

	/**
	 * Writes the configuration of one php-fpm master with one static pool, $confDir/php-fpm.conf,
	 * and its scan directory $confDir/conf.d (the module's ini file when the wiki has the module).
	 *
	 * @param string $confDir
	 * @param string $pool Pool name
	 * @param int $port Listens on 127.0.0.1:$port
	 * @param int $workers pm.max_children
	 * @param string $masterLog The master's error_log
	 * @param string $errorLog PHP's error_log of the workers
	 * @param array<string,string> $env Environment of the workers (besides PATH and HOME)
	 * @param string[] $more More lines of the pool
	 */
	protected function writeFpmPool(
		string $confDir, string $pool, int $port, int $workers, string $masterLog, string $errorLog,
		array $env, array $more = []
	): void {
		Processes::makeDirs( $confDir, "$confDir/conf.d" );
		$lines = [
			'[global]',
			"pid = $confDir/php-fpm.pid",
			"error_log = $masterLog",
			'daemonize = no',
			'',
			"[$pool]",
			"listen = 127.0.0.1:$port",
			'listen.allowed_clients = 127.0.0.1',
			'listen.backlog = 511',
			'pm = static',
			'pm.max_children = ' . max( 1, $workers ),
			'catch_workers_output = yes',
			'decorate_workers_output = no',
			'clear_env = yes',
		];
		foreach ( $env + [ 'PATH' => '/usr/bin:/bin', 'HOME' => $this->dir() ] as $name => $value ) {
			$lines[] = "env[$name] = $value";
		}
		$lines = array_merge( $lines, [
			'php_admin_flag[log_errors] = on',
			"php_admin_value[error_log] = $errorLog",
			'php_admin_value[display_errors] = 0',
			'php_admin_value[error_reporting] = ' . E_ALL,
			'pm.status_path = ' . self::FPM_STATUS_PATH,
		], $more );
		file_put_contents( "$confDir/php-fpm.conf", implode( "\n", $lines ) . "\n" );
		if ( $this->state['module'] ) {
			$this->writeModuleIni( "$confDir/conf.d" );
		}
	}

	/**
	 * Loads APCu in the scan directory $confDir/conf.d of a pool written by writeFpmPool(), when
	 * Debian's configuration does not load it already (scripts/install-deps.sh leaves it off for
	 * every other PHP): a production server's local cache, where MediaWiki keeps its extension
	 * registry among other things.
	 */
	protected static function loadApcu( string $confDir ): void {
		static $loadedBy = [];
		$binary = self::fpmBinary();
		if ( !isset( $loadedBy[$binary] ) ) {
			[ , $modules ] = Processes::run( [ $binary, '-m' ], [ 'PATH' => '/usr/bin:/bin' ] );
			$loadedBy[$binary] = (bool)preg_match( '/^apcu$/mi', $modules );
		}
		if ( !$loadedBy[$binary] ) {
			file_put_contents( "$confDir/conf.d/apcu.ini", "extension=apcu.so\napc.enabled=1\napc.shm_size=32M\n" );
		}
	}

	/**
	 * Starts the php-fpm master of $confDir (written by writeFpmPool()) in the foreground of its
	 * own session and waits for its port. PHP_INI_SCAN_DIR adds $confDir/conf.d after Debian's
	 * own scan directory (the leading ':' keeps the compiled-in one, so opcache and the rest load
	 * as on a Debian server). Run as root, the pool keeps root (`--allow-to-run-as-root`), so
	 * that it can write the wiki's files.
	 *
	 * @return int PID of the master
	 */
	protected function startFpm( string $confDir, int $port, string $masterLog ): int {
		$command = [ self::fpmBinary(), '--nodaemonize', '--fpm-config', "$confDir/php-fpm.conf" ];
		if ( Processes::isRoot() ) {
			$command[] = '--allow-to-run-as-root';
		}
		$pid = Processes::spawn( $command, [ 'PATH' => '/usr/bin:/bin', 'PHP_INI_SCAN_DIR' => ":$confDir/conf.d" ], $masterLog );
		Processes::waitForPort( $port, $masterLog, $pid );
		return $pid;
	}

	/**
	 * The module's ini file as the project ships it (packaging/), its placeholder replaced by
	 * this wiki's module, as scripts/install.sh writes it.
	 */
	protected function writeModuleIni( string $scanDir ): void {
		$template = $this->state['repo'] . '/packaging/native_password_policy.ini';
		$ini = @file_get_contents( $template );
		if ( $ini === false || !str_contains( $ini, '@MODULE@' ) ) {
			throw new RuntimeException( "$template is missing or has no @MODULE@ placeholder" );
		}
		file_put_contents( "$scanDir/native_password_policy.ini", str_replace( '@MODULE@', $this->state['module'], $ini ) );
	}

	/**
	 * Writes $confDir/nginx.conf: one worker in the foreground, PID and temporary files in
	 * $confDir, logs in DIR/logs (nginx-error.log, nginx-access.log), then $httpLines (server
	 * blocks...) inside `http {}`. As root, the worker runs as root too, to read and write what
	 * the wiki's processes made.
	 *
	 * @param string $confDir
	 * @param string[] $httpLines
	 */
	protected function writeNginx( string $confDir, array $httpLines ): void {
		$logs = $this->dir() . '/logs';
		$temp = "$confDir/temp";
		Processes::makeDirs( $confDir, $temp );
		$lines = [
			Processes::isRoot() ? 'user root;' : '',
			'worker_processes 1;',
			'daemon off;',
			"pid $confDir/nginx.pid;",
			"error_log $logs/nginx-error.log warn;",
			'events { worker_connections 1024; }',
			'http {',
			"\taccess_log $logs/nginx-access.log;",
			"\tclient_body_temp_path $temp/client_body;",
			"\tfastcgi_temp_path $temp/fastcgi;",
			"\tproxy_temp_path $temp/proxy;",
			"\tuwsgi_temp_path $temp/uwsgi;",
			"\tscgi_temp_path $temp/scgi;",
			"\tinclude /etc/nginx/mime.types;",
			"\tclient_max_body_size 16m;",
			"\tkeepalive_timeout 65;",
		];
		foreach ( $httpLines as $line ) {
			$lines[] = "\t$line";
		}
		$lines[] = '}';
		file_put_contents( "$confDir/nginx.conf", implode( "\n", $lines ) . "\n" );
	}

	/**
	 * The locations of a server block that serves MediaWiki from core's directory: `*.php` and
	 * php-fpm's status page (127.0.0.1 only) to $fastcgiPass (an address or an upstream).
	 *
	 * @param string $fastcgiPass
	 * @return string[]
	 */
	protected function mediaWikiLocations( string $fastcgiPass ): array {
		return [
			"\troot " . $this->coreDir() . ';',
			"\tindex index.php;",
			"\tlocation = " . self::FPM_STATUS_PATH . " {",
			"\t\tallow 127.0.0.1;",
			"\t\tdeny all;",
			"\t\tinclude /etc/nginx/fastcgi_params;",
			"\t\tfastcgi_param SCRIPT_NAME " . self::FPM_STATUS_PATH . ';',
			"\t\tfastcgi_param SCRIPT_FILENAME " . self::FPM_STATUS_PATH . ';',
			"\t\tfastcgi_pass $fastcgiPass;",
			"\t}",
			"\tlocation ~ \\.php$ {",
			"\t\tinclude /etc/nginx/fastcgi_params;",
			"\t\tfastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;",
			"\t\tfastcgi_pass $fastcgiPass;",
			"\t}",
		];
	}

	/**
	 * Starts nginx with $confDir/nginx.conf (written by writeNginx()) and waits for its ports.
	 *
	 * @param string $confDir
	 * @param int[] $ports
	 * @return int PID of the master
	 */
	protected function startNginx( string $confDir, array $ports ): int {
		$log = $this->dir() . '/logs/nginx-error.log';
		$pid = Processes::spawn(
			[ self::NGINX_BINARY, '-p', "$confDir/", '-c', "$confDir/nginx.conf", '-e', $log ],
			[ 'PATH' => '/usr/bin:/bin' ],
			$log
		);
		foreach ( $ports as $port ) {
			Processes::waitForPort( $port, $log, $pid );
		}
		return $pid;
	}

	/**
	 * php-fpm's status page (`?json&full`) served at $url . /fpm-status.
	 *
	 * @return array "active processes", "accepted conn", "processes" (pid, state, requests...)
	 */
	protected static function fpmStatusAt( string $url ): array {
		$json = @file_get_contents( $url . self::FPM_STATUS_PATH . '?json&full' );
		$status = is_string( $json ) ? json_decode( $json, true ) : null;
		if ( !is_array( $status ) ) {
			throw new RuntimeException( 'No php-fpm status at ' . $url . self::FPM_STATUS_PATH );
		}
		return $status;
	}

	/**
	 * Waits until no worker of the php-fpm pool whose status page is at $url is busy but the
	 * one answering the status request: the post-send work of earlier requests (deferred
	 * updates after fastcgi_finish_request()) is over.
	 */
	protected static function waitUntilIdleAt( string $url, float $timeoutSeconds ): void {
		$deadline = microtime( true ) + $timeoutSeconds;
		do {
			$status = self::fpmStatusAt( $url );
			if ( $status['active processes'] <= 1 ) {
				return;
			}
			usleep( 20_000 );
		} while ( microtime( true ) < $deadline );
		throw new RuntimeException( "php-fpm at $url still has {$status['active processes']} busy workers after {$timeoutSeconds}s" );
	}

	/**
	 * The workers of a php-fpm master and their memory, from /proc.
	 *
	 * @param int $master PID of the master
	 * @return array<int,array{rssKiB:int,hwmKiB:int,cpuSeconds:float,modules:string[]}> By PID,
	 *   ascending: resident set size now (VmRSS) and its peak (VmHWM) in KiB, CPU time used so
	 *   far (user + system), and which of this project's modules the worker has mapped
	 */
	protected static function workersOf( int $master ): array {
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

	protected function saveState(): void {
		file_put_contents( $this->dir() . '/harness.json', json_encode( $this->state, JSON_PRETTY_PRINT ) );
	}
}
