"""Stage 5: a small discriminator tells decoded digits from real ones, and the decoder learns to fool it.

Each step decodes codes the page can show (pure classes and morphs at any t, styles along the slider); the
discriminator judges them against the batch's real digits (non-saturating loss, R1 penalty on the real
ones). The decoder's loss: reconstruction of the searched codes (it anchors fidelity), the stage-3 critic
(the frozen classifier reads the class) and realism_weight x the adversarial term. BatchNorm keeps its
moving statistics, which the page decodes with. See docs/TRAINING.md, "Stage 5".
"""
from dataclasses import replace

import numpy as np

from training.pipeline import critic, runs
from training.contract import IMAGE_SIDE, NUM_CLASSES


def discriminator(keras, channels):
    """Strided 4x4 convolutions and a linear score: real digits high, decoded ones low."""
    layers = keras.layers
    image = keras.Input((IMAGE_SIDE, IMAGE_SIDE, 1))
    x = image
    for i, c in enumerate(channels):
        x = layers.Conv2D(c, 4, strides=2, padding="same", name=f"judge_conv{i + 1}")(x)
        x = layers.LeakyReLU(0.2, name=f"judge_relu{i + 1}")(x)
    score = layers.Dense(1, name="judge_score")(layers.Flatten(name="judge_flatten")(x))
    return keras.Model(image, score, name="judge")


def page_codes(tables, n, rng, p):
    """-> (codes [n, 10 + k], labels [n], weights [n]): critic.sample's codes with realism_morph_share of
    them morphs at t in [0, 0.5) (a -> b at t is b -> a at 1 - t: every in-between is reachable). The
    class critic reads only those within critic_morph_end of their start (weight 1; their label holds)."""
    codes, labels = critic.sample(tables, n, rng, replace(p, critic_morph_share=p.realism_morph_share,
                                                          critic_morph_end=0.5))
    return codes, labels, (codes[:, :NUM_CLASSES].max(1) >= 1 - p.critic_morph_end).astype(np.float32)


def duel(keras, tf, decoder, classifier, p):
    """A model whose training step updates the decoder, then the discriminator, with one Adam (so a
    checkpoint holds one optimizer). Input: ((codes, page codes, labels, weights), x); of the page codes
    the first p.realism_per_batch of each batch are decoded."""
    judge = discriminator(keras, p.realism_channels)
    bce = keras.losses.BinaryCrossentropy()
    ce = keras.losses.SparseCategoricalCrossentropy()
    softplus, per_batch = tf.nn.softplus, p.realism_per_batch

    class Duel(keras.Model):
        def __init__(self):
            super().__init__()
            self.decoder, self.judge = decoder, judge
            self.means = {name: keras.metrics.Mean(name=name) for name in ("loss", "fooled", "judge", "critic", "detour")}

        @property
        def metrics(self):
            return list(self.means.values())

        def compile(self, optimizer, **kwargs):  # both nets' slots: each step applies to one, then the other
            super().compile(optimizer, **kwargs)
            self.optimizer.build(self.trainable_variables)

        def train_step(self, data):
            (codes, fake_codes, labels, weights), x = data
            n = tf.shape(codes)[0]
            fake_codes, labels, weights = fake_codes[:per_batch], labels[:per_batch], weights[:per_batch]
            with tf.GradientTape() as tape:
                images = decoder(tf.concat([codes, fake_codes], 0), training=False)
                reconstruction = bce(x, images[:n])
                fooled = tf.reduce_mean(softplus(-judge(images[n:], training=True)))
                probs = classifier(images[n:], training=False)
                read = ce(labels, probs, sample_weight=weights)
                # off the way: the classifier's probability of the two classes a morph mixes (of a pure code: its own)
                pair = tf.reduce_sum(probs * tf.cast(fake_codes[:, :NUM_CLASSES] > 0, probs.dtype), axis=1)
                detour = -tf.reduce_mean(tf.math.log(tf.clip_by_value(pair, 1e-7, 1.0)))
                loss = (reconstruction + p.realism_weight * fooled + p.critic_weight * read
                        + p.realism_pair_weight * detour)
            self.optimizer.apply_gradients(zip(tape.gradient(loss, decoder.trainable_variables),
                                               decoder.trainable_variables))
            fakes = tf.stop_gradient(images[n:])
            with tf.GradientTape() as tape:
                with tf.GradientTape() as inner:
                    inner.watch(x)
                    real_score = judge(x, training=True)
                r1 = tf.reduce_mean(tf.reduce_sum(tf.square(inner.gradient(real_score, x)), axis=[1, 2, 3]))
                judged = (tf.reduce_mean(softplus(-real_score)) + tf.reduce_mean(softplus(judge(fakes, training=True)))
                          + 0.5 * p.realism_penalty * r1)
            self.optimizer.apply_gradients(zip(tape.gradient(judged, judge.trainable_variables),
                                               judge.trainable_variables))
            for name, value in (("loss", reconstruction), ("fooled", fooled), ("judge", judged), ("critic", read),
                                ("detour", detour)):
                self.means[name].update_state(value)
            return {name: mean.result() for name, mean in self.means.items()}

    return Duel()


def train(models, ds, p, out, seed, codes, curves, sample_grid, verbose=1):
    """Stage 5, from stage 3's searched codes and curves; -> (the final decoder's curves, the searched codes
    of the training set, its seconds). Resumable after any round, as stage 3 (training/pipeline/stages.py)."""
    import tensorflow as tf
    import tf_keras as keras

    from training.pipeline import encoding, samples, stages
    train_set, decoder = ds.train, models.decoder
    classifier = models.classifier
    model = duel(keras, tf, decoder, classifier, p)
    model.compile(keras.optimizers.Adam(p.realism_rate, beta_1=0.5))
    checkpoints = stages.Checkpoints(out, "realism", model)
    done, history, saved = checkpoints.load()
    if saved is not None:
        codes = saved
        curves = encoding.Curves(decoder, curves.grid)
        print(f"stage 5: resumed after round {done} of {p.realism_rounds}", flush=True)
    val_head = models.encoder.predict(ds.val.x, batch_size=1000, verbose=0)
    for r in range(done + 1, p.realism_rounds + 1):
        stages.fresh_epoch(keras, model, seed, "realism", r)
        tables = samples.class_tables(samples.style_stats(codes[:, NUM_CLASSES:], train_set.y))
        fake = page_codes(tables, len(codes), np.random.default_rng([seed, 5, r]), p)
        fit = model.fit(stages.rounds_dataset(tf, (codes, *fake), train_set.x, p.batch_size,
                                              stages.epoch_seed(seed, "realism", r)), epochs=1, verbose=verbose)
        row = {name: float(values[-1]) for name, values in fit.history.items()}
        stages.check_finite(row, "stage 5 (realism)", r)
        curves, codes = stages.searched_again(decoder, curves.grid, codes, train_set.x)
        row["train_bce_searched"] = stages.train_figure(decoder, codes, train_set.x, seed)
        row["val_bce_searched"] = float(encoding.improve(curves, val_head, ds.val.x)[1].mean())
        history.append({"round": r, **row})
        print(f"stage 5: round {r}/{p.realism_rounds}: validation BCE {row['val_bce_searched']:.4f} (searched "
              f"codes), discriminator {row['judge']:.3f}, fooled {row['fooled']:.3f}", flush=True)
        stages.close_round(checkpoints, sample_grid, "realism", r, history, codes)
    runs.write_csv(out / "history_realism.csv", history)
    return curves, codes, checkpoints.seconds()
