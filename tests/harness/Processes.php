<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Harness;

use RuntimeException;

/**
 * Process helpers of the throwaway wikis: detached servers in their own session, stopped by
 * process group; commands run to completion; free ports and temporary directories.
 */
final class Processes {

	/**
	 * @var array<int,string> When each process spawn() started ran (its start time after boot,
	 *   from /proc), by PID: PIDs are reused (pid_max is 32,768 here, and a test run starts
	 *   thousands of processes), and a stale PID must never stop another process's group.
	 */
	private static array $startTimes = [];

	/**
	 * Starts a command in its own session (so its whole process group can be stopped), detached
	 * from this process, with output to $log.
	 *
	 * @param string[] $command
	 * @param array<string,string> $environment Added to this process's environment
	 * @param string $log
	 * @return int PID, also the process group and session ID
	 */
	public static function spawn( array $command, array $environment, string $log ): int {
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
		self::$startTimes[$pid] = self::startTime( $pid ) ?? '';
		return $pid;
	}

	/**
	 * Whether the process is alive (a zombie counts as gone, and so does a process that now has
	 * the PID of one spawn() started in this PHP process).
	 */
	public static function isRunning( int $pid ): bool {
		if ( $pid <= 0 || !posix_kill( $pid, 0 ) ) {
			return false;
		}
		// Reap it if it is our child, so that a dead one does not linger as a zombie.
		pcntl_waitpid( $pid, $status, WNOHANG );
		$fields = self::statFields( $pid );
		if ( $fields === null || $fields[0] === 'Z' ) {
			return false;
		}
		return !isset( self::$startTimes[$pid] ) || self::$startTimes[$pid] === ( $fields[19] ?? null );
	}

	/**
	 * The fields of /proc/PID/stat after the command name (which is in parentheses and may hold
	 * spaces): [0] is field 3 of proc(5), the state; [2] the process group, [11]-[14] utime,
	 * stime, cutime and cstime, [19] the start time in clock ticks after boot.
	 *
	 * @return string[]|null Null when there is no such process
	 */
	public static function statFields( int $pid ): ?array {
		$stat = @file_get_contents( "/proc/$pid/stat" );
		if ( $stat === false ) {
			return null;
		}
		return explode( ' ', substr( $stat, strrpos( $stat, ')' ) + 2 ) );
	}

	/** Field 22 of /proc/PID/stat: when the process started, in clock ticks after boot. */
	private static function startTime( int $pid ): ?string {
		return self::statFields( $pid )[19] ?? null;
	}

	/**
	 * Stops a process group started by spawn(): SIGTERM, then SIGKILL after five seconds.
	 */
	public static function killGroup( int $pid ): void {
		if ( !self::isRunning( $pid ) ) {
			return;
		}
		posix_kill( -$pid, SIGTERM );
		for ( $i = 0; $i < 50 && self::isRunning( $pid ); $i++ ) {
			usleep( 100_000 );
		}
		if ( self::isRunning( $pid ) ) {
			posix_kill( -$pid, SIGKILL );
		}
	}

	/**
	 * Waits until something accepts connections on 127.0.0.1:$port, failing with $log (the
	 * server's) after $timeoutSeconds or as soon as $pid (when given) has died.
	 */
	public static function waitForPort( int $port, string $log, ?int $pid = null, float $timeoutSeconds = 15.0 ): void {
		$deadline = microtime( true ) + $timeoutSeconds;
		while ( microtime( true ) < $deadline ) {
			$socket = @stream_socket_client( "tcp://127.0.0.1:$port", $errno, $errstr, 0.2 );
			if ( $socket ) {
				fclose( $socket );
				return;
			}
			if ( $pid !== null && !self::isRunning( $pid ) ) {
				throw new RuntimeException( "The server for port $port has exited; log:\n" . @file_get_contents( $log ) );
			}
			usleep( 20_000 );
		}
		throw new RuntimeException( "Nothing listens on port $port after {$timeoutSeconds}s; log:\n" . @file_get_contents( $log ) );
	}

	public static function freePort(): int {
		$server = stream_socket_server( 'tcp://127.0.0.1:0', $errno, $errstr );
		if ( !$server ) {
			throw new RuntimeException( "Cannot find a free port: $errstr" );
		}
		$name = stream_socket_get_name( $server, false );
		fclose( $server );
		return (int)substr( $name, strrpos( $name, ':' ) + 1 );
	}

	/** A new private directory in the system's temporary directory, named $prefix + random. */
	public static function makeTempDir( string $prefix ): string {
		$dir = sys_get_temp_dir() . '/' . $prefix . bin2hex( random_bytes( 6 ) );
		if ( !mkdir( $dir, 0700 ) ) {
			throw new RuntimeException( "Cannot create $dir" );
		}
		return $dir;
	}

	/**
	 * Creates each directory (with its parents) when missing.
	 */
	public static function makeDirs( string ...$dirs ): void {
		foreach ( $dirs as $dir ) {
			if ( !is_dir( $dir ) && !mkdir( $dir, 0777, true ) ) {
				throw new RuntimeException( "Cannot create $dir" );
			}
		}
	}

	/**
	 * Runs a command to completion.
	 *
	 * @param string[] $command
	 * @param array<string,string> $environment
	 * @param string|null $stdin
	 * @return array{0:int,1:string,2:string} Exit code, stdout, stderr
	 */
	public static function run( array $command, array $environment, ?string $stdin = null ): array {
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

	public static function removeTree( string $dir ): void {
		if ( $dir === '' || $dir === '/' || !is_dir( $dir ) ) {
			return;
		}
		self::run( [ 'rm', '-rf', '--', $dir ], [ 'PATH' => '/usr/bin:/bin' ] );
	}

	public static function isRoot(): bool {
		return function_exists( 'posix_geteuid' ) && posix_geteuid() === 0;
	}
}
