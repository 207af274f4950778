"""The command line: ``python main.py CMD`` or ``gradviz CMD``.

    run GRAPH [--mode reverse|forward] [--json]   values and bars
    trace GRAPH [--json]                          the steps, one per line, as a student reads them
    check GRAPH [--tolerance T]                   finite differences against every bar; exit 1 above T
    export GRAPH --to numpy|torch [-o FILE]       a standalone script computing the same values and bars
    render GRAPH -o out.png|out.svg [--dark]      the canvas drawn offscreen, for slides
    export-lesson GRAPH -o lesson.html            every step, the rule and the lesson's stops, one HTML file
           [--step N | --all-steps DIR | --gif F]  ... at step N, one PNG per step, or an animated GIF
    install-desktop [--uninstall]                 put gradviz in the Linux applications menu
    new FILE.json --from FILE.py [--force]        a graph file from numpy-like lines (Edit ▸ Graph as Code)
    code GRAPH                                    the graph as those lines

Exit codes: 0 success, 1 check failed or the output could not be written (a full disk, a JSON reader
that closed the pipe), 2 bad input (file or graph), each with one line on stderr. With no command the
window opens, on the file given alone or on the default example.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from gradviz import __version__
from gradviz.engine.describe import line, sentence
from gradviz.engine.errors import GradvizError, GraphError, NodeError
from gradviz.engine.forward_mode import forward_mode
from gradviz.engine.gradcheck import TOLERANCE, gradcheck
from gradviz.engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Trace
from gradviz.engine.tracer import run
from gradviz.io.atomic import write_atomic
from gradviz.io.errors import GraphFileError
from gradviz.io.file_bytes import read_text
from gradviz.io.graph_file import GraphFile, load, read
from gradviz.model.story import story_of

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2
EXIT_OUTPUT_FAILED = 1
CHUNK = 2**20  # bytes per write: Linux writes at most 2,147,479,552 bytes in one call, and says so quietly
COMMANDS = (
    "run",
    "trace",
    "check",
    "export",
    "render",
    "install-desktop",
    "new",
    "code",
    "import-torch",
    "export-lesson",
)


def as_json(array: np.ndarray) -> Any:
    """An array as orjson takes it: a number for a scalar, else a C-ordered array (views are copied)."""
    array = np.asarray(array)
    return array.item() if array.ndim == 0 else np.ascontiguousarray(array)


def print_json(document: dict[str, Any]) -> None:
    """``document`` as one line of JSON on stdout. orjson writes numpy arrays ~10× faster than json, and
    writes nan and infinities, which JSON cannot hold, as null."""
    write_stdout(orjson.dumps(document, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_APPEND_NEWLINE))


def write_stdout(data: bytes) -> None:
    """``data`` on stdout, at most CHUNK bytes a call, so output of any size is written whole or fails
    loudly (an OSError). A single write can be short (at 2 GiB, or into a pipe, when stdout is unbuffered
    as with PYTHONUNBUFFERED): what a call did not take is written by the next one."""
    sys.stdout.flush()
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # a text stream standing in for stdout (a test's capture)
        sys.stdout.write(data.decode())
        return
    view = memoryview(data)
    while view:
        written = stream.write(view[:CHUNK])
        view = view[written if written is not None else 0 :]
    stream.flush()


def _drop_stdout() -> None:
    """Point stdout at /dev/null after a write to it failed: what is still buffered would fail again
    when Python exits, and print a second error (and a traceback) on stderr."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real stdout (a test's capture): nothing is left to fail
        pass


def _traced(graph_path: str) -> tuple[GraphFile, Trace]:
    graph, program = load(graph_path)
    try:
        return graph, run(program)
    except NodeError as error:
        raise GraphFileError(graph_path, error.reason, node=error.node_id, field=error.field) from None


# ----- commands ---------------------------------------------------------------------------------


def command_run(args: argparse.Namespace) -> int:
    graph, trace = _traced(args.graph)
    program = trace.program
    values = {node.id: trace.value(node.id) for node in program.nodes}
    if args.mode == "forward":
        result = forward_mode(program, record=False)
        bars, passes = dict(result.gradients), result.passes
    else:
        bars, passes = trace.bars(), 1
    if args.json:
        print_json(
            {
                "output": program.output,
                "values": {key: as_json(value) for key, value in values.items()},
                "bars": {key: as_json(bar) for key, bar in bars.items()},
                "passes": passes,
            }
        )
        return EXIT_OK
    print(f"{graph.title or Path(args.graph).name}: c = {program.output} = {trace.output_value:.6g}")
    print(f"{args.mode} mode, {passes} pass{'es' if passes != 1 else ''}")
    with np.printoptions(precision=4, suppress=True, linewidth=100):
        for node in program.nodes:
            print(f"\n{node.name} ({node.op.name}) =\n{values[node.id]}")
            if node.id in bars:
                print(f"{node.name}̄ =\n{bars[node.id]}")
    return EXIT_OK


def _step_json(trace: Trace, index: int) -> dict[str, Any]:
    step = trace.steps[index]
    entry: dict[str, Any] = {
        "index": index,
        "kind": step.kind,
        "node": step.node.id,
        "formula": trace.formula(index),
        "sentence": sentence(trace, index),
        "flops": trace.flops(index),
        "nonfinite": bool(step.nonfinite),
    }
    match step:
        case ForwardStep():
            entry["value"] = as_json(step.value)
        case SeedStep():
            entry["bar"] = as_json(step.bar)
        case BackwardStep():
            entry.update(
                parent=step.parent.id,
                port=step.port_name,
                contribution=as_json(step.contribution),
                summed_axes=list(step.summed_axes),
            )
        case AccumulateStep():  # "source": the key the JSON has always had for the backward step's index
            entry.update(source=step.backward_index, count=step.count, bar=as_json(step.bar))
    return entry


def command_trace(args: argparse.Namespace) -> int:
    _, trace = _traced(args.graph)
    story = story_of(trace)
    if args.json:
        steps = [_step_json(trace, index) for index in range(len(trace))]
        told = [
            {"steps": list(entry.steps), "formula": story.formula(position), "sentence": story.sentence(position)}
            for position, entry in enumerate(story.told)
        ]
        print_json({"output": trace.program.output, "seed_index": trace.seed_index, "steps": steps, "story": told})
        return EXIT_OK
    if args.story:
        for position, entry in enumerate(story.told):
            exact = "–".join(map(str, (entry.steps[0], entry.steps[-1]) if len(entry.steps) > 1 else entry.steps))
            print(f"{position + 1:>4}  (step {exact:<7}) {story.formula(position)}   {story.sentence(position)}")
    else:
        for index in range(len(trace)):
            print(line(trace, index))
    _say_nonfinite(trace)
    return EXIT_OK


def _say_nonfinite(trace: Trace) -> None:
    """Where NaN or ±inf first appear: numpy's warnings about them are the trace's to report, on stdout."""
    flagged = trace.nonfinite_steps
    if flagged:
        print(f"non-finite numbers first appear at step {flagged[0]}: {sentence(trace, flagged[0])}")


def command_check(args: argparse.Namespace) -> int:
    _, program = load(args.graph)
    try:
        result = gradcheck(program, tolerance=args.tolerance)
        trace = run(program)
    except NodeError as error:
        raise GraphFileError(args.graph, error.reason, node=error.node_id, field=error.field) from None
    for source, check in result.sources.items():
        verdict = "ok" if check.max_error <= args.tolerance else "FAILED"
        print(f"{source:<16} largest relative error {check.max_error:.2e}   {verdict}")
    _say_nonfinite(trace)
    print(f"{'passed' if result.passed else 'failed'}: tolerance {args.tolerance:.0e}, central differences in float64")
    return EXIT_OK if result.passed else EXIT_CHECK_FAILED


def command_export(args: argparse.Namespace) -> int:
    from gradviz.export import numpy_script, torch_script  # noqa: PLC0415 - only this command needs it

    graph, program = load(args.graph)
    script = (numpy_script if args.to == "numpy" else torch_script)(graph, program)
    if args.output:
        try:
            write_atomic(args.output, script)  # as a graph is saved: through links, never over a read-only file
        except OSError as error:
            raise GraphFileError(args.output, f"cannot write the script: {error}") from None
    else:
        sys.stdout.write(script)
    return EXIT_OK


def command_window(args: argparse.Namespace) -> int:
    """No command: the window, on the file given or the default example (Qt is loaded only here)."""
    from gradviz.gui.app import run as run_window  # noqa: PLC0415 - the core never loads Qt

    return run_window(args.graph)


def command_render(args: argparse.Namespace) -> int:
    """Draw the graph's canvas offscreen to PNG or SVG, as the window shows it."""
    from gradviz.gui.render import ensure_platform  # noqa: PLC0415

    if not (args.output or args.all_steps or args.gif):
        raise GraphFileError(args.graph, "render needs -o FILE, --all-steps DIR or --gif FILE")
    ensure_platform()
    from gradviz.gui.render import render_scene, shrink_note  # noqa: PLC0415
    from gradviz.gui.snapshot import render_gif, render_steps, snapshot_scene  # noqa: PLC0415
    from gradviz.model.document import check_references  # noqa: PLC0415

    graph = read(args.graph)
    try:
        check_references(graph)  # what the window's Open refuses too: a graph it cannot hold at all
        if args.gif:
            render_gif(graph, args.gif, dark=args.dark)
        elif args.all_steps:
            Path(args.all_steps).mkdir(parents=True, exist_ok=True)
            render_steps(graph, None, args.all_steps, dark=args.dark)
        elif args.step is not None:
            render_steps(graph, [args.step], args.output, dark=args.dark)
        else:
            with snapshot_scene(graph, dark=args.dark) as scene:
                render_scene(scene, args.output)
                note = None if args.output.lower().endswith(".svg") else shrink_note(scene)
            if note:
                print(f"note: {note}")
    except IndexError as error:
        raise GraphFileError(args.graph, str(error), field="step") from None
    except NodeError as error:
        raise GraphFileError(args.graph, error.reason, node=error.node_id, field=error.field) from None
    except GraphError as error:  # the output names no node
        raise GraphFileError(args.graph, str(error), field="output") from None
    except OSError as error:
        raise GraphFileError(args.output or args.all_steps or args.gif, f"cannot write the image: {error}") from None
    return EXIT_OK


def command_export_lesson(args: argparse.Namespace) -> int:
    """The lesson as one HTML page that needs nothing but a browser (the frames are drawn with Qt, offscreen)."""
    from gradviz.export.lesson_html import lesson_page  # noqa: PLC0415 - only this command needs it
    from gradviz.gui.render import ensure_platform  # noqa: PLC0415
    from gradviz.model.lesson import check_lesson, stops_of  # noqa: PLC0415
    from gradviz.model.story import story_of  # noqa: PLC0415

    graph, trace = _traced(args.graph)
    stops = stops_of(graph.view)
    problems = check_lesson(stops, trace)
    if problems:
        raise GraphFileError(args.graph, problems[0], field="view.stops")
    ensure_platform()
    from gradviz.gui.step_frames import step_svgs  # noqa: PLC0415 - Qt, loaded only here

    page = lesson_page(graph, trace, stops, step_svgs(graph, trace), graph.title or Path(args.graph).stem)
    try:
        Path(args.output).write_text(page, encoding="utf-8")
    except OSError as error:
        raise GraphFileError(args.output, f"cannot write the page: {error.strerror or error}") from None
    told = len(story_of(trace))  # the steps as the timeline tells them, one page step each
    print(f"wrote {args.output}: {told} steps, {len(stops)} stops, {len(page.encode()) / 1e6:.2f} MB")
    return EXIT_OK


def command_install_desktop(args: argparse.Namespace) -> int:
    from gradviz import desktop  # noqa: PLC0415 (only this command needs it)

    try:
        changed = desktop.uninstall() if args.uninstall else desktop.install()
    except OSError as error:
        raise GraphFileError(str(desktop.entry_path()), f"cannot write the desktop entry: {error}") from None
    for path in changed:
        print(f"{'removed' if args.uninstall else 'wrote'} {path}")
    return EXIT_OK


def command_new(args: argparse.Namespace) -> int:
    """A graph file, laid out, from the lines of Edit ▸ Graph as Code (read with ast, never run)."""
    from gradviz.io.graph_file import save  # noqa: PLC0415 - only this command writes a graph
    from gradviz.model.code import CodeError, apply_code  # noqa: PLC0415

    if Path(args.file).exists() and not args.force:
        raise GraphFileError(args.file, "already exists (give --force to overwrite it)")
    text = read_text(args.source)
    try:
        graph = apply_code(text)
    except CodeError as error:
        raise GraphFileError(args.source, str(error)) from None
    if not graph.nodes:
        raise GraphFileError(args.source, "the text makes no nodes")
    save(graph, args.file)
    return EXIT_OK


def command_code(args: argparse.Namespace) -> int:
    """The graph as the numpy-like lines ``new`` reads back to the same graph."""
    from gradviz.model.code_print import code_of  # noqa: PLC0415 - only this command needs it

    sys.stdout.write(code_of(read(args.graph)))
    return EXIT_OK


def command_import_torch(args: argparse.Namespace) -> int:
    """A PyTorch model to a graph file; runs the user's model file (torch is loaded only here)."""
    from gradviz.torch_import import TorchImportError, import_file  # noqa: PLC0415 - torch is optional

    try:
        graph = import_file(args.model, args.input_shape, args.loss, args.seed)
    except TorchImportError as error:  # one line that starts with the model's file
        sys.stderr.write(f"gradviz: {error}\n")
        return EXIT_BAD_INPUT
    graph.save(args.output)
    print(f"wrote {args.output}: {len(graph.file.nodes)} nodes, cost {graph.file.output}")
    return EXIT_OK


# ----- parsing ----------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line and exit 2, like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"gradviz: {message} (see gradviz --help)\n")
        raise SystemExit(EXIT_BAD_INPUT)


def _add_export_lesson(commands: Any) -> None:
    lesson_parser = commands.add_parser("export-lesson", help="the lesson as one self-contained HTML page")
    lesson_parser.add_argument("graph")
    lesson_parser.add_argument("-o", "--output", required=True, help="lesson.html")
    lesson_parser.set_defaults(handler=command_export_lesson)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gradviz",
        description="Reverse-mode differentiation, step by step. With no command, "
        "`gradviz` opens the window (on the default example); `gradviz GRAPH.json` opens it on a file.",
    )
    parser.add_argument("--version", action="version", version=f"gradviz {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run_parser = commands.add_parser("run", help="forward and backward: values and bars")
    run_parser.add_argument("graph")
    run_parser.add_argument("--mode", choices=("reverse", "forward"), default="reverse")
    run_parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    run_parser.set_defaults(handler=command_run)

    trace_parser = commands.add_parser("trace", help="the steps, one per line")
    trace_parser.add_argument("graph")
    trace_parser.add_argument("--json", action="store_true")
    trace_parser.add_argument(
        "--story",
        action="store_true",
        help="the steps as the window tells them: one per edge, += only where a bar sums",
    )
    trace_parser.set_defaults(handler=command_trace)

    check_parser = commands.add_parser("check", help="finite differences against every bar")
    check_parser.add_argument("graph")
    check_parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    check_parser.set_defaults(handler=command_check)

    export_parser = commands.add_parser("export", help="a standalone numpy or PyTorch script")
    export_parser.add_argument("graph")
    export_parser.add_argument("--to", choices=("numpy", "torch"), required=True)
    export_parser.add_argument("-o", "--output", help="write the script here instead of stdout")
    export_parser.set_defaults(handler=command_export)

    render_parser = commands.add_parser("render", help="draw the canvas to a PNG or SVG file, offscreen")
    render_parser.add_argument("graph")
    render_parser.add_argument("-o", "--output", help="out.png or out.svg")
    render_parser.add_argument("--step", type=int, help="draw the values and bars at this step")
    render_parser.add_argument("--all-steps", metavar="DIR", help="one PNG per step into DIR (frames for slides)")
    render_parser.add_argument("--gif", metavar="FILE", help="the whole pass as an animated GIF")
    render_parser.add_argument("--dark", action="store_true", help="the dark palette")
    render_parser.set_defaults(handler=command_render)
    render_parser.epilog = "give -o FILE, or --all-steps DIR"

    _add_export_lesson(commands)
    torch_parser = commands.add_parser(
        "import-torch",
        help="a PyTorch nn.Module to a graph file (torch.fx; needs gradviz[torch])",
        description="Import FILE.py:ClassName: this RUNS FILE.py (your own code: import only files you trust), "
        "builds ClassName() and traces it with torch.fx on a seeded random input.",
    )
    torch_parser.add_argument("model", metavar="FILE.py:ClassName")
    torch_parser.add_argument(
        "--input-shape", required=True, metavar="N,C,H,W", help="the example input's shape, comma-separated (1,3,8,8)"
    )
    torch_parser.add_argument(
        "--loss",
        choices=("mse", "cross_entropy"),
        help="add this loss (against a seeded random target) if the model ends before a cost",
    )
    torch_parser.add_argument("--seed", type=int, default=0, help="seeds the weights' init, the input and target")
    torch_parser.add_argument("-o", "--output", required=True, help="the graph file to write")
    torch_parser.set_defaults(handler=command_import_torch)

    desktop_parser = commands.add_parser("install-desktop", help="add gradviz (and its icon) to the applications menu")
    desktop_parser.add_argument("--uninstall", action="store_true", help="remove them again")
    desktop_parser.set_defaults(handler=command_install_desktop)

    new_parser = commands.add_parser("new", help="a graph file from numpy-like lines (the text of Graph as Code)")
    new_parser.add_argument("file", help="the graph file to write")
    new_parser.add_argument("--from", dest="source", required=True, metavar="FILE.py", help="the lines to read")
    new_parser.add_argument("--force", action="store_true", help="overwrite the file if it exists")
    new_parser.set_defaults(handler=command_new)

    code_parser = commands.add_parser("code", help="print the graph as numpy-like lines")
    code_parser.add_argument("graph")
    code_parser.set_defaults(handler=command_code)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every bad input ends as one line on stderr and exit code 2."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (len(argv) == 1 and argv[0] not in COMMANDS and not argv[0].startswith("-")):
        args = argparse.Namespace(graph=argv[0] if argv else None)
        handler: Callable[[argparse.Namespace], int] = command_window
    else:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as stop:  # --help (0) or a usage error (2, already said on stderr)
            return int(stop.code or 0)
        handler = args.handler
    try:
        code = handler(args)
        sys.stdout.flush()  # a full disk shows here, while it can still be said
    except (GraphFileError, GradvizError, MemoryError, OSError) as error:
        return _failure(error, args)
    return code


def _failure(error: GraphFileError | GradvizError | MemoryError | OSError, args: argparse.Namespace) -> int:
    """One line on stderr for what stopped a command, and its exit code."""
    graph = getattr(args, "graph", "")
    if isinstance(error, GraphFileError):
        sys.stderr.write(f"gradviz: {error}\n")
        return EXIT_BAD_INPUT
    if isinstance(error, GradvizError):
        sys.stderr.write(f"gradviz: {graph}: {error}\n")
        return EXIT_BAD_INPUT
    if isinstance(error, MemoryError):  # a last resort: shape rules refuse the absurd, not all a machine lacks
        sys.stderr.write(f"gradviz: {graph}: out of memory: the graph's values are too large for this machine\n")
        return EXIT_BAD_INPUT
    _drop_stdout()  # an OSError here is writing stdout: the commands say their own files' errors
    if isinstance(error, BrokenPipeError):
        if not getattr(args, "json", False):
            return EXIT_OK  # `gradviz trace big.json | head` is fine: text is read as far as wanted
        sys.stderr.write("gradviz: the JSON output was cut short: its reader closed the pipe\n")
        return EXIT_OUTPUT_FAILED
    sys.stderr.write(f"gradviz: cannot write the output: {error.strerror or error}\n")
    return EXIT_OUTPUT_FAILED


if __name__ == "__main__":
    sys.exit(main())
