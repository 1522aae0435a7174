"""Entry point for gunicorn and ``flask --app wsgi``."""
import gc

from app import create_app

app = create_app()
# What start-up built (the app, its deployed diagrams, the ORM's mappers)
# lives as long as the process: kept out of the collector's full passes,
# which otherwise walk ~300,000 such objects (~0.2 s) and stall whichever
# request set one off.
gc.freeze()
