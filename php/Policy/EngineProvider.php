<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Policy;

use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWiki\Extension\NativePasswordPolicy\Setup\ModuleStatus;
use MediaWiki\Extension\NativePasswordPolicy\Setup\SetupProblems;
use NativePasswordPolicy\Engine;
use Psr\Log\LoggerInterface;
use Throwable;

/**
 * The native engine of a request, built on first use from the extension's configuration, and
 * what went wrong building it. The first use also logs what is wrong with the setup (module
 * missing or of another release, invalid settings, checks left in PHP), once per request.
 */
class EngineProvider {

	/** @var Engine|null The engine, once resolved; null when it could not be built */
	private ?Engine $engine = null;

	private bool $resolved = false;

	/** Why the engine could not be built, when it could not */
	private ?string $startError = null;

	private ?LoggerInterface $logger = null;

	/** @var callable(array):Engine */
	private $engineFactory;

	/**
	 * @param array $engineConfig Configuration of the native engine (see ServiceWiring.php)
	 * @param callable():LoggerInterface $loggerFactory Called when there is something to log,
	 *   so that a request with a healthy engine pays nothing for logging
	 * @param bool $allowCoreFallback `$wgNativePasswordPolicyAllowCoreFallback`
	 * @param callable(array):Engine|null $engineFactory Builds the engine from its configuration
	 *   (default: the module's Engine; tests pass their own)
	 */
	public function __construct(
		private readonly array $engineConfig,
		private readonly mixed $loggerFactory,
		private readonly bool $allowCoreFallback = false,
		?callable $engineFactory = null
	) {
		$this->engineFactory = $engineFactory
			?? static fn ( array $config ): Engine => new Engine( json_encode( $config, JSON_THROW_ON_ERROR ) );
	}

	/**
	 * @return Engine|null The engine; null when the module is missing or the engine could not start
	 */
	public function get(): ?Engine {
		if ( !$this->resolved ) {
			$this->resolve();
		}
		return $this->engine;
	}

	/**
	 * Whether password operations are refused: the module is missing and MediaWiki's own checks
	 * may not stand in for it.
	 */
	public function refuses(): bool {
		return !$this->allowCoreFallback && !NativeModule::isLoaded();
	}

	/**
	 * @return string[] Problems the engine met loading its files, or why it could not start
	 *   (empty when healthy; a missing module is ModuleStatus's to report)
	 */
	public function problems(): array {
		$engine = $this->get();
		if ( $engine ) {
			return $engine->problems();
		}
		return $this->startError !== null ? [ "the engine could not start: {$this->startError}" ] : [];
	}

	public function logger(): LoggerInterface {
		$this->logger ??= ( $this->loggerFactory )();
		return $this->logger;
	}

	private function resolve(): void {
		$this->resolved = true;
		if ( !NativeModule::isLoaded() || NativeModule::version() !== NativeModule::EXPECTED_VERSION
			|| SetupProblems::any()
		) {
			// What is wrong with the setup, what it means for checks, and how to fix it.
			ModuleStatus::detect( $this->allowCoreFallback )->logProblems( $this->logger() );
		}
		if ( !NativeModule::isLoaded() ) {
			return;
		}
		try {
			$this->engine = ( $this->engineFactory )( $this->engineConfig );
			foreach ( $this->engine->problems() as $problem ) {
				$this->logger()->error( 'Native password policy engine: {problem}', [ 'problem' => $problem ] );
			}
		} catch ( Throwable $e ) {
			$this->startError = $e->getMessage();
			$this->logger()->error(
				'Native password policy engine could not start: {message}. Checks run in PHP.',
				[ 'message' => $e->getMessage() ]
			);
		}
	}
}
