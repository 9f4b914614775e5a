"""Background work: run inline (default) or on RQ/Redis, plus the periodic jobs and their scheduler.

Jobs are named by dotted path ("matchmaker.matches.matching.match_listing_by_id") and take plain
arguments, so an RQ worker in another process can run them inside its own app context.
"""
import importlib
import logging
import os

import click
from flask import Flask, current_app

log = logging.getLogger(__name__)
_background = (None, None)  # (pid, scheduler) of the in-process scheduler, once started

# name -> (dotted path of the job, APScheduler trigger, trigger arguments); `--once` runs them in this
# order, so the mail queued by the others is flushed at the end.
PERIODIC_JOBS = {
    "expire_needs": ("matchmaker.jobs.expire_needs", "cron", {"hour": 1}),
    "reindex_pending": ("matchmaker.jobs.reindex_pending", "interval", {"minutes": 1}),
    "resume_imports": ("matchmaker.importer.services.resume_imports", "interval", {"minutes": 2}),
    "broker_digests": ("matchmaker.notifications.digests.send_broker_digests", "interval", None),
    "saved_search_alerts": ("matchmaker.notifications.saved_searches.run_saved_search_alerts",
                            "interval", {"minutes": 30}),
    "weekly_shortlist": ("matchmaker.roadshows.shortlist.mail_weekly_shortlist", "cron",
                         {"day_of_week": "mon", "hour": 8}),
    "flush_outbox": ("matchmaker.notifications.mailer.send_due_mail", "interval", {"minutes": 1}),
}


def resolve(path: str):
    """The function named by a dotted path."""
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def run_job(path: str, *args):
    """Run a job by path inside an app context (pushing a fresh app when there is none, as in RQ)."""
    from flask import has_app_context

    if has_app_context():
        return resolve(path)(*args)
    from . import create_app

    # a job's own app never runs the schedule: an RQ worker shares the web's SCHEDULER_ENABLED
    with create_app({"SCHEDULER_ENABLED": False}).app_context():
        return resolve(path)(*args)


def enqueue(path: str, *args):
    """Run ``path(*args)`` now (JOB_QUEUE=inline) or put it on the RQ queue (JOB_QUEUE=redis)."""
    if current_app.config["JOB_QUEUE"] == "redis":
        from redis import Redis
        from rq import Queue

        queue = Queue("matchmaker", connection=Redis.from_url(current_app.config["REDIS_URL"]))
        return queue.enqueue(run_job, path, *args)
    return run_job(path, *args)


def run_in_background(path: str, *args):
    """Start ``path(*args)`` away from the request: on RQ (JOB_QUEUE=redis), else in a daemon thread of this
    process with its own app context (a job that dies with the process is resumed by its own periodic job)."""
    if current_app.config["JOB_QUEUE"] == "redis":
        return enqueue(path, *args)
    import threading

    app = current_app._get_current_object()

    def work():
        with app.app_context():
            try:
                resolve(path)(*args)
            except Exception:
                log.exception("background job %s%r failed", path, args)

    thread = threading.Thread(target=work, name=f"job:{path.rpartition('.')[2]}", daemon=True)
    thread.start()
    return thread


def expire_needs() -> int:
    """Expire needs past their deadline through the listings service; returns how many."""
    from .listings.services import expire_needs as expire

    return len(expire())


def reindex_pending() -> int:
    """Bring listings whose index write failed back in step; raise while some still fail (job reports it)."""
    from .listings.index import import_running, resync

    if import_running():
        return 0  # the import indexes and matches its own rows; the next run repairs what it leaves
    repaired, failed = resync()
    if failed:
        raise RuntimeError(f"{failed} listings still cannot be written to the search index")
    return repaired


def trigger_args(name: str, app: Flask) -> dict:
    """The trigger arguments of a periodic job (the digest interval comes from config)."""
    _, _, args = PERIODIC_JOBS[name]
    return args if args is not None else {"hours": app.config["DIGEST_INTERVAL_HOURS"]}


def run_periodic(app: Flask, name: str, quiet: bool = False) -> tuple[bool, object]:
    """Run (or enqueue) one periodic job in ``app``'s context; return (succeeded, result or the error).

    Errors are logged, never raised: one failing job must not stop the scheduler. ``quiet`` keeps the
    traceback at DEBUG, for `worker --once`, which reports the failure in one line itself.
    """
    with app.app_context():
        try:
            result = enqueue(PERIODIC_JOBS[name][0])
        except Exception as error:
            if quiet:
                log.debug("periodic job %s failed", name, exc_info=True)
            else:
                log.exception("periodic job %s failed", name)
            return False, error
        log.info("job %s: %s", name, result)
        return True, result


def build_scheduler(app: Flask, blocking: bool = False):
    """An APScheduler with every periodic job registered (blocking for `flask worker`)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    # cron times (need expiry at 01:00, the shortlist on Monday 08:00) are the centre's local ones
    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(timezone=app.config["TIMEZONE"])
    for name, (_, trigger, _) in PERIODIC_JOBS.items():
        scheduler.add_job(run_periodic, trigger, args=(app, name), id=name, coalesce=True,
                          max_instances=1, **trigger_args(name, app))
    return scheduler


def process_scheduler():
    """The background scheduler running in this process, or None."""
    pid, scheduler = _background
    # after a fork the child holds a copy of the object but not its thread
    return scheduler if pid == os.getpid() and scheduler is not None and scheduler.running else None


def start_background_scheduler(app: Flask):
    """Start the in-process scheduler when SCHEDULER_ENABLED, never under tests, once per process."""
    global _background
    if not app.config.get("SCHEDULER_ENABLED") or app.testing or process_scheduler() is not None:
        return None
    scheduler = build_scheduler(app)
    scheduler.start()
    _background = (os.getpid(), scheduler)
    app.extensions["scheduler"] = scheduler
    return scheduler



@click.command("worker")
@click.option("--once", is_flag=True, help="Run every periodic job once and exit (for cron).")
@click.option("--job", "only", multiple=True, type=click.Choice(sorted(PERIODIC_JOBS)),
              help="With --once: run only these jobs.")
def worker_command(once: bool, only: tuple[str, ...]) -> None:
    """Run the periodic jobs (PERIODIC_JOBS: need expiry, re-indexing, digests, alerts, shortlist, outbox)."""
    app = current_app._get_current_object()
    if only and not once:  # the scheduler always runs every job: a --job without --once would be ignored
        raise click.UsageError("--job 只能与 --once 一起使用")
    if once:
        failed = []
        for name in only or PERIODIC_JOBS:
            ok, result = run_periodic(app, name, quiet=True)
            if ok:
                click.echo(f"{name}: {result}")
            else:
                failed.append(name)
                click.echo(f"{name}: 失败 failed ({type(result).__name__}: {' '.join(str(result).split())[:300]})", err=True)
        if failed:  # cron reads the exit code
            raise SystemExit(1)
        return
    if "scheduler" in app.extensions:  # SCHEDULER_ENABLED also started one in-process: run only this one
        app.extensions.pop("scheduler").shutdown(wait=False)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo(f"Scheduler running {len(PERIODIC_JOBS)} jobs (Ctrl+C to stop).")
    build_scheduler(app, blocking=True).start()
