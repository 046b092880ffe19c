<?php
/**
 * Services of the NativePasswordPolicy extension.
 *
 * @license GPL-2.0-or-later
 * @file
 */

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\NativePasswordPolicy\Audit\AuditCounter;
use MediaWiki\Extension\NativePasswordPolicy\Audit\AuditedChecks;
use MediaWiki\Extension\NativePasswordPolicy\Auth\TemporaryPasswordGenerator;
use MediaWiki\Extension\NativePasswordPolicy\History\PasswordHistory;
use MediaWiki\Extension\NativePasswordPolicy\Policy\BeyondCoreChecks;
use MediaWiki\Extension\NativePasswordPolicy\Policy\CheckProblems;
use MediaWiki\Extension\NativePasswordPolicy\Policy\CommonPasswordsFile;
use MediaWiki\Extension\NativePasswordPolicy\Policy\EngineProvider;
use MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine;
use MediaWiki\Extension\NativePasswordPolicy\Reset\ResetAccountLocks;
use MediaWiki\Extension\NativePasswordPolicy\Reset\ResetAttemptCounter;
use MediaWiki\Extension\NativePasswordPolicy\Reset\ResetDeployment;
use MediaWiki\Extension\NativePasswordPolicy\Reset\ResetRequestChecks;
use MediaWiki\Extension\NativePasswordPolicy\Setup\ModuleStatus;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MainConfigNames;
use MediaWiki\MediaWikiServices;

/** @phpcs-require-sorted-array */
return [
	'NativePasswordPolicy.AuditCounter' => static function ( MediaWikiServices $services ): AuditCounter {
		$audit = $services->getMainConfig()->get( 'NativePasswordPolicyAudit' );
		return new AuditCounter(
			$services->getMainObjectStash(),
			LoggerFactory::getInstance( 'NativePasswordPolicy' ),
			is_array( $audit ) ? $audit : []
		);
	},
	'NativePasswordPolicy.AuditedChecks' => static function ( MediaWikiServices $services ): AuditedChecks {
		return new AuditedChecks(
			$services->getService( 'NativePasswordPolicy.AuditCounter' ),
			$services->getUserGroupManager(),
			$services->getService( 'NativePasswordPolicy.PasswordHistory' ),
			$services->getMainConfig()->get( MainConfigNames::PasswordPolicy )['checks'] ?? []
		);
	},
	'NativePasswordPolicy.EngineProvider' => static function ( MediaWikiServices $services ): EngineProvider {
		return new EngineProvider(
			[ 'commonPasswordsFile' => CommonPasswordsFile::locate() ] + BeyondCoreChecks::engineConfig( $services->getMainConfig() ),
			static fn () => LoggerFactory::getInstance( 'NativePasswordPolicy' ),
			(bool)$services->getMainConfig()->get( 'NativePasswordPolicyAllowCoreFallback' )
		);
	},
	'NativePasswordPolicy.ModuleStatus' => static function ( MediaWikiServices $services ): ModuleStatus {
		return ModuleStatus::detect(
			(bool)$services->getMainConfig()->get( 'NativePasswordPolicyAllowCoreFallback' ),
			$services->get( 'NativePasswordPolicy.ResetDeployment' )->problems()
		);
	},
	'NativePasswordPolicy.PasswordHistory' => static function ( MediaWikiServices $services ): PasswordHistory {
		$passwordConfig = $services->getMainConfig()->get( MainConfigNames::PasswordConfig );
		return new PasswordHistory(
			$services->getDBLoadBalancer(),
			is_array( $passwordConfig['argon2'] ?? null ) ? $passwordConfig['argon2'] : []
		);
	},
	'NativePasswordPolicy.PolicyEngine' => static function ( MediaWikiServices $services ): PolicyEngine {
		$engines = $services->get( 'NativePasswordPolicy.EngineProvider' );
		return new PolicyEngine(
			$engines,
			new CheckProblems( $engines ),
			$services->getUserFactory(),
			$services->getMainConfig()->get( MainConfigNames::PasswordPolicy )['checks'] ?? []
		);
	},
	'NativePasswordPolicy.ResetAccountLocks' => static function ( MediaWikiServices $services ): ResetAccountLocks {
		return new ResetAccountLocks(
			$services->getDBLoadBalancer(),
			$services->getUserNameUtils(),
			LoggerFactory::getInstance( 'NativePasswordPolicy' )
		);
	},
	'NativePasswordPolicy.ResetAttemptCounter' => static function (): ResetAttemptCounter {
		return new ResetAttemptCounter();
	},
	'NativePasswordPolicy.ResetDeployment' => static function ( MediaWikiServices $services ): ResetDeployment {
		return new ResetDeployment(
			new ServiceOptions( ResetDeployment::CONSTRUCTOR_OPTIONS, $services->getMainConfig() ),
			static fn () => ResetDeployment::rateLimitStore( $services ),
			ResetDeployment::rateLimitStoreSetting( $services ),
			static fn () => $services->getPasswordReset()
		);
	},
	'NativePasswordPolicy.ResetRequestChecks' => static function ( MediaWikiServices $services ): ResetRequestChecks {
		return new ResetRequestChecks(
			new ServiceOptions( ResetRequestChecks::CONSTRUCTOR_OPTIONS, $services->getMainConfig() ),
			$services->getUserNameUtils(),
			ResetDeployment::rateLimitStore( $services ),
			LoggerFactory::getInstance( 'NativePasswordPolicy' )
		);
	},
	'NativePasswordPolicy.TemporaryPasswordGenerator' => static function (
		MediaWikiServices $services
	): TemporaryPasswordGenerator {
		return new TemporaryPasswordGenerator(
			new ServiceOptions( TemporaryPasswordGenerator::CONSTRUCTOR_OPTIONS, $services->getMainConfig() ),
			$services->getService( 'NativePasswordPolicy.PolicyEngine' ),
			$services->getUserFactory(),
			LoggerFactory::getInstance( 'NativePasswordPolicy' ),
			$services->getService( 'NativePasswordPolicy.PasswordHistory' )
		);
	},
];
