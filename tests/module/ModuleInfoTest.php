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
		$commonFile = CommonPasswordsFile::path();
		try {
			$engine = new Engine( json_encode( [
				'commonPasswordsFile' => $commonFile,
				'wordLists' => [ [ 'path' => $words ] ],
				'breachCorpusFile' => $broken,
			] ) );
			$this->assertCount( 1, $engine->problems() );
			$files = [];
			foreach ( Engine::loadedFiles() as $file ) {
				$files[$file['path']] = $file;
			}

			$common = $files[$commonFile];
			$this->assertSame( 'common passwords', $common['kind'] );
			$this->assertSame( filesize( $commonFile ), $common['bytes'] );
			$this->assertNull( $common['error'] );
			if ( CommonPasswordsFile::isExactList() ) {
				$count = count( require $commonFile );
				$this->assertSame( $count, $common['entries'] );
				$this->assertMatchesRegularExpression( "/^exact list of $count passwords, \\d+ bytes in memory$/", $common['detail'] );
			} else {
				$this->assertNull( $common['entries'], 'a Bloom filter does not know its entries' );
				$this->assertMatchesRegularExpression( '/^Bloom filter of \\d+ bits, 20 hashers, \\d+ bytes in memory$/', $common['detail'] );
			}

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

	public function testPhpInfoDescribesTheLoadedCommonPasswordFile(): void {
		$file = CommonPasswordsFile::path();
		$code = 'new NativePasswordPolicy\\Engine( json_encode( [ "commonPasswordsFile" => $argv[1] ] ) ); phpinfo( INFO_MODULES );';
		exec( escapeshellarg( PHP_BINARY ) . ' -n -d ' . escapeshellarg( 'extension=' . $this->loadedModulePath() )
			. ' -r ' . escapeshellarg( $code ) . ' ' . escapeshellarg( $file ), $lines, $status );
		$this->assertSame( 0, $status, implode( "\n", $lines ) );
		$line = preg_quote( "common passwords => $file (file of " . filesize( $file ) . ' bytes): ', '/' );
		$detail = CommonPasswordsFile::isExactList()
			? 'exact list of ' . count( require $file ) . ' passwords, \\d+ bytes in memory'
			: 'Bloom filter of \\d+ bits, 20 hashers, \\d+ bytes in memory';
		$this->assertMatchesRegularExpression( "/^$line$detail$/m", implode( "\n", $lines ) );
	}

	private function loadedModulePath(): string {
		$module = getenv( 'NPP_MODULE' );
		return is_string( $module ) && is_file( $module ) ? $module : dirname( __DIR__, 2 ) . '/target/release/libnative_password_policy.so';
	}
}
