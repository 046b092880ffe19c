<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\Probe;

use MediaWiki\Api\ApiBase;
use MediaWiki\MediaWikiServices;
use ObjectCache;
use Wikimedia\ParamValidator\ParamValidator;

// 1.43's name of the class (its global name is a deprecated alias there); 1.39 has only the global one.
if ( !class_exists( ApiBase::class ) ) {
	class_alias( 'ApiBase', ApiBase::class );
}

/**
 * action=farmprobe of a ThrowawayFarm (never of a real wiki): what a test needs to see inside
 * the app server that answers. Every answer names that server (NPP_FARM_SERVER of its php-fpm
 * pool), the PHP process and SAPI, and whether the process has APCu; then, by op:
 *
 * - server: nothing more;
 * - set / get: stores or reads `value` under `key` in the main object cache ($wgMainCacheType,
 *   shared by every server of the farm);
 * - localset / localget: the same in the local-server cache (APCu: this server's memory only);
 * - pushjob: pushes a FarmProbeJob tagged `value` onto the job queue (not run here:
 *   $wgJobRunRate is 0).
 *
 * POST only, as every op but one writes.
 */
class ApiFarmProbe extends ApiBase {

	public function execute() {
		$params = $this->extractRequestParams();
		$services = MediaWikiServices::getInstance();
		$answer = FarmProbeJob::whereAmI();
		$op = $params['op'];
		if ( $op === 'set' || $op === 'get' ) {
			// 1.43 deprecates ObjectCache's static accessors for the factory it added.
			$cache = method_exists( $services, 'getObjectCacheFactory' )
				? $services->getObjectCacheFactory()->getLocalClusterInstance()
				: ObjectCache::getLocalClusterInstance();
			$answer['cache'] = get_class( $cache );
		} elseif ( $op === 'localset' || $op === 'localget' ) {
			$cache = $services->getLocalServerObjectCache();
			$answer['cache'] = get_class( $cache );
		}
		switch ( $op ) {
			case 'set':
			case 'localset':
				$answer['stored'] = $cache->set( $cache->makeKey( 'npp-farm-probe', $params['key'] ), $params['value'], 600 );
				break;
			case 'get':
			case 'localget':
				$value = $cache->get( $cache->makeKey( 'npp-farm-probe', $params['key'] ) );
				$answer['value'] = $value === false ? null : $value;
				break;
			case 'pushjob':
				$services->getJobQueueGroup()->push(
					new FarmProbeJob( [ 'tag' => $params['value'], 'pushedBy' => $answer ] )
				);
				$answer['pushed'] = true;
				break;
		}
		$this->getResult()->addValue( null, $this->getModuleName(), $answer );
	}

	public function mustBePosted() {
		return true;
	}

	public function isWriteMode() {
		return true;
	}

	public function isInternal() {
		return true;
	}

	protected function getAllowedParams() {
		return [
			'op' => [
				ParamValidator::PARAM_TYPE => [ 'server', 'set', 'get', 'localset', 'localget', 'pushjob' ],
				ParamValidator::PARAM_REQUIRED => true,
			],
			'key' => [
				ParamValidator::PARAM_TYPE => 'string',
				ParamValidator::PARAM_DEFAULT => 'probe',
			],
			'value' => [
				ParamValidator::PARAM_TYPE => 'string',
				ParamValidator::PARAM_DEFAULT => '',
			],
		];
	}
}
