<?php
/**
 * Breach corpus lookups called from PHP, next to what PHP alone could do per request: SHA-1
 * and a binary search in a sorted file of 8-byte SHA-1 prefixes (a PHP process cannot hold
 * millions of entries in memory for every request).
 *
 * Usage: php -d extension=target/release/libnative_password_policy.so benches/breach_lookup.php DIR
 * where DIR holds corpus.npp, probes.txt and sorted-keys.bin (written by
 * `cargo bench --bench breach_and_strength -- --keep PARENT ENTRIES`).
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

if ( $argc < 2 ) {
	fwrite( STDERR, "usage: php -d extension=... breach_lookup.php DIR\n" );
	exit( 2 );
}
$dir = $argv[1];
$probes = file( "$dir/probes.txt", FILE_IGNORE_NEW_LINES );
$keyFile = "$dir/sorted-keys.bin";
$entries = intdiv( filesize( $keyFile ), 8 );

/**
 * @param resource $handle
 * @param int $count
 * @param string $password
 * @return bool
 */
function phpContains( $handle, int $count, string $password ): bool {
	$key = substr( sha1( $password, true ), 0, 8 );
	$low = 0;
	$high = $count;
	while ( $low < $high ) {
		$middle = ( $low + $high ) >> 1;
		fseek( $handle, $middle * 8 );
		$compared = strcmp( fread( $handle, 8 ), $key );
		if ( $compared === 0 ) {
			return true;
		}
		if ( $compared < 0 ) {
			$low = $middle + 1;
		} else {
			$high = $middle;
		}
	}
	return false;
}

$config = json_encode( [ 'breachCorpusFile' => "$dir/corpus.npp" ] );
$constructions = 10000;
$started = hrtime( true );
for ( $i = 0; $i < $constructions; $i++ ) {
	$engine = new NativePasswordPolicy\Engine( $config );
}
$constructNs = ( hrtime( true ) - $started ) / $constructions;
if ( $engine->problems() ) {
	fwrite( STDERR, implode( "\n", $engine->problems() ) . "\n" );
	exit( 1 );
}

// Warm both paths (page cache, zend string interning) before timing.
foreach ( array_slice( $probes, 0, 1000 ) as $password ) {
	$engine->check( 'PasswordNotInBreachCorpus', true, 'BenchUser', $password );
}
$nativeFound = [];
$started = hrtime( true );
foreach ( $probes as $index => $password ) {
	if ( $engine->check( 'PasswordNotInBreachCorpus', true, 'BenchUser', $password ) ) {
		$nativeFound[$index] = true;
	}
}
$nativeNs = ( hrtime( true ) - $started ) / count( $probes );

$boolFound = [];
$started = hrtime( true );
foreach ( $probes as $index => $password ) {
	if ( $engine->inBreachCorpus( $password ) ) {
		$boolFound[$index] = true;
	}
}
$boolNs = ( hrtime( true ) - $started ) / count( $probes );
if ( $boolFound !== $nativeFound ) {
	fwrite( STDERR, "inBreachCorpus() and check() disagree\n" );
	exit( 1 );
}

$handle = fopen( $keyFile, 'rb' );
$phpFound = [];
$started = hrtime( true );
foreach ( $probes as $index => $password ) {
	if ( phpContains( $handle, $entries, $password ) ) {
		$phpFound[$index] = true;
	}
}
$phpNs = ( hrtime( true ) - $started ) / count( $probes );

// Every password PHP finds must be found natively; the native filter may add false positives.
$missed = count( array_diff_key( $phpFound, $nativeFound ) );
$extra = count( array_diff_key( $nativeFound, $phpFound ) );
printf(
	"| %d | %d | %.0f ns | %.0f ns | %.0f ns | %.0f ns | %.0f× | %d | %d |\n",
	$entries, count( $probes ), $boolNs, $nativeNs, $phpNs, $constructNs, $phpNs / $boolNs, $missed, $extra
);
exit( $missed === 0 ? 0 : 1 );
