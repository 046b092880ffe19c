<?php
/**
 * Checks a password against a user's effective password policy, the way MediaWiki checks it
 * when the user sets it (User::checkPasswordValidity(): the policy of the user's groups, the
 * IsValidPassword hook, the configured checks), and prints every message, translated.
 *
 * The password is read from standard input (prompted without echo on a terminal) or from a
 * file, never from the command line, where other users could see it in the process list. One
 * trailing line break is removed.
 *
 *   echo -n 'secret' | php maintenance/checkPassword.php --user Alice
 *   php maintenance/checkPassword.php --user Alice --password-file /root/candidate.txt [--json] [--lang de]
 *
 * Exit codes, as action=validatepassword's validity:
 *   0  Good: the password passes every check
 *   2  Change: the password may be set, but the policy asks for a change (non-fatal failures)
 *   3  Invalid: the password cannot be set (fatal failures), or login with it is refused
 *   1  the check could not be done (no such user, no password given, unreadable file, MediaWiki error)
 *
 * @license GPL-2.0-or-later
 * @file
 */

namespace MediaWiki\Extension\NativePasswordPolicy\Maintenance;

use MediaWiki\Extension\NativePasswordPolicy\Compat\ClassAliases;
use MediaWiki\Extension\NativePasswordPolicy\Setup\ModuleStatus;
use MediaWiki\Maintenance\Maintenance;
use MediaWiki\MediaWikiServices;
use MediaWiki\Message\Converter;
use MediaWiki\Message\Message;
use MediaWiki\Status\Status;

$IP = getenv( 'MW_INSTALL_PATH' );
if ( $IP === false ) {
	$IP = __DIR__ . '/../../..';
}
require_once "$IP/maintenance/Maintenance.php";
// Core's namespaced class names on MediaWiki 1.39 too, before this file declares its class.
require_once __DIR__ . '/../php/Compat/ClassAliases.php';
ClassAliases::register();

class CheckPassword extends Maintenance {

	public const EXIT_GOOD = 0;
	public const EXIT_ERROR = 1;
	public const EXIT_CHANGE = 2;
	public const EXIT_INVALID = 3;

	public function __construct() {
		parent::__construct();
		$this->requireExtension( 'NativePasswordPolicy' );
		$this->addDescription( "Check a password against a user's effective password policy and print every "
			. 'message. The password is read from standard input or --password-file, never from the command line. '
			. 'Exit code: 0 Good, 2 Change, 3 Invalid, 1 could not check.' );
		$this->addOption( 'user', 'The user whose policy applies (an existing account)', false, true );
		$this->addOption( 'password-file', 'Read the password from this file instead of standard input', false, true );
		$this->addOption( 'lang', 'Language of the messages (default: the wiki\'s content language)', false, true );
		$this->addOption( 'json', 'Print JSON instead of text' );
	}

	public function execute() {
		$name = $this->getOption( 'user' );
		if ( $name === null || $name === '' ) {
			$this->fatalError( 'Give the user with --user NAME.', self::EXIT_ERROR );
		}
		$services = MediaWikiServices::getInstance();
		$user = $services->getUserFactory()->newFromName( $name );
		if ( !$user || !$user->isRegistered() ) {
			$this->fatalError( "No such user: $name", self::EXIT_ERROR );
		}
		$language = $this->getOption( 'lang' ) ?? $services->getContentLanguage()->getCode();
		if ( !$services->getLanguageNameUtils()->isValidCode( $language ) ) {
			$this->fatalError( "Invalid language code: $language", self::EXIT_ERROR );
		}
		$password = $this->readPassword();

		$status = $user->checkPasswordValidity( $password );
		$validity = $status->isGood() ? 'Good' : ( $status->isOK() ? 'Change' : 'Invalid' );
		$report = [
			'user' => $user->getName(),
			'groups' => $services->getUserGroupManager()->getUserEffectiveGroups( $user ),
			'validity' => $validity,
			'messages' => $this->messages( $status, $language ),
			'forceChange' => !empty( $status->getValue()['forceChange'] ),
			'suggestChangeOnLogin' => !empty( $status->getValue()['suggestChangeOnLogin'] ),
		];
		$this->output( $this->hasOption( 'json' )
			? json_encode( $report, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) . "\n"
			: $this->formatText( $report, $language ) );

		$code = [ 'Good' => self::EXIT_GOOD, 'Change' => self::EXIT_CHANGE, 'Invalid' => self::EXIT_INVALID ][$validity];
		if ( $code !== self::EXIT_GOOD ) {
			exit( $code );
		}
	}

	/**
	 * The password: from --password-file, else standard input (without echo on a terminal).
	 */
	private function readPassword(): string {
		$file = $this->getOption( 'password-file' );
		if ( $file !== null ) {
			$password = is_readable( $file ) && is_file( $file ) ? file_get_contents( $file ) : false;
			if ( $password === false ) {
				$this->fatalError( "Cannot read the password file $file", self::EXIT_ERROR );
			}
		} else {
			$password = $this->readStandardInput();
		}
		if ( $password === '' ) {
			$this->fatalError( 'No password given (standard input or --password-file; an empty password is '
				. 'a line break alone).', self::EXIT_ERROR );
		}
		// One trailing line break, as `echo` and editors add it; everything else is the password.
		return preg_replace( '/\r?\n\z/', '', $password, 1 );
	}

	private function readStandardInput(): string {
		$terminal = function_exists( 'posix_isatty' ) && posix_isatty( STDIN );
		if ( !$terminal ) {
			return (string)stream_get_contents( STDIN );
		}
		fwrite( STDERR, 'Password: ' );
		shell_exec( 'stty -echo' );
		try {
			$line = fgets( STDIN );
		} finally {
			shell_exec( 'stty echo' );
			fwrite( STDERR, "\n" );
		}
		return $line === false ? '' : $line;
	}

	/**
	 * @return array[] Each message of the status: type, key, params, translated text
	 */
	private function messages( Status $status, string $language ): array {
		$messages = [];
		foreach ( $status->getErrors() as $error ) {
			$message = Message::newFromSpecifier( $error['message'] )
				->params( $error['params'] ?? [] )
				->inLanguage( $language );
			$messages[] = [
				'type' => $error['type'],
				'key' => $message->getKey(),
				'params' => $message->getParams(),
				'text' => $message->text(),
			];
		}
		return $messages;
	}

	private function formatText( array $report, string $language ): string {
		$lines = [ sprintf( 'User: %s (groups: %s)', $report['user'], implode( ', ', $report['groups'] ) ) ];
		$lines[] = "Validity: {$report['validity']}";
		foreach ( $report['messages'] as $message ) {
			$lines[] = sprintf( '  %-7s %s: %s', $message['type'], $message['key'], $message['text'] );
		}
		if ( $report['forceChange'] ) {
			$lines[] = 'At login: the user must change this password (forceChange).';
		} elseif ( $report['suggestChangeOnLogin'] ) {
			$lines[] = 'At login: the user is asked to change this password (suggestChangeOnLogin).';
		}
		foreach ( ModuleStatus::detect()->problems() as $problem ) {
			$text = ( new Converter() )->convertMessageValue( $problem )->inLanguage( $language )->text();
			$lines[] = "Warning: $text";
		}
		return implode( "\n", $lines ) . "\n";
	}
}

$maintClass = CheckPassword::class;
require_once RUN_MAINTENANCE_IF_MAIN;
