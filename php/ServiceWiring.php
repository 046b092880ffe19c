<?php
/**
 * Services of the NativePasswordPolicy extension.
 *
 * @license GPL-2.0-or-later
 * @file
 */

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\NativePasswordPolicy\Auth\TemporaryPasswordGenerator;
use MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine;
use MediaWiki\Extension\NativePasswordPolicy\Setup\ModuleStatus;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MediaWikiServices;
use Wikimedia\CommonPasswords\CommonPasswords;

/** @phpcs-require-sorted-array */
return [
	'NativePasswordPolicy.ModuleStatus' => static function (): ModuleStatus {
		return ModuleStatus::detect();
	},
	'NativePasswordPolicy.PolicyEngine' => static function ( MediaWikiServices $services ): PolicyEngine {
		// The same filter file core's CommonPasswords reads, so that answers are identical. It is
		// looked for where Composer installs it first: reflection would load core's class on
		// every request just to find its directory.
		$name = PHP_INT_SIZE === 8 ? 'common-x64.json' : 'common-x86.json';
		$commonPasswordsFile = MW_INSTALL_PATH . "/vendor/wikimedia/common-passwords/src/CommonPasswords/$name";
		if ( !is_file( $commonPasswordsFile ) ) {
			$commonPasswordsFile = dirname( ( new ReflectionClass( CommonPasswords::class ) )->getFileName() ) . "/$name";
		}
		return new PolicyEngine(
			[ 'commonPasswordsFile' => $commonPasswordsFile ],
			$services->getUserFactory(),
			static fn () => LoggerFactory::getInstance( 'NativePasswordPolicy' )
		);
	},
	'NativePasswordPolicy.TemporaryPasswordGenerator' => static function (
		MediaWikiServices $services
	): TemporaryPasswordGenerator {
		return new TemporaryPasswordGenerator(
			new ServiceOptions( TemporaryPasswordGenerator::CONSTRUCTOR_OPTIONS, $services->getMainConfig() ),
			$services->getService( 'NativePasswordPolicy.PolicyEngine' ),
			$services->getUserFactory(),
			LoggerFactory::getInstance( 'NativePasswordPolicy' )
		);
	},
];
