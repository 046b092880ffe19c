<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Unit\Compat;

use AutoLoader;
use Closure;
use MediaWiki\Extension\NativePasswordPolicy\Compat\ClassAliases;
use MediaWiki\Extension\NativePasswordPolicy\NativeModule;
use MediaWikiUnitTestCase;
use ReflectionClass;

/**
 * The namespaced names of core's classes: declared as aliases of the 1.39 classes where core
 * cannot load them (1.39), never where it can (1.43), and never over a declared class.
 *
 * The fixtures stand for core's classes: NppCompat…Old are "1.39" global names, loaded by the
 * "core autoloader" of these tests from fixtures/.
 *
 * @covers \MediaWiki\Extension\NativePasswordPolicy\Compat\ClassAliases
 */
class ClassAliasesTest extends MediaWikiUnitTestCase {

	private const FIXTURES = [
		'NppCompatAskedForOld' => 'NppCompatAskedForOld.php',
		'NppCompatCoreOwnedOld' => 'CoreOwned.php',
		'NppCompat\\Fixture\\CoreOwned' => 'CoreOwned.php',
		'NppCompatLaterOld' => 'NppCompatLaterOld.php',
		'NppCompatLaterOldInterface' => 'NppCompatLaterOldInterface.php',
		'NppCompatLoadedOld' => 'NppCompatLoadedOld.php',
		'NppCompat\\Fixture\\Separate' => 'Separate.php',
		'NppCompatSeparateOld' => 'NppCompatSeparateOld.php',
	];

	/** @var callable[] Autoloaders a test put in the queue */
	private array $autoloaders = [];

	/** @var string[] Classes the fixtures' "core autoloader" was asked for */
	private array $coreLoads = [];

	protected function tearDown(): void {
		foreach ( $this->autoloaders as $autoloader ) {
			spl_autoload_unregister( $autoloader );
		}
		parent::tearDown();
	}

	public static function provideTable(): array {
		$cases = [];
		foreach ( ClassAliases::CLASSES as $namespaced => $old ) {
			$cases[$namespaced] = [ $namespaced, $old ];
		}
		return $cases;
	}

	/**
	 * On the installed core, each namespaced name is the class of its 1.39 name, and the
	 * seam declared it exactly when core's class is the 1.39 one (1.39), not when core
	 * declares the namespaced name itself (1.43).
	 *
	 * @dataProvider provideTable
	 */
	public function testEveryNameIsItsClassOnTheInstalledCore( string $namespaced, string $old ): void {
		ClassAliases::register();
		$this->assertTrue( self::exists( $namespaced ), "$namespaced can be loaded" );
		$class = ( new ReflectionClass( $namespaced ) )->getName();
		$declared = ClassAliases::registered()->declared();
		if ( $class === $namespaced ) {
			$this->assertNotContains( $namespaced, $declared, 'core has the name: nothing declared' );
			// Where core still has the 1.39 name (a deprecated alias; 1.43 dropped some), it is
			// the same class.
			if ( self::exists( $old ) ) {
				$this->assertSame( $class, ( new ReflectionClass( $old ) )->getName(), 'one class' );
			}
		} else {
			$this->assertSame( $old, $class, 'an alias of the 1.39 class' );
			$this->assertContains( $namespaced, $declared, 'core lacks the name: the seam declared it' );
		}
	}

	/**
	 * The extension's PHP names none of the table's classes by its 1.39 global name (deprecated
	 * aliases on 1.43), neither in a use statement nor fully qualified.
	 */
	public function testTheCodeUsesTheNamespacedNames(): void {
		$old = implode( '|', array_map( 'preg_quote', array_values( ClassAliases::CLASSES ) ) );
		$repo = dirname( __DIR__, 4 );
		$found = [];
		foreach ( [ 'php', 'maintenance', 'tests/phpunit', 'benches/php' ] as $dir ) {
			$files = new \RecursiveIteratorIterator( new \RecursiveDirectoryIterator( "$repo/$dir" ) );
			foreach ( $files as $file ) {
				if ( !str_ends_with( $file->getFilename(), '.php' ) ) {
					continue;
				}
				$code = file_get_contents( $file->getPathname() );
				// A use statement, or the name after a backslash that starts no longer name
				$pattern = '/^use (' . $old . ');|(?<![\\\\\w\'])\\\\(' . $old . ')\b(?!\\\\)/m';
				if ( preg_match_all( $pattern, $code, $m ) ) {
					$found[substr( $file->getPathname(), strlen( $repo ) + 1 )] = array_values( array_filter(
						array_merge( $m[1], $m[2] ) ) );
				}
			}
		}
		$this->assertSame( [], $found );
	}

	/**
	 * Where the installed core's autoloader has every namespaced name (1.43), neither
	 * autoloader is queued (the first would be asked for every class of every request);
	 * on 1.39 they surround MediaWiki's.
	 */
	public function testAutoloadersSurroundMediaWikisOwnOnlyWhereNeeded(): void {
		ClassAliases::register();
		$registered = ClassAliases::registered();
		$queue = spl_autoload_functions();
		$coreHasEveryName = true;
		foreach ( ClassAliases::CLASSES as $namespaced => $old ) {
			$coreHasEveryName = $coreHasEveryName && ( new ReflectionClass( $namespaced ) )->getName() === $namespaced;
		}
		$this->assertSame( !$coreHasEveryName, $registered->aliasesNeeded() );
		if ( $coreHasEveryName ) {
			$this->assertNotContains( [ $registered, 'autoloadOld' ], $queue );
			$this->assertNotContains( [ $registered, 'autoloadNamespaced' ], $queue );
			$this->assertSame( [], $registered->declared() );
			ClassAliases::register();
			$this->assertSame( $registered, ClassAliases::registered() );
			return;
		}
		$old = array_search( [ $registered, 'autoloadOld' ], $queue, true );
		$core = array_search( [ AutoLoader::class, 'autoload' ], $queue, true );
		$namespaced = array_search( [ $registered, 'autoloadNamespaced' ], $queue, true );
		$this->assertIsInt( $core, "MediaWiki's autoloader is in the queue" );
		$this->assertIsInt( $old );
		$this->assertIsInt( $namespaced );
		$this->assertLessThan( $core, $old, '1.39 names: before MediaWiki\'s autoloader' );
		$this->assertGreaterThan( $core, $namespaced, 'namespaced names: after it' );
		ClassAliases::register();
		$this->assertSame( $registered, ClassAliases::registered() );
		$this->assertCount( 1, array_keys( spl_autoload_functions(), [ $registered, 'autoloadOld' ], true ),
			'registering again adds nothing' );
	}

	/**
	 * A 1.39 class loaded after registration matches its namespaced name at once: type
	 * declarations, instanceof and catch do not autoload that name.
	 */
	public function testAClassLoadedLaterHasItsNameAtOnce(): void {
		$aliases = $this->registerInstance( [
			'NppCompat\\Fixture\\LaterOld' => 'NppCompatLaterOld',
			'NppCompat\\Fixture\\LaterOldInterface' => 'NppCompatLaterOldInterface',
		] );
		$object = new \NppCompatLaterOld();
		$this->assertSame( [ 'NppCompatLaterOld', 'NppCompatLaterOldInterface' ], $this->coreLoads );
		// assertInstanceOf() uses instanceof, which never autoloads
		$this->assertInstanceOf( 'NppCompat\\Fixture\\LaterOld', $object );
		$this->assertInstanceOf( 'NppCompat\\Fixture\\LaterOldInterface', $object );
		$typed = static fn ( \NppCompat\Fixture\LaterOldInterface $value ): bool => true;
		$this->assertTrue( $typed( $object ) );
		$this->assertSame(
			[ 'NppCompat\\Fixture\\LaterOldInterface', 'NppCompat\\Fixture\\LaterOld' ],
			$aliases->declared()
		);
	}

	public function testAClassLoadedBeforeGetsItsNameWhenRegistered(): void {
		require_once __DIR__ . '/fixtures/NppCompatLoadedOld.php';
		$aliases = new ClassAliases( [ 'NppCompat\\Fixture\\LoadedOld' => 'NppCompatLoadedOld' ], $this->coreLoader() );
		$this->assertFalse( class_exists( 'NppCompat\\Fixture\\LoadedOld', false ) );
		$aliases->declareForLoadedClasses();
		$this->assertTrue( class_exists( 'NppCompat\\Fixture\\LoadedOld', false ) );
		$this->assertSame( 'NppCompatLoadedOld', ( new ReflectionClass( 'NppCompat\\Fixture\\LoadedOld' ) )->getName() );
		$this->assertSame( [ 'NppCompat\\Fixture\\LoadedOld' ], $aliases->declared() );
	}

	public function testANamespacedNameAskedForLoadsItsOldClass(): void {
		$aliases = $this->registerInstance( [ 'NppCompat\\Fixture\\AskedFor' => 'NppCompatAskedForOld' ] );
		$this->assertTrue( class_exists( 'nppcompat\\fixture\\askedfor' ), 'names are case-insensitive' );
		$this->assertSame( 'NppCompatAskedForOld', ( new ReflectionClass( 'NppCompat\\Fixture\\AskedFor' ) )->getName() );
		$this->assertSame( [ 'NppCompatAskedForOld' ], $this->coreLoads );
		$this->assertSame( [ 'NppCompat\\Fixture\\AskedFor' ], $aliases->declared() );
	}

	/**
	 * As on 1.43: core's file declares the namespaced class and the global alias.
	 */
	public function testANameCoreDeclaresIsLeftToCore(): void {
		$this->addCoreAutoloader();
		$aliases = $this->registerInstance( [ 'NppCompat\\Fixture\\CoreOwned' => 'NppCompatCoreOwnedOld' ] );
		$object = new \NppCompatCoreOwnedOld();
		$this->assertSame( 'NppCompat\\Fixture\\CoreOwned', get_class( $object ) );
		$this->assertSame( [], $aliases->declared() );
	}

	/**
	 * Even with the 1.39 class loaded, a namespaced name that core's autoloader can load is
	 * core's class, not an alias.
	 */
	public function testNeverShadowsANameCoreCanLoad(): void {
		$this->addCoreAutoloader();
		require_once __DIR__ . '/fixtures/NppCompatSeparateOld.php';
		$aliases = new ClassAliases( [ 'NppCompat\\Fixture\\Separate' => 'NppCompatSeparateOld' ], $this->coreLoader() );
		$aliases->declareForLoadedClasses();
		$this->assertSame( 'NppCompat\\Fixture\\Separate', ( new ReflectionClass( 'NppCompat\\Fixture\\Separate' ) )->getName() );
		$this->assertSame( [], $aliases->declared() );
	}

	public function testNeverRedeclaresADeclaredClass(): void {
		require_once __DIR__ . '/fixtures/NppCompatLoadedOld.php';
		$aliases = new ClassAliases( [ NativeModule::class => 'NppCompatLoadedOld' ], $this->coreLoader() );
		$aliases->declareForLoadedClasses();
		$aliases->autoloadNamespaced( NativeModule::class );
		$this->assertSame( NativeModule::class, ( new ReflectionClass( NativeModule::class ) )->getName() );
		$this->assertSame( [], $aliases->declared() );
	}

	public function testIgnoresNamesOutsideTheTable(): void {
		$aliases = new ClassAliases( [ 'NppCompat\\Fixture\\LoadedOld' => 'NppCompatLoadedOld' ], $this->coreLoader() );
		$aliases->autoloadOld( 'NppCompatNotInTheTable' );
		$aliases->autoloadNamespaced( 'NppCompat\\Fixture\\NotInTheTable' );
		$this->assertSame( [], $this->coreLoads );
		$this->assertSame( [], $aliases->declared() );
		$this->assertFalse( class_exists( 'NppCompat\\Fixture\\NotInTheTable', false ) );
	}

	/**
	 * An instance for the fixtures, in the autoload queue as register() puts the real one.
	 */
	private function registerInstance( array $classes ): ClassAliases {
		$aliases = new ClassAliases( $classes, $this->coreLoader() );
		$this->autoloaders[] = [ $aliases, 'autoloadNamespaced' ];
		spl_autoload_register( [ $aliases, 'autoloadNamespaced' ] );
		$this->autoloaders[] = [ $aliases, 'autoloadOld' ];
		spl_autoload_register( [ $aliases, 'autoloadOld' ], true, true );
		return $aliases;
	}

	/**
	 * Loads the fixtures by every name "core" knows, as AutoLoader::autoload() does.
	 */
	private function coreLoader(): Closure {
		return function ( string $class ): void {
			$this->coreLoads[] = $class;
			if ( isset( self::FIXTURES[$class] ) ) {
				require_once __DIR__ . '/fixtures/' . self::FIXTURES[$class];
			}
		};
	}

	/**
	 * "Core's autoloader" in the queue, for the fixtures' namespaced names.
	 */
	private function addCoreAutoloader(): void {
		$autoloader = static function ( string $class ): void {
			if ( str_contains( $class, '\\' ) && isset( self::FIXTURES[$class] ) ) {
				require_once __DIR__ . '/fixtures/' . self::FIXTURES[$class];
			}
		};
		$this->autoloaders[] = $autoloader;
		spl_autoload_register( $autoloader );
	}

	private static function exists( string $name ): bool {
		return class_exists( $name ) || interface_exists( $name );
	}
}
