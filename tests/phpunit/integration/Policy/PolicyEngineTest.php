<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration\Policy;

use MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine;
use MediaWiki\MainConfigNames;
use MediaWiki\Status\Status;
use MediaWiki\User\User;
use MediaWiki\User\UserIdentityValue;
use MediaWikiIntegrationTestCase;
use Wikimedia\TestingAccessWrapper;

/**
 * Core's own validity check (User::checkPasswordValidity(): hooks, group policies merged by
 * UserPasswordPolicy, one callable per check) gives the same answers with the extension's
 * callables as with core's, while the extension evaluates each (user, password) with one call
 * into the module and keeps nothing of it afterwards.
 *
 * @group Database
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Hooks\PolicyCaptureHandler
 */
class PolicyEngineTest extends MediaWikiIntegrationTestCase {

	private const PASSWORDS = [
		'', 'x', 'foobar', 'password', 'Short-1', 'Correct-Horse-Battery-2026', 'ExamplePassword',
		'testpass', 'Passpass', 'vetoed', 'accepted', 'with a message', "nul\0byte", "\xff\xfe",
		'Ünïcødé-Paß', 'tester', 'UTSysop',
	];

	/** @return User[] */
	private function users(): array {
		$userFactory = $this->getServiceContainer()->getUserFactory();
		return [
			'anonymous' => $userFactory->newAnonymous( '127.0.0.1' ),
			'unsaved account' => $userFactory->newFromName( 'Xqz-Tester' ),
			'default credentials' => $userFactory->newFromName( 'Apitestuser' ),
			'user' => $this->getTestUser()->getUser(),
			'sysop' => $this->getTestSysop()->getUser(),
			'bot' => $this->getTestUser( [ 'bot' ] )->getUser(),
		];
	}

	private static function summary( Status $status ): array {
		return [
			'good' => $status->isGood(),
			'ok' => $status->isOK(),
			'errors' => $status->getErrors(),
			'value' => $status->getValue(),
		];
	}

	private function engine(): PolicyEngine {
		return $this->getServiceContainer()->get( 'NativePasswordPolicy.PolicyEngine' );
	}

	/**
	 * Every user and password through core's validity check, with the policy's checks as
	 * configured (the extension's) and with core's own callables in their place.
	 */
	private function assertSameAsCore(): void {
		$policy = $this->getServiceContainer()->getMainConfig()->get( MainConfigNames::PasswordPolicy );
		$coreChecks = $policy['checks'];
		foreach ( CorePolicyChecks::METHODS as $name => $method ) {
			$coreChecks[$name] = CorePolicyChecks::coreCallable( $name );
		}
		$results = [];
		foreach ( [ 'core' => $coreChecks, 'extension' => $policy['checks'] ] as $side => $checks ) {
			$this->overrideConfigValue( MainConfigNames::PasswordPolicy, [ 'checks' => $checks ] + $policy );
			$before = $this->engine()->nativeCallCount();
			$evaluations = 0;
			foreach ( $this->users() as $label => $user ) {
				foreach ( self::PASSWORDS as $password ) {
					$results[$side]["$label, " . bin2hex( $password )] = self::summary( $user->checkPasswordValidity( $password ) );
					$evaluations++;
				}
			}
			$calls[$side] = $this->engine()->nativeCallCount() - $before;
		}
		$this->assertSame( $results['core'], $results['extension'] );
		$this->assertSame( 0, $calls['core'], 'core\'s callables do not call the module' );
		// A hook may decide alone (no policy checked): at most one call per (user, password).
		$this->assertLessThanOrEqual( $evaluations, $calls['extension'] );
		$this->assertGreaterThan( $evaluations / 2, $calls['extension'] );
		$this->assertVerdictForgotten();
	}

	private function assertVerdictForgotten(): void {
		$engine = TestingAccessWrapper::newFromObject( $this->engine() );
		$this->assertNull( $engine->verdictPassword, 'the password is not kept after its evaluation' );
		$this->assertNull( $engine->verdictPolicy );
		$this->assertSame( [], $engine->verdictFailures );
		$this->assertNull( $engine->capturedSubject, 'no captured policy waits for its evaluation' );
	}

	public function testSameAsCoreWithTheDefaultPolicy(): void {
		$this->assertSameAsCore();
	}

	public function testSameAsCoreWithFlagsAndFatalChecks(): void {
		$policy = $this->getServiceContainer()->getMainConfig()->get( MainConfigNames::PasswordPolicy );
		$policy['policies']['default']['MinimalPasswordLength'] = [ 'value' => 8, 'forceChange' => true ];
		$policy['policies']['default']['MinimumPasswordLengthToLogin'] = 4;
		$policy['policies']['bot']['MaximalPasswordLength'] = [ 'value' => 12, 'suggestChangeOnLogin' => true ];
		$this->overrideConfigValue( MainConfigNames::PasswordPolicy, $policy );
		$this->assertSameAsCore();
	}

	public function testSameAsCoreWithHooks(): void {
		$this->setTemporaryHook( 'isValidPassword', static function ( $password, &$result ) {
			if ( $password === 'vetoed' ) {
				$result = 'badretype';
				return false;
			}
			if ( $password === 'accepted' ) {
				$result = true;
			} elseif ( $password === 'with a message' ) {
				$result = 'passwordtooshort';
			}
		} );
		// Runs after the extension's handler: the verdict must see its change.
		$this->setTemporaryHook( 'PasswordPoliciesForUser', static function ( $user, &$policy ) {
			$policy['MinimalPasswordLength'] = [ 'value' => 12, 'suggestChangeOnLogin' => true ];
		}, false );
		$this->assertSameAsCore();
	}

	public function testOneCallIntoTheModulePerEvaluation(): void {
		$sysop = $this->getTestSysop()->getUser();
		$engine = $this->engine();
		foreach ( [ 'password', 'Correct-Horse-Battery-2026', 'UTSysop' ] as $password ) {
			$before = $engine->nativeCallCount();
			$sysop->checkPasswordValidity( $password );
			$this->assertSame( 1, $engine->nativeCallCount() - $before, $password );
			$this->assertVerdictForgotten();
		}
	}

	public function testCallsTheVerdictDoesNotCoverRunAlone(): void {
		$engine = $this->engine();
		$alice = new UserIdentityValue( 0, 'Alice' );
		$policy = [ 'MinimalPasswordLength' => 10, 'PasswordNotInCommonList' => true ];
		$engine->capture( $alice, $policy );
		$this->assertSame( [ 'passwordtooshort' ], self::keys( $engine->check( 'MinimalPasswordLength', 10, $alice, 'short' ) ) );
		$this->assertSame( 1, $engine->nativeCallCount(), 'the captured policy is evaluated' );
		// Another password, another user, another value: the verdict does not answer them.
		$this->assertSame( [ 'passwordincommonlist' ], self::keys( $engine->check( 'PasswordNotInCommonList', true, $alice, 'password' ) ) );
		$this->assertSame( [ 'passwordtooshort' ], self::keys( $engine->check( 'MinimalPasswordLength', 10, new UserIdentityValue( 0, 'Bob' ), 'short' ) ) );
		$this->assertSame( 3, $engine->nativeCallCount() );
		$this->assertSame( [], self::keys( $engine->check( 'MinimalPasswordLength', 4, $alice, 'short' ) ) );
		$this->assertSame( 4, $engine->nativeCallCount() );
	}

	public function testAVerdictAnswersOnlyItsOwnUserAndPassword(): void {
		$engine = $this->engine();
		$alice = new UserIdentityValue( 0, 'Alice' );
		$policy = [ 'MinimalPasswordLength' => 10, 'PasswordNotInCommonList' => true, 'MaximalPasswordLength' => 4096 ];
		$engine->capture( $alice, $policy );
		$this->assertSame( [ 'passwordtooshort' ], self::keys( $engine->check( 'MinimalPasswordLength', 10, $alice, 'password' ) ) );
		// Same user, the verdict's password: answered from it.
		$this->assertSame( [ 'passwordincommonlist' ], self::keys( $engine->check( 'PasswordNotInCommonList', true, $alice, 'password' ) ) );
		$this->assertSame( 1, $engine->nativeCallCount() );
		// Another user with the verdict's password: run alone, and right for that user.
		$this->assertSame( [], self::keys( $engine->check( 'MaximalPasswordLength', 4096, new UserIdentityValue( 0, 'Bob' ), 'password' ) ) );
		$this->assertSame( 2, $engine->nativeCallCount() );
		// The last entry of the verdict, then nothing is kept.
		$this->assertSame( [], self::keys( $engine->check( 'MaximalPasswordLength', 4096, $alice, 'password' ) ) );
		$this->assertSame( 2, $engine->nativeCallCount() );
		$this->assertVerdictForgotten();
	}

	public function testValuesTheModuleDoesNotTakeStayWithCore(): void {
		$engine = $this->engine();
		$alice = new UserIdentityValue( 0, 'Alice' );
		$policy = [ 'MinimalPasswordLength' => [ 'value' => [ 'an', 'array' ] ] ];
		$engine->capture( $alice, $policy );
		$core = CorePolicyChecks::coreCallable( 'MinimalPasswordLength' );
		$this->assertSame(
			self::summary( $core( [ 'an', 'array' ], $alice, 'short' ) ),
			self::summary( $engine->check( 'MinimalPasswordLength', [ 'an', 'array' ], $alice, 'short' ) )
		);
		// The evaluation of the policy, which took no entry: the check went to core, not to the module.
		$this->assertSame( 1, $engine->nativeCallCount() );
	}

	private static function keys( Status $status ): array {
		return array_column( $status->getErrors(), 'message' );
	}
}
