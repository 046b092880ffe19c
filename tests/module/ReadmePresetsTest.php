<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Module;

use NativePasswordPolicy\Engine;
use NativePasswordPolicy\EngineException;
use PHPUnit\Framework\Attributes\CoversNothing;
use PHPUnit\Framework\Attributes\DataProvider;
use PHPUnit\Framework\TestCase;

/**
 * The policy presets of README.md, run as written: each names only checks the module knows,
 * with values it takes, and the resulting policies refuse what they promise to refuse.
 *
 * @coversNothing
 */
#[CoversNothing]
class ReadmePresetsTest extends TestCase {

	/** Core's default policies (includes/MainConfigSchema.php of 1.39), which the presets change. */
	private const CORE_POLICIES = [
		'bureaucrat' => [ 'MinimalPasswordLength' => 10, 'MinimumPasswordLengthToLogin' => 1 ],
		'sysop' => [ 'MinimalPasswordLength' => 10, 'MinimumPasswordLengthToLogin' => 1 ],
		'interface-admin' => [ 'MinimalPasswordLength' => 10, 'MinimumPasswordLengthToLogin' => 1 ],
		'bot' => [ 'MinimalPasswordLength' => 10, 'MinimumPasswordLengthToLogin' => 1 ],
		'default' => [
			'MinimalPasswordLength' => [ 'value' => 1, 'suggestChangeOnLogin' => true ],
			'PasswordCannotBeSubstringInUsername' => [ 'value' => true, 'suggestChangeOnLogin' => true ],
			'PasswordCannotMatchDefaults' => [ 'value' => true, 'suggestChangeOnLogin' => true ],
			'MaximalPasswordLength' => [ 'value' => 4096, 'suggestChangeOnLogin' => true ],
			'PasswordNotInCommonList' => [ 'value' => true, 'suggestChangeOnLogin' => true ],
		],
	];

	/**
	 * @return array<string,array{0:string}> Preset heading => its PHP code
	 */
	public static function providePresets(): array {
		$readme = file_get_contents( __DIR__ . '/../../README.md' );
		$presets = [];
		foreach ( preg_split( '/^(?=#{2,4} )/m', $readme ) as $section ) {
			if ( preg_match( '/^#### (.+)\n/', $section, $heading )
				&& preg_match( '/^```php\n(.*?)^```/ms', $section, $code )
			) {
				$presets[$heading[1]] = [ $code[1] ];
			}
		}
		return $presets;
	}

	public function testTheReadmeHasThePresets(): void {
		$this->assertSame( [ 'NIST SP 800-63B rev. 4', 'Strict' ], array_keys( self::providePresets() ) );
	}

	/**
	 * @dataProvider providePresets
	 */
	#[DataProvider( 'providePresets' )]
	public function testPreset( string $code ): void {
		$wgPasswordPolicy = [ 'policies' => self::CORE_POLICIES, 'checks' => [] ];
		$wgPasswordDefault = 'pbkdf2';
		eval( $code );

		$engine = new Engine( json_encode( [ 'commonPasswordsFile' => CommonPasswordsFile::path(), 'siteName' => 'Example Wiki' ] ) );
		foreach ( $wgPasswordPolicy['policies'] as $group => $policy ) {
			foreach ( $policy as $check => $settings ) {
				$value = is_array( $settings ) ? $settings['value'] : $settings;
				try {
					$engine->check( $check, $value, 'Alice Example', 'Some-Long-Unrelated-Phrase-41' );
				} catch ( EngineException $e ) {
					// A breach corpus is not configured here: unavailable, but a check the module knows.
					$this->assertSame( EngineException::CODE_UNAVAILABLE, $e->getCode(), "$group: $check: {$e->getMessage()}" );
				}
			}
		}

		$default = $wgPasswordPolicy['policies']['default'];
		$failures = static function ( string $password, string $user = 'Alice Example' ) use ( $engine, $default ): array {
			$messages = [];
			foreach ( $default as $check => $settings ) {
				if ( $check === 'PasswordNotInBreachCorpus' ) {
					continue;
				}
				$value = is_array( $settings ) ? $settings['value'] : $settings;
				foreach ( $engine->check( $check, $value, $user, $password ) ?? [] as $failure ) {
					$messages[] = $failure['message'];
				}
			}
			return $messages;
		};
		// At least 15 characters, counted as characters: 14 Unicode letters are too few.
		$this->assertContains( 'nativepasswordpolicy-password-too-few-characters', $failures( 'Ünïcödé-Ünïcö' ) );
		$this->assertContains( 'passwordincommonlist', $failures( 'password' ) );
		$this->assertContains( 'nativepasswordpolicy-password-contains-username', $failures( 'alice-example-2026-long', 'Alice' ) );
		$this->assertSame( [], $failures( 'Grapefruit-Lantern-Oboe-Meadow-93' ) );
	}
}
