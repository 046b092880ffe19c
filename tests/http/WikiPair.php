<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Http;

use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ApiClient;
use MediaWiki\Extension\NativePasswordPolicy\Tests\Harness\ThrowawayWiki;
use RuntimeException;

/**
 * Two throwaway wikis with identical settings and accounts, one without the extension
 * ("core") and one with it ("extension"), for tests that compare their answers.
 *
 * The settings let a request pick a configuration variant with the X-NPP-Variant header,
 * so that one pair of wikis serves every configuration the tests need.
 */
final class WikiPair {

	public const VARIANT_HEADER = 'X-NPP-Variant';

	/** Accounts of both wikis. */
	public const USERS = [
		[ 'name' => 'Alice', 'password' => 'Alice-Secret-2026', 'email' => 'alice@example.org' ],
		[ 'name' => 'Bob', 'password' => 'Bob-Secret-2026' ],
		[ 'name' => 'Carol', 'password' => 'Carol-Secret-2026', 'email' => 'carol@example.org', 'emailConfirmed' => false ],
		[ 'name' => 'Blocked', 'password' => 'Blocked-Secret-2026', 'email' => 'blocked@example.org' ],
		[ 'name' => 'Useruser', 'password' => 'Passpass-Secret' ],
	];

	/**
	 * Configuration variants, by X-NPP-Variant value (LocalSettings.php code). The default
	 * sends every reset: no rate limit, no resend throttle.
	 */
	private const VARIANTS = [
		'emaildisabled' => '$wgEnableEmail = false;',
		'routes-username' => '$wgPasswordResetRoutes = [ "username" => true, "email" => false ];',
		'routes-email' => '$wgPasswordResetRoutes = [ "username" => false, "email" => true ];',
		'routes-none' => '$wgPasswordResetRoutes = [ "username" => false, "email" => false ];',
		'noprivateinfo' => '$wgGroupPermissions["*"]["editmyprivateinfo"] = false;',
		'nowriteapi' => '$wgGroupPermissions["*"]["writeapi"] = false; $wgGroupPermissions["user"]["writeapi"] = false;',
		'noread' => '$wgGroupPermissions["*"]["read"] = false;',
		'ratelimited' => '$wgHooks["PingLimiter"][] = static function ( $user, $action, &$result ) {'
			. ' if ( $action === "mailpassword" ) { $result = true; return false; } };',
		'throttled' => '$wgPasswordReminderResendTime = 24;',
		'requireemail' => '$wgAllowRequiringEmailForResets = true;',
		'strictpolicy' => '$wgPasswordPolicy["policies"]["default"]["MinimumPasswordLengthToLogin"] = 6;'
			. ' $wgPasswordPolicy["policies"]["default"]["MinimalPasswordLength"] = [ "value" => 8, "forceChange" => true ];',
		'hookpolicy' => '$wgHooks["isValidPassword"][] = static function ( $password, &$result, $user ) {'
			. ' if ( $password === "vetoed-by-hook" ) { $result = "badretype"; return false; }'
			. ' if ( $password === "message-from-hook" ) { $result = "passwordtooshort"; return true; }'
			. ' if ( $password === "accepted-by-hook" ) { $result = true; return true; } };'
			. ' $wgHooks["PasswordPoliciesForUser"][] = static function ( $user, &$policy ) {'
			. ' $policy["MinimalPasswordLength"] = [ "value" => 12, "suggestChangeOnLogin" => true ]; };',
	];

	/** @var array<string,ThrowawayWiki> core, extension */
	public readonly array $wikis;

	/** @param array<string,ThrowawayWiki> $wikis */
	private function __construct( array $wikis ) {
		$this->wikis = $wikis;
	}

	/**
	 * @param string $extraSettings Appended to both wikis' settings
	 * @param array $options More ThrowawayWiki options (server, workers...)
	 */
	public static function start( string $extraSettings = '', array $options = [] ): self {
		$settings = implode( "\n", [
			'$wgRateLimits["mailpassword"] = [];',
			'$wgPasswordReminderResendTime = 0;',
			'switch ( $_SERVER["HTTP_' . strtoupper( str_replace( '-', '_', self::VARIANT_HEADER ) ) . '"] ?? "" ) {',
		] );
		foreach ( self::VARIANTS as $name => $code ) {
			$settings .= "\n\tcase " . var_export( $name, true ) . ": $code break;";
		}
		$settings .= "\n}\n" . $extraSettings;

		$wikis = [];
		try {
			foreach ( [ 'core' => false, 'extension' => true ] as $label => $withExtension ) {
				$wikis[$label] = ThrowawayWiki::start(
					[ 'extension' => $withExtension, 'settings' => $settings ] + $options
				);
				$wikis[$label]->createUsers( self::USERS );
			}
		} catch ( RuntimeException $e ) {
			foreach ( $wikis as $wiki ) {
				$wiki->stop();
			}
			throw $e;
		}
		$pair = new self( $wikis );
		$pair->blockUser( 'Blocked' );
		return $pair;
	}

	public function stop(): void {
		foreach ( $this->wikis as $wiki ) {
			$wiki->stop();
		}
	}

	/**
	 * A logged-in client on each wiki.
	 *
	 * @return array<string,ApiClient> By wiki label
	 */
	public function loggedIn( string $user, string $password ): array {
		$clients = [];
		foreach ( $this->wikis as $label => $wiki ) {
			$client = $wiki->client();
			$answer = $client->clientLogin( $user, $password );
			if ( ( $answer['clientlogin']['status'] ?? '' ) !== 'PASS' ) {
				throw new RuntimeException( "$user cannot log in to the $label wiki: " . json_encode( $answer ) );
			}
			$clients[$label] = $client;
		}
		return $clients;
	}

	/**
	 * Blocks the account (and account creation, so that the block applies to password resets)
	 * on both wikis, as the administrator.
	 */
	private function blockUser( string $user ): void {
		foreach ( $this->loggedIn( ThrowawayWiki::ADMIN_USER, ThrowawayWiki::ADMIN_PASSWORD ) as $label => $admin ) {
			$answer = $admin->post( [
				'action' => 'block',
				'user' => $user,
				'expiry' => 'infinite',
				'nocreate' => 1,
				'reason' => 'test',
				'token' => $admin->token(),
			] );
			if ( !isset( $answer['block'] ) ) {
				throw new RuntimeException( "Cannot block $user on the $label wiki: " . json_encode( $answer ) );
			}
		}
	}
}
