<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Http;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\FaultInjectionModule;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;
use PHPUnit\Framework\TestCase;

/**
 * An internal error of the module (a Rust panic, forced with the test-only fault injection of
 * the module's fault-injection build, FaultInjectionModule) on a served wiki: the panic becomes an EngineException, the extension logs it on
 * its channel without the password and answers with core's PHP check, so users are not locked
 * out and get core's exact answers.
 *
 * @coversNothing
 */
class InternalErrorFallbackTest extends TestCase {

	private const USER = 'Fault User';
	private const PASSWORD = 'Zebra-Fault-Password-77';
	private const CANDIDATE = 'Quartz-Candidate-Only-58';

	public function testPanicsFallBackToCoresChecksAndAreLoggedWithoutThePassword(): void {
		// The release module has no fault injection: the wiki loads the test build of the same commit.
		$release = getenv( 'NPP_MODULE' ) ?: dirname( __DIR__, 2 ) . '/target/release/libnative_password_policy.so';
		$wiki = ThrowawayWiki::start( [
			'module' => FaultInjectionModule::path( $release ),
			// Every method a check may go through: the policy's one evaluation, then each check alone.
			'env' => [ 'NATIVE_PASSWORD_POLICY_FAULT_INJECTION' => 'panic:Engine::check,Engine::evaluate,Engine::evaluatePolicy' ],
		] );
		try {
			$wiki->createUsers( [ [ 'name' => self::USER, 'password' => self::PASSWORD ] ] );
			$client = $wiki->client();
			$validate = static fn ( string $password, array $more = [] ) => $client->post( [
				'action' => 'validatepassword', 'password' => $password, 'formatversion' => 2,
			] + $more )['validatepassword'] ?? null;

			// Core's answers (the default policy): a common password must change, a good one passes,
			// one matching the new account's name must change.
			$common = $validate( 'password' );
			$this->assertSame( 'Change', $common['validity'] ?? null, json_encode( $common ) );
			$this->assertSame( 'passwordincommonlist', $common['validitymessages'][0]['code'] );
			$this->assertSame( 'Good', $validate( self::CANDIDATE )['validity'] );
			$named = $validate( 'Newcomer', [ 'user' => 'Newcomer' ] );
			$this->assertSame( 'Change', $named['validity'] );
			$this->assertSame( 'password-substring-username-match', $named['validitymessages'][0]['code'] );

			// Login runs the checks through the extension's callables (Engine::evaluatePolicy, then
			// each check alone when that fails).
			$login = $wiki->client()->clientLogin( self::USER, self::PASSWORD );
			$this->assertSame( 'PASS', $login['clientlogin']['status'], json_encode( $login ) );

			$log = $wiki->log( 'nativepasswordpolicy.log' );
			$this->assertStringContainsString( 'core\'s PHP check used instead', $log );
			$this->assertStringContainsString( 'The native evaluation of a password policy failed', $log );
			$this->assertStringContainsString( 'internal error in native_password_policy', $log );
			foreach ( [ self::PASSWORD, self::CANDIDATE ] as $secret ) {
				$this->assertStringNotContainsString( $secret, $log, 'no password in the log' );
			}
			foreach ( [ 'server.log', 'fatal.log', 'exception.log' ] as $name ) {
				$this->assertStringNotContainsString( 'Fatal error', $wiki->log( $name ), $name );
				$this->assertStringNotContainsString( self::PASSWORD, $wiki->log( $name ), $name );
			}
		} finally {
			$wiki->stop();
		}
	}

	public function testTheReleaseModuleIgnoresTheVariable(): void {
		// The module operators install has no fault injection: the same variable, for every
		// method, changes nothing, and the module's own checks answer.
		$wiki = ThrowawayWiki::start( [ 'env' => [ 'NATIVE_PASSWORD_POLICY_FAULT_INJECTION' => 'panic:*' ] ] );
		try {
			$answer = $wiki->client()->post( [
				'action' => 'validatepassword', 'password' => 'password', 'formatversion' => 2,
			] )['validatepassword'] ?? null;
			$this->assertSame( 'Change', $answer['validity'] ?? null, json_encode( $answer ) );
			$this->assertSame( 'passwordincommonlist', $answer['validitymessages'][0]['code'] );
			$log = $wiki->log( 'nativepasswordpolicy.log' );
			$this->assertStringNotContainsString( 'internal error', $log );
			$this->assertStringNotContainsString( 'core\'s PHP check used instead', $log );
		} finally {
			$wiki->stop();
		}
	}
}
