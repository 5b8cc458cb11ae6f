//! Captures on disk: a source's saved copies, kept in a `captures/` folder beside the
//! dataset under a name made of their SHA-256, never changed or overwritten once there; how
//! a file is hashed (as a stream, with progress, cancellable), copied in, and checked again
//! against its record. Knows the model's [`Capture`] record and the file system, nothing
//! of the screen.

use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use sha2::Digest as _;

use super::model::Capture;

/// The folder beside the dataset that holds its captures.
pub const CAPTURES_DIR: &str = "captures";

/// How much of a file is read at a time while hashing or copying it.
const CHUNK: usize = 1 << 20;

/// A SHA-256 digest; shown as 64 lowercase hexadecimal digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sha256(pub [u8; 32]);

impl Sha256 {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self(sha2::Sha256::digest(bytes).into())
    }

    /// Reads a recorded digest: 64 hexadecimal digits in either case, optionally after
    /// `sha256:` (the `algorithm:hash` form some archivers write). `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let hex = text
            .get(..7)
            .filter(|p| p.eq_ignore_ascii_case("sha256:"))
            .map_or(text, |_| &text[7..]);
        if hex.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
            let digit = |c: u8| char::from(c).to_digit(16);
            *byte = u8::try_from(digit(pair[0])? * 16 + digit(pair[1])?).ok()?;
        }
        Some(Self(out))
    }
}

impl fmt::Display for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// How far a hash or a copy has gone, and whether to stop: shared with the thread that
/// does it.
#[derive(Debug, Default)]
pub struct CaptureProgress {
    /// Bytes read so far.
    pub read: AtomicU64,
    /// The file's size, once known.
    pub total: AtomicU64,
    /// Set to stop; the work ends with [`CaptureError::Cancelled`].
    pub cancelled: AtomicBool,
}

/// Why a capture could not be hashed or kept.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The file could not be read.
    #[error("{}: cannot be read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The path names a folder, a pipe or a device, not a file.
    #[error("{}: is {what}, not a file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is instead ("a folder").
        what: &'static str,
    },
    /// The captures folder, or the copy in it, could not be written.
    #[error("{}: cannot be written: {source}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file of the capture's name is already in the folder with other content: it is
    /// left as it is.
    #[error(
        "{}: already holds a file whose SHA-256 is {found}, not {expected}; it is left as it is",
        path.display()
    )]
    Conflict {
        /// The file in the captures folder.
        path: PathBuf,
        /// The digest of the file being kept.
        expected: Sha256,
        /// The digest of the file found there.
        found: Sha256,
    },
    /// The user stopped it.
    #[error("cancelled")]
    Cancelled,
}

/// Opens `path` for reading if it is a regular file (a pipe would block, a folder has no
/// bytes to hash); gives its size.
fn open_file(path: &Path) -> Result<(std::fs::File, u64), CaptureError> {
    let read = |source| CaptureError::Read {
        path: path.to_owned(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read)?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a folder"
        } else {
            "a pipe, a socket or a device"
        };
        return Err(CaptureError::NotAFile {
            path: path.to_owned(),
            what,
        });
    }
    let file = std::fs::File::open(path).map_err(read)?;
    Ok((file, meta.len()))
}

/// Hashes everything `reader` gives, a chunk at a time (memory stays flat whatever the
/// size), passing each chunk to `also`; gives the digest and the byte count.
fn hash_stream(
    mut reader: impl Read,
    progress: Option<&CaptureProgress>,
    mut also: impl FnMut(&[u8]) -> Result<(), CaptureError>,
    path: &Path,
) -> Result<(Sha256, u64), CaptureError> {
    let mut hasher = sha2::Sha256::new();
    let mut buffer = vec![0u8; CHUNK];
    let mut bytes = 0u64;
    loop {
        if progress.is_some_and(|p| p.cancelled.load(Ordering::Relaxed)) {
            return Err(CaptureError::Cancelled);
        }
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(source) => {
                return Err(CaptureError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        let chunk = &buffer[..n];
        hasher.update(chunk);
        also(chunk)?;
        bytes += n as u64;
        if let Some(p) = progress {
            p.read.fetch_add(n as u64, Ordering::Relaxed);
        }
    }
    Ok((Sha256(hasher.finalize().into()), bytes))
}

/// The SHA-256 and size of the file at `path`, read as a stream.
///
/// # Errors
/// When it is no regular file or cannot be read; [`CaptureError::Cancelled`] when stopped.
pub fn hash_file(
    path: &Path,
    progress: Option<&CaptureProgress>,
) -> Result<(Sha256, u64), CaptureError> {
    let (file, len) = open_file(path)?;
    if let Some(p) = progress {
        p.total.store(len, Ordering::Relaxed);
    }
    hash_stream(file, progress, |_| Ok(()), path)
}

/// The media type a file holds, from its first bytes, else its name's extension; `None`
/// when neither tells.
pub fn media_type_of(name: &Path, head: &[u8]) -> Option<&'static str> {
    let starts = |p: &[u8]| head.starts_with(p);
    let by_bytes = if starts(b"%PDF-") {
        Some("application/pdf")
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if starts(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if starts(b"WARC/") {
        Some("application/warc")
    } else {
        None
    };
    if by_bytes.is_some() {
        return by_bytes;
    }
    let ext = name
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)?;
    Some(match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "html" | "htm" => "text/html",
        "xhtml" => "application/xhtml+xml",
        "mht" | "mhtml" => "multipart/related",
        "txt" | "text" => "text/plain",
        "warc" => "application/warc",
        "wacz" => "application/wacz",
        "mp4" => "video/mp4",
        "json" => "application/json",
        _ => return None,
    })
}

/// The extension a kept copy is given: the original's, lowercased, if it is short and
/// plain (so the system viewer knows the file), else none.
fn kept_extension(original: &Path) -> Option<String> {
    let ext = original.extension()?.to_str()?;
    (1..=5)
        .contains(&ext.len())
        .then(|| ext.to_ascii_lowercase())
        .filter(|e| e.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The instant `at` (seconds since 1970, UTC) as ISO 8601: `2016-08-16T09:30:00Z`.
pub fn utc_timestamp(at: i64) -> String {
    let (y, m, d) = super::time::civil(at);
    let s = at.rem_euclid(super::time::DAY_S);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// Now, as [`utc_timestamp`] writes it.
pub fn utc_now() -> String {
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    utc_timestamp(at)
}

/// Today's date in UTC (`2016-08-16`), as a source's `accessed` records it.
pub fn utc_today() -> String {
    let mut now = utc_now();
    now.truncate(10);
    now
}

/// Copies the file `original` into the captures folder of `dataset_dir`, under a name made
/// of its SHA-256, and gives the record of it (`captured_at` and `captured_by` as given).
///
/// The copy is hashed as it is written, to a temporary file that is flushed to disk and
/// then linked under its final name, which fails rather than replace a file there: a kill
/// leaves at most a temporary file, never a partial capture. A file already kept under that
/// name is hashed again: the same bytes are kept once (the record points at it), other
/// bytes are a [`CaptureError::Conflict`] and nothing is changed. The kept copy is made
/// read-only.
///
/// # Errors
/// When the original cannot be read, the folder cannot be written, or the name is taken
/// by other bytes; [`CaptureError::Cancelled`] when stopped (the temporary file removed).
pub fn keep_capture(
    dataset_dir: &Path,
    original: &Path,
    captured_at: String,
    captured_by: Option<String>,
    progress: Option<&CaptureProgress>,
) -> Result<Capture, CaptureError> {
    let (source, len) = open_file(original)?;
    if let Some(p) = progress {
        p.total.store(len, Ordering::Relaxed);
    }
    let dir = dataset_dir.join(CAPTURES_DIR);
    let write = |path: &Path| {
        let path = path.to_owned();
        move |source| CaptureError::Write { path, source }
    };
    std::fs::create_dir_all(&dir).map_err(write(&dir))?;
    let (temp_file, temp) = temporary_in(&dir).map_err(write(&dir))?;
    let result = copy_hashed(source, temp_file, &temp, original, progress);
    let (digest, bytes, head) = match result {
        Ok(done) => done,
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
    };
    let name = match kept_extension(original) {
        Some(ext) => format!("{digest}.{ext}"),
        None => digest.to_string(),
    };
    let kept = dir.join(&name);
    let placed = place_without_overwriting(&temp, &kept, digest);
    let _ = std::fs::remove_file(&temp);
    placed?;
    Ok(Capture {
        sha256: Some(digest.to_string()),
        file: Some(format!("{CAPTURES_DIR}/{name}")),
        media_type: media_type_of(original, &head).map(str::to_owned),
        bytes: Some(bytes),
        captured_at: Some(captured_at),
        captured_by,
        other: Vec::new(),
    })
}

/// A new temporary file in `dir`, open for writing, and its path.
fn temporary_in(dir: &Path) -> std::io::Result<(std::fs::File, PathBuf)> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    for n in 0u32..1000 {
        let path = dir.join(format!(".incoming-{}-{stamp}-{n}", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free temporary name"))
}

/// Copies `source` into `temp` (at `temp_path`), hashing it; flushes it to disk. Gives the
/// digest, the size and the first bytes (for the media type).
fn copy_hashed(
    source: std::fs::File,
    temp: std::fs::File,
    temp_path: &Path,
    original: &Path,
    progress: Option<&CaptureProgress>,
) -> Result<(Sha256, u64, Vec<u8>), CaptureError> {
    let mut out = std::io::BufWriter::with_capacity(CHUNK, &temp);
    let mut head = Vec::new();
    let failed = |source| CaptureError::Write {
        path: temp_path.to_owned(),
        source,
    };
    let (digest, bytes) = hash_stream(
        source,
        progress,
        |chunk| {
            if head.len() < 16 {
                head.extend(chunk.iter().take(16 - head.len()));
            }
            out.write_all(chunk).map_err(failed)
        },
        original,
    )?;
    out.flush().map_err(failed)?;
    drop(out);
    temp.sync_all().map_err(failed)?;
    Ok((digest, bytes, head))
}

/// Puts the finished temporary file under `kept`, never replacing a file there: one with
/// the same digest is the same capture, kept once; one with another is a conflict.
fn place_without_overwriting(temp: &Path, kept: &Path, digest: Sha256) -> Result<(), CaptureError> {
    let write = |source| CaptureError::Write {
        path: kept.to_owned(),
        source,
    };
    let already_there = || match hash_file(kept, None) {
        Ok((found, _)) if found == digest => Ok(()),
        Ok((found, _)) => Err(CaptureError::Conflict {
            path: kept.to_owned(),
            expected: digest,
            found,
        }),
        Err(e) => Err(e),
    };
    // A hard link is made only if the name is free (no race with another writer); where
    // the file system has none, the name is checked, then the file renamed.
    match std::fs::hard_link(temp, kept) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return already_there(),
        Err(_) if kept.symlink_metadata().is_ok() => return already_there(),
        Err(_) => std::fs::rename(temp, kept).map_err(write)?,
    }
    if let Ok(meta) = std::fs::metadata(kept) {
        let mut permissions = meta.permissions();
        permissions.set_readonly(true);
        let _ = std::fs::set_permissions(kept, permissions);
    }
    if let Some(dir) = kept.parent()
        && let Ok(dir) = std::fs::File::open(dir)
    {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// What checking a capture against its record found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaptureState {
    /// The file is there and has the recorded SHA-256 (and size, if recorded).
    Intact,
    /// The record names no file, or no hash, or a hash that is not 64 hexadecimal digits.
    BadRecord(String),
    /// No file at the recorded place.
    Missing(PathBuf),
    /// The place holds a folder or another thing that is no file.
    NotAFile(PathBuf, &'static str),
    /// The file cannot be read.
    Unreadable(PathBuf, String),
    /// The file's SHA-256 is not the recorded one.
    Changed {
        /// The file.
        path: PathBuf,
        /// Its SHA-256 now.
        found: Sha256,
        /// Its size now.
        bytes: u64,
    },
    /// The hash matches but the recorded size does not.
    WrongSize {
        /// The size found.
        bytes: u64,
    },
}

/// Where a capture's file is: its recorded path, relative to the dataset's folder `dir`
/// (forward slashes as written on any system).
pub fn capture_path(dir: &Path, file: &str) -> PathBuf {
    let mut path = dir.to_owned();
    for part in file
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
    {
        path.push(part);
    }
    path
}

/// A capture's file as found on disk: its digest and size, or why there are none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileFound {
    /// Read and hashed.
    Hashed(Sha256, u64),
    /// Nothing at the path.
    Missing,
    /// A folder or another thing that is no file (what it is).
    NotAFile(&'static str),
    /// It could not be read (why).
    Unreadable(String),
}

/// Reads and hashes the file at `path` as a stream.
pub fn find_file(path: &Path) -> FileFound {
    match hash_file(path, None) {
        Ok((digest, bytes)) => FileFound::Hashed(digest, bytes),
        Err(CaptureError::NotAFile { what, .. }) => FileFound::NotAFile(what),
        Err(CaptureError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            FileFound::Missing
        }
        Err(e) => FileFound::Unreadable(e.to_string()),
    }
}

/// The path of `capture`'s file in the dataset's folder `dir`, or why the record cannot
/// be checked (no file, no hash, or a malformed one).
///
/// # Errors
/// [`CaptureState::BadRecord`], saying what the record lacks.
pub fn record_path(dir: &Path, capture: &Capture) -> Result<(PathBuf, Sha256), CaptureState> {
    let Some(file) = capture.file.as_deref().filter(|f| !f.trim().is_empty()) else {
        return Err(CaptureState::BadRecord(
            "the capture record names no file".to_owned(),
        ));
    };
    let Some(recorded) = capture.sha256.as_deref() else {
        return Err(CaptureState::BadRecord(format!(
            "the capture record of {file} has no sha256"
        )));
    };
    let Some(expected) = Sha256::parse(recorded) else {
        return Err(CaptureState::BadRecord(format!(
            "the capture record of {file} has a malformed sha256 {recorded:?} (64 hexadecimal digits expected)"
        )));
    };
    Ok((capture_path(dir, file), expected))
}

/// What `found` (the file at `path`) says of `capture`, whose recorded digest is `expected`.
pub fn judge(capture: &Capture, path: &Path, expected: Sha256, found: &FileFound) -> CaptureState {
    match *found {
        FileFound::Hashed(digest, bytes) if digest != expected => CaptureState::Changed {
            path: path.to_owned(),
            found: digest,
            bytes,
        },
        FileFound::Hashed(_, bytes) if capture.bytes.is_some_and(|b| b != bytes) => {
            CaptureState::WrongSize { bytes }
        }
        FileFound::Hashed(..) => CaptureState::Intact,
        FileFound::Missing => CaptureState::Missing(path.to_owned()),
        FileFound::NotAFile(what) => CaptureState::NotAFile(path.to_owned(), what),
        FileFound::Unreadable(ref why) => CaptureState::Unreadable(path.to_owned(), why.clone()),
    }
}

/// Checks `capture` against the file it names in the dataset's folder `dir`: hashes the
/// file as a stream.
pub fn check_capture(dir: &Path, capture: &Capture) -> CaptureState {
    match record_path(dir, capture) {
        Ok((path, expected)) => judge(capture, &path, expected, &find_file(&path)),
        Err(bad) => bad,
    }
}

impl CaptureState {
    /// Whether the file holds what the record says it does (a wrong recorded size aside).
    pub fn holds_recorded_bytes(&self) -> bool {
        matches!(self, Self::Intact | Self::WrongSize { .. })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// FIPS 180-2's examples and the empty message.
    #[test]
    fn known_sha256_vectors() {
        let cases: [(&[u8], &str); 3] = [
            (
                b"",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                b"abc",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            ),
        ];
        for (message, hex) in cases {
            assert_eq!(Sha256::of(message).to_string(), hex);
            assert_eq!(Sha256::parse(hex), Some(Sha256::of(message)));
        }
        // A million "a", hashed as a stream in chunks smaller than the message.
        let million = vec![b'a'; 1_000_000];
        let (digest, bytes) = hash_stream(
            std::io::Cursor::new(&million),
            None,
            |_| Ok(()),
            Path::new("a"),
        )
        .unwrap();
        assert_eq!(bytes, 1_000_000);
        assert_eq!(
            digest.to_string(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    #[test]
    fn recorded_hashes_are_read_strictly() {
        let hex = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
        assert_eq!(Sha256::parse(hex), Some(Sha256::of(b"abc")));
        assert_eq!(
            Sha256::parse(&format!("sha256:{}", hex.to_lowercase())),
            Some(Sha256::of(b"abc"))
        );
        for bad in [
            "",
            "abc",
            &hex[1..],
            &format!("{hex}0"),
            &hex.replace('A', "g"),
        ] {
            assert_eq!(Sha256::parse(bad), None, "{bad}");
        }
        // Multibyte text of the right byte length is no hash, and no panic.
        assert_eq!(Sha256::parse(&"é".repeat(32)), None);
    }

    #[test]
    fn timestamps_are_utc() {
        assert_eq!(utc_timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_timestamp(1_471_339_800), "2016-08-16T09:30:00Z");
    }

    fn folder(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("sortie-capture-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_capture_is_kept_by_its_hash_and_checked() {
        let dir = folder("keep");
        let original = dir.join("Page Saved.HTML");
        std::fs::write(&original, b"<html><p>Tu-22M3 bombers</p></html>").unwrap();
        let capture = keep_capture(
            &dir,
            &original,
            "2016-08-16T09:30:00Z".into(),
            Some("A. Editor".into()),
            None,
        )
        .unwrap();
        let digest = Sha256::of(b"<html><p>Tu-22M3 bombers</p></html>");
        assert_eq!(capture.sha256, Some(digest.to_string()));
        assert_eq!(capture.file, Some(format!("captures/{digest}.html")));
        assert_eq!(capture.media_type.as_deref(), Some("text/html"));
        assert_eq!(capture.bytes, Some(35));
        assert_eq!(check_capture(&dir, &capture), CaptureState::Intact);
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.join(CAPTURES_DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_captures_folder_is_never_overwritten() {
        let dir = folder("overwrite");
        let original = dir.join("shot.png");
        std::fs::write(&original, b"\x89PNG\r\n\x1a\nfirst").unwrap();
        let first = keep_capture(&dir, &original, "t".into(), None, None).unwrap();
        assert_eq!(first.media_type.as_deref(), Some("image/png"));
        // The same bytes again: the same record, the one file kept.
        let again = keep_capture(&dir, &original, "t".into(), None, None).unwrap();
        assert_eq!(again.file, first.file);
        // Another file's bytes placed under the first one's name (a damaged or altered
        // folder): keeping the original again refuses and leaves that file as it is.
        let kept = capture_path(&dir, first.file.as_deref().unwrap());
        let mut permissions = std::fs::metadata(&kept).unwrap().permissions();
        assert!(permissions.readonly());
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(false);
        std::fs::set_permissions(&kept, permissions).unwrap();
        std::fs::write(&kept, b"altered").unwrap();
        let error = keep_capture(&dir, &original, "t".into(), None, None).unwrap_err();
        assert!(matches!(error, CaptureError::Conflict { .. }), "{error}");
        assert_eq!(std::fs::read(&kept).unwrap(), b"altered");
        match check_capture(&dir, &first) {
            CaptureState::Changed { found, bytes, .. } => {
                assert_eq!(found, Sha256::of(b"altered"));
                assert_eq!(bytes, 7);
            }
            other => panic!("{other:?}"),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bad_records_and_files_are_named() {
        let dir = folder("bad");
        let hash = Sha256::of(b"x").to_string();
        let record = |file: Option<&str>, sha256: Option<&str>| Capture {
            file: file.map(str::to_owned),
            sha256: sha256.map(str::to_owned),
            ..Capture::default()
        };
        assert!(matches!(
            check_capture(&dir, &record(None, Some(&hash))),
            CaptureState::BadRecord(_)
        ));
        assert!(matches!(
            check_capture(&dir, &record(Some("a.txt"), Some("3f9a"))),
            CaptureState::BadRecord(m) if m.contains("\"3f9a\"")
        ));
        assert!(matches!(
            check_capture(&dir, &record(Some("captures/none.txt"), Some(&hash))),
            CaptureState::Missing(p) if p.ends_with("captures/none.txt")
        ));
        std::fs::create_dir_all(dir.join("folder")).unwrap();
        assert!(matches!(
            check_capture(&dir, &record(Some("folder"), Some(&hash))),
            CaptureState::NotAFile(_, "a folder")
        ));
        std::fs::write(dir.join("x.txt"), b"x").unwrap();
        let sized = Capture {
            bytes: Some(2),
            ..record(Some("./x.txt"), Some(&hash))
        };
        assert_eq!(
            check_capture(&dir, &sized),
            CaptureState::WrongSize { bytes: 1 }
        );
        assert!(matches!(
            keep_capture(&dir, &dir.join("folder"), "t".into(), None, None),
            Err(CaptureError::NotAFile { .. })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn hashing_stops_when_cancelled() {
        let dir = folder("cancel");
        let original = dir.join("big.bin");
        std::fs::write(&original, vec![0u8; 3 * CHUNK]).unwrap();
        let progress = CaptureProgress::default();
        progress.cancelled.store(true, Ordering::Relaxed);
        assert!(matches!(
            keep_capture(&dir, &original, "t".into(), None, Some(&progress)),
            Err(CaptureError::Cancelled)
        ));
        let left: Vec<_> = std::fs::read_dir(dir.join(CAPTURES_DIR)).unwrap().collect();
        assert!(left.is_empty(), "the temporary file is removed");
        let progress = CaptureProgress::default();
        let (_, bytes) = hash_file(&original, Some(&progress)).unwrap();
        assert_eq!(bytes, 3 * CHUNK as u64);
        assert_eq!(progress.read.load(Ordering::Relaxed), bytes);
        assert_eq!(progress.total.load(Ordering::Relaxed), bytes);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
