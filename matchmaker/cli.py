"""`flask` commands: each parses arguments, calls a service, prints a one-line summary."""
from flask import Flask


def register_cli(app: Flask) -> None:
    """Attach every command to ``app.cli``."""
    from .auth.commands import create_admin_command

    app.cli.add_command(create_admin_command)
