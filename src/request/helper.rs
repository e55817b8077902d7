//! JavaScript/TypeScript: a query the key is added to by a helper function of the same file,
//!
//! ```ts
//! function withKey(params: URLSearchParams, apiKey: string) {
//!   params.set('apikey', apiKey);
//!   return params;
//! }
//! const params = withKey(new URLSearchParams({ period: 'month' }), apiKey);
//! return fetch(`https://api…/usage?${params}`);
//! ```
//!
//! The syntax tree proves the one request: the helper only builds the query it is given and
//! returns it, and its one call in the file hands the result to a local that one request
//! reads. The statement goes and that request gets the header, with the caller's argument for
//! the key. A path through another function: unsafe (SPEC), whatever else holds.

use super::place::{self, Request};
use super::query::KeySource;
use crate::detect::ApiKeyParam;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::lang::tokens::token_at;
use tree_sitter::Node;

/// What the helper's statement and its one caller give: the statement's line, where the
/// request reads the query, and the key as the caller writes it.
pub struct HelperFill {
    pub statement_line: std::ops::Range<usize>,
    pub read_at: std::ops::Range<usize>,
    pub key: String,
    pub helper: String,
}

/// The helper fill around the key `p`, when the tree shows one.
pub fn find(
    src: &[u8],
    tokens: &[crate::lang::Token],
    layout: &crate::lang::tokens::Layout,
    tree: &tree_sitter::Tree,
    p: &ApiKeyParam,
) -> Option<HelperFill> {
    let text = |n: Node| &src[n.byte_range()];
    // `params.set('apikey', apiKey);`, a statement of its own.
    let mut call = tree
        .root_node()
        .descendant_for_byte_range(p.name.start, p.name.end)?;
    while call.kind() != "call_expression" {
        call = call.parent()?;
    }
    let statement = call
        .parent()
        .filter(|s| s.kind() == "expression_statement")?;
    let member = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "member_expression")?;
    let method = member.child_by_field_name("property")?;
    let receiver = member
        .child_by_field_name("object")
        .filter(|o| o.kind() == "identifier")?;
    let call_args = named(call.child_by_field_name("arguments")?);
    if !matches!(text(method), b"set" | b"append") || call_args.len() != 2 {
        return None;
    }
    let key_arg = call_args[1];
    // In a function declared in the file, whose parameters are the query and the key.
    let helper = statement.parent().and_then(|b| b.parent())?;
    if helper.kind() != "function_declaration"
        || helper
            .parent()
            .is_some_and(|p| p.kind() == "export_statement")
    {
        return None;
    }
    let helper_name = helper.child_by_field_name("name")?;
    let params: Vec<&[u8]> = named(helper.child_by_field_name("parameters")?)
        .into_iter()
        .map(|p| parameter_name(p).map(text))
        .collect::<Option<_>>()?;
    let query_index = params.iter().position(|&n| n == text(receiver))?;
    let key_index = params
        .iter()
        .position(|&n| key_arg.kind() == "identifier" && n == text(key_arg))?;
    let body = helper.child_by_field_name("body")?;
    if !only_builds_and_returns(src, body, text(receiver)) {
        return None;
    }
    // Its one call: `const params = withKey(…)`, in another function of the file. The
    // name's uses come from the file's index (a template that may call it is not followed):
    // a file of many helpers is not searched whole once per helper.
    let name = text(helper_name);
    if !layout
        .templates_mentioning(src, tokens, name, 0..tokens.len())
        .is_empty()
    {
        return None;
    }
    let calls: Vec<Node> = layout
        .uses(src, tokens, name)
        .iter()
        .filter_map(|&k| {
            let span = tokens[k as usize].span();
            tree.root_node()
                .descendant_for_byte_range(span.start, span.end)
        })
        .filter(|n| n.kind() == "identifier" && text(*n) == name && *n != helper_name)
        .collect();
    let [callee] = calls[..] else {
        return None;
    };
    let outer = callee
        .parent()
        .filter(|c| c.kind() == "call_expression")
        .filter(|c| c.child_by_field_name("function") == Some(callee))?;
    let args = named(outer.child_by_field_name("arguments")?);
    if args.len() != params.len() || !gives_entries(src, args[query_index]) {
        return None;
    }
    let holder = outer
        .parent()
        .filter(|d| d.kind() == "variable_declarator")
        .and_then(|d| d.child_by_field_name("name"))
        .filter(|n| n.kind() == "identifier")?;
    let caller = enclosing_function(holder)?;
    if caller.byte_range().contains(&helper.start_byte()) {
        return None;
    }
    // Read once after it, by the request.
    let mut reads = identifiers(caller, src, text(holder));
    reads.retain(|n| *n != holder);
    let [read] = reads[..] else {
        return None;
    };
    let read_at = match enclosing_template(read) {
        Some(template) => template.byte_range(),
        None => read.byte_range(),
    };
    let first = token_at(tokens, statement.start_byte())?;
    let last = token_at(tokens, call.end_byte() - 1)?;
    Some(HelperFill {
        statement_line: place::line_of_statement(src, tokens, first, last)?,
        read_at,
        key: String::from_utf8_lossy(text(args[key_index])).into_owned(),
        helper: String::from_utf8_lossy(text(helper_name)).into_owned(),
    })
}

/// The fix: the helper's statement goes, the request that reads the query gets the header.
pub fn fix(req: &Request, fill: &HelperFill) -> Result<Fix, String> {
    let key = KeySource::expr(fill.key.clone());
    let placement = place::place(&Request {
        at: fill.read_at.clone(),
        builder: false,
        key: &key,
        ..req.clone()
    })?;
    let mut edits = vec![Edit::delete(fill.statement_line.clone())];
    edits.extend(placement.edits);
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    Ok(Fix {
        applicability: Applicability::Unsafe,
        message: format!(
            "Move the key to an `x-api-key` header ({}, through `{}(…)`, which adds the key to the query its one caller sends)",
            placement.how, fill.helper
        )
        .into(),
        edits: edits.into(),
    })
}

fn named(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// A parameter's name: `q` in JavaScript, `q: URLSearchParams` in TypeScript.
fn parameter_name(node: Node) -> Option<Node> {
    match node.kind() {
        "identifier" => Some(node),
        "required_parameter" => node
            .child_by_field_name("pattern")
            .filter(|n| n.kind() == "identifier"),
        _ => None,
    }
}

/// Every identifier spelled `name` under `node`, in order: found where the text spells it,
/// not by a walk of every node (a file of many helpers was walked whole once per helper).
fn identifiers<'t>(node: Node<'t>, src: &[u8], name: &[u8]) -> Vec<Node<'t>> {
    let mut found: Vec<Node<'t>> = crate::lang::tree::leaves_spelled(src, node, name)
        .filter(|n| n.kind() == "identifier" && &src[n.byte_range()] == name)
        .collect();
    found.dedup();
    found
}

/// The helper's body only adds to the query `name` (`name.set(…)`, `.append(…)`, `.delete(…)`
/// statements) and ends returning it: every other use would see the key.
fn only_builds_and_returns(src: &[u8], body: Node, name: &[u8]) -> bool {
    let statements = named(body);
    let Some((last, rest)) = statements.split_last() else {
        return false;
    };
    let returns = last.kind() == "return_statement"
        && named(*last)
            .first()
            .is_some_and(|r| r.kind() == "identifier" && &src[r.byte_range()] == name);
    let builds = |s: &Node| {
        s.kind() == "expression_statement"
            && named(*s)
                .first()
                .and_then(|c| c.child_by_field_name("function"))
                .filter(|f| f.kind() == "member_expression")
                .is_some_and(|f| {
                    f.child_by_field_name("object")
                        .is_some_and(|o| &src[o.byte_range()] == name)
                        && f.child_by_field_name("property").is_some_and(|m| {
                            matches!(&src[m.byte_range()], b"set" | b"append" | b"delete")
                        })
                })
    };
    // Each names it once, as the receiver: none passes it anywhere else.
    returns
        && rest
            .iter()
            .all(|s| builds(s) && identifiers(*s, src, name).len() == 1)
}

/// `new URLSearchParams({ a: 1, … })` with at least one entry: without the key the query still
/// has something to say, so the URL keeps no bare `?`.
fn gives_entries(src: &[u8], arg: Node) -> bool {
    arg.kind() == "new_expression"
        && arg
            .child_by_field_name("constructor")
            .is_some_and(|c| &src[c.byte_range()] == b"URLSearchParams")
        && arg
            .child_by_field_name("arguments")
            .map(named)
            .is_some_and(|a| a.len() == 1 && a[0].kind() == "object" && !named(a[0]).is_empty())
}

fn enclosing_function(node: Node) -> Option<Node> {
    let mut n = node.parent()?;
    while !matches!(
        n.kind(),
        "function_declaration" | "function_expression" | "arrow_function" | "method_definition"
    ) {
        n = n.parent()?;
    }
    Some(n)
}

fn enclosing_template(node: Node) -> Option<Node> {
    let mut n = node.parent()?;
    while n.kind() != "template_string" {
        if n.kind() == "statement_block" {
            return None;
        }
        n = n.parent()?;
    }
    Some(n)
}
