//! Index entries packed as bytes (format 3), base64 in a KVS value: KVS is metered by the 10 KB of
//! data a request moves, and a JSON entry (`"<id>":["<16 hex>",{…}]`) is three to four times the
//! size of the same entry packed. An Entra object's entry is 26 bytes (a GUID, a fingerprint and two
//! tags), a membership's 42.
//!
//! An entry: the id, the fingerprint (8 bytes, little-endian), then the carry. An id is a tag and
//! its bytes: a lowercase GUID as 16 bytes, two joined by `:` as 32, anything else as text (length
//! and UTF-8). A carry is a tag: none; a user's (manager id or none, count, SKU ids); a rank (its
//! time as text, its record id). Lengths and counts are LEB128 varints.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::entry::IndexEntry;
use crate::model::{Carry, Fingerprint, Rank, UserCarry};

const TEXT: u8 = 0;
const GUID: u8 = 1;
const GUID_PAIR: u8 = 2;
const NO_ID: u8 = 3;

const NO_CARRY: u8 = 0;
const USER: u8 = 1;
const RANK: u8 = 2;
/// An application's carry, as its JSON text: applications are few, so compactness matters little.
const APP: u8 = 3;

/// Why packed entries cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackError {
    #[error("not base64: {0}")]
    Base64(String),
    #[error("cut short at byte {0}")]
    Short(usize),
    #[error("unknown tag {tag} at byte {at}")]
    Tag { tag: u8, at: usize },
    #[error("text at byte {0} is not UTF-8")]
    Text(usize),
    #[error("application carry at byte {0} is not valid")]
    App(usize),
}

/// Packs entries into base64 text.
pub fn pack<'a>(entries: impl IntoIterator<Item = (&'a String, &'a IndexEntry)>) -> String {
    let mut bytes = Vec::new();
    for (id, entry) in entries {
        put_id(&mut bytes, Some(id));
        bytes.extend_from_slice(&entry.fingerprint.0.to_le_bytes());
        match &entry.carry {
            None => bytes.push(NO_CARRY),
            Some(Carry::User(user)) => {
                bytes.push(USER);
                put_id(&mut bytes, user.manager.as_deref());
                put_len(&mut bytes, user.skus.len());
                for sku in &user.skus {
                    put_id(&mut bytes, Some(sku));
                }
            }
            Some(Carry::Rank(rank)) => {
                bytes.push(RANK);
                put_text(&mut bytes, &rank.at);
                put_id(&mut bytes, Some(&rank.id));
            }
            Some(Carry::App(app)) => {
                bytes.push(APP);
                put_text(&mut bytes, &app_text(app));
            }
        }
    }
    STANDARD.encode(bytes)
}

fn app_text(app: &crate::model::AppCarry) -> String {
    // Plain strings, numbers and enums: serialising cannot fail.
    serde_json::to_string(app).unwrap_or_default()
}

/// Packs bare ids (lists of ids seen or removed) into base64 text.
pub fn pack_ids<'a>(ids: impl IntoIterator<Item = &'a String>) -> String {
    let mut bytes = Vec::new();
    for id in ids {
        put_id(&mut bytes, Some(id));
    }
    STANDARD.encode(bytes)
}

/// An upper bound of the packed length of an entry, before base64 (4/3 of it after).
pub fn packed_len(id: &str, entry: &IndexEntry) -> usize {
    let text = |s: &str| s.len() + 6;
    text(id)
        + 9
        + match &entry.carry {
            None => 0,
            Some(Carry::User(user)) => {
                6 + user.manager.as_deref().map_or(0, text)
                    + user.skus.iter().map(|s| text(s)).sum::<usize>()
            }
            Some(Carry::Rank(rank)) => text(&rank.at) + text(&rank.id),
            Some(Carry::App(app)) => text(&app_text(app)),
        }
}

/// Reads packed entries into `into`.
pub fn unpack(text: &str, into: &mut HashMap<String, IndexEntry>) -> Result<(), PackError> {
    let bytes = STANDARD
        .decode(text)
        .map_err(|e| PackError::Base64(e.to_string()))?;
    let mut reader = Reader {
        bytes: &bytes,
        at: 0,
    };
    while !reader.done() {
        let id = reader.id()?.unwrap_or_default();
        let fingerprint = Fingerprint(u64::from_le_bytes(reader.array()?));
        let carry = match reader.byte()? {
            NO_CARRY => None,
            USER => {
                let manager = reader.id()?;
                let count = reader.len()?;
                let mut skus = Vec::with_capacity(count.min(64));
                for _ in 0..count {
                    skus.push(reader.id()?.unwrap_or_default());
                }
                Some(Carry::User(UserCarry { manager, skus }))
            }
            RANK => {
                let at = reader.text()?;
                let id = reader.id()?.unwrap_or_default();
                Some(Carry::Rank(Rank { at, id }))
            }
            APP => {
                let at = reader.at;
                let text = reader.text()?;
                Some(Carry::App(
                    serde_json::from_str(&text).map_err(|_| PackError::App(at))?,
                ))
            }
            tag => {
                return Err(PackError::Tag {
                    tag,
                    at: reader.at - 1,
                });
            }
        };
        into.insert(id, IndexEntry { fingerprint, carry });
    }
    Ok(())
}

/// Reads packed bare ids.
pub fn unpack_ids(text: &str) -> Result<Vec<String>, PackError> {
    let bytes = STANDARD
        .decode(text)
        .map_err(|e| PackError::Base64(e.to_string()))?;
    let mut reader = Reader {
        bytes: &bytes,
        at: 0,
    };
    let mut ids = Vec::new();
    while !reader.done() {
        ids.push(reader.id()?.unwrap_or_default());
    }
    Ok(ids)
}

fn put_len(bytes: &mut Vec<u8>, mut n: usize) {
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            bytes.push(low);
            return;
        }
        bytes.push(low | 0x80);
    }
}

fn put_text(bytes: &mut Vec<u8>, text: &str) {
    put_len(bytes, text.len());
    bytes.extend_from_slice(text.as_bytes());
}

fn put_id(bytes: &mut Vec<u8>, id: Option<&str>) {
    let Some(id) = id else {
        bytes.push(NO_ID);
        return;
    };
    if let Some(guid) = guid(id) {
        bytes.push(GUID);
        bytes.extend_from_slice(&guid);
        return;
    }
    if let Some((a, b)) = id
        .split_once(':')
        .and_then(|(a, b)| Some((guid(a)?, guid(b)?)))
    {
        bytes.push(GUID_PAIR);
        bytes.extend_from_slice(&a);
        bytes.extend_from_slice(&b);
        return;
    }
    bytes.push(TEXT);
    put_text(bytes, id);
}

/// A GUID in the one spelling that packs losslessly: lowercase hex, hyphenated 8-4-4-4-12.
fn guid(text: &str) -> Option<[u8; 16]> {
    let raw = text.as_bytes();
    if raw.len() != 36 {
        return None;
    }
    let mut out = [0u8; 16];
    let mut nibbles = 0;
    for (at, &c) in raw.iter().enumerate() {
        if matches!(at, 8 | 13 | 18 | 23) {
            if c != b'-' {
                return None;
            }
            continue;
        }
        let value = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => return None,
        };
        out[nibbles / 2] |= if nibbles % 2 == 0 { value << 4 } else { value };
        nibbles += 1;
    }
    Some(out)
}

fn guid_text(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(36);
    for (at, byte) in bytes.iter().enumerate() {
        if matches!(at, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        text.push(HEX[usize::from(byte >> 4)] as char);
        text.push(HEX[usize::from(byte & 0xf)] as char);
    }
    text
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn take(&mut self, n: usize) -> Result<&[u8], PackError> {
        let end = self.at.checked_add(n).ok_or(PackError::Short(self.at))?;
        let slice = self
            .bytes
            .get(self.at..end)
            .ok_or(PackError::Short(self.at))?;
        self.at = end;
        Ok(slice)
    }

    fn byte(&mut self) -> Result<u8, PackError> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], PackError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn len(&mut self) -> Result<usize, PackError> {
        let mut n = 0usize;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            n |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(PackError::Short(self.at))
    }

    fn text(&mut self) -> Result<String, PackError> {
        let n = self.len()?;
        let start = self.at;
        let raw = self.take(n)?.to_vec();
        String::from_utf8(raw).map_err(|_| PackError::Text(start))
    }

    fn id(&mut self) -> Result<Option<String>, PackError> {
        let at = self.at;
        match self.byte()? {
            NO_ID => Ok(None),
            GUID => Ok(Some(guid_text(self.take(16)?))),
            GUID_PAIR => {
                let a = guid_text(self.take(16)?);
                let b = guid_text(self.take(16)?);
                Ok(Some(format!("{a}:{b}")))
            }
            TEXT => self.text().map(Some),
            tag => Err(PackError::Tag { tag, at }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const G1: &str = "4562bcc8-c436-4f95-b7c0-4f8ce89dca5e";
    const G2: &str = "0a1b2c3d-0000-4fff-8abc-0123456789ab";

    fn entries() -> HashMap<String, IndexEntry> {
        let bare = |fp| IndexEntry {
            fingerprint: Fingerprint(fp),
            carry: None,
        };
        HashMap::from([
            (G1.to_string(), bare(u64::MAX)),
            (format!("{G1}:{G2}"), bare(7)),
            ("serial:C02XK1".to_string(), {
                IndexEntry {
                    fingerprint: Fingerprint(3),
                    carry: Some(Carry::Rank(Rank {
                        at: "2025-01-02T03:04:05Z".into(),
                        id: G2.into(),
                    })),
                }
            }),
            (G2.to_string(), {
                IndexEntry {
                    fingerprint: Fingerprint(9),
                    carry: Some(Carry::User(UserCarry {
                        manager: Some(G1.into()),
                        skus: vec![G2.into(), "not-a-guid".into()],
                    })),
                }
            }),
            ("app-1".to_string(), {
                IndexEntry {
                    fingerprint: Fingerprint(11),
                    carry: Some(Carry::App(crate::model::AppCarry {
                        name: Some("Payroll".into()),
                        credentials: vec![crate::model::CredentialBrief {
                            key_id: G1.into(),
                            kind: crate::model::CredentialKind::Secret,
                            description: Some("CI".into()),
                            end_ms: Some(1_800_000_000_000),
                        }],
                    })),
                }
            }),
            ("4562BCC8-C436-4F95-B7C0-4F8CE89DCA5E".to_string(), bare(1)),
            ("ünïcode:x".to_string(), bare(2)),
            (String::new(), bare(0)),
            ("u-none".to_string(), {
                IndexEntry {
                    fingerprint: Fingerprint(4),
                    carry: Some(Carry::User(UserCarry {
                        manager: None,
                        skus: Vec::new(),
                    })),
                }
            }),
        ])
    }

    #[test]
    fn entries_read_back_as_packed_and_within_their_bound() {
        let entries = entries();
        let text = pack(&entries);
        let mut read = HashMap::new();
        unpack(&text, &mut read).expect("readable");
        assert_eq!(read, entries);
        let bound: usize = entries.iter().map(|(id, e)| packed_len(id, e)).sum();
        let raw = STANDARD.decode(&text).expect("base64").len();
        assert!(raw <= bound, "{raw} > {bound}");
    }

    #[test]
    fn an_entra_entry_packs_to_26_bytes_and_a_membership_to_42() {
        let bare = IndexEntry {
            fingerprint: Fingerprint(1),
            carry: None,
        };
        let one = |id: &str| {
            let id = id.to_string();
            STANDARD.decode(pack([(&id, &bare)])).expect("base64").len()
        };
        assert_eq!(one(G1), 1 + 16 + 8 + 1, "tag, GUID, fingerprint, carry tag");
        assert_eq!(one(&format!("{G1}:{G2}")), 1 + 32 + 8 + 1);
    }

    #[test]
    fn ids_read_back_as_packed() {
        let ids = vec![G1.to_string(), format!("{G2}:{G1}"), "serial:X".to_string()];
        assert_eq!(unpack_ids(&pack_ids(&ids)).expect("readable"), ids);
    }

    #[test]
    fn damaged_text_is_an_error_not_a_panic() {
        let text = pack(&entries());
        let bytes = STANDARD.decode(&text).expect("base64");
        for cut in [1, 5, 17, bytes.len() - 1] {
            let short = STANDARD.encode(&bytes[..cut]);
            assert!(unpack(&short, &mut HashMap::new()).is_err(), "cut at {cut}");
        }
        assert!(matches!(
            unpack("%%%", &mut HashMap::new()),
            Err(PackError::Base64(_))
        ));
        assert!(matches!(
            unpack(&STANDARD.encode([9u8]), &mut HashMap::new()),
            Err(PackError::Tag { tag: 9, at: 0 })
        ));
    }
}
