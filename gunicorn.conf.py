"""gunicorn settings for `make serve`; WORKERS and PORT come from the environment."""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WORKERS", "2"))
worker_class = "sync"
timeout = 30
# Load the app once in the master, so a worker (re)start is a cheap fork. Safe: create_app opens
# no database connection (the first query of a request does). New code needs a full restart.
preload_app = True
graceful_timeout = 20
max_requests = 2000
max_requests_jitter = 200
# Access log without the client address (%(h)s) or the query string: visitors' search words
# and addresses never reach a log.
accesslog = "-"
logger_class = "portal.logs.GunicornLogger"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def pre_request(worker, req):
    """Log each request at DEBUG as gunicorn does, but without a private-link token in the path."""
    from portal.logs import redact_path

    worker.log.debug("%s %s", req.method, redact_path(req.path))
