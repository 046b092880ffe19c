// Drives the demo wiki in Debian's headless Chromium, as a person would, and saves screenshots:
//   1. Special:Version lists the extension and the native module with its version and build;
//   2. the administrator logs in;
//   3. Special:ChangePassword refuses the common password "password" with the translated message,
//      in English and in German;
//   4. with RESETUSER and DEMOLOG: Special:PasswordReset for that user (the demo's user with a
//      confirmed address) mails a temporary password, read from the demo's output as its operator
//      reads it, which logs in and leads to the form that sets a new password.
// Usage: node demo.mjs URL USER PASSWORD VERSION OUTDIR [RESETUSER DEMOLOG]
// Prints one line per check and "N passed, N failed"; exits non-zero on any failure.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';

const [ url, user, password, version, outDir, resetUser, demoLog ] = process.argv.slice( 2 );
if ( !outDir ) {
	console.error( 'usage: node demo.mjs URL USER PASSWORD VERSION OUTDIR [RESETUSER DEMOLOG]' );
	process.exit( 2 );
}
mkdirSync( outDir, { recursive: true } );

let passed = 0;
let failed = 0;
function check( ok, what, detail = '' ) {
	if ( ok ) {
		passed++;
		console.log( `ok      ${ what }` );
	} else {
		failed++;
		console.log( `FAILED  ${ what }${ detail ? ': ' + detail : '' }` );
	}
}

/**
 * Clicks a form's submit button and waits for the page it leads to. Waits first until the page
 * has loaded its scripts (MediaWiki enhances its forms once they run), and on a timeout says
 * whether the browser sent the form at all, so that a failure in CI can be told apart.
 *
 * @param {import('playwright-core').Page} target
 * @param {import('playwright-core').Locator} button
 * @param {string} what
 */
async function submit( target, button, what ) {
	await target.waitForLoadState( 'networkidle' );
	const sent = [];
	const onRequest = ( request ) => {
		if ( request.isNavigationRequest() ) {
			sent.push( `${ request.method() } ${ request.url() }` );
		}
	};
	target.on( 'request', onRequest );
	try {
		await Promise.all( [ target.waitForNavigation( { timeout: 60000 } ), button.click() ] );
	} catch ( error ) {
		const request = sent.length ? `sent ${ sent.join( ', ' ) }` : 'nothing sent';
		throw new Error( `${ what }: no page after the click (${ request }): ${ error.message }` );
	} finally {
		target.off( 'request', onRequest );
	}
}

const browser = await chromium.launch( {
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: [ '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
		'--disable-component-update', '--disable-sync', '--no-first-run' ]
} );
try {
	const page = await browser.newPage( { viewport: { width: 1200, height: 900 } } );
	const wiki = ( title, query = '' ) => `${ url }/index.php?title=${ encodeURIComponent( title ) }${ query }`;

	// 1. Special:Version
	await page.goto( wiki( 'Special:Version' ) );
	const software = page.locator( '#sv-software' );
	const moduleRow = software.locator( 'tr', { hasText: 'Native password policy module (native_password_policy)' } );
	check( await moduleRow.count() === 1, 'Special:Version: the module is in "Installed software"' );
	const moduleText = ( await moduleRow.innerText() ).replace( /\s+/g, ' ' );
	check( moduleText.includes( `${ version } (commit ` ) && moduleText.includes( 'release' ),
		`Special:Version: module version ${ version } and its build`, moduleText );
	check( await software.locator( '.error' ).count() === 0, 'Special:Version: no setup problem reported' );
	const extensionRow = page.locator( 'tr', { has: page.locator( 'a', { hasText: /^NativePasswordPolicy$/ } ) } );
	check( await extensionRow.count() === 1, 'Special:Version: the extension is listed' );
	const extensionText = await extensionRow.innerText();
	check( extensionText.includes( version ) && extensionText.includes( 'native Rust module' ),
		'Special:Version: extension version and description', extensionText );
	await software.screenshot( { path: `${ outDir }/1-version-software.png` } );
	await extensionRow.screenshot( { path: `${ outDir }/2-version-extension.png` } );

	// 2. Log in
	await page.goto( wiki( 'Special:UserLogin' ) );
	await page.fill( '#wpName1', user );
	await page.fill( '#wpPassword1', password );
	await submit( page, page.locator( '#wpLoginAttempt' ), 'the administrator\'s login' );
	const loggedIn = await page.locator( '#pt-userpage' ).innerText().catch( () => '' );
	check( loggedIn.includes( user ), `logged in as ${ user }`, loggedIn );

	// 3. The password-change form refuses "password", in English and in German (the user's
	// interface language, set through the API as the preferences form would).
	const setLanguage = async ( lang ) => {
		const tokens = await ( await page.request.get( `${ url }/api.php?action=query&meta=tokens&format=json` ) ).json();
		const answer = await ( await page.request.post( `${ url }/api.php`, { form: {
			action: 'options', optionname: 'language', optionvalue: lang, format: 'json',
			token: tokens.query.tokens.csrftoken
		} } ) ).json();
		check( answer.options === 'success', `interface language set to ${ lang }`, JSON.stringify( answer ) );
	};
	const languages = [
		[ 'en', 'The password entered is in a list of very commonly used passwords' ],
		[ 'de', 'Das eingegebene Passwort befindet sich in einer Liste sehr häufig verwendeter Passwörter' ]
	];
	for ( const [ index, [ lang, expected ] ] of languages.entries() ) {
		await setLanguage( lang );
		await page.goto( wiki( 'Special:ChangePassword' ) );
		const field = page.locator( 'input[name="password"]' );
		check( await field.count() === 1, `Special:ChangePassword (${ lang }): the form is shown` );
		await field.fill( 'password' );
		await page.fill( 'input[name="retype"]', 'password' );
		await submit( page, page.locator( '#mw-content-text form button[type="submit"]' ).first(), `Special:ChangePassword (${ lang })` );
		const errors = ( await page.locator( 'form .oo-ui-flaggedElement-error, .errorbox' ).allInnerTexts() ).join( ' ' );
		check( errors.includes( expected ), `Special:ChangePassword (${ lang }): "password" refused with the translated message`,
			errors || ( await page.locator( '#content' ).innerText() ).slice( 0, 400 ) );
		await page.locator( '#content' ).screenshot( { path: `${ outDir }/${ 3 + index }-change-password-${ lang }.png` } );
	}
	await setLanguage( 'en' );

	// 4. A password reset, as a visitor who forgot their password makes it.
	if ( resetUser ) {
		const visitor = await browser.newPage( { viewport: { width: 1200, height: 900 } } );
		const mailsBefore = mailedPasswords( demoLog ).length;
		await visitor.goto( wiki( 'Special:PasswordReset' ) );
		await visitor.fill( 'input[name="wpUsername"]', resetUser );
		await submit( visitor, visitor.locator( '#mw-content-text form [type="submit"]' ).first(), 'Special:PasswordReset' );
		await visitor.locator( '#content' ).screenshot( { path: `${ outDir }/5-password-reset-sent.png` } );
		let mailed = [];
		for ( let i = 0; i < 100 && mailed.length <= mailsBefore; i++ ) {
			await new Promise( ( resolve ) => setTimeout( resolve, 100 ) );
			mailed = mailedPasswords( demoLog );
		}
		check( mailed.length === mailsBefore + 1, `Special:PasswordReset for ${ resetUser }: one mail printed by the demo`,
			`${ mailed.length - mailsBefore } new` );
		const temporary = mailed[ mailed.length - 1 ];
		if ( temporary ) {
			await visitor.goto( wiki( 'Special:UserLogin' ) );
			await visitor.fill( '#wpName1', resetUser );
			await visitor.fill( '#wpPassword1', temporary );
			await submit( visitor, visitor.locator( '#wpLoginAttempt' ), 'the login with the temporary password' );
			// The login form goes on with the new password and its retype (HTMLForm names them).
			const fields = visitor.locator( '#content form input[type="password"]' );
			const asked = await fields.count() === 2;
			check( asked && ( await visitor.locator( '#content' ).innerText() ).includes( 'temporary emailed' ),
				'the mailed temporary password logs in and asks for a new password',
				( await visitor.locator( '#content' ).innerText() ).slice( 0, 400 ) );
			await visitor.locator( '#content' ).screenshot( { path: `${ outDir }/6-temporary-password-login.png` } );
			if ( asked ) {
				const chosen = `Demo-${ Date.now() }-correct-horse`;
				await fields.nth( 0 ).fill( chosen );
				await fields.nth( 1 ).fill( chosen );
				await submit( visitor, visitor.locator( '#mw-content-text form [type="submit"]' ).first(), 'the new password\'s form' );
				const who = await visitor.locator( '#pt-userpage' ).innerText().catch( () => '' );
				check( who.includes( resetUser ), `${ resetUser } is logged in with the new password`, who );
			}
		}
	}
} catch ( error ) {
	// A step that cannot go on (a page that never came) ends the run as one more failure.
	check( false, 'the demo could be driven to its end', error.message );
} finally {
	await browser.close();
}
/**
 * The temporary passwords of the reset mails the demo printed so far (the line after
 * "Temporary password:" of each mail), oldest first.
 *
 * @param {string} log
 * @return {string[]}
 */
function mailedPasswords( log ) {
	const lines = readFileSync( log, 'utf8' ).split( '\n' );
	const found = [];
	lines.forEach( ( line, i ) => {
		if ( line.trim() === 'Temporary password:' && lines[ i + 1 ] ) {
			found.push( lines[ i + 1 ].trim() );
		}
	} );
	return found;
}

console.log( `${ passed } passed, ${ failed } failed` );
process.exit( failed ? 1 : 0 );
