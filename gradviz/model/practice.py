"""Practice: at each backward step the student predicts the step before it is shown.

Three questions per step, in the order a student reasons: the shape of the contribution (a bar has the
shape of its node), the rule (the right formula among three plausible wrong ones), and, for at most 16
numbers, the numbers themselves. Everything is checked against the engine's trace, so practice works on
any graph, not only the examples. A wrong answer earns a hint (the rule with its shapes); a second shows
the answer. Nothing here imports Qt.

The wrong rules come from gradviz.model.distractors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from gradviz.engine.describe import rule_shapes
from gradviz.engine.formula import render_unicode
from gradviz.engine.trace import BackwardStep, Trace
from gradviz.model.distractors import RuleChoices, first_contribution, rule_choices
from gradviz.model.story import story_of

NUMBERS_LIMIT = 16  # the number question is asked for contributions of at most this many elements
RELATIVE_TOLERANCE = 1e-6
STAGES = ("shape", "rule", "numbers")

# ----- the shape question -----------------------------------------------------------------------------


def shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape)) if shape else "scalar"


def parse_shape(text: str) -> tuple[int, ...] | None:
    """What a student types for a shape: ``3×2``, ``3x2``, ``3, 2``, ``(3, 2)``, ``scalar``; None if unreadable."""
    if text.strip().lower() in ("scalar", "()"):
        return ()
    cleaned = text.strip().lower().strip("()[]")
    parts = [part for part in re.split(r"[×x*,\s]+", cleaned) if part]
    if not parts or not all(part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)


# ----- the numbers -------------------------------------------------------------------------------------------


def grid_shape(shape: tuple[int, ...]) -> tuple[int, int]:
    """Rows and columns of the grid a contribution is typed into (a vector is one row)."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return 1, shape[0]
    return int(np.prod(shape[:-1])), shape[-1]


def wrong_cells(typed: list[list[str]], truth: np.ndarray) -> np.ndarray:
    """A boolean grid, True where the typed number is not the truth to 1e-6 relative (an empty or
    unreadable cell is wrong). A zero must be typed as zero (up to 1e-12)."""
    expected = np.asarray(truth, dtype=np.float64).reshape(grid_shape(np.shape(truth)))
    wrong = np.ones(expected.shape, dtype=bool)
    for (row, column), value in np.ndenumerate(expected):
        try:
            number = float(typed[row][column].replace("−", "-").strip())
        except (ValueError, IndexError, AttributeError):
            continue
        wrong[row, column] = not np.isclose(number, value, rtol=RELATIVE_TOLERANCE, atol=1e-12)
    return wrong


# ----- one step's questions, and the score -------------------------------------------------------------------


@dataclass
class Feedback:
    correct: bool
    message: str
    revealed: bool = False
    wrong: np.ndarray | None = None


@dataclass
class StepQuiz:
    """The questions of backward step ``index``; ``answer`` moves through them, two tries each."""

    trace: Trace
    index: int
    stage: str = "shape"
    tries: int = 0
    hinted: bool = False
    missed: bool = False
    choices: RuleChoices = field(init=False)
    step: BackwardStep = field(init=False)

    def __post_init__(self) -> None:
        step = self.trace.steps[self.index]
        if not isinstance(step, BackwardStep):
            raise ValueError(f"step {self.index} is a {step.kind} step: practice asks at backward steps")
        self.step = step
        self.choices = rule_choices(self.trace, self.index)

    @property
    def done(self) -> bool:
        return self.stage == "done"

    @property
    def parent_name(self) -> str:
        return self.step.parent.name

    def question(self) -> str:
        bar = render_unicode("{p:bar}", {"p": self.parent_name})
        if self.stage == "shape":
            return f"What shape is the contribution to {bar}?"
        if self.stage == "rule":
            return f"Which rule gives the contribution to {bar}?"
        return f"Type the contribution to {bar}, element by element."

    def hint(self) -> str:
        shapes = rule_shapes(self.step, self.trace.program)
        if first_contribution(self.trace, self.index):  # as the timeline writes it: (3×2) = …, not +=
            shapes = shapes.replace(" += ", " = ", 1)
        return f"Hint: the rule with its shapes is {shapes}"

    def answer_text(self) -> str:
        bar = render_unicode("{p:bar}", {"p": self.parent_name})
        if self.stage == "shape":
            return f"{bar} has the shape of {self.parent_name}: {shape_text(self.step.parent.shape)}"
        if self.stage == "rule":
            return f"The rule is {self.choices.options[self.choices.right]}"
        return "The numbers are shown in the grid"

    def answer(self, given: object) -> Feedback:
        """Check ``given`` (shape text, option index, or a grid of strings) against the trace."""
        if self.stage == "shape":
            correct = parse_shape(str(given)) == tuple(self.step.parent.shape)
            wrong = None
        elif self.stage == "rule":
            correct = given == self.choices.right
            wrong = None
        elif self.stage == "numbers":
            wrong = wrong_cells(given, self.step.contribution)  # type: ignore[arg-type]
            correct = not wrong.any()
        else:
            raise ValueError("this step's questions are answered")
        if correct:
            feedback = Feedback(True, "Right.", wrong=wrong)
        elif self.tries == 0:
            self.tries, self.hinted = 1, True
            return Feedback(False, self.hint(), wrong=wrong)
        else:
            self.missed = True
            feedback = Feedback(False, self.answer_text(), revealed=True, wrong=wrong)
        self._next_stage()
        return feedback

    def asks_numbers(self) -> bool:
        return self.step.contribution.size <= NUMBERS_LIMIT

    def _next_stage(self) -> None:
        self.tries = 0
        following = STAGES[STAGES.index(self.stage) + 1 :] if self.stage in STAGES else ()
        following = tuple(s for s in following if s != "numbers" or self.asks_numbers())
        self.stage = following[0] if following else "done"


@dataclass
class Score:
    """One lesson's practice in this session: which backward steps were right, with a hint, or missed."""

    right: list[int] = field(default_factory=list)
    hinted: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)

    def record(self, quiz: StepQuiz) -> None:
        for steps in (self.right, self.hinted, self.missed):
            if quiz.index in steps:
                steps.remove(quiz.index)
        (self.missed if quiz.missed else self.hinted if quiz.hinted else self.right).append(quiz.index)

    @staticmethod
    def _told(index: int, trace: Trace | None) -> str:
        """Backward step ``index`` as the timeline counts and writes it: "step 8 (W̄ = ā xᵀ)" (its edge is
        the 8th step told); without the trace, the trace's own step number."""
        if trace is None:
            return f"step {index}"
        story = story_of(trace)
        position = story.position(index)
        return f"step {position + 1} ({story.formula(position)})"

    def summary(self, trace: Trace | None = None) -> str:
        total = len(self.right) + len(self.hinted) + len(self.missed)
        if not total:
            return "No steps practised yet."
        text = f"{len(self.right)} of {total} steps right first time"
        if self.hinted:
            text += f", {len(self.hinted)} after a hint"
        if self.missed:
            where = ", ".join(self._told(k, trace) for k in sorted(self.missed))
            text += f"; missed: {where}"
        return text + "."
