//! The house's layers, held by a test: the top-level modules import only downward (leaves,
//! the model, analysis, drawing, the top), `geometry/` knows no UI crate, and the files
//! inside `dataset/` import one way (no file imports a file that imports it back, however
//! far round).
//!
//! The source is read as text: every `use` tree and every path (`super::store::Part`,
//! `crate::dataset::Dataset`) is resolved to the file that defines what it names, through
//! the re-exports of a module's `mod.rs`. A `mod.rs` is a facade: its re-exports and `mod`
//! lines are not arrows, its own code is. Unit tests (`#[cfg(test)] mod …`) may reach
//! anywhere.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's path below the crate: `["dataset", "formats", "rows"]`.
type Module = Vec<String>;

/// Every file of `src/`, by module; the flag says whether the file is a `mod.rs`.
struct Source {
    files: BTreeMap<Module, (PathBuf, bool)>,
    /// `pub use` re-exports: the re-exported name's path → the path it names.
    reexports: BTreeMap<Module, Module>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn module_of(src: &Path, file: &Path) -> (Module, bool) {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Module = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let is_mod = parts.last().is_some_and(|p| p == "mod");
    if is_mod || parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main") {
        parts.pop();
    }
    (parts, is_mod)
}

/// The text that counts: without comments, without unit-test modules, without a file that
/// is one (`tests.rs`).
fn code_of(file: &Path) -> String {
    if file.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    let text = std::fs::read_to_string(file).unwrap();
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            let next = lines.peek().map_or("", |l| l.trim_start());
            if next.starts_with("mod ") && next.trim_end().ends_with(';') {
                lines.next();
                continue;
            }
            if next.starts_with("mod ") {
                break; // a unit-test module ends the file
            }
        }
        if trimmed.starts_with("//") {
            continue;
        }
        out.push_str(line.split(" // ").next().unwrap_or(line));
        out.push('\n');
    }
    out
}

/// The `use` statements of `code`: (whether it is `pub`, the tree after `use`).
fn use_statements(code: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = &rest[..at];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let lead = before[line_start..].trim();
        let is_use = lead.is_empty() || lead.starts_with("pub");
        let after = &rest[at + 4..];
        let Some(end) = after.find(';') else { break };
        if is_use && (at == 0 || !rest.as_bytes()[at - 1].is_ascii_alphanumeric()) {
            out.push((lead.starts_with("pub"), after[..end].to_owned()));
            rest = &after[end..];
        } else {
            rest = after;
        }
    }
    out
}

/// The paths a `use` tree names: `a::{b, c::d}` → `a::b`, `a::c::d`.
fn expand(prefix: &[String], tree: &str, out: &mut Vec<Module>) {
    let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let mut base = prefix.to_vec();
        base.extend(head);
        let inner = &tree[open + 1..tree.rfind('}').unwrap()];
        let (mut depth, mut start) = (0, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&base, &inner[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&base, &inner[start..], out);
    } else if !tree.is_empty() {
        let name = tree.split(" as ").next().unwrap();
        let mut path = prefix.to_vec();
        path.extend(name.split("::").map(str::trim).map(str::to_owned));
        out.push(path);
    }
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Paths written inline, `a::b::c`, not followed by more (`::{`, `::<`, `::*`).
fn inline_paths(code: &str) -> Vec<Module> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_ident(bytes[i]) || (i > 0 && (is_ident(bytes[i - 1]) || bytes[i - 1] == b':')) {
            i += 1;
            continue;
        }
        let mut segments = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while j < bytes.len() && is_ident(bytes[j]) {
                j += 1;
            }
            segments.push(code[start..j].to_owned());
            if code[j..].starts_with("::") && bytes.get(j + 2).is_some_and(|&b| is_ident(b)) {
                j += 2;
            } else {
                break;
            }
        }
        if segments.len() > 1 && bytes.get(j) != Some(&b':') {
            out.push(segments);
        }
        i = j.max(i + 1);
    }
    out
}

impl Source {
    fn read(src: &Path) -> Self {
        let mut paths = Vec::new();
        rust_files(src, &mut paths);
        let files: BTreeMap<Module, (PathBuf, bool)> = paths
            .into_iter()
            .map(|p| {
                let (module, is_mod) = module_of(src, &p);
                (module, (p, is_mod))
            })
            .collect();
        let mut source = Self {
            files,
            reexports: BTreeMap::new(),
        };
        let mut reexports = BTreeMap::new();
        for (module, (path, _)) in &source.files {
            for (public, tree) in use_statements(&code_of(path)) {
                if !public {
                    continue;
                }
                let mut named = Vec::new();
                expand(&[], &tree, &mut named);
                for path in named {
                    if let Some(to) = source.resolve(module, &path) {
                        let mut key = module.clone();
                        key.push(path.last().unwrap().clone());
                        reexports.insert(key, to);
                    }
                }
            }
        }
        source.reexports = reexports;
        source
    }

    /// The absolute path `path` names from `module`; `None` for another crate's or a local.
    fn resolve(&self, module: &Module, path: &[String]) -> Option<Module> {
        let first = path.first()?;
        match first.as_str() {
            "crate" => Some(path[1..].to_vec()),
            "self" => Some([module.as_slice(), &path[1..]].concat()),
            "super" => {
                let ups = path.iter().take_while(|s| *s == "super").count();
                let base = module.get(..module.len().checked_sub(ups)?)?;
                Some([base, &path[ups..]].concat())
            }
            _ => {
                let mut child = module.clone();
                child.push(first.clone());
                self.files
                    .contains_key(&child)
                    .then(|| [module.as_slice(), path].concat())
            }
        }
    }

    /// The file that defines what `path` names.
    fn defining(&self, path: &[String]) -> Option<Module> {
        let mut path = path.to_vec();
        for _ in 0..8 {
            let module = (1..=path.len())
                .rev()
                .map(|k| path[..k].to_vec())
                .find(|m| self.files.contains_key(m))?;
            let k = module.len();
            if k < path.len() && self.files[&module].1 {
                let mut key = module.clone();
                key.push(path[k].clone());
                if let Some(to) = self.reexports.get(&key) {
                    path = [to.as_slice(), &path[k + 1..]].concat();
                    continue;
                }
            }
            return Some(module);
        }
        None
    }

    /// Which files each file imports.
    fn arrows(&self) -> BTreeMap<Module, BTreeSet<Module>> {
        let mut arrows = BTreeMap::new();
        for (module, (file, is_mod)) in &self.files {
            let code = code_of(file);
            let mut named = Vec::new();
            for (public, tree) in use_statements(&code) {
                if !(public && *is_mod) {
                    expand(&[], &tree, &mut named);
                }
            }
            let own: String = if *is_mod {
                // A facade's re-exports are not arrows.
                code.lines()
                    .filter(|l| !l.trim_start().starts_with("pub"))
                    .collect::<Vec<_>>()
                    .join("\n")
            } else {
                code
            };
            named.extend(inline_paths(&own));
            let to: BTreeSet<Module> = named
                .iter()
                .filter_map(|p| self.resolve(module, p))
                .filter_map(|p| self.defining(&p))
                .filter(|m| m != module && !m.is_empty())
                .collect();
            arrows.insert(module.clone(), to);
        }
        arrows
    }
}

/// The groups of nodes that reach each other (Tarjan), largest first.
fn cycles<N: Ord + Clone>(arrows: &BTreeMap<N, BTreeSet<N>>) -> Vec<Vec<N>> {
    struct State<N> {
        index: BTreeMap<N, usize>,
        low: BTreeMap<N, usize>,
        stack: Vec<N>,
        on: BTreeSet<N>,
        out: Vec<Vec<N>>,
    }
    fn visit<N: Ord + Clone>(v: &N, arrows: &BTreeMap<N, BTreeSet<N>>, s: &mut State<N>) {
        let i = s.index.len();
        s.index.insert(v.clone(), i);
        s.low.insert(v.clone(), i);
        s.stack.push(v.clone());
        s.on.insert(v.clone());
        for w in arrows.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(w, arrows, s);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v.clone(), low);
            } else if s.on.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v.clone(), low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on.remove(&w);
                group.push(w.clone());
                if &w == v {
                    break;
                }
            }
            if group.len() > 1 {
                s.out.push(group);
            }
        }
    }
    let mut state = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in arrows.keys() {
        if !state.index.contains_key(v) {
            visit(v, arrows, &mut state);
        }
    }
    state.out.sort_by_key(|g| std::cmp::Reverse(g.len()));
    state.out
}

fn source() -> Source {
    Source::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

fn name_of(module: &Module) -> String {
    module.join("/")
}

/// A top-level module's layer: it may import its own layer and those below. The top is
/// layered too: panels (`ui`) return `action`s, which the `app` applies.
fn layer(top: &str) -> usize {
    match top {
        "geometry" | "world" | "parallel" | "scene" | "synth" => 0,
        "dataset" => 1,
        "routes" => 2,
        "basemap" | "theme" | "map" | "figure" => 3,
        "action" => 4,
        "ui" => 5,
        "app" | "cli" => 6,
        other => panic!("the top-level module `{other}` has no layer: give it one here"),
    }
}

#[test]
fn top_level_modules_import_only_downward() {
    let mut tops: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut why: BTreeMap<(String, String), String> = BTreeMap::new();
    for (from, to) in source().arrows() {
        let Some(a) = from.first() else { continue };
        let entry = tops.entry(a.clone()).or_default();
        for m in to {
            if let Some(b) = m.first()
                && b != a
            {
                entry.insert(b.clone());
                why.entry((a.clone(), b.clone()))
                    .or_insert_with(|| format!("{} imports {}", name_of(&from), name_of(&m)));
            }
        }
    }
    let mut broken: Vec<String> = Vec::new();
    for (a, bs) in &tops {
        for b in bs {
            if layer(b) > layer(a) {
                broken.push(format!("{a} → {b} ({})", why[&(a.clone(), b.clone())]));
            }
        }
    }
    for group in cycles(&tops) {
        broken.push(format!("{group:?} reach each other"));
    }
    assert!(broken.is_empty(), "layers broken:\n{}", broken.join("\n"));
    assert!(
        tops["dataset"].contains("geometry"),
        "the reader sees arrows"
    );
}

#[test]
fn geometry_knows_no_ui() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/geometry");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let using: Vec<String> = files
        .iter()
        .filter(|f| {
            let code = code_of(f);
            ["egui::", "eframe::", "walkers::"]
                .iter()
                .any(|ui| code.contains(ui))
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(files.len() > 3, "{files:?}");
    assert!(using.is_empty(), "geometry/ uses a UI crate in {using:?}");
}

#[test]
fn files_inside_the_dataset_import_one_way() {
    let arrows: BTreeMap<Module, BTreeSet<Module>> = source()
        .arrows()
        .into_iter()
        .filter(|(m, _)| m.first().is_some_and(|t| t == "dataset"))
        .map(|(m, to)| {
            let inside = to
                .into_iter()
                .filter(|t| t.first().is_some_and(|t| t == "dataset"))
                .collect();
            (m, inside)
        })
        .collect();
    let found = cycles(&arrows);
    let described: Vec<String> = found
        .iter()
        .map(|group| {
            let members: BTreeSet<&Module> = group.iter().collect();
            group
                .iter()
                .map(|m| {
                    let to: Vec<String> = arrows[m]
                        .iter()
                        .filter(|t| members.contains(t))
                        .map(name_of)
                        .collect();
                    format!("  {} → {}", name_of(m), to.join(", "))
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    assert!(
        found.is_empty(),
        "files of dataset/ that reach each other:\n{}",
        described.join("\n\n")
    );
    let open = vec!["dataset".to_owned(), "open".to_owned()];
    assert!(
        arrows[&open].contains(&vec!["dataset".to_owned(), "geojson".to_owned()]),
        "the reader sees arrows inside dataset/"
    );
}
