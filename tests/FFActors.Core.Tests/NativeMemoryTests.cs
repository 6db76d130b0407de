using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Tests;

public class NativeMemoryTests
{
    /// <summary>
    /// Without the periodic trim in <see cref="NativeMemory.AfterStep"/> glibc's adaptive mmap
    /// threshold made the resident set grow by about the model size on every Adam step (≈ +2 MB/step here).
    /// </summary>
    [Fact]
    public void Adam_steps_do_not_grow_the_resident_set()
    {
        var options = new LayerOptions(0, 784, 1000, InputNorm.Rms, new Objective(GoodnessKind.Sum, 1000, LossKind.Softplus), 0, new OptimizerOptions());
        using var layer = new LayerTrainer(options, seed: 5, CPU);
        using var gen = new Generator(9);
        using var pos = randn([100, 784], generator: gen);
        using var neg = randn([100, 784], generator: gen);
        void Steps(int n)
        {
            for (int i = 0; i < n; i++)
            {
                using var scope = NewDisposeScope();
                layer.Step(pos, neg);
            }
        }
        Steps(20); // warm-up: optimizer state, allocator caches
        long before = Environment.WorkingSet;
        Steps(100);
        long grown = Environment.WorkingSet - before;
        Assert.True(grown < 25_000_000, $"resident set grew by {grown / 1e6:F0} MB over 100 steps");
    }
}
