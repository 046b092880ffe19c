<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Install;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ApiClient;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;
use PHPUnit\Framework\TestCase;

/**
 * The README's install steps, run for real into a fresh PHP configuration, each followed by a
 * fresh wiki whose PHP loads the module only through the installed ini file, checked end to end
 * over HTTP, then uninstalled. Runs inside tests/install/run.sh's private mount namespace.
 *
 * @coversNothing
 */
class InstallTest extends TestCase {

	private const REPO = __DIR__ . '/../..';
	private const MODULE = 'native_password_policy';
	private const PHP_VERSION = PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION;
	/** Debian's MediaWiki, where the install script and the Debian package put the extension. */
	private const DEBIAN_CORE = '/usr/share/mediawiki';
	private const SYSTEM_EXTENSION = self::DEBIAN_CORE . '/extensions/NativePasswordPolicy';

	protected function setUp(): void {
		$mounts = (string)file_get_contents( '/proc/self/mountinfo' );
		$this->assertTrue( getenv( 'NPP_INSTALL_SANDBOX' ) === '1' && str_contains( $mounts, ' /etc/php ' ),
			'Run the install test through tests/install/run.sh: it installs into /etc/php and /usr/lib/php, '
				. 'which only its private mount namespace makes safe' );
		$this->assertFalse( $this->phpLoadsModule(), 'the PHP configuration starts without the module' );
	}

	/**
	 * README "Installing": `scripts/install.sh` as root, then wfLoadExtension(), then uninstall.
	 */
	public function testInstallFromSource(): void {
		[ $code, $out ] = $this->command( [ 'bash', self::REPO . '/scripts/install.sh' ] );
		$this->assertSame( 0, $code, $out );
		$this->assertStringContainsString( "wfLoadExtension( 'NativePasswordPolicy' );", $out );

		$this->assertModuleInstalledForEverySapi();
		$this->assertStringContainsString( 'extension=' . self::MODULE . "\n",
			file_get_contents( $this->systemIni() ), 'the module is named, found in PHP\'s extension directory' );

		$wiki = ThrowawayWiki::start( [ 'core' => self::DEBIAN_CORE, 'extension' => false, 'settings' => "wfLoadExtension( 'NativePasswordPolicy' );" ] );
		try {
			$this->assertWikiUsesTheModule( $wiki );
			// The installed maintenance scripts run too.
			[ $code, $out, $err ] = $wiki->php( [ self::DEBIAN_CORE . '/maintenance/runScript.php',
				self::SYSTEM_EXTENSION . '/maintenance/checkPassword.php', '--user', ThrowawayWiki::ADMIN_USER ], "password\n" );
			$this->assertSame( 2, $code, $out . $err );
			$this->assertStringContainsString( 'passwordincommonlist', $out );

			// The breach corpus builder is installed where buildBreachCorpus.php finds it.
			$this->assertTrue( is_executable( self::SYSTEM_EXTENSION . '/bin/npp-breach-corpus' ) );
			$corpus = $wiki->dir() . '/breach.npp';
			[ $code, $out, $err ] = $wiki->php( [ self::DEBIAN_CORE . '/maintenance/runScript.php',
				self::SYSTEM_EXTENSION . '/maintenance/buildBreachCorpus.php', '--input', '-', '--output', $corpus ],
				"hunter2-installed\ncorrect-horse-installed\n" );
			$this->assertSame( 0, $code, $out . $err );
			$this->assertFileExists( $corpus );
		} finally {
			$wiki->stop();
		}

		[ $code, $out ] = $this->command( [ 'bash', self::REPO . '/scripts/install.sh', 'uninstall' ] );
		$this->assertSame( 0, $code, $out );
		$this->assertFalse( $this->phpLoadsModule() );
		$this->assertFileDoesNotExist( $this->systemIni() );
		$this->assertFileDoesNotExist( PHP_EXTENSION_DIR . '/' . self::MODULE . '.so' );
		$this->assertDirectoryDoesNotExist( self::SYSTEM_EXTENSION );
		$this->assertSame( [], glob( '/etc/php/' . self::PHP_VERSION . '/*/conf.d/*' . self::MODULE . '.ini' ) );
	}

	/**
	 * README "Debian package": `scripts/build-deb.sh`, `dpkg -i`, then purge.
	 */
	public function testDebianPackage(): void {
		[ $code, $out ] = $this->command( [ 'bash', self::REPO . '/scripts/build-deb.sh', '--no-build',
			'--out', sys_get_temp_dir() . '/npp-install-test-deb' ] );
		$this->assertSame( 0, $code, $out );
		$deb = trim( substr( $out, strrpos( rtrim( $out ), "\n" ) ?: 0 ) );
		$this->assertStringEndsWith( '.deb', $deb );

		[ $code, $out ] = $this->command( [ 'dpkg', '-i', $deb ] );
		unlink( $deb );
		$this->assertSame( 0, $code, $out );
		$this->assertModuleInstalledForEverySapi();
		[ , $status ] = $this->command( [ 'dpkg-query', '-W', '-f=${Status} ${Version}', 'mediawiki-extension-nativepasswordpolicy' ] );
		$this->assertSame( 'install ok installed ' . self::version() . '-1', $status );

		$wiki = ThrowawayWiki::start( [ 'core' => self::DEBIAN_CORE, 'extension' => false, 'settings' => "wfLoadExtension( 'NativePasswordPolicy' );" ] );
		try {
			$this->assertWikiUsesTheModule( $wiki );
		} finally {
			$wiki->stop();
		}

		[ $code, $out ] = $this->command( [ 'dpkg', '--purge', 'mediawiki-extension-nativepasswordpolicy' ] );
		$this->assertSame( 0, $code, $out );
		$this->assertFalse( $this->phpLoadsModule() );
		$this->assertFileDoesNotExist( $this->systemIni() );
		$this->assertDirectoryDoesNotExist( self::SYSTEM_EXTENSION );
	}

	/**
	 * `scripts/install.sh --prefix DIR`: nothing in the system's directories; PHP loads the module
	 * through PHP_INI_SCAN_DIR, MediaWiki finds the extension through $wgExtensionDirectory.
	 */
	public function testInstallIntoAPrefix(): void {
		$prefix = sys_get_temp_dir() . '/npp-install-prefix-' . bin2hex( random_bytes( 4 ) );
		[ $code, $out ] = $this->command( [ 'bash', self::REPO . '/scripts/install.sh', '--no-build', '--prefix', $prefix ] );
		$this->assertSame( 0, $code, $out );
		$this->assertFalse( $this->phpLoadsModule(), 'a prefix install enables nothing in the system' );
		$iniDir = "$prefix/etc/php/" . self::PHP_VERSION . '/mods-available';
		$this->assertStringContainsString( "PHP_INI_SCAN_DIR=:$iniDir", $out );
		$this->assertStringContainsString( "extension=$prefix/lib/php/", file_get_contents( "$iniDir/" . self::MODULE . '.ini' ) );

		// The wiki's server inherits this environment.
		putenv( "PHP_INI_SCAN_DIR=:$iniDir" );
		try {
			$this->assertTrue( $this->phpLoadsModule() );
			$wiki = ThrowawayWiki::start( [ 'core' => self::DEBIAN_CORE, 'extension' => false, 'settings' => implode( "\n", [
				'$wgExtensionDirectory = ' . var_export( "$prefix/share/mediawiki/extensions", true ) . ';',
				"wfLoadExtension( 'NativePasswordPolicy' );",
			] ) ] );
			try {
				$this->assertWikiUsesTheModule( $wiki );
			} finally {
				$wiki->stop();
			}
		} finally {
			putenv( 'PHP_INI_SCAN_DIR' );
		}
		[ $code, $out ] = $this->command( [ 'bash', self::REPO . '/scripts/install.sh', 'uninstall', '--prefix', $prefix ] );
		$this->assertSame( 0, $code, $out );
		[ , $left ] = $this->command( [ 'find', $prefix, '-type', 'f' ] );
		$this->assertSame( '', $left, 'uninstall removes every file it installed' );
		$this->command( [ 'rm', '-rf', '--', $prefix ] );
	}

	private function assertModuleInstalledForEverySapi(): void {
		$this->assertTrue( $this->phpLoadsModule(), 'php -m lists the module' );
		foreach ( glob( '/etc/php/' . self::PHP_VERSION . '/{cli,fpm,apache2}', GLOB_BRACE ) as $sapi ) {
			$this->assertFileExists( "$sapi/conf.d/20-" . self::MODULE . '.ini', "enabled for $sapi" );
		}
		[ $code, $ri ] = $this->command( [ PHP_BINARY, '--ri', self::MODULE ] );
		$this->assertSame( 0, $code );
		$this->assertStringContainsString( 'version => ' . self::version(), $ri );
		$this->assertMatchesRegularExpression( '/^commit => ([0-9a-f]{12}|unknown)$/m', $ri );
		$this->assertStringContainsString( 'profile => release', $ri );
	}

	/**
	 * The wiki runs the extension on the module loaded by PHP's configuration: Special:Version
	 * lists both, and action=validatepassword refuses "password" as common.
	 */
	private function assertWikiUsesTheModule( ThrowawayWiki $wiki ): void {
		$page = ( new ApiClient( $wiki->url() . '/index.php' ) )->request( 'GET', [], [ 'title' => 'Special:Version' ] );
		$this->assertSame( 200, $page['status'] );
		$html = $page['body'];
		$this->assertMatchesRegularExpression( '/<a [^>]*>NativePasswordPolicy<\/a>/', $html, 'extension row' );
		$this->assertStringContainsString( 'Native password policy module (native_password_policy)', $html );
		$this->assertMatchesRegularExpression( '/' . preg_quote( self::version(), '/' )
			. ' \(commit [0-9a-f]+, rustc 1\.\d+\.\d+, release, /', $html );
		$this->assertStringNotContainsString( 'class="error"', $html );

		$answer = $wiki->client()->post( [ 'action' => 'validatepassword', 'password' => 'password', 'formatversion' => 2 ] );
		$this->assertSame( 'Change', $answer['validatepassword']['validity'] ?? null, json_encode( $answer ) );
		$this->assertSame( [ 'passwordincommonlist' ],
			array_column( $answer['validatepassword']['validitymessages'], 'code' ) );
		$good = $wiki->client()->post( [ 'action' => 'validatepassword', 'password' => 'Correct-Horse-Battery-77',
			'formatversion' => 2 ] );
		$this->assertSame( 'Good', $good['validatepassword']['validity'] ?? null, json_encode( $good ) );
	}

	private function phpLoadsModule(): bool {
		[ , $modules ] = $this->command( [ PHP_BINARY, '-m' ] );
		return in_array( self::MODULE, explode( "\n", $modules ), true );
	}

	/** The version of this checkout (extension.json), which the installed module must report */
	private static function version(): string {
		return json_decode( (string)file_get_contents( self::REPO . '/extension.json' ), true )['version'];
	}

	private function systemIni(): string {
		return '/etc/php/' . self::PHP_VERSION . '/mods-available/' . self::MODULE . '.ini';
	}

	/**
	 * @param string[] $command
	 * @return array{0:int,1:string} Exit code, stdout and stderr together
	 */
	private function command( array $command ): array {
		$process = proc_open( $command, [ 0 => [ 'file', '/dev/null', 'r' ], 1 => [ 'pipe', 'w' ], 2 => [ 'redirect', 1 ] ],
			$pipes, self::REPO );
		$out = stream_get_contents( $pipes[1] );
		fclose( $pipes[1] );
		return [ proc_close( $process ), (string)$out ];
	}
}

