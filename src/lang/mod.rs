//! Language knowledge, one family per module: how a file of that family is cut into tokens
//! (string literals, comments, identifiers, punctuation), which operators join strings, and
//! whether a real parser can check it. Detection and fixes only ever see `Token`s and the
//! `Language` trait, never file extensions.

pub mod cfml;
mod lexer;
pub mod ruby;
pub(crate) mod rust;
pub mod tokens;
pub mod tree;
pub mod window;

pub use lexer::{LexSpec, is_ident_byte};

use serde::Deserialize;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    /// A string literal; `Token::content` is the text between the quotes.
    Str,
    Ident,
    Number,
    /// One punctuation character, or one of the joined pairs `=>`, `::`, `..`, `<<`, `->`.
    Punct,
    Comment,
    /// Only emitted by line-oriented languages, where a line break can end a statement.
    Newline,
}

/// One token as byte offsets into its file. Offsets are `u32` (a file is at most
/// `engine::MAX_FILE_SIZE`, 256 MiB) and a string's content is kept as the widths of its
/// delimiters, so a token takes 12 bytes: a minified file has millions of them, and at 40 bytes
/// each they were most of a run's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    start: u32,
    end: u32,
    pub kind: TokKind,
    /// Bytes between `start` and the content (an opening quote, `r#"`), and between the
    /// content and `end`. Wider delimiters (a Rust raw string with over 250 `#`) are clamped:
    /// the content then keeps some of them, which no URL or key can be mistaken for.
    open: u8,
    close: u8,
}

impl Token {
    /// A token whose content is its whole text (everything but strings).
    pub fn new(kind: TokKind, span: Range<usize>) -> Token {
        Token::with_content(kind, span.clone(), span)
    }

    /// A string token: `content` is the part of `span` between the delimiters.
    pub fn with_content(kind: TokKind, span: Range<usize>, content: Range<usize>) -> Token {
        debug_assert!(span.end <= u32::MAX as usize, "file larger than 4 GiB");
        debug_assert!(span.start <= content.start && content.end <= span.end);
        let width = |n: usize| u8::try_from(n).unwrap_or(u8::MAX);
        Token {
            start: span.start as u32,
            end: span.end as u32,
            kind,
            open: width(content.start.saturating_sub(span.start)),
            close: width(span.end.saturating_sub(content.end)),
        }
    }

    pub fn start(&self) -> usize {
        self.start as usize
    }

    pub fn end(&self) -> usize {
        self.end as usize
    }

    pub fn span(&self) -> Range<usize> {
        self.start()..self.end()
    }

    /// For strings: the bytes between the delimiters; otherwise the same as `span`.
    pub fn content(&self) -> Range<usize> {
        let start = self.start() + self.open as usize;
        start..(self.end() - self.close as usize).max(start)
    }

    /// The same token in a file where its text starts `by` bytes later (tokens of a slice
    /// of the file, placed back in it).
    pub fn shifted(&self, by: usize) -> Token {
        debug_assert!(
            self.end() + by <= u32::MAX as usize,
            "file larger than 4 GiB"
        );
        Token {
            start: self.start + by as u32,
            end: self.end + by as u32,
            ..*self
        }
    }

    /// Extends a punctuation token to `end` (joining `=` `>` into `=>`).
    pub fn extend_to(&mut self, end: usize) {
        self.end = end as u32;
    }

    pub fn text<'a>(&self, src: &'a [u8]) -> &'a [u8] {
        &src[self.span()]
    }
    pub fn content_text<'a>(&self, src: &'a [u8]) -> &'a [u8] {
        &src[self.content()]
    }
    pub fn is_punct(&self, src: &[u8], p: &str) -> bool {
        self.kind == TokKind::Punct && self.text(src) == p.as_bytes()
    }
}

/// How the requests of a language family carry headers: where the fixer can put
/// `x-api-key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStyle {
    /// curl/wget command lines (shell scripts, Makefiles, Dockerfiles, CI `run:` blocks).
    Shell,
    /// Documents: raw request lines followed by header lines, and curl lines in code blocks.
    Document,
    /// Postman collections and other JSON: request objects with a `header` array.
    Json,
    JavaScript,
    Python,
    Rust,
    /// Java, Kotlin and the rest of the C family: java.net.http, OkHttp and Spring
    /// WebClient/RestClient builder chains.
    Jvm,
    /// C#: `new HttpRequestMessage(…)` held in a variable.
    CSharp,
    /// Go: `http.NewRequest(…)` held in a variable.
    Go,
    /// PHP: Guzzle request options.
    Php,
    /// Ruby: `Net::HTTP::Get.new(…)` held in a variable, HTTParty options.
    Ruby,
    /// ColdFusion: `<cfhttp>` tags and their `<cfhttpparam>` children; in script,
    /// `cfhttp(…) { cfhttpparam(…); }` and `new http()` objects (`setUrl`, `addParam`).
    ColdFusion,
    /// Settings (`.env`, properties): the request is made elsewhere; the move is manual.
    Config,
    /// Code whose request shapes the fixer does not rewrite: the move is manual, with a hint.
    Code,
}

/// The key as a hint for a person shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HintKey {
    /// An expression of the file's language (`apiKey`, `$key`, `self.api_key`).
    Expr(String),
    /// Text written in the file: a literal key, a placeholder, or a template of another
    /// format (`{{apikey}}`).
    Text(String),
    /// Not in sight: the key is appended by code the fixer does not follow.
    Unknown,
}

/// Where a language's header hint puts the key, which decides how text is written there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySlot {
    /// In code: text becomes a string literal with this quote, escaped with a backslash or,
    /// where `doubled` (ColdFusion), by writing the quote twice.
    Code { quote: char, doubled: bool },
    /// Inside text already (a header line, a quoted attribute, a JSON string): as it is.
    Text,
}

impl KeySlot {
    /// A string literal quoted with `quote`, escaped with a backslash.
    pub const fn code(quote: char) -> KeySlot {
        KeySlot::Code {
            quote,
            doubled: false,
        }
    }

    /// The key as the slot takes it.
    pub fn show(self, key: &HintKey) -> String {
        match (self, key) {
            (_, HintKey::Unknown) => "<the key>".into(),
            (_, HintKey::Expr(e)) => e.clone(),
            (KeySlot::Text, HintKey::Text(t)) => t.clone(),
            (KeySlot::Code { quote, doubled }, HintKey::Text(t)) => {
                let escaped = if doubled {
                    t.replace(quote, &format!("{quote}{quote}"))
                } else {
                    t.replace('\\', "\\\\")
                        .replace(quote, &format!("\\{quote}"))
                };
                format!("{quote}{escaped}{quote}")
            }
        }
    }
}

/// The header as an HTTP header line, `x-api-key: KEY`, whatever the language.
pub fn header_line(key: &HintKey) -> String {
    format!("x-api-key: {}", KeySlot::Text.show(key))
}

/// What the rest of the tool needs to know about a family of languages.
pub trait Language: Sync {
    /// A short name shown in the support matrix and debug output.
    fn name(&self) -> &'static str;
    /// Cuts the file into tokens. Never fails: unknown bytes become punctuation.
    fn tokenize(&self, src: &[u8]) -> Vec<Token>;
    /// Operators that join strings into a longer string (`+`, `.`, `..`, `<<`).
    fn concat_operators(&self) -> &'static [&'static str];
    /// True when a line break ends a statement outside brackets (Python, Ruby, shell, YAML).
    fn line_oriented(&self) -> bool {
        false
    }
    /// True when a line break also ends a statement inside a `{ … }` block, unless the line
    /// is continued (Kotlin, Swift, Go: no semicolons, braces around blocks).
    fn lines_end_statements(&self) -> bool {
        false
    }
    /// Prose documentation: its fixes are never safe.
    fn is_prose(&self) -> bool {
        false
    }
    /// YAML documents get an indentation-aware pass for OpenAPI/Swagger security schemes.
    fn is_yaml(&self) -> bool {
        false
    }
    /// Where requests carry their headers.
    fn request_style(&self) -> RequestStyle;
    /// The code a person adds to send the header with `key`, in the language's own syntax.
    fn header_hint(&self, key: &HintKey) -> String {
        header_line(key)
    }
    /// Parses the file with a real parser, where the family has one: `None` when it has not.
    fn check_syntax(&self, _src: &[u8]) -> Option<Result<(), String>> {
        None
    }
}

/// A real parser run over a fixed file.
pub type SyntaxCheck = fn(&[u8]) -> Result<(), String>;

/// Code and data languages that the generic lexer handles.
pub struct Lexed {
    pub name: &'static str,
    pub spec: LexSpec,
    pub concat: &'static [&'static str],
    pub line_oriented: bool,
    pub lines_end_statements: bool,
    pub yaml: bool,
    pub requests: RequestStyle,
    /// `header_hint` with `{v}` standing for the value.
    pub hint: &'static str,
    /// How `hint` takes the value.
    pub slot: KeySlot,
    pub syntax: Option<SyntaxCheck>,
}

impl Lexed {
    const BASE: Lexed = Lexed {
        name: "",
        spec: LexSpec::NONE,
        concat: &[],
        line_oriented: false,
        lines_end_statements: false,
        yaml: false,
        requests: RequestStyle::Code,
        hint: "x-api-key: {v}",
        slot: KeySlot::Text,
        syntax: None,
    };
}

impl Language for Lexed {
    fn name(&self) -> &'static str {
        self.name
    }
    fn tokenize(&self, src: &[u8]) -> Vec<Token> {
        lexer::tokenize(src, &self.spec)
    }
    fn concat_operators(&self) -> &'static [&'static str] {
        self.concat
    }
    fn line_oriented(&self) -> bool {
        self.line_oriented
    }
    fn lines_end_statements(&self) -> bool {
        self.lines_end_statements
    }
    fn is_yaml(&self) -> bool {
        self.yaml
    }
    fn request_style(&self) -> RequestStyle {
        self.requests
    }
    fn header_hint(&self, key: &HintKey) -> String {
        self.hint.replace("{v}", &self.slot.show(key))
    }
    fn check_syntax(&self, src: &[u8]) -> Option<Result<(), String>> {
        self.syntax.map(|check| check(src))
    }
}

/// Markdown, reStructuredText, plain text, HTML and XML: no string literals; the raw text
/// scan does the work.
pub struct Prose {
    pub name: &'static str,
    pub prose: bool,
    /// `header_hint` with `{v}` standing for the value, which is always inside text.
    pub hint: &'static str,
    pub requests: RequestStyle,
    pub syntax: Option<SyntaxCheck>,
}

impl Language for Prose {
    fn name(&self) -> &'static str {
        self.name
    }
    fn tokenize(&self, _src: &[u8]) -> Vec<Token> {
        Vec::new()
    }
    fn concat_operators(&self) -> &'static [&'static str] {
        &[]
    }
    fn is_prose(&self) -> bool {
        self.prose
    }
    fn request_style(&self) -> RequestStyle {
        self.requests
    }
    fn header_hint(&self, key: &HintKey) -> String {
        self.hint.replace("{v}", &KeySlot::Text.show(key))
    }
    fn check_syntax(&self, src: &[u8]) -> Option<Result<(), String>> {
        self.syntax.map(|check| check(src))
    }
}

fn json_syntax(src: &[u8]) -> Result<(), String> {
    serde_json::from_slice::<serde::de::IgnoredAny>(src)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// ColdFusion tag files: the `<cfhttp>` structure (see [`cfml::check_structure`]).
fn cfml_syntax(src: &[u8]) -> Result<(), String> {
    cfml::check_structure(src)
}

/// ColdFusion components: their `<cfhttp>` tags, and the brackets of their script.
fn cfscript_syntax(src: &[u8]) -> Result<(), String> {
    cfml::check_structure(src)?;
    let tokens = COLDFUSION.tokenize(src);
    let mut open: Vec<u8> = Vec::new();
    for t in tokens.iter().filter(|t| t.kind == TokKind::Punct) {
        match t.text(src) {
            [b @ (b'(' | b'[' | b'{')] => open.push(*b),
            [b @ (b')' | b']' | b'}')] => {
                let want = match b {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                if open.pop() != Some(want) {
                    return Err(format!("unbalanced `{}` at byte {}", *b as char, t.start()));
                }
            }
            _ => {}
        }
    }
    match open.last() {
        Some(&b) => Err(format!("`{}` is not closed", b as char)),
        None => Ok(()),
    }
}

fn yaml_syntax(src: &[u8]) -> Result<(), String> {
    for doc in serde_yaml::Deserializer::from_slice(src) {
        serde::de::IgnoredAny::deserialize(doc).map_err(|e| e.to_string())?;
    }
    Ok(())
}

const C_COMMENTS: &[&str] = &["//"];
const C_BLOCK: &[(&str, &str)] = &[("/*", "*/")];

static JAVASCRIPT: Lexed = Lexed {
    name: "javascript",
    spec: LexSpec {
        line_comments: C_COMMENTS,
        block_comments: C_BLOCK,
        quotes: b"\"'",
        template: true,
        ..LexSpec::NONE
    },
    concat: &["+"],
    requests: RequestStyle::JavaScript,
    hint: "headers: { 'x-api-key': {v} }",
    slot: KeySlot::code('\''),
    ..Lexed::BASE
};
const CF_HINT: &str = "<cfhttpparam type=\"header\" name=\"x-api-key\" value=\"{v}\">";
/// ColdFusion components: lexed like the C family (script syntax), joined with `&`.
static COLDFUSION: Lexed = Lexed {
    name: "coldfusion",
    concat: &["&"],
    requests: RequestStyle::ColdFusion,
    hint: "cfhttpparam(type=\"header\", name=\"x-api-key\", value={v});  (or httpService.addParam(…) with the same arguments)",
    slot: KeySlot::Code {
        quote: '"',
        doubled: true,
    },
    syntax: Some(cfscript_syntax),
    ..C_FAMILY
};
/// Kotlin: the C family's lexing and request shapes, plus `$name` string templates.
static KOTLIN: Lexed = Lexed {
    name: "kotlin",
    lines_end_statements: true,
    ..C_FAMILY
};
static C_FAMILY: Lexed = Lexed {
    name: "c-family",
    spec: LexSpec {
        line_comments: C_COMMENTS,
        block_comments: C_BLOCK,
        quotes: b"\"'",
        triple: true,
        ..LexSpec::NONE
    },
    concat: &["+"],
    requests: RequestStyle::Jvm,
    hint: ".header(\"x-api-key\", {v})  (java.net.http / OkHttp), or connection.setRequestProperty(\"x-api-key\", {v})",
    slot: KeySlot::code('"'),
    ..Lexed::BASE
};
/// Swift: `URLRequest.setValue(_:forHTTPHeaderField:)`.
static SWIFT: Lexed = Lexed {
    hint: "request.setValue({v}, forHTTPHeaderField: \"x-api-key\")",
    lines_end_statements: true,
    ..C_FAMILY
};
/// Dart: the `headers:` map of package:http's calls.
static DART: Lexed = Lexed {
    hint: "headers: {'x-api-key': {v}}",
    slot: KeySlot::code('\''),
    ..C_FAMILY
};
/// Apex (Salesforce): `HttpRequest.setHeader`.
static APEX: Lexed = Lexed {
    hint: "req.setHeader('x-api-key', {v});",
    slot: KeySlot::code('\''),
    ..C_FAMILY
};
/// C, C++ and Objective-C: no one HTTP library to write the call for; a header line.
static C_NATIVE: Lexed = Lexed {
    hint: "x-api-key: {v}",
    slot: KeySlot::Text,
    ..C_FAMILY
};
static CSHARP: Lexed = Lexed {
    name: "csharp",
    spec: LexSpec {
        line_comments: C_COMMENTS,
        block_comments: C_BLOCK,
        quotes: b"\"'",
        verbatim_at: true,
        triple: true,
        ..LexSpec::NONE
    },
    concat: &["+"],
    requests: RequestStyle::CSharp,
    hint: "request.Headers.Add(\"x-api-key\", {v});",
    slot: KeySlot::code('"'),
    ..Lexed::BASE
};
/// F# and Visual Basic: .NET's `HttpRequestMessage` as in C#, without its semicolon.
static DOTNET: Lexed = Lexed {
    hint: "request.Headers.Add(\"x-api-key\", {v})",
    ..CSHARP
};
static GO: Lexed = Lexed {
    name: "go",
    spec: LexSpec {
        line_comments: C_COMMENTS,
        block_comments: C_BLOCK,
        quotes: b"\"'",
        raw_backtick: true,
        ..LexSpec::NONE
    },
    concat: &["+"],
    requests: RequestStyle::Go,
    hint: "req.Header.Set(\"x-api-key\", {v})",
    slot: KeySlot::code('"'),
    lines_end_statements: true,
    ..Lexed::BASE
};
static PHP: Lexed = Lexed {
    name: "php",
    spec: LexSpec {
        line_comments: &["//", "#"],
        block_comments: C_BLOCK,
        quotes: b"\"'",
        multiline: true,
        ..LexSpec::NONE
    },
    concat: &["."],
    requests: RequestStyle::Php,
    hint: "'headers' => ['x-api-key' => {v}]  (Guzzle), or 'x-api-key: ' . {v} in CURLOPT_HTTPHEADER",
    slot: KeySlot::code('\''),
    ..Lexed::BASE
};
static PYTHON: Lexed = Lexed {
    name: "python",
    spec: LexSpec {
        line_comments: &["#"],
        quotes: b"\"'",
        triple: true,
        newlines: true,
        ..LexSpec::NONE
    },
    concat: &["+"],
    line_oriented: true,
    requests: RequestStyle::Python,
    hint: "headers={\"x-api-key\": {v}}",
    slot: KeySlot::code('"'),
    ..Lexed::BASE
};
static RUBY: Lexed = Lexed {
    name: "ruby",
    spec: LexSpec {
        line_comments: &["#"],
        quotes: b"\"'`",
        newlines: true,
        multiline: true,
        ruby: true,
        ..LexSpec::NONE
    },
    concat: &["+", "<<"],
    line_oriented: true,
    requests: RequestStyle::Ruby,
    hint: "request['x-api-key'] = {v}  (Net::HTTP), or headers: { 'x-api-key' => {v} }",
    slot: KeySlot::code('\''),
    ..Lexed::BASE
};
/// Crystal, Elixir and Perl: lexed like Ruby, but for Ruby's own literals (Perl's `%{$h}` is
/// a hash); no one HTTP library to write the call for.
static RUBY_LIKE: Lexed = Lexed {
    spec: LexSpec {
        ruby: false,
        ..RUBY.spec
    },
    hint: "x-api-key: {v}",
    slot: KeySlot::Text,
    ..RUBY
};
static SHELL: Lexed = Lexed {
    name: "shell",
    spec: LexSpec {
        line_comments: &["#"],
        quotes: b"\"'",
        newlines: true,
        multiline: true,
        hash_needs_space: true,
        raw_single_quotes: true,
        ..LexSpec::NONE
    },
    line_oriented: true,
    requests: RequestStyle::Shell,
    hint: "-H \"x-api-key: {v}\"",
    ..Lexed::BASE
};
/// PowerShell: lexed like the shell (curl commands included); its own requests are
/// `Invoke-RestMethod` and `Invoke-WebRequest`, whose `-Headers` take a hashtable. A
/// double-quoted string keeps `$env:KEY` an expression and doubles its quotes.
static POWERSHELL: Lexed = Lexed {
    hint: "-Headers @{ 'x-api-key' = {v} }  (Invoke-RestMethod, Invoke-WebRequest)",
    slot: KeySlot::Code {
        quote: '"',
        doubled: true,
    },
    ..SHELL
};
static YAML: Lexed = Lexed {
    name: "yaml",
    spec: LexSpec {
        line_comments: &["#"],
        quotes: b"\"'",
        newlines: true,
        hash_needs_space: true,
        raw_single_quotes: true,
        ..LexSpec::NONE
    },
    line_oriented: true,
    yaml: true,
    requests: RequestStyle::Shell,
    syntax: Some(yaml_syntax),
    ..Lexed::BASE
};
static JSON: Lexed = Lexed {
    name: "json",
    spec: LexSpec {
        line_comments: C_COMMENTS,
        block_comments: C_BLOCK,
        quotes: b"\"",
        ..LexSpec::NONE
    },
    requests: RequestStyle::Json,
    hint: "{ \"key\": \"x-api-key\", \"value\": \"{v}\" } in the request's header array",
    syntax: Some(json_syntax),
    ..Lexed::BASE
};
static CONFIG: Lexed = Lexed {
    name: "config",
    spec: LexSpec {
        line_comments: &["#", ";"],
        quotes: b"\"",
        newlines: true,
        hash_needs_space: true,
        ..LexSpec::NONE
    },
    line_oriented: true,
    requests: RequestStyle::Config,
    ..Lexed::BASE
};
static SQL: Lexed = Lexed {
    name: "sql",
    spec: LexSpec {
        line_comments: &["--"],
        block_comments: C_BLOCK,
        quotes: b"'\"",
        ..LexSpec::NONE
    },
    concat: &["||"],
    ..Lexed::BASE
};
static LUA: Lexed = Lexed {
    name: "lua",
    spec: LexSpec {
        line_comments: &["--"],
        quotes: b"\"'",
        ..LexSpec::NONE
    },
    concat: &[".."],
    ..Lexed::BASE
};
static MARKDOWN: Prose = Prose {
    name: "markdown",
    prose: true,
    hint: "x-api-key: {v}",
    requests: RequestStyle::Document,
    syntax: None,
};
static MARKUP: Prose = Prose {
    name: "markup",
    prose: false,
    hint: "x-api-key: {v}",
    requests: RequestStyle::Document,
    syntax: None,
};
/// `.http`/`.rest` request files (VS Code REST Client, JetBrains HTTP client): raw requests.
static HTTP_REQUESTS: Prose = Prose {
    name: "http",
    ..MARKUP
};
/// ColdFusion tag files: markup, whose requests are `<cfhttp>` tags.
static CFML: Prose = Prose {
    hint: CF_HINT,
    requests: RequestStyle::ColdFusion,
    syntax: Some(cfml_syntax),
    ..MARKUP
};
static TEXT: Prose = Prose {
    name: "text",
    prose: true,
    hint: "x-api-key: {v}",
    requests: RequestStyle::Document,
    syntax: None,
};

/// Byte ranges of comments: the comment tokens, and `<!-- … -->` in markup (XML, HTML,
/// Markdown, ColdFusion's `<!--- … --->`).
pub fn comment_ranges(src: &[u8], tokens: &[Token]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = tokens
        .iter()
        .filter(|t| t.kind == TokKind::Comment)
        .map(|t| t.span())
        .collect();
    let mut at = 0;
    while let Some(open) = memchr::memmem::find(&src[at..], b"<!--") {
        let start = at + open;
        let end = memchr::memmem::find(&src[start + 4..], b"-->")
            .map_or(src.len(), |e| start + 4 + e + 3);
        out.push(start..end);
        at = end;
    }
    out
}

/// Chooses the language family from a file name (lowercased). Unknown names are scanned as
/// plain text: the raw scan still finds URLs there.
pub fn for_file_name(name: &str) -> &'static dyn Language {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "rs" => &rust::RUST,
        "js" | "mjs" | "cjs" | "jsx" | "ts" | "tsx" | "mts" | "cts" | "vue" | "svelte" => {
            &JAVASCRIPT
        }
        "kt" | "kts" => &KOTLIN,
        "java" | "scala" | "groovy" | "gradle" => &C_FAMILY,
        "swift" => &SWIFT,
        "dart" => &DART,
        "apex" | "cls" => &APEX,
        "c" | "h" | "cc" | "cpp" | "hpp" | "m" => &C_NATIVE,
        "cfc" => &COLDFUSION,
        "cs" | "csx" => &CSHARP,
        "fs" | "vb" => &DOTNET,
        "go" => &GO,
        "php" | "phtml" => &PHP,
        "py" | "pyw" | "pyi" => &PYTHON,
        "rb" | "rake" | "gemspec" => &RUBY,
        "cr" | "ex" | "exs" | "pl" | "pm" => &RUBY_LIKE,
        "ps1" | "psm1" => &POWERSHELL,
        "sh" | "bash" | "zsh" | "ksh" | "fish" | "mk" | "mak" | "dockerfile" | "bat" | "cmd" => {
            &SHELL
        }
        "yaml" | "yml" => &YAML,
        "json" | "jsonc" | "json5" | "postman_collection" | "har" | "ipynb" => &JSON,
        "env" | "properties" | "ini" | "cfg" | "conf" | "toml" => &CONFIG,
        "sql" => &SQL,
        "lua" => &LUA,
        "md" | "markdown" | "mdx" | "rst" | "adoc" | "txt" | "textile" => &MARKDOWN,
        "xml" | "config" | "html" | "htm" | "xhtml" | "csproj" | "vbproj" | "wsdl" | "xsd"
        | "plist" | "jsp" | "aspx" | "cshtml" | "erb" | "hbs" | "mustache" | "twig" => &MARKUP,
        "http" | "rest" => &HTTP_REQUESTS,
        "cfm" | "cfml" => &CFML,
        _ => by_whole_name(name),
    }
}

fn by_whole_name(name: &str) -> &'static dyn Language {
    if name == "makefile"
        || name == "gnumakefile"
        || name.starts_with("dockerfile")
        || name == "jenkinsfile"
        || name == "procfile"
        || name.starts_with(".bash")
        || name.starts_with(".zsh")
    {
        &SHELL
    } else if name == ".env" || name.starts_with(".env.") || name.ends_with(".env") {
        &CONFIG
    } else {
        &TEXT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_hint_quotes_text_as_the_language_writes_a_string() {
        let text = HintKey::Text("YOUR_API_KEY".into());
        let hint = |name: &str, key: &HintKey| for_file_name(name).header_hint(key);
        assert_eq!(
            hint("a.py", &text),
            "headers={\"x-api-key\": \"YOUR_API_KEY\"}"
        );
        assert_eq!(
            hint("a.js", &text),
            "headers: { 'x-api-key': 'YOUR_API_KEY' }"
        );
        assert_eq!(
            hint("a.go", &text),
            "req.Header.Set(\"x-api-key\", \"YOUR_API_KEY\")"
        );
        assert_eq!(
            hint("a.rs", &text),
            ".header(\"x-api-key\", \"YOUR_API_KEY\")"
        );
        assert!(hint("a.rb", &text).starts_with("request['x-api-key'] = 'YOUR_API_KEY'"));
        // Expressions are code as they are; a key not in sight is named, not quoted.
        let expr = HintKey::Expr("self.api_key".into());
        assert_eq!(hint("a.py", &expr), "headers={\"x-api-key\": self.api_key}");
        assert_eq!(
            hint("a.py", &HintKey::Unknown),
            "headers={\"x-api-key\": <the key>}"
        );
        // Where the hint already writes the value inside text, text stays as it is.
        assert_eq!(hint("a.sh", &text), "-H \"x-api-key: YOUR_API_KEY\"");
        assert_eq!(hint(".env", &text), "x-api-key: YOUR_API_KEY");
        assert!(hint("a.cfm", &text).contains("value=\"YOUR_API_KEY\""));
        // Escapes: a backslash and the quote in C-like strings, a doubled quote in ColdFusion.
        let odd = HintKey::Text("a'b\\c\"d".into());
        assert_eq!(
            hint("a.js", &odd),
            "headers: { 'x-api-key': 'a\\'b\\\\c\"d' }"
        );
        assert!(hint("a.cfc", &odd).contains("value=\"a'b\\c\"\"d\")"));
    }

    #[test]
    fn each_language_gets_its_own_request_code_in_a_hint() {
        let text = HintKey::Text("K".into());
        let hint = |name: &str| for_file_name(name).header_hint(&text);
        assert_eq!(
            hint("a.ps1"),
            "-Headers @{ 'x-api-key' = \"K\" }  (Invoke-RestMethod, Invoke-WebRequest)"
        );
        assert_eq!(
            hint("a.swift"),
            "request.setValue(\"K\", forHTTPHeaderField: \"x-api-key\")"
        );
        assert_eq!(hint("a.dart"), "headers: {'x-api-key': 'K'}");
        assert_eq!(hint("A.cls"), "req.setHeader('x-api-key', 'K');");
        assert_eq!(hint("a.vb"), "request.Headers.Add(\"x-api-key\", \"K\")");
        // Where no one library is the way to send a request: a header line, not Java's or
        // Ruby's calls.
        for name in ["a.c", "a.cpp", "a.m", "a.pl", "a.ex", "a.cr"] {
            assert_eq!(hint(name), "x-api-key: K", "{name}");
        }
        assert!(hint("A.java").starts_with(".header(\"x-api-key\", \"K\")"));
        assert!(hint("a.rb").starts_with("request['x-api-key'] = 'K'"));
        assert_eq!(hint("a.sh"), "-H \"x-api-key: K\"");
    }

    #[test]
    fn a_token_takes_twelve_bytes() {
        // The memory bound for a huge minified file rests on this (tests/robust.rs).
        assert_eq!(std::mem::size_of::<Token>(), 12);
    }

    #[test]
    fn a_token_keeps_its_content_inside_its_delimiters() {
        let t = Token::with_content(TokKind::Str, 10..17, 11..16);
        assert_eq!((t.span(), t.content()), (10..17, 11..16));
        // An unterminated string: the content runs to the end.
        let t = Token::with_content(TokKind::Str, 10..17, 11..17);
        assert_eq!(t.content(), 11..17);
        // A delimiter wider than a byte can count is clamped, inside the token.
        let t = Token::with_content(TokKind::Str, 0..700, 300..400);
        assert_eq!(t.content(), 255..445);
    }

    #[test]
    fn families_by_name() {
        assert_eq!(for_file_name("a.ts").name(), "javascript");
        assert_eq!(for_file_name("makefile").name(), "shell");
        assert_eq!(for_file_name("dockerfile").name(), "shell");
        assert_eq!(for_file_name(".env").name(), "config");
        assert_eq!(for_file_name(".env.production").name(), "config");
        assert_eq!(for_file_name("web.config").name(), "markup");
        assert_eq!(for_file_name("readme.md").name(), "markdown");
        assert_eq!(for_file_name("main.rs").name(), "rust");
        assert!(for_file_name("notes.txt").is_prose());
    }
}
