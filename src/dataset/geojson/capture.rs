//! Reading a source's `captures`: the saved copies of it, each
//! `{"sha256", "file", "media_type", "bytes", "captured_at", "captured_by"}`. Read located
//! only (a source with captures is rare). A member of the wrong type is a warning and is kept
//! with the capture, as found; an entry that is no object, or `captures` that is no array,
//! is a warning and is kept with the source, as found. Whether a hash is well formed and
//! the file holds it is `sortie check`'s question, not the reader's.

use serde::de;
use serde_json::Value;
use serde_json::value::RawValue;

use super::raw::{Got, JsonKind, RawObject};
use super::reader::{Reader, keep, to_value};
use crate::dataset::Capture;

/// Values kept as found, by name.
type Kept = Vec<(String, Value)>;

/// Reads a source's `captures` (`raw`, at `path` below the feature) located: the captures,
/// and what is none kept as found (under `captures` when it is no array of objects, so that
/// it is written back whole, in its place).
///
/// # Errors
/// As [`Reader::warn`] (never, as the reading is located).
pub(super) fn captures<'t, E: de::Error>(
    r: &mut Reader<'t>,
    raw: &'t RawValue,
    path: &str,
) -> Result<(Vec<Capture>, Kept), E> {
    let mut kept = Vec::new();
    let kind = JsonKind::of(raw);
    if kind != JsonKind::Array {
        r.wrong_type(
            Some(raw),
            || path.to_owned(),
            "an array of capture records",
            kind,
        )?;
        keep(&mut kept, "captures", Some(raw));
        return Ok((Vec::new(), kept));
    }
    let items: Vec<&'t RawValue> = serde_json::from_str(raw.get()).unwrap_or_default();
    let mut read = Vec::with_capacity(items.len());
    for (k, item) in items.into_iter().enumerate() {
        let at = format!("{path}[{k}]");
        let Ok(object) = serde_json::from_str::<RawObject<'t>>(item.get()) else {
            r.warn(Some(item), || at, || {
                "a capture must be an object {\"sha256\", \"file\", …}; the captures are kept as found".to_owned()
            })?;
            // One entry that cannot be read keeps the whole list as found: written back as
            // it was, nothing reordered.
            keep(&mut kept, "captures", Some(raw));
            return Ok((Vec::new(), kept));
        };
        read.push(capture(r, &object, &at)?);
    }
    Ok((read, kept))
}

/// One capture object at `path`.
fn capture<'t, E: de::Error>(
    r: &mut Reader<'t>,
    object: &RawObject<'t>,
    path: &str,
) -> Result<Capture, E> {
    let mut capture = Capture::default();
    for (key, value) in &object.members {
        let got = Got::of_raw(value);
        let kind = got.kind();
        if key == "bytes" {
            match got {
                Got::Number(Some(n)) if n >= 0.0 && n.fract() == 0.0 && n < 2f64.powi(53) => {
                    // Exact: a whole number below 2^53.
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let n = n as u64;
                    capture.bytes = Some(n);
                }
                _ => {
                    r.warn(
                        Some(value),
                        || format!("{path}.bytes"),
                        || {
                            format!(
                                "expected a whole number of bytes, found {}",
                                if kind == JsonKind::Number {
                                    value.get().to_owned()
                                } else {
                                    kind.describe().to_owned()
                                }
                            )
                        },
                    )?;
                    keep(&mut capture.other, key, Some(value));
                }
            }
            continue;
        }
        let slot = match key.as_ref() {
            "sha256" => &mut capture.sha256,
            "file" => &mut capture.file,
            "media_type" => &mut capture.media_type,
            "captured_at" => &mut capture.captured_at,
            "captured_by" => &mut capture.captured_by,
            _ => {
                capture.other.push((key.to_string(), to_value(value)));
                continue;
            }
        };
        match got.into_str() {
            Some(s) => *slot = Some(s.into_owned()),
            None => {
                r.wrong_type(Some(value), || format!("{path}.{key}"), "a string", kind)?;
                keep(&mut capture.other, key, Some(value));
            }
        }
    }
    Ok(capture)
}
