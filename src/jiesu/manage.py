"""The `jiesu` console command: the project's manage.py, usable from anywhere once installed."""

import os
import sys


def main() -> None:
    """Run a Django management command with Jiesu's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiesu.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
