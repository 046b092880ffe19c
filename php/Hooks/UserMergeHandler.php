<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Hooks;

use MediaWiki\Extension\NativePasswordPolicy\History\PasswordHistory;

/**
 * Deletes an account's password history with the account. MediaWiki core deletes no
 * accounts; the UserMerge extension does (merge and delete), and runs this hook for the
 * tables it deletes the old account's rows from. A rename keeps the user ID, and with it the
 * history. Without UserMerge the hook never runs.
 */
class UserMergeHandler {

	/**
	 * UserMergeAccountDeleteTables (UserMerge): table => user ID field of the rows deleted
	 * with the merged account.
	 *
	 * @param array &$tablesToDelete
	 */
	public function onUserMergeAccountDeleteTables( array &$tablesToDelete ): void {
		$tablesToDelete[PasswordHistory::TABLE] = 'nph_user';
	}
}
