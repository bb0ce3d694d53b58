"""Travel providers: geodesic estimates and an OSRM /table client tested
against a real HTTP server on 127.0.0.1 that speaks OSRM's table format."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.planning.travel import (
    GeodesicTravel,
    OsrmTravel,
    Point,
    geodesic_km,
    max_time_factor,
    mode_minutes,
    time_factor,
)

OLD_TOWN = Point(120.5855, 29.9962)  # Shen Garden
NEARBY = Point(120.5811, 29.995)  # Lu Xun Native Place, ~450 m away
XINCHANG = Point(120.905, 29.500)  # ~60 km south


def test_geodesic_distance_is_wgs84():
    # 0.01 degree of latitude is about 1.11 km
    assert geodesic_km(Point(120.5, 30.0), Point(120.5, 30.01)) == pytest.approx(1.109, abs=0.003)
    assert geodesic_km(OLD_TOWN, OLD_TOWN) == 0.0


def test_modes_rank_sensibly():
    far = geodesic_km(OLD_TOWN, XINCHANG)
    walk, _ = mode_minutes("walk", far)
    bike, _ = mode_minutes("bike", far)
    transit, _ = mode_minutes("transit", far)
    drive, km = mode_minutes("drive", far)
    assert walk > bike > transit > drive > 0
    assert km == pytest.approx(far * 1.35)
    # transit over a short hop is a walk (no access/wait time)
    near = geodesic_km(OLD_TOWN, NEARBY)
    assert mode_minutes("transit", near) == mode_minutes("walk", near)


def test_time_of_day_factors():
    assert time_factor("drive", 8 * 60) == 1.3 and time_factor("drive", 11 * 60) == 1.0
    assert time_factor("walk", 8 * 60) == 1.0
    assert time_factor("drive", 1440 + 18 * 60) == 1.3  # absolute minutes wrap per day
    assert max_time_factor("drive", (600, 900)) == 1.0
    assert max_time_factor("drive", (600, 1100)) == 1.3


def test_matrix_shape_symmetry_and_departure():
    points = [OLD_TOWN, NEARBY, XINCHANG]
    base = GeodesicTravel().matrix(points, "drive")
    peak = GeodesicTravel().matrix(points, "drive", depart_minute=8 * 60)
    assert len(base.minutes) == 3 and all(len(r) == 3 for r in base.minutes)
    assert base.minutes[0][2] == base.minutes[2][0] > base.minutes[0][1] > 0
    assert peak.minutes[0][2] == pytest.approx(base.minutes[0][2] * 1.3)
    with pytest.raises(ValueError):
        GeodesicTravel().matrix(points, "teleport")


class _Osrm(BaseHTTPRequestHandler):
    """Answers /table/v1/{profile}/{lon,lat;...} like OSRM: 600 s and 5 km per hop."""

    calls: list[str] = []
    mode = "ok"

    def do_GET(self):
        url = urlsplit(self.path)  # not urlparse: it would cut ";" params
        type(self).calls.append(self.path)
        parts = url.path.split("/")
        if self.mode == "error":
            self.send_response(500)
            self.end_headers()
            return
        if len(parts) != 5 or parts[1:3] != ["table", "v1"]:
            self.send_response(400)
            self.end_headers()
            return
        n = len(parts[4].split(";"))
        assert parse_qs(url.query)["annotations"] == ["duration,distance"]
        durations = [[0 if i == j else 600.0 for j in range(n)] for i in range(n)]
        distances = [[0 if i == j else 5000.0 for j in range(n)] for i in range(n)]
        if self.mode == "null":
            durations[0][1] = None
        body = json.dumps({"code": "Ok", "durations": durations, "distances": distances}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture()
def osrm_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Osrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Osrm.calls, _Osrm.mode = [], "ok"
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.integration
def test_osrm_table_is_used(osrm_server):
    travel = OsrmTravel(osrm_server)
    m = travel.matrix([OLD_TOWN, NEARBY, XINCHANG], "walk")
    assert _Osrm.calls[0].startswith("/table/v1/foot/120.585500,29.996200;120.581100,29.995000;")
    assert m.minutes[0][2] == pytest.approx(10.0) and m.km[0][2] == pytest.approx(5.0)
    assert m.minutes[1][1] == 0
    assert travel.warnings == []
    # car profile for taxi, with the wait for a car added
    m = travel.matrix([OLD_TOWN, XINCHANG], "taxi")
    assert "/table/v1/car/" in _Osrm.calls[-1] and m.minutes[0][1] == pytest.approx(10.0 + 8.0)


@pytest.mark.integration
def test_osrm_null_cells_keep_the_estimate(osrm_server):
    _Osrm.mode = "null"
    m = OsrmTravel(osrm_server).matrix([OLD_TOWN, XINCHANG], "drive")
    geo = GeodesicTravel().matrix([OLD_TOWN, XINCHANG], "drive")
    assert m.minutes[0][1] == pytest.approx(geo.minutes[0][1])
    assert m.minutes[1][0] == pytest.approx(10.0 + 10.0)  # OSRM's 10 min + parking


@pytest.mark.integration
def test_osrm_failure_falls_back_with_warning(osrm_server):
    _Osrm.mode = "error"
    travel = OsrmTravel(osrm_server)
    m = travel.matrix([OLD_TOWN, XINCHANG], "drive")
    assert m.minutes == GeodesicTravel().matrix([OLD_TOWN, XINCHANG], "drive").minutes
    assert travel.warnings and "geodesic" in travel.warnings[0]
    dead = OsrmTravel("http://127.0.0.1:9", timeout_s=0.5)  # nothing listens on port 9
    dead.matrix([OLD_TOWN, XINCHANG], "bike")
    assert dead.warnings


@pytest.mark.integration
def test_osrm_not_asked_for_transit(osrm_server):
    OsrmTravel(osrm_server).matrix([OLD_TOWN, XINCHANG], "transit")
    assert _Osrm.calls == []
