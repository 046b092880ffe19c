<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Hooks;

use MediaWiki\Extension\NativePasswordPolicy\Audit\AuditCounter;
use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine;
use MediaWiki\Extension\NativePasswordPolicy\Setup\ModuleStatus;
use MediaWiki\Hook\SoftwareInfoHook;
use MediaWiki\Message\Converter;
use Wikimedia\Message\MessageValue;

/**
 * Adds the native module to Special:Version's "Installed software": its version and build,
 * or what is wrong with the setup (module not loaded or of another version, invalid settings,
 * files the engine could not read) and how to fix it.
 */
class SoftwareInfoHandler implements SoftwareInfoHook {

	/**
	 * @param ModuleStatus $status
	 * @param PolicyEngine|null $engine Its problems (unreadable lists, invalid engine settings) are shown too
	 * @param AuditCounter|null $audit The counts of the checks run in audit mode are shown too
	 */
	public function __construct(
		private readonly ModuleStatus $status,
		private readonly ?PolicyEngine $engine = null,
		private readonly ?AuditCounter $audit = null
	) {
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
		$problems = $this->status->problems();
		foreach ( $this->engine ? $this->engine->getProblems() : [] as $problem ) {
			$problems[] = MessageValue::new( 'nativepasswordpolicy-status-engine' )->plaintextParams( $problem );
		}
		foreach ( $problems as $problem ) {
			// Parsed (the messages hold <code>), with file names and settings as plain-text
			// parameters, so nothing in them is read as wikitext by the page around.
			$parts[] = '<span class="error">'
				. $converter->convertMessageValue( $problem )->parse() . '</span>';
		}
		$parts = array_merge( $parts, $this->auditLines() );
		return implode( '<br />', $parts );
	}

	/**
	 * @return string[] Wikitext: one line per audited check of a group, with its counts by event
	 */
	private function auditLines(): array {
		$byCheck = [];
		foreach ( $this->audit ? $this->audit->counts() : [] as $row ) {
			$byCheck[$row['group'] . "\0" . $row['check']][$row['event']] = $row['count'];
		}
		$lines = [];
		foreach ( $byCheck as $key => $counts ) {
			[ $group, $check ] = explode( "\0", $key, 2 );
			$lines[] = wfMessage( 'nativepasswordpolicy-status-audit' )
				->plaintextParams( $check, $group )
				->numParams( $counts['login'] ?? 0, $counts['change'] ?? 0, $counts['create'] ?? 0 )
				->parse();
		}
		return $lines;
	}
}
