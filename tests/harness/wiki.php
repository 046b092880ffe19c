<?php
/**
 * Command line of the throwaway-wiki harness.
 *
 *   php tests/harness/wiki.php up [--dir DIR] [--port PORT] [--without-extension]
 *                                 [--settings FILE] [--echo-mail]
 *                                 [--server builtin|fpm] [--workers N] [--no-opcache]
 *                                 [--job-runner] [--mediawiki 1.43|1.39]
 *       installs and starts a wiki, prints its description as JSON;
 *       --server fpm serves it with nginx + php8.2-fpm (static pool of N workers, opcache on);
 *       --job-runner runs its jobs (the extension's queued password resets) as they come;
 *       --mediawiki: the MediaWiki release (default $NPP_MEDIAWIKI, else 1.43; see ThrowawayWiki::core())
 *   php tests/harness/wiki.php users --dir DIR < users.json
 *       creates accounts through MediaWiki (ThrowawayWiki::createUsers(): a JSON list of
 *       {"name", "password", "email", "emailConfirmed", "realName", "groups"})
 *   php tests/harness/wiki.php down --dir DIR [--keep]
 *       stops the wiki's processes (by PID) and removes DIR unless --keep
 *
 *   php tests/harness/wiki.php farm up [--dir DIR] [--port PORT] [--without-extension]
 *                                      [--settings FILE] [--echo-mail] [--servers N] [--workers N]
 *                                      [--no-job-runner] [--mediawiki 1.43|1.39]
 *       installs and starts a ThrowawayFarm (MariaDB, Redis, N app servers of N workers each
 *       behind nginx, a job runner), prints its description as JSON
 *   php tests/harness/wiki.php farm users --dir DIR < users.json
 *   php tests/harness/wiki.php farm stop-service|start-service --dir DIR --service NAME
 *       stops or starts one service of the farm: smtp, redis, mariadb, nginx, jobrunner, fpm-A...
 *   php tests/harness/wiki.php farm jobs --dir DIR
 *       prints the jobs queued, by type, as JSON
 *   php tests/harness/wiki.php farm down --dir DIR [--keep]
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayFarm;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;

require __DIR__ . '/autoload.php';

const USAGE = "usage: wiki.php up [--dir DIR] [--port PORT] [--without-extension] [--settings FILE] [--echo-mail]\n"
	. "                   [--server builtin|fpm] [--workers N] [--no-opcache] [--job-runner] [--mediawiki 1.43|1.39]\n"
	. "       wiki.php users --dir DIR < users.json\n"
	. "       wiki.php down --dir DIR [--keep]\n"
	. "       wiki.php farm up [--dir DIR] [--port PORT] [--without-extension] [--settings FILE] [--echo-mail]\n"
	. "                        [--servers N] [--workers N] [--no-job-runner] [--mediawiki 1.43|1.39]\n"
	. "       wiki.php farm users --dir DIR < users.json\n"
	. "       wiki.php farm stop-service|start-service --dir DIR --service NAME\n"
	. "       wiki.php farm jobs --dir DIR\n"
	. "       wiki.php farm down --dir DIR [--keep]\n";

/**
 * Splits "WORD... --name value --flag" (getopt() stops at the first non-option).
 *
 * @param string[] $args
 * @return array{0:string[],1:array<string,string|true>} Words, options
 */
function parseArguments( array $args ): array {
	$withValue = [ 'dir', 'port', 'settings', 'server', 'servers', 'workers', 'mediawiki', 'service' ];
	$words = [];
	$options = [];
	for ( $i = 0; $i < count( $args ); $i++ ) {
		if ( str_starts_with( $args[$i], '--' ) ) {
			$name = substr( $args[$i], 2 );
			$options[$name] = in_array( $name, $withValue, true ) ? ( $args[++$i] ?? '' ) : true;
		} else {
			$words[] = $args[$i];
		}
	}
	return [ $words, $options ];
}

/** The release of --mediawiki, for ThrowawayWiki::core(). */
function selectRelease( array $options ): void {
	if ( isset( $options['mediawiki'] ) ) {
		if ( !in_array( $options['mediawiki'], [ '1.39', '1.43' ], true ) ) {
			throw new InvalidArgumentException( "--mediawiki must be 1.43 or 1.39, not '{$options['mediawiki']}'" );
		}
		putenv( 'NPP_MEDIAWIKI=' . $options['mediawiki'] );
		putenv( 'NPP_MW_CORE' );
	}
}

function requireDir( array $options, string $command ): string {
	if ( !isset( $options['dir'] ) ) {
		throw new InvalidArgumentException( "$command needs --dir" );
	}
	return $options['dir'];
}

function printJson( array $value ): void {
	echo json_encode( $value, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES ), "\n";
}

/** Without its value, an option stays out of the start() options (the default applies). */
function presentOnly( array $options ): array {
	return array_filter( $options, static fn ( $value ) => $value !== null );
}

[ $words, $options ] = parseArguments( array_slice( $argv, 1 ) );
$command = implode( ' ', array_slice( $words, 0, ( $words[0] ?? '' ) === 'farm' ? 2 : 1 ) );
try {
	switch ( $command ) {
		case 'up':
			selectRelease( $options );
			$wiki = ThrowawayWiki::start( presentOnly( [
				'dir' => $options['dir'] ?? null,
				'port' => isset( $options['port'] ) ? (int)$options['port'] : null,
				'extension' => !isset( $options['without-extension'] ),
				'settings' => isset( $options['settings'] ) ? file_get_contents( $options['settings'] ) : null,
				'echoMail' => isset( $options['echo-mail'] ),
				'server' => $options['server'] ?? null,
				'workers' => isset( $options['workers'] ) ? (int)$options['workers'] : null,
				'opcache' => !isset( $options['no-opcache'] ),
				'jobRunner' => isset( $options['job-runner'] ),
			] ) );
			printJson( $wiki->describe() );
			break;
		case 'users':
			ThrowawayWiki::attach( requireDir( $options, 'users' ) )->createUsers(
				json_decode( stream_get_contents( STDIN ), true, 8, JSON_THROW_ON_ERROR ) );
			break;
		case 'down':
			ThrowawayWiki::attach( requireDir( $options, 'down' ) )->stop( isset( $options['keep'] ) );
			break;
		case 'farm up':
			selectRelease( $options );
			$farm = ThrowawayFarm::start( presentOnly( [
				'dir' => $options['dir'] ?? null,
				'port' => isset( $options['port'] ) ? (int)$options['port'] : null,
				'extension' => !isset( $options['without-extension'] ),
				'settings' => isset( $options['settings'] ) ? file_get_contents( $options['settings'] ) : null,
				'echoMail' => isset( $options['echo-mail'] ),
				'servers' => isset( $options['servers'] ) ? (int)$options['servers'] : null,
				'workers' => isset( $options['workers'] ) ? (int)$options['workers'] : null,
				'jobRunner' => !isset( $options['no-job-runner'] ),
			] ) );
			printJson( $farm->describe() );
			break;
		case 'farm users':
			ThrowawayFarm::attach( requireDir( $options, 'farm users' ) )->createUsers(
				json_decode( stream_get_contents( STDIN ), true, 8, JSON_THROW_ON_ERROR ) );
			break;
		case 'farm stop-service':
		case 'farm start-service':
			$farm = ThrowawayFarm::attach( requireDir( $options, $command ) );
			if ( !isset( $options['service'] ) ) {
				throw new InvalidArgumentException( "$command needs --service (" . implode( ', ', $farm->services() ) . ')' );
			}
			if ( $command === 'farm stop-service' ) {
				$farm->stopService( $options['service'] );
			} else {
				$farm->startService( $options['service'] );
			}
			break;
		case 'farm jobs':
			printJson( ThrowawayFarm::attach( requireDir( $options, 'farm jobs' ) )->jobCounts() );
			break;
		case 'farm down':
			ThrowawayFarm::attach( requireDir( $options, 'farm down' ) )->stop( isset( $options['keep'] ) );
			break;
		default:
			fwrite( STDERR, USAGE );
			exit( 2 );
	}
} catch ( Throwable $e ) {
	fwrite( STDERR, $e->getMessage() . "\n" );
	exit( 1 );
}
