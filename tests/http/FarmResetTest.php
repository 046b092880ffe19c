<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Http;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ApiClient;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\CaughtMail;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\StoredPassword;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayFarm;
use PHPUnit\Framework\TestCase;

/**
 * Queued password resets on a wiki of several servers (ThrowawayFarm: app servers A and B
 * behind a round-robin balancer, one MariaDB holding the wiki and its job queue, Redis as
 * object cache and session store, one job runner), with core's resend throttle (24 hours):
 *
 * - a reset asked of either server gets the same answer whatever its target, queues one job,
 *   and takes no longer for a real account than for an unknown one;
 * - the job runner mails each account once, with one valid temporary password, also for
 *   resets of one account sent at once through both servers and run by several runners;
 * - nothing depends on one server's memory: the rate limit is counted for both servers;
 * - without the job runner the jobs wait in the queue and are mailed when it is back;
 * - without Redis (the cache) resets are accepted as MediaWiki accepts them, and the operator
 *   is told the rate limit could not be counted; with the reset queue in Redis ("queue" farm),
 *   a queue that is down refuses every reset with one translated answer, logged, and the
 *   resets asked after it is back are mailed.
 *
 * @coversNothing
 */
class FarmResetTest extends TestCase {

	private const JOB = 'nativePasswordPolicyReset';

	private const SUCCESS = '{"resetpassword":{"status":"success"}}';

	/**
	 * Settings of both farms: no rate limit unless a request asks for one (X-NPP-Variant; every
	 * request comes from 127.0.0.1), core's resend throttle, no login throttle.
	 */
	private const SETTINGS = <<<'PHP'
		$wgRateLimits['mailpassword'] = [];
		$wgPasswordReminderResendTime = 24;
		$wgPasswordAttemptThrottle = [];
		if ( ( $_SERVER['HTTP_X_NPP_VARIANT'] ?? '' ) === 'ratelimit-three' ) {
			$wgRateLimits['mailpassword'] = [ 'ip' => [ 3, 3600 ] ];
		}
		PHP;

	/** The "queue" farm's reset jobs go to Redis (the farm's own server) instead of MariaDB. */
	private const REDIS_QUEUE = <<<'PHP'
		$wgJobTypeConf['nativePasswordPolicyReset'] = [
			'class' => 'JobQueueRedis',
			'redisServer' => $wgObjectCaches['farm-redis']['servers'][0],
			'redisConfig' => [ 'connectTimeout' => 1 ],
			'claimTTL' => 3600,
			'daemonized' => true,
		];
		PHP;

	/** @var array<string,ThrowawayFarm> db, queue */
	private static array $farms = [];

	/** @var int Accounts made so far, for fresh names */
	private static int $accounts = 0;

	public static function tearDownAfterClass(): void {
		foreach ( self::$farms as $farm ) {
			$farm->stop();
		}
		self::$farms = [];
	}

	private static function farm( string $label = 'db' ): ThrowawayFarm {
		self::$farms[$label] ??= ThrowawayFarm::start( [
			'extension' => true,
			'jobRunnerPause' => 0.2,
			'settings' => self::SETTINGS . ( $label === 'queue' ? "\n" . self::REDIS_QUEUE : '' ),
		] );
		return self::$farms[$label];
	}

	/**
	 * New accounts with a confirmed address each.
	 *
	 * @return string[] Their names; the address of "Farm Reset N" is farm.reset.N@example.org
	 */
	private function accounts( ThrowawayFarm $farm, int $count ): array {
		$users = [];
		for ( $i = 0; $i < $count; $i++ ) {
			$n = ++self::$accounts;
			$users[] = [ 'name' => "Farm Reset $n", 'password' => "Farm-Reset-Original-$n", 'email' => "farm.reset.$n@example.org" ];
		}
		$farm->createUsers( $users );
		return array_column( $users, 'name' );
	}

	private static function address( string $user ): string {
		return strtolower( str_replace( ' ', '.', $user ) ) . '@example.org';
	}

	/** Stops the runner once what is queued is done, and forgets the mail so far. */
	private function quiet( ThrowawayFarm $farm ): void {
		if ( !$farm->isRunning( 'jobrunner' ) ) {
			$farm->startService( 'jobrunner' );
		}
		$farm->waitForJobs();
		if ( $farm->isRunning( 'jobrunner' ) ) {
			$farm->stopService( 'jobrunner' );
		}
		$farm->clearMails();
	}

	/**
	 * @return array{status:int,headers:array,body:string,seconds:float}
	 */
	private function reset( ThrowawayFarm $farm, ?string $server, array $target, ?string $variant = null ): array {
		$client = $farm->client( $server );
		if ( $variant !== null ) {
			$client->setHeader( WikiPair::VARIANT_HEADER, $variant );
		}
		return $client->request( 'POST', $target + [ 'action' => 'resetpassword', 'token' => '+\\', 'format' => 'json' ] );
	}

	/** The account's user_newpassword, or null. */
	private function temporaryPasswordHash( ThrowawayFarm $farm, string $user ): ?string {
		$db = $farm->db();
		$query = $db->prepare( 'SELECT user_newpassword FROM user WHERE user_name = ?' );
		$query->bind_param( 's', $user );
		$query->execute();
		$hash = $query->get_result()->fetch_row()[0] ?? null;
		$db->close();
		return is_string( $hash ) && $hash !== '' ? $hash : null;
	}

	/**
	 * Each account has had exactly one mail, whose password is the one stored and logs in
	 * (through the server given), asking for a new one.
	 *
	 * @param ThrowawayFarm $farm
	 * @param string[] $users
	 * @param CaughtMail[] $mails
	 * @param string $server
	 */
	private function assertOneValidMailEach( ThrowawayFarm $farm, array $users, array $mails, string $server ): void {
		$byAddress = [];
		foreach ( $mails as $mail ) {
			preg_match( '/[^<\s]+@[^>\s]+/', $mail->to(), $match );
			$byAddress[strtolower( $match[0] ?? $mail->to() )][] = $mail;
		}
		$expected = array_map( [ self::class, 'address' ], $users );
		$mailed = array_keys( $byAddress );
		sort( $expected );
		sort( $mailed );
		// In any order: the queue gives jobs out at random.
		$this->assertSame( $expected, $mailed, 'mail for each account, nobody else' );
		foreach ( $users as $user ) {
			$this->assertCount( 1, $byAddress[self::address( $user )], "mails to $user" );
			$password = (string)$byAddress[self::address( $user )][0]->temporaryPassword();
			$hash = $this->temporaryPasswordHash( $farm, $user );
			$this->assertNotNull( $hash, $user );
			$this->assertTrue( StoredPassword::verifies( $hash, $password ), "$user: the mailed password is the stored one" );
			$login = $farm->client( $server )->clientLogin( $user, $password );
			$this->assertSame( 'UI', $login['clientlogin']['status'] ?? null, json_encode( $login ) );
			$this->assertSame( 'resetpass-temp-emailed', $login['clientlogin']['messagecode'] );
		}
	}

	/**
	 * Either server, and the balancer, answer every target alike and queue one job a request;
	 * once the runner runs them, each account is mailed once (the throttle holds the later
	 * requests back, whichever server took them).
	 */
	public function testEveryServerAnswersAlikeAndEachAccountIsMailedOnce(): void {
		$farm = self::farm();
		[ $real, $other ] = $this->accounts( $farm, 2 );
		$farm->createUsers( [ [ 'name' => 'Farm Nomail ' . self::$accounts ] ] );
		$this->quiet( $farm );
		$targets = [
			[ 'user' => $real ],
			[ 'email' => self::address( $real ) ],
			[ 'user' => lcfirst( str_replace( ' ', '_', $other ) ) ],
			[ 'user' => 'Farm Nomail ' . self::$accounts ],
			[ 'user' => 'Nobody ' . self::$accounts ],
			[ 'email' => 'nobody.' . self::$accounts . '@example.org' ],
		];
		$answers = [];
		$servedBy = [];
		foreach ( [ 'A', 'B', null ] as $server ) {
			foreach ( $targets as $target ) {
				$response = $this->reset( $farm, $server, $target );
				$answers[] = $response['status'] . ' ' . $response['body'];
				$servedBy[] = $response['headers']['x-farm-server'] ?? '?';
			}
		}
		$this->assertSame( array_fill( 0, count( $answers ), '200 ' . self::SUCCESS ), $answers );
		$this->assertSame( array_merge( array_fill( 0, 6, 'A' ), array_fill( 0, 6, 'B' ) ), array_slice( $servedBy, 0, 12 ) );
		$this->assertSame( [], array_diff( array_slice( $servedBy, 12 ), [ 'A', 'B' ] ), 'the balancer sends to both' );
		$farm->waitUntilIdle();
		$this->assertSame( count( $answers ), $farm->queuedJobs( self::JOB ), 'one job per request' );
		$this->assertSame( [], $farm->mails() );

		$farm->startService( 'jobrunner' );
		$farm->waitForJobs();
		$this->assertOneValidMailEach( $farm, [ $real, $other ], $farm->waitForMails( 2 ), 'B' );
		$this->assertStringContainsString( self::JOB . ' requested by 127.0.0.1 (by address)', $farm->log( 'jobrunner.log' ) );
		$this->assertStringNotContainsString( self::address( $real ), $farm->log( 'jobrunner.log' ),
			'the runner\'s log does not keep the address asked for' );
	}

	/**
	 * Twenty resets of one account at once, by name, by another spelling and by address,
	 * through both servers, then run by four job runners at once: one mail, one valid password.
	 */
	public function testResetsOfOneAccountAtOnceThroughBothServers(): void {
		$farm = self::farm();
		[ $user ] = $this->accounts( $farm, 1 );
		$this->quiet( $farm );
		$targets = [ [ 'user' => $user ], [ 'email' => self::address( $user ) ], [ 'user' => lcfirst( str_replace( ' ', '_', $user ) ) ] ];
		$requests = [];
		for ( $i = 0; $i < 20; $i++ ) {
			$requests[] = [ $farm->client( $i % 2 ? 'B' : 'A' ), 'POST',
				$targets[$i % 3] + [ 'action' => 'resetpassword', 'token' => '+\\', 'format' => 'json' ], [] ];
		}
		foreach ( ApiClient::requestMany( $requests, 20 ) as $i => $answer ) {
			$this->assertSame( self::SUCCESS, $answer['body'], "request $i" );
		}
		$farm->waitUntilIdle();
		$this->assertSame( 20, $farm->queuedJobs( self::JOB ) );
		$farm->runJobsConcurrently( 4 );
		$this->assertSame( 0, $farm->queuedJobs( self::JOB ) );
		usleep( 300_000 );
		$this->assertOneValidMailEach( $farm, [ $user ], $farm->mails(), 'A' );
	}

	/**
	 * Resets of real and unknown accounts, interleaved, through both servers (the runner
	 * stopped, as on a farm whose runners are other hosts): the answer times do not tell them
	 * apart. A coarse bound; benches/reset-timing.php measures it with confidence intervals.
	 */
	public function testARealAccountTakesNoLongerThanAnUnknownOne(): void {
		$farm = self::farm();
		[ $user ] = $this->accounts( $farm, 1 );
		$this->quiet( $farm );
		$times = [ 'real' => [], 'unknown' => [] ];
		for ( $i = 0; $i < 40; $i++ ) {
			foreach ( $i % 2 ? [ 'unknown', 'real' ] : [ 'real', 'unknown' ] as $kind ) {
				$target = $kind === 'real' ? [ 'user' => $user ] : [ 'user' => "Nobody $i " . self::$accounts ];
				$response = $this->reset( $farm, $i % 4 < 2 ? 'A' : 'B', $target );
				$this->assertSame( self::SUCCESS, $response['body'] );
				$times[$kind][] = $response['seconds'] * 1000;
			}
			usleep( 20_000 );
		}
		$median = static function ( array $values ): float {
			sort( $values );
			$n = count( $values );
			return ( $values[intdiv( $n - 1, 2 )] + $values[intdiv( $n, 2 )] ) / 2;
		};
		$gap = $median( $times['real'] ) - $median( $times['unknown'] );
		$this->assertLessThan( 3.0, abs( $gap ), sprintf( 'median real %.2f ms, unknown %.2f ms',
			$median( $times['real'] ), $median( $times['unknown'] ) ) );
		$farm->startService( 'jobrunner' );
		$farm->waitForJobs();
		$this->assertCount( 1, $farm->waitForMails( 1 ) );
	}

	/**
	 * The mailpassword rate limit, counted in Redis, holds across the servers: of six resets
	 * alternating between A and B, three are queued and mailed.
	 */
	public function testTheRateLimitIsCountedForBothServers(): void {
		$farm = self::farm();
		$users = $this->accounts( $farm, 6 );
		$this->quiet( $farm );
		foreach ( $users as $i => $user ) {
			$this->assertSame( self::SUCCESS, $this->reset( $farm, $i % 2 ? 'B' : 'A', [ 'user' => $user ], 'ratelimit-three' )['body'] );
		}
		$farm->waitUntilIdle();
		$this->assertSame( 3, $farm->queuedJobs( self::JOB ), 'three passed the limit, whichever server took them' );
		$farm->startService( 'jobrunner' );
		$farm->waitForJobs();
		$this->assertOneValidMailEach( $farm, array_slice( $users, 0, 3 ), $farm->waitForMails( 3 ), 'A' );
	}

	/**
	 * Without the job runner nothing is lost: the jobs wait in the queue, and are mailed, once
	 * each, when the runner is back.
	 */
	public function testJobsWaitForTheRunner(): void {
		$farm = self::farm();
		$users = $this->accounts( $farm, 4 );
		$this->quiet( $farm );
		foreach ( $users as $i => $user ) {
			$this->assertSame( self::SUCCESS, $this->reset( $farm, $i % 2 ? 'B' : 'A', [ 'email' => self::address( $user ) ] )['body'] );
		}
		sleep( 2 );
		$this->assertSame( 4, $farm->queuedJobs( self::JOB ) );
		$this->assertSame( [], $farm->mails(), 'no mail without the runner' );
		$farm->startService( 'jobrunner' );
		$farm->waitForJobs();
		$this->assertOneValidMailEach( $farm, $users, $farm->waitForMails( 4 ), 'B' );
	}

	/**
	 * Without Redis the resets are accepted, as MediaWiki accepts them, their jobs wait in
	 * MariaDB and are mailed; the operator reads that the rate limit could not be counted.
	 */
	public function testWithoutTheCacheResetsAreAcceptedAndTheOperatorIsTold(): void {
		$farm = self::farm();
		$users = $this->accounts( $farm, 2 );
		$this->quiet( $farm );
		$before = strlen( $farm->log( 'nativepasswordpolicy.log' ) );
		$farm->stopService( 'redis' );
		try {
			foreach ( $users as $i => $user ) {
				$this->assertSame( self::SUCCESS, $this->reset( $farm, $i ? 'B' : 'A', [ 'user' => $user ], 'ratelimit-three' )['body'] );
			}
			$this->assertSame( self::SUCCESS, $this->reset( $farm, 'A', [ 'user' => 'Nobody without Redis' ], 'ratelimit-three' )['body'] );
			$farm->waitUntilIdle();
			$this->assertSame( 3, $farm->queuedJobs( self::JOB ) );
			$logged = substr( $farm->log( 'nativepasswordpolicy.log' ), $before );
			$this->assertSame( 3, substr_count( $logged, 'The mailpassword rate limit of a password reset could not be counted' ), $logged );
			$farm->startService( 'jobrunner' );
			$farm->waitForJobs();
			$mails = $farm->waitForMails( 2 );
		} finally {
			$farm->startService( 'redis' );
		}
		// Logging in needs a session, which lives in Redis.
		$this->assertOneValidMailEach( $farm, $users, $mails, 'A' );
	}

	/**
	 * With the reset queue in Redis, a queue that is down refuses every reset with one answer,
	 * whatever the target and the server, and the operator is told; nothing is queued, so
	 * nothing is mailed later. Resets asked once Redis is back are mailed.
	 */
	public function testAQueueThatIsDownRefusesEveryResetAlike(): void {
		$farm = self::farm( 'queue' );
		[ $user ] = $this->accounts( $farm, 1 );
		$this->quiet( $farm );
		$farm->stopService( 'redis' );
		try {
			$answers = [];
			foreach ( [ 'A', 'B' ] as $server ) {
				foreach ( [ [ 'user' => $user ], [ 'email' => self::address( $user ) ], [ 'user' => 'Nobody in the queue farm' ] ] as $target ) {
					$response = $this->reset( $farm, $server, $target + [ 'errorformat' => 'plaintext', 'formatversion' => 2, 'uselang' => 'en' ] );
					$answers[] = [ $response['status'], $response['headers']['mediawiki-api-error'] ?? null,
						json_decode( $response['body'], true )['errors'][0]['text'] ?? $response['body'] ];
				}
			}
			$this->assertSame( array_fill( 0, 6, [
				200, 'nativepasswordpolicy-reset-unavailable', 'Password resets cannot be accepted right now. Please try again later.',
			] ), $answers );
			$this->assertSame( 6, substr_count( $farm->log( 'nativepasswordpolicy.log' ), 'could not be queued, and was refused' ) );
		} finally {
			$farm->startService( 'redis' );
		}
		$this->assertSame( self::SUCCESS, $this->reset( $farm, 'B', [ 'user' => $user ] )['body'] );
		$farm->startService( 'jobrunner' );
		for ( $i = 0; $i < 100 && !$farm->mails(); $i++ ) {
			usleep( 100_000 );
		}
		$this->assertOneValidMailEach( $farm, [ $user ], $farm->waitForMails( 1 ), 'A' );
	}
}
