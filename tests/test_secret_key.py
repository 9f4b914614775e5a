"""A deployment that forgets its settings never runs on a known secret."""
import os
import stat
import threading

import pytest

from matchmaker import create_app, instance_secret


def test_production_without_a_secret_refuses_to_start(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": None,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_no_environment_named_means_a_random_key_kept_per_node(tmp_path):
    app = create_app({"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["ENV_NAME"] is None
    assert app.config["SECRET_KEY"] not in (None, "", "dev-only-insecure-key") and len(app.config["SECRET_KEY"]) == 64
    assert app.config["SECRET_KEY"] == instance_secret(app.instance_path)  # the next process gets the same


def test_the_instance_secret_is_private_and_one_for_racing_processes(tmp_path):
    keys = []
    threads = [threading.Thread(target=lambda: keys.append(instance_secret(str(tmp_path)))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["secret_key"]  # no temp file left behind
