"""build.py refuses, in one line, a model.json the page's model interpreter (web/static/js/runtime/net.js)
cannot run and a meta.json outside the contract (training/contract.py): whatever the JSON holds, never a
traceback (model_json.py, model_folder.py)."""
import json
import os
import shutil

import pytest
from helpers import ROOT, run_cli
from test_build import MODELS, edit_json, first_weight, set_meta

import model_folder
import model_json
from training import contract
from training.cli import UserError

META = json.loads((MODELS / "mnist" / "meta.json").read_text())


def layers_of(model_json_doc):
    return model_json_doc["modelTopology"]["model_config"]["config"]["layers"]


def layer(name, change, part="decoder"):
    """A breaker that changes the layer `name` of `part`'s model.json."""
    def find(doc):
        change(next(each for each in layers_of(doc) if each["config"]["name"] == name))
    return lambda m: edit_json(m / part / "model.json", find)


def update(**values):
    return lambda lay: lay["config"].update(values)


def big_meta(model):
    edit_json(model / "meta.json", lambda meta: meta["versions"].update(notes="x" * contract.META_MAX_BYTES))


# the faults the audit (issue 33) built and saw get through or end in a traceback
FAULTS = {
    "quantization a string": (first_weight(lambda g: g["weights"][0].update(quantization="x")),
                              "weight 'dec_bn1/gamma': quantization should be an object, got 'x'"),
    "Dense without units": (layer("dec_dense", lambda lay: lay["config"].pop("units")),
                            "layer 'dec_dense' (Dense): config.units should be a positive whole number, got None"),
    "Conv2D kernel_size an int": (layer("dec_conv1", update(kernel_size=3)),
                                  "config.kernel_size should be a pair of positive whole numbers, got 3"),
    "401-digit integer in metrics": (lambda m: edit_json(m / "meta.json", lambda meta: meta["metrics"].update(
        test_bce=10 ** 400)), "metrics.test_accuracy and metrics.test_bce should be finite numbers"),
    "401-digit integer as a count": (set_meta("decoder_multiply_adds", 10 ** 400),
                                     "decoder_multiply_adds should be a positive whole number"),
    "weightsManifest empty": (lambda m: edit_json(m / "decoder" / "model.json", lambda j: j.update(weightsManifest=[])),
                              "weight 'dec_dense/kernel' is missing from weightsManifest (and 23 more)"),
    "a Lambda layer": (layer("dec_relu1", lambda lay: lay.update(class_name="Lambda")),
                       "layer 'dec_relu1' (Lambda): net.js cannot run this layer class"),
    # (the build read a quantised weight's stored dtype only; the page decodes to its dtype)
    "a complex64 weight, quantised": (first_weight(lambda g: g["weights"][0].update(dtype="complex64")),
                                      "weight 'dec_bn1/gamma' has an unusable dtype 'complex64'"),
    "an encoder Dense on an image": (layer("cls_dense", lambda lay: lay["inbound_nodes"][0][0].__setitem__(
        0, "cls_squeeze_relu"), part="encoder"), "layer 'cls_dense' (Dense): net.js runs Dense on a flat input"),
    "meta.json over 1 MiB": (big_meta, "meta.json: over 1,048,576 bytes"),
    "meta.json with a field the contract does not list": (set_meta("notes", "x"),
                                                          "field 'notes' is not one the contract lists"),
    "meta.json optional field of the wrong type": (set_meta("legibility", "x"), "field 'legibility' should be dict"),
    "a class's style levels one short": (lambda m: edit_json(m / "meta.json", lambda meta: meta["level_traits"]["slant"][3].pop()),
                                         "level_traits should hold slant and width (whole numbers): 10 lists of 256 each"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_what_the_page_cannot_use_stops_the_build_in_one_line(tmp_path, fault):
    models = tmp_path / "models"
    shutil.copytree(MODELS / "mnist", models / "mnist", ignore=shutil.ignore_patterns("parity"))
    breaker, message = FAULTS[fault]
    breaker(models / "mnist")
    done = run_cli(ROOT / "build.py", "--models", models, "--out", tmp_path / "dist")
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert message in lines[0] and str(models / "mnist") in lines[0], lines[0]
    assert sorted(os.listdir(tmp_path)) == ["models"], "nothing written"


def decoder():
    return json.loads((MODELS / "mnist" / "decoder" / "model.json").read_text())


def in_layer(name, change):
    return lambda doc: change(next(each for each in layers_of(doc) if each["config"]["name"] == name))


def in_weights(change):
    return lambda doc: change(doc["weightsManifest"][0])


# more of what net.js cannot run (or would run wrongly), checked without a build: model.json -> message
UNRUNNABLE = {
    "activation gelu": (in_layer("dec_image", update(activation="gelu")), "config.activation should be absent or"),
    "dilated convolution": (in_layer("dec_conv1", update(dilation_rate=[2, 2])),
                            "config.dilation_rate should be absent or [1, 1], got [2, 2]"),
    "dilation of true": (in_layer("dec_conv1", update(dilation_rate=[True, True])), "config.dilation_rate"),
    "grouped convolution": (in_layer("dec_conv1", update(groups=2)), "config.groups"),
    "channels first": (in_layer("dec_up1", update(data_format="channels_first")), "config.data_format"),
    "leaky ReLU": (in_layer("dec_relu1", update(negative_slope=0.1)), "config.negative_slope"),
    "clipped ReLU": (in_layer("dec_relu1", update(max_value=6)), "config.max_value"),
    "bilinear upsampling": (in_layer("dec_up1", update(interpolation="bilinear")), "config.interpolation"),
    "upsampling size an int": (in_layer("dec_up1", update(size=2)), "config.size should be a pair"),
    "BatchNormalization on axis 1": (in_layer("dec_bn1", update(axis=[1])), "normalises axis 1 of [None, 7, 7, 64]"),
    "BatchNormalization epsilon a string": (in_layer("dec_bn1", update(epsilon="0")), "config.epsilon"),
    "use_bias a string": (in_layer("dec_dense", update(use_bias="yes")), "config.use_bias should be absent or true"),
    "strides of zero": (in_layer("dec_conv1", update(strides=[0, 1])), "config.strides should be a pair"),
    "valid padding too large": (in_layer("dec_conv1", update(padding="valid", kernel_size=[9, 9])),
                                "its input [None, 7, 7, 64] is smaller than its window [9, 9]"),
    "reshape to another size": (in_layer("dec_reshape", update(target_shape=[7, 7, 65])),
                                "cannot reshape [None, 3136] to [7, 7, 65]"),
    "input from a later layer": (in_layer("dec_relu1", lambda lay: lay["inbound_nodes"][0][0].__setitem__(
        0, "dec_up2")), "its input 'dec_up2' is no earlier layer"),
    "input of no layer": (in_layer("dec_relu1", lambda lay: lay["inbound_nodes"][0][0].__setitem__(0, "x")),
                          "its input 'x' is no earlier layer"),
    "a second call of a layer": (in_layer("dec_relu1", lambda lay: lay["inbound_nodes"].append(
        lay["inbound_nodes"][0])), "inbound_nodes should be one call"),
    "two inputs to a ReLU": (in_layer("dec_relu1", lambda lay: lay["inbound_nodes"][0].append(["dec_bn1", 0, 0, {}])),
                             "takes one input, inbound_nodes gives 2"),
    "inbound_nodes a string": (in_layer("dec_relu1", lambda lay: lay.update(inbound_nodes="x")),
                               "inbound_nodes should be one call"),
    "a second input layer": (lambda doc: layers_of(doc).insert(2, layers_of(doc)[0] | {"config": {
        **layers_of(doc)[0]["config"], "name": "code2"}}), "first layer (and only that one) should be an InputLayer"),
    "first layer not an input": (lambda doc: layers_of(doc).pop(0), "first layer (and only that one) should be"),
    "a layer a number": (lambda doc: layers_of(doc).append(3), "layer 18: not an object with a config"),
    "a layer config a list": (in_layer("dec_relu1", lambda lay: lay.update(config=[])), "not an object with a config"),
    "two layers of one name": (in_layer("dec_relu1", update(name="dec_bn1")), "a second layer of that name"),
    "layers a string": (lambda doc: doc["modelTopology"]["model_config"]["config"].update(layers="x"),
                        "modelTopology has no model_config.config.layers"),
    "model_config a list": (lambda doc: doc["modelTopology"].update(model_config=[]), "has no model_config"),
    "two outputs": (lambda doc: doc["modelTopology"]["model_config"]["config"]["output_layers"].append(
        ["dec_relu4", 0, 0]), "output_layers should name one layer"),
    "output_layers a string": (lambda doc: doc["modelTopology"]["model_config"]["config"].update(output_layers="x"),
                               "output_layers should name one layer"),
    "input_layers naming another layer": (lambda doc: doc["modelTopology"]["model_config"]["config"].update(
        input_layers=[["dec_dense", 0, 0]]), "input_layers should name the first layer"),
    "output of three channels": (in_layer("dec_image", update(filters=3)),
                                 "gives shape [None, 28, 28, 3], the page reads [None, 28, 28, 1]"),
    "output from an inner layer": (lambda doc: doc["modelTopology"]["model_config"]["config"].update(
        output_layers=[["dec_relu4", 0, 0]]), "'dec_relu4' gives shape [None, 28, 28, 16]"),
    "an int32 weight": (in_weights(lambda g: g["weights"][0].update(dtype="int32")), "unusable dtype 'int32'"),
    "a weight quantised as int8": (in_weights(lambda g: g["weights"][0]["quantization"].update(dtype="int8")),
                                   "unusable dtype 'int8'"),
    "a null quantization": (in_weights(lambda g: g["weights"][0].update(quantization=None)),
                            "quantization should be an object, got None"),
    "uint16 without a scale": (in_weights(lambda g: g["weights"][0]["quantization"].pop("scale")),
                              "uint16 quantization needs min and scale"),
    "a scale of 10**400": (in_weights(lambda g: g["weights"][0]["quantization"].update(scale=10 ** 400)),
                           "quantization needs min and scale"),
    "dtype a list": (in_weights(lambda g: g["weights"][0].update(dtype=["float32"])), "unusable dtype ['float32']"),
    "shape a string": (in_weights(lambda g: g["weights"][0].update(shape="64")), "unusable shape '64'"),
    "shape of 10**400": (in_weights(lambda g: g["weights"][0].update(shape=[10 ** 400])), "unusable shape"),
    "weight name a number": (in_weights(lambda g: g["weights"][0].update(name=3)), "a weight without a layer/name"),
    "weight listed twice": (in_weights(lambda g: g["weights"].append(g["weights"][0])),
                            "weight 'dec_bn1/gamma' is listed twice"),
    "a weight its layer does not have": (in_weights(lambda g: g["weights"].append(
        {**g["weights"][0], "name": "dec_conv1/bias"})), "weight 'dec_conv1/bias' belongs to no layer"),
    "a bias its layer lacks": (in_layer("dec_conv1", update(use_bias=True)), "weight 'dec_conv1/bias' is missing"),
    "gamma without scale": (in_layer("dec_bn1", update(scale=False)), "weight 'dec_bn1/gamma' belongs to no layer"),
    "BatchNormalization after the wrong channels": (in_weights(lambda g: [w.update(shape=[32]) for w in g[
        "weights"] if w["name"].startswith("dec_bn1/")]), "'dec_bn1/gamma' has shape [32], its layer needs [64]"),
    "a kernel for another input": (in_weights(lambda g: [w.update(shape=[3, 3, 32, 64]) for w in g[
        "weights"] if w["name"] == "dec_conv1/kernel"]), "its layer needs [3, 3, 64, 64]"),
    "paths a number": (in_weights(lambda g: g.update(paths=[3])), "paths should name each shard file once"),
    "a shard listed twice": (in_weights(lambda g: g.update(paths=g["paths"] * 2)),
                             "paths should name each shard file once"),
    "weights an object": (in_weights(lambda g: g.update(weights={})), "not a TF.js Layers model"),
}


@pytest.mark.parametrize("fault", sorted(UNRUNNABLE))
def test_a_model_json_net_js_cannot_run_is_refused(fault):
    doc = decoder()
    change, message = UNRUNNABLE[fault]
    change(doc)
    with pytest.raises(UserError) as refused:
        model_json.check(doc, *model_folder.SHAPES["decoder"](META))
    assert message in str(refused.value) and "\n" not in str(refused.value)


def test_the_build_knows_the_options_of_every_layer_class_the_contract_lists():
    """model_json.CONFIG is what net.js reads of each class; a class added to the contract needs its entry."""
    assert set(model_json.CONFIG) == set(contract.LAYER_CLASSES)


def test_the_committed_models_are_ones_the_page_runs():
    for folder in sorted(MODELS.iterdir()):
        meta = contract.check(contract.read_json(folder / "meta.json", contract.META_MAX_BYTES), folder)
        for part in ("decoder", "encoder"):
            doc = json.loads((folder / part / "model.json").read_text())
            groups = model_json.check(doc, *model_folder.SHAPES[part](meta))
            shards = [folder / part / path for paths, _ in groups for path in paths]
            assert sum(size for _, size in groups) == sum(shard.stat().st_size for shard in shards)


# Fuzzing: each place in a committed model.json and meta.json (the first of each kind: each layer class's
# fields, a weight's) set to each of these, or removed. Anything may pass or be refused; nothing may raise
# anything else (a traceback in build.py).
WRONG = [None, True, -1, 2.5, 10 ** 400, "x", [], {}, [[[[]]]]]
SKIPPED = ("_initializer", "_regularizer", "_constraint", "training_config")  # what nothing reads


def places(value, kind=(), seen=None):
    """(container, key) of every place in a parsed JSON value, once per kind of place."""
    seen = set() if seen is None else seen
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in list(items):
        if isinstance(key, str) and key.endswith(SKIPPED):
            continue
        if isinstance(key, int):  # a layer by its class, any other list's items alike
            part = child.get("class_name", "*") if isinstance(child, dict) else "*"
        else:  # class keys "0"-"9" and percentile keys alike
            part = "#" if key.isdigit() else key
        if kind + (part,) not in seen:
            seen.add(kind + (part,))
            yield value, key
            yield from places(child, kind + (part,), seen)


def fuzz(doc, check, refusal):
    tried = 0
    for container, key in list(places(doc)):
        old = container[key]
        for new in [*WRONG, "removed"]:
            if new == "removed":
                del container[key]
            else:
                container[key] = new
            try:
                check(doc)
            except refusal:
                pass
            finally:
                if new == "removed" and isinstance(container, list):
                    container.insert(key, old)
                else:
                    container[key] = old
            tried += 1
    return tried


@pytest.mark.parametrize("part", ["decoder", "encoder"])
def test_any_model_json_is_checked_or_refused_never_a_traceback(part):
    doc = json.loads((MODELS / "mnist_2style" / part / "model.json").read_text())
    meta = json.loads((MODELS / "mnist_2style" / "meta.json").read_text())
    assert fuzz(doc, lambda d: model_json.check(d, *model_folder.SHAPES[part](meta)), UserError) > 1000


def test_any_meta_json_is_checked_or_refused_never_a_traceback():
    meta = json.loads((MODELS / "mnist_2style" / "meta.json").read_text())
    assert fuzz(meta, lambda d: contract.check(d, "meta.json"), UserError) > 1000
