"""Yueyou (越游) HTTP API: routes and wiring only; the domain is in chalicelib."""
from chalice import Chalice

from chalicelib.api import events, health, itineraries, pois, routes

app = Chalice(app_name="yueyou")

for blueprint in (health.bp, pois.bp, events.bp, routes.bp, itineraries.bp):
    app.register_blueprint(blueprint)
