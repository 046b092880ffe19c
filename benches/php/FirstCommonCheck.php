<?php
/**
 * Measures the first PasswordNotInCommonList check of a fresh PHP process: core's (which
 * decodes its filter) or the extension's (whose module loads the filter file). Run once per
 * process by PolicyBenchmark.php; prints one JSON object.
 *
 *   php runScript.php benches/php/FirstCommonCheck.php --side core|native
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Benches;

use MediaWiki\Extension\NativePasswordPolicy\Compat\ClassAliases;
use MediaWiki\Extension\NativePasswordPolicy\Policy\CommonPasswordsFile;
use MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\NativePolicyChecks;
use MediaWiki\Maintenance\Maintenance;
use MediaWiki\MediaWikiServices;

require_once getenv( 'MW_INSTALL_PATH' ) !== false
	? getenv( 'MW_INSTALL_PATH' ) . '/maintenance/Maintenance.php'
	: '/usr/share/mediawiki/maintenance/Maintenance.php';
// Core's namespaced class names on MediaWiki 1.39 too, before this file declares its class.
require_once __DIR__ . '/../../php/Compat/ClassAliases.php';
ClassAliases::register();
require_once __DIR__ . '/Sampler.php';

class FirstCommonCheck extends Maintenance {

	/**
	 * Every class either side's first check touches. They are compiled before the timed call,
	 * as opcache has them compiled in a web request: the call then pays what a request pays.
	 */
	private const CLASSES = [
		\Wikimedia\CommonPasswords\CommonPasswords::class,
		NativePolicyChecks::class,
		CorePolicyChecks::class,
		\MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine::class,
		\MediaWiki\Extension\NativePasswordPolicy\NativeModule::class,
		\StatusValue::class,
		\MediaWiki\Status\Status::class,
	];

	/** The Bloom filter classes core's list uses up to wikimedia/common-passwords 0.4 (MediaWiki 1.39). */
	private const BLOOM_FILTER_CLASSES = [
		\Pleo\BloomFilter\BloomFilter::class,
		\Pleo\BloomFilter\BitArray::class,
		\Pleo\BloomFilter\HasherList::class,
	];

	public function __construct() {
		parent::__construct();
		$this->addDescription( 'Time the first common-password check of this process' );
		$this->addOption( 'side', 'core or native', true, true );
		$this->addOption( 'password', 'Password to check (default: a common one)', false, true );
	}

	public function execute() {
		$side = $this->getOption( 'side' );
		if ( $side !== 'core' && $side !== 'native' ) {
			$this->fatalError( '--side must be core or native' );
		}
		// Core's class of checks (CorePolicyChecks finds it by either name).
		$classes = array_merge( self::CLASSES, [ CorePolicyChecks::coreCallable( 'PasswordNotInCommonList' )[0] ] );
		if ( !str_ends_with( CommonPasswordsFile::locate(), '.php' ) ) {
			$classes = array_merge( $classes, self::BLOOM_FILTER_CLASSES );
		}
		foreach ( $classes as $class ) {
			if ( !class_exists( $class ) ) {
				$this->fatalError( "Class $class not found" );
			}
		}
		$user = MediaWikiServices::getInstance()->getUserFactory()->newFromName( 'Example User' );
		$user->getName();
		$password = $this->getOption( 'password', 'password' );
		$check = $side === 'core'
			? CorePolicyChecks::coreCallable( 'PasswordNotInCommonList' )
			: NativePolicyChecks::callableFor( 'PasswordNotInCommonList' );

		$cpu = Sampler::cpuNs();
		$start = hrtime( true );
		$status = $check( true, $user, $password );
		$first = hrtime( true ) - $start;
		$firstCpu = Sampler::cpuNs() - $cpu;
		$start = hrtime( true );
		$check( true, $user, $password );
		$second = hrtime( true ) - $start;

		$this->output( json_encode( [
			'side' => $side,
			'firstNs' => $first,
			'disturbed' => Sampler::disturbed( $first, $firstCpu ),
			'secondNs' => $second,
			'common' => !$status->isGood(),
			'pid' => getmypid(),
		] ) . "\n" );
	}
}

$maintClass = FirstCommonCheck::class;
require_once RUN_MAINTENANCE_IF_MAIN;
