/**
 * The packed float32 kernel that aiaas's fast inference paths run on, for modules and
 * applications that build a packed path of their own (aiaas-nlp's transformer decoder and
 * aiaas-onnx's encoder do).
 *
 * <p>{@link dev.aiaas.core.kernel.DenseKernels#VECTOR} is this JVM's kernel (the Vector API on
 * AVX-512 or AVX2, with {@code --add-modules jdk.incubator.vector}), or empty with the reason in
 * {@link dev.aiaas.core.kernel.DenseKernels#UNAVAILABLE}; {@link dev.aiaas.core.kernel.DenseKernels#pack}
 * lays a weight matrix out in the kernel's column panels, and a {@link dev.aiaas.core.kernel.DenseKernel}
 * computes y = f(x·W + b) and the in-place row steps (activations, softmax, layer and batch
 * normalisation) on row-major float32 blocks. The kernels are stateless and safe to share
 * between threads; the arrays passed in belong to the caller, and offsets and sizes are checked
 * only by the JVM's array bounds (an {@code IndexOutOfBoundsException}, never a crash). Most
 * applications never use this package directly: {@code Model.predictor()} packs a network through it.
 *
 * <p>{@link dev.aiaas.core.kernel.Parallel} is the engine's worker pool (the {@code aiaas.threads}
 * setting), shared by the optimisers, the packed paths and other modules' kernels.
 */
package dev.aiaas.core.kernel;
