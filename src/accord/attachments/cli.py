"""`accord attachments ...` commands."""

import typer

app = typer.Typer(help="attachments", no_args_is_help=True)
