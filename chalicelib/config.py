"""Settings of one stage, read once from the environment Chalice sets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Settings:
    stage: str = "dev"
    store: str = "sqlite"
    sqlite_path: str = ".data/yueyou.db"
    table_name: Optional[str] = None
    # DynamoDB store only. endpoint_url points boto3 at DynamoDB Local or a
    # moto server (YUEYOU_DYNAMODB_ENDPOINT); unset means real AWS. The region
    # is the one Lambda sets (AWS_REGION), else AWS_DEFAULT_REGION, else
    # ap-southeast-1 (Singapore) so local runs never depend on ~/.aws/config.
    dynamodb_endpoint_url: Optional[str] = None
    aws_region: str = "ap-southeast-1"
    solve_time_limit_cap_s: float = 5.0
    default_lodging: str = "shaoxing-xianheng-hotel"
    osrm_url: Optional[str] = None
    public_base_url: Optional[str] = None
    # Without public_base_url, absolute links (QR codes, widgets, oEmbed) are
    # built from the Host header only for these host names, loopback, or the
    # domain API Gateway itself reports: a forged Host must not end up in a
    # response a shared cache keeps (route widgets and oEmbed are public).
    allowed_hosts: tuple[str, ...] = ()
    # Batch items run on this process's threads unless a queue is configured
    # (Lambda: one SQS message per item, consumed by app.py's SQS handler).
    batch_queue_url: Optional[str] = None
    batch_workers: int = 2
    # Crash recovery. A pending Idempotency-Key claim older than the request
    # deadline is taken over by a retry (default 30 s: the Lambda timeout of
    # the prod stage, above API Gateway's 29 s and the 5 s solve cap); a batch
    # item whose worker's lease ran out is re-driven (default 60 s: above the
    # worker's 30 s Lambda timeout, below the queue's 180 s visibility timeout).
    request_deadline_s: float = 30.0
    batch_lease_s: float = 60.0
    # Callers without an API key may still plan, a little: per client IP.
    allow_anonymous: bool = True
    anonymous_daily_plans: int = 20
    anonymous_rate_per_minute: int = 10
    # The tourist app's map tiles (a raster URL template) and their attribution.
    # crs "gcj02" (Amap and other Chinese tile sources): every marker and line
    # is shifted from our WGS84 data to match the tiles.
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = "© OpenStreetMap contributors"
    tile_crs: str = "wgs84"
    # Weather plan B: the forecast API (Open-Meteo's https://api.open-meteo.com/v1/forecast
    # in prod); None: no forecast, plans use only the request's own `weather`.
    weather_url: Optional[str] = None
    weather_cache_s: float = 3600.0  # how long a forecast answer is reused

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        return cls(
            stage=env.get("YUEYOU_STAGE", "dev"),
            store=env.get("YUEYOU_STORE", "sqlite"),
            sqlite_path=env.get("YUEYOU_SQLITE_PATH", ".data/yueyou.db"),
            table_name=env.get("YUEYOU_TABLE") or None,
            dynamodb_endpoint_url=env.get("YUEYOU_DYNAMODB_ENDPOINT") or None,
            aws_region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "ap-southeast-1",
            solve_time_limit_cap_s=float(env.get("YUEYOU_SOLVE_TIME_LIMIT_CAP_S", "5")),
            default_lodging=env.get("YUEYOU_DEFAULT_LODGING", "shaoxing-xianheng-hotel"),
            osrm_url=env.get("YUEYOU_OSRM_URL") or None,
            public_base_url=env.get("YUEYOU_PUBLIC_BASE_URL") or None,
            allowed_hosts=tuple(h.strip().lower() for h in env.get("YUEYOU_ALLOWED_HOSTS", "").split(",") if h.strip()),
            batch_queue_url=env.get("YUEYOU_BATCH_QUEUE_URL") or None,
            batch_workers=int(env.get("YUEYOU_BATCH_WORKERS", "2")),
            request_deadline_s=float(env.get("YUEYOU_REQUEST_DEADLINE_S", "30")),
            batch_lease_s=float(env.get("YUEYOU_BATCH_LEASE_S", "60")),
            allow_anonymous=env.get("YUEYOU_ALLOW_ANONYMOUS", "1") not in ("0", "false", "no"),
            anonymous_daily_plans=int(env.get("YUEYOU_ANONYMOUS_DAILY_PLANS", "20")),
            anonymous_rate_per_minute=int(env.get("YUEYOU_ANONYMOUS_RATE_PER_MINUTE", "10")),
            tile_url=env.get("YUEYOU_TILE_URL") or cls.tile_url,
            tile_attribution=env.get("YUEYOU_TILE_ATTRIBUTION") or cls.tile_attribution,
            tile_crs=env.get("YUEYOU_TILE_CRS", "wgs84"),
            weather_url=env.get("YUEYOU_WEATHER_URL") or None,
            weather_cache_s=float(env.get("YUEYOU_WEATHER_CACHE_S", "3600")),
        )
