<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration\Auth;

use MediaWiki\Config\ConfigException;
use MediaWiki\Extension\NativePasswordPolicy\Auth\TemporaryPasswordGenerator;
use MediaWikiIntegrationTestCase;
use NativePasswordPolicy\PasswordGenerator;
use StatusValue;
use TestLogger;

/**
 * Temporary passwords made for real users of the test wiki: every default group's policy,
 * checked by core's own User::checkPasswordValidity().
 *
 * @group Database
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Auth\TemporaryPasswordGenerator
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine::generatePassword
 */
class TemporaryPasswordGeneratorTest extends MediaWikiIntegrationTestCase {

	private const DEFAULT_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';

	private function generator(): TemporaryPasswordGenerator {
		return $this->getServiceContainer()->getService( 'NativePasswordPolicy.TemporaryPasswordGenerator' );
	}

	/**
	 * Entropy of a password by the alphabet's measure: length × log2(alphabet size).
	 */
	private static function bits( string $password, string $alphabet ): float {
		return strlen( $password ) * log( strlen( $alphabet ), 2 );
	}

	public static function provideDefaultGroups(): array {
		return [
			'no group' => [ [] ],
			'sysop' => [ [ 'sysop' ] ],
			'bureaucrat' => [ [ 'bureaucrat' ] ],
			'interface-admin' => [ [ 'interface-admin' ] ],
			'bot' => [ [ 'bot' ] ],
			'all of them' => [ [ 'sysop', 'bureaucrat', 'interface-admin', 'bot' ] ],
		];
	}

	/**
	 * @dataProvider provideDefaultGroups
	 */
	public function testPasswordsSatisfyTheUsersPolicy( array $groups ): void {
		$user = $this->getTestUser( $groups )->getUser();
		$passwords = [];
		for ( $i = 0; $i < 50; $i++ ) {
			$password = $this->generator()->generateFor( $user->getName() );
			$this->assertSame( 23, strlen( $password ) );
			$this->assertSame( strspn( $password, self::DEFAULT_ALPHABET ), 23, 'only alphabet characters' );
			$this->assertGreaterThanOrEqual( 128, self::bits( $password, self::DEFAULT_ALPHABET ) );
			$status = $user->checkPasswordValidity( $password );
			$this->assertStatusGood( $status );
			$passwords[$password] = true;
		}
		$this->assertCount( 50, $passwords, 'no password repeats' );
	}

	public function testGroupMinimumAboveTheConfiguredLengthWins(): void {
		$policy = $this->getServiceContainer()->getMainConfig()->get( 'PasswordPolicy' );
		$policy['policies']['sysop']['MinimalPasswordLength'] = 40;
		$policy['policies']['bot']['MinimumPasswordLengthToLogin'] = [ 'value' => 31, 'forceChange' => true ];
		$this->overrideConfigValue( 'PasswordPolicy', $policy );

		$sysop = $this->getTestUser( [ 'sysop' ] )->getUser();
		$this->assertSame( 40, strlen( $this->generator()->generateFor( $sysop->getName() ) ) );
		$bot = $this->getTestUser( [ 'bot' ] )->getUser();
		$password = $this->generator()->generateFor( $bot->getName() );
		$this->assertSame( 31, strlen( $password ) );
		$this->assertStatusGood( $bot->checkPasswordValidity( $password ) );
		$plain = $this->getTestUser()->getUser();
		$this->assertSame( 23, strlen( $this->generator()->generateFor( $plain->getName() ) ) );
	}

	public function testConfiguredAlphabetAndLength(): void {
		$this->overrideConfigValues( [
			'NativePasswordPolicyTemporaryPasswordAlphabet' => 'abcdefghjkmnpqrstuvwxyz',
			'NativePasswordPolicyTemporaryPasswordLength' => 32,
		] );
		$user = $this->getTestUser()->getUser();
		$password = $this->generator()->generateFor( $user->getName() );
		$this->assertMatchesRegularExpression( '/^[a-hjkmnp-z]{32}$/', $password );

		$this->overrideConfigValues( [ 'NativePasswordPolicyTemporaryPasswordLength' => null ] );
		$password = $this->generator()->generateFor( $user->getName() );
		// log2(23) = 4.52 bits a character: 29 characters for 128 bits.
		$this->assertSame( 29, strlen( $password ) );
		$this->assertGreaterThanOrEqual( 128, self::bits( $password, 'abcdefghjkmnpqrstuvwxyz' ) );
	}

	/**
	 * A check the native module does not know (a PHP callable of another extension) is
	 * honoured too: a password it rejects is replaced.
	 */
	public function testPasswordRejectedByAPhpCheckIsReplaced(): void {
		$rejected = [];
		$policy = $this->getServiceContainer()->getMainConfig()->get( 'PasswordPolicy' );
		$policy['checks']['RejectFirst'] = static function ( $value, $user, $password ) use ( &$rejected ) {
			if ( !$rejected ) {
				$rejected[] = $password;
				return StatusValue::newFatal( 'passwordtooshort', 1 );
			}
			return StatusValue::newGood();
		};
		$policy['policies']['default']['RejectFirst'] = true;
		$this->overrideConfigValue( 'PasswordPolicy', $policy );

		$user = $this->getTestUser()->getUser();
		$password = $this->generator()->generateFor( $user->getName() );
		$this->assertCount( 1, $rejected );
		$this->assertNotSame( $rejected[0], $password );
		$this->assertStatusGood( $user->checkPasswordValidity( $password ) );
	}

	public function testPolicyRejectingEverythingIsLoggedWithoutThePassword(): void {
		$policy = $this->getServiceContainer()->getMainConfig()->get( 'PasswordPolicy' );
		$seen = [];
		$policy['checks']['RejectAll'] = static function ( $value, $user, $password ) use ( &$seen ) {
			$seen[] = $password;
			return StatusValue::newFatal( 'passwordtooshort', 1 );
		};
		$policy['policies']['default']['RejectAll'] = true;
		$this->overrideConfigValue( 'PasswordPolicy', $policy );
		$logger = new TestLogger( true );
		$this->setLogger( 'NativePasswordPolicy', $logger );

		$user = $this->getTestUser()->getUser();
		$password = $this->generator()->generateFor( $user->getName() );
		$this->assertSame( end( $seen ), $password, 'the last attempt is returned, for core to report' );
		$this->assertCount( 3, $seen );
		$messages = $logger->getBuffer();
		$this->assertCount( 1, $messages );
		$this->assertStringContainsString( 'rejected {attempts} random temporary passwords', $messages[0][1] );
		foreach ( $seen as $attempt ) {
			$this->assertStringNotContainsString( $attempt, serialize( $messages ) );
		}
	}

	public static function provideBadSettings(): array {
		return [
			'repeated character' => [ 'aabc', null, "\$wgNativePasswordPolicyTemporaryPasswordAlphabet: the alphabet holds 'a' more than once" ],
			'one character' => [ 'a', null, '$wgNativePasswordPolicyTemporaryPasswordAlphabet: the alphabet needs at least 2 different characters' ],
			'space' => [ 'ab cd', null, '$wgNativePasswordPolicyTemporaryPasswordAlphabet: the alphabet may only hold printable ASCII' ],
			'non-ASCII' => [ "ab\u{E9}", null, '$wgNativePasswordPolicyTemporaryPasswordAlphabet: the alphabet may only hold printable ASCII' ],
			'not a string' => [ [ 'a', 'b' ], null, '$wgNativePasswordPolicyTemporaryPasswordAlphabet must be a string or null' ],
			'too weak' => [ null, 8, '$wgNativePasswordPolicyTemporaryPasswordLength: 8 characters of a 55-character alphabet give 46.3 bits of entropy; at least 64 bits (12 characters) are required' ],
			'too long' => [ null, 5000, '$wgNativePasswordPolicyTemporaryPasswordLength: temporary passwords of 5000 characters are longer than the limit of 4096' ],
			'negative' => [ null, -1, '$wgNativePasswordPolicyTemporaryPasswordLength: the length must be positive, not -1' ],
			'string length' => [ null, '20', '$wgNativePasswordPolicyTemporaryPasswordLength must be an integer or null' ],
		];
	}

	/**
	 * @dataProvider provideBadSettings
	 */
	public function testBadSettingsAreNamed( $alphabet, $length, string $message ): void {
		$this->expectException( ConfigException::class );
		$this->expectExceptionMessage( $message );
		TemporaryPasswordGenerator::newNative( $alphabet, $length );
	}

	public function testDefaults(): void {
		$native = TemporaryPasswordGenerator::newNative( null, null );
		$this->assertInstanceOf( PasswordGenerator::class, $native );
		$this->assertSame( self::DEFAULT_ALPHABET, $native->alphabet() );
		$this->assertSame( PasswordGenerator::defaultAlphabet(), $native->alphabet() );
		$this->assertSame( 23, $native->length() );
		$this->assertGreaterThanOrEqual( 128.0, $native->entropyBits() );
	}
}
