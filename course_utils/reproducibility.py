"""One call that makes a Keras run repeatable: ``seed_everything``.

Call it right before you build a model. Python's ``random``, NumPy and Keras (TensorFlow
backend) are seeded, and TensorFlow's op determinism is switched on, so running the same
cell twice gives the same weights, the same batches and the same losses.
"""

import keras
import tensorflow as tf


def seed_everything(seed=0):
    """Seed Python, NumPy and Keras, and make TensorFlow ops deterministic.

    ``seed`` must be a non-negative whole number. Re-running a cell that starts with
    ``seed_everything(seed)`` reproduces its model, its training and its curves.

    >>> import keras
    >>> seed_everything(42)
    >>> first = keras.random.uniform((1,)).numpy()
    >>> seed_everything(42)
    >>> bool((keras.random.uniform((1,)).numpy() == first).all())
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(
            f"seed must be a whole number such as 0 or 42, got {type(seed).__name__} {seed!r}."
        )
    if seed < 0:
        raise ValueError(f"seed must be 0 or more, got {seed}. Use a non-negative seed such as 0.")
    keras.utils.set_random_seed(seed)  # seeds random, numpy and the Keras backend
    tf.config.experimental.enable_op_determinism()
