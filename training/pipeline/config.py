"""Every setting that changes a run's results: the two presets, and what the command line may override.

train.py saves the chosen Preset in run.json, and a resume with any field changed is refused
(runs.start_or_resume), so a run's figures always come with the settings that made them.
Standard library only: the CLI checks a preset before TensorFlow loads.
"""
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Preset:
    conv_channels: tuple = (32, 64, 64)   # the classifier's three 3x3 convolutions (28, 14, 7 px)
    classifier_dense: int = 128           # hidden Dense before the softmax (0: none)
    dropout: float = 0.0
    augment_shift: int = 0                # stage 1: random shift of up to this many pixels
    augment_rotate: float = 0.0           # stage 1: random rotation of up to this many degrees
    augment_zoom: float = 0.0             # stage 1: random zoom in or out by up to this share
    # 1x1 convolution to this many channels before each head flattens the 7x7 map (0: flatten the
    # trunk's own channels). It keeps where each feature is, which the class and style both need,
    # at a tenth of the Dense weights: the drawing pad downloads the encoder.
    squeeze_channels: int = 0
    style_hidden: int = 0                 # hidden Dense in the style head (0: none)
    decoder_dense: int = 0                # hidden Dense before the 7x7 map (0: none)
    decoder_start: int = 64               # channels of the 7x7 map
    # after the 7x7 map: ints are 3x3 Conv+ReLU of that many channels, "up" doubles the resolution
    decoder_blocks: tuple = ()
    decoder_batchnorm: bool = False
    epochs_classifier: int = 3
    epochs_autoencoder: int = 25
    batch_size: int = 128
    learning_rate: float = 1e-3
    cosine: bool = False                  # cosine-decay the learning rate to 1% over the stage
    refine_rounds: int = 0                # stage 3: decoder epochs on searched codes (training/pipeline/stages.py)
    refine_learning_rate: float = 1.2e-3
    critic_weight: float = 0.0            # stage 3: the frozen classifier reads what the page can show (training/pipeline/critic.py)
    real_weight: float = 0.0              # stage 3: ... and each pure critic code draws one of its real neighbours
    style_bins: int = 0                   # stage 4: a style head that picks one of this many bins (training/pipeline/style_picker.py)
    picker_epochs: int = 8
    # The same in both presets: settings that change results, here so that run.json records them
    search_points: int = 1024             # the style search's grid points per class curve (32 x 32 for two styles)
    search_keep: int = 1                  # curve points re-scored with the image's real probabilities
    refine_rate_end: float = 0.1          # stage 3's rate decays (cosine) to this share of the start
    critic_per_batch: int = 32            # stage 3: critic codes decoded beside each training batch
    critic_morph_share: float = 0.25      # of the critic's codes: morphs near an end; the rest pure classes
    critic_morph_end: float = 0.25        # t <= this must read as the start, t >= 1 - this as the end
    critic_end_weight: float = 0.5        # slider positions ~ Beta(this, this): below 1, more near the ends
    critic_neighbours: int = 8            # real digits a pure critic code may draw one of
    picker_sharpness: float = 100.0       # stage 4: the bins' logits x this after training: the softmax picks
    picker_label_smoothing: float = 0.1
    # stage 5 (training/pipeline/adversary.py): a discriminator teaches the decoder to draw real-looking digits
    realism_rounds: int = 0               # passes over the training set (0: no stage 5)
    realism_weight: float = 0.08          # the adversarial term against the reconstruction BCE
    realism_rate: float = 2e-4            # the decoder's learning rate in stage 5
    realism_judge_rate: float = 2e-4      # the discriminator's
    realism_penalty: float = 1.0          # R1: gradient penalty on real digits
    realism_channels: tuple = (32, 64)    # the discriminator's two strided convolutions
    realism_morph_share: float = 0.5      # of stage 5's decoded codes: morphs (the rest pure classes)
    realism_per_batch: int = 64           # codes the discriminator judges beside each batch
    realism_pair_weight: float = 0.1      # -log P(either class a morph mixes), the frozen classifier's: no detours


PRESETS = {
    # The proposal's architecture: a mirror-image decoder whose 28x28 layer has 32 channels.
    "seed": Preset(
        conv_channels=(32, 64, 64), classifier_dense=128, style_hidden=0,
        decoder_dense=128, decoder_start=64, decoder_blocks=(64, "up", 64, "up", 32),
        epochs_classifier=3, epochs_autoencoder=25,
    ),
    # What the site ships: a stronger classifier, a style head with a hidden layer, a decoder that works
    # at 7x7 and 14x14 and keeps 16 channels at 28x28 (cheap per image); then stage 3's rounds on the
    # searched codes with the critic (training/pipeline/critic.py) and stage 4's picker. See docs/TRAINING.md.
    "default": Preset(
        conv_channels=(32, 64, 128), classifier_dense=128, dropout=0.3, augment_shift=2,
        augment_rotate=10.0, augment_zoom=0.1, squeeze_channels=16,
        style_hidden=64, decoder_dense=0, decoder_start=64,
        decoder_blocks=(64, "up", 64, 32, "up", 16), decoder_batchnorm=True,
        epochs_classifier=16, epochs_autoencoder=12, batch_size=128,
        learning_rate=2e-3, cosine=True, refine_rounds=8, critic_weight=0.1, real_weight=0.5,
        style_bins=128, realism_rounds=2,
    ),
}


def preset(name, **overrides):
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    return replace(PRESETS[name], **{k: v for k, v in overrides.items() if v is not None})
