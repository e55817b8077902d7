//! The request is the unit of a fix (SPEC, "Fixes — the safety contract").
//!
//! Rules propose edits finding by finding: WM001 moves a host, WM002 moves a key into a header.
//! Applied one without the other they produce a *half-migrated* request — a regional host with
//! the key still in the query, or the key in a header of a request to the retired gateway —
//! which the gateway answers with 403. This step groups the hosts and `apikey` parameters
//! that belong together and gives every finding of a group one shared `Fix`, or none:
//!
//! - a parameter joins the host written in its URL, or reached through the expression that
//!   builds it (`BASE + "?apikey="`), or, when the file shows no host for it, every retired
//!   host of the file (a `base_uri`, a constant): those must move with it;
//! - a group with a retired host and a key in the query is one fix of all its edits, when
//!   every one of them has a fix; otherwise nothing in it is fixed, and the findings say what
//!   to change together;
//! - a retired host with no key in sight is fixed alone: safely when it is the URL of a
//!   request, and as a base URL (a constant, a settings entry) only under the run's
//!   [`BaseUrlPolicy`].

use super::{BaseUrlPolicy, RuleContext};
use crate::codes::RuleCode;
use crate::detect::{Facts, HostLink, ParamShape, Target};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, VariableUse};
use crate::hosts::HostKind;
use crate::lang::tokens::{Layout, Openers, next_significant, prev_significant, token_at};
use crate::lang::{Language, RequestStyle, TokKind, Token};
use crate::source::SourceFile;
use std::collections::{HashMap, HashSet};

/// How many requests on one base URL a single fix moves together.
const MAX_SHARED_REQUESTS: usize = 64;

/// How many reads of a local built on a base URL are followed to the requests they feed.
const READS_FOLLOWED: usize = 16;

/// How many key-in-query sites a base URL's message names before it counts the rest.
const SITES_SHOWN: usize = 3;
/// A blocked host's help, when the key it must move with has no automatic fix itself.
const KEY_NOT_AUTOMATIC: &str = ", and that key has no automatic fix";

/// Groups the findings of one file into requests and rewrites their fixes accordingly.
pub fn assemble(
    file: &SourceFile,
    facts: &Facts,
    lang: &dyn Language,
    ctx: &RuleContext,
    diagnostics: &mut [Diagnostic],
) {
    upgrade_options_transport(file, facts, diagnostics);
    let hosts: Vec<usize> = (0..facts.hosts.len())
        .filter(|&i| facts.hosts[i].kind != HostKind::NotApi)
        .collect();
    let params = &facts.params;
    // Sorted lookups rather than hash maps: a dump can hold a finding on every line, and
    // these are asked once per finding.
    let mut node_of_host: Vec<(usize, usize)> = hosts
        .iter()
        .enumerate()
        .map(|(n, &h)| (facts.hosts[h].host.start, n))
        .collect();
    node_of_host.sort_unstable();
    let node_of_host = |at: usize| {
        node_of_host
            .binary_search_by_key(&at, |&(start, _)| start)
            .ok()
            .map(|i| node_of_host[i].1)
    };
    let retired: Vec<usize> = (0..hosts.len())
        .filter(|&n| facts.hosts[hosts[n]].kind == HostKind::Legacy)
        .collect();
    // Retired hosts held in bindings (constants, settings, `base_uri`): the bases that a
    // relative path or a key without a URL in sight is sent to. A literal written in one
    // request's own URL expression is that request's, not a base.
    let own_url: HashSet<usize> = params
        .iter()
        .filter_map(|p| p.host.filter(|l| !l.through_binding()).map(|l| l.at))
        .collect();
    let bases: Vec<usize> = retired
        .iter()
        .copied()
        .filter(|&n| {
            let at = facts.hosts[hosts[n]].host.start;
            !own_url.contains(&at)
                && !in_comment(&facts.tokens, at)
                && !is_request_url(file, &facts.tokens, lang, at)
        })
        .collect();
    // The first retired host inside a byte range: a binary search, as a file of thousands of
    // requests asks once per parameter (`retired` is in file order).
    let retired_in = |r: &std::ops::Range<usize>| {
        let first = retired.partition_point(|&n| facts.hosts[hosts[n]].host.start < r.start);
        retired
            .get(first)
            .copied()
            .filter(|&n| facts.hosts[hosts[n]].host.start < r.end)
    };
    let mut groups = Groups::new(hosts.len() + params.len());
    let mut inferred = vec![false; params.len()];
    let mut through_base = vec![false; params.len()];
    let mut instance_regional: Option<(std::ops::Range<usize>, bool)> = None;
    let string_words = std::cell::OnceCell::new();
    let regional_names = std::cell::OnceCell::new();
    let mut base_names: std::collections::HashMap<&[u8], Vec<usize>> = Default::default();
    for &n in &bases {
        let at = facts.hosts[hosts[n]].host.start;
        if let Some((name, _)) = binding_name(&file.bytes, &facts.tokens, at) {
            let name = name.strip_prefix(b"$").unwrap_or(name);
            base_names.entry(name).or_default().push(n);
        }
    }
    let is_base = {
        let mut is_base = vec![false; hosts.len()];
        for &n in &bases {
            is_base[n] = true;
        }
        is_base
    };
    // Joined through the request object that names the host: another parameter of that same
    // request (a `<cfhttpparam>` beside the URL's own key), not a request of its own.
    let mut same_request = vec![false; params.len()];
    let module_level_retired: std::cell::OnceCell<Vec<usize>> = std::cell::OnceCell::new();
    let mut joined_runs: HashSet<(usize, usize)> = HashSet::new();
    // The function of this file whose regional host a request's URL is built from.
    let mut host_from_function: Vec<Option<String>> = vec![None; params.len()];
    for (k, p) in params.iter().enumerate() {
        let node = hosts.len() + k;
        // A commented-out line's own host is in the comment with it; one it names (`{BASE}`)
        // is a binding the line does not send to (see below).
        // Detection links a name to the first literal the file gives it: one bound in another
        // function is that function's local, which says neither this request's host nor
        // whether it is regional.
        let foreign = p.host.is_some_and(|l| {
            l.through_binding() && local_of_another_function(file, facts, l.at, p.span.start)
        });
        let own_host = p
            .host
            .filter(|_| !foreign)
            .filter(|l| !(l.through_binding() && commented_out(&facts.tokens, lang, p.span.start)));
        if let Some(h) = own_host.and_then(|l| node_of_host(l.at)) {
            groups.join(node, h);
            continue;
        }
        // Commented-out code (`// u := BASE + "/m?apikey=" + k`) sends nothing: moving the
        // file's bases leaves it as it was, a comment.
        if commented_out(&facts.tokens, lang, p.span.start) {
            continue;
        }
        if p.shape == ParamShape::SecurityScheme {
            // A security scheme serves every server of its document.
            for &h in &retired {
                groups.join(node, h);
            }
            continue;
        }
        // A query dict held in a name is sent by every request that passes it, whichever
        // host the first of them names: their retired hosts move with its key.
        let passed_to_retired: Vec<usize> = super::plan::query_dict_reads(
            &file.bytes,
            &facts.tokens,
            lang,
            p,
            super::plan::Indexes::of(facts),
        )
        .iter()
        .filter_map(|read| {
            let at = token_at(&facts.tokens, read.start)?;
            retired_in(&super::place::statement(
                &file.bytes,
                &facts.tokens,
                &facts.openers,
                lang,
                at,
            ))
        })
        .collect();
        for &h in &passed_to_retired {
            groups.join(node, h);
        }
        if !passed_to_retired.is_empty() {
            continue;
        }
        if !foreign
            && !matches!(
                p.target,
                Target::WhispirContext | Target::Host(HostKind::Legacy)
            )
        {
            continue; // a regional host, or a placeholder of one: nothing retired to move
        }
        // The host of an options object (`{ host: 'api.whispir.com', path: '/m?apikey=' }`).
        let sibling =
            request_object(&file.bytes, &facts.tokens, p.span.start).and_then(|r| retired_in(&r));
        // `$request = new Request('GET', URL); $request->setQuery([... 'apikey' ...])`.
        let sibling = sibling.or_else(|| {
            let r = receiver_assignment(&file.bytes, &facts.tokens, lang, p.span.start)?;
            retired_in(&r)
        });
        // ColdFusion: a `<cfhttpparam>` or `addParam` of the request whose URL names the host.
        let sibling = sibling.or_else(|| {
            if lang.request_style() != RequestStyle::ColdFusion {
                return None;
            }
            let script = super::place::Script::of_facts(&file.bytes, facts);
            let r = super::place::request_extent(script, p.span.start)?;
            retired_in(&r)
        });
        if let Some(h) = sibling {
            groups.join(node, h);
            same_request[k] = true;
            continue;
        }
        // Go: `q.Add("apikey", k)` on `q := req.URL.Query()` is `req`'s key, and the URL
        // given to `http.NewRequest` shows where that request goes.
        if lang.request_style() == RequestStyle::Go
            && let Some(url) =
                super::place::go_query_request(&file.bytes, &facts.tokens, p.span.start)
        {
            if let Some(h) = retired_in(&url) {
                groups.join(node, h);
                continue;
            }
            if let Some(h) = named_base(
                file,
                &facts.tokens,
                &facts.openers,
                lang,
                url.start,
                &base_names,
            ) {
                groups.join(node, h);
                through_base[k] = true;
                continue;
            }
            if names_regional_host(file, facts, &url) {
                continue; // a regional request: nothing retired to move with its key
            }
        }
        // A builder whose request URL is written in another statement of the same function
        // (`const u = new URL('https://api.whispir.com/m'); u.searchParams.set('apikey', k)`,
        // `query["apikey"] = k` before `GetStringAsync(url + "?" + query)`): that function's
        // retired hosts may be its request's, and never move without it. At module level
        // (scripts), the retired hosts outside any function.
        // The retired hosts written in the parameter's own function (at module level, those
        // outside any function), by its syntax tree.
        // Parsed only for a query builder or fragment whose request the tokens do not show.
        // The parameter joins those hosts: the hosts are joined with one another once per run
        // (a script of thousands of builders joined each with every host), then the parameter
        // with the first. Whether there was one.
        let mut join_same_function = |groups: &mut Groups| -> bool {
            let function = |at: usize| {
                let tree = facts.tree_around(file, &[at])?;
                Some(crate::lang::tree::enclosing_function(tree, at))
            };
            let Some(scope) = function(p.span.start) else {
                return false;
            };
            // A run of `retired` (in file order), keyed by its bounds.
            let (run, local): ((usize, usize), &[usize]) = match scope {
                Some(f) => {
                    let start = |at: usize| {
                        retired.partition_point(|&n| facts.hosts[hosts[n]].host.start < at)
                    };
                    let run = (start(f.start), start(f.end));
                    (run, &retired[run.0..run.1])
                }
                // Which retired hosts are outside every function is asked once per file.
                None => (
                    (usize::MAX, usize::MAX),
                    module_level_retired.get_or_init(|| {
                        retired
                            .iter()
                            .copied()
                            .filter(|&n| {
                                function(facts.hosts[hosts[n]].host.start)
                                    .is_some_and(|f| f.is_none())
                            })
                            .collect()
                    }),
                ),
            };
            let Some(&first) = local.first() else {
                return false;
            };
            if joined_runs.insert(run) {
                for pair in local.windows(2) {
                    groups.join(pair[0], pair[1]);
                }
            }
            groups.join(node, first);
            true
        };
        if p.shape == ParamShape::Builder && join_same_function(&mut groups) {
            continue;
        }
        // A request on an axios instance goes to the instance's `baseURL`: a retired one moves
        // with it; with a regional one there is nothing retired to move.
        if lang.request_style() == RequestStyle::JavaScript
            && let Some(options) = super::place::axios_instance_options(
                &file.bytes,
                &facts.tokens,
                facts
                    .layout
                    .get_or_init(|| Layout::of_file(&file.bytes, &facts.tokens)),
                &facts.openers,
                p.span.start,
            )
        {
            if let Some(h) = retired_in(&options) {
                groups.join(node, h);
                through_base[k] = true; // the instance serves other requests too
                continue;
            }
            // The requests on one instance ask in turn: the answer is kept for the next.
            let regional = match &instance_regional {
                Some((known, regional)) if *known == options => *regional,
                _ => {
                    let regional = names_regional_host(file, facts, &options);
                    instance_regional = Some((options.clone(), regional));
                    regional
                }
            };
            if regional {
                continue;
            }
        }
        // A base named in the request's own statement (`${BASE}/…?apikey=${key}`) is its.
        if let Some(h) = named_base(
            file,
            &facts.tokens,
            &facts.openers,
            lang,
            p.span.start,
            &base_names,
        ) {
            groups.join(node, h);
            through_base[k] = true;
            continue;
        }
        // Rust: `format!("{}/m?apikey={}", self.base(), key)` where this file's `fn base`
        // builds only regional hosts: a regional request, known through another function.
        if lang.request_style() == RequestStyle::Rust
            && let Some(function) = regional_host_function(file, facts, lang, p.span.start)
        {
            host_from_function[k] = Some(function);
            continue;
        }
        // A key fragment with no host in sight (`sb.append("&apikey=").append(k)`) in a
        // function that writes a retired host (`new StringBuilder("http://api.whispir.com/…")`):
        // that host may be its request's, and never moves without it.
        if p.shape == ParamShape::Fragment && p.host.is_none() && join_same_function(&mut groups) {
            continue;
        }
        // A URL built on a binding of a regional host and on no retired base
        // (`f"{REGIONAL_URL}/m?apikey={k}"`): a regional request, nothing retired to move.
        if p.host.is_none() {
            let regional = regional_names.get_or_init(|| {
                regional_binding_names(file, facts, lang, &own_url, facts.tree(file))
            });
            if builds_on_regional_binding(file, facts, lang, p.span.start, &base_names, regional) {
                continue;
            }
        }
        // Otherwise every base the file names may be this request's: they move with it.
        if let Some(&first) = bases.first() {
            groups.join(node, first);
            inferred[k] = true;
        }
    }
    if inferred.contains(&true) {
        for pair in bases.windows(2) {
            groups.join(pair[0], pair[1]);
        }
    }
    let mut by_span: Vec<((RuleCode, usize, usize), usize)> = diagnostics
        .iter()
        .enumerate()
        .map(|(i, d)| ((d.code, d.span.start, d.span.end), i))
        .collect();
    by_span.sort_unstable();
    let diag_of = |code: RuleCode, span: &std::ops::Range<usize>| {
        // The last of equal keys, as a map filled in order would keep.
        let wanted = (code, span.start, span.end);
        let after = by_span.partition_point(|&(key, _)| key <= wanted);
        (after > 0 && by_span[after - 1].0 == wanted).then(|| by_span[after - 1].1)
    };
    let hooks = super::auth_hook::QueryHooks::of_file(file, facts, lang, diagnostics);
    let unseen_queries = std::cell::OnceCell::new();
    let (members_in_order, sets) = groups.components();
    for set in sets {
        let members = &members_in_order[set];
        let host_nodes: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&n| n < hosts.len())
            .collect();
        let param_nodes: Vec<usize> = members
            .iter()
            .filter(|&&n| n >= hosts.len())
            .map(|&n| n - hosts.len())
            .collect();
        let host_diags: Vec<usize> = host_nodes
            .iter()
            .filter_map(|&n| diag_of(RuleCode::WM001, &facts.hosts[hosts[n]].host))
            .collect();
        let key_diags: Vec<usize> = param_nodes
            .iter()
            .filter_map(|&k| diag_of(RuleCode::WM002, &params[k].span))
            .collect();
        if key_diags.is_empty() {
            for &n in &host_nodes {
                let h = &facts.hosts[hosts[n]];
                let Some(d) = diag_of(RuleCode::WM001, &h.host) else {
                    continue;
                };
                let request_url = is_request_url(file, &facts.tokens, lang, h.host.start);
                // The request's own statement; a base URL may be read by any request of the file.
                let within = || match request_url {
                    true => {
                        let i = token_at(&facts.tokens, h.host.start)?;
                        Some(super::place::statement(
                            &file.bytes,
                            &facts.tokens,
                            &facts.openers,
                            lang,
                            i,
                        ))
                    }
                    false => Some(0..file.bytes.len()),
                };
                let queries = || {
                    unseen_queries
                        .get_or_init(|| UnseenQueries::of_file(&file.bytes, &facts.tokens, lang))
                };
                let unseen = || queries().within(within()?);
                let unread_key = || queries().unread_key_within(within()?);
                if let Some(key) = diagnostics[d].fix.as_ref().and_then(|_| unread_key()) {
                    // A key in sight that no finding reads: the host alone would leave it in
                    // the query of a regional host.
                    let key = String::from_utf8_lossy(key).into_owned();
                    diagnostics[d].withdraw_fix(format!(
                        "the request may also send `{key}` in its query, as a hash entry the fixer does not read: move the host in the same change that moves that key into an `x-api-key` header"
                    ));
                } else if let Some(query) = diagnostics[d].fix.as_ref().and_then(|_| unseen()) {
                    // No key in sight, but the request sends a query this file does not
                    // show: if it holds the key, the host alone makes a half-migrated request.
                    let query = String::from_utf8_lossy(query).into_owned();
                    diagnostics[d].withdraw_fix(format!(
                        "the request also sends the query `{query}`, which this file does not show: move the host in the same change that moves its `apikey` (if it has one) into an `x-api-key` header"
                    ));
                } else if !request_url {
                    mark_base_url(&mut diagnostics[d], ctx.base_urls.as_ref());
                } else if let (Some(region), Some(hook)) = (
                    ctx.region.filter(|_| diagnostics[d].fix.is_some()),
                    hooks.blocking(file, &facts.tokens, &facts.openers, lang, h.host.start),
                ) {
                    // No key in sight, but the auth hook adds one to this request's query.
                    diagnostics[d].fix = None;
                    diagnostics[d].help = Some(format!(
                        "move to `{}` in the same change that moves the key at line {hook} into an `x-api-key` header (not automatic: a request's host and key move together{KEY_NOT_AUTOMATIC})",
                        region.host()
                    ).into());
                }
            }
            continue;
        }
        // A key still in the query keeps an unknown region's label where it is: the region
        // fix alone would make a half-migrated request; it comes once the key has moved.
        for &n in &host_nodes {
            if let Some(d) = diag_of(RuleCode::WM004, &facts.hosts[hosts[n]].host) {
                diagnostics[d].fix = None;
            }
        }
        let retired_here = host_nodes
            .iter()
            .any(|&n| facts.hosts[hosts[n]].kind == HostKind::Legacy)
            || param_nodes
                .iter()
                .any(|&k| params[k].target == Target::Host(HostKind::Legacy));
        if !retired_here {
            // Regional (or unknown) hosts stay: each key moves on its own, but a key whose
            // host the file does not show may be going to a retired gateway elsewhere.
            let regional_file = facts
                .hosts
                .iter()
                .any(|h| matches!(h.kind, HostKind::Regional(_) | HostKind::Placeholder));
            for &k in &param_nodes {
                if let Some(function) = &host_from_function[k]
                    && let Some(d) = diag_of(RuleCode::WM002, &params[k].span)
                {
                    downgrade(
                        &mut diagnostics[d],
                        &format!("the request's host comes from another function, `{function}()`"),
                    );
                }
                if params[k].host.is_none()
                    && params[k].target == Target::WhispirContext
                    && !regional_file
                    && let Some(d) = diag_of(RuleCode::WM002, &params[k].span)
                {
                    downgrade(
                        &mut diagnostics[d],
                        "the request's host is not in this file: if it is still the retired gateway, move it in the same change",
                    );
                }
            }
            continue;
        }
        // `http://` → `https://` of these requests: the scheme is part of the request, so it
        // moves in the group's fix or not at all.
        let scheme_diags: Vec<usize> = host_nodes
            .iter()
            .filter_map(|&n| facts.hosts[hosts[n]].scheme.as_ref())
            .filter_map(|scheme| diag_of(RuleCode::WM005, scheme))
            .collect();
        let Some(region) = ctx.region else {
            for &d in &scheme_diags {
                diagnostics[d].withdraw_fix(
                    "the scheme moves with this request's host and key, which need `--region`",
                );
            }
            // The retired gateway reads the key from the query: moving the key alone breaks
            // the request as surely as moving the host alone.
            for &d in &key_diags {
                if diagnostics[d].fix.take().is_some() {
                    let help = diagnostics[d].help.take().unwrap_or_default();
                    diagnostics[d].help = Some(format!(
                        "{help}; this request goes to a retired gateway, so its host must move in the same change: pass `--region` to get a fix"
                    ).into());
                }
            }
            continue;
        };
        let missing: Vec<usize> = key_diags
            .iter()
            .chain(&host_diags)
            .copied()
            .filter(|&d| diagnostics[d].fix.is_none())
            .collect();
        // A base binding moves every request built on it: each use must be one of this
        // group's requests, or the move would leave the others behind.
        // The requests are where their keys are and where their fixes edit (the call that
        // sends one gets the header, though the key was set in a statement before it).
        let mut key_spans: Vec<usize> = key_diags
            .iter()
            .map(|&d| diagnostics[d].span.start)
            .chain(key_diags.iter().flat_map(|&d| {
                diagnostics[d]
                    .fix
                    .iter()
                    .flat_map(|f| f.edits.iter().map(|e| e.range.start))
            }))
            .collect();
        // Sorted: each use of a base asks whether one lies in its statement.
        key_spans.sort_unstable();
        key_spans.dedup();
        let mut blockers: Vec<usize> = missing
            .iter()
            .map(|&d| file.line_index(diagnostics[d].span.start) + 1)
            .collect();
        // Sent through an auth hook that keeps adding the key to the query: moving the host
        // while the hook stays would leave the key in a regional request's query.
        blockers.extend(
            key_spans
                .iter()
                .copied()
                .chain(host_diags.iter().map(|&d| diagnostics[d].span.start))
                .filter_map(|at| hooks.blocking(file, &facts.tokens, &facts.openers, lang, at)),
        );
        let mut read_elsewhere: Vec<&str> = Vec::new();
        for &n in host_nodes.iter().filter(|&&n| is_base[n]) {
            let at = facts.hosts[hosts[n]].host.start;
            let layout = facts
                .layout
                .get_or_init(|| Layout::of_file(&file.bytes, &facts.tokens));
            let in_strings =
                string_words.get_or_init(|| StringWords::of_file(&file.bytes, &facts.tokens));
            let openers = facts
                .openers
                .get_or_init(|| Openers::of_file(&file.bytes, &facts.tokens));
            let function_around = |at: usize| function_around(file, facts, at);
            let lookups = Lookups {
                layout,
                in_strings,
                openers,
                function_around: &function_around,
            };
            match stray_uses(file, &facts.tokens, &lookups, lang, at, &key_spans) {
                Some(lines) => blockers.extend(lines),
                None => blockers.push(file.line_index(at) + 1),
            }
            if let Some(policy) = &ctx.base_urls {
                read_elsewhere
                    .extend(policy.read_elsewhere(&file.display_path, file.line_index(at) + 1));
            }
        }
        blockers.sort_unstable();
        blockers.dedup();
        let elsewhere = if read_elsewhere.is_empty() {
            String::new()
        } else {
            format!(
                "; the base URL is also read at {}",
                read_elsewhere.join(", ")
            )
        };
        if !blockers.is_empty() || !read_elsewhere.is_empty() || host_diags.is_empty() {
            // The group's keys by line (then by their order in the group), and those without
            // a fix: looked up per host, as a group may hold thousands of both.
            let mut keys_by_line: Vec<(usize, usize)> = key_diags
                .iter()
                .enumerate()
                .map(|(order, &k)| (file.line_index(diagnostics[k].span.start) + 1, order))
                .collect();
            keys_by_line.sort_unstable();
            let missing_set: HashSet<usize> = missing.iter().copied().collect();
            for &d in &host_diags {
                let own = file.line_index(diagnostics[d].span.start) + 1;
                // The key the host moves with is its own request's: the group's key nearest
                // to it, one at or after its line on a tie (a hook's key elsewhere is one of
                // the blockers). When it has no fix itself it is named as such, and not again
                // among the blockers.
                let key = key_diags[nearest_key(&keys_by_line, own)];
                let key_line = file.line_index(diagnostics[key].span.start) + 1;
                let key_manual = missing_set.contains(&key);
                let key_blocks = if key_manual { KEY_NOT_AUTOMATIC } else { "" };
                let named = if key_manual {
                    vec![own, key_line]
                } else {
                    vec![own]
                };
                let blocked_by = blocked_by(&blockers, &named);
                diagnostics[d].fix = None;
                diagnostics[d].help = Some(format!(
                    "move to `{}` in the same change that moves the key at line {key_line} into an `x-api-key` header (not automatic: a request's host and key move together{key_blocks}{blocked_by}{elsewhere})",
                    region.host()
                ).into());
            }
            for &d in &scheme_diags {
                diagnostics[d].withdraw_fix(
                    "the scheme moves with this request's host and key, which cannot move here",
                );
            }
            for &d in &key_diags {
                if diagnostics[d].fix.take().is_some() {
                    let blocked_by =
                        blocked_by(&blockers, &[file.line_index(diagnostics[d].span.start) + 1]);
                    let help = diagnostics[d].help.take().unwrap_or_default();
                    diagnostics[d].help = Some(format!(
                        "{help}; not automatic: this request's host must move in the same change and cannot be fixed here{blocked_by}{elsewhere}"
                    ).into());
                }
            }
            continue;
        }
        // A document's security schemes are declarations, not requests that share a host.
        let requests = param_nodes
            .iter()
            .filter(|&&k| params[k].shape != ParamShape::SecurityScheme && !same_request[k])
            .count();
        // Every finding of the group carries the whole fix into the reports: a generated file
        // with thousands of requests on one base would make them quadratic in size.
        if requests > MAX_SHARED_REQUESTS {
            for &d in host_diags.iter().chain(&key_diags) {
                diagnostics[d].withdraw_fix(format_args!(
                    "{requests} requests share this base URL, more than one fix takes ({MAX_SHARED_REQUESTS}): move its host and each request's key by hand"
                ));
            }
            continue;
        }
        let mut edits = Vec::new();
        let mut applicability = Applicability::Safe;
        for &d in host_diags.iter().chain(&key_diags) {
            let fix = diagnostics[d].fix.as_ref().expect("checked above");
            applicability = applicability.max(fix.applicability);
            edits.extend(fix.edits.iter().cloned());
        }
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        edits.dedup();
        if edits.windows(2).any(|w| w[0].range.end > w[1].range.start) {
            for &d in host_diags.iter().chain(&key_diags) {
                diagnostics[d].fix = None;
            }
            continue;
        }
        // A host reached through a name keeps the fix safe only when that name is a local the
        // syntax tree proves assigned once and read only by this request (SPEC): proved last,
        // with the other variables fixes follow.
        let linked: Vec<HostLink> = param_nodes
            .iter()
            .filter_map(|&k| params[k].host.filter(|l| l.through_binding()))
            .collect();
        let group_diags = || host_diags.iter().chain(&key_diags).chain(&scheme_diags);
        let through_local = (requests == 1)
            .then(|| host_variable(&file.bytes, &facts.tokens, &linked))
            .flatten()
            .filter(|_| group_diags().all(|&d| diagnostics[d].through_variable.is_none()));
        let shared = requests > 1
            || param_nodes.iter().any(|&k| inferred[k] || through_base[k])
            || (!linked.is_empty() && through_local.is_none());
        if shared {
            applicability = Applicability::Unsafe;
        }
        let how = if requests > 1 {
            format!(" for the {requests} requests that share it")
        } else {
            String::new()
        };
        let fix = Fix {
            applicability,
            message: format!(
                "Move to `{}` with the key in an `x-api-key` header{how}",
                region.host()
            )
            .into(),
            edits: edits.into(),
        };
        for &d in host_diags.iter().chain(&key_diags).chain(&scheme_diags) {
            diagnostics[d].fix = Some(fix.clone());
            if through_local.is_some() {
                diagnostics[d].through_variable = through_local;
            }
        }
    }
    prove_variables(file, facts, diagnostics);
}

/// The query arguments of a file (`qs: Q`, `params=Q`, `'query' => $q`, `query: q`) whose
/// value the file does not show: a call, or a name it never assigns a literal map or list
/// (a literal's `apikey` would be a finding of its own, and such a name's too). Such a query
/// may carry the key, so the host of its request cannot move alone. Read once per file.
struct UnseenQueries<'s> {
    /// Where each argument's value starts, and the value as written, in order.
    at: Vec<(usize, &'s [u8])>,
    /// Ruby hash entries keyed `apikey` that no finding reads (Faraday's positional params
    /// `conn.get(url, { apikey: k })`, keyword arguments `conn.get('/m', apikey: k)`): where
    /// each starts, and its key as written, in order. They may send the key in the query too.
    unread_keys: Vec<(usize, &'s [u8])>,
}

impl<'s> UnseenQueries<'s> {
    fn of_file(src: &'s [u8], tokens: &[Token], lang: &dyn Language) -> UnseenQueries<'s> {
        const QUERY_NAMES: [&[u8]; 4] = [b"qs", b"params", b"query", b"searchParams"];
        let mut at = Vec::new();
        let mut unread_keys = Vec::new();
        let mut scanned_until = 0;
        let mut literal_names: Option<HashMap<&[u8], bool>> = None;
        // The value starting at token `value` (a name, `config.AUTH_QUERY`, `$this->query`,
        // `build()`), when the file does not show what it holds.
        let mut unseen = |value: usize| -> Option<(usize, &'s [u8])> {
            let mut last = value;
            while let Some(sep) = next_significant(tokens, last).filter(|&sep| {
                [".", "->", "::"]
                    .iter()
                    .any(|p| tokens[sep].is_punct(src, p))
            }) && let Some(name) =
                next_significant(tokens, sep).filter(|&n| tokens[n].kind == TokKind::Ident)
            {
                last = name;
            }
            let called =
                next_significant(tokens, last).is_some_and(|n| tokens[n].is_punct(src, "("));
            let literal = literal_names.get_or_insert_with(|| assigned_literals(src, tokens));
            let name = tokens[last].text(src);
            (called || literal.get(name.strip_prefix(b"$").unwrap_or(name)) != Some(&true)).then(
                || {
                    let start = tokens[value].start();
                    (start, &src[start..tokens[last].end()])
                },
            )
        };
        let ruby = lang.request_style() == RequestStyle::Ruby;
        for key in 0..tokens.len() {
            if !matches!(tokens[key].kind, TokKind::Ident | TokKind::Str) {
                continue;
            }
            if ruby && crate::detect::is_apikey_name(tokens[key].content_text(src)) {
                // `apikey: k`, `:apikey => k`, `'apikey' => k`.
                let keyed = next_significant(tokens, key).is_some_and(|op| {
                    tokens[op].is_punct(src, ":")
                        || tokens[op].is_punct(src, "=>")
                        || (tokens[op].is_punct(src, "=")
                            && tokens.get(op + 1).is_some_and(|g| g.is_punct(src, ">")))
                });
                if keyed {
                    unread_keys.push((tokens[key].start(), tokens[key].text(src)));
                }
                continue;
            }
            if !QUERY_NAMES.contains(&tokens[key].content_text(src)) {
                continue;
            }
            let op = next_significant(tokens, key);
            // `{ url, qs }`: the variable of that name.
            let shorthand = tokens[key].kind == TokKind::Ident
                && op.is_some_and(|o| tokens[o].is_punct(src, ",") || tokens[o].is_punct(src, "}"))
                && prev_significant(tokens, key)
                    .is_some_and(|p| tokens[p].is_punct(src, "{") || tokens[p].is_punct(src, ","));
            if shorthand {
                at.extend(unseen(key));
                continue;
            }
            let Some(value) = op
                .filter(|&op| ["=", ":", "=>"].iter().any(|p| tokens[op].is_punct(src, p)))
                .and_then(|op| next_significant(tokens, op))
            else {
                continue;
            };
            if tokens[value].kind == TokKind::Ident {
                at.extend(unseen(value));
            } else if tokens[value].is_punct(src, "{") && value >= scanned_until {
                // A literal shows its entries, but not what it spreads: `{ ...AUTH_QUERY }`,
                // `{**defaults, "limit": 20}` (at any depth: each token is read once).
                let mut depth = 0usize;
                for (j, t) in tokens.iter().enumerate().skip(value) {
                    scanned_until = j + 1;
                    if t.is_punct(src, "{") || t.is_punct(src, "(") || t.is_punct(src, "[") {
                        depth += 1;
                    } else if t.is_punct(src, "}") || t.is_punct(src, ")") || t.is_punct(src, "]") {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    } else if t.kind == TokKind::Ident {
                        let before = src[..t.start()].trim_ascii_end();
                        if before.ends_with(b"...") || before.ends_with(b"**") {
                            at.extend(unseen(j));
                        }
                    }
                }
            }
        }
        at.sort_unstable();
        UnseenQueries { at, unread_keys }
    }

    /// The first such value within the bytes `range`.
    fn within(&self, range: std::ops::Range<usize>) -> Option<&'s [u8]> {
        first_within(&self.at, range)
    }

    /// The first Ruby `apikey` entry no finding reads within the bytes `range`.
    fn unread_key_within(&self, range: std::ops::Range<usize>) -> Option<&'s [u8]> {
        first_within(&self.unread_keys, range)
    }
}

/// The text of the first of `at` (sorted by offset) that starts within `range`.
fn first_within<'s>(at: &[(usize, &'s [u8])], range: std::ops::Range<usize>) -> Option<&'s [u8]> {
    let first = at.partition_point(|&(a, _)| a < range.start);
    at.get(first)
        .filter(|&&(a, _)| a < range.end)
        .map(|&(_, shown)| shown)
}

/// For each name the file assigns (`name = …`, `x.name = …`, `$name = …`; not a keyword
/// argument's `f(name=…)`), whether every such assignment is a literal map or list.
fn assigned_literals<'s>(src: &'s [u8], tokens: &[Token]) -> HashMap<&'s [u8], bool> {
    let mut names: HashMap<&[u8], bool> = HashMap::new();
    for (j, t) in tokens.iter().enumerate() {
        let argument = || {
            prev_significant(tokens, j)
                .is_some_and(|p| tokens[p].is_punct(src, "(") || tokens[p].is_punct(src, ","))
        };
        if t.kind != TokKind::Ident || argument() {
            continue;
        }
        let Some(eq) = next_significant(tokens, j).filter(|&eq| tokens[eq].is_punct(src, "="))
        else {
            continue;
        };
        let literal = next_significant(tokens, eq)
            .is_some_and(|v| ["{", "["].iter().any(|p| tokens[v].is_punct(src, p)));
        let text = t.text(src);
        *names
            .entry(text.strip_prefix(b"$").unwrap_or(text))
            .or_insert(true) &= literal;
    }
    names
}

/// The variable a request's host is reached through, when every link of its group goes
/// through the same one: where the name is bound to the host's literal, and where the request
/// reads it.
fn host_variable(src: &[u8], tokens: &[Token], linked: &[HostLink]) -> Option<VariableUse> {
    let (first, rest) = linked.split_first()?;
    if rest.iter().any(|l| l != first) {
        return None;
    }
    let (_, name) = binding_name(src, tokens, first.at)?;
    Some(VariableUse {
        binding: tokens[name].start(),
        use_at: first.read_at?,
    })
}

/// How a blocked group's help names what blocks it (`; blocked by line 94`), leaving out
/// the lines its message already names (the finding's own, the key it moves with).
/// Of keys sorted by (line, order), the order of the one nearest to line `own`: the first at
/// the nearest line, preferring a line at or after `own` over one as far before it.
fn nearest_key(keys_by_line: &[(usize, usize)], own: usize) -> usize {
    let after = keys_by_line.partition_point(|&(line, _)| line < own);
    let at_or_after = keys_by_line.get(after);
    // The first key of the last line before `own`.
    let before = after.checked_sub(1).map(|last| {
        let line = keys_by_line[last].0;
        keys_by_line[keys_by_line.partition_point(|&(l, _)| l < line)]
    });
    match (before, at_or_after) {
        (Some((b, order)), Some(&(a, _))) if own - b < a - own => order,
        (_, Some(&(_, order))) => order,
        (Some((_, order)), None) => order,
        (None, None) => unreachable!("a group with a key"),
    }
}

fn blocked_by(lines: &[usize], named: &[usize]) -> String {
    // `lines` is sorted and deduplicated; each finding of a group asks, so this is bounded by
    // what it shows, not by how many lines block.
    let mut named = named.to_vec();
    named.sort_unstable();
    named.dedup();
    let others = lines.len()
        - named
            .iter()
            .filter(|n| lines.binary_search(n).is_ok())
            .count();
    let shown: Vec<String> = lines
        .iter()
        .filter(|l| !named.contains(l))
        .take(SITES_SHOWN)
        .map(usize::to_string)
        .collect();
    match others {
        0 => String::new(),
        1 => format!("; blocked by line {}", shown[0]),
        n if n <= SITES_SHOWN => format!("; blocked by lines {}", shown.join(", ")),
        n => format!(
            "; blocked by lines {} and {} more",
            shown.join(", "),
            n - SITES_SHOWN
        ),
    }
}

/// The lines where the binding that holds the base URL at `at` is used outside the
/// statements of the requests in `key_spans` (sorted; a request without the key, a log line,
/// another binding): moving its host would move those too. `None` when the binding's name
/// cannot be told, so its uses cannot be listed.
fn stray_uses(
    file: &SourceFile,
    tokens: &[Token],
    lookups: &Lookups,
    lang: &dyn Language,
    at: usize,
    key_spans: &[usize],
) -> Option<Vec<usize>> {
    let Lookups {
        layout,
        in_strings,
        openers,
        function_around,
    } = *lookups;
    if lang.request_style() == RequestStyle::Config {
        return Some(Vec::new()); // a settings entry: its readers are elsewhere (the base URL policy)
    }
    let src = &file.bytes[..];
    let (name, definition) = binding_name(src, tokens, at)?;
    // A `baseURL` of `api = axios.create({…})`: every request on `api` goes there. The
    // options themselves are no use (their URL may say `api`).
    let (name, definition, defined_in) =
        match super::place::axios_instance_name(src, tokens, openers, definition) {
            Some(instance) => {
                let options = openers.of(definition)?;
                let close = crate::lang::tokens::matching_close(src, tokens, options)?;
                let defined_in = tokens[options].start()..tokens[close].end();
                (tokens[instance].text(src), instance, defined_in)
            }
            None => (name, definition, 0..0),
        };
    // `get(url = "…")`: a named argument of the call that sends it, not a binding.
    if openers
        .of(definition)
        .is_some_and(|o| tokens[o].is_punct(src, "("))
    {
        return Some(Vec::new());
    }
    // A binding in a function is that function's local: a name alike in another function is
    // another variable. Asked only of a use that would block, as it may need the tree.
    let scope = std::cell::OnceCell::new();
    let in_scope = |use_at: usize| {
        scope
            .get_or_init(|| function_around(tokens[definition].start()))
            .as_ref()
            .is_none_or(|f: &std::ops::Range<usize>| f.contains(&use_at))
    };
    let mut lines = Vec::new();
    // The name's tokens, and the strings that mention it (an interpolation: `${BASE}`,
    // `{BASE}`, `{$base}`): looked up, not scanned for, as a file may bind many bases.
    let mut named: Vec<usize> = std::iter::once(0)
        .filter(|_| tokens.first().is_some_and(|t| t.text(src) == name))
        .chain(layout.uses_after(src, tokens, name, 0))
        .chain(in_strings.holding(name).iter().copied())
        .collect();
    named.sort_unstable();
    named.dedup();
    for i in named {
        let t = &tokens[i];
        if i == definition || defined_in.contains(&t.start()) {
            continue;
        }
        let statement = super::place::statement_indexed(src, tokens, openers, lang, i);
        let in_request = |r: &std::ops::Range<usize>| {
            let first = key_spans.partition_point(|&k| k < r.start);
            key_spans.get(first).is_some_and(|&k| k < r.end)
        };
        if in_request(&statement) {
            continue;
        }
        // `const url = new URL(BASE + path)` read only by the request's own statements.
        let feeds_request = assigned_name(src, tokens, &statement, i).is_some_and(|(var, v)| {
            // Where the local can be read: to the first line indented less than its own (the
            // end of its block), or to the end of the file. Read off the layout, not a syntax
            // tree: a generated file can hold thousands of such locals.
            let line = memchr::memrchr(b'\n', &src[..statement.start]).map_or(0, |nl| nl + 1);
            let indent = src[line..]
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            let scope = statement.end
                ..layout
                    .next_line_indented_under(v, indent)
                    .map_or(src.len(), |k| tokens[k].start());
            // Bounded, so that a file reassigning one name thousands of times stays linear:
            // a local read more often than that is not followed.
            let reads: Vec<usize> = layout
                .uses_after(src, tokens, var, v)
                .take_while(|&u| tokens[u].start() < scope.end)
                .take(READS_FOLLOWED + 1)
                .collect();
            (1..=READS_FOLLOWED).contains(&reads.len())
                && reads.iter().all(|&u| {
                    let r = super::place::statement_indexed(src, tokens, openers, lang, u);
                    r == statement || in_request(&r)
                })
        });
        if !feeds_request && in_scope(t.start()) {
            lines.push(file.line_index(t.start()) + 1);
        }
    }
    Some(lines)
}

/// The function around byte `at`, by the file's syntax tree (parsed on the first ask); `None`
/// at module level or without a tree.
fn function_around(file: &SourceFile, facts: &Facts, at: usize) -> Option<std::ops::Range<usize>> {
    facts
        .tree_around(file, &[at])
        .and_then(|t| crate::lang::tree::enclosing_function(t, at))
}

/// The literal at `host_at` is bound to a plain name (not a field: `self.url = …`) inside a
/// function that does not hold `use_at`.
fn local_of_another_function(
    file: &SourceFile,
    facts: &Facts,
    host_at: usize,
    use_at: usize,
) -> bool {
    let Some((_, name)) = binding_name(&file.bytes, &facts.tokens, host_at) else {
        return false;
    };
    let member = prev_significant(&facts.tokens, name).is_some_and(|m| {
        [".", "->", "::"]
            .iter()
            .any(|op| facts.tokens[m].is_punct(&file.bytes, op))
    }) || crate::lang::ruby::in_instance_connection(&file.bytes, &facts.tokens, name);
    !member && function_around(file, facts, host_at).is_some_and(|f| !f.contains(&use_at))
}

/// The variable a statement assigns (`const url = …`, `url := …`, `String url = …`,
/// `url: URL = …`) before token `before`, and its token.
fn assigned_name<'s>(
    src: &'s [u8],
    tokens: &[Token],
    statement: &std::ops::Range<usize>,
    before: usize,
) -> Option<(&'s [u8], usize)> {
    let first = crate::lang::tokens::token_at(tokens, statement.start)?;
    let eq = (first..before).find(|&j| ["=", ":="].iter().any(|o| tokens[j].is_punct(src, o)))?;
    let mut name = prev_significant(tokens, eq)?;
    // `url: URL =`: the name before the annotation (a one-word type).
    if let Some(colon) = prev_significant(tokens, name).filter(|&c| tokens[c].is_punct(src, ":")) {
        name = prev_significant(tokens, colon)?;
    }
    (tokens[name].kind == TokKind::Ident && name >= first).then(|| (tokens[name].text(src), name))
}

/// The function, defined in this file, that the statement of the parameter at `at` calls
/// (`self.base()`, `base_url()`) and whose body writes regional (or region placeholder) hosts
/// and no retired one: the request's host comes from it.
fn regional_host_function(
    file: &SourceFile,
    facts: &Facts,
    lang: &dyn Language,
    at: usize,
) -> Option<String> {
    let (src, tokens) = (&file.bytes[..], &facts.tokens[..]);
    let statement = super::place::statement(
        src,
        tokens,
        &facts.openers,
        lang,
        crate::lang::tokens::token_at(tokens, at)?,
    );
    let first = crate::lang::tokens::token_at(tokens, statement.start)?;
    let mut found = None;
    for j in first..tokens.len() {
        if tokens[j].start() >= statement.end {
            break;
        }
        let called = tokens[j].kind == TokKind::Ident
            && crate::lang::tokens::next_significant(tokens, j)
                .is_some_and(|o| tokens[o].is_punct(src, "("));
        let Some(body) = called
            .then(|| function_body(src, tokens, tokens[j].text(src)))
            .flatten()
        else {
            continue;
        };
        let hosts: Vec<&HostKind> = facts
            .hosts
            .iter()
            .filter(|h| body.contains(&h.host.start))
            .map(|h| &h.kind)
            .collect();
        let regional = hosts
            .iter()
            .any(|k| matches!(k, HostKind::Regional(_) | HostKind::Placeholder));
        if hosts.is_empty() {
            continue; // builds no URL (`send()`, another helper)
        }
        if hosts.iter().any(|k| **k == HostKind::Legacy) || !regional || found.is_some() {
            return None; // a retired or unknown host, or two such functions: not provable
        }
        found = Some(String::from_utf8_lossy(tokens[j].text(src)).into_owned());
    }
    found
}

/// The byte range of the body of `fn NAME` defined in this Rust file (the only one so named).
fn function_body(src: &[u8], tokens: &[Token], name: &[u8]) -> Option<std::ops::Range<usize>> {
    let mut defined = (0..tokens.len()).filter(|&j| {
        tokens[j].text(src) == name
            && prev_significant(tokens, j).is_some_and(|f| tokens[f].text(src) == b"fn")
    });
    let (Some(def), None) = (defined.next(), defined.next()) else {
        return None;
    };
    let open = (def..tokens.len())
        .find(|&j| tokens[j].is_punct(src, "{") || tokens[j].is_punct(src, ";"))?;
    let close = crate::lang::tokens::matching_close(src, tokens, open)?;
    Some(tokens[open].start()..tokens[close].end())
}

/// The source in `range` writes a regional (or region placeholder) host, or names a binding
/// of the file that holds one (`fmt.Sprintf(regionalBaseURL, region)`).
fn names_regional_host(file: &SourceFile, facts: &Facts, range: &std::ops::Range<usize>) -> bool {
    let text = &file.bytes[range.clone()];
    facts
        .hosts
        .iter()
        .filter(|h| matches!(h.kind, HostKind::Regional(_) | HostKind::Placeholder))
        .any(|h| {
            range.contains(&h.host.start)
                || binding_name(&file.bytes, &facts.tokens, h.host.start)
                    .is_some_and(|(name, _)| contains_word(text, name))
        })
}

/// The names bound, outside any function, to a regional (or region-placeholder) base URL:
/// `REGIONAL = "https://api.au…"`, `REGIONAL_URL = f"https://api.{REGION}.whispir.com"` (past
/// the literal's prefix). Not a request's own URL, nor a local of some function that happens
/// to share a name with another function's URL. None without a syntax tree.
fn regional_binding_names<'s>(
    file: &'s SourceFile,
    facts: &Facts,
    lang: &dyn Language,
    own_url: &HashSet<usize>,
    tree: Option<&tree_sitter::Tree>,
) -> HashSet<&'s [u8]> {
    let (src, tokens) = (&file.bytes[..], &facts.tokens);
    let Some(tree) = tree else {
        return HashSet::new();
    };
    facts
        .hosts
        .iter()
        .filter(|h| matches!(h.kind, HostKind::Regional(_) | HostKind::Placeholder))
        .filter(|h| {
            let at = h.host.start;
            !own_url.contains(&at)
                && !in_comment(tokens, at)
                && crate::lang::tree::enclosing_function(tree, at).is_none()
        })
        .filter_map(|h| {
            let literal = crate::lang::tokens::token_at(tokens, h.host.start)?;
            let first = prev_significant(tokens, literal)
                .filter(|&f| {
                    tokens[f].kind == TokKind::Ident && tokens[f].end() == tokens[literal].start()
                })
                .unwrap_or(literal);
            let at = tokens[first].start();
            if is_request_url(file, tokens, lang, at) {
                return None;
            }
            let (name, _) = binding_name(src, tokens, at)?;
            Some(name.strip_prefix(b"$").unwrap_or(name))
        })
        .collect()
}

/// Whether the statement of the parameter at `at` names one of the `regional` bindings and
/// none of the retired `bases`.
fn builds_on_regional_binding(
    file: &SourceFile,
    facts: &Facts,
    lang: &dyn Language,
    at: usize,
    bases: &std::collections::HashMap<&[u8], Vec<usize>>,
    regional: &HashSet<&[u8]>,
) -> bool {
    if regional.is_empty() {
        return false;
    }
    let Some(i) = crate::lang::tokens::token_at(&facts.tokens, at) else {
        return false;
    };
    let statement =
        &file.bytes[super::place::statement(&file.bytes, &facts.tokens, &facts.openers, lang, i)];
    let names_a_base = words(statement).any(|w| bases.contains_key(w));
    !names_a_base && words(statement).any(|w| regional.contains(w))
}

/// The one base, of `bases` (binding name, without PHP's `$`, to nodes), that the statement
/// of the parameter at `at` names; `None` when it names none or several. The statement's
/// words are looked up, so a file binding thousands of bases is not searched once per base.
fn named_base(
    file: &SourceFile,
    tokens: &[Token],
    openers: &std::sync::OnceLock<Openers>,
    lang: &dyn Language,
    at: usize,
    bases: &std::collections::HashMap<&[u8], Vec<usize>>,
) -> Option<usize> {
    if bases.is_empty() || lang.request_style() == RequestStyle::Config {
        return None;
    }
    let i = crate::lang::tokens::token_at(tokens, at)?;
    let statement = &file.bytes[super::place::statement(&file.bytes, tokens, openers, lang, i)];
    let mut named: Option<usize> = None;
    for word in words(statement) {
        for &n in bases.get(word).into_iter().flatten() {
            match named {
                None => named = Some(n),
                Some(m) if m == n => {}
                Some(_) => return None,
            }
        }
    }
    named
}

/// The name bound to the literal at `at` and its token: `BASE = "…"`, `const BASE: &str =
/// "…"`, `const API_URL = '…'`, `baseURL: '…'`.
fn binding_name<'s>(src: &'s [u8], tokens: &[Token], at: usize) -> Option<(&'s [u8], usize)> {
    let literal = crate::lang::tokens::token_at(tokens, at)?;
    let mut op = prev_significant(tokens, literal)?;
    // `BASE = process.env.URL ?? '…'`: the literal is the binding's default value.
    if is_default(src, tokens, op) {
        op = (op.saturating_sub(DEFAULT_REACH)..op)
            .rev()
            .take_while(|&j| tokens[j].kind != TokKind::Newline && !tokens[j].is_punct(src, ";"))
            .find(|&j| ["=", ":="].iter().any(|o| tokens[j].is_punct(src, o)))?;
    }
    if !["=", ":", ":=", "=>"]
        .iter()
        .any(|o| tokens[op].is_punct(src, o))
    {
        return None;
    }
    // A typed binding (`BASE: &str = …`, `val base: String = …`): the name before the type.
    let mut name = prev_significant(tokens, op)?;
    if !tokens[op].is_punct(src, ":")
        && let Some(colon) = (name.saturating_sub(TYPE_REACH)..=name)
            .rev()
            .take_while(|&j| tokens[j].kind != TokKind::Newline && !tokens[j].is_punct(src, ";"))
            .find(|&j| tokens[j].is_punct(src, ":"))
    {
        name = prev_significant(tokens, colon)?;
    }
    (tokens[name].kind == TokKind::Ident).then(|| (tokens[name].text(src), name))
}

/// How many tokens a binding's type annotation spans at most (`&'static str`).
const TYPE_REACH: usize = 6;

/// How many tokens the value before a default spans at most (`process.env['URL']`).
const DEFAULT_REACH: usize = 16;

/// `word` occurs in `text` not as part of a longer identifier.
/// The file's indexes in which [`stray_uses`] looks a name up.
#[derive(Clone, Copy)]
struct Lookups<'a, 's> {
    layout: &'a Layout,
    in_strings: &'a StringWords<'s>,
    openers: &'a Openers,
    /// The function around a byte (`None` at module level, or without a syntax tree).
    function_around: &'a dyn Fn(usize) -> Option<std::ops::Range<usize>>,
}

/// The words (runs of letters, digits and `_`) inside a file's string tokens, each with the
/// tokens that hold it: built once per file, so that each base's mentions are looked up.
struct StringWords<'s>(std::collections::HashMap<&'s [u8], Vec<usize>>);

impl<'s> StringWords<'s> {
    fn of_file(src: &'s [u8], tokens: &[Token]) -> StringWords<'s> {
        let mut words: std::collections::HashMap<&'s [u8], Vec<usize>> = Default::default();
        for (i, t) in tokens.iter().enumerate() {
            if t.kind != TokKind::Str {
                continue;
            }
            for word in self::words(&src[t.span()]) {
                let holders = words.entry(word).or_default();
                if holders.last() != Some(&i) {
                    holders.push(i);
                }
            }
        }
        StringWords(words)
    }

    /// The string tokens that mention `name` as a word (`$base` as `base`, as in PHP's
    /// `"{$base}/m"`), in order.
    fn holding(&self, name: &[u8]) -> &[usize] {
        let name = name.strip_prefix(b"$").unwrap_or(name);
        self.0.get(name).map_or(&[], Vec::as_slice)
    }
}

/// A byte of a word as names are matched here: letters, digits and `_`.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The maximal runs of word bytes in `text`, in order.
fn words(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|&b| !is_word_byte(b)).filter(|w| !w.is_empty())
}

fn contains_word(text: &[u8], word: &[u8]) -> bool {
    let word = word.strip_prefix(b"$").unwrap_or(word);
    memchr::memmem::find_iter(text, word).any(|i| {
        let before = i.checked_sub(1).map(|j| text[j]);
        let after = text.get(i + word.len()).copied();
        !before.is_some_and(is_word_byte) && !after.is_some_and(is_word_byte)
    })
}

/// Fixes that follow the URL through a variable are safe only when the syntax tree proves it
/// a local assigned once and read only by its request. Proved last, for the fixes that
/// survived grouping: most files never need the parse.
fn prove_variables(file: &SourceFile, facts: &Facts, diagnostics: &mut [Diagnostic]) {
    // A function's leaves, indexed for the proofs of all its locals.
    let leaves = crate::lang::tree::FunctionLeaves::default();
    // A Rust file's blocks, read for the proofs of all its locals.
    let rust = file.file_name().ends_with(".rs").then(|| {
        let openers = (facts.openers).get_or_init(|| Openers::of_file(&file.bytes, &facts.tokens));
        crate::lang::rust::Blocks::new(&file.bytes, &facts.tokens, openers)
    });
    // Each unproven fix, with why.
    let unproven: HashMap<_, String> = diagnostics
        .iter()
        .filter_map(|d| {
            let fix = d.fix.as_ref()?;
            let v = d.through_variable?;
            if fix.applicability != Applicability::Safe {
                return None;
            }
            let tree = facts.tree_around(file, &[v.binding, v.use_at]);
            let proven = tree.is_some_and(|t| {
                crate::lang::tree::is_single_use_local_indexed(
                    t,
                    &file.bytes,
                    v.binding,
                    v.use_at,
                    &leaves,
                )
            }) || rust
                .as_ref()
                .is_some_and(|r| crate::lang::rust::is_single_use_local(r, v.binding, v.use_at));
            if proven {
                return None;
            }
            // A name the URL was built from, bound again before the send: say where.
            let why = tree
                .and_then(|t| {
                    crate::lang::tree::rebound_between(t, &file.bytes, v.binding, v.use_at)
                })
                .or_else(|| crate::lang::rust::rebound_between(rust.as_ref()?, v.binding, v.use_at))
                .map_or_else(
                    || "not proven a local used only by this request".to_string(),
                    |name| {
                        let deleted =
                            tree.is_some_and(|t| crate::lang::tree::is_deleted_at(t, name.start));
                        format!(
                            "`{}` is {} on line {} before the send, and the header would {}",
                            String::from_utf8_lossy(&file.bytes[name.clone()]),
                            if deleted { "deleted" } else { "bound again" },
                            file.line_index(name.start) + 1,
                            if deleted {
                                "have no value to send"
                            } else {
                                "send that value"
                            }
                        )
                    },
                );
            Some((fix.identity(), why))
        })
        .collect();
    if unproven.is_empty() {
        return;
    }
    for d in diagnostics.iter_mut() {
        if let Some(why) = d.fix.as_ref().and_then(|f| unproven.get(&f.identity())) {
            let why = why.clone();
            downgrade(d, &why);
        }
    }
}

fn downgrade(d: &mut Diagnostic, why: &str) {
    if let Some(fix) = d.fix.as_mut()
        && fix.applicability == Applicability::Safe
    {
        fix.applicability = Applicability::Unsafe;
        fix.message = format!("{} ({why})", fix.message).into();
    }
}

/// A host fix whose URL serves requests the file does not show.
fn mark_base_url(d: &mut Diagnostic, policy: Option<&BaseUrlPolicy>) {
    d.base_url = true;
    settle_base_url(d, policy);
}

/// Gives a base URL's host fix the applicability the run allows (see [`BaseUrlPolicy`]).
pub fn settle_base_url(d: &mut Diagnostic, policy: Option<&BaseUrlPolicy>) {
    let Some(fix) = d.fix.as_mut() else {
        return;
    };
    let (applicability, note) = match policy {
        Some(p) if p.sites.is_empty() && p.whole_repository => (Applicability::Safe, None),
        Some(p) if p.sites.is_empty() => (
            Applicability::Unsafe,
            Some("a base URL: safe only in a run over the whole repository".to_string()),
        ),
        Some(p) => {
            let mut shown: Vec<&str> = p
                .sites
                .iter()
                .take(SITES_SHOWN)
                .map(String::as_str)
                .collect();
            let more = p.sites.len().saturating_sub(SITES_SHOWN);
            let extra = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            shown.sort_unstable();
            (
                Applicability::Unsafe,
                Some(format!(
                    "a base URL: requests still send the key in the query at {}{extra}; moving it alone makes them fail",
                    shown.join(", ")
                )),
            )
        }
        None => (
            Applicability::Unsafe,
            Some("a base URL: safe only in a run over the whole repository".to_string()),
        ),
    };
    let base = fix
        .message
        .split(" (a base URL")
        .next()
        .unwrap_or_default()
        .to_string();
    fix.applicability = applicability;
    fix.message = match note {
        Some(n) => format!("{base} ({n})").into(),
        None => base.into(),
    };
}

/// Node's `http.request({ host: 'api.whispir.com', port: 80, … })`: the regional gateway
/// answers plain HTTP with 403, so moving the host means moving the transport too — port 80
/// becomes 443, `http.request` becomes `https.request` (requiring `https` where only `http`
/// is). Those edits join the host's fix; where they cannot be written, the host has none.
fn upgrade_options_transport(file: &SourceFile, facts: &Facts, diagnostics: &mut [Diagnostic]) {
    if file.bytes.len() > crate::lang::tree::MAX_PARSE_BYTES {
        return;
    }
    for d in diagnostics.iter_mut() {
        if d.code != RuleCode::WM001 || d.fix.is_none() {
            continue;
        }
        let Some(call) = options_call(&file.bytes, &facts.tokens, d.span.start) else {
            continue;
        };
        match transport_edits(&file.bytes, &facts.tokens, &call) {
            Ok(extra) => {
                let fix = d.fix.as_mut().expect("checked above");
                let mut edits: Vec<Edit> = fix.edits.iter().cloned().chain(extra).collect();
                edits.sort_by_key(|e| (e.range.start, e.range.end));
                fix.edits = edits.into();
            }
            Err(why) => d.withdraw_fix(why),
        }
    }
}

/// An options object passed to `<module>.request(…)`/`.get(…)` whose `host` member is at `at`.
struct OptionsCall {
    /// The `{` of the options object.
    open: usize,
    /// The module the call is made on (`http`, `https`), as a token.
    module: usize,
}

fn options_call(src: &[u8], tokens: &[Token], at: usize) -> Option<OptionsCall> {
    let i = crate::lang::tokens::token_at(tokens, at)?;
    let colon = prev_significant(tokens, i).filter(|&c| tokens[c].is_punct(src, ":"))?;
    let key = prev_significant(tokens, colon)?;
    let name = tokens[key].content_text(src);
    if !(name == b"host" || name == b"hostname") {
        return None;
    }
    let open = crate::lang::tokens::enclosing_open(src, tokens, key)
        .filter(|&o| tokens[o].is_punct(src, "{"))?;
    let paren = prev_significant(tokens, open).filter(|&p| tokens[p].is_punct(src, "("))?;
    let method = prev_significant(tokens, paren)?;
    if !matches!(tokens[method].text(src), b"request" | b"get") {
        return None;
    }
    let dot = prev_significant(tokens, method).filter(|&d| tokens[d].is_punct(src, "."))?;
    let module = prev_significant(tokens, dot)?;
    matches!(tokens[module].text(src), b"http" | b"https").then_some(OptionsCall { open, module })
}

fn transport_edits(src: &[u8], tokens: &[Token], call: &OptionsCall) -> Result<Vec<Edit>, String> {
    let mut edits = Vec::new();
    let close =
        crate::lang::tokens::matching_close(src, tokens, call.open).ok_or("unbalanced options")?;
    let mut depth = 0usize;
    for k in call.open + 1..close {
        let t = &tokens[k];
        match t.text(src) {
            b"{" | b"(" | b"[" if t.kind == TokKind::Punct => depth += 1,
            b"}" | b")" | b"]" if t.kind == TokKind::Punct => depth = depth.saturating_sub(1),
            _ if depth == 0 && t.content_text(src) == b"port" => {
                let Some(v) = crate::lang::tokens::next_significant(tokens, k)
                    .filter(|&c| tokens[c].is_punct(src, ":"))
                    .and_then(|c| crate::lang::tokens::next_significant(tokens, c))
                else {
                    continue;
                };
                match tokens[v].content_text(src) {
                    b"80" => edits.push(Edit::replace(tokens[v].content(), "443")),
                    b"443" => {}
                    other => {
                        return Err(format!(
                            "the request sets port `{}`; the regional gateway takes HTTPS on 443",
                            String::from_utf8_lossy(other)
                        ));
                    }
                }
            }
            _ if depth == 0 && t.content_text(src) == b"protocol" => {
                return Err(
                    "the request sets its protocol; switch it to `https:` with the host".into(),
                );
            }
            _ => {}
        }
    }
    if tokens[call.module].text(src) == b"http" {
        edits.push(Edit::replace(tokens[call.module].span(), "https"));
        if !requires(src, "https") {
            let at = require_line_end(src, "http")
                .ok_or("the request uses `http` and the file does not load `https`")?;
            let eol = if src[..at].ends_with(b"\r") {
                "\r\n"
            } else {
                "\n"
            };
            let at = if eol == "\r\n" { at - 1 } else { at };
            edits.push(Edit::insert(
                at,
                format!("{eol}const https = require('https');"),
            ));
        }
    }
    Ok(edits)
}

/// The file loads node's `module` (`require('https')`, `from 'https'`).
fn requires(src: &[u8], module: &str) -> bool {
    ["'", "\""].iter().any(|q| {
        memchr::memmem::find(src, format!("require({q}{module}{q})").as_bytes()).is_some()
            || memchr::memmem::find(src, format!("from {q}{module}{q}").as_bytes()).is_some()
    })
}

/// The end of the line that loads `module` with `require(…)`.
fn require_line_end(src: &[u8], module: &str) -> Option<usize> {
    let at = ["'", "\""]
        .iter()
        .find_map(|q| memchr::memmem::find(src, format!("require({q}{module}{q})").as_bytes()))?;
    Some(memchr::memchr(b'\n', &src[at..]).map_or(src.len(), |n| at + n))
}

/// The host at `at` is written in the URL a request sends, not in a binding that other code
/// reads (`BASE = "…"`, `baseURL: "…"`, `KEY=value`, a settings file).
fn is_request_url(file: &SourceFile, tokens: &[Token], lang: &dyn Language, at: usize) -> bool {
    if lang.request_style() == RequestStyle::Config {
        return false;
    }
    let src = &file.bytes[..];
    // `http.request({ host: '…', … })`: the options of the request itself.
    if options_call(src, tokens, at).is_some() {
        return true;
    }
    let Some(i) = crate::lang::tokens::token_at(tokens, at) else {
        return true; // prose, a Postman host array: the request's own URL
    };
    let t = &tokens[i];
    if t.kind == TokKind::Comment {
        return true;
    }
    // `BASE=https://api.whispir.com` as one shell word.
    if src[t.start()..at].contains(&b'=') && t.kind != TokKind::Str {
        return false;
    }
    match prev_significant(tokens, i) {
        Some(p) => {
            let before = &tokens[p];
            let assigns = [":", "=", ":=", "=>", "?:"]
                .iter()
                .any(|op| before.is_punct(src, op));
            !assigns && !is_binding_keyword(before.text(src)) && !is_default(src, tokens, p)
        }
        None => true,
    }
}

/// The operator at token `p` gives a binding its default (`process.env.URL ?? 'https://…'`,
/// `ENV['URL'] || '…'`, `os.getenv("URL") or "…"`): the literal is a base, like an
/// assignment's. Lexers may give `??` and `||` as two one-character tokens.
fn is_default(src: &[u8], tokens: &[Token], p: usize) -> bool {
    let op = tokens[p].text(src);
    if op == b"or" || op == b"??" || op == b"||" {
        return true;
    }
    p > 0
        && tokens[p - 1].end() == tokens[p].start()
        && matches!(&src[tokens[p - 1].start()..tokens[p].end()], b"??" | b"||")
}

fn in_comment(tokens: &[Token], at: usize) -> bool {
    crate::lang::tokens::token_at(tokens, at).is_some_and(|i| tokens[i].kind == TokKind::Comment)
}

/// A parameter at `at` in commented-out code: in a comment token, or, in Rust, whose
/// tokenizer leaves comments out, in no token at all (a parameter in code is in a literal).
fn commented_out(tokens: &[Token], lang: &dyn Language, at: usize) -> bool {
    in_comment(tokens, at)
        || (lang.request_style() == RequestStyle::Rust
            && crate::lang::tokens::token_at(tokens, at).is_none())
}

/// How far (in tokens) the object or call around a parameter is looked for.
const OBJECT_REACH: usize = 200;

/// The byte range of the innermost `{…}` or `(…)` around `at`, looked for within a bounded
/// number of tokens so that hostile files stay linear.
fn request_object(src: &[u8], tokens: &[Token], at: usize) -> Option<std::ops::Range<usize>> {
    let i = crate::lang::tokens::token_at(tokens, at)?;
    let mut depth = 0usize;
    let mut open = None;
    for j in (i.saturating_sub(OBJECT_REACH)..i).rev() {
        match tokens[j].text(src) {
            b")" | b"}" | b"]" if tokens[j].kind == TokKind::Punct => depth += 1,
            b"(" | b"{" | b"[" if tokens[j].kind == TokKind::Punct => {
                if depth == 0 {
                    open = Some(j);
                    break;
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    let open = open?;
    let mut depth = 0usize;
    for j in open..tokens.len().min(open + 2 * OBJECT_REACH) {
        if tokens[j].kind != TokKind::Punct {
            continue;
        }
        match tokens[j].text(src) {
            b"(" | b"{" | b"[" => depth += 1,
            b")" | b"}" | b"]" => {
                depth -= 1;
                if depth == 0 {
                    return Some(tokens[open].start()..tokens[j].end());
                }
            }
            _ => {}
        }
    }
    None
}

/// How far back (in tokens) the assignment of a request variable is looked for.
const RECEIVER_REACH: usize = 400;

/// A key added by a statement on a request variable (`$request->setQuery([...])`, Go's
/// `q.Set`): the byte range of the statement that last assigned that variable before it
/// (`$request = new Request('GET', URL);`), whose host is this request's.
fn receiver_assignment(
    src: &[u8],
    tokens: &[Token],
    lang: &dyn Language,
    at: usize,
) -> Option<std::ops::Range<usize>> {
    if !matches!(
        lang.request_style(),
        RequestStyle::Php | RequestStyle::Python | RequestStyle::Ruby | RequestStyle::Go
    ) {
        return None;
    }
    let i = crate::lang::tokens::token_at(tokens, at)?;
    // Back to the statement's first token.
    let mut depth = 0i32;
    let mut first = i;
    for j in (i.saturating_sub(RECEIVER_REACH)..i).rev() {
        let t = &tokens[j];
        if t.kind == TokKind::Punct {
            match t.text(src) {
                b")" | b"]" => depth += 1,
                b"(" | b"[" => depth -= 1,
                b";" | b"{" | b"}" if depth <= 0 => break,
                _ => {}
            }
        } else if t.kind == TokKind::Newline && depth == 0 && lang.line_oriented() {
            break;
        }
        if !matches!(t.kind, TokKind::Newline | TokKind::Comment) {
            first = j;
        }
    }
    let var = &tokens[first];
    let member = crate::lang::tokens::next_significant(tokens, first)
        .is_some_and(|d| matches!(tokens[d].text(src), b"->" | b"."));
    if var.kind != TokKind::Ident || !member {
        return None;
    }
    let name = var.text(src);
    let assigned = (first.saturating_sub(RECEIVER_REACH)..first)
        .rev()
        .find(|&j| {
            tokens[j].text(src) == name
                && crate::lang::tokens::next_significant(tokens, j).is_some_and(|e| {
                    matches!(tokens[e].text(src), b"=" | b":=")
                        && !crate::lang::tokens::next_significant(tokens, e)
                            .is_some_and(|n| tokens[n].is_punct(src, "="))
                })
        })?;
    let end = (assigned..first)
        .find(|&j| {
            (tokens[j].is_punct(src, ";") || tokens[j].kind == TokKind::Newline)
                && crate::lang::tokens::enclosing_open(src, tokens, j)
                    == crate::lang::tokens::enclosing_open(src, tokens, assigned)
        })
        .unwrap_or(first);
    Some(tokens[assigned].start()..tokens[end].end())
}

fn is_binding_keyword(word: &[u8]) -> bool {
    matches!(
        word,
        b"return" | b"const" | b"let" | b"var" | b"val" | b"final" | b"static"
    )
}

/// Disjoint sets over `0..n`, small and simple: files hold a handful of hosts and keys.
struct Groups {
    parent: Vec<usize>,
}

impl Groups {
    fn new(n: usize) -> Groups {
        Groups {
            parent: (0..n).collect(),
        }
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }
    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
    /// Every set, as ranges of one list of members: the sets in order of their smallest
    /// member, each set's members in increasing order. (A root is its set's smallest member.)
    fn components(&mut self) -> (Vec<usize>, Vec<std::ops::Range<usize>>) {
        let mut by_root: Vec<(usize, usize)> =
            (0..self.parent.len()).map(|x| (self.find(x), x)).collect();
        by_root.sort_unstable();
        let members: Vec<usize> = by_root.iter().map(|&(_, x)| x).collect();
        let mut sets = Vec::new();
        let mut start = 0;
        for i in 1..=by_root.len() {
            if i == by_root.len() || by_root[i].0 != by_root[start].0 {
                sets.push(start..i);
                start = i;
            }
        }
        (members, sets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(file_name: &str, src: &str) -> Option<String> {
        let tokens = crate::lang::for_file_name(file_name).tokenize(src.as_bytes());
        let at = src.find("https").expect("a URL");
        binding_name(src.as_bytes(), &tokens, at)
            .map(|(name, _)| String::from_utf8_lossy(name).into_owned())
    }

    #[test]
    fn binding_name_reads_plain_typed_and_member_bindings() {
        let base = "\"https://api.whispir.com\"";
        assert_eq!(
            name_of("a.py", &format!("BASE = {base}\n")).as_deref(),
            Some("BASE")
        );
        assert_eq!(
            name_of("a.rs", &format!("const BASE: &str = {base};\n")).as_deref(),
            Some("BASE")
        );
        assert_eq!(
            name_of("a.kt", &format!("val base: String = {base}\n")).as_deref(),
            Some("base")
        );
        assert_eq!(
            name_of("a.go", &format!("base := {base}\n")).as_deref(),
            Some("base")
        );
        assert_eq!(
            name_of("a.js", &format!("const c = {{ baseURL: {base} }};\n")).as_deref(),
            Some("baseURL")
        );
        // A string key names nothing the code reads by name.
        assert_eq!(
            name_of("a.py", &format!("C = {{\"base\": {base}}}\n")),
            None
        );
        assert_eq!(name_of("a.py", &format!("get({base})\n")), None);
        // A default of the binding's value (environment first).
        assert_eq!(
            name_of(
                "a.ts",
                &format!("const API = process.env.WHISPIR_API_URL ?? {base};\n")
            )
            .as_deref(),
            Some("API")
        );
        assert_eq!(
            name_of("a.rb", &format!("API = ENV['WHISPIR_URL'] || {base}\n")).as_deref(),
            Some("API")
        );
        assert_eq!(
            name_of("a.py", &format!("API = os.getenv(\"URL\") or {base}\n")).as_deref(),
            Some("API")
        );
    }

    #[test]
    fn contains_word_skips_longer_identifiers() {
        assert!(contains_word(b"`${BASE}/m`", b"BASE"));
        assert!(contains_word(b"\"{$base}/m\"", b"$base"));
        assert!(!contains_word(b"database", b"base"));
        assert!(!contains_word(b"BASE_URL", b"BASE"));
    }

    #[test]
    fn blocked_by_names_the_other_lines_only() {
        assert_eq!(blocked_by(&[12], &[8]), "; blocked by line 12");
        assert_eq!(blocked_by(&[12, 40], &[8]), "; blocked by lines 12, 40");
        assert_eq!(blocked_by(&[8], &[8]), "");
        assert_eq!(blocked_by(&[], &[8]), "");
        assert_eq!(
            blocked_by(&[3, 8, 12, 40, 41, 50], &[8]),
            "; blocked by lines 3, 12, 40 and 2 more"
        );
        // The key line the message names already is not named again.
        assert_eq!(blocked_by(&[5, 9], &[3, 5]), "; blocked by line 9");
        assert_eq!(blocked_by(&[5], &[3, 5, 5]), "");
    }

    #[test]
    fn a_host_reached_through_a_local_only_its_request_reads_moves_safely() {
        // SPEC: the URL, key and headers in one function, the URL's variable a local
        // assigned once and read only by this request.
        let py = "import requests\n\ndef a(k):\n    url = \"https://api.whispir.com/callbacks\"\n    \
                  return requests.get(url, params={\"apikey\": k})\n";
        assert_eq!(key_fixes("a.py", py), [Some(Applicability::Safe)]);
        let js = "async function a(k) {\n  const url = 'https://api.whispir.com/callbacks';\n  \
                  return axios.get(url, { params: { apikey: k } });\n}\n";
        assert_eq!(key_fixes("a.js", js), [Some(Applicability::Safe)]);
        // Read once more (a log line), or at module level: other code sees it.
        let logged = py.replace("    return", "    print(url)\n    return");
        assert_ne!(key_fixes("a.py", &logged), [Some(Applicability::Safe)]);
        let twice = py.replace("    return", "    requests.head(url)\n    return");
        assert_ne!(key_fixes("a.py", &twice), [Some(Applicability::Safe)]);
        let reassigned = py.replace(
            "    return",
            "    r = requests.get(url, params={\"apikey\": k})\n    url = None\n    return",
        );
        assert_ne!(
            key_fixes("a.py", &reassigned),
            [Some(Applicability::Safe); 2]
        );
        let module = "import requests\n\nURL = \"https://api.whispir.com/callbacks\"\n\ndef a(k):\n    \
                      return requests.get(URL, params={\"apikey\": k})\n";
        assert_eq!(key_fixes("a.py", module), [Some(Applicability::Unsafe)]);
    }

    /// The WM002 findings' fix applicability (`None`: manual) after `check --region au`.
    fn key_fixes(name: &str, src: &str) -> Vec<Option<Applicability>> {
        fixes_of(name, src, RuleCode::WM002, Some("au"))
    }

    /// The report of `check` with `region` on `src`, a file named `name`.
    fn report_of(name: &str, src: &str, region: Option<&str>) -> crate::engine::FileReport {
        let settings = crate::engine::Settings::with_region(region);
        let file = SourceFile::new(name.into(), name.into(), src.as_bytes().to_vec());
        crate::engine::check_file(file, &settings).expect("findings")
    }

    /// The fix applicability of the findings of `code`, after `check` with `region`.
    fn fixes_of(
        name: &str,
        src: &str,
        code: RuleCode,
        region: Option<&str>,
    ) -> Vec<Option<Applicability>> {
        report_of(name, src, region)
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .map(|d| d.fix.as_ref().map(|f| f.applicability))
            .collect()
    }

    /// For each host of the file `lines` (in `--region au`), whether it gets a fix.
    fn host_fixes(name: &str, lines: &[&str]) -> Vec<bool> {
        fixes_of(name, &lines.join("\n"), RuleCode::WM001, Some("au"))
            .iter()
            .map(Option::is_some)
            .collect()
    }

    #[test]
    fn a_host_whose_request_sends_a_query_the_file_does_not_show_does_not_move_alone() {
        // `AUTH_QUERY` comes from another file, which may put the key in it: the host alone
        // would send that key in the query to the regional gateway.
        for (qs, moves) in [
            ("AUTH_QUERY", [false, true]),
            ("{ ...AUTH_QUERY }", [false, true]),
            ("{ limit: 1, ...config.AUTH_QUERY }", [false, true]),
            ("{ ...PAGE }", [true, true]),
            ("config.AUTH_QUERY", [false, true]),
            ("buildQuery()", [false, true]),
            ("{ limit: 20 }", [true, true]),
            ("PAGE", [true, true]),
        ] {
            let request =
                format!("request.get({{ url: 'https://api.whispir.com/m', qs: {qs} }}, cb);");
            let js = [
                "const { AUTH_QUERY } = require('./config');",
                "const PAGE = { limit: 20 };",
                &request,
                "request.get('https://api.whispir.com/n', cb);",
            ];
            assert_eq!(host_fixes("notify.js", &js), moves, "qs: {qs}");
        }
        // `{ url, qs }`: a parameter, whose callers may pass the key.
        let js = [
            "function go(cb, qs) {",
            "  request.get({ url: 'https://api.whispir.com/n', qs }, cb);",
            "}",
        ];
        assert_eq!(host_fixes("notify.js", &js), [false]);
        let python = [
            "def send(defaults):",
            "    return requests.get('https://api.whispir.com/m', params={**defaults, 'limit': 20})",
            "",
        ];
        assert_eq!(host_fixes("client.py", &python), [false]);
        // A base URL may be read by any request of its file.
        let python = [
            "BASE = 'https://api.whispir.com'",
            "def send(params):",
            "    return requests.get(BASE + '/messages', params=params)",
            "",
        ];
        assert_eq!(host_fixes("client.py", &python), [false]);
        let python = [
            "class Client:",
            "    def __init__(self):",
            "        self.params = {'limit': 20}",
            "    def send(self):",
            "        return requests.get('https://api.whispir.com/m', params=self.params)",
            "",
        ];
        assert_eq!(host_fixes("client.py", &python), [true]);
    }

    #[test]
    fn the_key_nearest_a_host_prefers_its_line_then_after_then_the_first_in_order() {
        // (line, order in the group), sorted.
        let keys = [(3, 1), (3, 4), (7, 0), (9, 2), (9, 3)];
        assert_eq!(nearest_key(&keys, 3), 1); // on its line: the first in order
        assert_eq!(nearest_key(&keys, 5), 0); // as far as line 3: the one after
        assert_eq!(nearest_key(&keys, 4), 1); // line 3 is nearer
        assert_eq!(nearest_key(&keys, 1), 1);
        assert_eq!(nearest_key(&keys, 12), 2); // the last line: its first in order
        assert_eq!(nearest_key(&keys[..1], 2), 1);
    }

    #[test]
    fn a_ruby_host_beside_an_apikey_entry_no_finding_reads_does_not_move_alone() {
        // Shapes the detector does not read as a query (a call without brackets, a hash
        // built by a call) may still send the key in it: the host stays.
        for request in [
            "  Faraday.get 'https://api.whispir.com/messages', apikey: key",
            "  Faraday.get('https://api.whispir.com/messages', defaults.merge(apikey: key))",
            "  RestClient.get('https://api.whispir.com/messages', { apikey: key })",
        ] {
            let ruby = ["def messages(key)", request, "end", ""];
            assert_eq!(host_fixes("client.rb", &ruby), [false], "{request}");
        }
        // Without the key, the host moves.
        let ruby = [
            "def messages(page)",
            "  Faraday.get('https://api.whispir.com/messages', { page: page })",
            "end",
            "",
        ];
        assert_eq!(host_fixes("client.rb", &ruby), [true]);
    }

    #[test]
    fn a_faraday_query_argument_moves_with_its_host_in_one_fix() {
        // Faraday's second argument is the query: its `apikey` is a finding whose fix is the
        // host's too.
        let one_fix = |lines: &[&str]| {
            let report = report_of("client.rb", &lines.join("\n"), Some("au"));
            let fix_of = |code| {
                report
                    .diagnostics
                    .iter()
                    .find(|d| d.code == code)
                    .and_then(|d| d.fix.clone())
            };
            let (host, key) = (fix_of(RuleCode::WM001), fix_of(RuleCode::WM002));
            assert!(host.is_some(), "{lines:?}");
            assert_eq!(host, key, "{lines:?}");
        };
        for entry in [
            "{ apikey: key }",
            "apikey: key",
            "{ :apikey => key }",
            "{ 'APIKEY' => key }",
        ] {
            let request = format!("  Faraday.get('https://api.whispir.com/messages', {entry})");
            one_fix(&["def messages(key)", &request, "end", ""]);
        }
        // A connection made on a retired base held in a name: the base moves with the key,
        // which alone would leave the retired gateway without it.
        one_fix(&[
            "BASE = 'https://api.whispir.com'",
            "def scenarios(key)",
            "  conn = Faraday.new(url: BASE)",
            "  conn.get('/scenarios', { apikey: key }) do |req|",
            "    req.options.timeout = 5",
            "  end",
            "end",
            "",
        ]);
        // A connection's base URL serves the request that passes the key.
        one_fix(&[
            "class Client",
            "  def initialize(key)",
            "    @key = key",
            "    @conn = Faraday.new(url: 'https://api.whispir.com')",
            "  end",
            "  def contacts",
            "    @conn.get('/contacts', apikey: @key)",
            "  end",
            "end",
            "",
        ]);
    }

    #[test]
    fn a_retired_request_that_passes_a_shared_query_dict_moves_with_its_key() {
        // The dict is read by a regional request and a retired one: the retired host moved
        // alone (safely) while the dict kept its key, a half-migrated request.
        let python = [
            "import requests",
            "QUERY_PARAMS = {'apikey': K, 'view': 'summary'}",
            "def regional():",
            "    return requests.get('https://api.au.whispir.com/w', params=QUERY_PARAMS)",
            "def retired():",
            "    return requests.get('https://api.whispir.com/x', params=QUERY_PARAMS)",
            "",
        ]
        .join("\n");
        let ruby = [
            "QUERY = { apikey: ENV['K'], view: 'summary' }",
            "def regional",
            "  HTTParty.get('https://api.au.whispir.com/w', query: QUERY)",
            "end",
            "def retired",
            "  HTTParty.get('https://api.whispir.com/x', query: QUERY)",
            "end",
            "",
        ]
        .join("\n");
        for (name, src) in [("a.py", &python), ("a.rb", &ruby)] {
            let host = fixes_of(name, src, RuleCode::WM001, Some("au"));
            let key = fixes_of(name, src, RuleCode::WM002, Some("au"));
            assert_eq!(key, [Some(Applicability::Unsafe)], "{name}");
            assert_eq!(
                host,
                [Some(Applicability::Unsafe)],
                "{name}: the host moves with the key"
            );
        }
    }

    #[test]
    fn a_request_through_an_auth_hook_that_keeps_the_key_in_the_query_is_blocked_by_it() {
        // The hook adds `?apikey=` to every request of the session: moving a request's host
        // and its own key to a header left the hook's key in a regional request's query.
        let src = [
            "class KeyAuth(AuthBase):",
            "    def __call__(self, r):",
            "        r.prepare_url(r.url, {'apikey': self.k})",
            "        return r",
            "",
            "class C:",
            "    def __init__(self, k):",
            "        self.session = requests.Session()",
            "        self.session.auth = KeyAuth(k)",
            "    def templates(self, k):",
            "        return self.session.get('https://api.whispir.com/t', params={'apikey': k})",
            "    def ping(self, k):",
            "        return requests.get('https://api.whispir.com/p', auth=KeyAuth(k))",
            "    def contacts(self, k):",
            "        return requests.get('https://api.whispir.com/c', params={'apikey': k})",
            "",
        ]
        .join("\n");
        // The hook, the session's request; the request with no hook keeps its fix.
        assert_eq!(
            key_fixes("a.py", &src),
            [None, None, Some(Applicability::Safe)]
        );
        // `ping` sends no key of its own, but the hook adds one.
        assert_eq!(
            fixes_of("a.py", &src, RuleCode::WM001, Some("au")),
            [None, None, Some(Applicability::Safe)]
        );
        let src_ping_at = src.find("def ping").expect("ping");
        let report = report_of("a.py", &src, Some("au"));
        let blocked = report
            .diagnostics
            .iter()
            .filter(|d| {
                d.help
                    .as_deref()
                    .is_some_and(|h| h.contains("blocked by line 3"))
            })
            .count();
        // The session's request (host and key); `ping` names the hook's key as the one to
        // move with, and not again as a blocker.
        assert_eq!(blocked, 2, "{:#?}", report.diagnostics);
        let ping = report
            .diagnostics
            .iter()
            .find(|d| d.code == RuleCode::WM001 && d.span.start > src_ping_at)
            .and_then(|d| d.help.as_deref());
        assert_eq!(
            ping,
            Some(
                "move to `api.au.whispir.com` in the same change that moves the key at line 3 into an `x-api-key` header (not automatic: a request's host and key move together, and that key has no automatic fix)"
            )
        );
    }

    #[test]
    fn a_blocked_host_names_its_own_requests_key_and_the_hook_as_its_blocker() {
        // The session's hook adds its key to the request too: the host's help named the
        // hook's key (line 6) as the one to move with, not the request's own (line 17).
        let src = [
            "import requests",
            "",
            "",
            "class KeyAuth(requests.auth.AuthBase):",
            "    def __call__(self, r):",
            "        r.prepare_url(r.url, {\"apikey\": self.k})",
            "        return r",
            "",
            "",
            "class C:",
            "    def __init__(self, k):",
            "        self.k = k",
            "        self.session = requests.Session()",
            "        self.session.auth = KeyAuth(k)",
            "",
            "    def contacts(self, workspace_id):",
            "        url = \"https://api.whispir.com/w/{}/contacts?apikey={}\".format(",
            "            workspace_id, self.k)",
            "        return self.session.get(url).json()",
            "",
        ]
        .join("\n");
        let report = report_of("a.py", &src, Some("au"));
        let host = report
            .diagnostics
            .iter()
            .find(|d| d.code == RuleCode::WM001)
            .expect("the retired host");
        assert_eq!(
            host.help.as_deref(),
            Some(
                "move to `api.au.whispir.com` in the same change that moves the key at line 17 into an `x-api-key` header (not automatic: a request's host and key move together; blocked by line 6)"
            )
        );
    }

    #[test]
    fn the_scheme_moves_with_its_requests_host_and_key_or_not_at_all() {
        let src = "fetch('http://api.whispir.com/m?apikey=' + k);\n";
        // No region: the host cannot move, so neither does the scheme.
        assert_eq!(fixes_of("a.js", src, RuleCode::WM005, None), [None]);
        // With one, the scheme is part of the request's one fix.
        assert_eq!(
            fixes_of("a.js", src, RuleCode::WM005, Some("au")),
            [Some(Applicability::Safe)]
        );
        // A request that cannot take the header keeps its scheme too.
        let manual = "const u = 'http://api.whispir.com/m?apikey=' + k;\nlog(u);\n";
        assert_eq!(
            fixes_of("a.js", manual, RuleCode::WM005, Some("au")),
            [None]
        );
        // A URL without a key has no request to keep whole: its scheme moves alone.
        let keyless = "fetch('http://api.au.whispir.com/m');\n";
        assert_eq!(
            fixes_of("a.js", keyless, RuleCode::WM005, None),
            [Some(Applicability::Safe)]
        );
    }

    #[test]
    fn a_key_fragment_appended_in_the_function_of_a_retired_host_moves_with_it_or_not_at_all() {
        // `sb.append("&apikey=")` names no host; the retired host written in the same function
        // is its request's. Fixing that host alone left the key in the query of a regional
        // request (plain `fix --region au` did it).
        let src = "class A {\n    int f(int n) throws IOException {\n        StringBuilder sb = new StringBuilder(\"https://api.whispir.com/scenarios\");\n        sb.append(\"?first=\").append(n);\n        sb.append(\"&apikey=\").append(key);\n        return open(sb.toString()).getResponseCode();\n    }\n}\n";
        let report = report_of("A.java", src, Some("au"));
        let host = report
            .diagnostics
            .iter()
            .find(|d| d.code == RuleCode::WM001)
            .expect("the retired host");
        assert!(host.fix.is_none(), "the host moved without its key");
        // The key is named once, as the key to move with, not also as a blocker.
        assert_eq!(
            host.help.as_deref(),
            Some(
                "move to `api.au.whispir.com` in the same change that moves the key at line 5 into an `x-api-key` header (not automatic: a request's host and key move together, and that key has no automatic fix)"
            )
        );
    }

    #[test]
    fn a_request_on_an_axios_instance_goes_to_the_instances_base_url() {
        // The instance's base is regional: the relative request is not one of the retired
        // constant's, which moves with its own request alone.
        let regional = "const LEGACY = 'https://api.whispir.com';\n\
                        const api = axios.create({ baseURL: 'https://api.au.whispir.com', headers: { 'x-api-key': KEY } });\n\
                        function a() { return api.get('/m?apikey=' + KEY); }\n\
                        function b() { return axios.get(LEGACY + '/n?apikey=' + KEY); }\n";
        assert_eq!(
            key_fixes("a.js", regional),
            [Some(Applicability::Safe), Some(Applicability::Unsafe)]
        );
        // Without the instance, the relative request may be the constant's: one fix or none.
        let unknown = regional.replace("api.get(", "client.get(");
        assert_eq!(key_fixes("a.js", &unknown), [None, None]);
        // A retired base URL on the instance moves with the request.
        let retired = "const api = axios.create({ baseURL: 'https://api.whispir.com' });\n\
                       function a(k) { return api.get('/m?apikey=' + k); }\n";
        assert_eq!(key_fixes("a.js", retired), [Some(Applicability::Unsafe)]);
        // Unless another request on the instance sends no key: it would move without one.
        let keyless = format!("{retired}function b() {{ return api.get('/n'); }}\n");
        assert_eq!(key_fixes("a.js", &keyless), [None]);
    }

    #[test]
    fn a_url_built_on_a_regional_binding_is_not_one_of_the_retired_bases_requests() {
        // `REGIONAL_URL` is a region placeholder bound at module level: the request on it
        // already sends the header and only loses the parameter, while the retired constant
        // moves with its own request.
        let src = "import requests\n\
                   REGIONAL_URL = f\"https://api.{REGION}.whispir.com\"\n\
                   LEGACY = \"https://api.whispir.com\"\n\
                   def a(k):\n    return requests.get(f\"{REGIONAL_URL}/m?apikey={k}\", headers={\"x-api-key\": k})\n\
                   def b(k):\n    return requests.get(LEGACY + \"/n?apikey=\" + k)\n";
        assert_eq!(
            key_fixes("a.py", src),
            [Some(Applicability::Safe), Some(Applicability::Unsafe)]
        );
        // A local of another function that happens to be named alike is no base: the
        // request on `self.base` may still go to the retired gateway.
        let local = "import requests\n\
                     LEGACY = \"https://api.whispir.com\"\n\
                     def a(k):\n    url = \"https://api.au.whispir.com/x\"\n    return requests.get(url, headers={\"x-api-key\": k})\n\
                     def b(self, k):\n    url = self.base + \"/n?apikey=\" + k\n    return requests.get(url)\n";
        assert_eq!(key_fixes("a.py", local), [Some(Applicability::Unsafe)]);
    }

    #[test]
    fn a_variable_built_on_the_base_and_read_only_by_the_request_is_part_of_it() {
        // The URL object is made in one statement, the key set in the next, the request
        // sent (and given the header) in a third.
        let src = "const BASE = 'https://api.whispir.com';\n\
                   async function post(path, k) {\n\
                   \x20 const url = new URL(BASE + path);\n\
                   \x20 url.searchParams.set('apikey', k);\n\
                   \x20 return fetch(url, { method: 'POST' });\n\
                   }\n";
        assert_eq!(key_fixes("a.js", src), [Some(Applicability::Unsafe)]);
        // Sent again after the key is set (a retry): both requests get the header.
        let retried = src.replace(
            "  return fetch(url, {",
            "  await fetch(url);\n  return fetch(url, {",
        );
        assert_eq!(key_fixes("a.js", &retried), [Some(Applicability::Unsafe)]);
        // Sent before the key is set, by a request that sends no key: the base cannot move
        // for one of them.
        let before = src.replace(
            "  url.searchParams.set(",
            "  await fetch(url);\n  url.searchParams.set(",
        );
        assert_eq!(key_fixes("a.js", &before), [None]);
    }

    #[test]
    fn a_base_url_shared_by_too_many_requests_is_moved_by_hand() {
        let file = |n: usize| {
            let requests: String = (0..n)
                .map(|i| format!("fetch(BASE + '/m{i}?apikey=' + k);\n"))
                .collect();
            format!("const BASE = 'https://api.whispir.com';\n{requests}")
        };
        let fixes = key_fixes("a.js", &file(MAX_SHARED_REQUESTS));
        assert!(fixes.iter().all(|f| *f == Some(Applicability::Unsafe)));
        let fixes = key_fixes("a.js", &file(MAX_SHARED_REQUESTS + 1));
        assert!(fixes.iter().all(Option::is_none));
    }

    #[test]
    fn commented_out_code_does_not_hold_back_a_base_url() {
        let src = "const BASE = \"https://api.whispir.com\"\n\
                   func send(k string) {\n\
                   \treq, _ := http.NewRequest(\"GET\", BASE+\"/m?apikey=\"+k, nil)\n\
                   \thttp.DefaultClient.Do(req)\n\
                   }\n\
                   // u := BASE + \"/events?apikey=\" + k\n";
        // The comment's finding stays (by hand, it is no request); the request moves.
        assert_eq!(key_fixes("a.go", src), [Some(Applicability::Unsafe), None]);
    }

    #[test]
    fn a_go_url_values_key_belongs_to_the_request_that_encodes_it() {
        // The request is regional: the file's retired constant (held back by a keyless
        // request) is not its host.
        let src = "const legacy = \"https://api.whispir.com\"\n\
                   func Ping() { http.Head(legacy) }\n\
                   func Scenarios(k string) {\n\
                   \tq := url.Values{\"apikey\": {k}, \"n\": {\"1\"}}\n\
                   \treq, err := http.NewRequest(\"GET\", \"https://api.au.whispir.com/s?\"+q.Encode(), nil)\n\
                   \tif err != nil {\n\t\treturn\n\t}\n\
                   \tdo(req)\n\
                   }\n";
        assert_eq!(key_fixes("a.go", src), [Some(Applicability::Safe)]);
        // Encoded into a request on the retired constant: that request's, held back with it.
        let src = src.replace("\"https://api.au.whispir.com/s?\"", "legacy+\"/s?\"");
        assert_eq!(key_fixes("a.go", &src), [None]);
    }

    #[test]
    fn a_rust_request_whose_host_comes_from_a_regional_helper_is_regional() {
        // `self.base()` builds a regional host: the request is not the retired constant's,
        // and its key moves (unsafely: the host is known through another function).
        let src = "const LEGACY: &str = \"https://api.whispir.com\";\n\
                   fn legacy(c: &Client) { c.get(LEGACY).send(); }\n\
                   fn base(r: &str) -> String {\n\
                   \x20   format!(\"https://api.{}.whispir.com\", r)\n\
                   }\n\
                   fn send(c: &Client, r: &str, k: &str) {\n\
                   \x20   c.get(format!(\"{}/m?apikey={}\", base(r), k)).send();\n\
                   }\n";
        assert_eq!(key_fixes("a.rs", src), [Some(Applicability::Unsafe)]);
        // A helper that may return the retired host proves nothing: the request stays with
        // the file's bases (held back by the keyless request on one of them).
        let src = src.replace("api.{}.whispir.com", "api.whispir.com");
        assert_eq!(key_fixes("a.rs", &src), [None]);
    }

    #[test]
    fn commented_out_code_naming_the_base_does_not_hold_it_back() {
        // Rust's `{BASE}` names the base inside the format string: still no request.
        let src = "const BASE: &str = \"https://api.whispir.com\";\n\
                   fn send(c: &Client, k: &str) {\n\
                   \x20   let url = format!(\"{}/m?apikey={}\", BASE, k);\n\
                   \x20   c.post(url).send();\n\
                   }\n\
                   // let url = format!(\"{BASE}/events?apikey={}\", k);\n";
        assert_eq!(key_fixes("a.rs", src), [Some(Applicability::Unsafe), None]);
        // A comment that writes its own retired host keeps host and key together (untouched).
        let src = "// GET https://api.whispir.com/m?apikey=KEY\n";
        assert_eq!(key_fixes("a.rs", src), [None]);
    }

    #[test]
    fn a_local_url_is_not_used_by_a_namesake_in_another_function() {
        let send = [
            "def send(key):",
            "    url = \"https://api.whispir.com/messages\"",
            "    return requests.get(url, params={\"apikey\": key})",
        ]
        .join("\n");
        let ping = [
            "def ping():",
            "    url = \"https://api.whispir.com/status\"",
            "    print(url)",
            "    return requests.get(url)",
        ]
        .join("\n");
        // `url` in `ping` is another variable: `send` moves as it does alone.
        let alone = key_fixes("a.py", &send);
        assert!(alone[0].is_some());
        assert_eq!(key_fixes("a.py", &format!("{send}\n\n{ping}\n")), alone);
        // A module-level `url` is one variable wherever it is read: `ping` blocks it.
        let shared = [
            "url = \"https://api.whispir.com/messages\"",
            "def send(key):",
            "    return requests.get(url, params={\"apikey\": key})",
            "def ping():",
            "    print(url)",
        ]
        .join("\n");
        assert_eq!(key_fixes("a.py", &shared), [None]);
    }

    #[test]
    fn a_namesake_in_another_function_is_not_the_requests_host() {
        // `url` is first bound (to a regional host) in `status`: `callbacks`' own `url` is
        // retired, and its key must not move without it.
        let src = [
            "def status(key):",
            "    url = \"https://api.au.whispir.com/status\"",
            "    return requests.get(url, headers={\"x-api-key\": key})",
            "def session(key):",
            "    s = requests.Session()",
            "    s.params = {\"apikey\": key}",
            "def callbacks(key):",
            "    url = \"https://api.whispir.com/callbacks\"",
            "    return requests.get(url, params={\"apikey\": key})",
        ]
        .join("\n");
        // One request group: the session's key, `callbacks`' key and its host move together.
        let together = [Some(Applicability::Unsafe)];
        assert_eq!(key_fixes("a.py", &src), [together[0]; 2]);
        assert_eq!(
            fixes_of("a.py", &src, RuleCode::WM001, Some("au")),
            together
        );
        // Nor do two requests share a key because their locals share a name.
        let src = [
            "def status(key):",
            "    url = \"https://api.whispir.com/status?apikey=\" + key",
            "    return requests.get(url)",
            "def callbacks(key):",
            "    url = \"https://api.whispir.com/callbacks\"",
            "    return requests.get(url, params={\"apikey\": key})",
        ]
        .join("\n");
        let alone = key_fixes("a.py", &src[src.find("def callbacks").unwrap()..]);
        assert_eq!(
            key_fixes("a.py", &src),
            [Some(Applicability::Safe), alone[0]]
        );
    }

    #[test]
    fn stray_uses_are_uses_outside_the_group_requests() {
        let src = "BASE = \"https://api.whispir.com\"\n\
                   def a(k):\n    return get(BASE + \"/m?apikey=\" + k)\n\
                   def b():\n    return get(BASE)\n";
        let file = SourceFile::new("a.py".into(), "a.py".into(), src.as_bytes().to_vec());
        let lang = crate::lang::for_file_name("a.py");
        let tokens = lang.tokenize(src.as_bytes());
        let key = src.find("apikey").unwrap();
        let at = src.find("https").unwrap();
        let layout = Layout::of_file(src.as_bytes(), &tokens);
        let words = StringWords::of_file(src.as_bytes(), &tokens);
        let openers = Openers::of_file(src.as_bytes(), &tokens);
        let lookups = Lookups {
            layout: &layout,
            in_strings: &words,
            openers: &openers,
            function_around: &|_| None,
        };
        assert_eq!(
            stray_uses(&file, &tokens, &lookups, lang, at, &[key]),
            Some(vec![5])
        );
        let both = [key, src.rfind("BASE").unwrap()];
        assert_eq!(
            stray_uses(&file, &tokens, &lookups, lang, at, &both),
            Some(vec![])
        );
    }
}
