<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Unit;

use MediaWiki\Extension\NativePasswordPolicy\History\PasswordHistory;
use MediaWiki\Extension\NativePasswordPolicy\Policy\BeyondCoreChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks;
use MediaWikiUnitTestCase;
use NativePasswordPolicy\Engine;

/**
 * Every message key the native module can return is translated (en.json) and documented
 * (qqq.json), and its English text uses no parameter the module does not pass. Core's
 * PasswordPolicyStructureTest only knows core's keys.
 *
 * The keys the module can return are the message literals of its policy code (a check
 * returns a `&'static str`); running the checks through the module shows that the keys it
 * returns are among them, so a key built any other way would fail here.
 *
 * @coversNothing
 */
class MessageKeysTest extends MediaWikiUnitTestCase {

	private const REPO = __DIR__ . '/../../..';

	/**
	 * Keys of core's messages that core's six checks return, as core does (core ships them:
	 * CoreMessageKeysTest).
	 */
	public const CORE_KEYS = [
		'passwordtooshort', 'passwordtoolong', 'password-substring-username-match',
		'password-login-forbidden', 'passwordincommonlist',
	];

	private static function messages( string $file ): array {
		return json_decode( file_get_contents( $file ), true, 8, JSON_THROW_ON_ERROR );
	}

	/** @return string[] The extension's message literals in the module's policy code */
	private static function keysInRustSource(): array {
		$keys = [];
		$files = new \RecursiveIteratorIterator( new \RecursiveDirectoryIterator( self::REPO . '/src/policy' ) );
		foreach ( $files as $file ) {
			if ( str_ends_with( $file->getFilename(), '.rs' ) ) {
				preg_match_all( '/"(nativepasswordpolicy-[a-z0-9-]+)"/', file_get_contents( $file->getPathname() ), $m );
				$keys = array_merge( $keys, $m[1] );
			}
		}
		$keys = array_values( array_unique( $keys ) );
		sort( $keys );
		return $keys;
	}

	public function testEveryKeyOfTheModuleIsTranslatedAndDocumented(): void {
		$en = self::messages( self::REPO . '/i18n/en.json' );
		$qqq = self::messages( self::REPO . '/i18n/qqq.json' );
		$keys = self::keysInRustSource();
		// 10 keys of the checks, the strength warnings and suggestions of zxcvbn.
		$this->assertGreaterThanOrEqual( 35, count( $keys ) );
		foreach ( $keys as $key ) {
			$this->assertNotEmpty( $en[$key] ?? null, "en.json: $key" );
			$this->assertNotEmpty( $qqq[$key] ?? null, "qqq.json: $key" );
			preg_match_all( '/\$(\d)/', $en[$key], $used );
			foreach ( array_unique( $used[1] ) as $param ) {
				$this->assertStringContainsString( "* \$$param - ", $qqq[$key], "qqq.json documents \$$param of $key" );
			}
		}
	}

	/**
	 * Special:PasswordPolicies (and core's PasswordPolicyStructureTest) describe each check of
	 * `$wgPasswordPolicy['checks']` with `passwordpolicies-policy-<name in lower case>`.
	 */
	public function testEveryCheckBeyondCoreIsDescribed(): void {
		$en = self::messages( self::REPO . '/i18n/en.json' );
		$qqq = self::messages( self::REPO . '/i18n/qqq.json' );
		foreach ( [ ...array_keys( BeyondCoreChecks::METHODS ), PasswordHistory::CHECK ] as $check ) {
			$key = 'passwordpolicies-policy-' . strtolower( $check );
			$this->assertNotEmpty( $en[$key] ?? null, "en.json: $key" );
			$this->assertStringContainsString( $check, $qqq[$key] ?? '', "qqq.json: $key" );
		}
	}

	/**
	 * The checks, run in the module on passwords that fail them in many ways: each key
	 * returned is known above, with at least as many parameters as its English text uses.
	 */
	public function testTheModuleReturnsOnlyThoseKeys(): void {
		$dir = sys_get_temp_dir() . '/npp-keys-' . getmypid();
		mkdir( $dir );
		file_put_contents( "$dir/words.txt", "Zebrafisch\n" );
		try {
			$engine = new Engine( json_encode( [
				'siteName' => 'Acme Wiki',
				'wordLists' => [ [ 'path' => "$dir/words.txt", 'caseInsensitive' => true ] ],
				'denyWords' => [ 'contoso' ],
				'denyPatterns' => [ '^\d+$' ],
			] ) );
			$this->assertSame( [], $engine->problems() );
			$values = [
				'MinimalPasswordCodePoints' => 30, 'MaximalPasswordCodePoints' => 5, 'MinimalPasswordStrength' => 4,
				'PasswordCannotContainContextWords' => true, 'PasswordCannotContainDeniedWords' => true,
				'PasswordCannotMatchDeniedPatterns' => true, 'PasswordNotInWordLists' => true,
				'MinimalPasswordLength' => 30, 'MaximalPasswordLength' => 5, 'MinimumPasswordLengthToLogin' => 30,
				'PasswordCannotBeSubstringInUsername' => true, 'PasswordCannotMatchDefaults' => true,
			];
			$passwords = [ 'password', 'qwertyuiop', 'aaaaaaaa', 'abcabcabc', 'abcdef', '2019', '12/31/1999',
				'P@ssw0rd', 'drowssap', 'PASSWORD', 'Password', 'smith', 'jennifer', 'zxcvbn', 'asdf', 'john1984',
				'Alice Example', 'acme-jane-doe', 'jane@mailhost', 'contoso', '12345', 'zebrafisch', 'ExamplePassword' ];
			$en = self::messages( self::REPO . '/i18n/en.json' );
			$known = array_merge( self::keysInRustSource(), self::CORE_KEYS );
			$seen = [];
			foreach ( $values as $check => $value ) {
				$this->assertTrue( isset( BeyondCoreChecks::METHODS[$check] ) || isset( CorePolicyChecks::METHODS[$check] ) );
				foreach ( $passwords as $password ) {
					$context = [ 'realName' => 'Jane Doe', 'email' => 'jane@mailhost.example' ];
					foreach ( $engine->check( $check, $value, 'Alice Example', $password, $context ) ?? [] as $failure ) {
						$this->assertContains( $failure['message'], $known, "$check on a password" );
						$seen[$failure['message']] = true;
						if ( isset( $en[$failure['message']] ) ) {
							preg_match_all( '/\$(\d)/', $en[$failure['message']], $used );
							$this->assertGreaterThanOrEqual( max( [ 0, ...$used[1] ] ), count( $failure['params'] ) );
						}
					}
				}
			}
			// Every key of the checks and a range of the strength feedback were seen.
			$this->assertGreaterThanOrEqual( 20, count( $seen ), implode( ', ', array_keys( $seen ) ) );
		} finally {
			unlink( "$dir/words.txt" );
			rmdir( $dir );
		}
	}
}
