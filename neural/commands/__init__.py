"""Handlers of ``neural`` subcommands that live outside :mod:`neural.cli`, one module per topic.

Each module exposes ``add_*_parser(subparsers)`` functions that register a
subcommand and its handler; :mod:`neural.cli` calls them.
"""
