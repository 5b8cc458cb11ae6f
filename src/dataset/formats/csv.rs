//! What every CSV reader shares: text decoding, the delimiter, the header, the columns by
//! name, and reading the rows on every core (the `csv` crate parses; the file is cut only
//! between records).

use std::hash::BuildHasher as _;
use std::path::Path;
use std::sync::atomic::Ordering;

use super::emit::{DraftSink, Pos};
use crate::dataset::diagnostic::{LoadProgress, invalid};
use crate::dataset::time::{civil, day_start};
use crate::dataset::{DAY_S, Diagnostic, LoadError, TextLocation};

/// A table's header: its columns and delimiter, all a row needs to be read (and read again,
/// for the panel, long after the load).
#[derive(Clone, Debug)]
pub(crate) struct Header {
    pub delimiter: u8,
    /// The columns' names as written.
    pub header: Vec<String>,
    /// The names lower-cased and trimmed, to look columns up by.
    pub keys: Vec<String>,
}

impl Header {
    /// The cells of `record` as properties named by their columns (a name the dataset format
    /// gives a meaning to tagged with `tag`), those `keep` keeps; none for a `lean` draft.
    pub fn properties<'r>(
        &'r self,
        record: &'r csv::StringRecord,
        tag: &str,
        lean: bool,
        keep: impl Fn(usize) -> bool,
    ) -> Vec<(std::borrow::Cow<'r, str>, super::emit::Value<'r>)> {
        if lean {
            return Vec::new();
        }
        let mut out: Vec<(std::borrow::Cow<'r, str>, super::emit::Value<'r>)> =
            Vec::with_capacity(record.len());
        // The keys so far, by hash: a row of a million cells is checked in linear time.
        let hasher = hashbrown::DefaultHashBuilder::default();
        let mut seen: hashbrown::HashSet<u64> = hashbrown::HashSet::with_capacity(record.len());
        for (i, cell) in record.iter().enumerate().filter(|&(i, _)| keep(i)) {
            // A cell past the header's columns is kept as "column N"; a name the header
            // repeats gets its column's number, so that no key is written twice.
            let mut key = match self.header.get(i) {
                Some(name) => super::emit::column_key(name, tag),
                None => std::borrow::Cow::Owned(format!("column {}", i + 1)),
            };
            if !seen.insert(hasher.hash_one(&*key)) {
                key = std::borrow::Cow::Owned(format!("{key} (column {})", i + 1));
                seen.insert(hasher.hash_one(&*key));
            }
            out.push((key, super::emit::Value::of_cell(cell)));
        }
        out
    }

    /// The index of the first column whose name (any case) is one of `names`.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|name| self.keys.iter().position(|k| k == name))
    }

    /// The one record `row` holds (a row's text, as the load found it). Each thread keeps
    /// one reader for it: building a reader (its parser's tables) costs more than reading a
    /// row, and every feature of a table is read again this way for `check`.
    pub fn record(&self, row: &str) -> Option<csv::StringRecord> {
        type Kept = Option<(u8, csv::Reader<std::io::Cursor<Vec<u8>>>)>;
        thread_local! {
            static READER: std::cell::RefCell<Kept> = const { std::cell::RefCell::new(None) };
        }
        READER.with(|kept| {
            let mut kept = kept.try_borrow_mut().ok()?;
            if kept.as_ref().is_none_or(|(d, _)| *d != self.delimiter) {
                let reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .delimiter(self.delimiter)
                    .from_reader(std::io::Cursor::new(Vec::new()));
                *kept = Some((self.delimiter, reader));
            }
            let (_, reader) = kept.as_mut()?;
            let input = reader.get_mut().get_mut();
            input.clear();
            input.extend_from_slice(row.as_bytes());
            reader
                .seek_raw(std::io::SeekFrom::Start(0), csv::Position::new())
                .ok()?;
            let mut record = csv::StringRecord::new();
            reader.read_record(&mut record).ok()?.then_some(record)
        })
    }
}

/// A CSV file ready to read: its text (decoded), delimiter and header.
#[derive(Debug)]
pub(crate) struct Table<'t> {
    /// The text after the header line.
    pub body: &'t str,
    /// 1-based line the body starts at.
    pub body_line: u32,
    /// The columns and the delimiter.
    pub head: Header,
}

impl std::ops::Deref for Table<'_> {
    type Target = Header;

    fn deref(&self) -> &Header {
        &self.head
    }
}

impl<'t> Table<'t> {
    /// Reads the header of `text` (a byte-order mark already removed).
    ///
    /// # Errors
    /// When there is no header line or it does not read as CSV.
    pub fn new(text: &'t str, origin: Option<&Path>) -> Result<Self, LoadError> {
        let first_end = header_end(text);
        let first = text.get(..first_end).unwrap_or(text);
        let delimiter = sniff(first);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(first.as_bytes());
        let header: Vec<String> = match reader.records().next() {
            Some(Ok(record)) => record.iter().map(str::to_owned).collect(),
            Some(Err(e)) => {
                return Err(invalid(
                    origin,
                    Diagnostic::new(format!("the header line does not read as CSV: {e}"))
                        .at(TextLocation { line: 1, column: 1 }),
                ));
            }
            None => return Err(invalid(origin, Diagnostic::new("the file is empty"))),
        };
        let body = text.get(first_end..).unwrap_or("");
        let body = body
            .strip_prefix("\r\n")
            .or(body.strip_prefix('\n'))
            .or(body.strip_prefix('\r'))
            .unwrap_or(body);
        let body_line = 1 + u32::try_from(line_breaks(text, 0, first.len())).unwrap_or(0) + 1;
        let keys = header
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        Ok(Self {
            body,
            body_line,
            head: Header {
                delimiter,
                header,
                keys,
            },
        })
    }

    /// Reads every row on every core: the body is cut into pieces between records, each
    /// piece read into its own sink (`sink(k)` for piece `k`), row by row with `row`
    /// (given the record, its first line and its text). The sinks come back in file order.
    ///
    /// # Errors
    /// Only [`LoadError::Cancelled`].
    pub fn read_rows<S, R>(
        &self,
        progress: &LoadProgress,
        sink: impl Fn(usize) -> S + Sync,
        row: R,
    ) -> Result<Vec<S>, LoadError>
    where
        S: DraftSink + Send,
        R: Fn(&csv::StringRecord, u32, &'t str, &mut S) + Sync,
    {
        progress.total.store(self.body.len(), Ordering::Relaxed);
        let pieces = split(
            self.body,
            crate::parallel::threads_for(self.body.len(), 1 << 22),
            self.delimiter,
        );
        let row = &row;
        let sink = &sink;
        let read = |(k, (text, first_line)): (usize, (&'t str, u32))| -> Result<S, LoadError> {
            let mut out = sink(k);
            let mut rows = 0usize;
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(self.delimiter)
                .from_reader(text.as_bytes());
            let mut record = csv::StringRecord::new();
            let mut done = 0;
            // The csv crate counts records, not the line breaks inside quoted fields: lines
            // are counted here from the records' byte offsets.
            let (mut counted_to, mut line_at) = (0usize, first_line);
            let mut line_of = |byte: usize| {
                // A record's position may be the line break ending the record before (after
                // a `\r`) or blank lines skipped: its first line is that of its first byte.
                let mut byte = byte.min(text.len());
                while let Some(b'\r' | b'\n') = text.as_bytes().get(byte) {
                    byte += 1;
                }
                if byte > counted_to {
                    let breaks = line_breaks(text, counted_to, byte);
                    line_at += u32::try_from(breaks).unwrap_or(0);
                    counted_to = byte;
                }
                line_at
            };
            loop {
                match reader.read_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {
                        let at = record.position().map_or(0, csv::Position::byte);
                        // A record's position may be the line break ending the one before
                        // (after a `\r`) or blank lines skipped: it starts after them.
                        let mut at = usize::try_from(at).unwrap_or(0).min(text.len());
                        while let Some(b'\r' | b'\n') = text.as_bytes().get(at) {
                            at += 1;
                        }
                        let line = line_of(at);
                        if record.iter().all(|c| c.trim().is_empty()) {
                            continue;
                        }
                        let end = usize::try_from(reader.position().byte()).unwrap_or(at);
                        let own = text.get(at..end.max(at)).unwrap_or("");
                        // A quote opened and never closed runs to the end of the file: the
                        // csv crate takes it all as one field; say so rather than lose rows.
                        if end >= text.len()
                            && memchr::memchr_iter(b'"', own.as_bytes()).count() % 2 == 1
                        {
                            let spans = line_breaks(own, 0, own.trim_end().len());
                            let last = line + u32::try_from(spans).unwrap_or(0);
                            out.warn(
                                line,
                                None,
                                format!(
                                    "a quote opened on this row is never closed: lines \
                                     {line}–{last} were read as this one row"
                                ),
                            );
                        }
                        row(&record, line, own, &mut out);
                    }
                    Err(e) => {
                        let at = e.position().map_or(0, csv::Position::byte);
                        let line = line_of(usize::try_from(at).unwrap_or(0));
                        out.warn(line, None, format!("the row does not read as CSV: {e}"));
                    }
                }
                rows += 1;
                if rows.is_multiple_of(4096) {
                    let at = usize::try_from(reader.position().byte()).unwrap_or(0);
                    progress.done.fetch_add(at - done, Ordering::Relaxed);
                    done = at;
                    if progress.is_cancelled() {
                        return Err(LoadError::Cancelled);
                    }
                }
            }
            Ok(out)
        };
        let pieces: Vec<(&str, u32)> = pieces
            .into_iter()
            .map(|(text, line)| (text, line + self.body_line - 1))
            .collect();
        let results: Vec<Result<S, LoadError>> = if pieces.len() <= 1 {
            pieces.into_iter().enumerate().map(read).collect()
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = pieces
                    .into_iter()
                    .enumerate()
                    .map(|piece| scope.spawn(move || read(piece)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| crate::parallel::joined(h.join()))
                    .collect()
            })
        };
        results.into_iter().collect()
    }
}

/// How many line breaks `text[from..to]` holds: `\n`, `\r\n`, or a `\r` alone (old Mac
/// exports, Excel's "CSV (Macintosh)"), a `\r` judged by the byte after it in `text`.
pub(crate) fn line_breaks(text: &str, from: usize, to: usize) -> usize {
    let bytes = text.as_bytes();
    let to = to.min(bytes.len());
    let Some(slice) = bytes.get(from..to) else {
        return 0;
    };
    memchr::memchr2_iter(b'\n', b'\r', slice)
        .filter(|&i| slice.get(i) == Some(&b'\n') || bytes.get(from + i + 1) != Some(&b'\n'))
        .count()
}

/// Byte offsets of `text`'s line starts (0 first), a line ending as [`line_breaks`] says.
pub(crate) fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    std::iter::once(0)
        .chain(
            memchr::memchr2_iter(b'\n', b'\r', bytes)
                .filter(|&i| bytes.get(i) == Some(&b'\n') || bytes.get(i + 1) != Some(&b'\n'))
                .map(|i| i + 1),
        )
        .collect()
}

/// Whether a `"` stands inside an unquoted field (`5" shell`): the csv crate keeps it as
/// text, but it would throw off the count of quotes the file is cut by.
fn has_bare_quote(bytes: &[u8], delimiter: u8) -> bool {
    let boundary = |b: Option<&u8>| match b {
        None | Some(b'\n' | b'\r' | b'"') => true,
        Some(&b) => b == delimiter,
    };
    memchr::memchr_iter(b'"', bytes).any(|i| {
        let before = i.checked_sub(1).and_then(|j| bytes.get(j));
        !(boundary(before) || boundary(bytes.get(i + 1)))
    })
}

/// Where the header line ends: the first line break outside quotes.
fn header_end(text: &str) -> usize {
    let mut quoted = false;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => return i,
            _ => {}
        }
    }
    text.len()
}

/// The delimiter of a header line: the most frequent of `,`, `;` and tab outside quotes
/// (`,` when none occurs).
pub(crate) fn sniff(line: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in line.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// `body` cut into about `n` pieces at line breaks outside quotes (an even number of `"`
/// before them: CSV escapes a quote by doubling it), each with its first line (1-based,
/// counted in `body`).
fn split(body: &str, n: usize, delimiter: u8) -> Vec<(&str, u32)> {
    let bytes = body.as_bytes();
    if n <= 1 || bytes.len() < 1 << 16 || has_bare_quote(bytes, delimiter) {
        return vec![(body, 1)];
    }
    let step = bytes.len() / n;
    let mut pieces = Vec::with_capacity(n);
    let (mut start, mut line, mut quotes) = (0usize, 1u32, 0usize);
    for k in 1..n {
        let target = (k * step).max(start);
        quotes += memchr::memchr_iter(b'"', &bytes[start..target]).count();
        let mut at = target;
        let mut cut = None;
        while let Some(i) = memchr::memchr2(b'\n', b'"', &bytes[at..]) {
            let i = at + i;
            if bytes[i] == b'"' {
                quotes += 1;
            } else if quotes % 2 == 0 {
                cut = Some(i + 1);
                break;
            }
            at = i + 1;
        }
        let Some(cut) = cut else { break };
        let piece = &body[start..cut];
        pieces.push((piece, line));
        line += u32::try_from(line_breaks(body, start, cut)).unwrap_or(0);
        // The quotes between the target and the cut were counted; those before the
        // target in this piece too. Start the next count at the cut.
        start = cut;
    }
    pieces.push((&body[start..], line));
    pieces
}

/// Text decoded, and where it starts after a byte-order mark: UTF-8 (kept as it is, not
/// copied), else Windows-1252 (Latin-1's superset, which older ACLED exports are in), with a
/// warning saying so.
pub(crate) fn decode(bytes: Vec<u8>) -> (String, usize, Option<Diagnostic>) {
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    for (bom, encoding) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
    ] {
        if bytes.starts_with(bom) {
            let (text, _, bad) = encoding.decode(&bytes);
            let note = format!(
                "the file is {}; it was read as such{}",
                encoding.name(),
                if bad {
                    " (some bytes did not read and were replaced)"
                } else {
                    ""
                }
            );
            return (text.into_owned(), 0, Some(Diagnostic::new(note)));
        }
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, start, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let body = bytes.get(start..).unwrap_or(bytes);
            let text = encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(body)
                .0;
            let location = TextLocation::of_offset(&text, at.saturating_sub(start));
            (
                text.into_owned(),
                0,
                Some(
                    Diagnostic::new("the file is not UTF-8; it was read as Latin-1 (Windows-1252)")
                        .at(location),
                ),
            )
        }
    }
}

/// A coordinate cell: a decimal number, with a decimal comma when the delimiter is `;`.
pub(crate) fn number(cell: &str, delimiter: u8) -> Option<f64> {
    let cell = cell.trim();
    let parsed = if delimiter == b';' && cell.contains(',') && !cell.contains('.') {
        cell.replace(',', ".").parse().ok()
    } else {
        cell.parse().ok()
    };
    parsed.filter(|v: &f64| v.is_finite())
}

/// The point of a row's latitude and longitude cells, or a warning's wording and column.
pub(crate) fn point_of(
    record: &csv::StringRecord,
    lat: usize,
    lon: usize,
    table: &Header,
) -> Result<Pos, (String, String)> {
    let cell = |i: usize| record.get(i).unwrap_or("");
    let name = |i: usize| table.header.get(i).cloned().unwrap_or_default();
    let read = |i: usize| {
        number(cell(i), table.delimiter).ok_or_else(|| {
            let c = cell(i).trim();
            let why = if c.is_empty() {
                "is empty".to_owned()
            } else {
                format!("{c:?} is not a number")
            };
            (format!("no coordinates: the {} {why}", name(i)), name(i))
        })
    };
    let (y, x) = (read(lat)?, read(lon)?);
    let blamed = if (-90.0..=90.0).contains(&y) {
        lon
    } else {
        lat
    };
    Pos::checked(x, y, None).map_err(|why| (why, name(blamed)))
}

/// A date as ACLED, UCDP and spreadsheets write it (`2016-08-16`, `2016-08-16 00:00:00.000`,
/// `16 August 2016`, `16-Aug-2016`, `16/08/2016`): year, month, day.
pub(crate) fn loose_date(text: &str) -> Option<(i64, u8, u8)> {
    let text = text.trim();
    let date = text.split([' ', 'T']).next().unwrap_or(text);
    let ymd = |y: &str, m: &str, d: &str| -> Option<(i64, u8, u8)> {
        let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        day_start(y, m, d).map(|_| (y, m, d))
    };
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    if let [y, m, d] = parts[..]
        && y.len() == 4
    {
        return ymd(y, m, d);
    }
    if let [d, m, y] = parts[..]
        && y.len() == 4
    {
        if let Some(m) = month(m) {
            return ymd(y, &m.to_string(), d);
        }
        // Day first, as most of the world writes it; month first only when the first
        // number cannot be a month's day order (`08/16/2016`).
        return ymd(y, m, d).or_else(|| ymd(y, d, m));
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if let [d, m, y] = words[..] {
        return ymd(y, &month(m)?.to_string(), d);
    }
    None
}

/// A spreadsheet's date, with its time of day when it has one, as ISO 8601
/// (`2016-08-16 06:30` → `2016-08-16T06:30`; `16.08.2016` → `2016-08-16`).
pub(crate) fn loose_datetime(text: &str) -> Option<String> {
    let text = text.trim();
    let day = loose_date(text)?;
    let time = text
        .split_once(['T', ' '])
        .map(|(_, t)| t.trim())
        .filter(|t| is_time(t));
    Some(match time {
        Some(t) => format!("{}T{t}", day_text(day)),
        None => day_text(day),
    })
}

/// `hh:mm`, `hh:mm:ss` or `hh:mm:ss.fff`.
fn is_time(t: &str) -> bool {
    let (hms, frac) = t.split_once('.').unwrap_or((t, ""));
    let parts: Vec<&str> = hms.split(':').collect();
    let two = |p: &str, max: u8| p.len() == 2 && p.parse::<u8>().is_ok_and(|n| n <= max);
    let fields = match parts[..] {
        [h, m] => two(h, 23) && two(m, 59) && frac.is_empty(),
        [h, m, s] => two(h, 23) && two(m, 59) && two(s, 60),
        _ => false,
    };
    fields && frac.bytes().all(|b| b.is_ascii_digit())
}

fn month(name: &str) -> Option<u8> {
    if name.len() < 3 {
        return None;
    }
    crate::dataset::time::MONTHS
        .iter()
        .position(|m| {
            m.get(..name.len())
                .is_some_and(|m| m.eq_ignore_ascii_case(name))
        })
        .and_then(|i| u8::try_from(i + 1).ok())
}

/// `yyyy-mm-dd`.
pub(crate) fn day_text((y, m, d): (i64, u8, u8)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// The EDTF interval of the `days` days either side of a day.
pub(crate) fn days_around((y, m, d): (i64, u8, u8), days: i64) -> Option<String> {
    let at = day_start(y, m, d)?;
    let from = civil(at - days * DAY_S);
    let to = civil(at + days * DAY_S);
    Some(format!("{}/{}", day_text(from), day_text(to)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_sniffed_outside_quotes() {
        assert_eq!(sniff("a,b,c"), b',');
        assert_eq!(sniff("a;b;\"c,d,e,f\""), b';');
        assert_eq!(sniff("a\tb\tc,d"), b'\t');
        assert_eq!(sniff("single"), b',');
    }

    #[test]
    fn dates_read_in_every_generation() {
        for text in [
            "2016-08-16",
            "16 August 2016",
            "16/08/2016",
            "16-Aug-2016",
            "2016-08-16 00:00:00.000",
        ] {
            assert_eq!(loose_date(text), Some((2016, 8, 16)), "{text}");
        }
        for bad in ["2016-02-30", "16 Augustus 2016", "yesterday", "16/08/16"] {
            assert_eq!(loose_date(bad), None, "{bad}");
        }
        assert_eq!(
            days_around((2016, 8, 30), 3).as_deref(),
            Some("2016-08-27/2016-09-02")
        );
        assert_eq!(loose_date("08/16/2016"), Some((2016, 8, 16)), "month first");
        assert_eq!(loose_date("05/06/2016"), Some((2016, 6, 5)), "day first");
        for (text, iso) in [
            ("2016-08-16 06:30", "2016-08-16T06:30"),
            ("16.08.2016 06:30:15", "2016-08-16T06:30:15"),
            ("16/08/2016", "2016-08-16"),
            ("2016-08-16 00:00:00.000", "2016-08-16T00:00:00.000"),
            ("16 August 2016", "2016-08-16"),
        ] {
            assert_eq!(loose_datetime(text).as_deref(), Some(iso), "{text}");
        }
    }

    #[test]
    fn pieces_end_between_records() {
        let row = "1,\"a\nb\",\"x\"\"y\"\n";
        let body = row.repeat(20_000);
        for n in [2, 3, 7] {
            let pieces = split(&body, n, b',');
            assert_eq!(pieces.iter().map(|p| p.0).collect::<String>(), body);
            // A bare quote would throw the quote count off: such a file is not cut.
            let bare = format!("0,5\" shell\n{body}");
            assert_eq!(split(&bare, n, b',').len(), 1);
            for (piece, line) in &pieces {
                assert!(piece.starts_with("1,\"a"), "{n}");
                assert_eq!((line - 1) % 2, 0);
            }
        }
    }

    #[test]
    fn line_breaks_of_every_platform() {
        let text = "a\nb\r\nc\rd\r\n";
        assert_eq!(line_breaks(text, 0, text.len()), 4);
        assert_eq!(line_starts(text), vec![0, 2, 5, 7, 10]);
        // A `\r\n` cut between its bytes counts once, in the piece that ends with `\n`.
        assert_eq!(
            line_breaks(text, 0, 4) + line_breaks(text, 4, text.len()),
            4
        );
        assert!(has_bare_quote(b"a,5\" shell,b", b','));
        assert!(!has_bare_quote(b"a,\"x \"\"y\"\" z\",b\n\"c\"", b','));
    }

    #[test]
    fn decimal_commas_with_semicolons() {
        assert_eq!(number("35,336", b';'), Some(35.336));
        assert_eq!(number(" 40.1 ", b','), Some(40.1));
        assert_eq!(number("35,336", b','), None);
    }
}

#[cfg(test)]
mod line_tests {
    use super::super::emit::Emitted;
    use super::*;

    #[test]
    fn rows_know_their_first_line() {
        let text = "a,b\r\n1,\"x\ny\"\r\n2,z\r\n\r\n3,w\n";
        let table = Table::new(text, None).map_err(|e| e.to_string());
        let Ok(table) = table else {
            panic!("{table:?}")
        };
        let pieces = table.read_rows(
            &LoadProgress::default(),
            |_| Emitted::default(),
            |r, line, own, out: &mut Emitted| {
                assert!(own.starts_with(r.get(0).unwrap_or("?")), "{own:?}");
                out.lines.push(line);
                out.warnings.push(Diagnostic::new(r.get(0).unwrap_or("")));
            },
        );
        let lines: Vec<(String, u32)> = pieces
            .unwrap_or_default()
            .into_iter()
            .flat_map(|e| {
                e.warnings
                    .into_iter()
                    .map(|w| w.message)
                    .zip(e.lines)
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(
            lines,
            vec![
                ("1".to_owned(), 2),
                ("2".to_owned(), 4),
                ("3".to_owned(), 6)
            ]
        );
    }
}
