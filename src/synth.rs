//! Synthetic datasets for benchmarks and stress tests: points (bases, targets, places) and
//! routes from bases to targets, each with a claim and its source and a date of mixed
//! precision in 2016 (days, months, uncertain days, intervals), from a fixed seed. A
//! million points and a hundred thousand routes come to about 290 MB. A leaf: it writes
//! GeoJSON text and knows nothing of the model that reads it.

use std::io::{self, Write};

/// A small deterministic generator (xorshift64*): the same seed gives the same dataset.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (zero is replaced, as xorshift needs a non-zero state).
    pub fn new(seed: u64) -> Self {
        Self(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next number in 0..1.
    pub fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        #[allow(clippy::cast_precision_loss)]
        let x = (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64;
        #[allow(clippy::cast_precision_loss)]
        let scale = (1u64 << 53) as f64;
        x / scale
    }

    /// A number in `lo..hi`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next_f64()
    }

    /// An index in `0..n` (`n` > 0).
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_f64() * n as f64) as usize).min(n.saturating_sub(1))
    }
}

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SynthSpec {
    /// Point features (one in a hundred a base, the rest targets and places).
    pub points: usize,
    /// Routes from a base to another point.
    pub routes: usize,
    /// The seed.
    pub seed: u64,
}

/// The region points are spread over: the Middle East, `[west, south, east, north]`.
pub const REGION: [f64; 4] = [30.0, 20.0, 60.0, 45.0];

/// Writes a GeoJSON FeatureCollection for `spec`, one feature per line.
///
/// # Errors
/// When writing fails.
pub fn write_dataset(spec: SynthSpec, out: &mut dyn Write) -> io::Result<()> {
    let mut rng = Rng::new(spec.seed);
    let bases = (spec.points / 100).max(1).min(spec.points);
    let mut positions = Vec::with_capacity(spec.points);
    writeln!(
        out,
        "{{\"type\":\"FeatureCollection\",\"name\":\"synthetic, seed {}\",\"features\":[",
        spec.seed
    )?;
    for i in 0..spec.points {
        let lon = rng.range(REGION[0], REGION[2]);
        let lat = rng.range(REGION[1], REGION[3]);
        positions.push((lon, lat));
        let kind = if i < bases {
            "base"
        } else if rng.next_f64() < 0.6 {
            "target"
        } else {
            "place"
        };
        let date = synth_date(&mut rng);
        let status = ["reported", "claimed", "confirmed", "disputed", "denied"][rng.below(5)];
        let sep = if i + 1 < spec.points || spec.routes > 0 {
            ","
        } else {
            ""
        };
        writeln!(
            out,
            "{{\"type\":\"Feature\",\"id\":\"p{i}\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon:.5},{lat:.5}]}},\
\"properties\":{{\"kind\":\"{kind}\",\"name\":\"{kind} {i}\",\"date\":\"{date}\",\
\"claims\":[{{\"text\":\"Strike near {i}\",\"status\":\"{status}\",\"sources\":[\"a{i}\"]}}],\
\"sources\":[{{\"id\":\"a{i}\",\"publisher\":\"P{s}\",\"url\":\"https://e.org/{i}\"}}]}}}}{sep}",
            s = i % 97,
        )?;
    }
    for j in 0..spec.routes {
        let from = rng.below(bases);
        let to = bases + rng.below(spec.points.saturating_sub(bases).max(1));
        let (Some(a), Some(b)) = (
            positions.get(from),
            positions.get(to.min(spec.points.saturating_sub(1))),
        ) else {
            continue;
        };
        let to = to.min(spec.points.saturating_sub(1));
        let sep = if j + 1 < spec.routes { "," } else { "" };
        // Half the routes carry their own day; the others follow their ends.
        let date = if rng.next_f64() < 0.5 {
            format!(
                "\"date\":\"2016-{:02}-{:02}\",",
                1 + rng.below(12),
                1 + rng.below(28)
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "{{\"type\":\"Feature\",\"id\":\"r{j}\",\"geometry\":{{\"type\":\"LineString\",\"coordinates\":[[{:.5},{:.5}],[{:.5},{:.5}]]}},\
\"properties\":{{\"kind\":\"route\",\"name\":\"Route {j}\",{date}\"from\":\"p{from}\",\"to\":\"p{to}\",\"schematic\":true,\"aircraft\":[\"Su-34\"],\
\"claims\":[{{\"text\":\"Sortie {j}\",\"status\":\"claimed\",\"sources\":[\"q{j}\"]}}],\
\"sources\":[{{\"id\":\"q{j}\",\"publisher\":\"Ministry {}\",\"url\":\"https://example.com/r/{j}\"}}]}}}}{sep}",
            a.0,
            a.1,
            b.0,
            b.1,
            j % 7
        )?;
    }
    writeln!(out, "]}}")
}

/// A date in 2016 of mixed precision, as investigators have them: mostly days, then months,
/// uncertain days, intervals of a few days, approximate months.
fn synth_date(rng: &mut Rng) -> String {
    let month = 1 + rng.below(12);
    let roll = rng.next_f64();
    if roll < 0.60 {
        format!("2016-{month:02}-{:02}", 1 + rng.below(28))
    } else if roll < 0.75 {
        format!("2016-{month:02}")
    } else if roll < 0.85 {
        format!("2016-{month:02}-{:02}?", 1 + rng.below(28))
    } else if roll < 0.95 {
        let day = 1 + rng.below(18);
        format!(
            "2016-{month:02}-{day:02}/2016-{month:02}-{:02}",
            day + 1 + rng.below(10)
        )
    } else {
        format!("2016-{month:02}~")
    }
}

/// The header of ACLED's current exports (31 columns).
pub const ACLED_HEADER: &str = "event_id_cnty,event_date,year,time_precision,disorder_type,\
event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,\
civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,\
geo_precision,source,source_scale,notes,fatalities,tags,timestamp";

/// Writes an ACLED-shaped CSV (the current 31 columns, a byte-order mark, CRLF lines as ACLED
/// exports have them) of `spec.points` events in 2016, one in three an air or drone strike
/// or shelling, with one to three sources and notes of a sentence or two. Routes are not
/// written (ACLED has none).
///
/// # Errors
/// When writing fails.
pub fn write_acled_csv(spec: SynthSpec, out: &mut dyn Write) -> io::Result<()> {
    const EVENTS: [(&str, &str, &str); 6] = [
        (
            "Political violence",
            "Explosions/Remote violence",
            "Air/drone strike",
        ),
        (
            "Political violence",
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
        ),
        ("Political violence", "Battles", "Armed clash"),
        (
            "Political violence",
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
        ),
        ("Demonstrations", "Protests", "Peaceful protest"),
        ("Political violence", "Violence against civilians", "Attack"),
    ];
    const SOURCES: [&str; 8] = [
        "Reuters",
        "SANA",
        "Syrian Observatory for Human Rights",
        "Step News Agency",
        "Enab Baladi",
        "AFP",
        "Local Coordination Committees",
        "Twitter",
    ];
    const PLACES: [(&str, &str); 5] = [
        ("Deir ez-Zor", "Deir-ez-Zor"),
        ("Aleppo", "Aleppo"),
        ("Idlib", "Idleb"),
        ("Saraqib", "Idleb"),
        ("Al Mayadin", "Deir-ez-Zor"),
    ];
    let mut rng = Rng::new(spec.seed);
    out.write_all(b"\xEF\xBB\xBF")?;
    write!(out, "{ACLED_HEADER}\r\n")?;
    for i in 0..spec.points {
        let lon = rng.range(REGION[0], REGION[2]);
        let lat = rng.range(REGION[1], REGION[3]);
        let (disorder, event, sub) = EVENTS[rng.below(EVENTS.len())];
        let (location, admin1) = PLACES[rng.below(PLACES.len())];
        let month = 1 + rng.below(12);
        let day = 1 + rng.below(28);
        let precision = [1, 1, 1, 1, 2, 3][rng.below(6)];
        let sources: Vec<&str> = (0..1 + rng.below(3))
            .map(|_| SOURCES[rng.below(SOURCES.len())])
            .collect();
        let fatalities = if rng.next_f64() < 0.6 {
            0
        } else {
            rng.below(30)
        };
        write!(
            out,
            "SYR{i},2016-{month:02}-{day:02},2016,{precision},{disorder},{event},{sub},\
Military Forces of Russia (2000-),,8,Islamic State (Syria),,2,28,,760,Middle East,Syria,\
{admin1},{admin1},,{location},{lat:.4},{lon:.4},{geo},{source},Other-National,\
\"On 2016-{month:02}-{day:02}, {sub_lower} reported near {location}, \"\"event {i}\"\"; \
{fatalities} reported killed.\",{fatalities},,{timestamp}\r\n",
            geo = 1 + rng.below(3),
            source = sources.join("; "),
            sub_lower = sub.to_lowercase(),
            timestamp = 1_451_606_400 + i,
        )?;
    }
    Ok(())
}

/// The dataset for `spec` as a string.
pub fn dataset_text(spec: SynthSpec) -> String {
    let mut bytes = Vec::new();
    // Writing to a Vec cannot fail.
    write_dataset(spec, &mut bytes).ok();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_dataset_and_it_loads_cleanly() {
        let spec = SynthSpec {
            points: 500,
            routes: 50,
            seed: 7,
        };
        let a = dataset_text(spec);
        assert_eq!(a, dataset_text(spec));
        assert_ne!(a, dataset_text(SynthSpec { seed: 8, ..spec }));
        let d = crate::dataset::parse_str(&a, None).expect("loads");
        assert!(d.warnings.is_empty(), "{:?}", d.warnings.first());
        assert_eq!(d.len(), 550);
        assert_eq!(d.iter().filter(|f| f.route.is_some()).count(), 50);
        assert!(d.full_features().all(|f| !f.sources.is_empty()));
    }

    #[test]
    fn the_acled_csv_reads_as_acled_without_warnings() {
        let spec = SynthSpec {
            points: 300,
            routes: 0,
            seed: 3,
        };
        let mut bytes = Vec::new();
        write_acled_csv(spec, &mut bytes).ok();
        let path = std::path::Path::new("synth.csv");
        assert_eq!(
            crate::dataset::formats::detect(&bytes, Some(path)),
            crate::dataset::formats::Format::Acled(crate::dataset::formats::Generation::Current)
        );
        let d = crate::dataset::parse_bytes(&bytes, Some(path)).expect("loads");
        assert!(d.warnings.is_empty(), "{:?}", d.warnings.first());
        assert_eq!(d.len(), 300);
        assert!(
            d.full_features()
                .all(|f| f.claims.len() == 1 && f.when.is_some())
        );
    }
}
