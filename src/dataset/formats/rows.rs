//! Tables (ACLED, UCDP GED, any CSV with coordinates) read straight into the model: each
//! row becomes a lean draft (its columns left out), read by the one GeoJSON feature reader
//! into the builder, its span the row's own text. The dataset keeps the file's text and a
//! [`Rows`], which reads a row again in full (every column) when the feature is shown or
//! written out. So a million rows cost the file's text and a small record each, not a
//! GeoJSON document three times the file's size.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use super::Format;
use super::csv::{Table, decode};
use super::emit::{self, Draft, DraftSink, Emitted, Shape};
use super::row::{RowReader, Rows};
use crate::dataset::diagnostic::LoadProgress;
use crate::dataset::origin::Origin;
use crate::dataset::record::{Built, Record};
use crate::dataset::store::Look;
use crate::dataset::store::Part;
use crate::dataset::{DateExpr, FeatureKind, LocationPrecision, PrecisionLevel, SimpleStyle, When};
use crate::dataset::{Diagnostic, LoadError, Source};

/// One piece of the rows, read on one thread.
struct Piece<'t> {
    /// The dataset's text, and the row being read in it.
    whole: &'t str,
    own: &'t str,
    part: Part,
    warnings: Vec<Diagnostic>,
    registry_ids: hashbrown::HashSet<String>,
    /// A draft the direct reading does not take, written for the feature reader.
    scratch: Emitted,
    /// Whether plain drafts are read straight into records (else all through the feature
    /// reader; the tests hold the two to each other).
    direct: bool,
}

impl DraftSink for Piece<'_> {
    fn push(&mut self, draft: &Draft<'_>, line: u32) {
        if self.direct
            && let Some(record) = direct_record(draft, self.own)
        {
            self.part.push_record(self.whole, record);
            return;
        }
        self.scratch.clear();
        self.scratch.push(draft, line);
        let index = self.part.cores.len();
        let json = self.scratch.feature_text();
        let warned =
            crate::dataset::geojson::push_row(&mut self.part, self.whole, self.own, json, index);
        for mut w in warned {
            w.line = Some(line as usize);
            w.column = None;
            self.warnings.push(w);
        }
    }

    fn warn(&mut self, line: u32, column: Option<&str>, message: String) {
        let mut diagnostic = Diagnostic::new(message);
        diagnostic.line = Some(line as usize);
        diagnostic.property = column.map(str::to_owned);
        self.warnings.push(diagnostic);
    }

    fn registry_id(&mut self, id: &str) {
        if !self.registry_ids.contains(id) {
            self.registry_ids.insert(id.to_owned());
        }
    }
}

/// The builder's record of a plain draft, made without writing and reading it as GeoJSON:
/// a point, its kind one of Sortie's but a route, no style, its date one that reads. `None`
/// for anything else, which the feature reader then reads (and words its warnings).
fn direct_record<'o>(d: &Draft<'_>, own: &'o str) -> Option<Record<'o>> {
    if !d.style.is_empty() || !d.properties.is_empty() || d.date_end.is_some() {
        return None;
    }
    let kind = match d.kind {
        Some(k) => FeatureKind::parse(k).filter(|&k| k != FeatureKind::Route)?,
        None => FeatureKind::Other,
    };
    let geometry = match &d.geometry {
        Some(Shape::Point(p)) if p.alt.is_none() => Some(geo_types::Geometry::Point(
            geo_types::Point::new(p.lon, p.lat),
        )),
        _ => return None,
    };
    let when = match &d.date {
        Some(text) => Some(DateExpr::when_of(text).ok()?),
        None => None,
    };
    let precision = match d.precision {
        Some(level) => Some(LocationPrecision {
            level: PrecisionLevel::parse(level)?,
            radius_km: None,
        }),
        None => None,
    };
    let owned = |c: &Cow<'_, str>| Cow::Owned(c.to_string());
    let source_ids: Vec<Cow<'o, str>> = d.sources.iter().map(|s| owned(&s.id)).collect();
    let mut cited_elsewhere: Vec<Cow<'o, str>> = Vec::new();
    for id in d.claims.iter().flat_map(|c| &c.sources) {
        if !source_ids.contains(id) && !cited_elsewhere.contains(id) {
            cited_elsewhere.push(owned(id));
        }
    }
    Some(Record {
        own,
        id: d.id.as_ref().map(owned),
        name: d.name.as_ref().filter(|n| !n.is_empty()).map(owned),
        description: d.description.as_ref().map(owned),
        kind,
        look: Look {
            style: SimpleStyle::default(),
            precision,
        },
        geometry,
        route: None,
        source_ids,
        cited_elsewhere,
        when: When::of_feature(when, None),
    })
}

/// What a table reads into: the builder's input and the text it keeps (with where the
/// body starts, after a byte-order mark).
pub(crate) type Read = (Built, String, usize);

/// Reads a table in `format` straight into the builder's input.
///
/// # Errors
/// [`LoadError::Invalid`] when there is no header or no coordinate columns, or no row could
/// be read; [`LoadError::Cancelled`].
pub(crate) fn load(
    format: Format,
    bytes: Vec<u8>,
    origin: Option<&Path>,
    progress: &LoadProgress,
) -> Result<Read, LoadError> {
    load_with(format, bytes, origin, progress, true)
}

/// [`load`], with plain rows read straight into records (`direct`) or all through the
/// feature reader.
fn load_with(
    format: Format,
    bytes: Vec<u8>,
    origin: Option<&Path>,
    progress: &LoadProgress,
    direct: bool,
) -> Result<Read, LoadError> {
    let started = std::time::Instant::now();
    let (text, text_start, decoded) = decode(bytes);
    let name = super::title_of(origin);
    let (parts, header, reader) = {
        // The text after a byte-order mark: the dataset's body, which features' spans index.
        let whole = text.get(text_start..).unwrap_or("");
        let table = Table::new(whole, origin)?;
        let reader: Box<dyn RowReader> = match format {
            Format::Acled(_) => match super::acled::Acled::new(&table) {
                Some(r) => Box::new(r),
                None => Box::new(super::table::Plain::new(&table, origin)?),
            },
            Format::UcdpGed => match super::ucdp::Ged::new(&table) {
                Some(r) => Box::new(r),
                None => Box::new(super::table::Plain::new(&table, origin)?),
            },
            _ => Box::new(super::table::Plain::new(&table, origin)?),
        };
        let reader_ref = &*reader;
        let head = &table.head;
        let parts = table.read_rows(
            progress,
            |_| Piece {
                whole,
                own: "",
                part: Part::default(),
                warnings: Vec::new(),
                registry_ids: hashbrown::HashSet::new(),
                scratch: Emitted::default(),
                direct,
            },
            |record, line, own, piece: &mut Piece<'_>| {
                piece.own = own;
                reader_ref.row(head, record, line, true, piece);
            },
        )?;
        (parts, table.head.clone(), reader)
    };
    let converted_at = started.elapsed();
    let mut part = Part::default();
    let mut warnings: Vec<Diagnostic> = decoded.into_iter().collect();
    let mut registry_ids = hashbrown::HashSet::new();
    for piece in parts {
        let base = part.cores.len();
        warnings.extend(piece.warnings.into_iter().map(|mut w| {
            if let Some(i) = w.feature_index.as_mut() {
                *i += base;
            }
            w
        }));
        registry_ids.extend(piece.registry_ids);
        part.append(piece.part);
    }
    part.name_anonymous();
    if part.cores.is_empty() && !warnings.is_empty() {
        return Err(super::nothing_read(origin, &warnings));
    }
    let mut publishers: Vec<String> = registry_ids.into_iter().collect();
    publishers.sort_unstable();
    let registry: Vec<Source> = publishers
        .iter()
        .map(|p| Source {
            id: Some(p.clone()),
            publisher: Some(p.clone()),
            ..Source::default()
        })
        .collect();
    let rows = Rows {
        header,
        reader,
        start: emit::document_start(&name, &[]),
        registry: publishers
            .iter()
            .map(|p| super::acled::publisher_record(p))
            .collect(),
    };
    let built = Built {
        part,
        warnings,
        foreign_members: vec![
            ("name".to_owned(), serde_json::Value::String(name)),
            ("sortie_format".to_owned(), serde_json::json!(1)),
        ],
        aircraft_cruise_kmh: Vec::new(),
        registry,
        origin: Origin::Table {
            format,
            rows: Arc::new(rows),
        },
        lines: None,
    };
    log::debug!(
        "read {} rows of {format} in {converted_at:.2?}",
        built.part.cores.len()
    );
    Ok((built, text, text_start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Loads `bytes` both ways and holds the datasets to each other.
    fn same_both_ways(name: &str, bytes: Vec<u8>) {
        let path = std::path::PathBuf::from(name);
        let format = super::super::detect(&bytes, Some(&path));
        let progress = LoadProgress::default();
        let dataset =
            |(built, text, start): Read| built.into_dataset(Some(&path), Arc::new(text), start);
        let a = load_with(format, bytes.clone(), Some(&path), &progress, true).map(dataset);
        let b = load_with(format, bytes, Some(&path), &progress, false).map(dataset);
        let (a, b) = match (a, b) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(a), Err(b)) => {
                assert_eq!(a.to_string(), b.to_string(), "{name}");
                return;
            }
            (a, b) => panic!("{name}: {:?} / {:?}", a.err(), b.err()),
        };
        assert_eq!(a.len(), b.len(), "{name}");
        assert_eq!(a.warnings, b.warnings, "{name}");
        for (f, g) in a.iter().zip(b.iter()) {
            assert_eq!(f.id, g.id, "{name}");
            assert_eq!(f.name, g.name, "{name}");
            assert_eq!(f.kind, g.kind, "{name} {}", f.id);
            assert_eq!(f.description, g.description, "{name} {}", f.id);
            assert_eq!(f.style, g.style, "{name} {}", f.id);
            assert_eq!(
                f.location_precision, g.location_precision,
                "{name} {}",
                f.id
            );
            assert_eq!(f.when, g.when, "{name} {}", f.id);
            // serde_json reads a number to within a unit in the last place (it does not
            // round correctly without its `float_roundtrip` feature); the direct reading
            // takes the cell's number exactly.
            let coords = |f: &crate::dataset::FeatureRef<'_>| -> Vec<(f64, f64)> {
                use geo::CoordsIter as _;
                f.geometry()
                    .map(|g| g.coords_iter().map(|c| (c.x, c.y)).collect())
                    .unwrap_or_default()
            };
            let (cf, cg) = (coords(&f), coords(&g));
            assert_eq!(cf.len(), cg.len(), "{name} {}", f.id);
            for (p, q) in cf.iter().zip(&cg) {
                assert!(
                    (p.0 - q.0).abs() < 1e-12 && (p.1 - q.1).abs() < 1e-12,
                    "{name} {}",
                    f.id
                );
            }
        }
        assert_eq!(a.source_uses(), b.source_uses(), "{name}");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Spreadsheets of every kind, date form and precision read the same both ways.
        #[test]
        fn any_table_reads_the_same_both_ways(rows in prop::collection::vec((
            prop::sample::select(vec!["base", "target", "place", "route", "event", "", "Airfield"]),
            prop::sample::select(vec![
                "2016-08-16", "2016-08", "2016", "2016-08-16?", "2016-08~", "2016-08-16%",
                "2016-08-16/2016-08-20", "2016-08-16/..", "201X", "2016-08-16T06:30Z", "bad",
                "", "16/08/2016", "2016-08-16 06:30", "2016-02-30",
            ]),
            -90.0f64..90.0,
            -180.0f64..180.0,
            prop::sample::select(vec!["Aleppo", "", "Deir ez-Zor", "Idlib, \"north\""]),
            prop::sample::select(vec!["", "https://example.org/a", "not a link"]),
        ), 1..20)) {
            let mut text = String::from("name,lat,lon,kind,date,url\n");
            for (kind, date, lat, lon, name, url) in rows {
                let name = name.replace('"', "\"\"");
                text.push_str(&format!("\"{name}\",{lat},{lon},{kind},{date},{url}\n"));
            }
            same_both_ways("any.csv", text.into_bytes());
        }
    }

    /// The direct reading of plain rows and the feature reader's give the same dataset.
    #[test]
    fn direct_records_are_the_feature_readers() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
        let mut files: Vec<(String, Vec<u8>)> = [
            "acled_current.csv",
            "acled_2019.csv",
            "acled_pre2019.csv",
            "ucdp_ged.csv",
            "spreadsheet_semicolon.csv",
            "wkt.csv",
        ]
        .iter()
        .map(|name| {
            (
                name.to_string(),
                std::fs::read(dir.join(name)).unwrap_or_default(),
            )
        })
        .collect();
        let mut acled = Vec::new();
        let spec = crate::synth::SynthSpec {
            points: 3_000,
            routes: 0,
            seed: 5,
        };
        crate::synth::write_acled_csv(spec, &mut acled).ok();
        files.push(("synth.csv".to_owned(), acled));
        files.push((
            "odd.csv".to_owned(),
            b"id,lat,lon,kind,date,name\na,1,2,base,2016-08~,A\nb,1,2,route,2016,B\nc,1,2,,bad date,\nd,1,2,event,2016-08-16/2016-08-18,D\n".to_vec(),
        ));
        for (name, bytes) in files {
            same_both_ways(&name, bytes);
        }
    }
}
