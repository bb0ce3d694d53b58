"""The deployable package: template lint and contents, size, and a smoke test of the artifact.

Run with ``make package-check`` (builds dist/ when needed). Under ``make
test`` these are skipped unless dist/ is present and up to date.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.package

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 250 * 1024 * 1024  # Lambda: function + layers, unzipped
FUNCTIONS = ("APIHandler", "BatchWorker", "IngestFeeds", "RedriveBatches")
# Lambda python3.12 runs on Amazon Linux 2023: glibc 2.34, x86_64 here.
RUNTIME_GLIBC = (2, 34)


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"yueyou_deploy_{name}", ROOT / "deploy" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def template(dist):
    return json.loads((dist / "sam.json").read_text())


@pytest.fixture(scope="module")
def resources(template):
    return template["Resources"]


def _of_type(resources, kind):
    return {k: v for k, v in resources.items() if v["Type"] == kind}


def _cfn_lint() -> list[str]:
    # the pinned one of deploy/requirements-package.txt, else the dev venv's, else PATH
    for local in (ROOT / ".venv-package" / "bin" / "cfn-lint", Path(sys.executable).parent / "cfn-lint"):
        if local.exists():
            return [str(local)]
    found = shutil.which("cfn-lint")
    if found:
        return [found]
    if os.environ.get("YUEYOU_TEST_PACKAGE") == "1":
        pytest.fail("cfn-lint is not installed: run `make package` (deploy/requirements-package.txt)")
    pytest.skip("cfn-lint is not installed")


def test_template_passes_cfn_lint(dist):
    cmd = _cfn_lint()
    version = subprocess.run(cmd + ["--version"], capture_output=True, text=True).stdout.strip()
    proc = subprocess.run(
        cmd + [str(dist / "sam.json")],
        capture_output=True,
        text=True,
        env=dict(os.environ, AWS_DEFAULT_REGION=os.environ.get("AWS_DEFAULT_REGION", "ap-southeast-1")),
    )
    print(f"\n[package] {version}: exit {proc.returncode}")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_functions_run_python312_with_the_layer(resources):
    layers = _of_type(resources, "AWS::Serverless::LayerVersion")
    assert len(layers) == 1
    ((layer_id, layer),) = layers.items()
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.12"]
    functions = _of_type(resources, "AWS::Serverless::Function")
    assert set(functions) == set(FUNCTIONS)
    for name, fn in functions.items():
        props = fn["Properties"]
        assert props["Runtime"] == "python3.12", name
        assert props["Layers"] == [{"Ref": layer_id}], name
        assert props["CodeUri"] == "./deployment.zip", name


def test_functions_get_store_and_queue_from_the_stack(resources):
    for name in FUNCTIONS:
        env = resources[name]["Properties"]["Environment"]["Variables"]
        assert env["YUEYOU_STAGE"] == "prod"
        assert env["YUEYOU_STORE"] == "dynamodb"
        assert env["YUEYOU_TABLE"] == {"Ref": "YueyouTable"}, name
        assert env["YUEYOU_BATCH_QUEUE_URL"] == {"Ref": "BatchItemsQueue"}, name
        assert "YUEYOU_SQLITE_PATH" not in env


def test_dynamodb_table_matches_the_store(resources):
    table = resources["YueyouTable"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert {(a["AttributeName"], a["AttributeType"]) for a in props["AttributeDefinitions"]} == {
        ("pk", "S"),
        ("sk", "S"),
    }
    assert {(k["AttributeName"], k["KeyType"]) for k in props["KeySchema"]} == {("pk", "HASH"), ("sk", "RANGE")}
    assert table.get("DeletionPolicy") == "Retain"


def test_batch_queue_is_the_one_the_worker_listens_to(resources):
    queue = resources["BatchItemsQueue"]["Properties"]
    source = resources["BatchWorker"]["Properties"]["Events"]
    (event,) = source.values()
    assert event["Type"] == "SQS"
    # chalice's on_sqs_message(queue=...) refers to the queue by name
    assert event["Properties"]["Queue"]["Fn::Sub"].endswith(":" + queue["QueueName"])
    assert queue["QueueName"] == "yueyou-batch-items"
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["BatchItemsDeadLetterQueue", "Arn"]}
    # Lambda refuses an SQS trigger whose visibility timeout is below the function timeout
    assert queue["VisibilityTimeout"] >= resources["BatchWorker"]["Properties"]["Timeout"]


def test_functions_may_use_table_and_queue(resources):
    policy = resources["YueyouDataAccessPolicy"]
    assert policy["Properties"]["Roles"] == [{"Ref": "DefaultRole"}]
    for name in FUNCTIONS:
        assert resources[name]["Properties"]["Role"] == {"Fn::GetAtt": ["DefaultRole", "Arn"]}
    statements = {s["Sid"]: s for s in policy["Properties"]["PolicyDocument"]["Statement"]}
    assert statements["StoreTable"]["Resource"] == {"Fn::GetAtt": ["YueyouTable", "Arn"]}
    assert {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:DeleteItem"} <= set(
        statements["StoreTable"]["Action"]
    )
    assert "sqs:SendMessage" in statements["BatchQueue"]["Action"]


def test_hourly_schedule_rule(resources):
    events = resources["IngestFeeds"]["Properties"]["Events"]
    (event,) = events.values()
    assert event == {"Type": "Schedule", "Properties": {"Schedule": "rate(1 hour)"}}


def test_api_key_usage_plan_and_cors_on_gateway_errors(resources):
    plan = resources["PartnerUsagePlan"]
    assert plan["Type"] == "AWS::ApiGateway::UsagePlan"
    assert plan["Properties"]["ApiStages"] == [{"ApiId": {"Ref": "RestAPI"}, "Stage": {"Ref": "RestAPI.Stage"}}]
    assert resources["PartnerApiKey"]["Type"] == "AWS::ApiGateway::ApiKey"
    key = resources["PartnerUsagePlanKey"]["Properties"]
    assert key == {"KeyId": {"Ref": "PartnerApiKey"}, "KeyType": "API_KEY", "UsagePlanId": {"Ref": "PartnerUsagePlan"}}
    api = resources["RestAPI"]["Properties"]
    for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
        headers = api["GatewayResponses"][kind]["ResponseParameters"]["Headers"]
        assert headers["Access-Control-Allow-Origin"] == "'*'"
        # the gateway's own refusals (414, 413, throttling) in the service's error shape
        template = api["GatewayResponses"][kind]["ResponseTemplates"]["application/json"]
        assert template.startswith('{"error":{"code":') and '"field":null' in template
    assert api["MethodSettings"][0]["ResourcePath"] == "/*"


def test_catalog_data_is_in_the_function_zip(dist):
    with zipfile.ZipFile(dist / "deployment.zip") as zf:
        names = set(zf.namelist())
        catalog = json.loads(zf.read("chalicelib/catalog/data/catalog.json"))
    assert "app.py" in names and "chalice/app.py" in names
    assert catalog["pois"] and catalog["events"] and catalog["routes"]
    # bytecode for the read-only /var/task (deploy/slim.py)
    assert "chalicelib/planning/__pycache__/engine.cpython-312.pyc" in names


def test_layer_wheels_fit_the_lambda_runtime(dist):
    tags = []
    for layer in dist.glob("layer-*.zip"):
        with zipfile.ZipFile(layer) as zf:
            for name in zf.namelist():
                if name.endswith(".dist-info/WHEEL"):
                    tags += [
                        line.split(":", 1)[1].strip()
                        for line in zf.read(name).decode().splitlines()
                        if line.startswith("Tag:")
                    ]
    assert tags
    for tag in tags:
        python, abi, platform = tag.split("-")
        assert python in ("py3", "py2.py3", "py2") or python.startswith("cp3"), tag
        if python.startswith("cp"):
            assert python == "cp312" or abi == "abi3", tag
        if platform != "any":
            assert platform.endswith("x86_64"), tag
            m = re.match(r"manylinux_(\d+)_(\d+)_", platform)
            if m:
                assert (int(m.group(1)), int(m.group(2))) <= RUNTIME_GLIBC, tag
            else:
                assert re.match(r"manylinux(1|2010|2014)_", platform), tag


def test_unzipped_package_fits_lambda_limit(dist):
    sizes = {}
    for path in [dist / "deployment.zip", *sorted(dist.glob("layer-*.zip"))]:
        with zipfile.ZipFile(path) as zf:
            sizes[path.name] = (path.stat().st_size, sum(i.file_size for i in zf.infolist()))
    total = sum(unzipped for _, unzipped in sizes.values())
    lines = [f"{name}: zip {z / 2**20:.1f} MB, unzipped {u / 2**20:.1f} MB" for name, (z, u) in sizes.items()]
    print(f"\n[package] {'; '.join(lines)}; total unzipped {total / 2**20:.1f} MB of {LIMIT / 2**20:.0f} MB")
    assert total < LIMIT


def test_smoke_plans_an_itinerary_from_the_unpacked_artifact(dist, tmp_path):
    smoke = _load("smoke")
    result = smoke.run(dist, workdir=tmp_path)
    print(f"\n[package] {result.summary()}")
    assert result.ok, result.stdout[-3000:] + result.stderr[-6000:]
    r = result.result
    assert r["python"].startswith("3.12.")
    assert r["pois"]["status"] == 200
    assert r["plan"]["status"] == 201 and r["plan"]["visits"] > 0
    assert r["read_back"]["status"] == 200
    # Lambda provides boto3, the clean venv does not: nothing may need it on these paths.
    assert "boto3" not in r["imported_after_requests"]
    assert "pandas" not in r["imported_after_requests"]
