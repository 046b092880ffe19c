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

/**
 * action=validatepassword and action=resetpassword answer exactly as core's modules do.
 *
 * The same requests go to two wikis with identical settings, core's modules on one and the
 * extension's on the other, in every error format, both format versions and several
 * languages; the answers (status, MediaWiki-API-Error header, body) must be equal once what
 * legitimately differs between two wikis is normalised (port, timestamps). The only allowed
 * differences are the three malformed requests the API documentation answers differently from
 * core 1.39, asserted explicitly: `user` with `email` (invalidparammix), neither of them
 * (missingparam), a malformed address (passwordreset-invalidemail).
 *
 * The requests of all cases are sent in one parallel batch on the first test; each case then
 * checks its own answers.
 *
 * @coversNothing
 */
class ApiModulesDifferentialTest extends TestCase {

	/** errorformat, formatversion, uselang: every error format in both versions, three languages */
	private const FORMATS = [
		[ 'bc', 1, 'en' ], [ 'bc', 2, 'de' ],
		[ 'plaintext', 1, 'qqx' ], [ 'plaintext', 2, 'en' ],
		[ 'wikitext', 1, 'de' ], [ 'wikitext', 2, 'qqx' ],
		[ 'html', 1, 'en' ], [ 'html', 2, 'de' ],
		[ 'raw', 1, 'qqx' ], [ 'raw', 2, 'en' ],
		[ 'none', 1, 'de' ], [ 'none', 2, 'qqx' ],
	];

	private const ANON_TOKEN = '+\\';

	private static ?WikiPair $pair = null;

	/** @var array<string,array<string,ApiClient>> Logged-in clients by role, then wiki */
	private static array $clients = [];

	/** @var array<string,array<int,array<string,array>>>|null Answers by case, format, wiki */
	private static ?array $answers = null;

	public static function setUpBeforeClass(): void {
		self::$pair = WikiPair::start( '', [ 'server' => self::server() ] );
		self::$clients = [
			'admin' => self::$pair->loggedIn( ThrowawayWiki::ADMIN_USER, ThrowawayWiki::ADMIN_PASSWORD ),
			'blocked' => self::$pair->loggedIn( 'Blocked', 'Blocked-Secret-2026' ),
		];
	}

	public static function tearDownAfterClass(): void {
		self::$pair?->stop();
		self::$pair = null;
		self::$answers = null;
	}

	/**
	 * The server of these tests: NPP_HTTP_SERVER (builtin or fpm), else nginx + php-fpm when
	 * installed (opcache makes the thousands of requests quick), else PHP's built-in server.
	 */
	public static function server(): string {
		$server = getenv( 'NPP_HTTP_SERVER' );
		if ( $server ) {
			return $server;
		}
		return is_executable( ThrowawayWiki::fpmBinary() ) && is_executable( '/usr/sbin/nginx' ) ? 'fpm' : 'builtin';
	}

	/**
	 * Each case: module parameters and how to send them.
	 *   method      POST (default) or GET
	 *   params      module parameters (the token as '@token')
	 *   query       parameters put in the query string of a POST
	 *   as          anon (default), admin or blocked
	 *   variant     a configuration variant of WikiPair
	 *   deviation   the documented answer of the extension where core 1.39 differs:
	 *               [ core's error code or 'success', the extension's error code ]
	 *
	 * @return array<string,array{0:array}>
	 */
	public static function provideCases(): array {
		$long255 = str_repeat( 'Abcde', 51 );
		$long256 = $long255 . 'F';
		$cases = [
			// action=validatepassword: the documentation's examples and samples
			'validatepassword doc example: foobar for the current user' => [ 'params' => [ 'password' => 'foobar' ] ],
			'validatepassword doc example: querty for creating Example' => [ 'params' => [ 'password' => 'querty', 'user' => 'Example' ] ],
			'validatepassword doc sample: empty password' => [ 'params' => [ 'password' => '' ] ],
			'validatepassword doc sample: my_password' => [ 'params' => [ 'password' => 'my_password' ] ],
			'validatepassword doc sample: your_password' => [ 'params' => [ 'password' => 'your_password' ] ],
			'validatepassword doc response: Good' => [ 'params' => [ 'password' => 'Correct-Horse-Battery-2026' ] ],
			// errors
			'validatepassword over GET' => [ 'method' => 'GET', 'params' => [ 'password' => 'foobar' ] ],
			'validatepassword password in the query string' => [ 'params' => [], 'query' => [ 'password' => 'foobar' ] ],
			'validatepassword no password' => [ 'params' => [] ],
			'validatepassword existing user' => [ 'params' => [ 'password' => 'x', 'user' => 'Alice' ] ],
			'validatepassword existing user, other case' => [ 'params' => [ 'password' => 'x', 'user' => 'alice' ] ],
			'validatepassword user #1' => [ 'params' => [ 'password' => 'x', 'user' => '#1' ] ],
			'validatepassword unknown user id' => [ 'params' => [ 'password' => 'x', 'user' => '#999999' ] ],
			'validatepassword name with #' => [ 'params' => [ 'password' => 'x', 'user' => 'Foo#bar' ] ],
			'validatepassword name of 255 bytes' => [ 'params' => [ 'password' => 'x', 'user' => $long255 ] ],
			'validatepassword name of 256 bytes' => [ 'params' => [ 'password' => 'x', 'user' => $long256 ] ],
			'validatepassword IP as user' => [ 'params' => [ 'password' => 'x', 'user' => '127.0.0.1' ] ],
			'validatepassword interwiki user' => [ 'params' => [ 'password' => 'x', 'user' => 'imported>Foo' ] ],
			'validatepassword name with @' => [ 'params' => [ 'password' => 'x', 'user' => 'user@example.com' ] ],
			'validatepassword empty user' => [ 'params' => [ 'password' => 'x', 'user' => '' ] ],
			// policies
			'validatepassword new user, email and real name' => [ 'params' => [
				'password' => 'Newcomer-Pass-2026', 'user' => 'Newcomer', 'email' => 'new@example.org', 'realname' => 'New Comer',
			] ],
			'validatepassword password is the user name' => [ 'params' => [ 'password' => 'Samename', 'user' => 'Samename' ] ],
			'validatepassword password inside the user name' => [ 'params' => [ 'password' => 'same', 'user' => 'Samename' ] ],
			'validatepassword default credentials' => [ 'params' => [ 'password' => 'testpass', 'user' => 'Apitestuser' ] ],
			'validatepassword ExamplePassword' => [ 'params' => [ 'password' => 'ExamplePassword' ] ],
			'validatepassword too long' => [ 'params' => [ 'password' => str_repeat( 'x', 4097 ) ] ],
			'validatepassword 100 kB' => [ 'params' => [ 'password' => str_repeat( 'pass', 25000 ) ] ],
			'validatepassword invalid UTF-8' => [ 'params' => [ 'password' => "\xff\xfe\xfd-invalid" ] ],
			'validatepassword NUL byte' => [ 'params' => [ 'password' => "with\0nul-byte" ] ],
			'validatepassword non-ASCII' => [ 'params' => [ 'password' => 'Ünïcødé-Paß', 'user' => 'Ünïcødé' ] ],
			'validatepassword sysop: short' => [ 'as' => 'admin', 'params' => [ 'password' => 'short' ] ],
			'validatepassword sysop: long enough' => [ 'as' => 'admin', 'params' => [ 'password' => 'Long-Enough-Sysop-2026' ] ],
			'validatepassword blocked user' => [ 'as' => 'blocked', 'params' => [ 'password' => 'whatever-2026' ] ],
			'validatepassword strict policy: fatal' => [ 'variant' => 'strictpolicy', 'params' => [ 'password' => 'abc' ] ],
			'validatepassword strict policy: force change' => [ 'variant' => 'strictpolicy', 'params' => [ 'password' => 'abcdefg' ] ],
			'validatepassword isValidPassword veto' => [ 'variant' => 'hookpolicy', 'params' => [ 'password' => 'vetoed-by-hook' ] ],
			'validatepassword isValidPassword message' => [ 'variant' => 'hookpolicy', 'params' => [ 'password' => 'message-from-hook' ] ],
			'validatepassword isValidPassword accepts' => [ 'variant' => 'hookpolicy', 'params' => [ 'password' => 'accepted-by-hook' ] ],
			'validatepassword PasswordPoliciesForUser' => [ 'variant' => 'hookpolicy', 'params' => [ 'password' => 'elevenchars' ] ],
			'validatepassword no read right' => [ 'variant' => 'noread', 'params' => [ 'password' => 'foobar' ] ],

			// action=resetpassword: the documentation's examples
			'resetpassword doc example: user Example' => [ 'params' => [ 'user' => 'Example', 'token' => '@token' ] ],
			'resetpassword doc example: user user@example.com' => [ 'params' => [ 'user' => 'user@example.com', 'token' => '@token' ] ],
			'resetpassword doc sample: email user@mediawiki.org' => [ 'params' => [ 'email' => 'user@mediawiki.org', 'token' => '@token' ] ],
			// every target answers alike
			'resetpassword account with a confirmed address' => [ 'params' => [ 'user' => 'Alice', 'token' => '@token' ] ],
			'resetpassword by address' => [ 'params' => [ 'email' => 'alice@example.org', 'token' => '@token' ] ],
			'resetpassword account with an unconfirmed address' => [ 'params' => [ 'user' => 'Carol', 'token' => '@token' ] ],
			'resetpassword account without address' => [ 'params' => [ 'user' => 'Bob', 'token' => '@token' ] ],
			'resetpassword unknown user' => [ 'params' => [ 'user' => 'Nobody', 'token' => '@token' ] ],
			'resetpassword unknown address' => [ 'params' => [ 'email' => 'nobody@example.org', 'token' => '@token' ] ],
			'resetpassword lower-case name' => [ 'params' => [ 'user' => 'alice', 'token' => '@token' ] ],
			'resetpassword name "0"' => [ 'params' => [ 'user' => '0', 'token' => '@token' ] ],
			'resetpassword by a logged-in user' => [ 'as' => 'admin', 'params' => [ 'user' => 'Alice', 'token' => '@token' ] ],
			'resetpassword throttled account' => [ 'variant' => 'throttled', 'params' => [ 'user' => 'Alice', 'token' => '@token' ] ],
			'resetpassword rate-limited performer' => [ 'variant' => 'ratelimited', 'params' => [ 'user' => 'Alice', 'token' => '@token' ] ],
			'resetpassword rate-limited, empty address' => [ 'variant' => 'ratelimited', 'params' => [ 'email' => '', 'token' => '@token' ] ],
			'resetpassword address required' => [ 'variant' => 'requireemail', 'params' => [ 'user' => 'Alice', 'token' => '@token' ] ],
			// the documented answers to malformed requests
			'resetpassword user and email' => [
				'params' => [ 'user' => 'Alice', 'email' => 'alice@example.org', 'token' => '@token' ],
				'deviation' => [ 'success', 'invalidparammix' ],
			],
			'resetpassword unknown user and email' => [
				'params' => [ 'user' => 'Nobody', 'email' => 'nobody@example.org', 'token' => '@token' ],
				'deviation' => [ 'success', 'invalidparammix' ],
			],
			'resetpassword neither user nor email' => [
				'params' => [ 'token' => '@token' ],
				'deviation' => [ 'passwordreset-nodata', 'missingparam' ],
			],
			// Core answers it as documented since 1.42.
			'resetpassword malformed address' => [
				'params' => [ 'email' => 'not-an-address', 'token' => '@token' ],
			] + ( self::coreAtLeast( '1.42' ) ? [] : [ 'deviation' => [ 'success', 'passwordreset-invalidemail' ] ] ),
			'resetpassword username route only, email given' => [
				'variant' => 'routes-username',
				'params' => [ 'email' => 'alice@example.org', 'token' => '@token' ],
				'deviation' => [ 'passwordreset-nodata', 'missingparam' ],
			],
			'resetpassword email route only, user given' => [
				'variant' => 'routes-email',
				'params' => [ 'user' => 'Alice', 'token' => '@token' ],
				'deviation' => [ 'passwordreset-nodata', 'missingparam' ],
			],
			'resetpassword rate-limited, neither user nor email' => [
				'variant' => 'ratelimited',
				'params' => [ 'token' => '@token' ],
				'deviation' => [ 'success', 'missingparam' ],
			],
			'resetpassword rate-limited, malformed address' => [
				'variant' => 'ratelimited',
				'params' => [ 'email' => 'not-an-address', 'token' => '@token' ],
				'deviation' => [ 'success', 'passwordreset-invalidemail' ],
			],
			// errors
			'resetpassword empty address' => [ 'params' => [ 'email' => '', 'token' => '@token' ] ],
			'resetpassword empty user' => [ 'params' => [ 'user' => '', 'token' => '@token' ] ],
			'resetpassword user #1' => [ 'params' => [ 'user' => '#1', 'token' => '@token' ] ],
			'resetpassword IP as user' => [ 'params' => [ 'user' => '127.0.0.1', 'token' => '@token' ] ],
			'resetpassword interwiki user' => [ 'params' => [ 'user' => 'imported>Foo', 'token' => '@token' ] ],
			'resetpassword name of 255 bytes' => [ 'params' => [ 'user' => $long255, 'token' => '@token' ] ],
			'resetpassword name of 256 bytes' => [ 'params' => [ 'user' => $long256, 'token' => '@token' ] ],
			'resetpassword over GET with token' => [ 'method' => 'GET', 'params' => [ 'user' => 'Alice', 'token' => '@token' ] ],
			'resetpassword over GET without token' => [ 'method' => 'GET', 'params' => [ 'user' => 'Alice' ] ],
			'resetpassword token in the query string' => [ 'params' => [ 'user' => 'Alice' ], 'query' => [ 'token' => '@token' ] ],
			'resetpassword no token' => [ 'params' => [ 'user' => 'Alice' ] ],
			'resetpassword bad token' => [ 'params' => [ 'user' => 'Alice', 'token' => 'bad+\\' ] ],
			'resetpassword email disabled' => [ 'variant' => 'emaildisabled', 'params' => [ 'user' => 'Alice', 'token' => '@token' ] ],
			'resetpassword email disabled, no data' => [ 'variant' => 'emaildisabled', 'params' => [ 'token' => '@token' ] ],
			'resetpassword username route only' => [ 'variant' => 'routes-username', 'params' => [ 'user' => 'Alice', 'token' => '@token' ] ],
			'resetpassword email route only' => [ 'variant' => 'routes-email', 'params' => [ 'email' => 'alice@example.org', 'token' => '@token' ] ],
			'resetpassword no route' => [ 'variant' => 'routes-none', 'params' => [ 'user' => 'Alice', 'token' => '@token' ] ],
			'resetpassword no editmyprivateinfo right' => [ 'variant' => 'noprivateinfo', 'params' => [ 'user' => 'Alice', 'token' => '@token' ] ],
			'resetpassword no writeapi right' => [ 'variant' => 'nowriteapi', 'params' => [ 'user' => 'Alice', 'token' => '@token' ] ],
			'resetpassword no read right' => [ 'variant' => 'noread', 'params' => [ 'user' => 'Alice', 'token' => '@token' ] ],
			'resetpassword blocked performer' => [ 'as' => 'blocked', 'params' => [ 'user' => 'Alice', 'token' => '@token' ] ],
		];
		$provided = [];
		foreach ( $cases as $name => $case ) {
			$case['module'] = explode( ' ', $name, 2 )[0];
			$provided[$name] = [ $name, $case ];
		}
		return $provided;
	}

	/**
	 * @dataProvider provideCases
	 */
	public function testSameAnswerAsCore( string $name, array $case ): void {
		$answers = self::answers()[$name];
		foreach ( self::FORMATS as $index => [ $errorFormat, $formatVersion, $language ] ) {
			$label = "$name (errorformat=$errorFormat, formatversion=$formatVersion, uselang=$language)";
			$core = $answers[$index]['core'];
			$extension = $answers[$index]['extension'];
			if ( isset( $case['deviation'] ) ) {
				[ $coreOutcome, $extensionCode ] = $case['deviation'];
				$this->assertSame( $coreOutcome, self::outcome( $core ), "core: $label" );
				$this->assertSame( $extensionCode, self::outcome( $extension ), "extension: $label" );
				$this->assertSame( $extensionCode, $extension['headers']['mediawiki-api-error'] ?? null, "extension: $label" );
				continue;
			}
			$this->assertSame( $core['status'], $extension['status'], "HTTP status: $label" );
			$this->assertSame(
				$core['headers']['mediawiki-api-error'] ?? null,
				$extension['headers']['mediawiki-api-error'] ?? null,
				"MediaWiki-API-Error: $label"
			);
			$this->assertSame( self::normalise( $core['body'] ), self::normalise( $extension['body'] ), $label );
		}
	}

	public function testDocumentedErrorsAreTranslated(): void {
		$extension = self::$pair->wikis['extension']->client();
		// Core's message since 1.42, which gives this answer itself; the extension's before.
		$key = self::coreAtLeast( '1.42' ) ? 'passwordreset-invalidemail' : 'apierror-passwordreset-invalidemail';
		foreach ( [ 'en' => 'Invalid email address', 'qqx' => "($key)" ] as $language => $text ) {
			$answer = $extension->post( [
				'action' => 'resetpassword', 'email' => 'not-an-address', 'token' => self::ANON_TOKEN,
				'errorformat' => 'plaintext', 'formatversion' => 2, 'uselang' => $language,
			] );
			$this->assertSame(
				[ 'code' => 'passwordreset-invalidemail', 'text' => $text, 'module' => 'resetpassword' ],
				$answer['errors'][0],
				$language
			);
		}
	}

	public function testParamInfoNamesTheExtensionsClassesAndIsOtherwiseCore(): void {
		$params = [ 'action' => 'paraminfo', 'modules' => 'validatepassword|resetpassword', 'formatversion' => 2 ];
		$core = self::$pair->wikis['core']->client()->get( $params )['paraminfo']['modules'];
		$extension = self::$pair->wikis['extension']->client()->get( $params )['paraminfo']['modules'];
		$this->assertSame(
			[
				'MediaWiki\\Extension\\NativePasswordPolicy\\Api\\ApiValidatePassword',
				'MediaWiki\\Extension\\NativePasswordPolicy\\Api\\ApiResetPassword',
			],
			array_column( $extension, 'classname' )
		);
		// Core's modules are namespaced since 1.43.
		$this->assertSame( self::coreAtLeast( '1.43' )
			? [ 'MediaWiki\\Api\\ApiValidatePassword', 'MediaWiki\\Api\\ApiResetPassword' ]
			: [ 'ApiValidatePassword', 'ApiResetPassword' ], array_column( $core, 'classname' ) );
		$this->assertSame( [ 'NativePasswordPolicy', 'NativePasswordPolicy' ], array_column( $extension, 'source' ) );
		$differing = [ 'classname', 'source', 'sourcename', 'licenselink' ];
		foreach ( [ 0, 1 ] as $i ) {
			$this->assertSame(
				array_diff_key( $core[$i], array_flip( $differing ) ),
				array_diff_key( $extension[$i], array_flip( $differing ) ),
				$core[$i]['name']
			);
		}
	}

	public function testHelpShowsTheModulesInEveryLanguage(): void {
		foreach ( [ 'en', 'de', 'qqx' ] as $language ) {
			$params = [
				'action' => 'help', 'modules' => 'validatepassword|resetpassword', 'uselang' => $language,
				'wrap' => 1, 'formatversion' => 2,
			];
			$core = self::$pair->wikis['core']->client()->get( $params )['help']['help'];
			$extension = self::$pair->wikis['extension']->client()->get( $params )['help']['help'];
			// Core's texts of both modules (summary, parameters, examples) appear unchanged...
			foreach ( [
				'apihelp-validatepassword-summary', 'apihelp-validatepassword-extended-description',
				'apihelp-validatepassword-param-password', 'apihelp-validatepassword-param-user',
				'apihelp-validatepassword-param-email', 'apihelp-validatepassword-param-realname',
				'apihelp-validatepassword-example-1', 'apihelp-validatepassword-example-2',
				'apihelp-resetpassword-summary', 'apihelp-resetpassword-param-user',
				'apihelp-resetpassword-param-email', 'apihelp-resetpassword-example-user',
				'apihelp-resetpassword-example-email',
			] as $key ) {
				$text = $this->messageText( $key, $language );
				$this->assertStringContainsString( $text, $core, "$key ($language), core" );
				$this->assertStringContainsString( $text, $extension, "$key ($language), extension" );
			}
			// ...with the extension's own description of resetpassword and its source.
			$description = $this->messageText( 'apihelp-nativepasswordpolicy-resetpassword-extended-description', $language );
			$this->assertStringContainsString( $description, $extension, $language );
			$this->assertStringNotContainsString( $description, $core, $language );
			$this->assertStringContainsString( 'NativePasswordPolicy', $extension, $language );
		}
	}

	/**
	 * The text of a message as the extension's wiki renders it in help (parsed, no tags).
	 */
	private function messageText( string $key, string $language ): string {
		if ( $language === 'qqx' ) {
			// Shown as "(key: parameters)"
			return "($key";
		}
		$answer = self::$pair->wikis['extension']->client()->get( [
			'action' => 'query', 'meta' => 'allmessages', 'ammessages' => $key, 'amlang' => $language,
			'amenableparser' => 1, 'formatversion' => 2,
		] );
		$message = $answer['query']['allmessages'][0];
		$this->assertArrayNotHasKey( 'missing', $message, $key );
		// Help renders the message as HTML: compare its opening stretch of plain text.
		$first = preg_split( '/[<>\[\]{}"\n$\'&]/', $message['content'] )[0];
		return trim( mb_substr( $first, 0, 40 ) );
	}

	/**
	 * Sends the requests of every case in every format to both wikis, once.
	 *
	 * @return array<string,array<int,array<string,array>>>
	 */
	private static function answers(): array {
		if ( self::$answers !== null ) {
			return self::$answers;
		}
		$requests = [];
		$keys = [];
		foreach ( self::provideCases() as [ $name, $case ] ) {
			foreach ( self::FORMATS as $index => [ $errorFormat, $formatVersion, $language ] ) {
				foreach ( self::$pair->wikis as $label => $wiki ) {
					$requests[] = self::request( $case, $label, [
						'format' => 'json',
						'errorformat' => $errorFormat,
						'formatversion' => $formatVersion,
						'uselang' => $language,
					] );
					$keys[] = [ $name, $index, $label ];
				}
			}
		}
		$answers = [];
		foreach ( ApiClient::requestMany( $requests, 4 ) as $i => $answer ) {
			[ $name, $index, $label ] = $keys[$i];
			$answers[$name][$index][$label] = $answer;
		}
		self::$answers = $answers;
		return $answers;
	}

	/**
	 * @param array $case
	 * @param string $label Wiki label
	 * @param array $format Format parameters
	 * @return array A request for ApiClient::requestMany()
	 */
	private static function request( array $case, string $label, array $format ): array {
		$as = $case['as'] ?? 'anon';
		$client = $as === 'anon' ? self::$pair->wikis[$label]->client() : self::$clients[$as][$label];
		$token = $as === 'anon' ? self::ANON_TOKEN : self::token( $as, $label );
		$resolve = static function ( array $params ) use ( $token ): array {
			return array_map( static fn ( $value ) => $value === '@token' ? $token : $value, $params );
		};
		$params = [ 'action' => $case['module'] ] + $resolve( $case['params'] ) + $format;
		$headers = isset( $case['variant'] ) ? [ WikiPair::VARIANT_HEADER => $case['variant'] ] : [];
		if ( ( $case['method'] ?? 'POST' ) === 'GET' ) {
			return [ $client, 'GET', [], $params, $headers ];
		}
		return [ $client, 'POST', $params, $resolve( $case['query'] ?? [] ), $headers ];
	}

	private static function token( string $role, string $label ): string {
		static $tokens = [];
		$tokens[$role][$label] ??= self::$clients[$role][$label]->token();
		return $tokens[$role][$label];
	}

	/**
	 * 'success', or the code of the first error.
	 */
	private static function outcome( array $answer ): ?string {
		$body = json_decode( $answer['body'], true );
		if ( ( $body['resetpassword']['status'] ?? null ) === 'success' ) {
			return 'success';
		}
		return $body['error']['code'] ?? $body['errors'][0]['code'] ?? null;
	}

	/**
	 * What legitimately differs between two wikis: their ports, and the time of the block.
	 */
	/** Whether the MediaWiki the tests run on is at least $version (data providers run before the wikis). */
	private static function coreAtLeast( string $version ): bool {
		return version_compare( ThrowawayWiki::versionOf( ThrowawayWiki::core() ), $version, '>=' );
	}

	private static function normalise( string $body ): string {
		$body = preg_replace( '/127\.0\.0\.1:\d+/', '127.0.0.1:PORT', $body );
		$body = preg_replace( '/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/', 'TIMESTAMP', $body );
		return preg_replace( '/\d\d:\d\d, \d{1,2} [^ ,"]+ \d{4}/u', 'TIME', $body );
	}
}
