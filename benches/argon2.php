<?php
/**
 * Argon2 hashing and temporary-password generation: the native module against PHP, side by
 * side in one process.
 *
 *   php -d extension=target/release/libnative_password_policy.so benches/argon2.php [--rounds N] [--quick]
 *
 * Hashing: NativePasswordPolicy\Argon2Hasher::hash()/verify() against password_hash()/
 * password_verify() (libargon2, as core's Argon2Password calls it) with identical parameters.
 * Rounds alternate which side goes first, so drift in machine load hits both alike; medians
 * are reported. Generation: core's PasswordFactory::generateRandomPasswordString() (what
 * MediaWiki mails by default) against the native generator, alone and with the default
 * policy evaluated (MediaWiki's common-password filter included).
 *
 * Prints a Markdown section for benches/RESULTS.md.
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

use NativePasswordPolicy\Argon2Hasher;
use NativePasswordPolicy\Engine;
use NativePasswordPolicy\PasswordGenerator;

const MEDIAWIKI = '/usr/share/mediawiki';

if ( !extension_loaded( 'native_password_policy' ) ) {
	fwrite( STDERR, "Load the module: php -d extension=target/release/libnative_password_policy.so benches/argon2.php\n" );
	exit( 1 );
}
if ( !defined( 'PASSWORD_ARGON2ID' ) ) {
	fwrite( STDERR, "This PHP has no Argon2 in password_hash(): nothing to compare with.\n" );
	exit( 1 );
}

$options = getopt( '', [ 'rounds:', 'quick' ] );
$quick = isset( $options['quick'] );
$rounds = (int)( $options['rounds'] ?? ( $quick ? 3 : 15 ) );
$generations = $quick ? 2000 : 20000;

/**
 * @param float[] $samples
 */
function median( array $samples ): float {
	sort( $samples );
	$n = count( $samples );
	return $n % 2 ? $samples[intdiv( $n, 2 )] : ( $samples[$n / 2 - 1] + $samples[$n / 2] ) / 2;
}

/** Milliseconds $run takes. */
function timed( callable $run ): float {
	$start = hrtime( true );
	$run();
	return ( hrtime( true ) - $start ) / 1e6;
}

/**
 * Runs $a and $b $rounds times each, alternating which goes first, after one warm-up each.
 *
 * @return float[] Median milliseconds of $a and of $b
 */
function sideBySide( int $rounds, callable $a, callable $b ): array {
	$a();
	$b();
	$timesA = $timesB = [];
	for ( $i = 0; $i < $rounds; $i++ ) {
		if ( $i % 2 ) {
			$timesB[] = timed( $b );
			$timesA[] = timed( $a );
		} else {
			$timesA[] = timed( $a );
			$timesB[] = timed( $b );
		}
	}
	return [ median( $timesA ), median( $timesB ) ];
}

$parameterSets = [
	[ 'argon2id', 19456, 2, 1, "OWASP's minimum" ],
	[ 'argon2id', 65536, 4, 1, "PHP's default (core's Argon2Password with no costs set)" ],
	[ 'argon2i', 65536, 4, 1, "PHP's default, Argon2i" ],
	[ 'argon2id', 65536, 3, 4, '4 lanes (`threads` = 4)' ],
];
$phpAlgorithms = [ 'argon2id' => PASSWORD_ARGON2ID, 'argon2i' => PASSWORD_ARGON2I ];
$password = 'correct horse battery staple';

$hashRows = [];
foreach ( $parameterSets as [ $algo, $memory, $time, $threads, $label ] ) {
	$native = new Argon2Hasher( $algo, $memory, $time, $threads );
	$phpOptions = [ 'memory_cost' => $memory, 'time_cost' => $time, 'threads' => $threads ];
	$phpAlgo = $phpAlgorithms[$algo];
	[ $rustHash, $phpHash ] = sideBySide( $rounds,
		static fn () => $native->hash( $password ),
		static fn () => password_hash( $password, $phpAlgo, $phpOptions )
	);
	// Each side verifies the other's hash: the work is the same, and it checks compatibility.
	$byRust = $native->hash( $password );
	$byPhp = password_hash( $password, $phpAlgo, $phpOptions );
	if ( !password_verify( $password, $byRust ) || !Argon2Hasher::verify( $password, $byPhp ) ) {
		fwrite( STDERR, "Hashes do not cross-verify for $algo m=$memory t=$time p=$threads\n" );
		exit( 1 );
	}
	[ $rustVerify, $phpVerify ] = sideBySide( $rounds,
		static fn () => Argon2Hasher::verify( $password, $byPhp ),
		static fn () => password_verify( $password, $byRust )
	);
	$hashRows[] = [ $algo, $memory, $time, $threads, $label, $rustHash, $phpHash, $rustVerify, $phpVerify ];
	fprintf( STDERR, "%s m=%d t=%d p=%d: hash %.1f vs %.1f ms, verify %.1f vs %.1f ms\n",
		$algo, $memory, $time, $threads, $rustHash, $phpHash, $rustVerify, $phpVerify );
}

// Generation. Core's generator is a static method using MWCryptRand and wikimedia/base-convert.
require_once MEDIAWIKI . '/vendor/autoload.php';
require_once MEDIAWIKI . '/includes/utils/MWCryptRand.php';
require_once MEDIAWIKI . '/includes/password/PasswordFactory.php';
$commonPasswords = MEDIAWIKI . '/vendor/wikimedia/common-passwords/src/CommonPasswords/common-x64.json';
$generator = new PasswordGenerator( '', null );
$engine = new Engine( json_encode( [ 'commonPasswordsFile' => $commonPasswords ] ) );
$defaultPolicy = [
	[ 'check' => 'MinimalPasswordLength', 'value' => 1 ],
	[ 'check' => 'PasswordCannotBeSubstringInUsername', 'value' => true ],
	[ 'check' => 'PasswordCannotMatchDefaults', 'value' => true ],
	[ 'check' => 'MaximalPasswordLength', 'value' => 4096 ],
	[ 'check' => 'PasswordNotInCommonList', 'value' => true ],
];
$generationCases = [
	'core: PasswordFactory::generateRandomPasswordString( 10 ) — 10 of [0-9a-v], 50 bits'
		=> static fn () => PasswordFactory::generateRandomPasswordString( 10 ),
	'native: PasswordGenerator::generate() — 23 of 55 symbols, 133 bits'
		=> static fn () => $generator->generate( 0 ),
	'native: Engine::generatePassword(), default policy checked (common-password filter included)'
		=> static fn () => $engine->generatePassword( $generator, 'Example user', $defaultPolicy ),
];
$generationRows = [];
foreach ( $generationCases as $label => $generate ) {
	$generate();
	$samples = [];
	for ( $r = 0; $r < 5; $r++ ) {
		$samples[] = timed( static function () use ( $generate, $generations ) {
			for ( $i = 0; $i < $generations; $i++ ) {
				$generate();
			}
		} ) * 1000 / $generations;
	}
	$generationRows[] = [ $label, median( $samples ) ];
	fprintf( STDERR, "%s: %.2f µs\n", $label, median( $samples ) );
}

// Markdown.
$cpu = trim( (string)shell_exec( "sed -n 's/^model name\\s*: //p' /proc/cpuinfo | head -1" ) );
$load = sys_getloadavg()[0] ?? null;
echo "## Argon2 hashing and temporary-password generation (benches/argon2.php)\n\n";
printf( "Run %s on %s (%d CPUs, load %.1f), PHP %s with libargon2 (`PASSWORD_ARGON2_PROVIDER` = %s), module %s, %d rounds a case (median).\n\n",
	gmdate( 'Y-m-d' ), $cpu ?: 'unknown CPU', (int)shell_exec( 'nproc' ), $load ?? 0, PHP_VERSION,
	PASSWORD_ARGON2_PROVIDER, phpversion( 'native_password_policy' ), $rounds );
echo "| Algorithm | m (KiB) | t | p | Parameters | Rust hash (ms) | PHP `password_hash` (ms) | Rust / PHP | Rust verify (ms) | PHP `password_verify` (ms) | Rust / PHP |\n";
echo "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n";
foreach ( $hashRows as [ $algo, $memory, $time, $threads, $label, $rustHash, $phpHash, $rustVerify, $phpVerify ] ) {
	printf( "| %s | %d | %d | %d | %s | %.1f | %.1f | **%.2f×** | %.1f | %.1f | %.2f× |\n",
		$algo, $memory, $time, $threads, $label, $rustHash, $phpHash, $rustHash / $phpHash,
		$rustVerify, $phpVerify, $rustVerify / $phpVerify );
}
$ratios = array_map( static fn ( $row ) => $row[5] / $row[6], $hashRows );
$slower = array_filter( $hashRows, static fn ( $row ) => $row[5] > $row[6] );
printf( "\nTarget — Rust hashing no slower than PHP's libargon2 with the same parameters: %s (Rust / PHP from %.2f× to %.2f×).\n",
	$slower
		? '**not met** for ' . implode( ', ', array_map( static fn ( $row ) => "$row[0] m=$row[1] t=$row[2] p=$row[3]", $slower ) )
		: '**met** in every case',
	min( $ratios ), max( $ratios ) );
echo "\n| Temporary password generation | µs per password |\n|---|---:|\n";
foreach ( $generationRows as [ $label, $micros ] ) {
	printf( "| %s | %.2f |\n", $label, $micros );
}
echo "\n";
