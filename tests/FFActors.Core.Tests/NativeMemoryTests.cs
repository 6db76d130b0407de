using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Tests;

public class NativeMemoryTests
{
    /// <summary>
    /// Every training step counts towards a heap trim (see <see cref="NativeMemory"/> for why: with
    /// Adam, glibc's adaptive mmap threshold let the resident set grow by about the model size per
    /// step). The resident set itself is too noisy on a shared machine to assert on; the wiring is not.
    /// </summary>
    [Fact]
    public void Layer_steps_trim_the_native_heap_every_sixteen_steps()
    {
        if (!OperatingSystem.IsLinux()) return;
        var options = new LayerOptions(0, 784, 100, InputNorm.Rms, new Objective(GoodnessKind.Sum, 100, LossKind.Softplus), 0, new OptimizerOptions());
        using var layer = new LayerTrainer(options, seed: 5, CPU);
        using var gen = new Generator(9);
        using var pos = randn([20, 784], generator: gen);
        using var neg = randn([20, 784], generator: gen);
        long before = NativeMemory.Trims;
        for (int i = 0; i < 2 * NativeMemory.StepsPerTrim; i++)
        {
            using var scope = NewDisposeScope();
            layer.Step(pos, neg);
        }
        // Any 32 consecutive steps contain exactly two multiples of 16, whatever ran before.
        Assert.Equal(2, NativeMemory.Trims - before);
    }
}
