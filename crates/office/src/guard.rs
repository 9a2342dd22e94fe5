//! Checks an upload against the [`ReadLimits`] before calamine opens it.
//!
//! calamine trusts what a file declares and keeps whole parts in memory (the shared
//! strings), so the zip is walked here first, reading each part through a fixed buffer:
//! entry count, declared and real decompressed sizes, and the shared string table's
//! string count and string lengths. Nothing here allocates in proportion to the file
//! beyond the zip directory, whose size the entry check bounds.

use std::io::{Cursor, ErrorKind, Read};
use std::time::Instant;

use crate::{Limit, OfficeError, ReadLimits};

/// The limits and the clock of one read.
pub(crate) struct Budget<'a> {
    pub limits: &'a ReadLimits,
    start: Instant,
}

impl<'a> Budget<'a> {
    pub fn new(limits: &'a ReadLimits) -> Self {
        Budget { limits, start: Instant::now() }
    }

    pub fn check_time(&self) -> Result<(), OfficeError> {
        let elapsed = self.start.elapsed();
        if elapsed > self.limits.time {
            // Whole seconds, rounded up: "31 秒" rather than "30 秒 超过上限 30 秒".
            let secs = elapsed.as_secs() + u64::from(elapsed.subsec_nanos() > 0);
            return Err(exceeded(Limit::Time, secs, self.limits.time.as_secs()));
        }
        Ok(())
    }
}

pub(crate) fn exceeded(limit: Limit, found: u64, max: u64) -> OfficeError {
    OfficeError::LimitExceeded { limit, found, max }
}

pub(crate) fn not_excel() -> OfficeError {
    OfficeError::Unreadable("文件不是有效的 Excel 文件".into())
}

/// Compound File Binary signature: legacy .xls, and encrypted .xlsx.
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Walks the zip: every part is decompressed (into a fixed buffer, then dropped) so that
/// a header lying about a part's size cannot get past.
pub(crate) fn check_zip(bytes: &[u8], budget: &Budget) -> Result<(), OfficeError> {
    let limits = budget.limits;
    if bytes.starts_with(CFB_MAGIC) {
        return Err(OfficeError::Unreadable("文件是旧版 .xls 格式或已加密".into()));
    }
    check_zip64_entry_counts(bytes, limits.zip_entries)?;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_excel())?;
    let entries = archive.len() as u64;
    if entries > limits.zip_entries {
        return Err(exceeded(Limit::ZipEntries, entries, limits.zip_entries));
    }
    let mut declared_total: u64 = 0;
    let mut real_total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    let mut merges = MergeCount::default();
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|_| not_excel())?;
        let declared = part.size();
        if declared > limits.part_bytes {
            return Err(exceeded(Limit::PartBytes, declared, limits.part_bytes));
        }
        declared_total = declared_total.saturating_add(declared);
        if declared_total > limits.total_bytes {
            return Err(exceeded(Limit::TotalBytes, declared_total, limits.total_bytes));
        }
        // calamine finds the table by this name, ignoring case and backslashes.
        let mut strings =
            part.name().replace('\\', "/").eq_ignore_ascii_case("xl/sharedStrings.xml").then(SharedStringScan::default);
        // At most `part_bytes + 1` bytes are read: past that the part is refused.
        let mut reader = (&mut part).take(limits.part_bytes + 1);
        let mut real: u64 = 0;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => return Err(not_excel()),
            };
            real += n as u64;
            real_total += n as u64;
            if real > limits.part_bytes {
                return Err(exceeded(Limit::PartBytes, real, limits.part_bytes));
            }
            if real_total > limits.total_bytes {
                return Err(exceeded(Limit::TotalBytes, real_total, limits.total_bytes));
            }
            match &mut strings {
                Some(scan) => scan.feed(&buf[..n], limits)?,
                None => merges.feed(&buf[..n], limits)?,
            }
            budget.check_time()?;
        }
        if let Some(scan) = &strings {
            scan.finish(limits)?;
        }
        merges.tail.clear();
    }
    Ok(())
}

/// Counts `mergeCell` in the parts (a merged region is a `<mergeCell ref="A1:A3"/>` of its
/// worksheet), so that the regions calamine will list stay within the limit. Every
/// occurrence counts, `mergeCells` and text included: never fewer than calamine reads.
#[derive(Debug, Default)]
struct MergeCount {
    /// The last bytes of the previous chunk, for a name split between chunks.
    tail: Vec<u8>,
    count: u64,
}

impl MergeCount {
    const NAME: &'static [u8] = b"mergeCell";

    fn feed(&mut self, data: &[u8], limits: &ReadLimits) -> Result<(), OfficeError> {
        let n = Self::NAME.len();
        let occurrences = |b: &[u8]| b.windows(n).filter(|w| *w == Self::NAME).count() as u64;
        // A name across the boundary lies within the tail (n - 1 bytes) and the first n - 1 bytes.
        let mut seam = std::mem::take(&mut self.tail);
        seam.extend_from_slice(&data[..data.len().min(n - 1)]);
        self.count += occurrences(&seam) + occurrences(data);
        if self.count > limits.merged_regions {
            return Err(exceeded(Limit::MergedRegions, self.count, limits.merged_regions));
        }
        let keep = seam.len().min(n - 1);
        self.tail = if data.len() >= n - 1 {
            data[data.len() - (n - 1)..].to_vec()
        } else {
            seam[seam.len() - keep..].to_vec()
        };
        Ok(())
    }
}

/// The `zip` crate reserves room for the entry count an archive declares before reading
/// any entry, capped only by the directory's offset (up to the file size). A ZIP32 end
/// record declares at most 65,535 entries, which is harmless; a ZIP64 one declares a
/// 64-bit count, so ZIP64 end records are checked here, before the archive is opened.
fn check_zip64_entry_counts(bytes: &[u8], max: u64) -> Result<(), OfficeError> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const LOCATOR: &[u8] = b"PK\x06\x07";
    const EOCD64: &[u8] = b"PK\x06\x06";
    let at = |p: usize, sig: &[u8]| bytes.get(p..p + sig.len()) == Some(sig);
    // `zip` reads ZIP64 records only through a locator right before an end record.
    let zip64 = (20..bytes.len()).any(|p| at(p, EOCD) && at(p - 20, LOCATOR));
    if !zip64 {
        return Ok(());
    }
    let u64_at = |p: usize| bytes.get(p..p + 8).map_or(0, |b| u64::from_le_bytes(b.try_into().unwrap()));
    for p in (0..bytes.len()).filter(|&p| at(p, EOCD64)) {
        // Entries on this disk, then entries in total.
        let count = u64_at(p + 24).max(u64_at(p + 32));
        if count > max {
            return Err(exceeded(Limit::ZipEntries, count, max));
        }
    }
    Ok(())
}

/// Where the lexer of [`SharedStringScan`] is.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum Lex {
    #[default]
    Text,
    /// Right after `<`.
    Open,
    /// Element name of a start (`end == false`) or end tag.
    Name {
        end: bool,
    },
    /// Attributes of a tag, in quotes when `quote != 0`.
    Attrs {
        end: bool,
        quote: u8,
    },
    /// After `<!`, deciding between a comment, CDATA and a declaration.
    Bang,
    Comment,
    CData,
    /// `<?...?>`
    Pi,
    /// `<!DOCTYPE ...>` and the like.
    Decl,
}

/// Streams `xl/sharedStrings.xml` and counts its strings and their characters, the way
/// calamine will read them (text of `<t>` in `<si>`, phonetic runs `<rPh>` left out,
/// an entity counting as one character) but without keeping any text.
///
/// The lexer follows quick-xml's tokenization (quoted attributes, comments, CDATA,
/// processing instructions); where it could differ it sees more text, never less.
#[derive(Debug, Default)]
struct SharedStringScan {
    lex: Lex,
    /// Element name being read (local part, truncated; names that matter are short).
    name: Vec<u8>,
    /// Prefix after `<!`, to tell `<!--` and `<![CDATA[` apart.
    bang: Vec<u8>,
    /// Last two bytes, to find `-->`, `]]>`, `?>` and `/>`.
    tail: [u8; 2],
    in_si: bool,
    in_t: bool,
    in_phonetic: bool,
    in_entity: bool,
    strings: u64,
    chars: u64,
}

impl SharedStringScan {
    fn feed(&mut self, data: &[u8], limits: &ReadLimits) -> Result<(), OfficeError> {
        for &b in data {
            match self.lex {
                Lex::Text => {
                    if b == b'<' {
                        self.lex = Lex::Open;
                        self.in_entity = false;
                    } else if self.in_si && self.in_t && !self.in_phonetic {
                        self.count_char(b);
                    }
                }
                Lex::Open => {
                    self.name.clear();
                    self.lex = match b {
                        b'/' => Lex::Name { end: true },
                        b'!' => {
                            self.bang.clear();
                            Lex::Bang
                        }
                        b'?' => Lex::Pi,
                        _ => {
                            self.name_byte(b);
                            Lex::Name { end: false }
                        }
                    };
                }
                Lex::Name { end } => match b {
                    b'>' => self.tag_closed(end, false, limits)?,
                    b if b.is_ascii_whitespace() || b == b'/' => self.lex = Lex::Attrs { end, quote: 0 },
                    _ => self.name_byte(b),
                },
                Lex::Attrs { end, quote } => match b {
                    b'"' | b'\'' if quote == 0 => self.lex = Lex::Attrs { end, quote: b },
                    b if b == quote => self.lex = Lex::Attrs { end, quote: 0 },
                    b'>' if quote == 0 => self.tag_closed(end, self.tail[1] == b'/', limits)?,
                    _ => {}
                },
                Lex::Bang => {
                    self.bang.push(b);
                    if self.bang == b"--" {
                        self.lex = Lex::Comment;
                        self.tail = [0, 0];
                        continue;
                    } else if self.bang == b"[CDATA[" {
                        self.lex = Lex::CData;
                        self.tail = [0, 0];
                        continue;
                    } else if !b"--".starts_with(&self.bang) && !b"[CDATA[".starts_with(&self.bang) {
                        self.lex = if b == b'>' { Lex::Text } else { Lex::Decl };
                    }
                }
                Lex::Comment if b == b'>' && self.tail == *b"--" => self.lex = Lex::Text,
                Lex::CData if b == b'>' && self.tail == *b"]]" => self.lex = Lex::Text,
                Lex::Pi if b == b'>' && self.tail[1] == b'?' => self.lex = Lex::Text,
                Lex::Decl if b == b'>' => self.lex = Lex::Text,
                Lex::Comment | Lex::CData | Lex::Pi | Lex::Decl => {}
            }
            self.tail = [self.tail[1], b];
        }
        Ok(())
    }

    fn count_char(&mut self, b: u8) {
        if self.in_entity {
            self.in_entity = b != b';';
        } else if b == b'&' {
            self.in_entity = true;
            self.chars += 1;
        } else if b & 0xC0 != 0x80 {
            // Not a UTF-8 continuation byte: a new character.
            self.chars += 1;
        }
    }

    fn name_byte(&mut self, b: u8) {
        if b == b':' {
            // Namespace prefix: keep the local name only.
            self.name.clear();
        } else if self.name.len() < 8 {
            self.name.push(b);
        } else if self.name.len() == 8 {
            // Longer than any name that matters: make sure it matches none.
            self.name.push(0);
        }
    }

    fn tag_closed(&mut self, end: bool, empty: bool, limits: &ReadLimits) -> Result<(), OfficeError> {
        self.lex = Lex::Text;
        let start = !end;
        let stop = end || empty;
        match self.name.as_slice() {
            b"si" => {
                if start {
                    self.strings += 1;
                    if self.strings > limits.cells {
                        return Err(exceeded(Limit::SharedStrings, self.strings, limits.cells));
                    }
                    self.in_si = true;
                    self.chars = 0;
                }
                if stop {
                    self.end_string(limits)?;
                }
            }
            b"t" => self.in_t = start && !stop,
            b"rPh" => self.in_phonetic = start && !stop,
            _ => {}
        }
        Ok(())
    }

    fn end_string(&mut self, limits: &ReadLimits) -> Result<(), OfficeError> {
        self.in_si = false;
        self.in_t = false;
        self.in_phonetic = false;
        if self.chars > limits.cell_chars {
            return Err(exceeded(Limit::CellChars, self.chars, limits.cell_chars));
        }
        Ok(())
    }

    fn finish(&self, limits: &ReadLimits) -> Result<(), OfficeError> {
        if self.in_si && self.chars > limits.cell_chars {
            return Err(exceeded(Limit::CellChars, self.chars, limits.cell_chars));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(xml: &str, chunk: usize, cell_chars: u64) -> Result<u64, OfficeError> {
        let limits = ReadLimits { cell_chars, cells: 3, ..ReadLimits::default() };
        let mut s = SharedStringScan::default();
        for part in xml.as_bytes().chunks(chunk) {
            s.feed(part, &limits)?;
        }
        s.finish(&limits)?;
        Ok(s.strings)
    }

    #[test]
    fn counts_like_calamine_reads() {
        // Both strings have 3 characters: "&中文" and "ab" + "c" (phonetic text, CDATA,
        // comments and attributes left out, namespace prefixes allowed).
        let xml = r#"<?xml version="1.0"?><!-- <si><t>xxxxxx</t></si> --><sst><si><t a=">xxxxxx">&amp;中文</t></si><x:si><x:r><x:t>ab</x:t></x:r><rPh><t>ignored phonetic</t></rPh><r><t xml:space="preserve">c<![CDATA[zzzzzzzz]]></t></r></x:si><si/></sst>"#;
        for chunk in [1, 2, 3, 7, 1000] {
            assert_eq!(scan(xml, chunk, 3).unwrap(), 3, "chunk {chunk}");
            let err = scan(xml, chunk, 2).unwrap_err();
            assert!(matches!(err, OfficeError::LimitExceeded { limit: Limit::CellChars, found: 3, max: 2 }), "{err:?}");
        }
        let long = "<sst><si><t>abc&lt;def</t></si></sst>";
        let err = scan(long, 4, 5).unwrap_err();
        assert!(matches!(err, OfficeError::LimitExceeded { limit: Limit::CellChars, found: 7, max: 5 }), "{err:?}");
        let many = "<sst><si><t>a</t></si><si><t>a</t></si><si><t>a</t></si><si/></sst>";
        let err = scan(many, 5, 5).unwrap_err();
        assert!(matches!(err, OfficeError::LimitExceeded { limit: Limit::SharedStrings, found: 4, max: 3 }), "{err:?}");
    }

    #[test]
    fn counts_merged_regions_across_chunks() {
        let xml = b"<mergeCells><mergeCell ref=\"A1:A2\"/><x:mergeCell ref=\"B1:B2\"/></mergeCells>";
        for chunk in [1, 2, 5, 8, 9, 10, 1000] {
            let mut m = MergeCount::default();
            for part in xml.chunks(chunk) {
                m.feed(part, &ReadLimits::default()).unwrap();
            }
            assert_eq!(m.count, 4, "chunk {chunk}");
        }
    }
}
