<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Benches\Load;

use CurlMultiHandle;
use InvalidArgumentException;
use RuntimeException;

/**
 * A closed-loop HTTP load generator on PHP's curl_multi: $concurrency clients, each sending its
 * next request as soon as its previous one is answered, over kept-alive connections.
 *
 * Why this and not wrk or oha: every answer of the run has to be read and checked (status, JSON,
 * the exact answer), every request needs its own latency filed under its own case (wrk's Lua
 * can check bodies but only reports latency for a whole run; oha sends one request over and
 * over), and the request mix must be byte-for-byte the same for core and the extension. libcurl
 * does the HTTP; PHP only picks the next body and files the result, a few tens of µs of client
 * CPU a request against the ~10 ms a MediaWiki API request costs the server (the run reports
 * the client's CPU time so that this can be checked). Only 127.0.0.1 is ever a target.
 */
final class LoadDriver {

	/** Seconds a single request may take before it counts as failed */
	private const REQUEST_TIMEOUT = 60;

	/**
	 * Sends every request and returns the results in the order of $requests.
	 *
	 * @param string $apiUrl http://127.0.0.1:PORT/api.php
	 * @param array<int,array{0:string,1:string,2:string,3:bool}> $requests RequestMix::block()'s:
	 *   [ case, endpoint, POST body, ... ]
	 * @param int $concurrency Requests in flight at any time
	 * @return array{results:array<int,array{status:int,us:int,body:string,error:?string}>,seconds:float}
	 *   status 0 and error set when the transport failed; us = libcurl's total time in µs;
	 *   seconds = from the first request sent to the last answer received
	 */
	public static function run( string $apiUrl, array $requests, int $concurrency ): array {
		$host = parse_url( $apiUrl, PHP_URL_HOST );
		if ( $host !== '127.0.0.1' && $host !== 'localhost' && $host !== '[::1]' ) {
			throw new InvalidArgumentException( "The load run only targets this machine's loopback, not $host" );
		}
		$multi = curl_multi_init();
		$handles = [];
		for ( $i = 0; $i < max( 1, $concurrency ); $i++ ) {
			$handles[] = self::handle( $apiUrl );
		}
		$idle = $handles;
		$inFlight = [];
		$next = 0;
		$count = count( $requests );
		$results = [];
		$start = hrtime( true );
		while ( $next < $count || $inFlight ) {
			while ( $next < $count && $idle ) {
				$curl = array_pop( $idle );
				curl_setopt( $curl, CURLOPT_POSTFIELDS, $requests[$next][2] );
				curl_multi_add_handle( $multi, $curl );
				$inFlight[spl_object_id( $curl )] = $next++;
			}
			self::perform( $multi );
			$answered = 0;
			while ( $info = curl_multi_info_read( $multi ) ) {
				$answered++;
				$curl = $info['handle'];
				$index = $inFlight[spl_object_id( $curl )];
				unset( $inFlight[spl_object_id( $curl )] );
				$ok = $info['result'] === CURLE_OK;
				$results[$index] = [
					'status' => $ok ? (int)curl_getinfo( $curl, CURLINFO_RESPONSE_CODE ) : 0,
					'us' => (int)curl_getinfo( $curl, CURLINFO_TOTAL_TIME_T ),
					'body' => $ok ? (string)curl_multi_getcontent( $curl ) : '',
					'error' => $ok ? null : curl_strerror( $info['result'] ) . ': ' . curl_error( $curl ),
				];
				curl_multi_remove_handle( $multi, $curl );
				$idle[] = $curl;
			}
			if ( !$answered && $inFlight && curl_multi_select( $multi, 1.0 ) === -1 ) {
				usleep( 1000 );
			}
		}
		$seconds = ( hrtime( true ) - $start ) / 1e9;
		foreach ( $handles as $curl ) {
			curl_close( $curl );
		}
		curl_multi_close( $multi );
		ksort( $results );
		return [ 'results' => $results, 'seconds' => $seconds ];
	}

	/**
	 * An easy handle for POSTs to the API. Kept for the whole run, so its connection is kept
	 * alive (nginx's keepalive_requests bounds how long).
	 *
	 * @param string $apiUrl
	 * @return \CurlHandle
	 */
	private static function handle( string $apiUrl ) {
		$curl = curl_init( $apiUrl );
		if ( $curl === false ) {
			throw new RuntimeException( 'curl_init failed' );
		}
		curl_setopt_array( $curl, [
			CURLOPT_POST => true,
			CURLOPT_RETURNTRANSFER => true,
			CURLOPT_TIMEOUT => self::REQUEST_TIMEOUT,
			CURLOPT_HTTPHEADER => [ 'Content-Type: application/x-www-form-urlencoded', 'Expect:' ],
			CURLOPT_USERAGENT => 'NativePasswordPolicy load run',
		] );
		return $curl;
	}

	private static function perform( CurlMultiHandle $multi ): void {
		do {
			$code = curl_multi_exec( $multi, $active );
		} while ( $code === CURLM_CALL_MULTI_PERFORM );
		if ( $code !== CURLM_OK ) {
			throw new RuntimeException( 'curl_multi_exec: ' . curl_multi_strerror( $code ) );
		}
	}
}
