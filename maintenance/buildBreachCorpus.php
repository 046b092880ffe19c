<?php
/**
 * Builds the breach corpus file of the PasswordNotInBreachCorpus check from breach lists, with
 * the extension's command-line builder npp-breach-corpus (a Rust binary built with the module:
 * target/release/npp-breach-corpus). The builder streams its inputs, shows its progress (rate
 * and ETA) on the terminal and writes the new file next to the old one, then renames it over
 * it, so that PHP workers that have mapped the old file keep reading it safely.
 *
 *   php maintenance/buildBreachCorpus.php --input pwned-passwords-sha1-ordered-by-count-v8.txt --min-count 10
 *   zcat leaked.txt.gz | php maintenance/buildBreachCorpus.php --output /srv/npp/corpus.npp --format plain
 *
 * Inputs: plain passwords one per line, or SHA-1 hex digests one per line with an optional
 * `:COUNT` (the Pwned Passwords downloads); `--format auto` decides per input. Without
 * --output, the file of $wgNativePasswordPolicyBreachCorpusFile is written.
 *
 * The builder is looked for in this order: --binary, bin/ of the extension's directory (where
 * scripts/install.sh and the Debian package put it), target/release/ (a source checkout), then
 * PATH. The exit code is the builder's: 0 built, 1 failed (unreadable or
 * invalid input, no room), 2 wrong options; 1 too when the builder cannot be found.
 *
 * @license GPL-2.0-or-later
 * @file
 */

namespace MediaWiki\Extension\NativePasswordPolicy\Maintenance;

use MediaWiki\Extension\NativePasswordPolicy\Compat\ClassAliases;
use MediaWiki\Maintenance\Maintenance;

$IP = getenv( 'MW_INSTALL_PATH' );
if ( $IP === false ) {
	$IP = __DIR__ . '/../../..';
}
require_once "$IP/maintenance/Maintenance.php";
// Core's namespaced class names on MediaWiki 1.39 too, before this file declares its class.
require_once __DIR__ . '/../php/Compat/ClassAliases.php';
ClassAliases::register();

class BuildBreachCorpus extends Maintenance {

	public const BUILDER = 'npp-breach-corpus';

	public function __construct() {
		parent::__construct();
		$this->requireExtension( 'NativePasswordPolicy' );
		$this->addDescription( 'Build the breach corpus file of the PasswordNotInBreachCorpus check from breach '
			. 'lists (plain passwords, or SHA-1[:COUNT] lines as in the Pwned Passwords downloads) with the '
			. self::BUILDER . ' builder. Exit code: the builder\'s (0 built, 1 failed, 2 wrong options).' );
		$this->addOption( 'input', 'A breach list; - for standard input (repeatable; default: standard input)',
			false, true, 'i', true );
		$this->addOption( 'output', 'The corpus file to write (default: $wgNativePasswordPolicyBreachCorpusFile); '
			. 'written next to it, then renamed over it', false, true, 'o' );
		$this->addOption( 'format', 'Line format of the inputs: auto (default, decided per input), plain, sha1',
			false, true, 'f' );
		$this->addOption( 'min-count', 'Leave out passwords seen fewer than N times (counts summed over the '
			. 'inputs; default 1)', false, true, 'm' );
		$this->addOption( 'threads', 'Worker threads (default: one per core)', false, true, 'j' );
		$this->addOption( 'temp-dir', 'Directory for temporary files, 12 bytes per input line (default: next '
			. 'to the output)', false, true );
		$this->addOption( 'quiet', 'No progress and no summary' );
		$this->addOption( 'binary', 'The ' . self::BUILDER . ' program (default: bin/ or target/release/ of the '
			. 'extension, then PATH)', false, true );
	}

	public function execute() {
		$configured = $this->getConfig()->get( 'NativePasswordPolicyBreachCorpusFile' );
		$output = $this->getOption( 'output' ) ?? $configured;
		if ( !is_string( $output ) || $output === '' ) {
			$this->fatalError( 'Give the corpus file with --output FILE, or set $wgNativePasswordPolicyBreachCorpusFile.' );
		}
		$builder = $this->findBuilder();

		$command = [ $builder, 'build', '--output', $output ];
		foreach ( [ 'format', 'min-count', 'threads', 'temp-dir' ] as $option ) {
			if ( $this->hasOption( $option ) ) {
				array_push( $command, "--$option", (string)$this->getOption( $option ) );
			}
		}
		if ( $this->hasOption( 'quiet' ) ) {
			$command[] = '--quiet';
		}
		// Options end here: an input named like an option is still an input.
		$command[] = '--';
		array_push( $command, ...( $this->getOption( 'input' ) ?? [] ) );

		$code = $this->runBuilder( $command );
		if ( $code === 0 && !$this->hasOption( 'quiet' ) && $output !== $configured ) {
			$this->output( "To use it: \$wgNativePasswordPolicyBreachCorpusFile = " . var_export( $output, true )
				. "; and the policy PasswordNotInBreachCorpus.\n" );
		}
		if ( $code !== 0 ) {
			exit( $code );
		}
	}

	/**
	 * The builder: --binary, else the one installed or built with this extension, else PATH's.
	 */
	private function findBuilder(): string {
		$given = $this->getOption( 'binary' );
		if ( $given !== null ) {
			if ( !is_file( $given ) || !is_executable( $given ) ) {
				$this->fatalError( "--binary $given is not an executable file." );
			}
			return $given;
		}
		$candidates = [
			dirname( __DIR__ ) . '/bin/' . self::BUILDER,
			dirname( __DIR__ ) . '/target/release/' . self::BUILDER,
		];
		foreach ( explode( PATH_SEPARATOR, (string)getenv( 'PATH' ) ) as $dir ) {
			if ( $dir !== '' ) {
				$candidates[] = "$dir/" . self::BUILDER;
			}
		}
		foreach ( $candidates as $candidate ) {
			if ( is_file( $candidate ) && is_executable( $candidate ) ) {
				return $candidate;
			}
		}
		$this->fatalError( 'Cannot find ' . self::BUILDER . ': build it with `cargo build --release` in the '
			. 'extension\'s directory, put it on PATH, or give it with --binary.' );
	}

	/**
	 * Runs the builder on this process's own standard input, output and error, so that its
	 * progress bar reaches the terminal as it is drawn.
	 *
	 * @param string[] $command
	 * @return int The builder's exit code
	 */
	private function runBuilder( array $command ): int {
		$process = proc_open( $command, [ 0 => STDIN, 1 => STDOUT, 2 => STDERR ], $pipes );
		if ( !is_resource( $process ) ) {
			$this->fatalError( "Cannot run {$command[0]}." );
		}
		return proc_close( $process );
	}
}

$maintClass = BuildBreachCorpus::class;
require_once RUN_MAINTENANCE_IF_MAIN;
