"""The generator of txcat's labeled sample corpus, split by what each part does.

``samples/generate.py`` is the command; this package is the work behind it, in the
order a run goes through it:

- ``plans``: which files to write, their spans, sizes and the channels each shows.
- ``profiles``, ``names``, ``origin``: the tables the corpus is drawn from (how much
  and how people pay each kind, the words names are made of, the origin example).
- ``directory``, ``counterparts``, ``universe``: the merchant directory read, and
  every counterpart built from it and from the name lists.
- ``draws``, ``dates``, ``transactions``, ``households``, ``recurring``: one
  household's transactions, simulated.
- ``formats``, ``wording``, ``writers``: how each bank spells and writes them.
- ``training``, ``summary``, ``pipeline``: the read-back export, the report, and
  the run that ties them together.
"""
