<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Http;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;
use PHPUnit\Framework\TestCase;

/**
 * Audit mode on a served wiki: an account created, logged in and its password changed over the
 * API with a password an audited check would refuse — nothing refused, nothing asked at login,
 * each event counted in the main stash (the wiki's database here) as maintenance/auditCounts.php
 * and Special:Version show, logged without the password.
 *
 * @coversNothing
 */
class AuditModeTest extends TestCase {

	private const SETTINGS = <<<'PHP'
		$wgNativePasswordPolicyAudit = [ 'default' => [ 'MinimalPasswordCodePoints' => [ 'value' => 40, 'forceChange' => true ] ] ];
		PHP;

	/** 25 characters: under the audited 40. */
	private const PASSWORD = 'Juniper-Falcon-Cobalt-642';
	private const NEXT = 'Quartz-Meadow-Lantern-917';

	public function testNothingIsRefusedAndEveryEventIsCounted(): void {
		$wiki = ThrowawayWiki::start( [ 'settings' => self::SETTINGS ] );
		try {
			$client = $wiki->client();
			$answer = $client->post( [
				'action' => 'createaccount', 'username' => 'Audra', 'password' => self::PASSWORD, 'retype' => self::PASSWORD,
				'createreturnurl' => 'http://127.0.0.1/', 'createtoken' => $client->token( 'createaccount' ),
			] );
			$this->assertSame( 'PASS', $answer['createaccount']['status'] ?? null, json_encode( $answer ) );
			$login = $client->clientLogin( 'Audra', self::PASSWORD );
			$this->assertSame( 'PASS', $login['clientlogin']['status'] ?? null, 'no change asked for: ' . json_encode( $login ) );
			$answer = $client->post( [
				'action' => 'changeauthenticationdata', 'changeauthrequest' => 'MediaWiki\\Auth\\PasswordAuthenticationRequest',
				'password' => self::NEXT, 'retype' => self::NEXT, 'changeauthtoken' => $client->token( 'csrf' ),
			] );
			$this->assertSame( 'success', $answer['changeauthenticationdata']['status'] ?? null, json_encode( $answer ) );

			$rows = json_decode( $wiki->maintenance( dirname( __DIR__, 2 ) . '/maintenance/auditCounts.php', [ '--json' ] ), true );
			$counts = [];
			foreach ( $rows as $row ) {
				$counts[$row['event']] = $row['count'];
				$this->assertSame( [ 'default', 'MinimalPasswordCodePoints' ], [ $row['group'], $row['check'] ] );
			}
			// Once each, although core checks the password more than once in a login (both
			// password providers) and an account creation.
			$this->assertSame( [ 'login' => 1, 'change' => 1, 'create' => 1 ], $counts );
			$table = $wiki->maintenance( dirname( __DIR__, 2 ) . '/maintenance/auditCounts.php' );
			$this->assertMatchesRegularExpression( '/^default\s+MinimalPasswordCodePoints\s+login\s+1$/m', $table );

			$page = file_get_contents( $wiki->url() . '/index.php?title=Special:Version&uselang=en' );
			$this->assertStringContainsString( 'Audit mode: <code>MinimalPasswordCodePoints</code> of group <code>default</code> '
				. 'would have refused 1 password at login, 1 on a password change and 1 at account creation', $page );

			$log = $wiki->log( 'nativepasswordpolicy.log' );
			$this->assertStringContainsString( 'Audit: the password of Audra would fail MinimalPasswordCodePoints of group default (login)', $log );
			$this->assertStringNotContainsString( self::PASSWORD, $log );
			$this->assertStringNotContainsString( self::NEXT, $log );
		} finally {
			$wiki->stop();
		}
	}
}
