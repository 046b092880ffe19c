<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Auth;

use MediaWiki\Config\ConfigException;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\NativePasswordPolicy\History\PasswordHistory;
use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWiki\Extension\NativePasswordPolicy\Policy\PolicyEngine;
use MediaWiki\Password\UserPasswordPolicy;
use MediaWiki\User\UserFactory;
use NativePasswordPolicy\EngineException;
use NativePasswordPolicy\PasswordGenerator;
use Psr\Log\LoggerInterface;
use RuntimeException;

/**
 * Makes temporary passwords in the native module (OS CSPRNG, configured alphabet and length)
 * that satisfy the effective password policy of the user they are for.
 */
class TemporaryPasswordGenerator {

	public const CONSTRUCTOR_OPTIONS = [
		'NativePasswordPolicyTemporaryPasswordAlphabet',
		'NativePasswordPolicyTemporaryPasswordLength',
		'PasswordPolicy',
	];

	/**
	 * Passwords checked against the user's full policy (hooks and PHP checks included) before
	 * giving up; the native checks are already met by every draw, so a second draw is only
	 * needed when a check of another extension rejects a random password.
	 */
	private const ATTEMPTS = 3;

	/** Null when the module is not loaded: no temporary password can be made */
	private ?PasswordGenerator $native = null;

	/**
	 * @param ServiceOptions $options
	 * @param PolicyEngine $policyEngine
	 * @param UserFactory $userFactory
	 * @param LoggerInterface $logger
	 * @param PasswordHistory $history Told of each password drawn, which it need not look up
	 * @throws ConfigException When the alphabet or length is refused
	 */
	public function __construct(
		private readonly ServiceOptions $options,
		private readonly PolicyEngine $policyEngine,
		private readonly UserFactory $userFactory,
		private readonly LoggerInterface $logger,
		private readonly PasswordHistory $history
	) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		if ( NativeModule::isLoaded() ) {
			$this->native = self::newNative(
				$options->get( 'NativePasswordPolicyTemporaryPasswordAlphabet' ),
				$options->get( 'NativePasswordPolicyTemporaryPasswordLength' )
			);
		}
	}

	/**
	 * Whether temporary passwords can be made (the module is loaded).
	 */
	public function isAvailable(): bool {
		return $this->native !== null;
	}

	/**
	 * The setting a ConfigException of newNative() is about, as written in LocalSettings.php.
	 */
	public static function settingOf( ConfigException $e ): string {
		return preg_match( '/^(\$wg\w+)/', $e->getMessage(), $m )
			? $m[1] : '$wgNativePasswordPolicyTemporaryPasswordAlphabet';
	}

	/**
	 * The native generator for the two settings.
	 *
	 * @param mixed $alphabet `$wgNativePasswordPolicyTemporaryPasswordAlphabet`
	 * @param mixed $length `$wgNativePasswordPolicyTemporaryPasswordLength`
	 * @return PasswordGenerator
	 * @throws ConfigException Naming the setting at fault and why
	 */
	public static function newNative( $alphabet, $length ): PasswordGenerator {
		$alphabet ??= '';
		if ( !is_string( $alphabet ) ) {
			throw new ConfigException( '$wgNativePasswordPolicyTemporaryPasswordAlphabet must be a string or null.' );
		}
		if ( $length !== null && !is_int( $length ) ) {
			throw new ConfigException( '$wgNativePasswordPolicyTemporaryPasswordLength must be an integer or null.' );
		}
		try {
			new PasswordGenerator( $alphabet, null );
		} catch ( EngineException $e ) {
			throw self::configError( 'NativePasswordPolicyTemporaryPasswordAlphabet', $e );
		}
		try {
			return new PasswordGenerator( $alphabet, $length );
		} catch ( EngineException $e ) {
			throw self::configError( 'NativePasswordPolicyTemporaryPasswordLength', $e );
		}
	}

	/**
	 * @return PasswordGenerator The configured native generator
	 */
	public function getNative(): PasswordGenerator {
		return $this->native ?? throw new RuntimeException( 'The PHP module ' . NativeModule::NAME . ' is not loaded' );
	}

	/**
	 * A temporary password for a user, good for their effective policy.
	 *
	 * The native module draws a password that passes every check it runs; the password is then
	 * checked like any password the user sets (User::checkPasswordValidity(), so hooks and checks
	 * of other extensions count too) and drawn again if that fails. If every attempt fails, the
	 * policy rejects random passwords: the last one is returned and the caller's validity check
	 * reports the policy's error, as core does with its own temporary passwords.
	 *
	 * @param string $username A canonical user name (the account may not exist yet)
	 * @return string
	 */
	public function generateFor( string $username ): string {
		$native = $this->getNative();
		$user = $this->userFactory->newFromName( $username, UserFactory::RIGOR_NONE );
		if ( !$user ) {
			return $native->generate( 0 );
		}
		$policy = $this->options->get( 'PasswordPolicy' );
		$policies = ( new UserPasswordPolicy( $policy['policies'], $policy['checks'] ) )->getPoliciesForUser( $user );
		$password = '';
		for ( $attempt = 1; $attempt <= self::ATTEMPTS; $attempt++ ) {
			$password = $this->policyEngine->generatePassword( $native, $user, $policies );
			$this->history->exempt( $user->getName(), $password, PasswordHistory::EXEMPT_TEMPORARY );
			if ( $user->checkPasswordValidity( $password )->isGood() ) {
				return $password;
			}
		}
		// Never log the password itself.
		$this->logger->warning(
			'The password policy of {user} rejected {attempts} random temporary passwords.',
			[ 'user' => $username, 'attempts' => self::ATTEMPTS ]
		);
		return $password;
	}

	private static function configError( string $setting, EngineException $e ): ConfigException {
		return new ConfigException(
			"\$wg$setting: " . preg_replace( '/^invalid configuration: /', '', $e->getMessage() )
				. '. Fix it in LocalSettings.php, or remove it to use the default.'
		);
	}
}
