//! The edits that move a retired host to its region: shared by the WM001 host fix and the
//! request fixes that carry a host with them (recorded traffic).

use crate::detect::HostUse;
use crate::diagnostic::Edit;
use crate::hosts::Region;
use crate::source::SourceFile;

/// The edits of a host fix: the host, and an `http` scheme or port 80 with it.
pub fn host_edits(file: &SourceFile, h: &HostUse, region: Region) -> Vec<Edit> {
    // Sized exactly: a dump can hold a host fix on every one of its lines.
    let mut edits = Vec::with_capacity(1 + usize::from(h.insecure) + usize::from(h.port.is_some()));
    if let Some(s) = h.scheme.as_ref().filter(|_| h.insecure) {
        edits.push(Edit::replace(s.clone(), "https"));
    }
    let original = &file.bytes[h.host.clone()];
    if original.first() == Some(&b'[') {
        edits.push(Edit::replace(h.host.clone(), host_array(original, region)));
    } else {
        edits.push(Edit::replace(h.host.clone(), region.host()));
    }
    if let Some(p) = h
        .port
        .as_ref()
        .filter(|p| &file.bytes[(*p).clone()] == b"80")
    {
        // From the host's end: takes `:80` and an escaped `\:80` alike.
        edits.push(Edit::delete(h.host.end..p.end));
    }
    edits
}

/// `["api", "whispir", "com"]` → `["api", "au", "whispir", "com"]`, keeping the quotes and
/// spacing the array already uses.
fn host_array(original: &[u8], region: Region) -> String {
    let text = String::from_utf8_lossy(original);
    let sep = if text.contains(", ") { ", " } else { "," };
    let pad = if text.starts_with("[ ") { " " } else { "" };
    let parts: Vec<String> = region
        .host()
        .split('.')
        .map(|p| format!("\"{p}\""))
        .collect();
    format!("[{pad}{}{pad}]", parts.join(sep))
}
