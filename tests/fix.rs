//! `whispir-migrate fix` end to end: the binary is run on copies of every fixture folder and on
//! small legacy files in temporary directories, and the results are held to the safety
//! contract of SPEC.md ("Fixes — the safety contract").
//!
//! Snapshots: `fixed__<folder>` holds the fixed contents of every file `fix` changed,
//! `diff__<folder>` the output of `fix --diff` on a fresh copy.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_whispir-migrate");
const HOOK: &str = "WHISPIR_MIGRATE_TEST_HOOK";

/// A small legacy shell script: retired host and the key in the query.
const LEGACY_CURL: &str = "curl \"https://api.whispir.com/messages?apikey=$KEY\" -d @m.json";
/// What `fix --region au` makes of [`LEGACY_CURL`] must start with this...
const FIXED_CURL_START: &str = "curl \"https://api.au.whispir.com/messages\"";
/// ...and carry this header.
const FIXED_HEADER: &str = "-H \"x-api-key: $KEY\"";

/// The binary, run in `dir`, with no region or test hook leaking in from the environment.
fn wm(dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir)
        .env_remove("WHISPIR_REGION")
        .env_remove(HOOK)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    c
}

fn run(mut c: Command) -> Output {
    c.output().expect("the binary runs")
}

/// A file's or an output's text. A UTF-16 file (byte order mark first) is shown decoded after
/// a line naming its encoding, so its snapshot reads like the others and shows the mark kept.
fn text(bytes: &[u8]) -> String {
    let (name, big_endian) = match bytes {
        [0xFF, 0xFE, ..] => ("UTF-16 LE", false),
        [0xFE, 0xFF, ..] => ("UTF-16 BE", true),
        _ => return String::from_utf8_lossy(bytes).into_owned(),
    };
    let units = bytes[2..].chunks_exact(2).map(|c| {
        if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    format!(
        "({name} with byte order mark)\n{}",
        String::from_utf16_lossy(&units.collect::<Vec<_>>())
    )
}

fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    )
}

fn folders() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut names: Vec<String> = std::fs::read_dir(root)
        .expect("fixtures/ exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Copies `src` into `dst`, hidden files (`.env`, `.github/`) and symbolic links included.
fn copy_tree(src: &Path, dst: &Path) {
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(src).unwrap();
        let to = dst.join(rel);
        let ft = entry.file_type();
        if ft.is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else if ft.is_symlink() {
            let target = std::fs::read_link(entry.path()).unwrap();
            std::os::unix::fs::symlink(target, &to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// Every regular file under `root` (`.git/` excluded), by `/`-separated relative path.
fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
    {
        let entry = entry.expect("walk copy");
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap();
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        files.insert(rel.join("/"), std::fs::read(entry.path()).unwrap());
    }
    files
}

/// A fresh copy of `fixtures/<folder>` in a temporary directory.
fn fixture_copy(folder: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(folder),
        dir.path(),
    );
    dir
}

fn fix_cmd(dir: &Path) -> Command {
    let mut c = wm(dir);
    c.args([
        "fix",
        "--no-config",
        "--region",
        "au",
        "--color",
        "never",
        "--allow-no-vcs",
        ".",
    ]);
    c
}

/// `check --format json --region au` on `dir`.
fn check_json(dir: &Path) -> serde_json::Value {
    let mut c = wm(dir);
    c.args([
        "check",
        "--no-config",
        "--region",
        "au",
        "--color",
        "never",
        "--format",
        "json",
        ".",
    ]);
    let out = run(c);
    let code = out.status.code();
    assert!(
        code == Some(0) || code == Some(1),
        "check failed: {}",
        describe(&out)
    );
    serde_json::from_slice(&out.stdout).expect("check --format json prints JSON")
}

fn diagnostics(report: &serde_json::Value) -> &Vec<serde_json::Value> {
    report["diagnostics"].as_array().expect("diagnostics array")
}

/// `./a/b.js` → `a/b.js`, as [`read_tree`] names files.
fn rel_path(d: &serde_json::Value) -> String {
    let p = d["path"].as_str().expect("path");
    p.strip_prefix("./").unwrap_or(p).to_string()
}

fn is_safe_fix(d: &serde_json::Value) -> bool {
    d["fix"]["applicability"].as_str() == Some("safe")
}

/// Case-insensitive count of `needle` (ASCII) in `hay`.
fn count_ci(hay: &[u8], needle: &str) -> usize {
    let hay = hay.to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    let needle = needle.as_bytes();
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

/// One fixture folder after `fix`: the copy, and its files before and after.
struct Fixed {
    dir: tempfile::TempDir,
    before: BTreeMap<String, Vec<u8>>,
    after: BTreeMap<String, Vec<u8>>,
}

impl Fixed {
    fn changed(&self) -> Vec<&String> {
        self.after
            .keys()
            .filter(|k| self.before.get(*k) != self.after.get(*k))
            .collect()
    }
}

fn fix_fixture(folder: &str) -> Fixed {
    fix_fixture_with(folder, false)
}

fn fix_fixture_with(folder: &str, unsafe_fixes: bool) -> Fixed {
    let dir = fixture_copy(folder);
    let before = read_tree(dir.path());
    let mut c = fix_cmd(dir.path());
    if unsafe_fixes {
        c.arg("--unsafe-fixes");
    }
    let out = run(c);
    let code = out.status.code();
    assert!(
        (code == Some(0) || code == Some(1)) && out.stderr.is_empty(),
        "{folder}: fix failed: {}",
        describe(&out)
    );
    let after = read_tree(dir.path());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "{folder}: fix created or removed files"
    );
    Fixed { dir, before, after }
}

// ---------------------------------------------------------------------------------------------
// 1. Snapshots of the fixed fixtures and of `fix --diff`.

#[test]
fn fixed_fixtures_match_their_snapshots() {
    for folder in folders() {
        let fixed = fix_fixture(&folder);
        let mut snap = String::new();
        for rel in fixed.changed() {
            snap.push_str(&format!("=== {rel} ===\n"));
            snap.push_str(&text(&fixed.after[rel]));
            if !snap.ends_with('\n') {
                snap.push_str("\n(no newline at end of file)\n");
            }
        }
        if snap.is_empty() {
            snap.push_str("(no file changed)\n");
        }
        insta::assert_snapshot!(format!("fixed__{folder}"), snap);
    }
}

/// The cross-file fixture after `fix --unsafe-fixes`: the requests built from constants of
/// another file move with those constants where every use can (Java, PHP, Ruby), and stay
/// whole elsewhere (`fix::across`).
#[test]
fn cross_file_fixture_fixed_with_unsafe_fixes_matches_its_snapshot() {
    let fixed = fix_fixture_with("cross-file", true);
    let mut snap = String::new();
    for rel in fixed.changed() {
        snap.push_str(&format!("=== {rel} ===\n"));
        snap.push_str(&text(&fixed.after[rel]));
    }
    insta::assert_snapshot!("fixed_unsafe__cross-file", snap);
}

#[test]
fn fix_diff_matches_its_snapshot_exits_1_and_writes_nothing() {
    for folder in folders() {
        let would_change = !fix_fixture(&folder).changed().is_empty();
        let dir = fixture_copy(&folder);
        let before = read_tree(dir.path());
        let mut c = fix_cmd(dir.path());
        c.arg("--diff");
        let out = run(c);
        // Standard error holds the summary (and the redaction note), never an error.
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with("Would fix ")
                && stderr
                    .lines()
                    .skip(1)
                    .all(|l| l.starts_with("note: secrets in this patch are redacted")),
            "{folder}: {}",
            describe(&out)
        );
        assert_eq!(
            out.status.code(),
            Some(if would_change { 1 } else { 0 }),
            "{folder}: `fix --diff` exit status (something would change: {would_change}): {}",
            describe(&out)
        );
        assert_eq!(
            before,
            read_tree(dir.path()),
            "{folder}: `fix --diff` wrote to the files"
        );
        assert_eq!(
            would_change,
            !out.stdout.is_empty(),
            "{folder}: a diff is printed exactly when fix changes something"
        );
        insta::assert_snapshot!(format!("diff__{folder}"), text(&out.stdout));
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Idempotency: a second fix changes nothing; check finds no safe fix left.

#[test]
fn fix_is_idempotent_and_leaves_no_safe_fix() {
    let mut failures = Vec::new();
    for folder in folders() {
        let fixed = fix_fixture(&folder);
        let out = run(fix_cmd(fixed.dir.path()));
        let again = read_tree(fixed.dir.path());
        for (rel, bytes) in &again {
            if fixed.after.get(rel) != Some(bytes) {
                failures.push(format!(
                    "{folder}/{rel}: a second `fix` changed the file:\n{}",
                    similar::TextDiff::from_lines(
                        text(&fixed.after[rel]).as_str(),
                        text(bytes).as_str()
                    )
                    .unified_diff()
                ));
            }
        }
        assert!(out.stderr.is_empty(), "{folder}: {}", describe(&out));
        for d in diagnostics(&check_json(fixed.dir.path())) {
            if is_safe_fix(d) {
                failures.push(format!(
                    "{folder}/{}:{}: {} still has a safe fix after `fix`: {}",
                    rel_path(d),
                    d["line"],
                    d["code"],
                    d["fix"]["message"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// 3. The fixed files still parse.

/// Panics, naming what to install, when `tool` is not on PATH.
fn require_tool(tool: &str, version_arg: &str, install: &str) {
    if Command::new(tool)
        .arg(version_arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_err()
    {
        panic!("`{tool}` is needed by this test and was not found on PATH: install {install}");
    }
}

fn external_check(mut c: Command, what: &str) -> Result<(), String> {
    let out = c.output().map_err(|e| format!("running {what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed:\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        ))
    }
}

/// Parses `path` with a real parser for its language; `None` when there is none here.
fn parse(path: &Path) -> Option<Result<(), String>> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    let read = || std::fs::read_to_string(path).map_err(|e| format!("not UTF-8: {e}"));
    Some(match ext.as_str() {
        "rs" => read().and_then(|s| {
            syn::parse_file(&s)
                .map(|_| ())
                .map_err(|e| format!("syn: {e}"))
        }),
        "json" => read().and_then(|s| {
            serde_json::from_str::<serde_json::Value>(&s)
                .map(|_| ())
                .map_err(|e| format!("serde_json: {e}"))
        }),
        "yml" | "yaml" => read().and_then(|s| {
            use serde::Deserialize;
            for doc in serde_yaml::Deserializer::from_str(&s) {
                serde_yaml::Value::deserialize(doc).map_err(|e| format!("serde_yaml: {e}"))?;
            }
            Ok(())
        }),
        "js" | "mjs" | "cjs" => {
            require_tool("node", "--version", "Node.js (`node`)");
            let mut c = Command::new("node");
            c.arg("--check").arg(path);
            external_check(c, "node --check")
        }
        "py" => {
            require_tool("python3", "--version", "Python 3 (`python3`)");
            let mut c = Command::new("python3");
            c.args(["-c", "import ast,sys; ast.parse(open(sys.argv[1]).read())"])
                .arg(path);
            external_check(c, "python3 ast.parse")
        }
        "sh" | "bash" => {
            let mut c = Command::new("bash");
            c.arg("-n").arg(path);
            external_check(c, "bash -n")
        }
        "php" => {
            require_tool("php", "--version", "PHP (`php-cli`)");
            let mut c = Command::new("php");
            c.arg("-l").arg(path);
            external_check(c, "php -l")
        }
        "rb" => {
            require_tool("ruby", "--version", "Ruby (`ruby`)");
            let mut c = Command::new("ruby");
            c.arg("-c").arg(path);
            external_check(c, "ruby -c")
        }
        "go" => {
            require_tool("gofmt", "-h", "Go (`golang-go`)");
            let mut c = Command::new("gofmt");
            c.arg("-e").arg(path).stdout(Stdio::null());
            external_check(c, "gofmt -e")
        }
        // ColdFusion has no parser here: its `<cfhttp>` structure (every `<cfhttpparam>` in a
        // closed element) and, in components, balanced brackets, as the fixer's own guard checks.
        "cfm" | "cfml" | "cfc" => read().and_then(|s| {
            whispir_migrate::lang::for_file_name(&name.to_ascii_lowercase())
                .check_syntax(s.as_bytes())
                .expect("ColdFusion has a structure check")
                .map_err(|e| format!("ColdFusion structure: {e}"))
        }),
        // Java, C# and TypeScript files are compiled per folder (`Compiler`); Kotlin has only its
        // tree-sitter grammar.
        _ => return None,
    })
}

/// Compilers that check a fixture folder's files of one language together (they reference each
/// other) against compile-only stubs of the third-party libraries they use, kept in
/// `tests/stubs/<language>/` (outside fixtures/, which the scanner tests walk), since library
/// packages cannot be downloaded here. Kotlin has none: Debian's Kotlin compiler is too old for
/// the fixtures, so Kotlin files are held to their tree-sitter grammar only.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Compiler {
    Javac,
    Mcs,
    Tsc,
}

/// Fixture files that are deliberately not compilable (a fragment, say), as `folder/file` with
/// the reason. They are left out of the compiler's file list and still held to their grammar.
const NOT_COMPILABLE: &[(&str, &str)] = &[];

impl Compiler {
    fn for_file(rel: &str) -> Option<Compiler> {
        let ext = rel.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "java" => Some(Compiler::Javac),
            "cs" => Some(Compiler::Mcs),
            "ts" | "tsx" | "mts" | "cts" => Some(Compiler::Tsc),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Compiler::Javac => "javac",
            Compiler::Mcs => "mcs",
            Compiler::Tsc => "tsc --noEmit",
        }
    }

    fn stubs(self) -> PathBuf {
        let language = match self {
            Compiler::Javac => "java",
            Compiler::Mcs => "csharp",
            Compiler::Tsc => "typescript",
        };
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/stubs")
            .join(language)
    }

    /// Compiles `files` together with the stubs, writing nothing next to them.
    fn compile(self, files: &[PathBuf]) -> Result<(), String> {
        let out_dir = tempfile::tempdir().expect("temp dir");
        let mut c = match self {
            Compiler::Javac => {
                require_tool("javac", "-version", "a JDK (`default-jdk-headless`)");
                let mut c = Command::new("javac");
                // Stubs are compiled from the source path only when a fixture uses them; a JIT
                // and collector sized for a short run take about a quarter off javac's CPU time.
                c.args([
                    "-J-XX:TieredStopAtLevel=1",
                    "-J-XX:+UseSerialGC",
                    "-proc:none",
                    "-implicit:none",
                    "-nowarn",
                    "-encoding",
                    "UTF-8",
                ])
                .arg("-d")
                .arg(out_dir.path())
                .arg("-sourcepath")
                .arg(self.stubs());
                c
            }
            Compiler::Mcs => {
                require_tool(
                    "mcs",
                    "--version",
                    "Mono's C# compiler (`mono-mcs` and `libmono-system-net-http4.0-cil`)",
                );
                let mut c = Command::new("mcs");
                c.args([
                    "-target:library",
                    "-nowarn:169,414,649",
                    "-r:System.Net.Http",
                    "-r:System.Configuration",
                ])
                .arg(format!(
                    "-out:{}",
                    out_dir.path().join("fixture.dll").display()
                ))
                .args(files_with(&self.stubs(), Compiler::Mcs));
                c
            }
            Compiler::Tsc => {
                let toolchain = typescript_toolchain();
                let mut c = Command::new(toolchain.join("node_modules/.bin/tsc"));
                c.args([
                    "--noEmit",
                    "--skipLibCheck",
                    "--strict",
                    "--pretty",
                    "false",
                ])
                .args([
                    "--target", "es2022", "--module", "nodenext", "--jsx", "preserve",
                ])
                .args(["--types", "node", "--typeRoots"])
                .arg(toolchain.join("node_modules/@types"))
                .arg(self.stubs().join("modules.d.ts"));
                c
            }
        };
        c.args(files);
        external_check(c, self.name())
    }
}

/// The files under `root` that `compiler` checks, sorted.
fn files_with(root: &Path, compiler: Compiler) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.expect("walk").into_path())
        .filter(|p| p.is_file() && Compiler::for_file(&p.to_string_lossy()) == Some(compiler))
        .collect();
    files.sort();
    files
}

/// The files of a copy of fixtures/`folder` at `root` to compile, per compiler, without the
/// allow-listed ones.
fn compile_sets(root: &Path, folder: &str) -> BTreeMap<Compiler, Vec<PathBuf>> {
    let mut sets = BTreeMap::new();
    for compiler in [Compiler::Javac, Compiler::Mcs, Compiler::Tsc] {
        let files: Vec<PathBuf> = files_with(root, compiler)
            .into_iter()
            .filter(|p| {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy();
                !NOT_COMPILABLE
                    .iter()
                    .any(|(path, _)| *path == format!("{folder}/{rel}"))
            })
            .collect();
        if !files.is_empty() {
            sets.insert(compiler, files);
        }
    }
    sets
}

/// The npm `typescript` package pinned by tests/stubs/typescript/package-lock.json, installed
/// once with `npm ci` under target/, in a directory named after the manifest and lockfile (a new
/// pin installs afresh). It is installed under a temporary name and then renamed, so an
/// interrupted install is never taken for a finished one.
fn typescript_toolchain() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        use std::hash::{Hash, Hasher};
        let stubs = Compiler::Tsc.stubs();
        let pins: Vec<(&str, Vec<u8>)> = ["package.json", "package-lock.json"]
            .into_iter()
            .map(|name| (name, std::fs::read(stubs.join(name)).expect(name)))
            .collect();
        let mut hasher = std::hash::DefaultHasher::new();
        pins.hash(&mut hasher);
        let cache = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let dir = cache.join(format!("typescript-{:016x}", hasher.finish()));
        if !dir.join("node_modules/.bin/tsc").exists() {
            require_tool("npm", "--version", "npm (`npm`)");
            let staging = tempfile::tempdir_in(cache).expect("temp dir under target/");
            for (name, bytes) in &pins {
                std::fs::write(staging.path().join(name), bytes).expect("write the npm pins");
            }
            let mut c = Command::new("npm");
            c.args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
                .current_dir(staging.path())
                .stdin(Stdio::null());
            if let Err(e) = external_check(c, "npm ci (the TypeScript compiler)") {
                panic!("installing the TypeScript compiler failed: {e}");
            }
            // Another test process may have finished the same install first: keep either.
            if std::fs::rename(staging.keep(), &dir).is_err() {
                assert!(
                    dir.join("node_modules/.bin/tsc").exists(),
                    "{}",
                    dir.display()
                );
            }
        }
        dir
    })
}

/// Syntax errors in `bytes` by the tree-sitter grammar the fix guard uses for `name`.
fn tree_errors(name: &str, bytes: &[u8]) -> Option<usize> {
    let grammar = whispir_migrate::lang::tree::grammar(&name.to_ascii_lowercase())?;
    whispir_migrate::lang::tree::error_count(&grammar, bytes)
}

/// Every file `fix` and `fix --unsafe-fixes` changed still parses: no more tree-sitter errors
/// than before, and its language's own parser or compiler accepts it (Rust: syn; JSON/YAML:
/// serde; JavaScript: node; Python: ast; PHP: php -l; Ruby: ruby -c; Go: gofmt; shell: bash -n;
/// Java: javac, C#: mcs and TypeScript: tsc, each on the whole folder with the stubs of
/// tests/stubs/). Kotlin relies on its tree-sitter grammar alone: Debian's Kotlin compiler is too
/// old for the fixtures. The original files must pass the same checks, or the fixed ones cannot
/// be judged.
#[test]
fn fixed_files_still_parse() {
    let mut failures = Vec::new();
    let mut parsed = 0;
    let mut compiled: BTreeMap<Compiler, usize> = BTreeMap::new();
    for folder in folders() {
        let original = fixture_copy(&folder);
        let mut originals_compile = std::collections::BTreeSet::new();
        for (compiler, files) in compile_sets(original.path(), &folder) {
            match compiler.compile(&files) {
                Ok(()) => {
                    originals_compile.insert(compiler);
                }
                Err(e) => failures.push(format!(
                    "{folder}: the original fixture does not compile, so the fixed files cannot be judged (fix the fixture, extend {}, or list a deliberate fragment in NOT_COMPILABLE): {e}",
                    compiler.stubs().display()
                )),
            }
        }
        for unsafe_fixes in [false, true] {
            let fixed = fix_fixture_with(&folder, unsafe_fixes);
            for rel in fixed.changed() {
                if let (Some(before), Some(after)) = (
                    tree_errors(rel, &fixed.before[rel]),
                    tree_errors(rel, &fixed.after[rel]),
                ) && after > before
                {
                    failures.push(format!(
                        "{folder}/{rel} (unsafe fixes: {unsafe_fixes}): tree-sitter errors {before} → {after}"
                    ));
                }
                let path = fixed.dir.path().join(rel);
                let Some(result) = parse(&path) else {
                    continue;
                };
                parsed += 1;
                let before = parse(&original.path().join(rel)).expect("same parser");
                match (before, result) {
                    (Ok(()), Err(e)) => {
                        failures.push(format!("{folder}/{rel}: no longer parses after fix: {e}"))
                    }
                    (Err(e), _) => failures.push(format!(
                        "{folder}/{rel}: the original fixture does not parse, so the fixed file cannot be judged: {e}"
                    )),
                    (Ok(()), Ok(())) => {}
                }
            }
            let changed_paths: Vec<PathBuf> = fixed
                .changed()
                .into_iter()
                .map(|rel| fixed.dir.path().join(rel))
                .collect();
            for (compiler, files) in compile_sets(fixed.dir.path(), &folder) {
                let changed = files.iter().filter(|p| changed_paths.contains(p)).count();
                if changed == 0 || !originals_compile.contains(&compiler) {
                    continue;
                }
                *compiled.entry(compiler).or_default() += changed;
                if let Err(e) = compiler.compile(&files) {
                    failures.push(format!(
                        "{folder} (unsafe fixes: {unsafe_fixes}): the fixed files no longer compile: {e}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(parsed > 0, "no fixed file was parsed");
    for compiler in [Compiler::Javac, Compiler::Mcs, Compiler::Tsc] {
        assert!(
            compiled.contains_key(&compiler),
            "no fixed file was compiled with {}",
            compiler.name()
        );
    }
    eprintln!("fixed files parsed: {parsed}; compiled (changed files, both runs): {compiled:?}");
}

/// `gofmt -d FILE`: empty when gofmt would print the file as it is.
fn gofmt_diff(path: &Path) -> String {
    require_tool("gofmt", "-h", "Go (`golang-go`)");
    let out = Command::new("gofmt")
        .arg("-d")
        .arg(path)
        .output()
        .expect("gofmt runs");
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

/// Go code is written as gofmt prints it, and a fix must keep it so: every Go fixture is
/// gofmt-clean, and so is every Go file after `fix` and after `fix --unsafe-fixes` (the
/// `http.Get` rewrite's arguments, values re-aligned after the key's entry left them).
#[test]
fn fixed_go_files_stay_gofmt_clean() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for folder in folders() {
        for unsafe_fixes in [false, true] {
            let fixed = fix_fixture_with(&folder, unsafe_fixes);
            for rel in fixed.changed() {
                if !rel.ends_with(".go") {
                    continue;
                }
                let original = fixture_copy(&folder);
                let before = gofmt_diff(&original.path().join(rel));
                if !before.is_empty() {
                    failures.push(format!(
                        "{folder}/{rel}: the fixture is not gofmt-clean, so the fixed file cannot be judged (run gofmt -w on it):\n{before}"
                    ));
                    continue;
                }
                checked += 1;
                let after = gofmt_diff(&fixed.dir.path().join(rel));
                if !after.is_empty() {
                    failures.push(format!(
                        "{folder}/{rel} (unsafe fixes: {unsafe_fixes}): gofmt would change the fixed file:\n{after}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 0, "no fixed Go file was checked");
}

/// What `go vet FILE` reports about a Go file (the compiler's type errors, as "imported and
/// not used"), each message without its position, sorted.
fn go_vet(path: &Path) -> Vec<String> {
    require_tool("go", "version", "Go (`golang-go`)");
    let cache = std::env::temp_dir().join("whispir-migrate-go-cache");
    let out = Command::new("go")
        .arg("vet")
        .arg(path)
        .current_dir(path.parent().unwrap())
        .env("GOCACHE", cache.join("build"))
        .env("GOPATH", cache.join("path"))
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local")
        .output()
        .expect("go vet runs");
    let mut messages: Vec<String> = text(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with('#'))
        // `vet: scopes.go:33:9: key declared and not used`: the text after the position.
        .map(|l| match l.find(".go:") {
            Some(at) => l[at..]
                .splitn(4, ':')
                .nth(3)
                .unwrap_or(l)
                .trim()
                .to_string(),
            None => l.trim().to_string(),
        })
        .collect();
    messages.sort();
    messages
}

/// A fix keeps Go code compiling: `go vet` reports nothing about a fixed file that it did not
/// report about the original (a fixture may hold a compile error on purpose). Two fixes that
/// each took a `fmt.Sprintf` left the file's `"fmt"` import unused, which Go refuses.
#[test]
fn fixed_go_files_gain_no_compile_error() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for unsafe_fixes in [false, true] {
        let fixed = fix_fixture_with("go", unsafe_fixes);
        let original = fixture_copy("go");
        for rel in fixed.changed() {
            if !rel.ends_with(".go") {
                continue;
            }
            checked += 1;
            let mut before = go_vet(&original.path().join(rel));
            for message in go_vet(&fixed.dir.path().join(rel)) {
                match before.iter().position(|b| *b == message) {
                    Some(at) => {
                        before.remove(at);
                    }
                    None => failures.push(format!(
                        "go/{rel} (unsafe fixes: {unsafe_fixes}): go vet: {message}"
                    )),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 0, "no fixed Go file was checked");
}

/// The same for fixes of one run: each request's fix leaves the import to the other's
/// `fmt.Sprintf`, and the last use of `fmt` gone takes its import line with it.
#[test]
fn go_fixes_that_take_every_use_of_fmt_take_its_import() {
    let request = |name: &str| {
        format!(
            "func {name}(key string) {{\n\turl := fmt.Sprintf(\"https://api.au.whispir.com/{name}?apikey=%s\", key)\n\treq, _ := http.NewRequest(\"GET\", url, nil)\n\thttp.DefaultClient.Do(req)\n}}\n"
        )
    };
    let head = "package client\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\n";
    let logs = "func logs() { fmt.Println(\"sent\") }\n";
    for (rest, import_stays) in [("", false), (logs, true)] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("client.go");
        let src = format!(
            "{head}{}\n{}\n{rest}",
            request("messages"),
            request("events")
        );
        std::fs::write(&path, &src).unwrap();
        let out = run(fix_file_cmd(dir.path(), &["--region", "au", "."]));
        let fixed = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            fixed.matches("Header.Set(\"x-api-key\", key)").count(),
            2,
            "{fixed}\n{}",
            describe(&out)
        );
        assert_eq!(fixed.contains("\"fmt\""), import_stays, "{fixed}");
        assert!(go_vet(&path).is_empty(), "{fixed}\n{:?}", go_vet(&path));
    }
}

// ---------------------------------------------------------------------------------------------
// 4. The key is never dropped without a header.

/// Two `new http()` objects in one function: the `type="url"` parameter the second adds is its
/// own request's, not the first's. The first's key left its URL while the fix turned the
/// second's parameter into the header, and the first request went out with no key.
#[test]
fn a_coldfusion_object_does_not_take_another_objects_url_parameter_for_its_key() {
    let component = "component {\n    public struct function both(required string key) {\n        \
        var first = new http(method = \"GET\", url = \"https://api.au.whispir.com/messages?apikey=#arguments.key#\");\n        \
        var r1 = first.send().getPrefix();\n        \
        var second = new http(method = \"GET\", url = \"https://api.au.whispir.com/contacts\");\n        \
        second.addParam(type = \"url\", name = \"apikey\", value = arguments.key);\n        \
        var r2 = second.send().getPrefix();\n        \
        return { messages: r1, contacts: r2 };\n    }\n}\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Both.cfc");
    std::fs::write(&path, component).unwrap();
    let out = run(fix_file_cmd(dir.path(), &["--region", "au", "."]));
    let fixed = std::fs::read_to_string(&path).unwrap();
    for header in [
        "first.addParam(type = \"header\", name = \"x-api-key\", value = arguments.key);",
        "second.addParam(type = \"header\", name = \"x-api-key\", value = arguments.key);",
    ] {
        assert!(
            fixed.contains(header),
            "{header} missing:\n{fixed}\n{}",
            describe(&out)
        );
    }
    assert!(!fixed.contains("apikey"), "{fixed}");
}

#[test]
fn every_applied_apikey_removal_sends_the_key_in_a_header() {
    let mut failures = Vec::new();
    let mut seen = 0;
    for folder in folders() {
        let original = fixture_copy(&folder);
        for d in diagnostics(&check_json(original.path())) {
            if d["code"] != "WM002" || !is_safe_fix(d) {
                continue;
            }
            seen += 1;
            let fix = &d["fix"];
            let message = fix["message"].as_str().unwrap_or_default();
            let adds_header = fix["edits"].as_array().expect("edits").iter().any(|e| {
                e["content"]
                    .as_str()
                    .is_some_and(|c| c.to_ascii_lowercase().contains("x-api-key"))
            });
            if !adds_header && !message.contains("already sends `x-api-key`") {
                failures.push(format!(
                    "{folder}/{}:{}: the safe WM002 fix drops the key without an x-api-key header: {fix}",
                    rel_path(d),
                    d["line"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(seen > 0, "no safe WM002 fix in the fixtures");
}

/// Every `apikey=` a fix removes reappears as an `x-api-key` header: in its own file, or —
/// with `--unsafe-fixes`, where a constant of one file moves with the requests of others that
/// read it (`fix::across`) — in the other files of its folder, which gain that many headers
/// beyond their own removed keys.
#[test]
fn files_that_lost_apikey_gained_x_api_key_headers() {
    let mut failures = Vec::new();
    for folder in folders() {
        let original = fixture_copy(&folder);
        let mut already: BTreeMap<String, usize> = BTreeMap::new();
        for d in diagnostics(&check_json(original.path())) {
            if d["code"] == "WM002"
                && d["fix"]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("already sends"))
            {
                *already.entry(rel_path(d)).or_default() += 1;
            }
        }
        for unsafe_fixes in [false, true] {
            let fixed = fix_fixture_with(&folder, unsafe_fixes);
            let (mut short, mut spare) = (Vec::new(), 0);
            for rel in fixed.changed() {
                let (old, new) = (&fixed.before[rel], &fixed.after[rel]);
                let lost = count_ci(old, "apikey=").saturating_sub(count_ci(new, "apikey="));
                let need = lost.saturating_sub(already.get(rel).copied().unwrap_or(0));
                let (hb, ha) = (count_ci(old, "x-api-key"), count_ci(new, "x-api-key"));
                if ha < hb + need {
                    short.push((rel.clone(), hb + need - ha, lost, hb, ha));
                } else {
                    spare += ha - hb - need;
                }
            }
            let missing: usize = short.iter().map(|s| s.1).sum();
            if missing > 0 && !(unsafe_fixes && missing <= spare) {
                failures.extend(short.iter().map(|(rel, _, lost, hb, ha)| {
                    format!(
                        "{folder}/{rel} (unsafe fixes: {unsafe_fixes}): lost {lost} `apikey=` ({} where the header was already sent) but `x-api-key` went from {hb} to {ha}",
                        already.get(rel).copied().unwrap_or(0)
                    )
                }));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// URLs on a regional host that still carry the key in their query: the gateway answers 403.
fn half_migrated(text: &[u8]) -> usize {
    let pattern = regex::bytes::Regex::new(
        r#"(?i)api\.(au|ap|ap1|nz|us|it|edu|education)\.whispir\.com[^\s"'`<>]*?(\?|&|&amp;)apikey\\?="#,
    )
    .unwrap();
    pattern.find_iter(text).count() + half_migrated_coldfusion(text)
}

/// ColdFusion requests on a regional host whose key is still a `type="url"` parameter: a
/// `<cfhttp>` element with a `<cfhttpparam>`, a script `cfhttp(…) {…}` with a `cfhttpparam(…)`,
/// or a `new http()` object given the URL with `setUrl` and the key with `addParam`.
fn half_migrated_coldfusion(text: &[u8]) -> usize {
    let regional =
        regex::bytes::Regex::new(r"(?i)api\.(au|ap|ap1|nz|us|it|edu|education)\.whispir\.com")
            .unwrap();
    let url_key =
        regex::bytes::Regex::new(r#"(?i)type\s*=\s*["']url["']\s*,?\s*name\s*=\s*["']apikey["']"#)
            .unwrap();
    let requests = [
        r"(?is)<cfhttp\s([^>]*)>(.*?)</cfhttp>",
        r"(?is)cfhttp\s*\(([^;{]*)\)\s*\{(.*?)\}",
        r"(?is)\.seturl\s*\(([^;]*)\);(.*?)\.send\(",
    ];
    requests
        .iter()
        .map(|r| {
            regex::bytes::Regex::new(r)
                .unwrap()
                .captures_iter(text)
                .filter(|c| regional.is_match(&c[1]) && url_key.is_match(&c[2]))
                .count()
        })
        .sum()
}

#[test]
fn half_migrated_counts_coldfusion_url_parameters() {
    let tag = br##"<cfhttp url="https://api.au.whispir.com/m" method="get">
    <cfhttpparam type="url" name="apikey" value="#k#">
</cfhttp>"##;
    let script = br##"cfhttp(url = "https://api.au.whispir.com/m", method = "GET") {
    cfhttpparam(type = "url", name = "apikey", value = k);
}"##;
    let object = br##"h.setUrl("https://api.au.whispir.com/m");
h.addParam(type = "url", name = "apikey", value = k);
h.send();"##;
    for half in [&tag[..], script, object] {
        assert_eq!(half_migrated(half), 1, "{}", String::from_utf8_lossy(half));
    }
    let retired = br##"<cfhttp url="https://api.whispir.com/m">
    <cfhttpparam type="url" name="apikey" value="#k#">
</cfhttp>"##;
    let moved = br##"<cfhttp url="https://api.au.whispir.com/m">
    <cfhttpparam type="header" name="x-api-key" value="#k#">
</cfhttp>"##;
    assert_eq!(half_migrated(retired) + half_migrated(moved), 0);
}

/// Per file, the requests the tool itself sees sending the key in the query anywhere but to
/// the retired gateway (WM002 "to a regional Whispir host", "to the Whispir API"). It
/// follows what a pattern over URL text cannot: a `StringBuilder` append, Ruby's `<<`, a
/// params dict, a query builder. A fix that moves a host and leaves its key turns one
/// "retired gateway" finding into one of these.
fn regional_keys_in_query(dir: &Path) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for d in diagnostics(&check_json(dir)) {
        let message = d["message"].as_str().unwrap_or_default();
        if d["code"] == "WM002" && !message.contains("retired gateway") {
            *counts.entry(rel_path(d)).or_default() += 1;
        }
    }
    counts
}

#[test]
fn a_host_moved_without_its_appended_key_is_counted_as_half_migrated() {
    // The URL text never shows host and key together: only detection sees the request.
    let legacy = "url = \"https://api.whispir.com/m\"\nurl << \"?apikey=\" << key\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("send.rb"), legacy).unwrap();
    assert!(regional_keys_in_query(dir.path()).is_empty());
    assert_eq!(half_migrated(legacy.as_bytes()), 0);
    let half = legacy.replace("api.whispir.com", "api.au.whispir.com");
    std::fs::write(dir.path().join("send.rb"), &half).unwrap();
    assert_eq!(regional_keys_in_query(dir.path())["send.rb"], 1);
    assert_eq!(
        half_migrated(half.as_bytes()),
        0,
        "a pattern over URL text misses it"
    );
}

#[test]
fn no_fix_leaves_a_half_migrated_request() {
    let mut failures = Vec::new();
    for unsafe_fixes in [false, true] {
        for folder in folders() {
            let dir = fixture_copy(&folder);
            let before = read_tree(dir.path());
            let seen_before = regional_keys_in_query(dir.path());
            let mut c = fix_cmd(dir.path());
            c.arg("--show-secrets");
            if unsafe_fixes {
                c.arg("--unsafe-fixes");
            }
            let out = run(c);
            assert_ne!(out.status.code(), Some(2), "{folder}: {}", describe(&out));
            let after = read_tree(dir.path());
            for (rel, new) in &after {
                let (was, now) = (half_migrated(&before[rel]), half_migrated(new));
                if now > was {
                    failures.push(format!(
                        "{folder}/{rel} (unsafe fixes: {unsafe_fixes}): {was} → {now} regional URLs with the key in the query"
                    ));
                }
            }
            for (rel, &now) in &regional_keys_in_query(dir.path()) {
                let was = seen_before.get(rel).copied().unwrap_or(0);
                if now > was {
                    failures.push(format!(
                        "{folder}/{rel} (unsafe fixes: {unsafe_fixes}): {was} → {now} requests off the retired gateway with the key in the query (WM002)"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn javascript_computed_headers_are_spread_and_unknown_spreads_stay_manual() {
    let source = concat!(
        "function a(k, headers) {\n  return fetch('https://api.au.whispir.com/m?apikey=' + k, { headers });\n}\n",
        "function b(k, base) {\n  return fetch('https://api.au.whispir.com/m?apikey=' + k, { method: 'GET', headers: base });\n}\n",
        "function c(k, o) {\n  return fetch('https://api.au.whispir.com/m?apikey=' + k, { ...o, method: 'GET' });\n}\n",
    );
    let (dir, path) = one_file("send.js", source.as_bytes());
    let out = run(fix_file_cmd(dir.path(), &["."]));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        after.contains("{ headers: { ...headers, 'x-api-key': k } }"),
        "{after}"
    );
    assert!(
        after.contains("headers: { ...base, 'x-api-key': k } }"),
        "{after}"
    );
    // `...o` may carry headers of its own: which object wins depends on order, so no fix.
    assert!(
        after.contains("m?apikey=' + k, { ...o, method: 'GET' }"),
        "{after}"
    );
}

#[test]
fn a_query_builder_emptied_by_the_fix_goes_with_it() {
    let cases: [(&str, &str, &str, &str); 3] = [
        (
            "a.py",
            "def f(k):\n    return requests.get('https://api.au.whispir.com/m', params={'apikey': k})\n",
            "params=",
            "requests.get('https://api.au.whispir.com/m', headers={'x-api-key': k})",
        ),
        (
            "b.js",
            "request({\n  uri: 'https://api.au.whispir.com/m',\n  qs: { apikey: key },\n  json: true,\n}, cb);\n",
            "qs:",
            "headers: { 'x-api-key': key },",
        ),
        (
            "c.php",
            "<?php\nuse GuzzleHttp\\Client;\nfunction f($client, $key) {\n    return $client->request('GET', 'https://api.au.whispir.com/m', [\n        'query' => ['apikey' => $key],\n        'headers' => ['Accept' => 'application/json'],\n    ]);\n}\n",
            "'query'",
            "'headers' => ['x-api-key' => $key, 'Accept' => 'application/json'],",
        ),
    ];
    for (name, source, gone, expected) in cases {
        let (dir, path) = one_file(name, source.as_bytes());
        let out = run(fix_file_cmd(dir.path(), &["."]));
        assert_eq!(out.status.code(), Some(0), "{name}: {}", describe(&out));
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(!after.contains(gone), "{name}: {after}");
        assert!(after.contains(expected), "{name}: {after}");
    }
    // Still named when other parameters remain.
    let source = "def f(k):\n    return requests.get('https://api.au.whispir.com/m', params={'apikey': k, 'limit': 5})\n";
    let (dir, path) = one_file("d.py", source.as_bytes());
    run(fix_file_cmd(dir.path(), &["."]));
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("params={'limit': 5}")
    );
}

#[test]
fn node_options_move_to_https_with_the_host() {
    // The regional gateway answers plain HTTP with 403: port 80 and the `http` module go too.
    let source = concat!(
        "const http = require('http');\n",
        "function send(key, cb) {\n",
        "  return http.request({\n",
        "    host: 'api.whispir.com',\n",
        "    port: 80,\n",
        "    path: '/messages?apikey=' + key,\n",
        "    headers: { Accept: 'application/json' },\n",
        "  }, cb);\n",
        "}\n",
    );
    let (dir, path) = one_file("send.js", source.as_bytes());
    let out = run(fix_file_cmd(dir.path(), &["--region", "au", "."]));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let after = std::fs::read_to_string(&path).unwrap();
    for expected in [
        "const http = require('http');\nconst https = require('https');\n",
        "return https.request({",
        "host: 'api.au.whispir.com',",
        "port: 443,",
        "path: '/messages',",
        "'x-api-key': key,",
    ] {
        assert!(after.contains(expected), "{expected}: {after}");
    }
    let check = Command::new("node")
        .arg("--check")
        .arg(&path)
        .status()
        .unwrap();
    assert!(check.success(), "{after}");

    // A custom port: the transport cannot be moved safely, so neither host nor key moves.
    let source = "const https = require('https');\nhttps.request({ host: 'api.whispir.com', port: 8080, path: '/m?apikey=' + key }, cb);\n";
    let (dir, path) = one_file("send.js", source.as_bytes());
    let out = run(fix_file_cmd(
        dir.path(),
        &["--region", "au", "--unsafe-fixes", "."],
    ));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), source);
}

/// Found by fuzzing: a bracket or quote opened before `apikey=` and never closed made the
/// parameter's removal run into the next line and delete it.
#[test]
fn malformed_input_never_loses_the_next_line() {
    let cases = [
        (
            "Makefile",
            "x-api-key/api.whispir.com''qs[apikey=\ne\n",
            "\ne\n",
        ),
        (
            "Dockerfile",
            "x-api-key/api.whispir.com''qs[apikey=\ne\n",
            "\ne\n",
        ),
        ("a.js", "Param(apikey=x-api-key\nwhispir\n", "\nwhispir\n"),
        (
            "c.yaml",
            "a: x-api-key/api.whispir.com''qs[apikey=\nb: e\n",
            "\nb: e\n",
        ),
    ];
    for (name, source, kept) in cases {
        let (dir, path) = one_file(name, source.as_bytes());
        let out = run(fix_file_cmd(
            dir.path(),
            &["--region", "au", "--unsafe-fixes", "."],
        ));
        assert_ne!(out.status.code(), Some(2), "{name}: {}", describe(&out));
        let after = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            after.lines().count(),
            source.lines().count(),
            "{name}: {after:?}"
        );
        assert!(after.ends_with(kept), "{name}: {after:?}");
    }
}

#[test]
fn host_and_key_of_one_request_move_together_or_not_at_all() {
    // Key placed: one fix moves both. Key not placeable: the host stays too.
    let source = concat!(
        "fetch('https://api.whispir.com/messages?apikey=' + key, { method: 'POST' });\n",
        "const kept = 'https://api.whispir.com/contacts?apikey=' + key;\n",
    );
    let (dir, path) = one_file("send.js", source.as_bytes());
    let out = run(fix_file_cmd(
        dir.path(),
        &["--region", "au", "--unsafe-fixes", "."],
    ));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let after = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = after.lines().collect();
    assert!(
        lines[0].contains("https://api.au.whispir.com/messages'")
            && lines[0].contains("'x-api-key': key"),
        "{after}"
    );
    assert_eq!(
        lines[1],
        "const kept = 'https://api.whispir.com/contacts?apikey=' + key;"
    );
}

#[test]
fn a_go_key_added_to_a_requests_query_moves_with_that_request_only() {
    // `q.Add("apikey", k)` belongs to the request whose query `q` copies: a regional request
    // loses its key even while the file's retired base (read by a commented-out line) is
    // blocked; a request to the retired host moves host and key in one fix.
    let source = concat!(
        "package p\n\n",
        "const base = \"https://api.whispir.com\"\n\n",
        "// u := base + \"/events?apikey=\" + k\n\n",
        "func Regional(k string) {\n",
        "\treq, err := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/t\", nil)\n",
        "\tif err != nil {\n\t\treturn\n\t}\n",
        "\tq := req.URL.Query()\n\tq.Add(\"apikey\", k)\n\treq.URL.RawQuery = q.Encode()\n",
        "\tdo(req)\n}\n\n",
        "func Retired(k string) {\n",
        "\treq, err := http.NewRequest(http.MethodGet, \"https://api.whispir.com/t\", nil)\n",
        "\tif err != nil {\n\t\treturn\n\t}\n",
        "\tq := req.URL.Query()\n\tq.Add(\"apikey\", k)\n\treq.URL.RawQuery = q.Encode()\n",
        "\tdo(req)\n}\n",
    );
    let (dir, path) = one_file("client.go", source.as_bytes());
    run(fix_file_cmd(dir.path(), &["--region", "au", "."]));
    let after = std::fs::read_to_string(&path).unwrap();
    let expected_tail = concat!(
        "func Regional(k string) {\n",
        "\treq, err := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/t\", nil)\n",
        "\tif err != nil {\n\t\treturn\n\t}\n",
        "\treq.Header.Set(\"x-api-key\", k)\n",
        "\tdo(req)\n}\n\n",
        "func Retired(k string) {\n",
        "\treq, err := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/t\", nil)\n",
        "\tif err != nil {\n\t\treturn\n\t}\n",
        "\treq.Header.Set(\"x-api-key\", k)\n",
        "\tdo(req)\n}\n",
    );
    assert!(after.ends_with(expected_tail), "{after}");
    assert!(
        after.contains("const base = \"https://api.whispir.com\""),
        "{after}"
    );
}

#[test]
fn without_a_region_a_retired_request_keeps_its_key_in_the_query() {
    // The retired gateway reads the key from the query: moving it alone breaks the request.
    let source = "fetch('https://api.whispir.com/messages?apikey=' + key, { method: 'POST' });\n";
    let (dir, path) = one_file("send.js", source.as_bytes());
    let out = run(fix_file_cmd(dir.path(), &["--unsafe-fixes", "."]));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), source);
    assert!(
        text(&out.stdout).contains("pass `--region` to get a fix"),
        "{}",
        describe(&out)
    );
}

#[test]
fn a_base_url_moves_only_when_the_whole_repository_is_clean() {
    // A constant serves requests the tool may not see: safe only in a run over the whole
    // repository that leaves no key in a query.
    let base = "export const WHISPIR_BASE = 'https://api.whispir.com';\n";
    let keyed = "fetch(WHISPIR_BASE + path + '?apikey=' + key);\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.js"), base).unwrap();
    std::fs::write(dir.path().join("old.js"), keyed).unwrap();
    let out = run(fix_file_cmd(dir.path(), &["--region", "au", "."]));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("base.js")).unwrap(),
        base
    );
    let out = run(fix_file_cmd(
        dir.path(),
        &["--region", "au", "--format", "concise", "."],
    ));
    let report = text(&out.stdout);
    assert!(
        report.contains("old.js:1"),
        "the message names the site: {report}"
    );

    // The same constant alone in the repository: nothing still sends the key in the query.
    std::fs::remove_file(dir.path().join("old.js")).unwrap();
    let out = run(fix_file_cmd(dir.path(), &["--region", "au", "."]));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(
        std::fs::read_to_string(dir.path().join("base.js"))
            .unwrap()
            .contains("api.au.whispir.com")
    );

    // A single file named on the command line (as pre-commit passes them) is not the whole
    // repository.
    std::fs::write(dir.path().join("base.js"), base).unwrap();
    let out = run(fix_file_cmd(dir.path(), &["--region", "au", "base.js"]));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("base.js")).unwrap(),
        base
    );
}

// ---------------------------------------------------------------------------------------------
// 5. The write path, on real files.

/// A temporary directory holding `name` with `bytes`.
fn one_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

fn legacy_script() -> String {
    format!("#!/bin/sh\n{LEGACY_CURL}\n")
}

/// `fix` in `dir`, which is no git work tree (hence `--allow-no-vcs`).
fn fix_file_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut c = fix_in_git_cmd(dir, args);
    c.arg("--allow-no-vcs");
    c
}

/// `fix` in `dir` with the git guard on.
fn fix_in_git_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut c = wm(dir);
    c.args(["fix", "--no-config", "--color", "never"])
        .args(args);
    c
}

/// The fixed form of the curl line: regional host, no `apikey`, the header, the rest intact.
fn assert_curl_line_fixed(line: &[u8]) {
    let line = text(line);
    assert!(line.starts_with(FIXED_CURL_START), "{line:?}");
    assert!(line.ends_with(" -d @m.json"), "{line:?}");
    assert_eq!(line.matches(FIXED_HEADER).count(), 1, "{line:?}");
    assert!(!line.to_ascii_lowercase().contains("apikey="), "{line:?}");
}

#[test]
fn crlf_and_bom_are_kept() {
    let lines: [&[u8]; 4] = [
        b"\xEF\xBB\xBF#!/bin/sh",
        b"# send a message",
        LEGACY_CURL.as_bytes(),
        b"echo done",
    ];
    let original: Vec<u8> = lines.iter().flat_map(|l| [*l, b"\r\n"].concat()).collect();
    let (dir, path) = one_file("send.sh", &original);
    let out = run(fix_file_cmd(dir.path(), &["--region", "au", "send.sh"]));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let fixed = std::fs::read(&path).unwrap();
    assert!(fixed.starts_with(b"\xEF\xBB\xBF#!/bin/sh\r\n"), "BOM lost");
    assert!(fixed.ends_with(b"\r\n"), "trailing CRLF lost");
    assert_eq!(
        fixed.iter().filter(|&&b| b == b'\n').count(),
        4,
        "lines added or removed"
    );
    assert!(
        fixed.windows(2).all(|w| w[1] != b'\n' || w[0] == b'\r'),
        "a bare LF appeared: {:?}",
        text(&fixed)
    );
    let got: Vec<&[u8]> = fixed
        .strip_suffix(b"\r\n")
        .unwrap()
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect();
    assert_eq!(got[0], lines[0]);
    assert_eq!(got[1], lines[1]);
    assert_curl_line_fixed(got[2]);
    assert_eq!(got[3], lines[3]);
}

#[test]
fn latin1_bytes_are_kept() {
    let original = format!("#!/bin/sh\n# caf\u{0}notifier\n{LEGACY_CURL}\n")
        .into_bytes()
        .into_iter()
        .map(|b| if b == 0 { 0xE9 } else { b })
        .collect::<Vec<u8>>();
    assert!(
        std::str::from_utf8(&original).is_err(),
        "test input is Latin-1"
    );
    let (dir, path) = one_file("send.sh", &original);
    let out = run(fix_file_cmd(dir.path(), &["--region", "au", "send.sh"]));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let fixed = std::fs::read(&path).unwrap();
    assert!(
        fixed.starts_with(b"#!/bin/sh\n# caf\xE9notifier\n"),
        "the 0xE9 byte was not preserved: {fixed:?}"
    );
    let curl = fixed.split(|&b| b == b'\n').nth(2).unwrap();
    assert_curl_line_fixed(curl);
    assert!(fixed.ends_with(b" -d @m.json\n"));
}

#[test]
fn executable_bit_is_kept() {
    let (dir, path) = one_file("send.sh", legacy_script().as_bytes());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = run(fix_file_cmd(dir.path(), &["--region", "au", "."]));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_ne!(std::fs::read(&path).unwrap(), legacy_script().as_bytes());
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o755, "mode {mode:o}");
}

#[test]
fn symlinks_are_not_written_through() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("target")).unwrap();
    std::fs::create_dir(dir.path().join("scan")).unwrap();
    let target = dir.path().join("target/send.sh");
    std::fs::write(&target, legacy_script()).unwrap();
    let link = dir.path().join("scan/link.sh");
    std::os::unix::fs::symlink("../target/send.sh", &link).unwrap();

    let out = run(fix_file_cmd(dir.path(), &["--region", "au", "scan"]));
    assert_ne!(out.status.code(), Some(2), "{}", describe(&out));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), legacy_script());
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());

    let out = run(fix_file_cmd(
        dir.path(),
        &["--region", "au", "scan/link.sh"],
    ));
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains("scan/link.sh"),
        "the error names the link: {}",
        describe(&out)
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), legacy_script());
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
}

/// The test hook appends a line to the file after the temporary file is synced (before the
/// last check), or after the last check (right before the swap): either way the edit stays
/// and the file is reported, not written.
#[test]
fn an_edit_made_while_the_file_is_being_written_is_kept() {
    for hook in ["append-after-sync", "append-before-exchange"] {
        let (dir, path) = one_file("send.sh", legacy_script().as_bytes());
        let mut c = fix_file_cmd(dir.path(), &["--region", "au", "send.sh"]);
        c.env(HOOK, hook);
        let out = run(c);
        assert_eq!(out.status.code(), Some(2), "{hook}: {}", describe(&out));
        let stderr = text(&out.stderr);
        assert!(stderr.contains("send.sh"), "{hook}: {}", describe(&out));
        assert!(
            stderr.contains("changed on disk"),
            "{hook}: {}",
            describe(&out)
        );
        // The other process of `append-before-exchange` writes once the lease is released.
        let expected = format!("{}# concurrent edit\n", legacy_script());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::fs::read_to_string(&path).unwrap() != expected
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            expected,
            "{hook}: the edit is kept, nothing else changed"
        );
        assert_eq!(entries(dir.path()), 1, "{hook}: no temporary file left");
    }
}

/// The names in `dir`.
fn entries(dir: &Path) -> usize {
    std::fs::read_dir(dir).unwrap().count()
}

#[test]
fn an_unwritable_file_is_reported_and_left_intact() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let path = ro.join("send.sh");
    std::fs::write(&path, legacy_script()).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root writes anywhere: drop to `nobody` for the run (a new file is owned by our uid).
    let root = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(&path).unwrap()) == 0;
    if root {
        require_tool("setpriv", "--version", "util-linux (`setpriv`)");
    }

    let mut c = if root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN]);
        c
    } else {
        Command::new(BIN)
    };
    c.args(["fix", "--no-config", "--color", "never", "--region", "au"])
        .args(["--allow-no-vcs", "ro/send.sh"])
        .current_dir(dir.path())
        .env_remove("WHISPIR_REGION")
        .env_remove(HOOK)
        .stdin(Stdio::null());
    let out = run(c);
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains("ro/send.sh"),
        "the error names the file: {}",
        describe(&out)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), legacy_script());
    assert_eq!(
        std::fs::read_dir(&ro).unwrap().count(),
        1,
        "no temporary file left"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`git` is needed by this test: install git ({e})"));
    assert!(out.status.success(), "git {args:?}: {}", describe(&out));
}

fn git_repo_with(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let (dir, path) = one_file(name, bytes);
    git(dir.path(), &["init", "-q", "."]);
    git(dir.path(), &["config", "user.email", "test@example.com"]);
    git(dir.path(), &["config", "user.name", "Test"]);
    git(dir.path(), &["config", "commit.gpgsign", "false"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "legacy"]);
    (dir, path)
}

#[test]
fn uncommitted_changes_are_not_overwritten_without_allow_dirty() {
    let (dir, path) = git_repo_with("send.sh", legacy_script().as_bytes());
    let dirty = format!("{}# local edit\n", legacy_script());
    std::fs::write(&path, &dirty).unwrap();

    let out = run(fix_in_git_cmd(dir.path(), &["--region", "au", "."]));
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(all.contains("--allow-dirty"), "{}", describe(&out));
    assert!(
        all.contains("send.sh: uncommitted changes"),
        "{}",
        describe(&out)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), dirty);

    let out = run(fix_in_git_cmd(
        dir.path(),
        &["--region", "au", "--allow-dirty", "."],
    ));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_curl_line_fixed(fixed.lines().nth(1).unwrap().as_bytes());
    assert!(fixed.ends_with("# local edit\n"));
}

#[test]
fn a_clean_committed_file_is_fixed_without_allow_dirty() {
    let (dir, path) = git_repo_with("send.sh", legacy_script().as_bytes());
    let out = run(fix_in_git_cmd(dir.path(), &["--region", "au", "."]));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_curl_line_fixed(fixed.lines().nth(1).unwrap().as_bytes());
}

/// Whether the tests run as root; outside CI, root-only checks may be skipped (with a note).
fn running_as_root(test: &str) -> bool {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "{test} needs root in CI"
        );
        eprintln!("{test}: skipped, needs root");
    }
    root
}

fn chown(path: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::lchown(path, Some(uid), Some(gid)).unwrap();
}

/// `fix` refuses (exit 2, with git's own words) when git cannot say what is committed, and
/// writes with `--allow-dirty`.
#[test]
fn when_git_cannot_answer_fix_refuses_unless_allow_dirty() {
    let check = |path: &Path, mut c: Command, expected: &str| {
        c.args(["--region", "au", "send.sh"]);
        let out = run(c);
        assert_eq!(out.status.code(), Some(2), "{expected}: {}", describe(&out));
        let stderr = text(&out.stderr);
        assert!(stderr.contains(expected), "{expected}: {}", describe(&out));
        assert!(stderr.contains("--allow-dirty"), "{}", describe(&out));
        assert_eq!(std::fs::read_to_string(path).unwrap(), legacy_script());
    };

    // git missing from PATH.
    let (dir, path) = git_repo_with("send.sh", legacy_script().as_bytes());
    let empty = tempfile::tempdir().unwrap();
    let mut c = fix_in_git_cmd(dir.path(), &[]);
    c.env("PATH", empty.path());
    check(&path, c, "cannot run git");
    let mut c = fix_in_git_cmd(dir.path(), &["--allow-dirty", "--region", "au", "send.sh"]);
    c.env("PATH", empty.path());
    let out = run(c);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_curl_line_fixed(
        std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
            .as_bytes(),
    );

    // A broken repository: `.git` points nowhere.
    let (dir, path) = one_file("send.sh", legacy_script().as_bytes());
    std::fs::write(dir.path().join(".git"), "gitdir: /nonexistent/repo\n").unwrap();
    check(
        &path,
        fix_in_git_cmd(dir.path(), &[]),
        "not a git repository",
    );

    // Root in a checkout owned by someone else: git's "dubious ownership".
    if running_as_root("dubious ownership") {
        let (dir, path) = git_repo_with("send.sh", legacy_script().as_bytes());
        for entry in walkdir::WalkDir::new(dir.path()) {
            chown(entry.unwrap().path(), 65534, 65534);
        }
        let mut c = fix_in_git_cmd(dir.path(), &[]);
        c.env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1");
        check(&path, c, "dubious ownership");
    }
}

/// Files git holds no copy of — gitignored (`.env`, named or reached with `--no-ignore`) or
/// untracked — are refused like uncommitted ones; outside a work tree nothing is written
/// without `--allow-dirty` or its alias `--allow-no-vcs`.
#[test]
fn files_git_cannot_restore_are_refused() {
    let env = "WHISPIR_URL=https://api.whispir.com/messages\n";
    let (dir, committed) = git_repo_with(".gitignore", b".env\n");
    std::fs::write(&committed, ".env\n").unwrap();
    std::fs::write(dir.path().join(".env"), env).unwrap();
    std::fs::write(dir.path().join("new.sh"), legacy_script()).unwrap();
    let unchanged = || {
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".env")).unwrap(),
            env
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("new.sh")).unwrap(),
            legacy_script()
        );
    };

    // A settings file named alone: its base URL's fix is unsafe (not a whole-repository run).
    let out = run(fix_in_git_cmd(
        dir.path(),
        &["--region", "au", "--unsafe-fixes", ".env"],
    ));
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains(".env: not tracked by git (untracked or ignored)"),
        "{}",
        describe(&out)
    );
    unchanged();

    let out = run(fix_in_git_cmd(
        dir.path(),
        &["--region", "au", "--no-ignore", "."],
    ));
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("2 files to fix have no undo"), "{stderr}");
    assert!(stderr.contains("new.sh: not tracked"), "{stderr}");
    unchanged();

    let out = run(fix_in_git_cmd(
        dir.path(),
        &["--region", "au", "--no-ignore", "--allow-dirty", "."],
    ));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(
        std::fs::read_to_string(dir.path().join(".env"))
            .unwrap()
            .contains("api.au.whispir.com")
    );

    let (dir, path) = one_file("send.sh", legacy_script().as_bytes());
    let out = run(fix_in_git_cmd(dir.path(), &["--region", "au", "."]));
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains("send.sh: not in a git work tree"),
        "{}",
        describe(&out)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), legacy_script());
    for flag in ["--allow-no-vcs", "--allow-dirty"] {
        std::fs::write(&path, legacy_script()).unwrap();
        let out = run(fix_in_git_cmd(dir.path(), &["--region", "au", flag, "."]));
        assert_eq!(out.status.code(), Some(0), "{flag}: {}", describe(&out));
        assert_ne!(std::fs::read_to_string(&path).unwrap(), legacy_script());
    }
}

/// A mode 444 file is not replaced, by root (who passes every access check) or by its owner
/// in a directory they may write to: exit 2, the file intact.
#[test]
fn a_read_only_file_is_not_replaced() {
    let (dir, path) = one_file("send.sh", legacy_script().as_bytes());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = run(fix_file_cmd(dir.path(), &["--region", "au", "send.sh"]));
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains("send.sh: is read-only (mode 444); not written"),
        "{}",
        describe(&out)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), legacy_script());
    assert_eq!(entries(dir.path()), 1);

    if running_as_root("a read-only file, as its owner") {
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        chown(dir.path(), 65534, 65534);
        chown(&path, 65534, 65534);
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
            .args(["fix", "--no-config", "--color", "never", "--region", "au"])
            .args(["--allow-no-vcs", "send.sh"])
            .current_dir(dir.path())
            .env_remove("WHISPIR_REGION")
            .env_remove(HOOK)
            .stdin(Stdio::null());
        let out = run(c);
        assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
        assert!(
            text(&out.stderr).contains("read-only"),
            "{}",
            describe(&out)
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), legacy_script());
        assert_eq!(entries(dir.path()), 1);
    }
}

/// Root fixing another user's file leaves it theirs, with its mode.
#[test]
fn root_keeps_the_owner_and_group_of_the_file() {
    if !running_as_root("root_keeps_the_owner_and_group_of_the_file") {
        return;
    }
    let (dir, path) = one_file("send.sh", legacy_script().as_bytes());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    chown(&path, 65534, 65533);
    let out = run(fix_file_cmd(dir.path(), &["--region", "au", "send.sh"]));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_ne!(std::fs::read_to_string(&path).unwrap(), legacy_script());
    let meta = std::fs::metadata(&path).unwrap();
    use std::os::unix::fs::MetadataExt;
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o7777),
        (65534, 65533, 0o640)
    );
}

/// Replacing a file with several hard links would split them: refused with a clear message.
#[test]
fn a_file_with_hard_links_is_refused() {
    let (dir, path) = one_file("send.sh", legacy_script().as_bytes());
    let other = dir.path().join("other.sh");
    std::fs::hard_link(&path, &other).unwrap();
    let out = run(fix_file_cmd(dir.path(), &["--region", "au", "send.sh"]));
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains("send.sh: has 2 hard links; not written"),
        "{}",
        describe(&out)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), legacy_script());
    use std::os::unix::fs::MetadataExt;
    assert_eq!(std::fs::metadata(&other).unwrap().nlink(), 2);
}

/// SIGINT, SIGTERM and SIGHUP sent to a real `fix` paused with its temporary file (mode 0600,
/// named for its pid) on disk: the file goes, the process dies of the signal, the original
/// stays.
#[test]
fn signals_remove_the_temporary_file() {
    use std::os::unix::process::ExitStatusExt;
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let (dir, path) = one_file("send.sh", legacy_script().as_bytes());
        let mut c = fix_file_cmd(dir.path(), &["--region", "au", "send.sh"]);
        c.env(HOOK, "pause-after-temp")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = c.spawn().unwrap();
        let prefix = format!(".whispir-migrate-{}-", child.id());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let temp = loop {
            let found = std::fs::read_dir(dir.path())
                .unwrap()
                .flatten()
                .find(|e| e.file_name().to_string_lossy().starts_with(&prefix));
            if let Some(found) = found {
                break found;
            }
            if std::time::Instant::now() > deadline {
                child.kill().unwrap();
                panic!("no temporary file {prefix}*.tmp after 30 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert!(temp.file_name().to_string_lossy().ends_with(".tmp"));
        assert_eq!(temp.metadata().unwrap().permissions().mode() & 0o777, 0o600);
        // SAFETY: kill has no memory preconditions; the pid is our child's.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
        let status = child.wait().unwrap();
        assert_eq!(status.signal(), Some(signal), "{status:?}");
        assert_eq!(
            entries(dir.path()),
            1,
            "signal {signal}: temporary file left"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), legacy_script());
    }
}

/// With one file written and one refused (read-only), the summary and `--report` agree: only
/// the written file counts as fixed; the other is a failure with its reason, not "manual".
#[test]
fn a_failed_write_is_reported_as_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.sh", "b.sh"] {
        std::fs::write(dir.path().join(name), legacy_script()).unwrap();
    }
    let alone = fix_alone("a.sh", &legacy_script());
    assert_ne!(alone, legacy_script());
    std::fs::set_permissions(
        dir.path().join("b.sh"),
        std::fs::Permissions::from_mode(0o444),
    )
    .unwrap();
    let out = run(fix_file_cmd(
        dir.path(),
        &["--region", "au", "--report", "MIGRATION.md", "a.sh", "b.sh"],
    ));
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.sh")).unwrap(),
        alone
    );
    let stdout = text(&out.stdout);
    let n = stdout
        .strip_prefix("fixed ")
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("{}", describe(&out)));
    assert!(n > 0);
    assert_eq!(
        stdout.lines().next().unwrap(),
        format!(
            "fixed {n} findings in 1 file; {n} fixes in 1 file not written (errors below); 0 need manual changes"
        ),
        "{}",
        describe(&out)
    );
    assert!(
        text(&out.stderr).contains("b.sh: is read-only (mode 444); not written"),
        "{}",
        describe(&out)
    );
    let md = std::fs::read_to_string(dir.path().join("MIGRATION.md")).unwrap();
    assert!(
        md.contains(&format!("- {n} findings fixed in 1 file\n")),
        "{md}"
    );
    assert!(
        md.contains(&format!("- {n} fixes in 1 file could not be written")),
        "{md}"
    );
    assert!(
        md.contains(&format!(
            "- `b.sh` ({n} fixes): is read-only (mode 444); not written"
        )),
        "{md}"
    );
    assert!(md.contains("- `a.sh`"), "{md}");
    assert_eq!(
        md.matches("`b.sh`").count(),
        1,
        "b.sh only under \"Not written\": {md}"
    );
}

#[test]
fn exit_non_zero_on_fix() {
    let original = "curl \"https://api.au.whispir.com/messages?apikey=$KEY\" -d @m.json\n";
    let (dir, path) = one_file("send.sh", original.as_bytes());
    let args = ["--region", "au", "--exit-non-zero-on-fix", "."];
    let out = run(fix_file_cmd(dir.path(), &args));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_ne!(fixed, original);
    assert!(!fixed.contains("apikey="), "{fixed}");
    assert!(fixed.contains(FIXED_HEADER), "{fixed}");

    let out = run(fix_file_cmd(dir.path(), &args));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fixed);
}

#[test]
fn stdin_fix_prints_the_fixed_text() {
    let mut c = wm(Path::new(env!("CARGO_MANIFEST_DIR")));
    c.args([
        "fix",
        "-",
        "--stdin-filename",
        "send.sh",
        "--region",
        "au",
        "--no-config",
        "--color",
        "never",
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(legacy_script().as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("#!/bin/sh\n"), "{stdout}");
    assert_curl_line_fixed(stdout.lines().nth(1).unwrap().as_bytes());
    assert!(stdout.ends_with("-d @m.json\n"), "{stdout}");
}

#[test]
fn without_a_region_retired_hosts_are_left_and_region_is_suggested() {
    let (dir, path) = one_file("send.sh", legacy_script().as_bytes());
    let out = run(fix_file_cmd(dir.path(), &["."]));
    assert_ne!(out.status.code(), Some(2), "{}", describe(&out));
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.contains("https://api.whispir.com/"), "{after}");
    assert!(text(&out.stdout).contains("--region"), "{}", describe(&out));
}

#[test]
fn summary_line_counts_fixed_and_manual_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("send.sh"), legacy_script()).unwrap();
    std::fs::write(
        dir.path().join("typo.sh"),
        "curl -H \"x-api-key: $KEY\" \"https://api.aus.whispir.com/messages\"\n",
    )
    .unwrap();
    let out = run(fix_file_cmd(dir.path(), &["--region", "au", "."]));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let stdout = text(&out.stdout);
    let shape = regex::Regex::new(
        r"(?m)^fixed \d+ findings? in \d+ files?; \d+ needs? manual changes(; .*)?$",
    )
    .unwrap();
    assert!(shape.is_match(&stdout), "{stdout}");
    // The region typo's fix is unsafe: the summary says a flag would apply it.
    assert!(
        stdout.contains(
            "fixed 2 findings in 1 file; 1 needs manual changes; 1 more fix with `--unsafe-fixes`\n"
        ),
        "{stdout}"
    );
}

#[test]
fn unsafe_fixes_apply_the_region_typo_fix() {
    let original = "curl -H \"x-api-key: $KEY\" \"https://api.aus.whispir.com/messages\"\n";
    let (dir, path) = one_file("send.sh", original.as_bytes());
    let out = run(fix_file_cmd(dir.path(), &["--region", "au", "."]));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);

    let out = run(fix_file_cmd(
        dir.path(),
        &["--region", "au", "--unsafe-fixes", "."],
    ));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        original.replace("api.aus.", "api.au.")
    );
}

#[test]
fn markdown_is_fixed_only_with_unsafe_fixes_code_blocks_included() {
    // SPEC: prose, fenced code blocks included — a migration guide's "before" example is
    // legacy on purpose; plain `fix` used to rewrite a code block as shell.
    let cases: [(&str, &[&str]); 2] = [
        (
            "# Sending messages\n\nOur old integration sent:\n\nPOST https://api.whispir.com/messages?apikey=KEY\nContent-Type: application/vnd.whispir.message-v1+json\n\nuntil 2019.\n",
            &[
                "POST https://api.au.whispir.com/messages\n",
                "x-api-key: KEY",
            ],
        ),
        (
            "# Migrating\n\nBefore:\n\n```bash\ncurl \"https://api.whispir.com/messages?apikey=<your_api_key>\"\n```\n",
            &["curl \"https://api.au.whispir.com/messages\" -H \"x-api-key: <your_api_key>\""],
        ),
    ];
    for (original, fixed) in cases {
        let (dir, path) = one_file("README.md", original.as_bytes());
        let out = run(fix_file_cmd(dir.path(), &["--region", "au", "."]));
        assert_ne!(out.status.code(), Some(2), "{}", describe(&out));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), original);

        let out = run(fix_file_cmd(
            dir.path(),
            &["--region", "au", "--unsafe-fixes", "."],
        ));
        assert_ne!(out.status.code(), Some(2), "{}", describe(&out));
        let after = std::fs::read_to_string(&path).unwrap();
        for expected in fixed {
            assert!(after.contains(expected), "{after}");
        }
    }
}

#[test]
fn a_request_whose_key_cannot_move_keeps_its_retired_host() {
    // Prose with no header lines: nowhere to put the key, so the host stays too (moving it
    // alone would leave a regional host with the key in the query: 403).
    let original = "# Sending messages\n\nOur old integration posted to https://api.whispir.com/messages?apikey=KEY until 2019.\n";
    let (dir, path) = one_file("README.md", original.as_bytes());
    let out = run(fix_file_cmd(
        dir.path(),
        &["--region", "au", "--unsafe-fixes", "."],
    ));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
    let report = text(&out.stdout);
    assert!(
        report.contains("in the same change that moves the key at line 3"),
        "{report}"
    );
}

/// `fix --interactive --region au` in `work` under a terminal (`script`), answering `answers`.
fn interactive_fix(work: &Path, answers: &[u8]) -> Output {
    interactive_fix_with(work, answers, "")
}

/// [`interactive_fix`] with `extra` appended to the command line.
fn interactive_fix_with(work: &Path, answers: &[u8], extra: &str) -> Output {
    require_tool(
        "script",
        "--version",
        "util-linux (`script`, package bsdutils)",
    );
    let command = format!(
        "'{BIN}' fix --interactive --no-config --color never --region au --allow-no-vcs {extra} ."
    );
    let mut c = Command::new("script");
    c.args(["-qec", &command, "/dev/null"])
        .current_dir(work)
        .env_remove("WHISPIR_REGION")
        .env_remove(HOOK)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(answers).unwrap();
    }
    child.wait_with_output().unwrap()
}

#[test]
fn interactive_applies_the_accepted_fix_and_quit_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let line1 = "curl -H \"x-api-key: $KEY\" \"http://api.au.whispir.com/messages\"";
    let line2 = "curl -H \"x-api-key: $KEY\" \"http://api.au.whispir.com/contacts\"";
    let path = work.join("send.sh");
    std::fs::write(&path, format!("{line1}\n{line2}\n")).unwrap();
    let out = interactive_fix(&work, b"y\nq\n");
    let transcript = describe(&out);
    assert!(transcript.contains("Apply this fix?"), "{transcript}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{}\n{line2}\n", line1.replace("http://", "https://")),
        "{transcript}"
    );
    assert_eq!(out.status.code(), Some(1), "{transcript}");
}

/// One request is one question (its host and key are one fix), and a declined fix stays
/// declined for the whole run: `a` afterwards applies the others, not it.
#[test]
fn interactive_asks_once_per_request_and_a_declined_fix_stays_declined() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let line1 = "curl \"https://api.whispir.com/messages?apikey=$KEY\"";
    let line2 = "curl -H \"x-api-key: $KEY\" \"http://api.au.whispir.com/contacts\"";
    let path = work.join("send.sh");
    std::fs::write(&path, format!("{line1}\n{line2}\n")).unwrap();
    let out = interactive_fix(&work, b"n\na\n");
    let transcript = describe(&out);
    assert_eq!(
        transcript.matches("Apply this fix?").count(),
        2,
        "one question per request: {transcript}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{line1}\n{}\n", line2.replace("http://", "https://")),
        "{transcript}"
    );
}

/// A base constant read by two requests is one question: declined, nothing moves; accepted,
/// the constant's host and both requests' keys move together.
#[test]
fn interactive_asks_once_for_a_shared_base_and_its_requests() {
    let before = "import requests\n\nBASE = \"https://api.whispir.com\"\n\n\n\
                  def send(key, body):\n    return requests.post(BASE + \"/messages?apikey=\" + key, json=body)\n\n\n\
                  def contacts(key):\n    return requests.get(BASE + \"/contacts?apikey=\" + key)\n";
    let after = "import requests\n\nBASE = \"https://api.au.whispir.com\"\n\n\n\
                 def send(key, body):\n    return requests.post(BASE + \"/messages\", json=body, headers={\"x-api-key\": key})\n\n\n\
                 def contacts(key):\n    return requests.get(BASE + \"/contacts\", headers={\"x-api-key\": key})\n";
    for (answers, want) in [(&b"n\n"[..], before), (&b"y\n"[..], after)] {
        let dir = tempfile::tempdir().unwrap();
        let work = dir.path().join("work");
        std::fs::create_dir(&work).unwrap();
        let path = work.join("client.py");
        std::fs::write(&path, before).unwrap();
        let out = interactive_fix_with(&work, answers, "--unsafe-fixes");
        let transcript = describe(&out);
        assert_eq!(
            transcript.matches("Apply this fix?").count(),
            1,
            "one question for the base and its requests: {transcript}"
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            want,
            "{transcript}"
        );
    }
}

/// A base constant that also serves a request without the key stays where it is, with its
/// requests; the findings name the line that blocks the move.
#[test]
fn a_base_read_outside_its_key_requests_stays_manual_and_names_the_line() {
    let before = "import requests\n\nBASE = \"https://api.whispir.com\"\n\n\n\
                  def send(key, body):\n    return requests.post(BASE + \"/messages?apikey=\" + key, json=body)\n\n\n\
                  def ping(auth):\n    return requests.get(BASE + \"/ping\", auth=auth)\n";
    let (dir, path) = one_file("client.py", before.as_bytes());
    let out = run(fix_file_cmd(
        dir.path(),
        &["--region", "au", "--unsafe-fixes", "."],
    ));
    let report = describe(&out);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before, "{report}");
    assert!(report.contains("blocked by line 11"), "{report}");
}

/// `fix --format json|sarif|gitlab` prints one document that programs can read, also when
/// nothing remains; the summary for a person goes to standard error.
#[test]
fn fix_in_a_document_format_prints_only_the_document() {
    for format in ["json", "sarif", "gitlab"] {
        let (dir, path) = one_file(
            "send.py",
            b"import requests\n\n\ndef send(key):\n    return requests.get(\"https://api.whispir.com/m?apikey=\" + key)\n",
        );
        let out = run(fix_file_cmd(
            dir.path(),
            &["--region", "au", "--format", format, "."],
        ));
        assert_eq!(out.status.code(), Some(0), "{format}: {}", describe(&out));
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("x-api-key"),
            "{format}"
        );
        let doc: Result<serde_json::Value, _> = serde_json::from_slice(&out.stdout);
        assert!(doc.is_ok(), "{format}: {}", describe(&out));
        assert!(
            text(&out.stderr).contains("fixed 2 findings in 1 file"),
            "{format}: {}",
            describe(&out)
        );
    }
}

/// A request built on a retired base URL defined in another file keeps its key where it is
/// (moving the key alone breaks it); after `fix` wrote the rest of that file, what remains
/// says so too, rather than offering the held-back key move as fixable.
#[test]
fn after_fix_a_key_held_back_by_a_retired_value_elsewhere_is_not_offered() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("settings.py"),
        "BASE_URL = \"https://api.whispir.com\"\n",
    )
    .unwrap();
    let notify = "import requests\nimport settings\n\n\n\
                  def send(key, body):\n    return requests.post(settings.BASE_URL + \"/messages?apikey=\" + key, json=body)\n\n\n\
                  def contacts(key):\n    return requests.get(\"https://api.au.whispir.com/contacts?apikey=\" + key)\n";
    std::fs::write(dir.path().join("notify.py"), notify).unwrap();
    let out = run(fix_file_cmd(
        dir.path(),
        &["--region", "au", "--format", "json", "--quiet", "."],
    ));
    let fixed = std::fs::read_to_string(dir.path().join("notify.py")).unwrap();
    assert!(
        fixed.contains("settings.BASE_URL + \"/messages?apikey=\" + key")
            && fixed.contains("headers={\"x-api-key\": key}"),
        "{fixed}\n{}",
        describe(&out)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let held_back: Vec<&serde_json::Value> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "WM002" && rel_path(d).ends_with("notify.py"))
        .collect();
    assert_eq!(held_back.len(), 1, "{report}");
    assert!(held_back[0]["fix"].is_null(), "{}", held_back[0]);
    assert!(
        held_back[0]["help"]
            .as_str()
            .unwrap()
            .contains("through a value defined in another file"),
        "{}",
        held_back[0]
    );
}

/// A base constant read by its file's two requests and by a request in another file: moving
/// it with its own requests would leave the other file's request behind, so `check` offers
/// no fix for it and `fix --unsafe-fixes` leaves its file as it is, naming the other site.
#[test]
fn a_base_read_in_another_file_stays_with_its_requests() {
    let dir = tempfile::tempdir().unwrap();
    let settings = "import requests\n\nBASE_URL = \"https://api.whispir.com\"\n\n\n\
                    def send(key, body):\n    return requests.post(BASE_URL + \"/messages?apikey=\" + key, json=body)\n\n\n\
                    def contacts(key):\n    return requests.get(BASE_URL + \"/contacts?apikey=\" + key)\n";
    let other = "\"\"\"Whispir events.\"\"\"\nimport requests\n\nimport settings\n\n\n\
                 def events(key):\n    return requests.get(settings.BASE_URL + \"/events?apikey=\" + key)\n";
    std::fs::write(dir.path().join("settings.py"), settings).unwrap();
    std::fs::write(dir.path().join("other.py"), other).unwrap();
    let report = check_json(dir.path());
    for d in diagnostics(&report)
        .iter()
        .filter(|d| rel_path(d).ends_with("settings.py"))
    {
        assert!(d["fix"].is_null(), "{d}");
        assert!(
            d["help"]
                .as_str()
                .unwrap()
                .contains("also read at ./other.py:8"),
            "{d}"
        );
    }
    let out = run(fix_file_cmd(
        dir.path(),
        &["--region", "au", "--unsafe-fixes", "--quiet", "."],
    ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("settings.py")).unwrap(),
        settings,
        "{}",
        describe(&out)
    );
}

/// A request whose host is another file's retired base URL (`settings.BASE_URL + …`) may not
/// lose its key alone: it would still go to the retired gateway, which reads the key from the
/// query. `check` offers no fix and says why. Plain `fix`, and `fix --unsafe-fixes` on a list
/// of files (another file may read the base), leave the request as it is even after fixing
/// another request of the same file (its later passes check the file alone, without the other
/// file's values). `fix --unsafe-fixes` over the whole tree moves the base with the request:
/// the base's host in its file, the key into a header in the other (`fix::across`).
#[test]
fn a_request_on_another_files_retired_base_moves_with_it_or_keeps_its_key_in_the_query() {
    let dir = tempfile::tempdir().unwrap();
    let settings = "BASE_URL = \"https://api.whispir.com\"\n";
    let events = "\"\"\"Whispir events.\"\"\"\nimport requests\n\nimport settings\n\n\n\
                  def events(key):\n    return requests.get(settings.BASE_URL + \"/events?apikey=\" + key)\n\n\n\
                  def regional(key):\n    return requests.get(\"https://api.au.whispir.com/messages?apikey=\" + key)\n";
    std::fs::write(dir.path().join("settings.py"), settings).unwrap();
    std::fs::write(dir.path().join("events.py"), events).unwrap();
    let report = check_json(dir.path());
    let on_base: Vec<_> = diagnostics(&report)
        .iter()
        .filter(|d| rel_path(d).ends_with("events.py") && d["line"] == 8 && d["code"] == "WM002")
        .collect();
    assert_eq!(on_base.len(), 1, "{report}");
    assert!(on_base[0]["fix"].is_null(), "{}", on_base[0]);
    assert!(
        on_base[0]["help"]
            .as_str()
            .unwrap()
            .contains("reads the key from the query"),
        "{}",
        on_base[0]
    );
    for args in [
        &["--region", "au", "--quiet", "."][..],
        &[
            "--region",
            "au",
            "--unsafe-fixes",
            "--quiet",
            "events.py",
            "settings.py",
        ],
    ] {
        let out = run(fix_file_cmd(dir.path(), args));
        let fixed = std::fs::read_to_string(dir.path().join("events.py")).unwrap();
        assert!(
            fixed.contains("settings.BASE_URL + \"/events?apikey=\" + key)"),
            "{args:?}: {fixed}\n{}",
            describe(&out)
        );
        assert!(
            fixed.contains("headers={\"x-api-key\": key}"),
            "{args:?}: the regional request is fixed: {fixed}\n{}",
            describe(&out)
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("settings.py")).unwrap(),
            settings
        );
    }
    let out = run(fix_file_cmd(
        dir.path(),
        &["--region", "au", "--unsafe-fixes", "--quiet", "."],
    ));
    let fixed = std::fs::read_to_string(dir.path().join("events.py")).unwrap();
    assert!(
        fixed.contains(
            "requests.get(settings.BASE_URL + \"/events\", headers={\"x-api-key\": key})"
        ),
        "{fixed}\n{}",
        describe(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("settings.py")).unwrap(),
        "BASE_URL = \"https://api.au.whispir.com\"\n"
    );
}

const JAVA_CONSTANTS: &str = "package a;\n\npublic final class WhispirConstants {\n    \
    public static final String BASE_URL = \"https://api.whispir.com\";\n    \
    public static final String QUERY_PREFIX = \"?apikey=\";\n}\n";

const JAVA_SENDER: &str = "package a;\n\nimport java.net.URI;\nimport java.net.http.HttpClient;\n\
    import java.net.http.HttpRequest;\nimport java.net.http.HttpResponse;\n\npublic class Sender {\n    \
    private final HttpClient http = HttpClient.newHttpClient();\n\n    \
    public int send(String key) throws Exception {\n        \
    String url = WhispirConstants.BASE_URL + \"/messages\" + WhispirConstants.QUERY_PREFIX + key;\n        \
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().build();\n        \
    return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();\n    }\n}\n";

/// A request built from another file's constants (`fix::across`): `fix --unsafe-fixes` over
/// the whole tree moves the constants and the request together, in both files; plain `fix`
/// and a list of files move nothing. When one of the two files changes on disk while `fix`
/// runs, neither is written: writing the other alone would leave the request half-migrated.
#[test]
fn a_request_on_another_files_constants_is_fixed_in_both_files_or_neither() {
    let write = |dir: &Path| {
        std::fs::create_dir_all(dir.join("a")).unwrap();
        std::fs::write(dir.join("a/WhispirConstants.java"), JAVA_CONSTANTS).unwrap();
        std::fs::write(dir.join("a/Sender.java"), JAVA_SENDER).unwrap();
    };
    let read = |dir: &Path, name: &str| std::fs::read_to_string(dir.join("a").join(name)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path());
    for args in [
        &["--region", "au", "--quiet", "."][..],
        &[
            "--region",
            "au",
            "--unsafe-fixes",
            "--quiet",
            "a/Sender.java",
            "a/WhispirConstants.java",
        ],
    ] {
        let out = run(fix_file_cmd(dir.path(), args));
        assert_eq!(
            read(dir.path(), "Sender.java"),
            JAVA_SENDER,
            "{args:?}: {}",
            describe(&out)
        );
        assert_eq!(
            read(dir.path(), "WhispirConstants.java"),
            JAVA_CONSTANTS,
            "{args:?}"
        );
    }
    let out = run(fix_file_cmd(
        dir.path(),
        &["--region", "au", "--unsafe-fixes", "."],
    ));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(
        text(&out.stdout).starts_with("fixed 4 findings in 2 files"),
        "{}",
        describe(&out)
    );
    assert_eq!(
        read(dir.path(), "WhispirConstants.java"),
        JAVA_CONSTANTS
            .replace("api.whispir.com", "api.au.whispir.com")
            .replace("\"?apikey=\"", "\"\"")
    );
    assert_eq!(
        read(dir.path(), "Sender.java"),
        JAVA_SENDER
            .replace(" + WhispirConstants.QUERY_PREFIX + key", "")
            .replace(
                "URI.create(url))",
                "URI.create(url)).header(\"x-api-key\", key)"
            )
    );
    // Idempotent.
    let again = run(fix_file_cmd(
        dir.path(),
        &["--region", "au", "--unsafe-fixes", "."],
    ));
    assert!(
        text(&again.stdout).starts_with("fixed 0 findings"),
        "{}",
        describe(&again)
    );

    let dir = tempfile::tempdir().unwrap();
    write(dir.path());
    let mut c = fix_file_cmd(dir.path(), &["--region", "au", "--unsafe-fixes", "."]);
    c.env(
        "WHISPIR_MIGRATE_TEST_HOOK",
        "append-before-writes:Sender.java",
    );
    let out = run(c);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert_eq!(
        read(dir.path(), "WhispirConstants.java"),
        JAVA_CONSTANTS,
        "{}",
        describe(&out)
    );
    assert_eq!(
        read(dir.path(), "Sender.java"),
        format!("{JAVA_SENDER}// concurrent edit\n")
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("WhispirConstants.java: not written: its fix spans ./a/Sender.java, and ./a/Sender.java changed on disk since it was read"),
        "{stderr}"
    );
}

/// A base URL given as the default of an environment value (`process.env.URL ?? '…'`,
/// `|| '…'`) is a base like an assignment's: the requests built on it never get a fix that
/// moves their key alone, with or without `--region` (before, each got its own safe key fix,
/// and without a region the keys moved to headers of requests still going to the retired
/// gateway).
#[test]
fn requests_on_a_defaulted_base_never_move_their_key_alone() {
    for default in ["??", "||"] {
        let dir = tempfile::tempdir().unwrap();
        let js = format!(
            "const API = process.env.WHISPIR_API_URL {default} 'https://api.whispir.com';\n\n\
             async function send(key, body) {{\n  const url = API + '/messages?apikey=' + key;\n  \
             return fetch(url, {{ method: 'POST', body }});\n}}\n"
        );
        std::fs::write(dir.path().join("notify.js"), &js).unwrap();
        let report = check_json(dir.path());
        let fixes: Vec<&serde_json::Value> = diagnostics(&report)
            .iter()
            .map(|d| &d["fix"])
            .filter(|f| !f.is_null())
            .collect();
        // One fix for the host and the key together, or none.
        assert!(
            fixes.is_empty() || (fixes.len() == 2 && fixes[0] == fixes[1]),
            "{default}: {report}"
        );
        let mut c = wm(dir.path());
        c.args(["fix", "--no-config", "--allow-dirty", "--unsafe-fixes", "."]);
        let out = run(c);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("notify.js")).unwrap(),
            js,
            "{default}: without a region nothing moves\n{}",
            describe(&out)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Regressions found while reviewing the fixed fixtures.

/// Fixes `name` holding `content` alone in a temporary directory; returns the fixed text.
fn fix_alone(name: &str, content: &str) -> String {
    let (dir, path) = one_file(name, content.as_bytes());
    let out = run(fix_file_cmd(
        dir.path(),
        &["--region", "au", "--quiet", "."],
    ));
    let code = out.status.code();
    assert!(
        code == Some(0) || code == Some(1),
        "{name}: {}",
        describe(&out)
    );
    std::fs::read_to_string(&path).unwrap()
}

/// The contract, checked on one file: every `apikey=` that went away left an `x-api-key`
/// behind, except `already` of them whose request really did send the header.
fn assert_no_key_dropped(name: &str, before: &str, after: &str, already: usize) {
    let lost = count_ci(before.as_bytes(), "apikey=")
        .saturating_sub(count_ci(after.as_bytes(), "apikey="));
    let gained = count_ci(after.as_bytes(), "x-api-key")
        .saturating_sub(count_ci(before.as_bytes(), "x-api-key"));
    assert!(
        gained + already >= lost,
        "{name}: {lost} `apikey=` removed but only {gained} `x-api-key` added:\n{}",
        similar::TextDiff::from_lines(before, after).unified_diff()
    );
}

#[test]

fn a_constant_after_a_block_that_sends_the_header_keeps_its_key() {
    let before = "import axios from 'axios';

export class Svc {
  constructor(private key: string) {}

  send(body: unknown) {
    return axios.post('https://api.au.whispir.com/messages', body, { headers: { 'x-api-key': this.key } });
  }

  static readonly TEST_URL = 'https://api.au.whispir.com/messages?apikey=abc123';
}
";
    let after = fix_alone("svc.ts", before);
    assert_no_key_dropped("svc.ts", before, &after, 0);
    let ts = "export function send(key: string) {
  return fetch('https://api.au.whispir.com/messages', { headers: { 'x-api-key': key } });
}

export const legacyCurl =
  'curl -X POST \"https://api.whispir.com/messages?apikey=${KEY}\" -H \"Authorization: Basic ...\"';
";
    let after = fix_alone("notifier.ts", ts);
    assert_no_key_dropped("notifier.ts", ts, &after, 0);
}

#[test]
fn a_curl_example_in_a_go_string_keeps_its_key() {
    let before = "package whispir

import \"net/http\"

func Send(key string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/messages\", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set(\"x-api-key\", key)
	return http.DefaultClient.Do(req)
}

const ExampleCurl = `curl -u user:pass \"https://api.au.whispir.com/messages?apikey=YOUR-API-KEY\"`
";
    let after = fix_alone("client.go", before);
    assert_no_key_dropped("client.go", before, &after, 0);
}

#[test]
fn a_doc_comment_keeps_its_key() {
    let php = "<?php
/**
 * Legacy call: GET https://api.au.whispir.com/messages?apikey=<your_api_key>
 */
class Client
{
    public function send($guzzle, $key)
    {
        return $guzzle->get('/messages', ['headers' => ['x-api-key' => $key]]);
    }
}
";
    let after = fix_alone("Client.php", php);
    assert_no_key_dropped("Client.php", php, &after, 0);
    let cs = "public class Client
{
    /// Old form: https://api.au.whispir.com/messages?apikey={apikey}
    public void Send(HttpRequestMessage req, string key)
    {
        req.Headers.Add(\"x-api-key\", key);
    }
}
";
    let after = fix_alone("Client.cs", cs);
    assert_no_key_dropped("Client.cs", cs, &after, 0);
}

#[test]
fn a_request_without_the_header_keeps_its_key_or_gains_the_header() {
    let kt = "class WhispirApi(private val apiKey: String, private val basicAuth: String) {
    fun contacts(workspace: String): Request = Request.Builder()
        .url(\"https://api.au.whispir.com/workspaces/${workspace}/contacts?apikey=${apiKey}\")
        .header(\"Authorization\", basicAuth)
        .build()

    fun send(): Request = Request.Builder()
        .url(\"https://api.au.whispir.com/messages\")
        .header(\"x-api-key\", apiKey)
        .build()
}
";
    let after = fix_alone("Api.kt", kt);
    assert_no_key_dropped("Api.kt", kt, &after, 0);
}

/// Every `call` left in `text` is still followed by its argument list.
fn assert_calls_intact(name: &str, text: &str, call: &str) {
    for (at, _) in text.match_indices(call) {
        assert!(
            text[at + call.len()..].starts_with('('),
            "{name}: `{call}` lost its arguments:\n{text}"
        );
    }
}

#[test]
fn removing_a_query_builder_entry_removes_the_whole_call() {
    let go = "package whispir

import \"net/http\"

func Send(key string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, \"https://api.au.whispir.com/messages\", nil)
	if err != nil {
		return nil, err
	}
	q := req.URL.Query()
	q.Add(\"apikey\", key) // phase 1 leftover
	req.URL.RawQuery = q.Encode()
	req.Header.Set(\"x-api-key\", key)
	return http.DefaultClient.Do(req)
}
";
    assert_calls_intact("client.go", &fix_alone("client.go", go), "q.Add");
    let kt = "class Tpl(private val apiKey: String) {
    fun templates(): Request {
        val url = \"https://api.au.whispir.com/templates\".toHttpUrl().newBuilder()
            .addQueryParameter(\"apikey\", apiKey) // phase 1 leftover
            .build()
        return Request.Builder().url(url).header(\"x-api-key\", apiKey).build()
    }
}
";
    assert_calls_intact("Tpl.kt", &fix_alone("Tpl.kt", kt), ".addQueryParameter");
}

#[test]

fn an_escaped_port_80_goes_with_the_scheme() {
    let before = "whispir.legacy.base=http\\://api.whispir.com\\:80/\n";
    let after = fix_alone("application.properties", before);
    assert!(after.contains("https\\://api.au.whispir.com"), "{after}");
    assert!(!after.contains("\\:80"), "https on port 80: {after}");
}

#[test]

fn diff_redaction_leaves_identifiers_alone() {
    let yaml = "openapi: 3.0.0
servers:
  - url: https://api.whispir.com
components:
  securitySchemes:
    basicAuth:
      type: http
      scheme: basic
    apiKeyQuery:
      type: apiKey
      name: apikey
      in: query
";
    let (dir, _) = one_file("api.yaml", yaml.as_bytes());
    let out = run(fix_file_cmd(dir.path(), &["--region", "au", "--diff", "."]));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let diff = text(&out.stdout);
    assert!(diff.contains("apiKeyQuery:"), "{diff}");
}

/// A finding whose value is defined in another file has no fix; when `fix` changes its file
/// for another finding, it is still counted and listed as left to do, at its moved position.
#[test]
fn findings_across_files_stay_listed_after_fix_changes_their_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("WhispirConstants.java"),
        "public final class WhispirConstants {\n    public static final String QUERY_PREFIX = \"?apikey=\";\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("Sender.java"),
        "class Sender {\n    static final String STATUS = \"http://api.au.whispir.com/status\";\n    String url(String key) {\n        return \"https://api.au.whispir.com/messages\" + WhispirConstants.QUERY_PREFIX + key;\n    }\n}\n",
    )
    .unwrap();
    let mut c = fix_cmd(dir.path());
    c.args(["--report", "MIGRATION.md"]);
    let out = run(c);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("fixed 1 finding in 1 file; 2 need manual changes"),
        "{stdout}"
    );
    let sender = std::fs::read_to_string(dir.path().join("Sender.java")).unwrap();
    assert!(
        sender.contains("\"https://api.au.whispir.com/status\""),
        "{sender}"
    );
    let report = std::fs::read_to_string(dir.path().join("MIGRATION.md")).unwrap();
    assert!(
        report.contains("`Sender.java:4` WM002 API key sent in the query through `WhispirConstants.QUERY_PREFIX`"),
        "{report}"
    );
    assert!(stdout.contains("Sender.java:4:56"), "{stdout}");
}

/// A query builder whose request URL is another statement of the same function (or of the
/// script's top level) keeps that URL's retired host until its key moves: the host fixed
/// alone would send the key in the query to the regional gateway, which answers 403.
#[test]
fn a_query_builders_retired_host_never_moves_without_its_key() {
    let cases: [(&str, &str); 2] = [
        (
            "send.js",
            "// Whispir\nasync function send(key) {\n  const url = new URL('https://api.whispir.com/messages');\n  url.searchParams.set('apikey', key);\n  log(url);\n  await fetch(url);\n  return fetch(url, { method: 'GET' });\n}\n",
        ),
        (
            "Send.cs",
            "// Whispir\nclass C {\n  Task<string> F(string key) {\n    var query = HttpUtility.ParseQueryString(string.Empty);\n    query[\"apikey\"] = key;\n    return http.GetStringAsync(\"https://api.whispir.com/messages?\" + query);\n  }\n}\n",
        ),
    ];
    for (name, source) in cases {
        let (dir, path) = one_file(name, source.as_bytes());
        for unsafe_fixes in [&[][..], &["--unsafe-fixes"][..]] {
            let mut args = vec!["--region", "au", "."];
            args.extend_from_slice(unsafe_fixes);
            let out = run(fix_file_cmd(dir.path(), &args));
            assert_eq!(out.status.code(), Some(1), "{name}: {}", describe(&out));
            assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                source,
                "{name} {unsafe_fixes:?}: the host moved without the key"
            );
        }
    }
    // Sent twice (a retry): host, statement and both headers are one unsafe fix.
    assert_fixed_only_unsafely(
        "send.js",
        "// Whispir\nasync function send(key) {\n  const url = new URL('https://api.whispir.com/messages');\n  url.searchParams.set('apikey', key);\n  await fetch(url);\n  return fetch(url, { method: 'GET' });\n}\n",
        "// Whispir\nasync function send(key) {\n  const url = new URL('https://api.au.whispir.com/messages');\n  await fetch(url, { headers: { 'x-api-key': key } });\n  return fetch(url, { headers: { 'x-api-key': key }, method: 'GET' });\n}\n",
    );
    // Read by a log line besides its one request: host, statement and header are one unsafe
    // fix.
    assert_fixed_only_unsafely(
        "send.js",
        "// Whispir\nasync function send(key) {\n  const url = new URL('https://api.whispir.com/messages');\n  url.searchParams.set('apikey', key);\n  log(url);\n  return fetch(url, { method: 'GET' });\n}\n",
        "// Whispir\nasync function send(key) {\n  const url = new URL('https://api.au.whispir.com/messages');\n  log(url);\n  return fetch(url, { headers: { 'x-api-key': key }, method: 'GET' });\n}\n",
    );
    // A query encoded into a URI that one `Net::HTTP.get_response` sends: host, entry and
    // header are one unsafe fix (the headers hash needs Ruby 3.0); plain `fix` moves nothing.
    let source = "# Whispir\nuri = URI('https://api.whispir.com/messages')\nuri.query = URI.encode_www_form(apikey: key, view: 'full')\nNet::HTTP.get_response(uri)\n";
    assert_fixed_only_unsafely(
        "send.rb",
        source,
        "# Whispir\nuri = URI('https://api.au.whispir.com/messages')\nuri.query = URI.encode_www_form(view: 'full')\nNet::HTTP.get_response(uri, { 'x-api-key' => key })\n",
    );
    // A session's query entry becomes the session's header, with the host, in one unsafe fix
    // (the session may serve other requests): plain `fix` moves nothing.
    let source = "# Whispir\ndef send(session, key):\n    session.params['apikey'] = key\n    return session.get('https://api.whispir.com/messages')\n";
    assert_fixed_only_unsafely(
        "send.py",
        source,
        "# Whispir\ndef send(session, key):\n    session.headers['x-api-key'] = key\n    return session.get('https://api.au.whispir.com/messages')\n",
    );
    // A query string built in one statement and read by the request in the next: the
    // request's statement counts as the key's, so the base it names moves with it.
    let source = "<?php\n// Whispir\nconst BASE = 'https://api.whispir.com';\nfunction contacts($k, $n) {\n    $q = http_build_query(['first' => $n, 'apikey' => $k]);\n    return file_get_contents(BASE . '/contacts?' . $q);\n}\n";
    assert_fixed_only_unsafely(
        "contacts.php",
        source,
        "<?php\n// Whispir\nconst BASE = 'https://api.au.whispir.com';\nfunction contacts($k, $n) {\n    $q = http_build_query(['first' => $n]);\n    return file_get_contents(BASE . '/contacts?' . $q, false, stream_context_create(['http' => ['header' => 'x-api-key: ' . $k]]));\n}\n",
    );
    // Where the key's statement and the call that sends the URL are known, host, parameter and
    // header are one fix.
    let (dir, path) = one_file(
        "whole.js",
        b"// Whispir\nasync function send(key) {\n  const url = new URL('https://api.whispir.com/messages');\n  url.searchParams.set('apikey', key);\n  return fetch(url, { method: 'GET' });\n}\n",
    );
    run(fix_file_cmd(dir.path(), &["--region", "au", "."]));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "// Whispir\nasync function send(key) {\n  const url = new URL('https://api.au.whispir.com/messages');\n  return fetch(url, { headers: { 'x-api-key': key }, method: 'GET' });\n}\n"
    );
    // A builder in another function does not hold back this request's host.
    let other = "// Whispir\nfunction a(key) {\n  const url = new URL('https://api.au.whispir.com/m');\n  url.searchParams.set('apikey', key);\n  return fetch(url);\n}\nfunction b() {\n  return fetch('https://api.whispir.com/status');\n}\n";
    let (dir, path) = one_file("other.js", other.as_bytes());
    run(fix_file_cmd(dir.path(), &["--region", "au", "."]));
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("fetch('https://api.au.whispir.com/status')")
    );
}

/// Plain `fix --region au` leaves `source` (in a file named `name`) as it is; with
/// `--unsafe-fixes` it becomes `fixed`.
fn assert_fixed_only_unsafely(name: &str, source: &str, fixed: &str) {
    let (dir, path) = one_file(name, source.as_bytes());
    run(fix_file_cmd(dir.path(), &["--region", "au", "."]));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), source, "{name}");
    run(fix_file_cmd(
        dir.path(),
        &["--region", "au", "--unsafe-fixes", "."],
    ));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fixed, "{name}");
}

/// A file whose write failed keeps its findings for a manual change: the summary counts
/// them and the report lists them (before, both left the file out: "0 need manual changes"
/// for a file that still needed one).
#[test]
fn a_file_whose_write_failed_still_counts_its_manual_findings() {
    let dir = tempfile::tempdir().unwrap();
    let js = "// Whispir notifications.\n\
              async function send(key, body) {\n  \
              return fetch('https://api.au.whispir.com/messages?apikey=' + key, { method: 'POST', body });\n}\n\n\
              function legacy(key) {\n  return post('https://api.au.whispir.com/events?apikey=' + key);\n}\n";
    std::fs::write(dir.path().join("notify.js"), js).unwrap();
    let mut c = fix_file_cmd(dir.path(), &["--region", "au", "."]);
    c.env(
        "WHISPIR_MIGRATE_TEST_HOOK",
        "append-before-writes:notify.js",
    );
    let out = run(c);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("1 fix in 1 file not written (errors below); 1 needs manual changes"),
        "{}",
        describe(&out)
    );
    assert!(stdout.contains("notify.js:7"), "{}", describe(&out));
}

/// A request whose key another file's params map puts in the query keeps its retired host
/// until that key moves too: moving the host alone, even with `--unsafe-fixes`, sent the key
/// in the query to the regional gateway (403). Over the whole repository the fix across files
/// moves both when it can; on a file list, or when it cannot, nothing moves.
#[test]
fn a_request_keyed_by_another_files_map_never_moves_its_host_alone() {
    let read = |dir: &Path, name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let notify = "const request = require('request');\n\
                  const { WHISPIR_QUERY } = require('./config');\n\n\
                  function send(cb) {\n  request.get({ url: 'https://api.whispir.com/messages', qs: WHISPIR_QUERY }, cb);\n}\n";
    for (config, moves) in [
        (
            "const WHISPIR_QUERY = { apikey: process.env.WHISPIR_API_KEY, format: 'json' };\nmodule.exports = { WHISPIR_QUERY };\n",
            true,
        ),
        // `KEY` has no spelling in notify.js: the fix across files cannot be made.
        (
            "const KEY = process.env.WHISPIR_API_KEY;\nconst WHISPIR_QUERY = { apikey: KEY };\nmodule.exports = { WHISPIR_QUERY };\n",
            false,
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.js"), config).unwrap();
        std::fs::write(dir.path().join("notify.js"), notify).unwrap();
        // A file list is never the whole repository.
        let out = run(fix_file_cmd(
            dir.path(),
            &["--region", "au", "--unsafe-fixes", "notify.js", "config.js"],
        ));
        assert_eq!(read(dir.path(), "notify.js"), notify, "{}", describe(&out));
        let out = run(fix_file_cmd(
            dir.path(),
            &["--region", "au", "--unsafe-fixes", "."],
        ));
        let fixed = read(dir.path(), "notify.js");
        if moves {
            assert!(
                fixed.contains("headers: { 'x-api-key': process.env.WHISPIR_API_KEY }")
                    && fixed.contains("https://api.au.whispir.com/messages"),
                "{fixed}\n{}",
                describe(&out)
            );
        } else {
            assert_eq!(fixed, notify, "{}", describe(&out));
            // The host's own file does not show what `WHISPIR_QUERY` holds.
            assert!(
                text(&out.stdout).contains(
                    "the request also sends the query `WHISPIR_QUERY`, which this file does not show"
                ),
                "{}",
                describe(&out)
            );
        }
    }
}

/// A public function that returns a URL with the key, called in its own file: another file
/// may call it too, so `check` and plain `fix` leave it manual. `fix --unsafe-fixes` over the
/// whole repository searches every file (those that never say Whispir too) for its name, and
/// when only its own file names it, moves the key to a header at each of its callers there.
#[test]
fn a_public_url_builder_no_other_file_names_is_fixed_with_its_callers_over_the_whole_repository() {
    let read = |dir: &Path, name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let client = "import requests\n\nAPI = \"https://api.au.whispir.com\"\n\n\n\
                  def report_url(report_id, key):\n    return API + \"/reports/\" + report_id + \"?apikey=\" + key\n\n\n\
                  def report(report_id, key):\n    return requests.get(report_url(report_id, key)).json()\n";
    let fixed = "import requests\n\nAPI = \"https://api.au.whispir.com\"\n\n\n\
                 def report_url(report_id, key):\n    return API + \"/reports/\" + report_id\n\n\n\
                 def report(report_id, key):\n    return requests.get(report_url(report_id, key), headers={\"x-api-key\": key}).json()\n";
    // No other file, a file that names another function, a caller elsewhere (its file never
    // says Whispir).
    for (other, moves) in [
        (None, true),
        (
            Some("from client import report\n\nprint(report('r1', 'k'))\n"),
            true,
        ),
        (
            Some("from client import report_url\n\nprint(report_url('r1', 'k'))\n"),
            false,
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("client.py"), client).unwrap();
        if let Some(other) = other {
            std::fs::write(dir.path().join("jobs.py"), other).unwrap();
        }
        // Plain `fix`, and a file list (never the whole repository): nothing moves.
        let out = run(fix_file_cmd(dir.path(), &["--region", "au", "."]));
        assert_eq!(read(dir.path(), "client.py"), client, "{}", describe(&out));
        let out = run(fix_file_cmd(
            dir.path(),
            &["--region", "au", "--unsafe-fixes", "client.py"],
        ));
        assert_eq!(read(dir.path(), "client.py"), client, "{}", describe(&out));
        let help = text(&out.stdout);
        assert!(
            help.contains("`fix --unsafe-fixes` over the whole repository makes the fix if no other file names it"),
            "{}",
            describe(&out)
        );
        let out = run(fix_file_cmd(
            dir.path(),
            &["--region", "au", "--unsafe-fixes", "."],
        ));
        let expected = if moves { fixed } else { client };
        assert_eq!(
            read(dir.path(), "client.py"),
            expected,
            "{}",
            describe(&out)
        );
    }
}

/// The fix across files changes a constant only when every file that may read it was judged.
/// A file that never says Whispir was not scanned, yet may read it: every walked file is
/// searched for the names, and one that reads the constant keeps it as it was; one that
/// assigns a constant of the same name of its own does not.
#[test]
fn a_constant_read_by_a_file_the_scan_never_read_is_not_changed_across_files() {
    let reminder_reads = "const request = require('request');\nconst config = require('./config');\n\n\
                          module.exports = (key, cb) => request.get(process.env.REMINDERS_URL + '?due=today' + config.KEY_SUFFIX + key, cb);\n";
    let reminder_owns =
        "const KEY_SUFFIX = '&page=2';\n\nmodule.exports = (url) => url + KEY_SUFFIX;\n";
    // The reader again, in UTF-16 (byte order mark first): read as the scan reads it.
    let mut reads_utf16 = vec![0xFF, 0xFE];
    for unit in reminder_reads.encode_utf16() {
        reads_utf16.extend(unit.to_le_bytes());
    }
    for (reminder, moves) in [
        (reminder_reads.as_bytes(), false),
        (&reads_utf16[..], false),
        (reminder_owns.as_bytes(), true),
    ] {
        let dir = fixture_copy("cross-file");
        let lib = dir.path().join("js/lib");
        std::fs::write(lib.join("reminder.js"), reminder).unwrap();
        let config = std::fs::read_to_string(lib.join("config.js")).unwrap();
        let out = run(fix_file_cmd(
            dir.path(),
            &["--region", "au", "--unsafe-fixes", "."],
        ));
        let fixed = std::fs::read_to_string(lib.join("config.js")).unwrap();
        assert_eq!(fixed != config, moves, "{fixed}\n{}", describe(&out));
        assert_eq!(std::fs::read(lib.join("reminder.js")).unwrap(), reminder);
    }
}

/// The same for a JavaScript function that `module.exports` lists by name.
#[test]
fn an_exported_url_builder_no_other_file_names_is_fixed_with_its_callers_over_the_whole_repository()
{
    let read = |dir: &Path, name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let client = "const axios = require('axios');\nconst API = 'https://api.au.whispir.com';\n\n\
                  function reportUrl(id, key) {\n  return API + '/reports/' + id + '?apikey=' + key;\n}\n\n\
                  function getReport(id, key) {\n  return axios.get(reportUrl(id, key));\n}\n\n\
                  module.exports = { getReport, reportUrl };\n";
    for (other, moves) in [
        (None, true),
        (
            Some(
                "const { reportUrl } = require('./client');\nconsole.log(reportUrl('r1', 'k'));\n",
            ),
            false,
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("client.js"), client).unwrap();
        if let Some(other) = other {
            std::fs::write(dir.path().join("jobs.js"), other).unwrap();
        }
        let out = run(fix_file_cmd(
            dir.path(),
            &["--region", "au", "--unsafe-fixes", "."],
        ));
        let fixed = read(dir.path(), "client.js");
        if moves {
            assert!(
                fixed.contains("return API + '/reports/' + id;")
                    && fixed.contains(
                        "axios.get(reportUrl(id, key), { headers: { 'x-api-key': key } })"
                    )
                    && fixed.contains("module.exports = { getReport, reportUrl };"),
                "{fixed}\n{}",
                describe(&out)
            );
        } else {
            assert_eq!(fixed, client, "{}", describe(&out));
        }
    }
}
