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
    #[serde(default, deserialize_with = "exclude_globs")]
    pub exclude: Option<Vec<String>>,
    /// Added to `exclude`.
    #[serde(default, deserialize_with = "extend_exclude_globs")]
    pub extend_exclude: Option<Vec<String>>,
    /// Rule codes turned off everywhere.
    pub ignore: Option<Vec<RuleCode>>,
    /// Glob → rule codes turned off for matching files.
    #[serde(default, deserialize_with = "per_file_ignores")]
    pub per_file_ignores: Option<BTreeMap<String, Vec<RuleCode>>>,
    /// A baseline file of accepted findings (relative to the config file).
    pub baseline: Option<PathBuf>,
}

// Globs are checked as the file is read, so that a bad one is reported with the file and
// line (SPEC), not later without either.

fn invalid_glob<E: serde::de::Error>(key: &str, glob: &str, cause: impl std::fmt::Display) -> E {
    E::custom(format!("invalid glob `{glob}` in `{key}`: {cause}"))
}

/// Gitignore-syntax globs (`exclude`, `extend-exclude`).
fn gitignore_globs<'de, D: Deserializer<'de>>(
    d: D,
    key: &str,
) -> Result<Option<Vec<String>>, D::Error> {
    let globs = Vec::<String>::deserialize(d)?;
    let mut check = ignore::gitignore::GitignoreBuilder::new("");
    for glob in &globs {
        check
            .add_line(None, glob)
            .map_err(|e| invalid_glob(key, glob, e))?;
    }
    Ok(Some(globs))
}

fn exclude_globs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    gitignore_globs(d, "exclude")
}

fn extend_exclude_globs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    gitignore_globs(d, "extend-exclude")
}

/// `per-file-ignores`: glob → rule codes.
fn per_file_ignores<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<BTreeMap<String, Vec<RuleCode>>>, D::Error> {
    let map = BTreeMap::<String, Vec<RuleCode>>::deserialize(d)?;
    for glob in map.keys() {
        globset::Glob::new(glob).map_err(|e| invalid_glob("per-file-ignores", glob, e))?;
    }
    Ok(Some(map))
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
    fn bad_globs_name_the_line() {
        let (line, msg) = parse("region = \"au\"\nexclude = [\"x/{a\"]\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(msg.contains("invalid glob `x/{a` in `exclude`"), "{msg}");
        let (line, msg) = parse("\nextend-exclude = [\"ok\", \"x/{a\"]\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(
            msg.contains("invalid glob `x/{a` in `extend-exclude`"),
            "{msg}"
        );
        let (line, msg) =
            parse("region = \"au\"\n\n[per-file-ignores]\n\"docs/**\" = [\"WM002\"]\n\"src/[\" = [\"WM001\"]\n")
                .unwrap_err();
        assert!(
            msg.contains("invalid glob `src/[` in `per-file-ignores`"),
            "{msg}"
        );
        assert!((3..=5).contains(&line), "{line}");
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
