"""Settings for the intake benchmark: Jiesu's own, with the benchmark URL conf (adds an empty view)."""

from jiesu.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
DEBUG = False
