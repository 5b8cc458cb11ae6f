//! Reading what investigators bring (ACLED in three generations, UCDP GED, spreadsheets, WKT,
//! KML and KMZ) and writing GeoJSON, KML and KMZ: the fixtures in `tests/fixtures/import`
//! (described in its README), bad input, round trips and atomic writes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use sortie::dataset::formats::{ExportFormat, Format, Generation, export, write_atomically};
use sortie::dataset::{Dataset, Feature, FeatureKind, LoadError, PrecisionLevel, load_path};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn load(name: &str) -> Dataset {
    load_path(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn by_id(d: &Dataset, id: &str) -> Feature {
    d.feature_by_id(id)
        .unwrap_or_else(|| panic!("no feature {id}"))
}

fn property<'a>(f: &'a Feature, key: &str) -> Option<&'a serde_json::Value> {
    f.other_properties
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

fn written(f: &Feature) -> Option<String> {
    f.date.as_ref().map(|d| d.written().to_owned())
}

fn level(f: &Feature) -> Option<PrecisionLevel> {
    f.location_precision.map(|p| p.level)
}

fn point(f: &Feature) -> (f64, f64) {
    let p = f.point().expect("a point");
    (p.x(), p.y())
}

#[test]
fn acled_current_export() {
    let d = load("acled_current.csv");
    assert_eq!(d.format(), Format::Acled(Generation::Current));
    assert_eq!(d.len(), 4, "the row with a bad latitude is skipped");
    assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
    let w = &d.warnings[0];
    assert_eq!(w.line, Some(6), "{w}");
    assert_eq!(w.property.as_deref(), Some("latitude"), "{w}");
    assert!(w.message.contains("not-a-number"), "{w}");

    let strike = by_id(&d, "SYR1001");
    assert_eq!(strike.kind, FeatureKind::Target);
    assert_eq!(strike.name, "Deir ez-Zor: Air/drone strike");
    assert_eq!(written(&strike).as_deref(), Some("2016-08-16"));
    assert_eq!(level(&strike), Some(PrecisionLevel::Exact));
    assert_eq!(point(&strike), (40.141, 35.336));
    assert_eq!(strike.location.map(|l| l.line), Some(2));
    let claim = &strike.claims[0];
    assert!(claim.text.contains("\"large depots\""), "{}", claim.text);
    assert_eq!(claim.by.as_deref(), Some("Reuters; SANA"));
    let cited: Vec<&str> = claim.source_ids().collect();
    assert_eq!(cited, ["Reuters", "SANA"]);
    let sources = d.sources_of(&strike);
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[0].publisher.as_deref(), Some("Reuters"));
    assert_eq!(property(&strike, "fatalities"), Some(&serde_json::json!(4)));
    assert_eq!(
        property(&strike, "timestamp"),
        Some(&serde_json::json!(1_471_500_000))
    );
    assert_eq!(
        property(&strike, "actor1"),
        Some(&serde_json::json!("Military Forces of Russia (2000-)"))
    );

    let shelling = by_id(&d, "SYR1002");
    assert_eq!(shelling.kind, FeatureKind::Target);
    assert_eq!(
        written(&shelling).as_deref(),
        Some("2016-08-14/2016-08-20"),
        "time precision 2 is the week around the day"
    );
    assert_eq!(level(&shelling), Some(PrecisionLevel::Approximate));

    let protest = by_id(&d, "SYR1003");
    assert_eq!(protest.kind, FeatureKind::Event);
    assert_eq!(written(&protest).as_deref(), Some("2016-08"));
    assert_eq!(level(&protest), Some(PrecisionLevel::Area));
    assert!(
        protest.claims[0].text.contains('\n'),
        "the quoted newline is kept"
    );
    assert_eq!(protest.location.map(|l| l.line), Some(4));

    let clash = by_id(&d, "SYR1005");
    assert_eq!(clash.kind, FeatureKind::Event);
    assert_eq!(clash.location.map(|l| l.line), Some(7));
    // Every one of the 31 columns is kept.
    assert_eq!(clash.other_properties.len(), 31);
}

#[test]
fn acled_2019_to_2023_export() {
    let d = load("acled_2019.csv");
    assert_eq!(d.format(), Format::Acled(Generation::Lower2019));
    assert_eq!(d.len(), 3);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    let a = by_id(&d, "SYR2001");
    assert_eq!(a.kind, FeatureKind::Target);
    assert_eq!(written(&a).as_deref(), Some("2016-08-16"));
    let ied = by_id(&d, "SYR2002");
    assert_eq!(
        ied.kind,
        FeatureKind::Event,
        "an IED is not a strike on a place"
    );
    let week = by_id(&d, "SYR2003");
    assert_eq!(written(&week).as_deref(), Some("2016-08-15/2016-08-21"));
    assert_eq!(property(&week, "iso3"), Some(&serde_json::json!("SYR")));
}

#[test]
fn acled_before_2019_in_latin_1() {
    let d = load("acled_pre2019.csv");
    assert_eq!(d.format(), Format::Acled(Generation::Upper));
    assert_eq!(d.len(), 3);
    assert_eq!(
        d.warnings.len(),
        1,
        "one note that the file was read as Latin-1"
    );
    assert!(d.warnings[0].message.contains("Latin-1"));
    let a = by_id(&d, "SYR3001");
    assert_eq!(a.name, "Dayr az Zawr (Deir ez-Zôr): Remote violence");
    assert_eq!(written(&a).as_deref(), Some("2016-08-16"));
    assert_eq!(
        d.sources_of(&a)[0].publisher.as_deref(),
        Some("Süddeutsche Zeitung")
    );
    let b = by_id(&d, "SYR3002");
    assert_eq!(
        property(&b, "ACTOR1"),
        Some(&serde_json::json!("Forces armées syriennes"))
    );
    assert_eq!(
        written(&by_id(&d, "SYR3003")).as_deref(),
        Some("2016-08-15/2016-08-21")
    );
}

#[test]
fn ucdp_ged() {
    let d = load("ucdp_ged.csv");
    assert_eq!(d.format(), Format::UcdpGed);
    assert_eq!(d.len(), 3);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    let one = by_id(&d, "ged-900001");
    assert_eq!(one.kind, FeatureKind::Event);
    assert_eq!(written(&one).as_deref(), Some("2016-08-16"));
    assert_eq!(level(&one), Some(PrecisionLevel::Exact));
    assert_eq!(one.sources.len(), 2);
    assert_eq!(one.sources[0].publisher.as_deref(), Some("Reuters"));
    assert_eq!(one.sources[1].publisher.as_deref(), Some("AFP"));
    assert_eq!(
        one.sources[0].title.as_deref(),
        Some("Russian bombers take off from Iran, hit Deir ez-Zor")
    );
    assert_eq!(one.sources[1].published.as_deref(), Some("2016-08-17"));
    assert_eq!(one.claims[0].source_ids().count(), 2);
    assert!(one.claims[0].text.contains("14 deaths (low 10, high 20)"));

    let span = by_id(&d, "ged-900002");
    let when = span.when.expect("dated");
    assert_eq!(when.start_iso().as_deref(), Some("2016-08-14"));
    assert_eq!(when.end_iso().as_deref(), Some("2016-08-20"));
    assert_eq!(level(&span), Some(PrecisionLevel::Area));
    // GED's own date_end is kept as written, beside Sortie's reading of it.
    assert_eq!(
        property(&span, "date_end (GED)"),
        Some(&serde_json::json!("2016-08-20 00:00:00.000"))
    );
    let month = by_id(&d, "ged-900003");
    assert_eq!(
        month.when.and_then(|w| w.end_iso()).as_deref(),
        Some("2016-08-31")
    );
    assert_eq!(level(&month), Some(PrecisionLevel::Approximate));
}

#[test]
fn a_semicolon_spreadsheet_with_decimal_commas() {
    let d = load("spreadsheet_semicolon.csv");
    assert_eq!(d.format(), Format::Table);
    assert_eq!(d.len(), 3);
    assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
    assert_eq!(d.warnings[0].line, Some(4));
    assert_eq!(d.warnings[0].property.as_deref(), Some("Lon"));
    let hamedan = d
        .get(0)
        .map(|f| f.index)
        .map(|i| d.feature(i).unwrap())
        .unwrap();
    assert_eq!(hamedan.name, "Hamedan (Nojeh)");
    assert_eq!(hamedan.kind, FeatureKind::Base);
    assert_eq!(point(&hamedan), (48.65333, 35.21167));
    assert_eq!(written(&hamedan).as_deref(), Some("2016-08-16"));
    assert_eq!(
        hamedan.sources[0].url.as_deref(),
        Some("https://tass.com/defense/895515")
    );
    assert_eq!(
        property(&hamedan, "Comment"),
        Some(&serde_json::json!(
            "Tu-22M3 and Su-34; first sorties on 16 August"
        ))
    );
    let khmeimim = d.feature(2).unwrap();
    assert_eq!(point(&khmeimim), (35.945, 35.41167));
}

#[test]
fn a_wkt_column() {
    let d = load("wkt.csv");
    assert_eq!(d.len(), 3);
    assert_eq!(d.warnings.iter().filter(|w| w.line == Some(5)).count(), 1);
    let w = d.warnings.iter().find(|w| w.line == Some(5)).unwrap();
    assert_eq!(w.property.as_deref(), Some("WKT"));
    let line = by_id(&d, "w2");
    assert!(
        matches!(line.geometry, Some(geo_types::Geometry::LineString(ref l)) if l.0.len() == 2)
    );
    let area = by_id(&d, "w3");
    assert!(matches!(
        area.geometry,
        Some(geo_types::Geometry::Polygon(_))
    ));
    assert_eq!(
        written(&area).as_deref(),
        Some("2016-08-16"),
        "`when` is a date column"
    );
}

#[test]
fn a_table_without_coordinates_is_an_error_naming_the_header() {
    let e = load_path(&fixture("no_coordinates.csv")).unwrap_err();
    let LoadError::Invalid { diagnostic, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!(diagnostic.line, Some(1));
    for named in ["\"title\"", "latitude", "longitude", "wkt"] {
        assert!(diagnostic.message.contains(named), "{e}");
    }
}

#[test]
fn kml_from_google_earth() {
    for name in ["strikes.kml", "strikes.kmz"] {
        let d = load(name);
        assert_eq!(d.len(), 5, "{name}");
        let warned: Vec<_> = d.warnings.iter().filter(|w| w.kind.is_none()).collect();
        assert_eq!(warned.len(), 1, "{name}: {warned:?}");
        assert_eq!(warned[0].line, Some(154), "{name}");
        assert!(warned[0].message.contains("abc"), "{name}");

        let base = by_id(&d, "base-nojeh");
        assert_eq!(
            property(&base, "folder"),
            Some(&serde_json::json!("Bases/Iran"))
        );
        let when = base.when.expect("a TimeSpan");
        assert_eq!(when.start_iso().as_deref(), Some("2016-08-16"));
        assert_eq!(when.end_iso().as_deref(), Some("2016-08-22"));
        assert!(base.location.is_some_and(|l| l.line == 64));

        let route = by_id(&d, "route-nojeh-deir");
        assert!(matches!(
            route.geometry,
            Some(geo_types::Geometry::LineString(_))
        ));
        assert_eq!(
            route.style.stroke.map(|c| c.0),
            Some([0xff, 0, 0]),
            "ff0000ff is red"
        );
        assert!((route.style.stroke_width - 2.0).abs() < 1e-9);

        let multi = by_id(&d, "camps-aleppo-albab");
        assert!(
            matches!(multi.geometry, Some(geo_types::Geometry::MultiPoint(ref m)) if m.0.len() == 2)
        );
        assert!(matches!(
            d.feature(3).unwrap().geometry,
            Some(geo_types::Geometry::Polygon(_))
        ));

        let deir = d
            .full_features()
            .find(|f| f.name == "Deir ez-Zor")
            .expect("Deir ez-Zor");
        assert_eq!(written(&deir).as_deref(), Some("2016-08-16"));
        assert!(
            deir.description
                .as_deref()
                .is_some_and(|h| h.contains("<a href"))
        );
        assert_eq!(deir.sources.len(), 2, "the description's links are sources");
        assert!(
            deir.sources
                .iter()
                .all(|s| s.url.as_deref().is_some_and(|u| u.starts_with("http")))
        );
        assert_eq!(
            property(&deir, "folder"),
            Some(&serde_json::json!("Targets"))
        );
        assert!(
            deir.other_properties.len() >= 3,
            "SimpleData fields are kept: {:?}",
            deir.other_properties
        );
    }
}

#[test]
fn a_truncated_kml_and_a_corrupt_kmz_are_errors_saying_where() {
    let e = load_path(&fixture("truncated.kml")).unwrap_err();
    let LoadError::Invalid { diagnostic, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!(diagnostic.line, Some(118), "{e}");
    assert!(diagnostic.message.contains("truncated"), "{e}");
    assert!(
        diagnostic.message.contains("line 107") || diagnostic.message.contains("line 11"),
        "{e}"
    );

    let e = load_path(&fixture("corrupt.kmz")).unwrap_err();
    assert!(e.to_string().contains("corrupt"), "{e}");
    assert!(e.to_string().contains("corrupt.kmz"), "{e}");
}

fn bundled() -> Dataset {
    load_path(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/datasets/hamedan-2016-08.geojson"),
    )
    .expect("the bundled dataset loads")
}

/// What a round trip must keep of every feature.
fn assert_same_features(a: &Dataset, b: &Dataset) {
    assert_eq!(a.len(), b.len());
    for f in a.full_features() {
        let g = b
            .feature_by_id(&f.id)
            .unwrap_or_else(|| panic!("{} is lost", f.id));
        assert_eq!(f.name, g.name, "{}", f.id);
        assert_eq!(f.kind, g.kind, "{}", f.id);
        assert_eq!(f.description, g.description, "{}", f.id);
        assert_eq!(
            f.date.as_ref().map(|d| d.written().to_owned()),
            written(&g),
            "{}",
            f.id
        );
        assert_eq!(f.when, g.when, "{}", f.id);
        assert_eq!(f.claims, g.claims, "{}", f.id);
        assert_eq!(a.sources_of(&f), b.sources_of(&g), "{}", f.id);
        assert_eq!(f.location_precision, g.location_precision, "{}", f.id);
        let coords = |f: &Feature| -> Vec<(f64, f64)> {
            use geo::CoordsIter as _;
            f.geometry
                .iter()
                .flat_map(|g| g.coords_iter().map(|c| (c.x, c.y)).collect::<Vec<_>>())
                .collect()
        };
        let (ca, cb) = (coords(&f), coords(&g));
        assert_eq!(ca.len(), cb.len(), "{}", f.id);
        for (p, q) in ca.iter().zip(&cb) {
            assert!(
                (p.0 - q.0).abs() < 1e-7 && (p.1 - q.1).abs() < 1e-7,
                "{}",
                f.id
            );
        }
    }
    assert_eq!(a.registry, b.registry);
}

#[test]
fn geojson_to_kml_and_kmz_and_back_keeps_the_features() {
    let dir = tempfile::tempdir().unwrap();
    let original = bundled();
    for format in [ExportFormat::Kml, ExportFormat::Kmz] {
        let kml = dir.path().join(format!("hamedan.{}", format.extension()));
        export(&original, &kml, format).unwrap();
        let read = load_path(&kml).unwrap();
        assert_eq!(
            read.format(),
            if format == ExportFormat::Kml {
                Format::Kml
            } else {
                Format::Kmz
            }
        );
        assert!(read.warnings.is_empty(), "{format}: {:?}", read.warnings);
        assert_same_features(&original, &read);
        let back = dir
            .path()
            .join(format!("back-{}.geojson", format.extension()));
        export(&read, &back, ExportFormat::GeoJson).unwrap();
        let back = load_path(&back).unwrap();
        assert_same_features(&original, &back);
        assert_eq!(
            back.foreign_members
                .iter()
                .find(|(k, _)| k == "attribution"),
            original
                .foreign_members
                .iter()
                .find(|(k, _)| k == "attribution"),
        );
    }
}

#[test]
fn the_kml_is_what_google_earth_reads() {
    let dir = tempfile::tempdir().unwrap();
    let kml = dir.path().join("h.kml");
    export(&bundled(), &kml, ExportFormat::Kml).unwrap();
    let text = std::fs::read_to_string(&kml).unwrap();
    // One folder per kind present, a placemark per feature, a shared style per kind.
    assert_eq!(text.matches("<Folder>").count(), 4);
    assert_eq!(text.matches("<Placemark").count(), 18);
    assert!(text.contains("<Style id=\"kind-base\">"));
    assert!(text.contains("<styleUrl>#kind-route</styleUrl>"));
    assert!(text.contains("<TimeSpan><begin>2016-08-16</begin><end>2016-08-22</end></TimeSpan>"));
    // A route's line follows the geodesic: many more vertices than its two.
    let route = text
        .split("<Placemark id=\"route-nojeh-aleppo\">")
        .nth(1)
        .unwrap();
    let line = route
        .split("<coordinates>")
        .nth(1)
        .unwrap()
        .split("</coordinates>")
        .next()
        .unwrap();
    assert!(line.split(' ').count() > 40, "{}", line.split(' ').count());
    // The balloon links the sources.
    assert!(
        route
            .split("</Placemark>")
            .next()
            .unwrap()
            .contains("<a href=\"https://")
    );
}

#[test]
fn an_acled_import_saved_as_geojson_reopens_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let acled = load("acled_current.csv");
    let saved = dir.path().join("acled.geojson");
    export(&acled, &saved, ExportFormat::GeoJson).unwrap();
    let reopened = load_path(&saved).unwrap();
    assert_eq!(reopened.format(), Format::GeoJson);
    assert!(reopened.warnings.is_empty(), "{:?}", reopened.warnings);
    assert_same_features(&acled, &reopened);
    for f in acled.full_features() {
        let g = reopened.feature(f.index).unwrap();
        assert_eq!(f.other_properties, g.other_properties, "{}", f.id);
    }
}

#[test]
fn a_failed_write_leaves_the_old_file_and_no_partial_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keep.geojson");
    std::fs::write(&path, "the user's file").unwrap();
    let failed = write_atomically(&path, |out| {
        std::io::Write::write_all(out, b"half of it")?;
        Err(std::io::Error::other("disk full"))
    });
    let e = failed.unwrap_err();
    assert!(e.to_string().contains("disk full") && e.to_string().contains("keep.geojson"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "the user's file");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );

    // A target that is a directory cannot be replaced: an error, the directory untouched.
    let target = dir.path().join("a-folder.kml");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("inside"), "x").unwrap();
    assert!(export(&bundled(), &target, ExportFormat::Kml).is_err());
    assert!(target.join("inside").exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);

    // A folder that does not exist.
    assert!(
        export(
            &bundled(),
            &dir.path().join("no/such/dir/x.geojson"),
            ExportFormat::GeoJson
        )
        .is_err()
    );
}

#[test]
fn the_format_is_told_by_content_not_name() {
    let dir = tempfile::tempdir().unwrap();
    // An ACLED export saved as .txt, a KML saved as .xml, a GeoJSON saved as .dat.
    for (from, to, format) in [
        (
            "acled_2019.csv",
            "events.txt",
            Format::Acled(Generation::Lower2019),
        ),
        ("strikes.kml", "strikes.xml", Format::Kml),
        ("strikes.kmz", "strikes.zip", Format::Kmz),
    ] {
        let path = dir.path().join(to);
        std::fs::copy(fixture(from), &path).unwrap();
        assert_eq!(load_path(&path).unwrap().format(), format, "{to}");
    }
    let path = dir.path().join("data.dat");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/datasets/hamedan-2016-08.geojson"),
        &path,
    )
    .unwrap();
    assert_eq!(load_path(&path).unwrap().format(), Format::GeoJson);
}

#[test]
fn a_tables_sources_list_what_rests_on_them_from_any_thread() {
    let d = load("acled_current.csv");
    let here = d.source_uses().to_vec();
    let reuters = here
        .iter()
        .find(|u| u.source.publisher.as_deref() == Some("Reuters"))
        .expect("Reuters is in the registry");
    // SYR1001 cites Reuters; SYR1004, which also does, was skipped.
    assert_eq!(reuters.features, vec![d.index_of("SYR1001").unwrap()]);
    // The window reads them on another thread, from the features' texts.
    let read = std::sync::atomic::AtomicUsize::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let there = d.feature_texts().source_uses(&read, &stop).unwrap();
    assert_eq!(here, there);
    // Every row reads again in full, as the details panel does, with its own line.
    let lines: Vec<usize> = d
        .full_features()
        .filter_map(|f| f.location.map(|l| l.line))
        .collect();
    assert_eq!(lines, vec![2, 3, 4, 7]);
}

fn write_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn spreadsheets_as_people_make_them() {
    let dir = tempfile::tempdir().unwrap();
    // A quote never closed swallows the rows after it: said, with the lines.
    let d = load_path(&write_file(
        &dir,
        "open.csv",
        b"name,lat,lon,notes\na,35.1,48.1,\"never closed\nb,35.2,48.2,fine\nc,35.3,48.3,fine\n",
    ))
    .unwrap();
    assert_eq!(d.len(), 1);
    assert!(
        d.warnings
            .iter()
            .any(|w| w.line == Some(2) && w.message.contains("2–4")),
        "{:?}",
        d.warnings
    );
    // Dates: month first when the day cannot be first, times of day kept, the cell as
    // written kept beside Sortie's reading; a repeated column name and a cell past the
    // header kept; a longitude out of range blamed on the longitude.
    let d = load_path(&write_file(
        &dir,
        "dates.csv",
        b"name,lat,lon,date,lat\nus,35.1,48.1,08/16/2016,1\neu,35.2,48.2,05/06/2016,2,extra\nt,35.3,48.3,2016-08-16 06:30,3\nbad,35.3,200,2016-08-16,4\n",
    ))
    .unwrap();
    assert_eq!(d.len(), 3);
    let us = d.feature(0).unwrap();
    assert_eq!(written(&us).as_deref(), Some("2016-08-16"));
    assert_eq!(
        property(&us, "date (column)"),
        Some(&serde_json::json!("08/16/2016"))
    );
    assert_eq!(property(&us, "lat (column 5)"), Some(&serde_json::json!(1)));
    let eu = d.feature(1).unwrap();
    assert_eq!(
        written(&eu).as_deref(),
        Some("2016-06-05"),
        "day first when both fit"
    );
    assert_eq!(property(&eu, "column 6"), Some(&serde_json::json!("extra")));
    let timed = d.feature(2).unwrap();
    assert_eq!(written(&timed).as_deref(), Some("2016-08-16T06:30"));
    let w = d.warnings.iter().find(|w| w.line == Some(5)).unwrap();
    assert_eq!(w.property.as_deref(), Some("lon"), "{w}");
    // Excel's "Unicode text": UTF-16 with a byte-order mark, tabs.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "name\tlat\tlon\nHamadān\t35.2\t48.6\n".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let d = load_path(&write_file(&dir, "unicode.txt", &utf16)).unwrap();
    assert_eq!(d.feature(0).unwrap().name, "Hamadān");
    assert!(d.warnings[0].message.contains("UTF-16"), "{:?}", d.warnings);
    // An ACLED export saved so is still told by its header.
    let acled = std::fs::read_to_string(fixture("acled_2019.csv")).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in acled.encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let d = load_path(&write_file(&dir, "acled16.txt", &utf16)).unwrap();
    assert_eq!(d.format(), Format::Acled(Generation::Lower2019));
    assert_eq!(d.len(), 3);
}

#[test]
fn google_earth_tracks_and_what_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let kml = br#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document>
<NetworkLink><name>live</name><Link><href>https://example.org/x.kml</href></Link></NetworkLink>
<Placemark id="flight"><name>Flight</name>
<gx:Track><when>2016-08-16T06:00Z</when><when>2016-08-16T07:30Z</when>
<gx:coord>48.6 35.2 9000</gx:coord><gx:coord>40.1 35.3 9000</gx:coord></gx:Track>
</Placemark>
<Placemark id="nowhere"><name>No position</name></Placemark>
</Document>
</kml>"#;
    let d = load_path(&write_file(&dir, "ge.kml", kml)).unwrap();
    assert_eq!(d.len(), 2);
    let flight = by_id(&d, "flight");
    assert!(
        matches!(flight.geometry, Some(geo_types::Geometry::LineString(ref l)) if l.0.len() == 2)
    );
    let when = flight.when.expect("the track's times");
    // From 06:00 to the end of the minute 07:30 (a minute covers its 60 seconds).
    assert_eq!(when.end - when.start, 91 * 60);
    let lines: Vec<Option<usize>> = d
        .warnings
        .iter()
        .filter(|w| w.kind.is_none())
        .map(|w| w.line)
        .collect();
    assert!(
        lines.contains(&Some(4)),
        "the NetworkLink: {:?}",
        d.warnings
    );
    assert!(
        lines.contains(&Some(9)),
        "the placemark without geometry: {:?}",
        d.warnings
    );
    // A workbook is not a KMZ: say what it is.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, b"<workbook/>").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let e = load_path(&write_file(&dir, "book.xlsx", &bytes)).unwrap_err();
    assert!(e.to_string().contains("save the sheet as CSV"), "{e}");
}

#[test]
fn kml_keeps_the_types_of_properties() {
    let dir = tempfile::tempdir().unwrap();
    let geojson = br##"{"type":"FeatureCollection","features":[{"type":"Feature","id":"a",
"geometry":{"type":"Point","coordinates":[48.6,35.2]},
"properties":{"name":"A","s_true":"true","s_num":"42","s_arr":"[1]","n":3.0,"z":null,"stroke-width":3.0,"marker-color":"#00ff00"}},
{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[
 {"type":"Point","coordinates":[40.1,35.3]},{"type":"Point","coordinates":[40.2,35.4]}]},
 "properties":{"note":"a form feed \f here"}}]}"##;
    let original = load_path(&write_file(&dir, "types.geojson", geojson)).unwrap();
    let kml = dir.path().join("types.kml");
    export(&original, &kml, ExportFormat::Kml).unwrap();
    assert!(
        std::fs::read_to_string(&kml)
            .unwrap()
            .contains("<IconStyle><color>ff00ff00</color>")
    );
    let back = load_path(&kml).unwrap();
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    let (a, b) = (by_id(&original, "a"), by_id(&back, "a"));
    assert_eq!(a.other_properties, b.other_properties);
    assert_eq!(a.style, b.style);
    // A feature without an id comes back without one (named by its index), its
    // GeometryCollection as it was, its control character kept (and out of the XML).
    let (a, b) = (original.feature(1).unwrap(), back.feature(1).unwrap());
    assert_eq!((a.id.as_str(), b.id.as_str()), ("#1", "#1"));
    assert_eq!(a.name, b.name);
    assert_eq!(a.geometry, b.geometry);
    assert_eq!(a.other_properties, b.other_properties);
    assert!(!std::fs::read_to_string(&kml).unwrap().contains('\u{c}'));
}

#[test]
fn old_mac_line_endings_and_bare_quotes() {
    let dir = tempfile::tempdir().unwrap();
    // Excel's "CSV (Macintosh)": lines end with a carriage return alone.
    let d = load_path(&write_file(
        &dir,
        "mac.csv",
        b"name,lat,lon\rA,35.1,48.1\rB,35.2,48.2\rC,bad,48.3\r",
    ))
    .unwrap();
    assert_eq!(d.len(), 2);
    let lines: Vec<usize> = d
        .full_features()
        .filter_map(|f| f.location.map(|l| l.line))
        .collect();
    assert_eq!(lines, vec![2, 3]);
    assert_eq!(d.feature(1).unwrap().id, "row-3");
    assert_eq!(d.warnings.first().and_then(|w| w.line), Some(4));
    // A quote inside an unquoted field (5" shells) in a file big enough to be read on
    // several cores, with quoted line breaks after it: every row stays whole.
    let mut text = String::from("name,lat,lon,notes\n");
    text.push_str("a,35,48,5\" shells\n");
    for i in 0..4000 {
        text.push_str(&format!(
            "r{i},35.{i},48,\"two\nlines, and more text to make it long\"\n"
        ));
    }
    let d = load_path(&write_file(&dir, "quotes.csv", text.as_bytes())).unwrap();
    assert_eq!(d.len(), 4001, "{:?}", d.warnings.first());
    assert!(d.warnings.is_empty(), "{:?}", d.warnings.first());
}
