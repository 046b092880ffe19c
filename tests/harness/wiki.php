<?php
/**
 * Command line of the throwaway-wiki harness.
 *
 *   php tests/harness/wiki.php up [--dir DIR] [--port PORT] [--without-extension]
 *                                 [--settings FILE] [--echo-mail]
 *                                 [--server builtin|fpm] [--workers N] [--no-opcache]
 *                                 [--mediawiki 1.43|1.39]
 *       installs and starts a wiki, prints its description as JSON;
 *       --server fpm serves it with nginx + php8.2-fpm (static pool of N workers, opcache on);
 *       --mediawiki: the MediaWiki release (default $NPP_MEDIAWIKI, else 1.43; see ThrowawayWiki::core())
 *   php tests/harness/wiki.php users --dir DIR < users.json
 *       creates accounts through MediaWiki (ThrowawayWiki::createUsers(): a JSON list of
 *       {"name", "password", "email", "emailConfirmed", "realName", "groups"})
 *   php tests/harness/wiki.php down --dir DIR [--keep]
 *       stops the wiki's processes (by PID) and removes DIR unless --keep
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;

require __DIR__ . '/autoload.php';

/**
 * Splits "COMMAND --name value --flag" (getopt() stops at the first non-option).
 *
 * @param string[] $args
 * @return array{0:string,1:array<string,string|true>}
 */
function parseArguments( array $args ): array {
	$withValue = [ 'dir', 'port', 'settings', 'server', 'workers', 'mediawiki' ];
	$command = '';
	$options = [];
	for ( $i = 0; $i < count( $args ); $i++ ) {
		if ( str_starts_with( $args[$i], '--' ) ) {
			$name = substr( $args[$i], 2 );
			$options[$name] = in_array( $name, $withValue, true ) ? ( $args[++$i] ?? '' ) : true;
		} elseif ( $command === '' ) {
			$command = $args[$i];
		}
	}
	return [ $command, $options ];
}

[ $command, $options ] = parseArguments( array_slice( $argv, 1 ) );
try {
	switch ( $command ) {
		case 'up':
			if ( isset( $options['mediawiki'] ) ) {
				if ( !in_array( $options['mediawiki'], [ '1.39', '1.43' ], true ) ) {
					throw new InvalidArgumentException( "--mediawiki must be 1.43 or 1.39, not '{$options['mediawiki']}'" );
				}
				putenv( 'NPP_MEDIAWIKI=' . $options['mediawiki'] );
				putenv( 'NPP_MW_CORE' );
			}
			$wiki = ThrowawayWiki::start( array_filter( [
				'dir' => $options['dir'] ?? null,
				'port' => isset( $options['port'] ) ? (int)$options['port'] : null,
				'extension' => !isset( $options['without-extension'] ),
				'settings' => isset( $options['settings'] ) ? file_get_contents( $options['settings'] ) : null,
				'echoMail' => isset( $options['echo-mail'] ),
				'server' => $options['server'] ?? null,
				'workers' => isset( $options['workers'] ) ? (int)$options['workers'] : null,
				'opcache' => !isset( $options['no-opcache'] ),
			], static fn ( $value ) => $value !== null ) );
			echo json_encode( $wiki->describe(), JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES ), "\n";
			break;
		case 'users':
			if ( !isset( $options['dir'] ) ) {
				throw new InvalidArgumentException( 'users needs --dir' );
			}
			ThrowawayWiki::attach( $options['dir'] )->createUsers(
				json_decode( stream_get_contents( STDIN ), true, 8, JSON_THROW_ON_ERROR ) );
			break;
		case 'down':
			if ( !isset( $options['dir'] ) ) {
				throw new InvalidArgumentException( 'down needs --dir' );
			}
			ThrowawayWiki::attach( $options['dir'] )->stop( isset( $options['keep'] ) );
			break;
		default:
			fwrite( STDERR, "usage: wiki.php up [--dir DIR] [--port PORT] [--without-extension] [--settings FILE] [--echo-mail]\n"
				. "                   [--server builtin|fpm] [--workers N] [--no-opcache] [--mediawiki 1.43|1.39]\n"
				. "       wiki.php users --dir DIR < users.json\n"
				. "       wiki.php down --dir DIR [--keep]\n" );
			exit( 2 );
	}
} catch ( Throwable $e ) {
	fwrite( STDERR, $e->getMessage() . "\n" );
	exit( 1 );
}
