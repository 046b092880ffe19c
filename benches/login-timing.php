<?php
/**
 * What the rollout features cost a login and a password change, on nginx + php-fpm: MediaWiki
 * core against the extension, without and with the rollout features, side by side in one run.
 *
 * Four throwaway wikis with the same accounts, served by the same kind of stack (nginx in
 * front of a static php-fpm pool, opcache and APCu on, tests/harness/ThrowawayWiki.php
 * 'server' => 'fpm'):
 *
 *   core            MediaWiki alone
 *   extension       the extension with its defaults (core's policy, evaluated natively)
 *   breach+history  the extension with a breach corpus of --corpus-entries passwords checked
 *                   at login (PasswordNotInBreachCorpus with suggestChangeOnLogin) and
 *                   PasswordNotInHistory 5 at PHP's default Argon2id cost (no
 *                   `$wgPasswordConfig['argon2']` set), for every user
 *   rollout         the same, and MinimalPasswordStrength 3 (zxcvbn) in audit mode: every
 *                   rollout feature on
 *
 * Logins: `action=clientlogin` of an account with a good password, from a new session each time
 * (the login token is fetched first and not timed). Changes: `action=changeauthenticationdata`
 * of a logged-in account to a new password, after enough changes that the rollout wiki's
 * history of the account is full (N entries: N verifications and one hash a change). Wikis are
 * interleaved in random order, round after round. Reported per wiki: median, p90, mean, and the
 * differences of medians to core (and to the extension with its defaults) with 95% bootstrap
 * intervals. Before timing, the run checks that the wikis with the checks really ask a
 * breached password to change at login and refuse a password of the history. Then benches/php/history.php times
 * the history's check and recording inside the rollout wiki, beside core's own hashing.
 *
 *   php benches/login-timing.php [--rounds N] [--changes N] [--workers N] [--corpus-entries N]
 *                                [--json FILE] [--quick]
 *   php benches/login-timing.php --report FILE   (the report of a run saved with --json)
 *
 * Needs: cargo build --release (the module and npp-breach-corpus); Debian packages nginx
 * php8.2-fpm (scripts/install-deps.sh). The MediaWiki release is NPP_MEDIAWIKI's (1.43 by default).
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

use MediaWiki\Extension\NativePasswordPolicy\Benches\Stats;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ApiClient;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;

require __DIR__ . '/../tests/harness/autoload.php';
require __DIR__ . '/lib/Stats.php';

const BUILDER = __DIR__ . '/../target/release/npp-breach-corpus';
const HISTORY_ENTRIES = 5;
const BREACHED = 'Amber-Falcon-Ledger-3390';
const LOGIN_ACCOUNTS = 40;
const CHANGE_ACCOUNTS = 8;

$options = getopt( '', [ 'rounds:', 'changes:', 'workers:', 'corpus-entries:', 'json:', 'quick', 'report:' ] );
if ( isset( $options['report'] ) ) {
	echo report( json_decode( (string)file_get_contents( $options['report'] ), true, 512, JSON_THROW_ON_ERROR ) ), "\n";
	exit( 0 );
}
$quick = isset( $options['quick'] );
$rounds = (int)( $options['rounds'] ?? ( $quick ? 20 : 300 ) );
$changes = (int)( $options['changes'] ?? ( $quick ? 4 : 40 ) );
$workers = (int)( $options['workers'] ?? 2 );
$corpusEntries = (int)( $options['corpus-entries'] ?? ( $quick ? 10_000 : 1_000_000 ) );
if ( !is_executable( BUILDER ) ) {
	fwrite( STDERR, "Build first: cargo build --release (needs target/release/npp-breach-corpus)\n" );
	exit( 2 );
}

$started = microtime( true );
$dir = sys_get_temp_dir() . '/npp-login-timing-' . bin2hex( random_bytes( 4 ) );
mkdir( $dir );
$corpus = "$dir/corpus.npp";
buildCorpus( $dir, $corpus, $corpusEntries );

$checkSettings = implode( "\n", [
	'$wgNativePasswordPolicyBreachCorpusFile = ' . var_export( $corpus, true ) . ';',
	'$wgPasswordPolicy["policies"]["default"]["PasswordNotInBreachCorpus"] = [ "value" => true, "suggestChangeOnLogin" => true ];',
	'$wgPasswordPolicy["policies"]["default"]["PasswordNotInHistory"] = ' . HISTORY_ENTRIES . ';',
] );
$variants = [
	'core' => [ 'extension' => false, 'settings' => '' ],
	'extension' => [ 'extension' => true, 'settings' => '' ],
	'breach+history' => [ 'extension' => true, 'settings' => $checkSettings ],
	'rollout' => [ 'extension' => true, 'settings' => $checkSettings
		. "\n" . '$wgNativePasswordPolicyAudit = [ "default" => [ "MinimalPasswordStrength" => 3 ] ];' ],
];

$loginPassword = static fn ( int $i ): string => "Login-Bench-Velvet-$i-Quarry";
$users = [ [ 'name' => 'Breached Reader', 'password' => BREACHED ] ];
for ( $i = 0; $i < LOGIN_ACCOUNTS; $i++ ) {
	$users[] = [ 'name' => "Login Bench $i", 'password' => $loginPassword( $i ) ];
}
for ( $i = 0; $i < CHANGE_ACCOUNTS; $i++ ) {
	$users[] = [ 'name' => "Change Bench $i", 'password' => "Change-Bench-Start-$i-Harbor" ];
}

$wikis = [];
$failures = [];
$times = [ 'login' => [], 'change' => [] ];
try {
	foreach ( $variants as $label => $variant ) {
		$wikis[$label] = ThrowawayWiki::start( [
			'extension' => $variant['extension'],
			'server' => 'fpm',
			'workers' => $workers,
			'apcu' => true,
			'settings' => $variant['settings'],
		] );
		$wikis[$label]->createUsers( $users );
		fprintf( STDERR, "%s wiki at %s (%.0f s)\n", $label, $wikis[$label]->url(), microtime( true ) - $started );
	}
	$mediaWiki = $wikis['core']->mediaWikiVersion();

	$login = static function ( string $label, string $name, string $password ) use ( $wikis ): array {
		$client = $wikis[$label]->client();
		$token = $client->token( 'login' );
		$response = $client->request( 'POST', [
			'action' => 'clientlogin', 'username' => $name, 'password' => $password,
			'loginreturnurl' => 'http://127.0.0.1/', 'logintoken' => $token, 'format' => 'json',
		] );
		$answer = json_decode( $response['body'], true ) ?: [];
		return [ $answer['clientlogin']['status'] ?? 'HTTP ' . $response['status'], $response['seconds'] * 1000, $client ];
	};
	$change = static function ( ApiClient $client, string $password ): array {
		$token = $client->token( 'csrf' );
		$response = $client->request( 'POST', [
			'action' => 'changeauthenticationdata', 'changeauthrequest' => 'MediaWiki\\Auth\\PasswordAuthenticationRequest',
			'password' => $password, 'retype' => $password, 'changeauthtoken' => $token, 'format' => 'json',
		] );
		$answer = json_decode( $response['body'], true ) ?: [];
		return [ $answer['changeauthenticationdata']['status'] ?? json_encode( $answer['error'] ?? $response['status'] ), $response['seconds'] * 1000 ];
	};

	// The wikis with the checks must really run them: a breached password is asked to change.
	foreach ( [ 'breach+history', 'rollout' ] as $label ) {
		[ $status ] = $login( $label, 'Breached Reader', BREACHED );
		if ( $status !== 'UI' ) {
			throw new RuntimeException( "The $label wiki did not ask the breached password to change at login ($status)" );
		}
	}
	[ $status ] = $login( 'core', 'Breached Reader', BREACHED );
	if ( $status !== 'PASS' ) {
		throw new RuntimeException( "Core refused a login it should pass ($status)" );
	}

	// Warm-up (opcache, the corpus mapping), not counted.
	foreach ( array_keys( $wikis ) as $label ) {
		for ( $i = 0; $i < 10; $i++ ) {
			$login( $label, "Login Bench $i", $loginPassword( $i ) );
		}
	}

	fprintf( STDERR, "logins: %d rounds x %d wikis\n", $rounds, count( $wikis ) );
	for ( $round = 0; $round < $rounds; $round++ ) {
		$labels = array_keys( $wikis );
		shuffle( $labels );
		$account = mt_rand( 0, LOGIN_ACCOUNTS - 1 );
		foreach ( $labels as $label ) {
			[ $status, $ms ] = $login( $label, "Login Bench $account", $loginPassword( $account ) );
			if ( $status !== 'PASS' ) {
				$failures[] = "$label login: $status";
			}
			$times['login'][$label][] = $ms;
		}
	}

	// Changes: every account logged in, then enough changes to fill the rollout wiki's history.
	$clients = [];
	$current = [];
	foreach ( array_keys( $wikis ) as $label ) {
		for ( $i = 0; $i < CHANGE_ACCOUNTS; $i++ ) {
			[ $status, , $client ] = $login( $label, "Change Bench $i", "Change-Bench-Start-$i-Harbor" );
			if ( $status !== 'PASS' ) {
				throw new RuntimeException( "$label: the change account $i did not log in ($status)" );
			}
			$clients[$label][$i] = $client;
			for ( $k = 0; $k < HISTORY_ENTRIES; $k++ ) {
				$current[$label][$i] = newPassword();
				[ $status ] = $change( $client, $current[$label][$i] );
				if ( $status !== 'success' ) {
					throw new RuntimeException( "$label: a warm-up change failed ($status)" );
				}
			}
		}
	}
	// The history must really refuse a reuse (the current password).
	foreach ( [ 'breach+history', 'rollout' ] as $label ) {
		[ $status ] = $change( $clients[$label][0], $current[$label][0] );
		if ( $status === 'success' ) {
			throw new RuntimeException( "The $label wiki let an account set its current password again" );
		}
	}

	fprintf( STDERR, "changes: %d rounds x %d wikis\n", $changes, count( $wikis ) );
	for ( $round = 0; $round < $changes; $round++ ) {
		$labels = array_keys( $wikis );
		shuffle( $labels );
		$account = $round % CHANGE_ACCOUNTS;
		foreach ( $labels as $label ) {
			$password = newPassword();
			[ $status, $ms ] = $change( $clients[$label][$account], $password );
			if ( $status !== 'success' ) {
				$failures[] = "$label change: $status";
			}
			$times['change'][$label][] = $ms;
		}
	}

	fprintf( STDERR, "history inside the rollout wiki\n" );
	$history = json_decode( $wikis['rollout']->maintenance( __DIR__ . '/php/history.php',
		[ '--entries', (string)HISTORY_ENTRIES, '--rounds', $quick ? '3' : '15' ] ), true, 512, JSON_THROW_ON_ERROR );
	$load = sys_getloadavg();
} finally {
	foreach ( $wikis as $wiki ) {
		$wiki->stop();
	}
	array_map( 'unlink', glob( "$dir/*" ) ?: [] );
	rmdir( $dir );
}

$run = [
	'setup' => sprintf(
		'nginx %s + php-fpm %s (static pool of %d workers per wiki, opcache and APCu on), SQLite, MediaWiki %s; %d cores, '
			. 'load average at the end %.2f %.2f %.2f. Breach corpus of %s passwords; history N = %d at Argon2id '
			. 'm = %d KiB, t = %d, p = %d; core\'s $wgPasswordDefault %s. %d login rounds and %d change rounds, '
			. 'wikis in random order each round. Client-side times (curl), in ms.',
		trim( (string)shell_exec( "/usr/sbin/nginx -v 2>&1 | sed 's/.*nginx\\///'" ) ),
		PHP_VERSION, $workers, $mediaWiki, (int)shell_exec( 'nproc' ), $load[0], $load[1], $load[2],
		number_format( $corpusEntries ), HISTORY_ENTRIES, $history['argon2']['memory_cost'], $history['argon2']['time_cost'],
		$history['argon2']['threads'], $history['passwordDefault'], $rounds, $changes
	),
	'times' => $times,
	'history' => $history,
	'seconds' => microtime( true ) - $started,
];
echo report( $run ), "\n";
if ( isset( $options['json'] ) ) {
	file_put_contents( $options['json'], json_encode( $run, JSON_PRETTY_PRINT ) );
}
if ( $failures ) {
	fwrite( STDERR, "FAILURES:\n" . implode( "\n", array_slice( $failures, 0, 20 ) ) . "\n" );
	exit( 1 );
}

function newPassword(): string {
	return 'Bench-Change-' . bin2hex( random_bytes( 8 ) );
}

/**
 * A corpus of $entries random passwords and BREACHED, built by the project's builder.
 */
function buildCorpus( string $dir, string $corpus, int $entries ): void {
	$list = fopen( "$dir/breach.txt", 'w' );
	fwrite( $list, BREACHED . "\n" );
	for ( $i = 0; $i < $entries; $i++ ) {
		fwrite( $list, bin2hex( random_bytes( 6 ) ) . "\n" );
	}
	fclose( $list );
	exec( implode( ' ', array_map( 'escapeshellarg', [ BUILDER, 'build', '--quiet', '--output', $corpus, "$dir/breach.txt" ] ) )
		. ' 2>&1', $output, $status );
	unlink( "$dir/breach.txt" );
	if ( $status !== 0 ) {
		throw new RuntimeException( 'npp-breach-corpus failed: ' . implode( "\n", $output ) );
	}
}

/**
 * @param float[] $a
 * @param float[] $b
 */
function difference( array $a, array $b ): string {
	[ $low, $high ] = Stats::medianDifferenceInterval( $a, $b );
	return sprintf( '%+.2f [%+.2f, %+.2f]', Stats::median( $a ) - Stats::median( $b ), $low, $high );
}

/**
 * Markdown tables of a run.
 */
function report( array $run ): string {
	$out = [ $run['setup'], '' ];
	$phases = [ 'login' => 'Login (`action=clientlogin`, new session)', 'change' => 'Password change (`action=changeauthenticationdata`)' ];
	foreach ( $phases as $phase => $title ) {
		$byWiki = $run['times'][$phase];
		$out[] = "**$title**";
		$out[] = '';
		$out[] = '| wiki | requests | p50 ms | p90 ms | mean ms | p50 − core, ms [95%] | p50 − extension, ms [95%] |';
		$out[] = '|---|---:|---:|---:|---:|---|---|';
		foreach ( [ 'core', 'extension', 'breach+history', 'rollout' ] as $label ) {
			$samples = $byWiki[$label];
			$out[] = sprintf( '| %s | %d | %.2f | %.2f | %.2f | %s | %s |', $label, count( $samples ),
				Stats::median( $samples ), Stats::quantile( $samples, 0.9 ), Stats::mean( $samples ),
				$label === 'core' ? '' : difference( $samples, $byWiki['core'] ),
				in_array( $label, [ 'core', 'extension' ], true ) ? '' : difference( $samples, $byWiki['extension'] ) );
		}
		$out[] = '';
	}
	$history = $run['history'];
	$medians = $history['medians'];
	$out[] = sprintf( '**Password history inside the rollout wiki** (benches/php/history.php, N = %d, median of %d rounds, ms)',
		$history['entries'], $history['rounds'] );
	$out[] = '';
	$out[] = '| case | ms | against core-hash |';
	$out[] = '|---|---:|---:|';
	$labels = [
		'check-miss' => 'history check of a new password (N verifications)',
		'check-newest' => 'history check of the newest entry (1 verification, refused)',
		'record' => 'recording a new password (1 hash, insert, pruning)',
		'core-hash' => 'core: hashing the new password with $wgPasswordDefault',
		'core-verify' => 'core: verifying the stored hash at login',
	];
	foreach ( $labels as $case => $label ) {
		$out[] = sprintf( '| %s | %.1f | %.1f× |', $label, $medians[$case], $medians[$case] / $medians['core-hash'] );
	}
	$out[] = '';
	$out[] = sprintf( 'Run time %.0f s.', $run['seconds'] );
	return implode( "\n", $out );
}
