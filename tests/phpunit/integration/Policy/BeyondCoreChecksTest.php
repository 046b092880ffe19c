<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration\Policy;

use MediaWiki\Extension\NativePasswordPolicy\Policy\BeyondCoreChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\CheckProblems;
use MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\EngineProvider;
use MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine;
use MediaWiki\MainConfigNames;
use MediaWiki\MainConfigSchema;
use MediaWiki\Password\UserPasswordPolicy;
use MediaWiki\Status\Status;
use MediaWiki\User\User;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserIdentity;
use MediaWiki\User\UserIdentityValue;
use MediaWikiIntegrationTestCase;

/**
 * The checks beyond core in a real wiki: registered by the extension, fed by its settings and
 * `$wgSitename`, given the account's real name and address only when a policy needs them, and
 * passing (logged once, reported) when they cannot run.
 *
 * @group Database
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Policy\BeyondCoreChecks
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Hooks\RegistrationCallback
 */
class BeyondCoreChecksTest extends MediaWikiIntegrationTestCase {

	private const CONTEXT_KEYS = [
		'nativepasswordpolicy-password-contains-username',
		'nativepasswordpolicy-password-contains-realname',
		'nativepasswordpolicy-password-contains-email',
		'nativepasswordpolicy-password-contains-sitename',
	];

	private static function keys( Status $status ): array {
		return array_column( $status->getErrors(), 'message' );
	}

	/** A policy engine of its own, every check of the policy pointing at the extension. */
	private function engineWith( array $engineConfig, $logger = null, ?UserFactory $userFactory = null ): PolicyEngine {
		$engines = new EngineProvider( $engineConfig, static fn () => $logger ?? new \TestLogger() );
		$checks = [];
		foreach ( CorePolicyChecks::METHODS + BeyondCoreChecks::METHODS as $name => $method ) {
			$checks[$name] = NativePolicyChecks::callableFor( $name );
		}
		return new PolicyEngine( $engines, new CheckProblems( $engines ), $userFactory ?? $this->getServiceContainer()->getUserFactory(), $checks );
	}

	/**
	 * What core's UserPasswordPolicy gives for an effective policy whose checks this engine
	 * answers: the PasswordPoliciesForUser hook hands the policy over, then core asks check by check.
	 */
	private static function checkPolicy( PolicyEngine $engine, UserIdentity $user, string $password, array $policy ): Status {
		$checks = [];
		foreach ( $policy as $name => $value ) {
			$checks[$name] = static fn ( $value, $user, $password ) => $engine->check( $name, $value, $user, $password );
		}
		$engine->capture( $user, $policy );
		return ( new UserPasswordPolicy( [ 'default' => $policy ], $checks ) )->checkUserPasswordForGroups( $user, $password, [] );
	}

	/** Core's default policy with the given checks added for everyone. */
	private function enable( array $checks ): void {
		$policy = $this->getServiceContainer()->getMainConfig()->get( MainConfigNames::PasswordPolicy );
		foreach ( $checks as $check => $value ) {
			$policy['policies']['default'][$check] = $value;
		}
		$this->overrideConfigValue( MainConfigNames::PasswordPolicy, $policy );
	}

	private function userWithContext(): User {
		$user = $this->getMutableTestUser()->getUser();
		$user->setRealName( 'Jane Doeson' );
		$user->setEmail( 'jdoeson@mailhost.example' );
		$user->saveSettings();
		return $user;
	}

	public function testTheWikiHasTheChecksRegisteredButNoneEnabled(): void {
		$policy = $this->getServiceContainer()->getMainConfig()->get( MainConfigNames::PasswordPolicy );
		foreach ( BeyondCoreChecks::METHODS as $name => $method ) {
			$this->assertSame( NativePolicyChecks::callableFor( $name ), $policy['checks'][$name] );
		}
		$this->assertSame( MainConfigSchema::PasswordPolicy['default']['policies'], $policy['policies'] );
	}

	public function testContextComesFromTheUserAndTheSiteName(): void {
		$this->overrideConfigValue( MainConfigNames::Sitename, 'Acme Wiki' );
		$this->enable( [ 'PasswordCannotContainContextWords' => [ 'value' => true, 'forceChange' => true ] ] );
		$user = $this->userWithContext();
		$engine = $this->getServiceContainer()->get( 'NativePasswordPolicy.PolicyEngine' );
		$cases = [
			'D0ES0N-forever' => [ 'nativepasswordpolicy-password-contains-realname' ],
			'MAILHOST-and-more' => [ 'nativepasswordpolicy-password-contains-email' ],
			'jdoeson2026' => [ 'nativepasswordpolicy-password-contains-realname', 'nativepasswordpolicy-password-contains-email' ],
			'4cme r0cks' => [ 'nativepasswordpolicy-password-contains-sitename' ],
			'T3STUSER!' => [ 'nativepasswordpolicy-password-contains-username' ],
			'unrelated passphrase here' => [],
		];
		foreach ( $cases as $password => $expected ) {
			// Core's evaluation, with one native call for the policy ...
			$calls = $engine->nativeCallCount();
			$status = $user->checkPasswordValidity( $password );
			$this->assertSame( $expected, self::keys( $status ), "check(): $password" );
			$this->assertSame( 1, $engine->nativeCallCount() - $calls, $password );
			// ... and the context check alone: the same answer.
			$this->assertSame( $expected, array_values( array_intersect( self::CONTEXT_KEYS, self::keys(
				$engine->check( 'PasswordCannotContainContextWords', true, $user, $password ) ) ) ), $password );
			if ( $expected ) {
				$this->assertTrue( $status->getValue()['forceChange'] ?? false );
			}
		}
		// A UserIdentity without the User object: the engine loads the account.
		$engine = $this->getServiceContainer()->get( 'NativePasswordPolicy.PolicyEngine' );
		$identity = new UserIdentityValue( $user->getId(), $user->getName() );
		$this->assertSame(
			[ 'nativepasswordpolicy-password-contains-realname' ],
			self::keys( $engine->check( 'PasswordCannotContainContextWords', true, $identity, 'janedoeson' ) )
		);
	}

	public function testTheStrengthEstimateKnowsTheContext(): void {
		$this->enable( [ 'MinimalPasswordStrength' => 3 ] );
		$user = $this->userWithContext();
		$anon = $this->getServiceContainer()->getUserFactory()->newAnonymous( '127.0.0.1' );
		// Strong as an unknown phrase, weak once the estimate knows the name and address.
		$password = 'Doesonmailhost';
		$this->assertSame( [], self::keys( $anon->checkPasswordValidity( $password ) ) );
		$keys = self::keys( $user->checkPasswordValidity( $password ) );
		$this->assertSame( 'nativepasswordpolicy-password-too-weak', $keys[0] ?? null );
	}

	public function testSettingsReachTheEngine(): void {
		$dir = $this->getNewTempDirectory();
		file_put_contents( "$dir/words.txt", "Zebrafisch\n" );
		$this->overrideConfigValues( [
			'NativePasswordPolicyWordLists' => [ [ 'path' => "$dir/words.txt", 'caseInsensitive' => true ] ],
			'NativePasswordPolicyDenyWords' => [ 'contoso' ],
			'NativePasswordPolicyDenyPatterns' => [ '^\d+$' ],
			'NativePasswordPolicyNormalizeNfkc' => true,
		] );
		$this->enable( [
			'PasswordNotInWordLists' => true,
			'PasswordCannotContainDeniedWords' => true,
			'PasswordCannotMatchDeniedPatterns' => true,
			'MaximalPasswordCodePoints' => 12,
		] );
		$user = $this->getTestUser()->getUser();
		$cases = [
			[ 'ZEBRAFISCH', [ 'nativepasswordpolicy-password-in-word-list' ] ],
			[ 'I work at C0NT0S0', [ 'nativepasswordpolicy-password-contains-denied-word',
				'nativepasswordpolicy-password-too-many-characters' ] ],
			[ '31415926535', [ 'nativepasswordpolicy-password-matches-denied-pattern' ] ],
			// Fullwidth digits are digits after NFKC, for every check: core's common list too
			// (8 of them: core's default minimum length is 8 bytes in 1.43).
			[ '１２３４５６７８', [ 'passwordincommonlist', 'nativepasswordpolicy-password-matches-denied-pattern' ] ],
			[ 'Fine-Phrase', [] ],
		];
		foreach ( $cases as [ $password, $expected ] ) {
			$this->assertSame( $expected, self::keys( $user->checkPasswordValidity( $password ) ), $password );
		}
		$this->assertSame( [], $this->getServiceContainer()->get( 'NativePasswordPolicy.PolicyEngine' )->getProblems() );
	}

	public function testCorePoliciesNeverLoadTheContext(): void {
		$userFactory = $this->createMock( UserFactory::class );
		$userFactory->expects( $this->never() )->method( 'newFromUserIdentity' );
		$engine = $this->engineWith( [ 'siteName' => 'Example Wiki' ], null, $userFactory );
		$identity = new UserIdentityValue( 5, 'Example' );
		foreach ( [ 'MinimalPasswordLength' => 8, 'PasswordCannotBeSubstringInUsername' => true,
			'MinimalPasswordCodePoints' => 8, 'PasswordCannotMatchDeniedPatterns' => true ] as $check => $value
		) {
			$engine->check( $check, $value, $identity, 'password' );
		}

		// The whole-policy path has the User already; it must not read its name or address.
		$user = $this->createMock( User::class );
		$user->method( 'getName' )->willReturn( 'Example' );
		$user->expects( $this->never() )->method( 'getRealName' );
		$user->expects( $this->never() )->method( 'getEmail' );
		$engine = $this->engineWith( [ 'siteName' => 'Example Wiki' ] );
		$status = self::checkPolicy( $engine, $user, 'short', [ 'MinimalPasswordLength' => 8, 'MinimalPasswordCodePoints' => 4 ] );
		$this->assertSame( [ 'passwordtooshort' ], self::keys( $status ) );
	}

	public function testAContextCheckLoadsTheContextOnce(): void {
		$user = $this->createMock( User::class );
		$user->method( 'getName' )->willReturn( 'Example' );
		$user->expects( $this->once() )->method( 'getRealName' )->willReturn( 'Jane Doeson' );
		$user->expects( $this->once() )->method( 'getEmail' )->willReturn( '' );
		$engine = $this->engineWith( [ 'siteName' => 'Example Wiki' ] );
		$status = self::checkPolicy( $engine, $user, 'doeson-x', [
			'PasswordCannotContainContextWords' => true,
			'MinimalPasswordStrength' => [ 'value' => 2, 'suggestChangeOnLogin' => true ],
		] );
		$this->assertContains( 'nativepasswordpolicy-password-contains-realname', self::keys( $status ) );
	}

	public function testACheckThatCannotRunPassesIsLoggedOnceAndReported(): void {
		$logger = new \TestLogger( true, null, true );
		$engine = $this->engineWith(
			[ 'breachCorpusFile' => '/nonexistent/corpus.npp', 'wordLists' => [ [ 'path' => __FILE__ . '.missing' ] ] ],
			$logger
		);
		$identity = new UserIdentityValue( 0, 'Example' );
		$password = 'secret-9f2e-password';
		for ( $i = 0; $i < 3; $i++ ) {
			$this->assertTrue( $engine->check( 'PasswordNotInBreachCorpus', true, $identity, $password )->isGood() );
		}
		// A whole policy: the checks that can run still give their answer, natively.
		$user = $this->getServiceContainer()->getUserFactory()->newFromName( 'Example' );
		$status = self::checkPolicy( $engine, $user, $password, [
			'MinimalPasswordLength' => [ 'value' => 30, 'forceChange' => true ],
			'PasswordNotInBreachCorpus' => [ 'value' => true, 'forceChange' => true ],
			'PasswordNotInWordLists' => true,
			'MinimalPasswordCodePoints' => 25,
		] );
		$this->assertSame( [ 'passwordtooshort', 'nativepasswordpolicy-password-too-few-characters' ], self::keys( $status ) );
		$this->assertTrue( $status->getValue()['forceChange'] );

		$cannotRun = array_values( array_filter( $logger->getBuffer(),
			static fn ( $entry ) => str_contains( $entry[1], 'cannot run' ) ) );
		$this->assertSame( [ 'PasswordNotInBreachCorpus', 'PasswordNotInWordLists' ],
			array_map( static fn ( $entry ) => $entry[2]['check'], $cannotRun ), 'once per check' );
		$this->assertStringNotContainsString( $password, json_encode( $logger->getBuffer() ) );
		$problems = implode( "\n", $engine->getProblems() );
		$this->assertStringContainsString( '/nonexistent/corpus.npp', $problems );
		$this->assertStringContainsString( 'PasswordNotInBreachCorpus cannot run', $problems );
		$this->assertStringContainsString( 'PasswordNotInWordLists cannot run', $problems );
	}

	public function testWithoutANativeEngineTheChecksPassAndCoreAnswers(): void {
		$logger = new \TestLogger( true, null, true );
		// A configuration the module refuses: the engine does not start, as without the module.
		$engine = $this->engineWith( [ 'noSuchSetting' => true ], $logger );
		$identity = new UserIdentityValue( 0, 'Example' );
		$this->assertTrue( $engine->check( 'MinimalPasswordStrength', 4, $identity, 'password' )->isGood() );
		$this->assertSame( [ 'passwordtooshort' ], self::keys( $engine->check( 'MinimalPasswordLength', 10, $identity, 'password' ) ) );

		$user = $this->getServiceContainer()->getUserFactory()->newFromName( 'Example' );
		$status = self::checkPolicy( $engine, $user, 'password', [
			'PasswordNotInCommonList' => true,
			'PasswordNotInBreachCorpus' => true,
			'MinimalPasswordStrength' => 4,
		] );
		$this->assertSame( [ 'passwordincommonlist' ], self::keys( $status ) );
		$problems = implode( "\n", $engine->getProblems() );
		$this->assertStringContainsString( 'MinimalPasswordStrength cannot run', $problems );
		$this->assertStringContainsString( 'PasswordNotInBreachCorpus cannot run', $problems );
	}
}
