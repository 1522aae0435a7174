"""flask worker"""
import logging
import signal
import threading

import click
from flask.cli import with_appcontext

from app.services import worker


@click.command("worker")
@click.option("--once", is_flag=True, help="One pass over every job, then exit.")
@with_appcontext
def worker_command(once):
    """Fire timers, start scheduled processes, deliver messages, remind,
    escalate and send e-mail; stops cleanly on SIGTERM or Ctrl+C."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    logging.getLogger("spiff").setLevel(logging.WARNING)  # the engine logs every state change at INFO
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    totals = worker.run(stop, once=once)
    click.echo("worker done: " + ", ".join(f"{name} {count}" for name, count in totals.items()))
