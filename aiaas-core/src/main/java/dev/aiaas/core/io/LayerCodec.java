package dev.aiaas.core.io;

import dev.aiaas.core.nn.Activation;
import dev.aiaas.core.nn.ActivationLayer;
import dev.aiaas.core.nn.BatchNorm;
import dev.aiaas.core.nn.Dense;
import dev.aiaas.core.nn.Dropout;
import dev.aiaas.core.nn.Embedding;
import dev.aiaas.core.nn.Initializer;
import dev.aiaas.core.nn.Layer;
import dev.aiaas.core.nn.LayerNorm;
import dev.aiaas.core.nn.Lstm;
import dev.aiaas.core.nn.Residual;
import dev.aiaas.core.nn.TimeDistributed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a layer's configuration as {@code prefix.key=value} header entries and reads it back:
 * {@code type} names the layer; the other keys are its {@link Layer#config()}; a residual block
 * writes its inner layers under {@code prefix.layer.j.}, a time-distributed wrapper its layer
 * under {@code prefix.layer.}.
 */
final class LayerCodec {
    private LayerCodec() {
    }

    static void encode(Layer layer, String prefix, Map<String, String> out) {
        out.put(prefix + "type", layer.type());
        if (layer instanceof Residual r) {
            out.put(prefix + "layers", Integer.toString(r.layers().size()));
            for (int j = 0; j < r.layers().size(); j++) {
                encode(r.layers().get(j), prefix + "layer." + j + ".", out);
            }
            return;
        }
        if (layer instanceof TimeDistributed td) {
            encode(td.layer(), prefix + "layer.", out);
            return;
        }
        for (Map.Entry<String, Object> e : layer.config().entrySet()) {
            out.put(prefix + e.getKey(), String.valueOf(e.getValue()));
        }
    }

    static Layer decode(String prefix, Header h) throws ModelFormatException {
        String type = h.get(prefix + "type");
        switch (type) {
            case "dense" -> {
                int units = h.getInt(prefix + "units");
                String act = h.get(prefix + "activation");
                double alpha = h.getDouble(prefix + "alpha");
                String kernel = h.get(prefix + "kernel_initializer");
                double kernelValue = h.getDouble(prefix + "kernel_initializer_value");
                String bias = h.get(prefix + "bias_initializer");
                double biasValue = h.getDouble(prefix + "bias_initializer_value");
                return h.wrap(() -> new Dense(units, new Activation(act, alpha), new Initializer(kernel, kernelValue),
                        new Initializer(bias, biasValue)));
            }
            case "dropout" -> {
                double rate = h.getDouble(prefix + "rate");
                return h.wrap(() -> new Dropout(rate));
            }
            case "layer_norm" -> {
                double epsilon = h.getDouble(prefix + "epsilon");
                return h.wrap(() -> new LayerNorm(epsilon));
            }
            case "batch_norm" -> {
                double momentum = h.getDouble(prefix + "momentum");
                double epsilon = h.getDouble(prefix + "epsilon");
                return h.wrap(() -> new BatchNorm(momentum, epsilon));
            }
            case "embedding" -> {
                int inputDim = h.getInt(prefix + "input_dim");
                int outputDim = h.getInt(prefix + "output_dim");
                String init = h.get(prefix + "initializer");
                double value = h.getDouble(prefix + "initializer_value");
                return h.wrap(() -> new Embedding(inputDim, outputDim, new Initializer(init, value)));
            }
            case "lstm" -> {
                int units = h.getInt(prefix + "units");
                String kernel = h.get(prefix + "kernel_initializer");
                double kernelValue = h.getDouble(prefix + "kernel_initializer_value");
                String recurrent = h.get(prefix + "recurrent_initializer");
                double recurrentValue = h.getDouble(prefix + "recurrent_initializer_value");
                double forget = h.getDouble(prefix + "forget_gate_bias");
                return h.wrap(() -> new Lstm(units, new Initializer(kernel, kernelValue), new Initializer(recurrent, recurrentValue), forget));
            }
            case "time_distributed" -> {
                Layer inner = decode(prefix + "layer.", h);
                return h.wrap(() -> new TimeDistributed(inner));
            }
            case "residual" -> {
                int n = h.getInt(prefix + "layers");
                List<Layer> inner = new ArrayList<>();
                for (int j = 0; j < n; j++) {
                    inner.add(decode(prefix + "layer." + j + ".", h));
                }
                return h.wrap(() -> new Residual(inner));
            }
            default -> {
                if (Activation.NAMES.contains(type)) {
                    double alpha = h.getDouble(prefix + "alpha");
                    return h.wrap(() -> new ActivationLayer(new Activation(type, alpha)));
                }
                throw h.error("unknown layer type '" + type + "' at " + prefix + "type; this library knows dense, dropout, layer_norm, batch_norm, residual, embedding, lstm, time_distributed and "
                        + String.join(", ", Activation.NAMES) + " (was the file written by a newer aiaas?)");
            }
        }
    }
}
