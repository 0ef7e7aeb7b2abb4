"""gunicorn settings: `gunicorn config.wsgi` reads this file from the
project folder. Every value can be overridden on the command line."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# App servers keep no state (sessions and caches live in PostgreSQL and
# Redis), so scale by adding workers here or servers behind the balancer.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 30
# Load the app once in the master: a recycled worker is a cheap fork rather
# than a fresh import of Django (which showed as 400 ms+ p99 spikes under load).
preload_app = True
# Recycle workers now and then, against slow leaks. Every 2 000 requests
# was every few seconds under load, and each restart showed in p99 latency.
max_requests = 10000
max_requests_jitter = 1000
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
