"""Tests for course_utils.checks: right answers pass, each wrong answer gets its own hint,
and nothing a learner passes in (None, text, wrong shapes, broken objects) raises."""

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as npst
from sklearn.model_selection import train_test_split

from course_utils.checks import (
    check_best_epoch,
    check_binary_classifier,
    check_choice,
    check_early_stopping,
    check_history,
    check_number,
    check_split,
)
from course_utils.feeding import fit_data
from course_utils.reproducibility import seed_everything

# No example database: tests must not write into the repository. capsys is safe to share
# between examples because verdict() empties it after every call.
PROPERTY = settings(
    database=None,
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


class Hostile:
    """A learner's object with a bug: it raises whenever it is looked at."""

    def _boom(self, *args, **kwargs):
        raise RuntimeError("boom")

    __getattr__ = __len__ = __array__ = __iter__ = __repr__ = __str__ = _boom
    __eq__ = __hash__ = __bool__ = __float__ = __index__ = __getitem__ = _boom


# What verdict() prints when the judge itself raised. Only an answer that raises whenever it is
# looked at (Hostile) may get it; every other answer must get its judge's own feedback, so a
# judge that breaks fails these tests instead of passing as one more "Not yet".
RAISED = "❌ Not yet: looking at your answer raised "


def verdict(capsys, check, *args, raised_allowed=False, **kwargs):
    """Run a check; return its result and the single line it printed, a ✅ line or a ❌ line
    with a hint (not the line for a judge that raised, unless ``raised_allowed``)."""
    result = check(*args, **kwargs)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    assert isinstance(result, bool)
    if result:
        assert lines[0].startswith("✅ Correct: ")
    else:
        assert lines[0].startswith("❌ Not yet: ") and " Hint: " in lines[0], lines[0]
    assert raised_allowed or not lines[0].startswith(RAISED), lines[0]
    return result, lines[0]


# ---------------------------------------------------------------------------- learner inputs

OPTIONS = {"A": "The training loss", "B": "The validation loss", "C": "The test loss"}
X = np.linspace(0.0, 1.0, 20).reshape(-1, 1)  # sorted, like the seed's data
Y = 3.0 * X + 1.0
GOOD_SPLIT = train_test_split(X, Y, test_size=0.2, random_state=0)
HISTORY = {"loss": [1.0, 0.6, 0.4, 0.3, 0.2], "val_loss": [0.9, 0.5, 0.3, 0.4, 0.6]}


def split_with(position, value):
    parts = list(GOOD_SPLIT)
    parts[position] = value
    return check_split(*parts, x=X, y=Y, val_fraction=0.2)


def classifier(*layers, loss="binary_crossentropy", with_input=True, **compile_arguments):
    seed_everything(0)
    if with_input:
        layers = (keras.Input(shape=(3,)), *layers)
    model = keras.Sequential(list(layers))
    if loss is not None:
        model.compile(optimizer="adam", loss=loss, **compile_arguments)
    return model


# Every place where a check takes something the learner made; everything else is right.
LEARNER_SLOTS = {
    "choice": lambda value: check_choice(value, "B", options=OPTIONS, explanation="Unseen."),
    "number": lambda value: check_number(value, 0.25, tolerance=0.01, name="loss", hint="Fit."),
    "split x_train": lambda value: split_with(0, value),
    "split x_val": lambda value: split_with(1, value),
    "split y_train": lambda value: split_with(2, value),
    "split y_val": lambda value: split_with(3, value),
    "binary classifier": check_binary_classifier,
    "early stopping": lambda value: check_early_stopping(value, patience=3),
    "best epoch answer": lambda value: check_best_epoch(value, HISTORY),
    "best epoch history": lambda value: check_best_epoch(3, value),
    "history": lambda value: check_history(value, metric="val_loss", below=0.35),
}

WRONG_ANSWERS = {
    "None": None,
    "text": "abc",
    "empty text": "",
    "bool": True,
    "float": 3.5,
    "negative int": -1,
    "list": [1, 2],
    "3-d array": np.zeros((2, 3, 4)),
    "dict": {"a": 1},
    "object": object(),
    "class": keras.callbacks.EarlyStopping,
    "hostile": Hostile(),
}


SPLIT_HINTS = (  # a split part that is no array; one whose rows have another shape
    "a split gives four arrays",
    {"list": "train_test_split(x, y) returns", "3-d array": "train_test_split(x, y) returns"},
)
# slot: (the hint most wrong answers get, {wrong answer: the hint it gets instead}); RAISED: the
# object breaks when the check looks at it, and nothing more can be said
EXPECTED_HINTS = {
    "choice": (
        "answer with a letter in quotes, such as 'A'.",
        dict.fromkeys(["text", "empty text"], "answer with one of the letters A, B, C."),
    ),
    "number": (
        "give the number itself, such as 0.25, without quotes.",
        {
            "float": "Fit.",
            "negative int": "Fit.",
            "list": "pass the number inside the array",
            "3-d array": "pass the number inside the array",
            "hostile": RAISED,
        },
    ),
    **{
        f"split {part}": (SPLIT_HINTS[0], {**SPLIT_HINTS[1], "hostile": RAISED})
        for part in ("x_train", "x_val", "y_train", "y_val")
    },
    "binary classifier": ("build one with keras.Sequential([keras.Input(", {}),
    "early stopping": (
        "create one with keras.callbacks.EarlyStopping(monitor=..., patience=...).",
        {"list": "pass the EarlyStopping object; the list is what goes to fit(callbacks=[...])."},
    ),
    "best epoch answer": (
        "answer with a whole number such as 7, the epoch as Keras prints it",
        {"negative int": "count epochs from 1"},
    ),
    **dict.fromkeys(
        ["best epoch history", "history"],
        (
            "pass what fit returned (history = model.fit(...)), or its dict history.history.",
            {"dict": "fit measures validation only when it gets validation data"},
        ),
    ),
}


@pytest.mark.parametrize("wrong", list(WRONG_ANSWERS))
@pytest.mark.parametrize("slot", list(LEARNER_SLOTS))
def test_a_wrong_type_or_broken_object_gets_its_own_hint_not_an_error(capsys, slot, wrong):
    usual, special = EXPECTED_HINTS[slot]
    expected = special.get(wrong, usual)
    result, line = verdict(
        capsys, LEARNER_SLOTS[slot], WRONG_ANSWERS[wrong], raised_allowed=expected == RAISED
    )
    assert result is False
    assert line.startswith(RAISED) if expected == RAISED else f" Hint: {expected}" in line, line


def test_every_slot_has_its_expected_hints():
    assert set(EXPECTED_HINTS) == set(LEARNER_SLOTS)
    assert all(set(special) <= set(WRONG_ANSWERS) for _, special in EXPECTED_HINTS.values())


ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.complex_numbers(),
    st.text(alphabet="abcABC 012.-_", max_size=6),
    st.binary(max_size=4),
    st.lists(st.integers() | st.floats(), max_size=5),
    st.dictionaries(st.sampled_from(["loss", "val_loss", "x"]), st.lists(st.floats(), max_size=3)),
    npst.arrays(npst.scalar_dtypes(), npst.array_shapes(min_dims=0, max_dims=3, max_side=4)),
    st.builds(Hostile),
    st.builds(object),
    st.sampled_from([int, keras.Model, keras.callbacks.EarlyStopping, np.ndarray]),
)


@pytest.mark.parametrize("slot", LEARNER_SLOTS.values(), ids=list(LEARNER_SLOTS))
@PROPERTY
@given(value=ANYTHING)
def test_any_input_gives_one_verdict_line_and_never_raises(capsys, slot, value):
    # one ✅ line, or one ❌ line with a hint from the judge itself (not the line for a judge that
    # raised, but for an object that raises when looked at), matching the returned bool
    verdict(capsys, slot, value, raised_allowed=isinstance(value, Hostile))


# ---------------------------------------------------------------------------- check_choice


@pytest.mark.parametrize("answer", ["B", "b", " B ", "b\n"])
def test_choice_accepts_the_letter_in_any_case_and_spacing(capsys, answer):
    result, line = verdict(capsys, check_choice, answer, "b", options=OPTIONS, explanation="Why.")
    assert result is True
    assert line == "✅ Correct: B (The validation loss). Why."


def test_choice_gives_the_hint_written_for_that_wrong_option(capsys):
    hints = {"a": "The training loss drops even when the model overfits."}
    check = dict(options=OPTIONS, explanation="Why.", hints=hints)
    _, line = verdict(capsys, check_choice, "A", "B", **check)
    assert line == (
        "❌ Not yet: A (The training loss) is not the best answer. "
        "Hint: The training loss drops even when the model overfits."
    )
    _, line = verdict(capsys, check_choice, "c", "B", **check)
    assert "C (The test loss) is not the best answer" in line
    assert "read the other options again" in line


def test_choice_names_the_valid_letters_for_an_unknown_one(capsys):
    result, line = verdict(capsys, check_choice, "E", "B", options=OPTIONS, explanation="Why.")
    assert result is False
    assert line.endswith("Hint: answer with one of the letters A, B, C.")


def test_choice_asks_for_a_letter_when_given_a_number(capsys):
    _, line = verdict(capsys, check_choice, 2, "B", options=OPTIONS, explanation="Why.")
    assert "2 is not a letter" in line


@pytest.mark.parametrize(
    "bad, error",
    [
        (dict(correct="D"), ValueError),
        (dict(options=["A", "B"]), TypeError),
        (dict(options={"A": "x", "a": "y"}, correct="A"), ValueError),
        (dict(options={"A": "only one"}, correct="A"), ValueError),
        (dict(hints={"B": "the right answer needs no hint"}), ValueError),
        (dict(hints={"Z": "no such option"}), ValueError),
        (dict(explanation=""), TypeError),
    ],
)
def test_choice_set_up_wrongly_by_the_author_raises(bad, error):
    arguments = dict(correct="B", options=OPTIONS, explanation="Why.") | bad
    with pytest.raises(error):
        check_choice("B", arguments.pop("correct"), **arguments)


# ---------------------------------------------------------------------------- check_number


@pytest.mark.parametrize(
    "answer, expected",
    [
        (0.25, 0.25),
        (0.259, 0.25),
        (0.241, 0.25),
        (np.float32(0.25), 0.25),
        (np.array(0.251), 0.25),
        (3, 3.0),
        (np.int64(3), 3.0),
    ],
)
def test_number_within_tolerance_passes(capsys, answer, expected):
    result, line = verdict(
        capsys, check_number, answer, expected, tolerance=0.01, name="x", hint="h"
    )
    assert result is True
    assert line == f"✅ Correct: x is {float(answer):.4g}."


@pytest.mark.parametrize("answer, direction", [(0.3, "high"), (0.2, "low")])
def test_number_outside_tolerance_says_which_way_and_gives_the_hint(capsys, answer, direction):
    check = dict(tolerance=0.01, name="the final val_loss", hint="Train for 200 epochs.")
    result, line = verdict(capsys, check_number, answer, 0.25, **check)
    assert result is False
    assert line == (
        f"❌ Not yet: your {answer} is too {direction} for the final val_loss. "
        "Hint: Train for 200 epochs."
    )
    assert "0.25" not in line  # the expected value is not given away


@pytest.mark.parametrize(
    "answer, message",
    [
        (np.array([0.25]), "a single number, but you gave an array of shape (1,)"),
        (float("nan"), "is NaN"),
        ("0.25", "your '0.25' is text: the quotes make it a string, not a number"),
        ("25 %", "your '25 %' is text, a percentage in quotes"),
        ("abc", "should be a number, not 'abc'"),
        (True, "should be a number, not True"),
        (None, "should be a number, not None"),
    ],
)
def test_number_explains_what_is_wrong_with_the_answer(capsys, answer, message):
    result, line = verdict(capsys, check_number, answer, 0.25, tolerance=0.01, name="x", hint="h")
    assert result is False
    assert message in line


@pytest.mark.parametrize(
    "bad, error",
    [
        (dict(expected="0.25"), TypeError),
        (dict(expected=float("inf")), TypeError),
        (dict(tolerance=-0.1), ValueError),
        (dict(name=""), TypeError),
        (dict(hint=None), TypeError),
    ],
)
def test_number_set_up_wrongly_by_the_author_raises(bad, error):
    arguments = dict(expected=0.25, tolerance=0.01, name="x", hint="h") | bad
    with pytest.raises(error):
        check_number(0.25, arguments.pop("expected"), **arguments)


# ---------------------------------------------------------------------------- check_split


def test_split_accepts_train_test_split_and_a_float32_copy(capsys):
    result, line = verdict(capsys, check_split, *GOOD_SPLIT, x=X, y=Y, val_fraction=0.2)
    assert result is True
    assert line == (
        "✅ Correct: 16 training rows and 4 validation rows, shuffled, each row with its label."
    )
    float32_split = [part.astype("float32") for part in GOOD_SPLIT]
    assert verdict(capsys, check_split, *float32_split, x=X, y=Y, val_fraction=0.2)[0] is True


@PROPERTY
@given(
    n_rows=st.integers(20, 60),
    val_fraction=st.floats(0.1, 0.5),
    seed=st.integers(0, 2**31 - 1),
    flat=st.booleans(),
)
def test_split_accepts_any_shuffled_split_from_sklearn(capsys, n_rows, val_fraction, seed, flat):
    x = np.linspace(-1.0, 1.0, n_rows).reshape(-1, 1)[:, 0 if flat else slice(None)]
    y = (x > 0).astype(int)
    rows = np.arange(n_rows)
    x_train, x_val, y_train, y_val, _, val_rows = train_test_split(
        x, y, rows, test_size=val_fraction, random_state=seed
    )
    n_val = len(val_rows)  # a shuffle can land on one end by chance: that is not this test
    assume(set(val_rows) not in ({*rows[:n_val]}, {*rows[-n_val:]}))
    result, _ = verdict(
        capsys, check_split, x_train, x_val, y_train, y_val, x=x, y=y, val_fraction=val_fraction
    )
    assert result is True


def shuffled_separately():
    rng = np.random.default_rng(0)
    return train_test_split(rng.permutation(X), rng.permutation(Y), test_size=0.2, random_state=0)


def with_a_duplicated_row():
    x_train, x_val, y_train, y_val = (part.copy() for part in GOOD_SPLIT)
    x_val[0], y_val[0] = x_train[0], y_train[0]
    return x_train, x_val, y_train, y_val


WRONG_SPLITS = {
    "last rows of sorted x (the seed's split)": (
        (X[:16], X[16:], Y[:16], Y[16:]),
        "x_val is exactly the last 4 rows of x: the split was not shuffled",
    ),
    "first rows": ((X[4:], X[:4], Y[4:], Y[:4]), "x_val is exactly the first 4 rows of x"),
    "unpacked in the wrong order": (
        (GOOD_SPLIT[0], GOOD_SPLIT[2], GOOD_SPLIT[1], GOOD_SPLIT[3]),
        "returns x_train, x_val, y_train, y_val, in that order",
    ),
    "x and y of different lengths": (
        (GOOD_SPLIT[0], GOOD_SPLIT[1], GOOD_SPLIT[2][:-1], GOOD_SPLIT[3]),
        "x_train has 16 rows but y_train has 15",
    ),
    "wrong fraction": (
        train_test_split(X, Y, test_size=0.5, random_state=0),
        "x_val has 10 rows, but the exercise asks for 4 of the 20 rows",
    ),
    "a row lost": (
        (GOOD_SPLIT[0][:-1], GOOD_SPLIT[1], GOOD_SPLIT[2][:-1], GOOD_SPLIT[3]),
        "x_train and x_val have 19 rows together, but x has 20",
    ),
    "a row duplicated": (
        with_a_duplicated_row(),
        "some rows of x are missing from the split, and others appear twice",
    ),
    "scaled before comparing": (
        [part * 2 if index < 2 else part for index, part in enumerate(GOOD_SPLIT)],
        "some rows of x are missing",
    ),
    "x and y shuffled separately": (shuffled_separately(), "some rows now have the wrong label"),
    "wrong row shape": (
        (GOOD_SPLIT[0], np.hstack([GOOD_SPLIT[1]] * 2), GOOD_SPLIT[2], GOOD_SPLIT[3]),
        "the rows of x_val have shape (2,), but the rows of x have shape (1,)",
    ),
}


@pytest.mark.parametrize("parts, message", WRONG_SPLITS.values(), ids=list(WRONG_SPLITS))
def test_split_explains_each_mistake(capsys, parts, message):
    result, line = verdict(capsys, check_split, *parts, x=X, y=Y, val_fraction=0.2)
    assert result is False
    assert message in line


def test_split_points_at_shuffling_for_the_seeds_split(capsys):
    _, line = verdict(
        capsys, check_split, X[:16], X[16:], Y[:16], Y[16:], x=X, y=Y, val_fraction=0.2
    )
    assert "Hint: shuffle before splitting" in line
    assert "extrapolation" in line


@pytest.mark.parametrize(
    "bad, error",
    [
        (dict(y=Y[:-1]), ValueError),
        (dict(val_fraction=1.5), ValueError),
        (dict(x=X[:1], y=Y[:1]), ValueError),
        (dict(x="not data"), TypeError),
    ],
)
def test_split_set_up_wrongly_by_the_author_raises(bad, error):
    with pytest.raises(error):
        check_split(*GOOD_SPLIT, **(dict(x=X, y=Y, val_fraction=0.2) | bad))


# ------------------------------------------------------------------ check_binary_classifier

Dense = keras.layers.Dense


@pytest.mark.parametrize(
    "build, praise",
    [
        (
            lambda: classifier(Dense(4, activation="relu"), Dense(1, activation="sigmoid")),
            "one sigmoid output unit",
        ),
        (
            lambda: classifier(Dense(1), keras.layers.Activation("sigmoid"), loss="bce"),
            "one sigmoid output unit",
        ),
        (
            lambda: classifier(Dense(1), loss=keras.losses.BinaryCrossentropy(from_logits=True)),
            "with from_logits=True",
        ),
    ],
)
def test_binary_classifier_accepts_sigmoid_or_logits(capsys, build, praise):
    result, line = verdict(capsys, check_binary_classifier, build())
    assert result is True
    assert praise in line


WRONG_CLASSIFIERS = {
    "no Input": (
        lambda: classifier(Dense(1, activation="sigmoid"), with_input=False),
        "Hint: start the Sequential list with keras.Input(shape=(n_features,)).",
    ),
    "two softmax units": (
        lambda: classifier(Dense(2, activation="softmax"), loss="categorical_crossentropy"),
        "the last layer has 2 units",
    ),
    "softmax on one unit": (
        lambda: classifier(Dense(1, activation="softmax")),
        "over a single unit softmax always outputs 1.0",
    ),
    "relu output": (lambda: classifier(Dense(1, activation="relu")), "activation is relu"),
    "dropout last": (
        lambda: classifier(Dense(1, activation="sigmoid"), keras.layers.Dropout(0.5)),
        "the last layer is a Dropout, not Dense",
    ),
    "not compiled": (
        lambda: classifier(Dense(1, activation="sigmoid"), loss=None),
        "the model is not compiled yet",
    ),
    "mse": (
        lambda: classifier(Dense(1, activation="sigmoid"), loss="mse"),
        "compiled with mean_squared_error, a loss for regression",
    ),
    "categorical loss": (
        lambda: classifier(Dense(1, activation="sigmoid"), loss="sparse_categorical_crossentropy"),
        "a loss for three or more classes",
    ),
    "sigmoid twice": (
        lambda: classifier(
            Dense(1, activation="sigmoid"), loss=keras.losses.BinaryCrossentropy(from_logits=True)
        ),
        "from_logits=True tells the loss that it receives raw scores (logits). On TensorFlow, "
        "Keras notices, warns and still computes the right loss; on its JAX and PyTorch "
        "backends the sigmoid would be applied twice",
    ),
    "raw scores into a probability loss": (
        lambda: classifier(Dense(1)),
        "the last layer gives raw scores (no sigmoid), but the loss expects probabilities",
    ),
}


@pytest.mark.parametrize("build, message", WRONG_CLASSIFIERS.values(), ids=list(WRONG_CLASSIFIERS))
def test_binary_classifier_explains_each_mistake(capsys, build, message):
    result, line = verdict(capsys, check_binary_classifier, build())
    assert result is False
    assert message in line


FROM_LOGITS = keras.losses.BinaryCrossentropy(from_logits=True)


def logits_classifier(**compile_arguments):
    return classifier(Dense(4, activation="relu"), Dense(1), loss=FROM_LOGITS, **compile_arguments)


def sigmoid_classifier(**compile_arguments):
    return classifier(
        Dense(4, activation="relu"), Dense(1, activation="sigmoid"), **compile_arguments
    )


@pytest.mark.parametrize(
    "build",
    [
        lambda: sigmoid_classifier(metrics=["accuracy"]),
        lambda: sigmoid_classifier(metrics=["binary_accuracy", "auc"]),
        lambda: sigmoid_classifier(metrics=[keras.metrics.BinaryAccuracy()]),
        lambda: logits_classifier(metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)]),
        lambda: logits_classifier(metrics=["mse"]),
        lambda: logits_classifier(),
    ],
    ids=[
        "sigmoid, accuracy",
        "sigmoid, binary_accuracy and auc",
        "sigmoid, BinaryAccuracy()",
        "logits, BinaryAccuracy(threshold=0.0)",
        "logits, mse",
        "logits, no metric",
    ],
)
def test_binary_classifier_accepts_an_accuracy_that_cuts_at_p_half(capsys, build):
    result, _ = verdict(capsys, check_binary_classifier, build())
    assert result is True


WRONG_ACCURACY = {
    "accuracy": (lambda: logits_classifier(metrics=["accuracy"]), "the metric 'accuracy'"),
    "acc": (lambda: logits_classifier(metrics=["acc"]), "the metric 'acc'"),
    "binary_accuracy": (
        lambda: logits_classifier(metrics=["binary_accuracy"]),
        "the metric 'binary_accuracy'",
    ),
    "BinaryAccuracy()": (
        lambda: logits_classifier(metrics=[keras.metrics.BinaryAccuracy()]),
        "the metric BinaryAccuracy(threshold=0.5)",
    ),
    "the function": (
        lambda: logits_classifier(metrics=[keras.metrics.binary_accuracy]),
        "the metric BinaryAccuracy(threshold=0.5)",
    ),
    "weighted": (
        lambda: logits_classifier(metrics=["mse"], weighted_metrics=["accuracy"]),
        "the metric 'accuracy'",
    ),
}


@pytest.mark.parametrize("build, metric", WRONG_ACCURACY.values(), ids=list(WRONG_ACCURACY))
def test_binary_classifier_catches_accuracy_cut_at_0_5_on_logits(capsys, build, metric):
    result, line = verdict(capsys, check_binary_classifier, build())
    assert result is False
    assert f"the model outputs logits, but {metric} counts a row as class 1" in line
    assert "For a logit that means a probability above 0.62" in line
    assert "Hint: with logits, use metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)]" in line


def test_binary_classifier_catches_threshold_0_on_probabilities(capsys):
    model = sigmoid_classifier(metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)])
    result, line = verdict(capsys, check_binary_classifier, model)
    assert result is False
    assert "counts a row as class 1 when its probability is above 0" in line
    assert "Hint: threshold=0.0 is for logits." in line


@pytest.mark.parametrize(
    "metric, passes",
    [(keras.metrics.BinaryAccuracy(threshold=0.0), True), ("accuracy", False)],
    ids=["right", "wrong"],
)
def test_binary_classifier_reads_the_metrics_after_fit_data_built_them(capsys, metric, passes):
    model = logits_classifier(metrics=[metric])
    fit_data(np.zeros((4, 3)), np.array([0, 1, 0, 1]), model=model)  # builds the metrics
    assert verdict(capsys, check_binary_classifier, model)[0] is passes


def test_binary_classifier_needs_one_output(capsys):
    seed_everything(0)
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, [Dense(1, activation="sigmoid")(inputs), Dense(1)(inputs)])
    _, line = verdict(capsys, check_binary_classifier, model)
    assert "the model has 2 outputs instead of one" in line


# what the cells after an exercise need of a classifier: check_binary_classifier's settings


def builder(width=3, *, activation="sigmoid", loss="binary_crossentropy", metrics=("accuracy",)):
    """A function without arguments that builds a classifier for rows of ``width`` features."""

    def build_classifier():
        model = keras.Sequential([keras.Input(shape=(width,)), Dense(1, activation=activation)])
        model.compile(optimizer="adam", loss=loss, metrics=list(metrics))
        return model

    return build_classifier


NEEDS = dict(builder=True, n_features=3, metrics=("accuracy",))


@pytest.mark.parametrize(
    "build, needs",
    [
        (builder(), NEEDS),
        (builder(metrics=("accuracy", "auc")), NEEDS),
        (builder(metrics=(keras.metrics.BinaryAccuracy(name="accuracy"),)), NEEDS),
        (builder(), NEEDS | dict(other_metrics=False, probabilities=True)),
        (
            builder(
                activation=None,
                loss=FROM_LOGITS,
                metrics=(keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy"),),
            ),
            NEEDS | dict(other_metrics=False),
        ),
    ],
    ids=["as asked", "one more metric", "a named metric", "exactly so", "logits, named"],
)
def test_binary_classifier_accepts_what_the_later_cells_can_use(capsys, build, needs):
    assert verdict(capsys, check_binary_classifier, build, **needs)[0] is True


WRONG_FOR_LATER_CELLS = {
    "a model": (builder()(), {}, "you passed a model, not the function that builds one"),
    "None": (None, {}, "None is not a function that builds a model"),
    "no return": (lambda: None, {}, "<lambda>() returned None, not a model"),
    "arguments": (lambda width: None, {}, "<lambda> needs width, but the cells below call"),
    "a class": (keras.Sequential, {}, "Sequential is a class, not a function"),
    "not a model": (lambda: "model", {}, "<lambda>() returned 'model', not a Keras model"),
    "rows of 1": (builder(1), {}, "the model takes rows of 1 number (keras.Input(shape=(1,)))"),
    "rows of 10": (builder(10), {}, "the model takes rows of 10 numbers"),
    "no metric": (builder(metrics=()), {}, "the model reports no metric, but the cells below"),
    "acc": (builder(metrics=("acc",)), {}, "the model reports 'acc' but no 'accuracy'"),
    "unknown metric": (builder(metrics=("acuracy",)), {}, "raised ValueError: Could not interp"),
    "another metric too": (
        builder(metrics=("accuracy", "auc")),
        dict(other_metrics=False),
        "the model reports 'auc' besides 'accuracy', but the cells below unpack",
    ),
    "logits unnamed": (
        builder(
            activation=None,
            loss=FROM_LOGITS,
            metrics=(keras.metrics.BinaryAccuracy(threshold=0.0),),
        ),
        {},
        "Hint: use the name the cells read: keras.metrics.BinaryAccuracy(threshold=0.0, "
        "name='accuracy').",
    ),
    "logits read as probabilities": (
        builder(
            activation=None,
            loss=FROM_LOGITS,
            metrics=(keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy"),),
        ),
        dict(probabilities=True),
        "your model outputs logits (no sigmoid, from_logits=True). That trains the same, but",
    ),
    "logits, accuracy at 0.5": (
        builder(activation=None, loss=FROM_LOGITS),
        {},
        "Hint: with logits, use metrics=[keras.metrics.BinaryAccuracy(threshold=0.0, "
        "name='accuracy')]",
    ),
}


@pytest.mark.parametrize(
    "answer, needs, message", WRONG_FOR_LATER_CELLS.values(), ids=list(WRONG_FOR_LATER_CELLS)
)
def test_binary_classifier_names_what_a_later_cell_would_trip_on(capsys, answer, needs, message):
    result, line = verdict(capsys, check_binary_classifier, answer, **(NEEDS | needs))
    assert result is False
    assert message in line


@pytest.mark.parametrize(
    "bad, error",
    [
        (dict(builder=1), TypeError),
        (dict(n_features=0), ValueError),
        (dict(metrics="accuracy", n_features=3), TypeError),
        (dict(metrics=("accuracy",)), ValueError),
        (dict(other_metrics=False), ValueError),
    ],
)
def test_binary_classifier_set_up_wrongly_by_the_author_raises(bad, error):
    with pytest.raises(error):
        check_binary_classifier(builder(), **bad)


# ---------------------------------------------------------------------------- check_early_stopping

EarlyStopping = keras.callbacks.EarlyStopping


def test_early_stopping_as_asked_passes(capsys):
    callback = EarlyStopping(patience=5, restore_best_weights=True, min_delta=0.001)
    check = dict(patience=5, restore_best_weights=True, min_delta=0.001)
    result, line = verdict(capsys, check_early_stopping, callback, **check)
    assert result is True
    assert line == (
        "✅ Correct: EarlyStopping watches 'val_loss', patience=5, restore_best_weights=True, "
        "min_delta=0.001."
    )


def test_early_stopping_still_passes_after_keras_negated_min_delta(capsys):
    seed_everything(0)
    model = keras.Sequential([keras.Input(shape=(1,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    callback = EarlyStopping(min_delta=0.01)
    callback.set_model(model)
    callback.on_train_begin()
    callback.on_epoch_end(0, {"val_loss": 1.0})
    assert callback.min_delta == -0.01  # what fit leaves behind
    assert verdict(capsys, check_early_stopping, callback, min_delta=0.01)[0] is True


WRONG_CALLBACKS = {
    "the class": (EarlyStopping, "EarlyStopping is a class, not a callback made from it"),
    "a list": ([EarlyStopping()], "this is a list; the check wants the callback itself"),
    "another callback": (keras.callbacks.History(), "is not an EarlyStopping callback"),
    "training loss": (
        EarlyStopping(monitor="loss"),
        "the training loss keeps falling while a model overfits",
    ),
    "typo in monitor": (
        EarlyStopping(monitor="val_losses"),
        "spell it exactly as in history.history: monitor='val_loss'",
    ),
    "mode max": (EarlyStopping(mode="max"), "mode='max' counts a rising loss as an improvement"),
    "default patience": (EarlyStopping(), "patience is 0, but the exercise asks for 3"),
}


@pytest.mark.parametrize("callback, message", WRONG_CALLBACKS.values(), ids=list(WRONG_CALLBACKS))
def test_early_stopping_explains_each_mistake(capsys, callback, message):
    result, line = verdict(capsys, check_early_stopping, callback, patience=3)
    assert result is False
    assert message in line


@pytest.mark.parametrize(
    "callback, asked, message",
    [
        (
            EarlyStopping(),
            dict(restore_best_weights=True),
            "restore_best_weights is False, but the exercise asks for True",
        ),
        (
            EarlyStopping(restore_best_weights=True),
            dict(restore_best_weights=False),
            "restore_best_weights is True, but the exercise asks for False",
        ),
        (EarlyStopping(), dict(min_delta=0.01), "min_delta is 0, but the exercise asks for 0.01"),
    ],
)
def test_early_stopping_names_the_setting_that_differs(capsys, callback, asked, message):
    result, line = verdict(capsys, check_early_stopping, callback, **asked)
    assert result is False
    assert message in line


@pytest.mark.parametrize(
    "callback, message",
    [
        (EarlyStopping(patience=3, min_delta=0.01), "min_delta=0.01: a new value must then beat"),
        (EarlyStopping(patience=3, baseline=0.5), "baseline=0.5: training then stops unless"),
        (EarlyStopping(patience=3, start_from_epoch=5), "start_from_epoch=5: the callback then"),
    ],
    ids=["min_delta", "baseline", "start_from_epoch"],
)
def test_early_stopping_with_others_default_names_a_setting_that_moves_the_stop(
    capsys, callback, message
):
    result, line = verdict(capsys, check_early_stopping, callback, patience=3, others_default=True)
    assert result is False
    assert message in line
    assert "so the training below would not stop where this lesson expects." in line
    assert verdict(capsys, check_early_stopping, callback, patience=3)[0] is True


def test_early_stopping_with_others_default_still_takes_what_is_asked(capsys):
    callback = EarlyStopping(patience=3, min_delta=0.01, mode="min", verbose=1)
    check = dict(patience=3, min_delta=0.01, others_default=True)
    assert verdict(capsys, check_early_stopping, callback, **check)[0] is True


@pytest.mark.parametrize(
    "bad, error",
    [
        (dict(others_default=1), TypeError),
        (dict(patience=-1), ValueError),
        (dict(patience=2.5), ValueError),
        (dict(restore_best_weights=1), TypeError),
        (dict(min_delta=-0.1), ValueError),
        (dict(monitor=""), TypeError),
    ],
)
def test_early_stopping_set_up_wrongly_by_the_author_raises(bad, error):
    with pytest.raises(error):
        check_early_stopping(EarlyStopping(), **bad)


# ---------------------------------------------------------------------------- check_best_epoch


def history_object(values):
    history = keras.callbacks.History()
    history.history = values
    return history


@pytest.mark.parametrize("answer", [3, np.int64(3), 3.0, np.float64(3.0)])
@pytest.mark.parametrize("history", [HISTORY, history_object(HISTORY)], ids=["dict", "History"])
def test_best_epoch_is_the_printed_1_based_epoch_of_the_lowest_val_loss(capsys, answer, history):
    result, line = verdict(capsys, check_best_epoch, answer, history)
    assert result is True
    assert line == "✅ Correct: epoch 3 has the lowest val_loss, 0.3."


@pytest.mark.parametrize("answer", [2, 4])
def test_best_epoch_off_by_one_asks_which_count_was_used(capsys, answer):
    result, line = verdict(capsys, check_best_epoch, answer, HISTORY)
    assert result is False
    assert "Keras stores epochs from 0 but prints them from 1: which did you use?" in line


@pytest.mark.parametrize(
    "answer, message",
    [
        (5, "epoch 5 has val_loss 0.6, but another epoch has a lower one"),
        (0, "there is no epoch 0: this history has 5 epochs"),
        (6, "there is no epoch 6"),
        (3.5, "3.5 is not an epoch number"),
    ],
)
def test_best_epoch_explains_other_wrong_answers(capsys, answer, message):
    result, line = verdict(capsys, check_best_epoch, answer, HISTORY)
    assert result is False
    assert message in line


def test_best_epoch_for_accuracy_is_the_highest_and_ties_all_count(capsys):
    history = {"val_accuracy": [0.5, 0.6, 0.9, 0.7, 0.9]}
    assert verdict(capsys, check_best_epoch, 3, history, metric="val_accuracy")[0] is True
    assert verdict(capsys, check_best_epoch, 5, history, metric="val_accuracy")[0] is True


@pytest.mark.parametrize(
    "metric", ["val_auc", "val_precision", "val_recall", "val_sparse_categorical_accuracy", "auc"]
)
def test_best_epoch_of_a_higher_is_better_metric_is_its_highest(capsys, metric):
    history = {metric: [0.5, 0.8, 0.7, 0.6, 0.75, 0.7]}
    result, line = verdict(capsys, check_best_epoch, 2, history, metric=metric)
    assert result is True and line.endswith(f"epoch 2 has the highest {metric}, 0.8.")
    _, line = verdict(capsys, check_best_epoch, 5, history, metric=metric)
    assert f"epoch 5 has {metric} 0.75, but another epoch has a higher one" in line
    assert f"np.argmax(history.history[{metric!r}])" in line


@pytest.mark.parametrize(
    ("history", "metric", "answer", "problem", "hint"),
    [
        (
            {"val_auc": [0.5, 0.8, 0.7, 0.6, 0.75, 0.7]},
            "val_auc",
            1,
            "epoch 1 has the lowest val_auc, 0.5, but for val_auc higher is better.",
            "look for the highest value: int(np.argmax(history.history['val_auc'])) + 1.",
        ),
        (
            HISTORY,
            "val_loss",
            1,
            "epoch 1 has the highest val_loss, 0.9, but for val_loss lower is better.",
            "look for the lowest value: int(np.argmin(history.history['val_loss'])) + 1.",
        ),
    ],
)
def test_best_epoch_at_the_worst_value_says_which_way_is_better(
    capsys, history, metric, answer, problem, hint
):
    result, line = verdict(capsys, check_best_epoch, answer, history, metric=metric)
    assert result is False
    assert line == f"❌ Not yet: {problem} Hint: {hint}"


def test_best_epoch_of_a_real_fits_val_auc_is_its_highest_not_its_lowest(capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 3))
    y = (x[:, 0] + rng.normal(size=80) > 0).astype("float32")[:, None]
    model = classifier(keras.layers.Dense(1, "sigmoid"), metrics=[keras.metrics.AUC(name="auc")])
    history = model.fit(x[:40], y[:40], validation_data=(x[40:], y[40:]), epochs=6, verbose=0)
    val_auc = history.history["val_auc"]
    highest, lowest = int(np.argmax(val_auc)) + 1, int(np.argmin(val_auc)) + 1
    assert highest != lowest
    assert verdict(capsys, check_best_epoch, highest, history, metric="val_auc")[0] is True
    result, line = verdict(capsys, check_best_epoch, lowest, history, metric="val_auc")
    assert result is False and "higher is better" in line


def test_best_epoch_of_a_metric_with_no_known_direction_is_the_authors_error():
    with pytest.raises(ValueError, match="Cannot tell whether a higher or a lower 'f'"):
        check_best_epoch(1, {"val_f": [0.5, 0.6]}, metric="val_f")


# ---------------------------------------------------------------------------- check_history


@pytest.mark.parametrize("history", [HISTORY, history_object(HISTORY)], ids=["dict", "History"])
def test_history_that_reached_the_target_passes(capsys, history):
    result, line = verdict(capsys, check_history, history, metric="val_loss", below=0.35)
    assert result is True
    assert line == "✅ Correct: val_loss reached 0.3 at epoch 3, below 0.35."
    result, _ = verdict(
        capsys, check_history, {"val_accuracy": [0.6, 0.95]}, metric="val_accuracy", above=0.9
    )
    assert result is True


@pytest.mark.parametrize(
    "history, message",
    [
        ({"loss": [0.9, 0.5]}, "the history has no 'val_loss'"),
        ({"val_loss": [0.9, 0.6, 0.5]}, "it was still improving at the last epoch"),
        (HISTORY, "the best val_loss was 0.3 (epoch 3 of 5), not below 0.1; it stopped"),
        ({"val_loss": [0.9, float("nan")]}, "val_loss became nan at epoch 2: training diverged"),
        ({"val_loss": []}, "is not a list of one number per epoch"),
    ],
)
def test_history_explains_why_the_target_was_missed(capsys, history, message):
    result, line = verdict(capsys, check_history, history, metric="val_loss", below=0.1)
    assert result is False
    assert message in line


@pytest.mark.parametrize(
    "history, metric, hint",
    [
        ({"loss": [0.9, 0.5]}, "val_loss", "model.fit(..., validation_data=(x_val, y_val))"),
        ({"val_loss": [0.9, 0.6, 0.5]}, "val_loss", "train for more epochs"),
        ({"val_loss": [0.9, 0.5, 0.7]}, "val_loss", "the model overfits"),
        ({"val_loss": [0.9, float("inf")]}, "val_loss", "lower the learning rate"),
        ({"loss": [1.0], "val_loss": [0.9]}, "val_accuracy", "metrics=['accuracy']"),
    ],
)
def test_history_hints_what_to_do(capsys, history, metric, hint):
    _, line = verdict(capsys, check_history, history, metric=metric, below=0.1)
    assert hint in line.split("Hint: ")[1]


@pytest.mark.parametrize(
    "bad, error",
    [
        (dict(below=0.1, above=0.2), ValueError),
        (dict(), ValueError),
        (dict(below="0.1"), TypeError),
        (dict(above=float("nan")), TypeError),
        (dict(metric="", below=0.1), TypeError),
    ],
)
def test_history_set_up_wrongly_by_the_author_raises(bad, error):
    with pytest.raises(error):
        check_history(HISTORY, **(dict(metric="val_loss") | bad))


def test_an_error_inside_the_learners_object_becomes_a_hint(capsys):
    history = {"val_loss": Hostile()}
    check = dict(metric="val_loss", below=0.1, raised_allowed=True)
    result, line = verdict(capsys, check_history, history, **check)
    assert result is False
    assert line.startswith("❌ Not yet: looking at your answer raised RuntimeError. Hint: run")


def test_choice_explanation_reads_as_a_sentence(capsys):
    assert check_choice("a", "A", options={"A": "yes", "B": "no"}, explanation="because it is.")
    assert capsys.readouterr().out.strip() == "✅ Correct: A (yes). Because it is."
