#!/usr/bin/env python3
"""Reference values for tests/routes.rs, computed independently of Sortie's code.

    pip install geographiclib==2.1 shapely==2.*
    python3 tests/reference/airspace_reference.py

Lengths and bearings: GeographicLib 2.1 (Python), Geodesic.WGS84.Inverse.
Airspace: the geodesic is sampled every 100 m with Geodesic.WGS84.InverseLine, each sample is
placed in a country with shapely's point-in-polygon test against Natural Earth 1:10m
admin-0 polygons (world-atlas@2.0.2 countries-10m, decoded with the TopoJSON reader of
assets/basemap/regenerate.py), and a country's km is 0.1 km times its samples. This shares
no code with Sortie's method (chord intersection with an R-tree of boundary edges).
"""
import os
import sys
import tempfile

from geographiclib.geodesic import Geodesic
from shapely.geometry import Point, Polygon
from shapely.prepared import prep

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "assets", "basemap"))
import regenerate  # noqa: E402

G = Geodesic.WGS84
ROUTES = {
    "hamedan_deir_ez_zor": [(48.65333, 35.21167), (40.150, 35.333)],
    "hamedan_aleppo": [(48.65333, 35.21167), (37.167, 36.217)],
    "tokyo_san_francisco": [(139.6917, 35.6895), (-122.4194, 37.7749)],
    "two_legs": [(48.65333, 35.21167), (44.0, 37.0), (40.150, 35.333)],
    "inside_iran": [(51.389, 35.689), (51.668, 32.654)],
}


def lengths():
    for name, pts in ROUTES.items():
        legs = [G.Inverse(a[1], a[0], b[1], b[0]) for a, b in zip(pts, pts[1:])]
        total = sum(l["s12"] for l in legs) / 1000
        print(f"{name}: length_km={total:.4f} legs_km={[round(l['s12'] / 1000, 4) for l in legs]} "
              f"initial={legs[0]['azi1'] % 360:.4f} final={legs[-1]['azi2'] % 360:.4f}")


def airspace():
    with tempfile.TemporaryDirectory() as work:
        roots = regenerate.fetch(work)
        topo = regenerate.Topo(os.path.join(roots["world-atlas"], "countries-10m.json"))
        shapes = []
        for g in topo.objects("countries"):
            for poly in regenerate.cut_polygons(topo.polygons(g)):
                rings = [[(x / regenerate.GRID, y / regenerate.GRID) for x, y in r] for r in poly if len(r) >= 4]
                if not rings:
                    continue
                # Rings come in no set order and are read even-odd: combine them by
                # symmetric difference.
                shape = Polygon(rings[0]).buffer(0)
                for r in rings[1:]:
                    shape = shape.symmetric_difference(Polygon(r).buffer(0))
                shapes.append((g.get("properties", {}).get("name", ""), prep(shape), shape.bounds))
    for name in ["hamedan_deir_ez_zor", "hamedan_aleppo", "inside_iran"]:
        (lon1, lat1), (lon2, lat2) = ROUTES[name]
        line = G.InverseLine(lat1, lon1, lat2, lon2)
        step = 100.0
        n = int(line.s13 // step)
        counts, order = {}, []
        for i in range(n):
            p = line.Position((i + 0.5) * step)
            lon, lat = p["lon2"], p["lat2"]
            country = None
            for cname, shape, (x0, y0, x1, y1) in shapes:
                if x0 <= lon <= x1 and y0 <= lat <= y1 and shape.contains(Point(lon, lat)):
                    country = cname
                    break
            counts[country] = counts.get(country, 0) + 1
            if not order or order[-1] != country:
                order.append(country)
        print(f"{name}: order={order} " + " ".join(f"{c}={k * step / 1000:.1f}km" for c, k in counts.items()))


if __name__ == "__main__":
    lengths()
    airspace()
