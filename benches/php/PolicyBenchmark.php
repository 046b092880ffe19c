<?php
/**
 * Core's PHP password policy checks against the extension's native ones, side by side in one
 * process: each check, whole-policy evaluation, the common-password lookups and the
 * common-password check's cost per request. Run inside a MediaWiki 1.39 with the extension
 * loaded (benches/run.sh sets one up), through its entry point policy.php:
 *
 *   MW_CONFIG_FILE=.../LocalSettings.php php -d extension=.../libnative_password_policy.so \
 *     /usr/share/mediawiki/maintenance/runScript.php benches/php/policy.php [--json FILE]
 *
 * This file only declares the class, so that maintenance/benchmarkEngine.php (the quick
 * on-host run for operators) can extend it.
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Benches;

use Closure;
use MediaWiki\Extension\NativePasswordPolicy\Compat\ClassAliases;
use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWiki\Extension\NativePasswordPolicy\Policy\CommonPasswordsFile;
use MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine;
use MediaWiki\Maintenance\Maintenance;
use MediaWiki\MediaWikiServices;
use MediaWiki\Password\UserPasswordPolicy;
use MediaWiki\Status\Status;
use MediaWiki\User\User;
use NativePasswordPolicy\Engine;
use Pleo\BloomFilter\BloomFilter;
use RuntimeException;
use Wikimedia\CommonPasswords\CommonPasswords;
use Wikimedia\Services\ServiceContainer;

require_once getenv( 'MW_INSTALL_PATH' ) !== false
	? getenv( 'MW_INSTALL_PATH' ) . '/maintenance/Maintenance.php'
	: '/usr/share/mediawiki/maintenance/Maintenance.php';
// Core's namespaced class names on MediaWiki 1.39 too, before this file declares its class.
require_once __DIR__ . '/../../php/Compat/ClassAliases.php';
ClassAliases::register();
require_once __DIR__ . '/PasswordMix.php';
require_once __DIR__ . '/Sampler.php';

class PolicyBenchmark extends Maintenance {

	private const SERVICE = 'NativePasswordPolicy.PolicyEngine';

	/** The value each check gets in the per-check benchmarks: the sysop policy's values. */
	private const CHECK_VALUES = [
		'MinimalPasswordLength' => 10,
		'MinimumPasswordLengthToLogin' => 1,
		'PasswordCannotBeSubstringInUsername' => true,
		'PasswordCannotMatchDefaults' => true,
		'MaximalPasswordLength' => 4096,
		'PasswordNotInCommonList' => true,
	];

	/** Policy evaluations: label => the user's groups. */
	private const GROUPS = [
		'default' => [],
		'sysop' => [ 'sysop' ],
		'bot' => [ 'bot' ],
	];

	private Sampler $sampler;

	/** @var array<int,array{user:User,username:string,password:string,note:string}> */
	private array $mix;

	/** @var array<string,string> Check name => core's callable */
	private array $coreChecks;

	/** @var array<string,string> Check name => the extension's callable */
	private array $nativeChecks;

	private PolicyEngine $policyEngine;

	private Engine $engine;

	private array $results = [];

	public function __construct() {
		parent::__construct();
		$this->addDescription( "Benchmark core's password policy checks against NativePasswordPolicy's" );
		$this->addOption( 'rounds', 'Timed rounds per case (default 31)', false, true );
		$this->addOption( 'round-ms', 'Duration of one round of one case, in ms (default 3)', false, true );
		$this->addOption( 'processes', 'Fresh processes per side for first-call costs (default 12)', false, true );
		$this->addOption( 'server-requests',
			'Requests to a long-lived php -S server confirming per-request costs (default 30, 0 = skip)', false, true );
		$this->addOption( 'module', 'Path of the native module, for child processes (default: target/release)',
			false, true );
		$this->addOption( 'json', 'Write the results as JSON to this file', false, true );
	}

	public function execute() {
		$this->sampler = new Sampler(
			(int)$this->getOption( 'rounds', 31 ),
			(int)$this->getOption( 'round-ms', 3 ) / 1000
		);
		$this->prepare();
		$this->results['environment'] = $this->environment();
		$this->output( $this->describeEnvironment() );

		$this->benchmarkChecks();
		$this->benchmarkPolicies();
		$this->benchmarkLookups();
		$this->benchmarkPerRequest();
		$requests = (int)$this->getOption( 'server-requests', 30 );
		if ( $requests > 0 ) {
			$this->benchmarkServer( $requests );
		}
		$this->results['environment']['loadAverageAfter'] = sys_getloadavg();

		$json = $this->getOption( 'json' );
		if ( $json !== null ) {
			file_put_contents( $json, json_encode( $this->results, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES ) . "\n" );
			$this->output( "\nResults written to $json\n" );
		}
	}

	/**
	 * Builds the inputs and makes sure both sides do the same, complete work: the module is
	 * loaded and healthy (no silent fallback to core's PHP), and every check and policy gives
	 * core's exact Status for every password of the mix.
	 */
	private function prepare(): void {
		global $wgPasswordPolicy;
		if ( !NativeModule::isLoaded() ) {
			$this->fatalError( 'The module ' . NativeModule::NAME . ' is not loaded (php -d extension=...)' );
		}
		$services = MediaWikiServices::getInstance();
		$this->policyEngine = $services->getService( self::SERVICE );
		if ( $this->policyEngine->getProblems() !== [] ) {
			$this->fatalError( 'The native engine is not healthy: ' . implode( '; ', $this->policyEngine->getProblems() ) );
		}
		foreach ( CorePolicyChecks::METHODS as $name => $method ) {
			$this->coreChecks[$name] = CorePolicyChecks::coreCallable( $name );
			$this->nativeChecks[$name] = NativePolicyChecks::callableFor( $name );
			if ( ( $wgPasswordPolicy['checks'][$name] ?? null ) !== $this->nativeChecks[$name] ) {
				$this->fatalError( "\$wgPasswordPolicy['checks']['$name'] is not the extension's callable" );
			}
		}
		$this->engine = new Engine( json_encode( [ 'commonPasswordsFile' => self::commonPasswordsFile() ] ) );

		$userFactory = $services->getUserFactory();
		$this->mix = [];
		foreach ( PasswordMix::load() as $sample ) {
			$user = $userFactory->newFromName( $sample['user'] );
			if ( !$user ) {
				throw new RuntimeException( "Invalid user name in the mix: {$sample['user']}" );
			}
			$this->mix[] = [ 'user' => $user, 'username' => $user->getName() ] + $sample;
		}

		// Parity: the same Status, check by check and policy by policy.
		foreach ( $this->mix as $i => $sample ) {
			foreach ( self::CHECK_VALUES as $name => $value ) {
				$this->assertSameStatus(
					( $this->coreChecks[$name] )( $value, $sample['user'], $sample['password'] ),
					( $this->nativeChecks[$name] )( $value, $sample['user'], $sample['password'] ),
					"$name, password #$i"
				);
			}
			foreach ( self::GROUPS as $label => $groups ) {
				// The extension's path: the policy handed over (as its hook does), one evaluation.
				$calls = $this->policyEngine->nativeCallCount();
				$effective = $this->effectivePolicy( $groups );
				$this->policyEngine->capture( $sample['user'], $effective );
				$this->assertSameStatus(
					$this->corePolicy()->checkUserPasswordForGroups( $sample['user'], $sample['password'], $groups ),
					$this->nativePolicy()->checkUserPasswordForGroups( $sample['user'], $sample['password'], $groups ),
					"policy of $label, password #$i"
				);
				if ( $this->policyEngine->nativeCallCount() - $calls !== 1 ) {
					$this->fatalError( "The policy of $label took " . ( $this->policyEngine->nativeCallCount() - $calls )
						. " calls into the module for password #$i, not one" );
				}
			}
		}
	}

	private function benchmarkChecks(): void {
		$this->section( 'Each check, over the mix (ns per check)',
			[ 'core PHP', 'extension', 'core/ext', 'raw module', 'core/raw' ] );
		$mix = $this->mix;
		$engine = $this->engine;
		foreach ( self::CHECK_VALUES as $name => $value ) {
			$core = $this->coreChecks[$name];
			$native = $this->nativeChecks[$name];
			$result = $this->sampler->compare( [
				'core' => static function ( int $iterations ) use ( $core, $value, $mix ): void {
					for ( $i = 0; $i < $iterations; $i++ ) {
						foreach ( $mix as $sample ) {
							$core( $value, $sample['user'], $sample['password'] );
						}
					}
				},
				'native' => static function ( int $iterations ) use ( $native, $value, $mix ): void {
					for ( $i = 0; $i < $iterations; $i++ ) {
						foreach ( $mix as $sample ) {
							$native( $value, $sample['user'], $sample['password'] );
						}
					}
				},
				'raw' => static function ( int $iterations ) use ( $engine, $name, $value, $mix ): void {
					for ( $i = 0; $i < $iterations; $i++ ) {
						foreach ( $mix as $sample ) {
							$engine->check( $name, $value, $sample['username'], $sample['password'] );
						}
					}
				},
			], count( $mix ) );
			$this->results['checks'][$name] = [ 'value' => $value ] + $result;
			$this->row( "$name (" . var_export( $value, true ) . ')', $result, [ 'core', 'native', 'raw' ] );
		}
	}

	/**
	 * A user's effective policy, as MediaWiki checks it at login: every check's callable in
	 * turn (the extension's answering from one native evaluation of the policy, which its
	 * PasswordPoliciesForUser hook hands over first), and the whole of UserPasswordPolicy
	 * with its merging of the statuses. Both with the same groups, policy and passwords.
	 */
	private function benchmarkPolicies(): void {
		$this->section( 'A policy\'s checks through their callables, in order (ns per password)',
			[ 'core PHP', 'extension', 'core/ext', 'per check', 'raw evaluate', 'core/raw' ] );
		$mix = $this->mix;
		$engine = $this->engine;
		$policyEngine = $this->policyEngine;
		$coreChecks = $this->coreChecks;
		$nativeChecks = $this->nativeChecks;
		$names = array_combine( array_keys( $nativeChecks ), array_keys( $nativeChecks ) );
		foreach ( self::GROUPS as $label => $groups ) {
			// The value of each check, as UserPasswordPolicy::checkPolicies() passes it.
			$effective = $this->effectivePolicy( $groups );
			$values = array_map( static fn ( $settings ) => is_array( $settings ) ? $settings['value'] : $settings, $effective );
			$result = $this->sampler->compare( [
				'core' => static function ( int $iterations ) use ( $coreChecks, $values, $mix ): void {
					for ( $i = 0; $i < $iterations; $i++ ) {
						foreach ( $mix as $sample ) {
							foreach ( $values as $name => $value ) {
								$coreChecks[$name]( $value, $sample['user'], $sample['password'] );
							}
						}
					}
				},
				'native' => static function ( int $iterations ) use ( $policyEngine, $nativeChecks, $effective, $values, $mix ): void {
					for ( $i = 0; $i < $iterations; $i++ ) {
						foreach ( $mix as $sample ) {
							$policy = $effective;
							$policyEngine->capture( $sample['user'], $policy );
							foreach ( $values as $name => $value ) {
								$nativeChecks[$name]( $value, $sample['user'], $sample['password'] );
							}
						}
					}
				},
				'raw' => static function ( int $iterations ) use ( $engine, $effective, $names, $mix ): void {
					for ( $i = 0; $i < $iterations; $i++ ) {
						foreach ( $mix as $sample ) {
							$engine->evaluatePolicy( $sample['username'], $sample['password'], $effective, $names );
						}
					}
				},
			], count( $mix ) );
			$this->results['policies'][$label] = [ 'groups' => $groups, 'checks' => count( $values ) ] + $result;
			$this->printRow( $label, [
				self::ns( $result['core']['median'] ),
				self::ns( $result['native']['median'] ),
				self::ratio( $result['core']['median'], $result['native']['median'] ),
				self::ns( $result['native']['median'] / count( $values ) ),
				self::ns( $result['raw']['median'] ),
				self::ratio( $result['core']['median'], $result['raw']['median'] ),
			] );
		}

		$this->section( 'Whole policy through UserPasswordPolicy (ns per password)',
			[ 'core PHP', 'extension', 'core/ext' ] );
		$corePolicy = $this->corePolicy();
		$nativePolicy = $this->nativePolicy();
		foreach ( self::GROUPS as $label => $groups ) {
			$effective = $this->effectivePolicy( $groups );
			$result = $this->sampler->compare( [
				'core' => static function ( int $iterations ) use ( $corePolicy, $groups, $mix ): void {
					for ( $i = 0; $i < $iterations; $i++ ) {
						foreach ( $mix as $sample ) {
							$corePolicy->checkUserPasswordForGroups( $sample['user'], $sample['password'], $groups );
						}
					}
				},
				'native' => static function ( int $iterations ) use ( $policyEngine, $nativePolicy, $effective, $groups, $mix ): void {
					for ( $i = 0; $i < $iterations; $i++ ) {
						foreach ( $mix as $sample ) {
							$policy = $effective;
							$policyEngine->capture( $sample['user'], $policy );
							$nativePolicy->checkUserPasswordForGroups( $sample['user'], $sample['password'], $groups );
						}
					}
				},
			], count( $mix ) );
			$this->results['wholePolicies'][$label] = [ 'groups' => $groups ] + $result;
			$this->printRow( $label, [
				self::ns( $result['core']['median'] ),
				self::ns( $result['native']['median'] ),
				self::ratio( $result['core']['median'], $result['native']['median'] ),
			] );
		}
		$this->results['hook'] = $this->benchmarkCaptureHook();
	}

	/**
	 * What the extension's PasswordPoliciesForUser handler adds to each check of a password:
	 * MediaWiki's dispatch of the hook to it (not part of the loops above).
	 *
	 * @return array{median:float}
	 */
	private function benchmarkCaptureHook(): array {
		$hookContainer = MediaWikiServices::getInstance()->getHookContainer();
		$user = $this->mix[0]['user'];
		$effective = $this->effectivePolicy( [] );
		$result = $this->sampler->compare( [
			'hook' => static function ( int $iterations ) use ( $hookContainer, $user, $effective ): void {
				for ( $i = 0; $i < $iterations; $i++ ) {
					$policy = $effective;
					$hookContainer->run( 'PasswordPoliciesForUser', [ $user, &$policy ] );
				}
			},
		], 1 );
		$this->output( sprintf( "\nPasswordPoliciesForUser dispatch to the extension's handler: %s ns\n",
			self::ns( $result['hook']['median'] ) ) );
		return $result['hook'];
	}

	private function benchmarkLookups(): void {
		$this->section( 'Common-password lookup, filter loaded (ns per lookup)',
			[ 'core isCommon', 'core check', 'ext check', 'core/ext', 'raw module', 'isCommon/raw' ] );
		$engine = $this->engine;
		$core = $this->coreChecks['PasswordNotInCommonList'];
		$native = $this->nativeChecks['PasswordNotInCommonList'];
		$groups = [ 'member' => [], 'nonMember' => [] ];
		foreach ( $this->mix as $sample ) {
			$groups[CommonPasswords::isCommon( $sample['password'] ) ? 'member' : 'nonMember'][] = $sample;
		}
		foreach ( $groups as $label => $samples ) {
			$result = $this->sampler->compare( [
				'coreIsCommon' => static function ( int $iterations ) use ( $samples ): void {
					for ( $i = 0; $i < $iterations; $i++ ) {
						foreach ( $samples as $sample ) {
							CommonPasswords::isCommon( $sample['password'] );
						}
					}
				},
				'core' => static function ( int $iterations ) use ( $core, $samples ): void {
					for ( $i = 0; $i < $iterations; $i++ ) {
						foreach ( $samples as $sample ) {
							$core( true, $sample['user'], $sample['password'] );
						}
					}
				},
				'native' => static function ( int $iterations ) use ( $native, $samples ): void {
					for ( $i = 0; $i < $iterations; $i++ ) {
						foreach ( $samples as $sample ) {
							$native( true, $sample['user'], $sample['password'] );
						}
					}
				},
				'raw' => static function ( int $iterations ) use ( $engine, $samples ): void {
					for ( $i = 0; $i < $iterations; $i++ ) {
						foreach ( $samples as $sample ) {
							$engine->check( 'PasswordNotInCommonList', true, $sample['username'], $sample['password'] );
						}
					}
				},
			], count( $samples ) );
			$this->results['lookups'][$label] = [ 'passwords' => count( $samples ) ] + $result;
			$label = ( $label === 'member' ? 'members' : 'non-members' ) . ' (' . count( $samples ) . ')';
			$this->printRow( $label, [
				self::ns( $result['coreIsCommon']['median'] ),
				self::ns( $result['core']['median'] ),
				self::ns( $result['native']['median'] ),
				self::ratio( $result['core']['median'], $result['native']['median'] ),
				self::ns( $result['raw']['median'] ),
				self::ratio( $result['coreIsCommon']['median'], $result['raw']['median'] ),
			] );
		}
	}

	/**
	 * What the first common-password check of a request costs. Core keeps its decoded filter
	 * in a function-static variable, which lives one request; the module keeps its filter for
	 * the life of the process (an FPM worker serves many requests).
	 */
	private function benchmarkPerRequest(): void {
		$this->section( 'Common-password check, first call of a request (µs)', [ 'median', 'min', 'max', 'samples' ] );
		$processes = (int)$this->getOption( 'processes', 12 );
		$fresh = [ 'core' => [], 'native' => [] ];
		$freshDisturbed = [ 'core' => 0, 'native' => 0 ];
		for ( $i = 0; $i < 2 * $processes; $i++ ) {
			$side = $i % 2 ? 'native' : 'core';
			// A process that lost the CPU during its timed call is replaced by another, up to
			// three in all; the fastest is kept when none ran undisturbed.
			$best = null;
			for ( $attempt = 0; $attempt < 3; $attempt++ ) {
				$answer = $this->firstCallInFreshProcess( $side );
				if ( $best === null || $answer['firstNs'] < $best['firstNs'] ) {
					$best = $answer;
				}
				if ( !$answer['disturbed'] ) {
					break;
				}
			}
			$freshDisturbed[$side] += $attempt === 3 ? 1 : 0;
			$fresh[$side][] = $best;
		}

		$coreFile = CommonPasswordsFile::locate();
		$user = $this->mix[0]['user'];
		$core = $this->coreChecks['PasswordNotInCommonList'];
		$native = $this->nativeChecks['PasswordNotInCommonList'];
		// The container is rebuilt every request; dropping the service here makes the next call
		// build it (and its native engine) again, exactly as the first check of a request does.
		$resetService = Closure::bind( static function ( string $name ): void {
			MediaWikiServices::getInstance()->resetService( $name );
		}, null, ServiceContainer::class );
		$inProcess = $this->sampler->compare( [
			// Core's first call of a request, replayed: what CommonPasswords loads when its static
			// is empty (1.39: decodes the Bloom filter; 1.43: requires the list, from opcache), then
			// core's check on the result (its static cannot be reset).
			'coreReplay' => str_ends_with( $coreFile, '.php' )
				? static function ( int $iterations ) use ( $coreFile ): void {
					for ( $i = 0; $i < $iterations; $i++ ) {
						$list = require $coreFile;
						$status = Status::newGood();
						if ( isset( $list['password'] ) ) {
							$status->error( 'passwordincommonlist' );
						}
					}
				}
				: static function ( int $iterations ) use ( $coreFile ): void {
					for ( $i = 0; $i < $iterations; $i++ ) {
						$filter = BloomFilter::initFromJson( json_decode( file_get_contents( $coreFile ), true ) );
						$status = Status::newGood();
						if ( $filter->exists( 'password' ) ) {
							$status->error( 'passwordincommonlist' );
						}
					}
				},
			'nativeNewRequest' => static function ( int $iterations ) use ( $native, $user, $resetService ): void {
				for ( $i = 0; $i < $iterations; $i++ ) {
					$resetService( self::SERVICE );
					$native( true, $user, 'password' );
				}
			},
			'nativeSteady' => static function ( int $iterations ) use ( $native, $user ): void {
				for ( $i = 0; $i < $iterations; $i++ ) {
					$native( true, $user, 'password' );
				}
			},
			'coreSteady' => static function ( int $iterations ) use ( $core, $user ): void {
				for ( $i = 0; $i < $iterations; $i++ ) {
					$core( true, $user, 'password' );
				}
			},
		] );

		$summary = static function ( array $values, int $disturbed ): array {
			sort( $values );
			return [
				'median' => Sampler::median( $values ),
				'min' => $values[0],
				'max' => $values[count( $values ) - 1],
				'rounds' => count( $values ),
				'disturbed' => $disturbed,
				'samples' => $values,
			];
		};
		$this->results['perRequest'] = [
			'password' => 'password',
			'coreFreshProcess' => $summary( array_column( $fresh['core'], 'firstNs' ), $freshDisturbed['core'] ),
			'nativeFreshProcess' => $summary( array_column( $fresh['native'], 'firstNs' ), $freshDisturbed['native'] ),
		] + $inProcess;
		$rows = [
			'(a) core, fresh process' => $this->results['perRequest']['coreFreshProcess'],
			'(a\') core, replayed in process' => $inProcess['coreReplay'],
			'(b) extension, fresh process (cold load)' => $this->results['perRequest']['nativeFreshProcess'],
			'(c) extension, new request, warm worker' => $inProcess['nativeNewRequest'],
			'core, later calls of a request' => $inProcess['coreSteady'],
			'extension, later calls of a request' => $inProcess['nativeSteady'],
		];
		foreach ( $rows as $label => $row ) {
			$this->printRow( $label, [
				self::us( $row['median'] ), self::us( $row['min'] ), self::us( $row['max'] ),
				$row['rounds'] . ( $row['disturbed'] ? " ({$row['disturbed']}d)" : '' ),
			] );
		}
		$this->output( sprintf( "  per-request ratio (a)/(c): %s   (a')/(c): %s\n",
			self::ratio( $this->results['perRequest']['coreFreshProcess']['median'], $inProcess['nativeNewRequest']['median'] ),
			self::ratio( $inProcess['coreReplay']['median'], $inProcess['nativeNewRequest']['median'] )
		) );
	}

	/**
	 * Serves benches/php/request_probe.php from one long-lived `php -S` process (opcache on, as
	 * in production) and asks it for the first common-password check of each request, core's
	 * and the extension's, alternating which runs first; then for a breakdown of the
	 * extension's first call. Wall times are what the requests saw; CPU times leave out the
	 * moments the worker waited (for the CPU, or for the disk).
	 */
	private function benchmarkServer( int $requests ): void {
		$this->section( 'Same, through a long-lived php -S worker (µs per request)',
			[ 'core', 'extension', 'core/ext' ] );
		$port = self::freePort();
		$log = tempnam( sys_get_temp_dir(), 'npp-bench-server' );
		$command = array_merge( [ PHP_BINARY ], $this->childPhpOptions( 'opcache.enable=1' ), [
			'-S', "127.0.0.1:$port", __DIR__ . '/request_probe.php',
		] );
		$env = getenv();
		unset( $env['PHP_CLI_SERVER_WORKERS'] );
		$server = proc_open( $command, [ 0 => [ 'file', '/dev/null', 'r' ], 1 => [ 'file', $log, 'a' ],
			2 => [ 'file', $log, 'a' ] ], $pipes, null, $env );
		if ( !is_resource( $server ) ) {
			throw new RuntimeException( 'Cannot start php -S' );
		}
		try {
			self::waitForPort( $port, $log );
			$ask = static function ( string $query ) use ( $port, $log ): array {
				$body = @file_get_contents( "http://127.0.0.1:$port/?$query" );
				$answer = $body === false ? null : json_decode( $body, true );
				if ( !is_array( $answer ) || !isset( $answer['pid'] ) ) {
					throw new RuntimeException( 'Bad answer from the probe: ' . var_export( $body, true )
						. "\n" . file_get_contents( $log ) );
				}
				return $answer;
			};
			// The first request of the worker loads everything; later ones show the steady state.
			$firstRequest = $ask( 'first=core' );
			$answers = [];
			$breakdowns = [];
			for ( $i = 0; $i < $requests; $i++ ) {
				$answers[] = $ask( 'first=' . ( $i % 2 ? 'native' : 'core' ) );
				if ( $i % 2 ) {
					$breakdowns[] = $ask( 'breakdown=1' );
				}
			}
		} finally {
			proc_terminate( $server );
			proc_close( $server );
			@unlink( $log );
		}
		foreach ( array_merge( [ $firstRequest ], $answers ) as $answer ) {
			if ( !$answer['coreCommon'] || !$answer['nativeCommon'] ) {
				throw new RuntimeException( 'The probe did not find "password" common: ' . json_encode( $answer ) );
			}
		}
		$median = static function ( array $answers, string $key ): float {
			$values = array_column( $answers, $key );
			sort( $values );
			return Sampler::median( $values );
		};
		$all = array_merge( [ $firstRequest ], $answers, $breakdowns );
		$this->results['server'] = [
			'requests' => count( $all ),
			'processes' => count( array_unique( array_column( $all, 'pid' ) ) ),
			'opcache' => $firstRequest['opcache'],
			'firstRequest' => [ 'core' => $firstRequest['coreNs'], 'native' => $firstRequest['nativeNs'] ],
			'laterRequests' => [
				'requests' => count( $answers ),
				'core' => $median( $answers, 'coreNs' ),
				'native' => $median( $answers, 'nativeNs' ),
				'coreCpu' => $median( $answers, 'coreCpuNs' ),
				'nativeCpu' => $median( $answers, 'nativeCpuNs' ),
				'coreSecond' => $median( $answers, 'coreSecondNs' ),
				'nativeSecond' => $median( $answers, 'nativeSecondNs' ),
				'disturbed' => count( array_filter( $answers,
					static fn ( $answer ) => $answer['coreDisturbed'] || $answer['nativeDisturbed'] ) ),
			],
			'nativeBreakdown' => [
				'requests' => count( $breakdowns ),
				'autoload' => $median( $breakdowns, 'autoloadNs' ),
				'service' => $median( $breakdowns, 'serviceNs' ),
				'call' => $median( $breakdowns, 'callNs' ),
			],
			'answers' => $answers,
			'breakdowns' => $breakdowns,
		];
		$server = $this->results['server'];
		$later = $server['laterRequests'];
		$rows = [
			'first request of the worker' => $server['firstRequest'],
			'later requests, first call (median of ' . $later['requests'] . ')' => $later,
			'  same, CPU time only' => [ 'core' => $later['coreCpu'], 'native' => $later['nativeCpu'] ],
			'later requests, second call' => [ 'core' => $later['coreSecond'], 'native' => $later['nativeSecond'] ],
		];
		foreach ( $rows as $label => $row ) {
			$this->printRow( $label, [
				self::us( $row['core'] ), self::us( $row['native'] ), self::ratio( $row['core'], $row['native'] ),
			] );
		}
		$parts = $server['nativeBreakdown'];
		$this->output( sprintf( "  extension's first call, parts (median of %d): class autoload %s µs, "
			. "service construction %s µs, call %s µs\n",
			$parts['requests'], self::us( $parts['autoload'] ), self::us( $parts['service'] ), self::us( $parts['call'] ) ) );
		$this->output( sprintf( "  %d requests served by %d process(es), opcache %s; the worker lost the CPU "
			. "during a timed call in %d of %d later requests\n", $server['requests'], $server['processes'],
			$server['opcache'] ? 'on' : 'off', $later['disturbed'], $later['requests'] ) );
	}

	/**
	 * @return array Output of FirstCommonCheck.php
	 */
	private function firstCallInFreshProcess( string $side ): array {
		$command = array_merge(
			[ PHP_BINARY ],
			$this->childPhpOptions( 'opcache.enable_cli=' . (int)ini_get( 'opcache.enable_cli' ) ),
			[ MW_INSTALL_PATH . '/maintenance/runScript.php', __DIR__ . '/FirstCommonCheck.php', '--side', $side ]
		);
		$out = tmpfile();
		$err = tmpfile();
		$process = proc_open( $command, [ 0 => [ 'file', '/dev/null', 'r' ], 1 => $out, 2 => $err ], $pipes );
		$code = proc_close( $process );
		rewind( $out );
		rewind( $err );
		$stdout = (string)stream_get_contents( $out );
		$answer = json_decode( trim( $stdout ), true );
		if ( $code !== 0 || !is_array( $answer ) || $answer['side'] !== $side || !$answer['common'] ) {
			throw new RuntimeException( "FirstCommonCheck.php --side $side failed ($code): $stdout "
				. stream_get_contents( $err ) );
		}
		return $answer;
	}

	/**
	 * @return string[] PHP options of child processes: this process's module and the given setting
	 */
	private function childPhpOptions( string $setting ): array {
		$options = [ '-d', $setting, '-d', 'display_errors=stderr' ];
		if ( !$this->hasOption( 'module' ) && getenv( 'NPP_MODULE' ) === false && self::phpConfigurationLoadsModule() ) {
			// An installed module: children get it from PHP's configuration, as this process did.
			return $options;
		}
		$module = $this->getOption( 'module', getenv( 'NPP_MODULE' )
			?: dirname( __DIR__, 2 ) . '/target/release/libnative_password_policy.so' );
		if ( !is_file( $module ) ) {
			$this->fatalError( "The module $module does not exist (--module)" );
		}
		return array_merge( [ '-d', "extension=$module" ], $options );
	}

	/**
	 * Whether a PHP started with this PHP's configuration files loads the module by itself.
	 */
	private static function phpConfigurationLoadsModule(): bool {
		$check = 'exit( extension_loaded( ' . var_export( NativeModule::NAME, true ) . ' ) ? 0 : 1 );';
		$process = proc_open( [ PHP_BINARY, '-r', $check ],
			[ 0 => [ 'file', '/dev/null', 'r' ], 1 => [ 'file', '/dev/null', 'w' ], 2 => [ 'file', '/dev/null', 'w' ] ],
			$pipes );
		return is_resource( $process ) && proc_close( $process ) === 0;
	}

	private function corePolicy(): UserPasswordPolicy {
		return new UserPasswordPolicy( $this->policies(), $this->coreChecks );
	}

	private function nativePolicy(): UserPasswordPolicy {
		return new UserPasswordPolicy( $this->policies(), $this->nativeChecks );
	}

	private function policies(): array {
		global $wgPasswordPolicy;
		return $wgPasswordPolicy['policies'];
	}

	private function effectivePolicy( array $groups ): array {
		$policies = $this->policies();
		return UserPasswordPolicy::getPoliciesForGroups( $policies, $groups, $policies['default'] );
	}

	private function assertSameStatus( Status $core, Status $native, string $what ): void {
		$shape = static fn ( Status $status ) => [ $status->isOK(), $status->getErrors(), $status->getValue() ];
		if ( $shape( $core ) !== $shape( $native ) ) {
			$this->fatalError( "Core and the extension disagree on $what: "
				. json_encode( $shape( $core ) ) . ' vs ' . json_encode( $shape( $native ) ) );
		}
	}

	private static function commonPasswordsFile(): string {
		// The file core reads, as php/ServiceWiring.php finds it.
		return CommonPasswordsFile::locate();
	}

	private function environment(): array {
		$cpu = 'unknown';
		foreach ( file( '/proc/cpuinfo' ) ?: [] as $line ) {
			if ( str_starts_with( $line, 'model name' ) ) {
				$cpu = trim( explode( ':', $line, 2 )[1] );
				break;
			}
		}
		$common = 0;
		foreach ( $this->mix as $sample ) {
			$common += CommonPasswords::isCommon( $sample['password'] ) ? 1 : 0;
		}
		return [
			'date' => gmdate( 'Y-m-d H:i' ) . ' UTC',
			'cpu' => $cpu,
			'cpus' => (int)trim( (string)shell_exec( 'nproc' ) ),
			'kernel' => php_uname( 's' ) . ' ' . php_uname( 'r' ),
			'php' => PHP_VERSION,
			'opcache' => (bool)ini_get( 'opcache.enable_cli' ),
			'mediawiki' => MW_VERSION,
			'module' => NativeModule::version(),
			'rounds' => (int)$this->getOption( 'rounds', 31 ),
			'roundMs' => (int)$this->getOption( 'round-ms', 3 ),
			'mixPasswords' => count( $this->mix ),
			'mixCommon' => $common,
			'loadAverageBefore' => sys_getloadavg(),
		];
	}

	private function describeEnvironment(): string {
		$env = $this->results['environment'];
		return sprintf( "PHP %s (opcache %s), MediaWiki %s, native_password_policy %s\n%s, %d CPUs, load %s\n"
			. "Mix: %d passwords (%d common); median of %d rounds of ~%d ms, rounds interleaved\n",
			$env['php'], $env['opcache'] ? 'on' : 'off', $env['mediawiki'], $env['module'],
			$env['cpu'], $env['cpus'], implode( ' ', array_map( static fn ( $l ) => sprintf( '%.2f', $l ),
				$env['loadAverageBefore'] ) ),
			$env['mixPasswords'], $env['mixCommon'], $env['rounds'], $env['roundMs'] );
	}

	private function section( string $title, array $columns ): void {
		$this->output( "\n$title\n" );
		$this->printRow( '', $columns );
	}

	/**
	 * A row "core, extension, ratio, third, ratio" of nanosecond medians.
	 */
	private function row( string $label, array $result, array $keys ): void {
		[ $core, $native, $third ] = $keys;
		$this->printRow( $label, [
			self::ns( $result[$core]['median'] ),
			self::ns( $result[$native]['median'] ),
			self::ratio( $result[$core]['median'], $result[$native]['median'] ),
			self::ns( $result[$third]['median'] ),
			self::ratio( $result[$core]['median'], $result[$third]['median'] ),
		] );
	}

	private function printRow( string $label, array $cells ): void {
		$line = str_pad( $label, 44 );
		foreach ( $cells as $cell ) {
			$line .= str_pad( $cell, 14, ' ', STR_PAD_LEFT );
		}
		$this->output( rtrim( $line ) . "\n" );
	}

	private static function ns( float $ns ): string {
		return number_format( $ns, $ns < 100 ? 1 : 0 );
	}

	private static function us( float $ns ): string {
		return number_format( $ns / 1000, 1 );
	}

	private static function ratio( float $core, float $native ): string {
		return sprintf( '%.2f×', $core / $native );
	}

	private static function freePort(): int {
		$server = stream_socket_server( 'tcp://127.0.0.1:0' );
		$name = stream_socket_get_name( $server, false );
		fclose( $server );
		return (int)substr( $name, strrpos( $name, ':' ) + 1 );
	}

	private static function waitForPort( int $port, string $log ): void {
		$deadline = microtime( true ) + 15;
		while ( microtime( true ) < $deadline ) {
			$socket = @stream_socket_client( "tcp://127.0.0.1:$port", $errno, $errstr, 0.2 );
			if ( $socket ) {
				fclose( $socket );
				return;
			}
			usleep( 50_000 );
		}
		throw new RuntimeException( "php -S does not listen on $port:\n" . file_get_contents( $log ) );
	}
}
