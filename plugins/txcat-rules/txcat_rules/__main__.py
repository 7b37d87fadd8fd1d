"""``python -m txcat_rules``: learn a rules file from labeled statements, or print the example.

    python -m txcat_rules learn LABELED.csv... -o rules.toml
    python -m txcat_rules example > rules.toml
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from txcat.errors import TxcatError

LEARNED_HEADER = """\
Rules learned by 'python -m txcat_rules learn' from {sources} ({rows} labeled rows):
{learned} from your labels, {directory} from txcat's merchant directory
(min_support={min_support}, min_share={min_share}, use_directory={use_directory}).

How it works: rules are tried from the top; the FIRST rule that matches labels the row.
A row no rule matches gets no answer: it is labeled REVISAR, and a cascade passes it on.
Each [[rule]] has a label and one of:
  pattern = "posto|auto posto"  words or phrases, '|' between alternatives; whole words;
                                case and accents ignored ("cafe" matches "CAFÉ")
  regex = '\\bIFD\\*'             a Python regular expression, case ignored, searched in the
                                description with accents removed and in its folded form
support = rows of that counterpart in the labeled files; share = the fraction of them with
this label (for you to judge; neither changes matching). note = where a rule came from.

Edit freely: fix a label, delete a rule, move a specific rule above a general one, add your
own. Use it with:
  txcat train LABELED.csv --strategy rules -p rules_file=rules.toml -o MODEL
  txcat classify extrato.csv --model MODEL   # unmatched rows -> REVISAR"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m txcat_rules",
        description="Rules files for txcat's 'rules' strategy.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    learn = commands.add_parser(
        "learn", help="learn rules from labeled statement files",
        description="Learn one rule per counterpart your labels agree on (plus chains of "
                    "txcat's merchant directory) and write them as a TOML rules file.")
    learn.add_argument("files", nargs="+", metavar="LABELED",
                       help="labeled statement files, as for 'txcat train'")
    learn.add_argument("-o", "--output", metavar="RULES.toml",
                       help="write here (atomically) instead of standard output")
    learn.add_argument("--min-support", type=int, default=2, metavar="N",
                       help="rows a counterpart needs to get a rule (default: 2)")
    learn.add_argument("--min-share", type=float, default=0.8, metavar="P",
                       help="share of those rows its label needs (default: 0.8)")
    learn.add_argument("--no-directory", action="store_true",
                       help="leave out the merchant-directory chain rules")
    learn.add_argument("--label-column", metavar="NAME",
                       help="column holding the labels (default: label, categoria or "
                            "informação)")
    learn.add_argument("--labels", metavar="A,B,C",
                       help="the label set (default: LAZER,NECESSIDADE,TRABALHO)")
    commands.add_parser("example", help="print the example rules file shipped with the package")
    args = parser.parse_args(argv)

    logging.basicConfig(format="txcat-rules: %(levelname)s: %(message)s", level=logging.WARNING)
    try:
        if args.command == "example":
            sys.stdout.write(example_rules())
            return 0
        return _learn(args)
    except TxcatError as exc:
        print(f"txcat-rules: error: {exc}", file=sys.stderr)
        return 1


def example_rules() -> str:
    """The text of the example rules file shipped with the package."""
    return resources.files("txcat_rules.examples").joinpath("rules.toml").read_text(
        encoding="utf-8")


def _learn(args: argparse.Namespace) -> int:
    from txcat.labels import DEFAULT_LABELS
    from txcat.output import open_output, prepare_output
    from txcat.training import read_labeled
    from txcat_rules.rules import dump_rules
    from txcat_rules.strategy import RulesStrategy

    labels = [s.strip() for s in args.labels.split(",") if s.strip()] if args.labels \
        else list(DEFAULT_LABELS)
    params = {"min_support": args.min_support, "min_share": args.min_share,
              "use_directory": not args.no_directory, "labels": labels}
    RulesStrategy.check_params(params)
    if args.output not in (None, "-"):
        prepare_output(args.output)
    data = read_labeled(args.files, label_column=args.label_column, labels=labels)
    strategy = RulesStrategy(**params).fit(data.transactions, data.labels)
    directory = sum(1 for rule in strategy.rules_ if rule.support is None)
    header = LEARNED_HEADER.format(
        sources=", ".join(Path(s).name for s in data.sources), rows=len(data.labels),
        learned=len(strategy.rules_) - directory, directory=directory, **params)
    with open_output(args.output) as handle:
        handle.write(dump_rules(strategy.rules_, header))
    if args.output not in (None, "-"):
        print(f"txcat-rules: {len(strategy.rules_) - directory} rules learned, {directory} "
              f"from the merchant directory; wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
