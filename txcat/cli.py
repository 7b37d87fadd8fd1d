"""The ``txcat`` command: a thin layer that parses options and calls the library.

Heavy modules are imported inside the commands, so ``txcat --help`` is instant.
Errors the library raises (:class:`~txcat.errors.TxcatError`) are printed once,
as one line, with exit status 1; never a traceback.
"""

from __future__ import annotations

import contextlib
import logging
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from txcat import __version__
from txcat.wording import counted, listed

F = TypeVar("F", bound=Callable[..., Any])


class _NumberRange(click.FloatRange):
    """click's FloatRange, refusing nan: nan compares False with both ends, so the range
    let it through (--threshold nan put no row below it, and labeled every one)."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            bounds = (f"between {self.min:g} and {self.max:g}" if self.max is not None
                      else f"of {self.min:g} or more")
            self.fail(f"{value!r} is not a number {bounds}", param, ctx)
        return number


def _as_on_disk(text: str) -> str:
    """``text`` with any byte of a non-UTF-8 file name shown escaped ('\\xe7').

    Python keeps such a byte as a lone surrogate ('\\udce7'), which the stream would
    print as that escape: a character no file name holds. Its real byte is what the
    user can find in ``ls -b`` or type back.
    """
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that was never a byte: leave it to the stream
        return text
    return raw.decode("utf-8", "backslashreplace")


class _StderrFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        level = "" if record.levelno == logging.INFO else f"{record.levelname.lower()}: "
        return _as_on_disk(f"txcat: {level}{record.getMessage()}")


def _setup_streams() -> None:
    """Never fail on a character the terminal's encoding lacks; stop cleanly on SIGTERM
    (so atomic writers remove their temporary files)."""
    import signal

    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    with contextlib.suppress(ValueError):  # not in the main thread (embedded use)
        signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _setup_logging(quiet: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_StderrFormatter())
    logger = logging.getLogger("txcat")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    import warnings

    warnings.showwarning = _library_warning


def _library_warning(message: Warning | str, category: type[Warning], filename: str,
                     lineno: int, file: Any = None, line: str | None = None) -> None:
    """A library's warning (scikit-learn's ConvergenceWarning, numpy's overflow) as one
    'txcat: warning:' line, without the library's file path and source line."""
    text = " ".join(str(message).split())
    text = text if len(text) <= 300 else text[:297] + "..."
    logging.getLogger("txcat").warning("%s (%s)", text, category.__name__)


def _quiet_option(command: F) -> F:
    """``-q`` after the command name too ('txcat classify -q x.csv'), as users type it."""

    def quiet(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if value:
            logging.getLogger("txcat").setLevel(logging.WARNING)

    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=quiet,
                        help="Only print warnings and errors on stderr.")(command)


def _warn_labeled_two_ways(data: Any) -> None:
    from txcat.training import labeled_two_ways

    count, examples = labeled_two_ways(data)
    if count:
        shown = listed([f"{d!r}: {', '.join(labels)}" for d, labels in examples], 3, "; ")
        logging.getLogger("txcat").warning(
            "%s another's description and amount with another label (%s); check those "
            "labels", "1 row repeats" if count == 1 else f"{count} rows repeat", shown)


def _warn_shared_rows(train: Any, test: Any) -> None:
    """A --test file that repeats training rows (a renamed copy, an overlapping
    export) scores what was learned: say how many."""
    seen = {(t.date, t.amount, t.description) for t in train.transactions}
    shared = sum((t.date, t.amount, t.description) in seen for t in test.transactions)
    if shared:
        logging.getLogger("txcat").warning(
            "%d of the %s are also training rows (same date, amount and description): they "
            "are learned before they are scored, so the scores say less", shared,
            counted(len(test.transactions), "test row"))


def _read_stdin_once(files: Sequence[str]) -> None:
    if list(files).count("-") > 1:
        raise click.UsageError("'-' (standard input) is given more than once; it can be "
                               "read only once")


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
    """Turn the library's errors into one line on stderr and exit status 1."""
    from txcat.errors import TxcatError

    try:
        yield
    except TxcatError as exc:
        click.echo(_as_on_disk(f"txcat: error: {exc}"), err=True)
        sys.exit(1)
    except BrokenPipeError:  # `txcat classify ... | head`
        sys.stderr.close()
        sys.exit(0)
    except OSError as exc:  # a disk, permission or device problem the library did not name
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(_as_on_disk(f"txcat: error: {where}{exc.strerror or exc}"), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("txcat: interrupted", err=True)
        sys.exit(130)


def _column_name(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """A column option's value, refused when empty: '' names no column, and was read as
    no option given (or as a column that is not there)."""
    return _named(value, "a column name", option=param.opts[0])


def _column_options(func: F) -> F:
    options = [
        click.option("--description-column", metavar="NAME", callback=_column_name,
                     help="Column holding the description, for CSVs of no known layout."),
        click.option("--amount-column", metavar="NAME", callback=_column_name,
                     help="Column holding the amount."),
        click.option("--date-column", metavar="NAME", callback=_column_name,
                     help="Column holding the date."),
        click.option("--id-column", metavar="NAME", callback=_column_name,
                     help="Column holding the row id printed as 'código' (default: the "
                          "layout's id column, else the row number)."),
        click.option("--card-bill", is_flag=True,
                     help="The files are credit-card bills, which list purchases as "
                          "positive amounts: read those as money out (Nubank's card CSV "
                          "is recognised without it)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _overrides(kwargs: dict[str, Any]) -> Any:
    from txcat.reading import ColumnOverrides

    return ColumnOverrides(description=kwargs.pop("description_column"),
                           amount=kwargs.pop("amount_column"),
                           date=kwargs.pop("date_column"), id=kwargs.pop("id_column"),
                           card_bill=kwargs.pop("card_bill"))


def _llm_options(func: F) -> F:
    options = [
        click.option("--llm", metavar="SPEC",
                     help="Model for the prompt strategies (few-shot, zero-shot): "
                          "openai:MODEL, ollama:MODEL or hf:PATH_OR_ID. few-shot's default: "
                          "$TXCAT_LLM. The API key comes from $OPENAI_API_KEY for OpenAI, from "
                          "$TXCAT_LLM_API_KEY for any other server."),
        click.option("--llm-base-url", metavar="URL",
                     help="Any OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio)."),
        click.option("--prompt-template", metavar="FILE",
                     help="Your own prompt template ($labels, $descriptions, $examples)."),
        click.option("--no-redact", is_flag=True,
                     help="Send CPF, CNPJ, account numbers, e-mails and phones unmasked "
                          "(masked by default in prompts)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _llm_params(llm: str | None, base_url: str | None, template: str | None,
                no_redact: bool) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if llm:
        params["llm"] = llm
    if base_url:
        params["llm_base_url"] = base_url
    if template:
        params["prompt_template"] = template
    if no_redact:
        params["redact"] = False
    return params


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="txcat")
@click.option("-q", "--quiet", is_flag=True, help="Only print warnings and errors on stderr.")
def main(quiet: bool) -> None:
    """Categorise bank-statement rows as LAZER, NECESSIDADE or TRABALHO.

    \b
    Quick start:
      txcat classify extrato.csv            # código,informação rows on stdout
      txcat classify extrato.csv --format full -o labeled.csv
      txcat train labeled.csv -o my-model   # learn from your own labels
      txcat classify extrato.csv --model my-model

    Statements from Nubank, Inter, Itaú, C6, Banco do Brasil and the txcat
    origin layouts are recognised by their header; see 'txcat layouts'.
    """
    _setup_streams()
    _setup_logging(quiet)
    from txcat.plugins import forget_warnings

    forget_warnings()


@main.command()
@_quiet_option
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("-o", "--output", metavar="OUT", callback=lambda c, p, v: _named(v, "a file name"),
              help="Write here instead of stdout (written atomically).")
@click.option("--format", "fmt", type=click.Choice(["csv", "full", "jsonl", "parquet"]),
              default=None,
              help="csv: 'código,informação' rows (default); full: every input column plus "
                   "label and confidence; jsonl: one JSON object per row; parquet: only with "
                   "--engine ray. Default: jsonl when OUT ends in .jsonl, else csv.")
@click.option("--model", "model_dir", metavar="DIR",
              type=click.Path(file_okay=False, path_type=Path),
              help="A model directory made by 'txcat train'.")
@click.option("--strategy", metavar="NAME",
              help="Use this strategy trained on the bundled corpus instead of the default "
                   "model (see 'txcat strategies').")
@click.option("--threshold", type=_NumberRange(0.0, 1.0), metavar="P",
              help="Rows whose confidence is below P get the label REVISAR, for review. "
                   "It is compared with the unrounded probability: a row shown as 1.0000 "
                   "can be 0.99996, below P=1.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local",
              show_default=True,
              help="ray: run on Ray Data (a local cluster, or --address); -o is then a "
                   "folder of Parquet/CSV shards with the input columns, label and "
                   "confidence. Inputs may also be Parquet files with description/amount.")
@click.option("--address", metavar="RAY_ADDRESS", help="With --engine ray: join this cluster.")
@_llm_options
@click.option("--examples", metavar="LABELED.csv",
              help="few-shot: the labeled rows to draw examples from (default: the bundled "
                   "corpus).")
@_column_options
def classify(files: tuple[str, ...], output: str | None, fmt: str | None,
             model_dir: Path | None, strategy: str | None, threshold: float | None,
             engine: str, address: str | None, llm: str | None, llm_base_url: str | None,
             prompt_template: str | None, no_redact: bool, examples: str | None,
             **columns: Any) -> None:
    """Label every row of statement FILE(s); a folder stands for its .csv files, and
    '-' reads standard input.

    Output rows keep input order, one per data row. With no --model or
    --strategy, the embedded default model is used: it works offline, and the
    first run trains it in a few seconds and caches it.
    """
    with _user_errors():
        from txcat.classify import classify_stream
        from txcat.labels import REVIEW_LABEL
        from txcat.output import (
            PredictionWriter,
            open_output,
            prepare_output,
            refuse_overwriting_inputs,
        )
        from txcat.reading import open_statement
        from txcat.training import expand_folders

        if model_dir is not None and strategy is not None:
            raise click.UsageError("give --model or --strategy, not both")
        if address and engine != "ray":
            raise click.UsageError("--address is for --engine ray (the Ray cluster to join)")
        _read_stdin_once(files)
        overrides = _overrides(columns)
        if engine == "ray" and (overrides.any() or overrides.card_bill):
            raise click.UsageError("--engine ray reads each file as its header names it: "
                                   "the column options and --card-bill are not supported "
                                   "there")
        if engine == "ray":
            _classify_on_ray(tuple(str(f) for f in expand_folders(files)), output, fmt,
                             model_dir, strategy, threshold, address)
            return
        if fmt == "parquet":
            raise click.UsageError("--format parquet needs --engine ray")
        if fmt is None and output and output.lower().endswith(".parquet"):
            raise click.UsageError("parquet output needs --engine ray (and -o OUTPUT_DIR); "
                                   "without it, write .csv or .jsonl")
        inputs = expand_folders(files)
        if output is not None and output != "-":
            refuse_overwriting_inputs(output, inputs)
            prepare_output(output)
        llm_params = _llm_params(llm, llm_base_url, prompt_template, no_redact)
        if model_dir is not None and (llm_params or examples):
            given = [_OPTION_OF[key] for key in llm_params] + ["--examples"] * bool(examples)
            raise click.UsageError(f"{' and '.join(given)} cannot change a --model: the model "
                                   "directory holds its strategy's settings (train it again "
                                   "to change them)")
        if model_dir is None:
            _check_options_apply(_chosen_strategy(strategy, llm_params, examples),
                                 llm_params)
        fmt = fmt or ("jsonl" if output and output.lower().endswith(".jsonl") else "csv")
        with contextlib.ExitStack() as stack:
            # Inputs first: a mistyped file name must not wait for a model to load.
            statements = [stack.enter_context(open_statement(
                f, overrides=overrides, allow_empty=len(inputs) > 1)) for f in inputs]
            if all(st.empty for st in statements):  # only balances, or only headers
                from txcat.errors import TxcatError

                raise TxcatError("no transaction rows in " + (
                    statements[0].name if len(statements) == 1 else
                    f"any of the {len(statements)} files") + " (nothing to classify)")
            model = _load_model(model_dir, strategy, llm_params, examples)
            columns_union: list[str] = []
            for st in statements:
                columns_union += [c for c in st.columns if c not in columns_union]
            progress = _Progress()
            total = review = abstained = 0
            several = len(statements) > 1
            earlier_ids: set[str] = set()
            with open_output(output) as handle:
                writer = PredictionWriter(handle, fmt, columns_union, with_file=several)
                for st in statements:
                    ids: set[str] = set()
                    for prediction in classify_stream(model, st, threshold=threshold,
                                                      progress=progress.update):
                        writer.write(prediction)
                        total += 1
                        review += prediction.label != prediction.predicted
                        abstained += prediction.predicted == REVIEW_LABEL
                        if several and fmt == "csv":
                            ids.add(prediction.transaction.id)
                    if repeated := len(ids & earlier_ids):
                        logging.getLogger("txcat").warning(
                            "%s: %s already used by earlier files; --format full or jsonl "
                            "names each row's file", st.name, counted(repeated, "código"))
                    earlier_ids |= ids
                writer.finish()
            progress.finish(total)
        if abstained:
            logging.getLogger("txcat").warning(
                "%s got no valid answer from the model and %s labeled %s",
                counted(abstained, "row"), "was" if abstained == 1 else "were", REVIEW_LABEL)
        if threshold is not None:
            logging.getLogger("txcat").info(
                "%d of %s below confidence %g were labeled REVISAR", review,
                counted(total, "row"), threshold)


def _classify_on_ray(files: tuple[str, ...], output: str | None, fmt: str | None,
                     model_dir: Path | None, strategy: str | None, threshold: float | None,
                     address: str | None) -> None:
    from txcat.integrations.ray_engine import classify_with_ray

    if not output or output == "-":
        raise click.UsageError("--engine ray writes shards: give -o OUTPUT_DIR")
    if strategy is not None:
        raise click.UsageError("--engine ray runs a saved model: give --model DIR (or "
                               "nothing, for the default model)")
    if fmt not in (None, "csv", "parquet"):
        raise click.UsageError("--engine ray writes parquet (default) or csv shards")
    stats = classify_with_ray(list(files), output, model_dir=str(model_dir) if model_dir
                              else None, address=address, fmt=fmt or "parquet",
                              threshold=threshold)
    logging.getLogger("txcat").info(
        "ray: %d rows in %.1f s with %d workers: %.0f rows/s in all, %.0f rows/s per worker; "
        "shards in %s", stats["rows"], stats["seconds"], stats["workers"],
        stats["rows_per_second"] or 0, stats["rows_per_second_per_worker"] or 0, output)


def _chosen_strategy(strategy: str | None, params: dict[str, Any],
                     examples: str | None = None) -> str:
    """--strategy; else few-shot when an LLM or an example pool is given; else the
    default model's strategy."""
    from txcat.default_model import DEFAULT_STRATEGY

    return strategy or ("few-shot" if "llm" in params or examples else DEFAULT_STRATEGY)


def _load_model(model_dir: Path | None, strategy: str | None, params: dict[str, Any],
                examples: str | None) -> Any:
    """A saved model; a strategy made with options (fitted on --examples or the bundled
    corpus, not cached); or the cached bundled-corpus model (the default)."""
    if model_dir is not None:
        from txcat.modeldir import load_model

        model = load_model(model_dir)
        saved = model.get_params()
        if saved.get("redact") is False and not str(saved.get("llm") or "").startswith("hf:"):
            logging.getLogger("txcat").warning(
                "%s was trained with --no-redact: rows go to the LLM with personal data "
                "unmasked; train it again without --no-redact to mask them", model_dir)
        return model
    from txcat.default_model import bundled_training_data, load_bundled_model
    from txcat.plugins import create_strategy, get_strategy
    from txcat.training import read_labeled

    name = _chosen_strategy(strategy, params, examples)
    if not params and not examples and get_strategy(name).cache_bundled:
        return load_bundled_model(name)

    model = create_strategy(name, params)
    if not examples:
        data = bundled_training_data()
        return model.fit(data.transactions, data.labels)
    from txcat.labels import DEFAULT_LABELS
    from txcat.training import check_trainable

    data = read_labeled([examples])
    unseen = check_trainable(data, DEFAULT_LABELS)  # one label: refused, as by train
    model.fit(data.transactions, data.labels)
    _warn_unanswerable(unseen, model, examples)  # as train says it
    return model


def _warn_unanswerable(unseen: Sequence[str], model: Any, where: str) -> None:
    """Name each label of the set that no training row had and the trained model cannot
    answer (zero-shot answers a label it has a description of)."""
    for label in unseen:
        if label not in model.labels_:
            logging.getLogger("txcat").warning("%s never appears in %s: this model can never "
                                               "answer it", label, where)




class _Progress:
    """A row counter on stderr, only when stderr is a terminal and the work is long."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.shown = False

    def update(self, done: int) -> None:
        if self.enabled and done >= 20_000:
            click.echo(f"\rtxcat: {done:,} rows classified", err=True, nl=False)
            self.shown = True

    def finish(self, total: int) -> None:
        if self.shown:
            click.echo(f"\rtxcat: {total:,} rows classified", err=True)


@main.command()
@_quiet_option
@click.argument("files", nargs=-1, required=True, metavar="LABELED...")
@click.option("-o", "--output", "model_dir", required=True, metavar="DIR",
              callback=lambda c, p, v: _named(v, "a folder name", Path),
              help="Model directory to write (replaced if it is a txcat model).")
@click.option("--strategy", metavar="NAME",
              help="Which strategy to train (see 'txcat strategies'). Default: tfidf, or "
                   "few-shot with --llm.")
@click.option("--label-column", metavar="NAME", callback=_column_name,
              help="Column holding the labels (default: label, categoria or informação).")
@click.option("--labels", "label_set", metavar="A,B,C",
              help="The label set, comma-separated (default: LAZER,NECESSIDADE,TRABALHO).")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A strategy parameter, e.g. -p C=5 -p directory=false (repeatable).")
@click.option("--base-model", metavar="ID_OR_DIR",
              help="For bert/lora/zero-shot: a Hugging Face model id or local folder "
                   "(default: the bundled all-MiniLM-L6-v2 for encoders).")
@_llm_options
@_column_options
def train(files: tuple[str, ...], model_dir: Path, strategy: str, label_column: str | None,
          label_set: str | None, params: tuple[str, ...], base_model: str | None,
          llm: str | None, llm_base_url: str | None, prompt_template: str | None,
          no_redact: bool, **columns: Any) -> None:
    """Train a strategy on labeled statement file(s) and save it to DIR.

    A labeled file is any statement txcat reads plus a label column; a folder
    stands for its .csv files. Use the result with 'txcat classify FILE --model DIR'.
    """
    _read_stdin_once(files)
    with _user_errors():
        import time

        from txcat.errors import StrategyError
        from txcat.labels import normalise_label
        from txcat.modeldir import check_model_target, save_model
        from txcat.plugins import create_strategy
        from txcat.training import check_trainable, read_labeled

        labels = _label_set(label_set)
        prompt_params = _llm_params(llm, llm_base_url, prompt_template, no_redact)
        if base_model:
            prompt_params = {**prompt_params, "base_model": base_model}
        parsed = _parse_params(params)
        _check_given_once(parsed, params, prompt_params)
        parsed.update(prompt_params)
        strategy = _chosen_strategy(strategy, parsed)
        _check_options_apply(strategy, prompt_params)
        model = create_strategy(strategy, parsed)
        check_model_target(model_dir)
        data = read_labeled(files, label_column=label_column, labels=labels,
                            overrides=_overrides(columns))
        log = logging.getLogger("txcat")
        unseen = check_trainable(data, labels)
        _warn_labeled_two_ways(data)
        log.info("training %s on %d rows from %s", strategy, len(data.labels),
                 counted(len(data.sources), "file"))
        start = time.perf_counter()
        with _StageProgress() as progress:
            if hasattr(model, "progress"):
                model.progress = progress.update
            try:
                model.fit(data.transactions, data.labels)
            except (ValueError, TypeError) as exc:  # e.g. min_df above the number of rows
                raise StrategyError(f"training failed: {exc}") from None
            finally:
                if hasattr(model, "progress"):
                    model.progress = None
        seconds = time.perf_counter() - start
        # A label set given as a parameter (the rules plugin's '-p labels=A,B') was asked for.
        asked = parsed.get("labels")
        asked = asked.split(",") if isinstance(asked, str) else asked
        allowed = {*labels, *(normalise_label(str(a)) for a in asked or ())}
        outside = [label for label in model.labels_ if label not in allowed]
        if outside:  # zero-shot's come from its descriptions, not from the rows
            one = len(outside) == 1
            raise StrategyError(f"{strategy} answers {', '.join(outside)}, which "
                                f"{'is' if one else 'are'} not in the label set "
                                f"({', '.join(labels)}); add {'it' if one else 'them'} with "
                                f"--labels, or leave {'it' if one else 'them'} out")
        _warn_unanswerable(unseen, model, "the training rows")
        save_model(model, model_dir, training={**data.summary(), "fit_seconds": seconds})
        log.info("trained in %.1f s; saved to %s", seconds, model_dir)


#: CLI options that become strategy parameters, and the strategies they are for.
_OPTION_OF = {"llm": "--llm", "llm_base_url": "--llm-base-url",
              "prompt_template": "--prompt-template", "redact": "--no-redact",
              "base_model": "--base-model"}
_PROMPT_STRATEGIES = "the prompt strategies (few-shot, zero-shot)"
_FOR_WHOM = {"base_model": "the encoder and decoder strategies (bert, lora, zero-shot)"}


def _check_options_apply(strategy: str, option_params: dict[str, Any]) -> None:
    """Options given to a strategy that takes no such parameter: a usage error naming
    the option and whom it is for, rather than 'no parameter prompt_template'."""
    from txcat.errors import UnknownParameterError
    from txcat.plugins import check_strategy_params, registered_strategy

    cls = registered_strategy(strategy)
    for key, value in option_params.items():
        try:
            check_strategy_params(cls, {key: value})
        except UnknownParameterError:  # a bad value is the strategy's own error
            whom = _FOR_WHOM.get(key, _PROMPT_STRATEGIES)
            raise click.UsageError(f"{_OPTION_OF.get(key, key)} is for {whom}, not "
                                   f"{strategy}") from None


def _parse_params(pairs: tuple[str, ...]) -> dict[str, Any]:
    """'C=5' -> {'C': 5}; values are read by :func:`txcat.plugins.param_value`.

    A key given twice is an error: keeping either value would train a model the user
    did not ask for, with nothing to say so."""
    from txcat.plugins import param_value

    params: dict[str, Any] = {}
    given: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="-p/--param")
        if key in given:
            raise click.UsageError(f"-p {key} is given twice ({given[key]}, {pair}); "
                                   "give it once")
        given[key] = pair
        params[key] = param_value(value)
    return params


def _check_given_once(parsed: dict[str, Any], pairs: tuple[str, ...],
                      option_params: dict[str, Any]) -> None:
    """A parameter set both by ``-p`` and by its own option (``--base-model``, ``--llm``)."""
    for key in parsed.keys() & option_params.keys():
        pair = next(p for p in pairs if p.partition("=")[0].strip() == key)
        option = _OPTION_OF.get(key, key)
        value = option_params[key]
        shown = option if isinstance(value, bool) else f"{option} {value}"
        raise click.UsageError(f"{key} is given twice (-p {pair.strip()} and {shown}); "
                               "give it once")


@main.command()
@_quiet_option
@click.argument("files", nargs=-1, required=True, metavar="LABELED...")
@click.option("--strategies", "strategy_specs", metavar="S1,S2",
              help="Strategies to compare, with optional parameters: "
                   "'tfidf,tfidf:directory=false'. Default: every registered strategy "
                   "(those that cannot run here are listed with the reason).")
@click.option("--split", "method", type=click.Choice(["merchant", "random", "time"]),
              default="merchant", show_default=True,
              help="merchant: no test counterpart is seen in training; time: train on "
                   "older rows, test on newer; random: stratified by label.")
@click.option("--test-size", type=_NumberRange(0, 1, min_open=True, max_open=True),
              default=0.2, show_default=True, help="Share of rows (or merchants) tested.")
@click.option("--test", "test_file", metavar="TEST.csv",
              help="Score on this labeled file instead of splitting (all LABELED rows train).")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True,
              help="Seed of the split, the bootstrap and the learning-curve subsets.")
@click.option("--train-sizes", metavar="N,N,...,all",
              help="Also fit on this many training rows each, for a learning curve.")
@click.option("-o", "--output", "report_dir", metavar="REPORT_DIR",
              callback=lambda c, p, v: _named(v, "a folder name", Path),
              help="Write results.json, split.json, report.md and PNG charts here.")
@click.option("--label-column", metavar="NAME", callback=_column_name,
              help="Column holding the labels.")
@click.option("--labels", "label_set", metavar="A,B,C", help="The label set, comma-separated.")
@_column_options
def bench(files: tuple[str, ...], strategy_specs: str | None, method: str, test_size: float,
          test_file: str | None, seed: int, train_sizes: str | None, report_dir: Path | None,
          label_column: str | None, label_set: str | None, **columns: Any) -> None:
    """Fit and score strategies on one shared, reproducible split of LABELED file(s)
    (a folder stands for its .csv files).

    Reports accuracy with a 95% bootstrap interval, macro-F1, per-label scores,
    the confusion matrix, fit time, prediction rows/s and model size, so you can
    pick the strategy that is best on your own data.
    """
    _read_stdin_once(files)
    with _user_errors():
        from txcat.bench.report import check_report_target, write_report
        from txcat.bench.runner import default_specs, parse_specs, run_benchmark, scored
        from txcat.bench.split import make_split
        from txcat.errors import TxcatError
        from txcat.output import is_one_of
        from txcat.training import expand_folders, read_labeled

        source = click.get_current_context().get_parameter_source
        for name, option in (("method", "--split"), ("test_size", "--test-size")):
            if test_file and source(name) is not click.core.ParameterSource.DEFAULT:
                raise click.UsageError(f"{option} shapes a split of the training files; with "
                                       f"--test every training row trains and the rows of "
                                       f"{test_file} test")
        labels = _label_set(label_set)
        sizes = _parse_train_sizes(train_sizes)
        specs = (parse_specs(strategy_specs) if strategy_specs is not None
                 else default_specs())
        overrides = _overrides(columns)
        data = read_labeled(files, label_column=label_column, labels=labels,
                            overrides=overrides)
        _warn_labeled_two_ways(data)
        same_file = test_file is not None and is_one_of(test_file, expand_folders(files))
        if same_file:
            logging.getLogger("txcat").warning(
                "--test %s is also a training file: its rows are learned before they are "
                "scored, so the scores say little", test_file)
        test_data = read_labeled([test_file], label_column=label_column, labels=labels,
                                 overrides=overrides) if test_file else None
        if test_data is not None and not same_file:
            _warn_shared_rows(data, test_data)
        split = make_split(data, method, test_size=test_size, seed=seed, test_data=test_data)
        if report_dir is not None:
            check_report_target(report_dir)
        for size in (s for s in sizes if s != "all" and int(s) > len(split.train)):
            logging.getLogger("txcat").warning(
                "--train-sizes %d is more than the %s; left out of the learning curve "
                "(use 'all')", size, counted(len(split.train), "training row"))
        logging.getLogger("txcat").info(
            "%s split: %s, %s; %s", split.method, counted(len(split.train), "train row"),
            counted(len(split.test), "test row"), counted(len(specs), "strategy", "strategies"))
        with _BenchProgress() as progress:
            results = run_benchmark(data, split, specs, labels=labels, train_sizes=sizes,
                                    progress=progress.update)
        _print_bench_table(results)
        if report_dir is not None:
            written = write_report(results, split, data, report_dir)
            logging.getLogger("txcat").info("report written to %s (%s)", report_dir,
                                            ", ".join(p.name for p in written))
        if not scored(results):
            raise TxcatError("no strategy was scored (the reasons are listed above)")


_FORMATS = ["openai-chat", "openai-completion", "alpaca", "bedrock"]


@main.command()
@_quiet_option
@click.argument("files", nargs=-1, required=True, metavar="LABELED...")
@click.option("--format", "fmt", type=click.Choice(_FORMATS), required=True,
              help="openai-chat: {messages: [system, user, assistant]}; openai-completion: "
                   "{prompt, completion}; alpaca: {instruction, input, output}; bedrock: "
                   "{prompt, completion} as Bedrock customization jobs take it.")
@click.option("-o", "--output", required=True, metavar="TRAIN.jsonl",
              callback=lambda c, p, v: _named(v, "a file name"),
              help="Training file to write (atomically); '-' writes to standard output.")
@click.option("--validation-out", metavar="VALIDATION.jsonl",
              callback=lambda c, p, v: _named(v, "a file name", option="--validation-out"),
              help="Also write a validation file, split off stratified by label.")
@click.option("--validation-size", type=_NumberRange(0, 1, min_open=True, max_open=True),
              default=0.1, show_default=True, help="Share of rows in the validation file.")
@click.option("--group-by-merchant", is_flag=True,
              help="Keep each merchant's rows on one side of the validation split.")
@click.option("--no-redact", is_flag=True,
              help="Keep CPF, CNPJ, agency/account, card numbers, e-mails and phones "
                   "(masked by default: these files are uploaded to a remote service).")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True,
              help="Seed of the validation split: the same seed, the same files.")
@click.option("--label-column", metavar="NAME", callback=_column_name,
              help="Column holding the labels.")
@click.option("--labels", "label_set", metavar="A,B,C", help="The label set, comma-separated.")
@_column_options
def export(files: tuple[str, ...], fmt: str, output: str, validation_out: str | None,
           validation_size: float, group_by_merchant: bool, no_redact: bool, seed: int,
           label_column: str | None, label_set: str | None, **columns: Any) -> None:
    """Write labeled statements as JSONL for hosted fine-tuning (OpenAI, Bedrock, ...);
    a folder stands for its .csv files, and '-' reads standard input.

    The user turn is the row as in txcat's origin prompt (data,código,valor,tipo);
    the answer is its label. Check the result with 'txcat check-jsonl'.
    """
    with _user_errors():
        from txcat.export import export_jsonl
        from txcat.output import refuse_overwriting_inputs
        from txcat.training import expand_folders, read_labeled

        _read_stdin_once(files)
        source = click.get_current_context().get_parameter_source
        shaping = [option for option, given in (
            ("--group-by-merchant", group_by_merchant),
            ("--validation-size", source("validation_size") is not
             click.core.ParameterSource.DEFAULT),
            ("--seed", source("seed") is not click.core.ParameterSource.DEFAULT)) if given]
        if shaping and not validation_out:
            raise click.UsageError(f"{' and '.join(shaping)} "
                                   f"{'shapes' if len(shaping) == 1 else 'shape'} the "
                                   "validation file: add --validation-out VALIDATION.jsonl")

        labels = _label_set(label_set)
        for out in (output, validation_out):
            refuse_overwriting_inputs(out, expand_folders(files))
        data = read_labeled(files, label_column=label_column, labels=labels,
                            overrides=_overrides(columns))
        summary = export_jsonl(data, fmt, output, validation_out=validation_out,
                               validation_size=validation_size,
                               group_by_merchant=group_by_merchant, redact=not no_redact,
                               seed=seed, labels=labels)
        log = logging.getLogger("txcat")
        for written in summary["files"]:
            counts = ", ".join(f"{k} {v}" for k, v in written["labels"].items())
            extra = ("; no merchant in both files" if written["role"] == "validation"
                     and summary["group_by_merchant"] else "")
            log.info("wrote %d %s examples to %s (%s)%s", written["examples"], fmt,
                     written["path"], counts, extra)
        if no_redact:
            log.warning("personal data is not masked (--no-redact); review the file before "
                        "uploading it")
        elif summary["redacted_rows"]:
            log.info("personal data masked in %d rows (CPF, CNPJ, agency/account, card, "
                     "e-mail, phone); --no-redact keeps it", summary["redacted_rows"])


@main.command("check-jsonl")
@click.argument("file", metavar="FILE.jsonl")
@click.option("--format", "fmt", type=click.Choice(_FORMATS), required=True,
              help="The format the file was written in (as 'txcat export --format').")
@click.option("--labels", "label_set", metavar="A,B,C", help="The label set, comma-separated.")
@click.option("--price-per-million", type=_NumberRange(0, None), metavar="PRICE",
              help="Training price per 1M tokens, for a cost estimate.")
@click.option("--epochs", type=click.IntRange(1, None), default=3, show_default=True,
              help="Training epochs, for the token and cost estimate.")
@click.option("--max-tokens", type=click.IntRange(1, None), default=4096, show_default=True,
              metavar="N",
              help="Most tokens one example may have: the limit of the model you tune "
                   "(65536 for gpt-4o and gpt-4o-mini). Longer examples are errors.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def check_jsonl_command(file: str, fmt: str, label_set: str | None,
                        price_per_million: float | None, epochs: int, max_tokens: int,
                        as_json: bool) -> None:
    """Validate a fine-tuning JSONL file line by line, as the services do; '-' reads
    standard input.

    Checks JSON per line, required keys and roles, non-empty contents, the label
    set, the example count and each example's tokens; counts tokens and estimates
    cost. Exit status 1 when errors are found.
    """
    with _user_errors():
        import json

        from txcat.export import check_jsonl

        stdin = file == "-"  # as for the other commands
        report = check_jsonl("<stdin>" if stdin else file, fmt, labels=_label_set(label_set),
                             price_per_million=price_per_million, epochs=epochs,
                             max_tokens=max_tokens, stream=sys.stdin.buffer if stdin else None)
        if as_json:
            click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        else:
            file = "<stdin>" if stdin else _as_on_disk(file)
            for problem in report.errors[:50]:
                where = f"{file}:{problem.line}" if problem.line else file
                click.echo(f"{where}: {problem.message}")
            if len(report.errors) > 50:
                click.echo(f"... and {len(report.errors) - 50} more errors")
            for warning in report.warnings:
                click.echo(f"warning: {warning}")
            counts = ", ".join(f"{k} {v}" for k, v in report.label_counts.items())
            shown = counted(report.examples, "example")
            if report.valid_examples != report.examples:  # the label counts are of valid ones
                shown = (f"{counted(report.valid_examples, 'valid example')} of "
                         f"{counted(report.lines, 'line')}")
            click.echo(f"{file}: {shown} ({counts})")
            how = (" (estimated at ~4 characters a token; install tiktoken for exact counts)"
                   if report.tokens_estimated else "")
            click.echo(f"tokens: {report.tokens_total:,} in all, {report.tokens_max:,} at most "
                       f"per example{how}")
            if report.estimated_cost is not None:
                click.echo(f"training: {report.training_tokens:,} tokens over {epochs} epochs, "
                           f"about {report.estimated_cost:,.2f} at {price_per_million:,.2f} "
                           "per 1M tokens")
            click.echo("OK" if report.ok else f"{counted(len(report.errors), 'error')} found")
        if not report.ok:
            sys.exit(1)


def _named(value: str | None, what: str, kind: Callable[[str], Any] = str,
           option: str = "-o") -> Any:
    """An -o value, refused when empty: '' would be read as the current folder."""
    if value is None:
        return None
    if not value.strip():
        raise click.UsageError(f"{option} needs {what}")
    return kind(value)


def _label_set(text: str | None) -> list[str]:
    from txcat.labels import DEFAULT_LABELS

    if text is None:
        return list(DEFAULT_LABELS)
    names = [x.strip() for x in text.split(",")]
    if not any(names):
        raise click.UsageError(f"--labels names no label ({text!r}); give them comma-separated, "
                               "e.g. --labels LAZER,NECESSIDADE,TRABALHO")
    if not all(names):
        raise click.UsageError(f"--labels has an empty name ({text!r})")
    labels = [x.upper() for x in names]
    repeated = next((x for i, x in enumerate(labels) if x in labels[:i]), None)
    if repeated:
        raise click.UsageError(f"--labels names {repeated} twice ({text!r})")
    return labels


def _parse_train_sizes(text: str | None) -> list[int | str]:
    if not text:
        return []
    sizes: list[int | str] = []
    for part in (p.strip().lower() for p in text.split(",") if p.strip()):
        if part == "all":
            sizes.append("all")
        elif part.isascii() and part.isdigit() and int(part) > 0:
            sizes.append(int(part))
        else:
            what = "whole number" if part.isascii() and not part.isdigit() and \
                part.replace(".", "", 1).replace(",", "", 1).isdigit() else "positive number"
            raise click.BadParameter(f"{part!r} is not a {what} of rows, or 'all'",
                                     param_hint="--train-sizes")
    return sizes


class _StageProgress:
    """A rich progress bar per stage a strategy reports (train, predict), on stderr."""

    def __enter__(self) -> _StageProgress:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(TextColumn("{task.description:<10}"), BarColumn(),
                                  MofNCompleteColumn(), TimeRemainingColumn(),
                                  console=Console(stderr=True),
                                  disable=not sys.stderr.isatty())
        self._progress.__enter__()
        self._tasks: dict[str, Any] = {}
        return self

    def update(self, stage: str, done: int, total: int) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(stage, total=total)
        self._progress.update(self._tasks[stage], completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(None, None, None)


class _BenchProgress:
    """One rich progress bar per strategy, on stderr."""

    def __enter__(self) -> _BenchProgress:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._progress = Progress(TextColumn("{task.description:<32}"), BarColumn(),
                                  MofNCompleteColumn(), TextColumn("{task.fields[stage]}"),
                                  console=Console(stderr=True),
                                  disable=not sys.stderr.isatty())
        self._progress.__enter__()
        self._tasks: dict[str, Any] = {}
        return self

    def update(self, event: Any) -> None:
        if event.strategy not in self._tasks:
            self._tasks[event.strategy] = self._progress.add_task(
                event.strategy, total=event.total or 1, stage="")
        task = self._tasks[event.strategy]
        if event.stage in ("fit", "predict"):
            self._progress.update(task, total=event.total or 1, completed=event.done,
                                  stage="fitting" if event.stage == "fit" else "predicting")
        elif event.stage == "curve":
            self._progress.update(task, stage=f"learning curve {event.done}/{event.total}")
        else:
            self._progress.update(task, completed=self._progress.tasks[task].total,
                                  stage=event.stage)

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(None, None, None)


def _print_bench_table(results: dict[str, Any]) -> None:
    """The results as a table that fits an 80-column terminal: a strategy that did not
    run shows its status in the accuracy column, and the reasons follow the table."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from txcat.bench.report import table_rows

    table = Table(title=f"txcat bench: {results['split']['method']} split, "
                        f"{counted(results['split']['test_rows'], 'test row')}",
                  box=box.SIMPLE_HEAD)
    columns = ["strategy", "accuracy [95% CI]", "macro-F1", "fit s", "rows/s", "size"]
    rows = [[r[0], r[2] if r[1] == "ok" else r[1], r[3], r[4], r[5], r[6]]
            for r in table_rows(results)]
    for i, header in enumerate(columns):
        if i == 0:  # names may fold; numbers never shrink
            table.add_column(header, overflow="fold", min_width=12)
        else:
            widest = max([len(header.split()[0]), *(len(row[i]) for row in rows)])
            table.add_column(header, no_wrap=True, min_width=widest)
    for row in rows:  # as text: '[b]' in a parameter's value (a file name) is no markup
        table.add_row(*map(Text, row))
    console = Console(width=None if Console().is_terminal else 100)
    console.print(table)
    for r in results["strategies"]:
        if r["status"] != "ok":
            console.print(f"{r['name']}: {r['status']}: {r['reason']}", markup=False,
                          highlight=False)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def strategies(as_json: bool) -> None:
    """List registered strategies (built-in and from plugins) and whether each can run."""
    with _user_errors():
        import json

        from txcat.plugins import availability_of, get_strategies

        rows: list[dict[str, Any]] = []
        for name, cls in sorted(get_strategies().items()):
            usable, reason = availability_of(cls)
            rows.append({"name": name, "usable": usable, "status": reason,
                         "needs": list(cls.requires), "description": cls.description,
                         "module": cls.__module__})
        if as_json:
            click.echo(json.dumps(rows, indent=2))
            return
        for row in rows:
            mark = "yes" if row["usable"] else "no"
            needs = ", ".join(row["needs"]) or "no package of its own"
            click.echo(f"{row['name']}\n  {row['description']}\n  needs: {needs}\n"
                       f"  usable here: {mark} ({row['status']})")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def plugins(as_json: bool) -> None:
    """List installed plugins (built-in and third-party) and the hooks each implements.

    TXCAT_LOAD_PLUGINS=name1,name2 loads only those third-party plugins.
    """
    with _user_errors():
        import json

        from txcat.plugins import list_plugins

        rows = list_plugins()
        if as_json:
            click.echo(json.dumps(rows, indent=2))
            return
        for row in rows:
            click.echo(f"{row['name']} ({row['source']}): {', '.join(row['hooks']) or '-'}")


@main.command()
def layouts() -> None:
    """List the bank statement layouts recognised without flags."""
    with _user_errors():
        from txcat.plugins import get_layouts

        for layout in get_layouts():
            click.echo(f"{layout.name:18} {layout.title}")
