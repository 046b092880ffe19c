<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Policy;

use MediaWiki\Status\Status;

/**
 * The Status core's PasswordPolicyChecks would return, from the failures the module reports:
 * each an error or a fatal error, with core's message key and parameters (PHP types kept).
 */
final class FailureStatus {

	/**
	 * @param array[] $failures Each [ 'message' => string, 'params' => array, 'fatal' => bool ]
	 * @return Status
	 */
	public static function of( array $failures ): Status {
		$status = new Status();
		foreach ( $failures as $failure ) {
			if ( $failure['fatal'] ) {
				$status->fatal( $failure['message'], ...$failure['params'] );
			} else {
				$status->error( $failure['message'], ...$failure['params'] );
			}
		}
		return $status;
	}
}
