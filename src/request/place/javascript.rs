//! JavaScript and TypeScript: fetch, axios, got, request, jQuery and node `http(s).request`
//! options objects.

use super::cursor::*;
use super::{Placement, Request, already, by_hand};
use crate::diagnostic::{Applicability, Edit};
use crate::lang::tokens::{
    Layout, Openers, arguments, enclosing_open, enclosing_open_near, expression_end,
    matching_close, matching_open, next_significant, prev_significant, token_at,
};
use crate::lang::{TokKind, Token};

const JS_DATA_METHODS: [&str; 3] = ["post", "put", "patch"];

/// An axios instance's request methods that take the URL first.
const AXIOS_METHODS: [&str; 7] = ["get", "delete", "head", "options", "post", "put", "patch"];

const URL_KEYS: [&str; 6] = ["url", "uri", "path", "href", "baseurl", "endpoint"];

/// fetch/axios/got/request/jQuery: the options object of the same call gets `headers`.
pub(super) fn place(req: &Request) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let lit = token_at(tokens, req.at.start).ok_or("the key is not in a literal")?;
    let region = statement(src, tokens, req.openers, req.lang, lit);
    if req.already_sent(region) {
        return Ok(already(super::SENT_BY_STATEMENT));
    }
    let q = req.quote();
    let entry = format!("{q}x-api-key{q}: {}", req.key.as_code(q));
    if req.builder {
        // `{ params: { apikey: k } }`, `{ qs: { apikey } }`: the object around the builder.
        let container = enclosing_open(src, tokens, lit)
            .filter(|&o| tokens[o].is_punct(src, "{"))
            .ok_or("the builder is not an object")?;
        // `api.get(url, { params: … })` on an instance that already sends the header.
        if let Some(options) = instance_of_call(src, tokens, req.layout(), req.openers, container)
            && let Some(sent) = instance_header(req, options)
        {
            return sent;
        }
        let owner = prev_significant(tokens, container)
            .filter(|&c| tokens[c].is_punct(src, ":"))
            .ok_or_else(|| {
                let search_params = prev_significant(tokens, container)
                    .filter(|&o| tokens[o].is_punct(src, "("))
                    .and_then(|o| prev_significant(tokens, o))
                    .is_some_and(|n| tokens[n].text(src) == b"URLSearchParams");
                // `const QUERY = { apikey: k }`: the object is read elsewhere.
                let held_in = prev_significant(tokens, container)
                    .filter(|&e| tokens[e].is_punct(src, "="))
                    .and_then(|e| prev_significant(tokens, e))
                    .filter(|&n| tokens[n].kind == TokKind::Ident);
                if search_params {
                    "the entry is in `new URLSearchParams({…})`: delete it and add the header to the call that sends the query".to_string()
                } else if let Some(name) = held_in {
                    format!(
                        "the query object is held in `{}`, not written as a request's `params` option; add the header where the requests that read it are made",
                        String::from_utf8_lossy(tokens[name].text(src))
                    )
                } else {
                    "the query object is not a request's `params` option".to_string()
                }
            })?;
        let options = enclosing_open(src, tokens, owner)
            .filter(|&o| tokens[o].is_punct(src, "{"))
            .ok_or("the builder is not inside request options")?;
        return add_to_options(src, tokens, options, &entry);
    }
    if let Some(placed) = curl_in_string(req, lit, b"'\"`") {
        return placed;
    }
    // `{ uri: '…' + key }`, `$.ajax({ url: … })`: the object that holds the URL.
    let start = expression_start(src, tokens, lit);
    if let Some(colon) = prev_significant(tokens, start).filter(|&c| tokens[c].is_punct(src, ":")) {
        let key = prev_significant(tokens, colon).ok_or("unreadable property")?;
        let name = String::from_utf8_lossy(tokens[key].content_text(src)).to_ascii_lowercase();
        if !URL_KEYS.contains(&name.as_str()) {
            return Err(format!(
                "the URL is the `{name}` property, not a request's url"
            ));
        }
        let options = enclosing_open(src, tokens, lit)
            .filter(|&o| tokens[o].is_punct(src, "{"))
            .ok_or("the URL property is not in an object")?;
        return add_to_options(src, tokens, options, &entry);
    }
    // `{ url, headers }`: the variable holding the URL, written as a shorthand member.
    if let Some(options) = shorthand_url(src, tokens, lit) {
        return add_to_options(src, tokens, options, &entry);
    }
    let (name, open) = enclosing_call_near(src, tokens, req.openers, lit)
        .filter(|&(_, open)| enclosing_open_near(src, tokens, req.openers, lit) == Some(open))
        .ok_or_else(|| not_sent_here(req, start))?;
    let callee = String::from_utf8_lossy(tokens[name].text(src)).to_ascii_lowercase();
    let receiver_tok = prev_significant(tokens, name)
        .filter(|&d| tokens[d].is_punct(src, "."))
        .and_then(|d| prev_significant(tokens, d));
    let receiver =
        receiver_tok.map(|r| String::from_utf8_lossy(tokens[r].text(src)).to_ascii_lowercase());
    // `api.get(…)` on `const api = axios.create({…})` takes the same arguments as `axios.get`.
    let instance = receiver_tok
        .filter(|_| receiver.as_deref() != Some("axios"))
        .and_then(|r| axios_instance(src, tokens, req.layout(), r));
    if let Some(options) = instance
        && let Some(sent) = instance_header(req, options)
    {
        return sent;
    }
    // `client.post(…)` on a name declared `client: AxiosInstance`, or `axios.create(…)` in scope.
    let declared = receiver_tok
        .filter(|_| instance.is_none() && receiver.as_deref() != Some("axios"))
        .filter(|_| AXIOS_METHODS.contains(&callee.as_str()))
        .and_then(|r| declared_axios(req, r));
    if let Some(DeclaredAxios::Created(Some(at))) = declared
        && let Some(options) = token_at(tokens, at)
        && let Some(sent) = instance_header(req, options)
    {
        return sent;
    }
    let receiver = if instance.is_some() || declared.is_some() {
        Some("axios".to_string())
    } else {
        receiver
    };
    let args = arguments(src, tokens, open);
    let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
    if let Some(r) = receiver_tok
        .filter(|_| receiver.as_deref() != Some("axios"))
        .filter(|_| SUPERAGENT_METHODS.contains(&callee.as_str()))
        .filter(|&r| is_superagent(src, tokens, req.layout(), r))
    {
        return superagent_header(req, &callee, tokens[r].text(src), &args, close);
    }
    // Which argument carries options: axios `post(url, data, config)`, others `(url, options)`.
    let options_second = matches!(receiver.as_deref(), Some("got" | "ky"));
    let config_index = if JS_DATA_METHODS.contains(&callee.as_str()) && !options_second {
        if receiver.as_deref() != Some("axios") {
            return Err(format!(
                "`{callee}(…)` on something other than axios: the options argument is not known"
            ));
        }
        2
    } else if matches!(callee.as_str(), "fetch" | "got" | "ky")
        || (matches!(callee.as_str(), "get" | "delete" | "head" | "options")
            && receiver.as_deref() == Some("axios"))
        // `got.post(url, options)`, `ky.get(url, options)`: the body travels in the options.
        || (options_second
            && matches!(
                callee.as_str(),
                "get" | "post" | "put" | "patch" | "delete" | "head"
            ))
    {
        1
    } else if is_request_library(&callee, receiver.as_deref()) {
        // `request.get(url, callback)`: the URL becomes an options object.
        let url = args
            .first()
            .filter(|a| a.contains(&req.at.start) && args.len() <= 2)
            .ok_or("the URL is not the request's first argument")?;
        return Ok(Placement {
            edits: vec![
                Edit::insert(url.start, "{ url: "),
                Edit::insert(url.end, format!(", headers: {{ {entry} }} }}")),
            ],
            applicability: Applicability::Safe,
            sends: None,
            how: "pass the URL in an options object with `headers`".into(),
        });
    } else {
        return Err(format!(
            "`{callee}(…)` is not a request call the fixer knows"
        ));
    };
    if args.first().is_none_or(|a| !a.contains(&req.at.start)) {
        return Err("the URL is not the call's first argument".into());
    }
    match args.get(config_index) {
        Some(arg) => {
            let t = token_at(tokens, arg.start).ok_or("unreadable argument")?;
            if tokens[t].is_punct(src, "{") {
                add_to_options(src, tokens, t, &entry)
            } else {
                options_variable(req, t, arg, &entry)
            }
        }
        None if args.len() == config_index => Ok(Placement {
            edits: vec![Edit::insert(
                tokens[close].start(),
                format!(", {{ headers: {{ {entry} }} }}"),
            )],
            applicability: Applicability::Safe,
            sends: None,
            how: "pass `headers` with the request".into(),
        }),
        None => Err("the call has no data argument to put options after".into()),
    }
}

/// Why a URL expression starting at token `start` that no call receives is not fixed here,
/// and what to do instead: returned to callers, or stored in a name.
fn not_sent_here(req: &Request, start: usize) -> String {
    let (src, tokens) = (req.src, req.tokens);
    let before = prev_significant(tokens, start);
    if before.is_some_and(|b| tokens[b].text(src) == b"return") {
        return "the URL is returned, and its callers make the request: add the header where they send it".into();
    }
    let stored = before
        .filter(|&eq| tokens[eq].is_punct(src, "="))
        .and_then(|eq| assigned_name(src, tokens, eq));
    let Some(name) = stored else {
        return "the URL is not passed straight to a request call".into();
    };
    let name = String::from_utf8_lossy(tokens[name].text(src));
    // Whether the name is read besides its assignment: as a name, or in a template literal,
    // from the file's index (a text search per local took time growing with the square of
    // a script of thousands of them).
    let layout = req.layout();
    let mentions = layout.uses(src, tokens, name.as_bytes()).len()
        + layout
            .template_reads_after(src, tokens, name.as_bytes(), 0)
            .len();
    if mentions <= 1 {
        format!(
            "the URL is stored in `{name}`, which nothing in this file reads: add the header where `{name}` is requested"
        )
    } else {
        format!(
            "the URL is stored in `{name}`, whose request is not followed: add the header where `{name}` is requested"
        )
    }
}

/// The name assigned by the `=` at token `eq`: `NAME =`, `const NAME: Type =`,
/// `static readonly NAME =`, `this.NAME =`.
fn assigned_name(src: &[u8], tokens: &[Token], eq: usize) -> Option<usize> {
    // Back over a type annotation (a few tokens, no brackets) to the name before its `:`.
    let mut end = eq;
    let mut k = eq;
    for _ in 0..8 {
        k = match prev_significant(tokens, k) {
            Some(p) if !matches!(tokens[p].text(src), b";" | b"{" | b"}" | b"(" | b")" | b",") => p,
            _ => break,
        };
        if tokens[k].is_punct(src, ":") {
            end = k;
            break;
        }
    }
    prev_significant(tokens, end).filter(|&n| tokens[n].kind == TokKind::Ident)
}

/// The bytes of the options object of the axios instance that the request at byte `at` is
/// sent on (see [`instance_of_call`]).
pub fn axios_instance_options(
    src: &[u8],
    tokens: &[Token],
    layout: &Layout,
    openers: &std::sync::OnceLock<crate::lang::tokens::Openers>,
    at: usize,
) -> Option<std::ops::Range<usize>> {
    let open = instance_of_call(src, tokens, layout, openers, token_at(tokens, at)?)?;
    Some(tokens[open].start()..tokens[matching_close(src, tokens, open)?].end())
}

/// The name token of `NAME = axios.create({ … })` when token `i` is directly inside those
/// options (a `baseURL` member): the instance, not the member, is what requests use.
pub fn axios_instance_name(
    src: &[u8],
    tokens: &[Token],
    openers: &Openers,
    i: usize,
) -> Option<usize> {
    let options = openers.of(i).filter(|&o| tokens[o].is_punct(src, "{"))?;
    let open = prev_significant(tokens, options).filter(|&o| tokens[o].is_punct(src, "("))?;
    let create = prev_significant(tokens, open).filter(|&c| tokens[c].text(src) == b"create")?;
    let dot = prev_significant(tokens, create).filter(|&d| tokens[d].is_punct(src, "."))?;
    let axios = prev_significant(tokens, dot).filter(|&a| tokens[a].text(src) == b"axios")?;
    let mut eq = prev_significant(tokens, axios)?;
    if !tokens[eq].is_punct(src, "=") {
        return None;
    }
    // `const api: AxiosInstance = …`: the name before the annotation.
    let mut name = prev_significant(tokens, eq)?;
    for _ in 0..8 {
        if tokens[name].kind == TokKind::Ident
            && next_significant(tokens, name)
                .is_some_and(|n| n == eq || tokens[n].is_punct(src, ":"))
        {
            return Some(name);
        }
        eq = name;
        name = prev_significant(tokens, name)?;
    }
    None
}

/// The options object (`{`) of the axios instance that the call around token `i` is made on
/// (`api.get(…)`, `this.http.post(…)`), when the file creates that instance once.
fn instance_of_call(
    src: &[u8],
    tokens: &[Token],
    layout: &Layout,
    openers: &std::sync::OnceLock<crate::lang::tokens::Openers>,
    i: usize,
) -> Option<usize> {
    let (name, _) = enclosing_call_near(src, tokens, openers, i)?;
    let receiver = prev_significant(tokens, name)
        .filter(|&d| tokens[d].is_punct(src, "."))
        .and_then(|d| prev_significant(tokens, d))?;
    axios_instance(src, tokens, layout, receiver)
}

/// The options object (`{`) of `NAME = axios.create({…})` (or `this.NAME = …`,
/// `const NAME: AxiosInstance = …`) for the name at token `receiver`: `None` unless the file
/// assigns that name an axios instance exactly once, and nothing else.
fn axios_instance(src: &[u8], tokens: &[Token], layout: &Layout, receiver: usize) -> Option<usize> {
    let name = tokens[receiver].text(src);
    if tokens[receiver].kind != TokKind::Ident || name == b"axios" {
        return None;
    }
    let mut found = None;
    // Every request on the instance asks: bounded, so that a file of thousands of requests
    // on one name stays linear (a name used more often than that is not followed).
    let uses: Vec<usize> = std::iter::once(0)
        .chain(layout.uses_after(src, tokens, name, 0))
        .take(INSTANCE_USES_READ + 2)
        .collect();
    if uses.len() > INSTANCE_USES_READ + 1 {
        return None;
    }
    for j in uses {
        if tokens[j].text(src) != name {
            continue;
        }
        let Some(mut eq) = next_significant(tokens, j) else {
            continue;
        };
        if tokens[eq].is_punct(src, ":") {
            // A type annotation, or a field declared without a value.
            match (eq..tokens.len().min(eq + 12))
                .take_while(|&k| !matches!(tokens[k].text(src), b";" | b"{" | b"(" | b")" | b","))
                .find(|&k| tokens[k].is_punct(src, "="))
            {
                Some(k) => eq = k,
                None => continue,
            }
        }
        if !tokens[eq].is_punct(src, "=") {
            continue;
        }
        let chain: Option<usize> = (|| {
            let a = next_significant(tokens, eq).filter(|&a| tokens[a].text(src) == b"axios")?;
            let dot = next_significant(tokens, a).filter(|&d| tokens[d].is_punct(src, "."))?;
            let create =
                next_significant(tokens, dot).filter(|&c| tokens[c].text(src) == b"create")?;
            let open =
                next_significant(tokens, create).filter(|&o| tokens[o].is_punct(src, "("))?;
            next_significant(tokens, open).filter(|&o| tokens[o].is_punct(src, "{"))
        })();
        match (chain, found) {
            (Some(options), None) => found = Some(options),
            // Assigned twice, or assigned something else too: which one sends is unknown.
            _ => return None,
        }
    }
    found
}

/// What the syntax tree says about the receiver of `client.post(…)`: an axios instance by its
/// declaration, found the way the language resolves the name (the nearest scope wins, so a
/// shadowing name is not mistaken for it).
enum DeclaredAxios {
    /// A parameter, local or class field typed `AxiosInstance`: its defaults are not known.
    Typed,
    /// A local assigned `axios.create(…)` and nothing else: the byte where its options object
    /// starts, when they are written as one.
    Created(Option<usize>),
}

/// The receiver at token `receiver` (`client` in `client.post(…)` or `this.client.post(…)`)
/// as [`DeclaredAxios`]; `None` when its declaration says nothing of axios (untyped
/// JavaScript parameters stay unknown) or the file has no syntax tree.
///
/// Declarations are looked for among the places the file writes the name (the token index),
/// not by reading every statement of every scope: a file of thousands of requests on one
/// client asks once per request.
fn declared_axios(req: &Request, receiver: usize) -> Option<DeclaredAxios> {
    // Either answer needs the file to write `AxiosInstance` or `axios.create`: a file with
    // neither is not parsed to find out.
    memchr::memmem::find(req.src, b"xios")?;
    let tree = req.tree()?;
    let (src, span) = (req.src, req.tokens[receiver].span());
    let name = &src[span.clone()];
    let node = tree
        .root_node()
        .descendant_for_byte_range(span.start, span.end)?;
    let written = name_nodes(req, tree, name)?;
    let typed = |annotation: Option<tree_sitter::Node>| {
        annotation.is_some_and(|t| is_axios_instance_type(t, src))
            && axios_instance_type_is_axios(req, tree)
    };
    let parent = node.parent()?;
    if parent.kind() == "member_expression" && parent.child_by_field_name("property") == Some(node)
    {
        // `this.client`: the class's field; another object's member is not followed.
        let on_this = parent
            .child_by_field_name("object")
            .is_some_and(|o| o.kind() == "this");
        return (on_this && typed(field_type(node, &written, src)?))
            .then_some(DeclaredAxios::Typed);
    }
    if node.kind() != "identifier" {
        return None;
    }
    let declarations: Vec<(tree_sitter::Node, Binding)> =
        written.iter().filter_map(|&n| declaration_of(n)).collect();
    let binding = std::iter::successors(node.parent(), |s| s.parent()).find_map(|s| {
        declarations
            .iter()
            .find(|(scope, _)| *scope == s)
            .map(|(_, b)| b)
    })?;
    match *binding {
        Binding::Parameter(p) => {
            typed(p.child_by_field_name("type")).then_some(DeclaredAxios::Typed)
        }
        Binding::Variable { declarator, scope } => {
            if typed(declarator.child_by_field_name("type")) {
                return Some(DeclaredAxios::Typed);
            }
            let options = axios_create_options(declarator.child_by_field_name("value")?, src)?;
            // Assigned again (a `const` too: that throws, and the code is wrong): what the
            // local holds at the call is unknown.
            let reassigned = written.iter().any(|n| {
                scope.byte_range().contains(&n.start_byte())
                    && n.parent().is_some_and(|a| {
                        matches!(
                            a.kind(),
                            "assignment_expression" | "augmented_assignment_expression"
                        ) && a.child_by_field_name("left") == Some(*n)
                    })
            });
            (!reassigned).then_some(DeclaredAxios::Created(options))
        }
        Binding::Other => None,
    }
}

/// The syntax nodes of the identifiers written `name`, in file order; `None` when the file
/// writes it more often than the fixer reads (nothing about the name is proved then).
fn name_nodes<'t>(
    req: &Request,
    tree: &'t tree_sitter::Tree,
    name: &[u8],
) -> Option<Vec<tree_sitter::Node<'t>>> {
    let (src, tokens) = (req.src, req.tokens);
    let at: Vec<usize> = std::iter::once(0)
        .filter(|_| tokens.first().is_some_and(|t| t.text(src) == name))
        .chain(req.layout().uses_after(src, tokens, name, 0))
        .take(INSTANCE_USES_READ + 1)
        .collect();
    if at.len() > INSTANCE_USES_READ {
        return None;
    }
    let root = tree.root_node();
    Some(
        at.into_iter()
            .filter_map(|j| root.descendant_for_byte_range(tokens[j].start(), tokens[j].end()))
            .collect(),
    )
}

/// What a declaration binds, as [`declaration_of`] reads it.
#[derive(Clone, Copy)]
enum Binding<'t> {
    /// A function's parameter written as a plain name (`required_parameter` in TypeScript).
    Parameter(tree_sitter::Node<'t>),
    /// `const`/`let`/`var` of a plain name: the declarator and the block it is declared in.
    Variable {
        declarator: tree_sitter::Node<'t>,
        scope: tree_sitter::Node<'t>,
    },
    /// Anything else that binds the name (a destructured or untyped JavaScript parameter, a
    /// `catch` or loop variable, a function or class of that name).
    Other,
}

/// When the identifier `n` declares its name: the scope the declaration holds in (the node
/// a use must be inside to read it) and what it binds. `None` for a use.
fn declaration_of(n: tree_sitter::Node) -> Option<(tree_sitter::Node, Binding)> {
    // Out of destructuring patterns; a default value or a property key binds nothing.
    let mut pattern = n;
    let mut plain = true;
    loop {
        let parent = pattern.parent()?;
        let inside = match parent.kind() {
            "object_pattern" | "array_pattern" | "rest_pattern" => true,
            "pair_pattern" => parent.child_by_field_name("value") == Some(pattern),
            "assignment_pattern" | "object_assignment_pattern" => {
                parent.child_by_field_name("left") == Some(pattern)
            }
            _ => false,
        };
        if !inside {
            break;
        }
        plain = false;
        pattern = parent;
    }
    let parent = pattern.parent()?;
    let in_field = |f: &str| parent.child_by_field_name(f) == Some(pattern);
    let plain = plain && n.kind() == "identifier";
    match parent.kind() {
        "variable_declarator" if in_field("name") => {
            let mut scope = parent.parent()?.parent()?;
            if scope.kind() == "export_statement" {
                scope = scope.parent()?;
            }
            let binding = if plain {
                Binding::Variable {
                    declarator: parent,
                    scope,
                }
            } else {
                Binding::Other
            };
            Some((scope, binding))
        }
        "required_parameter" | "optional_parameter" if in_field("pattern") => {
            let function = parent.parent()?.parent()?;
            let binding = if plain {
                Binding::Parameter(parent)
            } else {
                Binding::Other
            };
            Some((function, binding))
        }
        // JavaScript's parameters carry no type.
        "formal_parameters" => Some((parent.parent()?, Binding::Other)),
        "arrow_function" | "catch_clause" if in_field("parameter") => {
            Some((parent, Binding::Other))
        }
        "for_in_statement" if in_field("left") => Some((parent, Binding::Other)),
        "function_declaration" | "class_declaration" if in_field("name") => {
            Some((parent.parent()?, Binding::Other))
        }
        _ => None,
    }
}

/// The type annotation of the field at `member` (`this.client`) as the class around it
/// declares it, among the places `written` the file writes the name: a field declaration
/// (`private client: AxiosInstance;`) or a constructor's parameter property
/// (`constructor(private readonly client: AxiosInstance)`). `None` when the class does not
/// declare it; `Some(None)` when it does without a type.
fn field_type<'t>(
    member: tree_sitter::Node<'t>,
    written: &[tree_sitter::Node<'t>],
    src: &[u8],
) -> Option<Option<tree_sitter::Node<'t>>> {
    let class = std::iter::successors(member.parent(), |c| c.parent()).find(|c| {
        matches!(
            c.kind(),
            "class_declaration" | "class" | "abstract_class_declaration"
        )
    })?;
    let body = class.child_by_field_name("body")?;
    written.iter().find_map(|n| {
        let parent = n.parent()?;
        match parent.kind() {
            "public_field_definition"
                if parent.child_by_field_name("name") == Some(*n)
                    && parent.parent() == Some(body) =>
            {
                Some(parent.child_by_field_name("type"))
            }
            "required_parameter" if parent.child_by_field_name("pattern") == Some(*n) => {
                // A parameter property: a modifier makes the parameter a field too.
                let property = (0..parent.child_count())
                    .filter_map(|k| parent.child(k))
                    .any(|c| matches!(c.kind(), "accessibility_modifier" | "readonly"));
                let constructor = parent.parent()?.parent()?;
                let of_this_class = constructor.kind() == "method_definition"
                    && constructor
                        .child_by_field_name("name")
                        .is_some_and(|m| &src[m.byte_range()] == b"constructor")
                    && constructor.parent() == Some(body);
                (property && of_this_class).then(|| parent.child_by_field_name("type"))
            }
            _ => None,
        }
    })
}

/// `: AxiosInstance` or `: axios.AxiosInstance`.
fn is_axios_instance_type(annotation: tree_sitter::Node, src: &[u8]) -> bool {
    let written: Vec<u8> = src[annotation.byte_range()]
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace() && *b != b':')
        .collect();
    written == b"AxiosInstance" || written == b"axios.AxiosInstance"
}

/// The file's `AxiosInstance` is axios's: not imported from another module, nor declared by
/// the file itself (read where the file writes the name, as for the receiver).
fn axios_instance_type_is_axios(req: &Request, tree: &tree_sitter::Tree) -> bool {
    let src = req.src;
    let Some(written) = name_nodes(req, tree, b"AxiosInstance") else {
        return false;
    };
    written.iter().all(|n| {
        let import = std::iter::successors(n.parent(), |p| p.parent())
            .find(|p| p.kind() == "import_statement");
        if let Some(import) = import {
            return import.child_by_field_name("source").is_some_and(|s| {
                let quoted = &src[s.byte_range()];
                quoted.get(1..quoted.len().saturating_sub(1)) == Some(b"axios".as_slice())
            });
        }
        !n.parent().is_some_and(|d| {
            matches!(
                d.kind(),
                "interface_declaration" | "type_alias_declaration" | "class_declaration"
            ) && d.child_by_field_name("name") == Some(*n)
        })
    })
}

/// `axios.create(…)`: `Some` with where its options object starts when they are written as
/// one (`Some(None)` for `axios.create()` or options from a variable); `None` for any other
/// value.
fn axios_create_options(value: tree_sitter::Node, src: &[u8]) -> Option<Option<usize>> {
    let text = |n: tree_sitter::Node| &src[n.byte_range()];
    let callee = value
        .child_by_field_name("function")
        .filter(|_| value.kind() == "call_expression")?;
    let is_create = callee.kind() == "member_expression"
        && callee
            .child_by_field_name("object")
            .is_some_and(|o| text(o) == b"axios")
        && callee
            .child_by_field_name("property")
            .is_some_and(|p| text(p) == b"create");
    if !is_create {
        return None;
    }
    let first = value.child_by_field_name("arguments")?.named_child(0);
    Some(
        first
            .filter(|a| a.kind() == "object")
            .map(|a| a.start_byte()),
    )
}

/// How many uses of a name are read to tell whether it holds one axios instance.
const INSTANCE_USES_READ: usize = 256;

/// When the instance with options at `options` sends `x-api-key` itself, the request needs
/// only the parameter gone: safely when the header carries the key expression itself,
/// unsafely when it differs only by `this.` (a constructor's parameter property).
fn instance_header(req: &Request, options: usize) -> Option<Result<Placement, String>> {
    let (src, tokens) = (req.src, req.tokens);
    let close = matching_close(src, tokens, options)?;
    if !req.already_sent(tokens[options].start()..tokens[close].end()) {
        return None;
    }
    let value = members(src, tokens, options)
        .into_iter()
        .find(|(k, _)| key_is(src, &tokens[*k], "headers"))
        .filter(|&(_, v)| tokens[v].is_punct(src, "{"))
        .and_then(|(_, h)| {
            members(src, tokens, h)
                .into_iter()
                .find(|(k, _)| key_is(src, &tokens[*k], "x-api-key"))
        })
        .map(|(_, v)| &src[tokens[v].start()..expression_end(src, tokens, v)]);
    let key = req.key.as_code(req.quote());
    let unqualified = |e: &[u8]| e.strip_prefix(b"this.").unwrap_or(e).to_vec();
    Some(match value {
        Some(v) if v == key.as_bytes() => {
            Ok(already("the axios instance already sends `x-api-key`"))
        }
        Some(v) if unqualified(v) == unqualified(key.as_bytes()) => Ok(Placement {
            applicability: Applicability::Unsafe,
            ..already(&format!(
                "the axios instance already sends it as `{}`",
                String::from_utf8_lossy(v)
            ))
        }),
        _ => Err(format!(
            "the axios instance already sends an `x-api-key` header, not written as `{key}`: remove the parameter once they agree"
        )),
    })
}

/// superagent's request methods (`del` is its old name for `delete`).
const SUPERAGENT_METHODS: [&str; 8] = [
    "get", "post", "put", "patch", "delete", "del", "head", "options",
];

/// Whether the name at token `r` is superagent: the module's own name, or a name the file binds
/// to it where the name is first written (`const request = require('superagent')`,
/// `import request from 'superagent'`, `import * as request from 'superagent'`). Only that
/// first occurrence is read, as every request of a file asks.
fn is_superagent(src: &[u8], tokens: &[Token], layout: &Layout, r: usize) -> bool {
    let name = tokens[r].text(src);
    if tokens[r].kind != TokKind::Ident {
        return false;
    }
    if name == b"superagent" {
        return true;
    }
    let Some(first) = layout.uses_after(src, tokens, name, 0).next() else {
        return false;
    };
    let mut k = first;
    let mut next = |want: &[u8]| {
        k = next_significant(tokens, k).filter(|&n| tokens[n].text(src) == want)?;
        Some(k)
    };
    let module = if next(b"=").is_some() {
        next(b"require")
            .and_then(|_| next(b"("))
            .and_then(|_| next_significant(tokens, k))
    } else {
        next_significant(tokens, first)
            .filter(|&f| tokens[f].text(src) == b"from")
            .and_then(|f| next_significant(tokens, f))
    };
    module.is_some_and(|m| {
        tokens[m].kind == TokKind::Str && tokens[m].content_text(src) == b"superagent"
    })
}

/// `superagent.get(url)`: the call starts a chain that sends when it is awaited or ended, so
/// the header is one more link, `.set('x-api-key', key)`, right after the call.
/// `superagent.get(url, callback)` sends at once, before any later link: it becomes the chain
/// that superagent builds from it, `.get(url).set(…).end(callback)`. Unsafe (SPEC: a path
/// through another function): the two are the same only by what superagent's own `get` does
/// with a second argument, which the file does not show, and a name given there may be a
/// query object rather than a callback. More arguments (a body and a callback) stay manual.
fn superagent_header(
    req: &Request,
    callee: &str,
    agent: &[u8],
    args: &[std::ops::Range<usize>],
    close: usize,
) -> Result<Placement, String> {
    let agent = String::from_utf8_lossy(agent);
    if !SUPERAGENT_METHODS.contains(&callee) {
        return Err(format!(
            "`{agent}.{callee}(…)` is not a superagent request method"
        ));
    }
    let q = req.quote();
    let link = format!(".set({q}x-api-key{q}, {})", req.key.as_code(q));
    if args.first().is_none_or(|url| !url.contains(&req.at.start)) {
        return Err("the URL is not the request's first argument".into());
    }
    // `get(url, { … })` adds a query (`post`: a body) and does not send yet.
    let data_literal = |arg: &std::ops::Range<usize>| {
        token_at(req.tokens, arg.start).is_some_and(|open| {
            req.tokens[open].is_punct(req.src, "{")
                && matching_close(req.src, req.tokens, open)
                    .is_some_and(|c| req.tokens[c].end() == arg.end)
        })
    };
    let sends_later = match args {
        [_] => true,
        [_, data] => data_literal(data),
        _ => false,
    };
    if sends_later {
        return Ok(Placement {
            edits: vec![Edit::insert(req.tokens[close].end(), link)],
            applicability: Applicability::Safe,
            sends: None,
            how: "add `.set('x-api-key', …)` to the superagent chain".into(),
        });
    }
    match args {
        [url, callback] if is_callback(req.src, req.tokens, callback) => Ok(Placement {
            edits: vec![Edit::replace(
                url.end..callback.start,
                format!("){link}.end("),
            )],
            applicability: Applicability::Unsafe,
            sends: None,
            how: format!(
                "send it with `.end(…)` after `{link}`, as superagent does with a callback given to `{callee}(…)`"
            ),
        }),
        _ => Err(by_hand(
            &link,
            &format!("the `{agent}.{callee}(…)` chain before it sends"),
            format!(
                "`{agent}.{callee}(…)` may be given a callback besides the URL, which sends it at once"
            ),
        )),
    }
}

/// Whether the argument at `arg` can be a callback: a function written there (`function …`,
/// `async …`, an arrow function) or a name.
fn is_callback(src: &[u8], tokens: &[Token], arg: &std::ops::Range<usize>) -> bool {
    let Some(first) = token_at(tokens, arg.start) else {
        return false;
    };
    let arrow_after =
        |t: usize| next_significant(tokens, t).is_some_and(|a| tokens[a].text(src) == b"=>");
    match (tokens[first].kind, tokens[first].text(src)) {
        (TokKind::Ident, b"function" | b"async") => true,
        (TokKind::Ident, _) => tokens[first].span() == *arg || arrow_after(first),
        (TokKind::Punct, b"(") => matching_close(src, tokens, first).is_some_and(arrow_after),
        _ => false,
    }
}

/// The `request` library: `request(url, cb)`, `request.get(url, cb)` (and post/put/patch/del,
/// whose body then goes in the options too, so only without one).
fn is_request_library(callee: &str, receiver: Option<&str>) -> bool {
    match receiver {
        Some("request") => matches!(callee, "get" | "del" | "head"),
        None => callee == "request",
        _ => false,
    }
}

/// The object holding token `i` as a shorthand URL member (`{ url, headers }`).
fn shorthand_url(src: &[u8], tokens: &[Token], i: usize) -> Option<usize> {
    // The name first: a URL's literal is none, and the walks back to the bracket around it
    // and on to its close would cross a whole function of statements once per request.
    let name = String::from_utf8_lossy(tokens[i].text(src)).to_ascii_lowercase();
    if tokens[i].kind != TokKind::Ident || !URL_KEYS.contains(&name.as_str()) {
        return None;
    }
    let open = enclosing_open(src, tokens, i).filter(|&o| tokens[o].is_punct(src, "{"))?;
    let close = matching_close(src, tokens, open)?;
    let alone = prev_significant(tokens, i)
        .is_some_and(|p| p == open || tokens[p].is_punct(src, ","))
        && next_significant(tokens, i).is_some_and(|n| n == close || tokens[n].is_punct(src, ","));
    alone.then_some(open)
}

/// `fetch(url, options)` with `const options = { … };` written before it in the block: the
/// header joins that object. Safe when the object is read only by this request.
fn options_variable(
    req: &Request,
    t: usize,
    arg: &std::ops::Range<usize>,
    entry: &str,
) -> Result<Placement, String> {
    let (src, tokens) = (req.src, req.tokens);
    let not_here = || {
        "the request options are a variable not built in this block; add the header there"
            .to_string()
    };
    if tokens[t].kind != TokKind::Ident || tokens[t].span() != *arg {
        return Err(not_here());
    }
    let name = tokens[t].text(src);
    let block = req
        .openers()
        .of(logical_statement(req, t).0)
        .filter(|&o| tokens[o].is_punct(src, "{"));
    if block.is_some_and(|b| is_parameter(src, tokens, b, name)) {
        return Err(format!(
            "the request options are `{}`, a parameter of this function: add the header where its callers build them",
            String::from_utf8_lossy(name)
        ));
    }
    let (_, inside) = block
        .and_then(|b| top_level(src, tokens, b))
        .ok_or_else(not_here)?;
    let object = inside
        .iter()
        .copied()
        .take_while(|&j| j < t)
        .filter(|&j| tokens[j].text(src) == name)
        .filter(|&j| {
            prev_significant(tokens, j)
                .is_some_and(|p| matches!(tokens[p].text(src), b"const" | b"let" | b"var"))
        })
        .filter_map(|j| {
            // `name = {`, or with a type annotation: `name: RequestInit = {`.
            let mut eq = next_significant(tokens, j)?;
            if tokens[eq].is_punct(src, ":") {
                eq = (eq..tokens.len().min(eq + 12))
                    .take_while(|&k| !matches!(tokens[k].text(src), b";" | b"{" | b"(" | b"\n"))
                    .find(|&k| tokens[k].is_punct(src, "="))?;
            }
            let eq = Some(eq).filter(|&q| tokens[q].is_punct(src, "="))?;
            next_significant(tokens, eq).filter(|&o| tokens[o].is_punct(src, "{"))
        })
        .last()
        .ok_or_else(not_here)?;
    let var = (block.unwrap_or(0)..object)
        .rev()
        .find(|&j| tokens[j].text(src) == name)
        .ok_or_else(not_here)?;
    let shown = String::from_utf8_lossy(name);
    let mut placement = match headers_set_later(req, name, object, t, &inside)? {
        // `options.headers = { … };` replaces the headers built above: the key joins it.
        Some(headers) => {
            let close = matching_close(src, tokens, headers).ok_or("unbalanced headers")?;
            if req.already_sent(tokens[headers].start()..tokens[close].end()) {
                return Ok(already(
                    "the request already sends `x-api-key` in its options",
                ));
            }
            Placement {
                edits: vec![insert_first(src, tokens, headers, entry)],
                applicability: Applicability::Safe,
                sends: None,
                how: format!("add `x-api-key` to the headers set on `{shown}`"),
            }
        }
        None => {
            let close = matching_close(src, tokens, object).ok_or("unbalanced options")?;
            if req.already_sent(tokens[object].start()..tokens[close].end()) {
                return Ok(already(
                    "the request already sends `x-api-key` in its options",
                ));
            }
            let mut placement = add_to_options(src, tokens, object, entry)?;
            placement.how = format!("add `x-api-key` to the headers of `{shown}`");
            placement
        }
    };
    if uses(req, var) != 2 {
        placement.applicability = Applicability::Unsafe;
    }
    Ok(placement)
}

/// Whether `name` is a parameter of the function whose body opens at token `body` (`{`):
/// `(a, name: T) {`, `(…): R {`, `(…) => {`.
fn is_parameter(src: &[u8], tokens: &[Token], body: usize, name: &[u8]) -> bool {
    // Back over `=>` and a return type annotation to the parameter list's `)`.
    let mut k = body;
    let close = (0..12).find_map(|_| {
        k = prev_significant(tokens, k)?;
        match tokens[k].text(src) {
            b")" => Some(Some(k)),
            b";" | b"{" | b"}" | b"(" => Some(None),
            _ => None,
        }
    });
    let Some(open) = close.flatten().and_then(|c| matching_open(src, tokens, c)) else {
        return false;
    };
    top_level(src, tokens, open).is_some_and(|(_, inside)| {
        inside.into_iter().any(|j| {
            tokens[j].kind == TokKind::Ident
                && tokens[j].text(src) == name
                && prev_significant(tokens, j)
                    .is_some_and(|p| p == open || matches!(tokens[p].text(src), b"," | b"..."))
        })
    })
}

/// Between the options object `name` is declared with (token `object`) and its use by the
/// request at token `send`: the headers object literal (`{`) of the last
/// `name.headers = { … };`, a statement of its own in the block whose top-level tokens are
/// `block`. `None` when no statement sets `name.headers`; `Err` when `name` or its headers are
/// assigned some other way (another value, inside an `if`): which headers are sent is not
/// known.
fn headers_set_later(
    req: &Request,
    name: &[u8],
    object: usize,
    send: usize,
    block: &[usize],
) -> Result<Option<usize>, String> {
    let (src, tokens) = (req.src, req.tokens);
    let shown = String::from_utf8_lossy(name);
    let assigns = |k: usize| {
        next_significant(tokens, k)
            .filter(|&q| tokens[q].is_punct(src, "="))
            .filter(|&q| next_significant(tokens, q).is_none_or(|e| !tokens[e].is_punct(src, "=")))
    };
    let mut literal = None;
    for j in object + 1..send {
        if tokens[j].kind != TokKind::Ident
            || tokens[j].text(src) != name
            || prev_significant(tokens, j).is_some_and(|p| tokens[p].is_punct(src, "."))
        {
            continue;
        }
        if assigns(j).is_some() {
            return Err(format!(
                "`{shown}` is assigned again before the request; add the header to the options it sends"
            ));
        }
        let Some(member) = next_significant(tokens, j)
            .filter(|&d| tokens[d].is_punct(src, "."))
            .and_then(|d| next_significant(tokens, d))
            .filter(|&m| tokens[m].text(src) == b"headers")
        else {
            continue;
        };
        // Reading or extending the headers (`options.headers.Accept = …`) keeps the object.
        let Some(eq) = assigns(member) else {
            continue;
        };
        let statement_start = prev_significant(tokens, j)
            .is_none_or(|p| matches!(tokens[p].text(src), b";" | b"{" | b"}"));
        let value = next_significant(tokens, eq).filter(|&o| tokens[o].is_punct(src, "{"));
        match value {
            Some(open) if statement_start && block.binary_search(&j).is_ok() => {
                literal = Some(open);
            }
            Some(_) => {
                return Err(format!(
                    "`{shown}.headers` is replaced by a nested statement before the request, so which headers are sent depends on the path; add the header to each object it may hold"
                ));
            }
            None => {
                return Err(format!(
                    "`{shown}.headers` is set again before the request to a value built elsewhere; add the header to that value"
                ));
            }
        }
    }
    Ok(literal)
}

/// The first token of the expression (a concatenation) that token `i` belongs to.
fn expression_start(src: &[u8], tokens: &[Token], i: usize) -> usize {
    let mut s = i;
    while let Some(op) = prev_significant(tokens, s)
        .filter(|&p| tokens[p].kind == TokKind::Punct && matches!(tokens[p].text(src), b"+" | b"."))
    {
        match prev_significant(tokens, op).filter(|&q| {
            matches!(
                tokens[q].kind,
                TokKind::Str | TokKind::Ident | TokKind::Number
            )
        }) {
            Some(q) => s = q,
            None => break,
        }
    }
    s
}

/// Adds `entry` to the `headers` member of the options object at `open`, creating it.
fn add_to_options(
    src: &[u8],
    tokens: &[Token],
    open: usize,
    entry: &str,
) -> Result<Placement, String> {
    let headers = members(src, tokens, open)
        .into_iter()
        .find(|(k, _)| key_is(src, &tokens[*k], "headers"));
    let loose = loose_members(src, tokens, open);
    if loose.spread {
        // `{ ...defaults, … }` may carry headers of its own: which one wins depends on order.
        return Err(
            "the options spread another object that may set headers; add `x-api-key` there".into(),
        );
    }
    let edit = match (headers, loose.shorthand_headers) {
        (Some((_, v)), _) if tokens[v].is_punct(src, "{") => insert_first(src, tokens, v, entry),
        // A computed value (`headers: base`, `headers: build()`): spread it into a new object.
        (Some((_, v)), _) => {
            let end = expression_end(src, tokens, v);
            let expr = String::from_utf8_lossy(&src[tokens[v].start()..end]).into_owned();
            Edit::replace(tokens[v].start()..end, format!("{{ ...{expr}, {entry} }}"))
        }
        // `{ headers }`: the variable keeps its headers, the key joins them.
        (None, Some(h)) => Edit::replace(
            tokens[h].span(),
            format!("headers: {{ ...headers, {entry} }}"),
        ),
        (None, None) => insert_first(src, tokens, open, &format!("headers: {{ {entry} }}")),
    };
    Ok(Placement {
        edits: vec![edit],
        applicability: Applicability::Safe,
        sends: None,
        how: "add `x-api-key` to the request's headers".into(),
    })
}

/// What an object literal holds besides `key: value` pairs.
struct LooseMembers {
    /// The token of a shorthand `headers` member (`{ headers }`).
    shorthand_headers: Option<usize>,
    /// A `...spread` member.
    spread: bool,
}

fn loose_members(src: &[u8], tokens: &[Token], open: usize) -> LooseMembers {
    let mut found = LooseMembers {
        shorthand_headers: None,
        spread: false,
    };
    let Some((close, inside)) = top_level(src, tokens, open) else {
        return found;
    };
    for j in inside {
        let t = &tokens[j];
        // `...` lexes as `..` and `.` in some families.
        if t.kind == TokKind::Punct && src[t.start()..].starts_with(b"...") {
            found.spread = true;
        }
        let member_start =
            prev_significant(tokens, j).is_some_and(|p| p == open || tokens[p].is_punct(src, ","));
        let member_end =
            next_significant(tokens, j).is_some_and(|n| n == close || tokens[n].is_punct(src, ","));
        if member_start && member_end && t.kind == TokKind::Ident && key_is(src, t, "headers") {
            found.shorthand_headers = Some(j);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fix, manual, safe};

    #[test]
    fn a_url_a_private_function_builds_in_a_local_moves_its_key_to_its_callers() {
        let src = "function statusUrl(id, key) {\n  const url = `https://api.au.whispir.com/m/${id}?apikey=${key}`;\n  return url;\n}\nasync function a(id, k) {\n  return fetch(statusUrl(id, k));\n}\n";
        let (out, applicability) = fix("a.js", src).unwrap();
        assert_eq!(applicability, crate::diagnostic::Applicability::Unsafe);
        assert!(
            out.contains("const url = `https://api.au.whispir.com/m/${id}`;")
                && out.contains("fetch(statusUrl(id, k), { headers: { 'x-api-key': k } })"),
            "{out}"
        );
        // TypeScript: a typed local in a private method.
        let src = "class C {\n  private url(): string {\n    const u: string = `https://api.au.whispir.com/m?apikey=${this.key}`;\n    return u;\n  }\n  a() {\n    return fetch(this.url());\n  }\n}\n";
        assert!(
            fix("a.ts", src)
                .unwrap()
                .0
                .contains("fetch(this.url(), { headers: { 'x-api-key': this.key } })")
        );
        // A `let` assigned again before the return is not the URL built.
        let again = "function u(k) {\n  let url = `https://api.au.whispir.com/m?apikey=${k}`;\n  url = url + '&x=1';\n  return url;\n}\nfunction a(k) {\n  return fetch(u(k));\n}\n";
        assert!(!manual("a.js", again).contains("in the request sending"));
    }

    #[test]
    fn a_url_a_private_function_returns_moves_its_key_to_every_request_its_callers_send() {
        let src = "const API = 'https://api.au.whispir.com';\nfunction statusUrl(id, key) {\n  return `${API}/messages/${id}?apikey=${key}`;\n}\nasync function a(id, apiKey) {\n  return fetch(statusUrl(id, apiKey));\n}\nasync function b(id, k) {\n  const url = statusUrl(id, k);\n  return axios.get(url, { timeout: 5 });\n}\n";
        let (out, applicability) = fix("a.js", src).unwrap();
        assert_eq!(applicability, crate::diagnostic::Applicability::Unsafe);
        assert!(
            out.contains("return `${API}/messages/${id}`;")
                && out
                    .contains("fetch(statusUrl(id, apiKey), { headers: { 'x-api-key': apiKey } })")
                && out.contains("axios.get(url, { headers: { 'x-api-key': k }, timeout: 5 })"),
            "{out}"
        );
        // TypeScript's private and `#` methods, with a field key.
        let src = "class C {\n  private url(): string {\n    return `https://api.au.whispir.com/m?apikey=${this.key}`;\n  }\n  a() {\n    return fetch(this.url());\n  }\n}\n";
        assert!(
            fix("a.ts", src)
                .unwrap()
                .0
                .contains("fetch(this.url(), { headers: { 'x-api-key': this.key } })")
        );
        // An arrow function held in a `const`: the caller's argument, not the parameter's name.
        let src = "const u = key => `https://api.au.whispir.com/m?apikey=${key}`;\nfunction a(k) {\n  return fetch(u(k));\n}\n";
        assert_eq!(
            fix("a.js", src).unwrap().0,
            "const u = key => 'https://api.au.whispir.com/m';\nfunction a(k) {\n  return fetch(u(k), { headers: { 'x-api-key': k } });\n}\n"
        );
        for (src, why) in [
            (
                "let u = key => `https://api.au.whispir.com/m?apikey=${key}`;\nfunction a(k) {\n  return fetch(u(k));\n}\n",
                "is held in a `let` or `var`",
            ),
            (
                "export function u(k) {\n  return `https://api.au.whispir.com/m?apikey=${k}`;\n}\nfunction a(k) {\n  return fetch(u(k));\n}\n",
                "is exported",
            ),
            (
                "function u(k) {\n  return `https://api.au.whispir.com/m?apikey=${k}`;\n}\nfunction a(k) {\n  return fetch(u(k));\n}\nmodule.exports = { u, a };\n",
                "which is exported",
            ),
            (
                "class C {\n  url() {\n    return `https://api.au.whispir.com/m?apikey=${this.key}`;\n  }\n  a() {\n    return fetch(this.url());\n  }\n}\n",
                "public method",
            ),
            (
                "function u(k) {\n  return `https://api.au.whispir.com/m?apikey=${k}`;\n}\nfunction a(k) {\n  return { href: u(k) };\n}\n",
                "does not pass it straight to a request",
            ),
        ] {
            let reason = manual("a.ts", src);
            assert!(reason.contains(why), "{why}: {reason}");
        }
    }
    use crate::diagnostic::Applicability;

    #[test]
    fn a_request_on_an_axios_instance_that_sends_the_key_only_loses_the_parameter() {
        let instance = "const api = axios.create({\n  baseURL: 'https://api.au.whispir.com',\n  headers: { 'x-api-key': KEY },\n});\n";
        assert_eq!(
            safe(
                "a.js",
                &format!(
                    "{instance}function f(id) {{\n  return api.get('/m/' + id + '?apikey=' + KEY);\n}}\n"
                )
            ),
            format!("{instance}function f(id) {{\n  return api.get('/m/' + id);\n}}\n")
        );
        // A query builder in the call's options: the entry goes, no second header comes.
        assert_eq!(
            safe(
                "a.js",
                &format!(
                    "{instance}function f() {{\n  return api.get('/m', {{ params: {{ n: 1, apikey: KEY }} }});\n}}\n"
                )
            ),
            format!(
                "{instance}function f() {{\n  return api.get('/m', {{ params: {{ n: 1 }} }});\n}}\n"
            )
        );
        // The header reads the constructor's parameter, the request the field it became.
        let class = "class C {\n  constructor(private readonly config: Config) {\n    this.http = axios.create({ headers: { 'x-api-key': config.apiKey } });\n  }\n  get() {\n    return this.http.get(`https://api.au.whispir.com/m?apikey=${this.config.apiKey}`);\n  }\n}\n";
        let (out, applicability) = fix("a.ts", class).expect("a fix");
        assert_eq!(applicability, Applicability::Unsafe);
        assert!(
            out.contains("this.http.get('https://api.au.whispir.com/m')"),
            "{out}"
        );
        // Another key in the instance's header: which one the gateway should see is unknown.
        assert!(
            manual(
                "a.js",
                &format!("{instance}function f() {{\n  return api.get('https://api.au.whispir.com/m?apikey=' + OTHER);\n}}\n")
            )
            .contains("not written as `OTHER`")
        );
    }

    #[test]
    fn a_request_on_an_axios_instance_without_the_header_gets_it_like_axios() {
        let src = "const api = axios.create({ baseURL: 'https://api.au.whispir.com' });\nfunction f(k) {\n  return api.post('/m?apikey=' + k, body);\n}\n";
        assert_eq!(
            safe("a.js", src),
            "const api = axios.create({ baseURL: 'https://api.au.whispir.com' });\nfunction f(k) {\n  return api.post('/m', body, { headers: { 'x-api-key': k } });\n}\n"
        );
        // The name is assigned twice: which instance sends is unknown.
        let twice = src.replace("function f", "api = makeClient();\nfunction f");
        assert!(manual("a.js", &twice).contains("`post(…)` on something other than axios"));
    }

    #[test]
    fn a_client_declared_as_an_axios_instance_takes_axios_config() {
        // A typed parameter: the config is `post`'s third argument, `get`'s second.
        let param = "import { AxiosInstance } from 'axios';\nasync function f(client: AxiosInstance, body: object) {\n  return client.post(`https://api.au.whispir.com/m?apikey=${process.env.K}`, body);\n}\n";
        assert_eq!(
            safe("a.ts", param),
            param.replace(
                "`https://api.au.whispir.com/m?apikey=${process.env.K}`, body)",
                "'https://api.au.whispir.com/m', body, { headers: { 'x-api-key': process.env.K } })"
            )
        );
        let namespaced = "function f(client: axios.AxiosInstance, k: string) {\n  return client.get('https://api.au.whispir.com/m?apikey=' + k, { timeout: 5 });\n}\n";
        assert_eq!(
            safe("a.ts", namespaced),
            "function f(client: axios.AxiosInstance, k: string) {\n  return client.get('https://api.au.whispir.com/m', { headers: { 'x-api-key': k }, timeout: 5 });\n}\n"
        );
        // A typed local, and a local assigned `axios.create(…)` (in JavaScript too).
        let local = "function f(k) {\n  const client = axios.create();\n  return client.delete('https://api.au.whispir.com/m/1?apikey=' + k);\n}\n";
        assert_eq!(
            safe("a.js", local),
            local.replace("1?apikey=' + k)", "1', { headers: { 'x-api-key': k } })")
        );
        let typed_local = "function f(k: string) {\n  const client: AxiosInstance = makeClient();\n  return client.delete('https://api.au.whispir.com/m/1?apikey=' + k);\n}\n";
        assert!(safe("a.ts", typed_local).contains("{ headers: { 'x-api-key': k } }"));
        // A field: declared with its type, or a constructor's parameter property.
        for class in [
            "class C {\n  private http: AxiosInstance;\n  constructor(private key: string) { this.http = make(); }\n  send(b: object) {\n    return this.http.put(`https://api.au.whispir.com/m?apikey=${this.key}`, b);\n  }\n}\n",
            "class C {\n  constructor(private readonly http: AxiosInstance, private key: string) {}\n  send(b: object) {\n    return this.http.put(`https://api.au.whispir.com/m?apikey=${this.key}`, b);\n  }\n}\n",
            "class C {\n  constructor(readonly http: AxiosInstance, readonly key: string) {}\n  send(b: object) {\n    return this.http.put(`https://api.au.whispir.com/m?apikey=${this.key}`, b);\n  }\n}\n",
        ] {
            assert!(
                safe("a.ts", class).contains(
                    "this.http.put('https://api.au.whispir.com/m', b, { headers: { 'x-api-key': this.key } })"
                ),
                "{class}"
            );
        }
    }

    #[test]
    fn a_client_not_proved_an_axios_instance_stays_manual() {
        let not_axios = "`post(…)` on something other than axios";
        // Untyped JavaScript.
        let untyped = "async function f(client, body) {\n  return client.post(`https://api.au.whispir.com/m?apikey=${process.env.K}`, body);\n}\n";
        assert!(manual("a.js", untyped).contains(not_axios));
        // The typed parameter is shadowed by a local of the same name.
        let shadowed = "function f(client: AxiosInstance, k: string) {\n  {\n    const client = other();\n    return client.post('https://api.au.whispir.com/m?apikey=' + k, {});\n  }\n}\n";
        assert!(manual("a.ts", shadowed).contains(not_axios));
        // An `AxiosInstance` of the project's own, not axios's.
        let own = "import { AxiosInstance } from './http';\nfunction f(client: AxiosInstance, k: string) {\n  return client.post('https://api.au.whispir.com/m?apikey=' + k, {});\n}\n";
        assert!(manual("a.ts", own).contains(not_axios));
        // `let` reassigned after `axios.create()`: what it holds at the call is unknown.
        let reassigned = "function f(k) {\n  let client = axios.create();\n  client = other;\n  return client.post('https://api.au.whispir.com/m?apikey=' + k, {});\n}\n";
        assert!(manual("a.js", reassigned).contains(not_axios));
        // A field the class does not declare with the type.
        let untyped_field = "class C {\n  constructor(private http: Client, private key: string) {}\n  send() {\n    return this.http.post(`https://api.au.whispir.com/m?apikey=${this.key}`, {});\n  }\n}\n";
        assert!(manual("a.ts", untyped_field).contains(not_axios));
        // Another object's member.
        let member = "function f(o: { client: AxiosInstance }, k: string) {\n  return o.client.post('https://api.au.whispir.com/m?apikey=' + k, {});\n}\n";
        assert!(manual("a.ts", member).contains(not_axios));
    }

    #[test]
    fn a_local_axios_instance_that_sends_the_key_only_loses_the_parameter() {
        let src = "function f(k) {\n  const client = axios.create({ headers: { 'x-api-key': k } });\n  return client.post('https://api.au.whispir.com/m?apikey=' + k, {});\n}\n";
        assert_eq!(safe("a.js", src), src.replace("m?apikey=' + k", "m'"));
    }

    #[test]
    fn request_library_url_becomes_an_options_object() {
        assert_eq!(
            safe(
                "a.js",
                "function f(k, cb) {\n  request.get('https://api.au.whispir.com/m?apikey=' + k, cb);\n}\n"
            ),
            "function f(k, cb) {\n  request.get({ url: 'https://api.au.whispir.com/m', headers: { 'x-api-key': k } }, cb);\n}\n"
        );
        // A shorthand `url` member holding the URL's variable.
        assert_eq!(
            safe(
                "a.js",
                "function f(k, cb) {\n  const url = 'https://api.au.whispir.com/m?apikey=' + k;\n  request({ url, json: true }, cb);\n}\n"
            ),
            "function f(k, cb) {\n  const url = 'https://api.au.whispir.com/m';\n  request({ headers: { 'x-api-key': k }, url, json: true }, cb);\n}\n"
        );
        // `request.post(url, body, cb)`-like calls with more arguments are not rewritten.
        manual(
            "a.js",
            "function f(k, cb) {\n  request.get('https://api.au.whispir.com/m?apikey=' + k, opts, cb);\n}\n",
        );
    }

    #[test]
    fn a_url_search_params_query_moves_its_key_to_the_call_that_sends_it() {
        assert_eq!(
            safe(
                "a.js",
                "async function f(k) {\n  const q = new URLSearchParams({ apikey: k, n: '1' });\n  return fetch(`https://api.au.whispir.com/m?${q}`, { method: 'GET' });\n}\n"
            ),
            "async function f(k) {\n  const q = new URLSearchParams({ n: '1' });\n  return fetch(`https://api.au.whispir.com/m?${q}`, { headers: { 'x-api-key': k }, method: 'GET' });\n}\n"
        );
        // Concatenated, with no options yet.
        assert_eq!(
            safe(
                "a.ts",
                "async function f(k: string) {\n  const q = new URLSearchParams({ n: '1', apikey: k });\n  return fetch('https://api.au.whispir.com/m?' + q);\n}\n"
            ),
            "async function f(k: string) {\n  const q = new URLSearchParams({ n: '1' });\n  return fetch('https://api.au.whispir.com/m?' + q, { headers: { 'x-api-key': k } });\n}\n"
        );
        // Only the key in it: the query goes whole, its `?` too, and the template that then
        // interpolates nothing takes quotes.
        let only_key = "async function f(k) {\n  const q = new URLSearchParams({ apikey: k });\n  return fetch(`https://api.au.whispir.com/m?${q}`);\n}\n";
        assert_eq!(
            safe("a.js", only_key),
            "async function f(k) {\n  return fetch('https://api.au.whispir.com/m', { headers: { 'x-api-key': k } });\n}\n"
        );
        // Unless the URL goes on after it, or something else reads it.
        manual("a.js", &only_key.replace("?${q}`", "?${q}#top`"));
        manual("a.js", &only_key.replace("  return", "  log(q);\n  return"));
        // Another constructor argument shape (a string, two arguments) is not followed.
        manual(
            "a.js",
            "async function f(k) {\n  const q = new URLSearchParams({ apikey: k, n: '1' }, x);\n  return fetch(`https://api.au.whispir.com/m?${q}`);\n}\n",
        );
    }

    #[test]
    fn a_search_params_statement_goes_with_the_header_of_the_call_that_sends_the_url() {
        assert_eq!(
            safe(
                "a.js",
                "async function f(k) {\n  const u = new URL('https://api.au.whispir.com/m');\n  u.searchParams.set('apikey', k); // the key\n  u.searchParams.append('n', '1');\n  return fetch(u, { method: 'GET' });\n}\n"
            ),
            "async function f(k) {\n  const u = new URL('https://api.au.whispir.com/m');\n  u.searchParams.append('n', '1');\n  return fetch(u, { headers: { 'x-api-key': k }, method: 'GET' });\n}\n"
        );
        // Declared outside the function: not followed.
        manual(
            "a.js",
            "const u = new URL('https://api.au.whispir.com/m');\nasync function f(k) {\n  u.searchParams.set('apikey', k);\n  return fetch(u);\n}\n",
        );
        // Also read in a template otherwise than whole: which request sends the key is
        // not known.
        manual(
            "a.js",
            "async function f(k) {\n  const u = new URL('https://api.au.whispir.com/m');\n  u.searchParams.set('apikey', k);\n  log(`${u.href}`);\n  return fetch(u);\n}\n",
        );
        // Reassigned before the send: not followed.
        manual(
            "a.js",
            "async function f(k) {\n  let u = new URL('https://api.au.whispir.com/m');\n  u.searchParams.set('apikey', k);\n  u = other;\n  return fetch(u);\n}\n",
        );
    }

    #[test]
    fn a_statement_on_an_alias_of_a_url_query_goes_with_the_header_of_the_call_that_sends_the_url()
    {
        let aliased = "async function f(k) {\n  const u = new URL('https://api.au.whispir.com/m');\n  const q = u.searchParams;\n  q.set('apikey', k);\n  return fetch(u);\n}\n";
        // The alias was there only for the key: it goes too.
        assert_eq!(
            safe("a.js", aliased),
            "async function f(k) {\n  const u = new URL('https://api.au.whispir.com/m');\n  return fetch(u, { headers: { 'x-api-key': k } });\n}\n"
        );
        // A template that only says its name in its text does not read it.
        assert_eq!(
            safe(
                "a.js",
                &aliased.replace("  return", "  log(`q set`);\n  return")
            ),
            "async function f(k) {\n  const u = new URL('https://api.au.whispir.com/m');\n  log(`q set`);\n  return fetch(u, { headers: { 'x-api-key': k } });\n}\n"
        );
        // Still building the query: the alias stays.
        assert_eq!(
            safe(
                "a.ts",
                &aliased.replace("  return", "  q.append('n', '1');\n  return")
            ),
            "async function f(k) {\n  const u = new URL('https://api.au.whispir.com/m');\n  const q = u.searchParams;\n  q.append('n', '1');\n  return fetch(u, { headers: { 'x-api-key': k } });\n}\n"
        );
        let by_hand = "the parameter is added by a statement of its own: delete `q.set('apikey', k)` and add the header to the call that sends `u`";
        // The alias read by something else, the URL read before the key is set, or the key
        // set only on one path: which request sends it is not proved.
        for (what, changed) in [
            (
                "alias logged",
                aliased.replace("  return", "  log(q);\n  return"),
            ),
            (
                "alias in a template",
                aliased.replace("fetch(u)", "fetch(`${u}&${q}`)"),
            ),
            (
                "alias in a call in a template",
                aliased.replace("fetch(u)", "fetch(`${u}&${String(q)}`)"),
            ),
            (
                "sent before",
                aliased.replace("  q.set", "  await fetch(u);\n  q.set"),
            ),
            (
                "conditional",
                aliased.replace("  q.set('apikey', k);", "  if (k) { q.set('apikey', k); }"),
            ),
        ] {
            assert_eq!(manual("a.js", &changed), by_hand, "{what}");
        }
        // An alias of something other than the URL's own query is not followed.
        assert_eq!(
            manual(
                "a.js",
                &aliased.replace("u.searchParams;", "u.searchParams.get('x');")
            ),
            "the parameter is added by a statement of its own; remove it with the header in place"
        );
    }

    #[test]
    fn a_query_encoded_in_a_template_literal_field_loses_the_key_and_its_request_gains_the_header()
    {
        let field = |query: &str| {
            format!(
                "async function f(k, id) {{\n  return fetch(`https://api.au.whispir.com/m/${{id}}?${{new URLSearchParams({query})}}`);\n}}\n"
            )
        };
        let sent = |query: &str| {
            format!(
                "async function f(k, id) {{\n  return fetch(`https://api.au.whispir.com/m/${{id}}?${{new URLSearchParams({query})}}`, {{ headers: {{ 'x-api-key': k }} }});\n}}\n"
            )
        };
        // The key's entry goes, first or last, with the comma that separated it.
        assert_eq!(
            safe("a.js", &field("{ apikey: k, n: '1' }")),
            sent("{ n: '1' }")
        );
        assert_eq!(
            safe("a.ts", &field("{ n: '1', apikey: k }")),
            sent("{ n: '1' }")
        );
        // The key alone: the field goes with its `?`, and a template left with nothing to
        // interpolate takes quotes.
        assert_eq!(
            safe(
                "a.js",
                "async function f(apikey) {\n  return fetch(`https://api.au.whispir.com/m?${new URLSearchParams({ apikey })}`);\n}\n"
            ),
            "async function f(apikey) {\n  return fetch('https://api.au.whispir.com/m', { headers: { 'x-api-key': apikey } });\n}\n"
        );
        // Before other parameters: the `&` that joined them goes instead.
        assert_eq!(
            safe(
                "a.js",
                "async function f(k) {\n  const url = `https://api.au.whispir.com/m?${new URLSearchParams({ apikey: k })}&n=1`;\n  return fetch(url);\n}\n"
            ),
            "async function f(k) {\n  const url = 'https://api.au.whispir.com/m?n=1';\n  return fetch(url, { headers: { 'x-api-key': k } });\n}\n"
        );
        // A field that is more than the encoder call, or an encoder given more than the map,
        // or a query the URL goes on after: by hand.
        for query in [
            "new URLSearchParams({ apikey: k }).toString()",
            "new URLSearchParams({ apikey: k }, extra)",
        ] {
            let src = format!(
                "async function f(k) {{\n  return fetch(`https://api.au.whispir.com/m?${{{query}}}`);\n}}\n"
            );
            assert_eq!(
                manual("a.js", &src),
                "the query is built inside a string's replacement field"
            );
        }
        assert_eq!(
            manual("a.js", &field("{ apikey: k }").replace("}`);", "}#top`);")),
            "the query is built inside a string's replacement field"
        );
    }

    #[test]
    fn a_key_added_by_a_helper_moves_to_the_request_of_its_one_caller_unsafely() {
        let helper = "function withKey(q: URLSearchParams, k: string): URLSearchParams {\n  q.set('apikey', k);\n  return q;\n}\n";
        let caller = "async function f(key: string) {\n  const q = withKey(new URLSearchParams({ n: '1' }), key);\n  return fetch(`https://api.au.whispir.com/m?${q}`);\n}\n";
        let (out, applicability) = fix("a.ts", &format!("{helper}{caller}")).expect("a fix");
        // A path through another function: unsafe, whatever else holds (SPEC).
        assert_eq!(applicability, Applicability::Unsafe);
        assert_eq!(
            out,
            "function withKey(q: URLSearchParams, k: string): URLSearchParams {\n  return q;\n}\nasync function f(key: string) {\n  const q = withKey(new URLSearchParams({ n: '1' }), key);\n  return fetch(`https://api.au.whispir.com/m?${q}`, { headers: { 'x-api-key': key } });\n}\n"
        );
        let by_hand =
            "the parameter is added by a statement of its own; remove it with the header in place";
        for (what, src) in [
            ("exported", format!("export {helper}{caller}")),
            (
                "called twice",
                format!(
                    "{helper}{caller}{}",
                    caller.replace("async function f", "async function g")
                ),
            ),
            (
                "the helper reads it",
                format!(
                    "{}{caller}",
                    helper.replace("  return q;", "  log(q);\n  return q;")
                ),
            ),
            (
                "the caller reads it twice",
                format!(
                    "{helper}{}",
                    caller.replace("  return", "  log(q);\n  return")
                ),
            ),
            (
                "called again in a template",
                format!("{helper}{caller}log(`${{withKey(new URLSearchParams(), KEY)}}`);\n"),
            ),
            (
                "emptied",
                format!("{helper}{}", caller.replace("({ n: '1' })", "()")),
            ),
            (
                "the key is no parameter",
                format!(
                    "{}{caller}",
                    helper.replace("q.set('apikey', k)", "q.set('apikey', KEY)")
                ),
            ),
        ] {
            assert_eq!(manual("a.ts", &src), by_hand, "{what}");
        }
    }

    #[test]
    fn a_query_object_held_in_a_constant_names_it() {
        let held = "// Whispir\nconst WHISPIR_QUERY = { apikey: process.env.WHISPIR_API_KEY };\nmodule.exports = { WHISPIR_QUERY };\n";
        assert_eq!(
            manual("a.js", held),
            "the query object is held in `WHISPIR_QUERY`, not written as a request's `params` option; add the header where the requests that read it are made"
        );
    }

    #[test]
    fn search_params_builders_say_what_to_change() {
        // Read twice: which read sends the request is not known.
        let built = "// Whispir\nasync function f(k) {\n  const q = new URLSearchParams({ apikey: k, n: '1' });\n  log(q);\n  return fetch(`https://api.au.whispir.com/m?${q}`);\n}\n";
        assert!(
            manual("a.js", built).starts_with("the entry is in `new URLSearchParams({…})`"),
            "{}",
            manual("a.js", built)
        );
        // Read twice, or set on a line with other code: manual.
        let set = "// Whispir\nasync function f(k) {\n  const u = new URL('https://api.au.whispir.com/m');\n  u.searchParams.set('apikey', k);\n  log(u);\n  return fetch(u);\n}\n";
        assert_eq!(
            manual("a.js", &set.replace(";\n  log(u)", "; log(u)")),
            "the parameter is added by a statement of its own: delete `u.searchParams.set('apikey', k)` and add the header to the call that sends `u`"
        );
        // Read by a log line too: the one request gets the header, unsafely (the other read
        // sees the URL without its key).
        let (out, applicability) = fix("a.js", set).expect("a fix");
        assert_eq!(applicability, Applicability::Unsafe);
        assert_eq!(
            out,
            "// Whispir\nasync function f(k) {\n  const u = new URL('https://api.au.whispir.com/m');\n  log(u);\n  return fetch(u, { headers: { 'x-api-key': k } });\n}\n"
        );
        // Two requests read it (a retry): each gets the header, in one unsafe fix (SPEC: a
        // value used by several requests).
        let (out, applicability) =
            fix("a.js", &set.replace("log(u)", "await fetch(u)")).expect("a fix");
        assert_eq!(applicability, Applicability::Unsafe);
        assert_eq!(
            out,
            "// Whispir\nasync function f(k) {\n  const u = new URL('https://api.au.whispir.com/m');\n  await fetch(u, { headers: { 'x-api-key': k } });\n  return fetch(u, { headers: { 'x-api-key': k } });\n}\n"
        );
        // Two requests and a log line: which request needs the key is not known.
        assert!(
            manual(
                "a.js",
                &set.replace("log(u);", "log(u);\n  await fetch(u);")
            )
            .ends_with("; 2 requests send it (lines 6, 7), and each needs the header")
        );
    }

    #[test]
    fn a_url_search_params_local_loses_its_key_statement_to_the_request() {
        let src = "async function f(k) {\n  const params = new URLSearchParams();\n  params.append('apikey', k); // the key\n  params.append('n', '1');\n  return fetch(`https://api.au.whispir.com/m?${params}`);\n}\n";
        assert_eq!(
            safe("a.js", src),
            "async function f(k) {\n  const params = new URLSearchParams();\n  params.append('n', '1');\n  return fetch(`https://api.au.whispir.com/m?${params}`, { headers: { 'x-api-key': k } });\n}\n"
        );
        // (Detection knows a query builder by its name: `params`, `query`.)
        // Typed, given entries, read with `toString()` (in a template or concatenated).
        let typed = "async function f(k: string) {\n  const params: URLSearchParams = new URLSearchParams({ n: '1' });\n  params.set('apikey', k);\n  return fetch(`https://api.au.whispir.com/m?${params.toString()}`);\n}\n";
        assert!(
            safe("a.ts", typed).contains("params.toString()}`, { headers: { 'x-api-key': k } });")
        );
        let concatenated = typed.replace(
            "`https://api.au.whispir.com/m?${params.toString()}`",
            "'https://api.au.whispir.com/m?' + params.toString()",
        );
        assert!(
            safe("a.ts", &concatenated)
                .contains("+ params.toString(), { headers: { 'x-api-key': k } });")
        );
        // Nothing else in the query: declaration, statement and `?${params}` go together.
        assert_eq!(
            safe("a.js", &src.replace("  params.append('n', '1');\n", "")),
            "async function f(k) {\n  return fetch('https://api.au.whispir.com/m', { headers: { 'x-api-key': k } });\n}\n"
        );
        assert!(
            safe("a.ts", &concatenated.replace("{ n: '1' }", "")).contains(
                "return fetch('https://api.au.whispir.com/m', { headers: { 'x-api-key': k } });"
            )
        );
        // Sent twice: a bare `?` would be left in both, by hand.
        assert!(
            manual(
                "a.js",
                &src.replace("  params.append('n', '1');\n", "").replace(
                    "  return",
                    "  await fetch(`https://api.au.whispir.com/m?${params}`);\n  return"
                )
            )
            .contains("`params` then holds nothing, so take it out of the URL too")
        );
        // Not declared a `URLSearchParams` (Angular's `HttpParams` is immutable), declared
        // outside the function, or reassigned before the send: not followed.
        for not_followed in [
            src.replace("new URLSearchParams()", "new HttpParams()"),
            src.replace("  const params = new URLSearchParams();\n", "")
                .replace(
                    "async function",
                    "const params = new URLSearchParams();\nasync function",
                ),
            src.replace("const params", "let params")
                .replace("  return", "  params = new URLSearchParams();\n  return"),
        ] {
            manual("a.js", &not_followed);
        }
    }

    #[test]
    fn dollar_brace_in_a_quoted_string_is_text_and_the_header_sends_that_text() {
        // Only a template literal interpolates: `'…${KEY}'` sends the six characters, and so
        // must the header (not the variable `KEY`, which the request never read).
        for (name, quoted, text) in [("a.js", "'", "'${KEY}'"), ("a.ts", "\"", "\"${KEY}\"")] {
            let src = format!(
                "async function f(KEY) {{\n  return fetch({quoted}https://api.au.whispir.com/m?apikey=${{KEY}}{quoted});\n}}\n"
            );
            assert_eq!(
                safe(name, &src),
                format!(
                    "async function f(KEY) {{\n  return fetch({quoted}https://api.au.whispir.com/m{quoted}, {{ headers: {{ {quoted}x-api-key{quoted}: {text} }} }});\n}}\n"
                )
            );
        }
        assert_eq!(
            safe(
                "a.js",
                "async function f(KEY) {\n  return fetch(`https://api.au.whispir.com/m?apikey=${KEY}`);\n}\n"
            ),
            "async function f(KEY) {\n  return fetch('https://api.au.whispir.com/m', { headers: { 'x-api-key': KEY } });\n}\n"
        );
        // The innermost string decides: a quoted string inside a template's substitution.
        assert!(
            safe(
                "a.js",
                "async function f(KEY, v) {\n  return fetch(`${v ? 'https://api.au.whispir.com/m?apikey=${KEY}' : ''}`);\n}\n"
            )
            .contains("'x-api-key': '${KEY}'")
        );
    }

    #[test]
    fn a_curl_command_in_a_string_gets_its_header_in_the_string_unsafely() {
        // `${KEY}` in a quoted string is the shell's variable: the header copies it as written.
        let (out, applicability) = fix(
            "a.ts",
            "export const help =\n  'curl -X POST \"https://api.au.whispir.com/m?apikey=${KEY}\" -H \"A: b\"';\n",
        )
        .expect("a fix");
        assert_eq!(applicability, Applicability::Unsafe);
        assert_eq!(
            out,
            "export const help =\n  'curl -X POST \"https://api.au.whispir.com/m\" -H \"x-api-key: ${KEY}\" -H \"A: b\"';\n"
        );
        let (out, _) = fix(
            "a.js",
            "const usage = `curl -s 'https://api.au.whispir.com/m?apikey=$WHISPIR_KEY'`;\n",
        )
        .expect("a fix");
        assert_eq!(
            out,
            "const usage = `curl -s 'https://api.au.whispir.com/m' -H 'x-api-key: $WHISPIR_KEY'`;\n"
        );
        // The header would need the string's own quote.
        assert!(
            manual(
                "a.js",
                "function f() {\n  return \"curl https://api.au.whispir.com/m?apikey=$K\";\n}\n"
            )
            .contains("add `-H \"x-api-key: …\"` to it by hand")
        );
    }

    #[test]
    fn a_url_no_call_receives_says_where_the_header_goes() {
        assert_eq!(
            manual(
                "a.js",
                "function sample() {\n  return 'https://api.au.whispir.com/m?apikey=KEY';\n}\n"
            ),
            "the URL is returned, and its callers make the request: add the header where they send it"
        );
        assert_eq!(
            manual(
                "a.ts",
                "class C {\n  static readonly TEST_URL: string = 'https://api.au.whispir.com/m?apikey=KEY';\n}\n"
            ),
            "the URL is stored in `TEST_URL`, which nothing in this file reads: add the header where `TEST_URL` is requested"
        );
    }

    #[test]
    fn a_superagent_chain_gets_a_set_link() {
        let src = "const request = require('superagent');\nasync function f(k) {\n  return request.get('https://api.au.whispir.com/m?apikey=' + k).accept('json');\n}\n";
        assert_eq!(
            safe("a.js", src),
            "const request = require('superagent');\nasync function f(k) {\n  return request.get('https://api.au.whispir.com/m').set('x-api-key', k).accept('json');\n}\n"
        );
        // Imported under another name; the chain already sets the header.
        let sent = "import agent from 'superagent';\nasync function f(k: string) {\n  return agent.get('https://api.au.whispir.com/m?apikey=' + k).set('x-api-key', k);\n}\n";
        assert_eq!(safe("a.ts", sent), sent.replace("?apikey=' + k", "'"));
        // A query object given with the URL: the chain still sends later.
        assert!(
            safe("a.js", &src.replace("+ k)", "+ k, { n: 1 })")).contains(
                "request.get('https://api.au.whispir.com/m', { n: 1 }).set('x-api-key', k)"
            )
        );
        // A callback sends at once: the call becomes the chain superagent makes of it, with
        // `.end(callback)`, unsafely (that is superagent's own doing, not the file's).
        for callback in [
            "cb",
            "(err, res) => done(res)",
            "res => done(res)",
            "function (err, res) {}",
        ] {
            let (out, applicability) =
                fix("a.js", &src.replace("+ k)", &format!("+ k, {callback})"))).expect("a fix");
            assert_eq!(applicability, Applicability::Unsafe);
            assert!(
                out.contains(&format!(
                    "request.get('https://api.au.whispir.com/m').set('x-api-key', k).end({callback}).accept('json')"
                )),
                "{out}"
            );
        }
        // Anything else beside the URL (a body and a callback, a member) stays manual.
        for more in ["+ k, body, cb)", "+ k, this.done)"] {
            assert!(
                manual("a.js", &src.replace("+ k)", more))
                    .contains("add `.set('x-api-key', k)` to the `request.get(…)` chain before it sends, then remove the parameter (not automatic: `request.get(…)` may be given a callback besides the URL, which sends it at once)")
            );
        }
        // `request` the `request` library is still an options object.
        assert!(
            safe("a.js", &src.replace("superagent", "request")).contains(
                "request.get({ url: 'https://api.au.whispir.com/m', headers: { 'x-api-key': k } })"
            )
        );
    }

    #[test]
    fn got_methods_take_the_header_in_their_options() {
        assert_eq!(
            safe(
                "a.ts",
                "async function f(k: string) {\n  return got.post('https://api.au.whispir.com/m?apikey=' + k, { json: {} }).json();\n}\n"
            ),
            "async function f(k: string) {\n  return got.post('https://api.au.whispir.com/m', { headers: { 'x-api-key': k }, json: {} }).json();\n}\n"
        );
    }

    #[test]
    fn options_built_in_a_local_get_the_header() {
        assert_eq!(
            safe(
                "a.ts",
                "async function f(k: string) {\n  const init: RequestInit = { method: 'GET' };\n  return fetch('https://api.au.whispir.com/m?apikey=' + k, init);\n}\n"
            ),
            "async function f(k: string) {\n  const init: RequestInit = { headers: { 'x-api-key': k }, method: 'GET' };\n  return fetch('https://api.au.whispir.com/m', init);\n}\n"
        );
        // Shared with another request: unsafe.
        let shared = "async function f(k) {\n  const o = { method: 'GET' };\n  await fetch('https://example.com', o);\n  return fetch('https://api.au.whispir.com/m?apikey=' + k, o);\n}\n";
        assert_eq!(fix("a.js", shared).unwrap().1, Applicability::Unsafe);
        // Headers set again later to an object written there: the key joins that object.
        let later = "async function f(k) {\n  const o = { method: 'GET', headers: { A: 'b' } };\n  o.headers = { 'Content-Type': 'application/json' };\n  o.headers.Accept = 'json';\n  return fetch('https://api.au.whispir.com/m?apikey=' + k, o);\n}\n";
        assert_eq!(
            safe("a.js", later),
            "async function f(k) {\n  const o = { method: 'GET', headers: { A: 'b' } };\n  o.headers = { 'x-api-key': k, 'Content-Type': 'application/json' };\n  o.headers.Accept = 'json';\n  return fetch('https://api.au.whispir.com/m', o);\n}\n"
        );
        // Options that already send the header only lose the parameter: no second key.
        assert_eq!(
            safe(
                "a.ts",
                &later.replace("'Content-Type'", "'x-api-key': k, 'Content-Type'")
            ),
            later
                .replace("'Content-Type'", "'x-api-key': k, 'Content-Type'")
                .replace("?apikey=' + k", "'")
        );
        let sent = "async function f(k) {\n  const o = { headers: { 'x-api-key': k } };\n  return fetch('https://api.au.whispir.com/m?apikey=' + k, o);\n}\n";
        assert_eq!(safe("a.ts", sent), sent.replace("?apikey=' + k", "'"));
        // Headers (or the options) set some other way, or only maybe: manual.
        for set_again in [
            "o.headers = h;",
            "if (x) o.headers = { A: 'b' };",
            "o = other;",
        ] {
            manual(
                "a.js",
                &format!(
                    "async function f(k) {{\n  let o = {{ method: 'GET' }};\n  {set_again}\n  return fetch('https://api.au.whispir.com/m?apikey=' + k, o);\n}}\n"
                ),
            );
        }
        assert!(
            manual(
                "a.ts",
                "async function f(k: string, o: RequestInit): Promise<Response> {\n  return fetch('https://api.au.whispir.com/m?apikey=' + k, o);\n}\n",
            )
            .contains("`o`, a parameter of this function")
        );
    }

    #[test]
    fn braces_without_a_dollar_are_text_even_in_a_template() {
        // JavaScript interpolates only `${…}` in a template literal: `{key}` and `#{key}` are
        // text wherever they are written.
        for url in [
            "'https://api.au.whispir.com/m?apikey={key}'",
            "'https://api.au.whispir.com/m?apikey=#{key}'",
            "`https://api.au.whispir.com/m?apikey={key}`",
        ] {
            let src = format!("async function f(key) {{\n  return fetch({url});\n}}\n");
            let out = safe("a.js", &src);
            let text = &url[url.find("=").unwrap() + 1..url.len() - 1];
            assert!(out.contains(&format!("'x-api-key': '{text}'")), "{out}");
        }
    }
}
