//! Tag-based query builders in templated markup: ColdFusion's
//! `<cfhttpparam type="url" name="apikey" value="#key#">` adds a query parameter.

use super::{ApiKeyParam, ParamShape, Target};
use crate::secrets::classify_value;
use regex::bytes::Regex;
use std::sync::LazyLock;

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<cfhttpparam\b[^>]*>").expect("valid pattern"));
static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(type|name|value)\s*=\s*["']([^"']*)["']"#).expect("valid pattern")
});

pub fn url_params(src: &[u8], whispir_context: bool) -> Vec<ApiKeyParam> {
    if !whispir_context {
        return Vec::new();
    }
    let mut out = Vec::new();
    for tag in TAG.find_iter(src) {
        let (mut is_url, mut name, mut value) = (false, None, None);
        for caps in ATTR.captures_iter(tag.as_bytes()) {
            let (key, val) = (&caps[1], caps.get(2).expect("group 2"));
            let range = tag.start() + val.start()..tag.start() + val.end();
            match key.to_ascii_lowercase().as_slice() {
                b"type" => is_url = val.as_bytes().eq_ignore_ascii_case(b"url"),
                b"name" if val.as_bytes().eq_ignore_ascii_case(b"apikey") => name = Some(range),
                b"value" => value = Some(range),
                _ => {}
            }
        }
        let (true, Some(name)) = (is_url, name) else {
            continue;
        };
        let value = value.unwrap_or(name.end..name.end);
        out.push(ApiKeyParam {
            span: name.clone(),
            separator: name.start..name.start,
            value_kind: classify_value(&src[value.clone()]),
            name,
            value,
            shape: ParamShape::Builder,
            target: Target::WhispirContext,
            scheme_in: None,
            host: None,
        });
    }
    out
}
