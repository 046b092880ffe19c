<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Compat;

use AutoLoader;
use Closure;

/**
 * The extension's one version seam: the namespaced names of core's classes on MediaWiki 1.39.
 *
 * The extension names core's classes as 1.43 does (MediaWiki\Status\Status, ...). Most of them
 * got these names between 1.40 and 1.43, which keep the old global names as deprecated aliases;
 * 1.39 has only the global names. Where MediaWiki's own autoloader cannot load a name of the
 * table, it is declared here as an alias of the class's 1.39 name. Where it can (1.43), nothing
 * is declared: core's own classes are never shadowed.
 *
 * An alias is declared as soon as its 1.39 class is loaded, not only when the namespaced name
 * is asked for: type declarations, `catch` and `instanceof` never autoload, so an object of a
 * 1.39 class (a Status made by core) must match the namespaced name the first time it meets one.
 *
 * Registered first thing by the registration callback, and by the extension's maintenance
 * scripts before they declare their classes (which happens before MediaWiki's setup).
 */
final class ClassAliases {

	/**
	 * Namespaced name => the same class's name in MediaWiki 1.39.
	 * @phpcs-require-sorted-array
	 */
	public const CLASSES = [
		'MediaWiki\\Api\\ApiBase' => 'ApiBase',
		'MediaWiki\\Api\\ApiCheckToken' => 'ApiCheckToken',
		'MediaWiki\\Api\\ApiMain' => 'ApiMain',
		'MediaWiki\\Api\\ApiModuleManager' => 'ApiModuleManager',
		'MediaWiki\\Api\\ApiResetPassword' => 'ApiResetPassword',
		'MediaWiki\\Api\\ApiUsageException' => 'ApiUsageException',
		'MediaWiki\\Api\\ApiValidatePassword' => 'ApiValidatePassword',
		'MediaWiki\\Config\\Config' => 'Config',
		'MediaWiki\\Config\\ConfigException' => 'ConfigException',
		'MediaWiki\\Config\\HashConfig' => 'HashConfig',
		'MediaWiki\\Context\\RequestContext' => 'RequestContext',
		'MediaWiki\\Deferred\\DeferredUpdates' => 'DeferredUpdates',
		'MediaWiki\\Maintenance\\Maintenance' => 'Maintenance',
		'MediaWiki\\Message\\Message' => 'Message',
		'MediaWiki\\Parser\\Sanitizer' => 'Sanitizer',
		'MediaWiki\\Password\\Argon2Password' => 'Argon2Password',
		'MediaWiki\\Password\\Password' => 'Password',
		'MediaWiki\\Password\\PasswordFactory' => 'PasswordFactory',
		'MediaWiki\\Password\\PasswordPolicyChecks' => 'PasswordPolicyChecks',
		'MediaWiki\\Password\\UserPasswordPolicy' => 'UserPasswordPolicy',
		'MediaWiki\\Registration\\ExtensionRegistry' => 'ExtensionRegistry',
		'MediaWiki\\Request\\FauxRequest' => 'FauxRequest',
		'MediaWiki\\Status\\Status' => 'Status',
		'MediaWiki\\Tests\\Api\\ApiTestCase' => 'ApiTestCase',
		'MediaWiki\\User\\PasswordReset' => 'PasswordReset',
		'MediaWiki\\User\\User' => 'User',
		'Wikimedia\\ObjectCache\\APCUBagOStuff' => 'APCUBagOStuff',
		'Wikimedia\\ObjectCache\\BagOStuff' => 'BagOStuff',
		'Wikimedia\\ObjectCache\\EmptyBagOStuff' => 'EmptyBagOStuff',
		'Wikimedia\\ObjectCache\\HashBagOStuff' => 'HashBagOStuff',
	];

	/** The instance registered in this process, if any */
	private static ?self $registered = null;

	/** @var array<string,string> Lower-case namespaced name => namespaced name */
	private array $namespacedNames = [];

	/** @var array<string,string> Lower-case namespaced name => 1.39 name */
	private array $oldNameOf = [];

	/** @var array<string,string> Lower-case 1.39 name => namespaced name */
	private array $namespacedNameOf = [];

	/** @var string[] Namespaced names declared as aliases here, in order */
	private array $declared = [];

	/**
	 * @param array<string,string> $classes Namespaced name => 1.39 name
	 * @param Closure $loadWithCore function ( string $class ): void, loads a class the way
	 *   MediaWiki's own autoloader does
	 */
	public function __construct( array $classes, private readonly Closure $loadWithCore ) {
		foreach ( $classes as $namespaced => $old ) {
			$this->namespacedNames[strtolower( $namespaced )] = $namespaced;
			$this->oldNameOf[strtolower( $namespaced )] = $old;
			$this->namespacedNameOf[strtolower( $old )] = $namespaced;
		}
	}

	/**
	 * Makes the namespaced names of the table usable in this process. Later calls do nothing.
	 */
	public static function register(): void {
		if ( self::$registered ) {
			return;
		}
		self::$registered = new self( self::CLASSES, static function ( string $class ): void {
			// A maintenance script registers before MediaWiki's setup has loaded its autoloader.
			if ( class_exists( AutoLoader::class, false ) ) {
				AutoLoader::autoload( $class );
			}
		} );
		// Where core's autoloader has every namespaced name (1.43), the autoloaders below would
		// only cost: the first of them is asked for every class of every request.
		if ( !self::$registered->aliasesNeeded() ) {
			return;
		}
		// Last in the queue: reached only for a name every other autoloader failed to load.
		spl_autoload_register( [ self::$registered, 'autoloadNamespaced' ] );
		// First in the queue: a 1.39 class loaded from now on gets its namespaced name at once.
		spl_autoload_register( [ self::$registered, 'autoloadOld' ], true, true );
		self::$registered->declareForLoadedClasses();
	}

	/**
	 * Whether some name of the table is one that core cannot load (the aliases declared here
	 * aside) while it can load, or has loaded, the class's 1.39 name. Unknown before
	 * MediaWiki's autoloader is loaded (a maintenance script's early registration): then they
	 * are taken as needed.
	 */
	public function aliasesNeeded(): bool {
		if ( !class_exists( AutoLoader::class, false ) ) {
			return true;
		}
		foreach ( $this->oldNameOf as $lower => $old ) {
			$namespaced = $this->namespacedNames[$lower];
			$coreHasIt = AutoLoader::find( $namespaced ) !== null
				|| ( self::isDeclared( $namespaced ) && !in_array( $namespaced, $this->declared, true ) );
			if ( !$coreHasIt && ( self::isDeclared( $old ) || AutoLoader::find( $old ) !== null ) ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * @return self|null The instance register() installed in this process
	 */
	public static function registered(): ?self {
		return self::$registered;
	}

	/**
	 * @return string[] Namespaced names this instance declared as aliases
	 */
	public function declared(): array {
		return $this->declared;
	}

	/**
	 * Gives the 1.39 classes already loaded their namespaced names.
	 */
	public function declareForLoadedClasses(): void {
		foreach ( $this->oldNameOf as $lower => $old ) {
			if ( self::isDeclared( $old ) ) {
				$this->complete( $this->namespacedNames[$lower] );
			}
		}
	}

	/**
	 * Autoloader at the end of the queue: a namespaced name of the table that MediaWiki could
	 * not load becomes an alias of its 1.39 class.
	 *
	 * @param string $class
	 */
	public function autoloadNamespaced( string $class ): void {
		$lower = strtolower( ltrim( $class, '\\' ) );
		if ( isset( $this->oldNameOf[$lower] ) && self::isDeclared( $this->oldNameOf[$lower], true ) ) {
			$this->declare( $this->namespacedNames[$lower] );
		}
	}

	/**
	 * Autoloader at the head of the queue: loads a 1.39 name of the table with MediaWiki's
	 * autoloader, then gives it its namespaced name unless MediaWiki has a class of that name.
	 *
	 * @param string $class
	 */
	public function autoloadOld( string $class ): void {
		$namespaced = $this->namespacedNameOf[strtolower( ltrim( $class, '\\' ) )] ?? null;
		if ( $namespaced === null ) {
			return;
		}
		( $this->loadWithCore )( $class );
		if ( self::isDeclared( $class ) ) {
			$this->complete( $namespaced );
		}
	}

	/**
	 * Asks every autoloader for the namespaced name of a loaded 1.39 class, so that
	 * MediaWiki's own class wins where there is one; then declares the alias if still needed
	 * (when that name is already being autoloaded, PHP does not ask again).
	 */
	private function complete( string $namespaced ): void {
		if ( !self::isDeclared( $namespaced, true ) ) {
			$this->declare( $namespaced );
		}
	}

	private function declare( string $namespaced ): void {
		$old = $this->oldNameOf[strtolower( $namespaced )];
		if ( !self::isDeclared( $namespaced ) && self::isDeclared( $old ) ) {
			class_alias( $old, $namespaced, false );
			$this->declared[] = $namespaced;
		}
	}

	private static function isDeclared( string $name, bool $autoload = false ): bool {
		return class_exists( $name, $autoload ) || interface_exists( $name, false ) || trait_exists( $name, false );
	}
}
