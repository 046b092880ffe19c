<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Http;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ApiClient;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayFarm;
use PHPUnit\Framework\TestCase;

/**
 * The multi-server wiki of the harness (ThrowawayFarm) is what it claims to be: two app servers
 * behind a round-robin load balancer, each with memory of its own, sharing one MariaDB, one
 * Redis (object cache and sessions) and one job queue worked by one job runner; and on it a
 * password reset through either server sends exactly one mail per request, on core and with
 * the extension.
 *
 * Without Redis, MediaWiki serves pages but loses every session (logged-in users are
 * anonymous, a login is refused for want of its token) and logs the failed connections on
 * the `redis` channel; password resets still send their mail, beyond the rate limit (its
 * counter cannot be kept). testWithoutRedis() records it, on core and with the extension.
 *
 * @coversNothing
 */
class FarmTest extends TestCase {

	private const USERS = [
		[ 'name' => 'Farm Login', 'password' => 'Farm-Login-Secret-2026', 'email' => 'login@example.org' ],
		[ 'name' => 'Farm Outage', 'password' => 'Farm-Outage-Secret-2026', 'email' => 'outage@example.org' ],
		[ 'name' => 'Reset Via A', 'password' => 'Reset-Via-A-Secret-2026', 'email' => 'reset.a@example.org' ],
		[ 'name' => 'Reset Via B', 'password' => 'Reset-Via-B-Secret-2026', 'email' => 'reset.b@example.org' ],
	];

	/** Accounts reset while Redis is away: one more than the rate limit of resets. */
	private const OUTAGE_RESETS = [ 'Outage 1', 'Outage 2', 'Outage 3', 'Outage 4', 'Outage 5', 'Outage 6' ];

	/** @var array<string,ThrowawayFarm> By label: core, extension */
	private static array $farms = [];

	public static function tearDownAfterClass(): void {
		foreach ( self::$farms as $farm ) {
			$farm->stop();
		}
		self::$farms = [];
	}

	private static function farm( string $label ): ThrowawayFarm {
		if ( !isset( self::$farms[$label] ) ) {
			$farm = ThrowawayFarm::start( [ 'extension' => $label === 'extension' ] );
			self::$farms[$label] = $farm;
			$farm->createUsers( array_merge( self::USERS, array_map(
				static fn ( $name ) => [ 'name' => $name, 'email' => strtolower( str_replace( ' ', '', $name ) ) . '@example.org' ],
				self::OUTAGE_RESETS
			) ) );
		}
		return self::$farms[$label];
	}

	public static function provideFarms(): array {
		return [ 'core' => [ 'core' ], 'extension' => [ 'extension' ] ];
	}

	/** action=farmprobe (tests/harness/probe/ApiFarmProbe.php) with formatversion=2. */
	private function probe( ApiClient $client, string $op, string $key = 'probe', string $value = '' ): array {
		$answer = $client->post( [ 'action' => 'farmprobe', 'op' => $op, 'key' => $key, 'value' => $value, 'formatversion' => 2 ] );
		$this->assertArrayHasKey( 'farmprobe', $answer, json_encode( $answer ) );
		if ( isset( $answer['farmprobe']['cache'] ) ) {
			// 1.43 namespaces the cache classes.
			$class = $answer['farmprobe']['cache'];
			$answer['farmprobe']['cache'] = substr( $class, ( strrpos( $class, '\\' ) ?: -1 ) + 1 );
		}
		return $answer['farmprobe'];
	}

	private function userName( ApiClient $client ): string {
		return $client->get( [ 'action' => 'query', 'meta' => 'userinfo', 'formatversion' => 2 ] )['query']['userinfo']['name'];
	}

	public function testStartsInSeconds(): void {
		$farm = self::farm( 'extension' );
		$timings = $farm->timings();
		$this->assertLessThan( 20.0, $timings['total'] - $timings['core'], json_encode( $timings ) );
		$this->assertSame( [], array_filter(
			array_map( static fn ( $service ) => $farm->isRunning( $service ), $farm->services() ),
			static fn ( $running ) => !$running
		), 'every service runs' );
	}

	public function testLoadBalancerReachesEveryServerInTurn(): void {
		$farm = self::farm( 'extension' );
		$this->assertSame( [ 'A', 'B' ], $farm->servers() );
		$accepted = [];
		foreach ( $farm->servers() as $server ) {
			$accepted[$server] = $farm->fpmStatus( $server )['accepted conn'];
		}
		$answeredBy = [];
		for ( $i = 0; $i < 8; $i++ ) {
			$response = $farm->client()->request( 'GET', [], [ 'action' => 'query', 'meta' => 'siteinfo', 'format' => 'json' ] );
			$this->assertSame( 200, $response['status'] );
			$answeredBy[] = $response['headers']['x-farm-server'];
		}
		// Round robin with one nginx worker: the servers take turns.
		$this->assertSame( [ 4, 4 ], array_values( array_count_values( $answeredBy ) ), implode( ' ', $answeredBy ) );
		foreach ( $farm->servers() as $server ) {
			// Four requests through the balancer, and the status request before them.
			$this->assertSame( $accepted[$server] + 5, $farm->fpmStatus( $server )['accepted conn'], "server $server" );
		}

		// Each server on its own, one php-fpm master each (its own opcache and APCu), the
		// module in each worker.
		$workers = [];
		foreach ( $farm->servers() as $server ) {
			$client = $farm->client( $server );
			for ( $i = 0; $i < 3; $i++ ) {
				$answer = $this->probe( $client, 'server' );
				$this->assertSame( $server, $answer['server'] );
				$this->assertSame( 'fpm-fcgi', $answer['sapi'] );
				$this->assertTrue( $answer['apcu'], 'APCu on' );
				$this->assertSame( $server, $client->request( 'GET', [], [ 'action' => 'query', 'format' => 'json' ] )['headers']['x-farm-server'] );
			}
			$workers[$server] = $farm->fpmWorkers( $server );
			$this->assertCount( 2, $workers[$server] );
			foreach ( $workers[$server] as $pid => $worker ) {
				$this->assertSame( [ 'native_password_policy' ], $worker['modules'], "worker $pid of $server" );
			}
		}
		$this->assertSame( [], array_intersect_key( $workers['A'], $workers['B'] ) );
	}

	public function testLoginOnOneServerIsValidOnTheOther(): void {
		$farm = self::farm( 'extension' );
		$onA = $farm->client( 'A' );
		$this->assertSame( 'PASS', $onA->clientLogin( 'Farm Login', 'Farm-Login-Secret-2026' )['clientlogin']['status'] );
		$onB = $onA->withApiUrl( $farm->apiUrl( 'B' ) );
		$this->assertSame( 'Farm Login', $this->userName( $onB ) );
		// A token of the session, handed out by B, is accepted by A.
		$token = $onB->token();
		$answer = $onA->post( [ 'action' => 'options', 'change' => 'gender=female', 'token' => $token ] );
		$this->assertSame( 'success', $answer['options'] ?? null, json_encode( $answer ) );
		$this->assertSame( 'female', $onB->get( [
			'action' => 'query', 'meta' => 'userinfo', 'uiprop' => 'options', 'formatversion' => 2,
		] )['query']['userinfo']['options']['gender'] );
		// Without the session's cookies, B knows nobody.
		$this->assertSame( '127.0.0.1', $this->userName( $farm->client( 'B' ) ) );
	}

	public function testObjectCacheIsSharedAndLocalMemoryIsNot(): void {
		$farm = self::farm( 'extension' );
		$key = 'shared-' . bin2hex( random_bytes( 4 ) );
		$stored = $this->probe( $farm->client( 'A' ), 'set', $key, 'stored on A' );
		$this->assertSame( 'RedisBagOStuff', $stored['cache'] );
		$this->assertTrue( $stored['stored'] );
		$this->assertSame( 'stored on A', $this->probe( $farm->client( 'B' ), 'get', $key )['value'] );

		// APCu, MediaWiki's local-server cache, is each server's own.
		$local = $this->probe( $farm->client( 'A' ), 'localset', $key, 'kept by A' );
		$this->assertSame( 'APCUBagOStuff', $local['cache'] );
		$this->assertTrue( $local['stored'] );
		$this->assertNull( $this->probe( $farm->client( 'B' ), 'localget', $key )['value'] );
		$this->assertSame( 'kept by A', $this->probe( $farm->client( 'A' ), 'localget', $key )['value'] );
	}

	public function testJobsAreRunByTheRunnerNotByWebRequests(): void {
		$farm = self::farm( 'extension' );
		$farm->waitForJobs();
		$farm->stopService( 'jobrunner' );
		$tag = 'job-' . bin2hex( random_bytes( 4 ) );
		$this->assertTrue( $this->probe( $farm->client( 'A' ), 'pushjob', 'probe', $tag )['pushed'] );
		// A core action that queues jobs: editing a template that a page uses (refreshLinks
		// and htmlCacheUpdate of the page).
		$admin = $farm->client( 'B' );
		$this->assertSame( 'PASS', $admin->clientLogin( ThrowawayFarm::ADMIN_USER, ThrowawayFarm::ADMIN_PASSWORD )['clientlogin']['status'] );
		foreach ( [ 'Template:Farm' => 'one', 'Farm page' => '{{Farm}}', 'Template:Farm ' => 'two' ] as $title => $text ) {
			$answer = $admin->post( [ 'action' => 'edit', 'title' => trim( $title ), 'text' => $text, 'token' => $admin->token() ] );
			$this->assertSame( 'Success', $answer['edit']['result'] ?? null, json_encode( $answer ) );
		}
		$farm->waitUntilIdle();
		// Web requests on both servers run none of them.
		for ( $i = 0; $i < 6; $i++ ) {
			$farm->client()->request( 'GET', [], [ 'action' => 'query', 'meta' => 'siteinfo', 'format' => 'json' ] );
		}
		$farm->waitUntilIdle();
		$this->assertSame( 1, $farm->queuedJobs( 'farmProbe' ) );
		$this->assertGreaterThanOrEqual( 1, $farm->queuedJobs( 'refreshLinks' ), json_encode( $farm->jobCounts() ) );
		$this->assertSame( [], array_filter( $farm->probeJobRuns(), static fn ( $run ) => $run['tag'] === $tag ) );

		$farm->startService( 'jobrunner' );
		$farm->waitForJobs();
		$runs = array_values( array_filter( $farm->probeJobRuns(), static fn ( $run ) => $run['tag'] === $tag ) );
		$this->assertCount( 1, $runs );
		$this->assertSame( [ 'jobrunner', 'cli' ], [ $runs[0]['ranBy']['server'], $runs[0]['ranBy']['sapi'] ] );
		$this->assertSame( [ 'A', 'fpm-fcgi' ], [ $runs[0]['pushedBy']['server'], $runs[0]['pushedBy']['sapi'] ] );
		$this->assertMatchesRegularExpression( '/ refreshLinks Template:Farm .* good$/m', $farm->log( 'jobrunner.log' ) );
	}

	/**
	 * @dataProvider provideFarms
	 */
	public function testPasswordResetOnEitherServerSendsOneMail( string $label ): void {
		$farm = self::farm( $label );
		$farm->waitForJobs();
		$farm->clearMails();
		$sent = 0;
		foreach ( [ 'A' => 'Reset Via A', 'B' => 'Reset Via B' ] as $server => $user ) {
			$response = $farm->client( $server )->request( 'POST', [
				'action' => 'resetpassword', 'user' => $user, 'token' => '+\\', 'format' => 'json',
			] );
			$this->assertSame( $server, $response['headers']['x-farm-server'] );
			$this->assertSame( '{"resetpassword":{"status":"success"}}', $response['body'] );
			$sent++;
			// The mail may leave after the answer (post-send), or from a job: wait for both.
			$farm->waitForJobs();
			$mails = $farm->waitForMails( $sent );
			$this->assertCount( $sent, $mails, "one mail per request, after the reset through $server" );
			$mail = end( $mails );
			$this->assertStringContainsString( strtolower( str_replace( 'Reset Via ', 'reset.', $user ) ) . '@example.org', $mail->to() );
			$this->assertSame( 'Account details on TestFarm', $mail->subject() );
			$temporary = $mail->temporaryPassword();
			$this->assertNotNull( $temporary, $mail->body );
			// The temporary password is in the shared database: it logs in on the other server.
			$other = $server === 'A' ? 'B' : 'A';
			$login = $farm->client( $other )->clientLogin( $user, $temporary );
			$this->assertSame( 'UI', $login['clientlogin']['status'], json_encode( $login ) );
		}
	}

	/**
	 * @dataProvider provideFarms
	 */
	public function testWithoutRedis( string $label ): void {
		$farm = self::farm( $label );
		$onA = $farm->client( 'A' );
		$this->assertSame( 'PASS', $onA->clientLogin( 'Farm Outage', 'Farm-Outage-Secret-2026' )['clientlogin']['status'] );
		$before = strlen( $farm->log( 'redis.log' ) );

		$farm->stopService( 'redis' );
		try {
			// The session is gone on both servers: its user is anonymous.
			foreach ( $farm->servers() as $server ) {
				$this->assertSame( '127.0.0.1', $this->userName( $onA->withApiUrl( $farm->apiUrl( $server ) ) ), "server $server" );
			}
			// A new login is refused: its login token lived in a session that was never stored.
			$login = $farm->client( 'B' )->clientLogin( 'Farm Outage', 'Farm-Outage-Secret-2026' );
			$this->assertSame( 'badtoken', $login['error']['code'] ?? null, json_encode( $login ) );
			// Pages are still served.
			$page = ( new ApiClient( $farm->serverUrl( 'A' ) . '/index.php' ) )->request( 'GET', [], [ 'title' => 'Main_Page' ] );
			$this->assertSame( 200, $page['status'] );
			// Password resets still send their mail, and more than the rate limit lets through
			// ($wgRateLimits['mailpassword']: 5 an hour from one address): its counter lives in
			// the object cache, and a count that cannot be made does not limit.
			$farm->waitForJobs();
			$farm->clearMails();
			foreach ( self::OUTAGE_RESETS as $user ) {
				$answer = $farm->client()->post( [ 'action' => 'resetpassword', 'user' => $user, 'token' => '+\\' ] );
				$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ], $answer );
			}
			$farm->waitForJobs();
			$this->assertCount( count( self::OUTAGE_RESETS ), $farm->waitForMails( count( self::OUTAGE_RESETS ) ) );
			$this->assertStringContainsString( 'Redis exception connecting to "127.0.0.1:', substr( $farm->log( 'redis.log' ), $before ) );
		} finally {
			$farm->startService( 'redis' );
		}
		// Back: logins work again; the old session is not (Redis kept nothing).
		$again = $farm->client( 'B' );
		$this->assertSame( 'PASS', $again->clientLogin( 'Farm Outage', 'Farm-Outage-Secret-2026' )['clientlogin']['status'] );
		$this->assertSame( 'Farm Outage', $this->userName( $again->withApiUrl( $farm->apiUrl( 'A' ) ) ) );
		$this->assertSame( '127.0.0.1', $this->userName( $onA ) );
	}
}
