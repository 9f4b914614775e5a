"""The scale-out set's files: every MATCHMAKER_* variable docker-compose.yml and .env.example set is a real config
key (a typo would be ignored silently by from_prefixed_env), and the set has the services the README names."""
from pathlib import Path

from flask import Flask
import yaml

from config import Config

ROOT = Path(__file__).resolve().parents[1]
KEYS = {k for k in dir(Config) if k.isupper()} | set(Flask.default_config)


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def variables() -> dict[str, str]:
    """MATCHMAKER_* name -> where it is set."""
    found = {}
    for name, service in compose()["services"].items():
        for key in (service.get("environment") or {}):
            found[key] = f"docker-compose.yml: {name}"
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            found[line.split("=", 1)[0].strip()] = ".env.example"
    return {k: v for k, v in found.items() if k.startswith("MATCHMAKER_")}


def test_every_matchmaker_variable_is_a_config_key():
    found = variables()
    assert len(found) >= 15  # the parse found what the files set
    unknown = {k: where for k, where in found.items() if k.removeprefix("MATCHMAKER_") not in KEYS}
    assert unknown == {}


def test_the_set_has_every_service_of_the_scale_out():
    services = compose()["services"]
    assert {"db", "redis", "web-a", "web-b", "worker", "scheduler", "proxy", "elasticsearch"} <= set(services)
    for web in ("web-a", "web-b"):
        env = services[web]["environment"]
        assert env["MATCHMAKER_JOB_QUEUE"] == "redis" and env["MATCHMAKER_SCHEDULER_ENABLED"] == "false"
        assert env["MATCHMAKER_RATELIMIT_STORAGE_URI"].startswith("redis://")
    proxy = compose()["configs"]["nginx"]["content"]
    assert "web-a:8000" in proxy and "web-b:8000" in proxy
