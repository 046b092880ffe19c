<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration\Policy;

use InvalidArgumentException;
use MediaWiki\Extension\NativePasswordPolicy\Policy\PasswordValidator;
use MediaWiki\MainConfigNames;
use MediaWiki\Password\UserPasswordPolicy;
use MediaWiki\Status\Status;
use MediaWiki\User\User;
use MediaWikiIntegrationTestCase;

/**
 * PasswordValidator gives what User::checkPasswordValidity() gives, hooks included.
 *
 * @group Database
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Policy\PasswordValidator
 */
class PasswordValidatorTest extends MediaWikiIntegrationTestCase {

	private const PASSWORDS = [
		'', 'x', 'foobar', 'password', 'Short-1', 'Correct-Horse-Battery-2026', 'ExamplePassword',
		'testpass', 'Passpass', 'vetoed', 'accepted', 'with a message', "nul\0byte", "\xff\xfe",
		'Ünïcødé-Paß', 'tester',
	];

	private function validator(): PasswordValidator {
		return $this->getServiceContainer()->get( 'NativePasswordPolicy.PasswordValidator' );
	}

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

	private function assertSameAsCore(): void {
		foreach ( $this->users() as $label => $user ) {
			foreach ( self::PASSWORDS as $password ) {
				$this->assertSame(
					self::summary( $user->checkPasswordValidity( $password ) ),
					self::summary( $this->validator()->checkPasswordValidity( $user, $password ) ),
					"$label, " . json_encode( mb_convert_encoding( $password, 'UTF-8', 'UTF-8' ) )
				);
			}
		}
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
		$this->setTemporaryHook( 'PasswordPoliciesForUser', static function ( $user, &$policy ) {
			$policy['MinimalPasswordLength'] = [ 'value' => 12, 'suggestChangeOnLogin' => true ];
		} );
		$this->assertSameAsCore();
	}

	public function testPoliciesForUser(): void {
		$sysop = $this->getTestSysop()->getUser();
		$upp = new UserPasswordPolicy(
			$this->getServiceContainer()->getMainConfig()->get( MainConfigNames::PasswordPolicy )['policies'],
			$this->getServiceContainer()->getMainConfig()->get( MainConfigNames::PasswordPolicy )['checks']
		);
		$this->assertSame( $upp->getPoliciesForUser( $sysop ), $this->validator()->getPoliciesForUser( $sysop ) );
	}

	public function testBrokenConfigurationFailsAsInCore(): void {
		$policy = $this->getServiceContainer()->getMainConfig()->get( MainConfigNames::PasswordPolicy );
		$policy['checks']['MinimalPasswordLength'] = 'no_such_function';
		$this->overrideConfigValue( MainConfigNames::PasswordPolicy, $policy );
		$this->expectException( InvalidArgumentException::class );
		$this->expectExceptionMessage( "Policy check functions must be callable. 'MinimalPasswordLength' isn't callable." );
		$this->validator()->checkPasswordValidity( $this->getTestUser()->getUser(), 'x' );
	}

	public function testMissingDefaultPolicyFailsAsInCore(): void {
		$policy = $this->getServiceContainer()->getMainConfig()->get( MainConfigNames::PasswordPolicy );
		unset( $policy['policies']['default'] );
		$this->overrideConfigValue( MainConfigNames::PasswordPolicy, $policy );
		$this->expectException( InvalidArgumentException::class );
		$this->expectExceptionMessage( "Must include a 'default' password policy" );
		$this->validator()->checkPasswordValidity( $this->getTestUser()->getUser(), 'x' );
	}
}
