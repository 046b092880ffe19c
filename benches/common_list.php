<?php
/**
 * The exact common-password list of wikimedia/common-passwords 0.5 (MediaWiki 1.43's
 * src/common.php): loading it and looking passwords up, the module beside PHP's own
 * `isset( ( require 'common.php' )[$password] )`, in one run.
 *
 * Usage:
 *   php -d extension=$PWD/target/release/libnative_password_policy.so -d opcache.enable_cli=1 \
 *     benches/common_list.php [--core DIR] [--processes 15] [--rounds 31] [--json FILE]
 * DIR is a MediaWiki core whose vendor/ holds common-passwords 0.5 (default NPP_MW_CORE).
 *
 * Loading is timed in fresh processes (the module keeps a loaded file for the life of the
 * process; PHP without opcache compiles the file on every require). Lookups are timed in this
 * process, the cases alternating round by round; the figure is the median round. A member
 * costs the module more than a non-member: check() then builds its array of one failure.
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

use MediaWiki\Extension\NativePasswordPolicy\Benches\Stats;
use NativePasswordPolicy\Engine;
use Wikimedia\CommonPasswords\CommonPasswords;

require_once __DIR__ . '/lib/Stats.php';

/** Resident memory of this process in bytes (Linux). */
function residentBytes(): int {
	preg_match( '/^VmRSS:\s+(\d+) kB/m', (string)file_get_contents( '/proc/self/status' ), $m );
	return (int)$m[1] * 1024;
}

// A fresh process: load once, print what it cost as JSON.
if ( ( $argv[1] ?? '' ) === '--child' ) {
	[ , , $what, $file ] = $argv;
	gc_disable();
	$rss = residentBytes();
	$heap = memory_get_usage();
	$started = hrtime( true );
	if ( $what === 'module' ) {
		$engine = new Engine( json_encode( [ 'commonPasswordsFile' => $file ] ) );
		$common = $engine->check( 'PasswordNotInCommonList', true, 'U', 'password' ) !== null;
	} else {
		$array = require $file;
		$common = isset( $array['password'] );
	}
	$ns = hrtime( true ) - $started;
	echo json_encode( [ 'ns' => $ns, 'rss' => residentBytes() - $rss, 'heap' => memory_get_usage() - $heap, 'common' => $common ] );
	exit( 0 );
}

$options = getopt( '', [ 'core:', 'processes:', 'rounds:', 'json:' ] );
$core = rtrim( (string)( $options['core'] ?? ( getenv( 'NPP_MW_CORE' ) ?: '/tmp/mw143/usr/share/mediawiki' ) ), '/' );
$file = "$core/vendor/wikimedia/common-passwords/src/common.php";
$processes = (int)( $options['processes'] ?? 15 );
$rounds = (int)( $options['rounds'] ?? 31 );
if ( !is_file( $file ) ) {
	fwrite( STDERR, "$file not found: give --core DIR of a MediaWiki 1.43 (common-passwords 0.5)\n" );
	exit( 2 );
}
if ( !extension_loaded( 'native_password_policy' ) || !function_exists( 'opcache_get_status' )
	|| !( opcache_get_status( false )['opcache_enabled'] ?? false )
) {
	fwrite( STDERR, "run with -d extension=.../libnative_password_policy.so -d opcache.enable_cli=1\n" );
	exit( 2 );
}
$module = getenv( 'NPP_MODULE' ) ?: dirname( __DIR__ ) . '/target/release/libnative_password_policy.so';

/** @return array{ns:float[],rss:float[],heap:float[]} */
function freshProcesses( string $what, string $file, string $module, int $count ): array {
	$samples = [ 'ns' => [], 'rss' => [], 'heap' => [] ];
	for ( $i = 0; $i < $count; $i++ ) {
		// -n: no ini files, so no opcache: PHP compiles the file as on every uncached require.
		$out = shell_exec( escapeshellarg( PHP_BINARY ) . ' -n -d ' . escapeshellarg( "extension=$module" )
			. ' ' . escapeshellarg( __FILE__ ) . " --child $what " . escapeshellarg( $file ) );
		$sample = json_decode( (string)$out, true );
		if ( !is_array( $sample ) || $sample['common'] !== true ) {
			fwrite( STDERR, "$what child failed: $out\n" );
			exit( 1 );
		}
		foreach ( [ 'ns', 'rss', 'heap' ] as $key ) {
			$samples[$key][] = (float)$sample[$key];
		}
	}
	return $samples;
}

$loadModule = freshProcesses( 'module', $file, $module, $processes );
$loadPhp = freshProcesses( 'php', $file, $module, $processes );

// This process: the opcache'd require (what each request pays: core's getData() keeps the
// array in a function static, which lives one request), the module's cached engine.
$array = require $file;
$requires = [];
for ( $i = 0; $i < 200; $i++ ) {
	$started = hrtime( true );
	$again = require $file;
	$requires[] = hrtime( true ) - $started;
}
unset( $again );
$status = opcache_get_status( true );
$opcacheBytes = $status['scripts'][realpath( $file )]['memory_consumption'] ?? null;
$config = json_encode( [ 'commonPasswordsFile' => $file ] );
$engine = new Engine( $config );
$constructions = [];
for ( $i = 0; $i < 2000; $i++ ) {
	$started = hrtime( true );
	$engine = new Engine( $config );
	$constructions[] = hrtime( true ) - $started;
}
$loaded = array_values( array_filter( Engine::loadedFiles(), static fn ( array $f ): bool => $f['path'] === $file ) )[0];

// Core's class, as PasswordPolicyChecks calls it (its static array lives one request).
require_once "$core/vendor/autoload.php";
CommonPasswords::isCommon( 'password' );

// Members: every entry. Non-members: entries changed so that none is one any more.
$members = array_map( 'strval', array_keys( $array ) );
mt_srand( 1 );
$nonMembers = [];
foreach ( $members as $member ) {
	$candidate = $member . chr( mt_rand( 33, 126 ) ) . mt_rand( 0, 999 );
	if ( !isset( $array[$candidate] ) ) {
		$nonMembers[] = $candidate;
	}
}
$nonMembers = array_slice( $nonMembers, 0, count( $members ) );
foreach ( [ 'members' => $members, 'non-members' => $nonMembers ] as $name => $sample ) {
	foreach ( $sample as $password ) {
		if ( isset( $array[$password] ) !== ( $engine->check( 'PasswordNotInCommonList', true, 'U', $password ) !== null ) ) {
			fwrite( STDERR, "the module and isset() disagree on a $name password\n" );
			exit( 1 );
		}
	}
}

$cases = [
	'isset on the array' => static function ( array $sample ) use ( $array ): int {
		$found = 0;
		foreach ( $sample as $password ) {
			$found += (int)isset( $array[$password] );
		}
		return $found;
	},
	'core CommonPasswords::isCommon()' => static function ( array $sample ): int {
		$found = 0;
		foreach ( $sample as $password ) {
			$found += (int)CommonPasswords::isCommon( $password );
		}
		return $found;
	},
	'module check()' => static function ( array $sample ) use ( $engine ): int {
		$found = 0;
		foreach ( $sample as $password ) {
			$found += (int)( $engine->check( 'PasswordNotInCommonList', true, 'U', $password ) !== null );
		}
		return $found;
	},
	'empty loop' => static function ( array $sample ): int {
		$found = 0;
		foreach ( $sample as $password ) {
			$found += (int)( $password === null );
		}
		return $found;
	},
];
$lookups = [];
foreach ( [ 'members' => $members, 'non-members' => $nonMembers ] as $name => $sample ) {
	$times = [];
	$names = array_keys( $cases );
	for ( $round = 0; $round < $rounds; $round++ ) {
		// Rotate the order so that drift falls on every case alike.
		$order = array_merge( array_slice( $names, $round % count( $names ) ), array_slice( $names, 0, $round % count( $names ) ) );
		foreach ( $order as $case ) {
			$started = hrtime( true );
			$cases[$case]( $sample );
			$times[$case][] = ( hrtime( true ) - $started ) / count( $sample );
		}
	}
	foreach ( $times as $case => $values ) {
		$lookups[$name][$case] = Stats::median( $values );
	}
}

$ms = static fn ( array $ns ): string => sprintf( '%.2f ms', Stats::median( $ns ) / 1e6 );
$mb = static fn ( float $bytes ): string => sprintf( '%.2f MB', $bytes / 1e6 );
printf( "%s: %d entries, %s file; load in %d fresh processes each, lookups median of %d rounds\n\n",
	$file, count( $array ), $mb( (float)filesize( $file ) ), $processes, $rounds );
echo "| | time | memory |\n|---|---|---|\n";
printf( "| module, first load in a process (read, parse, build) | %s | %s resident, %s PHP heap |\n",
	$ms( $loadModule['ns'] ), $mb( Stats::median( $loadModule['rss'] ) ), $mb( Stats::median( $loadModule['heap'] ) ) );
printf( "| PHP require without opcache (compile and build the array) | %s | %s resident, %s PHP heap |\n",
	$ms( $loadPhp['ns'] ), $mb( Stats::median( $loadPhp['rss'] ) ), $mb( Stats::median( $loadPhp['heap'] ) ) );
printf( "| PHP require with opcache, warm (once per request in core) | %.1f µs | %s opcache shared memory |\n",
	Stats::median( $requires ) / 1e3, $opcacheBytes === null ? '?' : $mb( (float)$opcacheBytes ) );
printf( "| module Engine, file cached (once per request) | %.2f µs | |\n\n", Stats::median( $constructions ) / 1e3 );
echo "| ns per lookup | members | non-members |\n|---|---|---|\n";
foreach ( array_keys( $cases ) as $case ) {
	printf( "| %s | %.1f | %.1f |\n", $case, $lookups['members'][$case], $lookups['non-members'][$case] );
}
echo "\nThe module's set: {$loaded['detail']}.\n";

if ( isset( $options['json'] ) ) {
	file_put_contents( (string)$options['json'], json_encode( [
		'file' => $file, 'entries' => count( $array ), 'loadModule' => $loadModule, 'loadPhp' => $loadPhp,
		'requireOpcacheNs' => $requires, 'opcacheBytes' => $opcacheBytes, 'engineCachedNs' => $constructions,
		'lookupsNs' => $lookups, 'detail' => $loaded['detail'],
	], JSON_PRETTY_PRINT ) . "\n" );
}
