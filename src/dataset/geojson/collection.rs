//! The quick way through a FeatureCollection: one pass, on every core, with no split of the
//! text beforehand.
//!
//! The top level is read by hand up to the `features` array. The array is then cut into as
//! many stretches as there are cores, each starting at a guessed feature: the first `{`
//! after a comma past the stretch's first byte whose object reads as a Feature. Each thread
//! reads features (quickly: serde, straight into typed data) from its start
//! until it reaches the next thread's start. A guess is only kept when the thread before it
//! lands exactly on it; where one does not (a `{"type":"Feature"` inside a string, say), the
//! rest is read again on one thread from where the last good stretch ended. Anything the
//! quick way does not expect (another top-level type, a repeated member, bad JSON) sends
//! the whole file to the careful reading in `mod.rs`, which words the error, applies JSON's
//! last-wins rule to a repeated member, and reads the features array it chose with
//! [`features`], the same pass.

use std::borrow::Cow;
use std::sync::atomic::Ordering;

use serde_json::value::RawValue;

use super::feature::read_quickly;
use super::raw::RawObject;
use super::reader::too_deep;
use crate::dataset::store::Part;
use crate::dataset::{LoadError, LoadProgress};

/// A collection read the quick way: its other top-level members, and its features (some
/// deferred to a located reading).
pub(super) struct Collection<'t> {
    /// Top-level members other than `type` and `features`, in order.
    pub members: Vec<(Cow<'t, str>, &'t RawValue)>,
    /// The features.
    pub part: Part,
}

/// Features between looks at the cancel flag and reports of progress.
const REPORT_EVERY: usize = 1024;
/// Bytes per thread below which a collection is read on one thread.
const PARALLEL_FROM_BYTES: usize = 1 << 20;
/// Stretches a big collection is cut into, per core.
const STRETCHES_PER_CORE: usize = 4;

fn skip_ws(text: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = text.get(pos) {
        pos += 1;
    }
    pos
}

/// One JSON value of type `T` at the start of `text`, and where it ends.
fn value_at<'t, T: serde::Deserialize<'t>>(text: &'t str) -> Option<(T, usize)> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<T>();
    let value = stream.next()?.ok()?;
    Some((value, stream.byte_offset()))
}

/// Reads `text` as a FeatureCollection the quick way; `Ok(None)` when the careful top level must.
///
/// # Errors
/// Only [`LoadError::Cancelled`].
pub(super) fn read<'t>(
    text: &'t str,
    progress: &LoadProgress,
) -> Result<Option<Collection<'t>>, LoadError> {
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    if bytes.get(pos) != Some(&b'{') {
        return Ok(None);
    }
    pos += 1;
    let mut members = Vec::new();
    let mut part = None;
    let mut collection_type = false;
    loop {
        pos = skip_ws(bytes, pos);
        match bytes.get(pos) {
            Some(b'}') if members.is_empty() && part.is_none() => {
                pos += 1;
                break;
            }
            Some(b'"') => {}
            _ => return Ok(None),
        }
        let Some((key, used)) = text.get(pos..).and_then(value_at::<Cow<'t, str>>) else {
            return Ok(None);
        };
        pos = skip_ws(bytes, pos + used);
        if bytes.get(pos) != Some(&b':') {
            return Ok(None);
        }
        pos = skip_ws(bytes, pos + 1);
        if key == "features" {
            if part.is_some() || bytes.get(pos) != Some(&b'[') {
                return Ok(None);
            }
            let Some((features, end)) = features(text, pos + 1, progress)? else {
                return Ok(None);
            };
            part = Some(features);
            pos = end;
        } else {
            let Some((raw, used)) = text.get(pos..).and_then(value_at::<&'t RawValue>) else {
                return Ok(None);
            };
            if too_deep(raw.get()).is_some() {
                return Ok(None);
            }
            if key == "type" {
                collection_type = raw.get() == "\"FeatureCollection\"";
            }
            if members.iter().any(|(k, _)| *k == key) {
                // A repeated member: the careful top level applies JSON's last-wins rule.
                return Ok(None);
            }
            members.push((key, raw));
            pos += used;
        }
        pos = skip_ws(bytes, pos);
        match bytes.get(pos) {
            Some(b',') => pos += 1,
            Some(b'}') => {
                pos += 1;
                break;
            }
            _ => return Ok(None),
        }
    }
    if skip_ws(bytes, pos) != bytes.len() || !collection_type {
        return Ok(None);
    }
    let Some(part) = part else {
        return Ok(None);
    };
    members.retain(|(k, _)| k != "type");
    Ok(Some(Collection { members, part }))
}

/// What one thread read of the features array.
struct Stretch {
    start: usize,
    part: Part,
    /// Where it stopped: the start of the next feature, or just past the array.
    stop: usize,
    /// Whether it reached the end of the array.
    ended: bool,
}

/// Reads the features array whose first element is at or after `from`; gives the features
/// and the position just past the array, or `None` where the text there is no run of features.
pub(super) fn features(
    text: &str,
    from: usize,
    progress: &LoadProgress,
) -> Result<Option<(Part, usize)>, LoadError> {
    let bytes = text.as_bytes();
    let from = skip_ws(bytes, from);
    let rest = bytes.len().saturating_sub(from);
    progress.total.store(rest, Ordering::Relaxed);
    // More stretches than cores, each core reading every n-th: joining them copies each into
    // the first, and the smaller each is, the less memory that copy holds twice at once.
    let cores = crate::parallel::threads_for(rest, PARALLEL_FROM_BYTES);
    let count = cores * STRETCHES_PER_CORE;
    let mut starts = vec![from];
    for k in 1..count {
        let guess = from + rest / count * k;
        if let Some(start) = guessed_start(text, guess.max(starts.last().copied().unwrap_or(0)))
            && starts.last().is_some_and(|&s| start > s)
        {
            starts.push(start);
        }
    }
    let stops: Vec<Option<usize>> = starts
        .iter()
        .skip(1)
        .map(|&s| Some(s))
        .chain([None])
        .collect();
    let bounds: Vec<(usize, Option<usize>)> = starts.iter().copied().zip(stops).collect();
    let bounds = &bounds;
    let mut stretches: Vec<(usize, Option<Stretch>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..cores)
            .map(|core| {
                scope.spawn(move || {
                    (core..bounds.len())
                        .step_by(cores)
                        .filter_map(|k| Some((k, *bounds.get(k)?)))
                        .map(|(k, (start, stop))| {
                            stretch(text, from, start, stop, progress).map(|s| (k, s))
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| crate::parallel::joined(h.join()))
            .collect::<Result<Vec<_>, _>>()
            .map(|runs| runs.into_iter().flatten().collect())
    })?;
    stretches.sort_unstable_by_key(|(k, _)| *k);
    let stretches = stretches.into_iter().map(|(_, s)| s);
    let mut part = Part::default();
    let mut at = from;
    for s in stretches.flatten() {
        // A stretch that did not start where the last one stopped began at a wrong guess.
        if s.start != at {
            break;
        }
        at = s.stop;
        if s.start == from {
            part = s.part;
        } else {
            part.append(s.part);
        }
        if s.ended {
            return Ok(Some((part, at)));
        }
    }
    // A guess did not hold: read on, on this thread, from where the last good stretch stopped.
    log::debug!("a guessed start did not hold; reading on from byte {at} on one thread");
    let Some(s) = stretch(text, from, at, None, progress)? else {
        return Ok(None);
    };
    part.append(s.part);
    Ok(s.ended.then_some((part, s.stop)))
}

/// The start of a feature at or after `from`: a `{` after a comma whose object reads as a
/// GeoJSON Feature.
fn guessed_start(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut pos = from;
    for _ in 0..10_000 {
        let brace = pos + memchr::memchr(b'{', bytes.get(pos..)?)?;
        let before = bytes
            .get(..brace)?
            .iter()
            .rev()
            .find(|b| !b.is_ascii_whitespace());
        if before == Some(&b',') && is_feature_at(text, brace) {
            return Some(brace);
        }
        pos = brace + 1;
    }
    None
}

fn is_feature_at(text: &str, pos: usize) -> bool {
    let Some(rest) = text.get(pos..) else {
        return false;
    };
    if read_quickly(rest, |_, _| ()).is_some() {
        return true;
    }
    value_at::<RawObject<'_>>(rest)
        .and_then(|(o, _)| o.get("type").map(|t| t.get() == "\"Feature\""))
        .unwrap_or(false)
}

/// Reads features from `start` until the array ends or the next feature starts at or past
/// `stop`. `None` when the text there is not a run of features.
fn stretch(
    text: &str,
    first: usize,
    start: usize,
    stop: Option<usize>,
    progress: &LoadProgress,
) -> Result<Option<Stretch>, LoadError> {
    let bytes = text.as_bytes();
    let mut part = Part::default();
    let mut pos = start;
    let mut reported = start;
    let mut count = 0usize;
    // The stretch as read up to `stop`, its work counted in the progress.
    let done = |part: Part, stop: usize, ended: bool, reported: usize| {
        progress.done.fetch_add(stop - reported, Ordering::Relaxed);
        Ok(Some(Stretch {
            start,
            part,
            stop,
            ended,
        }))
    };
    loop {
        if count == 256 {
            // Room for the rest at the size of features so far, so that the columns are not
            // copied as they grow: the first stretch makes room for every stretch, which are
            // then appended to it.
            let end = if start == first {
                bytes.len()
            } else {
                stop.unwrap_or(bytes.len())
            };
            let expected = (end.saturating_sub(start) / (pos - start).max(1) + 1) * 256;
            part.reserve(expected.saturating_sub(count) + expected / 32);
        }
        pos = skip_ws(bytes, pos);
        if bytes.get(pos) == Some(&b']') && count == 0 && start == pos {
            // An empty array.
            return done(part, pos + 1, true, reported);
        }
        if stop.is_some_and(|s| pos >= s) {
            return done(part, pos, false, reported);
        }
        let Some(rest) = text.get(pos..) else {
            return Ok(None);
        };
        let quick = read_quickly(rest, |parts, own| {
            part.push_record(text, parts.take_record(own));
        });
        let end = match quick {
            Some(end) => end,
            None => {
                let Some((_, end)) = value_at::<&RawValue>(rest) else {
                    return Ok(None);
                };
                part.defer(rest.get(..end).unwrap_or(""), text);
                end
            }
        };
        pos = skip_ws(bytes, pos + end);
        count += 1;
        if count.is_multiple_of(REPORT_EVERY) {
            if progress.is_cancelled() {
                return Err(LoadError::Cancelled);
            }
            progress.done.fetch_add(pos - reported, Ordering::Relaxed);
            reported = pos;
        }
        match bytes.get(pos) {
            Some(b',') => pos += 1,
            Some(b']') => return done(part, pos + 1, true, reported),
            _ => return Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dataset::{Dataset, parse_str};
    use crate::synth::{SynthSpec, dataset_text};

    /// The same text with a repeated top-level member after the features (so that every
    /// position before stays), which goes through the careful top level and then the same
    /// pass over the features.
    fn careful(text: &str) -> Dataset {
        let end = text.rfind(']').expect("the features array");
        let text = format!("{}],\"x\":1,\"x\":2{}", &text[..end], &text[end + 1..]);
        parse_str(&text, None).expect("loads")
    }

    fn assert_same(quick: &Dataset, careful: &Dataset) {
        assert_eq!(quick.len(), careful.len());
        assert_eq!(quick.warnings.len(), careful.warnings.len());
        for (a, b) in quick.warnings.iter().zip(&careful.warnings) {
            assert_eq!(a, b);
        }
        for (a, b) in quick.iter().zip(careful.iter()) {
            assert_eq!(
                (a.index, a.id, a.kind, a.name, a.point()),
                (b.index, b.id, b.kind, b.name, b.point())
            );
            assert_eq!(
                a.route.map(|r| (r.from_index, r.to_index)),
                b.route.map(|r| (r.from_index, r.to_index))
            );
        }
    }

    #[test]
    fn a_big_collection_read_on_every_core_is_read_as_the_careful_reader_reads_it() {
        let spec = SynthSpec {
            points: 12_000,
            routes: 500,
            seed: 3,
        };
        let text = dataset_text(spec);
        assert!(text.len() > 2 << 20, "big enough to be split");
        let quick = parse_str(&text, None).expect("loads");
        assert_same(&quick, &careful(&text));
    }

    #[test]
    fn a_wrong_guess_at_a_nested_feature_is_caught() {
        // Every feature carries a Feature inside a property, after a comma: a guessed start
        // can land on it. Some features lack an id, and some are left to the located reading
        // (a bad date), so that indices are only known after the stretches are joined.
        let features: Vec<String> = (0..12_000)
            .map(|i| {
                let id = if i % 7 == 0 {
                    String::new()
                } else {
                    format!("\"id\":\"f{i}\",")
                };
                let date = if i % 11 == 0 { "soon" } else { "2016-08-16" };
                format!(
                    "{{\"type\":\"Feature\",{id}\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{},{}]}},\
\"properties\":{{\"name\":\"n{i}\",\"date\":\"{date}\",\"related\":[1,{{\"type\":\"Feature\",\"properties\":{{}},\"geometry\":null}}]}}}}",
                    40.0 + f64::from(i % 100) / 10.0,
                    30.0 + f64::from(i / 100) / 200.0,
                )
            })
            .collect();
        let text = format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[{}]}}",
            features.join(",\n")
        );
        let quick = parse_str(&text, None).expect("loads");
        assert_eq!(quick.len(), 12_000);
        assert_eq!(quick.get(7).map(|f| f.id), Some("#7"));
        assert_eq!(quick.get(11).map(|f| f.name), Some("n11"));
        let bad_dates = quick
            .warnings
            .iter()
            .filter(|w| w.message.contains("is not a date Sortie reads"))
            .count();
        assert_eq!(bad_dates, 12_000 / 11 + 1);
        assert_same(&quick, &careful(&text));
    }
}
