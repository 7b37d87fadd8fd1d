"""``python -m txcat`` runs the command line."""

from txcat.cli import main

main()
