<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Benches\Load;

use Normalizer;
use RuntimeException;

/**
 * The requests of the load run: anonymous action=validatepassword and action=resetpassword
 * POSTs, drawn from a seeded generator so that core and the extension get exactly the same
 * requests in the same order (block N of one wiki is block N of the other).
 *
 * Cases and their weights (of 100):
 *   validate-anon         50  a password of benches/passwords.json (the empty one left out: it is
 *                             a missingparam error by design), for the anonymous user
 *   validate-new-user     30  the same passwords with the entry's user name (user=..., the check
 *                             of an account about to be created: name-related checks run)
 *   reset-user             8  user= an account with a confirmed address
 *   reset-email            3  email= the address of such an account
 *   reset-nomail           2  user= an account without an address
 *   reset-unknown-user     4  user= a name no account has
 *   reset-unknown-email    3  email= an address no account has
 *
 * Every one of them must be answered with HTTP 200 and, for validatepassword, a validity
 * (Good, Change or Invalid) without error or warning; for resetpassword, exactly
 * {"resetpassword":{"status":"success"}}. The one warning expected is MediaWiki's own for
 * the password that is not valid UTF-8 (apiwarn-badutf8: the API replaces the bad bytes
 * before anything sees them), flagged on those requests.
 */
final class RequestMix {

	public const VALIDATE = 'validatepassword';
	public const RESET = 'resetpassword';

	/** @var array<string,array{0:int,1:string}> Case => [ weight, endpoint ] */
	public const CASES = [
		'validate-anon' => [ 50, self::VALIDATE ],
		'validate-new-user' => [ 30, self::VALIDATE ],
		'reset-user' => [ 8, self::RESET ],
		'reset-email' => [ 3, self::RESET ],
		'reset-nomail' => [ 2, self::RESET ],
		'reset-unknown-user' => [ 4, self::RESET ],
		'reset-unknown-email' => [ 3, self::RESET ],
	];

	/** The anonymous user's csrf token */
	private const ANONYMOUS_TOKEN = '+\\';

	/** @var array<int,array{user:string,password:string}> */
	private array $passwords;

	/** @var array<string,array{0:int,1:string}> The cases drawn from, with their weights */
	private array $cases;

	/**
	 * @param int $seed
	 * @param int $accounts Accounts with an address to target (LoadStack::accountName( 1..n ))
	 * @param bool $warmup Target the warm-up accounts instead
	 * @param string[]|null $only Draw only these cases (their weights relative to each other
	 *   kept), e.g. to measure one endpoint alone; null: all of CASES
	 */
	public function __construct(
		private readonly int $seed,
		private readonly int $accounts,
		private readonly bool $warmup = false,
		?array $only = null
	) {
		$this->passwords = self::loadPasswords();
		$this->cases = $only === null ? self::CASES : array_intersect_key( self::CASES, array_flip( $only ) );
		if ( !$this->cases || ( $only !== null && count( $this->cases ) !== count( $only ) ) ) {
			throw new RuntimeException( 'Unknown cases in ' . implode( ',', $only ?? [] )
				. ' (known: ' . implode( ',', array_keys( self::CASES ) ) . ')' );
		}
	}

	/**
	 * The requests of block $index: each [ case, endpoint, POST body, whether MediaWiki warns
	 * that the password is not valid NFC UTF-8 ].
	 *
	 * @param int $index
	 * @param int $size
	 * @return array<int,array{0:string,1:string,2:string,3:bool}>
	 */
	public function block( int $index, int $size ): array {
		mt_srand( $this->seed * 1_000_003 + $index, MT_RAND_MT19937 );
		$total = array_sum( array_column( $this->cases, 0 ) );
		$requests = [];
		for ( $i = 0; $i < $size; $i++ ) {
			$pick = mt_rand( 1, $total );
			foreach ( $this->cases as $case => [ $weight, $endpoint ] ) {
				$pick -= $weight;
				if ( $pick <= 0 ) {
					break;
				}
			}
			$params = [ 'action' => $endpoint ] + $this->params( $case ) + [ 'format' => 'json', 'formatversion' => '2' ];
			$badUtf8 = isset( $params['password'] )
				&& !( mb_check_encoding( $params['password'], 'UTF-8' ) && Normalizer::isNormalized( $params['password'] ) );
			$requests[] = [ $case, $endpoint, http_build_query( $params ), $badUtf8 ];
		}
		return $requests;
	}

	/**
	 * Account names or addresses that the reset requests of these blocks target and that
	 * exist with an address: each of them should get exactly one mail (resend throttle).
	 *
	 * @param array<int,array{0:string,1:string,2:string,3:bool}> $requests
	 * @return string[] Addresses
	 */
	public static function mailedAddresses( array $requests ): array {
		$addresses = [];
		foreach ( $requests as [ $case, , $body ] ) {
			if ( $case !== 'reset-user' && $case !== 'reset-email' ) {
				continue;
			}
			parse_str( $body, $params );
			$address = $params['email'] ?? null;
			if ( $address === null && preg_match( '/^(Load|Warmup) user (\d+)$/', $params['user'], $match ) ) {
				$address = strtolower( $match[1] ) . ".user.{$match[2]}@example.org";
			}
			$addresses[(string)$address] = true;
		}
		return array_keys( $addresses );
	}

	/** @return array<string,string> */
	private function params( string $case ): array {
		$account = mt_rand( 1, $this->warmup ? LoadStack::WARMUP_ACCOUNTS : $this->accounts );
		switch ( $case ) {
			case 'validate-anon':
				return [ 'password' => $this->passwords[mt_rand( 0, count( $this->passwords ) - 1 )]['password'] ];
			case 'validate-new-user':
				$entry = $this->passwords[mt_rand( 0, count( $this->passwords ) - 1 )];
				return [ 'password' => $entry['password'], 'user' => $entry['user'] ];
			case 'reset-user':
				return [
					'user' => $this->warmup ? LoadStack::warmupAccountName( $account ) : LoadStack::accountName( $account ),
					'token' => self::ANONYMOUS_TOKEN,
				];
			case 'reset-email':
				return [
					'email' => $this->warmup ? LoadStack::warmupAccountAddress( $account ) : LoadStack::accountAddress( $account ),
					'token' => self::ANONYMOUS_TOKEN,
				];
			case 'reset-nomail':
				return [ 'user' => LoadStack::noMailAccountName( mt_rand( 1, LoadStack::NO_MAIL_ACCOUNTS ) ), 'token' => self::ANONYMOUS_TOKEN ];
			case 'reset-unknown-user':
				return [ 'user' => 'Nobody ' . mt_rand( 1, 999_999_999 ), 'token' => self::ANONYMOUS_TOKEN ];
			case 'reset-unknown-email':
				return [ 'email' => 'nobody.' . mt_rand( 1, 999_999_999 ) . '@example.net', 'token' => self::ANONYMOUS_TOKEN ];
		}
		throw new RuntimeException( "Unknown case $case" );
	}

	/**
	 * The password mix of the benchmarks, without the empty password.
	 *
	 * @return array<int,array{user:string,password:string}>
	 */
	private static function loadPasswords(): array {
		$file = dirname( __DIR__ ) . '/passwords.json';
		$mix = json_decode( (string)file_get_contents( $file ), true, 8, JSON_THROW_ON_ERROR );
		$passwords = [];
		foreach ( $mix['entries'] as $entry ) {
			$password = isset( $entry['passwordHex'] )
				? (string)hex2bin( $entry['passwordHex'] )
				: str_repeat( $entry['password'], $entry['repeat'] ?? 1 );
			if ( $password !== '' ) {
				$passwords[] = [ 'user' => $entry['user'], 'password' => $password ];
			}
		}
		return $passwords;
	}
}
