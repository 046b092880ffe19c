<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Http;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ApiClient;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;
use PHPUnit\Framework\TestCase;
use RuntimeException;

/**
 * A broken setup as the operator and the users see it, on served wikis: the module missing,
 * a module built for another PHP version, invalid settings. Never a blank HTTP 500: pages are
 * served, Special:Version names the problem and its fix, the API answers with an error saying
 * why, maintenance scripts print it when they start, and password operations are refused
 * (fail closed) unless the operator lets core's checks stand in.
 *
 * @coversNothing
 */
class BrokenSetupTest extends TestCase {

	private const USER = 'Broken Setup User';
	private const PASSWORD = 'Orchard-Lantern-Copper-42';

	/** @var ThrowawayWiki[] */
	private array $wikis = [];

	/** Directory of the module built for another PHP, when a test made one */
	private ?string $stubDir = null;

	protected function tearDown(): void {
		foreach ( $this->wikis as $wiki ) {
			$wiki->stop();
		}
		if ( $this->stubDir !== null ) {
			array_map( 'unlink', glob( "{$this->stubDir}/*" ) ?: [] );
			rmdir( $this->stubDir );
		}
		parent::tearDown();
	}

	private function start( array $options ): ThrowawayWiki {
		$wiki = ThrowawayWiki::start( $options );
		$this->wikis[] = $wiki;
		return $wiki;
	}

	/**
	 * A wiki whose module is gone: users were created while core's checks were allowed to
	 * stand in, then the operator's setting is $allowCoreFallback.
	 */
	private function wikiWithoutModule( bool $allowCoreFallback ): ThrowawayWiki {
		$wiki = $this->start( [
			'module' => false,
			'settings' => '$wgNativePasswordPolicyAllowCoreFallback = true;',
		] );
		$wiki->createUsers( [ [ 'name' => self::USER, 'password' => self::PASSWORD, 'email' => 'broken@example.org' ] ] );
		if ( !$allowCoreFallback ) {
			$file = $wiki->dir() . '/LocalSettings.php';
			file_put_contents( $file, str_replace(
				'$wgNativePasswordPolicyAllowCoreFallback = true;',
				'$wgNativePasswordPolicyAllowCoreFallback = false;',
				file_get_contents( $file )
			) );
		}
		return $wiki;
	}

	/**
	 * GETs a page of index.php and returns its HTML, asserting HTTP 200.
	 */
	private function page( ThrowawayWiki $wiki, string $title ): string {
		$answer = ( new ApiClient( $wiki->url() . '/index.php' ) )->request( 'GET', [], [ 'title' => $title, 'uselang' => 'en' ] );
		$this->assertSame( 200, $answer['status'], "$title is served: " . substr( $answer['body'], 0, 500 ) );
		return html_entity_decode( strip_tags( $answer['body'] ), ENT_QUOTES | ENT_HTML5 );
	}

	private function validate( ThrowawayWiki $wiki, string $password ): array {
		return $wiki->client()->post( [
			'action' => 'validatepassword', 'password' => $password, 'formatversion' => 2,
			'errorformat' => 'plaintext', 'uselang' => 'en',
		] );
	}

	private function reset( ThrowawayWiki $wiki ): array {
		$client = $wiki->client();
		return $client->post( [
			'action' => 'resetpassword', 'user' => self::USER, 'token' => $client->token(), 'formatversion' => 2,
			'errorformat' => 'plaintext', 'uselang' => 'en',
		] );
	}

	private function assertRefusedByApi( array $answer, string $what ): void {
		$this->assertSame( 'nativepasswordpolicy-unavailable', $answer['errors'][0]['code'] ?? null, "$what: " . json_encode( $answer ) );
		$this->assertStringContainsString( 'the PHP module native_password_policy) is not loaded', $answer['errors'][0]['text'], $what );
		$this->assertStringContainsString( 'Special:Version', $answer['errors'][0]['text'], "$what: points at the fix" );
	}

	/**
	 * No PHP fatal error reached the server: every answer was a page MediaWiki made.
	 */
	private function assertNoFatal( ThrowawayWiki $wiki ): void {
		foreach ( [ 'server.log', 'fatal.log', 'exception.log' ] as $log ) {
			$this->assertStringNotContainsString( 'Fatal error', $wiki->log( $log ), $log );
			$this->assertStringNotContainsString( 'Uncaught', $wiki->log( $log ), $log );
		}
	}

	public function testMissingModuleRefusesPasswordOperationsAndNamesTheFix(): void {
		$wiki = $this->wikiWithoutModule( false );

		$this->assertStringContainsString( 'TestWiki', $this->page( $wiki, 'Main_Page' ), 'pages are served' );
		$version = $this->page( $wiki, 'Special:Version' );
		$this->assertStringContainsString( 'The PHP module native_password_policy is not loaded. Install it', $version );
		$this->assertStringContainsString( 'phpenmod native_password_policy', $version );
		$this->assertStringContainsString( 'password changes, account creation, logins and password resets are refused', $version );
		$this->assertStringContainsString( '$wgNativePasswordPolicyAllowCoreFallback = true;', $version );

		$this->assertRefusedByApi( $this->validate( $wiki, 'password' ), 'validatepassword' );
		$this->assertRefusedByApi( $this->reset( $wiki ), 'resetpassword' );
		$wiki->runJobs();
		$this->assertSame( [], $wiki->mails(), 'no reset mail' );

		$login = $wiki->client()->clientLogin( self::USER, self::PASSWORD );
		$this->assertSame( 'FAIL', $login['clientlogin']['status'], 'no login passes unchecked' );
		$this->assertStringContainsString( 'Passwords cannot be checked on this wiki right now', $login['clientlogin']['message'] );

		// A maintenance script says it before anything else, and runs.
		[ $code, $out, $err ] = $wiki->php( [ $wiki->coreScript( 'version.php' ) ] );
		$this->assertSame( 0, $code, $err );
		$this->assertStringContainsString( 'MediaWiki version', $out );
		$this->assertStringStartsWith(
			'NativePasswordPolicy: The PHP module native_password_policy is not loaded. Install it', $err );
		$this->assertStringContainsString( 'NativePasswordPolicy: Until then password changes', $err );

		$this->assertStringContainsString( 'not loaded', $wiki->log( 'nativepasswordpolicy.log' ), 'logged' );
		$this->assertNoFatal( $wiki );
	}

	public function testMissingModuleWithCoreFallbackKeepsTheWikiWorkingOnCoresChecks(): void {
		$wiki = $this->wikiWithoutModule( true );

		$version = $this->page( $wiki, 'Special:Version' );
		$this->assertStringContainsString( 'The PHP module native_password_policy is not loaded', $version );
		$this->assertStringContainsString( 'MediaWiki\'s own password checks and temporary passwords stand in', $version );

		// Core's own answers: a common password is refused, a good one passes.
		$common = $this->validate( $wiki, 'password' );
		// Core's default policy lets a common password log in but forces a change.
		$this->assertSame( 'Change', $common['validatepassword']['validity'], json_encode( $common ) );
		$this->assertSame( 'passwordincommonlist', $common['validatepassword']['validitymessages'][0]['code'] );
		$this->assertSame( 'Good', $this->validate( $wiki, self::PASSWORD )['validatepassword']['validity'] );

		$this->assertSame( 'PASS', $wiki->client()->clientLogin( self::USER, self::PASSWORD )['clientlogin']['status'] );

		// Resets go on with core's temporary passwords (10 characters of [0-9a-v]).
		$this->assertSame( 'success', $this->reset( $wiki )['resetpassword']['status'] );
		$wiki->runJobs();
		[ $mail ] = $wiki->waitForMails( 1 );
		$this->assertMatchesRegularExpression( '/^[0-9a-v]{10}$/', $mail->temporaryPassword() );

		[ , , $err ] = $wiki->php( [ $wiki->coreScript( 'version.php' ) ] );
		$this->assertStringContainsString( 'NativePasswordPolicy: Password checks run on MediaWiki\'s own PHP checks', $err );
		$this->assertNoFatal( $wiki );
	}

	public function testModuleBuiltForAnotherPhpIsNamedWithItsIniFile(): void {
		$stub = $this->moduleForAnotherPhp();
		$wiki = $this->start( [ 'module' => $stub, 'moduleIni' => true ] );

		$version = $this->page( $wiki, 'Special:Version' );
		$this->assertStringContainsString(
			"The PHP module native_password_policy is configured ($stub in {$wiki->dir()}/php.d/native_password_policy.ini) "
				. 'but PHP could not load it: it was built for another PHP version',
			$version
		);
		$this->assertStringContainsString( 'Build it for PHP ' . PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION, $version );
		$this->assertRefusedByApi( $this->validate( $wiki, 'password' ), 'validatepassword' );

		[ $code, , $err ] = $wiki->php( [ $wiki->coreScript( 'version.php' ) ] );
		$this->assertSame( 0, $code, $err );
		// PHP's own warning, then the extension's explanation.
		$this->assertStringContainsString( 'Module compiled with module API=20100525', $err );
		$this->assertStringContainsString(
			"NativePasswordPolicy: The PHP module native_password_policy is configured ($stub in", $err );
		$this->assertNoFatal( $wiki );
	}

	public function testACheckLeftInPhpIsReported(): void {
		// One of core's check names given a callable of the operator's: kept, and said so.
		$wiki = $this->start( [ 'settings' => implode( "\n", [
			'$wgPasswordPolicy["checks"]["MinimalPasswordLength"] = static function ( $value, $user, $password ) {',
			'	return \\StatusValue::newGood();',
			'};',
		] ) ] );
		$version = $this->page( $wiki, 'Special:Version' );
		// (The page's text: its markup is stripped.)
		$this->assertStringContainsString( 'The password check MinimalPasswordLength runs a closure in PHP, not in the native module', $version );
		[ $code, , $err ] = $wiki->php( [ $wiki->coreScript( 'version.php' ) ] );
		$this->assertSame( 0, $code, $err );
		$this->assertStringContainsString( 'NativePasswordPolicy: The password check MinimalPasswordLength runs a closure in PHP', $err );
		// The checks it could take over are native, and the wiki works.
		$this->assertSame( 'Change', $this->validate( $wiki, 'password' )['validatepassword']['validity'] );
		$this->assertStringContainsString( 'The password check MinimalPasswordLength runs a closure in PHP',
			$wiki->log( 'nativepasswordpolicy.log' ), 'logged when the engine starts' );
		$this->assertNoFatal( $wiki );
	}

	public function testInvalidSettingsAreReportedWithoutStoppingTheWiki(): void {
		$cases = [
			"\$wgPasswordConfig['argon2']['memory_cost'] = 4;" =>
				"\$wgPasswordConfig['argon2']: memory_cost must be at least 8 KiB per thread (8 KiB with 1 thread), not 4",
			"\$wgNativePasswordPolicyTemporaryPasswordAlphabet = 'abca';" =>
				"\$wgNativePasswordPolicyTemporaryPasswordAlphabet: the alphabet holds 'a' more than once",
			"\$wgNativePasswordPolicyTemporaryPasswordLength = 8;" =>
				'$wgNativePasswordPolicyTemporaryPasswordLength: 8 characters of a 55-character alphabet give 46.3 bits',
		];
		$wiki = $this->start( [] );
		$wiki->createUsers( [ [ 'name' => self::USER, 'password' => self::PASSWORD, 'email' => 'broken@example.org' ] ] );
		$file = $wiki->dir() . '/LocalSettings.php';
		$original = file_get_contents( $file );
		foreach ( $cases as $line => $message ) {
			file_put_contents( $file, "$original\n$line\n" );
			$version = $this->page( $wiki, 'Special:Version' );
			$this->assertStringContainsString( "Invalid setting, left unused until it is fixed in LocalSettings.php: $message", $version, $line );

			[ $code, $out, $err ] = $wiki->php( [ $wiki->coreScript( 'version.php' ) ] );
			$this->assertSame( 0, $code, "$line: $err" );
			$this->assertStringContainsString( 'MediaWiki version', $out, $line );
			$this->assertStringContainsString( "NativePasswordPolicy: Invalid setting: $message", $err, $line );

			$this->assertSame( 'Good', $this->validate( $wiki, self::PASSWORD )['validatepassword']['validity'], $line );
			$this->assertSame( 'PASS', $wiki->client()->clientLogin( self::USER, self::PASSWORD )['clientlogin']['status'], $line );
		}

		// With invalid temporary-password settings, resets still work, with core's passwords.
		$wiki->clearMails();
		$this->assertSame( 'success', $this->reset( $wiki )['resetpassword']['status'] );
		$wiki->runJobs();
		[ $mail ] = $wiki->waitForMails( 1 );
		$this->assertMatchesRegularExpression( '/^[0-9a-v]{10}$/', $mail->temporaryPassword() );
		$this->assertNoFatal( $wiki );
	}

	/**
	 * A shared object that PHP takes for a module built for another PHP: its entry declares
	 * module API 20100525 (PHP 5.4). Built with the system's C compiler.
	 */
	private function moduleForAnotherPhp(): string {
		$dir = sys_get_temp_dir() . '/npp-stub-' . getmypid();
		if ( !is_dir( $dir ) && !mkdir( $dir ) ) {
			throw new RuntimeException( "Cannot create $dir" );
		}
		$this->stubDir = $dir;
		// The head of zend_module_entry: PHP reads the API number and the name, then refuses it.
		$source = <<<'C'
			struct module_entry_head {
				unsigned short size;
				unsigned int zend_api;
				unsigned char zend_debug;
				unsigned char zts;
				const void *ini_entry;
				const void *deps;
				const char *name;
				void *rest[32];
			};
			static struct module_entry_head entry = {
				sizeof( entry ), 20100525, 0, 0, 0, 0, "native_password_policy", { 0 }
			};
			struct module_entry_head *get_module( void ) { return &entry; }
			C;
		file_put_contents( "$dir/stub.c", $source );
		$module = "$dir/native_password_policy.so";
		exec( 'cc -shared -fPIC -o ' . escapeshellarg( $module ) . ' ' . escapeshellarg( "$dir/stub.c" ) . ' 2>&1', $output, $code );
		if ( $code !== 0 ) {
			throw new RuntimeException( 'cc failed: ' . implode( "\n", $output ) );
		}
		return $module;
	}
}
