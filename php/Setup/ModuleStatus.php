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
	 */
	public function __construct(
		private readonly ?string $moduleVersion,
		private readonly string $expectedVersion,
		private readonly array $buildInfo = []
	) {
	}

	/**
	 * The status of the module in this PHP process.
	 */
	public static function detect(): self {
		$version = NativeModule::version();
		$buildInfo = [];
		if ( $version !== null && is_callable( [ Engine::class, 'buildInfo' ] ) ) {
			try {
				$buildInfo = Engine::buildInfo();
			} catch ( \Throwable $e ) {
				// An older module without build information: the version says enough.
			}
		}
		return new self( $version, NativeModule::EXPECTED_VERSION, $buildInfo );
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
	 * What is wrong with the setup, as translatable messages (empty when healthy).
	 *
	 * @return MessageValue[]
	 */
	public function problems(): array {
		if ( !$this->isLoaded() ) {
			return [ MessageValue::new( 'nativepasswordpolicy-status-not-loaded', [ NativeModule::NAME ] ) ];
		}
		if ( !$this->versionMatches() ) {
			return [ MessageValue::new( 'nativepasswordpolicy-status-version-mismatch',
				[ NativeModule::NAME, $this->moduleVersion, $this->expectedVersion ] ) ];
		}
		return [];
	}

	/**
	 * Logs what is wrong (a warning each), in English with the facts as context.
	 */
	public function logProblems( LoggerInterface $logger ): void {
		if ( !$this->isLoaded() ) {
			$logger->warning( 'The PHP module {module} is not loaded.', [ 'module' => NativeModule::NAME ] );
		} elseif ( !$this->versionMatches() ) {
			$logger->warning(
				'The PHP module {module} is version {moduleVersion}, but the extension files are version '
					. '{expectedVersion}: install the module and the extension of the same release.',
				[
					'module' => NativeModule::NAME,
					'moduleVersion' => $this->moduleVersion,
					'expectedVersion' => $this->expectedVersion,
				]
			);
		}
	}
}
