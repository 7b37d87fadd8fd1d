"""txcat: categorise bank-statement rows as LAZER, NECESSIDADE or TRABALHO.

The package root stays import-light on purpose: ``txcat --help`` must start
instantly, so heavy libraries (scikit-learn, torch) are imported only inside the
strategy that needs them.
"""

__version__ = "0.1.0"
