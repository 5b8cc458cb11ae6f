//! The recovery journal: every edit step of a file's dataset written to it before the frame
//! showing it is drawn (and synced to disk by a thread of its own moments later), so that
//! after a crash the edits not saved can be restored exactly. One journal per file, in a `journal` folder of the data folder (the
//! platform's, or `SORTIE_DATA_DIR`), named by a hash of the file's path; its first line names the file,
//! its length and its modification time, so a journal is offered only for the file as it
//! was when the edits began. Removed when the edits are saved or discarded.

use std::io::{BufRead as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Sender, channel};

use serde_json::{Value, json};

use crate::dataset::{
    Dataset, Edit, feature_from_geojson, feature_geojson, sources_from_geojson, sources_geojson,
};

/// One line of the journal after its header.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// A step: its label and its edits.
    Step(String, Vec<Edit>),
    /// The latest step undone.
    Undo,
    /// The latest step undone, redone.
    Redo,
}

/// A journal being written.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: std::fs::File,
    /// Asks the journal's thread to put what was written on disk.
    sync: Sender<()>,
    /// Set when that thread could not.
    sync_failed: Arc<AtomicBool>,
}

/// The data folder: `SORTIE_DATA_DIR`, else the platform's.
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SORTIE_DATA_DIR") {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("org", "Sortie", "sortie").map(|d| d.data_dir().to_owned())
}

/// The journal's path for `file`, in data folder `dir`.
fn path_for(dir: &Path, file: &Path) -> Option<PathBuf> {
    let file = std::fs::canonicalize(file).ok()?;
    let hash = crate::dataset::text_hash(&file.to_string_lossy());
    Some(dir.join("journal").join(format!("{hash:016x}.jsonl")))
}

/// The header naming the file as it is now.
fn header(file: &Path) -> Option<Value> {
    let meta = std::fs::metadata(file).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(json!({
        "sortie_journal": 1,
        "file": file.to_string_lossy(),
        "len": meta.len(),
        "modified_ns": modified.as_nanos().to_string(),
    }))
}

impl Journal {
    /// Starts the journal of `file`'s edits in data folder `dir` (replacing any older one).
    ///
    /// # Errors
    /// When the folder or the file cannot be written.
    pub fn start(dir: &Path, file: &Path) -> std::io::Result<Self> {
        let missing = || std::io::Error::other("the file cannot be named for the journal");
        let path = path_for(dir, file).ok_or_else(missing)?;
        let header = header(file).ok_or_else(missing)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = std::fs::File::create(&path)?;
        let mut line = header.to_string();
        line.push('\n');
        (&file).write_all(line.as_bytes())?;
        file.sync_all()?;
        // Syncing takes milliseconds on a real disk: done on a thread of the journal's own,
        // several writes at a time when they come faster.
        let (sync, asked) = channel::<()>();
        let sync_failed = Arc::new(AtomicBool::new(false));
        let (handle, failed) = (file.try_clone()?, Arc::clone(&sync_failed));
        std::thread::Builder::new()
            .name("sortie-journal".to_owned())
            .spawn(move || {
                while asked.recv().is_ok() {
                    while asked.try_recv().is_ok() {}
                    if handle.sync_data().is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                }
            })?;
        Ok(Self {
            path,
            file,
            sync,
            sync_failed,
        })
    }

    /// Appends an entry: written to the file before this returns, so a crash of Sortie
    /// loses none; put on the disk by the journal's thread moments later, so a power cut
    /// may lose the last steps.
    ///
    /// # Errors
    /// When it cannot be written.
    pub fn append(&mut self, entry: &Entry) -> std::io::Result<()> {
        let line = match entry {
            Entry::Undo => "{\"undo\":true}".to_owned(),
            Entry::Redo => "{\"redo\":true}".to_owned(),
            Entry::Step(label, edits) => {
                let edits: Vec<String> = edits.iter().map(edit_json).collect();
                format!(
                    "{{\"step\":{},\"edits\":[{}]}}",
                    Value::from(label.as_str()),
                    edits.join(",")
                )
            }
        };
        self.line(&line)
    }

    fn line(&mut self, line: &str) -> std::io::Result<()> {
        if self.sync_failed.load(Ordering::Relaxed) {
            return Err(std::io::Error::other(
                "the journal could not be put on disk",
            ));
        }
        // One write per line: a crash leaves whole lines and at most one cut short.
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        self.file.write_all(&bytes)?;
        self.sync.send(()).ok();
        Ok(())
    }

    /// Removes the journal (the edits were saved or discarded).
    pub fn remove(self) {
        let _ = std::fs::remove_file(&self.path);
    }

    /// Removes `file`'s journal in data folder `dir`, if any.
    pub fn remove_for(dir: &Path, file: &Path) {
        if let Some(path) = path_for(dir, file) {
            let _ = std::fs::remove_file(path);
        }
    }

    /// The entries of a journal left in data folder `dir` for `file` as it is now (a crash left edits unsaved);
    /// `None` when there is none, or it is of another state of the file.
    pub fn left_for(dir: &Path, file: &Path) -> Option<Vec<Entry>> {
        let path = path_for(dir, file)?;
        let reader = std::io::BufReader::new(std::fs::File::open(path).ok()?);
        let mut lines = reader.lines();
        let first: Value = serde_json::from_str(&lines.next()?.ok()?).ok()?;
        if Some(first) != header(file) {
            return None;
        }
        // A line cut short by the crash ends the journal.
        let entries: Vec<Entry> = lines.map_while(|l| entry_of(&l.ok()?)).collect();
        (!entries.is_empty()).then_some(entries)
    }
}

fn edit_json(edit: &Edit) -> String {
    match edit {
        Edit::Add(f) => format!("{{\"add\":{}}}", feature_geojson(f)),
        Edit::Replace(i, f) => format!("{{\"replace\":{i},\"feature\":{}}}", feature_geojson(f)),
        Edit::Delete(i) => format!("{{\"delete\":{i}}}"),
        Edit::Registry(sources) => format!("{{\"registry\":{}}}", sources_geojson(sources, None)),
    }
}

fn entry_of(line: &str) -> Option<Entry> {
    let value: Value = serde_json::from_str(line).ok()?;
    if value.get("undo").is_some() {
        return Some(Entry::Undo);
    }
    if value.get("redo").is_some() {
        return Some(Entry::Redo);
    }
    let label = value.get("step")?.as_str()?.to_owned();
    let edits = value
        .get("edits")?
        .as_array()?
        .iter()
        .map(|e| {
            let index = |key: &str| e.get(key)?.as_u64().and_then(|i| usize::try_from(i).ok());
            if let Some(f) = e.get("add") {
                return Some(Edit::Add(feature_from_geojson(&f.to_string(), 0)?));
            }
            if let Some(i) = index("replace") {
                let f = feature_from_geojson(&e.get("feature")?.to_string(), i)?;
                return Some(Edit::Replace(i, f));
            }
            if let Some(sources) = e.get("registry") {
                return Some(Edit::Registry(sources_from_geojson(&sources.to_string())?));
            }
            index("delete").map(Edit::Delete)
        })
        .collect::<Option<Vec<Edit>>>()?;
    Some(Entry::Step(label, edits))
}

/// Applies a journal's entries to the dataset they were made on; how many took.
pub fn replay(dataset: &mut Dataset, entries: Vec<Entry>) -> usize {
    let mut took = 0;
    for entry in entries {
        let ok = match entry {
            Entry::Step(label, edits) => dataset.apply(label, edits).is_ok(),
            Entry::Undo => dataset.undo().is_some(),
            Entry::Redo => dataset.redo().is_some(),
        };
        took += usize::from(ok);
    }
    took
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{Capture, Source};

    #[test]
    fn a_registry_step_reads_back() {
        let sources = vec![Source {
            id: Some("s".into()),
            publisher: Some("P".into()),
            captures: vec![Capture {
                sha256: Some("ab".into()),
                file: Some("captures/ab.html".into()),
                bytes: Some(12),
                ..Capture::default()
            }],
            ..Source::default()
        }];
        let line = format!(
            "{{\"step\":\"edit the registry\",\"edits\":[{}]}}",
            edit_json(&Edit::Registry(sources.clone()))
        );
        let Some(Entry::Step(label, edits)) = entry_of(&line) else {
            panic!("no step in {line}");
        };
        assert_eq!(label, "edit the registry");
        assert!(
            matches!(&edits[..], [Edit::Registry(read)] if *read == sources),
            "{line}"
        );
    }
}
