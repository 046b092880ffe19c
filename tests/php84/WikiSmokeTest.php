<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Php84;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ApiClient;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;
use PHPUnit\Framework\Attributes\CoversNothing;
use PHPUnit\Framework\Attributes\DataProvider;
use PHPUnit\Framework\TestCase;

/**
 * The extension and its module on the MediaWiki of NPP_MW_CORE (1.43 in the php84 stage's
 * Debian 13 root, under PHP 8.4), over HTTP with real mail, on both servers of the harness:
 * the serving PHP runs the module and the extension reports no problem,
 * action=validatepassword answers as core does, action=resetpassword mails a native temporary
 * password that logs in through action=clientlogin, the wiki's policy checks are the
 * extension's, and no log holds a PHP deprecation, warning or error.
 *
 * Runs under PHPUnit 9.6 (Debian 12) and 11 (Debian 13): metadata both as attributes and
 * as annotations.
 *
 * @coversNothing
 */
#[CoversNothing]
class WikiSmokeTest extends TestCase {

	private const PASSWORD = 'Dora-Original-2026';
	private const NEW_PASSWORD = 'Dora-Chosen-After-Reset-2026';
	/** A native temporary password: 23 characters of the extension's default alphabet. */
	private const NATIVE_TEMPORARY = '/^[2-9a-hjkmnp-zA-HJ-NP-Z]{23}$/';

	/** @var array<string,ThrowawayWiki> By name: core, builtin, fpm */
	private static array $wikis = [];

	public static function tearDownAfterClass(): void {
		foreach ( self::$wikis as $wiki ) {
			$wiki->stop();
		}
		self::$wikis = [];
	}

	public static function provideServers(): array {
		return [
			'built-in server' => [ 'builtin' ],
			'nginx + php-fpm' => [ 'fpm' ],
		];
	}

	/**
	 * @dataProvider provideServers
	 */
	#[DataProvider( 'provideServers' )]
	public function testTheServingPhpRunsTheModule( string $server ): void {
		$wiki = self::wiki( $server );
		$text = html_entity_decode( strip_tags( $this->versionPage( $wiki ) ), ENT_QUOTES | ENT_HTML5 );
		$build = $this->moduleBuild( $wiki );
		// Special:Version's "Installed software" row of the module: the version and build the
		// serving PHP loaded (ModuleStatus::describeBuild()), or what keeps it from loading.
		$expected = "{$build['version']} (commit {$build['commit']}, ";
		$this->assertTrue( str_contains( $text, $expected ),
			"Special:Version shows the module as '{$expected}…': " . $this->versionRows( $text ) );
		$this->assertStringNotContainsString( 'The PHP module native_password_policy is not loaded', $text );
		$this->assertCleanLogs( $wiki );
	}

	/**
	 * A healthy setup: Special:Version shows no problem beside the module, and the extension's
	 * log channel stays empty while the wiki serves pages and checks passwords.
	 *
	 * @dataProvider provideServers
	 */
	#[DataProvider( 'provideServers' )]
	public function testTheExtensionReportsNoProblem( string $server ): void {
		$wiki = self::wiki( $server );
		$page = $this->versionPage( $wiki );
		$this->assertSame( 1, preg_match( '~<tr\b(?:(?!</tr>).)*native_password_policy(?:(?!</tr>).)*</tr>~s', $page, $row ),
			'Special:Version has a row for the module' );
		$this->assertStringNotContainsString( 'class="error"', $row[0], 'problems shown beside the module' );
		$this->validate( $wiki, 'password', 'Dora' );
		$this->assertSame( '', $wiki->log( 'nativepasswordpolicy.log' ), 'logs/nativepasswordpolicy.log' );
	}

	/**
	 * @dataProvider provideServers
	 */
	#[DataProvider( 'provideServers' )]
	public function testValidatePasswordAnswersAsCore( string $server ): void {
		$wiki = self::wiki( $server );
		$cases = [
			'common' => [ 'password', 'Dora' ],
			'short and common' => [ 'abc', 'Dora' ],
			'the user name' => [ 'Dora', 'Dora' ],
			'long and random' => [ 'Kx9#mQ2$vL8!pR4&wZ7-tY6', 'Dora' ],
		];
		foreach ( $cases as $what => [ $password, $user ] ) {
			$answer = $this->validate( $wiki, $password, $user );
			$this->assertSame( $this->validate( self::wiki( 'core' ), $password, $user ), $answer, "$what: core's answer" );
			$codes = array_column( $answer['validatepassword']['validitymessages'] ?? [], 'code' );
			switch ( $what ) {
				case 'common':
					$this->assertNotSame( 'Good', $answer['validatepassword']['validity'], $what );
					$this->assertContains( 'passwordincommonlist', $codes, $what );
					break;
				case 'the user name':
					$this->assertContains( 'password-substring-username-match', $codes, $what );
					break;
				case 'long and random':
					$this->assertSame( [ 'validatepassword' => [ 'validity' => 'Good' ] ], $answer, $what );
					break;
			}
		}
		$this->assertCleanLogs( $wiki );
	}

	/**
	 * @dataProvider provideServers
	 */
	#[DataProvider( 'provideServers' )]
	public function testResetMailsANativeTemporaryPasswordThatLogsIn( string $server ): void {
		$wiki = self::wiki( $server );
		$user = 'Dora' . ucfirst( $server );
		$wiki->createUsers( [ [ 'name' => $user, 'password' => self::PASSWORD, 'email' => "$user@example.org" ] ] );
		$wiki->clearMails();

		$answer = $wiki->client()->post( [ 'action' => 'resetpassword', 'user' => $user, 'token' => '+\\' ] );
		$this->assertSame( [ 'resetpassword' => [ 'status' => 'success' ] ], $answer );
		// The reset is queued: the job runner does it.
		$wiki->runJobs();
		$mails = $wiki->waitForMails( 1 );
		$this->assertCount( 1, $mails );
		$this->assertStringContainsString( "$user@example.org", $mails[0]->to() );
		$temporary = $mails[0]->temporaryPassword();
		$this->assertNotNull( $temporary, "no temporary password in:\n" . $mails[0]->body );
		$this->assertMatchesRegularExpression( self::NATIVE_TEMPORARY, $temporary, 'made by the module' );

		$client = $wiki->client();
		$login = $client->clientLogin( $user, $temporary )['clientlogin'];
		$this->assertSame( 'UI', $login['status'], json_encode( $login ) );
		$this->assertSame( 'resetpass-temp-emailed', $login['messagecode'] );
		$changed = $client->post( [
			'action' => 'clientlogin',
			'logincontinue' => 1,
			'password' => self::NEW_PASSWORD,
			'retype' => self::NEW_PASSWORD,
			'logintoken' => $client->token( 'login' ),
		] )['clientlogin'];
		$this->assertSame( 'PASS', $changed['status'], json_encode( $changed ) );
		$this->assertSame( 'PASS', $wiki->client()->clientLogin( $user, self::NEW_PASSWORD )['clientlogin']['status'] );
		$this->assertNotSame( 'PASS', $wiki->client()->clientLogin( $user, $temporary )['clientlogin']['status'],
			'the temporary password is spent' );
		$this->assertCleanLogs( $wiki );
	}

	/**
	 * The checks of `$wgPasswordPolicy['checks']` are the extension's, as
	 * maintenance/showPolicy.php reports them (every check of the default policy: native).
	 */
	public function testThePolicyChecksAreTheExtensions(): void {
		$wiki = self::wiki( 'builtin' );
		[ $code, $out, $err ] = $wiki->php( [ ThrowawayWiki::core() . '/maintenance/runScript.php',
			dirname( __DIR__, 2 ) . '/maintenance/showPolicy.php', '--group', 'default', '--json' ] );
		$this->assertSame( 0, $code, $err );
		$this->assertNoPhpIssues( $err, 'showPolicy.php' );
		$report = json_decode( $out, true, 8, JSON_THROW_ON_ERROR );
		$implementations = array_column( $report['default'], 'implementation' );
		$this->assertNotEmpty( $implementations );
		$this->assertSame(
			array_fill_keys( array_keys( $report['default'] ), 'native' ),
			array_combine( array_keys( $report['default'] ), $implementations ),
			'every check of the default policy runs in the module'
		);
		$this->assertCleanLogs( $wiki );
	}

	private static function wiki( string $name ): ThrowawayWiki {
		self::$wikis[$name] ??= ThrowawayWiki::start( $name === 'core'
			? [ 'extension' => false ]
			: [ 'server' => $name ] );
		return self::$wikis[$name];
	}

	private function versionPage( ThrowawayWiki $wiki ): string {
		$answer = ( new ApiClient( $wiki->url() . '/index.php' ) )
			->request( 'GET', [], [ 'title' => 'Special:Version', 'uselang' => 'en' ] );
		$this->assertSame( 200, $answer['status'], 'Special:Version is served' );
		return $answer['body'];
	}

	/** The lines of Special:Version's text that name the extension or its module. */
	private function versionRows( string $text ): string {
		return implode( ' | ', preg_grep( '/native_password_policy|NativePasswordPolicy/i', array_map( 'trim', explode( "\n", $text ) ) ) );
	}

	private function validate( ThrowawayWiki $wiki, string $password, string $user ): array {
		return $wiki->client()->post( [
			'action' => 'validatepassword', 'password' => $password, 'user' => $user,
			'formatversion' => 2, 'errorformat' => 'plaintext', 'uselang' => 'en',
		] );
	}

	/** @return array<string,string> Engine::buildInfo() of the module, from a PHP that loads it */
	private function moduleBuild( ThrowawayWiki $wiki ): array {
		[ $code, $out, $err ] = $wiki->php( [ '-r', 'echo json_encode( NativePasswordPolicy\Engine::buildInfo() );' ] );
		$this->assertSame( 0, $code, $err );
		return json_decode( $out, true, 4, JSON_THROW_ON_ERROR );
	}

	/**
	 * Nothing in the wiki's logs but requests: no PHP deprecation, warning or error (whether
	 * from core or the extension), no exception. (The extension's own log channel is
	 * testTheExtensionReportsNoProblem's.)
	 */
	private function assertCleanLogs( ThrowawayWiki $wiki ): void {
		foreach ( glob( $wiki->dir() . '/logs/*' ) ?: [] as $file ) {
			$log = (string)file_get_contents( $file );
			$name = basename( $file );
			if ( $name === 'nativepasswordpolicy.log' ) {
				continue;
			}
			if ( in_array( $name, [ 'exception.log', 'error.log', 'fatal.log', 'dberror.log' ], true ) ) {
				$this->assertSame( '', $log, "logs/$name" );
			} else {
				$this->assertNoPhpIssues( $log, "logs/$name" );
			}
		}
	}

	private function assertNoPhpIssues( string $text, string $where ): void {
		$issues = preg_grep( '/\b(Deprecated|Warning|Notice|Fatal error|Parse error):/', explode( "\n", $text ) );
		$this->assertSame( [], array_values( $issues ), $where );
	}
}
