//! UTF-16 text files with a byte order mark, which PowerShell and Windows tools write. They
//! are decoded to UTF-8 for scanning (so spans, lines and columns are those of the text) and
//! encoded back, byte order mark included, when `fix` writes them.
//!
//! Only a file that starts with a UTF-16 byte order mark is decoded: the check is two bytes,
//! so files that are not UTF-16 — nearly all — cost nothing more.

/// How a file's text is stored on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// As read: UTF-8 (with or without its byte order mark), or bytes in another 8-bit
    /// encoding, scanned as they are.
    #[default]
    AsRead,
    /// UTF-16 after a byte order mark. `exact`: the text decoded without loss (no unpaired
    /// surrogate, an even length), so it can be encoded back byte for byte.
    Utf16 { big_endian: bool, exact: bool },
}

/// The UTF-16 byte order of a file that starts with a UTF-16 byte order mark.
pub fn utf16_bom(bytes: &[u8]) -> Option<bool> {
    match bytes {
        [0xFF, 0xFE, ..] => Some(false),
        [0xFE, 0xFF, ..] => Some(true),
        _ => None,
    }
}

/// Decodes a UTF-16 file (byte order mark first) to UTF-8 without the mark; an unpaired
/// surrogate or a trailing odd byte becomes U+FFFD and the result is not `exact`.
pub fn decode_utf16(bytes: &[u8], big_endian: bool) -> (Vec<u8>, Encoding) {
    let body = &bytes[2..];
    let units = body.chunks_exact(2).map(|c| {
        if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    let mut exact = body.len().is_multiple_of(2);
    let mut out = String::with_capacity(body.len() / 2);
    for c in char::decode_utf16(units) {
        out.push(c.unwrap_or_else(|_| {
            exact = false;
            char::REPLACEMENT_CHARACTER
        }));
    }
    if !body.len().is_multiple_of(2) {
        out.push(char::REPLACEMENT_CHARACTER);
    }
    (out.into_bytes(), Encoding::Utf16 { big_endian, exact })
}

/// `text` as the file stores it. `Err` names why it cannot be written back exactly.
pub fn encode(text: &[u8], encoding: Encoding) -> Result<Vec<u8>, &'static str> {
    match encoding {
        Encoding::AsRead => Ok(text.to_vec()),
        Encoding::Utf16 { exact: false, .. } => Err(
            "this UTF-16 file has an unpaired surrogate or an odd byte count, so it cannot be written back exactly; make the changes by hand",
        ),
        Encoding::Utf16 { big_endian, .. } => {
            let text = std::str::from_utf8(text)
                .map_err(|_| "the fixed text is not valid UTF-8 and cannot be encoded as UTF-16")?;
            let mut out = Vec::with_capacity(2 + text.len() * 2);
            out.extend_from_slice(if big_endian {
                &[0xFE, 0xFF]
            } else {
                &[0xFF, 0xFE]
            });
            for unit in text.encode_utf16() {
                out.extend_from_slice(&if big_endian {
                    unit.to_be_bytes()
                } else {
                    unit.to_le_bytes()
                });
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        encode(
            text.as_bytes(),
            Encoding::Utf16 {
                big_endian,
                exact: true,
            },
        )
        .unwrap()
    }

    #[test]
    fn round_trips_both_byte_orders_with_the_mark() {
        for be in [false, true] {
            let text = "$u = 'https://api.whispir.com/messages?apikey=k' # ünïcödé 😀\r\n";
            let bytes = utf16(text, be);
            assert_eq!(utf16_bom(&bytes), Some(be));
            let (decoded, enc) = decode_utf16(&bytes, be);
            assert_eq!(decoded, text.as_bytes());
            assert_eq!(
                enc,
                Encoding::Utf16 {
                    big_endian: be,
                    exact: true
                }
            );
            assert_eq!(encode(&decoded, enc).unwrap(), bytes);
        }
        assert_eq!(utf16_bom(b"plain"), None);
        assert_eq!(utf16_bom(b"\xEF\xBB\xBFutf8"), None);
    }

    #[test]
    fn broken_utf16_is_scanned_but_not_written_back() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend_from_slice(&0xD800u16.to_le_bytes()); // an unpaired surrogate
        bytes.extend_from_slice(&(b'a' as u16).to_le_bytes());
        let (decoded, enc) = decode_utf16(&bytes, false);
        assert_eq!(decoded, "\u{FFFD}a".as_bytes());
        assert!(encode(&decoded, enc).is_err());
        let (_, odd) = decode_utf16(&[0xFF, 0xFE, b'a', 0, b'b'], false);
        assert_eq!(
            odd,
            Encoding::Utf16 {
                big_endian: false,
                exact: false
            }
        );
    }
}
