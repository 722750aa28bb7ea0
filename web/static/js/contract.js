// Written by `python -m training.contract` from training/contract.py: edit them there, not here.

export const NUM_CLASSES = 10;
export const IMAGE_SIDE = 28;
export const BCE_EPSILON = 1e-07;
export const PERCENTILES = [1, 5, 25, 50, 75, 95, 99];
export const ATLAS_QUANTILES = [1, 10, 25, 50, 75, 90, 99];
export const GRID_ROWS = 11;
export const GRID_GAP = 2;
export const CLASS_BITS = 4;
export const STYLE_BITS = 8;
export const ROW_SLANT_TOLERANCE = 0.05;
export const LAYER_CLASSES = ["InputLayer", "Conv2D", "Dense", "BatchNormalization", "ReLU", "Activation", "Reshape", "Flatten", "Dropout", "UpSampling2D", "MaxPooling2D", "Concatenate"];
export const ACTIVATIONS = ["linear", "relu", "sigmoid", "softmax"];
export const WEIGHT_DTYPE_BYTES = {"float32": 4};
export const QUANTIZED_DTYPE_BYTES = {"uint8": 1, "uint16": 2, "float16": 2};
