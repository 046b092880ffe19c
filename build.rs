//! Records how the module was built, for `php --ri native_password_policy`, phpinfo() and
//! Special:Version: the compiler, the profile, the target and the git commit of the checkout.
//!
//! Builds from a tarball without `.git` (e.g. a Debian package build) can name the commit with
//! the environment variable `NPP_BUILD_COMMIT`.

use std::path::Path;
use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let rustc_version = output(Command::new(rustc).arg("--version"))
        .unwrap_or_else(|| "rustc (unknown version)".into());
    println!("cargo:rustc-env=NPP_BUILD_RUSTC={rustc_version}");
    println!(
        "cargo:rustc-env=NPP_BUILD_PROFILE={}",
        std::env::var("PROFILE").unwrap_or_default()
    );
    println!(
        "cargo:rustc-env=NPP_BUILD_TARGET={}",
        std::env::var("TARGET").unwrap_or_default()
    );

    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=NPP_BUILD_COMMIT");
    let commit = std::env::var("NPP_BUILD_COMMIT")
        .ok()
        .filter(|commit| !commit.is_empty())
        .or_else(git_commit)
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=NPP_BUILD_COMMIT={commit}");
}

/// The short commit hash of HEAD, and the files whose change means a new commit (so the
/// script reruns on commit or checkout, and only then).
fn git_commit() -> Option<String> {
    let commit = output(Command::new("git").args(["rev-parse", "--short=12", "HEAD"]))?;
    let mut watched = vec![git_path("HEAD")?, git_path("packed-refs")?];
    if let Some(head_ref) = output(Command::new("git").args(["symbolic-ref", "-q", "HEAD"])) {
        watched.extend(git_path(&head_ref));
    }
    for path in watched {
        if Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    Some(commit)
}

fn git_path(name: &str) -> Option<String> {
    output(Command::new("git").args(["rev-parse", "--path-format=absolute", "--git-path", name]))
}

fn output(command: &mut Command) -> Option<String> {
    let out = command.output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_owned())
}
