<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Hooks;

use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWiki\Extension\NativePasswordPolicy\Setup\ModuleStatus;
use MediaWiki\Hook\SoftwareInfoHook;
use MediaWiki\Message\Converter;

/**
 * Adds the native module to Special:Version's "Installed software": its version and build,
 * or what is wrong with it (not loaded, another version than the extension's files).
 */
class SoftwareInfoHandler implements SoftwareInfoHook {

	public function __construct( private readonly ModuleStatus $status ) {
	}

	/** @inheritDoc */
	public function onSoftwareInfo( &$software ) {
		$name = wfMessage( 'nativepasswordpolicy-software-module', NativeModule::NAME )->text();
		$software[$name] = $this->describe();
	}

	/**
	 * @return string Wikitext: the build, then each problem as an error
	 */
	private function describe(): string {
		$parts = [];
		$build = $this->status->describeBuild();
		if ( $build !== null ) {
			$parts[] = wfEscapeWikiText( $build );
		}
		$converter = new Converter();
		foreach ( $this->status->problems() as $problem ) {
			$parts[] = '<span class="error">'
				. $converter->convertMessageValue( $problem )->escaped() . '</span>';
		}
		return implode( '<br />', $parts );
	}
}
