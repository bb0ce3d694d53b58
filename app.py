"""Yueyou (越游) HTTP API: routes and wiring only; the domain is in chalicelib."""

from chalice import Chalice, Rate

from chalicelib.api import (
    batches,
    events,
    exports,
    fallback,
    feeds,
    health,
    insights,
    itineraries,
    openapi,
    pois,
    routes,
    webapp,
    widgets,
)

app = Chalice(app_name="yueyou")
app.api.binary_types.extend(exports.BINARY_TYPES)

for blueprint in (
    health.bp,
    pois.bp,
    events.bp,
    routes.bp,
    itineraries.bp,
    batches.bp,
    insights.bp,
    feeds.bp,
    exports.bp,
    widgets.bp,
    openapi.bp,
    webapp.bp,
):
    app.register_blueprint(blueprint)
fallback.install(app)  # JSON 404/405/415 where the framework would answer itself


@app.on_sqs_message(queue="yueyou-batch-items", batch_size=1)
def batch_worker(event):
    """Lambda: one batch item per message (locally, items run on threads)."""
    from chalicelib import services
    from chalicelib.batches.runner import parse_message

    for record in event:
        batch_id, index = parse_message(record.body)
        services.get().batches.process(batch_id, index)


@app.schedule(Rate(10, unit=Rate.MINUTES))
def redrive_batches(event):
    """Every 10 min: batch items written but never sent to SQS (the API died
    in between), or whose worker's lease ran out, go back on the queue."""
    from chalicelib import services

    return {"resubmitted": services.get().batches.recover()}


@app.schedule(Rate(1, unit=Rate.HOURS))
def ingest_feeds(event):
    """Hourly: fetch the venue schedule feeds configured in YUEYOU_FEEDS."""
    from chalicelib import services
    from chalicelib.feeds import run_scheduled_ingest

    reports = run_scheduled_ingest(services.get())
    return {"reports": [r.to_json("en") for r in reports]}
