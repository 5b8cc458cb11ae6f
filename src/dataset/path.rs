//! Paths into a dataset's JSON text: the steps of a path, and the paths of features and
//! their members that diagnostics name. A leaf: knows JSON's shape, nothing of the model.

/// One step of a path into a JSON value: a member, or an array element.
#[derive(Clone, Copy, Debug)]
pub enum Step<'a> {
    /// The member with this key (the last one, by JSON's rule for repeated keys).
    Key(&'a str),
    /// The element at this index.
    Index(usize),
}

/// The JSON path of feature `index`: `features[3]`, or empty for a file that is a single
/// Feature.
pub(crate) fn path_of(index: usize, collection: bool) -> String {
    if collection {
        format!("features[{index}]")
    } else {
        String::new()
    }
}

/// The JSON path of member `member` under `prefix`: `features[3].properties`.
pub(crate) fn member_path(prefix: &str, member: &str) -> String {
    if prefix.is_empty() {
        member.to_owned()
    } else {
        format!("{prefix}.{member}")
    }
}

/// Where each of `count` items read from the file's list `list` (`claims`, `sources`) is in
/// that list: the items that could not be read were kept as found under `list[i]` among
/// `kept`, and are not in the model's list.
pub(crate) fn file_indices(
    kept: &[(String, serde_json::Value)],
    list: &str,
    count: usize,
) -> Vec<usize> {
    let dropped: Vec<usize> = kept
        .iter()
        .filter_map(|(key, _)| {
            key.strip_prefix(list)?
                .strip_prefix('[')?
                .strip_suffix(']')?
                .parse()
                .ok()
        })
        .collect();
    (0..).filter(|i| !dropped.contains(i)).take(count).collect()
}
