"""matchmaker: a two-sided technology supply-demand platform."""
import os

from flask import Flask

from config import Config


def create_app(config: dict | None = None) -> Flask:
    """Build the app: Config, then MATCHMAKER_* env vars, then ``config`` overrides; start the scheduler if enabled."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    app.config.from_prefixed_env("MATCHMAKER")
    if config:
        app.config.update(config)
    check_config(app)
    trust_proxies(app)
    os.makedirs(app.config["INDEX_DIR"], exist_ok=True)
    register_extensions(app)
    register_converters(app)
    register_security_headers(app)
    register_blueprints(app)
    register_signals()
    register_commands(app)
    start_scheduler(app)
    return app


def register_signals() -> None:
    """Connect the domain signals' receivers here, not as a side effect of importing a package (blinker keeps
    one connection per receiver, so building several apps connects each once)."""
    from .listings import sync
    from .matches.matching import on_listing_published
    from .matches.services import on_listing_unpublished
    from .notifications.reviews import on_listing_reviewed
    from .signals import listing_published, listing_reviewed, listing_unpublished

    listing_published.connect(on_listing_published)
    listing_unpublished.connect(on_listing_unpublished)
    listing_reviewed.connect(on_listing_reviewed)
    sync.register()


def check_config(app: Flask) -> None:
    """Refuse to run in production without a real secret (development gets a dev-only one) or with an unknown zone."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(app.config.get("TIMEZONE")))
    except (ZoneInfoNotFoundError, ValueError):
        raise RuntimeError(f"MATCHMAKER_TIMEZONE {app.config.get('TIMEZONE')!r} is not a known time zone "
                           "(e.g. Asia/Shanghai)") from None
    if not app.config.get("SECRET_KEY"):
        env = app.config.get("ENV_NAME")
        if env == "production":
            raise RuntimeError("MATCHMAKER_SECRET_KEY must be set in production")
        if env == "development":
            app.config["SECRET_KEY"] = "dev-only-insecure-key"
        else:  # no environment named: never a known key, but a random one kept in instance/ (one node)
            app.config["SECRET_KEY"] = instance_secret(app.instance_path)


def instance_secret(folder: str) -> str:
    """A random secret stored once in ``folder``/secret_key (mode 0600): the same for every process of this
    node, created by whichever starts first. Several web nodes must share MATCHMAKER_SECRET_KEY instead."""
    import secrets
    import tempfile

    path = os.path.join(folder, "secret_key")
    os.makedirs(folder, exist_ok=True)
    if not os.path.exists(path):
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".secret-")  # mkstemp makes it 0600
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(temp, path)  # atomic and never overwrites: a process that lost the race reads the winner's
        except FileExistsError:
            pass
        finally:
            os.unlink(temp)
    with open(path, encoding="ascii") as fh:
        return fh.read().strip()


def trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT reverse proxies, take the client's address and scheme from their headers.

    X-Forwarded-Host is left alone: many proxies pass a client's own header through, and e-mail
    links come from PUBLIC_BASE_URL anyway.
    """
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def register_extensions(app: Flask) -> None:
    from .extensions import bootstrap, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"),
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    bootstrap.init_app(app)


# Everything is served from this origin (Bootstrap and ECharts locally, never a CDN); inline style
# attributes are allowed, scripts only as files, and no page may be framed.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
                           "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Frame-Options": "DENY",
                    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin"}


def register_security_headers(app: Flask) -> None:
    """The same security headers on every response (one hook; a view may set its own first)."""
    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def tune_sqlite(engine, busy_timeout_ms: int) -> None:
    """On SQLite: write-ahead logging, so readers never wait for a writer (a long import, a worker), and a
    busy timeout, so a writer waits its turn instead of answering "database is locked"."""
    if engine.dialect.name != "sqlite":
        return
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def on_connect(connection, _record):
        cursor = connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()


def register_converters(app: Flask) -> None:
    """``<int:...>`` in every route stops at the largest database id, so a bigger one is a 404."""
    from .params import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter


def register_blueprints(app: Flask) -> None:
    from . import (achievements, admin, api, auth, importer, main, matches, needs, notifications,
                   review, roadshows, stats)

    for package in (main, auth, achievements, needs, review, importer, matches, roadshows, admin, api,
                    notifications, stats):
        app.register_blueprint(package.bp)


def register_commands(app: Flask) -> None:
    from .cli import register_cli

    register_cli(app)


def start_scheduler(app: Flask) -> None:
    """With SCHEDULER_ENABLED, run the periodic jobs in this process (off by default, never under tests)."""
    from .jobs import start_background_scheduler

    start_background_scheduler(app)
