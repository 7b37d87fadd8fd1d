"""The example rules file, shipped inside the package (``python -m txcat_rules example``)."""
