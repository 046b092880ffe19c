<?php
/**
 * Services of the NativePasswordPolicy extension.
 *
 * @license GPL-2.0-or-later
 * @file
 */

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\NativePasswordPolicy\Auth\TemporaryPasswordGenerator;
use MediaWiki\Extension\NativePasswordPolicy\Policy\BeyondCoreChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\PasswordValidator;
use MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine;
use MediaWiki\Extension\NativePasswordPolicy\Reset\DeferredPasswordReset;
use MediaWiki\Extension\NativePasswordPolicy\Reset\ResetAttemptCounter;
use MediaWiki\Extension\NativePasswordPolicy\Reset\ResetWorkEqualizer;
use MediaWiki\Extension\NativePasswordPolicy\Setup\ModuleStatus;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MediaWikiServices;
use Wikimedia\CommonPasswords\CommonPasswords;

/** @phpcs-require-sorted-array */
return [
	'NativePasswordPolicy.DeferredPasswordReset' => static function (
		MediaWikiServices $services
	): DeferredPasswordReset {
		return new DeferredPasswordReset(
			new ServiceOptions( DeferredPasswordReset::CONSTRUCTOR_OPTIONS, $services->getMainConfig() ),
			$services->getPasswordReset(),
			$services->getUserNameUtils(),
			$services->getDBLoadBalancer(),
			$services->get( 'NativePasswordPolicy.ResetAttemptCounter' ),
			$services->get( 'NativePasswordPolicy.ResetWorkEqualizer' ),
			LoggerFactory::getInstance( 'NativePasswordPolicy' )
		);
	},
	'NativePasswordPolicy.ModuleStatus' => static function ( MediaWikiServices $services ): ModuleStatus {
		return ModuleStatus::detect( (bool)$services->getMainConfig()->get( 'NativePasswordPolicyAllowCoreFallback' ) );
	},
	'NativePasswordPolicy.PasswordValidator' => static function ( MediaWikiServices $services ): PasswordValidator {
		return new PasswordValidator(
			new ServiceOptions( PasswordValidator::CONSTRUCTOR_OPTIONS, $services->getMainConfig() ),
			$services->get( 'NativePasswordPolicy.PolicyEngine' ),
			$services->getUserGroupManager(),
			$services->getUserFactory(),
			$services->getHookContainer()
		);
	},
	'NativePasswordPolicy.PolicyEngine' => static function ( MediaWikiServices $services ): PolicyEngine {
		// The file core's own CommonPasswords class reads, so that answers are identical on every
		// release: 1.43's exact list (common.php beside the class) or 1.39's Bloom filter
		// (common-x64.json beside the class, one directory down); the module tells them apart by
		// their content. Looked for where Composer installs the package first: reflection would
		// load core's class on every request just to find its directory.
		$commonPasswordsFile = null;
		$name = PHP_INT_SIZE === 8 ? 'common-x64.json' : 'common-x86.json';
		$package = MW_INSTALL_PATH . '/vendor/wikimedia/common-passwords/src';
		foreach ( [ "$package/common.php", "$package/CommonPasswords/$name" ] as $candidate ) {
			if ( is_file( $candidate ) ) {
				$commonPasswordsFile = $candidate;
				break;
			}
		}
		if ( $commonPasswordsFile === null ) {
			$dir = dirname( ( new ReflectionClass( CommonPasswords::class ) )->getFileName() );
			$commonPasswordsFile = is_file( "$dir/common.php" ) ? "$dir/common.php" : "$dir/$name";
		}
		return new PolicyEngine(
			[ 'commonPasswordsFile' => $commonPasswordsFile ] + BeyondCoreChecks::engineConfig( $services->getMainConfig() ),
			$services->getUserFactory(),
			static fn () => LoggerFactory::getInstance( 'NativePasswordPolicy' ),
			(bool)$services->getMainConfig()->get( 'NativePasswordPolicyAllowCoreFallback' )
		);
	},
	'NativePasswordPolicy.ResetAttemptCounter' => static function (): ResetAttemptCounter {
		return new ResetAttemptCounter();
	},
	'NativePasswordPolicy.ResetWorkEqualizer' => static function ( MediaWikiServices $services ): ResetWorkEqualizer {
		return new ResetWorkEqualizer(
			$services->getLocalServerObjectCache(),
			$services->getPasswordFactory(),
			$services->getMainConfig()->get( 'NativePasswordPolicyResetEqualizeWork' )
				&& ResetWorkEqualizer::isTimedAt( MW_ENTRY_POINT )
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
