"""One call that makes a Keras run repeatable: ``seed_everything``.

Call it right before you build a model. Python's ``random``, NumPy and Keras (TensorFlow
backend) are seeded, and TensorFlow's op determinism is switched on, so running the same
cell twice gives the same weights, the same batches and the same losses.
"""

import keras
import tensorflow as tf

from course_utils._validation import check_seed


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
    check_seed(seed)
    keras.utils.set_random_seed(int(seed))  # seeds random, numpy and the Keras backend
    tf.config.experimental.enable_op_determinism()
