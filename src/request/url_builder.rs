//! A URL that a private function of the file builds and returns, and that its callers send:
//!
//! ```python
//! def _url(self, path):
//!     return BASE + path + "?apikey=" + self.api_key
//!
//! def messages(self):
//!     return requests.get(self._url("/messages")).json()
//! ```
//!
//! The syntax tree proves the requests: the function returns the URL from one `return`,
//! nothing outside the file can call it (a Python `_name` or nested function, a JavaScript
//! function no `export` names, a `private` or `#` method), and every mention of its name in
//! the file is a call whose result a request sends as its URL, straight or through a local
//! that only that request reads. The key leaves the returned URL and every one of those
//! requests gets the header, as one fix. A path through another function: unsafe (SPEC).
//!
//! A public function (exported, not `private`) gets the same fix only in `fix
//! --unsafe-fixes` over the whole repository, when a search of every file finds its name in
//! no other (`crossfile::named`, asked for the names recorded in `Facts::open_builders`).
//!
//! The header's value is the key as each caller can write it: the caller's argument when the
//! function takes the key as a parameter, the same field (`self.api_key`, `this.apiKey`) when
//! every caller is a method of the same class, or the literal written in the URL.

use super::place::{self, Placement, Request};
use super::query::KeySource;
use crate::detect::{ApiKeyParam, Facts};
use crate::diagnostic::Applicability;
use crate::lang::tokens::{matching_open, prev_significant};
use crate::lang::tree::{Words, descendants};
use crate::lang::{RequestStyle, TokKind, Token};
use crate::source::SourceFile;
use tree_sitter::Node;

/// How many tokens before the key are read for the `return` that would send its URL back.
const RETURN_LOOKBACK: usize = 96;

/// The grammars whose URL builders are followed to their callers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Grammar {
    Python,
    JavaScript,
    Java,
    Kotlin,
    CSharp,
    Php,
}

impl Grammar {
    fn of(req: &Request) -> Option<Grammar> {
        match req.lang.request_style() {
            RequestStyle::Python => Some(Grammar::Python),
            RequestStyle::JavaScript => Some(Grammar::JavaScript),
            RequestStyle::Jvm if req.file_name.ends_with(".java") => Some(Grammar::Java),
            RequestStyle::Jvm if req.file_name.ends_with(".kt") => Some(Grammar::Kotlin),
            RequestStyle::CSharp if req.file_name.ends_with(".cs") => Some(Grammar::CSharp),
            RequestStyle::Php if req.file_name.ends_with(".php") => Some(Grammar::Php),
            _ => None,
        }
    }

    fn is_function(self, kind: &str) -> bool {
        match self {
            Grammar::Python => kind == "function_definition",
            Grammar::JavaScript => matches!(
                kind,
                "function_declaration"
                    | "generator_function_declaration"
                    | "method_definition"
                    | "function_expression"
                    | "arrow_function"
                    | "generator_function"
            ),
            Grammar::Java => matches!(
                kind,
                "method_declaration" | "constructor_declaration" | "lambda_expression"
            ),
            Grammar::Kotlin => matches!(
                kind,
                "function_declaration"
                    | "secondary_constructor"
                    | "anonymous_function"
                    | "lambda_literal"
                    | "getter"
                    | "setter"
            ),
            Grammar::CSharp => matches!(
                kind,
                "method_declaration"
                    | "constructor_declaration"
                    | "local_function_statement"
                    | "lambda_expression"
                    | "anonymous_method_expression"
                    | "accessor_declaration"
            ),
            Grammar::Php => matches!(
                kind,
                "method_declaration"
                    | "function_definition"
                    | "anonymous_function"
                    | "arrow_function"
            ),
        }
    }

    /// A class, or (Java) an anonymous class's `new X() {…}`.
    fn is_class(self, node: Node) -> bool {
        match self {
            Grammar::Python => node.kind() == "class_definition",
            Grammar::JavaScript => matches!(node.kind(), "class_declaration" | "class"),
            Grammar::Java => match node.kind() {
                "class_declaration"
                | "enum_declaration"
                | "record_declaration"
                | "interface_declaration" => true,
                "object_creation_expression" => {
                    let mut cursor = node.walk();
                    node.named_children(&mut cursor)
                        .any(|c| c.kind() == "class_body")
                }
                _ => false,
            },
            Grammar::Kotlin => matches!(
                node.kind(),
                "class_declaration" | "object_declaration" | "companion_object" | "object_literal"
            ),
            Grammar::CSharp => matches!(
                node.kind(),
                "class_declaration"
                    | "struct_declaration"
                    | "record_declaration"
                    | "interface_declaration"
            ),
            Grammar::Php => matches!(
                node.kind(),
                "class_declaration"
                    | "trait_declaration"
                    | "interface_declaration"
                    | "enum_declaration"
                    | "anonymous_class"
            ),
        }
    }

    fn call(self) -> &'static str {
        match self {
            Grammar::Python => "call",
            Grammar::JavaScript | Grammar::Kotlin => "call_expression",
            Grammar::Java => "method_invocation",
            Grammar::CSharp => "invocation_expression",
            Grammar::Php => "function_call_expression",
        }
    }

    /// The argument lists of calls and constructors.
    fn is_arguments(self, kind: &str) -> bool {
        match self {
            Grammar::Python | Grammar::Java | Grammar::CSharp => kind == "argument_list",
            Grammar::JavaScript | Grammar::Php => kind == "arguments",
            Grammar::Kotlin => kind == "value_arguments",
        }
    }

    /// The node that holds one argument in a list, around its expression (Kotlin, C#, PHP).
    fn argument_wrapper(self) -> Option<&'static str> {
        match self {
            Grammar::Kotlin => Some("value_argument"),
            Grammar::CSharp | Grammar::Php => Some("argument"),
            _ => None,
        }
    }

    /// The object a method is called on from inside its class.
    fn this(self) -> &'static [u8] {
        match self {
            Grammar::Python => b"self",
            Grammar::Php => b"$this",
            _ => b"this",
        }
    }

    /// What goes between `this` and a field's name.
    fn member_separator(self) -> &'static [u8] {
        match self {
            Grammar::Php => b"->",
            _ => b".",
        }
    }

    /// Whether a method is called without `this.` from its own class (Java, Kotlin, C#).
    fn bare_method_calls(self) -> bool {
        matches!(self, Grammar::Java | Grammar::Kotlin | Grammar::CSharp)
    }

    /// Whether a field is read without `this.` (unless a parameter or local hides it).
    fn bare_fields(self) -> bool {
        self.bare_method_calls()
    }
}

/// The edits that add the header to every request sending the URL that the function around
/// the key `p` returns, when the key is in a function's `return`: `None` when it is not (the
/// placer's own reason stands), `Err` naming the condition that does not hold.
///
/// Most keys the placers could not place are in no `return`, and most returned URLs come
/// from a function nothing else in the file names: the tokens answer both before anything is
/// parsed. The function itself is then read in the smallest tree that holds it (Python's
/// statement trees), and the whole file is parsed only for a function its callers may reach.
pub(super) fn place_at_callers(
    file: &SourceFile,
    facts: &Facts,
    req: &Request,
    p: &ApiKeyParam,
    ctx: &super::RuleContext,
) -> Option<Result<Placement, String>> {
    let grammar = Grammar::of(req)?;
    let (src, tokens) = (req.src, req.tokens);
    let ret = returned_by_tokens(req, grammar, p.name.start)
        .or_else(|| returned_local_by_tokens(req, p.name.start))?;
    // A curl command in a string is no URL a caller could send.
    if super::query::in_curl_string(src, tokens, p.name.start) {
        return None;
    }
    let named_again = |name: &[u8]| {
        req.layout()
            .uses_after(src, tokens, name, 0)
            .filter(|&k| tokens[k].start() != 0)
            .nth(1)
            .is_some()
            // PHP's method names are the same in any case (`static::URL(…)`).
            || (grammar == Grammar::Php
                && req.layout().uses_in_any_case(src, tokens, name).len() > 1)
    };
    if grammar != Grammar::Python
        && function_name_by_tokens(grammar, src, tokens, ret).is_none_or(|name| !named_again(name))
    {
        return None;
    }
    let builder_in = |tree: &'_ tree_sitter::Tree| {
        let key = tree
            .root_node()
            .descendant_for_byte_range(p.name.start, p.name.end)?;
        let function = returning_function(grammar, src, tree, key)?;
        Some(function.byte_range())
    };
    let around = facts.tree_around(file, &[p.name.start])?;
    let function = builder_in(around)?;
    let builder = match Builder::read(grammar, src, around, function.clone()) {
        Ok(builder) => builder,
        Err(why) => return Some(Err(why)),
    };
    // (A `#name` is `#` and the name to the tokens.)
    let name = &src[builder.name.byte_range()];
    if let Some(why) = builder.public {
        if !named_again(name) {
            return Some(Err(public_reason(&builder.shown(src), why)));
        }
    } else if !named_again(name.strip_prefix(b"#").unwrap_or(name)) {
        return Some(Err(format!(
            "`{}(…)` returns the URL, and nothing in this file calls it: add the header where its callers send that URL",
            builder.shown(src)
        )));
    }
    let tree = facts.tree(file)?;
    let mut builder = Builder::read(grammar, src, tree, builder_in(tree)?).ok()?;
    let words = facts.words.get_or_init(|| Words::of(tree, src));
    // `module.exports = { reportUrl }` exports a function declared on its own.
    if builder.public.is_none()
        && grammar == Grammar::JavaScript
        && builder.exported_by_name(src, tree, words)
    {
        builder.public = Some("is exported");
    }
    let placed = builder.place(req, tree, words);
    let Some(why) = builder.public else {
        return Some(placed);
    };
    let shown = builder.shown(src);
    let name = name.strip_prefix(b"#").unwrap_or(name);
    let closed = ctx
        .closed_builders
        .as_ref()
        .is_some_and(|c| c.contains(&file.display_path, name));
    Some(match placed {
        Ok(mut placement) if closed => {
            placement.how = format!(
                "{}; `{shown}(…)` {why}, and no other file of this repository names it, but code outside the repository may call it",
                placement.how
            );
            Ok(placement)
        }
        Ok(_) => {
            // Its callers in this file could all get the header: whether they are all the
            // callers there are, a search of the repository tells (`fix --unsafe-fixes`).
            facts.open_builders.borrow_mut().push(name.to_vec());
            Err(format!(
                "{}; `fix --unsafe-fixes` over the whole repository makes the fix if no other file names it",
                public_reason(&shown, why)
            ))
        }
        Err(_) => Err(public_reason(&shown, why)),
    })
}

/// Why a public builder's callers get no header: code elsewhere may call it.
fn public_reason(shown: &str, why: &str) -> String {
    format!(
        "the URL is returned by `{shown}(…)`, which {why}, and its callers make the request: add the header where they send it"
    )
}

/// The name of the function whose body holds the token `ret` (a `return`), read from the
/// tokens of a language with braces: the `name(…)` before the body's `{`, past a return
/// type or a `throws` clause; from a Kotlin expression body's `=` or a C# one's `=>`, the
/// `name(…)` before it. `None` for anything else.
fn function_name_by_tokens<'s>(
    grammar: Grammar,
    src: &'s [u8],
    tokens: &[Token],
    ret: usize,
) -> Option<&'s [u8]> {
    if tokens[ret].text(src) == b"=>" {
        return arrow_name_by_tokens(grammar, src, tokens, ret);
    }
    let mut depth = 0usize;
    let mut i = ret;
    let body = loop {
        if tokens[ret].text(src) == b"=" {
            break ret;
        }
        i = prev_significant(tokens, i)?;
        match tokens[i].text(src) {
            b"}" if tokens[i].kind == TokKind::Punct => depth += 1,
            b"{" if tokens[i].kind == TokKind::Punct => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => break i,
            },
            _ => {}
        }
    };
    let mut i = body;
    for _ in 0..16 {
        i = prev_significant(tokens, i)?;
        let t = &tokens[i];
        if t.is_punct(src, ")") {
            let open = matching_open(src, tokens, i)?;
            let name =
                prev_significant(tokens, open).filter(|&n| tokens[n].kind == TokKind::Ident)?;
            return Some(tokens[name].text(src));
        }
        if t.text(src) == b"=>" {
            return arrow_name_by_tokens(grammar, src, tokens, i);
        }
        if t.is_punct(src, ";") || t.is_punct(src, "}") || t.is_punct(src, "{") {
            return None;
        }
    }
    None
}

/// The name an arrow function is assigned to, from its `=>` (token `arrow`) back:
/// `name = (…) =>`, `name = async (…): T =>`, `name = k =>`; C#'s expression-bodied
/// `Name(…) =>`.
fn arrow_name_by_tokens<'s>(
    grammar: Grammar,
    src: &'s [u8],
    tokens: &[Token],
    arrow: usize,
) -> Option<&'s [u8]> {
    let mut i = arrow;
    let mut before_parameters = None;
    for _ in 0..16 {
        i = prev_significant(tokens, i)?;
        if tokens[i].is_punct(src, ")") {
            before_parameters = prev_significant(tokens, matching_open(src, tokens, i)?);
            break;
        }
        if tokens[i].is_punct(src, "=") {
            // `k => …`: the one parameter is the token after the `=`.
            before_parameters = Some(i);
            break;
        }
    }
    let mut eq = before_parameters?;
    if grammar == Grammar::CSharp && tokens[eq].kind == TokKind::Ident {
        return Some(tokens[eq].text(src));
    }
    if tokens[eq].text(src) == b"async" {
        eq = prev_significant(tokens, eq)?;
    }
    if !tokens[eq].is_punct(src, "=") {
        return None;
    }
    let name = prev_significant(tokens, eq).filter(|&n| tokens[n].kind == TokKind::Ident)?;
    Some(tokens[name].text(src))
}

/// The `return` that starts the statement holding the byte `at`, as far as the tokens
/// before it tell: the question is asked for every key the placers could not place, and the
/// file is parsed only when the answer is yes. Going back, a bracket the key is inside is
/// left (a key in `urlencode({…})` or `.addParameter(…)`), while a `;`, an `=` or a line
/// break outside the brackets left so far says another statement. Loose on purpose: the
/// tree decides.
fn returned_by_tokens(req: &Request, grammar: Grammar, at: usize) -> Option<usize> {
    let (src, tokens) = (req.src, req.tokens);
    let key = crate::lang::tokens::token_at(tokens, at)?;
    let line_oriented = req.lang.line_oriented();
    let mut depth = 0usize;
    // A statement boundary seen at the level of the brackets left so far.
    let mut ended = false;
    let first = key.saturating_sub(RETURN_LOOKBACK);
    for i in (first..key).rev() {
        let t = &tokens[i];
        let text = t.text(src);
        match t.kind {
            TokKind::Newline if depth == 0 => ended = true,
            TokKind::Punct => match text {
                b")" | b"]" | b"}" => depth += 1,
                b"(" | b"[" | b"{" if depth > 0 => depth -= 1,
                // A block left outward: the statement is in it, and starts after it. An
                // object literal's brace follows an operator, a bracket or a `return`.
                b"{" if !line_oriented
                    && prev_significant(tokens, i).is_none_or(|b| {
                        !matches!(
                            tokens[b].text(src),
                            b"(" | b"," | b":" | b"=" | b"[" | b"return"
                        )
                    }) =>
                {
                    return None;
                }
                b"(" | b"[" | b"{" => ended = false,
                b";" => return None,
                // A Kotlin function's expression body, on its line or the next.
                b"=" if depth == 0
                    && grammar == Grammar::Kotlin
                    && kotlin_function_equals(src, tokens, i) =>
                {
                    return Some(i);
                }
                b"=" if depth == 0 => ended = true,
                // An arrow function's expression body is what it returns.
                b"=>" if depth == 0 && !line_oriented => return (!ended).then_some(i),
                _ => {}
            },
            TokKind::Ident => match text {
                b"return" if depth == 0 => return (!ended).then_some(i),
                b"def" | b"class" | b"function" => return None,
                _ => {}
            },
            _ => {}
        }
    }
    None
}

/// Whether the `=` at token `eq` starts a Kotlin function's expression body:
/// `fun name(…) =` or `fun name(…): Type =`.
fn kotlin_function_equals(src: &[u8], tokens: &[Token], eq: usize) -> bool {
    let mut i = eq;
    for _ in 0..12 {
        let Some(before) = prev_significant(tokens, i) else {
            return false;
        };
        i = before;
        let t = &tokens[i];
        if t.is_punct(src, ")") {
            let name = matching_open(src, tokens, i)
                .and_then(|open| prev_significant(tokens, open))
                .filter(|&n| tokens[n].kind == TokKind::Ident);
            return name
                .and_then(|n| prev_significant(tokens, n))
                .is_some_and(|f| tokens[f].text(src) == b"fun");
        }
        if t.is_punct(src, ";")
            || t.is_punct(src, "{")
            || t.is_punct(src, "}")
            || t.is_punct(src, "=")
        {
            return false;
        }
    }
    false
}

/// The `return NAME` of a URL built into a local first: the key's statement assigns
/// `NAME = …` (`url = f"…"`, `const url = …`, `$url = …`), and the next mention of `NAME`
/// is the value of a `return`. As loose as [`returned_by_tokens`]: the tree decides.
fn returned_local_by_tokens(req: &Request, at: usize) -> Option<usize> {
    let (src, tokens) = (req.src, req.tokens);
    let key = crate::lang::tokens::token_at(tokens, at)?;
    let mut depth = 0usize;
    let first = key.saturating_sub(RETURN_LOOKBACK);
    let mut eq = None;
    for i in (first..key).rev() {
        let t = &tokens[i];
        match (t.kind, t.text(src)) {
            (TokKind::Punct, b")" | b"]" | b"}") => depth += 1,
            (TokKind::Punct, b"(" | b"[" | b"{") if depth > 0 => depth -= 1,
            (TokKind::Punct, b"(" | b"[" | b"{" | b";") => return None,
            (TokKind::Punct, b"=") if depth == 0 => {
                eq = Some(i);
                break;
            }
            (TokKind::Newline, _) if depth == 0 && req.lang.line_oriented() => return None,
            (TokKind::Ident, b"return" | b"def" | b"class" | b"function" | b"fun") => {
                return None;
            }
            _ => {}
        }
    }
    let mut name = prev_significant(tokens, eq?).filter(|&n| tokens[n].kind == TokKind::Ident)?;
    // `const url: string = …`, `url: str = …` (the token right before: a Python function's
    // header ends in `:` too, on the line before).
    if let Some(colon) = name
        .checked_sub(1)
        .filter(|&c| tokens[c].is_punct(src, ":"))
    {
        name = prev_significant(tokens, colon).filter(|&n| tokens[n].kind == TokKind::Ident)?;
    }
    let name = tokens[name].text(src);
    let read = req.layout().uses_after(src, tokens, name, key).next()?;
    prev_significant(tokens, read).filter(|&r| tokens[r].text(src) == b"return")
}

/// The function whose `return` (not a nested function's) has the URL holding `key` as its
/// value, through URL-building expressions only (concatenation, string templates, format and
/// query-encoding calls), straight or through a local assigned once and read only by the
/// `return` (`url = f"…"` then `return url`): `None` otherwise. `tree` is the one `key` is in.
fn returning_function<'t>(
    grammar: Grammar,
    src: &[u8],
    tree: &'t tree_sitter::Tree,
    key: Node<'t>,
) -> Option<Node<'t>> {
    let mut node = key;
    // Inside an entry or an argument list that no query encoder has turned into text yet:
    // `return {"url": …}` returns no URL.
    let mut in_entries = false;
    let statement = loop {
        let parent = node.parent()?;
        if !in_entries {
            if matches!(parent.kind(), "return_statement" | "return_expression") {
                break parent;
            }
            // `(…) => \`…\``: the body is what the arrow function returns.
            if parent.kind() == "arrow_function" && parent.child_by_field_name("body") == Some(node)
            {
                return Some(parent);
            }
            // Kotlin's `fun f(…) = …` and C#'s `F(…) => …`: so is an expression body.
            if matches!(parent.kind(), "function_body" | "arrow_expression_clause") {
                let function = parent.parent()?;
                return grammar.is_function(function.kind()).then_some(function);
            }
            if let Some(ret) = returned_local(grammar, src, tree, parent, node) {
                break ret;
            }
        }
        match builds_url(grammar, src, parent)? {
            Part::Text => {}
            Part::Entries => in_entries = true,
            Part::Encoder => in_entries = false,
        }
        node = parent;
    };
    let mut function = statement.parent()?;
    while !grammar.is_function(function.kind()) {
        if grammar.is_class(function) {
            return None;
        }
        function = function.parent()?;
    }
    Some(function)
}

/// The local that `holder` assigns `value` to, whole: `url = …` (Python), `$url = …` (PHP),
/// `const url = …`, `String url = …`, `var url = …`, `val url = …`.
fn local_bound<'t>(grammar: Grammar, holder: Node<'t>, value: Node<'t>) -> Option<Node<'t>> {
    let binding = match holder.kind() {
        "assignment" | "assignment_expression" => holder
            .child_by_field_name("right")
            .filter(|r| *r == value)
            .and(holder.child_by_field_name("left"))?,
        "variable_declarator" => holder
            .child_by_field_name("value")
            .or_else(|| last_named_child(holder))
            .filter(|v| *v == value)
            .and(holder.child_by_field_name("name"))?,
        "property_declaration" if grammar == Grammar::Kotlin => {
            let mut cursor = holder.walk();
            let declared = holder
                .named_children(&mut cursor)
                .find(|c| c.kind() == "variable_declaration");
            last_named_child(holder)
                .filter(|v| *v == value)
                .and(declared)
                .and_then(|d| d.named_child(0))?
        }
        _ => return None,
    };
    matches!(binding.kind(), "identifier" | "variable_name").then_some(binding)
}

/// The `return` of the local that `holder` assigns `value` to, when that local is assigned
/// only there and read only by that `return` (the tree's single-use proof): the URL it
/// returns is the one built, whatever runs in between.
fn returned_local<'t>(
    grammar: Grammar,
    src: &[u8],
    tree: &'t tree_sitter::Tree,
    holder: Node<'t>,
    value: Node<'t>,
) -> Option<Node<'t>> {
    let binding = local_bound(grammar, holder, value)?;
    let function = enclosing(grammar, holder)?;
    let name = &src[binding.byte_range()];
    let read = descendants(function).find(|n| {
        n.start_byte() >= binding.end_byte()
            && n.kind() == binding.kind()
            && &src[n.byte_range()] == name
    })?;
    let ret = read
        .parent()
        .filter(|r| matches!(r.kind(), "return_statement" | "return_expression"))?;
    crate::lang::tree::is_single_use_local(tree, src, binding.start_byte(), read.start_byte())
        .then_some(ret)
}

/// What a node on the way from a key up to its `return` does with it.
enum Part {
    /// Builds text: a string, a concatenation, a template's field.
    Text,
    /// Holds it among entries or arguments: a dict, an object, an argument list.
    Entries,
    /// Turns what it is given into URL text: a format call, a query encoder.
    Encoder,
}

/// What `node` does on the way from a key up to its `return`, when it only builds the URL.
fn builds_url(grammar: Grammar, src: &[u8], node: Node) -> Option<Part> {
    let kind = node.kind();
    let callee_name = |function: Option<Node>| -> &[u8] {
        let Some(f) = function else { return b"" };
        let last = match f.kind() {
            "attribute" => f.child_by_field_name("attribute"),
            "member_expression" => f.child_by_field_name("property"),
            _ => Some(f),
        };
        last.map_or(b"", |n| &src[n.byte_range()])
    };
    let part = match grammar {
        Grammar::Python => match kind {
            "string"
            | "string_content"
            | "interpolation"
            | "concatenated_string"
            | "binary_operator"
            | "parenthesized_expression"
            | "attribute" => Part::Text,
            "argument_list" | "keyword_argument" | "pair" | "dictionary" => Part::Entries,
            "call" => match callee_name(node.child_by_field_name("function")) {
                b"dict" => Part::Entries,
                b"format" | b"urlencode" | b"str" => Part::Encoder,
                _ => return None,
            },
            _ => return None,
        },
        Grammar::JavaScript => match kind {
            "string"
            | "string_fragment"
            | "template_string"
            | "template_substitution"
            | "binary_expression"
            | "parenthesized_expression" => Part::Text,
            "arguments" | "pair" | "object" | "shorthand_property_identifier" => Part::Entries,
            "new_expression"
                if node
                    .child_by_field_name("constructor")
                    .is_some_and(|c| &src[c.byte_range()] == b"URLSearchParams") =>
            {
                Part::Encoder
            }
            _ => return None,
        },
        Grammar::Java => match kind {
            "string_literal"
            | "string_fragment"
            | "binary_expression"
            | "parenthesized_expression" => Part::Text,
            "argument_list" => Part::Entries,
            "method_invocation"
                if matches!(
                    node.child_by_field_name("name")
                        .map_or(&b""[..], |n| &src[n.byte_range()]),
                    b"format"
                        | b"addParameter"
                        | b"setParameter"
                        | b"build"
                        | b"toString"
                        | b"queryParam"
                        | b"toUriString"
                ) =>
            {
                Part::Encoder
            }
            _ => return None,
        },
        Grammar::Kotlin => match kind {
            "string_literal"
            | "string_content"
            | "interpolation"
            | "additive_expression"
            | "parenthesized_expression" => Part::Text,
            _ => return None,
        },
        Grammar::CSharp => match kind {
            "string_literal"
            | "string_literal_content"
            | "verbatim_string_literal"
            | "interpolated_string_expression"
            | "string_content"
            | "interpolation"
            | "binary_expression"
            | "parenthesized_expression" => Part::Text,
            _ => return None,
        },
        Grammar::Php => match kind {
            "string"
            | "string_content"
            | "encapsed_string"
            | "binary_expression"
            | "parenthesized_expression" => Part::Text,
            _ => return None,
        },
    };
    Some(part)
}

/// Why code outside the file could call a function.
enum Reach {
    /// Its name is visible to other files: a search of every file for the name settles
    /// whether any does.
    ByName(&'static str),
    /// Otherwise (a decorator, a binding code may assign): nothing the tool reads settles it.
    Otherwise(&'static str),
}

/// A function that returns a URL, as its callers see it.
struct Builder<'t> {
    grammar: Grammar,
    function: Node<'t>,
    name: Node<'t>,
    /// The class whose method it is; `None` for a function.
    class: Option<Node<'t>>,
    /// Its parameters' names as callers pass them (a method's `self` left out); `None` for a
    /// parameter that is a pattern.
    parameters: Vec<Option<&'t [u8]>>,
    /// Why other files may call it by its name (public, exported, not `private`), if they may.
    public: Option<&'static str>,
}

impl<'t> Builder<'t> {
    /// The function of `tree` spanning `range`.
    fn read(
        grammar: Grammar,
        src: &'t [u8],
        tree: &'t tree_sitter::Tree,
        range: std::ops::Range<usize>,
    ) -> Result<Builder<'t>, String> {
        let function = std::iter::successors(
            tree.root_node()
                .descendant_for_byte_range(range.start, range.end),
            |n| n.parent(),
        )
        .find(|n| n.byte_range() == range)
        .ok_or("the function returning the URL is not in the file's tree")?;
        let name = function
            .child_by_field_name("name")
            .or_else(|| {
                declarator_holding(src, function).and_then(|(d, _)| d.child_by_field_name("name"))
            })
            .ok_or("the URL is returned by a function without a name, and its callers make the request: add the header where they send it")?;
        let shown = String::from_utf8_lossy(&src[name.byte_range()]).into_owned();
        let class = Self::class_of(grammar, function);
        let public = match Self::callable_elsewhere(grammar, src, function, name, class) {
            Some(Reach::ByName(why)) => Some(why),
            Some(Reach::Otherwise(why)) => return Err(public_reason(&shown, why)),
            None => None,
        };
        // A public function's first reason stays its visibility, the one most worth fixing.
        let refuse = |why: String| match public {
            Some(public) => public_reason(&shown, public),
            None => why,
        };
        // Another `return` would be another URL, and its key another fix of the same callers.
        let returns = descendants(function)
            .filter(|n| {
                matches!(n.kind(), "return_statement" | "return_expression")
                    && enclosing(grammar, *n) == Some(function)
            })
            .count();
        let expression_body = Self::expression_body(function);
        if returns + usize::from(expression_body) != 1 {
            return Err(refuse(format!(
                "the URL is returned by `{shown}(…)`, which returns in {returns} places; add the header where its callers send the URL"
            )));
        }
        let mut parameters = Self::parameters(grammar, src, function).ok_or_else(|| {
            refuse(format!(
                "the URL is returned by `{shown}(…)`, whose parameters are not plain names; add the header where its callers send the URL"
            ))
        })?;
        let static_method = grammar == Grammar::Python
            && python_decorators(src, function).contains(&&b"staticmethod"[..]);
        if grammar == Grammar::Python && class.is_some() && !static_method && !parameters.is_empty()
        {
            parameters.remove(0);
        }
        Ok(Builder {
            grammar,
            function,
            name,
            class,
            parameters,
            public,
        })
    }

    /// Whether the function's body is the expression it returns: an arrow function's
    /// (JavaScript, PHP), Kotlin's `= …`, C#'s `=> …`.
    fn expression_body(function: Node) -> bool {
        if let Some(body) = function.child_by_field_name("body") {
            return match body.kind() {
                "arrow_expression_clause" => true,
                _ => function.kind() == "arrow_function" && body.kind() != "statement_block",
            };
        }
        let mut cursor = function.walk();
        let body = function
            .named_children(&mut cursor)
            .find(|c| c.kind() == "function_body");
        body.and_then(|b| b.named_child(0))
            .is_some_and(|e| e.kind() != "block")
    }

    /// The class `function` is a method of: its body's own class, not an outer one.
    fn class_of(grammar: Grammar, function: Node<'t>) -> Option<Node<'t>> {
        let body = definition(function).parent()?;
        let class = body.parent()?;
        (matches!(body.kind(), "block" | "class_body" | "declaration_list")
            && grammar.is_class(class))
        .then_some(class)
    }

    /// Why code outside the file could call the function, if it could.
    fn callable_elsewhere(
        grammar: Grammar,
        src: &[u8],
        function: Node,
        name: Node,
        class: Option<Node>,
    ) -> Option<Reach> {
        let text = &src[name.byte_range()];
        let nested = definition(function)
            .parent()
            .and_then(|p| p.parent())
            .is_some_and(|p| grammar.is_function(p.kind()));
        match grammar {
            Grammar::Python => {
                // A decorator may return another function: only those that call it as
                // written (caching, or dropping `self`) keep its callers' requests its own.
                if python_decorators(src, function)
                    .iter()
                    .any(|d| !KEEPS_CALLS.contains(d))
                {
                    return Some(Reach::Otherwise(
                        "is decorated (with a decorator other than `@staticmethod`, `@functools.cache` or `@functools.lru_cache`)",
                    ));
                }
                (!text.starts_with(b"_") && !nested).then_some(Reach::ByName(
                    "is public (its name does not start with `_`)",
                ))
            }
            Grammar::JavaScript => {
                if class.is_some() {
                    let private = name.kind() == "private_property_identifier"
                        || descendants(function)
                            .take_while(|n| n.start_byte() < name.start_byte())
                            .any(|n| {
                                n.kind() == "accessibility_modifier"
                                    && &src[n.byte_range()] == b"private"
                            });
                    return (!private).then_some(Reach::ByName("is a public method"));
                }
                // A declaration, or an arrow function held in a `const`.
                let declaration = match function.kind() {
                    "function_declaration" | "generator_function_declaration" => function,
                    "arrow_function" => match declarator_holding(src, function) {
                        Some((d, true)) => d.parent()?,
                        Some((_, false)) => {
                            return Some(Reach::Otherwise(
                                "is held in a `let` or `var` (code may assign it another function)",
                            ));
                        }
                        None => return Some(Reach::Otherwise("is not declared on its own")),
                    },
                    _ => {
                        return Some(Reach::Otherwise(
                            "is not a function declaration or a `const` arrow function",
                        ));
                    }
                };
                declaration
                    .parent()
                    .is_some_and(|p| p.kind() == "export_statement")
                    .then_some(Reach::ByName("is exported"))
            }
            Grammar::Java => {
                let private = function
                    .child(0)
                    .filter(|m| m.kind() == "modifiers")
                    .is_some_and(|m| {
                        descendants(m)
                            .any(|n| n.kind() == "private" || &src[n.byte_range()] == b"private")
                    });
                (!private).then_some(Reach::ByName("is not `private`"))
            }
            // Kotlin: `private` is this file's (top level) or this class's; a local function
            // is its function's.
            Grammar::Kotlin => {
                let mut cursor = function.walk();
                let private = function
                    .named_children(&mut cursor)
                    .filter(|m| m.kind() == "modifiers")
                    .any(|m| {
                        descendants(m).any(|n| {
                            n.kind() == "visibility_modifier" && &src[n.byte_range()] == b"private"
                        })
                    });
                (!private && !nested).then_some(Reach::ByName("is not `private`"))
            }
            Grammar::CSharp => {
                if function.kind() == "local_function_statement" {
                    return None;
                }
                let modifiers = |node: Node| -> Vec<&[u8]> {
                    let mut cursor = node.walk();
                    node.children(&mut cursor)
                        .filter(|m| m.kind() == "modifier")
                        .map(|m| &src[m.byte_range()])
                        .collect()
                };
                let own = modifiers(function);
                // A class or struct member without an access modifier is private; an
                // interface's is public.
                const ACCESS: [&[u8]; 4] = [b"public", b"internal", b"protected", b"private"];
                let default_private = !own.iter().any(|m| ACCESS.contains(m))
                    && class.is_some_and(|c| c.kind() != "interface_declaration");
                let private = own.contains(&&b"private"[..]) || default_private;
                if !private || own.contains(&&b"protected"[..]) {
                    return Some(Reach::ByName("is not `private`"));
                }
                // Another file may hold more of a `partial` class, and call it from there.
                let partial = std::iter::successors(class, |c| innermost_class(grammar, *c))
                    .any(|c| modifiers(c).contains(&&b"partial"[..]));
                partial.then_some(Reach::ByName(
                    "is in a `partial` class, whose other files may call it",
                ))
            }
            Grammar::Php => {
                if function.kind() != "method_declaration" {
                    return Some(Reach::ByName("is a function code in any file may call"));
                }
                if class.is_some_and(|c| c.kind() == "trait_declaration") {
                    return Some(Reach::Otherwise(
                        "is a trait's, whose classes are elsewhere",
                    ));
                }
                let mut cursor = function.walk();
                let private = function.children(&mut cursor).any(|m| {
                    m.kind() == "visibility_modifier" && &src[m.byte_range()] == b"private"
                });
                (!private).then_some(Reach::ByName("is not `private`"))
            }
        }
    }

    /// Parameter names in the order callers pass them; `None` when one spreads the rest
    /// (`*args`, `...rest`), which the positions would not match.
    fn parameters(
        grammar: Grammar,
        src: &'t [u8],
        function: Node<'t>,
    ) -> Option<Vec<Option<&'t [u8]>>> {
        // `k => …`: one parameter, without brackets.
        if let Some(only) = function.child_by_field_name("parameter") {
            return Some(vec![
                (only.kind() == "identifier").then(|| &src[only.byte_range()]),
            ]);
        }
        if grammar == Grammar::Kotlin {
            // A default value is the parameter's sibling, not one more parameter.
            let mut cursor = function.walk();
            let list = function
                .named_children(&mut cursor)
                .find(|c| c.kind() == "function_value_parameters")?;
            let mut cursor = list.walk();
            let mut names = Vec::new();
            for p in list.named_children(&mut cursor) {
                match p.kind() {
                    "parameter" => names.push(
                        p.named_child(0)
                            .filter(|n| n.kind() == "identifier")
                            .map(|n| &src[n.byte_range()]),
                    ),
                    "parameter_modifiers" if src[p.byte_range()].starts_with(b"vararg") => {
                        return None;
                    }
                    _ => {}
                }
            }
            return Some(names);
        }
        let list = function.child_by_field_name("parameters")?;
        let mut cursor = list.walk();
        let mut names = Vec::new();
        for p in list.named_children(&mut cursor) {
            let name = match (grammar, p.kind()) {
                (_, "comment") => continue,
                (Grammar::CSharp, "parameter") if src[p.byte_range()].starts_with(b"params") => {
                    return None;
                }
                (Grammar::Php, "variadic_parameter") => return None,
                (Grammar::CSharp, "parameter") | (Grammar::Php, "simple_parameter") => {
                    p.child_by_field_name("name")
                }
                (_, "identifier") => Some(p),
                (
                    Grammar::Python,
                    "list_splat_pattern"
                    | "dictionary_splat_pattern"
                    | "keyword_separator"
                    | "positional_separator",
                )
                | (Grammar::JavaScript, "rest_pattern")
                | (Grammar::Java, "spread_parameter") => return None,
                (Grammar::Python, "default_parameter" | "typed_default_parameter") => {
                    p.child_by_field_name("name")
                }
                (Grammar::Python, "typed_parameter") => {
                    p.named_child(0).filter(|n| n.kind() == "identifier")
                }
                (Grammar::JavaScript, "required_parameter" | "optional_parameter") => p
                    .child_by_field_name("pattern")
                    .filter(|n| n.kind() == "identifier"),
                (Grammar::JavaScript, "assignment_pattern") => p
                    .child_by_field_name("left")
                    .filter(|n| n.kind() == "identifier"),
                (Grammar::Java, "formal_parameter") => p.child_by_field_name("name"),
                _ => None,
            };
            names.push(name.map(|n| &src[n.byte_range()]));
        }
        Some(names)
    }

    /// Whether the file exports the function by its name (`module.exports = { name }`,
    /// `exports.name = name`, `export { name }`).
    fn exported_by_name(&self, src: &[u8], tree: &tree_sitter::Tree, words: &Words) -> bool {
        let name = &src[self.name.byte_range()];
        words.nodes(tree, name).any(|n| {
            n.child_count() == 0
                && n != self.name
                && n.kind().ends_with("identifier")
                && &src[n.byte_range()] == name
                && exported(src, n)
        })
    }

    fn shown(&self, src: &[u8]) -> String {
        String::from_utf8_lossy(&src[self.name.byte_range()]).into_owned()
    }

    /// How each caller writes the key, given how the function reads it.
    fn key_reading(&self, src: &[u8], key: &KeySource) -> Result<KeyReading<'t>, String> {
        let shown = self.shown(src);
        let expr = match key {
            KeySource::Literal(_) => return Ok(KeyReading::Same),
            KeySource::Template(_) => {
                return Err(format!(
                    "the key in the URL `{shown}(…)` returns is not an expression its callers can send"
                ));
            }
            KeySource::Expr(e) => e.trim().as_bytes(),
        };
        if let Some(i) = self
            .parameters
            .iter()
            .position(|p| p.is_some_and(|p| p == expr))
        {
            return Ok(KeyReading::Parameter(i, self.parameters[i].expect("found")));
        }
        let this = self.grammar.this();
        let field = expr
            .strip_prefix(this)
            .and_then(|rest| rest.strip_prefix(self.grammar.member_separator()))
            .filter(|f| is_plain_name(f));
        // Java, Kotlin and C# read a field without `this.` unless a parameter or local has
        // its name.
        let bare_field = self.grammar.bare_fields()
            && is_plain_name(expr)
            && !declares(self.grammar, src, self.function, expr);
        if field.is_some() || bare_field {
            return match self.class {
                Some(class) => Ok(KeyReading::Field {
                    class,
                    name: field.unwrap_or(expr).to_vec(),
                }),
                None => Err(format!(
                    "`{shown}(…)` reads the key from `{}`, which its callers may not see",
                    String::from_utf8_lossy(expr)
                )),
            };
        }
        Err(format!(
            "`{shown}(…)` reads the key from `{}`, neither one of its parameters nor a field its callers can read",
            String::from_utf8_lossy(expr)
        ))
    }

    /// Every request that sends the URL, each with the header, as one unsafe placement.
    fn place(
        &self,
        req: &Request,
        tree: &'t tree_sitter::Tree,
        words: &Words,
    ) -> Result<Placement, String> {
        let src = req.src;
        let shown = self.shown(src);
        let reading = self.key_reading(src, req.key)?;
        let calls = self.calls(src, tree, words)?;
        let mut all = Placement {
            edits: Vec::new(),
            applicability: Applicability::Unsafe,
            sends: None,
            how: String::new(),
        };
        // Every call sends the URL, with a key the header can read, before any is placed.
        let mut sends = Vec::new();
        for call in &calls {
            let line = call.start_position().row + 1;
            let key = self.key_at(src, call, &reading, req.key).map_err(|why| {
                format!("`{shown}(…)` returns the URL, and its call on line {line} {why}; add the header where each caller sends it")
            })?;
            let sent = sent_at(self.grammar, src, tree, *call).ok_or_else(|| {
                format!("`{shown}(…)` returns the URL, and its call on line {line} does not pass it straight to a request (nor through a local only that request reads); add the header where that URL is sent")
            })?;
            sends.push((line, sent, key));
        }
        for (line, sent, key) in sends {
            let placed = place::place(&Request {
                at: sent,
                builder: false,
                key: &key,
                ..req.clone()
            })
            .map_err(|why| {
                format!("`{shown}(…)` returns the URL, and the request its call on line {line} makes cannot get the header ({why})")
            })?;
            all.edits.extend(placed.edits);
            if all.how.is_empty() {
                all.how = placed.how;
            }
        }
        let requests = match calls.len() {
            1 => "the request".to_string(),
            n => format!("each of the {n} requests"),
        };
        all.how = format!(
            "{}, in {requests} sending the URL that `{shown}(…)` returns",
            all.how
        );
        Ok(all)
    }

    /// Every call of the function in the file: `Err` when its name is also used otherwise
    /// (passed, exported, defined again, a method called on another object or from another
    /// class) or nothing calls it.
    fn calls(
        &self,
        src: &[u8],
        tree: &'t tree_sitter::Tree,
        words: &Words,
    ) -> Result<Vec<Node<'t>>, String> {
        let shown = self.shown(src);
        let name = &src[self.name.byte_range()];
        // PHP's method names are the same in any case.
        let same = |text: &[u8]| match self.grammar {
            Grammar::Php => text.eq_ignore_ascii_case(name),
            _ => text == name,
        };
        let mut calls = Vec::new();
        for n in words.nodes(tree, name) {
            let line = n.start_position().row + 1;
            // `[$this, 'fooUrl']`, `call_user_func(…)`: a call the tree does not show.
            if self.grammar == Grammar::Php
                && n.kind() == "string_content"
                && same(&src[n.byte_range()])
            {
                return Err(format!(
                    "`{shown}(…)` returns the URL, and line {line} names it in a string (a callable); add the header where its callers send the URL"
                ));
            }
            let a_name = match self.grammar {
                // (`$fooUrl` is a variable.)
                Grammar::Php => {
                    n.kind() == "name" && n.parent().is_none_or(|p| p.kind() != "variable_name")
                }
                _ => n.kind().ends_with("identifier"),
            };
            if n.child_count() != 0 || n == self.name || !a_name || !same(&src[n.byte_range()]) {
                continue;
            }
            // Another file's calls, which only a public builder's fix may rule out.
            if self.public.is_some() && self.grammar == Grammar::JavaScript && exported(src, n) {
                continue;
            }
            let call = self.called_at(src, n).map_err(|why| {
                format!("`{shown}(…)` returns the URL, and line {line} {why}; add the header where its callers send the URL")
            })?;
            calls.push(call);
        }
        if calls.is_empty() {
            return Err(format!(
                "`{shown}(…)` returns the URL, and nothing in this file calls it: add the header where its callers send that URL"
            ));
        }
        Ok(calls)
    }

    /// The call that the mention `n` of the function's name makes: `f(…)` for a function,
    /// `self.f(…)`, `this.f(…)`, `$this->f(…)` or `self::f(…)` (Java, Kotlin and C# also
    /// `f(…)`) from inside its class for a method.
    fn called_at(&self, src: &[u8], n: Node<'t>) -> Result<Node<'t>, &'static str> {
        let this = self.grammar.this();
        let parent = n.parent().ok_or("names it")?;
        // The call whose callee is `callee`: its field `field`, or (Kotlin) its first child.
        let calling = |callee: Node<'t>, kind: &str, field: &str| {
            callee.parent().filter(|c| {
                c.kind() == kind
                    && (c.child_by_field_name(field) == Some(callee)
                        || (self.grammar == Grammar::Kotlin && c.named_child(0) == Some(callee)))
            })
        };
        let (call, receiver) = match self.grammar {
            Grammar::Java => (
                Some(parent).filter(|p| {
                    p.kind() == "method_invocation" && p.child_by_field_name("name") == Some(n)
                }),
                parent.child_by_field_name("object"),
            ),
            Grammar::Php => match parent.kind() {
                "member_call_expression" | "scoped_call_expression"
                    if parent.child_by_field_name("name") == Some(n) =>
                {
                    (
                        Some(parent),
                        parent
                            .child_by_field_name("object")
                            .or_else(|| parent.child_by_field_name("scope")),
                    )
                }
                "function_call_expression" => {
                    return Err("calls a function of the same name, not the method");
                }
                _ => (None, None),
            },
            Grammar::Kotlin | Grammar::CSharp => {
                let (call_kind, member_kind) = match self.grammar {
                    Grammar::Kotlin => ("call_expression", "navigation_expression"),
                    _ => ("invocation_expression", "member_access_expression"),
                };
                let member = Some(parent).filter(|m| {
                    m.kind() == member_kind
                        && (m.child_by_field_name("name") == Some(n)
                            || (self.grammar == Grammar::Kotlin && last_named_child(*m) == Some(n)))
                });
                match member {
                    Some(m) => (
                        calling(m, call_kind, "function"),
                        m.child_by_field_name("expression")
                            .or_else(|| m.named_child(0).filter(|o| *o != n)),
                    ),
                    None => (calling(n, call_kind, "function"), None),
                }
            }
            _ if self.class.is_none() => (
                Some(parent).filter(|p| {
                    p.kind() == self.grammar.call() && p.child_by_field_name("function") == Some(n)
                }),
                None,
            ),
            _ => {
                let property = match self.grammar {
                    Grammar::Python => "attribute",
                    _ => "property",
                };
                let member = Some(parent).filter(|m| {
                    matches!(m.kind(), "attribute" | "member_expression")
                        && m.child_by_field_name(property) == Some(n)
                });
                (
                    member.and_then(|m| calling(m, self.grammar.call(), "function")),
                    member.and_then(|m| m.child_by_field_name("object")),
                )
            }
        };
        let Some(call) = call else {
            return Err(if exported(src, n) {
                "exports it"
            } else {
                "uses its name other than to call it"
            });
        };
        // PHP's `self::f(…)` and `static::f(…)` call it from its class, as `$this->f(…)` does.
        let own = |o: Node| {
            let text = &src[o.byte_range()];
            text == this || (self.grammar == Grammar::Php && matches!(text, b"self" | b"static"))
        };
        if receiver.is_some_and(|o| !own(o))
            || (self.class.is_some() && !self.grammar.bare_method_calls() && receiver.is_none())
        {
            return Err("calls it on another object");
        }
        // A method is called from its own class (not a class nested in it).
        if let Some(class) = self.class
            && innermost_class(self.grammar, call) != Some(class)
        {
            return Err("calls it from another class");
        }
        Ok(call)
    }

    /// The key as the request made with `call`'s URL sends it.
    fn key_at(
        &self,
        src: &[u8],
        call: &Node,
        reading: &KeyReading,
        key: &KeySource,
    ) -> Result<KeySource, String> {
        match *reading {
            KeyReading::Same => Ok(key.clone()),
            KeyReading::Parameter(index, name) => {
                let arg = argument(self.grammar, src, call, index, name)
                    .ok_or("passes no key argument the fix can follow")?;
                if !is_plain_read(self.grammar, arg) {
                    return Err(format!(
                        "passes the key as `{}`, not a plain name the header can repeat",
                        String::from_utf8_lossy(&src[arg.byte_range()])
                    ));
                }
                Ok(KeySource::Expr(
                    String::from_utf8_lossy(&src[arg.byte_range()]).into_owned(),
                ))
            }
            KeyReading::Field { class, ref name } => {
                if innermost_class(self.grammar, *call) != Some(class) {
                    return Err("is not in the class whose field holds the key".into());
                }
                // A caller's parameter or local of the field's name would hide a field read
                // without `this.`.
                let function = enclosing(self.grammar, *call);
                let hidden = self.grammar.bare_fields()
                    && function.is_some_and(|f| declares(self.grammar, src, f, name));
                if hidden {
                    return Err(format!(
                        "is in a method with its own `{}`",
                        String::from_utf8_lossy(name)
                    ));
                }
                Ok(key.clone())
            }
        }
    }
}

/// How the function reads the key it puts in the URL.
enum KeyReading<'t> {
    /// Written in the URL itself: every caller sends the same literal.
    Same,
    /// Its parameter at this position (named so): each caller's argument.
    Parameter(usize, &'t [u8]),
    /// A field of its class, which every caller in that class reads the same way.
    Field { class: Node<'t>, name: Vec<u8> },
}

/// The declarator of `const NAME = function` (or `let`, `var`; JavaScript), and whether it
/// is a `const`: a name bound once, to it.
fn declarator_holding<'t>(src: &[u8], function: Node<'t>) -> Option<(Node<'t>, bool)> {
    let declarator = function
        .parent()
        .filter(|d| d.kind() == "variable_declarator")
        .filter(|d| d.child_by_field_name("value") == Some(function))
        .filter(|d| {
            d.child_by_field_name("name")
                .is_some_and(|n| n.kind() == "identifier")
        })?;
    let declaration = declarator.parent()?;
    let constant = declaration.kind() == "lexical_declaration"
        && declaration
            .child(0)
            .is_some_and(|k| &src[k.byte_range()] == b"const");
    Some((declarator, constant))
}

/// Whether the name `n` is written in an export: `export { f }`, `module.exports = { f }`,
/// `exports.f = f`.
fn exported(src: &[u8], n: Node) -> bool {
    let mut node = n;
    while let Some(parent) = node.parent() {
        match parent.kind() {
            "export_statement" | "export_clause" => return true,
            "assignment_expression" => {
                return parent.child_by_field_name("left").is_some_and(|l| {
                    let target = &src[l.byte_range()];
                    target.starts_with(b"module.exports") || target.starts_with(b"exports.")
                });
            }
            "statement_block" | "program" => return false,
            _ => node = parent,
        }
    }
    false
}

/// Python decorators that call the function as it is written, with the arguments its
/// callers pass (`@staticmethod` only leaves `self` out), so its callers' requests send what
/// it returns.
const KEEPS_CALLS: [&[u8]; 5] = [
    b"staticmethod",
    b"functools.lru_cache",
    b"lru_cache",
    b"functools.cache",
    b"cache",
];

/// The node that holds the function in its block: a Python decorated definition, or itself.
fn definition(function: Node) -> Node {
    function
        .parent()
        .filter(|p| p.kind() == "decorated_definition")
        .unwrap_or(function)
}

/// The names of a Python function's decorators, without `@` or arguments
/// (`@functools.lru_cache(maxsize=64)` is `functools.lru_cache`).
fn python_decorators<'s>(src: &'s [u8], function: Node) -> Vec<&'s [u8]> {
    let holder = definition(function);
    if holder == function {
        return Vec::new();
    }
    let mut cursor = holder.walk();
    holder
        .named_children(&mut cursor)
        .filter(|d| d.kind() == "decorator")
        .map(|d| {
            let text = src[d.byte_range()].strip_prefix(b"@").unwrap_or(&[]);
            let name = text.split(|&b| b == b'(').next().unwrap_or(&[]);
            name.trim_ascii()
        })
        .collect()
}

/// Whether `scope` declares a parameter or local named `name` (Java, Kotlin, C#).
fn declares(grammar: Grammar, src: &[u8], scope: Node, name: &[u8]) -> bool {
    descendants(scope).any(|n| {
        let declared = match (grammar, n.kind()) {
            (Grammar::Java, "variable_declarator" | "formal_parameter")
            | (Grammar::CSharp, "variable_declarator" | "parameter") => {
                n.child_by_field_name("name")
            }
            (Grammar::Kotlin, "variable_declaration" | "parameter") => {
                n.named_child(0).filter(|i| i.kind() == "identifier")
            }
            // C#'s `out var key`, a lambda's `key =>`.
            (Grammar::CSharp, "declaration_expression") => n.child_by_field_name("name"),
            (Grammar::CSharp, "lambda_expression") => n
                .child_by_field_name("parameters")
                .filter(|p| p.kind() == "identifier"),
            _ => None,
        };
        declared.is_some_and(|d| &src[d.byte_range()] == name)
    })
}

/// The innermost class around `node`.
fn innermost_class<'t>(grammar: Grammar, node: Node<'t>) -> Option<Node<'t>> {
    let mut n = node.parent()?;
    while !grammar.is_class(n) {
        n = n.parent()?;
    }
    Some(n)
}

/// The innermost function around `node`.
fn enclosing<'t>(grammar: Grammar, node: Node<'t>) -> Option<Node<'t>> {
    let mut n = node.parent()?;
    while !grammar.is_function(n.kind()) {
        n = n.parent()?;
    }
    Some(n)
}

/// `call`'s argument for the parameter at `index` (named `name`, for a Python keyword).
fn argument<'t>(
    grammar: Grammar,
    src: &[u8],
    call: &Node<'t>,
    index: usize,
    name: &[u8],
) -> Option<Node<'t>> {
    let list = call.child_by_field_name("arguments").or_else(|| {
        let mut cursor = call.walk();
        call.named_children(&mut cursor)
            .find(|c| grammar.is_arguments(c.kind()))
    })?;
    let mut cursor = list.walk();
    let args: Vec<Node> = list
        .named_children(&mut cursor)
        .filter(|a| a.kind() != "comment")
        .collect();
    if grammar == Grammar::Python {
        if let Some(kw) = args.iter().find(|a| {
            a.kind() == "keyword_argument"
                && a.child_by_field_name("name")
                    .is_some_and(|n| &src[n.byte_range()] == name)
        }) {
            return kw.child_by_field_name("value");
        }
        let positional: Vec<&Node> = args
            .iter()
            .take_while(|a| {
                !matches!(
                    a.kind(),
                    "keyword_argument" | "list_splat" | "dictionary_splat"
                )
            })
            .collect();
        return positional.get(index).map(|a| **a);
    }
    if let Some(wrapper) = grammar.argument_wrapper() {
        return wrapped_argument(grammar, src, &args, wrapper, index, name);
    }
    if args.iter().any(|a| a.kind() == "spread_element") {
        return None;
    }
    args.get(index).copied()
}

/// The argument for the parameter at `index` (named `name`) among `args`, each held in a
/// `wrapper` node with its label, if any (Kotlin's `key = k`, C#'s `key: k`, PHP's
/// `key: $k`): the labelled one, or the one at `index` before any label.
fn wrapped_argument<'t>(
    grammar: Grammar,
    src: &[u8],
    args: &[Node<'t>],
    wrapper: &str,
    index: usize,
    name: &[u8],
) -> Option<Node<'t>> {
    let bare_name = name.strip_prefix(b"$").unwrap_or(name);
    let mut positional = Vec::new();
    let mut labelled = false;
    for arg in args {
        if arg.kind() != wrapper {
            return None;
        }
        let value = last_named_child(*arg)?;
        let first = arg.child(0)?;
        // A spread (`*ids`, `...$ids`), `ref`/`out`, or a placeholder: positions are lost.
        if matches!(
            value.kind(),
            "variadic_unpacking" | "declaration_expression" | "argument_placeholder"
        ) || matches!(&src[first.byte_range()], b"*" | b"ref" | b"out" | b"in")
        {
            return None;
        }
        let label = match grammar {
            Grammar::Kotlin => (arg.named_child_count() == 2)
                .then(|| arg.named_child(0))
                .flatten(),
            _ => arg.child_by_field_name("name"),
        };
        match label {
            Some(label) => {
                labelled = true;
                if &src[label.byte_range()] == bare_name {
                    return Some(value);
                }
            }
            None if !labelled => positional.push(value),
            None => {}
        }
    }
    positional.get(index).copied()
}

/// A name, or a chain of member reads on one (`key`, `self.key`, `this.config.key`): what a
/// header can read again, later, and get the same value.
fn is_plain_read(grammar: Grammar, node: Node) -> bool {
    match node.kind() {
        "identifier" | "this" => true,
        "attribute" if grammar == Grammar::Python => node
            .child_by_field_name("object")
            .is_some_and(|o| is_plain_read(grammar, o)),
        "member_expression" if grammar == Grammar::JavaScript => {
            node.child_by_field_name("property")
                .is_some_and(|p| p.kind() == "property_identifier")
                && node
                    .child_by_field_name("object")
                    .is_some_and(|o| is_plain_read(grammar, o))
        }
        "field_access" if grammar == Grammar::Java => node
            .child_by_field_name("object")
            .is_some_and(|o| is_plain_read(grammar, o)),
        "this_expression" if grammar == Grammar::Kotlin => node.named_child_count() == 0,
        "navigation_expression" if grammar == Grammar::Kotlin => {
            node.named_child_count() == 2
                && node
                    .named_child(1)
                    .is_some_and(|p| p.kind() == "identifier")
                && node
                    .named_child(0)
                    .is_some_and(|o| is_plain_read(grammar, o))
        }
        "member_access_expression" if grammar == Grammar::CSharp => {
            node.child_by_field_name("name")
                .is_some_and(|p| p.kind() == "identifier")
                && node
                    .child_by_field_name("expression")
                    .is_some_and(|o| is_plain_read(grammar, o))
        }
        "variable_name" if grammar == Grammar::Php => true,
        "member_access_expression" if grammar == Grammar::Php => {
            node.child_by_field_name("name")
                .is_some_and(|p| p.kind() == "name")
                && node
                    .child_by_field_name("object")
                    .is_some_and(|o| is_plain_read(grammar, o))
        }
        _ => false,
    }
}

fn last_named_child(node: Node) -> Option<Node> {
    let count = u32::try_from(node.named_child_count()).ok()?;
    node.named_child(count.checked_sub(1)?)
}

fn is_plain_name(text: &[u8]) -> bool {
    !text.is_empty()
        && !text[0].is_ascii_digit()
        && text
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
}

/// Where the request that sends `call`'s result reads it as its URL: `call` itself as the
/// URL argument of a call, or the one read of a local it is assigned to that only that
/// request reads (the tree's single-use proof). The placer then decides whether that call is
/// a request it knows.
fn sent_at(
    grammar: Grammar,
    src: &[u8],
    tree: &tree_sitter::Tree,
    call: Node,
) -> Option<std::ops::Range<usize>> {
    if is_url_argument(grammar, src, call) {
        return Some(call.byte_range());
    }
    let binding = local_bound(grammar, call.parent()?, call)?;
    let function = enclosing(grammar, call)?;
    let name = &src[binding.byte_range()];
    // The next mention of the name as a variable (not `obj.url`, not `url=` of a call).
    let read = descendants(function).find(|n| {
        n.start_byte() > binding.end_byte()
            && n.kind() == binding.kind()
            && &src[n.byte_range()] == name
            && n.prev_sibling().is_none_or(|p| p.kind() != ".")
            && n.parent().is_none_or(|p| {
                p.kind() != "keyword_argument" || p.child_by_field_name("name") != Some(*n)
            })
    })?;
    (crate::lang::tree::is_single_use_local(tree, src, binding.start_byte(), read.start_byte())
        && is_url_argument(grammar, src, read))
    .then(|| read.byte_range())
}

/// Whether `node` is, whole, the URL argument of a call: the first argument (Python also
/// `url=`, or the second of `request(method, url)`, Guzzle's `->request($method, $url)` and
/// C#'s `new HttpRequestMessage(method, url)`), or Java's `new HttpGet(url)`-style
/// constructor argument.
fn is_url_argument(grammar: Grammar, src: &[u8], node: Node) -> bool {
    let Some(mut parent) = node.parent() else {
        return false;
    };
    if grammar == Grammar::Python && parent.kind() == "keyword_argument" {
        return parent.child_by_field_name("value") == Some(node)
            && parent
                .child_by_field_name("name")
                .is_some_and(|n| &src[n.byte_range()] == b"url")
            && parent.parent().is_some_and(|l| l.kind() == "argument_list");
    }
    let mut node = node;
    // Kotlin, C# and PHP hold each argument in a node of its own, with its label if any.
    if let Some(wrapper) = grammar.argument_wrapper() {
        if parent.kind() != wrapper || parent.named_child_count() != 1 {
            return false;
        }
        node = parent;
        let Some(list) = parent.parent() else {
            return false;
        };
        parent = list;
    }
    if !grammar.is_arguments(parent.kind()) {
        return false;
    }
    let mut cursor = parent.walk();
    let index = parent
        .named_children(&mut cursor)
        .filter(|a| a.kind() != "comment")
        .position(|a| a == node);
    let callee = parent.parent().and_then(|c| {
        c.child_by_field_name("function")
            .or_else(|| c.child_by_field_name("name"))
            .or_else(|| c.child_by_field_name("type"))
            .or_else(|| {
                (grammar == Grammar::Kotlin)
                    .then(|| c.named_child(0))
                    .flatten()
            })
    });
    let callee_name = callee.map_or(&b""[..], |f| {
        let last = match f.kind() {
            "attribute" => f.child_by_field_name("attribute"),
            "member_expression" => f.child_by_field_name("property"),
            "member_access_expression" | "qualified_name" => f.child_by_field_name("name"),
            "navigation_expression" => last_named_child(f),
            _ => Some(f),
        };
        last.map_or(&b""[..], |n| &src[n.byte_range()])
    });
    let url_index = match (grammar, callee_name) {
        (Grammar::Python, b"request")
        | (Grammar::Php, b"request" | b"requestAsync")
        | (Grammar::CSharp, b"HttpRequestMessage") => 1,
        _ => 0,
    };
    index == Some(url_index)
}
