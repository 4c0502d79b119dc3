"""Subcommands of the `xltools` terminal command, one module each.

Each module defines `register(subparsers)` that adds its parser and sets
`func=run` where `run(args) -> int` returns the exit code.  `xltools.cli` lists
them in COMMANDS.
"""
