//! The configuration file: `whispir-migrate.toml` or `.whispir-migrate.toml`, the first found
//! from the current directory upwards, or `--config FILE`.

use crate::codes::RuleCode;
use crate::hosts::Region;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAMES: [&str; 2] = ["whispir-migrate.toml", ".whispir-migrate.toml"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub region: Option<Region>,
    /// Replaces the default exclude list (which is empty).
    pub exclude: Option<Vec<String>>,
    /// Added to `exclude`.
    pub extend_exclude: Option<Vec<String>>,
    /// Rule codes turned off everywhere.
    pub ignore: Option<Vec<RuleCode>>,
    /// Glob → rule codes turned off for matching files.
    pub per_file_ignores: Option<BTreeMap<String, Vec<RuleCode>>>,
    /// A baseline file of accepted findings (relative to the config file).
    pub baseline: Option<PathBuf>,
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for RuleCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RuleCode::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown rule code `{s}` (known: {})",
                crate::rules::known_codes()
            ))
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("reading config at {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid config at {path}:{line}: {message}")]
    Invalid {
        path: String,
        line: usize,
        message: String,
    },
}

/// A config file and the directory its relative globs are anchored at.
#[derive(Debug, Default)]
pub struct Loaded {
    pub config: Config,
    pub path: Option<PathBuf>,
}

/// Finds the config file from `start` upwards.
pub fn discover(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        for name in FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

pub fn load(path: &Path) -> Result<Loaded, ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: shown.clone(),
        source,
    })?;
    let config = parse(&text).map_err(|(line, message)| ConfigError::Invalid {
        path: shown,
        line,
        message,
    })?;
    Ok(Loaded {
        config,
        path: Some(path.to_path_buf()),
    })
}

/// Parses config text; an error carries the 1-based line it points at.
pub fn parse(text: &str) -> Result<Config, (usize, String)> {
    toml::from_str(text).map_err(|e: toml::de::Error| {
        let line = e.span().map_or(1, |s| {
            text[..s.start.min(text.len())].matches('\n').count() + 1
        });
        (line, e.message().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_keys() {
        let c = parse(
            "region = \"AP\"\nexclude = [\"vendor/\"]\nextend-exclude = [\"*.min.js\"]\nignore = [\"WM003\"]\n[per-file-ignores]\n\"docs/**\" = [\"WM002\", \"legacy-host\"]\n",
        )
        .unwrap();
        assert_eq!(c.region, Some(Region::Ap));
        assert_eq!(c.ignore, Some(vec![RuleCode::WM003]));
        assert_eq!(
            c.per_file_ignores.unwrap()["docs/**"],
            vec![RuleCode::WM002, RuleCode::WM001]
        );
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let (line, msg) = parse("region = \"au\"\n\nexclud = []\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(msg.contains("exclud"), "{msg}");
    }

    #[test]
    fn bad_values_name_the_line() {
        let (line, msg) = parse("\nregion = \"mars\"\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(msg.contains("unknown region `mars`"), "{msg}");
        let (line, msg) = parse("ignore = [\"WM009\"]\n").unwrap_err();
        assert_eq!(line, 1);
        assert!(msg.contains("unknown rule code `WM009`"), "{msg}");
    }
}
