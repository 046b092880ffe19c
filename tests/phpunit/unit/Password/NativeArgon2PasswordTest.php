<?php
/**
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Unit\Password;

use MediaWiki\Config\ConfigException;
use MediaWiki\Extension\NativePasswordPolicy\Password\NativeArgon2Password;
use MediaWiki\Password\Argon2Password;
use MediaWiki\Password\PasswordFactory;
use PasswordTestCase;

/**
 * The native `argon2` type against PHP's own password_hash()/password_verify()/
 * password_needs_rehash() and core's Argon2Password, both ways, for Argon2id and Argon2i.
 * Extends core's PasswordTestCase, so core's generic password tests run on it too.
 *
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Password\NativeArgon2Password
 */
class NativeArgon2PasswordTest extends PasswordTestCase {

	/** Cheap parameters for tests about format and compatibility, not cost. */
	private const QUICK = [ 'memory_cost' => 1024, 'time_cost' => 2, 'threads' => 2 ];

	protected function setUp(): void {
		parent::setUp();
		$this->assertTrue( extension_loaded( 'native_password_policy' ), 'the native module is loaded' );
		$this->assertTrue( defined( 'PASSWORD_ARGON2ID' ), 'PHP has Argon2, the oracle of these tests' );
	}

	protected function getTypeConfigs() {
		return [
			'argon2' => [ 'class' => NativeArgon2Password::class, 'algo' => 'argon2i' ] + self::QUICK,
		];
	}

	/**
	 * Core's cases (Argon2PasswordTest) plus Argon2id ones, all written by PHP's libargon2.
	 */
	public static function providePasswordTests() {
		return [
			[ true, ':argon2:$argon2i$v=19$m=1024,t=2,p=2$RHpGTXJPeFlSV2NDTEswNA$VeW7rumZY4pL8XO4KeQkKD43r5uX3eazVJRtrFN7lNc', 'password' ],
			[ true, ':argon2:$argon2i$v=19$m=2048,t=5,p=3$MHFKSnh6WWZEWkpKa09SUQ$vU92h/8hkByL5VKW1P9amCj054pZILGKznAvKWAivZE', 'password' ],
			[ true, ':argon2:$argon2i$v=19$m=1024,t=2,p=2$bFJ4TzM5RWh2T0VmeFhDTA$AHFUFZRh69aZYBqyxn6tpujpEcf2JP8wgRCPU3nw3W4', "pass\x00word" ],
			[ false, ':argon2:$argon2i$v=19$m=1024,t=2,p=2$UGZqTWJRUkI1alVNTGRUbA$RcASw9XUWjCDO9WNnuVkGkEylURUW/CcNwSffdFwN74', 'password' ],
			[ true, ':argon2:$argon2id$v=19$m=64,t=1,p=1$aTZlcUVtS0szR1pvZFNrTg$uuOLU8NDHLaGc69PRWbtyEmt1Q2S17q0lhNA7LBU3c4', 'correct horse' ],
			[ false, ':argon2:$argon2id$v=19$m=64,t=1,p=1$aTZlcUVtS0szR1pvZFNrTg$uuOLU8NDHLaGc69PRWbtyEmt1Q2S17q0lhNA7LBU3c4', 'correct horse ' ],
		];
	}

	public static function provideAlgorithms(): array {
		return [
			'Argon2id' => [ 'argon2id', PASSWORD_ARGON2ID ],
			'Argon2i' => [ 'argon2i', PASSWORD_ARGON2I ],
		];
	}

	public static function providePasswords(): array {
		return [
			'ASCII' => [ 'correct horse battery staple' ],
			'UTF-8' => [ "p\u{E4}ssw\u{F6}rd \u{1F511}" ],
			'NUL byte' => [ "pass\0word" ],
			'invalid UTF-8' => [ "\xff\xfe\x80" ],
			'empty' => [ '' ],
			'long' => [ str_repeat( 'x', 5000 ) ],
		];
	}

	private function factory( array $config ): PasswordFactory {
		$factory = new PasswordFactory();
		$factory->register( 'argon2', $config );
		$factory->setDefaultType( 'argon2' );
		return $factory;
	}

	/**
	 * @dataProvider provideAlgorithms
	 */
	public function testNativeHashesVerifyWithPhp( string $algo, $phpAlgo ): void {
		foreach ( self::providePasswords() as [ $password ] ) {
			$native = $this->factory( [ 'class' => NativeArgon2Password::class, 'algo' => $algo ] + self::QUICK )
				->newFromPlaintext( $password );
			$stored = $native->toString();
			$this->assertStringStartsWith( ":argon2:\$$algo\$v=19\$m=1024,t=2,p=2\$", $stored );
			$phc = substr( $stored, strlen( ':argon2:' ) );

			$this->assertTrue( password_verify( $password, $phc ), "password_verify accepts the native hash" );
			$this->assertFalse( password_verify( $password . '!', $phc ) );
			$this->assertSame( $phpAlgo, password_get_info( $phc )['algo'] );
			$this->assertSame( self::QUICK, password_get_info( $phc )['options'] );
			$this->assertFalse( password_needs_rehash( $phc, $phpAlgo, self::QUICK ) );

			$core = $this->factory( [ 'class' => Argon2Password::class, 'algo' => $algo ] + self::QUICK )
				->newFromCiphertext( $stored );
			$this->assertInstanceOf( Argon2Password::class, $core );
			$this->assertTrue( $core->verify( $password ), "core's Argon2Password accepts the native hash" );
			$this->assertFalse( $core->needsUpdate() );
		}
	}

	/**
	 * @dataProvider provideAlgorithms
	 */
	public function testPhpHashesVerifyNatively( string $algo, $phpAlgo ): void {
		$factory = $this->factory( [ 'class' => NativeArgon2Password::class, 'algo' => $algo ] + self::QUICK );
		foreach ( self::providePasswords() as [ $password ] ) {
			$phc = password_hash( $password, $phpAlgo, self::QUICK );
			$native = $factory->newFromCiphertext( ":argon2:$phc" );
			$this->assertInstanceOf( NativeArgon2Password::class, $native );
			$this->assertTrue( $native->verify( $password ) );
			$this->assertFalse( $native->verify( $password . "\0" ) );
			$this->assertFalse( $native->needsUpdate() );
			$this->assertSame( ":argon2:$phc", $native->toString() );

			$core = $this->factory( [ 'class' => Argon2Password::class, 'algo' => $algo ] + self::QUICK )
				->newFromPlaintext( $password );
			$this->assertTrue( $factory->newFromCiphertext( $core->toString() )->verify( $password ),
				"hashes of core's Argon2Password verify natively" );
		}
	}

	public static function provideNeedsUpdate(): array {
		$cases = [];
		foreach ( [ 'argon2id', 'argon2i' ] as $hashAlgo ) {
			foreach ( [
				'm=1024,t=2,p=2',
				'm=1025,t=2,p=2',
				'm=1024,t=3,p=2',
				'm=1024,t=2,p=1',
				'm=1024,t=2',
				'm= 1024,t=+2,p=2',
				't=2,m=1024,p=2',
			] as $params ) {
				foreach ( [ 'v=19$', 'v=16$', '' ] as $version ) {
					$cases["$hashAlgo $version$params"] = [ "\$$hashAlgo\$$version$params\$c2FsdHNhbHRzYWx0\$aGFzaA" ];
				}
			}
		}
		$cases['bcrypt'] = [ password_hash( 'x', PASSWORD_BCRYPT, [ 'cost' => 4 ] ) ];
		$cases['garbage'] = [ '$argon2id' ];
		return $cases;
	}

	/**
	 * needsUpdate() answers what core's Argon2Password (password_needs_rehash) answers.
	 *
	 * @dataProvider provideNeedsUpdate
	 */
	public function testNeedsUpdateAgreesWithCore( string $phc ): void {
		foreach ( [ 'argon2id', 'argon2i', 'auto' ] as $algo ) {
			$config = [ 'algo' => $algo ] + self::QUICK;
			$native = $this->factory( [ 'class' => NativeArgon2Password::class ] + $config )
				->newFromCiphertext( ":argon2:$phc" );
			$core = $this->factory( [ 'class' => Argon2Password::class ] + $config )
				->newFromCiphertext( ":argon2:$phc" );
			$this->assertSame( $core->needsUpdate(), $native->needsUpdate(), "$algo: $phc" );
		}
	}

	/**
	 * With no costs configured, both classes use PHP's defaults: a hash either writes needs no
	 * update under the other, so switching classes re-hashes nothing.
	 */
	public function testDefaultsAreCoreDefaults(): void {
		$native = $this->factory( [ 'class' => NativeArgon2Password::class, 'algo' => 'auto' ] );
		$core = $this->factory( [ 'class' => Argon2Password::class, 'algo' => 'auto' ] );

		$written = $native->newFromPlaintext( 'password' )->toString();
		$this->assertStringStartsWith(
			':argon2:$argon2id$v=19$m=' . PASSWORD_ARGON2_DEFAULT_MEMORY_COST
				. ',t=' . PASSWORD_ARGON2_DEFAULT_TIME_COST . ',p=' . PASSWORD_ARGON2_DEFAULT_THREADS . '$',
			$written
		);
		$this->assertFalse( $core->newFromCiphertext( $written )->needsUpdate() );
		$this->assertTrue( $core->newFromCiphertext( $written )->verify( 'password' ) );

		$byCore = $core->newFromPlaintext( 'password' )->toString();
		$this->assertFalse( $native->newFromCiphertext( $byCore )->needsUpdate() );
		$this->assertTrue( $native->newFromCiphertext( $byCore )->verify( 'password' ) );
	}

	public function testDefaultsReachOwaspMinimum(): void {
		$this->assertTrue( NativeArgon2Password::hasherFor( [ 'algo' => 'auto' ] )->meetsOwaspMinimum() );
		$this->assertSame( 'argon2id', NativeArgon2Password::hasherFor( [ 'algo' => 'auto' ] )->algorithm() );
	}

	public function testIntegerStringsAreAccepted(): void {
		$hasher = NativeArgon2Password::hasherFor( [ 'algo' => 'argon2id', 'memory_cost' => '1024', 'time_cost' => '2', 'threads' => '2' ] );
		$this->assertStringStartsWith( '$argon2id$v=19$m=1024,t=2,p=2$', $hasher->hash( 'x' ) );
	}

	public function testUnsetHashNeitherVerifiesNorStays(): void {
		$password = $this->passwordFactory->newFromType( 'argon2' );
		$this->assertFalse( $password->verify( '' ) );
		$this->assertTrue( $password->needsUpdate() );
	}

	public static function provideBadConfig(): array {
		return [
			'unknown algo' => [ [ 'algo' => 'argon2d' ], "\$wgPasswordConfig['argon2']: algo must be 'argon2id', 'argon2i' or 'auto', not 'argon2d'" ],
			'memory below 8 KiB per thread' => [ [ 'memory_cost' => 15, 'threads' => 2 ], "\$wgPasswordConfig['argon2']: memory_cost must be at least 8 KiB per thread (16 KiB with 2 threads), not 15" ],
			'memory above 4 GiB' => [ [ 'memory_cost' => 4194305 ], 'memory_cost must be 8 to 4194304, not 4194305' ],
			'no passes' => [ [ 'time_cost' => 0 ], 'time_cost must be 1 to 1024, not 0' ],
			'no threads' => [ [ 'threads' => 0 ], 'threads must be 1 to 255, not 0' ],
			'not a number' => [ [ 'threads' => 'two' ], "'threads' must be an integer, not 'two'" ],
			'float' => [ [ 'memory_cost' => 1.5 ], "'memory_cost' must be an integer, not 1.5" ],
			'algo not a string' => [ [ 'algo' => 2 ], "'algo' must be 'argon2id', 'argon2i' or 'auto'" ],
		];
	}

	/**
	 * @dataProvider provideBadConfig
	 */
	public function testBadConfigIsNamed( array $config, string $message ): void {
		$this->expectException( ConfigException::class );
		$this->expectExceptionMessage( $message );
		NativeArgon2Password::hasherFor( $config + [ 'type' => 'argon2', 'algo' => 'auto' ] );
	}
}
