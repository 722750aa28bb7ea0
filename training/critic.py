"""Stage 3's second teacher: the frozen classifier reads what the decoder draws where the page goes.

Reconstruction alone teaches the decoder only at the styles real digits are found at. At a class's
rare styles (the tails the slider's ends reach) few and very different digits are found, and the
decoder draws their average: a ghost. So each stage-3 step also decodes a few codes the page can
show -- every class at a slider position drawn uniformly from its 1st to its 99th percentile, and
morphs a -> b near either end -- and the frozen classifier must read them as the class they stand
for (cross-entropy, weighted by the preset's critic_weight). The classifier only judges; it does not
learn. The legibility figures come from another network (training/reader.py), which nothing here sees.
"""
import numpy as np

from training.meta import NUM_CLASSES

MORPH_SHARE = 0.25  # of the critic's codes: morphs near an end; the rest pure classes
MORPH_END = 0.25  # t <= this must read as the start, t >= 1 - this as the end (legibility's rule)
PER_BATCH = 32  # critic codes decoded beside each training batch


def sample(tables, n, rng):
    """-> (codes [n, 10 + k], labels [n]): codes the page can show and the class each must read as.
    tables: the 10 per-class percentile tables the page will walk (samples.class_tables)."""
    dims = len(next(iter(tables[0].values())))
    u = rng.random((n, dims))
    per_class = np.zeros((n, NUM_CLASSES, dims))
    for c, table in enumerate(tables):  # samples.style_at for every row at once
        keys = sorted(table, key=float)
        q = np.array([float(k) for k in keys])
        values = np.array([table[k] for k in keys], np.float64)
        for d in range(dims):
            per_class[:, c, d] = np.interp(u[:, d], (q - q[0]) / (q[-1] - q[0]), values[:, d])
    a = rng.integers(0, NUM_CLASSES, n)
    b = (a + rng.integers(1, NUM_CLASSES, n)) % NUM_CLASSES
    t = np.where(rng.random(n) < MORPH_SHARE, rng.random(n) * MORPH_END, 0.0)
    classes = np.zeros((n, NUM_CLASSES), np.float32)
    rows = np.arange(n)
    classes[rows, a] += 1 - t
    classes[rows, b] += t
    style = (1 - t)[:, None] * per_class[rows, a] + t[:, None] * per_class[rows, b]
    return np.concatenate([classes, style], 1).astype(np.float32), a


def trainer(keras, tf, decoder, classifier, weight):
    """A model whose training step updates `decoder` on reconstruction (binary cross-entropy) plus
    `weight` x the classifier's cross-entropy on the first PER_BATCH critic codes of the batch. One
    forward pass for both, so BatchNorm sees them together. Input: ((codes, critic codes, labels), x)."""
    bce = keras.losses.BinaryCrossentropy()
    ce = keras.losses.SparseCategoricalCrossentropy()

    class Trainer(keras.Model):
        def train_step(self, data):
            (codes, critic_codes, labels), x = data
            n = tf.shape(codes)[0]
            with tf.GradientTape() as tape:
                images = decoder(tf.concat([codes, critic_codes[:PER_BATCH]], 0), training=True)
                reconstruction = bce(x, images[:n])
                critic = ce(labels[:PER_BATCH], classifier(images[n:], training=False))
                loss = reconstruction + weight * critic
            grads = tape.gradient(loss, decoder.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, decoder.trainable_variables))
            return {"loss": reconstruction, "critic": critic}

    return Trainer()
