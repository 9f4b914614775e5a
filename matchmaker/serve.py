"""gunicorn settings from config.py (MATCHMAKER_WEB_* overrides): `gunicorn -c python:matchmaker.serve wsgi:app`.

Command one serves the demo this way. Each worker is a process with its own encoder and in-memory indexes; the
embedded indexes stay in step across workers through their on-disk journal (several web nodes work the same way).
"""
import os

from config import load_config

_config = load_config()

bind = _config["WEB_BIND"]
workers = int(_config["WEB_WORKERS"]) or len(os.sched_getaffinity(0))
threads = int(_config["WEB_THREADS"])
worker_class = "gthread"
timeout = int(_config["WEB_TIMEOUT_S"])
accesslog = "-"
# not preloaded: the encoder's runtime threads do not survive a fork, so each worker loads its own
preload_app = False
