<?php
/**
 * @license GPL-2.0-or-later
 * @file
 */

declare( strict_types=1 );

namespace MediaWiki\Extension\NativePasswordPolicy\Tests\Module;

use NativePasswordPolicy\Engine;
use PHPUnit\Framework\Attributes\CoversNothing;
use PHPUnit\Framework\TestCase;
use Wikimedia\CommonPasswords\CommonPasswords;

/**
 * PasswordNotInCommonList answers as the core of NPP_MW_CORE does: for 0.5's exact list
 * (common.php) as `isset( ( require $file )[$password] )` and core's CommonPasswords::isCommon(),
 * for the Bloom filter of earlier releases as core's CommonPasswords::isCommon(), false
 * positives included. Passwords: the list's entries, variants of them that PHP's array keys
 * must not confuse with them (case, whitespace, numeric spellings), and generated outsiders.
 *
 * @coversNothing
 */
#[CoversNothing]
class CommonPasswordsTest extends TestCase {

	/** Generated passwords; at least OUTSIDERS of them must be outside the list. */
	private const GENERATED = 30_000;
	private const OUTSIDERS = 20_000;

	/** Strings next to PHP's rule for integer keys (canonical decimals within 64 bits). */
	private const NUMERIC_EDGES = [
		'0', '-0', '00', '1', '-1', '01', '+1', ' 1', '1 ', '1.0', '1e0', '0x1', '9223372036854775807',
		'9223372036854775808', '-9223372036854775808', '-9223372036854775809', '09223372036854775807',
		'18446744073709551616', '99999999999999999999', '-', '', "1\0", "\u{0661}",
	];

	/** Well-known common passwords, for the Bloom filter, whose entries cannot be listed. */
	private const WELL_KNOWN = [
		'123456', 'password', '12345678', 'qwerty', '123456789', '12345', '1234', '111111', '1234567',
		'dragon', '123123', 'baseball', 'abc123', 'football', 'monkey', 'letmein', 'shadow', 'master',
		'696969', 'mustang', '666666', 'qwertyuiop', '123321', '1234567890', 'michael', 'superman',
		'1qaz2wsx', '7777777', '121212', '000000', 'qazwsx', '123qwe', 'killer', 'trustno1', 'jordan',
		'jennifer', 'zxcvbnm', 'asdfgh', 'hunter', 'buster', 'soccer', 'harley', 'batman', 'andrew',
		'tigger', 'sunshine', 'iloveyou', 'charlie', 'robert', 'thomas',
	];

	/** @return string[] Spellings of $password that are other PHP array keys. */
	private static function variants( string $password ): array {
		$variants = [
			"$password ", " $password", "0$password", "+$password", "-$password", "$password.0",
			"$password\0", "$password\n", strtoupper( $password ), strtolower( $password ),
			ucfirst( $password ), substr( $password, 0, -1 ), substr( $password, 1 ), $password . $password,
		];
		if ( preg_match( '/^-?[0-9]+$/', $password ) ) {
			array_push( $variants, "{$password}0", "{$password}e0", "0x$password", ltrim( $password, '-' ),
				$password[0] === '-' ? '-0' . substr( $password, 1 ) : "00$password" );
		}
		return $variants;
	}

	/** Bytes from mt_rand(), so that a seed repeats them. */
	private static function randomBytes( int $length ): string {
		$bytes = '';
		for ( $i = 0; $i < $length; $i++ ) {
			$bytes .= chr( mt_rand( 0, 255 ) );
		}
		return $bytes;
	}

	/**
	 * $key as a PHP single-quoted string: `'` as `\'`, a backslash as `\\` where it would
	 * otherwise escape (before `\`, `'` or the closing quote), other backslashes raw or not.
	 */
	private static function quote( string $key, bool $rawLoneBackslashes ): string {
		$quoted = "'";
		for ( $i = 0; $i < strlen( $key ); $i++ ) {
			$next = $key[$i + 1] ?? "'";
			if ( $key[$i] === "'" ) {
				$quoted .= "\\'";
			} elseif ( $key[$i] === '\\' ) {
				$quoted .= $rawLoneBackslashes && $next !== '\\' && $next !== "'" ? '\\' : '\\\\';
			} else {
				$quoted .= $key[$i];
			}
		}
		return "$quoted'";
	}

	/** @return string[] Passwords of every shape, from a fixed seed. */
	private static function generated( int $count, array $entries ): array {
		mt_srand( 20260115 );
		$printable = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';
		$passwords = self::NUMERIC_EDGES;
		while ( count( $passwords ) < $count ) {
			switch ( mt_rand( 0, 5 ) ) {
				case 0:
					$length = mt_rand( 1, 24 );
					$password = '';
					for ( $i = 0; $i < $length; $i++ ) {
						$password .= $printable[mt_rand( 0, strlen( $printable ) - 1 )];
					}
					break;
				case 1:
					$password = self::randomBytes( mt_rand( 1, 16 ) );
					break;
				case 2:
					// Integers of every size, members among them.
					$password = (string)( mt_rand( -PHP_INT_MAX, PHP_INT_MAX ) >> mt_rand( 0, 62 ) );
					break;
				case 3:
					$password = $entries[mt_rand( 0, count( $entries ) - 1 )] . $entries[mt_rand( 0, count( $entries ) - 1 )];
					break;
				case 4:
					$password = $entries[mt_rand( 0, count( $entries ) - 1 )] . mt_rand( 0, 9999 );
					break;
				default:
					$password = strtr( bin2hex( self::randomBytes( mt_rand( 3, 10 ) ) ), 'abcdef', 'qwerty' );
			}
			$passwords[] = $password;
		}
		return $passwords;
	}

	/**
	 * @param Engine $engine
	 * @param callable(string):bool $core
	 * @param string[] $passwords
	 * @return array{0:string[],1:int} Differences (hex, both answers), passwords core finds common
	 */
	private static function compare( Engine $engine, callable $core, array $passwords ): array {
		$differences = [];
		$common = 0;
		foreach ( $passwords as $password ) {
			$expected = $core( $password );
			$native = $engine->check( 'PasswordNotInCommonList', true, 'U', $password ) !== null;
			if ( $native !== $expected ) {
				$differences[] = bin2hex( $password ) . ': module ' . var_export( $native, true ) . ', core ' . var_export( $expected, true );
			}
			$common += (int)$expected;
		}
		return [ $differences, $common ];
	}

	public function testTheModuleAnswersAsCoreDoes(): void {
		$file = CommonPasswordsFile::path();
		$engine = new Engine( json_encode( [ 'commonPasswordsFile' => $file ] ) );
		$this->assertSame( [], $engine->problems() );
		CommonPasswordsFile::loadCoreLibrary();
		$this->assertSame( realpath( dirname( $file ) ), realpath( dirname( ( new \ReflectionClass( CommonPasswords::class ) )->getFileName() ) ),
			"core's library reads this very file" );
		if ( CommonPasswordsFile::isExactList() ) {
			$array = require $file;
			$core = static fn ( string $password ): bool => isset( $array[$password] );
			// Integer keys come back as integers: their string is the key as the file spells it.
			$entries = array_map( 'strval', array_keys( $array ) );
		} else {
			$core = static fn ( string $password ): bool => CommonPasswords::isCommon( $password );
			$entries = self::WELL_KNOWN;
		}

		[ $differences, $common ] = self::compare( $engine, $core, $entries );
		$this->assertSame( [], array_slice( $differences, 0, 20 ), count( $differences ) . ' entries answered otherwise' );
		if ( CommonPasswordsFile::isExactList() ) {
			$this->assertSame( count( $entries ), $common, 'every entry is common' );
			// What core's class answers is the array's answer.
			foreach ( [ $entries[0], $entries[count( $entries ) - 1], 'not-in-the-list-7f3a' ] as $password ) {
				$this->assertSame( $core( $password ), CommonPasswords::isCommon( $password ) );
			}
		} else {
			$this->assertGreaterThan( 40, $common, 'the filter knows the well-known ones' );
		}

		$variants = array_merge( ...array_map( [ self::class, 'variants' ], $entries ) );
		[ $differences ] = self::compare( $engine, $core, $variants );
		$this->assertSame( [], array_slice( $differences, 0, 20 ), count( $differences ) . ' of ' . count( $variants ) . ' variants answered otherwise' );

		$generated = self::generated( self::GENERATED, $entries );
		[ $differences, $common ] = self::compare( $engine, $core, $generated );
		$this->assertSame( [], array_slice( $differences, 0, 20 ), count( $differences ) . ' generated passwords answered otherwise' );
		$this->assertGreaterThanOrEqual( self::OUTSIDERS, count( $generated ) - $common, 'outsiders compared' );
	}

	/**
	 * Keys a PHP list may hold that the real one does not (escapes, line breaks, NUL and
	 * invalid UTF-8 bytes, numeric spellings, duplicates), compared with PHP's own array.
	 */
	public function testOddListsAnswerAsPhpsArray(): void {
		mt_srand( 7 );
		$keys = array_merge( self::NUMERIC_EDGES, [
			"pic\\'s", '\\', "'", '\\\\', "a\\nb", "\\x41", "ends\\", "two\nlines", "\r\n", "\0", "\xff\xfe",
			"\t tab", 'dup', 'dup', '123', '123', 'Zürich', '\\\'\\', "'\\'",
		] );
		for ( $i = 0; $i < 300; $i++ ) {
			$keys[] = self::randomBytes( mt_rand( 0, 8 ) );
			$keys[] = (string)( mt_rand( -1000, 1000 ) * 10 ** mt_rand( 0, 15 ) );
		}
		$file = tempnam( sys_get_temp_dir(), 'npp-common-list-' );
		$source = "<?php return [\n";
		foreach ( $keys as $i => $key ) {
			$source .= self::quote( $key, $i % 2 === 0 ) . ( $i % 3 ? ' => 1,' : "\t=>\n1 ,\r" ) . "\n";
		}
		file_put_contents( $file, $source . "];\n" );
		try {
			$array = require $file;
			$engine = new Engine( json_encode( [ 'commonPasswordsFile' => $file ] ) );
			$this->assertSame( [], $engine->problems() );
			$listed = array_values( array_filter( Engine::loadedFiles(), static fn ( array $f ): bool => $f['path'] === $file ) );
			$this->assertSame( count( $array ), $listed[0]['entries'], 'duplicates collapse as in PHP' );
			$this->assertLessThan( count( $keys ), count( $array ) );
			$probes = array_merge( $keys, ...array_map( [ self::class, 'variants' ], $keys ) );
			[ $differences, $common ] = self::compare( $engine, static fn ( string $p ): bool => isset( $array[$p] ), $probes );
			$this->assertSame( [], $differences );
			$this->assertGreaterThanOrEqual( count( $keys ), $common );
		} finally {
			unlink( $file );
		}
	}
}
