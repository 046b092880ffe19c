<?php
/**
 * The work of one password check, for benches/instructions.sh to count with callgrind: a user's
 * effective policy checked N times in one of three ways, with nothing else in the loop.
 *
 *   php maintenance/runScript.php benches/php/instructions.php --way core|extension|evaluation
 *       [--groups sysop,bot] [--iterations 1000] [--password ...]
 *
 *   core        core's callables of the policy, one after the other (what UserPasswordPolicy calls)
 *   extension   the extension's callables, after the policy is handed over as its
 *               PasswordPoliciesForUser handler does (one native evaluation, then the verdict)
 *   evaluation  the bare module call of that evaluation (Engine::evaluatePolicy)
 *
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Benches;

use MediaWiki\Extension\NativePasswordPolicy\Compat\ClassAliases;
use MediaWiki\Extension\NativePasswordPolicy\Policy\CorePolicyChecks;
use MediaWiki\Maintenance\Maintenance;
use MediaWiki\MediaWikiServices;
use MediaWiki\Password\UserPasswordPolicy;

require_once getenv( 'MW_INSTALL_PATH' ) . '/maintenance/Maintenance.php';
// Core's namespaced class names on MediaWiki 1.39 too, before this file declares its class.
require_once __DIR__ . '/../../php/Compat/ClassAliases.php';
ClassAliases::register();

class PolicyInstructions extends Maintenance {

	public function __construct() {
		parent::__construct();
		$this->addDescription( 'Check a policy N times one way, for an instruction count' );
		$this->addOption( 'way', 'core, extension or evaluation', true, true );
		$this->addOption( 'groups', 'The user\'s groups, comma-separated (default none)', false, true );
		$this->addOption( 'iterations', 'Checks of the policy (default 1000)', false, true );
		$this->addOption( 'password', 'The password (default a good one)', false, true );
	}

	public function execute() {
		$services = MediaWikiServices::getInstance();
		$user = $services->getUserFactory()->newFromName( 'Example' );
		$config = $services->getMainConfig()->get( 'PasswordPolicy' );
		$groups = array_filter( explode( ',', (string)$this->getOption( 'groups', '' ) ) );
		$policy = UserPasswordPolicy::getPoliciesForGroups( $config['policies'], $groups, $config['policies']['default'] );
		$values = array_map( static fn ( $settings ) => is_array( $settings ) ? $settings['value'] : $settings, $policy );
		$password = (string)$this->getOption( 'password', 'Correct-Horse-Battery-77' );
		$iterations = (int)$this->getOption( 'iterations', 1000 );
		$engine = $services->get( 'NativePasswordPolicy.PolicyEngine' );
		switch ( $this->getOption( 'way' ) ) {
			case 'core':
				$checks = [];
				foreach ( $values as $name => $value ) {
					$checks[$name] = CorePolicyChecks::coreCallable( $name );
				}
				for ( $i = 0; $i < $iterations; $i++ ) {
					foreach ( $values as $name => $value ) {
						$checks[$name]( $value, $user, $password );
					}
				}
				break;
			case 'extension':
				$checks = $config['checks'];
				for ( $i = 0; $i < $iterations; $i++ ) {
					$handedOver = $policy;
					$engine->capture( $user, $handedOver );
					foreach ( $values as $name => $value ) {
						$checks[$name]( $value, $user, $password );
					}
				}
				break;
			case 'evaluation':
				$native = $services->get( 'NativePasswordPolicy.EngineProvider' )->get();
				$names = array_combine( array_keys( $policy ), array_keys( $policy ) );
				for ( $i = 0; $i < $iterations; $i++ ) {
					$native->evaluatePolicy( 'Example', $password, $policy, $names );
				}
				break;
			default:
				$this->fatalError( '--way must be core, extension or evaluation' );
		}
		$this->output( count( $values ) . "\n" );
	}
}

$maintClass = PolicyInstructions::class;
require_once RUN_MAINTENANCE_IF_MAIN;
