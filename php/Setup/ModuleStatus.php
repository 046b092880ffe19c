<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Setup;

use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use NativePasswordPolicy\Engine;
use Psr\Log\LoggerInterface;
use Wikimedia\Message\MessageValue;

/**
 * Whether the native module this extension runs on is there and is the one it was released
 * with: what Special:Version, the maintenance scripts and the logs report about the setup.
 *
 * The facts are taken from the PHP process once (detect()); everything else is plain logic
 * over them, so it can be tested without loading or unloading modules.
 */
final class ModuleStatus {

	/**
	 * @param string|null $moduleVersion phpversion() of the module, null when it is not loaded
	 * @param string $expectedVersion The version these PHP files were released with
	 * @param array<string,string> $buildInfo Engine::buildInfo() of the loaded module (empty when absent)
	 * @param array{iniFile:string,module:string}|null $configuredIn Where PHP's configuration asks
	 *   for the module (NativeModule::configuredIn())
	 * @param bool $allowCoreFallback `$wgNativePasswordPolicyAllowCoreFallback`
	 * @param array<string,string> $settingProblems Invalid settings (SetupProblems::all())
	 * @param array<string,array{callable:string,coreCheck:bool}> $checksNotNative Checks left in
	 *   PHP (SetupProblems::checksNotNative())
	 * @param array<int,array{key:string,params:string[],english:string}> $resetProblems What the
	 *   setup does to the queued reset path (ResetDeployment::problems())
	 */
	public function __construct(
		private readonly ?string $moduleVersion,
		private readonly string $expectedVersion,
		private readonly array $buildInfo = [],
		private readonly ?array $configuredIn = null,
		private readonly bool $allowCoreFallback = false,
		private readonly array $settingProblems = [],
		private readonly array $checksNotNative = [],
		private readonly array $resetProblems = []
	) {
	}

	/**
	 * The status of the module in this PHP process.
	 *
	 * @param bool $allowCoreFallback `$wgNativePasswordPolicyAllowCoreFallback`
	 * @param array<int,array{key:string,params:string[],english:string}> $resetProblems
	 *   ResetDeployment::problems() (found with services, which the registration callback has not)
	 */
	public static function detect( bool $allowCoreFallback = false, array $resetProblems = [] ): self {
		$version = NativeModule::version();
		$buildInfo = [];
		if ( $version !== null && is_callable( [ Engine::class, 'buildInfo' ] ) ) {
			try {
				$buildInfo = Engine::buildInfo();
			} catch ( \Throwable $e ) {
				// An older module without build information: the version says enough.
			}
		}
		return new self(
			$version,
			NativeModule::EXPECTED_VERSION,
			$buildInfo,
			$version === null ? NativeModule::configuredIn() : null,
			$allowCoreFallback,
			SetupProblems::all(),
			SetupProblems::checksNotNative(),
			$resetProblems
		);
	}

	/**
	 * Whether password operations must be refused: the module is missing and the operator did
	 * not allow MediaWiki's own checks to stand in for it.
	 */
	public function refusesPasswordOperations(): bool {
		return !$this->isLoaded() && !$this->allowCoreFallback;
	}

	public function isLoaded(): bool {
		return $this->moduleVersion !== null;
	}

	/** phpversion() of the module, null when it is not loaded */
	public function moduleVersion(): ?string {
		return $this->moduleVersion;
	}

	/** The module version these PHP files were released with */
	public function expectedVersion(): string {
		return $this->expectedVersion;
	}

	/**
	 * Whether the loaded module is the version these PHP files expect. Module and extension
	 * files come from one release and are upgraded together: any difference is a mismatch.
	 */
	public function versionMatches(): bool {
		return $this->moduleVersion === $this->expectedVersion;
	}

	/** Loaded and of the expected version */
	public function isHealthy(): bool {
		return $this->isLoaded() && $this->versionMatches();
	}

	/**
	 * @return array<string,string> How the loaded module was built (version, commit, rustc,
	 *   profile, target, phpApi); empty when it is not loaded
	 */
	public function buildInfo(): array {
		return $this->buildInfo;
	}

	/**
	 * One line about the build, e.g. "0.1.0 (commit a4b15886afa1, rustc 1.95.0, release,
	 * x86_64-unknown-linux-gnu)"; null when the module is not loaded.
	 */
	public function describeBuild(): ?string {
		if ( $this->moduleVersion === null ) {
			return null;
		}
		$details = [];
		if ( isset( $this->buildInfo['commit'] ) ) {
			$details[] = 'commit ' . $this->buildInfo['commit'];
		}
		if ( isset( $this->buildInfo['rustc'] ) ) {
			// "rustc 1.95.0 (59807616e 2026-04-14)" → "rustc 1.95.0"
			$details[] = implode( ' ', array_slice( explode( ' ', $this->buildInfo['rustc'] ), 0, 2 ) );
		}
		foreach ( [ 'profile', 'target' ] as $field ) {
			if ( isset( $this->buildInfo[$field] ) ) {
				$details[] = $this->buildInfo[$field];
			}
		}
		return $details ? "{$this->moduleVersion} (" . implode( ', ', $details ) . ')' : $this->moduleVersion;
	}

	/**
	 * What is wrong with the setup, as translatable messages (empty when healthy): what is
	 * wrong, then what it means for the wiki and how to fix it.
	 *
	 * @return MessageValue[]
	 */
	public function problems(): array {
		$problems = [];
		if ( !$this->isLoaded() ) {
			if ( $this->configuredIn !== null ) {
				$problems[] = MessageValue::new( 'nativepasswordpolicy-status-load-failed' )->plaintextParams(
					NativeModule::NAME, $this->configuredIn['module'], $this->configuredIn['iniFile'], self::phpRelease()
				);
			} else {
				$problems[] = MessageValue::new( 'nativepasswordpolicy-status-not-loaded', [ NativeModule::NAME ] );
			}
			$problems[] = MessageValue::new( $this->allowCoreFallback
				? 'nativepasswordpolicy-status-core-fallback'
				: 'nativepasswordpolicy-status-refusing' );
		} elseif ( !$this->versionMatches() ) {
			$problems[] = MessageValue::new( 'nativepasswordpolicy-status-version-mismatch',
				[ NativeModule::NAME, $this->moduleVersion, $this->expectedVersion ] );
		}
		foreach ( $this->settingProblems as $problem ) {
			$problems[] = MessageValue::new( 'nativepasswordpolicy-status-setting' )->plaintextParams( $problem );
		}
		foreach ( $this->checksNotNative as $check => $notNative ) {
			$problems[] = MessageValue::new( $notNative['coreCheck']
				? 'nativepasswordpolicy-status-check-not-implemented'
				: 'nativepasswordpolicy-status-check-custom' )->plaintextParams( $check, $notNative['callable'] );
		}
		foreach ( $this->resetProblems as $problem ) {
			$problems[] = MessageValue::new( $problem['key'] )->plaintextParams( ...$problem['params'] );
		}
		return $problems;
	}

	/**
	 * The same problems in English, one line each: for the log and for maintenance scripts,
	 * which start before messages can be translated.
	 *
	 * @return string[]
	 */
	public function englishProblems(): array {
		$lines = [];
		if ( !$this->isLoaded() ) {
			if ( $this->configuredIn !== null ) {
				$lines[] = sprintf(
					'The PHP module %s is configured (%s in %s) but PHP could not load it: it was built '
						. 'for another PHP version or the file is missing (PHP\'s startup warning in its error log '
						. 'says which). Build it for PHP %s (cargo build --release) and install it again.',
					NativeModule::NAME, $this->configuredIn['module'], $this->configuredIn['iniFile'], self::phpRelease()
				);
			} else {
				$lines[] = sprintf(
					'The PHP module %1$s is not loaded. Install it and enable it for every PHP that serves '
						. 'the wiki (make install, or phpenmod %1$s), then restart PHP-FPM.',
					NativeModule::NAME
				);
			}
			$lines[] = $this->allowCoreFallback
				? 'Password checks run on MediaWiki\'s own PHP checks until then ($wgNativePasswordPolicyAllowCoreFallback); '
					. 'checks beyond core are skipped.'
				: 'Until then password changes, account creation, logins and password resets are refused. '
					. 'To use MediaWiki\'s own checks meanwhile, set $wgNativePasswordPolicyAllowCoreFallback = true;';
		} elseif ( !$this->versionMatches() ) {
			$lines[] = sprintf(
				'The PHP module %s is version %s, but the extension files are version %s: '
					. 'install the module and the extension of the same release.',
				NativeModule::NAME, $this->moduleVersion, $this->expectedVersion
			);
		}
		foreach ( $this->settingProblems as $problem ) {
			$lines[] = "Invalid setting: $problem";
		}
		foreach ( $this->checksNotNative as $check => $notNative ) {
			$lines[] = $notNative['coreCheck']
				? "The password check $check runs MediaWiki's {$notNative['callable']} in PHP: this release of "
					. 'the native module does not implement it. Install a release of the extension made for this MediaWiki.'
				: "The password check $check runs {$notNative['callable']} in PHP, not the native module: "
					. "\$wgPasswordPolicy['checks']['$check'] is set to a callable of its own, which the extension leaves "
					. 'alone. Remove that setting from LocalSettings.php for the check to run natively.';
		}
		foreach ( $this->resetProblems as $problem ) {
			$lines[] = $problem['english'];
		}
		return $lines;
	}

	/**
	 * Logs what is wrong (a warning each), in English.
	 */
	public function logProblems( LoggerInterface $logger ): void {
		foreach ( $this->englishProblems() as $line ) {
			$logger->warning( $line );
		}
	}

	/** "8.2": the PHP release a module must be built for */
	private static function phpRelease(): string {
		return PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION;
	}
}
