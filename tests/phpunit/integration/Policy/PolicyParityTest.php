<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Integration\Policy;

use MediaWiki\Extension\NativePasswordPolicy\Policy\CheckProblems;
use MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\EngineProvider;
use MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine;
use MediaWiki\MainConfigSchema;
use MediaWiki\Password\UserPasswordPolicy;
use MediaWiki\Status\Status;
use MediaWiki\User\UserIdentityValue;
use MediaWikiIntegrationTestCase;
use StatusValue;
use Wikimedia\CommonPasswords\CommonPasswords;

/**
 * Differential test: the native checks against core's own PHP checks (the oracle) on the same
 * wiki, over at least 20,000 generated cases. Three ways of evaluating must give identical
 * Status objects (ok, good, every message with its type and parameters, value):
 *  - core's UserPasswordPolicy with core's PasswordPolicyChecks callables;
 *  - core's UserPasswordPolicy with the extension's callables, each check run alone;
 *  - the same with the effective policy handed over first, as the PasswordPoliciesForUser hook
 *    does at login: one native evaluation answers every check (what MediaWiki runs).
 * Core's common-password list decides what is common on each release (1.39's Bloom filter,
 * false positives included; 1.43's exact list, sampled here entry by entry).
 *
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine
 * @group Database
 */
class PolicyParityTest extends MediaWikiIntegrationTestCase {

	private const CASES = 24000;
	private const SEED = 20261123;

	private const USERNAMES = [
		'Example', 'ExampleUser', 'Admin', 'A', 'Useruser', 'Useruser1', 'Apitestsysop', 'Apitestuser',
		'useruser', 'APITESTUSER', 'Ünïcödé Üser', 'Ärger', '用户名', 'Ελληνικά', 'Password', 'Qwerty123',
		"Nul\0Name", "\xff\xfeBroken", 'Mixed Case Name', 'x',
	];

	/** Well-known passwords; core's filter decides which are "common" (it is the oracle). */
	private const KNOWN_PASSWORDS = [
		'password', '123456', '12345678', 'qwerty', 'abc123', 'monkey', 'letmein', 'dragon', '111111',
		'baseball', 'iloveyou', 'trustno1', 'sunshine', 'master', 'welcome', 'shadow', 'football',
		'password1', 'Passpass', 'Passpass1', 'testpass', 'ExamplePassword', 'qwertyuiop', '1q2w3e4r',
		'mediawiki', 'wikipedia', 'admin', 'administrator', 'changeme', 'secret',
	];

	/** @var string[] Passwords core's list holds (sampleOfCoresList()) */
	private array $commonSample = [];

	private const GROUP_SETS = [
		[], [ 'user' ], [ 'sysop' ], [ 'bot' ], [ 'bureaucrat' ], [ 'interface-admin' ],
		[ 'sysop', 'bureaucrat' ], [ 'bot', 'interface-admin' ], [ '*', 'user', 'autoconfirmed' ],
		[ 'sysop', 'bot', 'bureaucrat', 'interface-admin' ],
	];

	public function testNativeChecksMatchCoreOnGeneratedCases(): void {
		mt_srand( self::SEED );
		$coreChecks = $this->coreChecks();
		$nativeChecks = $this->nativeChecks();
		$engine = $this->getServiceContainer()->getService( 'NativePasswordPolicy.PolicyEngine' );
		$this->assertSame( [], $engine->getProblems(), 'the native engine loaded core\'s filter' );

		$policyVariants = $this->policyVariants();
		$this->commonSample = $this->sampleOfCoresList();
		$evaluations = 0;
		$differences = [];
		$messagesSeen = [];
		$outcomes = [ 'good' => 0, 'error' => 0, 'fatal' => 0 ];
		for ( $i = 0; $i < self::CASES; $i++ ) {
			$username = self::USERNAMES[$i % count( self::USERNAMES )];
			$password = $this->generatePassword( $username );
			$groups = self::GROUP_SETS[mt_rand( 0, count( self::GROUP_SETS ) - 1 )];
			$variant = array_keys( $policyVariants )[$i % count( $policyVariants )];
			[ $policies, $extraChecks ] = $policyVariants[$variant];
			$user = new UserIdentityValue( 0, $username );

			$expected = $this->describe( ( new UserPasswordPolicy( $policies, $coreChecks + $extraChecks ) )
				->checkUserPasswordForGroups( $user, $password, $groups ) );
			$native = new UserPasswordPolicy( $policies, $nativeChecks + $extraChecks );
			$perCheck = $this->describe( $native->checkUserPasswordForGroups( $user, $password, $groups ) );
			$effective = UserPasswordPolicy::getPoliciesForGroups( $policies, $groups, $policies['default'] );
			$calls = $engine->nativeCallCount();
			$engine->capture( $user, $effective );
			$oneCall = $this->describe( $native->checkUserPasswordForGroups( $user, $password, $groups ) );
			$evaluations += $engine->nativeCallCount() - $calls;

			foreach ( [ 'per-check callables' => $perCheck, 'one native evaluation' => $oneCall ] as $way => $actual ) {
				if ( $actual !== $expected && count( $differences ) < 10 ) {
					$differences[] = sprintf( "case %d (%s, user %s, groups [%s], password %s):\n core %s\n %s %s",
						$i, $variant, json_encode( mb_convert_encoding( $username, 'UTF-8', 'UTF-8' ) ),
						implode( ',', $groups ), bin2hex( substr( $password, 0, 40 ) ),
						var_export( $expected, true ), $way, var_export( $actual, true ) );
				}
			}
			foreach ( $expected['errors'] as $error ) {
				$messagesSeen[$error['message']] = true;
			}
			$outcomes[$expected['good'] ? 'good' : ( $expected['ok'] ? 'error' : 'fatal' )]++;
		}

		$this->assertSame( [], $differences, "native results differ from core's" );
		$this->assertSame( self::CASES, $evaluations, 'one call into the module per case when the policy is handed over' );
		// The generator must reach every failure core can report, or parity proves little.
		foreach ( [ 'passwordtooshort', 'passwordtoolong', 'password-substring-username-match',
			'password-login-forbidden', 'passwordincommonlist' ] as $message
		) {
			$this->assertArrayHasKey( $message, $messagesSeen, "no generated case fails with $message" );
		}
		foreach ( $outcomes as $outcome => $count ) {
			$this->assertGreaterThan( 100, $count, "too few '$outcome' cases: " . json_encode( $outcomes ) );
		}
	}

	public function testCheckPasswordValidityMatchesCoreForRealUsers(): void {
		$users = [
			$this->getTestUser()->getUser(),
			$this->getTestSysop()->getUser(),
			$this->getTestUser( [ 'bot' ] )->getUser(),
			$this->getTestUser( [ 'bureaucrat', 'interface-admin' ] )->getUser(),
		];
		$passwords = array_merge( self::KNOWN_PASSWORDS, [
			'', 'a', 'short', 'longer password here', str_repeat( 'x', 4096 ), str_repeat( 'y', 4097 ),
			"nul\0byte", "\xff\xfe", 'UTSysop', 'utsysop', 'ütf-8 pässwörd', 'ExamplePassword',
		] );
		$policy = $this->getConfVar( 'PasswordPolicy' );
		foreach ( $users as $user ) {
			$passwords[] = $user->getName();
			$passwords[] = strtoupper( substr( $user->getName(), 1, 4 ) );
		}
		$results = [];
		foreach ( [ 'core' => $this->coreChecks(), 'native' => $this->nativeChecks() ] as $side => $checks ) {
			$this->overrideConfigValue( 'PasswordPolicy', [ 'checks' => $checks ] + $policy );
			foreach ( $users as $user ) {
				foreach ( $passwords as $password ) {
					$results[$side][] = $this->describe( $user->checkPasswordValidity( $password ) );
				}
			}
		}
		$this->assertCount( count( $users ) * count( $passwords ), $results['native'] );
		$this->assertSame( $results['core'], $results['native'] );
	}

	public function testFallsBackToCoreWhenTheFilterFileIsBroken(): void {
		$logger = new \TestLogger( true, null, true );
		$engines = new EngineProvider( [ 'commonPasswordsFile' => __FILE__ ], static fn () => $logger );
		$engine = new PolicyEngine( $engines, new CheckProblems( $engines ), $this->getServiceContainer()->getUserFactory(),
			$this->nativeChecks() );
		$user = new UserIdentityValue( 0, 'Example' );
		foreach ( [ 'password', 'not-common-at-all-7f3a' ] as $password ) {
			$this->assertSame(
				$this->describe( CommonPasswords::isCommon( $password )
					? Status::newGood()->error( 'passwordincommonlist' ) : Status::newGood() ),
				$this->describe( $engine->check( 'PasswordNotInCommonList', true, $user, $password ) )
			);
		}
		$logged = json_encode( $logger->getBuffer() );
		$this->assertStringContainsString( '"check":"PasswordNotInCommonList"', $logged );
		$this->assertStringNotContainsString( 'not-common-at-all-7f3a', $logged, 'no password in logs' );
		$this->assertNotSame( [], $engine->getProblems() );
	}

	/** @return array<string,string> */
	private function coreChecks(): array {
		$checks = [];
		foreach ( CorePolicyChecks::METHODS as $name => $method ) {
			$checks[$name] = CorePolicyChecks::coreCallable( $name );
		}
		return $checks;
	}

	/** @return array<string,string> */
	private function nativeChecks(): array {
		$checks = [];
		foreach ( CorePolicyChecks::METHODS as $name => $method ) {
			$checks[$name] = NativePolicyChecks::callableFor( $name );
		}
		return $checks;
	}

	/**
	 * Policies to test: core's defaults, stricter ones with flags, values of every PHP type an
	 * operator might write, and a check the native module does not know.
	 *
	 * @return array<string,array{0:array,1:array}> name => [ policies, extra checks ]
	 */
	private function policyVariants(): array {
		$default = MainConfigSchema::PasswordPolicy['default']['policies'];
		$strict = $default;
		$strict['default']['MinimalPasswordLength'] = [ 'value' => 8, 'forceChange' => true ];
		$strict['default']['PasswordNotInCommonList'] = [ 'value' => true, 'forceChange' => true ];
		$strict['sysop']['MaximalPasswordLength'] = [ 'value' => 9, 'suggestChangeOnLogin' => true ];
		$strict['bot']['MinimumPasswordLengthToLogin'] = [ 'value' => 8, 'forceChange' => true ];
		$strict['bureaucrat']['MinimalPasswordLength'] = 10;
		$strict['bureaucrat']['MinimumPasswordLengthToLogin'] = 10;

		$odd = [ 'default' => [
			'MinimalPasswordLength' => [ 'value' => '8', 'suggestChangeOnLogin' => 1 ],
			'MinimumPasswordLengthToLogin' => 7.5,
			'MaximalPasswordLength' => [ 'value' => ' 10 ', 'forceChange' => 'yes' ],
			'PasswordCannotBeSubstringInUsername' => '0',
			'PasswordCannotMatchDefaults' => 1,
			'PasswordNotInCommonList' => [ 'value' => 'on' ],
		], 'sysop' => [
			'MinimalPasswordLength' => true,
			'MaximalPasswordLength' => null,
			'PasswordCannotBeSubstringInUsername' => [ 'value' => 0.0 ],
		], 'bot' => [
			'MinimalPasswordLength' => 'abc',
			'MinimumPasswordLengthToLogin' => false,
			'MaximalPasswordLength' => 1e3,
		], 'bureaucrat' => [
			'MaximalPasswordLength' => '12abc',
			'MinimalPasswordLength' => -1,
		] ];

		$withExternal = $default;
		$withExternal['default']['NoDigitsOnly'] = [ 'value' => true, 'forceChange' => true ];
		$withExternal['sysop']['NoDigitsOnly'] = [ 'value' => true, 'suggestChangeOnLogin' => true ];
		$external = [ 'NoDigitsOnly' => static function ( $value, $user, $password ): StatusValue {
			$status = Status::newGood();
			if ( $value && $password !== '' && ctype_digit( $password ) ) {
				$status->error( 'passwordtooshort', 99 );
			}
			return $status;
		} ];

		return [
			'default' => [ $default, [] ],
			'strict' => [ $strict, [] ],
			'odd-values' => [ $odd, [] ],
			'external-check' => [ $withExternal, $external ],
		];
	}

	private function generatePassword( string $username ): string {
		switch ( mt_rand( 0, 11 ) ) {
			case 0:
				// A substring of the user name, in its own case.
				$start = mt_rand( 0, max( 0, strlen( $username ) - 1 ) );
				return substr( $username, $start, mt_rand( 0, strlen( $username ) ) );
			case 1:
				// A case variant of (part of) the user name.
				$part = substr( $username, mt_rand( 0, 2 ), mt_rand( 1, strlen( $username ) ) );
				return mt_rand( 0, 1 ) ? strtoupper( $part ) : strtolower( $part );
			case 2:
				return self::KNOWN_PASSWORDS[mt_rand( 0, count( self::KNOWN_PASSWORDS ) - 1 )];
			case 3:
				return $this->commonSample[mt_rand( 0, count( $this->commonSample ) - 1 )];
			case 4:
				$known = $this->commonSample[mt_rand( 0, count( $this->commonSample ) - 1 )];
				return [ strtoupper( $known ), ucfirst( $known ), $known . '!', " $known" ][mt_rand( 0, 3 )];
			case 5:
			case 6:
				// Boundary lengths of core's default and group policies.
				$length = [ 0, 1, 7, 8, 9, 10, 11, 4095, 4096, 4097 ][mt_rand( 0, 9 )];
				return $this->randomBytes( $length, mt_rand( 0, 1 ) === 1 );
			case 7:
				return [ "pass\0word", "\0", "\0\0\0\0\0\0\0\0\0\0", "abc\x80def", "\xff\xfe\xfd", "\xc3\x28",
					"ExamplePassword\0", 'ExamplePasswor', 'examplepassword' ][mt_rand( 0, 8 )];
			case 8:
				return [ 'pässwörd', 'ПАРОЛЬПАРОЛЬ', '密码密码密码', '🔑🔑🔑', 'Ünïcödé', 'ünïcödé', 'ÜNÏCÖDÉ',
					'ΕΛΛΗΝΙΚΆ', 'ärger' ][mt_rand( 0, 8 )];
			case 9:
				return $username . [ '', '1', '!', '2026' ][mt_rand( 0, 3 )];
			default:
				return $this->randomBytes( mt_rand( 1, 24 ), true );
		}
	}

	/**
	 * Passwords core's list holds: where core keeps an exact list (wikimedia/common-passwords
	 * 0.5, MediaWiki 1.43), 2,000 of its entries, with the well-known ones; a Bloom filter
	 * (1.39) can only be asked, so the well-known ones that it says are common.
	 *
	 * @return string[]
	 */
	private function sampleOfCoresList(): array {
		$sample = array_values( array_filter( self::KNOWN_PASSWORDS, [ CommonPasswords::class, 'isCommon' ] ) );
		if ( method_exists( CommonPasswords::class, 'getData' ) ) {
			$entries = array_map( 'strval', array_keys( CommonPasswords::getData() ) );
			for ( $i = 0; $i < 2000; $i++ ) {
				$sample[] = $entries[mt_rand( 0, count( $entries ) - 1 )];
			}
		}
		$this->assertGreaterThan( 10, count( $sample ) );
		return $sample;
	}

	private function randomBytes( int $length, bool $printable ): string {
		$bytes = '';
		for ( $i = 0; $i < $length; $i++ ) {
			$bytes .= chr( $printable ? mt_rand( 0x20, 0x7e ) : mt_rand( 0, 255 ) );
		}
		return $bytes;
	}

	/**
	 * Everything observable about a status, with exact PHP types.
	 */
	private function describe( StatusValue $status ): array {
		return [
			'ok' => $status->isOK(),
			'good' => $status->isGood(),
			'errors' => $status->getErrors(),
			'value' => $status->getValue(),
			'class' => get_class( $status ),
		];
	}
}
