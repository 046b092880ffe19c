<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Module;

use NativePasswordPolicy\Engine;
use PHPUnit\Framework\Attributes\CoversNothing;
use PHPUnit\Framework\TestCase;

/**
 * What the module tells operators about itself: its build, and the files this process loaded
 * (Engine::buildInfo(), Engine::loadedFiles(), `php --ri native_password_policy`).
 *
 * @coversNothing
 */
#[CoversNothing]
class ModuleInfoTest extends TestCase {

	private const COMMON_FILE = '/usr/share/mediawiki/vendor/wikimedia/common-passwords/src/CommonPasswords/common-x64.json';

	public function testBuildInfo(): void {
		$info = Engine::buildInfo();
		$this->assertSame( [ 'version', 'commit', 'rustc', 'profile', 'target', 'phpApi' ], array_keys( $info ) );
		$this->assertSame( phpversion( 'native_password_policy' ), $info['version'] );
		$this->assertMatchesRegularExpression( '/^([0-9a-f]{7,40}|unknown)$/', $info['commit'] );
		$this->assertStringStartsWith( 'rustc 1.', $info['rustc'] );
		$this->assertSame( 'release', $info['profile'] );
		$this->assertSame( PHP_OS_FAMILY === 'Linux', str_contains( $info['target'], 'linux' ) );
		$this->assertMatchesRegularExpression( '/^20\d{6}$/', $info['phpApi'] );
	}

	public function testLoadedFilesListsWhatThisProcessLoaded(): void {
		$dir = sys_get_temp_dir() . '/npp-module-info-' . getmypid();
		@mkdir( $dir );
		$words = "$dir/words.txt";
		$broken = "$dir/broken-corpus.npp";
		file_put_contents( $words, "alpha\nbeta\ngamma\n" );
		file_put_contents( $broken, 'not a corpus' );
		try {
			$engine = new Engine( json_encode( [
				'commonPasswordsFile' => self::COMMON_FILE,
				'wordLists' => [ [ 'path' => $words ] ],
				'breachCorpusFile' => $broken,
			] ) );
			$this->assertCount( 1, $engine->problems() );
			$files = [];
			foreach ( Engine::loadedFiles() as $file ) {
				$files[$file['path']] = $file;
			}

			$common = $files[self::COMMON_FILE];
			$this->assertSame( 'common passwords', $common['kind'] );
			$this->assertSame( filesize( self::COMMON_FILE ), $common['bytes'] );
			$this->assertNull( $common['entries'], 'a Bloom filter does not know its entries' );
			$this->assertStringContainsString( '20 hashers', $common['detail'] );
			$this->assertNull( $common['error'] );

			$this->assertSame( [ 'kind' => 'word list', 'path' => $words, 'bytes' => 17, 'entries' => 3 ],
				array_intersect_key( $files[$words], array_flip( [ 'kind', 'path', 'bytes', 'entries' ] ) ) );

			$this->assertSame( 'breach corpus', $files[$broken]['kind'] );
			$this->assertNull( $files[$broken]['detail'] );
			$this->assertStringContainsString( $broken, $files[$broken]['error'] );
		} finally {
			array_map( 'unlink', [ $words, $broken ] );
			rmdir( $dir );
		}
	}

	public function testPhpRiShowsTheBuild(): void {
		$module = $this->loadedModulePath();
		exec( escapeshellarg( PHP_BINARY ) . ' -n -d ' . escapeshellarg( "extension=$module" )
			. ' --ri native_password_policy', $lines, $code );
		$this->assertSame( 0, $code, implode( "\n", $lines ) );
		$text = implode( "\n", $lines );
		$info = Engine::buildInfo();
		foreach ( [ 'version', 'commit', 'rustc', 'profile', 'target' ] as $field ) {
			$this->assertStringContainsString( "$field => {$info[$field]}", $text );
		}
		$this->assertStringContainsString( 'files loaded by this process => none yet', $text );
	}

	private function loadedModulePath(): string {
		$module = getenv( 'NPP_MODULE' );
		return is_string( $module ) && is_file( $module ) ? $module : dirname( __DIR__, 2 ) . '/target/release/libnative_password_policy.so';
	}
}
