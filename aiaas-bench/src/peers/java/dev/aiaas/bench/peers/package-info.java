/**
 * The in-JVM peers of {@code aiaas bench}, compiled only under the Maven profile {@code peers}:
 * PyTorch 2.7.1 through DJL ({@link dev.aiaas.bench.peers.DjlPeer}, engine {@code pytorch-djl})
 * and ONNX Runtime 1.29 ({@link dev.aiaas.bench.peers.OrtPeer}, engine {@code onnxruntime},
 * inference only, on the committed {@code mlp-784-256-10.onnx}). They register as
 * {@link dev.aiaas.bench.PeerEngine} services; every native handle they open (DJL's
 * {@code NDManager}, ONNX Runtime's sessions and tensors) is closed by the workload's
 * {@code close()}.
 */
package dev.aiaas.bench.peers;
