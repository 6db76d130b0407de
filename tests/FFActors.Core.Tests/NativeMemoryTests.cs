using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Tests;

public class NativeMemoryTests
{
    const long MB = 1L << 20;

    /// <summary>
    /// Every training step counts towards a check of the resident set (see <see cref="NativeMemory"/> for why the heap is
    /// trimmed at all). Whether a check trims depends on the process's resident set, which is too noisy on a shared
    /// machine to assert on; the wiring is not, and <see cref="HeapTrimPolicy"/> is tested on its own below.
    /// </summary>
    [Fact]
    public void Layer_steps_check_the_resident_set_every_sixteen_steps()
    {
        Assert.True(OperatingSystem.IsLinux(), "the heap is only trimmed on glibc");
        var options = new DenseSpec(0, 784, 100, new OptimizerOptions(), null, InputNorm.Rms, new Objective(GoodnessKind.Sum, 100, LossKind.Softplus), 0);
        using var layer = options.Create(5, CPU);
        using var gen = new Generator(9);
        using var pos = randn([20, 784], generator: gen);
        using var neg = randn([20, 784], generator: gen);
        long before = NativeMemory.Checks;
        for (int i = 0; i < 2 * NativeMemory.StepsPerCheck; i++)
        {
            using var scope = NewDisposeScope();
            layer.Step(pos, neg);
        }
        // Any 32 consecutive steps contain exactly two multiples of 16, whatever ran before.
        Assert.Equal(2, NativeMemory.Checks - before);
        Assert.NotNull(NativeMemory.ResidentBytes());
        Assert.InRange(NativeMemory.ResidentBytes()!.Value, 10 * MB, 64L << 30);
    }

    [Fact]
    public void A_stable_heap_is_never_trimmed()
    {
        var policy = new HeapTrimPolicy();
        foreach (long rss in new[] { 800 * MB, 836 * MB, 740 * MB, 1000 * MB, 1055 * MB, 790 * MB })
            Assert.False(policy.ShouldTrim(rss), $"{rss / MB} MB");
    }

    [Fact]
    public void Growth_by_the_slack_trims_once_and_the_next_reading_is_the_new_reference()
    {
        var policy = new HeapTrimPolicy();
        Assert.False(policy.ShouldTrim(1000 * MB)); // the reference
        Assert.False(policy.ShouldTrim(1000 * MB + HeapTrimPolicy.Slack(1000 * MB) - 1));
        Assert.True(policy.ShouldTrim(1000 * MB + HeapTrimPolicy.Slack(1000 * MB)));
        // After the trim the working set faults in again: that level is the new reference, whatever it is.
        Assert.False(policy.ShouldTrim(1200 * MB));
        Assert.False(policy.ShouldTrim(1200 * MB + 255 * MB));
        Assert.True(policy.ShouldTrim(1200 * MB + 300 * MB));
    }

    [Fact]
    public void The_slack_is_256_MB_or_a_quarter_of_the_reference()
    {
        Assert.Equal(256 * MB, HeapTrimPolicy.Slack(100 * MB));
        Assert.Equal(256 * MB, HeapTrimPolicy.Slack(1024 * MB));
        Assert.Equal(1024 * MB, HeapTrimPolicy.Slack(4096 * MB));
    }
}
