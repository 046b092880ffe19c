<?php
/**
 * Starts, shows and stops the load run's production-like stack by hand: two identical
 * throwaway SQLite wikis, core alone and with NativePasswordPolicy, each behind nginx and a
 * static php8.2-fpm pool with opcache (the module loaded by packaging/native_password_policy.ini
 * through a private PHP_INI_SCAN_DIR). See LoadStack.php; benches/load/run.php starts its own.
 *
 *   php benches/load/stack.php start  [--dir DIR] [--workers N] [--accounts N]
 *       installs and starts both wikis, prints their URLs, PIDs and workers as JSON
 *   php benches/load/stack.php status [--dir DIR]
 *       the same for a running stack: requests served, busy workers, worker memory (VmRSS)
 *   php benches/load/stack.php stop   [--dir DIR]
 *       stops every process of the stack (by PID) and removes DIR
 *
 * DIR defaults to target/load/stack of this checkout. Everything listens on 127.0.0.1 only.
 * Needs: cargo build --release; Debian packages nginx php8.2-fpm (scripts/install-deps.sh).
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

use MediaWiki\Extension\NativePasswordPolicy\Benches\Load\LoadStack;

require __DIR__ . '/../../tests/harness/autoload.php';
require __DIR__ . '/LoadStack.php';

$command = $argv[1] ?? '';
// Options follow the command (getopt() would stop at it).
$options = [];
$args = array_slice( $argv, 2 );
for ( $i = 0; $i < count( $args ); $i++ ) {
	if ( preg_match( '/^--(dir|workers|accounts)(?:=(.*))?$/', $args[$i], $match ) ) {
		$options[$match[1]] = $match[2] ?? ( $args[++$i] ?? '' );
	} else {
		fwrite( STDERR, "Unknown argument: {$args[$i]}\n" );
		exit( 2 );
	}
}
$dir = $options['dir'] ?? dirname( __DIR__, 2 ) . '/target/load/stack';

try {
	switch ( $command ) {
		case 'start':
			$stack = LoadStack::start( $dir, (int)( $options['workers'] ?? 4 ), (int)( $options['accounts'] ?? 100 ) );
			echo json_encode( $stack->status(), JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES ), "\n";
			break;
		case 'status':
			echo json_encode( LoadStack::attach( $dir )->status(), JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES ), "\n";
			break;
		case 'stop':
			LoadStack::attach( $dir )->stop();
			break;
		default:
			fwrite( STDERR, "usage: stack.php start [--dir DIR] [--workers N] [--accounts N]\n"
				. "       stack.php status [--dir DIR]\n"
				. "       stack.php stop [--dir DIR]\n" );
			exit( 2 );
	}
} catch ( Throwable $e ) {
	fwrite( STDERR, $e->getMessage() . "\n" );
	exit( 1 );
}
