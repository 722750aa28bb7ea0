"""Stage 3's second teacher: the frozen classifier reads what the decoder draws where the page goes.

Each stage-3 step also decodes codes the page can show (every class along its slider, morphs near
either end) and the frozen classifier must read them as their class (weight: critic_weight); each
pure-class code must also come close to one of its real neighbours (weight: real_weight), so the tails
draw one real digit, not a ghost. The classifier only judges; the legibility figures come from another
network (training/reader.py). See docs/TRAINING.md.
"""
import numpy as np

from training.contract import BCE_EPSILON, NUM_CLASSES


def sample(tables, n, rng, p):
    """-> (codes [n, 10 + k], labels [n]): codes the page can show and the class each must read as.
    tables: the 10 per-class percentile tables the page will walk (samples.class_tables); p: the Preset
    (critic_end_weight: more slider positions near the ends, where few real digits teach the decoder)."""
    dims = len(next(iter(tables[0].values())))
    u = rng.beta(p.critic_end_weight, p.critic_end_weight, (n, dims))
    per_class = np.zeros((n, NUM_CLASSES, dims))
    for c, table in enumerate(tables):  # samples.style_at for every row at once
        keys = sorted(table, key=float)
        q = np.array([float(k) for k in keys])
        values = np.array([table[k] for k in keys], np.float64)
        for d in range(dims):
            per_class[:, c, d] = np.interp(u[:, d], (q - q[0]) / (q[-1] - q[0]), values[:, d])
    a = rng.integers(0, NUM_CLASSES, n)
    b = (a + rng.integers(1, NUM_CLASSES, n)) % NUM_CLASSES
    t = np.where(rng.random(n) < p.critic_morph_share, rng.random(n) * p.critic_morph_end, 0.0)
    classes = np.zeros((n, NUM_CLASSES), np.float32)
    rows = np.arange(n)
    classes[rows, a] += 1 - t
    classes[rows, b] += t
    style = (1 - t)[:, None] * per_class[rows, a] + t[:, None] * per_class[rows, b]
    return np.concatenate([classes, style], 1).astype(np.float32), a


def neighbours(critic_codes, labels, styles, y, k):
    """-> [n, k] indices into the training set: for each critic code, the k digits of its class
    (labels) whose searched styles (styles [N, dims], y [N]) are nearest its own, each style dimension
    in units of the class's spread; and [n] 1.0 where the code is a pure class (a morph has no real
    digits to be like: only its class counts)."""
    style = critic_codes[:, NUM_CLASSES:].astype(np.float32)
    pure = critic_codes[:, :NUM_CLASSES].max(1) == 1
    out = np.zeros((len(critic_codes), k), np.int32)
    for c in range(NUM_CLASSES):
        mine, asked = np.flatnonzero(y == c), np.flatnonzero((labels == c) & pure)
        if not len(asked):
            continue
        if len(mine) < k:
            raise ValueError(f"class {c} has {len(mine)} training digits; the critic needs {k}")
        scale = styles[mine].std(0) + 1e-9
        theirs = (styles[mine] / scale).astype(np.float32).T  # [dims, digits]
        ours = style[asked] / scale.astype(np.float32)
        if len(theirs) == 1 and len(mine) >= 2 * k:  # sorted, the k nearest lie within k places of where the code goes
            order = np.argsort(theirs[0], kind="stable")
            line = theirs[0][order]
            start = np.clip(np.searchsorted(line, ours[:, 0]) - k, 0, len(line) - 2 * k)
            window = start[:, None] + np.arange(2 * k)
            best = np.argpartition(np.abs(line[window] - ours), k - 1, axis=1)[:, :k]
            out[asked] = mine[order[np.take_along_axis(window, best, 1)]]
            continue
        for rows in np.array_split(np.arange(len(asked)), max(1, len(asked) // 1000)):
            far = sum((ours[rows, d, None] - theirs[d]) ** 2 for d in range(len(theirs)))  # [rows, digits]
            out[asked[rows]] = mine[np.argpartition(far, k - 1, axis=1)[:, :k]]
    return out, pure.astype(np.float32)


def trainer(keras, tf, decoder, classifier, p, real_images=None):
    """A model whose training step updates `decoder` on reconstruction (binary cross-entropy) plus
    p.critic_weight x the classifier's cross-entropy on the first p.critic_per_batch critic codes of the
    batch, plus p.real_weight x, for the pure ones among them, the least cross-entropy to their real neighbours
    (rows of real_images, the training set [N, 28, 28, 1]). One forward pass for all, so BatchNorm
    sees them together. Input: ((codes, critic codes, labels, neighbour indices, pure), x)."""
    bce = keras.losses.BinaryCrossentropy()
    ce = keras.losses.SparseCategoricalCrossentropy()
    weight, real_weight, per_batch = p.critic_weight, p.real_weight, p.critic_per_batch
    real = tf.Variable(real_images, trainable=False) if real_weight else None

    class Trainer(keras.Model):
        def __init__(self):
            super().__init__()
            # a round's figures are its batches' mean, as Keras reports a compiled loss (a dict
            # returned by train_step alone would be the round's last batch)
            self.means = {name: keras.metrics.Mean(name=name) for name in ("loss", "critic", "real")}

        @property
        def metrics(self):  # reset by fit at every round
            return list(self.means.values())

        def train_step(self, data):
            (codes, critic_codes, labels, near, pure), x = data
            n = tf.shape(codes)[0]
            with tf.GradientTape() as tape:
                images = decoder(tf.concat([codes, critic_codes[:per_batch]], 0), training=True)
                reconstruction = bce(x, images[:n])
                critic = ce(labels[:per_batch], classifier(images[n:], training=False))
                loss = reconstruction + weight * critic
                likeness = tf.constant(0.0)
                if real_weight:
                    likeness = _likeness(tf, images[n:], tf.gather(real, near[:per_batch]), pure[:per_batch])
                    loss += real_weight * likeness
            grads = tape.gradient(loss, decoder.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, decoder.trainable_variables))
            for name, value in (("loss", reconstruction), ("critic", critic), ("real", likeness)):
                self.means[name].update_state(value)
            return {name: mean.result() for name, mean in self.means.items()}

    return Trainer()


def _likeness(tf, images, neighbours, pure):
    """Mean over the pure codes of the least per-pixel cross-entropy between each image [m, 28, 28, 1]
    and its neighbours [m, k, 28, 28, 1] (clipped as Keras' loss clips)."""
    p = tf.clip_by_value(images[:, None], BCE_EPSILON, 1 - BCE_EPSILON)
    per = -tf.reduce_mean(neighbours * tf.math.log(p) + (1 - neighbours) * tf.math.log(1 - p), axis=[2, 3, 4])
    return tf.reduce_sum(tf.reduce_min(per, axis=1) * pure) / tf.maximum(tf.reduce_sum(pure), 1.0)
