<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Hooks;

use MediaWiki\Extension\NativePasswordPolicy\Reset\ResetWorkEqualizer;
use MediaWiki\Hook\UserMailerTransformContentHook;

/**
 * Tells the reset's work equalizer that a mail leaves: the sign of a real reset.
 */
class ResetMailHandler implements UserMailerTransformContentHook {

	public function __construct( private readonly ResetWorkEqualizer $equalizer ) {
	}

	/** @inheritDoc */
	public function onUserMailerTransformContent( $to, $from, &$body, &$error ) {
		$this->equalizer->noteMail();
	}
}
