"""The `kotacerdas` command: Django's manage.py for the installed package.

`kotacerdas demo`, `kotacerdas migrate`, `kotacerdas runserver`, ... behave like `python manage.py ...`.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else sys.argv)


if __name__ == "__main__":
    main()
