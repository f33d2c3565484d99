"""gunicorn settings: `gunicorn app:server` reads this file from the working directory.

Every value can be overridden on the command line or by the environment variables below.
"""

import os

bind = os.environ.get("SISTERCITIES_BIND", "127.0.0.1:8050")
# Sync workers: callbacks are CPU-bound (figure building), so one per core is the rule.
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
threads = int(os.environ.get("SISTERCITIES_THREADS", "1"))
timeout = int(os.environ.get("SISTERCITIES_WORKER_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
accesslog = os.environ.get("SISTERCITIES_ACCESS_LOG", "-")
errorlog = "-"
# Load the app (and the snapshot registries) once, then fork: faster start, shared pages.
preload_app = True
# gunicorn 23+ opens a control socket under ~/.gunicorn; keep it beside the process.
control_socket_disable = True


def when_ready(server):
    """With preload_app, build the default pages once here, in the master, before the
    workers fork: each worker then starts with Dash's first-request setup done, the
    default view and the overview cached, instead of its first visitor waiting."""
    import app
    from components.pages import overview

    app.server.test_client().get("/_dash-layout")
    overview.warm()  # twelve indicators read once, not by a visitor
