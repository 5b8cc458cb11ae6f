#!/usr/bin/env python3
"""Writes the hand-made importer fixtures under tests/fixtures/import/.

All rows are invented test data shaped like the real formats; no real ACLED or
UCDP rows are copied. Deterministic: running it twice gives identical bytes.
"""
import csv
import io
import os
import random
import sys
import zipfile

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "import")
os.makedirs(OUT, exist_ok=True)


def csv_text(header, rows, delimiter=",", lineterminator="\n"):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator,
                   quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in rows:
        assert len(r) == len(header), (len(r), len(header), r)
        w.writerow(r)
    return buf.getvalue()


def write_bytes(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- 1. ACLED current
ACLED_CURRENT = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,"
                 "sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,"
                 "interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
                 "location,latitude,longitude,geo_precision,source,source_scale,notes,"
                 "fatalities,tags,timestamp").split(",")
assert len(ACLED_CURRENT) == 31


def acled_current_row(**kw):
    row = {k: "" for k in ACLED_CURRENT}
    row.update({"year": "2016", "iso": "760", "region": "Middle East", "country": "Syria"})
    row.update(kw)
    assert set(row) == set(ACLED_CURRENT), set(row) ^ set(ACLED_CURRENT)
    return [row[k] for k in ACLED_CURRENT]


current_rows = [
    acled_current_row(
        event_id_cnty="SYR1001", event_date="2016-08-16", time_precision="1",
        disorder_type="Political violence", event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike", actor1="Military Forces of Russia (2000-)",
        assoc_actor_1="", inter1="8", actor2="Islamic State (Iraq and Syria)",
        assoc_actor_2="", inter2="2", interaction="28", civilian_targeting="",
        admin1="Deir ez-Zor", admin2="Deir ez-Zor", admin3="Deir ez-Zor",
        location="Deir ez-Zor", latitude="35.336", longitude="40.141", geo_precision="1",
        source="Reuters; SANA", source_scale="National-International",
        notes=('On 16 August 2016, bombers that had taken off from Hamedan, Iran, hit '
               'what Moscow called "large depots" on the edge of the city. 4 fatalities '
               'reported.'),
        fatalities="4", tags="", timestamp="1471500000"),
    acled_current_row(
        event_id_cnty="SYR1002", event_date="2016-08-17", time_precision="2",
        disorder_type="Political violence", event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        actor1="Military Forces of Syria (2000-)", assoc_actor_1="", inter1="1",
        actor2="Civilians (Syria)", assoc_actor_2="", inter2="7", interaction="17",
        civilian_targeting="Civilian targeting",
        admin1="Aleppo", admin2="Jebel Saman", admin3="Jebel Saman",
        location="Aleppo", latitude="36.2021", longitude="37.1343", geo_precision="2",
        source="Syrian Observatory for Human Rights", source_scale="Other",
        notes=("Sometime in the week of 17 August 2016, regime artillery hit eastern "
               "neighbourhoods of Aleppo. No fatalities reported."),
        fatalities="0", tags="", timestamp="1471600000"),
    acled_current_row(
        event_id_cnty="SYR1003", event_date="2016-08-15", time_precision="3",
        disorder_type="Demonstrations", event_type="Protests",
        sub_event_type="Peaceful protest", actor1="Protesters (Syria)", assoc_actor_1="",
        inter1="6", actor2="", assoc_actor_2="", inter2="0", interaction="60",
        civilian_targeting="",
        admin1="Idlib", admin2="Idleb", admin3="Idleb",
        location="Idlib", latitude="35.9306", longitude="36.6339", geo_precision="3",
        source="Local Coordination Committees; Twitter", source_scale="Local partner-Other",
        notes=("In mid-August 2016, residents gathered in the centre of Idlib.\n"
               "They spoke out against the air raids on the province."),
        fatalities="0", tags="crowd size=no report", timestamp="1471700000"),
    acled_current_row(
        event_id_cnty="SYR1004", event_date="2016-08-16", time_precision="1",
        disorder_type="Political violence", event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike", actor1="Military Forces of Russia (2000-)",
        assoc_actor_1="", inter1="8", actor2="Islamic State (Iraq and Syria)",
        assoc_actor_2="", inter2="2", interaction="28", civilian_targeting="",
        admin1="Aleppo", admin2="Al Bab", admin3="Al Bab",
        location="Al Bab", latitude="not-a-number", longitude="37.5178", geo_precision="1",
        source="Reuters", source_scale="International",
        notes="On 16 August 2016, aircraft struck a training camp outside Al Bab.",
        fatalities="2", tags="", timestamp="1471500000"),
    acled_current_row(
        event_id_cnty="SYR1005", event_date="2016-08-18", time_precision="1",
        disorder_type="Political violence", event_type="Battles",
        sub_event_type="Armed clash", actor1="Military Forces of Syria (2000-)",
        assoc_actor_1="", inter1="1", actor2="Jaish al Fateh", assoc_actor_2="",
        inter2="2", interaction="12", civilian_targeting="",
        admin1="Idlib", admin2="Idleb", admin3="Saraqab",
        location="Saraqib", latitude="35.8644", longitude="36.8006", geo_precision="1",
        source="Step News Agency", source_scale="Local partner-Other",
        notes="On 18 August 2016, government troops and opposition fighters clashed east of Saraqib. 3 fatalities.",
        fatalities="3", tags="", timestamp="1471800000"),
]
write_bytes("acled_current.csv",
            b"\xef\xbb\xbf" + csv_text(ACLED_CURRENT, current_rows, lineterminator="\r\n").encode("utf-8"))

# ---------------------------------------------------------------- 2. ACLED 2019-2023
ACLED_2019 = ("data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,"
              "event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,"
              "inter2,interaction,region,country,admin1,admin2,admin3,location,latitude,"
              "longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,"
              "iso3").split(",")
assert len(ACLED_2019) == 31


def acled_2019_row(**kw):
    row = {k: "" for k in ACLED_2019}
    row.update({"iso": "760", "year": "2016", "region": "Middle East", "country": "Syria",
                "iso3": "SYR"})
    row.update(kw)
    assert set(row) == set(ACLED_2019), set(row) ^ set(ACLED_2019)
    return [row[k] for k in ACLED_2019]


rows_2019 = [
    acled_2019_row(
        data_id="7002001", event_id_cnty="SYR2001", event_id_no_cnty="2001",
        event_date="16 August 2016", time_precision="1",
        event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
        actor1="Military Forces of Russia (2000-)", inter1="8",
        actor2="Islamic State (Iraq and Syria)", inter2="2", interaction="28",
        admin1="Deir ez-Zor", admin2="Deir ez-Zor", admin3="Deir ez-Zor",
        location="Deir ez-Zor", latitude="35.336", longitude="40.141", geo_precision="1",
        source="Reuters", source_scale="International",
        notes="On 16 August 2016, bombers flying from Iran hit depots near the city.",
        fatalities="4", timestamp="1552000000"),
    acled_2019_row(
        data_id="7002002", event_id_cnty="SYR2002", event_id_no_cnty="2002",
        event_date="17 August 2016", time_precision="1",
        event_type="Explosions/Remote violence",
        sub_event_type="Remote explosive/landmine/IED",
        actor1="Unidentified Armed Group (Syria)", inter1="3",
        actor2="Civilians (Syria)", inter2="7", interaction="37",
        admin1="Aleppo", admin2="Al Bab", admin3="Al Bab",
        location="Al Bab", latitude="36.3725", longitude="37.5178", geo_precision="1",
        source="Syrian Observatory for Human Rights", source_scale="Other",
        notes="On 17 August 2016, a roadside device went off on the road into Al Bab, injuring two.",
        fatalities="0", timestamp="1552000001"),
    acled_2019_row(
        data_id="7002003", event_id_cnty="SYR2003", event_id_no_cnty="2003",
        event_date="18 August 2016", time_precision="2",
        event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
        actor1="Military Forces of Russia (2000-)", inter1="8",
        actor2="Islamic State (Iraq and Syria)", inter2="2", interaction="28",
        admin1="Deir ez-Zor", admin2="Deir ez-Zor", admin3="Deir ez-Zor",
        location="Al Jafra", latitude="35.2853", longitude="40.1758", geo_precision="2",
        source="Russian Ministry of Defence; TASS", source_scale="National-International",
        notes="Around 18 August 2016, strikes were reported on command posts near Al Jafra.",
        fatalities="6", timestamp="1552000002"),
]
write_bytes("acled_2019.csv", csv_text(ACLED_2019, rows_2019, lineterminator="\n").encode("utf-8"))

# ---------------------------------------------------------------- 3. ACLED before 2019 (Latin-1)
ACLED_PRE = ("GWNO,EVENT_ID_CNTY,EVENT_ID_NO_CNTY,EVENT_DATE,YEAR,TIME_PRECISION,EVENT_TYPE,"
             "ACTOR1,ALLY_ACTOR_1,INTER1,ACTOR2,ALLY_ACTOR_2,INTER2,INTERACTION,COUNTRY,"
             "ADMIN1,ADMIN2,ADMIN3,LOCATION,LATITUDE,LONGITUDE,GEO_PRECISION,SOURCE,NOTES,"
             "FATALITIES").split(",")
assert len(ACLED_PRE) == 25
rows_pre = [
    ["652", "SYR3001", "3001", "16/08/2016", "2016", "1", "Remote violence",
     "Military Forces of Russia", "", "8", "Islamic State", "", "2", "28", "Syria",
     "Dayr az Zawr", "Dayr az Zawr", "", "Dayr az Zawr (Deir ez-Zôr)", "35.336", "40.141",
     "1", "Süddeutsche Zeitung",
     "Bombers based at Hamedan struck depots, according to Moscow.", "4"],
    ["652", "SYR3002", "3002", "17/08/2016", "2016", "1", "Battle-No change of territory",
     "Forces armées syriennes", "Hezbollah", "1", "Jaish al Fateh", "", "2", "12", "Syria",
     "Halab", "Jabal Saman", "", "Aleppo", "36.2021", "37.1343", "2",
     "Agence France-Presse", "Fighting in the south of the city; neither side gained ground.",
     "11"],
    ["652", "SYR3003", "3003", "18/08/2016", "2016", "2", "Violence against civilians",
     "Islamic State", "", "2", "Civilians (Syria)", "", "7", "27", "Syria",
     "Idlib", "Idlib", "", "Saraqib", "35.8644", "36.8006", "2",
     "Local sources",
     "Militants detained and beat a group of traders on the main road.", "0"],
]
write_bytes("acled_pre2019.csv",
            csv_text(ACLED_PRE, rows_pre, lineterminator="\r\n").encode("latin-1"))

# ---------------------------------------------------------------- 4. UCDP GED
GED = ("id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,"
       "conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,"
       "side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,"
       "source_article,source_office,source_date,source_headline,source_original,"
       "where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,"
       "geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,"
       "date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,"
       "gwnob").split(",")
assert len(GED) == 49


def priogrid(lat, lon):
    row = int((lat + 90) // 0.5) + 1
    col = int((lon + 180) // 0.5) + 1
    return (row - 1) * 720 + col


def ged_row(**kw):
    assert set(kw) == set(GED), set(kw) ^ set(GED)
    lat, lon = float(kw["latitude"]), float(kw["longitude"])
    assert kw["geom_wkt"] == f"POINT ({kw['longitude']} {kw['latitude']})"
    assert kw["priogrid_gid"] == str(priogrid(lat, lon))
    d = [int(kw[k]) for k in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")]
    assert sum(d) == int(kw["best"]) and int(kw["low"]) <= int(kw["best"]) <= int(kw["high"])
    return [kw[k] for k in GED]


ged_rows = [
    ged_row(id="900001", relid="SYR-2016-1-9001-1", year="2016", active_year="1",
            code_status="Clear", type_of_violence="1", conflict_dset_id="9001",
            conflict_new_id="9001", conflict_name="Syria: Government",
            dyad_dset_id="9101", dyad_new_id="9101", dyad_name="Government of Syria - IS",
            side_a_dset_id="90", side_a_new_id="90",
            side_a="Government of Syria",
            side_b_dset_id="9201", side_b_new_id="9201", side_b="IS", number_of_sources="2",
            source_article=("Reuters,2016-08-16,Bombers fly from Iran to hit Syria;"
                            "AFP,2016-08-17,Moscow says depots and camps destroyed"),
            source_office="Reuters;AFP", source_date="2016-08-16;2016-08-17",
            source_headline=("Russian bombers take off from Iran, hit Deir ez-Zor;"
                             "Moscow: depots, camps, command posts destroyed"),
            source_original="Russian Ministry of Defence", where_prec="1",
            where_coordinates="Deir ez-Zor town", where_description="outskirts of Deir ez-Zor",
            adm_1="Dayr az Zawr governorate", adm_2="Dayr az Zawr district",
            latitude="35.336", longitude="40.141", geom_wkt="POINT (40.141 35.336)",
            priogrid_gid=str(priogrid(35.336, 40.141)), country="Syria", country_id="652",
            region="Middle East", event_clarity="1", date_prec="1",
            date_start="2016-08-16", date_end="2016-08-16",
            deaths_a="0", deaths_b="12", deaths_civilians="2", deaths_unknown="0",
            best="14", high="20", low="10", gwnoa="652", gwnob=""),
    ged_row(id="900002", relid="SYR-2016-2-9002-1", year="2016", active_year="1",
            code_status="Clear", type_of_violence="2", conflict_dset_id="9002",
            conflict_new_id="9002", conflict_name="IS - Jaish al-Fateh",
            dyad_dset_id="9102", dyad_new_id="9102", dyad_name="IS - Jaish al-Fateh",
            side_a_dset_id="9201", side_a_new_id="9201", side_a="IS",
            side_b_dset_id="9202", side_b_new_id="9202", side_b="Jaish al-Fateh",
            number_of_sources="1",
            source_article="Step News Agency,2016-08-21,Week of clashes in Idlib countryside",
            source_office="Step News Agency", source_date="2016-08-21",
            source_headline="Clashes in Idlib countryside, several dead",
            source_original="local activists", where_prec="4",
            where_coordinates="Idlib governorate", where_description="somewhere in Idlib governorate",
            adm_1="Idlib governorate", adm_2="",
            latitude="35.8", longitude="36.6", geom_wkt="POINT (36.6 35.8)",
            priogrid_gid=str(priogrid(35.8, 36.6)), country="Syria", country_id="652",
            region="Middle East", event_clarity="2", date_prec="3",
            date_start="2016-08-14 00:00:00.000", date_end="2016-08-20 00:00:00.000",
            deaths_a="3", deaths_b="4", deaths_civilians="0", deaths_unknown="1",
            best="8", high="8", low="5", gwnoa="", gwnob=""),
    ged_row(id="900003", relid="SYR-2016-3-9003-1", year="2016", active_year="0",
            code_status="Clear", type_of_violence="3", conflict_dset_id="9003",
            conflict_new_id="9003", conflict_name="IS - civilians",
            dyad_dset_id="9103", dyad_new_id="9103", dyad_name="IS - civilians",
            side_a_dset_id="9201", side_a_new_id="9201", side_a="IS",
            side_b_dset_id="1", side_b_new_id="1", side_b="Civilians",
            number_of_sources="1",
            source_article="Syrian Observatory for Human Rights,2016-09-02,August summary",
            source_office="Syrian Observatory for Human Rights", source_date="2016-09-02",
            source_headline="August toll: killings near Aleppo, Al-Bab",
            source_original="SOHR network", where_prec="2",
            where_coordinates="Aleppo town", where_description="villages within 25 km of Aleppo",
            adm_1="Aleppo governorate", adm_2="Jabal Saman district",
            latitude="36.2021", longitude="37.1343", geom_wkt="POINT (37.1343 36.2021)",
            priogrid_gid=str(priogrid(36.2021, 37.1343)), country="Syria", country_id="652",
            region="Middle East", event_clarity="1", date_prec="4",
            date_start="2016-08-01", date_end="2016-08-31",
            deaths_a="0", deaths_b="0", deaths_civilians="5", deaths_unknown="0",
            best="5", high="7", low="5", gwnoa="", gwnob=""),
]
write_bytes("ucdp_ged.csv", csv_text(GED, ged_rows, lineterminator="\n").encode("utf-8"))

# ---------------------------------------------------------------- 5. semicolon spreadsheet
SEMI = ["Name", "Lat", "Lon", "Date", "Kind", "Link", "Comment"]
semi_rows = [
    ["Hamedan (Nojeh)", "35,21167", "48,65333", "2016-08-16", "base",
     "https://tass.com/defense/895515", "Tu-22M3 and Su-34; first sorties on 16 August"],
    ["Deir ez-Zor", "35,336", "40,141", "2016-08-16", "target",
     "https://www.voanews.com/a/russian-warplanes-use-iranian-airbase-to-stage-syrian-airstrikes/3467078.html",
     "depots and command posts; ministry claim"],
    ["Aleppo", "36,2021", "", "2016-08-16", "place",
     "https://www.airforcemag.com/russia-gets-safe-passage-for-isis-strikes/",
     "longitude left empty on purpose"],
    ["Khmeimim", "35,41167", "35,945", "2016-08-18", "base",
     "https://theiranproject.com/blog/2016/08/18/russian-tu-22m3-su-34-conduct-group-strike-daesh-syria-iran-russia/",
     "escort fighters; Su-30SM and Su-35S"],
]
write_bytes("spreadsheet_semicolon.csv",
            csv_text(SEMI, semi_rows, delimiter=";", lineterminator="\r\n").encode("utf-8"))

# ---------------------------------------------------------------- 6. WKT column
WKT = ["id", "name", "WKT", "when", "note"]
wkt_rows = [
    ["w1", "Nojeh air base", "POINT (48.7 35.2)", "2016-08-16", "rounded position"],
    ["w2", "Route to Deir ez-Zor", "LINESTRING (48.7 35.2, 40.141 35.336)", "2016-08-16",
     "schematic, not a flown track"],
    ["w3", "Idlib strike area", "POLYGON ((36 35, 37 35, 37 36, 36 36, 36 35))", "2016-08-16",
     "one-degree box"],
    ["w4", "Broken geometry", "POINT (bad)", "2016-08-17", "must warn"],
]
write_bytes("wkt.csv", csv_text(WKT, wkt_rows, lineterminator="\n").encode("utf-8"))

# ---------------------------------------------------------------- 7. no coordinates
write_bytes("no_coordinates.csv", csv_text(
    ["title", "author", "year"],
    [["Russia using Iranian bases against Islamic State", "Carlo Muñoz", "2016"],
     ["Russia Gets Safe Passage for ISIS Strikes", "Air Force Magazine", "2016"]],
    lineterminator="\n").encode("utf-8"))

# ---------------------------------------------------------------- 8. KML
KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2" xmlns:kml="http://www.opengis.net/kml/2.2" xmlns:atom="http://www.w3.org/2005/Atom">
<Document>
	<name>Russian strikes from Hamedan, August 2016</name>
	<open>1</open>
	<LookAt>
		<longitude>43.5</longitude>
		<latitude>35.5</latitude>
		<altitude>0</altitude>
		<heading>0</heading>
		<tilt>0</tilt>
		<range>1800000</range>
		<gx:altitudeMode>relativeToSeaFloor</gx:altitudeMode>
	</LookAt>
	<Schema name="strike" id="strike">
		<SimpleField type="string" name="aircraft">
			<displayName>Aircraft</displayName>
		</SimpleField>
		<SimpleField type="int" name="depots_claimed">
			<displayName>Depots claimed</displayName>
		</SimpleField>
	</Schema>
	<Style id="sn_strike">
		<IconStyle>
			<color>ff0000ff</color>
			<scale>1.1</scale>
			<Icon>
				<href>http://maps.google.com/mapfiles/kml/shapes/target.png</href>
			</Icon>
		</IconStyle>
		<LineStyle>
			<color>ff0000ff</color>
			<width>2</width>
		</LineStyle>
	</Style>
	<Style id="sh_strike">
		<IconStyle>
			<color>ff00ffff</color>
			<scale>1.3</scale>
			<Icon>
				<href>http://maps.google.com/mapfiles/kml/shapes/target.png</href>
			</Icon>
		</IconStyle>
		<LineStyle>
			<color>ff00ffff</color>
			<width>4</width>
		</LineStyle>
	</Style>
	<StyleMap id="msn_strike">
		<Pair>
			<key>normal</key>
			<styleUrl>#sn_strike</styleUrl>
		</Pair>
		<Pair>
			<key>highlight</key>
			<styleUrl>#sh_strike</styleUrl>
		</Pair>
	</StyleMap>
	<Folder>
		<name>Bases</name>
		<open>1</open>
		<Folder>
			<name>Iran</name>
			<Placemark id="base-nojeh">
				<name>Hamedan (Nojeh)</name>
				<description>Shahid Nojeh air base, 47 km north of Hamedan &amp; 1 km west of Kabudrahang.</description>
				<TimeSpan>
					<begin>2016-08-16</begin>
					<end>2016-08-22</end>
				</TimeSpan>
				<styleUrl>#sn_strike</styleUrl>
				<ExtendedData>
					<Data name="icao">
						<value>OIHS</value>
					</Data>
					<Data name="aircraft">
						<displayName>Aircraft</displayName>
						<value>Tu-22M3, Su-34</value>
					</Data>
				</ExtendedData>
				<Point>
					<gx:altitudeMode>clampToSeaFloor</gx:altitudeMode>
					<coordinates>48.65333,35.21167,0</coordinates>
				</Point>
			</Placemark>
		</Folder>
	</Folder>
	<Folder>
		<name>Targets</name>
		<Placemark id="target-deir">
			<name>Deir ez-Zor</name>
			<description><![CDATA[<p>Depots and command posts reported hit on the first day; see the <a href="https://tass.com/world/894618">TASS report</a> and the <a href="https://www.voanews.com/a/russian-warplanes-use-iranian-airbase-to-stage-syrian-airstrikes/3467078.html">VOA story</a>.</p>]]></description>
			<TimeStamp>
				<when>2016-08-16</when>
			</TimeStamp>
			<styleUrl>#msn_strike</styleUrl>
			<ExtendedData>
				<SchemaData schemaUrl="#strike">
					<SimpleData name="aircraft">Tu-22M3</SimpleData>
					<SimpleData name="depots_claimed">5</SimpleData>
				</SchemaData>
			</ExtendedData>
			<Point>
				<coordinates>40.141,35.336,0</coordinates>
			</Point>
		</Placemark>
		<Placemark id="route-nojeh-deir">
			<name>Route Hamedan → Deir ez-Zor</name>
			<description>Schematic line; the flown track is not public.</description>
			<TimeSpan>
				<begin>2016-08-16</begin>
				<end>2016-08-18</end>
			</TimeSpan>
			<styleUrl>#msn_strike</styleUrl>
			<LineString>
				<tessellate>1</tessellate>
				<coordinates>
					48.65333,35.21167,0 44.5,34.6,0
					40.141,35.336,0
				</coordinates>
			</LineString>
		</Placemark>
		<Placemark>
			<name>Idlib strike area</name>
			<TimeStamp>
				<when>2016-08-16</when>
			</TimeStamp>
			<styleUrl>#sn_strike</styleUrl>
			<Polygon>
				<tessellate>1</tessellate>
				<outerBoundaryIs>
					<LinearRing>
						<coordinates>
							36.3,35.6,0 36.9,35.6,0 36.9,36.2,0 36.3,36.2,0 36.3,35.6,0 
						</coordinates>
					</LinearRing>
				</outerBoundaryIs>
			</Polygon>
		</Placemark>
		<Placemark id="camps-aleppo-albab">
			<name>Aleppo and Al-Bab camps</name>
			<TimeStamp>
				<when>2016-08-16</when>
			</TimeStamp>
			<MultiGeometry>
				<Point>
					<coordinates>37.1343,36.2021,0</coordinates>
				</Point>
				<Point>
					<coordinates>37.5178,36.3725,0</coordinates>
				</Point>
			</MultiGeometry>
		</Placemark>
		<Placemark>
			<name>Al-Jafra (broken coordinates)</name>
			<TimeStamp>
				<when>2016-08-16</when>
			</TimeStamp>
			<Point>
				<coordinates>abc</coordinates>
			</Point>
		</Placemark>
	</Folder>
</Document>
</kml>
"""
KML_BYTES = KML.encode("utf-8")
write_bytes("strikes.kml", KML_BYTES)

# ---------------------------------------------------------------- 9. KMZ
def kmz_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("doc.kml", date_time=(2016, 8, 16, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        z.writestr(info, KML_BYTES)
    return buf.getvalue()


KMZ = kmz_bytes()
write_bytes("strikes.kmz", KMZ)

# ---------------------------------------------------------------- 10. truncated KML
CUT_MARK = "\t\t\t\t\t48.65333,35.21167,0 44.5,34.6,0\n"
cut_at = KML.index(CUT_MARK) + len("\t\t\t\t\t48.65333,35.21167,0 44.5,")
write_bytes("truncated.kml", KML[:cut_at].encode("utf-8"))

# ---------------------------------------------------------------- 11. corrupt KMZ
garbage = random.Random(20160816).randbytes(700)
assert b"PK" not in garbage
write_bytes("corrupt.kmz", KMZ[:300] + garbage)

print("wrote fixtures to", OUT)
