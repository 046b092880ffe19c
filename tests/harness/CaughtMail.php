<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Harness;

/**
 * One mail caught by the SMTP sink: headers and decoded plain-text body.
 */
final class CaughtMail {

	/**
	 * @param array<string,string> $headers Lower-cased names, decoded values
	 * @param string $body Plain-text body, transfer encoding undone
	 * @param string $raw The mail as received
	 */
	private function __construct(
		public readonly array $headers,
		public readonly string $body,
		public readonly string $raw
	) {
	}

	public static function fromFile( string $file ): self {
		$raw = (string)file_get_contents( $file );
		[ $head, $body ] = array_pad( preg_split( "/\r?\n\r?\n/", $raw, 2 ), 2, '' );
		$headers = [];
		// Unfold continuation lines, then split "Name: value".
		foreach ( explode( "\n", preg_replace( "/\r?\n[ \t]+/", ' ', $head ) ) as $line ) {
			if ( str_contains( $line, ':' ) ) {
				[ $name, $value ] = explode( ':', $line, 2 );
				$headers[strtolower( trim( $name ) )] = iconv_mime_decode( trim( $value ), 0, 'UTF-8' ) ?: trim( $value );
			}
		}
		$encoding = strtolower( $headers['content-transfer-encoding'] ?? '' );
		if ( $encoding === 'quoted-printable' ) {
			$body = quoted_printable_decode( $body );
		} elseif ( $encoding === 'base64' ) {
			$body = (string)base64_decode( $body );
		}
		return new self( $headers, str_replace( "\r\n", "\n", $body ), $raw );
	}

	public function to(): string {
		return $this->headers['to'] ?? '';
	}

	public function subject(): string {
		return $this->headers['subject'] ?? '';
	}

	/**
	 * The temporary password of a password-reset mail: the line after "Temporary password:"
	 * (message passwordreset-emailelement), or null.
	 */
	public function temporaryPassword(): ?string {
		if ( preg_match( '/Temporary password:\s*\n?\s*(\S+)/', $this->body, $match ) ) {
			return $match[1];
		}
		return null;
	}
}
