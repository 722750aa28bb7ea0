"""The auto-encoder whose code is 10 class probabilities + k style values.

Built with tf_keras (Keras 2) on purpose: TF.js 4.22 loads Keras 2 Layers models on every backend
(cpu, wasm, webgl) but cannot load a Keras 3 topology, so the model that trains is the model that
ships, with no rebuild or weight copy in between.

Layer names carry their role: cls_* compute the class output (frozen after stage 1), style_* the
style head, dec_* the decoder. The decoder is a separate Model so it converts on its own.
"""
from dataclasses import dataclass, field

from training.pipeline import quiet_tensorflow  # noqa: F401  (before tf_keras: TensorFlow's start-up noise)
import tf_keras as keras  # noqa: E402
from tf_keras import layers  # noqa: E402

from training.contract import IMAGE_SIDE, NUM_CLASSES  # noqa: E402


def _conv_bn_relu(x, channels, size, name, suffix=""):
    x = layers.Conv2D(channels, size, padding="same", use_bias=False, name=f"{name}_conv{suffix}")(x)
    x = layers.BatchNormalization(name=f"{name}_bn{suffix}")(x)
    return layers.ReLU(name=f"{name}_relu{suffix}")(x)


def _encoder_trunk(image, p):
    """Three Conv+BN+ReLU, two max-pools: 28x28 -> the 7x7 map shared by both heads."""
    x = image
    for i, channels in enumerate(p.conv_channels):
        if i > 0:
            x = layers.MaxPooling2D(name=f"cls_pool{i}")(x)
        x = _conv_bn_relu(x, channels, 3, "cls", i + 1)
    return x


def _flat(feature_map, p, name):
    x = feature_map
    if p.squeeze_channels:
        x = _conv_bn_relu(x, p.squeeze_channels, 1, f"{name}_squeeze")
    return layers.Flatten(name=f"{name}_flatten")(x)


def _class_head(feature_map, p):
    x = _flat(feature_map, p, "cls")
    if p.dropout:
        x = layers.Dropout(p.dropout, name="cls_dropout1")(x)
    if p.classifier_dense:
        x = layers.Dense(p.classifier_dense, activation="relu", name="cls_dense")(x)
        if p.dropout:
            x = layers.Dropout(p.dropout, name="cls_dropout2")(x)
    return layers.Dense(NUM_CLASSES, activation="softmax", name="cls_probs")(x)


def _style_head(feature_map, p, style_dims):
    x = layers.BatchNormalization(name="style_norm")(_flat(feature_map, p, "style"))
    if p.style_hidden:
        x = layers.Dense(p.style_hidden, activation="relu", name="style_dense")(x)
    return layers.Dense(style_dims, name="style")(x)


def build_decoder(p, style_dims):
    code = keras.Input((NUM_CLASSES + style_dims,), name="code")
    x = code
    if p.decoder_dense:
        x = layers.Dense(p.decoder_dense, activation="relu", name="dec_dense0")(x)
    x = layers.Dense(7 * 7 * p.decoder_start, activation="relu", name="dec_dense")(x)
    x = layers.Reshape((7, 7, p.decoder_start), name="dec_reshape")(x)
    ups = convs = 0
    for block in p.decoder_blocks:
        if block == "up":
            ups += 1
            x = layers.UpSampling2D(name=f"dec_up{ups}")(x)
            continue
        convs += 1
        x = layers.Conv2D(block, 3, padding="same", use_bias=not p.decoder_batchnorm,
                          name=f"dec_conv{convs}")(x)
        if p.decoder_batchnorm:
            x = layers.BatchNormalization(name=f"dec_bn{convs}")(x)
        x = layers.ReLU(name=f"dec_relu{convs}")(x)
    if 7 * 2 ** ups != IMAGE_SIDE:
        raise ValueError(f"decoder_blocks must upsample exactly twice (7 -> {IMAGE_SIDE} px), got {ups}")
    image = layers.Conv2D(1, 3, padding="same", activation="sigmoid", name="dec_image")(x)
    return keras.Model(code, image, name="decoder")


@dataclass
class Models:
    classifier: keras.Model   # image -> class probabilities (stage 1)
    encoder: keras.Model      # image -> code [probabilities, style]
    decoder: keras.Model      # code -> image
    autoencoder: keras.Model  # image -> image (stage 2)
    style_dims: int = 1
    frozen: list = field(default_factory=list)


def build(p, style_dims=1):
    if style_dims < 1:
        raise ValueError(f"style_dims must be at least 1, got {style_dims}")
    image = keras.Input((IMAGE_SIDE, IMAGE_SIDE, 1), name="image")
    feature_map = _encoder_trunk(image, p)
    probs = _class_head(feature_map, p)
    style = _style_head(feature_map, p, style_dims)
    code = layers.Concatenate(name="code")([probs, style])
    classifier = keras.Model(image, probs, name="classifier")
    encoder = keras.Model(image, code, name="encoder")
    decoder = build_decoder(p, style_dims)
    autoencoder = keras.Model(image, decoder(encoder(image)), name="autoencoder")
    return Models(classifier, encoder, decoder, autoencoder, style_dims)


def freeze_classifier(models):
    """Freeze every layer on the path to the class output. A frozen BatchNormalization also
    runs in inference mode in Keras, so its moving statistics cannot move either."""
    for layer in models.classifier.layers:
        layer.trainable = False
    models.frozen = [layer.name for layer in models.classifier.layers if layer.weights]


def multiply_adds(model):
    """Multiply-adds per image of the Dense and Conv2D layers (the rest is negligible)."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, layers.Dense):
            total += layer.kernel.shape[0] * layer.kernel.shape[1]
        elif isinstance(layer, layers.Conv2D):
            h, w = layer.output.shape[1:3]
            kh, kw, cin, cout = layer.kernel.shape
            total += h * w * kh * kw * cin * cout
        elif isinstance(layer, keras.Model):
            total += multiply_adds(layer)
    return int(total)


def parameter_counts(encoder, decoder):
    """Parameter counts, split as the proposal reports them: what stage 2 trains (the style head
    and the decoder) and what stays frozen (every cls_* layer). By layer name, so the split is the
    same for a model fresh from build() and one loaded from a file."""
    def count(weights):
        return int(sum(w.shape.num_elements() for w in weights))
    frozen = [w for layer in encoder.layers if layer.name.startswith("cls_") for w in layer.weights]
    learned = [w for layer in encoder.layers if not layer.name.startswith("cls_") for w in layer.trainable_weights]
    learned += decoder.trainable_weights
    return {
        "encoder": encoder.count_params(),
        "decoder": decoder.count_params(),
        "classifier": count(frozen),
        "autoencoder_trainable": count(learned),
        "autoencoder_frozen": count(frozen),
    }
