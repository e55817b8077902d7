//! What the tool knows about Whispir host names: the regions, the retired gateways,
//! placeholders, and the web hosts that must never be flagged.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Region {
    Au,
    Ap,
    Ap1,
    Nz,
    Us,
    It,
    Education,
}

impl Region {
    pub const ALL: [Region; 7] = [
        Region::Au,
        Region::Ap,
        Region::Ap1,
        Region::Nz,
        Region::Us,
        Region::It,
        Region::Education,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Region::Au => "au",
            Region::Ap => "ap",
            Region::Ap1 => "ap1",
            Region::Nz => "nz",
            Region::Us => "us",
            Region::It => "it",
            Region::Education => "education",
        }
    }

    /// `api.<label>.whispir.com`
    pub fn host(self) -> &'static str {
        match self {
            Region::Au => "api.au.whispir.com",
            Region::Ap => "api.ap.whispir.com",
            Region::Ap1 => "api.ap1.whispir.com",
            Region::Nz => "api.nz.whispir.com",
            Region::Us => "api.us.whispir.com",
            Region::It => "api.it.whispir.com",
            Region::Education => "api.education.whispir.com",
        }
    }

    /// Parses a region label case-insensitively; `edu` is an alias of `education`.
    pub fn from_label(label: &str) -> Option<Region> {
        let l = label.to_ascii_lowercase();
        if l == "edu" {
            return Some(Region::Education);
        }
        Region::ALL.into_iter().find(|r| r.label() == l)
    }

    pub fn labels() -> String {
        Region::ALL
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Region {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Region::from_label(s).ok_or_else(|| {
            format!(
                "unknown region `{s}` (expected one of: {}, or edu)",
                Region::labels()
            )
        })
    }
}

/// How a host name found in a file relates to the Whispir API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostKind {
    /// A retired region-less gateway (WM001).
    Legacy,
    /// `api.<known label>.whispir.com`.
    Regional(Region),
    /// `api.<label>.whispir.com` with a label that is no region (WM004).
    UnknownRegion(String),
    /// A region placeholder such as `api.<region>.whispir.com` or `api.region.whispir.com`.
    Placeholder,
    /// A Whispir web, docs, platform or internal host: never flagged.
    NotApi,
}

impl HostKind {
    /// True for hosts that receive API requests (and so carry `apikey` parameters).
    pub fn is_api(&self) -> bool {
        matches!(
            self,
            HostKind::Legacy | HostKind::Regional(_) | HostKind::UnknownRegion(_)
        )
    }
}

pub const LEGACY_HOSTS: [&str; 3] = [
    "api.whispir.com",
    "api.app.whispir.it",
    "api-sni.whispir.com",
];

/// Classifies a host name (any case). `host` must be the whole host: no scheme, port or path.
pub fn classify(host: &str) -> HostKind {
    let h = host.to_ascii_lowercase();
    if LEGACY_HOSTS.contains(&h.as_str()) {
        return HostKind::Legacy;
    }
    let Some(label) = h
        .strip_prefix("api.")
        .and_then(|r| r.strip_suffix(".whispir.com"))
    else {
        return HostKind::NotApi;
    };
    if label.is_empty() || label.contains('.') {
        return HostKind::NotApi;
    }
    // `api.{{region}}.whispir.com` in a Postman host array: a template, not a label.
    if label == "region"
        || !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return HostKind::Placeholder;
    }
    match Region::from_label(label) {
        Some(r) => HostKind::Regional(r),
        None => HostKind::UnknownRegion(label.to_string()),
    }
}

/// The known region closest to an unknown label, if exactly one is closest and close enough
/// to be a plausible typo.
pub fn nearest_region(label: &str) -> Option<Region> {
    let l = label.to_ascii_lowercase();
    let mut best: Vec<(usize, Region)> = Region::ALL
        .iter()
        .map(|r| (edit_distance(&l, r.label()), *r))
        .collect();
    best.sort_by_key(|(d, _)| *d);
    let (d0, r0) = best[0];
    let limit = if l.len() <= 3 { 1 } else { 2 };
    if d0 == 0 || d0 > limit {
        return None;
    }
    let tied: Vec<Region> = best
        .iter()
        .filter(|(d, _)| *d == d0)
        .map(|(_, r)| *r)
        .collect();
    if tied.len() == 1 {
        return Some(r0);
    }
    // `aus` is as close to `us` as to `au`: a label that is a region label plus letters breaks
    // the tie (`ap2` stays ambiguous between `ap` and `ap1`).
    let extended: Vec<Region> = tied
        .into_iter()
        .filter(|r| {
            l.strip_prefix(r.label())
                .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_alphabetic()))
        })
        .collect();
    (extended.len() == 1).then(|| extended[0])
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_host_is_its_label_under_whispir_com() {
        for region in Region::ALL {
            assert_eq!(region.host(), format!("api.{}.whispir.com", region.label()));
            assert_eq!(classify(region.host()), HostKind::Regional(region));
        }
    }

    #[test]
    fn classifies_hosts() {
        assert_eq!(classify("api.whispir.com"), HostKind::Legacy);
        assert_eq!(classify("API.WHISPIR.COM"), HostKind::Legacy);
        assert_eq!(classify("api.app.whispir.it"), HostKind::Legacy);
        assert_eq!(classify("api-sni.whispir.com"), HostKind::Legacy);
        assert_eq!(
            classify("api.AU.whispir.com"),
            HostKind::Regional(Region::Au)
        );
        assert_eq!(
            classify("api.edu.whispir.com"),
            HostKind::Regional(Region::Education)
        );
        assert_eq!(classify("api.region.whispir.com"), HostKind::Placeholder);
        assert_eq!(
            classify("api.aus.whispir.com"),
            HostKind::UnknownRegion("aus".into())
        );
        for not_api in [
            "schemas.api.whispir.com",
            "www.whispir.com",
            "developers.whispir.com",
            "au.whispir.com",
            "whatsapp.au.whispir.com",
            "app19.dev1.whispir.net",
            "app.whispir.it",
        ] {
            assert_eq!(classify(not_api), HostKind::NotApi, "{not_api}");
        }
    }

    #[test]
    fn region_labels() {
        assert_eq!("AP".parse::<Region>(), Ok(Region::Ap));
        assert_eq!("edu".parse::<Region>(), Ok(Region::Education));
        assert!("mars".parse::<Region>().is_err());
    }

    #[test]
    fn nearest_region_only_when_unambiguous() {
        assert_eq!(nearest_region("aus"), Some(Region::Au));
        assert_eq!(nearest_region("nzl"), Some(Region::Nz));
        assert_eq!(nearest_region("educaton"), Some(Region::Education));
        // `ap2` is one edit from both `ap` and `ap1`.
        assert_eq!(nearest_region("ap2"), None);
        assert_eq!(nearest_region("staging"), None);
    }
}
