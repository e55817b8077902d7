//! The request model. A legacy request is one unit of migration: its host, scheme, port, the
//! `apikey` parameter and the `x-api-key` header move together or not at all (SPEC, "Fixes —
//! the safety contract").
//!
//! - [`query`] takes the parameter out of a URL or query builder;
//! - [`place`] finds where the same request carries its headers, one module per language;
//! - [`field`] reads a query encoded inside a string's replacement field from the syntax tree;
//! - [`helper`] follows a JavaScript query through the helper function that adds the key;
//! - [`url_builder`] follows a URL a private function returns to the requests its callers make;
//! - [`plan`] combines the two into the WM002 fix, or the manual instruction;
//! - [`group`] groups a file's findings into requests and gives each request one fix;
//! - [`auth_hook`] finds the Python auth hooks that keep adding the key to a query, and
//!   the requests sent through them (which [`group`] does not move while the hook stays);
//! - [`recorded`] does the same for the requests of recorded traffic (cassettes, HAR,
//!   WireMock mappings), whose requests are objects of their own.

pub mod auth_hook;
pub mod field;
pub mod group;
pub mod helper;
pub mod host;
pub mod place;
pub mod plan;
pub mod query;
pub mod recorded;
pub mod url_builder;

/// What the rules and the request model know about the run, beyond the file itself.
#[derive(Debug, Clone, Default)]
pub struct RuleContext {
    /// The region label chosen with `--region`, `WHISPIR_REGION` or the config file.
    pub region: Option<crate::hosts::Region>,
    /// What the whole run allows for base URLs; `None` until the run has been scanned.
    pub base_urls: Option<BaseUrlPolicy>,
    /// Public URL builders that no other file of the repository names: set only for
    /// `fix --unsafe-fixes` over the whole repository (see [`url_builder`]).
    pub closed_builders: Option<std::sync::Arc<ClosedBuilders>>,
}

/// Functions that return a URL with the key, visible to other files by their name (public,
/// exported, not `private`), which a search of every file of the repository found named
/// nowhere but in the file that defines them. Their callers in that file are then all the
/// callers the repository has, and the URL builder fix is made for them (unsafe: code
/// outside the repository may call them too).
#[derive(Debug, Default)]
pub struct ClosedBuilders {
    /// The function names, by the defining file as reports name it.
    by_file: std::collections::HashMap<String, std::collections::HashSet<Vec<u8>>>,
}

impl ClosedBuilders {
    pub fn new(closed: impl IntoIterator<Item = (String, Vec<u8>)>) -> ClosedBuilders {
        let mut by_file = std::collections::HashMap::<_, std::collections::HashSet<_>>::new();
        for (path, name) in closed {
            by_file.entry(path).or_default().insert(name);
        }
        ClosedBuilders { by_file }
    }

    pub fn contains(&self, path: &str, name: &[u8]) -> bool {
        self.by_file
            .get(path)
            .is_some_and(|names| names.contains(name))
    }

    /// Whether `path` defines any of them: its findings must be checked again.
    pub fn in_file(&self, path: &str) -> bool {
        self.by_file.contains_key(path)
    }

    pub fn is_empty(&self) -> bool {
        self.by_file.is_empty()
    }
}

/// Moving a base URL (a constant, a settings entry) moves every request built on it, and
/// those the tool cannot see may still send the key in the query. So its host fix is safe
/// only in a run over the whole repository that leaves no key in a query (SPEC).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BaseUrlPolicy {
    /// The run walked one repository from its root (not a list of files, not a subfolder).
    pub whole_repository: bool,
    /// `path:line` of each key-in-query finding that plain `fix` leaves in place.
    pub sites: Vec<String>,
    /// Bindings of a retired host read by requests in other files: where each is defined
    /// (path, line) and where it is read (`path:line`). Their file's requests cannot move
    /// them alone.
    pub read_elsewhere: Vec<ReadElsewhere>,
}

/// A binding of a retired host (defined at `path`:`line`) read at `site` in another file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadElsewhere {
    pub path: String,
    pub line: usize,
    pub site: String,
}

impl BaseUrlPolicy {
    /// The `path:line` sites in other files that read the binding defined at `path`:`line`.
    pub fn read_elsewhere(&self, path: &str, line: usize) -> Vec<&str> {
        self.read_elsewhere
            .iter()
            .filter(|r| r.path == path && r.line == line)
            .map(|r| r.site.as_str())
            .collect()
    }
}
