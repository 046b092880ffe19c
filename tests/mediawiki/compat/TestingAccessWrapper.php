<?php
/**
 * Stand-in for Wikimedia\TestingAccessWrapper (composer package
 * wikimedia/testing-access-wrapper, a require-dev of MediaWiki 1.39 core).
 *
 * Why it exists: no PHP package registry is reachable here and Debian packages
 * neither it nor MediaWiki's dev dependencies, yet hundreds of core tests (and
 * MediaWikiIntegrationTestCase itself) call TestingAccessWrapper::newFromObject(),
 * ::newFromClass() and ::constant(). Written for this project from the
 * documented behaviour: read, write and call non-public members of an object or
 * class, including private members declared by parent classes.
 *
 * @license GPL-2.0-or-later
 */

declare( strict_types=1 );

namespace Wikimedia;

use Closure;
use InvalidArgumentException;
use ReflectionClass;
use ReflectionException;
use ReflectionMethod;

class TestingAccessWrapper {
	/** @var object|null The wrapped object; null when a class is wrapped. */
	public $object;

	/** @var string The wrapped class (the object's class when an object is wrapped). */
	private $className;

	/**
	 * @param object $object
	 * @return self
	 */
	public static function newFromObject( $object ) {
		if ( !is_object( $object ) ) {
			throw new InvalidArgumentException( __METHOD__ . ' must be called with an object' );
		}
		$wrapper = new self();
		$wrapper->object = $object;
		$wrapper->className = get_class( $object );
		return $wrapper;
	}

	/**
	 * Wraps a class, for access to its static members.
	 * @param string $className
	 * @return self
	 */
	public static function newFromClass( $className ) {
		if ( !is_string( $className ) || !class_exists( $className ) && !trait_exists( $className ) ) {
			throw new InvalidArgumentException( __METHOD__ . ' must be called with a class name' );
		}
		$wrapper = new self();
		$wrapper->className = $className;
		return $wrapper;
	}

	/**
	 * Value of a class constant of any visibility.
	 * @param string $className
	 * @param string $constantName
	 * @return mixed
	 */
	public static function constant( $className, $constantName ) {
		// Private constants of a parent class are only visible from that class.
		for ( $class = new ReflectionClass( $className ); $class; $class = $class->getParentClass() ) {
			if ( $class->hasConstant( $constantName ) ) {
				return $class->getConstant( $constantName );
			}
		}
		throw new ReflectionException( "Constant $className::$constantName does not exist" );
	}

	/**
	 * @param string $name
	 * @param array $args
	 * @return mixed
	 */
	public function __call( $name, $args ) {
		$method = $this->findMethod( $name );
		if ( !$method->isStatic() && $this->object === null ) {
			throw new InvalidArgumentException(
				"Non-static method {$this->className}::$name called on a class wrapper" );
		}
		$method->setAccessible( true );
		return $method->invokeArgs( $method->isStatic() ? null : $this->object, $args );
	}

	/**
	 * Returns a reference, so that `$wrapper->arrayProp['key'] = $value` changes the wrapped
	 * member instead of a copy.
	 * @param string $name
	 * @return mixed
	 */
	public function &__get( $name ) {
		[ $scope, $isStatic ] = $this->findProperty( $name );
		$getter = Closure::bind( static function & ( $obj ) use ( $name, $isStatic ) {
			if ( $isStatic ) {
				return static::$$name;
			}
			return $obj->$name;
		}, null, $scope );
		$value = &$getter( $this->object );
		return $value;
	}

	/**
	 * @param string $name
	 * @param mixed $value
	 */
	public function __set( $name, $value ) {
		[ $scope, $isStatic ] = $this->findProperty( $name );
		$setter = Closure::bind( static function ( $obj, $value ) use ( $name, $isStatic ) {
			if ( $isStatic ) {
				static::$$name = $value;
			} else {
				$obj->$name = $value;
			}
		}, null, $scope );
		$setter( $this->object, $value );
	}

	/**
	 * @param string $name
	 * @return bool
	 */
	public function __isset( $name ) {
		try {
			return $this->__get( $name ) !== null;
		} catch ( ReflectionException $e ) {
			return false;
		}
	}

	/**
	 * Finds a method in the class or its parents (private methods of a parent
	 * are only visible from the class that declares them).
	 * @param string $name
	 * @return ReflectionMethod
	 */
	private function findMethod( $name ) {
		for ( $class = new ReflectionClass( $this->className ); $class; $class = $class->getParentClass() ) {
			if ( $class->hasMethod( $name ) ) {
				return $class->getMethod( $name );
			}
		}
		throw new ReflectionException( "Method {$this->className}::$name() does not exist" );
	}

	/**
	 * Finds the class that declares property $name: closures bound to that class's
	 * scope can read and write the property whatever its visibility.
	 * @param string $name
	 * @return array [ string $scope, bool $isStatic ]
	 */
	private function findProperty( $name ) {
		for ( $class = new ReflectionClass( $this->className ); $class; $class = $class->getParentClass() ) {
			if ( $class->hasProperty( $name ) ) {
				$property = $class->getProperty( $name );
				if ( !$property->isStatic() && $this->object === null ) {
					throw new InvalidArgumentException(
						"Non-static property {$this->className}::\$$name accessed on a class wrapper" );
				}
				return [ $property->getDeclaringClass()->getName(), $property->isStatic() ];
			}
		}
		// Not declared: a dynamic property of the wrapped object.
		if ( $this->object !== null && property_exists( $this->object, $name ) ) {
			return [ $this->className, false ];
		}
		throw new ReflectionException( "Property {$this->className}::\$$name does not exist" );
	}
}
