<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Http;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;
use PHPUnit\Framework\TestCase;
use RuntimeException;

/**
 * The checks beyond core on served wikis, each option on, through action=validatepassword,
 * account creation, login and password change, with translated messages.
 *
 * The "full" wiki has every check of the NIST/OWASP set enabled with its files and lists: a
 * breach corpus the test builds with npp-breach-corpus from a generated list (with a minimum
 * count), two word lists (exact and case-insensitive), deny words, deny patterns, NFKC
 * normalisation, and the site name "Acme Wiki". The "broken" wiki has NFKC off, a truncated
 * corpus and a missing word list: those checks pass, and the problem is logged.
 *
 * @coversNothing
 */
class BeyondCoreChecksTest extends TestCase {

	private const BUILDER = __DIR__ . '/../../target/release/npp-breach-corpus';

	/** In the breach list three times, so in the corpus built with --min-count 3. */
	private const BREACHED = 'Vivid-Quartz-Lantern-4821';
	/** In the list as SHA-1:COUNT with a count of 40. */
	private const PWNED = 'Copper-Meadow-Violin-1937';
	/** In the list twice: below the minimum count. */
	private const RARE = 'Silent-Harbor-Maple-5502';
	/** Passes every check of the full wiki. */
	private const GOOD = 'Orbit-Cobalt-Mirror-Velvet-68';

	private static ThrowawayWiki $full;
	private static ThrowawayWiki $broken;
	private static string $dir;

	public static function setUpBeforeClass(): void {
		self::$dir = sys_get_temp_dir() . '/npp-beyond-' . bin2hex( random_bytes( 4 ) );
		mkdir( self::$dir );
		self::buildCorpus();
		file_put_contents( self::$dir . '/exact.txt', "Sommerferien2026\nKirschblüte\n" );
		file_put_contents( self::$dir . '/folded.txt', "Zebrafischteich\n" );
		self::$full = ThrowawayWiki::start( [ 'sitename' => 'Acme Wiki', 'settings' => self::settings( [
			'$wgNativePasswordPolicyBreachCorpusFile = ' . var_export( self::$dir . '/corpus.npp', true ) . ';',
			'$wgNativePasswordPolicyWordLists = [ ' . var_export( self::$dir . '/exact.txt', true )
				. ', [ "path" => ' . var_export( self::$dir . '/folded.txt', true ) . ', "caseInsensitive" => true ] ];',
			'$wgNativePasswordPolicyDenyWords = [ "contoso", "fabrikam" ];',
			'$wgNativePasswordPolicyDenyPatterns = [ ' . var_export( '^(?i)(spring|summer|autumn|winter)\d{2,4}!?$', true )
				. ', "^[0-9]+$" ];',
			'$wgNativePasswordPolicyNormalizeNfkc = true;',
		] ) ] );
		file_put_contents( self::$dir . '/truncated.npp', substr( file_get_contents( self::$dir . '/corpus.npp' ), 0, 150 ) );
		self::$broken = ThrowawayWiki::start( [ 'settings' => self::settings( [
			'$wgNativePasswordPolicyBreachCorpusFile = ' . var_export( self::$dir . '/truncated.npp', true ) . ';',
			'$wgNativePasswordPolicyWordLists = [ ' . var_export( self::$dir . '/missing.txt', true ) . ' ];',
		] ) ] );
	}

	public static function tearDownAfterClass(): void {
		self::$full->stop();
		self::$broken->stop();
		array_map( 'unlink', glob( self::$dir . '/*' ) );
		rmdir( self::$dir );
	}

	/** Core's default policy plus every check beyond core, and the given settings. */
	private static function settings( array $lines ): string {
		return implode( "\n", array_merge( $lines, [
			'$wgPasswordPolicy["policies"]["default"] += [',
			'	"MinimalPasswordCodePoints" => [ "value" => 8, "suggestChangeOnLogin" => true ],',
			'	"MaximalPasswordCodePoints" => 64,',
			'	"PasswordNotInBreachCorpus" => [ "value" => true, "forceChange" => true ],',
			'	"PasswordCannotContainContextWords" => [ "value" => true, "suggestChangeOnLogin" => true ],',
			'	"PasswordCannotContainDeniedWords" => true,',
			'	"PasswordCannotMatchDeniedPatterns" => true,',
			'	"PasswordNotInWordLists" => true,',
			'	"MinimalPasswordStrength" => [ "value" => 3, "suggestChangeOnLogin" => true ],',
			'];',
		] ) );
	}

	/** A generated breach list (random passwords plus the known members) through the real builder. */
	private static function buildCorpus(): void {
		$plain = [ self::BREACHED, self::BREACHED, self::BREACHED, self::RARE, self::RARE ];
		for ( $i = 0; $i < 20000; $i++ ) {
			$plain[] = bin2hex( random_bytes( 6 ) );
		}
		shuffle( $plain );
		file_put_contents( self::$dir . '/breach.txt', implode( "\n", $plain ) . "\n" );
		file_put_contents( self::$dir . '/pwned.txt', strtoupper( sha1( self::PWNED ) ) . ":40\n"
			. strtoupper( sha1( self::RARE . '-x' ) ) . ":2\n" );
		exec( implode( ' ', array_map( 'escapeshellarg', [
			self::BUILDER, 'build', '--quiet', '--min-count', '3', '--output', self::$dir . '/corpus.npp',
			self::$dir . '/breach.txt', self::$dir . '/pwned.txt',
		] ) ) . ' 2>&1', $output, $status );
		if ( $status !== 0 ) {
			throw new RuntimeException( 'npp-breach-corpus failed: ' . implode( "\n", $output ) );
		}
	}

	/**
	 * @return array{0:string,1:array<string,string>} Validity, and message code => text
	 */
	private static function validate( ThrowawayWiki $wiki, string $password, array $params = [] ): array {
		$answer = $wiki->client()->post( [
			'action' => 'validatepassword', 'password' => $password, 'formatversion' => 2,
			'errorformat' => 'plaintext', 'uselang' => 'en',
		] + $params );
		if ( !isset( $answer['validatepassword'] ) ) {
			throw new RuntimeException( json_encode( $answer ) );
		}
		return [
			$answer['validatepassword']['validity'],
			array_column( $answer['validatepassword']['validitymessages'] ?? [], 'text', 'code' ),
		];
	}

	/** @return string[] Message codes of validatepassword on the full wiki */
	private static function codes( string $password, array $params = [] ): array {
		return array_keys( self::validate( self::$full, $password, $params )[1] );
	}

	public function testAGoodPasswordPassesEveryCheck(): void {
		$this->assertSame( [ 'Good', [] ], self::validate( self::$full, self::GOOD ) );
		$this->assertSame( [ 'Good', [] ], self::validate( self::$full, self::GOOD,
			[ 'user' => 'Jane Doeson', 'email' => 'jane@mailhost.example', 'realname' => 'Jane Doeson' ] ) );
	}

	public function testSpecialPasswordPoliciesDescribesTheChecks(): void {
		$html = file_get_contents( self::$full->url() . '/index.php?title=Special:PasswordPolicies&uselang=en' );
		foreach ( [
			'Password must be at least 8 characters long, counted as Unicode characters after normalization',
			'Password cannot be in the list of passwords known from data breaches',
			'Password cannot contain the username, the real name, parts of the email address or the name of this site',
			'Password must have an estimated strength of at least 3 on a scale from 0 to 4',
		] as $description ) {
			$this->assertStringContainsString( $description, $html );
		}
	}

	public function testBreachCorpusWithMinimumCount(): void {
		foreach ( [ self::BREACHED, self::PWNED ] as $password ) {
			[ $validity, $messages ] = self::validate( self::$full, $password );
			$this->assertSame( 'Change', $validity );
			$this->assertSame( [ 'nativepasswordpolicy-password-in-breach-corpus' => 'This password has appeared in a '
				. 'known data breach, so attackers are likely to try it. Please choose a different password.' ], $messages );
		}
		// Seen twice, below the minimum count of 3: not in the corpus.
		$this->assertSame( [ 'Good', [] ], self::validate( self::$full, self::RARE ) );
		// NFKC on: the fullwidth form of a breached password is looked up as its normal form.
		$fullwidth = mb_convert_kana( self::BREACHED, 'A', 'UTF-8' );
		$this->assertNotSame( self::BREACHED, $fullwidth );
		$this->assertContains( 'nativepasswordpolicy-password-in-breach-corpus', self::codes( $fullwidth ) );
	}

	public function testCodePointLengthsAfterNfkc(): void {
		// Seven characters, fourteen code points before NFKC (e + combining acute accent).
		$decomposed = str_repeat( "e\u{301}", 7 );
		[ $validity, $messages ] = self::validate( self::$full, $decomposed );
		$this->assertSame( 'Passwords must be at least 8 characters long.',
			$messages['nativepasswordpolicy-password-too-few-characters'] ?? null );
		// Eight Greek letters are 16 bytes and 8 code points: long enough.
		$this->assertNotContains( 'nativepasswordpolicy-password-too-few-characters', self::codes( 'αβγδεζηθ' ) );
		$this->assertSame( 'Passwords must not be longer than 64 characters.',
			self::validate( self::$full, str_repeat( 'Ωmega-', 11 ) )[1]['nativepasswordpolicy-password-too-many-characters'] ?? null );
		$this->assertNotContains( 'nativepasswordpolicy-password-too-many-characters', self::codes( str_repeat( 'Ωmega-', 10 ) ) );
		// NFKC before every check, core's too: the fullwidth "password" is common after normalisation.
		$this->assertContains( 'passwordincommonlist', self::codes( 'ｐａｓｓｗｏｒｄ' ) );
		$this->assertNotContains( 'passwordincommonlist', array_keys( self::validate( self::$broken, 'ｐａｓｓｗｏｒｄ' )[1] ),
			'without NFKC, core\'s check sees other bytes' );
	}

	public static function provideContextWords(): array {
		$account = [ 'user' => 'Quentin Marlowe', 'email' => 'seafarer77@harborview.example', 'realname' => 'Beatrix Okonkwo' ];
		return [
			'user name' => [ 'Secret-QUENTIN-and-more', $account, 'username', 'Passwords must not contain your username.' ],
			'user name, leetspeak' => [ 'my-m4rl0w3-ph-rase', $account, 'username', 'Passwords must not contain your username.' ],
			'real name' => [ 'Okonkwo-tree-river', $account, 'realname', 'Passwords must not contain your real name.' ],
			'real name, leetspeak' => [ 'B3atr!x-tree-river', $account, 'realname', 'Passwords must not contain your real name.' ],
			'e-mail local part' => [ 'Seafarer77-tree-river', $account, 'email',
				'Passwords must not contain parts of your email address.' ],
			'e-mail domain' => [ 'tree-HarborView-river', $account, 'email',
				'Passwords must not contain parts of your email address.' ],
			'site name' => [ 'I love 4CME, really', [], 'sitename',
				'Passwords must not contain the name of this site (Acme Wiki).' ],
		];
	}

	/**
	 * @dataProvider provideContextWords
	 */
	public function testContextWords( string $password, array $account, string $field, string $text ): void {
		[ , $messages ] = self::validate( self::$full, $password, $account );
		$this->assertSame( $text, $messages["nativepasswordpolicy-password-contains-$field"] ?? null, json_encode( $messages ) );
		$other = array_filter( array_keys( $messages ),
			static fn ( $code ) => str_starts_with( $code, 'nativepasswordpolicy-password-contains-' ) );
		$this->assertSame( [ "nativepasswordpolicy-password-contains-$field" ], array_values( $other ) );
	}

	public function testShortContextTokensAreIgnored(): void {
		// "Bo" and "Yu" are shorter than four characters (the whole name "BoYu" is not).
		$this->assertSame( [ 'Good', [] ], self::validate( self::$full, 'Bo-' . self::GOOD . '-Yu',
			[ 'user' => 'Bo Yu', 'realname' => 'Bo Yu' ] ) );
		$this->assertContains( 'nativepasswordpolicy-password-contains-realname',
			self::codes( self::GOOD . '-boyu', [ 'user' => 'Bo Yu', 'realname' => 'Bo Yu' ] ) );
	}

	public function testDenyWordsAndPatterns(): void {
		$denied = 'This password contains a word that is not allowed on this site.';
		$this->assertSame( $denied, self::validate( self::$full, 'Orbit-C0NT0S0-Mirror-Velvet' )[1]
			['nativepasswordpolicy-password-contains-denied-word'] ?? null );
		$this->assertContains( 'nativepasswordpolicy-password-contains-denied-word', self::codes( 'velvet fa-bri-kam orbit' ) );
		$pattern = 'This password follows a pattern that is not allowed on this site.';
		$this->assertSame( $pattern, self::validate( self::$full, 'Winter2026!' )[1]
			['nativepasswordpolicy-password-matches-denied-pattern'] ?? null );
		$this->assertContains( 'nativepasswordpolicy-password-matches-denied-pattern', self::codes( '8675309123456' ) );
		$this->assertNotContains( 'nativepasswordpolicy-password-matches-denied-pattern', self::codes( 'Winter2026!x' ) );
	}

	public function testWordListsCaseSensitiveOrNotAndReloadedAfterRename(): void {
		$listed = 'This password is on this site\'s list of forbidden passwords.';
		$key = 'nativepasswordpolicy-password-in-word-list';
		$this->assertSame( $listed, self::validate( self::$full, 'Sommerferien2026' )[1][$key] ?? null );
		$this->assertNotContains( $key, self::codes( 'sommerferien2026' ), 'the first list is exact' );
		// NFKC on: the decomposed form of the listed word is the listed word.
		$this->assertContains( $key, self::codes( "Kirschblu\u{308}te" ) );
		$this->assertContains( $key, self::codes( 'ZEBRAFISCHTEICH' ), 'the second list ignores case' );

		// The operator replaces the list: a new file renamed over the old one.
		file_put_contents( self::$dir . '/folded.new', "Pfauenfederkiel\n" );
		rename( self::$dir . '/folded.new', self::$dir . '/folded.txt' );
		// Each PHP process looks at a file again at most once a second; both workers answer.
		usleep( 1_200_000 );
		for ( $i = 0; $i < 4; $i++ ) {
			$this->assertContains( $key, self::codes( 'pfauenFEDERkiel' ) );
			$this->assertNotContains( $key, self::codes( 'zebrafischteich' ) );
		}
	}

	public function testStrengthFeedbackIsTranslated(): void {
		$client = self::$full->client();
		$answer = $client->post( [
			'action' => 'validatepassword', 'password' => 'qwertyuiop', 'formatversion' => 2,
			'errorformat' => 'plaintext', 'uselang' => 'de',
		] );
		$messages = array_column( $answer['validatepassword']['validitymessages'], 'text', 'code' );
		// Core's message in German; the extension's fall back to English, as MediaWiki does.
		$this->assertStringStartsWith( 'Das eingegebene Passwort', $messages['passwordincommonlist'] );
		$this->assertSame( 'This password is too easy to guess: its estimated strength is 0 on a scale from 0 to 4, '
			. 'and at least 3 is required.', $messages['nativepasswordpolicy-password-too-weak'] );
		$this->assertSame( 'This is one of the 100 most common passwords.',
			$messages['nativepasswordpolicy-strength-warning-top100'] ?? null, json_encode( $messages ) );
		$this->assertSame( 'Add another word or two. Uncommon words are better.',
			$messages['nativepasswordpolicy-strength-suggestion-another-word'] ?? null );
		$this->assertSame( 'Straight rows of keys are easy to guess.',
			self::validate( self::$full, 'zxcvbnm,./' )[1]['nativepasswordpolicy-strength-warning-straight-rows'] ?? null );
		$this->assertSame( 'Avoid recent years.',
			self::validate( self::$full, 'abc2022' )[1]['nativepasswordpolicy-strength-suggestion-avoid-recent-years'] ?? null );
		$this->assertSame( 'Predictable substitutions like "@" instead of "a" do not help very much.',
			self::validate( self::$full, 'Pa$$w0rd' )[1]['nativepasswordpolicy-strength-suggestion-substitutions'] ?? null );
		// English text for every feedback key, never a raw key.
		foreach ( $messages as $code => $text ) {
			$this->assertStringNotContainsString( 'nativepasswordpolicy-', $text, $code );
		}
	}

	public function testAccountCreationShowsTheMessages(): void {
		$client = self::$full->client();
		$answer = $client->post( [
			'action' => 'createaccount', 'username' => 'Breach Victim', 'password' => self::BREACHED,
			'retype' => self::BREACHED, 'createreturnurl' => 'http://127.0.0.1/',
			'createtoken' => $client->token( 'createaccount' ), 'uselang' => 'en',
		] );
		$this->assertSame( 'FAIL', $answer['createaccount']['status'] ?? null, json_encode( $answer ) );
		$this->assertStringContainsString( 'This password has appeared in a known data breach',
			$answer['createaccount']['message'] );
		// The user name is context at account creation too.
		$answer = $client->post( [
			'action' => 'createaccount', 'username' => 'Lysander Quill', 'password' => 'Orbit-Lysander-Cobalt-68',
			'retype' => 'Orbit-Lysander-Cobalt-68', 'createreturnurl' => 'http://127.0.0.1/',
			'createtoken' => $client->token( 'createaccount' ), 'uselang' => 'en',
		] );
		$this->assertSame( 'FAIL', $answer['createaccount']['status'] ?? null, json_encode( $answer ) );
		$this->assertStringContainsString( 'Passwords must not contain your username.', $answer['createaccount']['message'] );
		// And a good password creates the account.
		$answer = $client->post( [
			'action' => 'createaccount', 'username' => 'Lysander Quill', 'password' => self::GOOD,
			'retype' => self::GOOD, 'createreturnurl' => 'http://127.0.0.1/',
			'createtoken' => $client->token( 'createaccount' ),
		] );
		$this->assertSame( 'PASS', $answer['createaccount']['status'] ?? null, json_encode( $answer ) );
	}

	public function testLoginWithABreachedPasswordMustChangeIt(): void {
		self::$full->createUsers( [ [ 'name' => 'Old Breached', 'password' => self::PWNED ] ] );
		$client = self::$full->client();
		$answer = $client->post( [
			'action' => 'clientlogin', 'username' => 'Old Breached', 'password' => self::PWNED,
			'loginreturnurl' => 'http://127.0.0.1/', 'uselang' => 'en', 'logintoken' => $client->token( 'login' ),
		] );
		$this->assertSame( 'UI', $answer['clientlogin']['status'] ?? null, json_encode( $answer ) );
		$this->assertStringContainsString( 'This password has appeared in a known data breach', $answer['clientlogin']['message'] );
		// forceChange: the form has no "skip" button.
		$this->assertArrayNotHasKey( 'skipReset', $answer['clientlogin']['requests'][0]['fields'] ?? [] );
	}

	public function testPasswordChangeShowsTheMessages(): void {
		self::$full->createUsers( [ [ 'name' => 'Tamsin Ferreira', 'password' => self::GOOD,
			'realName' => 'Tamsin Ferreira', 'email' => 'tamsin@lighthouse.example' ] ] );
		$client = self::$full->client();
		$this->assertSame( 'PASS', $client->clientLogin( 'Tamsin Ferreira', self::GOOD )['clientlogin']['status'] );
		$change = static fn ( string $password ) => $client->post( [
			'action' => 'changeauthenticationdata', 'changeauthrequest' => 'MediaWiki\\Auth\\PasswordAuthenticationRequest',
			'password' => $password, 'retype' => $password, 'changeauthtoken' => $client->token( 'csrf' ),
			'uselang' => 'en', 'errorformat' => 'plaintext', 'formatversion' => 2,
		] );
		// The stored address is context of a logged-in user.
		$answer = $change( 'Lighthouse-Orbit-Velvet-42' );
		$this->assertStringContainsString( 'Passwords must not contain parts of your email address.', json_encode( $answer ),
			json_encode( $answer ) );
		$answer = $change( self::BREACHED );
		$this->assertStringContainsString( 'This password has appeared in a known data breach', json_encode( $answer ) );
		$answer = $change( 'Quartz-Violin-Harbor-Meadow-77' );
		$this->assertSame( 'success', $answer['changeauthenticationdata']['status'] ?? null, json_encode( $answer ) );
	}

	public function testChecksThatCannotRunPassAndAreLogged(): void {
		$logged = strlen( self::$broken->log( 'nativepasswordpolicy.log' ) );
		foreach ( [ self::BREACHED, 'Sommerferien2026' ] as $password ) {
			[ $validity, $messages ] = self::validate( self::$broken, $password );
			$this->assertSame( 'Good', $validity, json_encode( $messages ) );
		}
		$log = substr( self::$broken->log( 'nativepasswordpolicy.log' ), $logged );
		$this->assertStringContainsString( 'truncated.npp', $log );
		$this->assertStringContainsString( 'missing.txt', $log );
		$this->assertStringContainsString( 'Password check PasswordNotInBreachCorpus cannot run, so it passes every password', $log );
		$this->assertStringContainsString( 'Password check PasswordNotInWordLists cannot run, so it passes every password', $log );
		$this->assertSame( 2, substr_count( $log, 'PasswordNotInBreachCorpus cannot run' ), 'once per request' );
		$this->assertStringNotContainsString( self::BREACHED, $log, 'no password in the log' );
		// The checks that can run still do.
		$this->assertContains( 'nativepasswordpolicy-password-contains-username',
			array_keys( self::validate( self::$broken, 'Ulrike-Orbit-Cobalt-68', [ 'user' => 'Ulrike Brandt' ] )[1] ) );
	}
}
