//! The WM002 fix: the parameter leaves the query only in the same fix that adds the
//! `x-api-key` header to the same request. Anything less is reported as a manual change.

use super::place::{self, Placement, Request, first_on_line};
use super::query::{self, KeySource, Removal};
use crate::detect::{ApiKeyParam, Facts, ParamShape};
use crate::diagnostic::{Applicability, Edit, Fix, VariableUse};
use crate::lang::tokens::{
    Layout, Openers, enclosing_map, enclosing_open, expression_end, matching_close, matching_open,
    next_significant, prev_significant, token_at,
};
use crate::lang::{HintKey, Language, TokKind, Token};
use crate::secrets::ValueKind;
use crate::source::SourceFile;

pub enum Plan {
    Fix {
        fix: Fix,
        /// The variable the fix follows when it goes through one (to be proved local).
        through: Option<VariableUse>,
        /// The key as the header will carry it (the expression a `%s` or `{}` stood for).
        key: String,
    },
    /// What to do by hand: the header line to add and why the tool did not.
    Manual { header: String, reason: String },
    /// What to do by hand when the change is not adding a header line: the whole instruction.
    Instruction(String),
}

pub fn plan(
    file: &SourceFile,
    facts: &Facts,
    lang: &dyn Language,
    p: &ApiKeyParam,
    ctx: &super::RuleContext,
) -> Plan {
    let src = &file.bytes[..];
    let idx = Indexes::of(facts);
    if let Some(keys) = crowded_statement(file, facts, lang, p) {
        return manual(
            lang,
            &written_key(src, &facts.tokens, lang, p),
            format!("its statement holds {keys} keys, a table of URLs rather than one request"),
        );
    }
    let reading = template_reading(file, facts, lang, p);
    let as_text;
    // A Python template whose one reader formats it: the keyword argument that fills the key.
    let mut formatted_at_read = None;
    let p = match &reading {
        Some(TemplateReading::Text(text)) => {
            as_text = text.clone();
            &as_text
        }
        Some(TemplateReading::Unsure(reason)) => {
            match formatted_where_read(src, &facts.tokens, lang, p, idx) {
                Some(Ok(found)) => formatted_at_read = Some(found),
                Some(Err(why)) => return manual(lang, &HintKey::Unknown, why),
                None => return manual(lang, &HintKey::Unknown, reason.clone()),
            }
            p
        }
        _ => p,
    };
    // The key is an entry of a query encoded in a string's replacement field: the string is
    // the request's URL, no query builder of the request.
    let in_field = p.shape == ParamShape::Builder && inside_string_text(&facts.tokens, p);
    let removal = match p.shape {
        ParamShape::SecurityScheme => return security_scheme(src, p),
        ParamShape::Url | ParamShape::Fragment => {
            query::remove_param(src, &facts.tokens, &facts.layout, lang, p)
        }
        // ColdFusion's `type="url"` parameters turn into the header parameter themselves.
        ParamShape::Builder if lang.request_style() == crate::lang::RequestStyle::ColdFusion => {
            place::url_param(
                place::Script::of_facts(src, facts),
                p,
                &facts.x_api_key_at,
                facts.x_api_key_spelling.as_deref(),
            )
        }
        // Code in a string's field (f-string, template literal) is string text to the tokens
        // every fixer below reads (they would take the whole string for the key): the tree
        // says what the field holds.
        ParamShape::Builder if in_field => {
            let tree = facts
                .tree
                .get_or_init(|| crate::lang::tree::parse(&file.file_name(), &file.bytes));
            tree.as_ref()
                .and_then(|tree| {
                    super::field::remove_key(src, &facts.tokens, &facts.layout, lang, tree, p)
                })
                .ok_or_else(|| super::field::BY_HAND.to_string())
        }
        ParamShape::Builder => {
            if let Some(entry) = query_collection_entry(file, facts, lang, p) {
                return entry;
            }
            if let Some(by_hand) = set_by_statement(src, &facts.tokens, lang, p) {
                return by_hand;
            }
            if lang.request_style() == crate::lang::RequestStyle::Php
                && let Some(fix) = php_query_setter(src, &facts.tokens, p)
            {
                return fix;
            }
            // A hook's header reaches requests this file may send to a retired gateway,
            // which reads the key from the query only: there it stays manual.
            let retired_in_file = facts
                .hosts
                .iter()
                .any(|h| h.kind == crate::hosts::HostKind::Legacy);
            if let Some(fix) = session_params(src, &facts.tokens, lang, p, idx).or_else(|| {
                (!retired_in_file)
                    .then(|| auth_hook_query(src, &facts.tokens, lang, p, idx))
                    .flatten()
            }) {
                return fix;
            }
            if let Some(fix) = filled_by_helper(file, facts, lang, p) {
                return fix;
            }
            remove_builder_entry(src, &facts.tokens, lang, p, idx)
        }
    };
    let mut removal = match removal {
        Ok(r) => r,
        Err(reason) => {
            // Commented-out code is no request, whatever its text leaves out.
            let commented = lang_is_code(lang)
                && token_at(&facts.tokens, p.name.start)
                    .is_some_and(|t| facts.tokens[t].kind == TokKind::Comment);
            let reason = if commented {
                "the URL is in a comment, not in a request".into()
            } else {
                reason
            };
            return manual(lang, &written_key(src, &facts.tokens, lang, p), reason);
        }
    };
    if let Some((edits, key)) = formatted_at_read {
        removal.edits.extend(edits);
        removal.key = KeySource::expr(key);
    }
    // A string the lexer does not see (a PHP or Ruby heredoc) whose template the tree proves
    // interpolated: the header sends what it read, not its text.
    if let Some(TemplateReading::Read) = reading
        && let KeySource::Template(text) = &removal.key
        && let Some(expr) = query::template_expr(lang, text)
    {
        removal.key = KeySource::expr(expr);
    }
    if let Some(message) = removal.placed {
        return Plan::Fix {
            key: removal.key.as_text(),
            fix: Fix {
                applicability: Applicability::Safe,
                message: message.into(),
                edits: removal.edits.into(),
            },
            through: None,
        };
    }
    let file_name = file.file_name();
    let req = Request {
        builder: p.shape == ParamShape::Builder && !in_field,
        ..request_in(
            file,
            facts,
            lang,
            &file_name,
            &removal.key,
            p.name.clone(),
            p,
        )
    };
    // Where the URL is first stored in a variable, the request is where the variable is used.
    let mut through = None;
    // The edits that take out a query holding only the key, instead of the entry's removal.
    let mut whole_query: Option<Vec<Edit>> = None;
    // Python's `BASE + "/m?" + urlencode({"apikey": k})`: the query goes whole, and the
    // request is the one that sends the URL the literal before it starts.
    let key_only = (lang.request_style() == crate::lang::RequestStyle::Python && req.builder)
        .then(|| token_at(&facts.tokens, p.span.start))
        .flatten()
        .and_then(|k| place::python_key_only_query(place::Script::of_facts(src, facts), k));
    let sent_in_place = key_only.as_ref().and_then(|query| {
        place::place(&Request {
            at: query.url_at.clone(),
            builder: false,
            ..req.clone()
        })
        .ok()
    });
    // Reads of a `url.searchParams` URL besides the one that sends it.
    let mut unsent_reads = Vec::new();
    // The requests that send a `url.searchParams` URL, when it is more than one.
    let mut senders = Vec::new();
    // `new URLSearchParams()` whose only entry a statement sets: it goes whole, or by hand.
    let emptied_search_params = token_at(&facts.tokens, p.span.start)
        .and_then(|k| search_params_statement(src, &facts.tokens, lang, k, idx))
        .is_some_and(|statement| search_params_emptied(src, &facts.tokens, statement, idx));
    let placed = sent_in_place
        .ok_or(())
        .or_else(|()| place::place(&req))
        .or_else(|reason| {
            match variable_use(src, &facts.tokens, lang, p, idx)
                .or_else(|| search_params_sender(&req, p, &mut unsent_reads, &mut senders))
                .or_else(|| string_builder_target(src, &facts.tokens, lang, p))
            {
                Some((binding, at))
                    if req.builder
                        && key_only.is_none()
                        && (sole_entry(
                            src,
                            &facts.tokens,
                            &(p.span.start..p.value.end.max(p.span.end)),
                        )
                        .is_some()
                            || emptied_search_params) =>
                {
                    // `query = {"apikey": k}` then `get(url, params=query)`: an emptied dict
                    // would be noise, so the assignment and the argument go with the key.
                    let deleted = sole_key_query(src, &facts.tokens, idx, lang, p, binding, &at)?;
                    through = Some(VariableUse {
                        binding,
                        use_at: at.start,
                    });
                    // A JavaScript query is read into the URL: there the request is placed as
                    // for any URL.
                    let javascript = lang.request_style() == crate::lang::RequestStyle::JavaScript;
                    let sent = Request {
                        at,
                        builder: req.builder && !javascript,
                        ..req.clone()
                    };
                    place::place(&sent).map(|mut placement| {
                        whole_query = Some(deleted);
                        placement.how =
                            format!("{}; the query held only the key and goes", placement.how);
                        placement
                    })
                }
                Some((binding, at)) => {
                    through = Some(VariableUse {
                        binding,
                        use_at: at.start,
                    });
                    // The removal takes a query-builder link out whole (`.addQueryParameter(
                    // "apikey", k)`): the chain built a URL, and where the variable is used the
                    // request is placed like any URL. A builder map (`params = {…}`) stays one.
                    // So is a `URLSearchParams` query, read into the URL where it is used.
                    let key_tok = token_at(&facts.tokens, p.span.start);
                    let search_params = key_tok.is_some_and(|k| {
                        search_params_call(src, &facts.tokens, lang, k, idx).is_some()
                    });
                    let url_search_params = key_tok
                        .and_then(|k| search_params_statement(src, &facts.tokens, lang, k, idx));
                    let followed = Request {
                        at,
                        builder: req.builder
                            && !query_builder_link(src, &facts.tokens, lang, p)
                            && !search_params
                            && url_search_params.is_none(),
                        ..req.clone()
                    };
                    place::place(&followed).map(|mut placement| {
                        let body = lang.request_style() == crate::lang::RequestStyle::Python
                            && place::python_urlencoded_body(
                                place::Script::of_facts(src, facts),
                                p.span.start,
                            )
                            .is_some();
                        let holds_query =
                            || key_tok.is_some_and(|k| holds_query(src, &facts.tokens, binding, k));
                        let held = if body {
                            "request body"
                        } else if url_search_params.is_some_and(|s| s.own_params)
                            || ((followed.builder || search_params) && holds_query())
                        {
                            "query"
                        } else {
                            "URL"
                        };
                        placement.how =
                            format!("{}, through the variable holding the {held}", placement.how);
                        placement
                    })
                }
                // A URL several requests read: all of them get the header, or the reason names
                // the read that cannot (unless the placer had a more precise one).
                None if let Some(placed) = shared_url(&req, p)
                    .filter(|placed| placed.is_ok() || reason == place::NOT_PASSED) =>
                {
                    placed
                }
                // `url.searchParams.set(…)` whose URL is not followed: say what goes where.
                None => Err(token_at(&facts.tokens, p.span.start)
                    .and_then(|k| search_params_statement(src, &facts.tokens, lang, k, idx))
                    .map_or(reason, |statement| {
                        let emptied = search_params_emptied(src, &facts.tokens, statement, idx);
                        let advice = search_params_advice(src, &facts.tokens, statement, emptied);
                        if senders.is_empty() {
                            return advice;
                        }
                        let lines: Vec<String> = senders
                            .iter()
                            .map(|r: &std::ops::Range<usize>| {
                                (file.line_index(r.start) + 1).to_string()
                            })
                            .collect();
                        format!(
                            "{advice}; {} requests send it (lines {}), and each needs the header",
                            senders.len(),
                            lines.join(", ")
                        )
                    })),
            }
        })
        // A URL a function of the file returns: its callers' requests get the header. A whole
        // instruction the placer gave stands when they cannot.
        .or_else(
            |reason| match super::url_builder::place_at_callers(file, facts, &req, p, ctx) {
                Some(Err(_)) | None if reason.starts_with(place::INSTEAD) => Err(reason),
                Some(placed) => placed,
                None => Err(reason),
            },
        );
    let placed = placed.and_then(|placement| {
        let anchor = through.as_ref().map_or(p.name.start, |v| v.use_at);
        if placement.how == place::SENT_BY_STATEMENT && !header_in_sight(file, facts, anchor) {
            return Err(
                "the `x-api-key` the file sends is in another function, not in this request".into(),
            );
        }
        Ok(placement)
    });
    match placed {
        Ok(Placement {
            edits,
            mut applicability,
            sends,
            mut how,
        }) => {
            if let Some(read) = unsent_reads.first() {
                // The URL without its key reaches code that is no request the fixer knows.
                applicability = Applicability::Unsafe;
                let line = file.line_index(read.start) + 1;
                how = if src[read.start] == b'`' {
                    // A template literal reads it: the whole literal is no name to quote.
                    format!(
                        "{how}; a template literal on line {line} reads it too, and may need the key"
                    )
                } else {
                    format!(
                        "{how}; `{}` is also read on line {line}, which may need the key too",
                        String::from_utf8_lossy(&src[read.clone()]),
                    )
                };
            }
            let mut all = whole_query
                .or(key_only.map(|query| query.edits))
                .unwrap_or(removal.edits);
            all.extend(edits);
            all.sort_by_key(|e| (e.range.start, e.range.end));
            // A deletion inside a range another edit already takes out adds nothing (the
            // spaces around an operator whose operand the removal took).
            let subsumed = |e: &Edit| {
                e.content.is_empty()
                    && !e.range.is_empty()
                    && all.iter().any(|o| {
                        !std::ptr::eq(o, e)
                            && o.range != e.range
                            && o.range.start <= e.range.start
                            && e.range.end <= o.range.end
                    })
            };
            let keep: Vec<bool> = all.iter().map(|e| !subsumed(e)).collect();
            let mut keep = keep.into_iter();
            all.retain(|_| keep.next().unwrap_or(true));
            header_replaces_sole_entry(src, &mut all);
            if all.windows(2).any(|w| w[0].range.end > w[1].range.start) {
                return manual(
                    lang,
                    &removal.key.hint(),
                    "the header and the parameter are too close to rewrite together".into(),
                );
            }
            let message = format!("Move the key to an `x-api-key` header ({how})");
            let fix = Fix {
                applicability,
                message: message.into(),
                edits: all.into(),
            };
            // A curl command held in a string sends the key as it is written there.
            let key = if let Some(sent) = sends {
                sent
            } else if query::in_curl_string(src, &facts.tokens, p.name.start) {
                fallback_value(src, p)
            } else {
                removal.key.as_text()
            };
            Plan::Fix { fix, through, key }
        }
        // A curl command held in a string takes a curl header, its value as written there.
        Err(reason) if query::in_curl_string(src, &facts.tokens, p.name.start) => manual(
            crate::lang::for_file_name("command.sh"),
            &written_text(src, p),
            reason,
        ),
        // A template the removal kept as text (the URL is in a comment) reads as the file's code.
        Err(reason) => match removal.key {
            KeySource::Template(_) => {
                manual(lang, &written_key(src, &facts.tokens, lang, p), reason)
            }
            key => manual(lang, &key.hint(), reason),
        },
    }
}

/// The request of `file` sent at `at`, for the parameter `p` (not a query-builder entry),
/// asking the file's facts.
/// More keys than this in one statement make a table of URLs (a list or map literal), not
/// requests. The fixer reads a request's whole statement, so placing each of thousands of
/// them would take time growing with their square.
const KEYS_PER_STATEMENT: u32 = 64;
/// The most bytes that [`KEYS_PER_STATEMENT`] keys and one more of a table span.
const TABLE_SPAN: usize = 256 << 10;

/// The number of keys in the statement of `p`, when there are more than
/// [`KEYS_PER_STATEMENT`].
fn crowded_statement(
    file: &SourceFile,
    facts: &Facts,
    lang: &dyn Language,
    p: &ApiKeyParam,
) -> Option<u32> {
    if facts.params.len() <= KEYS_PER_STATEMENT as usize || facts.tokens.is_empty() {
        return None;
    }
    let no_key = KeySource::Literal(String::new());
    let file_name = file.file_name();
    let statement_of = |at: usize| {
        let req = request_in(file, facts, lang, &file_name, &no_key, at..at, p);
        let token = token_at(&facts.tokens, at)?;
        Some(place::cursor::logical_statement(&req, token).0 as u32)
    };
    let counts = facts.keys_per_statement.get_or_init(|| {
        // Counting needs the file's bracket structure, four bytes a token: worth it only
        // where keys are as close together as a table's rows are.
        let mut starts: Vec<usize> = facts.params.iter().map(|q| q.name.start).collect();
        starts.sort_unstable();
        let dense = starts
            .windows(KEYS_PER_STATEMENT as usize + 1)
            .any(|w| w[w.len() - 1] - w[0] < TABLE_SPAN);
        dense.then(|| {
            let mut counts = std::collections::HashMap::new();
            for q in &facts.params {
                if let Some(first) = statement_of(q.name.start) {
                    *counts.entry(first).or_insert(0) += 1;
                }
            }
            counts
        })
    });
    let counts = counts.as_ref()?;
    let keys = *counts.get(&statement_of(p.name.start)?)?;
    (keys > KEYS_PER_STATEMENT).then_some(keys)
}

/// A file's bracket and identifier indexes, each built when a request of the file first
/// asks (see `Facts::openers`, `Facts::layout`): questions asked once per request about the
/// rest of a block are answered from them, not by a walk through the block.
#[derive(Clone, Copy)]
pub(crate) struct Indexes<'a> {
    pub openers: &'a std::sync::OnceLock<Openers>,
    pub layout: &'a std::sync::OnceLock<Layout>,
}

impl<'a> Indexes<'a> {
    pub(crate) fn of(facts: &'a Facts) -> Indexes<'a> {
        Indexes {
            openers: &facts.openers,
            layout: &facts.layout,
        }
    }

    fn of_request(req: &Request<'a>) -> Indexes<'a> {
        Indexes {
            openers: req.openers,
            layout: req.layout,
        }
    }

    fn openers(&self, src: &[u8], tokens: &[Token]) -> &'a Openers {
        self.openers.get_or_init(|| Openers::of_file(src, tokens))
    }

    fn script(&self, src: &'a [u8], tokens: &'a [Token]) -> place::Script<'a> {
        place::Script {
            src,
            tokens,
            layout: self.layout,
            openers: self.openers,
        }
    }

    fn layout(&self, src: &[u8], tokens: &[Token]) -> &'a Layout {
        self.layout.get_or_init(|| Layout::of_file(src, tokens))
    }
}

fn request_in<'a>(
    file: &'a SourceFile,
    facts: &'a Facts,
    lang: &'a dyn Language,
    file_name: &'a str,
    key: &'a KeySource,
    at: std::ops::Range<usize>,
    p: &ApiKeyParam,
) -> Request<'a> {
    Request {
        src: &file.bytes,
        tokens: &facts.tokens,
        lang,
        at,
        origin: p.name.clone(),
        key,
        builder: false,
        x_api_key_at: &facts.x_api_key_at,
        x_api_key_spelling: facts.x_api_key_spelling.as_deref(),
        openers: &facts.openers,
        layout: &facts.layout,
        tree: &facts.tree,
        file_name,
    }
}

/// JavaScript's query that a helper function of the file adds the key to, for its one caller
/// to send (see [`super::helper`]): the statement goes with the header of that request, as
/// one unsafe fix. `None` when the tree does not show that shape or the request takes no
/// header (the statement's own manual message then stands).
fn filled_by_helper(
    file: &SourceFile,
    facts: &Facts,
    lang: &dyn Language,
    p: &ApiKeyParam,
) -> Option<Plan> {
    if lang.request_style() != crate::lang::RequestStyle::JavaScript {
        return None;
    }
    // The shape starts `….set('apikey', …)` or `….append(…)`: the tokens say whether the
    // key is written so before the file is parsed for the rest.
    let (src, tokens) = (&file.bytes[..], &facts.tokens[..]);
    let open = prev_significant(tokens, token_at(tokens, p.name.start)?)
        .filter(|&o| tokens[o].is_punct(src, "("))?;
    let method = prev_significant(tokens, open)
        .filter(|&m| matches!(tokens[m].text(src), b"set" | b"append"))?;
    prev_significant(tokens, method).filter(|&d| tokens[d].is_punct(src, "."))?;
    let layout = Indexes::of(facts).layout(src, tokens);
    let fill = super::helper::find(src, tokens, layout, facts.tree(file)?, p)?;
    let key = KeySource::expr(fill.key.clone());
    let file_name = file.file_name();
    let req = request_in(file, facts, lang, &file_name, &key, fill.read_at.clone(), p);
    let fix = super::helper::fix(&req, &fill).ok()?;
    Some(Plan::Fix {
        fix,
        through: None,
        key: fill.key,
    })
}

/// Whether an `x-api-key` of the file can belong to the request at byte `anchor`: one written
/// at module level or in a function around the anchor, as the syntax tree shows. A placer
/// that found the header in the request's statement (and so only drops the parameter) reads
/// tokens, and a string the lexer does not know (Ruby's `%q(…#{k})`, whose `#` it takes for a comment) can
/// stretch the statement it looks at into the next function: the key would be dropped with
/// no header sent. True without a tree (the placer's answer stands).
fn header_in_sight(file: &SourceFile, facts: &Facts, anchor: usize) -> bool {
    if facts.x_api_key_at.is_empty() {
        return facts.tree_around(file, &[anchor]).is_none();
    }
    facts.x_api_key_at.iter().any(|&at| {
        facts.tree_around(file, &[at]).is_none_or(|tree| {
            crate::lang::tree::enclosing_function(tree, at).is_none_or(|f| f.contains(&anchor))
        })
    })
}

/// A header entry inserted first in a one-line literal (`{ headers: {…}, params: {…} }`)
/// whose only other entry the removal deletes: the header stays alone, without the comma
/// that separated it from that entry (`{ headers: {…} }`, not `{ headers: {…},}`), and the
/// space before the closing bracket stays as the literal had it. `edits` are sorted.
fn header_replaces_sole_entry(src: &[u8], edits: &mut [Edit]) {
    let spaces = |r: std::ops::Range<usize>| src[r].iter().all(|b| matches!(b, b' ' | b'\t'));
    for i in 0..edits.len().saturating_sub(1) {
        let (insert, delete) = (&edits[i], &edits[i + 1]);
        let at = insert.range.start;
        let closer = delete.range.end
            + src[delete.range.end..]
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
        let sole = insert.range.is_empty()
            && insert.content.trim_end().ends_with(',')
            && delete.content.is_empty()
            && at > 0
            && matches!(src[at - 1], b'{' | b'[' | b'(')
            && delete.range.start >= at
            && spaces(at..delete.range.start)
            && matches!(src.get(closer), Some(b'}' | b']' | b')'));
        if !sole {
            continue;
        }
        let entry = insert.content.trim_end().trim_end_matches(',').to_string();
        // Keep the spaces the deletion took before the closing bracket.
        let trailing = src[delete.range.clone()]
            .iter()
            .rev()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        edits[i] = Edit::insert(at, entry);
        let end = edits[i + 1].range.end - trailing;
        edits[i + 1].range.end = end;
    }
    // The mirror case: the removal deletes the only entry and the header is appended after it
    // (`Faraday.new(params: { apikey: k })` → `Faraday.new(headers: {…})`, not `(, headers:`).
    for i in 0..edits.len().saturating_sub(1) {
        let (delete, insert) = (&edits[i], &edits[i + 1]);
        let opener = src[..delete.range.start].trim_ascii_end().last();
        let closer = src[insert.range.end..].trim_ascii_start().first();
        let sole = !delete.range.is_empty()
            && delete.content.is_empty()
            && insert.range.is_empty()
            && insert.range.start >= delete.range.end
            && spaces(delete.range.end..insert.range.start)
            && insert.content.trim_start().starts_with(',')
            && matches!(opener, Some(b'{' | b'[' | b'('))
            && matches!(closer, Some(b'}' | b']' | b')'));
        if sole {
            let entry = insert.content.trim_start()[1..].trim_start().to_string();
            edits[i + 1].content = entry.into();
        }
    }
}

/// Java/Kotlin: the key appended to a local `StringBuilder` whose one `toString()` is sent.
fn string_builder_target(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    p: &ApiKeyParam,
) -> Option<(usize, std::ops::Range<usize>)> {
    (lang.request_style() == crate::lang::RequestStyle::Jvm)
        .then(|| place::string_builder_use(src, tokens, token_at(tokens, p.name.start)?))
        .flatten()
}

/// `url = "…?apikey=" + k` followed, in the same block, by exactly one use of `url`
/// (`fetch(url, …)`, `curl "$url"`): where the name is assigned, and the byte range of its use.
fn variable_use(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    p: &ApiKeyParam,
    indexes: Indexes,
) -> Option<(usize, std::ops::Range<usize>)> {
    let (binding, mut uses) = variable_uses(src, tokens, lang, p, indexes)?;
    (uses.len() == 1).then(|| (binding, uses.remove(0)))
}

/// A URL held in a local that several requests read (a retry, a fallback), in Java, Kotlin
/// and C#, or in Python when its query is `urlencode({…})`d into it, or a query dict (Python,
/// Ruby) that several requests pass as their `params=` (`query:`), keeping entries besides
/// the key, or a JavaScript `URL` (`URLSearchParams`) whose query a statement of its own adds
/// the key to, sent by a retry: each read is placed as a request of its own,
/// and the fix is all of them or none. Unsafe (SPEC: a value used by several requests).
/// `None` unless 2 to 4 reads, none of them a reassignment; `Some(Err)` says which read could
/// not get the header.
fn shared_url(req: &Request, p: &ApiKeyParam) -> Option<Result<Placement, String>> {
    use crate::lang::RequestStyle;
    if p.shape == ParamShape::Builder && inside_string_text(req.tokens, p) {
        return None; // a query in a string's field: its tokens are the string's
    }
    let url_local = matches!(
        req.lang.request_style(),
        RequestStyle::Jvm | RequestStyle::CSharp
    ) && p.shape != ParamShape::Builder;
    // `url = BASE + "?" + urlencode({"apikey": k, …})`: the local holds a URL, read as one.
    let encoded_url = req.lang.request_style() == RequestStyle::Python
        && p.shape == ParamShape::Builder
        && token_at(req.tokens, p.span.start).is_some_and(|k| {
            search_params_call(req.src, req.tokens, req.lang, k, Indexes::of_request(req)).is_some()
        });
    // `url.searchParams.set('apikey', k)`: every read of `url` sends the URL.
    let search_params = token_at(req.tokens, p.span.start).and_then(|k| {
        search_params_statement(req.src, req.tokens, req.lang, k, Indexes::of_request(req))
    });
    let query_dict = !encoded_url
        && follows_query_dicts(req.lang)
        && p.shape == ParamShape::Builder
        && sole_entry(
            req.src,
            req.tokens,
            &(p.span.start..p.value.end.max(p.span.end)),
        )
        .is_none();
    if !url_local && !query_dict && !encoded_url && search_params.is_none() {
        return None;
    }
    // Several reads of a query that would be left empty: by hand.
    if search_params
        .is_some_and(|s| search_params_emptied(req.src, req.tokens, s, Indexes::of_request(req)))
    {
        return None;
    }
    let (_, uses) = match search_params {
        Some(_) => search_params_reads(req.src, req.tokens, req.lang, p, Indexes::of_request(req))?,
        None => variable_uses(req.src, req.tokens, req.lang, p, Indexes::of_request(req))?,
    };
    if !(2..=4).contains(&uses.len()) {
        return None;
    }
    let passed_as_query = |u: &std::ops::Range<usize>| {
        token_at(req.tokens, u.start)
            .is_some_and(|v| query_keyword_of(req.src, req.tokens, req.lang, v).is_some())
    };
    if query_dict && !uses.iter().all(passed_as_query) {
        return None;
    }
    // (A search-params read can be a whole template literal: the name is the statement's.)
    let name = String::from_utf8_lossy(match search_params {
        Some(statement) => req.tokens[statement.name].text(req.src),
        None => &req.src[uses[0].clone()],
    })
    .into_owned();
    let mut all = Placement {
        edits: Vec::new(),
        applicability: Applicability::Unsafe,
        sends: None,
        how: String::new(),
    };
    for at in &uses {
        let line = 1 + req.src[..at.start].iter().filter(|&&b| b == b'\n').count();
        let placed = place::place(&Request {
            at: at.clone(),
            builder: req.builder && !encoded_url && search_params.is_none(),
            ..req.clone()
        })
        .map_err(|why| {
            format!(
                "`{name}` is read {} times: each read must be a request that gets the header, and the one on line {line} is not ({why})",
                uses.len()
            )
        });
        match placed {
            Ok(placement) => {
                all.edits.extend(placement.edits);
                if all.how.is_empty() {
                    all.how = placement.how;
                }
            }
            Err(why) => return Some(Err(why)),
        }
    }
    all.how = format!(
        "{}, in each of the {} requests that read `{name}`",
        all.how,
        uses.len()
    );
    Some(Ok(all))
}

/// Where the query dict holding the builder key `p` is read, when it is assigned to a name
/// (`q = {"apikey": k}`, a module's `QUERY = {…}`, Ruby's `query = { apikey: k }`): each
/// request that passes it sends the key. Empty otherwise, or when the name is reassigned.
pub(crate) fn query_dict_reads(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    p: &ApiKeyParam,
    indexes: Indexes,
) -> Vec<std::ops::Range<usize>> {
    let assigned = token_at(tokens, p.span.start)
        .and_then(|key| assigned_dict(src, tokens, indexes, key))
        .is_some();
    if p.shape != ParamShape::Builder || !follows_query_dicts(lang) || !assigned {
        return Vec::new();
    }
    variable_uses(src, tokens, lang, p, indexes).map_or_else(Vec::new, |(_, uses)| uses)
}

/// The dict holding the query key token `key` when it is the value of an assignment
/// (`q = {"apikey": k}`, `q = dict(apikey=k)`): (its first token, its opening bracket).
fn assigned_dict(
    src: &[u8],
    tokens: &[Token],
    indexes: Indexes,
    key: usize,
) -> Option<(usize, usize)> {
    crate::lang::tokens::enclosing_map_near(src, tokens, indexes.openers, key).filter(
        |&(start, open)| {
            !tokens[open].is_punct(src, "[")
                && prev_significant(tokens, start).is_some_and(|e| tokens[e].is_punct(src, "="))
        },
    )
}

/// Every read of the variable a URL is assigned to, in the rest of its block: where the name
/// is assigned, and the byte ranges of its reads. `None` when it is reassigned.
fn variable_uses(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    p: &ApiKeyParam,
    indexes: Indexes,
) -> Option<(usize, Vec<std::ops::Range<usize>>)> {
    let lit = token_at(tokens, p.name.start)?;
    // Back to the assignment: `NAME =` (or `NAME :=`, `let NAME =`, `const NAME =`).
    let mut i = lit;
    let mut depth = 0i32;
    // Where the assigned expression's own tokens end at the latest: past any builder call.
    let mut scan_from = lit;
    // `params = {"apikey": k, …}` (Python, Ruby), `q = dict(apikey=k, …)`: a query dict held
    // in a variable is sent where the variable is passed; its assignment is just before it.
    if p.shape == ParamShape::Builder
        && follows_query_dicts(lang)
        && let Some((dict, open)) = assigned_dict(src, tokens, indexes, lit)
    {
        i = dict;
        scan_from = matching_close(src, tokens, open)?;
    } else if p.shape == ParamShape::Builder
        && let Some(call) = search_params_call(src, tokens, lang, lit, indexes)
    {
        // `const q = new URLSearchParams({ apikey: k, … })`: sent where `q` is read.
        i = call;
        scan_from = matching_close(src, tokens, call)?;
    } else if let Some(open) = add_query_string(src, tokens, lang, lit) {
        // `var url = QueryHelpers.AddQueryString(u, "apikey", k)`: sent where `url` is read.
        i = open;
        scan_from = matching_close(src, tokens, open)?;
    } else if let Some(nested) = query::nested_format(src, tokens, lit) {
        // `var url = string.Format("…&{2}", u, n, string.Format("apikey={0}", k))`.
        i = nested.outer_open;
        scan_from = matching_close(src, tokens, i)?;
    }
    let eq = loop {
        i = prev_significant(tokens, i)?;
        let t = &tokens[i];
        match t.text(src) {
            b")" | b"]" => depth += 1,
            b"(" | b"[" => {
                depth -= 1;
                if depth < 0 {
                    // `url := fmt.Sprintf("…?apikey=%s", k)`, `uri = URI("…")`: a call that
                    // only builds the URL; the assignment is before it. Python's
                    // `url = ("…"\n "…" + k)` only groups.
                    scan_from = matching_close(src, tokens, i)?;
                    let grouping =
                        prev_significant(tokens, i).is_some_and(|e| tokens[e].is_punct(src, "="));
                    if !grouping {
                        i = url_builder_start(src, tokens, i)?;
                    }
                    depth = 0;
                }
            }
            b"=" if depth == 0 => break i,
            b";" | b"{" | b"}" | b"," if depth == 0 => return None,
            // A returned URL is assigned nowhere: an `=` before the `return` (or the function
            // it is in) is another statement's.
            b"return" | b"def" if depth <= 0 && t.kind == TokKind::Ident => return None,
            // Nor is an arrow function's body: `const f = (k) => \`…${k}\`` holds a function.
            b"=>" if depth <= 0 => return None,
            _ => {}
        }
    };
    let mut name_tok = match typed_declaration_name(src, tokens, lang, eq) {
        Some(name) => name,
        None => prev_significant(tokens, eq)?,
    };
    if tokens[name_tok].is_punct(src, ":") {
        name_tok = prev_significant(tokens, name_tok)?; // Go's `:=`
    }
    // Ruby's `uri.query = URI.encode_www_form(…)`: the query joins the URI held in `uri`,
    // which is sent where `uri` is read next.
    if lang.request_style() == crate::lang::RequestStyle::Ruby
        && tokens[name_tok].text(src) == b"query"
        && let Some(dot) =
            prev_significant(tokens, name_tok).filter(|&d| tokens[d].is_punct(src, "."))
    {
        name_tok = prev_significant(tokens, dot)?;
        if prev_significant(tokens, name_tok).is_some_and(|d| tokens[d].is_punct(src, ".")) {
            return None; // `a.uri.query = …`: not a local
        }
    }
    if tokens[name_tok].kind != TokKind::Ident {
        return None;
    }
    let name = tokens[name_tok].text(src).to_vec();
    let bare = name.strip_prefix(b"$").unwrap_or(&name).to_vec();
    // The statement's end (`j`: its last token), then the rest of the enclosing block.
    let mut j = scan_from;
    let mut last = scan_from; // the last token that is not a comment or line break
    let mut depth = 0i32;
    while j + 1 < tokens.len() {
        let t = &tokens[j + 1];
        match (t.kind, t.text(src)) {
            (TokKind::Punct, b"(" | b"[" | b"{") => depth += 1,
            (TokKind::Punct, b")" | b"]" | b"}") => depth -= 1,
            _ => {}
        }
        let significant = !matches!(t.kind, TokKind::Comment | TokKind::Newline);
        if depth < 0 || (significant && depth <= 0 && query::ends_line(src, &tokens[last], t)) {
            break; // `t` already belongs to what follows
        }
        j += 1;
        if significant {
            last = j;
        }
        if (t.is_punct(src, ";") && depth <= 0)
            || (lang.line_oriented() && t.kind == TokKind::Newline && depth <= 0)
        {
            break;
        }
    }
    // Python blocks end where the indentation falls below the assignment's; so do Ruby's
    // (at their `end`, written at the indentation of the line that opened them).
    let block_end = if matches!(lang.name(), "python" | "ruby") {
        dedent_after(src, tokens[name_tok].start(), tokens[j].end())
    } else {
        src.len()
    };
    let style = lang.request_style();
    // Each token that may read the name, in order, with whether it is inside brackets opened
    // after the statement: a read, or not (`Some(false)`), or a reassignment (`None`), which
    // ends what we can follow (and the search: the rest of the block is not asked).
    let php = style == crate::lang::RequestStyle::Php;
    let judge = |k: usize, nested: bool| -> Option<bool> {
        let t = &tokens[k];
        // `.url(url)`: a member named like the variable is not a use of it. (PHP's `.` joins
        // strings: `"…?" . $query` reads the variable.)
        let member = t.kind == TokKind::Ident
            && prev_significant(tokens, k).is_some_and(|d| match tokens[d].text(src) {
                b"." => !php,
                b"->" | b"::" | b"?." | b"?->" => true,
                _ => false,
            });
        if member {
            return Some(false);
        }
        if crate::lang::tree::reads_address_only(src, t.end()) {
            return Some(false); // `uri.host`: where the request goes, not what it sends
        }
        if nested && keyword_name(src, tokens, lang, k) {
            return Some(false); // `params=params`: the keyword is not the variable
        }
        if next_significant(tokens, k).is_some_and(|n| tokens[n].is_punct(src, "=")) {
            return None;
        }
        Some(true)
    };
    // Most blocks end near: walked. The rest, from the file's indexes: a function of
    // thousands of locals, each read by one request, is not walked to its end once per
    // request. (Shell reads are parts of words and strings, which the indexes do not hold.)
    let budget = (style != crate::lang::RequestStyle::Shell).then_some(WALKED_TOKENS);
    let mut uses = Vec::new();
    let walked = walked_reads(
        src,
        tokens,
        style,
        j,
        (&name, &bare),
        block_end,
        budget,
        &mut |k, nested| {
            if judge(k, nested)? {
                uses.push(tokens[k].span());
            }
            Some(())
        },
    );
    match walked {
        Walk::Reassigned => return None,
        Walk::Done => {}
        Walk::TooLong => {
            uses.clear();
            let (openers, layout) = (indexes.openers(src, tokens), indexes.layout(src, tokens));
            let end = openers.level_end(j + 1).unwrap_or(tokens.len());
            let level = openers.of(j + 1);
            let in_block = |k: &usize| *k < end && tokens[*k].start() < block_end;
            let mut idents = layout
                .uses_after(src, tokens, &name, j)
                .take_while(in_block)
                .peekable();
            // JavaScript: `${q}` in a template.
            let templates: &[u32] = match style {
                crate::lang::RequestStyle::JavaScript => {
                    layout.template_reads_after(src, tokens, &name, j)
                }
                _ => &[],
            };
            let mut templates = templates
                .iter()
                .map(|&k| k as usize)
                .take_while(in_block)
                .peekable();
            // Both in order, merged: read one at a time, as a reassignment ends the search.
            loop {
                let k = match (idents.peek(), templates.peek()) {
                    (Some(&i), Some(&t)) if t < i => templates.next(),
                    (Some(_), _) => idents.next(),
                    (None, _) => templates.next(),
                };
                let Some(k) = k else { break };
                if judge(k, openers.of(k) != level)? {
                    uses.push(tokens[k].span());
                }
            }
        }
    }
    Some((tokens[name_tok].start(), uses))
}

/// How many tokens [`walked_reads`] looks at before the file's indexes are asked instead.
const WALKED_TOKENS: usize = 1024;

/// How a walk through the rest of a block ended.
enum Walk {
    /// At the block's end.
    Done,
    /// At a reassignment of the name.
    Reassigned,
    /// At the budget, before the block's end.
    TooLong,
}

/// Hands `read` each token after token `j` that may read the variable (`name`; in Shell also
/// `$` and `bare`, in words and strings; in JavaScript `${name}` in a template), up to the
/// end of the enclosing block or byte `block_end`, with whether it is inside brackets opened
/// after `j`, until `read` says it is a reassignment (`None`) or the block goes on past
/// `budget` tokens.
#[allow(clippy::too_many_arguments)]
fn walked_reads(
    src: &[u8],
    tokens: &[Token],
    style: crate::lang::RequestStyle,
    j: usize,
    (name, bare): (&[u8], &[u8]),
    block_end: usize,
    budget: Option<usize>,
    read: &mut impl FnMut(usize, bool) -> Option<()>,
) -> Walk {
    use crate::lang::RequestStyle;
    let mut depth = 0i32;
    for (k, t) in tokens.iter().enumerate().skip(j + 1) {
        if budget.is_some_and(|b| k - j > b) {
            return Walk::TooLong;
        }
        if t.start() >= block_end {
            break;
        }
        if t.kind == TokKind::Punct {
            match t.text(src) {
                b"(" | b"[" | b"{" => depth += 1,
                b")" | b"]" | b"}" => {
                    depth -= 1;
                    if depth < 0 {
                        break; // end of the enclosing block
                    }
                }
                _ => {}
            }
            continue;
        }
        let text = t.text(src);
        let is_use = match t.kind {
            TokKind::Ident => {
                text == name
                    || (style == RequestStyle::Shell && text.strip_prefix(b"$") == Some(bare))
            }
            // Shell: `"$URL"` / `"${URL}"` inside a string; JavaScript: `${q}` in a template.
            TokKind::Str => match style {
                RequestStyle::Shell => {
                    memchr::memmem::find(text, &[b"$".as_slice(), bare].concat()).is_some()
                        || memchr::memmem::find(text, &[b"${".as_slice(), bare, b"}"].concat())
                            .is_some()
                }
                RequestStyle::JavaScript => {
                    text.first() == Some(&b'`')
                        && memchr::memmem::find(text, &[b"${".as_slice(), name, b"}"].concat())
                            .is_some()
                }
                _ => false,
            },
            _ => false,
        };
        if is_use && read(k, depth > 0).is_none() {
            return Walk::Reassigned;
        }
    }
    Walk::Done
}

/// The name a declaration with a type binds, from the `=` at token `eq`: `const url: string =`
/// (TypeScript), `val url: String =` (Kotlin), `let url: String =` (Rust), `url: str =`
/// (Python, the name first on its line), `var url string =` (Go). The type is a few tokens
/// on the declaration's line; `None` for anything else (a plain `url =`, `if ok: url =`), which
/// is read as before.
fn typed_declaration_name(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    eq: usize,
) -> Option<usize> {
    use crate::lang::RequestStyle;
    const TYPE_REACH: usize = 8;
    const TYPE_PUNCT: &[&str] = &[".", "::", "<", ">", ",", "[", "]", "?", "&", "|", "*"];
    let same_line = |a: usize, b: usize| !src[tokens[a].end()..tokens[b].start()].contains(&b'\n');
    let is_keyword = |i: Option<usize>, words: &[&[u8]]| {
        i.is_some_and(|i| tokens[i].kind == TokKind::Ident && words.contains(&tokens[i].text(src)))
    };
    let style = lang.request_style();
    let mut k = eq;
    for reached in 0..TYPE_REACH {
        let t = prev_significant(tokens, k).filter(|&t| same_line(t, k))?;
        let before = prev_significant(tokens, t).filter(|&b| same_line(b, t));
        // Go: `var NAME TYPE =`.
        if style == RequestStyle::Go
            && reached > 0
            && tokens[t].kind == TokKind::Ident
            && is_keyword(before, &[b"var"])
        {
            return Some(t);
        }
        if tokens[t].is_punct(src, ":") && reached > 0 && style != RequestStyle::Go {
            let name = before.filter(|&n| tokens[n].kind == TokKind::Ident)?;
            let declared = if style == RequestStyle::Python {
                let line_start = src[..tokens[name].start()]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |n| n + 1);
                src[line_start..tokens[name].start()]
                    .iter()
                    .all(u8::is_ascii_whitespace)
            } else {
                let keyword = prev_significant(tokens, name).filter(|&d| same_line(d, name));
                is_keyword(keyword, &[b"const", b"let", b"var", b"val", b"mut"])
            };
            return declared.then_some(name);
        }
        let type_part = tokens[t].kind == TokKind::Ident
            || (tokens[t].kind == TokKind::Punct
                && TYPE_PUNCT.iter().any(|p| tokens[t].is_punct(src, p)));
        if !type_part {
            return None;
        }
        k = t;
    }
    None
}

/// The variable whose name is at byte `binding` is given the query itself, the map or the
/// encoding call around the key token `key` (`query = {…}`, `q = urlencode({…})`), not a URL
/// built around it (`url = BASE + "?" + urlencode({…})`, a URI whose `query` is set later).
fn holds_query(src: &[u8], tokens: &[Token], binding: usize, key: usize) -> bool {
    let Some(name) = token_at(tokens, binding) else {
        return false;
    };
    // `q = …`, `q := …`, `const q: URLSearchParams = …`: the first `=` of the statement.
    let Some(eq) = (name + 1..tokens.len().min(name + 8))
        .take_while(|&j| !tokens[j].is_punct(src, ";") && tokens[j].kind != TokKind::Newline)
        .find(|&j| tokens[j].is_punct(src, "="))
    else {
        return false;
    };
    let Some(value) = next_significant(tokens, eq) else {
        return false;
    };
    // The outermost bracket around the key that opens inside the value.
    let mut outermost = None;
    let mut open = enclosing_open(src, tokens, key);
    while let Some(o) = open.filter(|&o| o >= value) {
        outermost = Some(o);
        open = enclosing_open(src, tokens, o);
    }
    let Some(outermost) = outermost else {
        return false;
    };
    // Only the callee's name comes before it (`urlencode`, `new URLSearchParams`).
    let callee_only = tokens[value..outermost]
        .iter()
        .all(|t| t.kind == TokKind::Ident || t.is_punct(src, ".") || t.is_punct(src, "::"));
    callee_only
        && matching_close(src, tokens, outermost)
            .is_some_and(|c| tokens[c].end() == expression_end(src, tokens, value))
}

/// A call that encodes the map around the key token `lit` as a query string, that map being
/// its only argument: `new URLSearchParams({ apikey: k, … })` (JavaScript),
/// `http_build_query(['apikey' => $k, …])` or `http_build_query(array(…))` (PHP),
/// `urlencode({"apikey": k, …})` (Python, with entries besides the key: the key alone would
/// leave an empty query behind). The `(` of the call.
fn search_params_call(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    lit: usize,
    indexes: Indexes,
) -> Option<usize> {
    // The bracket around the key from the file's index: the walk back to it crosses the
    // whole function when the key is in none (a local assigned in the function's body).
    let enclosing_open = |_: &[u8], _: &[Token], k: usize| {
        crate::lang::tokens::enclosing_open_near(src, tokens, indexes.openers, k)
    };
    let (encoder, map_open): (&[u8], &[&str]) = match lang.request_style() {
        crate::lang::RequestStyle::JavaScript => (b"URLSearchParams", &["{"]),
        crate::lang::RequestStyle::Php => (b"http_build_query", &["[", "("]),
        crate::lang::RequestStyle::Python => (b"urlencode", &["{", "("]),
        crate::lang::RequestStyle::Ruby => {
            // `URI.encode_www_form(apikey: k, …)`: the map is the call's keyword arguments.
            let call =
                enclosing_open(src, tokens, lit).filter(|&o| tokens[o].is_punct(src, "("))?;
            let named = prev_significant(tokens, call)
                .is_some_and(|n| tokens[n].text(src) == b"encode_www_form");
            // With the key alone, an empty query would be left behind: by hand.
            let more = crate::lang::tokens::arguments(src, tokens, call).len() > 1;
            return (named && more).then_some(call);
        }
        _ => return None,
    };
    let object = enclosing_open(src, tokens, lit)
        .filter(|&o| map_open.iter().any(|b| tokens[o].is_punct(src, b)))?;
    // PHP's `array(…)`, Python's `dict(…)`: the map starts at that name.
    let map_start = if tokens[object].is_punct(src, "(") {
        let constructor: &[u8] = match lang.request_style() {
            crate::lang::RequestStyle::Python => b"dict",
            _ => b"array",
        };
        prev_significant(tokens, object)
            .filter(|&a| tokens[a].text(src).eq_ignore_ascii_case(constructor))?
    } else {
        object
    };
    let call = prev_significant(tokens, map_start).filter(|&c| tokens[c].is_punct(src, "("))?;
    let named = prev_significant(tokens, call).is_some_and(|n| tokens[n].text(src) == encoder);
    let only_argument = next_significant(tokens, matching_close(src, tokens, object)?)
        == matching_close(src, tokens, call);
    // Python: a query of the key alone goes only whole, with its `?`.
    let leaves_a_query = lang.request_style() != crate::lang::RequestStyle::Python
        || crate::lang::tokens::arguments(src, tokens, object).len() > 1
        || place::python_key_only_query(indexes.script(src, tokens), lit).is_some();
    (named && only_argument && leaves_a_query).then_some(call)
}

/// A statement of its own that adds the key to a query (JavaScript): `NAME.searchParams.set(
/// 'apikey', k)` on a `URL`, or `NAME.set('apikey', k)` / `.append(…)` on
/// `const NAME = new URLSearchParams(…)`, or `q.set('apikey', k)` on
/// `const q = NAME.searchParams` (the `URL`'s own query under another name).
#[derive(Clone, Copy)]
struct SearchParamsStatement {
    /// The token of `NAME`, whose reads send the query: in the statement, or in the
    /// declaration of the alias the statement sets.
    name: usize,
    /// The statement's first token (`NAME`, or the alias).
    receiver: usize,
    /// The call's `)`.
    close: usize,
    /// `NAME` holds the `URLSearchParams` itself, not a `URL` whose `.searchParams` it sets.
    own_params: bool,
}

impl SearchParamsStatement {
    /// The statement sets the query through an alias of `NAME.searchParams`.
    fn aliased(&self) -> bool {
        self.receiver != self.name
    }
}

/// The statement around the key token `key` when it is a [`SearchParamsStatement`].
fn search_params_statement(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    key: usize,
    idx: Indexes,
) -> Option<SearchParamsStatement> {
    if lang.request_style() != crate::lang::RequestStyle::JavaScript {
        return None;
    }
    let open = prev_significant(tokens, key).filter(|&o| tokens[o].is_punct(src, "("))?;
    let close = matching_close(src, tokens, open)?;
    let method = prev_significant(tokens, open)
        .filter(|&m| matches!(tokens[m].text(src), b"set" | b"append"))?;
    let dot = prev_significant(tokens, method).filter(|&d| tokens[d].is_punct(src, "."))?;
    let before = prev_significant(tokens, dot)?;
    let own_params = tokens[before].text(src) != b"searchParams";
    let name = if own_params {
        before
    } else {
        let dot = prev_significant(tokens, before).filter(|&d| tokens[d].is_punct(src, "."))?;
        prev_significant(tokens, dot)?
    };
    if tokens[name].kind != TokKind::Ident {
        return None;
    }
    // `params.set(…)` is a `URLSearchParams` call only on a name declared as one (an Angular
    // `HttpParams` or a `Map` has a `set` too), or as a `URL`'s own query.
    let member = prev_significant(tokens, name).is_some_and(|d| tokens[d].is_punct(src, "."));
    if own_params && member {
        return None;
    }
    if own_params && search_params_declaration(src, tokens, name, idx).is_none() {
        let url = search_params_alias(src, tokens, name, idx)?;
        return Some(SearchParamsStatement {
            name: url,
            receiver: name,
            close,
            own_params: false,
        });
    }
    Some(SearchParamsStatement {
        name,
        receiver: name,
        close,
        own_params,
    })
}

/// For the name at token `name`: the `(` of `new URLSearchParams(` in the nearest
/// `const|let|var NAME = new URLSearchParams(…)` before it, in its block or one around it.
fn search_params_declaration(
    src: &[u8],
    tokens: &[Token],
    name: usize,
    idx: Indexes,
) -> Option<usize> {
    let declared = declaration_before(src, tokens, name, idx)?;
    // `const q: URLSearchParams = …` in TypeScript.
    let name_end =
        tokens_after(src, tokens, declared, &[b":", b"URLSearchParams"]).unwrap_or(declared);
    tokens_after(
        src,
        tokens,
        name_end,
        &[b"=", b"new", b"URLSearchParams", b"("],
    )
}

/// For the name at token `name`, declared `const|let|var NAME = url.searchParams;` in its
/// block or one around it: the token of `url`, a plain name.
fn search_params_alias(src: &[u8], tokens: &[Token], name: usize, idx: Indexes) -> Option<usize> {
    let declared = declaration_before(src, tokens, name, idx)?;
    let url = tokens_after(src, tokens, declared, &[b"="])
        .and_then(|eq| next_significant(tokens, eq))
        .filter(|&u| tokens[u].kind == TokKind::Ident)?;
    let property = tokens_after(src, tokens, url, &[b".", b"searchParams"])?;
    // The declaration ends there: not `url.searchParams.get(…)` or `url.searchParams ?? x`.
    let ends = next_significant(tokens, property).is_none_or(|n| {
        tokens[n].is_punct(src, ";") || query::ends_line(src, &tokens[property], &tokens[n])
    });
    ends.then_some(url)
}

/// For the name at token `name`: the same name in the nearest `const|let|var NAME` before
/// it, in its block or one around it. Looked for among the name's declarations (the file's
/// index), not by a walk back through the blocks.
fn declaration_before(src: &[u8], tokens: &[Token], name: usize, idx: Indexes) -> Option<usize> {
    let openers = idx.openers(src, tokens);
    let declared = idx
        .layout(src, tokens)
        .declarations(src, tokens, tokens[name].text(src));
    let before = &declared[..declared.partition_point(|&k| (k as usize) < name)];
    // In a block around `name`: its innermost bracket is still open there.
    before.iter().rev().map(|&k| k as usize).find(|&k| {
        openers
            .of(k)
            .is_none_or(|o| openers.close_of(o).is_none_or(|c| c > name))
    })
}

/// The last of the tokens that follow token `i` when their texts are `words`, in order.
fn tokens_after(src: &[u8], tokens: &[Token], i: usize, words: &[&[u8]]) -> Option<usize> {
    words.iter().try_fold(i, |at, word| {
        next_significant(tokens, at).filter(|&n| tokens[n].text(src) == *word)
    })
}

/// The manual change for a [`SearchParamsStatement`]; `emptied` when the key was the query's
/// only entry, so that the URL would end in a bare `?`.
fn search_params_advice(
    src: &[u8],
    tokens: &[Token],
    statement: SearchParamsStatement,
    emptied: bool,
) -> String {
    let name = String::from_utf8_lossy(tokens[statement.name].text(src));
    let advice = format!(
        "the parameter is added by a statement of its own: delete `{}` and add the header to the call that sends `{name}`",
        String::from_utf8_lossy(
            &src[tokens[statement.receiver].start()..tokens[statement.close].end()]
        ),
    );
    if emptied {
        format!("{advice}; `{name}` then holds nothing, so take it out of the URL too")
    } else {
        advice
    }
}

/// `NAME.searchParams.<set|append|delete>(` (or `NAME.<set|append|delete>(` when `NAME` holds
/// the `URLSearchParams`): a statement that builds `NAME`'s own query.
fn builds_own_query(src: &[u8], tokens: &[Token], name: usize, own_params: bool) -> bool {
    let mut k = name;
    let mut next = |want: &[&[u8]]| {
        k = match next_significant(tokens, k) {
            Some(n) if want.contains(&tokens[n].text(src)) => n,
            _ => return false,
        };
        true
    };
    next(&[b"."])
        && (own_params || (next(&[b"searchParams"]) && next(&[b"."])))
        && next(&[b"set", b"append", b"delete"])
        && next(&[b"("])
}

/// For `url.searchParams.set('apikey', k)` (JavaScript) or `url = BASE + "?" +
/// urlencode({"apikey": k, …})` (Python): where `url` is declared and the read that sends
/// it — its only read after the statement, or the only one of several reads that the placer
/// takes for a request. The other reads are pushed to `unsent`: what they do with the URL
/// (its key included) is not known, so a fix that relies on them is unsafe. Several reads that
/// are requests go to `senders`, for the manual change.
fn search_params_sender(
    req: &Request,
    p: &ApiKeyParam,
    unsent: &mut Vec<std::ops::Range<usize>>,
    senders: &mut Vec<std::ops::Range<usize>>,
) -> Option<(usize, std::ops::Range<usize>)> {
    let urlencoded_url = || {
        let encoded = req.lang.request_style() == crate::lang::RequestStyle::Python
            && p.shape == ParamShape::Builder
            && token_at(req.tokens, p.span.start).is_some_and(|k| {
                search_params_call(req.src, req.tokens, req.lang, k, Indexes::of_request(req))
                    .is_some()
            });
        encoded
            .then(|| variable_uses(req.src, req.tokens, req.lang, p, Indexes::of_request(req)))
            .flatten()
    };
    let (binding, mut reads) =
        search_params_reads(req.src, req.tokens, req.lang, p, Indexes::of_request(req))
            .or_else(urlencoded_url)?;
    if reads.len() == 1 {
        return Some((binding, reads.remove(0)));
    }
    // A few reads are each tried as the request; beyond that the URL is not followed.
    if reads.len() > 4 {
        return None;
    }
    // Each read is the URL itself, placed as a request's URL is.
    let (mut sent, others): (Vec<_>, Vec<_>) = reads.into_iter().partition(|at| {
        place::place(&Request {
            at: at.clone(),
            builder: false,
            ..req.clone()
        })
        .is_ok()
    });
    if sent.len() != 1 {
        // No request, or several: which one needs the key is not known.
        if sent.len() > 1 {
            *senders = sent;
        }
        return None;
    }
    unsent.extend(others);
    Some((binding, sent.remove(0)))
}

/// For `url.searchParams.set('apikey', k)`: where `url` is declared (`const url = …` or `let`,
/// in the same block) and its reads after the statement that are not other
/// `url.searchParams.…(…)` statements. `None` when it is read before the statement on the
/// way back to its declaration, or reassigned. Both ways are the name's uses in the block,
/// from the file's index: a block of many such statements is not walked once per statement.
fn search_params_reads(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    p: &ApiKeyParam,
    idx: Indexes,
) -> Option<(usize, Vec<std::ops::Range<usize>>)> {
    let key = token_at(tokens, p.span.start)?;
    let statement = search_params_statement(src, tokens, lang, key, idx)?;
    if statement.aliased() && !alias_only_builds(src, tokens, statement, idx) {
        return None;
    }
    let SearchParamsStatement {
        name: name_tok,
        close,
        own_params,
        ..
    } = statement;
    let (openers, layout) = (idx.openers(src, tokens), idx.layout(src, tokens));
    let name = tokens[name_tok].text(src);
    let member = |k: usize| {
        prev_significant(tokens, k).is_some_and(|d| matches!(tokens[d].text(src), b"." | b"?."))
    };
    // Back to the declaration, in the statement's block: only other query-building
    // statements on the way.
    let block = openers.of(name_tok);
    let mut declared = None;
    for &k in layout
        .uses_in(src, tokens, name, block.map_or(0, |o| o + 1)..name_tok)
        .iter()
        .rev()
    {
        let k = k as usize;
        if member(k) {
            continue;
        }
        let keyword = prev_significant(tokens, k)
            .is_some_and(|d| matches!(tokens[d].text(src), b"const" | b"let"));
        if keyword && openers.of(k) == block {
            declared = Some(k);
            break;
        }
        if !builds_own_query(src, tokens, k, own_params) {
            return None;
        }
    }
    let declared = declared?;
    // Forward to the end of the block: the reads, each a use of the name or a template
    // literal that reads it whole (`${url}`, `${url.toString()}`).
    let end = openers.level_end(close + 1).unwrap_or(tokens.len());
    let mut uses = Vec::new();
    for &k in layout.uses_in(src, tokens, name, close + 1..end) {
        let k = k as usize;
        if member(k) || builds_own_query(src, tokens, k, own_params) {
            continue;
        }
        let assigned = next_significant(tokens, k).is_some_and(|n| {
            tokens[n].is_punct(src, "=") && !tokens.get(n + 1).is_some_and(|e| e.is_punct(src, "="))
        });
        if assigned {
            return None;
        }
        uses.push(k);
    }
    // Template literals that read it whole (`${url}`, `${url.toString()}`); one that
    // mentions it otherwise too (`${url.href}`) may send it as well: which request sends the
    // key is then not known.
    for &k in layout.templates_mentioning(src, tokens, name, close + 1..end) {
        let text = tokens[k as usize].text(src);
        let whole: usize = [b"}".as_slice(), b".toString()}"]
            .iter()
            .map(|close| {
                memchr::memmem::find_iter(text, &[b"${".as_slice(), name, close].concat()).count()
            })
            .sum();
        let mut mentions = 0;
        crate::lang::tokens::template_expression_words(text, &mut |w| {
            mentions += usize::from(w == name);
        });
        // `${url.toString()}` says `toString` too, but `url` once.
        if whole == 0 || mentions > whole {
            return None;
        }
        uses.push(k as usize);
    }
    // Names and templates are different tokens: in order, none twice.
    uses.sort_unstable();
    let uses: Vec<_> = uses.into_iter().map(|k| tokens[k].span()).collect();
    (!uses.is_empty()).then(|| (tokens[declared].start(), uses))
}

/// For a statement on an alias (`const q = url.searchParams;` … `q.set('apikey', k);`): the
/// statement is in the alias's block, `url` is not read between the two but to build its
/// query, and the alias is never read but to build it, before the statement or after it.
/// Then every read of `url` after the statement sends the key, as for
/// `url.searchParams.set(…)`. The uses come from the file's index, not a walk of the block.
fn alias_only_builds(
    src: &[u8],
    tokens: &[Token],
    statement: SearchParamsStatement,
    idx: Indexes,
) -> bool {
    let (url, alias) = (
        tokens[statement.name].text(src),
        tokens[statement.receiver].text(src),
    );
    let (openers, layout) = (idx.openers(src, tokens), idx.layout(src, tokens));
    let plain = |k: usize| {
        !prev_significant(tokens, k).is_some_and(|d| matches!(tokens[d].text(src), b"." | b"?."))
    };
    let declares = |k: usize| {
        prev_significant(tokens, k)
            .is_some_and(|d| matches!(tokens[d].text(src), b"const" | b"let" | b"var"))
    };
    // The alias's block, from `url` in its declaration on.
    let from = statement.name + 1;
    let end = openers.level_end(from).unwrap_or(tokens.len());
    if statement.receiver < end && openers.of(statement.receiver) != openers.of(from) {
        return false; // the statement is nested in a block of its own (`if (…) q.set(…)`)
    }
    if !layout
        .templates_mentioning(src, tokens, alias, from..end)
        .is_empty()
    {
        return false; // the alias read into a template literal
    }
    let alias_read = layout
        .uses_in(src, tokens, alias, from..end)
        .iter()
        .map(|&k| k as usize)
        .any(|k| plain(k) && !declares(k) && !builds_own_query(src, tokens, k, true));
    let url_read_before = layout
        .uses_in(src, tokens, url, from..end.min(statement.receiver))
        .iter()
        .map(|&k| k as usize)
        .any(|k| plain(k) && !builds_own_query(src, tokens, k, false));
    !(alias_read || url_read_before)
}

/// The line of `const q = url.searchParams;` when the statement on `q` is its only use:
/// without the statement it would be an unused local.
fn unused_alias_line(
    src: &[u8],
    tokens: &[Token],
    statement: SearchParamsStatement,
    idx: Indexes,
) -> Option<std::ops::Range<usize>> {
    if !statement.aliased() {
        return None;
    }
    let alias = tokens[statement.receiver].text(src);
    let eq = prev_significant(tokens, statement.name)?;
    let declared = prev_significant(tokens, eq)?;
    let keyword = prev_significant(tokens, declared)?;
    let end = tokens_after(src, tokens, statement.name, &[b".", b"searchParams"])?;
    // Any other use in the rest of the block, a template literal that mentions it included.
    let (openers, layout) = (idx.openers(src, tokens), idx.layout(src, tokens));
    let rest = end + 1..openers.level_end(end + 1).unwrap_or(tokens.len());
    let other_use = layout
        .uses_in(src, tokens, alias, rest.clone())
        .iter()
        .any(|&k| k as usize != statement.receiver)
        || !layout
            .templates_mentioning(src, tokens, alias, rest)
            .is_empty();
    if other_use {
        return None;
    }
    place::line_of_statement(src, tokens, keyword, end)
}

/// Whether taking the statement out would leave its `URLSearchParams` empty: it was declared
/// `new URLSearchParams()` and nothing else adds to it. The URL it is read into would end in
/// a bare `?`, a leftover that takes the query out of the URL by hand. (A `URL` drops an
/// empty `?` itself.)
fn search_params_emptied(
    src: &[u8],
    tokens: &[Token],
    statement: SearchParamsStatement,
    idx: Indexes,
) -> bool {
    if !statement.own_params {
        return false;
    }
    let Some(open) = search_params_declaration(src, tokens, statement.name, idx) else {
        return false;
    };
    if next_significant(tokens, open).is_none_or(|n| !tokens[n].is_punct(src, ")")) {
        return false; // given entries, or an object whose entries are not known
    }
    let name = tokens[statement.name].text(src);
    // The uses of the name in the rest of the declaration's block.
    let block_end = idx
        .openers(src, tokens)
        .level_end(open)
        .unwrap_or(tokens.len());
    let uses = idx
        .layout(src, tokens)
        .uses_in(src, tokens, name, open + 1..block_end);
    !uses.iter().map(|&k| k as usize).any(|k| {
        k != statement.name
            && !prev_significant(tokens, k).is_some_and(|d| tokens[d].is_punct(src, "."))
            && next_significant(tokens, k).is_some_and(|d| tokens[d].is_punct(src, "."))
            && next_significant(tokens, k + 1)
                .is_some_and(|m| matches!(tokens[m].text(src), b"set" | b"append"))
    })
}

/// How the string around a template (`{k}`, `#{k}`, `$k`, `${k}`) reads it, where that is not
/// what detection (which does not parse) assumed: it reads the variable for code.
enum TemplateReading {
    /// The string interpolates it (the syntax tree shows the interpolation).
    Read,
    /// A string kind that does not interpolate it holds its text: `'…?apikey=${KEY}'` in
    /// JavaScript, `"…?apikey={key}"` in Python without `f`, `'…#{key}'` in Ruby, `'…$key'` in
    /// PHP, `"…{key}"` in C# without `$`, anything in Java or Go. The request sends those
    /// characters, and the header must send the same, not a variable the request never read.
    /// The parameter as the fixer should see it.
    Text(ApiKeyParam),
    /// The text may still be a format string that other code fills (a Python template
    /// formatted where its variable is read): neither reading is certain.
    Unsure(String),
}

fn template_reading(
    file: &SourceFile,
    facts: &Facts,
    lang: &dyn Language,
    p: &ApiKeyParam,
) -> Option<TemplateReading> {
    let value = std::str::from_utf8(&file.bytes[p.value.clone()]).ok()?;
    // Kotlin's raw string knows no escapes: `"""…\$key"""` is a backslash and then the value of
    // `key`, neither the text `$key` nor the key alone.
    if lang.name() == "kotlin"
        && matches!(p.shape, ParamShape::Url | ParamShape::Fragment)
        && value.starts_with("\\$")
        && token_at(&facts.tokens, p.value.start)
            .is_some_and(|t| file.bytes[facts.tokens[t].start()..].starts_with(b"\"\"\""))
    {
        return Some(TemplateReading::Unsure(format!(
            "in a raw string `{value}` is a backslash followed by a template; write the header's value by hand"
        )));
    }
    let looks_interpolated = p.value_kind == ValueKind::Interpolated
        && matches!(p.shape, ParamShape::Url | ParamShape::Fragment)
        && lang_is_code(lang)
        && query::template_expr(lang, value).is_some();
    // Kotlin interpolates `$name` in every string kind; its one escape, `\$`, is part of the
    // value, which `template_expr` already reads as text (and the grammar gives `$name` no
    // node of its own).
    if !looks_interpolated || (lang.name() == "kotlin" && value.starts_with('$')) {
        return None;
    }
    let (src, tokens) = (&file.bytes[..], &facts.tokens[..]);
    let lit = || token_at(tokens, p.value.start).filter(|&t| tokens[t].kind == TokKind::Str);
    // Spring's URI templates fill `{name}` from the call's arguments (see the JVM placer),
    // also where the literal is held in a variable first: only a literal that reaches no
    // such call, given straight to another call (`.url("…{key}")`, `URI.create("…{key}")`)
    // or held in a local that only such calls read, is surely text.
    if lang.request_style() == crate::lang::RequestStyle::Jvm
        && value.starts_with('{')
        && !lit().is_some_and(|l| {
            argument_of_plain_call(src, tokens, l)
                || read_by_plain_calls(src, tokens, lang, p, l, Indexes::of(facts))
        })
    {
        return None;
    }
    let interpolated = if lang.name() == "rust" {
        // Only a macro's format string reads `{name}` (`format!`, `println!`, …).
        prev_significant(tokens, lit()?)
            .filter(|&o| tokens[o].is_punct(src, "("))
            .and_then(|o| prev_significant(tokens, o))
            .is_some_and(|b| tokens[b].is_punct(src, "!"))
    } else if let Some(interpolates) =
        lit().and_then(|l| opener_interpolates(lang, src, &tokens[l], p.value.start))
    {
        interpolates
    } else {
        let last = p.value.end.saturating_sub(1).max(p.value.start);
        match facts.tree_around(file, &[p.value.start, last]) {
            Some(tree) => crate::lang::tree::interpolated_in_string(tree, p.value.clone())?,
            // Too large to parse: JavaScript's lexer knows which quote opened the string.
            None if lang.request_style() == crate::lang::RequestStyle::JavaScript => {
                src[tokens[lit()?].start()] == b'`'
            }
            None => return None,
        }
    };
    if interpolated {
        return Some(TemplateReading::Read);
    }
    if lang.request_style() == crate::lang::RequestStyle::Python
        && value.starts_with('{')
        && let Some(formatted) = lit().and_then(|lit| {
            python_format_string(src, tokens, Indexes::of(facts).layout(src, tokens), lit)
        })
    {
        return formatted.map(|name| {
            TemplateReading::Unsure(format!(
                "`{value}` is filled where `{name}` is formatted: send the argument that fills it as the header, and drop that argument with the parameter"
            ))
        });
    }
    Some(TemplateReading::Text(ApiKeyParam {
        value_kind: ValueKind::Placeholder,
        ..p.clone()
    }))
}

/// Whether the string `lit` interpolates the template at `at`, read from the string's opening
/// alone: where nothing between its quote and `at` can open a nested string or an
/// interpolation, the quote (and its prefix) decides, and the file need not be parsed for
/// it (`check` parses a file only for what its tokens cannot tell). `None`: ask the tree.
fn opener_interpolates(lang: &dyn Language, src: &[u8], lit: &Token, at: usize) -> Option<bool> {
    let start = lit.start();
    // The prefix letters (`f`, `rb`, `$`, `@`) may be part of the token or just before it.
    let quote = start
        + src[start..at]
            .iter()
            .position(|b| matches!(b, b'"' | b'\'' | b'`'))?;
    let mut prefix_start = quote;
    while prefix_start > 0
        && matches!(src[prefix_start - 1], b'a'..=b'z' | b'A'..=b'Z' | b'$' | b'@')
    {
        prefix_start -= 1;
    }
    let prefix = &src[prefix_start..quote];
    let between = &src[quote + 1..at];
    if between
        .iter()
        .any(|b| matches!(b, b'{' | b'}' | b'$' | b'#' | b'`' | b'"' | b'\'' | b'\\'))
    {
        return None;
    }
    let q = src[quote];
    let value = &src[at..];
    // Where the value is written in the string kind's own interpolation form.
    let form = |opener: &[u8]| value.starts_with(opener);
    match lang.request_style() {
        crate::lang::RequestStyle::JavaScript if prefix.is_empty() && form(b"${") => {
            Some(q == b'`')
        }
        crate::lang::RequestStyle::Python if q != b'`' && form(b"{") => {
            Some(prefix.iter().any(|b| matches!(b, b'f' | b'F')))
        }
        _ => match (lang.name(), q) {
            ("php", b'"' | b'\'') if prefix.is_empty() && (form(b"$") || form(b"{$")) => {
                Some(q == b'"')
            }
            ("ruby", b'"' | b'\'') if prefix.is_empty() && form(b"#{") => Some(q == b'"'),
            ("shell", b'"' | b'\'') if prefix.is_empty() && form(b"$") => Some(q == b'"'),
            ("csharp", b'"') if form(b"{") => Some(prefix.contains(&b'$')),
            ("go", b'"') => Some(false),
            _ => None,
        },
    }
}

/// Calls of Spring (RestTemplate, WebClient/RestClient `.uri`, UriComponentsBuilder,
/// UriTemplate) whose URL argument is a URI template, `{name}` filled from their arguments.
const URI_TEMPLATE_CALLS: &[&[u8]] = &[
    b"exchange",
    b"getForObject",
    b"getForEntity",
    b"postForObject",
    b"postForEntity",
    b"postForLocation",
    b"patchForObject",
    b"put",
    b"delete",
    b"headForHeaders",
    b"optionsForAllow",
    b"execute",
    b"uri",
    b"fromUriString",
    b"fromHttpUrl",
    b"fromPath",
    b"UriTemplate",
    b"expand",
    b"buildAndExpand",
];

/// The literal `lit` is an argument of a call that takes no URI template
/// (`.url("…")`, `URI.create("…")`, `new URL("…")`).
fn argument_of_plain_call(src: &[u8], tokens: &[Token], lit: usize) -> bool {
    enclosing_open(src, tokens, lit)
        .filter(|&o| tokens[o].is_punct(src, "("))
        .and_then(|o| prev_significant(tokens, o))
        .filter(|&c| tokens[c].kind == TokKind::Ident)
        .is_some_and(|c| !URI_TEMPLATE_CALLS.contains(&tokens[c].text(src)))
}

/// The literal `lit`, outside any call, is assigned to a local whose every read is an
/// argument of a call that takes no URI template (`String url = "…"; ….url(url)`).
fn read_by_plain_calls(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    p: &ApiKeyParam,
    lit: usize,
    indexes: Indexes,
) -> bool {
    let in_call = enclosing_open(src, tokens, lit).is_some_and(|o| tokens[o].is_punct(src, "("));
    !in_call
        && variable_uses(src, tokens, lang, p, indexes).is_some_and(|(_, reads)| {
            !reads.is_empty()
                && reads.iter().all(|r| {
                    token_at(tokens, r.start)
                        .is_some_and(|v| argument_of_plain_call(src, tokens, v))
                })
        })
}

/// A Python string that `.format` may fill: `Some(None)` when it is formatted in place
/// (`"…{k}".format(k=v)`, which the removal follows), `Some(Some(name))` when it is assigned
/// to `name` and the file formats `name` (`URL.format(key=k)`).
fn python_format_string(
    src: &[u8],
    tokens: &[Token],
    layout: &Layout,
    lit: usize,
) -> Option<Option<String>> {
    let formats = |at: usize| {
        next_significant(tokens, at)
            .filter(|&d| tokens[d].is_punct(src, "."))
            .and_then(|d| next_significant(tokens, d))
            .is_some_and(|f| matches!(tokens[f].text(src), b"format" | b"format_map"))
    };
    if formats(lit) {
        return Some(None);
    }
    let name = prev_significant(tokens, lit)
        .filter(|&e| tokens[e].is_punct(src, "="))
        .and_then(|e| prev_significant(tokens, e))
        .filter(|&n| tokens[n].kind == TokKind::Ident)?;
    let name_text = tokens[name].text(src);
    layout
        .uses(src, tokens, name_text)
        .iter()
        .any(|&i| i as usize != name && formats(i as usize))
        .then(|| Some(String::from_utf8_lossy(name_text).into_owned()))
}

/// For a Python template whose `{name}` is filled where the name it is assigned to is read
/// (`REPORT_URL = "…?apikey={key}"`): its one read, when that read formats it
/// (`REPORT_URL.format(…, key=k)`), as [`query::format_at_read`] takes it apart. The request
/// is then placed where the name is read, like any URL held in a variable.
fn formatted_where_read(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    p: &ApiKeyParam,
    indexes: Indexes,
) -> Option<Result<(Vec<Edit>, String), String>> {
    let (_, uses) = variable_uses(src, tokens, lang, p, indexes)?;
    let [read] = uses.as_slice() else {
        return None;
    };
    let lit = token_at(tokens, p.value.start)?;
    query::format_at_read(src, tokens, lit, p, token_at(tokens, read.start)?)
}

/// A query dict holding only the key, assigned on lines of its own (`query = {"apikey": k}`)
/// and passed once as a keyword argument (`params=query`, `query: query`) at `at`: the
/// assignment's lines and the argument (with its comma), both to delete.
fn sole_key_query(
    src: &[u8],
    tokens: &[Token],
    idx: Indexes,
    lang: &dyn Language,
    p: &ApiKeyParam,
    binding: usize,
    at: &std::ops::Range<usize>,
) -> Result<Vec<Edit>, String> {
    if lang.request_style() == crate::lang::RequestStyle::JavaScript {
        return search_params_sole_key(src, tokens, idx, lang, p, binding, at);
    }
    let by_hand = || {
        "the query holds only the key: delete it and the argument that passes it, and add the header"
            .to_string()
    };
    let name = token_at(tokens, binding).ok_or_else(by_hand)?;
    let key = token_at(tokens, p.span.start).ok_or_else(by_hand)?;
    let (start, open) = enclosing_map(src, tokens, key).ok_or_else(by_hand)?;
    let close = matching_close(src, tokens, open).ok_or_else(by_hand)?;
    let assigned = prev_significant(tokens, start)
        .filter(|&e| tokens[e].is_punct(src, "="))
        .and_then(|e| prev_significant(tokens, e))
        == Some(name);
    let line_start = src[..tokens[name].start()]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |n| n + 1);
    let alone = src[line_start..tokens[name].start()]
        .iter()
        .all(|&b| b == b' ' || b == b'\t')
        && tokens[close + 1..]
            .iter()
            .take_while(|t| t.kind != TokKind::Newline)
            .all(|t| t.kind == TokKind::Comment);
    if !assigned || !alone {
        return Err(by_hand());
    }
    let line_end = memchr::memchr(b'\n', &src[tokens[close].end()..])
        .map_or(src.len(), |n| tokens[close].end() + n + 1);
    // The use must be the value of the keyword that sends the query.
    let value = token_at(tokens, at.start).ok_or_else(by_hand)?;
    let keyword = query_keyword_of(src, tokens, lang, value).ok_or_else(by_hand)?;
    Ok(vec![
        Edit::delete(line_start..line_end),
        Edit::delete(with_comma(
            src,
            tokens,
            tokens[keyword].start()..tokens[value].end(),
        )),
    ])
}

/// JavaScript's query of the key alone, held in a local read once into the end of the URL
/// (`` `…/m?${q}` ``, `'…/m?' + q`, with `.toString()` or not): `const q = new
/// URLSearchParams({ apikey: k })`, or `new URLSearchParams()` whose one entry the statement
/// `q.set('apikey', k)` adds. The declaration, that statement and the query's place in the URL
/// (its `?` included) go, and a template left with nothing to interpolate takes quotes.
/// `read` is where the URL reads `q`.
fn search_params_sole_key(
    src: &[u8],
    tokens: &[Token],
    idx: Indexes,
    lang: &dyn Language,
    p: &ApiKeyParam,
    binding: usize,
    read: &std::ops::Range<usize>,
) -> Result<Vec<Edit>, String> {
    let name_tok = token_at(tokens, binding).ok_or("no name holds the query")?;
    let name = tokens[name_tok].text(src);
    let by_hand = || {
        format!(
            "the query in `{}` holds only the key: delete it, take it out of the URL that reads it (its `?` too), and add the header",
            String::from_utf8_lossy(name)
        )
    };
    let key = token_at(tokens, p.span.start).ok_or_else(by_hand)?;
    // The declaration, on a line of its own.
    let keyword = prev_significant(tokens, name_tok)
        .filter(|&k| matches!(tokens[k].text(src), b"const" | b"let"))
        .ok_or_else(by_hand)?;
    let typed =
        tokens_after(src, tokens, name_tok, &[b":", b"URLSearchParams"]).unwrap_or(name_tok);
    let open = tokens_after(
        src,
        tokens,
        typed,
        &[b"=", b"new", b"URLSearchParams", b"("],
    )
    .ok_or_else(by_hand)?;
    let close = matching_close(src, tokens, open).ok_or_else(by_hand)?;
    let mut deleted =
        vec![place::line_of_statement(src, tokens, keyword, close).ok_or_else(by_hand)?];
    match search_params_statement(src, tokens, lang, key, idx) {
        // `q.set('apikey', k)` on a query it leaves empty: its line goes too.
        Some(statement) if search_params_emptied(src, tokens, statement, idx) => deleted.push(
            place::line_of_statement(src, tokens, statement.receiver, statement.close)
                .ok_or_else(by_hand)?,
        ),
        Some(_) => return Err(by_hand()),
        // `new URLSearchParams({ apikey: k })`: the key is its one entry.
        None => {
            let object = enclosing_open(src, tokens, key)
                .filter(|&o| prev_significant(tokens, o) == Some(open))
                .ok_or_else(by_hand)?;
            if next_significant(
                tokens,
                matching_close(src, tokens, object).ok_or_else(by_hand)?,
            ) != Some(close)
            {
                return Err(by_hand());
            }
        }
    }
    let read_tok = token_at(tokens, read.start).ok_or_else(by_hand)?;
    let is_mark = |b: u8| matches!(b, b'?' | b'&');
    if tokens[read_tok].kind == TokKind::Str {
        // `` `…/m?${q}` ``: the substitution ends the template.
        let content = tokens[read_tok].content();
        let text = &src[content.clone()];
        let substitution = [
            format!("${{{}}}", String::from_utf8_lossy(name)),
            format!("${{{}.toString()}}", String::from_utf8_lossy(name)),
        ]
        .into_iter()
        .find(|s| text.ends_with(s.as_bytes()))
        .ok_or_else(by_hand)?;
        let start = content.end - substitution.len();
        if start == content.start || !is_mark(src[start - 1]) {
            return Err(by_hand());
        }
        let removed = start - 1..content.end;
        let usual_quote = idx.layout(src, tokens).usual_quote();
        let quoted = query::quoted_template(src, tokens, read_tok, &removed, usual_quote);
        let mut edits: Vec<Edit> = deleted.into_iter().map(Edit::delete).collect();
        edits.push(Edit::delete(removed));
        edits.extend(quoted.into_iter().flatten());
        return Ok(edits);
    } else {
        // `'…/m?' + q`: the last operand of the URL argument.
        let end = tokens_after(src, tokens, read_tok, &[b".", b"toString", b"(", b")"])
            .unwrap_or(read_tok);
        let last = next_significant(tokens, end)
            .is_some_and(|n| matches!(tokens[n].text(src), b"," | b")"));
        let lit = prev_significant(tokens, read_tok)
            .filter(|&plus| tokens[plus].is_punct(src, "+"))
            .and_then(|plus| prev_significant(tokens, plus))
            .filter(|&l| tokens[l].kind == TokKind::Str)
            .ok_or_else(by_hand)?;
        let content = tokens[lit].content();
        if !last || content.is_empty() || !is_mark(src[content.end - 1]) {
            return Err(by_hand());
        }
        deleted.push(content.end - 1..content.end);
        deleted.push(tokens[lit].end()..tokens[end].end());
    }
    Ok(deleted.into_iter().map(Edit::delete).collect())
}

/// When token `value` is the value of a call's `params=` (Python) or `query:`/`params:` (Ruby)
/// keyword argument: that keyword's token.
fn query_keyword_of(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    value: usize,
) -> Option<usize> {
    let mut keyword = prev_significant(tokens, value)?;
    if matches!(tokens[keyword].text(src), b"=" | b":") {
        keyword = prev_significant(tokens, keyword)?;
    }
    let sends_query = keyword_name(src, tokens, lang, keyword)
        && matches!(tokens[keyword].text(src), b"params" | b"query")
        && enclosing_open(src, tokens, keyword).is_some_and(|o| tokens[o].is_punct(src, "("));
    sends_query.then_some(keyword)
}

/// Languages whose query dicts (`params = {…}`, `query = { apikey: k }`) are followed to
/// the call they are passed to.
fn follows_query_dicts(lang: &dyn Language) -> bool {
    matches!(
        lang.request_style(),
        crate::lang::RequestStyle::Python | crate::lang::RequestStyle::Ruby
    )
}

/// Token `k` names a keyword argument (`params=` in Python, `query:` in Ruby), not a value.
fn keyword_name(src: &[u8], tokens: &[Token], lang: &dyn Language, k: usize) -> bool {
    let Some(n) = next_significant(tokens, k) else {
        return false;
    };
    match lang.request_style() {
        crate::lang::RequestStyle::Python => {
            tokens[n].is_punct(src, "=")
                && !next_significant(tokens, n).is_some_and(|m| tokens[m].is_punct(src, "="))
        }
        crate::lang::RequestStyle::Ruby => {
            tokens[n].is_punct(src, ":") && tokens[n].start() == tokens[k].end()
        }
        _ => false,
    }
}

/// The start of the first line after byte `from` that is indented less than the line holding
/// byte `at` (blank and comment lines do not count); the end of `src` when there is none.
fn dedent_after(src: &[u8], at: usize, from: usize) -> usize {
    let indent = |line_start: usize| {
        src[line_start..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count()
    };
    let own = indent(
        src[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |n| n + 1),
    );
    if own == 0 {
        // No line is indented less: a script's top-level statement is not followed to the
        // file's end once per request.
        return src.len();
    }
    let mut line = match memchr::memchr(b'\n', &src[from..]) {
        Some(n) => from + n + 1,
        None => return src.len(),
    };
    while line < src.len() {
        let width = indent(line);
        let first = src.get(line + width).copied();
        if !matches!(first, Some(b'\n' | b'\r' | b'#') | None) && width < own {
            return line;
        }
        line = memchr::memchr(b'\n', &src[line..]).map_or(src.len(), |n| line + n + 1);
    }
    src.len()
}

/// Calls that build a URL from their arguments without sending anything.
const URL_BUILDERS: [&str; 9] = [
    "sprintf", "format", "uri", "url", "parse", "join", "resolve", "create", "of",
];

/// Links of a query-builder chain that add a parameter (OkHttp `HttpUrl.Builder`, Spring
/// `UriComponentsBuilder`, Apache `URIBuilder`): the chain builds the URL it is assigned to.
const QUERY_BUILDER_LINKS: [&str; 3] = ["addqueryparameter", "queryparam", "addparameter"];

/// ASP.NET Core's `QueryHelpers.AddQueryString(url, "apikey", k)` around the parameter's name
/// (token `key`): the `(` of the call, which returns `url` with the parameter added.
fn add_query_string(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    key: usize,
) -> Option<usize> {
    if lang.request_style() != crate::lang::RequestStyle::CSharp {
        return None;
    }
    let open = enclosing_open(src, tokens, key).filter(|&o| tokens[o].is_punct(src, "("))?;
    prev_significant(tokens, open).filter(|&n| tokens[n].text(src) == b"AddQueryString")?;
    let args = crate::lang::tokens::arguments(src, tokens, open);
    (args.len() == 3 && args[1] == tokens[key].span()).then_some(open)
}

/// Whether the parameter's name is the first argument of a query-builder link, or the name
/// of an `AddQueryString` call, which goes whole with its value.
fn query_builder_link(src: &[u8], tokens: &[Token], lang: &dyn Language, p: &ApiKeyParam) -> bool {
    let added = token_at(tokens, p.span.start)
        .is_some_and(|k| add_query_string(src, tokens, lang, k).is_some());
    added
        || token_at(tokens, p.span.start)
            .and_then(|k| prev_significant(tokens, k))
            .filter(|&o| tokens[o].is_punct(src, "("))
            .and_then(|o| prev_significant(tokens, o))
            .is_some_and(|n| {
                let name = String::from_utf8_lossy(tokens[n].text(src)).to_ascii_lowercase();
                QUERY_BUILDER_LINKS.contains(&name.as_str())
            })
}

/// When the `(` at token `open` belongs to a call that only builds a URL (`fmt.Sprintf`,
/// `String.format`, `format!`, `URI`, `new URL`, `url.Parse`), the first token of that call's
/// callee chain.
fn url_builder_start(src: &[u8], tokens: &[Token], open: usize) -> Option<usize> {
    if !tokens[open].is_punct(src, "(") {
        return None;
    }
    let mut name = prev_significant(tokens, open)?;
    if tokens[name].is_punct(src, "!") {
        name = prev_significant(tokens, name)?; // Rust's `format!(…)`
    }
    let callee = String::from_utf8_lossy(tokens[name].text(src)).to_ascii_lowercase();
    let link = QUERY_BUILDER_LINKS.contains(&callee.as_str());
    if tokens[name].kind != TokKind::Ident || !(link || URL_BUILDERS.contains(&callee.as_str())) {
        return None;
    }
    let mut start = name;
    while let Some(p) = prev_significant(tokens, start) {
        let t = &tokens[p];
        let after_dot = tokens[start].is_punct(src, ".");
        // A query-builder link is followed back along its whole chain:
        // `HttpUrl.parse("…").newBuilder().addQueryParameter(…)`, `"…".toHttpUrl()…`.
        if link && after_dot && t.is_punct(src, ")") {
            let open = matching_open(src, tokens, p)?;
            start = prev_significant(tokens, open).filter(|&n| tokens[n].kind == TokKind::Ident)?;
            continue;
        }
        if link && after_dot && t.kind == TokKind::Str {
            start = p;
            continue;
        }
        let joins = t.is_punct(src, ".") || t.is_punct(src, "::");
        let part = t.kind == TokKind::Ident
            && prev_significant(tokens, start).is_some_and(|_| {
                tokens[start].is_punct(src, ".") || tokens[start].is_punct(src, "::")
            });
        if joins || part || (t.kind == TokKind::Ident && t.text(src) == b"new") {
            start = p;
        } else {
            break;
        }
    }
    Some(start)
}

/// Builder entries that a statement of their own sets, which stay manual with the exact change:
/// an indexed entry (`req.params['apikey'] = k`, `query["apikey"] = k`) and the `Name` of a
/// .NET authentication handler's options (`new ApiKeyOptions { Name = "apikey", … }`,
/// `o.Name = "apikey"`). `None` for every other entry.
fn set_by_statement(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    p: &ApiKeyParam,
) -> Option<Plan> {
    let key = token_at(tokens, p.name.start)?;
    let before = prev_significant(tokens, key)?;
    let value = String::from_utf8_lossy(&src[p.value.clone()]).into_owned();
    let (value, sent) = if p.value.is_empty() {
        ("<the key>".to_string(), "the key".to_string())
    } else {
        (value.clone(), format!("`{value}`"))
    };
    let indexed = tokens[before].is_punct(src, "[")
        && next_significant(tokens, key)
            .filter(|&c| tokens[c].is_punct(src, "]"))
            .and_then(|c| next_significant(tokens, c))
            .is_some_and(|e| tokens[e].is_punct(src, "="));
    if indexed {
        // `OBJ.params[…] = v` (Faraday's request, a requests `Session`): the same object takes
        // the header, `OBJ.headers['x-api-key'] = v`, as a replacement of that statement.
        let params = prev_significant(tokens, before)
            .filter(|&n| tokens[n].text(src) == b"params")
            .filter(|_| {
                matches!(
                    lang.request_style(),
                    crate::lang::RequestStyle::Ruby | crate::lang::RequestStyle::Python
                )
            });
        if let Some(params) = params {
            return Some(params_to_headers(src, tokens, p, params, before));
        }
        return Some(manual(
            lang,
            &written_key(src, tokens, lang, p),
            "the query entry is set by a statement of its own: delete that statement and add \
             the header to the request that sends the query"
                .into(),
        ));
    }
    let options_name = tokens[before].is_punct(src, "=")
        && prev_significant(tokens, before).is_some_and(|n| tokens[n].text(src) == b"Name")
        && lang.request_style() == crate::lang::RequestStyle::CSharp;
    if !options_name {
        return None;
    }
    // A transitional client: another handler of the chain sends the header already.
    Some(
        match place::query_handler_removal(src, tokens, key, &value) {
            Ok(removal) => Plan::Fix {
                fix: Fix {
                    applicability: removal.applicability,
                    message: format!("Send the key only as a header ({})", removal.how).into(),
                    edits: [removal.edit].into(),
                },
                through: None,
                key: value,
            },
            Err(why) => Plan::Instruction(format!(
                "send {sent} as the `x-api-key` header instead: configure the handler's options \
             with `Name = \"x-api-key\"` and a header location (or use the header handler), and \
             remove this query-string configuration (not automatic: {why})"
            )),
        },
    )
}

/// A session's or connection's default query (`s.params = {"apikey": k, …}`,
/// `s.params.update({"apikey": k})` in Python, `conn.params = { apikey: k }` in Ruby): the
/// key becomes the same object's default header, `s.headers["x-api-key"] = k`, in place of
/// the statement when the dict held only the key, on the line after it otherwise. Unsafe: the
/// object serves every request made with it.
fn session_params(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    p: &ApiKeyParam,
    idx: Indexes,
) -> Option<Plan> {
    if !follows_query_dicts(lang) || p.value.is_empty() {
        return None;
    }
    let key = token_at(tokens, p.name.start)?;
    // `{…}`, or Python's `dict(…)`.
    let (dict_start, dict) =
        enclosing_map(src, tokens, key).filter(|&(_, o)| !tokens[o].is_punct(src, "["))?;
    let dict_close = matching_close(src, tokens, dict)?;
    let before = prev_significant(tokens, dict_start)?;
    // `OBJ.params = {…}` or `OBJ.params.update({…})`: the `params` token and the statement's end.
    let (params, end) = if tokens[before].is_punct(src, "=") {
        (prev_significant(tokens, before)?, dict_close)
    } else {
        let paren = before;
        let update = prev_significant(tokens, paren)
            .filter(|&u| tokens[paren].is_punct(src, "(") && tokens[u].text(src) == b"update")?;
        let close = matching_close(src, tokens, paren)?;
        (next_significant(tokens, dict_close) == Some(close)).then_some(())?;
        let dot = prev_significant(tokens, update).filter(|&d| tokens[d].is_punct(src, "."))?;
        (prev_significant(tokens, dot)?, close)
    };
    if tokens[params].text(src) != b"params" {
        return None;
    }
    let dot = prev_significant(tokens, params).filter(|&d| tokens[d].is_punct(src, "."))?;
    prev_significant(tokens, dot).filter(|&o| tokens[o].kind == TokKind::Ident)?;
    let start = receiver_start(src, tokens, params);
    let (edits, header, value) = header_statement(src, tokens, lang, p, idx, start..end, dot)?;
    Some(Plan::Fix {
        fix: Fix {
            applicability: Applicability::Unsafe,
            message: format!(
                "Move the key to an `x-api-key` header (set `{header}` on the same object; it serves every request made with it, whose host must be a regional one)"
            )
            .into(),
            edits: edits.into(),
        },
        through: None,
        key: value,
    })
}

/// A requests auth hook that adds the key to the query of the request it prepares
/// (`r.prepare_url(r.url, {"apikey": k, …})` in `__call__(self, r)`): the hook sets
/// `r.headers["x-api-key"] = k` instead, in place of the statement when the dict held only the
/// key, on the line after it otherwise. Unsafe: the hook serves every request it is attached
/// to, and every one of them must go to a regional host (so none may in this file).
fn auth_hook_query(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    p: &ApiKeyParam,
    idx: Indexes,
) -> Option<Plan> {
    if lang.request_style() != crate::lang::RequestStyle::Python || p.value.is_empty() {
        return None;
    }
    let key = token_at(tokens, p.name.start)?;
    let dict = enclosing_open(src, tokens, key).filter(|&o| tokens[o].is_punct(src, "{"))?;
    let call = enclosing_open(src, tokens, dict).filter(|&o| tokens[o].is_punct(src, "("))?;
    let args = crate::lang::tokens::arguments(src, tokens, call);
    // `prepare_url(url, params)`: the dict is its second and last argument.
    let dict_is_params = args.len() == 2 && args[1].start == tokens[dict].start();
    let method = prev_significant(tokens, call)
        .filter(|&m| dict_is_params && tokens[m].text(src) == b"prepare_url")?;
    let dot = prev_significant(tokens, method).filter(|&d| tokens[d].is_punct(src, "."))?;
    let receiver = prev_significant(tokens, dot).filter(|&r| {
        tokens[r].kind == TokKind::Ident
            && !prev_significant(tokens, r).is_some_and(|d| tokens[d].is_punct(src, "."))
    })?;
    let end = matching_close(src, tokens, call)?;
    let (edits, header, value) = header_statement(
        src,
        tokens,
        lang,
        p,
        idx,
        tokens[receiver].start()..end,
        dot,
    )?;
    Some(Plan::Fix {
        fix: Fix {
            applicability: Applicability::Unsafe,
            message: format!(
                "Move the key to an `x-api-key` header (set `{header}` in the auth hook; it serves every request the hook is attached to, whose hosts must all be regional ones)"
            )
            .into(),
            edits: edits.into(),
        },
        through: None,
        key: value,
    })
}

/// The statement from byte `statement.start` to token `statement.end`, alone on its line(s),
/// that adds the key of `p` to the defaults of the object written before token `dot`: the
/// edits that set `OBJ.headers["x-api-key"] = value` in its place when its dict held only
/// the key, or on the line after it otherwise; with that statement and the key's value.
fn header_statement(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    p: &ApiKeyParam,
    idx: Indexes,
    statement: std::ops::Range<usize>,
    dot: usize,
) -> Option<(Vec<Edit>, String, String)> {
    let (start, end) = (statement.start, statement.end);
    let key = token_at(tokens, p.name.start)?;
    let line_start = src[..start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |n| n + 1);
    let alone = src[line_start..start]
        .iter()
        .all(|&b| b == b' ' || b == b'\t')
        && tokens[end + 1..]
            .iter()
            .take_while(|t| t.kind != TokKind::Newline)
            .all(|t| t.kind == TokKind::Comment);
    if !alone {
        return None;
    }
    let q = src[tokens[key].start()] as char;
    let q = if matches!(q, '"' | '\'') { q } else { '"' };
    let value = String::from_utf8_lossy(&src[p.value.clone()]).into_owned();
    let value = match p.value_kind {
        ValueKind::Literal | ValueKind::Placeholder => format!("{q}{value}{q}"),
        _ => value,
    };
    let object = String::from_utf8_lossy(&src[start..tokens[dot].start()]).into_owned();
    let header = format!("{object}.headers[{q}x-api-key{q}] = {value}");
    let entry = p.span.start..p.value.end.max(p.span.end);
    let edits = if sole_entry(src, tokens, &entry).is_some() {
        vec![Edit::replace(start..tokens[end].end(), header.clone())]
    } else {
        let indent: String = src[line_start..start].iter().map(|&b| b as char).collect();
        let line_end = memchr::memchr(b'\n', &src[tokens[end].end()..])
            .map_or(src.len(), |n| tokens[end].end() + n);
        let cr = line_end > 0 && src.get(line_end - 1) == Some(&b'\r');
        let eol = if cr { "\r\n" } else { "\n" };
        let at = if cr { line_end - 1 } else { line_end };
        let entry_tok = remove_builder_entry(src, tokens, lang, p, idx).ok()?;
        let mut edits = entry_tok.edits;
        edits.push(Edit::insert(at, format!("{eol}{indent}{header}")));
        edits
    };
    Some((edits, header, value))
}

/// pecl_http: `$request->setQuery(new \http\QueryString(['apikey' => $k]))` or
/// `$request->setQueryData(array('apikey' => $k))`, a query holding only the key set on a
/// request object, becomes `$request->addHeaders(['x-api-key' => $k])` on the same object.
/// Unsafe: the setter replaced any query the request's URL carried, which then comes back.
fn php_query_setter(src: &[u8], tokens: &[Token], p: &ApiKeyParam) -> Option<Plan> {
    let key = token_at(tokens, p.name.start)?;
    let map = enclosing_open(src, tokens, key)?;
    let (open, close) = sole_entry(src, tokens, &(p.span.start..p.value.end.max(p.span.end)))
        .or_else(|| {
            // `array('apikey' => $k)`: the entry alone between the parentheses.
            let close = matching_close(src, tokens, map)?;
            let alone = next_significant(tokens, map) == Some(key)
                && next_significant(tokens, token_at(tokens, p.value.end.max(p.span.end) - 1)?)
                    .is_some_and(|n| n == close);
            alone.then_some((map, close))
        })?;
    let long = tokens[open].is_punct(src, "(");
    let map_start = if long {
        prev_significant(tokens, open)
            .filter(|&a| tokens[a].text(src).eq_ignore_ascii_case(b"array"))?
    } else {
        open
    };
    let mut paren =
        prev_significant(tokens, map_start).filter(|&o| tokens[o].is_punct(src, "("))?;
    let only_argument = |paren: usize, last: usize| {
        next_significant(tokens, last) == matching_close(src, tokens, paren)
    };
    if !only_argument(paren, close) {
        return None;
    }
    let mut setter = prev_significant(tokens, paren)?;
    // `new \http\QueryString([…])` as the setter's one argument.
    if tokens[setter].text(src) == b"QueryString" {
        let wrapped_close = matching_close(src, tokens, paren)?;
        let mut first = setter;
        while let Some(b) = prev_significant(tokens, first)
            .filter(|&b| matches!(tokens[b].text(src), b"\\" | b"http"))
        {
            first = b;
        }
        let new = prev_significant(tokens, first).filter(|&n| tokens[n].text(src) == b"new")?;
        paren = prev_significant(tokens, new).filter(|&o| tokens[o].is_punct(src, "("))?;
        if !only_argument(paren, wrapped_close) {
            return None;
        }
        setter = prev_significant(tokens, paren)?;
    }
    if !matches!(tokens[setter].text(src), b"setQuery" | b"setQueryData") {
        return None;
    }
    let arrow = prev_significant(tokens, setter).filter(|&a| tokens[a].is_punct(src, "->"))?;
    let object = prev_significant(tokens, arrow)
        .filter(|&o| tokens[o].kind == TokKind::Ident && tokens[o].text(src).starts_with(b"$"))?;
    let end = matching_close(src, tokens, paren)?;
    let ends_statement =
        next_significant(tokens, end).is_some_and(|e| tokens[e].is_punct(src, ";"));
    let simple_object =
        !prev_significant(tokens, object).is_some_and(|a| tokens[a].is_punct(src, "->"));
    if !ends_statement || !simple_object || p.value.is_empty() {
        return None;
    }
    let q = src[tokens[key].start()] as char;
    let value = String::from_utf8_lossy(&src[p.value.clone()]).into_owned();
    let value = match p.value_kind {
        ValueKind::Literal | ValueKind::Placeholder => format!("{q}{value}{q}"),
        _ => value,
    };
    let entry = format!("{q}x-api-key{q} => {value}");
    let headers = if long {
        format!("array({entry})")
    } else {
        format!("[{entry}]")
    };
    let object_name = String::from_utf8_lossy(tokens[object].text(src)).into_owned();
    Some(Plan::Fix {
        fix: Fix {
            applicability: Applicability::Unsafe,
            message: format!(
                "Move the key to an `x-api-key` header (`{object_name}->addHeaders(…)` instead of the query setter; check the request's URL had no query of its own, which the setter replaced)"
            )
            .into(),
            edits: [Edit::replace(
                tokens[setter].start()..tokens[end].end(),
                format!("addHeaders({headers})"),
            )].into(),
        },
        through: None,
        key: value,
    })
}

/// C#'s `var q = HttpUtility.ParseQueryString(…); q["apikey"] = k;`: the entry's statement
/// goes, and the one request that reads `q` (into its URL) gets the header, in one fix with the
/// placement's applicability (the collection is a local built for that request). `None` when
/// the shape does not hold or the request cannot take the header (the entry stays manual).
fn query_collection_entry(
    file: &SourceFile,
    facts: &Facts,
    lang: &dyn Language,
    p: &ApiKeyParam,
) -> Option<Plan> {
    let (src, tokens) = (&file.bytes[..], &facts.tokens[..]);
    if lang.request_style() != crate::lang::RequestStyle::CSharp || p.value.is_empty() {
        return None;
    }
    let key = token_at(tokens, p.name.start)?;
    let bracket = prev_significant(tokens, key).filter(|&b| tokens[b].is_punct(src, "["))?;
    let object = prev_significant(tokens, bracket).filter(|&o| tokens[o].kind == TokKind::Ident)?;
    let name = tokens[object].text(src);
    let close = next_significant(tokens, key).filter(|&c| tokens[c].is_punct(src, "]"))?;
    next_significant(tokens, close).filter(|&e| tokens[e].is_punct(src, "="))?;
    let value_end = token_at(tokens, p.value.end.saturating_sub(1))?;
    next_significant(tokens, value_end).filter(|&s| tokens[s].is_punct(src, ";"))?;
    let line = place::line_of_statement(src, tokens, object, value_end)?;
    let block = enclosing_open(src, tokens, object).filter(|&o| tokens[o].is_punct(src, "{"))?;
    let block_end = matching_close(src, tokens, block)?;
    let named = |j: &usize| {
        tokens[*j].kind == TokKind::Ident
            && tokens[*j].text(src) == name
            && !prev_significant(tokens, *j).is_some_and(|d| tokens[d].is_punct(src, "."))
    };
    // Declared in the block as the query collection: `var q = HttpUtility.ParseQueryString(…)`.
    let declared = (block..object).filter(named).any(|j| {
        next_significant(tokens, j).is_some_and(|e| tokens[e].is_punct(src, "="))
            && tokens[j..tokens.len().min(j + 6)]
                .iter()
                .any(|t| t.text(src) == b"ParseQueryString")
    });
    // Read once after the entry; `q["…"] = …` writes build it.
    let reads: Vec<usize> = (value_end..block_end)
        .filter(named)
        .filter(|&j| {
            let write = next_significant(tokens, j)
                .filter(|&b| tokens[b].is_punct(src, "["))
                .and_then(|b| matching_close(src, tokens, b))
                .and_then(|c| next_significant(tokens, c))
                .is_some_and(|e| tokens[e].is_punct(src, "="));
            !write
        })
        .collect();
    let [read] = reads[..] else {
        return None;
    };
    if !declared || next_significant(tokens, read).is_some_and(|e| tokens[e].is_punct(src, "=")) {
        return None;
    }
    let value = String::from_utf8_lossy(&src[p.value.clone()])
        .trim()
        .to_string();
    let key_source = KeySource::expr(value.clone());
    let file_name = file.file_name();
    let req = request_in(
        file,
        facts,
        lang,
        &file_name,
        &key_source,
        tokens[read].span(),
        p,
    );
    let placement = place::place(&req).ok()?;
    let mut edits = placement.edits;
    edits.push(Edit::delete(line));
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    if edits.windows(2).any(|w| w[0].range.end > w[1].range.start) {
        return None;
    }
    Some(Plan::Fix {
        fix: Fix {
            applicability: placement.applicability,
            message: format!(
                "Move the key to an `x-api-key` header ({}; the query entry's statement goes)",
                placement.how
            )
            .into(),
            edits: edits.into(),
        },
        through: None,
        key: value,
    })
}

/// `OBJ.params['apikey'] = v` (Faraday's request or connection, a requests `Session`)
/// becomes `OBJ.headers['x-api-key'] = v`: the same object sends the header to the same
/// requests. Unsafe: a connection or session serves every request made with it, and its host
/// is not in this statement. Where the same block already sets that header, the statement goes.
fn params_to_headers(
    src: &[u8],
    tokens: &[Token],
    p: &ApiKeyParam,
    params: usize,
    open: usize,
) -> Plan {
    let key = token_at(tokens, p.name.start).expect("the parameter is a token");
    let q = src[tokens[key].start()] as char;
    let value = String::from_utf8_lossy(&src[p.value.clone()]).into_owned();
    let receiver = receiver_start(src, tokens, params);
    let object = String::from_utf8_lossy(&src[receiver..tokens[params].start()]).into_owned();
    let close = matching_close(src, tokens, open).expect("checked by the caller");
    let header_set = format!("{object}headers[{q}x-api-key{q}]");
    let statement_end = p.value.end.max(p.span.end);
    let block = indented_block(src, receiver);
    let prefix = format!("{object}headers[");
    let already = memchr::memmem::find_iter(&src[block.clone()], prefix.as_bytes()).any(|i| {
        let after = &src[block.start + i + prefix.len()..];
        after.len() > b"'x-api-key".len()
            && matches!(after[0], b'\'' | b'"')
            && after[1..b"'x-api-key".len()].eq_ignore_ascii_case(b"x-api-key")
    });
    let (edits, how) =
        if already && first_on_line(src, receiver) && rest_of_line_is_comment(src, statement_end) {
            (
                vec![Edit::delete(line_with_break(src, receiver))],
                format!("`{header_set}` is already set; the query entry goes"),
            )
        } else {
            (
                vec![Edit::replace(
                    tokens[params].start()..tokens[close].end(),
                    format!("headers[{q}x-api-key{q}]"),
                )],
                format!("set `{header_set} = {value}` on the same object instead"),
            )
        };
    Plan::Fix {
        fix: Fix {
            applicability: Applicability::Unsafe,
            message: format!(
                "Move the key to an `x-api-key` header ({how}; the object may serve several requests)"
            )
            .into(),
            edits: edits.into(),
        },
        through: None,
        key: value,
    }
}

/// The lines around byte `at` indented at least as deeply as its own (blank lines and
/// comments included): the block of an indentation-structured body (Python, Ruby).
fn indented_block(src: &[u8], at: usize) -> std::ops::Range<usize> {
    let indent = |line: usize| {
        src[line..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count()
    };
    let own_line = src[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |n| n + 1);
    let own = indent(own_line);
    let mut start = own_line;
    while start > 0 {
        let prev = src[..start - 1]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |n| n + 1);
        let width = indent(prev);
        let blank = matches!(src.get(prev + width), Some(b'\n' | b'\r' | b'#') | None);
        if !blank && width < own {
            break;
        }
        start = prev;
    }
    start..dedent_after(src, at, at)
}

/// Nothing but spaces and a comment (`#`) after byte `at` on its line.
pub(crate) fn rest_of_line_is_comment(src: &[u8], at: usize) -> bool {
    let rest = &src[at..];
    let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    let rest = rest[..end].trim_ascii();
    rest.is_empty() || rest.starts_with(b"#")
}

/// The whole line holding byte `at`, with its line break.
pub(crate) fn line_with_break(src: &[u8], at: usize) -> std::ops::Range<usize> {
    let start = src[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |n| n + 1);
    let end = memchr::memchr(b'\n', &src[at..]).map_or(src.len(), |n| at + n + 1);
    start..end
}

/// When only spaces and comments follow byte `at` on its line: where that line's text ends
/// (before its `\r\n` or `\n`).
fn comments_to_line_end(src: &[u8], tokens: &[Token], at: usize) -> Option<usize> {
    let mut end = memchr::memchr(b'\n', &src[at..]).map_or(src.len(), |n| at + n);
    if end > at && src[end - 1] == b'\r' {
        end -= 1;
    }
    let spaces = |text: &[u8]| text.iter().all(|b| matches!(b, b' ' | b'\t'));
    let mut from = at;
    for t in tokens[tokens.partition_point(|t| t.end() <= at)..]
        .iter()
        .take_while(|t| t.start() < end)
    {
        if t.kind != TokKind::Comment || t.end() > end || !spaces(&src[from..t.start()]) {
            return None;
        }
        from = t.end();
    }
    spaces(&src[from..end]).then_some(end)
}

/// The first token's start of the receiver chain that ends with the member at `member`
/// (`req.params` → `req.`, `self.session.params` → `self.session.`).
fn receiver_start(src: &[u8], tokens: &[Token], member: usize) -> usize {
    let mut start = member;
    while let Some(dot) = prev_significant(tokens, start).filter(|&d| tokens[d].is_punct(src, "."))
    {
        match prev_significant(tokens, dot).filter(|&r| tokens[r].kind == TokKind::Ident) {
            Some(r) => start = r,
            None => break,
        }
    }
    // Ruby's `@conn`, `@@conn`, PHP's `$this`: the sigil is part of the name.
    let at = tokens[start].start();
    at - src[..at]
        .iter()
        .rev()
        .take_while(|&&b| b == b'@' || b == b'$')
        .count()
}

/// No fix: the header to add and why not, or (a reason opening with `place::INSTEAD`) a
/// whole instruction of its own.
fn manual(lang: &dyn Language, key: &HintKey, reason: String) -> Plan {
    match reason.strip_prefix(place::INSTEAD) {
        Some(instruction) => Plan::Instruction(instruction.into()),
        // A setting's request is made elsewhere, in whatever language: a plain header line.
        None if reason == place::SETTING => Plan::Manual {
            header: crate::lang::header_line(key),
            reason,
        },
        None => Plan::Manual {
            header: lang.header_hint(key),
            reason,
        },
    }
}

/// The key of `p` for a hint, read from the parameter itself when no removal found it:
/// a template of the file's language stands for its expression (`#{@api_key}` → `@api_key`,
/// also in commented-out code), a positional placeholder for its format argument when that
/// is in sight (otherwise for a key not in sight), and anything else written there is text.
fn written_key(src: &[u8], tokens: &[Token], lang: &dyn Language, p: &ApiKeyParam) -> HintKey {
    let text = String::from_utf8_lossy(&src[p.value.clone()]).into_owned();
    match p.value_kind {
        ValueKind::Absent => HintKey::Unknown,
        ValueKind::Literal | ValueKind::Placeholder => HintKey::Text(text),
        // A builder's value is code (`params={"apikey": key}`).
        ValueKind::Interpolated if p.shape == ParamShape::Builder && lang_is_code(lang) => {
            HintKey::Expr(text)
        }
        // `{0}`, `%s` (also in a setting that code formats): what fills it, when in sight.
        ValueKind::Interpolated if query::is_positional(&text) => {
            query::commented_format_argument(src, tokens, lang, p)
                .map_or(HintKey::Unknown, HintKey::Expr)
        }
        ValueKind::Interpolated if !lang_is_code(lang) => HintKey::Text(text),
        ValueKind::Interpolated => {
            query::template_expr(lang, &text).map_or(HintKey::Text(text), HintKey::Expr)
        }
    }
}

/// The name of builder entry `p` is part of a longer string token's text, not a token of its
/// own (`f"…?{urlencode({'apikey': k})}"`).
fn inside_string_text(tokens: &[Token], p: &ApiKeyParam) -> bool {
    token_at(tokens, p.name.start)
        .is_some_and(|t| tokens[t].kind == TokKind::Str && tokens[t].content() != p.name)
}

/// The key of `p` as it is written, for a header line (a curl command held in a string).
fn written_text(src: &[u8], p: &ApiKeyParam) -> HintKey {
    match p.value_kind {
        ValueKind::Absent => HintKey::Unknown,
        _ => HintKey::Text(String::from_utf8_lossy(&src[p.value.clone()]).into_owned()),
    }
}

fn fallback_value(src: &[u8], p: &ApiKeyParam) -> String {
    match p.value_kind {
        ValueKind::Absent => "<the key>".into(),
        _ => String::from_utf8_lossy(&src[p.value.clone()]).into_owned(),
    }
}

/// OpenAPI/Swagger: `in: query` → `in: header`, `name: apikey` → `name: x-api-key`.
fn security_scheme(src: &[u8], p: &ApiKeyParam) -> Plan {
    let Some(in_value) = p.scheme_in.clone() else {
        return Plan::Manual {
            header: "in: header, name: x-api-key".into(),
            reason: "the scheme's `in` was not found".into(),
        };
    };
    debug_assert!(src[in_value.clone()].eq_ignore_ascii_case(b"query"));
    let mut edits = vec![
        Edit::replace(p.name.clone(), "x-api-key"),
        Edit::replace(in_value, "header"),
    ];
    edits.sort_by_key(|e| e.range.start);
    let fix = Fix {
        applicability: Applicability::Safe,
        message: "Declare the key `in: header` as `x-api-key`".into(),
        edits: edits.into(),
    };
    Plan::Fix {
        fix,
        through: None,
        key: String::new(),
    }
}

/// Removes a builder entry (`apikey: k`, `"apikey": k`, `("apikey", k)`, a Postman query
/// object) with the comma that joins it to its neighbours.
pub(crate) fn remove_builder_entry(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    p: &ApiKeyParam,
    idx: Indexes,
) -> Result<Removal, String> {
    let key_tok = token_at(tokens, p.span.start).ok_or("the key is not a token")?;
    if let Some(annotated) = place::retrofit_header(src, tokens, idx.layout(src, tokens), key_tok) {
        return annotated;
    }
    if let Some(open) = add_query_string(src, tokens, lang, key_tok) {
        // `QueryHelpers.AddQueryString(url, "apikey", k)` becomes `url`.
        let args = crate::lang::tokens::arguments(src, tokens, open);
        let name = prev_significant(tokens, open).expect("a call");
        let start = place::callee_start(src, tokens, name);
        let close = matching_close(src, tokens, open).ok_or("unbalanced call")?;
        let value = String::from_utf8_lossy(&src[args[2].clone()])
            .trim()
            .to_string();
        return Ok(Removal {
            edits: vec![
                Edit::delete(tokens[start].start()..args[0].start),
                Edit::delete(args[0].end..tokens[close].end()),
            ],
            key: KeySource::expr(value),
            placed: None,
        });
    }
    let value_tok = (!p.value.is_empty())
        .then(|| token_at(tokens, p.value.start))
        .flatten()
        // WireMock's `"apikey": {"equalTo": "KEY"}`: the entry's value is the matcher object.
        .map(|v| {
            enclosing_open(src, tokens, v)
                .filter(|&o| {
                    o > key_tok
                        && next_significant(tokens, key_tok)
                            .and_then(|c| next_significant(tokens, c))
                            == Some(o)
                })
                .unwrap_or(v)
        });
    let key = match (p.value_kind.clone(), value_tok) {
        (ValueKind::Literal | ValueKind::Placeholder, _) => {
            KeySource::Literal(String::from_utf8_lossy(&src[p.value.clone()]).into_owned())
        }
        (ValueKind::Interpolated, Some(_)) if !lang_is_code(lang) => {
            KeySource::Template(String::from_utf8_lossy(&src[p.value.clone()]).into_owned())
        }
        (ValueKind::Interpolated, Some(v)) => {
            let expr = value_expr(src, tokens, v);
            // Go's `url.Values{"apikey": {key}}`: the one string of the slice.
            let single = (lang.request_style() == crate::lang::RequestStyle::Go)
                .then(|| expr.strip_prefix('{')?.strip_suffix('}'))
                .flatten()
                .filter(|inner| !inner.contains([',', '{']));
            KeySource::expr(single.map_or(expr.clone(), |inner| inner.trim().to_string()))
        }
        // JavaScript shorthand `{ apikey }`.
        (ValueKind::Absent, _) if tokens[key_tok].kind == TokKind::Ident => {
            KeySource::expr(String::from_utf8_lossy(tokens[key_tok].text(src)).into_owned())
        }
        _ => return Err("the key's value is not next to it".into()),
    };
    // A bracket opened before the key and never closed (malformed or truncated input):
    // nothing says where the entry ends, and a guess would swallow the lines after it.
    let container = enclosing_open(src, tokens, key_tok);
    if container.is_some_and(|o| matching_close(src, tokens, o).is_none()) {
        return Err("the brackets around the parameter are not closed".into());
    }
    let open = prev_significant(tokens, key_tok).ok_or("no container around the key")?;
    // The entry: a tuple or object around the key (`("apikey", k)`, `{"key": "apikey", …}`)
    // or `key: value` inside the container.
    let paren = tokens[open].is_punct(src, "(");
    let keyed = next_significant(tokens, key_tok)
        .is_some_and(|n| matches!(tokens[n].text(src), b"=>" | b":" | b"="));
    // `(` right after a name is a call's argument list, not a tuple.
    let call =
        paren && prev_significant(tokens, open).is_some_and(|n| tokens[n].kind == TokKind::Ident);
    // Go's `q := url.Values{"apikey": {k}}` read once in a URL: the values go whole.
    if lang.request_style() == crate::lang::RequestStyle::Go
        && let Some(edits) = place::go_key_only_values(src, tokens, key_tok)
    {
        return Ok(Removal {
            edits: edits?,
            key,
            placed: None,
        });
    }
    let entry = if paren && lang.request_style() == crate::lang::RequestStyle::Rust && !call {
        return rust_query(src, tokens, key, open);
    } else if call && !keyed {
        // `.addQueryParameter("apikey", k)`: the whole call goes, when it is a link of a chain.
        let name = prev_significant(tokens, open).expect("checked above");
        let dot = prev_significant(tokens, name)
            .filter(|&d| tokens[d].is_punct(src, ".") || tokens[d].is_punct(src, "->"));
        let close = matching_close(src, tokens, open).ok_or("unbalanced brackets")?;
        let chained_on = dot
            .and_then(|d| prev_significant(tokens, d))
            .is_some_and(|r| tokens[r].is_punct(src, ")"));
        match dot {
            Some(d) if chained_on => {
                let start = whitespace_and_newline_before(src, tokens[d].start());
                return Ok(Removal {
                    edits: vec![Edit::delete(start..tokens[close].end())],
                    key,
                    placed: None,
                });
            }
            _ => {
                // Go's `q.Add("apikey", k)` on a request's copied query: the statement goes,
                // and the copy with it when it carried only the key.
                if lang.request_style() == crate::lang::RequestStyle::Go
                    && let Some(added) = place::go_query_statement(src, tokens, key_tok)
                {
                    return Ok(Removal {
                        edits: added?.lines.into_iter().map(Edit::delete).collect(),
                        key,
                        placed: None,
                    });
                }
                // `url.searchParams.set('apikey', k);` on a line of its own: the line goes.
                let statement = search_params_statement(src, tokens, lang, key_tok, idx);
                if let Some(line) = statement
                    .and_then(|s| place::line_of_statement(src, tokens, s.receiver, s.close))
                {
                    // An alias the statement was the only use of goes with it.
                    let alias = statement.and_then(|s| unused_alias_line(src, tokens, s, idx));
                    return Ok(Removal {
                        edits: alias.into_iter().chain([line]).map(Edit::delete).collect(),
                        key,
                        placed: None,
                    });
                }
                return Err(statement.map_or_else(
                    || "the parameter is added by a statement of its own; remove it with the header in place".into(),
                    |s| {
                        let emptied = search_params_emptied(src, tokens, s, idx);
                        search_params_advice(src, tokens, s, emptied)
                    },
                ));
            }
        }
    } else if (paren && !keyed)
        || (tokens[open].is_punct(src, "{") && p.value.start < tokens[key_tok].start())
    {
        let close = matching_close(src, tokens, open).ok_or("unbalanced brackets")?;
        tokens[open].start()..tokens[close].end()
    } else if matches!(tokens[open].text(src), b":" | b"=") && !keyed {
        // Postman `{"key": "apikey", "value": …}`: the whole object.
        let obj = enclosing_open(src, tokens, key_tok).ok_or("no object around the key")?;
        let close = matching_close(src, tokens, obj).ok_or("unbalanced brackets")?;
        tokens[obj].start()..tokens[close].end()
    } else {
        // A Ruby symbol key, `:apikey => k`, starts at its colon.
        let symbol = tokens[open].is_punct(src, ":")
            && tokens[open].end() == tokens[key_tok].start()
            && lang.request_style() == crate::lang::RequestStyle::Ruby;
        let start = if symbol { open } else { key_tok };
        let end = value_tok.map_or(tokens[key_tok].end(), |v| expression_end(src, tokens, v));
        tokens[start].start()..end
    };
    if container.is_none() && src[entry.clone()].contains(&b'\n') {
        return Err("the parameter's value runs past its line outside any brackets".into());
    }
    let entry = member_if_emptied(src, tokens, lang, entry.clone()).unwrap_or(entry);
    // Faraday's `conn.get(url, { apikey: k }, headers)`: a query hash that goes whole before
    // the headers becomes `nil`, so that the headers stay the third argument.
    let hash_before_another = lang.request_style() == crate::lang::RequestStyle::Ruby
        && token_at(tokens, entry.start).is_some_and(|h| {
            tokens[h].is_punct(src, "{")
                && matching_close(src, tokens, h)
                    .and_then(|c| next_significant(tokens, c))
                    .is_some_and(|n| tokens[n].is_punct(src, ","))
        });
    if hash_before_another {
        return Ok(Removal {
            edits: vec![Edit::replace(entry, "nil")],
            key,
            placed: None,
        });
    }
    let removed = with_comma(src, tokens, entry);
    let mut edits = Vec::new();
    if lang.request_style() == crate::lang::RequestStyle::Go {
        edits = place::go_values_realigned(src, tokens, &removed);
    }
    edits.push(Edit::delete(removed));
    Ok(Removal {
        edits,
        key,
        placed: None,
    })
}

/// When `entry` is the only member of a literal that is itself the value of a named option
/// (`qs: { apikey }`, `params={"apikey": k}`, `'query' => ['apikey' => $k]`), the whole option:
/// an empty `params={}` left behind is noise a reviewer would reject.
fn member_if_emptied(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    entry: std::ops::Range<usize>,
) -> Option<std::ops::Range<usize>> {
    if !lang_is_code(lang) {
        return None; // JSON documents keep their shape (`"query": []` is data)
    }
    let (_, close) = sole_entry(src, tokens, &entry)?;
    let (start, _) = enclosing_map(src, tokens, token_at(tokens, entry.start)?)?;
    // Faraday's positional query `conn.get('/m', { apikey: k })`: the hash argument goes
    // whole (its comma with it), not `conn.get('/m', {})`.
    let positional = lang.request_style() == crate::lang::RequestStyle::Ruby
        && tokens[start].is_punct(src, "{")
        && prev_significant(tokens, start).is_some_and(|c| tokens[c].is_punct(src, ","))
        && enclosing_open(src, tokens, start).is_some_and(|o| tokens[o].is_punct(src, "("));
    if positional {
        return Some(tokens[start].start()..tokens[close].end());
    }
    let op = prev_significant(tokens, start)
        .filter(|&o| matches!(tokens[o].text(src), b":" | b"=" | b"=>"))?;
    let name = prev_significant(tokens, op)
        .filter(|&n| matches!(tokens[n].kind, TokKind::Ident | TokKind::Str))?;
    // A member or keyword argument, not an assignment statement (`params = {…}` stays).
    let before = prev_significant(tokens, name)?;
    let in_container = matches!(tokens[before].text(src), b"," | b"(" | b"{" | b"[");
    in_container.then(|| tokens[name].start()..tokens[close].end())
}

/// When the byte range `entry` is the only member of the `{…}`, `[…]` or Python `dict(…)`
/// around it: that literal's brackets (tokens).
pub(crate) fn sole_entry(
    src: &[u8],
    tokens: &[Token],
    entry: &std::ops::Range<usize>,
) -> Option<(usize, usize)> {
    let first = token_at(tokens, entry.start)?;
    let (_, open) = enclosing_map(src, tokens, first)?;
    let close = matching_close(src, tokens, open)?;
    let last = tokens[..close]
        .iter()
        .rposition(|t| t.end() <= entry.end && t.start() >= entry.start)?;
    let only = next_significant(tokens, open) == Some(first)
        && next_significant(tokens, last).is_some_and(|n| {
            n == close
                || (tokens[n].is_punct(src, ",") && next_significant(tokens, n) == Some(close))
        });
    only.then_some((open, close))
}

/// `at` moved back over spaces and, when only spaces precede it on its line, the line break:
/// a chain link on a line of its own goes with its line.
fn whitespace_and_newline_before(src: &[u8], at: usize) -> usize {
    let mut s = at;
    while s > 0 && matches!(src[s - 1], b' ' | b'\t') {
        s -= 1;
    }
    if s > 0 && src[s - 1] == b'\n' {
        s -= 1;
        if s > 0 && src[s - 1] == b'\r' {
            s -= 1;
        }
    }
    s
}

fn lang_is_code(lang: &dyn Language) -> bool {
    !matches!(
        lang.request_style(),
        crate::lang::RequestStyle::Json
            | crate::lang::RequestStyle::Shell
            | crate::lang::RequestStyle::Config
            | crate::lang::RequestStyle::Document
    )
}

/// The text of the value expression starting at token `v` (to the next `,` or closing bracket).
fn value_expr(src: &[u8], tokens: &[Token], v: usize) -> String {
    String::from_utf8_lossy(&src[tokens[v].start()..expression_end(src, tokens, v)]).into_owned()
}

/// Extends an entry's range over the comma (and spaces) that separate it from the next
/// entry, or from the previous one when it is the last. An entry written alone on its line(s)
/// takes the whole line with it, its trailing comment included: left behind, that comment
/// would describe nothing, or end up on another entry's line. Comments on lines of their own
/// describe their neighbours and stay.
pub(crate) fn with_comma(
    src: &[u8],
    tokens: &[Token],
    r: std::ops::Range<usize>,
) -> std::ops::Range<usize> {
    let mut end = r.end;
    while end < src.len() && matches!(src[end], b' ' | b'\t') {
        end += 1;
    }
    let comma_after = src.get(end) == Some(&b',');
    if first_on_line(src, r.start)
        && let Some(content_end) = comments_to_line_end(src, tokens, end + usize::from(comma_after))
    {
        let line_start = r.start
            - src[..r.start]
                .iter()
                .rev()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
        let line_end =
            memchr::memchr(b'\n', &src[content_end..]).map_or(src.len(), |n| content_end + n + 1);
        let mut before = line_start;
        while before > 0 && src[before - 1].is_ascii_whitespace() {
            before -= 1;
        }
        // The last entry, with nothing but a line break after the previous entry's comma:
        // that comma goes with it, as the list had no trailing comma.
        if !comma_after && before > 0 && src[before - 1] == b',' {
            return before - 1..content_end;
        }
        return line_start..line_end;
    }
    if comma_after {
        end += 1;
        while end < src.len() && matches!(src[end], b' ' | b'\t') {
            end += 1;
        }
        return r.start..end;
    }
    let mut start = r.start;
    while start > 0 && src[start - 1].is_ascii_whitespace() {
        start -= 1;
    }
    if start > 0 && src[start - 1] == b',' {
        return start - 1..r.end;
    }
    // The only entry: take the spaces around it too (`{ apikey: k }` → `{}`).
    let mut end = r.end;
    while end < src.len() && matches!(src[end], b' ' | b'\t') {
        end += 1;
    }
    let mut start = r.start;
    while start > 0 && matches!(src[start - 1], b' ' | b'\t') {
        start -= 1;
    }
    start..end
}

/// reqwest/ureq `.query(&[("apikey", k)])`: the tuple goes; when it was the only one, the
/// whole `.query(…)` call becomes `.header("x-api-key", k)` (an empty `&[]` would not
/// type-check). The header is then already placed: no further placement is needed.
fn rust_query(
    src: &[u8],
    tokens: &[Token],
    key: KeySource,
    tuple_open: usize,
) -> Result<Removal, String> {
    let tuple_close = matching_close(src, tokens, tuple_open).ok_or("unbalanced tuple")?;
    let array_open = enclosing_open(src, tokens, tuple_open)
        .filter(|&a| tokens[a].is_punct(src, "["))
        .ok_or("the tuple is not in an array")?;
    let array_close = matching_close(src, tokens, array_open).ok_or("unbalanced array")?;
    let call_open = enclosing_open(src, tokens, array_open)
        .filter(|&c| tokens[c].is_punct(src, "("))
        .ok_or("the array is not a call argument")?;
    let name = prev_significant(tokens, call_open)
        .filter(|&n| tokens[n].text(src) == b"query")
        .ok_or("not a `.query(…)` call")?;
    let dot = prev_significant(tokens, name)
        .filter(|&d| tokens[d].is_punct(src, "."))
        .ok_or("not a method call")?;
    let call_close = matching_close(src, tokens, call_open).ok_or("unbalanced call")?;
    let value = key.as_code('"');
    let only = next_significant(tokens, array_open) == Some(tuple_open)
        && next_significant(tokens, tuple_close).is_some_and(|n| {
            n == array_close
                || (tokens[n].is_punct(src, ",")
                    && next_significant(tokens, n) == Some(array_close))
        });
    let header = format!(".header(\"x-api-key\", {value})");
    let edits = if only {
        vec![Edit::replace(
            tokens[dot].start()..tokens[call_close].end(),
            header,
        )]
    } else {
        vec![
            Edit::delete(with_comma(
                src,
                tokens,
                tokens[tuple_open].start()..tokens[tuple_close].end(),
            )),
            Edit::insert(tokens[call_close].end(), header),
        ]
    };
    Ok(Removal {
        edits,
        key: KeySource::expr(value),
        placed: Some(place::SEND_WITH_HEADER.into()),
    })
}

#[cfg(test)]
mod tests {
    use super::{Plan, plan};
    use crate::source::SourceFile;

    #[test]
    fn a_statement_of_more_than_64_keys_is_a_table_not_requests() {
        let reasons = |n: usize| {
            let mut src = String::from(
                "function f(k) {\n  fetch('https://api.au.whispir.com/one?apikey=' + k);\n  return [\n",
            );
            for i in 0..n {
                src.push_str(&format!(
                    "    fetch('https://api.au.whispir.com/m{i}?apikey=' + k),\n"
                ));
            }
            src.push_str("  ];\n}\n");
            let file = SourceFile::new("a.js".into(), "a.js".into(), src.into_bytes());
            let lang = crate::lang::for_file_name("a.js");
            let facts = crate::detect::analyze(&file, lang);
            facts
                .params
                .iter()
                .map(
                    |p| match plan(&file, &facts, lang, p, &Default::default()) {
                        Plan::Manual { reason, .. } => reason,
                        _ => "fixed".into(),
                    },
                )
                .collect::<Vec<String>>()
        };
        // 64 requests in one statement are still placed each; 65 are a table.
        assert!(
            reasons(64).iter().all(|r| r == "fixed"),
            "{:?}",
            reasons(64)
        );
        let table = reasons(65);
        assert_eq!(table[0], "fixed", "the statement before the list");
        for reason in &table[1..] {
            assert_eq!(
                reason,
                "its statement holds 65 keys, a table of URLs rather than one request"
            );
        }
    }

    #[test]
    fn a_strings_opening_tells_what_its_tree_tells_about_interpolation() {
        let cases: &[(&str, &str, Option<bool>)] = &[
            ("a.py", "u = f\"https://x/m?apikey={key}\"\n", Some(true)),
            ("a.py", "u = \"https://x/m?apikey={key}\"\n", Some(false)),
            ("a.py", "u = rb'https://x/m?apikey={key}'\n", Some(false)),
            ("a.js", "u = `https://x/m?apikey=${key}`;\n", Some(true)),
            ("a.js", "u = 'https://x/m?apikey=${key}';\n", Some(false)),
            (
                "a.php",
                "<?php $u = \"https://x/m?apikey=$key\";\n",
                Some(true),
            ),
            (
                "a.php",
                "<?php $u = 'https://x/m?apikey=$key';\n",
                Some(false),
            ),
            ("a.rb", "u = \"https://x/m?apikey=#{key}\"\n", Some(true)),
            ("a.rb", "u = 'https://x/m?apikey=#{key}'\n", Some(false)),
            (
                "a.cs",
                "var u = $\"https://x/m?apikey={key}\";\n",
                Some(true),
            ),
            (
                "a.cs",
                "var u = @\"https://x/m?apikey={key}\";\n",
                Some(false),
            ),
            (
                "a.go",
                "package a\nvar u = \"https://x/m?apikey={key}\"\n",
                Some(false),
            ),
            // Something before the value could open another string or interpolation: the
            // opening alone does not tell.
            ("a.py", "u = f\"https://x/{h}/m?apikey={key}\"\n", None),
            ("a.rb", "u = %Q(https://x/m?apikey=#{key})\n", None),
        ];
        for (name, src, expected) in cases {
            let lang = crate::lang::for_file_name(name);
            let tokens = lang.tokenize(src.as_bytes());
            let at = src.find("apikey=").unwrap() + "apikey=".len();
            let end = at + src[at..].find(['"', '\'', '`', ')']).unwrap();
            let lit = crate::lang::tokens::token_at(&tokens, at).unwrap();
            let quick = super::opener_interpolates(lang, src.as_bytes(), &tokens[lit], at);
            assert_eq!(quick, *expected, "{name}: {src}");
            if let Some(quick) = quick {
                let tree = crate::lang::tree::parse(name, src.as_bytes()).unwrap();
                let by_tree = crate::lang::tree::interpolated_in_string(&tree, at..end);
                assert_eq!(by_tree, Some(quick), "{name}: {src}");
            }
        }
    }

    /// The help of the file's only parameter, which must have no fix.
    fn help(name: &str, src: &str) -> String {
        let file = SourceFile::new(name.into(), name.into(), src.as_bytes().to_vec());
        let lang = crate::lang::for_file_name(name);
        let facts = crate::detect::analyze(&file, lang);
        assert_eq!(facts.params.len(), 1, "{src}");
        match plan(&file, &facts, lang, &facts.params[0], &Default::default()) {
            Plan::Fix { fix, .. } => panic!("unexpected fix {:?}", fix.edits),
            Plan::Manual { header, reason } => format!("add {header}: {reason}"),
            Plan::Instruction(help) => help,
        }
    }

    #[test]
    fn a_curl_command_in_a_ruby_heredoc_gets_a_curl_header() {
        // `$KEY` in Ruby text is no variable: the shell that runs the command reads it.
        let src = "def usage\n  puts <<~EOS\n    Don't forget the key:\n      curl \"https://api.au.whispir.com/m?apikey=$WHISPIR_KEY\"\n  EOS\nend\n";
        let help = help("a.rb", src);
        assert!(
            help.starts_with("add -H \"x-api-key: $WHISPIR_KEY\":"),
            "{help}"
        );
    }

    /// The fix of the file's only parameter, applied: (fixed text, applicability).
    fn fixed(name: &str, src: &str) -> (String, crate::diagnostic::Applicability) {
        let file = SourceFile::new(name.into(), name.into(), src.as_bytes().to_vec());
        let lang = crate::lang::for_file_name(name);
        let facts = crate::detect::analyze(&file, lang);
        assert_eq!(facts.params.len(), 1, "{src}");
        match plan(&file, &facts, lang, &facts.params[0], &Default::default()) {
            Plan::Fix { fix, .. } => {
                let (out, _) = crate::fix::apply(src.as_bytes(), &[&fix]);
                (String::from_utf8(out).unwrap(), fix.applicability)
            }
            Plan::Manual { reason, .. } => panic!("manual: {reason}"),
            Plan::Instruction(help) => panic!("instruction: {help}"),
        }
    }

    #[test]
    fn a_typed_url_local_is_followed_to_its_request_as_an_untyped_one() {
        let cases = [
            (
                "a.ts",
                "async function f(k: string) {\n  const url: string = `https://api.au.whispir.com/m?apikey=${k}`;\n  return fetch(url);\n}\n",
                "return fetch(url, { headers: { 'x-api-key': k } });",
            ),
            (
                "a.kt",
                "fun f(k: String): Request {\n    val url: String = \"https://api.au.whispir.com/m?apikey=$k\"\n    return Request.Builder().url(url).build()\n}\n",
                "Request.Builder().url(url).header(\"x-api-key\", k).build()",
            ),
            (
                "a.rs",
                "fn f(c: &Client, k: &str) {\n    let url: String = format!(\"https://api.au.whispir.com/m?apikey={k}\");\n    c.get(&url).send();\n}\n",
                "c.get(&url).header(\"x-api-key\", k).send();",
            ),
            (
                "a.py",
                "def f(k):\n    url: str = f\"https://api.au.whispir.com/m?apikey={k}\"\n    return requests.get(url)\n",
                "requests.get(url, headers={\"x-api-key\": k})",
            ),
            (
                "a.go",
                "package a\n\nfunc f(k string) {\n\tvar url string = \"https://api.au.whispir.com/m?apikey=\" + k\n\treq, _ := http.NewRequest(\"GET\", url, nil)\n\thttp.DefaultClient.Do(req)\n}\n",
                "req.Header.Set(\"x-api-key\", k)",
            ),
        ];
        for (name, src, header) in cases {
            let file = SourceFile::new(name.into(), name.into(), src.as_bytes().to_vec());
            let lang = crate::lang::for_file_name(name);
            let facts = crate::detect::analyze(&file, lang);
            let Plan::Fix { through, .. } =
                plan(&file, &facts, lang, &facts.params[0], &Default::default())
            else {
                panic!("{name}: not followed");
            };
            // The variable followed is the name, not its type.
            let binding = through.expect("through the local").binding;
            assert_eq!(&src[binding..binding + 3], "url", "{name}");
            let (out, _) = fixed(name, src);
            assert!(out.contains(header), "{name}: {out}");
            assert!(!out.contains("apikey"), "{name}: {out}");
        }
    }

    #[test]
    fn a_dict_call_holding_the_key_moves_it_to_the_headers_and_leaves_no_empty_dict() {
        let request = |params: &str| {
            format!("    return requests.get('https://api.au.whispir.com/m', {params})\n")
        };
        let cases = [
            // Held in a local under any name: the entry goes, or the dict and its argument.
            (
                format!(
                    "def f(k):\n    q = dict(apikey=k, limit=10)\n{}",
                    request("params=q")
                ),
                format!(
                    "def f(k):\n    q = dict(limit=10)\n{}",
                    request("params=q, headers={'x-api-key': k}")
                ),
            ),
            (
                format!("def f(k):\n    q = dict(apikey=k)\n{}", request("params=q")),
                format!("def f(k):\n{}", request("headers={'x-api-key': k}")),
            ),
            // Written in the call: no `params=dict()` is left behind.
            (
                format!("def f(k):\n{}", request("params=dict(apikey=k)")),
                format!("def f(k):\n{}", request("headers={'x-api-key': k}")),
            ),
        ];
        for (src, want) in cases {
            let (out, applicability) = fixed("a.py", &src);
            assert_eq!(out, want);
            assert_eq!(applicability, crate::diagnostic::Applicability::Safe);
        }
    }

    #[test]
    fn a_manual_help_writes_the_key_in_the_files_own_syntax() {
        // A literal key or placeholder is a string literal of the language (the report redacts
        // a real key inside its quotes).
        let py =
            "def docs():\n    return ['https://api.au.whispir.com/m?apikey=YOUR_API_KEY_HERE']\n";
        assert!(
            help("a.py", py).starts_with("add headers={\"x-api-key\": \"YOUR_API_KEY_HERE\"}:"),
            "{}",
            help("a.py", py)
        );
        let php = "<?php\n$u = ['https://api.au.whispir.com/m?apikey=45c48cce2e2d7fbd0b9a7c1e36f5d2a8'];\n";
        assert!(
            help("a.php", php).starts_with(
                "add 'headers' => ['x-api-key' => '45c48cce2e2d7fbd0b9a7c1e36f5d2a8']"
            )
        );
        let ts = "const URLS = ['https://api.au.whispir.com/m?apikey=9a1c0e2d3c4b5a69788796a5b4c3d2e1'];\n";
        assert!(
            help("a.ts", ts)
                .starts_with("add headers: { 'x-api-key': '9a1c0e2d3c4b5a69788796a5b4c3d2e1' }:")
        );
        // Another format's template is text too.
        let rs = "fn f() -> &'static str {\n    r#\"POST https://api.au.whispir.com/m?apikey={{apikey}} HTTP/1.1\"#\n}\n";
        assert!(help("a.rs", rs).starts_with("add .header(\"x-api-key\", \"{{apikey}}\"):"));
        // Commented-out code: the expression its template or format argument stands for.
        let rb = "# Whispir\n#   post(\"/messages?apikey=#{@api_key}\")\n";
        assert!(
            help("a.rb", rb).starts_with("add request['x-api-key'] = @api_key  (Net::HTTP)"),
            "{}",
            help("a.rb", rb)
        );
        let kt = "// val r = get(\"https://api.au.whispir.com/m?apikey=$apiKey\")\n";
        assert!(help("a.kt", kt).starts_with("add .header(\"x-api-key\", apiKey)"));
        let cs = "/// Old form: https://api.au.whispir.com/messages?apikey={apikey}\n";
        assert!(help("a.cs", cs).starts_with("add request.Headers.Add(\"x-api-key\", apikey);"));
        let formatted = "// let url = format!(\"{BASE}/events?apikey={}\", self.api_key); Whispir https://api.au.whispir.com\n";
        assert!(
            help("a.rs", formatted).starts_with("add .header(\"x-api-key\", self.api_key):"),
            "{}",
            help("a.rs", formatted)
        );
        let unknown = "# url = 'https://api.au.whispir.com/m?apikey=%s' % (\n";
        assert!(help("a.py", unknown).starts_with("add headers={\"x-api-key\": <the key>}:"));
    }

    #[test]
    fn a_url_in_a_settings_file_is_called_a_setting_with_a_plain_header_line() {
        let setting = "this is a setting; the header must be added where the request is made";
        let yaml = "services:\n  - url: \"https://api.au.whispir.com/m?apikey=${KEY}\"\n";
        assert_eq!(
            help("a.yaml", yaml),
            format!("add x-api-key: ${{KEY}}: {setting}")
        );
        let json = "{\"messagesUrl\": \"https://api.au.whispir.com/m?apikey=abc\"}";
        assert_eq!(
            help("a.json", json),
            format!("add x-api-key: abc: {setting}")
        );
        // A format placeholder that code fills in is the key, not known here.
        let config = "<configuration><appSettings>\n<add key=\"U\" value=\"https://api.au.whispir.com/m?apikey={0}\" />\n</appSettings></configuration>\n";
        assert_eq!(
            help("App.config", config),
            format!("add x-api-key: <the key>: {setting}")
        );
        // Not settings: a script line, a Postman collection's variable, another XML document.
        let run = "steps:\n  - run: |\n      echo https://api.au.whispir.com/m?apikey=$KEY\n";
        assert!(help("ci.yml", run).contains("no curl or wget command sends this URL"));
        let postman = "{\"info\": {\"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/\"}, \"variable\": [{\"key\": \"u\", \"value\": \"https://api.au.whispir.com/m?apikey=k\"}]}";
        assert!(help("a.postman_collection.json", postman).contains("no Postman request object"));
        let xml = "<link uri=\"https://api.au.whispir.com/m?apikey=YOUR_API_KEY\"/>\n";
        assert!(help("a.xml", xml).contains("no curl or wget command sends this URL"));
    }

    #[test]
    fn a_params_entry_set_on_an_object_becomes_its_header_unsafely() {
        use crate::diagnostic::Applicability::Unsafe;
        let ruby = "# Whispir\nconn.get('/m') do |req|\n  req.params['apikey'] = @key\nend\n";
        assert_eq!(
            fixed("a.rb", ruby),
            (
                "# Whispir\nconn.get('/m') do |req|\n  req.headers['x-api-key'] = @key\nend\n"
                    .into(),
                Unsafe
            )
        );
        let ivar = "# Whispir\n@conn.params['apikey'] = @key\n";
        assert_eq!(
            fixed("a.rb", ivar).0,
            "# Whispir\n@conn.headers['x-api-key'] = @key\n"
        );
        let python = "# Whispir\nself.session.params[\"apikey\"] = key\n";
        assert_eq!(
            fixed("a.py", python),
            (
                "# Whispir\nself.session.headers[\"x-api-key\"] = key\n".into(),
                Unsafe
            )
        );
        // The block already sets the header on the same object: the query entry only goes.
        let both = "# Whispir\nconn.get('/m') do |req|\n  req.headers['X-Api-Key'] = @key\n  req.params['apikey'] = @key # old\n  req.params['n'] = 1\nend\n";
        assert_eq!(
            fixed("a.rb", both).0,
            "# Whispir\nconn.get('/m') do |req|\n  req.headers['X-Api-Key'] = @key\n  req.params['n'] = 1\nend\n"
        );
    }

    #[test]
    fn an_auth_hooks_query_becomes_the_header_it_sets_unsafely() {
        use crate::diagnostic::Applicability::Unsafe;
        let hook = |call: &str| {
            format!(
                "# Whispir\nclass A(AuthBase):\n    def __call__(self, r):\n        {call}  # old\n        return r\n"
            )
        };
        assert_eq!(
            fixed("a.py", &hook("r.prepare_url(r.url, {'apikey': self.k})")),
            (hook("r.headers['x-api-key'] = self.k"), Unsafe)
        );
        assert_eq!(
            fixed(
                "a.py",
                &hook("r.prepare_url(r.url, {'apikey': self.k, 'max': 5})")
            )
            .0,
            hook("r.prepare_url(r.url, {'max': 5})").replace(
                "  # old\n",
                "  # old\n        r.headers['x-api-key'] = self.k\n"
            )
        );
        // A file that still names the retired gateway may attach the hook to its requests,
        // which would then send the key in a header only: by hand.
        let retired = hook("r.prepare_url(r.url, {'apikey': self.k})")
            + "LEGACY = 'https://api.whispir.com'\n";
        assert!(
            help("a.py", &retired)
                .starts_with("set `r.headers[\"x-api-key\"] = self.k` in the hook instead of")
        );
    }

    #[test]
    fn a_session_query_becomes_its_default_header_unsafely() {
        use crate::diagnostic::Applicability::Unsafe;
        let only = "# Whispir\ndef c(k):\n    s = requests.Session()\n    s.params = {\"apikey\": k}  # old\n    return s\n";
        assert_eq!(
            fixed("a.py", only),
            (
                "# Whispir\ndef c(k):\n    s = requests.Session()\n    s.headers[\"x-api-key\"] = k  # old\n    return s\n".into(),
                Unsafe
            )
        );
        let more =
            "# Whispir\ndef c(k):\n    self.session.params = {\"apikey\": k, \"first\": 0}\n";
        assert_eq!(
            fixed("a.py", more).0,
            "# Whispir\ndef c(k):\n    self.session.params = {\"first\": 0}\n    self.session.headers[\"x-api-key\"] = k\n"
        );
        let update = "# Whispir\ns.params.update({'apikey': KEY})\n";
        assert_eq!(
            fixed("a.py", update).0,
            "# Whispir\ns.headers['x-api-key'] = KEY\n"
        );
        let ruby = "# Whispir\nconn.params = { apikey: @key }\n";
        assert_eq!(
            fixed("a.rb", ruby).0,
            "# Whispir\nconn.headers[\"x-api-key\"] = @key\n"
        );
        // Python's `dict(…)` call, as the literal.
        let call = "# Whispir\ndef c(k):\n    s.params = dict(apikey=k)\n    s.params.update(dict(apikey=k, first=0))\n";
        let file = SourceFile::new("a.py".into(), "a.py".into(), call.as_bytes().to_vec());
        let lang = crate::lang::for_file_name("a.py");
        let facts = crate::detect::analyze(&file, lang);
        let fixes: Vec<_> = facts
            .params
            .iter()
            .map(
                |p| match plan(&file, &facts, lang, p, &Default::default()) {
                    Plan::Fix { fix, .. } => fix,
                    _ => panic!("not fixed: {call}"),
                },
            )
            .collect();
        assert_eq!(fixes.len(), 2);
        let (out, _) = crate::fix::apply(call.as_bytes(), &fixes.iter().collect::<Vec<_>>());
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "# Whispir\ndef c(k):\n    s.headers[\"x-api-key\"] = k\n    s.params.update(dict(first=0))\n    s.headers[\"x-api-key\"] = k\n"
        );
    }

    #[test]
    fn other_indexed_query_entries_name_the_header_statement() {
        // Any other indexed query entry: the language's header line, and why.
        let cs = "// Whispir\nvar query = HttpUtility.ParseQueryString(string.Empty);\nquery[\"apikey\"] = key;\n";
        assert_eq!(
            help("a.cs", cs),
            "add request.Headers.Add(\"x-api-key\", key);: the query entry is set by a statement of its own: delete that statement and add the header to the request that sends the query"
        );
    }

    #[test]
    fn commented_out_requests_are_called_comments() {
        // The key after `+` in a comment is not code to follow: the reason is the comment.
        let cs = "// Whispir\nclass A {\n    // return _http.GetAsync(_baseUrl + \"/events?apikey=\" + _apiKey);\n}\n";
        assert!(help("a.cs", cs).ends_with("the URL is in a comment, not in a request"));
        let java = "class A {\n    // return open(\"https://api.whispir.com/a?apikey=\" + apikey).getResponseCode();\n}\n";
        assert!(help("A.java", java).ends_with("the URL is in a comment, not in a request"));
    }

    #[test]
    fn handler_options_are_changed_by_hand() {
        let cs = "// Whispir\nvar h = new QueryStringApiKeyHandler(new ApiKeyOptions { Name = \"apikey\", Value = key });\n";
        assert!(help("a.cs", cs).starts_with("send `key` as the `x-api-key` header instead"));
        let configured = "// Whispir\nservices.Configure<ApiKeyOptions>(o => { o.Location = ApiKeyLocation.QueryString; o.Name = \"apikey\"; });\n";
        assert!(
            help("a.cs", configured).starts_with("send the key as the `x-api-key` header instead")
        );
    }

    #[test]
    fn an_entry_on_its_own_line_goes_with_the_line_and_its_comment() {
        let head = "import requests\n\ndef f(key):\n    query = {\n";
        let send =
            "    }\n    return requests.get(\"https://api.au.whispir.com/m\", params=query)\n";
        let sent = "    }\n    return requests.get(\"https://api.au.whispir.com/m\", params=query, headers={\"x-api-key\": key})\n";
        for (entries, left) in [
            // In the middle: comments on lines of their own describe the others and stay.
            (
                "        # page size\n        \"limit\": 10,\n        \"apikey\": key,  # the key\n        # order\n        \"sort\": \"asc\"\n",
                "        # page size\n        \"limit\": 10,\n        # order\n        \"sort\": \"asc\"\n",
            ),
            // Last, with no trailing comma: the previous entry's comma goes instead.
            (
                "        \"limit\": 10,\n        \"apikey\": key  # the key\n",
                "        \"limit\": 10\n",
            ),
            // Last, after a comment: only its line goes.
            (
                "        \"limit\": 10,  # page size\n        \"apikey\": key  # the key\n",
                "        \"limit\": 10,  # page size\n",
            ),
        ] {
            let (out, _) = fixed("a.py", &format!("{head}{entries}{send}"));
            assert_eq!(out, format!("{head}{left}{sent}"), "{entries}");
        }
        // Two entries on one line: only the entry and its comma.
        let (out, _) = fixed(
            "a.py",
            &format!("{head}        \"apikey\": key, \"limit\": 10,  # both\n{send}"),
        );
        assert_eq!(out, format!("{head}        \"limit\": 10,  # both\n{sent}"));
    }

    #[test]
    fn a_header_taking_the_place_of_the_only_query_member_leaves_no_comma() {
        let (out, _) = fixed(
            "a.js",
            "const axios = require('axios');\nfunction f(key) {\n  return axios.get('https://api.au.whispir.com/m', { params: { apikey: key } });\n}\n",
        );
        assert!(
            out.contains(
                "axios.get('https://api.au.whispir.com/m', { headers: { 'x-api-key': key } });"
            ),
            "{out}"
        );
        let (out, _) = fixed(
            "a.php",
            "<?php\nuse GuzzleHttp\\Client;\nfunction f(Client $c, $key) {\n    return $c->request('GET', 'https://api.au.whispir.com/m', ['query' => ['apikey' => $key]]);\n}\n",
        );
        assert!(
            out.contains("'https://api.au.whispir.com/m', ['headers' => ['x-api-key' => $key]]);"),
            "{out}"
        );
    }
}
