<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Harness;

use RuntimeException;

/**
 * An HTTP client of a wiki's api.php with its own cookie jar (one session).
 */
final class ApiClient {

	/** @var array<string,string> Cookies of this session */
	private array $cookies = [];

	/** @var array<string,string> Extra request headers, by name */
	private array $headers = [];

	public function __construct( private readonly string $apiUrl ) {
	}

	/**
	 * A client of another api.php (e.g. another server of the same wiki) holding a copy of
	 * this client's cookies and headers: the same session, as a browser whose requests a load
	 * balancer sends elsewhere. Cookies set later go to one client only.
	 */
	public function withApiUrl( string $apiUrl ): self {
		$client = new self( $apiUrl );
		$client->cookies = $this->cookies;
		$client->headers = $this->headers;
		return $client;
	}

	/**
	 * POSTs to api.php and decodes the JSON answer.
	 *
	 * @param array<string,string|int> $params Body parameters (format=json is added when absent)
	 * @param array<string,string|int> $query Query-string parameters
	 * @return array Decoded answer
	 */
	public function post( array $params, array $query = [] ): array {
		return $this->decode( $this->request( 'POST', $params + [ 'format' => 'json' ], $query ) );
	}

	/**
	 * GETs api.php and decodes the JSON answer.
	 *
	 * @param array<string,string|int> $query
	 * @return array
	 */
	public function get( array $query ): array {
		return $this->decode( $this->request( 'GET', [], $query + [ 'format' => 'json' ] ) );
	}

	/**
	 * A token of this session (csrf, login, createaccount...).
	 */
	public function token( string $type = 'csrf' ): string {
		$answer = $this->get( [ 'action' => 'query', 'meta' => 'tokens', 'type' => $type ] );
		return $answer['query']['tokens'][$type . 'token'];
	}

	/**
	 * Logs in through action=clientlogin and returns the answer.
	 */
	public function clientLogin( string $user, string $password ): array {
		return $this->post( [
			'action' => 'clientlogin',
			'username' => $user,
			'password' => $password,
			'loginreturnurl' => 'http://127.0.0.1/',
			'logintoken' => $this->token( 'login' ),
		] );
	}

	/**
	 * Sends this header with every later request of this client (null removes it).
	 */
	public function setHeader( string $name, ?string $value ): void {
		if ( $value === null ) {
			unset( $this->headers[$name] );
		} else {
			$this->headers[$name] = $value;
		}
	}

	/**
	 * Sends a request and returns status, headers and raw body.
	 *
	 * @param string $method GET or POST
	 * @param array $body Body parameters (POST)
	 * @param array $query Query-string parameters
	 * @return array{status:int,headers:array<string,string>,body:string,seconds:float}
	 */
	public function request( string $method, array $body = [], array $query = [] ): array {
		$headers = [];
		$curl = $this->prepare( $method, $body, $query, $headers );
		$start = hrtime( true );
		$raw = curl_exec( $curl );
		$seconds = ( hrtime( true ) - $start ) / 1e9;
		return $this->finish( $curl, $raw, $headers, $seconds, $method );
	}

	/**
	 * Sends many requests, at most $concurrency at a time, and returns their answers in the
	 * order of $requests (as request() does; 'seconds' is not measured).
	 *
	 * @param array[] $requests Each: [ ApiClient $client, string $method, array $body, array $query,
	 *   array $headers (optional, added to the client's) ]
	 * @param int $concurrency
	 * @return array[]
	 */
	public static function requestMany( array $requests, int $concurrency = 4 ): array {
		$multi = curl_multi_init();
		$pending = array_keys( $requests );
		$running = [];
		$answers = [];
		$headers = [];
		while ( $pending || $running ) {
			while ( $pending && count( $running ) < $concurrency ) {
				$key = array_shift( $pending );
				[ $client, $method, $body, $query ] = $requests[$key];
				$headers[$key] = [];
				$curl = $client->prepare( $method, $body, $query, $headers[$key], $requests[$key][4] ?? [] );
				curl_multi_add_handle( $multi, $curl );
				$running[$key] = $curl;
			}
			curl_multi_exec( $multi, $active );
			if ( curl_multi_select( $multi, 1.0 ) === -1 ) {
				usleep( 1000 );
			}
			while ( $info = curl_multi_info_read( $multi ) ) {
				$key = array_search( $info['handle'], $running, true );
				$curl = $running[$key];
				unset( $running[$key] );
				curl_multi_remove_handle( $multi, $curl );
				$raw = $info['result'] === CURLE_OK ? curl_multi_getcontent( $curl ) : false;
				$answers[$key] = $requests[$key][0]->finish( $curl, $raw, $headers[$key], 0.0, $requests[$key][1] );
			}
		}
		curl_multi_close( $multi );
		ksort( $answers );
		return $answers;
	}

	/**
	 * @param string $method
	 * @param array $body
	 * @param array $query
	 * @param array &$headers Receives the response headers
	 * @param array<string,string> $extraHeaders
	 * @return \CurlHandle
	 */
	private function prepare( string $method, array $body, array $query, array &$headers, array $extraHeaders = [] ) {
		$url = $this->apiUrl . ( $query ? '?' . http_build_query( $query ) : '' );
		$curl = curl_init( $url );
		$requestHeaders = [];
		foreach ( $extraHeaders + $this->headers as $name => $value ) {
			$requestHeaders[] = "$name: $value";
		}
		curl_setopt_array( $curl, [
			CURLOPT_RETURNTRANSFER => true,
			CURLOPT_TIMEOUT => 60,
			CURLOPT_HTTPHEADER => $requestHeaders,
			CURLOPT_HEADERFUNCTION => function ( $curl, string $line ) use ( &$headers ) {
				$this->takeCookie( $line );
				if ( str_contains( $line, ':' ) ) {
					[ $name, $value ] = explode( ':', $line, 2 );
					$headers[strtolower( trim( $name ) )] = trim( $value );
				}
				return strlen( $line );
			},
		] );
		if ( $this->cookies ) {
			$pairs = [];
			foreach ( $this->cookies as $name => $value ) {
				$pairs[] = "$name=$value";
			}
			curl_setopt( $curl, CURLOPT_COOKIE, implode( '; ', $pairs ) );
		}
		if ( $method === 'POST' ) {
			curl_setopt( $curl, CURLOPT_POST, true );
			curl_setopt( $curl, CURLOPT_POSTFIELDS, http_build_query( $body ) );
		}
		return $curl;
	}

	/**
	 * @param \CurlHandle $curl
	 * @param string|false $raw
	 * @param array $headers
	 * @param float $seconds
	 * @param string $method
	 * @return array{status:int,headers:array<string,string>,body:string,seconds:float}
	 */
	private function finish( $curl, $raw, array $headers, float $seconds, string $method ): array {
		if ( $raw === false ) {
			$url = curl_getinfo( $curl, CURLINFO_EFFECTIVE_URL );
			throw new RuntimeException( "$method $url failed: " . curl_error( $curl ) );
		}
		$status = curl_getinfo( $curl, CURLINFO_RESPONSE_CODE );
		curl_close( $curl );
		return [ 'status' => $status, 'headers' => $headers, 'body' => $raw, 'seconds' => $seconds ];
	}

	private function takeCookie( string $headerLine ): void {
		if ( preg_match( '/^Set-Cookie:\s*([^=;\s]+)=([^;]*)/i', $headerLine, $match ) ) {
			if ( $match[2] === '' || $match[2] === 'deleted' ) {
				unset( $this->cookies[$match[1]] );
			} else {
				$this->cookies[$match[1]] = $match[2];
			}
		}
	}

	private function decode( array $response ): array {
		$answer = json_decode( $response['body'], true );
		if ( !is_array( $answer ) ) {
			throw new RuntimeException( "Not a JSON answer (HTTP {$response['status']}): " . substr( $response['body'], 0, 2000 ) );
		}
		return $answer;
	}
}
