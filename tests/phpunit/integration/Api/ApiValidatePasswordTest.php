<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration\Api;

use MediaWiki\Api\ApiCheckToken;
use MediaWiki\Api\ApiMain;
use MediaWiki\Api\ApiUsageException;
use MediaWiki\Extension\NativePasswordPolicy\Api\ApiResetPassword;
use MediaWiki\Extension\NativePasswordPolicy\Api\ApiValidatePassword;
use MediaWiki\Tests\Api\ApiTestCase;
use Wikimedia\TestingAccessWrapper;

/**
 * action=validatepassword as the API documentation describes it, run against the extension's
 * module and, with $wgNativePasswordPolicyApiModules off, against core's: every case must
 * give the same answer from both.
 *
 * Where length is not what a case tests, its password has at least 10 bytes: core's default
 * minimum is 1 in 1.39 and 8 in 1.43, sysop's 10 in both.
 *
 * @group API
 * @group Database
 * @group medium
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Api\ApiValidatePassword
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Hooks\ApiModuleHandler
 */
class ApiValidatePasswordTest extends ApiTestCase {

	public static function provideImplementations(): array {
		return [ 'extension' => [ true ], 'core' => [ false ] ];
	}

	private function useImplementation( bool $extension ): void {
		$this->overrideConfigValue( 'NativePasswordPolicyApiModules', $extension );
	}

	/**
	 * @param array $params
	 * @param \MediaWiki\Permissions\Authority|null $performer Anonymous by default
	 * @return array The module's part of the answer
	 */
	private function validate( array $params, $performer = null ): array {
		$performer ??= $this->getServiceContainer()->getUserFactory()->newAnonymous( '127.0.0.1' );
		[ $result ] = $this->doApiRequest( [ 'action' => 'validatepassword' ] + $params, null, false, $performer );
		return $result['validatepassword'];
	}

	private function assertApiError( string $code, callable $request ): void {
		try {
			$request();
		} catch ( ApiUsageException $e ) {
			$this->assertTrue( self::apiExceptionHasCode( $e, $code ), "expected $code, got: " . $e->getMessage() );
			return;
		}
		$this->fail( "expected the error $code" );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testTheSwitchPicksTheModule( bool $extension ): void {
		$this->useImplementation( $extension );
		[ , , , $main ] = $this->doApiRequest(
			[ 'action' => 'validatepassword', 'password' => 'x' ], null, true
		);
		$this->assertSame(
			// Core's class as core's module map spells it (global in 1.39, namespaced in 1.43)
			$extension ? ApiValidatePassword::class
				: TestingAccessWrapper::constant( ApiMain::class, 'MODULES' )['validatepassword']['class'],
			$main->getModuleManager()->getClassName( 'validatepassword' )
		);
	}

	/**
	 * A module an operator or another extension put in place of core's stays.
	 */
	public function testAnotherReplacementIsLeftAlone(): void {
		$this->overrideConfigValue( 'APIModules', [ 'validatepassword' => ApiCheckToken::class ] );
		[ , , , $main ] = $this->doApiRequest( [ 'action' => 'checktoken', 'type' => 'csrf', 'token' => 'x' ], null, true );
		$this->assertSame( ApiCheckToken::class, $main->getModuleManager()->getClassName( 'validatepassword' ) );
		$this->assertSame( ApiResetPassword::class, $main->getModuleManager()->getClassName( 'resetpassword' ) );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testGoodPassword( bool $extension ): void {
		$this->useImplementation( $extension );
		$this->assertSame(
			[ 'validity' => 'Good' ],
			$this->validate( [ 'password' => 'Correct-Horse-Battery-2026', 'user' => 'Newcomer' ] )
		);
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testCommonPasswordMayLogInButShouldChange( bool $extension ): void {
		$this->useImplementation( $extension );
		$this->assertSame(
			[
				'validity' => 'Change',
				'validitymessages' => [
					[ 'message' => 'passwordincommonlist', 'params' => [], 'code' => 'passwordincommonlist', 'type' => 'error' ],
				],
			],
			$this->validate( [ 'password' => 'qwertyuiop' ] )
		);
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testTooLongPasswordIsInvalid( bool $extension ): void {
		$this->useImplementation( $extension );
		$answer = $this->validate( [ 'password' => str_repeat( 'x', 4097 ) ] );
		$this->assertSame( 'Invalid', $answer['validity'] );
		$this->assertSame( [ 'passwordtoolong' ], array_column( $answer['validitymessages'], 'code' ) );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testPasswordWithinTheNewUsersName( bool $extension ): void {
		$this->useImplementation( $extension );
		$answer = $this->validate( [
			'password' => 'zwvplk-Tes', 'user' => 'Xqzwvplk-Tester', 'email' => 'new@example.org', 'realname' => 'New Tester',
		] );
		$this->assertSame( 'Change', $answer['validity'] );
		$this->assertSame( [ 'password-substring-username-match' ], array_column( $answer['validitymessages'], 'code' ) );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testCurrentUsersGroupsSetThePolicy( bool $extension ): void {
		$this->useImplementation( $extension );
		$sysop = $this->getTestSysop()->getUser();
		// 9 bytes: under sysop's minimum, not under the default one of either release
		$answer = $this->validate( [ 'password' => 'Shorter-1' ], $sysop );
		$this->assertSame( 'Change', $answer['validity'] );
		$this->assertSame( [ 'passwordtooshort' ], array_column( $answer['validitymessages'], 'code' ) );
		$this->assertSame( [ 'validity' => 'Good' ], $this->validate( [ 'password' => 'Shorter-1' ] ) );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testExistingUser( bool $extension ): void {
		$this->useImplementation( $extension );
		$user = $this->getTestUser()->getUser();
		$this->assertApiError( 'userexists', fn () => $this->validate( [ 'password' => 'x', 'user' => $user->getName() ] ) );
		$this->assertApiError( 'userexists', fn () => $this->validate( [ 'password' => 'x', 'user' => '#' . $user->getId() ] ) );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testInvalidNames( bool $extension ): void {
		$this->useImplementation( $extension );
		// Not a user name at all: rejected by the parameter's type.
		$this->assertApiError( 'baduser', fn () => $this->validate( [ 'password' => 'x', 'user' => 'Foo#bar' ] ) );
		// A valid name no account may take.
		$this->assertApiError( 'baduser_user', fn () => $this->validate( [ 'password' => 'x', 'user' => 'user@example.com' ] ) );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testPasswordIsRequired( bool $extension ): void {
		$this->useImplementation( $extension );
		$this->assertApiError( 'missingparam', fn () => $this->validate( [] ) );
	}

	/**
	 * POST only, read right, no token (a GET is refused before the module runs, outside of
	 * the internal mode of these tests: see tests/http).
	 *
	 * @dataProvider provideImplementations
	 */
	public function testModuleFlags( bool $extension ): void {
		$this->useImplementation( $extension );
		[ , , , $main ] = $this->doApiRequest( [ 'action' => 'validatepassword', 'password' => 'x' ], null, true );
		$module = $main->getModuleManager()->getModule( 'validatepassword' );
		$this->assertTrue( $module->mustBePosted() );
		$this->assertTrue( $module->isReadMode() );
		$this->assertFalse( $module->isWriteMode() );
		$this->assertFalse( $module->needsToken() );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testIsValidPasswordHook( bool $extension ): void {
		$this->useImplementation( $extension );
		$this->setTemporaryHook( 'isValidPassword', static function ( $password, &$result ) {
			if ( $password === 'vetoed' ) {
				$result = 'badretype';
				return false;
			}
			if ( $password === 'foobar' ) {
				// Accepted despite the common-password list.
				$result = true;
			}
		} );
		$answer = $this->validate( [ 'password' => 'vetoed' ] );
		$this->assertSame( 'Change', $answer['validity'] );
		$this->assertSame( [ 'badretype' ], array_column( $answer['validitymessages'], 'code' ) );
		$this->assertSame( [ 'validity' => 'Good' ], $this->validate( [ 'password' => 'foobar' ] ) );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testPasswordPoliciesForUserHook( bool $extension ): void {
		$this->useImplementation( $extension );
		$this->setTemporaryHook( 'PasswordPoliciesForUser', static function ( $user, &$policy ) {
			$policy['MinimumPasswordLengthToLogin'] = 20;
		} );
		$answer = $this->validate( [ 'password' => 'Nineteen-chars-2026' ] );
		$this->assertSame( 'Invalid', $answer['validity'] );
		$this->assertSame( [ 'passwordtooshort' ], array_column( $answer['validitymessages'], 'code' ) );
	}

	/**
	 * @dataProvider provideImplementations
	 */
	public function testApiValidatePasswordHook( bool $extension ): void {
		$this->useImplementation( $extension );
		$this->setTemporaryHook( 'ApiValidatePassword', static function ( $module, &$result ) {
			$result['checkedby'] = $module->getModuleName();
		} );
		$this->assertSame(
			[ 'validity' => 'Good', 'checkedby' => 'validatepassword' ],
			$this->validate( [ 'password' => 'Correct-Horse-Battery-2026' ] )
		);
	}
}
