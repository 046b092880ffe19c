<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Hooks;

use MediaWiki\Api\ApiModuleManager;
use MediaWiki\Api\Hook\ApiMain__moduleManagerHook;
use MediaWiki\Config\Config;
use MediaWiki\Extension\NativePasswordPolicy\Api\ApiResetPassword;
use MediaWiki\Extension\NativePasswordPolicy\Api\ApiValidatePassword;
use ReflectionClass;

/**
 * Puts the extension's action=validatepassword and action=resetpassword in place of core's.
 *
 * A hook rather than extension.json's APIModules, so that `$wgNativePasswordPolicyApiModules`
 * can switch the replacement off (also per request, as tests do), and so that a module an
 * operator or another extension put in place of core's is left alone.
 */
class ApiModuleHandler implements ApiMain__moduleManagerHook {

	/**
	 * Object specs of the replacements, by the core class they replace.
	 */
	public const MODULES = [
		'validatepassword' => [
			'replaces' => \MediaWiki\Api\ApiValidatePassword::class,
			'spec' => [
				'class' => ApiValidatePassword::class,
				'services' => [
					'AuthManager',
					'UserFactory',
					'NativePasswordPolicy.ModuleStatus',
				],
			],
		],
		'resetpassword' => [
			'replaces' => \MediaWiki\Api\ApiResetPassword::class,
			'spec' => [
				'class' => ApiResetPassword::class,
				'services' => [
					'PasswordReset',
					'NativePasswordPolicy.ModuleStatus',
				],
			],
		],
	];

	public function __construct( private readonly Config $config ) {
	}

	/**
	 * @inheritDoc
	 * @param ApiModuleManager $moduleManager
	 */
	public function onApiMain__moduleManager( $moduleManager ) {
		if ( !$this->config->get( 'NativePasswordPolicyApiModules' ) ) {
			return;
		}
		foreach ( self::MODULES as $name => $module ) {
			if ( $moduleManager->isDefined( $name, 'action' )
				&& self::isSameClass( $moduleManager->getClassName( $name ), $module['replaces'] )
			) {
				$moduleManager->addModule( $name, 'action', $module['spec'] );
			}
		}
	}

	/**
	 * Whether two names denote the same class, through class aliases (core's API classes got
	 * namespaces after 1.39 and keep their old names as aliases). A subclass is another class.
	 */
	private static function isSameClass( string $name, string $expected ): bool {
		return class_exists( $name )
			&& ( new ReflectionClass( $name ) )->getName() === ( new ReflectionClass( $expected ) )->getName();
	}
}
